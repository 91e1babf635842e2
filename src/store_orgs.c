/*
 * store_orgs.c: organisations and API tokens.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "labeld.h"
#include "crypto.h"

static void
org_from_row(sqlite3_stmt *st, void *out)
{
	struct org	*o = out;

	memset(o, 0, sizeof(*o));
	db_col_copy(st, 0, o->id, sizeof(o->id));
	db_col_copy(st, 1, o->name, sizeof(o->name));
	db_col_copy(st, 2, o->kind, sizeof(o->kind));
	db_col_copy(st, 3, o->country, sizeof(o->country));
	db_col_copy(st, 4, o->created_at, sizeof(o->created_at));
	o->seq = sqlite3_column_int64(st, 5);
}

#define ORG_COLS "id, name, kind, country, created_at, rowid"

/* Inserts o, filling its id, created_at and seq. */
int
store_org_insert(struct db *db, struct org *o)
{
	sqlite3_stmt	*st;
	int		 rc;

	store_new_id("org", o->id, sizeof(o->id));
	store_now(o->created_at);
	if ((st = db_prepare(db, "INSERT INTO organizations (id, name, kind, "
	    "country, created_at) VALUES (?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, o->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->country, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->created_at, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	o->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/*
 * The organisation id into *o: STORE_OK, STORE_NOTFOUND or STORE_ERR
 * (logged).
 */
int
store_org_get(struct db *db, const char *id, struct org *o)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " ORG_COLS " FROM organizations "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_get_one(db, st, org_from_row, o, __func__);
}

/* The authority this server acts for: the first one created. */
int
store_first_authority(struct db *db, struct org *o)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " ORG_COLS " FROM organizations "
	    "WHERE kind = 'authority' ORDER BY rowid LIMIT 1")) == NULL)
		return STORE_ERR;
	return db_get_one(db, st, org_from_row, o, __func__);
}

/*
 * Calls cb for up to limit organisations with rowid > after, in rowid
 * order, optionally of one kind.  cb returning -1 stops the walk.
 */
int
store_org_list(struct db *db, const char *kind, int64_t after, int limit,
    int (*cb)(const struct org *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct org	 o;
	int		 rc;

	if ((st = db_prepare(db, "SELECT " ORG_COLS " FROM organizations "
	    "WHERE rowid > ? AND (?2 IS NULL OR kind = ?2) "
	    "ORDER BY rowid LIMIT ?3")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, after);
	if (kind != NULL)
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		org_from_row(st, &o);
		if (cb(&o, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * Stores token t with the hash of its secret (the secret itself is never
 * stored): STORE_OK, STORE_CONFLICT on a constraint (an id that exists), or
 * STORE_ERR (logged).
 */
int
store_token_insert(struct db *db, const struct token *t,
    const uint8_t hash[32])
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO tokens (id, org_id, role, label, "
	    "hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->label, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, t->created_at, -1, SQLITE_STATIC);
	if (t->expires_at[0] != '\0')
		sqlite3_bind_text(st, 7, t->expires_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

static void
token_from_row(sqlite3_stmt *st, void *out)
{
	struct token	*t = out;

	memset(t, 0, sizeof(*t));
	db_col_copy(st, 0, t->id, sizeof(t->id));
	db_col_copy(st, 1, t->org_id, sizeof(t->org_id));
	db_col_copy(st, 2, t->role, sizeof(t->role));
	db_col_copy(st, 3, t->label, sizeof(t->label));
	db_col_copy(st, 4, t->created_at, sizeof(t->created_at));
	db_col_copy(st, 5, t->revoked_at, sizeof(t->revoked_at));
	db_col_copy(st, 6, t->expires_at, sizeof(t->expires_at));
}

#define TOKEN_COLS \
	"id, org_id, role, label, created_at, revoked_at, expires_at"

/* Walks the tokens of one organisation, or of all when org_id is NULL. */
int
store_token_list(struct db *db, const char *org_id,
    int (*cb)(const struct token *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct token	 t;
	int		 rc;

	if ((st = db_prepare(db, "SELECT " TOKEN_COLS " FROM tokens "
	    "WHERE ?1 IS NULL OR org_id = ?1 ORDER BY rowid")) == NULL)
		return STORE_ERR;
	if (org_id != NULL)
		sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		token_from_row(st, &t);
		if (cb(&t, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * The token id (its metadata; no secret, no hash) into *t: STORE_OK,
 * STORE_NOTFOUND or STORE_ERR (logged).
 */
int
store_token_get(struct db *db, const char *id, struct token *t)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " TOKEN_COLS " FROM tokens "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_get_one(db, st, token_from_row, t, __func__);
}

/* Revokes a live token; STORE_NOTFOUND when unknown or already revoked. */
int
store_token_revoke(struct db *db, const char *id)
{
	sqlite3_stmt	*st;
	char		 now[32];
	int		 rc;

	store_now(now);
	if ((st = db_prepare(db, "UPDATE tokens SET revoked_at = ? "
	    "WHERE id = ? AND revoked_at IS NULL")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * The token whose keyed hash is hash, with its organisation's kind, live
 * or not (p->revoked_at, p->expires_at say; auth.c judges).
 */
int
store_principal_by_hash(struct db *db, const uint8_t hash[32],
    struct principal *p)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "SELECT t.id, t.org_id, o.kind, t.role, t.hash, "
	    "t.revoked_at, t.expires_at "
	    "FROM tokens t JOIN organizations o ON o.id = t.org_id "
	    "WHERE t.hash = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	rc = db_step(db, st);
	/*
	 * The index found the row; compare again in constant time so the
	 * answer never depends on how many leading bytes matched.
	 */
	if (rc == SQLITE_ROW && (sqlite3_column_bytes(st, 4) != 32 ||
	    !lc_equal(sqlite3_column_blob(st, 4), hash, 32)))
		rc = SQLITE_DONE;
	if (rc == SQLITE_ROW) {
		memset(p, 0, sizeof(*p));
		db_col_copy(st, 0, p->token_id, sizeof(p->token_id));
		db_col_copy(st, 1, p->org_id, sizeof(p->org_id));
		db_col_copy(st, 2, p->org_kind, sizeof(p->org_kind));
		p->role = role_byname(db_col_text(st, 3));
		db_col_copy(st, 5, p->revoked_at, sizeof(p->revoked_at));
		db_col_copy(st, 6, p->expires_at, sizeof(p->expires_at));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, __func__);
	return STORE_ERR;
}

/*
 * The token id (live or not: p->revoked_at says) with its organisation's
 * kind, as store_principal_by_hash fills it.  STORE_NOTFOUND when none.
 */
int
store_principal_by_id(struct db *db, const char *id, struct principal *p)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "SELECT t.id, t.org_id, o.kind, t.role, "
	    "t.revoked_at, t.expires_at FROM tokens t JOIN organizations o "
	    "ON o.id = t.org_id WHERE t.id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(p, 0, sizeof(*p));
		db_col_copy(st, 0, p->token_id, sizeof(p->token_id));
		db_col_copy(st, 1, p->org_id, sizeof(p->org_id));
		db_col_copy(st, 2, p->org_kind, sizeof(p->org_kind));
		p->role = role_byname(db_col_text(st, 3));
		db_col_copy(st, 4, p->revoked_at, sizeof(p->revoked_at));
		db_col_copy(st, 5, p->expires_at, sizeof(p->expires_at));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, __func__);
	return STORE_ERR;
}
