/*
 * check_fault: an approval at Level 3 (workflow_approve: re-assessment of
 * the declarations and the assigned lab's verdicts, label id, decision,
 * audit event, signed label with its lab report digests and status
 * entries, one transaction) under injected faults, SQLite's faultsim
 * way: for each kind, SQLITE_FULL, SQLITE_BUSY and a failed allocation
 * (SQLITE_NOMEM), make the 1st, 2nd, ... n-th SQLite call of the approval
 * fail (every prepare and step through store.c, BEGIN and COMMIT
 * included) until an approval runs to its end without reaching the fault.
 * Each run starts from a copy of the same database, with an empty
 * statement cache, and must either
 *  - fail with an answer the API gives as a server error (STORE_ERR, or
 *    WF_INVALID when the re-assessment could not read the answers: both
 *    500), leave no transaction open and the database byte-for-byte as it
 *    was (every row of every table, the audit trail, the label sequence),
 *    and then succeed when retried without a fault, with the label number
 *    the failed attempt did not keep; or
 *  - succeed completely (a failed allocation SQLite recovers from):
 *    approved, one label, one "approved" event, and the Level 2 label
 *    already in force for that version superseded by it.
 * The countdown is bounded: each kind stops at the first run whose fault
 * was never reached, and at FAULT_MAX_RUNS.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"
#include "scheme.h"

/* Runs per kind at most; an approval makes about 110 SQLite calls. */
#define FAULT_MAX_RUNS	400

static char			 tmpdir[64];
static char			 template_db[128], run_db[128];
static char			 sub_id[40];
static char			 prev_label[LABELD_LABEL_ID_MAX + 1];
static struct config		 cfg;
static struct principal		 vendor, regulator, lab;

#define TIER	3	/* self declarations and a lab's verdicts */

/* ---- the template: a submitted Level 3 submission ---- */

static void
add_org(struct db *db, struct principal *p, const char *name,
    const char *kind, const char *role)
{
	struct org o;

	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "%s", name);
	snprintf(o.kind, sizeof(o.kind), "%s", kind);
	snprintf(o.country, sizeof(o.country), "SG");
	ck_assert_int_eq(store_org_insert(db, &o), STORE_OK);
	memset(p, 0, sizeof(*p));
	snprintf(p->org_id, sizeof(p->org_id), "%s", o.id);
	ck_assert_int_ne(p->role = role_byname(role), 0);
	snprintf(p->token_id, sizeof(p->token_id), "tok_%s", role);
}

static void
submitted(struct db *db, const struct scheme *sc)
{
	struct product		 p;
	struct product_version	 v;
	struct submission	 s;
	struct evidence		 e;
	struct declaration	 d[LABELD_MAX_ITEMS];
	struct lab_result	 res[LABELD_MAX_ITEMS];
	struct lab_report	 rep;
	json_t			*gaps = NULL;
	const json_t		*kinds;
	char			 hex[65], list[16 * 65];
	size_t			 n = 0, nres = 0;
	int			 achieved;

	memset(&p, 0, sizeof(p));
	snprintf(p.vendor_id, sizeof(p.vendor_id), "%s", vendor.org_id);
	snprintf(p.name, sizeof(p.name), "Cam");
	snprintf(p.model, sizeof(p.model), "C1");
	snprintf(p.category, sizeof(p.category), "camera");
	snprintf(p.support_until, sizeof(p.support_until), "2099-12-31");
	ck_assert_int_eq(store_product_insert(db, &p), STORE_OK);
	memset(&v, 0, sizeof(v));
	snprintf(v.product_id, sizeof(v.product_id), "%s", p.id);
	snprintf(v.version, sizeof(v.version), "1.0");
	ck_assert_int_eq(store_product_version_insert(db, &v, NULL, 0),
	    STORE_OK);
	memset(&s, 0, sizeof(s));
	snprintf(s.vendor_id, sizeof(s.vendor_id), "%s", vendor.org_id);
	snprintf(s.product_id, sizeof(s.product_id), "%s", p.id);
	snprintf(s.product_version, sizeof(s.product_version), "1.0");
	snprintf(s.scheme, sizeof(s.scheme), "sg-cls-iot");
	s.scheme_version = scheme_version(sc);
	s.target_tier = TIER;
	ck_assert_int_eq(workflow_open(db, &vendor, &s), STORE_OK);

	/* One file of each evidence kind; each declaration cites them all. */
	list[0] = '\0';
	kinds = json_object_get(scheme_json(sc), "evidence_kinds");
	for (size_t k = 0; k < json_array_size(kinds); k++) {
		memset(hex, "0123456789abcdef"[k % 16], 64);
		hex[64] = '\0';
		memset(&e, 0, sizeof(e));
		snprintf(e.sha256, sizeof(e.sha256), "%s", hex);
		e.size = 1;
		snprintf(e.media_type, sizeof(e.media_type), "text/plain");
		snprintf(e.kind, sizeof(e.kind), "%s", json_string_value(
		    json_object_get(json_array_get(kinds, k), "id")));
		snprintf(e.uploaded_by, sizeof(e.uploaded_by), "%s",
		    vendor.org_id);
		ck_assert_int_eq(workflow_add_evidence(db, &vendor, &s, &e),
		    STORE_OK);
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", k ? " " : "", hex);
	}
	for (size_t i = 0; i < scheme_nrequirements(sc); i++) {
		const struct scheme_requirement *r = scheme_requirement_at(sc,
		    i);

		if (r->tier > TIER)
			continue;
		if (r->mode == SCHEME_THIRD_PARTY) {
			ck_assert_int_eq(r->tier, TIER);
			res[nres].requirement = r->id;
			res[nres].verdict = "pass";
			res[nres].notes = "";
			nres++;
			continue;
		}
		d[n].requirement = r->id;
		d[n].status = "conformant";
		d[n].justification = "";
		d[n].evidence = list;
		n++;
	}
	ck_assert_int_eq(workflow_declare(db, &vendor, &s, 0, d, n), STORE_OK);
	ck_assert_int_gt(nres, 0);
	ck_assert_int_eq(workflow_assign_lab(db, &vendor, &s, 0, lab.org_id,
	    NULL), STORE_OK);
	memset(&rep, 0, sizeof(rep));
	rep.tier = TIER;
	memset(rep.report_sha256, 'c', 64);
	ck_assert_int_eq(workflow_file_report(db, &lab, &s, 0, &rep, res,
	    nres, NULL), STORE_OK);
	ck_assert_int_eq(workflow_submit(db, &vendor, &s, 0, &gaps,
	    &achieved), STORE_OK);
	json_decref(gaps);
	snprintf(sub_id, sizeof(sub_id), "%s", s.id);
}

/*
 * A Level 2 label, active, for the same product version as sub_id: the
 * Level 3 approval supersedes it in its transaction.
 */
static void
predecessor(struct db *db, const struct scheme *sc)
{
	struct submission	 l3, s;
	struct evidence		 e;
	struct declaration	 d[LABELD_MAX_ITEMS];
	const json_t		*kinds;
	json_t			*gaps = NULL;
	char			 hex[65], list[16 * 65];
	size_t			 n = 0;
	int			 achieved;

	ck_assert_int_eq(store_submission_get(db, sub_id, &l3), STORE_OK);
	memset(&s, 0, sizeof(s));
	snprintf(s.vendor_id, sizeof(s.vendor_id), "%s", vendor.org_id);
	snprintf(s.product_id, sizeof(s.product_id), "%s", l3.product_id);
	snprintf(s.product_version, sizeof(s.product_version), "%s",
	    l3.product_version);
	snprintf(s.scheme, sizeof(s.scheme), "sg-cls-iot");
	s.scheme_version = scheme_version(sc);
	s.target_tier = 2;
	ck_assert_int_eq(workflow_open(db, &vendor, &s), STORE_OK);
	list[0] = '\0';
	kinds = json_object_get(scheme_json(sc), "evidence_kinds");
	for (size_t k = 0; k < json_array_size(kinds); k++) {
		memset(hex, "0123456789abcdef"[k % 16], 64);
		hex[64] = '\0';
		memset(&e, 0, sizeof(e));
		snprintf(e.sha256, sizeof(e.sha256), "%s", hex);
		e.size = 1;
		snprintf(e.media_type, sizeof(e.media_type), "text/plain");
		snprintf(e.kind, sizeof(e.kind), "%s", json_string_value(
		    json_object_get(json_array_get(kinds, k), "id")));
		snprintf(e.uploaded_by, sizeof(e.uploaded_by), "%s",
		    vendor.org_id);
		ck_assert_int_eq(workflow_add_evidence(db, &vendor, &s, &e),
		    STORE_OK);
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", k ? " " : "", hex);
	}
	for (size_t i = 0; i < scheme_nrequirements(sc); i++) {
		const struct scheme_requirement *r = scheme_requirement_at(sc,
		    i);

		if (r->tier > 2 || r->mode != SCHEME_SELF_DECLARATION)
			continue;
		d[n].requirement = r->id;
		d[n].status = "conformant";
		d[n].justification = "";
		d[n].evidence = list;
		n++;
	}
	ck_assert_int_eq(workflow_declare(db, &vendor, &s, 0, d, n), STORE_OK);
	ck_assert_int_eq(workflow_submit(db, &vendor, &s, 0, &gaps,
	    &achieved), STORE_OK);
	json_decref(gaps);
	ck_assert_int_eq(workflow_approve(db, &cfg, &regulator, &s, 0, 2,
	    "Level 2 met", &achieved, NULL), STORE_OK);
	snprintf(prev_label, sizeof(prev_label), "%s", s.label_id);
}

static void
setup(void)
{
	const char		*src = getenv("top_srcdir") ?
	    getenv("top_srcdir") : LABELD_SRCDIR;
	char			 mig[256], schemes[256], err[512];
	struct signing_key	 k;
	struct lab_approval	 ap;
	const struct scheme	*sc;
	struct store		*st;
	struct db		*db;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-fault.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(template_db, sizeof(template_db), "%s/template.db", tmpdir);
	snprintf(run_db, sizeof(run_db), "%s/run.db", tmpdir);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	snprintf(schemes, sizeof(schemes), "%s/schemas/schemes", src);
	st = store_open(template_db, mig, 1, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	db = store_acquire(st);
	ck_assert_msg(catalog_import_dir(db, schemes, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_ptr_nonnull(sc = catalog_get(db, "sg-cls-iot", 0));
	config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", tmpdir);
	ck_assert_int_eq(config_finish(&cfg, err, sizeof(err)), 0);
	ck_assert_msg(keys_generate(db, tmpdir, NULL, &k, NULL, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	add_org(db, &vendor, "Acme", "vendor", "vendor");
	add_org(db, &regulator, "Authority", "authority", "regulator");
	add_org(db, &lab, "Good Lab", "lab", "lab");
	memset(&ap, 0, sizeof(ap));
	snprintf(ap.lab_id, sizeof(ap.lab_id), "%s", lab.org_id);
	ap.tiers = 1u << 3 | 1u << 4;
	snprintf(ap.valid_until, sizeof(ap.valid_until), "2099-12-31");
	snprintf(ap.approved_by, sizeof(ap.approved_by), "%s",
	    regulator.org_id);
	store_now(ap.approved_at);
	ck_assert_int_eq(store_lab_approval_put(db, &ap), STORE_OK);
	submitted(db, sc);
	predecessor(db, sc);
	store_release(db);
	store_close(st);	/* the last connection: the WAL is folded in */
	ck_assert_int_eq(access(template_db, R_OK), 0);
}

static void
teardown(void)
{
	char cmd[128];

	keys_forget();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- one run ---- */

static void
copy_file(const char *from, const char *to)
{
	char	 buf[65536];
	size_t	 n;
	FILE	*in, *out;

	ck_assert_ptr_nonnull(in = fopen(from, "rb"));
	ck_assert_ptr_nonnull(out = fopen(to, "wb"));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	ck_assert_int_eq(ferror(in), 0);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

/* Appends text to the growing buffer *b (length *len, capacity *cap). */
static void
append(char **b, size_t *len, size_t *cap, const char *text)
{
	size_t n = strlen(text);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		ck_assert_ptr_nonnull(*b = realloc(*b, *cap));
	}
	memcpy(*b + *len, text, n + 1);
	*len += n;
}

/*
 * Every row of every table (sqlite_sequence too), in a stable order, as
 * text: what "the database is unchanged" compares.  Read with the raw
 * connection, past the fault countdown.
 */
static char *
dump(struct db *db)
{
	sqlite3_stmt	*tables, *rows;
	char		*b = NULL, sql[1400], order[1024];
	size_t		 len = 0, cap = 0;
	int		 ncol;

	append(&b, &len, &cap, "");
	ck_assert_int_eq(sqlite3_prepare_v2(db->conn, "SELECT name FROM "
	    "sqlite_schema WHERE type = 'table' ORDER BY name", -1, &tables,
	    NULL), SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);

		append(&b, &len, &cap, "== ");
		append(&b, &len, &cap, name);
		append(&b, &len, &cap, "\n");
		/* ORDER BY every column: WITHOUT ROWID tables too. */
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", name);
		ck_assert_int_eq(sqlite3_prepare_v2(db->conn, sql, -1, &rows,
		    NULL), SQLITE_OK);
		ncol = sqlite3_column_count(rows);
		sqlite3_finalize(rows);
		order[0] = '\0';
		for (int i = 1; i <= ncol; i++) {
			char c[16];

			snprintf(c, sizeof(c), "%s%d", i > 1 ? "," : "", i);
			strncat(order, c, sizeof(order) - strlen(order) - 1);
		}
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY %s",
		    name, order);
		ck_assert_int_eq(sqlite3_prepare_v2(db->conn, sql, -1, &rows,
		    NULL), SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(rows); i++) {
				const char *v = (const char *)
				    sqlite3_column_text(rows, i);

				append(&b, &len, &cap, i ? "|" : "");
				append(&b, &len, &cap, v != NULL ? v : "NULL");
			}
			append(&b, &len, &cap, "\n");
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	return b;
}

/* The first line where a and b differ, for the failure message. */
static const char *
first_difference(const char *a, const char *b)
{
	const char *line = a;

	for (; *a != '\0' && *a == *b; a++, b++)
		if (*a == '\n')
			line = a + 1;
	return line;
}

static int
count_rows(struct db *db, const char *sql)
{
	sqlite3_stmt	*q;
	int		 n;

	ck_assert_int_eq(sqlite3_prepare_v2(db->conn, sql, -1, &q, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(q, 1, sub_id, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* The submission was approved at Level 3 with its label and event. */
static void
assert_approved(struct db *db, const struct submission *s)
{
	struct submission stored;

	ck_assert_int_eq(store_submission_get(db, sub_id, &stored), STORE_OK);
	ck_assert_str_eq(stored.state, "approved");
	ck_assert_int_eq(stored.approved_tier, TIER);
	ck_assert_str_eq(stored.label_id, s->label_id);
	/* The second label of this database: the Level 2 one was first. */
	ck_assert_int_eq(strncmp(s->label_id, "SG-CLS-", 7), 0);
	ck_assert_str_eq(s->label_id + 11, "-000002");
	ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM labels WHERE "
	    "submission_id = ?"), 1);
	/* And it superseded that one, in the same transaction. */
	{
		struct label l;

		ck_assert_int_eq(store_label_get(db, prev_label, &l),
		    STORE_OK);
		ck_assert_str_eq(l.status, "superseded");
		ck_assert_str_eq(l.superseded_by, s->label_id);
	}
	ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM "
	    "submission_events WHERE submission_id = ? AND action = "
	    "'approved'"), 1);
}

static int
approve(struct db *db, struct submission *s)
{
	int achieved;

	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", sub_id);
	return workflow_approve(db, &cfg, &regulator, s, 0, TIER, "met",
	    &achieved, NULL);
}

/* What the faults of one kind reached. */
struct tally {
	int	runs, failed, recovered, prepare, step, commit;
};

/*
 * The status the HTTP answer of a database failure on db would carry
 * (reply_db_error, its answer kept rather than sent).
 */
static unsigned
answer_of(struct db *db)
{
	struct reply_capture	 cap;
	struct req		*r;
	unsigned		 status;

	memset(&cap, 0, sizeof(cap));
	ck_assert_ptr_nonnull(r = calloc(1, sizeof(*r)));
	r->db = db;
	r->method = "POST";
	r->capture = &cap;
	(void)reply_db_error(r);
	status = cap.status;
	free(cap.body);
	reply_free_headers(r);
	free(r);
	return status;
}

/*
 * One approval on a fresh copy of the template with the n-th SQLite call
 * failing with kind.  Returns 1 when the fault was reached, 0 when the
 * approval made fewer than n calls.
 */
static int
run(int n, int kind, struct tally *t)
{
	struct submission	 s;
	struct store		*st;
	struct db		*db;
	char			 err[512], *before, *after, site[160];
	const char		*where;
	int			 rc, fired;

	copy_file(template_db, run_db);
	st = store_open(run_db, NULL, 1, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	db = store_acquire(st);
	before = dump(db);

	store_fault_set(n, kind);
	rc = approve(db, &s);
	fired = store_fault_fired(&where);
	snprintf(site, sizeof(site), "%s", where);
	store_fault_set(0, 0);
	t->runs++;
	ck_assert_msg(!db_in_transaction(db), "%s at call %d (%s): a "
	    "transaction left open", sqlite3_errstr(kind), n, site);
	if (rc == STORE_OK) {
		/* Not reached, or an allocation SQLite did without. */
		ck_assert_msg(fired == 0 || kind == SQLITE_NOMEM, "%s at call "
		    "%d (%s): the approval succeeded", sqlite3_errstr(kind), n,
		    site);
		assert_approved(db, &s);
		if (fired)
			t->recovered++;
	} else {
		ck_assert_msg(fired > 0, "approval failed (%d) with no fault",
		    rc);
		ck_assert_msg(rc == STORE_ERR || rc == WF_INVALID, "%s at call "
		    "%d (%s): answer %d, not a server error",
		    sqlite3_errstr(kind), n, site, rc);
		/* A full disk is 507, a busy database 503, the rest 500. */
		if (rc == STORE_ERR)
			ck_assert_msg(answer_of(db) == (kind == SQLITE_FULL ?
			    507u : kind == SQLITE_BUSY ? 503u : 500u),
			    "%s at call %d (%s): answered %u",
			    sqlite3_errstr(kind), n, site, answer_of(db));
		after = dump(db);
		ck_assert_msg(strcmp(before, after) == 0, "%s at call %d (%s): "
		    "the database changed, first at:\n%.300s",
		    sqlite3_errstr(kind), n, site,
		    first_difference(after, before));
		free(after);
		t->failed++;
		/* Nothing left behind stops a retry, nor takes its number. */
		ck_assert_msg(approve(db, &s) == STORE_OK, "%s at call %d "
		    "(%s): the retry failed", sqlite3_errstr(kind), n, site);
		assert_approved(db, &s);
	}
	if (fired) {
		if (strncmp(site, "prepare:", 8) == 0)
			t->prepare++;
		else if (strcmp(site, "step: COMMIT") == 0)
			t->commit++;
		else
			t->step++;
	}
	free(before);
	store_release(db);
	store_close(st);
	ck_assert_int_eq(unlink(run_db), 0);
	return site[0] != '\0';
}

static void
countdown(int kind)
{
	struct tally	t;
	int		n;

	memset(&t, 0, sizeof(t));
	for (n = 1; n <= FAULT_MAX_RUNS && run(n, kind, &t); n++)
		continue;
	fprintf(stderr, "%s: %d runs, %d failed cleanly, %d recovered; "
	    "faults at %d prepares, %d steps, %d commits\n",
	    sqlite3_errstr(kind), t.runs, t.failed, t.recovered, t.prepare,
	    t.step, t.commit);
	ck_assert_msg(n <= FAULT_MAX_RUNS, "more than %d SQLite calls",
	    FAULT_MAX_RUNS);
	/* The countdown went past every call, the last approval untouched. */
	ck_assert_int_gt(t.failed, 10);
	ck_assert_int_gt(t.prepare, 0);
	ck_assert_int_gt(t.step, 0);
	if (kind != SQLITE_NOMEM)
		ck_assert_int_eq(t.commit, 1);
}

START_TEST(disk_full)
{
	countdown(SQLITE_FULL);
}
END_TEST

START_TEST(busy)
{
	countdown(SQLITE_BUSY);
}
END_TEST

START_TEST(out_of_memory)
{
	countdown(SQLITE_NOMEM);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("fault");
	TCase	*tc = tcase_create("approval");
	SRunner	*sr;
	int	 failed;

	/* Before anything opens a database: SQLite's allocator, wrapped. */
	if (store_fault_init() != 0 || lc_init() != 0) {
		fprintf(stderr, "check_fault: cannot set up\n");
		return 1;
	}
	log_init("check_fault", LOG_ERROR);
	tcase_add_checked_fixture(tc, setup, teardown);
	/* A few hundred approvals, each signing a label and status lists. */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, disk_full);
	tcase_add_test(tc, busy);
	tcase_add_test(tc, out_of_memory);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
