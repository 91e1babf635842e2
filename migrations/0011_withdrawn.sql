-- 0011: a vendor may withdraw a submission before its decision
-- (POST /v1/submissions/{id}/withdraw): the state withdrawn, final like
-- approved and rejected.
--
-- SQLite cannot change a CHECK in place, so the table is rebuilt: its rows
-- are copied aside, the table dropped and made again with the wider state
-- list, and the rows copied back with their seq (cursors keep meaning).
-- Foreign keys stay on (labeld opens every connection so, and a migration
-- runs in a transaction where the pragma cannot change): deferred until
-- the commit, the children of the dropped table find their parents again
-- when the rows come back.  The DROP fires no trigger.  Indexes and 0006's
-- triggers go with the table and are made again.

PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE submissions_0011 AS SELECT * FROM main.submissions;
DROP TABLE main.submissions;

CREATE TABLE main.submissions (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE,
	vendor_id	TEXT NOT NULL REFERENCES organizations(id),
	product_id	TEXT NOT NULL REFERENCES products(id),
	product_version	TEXT NOT NULL,
	scheme		TEXT NOT NULL,
	scheme_version	INTEGER NOT NULL,
	target_tier	INTEGER NOT NULL CHECK (target_tier BETWEEN 1 AND 9),
	state		TEXT NOT NULL CHECK (state IN ('draft', 'submitted',
			    'under_review', 'changes_requested', 'approved',
			    'rejected', 'withdrawn')),
	lab_id		TEXT REFERENCES organizations(id),
	revision	INTEGER NOT NULL DEFAULT 1 CHECK (revision > 0),
	approved_tier	INTEGER NOT NULL DEFAULT 0,
	label_id	TEXT UNIQUE,
	decision	TEXT CHECK (decision IN ('approve', 'reject',
			    'request_changes')),
	decision_reason	TEXT,
	decided_at	TEXT,
	decided_by	TEXT REFERENCES organizations(id),
	submitted_at	TEXT,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	FOREIGN KEY (scheme, scheme_version)
	    REFERENCES scheme_versions(scheme_id, version),
	FOREIGN KEY (product_id, product_version)
	    REFERENCES product_versions(product_id, version),
	CHECK ((state = 'approved') = (label_id IS NOT NULL)),
	CHECK ((state = 'approved') = (approved_tier > 0))
);
INSERT INTO main.submissions SELECT * FROM temp.submissions_0011;
DROP TABLE temp.submissions_0011;

CREATE INDEX submissions_vendor ON submissions(vendor_id, seq);
CREATE INDEX submissions_lab ON submissions(lab_id, seq);
CREATE INDEX submissions_product ON submissions(product_id, seq);

-- A decided or withdrawn submission is final.
CREATE TRIGGER submissions_final BEFORE UPDATE ON submissions
WHEN OLD.state IN ('approved', 'rejected', 'withdrawn')
BEGIN
	SELECT RAISE(ABORT, 'a decided or withdrawn submission is final');
END;

CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN
	SELECT RAISE(ABORT, 'submissions are never deleted');
END;
