-- 0016: the public face.  Products get the vendor's vulnerability
-- disclosure contact (shown on the public verification page), and the
-- registry gets its full-text index.
--
-- A product made before this migration has no contact (''); from now on
-- POST /v1/products requires one.

ALTER TABLE products ADD COLUMN vulnerability_contact TEXT NOT NULL
    DEFAULT '' CHECK (length(vulnerability_contact) <= 512);

-- The registry's text search (GET /v1/registry?q=): one row per label,
-- rowid = labels.seq, over the label id, the product's name, model and
-- category, the vendor's name and the scheme.  labeld runs with
-- trusted_schema off, so a trigger may not write a virtual table: the
-- triggers queue the labels whose text changed in registry_pending, in
-- the transaction of the change (an issued label, a renamed product or
-- vendor), and store_registry.c folds the queue into the index before
-- every search.  Status is not indexed: the registry filters it on the
-- labels table, where it is current.
CREATE VIRTUAL TABLE registry_fts USING fts5(label_id, product, model,
    vendor, category, scheme, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE registry_pending (
	label_seq	INTEGER PRIMARY KEY REFERENCES labels(seq)
);
INSERT INTO registry_pending (label_seq) SELECT seq FROM labels;

CREATE TRIGGER registry_label AFTER INSERT ON labels
BEGIN
	INSERT OR IGNORE INTO registry_pending (label_seq) VALUES (NEW.seq);
END;

CREATE TRIGGER registry_product AFTER UPDATE OF name, model, category
    ON products
BEGIN
	INSERT OR IGNORE INTO registry_pending (label_seq)
	SELECT seq FROM labels WHERE product_id = NEW.id;
END;

CREATE TRIGGER registry_vendor AFTER UPDATE OF name ON organizations
BEGIN
	INSERT OR IGNORE INTO registry_pending (label_seq)
	SELECT seq FROM labels WHERE vendor_id = NEW.id;
END;
