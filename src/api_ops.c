/*
 * api_ops.c: operations routes: health, metrics, the OpenAPI description
 * (its data joined with the route tables, so it cannot drift from them).
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "errfmt.h"

static int
healthz(struct req *r)
{
	if (store_ping(r->db) == -1)
		return reply_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unhealthy", "the database does not answer");
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:s}", "status", "ok"));
}

static int
metrics(struct req *r)
{
	size_t	 len;
	int	 dberr = 0, rc;
	char	*text;

	if ((text = metrics_render(r->db, r->ld->cfg.expiry_warning_window, &len,
	    &dberr)) == NULL)
		return dberr ? reply_db_error(r) : reply_oom(r);
	rc = reply_raw(r, MHD_HTTP_OK, "text/plain; version=0.0.4", text, len);
	free(text);
	return rc;
}

/*
 * The OpenAPI document is data: schemas/openapi/document.json holds its
 * frame (info, tags, components) and schemas/openapi/operations.json one
 * operation per route, keyed "METHOD /pattern".  api_openapi_load joins
 * them with the route tables, which add what the router knows (roles,
 * security), so a route without an entry, or an entry without a route, is
 * found at start (and by tests/check_openapi).
 */
#define OPENAPI_DIR	"schemas/openapi"

struct oa_build {
	json_t	*ops;		/* operations.json, entries taken out as used */
	json_t	*paths;
	char	*err;
	size_t	 errlen;
	int	 failed;
};

/* Loads dir/name as a JSON object; NULL with err filled. */
static json_t *
oa_load_file(const char *dir, const char *name, char *err, size_t errlen)
{
	char		 path[PATH_MAX];
	json_t		*doc;
	json_error_t	 jerr;

	if (path_join(path, sizeof(path), dir, name) == -1) {
		errfmt(err, errlen, "%s/%s: path too long", dir, name);
		return NULL;
	}
	if ((doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		errfmt(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		errfmt(err, errlen, "%s: not a JSON object", path);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The route's operation: its entry, plus the roles the router enforces. */
static void
oa_add_route(const struct route *rt, void *arg)
{
	struct oa_build	*b = arg;
	json_t		*item, *entry, *op, *roles, *sec;
	char		 key[256], method[8];
	size_t		 i;

	if (b->failed)
		return;
	snprintf(key, sizeof(key), "%s %s", rt->method, rt->pattern);
	entry = json_object_get(b->ops, key);
	if (!json_is_object(entry) ||
	    !json_is_object(json_object_get(entry, "responses"))) {
		errfmt(b->err, b->errlen, "route %s has no entry with responses "
		    "in " OPENAPI_DIR "/operations.json", key);
		b->failed = 1;
		return;
	}
	for (i = 0; rt->method[i] != '\0' && i < sizeof(method) - 1; i++)
		method[i] = (char)(rt->method[i] | 0x20);
	method[i] = '\0';
	if ((item = json_object_get(b->paths, rt->pattern)) == NULL) {
		item = json_object();
		if (json_object_set_new(b->paths, rt->pattern, item) != 0)
			goto oom;
	}
	roles = json_array();
	for (unsigned bit = 1; roles != NULL && (bit & ROLE_ANY_AUTH);
	    bit <<= 1)
		if ((rt->roles & bit) && json_array_append_new(roles,
		    json_string(role_name((enum role)bit))) != 0) {
			json_decref(roles);
			roles = NULL;
		}
	sec = rt->roles == ROLE_PUBLIC ? json_array() :
	    json_pack("[{s:[]}]", "bearer");
	if ((op = json_deep_copy(entry)) == NULL || roles == NULL ||
	    sec == NULL) {
		json_decref(op);
		json_decref(roles);
		json_decref(sec);
		goto oom;
	}
	/* Each _set_new takes its value, also when it fails. */
	if (json_object_set_new(op, "x-labeld-roles", roles) != 0) {
		json_decref(sec);
		json_decref(op);
		goto oom;
	}
	if (json_object_set_new(op, "security", sec) != 0) {
		json_decref(op);
		goto oom;
	}
	if (json_object_set_new(item, method, op) != 0)
		goto oom;
	json_object_del(b->ops, key);
	return;
oom:
	errfmt(b->err, b->errlen, "openapi: out of memory");
	b->failed = 1;
}

/*
 * Builds the OpenAPI document from share_dir's schemas/openapi/ and the
 * route tables; the caller owns it.  NULL with err filled when a file is
 * missing or malformed, or a route and the entries do not match one to one.
 */
json_t *
api_openapi_load(const char *share_dir, char *err, size_t errlen)
{
	struct oa_build	 b = { NULL, NULL, err, errlen, 0 };
	char		 dir[PATH_MAX];
	json_t		*doc = NULL, *info, *v;
	const char	*key;
	void		*tmp;

	if (path_join(dir, sizeof(dir), share_dir, OPENAPI_DIR) == -1) {
		errfmt(err, errlen, "%s: path too long", share_dir);
		return NULL;
	}
	if ((doc = oa_load_file(dir, "document.json", err, errlen)) == NULL ||
	    (b.ops = oa_load_file(dir, "operations.json", err, errlen)) ==
	    NULL)
		goto fail;
	if (!json_is_object(info = json_object_get(doc, "info")) ||
	    !json_is_object(json_object_get(doc, "components"))) {
		errfmt(err, errlen, "%s/document.json: no info or components",
		    dir);
		goto fail;
	}
	if ((b.paths = json_object()) == NULL)
		goto oom;
	router_walk(oa_add_route, &b);
	if (b.failed)
		goto fail;
	json_object_foreach_safe(b.ops, tmp, key, v) {
		errfmt(err, errlen, "%s/operations.json: \"%s\" names no route",
		    dir, key);
		goto fail;
	}
	info = json_object_get(doc, "info");
	if (json_object_set_new(doc, "openapi", json_string("3.1.0")) != 0 ||
	    json_object_set_new(info, "version",
	    json_string(PACKAGE_VERSION)) != 0 ||
	    json_object_set(doc, "paths", b.paths) != 0)
		goto oom;
	json_decref(b.paths);
	json_decref(b.ops);
	return doc;
oom:
	errfmt(err, errlen, "openapi: out of memory");
fail:
	json_decref(b.paths);
	json_decref(b.ops);
	json_decref(doc);
	return NULL;
}

/* The document built at start, with this server's public URL. */
static int
openapi(struct req *r)
{
	json_t *doc;

	if (r->ld->openapi == NULL)
		return reply_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unavailable", "the API document did not load at start "
		    "(see the log)");
	if ((doc = json_deep_copy(r->ld->openapi)) == NULL ||
	    json_object_set_new(doc, "servers", json_pack("[{s:s}]", "url",
	    r->ld->cfg.public_url)) != 0) {
		json_decref(doc);
		return reply_oom(r);
	}
	return reply_json(r, MHD_HTTP_OK, doc);
}

const struct route api_ops_routes[] = {
	{ "GET", "/healthz", ROLE_PUBLIC, 0, healthz },
	{ "GET", "/metrics", ROLE_PUBLIC, 0, metrics },
	{ "GET", "/openapi.json", ROLE_PUBLIC, 0, openapi },
	{ NULL, NULL, 0, 0, NULL }
};
