-- 0017: a token may expire.  expires_at is an RFC 3339 UTC time or NULL
-- (never); an expired token is refused like a revoked one, and kept.
ALTER TABLE tokens ADD COLUMN expires_at TEXT
	CHECK (expires_at IS NULL OR length(expires_at) = 20);
