/* check_jcs - RFC 8785 canonical JSON.
 * Vectors: $LABELD_VECTORS/rfc8785/{input,output}/ (tests/data/vectors,
 * from cyberphone/json-canonicalization, see SOURCES.md there); a missing
 * vector directory fails the test. */
#include <check.h>
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jcs.h"

#define FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL)

/* malloc'd "a/b" (asprintf is not standard C) */
static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p == NULL)
		abort(); /* also called outside tests: no ck_assert here */
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* $LABELD_VECTORS/rfc8785/sub, malloc'd (the source tree's when unset). */
static char *vector_dir(const char *sub)
{
	const char *vec = getenv("LABELD_VECTORS");
	char *base, *p;

	if (vec == NULL || vec[0] == '\0')
		vec = LABELD_SRCDIR "/tests/data/vectors";
	base = join(vec, "rfc8785");
	p = join(base, sub);
	free(base);
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Canonical form of JSON text, or NULL (err filled). */
static char *canon_text(const char *text, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *v = json_loads(text, FLAGS, &jerr);
	char *out;

	ck_assert_msg(v != NULL, "jansson rejected %s: %s", text, jerr.text);
	out = jcs_serialize(v, NULL, err, errlen);
	json_decref(v);
	return out;
}

static void expect(const char *in, const char *want)
{
	char err[200] = "";
	char *got = canon_text(in, err, sizeof err);

	ck_assert_msg(got != NULL, "%s: refused: %s", in, err);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", in, got, want);
	free(got);
}

static void expect_error(const json_t *v, const char *needle)
{
	char err[200] = "";
	char *got = jcs_serialize(v, NULL, err, sizeof err);

	ck_assert_msg(got == NULL, "accepted, gave %s", got ? got : "");
	ck_assert_msg(strstr(err, needle) != NULL, "error \"%s\" lacks \"%s\"", err, needle);
}

START_TEST(test_rfc8785_vectors)
{
	char *indir = vector_dir("input"), *outdir = vector_dir("output");
	struct dirent *de;
	int count = 0;
	DIR *d;

	d = opendir(indir);
	ck_assert_msg(d != NULL, "RFC 8785 vectors missing: cannot open %s",
	              indir);
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name), ilen, olen, clen;
		char *ip, *op, *in, *want, *got, err[200] = "";
		json_error_t jerr;
		json_t *v;

		if (nl < 6 || strcmp(de->d_name + nl - 5, ".json") != 0)
			continue;
		ip = join(indir, de->d_name);
		op = join(outdir, de->d_name);
		in = slurp(ip, &ilen);
		want = slurp(op, &olen);
		ck_assert_msg(in && want, "cannot read %s or %s", ip, op);
		v = json_loadb(in, ilen, FLAGS, &jerr);
		ck_assert_msg(v != NULL, "%s: %s", ip, jerr.text);
		got = jcs_serialize(v, &clen, err, sizeof err);
		ck_assert_msg(got != NULL, "%s: %s", ip, err);
		ck_assert_msg(clen == olen && memcmp(got, want, olen) == 0,
		              "%s:\n got  %s\n want %s", de->d_name, got, want);
		ck_assert_uint_eq(strlen(got), clen);
		count++;
		free(got);
		json_decref(v);
		free(in);
		free(want);
		free(ip);
		free(op);
	}
	closedir(d);
	ck_assert_int_ge(count, 6);
	free(indir);
	free(outdir);
}
END_TEST

/* RFC 8785 section 3.2.3's sorting example (UTF-16 code unit order). */
START_TEST(test_rfc_sort_example)
{
	expect("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew\","
	       "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji\",\"\\u0080\":\"Control\","
	       "\"\\u00f6\":\"o-umlaut\"}",
	       "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
	       "\"\xc3\xb6\":\"o-umlaut\",\"\xe2\x82\xac\":\"Euro Sign\","
	       "\"\xf0\x9f\x98\x80\":\"Emoji\",\"\xef\xac\xb3\":\"Hebrew\"}");
	/* Astral (high surrogate 0xD800..) before U+E000..U+FFFF, unlike
	   code point (UTF-8 byte) order; same high surrogate: by low one. */
	expect("{\"\\uffff\":1,\"\\ue000\":2,\"\\ud800\\udc00\":3,\"\\udbff\\udfff\":4,"
	       "\"\\ud7ff\":5,\"\\ud800\\udc01\":6}",
	       "{\"\xed\x9f\xbf\":5,\"\xf0\x90\x80\x80\":3,\"\xf0\x90\x80\x81\":6,"
	       "\"\xf4\x8f\xbf\xbf\":4,\"\xee\x80\x80\":2,\"\xef\xbf\xbf\":1}");
	/* Prefix sorts first; nested objects sorted too; arrays keep order. */
	expect("{\"ab\":{\"z\":1,\"y\":[3,1,{\"b\":0,\"a\":0}]},\"a\":0,\"\":[]}",
	       "{\"\":[],\"a\":0,\"ab\":{\"y\":[3,1,{\"a\":0,\"b\":0}],\"z\":1}}");
}
END_TEST

START_TEST(test_numbers)
{
	static const char *const cases[][2] = {
		{ "1e21", "1e+21" },
		{ "1e-7", "1e-7" },
		{ "0.000001", "0.000001" },
		{ "1.5e-7", "1.5e-7" },
		{ "-0.0", "0" },
		{ "-0", "0" },
		{ "0", "0" },
		{ "1.0", "1" },
		{ "-1.5", "-1.5" },
		{ "5e-324", "5e-324" },
		{ "-5e-324", "-5e-324" },
		{ "1.7976931348623157e308", "1.7976931348623157e+308" },
		{ "2.2250738585072014e-308", "2.2250738585072014e-308" },
		{ "9007199254740991", "9007199254740991" },
		{ "-9007199254740991", "-9007199254740991" },
		{ "123e19", "1.23e+21" },
		{ "0.1", "0.1" },
		{ "0.30000000000000004", "0.30000000000000004" },
		{ "333333333.33333329", "333333333.3333333" },
		{ "4.50", "4.5" },
		{ "2e-3", "0.002" },
		{ "1E30", "1e+30" },
		{ "100", "100" },
		{ "1e2", "100" },
		{ "123456.789e3", "123456789" },
		{ "1.2345e-6", "0.0000012345" },
		/* 2^122: the nearest 16-digit decimal does not read back, the
		   next one up does (lopsided interval at a power of two). */
		{ "5.316911983139664e+36", "5.316911983139664e+36" },
		{ "5.3169119831396635e+36", "5.316911983139664e+36" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect(cases[i][0], cases[i][1]);
}
END_TEST

/* A real whose canonical form is an integer token beyond +-(2^53-1) would
   read back as such an integer, which jcs refuses: it is refused too. */
START_TEST(test_unsafe_integral_reals)
{
	static const char *const refused[] = {
		"9007199254740992.0", "-9007199254740992.0", "12345678901234567.1",
		"1e20", "-1e20", "123e18", "12345678901234567890.0",
		"999999999999999900000.0", "9.2233720368547758e18",
	};
	static const char *const kept[][2] = {
		{ "9007199254740991.0", "9007199254740991" },
		{ "-9007199254740991.0", "-9007199254740991" },
		{ "1e21", "1e+21" },
		{ "-1e21", "-1e+21" },
		{ "9007199254740990.5", "9007199254740990" }, /* ties to even */
		{ "4503599627370495.5", "4503599627370495.5" },
	};
	size_t i;

	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		json_t *v = json_loads(refused[i], FLAGS, NULL);

		ck_assert_msg(v != NULL && json_is_real(v), "%s", refused[i]);
		expect_error(v, "2^53");
		json_decref(v);
	}
	for (i = 0; i < sizeof kept / sizeof kept[0]; i++)
		expect(kept[i][0], kept[i][1]);
}
END_TEST

/* ---- property: what jcs writes, jcs reads back to the same bytes ---- */

static uint64_t prop_state = 0x853c49e6748fea9bULL;

/* xorshift64*, fixed seed: a failure names a reproducible input. */
static uint64_t prop_rand(void)
{
	prop_state ^= prop_state >> 12;
	prop_state ^= prop_state << 25;
	prop_state ^= prop_state >> 27;
	return prop_state * 2685821657736338717ULL;
}

static double bits_double(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

/* Canonicalises v (what names it); when jcs accepts it, its output must
   parse back as labeld parses JSON and canonicalise to identical bytes.
   1 when jcs accepted v, 0 when it refused. */
static int prop_check(const json_t *v, const char *what)
{
	char err[200] = "", err2[200] = "", *a, *b;
	size_t alen, blen;
	json_error_t jerr;
	json_t *back;

	a = jcs_serialize(v, &alen, err, sizeof err);
	if (a == NULL)
		return 0;
	back = json_loadb(a, alen, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(back != NULL, "%s: canonical %s does not parse: %s", what, a, jerr.text);
	b = jcs_serialize(back, &blen, err2, sizeof err2);
	ck_assert_msg(b != NULL, "%s: canonical %s is refused when read back: %s", what, a, err2);
	ck_assert_msg(alen == blen && memcmp(a, b, alen) == 0,
	              "%s: canonical %s canonicalises again to %s", what, a, b);
	json_decref(back);
	free(a);
	free(b);
	return 1;
}

/* d as a JSON real (in an array: labeld signs objects and arrays). */
static int prop_double(double d)
{
	char what[64];
	json_t *v;
	int ok;

	if (!isfinite(d))
		return 0;
	snprintf(what, sizeof what, "%.17g", d);
	v = json_pack("[f]", d);
	ck_assert_ptr_nonnull(v);
	ok = prop_check(v, what);
	json_decref(v);
	return ok;
}

/* JSON number text as jansson reads it (integer or real token). */
static int prop_text(const char *txt)
{
	json_t *v = json_loads(txt, FLAGS, NULL);
	int ok;

	if (v == NULL)
		return 0; /* beyond int64 or double range: jansson refuses */
	ok = prop_check(v, txt);
	json_decref(v);
	return ok;
}

START_TEST(test_number_round_trip_property)
{
	static const double edges[] = {
		0.0, -0.0, 5e-324, -5e-324, 2.2250738585072009e-308, /* largest subnormal */
		2.2250738585072014e-308, DBL_MAX, -DBL_MAX, 1.0, -1.0, 0.1, 1.0 / 3,
		9007199254740991.0, -9007199254740991.0, 9007199254740992.0, 9007199254740994.0,
		-9007199254740992.0, 12345678901234567.1, 9223372036854775808.0,
		18446744073709551616.0, 1152921504606846976.0, 1e20, 999999999999999900000.0,
		1e21, 1.0000000000000002e21, 999999999999999868928.0, 1e-7, 9.999999999999999e-8,
		1e-6, 5.316911983139664e+36, 4503599627370495.5, 4503599627370496.5,
	};
	static const char *const texts[] = {
		"12345678901234567.1", "9007199254740993", "9007199254740992.0",
		"-0", "-0.0", "0e0", "1e400", "-1e-400", "1E21", "123456789012345678901234567890",
		"0.1e1", "100000000000000000000", "9223372036854775807", "-9223372036854775808",
	};
	size_t i;
	int e, accepted = 0, refused = 0;
	char txt[64];

	for (i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		prop_double(edges[i]);
		prop_double(nextafter(edges[i], INFINITY));
		prop_double(nextafter(edges[i], -INFINITY));
	}
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		prop_text(texts[i]);
	/* Every power of two and of ten, with both neighbours. */
	for (e = -1074; e <= 1023; e++) {
		prop_double(ldexp(1.0, e));
		prop_double(-ldexp(1.0, e));
	}
	for (e = -323; e <= 308; e++) {
		snprintf(txt, sizeof txt, "1e%d", e);
		prop_double(strtod(txt, NULL));
		prop_double(nextafter(strtod(txt, NULL), INFINITY));
		prop_double(nextafter(strtod(txt, NULL), 0));
	}
	for (i = 0; i < 100000; i++) {
		uint64_t u = prop_rand();
		int ok;

		switch (i % 5) {
		case 0: /* any bit pattern: subnormals, huge, tiny, NaN (skipped) */
			ok = prop_double(bits_double(u));
			break;
		case 1: /* integers beyond 2^53, as doubles */
			ok = prop_double((double)(int64_t)u);
			break;
		case 2: /* integral magnitudes around 2^53 .. 1e21 */
			ok = prop_double(ldexp((double)(u >> 11), (int)(u % 40)));
			break;
		case 3: /* decimal text with up to 20 digits and an exponent */
			snprintf(txt, sizeof txt, "%s%llu.%llue%d", (u & 1) ? "-" : "",
			         (unsigned long long)(u % 100000000000ULL),
			         (unsigned long long)(prop_rand() % 1000000000ULL),
			         (int)(prop_rand() % 661) - 330);
			ok = prop_text(txt);
			break;
		default: /* integer tokens of every length */
			snprintf(txt, sizeof txt, "%lld", (long long)(u >> (u % 63)));
			ok = prop_text(txt);
		}
		if (ok)
			accepted++;
		else
			refused++;
	}
	/* Most values are accepted: the property is not met by refusing all. */
	ck_assert_msg(accepted > 50000, "only %d of %d accepted", accepted, accepted + refused);
}
END_TEST

START_TEST(test_number_direct)
{
	char out[JCS_NUMBER_BUFLEN];

	ck_assert_int_eq(jcs_number(NAN, out), -1);
	ck_assert_int_eq(jcs_number(INFINITY, out), -1);
	ck_assert_int_eq(jcs_number(-INFINITY, out), -1);
	ck_assert_int_eq(jcs_number(-0.0, out), 0);
	ck_assert_str_eq(out, "0");
	ck_assert_int_eq(jcs_number(-1.7976931348623157e308, out), 0);
	ck_assert_str_eq(out, "-1.7976931348623157e+308");
	ck_assert_int_eq(jcs_number(-1.2345678901234567e-300, out), 0);
	ck_assert_str_eq(out, "-1.2345678901234568e-300");
	ck_assert_int_eq(jcs_number(1e-6, out), 0);
	ck_assert_str_eq(out, "0.000001");
	ck_assert_int_eq(jcs_number(123456789012345678e3, out), 0);
	ck_assert_str_eq(out, "123456789012345680000");
}
END_TEST

START_TEST(test_integer_limits)
{
	json_t *v;

	v = json_integer(9007199254740992LL);
	expect_error(v, "2^53");
	json_decref(v);
	v = json_integer(-9007199254740992LL);
	expect_error(v, "2^53");
	json_decref(v);
	v = json_pack("{s:[i]}", "a", 1);
	ck_assert_ptr_nonnull(v);
	json_array_append_new(json_object_get(v, "a"), json_integer(INT64_MAX));
	expect_error(v, "2^53");
	json_decref(v);
	expect("[9007199254740991,-9007199254740991]", "[9007199254740991,-9007199254740991]");
}
END_TEST

START_TEST(test_bad_strings)
{
	static const char *const bad[] = {
		"\xed\xa0\x80",       /* lone high surrogate, as CESU bytes */
		"a\xed\xbf\xbf",      /* lone low surrogate */
		"\xed\xa0\xbd\xed\xb8\x80", /* surrogate pair in UTF-8: still invalid */
		"\xff",
		"\xc0\xaf",           /* overlong '/' */
		"\xe0\x80\xaf",       /* overlong */
		"\xf4\x90\x80\x80",   /* above U+10FFFF */
		"\xe2\x82",           /* truncated */
		"\x80",               /* stray continuation */
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *s = json_stringn_nocheck(bad[i], strlen(bad[i]));
		json_t *o = json_object(), *a = json_array();
		ck_assert_ptr_nonnull(s);
		expect_error(s, "UTF-8");
		ck_assert_int_eq(json_object_set_new_nocheck(o, bad[i], json_null()), 0);
		expect_error(o, "key");
		ck_assert_int_eq(json_array_append(a, s), 0);
		expect_error(a, "UTF-8");
		json_decref(s);
		json_decref(o);
		json_decref(a);
	}
}
END_TEST

START_TEST(test_escapes)
{
	/* Control characters: the 5 short forms, else lowercase \u00hh;
	   '/' and U+007F and non-ASCII raw; '"' and '\\' escaped. */
	expect("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u000e\\u001F\\u001a\\u007f/\\/\\\"\\\\\\u20AC\"",
	       "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u000e\\u001f\\u001a\x7f//\\\"\\\\\xe2\x82\xac\"");
	expect("\"\\u2028\\u2029\"", "\"\xe2\x80\xa8\xe2\x80\xa9\"");
	expect("\"</script>\"", "\"</script>\"");
}
END_TEST

START_TEST(test_scalars_and_empties)
{
	expect("null", "null");
	expect("true", "true");
	expect("false", "false");
	expect("\"\"", "\"\"");
	expect("[]", "[]");
	expect("{}", "{}");
	expect("[{},[],[[]],{\"a\":{}}]", "[{},[],[[]],{\"a\":{}}]");
	expect(" { \"b\" : [ 1 , 2 ] , \"a\" : \"x\" } ", "{\"a\":\"x\",\"b\":[1,2]}");
}
END_TEST

START_TEST(test_depth_limit)
{
	json_t *root = json_array(), *cur = root, *next;
	char err[200];
	char *out;
	int i;

	for (i = 0; i < JCS_MAX_DEPTH + 5; i++) {
		next = json_array();
		json_array_append_new(cur, next);
		cur = next;
	}
	out = jcs_serialize(root, NULL, err, sizeof err);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(err, "nesting"));
	json_decref(root);

	/* Just within the limit is fine. */
	root = json_array();
	cur = root;
	for (i = 0; i < JCS_MAX_DEPTH; i++) {
		next = json_array();
		json_array_append_new(cur, next);
		cur = next;
	}
	out = jcs_serialize(root, NULL, err, sizeof err);
	ck_assert_msg(out != NULL, "%s", err);
	free(out);
	json_decref(root);
}
END_TEST

#if JANSSON_VERSION_HEX >= 0x020e00
START_TEST(test_nul_in_key)
{
	json_t *o = json_object();

	ck_assert_int_eq(json_object_setn_new(o, "a\0b", 3, json_integer(1)), 0);
	ck_assert_int_eq(json_object_setn_new(o, "a", 1, json_integer(2)), 0);
	ck_assert_int_eq(json_object_setn_new(o, "a\0a", 3, json_integer(3)), 0);
	{
		char err[100];
		char *out = jcs_serialize(o, NULL, err, sizeof err);
		ck_assert_ptr_nonnull(out);
		ck_assert_str_eq(out, "{\"a\":2,\"a\\u0000a\":3,\"a\\u0000b\":1}");
		free(out);
	}
	json_decref(o);
}
END_TEST
#endif

int main(void)
{
	Suite *s = suite_create("jcs");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_rfc_sort_example);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_number_direct);
	tcase_add_test(tc, test_unsafe_integral_reals);
	tcase_add_test(tc, test_number_round_trip_property);
	tcase_add_test(tc, test_integer_limits);
	tcase_add_test(tc, test_bad_strings);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_scalars_and_empties);
	tcase_add_test(tc, test_depth_limit);
#if JANSSON_VERSION_HEX >= 0x020e00
	tcase_add_test(tc, test_nul_in_key);
#endif
	tcase_add_test(tc, test_rfc8785_vectors);
	/* the round-trip property walks some 110000 numbers (slow under ASan) */
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? 1 : 0;
}
