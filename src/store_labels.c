/*
 * store_labels.c: issued labels (the exact credential bytes and the
 * columns the registry and status lists need), their status history and
 * the cached status list credentials.
 */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "crypto.h"

#define LABEL_COLS "id, coalesce(submission_id, ''), vendor_id, product_id, " \
	"scheme, scheme_version, tier, kid, issued_at, valid_until, status, " \
	"coalesce(status_reason, ''), status_since, revocation_list, " \
	"revocation_index, suspension_list, suspension_index, " \
	"credential_sha256, seq, coalesce(superseded_by, '')"

/*
 * A label's status at ?1 (RFC 3339 now), as lifecycle_state_of reads it:
 * revoked stays revoked, anything else past its validUntil is expired.
 */
#define LIVE_STATUS "CASE WHEN status <> 'revoked' AND valid_until <= ?1 " \
	"THEN 'expired' ELSE status END"

static void
label_from_row(sqlite3_stmt *st, void *out)
{
	struct label	*l = out;

	memset(l, 0, sizeof(*l));
	db_col_copy(st, 0, l->id, sizeof(l->id));
	db_col_copy(st, 1, l->submission_id, sizeof(l->submission_id));
	db_col_copy(st, 2, l->vendor_id, sizeof(l->vendor_id));
	db_col_copy(st, 3, l->product_id, sizeof(l->product_id));
	db_col_copy(st, 4, l->scheme, sizeof(l->scheme));
	l->scheme_version = sqlite3_column_int(st, 5);
	l->tier = sqlite3_column_int(st, 6);
	db_col_copy(st, 7, l->kid, sizeof(l->kid));
	db_col_copy(st, 8, l->issued_at, sizeof(l->issued_at));
	db_col_copy(st, 9, l->valid_until, sizeof(l->valid_until));
	db_col_copy(st, 10, l->status, sizeof(l->status));
	db_col_copy(st, 11, l->status_reason, sizeof(l->status_reason));
	db_col_copy(st, 12, l->status_since, sizeof(l->status_since));
	db_col_copy(st, 13, l->revocation_list, sizeof(l->revocation_list));
	l->revocation_index = sqlite3_column_int(st, 14);
	db_col_copy(st, 15, l->suspension_list, sizeof(l->suspension_list));
	l->suspension_index = sqlite3_column_int(st, 16);
	db_col_copy(st, 17, l->credential_sha256, sizeof(l->credential_sha256));
	l->seq = sqlite3_column_int64(st, 18);
	db_col_copy(st, 19, l->superseded_by, sizeof(l->superseded_by));
}

/*
 * Inserts l with the credential's len bytes (the exact issued form); fills
 * credential_sha256 and seq.  STORE_CONFLICT when the id, the submission
 * or a status index is taken.
 */
int
store_label_insert(struct db *db, struct label *l, const char *credential,
    size_t len)
{
	sqlite3_stmt	*st;
	uint8_t		 h[32];
	int		 rc;

	lc_sha256(credential, len, h);
	lc_hex(h, sizeof(h), l->credential_sha256);
	if ((st = db_prepare(db, "INSERT INTO labels (id, submission_id, "
	    "vendor_id, product_id, scheme, scheme_version, tier, kid, "
	    "issued_at, valid_until, status, status_reason, status_since, "
	    "revocation_list, revocation_index, suspension_list, "
	    "suspension_index, credential, credential_sha256) VALUES "
	    "(?, nullif(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, ''), ?, "
	    "?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, l->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->submission_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, l->vendor_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, l->product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, l->scheme, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, l->scheme_version);
	sqlite3_bind_int(st, 7, l->tier);
	sqlite3_bind_text(st, 8, l->kid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, l->issued_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, l->valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, l->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, l->status_reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, l->status_since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, l->revocation_list, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 15, l->revocation_index);
	sqlite3_bind_text(st, 16, l->suspension_list, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 17, l->suspension_index);
	sqlite3_bind_text(st, 18, credential, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 19, l->credential_sha256, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	l->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/*
 * Label ids are matched case-insensitively (people type them from a box):
 * the ids labeld issues are upper case, so the key is id in upper case.
 * -1 when id is longer than any label id (it matches none).
 */
static int
label_key(const char *id, char key[LABELD_LABEL_ID_MAX + 1])
{
	size_t	 i;

	for (i = 0; id[i] != '\0'; i++) {
		if (i == LABELD_LABEL_ID_MAX)
			return -1;
		key[i] = (char)toupper((unsigned char)id[i]);
	}
	key[i] = '\0';
	return 0;
}

/* Label id (any case) into *l: STORE_OK, STORE_NOTFOUND or STORE_ERR
 * (logged). */
int
store_label_get(struct db *db, const char *id, struct label *l)
{
	sqlite3_stmt	*st;
	char		 key[LABELD_LABEL_ID_MAX + 1];

	if (label_key(id, key) == -1)
		return STORE_NOTFOUND;
	if ((st = db_prepare(db, "SELECT " LABEL_COLS " FROM labels "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	return db_get_one(db, st, label_from_row, l, __func__);
}

/* The issued bytes of label id (any case) in *buf (malloc'd,
 * NUL-terminated).  STORE_OK, STORE_NOTFOUND or STORE_ERR. */
int
store_label_credential(struct db *db, const char *id, char **buf, size_t *len)
{
	sqlite3_stmt	*st;
	char		 key[LABELD_LABEL_ID_MAX + 1];

	if (label_key(id, key) == -1)
		return STORE_NOTFOUND;
	if ((st = db_prepare(db, "SELECT credential FROM labels "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	return db_get_text(db, st, buf, len, __func__);
}

/* Sets the status columns; the triggers keep everything else as issued. */
int
store_label_set_status(struct db *db, const char *id, const char *status,
    const char *reason, const char *since)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE labels SET status = ?, "
	    "status_reason = nullif(?, ''), status_since = ? "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reason ? reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * Marks label id superseded by label by (status, reason, since and the
 * successor in one write).  STORE_NOTFOUND unless id is active.
 */
int
store_label_supersede(struct db *db, const char *id, const char *by,
    const char *reason, const char *since)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE labels SET status = 'superseded', "
	    "status_reason = ?, status_since = ?, superseded_by = ? "
	    "WHERE id = ? AND status = 'active'")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * The label in force (active or suspended, not expired at now) for
 * version of product_id under scheme, the highest tier first:
 * STORE_OK into *l, STORE_NOTFOUND when none.
 */
int
store_label_in_force(struct db *db, const char *product_id,
    const char *version, const char *scheme, const char *now,
    struct label *l)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " LABEL_COLS " FROM labels WHERE "
	    "product_id = ?1 AND scheme = ?3 AND status IN ('active', "
	    "'suspended') AND valid_until > ?4 AND submission_id IN (SELECT "
	    "id FROM submissions WHERE product_id = ?1 AND "
	    "product_version = ?2) ORDER BY tier DESC, seq DESC LIMIT 1")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, scheme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	return db_get_one(db, st, label_from_row, l, __func__);
}

static const char sql_rev_used[] = "SELECT 1 FROM labels "
    "WHERE revocation_list = ? AND revocation_index = ?";
static const char sql_sus_used[] = "SELECT 1 FROM labels "
    "WHERE suspension_list = ? AND suspension_index = ?";
/* The bit of a label is set exactly while its status is the purpose's. */
static const char sql_rev_bits[] = "SELECT revocation_index FROM labels "
    "WHERE revocation_list = ? AND status = 'revoked'";
static const char sql_sus_bits[] = "SELECT suspension_index FROM labels "
    "WHERE suspension_list = ? AND status = 'suspended'";

/* *used = 1 when some label holds index in the purpose's list. */
int
store_label_index_used(struct db *db, const char *purpose, const char *list,
    int index, int *used)
{
	sqlite3_stmt	*st;
	int		 rc;

	*used = 1;
	st = db_prepare(db, strcmp(purpose, "revocation") == 0 ?
	    sql_rev_used : sql_sus_used);
	if (st == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, index);
	rc = db_step(db, st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_error(db, __func__);
		return STORE_ERR;
	}
	*used = rc == SQLITE_ROW;
	return STORE_OK;
}

/*
 * Calls cb with every index of list whose bit is set: revoked labels for
 * purpose "revocation", suspended ones for "suspension".
 */
int
store_label_set_bits(struct db *db, const char *purpose, const char *list,
    int (*cb)(int index, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, strcmp(purpose, "revocation") == 0 ?
	    sql_rev_bits : sql_sus_bits);
	if (st == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW)
		if (cb(sqlite3_column_int(st, 0), arg) == -1)
			break;
	return db_walk_done(db, st, rc, __func__);
}

/*
 * Appends e to its label's history: STORE_OK, STORE_CONFLICT on a
 * constraint, or STORE_ERR (logged).
 */
int
store_label_event_append(struct db *db, const struct label_event *e)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO label_events (label_id, at, "
	    "action, from_status, to_status, reason, org_id, token_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, e->label_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->action, -1, SQLITE_STATIC);
	db_bind_opt(st, 4, e->from_status);
	sqlite3_bind_text(st, 5, e->to_status, -1, SQLITE_STATIC);
	db_bind_opt(st, 6, e->reason);
	db_bind_opt(st, 7, e->org_id);
	db_bind_opt(st, 8, e->token_id);
	return db_step_done(db, st);
}

/* The history of one label, oldest first. */
int
store_label_event_list(struct db *db, const char *label_id,
    int (*cb)(const struct label_event *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct label_event	 e;
	int			 rc;

	if ((st = db_prepare(db, "SELECT label_id, at, action, from_status, "
	    "to_status, reason, org_id, token_id FROM label_events "
	    "WHERE label_id = ? ORDER BY seq")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, label_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		e.label_id = db_col_text(st, 0);
		e.at = db_col_text(st, 1);
		e.action = db_col_text(st, 2);
		e.from_status = db_col_text(st, 3);
		e.to_status = db_col_text(st, 4);
		e.reason = db_col_text(st, 5);
		e.org_id = db_col_text(st, 6);
		e.token_id = db_col_text(st, 7);
		if (cb(&e, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * The cached credential of status list id: *credential malloc'd (NULL
 * when never signed), *stale, generated_at and kid (the signing key; both
 * "" when never signed).  STORE_NOTFOUND when the list has no row yet.
 */
int
store_status_list_get(struct db *db, const char *id, int *stale,
    char generated_at[32], char kid[LABELD_KID_BUFLEN], char **credential,
    size_t *len)
{
	sqlite3_stmt	*st;
	int		 rc;

	*stale = 1;
	generated_at[0] = '\0';
	kid[0] = '\0';
	*credential = NULL;
	*len = 0;
	if ((st = db_prepare(db, "SELECT credential, stale, "
	    "coalesce(generated_at, ''), coalesce(kid, '') FROM status_lists "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		*stale = sqlite3_column_int(st, 1);
		db_col_copy(st, 2, generated_at, 32);
		db_col_copy(st, 3, kid, LABELD_KID_BUFLEN);
		if (db_col_dup(st, 0, credential, len) == -1) {
			sqlite3_reset(st);
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

/* Stores a list credential freshly signed by kid; clears its stale flag. */
int
store_status_list_put(struct db *db, const char *id, const char *purpose,
    const char *credential, size_t len, const char *generated_at,
    const char *kid)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO status_lists (id, purpose, "
	    "credential, generated_at, kid, stale) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "0) ON CONFLICT (id) DO UPDATE SET credential = ?3, "
	    "generated_at = ?4, kid = ?5, stale = 0")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, credential, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, generated_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, kid, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* Marks list id as needing a new signature before it is served again. */
int
store_status_list_mark_stale(struct db *db, const char *id,
    const char *purpose)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO status_lists (id, purpose, stale) "
	    "VALUES (?1, ?2, 1) ON CONFLICT (id) DO UPDATE SET stale = 1")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/*
 * Counts the labels by status as of now ("expired" for an active label
 * past its validUntil): cb(status, count, arg) per status present.
 * STORE_OK or STORE_ERR.
 */
int
store_label_count_by_status(struct db *db, const char *now,
    int (*cb)(const char *, int64_t, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "SELECT " LIVE_STATUS " AS s, count(*) "
	    "FROM labels GROUP BY s ORDER BY s")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW)
		if (cb((const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1), arg) == -1)
			break;
	return db_walk_done(db, st, rc, __func__);
}

/*
 * Walks the labels f selects, after seq after, in seq order, at most limit
 * of them: cb(label, arg) each, until it returns -1.  STORE_OK or
 * STORE_ERR.
 */
int
store_label_list(struct db *db, const struct label_filter *f, int64_t after,
    int limit, int (*cb)(const struct label *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct label	 l;
	int		 rc;

	assert(f->now != NULL);
	if ((st = db_prepare(db, "SELECT " LABEL_COLS " FROM labels "
	    "WHERE seq > ?2 AND (?3 IS NULL OR vendor_id = ?3) "
	    "AND (?4 IS NULL OR product_id = ?4) "
	    "AND (?5 IS NULL OR " LIVE_STATUS " = ?5) "
	    "AND (?6 IS NULL OR (valid_until > ?1 AND valid_until <= ?6 "
	    "AND status IN ('active', 'suspended'))) "
	    "ORDER BY seq LIMIT ?7")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, f->now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	if (f->vendor_id != NULL)
		sqlite3_bind_text(st, 3, f->vendor_id, -1, SQLITE_STATIC);
	if (f->product_id != NULL)
		sqlite3_bind_text(st, 4, f->product_id, -1, SQLITE_STATIC);
	if (f->status != NULL)
		sqlite3_bind_text(st, 5, f->status, -1, SQLITE_STATIC);
	if (f->expiring_before != NULL)
		sqlite3_bind_text(st, 6, f->expiring_before, -1,
		    SQLITE_STATIC);
	sqlite3_bind_int(st, 7, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		label_from_row(st, &l);
		if (cb(&l, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * The labels whose validUntil has passed at now and whose expiry is not
 * yet recorded, oldest first, at most limit: cb(label, arg) each.
 */
int
store_label_expiry_due(struct db *db, const char *now, int limit,
    int (*cb)(const struct label *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct label	 l;
	int		 rc;

	if ((st = db_prepare(db, "SELECT " LABEL_COLS " FROM labels "
	    "WHERE expiry_logged = 0 AND valid_until <= ?1 "
	    "ORDER BY valid_until, seq LIMIT ?2")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		label_from_row(st, &l);
		if (cb(&l, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* Marks label id's expiry as recorded.  STORE_OK, STORE_NOTFOUND. */
int
store_label_expiry_logged(struct db *db, const char *id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE labels SET expiry_logged = 1 "
	    "WHERE id = ? AND expiry_logged = 0")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * How many active or suspended labels lapse after now and by before (the
 * expiry warning window) into *n.  STORE_OK or STORE_ERR.
 */
int
store_label_count_expiring(struct db *db, const char *now, const char *before,
    int64_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	if ((st = db_prepare(db, "SELECT count(*) FROM labels "
	    "WHERE valid_until > ?1 AND valid_until <= ?2 "
	    "AND status IN ('active', 'suspended')")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, before, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	return db_walk_done(db, st, rc, __func__);
}

/*
 * The active or suspended labels lapsing after now and by before whose
 * holder was not yet told, soonest first, at most limit.
 */
int
store_label_expiry_warn_due(struct db *db, const char *now,
    const char *before, int limit, int (*cb)(const struct label *, void *),
    void *arg)
{
	sqlite3_stmt	*st;
	struct label	 l;
	int		 rc;

	if ((st = db_prepare(db, "SELECT " LABEL_COLS " FROM labels "
	    "WHERE expiry_warned = 0 AND valid_until > ?1 AND "
	    "valid_until <= ?2 AND status IN ('active', 'suspended') "
	    "ORDER BY valid_until, seq LIMIT ?3")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, before, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		label_from_row(st, &l);
		if (cb(&l, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* Marks label id's holder as told of its coming expiry. */
int
store_label_expiry_warned(struct db *db, const char *id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE labels SET expiry_warned = 1 "
	    "WHERE id = ? AND expiry_warned = 0")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}
