/*
 * store_recognitions.c: the table of 0012 (recognised labels, the foreign
 * credential's exact bytes, the local rows its vendor and product map
 * to), and the partner's latest status list copies as exact bytes for
 * the trust store recognition.c builds.  The rules are recognition.c's.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "labeld.h"

#define REC_COLS "id, label_id, partner_id, agreement_id, foreign_id, " \
	"foreign_issuer, foreign_tier, foreign_valid_until, digest, " \
	"foreign_vendor, foreign_product, vendor_id, product_id, tier, " \
	"follow, created_at, created_by, seq"

static void
rec_from_row(sqlite3_stmt *st, void *out)
{
	struct recognition	*r = out;

	memset(r, 0, sizeof(*r));
	db_col_copy(st, 0, r->id, sizeof(r->id));
	db_col_copy(st, 1, r->label_id, sizeof(r->label_id));
	db_col_copy(st, 2, r->partner_id, sizeof(r->partner_id));
	db_col_copy(st, 3, r->agreement_id, sizeof(r->agreement_id));
	db_col_copy(st, 4, r->foreign_id, sizeof(r->foreign_id));
	db_col_copy(st, 5, r->foreign_issuer, sizeof(r->foreign_issuer));
	r->foreign_tier = sqlite3_column_int(st, 6);
	db_col_copy(st, 7, r->foreign_valid_until,
	    sizeof(r->foreign_valid_until));
	db_col_copy(st, 8, r->digest, sizeof(r->digest));
	db_col_copy(st, 9, r->foreign_vendor, sizeof(r->foreign_vendor));
	db_col_copy(st, 10, r->foreign_product, sizeof(r->foreign_product));
	db_col_copy(st, 11, r->vendor_id, sizeof(r->vendor_id));
	db_col_copy(st, 12, r->product_id, sizeof(r->product_id));
	r->tier = sqlite3_column_int(st, 13);
	db_col_copy(st, 14, r->follow, sizeof(r->follow));
	db_col_copy(st, 15, r->created_at, sizeof(r->created_at));
	db_col_copy(st, 16, r->created_by, sizeof(r->created_by));
	r->seq = sqlite3_column_int64(st, 17);
}

/*
 * Records r (every field set but id, created_at, follow and seq, filled
 * here) with the foreign credential's len exact bytes.  STORE_CONFLICT
 * when the partner's credential (its id or its digest) is recognised
 * already.
 */
int
store_recognition_insert(struct db *db, struct recognition *r,
    const char *credential, size_t len)
{
	sqlite3_stmt	*st;

	store_new_id("rec", r->id, sizeof(r->id));
	store_now(r->created_at);
	snprintf(r->follow, sizeof(r->follow), "none");
	if ((st = db_prepare(db, "INSERT INTO recognitions (id, label_id, "
	    "partner_id, agreement_id, foreign_id, foreign_issuer, "
	    "foreign_tier, foreign_valid_until, credential, digest, "
	    "foreign_vendor, foreign_product, vendor_id, product_id, tier, "
	    "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->label_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->agreement_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->foreign_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->foreign_issuer, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, r->foreign_tier);
	sqlite3_bind_text(st, 8, r->foreign_valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, credential, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, r->foreign_vendor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, r->foreign_product, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, r->vendor_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, r->product_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 15, r->tier);
	sqlite3_bind_text(st, 16, r->created_at, -1, SQLITE_STATIC);
	db_bind_opt(st, 17, r->created_by);
	return db_step_done(db, st);
}

/* Recognition id: STORE_OK, STORE_NOTFOUND or STORE_ERR. */
int
store_recognition_get(struct db *db, const char *id, struct recognition *r)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " REC_COLS " FROM recognitions "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_get_one(db, st, rec_from_row, r, __func__);
}

/* The recognition of partner_id's credential foreign_id, as _get. */
int
store_recognition_by_foreign(struct db *db, const char *partner_id,
    const char *foreign_id, struct recognition *r)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " REC_COLS " FROM recognitions "
	    "WHERE partner_id = ? AND foreign_id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, foreign_id, -1, SQLITE_STATIC);
	return db_get_one(db, st, rec_from_row, r, __func__);
}

/*
 * Recognitions after seq `after` in seq order, at most limit (< 0: all),
 * of partner_id only when not NULL.  cb returning -1 stops the walk.
 */
int
store_recognition_list(struct db *db, const char *partner_id, int64_t after,
    int limit, int (*cb)(const struct recognition *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct recognition	 r;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " REC_COLS " FROM recognitions "
	    "WHERE seq > ? AND (?2 IS NULL OR partner_id = ?2) ORDER BY seq "
	    "LIMIT ?3")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, after);
	db_bind_opt(st, 2, partner_id);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		rec_from_row(st, &r);
		if (cb(&r, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* The foreign credential's exact bytes (malloc'd). */
int
store_recognition_credential(struct db *db, const char *id, char **buf,
    size_t *len)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT credential FROM recognitions WHERE "
	    "id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_get_text(db, st, buf, len, __func__);
}

/* Why labeld holds the recognised label suspended (none partner stale). */
int
store_recognition_set_follow(struct db *db, const char *id,
    const char *follow)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE recognitions SET follow = ? WHERE "
	    "id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, follow, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) == STORE_OK &&
	    sqlite3_changes(db->conn) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

/*
 * The local organisation and product an earlier recognition made for
 * partner_id's vendor foreign_vendor and product foreign_product; either
 * left "" when none did.  STORE_OK or STORE_ERR.
 */
int
store_recognition_local_party(struct db *db, const char *partner_id,
    const char *foreign_vendor, const char *foreign_product,
    char vendor_id[40], char product_id[40])
{
	sqlite3_stmt	*st;
	int		 rc;

	vendor_id[0] = product_id[0] = '\0';
	if ((st = db_prepare(db, "SELECT vendor_id, foreign_product = ?3, "
	    "product_id FROM recognitions WHERE partner_id = ?1 AND "
	    "foreign_vendor = ?2 ORDER BY (foreign_product = ?3) DESC, seq "
	    "LIMIT 1")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, foreign_vendor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, foreign_product, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_col_copy(st, 0, vendor_id, 40);
		if (sqlite3_column_int(st, 1))
			db_col_copy(st, 2, product_id, 40);
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * The latest copy (by validFrom) of each status list kept for
 * partner_id, as its exact bytes (borrowed for the call).
 */
int
store_partner_list_copies(struct db *db, const char *partner_id,
    int (*cb)(const char *credential, size_t len, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "SELECT credential FROM partner_status_lists "
	    "s WHERE partner_id = ? AND valid_from = (SELECT max(valid_from) "
	    "FROM partner_status_lists WHERE partner_id = s.partner_id AND "
	    "list_id = s.list_id) ORDER BY list_id")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW)
		if (cb((const char *)sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), arg) == -1)
			break;
	return db_walk_done(db, st, rc, __func__);
}
