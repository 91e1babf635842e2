/*
 * check_trust: trust bundle versions against the real schema: the same
 * content is the same version and bytes; a rotation is a new version
 * signed by the key the previous version committed to; a compromise mark
 * is a new version signed by the active key; a version within 30 days of
 * its expiry is renewed; stored versions never change.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"
#include "dataint.h"
#include "rfc3339.h"

#define DAY	86400

static char		 tmpdir[64];
static struct store	*st;
static struct db	*db;
static struct config	 cfg;

static void
setup(void)
{
	const char	*src = getenv("top_srcdir") ? getenv("top_srcdir") :
	    LABELD_SRCDIR;
	char		 path[256], mig[256], err[512];

	ck_assert_int_eq(lc_init(), 0);
	unsetenv(LABELD_KEY_PASSPHRASE_ENV);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-trust.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	st = store_open(path, mig, 1, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	db = store_acquire(st);
	config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", tmpdir);
	snprintf(cfg.public_url, sizeof(cfg.public_url),
	    "https://labels.example.sg");
	snprintf(cfg.issuer_did, sizeof(cfg.issuer_did),
	    "did:web:labels.example.sg");
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

/* One fetch of the current bundle at now. */
struct fetch {
	char			*bytes;
	size_t			 len;
	struct trust_bundle_row	 row;
	int			 made;
	json_t			*doc;
};

static struct fetch
fetch_at(time_t now)
{
	struct fetch	 f;
	char		 err[512];

	memset(&f, 0, sizeof(f));
	ck_assert_msg(trust_bundle_current(db, &cfg, now, &f.bytes, &f.len,
	    &f.row, &f.made, err, sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_ptr_nonnull(f.doc = json_loadb(f.bytes, f.len, 0, NULL));
	return f;
}

static void
fetch_free(struct fetch *f)
{
	free(f->bytes);
	json_decref(f->doc);
}

static const char *
str(const json_t *doc, const char *key)
{
	return json_string_value(json_object_get(doc, key));
}

static const char *
signer(const json_t *doc)
{
	const char *vm = str(json_object_get(doc, "proof"),
	    "verificationMethod");

	ck_assert_ptr_nonnull(vm);
	return strchr(vm, '#') + 1;
}

/* The proof of doc verifies with pk. */
static int
verifies_with(const json_t *doc, const uint8_t pk[32])
{
	json_t	*copy = json_deep_copy(doc);
	char	 err[256];
	int	 ok = dataint_verify(copy, pk, NULL, err, sizeof(err)) == 0;

	json_decref(copy);
	return ok;
}

START_TEST(same_content_same_version)
{
	struct signing_key	 a;
	struct next_key		 n;
	struct fetch		 f1, f2, f3;
	char			 err[256], hex[65];
	time_t			 t = time(NULL);

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, &n, err,
	    sizeof(err)), STORE_OK);
	f1 = fetch_at(t);
	ck_assert_int_eq(f1.made, 1);
	ck_assert_int_eq(f1.row.version, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(f1.doc,
	    "version")), 1);
	keys_digest(n.pk, hex);
	ck_assert_str_eq(str(f1.doc, "nextKeyDigest"), hex);
	ck_assert_str_eq(signer(f1.doc), a.kid);
	ck_assert(verifies_with(f1.doc, a.pk));
	/* expires = issued + trust_bundle_validity (365d) */
	ck_assert_str_eq(str(f1.doc, "issued"), f1.row.issued_at);
	ck_assert_str_eq(str(f1.doc, "expires"), f1.row.expires_at);
	{
		char want[32];

		rfc3339_format(t + 365 * DAY, want);
		ck_assert_str_eq(f1.row.expires_at, want);
	}
	/* an hour later, nothing changed: the same bytes, no new version */
	f2 = fetch_at(t + 3600);
	ck_assert_int_eq(f2.made, 0);
	ck_assert_int_eq(f2.row.version, 1);
	ck_assert_uint_eq(f2.len, f1.len);
	ck_assert(memcmp(f2.bytes, f1.bytes, f1.len) == 0);
	/* the bytes served are the canonical ones stored */
	f3 = fetch_at(t + 7200);
	ck_assert(memcmp(f3.bytes, f1.bytes, f1.len) == 0);
	fetch_free(&f1);
	fetch_free(&f2);
	fetch_free(&f3);
}
END_TEST

START_TEST(rotation_signed_by_committed_key)
{
	struct signing_key	 a, b;
	struct next_key		 n1, n2;
	struct fetch		 f1, f2, again;
	struct trust_bundle_row	 r;
	char			 err[256], hex[65], *bytes;
	size_t			 len;
	time_t			 t = time(NULL);

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, &n1, err,
	    sizeof(err)), STORE_OK);
	f1 = fetch_at(t);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, &n2, NULL,
	    err, sizeof(err)), STORE_OK);
	f2 = fetch_at(t + 60);
	ck_assert_int_eq(f2.made, 1);
	ck_assert_int_eq(f2.row.version, 2);
	ck_assert_uint_eq(json_array_size(json_object_get(f2.doc, "keys")), 2);
	/* signed by the key v1 committed to: sha256(its pk) = nextKeyDigest */
	ck_assert_str_eq(signer(f2.doc), n1.kid);
	ck_assert_str_eq(f2.row.kid, n1.kid);
	keys_digest(b.pk, hex);
	ck_assert_str_eq(hex, str(f1.doc, "nextKeyDigest"));
	ck_assert(verifies_with(f2.doc, n1.pk));
	ck_assert(!verifies_with(f2.doc, a.pk));
	/* and commits to the fresh next key */
	keys_digest(n2.pk, hex);
	ck_assert_str_eq(str(f2.doc, "nextKeyDigest"), hex);
	/* version 1 is kept exactly as issued */
	ck_assert_int_eq(store_trust_bundle_get(db, 1, &r, &bytes, &len),
	    STORE_OK);
	ck_assert_uint_eq(len, f1.len);
	ck_assert(memcmp(bytes, f1.bytes, len) == 0);
	free(bytes);
	ck_assert_int_eq(store_trust_bundle_get(db, 3, &r, &bytes, &len),
	    STORE_NOTFOUND);
	again = fetch_at(t + 120);
	ck_assert_int_eq(again.row.version, 2);
	fetch_free(&f1);
	fetch_free(&f2);
	fetch_free(&again);
}
END_TEST

START_TEST(compromise_signed_by_active_key)
{
	struct signing_key	 a, b;
	struct next_key		 n1;
	struct fetch		 f2, f3;
	char			 err[256], since[32];
	time_t			 t = time(NULL);

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, &n1, err,
	    sizeof(err)), STORE_OK);
	{
		struct fetch f1 = fetch_at(t);
		fetch_free(&f1);
	}
	/* the documented procedure: rotate, then mark the old key */
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL,
	    err, sizeof(err)), STORE_OK);
	f2 = fetch_at(t + 60);
	ck_assert_int_eq(f2.row.version, 2);
	rfc3339_format(t - 3600, since);
	ck_assert_int_eq(keys_compromise(db, a.kid, since, NULL, err,
	    sizeof(err)), STORE_OK);
	f3 = fetch_at(t + 120);
	ck_assert_int_eq(f3.made, 1);
	ck_assert_int_eq(f3.row.version, 3);
	/* same key ids: signed by the key v2 lists as active */
	ck_assert_str_eq(signer(f3.doc), b.kid);
	ck_assert(verifies_with(f3.doc, b.pk));
	ck_assert_str_eq(str(json_array_get(json_object_get(f3.doc, "keys"),
	    0), "status"), "compromised");
	ck_assert_str_eq(str(f3.doc, "nextKeyDigest"),
	    str(f2.doc, "nextKeyDigest"));
	fetch_free(&f2);
	fetch_free(&f3);
}
END_TEST

START_TEST(renewed_before_expiry)
{
	struct signing_key	 a;
	struct fetch		 f1, f2, f3;
	char			 err[256], want[32];
	time_t			 t = time(NULL);

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, NULL, err,
	    sizeof(err)), STORE_OK);
	f1 = fetch_at(t);
	/* 31 days before expiry: still the same version */
	f2 = fetch_at(t + 334 * DAY);
	ck_assert_int_eq(f2.made, 0);
	ck_assert_int_eq(f2.row.version, 1);
	fetch_free(&f2);
	/* 30 days before: renewed, by the active key, a year from then */
	f2 = fetch_at(t + 335 * DAY);
	ck_assert_int_eq(f2.made, 1);
	ck_assert_int_eq(f2.row.version, 2);
	ck_assert_str_eq(signer(f2.doc), a.kid);
	rfc3339_format(t + 335 * DAY + 365 * DAY, want);
	ck_assert_str_eq(str(f2.doc, "expires"), want);
	ck_assert_str_eq(f2.row.content_sha256, f1.row.content_sha256);
	/* a shorter trust_bundle_validity applies to the next version */
	cfg.trust_bundle_validity = 60 * DAY;
	f3 = fetch_at(t + 336 * DAY);
	ck_assert_int_eq(f3.row.version, 2);
	fetch_free(&f3);
	f3 = fetch_at(t + 335 * DAY + 335 * DAY);
	ck_assert_int_eq(f3.row.version, 3);
	rfc3339_format(t + 670 * DAY + 60 * DAY, want);
	ck_assert_str_eq(f3.row.expires_at, want);
	fetch_free(&f1);
	fetch_free(&f2);
	fetch_free(&f3);
}
END_TEST

START_TEST(no_key_no_new_version)
{
	struct signing_key	 a;
	struct fetch		 f1;
	char			 err[256], *bytes, since[32];
	size_t			 len;
	time_t			 t = time(NULL);

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, NULL, err,
	    sizeof(err)), STORE_OK);
	f1 = fetch_at(t);
	rfc3339_format(t - 60, since);
	ck_assert_int_eq(keys_compromise(db, a.kid, since, NULL, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(trust_bundle_current(db, &cfg, t + 60, &bytes, &len,
	    NULL, NULL, err, sizeof(err)), KEYS_NOKEY);
	ck_assert_ptr_null(bytes);
	fetch_free(&f1);
}
END_TEST

START_TEST(broken_continuity_still_published)
{
	struct signing_key	 a, b;
	struct fetch		 f1, f2;
	uint8_t			 pk[32], sk[64];
	char			 err[256];
	int			 cont = -1;
	time_t			 t = time(NULL);

	/* a data dir from before pre-rotation: no committed next key */
	lc_ed25519_keypair(pk, sk);
	ck_assert_int_eq(keys_install(db, tmpdir, sk, NULL, 0, &a, NULL, err,
	    sizeof(err)), STORE_OK);
	f1 = fetch_at(t);
	ck_assert(json_is_null(json_object_get(f1.doc, "nextKeyDigest")));
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, &cont,
	    err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(cont, 0);
	/* breaks the signer rule, published anyway (with a warning) */
	f2 = fetch_at(t + 60);
	ck_assert_int_eq(f2.made, 1);
	ck_assert_int_eq(f2.row.version, 2);
	ck_assert_str_eq(signer(f2.doc), b.kid);
	fetch_free(&f1);
	fetch_free(&f2);
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

START_TEST(versions_are_append_only)
{
	struct signing_key	 a;
	struct fetch		 f1;
	char			 err[256];

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, NULL, err,
	    sizeof(err)), STORE_OK);
	f1 = fetch_at(time(NULL));
	ck_assert(exec_fails("UPDATE trust_bundles SET bundle = '{}'"));
	ck_assert(exec_fails("DELETE FROM trust_bundles"));
	ck_assert(exec_fails("INSERT INTO trust_bundles SELECT version + 2, "
	    "bundle, content_sha256, kid, issued_at, expires_at FROM "
	    "trust_bundles"));
	fetch_free(&f1);
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("trust");
	TCase	*tc = tcase_create("trust");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, same_content_same_version);
	tcase_add_test(tc, rotation_signed_by_committed_key);
	tcase_add_test(tc, compromise_signed_by_active_key);
	tcase_add_test(tc, renewed_before_expiry);
	tcase_add_test(tc, no_key_no_new_version);
	tcase_add_test(tc, broken_continuity_still_published);
	tcase_add_test(tc, versions_are_append_only);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(suite());
	int	 failed;

	log_init("check_trust", LOG_ERROR);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
