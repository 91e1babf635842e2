/*
 * check_workflow: the decision rules and label ids, and, against the real
 * schema and through the workflow's entry points (as the API calls them),
 * what each state of a submission lets whom do: the state, revision, audit
 * event, decision and label a user sees after each action, and that a
 * refused action leaves all of them as they were; the append-only audit
 * trail, the revision compare-and-set and a domain-level story (submit
 * refused with gaps, approval above the achieved tier refused, approval
 * with a label).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labeld.h"
#include "assess.h"
#include "crypto.h"
#include "scheme.h"

START_TEST(final_states_are_final)
{
	ck_assert(workflow_is_final(WF_APPROVED));
	ck_assert(workflow_is_final(WF_REJECTED));
	ck_assert(workflow_is_final(WF_WITHDRAWN));
	for (int s = WF_DRAFT; s <= WF_CHANGES_REQUESTED; s++)
		ck_assert(!workflow_is_final(s));
}
END_TEST

START_TEST(names_round_trip)
{
	enum wf_state	 s;
	enum wf_action	 a;

	for (int i = 0; i < WF_NSTATES; i++) {
		ck_assert_int_eq(workflow_state_parse(workflow_state_name(i),
		    &s), 0);
		ck_assert_int_eq(s, i);
	}
	for (int i = 0; i < WF_NACTIONS; i++) {
		ck_assert_int_eq(workflow_action_parse(workflow_action_name(i),
		    &a), 0);
		ck_assert_int_eq(a, i);
	}
	ck_assert_str_eq(workflow_state_name(WF_UNDER_REVIEW), "under_review");
	ck_assert_str_eq(workflow_action_name(WF_REQUEST_CHANGES),
	    "request_changes");
	ck_assert_int_eq(workflow_state_parse("Draft", &s), -1);
	ck_assert_int_eq(workflow_state_parse("", &s), -1);
	ck_assert_int_eq(workflow_state_parse(NULL, &s), -1);
	ck_assert_int_eq(workflow_action_parse("archive", &a), -1);
	ck_assert_ptr_null(workflow_state_name(WF_NSTATES));
}
END_TEST

START_TEST(approval_rule)
{
	char err[256];

	ck_assert_int_eq(workflow_check_approval(4, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(workflow_check_approval(1, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(workflow_check_approval(4, 3, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "above the achieved tier 3"));
	ck_assert_int_eq(workflow_check_approval(1, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "achieves no tier"));
	ck_assert_int_eq(workflow_check_approval(0, 2, err, sizeof(err)), -1);
	ck_assert_int_eq(workflow_check_approval(-1, 2, err, sizeof(err)), -1);
}
END_TEST

START_TEST(label_ids)
{
	char p[32], id[LABELD_LABEL_ID_MAX + 1];

	ck_assert_int_eq(issue_label_prefix("SG", "sg-cls-iot", 2026, p,
	    sizeof(p)), 0);
	ck_assert_str_eq(p, "SG-CLS-2026");
	ck_assert_int_eq(issue_label_prefix("us", "us-ctm-iot", 2027, p,
	    sizeof(p)), 0);
	ck_assert_str_eq(p, "US-CTM-2027");
	/* The country is dropped only when the id starts with it. */
	ck_assert_int_eq(issue_label_prefix("SG", "cls", 2026, p,
	    sizeof(p)), 0);
	ck_assert_str_eq(p, "SG-CLS-2026");
	ck_assert_int_eq(issue_label_prefix("DE", "iot-x", 2026, p,
	    sizeof(p)), 0);
	ck_assert_str_eq(p, "DE-IOT-2026");
	ck_assert_int_eq(issue_label_prefix("S", "sg-cls", 2026, p,
	    sizeof(p)), -1);
	ck_assert_int_eq(issue_label_prefix("SG", "sg-", 2026, p,
	    sizeof(p)), -1);
	ck_assert_int_eq(issue_label_prefix("SG", "sg-toolongcode", 2026,
	    p, sizeof(p)), -1);
	ck_assert_int_eq(issue_label_prefix("SG", "sg-c_s", 2026, p,
	    sizeof(p)), -1);
	ck_assert_int_eq(issue_label_prefix("SG", "sg-cls", 2026, p, 8),
	    -1);

	ck_assert_int_eq(issue_label_format("SG-CLS-2026", 123, id,
	    sizeof(id)), 0);
	ck_assert_str_eq(id, "SG-CLS-2026-000123");
	ck_assert_int_eq(issue_label_format("SG-CLS-2026", 1234567, id,
	    sizeof(id)), 0);
	ck_assert_str_eq(id, "SG-CLS-2026-1234567");
	ck_assert_int_eq(issue_label_format("SG-CLS-2026", 0, id,
	    sizeof(id)), -1);
	ck_assert_int_eq(issue_label_format("SG-CLS-2026", 1, id, 12), -1);
}
END_TEST

/* ---- against the real schema ---- */

static char		 tmpdir[64];
static struct store	*st;
static struct db	*db;
static struct principal	 vendor, regulator, lab;
static const struct scheme *sc;
static struct config	 cfg;

static void
db_setup(void)
{
	const char	*src = getenv("top_srcdir") ? getenv("top_srcdir") :
	    LABELD_SRCDIR;
	char		 path[256], mig[256], schemes[256], err[512];
	struct org	 o;
	struct lab_approval	 ap;

	ck_assert_int_eq(lc_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-workflow.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	snprintf(schemes, sizeof(schemes), "%s/schemas/schemes", src);
	st = store_open(path, mig, 1, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	db = store_acquire(st);
	ck_assert_msg(catalog_import_dir(db, schemes, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_ptr_nonnull(sc = catalog_get(db, "sg-cls-iot", 0));
	/* Approval signs a label: the data dir needs a signing key. */
	config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", tmpdir);
	ck_assert_int_eq(config_finish(&cfg, err, sizeof(err)), 0);
	{
		struct signing_key k;
		ck_assert_msg(keys_generate(db, tmpdir, NULL, &k, NULL, err,
		    sizeof(err)) == 0, "%s", err);
	}

	memset(&vendor, 0, sizeof(vendor));
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "Acme");
	snprintf(o.kind, sizeof(o.kind), "vendor");
	snprintf(o.country, sizeof(o.country), "SG");
	ck_assert_int_eq(store_org_insert(db, &o), STORE_OK);
	snprintf(vendor.org_id, sizeof(vendor.org_id), "%s", o.id);
	vendor.role = ROLE_VENDOR;
	snprintf(vendor.token_id, sizeof(vendor.token_id), "tok_vendor");

	memset(&regulator, 0, sizeof(regulator));
	snprintf(o.name, sizeof(o.name), "Authority");
	snprintf(o.kind, sizeof(o.kind), "authority");
	ck_assert_int_eq(store_org_insert(db, &o), STORE_OK);
	snprintf(regulator.org_id, sizeof(regulator.org_id), "%s", o.id);
	regulator.role = ROLE_REGULATOR;
	snprintf(regulator.token_id, sizeof(regulator.token_id), "tok_reg");

	memset(&lab, 0, sizeof(lab));
	snprintf(o.name, sizeof(o.name), "Good Lab");
	snprintf(o.kind, sizeof(o.kind), "lab");
	ck_assert_int_eq(store_org_insert(db, &o), STORE_OK);
	snprintf(lab.org_id, sizeof(lab.org_id), "%s", o.id);
	lab.role = ROLE_LAB;
	snprintf(lab.token_id, sizeof(lab.token_id), "tok_lab");
	/* Approved for the lab-tested tiers: assignment checks it. */
	memset(&ap, 0, sizeof(ap));
	snprintf(ap.lab_id, sizeof(ap.lab_id), "%s", o.id);
	ap.tiers = 1u << 3 | 1u << 4;
	snprintf(ap.valid_until, sizeof(ap.valid_until), "2099-12-31");
	snprintf(ap.approved_by, sizeof(ap.approved_by), "%s",
	    regulator.org_id);
	store_now(ap.approved_at);
	ck_assert_int_eq(store_lab_approval_put(db, &ap), STORE_OK);
}

static void
db_teardown(void)
{
	char cmd[128];

	store_release(db);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A draft submission of a fresh product for target tier. */
static void
open_submission(struct submission *s, int tier)
{
	struct product		 p;
	struct product_version	 v;

	memset(&p, 0, sizeof(p));
	snprintf(p.vendor_id, sizeof(p.vendor_id), "%s", vendor.org_id);
	snprintf(p.name, sizeof(p.name), "Cam");
	snprintf(p.model, sizeof(p.model), "C1");
	snprintf(p.category, sizeof(p.category), "camera");
	snprintf(p.support_until, sizeof(p.support_until), "2099-12-31");
	ck_assert_int_eq(store_product_insert(db, &p), STORE_OK);
	memset(&v, 0, sizeof(v));
	snprintf(v.product_id, sizeof(v.product_id), "%s", p.id);
	snprintf(v.version, sizeof(v.version), "1.0");
	ck_assert_int_eq(store_product_version_insert(db, &v, NULL, 0),
	    STORE_OK);
	memset(s, 0, sizeof(*s));
	snprintf(s->vendor_id, sizeof(s->vendor_id), "%s", vendor.org_id);
	snprintf(s->product_id, sizeof(s->product_id), "%s", p.id);
	snprintf(s->product_version, sizeof(s->product_version), "1.0");
	snprintf(s->scheme, sizeof(s->scheme), "sg-cls-iot");
	s->scheme_version = scheme_version(sc);
	s->target_tier = tier;
	ck_assert_int_eq(workflow_open(db, &vendor, s), STORE_OK);
	ck_assert_str_eq(s->state, "draft");
	ck_assert_int_eq(s->revision, 1);
}

static int
count(const char *sql, const char *arg)
{
	sqlite3_stmt	*q;
	int		 n;

	ck_assert_int_eq(sqlite3_prepare_v2(db->conn, sql, -1, &q, NULL),
	    SQLITE_OK);
	if (arg != NULL)
		sqlite3_bind_text(q, 1, arg, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

static int
exec_fails_with(const char *sql, const char *needle)
{
	char	*msg = NULL;
	int	 rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
	int	 ok = rc != SQLITE_OK && msg != NULL && strstr(msg, needle);

	sqlite3_free(msg);
	return ok;
}

/* A stored evidence list renders whole or not at all, never shortened. */
START_TEST(digest_lists)
{
	json_t *a;

	a = workflow_digests_json(NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(json_array_size(a), 0);
	json_decref(a);
	a = workflow_digests_json("");
	ck_assert_uint_eq(json_array_size(a), 0);
	json_decref(a);
	a = workflow_digests_json("  ab  cd ");
	ck_assert_uint_eq(json_array_size(a), 2);
	ck_assert_str_eq(json_string_value(json_array_get(a, 0)), "ab");
	ck_assert_str_eq(json_string_value(json_array_get(a, 1)), "cd");
	json_decref(a);
	/* A digest that is no string (bad UTF-8) fails the whole list. */
	ck_assert_ptr_null(workflow_digests_json("ab \xff cd"));
}
END_TEST

START_TEST(audit_trail_is_append_only)
{
	struct submission	 s;
	struct lab_report	 rep;
	struct lab_result	 res = { "CLS-L3-SBD", "pass", "" };

	open_submission(&s, 3);
	ck_assert_int_eq(count("SELECT count(*) FROM submission_events WHERE "
	    "submission_id = ?", s.id), 1);
	ck_assert(exec_fails_with("UPDATE submission_events SET reason = 'x'",
	    "append-only"));
	ck_assert(exec_fails_with("DELETE FROM submission_events",
	    "append-only"));
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.submission_id, sizeof(rep.submission_id), "%s", s.id);
	snprintf(rep.lab_id, sizeof(rep.lab_id), "%s", regulator.org_id);
	snprintf(rep.created_by, sizeof(rep.created_by), "tok");
	rep.tier = 3;
	memset(rep.report_sha256, 'a', 64);
	ck_assert_int_eq(store_lab_report_insert(db, &rep, &res, 1), STORE_OK);
	ck_assert(exec_fails_with("UPDATE lab_results SET verdict = 'fail'",
	    "append-only"));
	ck_assert(exec_fails_with("DELETE FROM lab_reports", "append-only"));
	ck_assert_int_eq(count("SELECT count(*) FROM submission_events WHERE "
	    "submission_id = ?", s.id), 1);
	/* Evidence for a submission that does not exist is refused. */
	ck_assert(exec_fails_with("INSERT INTO evidence (submission_id, "
	    "sha256, size, media_type, uploaded_by, created_at) VALUES "
	    "('sub_nope', printf('%064d', 0), 1, 'text/plain', "
	    "(SELECT id FROM organizations LIMIT 1), 'now')",
	    "no such submission"));
}
END_TEST

START_TEST(revision_compare_and_set)
{
	struct submission	 s, a, b;
	struct declaration	 d = { "ETSI-5.2-1", "conformant", "", "", NULL,
	    NULL };

	open_submission(&s, 1);
	a = s;
	b = s;
	ck_assert_int_eq(store_submission_update(db, &a), STORE_OK);
	ck_assert_int_eq(a.revision, 2);
	/* b still holds revision 1: its write must lose. */
	ck_assert_int_eq(store_submission_update(db, &b), STORE_CONFLICT);
	/* A stale If-Match writes nothing, not even the event. */
	ck_assert_int_eq(workflow_declare(db, &vendor, &s, 1, &d, 1),
	    STORE_CONFLICT);
	ck_assert_int_eq(s.revision, 2);
	ck_assert_int_eq(count("SELECT count(*) FROM declarations WHERE "
	    "submission_id = ?", s.id), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM submission_events WHERE "
	    "submission_id = ?", s.id), 1);
	ck_assert_int_eq(workflow_declare(db, &vendor, &s, 2, &d, 1),
	    STORE_OK);
	ck_assert_int_eq(s.revision, 3);
	ck_assert_int_eq(count("SELECT count(*) FROM submission_events WHERE "
	    "submission_id = ?", s.id), 2);
	/* Without If-Match (0) the change applies to whatever is current. */
	ck_assert_int_eq(workflow_declare(db, &vendor, &s, 0, &d, 1),
	    STORE_OK);
	ck_assert_int_eq(s.revision, 4);
}
END_TEST

/* Declares every self-declared requirement up to tier, with evidence. */
static void
declare_up_to(struct submission *s, int tier, const char *except)
{
	struct declaration	 d[LABELD_MAX_ITEMS];
	struct evidence		 e;
	const json_t		*kinds;
	size_t			 n = 0;
	char			 hex[65], list[16 * 65];
	int			 rc;

	/* One file of each evidence kind; each declaration cites them all. */
	list[0] = '\0';
	kinds = json_object_get(scheme_json(sc), "evidence_kinds");
	for (size_t k = 0; k < json_array_size(kinds); k++) {
		memset(hex, "0123456789abcdef"[k % 16], 64);
		hex[64] = '\0';
		memset(&e, 0, sizeof(e));
		snprintf(e.submission_id, sizeof(e.submission_id), "%s",
		    s->id);
		snprintf(e.sha256, sizeof(e.sha256), "%s", hex);
		e.size = 1;
		snprintf(e.media_type, sizeof(e.media_type), "text/plain");
		snprintf(e.kind, sizeof(e.kind), "%s", json_string_value(
		    json_object_get(json_array_get(kinds, k), "id")));
		snprintf(e.uploaded_by, sizeof(e.uploaded_by), "%s",
		    vendor.org_id);
		rc = workflow_add_evidence(db, &vendor, s, &e);
		/* The same content twice is STORE_CONFLICT: idempotent. */
		ck_assert(rc == STORE_OK || rc == STORE_CONFLICT);
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", k ? " " : "", hex);
	}
	for (size_t i = 0; i < scheme_nrequirements(sc); i++) {
		const struct scheme_requirement *r = scheme_requirement_at(sc,
		    i);

		if (r->tier > tier || r->mode != SCHEME_SELF_DECLARATION ||
		    (except != NULL && strcmp(r->id, except) == 0))
			continue;
		d[n].requirement = r->id;
		d[n].status = "conformant";
		d[n].justification = "";
		d[n].evidence = list;
		n++;
	}
	ck_assert_int_eq(workflow_declare(db, &vendor, s, s->revision, d, n),
	    STORE_OK);
}

START_TEST(domain_story)
{
	struct submission	 s;
	json_t			*gaps = NULL;
	int			 achieved;

	open_submission(&s, 2);
	/* Regulator actions on a draft, a vendor acting as regulator. */
	ck_assert_int_eq(workflow_decide(db, &cfg, &regulator, &s, 0, WF_REJECT, 0,
	    "no", &achieved, NULL), WF_BADSTATE);
	ck_assert_int_eq(workflow_review(db, &regulator, &s, 0), WF_BADSTATE);

	declare_up_to(&s, 2, "ETSI-5.2-1");
	ck_assert_int_eq(workflow_submit(db, &vendor, &s, 0, &gaps,
	    &achieved), WF_UNMET);
	ck_assert_int_eq(achieved, 0);
	ck_assert_int_eq(json_array_size(gaps), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(gaps,
	    0), "requirement")), "ETSI-5.2-1");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(gaps,
	    0), "reason")), "missing");
	json_decref(gaps);
	ck_assert_str_eq(s.state, "draft");

	declare_up_to(&s, 2, NULL);
	ck_assert_int_eq(workflow_submit(db, &regulator, &s, 0, &gaps,
	    &achieved), WF_BADSTATE);
	ck_assert_int_eq(workflow_submit(db, &vendor, &s, 0, &gaps,
	    &achieved), STORE_OK);
	ck_assert_str_eq(s.state, "submitted");
	ck_assert_int_eq(achieved, 2);
	ck_assert_int_eq(workflow_review(db, &vendor, &s, 0), WF_BADSTATE);
	ck_assert_int_eq(workflow_review(db, &regulator, &s, 0), STORE_OK);
	ck_assert_str_eq(s.state, "under_review");

	ck_assert_int_eq(workflow_decide(db, &cfg, &regulator, &s, 0, WF_APPROVE, 3,
	    "too high", &achieved, NULL), WF_ABOVE);
	ck_assert_int_eq(achieved, 2);
	ck_assert_str_eq(s.state, "under_review");
	ck_assert_str_eq(s.label_id, "");
	ck_assert_int_eq(count("SELECT count(*) FROM labels WHERE "
	    "submission_id = ?", s.id), 0);
	ck_assert_int_eq(workflow_decide(db, &cfg, &regulator, &s, s.revision - 1,
	    WF_APPROVE, 2, "stale", &achieved, NULL), STORE_CONFLICT);
	ck_assert_int_eq(workflow_decide(db, &cfg, &regulator, &s, s.revision,
	    WF_APPROVE, 2, "met", &achieved, NULL), STORE_OK);
	ck_assert_str_eq(s.state, "approved");
	ck_assert_int_eq(s.approved_tier, 2);
	ck_assert_int_eq(strncmp(s.label_id, "SG-CLS-", 7), 0);
	ck_assert_str_eq(s.label_id + 11, "-000001");
	/* The approval and its signed label are one transaction. */
	{
		struct label l;
		ck_assert_int_eq(store_label_get(db, s.label_id, &l), STORE_OK);
		ck_assert_int_eq(count("SELECT count(*) FROM labels WHERE "
		    "submission_id = ?", s.id), 1);
	}
	ck_assert_int_eq(workflow_decide(db, &cfg, &regulator, &s, 0, WF_REJECT, 0,
	    "again", &achieved, NULL), WF_BADSTATE);
	ck_assert_int_eq(count("SELECT count(*) FROM submission_events WHERE "
	    "submission_id = ? AND action IN ('submitted', 'review_started', "
	    "'approved')", s.id), 3);
	/* Final in the database too, whatever the code above it does. */
	ck_assert(exec_fails_with("UPDATE submissions SET approved_tier = 4 "
	    "WHERE state = 'approved'", "final"));
	ck_assert(exec_fails_with("DELETE FROM submissions", "never deleted"));
}
END_TEST

/* The third_party requirement req's gap reason at tier t, "" when none. */
static const char *
lab_gap(const struct submission *s, int t, const char *req)
{
	static char		 out[64];
	struct assess_result	*res;
	json_t			*gaps, *g;
	char			 err[256];
	size_t			 i;

	out[0] = '\0';
	res = workflow_assess(db, s, sc, err, sizeof(err));
	ck_assert_msg(res != NULL, "%s", err);
	gaps = assess_gaps_json(res, t);
	json_array_foreach(gaps, i, g)
		if (strcmp(json_string_value(json_object_get(g, "requirement")),
		    req) == 0)
			snprintf(out, sizeof(out), "%s", json_string_value(
			    json_object_get(g, "reason")));
	json_decref(gaps);
	assess_free(res);
	return out;
}

static void
file(struct submission *s, const struct lab_result *res, size_t n)
{
	struct lab_report	 rep;
	struct wf_why		 why;

	memset(&rep, 0, sizeof(rep));
	rep.tier = 3;
	memset(rep.report_sha256, 'b', 64);
	ck_assert_int_eq(workflow_file_report(db, &lab, s, 0, &rep, res, n,
	    &why), STORE_OK);
}

/*
 * Verdicts are per requirement: a retest naming one requirement replaces
 * that verdict only.  After a fail the vendor cannot change the lab (the
 * regulator can), and the fail stays on record.
 */
START_TEST(verdicts_per_requirement)
{
	struct submission	 s;
	struct wf_why		 why;
	struct lab_result	 all[] = {
		{ "CLS-L3-SBD", "pass", "" }, { "CLS-L3-BIN", "pass", "" },
		{ "CLS-L3-VULN", "pass", "" }
	};
	struct lab_result	 fail = { "CLS-L3-BIN", "fail", "overflow" };
	struct lab_result	 pass = { "CLS-L3-BIN", "pass", "fixed" };
	struct org		 o;
	struct lab_approval	 ap;
	char			 rep[40];

	open_submission(&s, 3);
	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0, lab.org_id,
	    &why), STORE_OK);
	ck_assert_int_eq(store_lab_fail_first(db, s.id, rep), STORE_NOTFOUND);
	file(&s, all, 3);
	ck_assert_str_eq(lab_gap(&s, 3, "CLS-L3-SBD"), "");
	file(&s, &fail, 1);
	/* The fail replaces BIN's pass and leaves the other two passes. */
	ck_assert_str_eq(lab_gap(&s, 3, "CLS-L3-BIN"), "lab_failed");
	ck_assert_str_eq(lab_gap(&s, 3, "CLS-L3-SBD"), "");
	ck_assert_str_eq(lab_gap(&s, 3, "CLS-L3-VULN"), "");
	ck_assert_int_eq(store_lab_fail_first(db, s.id, rep), STORE_OK);

	/* A second approved lab: the vendor may not move there now. */
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "Lenient Lab");
	snprintf(o.kind, sizeof(o.kind), "lab");
	snprintf(o.country, sizeof(o.country), "SG");
	ck_assert_int_eq(store_org_insert(db, &o), STORE_OK);
	memset(&ap, 0, sizeof(ap));
	snprintf(ap.lab_id, sizeof(ap.lab_id), "%s", o.id);
	ap.tiers = 1u << 3;
	snprintf(ap.valid_until, sizeof(ap.valid_until), "2099-12-31");
	snprintf(ap.approved_by, sizeof(ap.approved_by), "%s",
	    regulator.org_id);
	store_now(ap.approved_at);
	ck_assert_int_eq(store_lab_approval_put(db, &ap), STORE_OK);
	ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0, o.id, &why),
	    WF_LAB_LOCKED);
	ck_assert_str_eq(why.field, "lab_id");
	ck_assert_ptr_nonnull(strstr(why.text, rep));
	ck_assert_str_eq(s.lab_id, lab.org_id);
	/* Re-assigning the same lab changes nothing and is no shopping. */
	ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0, lab.org_id,
	    &why), STORE_OK);

	/* The retest's pass replaces the fail; the fail stays on record. */
	file(&s, &pass, 1);
	ck_assert_str_eq(lab_gap(&s, 3, "CLS-L3-BIN"), "");
	ck_assert_int_eq(count("SELECT count(*) FROM lab_results WHERE "
	    "verdict = 'fail' AND report_id = ?", rep), 1);
	ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0, o.id, &why),
	    WF_LAB_LOCKED);
	/* The regulator may still change the lab. */
	ck_assert_int_eq(workflow_assign_lab(db, &regulator, &s, 0, o.id,
	    &why), STORE_OK);
	ck_assert_str_eq(s.lab_id, o.id);
	/* The new lab's verdicts are the ones that count: none yet. */
	ck_assert_str_eq(lab_gap(&s, 3, "CLS-L3-SBD"), "needs_lab_result");
}
END_TEST

/* A submission achieving more than its target is approved at most at it. */
START_TEST(approval_capped_at_target)
{
	struct submission	 s;
	json_t			*gaps = NULL;
	int			 achieved;

	open_submission(&s, 1);
	declare_up_to(&s, 2, NULL);
	ck_assert_int_eq(workflow_submit(db, &vendor, &s, 0, &gaps,
	    &achieved), STORE_OK);
	ck_assert_int_eq(achieved, 2);
	ck_assert_int_eq(workflow_approve(db, &cfg, &regulator, &s, 0, 2,
	    "above the target", &achieved, NULL), WF_ABOVE_TARGET);
	ck_assert_int_eq(achieved, 2);
	ck_assert_str_eq(s.state, "submitted");
	ck_assert_int_eq(count("SELECT count(*) FROM labels WHERE "
	    "submission_id = ?", s.id), 0);
	ck_assert_int_eq(workflow_approve(db, &cfg, &regulator, &s, 0, 1,
	    "target met", &achieved, NULL), STORE_OK);
	ck_assert_int_eq(s.approved_tier, 1);
}
END_TEST

/* ---- what each state lets whom do, as a user sees it ---- */

/* What a user of the API sees of a submission. */
struct seen {
	struct submission	 sub;		/* as stored */
	int			 events;	/* its audit events */
	int			 labels;	/* its labels */
};

static void
look(const char *id, struct seen *v)
{
	memset(v, 0, sizeof(*v));
	ck_assert_int_eq(store_submission_get(db, id, &v->sub), STORE_OK);
	v->events = count("SELECT count(*) FROM submission_events WHERE "
	    "submission_id = ?", id);
	v->labels = count("SELECT count(*) FROM labels WHERE "
	    "submission_id = ?", id);
}

/* The last audit event of submission id: "action from->to reason". */
static void
last_event(const char *id, char *out, size_t outlen)
{
	sqlite3_stmt *q;

	ck_assert_int_eq(sqlite3_prepare_v2(db->conn, "SELECT action, "
	    "coalesce(from_state, ''), coalesce(to_state, ''), "
	    "coalesce(reason, '') FROM submission_events WHERE "
	    "submission_id = ? ORDER BY seq DESC LIMIT 1", -1, &q, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	snprintf(out, outlen, "%s %s->%s %s", sqlite3_column_text(q, 0),
	    sqlite3_column_text(q, 1), sqlite3_column_text(q, 2),
	    sqlite3_column_text(q, 3));
	sqlite3_finalize(q);
}

/* Takes action on s as who, through the entry point the API calls. */
static int
act(struct submission *s, const struct principal *who, enum wf_action a)
{
	json_t	*gaps = NULL;
	int	 achieved, rc;

	switch (a) {
	case WF_SUBMIT:
		rc = workflow_submit(db, who, s, 0, &gaps, &achieved);
		json_decref(gaps);
		return rc;
	case WF_REVIEW:
		return workflow_review(db, who, s, 0);
	case WF_WITHDRAW:
		return workflow_withdraw(db, who, s, 0);
	default:
		return workflow_decide(db, &cfg, who, s, 0, a, 1, "because",
		    &achieved, NULL);
	}
}

/* A fresh submission for Level 1, all Level 1 declared, in state to. */
static void
reach(struct submission *s, enum wf_state to)
{
	open_submission(s, 1);
	if (to == WF_WITHDRAWN)
		ck_assert_int_eq(act(s, &vendor, WF_WITHDRAW), STORE_OK);
	if (to == WF_DRAFT || to == WF_WITHDRAWN)
		return;
	declare_up_to(s, 1, NULL);
	ck_assert_int_eq(act(s, &vendor, WF_SUBMIT), STORE_OK);
	switch (to) {
	case WF_UNDER_REVIEW:
		ck_assert_int_eq(act(s, &regulator, WF_REVIEW), STORE_OK);
		break;
	case WF_CHANGES_REQUESTED:
	case WF_APPROVED:
	case WF_REJECTED:
		ck_assert_int_eq(act(s, &regulator, to == WF_APPROVED ?
		    WF_APPROVE : to == WF_REJECTED ? WF_REJECT :
		    WF_REQUEST_CHANGES), STORE_OK);
		break;
	default:
		break;
	}
	ck_assert_str_eq(s->state, workflow_state_name(to));
}

/* who may not take action a on s: WF_BADSTATE and nothing changes. */
static void
refused(struct submission *s, const struct principal *who, enum wf_action a)
{
	struct seen before, after;

	look(s->id, &before);
	ck_assert_msg(act(s, who, a) == WF_BADSTATE, "%s by %s in %s: not "
	    "refused", workflow_action_name(a), role_name(who->role), before.sub.state);
	look(s->id, &after);
	ck_assert_str_eq(after.sub.state, before.sub.state);
	ck_assert_str_eq(s->state, before.sub.state);
	ck_assert_int_eq(after.sub.revision, before.sub.revision);
	ck_assert_int_eq(after.events, before.events);
	ck_assert_int_eq(after.labels, before.labels);
	ck_assert_str_eq(after.sub.decision, before.sub.decision);
}

/*
 * who takes action a on s: the submission is in state to, one revision
 * and one audit event "event from->to reason" further.
 */
static void
moves(struct submission *s, const struct principal *who, enum wf_action a,
    const char *to, const char *event)
{
	struct seen	 before, after;
	char		 want[256], got[256];

	look(s->id, &before);
	ck_assert_msg(act(s, who, a) == STORE_OK, "%s by %s in %s: refused",
	    workflow_action_name(a), role_name(who->role), before.sub.state);
	look(s->id, &after);
	ck_assert_str_eq(after.sub.state, to);
	ck_assert_str_eq(s->state, to);
	ck_assert_int_eq(after.sub.revision, before.sub.revision + 1);
	ck_assert_int_eq(s->revision, after.sub.revision);
	ck_assert_int_eq(after.events, before.events + 1);
	snprintf(want, sizeof(want), "%s %s->%s %s", event, before.sub.state,
	    to, a == WF_SUBMIT || a == WF_REVIEW ? "" : "because");
	last_event(s->id, got, sizeof(got));
	ck_assert_str_eq(got, want);
}

/* One Level 1 declaration, as the vendor edits it. */
static int
declare_one(struct submission *s)
{
	struct declaration d = { "ETSI-5.2-1", "conformant", "again", "",
	    NULL, NULL };

	return workflow_declare(db, &vendor, s, 0, &d, 1);
}

static int
upload(struct submission *s, char fill)
{
	struct evidence e;

	memset(&e, 0, sizeof(e));
	memset(e.sha256, fill, 64);
	e.size = 1;
	snprintf(e.media_type, sizeof(e.media_type), "text/plain");
	snprintf(e.kind, sizeof(e.kind), "document");
	snprintf(e.uploaded_by, sizeof(e.uploaded_by), "%s", vendor.org_id);
	return workflow_add_evidence(db, &vendor, s, &e);
}

static int
report(struct submission *s)
{
	struct lab_report	 rep;
	struct lab_result	 res = { "CLS-L3-SBD", "pass", "" };

	memset(&rep, 0, sizeof(rep));
	rep.tier = 3;
	memset(rep.report_sha256, 'c', 64);
	return workflow_file_report(db, &lab, s, 0, &rep, &res, 1, NULL);
}

/*
 * A draft is the vendor's to edit and submit; the regulator cannot act
 * on it.
 */
START_TEST(draft_is_the_vendors)
{
	struct submission s;

	reach(&s, WF_DRAFT);
	refused(&s, &regulator, WF_REVIEW);
	refused(&s, &regulator, WF_REQUEST_CHANGES);
	refused(&s, &regulator, WF_APPROVE);
	refused(&s, &regulator, WF_REJECT);
	refused(&s, &regulator, WF_SUBMIT);
	ck_assert_int_eq(declare_one(&s), STORE_OK);
	ck_assert_int_eq(upload(&s, 'd'), STORE_OK);
	ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0, lab.org_id, NULL),
	    STORE_OK);
	ck_assert_int_eq(report(&s), STORE_OK);
	declare_up_to(&s, 1, NULL);
	moves(&s, &vendor, WF_SUBMIT, "submitted", "submitted");
	ck_assert_str_ne(s.submitted_at, "");
	ck_assert_str_eq(s.decision, "");
}
END_TEST

/*
 * Submitted, the submission waits for the regulator: the vendor can
 * neither change its answers nor its lab nor submit again; labs may
 * still report and the regulator may re-assign the lab.
 */
START_TEST(submitted_waits_for_the_regulator)
{
	struct submission s;

	reach(&s, WF_SUBMITTED);
	refused(&s, &vendor, WF_SUBMIT);
	refused(&s, &vendor, WF_REVIEW);
	refused(&s, &vendor, WF_APPROVE);
	refused(&s, &vendor, WF_REJECT);
	ck_assert_int_eq(declare_one(&s), WF_BADSTATE);
	ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0, lab.org_id, NULL),
	    WF_BADSTATE);
	ck_assert_int_eq(workflow_assign_lab(db, &regulator, &s, 0,
	    lab.org_id, NULL), STORE_OK);
	ck_assert_int_eq(report(&s), STORE_OK);
	ck_assert_int_eq(upload(&s, 'e'), STORE_OK);
	moves(&s, &regulator, WF_REVIEW, "under_review", "review_started");
	ck_assert_str_eq(s.decision, "");
	refused(&s, &regulator, WF_REVIEW);
	refused(&s, &vendor, WF_SUBMIT);
	ck_assert_int_eq(declare_one(&s), WF_BADSTATE);
}
END_TEST

/*
 * The regulator decides with or without a review first; each decision
 * says who and why.
 */
START_TEST(regulator_decides)
{
	static const enum wf_state	 from[] = { WF_SUBMITTED,
	    WF_UNDER_REVIEW };
	struct submission		 s;

	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		reach(&s, from[i]);
		moves(&s, &regulator, WF_REQUEST_CHANGES, "changes_requested",
		    "changes_requested");
		ck_assert_str_eq(s.decision, "request_changes");
		ck_assert_str_eq(s.decision_reason, "because");
		ck_assert_str_eq(s.decided_by, regulator.org_id);
		ck_assert_str_eq(s.label_id, "");

		reach(&s, from[i]);
		moves(&s, &regulator, WF_REJECT, "rejected", "rejected");
		ck_assert_str_eq(s.decision, "reject");
		ck_assert_str_eq(s.decided_by, regulator.org_id);
		ck_assert_str_eq(s.label_id, "");
		ck_assert_int_eq(count("SELECT count(*) FROM labels WHERE "
		    "submission_id = ?", s.id), 0);

		reach(&s, from[i]);
		moves(&s, &regulator, WF_APPROVE, "approved", "approved");
		ck_assert_str_eq(s.decision, "approve");
		ck_assert_int_eq(s.approved_tier, 1);
		ck_assert_int_eq(count("SELECT count(*) FROM labels WHERE "
		    "id = ?", s.label_id), 1);
	}
}
END_TEST

/*
 * Changes requested hand the submission back to the vendor, who edits
 * and re-submits.
 */
START_TEST(changes_go_back_to_the_vendor)
{
	struct submission s;

	reach(&s, WF_CHANGES_REQUESTED);
	refused(&s, &regulator, WF_REVIEW);
	refused(&s, &regulator, WF_APPROVE);
	refused(&s, &regulator, WF_REJECT);
	refused(&s, &regulator, WF_REQUEST_CHANGES);
	ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0, lab.org_id, NULL),
	    STORE_OK);
	declare_up_to(&s, 1, NULL);
	moves(&s, &vendor, WF_SUBMIT, "submitted", "submitted");
	moves(&s, &regulator, WF_APPROVE, "approved", "approved");
}
END_TEST

/*
 * A decided submission is closed to everyone: no action, edit, upload or
 * lab assignment.
 */
START_TEST(decisions_are_final)
{
	static const enum wf_state	 decided[] = { WF_APPROVED,
	    WF_REJECTED, WF_WITHDRAWN };
	const struct principal		*who[] = { &vendor, &regulator };
	struct submission		 s;
	struct seen			 before, after;

	for (size_t i = 0; i < sizeof(decided) / sizeof(decided[0]); i++) {
		reach(&s, decided[i]);
		ck_assert_int_eq(workflow_assign_lab(db, &regulator, &s, 0,
		    lab.org_id, NULL), WF_BADSTATE);
		for (size_t w = 0; w < 2; w++)
			for (int a = 0; a < WF_NACTIONS; a++)
				refused(&s, who[w], a);
		look(s.id, &before);
		ck_assert_int_eq(declare_one(&s), WF_BADSTATE);
		ck_assert_int_eq(upload(&s, 'f'), WF_BADSTATE);
		ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0,
		    lab.org_id, NULL), WF_BADSTATE);
		look(s.id, &after);
		ck_assert_int_eq(after.sub.revision, before.sub.revision);
		ck_assert_int_eq(after.events, before.events);
		ck_assert_int_eq(after.labels, decided[i] == WF_APPROVED);
	}
}
END_TEST

START_TEST(label_sequence)
{
	char	 a[LABELD_LABEL_ID_MAX + 1], b[LABELD_LABEL_ID_MAX + 1], c[LABELD_LABEL_ID_MAX + 1];
	time_t	 t = 1790000000;	/* 2026 */

	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(issue_label_id(db, sc, t, a, sizeof(a)), STORE_OK);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_str_eq(a, "SG-CLS-2026-000001");
	/* A rolled-back approval gives its number back. */
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(issue_label_id(db, sc, t, b, sizeof(b)), STORE_OK);
	db_rollback(db);
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(issue_label_id(db, sc, t, c, sizeof(c)), STORE_OK);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_str_eq(b, c);
	ck_assert_str_eq(c, "SG-CLS-2026-000002");
	/* A new year starts its own sequence. */
	ck_assert_int_eq(issue_label_id(db, sc, t + 366 * 86400, a,
	    sizeof(a)), STORE_OK);
	ck_assert_str_eq(a, "SG-CLS-2027-000001");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("workflow");
	TCase	*pure = tcase_create("rules");
	TCase	*store = tcase_create("store");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(pure, final_states_are_final);
	tcase_add_test(pure, names_round_trip);
	tcase_add_test(pure, approval_rule);
	tcase_add_test(pure, label_ids);
	tcase_add_test(pure, digest_lists);
	suite_add_tcase(s, pure);
	tcase_add_checked_fixture(store, db_setup, db_teardown);
	tcase_add_test(store, audit_trail_is_append_only);
	tcase_add_test(store, revision_compare_and_set);
	tcase_add_test(store, domain_story);
	tcase_add_test(store, approval_capped_at_target);
	tcase_add_test(store, verdicts_per_requirement);
	tcase_add_test(store, label_sequence);
	tcase_add_test(store, draft_is_the_vendors);
	tcase_add_test(store, submitted_waits_for_the_regulator);
	tcase_add_test(store, regulator_decides);
	tcase_add_test(store, changes_go_back_to_the_vendor);
	tcase_add_test(store, decisions_are_final);
	suite_add_tcase(s, store);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
