/*
 * check_keys: signing keys against the real schema: key ids, generation
 * (files 0600 in a 0700 dir, one active key), rotation (the old key stays
 * in the DID document, retired), sealed keys (no passphrase, a wrong one,
 * a file others may read: refused), compromise (time normalised, only
 * moves earlier, never in the future), reload after a rotation by
 * another process, first-start key, and the table's triggers.  Keys are
 * sealed with the Argon2id INTERACTIVE limits (lc_keyfile_test_limits).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"
#include "dataint.h"

#define PASS	"correct horse battery staple"

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
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-keys.XXXXXX");
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
	unsetenv(LABELD_KEY_PASSPHRASE_ENV);
	store_release(db);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static mode_t
mode_of(const char *rel)
{
	char		 path[512];
	struct stat	 sb;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	ck_assert_msg(stat(path, &sb) == 0, "%s missing", path);
	return sb.st_mode & 07777;
}

static int
file_count(void)
{
	char	 cmd[256];
	FILE	*p;
	int	 n = -1;

	snprintf(cmd, sizeof(cmd), "ls %s/keys | wc -l", tmpdir);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	ck_assert_int_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void
put_file(const char *name, const char *text, mode_t mode, char *path,
    size_t pathlen)
{
	FILE *f;

	snprintf(path, pathlen, "%s/%s", tmpdir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Signs a small document and verifies it with k's public key. */
static int
sign_verifies(const struct signing_key *k)
{
	json_t	*doc = json_pack("{s:s}", "hello", "world");
	char	 kid[LABELD_KID_BUFLEN], err[256], vm[600];
	int	 ok;

	if (keys_sign(db, &cfg, doc, "2026-11-28T06:00:00Z", kid, err,
	    sizeof(err)) != STORE_OK) {
		json_decref(doc);
		return 0;
	}
	snprintf(vm, sizeof(vm), "%s#%s", cfg.issuer_did, k->kid);
	ok = strcmp(kid, k->kid) == 0 && dataint_verify(doc, k->pk, NULL, err,
	    sizeof(err)) == 0 && strcmp(json_string_value(json_object_get(
	    json_object_get(doc, "proof"), "verificationMethod")), vm) == 0;
	json_decref(doc);
	return ok;
}

START_TEST(kid_is_hash_prefix)
{
	static const uint8_t pk[32] = { 1, 2, 3 };
	uint8_t	 h[32];
	char	 kid[LABELD_KID_BUFLEN], hex[65], want[16];

	keys_kid(pk, kid);
	lc_sha256(pk, sizeof(pk), h);
	lc_hex(h, sizeof(h), hex);
	snprintf(want, sizeof(want), "key-%.8s", hex);
	ck_assert_str_eq(kid, want);
	ck_assert_uint_eq(strlen(kid), 12);
}
END_TEST

START_TEST(generate_writes_private_file)
{
	struct signing_key	 k, k2;
	char			 err[256], path[512], *text = NULL;
	size_t			 cap = 0;
	FILE			*f;
	char			*mb;

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &k, NULL, err, sizeof(err)),
	    STORE_OK);
	ck_assert_str_eq(k.status, "active");
	ck_assert_int_eq(k.sealed, 0);
	ck_assert_int_eq(mode_of("keys"), 0700);
	ck_assert_int_eq(mode_of(k.file), 0600);
	ck_assert_int_eq(strncmp(k.file, "keys/key-", 9), 0);
	/* The file holds the seed, not the public key or its multibase. */
	snprintf(path, sizeof(path), "%s/%s", tmpdir, k.file);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_int_gt(getdelim(&text, &cap, '\0', f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "seal: none"));
	mb = lc_multikey_encode(k.pk);
	ck_assert_ptr_null(strstr(text, mb));
	free(mb);
	free(text);
	/* One active key: a second generate is refused and leaves no file. */
	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &k2, NULL, err,
	    sizeof(err)), STORE_CONFLICT);
	ck_assert_ptr_nonnull(strstr(err, "key rotate"));
	ck_assert_int_eq(file_count(), 2);	/* the active and the next key */
	ck_assert(sign_verifies(&k));
}
END_TEST

START_TEST(rotate_keeps_old_key_in_did_document)
{
	struct signing_key	 a, b, old, got;
	char			 err[256];
	json_t			*doc, *vms;

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, NULL, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, &old, NULL, NULL, err,
	    sizeof(err)), STORE_OK);
	ck_assert_str_eq(old.kid, a.kid);
	ck_assert_str_eq(old.status, "retired");
	ck_assert_str_ne(a.kid, b.kid);
	ck_assert_int_eq(store_key_get(db, a.kid, &got), STORE_OK);
	ck_assert_str_eq(got.status, "retired");
	ck_assert_str_eq(got.retired_at, old.retired_at);
	/* The retired key's end lies after the new key's start. */
	ck_assert_int_gt(strcmp(got.retired_at, b.created_at), 0);
	ck_assert_int_eq(store_key_active(db, &got), STORE_OK);
	ck_assert_str_eq(got.kid, b.kid);

	ck_assert_ptr_nonnull(doc = keys_did_document(db, &cfg));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc,
	    "@context"), 0)), "https://www.w3.org/ns/did/v1");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "id")),
	    cfg.issuer_did);
	vms = json_object_get(doc, "verificationMethod");
	ck_assert_uint_eq(json_array_size(vms), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(doc,
	    "assertionMethod")), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t		*vm = json_array_get(vms, i);
		uint8_t		 pk[32];

		ck_assert_str_eq(json_string_value(json_object_get(vm, "type")),
		    "Multikey");
		ck_assert_str_eq(json_string_value(json_object_get(vm,
		    "controller")), cfg.issuer_did);
		ck_assert_int_eq(lc_multikey_decode(json_string_value(
		    json_object_get(vm, "publicKeyMultibase")), pk), 0);
		ck_assert(memcmp(pk, i == 0 ? a.pk : b.pk, 32) == 0);
		ck_assert(json_equal(json_object_get(vm, "id"), json_array_get(
		    json_object_get(doc, "assertionMethod"), i)));
	}
	json_decref(doc);
	ck_assert(sign_verifies(&b));
}
END_TEST

START_TEST(sealed_key_needs_passphrase)
{
	struct signing_key	 a, b;
	char			 err[256], pfile[512], buf[64];
	json_t			*doc;

	ck_assert_int_eq(keys_generate(db, tmpdir, PASS, &a, NULL, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(a.sealed, 1);
	ck_assert_int_eq(mode_of(a.file), 0600);
	doc = json_object();
	ck_assert_int_eq(keys_sign(db, &cfg, doc, "2026-11-28T06:00:00Z",
	    NULL, err, sizeof(err)), KEYS_NOKEY);
	ck_assert_ptr_nonnull(strstr(err, "sealed"));
	ck_assert_ptr_null(json_object_get(doc, "proof"));
	json_decref(doc);
	/* wrong passphrase from the environment */
	setenv(LABELD_KEY_PASSPHRASE_ENV, "hunter2-not-it", 1);
	doc = json_object();
	ck_assert_int_eq(keys_sign(db, &cfg, doc, "2026-11-28T06:00:00Z",
	    NULL, err, sizeof(err)), KEYS_NOKEY);
	ck_assert_ptr_nonnull(strstr(err, "wrong passphrase"));
	ck_assert_ptr_null(strstr(err, "hunter2"));
	json_decref(doc);
	/* the right one from the environment */
	setenv(LABELD_KEY_PASSPHRASE_ENV, PASS, 1);
	ck_assert(sign_verifies(&a));
	unsetenv(LABELD_KEY_PASSPHRASE_ENV);
	keys_forget();
	/* a passphrase file others may read is refused */
	put_file("pass", PASS "\n", 0644, pfile, sizeof(pfile));
	snprintf(cfg.key_passphrase_file, sizeof(cfg.key_passphrase_file),
	    "%s", pfile);
	doc = json_object();
	ck_assert_int_eq(keys_sign(db, &cfg, doc, "2026-11-28T06:00:00Z",
	    NULL, err, sizeof(err)), KEYS_NOKEY);
	ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
	json_decref(doc);
	ck_assert_int_eq(chmod(pfile, 0600), 0);
	ck_assert(sign_verifies(&a));
	/* rotation to a sealed key read with the same file */
	ck_assert_int_eq(keys_read_passphrase_file(pfile, buf, sizeof(buf),
	    err, sizeof(err)), 0);
	ck_assert_str_eq(buf, PASS);
	ck_assert_int_eq(keys_rotate(db, tmpdir, buf, &b, NULL, NULL, NULL, err,
	    sizeof(err)), STORE_OK);
	ck_assert(sign_verifies(&b));
}
END_TEST

START_TEST(passphrase_files)
{
	char	 path[512], buf[16], err[256];

	put_file("p1", "abc\r\nignored\n", 0600, path, sizeof(path));
	ck_assert_int_eq(keys_read_passphrase_file(path, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(buf, "abc");
	put_file("p2", "\n", 0600, path, sizeof(path));
	ck_assert_int_eq(keys_read_passphrase_file(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "empty"));
	put_file("p3", "0123456789abcdefXYZ", 0600, path, sizeof(path));
	ck_assert_int_eq(keys_read_passphrase_file(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 15"));
	ck_assert_ptr_null(strstr(err, "0123"));
	put_file("p4", "fifteen-bytes!!", 0600, path, sizeof(path));
	ck_assert_int_eq(keys_read_passphrase_file(path, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/absent", tmpdir);
	ck_assert_int_eq(keys_read_passphrase_file(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
}
END_TEST

START_TEST(compromise_rules)
{
	struct signing_key	 a, b, k;
	char			 err[256];

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, NULL, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL, err,
	    sizeof(err)), STORE_OK);
	/* offsets are normalised to UTC, fractions dropped */
	ck_assert_int_eq(keys_compromise(db, a.kid,
	    "2026-01-01T10:00:00.75+08:00", &k, err, sizeof(err)), STORE_OK);
	ck_assert_str_eq(k.status, "compromised");
	ck_assert_str_eq(k.compromised_at, "2026-01-01T02:00:00Z");
	ck_assert_str_ne(k.retired_at, "");
	/* only earlier */
	ck_assert_int_eq(keys_compromise(db, a.kid, "2026-02-01T00:00:00Z",
	    &k, err, sizeof(err)), STORE_CONFLICT);
	ck_assert_int_eq(keys_compromise(db, a.kid, "2025-12-31T23:00:00Z",
	    &k, err, sizeof(err)), STORE_OK);
	ck_assert_str_eq(k.compromised_at, "2025-12-31T23:00:00Z");
	ck_assert_int_eq(keys_compromise(db, a.kid, "2999-01-01T00:00:00Z",
	    &k, err, sizeof(err)), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(err, "future"));
	ck_assert_int_eq(keys_compromise(db, a.kid, "yesterday", &k, err,
	    sizeof(err)), STORE_INVALID);
	ck_assert_int_eq(keys_compromise(db, "key-00000000",
	    "2025-12-31T23:00:00Z", &k, err, sizeof(err)), STORE_NOTFOUND);
	/* compromising the active key stops all signing until a new key */
	ck_assert(sign_verifies(&b));
	ck_assert_int_eq(keys_compromise(db, b.kid, "2026-06-01T00:00:00Z",
	    &k, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_key_active(db, &k), STORE_NOTFOUND);
	ck_assert(!sign_verifies(&b));
	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, NULL, err, sizeof(err)),
	    STORE_OK);
	ck_assert(sign_verifies(&a));
}
END_TEST

/* labelctl rotates in another process: the next signature uses the new key. */
START_TEST(sign_follows_rotation)
{
	struct signing_key	 a, b;
	char			 err[256], path[256], e2[256];
	struct store		*other;
	struct db		*odb;

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, NULL, err, sizeof(err)),
	    STORE_OK);
	ck_assert(sign_verifies(&a));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	ck_assert_ptr_nonnull(other = store_open(path, NULL, 1, e2,
	    sizeof(e2)));
	odb = store_acquire(other);
	ck_assert_int_eq(keys_rotate(odb, tmpdir, NULL, &b, NULL, NULL, NULL, err,
	    sizeof(err)), STORE_OK);
	store_release(odb);
	store_close(other);
	ck_assert(sign_verifies(&b));
}
END_TEST

START_TEST(first_start_makes_one_key)
{
	struct signing_key	 k;
	int64_t			 n;
	char			 err[256];

	store_release(db);
	ck_assert_int_eq(keys_ensure(st, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(keys_ensure(st, &cfg, err, sizeof(err)), 0);
	db = store_acquire(st);
	ck_assert_int_eq(store_key_count(db, &n), STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(file_count(), 2);	/* and its committed next key */
	ck_assert_int_eq(store_key_active(db, &k), STORE_OK);
	ck_assert_int_eq(k.sealed, 0);
	ck_assert_int_eq(mode_of(k.file), 0600);
	/* All keys compromised: a start does not invent a new one. */
	ck_assert_int_eq(keys_compromise(db, k.kid, "2020-01-01T00:00:00Z",
	    NULL, err, sizeof(err)), STORE_OK);
	store_release(db);
	ck_assert_int_eq(keys_ensure(st, &cfg, err, sizeof(err)), 0);
	db = store_acquire(st);
	ck_assert_int_eq(store_key_count(db, &n), STORE_OK);
	ck_assert_int_eq(n, 1);
}
END_TEST

static int	exec_fails(const char *);

/* The committed next key, which must exist. */
static struct next_key
committed(void)
{
	struct next_key nk;

	ck_assert_int_eq(store_next_key_committed(db, &nk), STORE_OK);
	return nk;
}

START_TEST(generate_commits_next_key)
{
	struct signing_key	 a, got;
	struct next_key		 n, c;
	char			 err[256], hex[65];
	uint8_t			 h[32];
	json_t			*doc;

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, &n, err,
	    sizeof(err)), STORE_OK);
	c = committed();
	ck_assert_str_eq(c.kid, n.kid);
	ck_assert_str_ne(n.kid, a.kid);
	ck_assert_str_eq(c.promoted_at, "");
	/* nextKeyDigest: lowercase hex SHA-256 of the raw public key */
	lc_sha256(n.pk, 32, h);
	lc_hex(h, sizeof(h), hex);
	ck_assert_str_eq(c.digest, hex);
	keys_digest(n.pk, hex);
	ck_assert_str_eq(c.digest, hex);
	ck_assert_int_eq(mode_of(n.file), 0600);
	ck_assert_int_eq(n.sealed, 0);
	ck_assert_int_eq(file_count(), 2);
	/* Not published: neither a signing key nor in the DID document. */
	ck_assert_int_eq(store_key_get(db, n.kid, &got), STORE_NOTFOUND);
	ck_assert_ptr_nonnull(doc = keys_did_document(db, &cfg));
	ck_assert_uint_eq(json_array_size(json_object_get(doc,
	    "verificationMethod")), 1);
	json_decref(doc);
}
END_TEST

START_TEST(rotate_promotes_committed_key)
{
	struct signing_key	 a, b, old, got;
	struct next_key		 n1, n2, c;
	char			 err[256];
	int			 cont = -1;

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, &n1, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, &old, &n2, &cont,
	    err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(cont, 1);
	ck_assert_str_eq(b.kid, n1.kid);
	ck_assert(memcmp(b.pk, n1.pk, 32) == 0);
	ck_assert_str_eq(b.file, n1.file);
	ck_assert_str_eq(old.kid, a.kid);
	ck_assert_int_eq(store_key_active(db, &got), STORE_OK);
	ck_assert_str_eq(got.kid, n1.kid);
	/* a fresh key is committed in its place */
	c = committed();
	ck_assert_str_eq(c.kid, n2.kid);
	ck_assert_str_ne(n2.kid, n1.kid);
	ck_assert_str_ne(n2.kid, a.kid);
	ck_assert_int_eq(file_count(), 3);
	/* the promoted key signs, from the file committed at generate */
	ck_assert(sign_verifies(&b));
	ck_assert(exec_fails("UPDATE next_keys SET promoted_at = NULL"));
	ck_assert(exec_fails("DELETE FROM next_keys"));
	ck_assert(exec_fails("UPDATE next_keys SET digest = upper(digest)"));
}
END_TEST

START_TEST(sealed_next_key)
{
	struct signing_key	 a, b;
	struct next_key		 n1, n2;
	char			 err[256], path[512], *text = NULL;
	size_t			 cap = 0;
	FILE			*f;

	ck_assert_int_eq(keys_generate(db, tmpdir, PASS, &a, &n1, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(n1.sealed, 1);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, n1.file);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_int_gt(getdelim(&text, &cap, '\0', f), 0);
	fclose(f);
	ck_assert_ptr_null(strstr(text, "seal: none"));
	free(text);
	ck_assert_int_eq(keys_rotate(db, tmpdir, PASS, &b, NULL, &n2, NULL,
	    err, sizeof(err)), STORE_OK);
	ck_assert_str_eq(b.kid, n1.kid);
	ck_assert_int_eq(b.sealed, 1);
	ck_assert_int_eq(n2.sealed, 1);
	ck_assert(!sign_verifies(&b));
	setenv(LABELD_KEY_PASSPHRASE_ENV, PASS, 1);
	ck_assert(sign_verifies(&b));
}
END_TEST

START_TEST(missing_next_key_file_fails_cleanly)
{
	struct signing_key	 a, b, got;
	struct next_key		 n1, c;
	char			 err[512], path[512], away[512];

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, &n1, err,
	    sizeof(err)), STORE_OK);
	/* kept off the machine until the rotation */
	snprintf(path, sizeof(path), "%s/%s", tmpdir, n1.file);
	snprintf(away, sizeof(away), "%s/offline.key", tmpdir);
	ck_assert_int_eq(rename(path, away), 0);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL,
	    err, sizeof(err)), STORE_INVALID);
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "put its file back"));
	/* nothing changed: same active key, same commitment, no new file */
	ck_assert_int_eq(store_key_active(db, &got), STORE_OK);
	ck_assert_str_eq(got.kid, a.kid);
	c = committed();
	ck_assert_str_eq(c.kid, n1.kid);
	ck_assert_str_eq(c.promoted_at, "");
	ck_assert_int_eq(file_count(), 1);
	/* a file holding another key is refused as well */
	snprintf(away, sizeof(away), "%s/%s", tmpdir, a.file);
	ck_assert_int_eq(link(away, path), 0);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL,
	    err, sizeof(err)), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(err, "another key"));
	ck_assert_int_eq(store_key_active(db, &got), STORE_OK);
	ck_assert_str_eq(got.kid, a.kid);
	/* put back: the rotation goes through */
	ck_assert_int_eq(unlink(path), 0);
	snprintf(away, sizeof(away), "%s/offline.key", tmpdir);
	ck_assert_int_eq(rename(away, path), 0);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL,
	    err, sizeof(err)), STORE_OK);
	ck_assert_str_eq(b.kid, n1.kid);
	ck_assert(sign_verifies(&b));
}
END_TEST

START_TEST(rotate_without_commitment)
{
	struct signing_key	 a, b;
	struct next_key		 n;
	uint8_t			 pk[32], sk[64];
	char			 err[256];
	int			 cont = -1;

	/* a data dir from before pre-rotation: an active key only */
	lc_ed25519_keypair(pk, sk);
	ck_assert_int_eq(keys_install(db, tmpdir, sk, NULL, 0, &a, NULL, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_next_key_committed(db, &n), STORE_NOTFOUND);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, &n, &cont,
	    err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(cont, 0);
	ck_assert_str_ne(b.kid, a.kid);
	ck_assert_str_ne(n.kid, b.kid);
	ck_assert_str_eq(committed().kid, n.kid);
	ck_assert(sign_verifies(&b));
}
END_TEST

START_TEST(upgrade_commits_next_key)
{
	struct signing_key	 a;
	struct next_key		 n;
	uint8_t			 pk[32], sk[64];
	char			 err[256];

	lc_ed25519_keypair(pk, sk);
	ck_assert_int_eq(keys_install(db, tmpdir, sk, NULL, 0, &a, NULL, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_next_key_committed(db, &n), STORE_NOTFOUND);
	store_release(db);
	ck_assert_int_eq(keys_ensure(st, &cfg, err, sizeof(err)), 0);
	db = store_acquire(st);
	n = committed();
	ck_assert_str_ne(n.kid, a.kid);
	ck_assert_int_eq(mode_of(n.file), 0600);
	store_release(db);
	ck_assert_int_eq(keys_ensure(st, &cfg, err, sizeof(err)), 0);
	db = store_acquire(st);
	ck_assert_str_eq(committed().kid, n.kid);
	ck_assert_int_eq(file_count(), 2);
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

START_TEST(table_guards)
{
	struct signing_key	 a, b;
	char			 err[256];

	ck_assert_int_eq(keys_generate(db, tmpdir, NULL, &a, NULL, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(keys_rotate(db, tmpdir, NULL, &b, NULL, NULL, NULL, err,
	    sizeof(err)), STORE_OK);
	ck_assert(exec_fails("DELETE FROM signing_keys"));
	ck_assert(exec_fails("UPDATE signing_keys SET public_key = "
	    "zeroblob(32)"));
	ck_assert(exec_fails("UPDATE signing_keys SET status = 'active', "
	    "retired_at = NULL WHERE status = 'retired'"));
	/* two active keys */
	ck_assert(exec_fails("INSERT INTO signing_keys (kid, public_key, file,"
	    " sealed, status, created_at) VALUES ('key-00000000', "
	    "zeroblob(32), 'x', 0, 'active', '2026-01-01T00:00:00Z')"));
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("keys");
	TCase	*tc = tcase_create("keys");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kid_is_hash_prefix);
	tcase_add_test(tc, generate_writes_private_file);
	tcase_add_test(tc, rotate_keeps_old_key_in_did_document);
	tcase_add_test(tc, sealed_key_needs_passphrase);
	tcase_add_test(tc, passphrase_files);
	tcase_add_test(tc, compromise_rules);
	tcase_add_test(tc, sign_follows_rotation);
	tcase_add_test(tc, first_start_makes_one_key);
	tcase_add_test(tc, table_guards);
	tcase_add_test(tc, generate_commits_next_key);
	tcase_add_test(tc, rotate_promotes_committed_key);
	tcase_add_test(tc, sealed_next_key);
	tcase_add_test(tc, missing_next_key_file_fails_cleanly);
	tcase_add_test(tc, rotate_without_commitment);
	tcase_add_test(tc, upgrade_commits_next_key);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(suite());
	int	 failed;

	log_init("check_keys", LOG_ERROR);
	/* Sealed keys with the INTERACTIVE limits: check_crypto covers the
	   MODERATE ones labeld writes. */
	lc_keyfile_test_limits();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
