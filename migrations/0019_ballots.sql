-- 0019: dual control.  With quorum > 1 (labeld.conf), a regulator's act
-- that cannot be taken back or that changes trust (revocation, partner
-- registration and agreement changes, scheme publication) is proposed as
-- a ballot: the request is kept as it came (method, path, JSON body, who
-- asked), other regulators vote, and the act runs, as its proposer, once
-- quorum approvals are in; one rejection closes the ballot.  Rows are
-- never deleted: who proposed, who voted, when and why stay on record.
CREATE TABLE ballots (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE,
	state		TEXT NOT NULL CHECK (state IN ('open', 'approved',
			    'rejected', 'executed', 'failed', 'expired')),
	method		TEXT NOT NULL,
	path		TEXT NOT NULL,
	body		TEXT,
	quorum		INTEGER NOT NULL CHECK (quorum >= 2),
	proposer_org	TEXT NOT NULL REFERENCES organizations(id),
	proposer_token	TEXT NOT NULL,
	created_at	TEXT NOT NULL,
	expires_at	TEXT NOT NULL,
	decided_at	TEXT,
	result_status	INTEGER,
	result_type	TEXT,
	result_body	TEXT
);
CREATE INDEX ballots_state ON ballots(state, seq);

CREATE TABLE ballot_votes (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	ballot_id	TEXT NOT NULL REFERENCES ballots(id),
	token_id	TEXT NOT NULL,
	org_id		TEXT NOT NULL REFERENCES organizations(id),
	vote		TEXT NOT NULL CHECK (vote IN ('approve', 'reject')),
	reason		TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000),
	at		TEXT NOT NULL,
	-- one vote per person (token) per ballot
	UNIQUE (ballot_id, token_id)
);

CREATE TRIGGER ballot_votes_no_update BEFORE UPDATE ON ballot_votes
BEGIN
	SELECT RAISE(ABORT, 'a vote never changes');
END;
CREATE TRIGGER ballot_votes_no_delete BEFORE DELETE ON ballot_votes
BEGIN
	SELECT RAISE(ABORT, 'votes are never deleted');
END;
CREATE TRIGGER ballots_no_delete BEFORE DELETE ON ballots
BEGIN
	SELECT RAISE(ABORT, 'ballots are never deleted');
END;
