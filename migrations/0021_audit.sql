-- 0021: refused requests, kept for the regulator's audit listing
-- (GET /v1/audit).  One row per recorded refusal; the router records at
-- most a few per address and second, so a flood cannot make each bad
-- request a disk sync: suppressed counts the refusals left unrecorded
-- since the previous row.
CREATE TABLE auth_failures (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	at		TEXT NOT NULL,
	addr		TEXT NOT NULL,
	reason		TEXT NOT NULL CHECK (reason IN ('missing', 'malformed',
			    'unknown', 'revoked', 'expired', 'forbidden')),
	-- the token named, when it resolved (revoked, expired, forbidden)
	token_id	TEXT,
	method		TEXT NOT NULL,
	route		TEXT NOT NULL,
	suppressed	INTEGER NOT NULL DEFAULT 0 CHECK (suppressed >= 0)
);
CREATE INDEX auth_failures_at ON auth_failures (at);
