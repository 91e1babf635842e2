/*
 * check_issue: the issuer, label status and status lists against the real
 * schema, with a fixed signing key: a credential built from a fixed input
 * has the HACKING.md shape and verifies (dataint_verify); validUntil is
 * min(scheme maximum, end of support); status indices are unique; the
 * bytes stored are the bytes returned and are canonical; labels are
 * immutable; suspend / reinstate / revoke rules and the bits they set in
 * the signed status lists; issuance inside a caller's transaction; the
 * trust bundle.
 *
 * With LABELD_ARTIFACTS_DIR set, the story test also writes label.json,
 * revocation-1.json, suspension-1.json, did.json and trust-bundle.json
 * there for tests/interop/labels-verify.sh.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "labeld.h"
#include "assess.h"
#include "bitstring.h"
#include "crypto.h"
#include "dataint.h"
#include "jcs.h"
#include "scheme.h"

/* 2026-11-28T06:00:00Z */
#define T0		((time_t)1795845600)
#define T0_TEXT		"2026-11-28T06:00:00Z"
#define DAY		86400

static char			 tmpdir[64];
static struct store		*st;
static struct db		*db;
static struct config		 cfg;
static const struct scheme	*sc;
static struct org		 vendor;
static struct product		 product;
static struct signing_key	 key;
static struct principal		 regulator;

/* A fixed Ed25519 key: seed bytes 0x01..0x20. */
static void
fixed_key(uint8_t sk[64])
{
	uint8_t seed[32], pk[32];

	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i + 1);
	lc_ed25519_seed_keypair(seed, pk, sk);
}

static void
setup(void)
{
	const char	*src = getenv("top_srcdir") ? getenv("top_srcdir") :
	    LABELD_SRCDIR;
	char		 path[256], mig[256], schemes[256], err[512];
	uint8_t		 sk[64];
	struct org	 auth;

	ck_assert_int_eq(lc_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-issue.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	snprintf(schemes, sizeof(schemes), "%s/schemas/schemes", src);
	st = store_open(path, mig, 1, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	db = store_acquire(st);
	ck_assert_msg(catalog_import_dir(db, schemes, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_ptr_nonnull(sc = catalog_get(db, "sg-cls-iot", 1));

	config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", tmpdir);
	snprintf(cfg.public_url, sizeof(cfg.public_url),
	    "https://labels.example.sg");
	snprintf(cfg.issuer_did, sizeof(cfg.issuer_did),
	    "did:web:labels.example.sg");
	fixed_key(sk);
	ck_assert_int_eq(keys_install(db, tmpdir, sk, NULL, 0, &key, NULL, err,
	    sizeof(err)), STORE_OK);
	lc_wipe(sk, sizeof(sk));

	memset(&auth, 0, sizeof(auth));
	snprintf(auth.name, sizeof(auth.name), "Authority");
	snprintf(auth.kind, sizeof(auth.kind), "authority");
	snprintf(auth.country, sizeof(auth.country), "SG");
	ck_assert_int_eq(store_org_insert(db, &auth), STORE_OK);
	memset(&regulator, 0, sizeof(regulator));
	snprintf(regulator.org_id, sizeof(regulator.org_id), "%s", auth.id);
	regulator.role = ROLE_REGULATOR;
	snprintf(regulator.token_id, sizeof(regulator.token_id), "tok_reg");

	memset(&vendor, 0, sizeof(vendor));
	snprintf(vendor.name, sizeof(vendor.name), "Acme Devices");
	snprintf(vendor.kind, sizeof(vendor.kind), "vendor");
	snprintf(vendor.country, sizeof(vendor.country), "SG");
	ck_assert_int_eq(store_org_insert(db, &vendor), STORE_OK);
	memset(&product, 0, sizeof(product));
	snprintf(product.vendor_id, sizeof(product.vendor_id), "%s", vendor.id);
	snprintf(product.name, sizeof(product.name), "Acme Cam");
	snprintf(product.model, sizeof(product.model), "AC-1");
	snprintf(product.category, sizeof(product.category), "camera");
	snprintf(product.support_until, sizeof(product.support_until),
	    "2099-12-31");
	ck_assert_int_eq(store_product_insert(db, &product), STORE_OK);
}

static void
teardown(void)
{
	char cmd[128];

	keys_forget();
	store_release(db);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *const versions[] = { "1.0.0", "1.0.1" };
static const struct issue_lab_report reports[] = {
	{ 3, "1111111111111111111111111111111111111111111111111111111111111111" },
	{ 4, "2222222222222222222222222222222222222222222222222222222222222222" },
};

/* The fixed input; met is owned by the caller. */
static void
fixed_input(struct issue_input *in, const char *label_id, json_t *met)
{
	memset(in, 0, sizeof(*in));
	in->label_id = label_id;
	in->scheme = sc;
	in->tier = 4;
	in->vendor = &vendor;
	in->product = &product;
	in->versions = versions;
	in->nversions = 2;
	in->requirements_met = met;
	in->lab_reports = reports;
	in->nlab_reports = 2;
	in->sbom_sha256 =
	    "3333333333333333333333333333333333333333333333333333333333333333";
	in->sbom_components = 12;
	in->issued_by = regulator.org_id;
	in->now = T0;
}

static json_t *
met_json(void)
{
	return json_pack("[s, s, s]", "ETSI-5.1-1", "ETSI-5.2-1",
	    "CLS-L4-PENTEST");
}

/* Issues label_id with the fixed input; returns the parsed credential. */
static json_t *
issue(const char *label_id, char **bytes, size_t *len)
{
	struct issue_input	 in;
	json_t			*met = met_json(), *vc;
	char			 err[512];
	int			 rc;

	fixed_input(&in, label_id, met);
	rc = issue_label(db, &cfg, &in, bytes, len, err, sizeof(err));
	json_decref(met);
	ck_assert_msg(rc == STORE_OK, "issue_label: %s", err);
	ck_assert_ptr_nonnull(vc = json_loadb(*bytes, *len, 0, NULL));
	return vc;
}

static const char *
sget(const json_t *o, const char *path)
{
	char		 buf[256], *tok, *save = NULL;
	const json_t	*cur = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL;
	    tok = strtok_r(NULL, ".", &save))
		cur = json_object_get(cur, tok);
	return json_string_value(cur);
}

START_TEST(credential_shape_and_proof)
{
	json_t		*vc, *subj, *cs, *types;
	char		*bytes, err[256], *tampered;
	size_t		 len;
	char		 vm[640];

	vc = issue("SG-CLS-2026-000001", &bytes, &len);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(vc,
	    "@context"), 0)), "https://www.w3.org/ns/credentials/v2");
	ck_assert_uint_eq(json_array_size(json_object_get(vc, "@context")), 1);
	ck_assert_str_eq(sget(vc, "id"),
	    "https://labels.example.sg/v1/labels/SG-CLS-2026-000001");
	types = json_object_get(vc, "type");
	ck_assert_uint_eq(json_array_size(types), 3);
	ck_assert_str_eq(json_string_value(json_array_get(types, 0)),
	    "VerifiableCredential");
	ck_assert_str_eq(json_string_value(json_array_get(types, 1)),
	    "DigitalConformityCredential");
	ck_assert_str_eq(json_string_value(json_array_get(types, 2)),
	    "CybersecurityLabelCredential");
	ck_assert_str_eq(sget(vc, "issuer.id"), cfg.issuer_did);
	ck_assert_str_eq(sget(vc, "issuer.name"), cfg.issuer_name);
	ck_assert_str_eq(sget(vc, "validFrom"), T0_TEXT);
	/* 1095 days of sg-cls-iot; support runs to 2099 */
	ck_assert_str_eq(sget(vc, "validUntil"), "2029-11-27T06:00:00Z");

	subj = json_object_get(vc, "credentialSubject");
	ck_assert_str_eq(sget(subj, "id"),
	    "https://labels.example.sg/v1/labels/SG-CLS-2026-000001#subject");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(subj,
	    "type"), 0)), "ConformityAttestation");
	ck_assert_str_eq(sget(subj, "labelId"), "SG-CLS-2026-000001");
	ck_assert_str_eq(sget(subj, "assessorLevel"), "3rdParty");
	ck_assert_str_eq(sget(subj, "assessmentLevel"), "GovtApproval");
	ck_assert_str_eq(sget(subj, "attestationType"), "certification");
	ck_assert_str_eq(sget(subj, "issuedToParty.id"), vendor.id);
	ck_assert_str_eq(sget(subj, "issuedToParty.name"), "Acme Devices");
	ck_assert_str_eq(sget(subj, "issuedToParty.country"), "SG");
	ck_assert_str_eq(sget(subj, "scope.scheme"), "sg-cls-iot");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    subj, "scope"), "schemeVersion")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(subj, "tier")), 4);
	ck_assert_str_eq(sget(subj, "tierName"), "Level 4");
	ck_assert_str_eq(sget(subj, "product.id"), product.id);
	ck_assert_str_eq(sget(subj, "product.model"), "AC-1");
	ck_assert_str_eq(sget(subj, "product.category"), "camera");
	ck_assert_str_eq(sget(subj, "supportUntil"), "2099-12-31");
	ck_assert_uint_eq(json_array_size(json_object_get(subj,
	    "firmwareVersions")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(subj,
	    "requirementsMet")), 3);
	ck_assert_uint_eq(json_array_size(json_object_get(subj,
	    "labReports")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
	    json_object_get(subj, "labReports"), 1), "tier")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    subj, "sbom"), "components")), 12);
	ck_assert_str_eq(sget(json_array_get(json_object_get(subj,
	    "assessment"), 0), "referenceStandard"), "ETSI EN 303 645");
	ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(
	    subj, "assessment"), 0), "conformance")));

	cs = json_object_get(vc, "credentialStatus");
	ck_assert_uint_eq(json_array_size(cs), 2);
	ck_assert_str_eq(sget(json_array_get(cs, 0), "statusPurpose"),
	    "revocation");
	ck_assert_str_eq(sget(json_array_get(cs, 1), "statusPurpose"),
	    "suspension");
	for (size_t i = 0; i < 2; i++) {
		const json_t	*e = json_array_get(cs, i);
		char		 want[256];
		long		 idx = strtol(sget(e, "statusListIndex"), NULL,
		    10);

		ck_assert_str_eq(sget(e, "type"), "BitstringStatusListEntry");
		ck_assert(idx >= 0 && idx < LABELD_STATUSLIST_BITS);
		snprintf(want, sizeof(want), "%s#%ld",
		    sget(e, "statusListCredential"), idx);
		ck_assert_str_eq(sget(e, "id"), want);
	}
	ck_assert_str_eq(sget(json_array_get(cs, 0), "statusListCredential"),
	    "https://labels.example.sg/v1/status-lists/revocation-1");
	ck_assert_str_eq(sget(json_array_get(cs, 1), "statusListCredential"),
	    "https://labels.example.sg/v1/status-lists/suspension-1");

	snprintf(vm, sizeof(vm), "%s#%s", cfg.issuer_did, key.kid);
	ck_assert_str_eq(sget(vc, "proof.verificationMethod"), vm);
	ck_assert_str_eq(sget(vc, "proof.created"), T0_TEXT);
	ck_assert_str_eq(sget(vc, "proof.cryptosuite"), "eddsa-jcs-2022");
	ck_assert_str_eq(sget(vc, "proof.proofPurpose"), "assertionMethod");
	ck_assert_msg(dataint_verify(vc, key.pk, NULL, err, sizeof(err)) == 0,
	    "%s", err);
	json_decref(vc);

	/* one changed byte of the subject breaks it */
	ck_assert_ptr_nonnull(tampered = strstr(bytes, "\"tier\":4"));
	tampered[7] = '3';
	ck_assert_ptr_nonnull(vc = json_loadb(bytes, len, 0, NULL));
	ck_assert_int_eq(dataint_verify(vc, key.pk, NULL, err, sizeof(err)),
	    -1);
	json_decref(vc);
	free(bytes);
}
END_TEST

START_TEST(stored_bytes_are_served_bytes)
{
	json_t		*vc;
	char		*bytes, *stored, *canon, err[256];
	size_t		 len, slen, clen;
	struct label	 l;
	uint8_t		 h[32];
	char		 hex[65];

	vc = issue("SG-CLS-2026-000002", &bytes, &len);
	ck_assert_int_eq(store_label_credential(db, "SG-CLS-2026-000002",
	    &stored, &slen), STORE_OK);
	ck_assert_uint_eq(slen, len);
	ck_assert(memcmp(stored, bytes, len) == 0);
	free(stored);
	/* the stored form is the RFC 8785 form */
	ck_assert_ptr_nonnull(canon = jcs_serialize(vc, &clen, err,
	    sizeof(err)));
	ck_assert_uint_eq(clen, len);
	ck_assert(memcmp(canon, bytes, len) == 0);
	ck_assert_int_eq(store_label_get(db, "SG-CLS-2026-000002", &l),
	    STORE_OK);
	lc_sha256(bytes, len, h);
	lc_hex(h, sizeof(h), hex);
	ck_assert_str_eq(l.credential_sha256, hex);
	ck_assert_str_eq(l.kid, key.kid);
	ck_assert_str_eq(l.status, "active");
	ck_assert_str_eq(l.valid_until, "2029-11-27T06:00:00Z");
	ck_assert_int_eq(l.tier, 4);
	ck_assert_str_eq(l.vendor_id, vendor.id);
	ck_assert_int_eq(store_label_credential(db, "SG-CLS-2026-999999",
	    &stored, &slen), STORE_NOTFOUND);
	free(canon);
	free(bytes);
	json_decref(vc);
}
END_TEST

START_TEST(valid_until_is_the_minimum)
{
	char			 out[32], err[256], *bytes;
	struct issue_input	 in;
	json_t			*met = met_json();
	size_t			 len;

	/* scheme maximum (1095 days) */
	ck_assert_int_eq(issue_valid_until(sc, "2099-12-31", T0, out), 0);
	ck_assert_str_eq(out, "2029-11-27T06:00:00Z");
	/* end of the support day, when earlier */
	ck_assert_int_eq(issue_valid_until(sc, "2027-03-01", T0, out), 0);
	ck_assert_str_eq(out, "2027-03-01T23:59:59Z");
	/* support ending the day of issue still leaves that day */
	ck_assert_int_eq(issue_valid_until(sc, "2026-11-28", T0, out), 0);
	ck_assert_str_eq(out, "2026-11-28T23:59:59Z");
	ck_assert_int_eq(issue_valid_until(sc, "2026-11-27", T0, out), -1);
	ck_assert_int_eq(issue_valid_until(sc, "2026-02-30", T0, out), -1);
	ck_assert_int_eq(issue_valid_until(sc, "soon", T0, out), -1);

	snprintf(product.support_until, sizeof(product.support_until),
	    "2027-03-01");
	fixed_input(&in, "SG-CLS-2026-000003", met);
	ck_assert_int_eq(issue_label(db, &cfg, &in, &bytes, &len, err,
	    sizeof(err)), STORE_OK);
	ck_assert_ptr_nonnull(strstr(bytes,
	    "\"validUntil\":\"2027-03-01T23:59:59Z\""));
	free(bytes);
	snprintf(product.support_until, sizeof(product.support_until),
	    "2026-01-01");
	fixed_input(&in, "SG-CLS-2026-000004", met);
	ck_assert_int_eq(issue_label(db, &cfg, &in, &bytes, &len, err,
	    sizeof(err)), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(err, "support ends 2026-01-01"));
	ck_assert_ptr_null(bytes);
	json_decref(met);
}
END_TEST

static int
count(const char *sql)
{
	sqlite3_stmt	*q;
	int		 n;

	ck_assert_int_eq(sqlite3_prepare_v2(db->conn, sql, -1, &q, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

START_TEST(status_indices_unique)
{
	enum { N = 300 };
	static uint8_t	 rev[LABELD_STATUSLIST_BITS / 8],
			 sus[LABELD_STATUSLIST_BITS / 8];
	char		 id[32], *bytes;
	size_t		 len;

	memset(rev, 0, sizeof(rev));
	memset(sus, 0, sizeof(sus));
	ck_assert_int_eq(db_begin(db), 0);
	for (int i = 0; i < N; i++) {
		struct label	 l;
		json_t		*vc;

		snprintf(id, sizeof(id), "SG-CLS-2026-%06d", 100 + i);
		vc = issue(id, &bytes, &len);
		ck_assert_int_eq(store_label_get(db, id, &l), STORE_OK);
		ck_assert_int_eq(bitstring_get(rev, sizeof(rev),
		    (size_t)l.revocation_index), 0);
		ck_assert_int_eq(bitstring_get(sus, sizeof(sus),
		    (size_t)l.suspension_index), 0);
		bitstring_set(rev, (size_t)l.revocation_index, 1);
		bitstring_set(sus, (size_t)l.suspension_index, 1);
		json_decref(vc);
		free(bytes);
	}
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(count("SELECT count(DISTINCT revocation_index) "
	    "FROM labels"), N);
	ck_assert_int_eq(count("SELECT count(DISTINCT suspension_index) "
	    "FROM labels"), N);
	/* random, not sequential */
	ck_assert_int_gt(count("SELECT max(revocation_index) FROM labels"), N);
}
END_TEST

START_TEST(bad_input_and_duplicates)
{
	struct issue_input	 in;
	json_t			*met = met_json(), *bad;
	char			 err[256], *bytes;
	size_t			 len;

	json_decref(issue("SG-CLS-2026-000010", &bytes, &len));
	free(bytes);
	fixed_input(&in, "SG-CLS-2026-000010", met);
	ck_assert_int_eq(issue_label(db, &cfg, &in, &bytes, &len, err,
	    sizeof(err)), STORE_CONFLICT);
	ck_assert_int_eq(count("SELECT count(*) FROM labels"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM label_events"), 1);
	fixed_input(&in, "SG/CLS", met);
	ck_assert_int_eq(issue_label(db, &cfg, &in, NULL, NULL, err,
	    sizeof(err)), STORE_INVALID);
	fixed_input(&in, "SG-CLS-2026-000011", met);
	in.tier = 5;
	ck_assert_int_eq(issue_label(db, &cfg, &in, NULL, NULL, err,
	    sizeof(err)), STORE_INVALID);
	fixed_input(&in, "SG-CLS-2026-000011", met);
	in.nversions = 0;
	ck_assert_int_eq(issue_label(db, &cfg, &in, NULL, NULL, err,
	    sizeof(err)), STORE_INVALID);
	fixed_input(&in, "SG-CLS-2026-000011", met);
	in.sbom_sha256 = "nothex";
	ck_assert_int_eq(issue_label(db, &cfg, &in, NULL, NULL, err,
	    sizeof(err)), STORE_INVALID);
	bad = json_pack("[i]", 7);
	fixed_input(&in, "SG-CLS-2026-000011", bad);
	ck_assert_int_eq(issue_label(db, &cfg, &in, NULL, NULL, err,
	    sizeof(err)), STORE_INVALID);
	json_decref(bad);
	/* no SBOM: the member is left out */
	fixed_input(&in, "SG-CLS-2026-000012", met);
	in.sbom_sha256 = NULL;
	in.tier = 2;
	ck_assert_int_eq(issue_label(db, &cfg, &in, &bytes, &len, err,
	    sizeof(err)), STORE_OK);
	ck_assert_ptr_null(strstr(bytes, "\"sbom\""));
	ck_assert_ptr_nonnull(strstr(bytes, "\"assessorLevel\":\"Self\""));
	free(bytes);
	json_decref(met);
}
END_TEST

static int
exec_fails(const char *sql)
{
	char	*msg = NULL;
	int	 rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);

	sqlite3_free(msg);
	return rc != SQLITE_OK;
}

START_TEST(labels_are_immutable)
{
	char	*bytes;
	size_t	 len;

	json_decref(issue("SG-CLS-2026-000020", &bytes, &len));
	free(bytes);
	ck_assert(exec_fails("UPDATE labels SET credential = '{}'"));
	ck_assert(exec_fails("UPDATE labels SET valid_until = "
	    "'2099-01-01T00:00:00Z'"));
	ck_assert(exec_fails("UPDATE labels SET revocation_index = 0"));
	ck_assert(exec_fails("DELETE FROM labels"));
	ck_assert(exec_fails("DELETE FROM label_events"));
	ck_assert(exec_fails("UPDATE label_events SET reason = 'x'"));
	ck_assert(!exec_fails("UPDATE labels SET status = 'revoked'"));
	ck_assert(exec_fails("UPDATE labels SET status = 'active'"));
}
END_TEST

/* The bit of index in the signed list credential, checking its proof. */
static int
list_bit(const char *list, int index)
{
	char	*cred, err[256];
	size_t	 len, nbytes;
	uint8_t	*bits;
	json_t	*vc;
	int	 bit;

	ck_assert_int_eq(statuslist_get(db, &cfg, list, &cred, &len, err,
	    sizeof(err)), STORE_OK);
	ck_assert_ptr_nonnull(vc = json_loadb(cred, len, 0, NULL));
	ck_assert_msg(dataint_verify(vc, key.pk, NULL, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(bitstring_decode(sget(vc,
	    "credentialSubject.encodedList"), &bits, &nbytes, err,
	    sizeof(err)), 0);
	ck_assert_uint_ge(nbytes, 16384);
	bit = bitstring_get(bits, nbytes, (size_t)index);
	free(bits);
	json_decref(vc);
	free(cred);
	return bit;
}

START_TEST(suspend_reinstate_revoke)
{
	struct label_state	 s;
	struct label		 l;
	char			*bytes, err[256];
	size_t			 len;
	const char		*id = "SG-CLS-2026-000030";

	json_decref(issue(id, &bytes, &len));
	free(bytes);
	ck_assert_int_eq(store_label_get(db, id, &l), STORE_OK);
	ck_assert_int_eq(lifecycle_status(db, id, T0 + DAY, &s), STORE_OK);
	ck_assert_str_eq(s.status, "active");
	ck_assert_str_eq(s.since, T0_TEXT);
	ck_assert_str_eq(s.reason, "");
	ck_assert_int_eq(list_bit(LABELD_STATUSLIST_SUSPENSION,
	    l.suspension_index), 0);

	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, id,
	    LABEL_REINSTATE, "why", &s, err, sizeof(err)), LIFECYCLE_BADSTATE);
	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, id,
	    LABEL_SUSPEND, "", &s, err, sizeof(err)), STORE_INVALID);
	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, "nope",
	    LABEL_SUSPEND, "x", &s, err, sizeof(err)), STORE_NOTFOUND);

	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, id,
	    LABEL_SUSPEND, "default password found", &s, err, sizeof(err)),
	    STORE_OK);
	ck_assert_str_eq(s.status, "suspended");
	ck_assert_str_eq(s.reason, "default password found");
	ck_assert_int_eq(list_bit(LABELD_STATUSLIST_SUSPENSION,
	    l.suspension_index), 1);
	ck_assert_int_eq(list_bit(LABELD_STATUSLIST_REVOCATION,
	    l.revocation_index), 0);
	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, id,
	    LABEL_SUSPEND, "again", &s, err, sizeof(err)), LIFECYCLE_BADSTATE);
	ck_assert_str_eq(s.status, "suspended");

	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, id,
	    LABEL_REINSTATE, "fixed in 1.0.2", &s, err, sizeof(err)), STORE_OK);
	ck_assert_str_eq(s.status, "active");
	ck_assert_int_eq(list_bit(LABELD_STATUSLIST_SUSPENSION,
	    l.suspension_index), 0);

	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, id,
	    LABEL_SUSPEND, "again", &s, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, id,
	    LABEL_REVOKE, "vendor gone", &s, err, sizeof(err)), STORE_OK);
	ck_assert_str_eq(s.status, "revoked");
	ck_assert_int_eq(list_bit(LABELD_STATUSLIST_REVOCATION,
	    l.revocation_index), 1);
	ck_assert_int_eq(list_bit(LABELD_STATUSLIST_SUSPENSION,
	    l.suspension_index), 0);
	for (int a = LABEL_SUSPEND; a <= LABEL_REINSTATE; a++) {
		ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator, id, a,
		    "late", &s, err, sizeof(err)), LIFECYCLE_BADSTATE);
		ck_assert_str_eq(s.status, "revoked");
		ck_assert_ptr_nonnull(strstr(err, "final"));
	}
	/* revoked wins over expiry */
	ck_assert_int_eq(lifecycle_status(db, id, T0 + 4000 * DAY, &s),
	    STORE_OK);
	ck_assert_str_eq(s.status, "revoked");
	ck_assert_str_eq(s.reason, "vendor gone");
	ck_assert_int_eq(count("SELECT count(*) FROM label_events"), 5);
	ck_assert_int_eq(count("SELECT count(*) FROM label_events WHERE "
	    "org_id IS NOT NULL AND token_id = 'tok_reg' AND action <> "
	    "'issued'"), 4);
}
END_TEST

static void
in_past(const char *label_id, time_t when)
{
	struct issue_input	 in;
	json_t			*met = met_json();
	char			 err[256];

	fixed_input(&in, label_id, met);
	in.now = when;
	ck_assert_msg(issue_label(db, &cfg, &in, NULL, NULL, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	json_decref(met);
}

START_TEST(expiry_is_computed)
{
	struct label_state	 s;
	char			*bytes, err[256];
	size_t			 len;
	const char		*id = "SG-CLS-2026-000040";

	snprintf(product.support_until, sizeof(product.support_until),
	    "2026-12-31");
	json_decref(issue(id, &bytes, &len));
	free(bytes);
	ck_assert_int_eq(lifecycle_status(db, id, T0 + DAY, &s), STORE_OK);
	ck_assert_str_eq(s.status, "active");
	ck_assert_int_eq(lifecycle_status(db, id, T0 + 40 * DAY, &s),
	    STORE_OK);
	ck_assert_str_eq(s.status, "expired");
	ck_assert_str_eq(s.since, "2026-12-31T23:59:59Z");
	/* issued long ago with a short support: expired now, no suspend */
	snprintf(product.support_until, sizeof(product.support_until),
	    "2020-01-31");
	in_past("SG-CLS-2026-000041", (time_t)1577836800 /* 2020-01-01 */);
	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator,
	    "SG-CLS-2026-000041", LABEL_SUSPEND, "x", &s, err, sizeof(err)),
	    LIFECYCLE_BADSTATE);
	ck_assert_str_eq(s.status, "expired");
	ck_assert_int_eq(lifecycle_change(db, &cfg, &regulator,
	    "SG-CLS-2026-000041", LABEL_REVOKE, "fraud", &s, err, sizeof(err)),
	    STORE_OK);
}
END_TEST

START_TEST(inside_callers_transaction)
{
	char	*bytes;
	size_t	 len;

	ck_assert_int_eq(db_begin(db), 0);
	json_decref(issue("SG-CLS-2026-000050", &bytes, &len));
	free(bytes);
	ck_assert_int_eq(count("SELECT count(*) FROM labels"), 1);
	db_rollback(db);
	ck_assert_int_eq(count("SELECT count(*) FROM labels"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM label_events"), 0);
}
END_TEST

START_TEST(no_key_no_label)
{
	struct issue_input	 in;
	json_t			*met = met_json();
	char			 err[256], *bytes;
	size_t			 len;

	ck_assert_int_eq(keys_compromise(db, key.kid, "2026-01-01T00:00:00Z",
	    NULL, err, sizeof(err)), STORE_OK);
	fixed_input(&in, "SG-CLS-2026-000060", met);
	ck_assert_int_eq(issue_label(db, &cfg, &in, &bytes, &len, err,
	    sizeof(err)), KEYS_NOKEY);
	ck_assert_int_eq(count("SELECT count(*) FROM labels"), 0);
	ck_assert_int_eq(statuslist_get(db, &cfg, LABELD_STATUSLIST_REVOCATION,
	    &bytes, &len, err, sizeof(err)), KEYS_NOKEY);
	ck_assert_int_eq(statuslist_get(db, &cfg, "revocation-2", &bytes, &len,
	    err, sizeof(err)), STORE_NOTFOUND);
	json_decref(met);
}
END_TEST

/* The proof's key id of the served list. */
static void
list_signer(const char *list, char kid[LABELD_KID_BUFLEN])
{
	char		*cred, err[256];
	const char	*vm;
	size_t		 len;
	json_t		*vc;

	ck_assert_int_eq(statuslist_get(db, &cfg, list, &cred, &len, err,
	    sizeof(err)), STORE_OK);
	ck_assert_ptr_nonnull(vc = json_loadb(cred, len, 0, NULL));
	ck_assert_ptr_nonnull(vm = sget(vc, "proof.verificationMethod"));
	ck_assert_ptr_nonnull(strchr(vm, '#'));
	snprintf(kid, LABELD_KID_BUFLEN, "%s", strchr(vm, '#') + 1);
	json_decref(vc);
	free(cred);
}

/* A list is signed again once its key is no longer the active one. */
START_TEST(lists_follow_the_key)
{
	struct signing_key	 b, c;
	char			 kid[LABELD_KID_BUFLEN], err[256], *cred;
	size_t			 len;

	list_signer(LABELD_STATUSLIST_REVOCATION, kid);
	ck_assert_str_eq(kid, key.kid);
	list_signer(LABELD_STATUSLIST_REVOCATION, kid);
	ck_assert_str_eq(kid, key.kid);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL, err,
	    sizeof(err)), STORE_OK);
	list_signer(LABELD_STATUSLIST_REVOCATION, kid);
	ck_assert_str_eq(kid, b.kid);
	/* active key compromised: nothing signs, its lists are not served */
	ck_assert_int_eq(keys_compromise(db, b.kid, "2026-01-01T00:00:00Z",
	    NULL, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(statuslist_get(db, &cfg, LABELD_STATUSLIST_REVOCATION,
	    &cred, &len, err, sizeof(err)), KEYS_NOKEY);
	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &c, NULL, err, sizeof(err)),
	    STORE_OK);
	list_signer(LABELD_STATUSLIST_REVOCATION, kid);
	ck_assert_str_eq(kid, c.kid);
}
END_TEST

START_TEST(from_a_submission)
{
	struct product_version	 v;
	struct submission	 sub;
	json_t			*met = met_json(), *vc;
	char			 err[256], *bytes;
	size_t			 len;

	memset(&v, 0, sizeof(v));
	snprintf(v.product_id, sizeof(v.product_id), "%s", product.id);
	snprintf(v.version, sizeof(v.version), "2.0");
	ck_assert_int_eq(store_product_version_insert(db, &v, NULL, 0),
	    STORE_OK);
	memset(&sub, 0, sizeof(sub));
	snprintf(sub.vendor_id, sizeof(sub.vendor_id), "%s", vendor.id);
	snprintf(sub.product_id, sizeof(sub.product_id), "%s", product.id);
	snprintf(sub.product_version, sizeof(sub.product_version), "2.0");
	snprintf(sub.scheme, sizeof(sub.scheme), "sg-cls-iot");
	sub.scheme_version = 1;
	sub.target_tier = 2;
	snprintf(sub.state, sizeof(sub.state), "draft");
	ck_assert_int_eq(store_submission_insert(db, &sub), STORE_OK);
	snprintf(sub.label_id, sizeof(sub.label_id), "SG-CLS-2026-000070");
	ck_assert_int_eq(issue_for_submission(db, &cfg, &regulator, &sub, sc, 2,
	    met, &bytes, &len, err, sizeof(err)), STORE_OK);
	ck_assert_ptr_nonnull(vc = json_loadb(bytes, len, 0, NULL));
	ck_assert_str_eq(sget(vc, "credentialSubject.labelId"),
	    "SG-CLS-2026-000070");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(
	    json_object_get(vc, "credentialSubject"), "firmwareVersions"), 0)),
	    "2.0");
	ck_assert_int_eq(dataint_verify(vc, key.pk, NULL, err, sizeof(err)),
	    0);
	ck_assert_int_eq(count("SELECT count(*) FROM labels WHERE "
	    "submission_id IS NOT NULL"), 1);
	/* one label per submission */
	snprintf(sub.label_id, sizeof(sub.label_id), "SG-CLS-2026-000071");
	ck_assert_int_eq(issue_for_submission(db, &cfg, &regulator, &sub, sc, 2,
	    met, NULL, NULL, err, sizeof(err)), STORE_CONFLICT);
	json_decref(vc);
	json_decref(met);
	free(bytes);
}
END_TEST

/* The current trust bundle version at now, parsed; NULL with err. */
static json_t *
bundle_at(time_t now, char *err, size_t errlen)
{
	char	*buf;
	size_t	 len;
	json_t	*tb;

	if (trust_bundle_current(db, &cfg, now, &buf, &len, NULL, NULL, err,
	    errlen) != STORE_OK)
		return NULL;
	tb = json_loadb(buf, len, 0, NULL);
	free(buf);
	return tb;
}

START_TEST(trust_bundle_verifies)
{
	struct signing_key	 b;
	json_t			*tb, *keys;
	char			 err[256];

	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL, err,
	    sizeof(err)), STORE_OK);
	tb = bundle_at(T0, err, sizeof(err));
	ck_assert_msg(tb != NULL, "%s", err);
	ck_assert_str_eq(sget(tb, "type"), "LabeldTrustBundle");
	ck_assert_str_eq(sget(tb, "issuer.id"), cfg.issuer_did);
	ck_assert_str_eq(sget(tb, "issuer.country"), "SG");
	ck_assert_str_eq(sget(tb, "didDocument.id"), cfg.issuer_did);
	ck_assert(json_is_null(json_object_get(tb, "log")));
	ck_assert_uint_eq(json_array_size(json_object_get(tb, "statusLists")),
	    2);
	ck_assert_uint_ge(json_array_size(json_object_get(tb, "schemes")), 1);
	keys = json_object_get(tb, "keys");
	ck_assert_uint_eq(json_array_size(keys), 2);
	ck_assert_str_eq(sget(json_array_get(keys, 0), "status"), "retired");
	ck_assert(json_is_string(json_object_get(json_array_get(keys, 0),
	    "validUntil")));
	ck_assert(json_is_null(json_object_get(json_array_get(keys, 0),
	    "compromisedAt")));
	ck_assert_str_eq(sget(json_array_get(keys, 1), "status"), "active");
	ck_assert(json_is_null(json_object_get(json_array_get(keys, 1),
	    "validUntil")));
	/* signed by the new key, not the old one */
	ck_assert_int_eq(dataint_verify(tb, b.pk, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(dataint_verify(tb, key.pk, NULL, err, sizeof(err)),
	    -1);
	json_decref(tb);
}
END_TEST

/* One signer that waits for the write lock on a connection of its own. */
struct signer {
	struct store	*st;
	struct db	*db;
	int		 label;		/* issue_label, else statuslist_get */
	int		 rc;
	char		*bytes;
	size_t		 len;
	char		 err[256];
};

static void *
signer_run(void *arg)
{
	struct signer		*s = arg;
	struct issue_input	 in;
	json_t			*met = met_json();

	if (s->label) {
		fixed_input(&in, "SG-CLS-2026-000090", met);
		in.now = 0;
		s->rc = issue_label(s->db, &cfg, &in, &s->bytes, &s->len,
		    s->err, sizeof(s->err));
	} else
		s->rc = statuslist_get(s->db, &cfg,
		    LABELD_STATUSLIST_REVOCATION, &s->bytes, &s->len, s->err,
		    sizeof(s->err));
	json_decref(met);
	return NULL;
}

/*
 * A rotation that commits while a label and a status list wait to be
 * signed: they are signed by the new key, never with a time before it
 * existed (which every verifier refuses).
 */
START_TEST(rotation_while_signing)
{
	struct signer		 s[2];
	pthread_t		 th[2];
	struct signing_key	 b;
	char			 path[256], mig[256], err[512];
	const char		*src = getenv("top_srcdir") ?
	    getenv("top_srcdir") : LABELD_SRCDIR;
	time_t			 start;
	json_t			*vc;

	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	ck_assert_int_eq(db_begin(db), 0);
	start = time(NULL);
	for (int i = 0; i < 2; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].label = i;
		s[i].st = store_open(path, mig, 1, err, sizeof(err));
		ck_assert_msg(s[i].st != NULL, "%s", err);
		s[i].db = store_acquire(s[i].st);
		ck_assert_int_eq(pthread_create(&th[i], NULL, signer_run,
		    &s[i]), 0);
	}
	/* Both took their time and wait; the rotation is seconds later. */
	while (time(NULL) < start + 2)
		usleep(100000);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(db_commit(db), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_msg(s[i].rc == STORE_OK, "%s", s[i].err);
		ck_assert_ptr_nonnull(vc = json_loadb(s[i].bytes, s[i].len, 0,
		    NULL));
		ck_assert_ptr_nonnull(strstr(sget(vc,
		    "proof.verificationMethod"), b.kid));
		ck_assert_msg(strcmp(sget(vc, "proof.created"),
		    b.created_at) >= 0, "signed %s by key %s, created %s",
		    sget(vc, "proof.created"), b.kid, b.created_at);
		json_decref(vc);
		free(s[i].bytes);
		store_release(s[i].db);
		store_close(s[i].st);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("issue");
	TCase	*tc = tcase_create("issue");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, credential_shape_and_proof);
	tcase_add_test(tc, stored_bytes_are_served_bytes);
	tcase_add_test(tc, valid_until_is_the_minimum);
	tcase_add_test(tc, status_indices_unique);
	tcase_add_test(tc, bad_input_and_duplicates);
	tcase_add_test(tc, labels_are_immutable);
	tcase_add_test(tc, suspend_reinstate_revoke);
	tcase_add_test(tc, expiry_is_computed);
	tcase_add_test(tc, inside_callers_transaction);
	tcase_add_test(tc, no_key_no_label);
	tcase_add_test(tc, lists_follow_the_key);
	tcase_add_test(tc, from_a_submission);
	tcase_add_test(tc, trust_bundle_verifies);
	tcase_add_test(tc, rotation_while_signing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(suite());
	int	 failed;

	log_init("check_issue", LOG_ERROR);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
