/*
 * api_labels.c: issued labels (exact bytes, status, status history,
 * suspend / revoke / reinstate, the vendor's withdrawal), the status list
 * credentials, the issuer's DID document and
 * the trust bundle.  Everything but the status changes is public.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "labeld.h"
#include "rfc3339.h"

#define API_DID_MEDIA_TYPE	"application/did+json"

static json_t *
state_json(const struct label_state *s)
{
	return json_pack("{s:s, s:s, s:s?, s:s, s:s?}", "label_id",
	    s->label_id, "status", s->status, "reason", s->reason[0] ?
	    s->reason : NULL, "since", s->since, "superseded_by",
	    s->superseded_by[0] ? s->superseded_by : NULL);
}

static int
no_label(struct req *r)
{
	return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no label %s",
	    r->params[0]);
}

static int
no_key(struct req *r, const char *why)
{
	return reply_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE, "no-signing-key",
	    "%s", why);
}

/* ---- GET /v1/labels ---- */

struct list_walk {
	struct page	*pg;
	time_t		 now;
	const char	*soon;		/* now + expiry_warning_window */
};

/* A label as GET /v1/labels lists it: its live status, its validity. */
static int
list_cb(const struct label *l, void *arg)
{
	struct list_walk	*w = arg;
	struct label_state	 s;

	lifecycle_state_of(l, w->now, &s);
	return page_add(w->pg, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, "
	    "s:s, s:s?, s:s, s:s, s:s, s:b}", "label_id", l->id, "product_id",
	    l->product_id, "vendor_id", l->vendor_id, "scheme", l->scheme,
	    "scheme_version", l->scheme_version, "tier", l->tier, "status",
	    s.status, "reason", s.reason[0] ? s.reason : NULL, "since",
	    s.since, "issued_at", l->issued_at, "valid_until", l->valid_until,
	    "expiring_soon", (strcmp(s.status, "active") == 0 ||
	    strcmp(s.status, "suspended") == 0) &&
	    strcmp(l->valid_until, w->soon) <= 0), l->seq);
}

/*
 * The labels a regulator oversees (all) or a vendor holds (its own),
 * filtered by product, live status and expiring_within=DAYS (active or
 * suspended labels lapsing within that many days), in issue order.
 */
static int
label_list(struct req *r)
{
	static const char *const statuses[] = { "active", "suspended",
	    "revoked", "expired", "superseded" };
	struct label_filter	 f;
	struct list_walk	 w;
	struct page		 pg;
	const char		*days = req_query(r, "expiring_within");
	char			 now[32], before[32], soon[32], *end;
	int64_t			 after;
	long			 d;
	int			 limit;
	size_t			 i;

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	memset(&f, 0, sizeof(f));
	w.now = clock_now();
	rfc3339_format(w.now, now);
	rfc3339_format(w.now + (time_t)r->ld->cfg.expiry_warning_window, soon);
	f.now = now;
	w.soon = soon;
	if ((f.product_id = req_query(r, "product")) == NULL)
		f.product_id = req_query(r, "product_id");
	if ((f.status = req_query(r, "status")) != NULL) {
		for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			if (strcmp(f.status, statuses[i]) == 0)
				break;
		if (i == sizeof(statuses) / sizeof(statuses[0]))
			return reply_problem(r, MHD_HTTP_BAD_REQUEST,
			    "bad-query", "status: expected active, suspended, "
			    "revoked, expired or superseded, got \"%s\"",
			    f.status);
	}
	if (days != NULL) {
		d = strtol(days, &end, 10);
		if (!isdigit((unsigned char)*days) || *end != '\0' ||
		    d < 1 || d > LABELD_EXPIRY_WITHIN_MAX)
			return reply_problem(r, MHD_HTTP_BAD_REQUEST,
			    "bad-query", "expiring_within: expected a number of "
			    "days from 1 to %d, got \"%s\"",
			    LABELD_EXPIRY_WITHIN_MAX, days);
		rfc3339_format(w.now + (time_t)d * 86400, before);
		f.expiring_before = before;
	}
	if (r->who.role == ROLE_VENDOR)
		f.vendor_id = r->who.org_id;
	page_init(&pg, limit);
	w.pg = &pg;
	return page_finish(r, &pg, store_label_list(r->db, &f, after,
	    limit + 1, list_cb, &w));
}

/* The credential exactly as issued. */
static int
label_get(struct req *r)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	switch (store_label_credential(r->db, r->params[0], &buf, &len)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return no_label(r);
	default:
		return reply_db_error(r);
	}
	rc = reply_raw(r, MHD_HTTP_OK, LABELD_VC_MEDIA_TYPE, buf, len);
	free(buf);
	return rc;
}

static int
label_status(struct req *r)
{
	struct label_state s;

	switch (lifecycle_status(r->db, r->params[0], clock_now(), &s)) {
	case STORE_OK:
		return reply_json(r, MHD_HTTP_OK, state_json(&s));
	case STORE_NOTFOUND:
		return no_label(r);
	default:
		return reply_db_error(r);
	}
}

struct event_walk {
	json_t		*items;
	int		 failed;	/* out of memory: the list is short */
};

/* One history entry as GET /v1/labels/{id}/events lists it; "" is null. */
static int
label_event_add(const struct label_event *e, void *arg)
{
	struct event_walk	*w = arg;
	json_t			*o;

	o = json_pack("{s:s, s:s, s:s?, s:s, s:s?}", "at", e->at, "action",
	    e->action, "from_status", e->from_status[0] ? e->from_status :
	    NULL, "to_status", e->to_status, "reason", e->reason[0] ?
	    e->reason : NULL);
	if (o == NULL || json_array_append_new(w->items, o) == -1) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

/*
 * The label's status history, oldest first, read in one snapshot with
 * the label (whose id matches in any case).  Public: who acted is not
 * said, only what and why.
 */
static int
label_events(struct req *r)
{
	struct label		 l;
	struct event_walk	 w = { NULL, 0 };
	int			 rc;

	if ((w.items = json_array()) == NULL)
		return reply_db_error(r);
	if (db_begin_read(r->db) == -1) {
		json_decref(w.items);
		return reply_db_error(r);
	}
	if ((rc = store_label_get(r->db, r->params[0], &l)) == STORE_OK &&
	    (rc = store_label_event_list(r->db, l.id, label_event_add,
	    &w)) == STORE_OK && w.failed)
		rc = STORE_ERR;
	db_rollback(r->db);
	if (rc != STORE_OK) {
		json_decref(w.items);
		return rc == STORE_NOTFOUND ? no_label(r) : reply_db_error(r);
	}
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:o}", "items", w.items));
}

/* suspend, revoke and reinstate differ only in the action. */
static int
label_change(struct req *r, enum label_action a)
{
	struct valid		 v;
	struct label_state	 s;
	const char		*reason;
	char			 err[512];

	valid_init(&v);
	reason = valid_string(&v, r->json, "reason", 1, LABELD_MAX_TEXT);
	if (valid_check(r, &v) == -1)
		return -1;
	switch (lifecycle_change(r->db, &r->ld->cfg, &r->who, r->params[0], a,
	    reason, &s, err, sizeof(err))) {
	case STORE_OK:
		return reply_json(r, MHD_HTTP_OK, state_json(&s));
	case STORE_NOTFOUND:
		return no_label(r);
	case LIFECYCLE_BADSTATE:
		return reply_problem(r, MHD_HTTP_CONFLICT, "conflict", "%s",
		    err);
	default:
		return reply_db_error(r);
	}
}

/*
 * The vendor withdraws its label (an optional {reason} text): revoked
 * with the reason withdrawn_by_vendor, then the text.
 */
static int
label_withdraw(struct req *r)
{
	struct valid		 v;
	struct label_state	 s;
	const char		*text = NULL;
	char			 err[512];

	valid_init(&v);
	if (r->json != NULL)
		text = valid_string(&v, r->json, "reason", 0,
		    LABELD_MAX_WITHDRAW_TEXT);
	if (valid_check(r, &v) == -1)
		return -1;
	switch (lifecycle_withdraw(r->db, &r->ld->cfg, &r->who, r->params[0],
	    text, &s, err, sizeof(err))) {
	case STORE_OK:
		return reply_json(r, MHD_HTTP_OK, state_json(&s));
	case STORE_NOTFOUND:
		return no_label(r);
	case LIFECYCLE_BADSTATE:
		return reply_problem(r, MHD_HTTP_CONFLICT, "conflict", "%s",
		    err);
	default:
		return reply_db_error(r);
	}
}

static int
label_suspend(struct req *r)
{
	return label_change(r, LABEL_SUSPEND);
}

static int
label_revoke(struct req *r)
{
	return label_change(r, LABEL_REVOKE);
}

static int
label_reinstate(struct req *r)
{
	return label_change(r, LABEL_REINSTATE);
}

static int
status_list_get(struct req *r)
{
	char	*buf, err[512];
	size_t	 len;
	int	 rc;

	switch (statuslist_get(r->db, &r->ld->cfg, r->params[0], &buf, &len,
	    err, sizeof(err))) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no status list %s; the lists are %s and %s", r->params[0],
		    LABELD_STATUSLIST_REVOCATION, LABELD_STATUSLIST_SUSPENSION);
	case KEYS_NOKEY:
		return no_key(r, err);
	default:
		return reply_db_error(r);
	}
	rc = reply_raw(r, MHD_HTTP_OK, LABELD_VC_MEDIA_TYPE, buf, len);
	free(buf);
	return rc;
}

static int
did_document(struct req *r)
{
	json_t	*doc = keys_did_document(r->db, &r->ld->cfg);
	char	*s;
	int	 rc;

	if (doc == NULL)
		return reply_db_error(r);
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (s == NULL)
		return reply_oom(r);
	rc = reply_raw(r, MHD_HTTP_OK, API_DID_MEDIA_TYPE, s, strlen(s));
	free(s);
	return rc;
}

/* The latest trust bundle version, made first when one is due. */
static int
trust_bundle(struct req *r)
{
	struct trust_bundle_row	 row;
	char			*buf, err[512];
	size_t			 len;
	int			 rc, made;

	/*
	 * One snapshot under the write lock, the time read after it: a
	 * rotation can then neither fall between the keys listed and the
	 * key that signs, nor make the bundle older than its signing key.
	 */
	rc = trust_bundle_current(r->db, &r->ld->cfg, 0, &buf, &len, &row,
	    &made, err, sizeof(err));
	if (rc != STORE_OK)
		return rc == KEYS_NOKEY ? no_key(r, err) : reply_db_error(r);
	if (made)
		log_info("trust bundle version %lld issued at a fetch (signed "
		    "by %s, expires %s)", (long long)row.version, row.kid,
		    row.expires_at);
	rc = reply_raw(r, MHD_HTTP_OK, "application/json", buf, len);
	free(buf);
	return rc;
}

/* A stored version exactly as issued. */
static int
trust_bundle_version(struct req *r)
{
	struct trust_bundle_row	 row;
	const char		*v = r->params[0];
	char			*buf;
	size_t			 len;
	int64_t			 n = 0;
	int			 rc;

	if (*v == '\0')
		goto bad;
	for (const char *p = v; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > LABELD_TRUST_BUNDLE_MAX_VERSION)
			goto bad;
		n = n * 10 + (*p - '0');
	}
	if (n < 1 || n > LABELD_TRUST_BUNDLE_MAX_VERSION)
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no trust bundle version %s; versions start at 1", v);
	switch (store_trust_bundle_get(r->db, n, &row, &buf, &len)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no trust bundle version %lld (GET /v1/trust-bundle "
		    "answers the latest)", (long long)n);
	default:
		return reply_db_error(r);
	}
	rc = reply_raw(r, MHD_HTTP_OK, "application/json", buf, len);
	free(buf);
	return rc;
bad:
	return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-request",
	    "trust bundle versions are positive integers, not \"%s\"", v);
}

const struct route api_labels_routes[] = {
	{ "GET", "/v1/labels", ROLE_REGULATOR | ROLE_VENDOR, 0, label_list },
	{ "GET", "/v1/labels/{label_id}", ROLE_PUBLIC, 0, label_get },
	{ "GET", "/v1/labels/{label_id}/status", ROLE_PUBLIC, 0,
	    label_status },
	{ "GET", "/v1/labels/{label_id}/events", ROLE_PUBLIC, 0,
	    label_events },
	{ "GET", "/v1/labels/{label_id}/proof", ROLE_PUBLIC, 0,
	    api_log_label_proof },
	{ "POST", "/v1/labels/{label_id}/suspend", ROLE_REGULATOR, ROUTE_JSON,
	    label_suspend },
	{ "POST", "/v1/labels/{label_id}/revoke", ROLE_REGULATOR,
	    ROUTE_JSON | ROUTE_QUORUM, label_revoke },
	{ "POST", "/v1/labels/{label_id}/reinstate", ROLE_REGULATOR,
	    ROUTE_JSON, label_reinstate },
	{ "POST", "/v1/labels/{label_id}/withdraw", ROLE_VENDOR,
	    ROUTE_JSON_OPT, label_withdraw },
	{ "GET", "/v1/status-lists/{list}", ROLE_PUBLIC, 0, status_list_get },
	{ "GET", "/.well-known/did.json", ROLE_PUBLIC, 0, did_document },
	{ "GET", "/v1/trust-bundle", ROLE_PUBLIC, 0, trust_bundle },
	{ "GET", "/v1/trust-bundle/versions/{version}", ROLE_PUBLIC, 0,
	    trust_bundle_version },
	{ NULL, NULL, 0, 0, NULL }
};
