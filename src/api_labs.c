/*
 * api_labs.c: lab approvals.  A regulator approves a lab organisation for
 * the lab-assessed tiers of one scheme (or of all) until a date; each PUT
 * adds a row, the newest is in force, and history is kept.  A lab reads its
 * own approval; another lab's answers 404 as unknown ids do.  GET /v1/labs
 * publishes the labs approved today, as CSA publishes its list, so that a
 * vendor can find one.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "scheme.h"

#define API_MAX_SCHEME_ID	64

static json_t *
approval_json(const struct lab_approval *a)
{
	char	 day[11];
	json_t	*tiers = json_array();

	for (int t = 1; t <= LABELD_SCHEME_MAX_TIERS; t++)
		if (a->tiers & (1u << t))
			json_array_append_new(tiers, json_integer(t));
	store_today(day);
	return json_pack("{s:s, s:o, s:s, s:s?, s:s, s:s, s:b}", "lab_id",
	    a->lab_id, "tiers", tiers, "valid_until", a->valid_until,
	    "scheme", a->scheme[0] ? a->scheme : NULL, "approved_by", a->approved_by,
	    "approved_at", a->approved_at, "active",
	    strcmp(day, a->valid_until) <= 0);
}

/*
 * Checks {tiers, valid_until, scheme?} into a.  With a scheme, each tier
 * must be one its current version assesses by lab (third_party) or has a
 * lab review (lab_review).
 */
static void
approval_fields_check(struct req *r, struct valid *v, struct lab_approval *a)
{
	const json_t		*tiers = json_object_get(r->json, "tiers"), *t;
	const struct scheme	*s = NULL;
	const char		*until, *scheme;
	char			 field[32];
	size_t			 i;

	until = valid_date(v, r->json, "valid_until", 1);
	if (until != NULL)
		snprintf(a->valid_until, sizeof(a->valid_until), "%s", until);
	scheme = valid_string(v, r->json, "scheme", 0, API_MAX_SCHEME_ID);
	if (scheme != NULL && *scheme != '\0') {
		if ((s = catalog_get(r->db, scheme, 0)) == NULL)
			valid_fail(v, "scheme", "no published scheme \"%s\"",
			    scheme);
		else
			snprintf(a->scheme, sizeof(a->scheme), "%s", scheme);
	}
	if (tiers == NULL || json_is_null(tiers)) {
		valid_fail(v, "tiers", "is required: the tiers the lab may "
		    "assess, such as [3, 4]");
		return;
	}
	if (!json_is_array(tiers) || json_array_size(tiers) == 0 ||
	    json_array_size(tiers) > LABELD_SCHEME_MAX_TIERS) {
		valid_fail(v, "tiers", "must be a non-empty array of at most "
		    "%d tier numbers, such as [3, 4]", LABELD_SCHEME_MAX_TIERS);
		return;
	}
	json_array_foreach(tiers, i, t) {
		json_int_t n;

		snprintf(field, sizeof(field), "tiers[%zu]", i);
		if (!json_is_integer(t) || (n = json_integer_value(t)) < 1 ||
		    n > LABELD_SCHEME_MAX_TIERS) {
			valid_fail(v, field, "must be a tier number from 1 to "
			    "%d", LABELD_SCHEME_MAX_TIERS);
			continue;
		}
		if (a->tiers & (1u << n)) {
			valid_fail(v, field, "tier %d appears twice", (int)n);
			continue;
		}
		if (s != NULL && scheme_tier_lab_assessed(s, (int)n) != 1) {
			valid_fail(v, field, "tier %d of scheme %s %s", (int)n,
			    scheme_id(s), scheme_tier_lab_assessed(s,
			    (int)n) == 0 ? "is self-declared without lab "
			    "review: only tiers a lab assesses or reviews "
			    "need an approved lab" : "does not exist");
			continue;
		}
		a->tiers |= 1u << n;
	}
}

static int
approval_put(struct req *r)
{
	struct valid		 v;
	struct lab_approval	 a;
	struct org		 o;

	memset(&a, 0, sizeof(a));
	valid_init(&v);
	approval_fields_check(r, &v, &a);
	if (valid_check(r, &v) == -1)
		return -1;
	if (db_begin(r->db) == -1)
		return reply_db_error(r);
	if (api_orgs_load(r, &o) == -1)
		goto fail;
	if (strcmp(o.kind, "lab") != 0) {
		reply_problem(r, MHD_HTTP_UNPROCESSABLE_CONTENT, "not-a-lab",
		    "organisation %s is of kind %s: only organisations of "
		    "kind lab can be approved", o.id, o.kind);
		goto fail;
	}
	snprintf(a.lab_id, sizeof(a.lab_id), "%s", o.id);
	snprintf(a.approved_by, sizeof(a.approved_by), "%s", r->who.org_id);
	if (store_lab_approval_put(r->db, &a) != STORE_OK ||
	    db_commit(r->db) == -1) {
		reply_db_error(r);
		goto fail;
	}
	return reply_json(r, MHD_HTTP_OK, approval_json(&a));
fail:
	db_rollback(r->db);
	return -1;
}

/* A lab reads its own approval; another lab's answers 404 as unknown ids do. */
static int
approval_get(struct req *r)
{
	struct lab_approval	 a;
	struct org		 o;

	if (r->who.role == ROLE_LAB &&
	    strcmp(r->who.org_id, r->params[0]) != 0)
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no organisation %s", r->params[0]);
	if (api_orgs_load(r, &o) == -1)
		return -1;
	switch (store_lab_approval_get(r->db, o.id, &a)) {
	case STORE_OK:
		return reply_json(r, MHD_HTTP_OK, approval_json(&a));
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "organisation %s has no lab approval", o.id);
	default:
		return reply_db_error(r);
	}
}

static int
lab_list_cb(const struct org *o, const struct lab_approval *a, void *arg)
{
	json_t	*tiers = json_array();

	for (int t = 1; tiers != NULL && t <= LABELD_SCHEME_MAX_TIERS; t++)
		if ((a->tiers & (1u << t)) &&
		    json_array_append_new(tiers, json_integer(t)) != 0) {
			json_decref(tiers);
			tiers = NULL;
		}
	if (tiers == NULL)
		return page_add(arg, NULL, o->seq);
	return page_add(arg, json_pack("{s:s, s:s, s:s, s:[{s:s?, s:o, s:s}]}",
	    "id", o->id, "name", o->name, "country", o->country, "approvals",
	    "scheme", a->scheme[0] ? a->scheme : NULL, "tiers", tiers,
	    "valid_until", a->valid_until), o->seq);
}

/* The labs approved today (public). */
static int
lab_list(struct req *r)
{
	struct page	 pg;
	int64_t		 after;
	int		 limit;
	char		 day[11];

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	store_today(day);
	page_init(&pg, limit);
	return page_finish(r, &pg, store_lab_list_approved(r->db, day, after,
	    limit + 1, lab_list_cb, &pg));
}

const struct route api_labs_routes[] = {
	{ "GET", "/v1/labs", ROLE_PUBLIC, 0, lab_list },
	{ "PUT", "/v1/organizations/{id}/approval", ROLE_REGULATOR,
	    ROUTE_JSON, approval_put },
	{ "GET", "/v1/organizations/{id}/approval", ROLE_REGULATOR | ROLE_LAB,
	    0, approval_get },
	{ NULL, NULL, 0, 0, NULL }
};
