/*
 * api_submissions_access.c: who may see a submission, its ETag and
 * If-Match, and the answers every submission change shares (stale, wrong
 * state, refused).  Used by api_submissions.c and api_evidence.c.
 *
 * Who sees what: a vendor its own submissions, a lab those assigned to
 * it, a regulator all.  A submission the caller may not see answers 404,
 * exactly as an unknown id (no existence leak); a role the route does not
 * take answers 403 (the router); no token 401.  The admin role administers
 * organisations and takes no part in submissions.
 *
 * Concurrency: every change bumps the submission's revision; the ETag is
 * "r<revision>".  PUT declarations requires If-Match (428 without, 412
 * when stale); the other changes honour If-Match when given.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"

/* The ETag of s, "r<revision>" in quotes, into out. */
void
submissions_etag(const struct submission *s, char out[SUBMISSIONS_ETAG_MAX])
{
	snprintf(out, SUBMISSIONS_ETAG_MAX, "\"r%lld\"",
	    (long long)s->revision);
}

/* Sets the ETag header of the answer to s's. */
int
submissions_set_etag(struct req *r, const struct submission *s)
{
	char etag[SUBMISSIONS_ETAG_MAX];

	submissions_etag(s, etag);
	return reply_header(r, MHD_HTTP_HEADER_ETAG, etag);
}

static int
may_see(const struct principal *who, const struct submission *s)
{
	if (who->role == ROLE_REGULATOR)
		return 1;
	if (who->role == ROLE_VENDOR)
		return strcmp(s->vendor_id, who->org_id) == 0;
	if (who->role == ROLE_LAB)
		return s->lab_id[0] != '\0' &&
		    strcmp(s->lab_id, who->org_id) == 0;
	return 0;
}

/* Loads the submission of the path for the caller, or answers 404. */
int
submissions_load_visible(struct req *r, struct submission *s)
{
	switch (store_submission_get(r->db, r->params[0], s)) {
	case STORE_OK:
		if (may_see(&r->who, s))
			return 0;
		/* FALLTHROUGH */
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no submission %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
}

/* The pinned scheme version of s, or a 500 answer (it cannot vanish). */
const struct scheme *
submissions_scheme(struct req *r, const struct submission *s)
{
	const struct scheme *sc = catalog_get(r->db, s->scheme,
	    s->scheme_version);

	if (sc == NULL)
		reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "scheme %s version %d of submission %s does not load",
		    s->scheme, s->scheme_version, s->id);
	return sc;
}

/*
 * Evaluates If-Match against s: *rev is s->revision when a listed ETag
 * matches, 0 when there is no header and it is optional.  Answers 428
 * (missing and required, or "*" where a revision is required) or 412
 * (no listed ETag is the current one) and returns -1.
 */
int
submissions_if_match(struct req *r, const struct submission *s, int required,
    int64_t *rev)
{
	const char	*h = req_header(r, MHD_HTTP_HEADER_IF_MATCH), *p;
	char		 cur[SUBMISSIONS_ETAG_MAX];

	*rev = 0;
	submissions_etag(s, cur);
	/* A header of separators only names no ETag: as good as absent. */
	if (h != NULL && h[strspn(h, " \t,")] == '\0')
		h = NULL;
	if (h == NULL || h[0] == '\0') {
		if (!required)
			return 0;
		return reply_problem(r, MHD_HTTP_PRECONDITION_REQUIRED,
		    "precondition-required", "this change needs If-Match "
		    "with the ETag from GET /v1/submissions/%s (now %s), so "
		    "that concurrent edits are never lost", s->id, cur);
	}
	for (p = h; *p != '\0'; ) {
		size_t n;

		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n == 1 && *p == '*') {
			if (required)
				return reply_problem(r,
				    MHD_HTTP_PRECONDITION_REQUIRED,
				    "precondition-required", "If-Match: * "
				    "does not protect against lost updates; "
				    "send the ETag from GET (now %s)", cur);
			return 0;
		}
		/* Weak tags never match: If-Match compares strongly. */
		if (n == strlen(cur) && strncmp(p, cur, n) == 0) {
			*rev = s->revision;
			return 0;
		}
		p += n;
	}
	submissions_set_etag(r, s);
	/* An entity tag is quoted: r1 is not "r1", and saying "stale"
	 * would send the client round in circles. */
	if (strchr(h, '"') == NULL)
		return reply_problem(r, MHD_HTTP_PRECONDITION_FAILED, "stale",
		    "If-Match %s is not a quoted entity tag: send the ETag "
		    "exactly as GET /v1/submissions/%s gives it, quotes "
		    "included (now %s)", h, s->id, cur);
	return reply_problem(r, MHD_HTTP_PRECONDITION_FAILED, "stale",
	    "If-Match %s is stale: submission %s is now at %s; GET it again, "
	    "merge your changes and retry", h, s->id, cur);
}

/* 409: what is allowed only in the states named by allowed. */
int
submissions_reply_bad_state(struct req *r, const struct submission *s,
    const char *what, const char *allowed)
{
	return reply_problem(r, MHD_HTTP_CONFLICT, "state-conflict",
	    "%s is allowed only while the submission is %s; submission %s is "
	    "%s", what, allowed, s->id, s->state);
}

/* 422 naming the field and reason of a workflow refusal. */
int
submissions_reply_refused(struct req *r, const struct wf_why *why)
{
	struct valid v;

	valid_init(&v);
	valid_fail(&v, why->field, "%s", why->text);
	return valid_check(r, &v);
}

/* 412: s changed since the caller's If-Match; the answer carries its ETag. */
int
submissions_reply_stale(struct req *r, const struct submission *s)
{
	submissions_set_etag(r, s);
	return reply_problem(r, MHD_HTTP_PRECONDITION_FAILED, "stale",
	    "submission %s changed meanwhile (now at ETag \"r%lld\"); GET it "
	    "again and retry", s->id, (long long)s->revision);
}

/*
 * The answer to a workflow_* result every change shares: 412 when stale,
 * 409 outside the states allowed (what, allowed name them), 404 when the
 * submission is gone or not the caller's to change, else 500.  For
 * STORE_OK and the results a handler answers itself, the caller decides.
 */
int
submissions_reply_change(struct req *r, const struct submission *s, int rc,
    const char *what, const char *allowed)
{
	switch (rc) {
	case STORE_CONFLICT:
		return submissions_reply_stale(r, s);
	case WF_BADSTATE:
		return submissions_reply_bad_state(r, s, what, allowed);
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no submission %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
}
