/*
 * store_trust.c: the trust_bundles table, every trust bundle version ever
 * issued as the exact bytes signed.  Append-only (triggers of 0007).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "labeld.h"

static void
row_from(sqlite3_stmt *st, struct trust_bundle_row *r)
{
	memset(r, 0, sizeof(*r));
	r->version = sqlite3_column_int64(st, 0);
	db_col_copy(st, 1, r->content_sha256, sizeof(r->content_sha256));
	db_col_copy(st, 2, r->kid, sizeof(r->kid));
	db_col_copy(st, 3, r->issued_at, sizeof(r->issued_at));
	db_col_copy(st, 4, r->expires_at, sizeof(r->expires_at));
}

/* One row of st into r and its bundle (malloc'd) into *bundle. */
static int
get_row(struct db *db, sqlite3_stmt *st, struct trust_bundle_row *r,
    char **bundle, size_t *len, const char *where)
{
	int rc = db_step(db, st);

	*bundle = NULL;
	*len = 0;
	if (rc == SQLITE_ROW) {
		row_from(st, r);
		if (db_col_dup(st, 5, bundle, len) == -1) {
			sqlite3_reset(st);
			return STORE_ERR;
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, where);
	return STORE_ERR;
}

#define TB_COLS "version, content_sha256, kid, issued_at, expires_at, bundle"

/*
 * The newest version: r filled, *bundle (malloc'd, the exact bytes) and
 * *len.  STORE_NOTFOUND when none was ever issued.
 */
int
store_trust_bundle_latest(struct db *db, struct trust_bundle_row *r,
    char **bundle, size_t *len)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " TB_COLS " FROM trust_bundles "
	    "ORDER BY version DESC LIMIT 1")) == NULL)
		return STORE_ERR;
	return get_row(db, st, r, bundle, len, __func__);
}

/* Version `version` as store_trust_bundle_latest; STORE_NOTFOUND. */
int
store_trust_bundle_get(struct db *db, int64_t version,
    struct trust_bundle_row *r, char **bundle, size_t *len)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " TB_COLS " FROM trust_bundles "
	    "WHERE version = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, version);
	return get_row(db, st, r, bundle, len, __func__);
}

/* Appends version r->version (the next one) with its signed bytes. */
int
store_trust_bundle_insert(struct db *db, const struct trust_bundle_row *r,
    const char *bundle, size_t len)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO trust_bundles (version, bundle, "
	    "content_sha256, kid, issued_at, expires_at) VALUES (?, ?, ?, ?, "
	    "?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, r->version);
	sqlite3_bind_text(st, 2, bundle, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->content_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->kid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->issued_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->expires_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}
