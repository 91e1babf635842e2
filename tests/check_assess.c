/*
 * check_assess.c: the assessment engine.
 *
 * Table-driven cases run against a small scheme written here, so each rule is
 * tested in isolation from the shipped data; the shipped schemes are then
 * assessed end to end, and a property test checks monotonicity on random
 * answer sets for both.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "scheme.h"

/* Tier 1: M1 (evidence), C1R (conditional K1), R1 (recommended), N1 (no
 * evidence kinds).  Tier 2: M2.  Tier 3 (lab): L3, L3C (conditional K2), S3
 * (self-declared inside a lab tier).  Tier 4 (lab): L4. */
static const char test_scheme[] =
	"{\"id\": \"engine-test\", \"version\": 3, \"title\": \"Engine test scheme\","
	" \"country\": \"FI\", \"max_validity_days\": 100,"
	" \"conditions\": [{\"id\": \"K1\", \"text\": \"Passwords are used.\"},"
	"                  {\"id\": \"K2\", \"text\": \"A debug port exists.\"}],"
	" \"evidence_kinds\": [{\"id\": \"document\", \"description\": \"A document.\"},"
	"                      {\"id\": \"lab_report\", \"description\": \"A lab report.\"}],"
	" \"tiers\": ["
	"  {\"tier\": 1, \"name\": \"One\", \"mode\": \"self_declaration\", \"description\": \"d\", \"evidence\": []},"
	"  {\"tier\": 2, \"name\": \"Two\", \"mode\": \"self_declaration\", \"description\": \"d\", \"evidence\": []},"
	"  {\"tier\": 3, \"name\": \"Three\", \"mode\": \"third_party\", \"description\": \"d\", \"evidence\": []},"
	"  {\"tier\": 4, \"name\": \"Four\", \"mode\": \"third_party\", \"description\": \"d\", \"evidence\": []}],"
	" \"requirements\": ["
	"  {\"id\": \"M1\", \"title\": \"t\", \"tier\": 1, \"mode\": \"self_declaration\", \"obligation\": \"mandatory\","
	"   \"references\": [], \"evidence\": [\"document\"], \"guidance\": \"Guidance M1.\"},"
	"  {\"id\": \"C1R\", \"title\": \"t\", \"tier\": 1, \"mode\": \"self_declaration\", \"obligation\": \"conditional\","
	"   \"conditions\": [\"K1\"], \"references\": [], \"evidence\": [\"document\"], \"guidance\": \"Guidance C1R.\"},"
	"  {\"id\": \"R1\", \"title\": \"t\", \"tier\": 1, \"mode\": \"self_declaration\", \"obligation\": \"recommended\","
	"   \"references\": [], \"evidence\": [], \"guidance\": \"Guidance R1.\"},"
	"  {\"id\": \"N1\", \"title\": \"t\", \"tier\": 1, \"mode\": \"self_declaration\", \"obligation\": \"mandatory\","
	"   \"references\": [], \"evidence\": [], \"guidance\": \"Guidance N1.\"},"
	"  {\"id\": \"M2\", \"title\": \"t\", \"tier\": 2, \"mode\": \"self_declaration\", \"obligation\": \"mandatory\","
	"   \"recommended_from\": 1, \"references\": [], \"evidence\": [\"document\"], \"guidance\": \"Guidance M2.\"},"
	"  {\"id\": \"L3\", \"title\": \"t\", \"tier\": 3, \"mode\": \"third_party\", \"obligation\": \"mandatory\","
	"   \"references\": [], \"evidence\": [\"lab_report\"], \"guidance\": \"Guidance L3.\"},"
	"  {\"id\": \"L3C\", \"title\": \"t\", \"tier\": 3, \"mode\": \"third_party\", \"obligation\": \"conditional\","
	"   \"conditions\": [\"K2\"], \"references\": [], \"evidence\": [\"lab_report\"], \"guidance\": \"Guidance L3C.\"},"
	"  {\"id\": \"S3\", \"title\": \"t\", \"tier\": 3, \"mode\": \"self_declaration\", \"obligation\": \"mandatory\","
	"   \"references\": [], \"evidence\": [\"document\"], \"guidance\": \"Guidance S3.\"},"
	"  {\"id\": \"L4\", \"title\": \"t\", \"tier\": 4, \"mode\": \"third_party\", \"obligation\": \"mandatory\","
	"   \"references\": [], \"evidence\": [\"lab_report\"], \"guidance\": \"Guidance L4.\"}],"
	" \"reassessment\": {\"summary\": \"s\", \"rules\": [{\"change\": \"any\", \"description\": \"d\","
	"   \"action\": \"retest\"}]}}";

static struct scheme *load_test_scheme(void)
{
	char err[LABELD_SCHEME_ERRLEN];
	json_error_t jerr;
	json_t *doc = json_loads(test_scheme, 0, &jerr);
	struct scheme *s;

	ck_assert_msg(doc != NULL, "test scheme JSON: %s", jerr.text);
	s = scheme_from_json(doc, "test", err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	json_decref(doc);
	return s;
}

static struct scheme *load_shipped(const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[4096], err[LABELD_SCHEME_ERRLEN];
	struct scheme *s;

	snprintf(path, sizeof path, "%s/schemas/schemes/%s", top != NULL ? top : ".", name);
	s = scheme_load_file(path, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

/* ---- answer sets the cases start from and edit ---- */

#define MAXD 16
#define MAXL 16

struct answers {
	struct assess_decl d[MAXD];
	size_t nd;
	struct assess_lab l[MAXL];
	size_t nl;
};

/* Everything met: achieves tier 4 of the test scheme. */
static void full_answers(struct answers *a)
{
	static const char *const decl_ids[] = { "M1", "C1R", "R1", "N1", "M2", "S3" };
	size_t i;

	memset(a, 0, sizeof *a);
	for (i = 0; i < sizeof decl_ids / sizeof decl_ids[0]; i++)
		a->d[a->nd++] = (struct assess_decl){ decl_ids[i], ASSESS_CONFORMANT, NULL,
		                                      strcmp(decl_ids[i], "N1") == 0 ? 0 : 1, NULL };
	a->l[a->nl++] = (struct assess_lab){ "L3", ASSESS_PASS, 3 };
	a->l[a->nl++] = (struct assess_lab){ "L3C", ASSESS_PASS, 3 };
	a->l[a->nl++] = (struct assess_lab){ "L4", ASSESS_PASS, 4 };
}

enum op { OP_NONE, OP_DROP_DECL, OP_SET_DECL, OP_DROP_LABS, OP_ADD_LAB };

struct change {
	enum op op;
	const char *req;
	enum assess_status status;
	const char *justification;
	size_t nevidence;
	enum assess_verdict verdict;
	int tier;
};

static void drop_decl(struct answers *a, const char *req)
{
	size_t i;

	for (i = 0; i < a->nd; i++)
		if (strcmp(a->d[i].requirement, req) == 0) {
			a->d[i] = a->d[--a->nd];
			return;
		}
}

static void apply(struct answers *a, const struct change *c)
{
	size_t i;

	switch (c->op) {
	case OP_NONE:
		break;
	case OP_DROP_DECL:
		drop_decl(a, c->req);
		break;
	case OP_SET_DECL:
		drop_decl(a, c->req);
		ck_assert(a->nd < MAXD);
		a->d[a->nd++] = (struct assess_decl){ c->req, c->status, c->justification,
		                                      c->nevidence, NULL };
		break;
	case OP_DROP_LABS:
		for (i = a->nl; i-- > 0;)
			if (strcmp(a->l[i].requirement, c->req) == 0)
				a->l[i] = a->l[--a->nl];
		break;
	case OP_ADD_LAB:
		ck_assert(a->nl < MAXL);
		a->l[a->nl++] = (struct assess_lab){ c->req, c->verdict, c->tier };
		break;
	}
}

/* ---- the table ---- */

struct tcase {
	const char *name;
	struct change ch[3];
	int achieved;
	const char *gap_req;      /* requirement whose gap is checked, NULL: no gaps at all */
	const char *reason;
};

#define NONE { OP_NONE, NULL, ASSESS_CONFORMANT, NULL, 0, ASSESS_PASS, 0 }
#define DECL(r, st, j, ev) { OP_SET_DECL, r, st, j, ev, ASSESS_PASS, 0 }
#define DROP(r) { OP_DROP_DECL, r, ASSESS_CONFORMANT, NULL, 0, ASSESS_PASS, 0 }
#define DROPLAB(r) { OP_DROP_LABS, r, ASSESS_CONFORMANT, NULL, 0, ASSESS_PASS, 0 }
#define LAB(r, v, t) { OP_ADD_LAB, r, ASSESS_CONFORMANT, NULL, 0, v, t }

static const struct tcase cases[] = {
	{ "everything met", { NONE }, 4, NULL, NULL },
	{ "missing declaration", { DROP("M1") }, 0, "M1", "missing" },
	{ "declared non_conformant", { DECL("M1", ASSESS_NON_CONFORMANT, NULL, 1) }, 0, "M1",
	  "non_conformant" },
	{ "conformant without evidence", { DECL("M1", ASSESS_CONFORMANT, NULL, 0) }, 0, "M1",
	  "evidence_missing" },
	{ "no evidence needed when the requirement lists none",
	  { DECL("N1", ASSESS_CONFORMANT, NULL, 0) }, 4, NULL, NULL },
	{ "mandatory declared not_applicable even with justification",
	  { DECL("M1", ASSESS_NOT_APPLICABLE, "we think so", 0) }, 0, "M1",
	  "not_applicable_not_allowed" },
	{ "conditional not_applicable without justification",
	  { DECL("C1R", ASSESS_NOT_APPLICABLE, NULL, 0) }, 0, "C1R",
	  "not_applicable_without_justification" },
	{ "conditional not_applicable with blank justification",
	  { DECL("C1R", ASSESS_NOT_APPLICABLE, " \t\n", 0) }, 0, "C1R",
	  "not_applicable_without_justification" },
	{ "conditional not_applicable with justification",
	  { DECL("C1R", ASSESS_NOT_APPLICABLE, "The device has no passwords: it pairs by NFC.", 0) },
	  4, NULL, NULL },
	{ "conditional missing", { DROP("C1R") }, 0, "C1R", "missing" },
	{ "conditional non_conformant", { DECL("C1R", ASSESS_NON_CONFORMANT, NULL, 0) }, 0, "C1R",
	  "non_conformant" },
	{ "recommended missing never blocks", { DROP("R1") }, 4, NULL, NULL },
	{ "recommended non_conformant never blocks",
	  { DECL("R1", ASSESS_NON_CONFORMANT, NULL, 0) }, 4, NULL, NULL },
	{ "recommended lab fail never blocks", { LAB("R1", ASSESS_FAIL, 1) }, 4, NULL, NULL },
	{ "cumulative: a tier 2 gap keeps tier 1", { DROP("M2") }, 1, "M2", "missing" },
	{ "cumulative: a tier 1 gap blocks every tier even with all higher met", { DROP("N1") }, 0,
	  "N1", "missing" },
	{ "third_party without lab result", { DROPLAB("L3") }, 2, "L3", "needs_lab_result" },
	{ "third_party: a declaration never satisfies it",
	  { DROPLAB("L3"), DECL("L3", ASSESS_CONFORMANT, NULL, 3) }, 2, "L3", "needs_lab_result" },
	{ "third_party: vendor's not_applicable does not satisfy a conditional lab requirement",
	  { DROPLAB("L3C"), DECL("L3C", ASSESS_NOT_APPLICABLE, "No debug port.", 0) }, 2, "L3C",
	  "needs_lab_result" },
	{ "lab fail", { DROPLAB("L3"), LAB("L3", ASSESS_FAIL, 3) }, 2, "L3", "lab_failed" },
	{ "lab fail in a higher report beats a pass", { LAB("L3", ASSESS_FAIL, 4) }, 2, "L3",
	  "lab_failed" },
	{ "lab fail overrides a conformant declaration", { LAB("M1", ASSESS_FAIL, 1) }, 0, "M1",
	  "lab_failed" },
	{ "lab fail in a tier 3 report on a tier 2 declaration", { LAB("M2", ASSESS_FAIL, 3) }, 1,
	  "M2", "lab_failed" },
	{ "lab fail beats a justified not_applicable",
	  { DECL("C1R", ASSESS_NOT_APPLICABLE, "No passwords.", 0), LAB("C1R", ASSESS_FAIL, 2) }, 0,
	  "C1R", "lab_failed" },
	{ "lab pass does not replace the vendor's declaration", { DROP("M1"), LAB("M1", ASSESS_PASS, 1) },
	  0, "M1", "missing" },
	{ "lab pass does not hide the vendor's own non_conformant",
	  { DECL("L3", ASSESS_NON_CONFORMANT, NULL, 0) }, 2, "L3", "non_conformant" },
	{ "lab not_applicable on a conditional lab requirement", { DROPLAB("L3C"),
	  LAB("L3C", ASSESS_VERDICT_NA, 3) }, 4, NULL, NULL },
	{ "lab not_applicable on a mandatory lab requirement", { DROPLAB("L3"),
	  LAB("L3", ASSESS_VERDICT_NA, 3) }, 2, "L3", "not_applicable_not_allowed" },
	{ "lab pass beats the lab's own not_applicable in another report",
	  { LAB("L3", ASSESS_VERDICT_NA, 4) }, 4, NULL, NULL },
	{ "lab requirement met in a higher tier's report", { DROPLAB("L3"), LAB("L3", ASSESS_PASS, 4) },
	  4, NULL, NULL },
	{ "self-declared requirement in a lab tier", { DROP("S3") }, 2, "S3", "missing" },
	{ "top tier lab requirement", { DROPLAB("L4") }, 3, "L4", "needs_lab_result" },
	{ "lab not_applicable on a self-declared requirement changes nothing",
	  { DROP("M2"), LAB("M2", ASSESS_VERDICT_NA, 2) }, 1, "M2", "missing" },
};

static int gap_in_tier(const json_t *doc, int tier, const char *req, const char **reason)
{
	const json_t *t = json_array_get(json_object_get(doc, "tiers"), (size_t)tier - 1);
	const json_t *gaps = json_object_get(t, "gaps"), *g;
	size_t i;

	json_array_foreach(gaps, i, g) {
		if (json_is_string(json_object_get(g, "requirement")) &&
		    strcmp(json_string_value(json_object_get(g, "requirement")), req) == 0) {
			*reason = json_string_value(json_object_get(g, "reason"));
			return 1;
		}
	}
	return 0;
}

START_TEST(test_table)
{
	const struct tcase *tc = &cases[_i];
	struct scheme *s = load_test_scheme();
	struct answers a;
	struct assess_result *r;
	char err[256];
	json_t *doc;
	int t, rt;
	size_t k;

	full_answers(&a);
	for (k = 0; k < sizeof tc->ch / sizeof tc->ch[0]; k++)
		apply(&a, &tc->ch[k]);
	r = assess_run(s, a.d, a.nd, a.l, a.nl, err, sizeof err);
	ck_assert_msg(r != NULL, "%s: %s", tc->name, err);
	ck_assert_msg(assess_achieved_tier(r) == tc->achieved, "%s: achieved %d, want %d", tc->name,
	              assess_achieved_tier(r), tc->achieved);
	doc = assess_to_json(r);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "achieved_tier")), tc->achieved);
	for (t = 1; t <= 4; t++) {
		const json_t *tj = json_array_get(json_object_get(doc, "tiers"), (size_t)t - 1);
		int sat = json_is_true(json_object_get(tj, "satisfied"));
		ck_assert_int_eq(sat, t <= tc->achieved);
		ck_assert_int_eq(assess_tier_satisfied(r, t), t <= tc->achieved);
		/* Satisfied exactly when the tier lists no gap. */
		ck_assert_int_eq(sat, json_array_size(json_object_get(tj, "gaps")) == 0);
	}
	if (tc->gap_req != NULL) {
		rt = scheme_requirement_tier(s, tc->gap_req);
		/* Cumulative: the gap is listed in its own tier and every tier above,
		 * never below. */
		for (t = 1; t <= 4; t++) {
			const char *reason = NULL;
			int has = gap_in_tier(doc, t, tc->gap_req, &reason);
			ck_assert_msg(has == (t >= rt), "%s: gap of %s in tier %d: %d", tc->name,
			              tc->gap_req, t, has);
			if (has)
				ck_assert_str_eq(reason, tc->reason);
		}
	}
	json_decref(doc);
	assess_free(r);
	scheme_free(s);
}
END_TEST

/* ---- gap contents ---- */

START_TEST(test_gap_fields)
{
	struct scheme *s = load_test_scheme();
	struct assess_result *r;
	const json_t *g, *tiers, *t1;
	char err[256];
	json_t *doc, *gaps;

	r = assess_run(s, NULL, 0, NULL, 0, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(assess_achieved_tier(r), 0);
	doc = assess_to_json(r);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "scheme")), "engine-test");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "scheme_version")), 3);
	tiers = json_object_get(doc, "tiers");
	ck_assert_uint_eq(json_array_size(tiers), 4);
	t1 = json_array_get(tiers, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(t1, "tier")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(t1, "name")), "One");
	ck_assert_str_eq(json_string_value(json_object_get(t1, "mode")), "self_declaration");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(tiers, 2), "mode")),
	                 "third_party");
	/* Tier 1: M1, C1R, N1 (R1 is recommended). */
	ck_assert_uint_eq(json_array_size(json_object_get(t1, "gaps")), 3);
	g = json_array_get(json_object_get(t1, "gaps"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(g, "requirement")), "C1R");
	ck_assert_str_eq(json_string_value(json_object_get(g, "reason")), "missing");
	ck_assert_str_eq(json_string_value(json_object_get(g, "guidance")), "Guidance C1R.");
	ck_assert_int_eq(json_integer_value(json_object_get(g, "tier")), 1);
	ck_assert_ptr_nonnull(json_string_value(json_object_get(g, "title")));
	ck_assert(strlen(json_string_value(json_object_get(g, "detail"))) > 20);
	/* Conditions and evidence kinds in words, not ids alone. */
	ck_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(json_object_get(g, "conditions"), 0), "id")), "K1");
	ck_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(json_object_get(g, "conditions"), 0), "text")), "Passwords are used.");
	ck_assert_uint_eq(json_array_size(json_object_get(g, "evidence_kinds")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(json_object_get(g, "evidence_kinds"), 0), "id")), "document");
	ck_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(json_object_get(g, "evidence_kinds"), 0), "description")), "A document.");
	/* Unsituated: the vendor's, with the route's {id} left as is. */
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(g, "next_step"),
	    "actor")), "vendor");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(g,
	    "next_step"), "action")), "not_applicable with a justification"));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(g,
	    "next_step"), "action")), "/v1/submissions/{id}/declarations"));
	ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(t1, "gaps"), 0),
	                                   "conditions"));
	/* N1 asks for no evidence: an empty list, and no upload in its step. */
	g = json_array_get(json_object_get(t1, "gaps"), 2);
	ck_assert_str_eq(json_string_value(json_object_get(g, "requirement")), "N1");
	ck_assert_uint_eq(json_array_size(json_object_get(g, "evidence_kinds")), 0);
	ck_assert_ptr_null(strstr(json_string_value(json_object_get(json_object_get(g,
	    "next_step"), "action")), "evidence"));
	/* Tier 4 lists everything: 3 + M2 + L3, L3C, S3 + L4. */
	ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(tiers, 3), "gaps")), 8);

	gaps = assess_gaps_json(r, 2);
	ck_assert_uint_eq(json_array_size(gaps), 4);
	json_decref(gaps);
	ck_assert_ptr_null(assess_gaps_json(r, 0));
	ck_assert_ptr_null(assess_gaps_json(r, 5));
	ck_assert_int_eq(assess_tier_satisfied(r, 0), -1);
	ck_assert_int_eq(assess_tier_satisfied(r, 5), -1);

	/* The returned document is the caller's: editing it changes nothing. */
	json_object_set_new(doc, "achieved_tier", json_integer(4));
	json_decref(doc);
	doc = assess_to_json(r);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "achieved_tier")), 0);
	json_decref(doc);
	assess_free(r);
	scheme_free(s);
}
END_TEST

/* The gap of requirement req in the tier-t list of r's document. */
static const char *step_of(const struct assess_result *r, int t, const char *req,
                           const char *member)
{
	static char out[1024];
	json_t *gaps = assess_gaps_json(r, t), *g;
	size_t i;

	out[0] = '\0';
	json_array_foreach(gaps, i, g)
		if (json_is_string(json_object_get(g, "requirement")) &&
		    strcmp(json_string_value(json_object_get(g, "requirement")), req) == 0)
			snprintf(out, sizeof out, "%s", json_string_value(json_object_get(
			    json_object_get(g, "next_step"), member)));
	json_decref(gaps);
	return out;
}

/* Who acts next on a gap depends on the submission's stage and its lab. */
START_TEST(test_next_step)
{
	struct scheme *s = load_test_scheme();
	struct assess_lab fail = { "L4", ASSESS_FAIL, 4 };
	struct assess_result *r;
	struct assess_situation sit = { ASSESS_STAGE_OPEN, 0, "S-1", NULL };
	char err[256];

	r = assess_run(s, NULL, 0, &fail, 1, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(assess_situate(r, &sit), 0);
	/* No lab: the vendor picks one from the published list. */
	ck_assert_str_eq(step_of(r, 3, "L3", "actor"), "vendor");
	ck_assert_ptr_nonnull(strstr(step_of(r, 3, "L3", "action"), "GET /v1/labs"));
	ck_assert_ptr_nonnull(strstr(step_of(r, 3, "L3", "action"), "/v1/submissions/S-1/lab"));
	ck_assert_ptr_null(strstr(step_of(r, 3, "L3", "action"), "{id}"));
	ck_assert_ptr_nonnull(strstr(step_of(r, 1, "M1", "action"), "evidence?kind=KIND"));
	/* A lab assigned: it files the verdict; a fail is the vendor's to fix. */
	sit.lab_assigned = 1;
	ck_assert_int_eq(assess_situate(r, &sit), 0);
	ck_assert_str_eq(step_of(r, 3, "L3", "actor"), "lab");
	ck_assert_ptr_nonnull(strstr(step_of(r, 3, "L3", "action"), "/v1/submissions/S-1/lab-reports"));
	ck_assert_str_eq(step_of(r, 4, "L4", "actor"), "vendor");
	ck_assert_ptr_nonnull(strstr(step_of(r, 4, "L4", "action"), "retest"));
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "vendor");
	/* With the regulator: the vendor waits, the lab may still report. */
	sit.stage = ASSESS_STAGE_REVIEW;
	ck_assert_int_eq(assess_situate(r, &sit), 0);
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "regulator");
	ck_assert_str_eq(step_of(r, 4, "L4", "actor"), "regulator");
	ck_assert_str_eq(step_of(r, 3, "L3", "actor"), "lab");
	/* Final: nobody. */
	sit.stage = ASSESS_STAGE_CLOSED;
	ck_assert_int_eq(assess_situate(r, &sit), 0);
	ck_assert_str_eq(step_of(r, 3, "L3", "actor"), "none");
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "none");
	assess_free(r);
	scheme_free(s);
}
END_TEST

/* Evidence counts only when of a kind the requirement asks for. */
START_TEST(test_evidence_kinds)
{
	struct scheme *s = load_test_scheme();
	static const char *const wrong[] = { "lab_report" };
	static const char *const unknown[] = { NULL };
	static const char *const mixed[] = { "lab_report", "document" };
	struct assess_decl d = { "M1", ASSESS_CONFORMANT, NULL, 1, wrong };
	struct assess_result *r;
	char err[256];

	r = assess_run(s, &d, 1, NULL, 0, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "vendor");
	ck_assert_ptr_nonnull(strstr(step_of(r, 1, "M1", "action"), "evidence?kind=KIND"));
	{
		json_t *gaps = assess_gaps_json(r, 1);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(gaps, 0),
		    "reason")), "evidence_wrong_kind");
		json_decref(gaps);
	}
	assess_free(r);
	d.evidence_kinds = unknown;
	r = assess_run(s, &d, 1, NULL, 0, err, sizeof err);
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "vendor");
	assess_free(r);
	/* One fitting item among others is enough; no kinds known: any. */
	d.evidence_kinds = mixed;
	d.nevidence = 2;
	r = assess_run(s, &d, 1, NULL, 0, err, sizeof err);
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "");
	assess_free(r);
	d.evidence_kinds = NULL;
	r = assess_run(s, &d, 1, NULL, 0, err, sizeof err);
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "");
	assess_free(r);
	ck_assert_str_eq(assess_reason_name(ASSESS_GAP_EVIDENCE_KIND), "evidence_wrong_kind");
	scheme_free(s);
}
END_TEST

/* The test scheme with a vulnerability threshold from tier 3. */
static struct scheme *load_vuln_scheme(const char *threshold, int sbom_from, char *err,
                                       size_t errlen)
{
	json_error_t jerr;
	json_t *doc = json_loads(test_scheme, 0, &jerr);
	struct scheme *s;

	ck_assert_ptr_nonnull(doc);
	json_object_set_new(doc, "vulnerability_threshold", json_string(threshold));
	if (sbom_from > 0)
		json_object_set_new(json_object_get(doc, "reassessment"), "sbom_from_tier",
		                    json_integer(sbom_from));
	s = scheme_from_json(doc, "test", err, errlen);
	json_decref(doc);
	return s;
}

/* Unresolved vulnerabilities at or above the threshold block tier 3 up. */
START_TEST(test_vulnerabilities)
{
	char err[LABELD_SCHEME_ERRLEN];
	struct scheme *s;
	struct assess_result *r;
	struct assess_vuln v[] = {
		{ "CVE-2024-0001", "high", 0 },		/* at the threshold: a gap */
		{ "CVE-2024-0002", "medium", 0 },	/* below: none */
		{ "CVE-2024-0003", "critical", 1 },	/* resolved: none */
		{ "CVE-2024-0004", NULL, 0 },		/* unknown: counts as above */
	};
	json_t *gaps, *g;
	size_t i;
	int n3 = 0;

	ck_assert_ptr_null(load_vuln_scheme("high", 0, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "sbom_from_tier"));
	ck_assert_ptr_null(load_vuln_scheme("severe", 3, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "vulnerability_threshold"));
	s = load_vuln_scheme("high", 3, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(scheme_vulnerability_threshold(s), "high");

	r = assess_run_vulns(s, NULL, 0, NULL, 0, v, 4, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	gaps = assess_gaps_json(r, 2);
	json_array_foreach(gaps, i, g)
		ck_assert(json_object_get(g, "vulnerability") == NULL);
	json_decref(gaps);
	gaps = assess_gaps_json(r, 3);
	json_array_foreach(gaps, i, g) {
		const char *id = json_string_value(json_object_get(g, "vulnerability"));

		if (id == NULL)
			continue;
		n3++;
		ck_assert(json_is_null(json_object_get(g, "requirement")));
		ck_assert_str_eq(json_string_value(json_object_get(g, "reason")),
		                 "vulnerability_unresolved");
		ck_assert_int_eq(json_integer_value(json_object_get(g, "tier")), 3);
		ck_assert(strcmp(id, "CVE-2024-0001") == 0 || strcmp(id, "CVE-2024-0004") == 0);
		if (strcmp(id, "CVE-2024-0004") == 0)
			ck_assert(json_is_null(json_object_get(g, "severity")));
		ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
		    json_object_get(g, "next_step"), "action")), id));
	}
	ck_assert_int_eq(n3, 2);
	json_decref(gaps);
	assess_free(r);

	/* Resolved, all of them: no vulnerability gap; a NULL id is refused. */
	v[0].resolved = v[3].resolved = 1;
	r = assess_run_vulns(s, NULL, 0, NULL, 0, v, 4, err, sizeof err);
	gaps = assess_gaps_json(r, 4);
	json_array_foreach(gaps, i, g)
		ck_assert(json_object_get(g, "vulnerability") == NULL);
	json_decref(gaps);
	assess_free(r);
	v[1].id = NULL;
	ck_assert_ptr_null(assess_run_vulns(s, NULL, 0, NULL, 0, v, 4, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "no id"));
	scheme_free(s);

	/* Without a threshold, vulnerabilities never block. */
	s = load_test_scheme();
	v[1].id = "CVE-2024-0002";
	v[0].resolved = 0;
	r = assess_run_vulns(s, NULL, 0, NULL, 0, v, 4, err, sizeof err);
	gaps = assess_gaps_json(r, 4);
	json_array_foreach(gaps, i, g)
		ck_assert(json_object_get(g, "vulnerability") == NULL);
	json_decref(gaps);
	assess_free(r);
	scheme_free(s);
}
END_TEST

/* The test scheme with lab review on tier 1 (or lab_review as given). */
static struct scheme *load_review_scheme(int tier_index, json_t *value, char *err,
                                         size_t errlen)
{
	json_error_t jerr;
	json_t *doc = json_loads(test_scheme, 0, &jerr);
	struct scheme *s;

	ck_assert_ptr_nonnull(doc);
	json_object_set_new(json_array_get(json_object_get(doc, "tiers"), tier_index),
	                    "lab_review", value);
	s = scheme_from_json(doc, "test", err, errlen);
	json_decref(doc);
	return s;
}

/* A lab-reviewed tier: declarations need the lab's pass too. */
START_TEST(test_lab_review)
{
	char err[LABELD_SCHEME_ERRLEN];
	static const char *const doc_kind[] = { "document" };
	struct assess_decl d[] = {
		{ "M1", ASSESS_CONFORMANT, NULL, 1, doc_kind },
		{ "C1R", ASSESS_NOT_APPLICABLE, "No passwords at all.", 0, NULL },
		{ "N1", ASSESS_CONFORMANT, NULL, 0, NULL },
	};
	struct assess_lab l[] = {
		{ "M1", ASSESS_PASS, 1 }, { "C1R", ASSESS_VERDICT_NA, 1 },
		{ "N1", ASSESS_FAIL, 1 },
	};
	struct assess_situation sit = { ASSESS_STAGE_OPEN, 1, "S-2", NULL };
	struct assess_result *r;
	struct scheme *s;

	ck_assert_ptr_null(load_review_scheme(2, json_true(), err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "only on a self_declaration tier"));
	ck_assert_ptr_null(load_review_scheme(0, json_string("yes"), err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "expected true or false"));
	s = load_review_scheme(2, json_false(), err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	scheme_free(s);
	s = load_review_scheme(0, json_true(), err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_int_eq(scheme_tier_lab_review(s, 1), 1);
	ck_assert_int_eq(scheme_tier_lab_review(s, 2), 0);
	ck_assert_int_eq(scheme_tier_lab_assessed(s, 1), 1);
	ck_assert_int_eq(scheme_tier_lab_assessed(s, 2), 0);
	ck_assert_int_eq(scheme_tier_lab_assessed(s, 3), 1);
	ck_assert_int_eq(scheme_tier_lab_assessed(s, 5), -1);

	/* Declarations alone: each tier-1 one waits for the lab. */
	r = assess_run(s, d, 3, NULL, 0, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(assess_situate(r, &sit), 0);
	ck_assert_int_eq(assess_tier_satisfied(r, 1), 0);
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "lab");
	ck_assert_str_eq(step_of(r, 1, "C1R", "actor"), "lab");
	assess_free(r);
	/* The lab's pass and not_applicable clear them; its fail does not. */
	r = assess_run(s, d, 3, l, 3, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_str_eq(step_of(r, 1, "M1", "actor"), "");
	ck_assert_str_eq(step_of(r, 1, "C1R", "actor"), "");
	ck_assert_str_eq(step_of(r, 1, "N1", "actor"), "vendor");
	{
		json_t *met = assess_requirements_met(r, 1);
		ck_assert_uint_eq(json_array_size(met), 1);	/* M1; C1R is n/a */
		json_decref(met);
	}
	assess_free(r);
	l[2].verdict = ASSESS_PASS;
	r = assess_run(s, d, 3, l, 3, err, sizeof err);
	ck_assert_int_eq(assess_tier_satisfied(r, 1), 1);
	assess_free(r);
	/* Without a lab review the same declarations meet tier 1 alone. */
	scheme_free(s);
	s = load_test_scheme();
	r = assess_run(s, d, 3, NULL, 0, err, sizeof err);
	ck_assert_int_eq(assess_tier_satisfied(r, 1), 1);
	assess_free(r);
	scheme_free(s);
}
END_TEST

START_TEST(test_result_outlives_scheme)
{
	struct scheme *s = load_test_scheme();
	struct assess_result *r = assess_run(s, NULL, 0, NULL, 0, NULL, 0);
	json_t *doc;

	ck_assert_ptr_nonnull(r);
	scheme_free(s);
	doc = assess_to_json(r);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(doc, "tiers"), 0), "gaps"), 0), "guidance")),
		"Guidance M1.");
	json_decref(doc);
	assess_free(r);
}
END_TEST

START_TEST(test_requirements_met)
{
	struct scheme *s = load_test_scheme();
	struct answers a;
	struct assess_result *r;
	json_t *met;
	char err[256];
	struct change na = DECL("C1R", ASSESS_NOT_APPLICABLE, "No passwords.", 0);

	full_answers(&a);
	apply(&a, &na);
	r = assess_run(s, a.d, a.nd, a.l, a.nl, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	met = assess_requirements_met(r, 2);
	/* Scheme order; the not_applicable one is not "met"; recommended is. */
	ck_assert_uint_eq(json_array_size(met), 4);
	ck_assert_str_eq(json_string_value(json_array_get(met, 0)), "M1");
	ck_assert_str_eq(json_string_value(json_array_get(met, 1)), "R1");
	ck_assert_str_eq(json_string_value(json_array_get(met, 2)), "N1");
	ck_assert_str_eq(json_string_value(json_array_get(met, 3)), "M2");
	json_decref(met);
	met = assess_requirements_met(r, 4);
	ck_assert_uint_eq(json_array_size(met), 8);
	json_decref(met);
	met = assess_requirements_met(r, 0);
	ck_assert_uint_eq(json_array_size(met), 0);
	json_decref(met);
	ck_assert_ptr_null(assess_requirements_met(r, 5));
	ck_assert_ptr_null(assess_requirements_met(r, -1));
	assess_free(r);
	scheme_free(s);
}
END_TEST

/* ---- invalid input ---- */

struct bad_input {
	const char *name;
	struct assess_decl d[2];
	size_t nd;
	struct assess_lab l[2];
	size_t nl;
	const char *err_part;
};

static const struct bad_input bad_inputs[] = {
	{ "unknown requirement in a declaration",
	  { { "NOPE", ASSESS_CONFORMANT, NULL, 1, NULL } }, 1, { { 0 } }, 0,
	  "declaration 0: unknown requirement \"NOPE\" in scheme engine-test version 3" },
	{ "unknown requirement is case-sensitive",
	  { { "m1", ASSESS_CONFORMANT, NULL, 1, NULL } }, 1, { { 0 } }, 0, "unknown requirement \"m1\"" },
	{ "unknown requirement in a lab result", { { 0 } }, 0,
	  { { "M1", ASSESS_PASS, 1 }, { "X9", ASSESS_PASS, 1 } }, 2,
	  "lab result 1: unknown requirement \"X9\"" },
	{ "NULL requirement", { { NULL, ASSESS_CONFORMANT, NULL, 0, NULL } }, 1, { { 0 } }, 0,
	  "unknown requirement \"(null)\"" },
	{ "duplicate declaration",
	  { { "M1", ASSESS_CONFORMANT, NULL, 1, NULL }, { "M1", ASSESS_NON_CONFORMANT, NULL, 0, NULL } }, 2,
	  { { 0 } }, 0, "declaration 1: requirement \"M1\" already declared by declaration 0" },
	{ "duplicate lab verdict in one report", { { 0 } }, 0,
	  { { "L3", ASSESS_PASS, 3 }, { "L3", ASSESS_FAIL, 3 } }, 2,
	  "lab result 1: second verdict on \"L3\" in the tier 3 report" },
	{ "lab report below the requirement's tier", { { 0 } }, 0,
	  { { "L4", ASSESS_PASS, 3 } }, 1, "belongs to tier 4, not covered by a tier 3 report" },
	{ "lab tier 0", { { 0 } }, 0, { { "M1", ASSESS_PASS, 0 } }, 1, "tier 0 outside 1..4" },
	{ "lab tier above the scheme", { { 0 } }, 0, { { "M1", ASSESS_PASS, 5 } }, 1,
	  "tier 5 outside 1..4" },
	{ "invalid status", { { "M1", (enum assess_status)7, NULL, 0, NULL } }, 1, { { 0 } }, 0,
	  "declaration 0: invalid status" },
	{ "invalid verdict", { { 0 } }, 0, { { "M1", (enum assess_verdict)9, 1 } }, 1,
	  "lab result 0: invalid verdict" },
};

START_TEST(test_bad_input)
{
	const struct bad_input *b = &bad_inputs[_i];
	struct scheme *s = load_test_scheme();
	char err[256];
	struct assess_result *r = assess_run(s, b->d, b->nd, b->l, b->nl, err, sizeof err);

	ck_assert_msg(r == NULL, "%s: accepted", b->name);
	ck_assert_msg(strstr(err, b->err_part) != NULL, "%s: error \"%s\" lacks \"%s\"", b->name,
	              err, b->err_part);
	scheme_free(s);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct scheme *s = load_test_scheme();
	char err[8];

	ck_assert_ptr_null(assess_run(s, NULL, 1, NULL, 0, err, sizeof err));
	ck_assert_ptr_null(assess_run(s, NULL, 0, NULL, 2, NULL, 0));
	ck_assert_ptr_null(assess_run(NULL, NULL, 0, NULL, 0, err, sizeof err));
	/* A short buffer is truncated, never overrun (ASan build checks). */
	ck_assert_uint_eq(strlen(err), sizeof err - 1);
	assess_free(NULL);
	scheme_free(s);
}
END_TEST

START_TEST(test_names)
{
	enum assess_status st;
	enum assess_verdict v;
	static const char *const sts[] = { "conformant", "not_applicable", "non_conformant" };
	static const char *const vs[] = { "pass", "fail", "not_applicable" };
	static const char *const reasons[] = {
		"satisfied", "missing", "non_conformant", "evidence_missing",
		"not_applicable_without_justification", "not_applicable_not_allowed",
		"needs_lab_result", "lab_failed"
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(assess_status_parse(sts[i], &st), 0);
		ck_assert_str_eq(assess_status_name(st), sts[i]);
		ck_assert_int_eq(assess_verdict_parse(vs[i], &v), 0);
		ck_assert_str_eq(assess_verdict_name(v), vs[i]);
	}
	ck_assert_int_eq(assess_status_parse("Conformant", &st), -1);
	ck_assert_int_eq(assess_status_parse("pass", &st), -1);
	ck_assert_int_eq(assess_status_parse(NULL, &st), -1);
	ck_assert_int_eq(assess_verdict_parse("passed", &v), -1);
	ck_assert_int_eq(assess_verdict_parse(NULL, &v), -1);
	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		ck_assert_str_eq(assess_reason_name((enum assess_reason)i), reasons[i]);
	ck_assert_ptr_null(assess_reason_name((enum assess_reason)99));
}
END_TEST

/* ---- shipped schemes end to end ---- */

/* Answer every requirement of S: conformant with evidence (or a lab pass at
 * the requirement's tier), except requirements of tiers above UPTO. */
static struct assess_result *answer_all(const struct scheme *s, int upto, int conditional_na)
{
	size_t n = scheme_nrequirements(s), i, nd = 0, nl = 0;
	struct assess_decl *d = calloc(n, sizeof *d);
	struct assess_lab *l = calloc(n, sizeof *l);
	struct assess_result *r;
	char err[256];

	ck_assert(d != NULL && l != NULL);
	for (i = 0; i < n; i++) {
		const struct scheme_requirement *q = scheme_requirement_at(s, i);
		if (q->tier > upto)
			continue;
		if (q->mode == SCHEME_THIRD_PARTY) {
			l[nl++] = (struct assess_lab){ q->id, ASSESS_PASS, q->tier };
		} else if (conditional_na && q->obligation == SCHEME_CONDITIONAL) {
			d[nd++] = (struct assess_decl){ q->id, ASSESS_NOT_APPLICABLE,
			                                "The condition does not hold.", 0, NULL };
		} else {
			d[nd++] = (struct assess_decl){ q->id, ASSESS_CONFORMANT, NULL, 1, NULL };
		}
	}
	r = assess_run(s, d, nd, l, nl, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	free(d);
	free(l);
	return r;
}

START_TEST(test_shipped_cls)
{
	struct scheme *s = load_shipped("sg-cls-iot-1.json");
	struct assess_result *r;
	struct assess_decl only_declared[1] = { { "CLS-L3-BIN", ASSESS_CONFORMANT, NULL, 1, NULL } };
	char err[256];
	int t;

	for (t = 0; t <= 4; t++) {
		r = answer_all(s, t, 0);
		ck_assert_int_eq(assess_achieved_tier(r), t);
		assess_free(r);
	}
	r = answer_all(s, 4, 1);
	ck_assert_int_eq(assess_achieved_tier(r), 4);
	assess_free(r);

	/* A vendor cannot declare its way past a lab requirement. */
	r = assess_run(s, only_declared, 1, NULL, 0, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(assess_achieved_tier(r), 0);
	assess_free(r);
	scheme_free(s);
}
END_TEST

START_TEST(test_shipped_second_scheme)
{
	struct scheme *s = load_shipped("us-ctm-iot-1.json");
	struct assess_result *r;
	json_t *doc;

	ck_assert_int_eq(scheme_ntiers(s), 2);
	r = answer_all(s, 1, 0);
	ck_assert_int_eq(assess_achieved_tier(r), 1);
	doc = assess_to_json(r);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "tiers")), 2);
	json_decref(doc);
	assess_free(r);
	r = answer_all(s, 2, 0);
	ck_assert_int_eq(assess_achieved_tier(r), 2);
	assess_free(r);
	scheme_free(s);
}
END_TEST

/* ---- property: monotonicity ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure names a reproducible seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static int chance(unsigned per_mille)
{
	return rnd() % 1000 < per_mille;
}

struct rset {
	struct assess_decl *d;
	size_t nd;
	struct assess_lab *l;
	size_t nl;
	unsigned char *slot;   /* [req * (MAX_TIERS+1) + tier]: a lab verdict exists */
};

static const char *const justs[] = { NULL, "", "Condition does not hold." };

static void random_set(const struct scheme *s, struct rset *rs, unsigned err_pm)
{
	size_t n = scheme_nrequirements(s), i;
	int t, nt = scheme_ntiers(s);

	rs->nd = rs->nl = 0;
	memset(rs->slot, 0, n * (LABELD_SCHEME_MAX_TIERS + 1));
	for (i = 0; i < n; i++) {
		const struct scheme_requirement *q = scheme_requirement_at(s, i);
		if (chance(1000 - err_pm)) {
			enum assess_status st = ASSESS_CONFORMANT;
			if (chance(err_pm))
				st = chance(500) ? ASSESS_NOT_APPLICABLE : ASSESS_NON_CONFORMANT;
			rs->d[rs->nd++] = (struct assess_decl){ q->id, st, justs[rnd() % 3],
			                                        chance(1000 - err_pm) ? 1 : 0, NULL };
		}
		for (t = q->tier; t <= nt; t++) {
			unsigned p = q->mode == SCHEME_THIRD_PARTY && t == q->tier ? 1000 - err_pm : 40;
			if (chance(p)) {
				enum assess_verdict v = ASSESS_PASS;
				if (chance(err_pm))
					v = chance(500) ? ASSESS_FAIL : ASSESS_VERDICT_NA;
				rs->l[rs->nl++] = (struct assess_lab){ q->id, v, t };
				rs->slot[i * (LABELD_SCHEME_MAX_TIERS + 1) + (size_t)t] = 1;
			}
		}
	}
}

struct outcome {
	int achieved;
	int sat[LABELD_SCHEME_MAX_TIERS + 1];
};

static struct outcome run_set(const struct scheme *s, const struct rset *rs)
{
	struct outcome o = { 0, { 0 } };
	char err[256];
	struct assess_result *r = assess_run(s, rs->d, rs->nd, rs->l, rs->nl, err, sizeof err);
	int t;

	ck_assert_msg(r != NULL, "%s", err);
	o.achieved = assess_achieved_tier(r);
	for (t = 1; t <= scheme_ntiers(s); t++)
		o.sat[t] = assess_tier_satisfied(r, t);
	assess_free(r);
	return o;
}

/* A is no better than B in any tier. */
static void assert_le(const struct scheme *s, struct outcome a, struct outcome b, const char *what,
                      int iter)
{
	int t;

	ck_assert_msg(a.achieved <= b.achieved, "%s (iteration %d): tier %d -> %d", what, iter,
	              a.achieved, b.achieved);
	for (t = 1; t <= scheme_ntiers(s); t++)
		ck_assert_msg(!a.sat[t] || b.sat[t], "%s (iteration %d): tier %d lost", what, iter, t);
}

static void property_on(struct scheme *s, uint64_t seed, int iters)
{
	size_t n = scheme_nrequirements(s);
	struct rset rs;
	int it, max_seen = 0;

	rs.d = calloc(n + 1, sizeof *rs.d);
	rs.l = calloc(n * LABELD_SCHEME_MAX_TIERS + 1, sizeof *rs.l);
	rs.slot = calloc(n * (LABELD_SCHEME_MAX_TIERS + 1), 1);
	ck_assert(rs.d != NULL && rs.l != NULL && rs.slot != NULL);
	rng_state = seed;
	for (it = 0; it < iters; it++) {
		/* Error rate per set from 0 to 6 %, so every tier is reached often. */
		unsigned err_pm = (unsigned)(rnd() % 61);
		struct outcome base, more, less;
		size_t i, k;

		random_set(s, &rs, err_pm);
		base = run_set(s, &rs);
		if (base.achieved > max_seen)
			max_seen = base.achieved;

		/* Add a conformant declaration to an undeclared requirement. */
		for (k = 0; k < 8; k++) {
			size_t q = (size_t)(rnd() % n), j;
			int declared = 0;
			for (j = 0; j < rs.nd; j++)
				if (strcmp(rs.d[j].requirement, scheme_requirement_at(s, q)->id) == 0)
					declared = 1;
			if (declared)
				continue;
			rs.d[rs.nd++] = (struct assess_decl){ scheme_requirement_at(s, q)->id,
			                                      ASSESS_CONFORMANT, NULL, rnd() % 2, NULL };
			more = run_set(s, &rs);
			assert_le(s, base, more, "adding a conformant declaration", it);
			rs.nd--;
			break;
		}
		/* Add a lab pass where the set has no verdict. */
		for (k = 0; k < 8; k++) {
			size_t q = (size_t)(rnd() % n);
			const struct scheme_requirement *req = scheme_requirement_at(s, q);
			int t = req->tier + (int)(rnd() % (uint64_t)(scheme_ntiers(s) - req->tier + 1));
			if (rs.slot[q * (LABELD_SCHEME_MAX_TIERS + 1) + (size_t)t])
				continue;
			rs.l[rs.nl++] = (struct assess_lab){ req->id, ASSESS_PASS, t };
			more = run_set(s, &rs);
			assert_le(s, base, more, "adding a lab pass", it);
			rs.nl--;
			break;
		}
		/* Remove a conformant declaration. */
		for (k = 0; k < 8 && rs.nd > 0; k++) {
			struct assess_decl saved;
			i = (size_t)(rnd() % rs.nd);
			if (rs.d[i].status != ASSESS_CONFORMANT)
				continue;
			saved = rs.d[i];
			rs.d[i] = rs.d[--rs.nd];
			less = run_set(s, &rs);
			assert_le(s, less, base, "removing a conformant declaration", it);
			rs.d[rs.nd++] = rs.d[i];
			rs.d[i] = saved;
			break;
		}
		/* Remove a lab pass. */
		for (k = 0; k < 8 && rs.nl > 0; k++) {
			struct assess_lab saved;
			i = (size_t)(rnd() % rs.nl);
			if (rs.l[i].verdict != ASSESS_PASS)
				continue;
			saved = rs.l[i];
			rs.l[i] = rs.l[--rs.nl];
			less = run_set(s, &rs);
			assert_le(s, less, base, "removing a lab pass", it);
			rs.l[rs.nl++] = rs.l[i];
			rs.l[i] = saved;
			break;
		}
	}
	/* The generator must reach the top tier, or the property is vacuous there. */
	ck_assert_int_eq(max_seen, scheme_ntiers(s));
	free(rs.d);
	free(rs.l);
	free(rs.slot);
}

START_TEST(test_property_engine_scheme)
{
	struct scheme *s = load_test_scheme();

	property_on(s, 0x9E3779B97F4A7C15ULL, 3000);
	scheme_free(s);
}
END_TEST

START_TEST(test_property_cls)
{
	struct scheme *s = load_shipped("sg-cls-iot-1.json");

	property_on(s, 0xD1B54A32D192ED03ULL, 1500);
	scheme_free(s);
}
END_TEST

START_TEST(test_property_ctm)
{
	struct scheme *s = load_shipped("us-ctm-iot-1.json");

	property_on(s, 0x8CB92BA72F3D8DD7ULL, 1500);
	scheme_free(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("assess");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_table, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_loop_test(tc, test_bad_input, 0, (int)(sizeof bad_inputs / sizeof bad_inputs[0]));
	tcase_add_test(tc, test_gap_fields);
	tcase_add_test(tc, test_next_step);
	tcase_add_test(tc, test_evidence_kinds);
	tcase_add_test(tc, test_vulnerabilities);
	tcase_add_test(tc, test_lab_review);
	tcase_add_test(tc, test_result_outlives_scheme);
	tcase_add_test(tc, test_requirements_met);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_names);
	suite_add_tcase(su, tc);

	tc = tcase_create("shipped");
	tcase_add_test(tc, test_shipped_cls);
	tcase_add_test(tc, test_shipped_second_scheme);
	suite_add_tcase(su, tc);

	tc = tcase_create("property");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_property_engine_scheme);
	tcase_add_test(tc, test_property_cls);
	tcase_add_test(tc, test_property_ctm);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
