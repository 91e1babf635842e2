-- 0003: products, their firmware versions (with the CycloneDX SBOM as
-- uploaded, canonicalised), the vulnerabilities the vendor accounts for,
-- lab approvals and the metadata of evidence files.
--
-- Each table has its own `seq INTEGER PRIMARY KEY AUTOINCREMENT`: listing
-- cursors are seq values, and AUTOINCREMENT guarantees a seq is never
-- reused and VACUUM never renumbers it (a plain rowid promises neither),
-- so a cursor given out stays valid forever.  Public ids are separate
-- TEXT columns so that they reveal nothing about row counts.

CREATE TABLE products (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE,
	vendor_id	TEXT NOT NULL REFERENCES organizations(id),
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	model		TEXT NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
	category	TEXT NOT NULL CHECK (length(category) BETWEEN 1 AND 64),
	support_until	TEXT NOT NULL CHECK (support_until GLOB
			    '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL
);
-- The listing filters: a vendor's own products, by category, both.
CREATE INDEX products_vendor ON products(vendor_id, seq);
CREATE INDEX products_category ON products(category, seq);

CREATE TABLE product_versions (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	product_id	TEXT NOT NULL REFERENCES products(id),
	version		TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
	-- RFC 8785 canonical text of the CycloneDX document; its SHA-256 is
	-- what labels cite, and anyone can recompute it from the document.
	sbom		TEXT,
	sbom_sha256	TEXT CHECK (sbom_sha256 IS NULL OR
			    length(sbom_sha256) = 64),
	sbom_components	INTEGER NOT NULL DEFAULT 0
			    CHECK (sbom_components >= 0),
	created_at	TEXT NOT NULL,
	UNIQUE (product_id, version),
	CHECK ((sbom IS NULL) = (sbom_sha256 IS NULL))
);

-- A firmware version with its SBOM is what a label certifies: never
-- rewritten.  A corrected SBOM is a new version.
CREATE TRIGGER product_versions_no_update BEFORE UPDATE ON product_versions
BEGIN
	SELECT RAISE(ABORT, 'product versions are immutable');
END;

CREATE TABLE vulnerabilities (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	product_id	TEXT NOT NULL REFERENCES products(id),
	-- the public identifier: CVE-2024-1234, GHSA-..., a vendor's own
	vuln_id		TEXT NOT NULL CHECK (length(vuln_id) BETWEEN 1 AND 64),
	component	TEXT NOT NULL DEFAULT '',
	severity	TEXT NOT NULL DEFAULT '' CHECK (severity IN ('',
			    'critical', 'high', 'medium', 'low', 'info',
			    'none', 'unknown')),
	status		TEXT NOT NULL CHECK (status IN ('open', 'fixed',
			    'not_affected', 'mitigated')),
	fixed_in_version TEXT NOT NULL DEFAULT '',
	justification	TEXT NOT NULL DEFAULT '' CHECK (length(justification)
			    <= 4000),
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	-- VEX practice: "not affected" is a claim that needs its reason.
	CHECK (status <> 'not_affected' OR justification <> ''),
	UNIQUE (product_id, vuln_id)
);
CREATE INDEX vulnerabilities_status ON vulnerabilities(product_id, status,
    seq);

-- Every PUT adds a row; the newest row of a lab is its approval, the older
-- ones are the record of what it was approved for when.
CREATE TABLE lab_approvals (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	lab_id		TEXT NOT NULL REFERENCES organizations(id),
	-- bit (1 << tier) for each approved tier
	tiers		INTEGER NOT NULL CHECK (tiers > 0 AND tiers < 1024
			    AND (tiers & 1) = 0),
	valid_until	TEXT NOT NULL CHECK (valid_until GLOB
			    '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	scheme		TEXT NOT NULL DEFAULT '',	-- '' = every scheme
	approved_by	TEXT NOT NULL REFERENCES organizations(id),
	approved_at	TEXT NOT NULL
);
CREATE INDEX lab_approvals_lab ON lab_approvals(lab_id, seq);

-- Metadata of evidence files; the bytes live in DATA/evidence/ab/<sha256>
-- (evidence.c), shared by every submission that uploads the same content.
-- submission_id carries no foreign key because the submissions table
-- comes in a later migration; the submissions code checks it.
CREATE TABLE evidence (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	submission_id	TEXT NOT NULL,
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64),
	size		INTEGER NOT NULL CHECK (size >= 0),
	media_type	TEXT NOT NULL CHECK (length(media_type) BETWEEN 1 AND 127),
	filename	TEXT NOT NULL DEFAULT '' CHECK (length(filename) <= 255),
	uploaded_by	TEXT NOT NULL REFERENCES organizations(id),
	created_at	TEXT NOT NULL,
	UNIQUE (submission_id, sha256)
);
CREATE INDEX evidence_submission ON evidence(submission_id, seq);
-- which submissions cite a file (integrity checks, clean-up)
CREATE INDEX evidence_sha256 ON evidence(sha256);
