/*
 * api_ballots.c: dual control over HTTP.  With quorum > 1 the router
 * hands a route marked ROUTE_QUORUM here instead of to its handler: the
 * request becomes a ballot (202).  Regulators list and read ballots and
 * vote on them; the vote that reaches the quorum runs the act, through
 * the route's own handler, as its proposer, and answers with the act's
 * own answer beside the ballot.  The rules are ballot.c's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"

/* The JSON text t as a value (kept as a string if it is not JSON). */
static json_t *
json_text(const char *t, size_t len)
{
	json_t *j;

	if (t == NULL || len == 0)
		return json_null();
	if ((j = json_loadb(t, len, 0, NULL)) == NULL)
		j = json_stringn(t, len);
	return j;
}

static int
vote_cb(const struct ballot_vote *v, void *arg)
{
	return json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, "
	    "s:s}", "token_id", v->token_id, "org_id", v->org_id, "vote",
	    v->vote, "reason", v->reason, "at", v->at));
}

/* b as answered, with its votes when db is given (NULL: a listing). */
static json_t *
ballot_json(struct db *db, const struct ballot *b)
{
	json_t	*o, *votes = NULL, *result = json_null();
	int	 approvals = 0;

	if (db != NULL && ((votes = json_array()) == NULL ||
	    store_ballot_vote_list(db, b->id, vote_cb, votes) != STORE_OK ||
	    store_ballot_approvals(db, b->id, &approvals) != STORE_OK)) {
		json_decref(votes);
		return NULL;
	}
	if (b->result_status != 0)
		result = json_pack("{s:i, s:s, s:o}", "status",
		    b->result_status, "content_type", b->result_type, "body",
		    json_text(b->result_body, strlen(b->result_body)));
	o = json_pack("{s:s, s:s, s:{s:s, s:s, s:o}, s:i, s:{s:s, s:s}, "
	    "s:s, s:s, s:s?, s:o}", "id", b->id, "state", b->state, "act",
	    "method", b->method, "path", b->path, "body",
	    json_text(b->body, strlen(b->body)), "quorum", b->quorum,
	    "proposer", "org_id", b->proposer_org, "token_id",
	    b->proposer_token, "created_at", b->created_at, "expires_at",
	    b->expires_at, "decided_at", b->decided_at[0] ? b->decided_at :
	    NULL, "result", result);
	if (o != NULL && votes != NULL) {
		json_object_set_new(o, "votes", votes);
		json_object_set_new(o, "approvals", json_integer(approvals));
	} else
		json_decref(votes);
	return o;
}

/*
 * The router's hook for an act of trust under dual control: keeps the
 * request (its JSON body as sent) as a ballot with the proposer's
 * approval and answers 202 with it.  The body's "reason", if any, is the
 * proposer's.
 */
int
api_ballots_propose(struct req *r)
{
	struct ballot	 b;
	const char	*reason = NULL;
	char		 loc[96];
	json_t		*o;
	int		 rc;

	if (r->json != NULL)
		reason = json_string_value(json_object_get(r->json, "reason"));
	if (reason == NULL || *reason == '\0' ||
	    strlen(reason) > LABELD_MAX_TEXT)
		reason = "proposed";
	if (ballot_propose(r->db, &r->who, r->method, r->path,
	    r->body_len > 0 ? r->body : NULL, (int)r->ld->cfg.quorum, reason,
	    &b) != STORE_OK)
		return reply_db_error(r);
	snprintf(loc, sizeof(loc), "/v1/ballots/%s", b.id);
	reply_header(r, MHD_HTTP_HEADER_LOCATION, loc);
	o = ballot_json(r->db, &b);
	if (o != NULL)
		json_object_set_new(o, "ballot_id", json_string(b.id));
	rc = reply_json(r, MHD_HTTP_ACCEPTED, o);
	store_ballot_clear(&b);
	return rc;
}

/*
 * Runs the approved ballot b's act through its route's handler as the
 * proposer; cap receives its answer (free cap->body).  When the act
 * cannot run (its route gone, the proposer's token no longer live), cap
 * holds a 409 problem saying so.  -1 only when memory ran out (cap then
 * empty).
 */
static int
run_act(struct req *vote, const struct ballot *b, struct reply_capture *cap)
{
	const struct route	*rt;
	struct req		*r;
	char			 allow[128], now[32];
	json_error_t		 je;
	int			 rc = -1;

	memset(cap, 0, sizeof(*cap));
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->ld = vote->ld;
	r->db = vote->db;
	r->method = b->method;
	r->capture = cap;
	snprintf(r->path, sizeof(r->path), "%s", b->path);
	rt = router_match(b->method, b->path, r->params, r->pathbuf,
	    sizeof(r->pathbuf), allow, sizeof(allow), NULL);
	if (rt == NULL || !(rt->flags & ROUTE_QUORUM)) {
		reply_problem(r, MHD_HTTP_CONFLICT, "ballot-act-gone",
		    "%s %s is no longer an act this server takes", b->method,
		    b->path);
		goto done;
	}
	r->route = rt;
	/* As its proposer, if that token still may act. */
	store_now(now);
	if (store_principal_by_id(r->db, b->proposer_token, &r->who) !=
	    STORE_OK || r->who.revoked_at[0] != '\0' ||
	    (r->who.expires_at[0] != '\0' &&
	    strcmp(r->who.expires_at, now) <= 0) ||
	    (r->who.role & rt->roles) == 0) {
		reply_problem(r, MHD_HTTP_CONFLICT, "ballot-proposer-gone",
		    "the proposer's token %s was revoked, expired or may no "
		    "longer %s %s", b->proposer_token, b->method, rt->pattern);
		goto done;
	}
	r->authed = 1;
	if (b->body[0] != '\0' && (r->json = json_loads(b->body,
	    JSON_REJECT_DUPLICATES, &je)) == NULL) {
		reply_problem(r, MHD_HTTP_CONFLICT, "ballot-act-gone",
		    "the ballot's body no longer reads as JSON: %s", je.text);
		goto done;
	}
	if (b->body[0] != '\0') {
		r->body = (char *)b->body;
		r->body_len = strlen(b->body);
	}
	(void)rt->handler(r);
	if (!r->queued)
		reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "the act did not answer");
	rc = 0;
done:
	json_decref(r->json);
	reply_free_headers(r);
	free(r);
	return rc;
}

static int
ballot_vote_post(struct req *r)
{
	static const char *const votes[] = { "approve", "reject", NULL };
	struct valid		 v;
	struct ballot		 b;
	struct reply_capture	 cap;
	const char		*vote, *reason;
	char			 err[256];
	json_t			*o;
	int			 rc;

	valid_init(&v);
	vote = valid_enum(&v, r->json, "vote", 1, votes);
	reason = valid_string(&v, r->json, "reason", 1, LABELD_MAX_TEXT);
	if (valid_check(r, &v) == -1)
		return -1;
	switch (ballot_vote(r->db, &r->who, r->params[0], vote, reason, &b,
	    err, sizeof(err))) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "%s",
		    err);
	case BALLOT_CLOSED:
		return reply_problem(r, MHD_HTTP_CONFLICT, "ballot-closed",
		    "%s", err);
	case STORE_CONFLICT:
		return reply_problem(r, MHD_HTTP_CONFLICT, "already-voted",
		    "%s", err);
	default:
		return reply_db_error(r);
	}
	if (strcmp(b.state, "approved") == 0) {
		if (run_act(r, &b, &cap) == -1 && cap.status == 0) {
			store_ballot_clear(&b);
			return reply_oom(r);
		}
		if (ballot_record_result(r->db, b.id, (int)cap.status,
		    cap.ctype, cap.body) != STORE_OK) {
			free(cap.body);
			store_ballot_clear(&b);
			return reply_db_error(r);
		}
		free(cap.body);
		store_ballot_clear(&b);
		if (store_ballot_get(r->db, r->params[0], &b) != STORE_OK)
			return reply_db_error(r);
	}
	o = ballot_json(r->db, &b);
	rc = reply_json(r, MHD_HTTP_OK, o);
	store_ballot_clear(&b);
	return rc;
}

static int
ballot_get(struct req *r)
{
	struct ballot	 b;
	int		 rc;

	switch (store_ballot_get(r->db, r->params[0], &b)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no ballot %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
	rc = reply_json(r, MHD_HTTP_OK, ballot_json(r->db, &b));
	store_ballot_clear(&b);
	return rc;
}

static int
list_cb(const struct ballot *b, void *arg)
{
	return page_add(arg, ballot_json(NULL, b), b->seq);
}

static int
ballot_list(struct req *r)
{
	static const char *const states[] = { "open", "approved", "rejected",
	    "executed", "failed", "expired" };
	const char	*state = req_query(r, "state");
	struct page	 pg;
	int64_t		 after;
	int		 limit;
	size_t		 i;

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	if (state != NULL) {
		for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
			if (strcmp(state, states[i]) == 0)
				break;
		if (i == sizeof(states) / sizeof(states[0]))
			return reply_problem(r, MHD_HTTP_BAD_REQUEST,
			    "bad-query", "state: expected open, approved, "
			    "rejected, executed, failed or expired, got "
			    "\"%s\"", state);
	}
	page_init(&pg, limit);
	return page_finish(r, &pg, store_ballot_list(r->db, state, after,
	    limit + 1, list_cb, &pg));
}

const struct route api_ballots_routes[] = {
	{ "GET", "/v1/ballots", ROLE_REGULATOR, 0, ballot_list },
	{ "GET", "/v1/ballots/{id}", ROLE_REGULATOR, 0, ballot_get },
	{ "POST", "/v1/ballots/{id}/vote", ROLE_REGULATOR, ROUTE_JSON,
	    ballot_vote_post },
	{ NULL, NULL, 0, 0, NULL }
};
