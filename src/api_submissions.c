/*
 * api_submissions.c: submissions over HTTP: opening, declarations with
 * optimistic concurrency, lab assignment and reports, the assessment,
 * submit, review, decision and the audit trail (evidence: api_evidence.c).
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
#include "assess.h"
#include "scheme.h"

#define SUB_ETAG_MAX		32
#define SUB_MAX_ID		39	/* ids are prefix_ + 16 characters */

static const char *const decl_statuses[] = { "conformant", "not_applicable",
	"non_conformant", NULL };
static const char *const verdicts[] = { "pass", "fail", "not_applicable",
	NULL };
static const char *const decisions[] = { "approve", "reject",
	"request_changes", NULL };

/* ---- answers ---- */

static int
set_etag(struct req *r, const struct submission *s)
{
	char etag[SUB_ETAG_MAX];

	snprintf(etag, sizeof(etag), "\"r%lld\"", (long long)s->revision);
	return reply_header(r, MHD_HTTP_HEADER_ETAG, etag);
}

static json_t *
sub_json(const struct submission *s)
{
	char	 etag[SUB_ETAG_MAX];
	json_t	*o, *d = NULL;

	snprintf(etag, sizeof(etag), "\"r%lld\"", (long long)s->revision);
	if (s->decision[0] != '\0')
		d = json_pack("{s:s, s:s, s:s, s:s}", "decision", s->decision,
		    "reason", s->decision_reason, "at", s->decided_at, "by",
		    s->decided_by);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s?, s:I, "
	    "s:s, s:s?, s:s?, s:s, s:s}",
	    "id", s->id, "vendor_id", s->vendor_id, "product_id",
	    s->product_id, "product_version", s->product_version, "scheme",
	    s->scheme, "scheme_version", s->scheme_version, "target_tier",
	    s->target_tier, "state", s->state, "lab_id",
	    s->lab_id[0] ? s->lab_id : NULL, "revision",
	    (json_int_t)s->revision, "etag", etag, "label_id",
	    s->label_id[0] ? s->label_id : NULL, "submitted_at",
	    s->submitted_at[0] ? s->submitted_at : NULL, "created_at",
	    s->created_at, "updated_at", s->updated_at);
	if (o == NULL) {
		json_decref(d);
		return NULL;
	}
	json_object_set_new(o, "approved_tier", s->approved_tier > 0 ?
	    json_integer(s->approved_tier) : json_null());
	json_object_set_new(o, "decision", d != NULL ? d : json_null());
	return o;
}

/* Rows gathered into an array; failed once one could not be built. */
struct collect {
	json_t	*items;
	int	 failed;
};

static int
collect_add(struct collect *c, json_t *item)
{
	if (item == NULL || json_array_append_new(c->items, item) == -1) {
		c->failed = 1;
		return -1;
	}
	return 0;
}

static int
decl_cb(const struct declaration *d, void *arg)
{
	return collect_add(arg, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}",
	    "requirement", d->requirement, "status", d->status,
	    "justification", d->justification, "evidence",
	    workflow_digests_json(d->evidence), "updated_at", d->updated_at,
	    "updated_by", d->updated_by));
}

static int
result_cb(const struct lab_result *x, void *arg)
{
	return collect_add(arg, json_pack("{s:s, s:s, s:s}", "requirement",
	    x->requirement, "verdict", x->verdict, "notes", x->notes));
}

/* The verdicts of one lab report, or NULL. */
static json_t *
report_results(struct db *db, const char *report_id)
{
	struct collect c = { json_array(), 0 };

	if (c.items == NULL || store_lab_result_list(db, report_id, result_cb,
	    &c) != STORE_OK || c.failed) {
		json_decref(c.items);
		return NULL;
	}
	return c.items;
}

static json_t *
report_json(const struct lab_report *p, json_t *results)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:o}", "id", p->id,
	    "submission_id", p->submission_id, "lab_id", p->lab_id, "tier",
	    p->tier, "report_sha256", p->report_sha256, "created_at",
	    p->created_at, "results", results ? results : json_array());
}

struct reports_walk {
	struct db		*db;
	const struct submission	*sub;
	json_t			*items;
	int			 failed;
};

static int
report_cb(const struct lab_report *p, void *arg)
{
	struct reports_walk	*w = arg;
	json_t			*results, *o;

	if ((results = report_results(w->db, p->id)) == NULL) {
		w->failed = 1;
		return -1;
	}
	if ((o = report_json(p, results)) == NULL) {
		w->failed = 1;
		return -1;
	}
	json_object_set_new(o, "current", json_false());
	return json_array_append_new(w->items, o);
}

/*
 * Marks the reports that count now: per tier, the latest one of the lab
 * assigned now (as store_lab_results_current picks them).
 */
static void
mark_current(json_t *reports, const char *lab_id)
{
	size_t		 i;
	json_t		*rep;
	json_t		*latest[LABELD_SCHEME_MAX_TIERS + 1] = { NULL };

	json_array_foreach(reports, i, rep) {
		json_int_t t = json_integer_value(json_object_get(rep, "tier"));

		if (t >= 1 && t <= LABELD_SCHEME_MAX_TIERS &&
		    strcmp(json_string_value(json_object_get(rep, "lab_id")),
		    lab_id) == 0)
			latest[t] = rep;
	}
	for (int t = 1; t <= LABELD_SCHEME_MAX_TIERS; t++)
		if (latest[t] != NULL)
			json_object_set_new(latest[t], "current", json_true());
}

/* The submission with its declarations and lab reports; NULL on failure. */
static json_t *
sub_full_json(struct db *db, const struct submission *s)
{
	struct reports_walk	 w;
	struct collect		 decls = { json_array(), 0 };
	json_t			*o = sub_json(s);

	memset(&w, 0, sizeof(w));
	w.db = db;
	w.sub = s;
	w.items = json_array();
	if (o == NULL || decls.items == NULL || w.items == NULL ||
	    store_declaration_list(db, s->id, decl_cb, &decls) != STORE_OK ||
	    decls.failed ||
	    store_lab_report_list(db, s->id, report_cb, &w) != STORE_OK ||
	    w.failed)
		goto fail;
	mark_current(w.items, s->lab_id);
	json_object_set_new(o, "declarations", decls.items);
	json_object_set_new(o, "lab_reports", w.items);
	return o;
fail:
	json_decref(o);
	json_decref(decls.items);
	json_decref(w.items);
	return NULL;
}

/* Answers the submission in full with its ETag. */
static int
reply_sub(struct req *r, unsigned status, const struct submission *s)
{
	json_t *o;

	if ((o = sub_full_json(r->db, s)) == NULL)
		return reply_db_error(r);
	set_etag(r, s);
	return reply_json(r, status, o);
}

/* ---- checks shared by the handlers ---- */

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
static const struct scheme *
sub_scheme(struct req *r, const struct submission *s)
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
static int
if_match(struct req *r, const struct submission *s, int required,
    int64_t *rev)
{
	const char	*h = req_header(r, MHD_HTTP_HEADER_IF_MATCH), *p;
	char		 cur[SUB_ETAG_MAX];

	*rev = 0;
	snprintf(cur, sizeof(cur), "\"r%lld\"", (long long)s->revision);
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
	set_etag(r, s);
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
static int
reply_refused(struct req *r, const struct wf_why *why)
{
	struct valid v;

	valid_init(&v);
	valid_fail(&v, why->field, "%s", why->text);
	return valid_check(r, &v);
}

static int
reply_stale(struct req *r, const struct submission *s)
{
	set_etag(r, s);
	return reply_problem(r, MHD_HTTP_PRECONDITION_FAILED, "stale",
	    "submission %s changed meanwhile (now at ETag \"r%lld\"); GET it "
	    "again and retry", s->id, (long long)s->revision);
}

/* ---- POST /v1/submissions ---- */

static int
sub_create(struct req *r)
{
	struct valid		 v;
	struct submission	 s;
	struct product		 p;
	struct product_version	 pv;
	const struct scheme	*sc = NULL;
	const char		*pid, *ver, *scheme;
	char			 day[11], loc[96];
	json_int_t		 tier = 0;
	int			 have_tier, rc, cur = 0, product_ok = 0;

	memset(&pv, 0, sizeof(pv));
	valid_init(&v);
	pid = valid_string(&v, r->json, "product_id", 1, SUB_MAX_ID);
	ver = valid_string(&v, r->json, "product_version", 1,
	    LABELD_MAX_VERSION);
	scheme = valid_string(&v, r->json, "scheme", 1,
	    LABELD_SCHEME_MAX_ID_LEN);
	have_tier = valid_int(&v, r->json, "target_tier", 1, 1,
	    LABELD_SCHEME_MAX_TIERS, &tier);
	store_today(day);
	if (pid != NULL) {
		rc = store_product_get(r->db, pid, &p);
		if (rc == STORE_ERR)
			goto dberr;
		/* Another vendor's product is as unknown as a missing one. */
		if (rc == STORE_NOTFOUND ||
		    strcmp(p.vendor_id, r->who.org_id) != 0)
			valid_fail(&v, "product_id", "no product %s among your "
			    "products", pid);
		else if (strcmp(p.support_until, day) < 0)
			valid_fail(&v, "product_id", "the support period of "
			    "product %s ended on %s: a label cannot outlast "
			    "it; extend support_until first", pid,
			    p.support_until);
		else
			product_ok = 1;
	}
	if (product_ok && ver != NULL) {
		rc = store_product_version_get(r->db, pid, ver, &pv);
		if (rc == STORE_ERR)
			goto dberr;
		if (rc == STORE_NOTFOUND) {
			valid_fail(&v, "product_version", "product %s has no "
			    "version \"%s\": register it first with POST "
			    "/v1/products/%s/versions", pid, ver, pid);
			product_ok = 0;
		}
	}
	if (scheme != NULL) {
		if ((cur = catalog_current_version(r->db, scheme)) == 0 ||
		    (sc = catalog_get(r->db, scheme, cur)) == NULL)
			valid_fail(&v, "scheme", "no scheme \"%s\" is published "
			    "(GET /v1/schemes lists them)", scheme);
	}
	if (sc != NULL && have_tier && tier > scheme_ntiers(sc))
		valid_fail(&v, "target_tier", "scheme %s version %d has tiers "
		    "1 to %d, not %lld", scheme, cur, scheme_ntiers(sc),
		    (long long)tier);
	else if (sc != NULL && have_tier && product_ok && ver != NULL &&
	    scheme_sbom_from_tier(sc) > 0 &&
	    tier >= scheme_sbom_from_tier(sc) && pv.sbom_sha256[0] == '\0')
		valid_fail(&v, "product_version", "version \"%s\" has no SBOM; "
		    "scheme %s needs one from tier %d: register a version "
		    "with its CycloneDX SBOM", ver, scheme,
		    scheme_sbom_from_tier(sc));
	if (valid_check(r, &v) == -1)
		return -1;

	memset(&s, 0, sizeof(s));
	snprintf(s.vendor_id, sizeof(s.vendor_id), "%s", r->who.org_id);
	snprintf(s.product_id, sizeof(s.product_id), "%s", pid);
	snprintf(s.product_version, sizeof(s.product_version), "%s", ver);
	snprintf(s.scheme, sizeof(s.scheme), "%s", scheme);
	s.scheme_version = cur;
	s.target_tier = (int)tier;
	if (workflow_open(r->db, &r->who, &s) != STORE_OK)
		return reply_db_error(r);
	snprintf(loc, sizeof(loc), "/v1/submissions/%s", s.id);
	reply_header(r, MHD_HTTP_HEADER_LOCATION, loc);
	return reply_sub(r, MHD_HTTP_CREATED, &s);
dberr:
	json_decref(v.errors);
	return reply_db_error(r);
}

/* ---- GET /v1/submissions ---- */

static int
list_cb(const struct submission *s, void *arg)
{
	return page_add(arg, sub_json(s), s->seq);
}

static int
sub_list(struct req *r)
{
	struct submission_filter f;
	struct page	 pg;
	enum wf_state	 st;
	const char	*tier = req_query(r, "tier");
	int64_t		 after;
	int		 limit;

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	memset(&f, 0, sizeof(f));
	f.state = req_query(r, "state");
	f.scheme = req_query(r, "scheme");
	if ((f.product_id = req_query(r, "product")) == NULL)
		f.product_id = req_query(r, "product_id");
	if (f.state != NULL && workflow_state_parse(f.state, &st) == -1)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "state: expected draft, submitted, under_review, "
		    "changes_requested, approved or rejected, got \"%s\"",
		    f.state);
	if (tier != NULL) {
		if (strlen(tier) != 1 || tier[0] < '1' ||
		    tier[0] > '0' + LABELD_SCHEME_MAX_TIERS)
			return reply_problem(r, MHD_HTTP_BAD_REQUEST,
			    "bad-query", "tier: expected a tier from 1 to %d, "
			    "got \"%s\"", LABELD_SCHEME_MAX_TIERS, tier);
		f.tier = tier[0] - '0';
	}
	if (r->who.role == ROLE_VENDOR)
		f.vendor_id = r->who.org_id;
	else if (r->who.role == ROLE_LAB)
		f.lab_id = r->who.org_id;
	page_init(&pg, limit);
	return page_finish(r, &pg, store_submission_list(r->db, &f, after,
	    limit + 1, list_cb, &pg));
}

/* ---- GET /v1/submissions/{id} ---- */

static int
sub_get(struct req *r)
{
	struct submission s;

	if (submissions_load_visible(r, &s) == -1)
		return -1;
	return reply_sub(r, MHD_HTTP_OK, &s);
}

/* ---- PUT /v1/submissions/{id}/declarations ---- */

struct decl_items {
	struct declaration	*d;
	char			**evidence;	/* joined digests per item */
	size_t			 n;
};

static void
decl_items_free(struct decl_items *it)
{
	for (size_t i = 0; it->evidence != NULL && i < it->n; i++)
		free(it->evidence[i]);
	free(it->evidence);
	free(it->d);
}

/*
 * Validates one item's evidence list: digests of files uploaded to this
 * submission, no repeats.  Returns the digests joined by spaces
 * (malloc'd; "" for none), or NULL on a database or memory failure.
 */
static char *
decl_evidence(struct req *r, struct valid *v, const struct submission *s,
    const json_t *item, int *dberr)
{
	const json_t	*ev = json_object_get(item, "evidence");
	json_t		*x;
	struct evidence	 e;
	char		*out, field[32];
	size_t		 i, o = 0;

	if (ev == NULL || json_is_null(ev))
		return strdup("");
	if (!json_is_array(ev)) {
		valid_fail(v, "evidence", "must be an array of SHA-256 hex "
		    "digests");
		return strdup("");
	}
	if (json_array_size(ev) > LABELD_MAX_DECL_EVIDENCE) {
		valid_fail(v, "evidence", "must list at most %d digests, not "
		    "%zu", LABELD_MAX_DECL_EVIDENCE, json_array_size(ev));
		return strdup("");
	}
	if ((out = malloc(json_array_size(ev) * 65 + 1)) == NULL)
		return NULL;
	out[0] = '\0';
	json_array_foreach(ev, i, x) {
		const char *h = json_string_value(x);

		snprintf(field, sizeof(field), "evidence[%zu]", i);
		if (h == NULL || !valid_is_sha256(h)) {
			valid_fail(v, field, "must be a SHA-256 digest in 64 "
			    "lowercase hex digits");
			continue;
		}
		if (strstr(out, h) != NULL) {
			valid_fail(v, field, "%s is listed twice", h);
			continue;
		}
		switch (store_evidence_get(r->db, s->id, h, &e)) {
		case STORE_OK:
			break;
		case STORE_NOTFOUND:
			valid_fail(v, field, "%s was not uploaded to this "
			    "submission: POST /v1/submissions/%s/evidence "
			    "first", h, s->id);
			continue;
		default:
			*dberr = 1;
			free(out);
			return NULL;
		}
		o += (size_t)snprintf(out + o, 66, "%s%s", o ? " " : "", h);
	}
	return out;
}

/* Validates the items of a declarations request into it (422 on faults). */
static int
decl_validate(struct req *r, const struct submission *s,
    const struct scheme *sc, struct decl_items *it)
{
	struct valid	 v;
	const json_t	*items = json_object_get(r->json, "items");
	json_t		*item;
	size_t		 i;
	int		 dberr = 0;

	valid_init(&v);
	if (items == NULL || !json_is_array(items)) {
		valid_fail(&v, "items", items == NULL ? "is required" :
		    "must be an array of declarations");
		return valid_check(r, &v);
	}
	if (json_array_size(items) == 0 ||
	    json_array_size(items) > LABELD_MAX_ITEMS) {
		valid_fail(&v, "items", "must hold 1 to %d declarations, not "
		    "%zu", LABELD_MAX_ITEMS, json_array_size(items));
		return valid_check(r, &v);
	}
	it->n = json_array_size(items);
	if ((it->d = calloc(it->n, sizeof(*it->d))) == NULL ||
	    (it->evidence = calloc(it->n, sizeof(*it->evidence))) == NULL) {
		json_decref(v.errors);
		return reply_oom(r);
	}
	json_array_foreach(items, i, item) {
		const char *req;

		snprintf(v.prefix, sizeof(v.prefix), "items[%zu].", i);
		if (!json_is_object(item)) {
			v.prefix[0] = '\0';
			valid_fail(&v, "items", "item %zu must be an object", i);
			it->evidence[i] = strdup("");
			continue;
		}
		req = valid_string(&v, item, "requirement", 1,
		    LABELD_SCHEME_MAX_ID_LEN);
		if (req != NULL && !scheme_has_requirement(sc, req)) {
			valid_fail(&v, "requirement", "unknown requirement "
			    "\"%s\" in scheme %s version %d", req, s->scheme,
			    s->scheme_version);
			req = NULL;
		}
		for (size_t j = 0; req != NULL && j < i; j++)
			if (it->d[j].requirement != NULL &&
			    strcmp(it->d[j].requirement, req) == 0) {
				valid_fail(&v, "requirement", "\"%s\" is "
				    "declared twice (also items[%zu])", req, j);
				req = NULL;
			}
		it->d[i].requirement = req;
		it->d[i].status = valid_enum(&v, item, "status", 1,
		    decl_statuses);
		it->d[i].justification = valid_string(&v, item,
		    "justification", 0, LABELD_MAX_TEXT);
		if (it->d[i].justification == NULL)
			it->d[i].justification = "";
		it->evidence[i] = decl_evidence(r, &v, s, item, &dberr);
		if (it->evidence[i] == NULL) {
			json_decref(v.errors);
			return dberr ? reply_db_error(r) : reply_oom(r);
		}
		it->d[i].evidence = it->evidence[i];
	}
	return valid_check(r, &v);
}

static int
sub_declare(struct req *r)
{
	struct submission	 s;
	struct decl_items	 it;
	const struct scheme	*sc;
	int64_t			 rev;
	int			 rc;

	if (submissions_load_visible(r, &s) == -1 || if_match(r, &s, 1, &rev) == -1)
		return -1;
	if (!workflow_may_declare(workflow_state_of(&s)))
		return submissions_reply_bad_state(r, &s, "changing declarations",
		    "draft or changes_requested");
	if ((sc = sub_scheme(r, &s)) == NULL)
		return -1;
	memset(&it, 0, sizeof(it));
	if (decl_validate(r, &s, sc, &it) == -1) {
		decl_items_free(&it);
		return -1;
	}
	rc = workflow_declare(r->db, &r->who, &s, rev, it.d, it.n);
	decl_items_free(&it);
	switch (rc) {
	case STORE_OK:
		return reply_sub(r, MHD_HTTP_OK, &s);
	case STORE_CONFLICT:
		return reply_stale(r, &s);
	case WF_BADSTATE:
		return submissions_reply_bad_state(r, &s, "changing declarations",
		    "draft or changes_requested");
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no submission %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
}

/*
 * Both the regulator and the vendor may assign the lab: the vendor
 * chooses and pays its lab in practice, the regulator can step in.  The
 * vendor only while it holds the submission (draft, changes_requested),
 * the regulator until the decision (workflow_may_assign_lab).
 */
static int
sub_assign_lab(struct req *r)
{
	struct submission	 s;
	struct valid		 v;
	struct wf_why		 why;
	const char		*lab;
	int64_t			 rev;

	if (submissions_load_visible(r, &s) == -1 || if_match(r, &s, 0, &rev) == -1)
		return -1;
	if (!workflow_may_assign_lab(workflow_state_of(&s), r->who.role))
		return submissions_reply_bad_state(r, &s, "assigning a lab",
		    r->who.role == ROLE_VENDOR ? "draft or changes_requested "
		    "(for the vendor)" : "not yet decided");
	if (sub_scheme(r, &s) == NULL)
		return -1;
	valid_init(&v);
	lab = valid_string(&v, r->json, "lab_id", 1, SUB_MAX_ID);
	if (valid_check(r, &v) == -1)
		return -1;
	switch (workflow_assign_lab(r->db, &r->who, &s, rev, lab, &why)) {
	case STORE_OK:
		return reply_sub(r, MHD_HTTP_OK, &s);
	case WF_LAB_REFUSED:
		return reply_refused(r, &why);
	case STORE_CONFLICT:
		return reply_stale(r, &s);
	case WF_BADSTATE:
		return submissions_reply_bad_state(r, &s, "assigning a lab",
		    "not yet decided");
	default:
		return reply_db_error(r);
	}
}

/* ---- POST /v1/submissions/{id}/lab-reports ---- */

struct report_items {
	struct lab_result	*res;
	size_t			 n;
};

/*
 * Validates tier, results and report_sha256 against the scheme (the lab's
 * approval is the workflow's rule: workflow_file_report).
 */
static int
report_validate(struct req *r, const struct submission *s,
    const struct scheme *sc, struct lab_report *rep, struct report_items *it)
{
	struct valid	 v;
	const json_t	*results;
	json_t		*x;
	json_int_t	 tier = 0;
	const char	*digest;
	size_t		 i;
	int		 have_tier;

	valid_init(&v);
	have_tier = valid_int(&v, r->json, "tier", 1, 1, scheme_ntiers(sc),
	    &tier);
	if (have_tier && scheme_tier_is_third_party(sc, (int)tier) != 1) {
		valid_fail(&v, "tier", "tier %lld of scheme %s is "
		    "self-declared; lab reports are for its third_party "
		    "tiers", (long long)tier, s->scheme);
		have_tier = 0;
	}
	digest = valid_string(&v, r->json, "report_sha256", 1, 64);
	if (digest != NULL && !valid_is_sha256(digest))
		valid_fail(&v, "report_sha256", "must be the report's SHA-256 "
		    "in 64 lowercase hex digits");
	results = json_object_get(r->json, "results");
	if (results == NULL || !json_is_array(results) ||
	    json_array_size(results) == 0 ||
	    json_array_size(results) > LABELD_MAX_ITEMS) {
		valid_fail(&v, "results", "must be an array of 1 to %d "
		    "verdicts", LABELD_MAX_ITEMS);
		return valid_check(r, &v);
	}
	it->n = json_array_size(results);
	if ((it->res = calloc(it->n, sizeof(*it->res))) == NULL) {
		json_decref(v.errors);
		return reply_oom(r);
	}
	json_array_foreach(results, i, x) {
		const char	*req;
		int		 rt;

		snprintf(v.prefix, sizeof(v.prefix), "results[%zu].", i);
		if (!json_is_object(x)) {
			v.prefix[0] = '\0';
			valid_fail(&v, "results", "item %zu must be an object",
			    i);
			continue;
		}
		req = valid_string(&v, x, "requirement", 1,
		    LABELD_SCHEME_MAX_ID_LEN);
		if (req != NULL && !scheme_has_requirement(sc, req)) {
			valid_fail(&v, "requirement", "unknown requirement "
			    "\"%s\" in scheme %s version %d", req, s->scheme,
			    s->scheme_version);
			req = NULL;
		} else if (req != NULL &&
		    scheme_requirement_third_party(sc, req) != 1) {
			valid_fail(&v, "requirement", "\"%s\" is "
			    "self-declared by the vendor; a lab report gives "
			    "verdicts on third_party requirements", req);
			req = NULL;
		} else if (req != NULL && have_tier &&
		    (rt = scheme_requirement_tier(sc, req)) > tier) {
			valid_fail(&v, "requirement", "\"%s\" belongs to tier "
			    "%d, beyond this tier %lld report", req, rt,
			    (long long)tier);
			req = NULL;
		}
		for (size_t j = 0; req != NULL && j < i; j++)
			if (it->res[j].requirement != NULL &&
			    strcmp(it->res[j].requirement, req) == 0) {
				valid_fail(&v, "requirement", "\"%s\" has a "
				    "verdict already (results[%zu])", req, j);
				req = NULL;
			}
		it->res[i].requirement = req;
		it->res[i].verdict = valid_enum(&v, x, "verdict", 1, verdicts);
		it->res[i].notes = valid_string(&v, x, "notes", 0,
		    LABELD_MAX_TEXT);
		if (it->res[i].notes == NULL)
			it->res[i].notes = "";
	}
	if (valid_check(r, &v) == -1)
		return -1;
	rep->tier = (int)tier;
	snprintf(rep->report_sha256, sizeof(rep->report_sha256), "%s", digest);
	return 0;
}

static int
sub_lab_report(struct req *r)
{
	struct submission	 s;
	struct lab_report	 rep;
	struct report_items	 it;
	struct wf_why		 why;
	const struct scheme	*sc;
	json_t			*results;
	int64_t			 rev;
	int			 rc;

	/* An unassigned lab cannot see the submission: 404 as for anyone. */
	if (submissions_load_visible(r, &s) == -1 || if_match(r, &s, 0, &rev) == -1)
		return -1;
	if (!workflow_may_report(workflow_state_of(&s)))
		return submissions_reply_bad_state(r, &s, "filing a lab report",
		    "not yet decided");
	if ((sc = sub_scheme(r, &s)) == NULL)
		return -1;
	memset(&rep, 0, sizeof(rep));
	memset(&it, 0, sizeof(it));
	if (report_validate(r, &s, sc, &rep, &it) == -1) {
		free(it.res);
		return -1;
	}
	rc = workflow_file_report(r->db, &r->who, &s, rev, &rep, it.res, it.n,
	    &why);
	free(it.res);
	switch (rc) {
	case STORE_OK:
		break;
	case WF_LAB_UNAPPROVED:
		return reply_problem(r, MHD_HTTP_FORBIDDEN, "lab-not-approved",
		    "%s", why.text);
	case WF_LAB_REFUSED:
		return reply_refused(r, &why);
	case STORE_CONFLICT:
		return reply_stale(r, &s);
	case WF_BADSTATE:
		return submissions_reply_bad_state(r, &s, "filing a lab report",
		    "not yet decided");
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no submission %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
	if ((results = report_results(r->db, rep.id)) == NULL)
		return reply_db_error(r);
	set_etag(r, &s);
	return reply_json(r, MHD_HTTP_CREATED, report_json(&rep, results));
}

/* ---- GET /v1/submissions/{id}/assessment ---- */

static int
sub_assessment(struct req *r)
{
	struct submission	 s;
	struct assess_result	*res;
	const struct scheme	*sc;
	json_t			*doc;
	char			 err[512];

	if (submissions_load_visible(r, &s) == -1 || (sc = sub_scheme(r, &s)) == NULL)
		return -1;
	if ((res = workflow_assess(r->db, &s, sc, err, sizeof(err))) == NULL)
		return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "the assessment failed: %s", err);
	doc = assess_to_json(res);
	if (doc != NULL) {
		json_object_set_new(doc, "submission_id", json_string(s.id));
		json_object_set_new(doc, "target_tier",
		    json_integer(s.target_tier));
		json_object_set_new(doc, "target_met", json_boolean(
		    assess_tier_satisfied(res, s.target_tier) == 1));
	}
	assess_free(res);
	set_etag(r, &s);
	return reply_json(r, MHD_HTTP_OK, doc);
}

/* ---- POST submit, review, decision ---- */

static int
sub_submit(struct req *r)
{
	struct submission	 s;
	json_t			*gaps;
	int64_t			 rev;
	int			 achieved, target;

	if (submissions_load_visible(r, &s) == -1 || if_match(r, &s, 0, &rev) == -1)
		return -1;
	switch (workflow_submit(r->db, &r->who, &s, rev, &gaps, &achieved)) {
	case STORE_OK:
		return reply_sub(r, MHD_HTTP_OK, &s);
	case WF_UNMET:
		target = s.target_tier;
		return reply_problem_extra(r, MHD_HTTP_CONFLICT, "target-not-met",
		    json_pack("{s:i, s:i, s:o}", "target_tier", target,
		    "achieved_tier", achieved, "gaps", gaps),
		    "the submission does not meet its target tier %d (it "
		    "achieves %d): %zu gaps to close, listed in gaps", target,
		    achieved, json_array_size(gaps));
	case WF_BADSTATE:
		return submissions_reply_bad_state(r, &s, "submit",
		    "draft or changes_requested");
	case STORE_CONFLICT:
		return reply_stale(r, &s);
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no submission %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
}

/*
 * A submission enters under_review by this explicit regulator action
 * (a GET never changes state).  It is optional: the decision takes
 * submitted and under_review alike.
 */
static int
sub_review(struct req *r)
{
	struct submission	 s;
	int64_t			 rev;

	if (submissions_load_visible(r, &s) == -1 || if_match(r, &s, 0, &rev) == -1)
		return -1;
	switch (workflow_review(r->db, &r->who, &s, rev)) {
	case STORE_OK:
		return reply_sub(r, MHD_HTTP_OK, &s);
	case WF_BADSTATE:
		return submissions_reply_bad_state(r, &s, "starting a review", "submitted");
	case STORE_CONFLICT:
		return reply_stale(r, &s);
	default:
		return reply_db_error(r);
	}
}

static int
sub_decision(struct req *r)
{
	struct submission	 s;
	struct valid		 v;
	enum wf_action		 action = WF_NACTIONS;
	const char		*dec, *reason;
	json_int_t		 tier = 0;
	struct wf_why		 why;
	int64_t			 rev;
	int			 achieved;
	json_t			*o;

	if (submissions_load_visible(r, &s) == -1 || if_match(r, &s, 0, &rev) == -1)
		return -1;
	valid_init(&v);
	dec = valid_enum(&v, r->json, "decision", 1, decisions);
	reason = valid_string(&v, r->json, "reason", 1, LABELD_MAX_TEXT);
	if (reason != NULL && reason[strspn(reason, " \t\n")] == '\0') {
		valid_fail(&v, "reason", "must say why: blank is no reason");
		reason = NULL;
	}
	if (dec != NULL)
		(void)workflow_action_parse(dec, &action);
	(void)valid_int(&v, r->json, "tier", action == WF_APPROVE, 1,
	    LABELD_SCHEME_MAX_TIERS, &tier);
	if (valid_check(r, &v) == -1)
		return -1;
	switch (workflow_decide(r->db, &r->ld->cfg, &r->who, &s, rev, action,
	    (int)tier, reason, &achieved, &why)) {
	case STORE_OK:
		break;
	case KEYS_NOKEY:
		return reply_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no-signing-key", "no label can be signed now (no active "
		    "signing key, or it cannot be unsealed); nothing was "
		    "decided");
	case WF_ABOVE_TARGET:
		return reply_problem_extra(r, MHD_HTTP_CONFLICT,
		    "tier-above-target", json_pack("{s:i, s:i}", "tier",
		    (int)tier, "target_tier", s.target_tier), "%s", why.text);
	case WF_ABOVE:
		return reply_problem_extra(r, MHD_HTTP_CONFLICT,
		    "tier-not-achieved", json_pack("{s:i, s:i}", "tier",
		    (int)tier, "achieved_tier", achieved), "%s", why.text);
	case WF_SUPPORT_ENDED:
		return reply_problem(r, MHD_HTTP_CONFLICT, "support-ended",
		    "%s", why.text);
	case WF_BADSTATE:
		return submissions_reply_bad_state(r, &s, "a decision",
		    "submitted or under_review");
	case STORE_CONFLICT:
		return reply_stale(r, &s);
	default:
		return reply_db_error(r);
	}
	if ((o = sub_full_json(r->db, &s)) == NULL)
		return reply_db_error(r);
	/* An approval answers with the label it issued, as served later. */
	if (s.label_id[0] != '\0') {
		char	*cred;
		size_t	 len;

		if (store_label_credential(r->db, s.label_id, &cred, &len) !=
		    STORE_OK) {
			json_decref(o);
			return reply_db_error(r);
		}
		json_object_set_new(o, "label", json_loadb(cred, len, 0, NULL));
		free(cred);
	}
	set_etag(r, &s);
	return reply_json(r, MHD_HTTP_OK, o);
}

/* ---- GET /v1/submissions/{id}/events ---- */

static int
event_cb(const struct sub_event *e, void *arg)
{
	json_t *o, *detail = NULL;

	if (e->detail[0] != '\0')
		detail = json_loads(e->detail, 0, NULL);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, "
	    "s:o?}", "seq", (json_int_t)e->seq, "at", e->at, "action",
	    e->action, "org_id", e->org_id, "role", e->role, "token_id",
	    e->token_id, "from_state", e->from_state[0] ? e->from_state : NULL,
	    "to_state", e->to_state[0] ? e->to_state : NULL, "reason",
	    e->reason[0] ? e->reason : NULL, "detail", detail);
	return page_add(arg, o, e->seq);
}

static int
sub_events(struct req *r)
{
	struct submission	 s;
	struct page		 pg;
	int64_t			 after;
	int			 limit;

	if (submissions_load_visible(r, &s) == -1 || page_parse(r, &after, &limit) == -1)
		return -1;
	page_init(&pg, limit);
	return page_finish(r, &pg, store_sub_event_list(r->db, s.id, after,
	    limit + 1, event_cb, &pg));
}

const struct route api_submissions_routes[] = {
	{ "POST", "/v1/submissions", ROLE_VENDOR, ROUTE_JSON, sub_create },
	{ "GET", "/v1/submissions", ROLES_VIEW, 0, sub_list },
	{ "GET", "/v1/submissions/{id}", ROLES_VIEW, 0, sub_get },
	{ "PUT", "/v1/submissions/{id}/declarations", ROLE_VENDOR, ROUTE_JSON,
	    sub_declare },
	{ "PUT", "/v1/submissions/{id}/lab", ROLE_VENDOR | ROLE_REGULATOR,
	    ROUTE_JSON, sub_assign_lab },
	{ "POST", "/v1/submissions/{id}/lab-reports", ROLE_LAB, ROUTE_JSON,
	    sub_lab_report },
	{ "GET", "/v1/submissions/{id}/assessment", ROLES_VIEW, 0,
	    sub_assessment },
	{ "POST", "/v1/submissions/{id}/submit", ROLE_VENDOR, 0, sub_submit },
	{ "POST", "/v1/submissions/{id}/review", ROLE_REGULATOR, 0,
	    sub_review },
	{ "POST", "/v1/submissions/{id}/decision", ROLE_REGULATOR, ROUTE_JSON,
	    sub_decision },
	{ "GET", "/v1/submissions/{id}/events", ROLES_VIEW, 0, sub_events },
	{ NULL, NULL, 0, 0, NULL }
};
