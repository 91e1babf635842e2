/*
 * api_partners.c: partner authorities (issue 10).  The regulator pins a
 * partner's signed trust bundle with a first agreement, adds and amends
 * agreements, pushes newer bundles (accepted by continuity only) and the
 * partner's status lists; anyone reads the directory of partners with
 * their agreements, pinned bundle version and last refresh.  The rules are
 * partner.c's; this file maps requests and results to answers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"

/* A stored JSON object text as a value (null when absent or unreadable). */
static json_t *
text_json(const char *text)
{
	json_t *v = text != NULL ? json_loads(text, 0, NULL) : NULL;

	return v != NULL ? v : json_null();
}

static json_t *
agreement_json(const struct agreement *a)
{
	char	 today[11];
	int	 active;

	store_today(today);
	active = a->ended_at[0] == '\0' && strcmp(a->valid_from, today) <= 0 &&
	    strcmp(today, a->valid_until) <= 0;
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:s?, "
	    "s:s, s:s}", "id", a->id, "partner_id", a->partner_id,
	    "partner_scheme", a->partner_scheme, "local_scheme",
	    a->local_scheme, "tier_map", text_json(a->tier_map), "crosswalk",
	    text_json(a->crosswalk), "valid_from", a->valid_from,
	    "valid_until", a->valid_until, "active", active, "ended_at",
	    a->ended_at[0] ? a->ended_at : NULL, "created_at", a->created_at,
	    "updated_at", a->updated_at);
}

static json_t *
list_json(const struct partner_list *l)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s}", "id", l->list_id,
	    "status_purpose", l->status_purpose, "valid_from", l->valid_from,
	    "valid_until", l->valid_until[0] ? l->valid_until : NULL,
	    "sha256", l->sha256, "received_at", l->received_at);
}

static int
add_agreement(const struct agreement *a, void *arg)
{
	return json_array_append_new(arg, agreement_json(a));
}

static int
add_list(const struct partner_list *l, void *arg)
{
	return json_array_append_new(arg, list_json(l));
}

/*
 * The last pull of p (POST .../refresh or the refresh thread): {at,
 * outcome, errors}, null when never refreshed (or unreadable: logged).
 */
static json_t *
last_refresh_json(struct db *db, const struct partner *p)
{
	struct partner_refresh_row	 r;
	json_t				*rep, *out;

	if (store_refresh_get(db, p->id, &r) != STORE_OK)
		return json_null();
	rep = json_loads(r.report, 0, NULL);
	out = json_pack("{s:s, s:s, s:O?, s:O?}", "at", r.at, "outcome",
	    r.outcome, "errors", json_object_get(rep, "errors"), "witness",
	    json_object_get(rep, "witness"));
	json_decref(rep);
	store_refresh_clear(&r);
	return out != NULL ? out : json_null();
}

/* A partner as the directory shows it; NULL on a database or memory fault. */
static json_t *
partner_json(struct db *db, const struct partner *p)
{
	json_t	*agreements = json_array(), *lists = json_array();

	if (agreements == NULL || lists == NULL ||
	    store_agreement_list(db, p->id, add_agreement, agreements) !=
	    STORE_OK ||
	    store_partner_lists(db, p->id, add_list, lists) != STORE_OK) {
		json_decref(agreements);
		json_decref(lists);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:I, s:s, s:s, s:s, s:o, "
	    "s:o, s:o}", "id", p->id, "issuer", p->issuer, "name", p->name,
	    "country", p->country, "url", p->url[0] ? p->url : NULL,
	    "bundle_version", (json_int_t)p->bundle_version, "bundle_expires",
	    p->bundle_expires, "refreshed_at", p->refreshed_at, "created_at",
	    p->created_at, "agreements", agreements, "status_lists", lists,
	    "last_refresh", last_refresh_json(db, p));
}

static int
reply_partner(struct req *r, unsigned status, const struct partner *p)
{
	json_t *body = partner_json(r->db, p);

	return body != NULL ? reply_json(r, status, body) : reply_db_error(r);
}

static int
no_partner(struct req *r)
{
	return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
	    "no partner %s (GET /v1/partners lists them)", r->params[0]);
}

/* 422 with the faults collected, or 500 when none was (a fault of ours). */
static int
reply_faults(struct req *r, json_t *errors)
{
	int rc;

	if (json_array_size(errors) == 0)
		rc = reply_db_error(r);
	else
		rc = reply_invalid(r, errors);
	json_decref(errors);
	return rc;
}

static int
partners_create(struct req *r)
{
	struct partner	 p;
	struct wf_why	 why;
	json_t		*errors = json_array();
	int		 rc;

	if (errors == NULL)
		return reply_oom(r);
	memset(&why, 0, sizeof(why));
	rc = partner_pin(r->db, &r->ld->cfg, &r->who,
	    json_object_get(r->json, "trust_bundle"),
	    json_object_get(r->json, "agreement"), clock_now(), &p, errors,
	    &why);
	switch (rc) {
	case STORE_OK:
		json_decref(errors);
		log_info("partner %s pinned: %s (%s) bundle version %lld",
		    p.id, p.issuer, p.country, (long long)p.bundle_version);
		return reply_partner(r, MHD_HTTP_CREATED, &p);
	case STORE_INVALID:
		return reply_faults(r, errors);
	case STORE_CONFLICT:
		json_decref(errors);
		return reply_problem(r, MHD_HTTP_CONFLICT, "partner-exists",
		    "%s", why.text);
	default:
		json_decref(errors);
		return reply_db_error(r);
	}
}

static int
partners_get(struct req *r)
{
	struct partner p;

	switch (store_partner_get(r->db, r->params[0], &p)) {
	case STORE_OK:
		return reply_partner(r, MHD_HTTP_OK, &p);
	case STORE_NOTFOUND:
		return no_partner(r);
	default:
		return reply_db_error(r);
	}
}

struct list_walk {
	struct db	*db;
	struct page	*page;
};

static int
list_one(const struct partner *p, void *arg)
{
	struct list_walk *w = arg;

	return page_add(w->page, partner_json(w->db, p), p->seq);
}

static int
partners_list(struct req *r)
{
	struct page		 pg;
	struct list_walk	 w;
	int64_t			 after;
	int			 limit;

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	page_init(&pg, limit);
	w.db = r->db;
	w.page = &pg;
	return page_finish(r, &pg, store_partner_list(r->db, after, limit + 1,
	    list_one, &w));
}

static int
agreements_create(struct req *r)
{
	struct agreement	 a;
	json_t			*errors = json_array(), *body;
	int			 rc;

	if (errors == NULL)
		return reply_oom(r);
	rc = partner_agreement_add(r->db, &r->who, r->params[0], r->json, &a,
	    errors);
	switch (rc) {
	case STORE_OK:
		json_decref(errors);
		body = agreement_json(&a);
		store_agreement_clear(&a);
		return reply_json(r, MHD_HTTP_CREATED, body);
	case STORE_NOTFOUND:
		json_decref(errors);
		return no_partner(r);
	case STORE_INVALID:
		return reply_faults(r, errors);
	default:
		json_decref(errors);
		return reply_db_error(r);
	}
}

static int
agreements_patch(struct req *r)
{
	struct agreement	 a;
	struct partner		 p;
	struct wf_why		 why;
	json_t			*errors = json_array(), *body;
	int			 rc;

	if (errors == NULL)
		return reply_oom(r);
	memset(&why, 0, sizeof(why));
	rc = partner_agreement_amend(r->db, &r->who, r->params[0],
	    r->params[1], r->json, &a, errors, &why);
	switch (rc) {
	case STORE_OK:
		json_decref(errors);
		body = agreement_json(&a);
		store_agreement_clear(&a);
		return reply_json(r, MHD_HTTP_OK, body);
	case STORE_NOTFOUND:
		json_decref(errors);
		if (store_partner_get(r->db, r->params[0], &p) == STORE_NOTFOUND)
			return no_partner(r);
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "partner %s has no agreement %s", r->params[0],
		    r->params[1]);
	case STORE_INVALID:
		return reply_faults(r, errors);
	case STORE_CONFLICT:
		json_decref(errors);
		return reply_problem(r, MHD_HTTP_CONFLICT, "agreement-ended",
		    "%s", why.text);
	default:
		json_decref(errors);
		return reply_db_error(r);
	}
}

static int
trust_bundle_put(struct req *r)
{
	struct partner	 p;
	struct wf_why	 why;
	int		 unchanged;

	memset(&why, 0, sizeof(why));
	switch (partner_update_bundle(r->db, &r->who, r->params[0], r->json,
	    clock_now(), &p, &unchanged, &why)) {
	case STORE_OK:
		if (!unchanged)
			log_info("partner %s: bundle version %lld accepted by "
			    "continuity", p.id, (long long)p.bundle_version);
		return reply_partner(r, MHD_HTTP_OK, &p);
	case STORE_NOTFOUND:
		return no_partner(r);
	case PARTNER_REFUSED:
		log_warn("partner %s: bundle update refused: %s", r->params[0],
		    why.text);
		return reply_problem_extra(r, MHD_HTTP_CONFLICT,
		    "bundle-refused", json_pack("{s:I, s:s}", "pinned_version",
		    (json_int_t)p.bundle_version, "field", why.field[0] ?
		    why.field : "trust_bundle"), "%s; the pinned version %lld "
		    "stays", why.text, (long long)p.bundle_version);
	default:
		return reply_db_error(r);
	}
}

static int
status_list_put(struct req *r)
{
	struct partner_list	 l;
	struct wf_why		 why;
	json_t			*body;
	int			 unchanged;

	memset(&why, 0, sizeof(why));
	switch (partner_add_status_list(r->db, &r->who, r->params[0], r->json,
	    clock_now(), &l, &unchanged, &why)) {
	case STORE_OK:
		body = list_json(&l);
		if (body != NULL)
			json_object_set_new(body, "unchanged",
			    json_boolean(unchanged));
		return reply_json(r, MHD_HTTP_OK, body);
	case STORE_NOTFOUND:
		return no_partner(r);
	case STORE_INVALID:
		return reply_problem_extra(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
		    "status-list-refused", json_pack("{s:s}", "field",
		    why.field[0] ? why.field : "body"), "%s", why.text);
	case STORE_CONFLICT:
		return reply_problem(r, MHD_HTTP_CONFLICT,
		    "status-list-not-newer", "%s", why.text);
	default:
		return reply_db_error(r);
	}
}

/*
 * POST /v1/partners/{id}/refresh: pulls the partner's bundle (by
 * continuity) and status lists from the URLs its pinned bundle names;
 * optional body {status_lists: [url, ...]} limits the lists fetched to
 * those (each one the bundle names).  Then witnesses the partner's log
 * (the report's "witness": its checkpoint cosigned and sent back, or an
 * incident).  200 with the report; 409 when the bundle served does not
 * follow (pinned kept); 502 when a URL could not be fetched or its
 * document was refused (report in the problem).  The witness outcome does
 * not change the status: it is the report's "witness".
 */
static int
refresh_post(struct req *r)
{
	struct wf_why	 why;
	json_t		*report = NULL, *only, *errors;
	json_int_t	 pinned;
	char		 first[512];
	int		 rc;

	memset(&why, 0, sizeof(why));
	only = r->json != NULL ? json_object_get(r->json, "status_lists") :
	    NULL;
	rc = partner_refresh(r->db, &r->ld->cfg, &r->who, r->params[0], only,
	    clock_now(), &report, &why);
	switch (rc) {
	case STORE_OK:
		return reply_json(r, MHD_HTTP_OK, report);
	case STORE_NOTFOUND:
		return no_partner(r);
	case STORE_INVALID:
		return reply_problem_extra(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
		    "url-not-in-bundle", json_pack("{s:s}", "field",
		    why.field), "%s", why.text);
	case PARTNER_REFUSED:
		pinned = json_integer_value(json_object_get(json_object_get(
		    report, "bundle"), "version"));
		log_warn("partner %s: refresh: bundle refused: %s",
		    r->params[0], why.text);
		return reply_problem_extra(r, MHD_HTTP_CONFLICT,
		    "bundle-refused", json_pack("{s:I, s:o}", "pinned_version",
		    pinned, "report", report), "%s; the pinned version %lld "
		    "stays", why.text, (long long)pinned);
	case PARTNER_FETCH_FAILED:
		errors = json_object_get(report, "errors");
		snprintf(first, sizeof(first), "%s", json_string_value(
		    json_object_get(json_array_get(errors, 0), "detail")));
		return reply_problem_extra(r, MHD_HTTP_BAD_GATEWAY,
		    "refresh-failed", json_pack("{s:O, s:o}", "errors", errors,
		    "report", report), "partner %s: %zu URL(s) could not be "
		    "used; the first: %s", r->params[0], json_array_size(errors),
		    first);
	default:
		json_decref(report);
		return reply_db_error(r);
	}
}

const struct route api_partners_routes[] = {
	{ "POST", "/v1/partners", ROLE_REGULATOR, ROUTE_JSON | ROUTE_QUORUM,
	    partners_create },
	{ "GET", "/v1/partners", ROLE_PUBLIC, 0, partners_list },
	{ "GET", "/v1/partners/{id}", ROLE_PUBLIC, 0, partners_get },
	{ "POST", "/v1/partners/{id}/agreements", ROLE_REGULATOR,
	    ROUTE_JSON | ROUTE_QUORUM,
	    agreements_create },
	{ "PATCH", "/v1/partners/{id}/agreements/{aid}", ROLE_REGULATOR,
	    ROUTE_JSON | ROUTE_QUORUM, agreements_patch },
	{ "PUT", "/v1/partners/{id}/trust-bundle", ROLE_REGULATOR, ROUTE_JSON,
	    trust_bundle_put },
	{ "PUT", "/v1/partners/{id}/status-lists", ROLE_REGULATOR, ROUTE_JSON,
	    status_list_put },
	{ "POST", "/v1/partners/{id}/refresh", ROLE_REGULATOR, ROUTE_JSON_OPT,
	    refresh_post },
	{ NULL, NULL, 0, 0, NULL }
};
