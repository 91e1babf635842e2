/*
 * check_store: the migration runner (order, atomicity, refusal of a newer
 * schema, a gap in the numbers), token hashing and the token lifecycle in
 * the real schema, and the partner tables of 0009 with their triggers.
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

/* A number missing is no fault; a file that a newer schema skipped is:
 * it would never be applied. */
START_TEST(migration_gap_is_accepted)
{
	char	 mig[128], db[128], err[256];
	sqlite3	*c;
	int	 v;

	snprintf(mig, sizeof(mig), "%s/mig", tmpdir);
	snprintf(db, sizeof(db), "%s/t.db", tmpdir);
	mkdir(mig, 0700);
	put_file(mig, "0001_a.sql", "CREATE TABLE a (x INTEGER);");
	put_file(mig, "0003_c.sql", "CREATE TABLE c (x INTEGER);");
	ck_assert_int_eq(sqlite3_open(db, &c), SQLITE_OK);
	ck_assert_msg(store_migrate(c, mig, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(store_schema_version(c, &v), 0);
	ck_assert_int_eq(v, 3);
	ck_assert(table_exists(c, "c"));
	put_file(mig, "0002_b.sql", "CREATE TABLE b (x INTEGER);");
	ck_assert_int_eq(store_migrate(c, mig, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "lacks migration 0002_b.sql") != NULL, "%s",
	    err);
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
	enum auth_fault		 why;
	char			 secret[LC_TOKEN_BUFLEN], hdr[128];

	memset(&o, 0, sizeof(o));
	strcpy(o.name, "Vendor");
	strcpy(o.kind, "vendor");
	strcpy(o.country, "SG");
	ck_assert_int_eq(store_org_insert(db, &o), STORE_OK);
	ck_assert_int_eq(auth_issue_token(db, o.id, ROLE_VENDOR, "t", NULL, &t,
	    secret, sizeof(secret)), STORE_OK);
	ck_assert_int_eq(strncmp(secret, "lbd_", 4), 0);
	snprintf(hdr, sizeof(hdr), "Bearer %s", secret);
	ck_assert_int_eq(auth_resolve(db, hdr, &p, &why), STORE_OK);
	ck_assert_int_eq(why, AUTH_NONE);
	ck_assert_str_eq(p.org_id, o.id);
	ck_assert_int_eq(p.role, ROLE_VENDOR);
	ck_assert_str_eq(p.org_kind, "vendor");
	ck_assert_int_eq(auth_resolve(db, NULL, &p, &why), STORE_NOTFOUND);
	ck_assert_int_eq(why, AUTH_MISSING);
	ck_assert_int_eq(auth_resolve(db, "Basic abc", &p, &why),
	    STORE_NOTFOUND);
	ck_assert_int_eq(why, AUTH_MALFORMED);
	ck_assert_int_eq(auth_resolve(db, "Bearer lbd_wrong", &p, &why),
	    STORE_NOTFOUND);
	ck_assert_int_eq(why, AUTH_UNKNOWN);
	ck_assert_int_eq(store_token_revoke(db, t.id), STORE_OK);
	ck_assert_int_eq(store_token_revoke(db, t.id), STORE_NOTFOUND);
	ck_assert_int_eq(auth_resolve(db, hdr, &p, &why), STORE_NOTFOUND);
	ck_assert_int_eq(why, AUTH_REVOKED);

	/* A token past its expires_at is refused, one before it is not. */
	ck_assert_int_eq(auth_issue_token(db, o.id, ROLE_VENDOR, "old",
	    "2000-01-01T00:00:00Z", &t, secret, sizeof(secret)), STORE_OK);
	snprintf(hdr, sizeof(hdr), "Bearer %s", secret);
	ck_assert_int_eq(auth_resolve(db, hdr, &p, &why), STORE_NOTFOUND);
	ck_assert_int_eq(why, AUTH_EXPIRED);
	ck_assert_int_eq(auth_issue_token(db, o.id, ROLE_VENDOR, "new",
	    "9999-12-31T23:59:59Z", &t, secret, sizeof(secret)), STORE_OK);
	snprintf(hdr, sizeof(hdr), "Bearer %s", secret);
	ck_assert_int_eq(auth_resolve(db, hdr, &p, &why), STORE_OK);
	ck_assert_int_eq(store_token_get(db, t.id, &t), STORE_OK);
	ck_assert_str_eq(t.expires_at, "9999-12-31T23:59:59Z");
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

/* 1 when sql fails on a constraint (a trigger of 0009). */
static int
refused(struct db *db, const char *sql)
{
	return (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) & 0xff) ==
	    SQLITE_CONSTRAINT;
}

static int
count_agreement(const struct agreement *a, void *arg)
{
	ck_assert_ptr_nonnull(a->tier_map);
	(*(int *)arg)++;
	return 0;
}

/* 0009: versions only move forward, copies never change, nothing goes. */
START_TEST(partner_tables)
{
	struct store		*s = open_real();
	struct db		*db = store_acquire(s);
	struct partner		 p, q;
	struct agreement	 a, b;
	struct partner_list	 l, m;
	struct partner_event	 e;
	char			*buf;
	size_t			 len;
	int			 n = 0;

	memset(&p, 0, sizeof(p));
	strcpy(p.issuer, "did:web:fi.example");
	strcpy(p.name, "Traficom");
	strcpy(p.country, "FI");
	p.bundle_version = 2;
	strcpy(p.refreshed_at, "2026-12-01T00:00:00Z");
	ck_assert_int_eq(store_partner_insert(db, &p), STORE_OK);
	ck_assert_int_eq(store_partner_bundle_insert(db, p.id, 2, "{\"v\":2}",
	    7, "2027-12-01T00:00:00Z", p.refreshed_at, NULL), STORE_OK);
	ck_assert_int_eq(store_partner_get(db, p.id, &q), STORE_OK);
	ck_assert_str_eq(q.issuer, p.issuer);
	ck_assert_str_eq(q.bundle_expires, "2027-12-01T00:00:00Z");
	ck_assert_str_eq(q.url, "");
	ck_assert_int_eq(store_partner_by_issuer(db, p.issuer, &q), STORE_OK);
	ck_assert_int_eq(store_partner_insert(db, &q), STORE_CONFLICT);
	/* an older version is refused, a newer one kept beside */
	ck_assert_int_ne(store_partner_bundle_insert(db, p.id, 1, "{}", 2,
	    "2027-12-01T00:00:00Z", p.refreshed_at, NULL), STORE_OK);
	ck_assert_int_eq(store_partner_bundle_insert(db, p.id, 3, "{\"v\":3}",
	    7, "2028-01-01T00:00:00Z", p.refreshed_at, NULL), STORE_OK);
	p.bundle_version = 3;
	ck_assert_int_eq(store_partner_set_bundle(db, &p), STORE_OK);
	p.bundle_version = 2;
	ck_assert_int_ne(store_partner_set_bundle(db, &p), STORE_OK);
	ck_assert_int_eq(store_partner_bundle_get(db, p.id, 2, &buf, &len),
	    STORE_OK);
	ck_assert_str_eq(buf, "{\"v\":2}");
	free(buf);
	ck_assert_int_eq(refused(db, "UPDATE partner_bundles SET "
	    "bundle = '{}'"), 1);
	ck_assert_int_eq(refused(db, "DELETE FROM partners"), 1);
	ck_assert_int_eq(refused(db, "UPDATE partners SET issuer = "
	    "'did:web:x'"), 1);

	memset(&a, 0, sizeof(a));
	strcpy(a.partner_id, p.id);
	strcpy(a.partner_scheme, "fi-cls");
	strcpy(a.local_scheme, "sg-cls-iot");
	a.tier_map = "{\"1\":1}";
	strcpy(a.valid_from, "2026-01-01");
	strcpy(a.valid_until, "2027-12-31");
	ck_assert_int_eq(store_agreement_insert(db, &a), STORE_OK);
	ck_assert_int_eq(store_agreement_get(db, p.id, a.id, &b), STORE_OK);
	ck_assert_str_eq(b.tier_map, "{\"1\":1}");
	ck_assert_ptr_null(b.crosswalk);
	strcpy(b.valid_until, "2026-06-30");
	strcpy(b.ended_at, "2026-12-01T00:00:00Z");
	ck_assert_int_eq(store_agreement_update(db, &b), STORE_OK);
	ck_assert_int_ne(store_agreement_update(db, &b), STORE_OK);
	store_agreement_clear(&b);
	ck_assert_int_eq(store_agreement_get(db, p.id, "agr_none", &b),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_agreement_list(db, p.id, count_agreement, &n),
	    STORE_OK);
	ck_assert_int_eq(n, 1);

	memset(&l, 0, sizeof(l));
	strcpy(l.partner_id, p.id);
	strcpy(l.list_id, "https://fi.example/v1/status-lists/revocation-1");
	strcpy(l.status_purpose, "revocation");
	memset(l.sha256, 'a', 64);
	strcpy(l.valid_from, "2026-12-01T00:00:00Z");
	strcpy(l.received_at, "2026-12-01T00:00:01Z");
	ck_assert_int_eq(store_partner_list_insert(db, &l, "{}", 2, NULL),
	    STORE_OK);
	ck_assert_int_ne(store_partner_list_insert(db, &l, "{}", 2, NULL),
	    STORE_OK);
	strcpy(l.valid_from, "2026-12-02T00:00:00Z");
	ck_assert_int_eq(store_partner_list_insert(db, &l, "{}", 2, NULL),
	    STORE_OK);
	ck_assert_int_eq(store_partner_list_latest(db, p.id, l.list_id, &m),
	    STORE_OK);
	ck_assert_str_eq(m.valid_from, "2026-12-02T00:00:00Z");

	memset(&e, 0, sizeof(e));
	e.partner_id = p.id;
	e.action = "pinned";
	e.detail = "{\"version\":2}";
	ck_assert_int_eq(store_partner_event_append(db, &e), STORE_OK);
	e.action = "befriended";
	ck_assert_int_ne(store_partner_event_append(db, &e), STORE_OK);
	ck_assert_int_eq(refused(db, "DELETE FROM partner_events"), 1);
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
	tcase_add_test(tc, migration_gap_is_accepted);
	tcase_add_test(tc, newer_schema_is_refused);
	tcase_add_test(tc, token_hash_is_keyed_and_stable);
	tcase_add_test(tc, token_lifecycle);
	tcase_add_test(tc, integrity_and_backup);
	tcase_add_test(tc, partner_tables);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
