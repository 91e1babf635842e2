-- 0005: signing keys, issued labels, their status history and the cached
-- status list credentials.
--
-- A label is stored as the exact bytes issued (its RFC 8785 form): GET
-- /v1/labels/{id} serves them unchanged and triggers refuse to rewrite
-- them.  Only the status columns of a label ever change, and every change
-- is also a row of label_events (append-only).  Signing keys are never
-- deleted: the DID document lists every key ever used so old labels keep
-- resolving theirs; a key only moves forward active -> retired ->
-- compromised (or active -> compromised).

CREATE TABLE signing_keys (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	-- "key-" + the first 8 hex digits of SHA-256(public key)
	kid		TEXT NOT NULL UNIQUE CHECK (kid GLOB
			    'key-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
	public_key	BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
	-- the private key file, relative to the data dir; never its content
	file		TEXT NOT NULL,
	sealed		INTEGER NOT NULL CHECK (sealed IN (0, 1)),
	status		TEXT NOT NULL CHECK (status IN ('active', 'retired',
			    'compromised')),
	created_at	TEXT NOT NULL,
	retired_at	TEXT,
	-- labels this key signed at or after this time fail verification
	compromised_at	TEXT,
	CHECK ((status = 'active') = (retired_at IS NULL)),
	CHECK ((status = 'compromised') = (compromised_at IS NOT NULL))
);
-- At most one key signs at a time.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(status)
    WHERE status = 'active';

CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
BEGIN
	SELECT RAISE(ABORT, 'signing keys are never deleted');
END;
CREATE TRIGGER signing_keys_identity BEFORE UPDATE OF kid, public_key, file,
    sealed, created_at ON signing_keys
BEGIN
	SELECT RAISE(ABORT, 'a signing key''s identity never changes');
END;
CREATE TRIGGER signing_keys_forward BEFORE UPDATE OF status ON signing_keys
WHEN NEW.status <> OLD.status AND NOT (
    (OLD.status = 'active' AND NEW.status IN ('retired', 'compromised')) OR
    (OLD.status = 'retired' AND NEW.status = 'compromised'))
BEGIN
	SELECT RAISE(ABORT, 'a signing key never returns to an earlier status');
END;

CREATE TABLE labels (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 40),
	-- NULL for labels not issued from a submission (recognitions)
	submission_id	TEXT UNIQUE REFERENCES submissions(id),
	vendor_id	TEXT NOT NULL REFERENCES organizations(id),
	product_id	TEXT NOT NULL REFERENCES products(id),
	scheme		TEXT NOT NULL,
	scheme_version	INTEGER NOT NULL,
	tier		INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 9),
	kid		TEXT NOT NULL REFERENCES signing_keys(kid),
	issued_at	TEXT NOT NULL,
	valid_until	TEXT NOT NULL CHECK (valid_until > issued_at),
	status		TEXT NOT NULL DEFAULT 'active' CHECK (status IN
			    ('active', 'suspended', 'revoked', 'superseded')),
	status_reason	TEXT CHECK (status_reason IS NULL OR
			    length(status_reason) <= 4000),
	status_since	TEXT NOT NULL,
	revocation_list	TEXT NOT NULL,
	revocation_index INTEGER NOT NULL CHECK (revocation_index BETWEEN 0
			    AND 131071),
	suspension_list	TEXT NOT NULL,
	suspension_index INTEGER NOT NULL CHECK (suspension_index BETWEEN 0
			    AND 131071),
	-- the signed credential exactly as issued, and its SHA-256 (hex)
	credential	TEXT NOT NULL,
	credential_sha256 TEXT NOT NULL CHECK (length(credential_sha256) = 64),
	FOREIGN KEY (scheme, scheme_version)
	    REFERENCES scheme_versions(scheme_id, version),
	-- an index is given out once per list, never reused
	UNIQUE (revocation_list, revocation_index),
	UNIQUE (suspension_list, suspension_index)
);
CREATE INDEX labels_product ON labels(product_id, seq);
CREATE INDEX labels_vendor ON labels(vendor_id, seq);
-- the status list builders read the set bits of one list
CREATE INDEX labels_revocation ON labels(revocation_list, status);
CREATE INDEX labels_suspension ON labels(suspension_list, status);

CREATE TRIGGER labels_immutable BEFORE UPDATE OF id, submission_id,
    vendor_id, product_id, scheme, scheme_version, tier, kid, issued_at,
    valid_until, revocation_list, revocation_index, suspension_list,
    suspension_index, credential, credential_sha256, seq ON labels
BEGIN
	SELECT RAISE(ABORT, 'issued labels are immutable');
END;
CREATE TRIGGER labels_no_delete BEFORE DELETE ON labels
BEGIN
	SELECT RAISE(ABORT, 'issued labels are never deleted');
END;
-- Revocation is final.
CREATE TRIGGER labels_revocation_final BEFORE UPDATE OF status ON labels
WHEN OLD.status = 'revoked' AND NEW.status <> 'revoked'
BEGIN
	SELECT RAISE(ABORT, 'a revoked label stays revoked');
END;

-- Every status change of a label, issuance included.
CREATE TABLE label_events (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	label_id	TEXT NOT NULL REFERENCES labels(id),
	at		TEXT NOT NULL,
	action		TEXT NOT NULL CHECK (action IN ('issued', 'suspended',
			    'reinstated', 'revoked', 'superseded')),
	from_status	TEXT,
	to_status	TEXT NOT NULL,
	reason		TEXT,
	org_id		TEXT REFERENCES organizations(id),
	token_id	TEXT
);
CREATE INDEX label_events_label ON label_events(label_id, seq);

CREATE TRIGGER label_events_no_update BEFORE UPDATE ON label_events
BEGIN
	SELECT RAISE(ABORT, 'the label history is append-only');
END;
CREATE TRIGGER label_events_no_delete BEFORE DELETE ON label_events
BEGIN
	SELECT RAISE(ABORT, 'the label history is append-only');
END;

-- The last signed Bitstring Status List credential of each list.  stale is
-- set in the transaction that changes a bit, so a list is never served
-- without that change even when re-signing had to wait (no active key).
-- kid names the key that signed it: a list is signed again once that key
-- is no longer the active one.
CREATE TABLE status_lists (
	id		TEXT PRIMARY KEY,	-- revocation-1, suspension-1
	purpose		TEXT NOT NULL CHECK (purpose IN ('revocation',
			    'suspension')),
	credential	TEXT,
	generated_at	TEXT,
	kid		TEXT REFERENCES signing_keys(kid),
	stale		INTEGER NOT NULL DEFAULT 1 CHECK (stale IN (0, 1)),
	CHECK (stale = 1 OR credential IS NOT NULL)
);
