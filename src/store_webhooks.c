/*
 * store_webhooks.c: the tables of 0013 behind webhooks: subscriptions,
 * the event outbox (written in the transaction of the change it
 * announces), deliveries (one per webhook and event) and their attempts.
 * Who may see an event is decided here, in the fan-out's SQL: the
 * authority's organisation sees every event, any other organisation the
 * events that name it (the vendor of the label or submission, its lab).
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

#define WEBHOOK_COLS "id, org_id, url, events, secret, created_at, seq"

static void
webhook_from_row(sqlite3_stmt *st, struct webhook *w)
{
	memset(w, 0, sizeof(*w));
	db_col_copy(st, 0, w->id, sizeof(w->id));
	db_col_copy(st, 1, w->org_id, sizeof(w->org_id));
	db_col_copy(st, 2, w->url, sizeof(w->url));
	db_col_copy(st, 4, w->secret, sizeof(w->secret));
	db_col_copy(st, 5, w->created_at, sizeof(w->created_at));
	w->seq = sqlite3_column_int64(st, 6);
}

/*
 * Records w (org_id, url, events, secret set by the caller; id,
 * created_at and seq filled).  STORE_OK or STORE_ERR.
 */
int
store_webhook_insert(struct db *db, struct webhook *w, const char *created_by)
{
	sqlite3_stmt *st;

	assert(w->events != NULL);
	store_new_id("whk", w->id, sizeof(w->id));
	store_now(w->created_at);
	if ((st = db_prepare(db, "INSERT INTO webhooks (id, org_id, url, "
	    "events, secret, created_at, created_by) VALUES (?, ?, ?, ?, ?, "
	    "?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, w->events, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, w->secret, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, w->created_at, -1, SQLITE_STATIC);
	db_bind_opt(st, 7, created_by);
	return db_step_done(db, st);
}

/*
 * A webhook not deleted, w->events malloc'd (store_webhook_clear).
 * STORE_OK, STORE_NOTFOUND, STORE_ERR.
 */
int
store_webhook_get(struct db *db, const char *id, struct webhook *w)
{
	sqlite3_stmt	*st;
	size_t		 len;
	int		 rc, oom = 0;

	memset(w, 0, sizeof(*w));
	if ((st = db_prepare(db, "SELECT " WEBHOOK_COLS " FROM webhooks "
	    "WHERE id = ? AND deleted_at IS NULL")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		webhook_from_row(st, w);
		oom = db_col_dup(st, 3, &w->events, &len) == -1 ||
		    w->events == NULL;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && !oom)
		return STORE_OK;
	store_webhook_clear(w);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (!oom)
		db_error(db, __func__);
	return STORE_ERR;
}

/* Releases w->events and wipes the secret; a zeroed w is fine. */
void
store_webhook_clear(struct webhook *w)
{
	free(w->events);
	w->events = NULL;
	memset(w->secret, 0, sizeof(w->secret));
}

/* The webhooks (not deleted) of org_id in *n. */
int
store_webhook_count(struct db *db, const char *org_id, int *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	if ((st = db_prepare(db, "SELECT count(*) FROM webhooks WHERE org_id "
	    "= ? AND deleted_at IS NULL")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	db_error(db, __func__);
	return STORE_ERR;
}

/*
 * The webhooks of org_id (not deleted) with seq > after, at most limit,
 * events borrowed for the call, the secret left empty.  cb -1 stops.
 */
int
store_webhook_list(struct db *db, const char *org_id, int64_t after,
    int limit, int (*cb)(const struct webhook *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct webhook	 w;
	int		 rc;

	if ((st = db_prepare(db, "SELECT " WEBHOOK_COLS " FROM webhooks "
	    "WHERE org_id = ? AND deleted_at IS NULL AND seq > ? ORDER BY seq "
	    "LIMIT ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		webhook_from_row(st, &w);
		w.secret[0] = '\0';
		w.events = (char *)db_col_text(st, 3);
		if (cb(&w, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * Deletes webhook id (kept, marked deleted at at: its history stays),
 * and ends its pending deliveries.  STORE_NOTFOUND when none is live.
 */
int
store_webhook_delete(struct db *db, const char *id, const char *at)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE webhooks SET deleted_at = ? WHERE "
	    "id = ? AND deleted_at IS NULL")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	if (sqlite3_changes(db->conn) != 1)
		return STORE_NOTFOUND;
	if ((st = db_prepare(db, "UPDATE webhook_deliveries SET state = "
	    "'failed', last_error = 'webhook deleted', updated_at = ? WHERE "
	    "webhook_id = ? AND state = 'pending'")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* ---- outbox ---- */

/*
 * Appends an event to the outbox in the caller's transaction: its id,
 * type, the organisations it concerns (NULL: none but the authority's),
 * time and payload (the exact bytes delivered).
 */
int
store_outbox_append(struct db *db, const char *id, const char *type,
    const char *org_id, const char *lab_id, const char *at,
    const char *payload)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO event_outbox (id, type, org_id, "
	    "lab_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	db_bind_opt(st, 3, org_id);
	db_bind_opt(st, 4, lab_id);
	sqlite3_bind_text(st, 5, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, payload, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/*
 * In one transaction: a delivery for each webhook that subscribed to and
 * may see each of the oldest `limit` events not fanned out yet, which are
 * then marked fanned out.  *events: how many.  Seeing: a webhook of an
 * authority organisation sees every event; another organisation's the
 * events whose org_id or lab_id is its own.
 */
int
store_outbox_fan_out(struct db *db, int limit, int *events)
{
	sqlite3_stmt	*st;
	char		 now[32];
	int64_t		 upto = 0;
	int		 rc;

	*events = 0;
	store_now(now);
	if (db_begin(db) == -1)
		return STORE_ERR;
	/* The batch: events not fanned out up to the limit-th one. */
	if ((st = db_prepare(db, "SELECT count(*), max(seq) FROM (SELECT seq "
	    "FROM event_outbox WHERE fanned_out = 0 ORDER BY seq LIMIT ?)")) ==
	    NULL)
		goto fail;
	sqlite3_bind_int(st, 1, limit);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		*events = sqlite3_column_int(st, 0);
		upto = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_error(db, __func__);
		goto fail;
	}
	if (*events == 0) {
		db_rollback(db);
		return STORE_OK;
	}
	/* Event names are distinct words: a quoted name matches only itself. */
	if ((st = db_prepare(db, "INSERT INTO webhook_deliveries (id, "
	    "webhook_id, event_id, state, attempts, next_attempt_at, "
	    "created_at, updated_at) SELECT 'dlv_' || "
	    "lower(hex(randomblob(10))), w.id, e.id, 'pending', 0, ?1, ?1, ?1 "
	    "FROM event_outbox e JOIN webhooks w ON w.deleted_at IS NULL AND "
	    "instr(w.events, '\"' || e.type || '\"') > 0 JOIN organizations "
	    "o ON o.id = w.org_id WHERE e.fanned_out = 0 AND e.seq <= ?2 AND "
	    "(o.kind = 'authority' OR w.org_id = e.org_id OR w.org_id = "
	    "e.lab_id) ORDER BY e.seq, w.seq")) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, upto);
	if (db_step_done(db, st) != STORE_OK)
		goto fail;
	if ((st = db_prepare(db, "UPDATE event_outbox SET fanned_out = 1 "
	    "WHERE fanned_out = 0 AND seq <= ?")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, upto);
	if (db_step_done(db, st) != STORE_OK || db_commit(db) == -1)
		goto fail;
	return STORE_OK;
fail:
	db_rollback(db);
	return STORE_ERR;
}

/* ---- deliveries ---- */

#define DELIVERY_COLS "d.id, d.webhook_id, d.event_id, e.type, d.state, " \
	"d.attempts, d.next_attempt_at, d.last_status, d.last_error, " \
	"d.created_at, d.updated_at, d.seq"
#define DELIVERY_FROM "FROM webhook_deliveries d JOIN event_outbox e ON " \
	"e.id = d.event_id"

static void
delivery_from_row(sqlite3_stmt *st, struct webhook_delivery *d)
{
	memset(d, 0, sizeof(*d));
	db_col_copy(st, 0, d->id, sizeof(d->id));
	db_col_copy(st, 1, d->webhook_id, sizeof(d->webhook_id));
	db_col_copy(st, 2, d->event_id, sizeof(d->event_id));
	db_col_copy(st, 3, d->event_type, sizeof(d->event_type));
	db_col_copy(st, 4, d->state, sizeof(d->state));
	d->attempts = sqlite3_column_int(st, 5);
	db_col_copy(st, 6, d->next_attempt_at, sizeof(d->next_attempt_at));
	d->last_status = sqlite3_column_int(st, 7);
	db_col_copy(st, 8, d->last_error, sizeof(d->last_error));
	db_col_copy(st, 9, d->created_at, sizeof(d->created_at));
	db_col_copy(st, 10, d->updated_at, sizeof(d->updated_at));
	d->seq = sqlite3_column_int64(st, 11);
}

/* Pending deliveries of live webhooks due at now, oldest first. */
int
store_delivery_due(struct db *db, const char *now, int limit,
    int (*cb)(const struct webhook_delivery *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct webhook_delivery	 d;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " DELIVERY_COLS " " DELIVERY_FROM
	    " JOIN webhooks w ON w.id = d.webhook_id AND w.deleted_at IS NULL "
	    "WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY "
	    "d.next_attempt_at, d.seq LIMIT ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		delivery_from_row(st, &d);
		if (cb(&d, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * What delivery_id sends: its webhook (w, store_webhook_clear) and the
 * event's payload (*payload malloc'd).  STORE_NOTFOUND when the webhook
 * was deleted.
 */
int
store_delivery_payload(struct db *db, const char *delivery_id,
    struct webhook *w, char **payload)
{
	sqlite3_stmt	*st;
	char		 wid[40];
	size_t		 len;
	int		 rc;

	*payload = NULL;
	memset(w, 0, sizeof(*w));
	if ((st = db_prepare(db, "SELECT d.webhook_id, e.payload " DELIVERY_FROM
	    " WHERE d.id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, delivery_id, -1, SQLITE_STATIC);
	wid[0] = '\0';
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_col_copy(st, 0, wid, sizeof(wid));
		if (db_col_dup(st, 1, payload, &len) == -1)
			rc = SQLITE_NOMEM;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW || *payload == NULL) {
		if (rc != SQLITE_NOMEM)
			db_error(db, __func__);
		free(*payload);
		*payload = NULL;
		return STORE_ERR;
	}
	if ((rc = store_webhook_get(db, wid, w)) != STORE_OK) {
		free(*payload);
		*payload = NULL;
	}
	return rc;
}

/*
 * Records an attempt of delivery_id at at (status 0: no answer; error
 * may be NULL) and moves it to state, next attempt at next_at (NULL:
 * unchanged), in one transaction.
 */
int
store_delivery_record(struct db *db, const char *delivery_id, const char *at,
    long status, const char *error, const char *state, const char *next_at)
{
	sqlite3_stmt *st;

	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((st = db_prepare(db, "INSERT INTO webhook_attempts (delivery_id, "
	    "at, status, error) VALUES (?, ?, ?, ?)")) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, delivery_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	if (status > 0)
		sqlite3_bind_int64(st, 3, status);
	else
		sqlite3_bind_null(st, 3);
	db_bind_opt(st, 4, error);
	if (db_step_done(db, st) != STORE_OK)
		goto fail;
	if ((st = db_prepare(db, "UPDATE webhook_deliveries SET state = ?, "
	    "attempts = attempts + 1, next_attempt_at = coalesce(?, "
	    "next_attempt_at), last_status = ?, last_error = ?, updated_at = ? "
	    "WHERE id = ?")) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	db_bind_opt(st, 2, next_at);
	if (status > 0)
		sqlite3_bind_int64(st, 3, status);
	else
		sqlite3_bind_null(st, 3);
	db_bind_opt(st, 4, error);
	sqlite3_bind_text(st, 5, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, delivery_id, -1, SQLITE_STATIC);
	if (db_step_done(db, st) != STORE_OK || db_commit(db) == -1)
		goto fail;
	return STORE_OK;
fail:
	db_rollback(db);
	return STORE_ERR;
}

/* The deliveries of webhook_id with seq > after, oldest first. */
int
store_delivery_list(struct db *db, const char *webhook_id, int64_t after,
    int limit, int (*cb)(const struct webhook_delivery *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct webhook_delivery	 d;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " DELIVERY_COLS " " DELIVERY_FROM
	    " WHERE d.webhook_id = ? AND d.seq > ? ORDER BY d.seq LIMIT ?")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, webhook_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		delivery_from_row(st, &d);
		if (cb(&d, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* The attempts of delivery_id, oldest first (at most the bound). */
int
store_attempt_list(struct db *db, const char *delivery_id,
    int (*cb)(const struct webhook_attempt *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct webhook_attempt	 a;
	int			 rc;

	if ((st = db_prepare(db, "SELECT at, status, error FROM "
	    "webhook_attempts WHERE delivery_id = ? ORDER BY seq LIMIT ?")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, delivery_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, LABELD_WEBHOOK_MAX_ATTEMPTS);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		db_col_copy(st, 0, a.at, sizeof(a.at));
		a.status = sqlite3_column_int(st, 1);
		db_col_copy(st, 2, a.error, sizeof(a.error));
		if (cb(&a, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}
