/*
 * store_evidence.c: the metadata of evidence uploads (which submission,
 * who, what media type and file name); the bytes themselves are files
 * named by their SHA-256 (evidence.c).
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "labeld.h"

#define EVIDENCE_COLS "submission_id, sha256, size, media_type, filename, " \
	"uploaded_by, created_at, seq, kind"

static void
evidence_from_row(sqlite3_stmt *st, void *out)
{
	struct evidence	*e = out;

	memset(e, 0, sizeof(*e));
	db_col_copy(st, 0, e->submission_id, sizeof(e->submission_id));
	db_col_copy(st, 1, e->sha256, sizeof(e->sha256));
	e->size = sqlite3_column_int64(st, 2);
	db_col_copy(st, 3, e->media_type, sizeof(e->media_type));
	db_col_copy(st, 4, e->filename, sizeof(e->filename));
	db_col_copy(st, 5, e->uploaded_by, sizeof(e->uploaded_by));
	db_col_copy(st, 6, e->created_at, sizeof(e->created_at));
	e->seq = sqlite3_column_int64(st, 7);
	db_col_copy(st, 8, e->kind, sizeof(e->kind));
}

/*
 * Records evidence e (submission_id, sha256, size, media_type, filename,
 * kind, uploaded_by set by the caller, the file already stored by
 * evidence_put)
 * and fills its created_at and seq.  STORE_CONFLICT when the submission
 * already has this content: the caller may then answer the existing row
 * (store_evidence_get) to make re-uploads idempotent.  The caller checks
 * that the submission exists; this table cannot (see 0003_products.sql).
 */
int
store_evidence_insert(struct db *db, struct evidence *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	assert(e->submission_id[0] != '\0' && e->media_type[0] != '\0' &&
	    e->kind[0] != '\0');
	store_now(e->created_at);
	if ((st = db_prepare(db, "INSERT INTO evidence (submission_id, sha256, "
	    "size, media_type, filename, uploaded_by, created_at, kind) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, e->submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, e->size);
	sqlite3_bind_text(st, 4, e->media_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->filename, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->uploaded_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, e->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e->kind, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	e->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/* The evidence sha256 of submission_id; STORE_NOTFOUND when it has none. */
int
store_evidence_get(struct db *db, const char *submission_id,
    const char *sha256, struct evidence *e)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " EVIDENCE_COLS " FROM evidence "
	    "WHERE submission_id = ? AND sha256 = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sha256, -1, SQLITE_STATIC);
	return db_get_one(db, st, evidence_from_row, e, __func__);
}

/*
 * Calls cb for up to limit evidence rows of submission_id with seq >
 * after, oldest first; cb returning -1 stops the walk.
 */
int
store_evidence_list(struct db *db, const char *submission_id, int64_t after,
    int limit, int (*cb)(const struct evidence *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct evidence	 e;
	int		 rc;

	if ((st = db_prepare(db, "SELECT " EVIDENCE_COLS " FROM evidence "
	    "WHERE submission_id = ? AND seq > ? ORDER BY seq LIMIT ?")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		evidence_from_row(st, &e);
		if (cb(&e, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}
