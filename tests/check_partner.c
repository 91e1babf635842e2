/*
 * check_partner: partner.c against the real schema with two authorities in
 * one process, FI (signs bundles and a status list in its own store) and
 * SG (pins them).  Pinning verifies the bundle and refuses a tampered one,
 * an expired one, our own, a second pin of one issuer; every agreement
 * fault is reported with its field; a newer bundle is accepted by
 * continuity (a rotation), a rollback, a forged version and another
 * authority's bundle are refused with a reason and leave the pinned one;
 * a status list is accepted with the partner's keys only; a storage
 * fault at any SQLite call of a pin or an update leaves nothing behind.
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

#define DAY	86400

struct authority {
	char		 dir[128];
	struct store	*st;
	struct db	*db;
	struct config	 cfg;
};

static char			 tmpdir[64];
static struct authority		 fi, sg, kr;
static struct principal		 who;

static void
authority_open(struct authority *a, const char *name, const char *country)
{
	const char	*src = getenv("top_srcdir") ? getenv("top_srcdir") :
	    LABELD_SRCDIR;
	char		 path[256], mig[256], err[512];

	snprintf(a->dir, sizeof(a->dir), "%s/%s", tmpdir, name);
	ck_assert_int_eq(mkdir(a->dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/t.db", a->dir);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	a->st = store_open(path, mig, 1, err, sizeof(err));
	ck_assert_msg(a->st != NULL, "%s", err);
	a->db = store_acquire(a->st);
	config_defaults(&a->cfg);
	snprintf(a->cfg.data_dir, sizeof(a->cfg.data_dir), "%s", a->dir);
	snprintf(a->cfg.public_url, sizeof(a->cfg.public_url),
	    "https://labels.%s.example", name);
	snprintf(a->cfg.issuer_did, sizeof(a->cfg.issuer_did),
	    "did:web:labels.%s.example", name);
	snprintf(a->cfg.issuer_name, sizeof(a->cfg.issuer_name),
	    "Authority %s", name);
	snprintf(a->cfg.country, sizeof(a->cfg.country), "%s", country);
	snprintf(path, sizeof(path), "%s/schemas/schemes", src);
	ck_assert_msg(catalog_import_dir(a->db, path, err, sizeof(err)) == 0,
	    "%s", err);
}

static void
authority_close(struct authority *a)
{
	store_release(a->db);
	store_close(a->st);
}

static void
setup(void)
{
	ck_assert_int_eq(lc_init(), 0);
	unsetenv(LABELD_KEY_PASSPHRASE_ENV);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-partner.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	authority_open(&fi, "fi", "FI");
	authority_open(&sg, "sg", "SG");
	authority_open(&kr, "kr", "KR");
	memset(&who, 0, sizeof(who));
	who.role = ROLE_REGULATOR;
}

static void
teardown(void)
{
	char cmd[128];

	keys_forget();
	authority_close(&fi);
	authority_close(&sg);
	authority_close(&kr);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* a's bundle as served at now (parsed); its signing key loaded first. */
static json_t *
bundle_at(struct authority *a, time_t now)
{
	struct trust_bundle_row	 row;
	char			*bytes, err[512];
	size_t			 len;
	int			 made;
	json_t			*doc;

	keys_forget();
	ck_assert_msg(trust_bundle_current(a->db, &a->cfg, now, &bytes, &len,
	    &row, &made, err, sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_ptr_nonnull(doc = json_loadb(bytes, len, 0, NULL));
	free(bytes);
	return doc;
}

static void
keys_for(struct authority *a)
{
	struct signing_key	 k;
	struct next_key		 n;
	char			 err[256];

	keys_forget();
	ck_assert_msg(keys_generate(a->db, a->dir, NULL, &k, &n, err,
	    sizeof(err)) == STORE_OK, "%s", err);
}

static json_t *
agreement(const char *tier_map)
{
	json_t *a = json_pack("{s:s, s:s, s:s, s:s}", "partner_scheme",
	    "us-ctm-iot", "local_scheme", "sg-cls-iot", "valid_from",
	    "2026-01-01", "valid_until", "2036-12-31");

	json_object_set_new(a, "tier_map", json_loads(tier_map, 0, NULL));
	return a;
}

/* 1 when errors holds a fault of field whose detail contains text. */
static int
has_fault(const json_t *errors, const char *field, const char *text)
{
	const json_t	*e;
	size_t		 i;

	json_array_foreach(errors, i, e)
		if (strcmp(json_string_value(json_object_get(e, "field")),
		    field) == 0 && strstr(json_string_value(json_object_get(e,
		    "detail")), text) != NULL)
			return 1;
	return 0;
}

static int
pin_at(const json_t *bundle, const json_t *agr, time_t now,
    struct partner *p, json_t **errors, struct wf_why *why)
{
	*errors = json_array();
	memset(why, 0, sizeof(*why));
	return partner_pin(sg.db, &sg.cfg, &who, bundle, agr, now, p, *errors,
	    why);
}

static int
pin(const json_t *bundle, const json_t *agr, struct partner *p,
    json_t **errors, struct wf_why *why)
{
	return pin_at(bundle, agr, time(NULL), p, errors, why);
}

START_TEST(pin_verifies_and_refuses)
{
	struct partner	 p, q;
	struct wf_why	 why;
	json_t		*cur, *bad, *agr = agreement("{\"1\": 1, \"2\": 2}");
	json_t		*errors;
	time_t		 now;

	keys_for(&fi);
	now = time(NULL);	/* after the key: a bundle is never older */
	cur = bundle_at(&fi, now);

	/* 400 days on, it expired (365 days of validity) */
	ck_assert_int_eq(pin_at(cur, agr, now + 400 * DAY, &p, &errors, &why),
	    STORE_INVALID);
	ck_assert(has_fault(errors, "trust_bundle", "expired"));
	json_decref(errors);

	bad = json_deep_copy(cur);
	json_object_set_new(json_object_get(bad, "issuer"), "name",
	    json_string("Somebody Else"));
	ck_assert_int_eq(pin(bad, agr, &p, &errors, &why), STORE_INVALID);
	ck_assert(has_fault(errors, "trust_bundle", "does not verify"));
	json_decref(errors);
	json_decref(bad);

	/* our own bundle is no partner's */
	snprintf(sg.cfg.issuer_did, sizeof(sg.cfg.issuer_did), "%s",
	    fi.cfg.issuer_did);
	ck_assert_int_eq(pin(cur, agr, &p, &errors, &why), STORE_INVALID);
	ck_assert(has_fault(errors, "trust_bundle", "own"));
	json_decref(errors);
	snprintf(sg.cfg.issuer_did, sizeof(sg.cfg.issuer_did),
	    "did:web:labels.sg.example");

	ck_assert_int_eq(pin(cur, agr, &p, &errors, &why), STORE_OK);
	ck_assert_int_eq(json_array_size(errors), 0);
	json_decref(errors);
	ck_assert_str_eq(p.issuer, fi.cfg.issuer_did);
	ck_assert_str_eq(p.name, "Authority fi");
	ck_assert_str_eq(p.country, "FI");
	ck_assert_int_eq(p.bundle_version, 1);
	ck_assert_int_eq(store_partner_get(sg.db, p.id, &q), STORE_OK);
	ck_assert_str_eq(q.bundle_expires, json_string_value(json_object_get(cur,
	    "expires")));

	ck_assert_int_eq(pin(cur, agr, &q, &errors, &why), STORE_CONFLICT);
	ck_assert_ptr_nonnull(strstr(why.text, p.id));
	json_decref(errors);

	/* a bundle and an agreement both at fault: every fault listed */
	json_object_set_new(agr, "local_scheme", json_string("nope"));
	ck_assert_int_eq(pin_at(cur, agr, now + 400 * DAY, &q, &errors, &why),
	    STORE_INVALID);
	ck_assert(has_fault(errors, "trust_bundle", "expired"));
	ck_assert(has_fault(errors, "agreement.local_scheme", "nope"));
	json_decref(errors);
	json_decref(agr);
	json_decref(cur);
}
END_TEST

START_TEST(agreement_faults)
{
	struct agreement	 a, old;
	json_t			*errors = json_array(), *bad;

	bad = json_pack("{s:i, s:s, s:{s:i, s:i, s:s}, s:s, s:s, "
	    "s:{s:[s], s:s}}", "partner_scheme", 7, "local_scheme", "sg-cls-iot",
	    "tier_map", "10", 1, "2", 7, "3", "x", "valid_from", "2027-01-01",
	    "valid_until", "2026-12-31", "crosswalk", "P-1", "NO-SUCH-REQ",
	    "P-2", "ETSI-5.1-1");
	ck_assert_int_eq(partner_agreement_check(sg.db, bad, NULL, &a,
	    "agreement.", errors), STORE_INVALID);
	ck_assert(has_fault(errors, "agreement.partner_scheme", "string"));
	ck_assert(has_fault(errors, "agreement.tier_map.10", "\"1\" to \"9\""));
	ck_assert(has_fault(errors, "agreement.tier_map.2", "no tier 7"));
	ck_assert(has_fault(errors, "agreement.tier_map.3", "integer"));
	ck_assert(has_fault(errors, "agreement.valid_until", "before"));
	ck_assert(has_fault(errors, "agreement.crosswalk.P-1", "NO-SUCH-REQ"));
	ck_assert(has_fault(errors, "agreement.crosswalk.P-2", "array"));
	ck_assert_ptr_null(a.tier_map);
	json_decref(bad);
	json_decref(errors);

	errors = json_array();
	bad = json_pack("{s:s}", "partner_scheme", "x");
	ck_assert_int_eq(partner_agreement_check(sg.db, bad, NULL, &a, "",
	    errors), STORE_INVALID);
	ck_assert(has_fault(errors, "local_scheme", "required"));
	ck_assert(has_fault(errors, "tier_map", "required"));
	ck_assert(has_fault(errors, "valid_from", "required"));
	ck_assert(has_fault(errors, "valid_until", "required"));
	json_decref(bad);
	json_decref(errors);

	/* a good one, then amendments of it */
	errors = json_array();
	bad = agreement("{\"2\": 1, \"1\": 1}");
	json_object_set_new(bad, "crosswalk", json_pack("{s:[s, s]}", "P-1",
	    "ETSI-5.1-1", "ETSI-5.1-2"));
	ck_assert_int_eq(partner_agreement_check(sg.db, bad, NULL, &old, "",
	    errors), STORE_OK);
	ck_assert_str_eq(old.tier_map, "{\"1\":1,\"2\":1}");
	ck_assert_str_eq(old.crosswalk, "{\"P-1\":[\"ETSI-5.1-1\",\"ETSI-5.1-2\"]}");
	json_decref(bad);
	bad = json_pack("{s:s, s:s, s:n}", "local_scheme", "us-ctm-iot",
	    "valid_until", "2025-12-31", "crosswalk");
	ck_assert_int_eq(partner_agreement_check(sg.db, bad, &old, &a, "",
	    errors), STORE_INVALID);
	ck_assert(has_fault(errors, "local_scheme", "cannot change"));
	ck_assert(has_fault(errors, "valid_until", "before valid_from"));
	json_decref(bad);
	json_decref(errors);
	errors = json_array();
	bad = json_pack("{s:s, s:n}", "valid_until", "2030-06-30", "crosswalk");
	ck_assert_int_eq(partner_agreement_check(sg.db, bad, &old, &a, "",
	    errors), STORE_OK);
	ck_assert_str_eq(a.tier_map, old.tier_map);
	ck_assert_ptr_null(a.crosswalk);
	ck_assert_str_eq(a.valid_until, "2030-06-30");
	ck_assert_str_eq(a.valid_from, "2026-01-01");
	store_agreement_clear(&a);
	store_agreement_clear(&old);
	json_decref(bad);
	json_decref(errors);
}
END_TEST

START_TEST(agreements_amend_and_end)
{
	struct partner		 p;
	struct agreement	 a, b;
	struct wf_why		 why;
	json_t			*errors, *cur, *agr = agreement("{\"1\": 1}");
	json_t			*patch;

	keys_for(&fi);
	cur = bundle_at(&fi, time(NULL));
	ck_assert_int_eq(pin(cur, agr, &p, &errors, &why), STORE_OK);
	json_decref(errors);
	errors = json_array();
	ck_assert_int_eq(partner_agreement_add(sg.db, &who, p.id, agr, &a,
	    errors), STORE_OK);
	ck_assert_int_eq(partner_agreement_add(sg.db, &who, "ptn_none", agr,
	    &b, errors), STORE_NOTFOUND);
	patch = json_pack("{s:{s:i, s:i}}", "tier_map", "1", 1, "2", 3);
	ck_assert_int_eq(partner_agreement_amend(sg.db, &who, p.id, a.id, patch,
	    &b, errors, &why), STORE_OK);
	ck_assert_str_eq(b.tier_map, "{\"1\":1,\"2\":3}");
	ck_assert_str_eq(b.ended_at, "");
	store_agreement_clear(&b);
	json_decref(patch);
	patch = json_pack("{s:s}", "valid_until", "2026-01-01");
	ck_assert_int_eq(partner_agreement_amend(sg.db, &who, p.id, a.id, patch,
	    &b, errors, &why), STORE_OK);
	ck_assert_str_ne(b.ended_at, "");
	store_agreement_clear(&b);
	ck_assert_int_eq(partner_agreement_amend(sg.db, &who, p.id, a.id, patch,
	    &b, errors, &why), STORE_CONFLICT);
	ck_assert_ptr_nonnull(strstr(why.text, "ended"));
	ck_assert_int_eq(partner_agreement_amend(sg.db, &who, p.id, "agr_x",
	    patch, &b, errors, &why), STORE_NOTFOUND);
	ck_assert_int_eq(json_array_size(errors), 0);
	store_agreement_clear(&a);
	json_decref(patch);
	json_decref(errors);
	json_decref(cur);
	json_decref(agr);
}
END_TEST

START_TEST(continuity_accepts_and_refuses)
{
	struct partner		 p, q;
	struct signing_key	 k;
	struct wf_why		 why;
	json_t			*errors, *v1, *v2, *forged, *other;
	json_t			*agr = agreement("{\"1\": 1}");
	char			 err[256];
	int			 unchanged;
	time_t			 now;

	keys_for(&kr);
	keys_for(&fi);
	now = time(NULL);
	other = bundle_at(&kr, now);
	v1 = bundle_at(&fi, now);
	ck_assert_int_eq(keys_rotate(fi.db, fi.dir, NULL, &k, NULL, NULL, NULL,
	    err, sizeof(err)), STORE_OK);
	v2 = bundle_at(&fi, time(NULL));
	ck_assert_int_eq(json_integer_value(json_object_get(v2, "version")), 2);
	ck_assert_int_eq(pin(v1, agr, &p, &errors, &why), STORE_OK);
	json_decref(errors);

	/* the pinned bytes again: no change */
	ck_assert_int_eq(partner_update_bundle(sg.db, &who, p.id, v1, now, &q,
	    &unchanged, &why), STORE_OK);
	ck_assert_int_eq(unchanged, 1);
	ck_assert_int_eq(q.bundle_version, 1);

	/* forged: version 2's content re-labelled version 3, proof kept */
	forged = json_deep_copy(v2);
	json_object_set_new(forged, "version", json_integer(3));
	ck_assert_int_eq(partner_update_bundle(sg.db, &who, p.id, forged, now,
	    &q, &unchanged, &why), PARTNER_REFUSED);
	ck_assert_ptr_nonnull(strstr(why.text, "does not follow"));
	json_decref(forged);

	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(partner_update_bundle(sg.db, &who, p.id, other, now,
	    &q, &unchanged, &why), PARTNER_REFUSED);
	ck_assert_ptr_nonnull(strstr(why.text, "another authority"));
	ck_assert_str_eq(why.field, "issuer");

	/* a rotation follows: accepted */
	ck_assert_int_eq(partner_update_bundle(sg.db, &who, p.id, v2, now, &q,
	    &unchanged, &why), STORE_OK);
	ck_assert_int_eq(unchanged, 0);
	ck_assert_int_eq(q.bundle_version, 2);
	ck_assert_int_eq(store_partner_get(sg.db, p.id, &q), STORE_OK);
	ck_assert_int_eq(q.bundle_version, 2);

	/* a rollback to version 1: refused, version 2 kept */
	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(partner_update_bundle(sg.db, &who, p.id, v1, now, &q,
	    &unchanged, &why), PARTNER_REFUSED);
	ck_assert_ptr_nonnull(strstr(why.text, "not newer"));
	ck_assert_int_eq(store_partner_get(sg.db, p.id, &q), STORE_OK);
	ck_assert_int_eq(q.bundle_version, 2);
	ck_assert_int_eq(partner_update_bundle(sg.db, &who, "ptn_none", v2, now,
	    &q, &unchanged, &why), STORE_NOTFOUND);
	json_decref(v1);
	json_decref(v2);
	json_decref(other);
	json_decref(agr);
}
END_TEST

START_TEST(status_lists_with_partner_keys)
{
	struct partner		 p;
	struct partner_list	 l;
	struct wf_why		 why;
	json_t			*errors, *fib, *krl, *fil, *agr = agreement("{\"1\": 1}");
	char			*buf, err[512];
	size_t			 len;
	int			 unchanged;
	time_t			 now;

	keys_for(&kr);
	ck_assert_int_eq(statuslist_get(kr.db, &kr.cfg,
	    LABELD_STATUSLIST_REVOCATION, &buf, &len, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(krl = json_loadb(buf, len, 0, NULL));
	free(buf);
	keys_for(&fi);
	now = time(NULL);
	fib = bundle_at(&fi, now);
	ck_assert_int_eq(statuslist_get(fi.db, &fi.cfg,
	    LABELD_STATUSLIST_REVOCATION, &buf, &len, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(fil = json_loadb(buf, len, 0, NULL));
	free(buf);
	ck_assert_int_eq(pin(fib, agr, &p, &errors, &why), STORE_OK);
	json_decref(errors);

	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(partner_add_status_list(sg.db, &who, p.id, krl, now,
	    &l, &unchanged, &why), STORE_INVALID);
	ck_assert_str_eq(why.field, "issuer");
	ck_assert_int_eq(partner_add_status_list(sg.db, &who, p.id, fil, now,
	    &l, &unchanged, &why), STORE_OK);
	ck_assert_int_eq(unchanged, 0);
	ck_assert_str_eq(l.status_purpose, "revocation");
	ck_assert_int_eq(partner_add_status_list(sg.db, &who, p.id, fil, now,
	    &l, &unchanged, &why), STORE_OK);
	ck_assert_int_eq(unchanged, 1);
	/* tampered: the proof no longer verifies */
	json_object_set_new(fil, "validFrom", json_string("2099-01-01T00:00:00Z"));
	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(partner_add_status_list(sg.db, &who, p.id, fil, now,
	    &l, &unchanged, &why), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(why.text, "does not verify"));
	/* a list the bundle does not name */
	json_object_set_new(fil, "id", json_string("https://elsewhere/list"));
	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(partner_add_status_list(sg.db, &who, p.id, fil, now,
	    &l, &unchanged, &why), STORE_INVALID);
	ck_assert_str_eq(why.field, "id");
	json_decref(fil);
	json_decref(krl);
	json_decref(fib);
	json_decref(agr);
}
END_TEST

/* One integer from sql on SG's connection, outside the fault countdown. */
static long long
count(const char *sql)
{
	sqlite3_stmt	*st;
	long long	 n = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(sg.db->conn, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * The n-th SQLite call fails with SQLITE_FULL (pin, status list) or
 * SQLITE_BUSY (update): a 500 each time, nothing kept, no transaction
 * left open; past the last call the change succeeds.
 */
START_TEST(storage_faults_leave_nothing)
{
	struct partner		 p, q;
	struct partner_list	 l;
	struct signing_key	 k;
	struct wf_why		 why;
	json_t			*errors, *v1, *v2, *list;
	json_t			*agr = agreement("{\"1\": 1}");
	const char		*site;
	char			 err[512], *buf;
	size_t			 len;
	int			 n, rc, fired, unchanged;
	time_t			 now;

	keys_for(&fi);
	now = time(NULL);
	v1 = bundle_at(&fi, now);
	ck_assert_int_eq(keys_rotate(fi.db, fi.dir, NULL, &k, NULL, NULL, NULL,
	    err, sizeof(err)), STORE_OK);
	v2 = bundle_at(&fi, time(NULL));
	for (n = 1; ; n++) {
		store_fault_set(n, SQLITE_FULL);
		rc = pin(v1, agr, &p, &errors, &why);
		fired = store_fault_fired(&site);
		store_fault_set(0, 0);
		json_decref(errors);
		ck_assert_msg(!db_in_transaction(sg.db), "pin: call %d (%s) "
		    "left a transaction open", n, site);
		if (!fired) {
			ck_assert_int_eq(rc, STORE_OK);
			break;
		}
		ck_assert_msg(rc == STORE_ERR, "pin: call %d (%s) answered %d",
		    n, site, rc);
		ck_assert_int_eq(count("SELECT (SELECT count(*) FROM partners) "
		    "+ (SELECT count(*) FROM partner_bundles) + (SELECT count(*) "
		    "FROM partner_agreements) + (SELECT count(*) FROM "
		    "partner_events)"), 0);
	}
	ck_assert_int_gt(n, 5);
	for (n = 1; ; n++) {
		store_fault_set(n, SQLITE_BUSY);
		rc = partner_update_bundle(sg.db, &who, p.id, v2, now, &q,
		    &unchanged, &why);
		fired = store_fault_fired(&site);
		store_fault_set(0, 0);
		ck_assert_msg(!db_in_transaction(sg.db), "update: call %d (%s) "
		    "left a transaction open", n, site);
		if (!fired) {
			ck_assert_int_eq(rc, STORE_OK);
			break;
		}
		ck_assert_msg(rc == STORE_ERR, "update: call %d (%s) answered "
		    "%d", n, site, rc);
		ck_assert_int_eq(count("SELECT bundle_version * 100 + (SELECT "
		    "count(*) FROM partner_bundles) FROM partners"), 101);
	}
	ck_assert_int_eq(count("SELECT bundle_version FROM partners"), 2);
	ck_assert_int_eq(statuslist_get(fi.db, &fi.cfg,
	    LABELD_STATUSLIST_REVOCATION, &buf, &len, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(list = json_loadb(buf, len, 0, NULL));
	free(buf);
	for (n = 1; ; n++) {
		store_fault_set(n, SQLITE_FULL);
		rc = partner_add_status_list(sg.db, &who, p.id, list, now, &l,
		    &unchanged, &why);
		fired = store_fault_fired(&site);
		store_fault_set(0, 0);
		ck_assert(!db_in_transaction(sg.db));
		if (!fired) {
			ck_assert_int_eq(rc, STORE_OK);
			break;
		}
		ck_assert_msg(rc == STORE_ERR, "list: call %d (%s) answered %d",
		    n, site, rc);
		ck_assert_int_eq(count("SELECT count(*) FROM "
		    "partner_status_lists"), 0);
	}
	ck_assert_int_eq(count("SELECT count(*) FROM partner_status_lists"), 1);
	json_decref(list);
	json_decref(v1);
	json_decref(v2);
	json_decref(agr);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("partner");
	TCase	*tc = tcase_create("partner");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, pin_verifies_and_refuses);
	tcase_add_test(tc, agreement_faults);
	tcase_add_test(tc, agreements_amend_and_end);
	tcase_add_test(tc, continuity_accepts_and_refuses);
	tcase_add_test(tc, status_lists_with_partner_keys);
	tcase_add_test(tc, storage_faults_leave_nothing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
