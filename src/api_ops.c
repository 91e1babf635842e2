/*
 * api_ops.c: operations routes: health, metrics, the OpenAPI description
 * (generated from the route tables, so it cannot drift from them).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "labeld.h"
#include "rfc3339.h"

static int
healthz(struct req *r)
{
	if (store_ping(r->db) == -1)
		return reply_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unhealthy", "the database does not answer");
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:s}", "status", "ok"));
}

/* The domain figures appended to the HTTP ones. */
struct figures {
	char	*p;
	size_t	 len, cap;
	int	 failed;
};

static void	 fig_put(struct figures *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
fig_put(struct figures *f, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*np;

	if (f->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(f->p + f->len, f->cap - f->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		f->failed = 1;
		return;
	}
	if ((size_t)n >= f->cap - f->len) {
		if ((np = realloc(f->p, f->cap * 2 + (size_t)n)) == NULL) {
			f->failed = 1;
			return;
		}
		f->p = np;
		f->cap = f->cap * 2 + (size_t)n;
		va_start(ap, fmt);
		vsnprintf(f->p + f->len, f->cap - f->len, fmt, ap);
		va_end(ap);
	}
	f->len += (size_t)n;
}

static int
label_figure(const char *status, int64_t n, void *arg)
{
	fig_put(arg, "labeld_labels{status=\"%s\"} %lld\n", status,
	    (long long)n);
	return 0;
}

static int
submission_figure(const char *state, int64_t n, void *arg)
{
	fig_put(arg, "labeld_submissions{state=\"%s\"} %lld\n", state,
	    (long long)n);
	return 0;
}

/*
 * Labels by status, submissions by state and the active signing key's
 * age, read now (gauges: what a regulator watches).  0, or -1 on a
 * database or memory fault.
 */
static int
domain_figures(struct req *r, struct figures *f)
{
	struct signing_key	 k;
	char			 now[RFC3339_BUFLEN];
	time_t			 t;

	rfc3339_format(clock_now(), now);
	fig_put(f, "# HELP labeld_labels Labels by status (expired: active "
	    "past validUntil).\n# TYPE labeld_labels gauge\n");
	if (store_label_count_by_status(r->db, now, label_figure, f) !=
	    STORE_OK)
		return -1;
	fig_put(f, "# HELP labeld_submissions Submissions by state.\n"
	    "# TYPE labeld_submissions gauge\n");
	if (store_submission_count_by_state(r->db, submission_figure, f) !=
	    STORE_OK)
		return -1;
	switch (store_key_active(r->db, &k)) {
	case STORE_OK:
		if (rfc3339_to_time(k.created_at, 0, &t) == 0)
			fig_put(f, "# HELP labeld_signing_key_age_seconds Age "
			    "of the active signing key.\n# TYPE "
			    "labeld_signing_key_age_seconds gauge\n"
			    "labeld_signing_key_age_seconds %lld\n",
			    (long long)(clock_now() - t));
		break;
	case STORE_NOTFOUND:
		break;
	default:
		return -1;
	}
	return f->failed ? -1 : 0;
}

static int
metrics(struct req *r)
{
	struct figures	 f = { NULL, 0, 1024, 0 };
	size_t		 len;
	char		*text, *all;
	int		 rc;

	if ((f.p = malloc(f.cap)) == NULL)
		return reply_oom(r);
	f.p[0] = '\0';
	if (domain_figures(r, &f) == -1) {
		free(f.p);
		return f.failed ? reply_oom(r) : reply_db_error(r);
	}
	if ((text = metrics_render(&len)) == NULL ||
	    (all = malloc(len + f.len + 1)) == NULL) {
		free(text);
		free(f.p);
		return reply_oom(r);
	}
	memcpy(all, text, len);
	memcpy(all + len, f.p, f.len + 1);
	rc = reply_raw(r, MHD_HTTP_OK, "text/plain; version=0.0.4", all,
	    len + f.len);
	free(all);
	free(text);
	free(f.p);
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
