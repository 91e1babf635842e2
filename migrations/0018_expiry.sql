-- 0018: expiry recorded once.  A label's expiry stays derived from
-- valid_until at the time of the question; labeld's scheduler also writes
-- it down once, as a label_events row (action 'expired') and a log leaf,
-- so the audit trail and the log say when a label lapsed.
-- labels.expiry_logged marks the labels done, and a partial index finds
-- the ones due without reading the rest.
--
-- label_events is rebuilt for the wider CHECK, as 0011 rebuilt
-- submissions: rows copied aside with their seq, the table made again,
-- the rows copied back, the index and the append-only triggers made again
-- (DROP fires no trigger; nothing references label_events).

ALTER TABLE labels ADD COLUMN expiry_logged INTEGER NOT NULL DEFAULT 0
	CHECK (expiry_logged IN (0, 1));
CREATE INDEX labels_expiry_due ON labels(valid_until) WHERE expiry_logged = 0;
-- Set once the label's holder was told it enters expiry_warning_window.
ALTER TABLE labels ADD COLUMN expiry_warned INTEGER NOT NULL DEFAULT 0
	CHECK (expiry_warned IN (0, 1));
CREATE INDEX labels_expiry_warn ON labels(valid_until) WHERE expiry_warned = 0;
CREATE INDEX labels_valid_until ON labels(valid_until, seq);

CREATE TEMP TABLE label_events_0018 AS SELECT * FROM main.label_events;
DROP TABLE main.label_events;
CREATE TABLE main.label_events (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	label_id	TEXT NOT NULL REFERENCES labels(id),
	at		TEXT NOT NULL,
	action		TEXT NOT NULL CHECK (action IN ('issued', 'suspended',
			    'reinstated', 'revoked', 'superseded', 'expired')),
	from_status	TEXT,
	to_status	TEXT NOT NULL,
	reason		TEXT,
	org_id		TEXT REFERENCES organizations(id),
	token_id	TEXT
);
INSERT INTO main.label_events SELECT * FROM temp.label_events_0018;
DROP TABLE temp.label_events_0018;
CREATE INDEX label_events_label ON label_events(label_id, seq);

CREATE TRIGGER label_events_no_update BEFORE UPDATE ON label_events
BEGIN
	SELECT RAISE(ABORT, 'the label history is append-only');
END;
CREATE TRIGGER label_events_no_delete BEFORE DELETE ON label_events
BEGIN
	SELECT RAISE(ABORT, 'the label history is append-only');
END;

-- The log's leaves take the kind 'expire'.  Rebuilt the same way; the
-- consecutive-index trigger is made again after the copy (the copied rows
-- are consecutive already), the hashes table is untouched.
CREATE TEMP TABLE tlog_leaves_0018 AS SELECT * FROM main.tlog_leaves;
DROP TABLE main.tlog_leaves;
CREATE TABLE main.tlog_leaves (
	idx		INTEGER PRIMARY KEY CHECK (idx >= 0),
	entry		BLOB NOT NULL,
	leaf_hash	BLOB NOT NULL CHECK (length(leaf_hash) = 32),
	kind		TEXT NOT NULL CHECK (kind IN ('issue', 'suspend',
			    'reinstate', 'revoke', 'supersede', 'recognise',
			    'key', 'expire')),
	label_id	TEXT,
	appended_at	TEXT NOT NULL
);
INSERT INTO main.tlog_leaves SELECT * FROM temp.tlog_leaves_0018;
DROP TABLE temp.tlog_leaves_0018;
CREATE INDEX tlog_leaves_label ON tlog_leaves(label_id, idx)
    WHERE label_id IS NOT NULL;

CREATE TRIGGER tlog_leaves_consecutive BEFORE INSERT ON tlog_leaves
WHEN NEW.idx <> (SELECT coalesce(max(idx), -1) + 1 FROM tlog_leaves)
BEGIN
	SELECT RAISE(ABORT, 'log leaves are consecutive');
END;
CREATE TRIGGER tlog_leaves_no_update BEFORE UPDATE ON tlog_leaves
BEGIN
	SELECT RAISE(ABORT, 'a log leaf never changes');
END;
CREATE TRIGGER tlog_leaves_no_delete BEFORE DELETE ON tlog_leaves
BEGIN
	SELECT RAISE(ABORT, 'log leaves are never deleted');
END;
