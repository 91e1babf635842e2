/*
 * store_submissions.c: submissions, declarations, lab reports and the
 * audit trail (all SQL).  No function here opens a transaction: the
 * workflow composes them into one per change.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "labeld.h"

/* ---- submissions ---- */

#define SUB_COLS "id, vendor_id, product_id, product_version, scheme, " \
	"scheme_version, target_tier, state, lab_id, revision, approved_tier, " \
	"label_id, decision, decision_reason, decided_at, decided_by, " \
	"submitted_at, created_at, updated_at, seq"

static void
sub_from_row(sqlite3_stmt *st, void *out)
{
	struct submission	*s = out;

	memset(s, 0, sizeof(*s));
	db_col_copy(st, 0, s->id, sizeof(s->id));
	db_col_copy(st, 1, s->vendor_id, sizeof(s->vendor_id));
	db_col_copy(st, 2, s->product_id, sizeof(s->product_id));
	db_col_copy(st, 3, s->product_version, sizeof(s->product_version));
	db_col_copy(st, 4, s->scheme, sizeof(s->scheme));
	s->scheme_version = sqlite3_column_int(st, 5);
	s->target_tier = sqlite3_column_int(st, 6);
	db_col_copy(st, 7, s->state, sizeof(s->state));
	db_col_copy(st, 8, s->lab_id, sizeof(s->lab_id));
	s->revision = sqlite3_column_int64(st, 9);
	s->approved_tier = sqlite3_column_int(st, 10);
	db_col_copy(st, 11, s->label_id, sizeof(s->label_id));
	db_col_copy(st, 12, s->decision, sizeof(s->decision));
	db_col_copy(st, 13, s->decision_reason, sizeof(s->decision_reason));
	db_col_copy(st, 14, s->decided_at, sizeof(s->decided_at));
	db_col_copy(st, 15, s->decided_by, sizeof(s->decided_by));
	db_col_copy(st, 16, s->submitted_at, sizeof(s->submitted_at));
	db_col_copy(st, 17, s->created_at, sizeof(s->created_at));
	db_col_copy(st, 18, s->updated_at, sizeof(s->updated_at));
	s->seq = sqlite3_column_int64(st, 19);
}

/*
 * Inserts s as a new submission at revision 1, filling its id,
 * created_at, updated_at, revision and seq.  The caller sets the vendor,
 * product, scheme, target tier and state.
 */
int
store_submission_insert(struct db *db, struct submission *s)
{
	sqlite3_stmt	*st;
	int		 rc;

	store_new_id("sub", s->id, sizeof(s->id));
	store_now(s->created_at);
	memcpy(s->updated_at, s->created_at, sizeof(s->updated_at));
	s->revision = 1;
	if ((st = db_prepare(db, "INSERT INTO submissions (id, vendor_id, "
	    "product_id, product_version, scheme, scheme_version, target_tier, "
	    "state, lab_id, revision, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->vendor_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, s->product_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, s->scheme, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, s->scheme_version);
	sqlite3_bind_int(st, 7, s->target_tier);
	sqlite3_bind_text(st, 8, s->state, -1, SQLITE_STATIC);
	db_bind_opt(st, 9, s->lab_id);
	sqlite3_bind_text(st, 10, s->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, s->updated_at, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	s->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/* The submission id into *s: STORE_OK, STORE_NOTFOUND or STORE_ERR (logged). */
int
store_submission_get(struct db *db, const char *id, struct submission *s)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " SUB_COLS " FROM submissions "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_get_one(db, st, sub_from_row, s, __func__);
}

/*
 * Writes the mutable fields of s (state, lab, decision, dates) as the
 * next revision, only if the stored revision is still s->revision: a
 * compare-and-set, so of two concurrent writers exactly one wins.  On
 * success s->revision and s->updated_at are the new ones; STORE_CONFLICT
 * when the row moved on (or is gone).
 */
int
store_submission_update(struct db *db, struct submission *s)
{
	sqlite3_stmt	*st;
	char		 now[32];
	int		 rc;

	store_now(now);
	if ((st = db_prepare(db, "UPDATE submissions SET state = ?, "
	    "lab_id = ?, approved_tier = ?, label_id = ?, decision = ?, "
	    "decision_reason = ?, decided_at = ?, decided_by = ?, "
	    "submitted_at = ?, updated_at = ?, revision = revision + 1 "
	    "WHERE id = ? AND revision = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, s->state, -1, SQLITE_STATIC);
	db_bind_opt(st, 2, s->lab_id);
	sqlite3_bind_int(st, 3, s->approved_tier);
	db_bind_opt(st, 4, s->label_id);
	db_bind_opt(st, 5, s->decision);
	db_bind_opt(st, 6, s->decision_reason);
	db_bind_opt(st, 7, s->decided_at);
	db_bind_opt(st, 8, s->decided_by);
	db_bind_opt(st, 9, s->submitted_at);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, s->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, s->revision);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	if (sqlite3_changes(db->conn) != 1)
		return STORE_CONFLICT;
	s->revision++;
	memcpy(s->updated_at, now, sizeof(s->updated_at));
	return STORE_OK;
}

/*
 * Calls cb for up to limit submissions with seq > after in seq order,
 * restricted by every non-NULL (non-zero) member of f.  cb returning -1
 * stops the walk.
 */
int
store_submission_list(struct db *db, const struct submission_filter *f,
    int64_t after, int limit, int (*cb)(const struct submission *, void *),
    void *arg)
{
	sqlite3_stmt		*st;
	struct submission	 s;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " SUB_COLS " FROM submissions "
	    "WHERE seq > ?1 AND (?2 IS NULL OR vendor_id = ?2) "
	    "AND (?3 IS NULL OR lab_id = ?3) AND (?4 IS NULL OR state = ?4) "
	    "AND (?5 IS NULL OR product_id = ?5) "
	    "AND (?6 IS NULL OR scheme = ?6) "
	    "AND (?7 IS NULL OR target_tier = ?7) "
	    "ORDER BY seq LIMIT ?8")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, after);
	db_bind_opt(st, 2, f->vendor_id);
	db_bind_opt(st, 3, f->lab_id);
	db_bind_opt(st, 4, f->state);
	db_bind_opt(st, 5, f->product_id);
	db_bind_opt(st, 6, f->scheme);
	if (f->tier > 0)
		sqlite3_bind_int(st, 7, f->tier);
	sqlite3_bind_int(st, 8, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		sub_from_row(st, &s);
		if (cb(&s, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- declarations ---- */

/*
 * Replaces the declaration of d->requirement on the submission (or adds
 * it).  All of d's strings are read; updated_at and updated_by are set by
 * the caller.
 */
int
store_declaration_put(struct db *db, const char *submission_id,
    const struct declaration *d)
{
	sqlite3_stmt *st;

	assert(d->requirement != NULL && d->status != NULL);
	if ((st = db_prepare(db, "INSERT INTO declarations (submission_id, "
	    "requirement, status, justification, evidence, updated_at, "
	    "updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (submission_id, requirement) DO UPDATE SET "
	    "status = excluded.status, justification = excluded.justification, "
	    "evidence = excluded.evidence, updated_at = excluded.updated_at, "
	    "updated_by = excluded.updated_by")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->requirement, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->justification ? d->justification : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->evidence ? d->evidence : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->updated_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, d->updated_by, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/*
 * Calls cb for every current declaration of the submission, ordered by
 * requirement id.  The strings cb sees live until it returns.
 */
int
store_declaration_list(struct db *db, const char *submission_id,
    int (*cb)(const struct declaration *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct declaration	 d;
	int			 rc;

	if ((st = db_prepare(db, "SELECT requirement, status, justification, "
	    "evidence, updated_at, updated_by FROM declarations "
	    "WHERE submission_id = ? ORDER BY requirement")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, submission_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		d.requirement = db_col_text(st, 0);
		d.status = db_col_text(st, 1);
		d.justification = db_col_text(st, 2);
		d.evidence = db_col_text(st, 3);
		d.updated_at = db_col_text(st, 4);
		d.updated_by = db_col_text(st, 5);
		if (cb(&d, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- lab reports ---- */

/*
 * Inserts report r (filling its id and created_at) with its n results,
 * in the order given.  Two results for one requirement are
 * STORE_CONFLICT.
 */
int
store_lab_report_insert(struct db *db, struct lab_report *r,
    const struct lab_result *res, size_t n)
{
	sqlite3_stmt	*st;
	int		 rc;

	store_new_id("rep", r->id, sizeof(r->id));
	store_now(r->created_at);
	if ((st = db_prepare(db, "INSERT INTO lab_reports (id, submission_id, "
	    "lab_id, tier, report_sha256, created_at, created_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->lab_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, r->tier);
	sqlite3_bind_text(st, 5, r->report_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->created_by, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	if ((st = db_prepare(db, "INSERT INTO lab_results (report_id, "
	    "requirement, verdict, notes, position) VALUES (?, ?, ?, ?, ?)"))
	    == NULL)
		return STORE_ERR;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, res[i].requirement, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, res[i].verdict, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, res[i].notes ? res[i].notes : "", -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)i);
		if ((rc = db_step_done(db, st)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

#define REPORT_COLS "id, submission_id, lab_id, tier, report_sha256, " \
	"created_at, created_by"
#define REPORT_COLS_P "p.id, p.submission_id, p.lab_id, p.tier, " \
	"p.report_sha256, p.created_at, p.created_by"

/* The report whose REPORT_COLS start at column c. */
static void
report_from_row_at(sqlite3_stmt *st, int c, struct lab_report *r)
{
	memset(r, 0, sizeof(*r));
	db_col_copy(st, c, r->id, sizeof(r->id));
	db_col_copy(st, c + 1, r->submission_id, sizeof(r->submission_id));
	db_col_copy(st, c + 2, r->lab_id, sizeof(r->lab_id));
	r->tier = sqlite3_column_int(st, c + 3);
	db_col_copy(st, c + 4, r->report_sha256, sizeof(r->report_sha256));
	db_col_copy(st, c + 5, r->created_at, sizeof(r->created_at));
	db_col_copy(st, c + 6, r->created_by, sizeof(r->created_by));
}

static void
report_from_row(sqlite3_stmt *st, struct lab_report *r)
{
	report_from_row_at(st, 0, r);
}

/* Calls cb for every report filed on the submission, oldest first. */
int
store_lab_report_list(struct db *db, const char *submission_id,
    int (*cb)(const struct lab_report *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct lab_report	 r;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " REPORT_COLS " FROM lab_reports "
	    "WHERE submission_id = ? ORDER BY seq")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, submission_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		report_from_row(st, &r);
		if (cb(&r, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * Calls cb for the results of one report in filed order; the strings cb
 * sees live until it returns.  Uses its own statement, so it may run
 * inside a store_lab_report_list callback.
 */
int
store_lab_result_list(struct db *db, const char *report_id,
    int (*cb)(const struct lab_result *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct lab_result	 r;
	int			 rc;

	if ((st = db_prepare(db, "SELECT requirement, verdict, notes "
	    "FROM lab_results WHERE report_id = ? ORDER BY position")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		r.requirement = db_col_text(st, 0);
		r.verdict = db_col_text(st, 1);
		r.notes = db_col_text(st, 2);
		if (cb(&r, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * Calls cb(result, report, arg) for the verdicts that count now: per
 * requirement, the latest verdict lab_id (the lab assigned now) filed on
 * the submission, so a retest that names one requirement supersedes only
 * that requirement's verdict.  Earlier verdicts and other labs' stay on
 * record only.  In filing order (report, then position in the report).
 */
int
store_lab_results_current(struct db *db, const char *submission_id,
    const char *lab_id, int (*cb)(const struct lab_result *,
    const struct lab_report *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct lab_result	 r;
	struct lab_report	 p;
	int			 rc;

	if ((st = db_prepare(db, "SELECT x.requirement, x.verdict, x.notes, "
	    REPORT_COLS_P " FROM lab_reports p JOIN lab_results x "
	    "ON x.report_id = p.id WHERE p.submission_id = ?1 AND "
	    "p.lab_id = ?2 AND p.seq = (SELECT max(q.seq) FROM lab_reports q "
	    "JOIN lab_results y ON y.report_id = q.id WHERE "
	    "q.submission_id = ?1 AND q.lab_id = ?2 AND "
	    "y.requirement = x.requirement) ORDER BY p.seq, x.position"))
	    == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lab_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		r.requirement = db_col_text(st, 0);
		r.verdict = db_col_text(st, 1);
		r.notes = db_col_text(st, 2);
		report_from_row_at(st, 3, &p);
		if (cb(&r, &p, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * The first fail any lab filed on the submission: STORE_OK with its
 * report's id in report_id (40 bytes), STORE_NOTFOUND when none.
 */
int
store_lab_fail_first(struct db *db, const char *submission_id,
    char *report_id)
{
	sqlite3_stmt	*st;
	int		 rc, found;

	if ((st = db_prepare(db, "SELECT p.id FROM lab_reports p JOIN "
	    "lab_results x ON x.report_id = p.id WHERE p.submission_id = ? "
	    "AND x.verdict = 'fail' ORDER BY p.seq LIMIT 1")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, submission_id, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW)
		db_col_copy(st, 0, report_id, 40);
	found = rc == SQLITE_ROW;
	if (db_walk_done(db, st, rc, __func__) != STORE_OK)
		return STORE_ERR;
	return found ? STORE_OK : STORE_NOTFOUND;
}

/*
 * STORE_OK when a submission of product_id (of its version, unless version
 * is NULL) is assigned to lab_id now, STORE_NOTFOUND when none is: what
 * an assigned lab may read of a product.
 */
int
store_submission_lab_covers(struct db *db, const char *lab_id,
    const char *product_id, const char *version)
{
	sqlite3_stmt	*st;
	int		 rc, found;

	if ((st = db_prepare(db, "SELECT 1 FROM submissions WHERE lab_id = ? "
	    "AND product_id = ? AND (?3 IS NULL OR product_version = ?3) "
	    "LIMIT 1")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, lab_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, product_id, -1, SQLITE_STATIC);
	db_bind_opt(st, 3, version);
	rc = db_step(db, st);
	found = rc == SQLITE_ROW;
	if (db_walk_done(db, st, rc, __func__) != STORE_OK)
		return STORE_ERR;
	return found ? STORE_OK : STORE_NOTFOUND;
}

/*
 * For the assessment of a submission of version than: STORE_OK with *yes
 * 1 when version of product_id was registered no later than than (seq
 * order; the same version counts), 0 when later; STORE_NOTFOUND when
 * either is no version of the product.
 */
int
store_version_not_after(struct db *db, const char *product_id,
    const char *version, const char *than, int *yes)
{
	sqlite3_stmt	*st;
	int		 rc, found;

	if ((st = db_prepare(db, "SELECT a.seq <= b.seq FROM product_versions "
	    "a, product_versions b WHERE a.product_id = ?1 AND a.version = ?2 "
	    "AND b.product_id = ?1 AND b.version = ?3")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, than, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW)
		*yes = sqlite3_column_int(st, 0);
	found = rc == SQLITE_ROW;
	if (db_walk_done(db, st, rc, __func__) != STORE_OK)
		return STORE_ERR;
	return found ? STORE_OK : STORE_NOTFOUND;
}

/* ---- audit trail ---- */

/*
 * Appends e to the audit trail, filling e->seq; e->at is set by the
 * caller.  Rows are never updated or deleted (triggers refuse it).
 */
int
store_sub_event_append(struct db *db, struct sub_event *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "INSERT INTO submission_events "
	    "(submission_id, at, org_id, role, token_id, action, from_state, "
	    "to_state, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
	    == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, e->submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->token_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->action, -1, SQLITE_STATIC);
	db_bind_opt(st, 7, e->from_state);
	db_bind_opt(st, 8, e->to_state);
	db_bind_opt(st, 9, e->reason);
	db_bind_opt(st, 10, e->detail);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	e->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/*
 * Calls cb for up to limit events of the submission with seq > after,
 * oldest first.  Absent optional fields are "" in what cb sees; the
 * strings live until cb returns.
 */
int
store_sub_event_list(struct db *db, const char *submission_id, int64_t after,
    int limit, int (*cb)(const struct sub_event *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct sub_event	 e;
	int			 rc;

	if ((st = db_prepare(db, "SELECT seq, submission_id, at, org_id, role, "
	    "token_id, action, from_state, to_state, reason, detail "
	    "FROM submission_events WHERE submission_id = ? AND seq > ? "
	    "ORDER BY seq LIMIT ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		e.seq = sqlite3_column_int64(st, 0);
		e.submission_id = db_col_text(st, 1);
		e.at = db_col_text(st, 2);
		e.org_id = db_col_text(st, 3);
		e.role = db_col_text(st, 4);
		e.token_id = db_col_text(st, 5);
		e.action = db_col_text(st, 6);
		e.from_state = db_col_text(st, 7);
		e.to_state = db_col_text(st, 8);
		e.reason = db_col_text(st, 9);
		e.detail = db_col_text(st, 10);
		if (cb(&e, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- label ids ---- */

/*
 * Takes the next number of the sequence named prefix (1 for a new one)
 * into *seq.  Inside the caller's transaction, so a rolled-back approval
 * gives its number back.
 */
int
store_label_seq_next(struct db *db, const char *prefix, int64_t *seq)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "INSERT INTO label_sequences (prefix, last) "
	    "VALUES (?, 1) ON CONFLICT (prefix) DO UPDATE SET last = last + 1 "
	    "RETURNING last")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		rc = db_step(db, st);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	db_error(db, __func__);
	return STORE_ERR;
}

/*
 * Counts the submissions by state: cb(state, count, arg) per state
 * present.  STORE_OK or STORE_ERR.
 */
int
store_submission_count_by_state(struct db *db,
    int (*cb)(const char *, int64_t, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "SELECT state, count(*) FROM submissions "
	    "GROUP BY state ORDER BY state")) == NULL)
		return STORE_ERR;
	while ((rc = db_step(db, st)) == SQLITE_ROW)
		if (cb((const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1), arg) == -1)
			break;
	return db_walk_done(db, st, rc, __func__);
}
