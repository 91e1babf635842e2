/*
 * check_store: the migration runner (order, atomicity, refusal of a newer
 * schema), token hashing and the token lifecycle in the real schema.
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

static char	 tmpdir[64];

static void
setup(void)
{
	ck_assert_int_eq(lc_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
put_file(const char *dir, const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static int
table_exists(sqlite3 *c, const char *name)
{
	sqlite3_stmt	*st;
	int		 found;

	ck_assert_int_eq(sqlite3_prepare_v2(c, "SELECT 1 FROM sqlite_master "
	    "WHERE type = 'table' AND name = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

START_TEST(migrations_apply_in_order)
{
	char	 mig[128], db[128], err[256];
	sqlite3	*c;
	int	 v;

	snprintf(mig, sizeof(mig), "%s/mig", tmpdir);
	snprintf(db, sizeof(db), "%s/t.db", tmpdir);
	mkdir(mig, 0700);
	/* 0002 depends on 0001: out-of-order application would fail. */
	put_file(mig, "0002_b.sql", "ALTER TABLE a ADD COLUMN y INTEGER;");
	put_file(mig, "0001_a.sql", "CREATE TABLE a (x INTEGER);");
	put_file(mig, "README", "not a migration");
	put_file(mig, "12_bad_name.sql", "garbage");
	ck_assert_int_eq(sqlite3_open(db, &c), SQLITE_OK);
	ck_assert_int_eq(store_migrate(c, mig, err, sizeof(err)), 0);
	ck_assert_int_eq(store_schema_version(c, &v), 0);
	ck_assert_int_eq(v, 2);
	/* Running again applies nothing. */
	ck_assert_int_eq(store_migrate(c, mig, err, sizeof(err)), 0);
	sqlite3_close(c);
}
END_TEST

START_TEST(failed_migration_keeps_old_schema)
{
	char	 mig[128], db[128], err[256];
	sqlite3	*c;
	int	 v;

	snprintf(mig, sizeof(mig), "%s/mig", tmpdir);
	snprintf(db, sizeof(db), "%s/t.db", tmpdir);
	mkdir(mig, 0700);
	put_file(mig, "0001_a.sql", "CREATE TABLE a (x INTEGER);");
	put_file(mig, "0002_b.sql", "CREATE TABLE b (x INTEGER); "
	    "INSERT INTO nowhere VALUES (1);");
	ck_assert_int_eq(sqlite3_open(db, &c), SQLITE_OK);
	ck_assert_int_eq(store_migrate(c, mig, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "0002_b.sql"));
	ck_assert_int_eq(store_schema_version(c, &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert(table_exists(c, "a"));
	ck_assert(!table_exists(c, "b"));
	sqlite3_close(c);
}
END_TEST

START_TEST(newer_schema_is_refused)
{
	char	 mig[128], db[128], err[256];
	sqlite3	*c;

	snprintf(mig, sizeof(mig), "%s/mig", tmpdir);
	snprintf(db, sizeof(db), "%s/t.db", tmpdir);
	mkdir(mig, 0700);
	put_file(mig, "0001_a.sql", "CREATE TABLE a (x INTEGER);");
	ck_assert_int_eq(sqlite3_open(db, &c), SQLITE_OK);
	ck_assert_int_eq(store_migrate(c, mig, err, sizeof(err)), 0);
	ck_assert_int_eq(sqlite3_exec(c, "INSERT INTO schema_migrations "
	    "VALUES (7, '0007_future.sql', 'x')", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_migrate(c, mig, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "newer"));
	ck_assert_ptr_nonnull(strstr(err, "7"));
	sqlite3_close(c);
}
END_TEST

static struct store *
open_real(void)
{
	char		 db[128], mig[PATH_MAX], err[256], key[128];
	uint8_t		 k[32] = { 1, 2, 3 };
	struct store	*s;

	snprintf(db, sizeof(db), "%s/labeld.db", tmpdir);
	snprintf(mig, sizeof(mig), "%s/migrations", getenv("top_srcdir") ?
	    getenv("top_srcdir") : LABELD_SRCDIR);
	snprintf(key, sizeof(key), "%s/%s", tmpdir, LABELD_TOKEN_KEY_FILE);
	ck_assert_int_eq(lc_secretfile_write(key, k, sizeof(k), err,
	    sizeof(err)), 0);
	ck_assert_int_eq(auth_load_key(tmpdir, err, sizeof(err)), 0);
	s = store_open(db, mig, 2, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

START_TEST(token_hash_is_keyed_and_stable)
{
	uint8_t		 a[32], b[32], c[32];
	struct store	*s = open_real();

	auth_hash("lbd_secret", a);
	auth_hash("lbd_secret", b);
	auth_hash("lbd_secreT", c);
	ck_assert_mem_eq(a, b, 32);
	ck_assert(memcmp(a, c, 32) != 0);
	/* Under another key the same token hashes differently. */
	{
		uint8_t k2[32] = { 9 }, d[32];
		lc_token_hash(k2, "lbd_secret", d);
		ck_assert(memcmp(a, d, 32) != 0);
	}
	store_close(s);
}
END_TEST

START_TEST(token_lifecycle)
{
	struct store		*s = open_real();
	struct db		*db = store_acquire(s);
	struct org		 o;
	struct token		 t;
	struct principal	 p;
	char			 secret[LC_TOKEN_BUFLEN], hdr[128];

	memset(&o, 0, sizeof(o));
	strcpy(o.name, "Vendor");
	strcpy(o.kind, "vendor");
	strcpy(o.country, "SG");
	ck_assert_int_eq(store_org_insert(db, &o), STORE_OK);
	ck_assert_int_eq(auth_issue_token(db, o.id, ROLE_VENDOR, "t", &t, secret,
	    sizeof(secret)), STORE_OK);
	ck_assert_int_eq(strncmp(secret, "lbd_", 4), 0);
	snprintf(hdr, sizeof(hdr), "Bearer %s", secret);
	ck_assert_int_eq(auth_resolve(db, hdr, &p), STORE_OK);
	ck_assert_str_eq(p.org_id, o.id);
	ck_assert_int_eq(p.role, ROLE_VENDOR);
	ck_assert_str_eq(p.org_kind, "vendor");
	ck_assert_int_eq(auth_resolve(db, NULL, &p), STORE_NOTFOUND);
	ck_assert_int_eq(auth_resolve(db, "Basic abc", &p), STORE_NOTFOUND);
	ck_assert_int_eq(auth_resolve(db, "Bearer lbd_wrong", &p),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_token_revoke(db, t.id), STORE_OK);
	ck_assert_int_eq(store_token_revoke(db, t.id), STORE_NOTFOUND);
	ck_assert_int_eq(auth_resolve(db, hdr, &p), STORE_NOTFOUND);
	ck_assert(role_fits_kind(ROLE_ADMIN, "authority"));
	ck_assert(!role_fits_kind(ROLE_ADMIN, "vendor"));
	ck_assert(!role_fits_kind(ROLE_VENDOR, "lab"));
	store_release(db);
	store_close(s);
}
END_TEST

START_TEST(integrity_and_backup)
{
	struct store	*s = open_real();
	struct db	*db = store_acquire(s);
	char		 out[256], dest[128], err[256];
	sqlite3		*c;
	int		 v;

	ck_assert_int_eq(store_integrity_check(db, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "ok");
	snprintf(dest, sizeof(dest), "%s/backup.db", tmpdir);
	ck_assert_int_eq(store_backup(db, dest, err, sizeof(err)), 0);
	ck_assert_int_eq(sqlite3_open(dest, &c), SQLITE_OK);
	ck_assert_int_eq(store_schema_version(c, &v), 0);
	ck_assert_int_gt(v, 0);
	sqlite3_close(c);
	store_release(db);
	store_close(s);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("store");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, migrations_apply_in_order);
	tcase_add_test(tc, failed_migration_keeps_old_schema);
	tcase_add_test(tc, newer_schema_is_refused);
	tcase_add_test(tc, token_hash_is_keyed_and_stable);
	tcase_add_test(tc, token_lifecycle);
	tcase_add_test(tc, integrity_and_backup);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
