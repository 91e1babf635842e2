/*
 * store_keys.c: the signing_keys table.  It holds public keys and where
 * each private key file lives, never private material.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "labeld.h"

#define KEY_COLS "kid, public_key, file, sealed, status, created_at, " \
	"coalesce(retired_at, ''), coalesce(compromised_at, ''), seq"

static void
key_from_row(sqlite3_stmt *st, void *out)
{
	struct signing_key	*k = out;

	memset(k, 0, sizeof(*k));
	db_col_copy(st, 0, k->kid, sizeof(k->kid));
	if (sqlite3_column_bytes(st, 1) == (int)sizeof(k->pk))
		memcpy(k->pk, sqlite3_column_blob(st, 1), sizeof(k->pk));
	db_col_copy(st, 2, k->file, sizeof(k->file));
	k->sealed = sqlite3_column_int(st, 3);
	db_col_copy(st, 4, k->status, sizeof(k->status));
	db_col_copy(st, 5, k->created_at, sizeof(k->created_at));
	db_col_copy(st, 6, k->retired_at, sizeof(k->retired_at));
	db_col_copy(st, 7, k->compromised_at, sizeof(k->compromised_at));
	k->seq = sqlite3_column_int64(st, 8);
}

/*
 * Inserts k (kid, pk, file, sealed, status, created_at set by the caller)
 * and fills its seq.  STORE_CONFLICT when the kid or public key exists, or
 * k is active while another key is.
 */
int
store_key_insert(struct db *db, struct signing_key *k)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "INSERT INTO signing_keys (kid, public_key, "
	    "file, sealed, status, created_at, retired_at, compromised_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, nullif(?, ''), nullif(?, ''))")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, k->kid, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, k->pk, sizeof(k->pk), SQLITE_STATIC);
	sqlite3_bind_text(st, 3, k->file, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, k->sealed ? 1 : 0);
	sqlite3_bind_text(st, 5, k->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, k->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, k->retired_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, k->compromised_at, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	k->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/*
 * The signing key kid (public half and metadata) into *k: STORE_OK,
 * STORE_NOTFOUND or STORE_ERR (logged).
 */
int
store_key_get(struct db *db, const char *kid, struct signing_key *k)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " KEY_COLS " FROM signing_keys "
	    "WHERE kid = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, kid, -1, SQLITE_STATIC);
	return db_get_one(db, st, key_from_row, k, __func__);
}

/* The key that signs now; STORE_NOTFOUND when none is active. */
int
store_key_active(struct db *db, struct signing_key *k)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " KEY_COLS " FROM signing_keys "
	    "WHERE status = 'active'")) == NULL)
		return STORE_ERR;
	return db_get_one(db, st, key_from_row, k, __func__);
}

/*
 * How many signing keys exist, ever, into *n: STORE_OK, or STORE_ERR
 * (logged) with *n 0.
 */
int
store_key_count(struct db *db, int64_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	if ((st = db_prepare(db, "SELECT count(*) FROM signing_keys")) == NULL)
		return STORE_ERR;
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_error(db, __func__);
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Every key ever made, oldest first; cb returning -1 stops the walk. */
int
store_key_list(struct db *db, int (*cb)(const struct signing_key *, void *),
    void *arg)
{
	sqlite3_stmt		*st;
	struct signing_key	 k;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " KEY_COLS " FROM signing_keys "
	    "ORDER BY seq")) == NULL)
		return STORE_ERR;
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		key_from_row(st, &k);
		if (cb(&k, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* Retires the active key kid at time at; STORE_NOTFOUND unless active. */
int
store_key_retire(struct db *db, const char *kid, const char *at)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE signing_keys SET status = 'retired', "
	    "retired_at = ? WHERE kid = ? AND status = 'active'")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kid, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * Marks kid compromised since `since`; an active key is retired at `at`
 * as well (it must not sign again).  An already compromised key only
 * moves its time earlier.  STORE_NOTFOUND when kid is unknown.
 */
int
store_key_compromise(struct db *db, const char *kid, const char *since,
    const char *at)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE signing_keys SET "
	    "status = 'compromised', "
	    "retired_at = coalesce(retired_at, ?1), "
	    "compromised_at = CASE WHEN compromised_at IS NULL OR "
	    "compromised_at > ?2 THEN ?2 ELSE compromised_at END "
	    "WHERE kid = ?3")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kid, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/* ---- next_keys: the committed next signing key (pre-rotation) ---- */

#define NEXT_COLS "kid, public_key, digest, file, sealed, created_at, " \
	"coalesce(promoted_at, ''), seq"

static void
next_from_row(sqlite3_stmt *st, void *out)
{
	struct next_key	*k = out;

	memset(k, 0, sizeof(*k));
	db_col_copy(st, 0, k->kid, sizeof(k->kid));
	if (sqlite3_column_bytes(st, 1) == (int)sizeof(k->pk))
		memcpy(k->pk, sqlite3_column_blob(st, 1), sizeof(k->pk));
	db_col_copy(st, 2, k->digest, sizeof(k->digest));
	db_col_copy(st, 3, k->file, sizeof(k->file));
	k->sealed = sqlite3_column_int(st, 4);
	db_col_copy(st, 5, k->created_at, sizeof(k->created_at));
	db_col_copy(st, 6, k->promoted_at, sizeof(k->promoted_at));
	k->seq = sqlite3_column_int64(st, 7);
}

/*
 * Records k (kid, pk, digest, file, sealed, created_at set by the caller)
 * as the committed next key.  STORE_CONFLICT when one is committed
 * already or the kid or public key exists.
 */
int
store_next_key_insert(struct db *db, struct next_key *k)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "INSERT INTO next_keys (kid, public_key, "
	    "digest, file, sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, k->kid, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, k->pk, sizeof(k->pk), SQLITE_STATIC);
	sqlite3_bind_text(st, 3, k->digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, k->file, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, k->sealed ? 1 : 0);
	sqlite3_bind_text(st, 6, k->created_at, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	k->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/* The committed (not yet promoted) next key; STORE_NOTFOUND when none. */
int
store_next_key_committed(struct db *db, struct next_key *k)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " NEXT_COLS " FROM next_keys "
	    "WHERE promoted_at IS NULL")) == NULL)
		return STORE_ERR;
	return db_get_one(db, st, next_from_row, k, __func__);
}

/* Marks the committed next key kid promoted at `at`; else NOTFOUND. */
int
store_next_key_promote(struct db *db, const char *kid, const char *at)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE next_keys SET promoted_at = ? "
	    "WHERE kid = ? AND promoted_at IS NULL")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kid, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}
