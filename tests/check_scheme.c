/*
 * check_scheme.c: the scheme loader and the shipped scheme data.
 *
 * - every shipped scheme loads, and its file name matches its id and version;
 * - sg-cls-iot covers every ETSI EN 303 645 provision with the standard's
 *   obligation and conditions (the table below, itself checked against
 *   $LABELD_VECTORS/etsi-en-303-645-provisions.tsv, see SOURCES.md there);
 * - every malformed fixture in tests/data/schemes is rejected with the JSON
 *   path of its fault, and no fixture goes untested;
 * - the loader and schemas/scheme.schema.json agree on required members.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scheme.h"

static const char *top(void)
{
	const char *t = getenv("top_srcdir");

	return t != NULL ? t : ".";
}

static struct scheme *load_rel(const char *rel, char *err, size_t errlen)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", top(), rel);
	return scheme_load_file(path, err, errlen);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A minimal valid scheme, edited by the tests below. */
static json_t *base_doc(void)
{
	static const char text[] =
		"{\"id\": \"mini\", \"version\": 2, \"title\": \"Mini\", \"country\": \"DE\","
		" \"max_validity_days\": 30,"
		" \"conditions\": [{\"id\": \"C1\", \"text\": \"Passwords are used.\"}],"
		" \"evidence_kinds\": [{\"id\": \"document\", \"description\": \"A document.\"}],"
		" \"tiers\": [{\"tier\": 1, \"name\": \"Only\", \"mode\": \"self_declaration\","
		"   \"description\": \"d\", \"evidence\": [\"document\"]}],"
		" \"requirements\": ["
		"  {\"id\": \"A\", \"title\": \"t\", \"tier\": 1, \"mode\": \"self_declaration\","
		"   \"obligation\": \"mandatory\", \"references\": [], \"evidence\": [], \"guidance\": \"g\"},"
		"  {\"id\": \"B\", \"title\": \"t\", \"tier\": 1, \"mode\": \"self_declaration\","
		"   \"obligation\": \"conditional\", \"conditions\": [\"C1\"], \"references\": [],"
		"   \"evidence\": [\"document\"], \"guidance\": \"g\"}],"
		" \"reassessment\": {\"summary\": \"s\", \"rules\": [{\"change\": \"fix\","
		"   \"description\": \"d\", \"action\": \"notify\"}]}}";
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);

	ck_assert_msg(doc != NULL, "%s", jerr.text);
	return doc;
}

/* ---- shipped schemes ---- */

START_TEST(test_shipped_all_load)
{
	char dirpath[4096];
	DIR *dir;
	struct dirent *de;
	int n = 0;

	snprintf(dirpath, sizeof dirpath, "%s/schemas/schemes", top());
	dir = opendir(dirpath);
	ck_assert_msg(dir != NULL, "%s: %s", dirpath, strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		char rel[512], err[LABELD_SCHEME_ERRLEN], want[256];
		struct scheme *s;
		json_t *raw;
		json_error_t jerr;
		char path[4096];

		if (!has_suffix(de->d_name, ".json"))
			continue;
		snprintf(rel, sizeof rel, "schemas/schemes/%s", de->d_name);
		s = load_rel(rel, err, sizeof err);
		ck_assert_msg(s != NULL, "shipped scheme rejected: %s", err);
		/* One file per version, named <id>-<version>.json. */
		snprintf(want, sizeof want, "%s-%d.json", scheme_id(s), scheme_version(s));
		ck_assert_str_eq(de->d_name, want);
		/* The served document is the file, unchanged. */
		snprintf(path, sizeof path, "%s/%s", top(), rel);
		raw = json_load_file(path, 0, &jerr);
		ck_assert_ptr_nonnull(raw);
		ck_assert(json_equal(raw, (json_t *)scheme_json(s)));
		json_decref(raw);
		ck_assert_ptr_nonnull(json_object_get(scheme_json(s), "model_note"));
		scheme_free(s);
		n++;
	}
	closedir(dir);
	ck_assert_int_ge(n, 2);
}
END_TEST

/* ETSI EN 303 645 V2.1.1 provisions with their status, as in
 * tests/data/vectors/etsi-en-303-645-provisions.tsv. */
static const struct { const char *id, *status; } etsi[] = {
	{ "5.1-1", "M C(1)" }, { "5.1-2", "M C(2)" }, { "5.1-3", "M" }, { "5.1-4", "M C(8)" },
	{ "5.1-5", "M C(5)" }, { "5.2-1", "M" }, { "5.2-2", "R" }, { "5.2-3", "R" },
	{ "5.3-1", "R" }, { "5.3-2", "M C(5)" }, { "5.3-3", "M C(12)" }, { "5.3-4", "R C(12)" },
	{ "5.3-5", "R C(12)" }, { "5.3-6", "R C(9,12)" }, { "5.3-7", "M C(12)" },
	{ "5.3-8", "M C(12)" }, { "5.3-9", "R C(12)" }, { "5.3-10", "M C(11,12)" },
	{ "5.3-11", "R C(12)" }, { "5.3-12", "R C(12)" }, { "5.3-13", "M" },
	{ "5.3-14", "R C(3,4)" }, { "5.3-15", "R C(3,4)" }, { "5.3-16", "M" }, { "5.4-1", "M" },
	{ "5.4-2", "M C(10)" }, { "5.4-3", "M" }, { "5.4-4", "M" }, { "5.5-1", "M" },
	{ "5.5-2", "R" }, { "5.5-3", "R" }, { "5.5-4", "R" }, { "5.5-5", "M" }, { "5.5-6", "R" },
	{ "5.5-7", "M" }, { "5.5-8", "M" }, { "5.6-1", "M" }, { "5.6-2", "M" }, { "5.6-3", "R" },
	{ "5.6-4", "M C(13)" }, { "5.6-5", "R" }, { "5.6-6", "R" }, { "5.6-7", "R" },
	{ "5.6-8", "R" }, { "5.6-9", "R" }, { "5.7-1", "R" }, { "5.7-2", "R" }, { "5.8-1", "R" },
	{ "5.8-2", "M" }, { "5.8-3", "M" }, { "5.9-1", "R" }, { "5.9-2", "R" }, { "5.9-3", "R" },
	{ "5.10-1", "R C(6)" }, { "5.11-1", "M" }, { "5.11-2", "R" }, { "5.11-3", "R" },
	{ "5.11-4", "R" }, { "5.12-1", "R" }, { "5.12-2", "R" }, { "5.12-3", "R" },
	{ "5.13-1", "M" }, { "6-1", "M" }, { "6-2", "M C(7)" }, { "6-3", "M" }, { "6-4", "R C(6)" },
	{ "6-5", "M C(6)" },
};
#define NETSI (sizeof etsi / sizeof etsi[0])

/* "M C(9,12)" -> "C9,C12"; "" when unconditional. */
static void status_conditions(const char *status, char *out, size_t outlen)
{
	const char *p = strchr(status, '(');
	size_t o = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	for (p++; *p != '\0' && *p != ')' && o + 3 < outlen; p++) {
		if (o == 0 || p[-1] == ',')
			out[o++] = 'C';
		out[o++] = *p;
	}
	out[o] = '\0';
}

static void requirement_conditions(const struct scheme *s, size_t i, char *out, size_t outlen)
{
	size_t j, o = 0;

	out[0] = '\0';
	for (j = 0; j < scheme_requirement_at(s, i)->nconditions; j++) {
		int n = snprintf(out + o, outlen - o, "%s%s", j > 0 ? "," : "",
		                 scheme_requirement_condition(s, i, j));
		ck_assert(n > 0 && (size_t)n < outlen - o);
		o += (size_t)n;
	}
}

START_TEST(test_cls_covers_etsi)
{
	char err[LABELD_SCHEME_ERRLEN];
	struct scheme *s = load_rel("schemas/schemes/sg-cls-iot-1.json", err, sizeof err);
	size_t k, nreq_etsi = 0, i;
	int promoted = 0;

	ck_assert_msg(s != NULL, "%s", err);
	for (k = 0; k < NETSI; k++) {
		char id[32], want[64], got[64];
		const struct scheme_requirement *r;
		const json_t *rj;
		long idx;

		snprintf(id, sizeof id, "ETSI-%s", etsi[k].id);
		idx = scheme_requirement_index(s, id);
		ck_assert_msg(idx >= 0, "provision %s missing", etsi[k].id);
		r = scheme_requirement_at(s, (size_t)idx);
		rj = json_array_get(json_object_get(scheme_json(s), "requirements"), (size_t)idx);
		ck_assert_int_eq(r->mode, SCHEME_SELF_DECLARATION);
		/* Conditions are the standard's, whatever the obligation. */
		status_conditions(etsi[k].status, want, sizeof want);
		requirement_conditions(s, (size_t)idx, got, sizeof got);
		ck_assert_msg(strcmp(want, got) == 0, "%s: conditions %s, want %s", id, got, want);
		if (etsi[k].status[0] == 'M') {
			/* Level 2 is every mandatory provision. */
			ck_assert_msg(r->tier <= 2, "%s: mandatory provision at tier %d", id, r->tier);
			ck_assert_int_eq(r->obligation, want[0] != '\0' ? SCHEME_CONDITIONAL
			                                                : SCHEME_MANDATORY);
		} else if (r->obligation == SCHEME_RECOMMENDED) {
			ck_assert_int_eq(r->tier, 2);
		} else {
			/* A recommended provision the model requires higher up says so. */
			ck_assert_msg(r->tier >= 3, "%s: recommended provision required at %d", id, r->tier);
			ck_assert_int_eq(json_integer_value(json_object_get(rj, "recommended_from")), 2);
			ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rj, "note")),
			                             "Model"));
			promoted++;
		}
		ck_assert_ptr_nonnull(json_array_get(json_object_get(rj, "references"), 0));
		ck_assert_msg(strstr(json_string_value(json_array_get(json_object_get(rj, "references"), 0)),
		                     etsi[k].id) != NULL, "%s: reference", id);
		ck_assert_msg(strlen(r->guidance) >= 80, "%s: guidance too thin for self-assessment", id);
	}
	ck_assert_int_gt(promoted, 0);
	for (i = 0; i < scheme_nrequirements(s); i++)
		if (strncmp(scheme_requirement_at(s, i)->id, "ETSI-", 5) == 0)
			nreq_etsi++;
	ck_assert_uint_eq(nreq_etsi, NETSI);

	/* The CLS Level 1 baseline. */
	ck_assert_int_eq(scheme_requirement_tier(s, "ETSI-5.1-1"), 1);
	ck_assert_int_eq(scheme_requirement_tier(s, "ETSI-5.1-2"), 1);
	ck_assert_int_eq(scheme_requirement_tier(s, "ETSI-5.2-1"), 1);
	ck_assert_int_eq(scheme_requirement_tier(s, "ETSI-5.3-13"), 1);
	scheme_free(s);
}
END_TEST

START_TEST(test_etsi_table_matches_reference)
{
	const char *vec = getenv("LABELD_VECTORS");
	char path[4096], line[512];
	FILE *f;
	size_t rows = 0;

	if (vec == NULL || vec[0] == '\0')
		vec = LABELD_SRCDIR "/tests/data/vectors";
	snprintf(path, sizeof path, "%s/etsi-en-303-645-provisions.tsv", vec);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));   /* header */
	while (fgets(line, sizeof line, f) != NULL && rows < 1000) {
		char *id = strtok(line, "\t"), *status = strtok(NULL, "\t");
		ck_assert(id != NULL && status != NULL);
		ck_assert_msg(rows < NETSI, "reference has more provisions than the table");
		ck_assert_str_eq(id, etsi[rows].id);
		ck_assert_str_eq(status, etsi[rows].status);
		rows++;
	}
	fclose(f);
	ck_assert_uint_eq(rows, NETSI);
}
END_TEST

START_TEST(test_cls_structure)
{
	char err[LABELD_SCHEME_ERRLEN];
	struct scheme *s = load_rel("schemas/schemes/sg-cls-iot-1.json", err, sizeof err);
	static const char *const lab3[] = { "CLS-L3-SBD", "CLS-L3-BIN", "CLS-L3-VULN" };
	size_t i;

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(scheme_id(s), "sg-cls-iot");
	ck_assert_int_eq(scheme_version(s), 1);
	ck_assert_str_eq(scheme_country(s), "SG");
	ck_assert_int_eq(scheme_max_validity_days(s), 3 * 365);
	ck_assert_int_eq(scheme_ntiers(s), 4);
	ck_assert_str_eq(scheme_tier_name(s, 1), "Level 1");
	ck_assert_str_eq(scheme_tier_name(s, 4), "Level 4");
	ck_assert_ptr_null(scheme_tier_name(s, 0));
	ck_assert_ptr_null(scheme_tier_name(s, 5));
	ck_assert_int_eq(scheme_tier_is_third_party(s, 1), 0);
	ck_assert_int_eq(scheme_tier_is_third_party(s, 2), 0);
	ck_assert_int_eq(scheme_tier_is_third_party(s, 3), 1);
	ck_assert_int_eq(scheme_tier_is_third_party(s, 4), 1);
	ck_assert_int_eq(scheme_tier_is_third_party(s, 5), -1);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(scheme_requirement_tier(s, lab3[i]), 3);
		ck_assert_int_eq(scheme_requirement_third_party(s, lab3[i]), 1);
	}
	ck_assert_int_eq(scheme_requirement_tier(s, "CLS-L4-PENTEST"), 4);
	ck_assert_int_eq(scheme_requirement_third_party(s, "CLS-L4-PENTEST"), 1);
	ck_assert_int_eq(scheme_requirement_third_party(s, "ETSI-5.1-1"), 0);
	ck_assert_int_eq(scheme_has_requirement(s, "ETSI-5.1-1"), 1);
	ck_assert_int_eq(scheme_has_requirement(s, "etsi-5.1-1"), 0);
	ck_assert_int_eq(scheme_has_requirement(s, NULL), 0);
	ck_assert_int_eq(scheme_requirement_tier(s, "nope"), -1);
	ck_assert_int_eq(scheme_requirement_third_party(s, "nope"), -1);
	ck_assert_int_eq(scheme_sbom_from_tier(s), 3);
	ck_assert_str_eq(scheme_reassessment_action(s, "security_fix"), "notify");
	ck_assert_str_eq(scheme_reassessment_action(s, "component_change"), "retest");
	ck_assert_str_eq(scheme_reassessment_action(s, "hardware_change"), "new_application");
	ck_assert_ptr_null(scheme_reassessment_action(s, "nope"));
	ck_assert_ptr_null(scheme_reassessment_action(s, NULL));
	/* Lookup by id agrees with document order for every requirement. */
	for (i = 0; i < scheme_nrequirements(s); i++)
		ck_assert_int_eq(scheme_requirement_index(s, scheme_requirement_at(s, i)->id), (long)i);
	ck_assert_ptr_null(scheme_requirement_at(s, scheme_nrequirements(s)));
	ck_assert_ptr_null(scheme_requirement_condition(s, 0, 99));
	scheme_free(s);
}
END_TEST

START_TEST(test_second_scheme_differs)
{
	char err[LABELD_SCHEME_ERRLEN];
	struct scheme *cls = load_rel("schemas/schemes/sg-cls-iot-1.json", err, sizeof err);
	struct scheme *ctm = load_rel("schemas/schemes/us-ctm-iot-1.json", err, sizeof err);
	size_t i;

	ck_assert_msg(cls != NULL && ctm != NULL, "%s", err);
	ck_assert_str_ne(scheme_id(cls), scheme_id(ctm));
	ck_assert_int_eq(scheme_ntiers(ctm), 2);
	ck_assert_int_eq(scheme_tier_is_third_party(ctm, 2), 1);
	ck_assert_str_eq(scheme_country(ctm), "US");
	ck_assert_int_ne(scheme_max_validity_days(ctm), scheme_max_validity_days(cls));
	ck_assert_int_eq(scheme_sbom_from_tier(ctm), 0);
	ck_assert_ptr_null(json_object_get(scheme_json(ctm), "conditions"));
	for (i = 0; i < scheme_nrequirements(ctm); i++)
		ck_assert(!scheme_has_requirement(cls, scheme_requirement_at(ctm, i)->id));
	scheme_free(cls);
	scheme_free(ctm);
}
END_TEST

/* ---- malformed fixtures ---- */

static const struct { const char *file, *fault; } bad[] = {
	{ "bad-root-array.json", "$: expected object" },
	{ "bad-syntax.json", "4:9: '}' expected" },
	{ "bad-duplicate-member.json", "5:9: duplicate object key" },
	{ "bad-missing-id.json", "$.id: required member missing" },
	{ "bad-id-not-slug.json", "$.id: expected lowercase slug" },
	{ "bad-version-string.json", "$.version: expected integer 1..1000000" },
	{ "bad-version-real.json", "$.version: expected integer 1..1000000" },
	{ "bad-country.json", "$.country: expected ISO 3166-1 alpha-2" },
	{ "bad-validity-zero.json", "$.max_validity_days: expected integer 1..3660" },
	{ "bad-effective-from.json", "$.effective_from: expected date YYYY-MM-DD" },
	{ "bad-title-control-char.json", "$.title: expected string without control characters" },
	{ "bad-unknown-root-member.json", "$.titel: unknown member" },
	{ "bad-source-url.json", "$.sources[0].url: expected http(s) URL" },
	{ "bad-condition-duplicate.json", "$.conditions[1].id: duplicate id \"C1\"" },
	{ "bad-evidence-kind-id.json", "$.evidence_kinds[0].id: expected lowercase identifier" },
	{ "bad-tiers-empty.json", "$.tiers: expected 1..9 items" },
	{ "bad-tier-number.json", "$.tiers[1].tier: expected 2" },
	{ "bad-tier-mode.json", "$.tiers[0].mode: expected \"self_declaration\" or \"third_party\"" },
	{ "bad-tier-mode-order.json", "$.tiers[1].mode: expected \"third_party\"" },
	{ "bad-tier-evidence-unknown.json", "$.tiers[0].evidence[0]: \"photo\" is not defined" },
	{ "bad-tier-without-requirements.json", "$.tiers[2]: expected at least one mandatory" },
	{ "bad-tier-without-lab-requirement.json", "$.tiers[1]: expected at least one mandatory or "
	  "conditional third_party requirement" },
	{ "bad-requirements-missing.json", "$.requirements: required member missing" },
	{ "bad-req-tier-range.json", "$.requirements[3].tier: expected integer 1..2" },
	{ "bad-req-duplicate-id.json", "$.requirements[2].id: duplicate requirement id \"R-1\" "
	  "(first at $.requirements[0])" },
	{ "bad-req-id-chars.json", "$.requirements[0].id: expected identifier" },
	{ "bad-req-mode.json", "$.requirements[0].mode: expected \"self_declaration\" or" },
	{ "bad-req-third-party-in-self-tier.json", "$.requirements[0].mode: expected "
	  "\"self_declaration\" (tier 1 is self-declared" },
	{ "bad-req-obligation.json", "$.requirements[0].obligation: expected \"mandatory\"" },
	{ "bad-req-unknown-member.json", "$.requirements[1].obligaton: unknown member" },
	{ "bad-req-conditional-without-conditions.json", "$.requirements[1].conditions: required "
	  "member missing" },
	{ "bad-req-mandatory-with-conditions.json", "$.requirements[0].conditions: not allowed" },
	{ "bad-req-unknown-condition.json", "$.requirements[1].conditions[0]: \"C9\" is not defined "
	  "in $.conditions" },
	{ "bad-req-unknown-evidence.json", "$.requirements[0].evidence[0]: \"photo\" is not defined" },
	{ "bad-req-blank-guidance.json", "$.requirements[0].guidance: expected non-empty string" },
	{ "bad-req-references-string.json", "$.requirements[0].references: expected array" },
	{ "bad-req-recommended-from.json", "$.requirements[3].recommended_from: expected integer" },
	{ "bad-reassessment-missing.json", "$.reassessment: required member missing" },
	{ "bad-reassessment-action.json", "$.reassessment.rules[0].action: expected \"notify\"" },
	{ "bad-sbom-tier.json", "$.reassessment.sbom_from_tier: expected integer 1..2" },
};
#define NBAD (sizeof bad / sizeof bad[0])

START_TEST(test_bad_fixture)
{
	char path[4096], err[LABELD_SCHEME_ERRLEN], want[4600];
	struct scheme *s;

	snprintf(path, sizeof path, "%s/tests/data/schemes/%s", top(), bad[_i].file);
	ck_assert_msg(access(path, R_OK) == 0, "%s: %s", path, strerror(errno));
	s = scheme_load_file(path, err, sizeof err);
	ck_assert_msg(s == NULL, "%s accepted", bad[_i].file);
	/* "FILE: $.path: expected ..." or "FILE:LINE:COL: ..." */
	snprintf(want, sizeof want, "%s%s%s", path, bad[_i].fault[0] == '$' ? ": " : ":",
	         bad[_i].fault);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s:\n got  %s\n want %s...",
	              bad[_i].file, err, want);
}
END_TEST

START_TEST(test_every_fixture_listed)
{
	char dirpath[4096];
	DIR *dir;
	struct dirent *de;
	size_t n = 0;

	snprintf(dirpath, sizeof dirpath, "%s/tests/data/schemes", top());
	dir = opendir(dirpath);
	ck_assert_msg(dir != NULL, "%s: %s", dirpath, strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		size_t k;
		int found = 0;
		if (strncmp(de->d_name, "bad-", 4) != 0 || !has_suffix(de->d_name, ".json"))
			continue;
		for (k = 0; k < NBAD; k++)
			if (strcmp(bad[k].file, de->d_name) == 0)
				found = 1;
		ck_assert_msg(found, "fixture %s has no expected fault in check_scheme.c", de->d_name);
		n++;
	}
	closedir(dir);
	ck_assert_uint_eq(n, NBAD);
}
END_TEST

/* ---- loader behaviour ---- */

START_TEST(test_from_json_copies)
{
	char err[LABELD_SCHEME_ERRLEN];
	json_t *doc = base_doc();
	struct scheme *s = scheme_from_json(doc, "request", err, sizeof err);

	ck_assert_msg(s != NULL, "%s", err);
	/* The scheme keeps its own copy: the caller may change or drop DOC. */
	json_object_set_new(doc, "title", json_string("Changed"));
	json_decref(doc);
	ck_assert_str_eq(scheme_title(s), "Mini");
	ck_assert_str_eq(json_string_value(json_object_get(scheme_json(s), "title")), "Mini");
	ck_assert_int_eq(scheme_version(s), 2);
	ck_assert_int_eq(scheme_requirement_at(s, 1)->nevidence_kinds, 1);
	ck_assert_int_eq(scheme_requirement_at(s, 1)->obligation, SCHEME_CONDITIONAL);
	ck_assert_str_eq(scheme_requirement_condition(s, 1, 0), "C1");
	ck_assert_str_eq(scheme_mode_name(SCHEME_THIRD_PARTY), "third_party");
	ck_assert_str_eq(scheme_obligation_name(SCHEME_RECOMMENDED), "recommended");
	scheme_free(s);
	scheme_free(NULL);
}
END_TEST

/* A version's changes: members, a renamed tier, requirements in and out. */
START_TEST(test_diff)
{
	char		 err[LABELD_SCHEME_ERRLEN];
	struct scheme	*a, *b, *c;
	json_t		*doc, *reqs, *gone, *d;
	const char	*gone_id, *kept_id;

	a = load_rel("schemas/schemes/sg-cls-iot-1.json", err, sizeof err);
	ck_assert_msg(a != NULL, "%s", err);
	doc = json_deep_copy(scheme_json(a));
	reqs = json_object_get(doc, "requirements");
	gone = json_incref(json_array_get(reqs, 0));
	gone_id = json_string_value(json_object_get(gone, "id"));
	json_array_remove(reqs, 0);
	kept_id = json_string_value(json_object_get(json_array_get(reqs, 0),
	    "id"));
	json_object_set_new(json_array_get(reqs, 0), "title",
	    json_string("Retitled"));
	d = json_deep_copy(json_array_get(reqs, 1));
	json_object_set_new(d, "id", json_string("NEW-1"));
	json_object_set_new(d, "title", json_string("A new one"));
	json_array_append_new(reqs, d);
	json_object_set_new(json_array_get(json_object_get(doc, "tiers"), 1),
	    "name", json_string("Level Two"));
	json_object_set_new(doc, "version", json_integer(2));
	json_object_set_new(doc, "title", json_string("CLS, second edition"));
	b = scheme_from_json(doc, "test", err, sizeof err);
	ck_assert_msg(b != NULL, "%s", err);
	d = scheme_diff(a, b);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(d, "changed"), "title"), "to")),
	    "CLS, second edition");
	ck_assert_ptr_null(json_object_get(json_object_get(d, "changed"),
	    "version"));
	reqs = json_object_get(d, "requirements");
	ck_assert_int_eq(json_array_size(json_object_get(reqs, "added")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(reqs, "added"), 0), "id")), "NEW-1");
	ck_assert_int_eq(json_array_size(json_object_get(reqs, "removed")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(reqs, "removed"), 0), "id")), gone_id);
	ck_assert_int_eq(json_array_size(json_object_get(reqs, "changed")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(reqs, "changed"), 0), "id")), kept_id);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(json_array_get(json_object_get(reqs, "changed"), 0),
	    "changed"), "title"), "to")), "Retitled");
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(d,
	    "tiers"), "changed")), 1);
	json_decref(d);
	/* A version against itself: nothing. */
	d = scheme_diff(a, a);
	ck_assert_int_eq(json_object_size(json_object_get(d, "changed")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(d,
	    "requirements"), "changed")), 0);
	json_decref(d);
	c = b;
	json_decref(gone);
	json_decref(doc);
	scheme_free(c);
	scheme_free(a);
}
END_TEST

START_TEST(test_from_json_origin)
{
	char err[LABELD_SCHEME_ERRLEN];
	json_t *doc = base_doc();

	json_object_set_new(doc, "version", json_integer(0));
	ck_assert_ptr_null(scheme_from_json(doc, "POST /v1/schemes", err, sizeof err));
	ck_assert_str_eq(err, "POST /v1/schemes: $.version: expected integer 1..1000000");
	ck_assert_ptr_null(scheme_from_json(doc, NULL, err, sizeof err));
	ck_assert_str_eq(err, "scheme: $.version: expected integer 1..1000000");
	ck_assert_ptr_null(scheme_from_json(NULL, NULL, err, sizeof err));
	ck_assert_str_eq(err, "scheme: $: expected object");
	/* A short buffer is truncated, never overrun (ASan build checks). */
	ck_assert_ptr_null(scheme_from_json(doc, "request", err, 10));
	ck_assert_uint_eq(strlen(err), 9);
	ck_assert_ptr_null(scheme_from_json(doc, "request", NULL, 0));
	json_decref(doc);
}
END_TEST

/* Member names from documents are shown safely in paths. */
START_TEST(test_odd_member_name)
{
	char err[LABELD_SCHEME_ERRLEN];
	json_t *doc = base_doc();

	json_object_set_new(doc, "we\"ird\nname", json_true());
	ck_assert_ptr_null(scheme_from_json(doc, "x", err, sizeof err));
	ck_assert_str_eq(err, "x: $[\"we?ird?name\"]: unknown member");
	json_decref(doc);
}
END_TEST

/* Without a conditions table no condition is defined. */
START_TEST(test_conditions_table_absent)
{
	char err[LABELD_SCHEME_ERRLEN];
	json_t *doc = base_doc();

	json_object_del(doc, "conditions");
	ck_assert_ptr_null(scheme_from_json(doc, "x", err, sizeof err));
	ck_assert_str_eq(err, "x: $.requirements[1].conditions[0]: \"C1\" is not defined in "
	                 "$.conditions");
	json_decref(doc);
}
END_TEST

/* Required members of schemas/scheme.schema.json and of the loader agree. */
START_TEST(test_json_schema_required_agree)
{
	static const struct { const char *schema_ptr, *doc_ptr, *path; } objs[] = {
		{ "", "", "$" },
		{ "/properties/tiers/items", "/tiers/0", "$.tiers[0]" },
		{ "/$defs/requirement", "/requirements/0", "$.requirements[0]" },
		{ "/properties/reassessment", "/reassessment", "$.reassessment" },
		{ "/properties/reassessment/properties/rules/items", "/reassessment/rules/0",
		  "$.reassessment.rules[0]" },
	};
	char path[4096], err[LABELD_SCHEME_ERRLEN];
	json_error_t jerr;
	json_t *schema;
	size_t k, i;

	snprintf(path, sizeof path, "%s/schemas/scheme.schema.json", top());
	schema = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(schema != NULL, "%s:%d: %s", path, jerr.line, jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(schema, "$schema")),
	                 "https://json-schema.org/draft/2020-12/schema");
	for (k = 0; k < sizeof objs / sizeof objs[0]; k++) {
		/* Walk the small JSON pointers by hand: jansson has none. */
		const json_t *so = schema, *req;
		char sp[256], *tok, *save = NULL;
		snprintf(sp, sizeof sp, "%s", objs[k].schema_ptr);
		for (tok = strtok_r(sp, "/", &save); tok != NULL; tok = strtok_r(NULL, "/", &save))
			so = json_object_get(so, tok);
		req = json_object_get(so, "required");
		ck_assert_msg(json_array_size(req) > 0, "%s: no required list", objs[k].schema_ptr);
		for (i = 0; i < json_array_size(req); i++) {
			json_t *doc = base_doc(), *o = doc;
			const char *name = json_string_value(json_array_get(req, i));
			char dp[256], want[512];
			snprintf(dp, sizeof dp, "%s", objs[k].doc_ptr);
			for (tok = strtok_r(dp, "/", &save); tok != NULL; tok = strtok_r(NULL, "/", &save))
				o = json_is_array(o) ? json_array_get(o, (size_t)atoi(tok))
				                     : json_object_get(o, tok);
			ck_assert_msg(json_object_del(o, name) == 0, "%s: base lacks %s", objs[k].path, name);
			ck_assert_ptr_null(scheme_from_json(doc, "x", err, sizeof err));
			snprintf(want, sizeof want, "x: %s.%s: required member missing", objs[k].path, name);
			ck_assert_str_eq(err, want);
			json_decref(doc);
		}
	}
	json_decref(schema);
}
END_TEST

START_TEST(test_missing_file)
{
	char err[LABELD_SCHEME_ERRLEN];

	ck_assert_ptr_null(scheme_load_file("/nonexistent/x.json", err, sizeof err));
	ck_assert_str_eq(err, "/nonexistent/x.json: No such file or directory");
}
END_TEST

START_TEST(test_oversized_file)
{
	char path[] = "/tmp/check_scheme_XXXXXX", err[LABELD_SCHEME_ERRLEN], want[256];
	int fd = mkstemp(path);
	FILE *f;
	long i;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputc('[', f);
	for (i = 0; i < LABELD_SCHEME_MAX_FILE_BYTES / 2; i++)
		fputs("0,", f);
	fputs("0]", f);
	fclose(f);
	ck_assert_ptr_null(scheme_load_file(path, err, sizeof err));
	snprintf(want, sizeof want, "%s: larger than %d bytes", path, LABELD_SCHEME_MAX_FILE_BYTES);
	ck_assert_str_eq(err, want);
	unlink(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("scheme");
	TCase *tc = tcase_create("shipped");

	tcase_add_test(tc, test_shipped_all_load);
	tcase_add_test(tc, test_cls_covers_etsi);
	tcase_add_test(tc, test_etsi_table_matches_reference);
	tcase_add_test(tc, test_cls_structure);
	tcase_add_test(tc, test_second_scheme_differs);
	suite_add_tcase(su, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_bad_fixture, 0, (int)NBAD);
	tcase_add_test(tc, test_every_fixture_listed);
	suite_add_tcase(su, tc);

	tc = tcase_create("loader");
	tcase_add_test(tc, test_from_json_copies);
	tcase_add_test(tc, test_diff);
	tcase_add_test(tc, test_from_json_origin);
	tcase_add_test(tc, test_odd_member_name);
	tcase_add_test(tc, test_conditions_table_absent);
	tcase_add_test(tc, test_json_schema_required_agree);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_oversized_file);
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
