/*
 * store_schemes.c: published scheme versions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

/* Inserts a version; STORE_CONFLICT when (id, version) exists. */
int
store_scheme_insert(struct db *db, const char *id, int version,
    const char *title, const char *doc, const char *sha256,
    const char *by_org)
{
	sqlite3_stmt	*st;
	char		 now[32];

	store_now(now);
	if ((st = db_prepare(db, "INSERT INTO scheme_versions (scheme_id, "
	    "version, title, doc, sha256, published_at, published_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, doc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if (by_org != NULL)
		sqlite3_bind_text(st, 7, by_org, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* The stored document text of (id, version), malloc'd into *doc. */
int
store_scheme_doc(struct db *db, const char *id, int version, char **doc)
{
	sqlite3_stmt	*st;
	size_t		 len;

	*doc = NULL;
	if ((st = db_prepare(db, "SELECT doc FROM scheme_versions "
	    "WHERE scheme_id = ? AND version = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, version);
	return db_get_text(db, st, doc, &len, __func__);
}

/* The highest published version of id; STORE_NOTFOUND when none. */
int
store_scheme_latest(struct db *db, const char *id, int *version)
{
	sqlite3_stmt	*st;
	int		 rc;

	*version = 0;
	if ((st = db_prepare(db, "SELECT max(version) FROM scheme_versions "
	    "WHERE scheme_id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_error(db, __func__);
		return STORE_ERR;
	}
	return *version > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* Walks every version of one scheme, or of all when id is NULL. */
int
store_scheme_list(struct db *db, const char *id,
    int (*cb)(const struct scheme_row *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct scheme_row	 row;
	int			 rc;

	if ((st = db_prepare(db, "SELECT scheme_id, version, title, "
	    "published_at, sha256 FROM scheme_versions "
	    "WHERE ?1 IS NULL OR scheme_id = ?1 "
	    "ORDER BY scheme_id, version")) == NULL)
		return STORE_ERR;
	if (id != NULL)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		snprintf(row.id, sizeof(row.id), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		row.version = sqlite3_column_int(st, 1);
		snprintf(row.title, sizeof(row.title), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		snprintf(row.published_at, sizeof(row.published_at), "%s",
		    (const char *)sqlite3_column_text(st, 3));
		snprintf(row.sha256, sizeof(row.sha256), "%s",
		    (const char *)sqlite3_column_text(st, 4));
		if (cb(&row, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}
