-- 0004: submissions, their declarations, lab reports and audit trail.
-- A submission pins the scheme version it is assessed under, so a decision
-- can always be re-checked against the exact rules it was made under.
-- seq columns are AUTOINCREMENT like 0003's: cursors and "the latest
-- report" never change meaning (VACUUM may renumber a plain rowid).
-- revision is the optimistic-concurrency counter behind the ETag: every
-- change bumps it in the transaction that makes the change.
-- Lab reports and events are append-only: triggers refuse UPDATE and
-- DELETE, so a record of who said what can never be rewritten.

CREATE TABLE submissions (
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
			    'rejected')),
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
CREATE INDEX submissions_vendor ON submissions(vendor_id, seq);
CREATE INDEX submissions_lab ON submissions(lab_id, seq);
CREATE INDEX submissions_product ON submissions(product_id, seq);

-- One current declaration per requirement; a new one replaces it (the
-- events keep the history).  evidence: SHA-256 hex digests of files
-- uploaded to the submission, separated by single spaces.
CREATE TABLE declarations (
	submission_id	TEXT NOT NULL REFERENCES submissions(id),
	requirement	TEXT NOT NULL CHECK (length(requirement) BETWEEN 1 AND 64),
	status		TEXT NOT NULL CHECK (status IN ('conformant',
			    'not_applicable', 'non_conformant')),
	justification	TEXT NOT NULL DEFAULT '',
	evidence	TEXT NOT NULL DEFAULT ''
			CHECK (evidence NOT GLOB '*[^0-9a-f ]*'),
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL REFERENCES organizations(id),
	PRIMARY KEY (submission_id, requirement)
) WITHOUT ROWID;

-- A lab files a report per tier; a later report for the same tier
-- supersedes the earlier one, which stays on record.
CREATE TABLE lab_reports (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE,
	submission_id	TEXT NOT NULL REFERENCES submissions(id),
	lab_id		TEXT NOT NULL REFERENCES organizations(id),
	tier		INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 9),
	report_sha256	TEXT NOT NULL CHECK (length(report_sha256) = 64),
	created_at	TEXT NOT NULL,
	created_by	TEXT NOT NULL
);
CREATE INDEX lab_reports_submission ON lab_reports(submission_id, lab_id,
    tier, seq);

CREATE TABLE lab_results (
	report_id	TEXT NOT NULL REFERENCES lab_reports(id),
	requirement	TEXT NOT NULL CHECK (length(requirement) BETWEEN 1 AND 64),
	verdict		TEXT NOT NULL CHECK (verdict IN ('pass', 'fail',
			    'not_applicable')),
	notes		TEXT NOT NULL DEFAULT '',
	position	INTEGER NOT NULL,
	PRIMARY KEY (report_id, requirement)
) WITHOUT ROWID;

-- The audit trail.  seq orders it and is the listing cursor.
CREATE TABLE submission_events (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	submission_id	TEXT NOT NULL REFERENCES submissions(id),
	at		TEXT NOT NULL,
	org_id		TEXT NOT NULL REFERENCES organizations(id),
	role		TEXT NOT NULL,
	token_id	TEXT NOT NULL,
	action		TEXT NOT NULL,
	from_state	TEXT,
	to_state	TEXT,
	reason		TEXT,
	detail		TEXT
);
CREATE INDEX submission_events_submission
    ON submission_events(submission_id, seq);

-- Label ids are prefix + a sequence per prefix (country, scheme, year).
CREATE TABLE label_sequences (
	prefix		TEXT PRIMARY KEY,
	last		INTEGER NOT NULL CHECK (last > 0)
);

CREATE TRIGGER submission_events_no_update BEFORE UPDATE ON submission_events
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER submission_events_no_delete BEFORE DELETE ON submission_events
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER lab_reports_no_update BEFORE UPDATE ON lab_reports
BEGIN
	SELECT RAISE(ABORT, 'lab reports are append-only');
END;
CREATE TRIGGER lab_reports_no_delete BEFORE DELETE ON lab_reports
BEGIN
	SELECT RAISE(ABORT, 'lab reports are append-only');
END;
CREATE TRIGGER lab_results_no_update BEFORE UPDATE ON lab_results
BEGIN
	SELECT RAISE(ABORT, 'lab reports are append-only');
END;
CREATE TRIGGER lab_results_no_delete BEFORE DELETE ON lab_results
BEGIN
	SELECT RAISE(ABORT, 'lab reports are append-only');
END;

-- 0003's evidence table could not name submissions (they come here): this
-- trigger stands in for the foreign key.
CREATE TRIGGER evidence_submission_exists BEFORE INSERT ON evidence
WHEN NOT EXISTS (SELECT 1 FROM submissions WHERE id = NEW.submission_id)
BEGIN
	SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: no such submission');
END;
