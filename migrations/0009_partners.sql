-- 0009: partner authorities (mutual recognition, issue 10).
--
-- A partner is a foreign authority whose signed trust bundle our regulator
-- pinned.  Every version of its bundle we accepted is kept as the exact
-- bytes (its RFC 8785 form, what a labeld partner serves), append-only;
-- partners.bundle_version names the one in force, which only moves forward
-- (by continuity, verify_trust_update_bundle).  Agreements are data: they
-- may be amended or ended (valid_until) but never deleted, and every
-- change is a row of partner_events, the audit trail of partners.  The
-- partner's status lists are kept as versions too, a newer copy of a list
-- (later validFrom) added beside the older ones.
--
-- Migration 0008 belongs to another branch: the runner applies the files
-- above the schema version in order and accepts a gap.

CREATE TABLE partners (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 40),
	-- the partner's issuer DID, as its bundle names it: one partner each
	issuer		TEXT NOT NULL UNIQUE CHECK (length(issuer) BETWEEN 1
			    AND 2048),
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	country		TEXT NOT NULL CHECK (length(country) = 2),
	url		TEXT CHECK (url IS NULL OR length(url) <= 2048),
	-- the pinned version (a partner_bundles row) and when it was accepted
	bundle_version	INTEGER NOT NULL CHECK (bundle_version >= 1),
	refreshed_at	TEXT NOT NULL,
	created_at	TEXT NOT NULL,
	created_by	TEXT REFERENCES organizations(id)
);

CREATE TRIGGER partners_no_delete BEFORE DELETE ON partners
BEGIN
	SELECT RAISE(ABORT, 'partners are never deleted');
END;
CREATE TRIGGER partners_identity BEFORE UPDATE OF seq, id, issuer,
    created_at, created_by ON partners
BEGIN
	SELECT RAISE(ABORT, 'a partner''s identity never changes');
END;
CREATE TRIGGER partners_forward BEFORE UPDATE OF bundle_version ON partners
WHEN NEW.bundle_version <= OLD.bundle_version
BEGIN
	SELECT RAISE(ABORT, 'a partner''s bundle version only moves forward');
END;

-- Every bundle version of a partner accepted, exact bytes.
CREATE TABLE partner_bundles (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	partner_id	TEXT NOT NULL REFERENCES partners(id),
	version		INTEGER NOT NULL CHECK (version >= 1),
	bundle		TEXT NOT NULL,
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64),
	expires_at	TEXT NOT NULL,
	received_at	TEXT NOT NULL,
	received_by	TEXT REFERENCES organizations(id),
	UNIQUE (partner_id, version)
);

CREATE TRIGGER partner_bundles_newer BEFORE INSERT ON partner_bundles
WHEN NEW.version <= (SELECT coalesce(max(version), 0) FROM partner_bundles
    WHERE partner_id = NEW.partner_id)
BEGIN
	SELECT RAISE(ABORT, 'a partner''s bundle versions only increase');
END;
CREATE TRIGGER partner_bundles_no_update BEFORE UPDATE ON partner_bundles
BEGIN
	SELECT RAISE(ABORT, 'an accepted partner bundle never changes');
END;
CREATE TRIGGER partner_bundles_no_delete BEFORE DELETE ON partner_bundles
BEGIN
	SELECT RAISE(ABORT, 'partner bundles are never deleted');
END;

-- Recognition agreements.  tier_map: JSON object, partner tier ("1".."9")
-- -> local tier; crosswalk: JSON object, partner requirement id -> array
-- of local requirement ids, or NULL.  Dates inclusive (YYYY-MM-DD).
-- ended_at: set once, when an amendment moved valid_until before today.
CREATE TABLE partner_agreements (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 40),
	partner_id	TEXT NOT NULL REFERENCES partners(id),
	partner_scheme	TEXT NOT NULL CHECK (length(partner_scheme) BETWEEN 1
			    AND 64),
	local_scheme	TEXT NOT NULL CHECK (length(local_scheme) BETWEEN 1
			    AND 64),
	-- JSON objects, checked by partner.c (labeld runs SQLite with
	-- trusted_schema off: no JSON functions in CHECK constraints)
	tier_map	TEXT NOT NULL CHECK (substr(tier_map, 1, 1) = '{'),
	crosswalk	TEXT CHECK (crosswalk IS NULL OR
			    substr(crosswalk, 1, 1) = '{'),
	valid_from	TEXT NOT NULL CHECK (length(valid_from) = 10),
	valid_until	TEXT NOT NULL CHECK (length(valid_until) = 10 AND
			    valid_until >= valid_from),
	created_at	TEXT NOT NULL,
	created_by	TEXT REFERENCES organizations(id),
	updated_at	TEXT NOT NULL,
	ended_at	TEXT
);
CREATE INDEX partner_agreements_partner ON partner_agreements(partner_id,
    seq);

CREATE TRIGGER partner_agreements_no_delete BEFORE DELETE ON
    partner_agreements
BEGIN
	SELECT RAISE(ABORT, 'agreements are never deleted: end them');
END;
CREATE TRIGGER partner_agreements_identity BEFORE UPDATE OF seq, id,
    partner_id, partner_scheme, local_scheme, created_at, created_by
    ON partner_agreements
BEGIN
	SELECT RAISE(ABORT, 'an agreement''s parties and schemes never change');
END;
CREATE TRIGGER partner_agreements_ended BEFORE UPDATE ON partner_agreements
WHEN OLD.ended_at IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'an ended agreement never changes');
END;

-- Every copy of a partner's status list accepted, exact bytes (RFC 8785).
CREATE TABLE partner_status_lists (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	partner_id	TEXT NOT NULL REFERENCES partners(id),
	list_id		TEXT NOT NULL CHECK (length(list_id) BETWEEN 1 AND 2048),
	status_purpose	TEXT NOT NULL,
	credential	TEXT NOT NULL,
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64),
	valid_from	TEXT NOT NULL,
	valid_until	TEXT,
	received_at	TEXT NOT NULL,
	received_by	TEXT REFERENCES organizations(id),
	UNIQUE (partner_id, list_id, valid_from)
);

CREATE TRIGGER partner_status_lists_newer BEFORE INSERT ON
    partner_status_lists
WHEN NEW.valid_from <= (SELECT max(valid_from) FROM partner_status_lists
    WHERE partner_id = NEW.partner_id AND list_id = NEW.list_id)
BEGIN
	SELECT RAISE(ABORT, 'a partner status list copy must be newer');
END;
CREATE TRIGGER partner_status_lists_no_update BEFORE UPDATE ON
    partner_status_lists
BEGIN
	SELECT RAISE(ABORT, 'a received status list never changes');
END;
CREATE TRIGGER partner_status_lists_no_delete BEFORE DELETE ON
    partner_status_lists
BEGIN
	SELECT RAISE(ABORT, 'received status lists are never deleted');
END;

-- The audit trail of partners: every change, and every refused bundle
-- update (a bundle that did not follow is worth knowing about).
CREATE TABLE partner_events (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	partner_id	TEXT NOT NULL REFERENCES partners(id),
	at		TEXT NOT NULL,
	action		TEXT NOT NULL CHECK (action IN ('pinned',
			    'agreement_added', 'agreement_amended',
			    'agreement_ended', 'bundle_updated',
			    'bundle_refused', 'status_list_received')),
	agreement_id	TEXT REFERENCES partner_agreements(id),
	org_id		TEXT REFERENCES organizations(id),
	token_id	TEXT,
	-- JSON object text (versions, list id, the refusal's reason), or NULL
	detail		TEXT CHECK (detail IS NULL OR substr(detail, 1, 1) = '{')
);
CREATE INDEX partner_events_partner ON partner_events(partner_id, seq);

CREATE TRIGGER partner_events_no_update BEFORE UPDATE ON partner_events
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER partner_events_no_delete BEFORE DELETE ON partner_events
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
