-- 0002: published scheme versions.  A version is data, stored as its
-- canonical JSON (RFC 8785) with that text's SHA-256, and never changes
-- once published: submissions pin (scheme_id, version) and a decision
-- must always be re-checkable against the exact rules it was made under.

CREATE TABLE scheme_versions (
	scheme_id	TEXT NOT NULL,
	version		INTEGER NOT NULL CHECK (version > 0),
	title		TEXT NOT NULL,
	doc		TEXT NOT NULL,
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64),
	published_at	TEXT NOT NULL,
	published_by	TEXT REFERENCES organizations(id),
	PRIMARY KEY (scheme_id, version)
);

CREATE TRIGGER scheme_versions_no_update BEFORE UPDATE ON scheme_versions
BEGIN
	SELECT RAISE(ABORT, 'published scheme versions are immutable');
END;

CREATE TRIGGER scheme_versions_no_delete BEFORE DELETE ON scheme_versions
BEGIN
	SELECT RAISE(ABORT, 'published scheme versions are immutable');
END;
