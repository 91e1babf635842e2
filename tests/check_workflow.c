/*
 * check_workflow: the submission state machine (every state x action),
 * who may act, the decision rules, label ids, and, against the real
 * schema, the append-only audit trail, the revision compare-and-set and
 * a domain-level story (submit refused with gaps, approval above the
 * achieved tier refused, approval with a label).
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

/* ---- the state machine as a table of expectations ---- */

/* Expected next state per (state, action); -1 where refused. */
static const int expected[WF_NSTATES][WF_NACTIONS] = {
	/*			submit		review		request_changes		approve		reject */
	[WF_DRAFT] =		{ WF_SUBMITTED,	-1,		-1,			-1,		-1 },
	[WF_SUBMITTED] =	{ -1,		WF_UNDER_REVIEW, WF_CHANGES_REQUESTED,	WF_APPROVED,	WF_REJECTED },
	[WF_UNDER_REVIEW] =	{ -1,		-1,		WF_CHANGES_REQUESTED,	WF_APPROVED,	WF_REJECTED },
	[WF_CHANGES_REQUESTED] = { WF_SUBMITTED, -1,		-1,			-1,		-1 },
	[WF_APPROVED] =		{ -1,		-1,		-1,			-1,		-1 },
	[WF_REJECTED] =		{ -1,		-1,		-1,			-1,		-1 },
};

START_TEST(every_transition)
{
	for (int s = 0; s < WF_NSTATES; s++)
		for (int a = 0; a < WF_NACTIONS; a++) {
			enum wf_state	 next = WF_NSTATES;
			int		 rc = workflow_next(s, a, &next);

			if (expected[s][a] == -1)
				ck_assert_msg(rc == -1, "%s --%s--> should be "
				    "refused", workflow_state_name(s),
				    workflow_action_name(a));
			else {
				ck_assert_msg(rc == 0, "%s --%s--> refused",
				    workflow_state_name(s),
				    workflow_action_name(a));
				ck_assert_int_eq(next, expected[s][a]);
			}
		}
}
END_TEST

START_TEST(final_states_are_final)
{
	ck_assert(workflow_is_final(WF_APPROVED));
	ck_assert(workflow_is_final(WF_REJECTED));
	for (int s = WF_DRAFT; s <= WF_CHANGES_REQUESTED; s++)
		ck_assert(!workflow_is_final(s));
}
END_TEST

START_TEST(who_acts)
{
	ck_assert_uint_eq(workflow_action_roles(WF_SUBMIT), ROLE_VENDOR);
	ck_assert_uint_eq(workflow_action_roles(WF_REVIEW), ROLE_REGULATOR);
	ck_assert_uint_eq(workflow_action_roles(WF_REQUEST_CHANGES),
	    ROLE_REGULATOR);
	ck_assert_uint_eq(workflow_action_roles(WF_APPROVE), ROLE_REGULATOR);
	ck_assert_uint_eq(workflow_action_roles(WF_REJECT), ROLE_REGULATOR);
	ck_assert_uint_eq(workflow_action_roles(WF_NACTIONS), 0);
}
END_TEST

START_TEST(what_each_state_allows)
{
	static const struct {
		enum wf_state	 s;
		int		 declare, report, upload, lab_vendor, lab_reg;
	} t[] = {
		{ WF_DRAFT,		1, 1, 1, 1, 1 },
		{ WF_SUBMITTED,		0, 1, 1, 0, 1 },
		{ WF_UNDER_REVIEW,	0, 1, 1, 0, 1 },
		{ WF_CHANGES_REQUESTED,	1, 1, 1, 1, 1 },
		{ WF_APPROVED,		0, 0, 0, 0, 0 },
		{ WF_REJECTED,		0, 0, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(workflow_may_declare(t[i].s), t[i].declare);
		ck_assert_int_eq(workflow_may_report(t[i].s), t[i].report);
		ck_assert_int_eq(workflow_may_upload(t[i].s), t[i].upload);
		ck_assert_int_eq(workflow_may_assign_lab(t[i].s, ROLE_VENDOR),
		    t[i].lab_vendor);
		ck_assert_int_eq(workflow_may_assign_lab(t[i].s,
		    ROLE_REGULATOR), t[i].lab_reg);
		ck_assert_int_eq(workflow_may_assign_lab(t[i].s, ROLE_LAB), 0);
		ck_assert_int_eq(workflow_may_assign_lab(t[i].s, ROLE_ADMIN),
		    0);
	}
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
	ck_assert_int_eq(workflow_action_parse("withdraw", &a), -1);
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
static struct principal	 vendor, regulator;
static const struct scheme *sc;
static struct config	 cfg;

static void
db_setup(void)
{
	const char	*src = getenv("top_srcdir") ? getenv("top_srcdir") :
	    LABELD_SRCDIR;
	char		 path[256], mig[256], schemes[256], err[512];
	struct org	 o;

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
		ck_assert_msg(keys_generate(db, tmpdir, NULL, &k, err,
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
	size_t			 n = 0;
	char			 hex[65];
	int			 rc;

	memset(hex, 'b', 64);
	hex[64] = '\0';
	memset(&e, 0, sizeof(e));
	snprintf(e.submission_id, sizeof(e.submission_id), "%s", s->id);
	snprintf(e.sha256, sizeof(e.sha256), "%s", hex);
	e.size = 1;
	snprintf(e.media_type, sizeof(e.media_type), "text/plain");
	snprintf(e.uploaded_by, sizeof(e.uploaded_by), "%s", vendor.org_id);
	rc = workflow_add_evidence(db, &vendor, s, &e);
	/* The same content twice is STORE_CONFLICT: uploads are idempotent. */
	ck_assert(rc == STORE_OK || rc == STORE_CONFLICT);
	for (size_t i = 0; i < scheme_nrequirements(sc); i++) {
		const struct scheme_requirement *r = scheme_requirement_at(sc,
		    i);

		if (r->tier > tier || r->mode != SCHEME_SELF_DECLARATION ||
		    (except != NULL && strcmp(r->id, except) == 0))
			continue;
		d[n].requirement = r->id;
		d[n].status = "conformant";
		d[n].justification = "";
		d[n].evidence = hex;
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

	tcase_add_test(pure, every_transition);
	tcase_add_test(pure, final_states_are_final);
	tcase_add_test(pure, who_acts);
	tcase_add_test(pure, what_each_state_allows);
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
	tcase_add_test(store, label_sequence);
	suite_add_tcase(s, store);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
