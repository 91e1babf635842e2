-- 0008: the transparency log (RFC 6962 hashing, see src/tlog.h).
--
-- tlog_leaves: every entry ever appended, as the exact bytes hashed (the
-- RFC 8785 form of {kind, label_id, credential_sha256, time, reason}),
-- numbered from 0 without gaps.  kind and label_id repeat what the entry
-- says so that a label finds its leaf; leaf_hash is SHA-256(0x00 || entry).
CREATE TABLE tlog_leaves (
	idx		INTEGER PRIMARY KEY CHECK (idx >= 0),
	entry		BLOB NOT NULL,
	leaf_hash	BLOB NOT NULL CHECK (length(leaf_hash) = 32),
	kind		TEXT NOT NULL CHECK (kind IN ('issue', 'suspend',
			    'reinstate', 'revoke', 'supersede', 'recognise',
			    'key')),
	label_id	TEXT,
	appended_at	TEXT NOT NULL
);
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

-- The hashes of the complete subtrees: (level, idx) covers leaves
-- [idx << level, (idx + 1) << level); level 0 are the leaf hashes.  What
-- tlog_append_hashes yields, written in the append's transaction.
CREATE TABLE tlog_hashes (
	level		INTEGER NOT NULL CHECK (level BETWEEN 0 AND 40),
	idx		INTEGER NOT NULL CHECK (idx >= 0),
	hash		BLOB NOT NULL CHECK (length(hash) = 32),
	PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TRIGGER tlog_hashes_no_update BEFORE UPDATE ON tlog_hashes
BEGIN
	SELECT RAISE(ABORT, 'a subtree hash never changes');
END;
CREATE TRIGGER tlog_hashes_no_delete BEFORE DELETE ON tlog_hashes
BEGIN
	SELECT RAISE(ABORT, 'subtree hashes are never deleted');
END;

-- The log's own Ed25519 key (DATA/keys/log-<kid>.key, mode 0600): it
-- signs checkpoints only.  origin is the checkpoint origin line and the
-- key's note name.  One key for now (its rotation is a later step).
CREATE TABLE log_keys (
	kid		TEXT PRIMARY KEY CHECK (kid GLOB
			    'key-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
	origin		TEXT NOT NULL,
	public_key	BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
	file		TEXT NOT NULL,
	created_at	TEXT NOT NULL
);
CREATE TRIGGER log_keys_no_update BEFORE UPDATE ON log_keys
BEGIN
	SELECT RAISE(ABORT, 'a log key never changes');
END;
CREATE TRIGGER log_keys_no_delete BEFORE DELETE ON log_keys
BEGIN
	SELECT RAISE(ABORT, 'log keys are never deleted');
END;

-- Signed checkpoints (C2SP tlog-checkpoint signed notes), at most one per
-- tree size, kept so that old checkpoints stay provable.
CREATE TABLE tlog_checkpoints (
	size		INTEGER PRIMARY KEY CHECK (size >= 0),
	root		BLOB NOT NULL CHECK (length(root) = 32),
	note		TEXT NOT NULL,
	kid		TEXT NOT NULL REFERENCES log_keys(kid),
	created_at	TEXT NOT NULL
);
CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints
BEGIN
	SELECT RAISE(ABORT, 'a checkpoint never changes');
END;
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints
BEGIN
	SELECT RAISE(ABORT, 'checkpoints are never deleted');
END;
