/* check_dataint - Data Integrity eddsa-jcs-2022.
 * Vector: $LABELD_VECTORS/eddsa-jcs-2022/ (tests/data/vectors, from the W3C
 * vc-di-eddsa TestVectors, see SOURCES.md there); a missing vector file
 * fails the test that reads it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "rfc3339.h"
#include "dataint.h"
#include "jcs.h"

static const char *vecdir;

/* Whole file $vecdir/name, NUL-terminated; trailing newline kept. */
static char *vec_text(const char *name)
{
	char path[1024];
	char *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", vecdir, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Text of a one-line vector file without its trailing newline, if any. */
static char *vec_line(const char *name)
{
	char *t = vec_text(name);
	size_t n = strlen(t);

	while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r'))
		t[--n] = '\0';
	return t;
}

static json_t *vec_json(const char *name)
{
	char *t = vec_text(name);
	json_error_t jerr;
	json_t *v = json_loads(t, 0, &jerr);

	ck_assert_msg(v != NULL, "%s: %s", name, jerr.text);
	free(t);
	return v;
}

static char *canon(const json_t *v)
{
	char err[200];
	char *c = jcs_serialize(v, NULL, err, sizeof err);

	ck_assert_msg(c != NULL, "%s", err);
	return c;
}

/* The vector's key pair, from keyPair.json's multibase strings. */
static void vec_keys(uint8_t pk[32], uint8_t sk[64])
{
	json_t *kp = vec_json("keyPair.json");
	uint8_t seed[32], pk2[32];

	ck_assert_int_eq(lc_multikey_seed_decode(
	        json_string_value(json_object_get(kp, "privateKeyMultibase")), seed), 0);
	ck_assert_int_eq(lc_multikey_decode(
	        json_string_value(json_object_get(kp, "publicKeyMultibase")), pk2), 0);
	lc_ed25519_seed_keypair(seed, pk, sk);
	ck_assert_mem_eq(pk, pk2, 32);
	json_decref(kp);
}

/* The vector's document signed by dataint_sign. */
static json_t *sign_vector(void)
{
	uint8_t pk[32], sk[64];
	json_t *doc = vec_json("unsigned.json"), *cfg = vec_json("proofConfigJCS.json");
	char err[200] = "";

	vec_keys(pk, sk);
	ck_assert_msg(dataint_sign(doc, sk,
	        json_string_value(json_object_get(cfg, "verificationMethod")),
	        json_string_value(json_object_get(cfg, "created")), err, sizeof err) == 0,
	        "%s", err);
	json_decref(cfg);
	return doc;
}

START_TEST(test_vector_intermediates)
{
	json_t *doc = vec_json("unsigned.json"), *cfg = vec_json("proofConfigJCS.json");
	char *c, *want, hex[129];
	uint8_t hash[64], pk[32], sk[64], sig[64];
	char err[200];

	c = canon(doc);
	want = vec_text("canonDocJCS.txt");
	ck_assert_str_eq(c, want);
	free(c);
	free(want);
	c = canon(cfg);
	want = vec_text("proofCanonJCS.txt");
	ck_assert_str_eq(c, want);
	free(c);
	free(want);

	ck_assert_msg(dataint_hash(doc, cfg, hash, err, sizeof err) == 0, "%s", err);
	lc_hex(hash, 32, hex);
	want = vec_line("proofHashJCS.txt");
	ck_assert_str_eq(hex, want);
	free(want);
	lc_hex(hash + 32, 32, hex);
	want = vec_line("docHashJCS.txt");
	ck_assert_str_eq(hex, want);
	free(want);
	lc_hex(hash, 64, hex);
	want = vec_line("combinedHashJCS.txt");
	ck_assert_str_eq(hex, want);
	free(want);

	vec_keys(pk, sk);
	lc_ed25519_sign(sk, hash, 64, sig);
	lc_hex(sig, 64, hex);
	want = vec_line("sigHexJCS.txt");
	ck_assert_str_eq(hex, want);
	free(want);
	json_decref(doc);
	json_decref(cfg);
}
END_TEST

START_TEST(test_vector_sign)
{
	json_t *doc = sign_vector(), *signedv = vec_json("signedJCS.json");
	char *got, *want, *pretty;

	/* canonical forms equal, proofValue equal */
	got = canon(doc);
	want = canon(signedv);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	want = vec_line("sigBTC58JCS.txt");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "proof"),
	                                                   "proofValue")), want);
	free(want);
	/* and byte for byte, member order included: the proof keeps @context
	   after proofPurpose, proofValue last, as in signedJCS.json */
	pretty = json_dumps(doc, JSON_INDENT(2));
	want = vec_text("signedJCS.json");
	ck_assert_str_eq(pretty, want);
	free(pretty);
	free(want);
	json_decref(doc);
	json_decref(signedv);
}
END_TEST

START_TEST(test_vector_verify)
{
	json_t *doc = vec_json("signedJCS.json");
	struct dataint_result res;
	uint8_t pk[32], sk[64], other[32], osk[64];
	char err[300] = "";

	vec_keys(pk, sk);
	ck_assert_msg(dataint_verify(doc, pk, &res, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(res.created, "2023-02-24T23:36:38Z");
	ck_assert_str_eq(res.proof_purpose, "assertionMethod");
	ck_assert_str_eq(res.verification_method,
	                 "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	                 "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");
	/* wrong key */
	lc_ed25519_keypair(other, osk);
	ck_assert_int_eq(dataint_verify(doc, other, &res, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "signature does not verify"));
	ck_assert_int_eq(dataint_verify(doc, (uint8_t[32]){ 0 }, NULL, err, sizeof err), -1);
	json_decref(doc);
}
END_TEST

/* Flips one bit of byte pos of string v in place (ASCII stays ASCII). */
static void flip(json_t *v, size_t pos)
{
	size_t n = json_string_length(v);
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, json_string_value(v), n + 1);
	s[pos] ^= 0x01;
	ck_assert_int_eq(json_string_setn(v, s, n), 0);
	free(s);
}

static int tampered;

/* Every byte of every string below v: flip, expect failure, restore. */
static void tamper_all(json_t *root, json_t *v, const uint8_t pk[32])
{
	char err[300];
	size_t i, n;
	const char *key;
	json_t *child;

	if (json_is_string(v)) {
		n = json_string_length(v);
		for (i = 0; i < n; i++) {
			if ((unsigned char)json_string_value(v)[i] >= 0x80)
				continue;
			flip(v, i);
			ck_assert_msg(dataint_verify(root, pk, NULL, err, sizeof err) == -1,
			              "accepted with byte %zu of \"%s\" flipped", i, json_string_value(v));
			flip(v, i);
			tampered++;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			tamper_all(root, child, pk);
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, child)
			tamper_all(root, child, pk);
	}
}

START_TEST(test_vector_tamper)
{
	json_t *doc = vec_json("signedJCS.json");
	uint8_t pk[32], sk[64];
	char err[300];

	vec_keys(pk, sk);
	tampered = 0;
	tamper_all(doc, doc, pk);
	ck_assert_int_gt(tampered, 500);
	/* restored: valid again */
	ck_assert_msg(dataint_verify(doc, pk, NULL, err, sizeof err) == 0, "%s", err);
	json_decref(doc);
}
END_TEST

START_TEST(test_vector_structural)
{
	json_t *doc = vec_json("signedJCS.json"), *proof = json_object_get(doc, "proof"), *c;
	uint8_t pk[32], sk[64];
	char err[300] = "";

	vec_keys(pk, sk);
#define EXPECT_FAIL(needle)                                                              \
	do {                                                                             \
		err[0] = '\0';                                                           \
		ck_assert_int_eq(dataint_verify(c, pk, NULL, err, sizeof err), -1);      \
		ck_assert_msg(strstr(err, needle) != NULL, "\"%s\" lacks \"%s\"", err, needle); \
		json_decref(c);                                                          \
	} while (0)

	/* a renamed or added member */
	c = json_deep_copy(doc);
	json_object_set(c, "nam", json_object_get(c, "name"));
	json_object_del(c, "name");
	EXPECT_FAIL("signature");
	c = json_deep_copy(doc);
	json_object_set_new(c, "extra", json_true());
	EXPECT_FAIL("signature");
	c = json_deep_copy(doc);
	json_object_set_new(json_object_get(c, "proof"), "nonce", json_string("1"));
	EXPECT_FAIL("signature");
	/* the proof's parts */
	c = json_deep_copy(doc);
	json_object_set_new(json_object_get(c, "proof"), "cryptosuite", json_string("eddsa-rdfc-2022"));
	EXPECT_FAIL("cryptosuite");
	c = json_deep_copy(doc);
	json_object_del(json_object_get(c, "proof"), "type");
	EXPECT_FAIL("proof type");
	c = json_deep_copy(doc);
	json_object_set_new(json_object_get(c, "proof"), "proofValue", json_string("u1234"));
	EXPECT_FAIL("proofValue");
	c = json_deep_copy(doc);
	json_object_set_new(json_object_get(c, "proof"), "proofValue", json_string("z2g"));
	EXPECT_FAIL("proofValue");
	c = json_deep_copy(doc);
	json_object_del(json_object_get(c, "proof"), "proofValue");
	EXPECT_FAIL("proofValue");
	c = json_deep_copy(doc);
	json_object_del(json_object_get(c, "proof"), "verificationMethod");
	EXPECT_FAIL("verificationMethod");
	c = json_deep_copy(doc);
	json_object_del(json_object_get(c, "proof"), "proofPurpose");
	EXPECT_FAIL("proofPurpose");
	c = json_deep_copy(doc);
	json_object_set_new(json_object_get(c, "proof"), "created", json_string("yesterday"));
	EXPECT_FAIL("created");
	c = json_deep_copy(doc);
	json_object_del(c, "proof");
	EXPECT_FAIL("no proof");
	c = json_deep_copy(doc);
	json_object_set_new(c, "proof", json_pack("[O]", proof));
	EXPECT_FAIL("proof sets");
	c = json_deep_copy(doc);
	json_object_set_new(c, "proof", json_string("x"));
	EXPECT_FAIL("not a JSON object");
	/* @context: the document's must start with the proof's */
	c = json_deep_copy(doc);
	json_array_remove(json_object_get(c, "@context"), 1);
	EXPECT_FAIL("@context");
	c = json_deep_copy(doc);
	json_object_del(c, "@context");
	EXPECT_FAIL("@context");
	c = json_deep_copy(doc);
	json_array_insert_new(json_object_get(c, "@context"), 0, json_string("https://x.example/"));
	EXPECT_FAIL("@context");
	/* removing the proof's @context changes the hashed proof config */
	c = json_deep_copy(doc);
	json_object_del(json_object_get(c, "proof"), "@context");
	EXPECT_FAIL("signature");
	/* Per vc-di-eddsa Verify Proof step 4, a document @context that only
	   appends to the proof's still verifies (the proof's is hashed). */
	c = json_deep_copy(doc);
	json_array_append_new(json_object_get(c, "@context"), json_string("https://x.example/"));
	ck_assert_msg(dataint_verify(c, pk, NULL, err, sizeof err) == 0, "%s", err);
	json_decref(c);
#undef EXPECT_FAIL
	json_decref(doc);
}
END_TEST

START_TEST(test_sign_roundtrip)
{
	uint8_t pk[32], sk[64];
	json_t *doc, *copy;
	struct dataint_result res;
	char err[300] = "", *c1, *c2;

	lc_ed25519_keypair(pk, sk);
	doc = json_loads("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\",{\"x\":\"urn:x\"}],"
	                 "\"b\":[1,2.5,-0.0,1e21,\"\\u00e9\\ud83d\\ude00\\u0001\"],\"a\":{\"\\ue000\":null,"
	                 "\"\\ud800\\udc00\":true}}", 0, NULL);
	ck_assert_ptr_nonnull(doc);
	copy = json_deep_copy(doc);
	ck_assert_msg(dataint_sign(doc, sk, "did:web:labels.example#key-1",
	                           "2025-01-02T03:04:05.123+01:00", err, sizeof err) == 0, "%s", err);
	ck_assert_msg(dataint_verify(doc, pk, &res, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(res.verification_method, "did:web:labels.example#key-1");
	ck_assert_str_eq(res.created, "2025-01-02T03:04:05.123+01:00");
	/* the proof's @context is a copy of the document's */
	ck_assert(json_equal(json_object_get(json_object_get(doc, "proof"), "@context"),
	                     json_object_get(doc, "@context")));
	ck_assert_ptr_ne(json_object_get(json_object_get(doc, "proof"), "@context"),
	                 json_object_get(doc, "@context"));
	/* signing again is refused, doc unchanged */
	c1 = canon(doc);
	ck_assert_int_eq(dataint_sign(doc, sk, "did:web:x#k", "2025-01-02T03:04:05Z", err,
	                              sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "already has a proof"));
	c2 = canon(doc);
	ck_assert_str_eq(c1, c2);
	free(c1);
	free(c2);
	/* re-ordering members does not matter (JCS) */
	{
		json_t *r = json_object();
		const char *order[] = { "proof", "b", "@context", "a" };
		size_t i;
		for (i = 0; i < 4; i++)
			json_object_set(r, order[i], json_object_get(doc, order[i]));
		ck_assert_msg(dataint_verify(r, pk, NULL, err, sizeof err) == 0, "%s", err);
		json_decref(r);
	}
	json_decref(doc);

	/* no @context: none in the proof either */
	doc = json_pack("{s:s}", "id", "urn:x");
	ck_assert_int_eq(dataint_sign(doc, sk, "did:web:x#k", "2025-01-02T03:04:05Z", err,
	                              sizeof err), 0);
	ck_assert_ptr_null(json_object_get(json_object_get(doc, "proof"), "@context"));
	ck_assert_msg(dataint_verify(doc, pk, NULL, err, sizeof err) == 0, "%s", err);
	json_decref(doc);

	/* refusals leave the document as it was */
	ck_assert_int_eq(dataint_sign(copy, sk, "did:web:x#k", "2025-13-02T03:04:05Z", err,
	                              sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "created"));
	ck_assert_int_eq(dataint_sign(copy, sk, "", "2025-01-02T03:04:05Z", err, sizeof err), -1);
	ck_assert_int_eq(dataint_sign(copy, sk, NULL, "2025-01-02T03:04:05Z", err, sizeof err), -1);
	json_object_set_new(copy, "big", json_integer(9007199254740992LL));
	ck_assert_int_eq(dataint_sign(copy, sk, "did:web:x#k", "2025-01-02T03:04:05Z", err,
	                              sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "2^53"));
	ck_assert_ptr_null(json_object_get(copy, "proof"));
	json_decref(copy);
	copy = json_array();
	ck_assert_int_eq(dataint_sign(copy, sk, "did:web:x#k", "2025-01-02T03:04:05Z",
	                              err, sizeof err), -1);
	json_decref(copy);
}
END_TEST

START_TEST(test_datetime)
{
	static const char *const good[] = {
		"2023-02-24T23:36:38Z", "2024-02-29T00:00:00Z", "2023-12-31T23:59:60Z",
		"2023-02-24T23:36:38.5Z", "2023-02-24T23:36:38.123456789-05:30",
		"2000-02-29T00:00:00+00:00",
	};
	static const char *const bad[] = {
		"", "2023-02-24", "2023-02-24 23:36:38Z", "2023-02-24T23:36:38",
		"2023-02-24t23:36:38Z", "2023-02-24T23:36:38z", "2023-13-01T00:00:00Z",
		"2023-00-01T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2023-04-31T00:00:00Z", "2023-02-24T24:00:00Z", "2023-02-24T23:60:00Z",
		"2023-02-24T23:36:61Z", "2023-02-24T23:36:38.Z", "2023-02-24T23:36:38+0100",
		"2023-02-24T23:36:38+24:00", "2023-02-24T23:36:38Zjunk", "+2023-02-24T23:36:38Z",
		"2023-2-24T23:36:38Z",
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(rfc3339_check(good[i]) == 0, "rejected %s", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(rfc3339_check(bad[i]) == -1, "accepted %s", bad[i]);
	ck_assert_int_eq(rfc3339_check(NULL), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dataint");
	TCase *tc = tcase_create("core");
	const char *vec = getenv("LABELD_VECTORS");
	static char dir[1024];
	SRunner *sr;
	int failed;

	if (lc_init() != 0)
		return 1;
	if (vec == NULL || vec[0] == '\0')
		vec = LABELD_SRCDIR "/tests/data/vectors";
	snprintf(dir, sizeof dir, "%s/eddsa-jcs-2022", vec);
	vecdir = dir;
	tcase_add_test(tc, test_sign_roundtrip);
	tcase_add_test(tc, test_datetime);
	tcase_add_test(tc, test_vector_intermediates);
	tcase_add_test(tc, test_vector_sign);
	tcase_add_test(tc, test_vector_verify);
	tcase_add_test(tc, test_vector_tamper);
	tcase_add_test(tc, test_vector_structural);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? 1 : 0;
}
