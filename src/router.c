/*
 * router.c: walks the route tables of the api_*.c files.  A route is
 * method + pattern + the roles allowed + body kind + handler; the router
 * alone answers 414, 400, 404, 405, 401, 403, 413 and 415 so that no
 * handler runs without its preconditions.  Everything but 415 and a
 * malformed body is decided from the request line and headers, before
 * the body is read (router_admit).
 */
#include "config.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "labeld.h"

static const struct route *const route_tables[] = {
	api_ops_routes,
	api_orgs_routes,
	api_schemes_routes,
	api_products_routes,
	api_vulns_routes,
	api_labs_routes,
	api_submissions_routes,
	api_evidence_routes,
	api_labels_routes,
	api_verify_routes,
	api_log_routes,
	api_partners_routes,
	api_webhooks_routes,
	api_ballots_routes,
	api_public_routes,
	api_registry_routes,
	api_recognitions_routes,
	api_audit_routes,
};

#define ROUTER_MAX_SEGMENTS 16

/*
 * Matches path against pattern segment by segment; "{x}" takes one
 * non-empty segment.  Params point into buf, a copy of path split at '/'.
 */
static int
match_pattern(const char *pattern, const char *path, const char **params,
    char *buf, size_t buflen)
{
	char		*segs[ROUTER_MAX_SEGMENTS], *s;
	const char	*p, *e;
	int		 nseg = 0, np = 0, i;

	if (path[0] != '/' || pattern[0] != '/' ||
	    snprintf(buf, buflen, "%s", path + 1) >= (int)buflen)
		return 0;
	for (s = buf;;) {
		if (nseg == ROUTER_MAX_SEGMENTS)
			return 0;
		segs[nseg++] = s;
		if ((s = strchr(s, '/')) == NULL)
			break;
		*s++ = '\0';
	}
	for (i = 0, p = pattern + 1; *p != '\0' || i == 0; i++) {
		size_t len;

		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		len = (size_t)(e - p);
		if (i >= nseg)
			return 0;
		if (*p == '{') {
			if (segs[i][0] == '\0' || np == LABELD_MAX_PARAMS)
				return 0;
			params[np++] = segs[i];
		} else if (strlen(segs[i]) != len ||
		    memcmp(segs[i], p, len) != 0)
			return 0;
		p = *e == '/' ? e + 1 : e;
		if (*e == '\0') {
			i++;
			break;
		}
	}
	return i == nseg;
}

/*
 * Finds the route for method and path.  When the path exists under other
 * methods only, returns NULL, lists them in allow (for 405) and sets *near
 * (may be NULL) to the first of those routes, whose pattern names the
 * path in metrics; when it does not exist at all, allow is "" and *near
 * NULL.
 */
const struct route *
router_match(const char *method, const char *path, const char **params,
    char *pathbuf, size_t pathlen, char *allow, size_t allowlen,
    const struct route **near)
{
	const char	*tmp[LABELD_MAX_PARAMS];
	size_t		 o = 0;

	allow[0] = '\0';
	if (near != NULL)
		*near = NULL;
	for (size_t t = 0; t < sizeof(route_tables) / sizeof(route_tables[0]);
	    t++)
		for (const struct route *rt = route_tables[t]; rt->method; rt++) {
			if (!match_pattern(rt->pattern, path, tmp, pathbuf,
			    pathlen))
				continue;
			if (strcmp(rt->method, method) == 0) {
				memcpy(params, tmp, sizeof(tmp));
				return rt;
			}
			if (near != NULL && *near == NULL)
				*near = rt;
			if (strstr(allow, rt->method) == NULL) {
				int n = snprintf(allow + o, allowlen - o,
				    "%s%s", o ? ", " : "", rt->method);
				if (n > 0 && (size_t)n < allowlen - o)
					o += (size_t)n;
			}
		}
	return NULL;
}

/* Calls cb(route, arg) for every route of every table, in table order. */
void
router_walk(void (*cb)(const struct route *, void *), void *arg)
{
	for (size_t t = 0; t < sizeof(route_tables) / sizeof(route_tables[0]);
	    t++)
		for (const struct route *rt = route_tables[t]; rt->method; rt++)
			cb(rt, arg);
}

/*
 * The largest body rt accepts under cfg: max_upload for an upload route,
 * max_body otherwise (also for a NULL rt).
 */
size_t
router_body_limit(const struct config *cfg, const struct route *rt)
{
	if (rt != NULL && (rt->flags & ROUTE_UPLOAD))
		return cfg->max_upload;
	return cfg->max_body;
}

static int
is_json_type(const char *ct)
{
	size_t		 n;
	const char	*semi;

	if (ct == NULL)
		return 0;
	semi = strchr(ct, ';');
	n = semi ? (size_t)(semi - ct) : strlen(ct);
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return 1;
	/* application/problem+json, application/vc+json, ... */
	return n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
	    strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/* Parses the body as a JSON object into r->json, or answers the fault. */
static int
parse_json_body(struct req *r)
{
	json_error_t	 je;

	if (!is_json_type(req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return reply_problem(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "unsupported-media-type", "this route takes a JSON body: "
		    "send Content-Type: application/json");
	if (r->body_len == 0)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "malformed-json",
		    "the request body is empty; expected a JSON object");
	r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES,
	    &je);
	if (r->json == NULL)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "malformed-json",
		    "malformed JSON at line %d, column %d: %s", je.line,
		    je.column, je.text);
	if (!json_is_object(r->json))
		return reply_problem(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
		    "validation", "the request body must be a JSON object");
	return 0;
}

static double
mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Takes the request from its client's bucket: an authenticated change
 * from its token's (rate_limit_write), a public POST such as
 * POST /v1/verify from its address's (rate_limit_verify).  Reads are not
 * limited.  0, or the seconds to wait.
 */
static unsigned
rate_take(struct req *r)
{
	char key[80], addr[64];

	if (r->ld->limits == NULL || strcmp(r->method, "GET") == 0 ||
	    strcmp(r->method, "HEAD") == 0)
		return 0;
	if (r->authed) {
		snprintf(key, sizeof(key), "t:%s", r->who.token_id);
		return ratelimit_take(r->ld->limits, key,
		    r->ld->cfg.rate_limit_write, mono_seconds());
	}
	(void)req_client_addr(r, addr, sizeof(addr));
	snprintf(key, sizeof(key), "a:%s", addr);
	return ratelimit_take(r->ld->limits, key,
	    r->ld->cfg.rate_limit_verify, mono_seconds());
}

/*
 * Refusals recorded per second are bounded (a flood must not cost a disk
 * sync per request): per address through the rate limits when on, else
 * AUDIT_AUTH_FAIL_RATE per second in all.  Those left out are counted
 * and carried by the next recorded row.
 */
static pthread_mutex_t	af_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t		af_suppressed;	/* since the last recorded row */
static long		af_second;	/* fallback cap: its second... */
static unsigned		af_taken;	/* ...and the rows taken in it */

/* Keeps the refusal in auth_failures, within the bound above. */
static void
record_auth_failure(struct req *r, const char *addr)
{
	struct auth_failure	 f;
	struct db		*db;
	char			 key[80];
	double			 now = mono_seconds();
	int			 take;

	pthread_mutex_lock(&af_lock);
	if (r->ld->limits != NULL) {
		snprintf(key, sizeof(key), "af:%s", addr);
		take = ratelimit_take(r->ld->limits, key,
		    AUDIT_AUTH_FAIL_RATE, now) == 0;
	} else {
		if ((long)now != af_second) {
			af_second = (long)now;
			af_taken = 0;
		}
		take = af_taken < AUDIT_AUTH_FAIL_RATE;
		af_taken += take;
	}
	f.suppressed = take ? af_suppressed : 0;
	if (take)
		af_suppressed = 0;
	else
		af_suppressed++;
	pthread_mutex_unlock(&af_lock);
	if (!take)
		return;
	f.addr = addr;
	f.reason = r->admit == ADMIT_FORBIDDEN ? "forbidden" :
	    auth_fault_name(r->auth_fault);
	f.token_id = r->admit == ADMIT_FORBIDDEN ||
	    r->auth_fault == AUTH_REVOKED || r->auth_fault == AUTH_EXPIRED ?
	    r->who.token_id : NULL;
	f.method = r->method;
	f.route = r->route->pattern;
	db = store_acquire(r->ld->store);
	if (store_auth_failure_insert(db, &f) != STORE_OK) {
		/* Not lost from the count: the next row carries it. */
		pthread_mutex_lock(&af_lock);
		af_suppressed += f.suppressed + 1;
		pthread_mutex_unlock(&af_lock);
		log_warn("auth: could not record the refusal from %s", addr);
	}
	store_release(db);
}

/* The audit line of a refused token: who tried, from where, on what. */
static void
log_auth_failure(struct req *r)
{
	char addr[64];

	(void)req_client_addr(r, addr, sizeof(addr));
	if (r->admit == ADMIT_FORBIDDEN)
		log_warn("auth: token %s (role %s) refused on %s %s from %s",
		    r->who.token_id, role_name(r->who.role), r->method,
		    r->route->pattern, addr);
	else if (r->auth_fault == AUTH_REVOKED ||
	    r->auth_fault == AUTH_EXPIRED)
		log_warn("auth: %s token %s on %s %s from %s",
		    auth_fault_name(r->auth_fault), r->who.token_id, r->method,
		    r->route->pattern, addr);
	else
		log_warn("auth: %s token on %s %s from %s",
		    auth_fault_name(r->auth_fault), r->method,
		    r->route->pattern, addr);
	record_auth_failure(r, addr);
}

/*
 * Judges the request on its method, URL and headers alone: called on the
 * first callback, before a byte of the body is read, so that a client
 * without a valid token, with the wrong role or on no route cannot make
 * labeld hold its body.  Resolves the token into r->who (holding a
 * database connection only meanwhile) and records the verdict in
 * r->admit.  Returns 0 when the request may go on, -1 when
 * router_dispatch will refuse it; queues nothing.
 */
int
router_admit(struct req *r)
{
	int rc;

	assert(r->admit == ADMIT_OK);
	if (r->url_too_long)
		r->admit = ADMIT_URL_TOO_LONG;
	else if (r->path_ctl)
		r->admit = ADMIT_BAD_PATH;
	else if (r->route == NULL)
		r->admit = ADMIT_NO_ROUTE;
	else if (r->route->roles != ROLE_PUBLIC) {
		r->db = store_acquire(r->ld->store);
		rc = auth_resolve(r->db, req_header(r,
		    MHD_HTTP_HEADER_AUTHORIZATION), &r->who, &r->auth_fault);
		store_release(r->db);
		r->db = NULL;
		if (rc == STORE_ERR)
			r->admit = ADMIT_DB_ERROR;
		else if (rc != STORE_OK)
			r->admit = ADMIT_UNAUTHORIZED;
		else if ((r->who.role & r->route->roles) == 0)
			r->admit = ADMIT_FORBIDDEN;
		else
			r->authed = 1;
		if (r->admit == ADMIT_UNAUTHORIZED ||
		    r->admit == ADMIT_FORBIDDEN)
			log_auth_failure(r);
	}
	if (r->admit == ADMIT_OK && r->body_too_large)
		r->admit = ADMIT_TOO_LARGE;
	if (r->admit == ADMIT_OK && (r->retry_after = rate_take(r)) > 0)
		r->admit = ADMIT_RATE_LIMITED;
	return r->admit == ADMIT_OK ? 0 : -1;
}

/* 401 with the reason, which tells a token's holder nothing new. */
static void
unauthorized(struct req *r)
{
	reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
	    "Bearer realm=\"labeld\"");
	switch (r->auth_fault) {
	case AUTH_REVOKED:
		reply_problem(r, MHD_HTTP_UNAUTHORIZED, "unauthorized",
		    "the bearer token was revoked at %s", r->who.revoked_at);
		break;
	case AUTH_EXPIRED:
		reply_problem(r, MHD_HTTP_UNAUTHORIZED, "unauthorized",
		    "the bearer token expired at %s", r->who.expires_at);
		break;
	default:
		reply_problem(r, MHD_HTTP_UNAUTHORIZED, "unauthorized",
		    "a valid bearer token is required (Authorization: "
		    "Bearer ...); the token given is %s",
		    r->auth_fault == AUTH_MISSING ? "missing" :
		    r->auth_fault == AUTH_MALFORMED ? "malformed" : "unknown");
		break;
	}
}

/* Answers the verdict of router_admit. */
static void
refuse(struct req *r)
{
	char retry[16];

	switch (r->admit) {
	case ADMIT_URL_TOO_LONG:
		reply_problem(r, MHD_HTTP_URI_TOO_LONG, "uri-too-long",
		    "the request URL exceeds %d bytes", LABELD_MAX_URL - 1);
		break;
	case ADMIT_BAD_PATH:
		reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-path",
		    "the request path holds a control character (a byte "
		    "0x00-0x1f or 0x7f, also when percent-encoded)");
		break;
	case ADMIT_NO_ROUTE:
		if (r->allow[0] != '\0') {
			reply_header(r, MHD_HTTP_HEADER_ALLOW, r->allow);
			reply_problem(r, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method-not-allowed", "%s is not allowed on %s; "
			    "allowed: %s", r->method, r->path, r->allow);
		} else
			reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
			    "no route for %s %s", r->method, r->path);
		break;
	case ADMIT_DB_ERROR:
		reply_db_error(r);
		break;
	case ADMIT_UNAUTHORIZED:
		unauthorized(r);
		break;
	case ADMIT_FORBIDDEN:
		reply_problem(r, MHD_HTTP_FORBIDDEN, "forbidden",
		    "role %s may not %s %s", role_name(r->who.role),
		    r->method, r->route->pattern);
		break;
	case ADMIT_TOO_LARGE:
		reply_problem(r, MHD_HTTP_CONTENT_TOO_LARGE, "too-large",
		    "the request body exceeds the limit of %zu bytes",
		    r->body_limit);
		break;
	case ADMIT_RATE_LIMITED:
		snprintf(retry, sizeof(retry), "%u", r->retry_after);
		reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, retry);
		reply_problem(r, MHD_HTTP_TOO_MANY_REQUESTS, "rate-limited",
		    "too many requests from this %s: at most %u per second; "
		    "retry after %u s", r->authed ? "token" : "address",
		    r->authed ? r->ld->cfg.rate_limit_write :
		    r->ld->cfg.rate_limit_verify, r->retry_after);
		break;
	case ADMIT_OK:
		/* unreachable: only refused requests come here */
		reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "the server failed to answer this request");
		break;
	}
}

/*
 * Runs an admitted request to its answer, or answers the refusal
 * router_admit recorded.  Every path queues a response; a handler that
 * returns without one is a bug and gets a 500.
 */
void
router_dispatch(struct req *r)
{
	if (r->admit != ADMIT_OK) {
		refuse(r);
		return;
	}
	if (r->body_too_large) {
		/* Chunked, or longer than declared: found while reading. */
		reply_problem(r, MHD_HTTP_CONTENT_TOO_LARGE, "too-large",
		    "the request body exceeds the limit of %zu bytes",
		    r->body_limit);
		return;
	}
	r->db = store_acquire(r->ld->store);
	if (((r->route->flags & ROUTE_JSON) ||
	    ((r->route->flags & ROUTE_JSON_OPT) && r->body_len > 0)) &&
	    parse_json_body(r) == -1)
		goto done;
	/* Dual control: an act of trust becomes a ballot (api_ballots.c). */
	if ((r->route->flags & ROUTE_QUORUM) && r->ld->cfg.quorum > 1)
		(void)api_ballots_propose(r);
	else
		(void)r->route->handler(r);
	if (!r->queued)
		reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "the server failed to answer this request");
done:
	store_release(r->db);
	r->db = NULL;
}
