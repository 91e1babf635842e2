/*
 * ballot.c: dual control.  With quorum > 1, an act that cannot be taken
 * back or that changes trust is proposed rather than done: the request
 * is kept as a ballot with its proposer's approval, other regulators
 * (other tokens) vote, one rejection closes it, and quorum approvals
 * make it ready to run as its proposer (the caller runs it and records
 * its answer).  A ballot not decided within LABELD_BALLOT_VALIDITY
 * expires.  Nothing here knows HTTP: the act is a method, a path and a
 * JSON body.
 *
 *   open --approvals reach quorum--> approved --act ran--> executed|failed
 *   open --a rejection--> rejected;  open --validity passed--> expired
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "labeld.h"
#include "rfc3339.h"

/*
 * Proposes method path with body (JSON text, may be NULL) by who, needing
 * quorum approvals; the proposer's own is the first, with reason.  Fills
 * b (store_ballot_clear it).  STORE_OK or STORE_ERR.
 */
int
ballot_propose(struct db *db, const struct principal *who, const char *method,
    const char *path, const char *body, int quorum, const char *reason,
    struct ballot *b)
{
	struct ballot_vote	 v;
	time_t			 t = clock_now();

	memset(b, 0, sizeof(*b));
	snprintf(b->method, sizeof(b->method), "%s", method);
	snprintf(b->path, sizeof(b->path), "%s", path);
	b->quorum = quorum;
	snprintf(b->proposer_org, sizeof(b->proposer_org), "%s", who->org_id);
	snprintf(b->proposer_token, sizeof(b->proposer_token), "%s",
	    who->token_id);
	rfc3339_format(t, b->created_at);
	rfc3339_format(t + LABELD_BALLOT_VALIDITY, b->expires_at);
	snprintf(b->state, sizeof(b->state), "open");
	if (db_begin(db) == -1)
		return STORE_ERR;
	b->body = (char *)(body != NULL ? body : "");
	if (store_ballot_insert(db, b) != STORE_OK)
		goto fail;
	b->body = NULL;
	memset(&v, 0, sizeof(v));
	v.ballot_id = b->id;
	v.token_id = who->token_id;
	v.org_id = who->org_id;
	v.vote = "approve";
	v.reason = reason;
	v.at = b->created_at;
	if (store_ballot_vote_insert(db, &v) != STORE_OK ||
	    db_commit(db) == -1)
		goto fail;
	log_info("ballot %s: %s %s proposed by token %s (quorum %d)", b->id,
	    method, path, who->token_id, quorum);
	return store_ballot_get(db, b->id, b);
fail:
	b->body = NULL;
	db_rollback(db);
	return STORE_ERR;
}

/*
 * Casts who's vote ("approve" or "reject", with reason) on ballot id.  On
 * STORE_OK, b holds the ballot after the vote (store_ballot_clear it): an
 * "approved" one must now be run by the caller, which records the answer
 * with ballot_record_result.  STORE_NOTFOUND; BALLOT_CLOSED when it is not
 * open (expired ones are marked so); STORE_CONFLICT when this token has
 * voted (the proposer included); STORE_ERR.  err says which; b is empty
 * on every failure.
 */
int
ballot_vote(struct db *db, const struct principal *who, const char *id,
    const char *vote, const char *reason, struct ballot *b, char *err,
    size_t errlen)
{
	struct ballot_vote	 v;
	char			 now[RFC3339_BUFLEN];
	int			 rc, approvals;

	memset(b, 0, sizeof(*b));
	rfc3339_format(clock_now(), now);
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((rc = store_ballot_get(db, id, b)) != STORE_OK) {
		snprintf(err, errlen, "no ballot %s", id);
		goto done;
	}
	if (strcmp(b->state, "open") == 0 && strcmp(now, b->expires_at) >= 0) {
		if ((rc = store_ballot_set_state(db, id, "open", "expired",
		    now, 0, NULL, NULL)) != STORE_OK || db_commit(db) == -1) {
			rc = STORE_ERR;
			goto done;
		}
		snprintf(err, errlen, "ballot %s expired at %s undecided", id,
		    b->expires_at);
		store_ballot_clear(b);
		return BALLOT_CLOSED;
	}
	if (strcmp(b->state, "open") != 0) {
		snprintf(err, errlen, "ballot %s is %s; only an open ballot "
		    "takes votes", id, b->state);
		rc = BALLOT_CLOSED;
		goto done;
	}
	memset(&v, 0, sizeof(v));
	v.ballot_id = b->id;
	v.token_id = who->token_id;
	v.org_id = who->org_id;
	v.vote = vote;
	v.reason = reason;
	v.at = now;
	if ((rc = store_ballot_vote_insert(db, &v)) != STORE_OK) {
		if (rc == STORE_CONFLICT)
			snprintf(err, errlen, "token %s has voted on ballot %s "
			    "already%s: dual control needs another regulator",
			    who->token_id, id, strcmp(who->token_id,
			    b->proposer_token) == 0 ? " (it proposed it)" : "");
		goto done;
	}
	rc = STORE_ERR;
	if (strcmp(vote, "reject") == 0) {
		if (store_ballot_set_state(db, id, "open", "rejected", now, 0,
		    NULL, NULL) != STORE_OK)
			goto done;
		snprintf(b->state, sizeof(b->state), "rejected");
	} else {
		if (store_ballot_approvals(db, id, &approvals) != STORE_OK)
			goto done;
		if (approvals >= b->quorum) {
			if (store_ballot_set_state(db, id, "open", "approved",
			    now, 0, NULL, NULL) != STORE_OK)
				goto done;
			snprintf(b->state, sizeof(b->state), "approved");
		}
	}
	if (db_commit(db) == -1)
		goto done;
	log_info("ballot %s: %s by token %s (%s): %s", id, vote, who->token_id,
	    reason, b->state);
	snprintf(b->decided_at, sizeof(b->decided_at), "%s",
	    strcmp(b->state, "open") != 0 ? now : "");
	return STORE_OK;
done:
	db_rollback(db);
	store_ballot_clear(b);
	return rc;
}

/*
 * Records the answer of an approved ballot's act: executed when status
 * is below 400, failed otherwise.  STORE_OK or STORE_ERR.
 */
int
ballot_record_result(struct db *db, const char *id, int status,
    const char *type, const char *body)
{
	const char	*to = status < 400 ? "executed" : "failed";

	if (store_ballot_set_state(db, id, "approved", to, NULL, status,
	    type != NULL ? type : "", body) != STORE_OK)
		return STORE_ERR;
	log_info("ballot %s: the act answered %d: %s", id, status, to);
	return STORE_OK;
}
