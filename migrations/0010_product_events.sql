-- 0010: a version without an SBOM may be given one, once
-- (PUT /v1/products/{id}/versions/{version}/sbom), and products get an
-- audit trail of their own, product_events (submissions have theirs).
--
-- The SBOM stays what a label certifies: the trigger still refuses every
-- update of a version but the one that fills a missing SBOM, and that one
-- leaves the version's identity alone.

DROP TRIGGER product_versions_no_update;
CREATE TRIGGER product_versions_no_update BEFORE UPDATE ON product_versions
WHEN NOT (OLD.sbom IS NULL AND NEW.sbom IS NOT NULL AND
    NEW.seq = OLD.seq AND NEW.product_id = OLD.product_id AND
    NEW.version = OLD.version AND NEW.created_at = OLD.created_at)
BEGIN
	SELECT RAISE(ABORT, 'product versions are immutable but for a first SBOM');
END;

CREATE TABLE product_events (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	product_id	TEXT NOT NULL REFERENCES products(id),
	version		TEXT,
	at		TEXT NOT NULL,
	action		TEXT NOT NULL CHECK (action IN ('sbom_attached')),
	org_id		TEXT REFERENCES organizations(id),
	token_id	TEXT,
	-- JSON object text (the SBOM's digest and count), or NULL
	detail		TEXT CHECK (detail IS NULL OR substr(detail, 1, 1) = '{')
);
CREATE INDEX product_events_product ON product_events(product_id, seq);

CREATE TRIGGER product_events_no_update BEFORE UPDATE ON product_events
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER product_events_no_delete BEFORE DELETE ON product_events
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
