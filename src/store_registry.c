/*
 * store_registry.c: the public registry of issued labels (GET
 * /v1/registry, /registry): filters on the labels, text search through
 * the FTS5 index registry_fts (0016_public.sql), and a superseded
 * label's successor.
 *
 * The index follows the labels through the queue registry_pending that
 * triggers fill in the transaction of each change (labeld runs with
 * trusted_schema off, which keeps triggers away from virtual tables);
 * store_registry_sync folds the queue in before a search, so a search
 * never misses a label committed before it began.
 */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

static void	registry_from_row(sqlite3_stmt *, struct registry_row *);

/*
 * Turns the words of a user's q into an FTS5 query that means "every
 * word, each as a prefix": "word"* AND ... .  Each word is quoted, its
 * double quotes doubled, so that nothing the user types (AND, NEAR,
 * column filters, parentheses, stars) is FTS5 syntax.  out gets "" when
 * q has no words.  0, or -1 when q has more than LABELD_REGISTRY_MAX_TERMS
 * words or out is too small.
 */
int
store_registry_match(const char *q, char *out, size_t outlen)
{
	size_t	 o = 0;
	int	 terms = 0;

	assert(outlen > 0);
	out[0] = '\0';
	while (*q != '\0') {
		while (*q != '\0' && isspace((unsigned char)*q))
			q++;
		if (*q == '\0')
			break;
		if (++terms > LABELD_REGISTRY_MAX_TERMS)
			return -1;
		/* ' AND "' + the word with quotes doubled + '"*' */
		if (o + 7 >= outlen)
			return -1;
		if (o > 0) {
			memcpy(out + o, " AND ", 5);
			o += 5;
		}
		out[o++] = '"';
		for (; *q != '\0' && !isspace((unsigned char)*q); q++) {
			if (o + 4 >= outlen)
				return -1;
			if (*q == '"')
				out[o++] = '"';
			out[o++] = *q;
		}
		out[o++] = '"';
		out[o++] = '*';
		out[o] = '\0';
	}
	return 0;
}

/*
 * Folds the queue of changed labels into the text index, in a write
 * transaction of its own when the queue is not empty (the caller holds
 * none).  STORE_OK or STORE_ERR.
 */
int
store_registry_sync(struct db *db)
{
	sqlite3_stmt	*st;
	int		 rc, pending;

	assert(!db_in_transaction(db));
	if ((st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM "
	    "registry_pending)")) == NULL)
		return STORE_ERR;
	rc = db_step(db, st);
	pending = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	if (db_walk_done(db, st, rc, __func__) != STORE_OK)
		return STORE_ERR;
	if (!pending)
		return STORE_OK;
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((st = db_prepare(db, "DELETE FROM registry_fts WHERE rowid IN "
	    "(SELECT label_seq FROM registry_pending)")) == NULL ||
	    db_step_done(db, st) != STORE_OK)
		goto fail;
	if ((st = db_prepare(db, "INSERT INTO registry_fts (rowid, label_id, "
	    "product, model, vendor, category, scheme) SELECT l.seq, l.id, "
	    "p.name, p.model, o.name, p.category, l.scheme FROM "
	    "registry_pending q JOIN labels l ON l.seq = q.label_seq "
	    "JOIN products p ON p.id = l.product_id "
	    "JOIN organizations o ON o.id = l.vendor_id")) == NULL ||
	    db_step_done(db, st) != STORE_OK)
		goto fail;
	if ((st = db_prepare(db, "DELETE FROM registry_pending")) == NULL ||
	    db_step_done(db, st) != STORE_OK)
		goto fail;
	if (db_commit(db) != STORE_OK)
		goto fail;
	return STORE_OK;
fail:
	db_rollback(db);
	return STORE_ERR;
}

#define REGISTRY_COLS "l.seq, l.id, p.name, p.model, o.name, l.vendor_id, " \
	"p.category, l.scheme, l.scheme_version, l.tier, l.status, " \
	"l.issued_at, l.valid_until, p.support_until"
#define REGISTRY_FROM " FROM labels l JOIN products p ON p.id = " \
	"l.product_id JOIN organizations o ON o.id = l.vendor_id WHERE " \
	"l.seq > ?1 AND (?2 IS NULL OR l.vendor_id = ?2) AND (?3 IS NULL OR " \
	"l.tier = ?3) AND (?4 IS NULL OR p.category = ?4) AND (?5 IS NULL " \
	"OR (?5 = 'expired' AND l.status <> 'revoked' AND l.valid_until <= " \
	"?6) OR (?5 = 'revoked' AND l.status = 'revoked') OR (?5 NOT IN " \
	"('expired', 'revoked') AND l.status = ?5 AND l.valid_until > ?6))"

static void
registry_from_row(sqlite3_stmt *st, struct registry_row *r)
{
	memset(r, 0, sizeof(*r));
	r->seq = sqlite3_column_int64(st, 0);
	db_col_copy(st, 1, r->label_id, sizeof(r->label_id));
	db_col_copy(st, 2, r->product, sizeof(r->product));
	db_col_copy(st, 3, r->model, sizeof(r->model));
	db_col_copy(st, 4, r->vendor, sizeof(r->vendor));
	db_col_copy(st, 5, r->vendor_id, sizeof(r->vendor_id));
	db_col_copy(st, 6, r->category, sizeof(r->category));
	db_col_copy(st, 7, r->scheme, sizeof(r->scheme));
	r->scheme_version = sqlite3_column_int(st, 8);
	r->tier = sqlite3_column_int(st, 9);
	db_col_copy(st, 10, r->status, sizeof(r->status));
	db_col_copy(st, 11, r->valid_from, sizeof(r->valid_from));
	db_col_copy(st, 12, r->valid_until, sizeof(r->valid_until));
	db_col_copy(st, 13, r->support_until, sizeof(r->support_until));
}

/*
 * Calls cb for up to q->limit labels after the cursor q->after, in issue
 * order, that pass every filter set in q (a status "expired" means not
 * revoked and past valid_until at q->now; any other status also means
 * not expired).  cb returning -1 stops the walk.  STORE_OK or STORE_ERR
 * (a malformed match text included: store_registry_match makes none).
 */
int
store_registry_search(struct db *db, const struct registry_query *q,
    int (*cb)(const struct registry_row *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct registry_row	 row;
	int			 rc, m = q->match != NULL && *q->match != '\0';

	assert(q->now != NULL && q->limit > 0);
	/* Two statements: FTS5 has no use for a NULL MATCH. */
	if ((st = db_prepare(db, m ? "SELECT " REGISTRY_COLS REGISTRY_FROM
	    " AND l.seq IN (SELECT rowid FROM registry_fts WHERE registry_fts "
	    "MATCH ?8) ORDER BY l.seq LIMIT ?7" : "SELECT " REGISTRY_COLS
	    REGISTRY_FROM " ORDER BY l.seq LIMIT ?7")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, q->after);
	db_bind_opt(st, 2, q->vendor_id);
	if (q->tier > 0)
		sqlite3_bind_int(st, 3, q->tier);
	else
		sqlite3_bind_null(st, 3);
	db_bind_opt(st, 4, q->category);
	db_bind_opt(st, 5, q->status);
	sqlite3_bind_text(st, 6, q->now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, q->limit);
	if (m)
		sqlite3_bind_text(st, 8, q->match, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		registry_from_row(st, &row);
		if (cb(&row, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * The label that superseded l: the first one issued after it for the
 * same product under the same scheme.  STORE_OK, STORE_NOTFOUND (none)
 * or STORE_ERR.
 */
int
store_registry_successor(struct db *db, const struct label *l,
    char out[LABELD_LABEL_ID_MAX + 1])
{
	sqlite3_stmt	*st;
	int		 rc;

	out[0] = '\0';
	if ((st = db_prepare(db, "SELECT id FROM labels WHERE product_id = ? "
	    "AND scheme = ? AND seq > ? ORDER BY seq LIMIT 1")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, l->product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->scheme, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, l->seq);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		db_col_copy(st, 0, out, LABELD_LABEL_ID_MAX + 1);
	if (db_walk_done(db, st, rc, __func__) != STORE_OK)
		return STORE_ERR;
	return out[0] != '\0' ? STORE_OK : STORE_NOTFOUND;
}
