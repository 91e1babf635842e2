/*
 * store_refresh.c: partner_refreshes of 0013, the last pull of each
 * partner (its time, outcome and report).  One row a partner, replaced
 * by every refresh; what a refresh changed is in partner_events.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "labeld.h"

/* Records the refresh of partner_id at at: outcome and report (JSON text). */
int
store_refresh_put(struct db *db, const char *partner_id, const char *at,
    const char *outcome, const char *report)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO partner_refreshes (partner_id, "
	    "at, outcome, report) VALUES (?, ?, ?, ?) ON CONFLICT (partner_id) "
	    "DO UPDATE SET at = excluded.at, outcome = excluded.outcome, "
	    "report = excluded.report")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, report, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/*
 * The last refresh of partner_id into r (r->report malloc'd, released by
 * store_refresh_clear).  STORE_OK, STORE_NOTFOUND (never refreshed),
 * STORE_ERR.
 */
int
store_refresh_get(struct db *db, const char *partner_id,
    struct partner_refresh_row *r)
{
	sqlite3_stmt	*st;
	size_t		 len;
	int		 rc, oom = 0;

	memset(r, 0, sizeof(*r));
	if ((st = db_prepare(db, "SELECT partner_id, at, outcome, report FROM "
	    "partner_refreshes WHERE partner_id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_col_copy(st, 0, r->partner_id, sizeof(r->partner_id));
		db_col_copy(st, 1, r->at, sizeof(r->at));
		db_col_copy(st, 2, r->outcome, sizeof(r->outcome));
		oom = db_col_dup(st, 3, &r->report, &len) == -1;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && !oom)
		return STORE_OK;
	store_refresh_clear(r);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (!oom)
		db_error(db, __func__);
	return STORE_ERR;
}

/* Releases what store_refresh_get allocated; a zeroed r is fine. */
void
store_refresh_clear(struct partner_refresh_row *r)
{
	free(r->report);
	r->report = NULL;
}
