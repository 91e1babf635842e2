/*
 * store_labs.c: lab approvals.  Each approval the regulator gives is a new
 * row; the newest row of a lab is the one in force, the older ones record
 * what the lab was approved for at the time it reported.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "labeld.h"

/*
 * Records approval a (lab_id, tiers, valid_until, scheme, approved_by set
 * by the caller; the caller checked that lab_id is a lab) and fills its
 * approved_at and seq.  It replaces the lab's previous approval.
 */
int
store_lab_approval_put(struct db *db, struct lab_approval *a)
{
	sqlite3_stmt	*st;
	int		 rc;

	assert(a->tiers != 0 && (a->tiers & 1) == 0);
	store_now(a->approved_at);
	if ((st = db_prepare(db, "INSERT INTO lab_approvals (lab_id, tiers, "
	    "valid_until, scheme, approved_by, approved_at) "
	    "VALUES (?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, a->lab_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)a->tiers);
	sqlite3_bind_text(st, 3, a->valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->scheme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->approved_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->approved_at, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	a->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

static void
approval_from_row(sqlite3_stmt *st, void *out)
{
	struct lab_approval *a = out;

	memset(a, 0, sizeof(*a));
	db_col_copy(st, 0, a->lab_id, sizeof(a->lab_id));
	a->tiers = (unsigned)sqlite3_column_int(st, 1);
	db_col_copy(st, 2, a->valid_until, sizeof(a->valid_until));
	db_col_copy(st, 3, a->scheme, sizeof(a->scheme));
	db_col_copy(st, 4, a->approved_by, sizeof(a->approved_by));
	db_col_copy(st, 5, a->approved_at, sizeof(a->approved_at));
	a->seq = sqlite3_column_int64(st, 6);
}

/*
 * The approval in force for lab_org_id (its newest), expired or not: the
 * caller compares valid_until with the date that matters to it (the
 * workflow's lab rules).  STORE_NOTFOUND when never approved.
 */
int
store_lab_approval_get(struct db *db, const char *lab_org_id,
    struct lab_approval *a)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT lab_id, tiers, valid_until, scheme, "
	    "approved_by, approved_at, seq FROM lab_approvals "
	    "WHERE lab_id = ? ORDER BY seq DESC LIMIT 1")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, lab_org_id, -1, SQLITE_STATIC);
	return db_get_one(db, st, approval_from_row, a, __func__);
}


/*
 * Walks the labs whose approval in force (their newest) runs to day or
 * later, in organisation order after the cursor `after`, at most limit:
 * cb gets the organisation and that approval.  STORE_OK or STORE_ERR.
 */
int
store_lab_list_approved(struct db *db, const char *day, int64_t after,
    int limit, int (*cb)(const struct org *, const struct lab_approval *,
    void *), void *arg)
{
	sqlite3_stmt		*st;
	struct org		 o;
	struct lab_approval	 a;
	int			 rc;

	if ((st = db_prepare(db, "SELECT o.id, o.name, o.country, o.rowid, "
	    "a.lab_id, a.tiers, a.valid_until, a.scheme, a.approved_by, "
	    "a.approved_at, a.seq FROM organizations o JOIN lab_approvals a "
	    "ON a.seq = (SELECT max(seq) FROM lab_approvals WHERE lab_id = "
	    "o.id) WHERE o.kind = 'lab' AND o.rowid > ? AND a.valid_until >= ? "
	    "ORDER BY o.rowid LIMIT ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(&o, 0, sizeof(o));
		db_col_copy(st, 0, o.id, sizeof(o.id));
		db_col_copy(st, 1, o.name, sizeof(o.name));
		db_col_copy(st, 2, o.country, sizeof(o.country));
		snprintf(o.kind, sizeof(o.kind), "lab");
		o.seq = sqlite3_column_int64(st, 3);
		memset(&a, 0, sizeof(a));
		db_col_copy(st, 4, a.lab_id, sizeof(a.lab_id));
		a.tiers = (unsigned)sqlite3_column_int(st, 5);
		db_col_copy(st, 6, a.valid_until, sizeof(a.valid_until));
		db_col_copy(st, 7, a.scheme, sizeof(a.scheme));
		db_col_copy(st, 8, a.approved_by, sizeof(a.approved_by));
		db_col_copy(st, 9, a.approved_at, sizeof(a.approved_at));
		a.seq = sqlite3_column_int64(st, 10);
		if (cb(&o, &a, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}
