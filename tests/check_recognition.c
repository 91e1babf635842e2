/*
 * check_recognition: recognition.c.  The tier: a tier map alone, a tier
 * it leaves out, a mapped tier the local scheme lacks, a crosswalk that
 * lowers the mapped tier to the engine's, one that meets no tier.  Then
 * two authorities in one process, FI issuing a us-ctm-iot label in its
 * own store and SG (pinning FI's bundle and lists) recognising it: the
 * local label names the foreign credential and its digest, is capped by
 * the foreign validUntil and the agreement's end, is refused twice, for
 * an unknown issuer, a tampered credential, an agreement not in force and
 * an uncovered scheme; an agreement ended early revokes it; FI's
 * revocation reaches SG through the status list
 * (partner.c's hook), and stale lists suspend and fresh ones reinstate
 * (recognition_sweep at a later time).  A storage fault at any SQLite
 * call of a recognition or of the sweep a list brings keeps nothing.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "labeld.h"
#include "crypto.h"
#include "jcs.h"
#include "rfc3339.h"
#include "scheme.h"

#define DAY	86400

static const char *
srcdir(void)
{
	return getenv("top_srcdir") ? getenv("top_srcdir") : LABELD_SRCDIR;
}

/* ---- the tier, pure ---- */

static struct scheme *
cls(void)
{
	struct scheme	*s;
	char		 path[512], err[256];

	snprintf(path, sizeof(path), "%s/schemas/schemes/sg-cls-iot-1.json",
	    srcdir());
	s = scheme_load_file(path, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

START_TEST(tier_map_alone)
{
	struct scheme		*s = cls();
	struct recognition_why	 why;
	json_t			*map = json_loads("{\"1\": 1, \"2\": 3}", 0, NULL);
	json_t			*met = NULL;
	int			 tier;

	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(recognition_tier(s, map, NULL, 2, NULL, &tier, &met,
	    &why), STORE_OK);
	ck_assert_int_eq(tier, 3);
	ck_assert_int_eq(json_array_size(met), 0);
	json_decref(met);
	/* a partner tier the map leaves out is not recognised */
	ck_assert_int_eq(recognition_tier(s, map, NULL, 3, NULL, &tier, &met,
	    &why), STORE_INVALID);
	ck_assert_str_eq(why.check, "tier");
	ck_assert_str_eq(why.code, "tier_not_recognised");
	ck_assert_ptr_nonnull(strstr(why.text, "partner tiers 1, 2"));
	ck_assert_ptr_null(met);
	json_decref(map);
	/* a local tier the scheme does not have */
	map = json_loads("{\"1\": 7}", 0, NULL);
	ck_assert_int_eq(recognition_tier(s, map, NULL, 1, NULL, &tier, &met,
	    &why), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(why.text, "not a tier of sg-cls-iot"));
	json_decref(map);
	scheme_free(s);
}
END_TEST

/* Level 1 of sg-cls-iot: its mandatory and conditional requirements. */
static const char *const level1[] = { "ETSI-5.1-1", "ETSI-5.1-2",
	"ETSI-5.2-1", "ETSI-5.3-2", "ETSI-5.3-8", "ETSI-5.3-13" };

START_TEST(crosswalk_lowers)
{
	struct scheme		*s = cls();
	struct recognition_why	 why;
	json_t			*map = json_loads("{\"2\": 3}", 0, NULL);
	json_t			*cw = json_object(), *met = json_array();
	json_t			*local = NULL;
	size_t			 i;
	int			 tier;

	/* each partner requirement reaches one Level 1 requirement */
	for (i = 0; i < sizeof(level1) / sizeof(level1[0]); i++) {
		char id[16];

		snprintf(id, sizeof(id), "P-%zu", i);
		json_object_set_new(cw, id, json_pack("[s, s]", level1[i],
		    "NO-SUCH-LOCAL"));
		json_array_append_new(met, json_string(id));
	}
	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(recognition_tier(s, map, cw, 2, met, &tier, &local,
	    &why), STORE_OK);
	ck_assert_int_eq(tier, 1);	/* the map says 3, the evidence 1 */
	ck_assert_int_eq(json_array_size(local), 6);
	ck_assert_str_eq(json_string_value(json_array_get(local, 0)),
	    "ETSI-5.1-1");
	json_decref(local);
	/* one requirement short of Level 1: nothing is recognised */
	json_array_remove(met, 2);
	ck_assert_int_eq(recognition_tier(s, map, cw, 2, met, &tier, &local,
	    &why), STORE_INVALID);
	ck_assert_str_eq(why.code, "crosswalk_unmet");
	ck_assert_ptr_nonnull(strstr(why.text, "would give 3"));
	/* a map of 1 with the full crosswalk stays 1 */
	json_array_insert_new(met, 2, json_string("P-2"));
	json_decref(map);
	map = json_loads("{\"2\": 1}", 0, NULL);
	ck_assert_int_eq(recognition_tier(s, map, cw, 2, met, &tier, &local,
	    &why), STORE_OK);
	ck_assert_int_eq(tier, 1);
	json_decref(local);
	json_decref(map);
	json_decref(cw);
	json_decref(met);
	scheme_free(s);
}
END_TEST

/* ---- two authorities ---- */

struct authority {
	char		 dir[128];
	struct store	*st;
	struct db	*db;
	struct config	 cfg;
};

static char			 tmpdir[64];
static struct authority		 fi, sg;
static struct principal		 who;

static void
authority_open(struct authority *a, const char *name, const char *country)
{
	char	 path[256], mig[256], err[512];

	snprintf(a->dir, sizeof(a->dir), "%s/%s", tmpdir, name);
	ck_assert_int_eq(mkdir(a->dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/t.db", a->dir);
	snprintf(mig, sizeof(mig), "%s/migrations", srcdir());
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
	snprintf(path, sizeof(path), "%s/schemas/schemes", srcdir());
	ck_assert_msg(catalog_import_dir(a->db, path, err, sizeof(err)) == 0,
	    "%s", err);
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

static void
setup(void)
{
	ck_assert_int_eq(lc_init(), 0);
	unsetenv(LABELD_KEY_PASSPHRASE_ENV);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-recog.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	authority_open(&fi, "fi", "FI");
	authority_open(&sg, "sg", "SG");
	keys_for(&fi);
	keys_for(&sg);
	memset(&who, 0, sizeof(who));
	who.role = ROLE_REGULATOR;
}

static void
teardown(void)
{
	char cmd[128];

	keys_forget();
	store_release(fi.db);
	store_close(fi.st);
	store_release(sg.db);
	store_close(sg.st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A tier 1 us-ctm-iot label of FI whose product's support ends on until. */
static json_t *
fi_label(const char *id, const char *scheme, const char *until)
{
	struct org		 v;
	struct product		 p;
	struct issue_input	 in;
	const char		*versions[] = { "2.1" };
	json_t			*met = json_array(), *doc;
	char			*buf, err[512];
	size_t			 len;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "Nordic Devices");
	snprintf(v.kind, sizeof(v.kind), "vendor");
	snprintf(v.country, sizeof(v.country), "FI");
	ck_assert_int_eq(store_org_insert(fi.db, &v), STORE_OK);
	memset(&p, 0, sizeof(p));
	snprintf(p.vendor_id, sizeof(p.vendor_id), "%s", v.id);
	snprintf(p.name, sizeof(p.name), "Router %s", id);
	snprintf(p.model, sizeof(p.model), "N-1");
	snprintf(p.category, sizeof(p.category), "router");
	snprintf(p.support_until, sizeof(p.support_until), "%s", until);
	ck_assert_int_eq(store_product_insert(fi.db, &p), STORE_OK);
	memset(&in, 0, sizeof(in));
	in.label_id = id;
	ck_assert_ptr_nonnull(in.scheme = catalog_get(fi.db, scheme, 1));
	in.tier = 1;
	in.vendor = &v;
	in.product = &p;
	in.versions = versions;
	in.nversions = 1;
	in.requirements_met = met;
	keys_forget();
	ck_assert_msg(issue_label(fi.db, &fi.cfg, &in, &buf, &len, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_ptr_nonnull(doc = json_loadb(buf, len, 0, NULL));
	free(buf);
	json_decref(met);
	return doc;
}

/* SG takes FI's current list `list` (0 when accepted or unchanged). */
static int
push(const struct partner *p, const char *list)
{
	struct partner_list	 l;
	struct wf_why		 why;
	json_t			*doc;
	char			*buf, err[512];
	size_t			 len;
	int			 unchanged, rc;

	keys_forget();
	ck_assert_msg(statuslist_get(fi.db, &fi.cfg, list, &buf, &len, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_ptr_nonnull(doc = json_loadb(buf, len, 0, NULL));
	free(buf);
	memset(&why, 0, sizeof(why));
	keys_forget();
	rc = partner_add_status_list(sg.db, &who, p->id, doc, time(NULL), &l,
	    &unchanged, &why);
	json_decref(doc);
	ck_assert_msg(rc == STORE_OK, "%s", why.text);
	return rc;
}

/* SG pins FI with an agreement on us-ctm-iot ending on until. */
static void
pin_fi(struct partner *p, const char *from, const char *until)
{
	struct trust_bundle_row	 row;
	struct wf_why		 why;
	json_t			*bundle, *agr, *errors = json_array();
	char			*bytes, err[512];
	size_t			 len;
	int			 made;

	keys_forget();
	ck_assert_msg(trust_bundle_current(fi.db, &fi.cfg, time(NULL), &bytes,
	    &len, &row, &made, err, sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_ptr_nonnull(bundle = json_loadb(bytes, len, 0, NULL));
	free(bytes);
	agr = json_pack("{s:s, s:s, s:{s:i}, s:s, s:s}", "partner_scheme",
	    "us-ctm-iot", "local_scheme", "sg-cls-iot", "tier_map", "1", 1,
	    "valid_from", from, "valid_until", until);
	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(partner_pin(sg.db, &sg.cfg, &who, bundle, agr,
	    time(NULL), p, errors, &why), STORE_OK);
	json_decref(errors);
	json_decref(agr);
	json_decref(bundle);
	push(p, LABELD_STATUSLIST_REVOCATION);
	push(p, LABELD_STATUSLIST_SUSPENSION);
}

static int
recognise(const json_t *cred, struct recognition *rec, json_t **label,
    struct recognition_why *why)
{
	char	*buf = NULL;
	size_t	 len;
	int	 rc;

	memset(why, 0, sizeof(*why));
	keys_forget();
	rc = recognition_create(sg.db, &sg.cfg, &who, cred, time(NULL), rec,
	    &buf, &len, why);
	*label = buf != NULL ? json_loadb(buf, len, 0, NULL) : NULL;
	free(buf);
	return rc;
}

static const char *
status_of(const char *label_id)
{
	static struct label l;

	ck_assert_int_eq(store_label_get(sg.db, label_id, &l), STORE_OK);
	return l.status;
}

START_TEST(recognise_and_follow)
{
	struct partner		 p;
	struct recognition	 rec, rec2;
	struct recognition_why	 why;
	json_t			*cred, *label, *bad, *cls_cred;
	char			*canon, hex[65];
	uint8_t			 md[32];
	size_t			 len;

	cred = fi_label("US-CTM-2026-000001", "us-ctm-iot", "2029-12-31");
	cls_cred = fi_label("SG-CLS-2026-000009", "sg-cls-iot", "2029-12-31");
	pin_fi(&p, "2026-01-01", "2036-12-31");

	ck_assert_int_eq(recognise(cred, &rec, &label, &why), STORE_OK);
	ck_assert_int_eq(rec.tier, 1);
	ck_assert_str_eq(rec.partner_id, p.id);
	ck_assert_ptr_nonnull(canon = jcs_serialize(cred, &len, NULL, 0));
	lc_sha256(canon, len, md);
	lc_hex(md, sizeof(md), hex);
	free(canon);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(label, "credentialSubject"), "recognitionOf"),
	    "digest")), hex);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(label, "credentialSubject"), "recognitionOf"),
	    "issuer")), fi.cfg.issuer_did);
	ck_assert_str_eq(json_string_value(json_object_get(label, "issuer") ?
	    json_object_get(json_object_get(label, "issuer"), "id") : NULL),
	    sg.cfg.issuer_did);
	/* never beyond the foreign validUntil (support ends 2029-12-31) */
	ck_assert(strcmp(json_string_value(json_object_get(label,
	    "validUntil")), json_string_value(json_object_get(cred,
	    "validUntil"))) <= 0);
	json_decref(label);

	/* twice: 409 */
	ck_assert_int_eq(recognise(cred, &rec2, &label, &why), STORE_CONFLICT);
	ck_assert_ptr_nonnull(strstr(why.text, rec.id));

	/* unknown issuer; tampered; a scheme no agreement covers */
	bad = json_deep_copy(cred);
	json_object_set_new(json_object_get(bad, "issuer"), "id",
	    json_string("did:web:nobody.example"));
	ck_assert_int_eq(recognise(bad, &rec2, &label, &why), STORE_INVALID);
	ck_assert_str_eq(why.code, "unknown_issuer");
	json_decref(bad);
	bad = json_deep_copy(cred);
	json_object_set_new(json_object_get(bad, "credentialSubject"), "tier",
	    json_integer(2));
	ck_assert_int_eq(recognise(bad, &rec2, &label, &why), STORE_INVALID);
	ck_assert_str_eq(why.check, "signature");
	json_decref(bad);
	ck_assert_int_eq(recognise(cls_cred, &rec2, &label, &why),
	    STORE_INVALID);
	ck_assert_str_eq(why.code, "scheme_not_covered");

	/* stale lists suspend (fail closed); fresh ones reinstate */
	ck_assert_int_eq(recognition_sweep(sg.db, &sg.cfg, NULL,
	    time(NULL) + 8 * DAY), STORE_OK);
	ck_assert_str_eq(status_of(rec.label_id), "suspended");
	ck_assert_int_eq(store_recognition_get(sg.db, rec.id, &rec2),
	    STORE_OK);
	ck_assert_str_eq(rec2.follow, "stale");
	ck_assert_int_eq(recognition_sweep(sg.db, &sg.cfg, p.id, time(NULL)),
	    STORE_OK);
	ck_assert_str_eq(status_of(rec.label_id), "active");
	/* the regulator's own suspension is never lifted by the sweep */
	ck_assert_int_eq(lifecycle_change(sg.db, &sg.cfg, NULL, rec.label_id,
	    LABEL_SUSPEND, "our inquiry", NULL, (char [128]){0}, 128),
	    STORE_OK);
	ck_assert_int_eq(recognition_sweep(sg.db, &sg.cfg, NULL, time(NULL)),
	    STORE_OK);
	ck_assert_str_eq(status_of(rec.label_id), "suspended");
	ck_assert_int_eq(lifecycle_change(sg.db, &sg.cfg, NULL, rec.label_id,
	    LABEL_REINSTATE, "inquiry closed", NULL, (char [128]){0}, 128),
	    STORE_OK);

	/* FI revokes: the list SG receives revokes the recognised label */
	sleep(1);	/* a newer validFrom than the copy SG holds */
	keys_forget();
	ck_assert_int_eq(lifecycle_change(fi.db, &fi.cfg, NULL,
	    "US-CTM-2026-000001", LABEL_REVOKE, "flaw", NULL, (char [128]){0},
	    128), STORE_OK);
	push(&p, LABELD_STATUSLIST_REVOCATION);
	ck_assert_str_eq(status_of(rec.label_id), "revoked");
	/* and a revoked foreign credential is refused */
	ck_assert_int_eq(store_recognition_get(sg.db, rec.id, &rec2),
	    STORE_OK);
	json_decref(cred);
	json_decref(cls_cred);
}
END_TEST

START_TEST(capped_by_agreement_and_window)
{
	struct partner		 p;
	struct recognition	 rec;
	struct recognition_why	 why;
	struct agreement	 a;
	json_t			*cred, *label;
	char			 until[11], expect[32];

	cred = fi_label("US-CTM-2026-000002", "us-ctm-iot", "2029-12-31");
	rfc3339_format(time(NULL) + 30 * DAY, expect);
	snprintf(until, sizeof(until), "%.10s", expect);
	pin_fi(&p, "2026-01-01", until);
	/* the agreement's window, both ends inclusive */
	memset(&why, 0, sizeof(why));
	ck_assert_int_eq(recognition_agreement_for(sg.db, p.id, "us-ctm-iot",
	    "2025-12-31", &a, &why), STORE_INVALID);
	ck_assert_str_eq(why.code, "outside_window");
	ck_assert_ptr_nonnull(strstr(why.text, until));
	ck_assert_int_eq(recognition_agreement_for(sg.db, p.id, "us-ctm-iot",
	    "2026-01-01", &a, &why), STORE_OK);
	store_agreement_clear(&a);
	ck_assert_int_eq(recognition_agreement_for(sg.db, p.id, "us-ctm-iot",
	    until, &a, &why), STORE_OK);
	store_agreement_clear(&a);
	ck_assert_int_eq(recognition_agreement_for(sg.db, p.id, "sg-cls-iot",
	    until, &a, &why), STORE_INVALID);
	ck_assert_str_eq(why.code, "scheme_not_covered");
	/* the label ends with the agreement's last day, not the foreign one */
	ck_assert_int_eq(recognise(cred, &rec, &label, &why), STORE_OK);
	snprintf(expect, sizeof(expect), "%sT23:59:59Z", until);
	ck_assert_str_eq(json_string_value(json_object_get(label,
	    "validUntil")), expect);
	json_decref(label);

	/* the agreement ended early: the recognised label is revoked */
	{
		struct agreement	 b;
		struct wf_why		 wwhy;
		struct label		 l;
		json_t			*patch, *errors = json_array();
		char			 y[32];

		rfc3339_format(time(NULL) - DAY, y);
		y[10] = '\0';
		patch = json_pack("{s:s}", "valid_until", y);
		memset(&wwhy, 0, sizeof(wwhy));
		ck_assert_int_eq(partner_agreement_amend(sg.db, &who, p.id,
		    rec.agreement_id, patch, &b, errors, &wwhy), STORE_OK);
		ck_assert(b.ended_at[0] != '\0');
		store_agreement_clear(&b);
		json_decref(patch);
		json_decref(errors);
		ck_assert_int_eq(recognition_sweep(sg.db, &sg.cfg, p.id,
		    time(NULL)), STORE_OK);
		ck_assert_int_eq(store_label_get(sg.db, rec.label_id, &l),
		    STORE_OK);
		ck_assert_str_eq(l.status, "revoked");
		ck_assert_ptr_nonnull(strstr(l.status_reason,
		    "agreement_ended"));
	}
	json_decref(cred);
}
END_TEST

static long long
count(struct db *db, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 n = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

#define ROWS	"SELECT (SELECT count(*) FROM recognitions) * 1000000 + " \
	"(SELECT count(*) FROM labels) * 10000 + (SELECT count(*) FROM " \
	"tlog_leaves) * 100 + (SELECT count(*) FROM organizations) * 10 + " \
	"(SELECT count(*) FROM products)"

/*
 * The n-th SQLite call of a recognition, or of the sweep that follows a
 * partner's list, fails: the request fails cleanly, nothing of it is kept
 * and no transaction stays open; past the last call it succeeds.
 */
START_TEST(storage_faults_leave_nothing)
{
	struct partner		 p;
	struct recognition	 rec;
	struct recognition_why	 why;
	struct partner_list	 l;
	struct wf_why		 wwhy;
	json_t			*cred, *list;
	const char		*site;
	char			*buf, err[512];
	size_t			 len;
	long long		 before;
	int			 n, rc, fired, unchanged;

	cred = fi_label("US-CTM-2026-000003", "us-ctm-iot", "2029-12-31");
	pin_fi(&p, "2026-01-01", "2036-12-31");
	before = count(sg.db, ROWS);
	for (n = 1; ; n++) {
		keys_forget();
		store_fault_set(n, SQLITE_FULL);
		memset(&why, 0, sizeof(why));
		buf = NULL;
		rc = recognition_create(sg.db, &sg.cfg, &who, cred, time(NULL),
		    &rec, &buf, &len, &why);
		fired = store_fault_fired(&site);
		store_fault_set(0, 0);
		ck_assert_msg(!db_in_transaction(sg.db), "call %d (%s) left a "
		    "transaction open", n, site);
		if (!fired) {
			ck_assert_msg(rc == STORE_OK, "%s", why.text);
			free(buf);
			break;
		}
		ck_assert_msg(rc == STORE_ERR || rc == KEYS_NOKEY, "call %d "
		    "(%s) answered %d: %s", n, site, rc, why.text);
		ck_assert_ptr_null(buf);
		ck_assert_int_eq(count(sg.db, ROWS), before);
	}
	ck_assert_int_gt(n, 10);
	ck_assert_int_eq(count(sg.db, ROWS), before + 1000000 + 10000 + 200 +
	    10 + 1);

	/* FI suspends it; a fault in the sweep keeps neither list nor change */
	sleep(1);
	keys_forget();
	ck_assert_int_eq(lifecycle_change(fi.db, &fi.cfg, NULL,
	    "US-CTM-2026-000003", LABEL_SUSPEND, "inquiry", NULL, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(statuslist_get(fi.db, &fi.cfg,
	    LABELD_STATUSLIST_SUSPENSION, &buf, &len, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(list = json_loadb(buf, len, 0, NULL));
	free(buf);
	before = count(sg.db, "SELECT count(*) FROM partner_status_lists");
	for (n = 1; ; n++) {
		keys_forget();
		store_fault_set(n, SQLITE_FULL);
		memset(&wwhy, 0, sizeof(wwhy));
		rc = partner_add_status_list(sg.db, &who, p.id, list,
		    time(NULL), &l, &unchanged, &wwhy);
		fired = store_fault_fired(&site);
		store_fault_set(0, 0);
		ck_assert(!db_in_transaction(sg.db));
		if (!fired) {
			ck_assert_int_eq(rc, STORE_OK);
			break;
		}
		ck_assert_msg(rc == STORE_ERR, "list: call %d (%s) answered %d",
		    n, site, rc);
		ck_assert_int_eq(count(sg.db, "SELECT count(*) FROM "
		    "partner_status_lists"), before);
		ck_assert_str_eq(status_of(rec.label_id), "active");
	}
	ck_assert_str_eq(status_of(rec.label_id), "suspended");
	json_decref(list);
	json_decref(cred);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("recognition");
	TCase	*pure = tcase_create("tier"), *tc = tcase_create("recognise");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(pure, tier_map_alone);
	tcase_add_test(pure, crosswalk_lowers);
	suite_add_tcase(s, pure);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, recognise_and_follow);
	tcase_add_test(tc, capped_by_agreement_and_window);
	tcase_add_test(tc, storage_faults_leave_nothing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
