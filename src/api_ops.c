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
	int	 dberr = 0, rc;
	char	*text;

	if ((text = metrics_render(r->db, r->ld->cfg.expiry_warning_window, &len,
	    &dberr)) == NULL)
		return dberr ? reply_db_error(r) : reply_oom(r);
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
	else if (rt->flags & ROUTE_JSON_OPT)
		json_object_set_new(op, "requestBody", json_pack(
		    "{s:b, s:{s:{}}}", "required", 0, "content",
		    "application/json"));
	else if (rt->flags & ROUTE_UPLOAD)
		json_object_set_new(op, "requestBody", json_pack(
		    "{s:b, s:{s:{}}}", "required", 1, "content", "*/*"));
	json_object_set_new(op, "responses", json_pack("{s:{s:s}}", "default",
	    "description", "JSON, or application/problem+json on error"));
	json_object_set_new(item, method, op);
}

/* The stable codes of POST /v1/verify's checks (labelverify(1)). */
static const char *const verify_codes[] = {
	"ok", "not_checked", "bad_format", "unknown_context", "not_canonical",
	"unknown_issuer", "unknown_key", "bundle_refused", "bundle_expired",
	"bad_signature", "key_not_valid", "key_compromised", "not_yet_valid",
	"expired", "revoked", "suspended", "status_unchecked", "status_stale",
	"status_skipped", "log_skipped", "not_logged", "bad_log_proof",
	"log_inconsistent", "log_not_witnessed",
	"not_issued_here", "differs_from_issued",
};

/* The schema of POST /v1/verify's answer; NULL on OOM. */
static json_t *
verify_schema(void)
{
	json_t	*codes = json_array();
	size_t	 i;

	for (i = 0; codes != NULL && i < sizeof(verify_codes) /
	    sizeof(verify_codes[0]); i++)
		if (json_array_append_new(codes,
		    json_string(verify_codes[i])) != 0) {
			json_decref(codes);
			return NULL;
		}
	if (codes == NULL)
		return NULL;
	return json_pack("{s:s, s:[s, s, s], s:{s:{s:s}, s:{s:s}, "
	    "s:{s:s, s:{s:s, s:[s, s, s, s], s:{s:{s:s, s:[s, s, s, s, s, s, "
	    "s, s, s, s]}, s:{s:s, s:o}, s:{s:s}, s:{s:s}}}}, s:{}}}",
	    "type", "object", "required", "verified", "checks", "label",
	    "properties",
	    "verified", "type", "boolean",
	    "at", "type", "string",
	    "checks", "type", "array", "items", "type", "object", "required",
	    "check", "code", "ok", "detail", "properties",
	    "check", "type", "string", "enum", "format", "context",
	    "canonical", "issuer", "signature", "key", "validity", "status",
	    "log", "registry",
	    "code", "type", "string", "enum", codes,
	    "ok", "type", "boolean",
	    "detail", "type", "string",
	    "label");
}

static int
openapi(struct req *r)
{
	json_t *doc, *paths = json_object(), *op;

	router_walk(add_operation, paths);
	op = json_object_get(json_object_get(paths, "/v1/verify"), "post");
	if (op != NULL)
		json_object_set_new(op, "responses", json_pack("{s:{s:s, s:{s:{"
		    "s:{s:s}}}}, s:{s:s}}", "200", "description", "the checks "
		    "(verified only when every check passed)", "content",
		    "application/json", "schema", "$ref",
		    "#/components/schemas/VerifyResult", "default",
		    "description", "application/problem+json"));
	doc = json_pack("{s:s, s:{s:s, s:s}, s:[{s:s}], s:o, s:{s:{s:{s:s, "
	    "s:s}}, s:{s:o*}}}", "openapi", "3.1.0", "info", "title", "labeld",
	    "version", PACKAGE_VERSION, "servers", "url",
	    r->ld->cfg.public_url, "paths", paths, "components",
	    "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
	    "schemas", "VerifyResult", verify_schema());
	return reply_json(r, MHD_HTTP_OK, doc);
}

const struct route api_ops_routes[] = {
	{ "GET", "/healthz", ROLE_PUBLIC, 0, healthz },
	{ "GET", "/metrics", ROLE_PUBLIC, 0, metrics },
	{ "GET", "/openapi.json", ROLE_PUBLIC, 0, openapi },
	{ NULL, NULL, 0, 0, NULL }
};
