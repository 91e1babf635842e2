-- 0015: witnesses of the transparency log (issue 12).
--
-- log_cosignatures: a partner's witness cosignature (C2SP tlog-cosignature)
-- over one of our stored checkpoints, kept as the signature line received
-- ("— <name> <base64>") so that GET /v1/log/checkpoint serves it attached.
-- One per checkpoint and witness key; the newest received replaces none.
CREATE TABLE log_cosignatures (
	size		INTEGER NOT NULL REFERENCES tlog_checkpoints(size),
	witness		TEXT NOT NULL,
	keyid		INTEGER NOT NULL,
	partner_id	TEXT NOT NULL REFERENCES partners(id),
	line		TEXT NOT NULL,
	cosigned_at	TEXT NOT NULL,
	received_at	TEXT NOT NULL,
	PRIMARY KEY (size, witness, keyid)
);
CREATE TRIGGER log_cosignatures_no_update BEFORE UPDATE ON log_cosignatures
BEGIN
	SELECT RAISE(ABORT, 'a cosignature never changes');
END;
CREATE TRIGGER log_cosignatures_no_delete BEFORE DELETE ON log_cosignatures
BEGIN
	SELECT RAISE(ABORT, 'cosignatures are never deleted');
END;

-- log_incidents: evidence that a log showed two views (a split view), or
-- that a log did not only grow; recorded, never deleted, served by GET
-- /v1/log/incidents.  kind: split_view (a partner witnessed a checkpoint
-- of our log whose root is not ours at that size), beyond_log (a
-- checkpoint of our log larger than our log), inconsistent (as a witness:
-- a partner's new checkpoint does not extend the last one we cosigned).
CREATE TABLE log_incidents (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	kind		TEXT NOT NULL CHECK (kind IN ('split_view',
			    'beyond_log', 'inconsistent')),
	origin		TEXT NOT NULL,
	size		INTEGER NOT NULL CHECK (size >= 0),
	partner_id	TEXT REFERENCES partners(id),
	witness		TEXT,
	-- 1 when the evidence carries a valid signature of the log's key
	log_signed	INTEGER NOT NULL CHECK (log_signed IN (0, 1)),
	detail		TEXT NOT NULL,
	evidence	TEXT NOT NULL,
	recorded_at	TEXT NOT NULL
);
CREATE TRIGGER log_incidents_no_update BEFORE UPDATE ON log_incidents
BEGIN
	SELECT RAISE(ABORT, 'an incident never changes');
END;
CREATE TRIGGER log_incidents_no_delete BEFORE DELETE ON log_incidents
BEGIN
	SELECT RAISE(ABORT, 'incidents are never deleted');
END;

-- log_witnessed: as a witness of partners' logs (labelctl log cosign),
-- the latest checkpoint of each log we cosigned: the next must extend it.
CREATE TABLE log_witnessed (
	origin		TEXT PRIMARY KEY,
	partner_id	TEXT NOT NULL REFERENCES partners(id),
	size		INTEGER NOT NULL CHECK (size >= 0),
	root		BLOB NOT NULL CHECK (length(root) = 32),
	note		TEXT NOT NULL,
	cosigned_at	TEXT NOT NULL
);

-- The log key's lifecycle (labelctl log rotate|retire): a log key signs
-- checkpoints until retired, so that after a rotation checkpoints carry
-- the old and the new key's signatures (the overlap) until the old one is
-- retired; a rotation for compromise retires the old key at once.
CREATE TABLE log_key_retired (
	kid		TEXT PRIMARY KEY REFERENCES log_keys(kid),
	retired_at	TEXT NOT NULL,
	compromised	INTEGER NOT NULL CHECK (compromised IN (0, 1))
);
CREATE TRIGGER log_key_retired_no_update BEFORE UPDATE ON log_key_retired
BEGIN
	SELECT RAISE(ABORT, 'a log key retirement never changes');
END;
CREATE TRIGGER log_key_retired_no_delete BEFORE DELETE ON log_key_retired
BEGIN
	SELECT RAISE(ABORT, 'log key retirements are never deleted');
END;
