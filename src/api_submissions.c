/*
 * api_submissions.c: the submission routes: opening, listing, reading,
 * declarations, lab assignment and reports, the assessment, submit,
 * review, decision and the audit trail.  Each handler loads what the
 * caller may see (api_submissions_access.c), checks the body
 * (api_submissions_check.c), lets the workflow decide inside its
 * transaction (workflow_change.c) and answers (api_submissions_view.c).
 * Evidence: api_evidence.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "assess.h"
#include "scheme.h"
#define SUB_MAX_ID		39	/* ids are prefix_ + 16 characters */

static const char *const decisions[] = { "approve", "reject",
	"request_changes", NULL };

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
	return submissions_reply(r, MHD_HTTP_CREATED, &s);
dberr:
	json_decref(v.errors);
	return reply_db_error(r);
}

/* ---- GET /v1/submissions ---- */

static int
list_cb(const struct submission *s, void *arg)
{
	return page_add(arg, submissions_json(s), s->seq);
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
		    "changes_requested, approved, rejected or withdrawn, got "
		    "\"%s\"",
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
	return submissions_reply(r, MHD_HTTP_OK, &s);
}


static int
sub_declare(struct req *r)
{
	struct submission	 s;
	struct sub_decl_items	 it;
	const struct scheme	*sc;
	int64_t			 rev;
	int			 rc;

	if (submissions_load_visible(r, &s) == -1 ||
	    submissions_if_match(r, &s, 1, &rev) == -1)
		return -1;
	if (!workflow_may_declare(workflow_state_of(&s)))
		return submissions_reply_bad_state(r, &s, "changing declarations",
		    "draft or changes_requested");
	if ((sc = submissions_scheme(r, &s)) == NULL)
		return -1;
	memset(&it, 0, sizeof(it));
	if (submissions_check_declarations(r, &s, sc, &it) == -1) {
		submissions_decl_free(&it);
		return -1;
	}
	rc = workflow_declare(r->db, &r->who, &s, rev, it.d, it.n);
	submissions_decl_free(&it);
	switch (rc) {
	case STORE_OK:
		return submissions_reply(r, MHD_HTTP_OK, &s);
	default:
		return submissions_reply_change(r, &s, rc,
		    "changing declarations", "draft or changes_requested");
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
	int			 rc;

	if (submissions_load_visible(r, &s) == -1 ||
	    submissions_if_match(r, &s, 0, &rev) == -1)
		return -1;
	if (!workflow_may_assign_lab(workflow_state_of(&s), r->who.role))
		return submissions_reply_bad_state(r, &s, "assigning a lab",
		    r->who.role == ROLE_VENDOR ? "draft or changes_requested "
		    "(for the vendor)" : "not yet decided");
	if (submissions_scheme(r, &s) == NULL)
		return -1;
	valid_init(&v);
	lab = valid_string(&v, r->json, "lab_id", 1, SUB_MAX_ID);
	if (valid_check(r, &v) == -1)
		return -1;
	switch ((rc = workflow_assign_lab(r->db, &r->who, &s, rev, lab,
	    &why))) {
	case STORE_OK:
		return submissions_reply(r, MHD_HTTP_OK, &s);
	case WF_LAB_REFUSED:
		return submissions_reply_refused(r, &why);
	case WF_LAB_LOCKED:
		return reply_problem(r, MHD_HTTP_CONFLICT, "lab-locked", "%s",
		    why.text);
	default:
		return submissions_reply_change(r, &s, rc, "assigning a lab",
		    "not yet decided");
	}
}


static int
sub_lab_report(struct req *r)
{
	struct submission	 s;
	struct lab_report	 rep;
	struct sub_report_items	 it;
	struct wf_why		 why;
	const struct scheme	*sc;
	json_t			*results;
	int64_t			 rev;
	int			 rc;

	/* An unassigned lab cannot see the submission: 404 as for anyone. */
	if (submissions_load_visible(r, &s) == -1 ||
	    submissions_if_match(r, &s, 0, &rev) == -1)
		return -1;
	if (!workflow_may_report(workflow_state_of(&s)))
		return submissions_reply_bad_state(r, &s, "filing a lab report",
		    "not yet decided");
	if ((sc = submissions_scheme(r, &s)) == NULL)
		return -1;
	memset(&rep, 0, sizeof(rep));
	memset(&it, 0, sizeof(it));
	if (submissions_check_report(r, &s, sc, &rep, &it) == -1) {
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
		return submissions_reply_refused(r, &why);
	default:
		return submissions_reply_change(r, &s, rc,
		    "filing a lab report", "not yet decided");
	}
	if ((results = submissions_report_results(r->db, rep.id)) == NULL)
		return reply_db_error(r);
	submissions_set_etag(r, &s);
	return reply_json(r, MHD_HTTP_CREATED, submissions_report_json(&rep, results));
}

/* ---- GET /v1/submissions/{id}/assessment ---- */

static int
sub_assessment(struct req *r)
{
	struct submission	 s;
	struct assess_result	*res;
	const struct scheme	*sc;
	const char		*format = req_query(r, "format");
	json_t			*doc, *oscal;
	char			 err[512];

	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "oscal") != 0)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "format: expected json (the default) or oscal (NIST OSCAL "
		    "assessment-results), got \"%s\"", format);
	if (submissions_load_visible(r, &s) == -1 ||
	    (sc = submissions_scheme(r, &s)) == NULL)
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
	submissions_set_etag(r, &s);
	if (doc != NULL && format != NULL && strcmp(format, "oscal") == 0) {
		oscal = api_submissions_oscal(r, &s, sc, doc);
		json_decref(doc);
		if (oscal == NULL)
			return reply_db_error(r);
		return reply_json(r, MHD_HTTP_OK, oscal);
	}
	return reply_json(r, MHD_HTTP_OK, doc);
}

/* ---- POST submit, review, decision ---- */

static int
sub_submit(struct req *r)
{
	struct submission	 s;
	json_t			*gaps;
	int64_t			 rev;
	int			 achieved, target, rc;

	if (submissions_load_visible(r, &s) == -1 ||
	    submissions_if_match(r, &s, 0, &rev) == -1)
		return -1;
	switch ((rc = workflow_submit(r->db, &r->who, &s, rev, &gaps,
	    &achieved))) {
	case STORE_OK:
		return submissions_reply(r, MHD_HTTP_OK, &s);
	case WF_UNMET:
		target = s.target_tier;
		return reply_problem_extra(r, MHD_HTTP_CONFLICT, "target-not-met",
		    json_pack("{s:i, s:i, s:o}", "target_tier", target,
		    "achieved_tier", achieved, "gaps", gaps),
		    "the submission does not meet its target tier %d (it "
		    "achieves %d): %zu gap%s to close, listed in gaps", target,
		    achieved, json_array_size(gaps),
		    json_array_size(gaps) == 1 ? "" : "s");
	default:
		return submissions_reply_change(r, &s, rc, "submit",
		    "draft or changes_requested");
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
	int			 rc;

	if (submissions_load_visible(r, &s) == -1 ||
	    submissions_if_match(r, &s, 0, &rev) == -1)
		return -1;
	switch ((rc = workflow_review(r->db, &r->who, &s, rev))) {
	case STORE_OK:
		return submissions_reply(r, MHD_HTTP_OK, &s);
	default:
		return submissions_reply_change(r, &s, rc, "starting a review",
		    "submitted");
	}
}

/* The vendor withdraws its submission before the decision. */
static int
sub_withdraw(struct req *r)
{
	struct submission	 s;
	int64_t			 rev;
	int			 rc;

	if (submissions_load_visible(r, &s) == -1 ||
	    submissions_if_match(r, &s, 0, &rev) == -1)
		return -1;
	switch ((rc = workflow_withdraw(r->db, &r->who, &s, rev))) {
	case STORE_OK:
		return submissions_reply(r, MHD_HTTP_OK, &s);
	default:
		return submissions_reply_change(r, &s, rc, "withdrawing",
		    "draft, submitted, under_review or changes_requested");
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
	int			 achieved, rc;
	json_t			*o;

	if (submissions_load_visible(r, &s) == -1 ||
	    submissions_if_match(r, &s, 0, &rev) == -1)
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
	switch ((rc = workflow_decide(r->db, &r->ld->cfg, &r->who, &s, rev,
	    action, (int)tier, reason, &achieved, &why))) {
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
	case WF_LABEL_IN_FORCE:
		return reply_problem(r, MHD_HTTP_CONFLICT, "label-in-force",
		    "%s", why.text);
	default:
		return submissions_reply_change(r, &s, rc, "a decision",
		    "submitted or under_review");
	}
	if ((o = submissions_full_json(r->db, &s)) == NULL)
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
	submissions_set_etag(r, &s);
	return reply_json(r, MHD_HTTP_OK, o);
}

/* ---- GET /v1/submissions/{id}/events ---- */

static int
event_cb(const struct sub_event *e, void *arg)
{
	return page_add(arg, submissions_event_json(e), e->seq);
}

static int
sub_events(struct req *r)
{
	struct submission	 s;
	struct page		 pg;
	int64_t			 after;
	int			 limit;

	if (submissions_load_visible(r, &s) == -1 ||
	    page_parse(r, &after, &limit) == -1)
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
	{ "POST", "/v1/submissions/{id}/withdraw", ROLE_VENDOR, 0,
	    sub_withdraw },
	{ "POST", "/v1/submissions/{id}/decision", ROLE_REGULATOR, ROUTE_JSON,
	    sub_decision },
	{ "GET", "/v1/submissions/{id}/events", ROLES_VIEW, 0, sub_events },
	{ NULL, NULL, 0, 0, NULL }
};

