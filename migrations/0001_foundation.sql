-- 0001: organisations and their API tokens.
-- Rows are never deleted: a token is revoked by setting revoked_at, so the
-- audit trail can always name who did what.  rowid orders listings and
-- makes cursors stable under concurrent inserts.

CREATE TABLE organizations (
	id		TEXT PRIMARY KEY,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	kind		TEXT NOT NULL CHECK (kind IN ('authority', 'vendor', 'lab')),
	country		TEXT NOT NULL CHECK (length(country) = 2),
	created_at	TEXT NOT NULL
);

CREATE TABLE tokens (
	id		TEXT PRIMARY KEY,
	org_id		TEXT NOT NULL REFERENCES organizations(id),
	role		TEXT NOT NULL
			CHECK (role IN ('admin', 'regulator', 'vendor', 'lab')),
	label		TEXT NOT NULL DEFAULT '',
	-- keyed BLAKE2b-256 of the secret; the secret itself is never stored
	hash		BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
	created_at	TEXT NOT NULL,
	revoked_at	TEXT
);
CREATE INDEX tokens_org ON tokens(org_id);
