/*
 * check_verify: the verify module (src/verify.c) on credentials, status
 * lists and trust bundles built and signed in-process, shaped as
 * HACKING.md "Signed formats" describes them.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bitstring.h"
#include "crypto.h"
#include "rfc3339.h"
#include "dataint.h"
#include "jcs.h"
#include "note.h"
#include "tlog.h"
#include "verify.h"

#define DID_A	"did:web:labeld.example"
#define DID_B	"did:web:other.example"
#define URL_A	"https://labeld.example"
#define REV_URL	URL_A "/v1/status-lists/revocation-1"
#define SUS_URL	URL_A "/v1/status-lists/suspension-1"
#define REV_IDX	4242
#define SUS_IDX	77
#define LIST_BITS 131072

struct tkey {
	uint8_t	 pk[32], sk[64];
	char	 vm[128];
	char	*mb;
};

static struct tkey a1, a2, a3, x1, b1;

/* The options of run(): reset before each test; a test without status
 * lists says so with opts.no_status = 1. */
static struct verify_opts opts;

static void
make_key(struct tkey *k, uint8_t fill, const char *did)
{
	uint8_t seed[32], h[32];
	char	hex[65];

	memset(seed, fill, sizeof(seed));
	lc_ed25519_seed_keypair(seed, k->pk, k->sk);
	lc_sha256(k->pk, sizeof(k->pk), h);
	lc_hex(h, sizeof(h), hex);
	snprintf(k->vm, sizeof(k->vm), "%s#key-%.8s", did, hex);
	k->mb = lc_multikey_encode(k->pk);
	ck_assert_ptr_nonnull(k->mb);
}

static void
setup(void)
{
	ck_assert_int_eq(lc_init(), 0);
	make_key(&a1, 0x11, DID_A);
	make_key(&a2, 0x22, DID_A);
	make_key(&a3, 0x44, DID_A);	/* a2's committed successor */
	make_key(&x1, 0x55, DID_A);	/* a thief's key under A's DID */
	make_key(&b1, 0x33, DID_B);
	memset(&opts, 0, sizeof(opts));
}

static void
teardown(void)
{
	free(a1.mb);
	free(a2.mb);
	free(a3.mb);
	free(x1.mb);
	free(b1.mb);
}

static time_t
T(const char *s)
{
	time_t t;

	ck_assert_msg(rfc3339_to_time(s, 1, &t) == 0, "bad time %s", s);
	return t;
}

static void
sign(json_t *doc, const struct tkey *k, const char *vm, const char *created)
{
	char err[256];

	ck_assert_msg(dataint_sign(doc, k->sk, vm, created, err,
	    sizeof(err)) == 0, "%s", err);
}

/* An unsigned label credential of issuer did, as labeld issues them. */
static json_t *
label_doc(const char *did, const char *from, const char *until)
{
	json_t *c = json_pack(
	    "{s:[s], s:s, s:[s,s,s], s:{s:s, s:s}, s:s, s:s,"
	    " s:{s:s, s:[s], s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s},"
	    "    s:{s:s, s:i, s:s}, s:i, s:s, s:{s:s, s:s, s:s, s:s},"
	    "    s:[s], s:s, s:[s,s], s:[{s:i, s:s}], s:{s:s, s:i},"
	    "    s:[{s:s, s:b}]},"
	    " s:[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}]}",
	    "@context", VERIFY_VC2_CONTEXT,
	    "id", URL_A "/v1/labels/SG-CLS-2026-000001",
	    "type", "VerifiableCredential", "DigitalConformityCredential",
	    "CybersecurityLabelCredential",
	    "issuer", "id", did, "name", "Cyber Security Agency (test)",
	    "validFrom", from, "validUntil", until,
	    "credentialSubject",
	    "id", URL_A "/v1/labels/SG-CLS-2026-000001#subject",
	    "type", "ConformityAttestation",
	    "labelId", "SG-CLS-2026-000001",
	    "assessorLevel", "3rdParty", "assessmentLevel", "GovtApproval",
	    "attestationType", "certification",
	    "issuedToParty", "id", "org_vendor1", "name", "Acme Devices",
	    "country", "SG",
	    "scope", "scheme", "sg-cls-iot", "schemeVersion", 1, "title",
	    "Cybersecurity Labelling Scheme (IoT)",
	    "tier", 4, "tierName", "Level 4",
	    "product", "id", "prd_1", "name", "Acme Cam", "model", "AC-100",
	    "category", "camera",
	    "firmwareVersions", "1.0.0", "supportUntil", "2029-12-31",
	    "requirementsMet", "5.1-1", "5.1-2",
	    "labReports", "tier", 3, "sha256",
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	    "sbom", "sha256",
	    "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
	    "components", 12,
	    "assessment", "referenceStandard", "ETSI EN 303 645",
	    "conformance", 1,
	    "credentialStatus",
	    "id", REV_URL "#4242", "type", "BitstringStatusListEntry",
	    "statusPurpose", "revocation", "statusListIndex", "4242",
	    "statusListCredential", REV_URL,
	    "id", SUS_URL "#77", "type", "BitstringStatusListEntry",
	    "statusPurpose", "suspension", "statusListIndex", "77",
	    "statusListCredential", SUS_URL);

	ck_assert_ptr_nonnull(c);
	return c;
}

static json_t *
label(const struct tkey *k, const char *did, const char *vm,
    const char *created)
{
	json_t *c = label_doc(did, "2026-11-28T06:00:00Z",
	    "2029-11-28T06:00:00Z");

	sign(c, k, vm, created);
	return c;
}

/* A signed status list of issuer did with the given bits set. */
static json_t *
status_list(const char *url, const char *purpose, const char *did,
    const struct tkey *k, long set1, long set2)
{
	uint8_t	*bits = calloc(LIST_BITS / 8, 1);
	char	*enc, subj[512];
	json_t	*c;

	ck_assert_ptr_nonnull(bits);
	if (set1 >= 0)
		bitstring_set(bits, (size_t)set1, 1);
	if (set2 >= 0)
		bitstring_set(bits, (size_t)set2, 1);
	enc = bitstring_encode(bits, LIST_BITS / 8);
	ck_assert_ptr_nonnull(enc);
	snprintf(subj, sizeof(subj), "%s#list", url);
	c = json_pack("{s:[s], s:s, s:[s,s], s:s, s:s, s:s,"
	    " s:{s:s, s:s, s:s, s:s}}",
	    "@context", VERIFY_VC2_CONTEXT, "id", url,
	    "type", "VerifiableCredential", "BitstringStatusListCredential",
	    "issuer", did, "validFrom", "2026-11-28T06:00:00Z",
	    "validUntil", "2027-11-28T06:00:00Z",
	    "credentialSubject", "id", subj, "type", "BitstringStatusList",
	    "statusPurpose", purpose, "encodedList", enc);
	ck_assert_ptr_nonnull(c);
	sign(c, k, k->vm, "2026-11-28T06:00:00Z");
	free(enc);
	free(bits);
	return c;
}

static json_t *
bundle_key(const struct tkey *k, const char *from, const char *until,
    const char *comp, const char *status)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s}", "id", k->vm,
	    "publicKeyMultibase", k->mb, "validFrom", from, "validUntil", until,
	    "compromisedAt", comp, "status", status);
}

/* The hex SHA-256 of k's public key (a static buffer per key). */
static const char *
digest(const struct tkey *k)
{
	static char	 hex[4][65];
	static int	 n;
	uint8_t		 h[32];
	char		*out = hex[n++ % 4];

	lc_sha256(k->pk, sizeof(k->pk), h);
	lc_hex(h, sizeof(h), out);
	return out;
}

/* An unsigned trust bundle of DID_A, version 1, listing a1 (retired) and
 * a2 (active), committed to a3 as the next key. */
static json_t *
bundle_doc(void)
{
	json_t *b = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s},"
	    " s:{s:[s,s], s:s, s:[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}],"
	    "    s:[s,s]},"
	    " s:[o,o], s:[{s:s, s:i, s:s}], s:[s,s], s:n, s:s}",
	    "type", VERIFY_BUNDLE_TYPE, "id", URL_A "/v1/trust-bundle",
	    "issuer", "id", DID_A, "name", "CSA (test)", "country", "SG",
	    "url", URL_A,
	    "didDocument", "@context", "https://www.w3.org/ns/did/v1",
	    "https://w3id.org/security/multikey/v1", "id", DID_A,
	    "verificationMethod", "id", a1.vm, "type", "Multikey",
	    "controller", DID_A, "publicKeyMultibase", a1.mb,
	    "id", a2.vm, "type", "Multikey", "controller", DID_A,
	    "publicKeyMultibase", a2.mb,
	    "assertionMethod", a1.vm, a2.vm,
	    "keys", bundle_key(&a1, "2026-01-01T00:00:00Z",
	    "2026-12-01T00:00:00Z", NULL, "retired"),
	    bundle_key(&a2, "2026-12-01T00:00:00Z", NULL, NULL, "active"),
	    "schemes", "id", "sg-cls-iot", "version", 1, "title", "CLS(IoT)",
	    "statusLists", REV_URL, SUS_URL, "log", "issued",
	    "2026-12-02T00:00:00Z");

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(json_object_set_new(b, "version", json_integer(1)), 0);
	ck_assert_int_eq(json_object_set_new(b, "expires",
	    json_string("2027-12-02T00:00:00Z")), 0);
	ck_assert_int_eq(json_object_set_new(b, "nextKeyDigest",
	    json_string(digest(&a3))), 0);
	return b;
}

/* A store trusting a1 (from 2026-01-01) and, when with_lists, holding
 * clean revocation and suspension lists. */
static struct verify_trust *
trust_a(int with_lists)
{
	struct verify_trust	*t = verify_trust_new();
	char			 err[512];
	json_t			*l;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(verify_trust_add_key(t, a1.vm, DID_A, a1.pk,
	    "2026-01-01T00:00:00Z", NULL, NULL, err, sizeof(err)), 0);
	if (with_lists) {
		l = status_list(REV_URL, "revocation", DID_A, &a1, -1, -1);
		ck_assert_msg(verify_trust_add_status_list(t, l, err,
		    sizeof(err)) == 0, "%s", err);
		json_decref(l);
		l = status_list(SUS_URL, "suspension", DID_A, &a1, -1, -1);
		ck_assert_msg(verify_trust_add_status_list(t, l, err,
		    sizeof(err)) == 0, "%s", err);
		json_decref(l);
	}
	return t;
}

static const char *const check_names[VERIFY_NCHECKS] = {
	"format", "context", "canonical", "issuer", "signature", "key",
	"validity", "status", "log"
};

/* The check named name in checks: 1 ok, 0 failed; its detail in *detail. */
static int
check_ok(const json_t *checks, const char *name, const char **detail)
{
	size_t		 i;
	const json_t	*c;

	json_array_foreach(checks, i, c)
		if (strcmp(json_string_value(json_object_get(c, "check")),
		    name) == 0) {
			if (detail != NULL)
				*detail = json_string_value(json_object_get(c,
				    "detail"));
			return json_is_true(json_object_get(c, "ok"));
		}
	ck_abort_msg("no check %s", name);
	return -1;
}

static json_t *
run(const struct verify_trust *t, const json_t *cred, const char *at,
    int *verified)
{
	json_t	*checks;
	size_t	 i;

	opts.at = T(at);
	if (opts.now == 0)
		opts.now = opts.at;
	checks = verify_credential(t, cred, &opts, verified);
	opts.now = 0;

	ck_assert_ptr_nonnull(checks);
	ck_assert_uint_eq(json_array_size(checks), VERIFY_NCHECKS);
	for (i = 0; i < VERIFY_NCHECKS; i++) {
		const json_t *c = json_array_get(checks, i);

		ck_assert_str_eq(json_string_value(json_object_get(c, "check")),
		    check_names[i]);
		ck_assert(json_is_boolean(json_object_get(c, "ok")));
		ck_assert_msg(json_is_true(json_object_get(c, "ok")) ==
		    (strcmp(json_string_value(json_object_get(c, "code")),
		    "ok") == 0 || strcmp(json_string_value(json_object_get(c,
		    "code")), "status_skipped") == 0 ||
		    strcmp(json_string_value(json_object_get(c, "code")),
		    "log_skipped") == 0), "check %zu: ok and "
		    "code disagree", i);
		ck_assert(json_string_length(json_object_get(c, "detail")) > 0);
	}
	return checks;
}

/* Asserts that check name has code want. */
static void
expect_code(const json_t *checks, const char *name, const char *want)
{
	size_t		 i;
	const json_t	*c;

	json_array_foreach(checks, i, c)
		if (strcmp(json_string_value(json_object_get(c, "check")),
		    name) == 0) {
			ck_assert_msg(strcmp(json_string_value(json_object_get(c,
			    "code")), want) == 0, "%s: code %s, want %s (%s)",
			    name, json_string_value(json_object_get(c, "code")),
			    want, json_string_value(json_object_get(c,
			    "detail")));
			return;
		}
	ck_abort_msg("no check %s", name);
}

/* Asserts that check name failed and its detail contains want. */
static void
expect_fail(const json_t *checks, const char *name, const char *want)
{
	const char *d;

	ck_assert_msg(check_ok(checks, name, &d) == 0, "%s passed: %s", name,
	    d);
	if (want != NULL)
		ck_assert_msg(strstr(d, want) != NULL, "%s detail \"%s\" lacks "
		    "\"%s\"", name, d, want);
}

static void
expect_ok(const json_t *checks, const char *name, const char *want)
{
	const char *d;

	ck_assert_msg(check_ok(checks, name, &d) == 1, "%s failed: %s", name,
	    d);
	if (want != NULL)
		ck_assert_msg(strstr(d, want) != NULL, "%s detail \"%s\" lacks "
		    "\"%s\"", name, d, want);
}

START_TEST(test_valid)
{
	struct verify_trust	*t = trust_a(1);
	json_t			*c = label(&a1, DID_A, a1.vm,
	    "2026-11-28T06:00:00Z"), *checks;
	int			 verified = -1;

	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	expect_ok(checks, "status", "revocation bit 4242 clear");
	expect_ok(checks, "status", "suspension bit 77 clear");
	expect_ok(checks, "issuer", DID_A);
	json_decref(checks);

	/* The bounds themselves are inside the window (without the lists,
	 * which expire a year after they were signed). */
	verify_trust_free(t);
	t = trust_a(0);
	opts.no_status = 1;
	checks = run(t, c, "2029-11-28T06:00:00Z", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	checks = run(t, c, "2026-11-28T06:00:00Z", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

/* Replaces the character at i by another that keeps the JSON valid;
 * 0 if there is none (structure, quote, backslash). */
static int
flip_char(char *s, size_t i, int in_string)
{
	char c = s[i];

	if (isdigit((unsigned char)c))
		s[i] = (char)('0' + (c - '0' + 1) % 10);
	else if (isalpha((unsigned char)c) && in_string)
		s[i] = (char)(islower((unsigned char)c) ? toupper(c) :
		    tolower(c));
	else if (in_string && c != '"' && c != '\\' &&
	    (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
		s[i] = c == '_' ? '-' : '_';
	else
		return 0;
	return 1;
}

/*
 * Every single-character change of the credential's canonical text that
 * still parses (every string character, key or value, and every digit)
 * must make verification fail, with the signature check failing.
 */
START_TEST(test_flip_every_byte)
{
	struct verify_trust	*t = trust_a(1);
	json_t			*c = label(&a1, DID_A, a1.vm,
	    "2026-11-28T06:00:00Z"), *m, *checks;
	char			 err[256], *text, *copy;
	size_t			 len, i, tried = 0, skipped = 0;
	int			 in_string = 0, esc = 0, verified;

	text = jcs_serialize(c, &len, err, sizeof(err));
	ck_assert_ptr_nonnull(text);
	copy = malloc(len + 1);
	ck_assert_ptr_nonnull(copy);
	for (i = 0; i < len; i++) {
		int was_string = in_string;

		/* Track whether text[i] lies inside a string literal. */
		if (in_string) {
			if (esc)
				esc = 0;
			else if (text[i] == '\\')
				esc = 1;
			else if (text[i] == '"') {
				in_string = 0;
				was_string = 0;
			}
		} else if (text[i] == '"') {
			in_string = 1;
			continue;
		}
		memcpy(copy, text, len + 1);
		if (esc || !flip_char(copy, i, was_string))
			continue;
		if ((m = json_loadb(copy, len, JSON_REJECT_DUPLICATES,
		    NULL)) == NULL) {
			skipped++;
			continue;
		}
		tried++;
		checks = run(t, m, "2027-01-01", &verified);
		ck_assert_msg(verified == 0, "flip at %zu verified: %.60s", i,
		    copy + (i > 30 ? i - 30 : 0));
		ck_assert_msg(check_ok(checks, "signature", NULL) == 0,
		    "flip at %zu: signature ok", i);
		json_decref(checks);
		json_decref(m);
	}
	/* The canonical text is ~2 KB, nearly all of it in strings. */
	ck_assert_uint_gt(tried, len * 3 / 4);
	ck_assert_uint_lt(skipped, 10);
	free(copy);
	free(text);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_flip_proof_value)
{
	static const char b58[] =
	    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	struct verify_trust	*t = trust_a(1);
	json_t			*c = label(&a1, DID_A, a1.vm,
	    "2026-11-28T06:00:00Z"), *m, *checks;
	const char		*pv, *d;
	char			*copy;
	size_t			 i, n;
	int			 verified;

	pv = json_string_value(json_object_get(json_object_get(c, "proof"),
	    "proofValue"));
	n = strlen(pv);
	ck_assert_uint_gt(n, 80);
	for (i = 0; i < n; i++) {
		copy = strdup(pv);
		ck_assert_ptr_nonnull(copy);
		/* The next letter of the alphabet: base58 still, other
		 * bytes. */
		if (i == 0)
			copy[0] = 'u';
		else
			copy[i] = b58[(strchr(b58, copy[i]) - b58 + 1) % 58];
		m = json_deep_copy(c);
		json_object_set_new(json_object_get(m, "proof"), "proofValue",
		    json_string(copy));
		checks = run(t, m, "2027-01-01", &verified);
		ck_assert_msg(verified == 0, "proofValue flip at %zu verified",
		    i);
		ck_assert(check_ok(checks, "signature", &d) == 0);
		json_decref(checks);
		json_decref(m);
		free(copy);
	}
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_other_key)
{
	struct verify_trust	*t = trust_a(1);
	json_t			*c, *checks;
	char			 err[256];
	int			 verified;

	/* B's key signs but claims A's key: the signature fails. */
	c = label(&b1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_ok(checks, "issuer", NULL);
	expect_fail(checks, "signature", "signature does not verify");
	json_decref(checks);
	json_decref(c);

	/* B's own key, not trusted, issuer A: unknown key. */
	c = label(&b1, DID_A, b1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "issuer", "not a trusted key");
	expect_fail(checks, "signature", "not checked");
	expect_fail(checks, "key", "not checked");
	json_decref(checks);

	/* B trusted too: its key still cannot speak for A. */
	ck_assert_int_eq(verify_trust_add_key(t, b1.vm, DID_B, b1.pk, NULL,
	    NULL, NULL, err, sizeof(err)), 0);
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "issuer", "belongs to " DID_B);
	expect_ok(checks, "signature", NULL);
	json_decref(checks);
	json_decref(c);

	/* Nothing trusted at all. */
	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(NULL, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "issuer", "is not trusted (give its trust bundle)");
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_retired_key)
{
	struct verify_trust	*t = verify_trust_new();
	json_t			*c, *checks;
	char			 err[256];
	int			 verified;

	opts.no_status = 1;
	ck_assert_int_eq(verify_trust_add_key(t, a1.vm, DID_A, a1.pk,
	    "2026-01-01T00:00:00Z", "2026-11-29T00:00:00Z", NULL, err,
	    sizeof(err)), 0);
	/* Signed before retirement: still verifies years later. */
	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2028-06-01", &verified);
	ck_assert_int_eq(verified, 1);
	expect_ok(checks, "key", "until 2026-11-29T00:00:00Z");
	json_decref(checks);
	json_decref(c);
	/* Signed in the second of the rotation: before it. */
	c = label(&a1, DID_A, a1.vm, "2026-11-29T00:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	/* Signed after. */
	c = label(&a1, DID_A, a1.vm, "2026-11-29T00:00:01Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "key", "retired on 2026-11-29T00:00:00Z");
	expect_code(checks, "key", "key_not_valid");
	expect_ok(checks, "signature", NULL);
	json_decref(checks);
	json_decref(c);
	/* Signed before the key existed. */
	c = label(&a1, DID_A, a1.vm, "2025-12-31T23:59:59Z");
	checks = run(t, c, "2027-01-01", &verified);
	expect_fail(checks, "key", "before key");
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_compromised_key)
{
	struct verify_trust	*t = verify_trust_new();
	json_t			*c, *checks;
	char			 err[256];
	int			 verified;

	opts.no_status = 1;
	ck_assert_int_eq(verify_trust_add_key(t, a1.vm, DID_A, a1.pk,
	    "2026-01-01T00:00:00Z", "2026-11-30T00:00:00Z",
	    "2026-11-28T12:00:00.5Z", err, sizeof(err)), 0);
	c = label(&a1, DID_A, a1.vm, "2026-11-28T12:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	c = label(&a1, DID_A, a1.vm, "2026-11-28T12:00:00.5Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "key", "compromised on 2026-11-28T12:00:00.5Z");
	expect_code(checks, "key", "key_compromised");
	json_decref(checks);
	json_decref(c);
	/* A timezone offset is honoured: 13:00+02:00 is 11:00Z, before. */
	c = label(&a1, DID_A, a1.vm, "2026-11-28T13:00:00+02:00");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_validity)
{
	struct verify_trust	*t = trust_a(0);
	json_t			*c = label(&a1, DID_A, a1.vm,
	    "2026-11-28T06:00:00Z"), *checks;
	int			 verified;

	opts.no_status = 1;
	checks = run(t, c, "2029-11-28T06:00:01Z", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "validity", "expired: validUntil "
	    "2029-11-28T06:00:00Z is before 2029-11-28T06:00:01Z");
	expect_ok(checks, "signature", NULL);
	json_decref(checks);
	checks = run(t, c, "2026-11-28", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "validity", "not yet valid: validFrom "
	    "2026-11-28T06:00:00Z");
	json_decref(checks);
	/* No status list loaded, on request: said so, and ok. */
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	expect_code(checks, "status", "status_skipped");
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

static void
add_list(struct verify_trust *t, json_t *l, int want)
{
	char err[512];
	int  rc = verify_trust_add_status_list(t, l, err, sizeof(err));

	ck_assert_msg(rc == want, "add_status_list %d: %s", rc, err);
	json_decref(l);
}

START_TEST(test_status)
{
	struct verify_trust	*t = trust_a(0);
	json_t			*c = label(&a1, DID_A, a1.vm,
	    "2026-11-28T06:00:00Z"), *checks;
	int			 verified;

	/* Suspended: other bits set do not matter, ours does. */
	add_list(t, status_list(REV_URL, "revocation", DID_A, &a1, 4241,
	    4243), 0);
	add_list(t, status_list(SUS_URL, "suspension", DID_A, &a1, SUS_IDX,
	    -1), 0);
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "status", "suspended: suspension bit 77 is set in "
	    SUS_URL);
	json_decref(checks);

	/* Reinstated: a fresher copy of the list replaces the old one. */
	{
		json_t *l = status_list(SUS_URL, "suspension", DID_A, &a1, -1,
		    -1);

		json_object_del(l, "proof");
		json_object_set_new(l, "validFrom",
		    json_string("2026-12-01T00:00:00Z"));
		sign(l, &a1, a1.vm, "2026-12-01T00:00:00Z");
		add_list(t, l, 0);
		/* An older copy added later does not win. */
		add_list(t, status_list(SUS_URL, "suspension", DID_A, &a1,
		    SUS_IDX, -1), 0);
	}
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);

	/* Revoked. */
	add_list(t, status_list(REV_URL, "revocation", DID_A, &a1, REV_IDX,
	    -1), 0);
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "status", "revoked: revocation bit 4242 is set");
	json_decref(checks);

	/* An expired list is not evidence of anything. */
	verify_trust_free(t);
	t = trust_a(1);
	checks = run(t, c, "2027-12-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "status", "expired on 2027-11-28T06:00:00Z");
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_status_mismatch)
{
	struct verify_trust	*t = trust_a(0);
	json_t			*c, *checks, *st;
	char			 err[256];
	int			 verified;

	/* The revocation entry names the suspension list. */
	c = label_doc(DID_A, "2026-11-28T06:00:00Z", "2029-11-28T06:00:00Z");
	st = json_array_get(json_object_get(c, "credentialStatus"), 0);
	json_object_set_new(st, "statusListCredential", json_string(SUS_URL));
	sign(c, &a1, a1.vm, "2026-11-28T06:00:00Z");
	add_list(t, status_list(SUS_URL, "suspension", DID_A, &a1, -1, -1), 0);
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "status", "a list of another purpose");
	json_decref(checks);
	json_decref(c);

	/* An index beyond the list. */
	c = label_doc(DID_A, "2026-11-28T06:00:00Z", "2029-11-28T06:00:00Z");
	st = json_array_get(json_object_get(c, "credentialStatus"), 1);
	json_object_set_new(st, "statusListIndex", json_string("131072"));
	sign(c, &a1, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	expect_fail(checks, "status", "beyond the 131072 entries");
	json_decref(checks);
	json_decref(c);

	/* A list of another (trusted) issuer under our URL. */
	verify_trust_free(t);
	t = trust_a(0);
	ck_assert_int_eq(verify_trust_add_key(t, b1.vm, DID_B, b1.pk, NULL,
	    NULL, NULL, err, sizeof(err)), 0);
	add_list(t, status_list(REV_URL, "revocation", DID_B, &b1, -1, -1), 0);
	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "status", "of the issuer was not given");
	expect_code(checks, "status", "status_unchecked");
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_status_list_rejected)
{
	struct verify_trust	*t = trust_a(0);
	json_t			*l;
	char			 err[512];

	/* Altered after signing. */
	l = status_list(REV_URL, "revocation", DID_A, &a1, -1, -1);
	json_object_set_new(json_object_get(l, "credentialSubject"),
	    "statusPurpose", json_string("suspension"));
	ck_assert_int_eq(verify_trust_add_status_list(t, l, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "signature does not verify") != NULL, "%s",
	    err);
	json_decref(l);
	/* Bits set after signing. */
	l = status_list(REV_URL, "revocation", DID_A, &a1, -1, -1);
	{
		json_t *other = status_list(REV_URL, "revocation", DID_A, &a1,
		    REV_IDX, -1);

		json_object_set(json_object_get(l, "credentialSubject"),
		    "encodedList", json_object_get(json_object_get(other,
		    "credentialSubject"), "encodedList"));
		json_decref(other);
	}
	ck_assert_int_eq(verify_trust_add_status_list(t, l, err, sizeof(err)),
	    -1);
	json_decref(l);
	/* Signed by an untrusted key. */
	l = status_list(REV_URL, "revocation", DID_B, &b1, -1, -1);
	ck_assert_int_eq(verify_trust_add_status_list(t, l, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "not a trusted key") != NULL, "%s", err);
	json_decref(l);
	/* Signed by A's key but claiming issuer B. */
	l = status_list(REV_URL, "revocation", DID_B, &a1, -1, -1);
	ck_assert_int_eq(verify_trust_add_status_list(t, l, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "not the controller") != NULL, "%s", err);
	json_decref(l);
	/* Not a status list at all. */
	l = json_pack("{s:s}", "type", "VerifiableCredential");
	ck_assert_int_eq(verify_trust_add_status_list(t, l, err, sizeof(err)),
	    -1);
	json_decref(l);
	ck_assert_uint_eq(verify_trust_nlists(t), 0);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_bundle)
{
	struct verify_trust	*t = verify_trust_new();
	json_t			*b = bundle_doc(), *c, *checks;
	char			 err[512];
	int			 verified;

	opts.no_status = 1;
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	ck_assert_msg(verify_trust_add_bundle(t, b, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(verify_trust_nkeys(t), 2);
	/* Pinning it again is refused: newer ones are updates. */
	ck_assert_int_eq(verify_trust_add_bundle(t, b, err, sizeof(err)), -1);
	ck_assert(strstr(err, "pinned already") != NULL);
	ck_assert_uint_eq(verify_trust_nkeys(t), 2);
	/* A label of the rotated-out key, signed while it was current. */
	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	/* ... and one it signed after the rotation. */
	c = label(&a1, DID_A, a1.vm, "2026-12-01T00:00:01Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "key", "retired");
	json_decref(checks);
	json_decref(c);
	/* The current key. */
	c = label(&a2, DID_A, a2.vm, "2026-12-02T00:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	json_decref(b);
	verify_trust_free(t);
}
END_TEST

static void
bundle_rejected(json_t *b, const char *want)
{
	struct verify_trust	*t = verify_trust_new();
	char			 err[512] = "";

	ck_assert_int_eq(verify_trust_add_bundle(t, b, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, want) != NULL, "\"%s\" lacks \"%s\"", err,
	    want);
	ck_assert_uint_eq(verify_trust_nkeys(t), 0);
	verify_trust_free(t);
	json_decref(b);
}

START_TEST(test_bundle_rejected)
{
	json_t *b;

	/* Bad self-signature: altered after signing. */
	b = bundle_doc();
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	json_object_set_new(json_object_get(b, "issuer"), "name",
	    json_string("CSA (tampered)"));
	bundle_rejected(b, "signature does not verify");

	/* A listed key swapped for another after signing. */
	b = bundle_doc();
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	json_object_set_new(json_array_get(json_object_get(b, "keys"), 0),
	    "publicKeyMultibase", json_string(b1.mb));
	bundle_rejected(b, "disagree");

	/* keys and didDocument must list the same keys, every one an
	 * assertionMethod of the issuer: no key trusted here that a
	 * DID-resolving verifier would not trust. */
	b = bundle_doc();
	json_object_del(b, "didDocument");
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "not the DID document");
	b = bundle_doc();
	json_array_remove(json_object_get(json_object_get(b, "didDocument"),
	    "verificationMethod"), 1);
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "didDocument lists 1 keys, keys lists 2");
	b = bundle_doc();
	json_object_set_new(json_array_get(json_object_get(json_object_get(b,
	    "didDocument"), "verificationMethod"), 0), "id",
	    json_string(DID_A "#key-other"));
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "is not in the didDocument");
	b = bundle_doc();
	json_array_remove(json_object_get(json_object_get(b, "didDocument"),
	    "assertionMethod"), 1);
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "assertionMethod");
	b = bundle_doc();
	json_object_set_new(json_array_get(json_object_get(json_object_get(b,
	    "didDocument"), "verificationMethod"), 1), "controller",
	    json_string(DID_B));
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "assertionMethod");

	/* A retired key without the end of its validity. */
	b = bundle_doc();
	json_object_set_new(json_array_get(json_object_get(b, "keys"), 0),
	    "validUntil", json_null());
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "a retired key needs its validUntil");

	/* Signed by a key it does not list. */
	b = bundle_doc();
	sign(b, &b1, b1.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "not one of the keys it lists");

	/* Signed by a listed key that was already retired. */
	b = bundle_doc();
	sign(b, &a1, a1.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "retired");

	/* A key of another DID inside A's bundle. */
	b = bundle_doc();
	json_array_append_new(json_object_get(b, "keys"), bundle_key(&b1,
	    "2026-01-01T00:00:00Z", NULL, NULL, "active"));
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	bundle_rejected(b, "is not of the form " DID_A "#");

	/* Not a bundle. */
	b = json_pack("{s:s}", "type", "Something");
	bundle_rejected(b, VERIFY_BUNDLE_TYPE);
}
END_TEST

START_TEST(test_bundle_compromised)
{
	struct verify_trust	*t = verify_trust_new();
	json_t			*b = bundle_doc(), *c, *checks;
	char			 err[512];
	int			 verified;

	opts.no_status = 1;
	/* a1 was compromised at 2026-11-20: its 11-28 label is void. */
	json_array_set_new(json_object_get(b, "keys"), 0, bundle_key(&a1,
	    "2026-01-01T00:00:00Z", "2026-12-01T00:00:00Z",
	    "2026-11-20T00:00:00Z", "compromised"));
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	ck_assert_msg(verify_trust_add_bundle(t, b, err, sizeof(err)) == 0,
	    "%s", err);
	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "key", "compromised on 2026-11-20T00:00:00Z");
	json_decref(checks);
	json_decref(c);
	c = label(&a1, DID_A, a1.vm, "2026-11-19T00:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	json_decref(b);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_merge)
{
	struct verify_trust	*t = verify_trust_new();
	json_t			*c, *checks;
	char			 err[256];
	int			 verified;

	ck_assert_int_eq(verify_trust_add_key(t, a1.vm, DID_A, a1.pk,
	    "2026-01-01T00:00:00Z", NULL, NULL, err, sizeof(err)), 0);
	/* The same key learnt compromised later: the stricter view wins. */
	ck_assert_int_eq(verify_trust_add_key(t, a1.vm, DID_A, a1.pk,
	    "2026-01-01T00:00:00Z", NULL, "2026-06-01T00:00:00Z", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(verify_trust_add_key(t, a1.vm, DID_A, a1.pk,
	    "2026-01-01T00:00:00Z", NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(verify_trust_nkeys(t), 1);
	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	expect_fail(checks, "key", "compromised");
	json_decref(checks);
	json_decref(c);
	/* Another public key under the same id is refused. */
	ck_assert_int_eq(verify_trust_add_key(t, a1.vm, DID_A, b1.pk, NULL,
	    NULL, NULL, err, sizeof(err)), -1);
	ck_assert(strstr(err, "another public key") != NULL);
	/* Ids must belong to their controller. */
	ck_assert_int_eq(verify_trust_add_key(t, b1.vm, DID_A, b1.pk, NULL,
	    NULL, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(verify_trust_add_key(t, "did:web:x#k", "did:web:x",
	    b1.pk, "yesterday", NULL, NULL, err, sizeof(err)), -1);
	ck_assert(strstr(err, "validFrom") != NULL);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_format_and_canonical)
{
	struct verify_trust	*t = trust_a(0);
	json_t			*c, *checks;
	int			 verified;

	opts.no_status = 1;
	/* Not an object: every check fails, none is skipped. */
	c = json_pack("[s]", "x");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	for (size_t i = 0; i < VERIFY_NCHECKS; i++)
		if (strcmp(check_names[i], "canonical") != 0)
			ck_assert(check_ok(checks, check_names[i], NULL) == 0);
	json_decref(checks);
	json_decref(c);

	/* Signed, yet not a VC 2.0 shape. */
	c = label_doc(DID_A, "2026-11-28T06:00:00Z", "2029-11-28T06:00:00Z");
	json_array_remove(json_object_get(c, "type"), 0);
	json_array_set_new(json_object_get(c, "@context"), 0,
	    json_string("https://www.w3.org/2018/credentials/v1"));
	sign(c, &a1, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "format", "VerifiableCredential");
	expect_code(checks, "context", "unknown_context");
	expect_ok(checks, "signature", NULL);
	json_decref(checks);
	json_decref(c);

	/* No proof. */
	c = label_doc(DID_A, "2026-11-28T06:00:00Z", "2029-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	expect_fail(checks, "format", "no proof");
	expect_fail(checks, "signature", "not checked");
	json_decref(checks);
	json_decref(c);

	/* An integer JCS cannot represent exactly. */
	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	json_object_set_new(json_object_get(c, "credentialSubject"), "tier",
	    json_integer(9007199254740993LL));
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_fail(checks, "canonical", "no RFC 8785");
	expect_fail(checks, "signature", NULL);
	json_decref(checks);
	json_decref(c);

	/* Malformed dates. */
	c = label_doc(DID_A, "2026-11-28", "2029-11-28T06:00:00Z");
	sign(c, &a1, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	expect_fail(checks, "validity", "RFC 3339");
	json_decref(checks);
	json_decref(c);

	/* A proof with a purpose other than assertionMethod. */
	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	json_object_set_new(json_object_get(c, "proof"), "proofPurpose",
	    json_string("authentication"));
	checks = run(t, c, "2027-01-01", &verified);
	expect_fail(checks, "signature", NULL);
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

START_TEST(test_time)
{
	time_t	t;
	char	buf[RFC3339_BUFLEN];

	ck_assert_int_eq(rfc3339_to_time("2026-11-28", 1, &t), 0);
	ck_assert_int_eq((long long)t, 1795824000LL);
	ck_assert_int_eq(rfc3339_to_time("2026-11-28", 0, &t), -1);
	ck_assert_int_eq(rfc3339_to_time("2026-11-28T08:00:00+08:00", 0,
	    &t), 0);
	ck_assert_int_eq((long long)t, 1795824000LL);
	ck_assert_int_eq(rfc3339_to_time("1970-01-01T00:00:00.999Z", 0, &t),
	    0);
	ck_assert_int_eq((long long)t, 0);
	ck_assert_int_eq(rfc3339_to_time("2024-02-29T00:00:00Z", 0, &t), 0);
	ck_assert_int_eq(rfc3339_to_time("2025-02-29T00:00:00Z", 0, &t), -1);
	ck_assert_int_eq(rfc3339_to_time("2026-13-01", 1, &t), -1);
	ck_assert_int_eq(rfc3339_to_time("tomorrow", 1, &t), -1);
	ck_assert_int_eq(rfc3339_to_time("", 1, &t), -1);
	ck_assert_int_eq(rfc3339_date_check("2024-02-29"), 0);
	ck_assert_int_eq(rfc3339_date_check("2025-02-29"), -1);
	ck_assert_int_eq(rfc3339_date_check("2026-04-31"), -1);
	ck_assert_int_eq(rfc3339_date_check("2026-4-30"), -1);
	ck_assert_int_eq(rfc3339_date_check("2026-11-28T00:00:00Z"), -1);
	ck_assert_int_eq(rfc3339_date_check(NULL), -1);
	rfc3339_format(1795824000, buf);
	ck_assert_str_eq(buf, "2026-11-28T00:00:00Z");
}
END_TEST

/* Contexts other than the ones labeld issues: unsigned meaning. */
START_TEST(test_context)
{
	struct verify_trust	*t = trust_a(1);
	json_t			*c, *m, *checks;
	int			 verified;
	static const char *const bad[] = {
		"[\"https://www.w3.org/ns/credentials/v2\", "
		    "\"https://x.example/ctx\"]",
		"[\"https://www.w3.org/ns/credentials/v2\", "
		    "\"https://www.w3.org/ns/credentials/v2\"]",
		"[\"https://www.w3.org/ns/credentials/v2\", {\"@vocab\": "
		    "\"https://x.example/#\"}]",
		"[\"https://www.w3.org/2018/credentials/v1\"]",
		"[]",
		"\"https://www.w3.org/ns/credentials/v2\"",
	};

	c = label(&a1, DID_A, a1.vm, "2026-11-28T06:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	expect_code(checks, "context", "ok");
	json_decref(checks);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = json_deep_copy(c);
		json_object_set_new(m, "@context", json_loads(bad[i],
		    JSON_DECODE_ANY, NULL));
		checks = run(t, m, "2027-01-01", &verified);
		ck_assert_msg(verified == 0, "@context %s verified", bad[i]);
		expect_code(checks, "context", "unknown_context");
		json_decref(checks);
		json_decref(m);
	}
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

/* Status fails closed: a list not given, stale or too old is no answer. */
START_TEST(test_status_fail_closed)
{
	struct verify_trust	*t = trust_a(0);
	json_t			*c = label(&a1, DID_A, a1.vm,
	    "2026-11-28T06:00:00Z"), *checks;
	int			 verified;

	/* No list at all, then only the revocation list. */
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_code(checks, "status", "status_unchecked");
	expect_fail(checks, "status", SUS_URL " of the issuer was not given");
	json_decref(checks);
	add_list(t, status_list(REV_URL, "revocation", DID_A, &a1, -1, -1), 0);
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_code(checks, "status", "status_unchecked");
	json_decref(checks);
	/* The explicit opt-out passes, and says so. */
	opts.no_status = 1;
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	expect_code(checks, "status", "status_skipped");
	expect_ok(checks, "status", "not checked");
	json_decref(checks);
	opts.no_status = 0;
	/* Both lists: fine, until they lapse. */
	add_list(t, status_list(SUS_URL, "suspension", DID_A, &a1, -1, -1), 0);
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	checks = run(t, c, "2027-11-28T06:00:01Z", &verified);
	ck_assert_int_eq(verified, 0);
	expect_code(checks, "status", "status_stale");
	json_decref(checks);
	/* --max-status-age: a day after validFrom is too old for 12 hours. */
	opts.max_status_age = 12 * 3600;
	checks = run(t, c, "2026-11-28T17:00:00Z", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	checks = run(t, c, "2026-11-29T06:00:01Z", &verified);
	ck_assert_int_eq(verified, 0);
	expect_code(checks, "status", "status_stale");
	expect_fail(checks, "status", "--max-status-age");
	json_decref(checks);
	opts.max_status_age = 0;
	/* A revocation seen in a stale list still counts: it is final. */
	verify_trust_free(t);
	t = trust_a(0);
	add_list(t, status_list(REV_URL, "revocation", DID_A, &a1, REV_IDX,
	    -1), 0);
	add_list(t, status_list(SUS_URL, "suspension", DID_A, &a1, -1, -1), 0);
	checks = run(t, c, "2027-12-01", &verified);
	expect_code(checks, "status", "revoked");
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

/* A's bundle version v, as bundle_doc with keys and commitment given. */
static json_t *
bundle_version(int v, const char *expires, const struct tkey *next)
{
	json_t *b = bundle_doc();

	json_object_set_new(b, "version", json_integer(v));
	json_object_set_new(b, "expires", json_string(expires));
	json_object_set_new(b, "nextKeyDigest", next != NULL ?
	    json_string(digest(next)) : json_null());
	return b;
}

/* Adds key k (active from from) to bundle b, in keys and didDocument;
 * retires a2 at from. */
static void
bundle_rotate(json_t *b, const struct tkey *k, const char *from)
{
	json_t *doc = json_object_get(b, "didDocument");

	json_array_set_new(json_object_get(b, "keys"), 1, bundle_key(&a2,
	    "2026-12-01T00:00:00Z", from, NULL, "retired"));
	json_array_append_new(json_object_get(b, "keys"), bundle_key(k, from,
	    NULL, NULL, "active"));
	json_array_append_new(json_object_get(doc, "verificationMethod"),
	    json_pack("{s:s, s:s, s:s, s:s}", "id", k->vm, "type", "Multikey",
	    "controller", DID_A, "publicKeyMultibase", k->mb));
	json_array_append_new(json_object_get(doc, "assertionMethod"),
	    json_string(k->vm));
}

/* A store with A's version 1 pinned (signed by a2). */
static struct verify_trust *
pinned_a(void)
{
	struct verify_trust	*t = verify_trust_new();
	json_t			*b = bundle_doc();
	char			 err[512];

	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	ck_assert_msg(verify_trust_add_bundle(t, b, err, sizeof(err)) == 0,
	    "%s", err);
	json_decref(b);
	return t;
}

/* Offers update b to a store pinned to A's version 1: refused with want
 * in the reason, and, when b claims to be A's, A's labels fail closed. */
static void
update_refused(json_t *b, const char *want)
{
	struct verify_trust	*t = pinned_a();
	json_t			*c, *checks;
	char			 err[512] = "";
	int			 verified;

	ck_assert_int_eq(verify_trust_update_bundle(t, b, T("2027-01-01"), err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, want) != NULL, "\"%s\" lacks \"%s\"", err,
	    want);
	/* A's credentials now fail closed, a2's genuine label included. */
	c = label(&a2, DID_A, a2.vm, "2026-12-02T00:00:00Z");
	opts.no_status = 1;
	checks = run(t, c, "2027-01-01", &verified);
	opts.no_status = 0;
	if (strcmp(json_string_value(json_object_get(json_object_get(b,
	    "issuer"), "id")), DID_A) == 0) {
		ck_assert_int_eq(verified, 0);
		expect_code(checks, "issuer", "bundle_refused");
	}
	json_decref(checks);
	json_decref(c);
	json_decref(b);
	verify_trust_free(t);
}

START_TEST(test_bundle_update)
{
	struct verify_trust	*t;
	json_t			*b, *c, *checks, *is;
	char			 err[512];
	int			 verified;

	/* The rotation: a3 (committed by version 1) becomes active and
	 * signs version 2, which commits to x1 next... as a legitimate
	 * operator would. */
	t = pinned_a();
	b = bundle_version(2, "2027-12-10T00:00:00Z", &x1);
	bundle_rotate(b, &a3, "2026-12-10T00:00:00Z");
	sign(b, &a3, a3.vm, "2026-12-10T00:00:00Z");
	ck_assert_msg(verify_trust_update_bundle(t, b, T("2027-01-01"), err,
	    sizeof(err)) == 0, "%s", err);
	json_decref(b);
	c = label(&a3, DID_A, a3.vm, "2026-12-11T00:00:00Z");
	opts.no_status = 1;
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	/* ... and an older label of a2 still verifies. */
	c = label(&a2, DID_A, a2.vm, "2026-12-05T00:00:00Z");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	is = verify_trust_issuers(t);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(is,
	    0), "version")), 2);
	json_decref(is);
	/* Replaying version 2, or giving 1 again: refused. */
	b = bundle_doc();
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	ck_assert_int_eq(verify_trust_update_bundle(t, b, T("2027-01-01"), err,
	    sizeof(err)), -1);
	ck_assert(strstr(err, "not newer") != NULL);
	json_decref(b);
	verify_trust_free(t);

	/* A change that keeps the keys, by the active key: accepted. */
	t = pinned_a();
	b = bundle_version(2, "2028-01-01T00:00:00Z", &a3);
	sign(b, &a2, a2.vm, "2026-12-20T00:00:00Z");
	ck_assert_msg(verify_trust_update_bundle(t, b, T("2027-01-01"), err,
	    sizeof(err)) == 0, "%s", err);
	json_decref(b);
	verify_trust_free(t);

	/* The thief of a2: a new key signed only by the stolen key. */
	b = bundle_version(2, "2027-12-10T00:00:00Z", &x1);
	bundle_rotate(b, &x1, "2026-12-10T00:00:00Z");
	json_array_set_new(json_object_get(b, "keys"), 1, bundle_key(&a2,
	    "2026-12-01T00:00:00Z", NULL, NULL, "active"));
	sign(b, &a2, a2.vm, "2026-12-10T00:00:00Z");
	update_refused(b, "not by the key version 1 committed to");
	/* ... or a new commitment to a key of its own, keys unchanged. */
	b = bundle_version(2, "2027-12-10T00:00:00Z", &x1);
	sign(b, &a2, a2.vm, "2026-12-10T00:00:00Z");
	update_refused(b, "not by the key version 1 committed to");
	/* ... or its own key, self-signed. */
	b = bundle_version(2, "2027-12-10T00:00:00Z", &x1);
	bundle_rotate(b, &x1, "2026-12-10T00:00:00Z");
	sign(b, &x1, x1.vm, "2026-12-10T00:00:00Z");
	update_refused(b, "not by the key version 1 committed to");
	/* A version that drops a key. */
	b = bundle_version(2, "2027-12-10T00:00:00Z", &a3);
	json_array_remove(json_object_get(b, "keys"), 0);
	json_array_remove(json_object_get(json_object_get(b, "didDocument"),
	    "verificationMethod"), 0);
	json_array_remove(json_object_get(json_object_get(b, "didDocument"),
	    "assertionMethod"), 0);
	sign(b, &a2, a2.vm, "2026-12-10T00:00:00Z");
	update_refused(b, "drops or changes key");
	/* Expired. */
	b = bundle_version(2, "2026-12-31T00:00:00Z", &a3);
	sign(b, &a2, a2.vm, "2026-12-10T00:00:00Z");
	update_refused(b, "expired on 2026-12-31T00:00:00Z");
	/* Signed by a retired key of version 1. */
	b = bundle_version(2, "2027-12-10T00:00:00Z", &a3);
	sign(b, &a1, a1.vm, "2026-11-10T00:00:00Z");
	update_refused(b, "does not list as active");
	/* A proof set: one key counted twice. */
	b = bundle_version(2, "2027-12-10T00:00:00Z", &a3);
	sign(b, &a2, a2.vm, "2026-12-10T00:00:00Z");
	json_object_set_new(b, "proof", json_pack("[O, O]",
	    json_object_get(b, "proof"), json_object_get(b, "proof")));
	update_refused(b, "single proof");
	/* Another authority's bundle. */
	b = bundle_version(2, "2027-12-10T00:00:00Z", &a3);
	json_object_set_new(json_object_get(b, "issuer"), "id",
	    json_string(DID_B));
	sign(b, &a2, a2.vm, "2026-12-10T00:00:00Z");
	update_refused(b, "is not of the form " DID_B);
	b = bundle_version(2, "2027-12-10T00:00:00Z", &a3);
	json_object_set_new(json_object_get(b, "issuer"), "id",
	    json_string(DID_B));
	json_object_set_new(b, "keys", json_pack("[o]", bundle_key(&b1,
	    "2026-01-01T00:00:00Z", NULL, NULL, "active")));
	json_object_set_new(b, "didDocument", json_pack("{s:s, s:[{s:s, s:s, "
	    "s:s, s:s}], s:[s]}", "id", DID_B, "verificationMethod", "id", b1.vm,
	    "type", "Multikey", "controller", DID_B, "publicKeyMultibase", b1.mb,
	    "assertionMethod", b1.vm));
	sign(b, &b1, b1.vm, "2026-12-10T00:00:00Z");
	update_refused(b, "no bundle of " DID_B " is pinned");
}
END_TEST

START_TEST(test_bundle_expired)
{
	struct verify_trust	*t = pinned_a();
	json_t			*b, *c, *checks;
	char			 err[512];
	int			 verified;

	c = label(&a2, DID_A, a2.vm, "2026-12-02T00:00:00Z");
	opts.no_status = 1;
	/* The bundle expires 2027-12-02: judged by the verifier's clock. */
	opts.now = T("2027-12-03");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 0);
	expect_code(checks, "issuer", "bundle_expired");
	json_decref(checks);
	/* A newer version, accepted from the expired one, mends it. */
	b = bundle_version(2, "2028-12-02T00:00:00Z", &a3);
	sign(b, &a2, a2.vm, "2027-11-02T00:00:00Z");
	ck_assert_msg(verify_trust_update_bundle(t, b, T("2027-12-03"), err,
	    sizeof(err)) == 0, "%s", err);
	json_decref(b);
	opts.now = T("2027-12-03");
	checks = run(t, c, "2027-01-01", &verified);
	ck_assert_int_eq(verified, 1);
	json_decref(checks);
	json_decref(c);
	verify_trust_free(t);
}
END_TEST

/* ---- transparency log proofs (the log check) ---- */

#define LOG_ORIGIN	"labeld.example/labeld"
#define LOG_LABEL	"SG-CLS-2026-000001"
#define LOG_OTHER	"SG-CLS-2026-000009"
/* Leaves of the test log; the label's issue leaf is number LOG_INDEX. */
#define LOG_SIZE	5
#define LOG_INDEX	1

/* A tiny in-memory subtree store: every node ever stored, searched. */
struct tmem {
	struct tlog_node	 n[4 * LOG_SIZE + TLOG_MAX_APPEND];
	size_t			 len;
};

static int
tmem_read(void *arg, unsigned level, uint64_t idx, uint8_t out[TLOG_HASH_LEN],
    char *err, size_t errlen)
{
	struct tmem *m = arg;

	for (size_t i = 0; i < m->len; i++)
		if (m->n[i].level == level && m->n[i].idx == idx) {
			memcpy(out, m->n[i].hash, TLOG_HASH_LEN);
			return 0;
		}
	snprintf(err, errlen, "no subtree (%u, %llu)", level,
	    (unsigned long long)idx);
	return -1;
}

/* The log key (or another key) as a note signer named name. */
static void
log_signer(struct note_signer *s, uint8_t fill, const char *name)
{
	uint8_t	 seed[32], pk[32], sk[64];
	char	 err[256];

	memset(seed, fill, sizeof(seed));
	lc_ed25519_seed_keypair(seed, pk, sk);
	ck_assert_msg(note_signer_init(s, name, NOTE_ALG_ED25519, sk, err,
	    sizeof(err)) == 0, "%s", err);
}

/* The RFC 8785 bytes of a leaf (*len of them, malloc'd). */
static char *
log_leaf(const char *kind, const char *label, const char *sha,
    const char *time, size_t *len)
{
	json_t	*l = json_pack("{s:s, s:s, s:s, s:n, s:s}", "credential_sha256",
	    sha, "kind", kind, "label_id", label, "reason", "time", time);
	char	 err[256], *b;

	ck_assert_ptr_nonnull(l);
	b = jcs_serialize(l, len, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	json_decref(l);
	return b;
}

/* The hex SHA-256 of cred's RFC 8785 form into hex. */
static void
cred_digest(const json_t *cred, char hex[65])
{
	uint8_t	 h[32];
	size_t	 len;
	char	 err[256], *b = jcs_serialize(cred, &len, err, sizeof(err));

	ck_assert_msg(b != NULL, "%s", err);
	lc_sha256(b, len, h);
	lc_hex(h, sizeof(h), hex);
	free(b);
}

/*
 * The answer of GET /v1/labels/{id}/proof for a log of LOG_SIZE leaves
 * whose leaf LOG_INDEX is (kind, label, cred's digest, time); the others
 * are issue leaves of LOG_OTHER.  The checkpoint names origin and is
 * signed by s.
 */
static json_t *
log_proof(const json_t *cred, const char *kind, const char *label,
    const char *time, const struct note_signer *s, const char *origin)
{
	struct tmem		 m;
	struct tlog_node	 nodes[TLOG_MAX_APPEND];
	struct note_checkpoint	 c;
	struct note		*n;
	uint8_t			 lh[TLOG_HASH_LEN];
	uint8_t			 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	char			 hex[65], err[256], *leaf = NULL, *b, *text;
	char			*signed_text;
	size_t			 len, nn, np, tlen = 0, i, j;
	json_t			*p, *inc;

	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	cred_digest(cred, hex);
	for (i = 0; i < LOG_SIZE; i++) {
		char *e = i == LOG_INDEX ? log_leaf(kind, label, hex, time,
		    &len) : log_leaf("issue", LOG_OTHER, "00000000000000000000"
		    "000000000000000000000000000000000000000000000",
		    "2026-11-01T00:00:00Z", &len);

		ck_assert_int_eq(tlog_leaf_hash(e, len, lh, err, sizeof(err)),
		    0);
		ck_assert_msg(tlog_append_hashes(i, lh, tmem_read, &m, nodes,
		    &nn, err, sizeof(err)) == 0, "%s", err);
		for (j = 0; j < nn; j++)
			m.n[m.len++] = nodes[j];
		if (i == LOG_INDEX) {
			leaf = e;
			tlen = len;
		} else
			free(e);
	}
	snprintf(c.origin, sizeof(c.origin), "%s", origin);
	c.size = LOG_SIZE;
	ck_assert_int_eq(tlog_root(LOG_SIZE, tmem_read, &m, c.root, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(tlog_inclusion_proof(LOG_INDEX, LOG_SIZE, tmem_read,
	    &m, proof, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(note_new(text, len, &n, err, sizeof(err)), 0);
	ck_assert_msg(note_sign(n, s, 0, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(note_format(n, &signed_text, &len, err, sizeof(err)),
	    0);
	inc = json_array();
	for (i = 0; i < np; i++) {
		b = lc_b64_encode(proof[i], TLOG_HASH_LEN, 0);
		json_array_append_new(inc, json_string(b));
		free(b);
	}
	b = lc_b64_encode(leaf, tlen, 0);
	p = json_pack("{s:i, s:i, s:s, s:o, s:s}", "log_index", LOG_INDEX,
	    "tree_size", LOG_SIZE, "leaf", b, "inclusion", inc, "checkpoint",
	    signed_text);
	ck_assert_ptr_nonnull(p);
	free(b);
	free(leaf);
	free(text);
	free(signed_text);
	note_free(n);
	return p;
}

/* A store with A's version 1 pinned, its log key the signer log_k; a2
 * compromised at comp when comp is not NULL. */
static struct verify_trust *
pinned_log(const struct note_signer *log_k, const char *comp)
{
	struct verify_trust	*t = verify_trust_new();
	struct note_verifier	 v;
	json_t			*b = bundle_doc();
	char			 err[512], *vkey;

	note_signer_verifier(log_k, &v);
	ck_assert_int_eq(note_vkey_format(&v, &vkey, err, sizeof(err)), 0);
	json_object_set_new(b, "log", json_pack("{s:s, s:s}", "origin",
	    LOG_ORIGIN, "vkey", vkey));
	if (comp != NULL)
		json_array_set_new(json_object_get(b, "keys"), 1, bundle_key(&a2,
		    "2026-12-01T00:00:00Z", NULL, comp, "compromised"));
	sign(b, &a2, a2.vm, "2026-12-02T00:00:00Z");
	ck_assert_msg(verify_trust_add_bundle(t, b, err, sizeof(err)) == 0,
	    "%s", err);
	free(vkey);
	json_decref(b);
	return t;
}

/* Verifies c with proofs (an array, stolen; NULL: none); the log check's
 * code must be want, its detail contain why, and the whole verdict be
 * verified. */
static void
log_run(const struct verify_trust *t, const json_t *c, json_t *proofs,
    const char *want, const char *why, int verified)
{
	json_t		*checks;
	const char	*d;
	int		 v;

	opts.no_status = 1;
	opts.log_proofs = proofs;
	checks = run(t, c, "2027-01-01", &v);
	expect_code(checks, "log", want);
	check_ok(checks, "log", &d);
	ck_assert_msg(strstr(d, why) != NULL, "log detail \"%s\" lacks "
	    "\"%s\"", d, why);
	ck_assert_msg(v == verified, "verified %d, want %d (log: %s)", v,
	    verified, want);
	json_decref(checks);
	json_decref(proofs);
	opts.log_proofs = NULL;
}

START_TEST(test_log_proof)
{
	struct note_signer	 lk, other;
	struct verify_trust	*t;
	json_t			*c, *c2, *p, *checks;
	const char		*h;
	char			*s;
	uint8_t			*raw;
	size_t			 len;
	int			 v;

	log_signer(&lk, 0x66, LOG_ORIGIN);
	t = pinned_log(&lk, NULL);
	c = label(&a2, DID_A, a2.vm, "2026-12-02T00:00:00Z");

	/* Valid: the leaf names this credential, the path reaches the root
	 * of a checkpoint signed by the bundle's log key; among other
	 * labels' proofs, and required. */
	p = log_proof(c, "issue", LOG_LABEL, "2026-12-02T00:00:00Z", &lk,
	    LOG_ORIGIN);
	opts.require_log = 1;
	opts.no_status = 1;
	opts.log_proofs = json_pack("[o]", p);
	checks = run(t, c, "2027-01-01", &v);
	ck_assert_int_eq(v, 1);
	expect_ok(checks, "log", LOG_LABEL " logged 2026-12-02T00:00:00Z: "
	    "leaf 1 of the 5-leaf checkpoint of " LOG_ORIGIN);
	json_decref(checks);
	json_decref((json_t *)opts.log_proofs);
	opts.require_log = 0;

	/* Missing: skipped (and said so) unless required. */
	log_run(t, c, NULL, "log_skipped", "not checked: no log proof", 1);
	opts.require_log = 1;
	log_run(t, c, NULL, "not_logged", "(--require-log-proof)", 0);
	/* A proof of another label only is no proof of this one. */
	log_run(t, c, json_pack("[o]", log_proof(c, "issue", LOG_OTHER,
	    "2026-12-02T00:00:00Z", &lk, LOG_ORIGIN)), "not_logged",
	    "no log proof of " LOG_LABEL, 0);
	opts.require_log = 0;

	/* Wrong leaf: the label's suspend leaf, or the right leaf at the
	 * wrong index. */
	log_run(t, c, json_pack("[o]", log_proof(c, "suspend", LOG_LABEL,
	    "2026-12-02T00:00:00Z", &lk, LOG_ORIGIN)), "bad_log_proof",
	    "of kind suspend, not its issue", 0);
	p = log_proof(c, "issue", LOG_LABEL, "2026-12-02T00:00:00Z", &lk,
	    LOG_ORIGIN);
	json_object_set_new(p, "log_index", json_integer(2));
	log_run(t, c, json_pack("[o]", p), "bad_log_proof", "the inclusion "
	    "proof of leaf 2 does not reach the checkpoint's root", 0);

	/* Wrong credential: the leaf digests another credential of the
	 * same label. */
	c2 = label(&a2, DID_A, a2.vm, "2026-12-03T00:00:00Z");
	log_run(t, c, json_pack("[o]", log_proof(c2, "issue", LOG_LABEL,
	    "2026-12-02T00:00:00Z", &lk, LOG_ORIGIN)), "bad_log_proof",
	    "is not this credential's", 0);
	json_decref(c2);

	/* A tampered inclusion hash. */
	p = log_proof(c, "issue", LOG_LABEL, "2026-12-02T00:00:00Z", &lk,
	    LOG_ORIGIN);
	h = json_string_value(json_array_get(json_object_get(p, "inclusion"),
	    0));
	ck_assert_int_eq(lc_b64_decode(h, 0, &raw, &len), 0);
	raw[7] ^= 0x01;
	s = lc_b64_encode(raw, len, 0);
	json_array_set_new(json_object_get(p, "inclusion"), 0, json_string(s));
	free(s);
	free(raw);
	opts.log_proofs = json_pack("[o]", p);
	checks = run(t, c, "2027-01-01", &v);
	ck_assert_int_eq(v, 0);
	expect_fail(checks, "log", "does not reach the checkpoint's root");
	json_decref(checks);
	json_decref((json_t *)opts.log_proofs);
	opts.log_proofs = NULL;

	/* A checkpoint signed by another key of the same name. */
	log_signer(&other, 0x77, LOG_ORIGIN);
	log_run(t, c, json_pack("[o]", log_proof(c, "issue", LOG_LABEL,
	    "2026-12-02T00:00:00Z", &other, LOG_ORIGIN)), "bad_log_proof",
	    "the checkpoint is not signed by the log key", 0);
	note_signer_wipe(&other);

	/* A checkpoint of another origin, signed by the log key. */
	opts.log_proofs = json_pack("[o]", log_proof(c, "issue", LOG_LABEL,
	    "2026-12-02T00:00:00Z", &lk, "other.example/labeld"));
	checks = run(t, c, "2027-01-01", &v);
	ck_assert_int_eq(v, 0);
	expect_fail(checks, "log", "is of log other.example/labeld, not of "
	    "the issuer's log " LOG_ORIGIN);
	json_decref(checks);
	json_decref((json_t *)opts.log_proofs);
	opts.log_proofs = NULL;

	/* A store whose bundle carries no log: nothing to check against. */
	verify_trust_free(t);
	t = pinned_a();
	log_run(t, c, json_pack("[o]", log_proof(c, "issue", LOG_LABEL,
	    "2026-12-02T00:00:00Z", &lk, LOG_ORIGIN)), "bad_log_proof",
	    "no pinned trust bundle of the issuer carries a log key", 0);

	/* Online the check is skipped, whatever was given. */
	opts.log_online = 1;
	opts.require_log = 1;
	log_run(t, c, NULL, "log_skipped", "POST /v1/verify does not check "
	    "log proofs", 1);
	opts.log_online = 0;
	opts.require_log = 0;

	json_decref(c);
	verify_trust_free(t);
	note_signer_wipe(&lk);
}
END_TEST

/* A label back-dated by a thief of a2: proof.created before a2's
 * compromise, logged after it.  The leaf's time decides. */
START_TEST(test_log_compromise)
{
	struct note_signer	 lk;
	struct verify_trust	*t;
	json_t			*c, *checks;
	int			 v;

	log_signer(&lk, 0x66, LOG_ORIGIN);
	t = pinned_log(&lk, "2026-12-05T00:00:00Z");
	c = label(&a2, DID_A, a2.vm, "2026-12-03T00:00:00Z");

	/* Logged before the compromise: verified. */
	opts.log_proofs = json_pack("[o]", log_proof(c, "issue", LOG_LABEL,
	    "2026-12-04T23:59:59Z", &lk, LOG_ORIGIN));
	opts.no_status = 1;
	checks = run(t, c, "2027-01-01", &v);
	ck_assert_int_eq(v, 1);
	json_decref(checks);
	json_decref((json_t *)opts.log_proofs);
	/* Logged at, and after, compromisedAt: key_compromised though
	 * proof.created claims otherwise, and the log check itself passes. */
	opts.log_proofs = json_pack("[o, o]", log_proof(c, "issue", LOG_LABEL,
	    "2026-12-05T00:00:00Z", &lk, LOG_ORIGIN), json_null());
	checks = run(t, c, "2027-01-01", &v);
	ck_assert_int_eq(v, 0);
	expect_code(checks, "key", "key_compromised");
	expect_fail(checks, "key", "logged 2026-12-05T00:00:00Z, at or after "
	    "the compromise of key");
	expect_ok(checks, "log", NULL);
	json_decref(checks);
	json_decref((json_t *)opts.log_proofs);
	opts.log_proofs = json_pack("[o]", log_proof(c, "issue", LOG_LABEL,
	    "2027-02-01T00:00:00Z", &lk, LOG_ORIGIN));
	checks = run(t, c, "2027-01-01", &v);
	ck_assert_int_eq(v, 0);
	expect_code(checks, "key", "key_compromised");
	json_decref(checks);
	json_decref((json_t *)opts.log_proofs);
	opts.log_proofs = NULL;

	json_decref(c);
	verify_trust_free(t);
	note_signer_wipe(&lk);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("verify");
	TCase	*tc = tcase_create("verify");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_flip_every_byte);
	tcase_add_test(tc, test_flip_proof_value);
	tcase_add_test(tc, test_other_key);
	tcase_add_test(tc, test_retired_key);
	tcase_add_test(tc, test_compromised_key);
	tcase_add_test(tc, test_validity);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_status_mismatch);
	tcase_add_test(tc, test_status_list_rejected);
	tcase_add_test(tc, test_bundle);
	tcase_add_test(tc, test_bundle_rejected);
	tcase_add_test(tc, test_bundle_compromised);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_format_and_canonical);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_context);
	tcase_add_test(tc, test_status_fail_closed);
	tcase_add_test(tc, test_bundle_update);
	tcase_add_test(tc, test_bundle_expired);
	tcase_add_test(tc, test_log_proof);
	tcase_add_test(tc, test_log_compromise);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
