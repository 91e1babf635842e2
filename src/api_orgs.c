/*
 * api_orgs.c: organisations and their tokens (admin only).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "crypto.h"
#include "rfc3339.h"

static const char *const org_kinds[] = { "authority", "vendor", "lab", NULL };

static json_t *
org_json(const struct org *o)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", o->id, "name",
	    o->name, "kind", o->kind, "country", o->country, "created_at",
	    o->created_at);
}

static json_t *
token_json(const struct token *t)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "id", t->id,
	    "org_id", t->org_id, "role", t->role, "label", t->label,
	    "created_at", t->created_at, "revoked_at",
	    t->revoked_at[0] ? t->revoked_at : NULL, "expires_at",
	    t->expires_at[0] ? t->expires_at : NULL);
}

static int
is_country(const char *s)
{
	return strlen(s) == 2 && isupper((unsigned char)s[0]) &&
	    isupper((unsigned char)s[1]);
}

static int
org_create(struct req *r)
{
	struct valid	 v;
	struct org	 o;
	const char	*name, *kind, *country;

	valid_init(&v);
	name = valid_string(&v, r->json, "name", 1, LABELD_MAX_NAME);
	kind = valid_enum(&v, r->json, "kind", 1, org_kinds);
	country = valid_string(&v, r->json, "country", 1, 2);
	if (country != NULL && !is_country(country))
		valid_fail(&v, "country", "must be an ISO 3166 alpha-2 code "
		    "in capitals such as SG, not \"%s\"", country);
	if (valid_check(r, &v) == -1)
		return -1;
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "%s", name);
	snprintf(o.kind, sizeof(o.kind), "%s", kind);
	snprintf(o.country, sizeof(o.country), "%s", country);
	if (store_org_insert(r->db, &o) != STORE_OK)
		return reply_db_error(r);
	return reply_json(r, MHD_HTTP_CREATED, org_json(&o));
}

static int
org_list_cb(const struct org *o, void *arg)
{
	return page_add(arg, org_json(o), o->seq);
}

static int
org_list(struct req *r)
{
	struct page	 pg;
	const char	*kind = req_query(r, "kind");
	int64_t		 after;
	int		 limit;

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	if (kind != NULL && strcmp(kind, "authority") != 0 &&
	    strcmp(kind, "vendor") != 0 && strcmp(kind, "lab") != 0)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "kind: expected authority, vendor or lab, got \"%s\"",
		    kind);
	page_init(&pg, limit);
	return page_finish(r, &pg, store_org_list(r->db, kind, after, limit + 1,
	    org_list_cb, &pg));
}

/*
 * Loads the organisation named by the first path parameter into o, or
 * answers 404 (unknown id) or 500 and returns -1.  Shared by api_labs.c.
 */
int
api_orgs_load(struct req *r, struct org *o)
{
	switch (store_org_get(r->db, r->params[0], o)) {
	case STORE_OK:
		return 0;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no organisation %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
}

static int
org_get(struct req *r)
{
	struct org o;

	if (api_orgs_load(r, &o) == -1)
		return -1;
	return reply_json(r, MHD_HTTP_OK, org_json(&o));
}

static int
token_create(struct req *r)
{
	struct valid	 v;
	struct org	 o;
	struct token	 t;
	const char	*name, *label, *exp;
	char		 secret[LC_TOKEN_BUFLEN], list[64];
	char		 expires[RFC3339_BUFLEN] = "";
	time_t		 when;
	enum role	 role = ROLE_PUBLIC;
	json_t		*body;
	int		 rc;

	valid_init(&v);
	name = valid_string(&v, r->json, "role", 1, 64);
	if (name != NULL && (role = role_byname(name)) == ROLE_PUBLIC)
		valid_fail(&v, "role", "must be one of %s, not \"%s\"",
		    role_list(ROLE_ANY_AUTH, ", ", list, sizeof(list)), name);
	label = valid_string(&v, r->json, "label", 0, LABELD_MAX_NAME);
	/* Kept in UTC to the second, the form auth.c compares. */
	if ((exp = valid_string(&v, r->json, "expires_at", 0, 64)) != NULL) {
		if (rfc3339_check(exp) == -1 ||
		    rfc3339_to_time(exp, 0, &when) == -1)
			valid_fail(&v, "expires_at", "must be an RFC 3339 "
			    "date-time such as 2027-01-31T00:00:00Z, not \"%s\"",
			    exp);
		else if (when <= clock_now())
			valid_fail(&v, "expires_at", "%s is not in the future",
			    exp);
		else
			rfc3339_format(when, expires);
	}
	if (valid_check(r, &v) == -1)
		return -1;
	if (api_orgs_load(r, &o) == -1)
		return -1;
	if (!role_fits_kind(role, o.kind)) {
		valid_init(&v);
		valid_fail(&v, "role", "an organisation of kind %s cannot "
		    "hold role %s", o.kind, name);
		return valid_check(r, &v);
	}
	rc = auth_issue_token(r->db, o.id, role, label,
	    expires[0] ? expires : NULL, &t, secret, sizeof(secret));
	if (rc != STORE_OK)
		return reply_db_error(r);
	body = token_json(&t);
	json_object_set_new(body, "token", json_string(secret));
	lc_wipe(secret, sizeof(secret));
	return reply_json(r, MHD_HTTP_CREATED, body);
}

static int
token_list_cb(const struct token *t, void *arg)
{
	return json_array_append_new(arg, token_json(t));
}

static int
token_list(struct req *r)
{
	struct org	 o;
	json_t		*items;

	if (api_orgs_load(r, &o) == -1)
		return -1;
	items = json_array();
	if (store_token_list(r->db, o.id, token_list_cb, items) != STORE_OK) {
		json_decref(items);
		return reply_db_error(r);
	}
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:o}", "items", items));
}

static int
token_revoke(struct req *r)
{
	struct token t;

	switch (store_token_get(r->db, r->params[0], &t)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no token %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
	if (t.revoked_at[0] != '\0')
		return reply_problem(r, MHD_HTTP_CONFLICT, "conflict",
		    "token %s was already revoked at %s", t.id, t.revoked_at);
	if (store_token_revoke(r->db, t.id) != STORE_OK ||
	    store_token_get(r->db, t.id, &t) != STORE_OK)
		return reply_db_error(r);
	return reply_json(r, MHD_HTTP_OK, token_json(&t));
}

const struct route api_orgs_routes[] = {
	{ "POST", "/v1/organizations", ROLE_ADMIN, ROUTE_JSON, org_create },
	{ "GET", "/v1/organizations", ROLE_ADMIN, 0, org_list },
	{ "GET", "/v1/organizations/{id}", ROLE_ADMIN, 0, org_get },
	{ "POST", "/v1/organizations/{id}/tokens", ROLE_ADMIN, ROUTE_JSON,
	    token_create },
	{ "GET", "/v1/organizations/{id}/tokens", ROLE_ADMIN, 0, token_list },
	{ "DELETE", "/v1/tokens/{id}", ROLE_ADMIN, 0, token_revoke },
	{ NULL, NULL, 0, 0, NULL }
};
