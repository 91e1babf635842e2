/*
 * api_schemes.c: the scheme catalogue over HTTP.  Reading is public;
 * publishing a new version is for regulators.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "scheme.h"
#include "utf8.h"

struct list_ctx {
	json_t		*items;
	json_t		*cur;	/* the entry of the scheme being walked */
};

static int
list_cb(const struct scheme_row *row, void *arg)
{
	struct list_ctx	*c = arg;
	const char	*cur_id = json_string_value(json_object_get(c->cur,
	    "id"));

	if (cur_id == NULL || strcmp(cur_id, row->id) != 0) {
		c->cur = json_pack("{s:s, s:[]}", "id", row->id, "versions");
		json_array_append_new(c->items, c->cur);
	}
	/* Rows come in version order: the last one seen is the current. */
	json_object_set_new(c->cur, "version", json_integer(row->version));
	json_object_set_new(c->cur, "title", json_string(row->title));
	json_object_set_new(c->cur, "published_at",
	    json_string(row->published_at));
	json_array_append_new(json_object_get(c->cur, "versions"),
	    json_pack("{s:i, s:s, s:s}", "version", row->version,
	    "published_at", row->published_at, "sha256", row->sha256));
	return 0;
}

static int
scheme_list(struct req *r)
{
	struct list_ctx	 c = { json_array(), NULL };
	size_t		 i;
	json_t		*it;

	if (store_scheme_list(r->db, NULL, list_cb, &c) != STORE_OK) {
		json_decref(c.items);
		return reply_db_error(r);
	}
	/* Summaries carry what a reader needs to choose: country, tiers. */
	json_array_foreach(c.items, i, it) {
		const struct scheme *s = catalog_get(r->db,
		    json_string_value(json_object_get(it, "id")), 0);
		json_t *tiers = json_array();

		if (s == NULL) {
			json_decref(tiers);
			continue;
		}
		for (int t = 1; t <= scheme_ntiers(s); t++)
			json_array_append_new(tiers, json_pack("{s:i, s:s, s:s}",
			    "tier", t, "name", scheme_tier_name(s, t), "mode",
			    scheme_tier_is_third_party(s, t) ? "third_party" :
			    "self_declaration"));
		json_object_set_new(it, "country",
		    json_string(scheme_country(s)));
		json_object_set_new(it, "max_validity_days",
		    json_integer(scheme_max_validity_days(s)));
		json_object_set_new(it, "tiers", tiers);
	}
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:o}", "items",
	    c.items));
}

static int
reply_scheme(struct req *r, unsigned status, const char *id, int version)
{
	const struct scheme *s = catalog_get(r->db, id, version);

	if (s == NULL) {
		if (version == 0)
			return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
			    "no scheme %s", id);
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "scheme %s has no version %d", id, version);
	}
	return reply_json(r, status, json_deep_copy(scheme_json(s)));
}

static int
scheme_get(struct req *r)
{
	return reply_scheme(r, MHD_HTTP_OK, r->params[0], 0);
}

/* v as a version number (1 ..), or 0 when it is none. */
static int
version_of(const char *v)
{
	long n = 0;

	if (v == NULL || *v == '\0')
		return 0;
	for (const char *p = v; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || n > 1000000)
			return 0;
		n = n * 10 + (*p - '0');
	}
	return (int)n;
}

static int
scheme_get_version(struct req *r)
{
	int n = version_of(r->params[1]);

	if (n == 0)
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "scheme versions are integers from 1, not \"%s\"",
		    r->params[1]);
	return reply_scheme(r, MHD_HTTP_OK, r->params[0], n);
}

/*
 * What changed in a scheme version since an earlier one (?from=): the
 * document's members, its tiers and its requirements, added, removed and
 * changed (scheme_diff).
 */
static int
scheme_version_diff(struct req *r)
{
	const struct scheme	*a, *b;
	const char		*from = req_query(r, "from");
	int			 to = version_of(r->params[1]), f;
	json_t			*d;

	if (to == 0)
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "scheme versions are integers from 1, not \"%s\"",
		    r->params[1]);
	if (from == NULL || (f = version_of(from)) == 0)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "from: the earlier version to compare with is required, "
		    "an integer from 1%s%s%s", from ? " (got \"" : "",
		    from ? from : "", from ? "\")" : "");
	if ((b = catalog_get(r->db, r->params[0], to)) == NULL)
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "scheme %s has no version %d", r->params[0], to);
	if ((a = catalog_get(r->db, r->params[0], f)) == NULL)
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "scheme %s has no version %d to compare with", r->params[0],
		    f);
	if ((d = scheme_diff(a, b)) == NULL)
		return reply_oom(r);
	if (json_object_set_new(d, "scheme", json_string(r->params[0])) != 0 ||
	    json_object_set_new(d, "from", json_integer(f)) != 0 ||
	    json_object_set_new(d, "to", json_integer(to)) != 0) {
		json_decref(d);
		return reply_oom(r);
	}
	return reply_json(r, MHD_HTTP_OK, d);
}

static int
scheme_publish(struct req *r)
{
	char	 err[512], detail[512];
	json_t	*errors;

	switch (catalog_publish(r->db, r->json, r->who.org_id, err,
	    sizeof(err))) {
	case STORE_OK:
		return reply_scheme(r, MHD_HTTP_CREATED,
		    json_string_value(json_object_get(
		    r->json, "id")), (int)json_integer_value(json_object_get(
		    r->json, "version")));
	case STORE_CONFLICT:
		return reply_problem(r, MHD_HTTP_CONFLICT, "conflict", "%s",
		    err);
	case STORE_INVALID:
		/*
		 * The loader's message leads with the JSON path at fault;
		 * it may quote the document, cut anywhere.
		 */
		utf8_clean(err, detail, sizeof(detail));
		errors = json_pack("[{s:s, s:s}]", "field", "body", "detail",
		    detail);
		reply_invalid(r, errors);
		json_decref(errors);
		return -1;
	default:
		return reply_db_error(r);
	}
}

const struct route api_schemes_routes[] = {
	{ "GET", "/v1/schemes", ROLE_PUBLIC, 0, scheme_list },
	{ "POST", "/v1/schemes", ROLE_REGULATOR, ROUTE_JSON | ROUTE_QUORUM,
	    scheme_publish },
	{ "GET", "/v1/schemes/{scheme}", ROLE_PUBLIC, 0, scheme_get },
	{ "GET", "/v1/schemes/{scheme}/versions/{v}/diff", ROLE_PUBLIC, 0,
	    scheme_version_diff },
	{ "GET", "/v1/schemes/{scheme}/versions/{v}", ROLE_PUBLIC, 0,
	    scheme_get_version },
	{ NULL, NULL, 0, 0, NULL }
};
