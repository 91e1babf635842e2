/*
 * store_tlog.c: the transparency log's tables (0008): leaves, subtree
 * hashes, the log key's public half and signed checkpoints.  All
 * append-only (triggers of 0008); nothing here hashes or signs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

/* Copies blob column i of exactly n bytes into out; -1 when it is not. */
static int
col_blob(sqlite3_stmt *st, int i, uint8_t *out, size_t n)
{
	const void *b = sqlite3_column_blob(st, i);

	if (b == NULL || (size_t)sqlite3_column_bytes(st, i) != n)
		return -1;
	memcpy(out, b, n);
	return 0;
}

/* The number of leaves (the next index) into *size. */
int
store_tlog_size(struct db *db, uint64_t *size)
{
	sqlite3_stmt	*st;
	int		 rc;

	*size = 0;
	if ((st = db_prepare(db, "SELECT coalesce(max(idx), -1) + 1 FROM "
	    "tlog_leaves")) == NULL)
		return STORE_ERR;
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		*size = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_error(db, __func__);
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Appends leaf l (l->idx must be the next index; the trigger refuses
 * another).  STORE_OK, STORE_CONFLICT or STORE_ERR. */
int
store_tlog_leaf_insert(struct db *db, const struct tlog_leaf *l)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO tlog_leaves (idx, entry, "
	    "leaf_hash, kind, label_id, appended_at) VALUES (?, ?, ?, ?, ?, "
	    "?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)l->idx);
	sqlite3_bind_blob(st, 2, l->entry, (int)l->len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, l->hash, TLOG_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, l->kind, -1, SQLITE_STATIC);
	db_bind_opt(st, 5, l->label_id);
	sqlite3_bind_text(st, 6, l->appended_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/*
 * Calls cb for the leaves start <= idx < end in order, at most limit of
 * them; the leaf's strings and entry are valid during the call only.  cb
 * returns non-zero to stop.  STORE_OK or STORE_ERR (a bad row too).
 */
int
store_tlog_leaf_walk(struct db *db, uint64_t start, uint64_t end,
    int64_t limit, int (*cb)(const struct tlog_leaf *, void *), void *arg)
{
	struct tlog_leaf	 l;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = db_prepare(db, "SELECT idx, entry, leaf_hash, kind, label_id, "
	    "appended_at FROM tlog_leaves WHERE idx >= ? AND idx < ? ORDER BY "
	    "idx LIMIT ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)start);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)end);
	sqlite3_bind_int64(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(&l, 0, sizeof(l));
		l.idx = (uint64_t)sqlite3_column_int64(st, 0);
		l.entry = sqlite3_column_blob(st, 1);
		l.len = (size_t)sqlite3_column_bytes(st, 1);
		if (col_blob(st, 2, l.hash, TLOG_HASH_LEN) == -1) {
			sqlite3_reset(st);
			log_error("%s: leaf %llu: bad leaf hash", __func__,
			    (unsigned long long)l.idx);
			return STORE_ERR;
		}
		l.kind = db_col_text(st, 3);
		l.label_id = db_col_text(st, 4);
		l.appended_at = db_col_text(st, 5);
		if (l.entry == NULL)
			l.entry = "";
		if (cb(&l, arg) != 0)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* The index of label_id's first leaf of kind into *idx.  STORE_OK,
 * STORE_NOTFOUND or STORE_ERR. */
int
store_tlog_leaf_of_label(struct db *db, const char *label_id,
    const char *kind, uint64_t *idx)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "SELECT idx FROM tlog_leaves WHERE label_id "
	    "= ? AND kind = ? ORDER BY idx LIMIT 1")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, label_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		*idx = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, __func__);
	return STORE_ERR;
}

/* The subtree hash (level, idx) into out.  STORE_OK, STORE_NOTFOUND or
 * STORE_ERR (a stored hash of the wrong length too). */
int
store_tlog_hash_get(struct db *db, unsigned level, uint64_t idx,
    uint8_t out[TLOG_HASH_LEN])
{
	sqlite3_stmt	*st;
	int		 rc, bad = 0;

	if ((st = db_prepare(db, "SELECT hash FROM tlog_hashes WHERE level = ? "
	    "AND idx = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		bad = col_blob(st, 0, out, TLOG_HASH_LEN);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && !bad)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, __func__);
	return STORE_ERR;
}

/* Stores the subtree hash (level, idx).  STORE_OK, STORE_CONFLICT (it is
 * stored already) or STORE_ERR. */
int
store_tlog_hash_insert(struct db *db, unsigned level, uint64_t idx,
    const uint8_t hash[TLOG_HASH_LEN])
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO tlog_hashes (level, idx, hash) "
	    "VALUES (?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	sqlite3_bind_blob(st, 3, hash, TLOG_HASH_LEN, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* The number of stored subtree hashes into *n. */
int
store_tlog_hash_count(struct db *db, uint64_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	if ((st = db_prepare(db, "SELECT count(*) FROM tlog_hashes")) == NULL)
		return STORE_ERR;
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_error(db, __func__);
		return STORE_ERR;
	}
	return STORE_OK;
}

static void
log_key_from(sqlite3_stmt *st, void *out)
{
	struct log_key *k = out;

	memset(k, 0, sizeof(*k));
	db_col_copy(st, 0, k->kid, sizeof(k->kid));
	db_col_copy(st, 1, k->origin, sizeof(k->origin));
	if (col_blob(st, 2, k->pk, sizeof(k->pk)) == -1)
		k->kid[0] = '\0';
	db_col_copy(st, 3, k->file, sizeof(k->file));
	db_col_copy(st, 4, k->created_at, sizeof(k->created_at));
	db_col_copy(st, 5, k->retired_at, sizeof(k->retired_at));
	k->compromised = sqlite3_column_int(st, 6);
}

#define LOG_KEY_SELECT "SELECT k.kid, k.origin, k.public_key, k.file, " \
	"k.created_at, coalesce(r.retired_at, ''), coalesce(r.compromised, " \
	"0) FROM log_keys k LEFT JOIN log_key_retired r ON r.kid = k.kid "

/* Retires log key kid at `at` (it signs no more checkpoints).  STORE_OK,
 * STORE_CONFLICT (retired already) or STORE_ERR. */
int
store_log_key_retire(struct db *db, const char *kid, const char *at,
    int compromised)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO log_key_retired (kid, "
	    "retired_at, compromised) VALUES (?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, kid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, compromised ? 1 : 0);
	return db_step_done(db, st);
}

/* The log key (the newest, which signs every checkpoint) into k.  STORE_OK, STORE_NOTFOUND or STORE_ERR. */
int
store_log_key_get(struct db *db, struct log_key *k)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, LOG_KEY_SELECT "ORDER BY k.created_at DESC, "
	    "k.rowid DESC LIMIT 1")) == NULL)
		return STORE_ERR;
	rc = db_get_one(db, st, log_key_from, k, __func__);
	if (rc == STORE_OK && k->kid[0] == '\0')
		return STORE_ERR;
	return rc;
}

/* Records the log key k.  STORE_OK, STORE_CONFLICT or STORE_ERR. */
int
store_log_key_insert(struct db *db, const struct log_key *k)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO log_keys (kid, origin, "
	    "public_key, file, created_at) VALUES (?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, k->kid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, k->origin, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, k->pk, sizeof(k->pk), SQLITE_STATIC);
	sqlite3_bind_text(st, 4, k->file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, k->created_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

#define CP_COLS "size, root, kid, created_at, note"

/* One checkpoint row of st into c (note borrowed from st). */
static int
checkpoint_from(sqlite3_stmt *st, struct tlog_checkpoint *c)
{
	memset(c, 0, sizeof(*c));
	c->size = (uint64_t)sqlite3_column_int64(st, 0);
	if (col_blob(st, 1, c->root, sizeof(c->root)) == -1)
		return -1;
	db_col_copy(st, 2, c->kid, sizeof(c->kid));
	db_col_copy(st, 3, c->created_at, sizeof(c->created_at));
	c->note = db_col_text(st, 4);
	c->notelen = (size_t)sqlite3_column_bytes(st, 4);
	return 0;
}

/*
 * The checkpoint of the largest size into c and a malloc'd copy of its
 * note into *note (c->note points there too).  STORE_OK, STORE_NOTFOUND
 * or STORE_ERR.
 */
int
store_tlog_checkpoint_latest(struct db *db, struct tlog_checkpoint *c,
    char **note)
{
	sqlite3_stmt	*st;
	size_t		 len;
	int		 rc;

	*note = NULL;
	if ((st = db_prepare(db, "SELECT " CP_COLS " FROM tlog_checkpoints "
	    "ORDER BY size DESC LIMIT 1")) == NULL)
		return STORE_ERR;
	rc = db_step(db, st);
	if (rc == SQLITE_ROW && (checkpoint_from(st, c) == -1 ||
	    db_col_dup(st, 4, note, &len) == -1 || *note == NULL)) {
		sqlite3_reset(st);
		free(*note);
		*note = NULL;
		db_error(db, __func__);
		return STORE_ERR;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		c->note = *note;
		c->notelen = len;
		return STORE_OK;
	}
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, __func__);
	return STORE_ERR;
}

/* Stores checkpoint c (one per size).  STORE_OK, STORE_CONFLICT (that
 * size has one) or STORE_ERR. */
int
store_tlog_checkpoint_insert(struct db *db, const struct tlog_checkpoint *c)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO tlog_checkpoints (size, root, "
	    "note, kid, created_at) VALUES (?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->size);
	sqlite3_bind_blob(st, 2, c->root, TLOG_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->note, (int)c->notelen, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->kid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->created_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* Calls cb for every stored checkpoint, smallest size first (c valid
 * during the call only); cb returns non-zero to stop.  STORE_OK or
 * STORE_ERR. */
int
store_tlog_checkpoint_walk(struct db *db,
    int (*cb)(const struct tlog_checkpoint *, void *), void *arg)
{
	struct tlog_checkpoint	 c;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " CP_COLS " FROM tlog_checkpoints "
	    "ORDER BY size")) == NULL)
		return STORE_ERR;
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		if (checkpoint_from(st, &c) == -1) {
			sqlite3_reset(st);
			log_error("%s: size %llu: bad root", __func__,
			    (unsigned long long)c.size);
			return STORE_ERR;
		}
		if (cb(&c, arg) != 0)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* Calls cb for every stored log key, oldest first.  STORE_OK or
 * STORE_ERR. */
int
store_log_key_list(struct db *db, int (*cb)(const struct log_key *, void *),
    void *arg)
{
	struct log_key	 k;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, LOG_KEY_SELECT "ORDER BY k.created_at, "
	    "k.rowid")) == NULL)
		return STORE_ERR;
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		log_key_from(st, &k);
		if (k.kid[0] == '\0') {
			sqlite3_reset(st);
			return STORE_ERR;
		}
		if (cb(&k, arg) != 0)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- witnesses (0015) ---- */

/* Records a partner's cosignature of our checkpoint.  STORE_OK,
 * STORE_CONFLICT (that witness key cosigned that size already) or
 * STORE_ERR. */
int
store_log_cosig_insert(struct db *db, const struct log_cosig *c)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO log_cosignatures (size, witness, "
	    "keyid, partner_id, line, cosigned_at, received_at) VALUES (?, ?, "
	    "?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->size);
	sqlite3_bind_text(st, 2, c->witness, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)c->keyid);
	sqlite3_bind_text(st, 4, c->partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->line, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->cosigned_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->received_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* Calls cb for the cosignatures of the checkpoint of size, oldest first
 * (strings valid during the call); cb returns non-zero to stop. */
int
store_log_cosig_walk(struct db *db, uint64_t size,
    int (*cb)(const struct log_cosig *, void *), void *arg)
{
	struct log_cosig	 c;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = db_prepare(db, "SELECT size, witness, keyid, partner_id, "
	    "line, cosigned_at, received_at FROM log_cosignatures WHERE size "
	    "= ? ORDER BY received_at, rowid")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.size = (uint64_t)sqlite3_column_int64(st, 0);
		c.witness = db_col_text(st, 1);
		c.keyid = (uint32_t)sqlite3_column_int64(st, 2);
		c.partner_id = db_col_text(st, 3);
		c.line = db_col_text(st, 4);
		c.cosigned_at = db_col_text(st, 5);
		c.received_at = db_col_text(st, 6);
		if (c.witness == NULL || c.line == NULL)
			continue;
		if (cb(&c, arg) != 0)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* Records incident i; its id into i->id.  STORE_OK or STORE_ERR. */
int
store_log_incident_insert(struct db *db, struct log_incident *i)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "INSERT INTO log_incidents (kind, origin, "
	    "size, partner_id, witness, log_signed, detail, evidence, "
	    "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, i->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, i->origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)i->size);
	db_bind_opt(st, 4, i->partner_id);
	db_bind_opt(st, 5, i->witness);
	sqlite3_bind_int(st, 6, i->log_signed ? 1 : 0);
	sqlite3_bind_text(st, 7, i->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, i->evidence, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, i->recorded_at, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) == STORE_OK)
		i->id = sqlite3_last_insert_rowid(db->conn);
	return rc;
}

/* The number of incidents recorded into *n.  STORE_OK or STORE_ERR. */
int
store_log_incident_count(struct db *db, int64_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	if ((st = db_prepare(db, "SELECT count(*) FROM log_incidents")) ==
	    NULL)
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

/* Calls cb for the incidents with id > after, in order, at most limit
 * (strings valid during the call); cb returns non-zero to stop. */
int
store_log_incident_walk(struct db *db, int64_t after, int limit,
    int (*cb)(const struct log_incident *, void *), void *arg)
{
	struct log_incident	 i;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = db_prepare(db, "SELECT id, kind, origin, size, partner_id, "
	    "witness, log_signed, detail, evidence, recorded_at FROM "
	    "log_incidents WHERE id > ? ORDER BY id LIMIT ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(&i, 0, sizeof(i));
		i.id = sqlite3_column_int64(st, 0);
		i.kind = db_col_text(st, 1);
		i.origin = db_col_text(st, 2);
		i.size = (uint64_t)sqlite3_column_int64(st, 3);
		i.partner_id = db_col_text(st, 4);
		i.witness = db_col_text(st, 5);
		i.log_signed = sqlite3_column_int(st, 6);
		i.detail = db_col_text(st, 7);
		i.evidence = db_col_text(st, 8);
		i.recorded_at = db_col_text(st, 9);
		if (i.kind == NULL || i.origin == NULL || i.detail == NULL ||
		    i.evidence == NULL || i.recorded_at == NULL)
			continue;
		if (cb(&i, arg) != 0)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* The last checkpoint of origin this witness cosigned into w (note
 * malloc'd into *note).  STORE_OK, STORE_NOTFOUND or STORE_ERR. */
int
store_log_witnessed_get(struct db *db, const char *origin,
    struct log_witnessed *w, char **note)
{
	sqlite3_stmt	*st;
	size_t		 len;
	int		 rc;

	*note = NULL;
	memset(w, 0, sizeof(*w));
	if ((st = db_prepare(db, "SELECT partner_id, size, root, cosigned_at, "
	    "note FROM log_witnessed WHERE origin = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		db_col_copy(st, 0, w->partner_id, sizeof(w->partner_id));
		w->size = (uint64_t)sqlite3_column_int64(st, 1);
		db_col_copy(st, 3, w->cosigned_at, sizeof(w->cosigned_at));
		if (col_blob(st, 2, w->root, TLOG_HASH_LEN) == -1 ||
		    db_col_dup(st, 4, note, &len) == -1 || *note == NULL) {
			sqlite3_reset(st);
			free(*note);
			*note = NULL;
			db_error(db, __func__);
			return STORE_ERR;
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, __func__);
	return STORE_ERR;
}

/* Records w (its note) as the last checkpoint of origin cosigned. */
int
store_log_witnessed_put(struct db *db, const char *origin,
    const struct log_witnessed *w, const char *note)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO log_witnessed (origin, "
	    "partner_id, size, root, note, cosigned_at) VALUES (?, ?, ?, ?, ?, "
	    "?) ON CONFLICT (origin) DO UPDATE SET partner_id = "
	    "excluded.partner_id, size = excluded.size, root = excluded.root, "
	    "note = excluded.note, cosigned_at = excluded.cosigned_at")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)w->size);
	sqlite3_bind_blob(st, 4, w->root, TLOG_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, w->cosigned_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* The stored checkpoint of size into c, its note malloc'd into *note (c->note
 * too).  STORE_OK, STORE_NOTFOUND or STORE_ERR. */
int
store_tlog_checkpoint_get(struct db *db, uint64_t size,
    struct tlog_checkpoint *c, char **note)
{
	sqlite3_stmt	*st;
	size_t		 len;
	int		 rc;

	*note = NULL;
	if ((st = db_prepare(db, "SELECT " CP_COLS " FROM tlog_checkpoints "
	    "WHERE size = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW && (checkpoint_from(st, c) == -1 ||
	    db_col_dup(st, 4, note, &len) == -1 || *note == NULL)) {
		sqlite3_reset(st);
		free(*note);
		*note = NULL;
		db_error(db, __func__);
		return STORE_ERR;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		c->note = *note;
		c->notelen = len;
		return STORE_OK;
	}
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, __func__);
	return STORE_ERR;
}
