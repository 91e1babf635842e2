-- 0012: recognised labels (mutual recognition, issue 10).
--
-- A recognition is a local label (a labels row, signed like any other)
-- issued because a partner's credential verified with the partner's pinned
-- keys under one of its agreements.  The foreign credential is kept as its
-- exact RFC 8785 bytes with their SHA-256 (what the local label's
-- credentialSubject.recognitionOf.digest names).  The foreign vendor and
-- product become local rows (labels need them); the foreign ids map to
-- them so a second recognition of the same vendor reuses its row.
--
-- follow: why labeld itself holds the local label suspended, so that the
-- sweep (recognition.c) lifts only its own suspensions: 'partner' (the
-- partner's status list marks the foreign credential suspended), 'stale'
-- (the partner's lists are older than partner_status_max_age, or its
-- pinned bundle no longer vouches for the credential), 'none'.
CREATE TABLE recognitions (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 40),
	label_id	TEXT NOT NULL UNIQUE REFERENCES labels(id),
	partner_id	TEXT NOT NULL REFERENCES partners(id),
	agreement_id	TEXT NOT NULL REFERENCES partner_agreements(id),
	foreign_id	TEXT NOT NULL CHECK (length(foreign_id) BETWEEN 1
			    AND 2048),
	foreign_issuer	TEXT NOT NULL,
	foreign_tier	INTEGER NOT NULL CHECK (foreign_tier BETWEEN 1 AND 9),
	foreign_valid_until TEXT NOT NULL,
	credential	TEXT NOT NULL,
	digest		TEXT NOT NULL UNIQUE CHECK (length(digest) = 64),
	foreign_vendor	TEXT NOT NULL,
	foreign_product	TEXT NOT NULL,
	vendor_id	TEXT NOT NULL REFERENCES organizations(id),
	product_id	TEXT NOT NULL REFERENCES products(id),
	tier		INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 9),
	follow		TEXT NOT NULL DEFAULT 'none' CHECK (follow IN ('none',
			    'partner', 'stale')),
	created_at	TEXT NOT NULL,
	created_by	TEXT REFERENCES organizations(id),
	UNIQUE (partner_id, foreign_id)
);
CREATE INDEX recognitions_partner ON recognitions(partner_id, seq);

CREATE TRIGGER recognitions_no_delete BEFORE DELETE ON recognitions
BEGIN
	SELECT RAISE(ABORT, 'recognitions are never deleted');
END;
CREATE TRIGGER recognitions_immutable BEFORE UPDATE OF seq, id, label_id,
    partner_id, agreement_id, foreign_id, foreign_issuer, foreign_tier,
    foreign_valid_until, credential, digest, foreign_vendor,
    foreign_product, vendor_id, product_id, tier, created_at, created_by
    ON recognitions
BEGIN
	SELECT RAISE(ABORT, 'a recognition never changes');
END;
