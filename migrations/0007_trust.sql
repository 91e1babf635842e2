-- 0007: pre-rotation and trust bundle versions.
--
-- next_keys: the key that will sign next.  Its private key file lives in
-- DATA/keys/<kid>.key like any other (it may be sealed, or kept off the
-- machine until the rotation), but its public key is not published: a
-- trust bundle carries only its digest (nextKeyDigest), so a thief of the
-- active key cannot move partners to a key of its own.  labelctl key
-- rotate promotes the committed row (promoted_at set once; the key then
-- becomes a signing_keys row) and commits to a fresh one.  At most one
-- row is committed (not yet promoted) at a time; rows are never deleted.
CREATE TABLE next_keys (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	kid		TEXT NOT NULL UNIQUE CHECK (kid GLOB
			    'key-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
	public_key	BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
	-- lowercase hex SHA-256 of the raw 32-byte public key
	digest		TEXT NOT NULL UNIQUE CHECK (length(digest) = 64 AND
			    digest NOT GLOB '*[^0-9a-f]*'),
	file		TEXT NOT NULL,
	sealed		INTEGER NOT NULL CHECK (sealed IN (0, 1)),
	created_at	TEXT NOT NULL,
	promoted_at	TEXT
);
CREATE UNIQUE INDEX next_keys_one_committed ON next_keys((promoted_at IS NULL))
    WHERE promoted_at IS NULL;

CREATE TRIGGER next_keys_no_delete BEFORE DELETE ON next_keys
BEGIN
	SELECT RAISE(ABORT, 'next keys are never deleted');
END;
CREATE TRIGGER next_keys_identity BEFORE UPDATE OF seq, kid, public_key,
    digest, file, sealed, created_at ON next_keys
BEGIN
	SELECT RAISE(ABORT, 'a next key''s identity never changes');
END;
CREATE TRIGGER next_keys_promoted_once BEFORE UPDATE OF promoted_at
    ON next_keys
WHEN OLD.promoted_at IS NOT NULL OR NEW.promoted_at IS NULL
BEGIN
	SELECT RAISE(ABORT, 'a next key is promoted once');
END;

-- Every trust bundle version ever issued, as the exact bytes signed (its
-- RFC 8785 form): GET /v1/trust-bundle/versions/{version} serves them
-- unchanged.  content_sha256 is the SHA-256 (hex) of the RFC 8785 form of
-- the bundle without version, issued, expires and proof: a new version is
-- made only when it changes (or the latest nears its expiry).  Versions
-- are consecutive from 1 and append-only.
CREATE TABLE trust_bundles (
	version		INTEGER PRIMARY KEY CHECK (version >= 1),
	bundle		TEXT NOT NULL,
	content_sha256	TEXT NOT NULL CHECK (length(content_sha256) = 64),
	kid		TEXT NOT NULL REFERENCES signing_keys(kid),
	issued_at	TEXT NOT NULL,
	expires_at	TEXT NOT NULL CHECK (expires_at > issued_at)
);

CREATE TRIGGER trust_bundles_consecutive BEFORE INSERT ON trust_bundles
WHEN NEW.version <> (SELECT coalesce(max(version), 0) + 1 FROM trust_bundles)
BEGIN
	SELECT RAISE(ABORT, 'trust bundle versions are consecutive');
END;
CREATE TRIGGER trust_bundles_no_update BEFORE UPDATE ON trust_bundles
BEGIN
	SELECT RAISE(ABORT, 'an issued trust bundle version never changes');
END;
CREATE TRIGGER trust_bundles_no_delete BEFORE DELETE ON trust_bundles
BEGIN
	SELECT RAISE(ABORT, 'trust bundle versions are never deleted');
END;
