/*
 * api_ops.c: operations routes: health, metrics, the OpenAPI description
 * (generated from the route tables, so it cannot drift from them).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"

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
	char	*text = metrics_render(&len);
	int	 rc;

	if (text == NULL)
		return reply_oom(r);
	rc = reply_raw(r, MHD_HTTP_OK, "text/plain; version=0.0.4", text, len);
	free(text);
	return rc;
}

static void
add_operation(const struct route *rt, void *arg)
{
	json_t	*paths = arg, *item, *op, *roles;
	char	 method[8];
	size_t	 i;

	if ((item = json_object_get(paths, rt->pattern)) == NULL) {
		item = json_object();
		json_object_set_new(paths, rt->pattern, item);
	}
	for (i = 0; rt->method[i] != '\0' && i < sizeof(method) - 1; i++)
		method[i] = (char)(rt->method[i] | 0x20);
	method[i] = '\0';
	roles = json_array();
	for (unsigned bit = 1; bit & ROLE_ANY_AUTH; bit <<= 1)
		if (rt->roles & bit)
			json_array_append_new(roles,
			    json_string(role_name((enum role)bit)));
	op = json_pack("{s:o}", "x-labeld-roles", roles);
	if (rt->roles != ROLE_PUBLIC)
		json_object_set_new(op, "security",
		    json_pack("[{s:[]}]", "bearer"));
	if (rt->flags & ROUTE_JSON)
		json_object_set_new(op, "requestBody", json_pack(
		    "{s:b, s:{s:{}}}", "required", 1, "content",
		    "application/json"));
	else if (rt->flags & ROUTE_UPLOAD)
		json_object_set_new(op, "requestBody", json_pack(
		    "{s:b, s:{s:{}}}", "required", 1, "content", "*/*"));
	json_object_set_new(op, "responses", json_pack("{s:{s:s}}", "default",
	    "description", "JSON, or application/problem+json on error"));
	json_object_set_new(item, method, op);
}

static int
openapi(struct req *r)
{
	json_t *doc, *paths = json_object();

	router_walk(add_operation, paths);
	doc = json_pack("{s:s, s:{s:s, s:s}, s:[{s:s}], s:o, s:{s:{s:{s:s, "
	    "s:s}}}}", "openapi", "3.1.0", "info", "title", "labeld",
	    "version", PACKAGE_VERSION, "servers", "url",
	    r->ld->cfg.public_url, "paths", paths, "components",
	    "securitySchemes", "bearer", "type", "http", "scheme", "bearer");
	return reply_json(r, MHD_HTTP_OK, doc);
}

const struct route api_ops_routes[] = {
	{ "GET", "/healthz", ROLE_PUBLIC, 0, healthz },
	{ "GET", "/metrics", ROLE_PUBLIC, 0, metrics },
	{ "GET", "/openapi.json", ROLE_PUBLIC, 0, openapi },
	{ NULL, NULL, 0, 0, NULL }
};
