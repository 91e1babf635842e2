/*
 * bench_verify: signing and verification rates of labeld's credential
 * path next to raw libsodium Ed25519 on the same machine.  Prints figures,
 * asserts nothing.  Built and run by `make bench`; not part of make check.
 *
 *   bench_verify [SECONDS]	(each measurement runs about SECONDS, default 1)
 *
 * Rows:
 *   libsodium sign / verify	crypto_sign_detached / _verify_detached of a
 *				64-byte message (the size of hashData)
 *   issue: dataint_sign	a realistic label credential: copy, JCS of
 *				proof options and document, SHA-256, sign
 *   verify_credential		all eight checks, one trusted key, both
 *				status lists loaded
 *   trust store build		what POST /v1/verify does per request before
 *				that: one key plus two signed status lists
 *				(proof check and inflate of each)
 *   parse + verify		the same from the credential's text
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "bitstring.h"
#include "crypto.h"
#include "dataint.h"
#include "jcs.h"
#include "verify.h"

#define DID	"did:web:labels.example.sg"
#define URL	"https://labels.example.sg"
#define LIST_BITS 131072

static double	 seconds = 1.0;
static uint8_t	 pk[32], sk[64];
static char	 vm[128];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "bench_verify: %s: %s\n", what, err);
	exit(1);
}

/* Runs fn in batches until `seconds` have passed; prints and returns the
 * rate per second. */
static double
measure(const char *name, void (*fn)(void *), void *arg)
{
	double		 t0 = now(), t;
	unsigned long	 n = 0, batch = 16;

	do {
		for (unsigned long i = 0; i < batch; i++)
			fn(arg);
		n += batch;
		t = now() - t0;
	} while (t < seconds);
	printf("%-36s %10.0f /s  %9.1f us each\n", name, (double)n / t,
	    t / (double)n * 1e6);
	return (double)n / t;
}

static void
raw_sign(void *arg)
{
	uint8_t sig[64];

	crypto_sign_detached(sig, NULL, arg, 64, sk);
}

static void
raw_verify(void *arg)
{
	const uint8_t *m = arg;

	if (crypto_sign_verify_detached(m + 64, m, 64, pk) != 0)
		die("libsodium verify", "bad signature");
}

static json_t *
label_doc(void)
{
	json_t *c = json_pack(
	    "{s:[s], s:s, s:[s,s,s], s:{s:s, s:s}, s:s, s:s,"
	    " s:{s:s, s:[s], s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s},"
	    "    s:{s:s, s:i, s:s}, s:i, s:s, s:{s:s, s:s, s:s, s:s},"
	    "    s:[s,s], s:s, s:[s,s,s,s,s,s,s,s], s:[{s:i, s:s}, {s:i, s:s}],"
	    "    s:{s:s, s:i}, s:[{s:s, s:b}]},"
	    " s:[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}]}",
	    "@context", VERIFY_VC2_CONTEXT,
	    "id", URL "/v1/labels/SG-CLS-2026-000001",
	    "type", "VerifiableCredential", "DigitalConformityCredential",
	    "CybersecurityLabelCredential",
	    "issuer", "id", DID, "name", "Cyber Security Agency of Singapore",
	    "validFrom", "2026-11-28T06:00:00Z",
	    "validUntil", "2029-11-28T06:00:00Z",
	    "credentialSubject",
	    "id", URL "/v1/labels/SG-CLS-2026-000001#subject",
	    "type", "ConformityAttestation",
	    "labelId", "SG-CLS-2026-000001",
	    "assessorLevel", "3rdParty", "assessmentLevel", "GovtApproval",
	    "attestationType", "certification",
	    "issuedToParty", "id", "org_vendor1", "name",
	    "Acme Devices Pte Ltd", "country", "SG",
	    "scope", "scheme", "sg-cls-iot", "schemeVersion", 1, "title",
	    "Cybersecurity Labelling Scheme (IoT)",
	    "tier", 4, "tierName", "Level 4",
	    "product", "id", "prd_1", "name", "Acme Cam", "model", "AC-100",
	    "category", "camera",
	    "firmwareVersions", "1.0.0", "1.0.1", "supportUntil", "2029-12-31",
	    "requirementsMet", "5.1-1", "5.1-2", "5.2-1", "5.3-13", "5.4-1",
	    "5.5-1", "5.6-1", "5.13-1",
	    "labReports", "tier", 3, "sha256",
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	    "tier", 4, "sha256",
	    "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
	    "sbom", "sha256",
	    "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
	    "components", 42,
	    "assessment", "referenceStandard", "ETSI EN 303 645",
	    "conformance", 1,
	    "credentialStatus",
	    "id", URL "/v1/status-lists/revocation-1#94567",
	    "type", "BitstringStatusListEntry", "statusPurpose", "revocation",
	    "statusListIndex", "94567",
	    "statusListCredential", URL "/v1/status-lists/revocation-1",
	    "id", URL "/v1/status-lists/suspension-1#23452",
	    "type", "BitstringStatusListEntry", "statusPurpose", "suspension",
	    "statusListIndex", "23452",
	    "statusListCredential", URL "/v1/status-lists/suspension-1");

	if (c == NULL)
		die("label", "json_pack failed");
	return c;
}

static json_t *
status_list(const char *purpose)
{
	uint8_t	*bits = calloc(LIST_BITS / 8, 1);
	char	 id[256], subj[300], err[256], *enc;
	json_t	*c;

	if (bits == NULL)
		die("status list", "out of memory");
	/* A list in use: a few hundred labels suspended or revoked. */
	for (size_t i = 0; i < 300; i++)
		bitstring_set(bits, (i * 7919) % LIST_BITS, 1);
	if ((enc = bitstring_encode(bits, LIST_BITS / 8)) == NULL)
		die("status list", "encode failed");
	snprintf(id, sizeof(id), URL "/v1/status-lists/%s-1", purpose);
	snprintf(subj, sizeof(subj), "%s#list", id);
	c = json_pack("{s:[s], s:s, s:[s,s], s:s, s:s, s:s,"
	    " s:{s:s, s:s, s:s, s:s}}", "@context", VERIFY_VC2_CONTEXT,
	    "id", id, "type", "VerifiableCredential",
	    "BitstringStatusListCredential", "issuer", DID,
	    "validFrom", "2026-11-28T06:00:00Z",
	    "validUntil", "2027-11-28T06:00:00Z",
	    "credentialSubject", "id", subj,
	    "type", "BitstringStatusList", "statusPurpose", purpose,
	    "encodedList", enc);
	if (c == NULL || dataint_sign(c, sk, vm, "2026-11-28T06:00:00Z", err,
	    sizeof(err)) != 0)
		die("status list", err);
	free(enc);
	free(bits);
	return c;
}

struct ctx {
	json_t			*unsigned_doc;
	json_t			*signed_doc;
	char			*text;
	size_t			 textlen;
	json_t			*lists[2];
	struct verify_trust	*trust;
};

static void
issue(void *arg)
{
	struct ctx	*c = arg;
	json_t		*d = json_deep_copy(c->unsigned_doc);
	char		 err[256];

	if (d == NULL || dataint_sign(d, sk, vm, "2026-11-28T06:00:00Z", err,
	    sizeof(err)) != 0)
		die("dataint_sign", err);
	json_decref(d);
}

/* The verification time: inside the label and the lists. */
static const struct verify_opts bench_opts = { .at = 1800000000,
    .now = 1800000000 };

static void
verify(void *arg)
{
	struct ctx	*c = arg;
	int		 ok = 0;
	json_t		*checks = verify_credential(c->trust, c->signed_doc,
	    &bench_opts, &ok);

	if (checks == NULL || !ok)
		die("verify_credential", "did not verify");
	json_decref(checks);
}

static struct verify_trust *
build_trust(struct ctx *c)
{
	struct verify_trust	*t = verify_trust_new();
	char			 err[512];

	if (t == NULL || verify_trust_add_key(t, vm, DID, pk,
	    "2026-01-01T00:00:00Z", NULL, NULL, err, sizeof(err)) != 0)
		die("trust", "add key");
	for (int i = 0; i < 2; i++)
		if (verify_trust_add_status_list(t, c->lists[i], err,
		    sizeof(err)) != 0)
			die("trust", err);
	return t;
}

static void
trust(void *arg)
{
	verify_trust_free(build_trust(arg));
}

static void
parse_verify(void *arg)
{
	struct ctx	*c = arg;
	json_t		*d = json_loadb(c->text, c->textlen,
	    JSON_REJECT_DUPLICATES, NULL), *checks;
	int		 ok = 0;

	checks = verify_credential(c->trust, d, &bench_opts, &ok);
	if (checks == NULL || !ok)
		die("parse + verify", "did not verify");
	json_decref(checks);
	json_decref(d);
}

int
main(int argc, char **argv)
{
	struct ctx	 c;
	uint8_t		 seed[32], msg[128], h[32];
	char		 hex[65], err[256];
	double		 rs, rv, is, vv;

	if (argc > 1 && (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_verify [SECONDS]\n");
		return 2;
	}
	if (lc_init() != 0)
		die("libsodium", "cannot initialise");
	memset(seed, 0x42, sizeof(seed));
	lc_ed25519_seed_keypair(seed, pk, sk);
	lc_sha256(pk, sizeof(pk), h);
	lc_hex(h, sizeof(h), hex);
	snprintf(vm, sizeof(vm), DID "#key-%.8s", hex);

	memset(&c, 0, sizeof(c));
	c.unsigned_doc = label_doc();
	c.signed_doc = json_deep_copy(c.unsigned_doc);
	if (dataint_sign(c.signed_doc, sk, vm, "2026-11-28T06:00:00Z", err,
	    sizeof(err)) != 0)
		die("sign", err);
	if ((c.text = jcs_serialize(c.signed_doc, &c.textlen, err,
	    sizeof(err))) == NULL)
		die("jcs", err);
	c.lists[0] = status_list("revocation");
	c.lists[1] = status_list("suspension");
	c.trust = build_trust(&c);

	memset(msg, 0x5a, 64);
	crypto_sign_detached(msg + 64, NULL, msg, 64, sk);

	printf("labeld credential benchmark: a %zu-byte label credential "
	    "(RFC 8785 form), Ed25519, libsodium %s\n\n", c.textlen,
	    sodium_version_string());
	rs = measure("libsodium sign (64 B)", raw_sign, msg);
	rv = measure("libsodium verify (64 B)", raw_verify, msg);
	is = measure("issue: dataint_sign", issue, &c);
	vv = measure("verify_credential (8 checks)", verify, &c);
	measure("parse + verify_credential", parse_verify, &c);
	measure("trust store build (1 key, 2 lists)", trust, &c);
	printf("\nissue runs at %.0f%% of raw signing, verification at %.0f%% "
	    "of raw verifying\n", 100.0 * is / rs, 100.0 * vv / rv);

	verify_trust_free(c.trust);
	json_decref(c.unsigned_doc);
	json_decref(c.signed_doc);
	json_decref(c.lists[0]);
	json_decref(c.lists[1]);
	free(c.text);
	lc_wipe(sk, sizeof(sk));
	return 0;
}
