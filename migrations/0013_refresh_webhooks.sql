-- 0013: partner refresh outcomes (issue 10) and webhooks (issue 13).
--
-- partner_refreshes keeps the last pull of each partner (POST
-- /v1/partners/{id}/refresh or the refresh thread): when, how it ended
-- and the report (what was fetched, versions, lists, errors per URL).
-- What a refresh changed is in partner_events already (bundle_updated,
-- bundle_refused, status_list_received): this is the outcome only.
--
-- Webhooks: an organisation's subscriptions (url, events, the HMAC
-- secret, shown once at creation and kept to sign: it never leaves again).
-- event_outbox is written in the transaction of the change it announces
-- (a decision, a label's status change), so an event exists exactly when
-- its change does; the delivery thread fans each one out to the webhooks
-- that may see it (webhook_deliveries, one per webhook and event) and
-- records every attempt (webhook_attempts).
--
-- Migrations 0012 belongs to another branch: the runner accepts a gap.

CREATE TABLE partner_refreshes (
	partner_id	TEXT PRIMARY KEY REFERENCES partners(id),
	at		TEXT NOT NULL,
	outcome		TEXT NOT NULL CHECK (outcome IN ('ok', 'failed',
			    'refused')),
	-- JSON object text: the refresh report
	report		TEXT NOT NULL CHECK (substr(report, 1, 1) = '{')
);

CREATE TABLE webhooks (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 40),
	org_id		TEXT NOT NULL REFERENCES organizations(id),
	url		TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
	-- JSON array text of event names
	events		TEXT NOT NULL CHECK (substr(events, 1, 1) = '['),
	-- hex of the 32-byte HMAC-SHA256 key
	secret		TEXT NOT NULL CHECK (length(secret) = 64),
	created_at	TEXT NOT NULL,
	created_by	TEXT,
	deleted_at	TEXT
);
CREATE INDEX webhooks_org ON webhooks(org_id, seq);

CREATE TABLE event_outbox (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 40),
	type		TEXT NOT NULL CHECK (type IN ('decision', 'suspension',
			    'revocation', 'reinstatement', 'expiring',
			    'fix_overdue', 'partner_change')),
	-- the organisations it concerns (a vendor, a lab) besides the
	-- authority's, which sees every event; NULL: none
	org_id		TEXT,
	lab_id		TEXT,
	at		TEXT NOT NULL,
	payload		TEXT NOT NULL CHECK (substr(payload, 1, 1) = '{'),
	fanned_out	INTEGER NOT NULL DEFAULT 0 CHECK (fanned_out IN (0, 1))
);
CREATE INDEX event_outbox_pending ON event_outbox(fanned_out, seq);

CREATE TABLE webhook_deliveries (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 40),
	webhook_id	TEXT NOT NULL REFERENCES webhooks(id),
	event_id	TEXT NOT NULL REFERENCES event_outbox(id),
	state		TEXT NOT NULL CHECK (state IN ('pending', 'delivered',
			    'failed')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	TEXT NOT NULL,
	last_status	INTEGER,
	last_error	TEXT,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state,
    next_attempt_at);

CREATE TABLE webhook_attempts (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	delivery_id	TEXT NOT NULL REFERENCES webhook_deliveries(id),
	at		TEXT NOT NULL,
	-- the HTTP status answered, NULL when none (unreachable, timeout)
	status		INTEGER,
	error		TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, seq);

CREATE TRIGGER webhook_attempts_no_update BEFORE UPDATE ON webhook_attempts
BEGIN
	SELECT RAISE(ABORT, 'delivery history is append-only');
END;
CREATE TRIGGER webhook_attempts_no_delete BEFORE DELETE ON webhook_attempts
BEGIN
	SELECT RAISE(ABORT, 'delivery history is append-only');
END;
