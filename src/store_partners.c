/*
 * store_partners.c: the tables of 0009: partners, the bundle versions and
 * status list copies accepted from them (exact bytes, append-only),
 * recognition agreements and the partners' audit trail.  The triggers of
 * 0009 refuse what may never happen (a version going back, a rewritten
 * copy, a deleted row); the rules of what may are partner.c's.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "labeld.h"

/* ---- partners ---- */

#define PARTNER_COLS "p.id, p.issuer, p.name, p.country, p.url, " \
	"p.bundle_version, b.expires_at, p.refreshed_at, p.created_at, " \
	"p.created_by, p.seq"
#define PARTNER_FROM "FROM partners p LEFT JOIN partner_bundles b ON " \
	"b.partner_id = p.id AND b.version = p.bundle_version"

static void
partner_from_row(sqlite3_stmt *st, void *out)
{
	struct partner	*p = out;

	memset(p, 0, sizeof(*p));
	db_col_copy(st, 0, p->id, sizeof(p->id));
	db_col_copy(st, 1, p->issuer, sizeof(p->issuer));
	db_col_copy(st, 2, p->name, sizeof(p->name));
	db_col_copy(st, 3, p->country, sizeof(p->country));
	db_col_copy(st, 4, p->url, sizeof(p->url));
	p->bundle_version = sqlite3_column_int64(st, 5);
	db_col_copy(st, 6, p->bundle_expires, sizeof(p->bundle_expires));
	db_col_copy(st, 7, p->refreshed_at, sizeof(p->refreshed_at));
	db_col_copy(st, 8, p->created_at, sizeof(p->created_at));
	db_col_copy(st, 9, p->created_by, sizeof(p->created_by));
	p->seq = sqlite3_column_int64(st, 10);
}

/*
 * Records partner p: the caller sets every field but id, created_at and
 * seq (filled); its bundle row follows in the same transaction.
 * STORE_CONFLICT when the issuer is a partner already.
 */
int
store_partner_insert(struct db *db, struct partner *p)
{
	sqlite3_stmt	*st;

	store_new_id("ptn", p->id, sizeof(p->id));
	store_now(p->created_at);
	if ((st = db_prepare(db, "INSERT INTO partners (id, issuer, name, "
	    "country, url, bundle_version, refreshed_at, created_at, "
	    "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->issuer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->country, -1, SQLITE_STATIC);
	db_bind_opt(st, 5, p->url);
	sqlite3_bind_int64(st, 6, p->bundle_version);
	sqlite3_bind_text(st, 7, p->refreshed_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, p->created_at, -1, SQLITE_STATIC);
	db_bind_opt(st, 9, p->created_by);
	return db_step_done(db, st);
}

/* Partner id: STORE_OK, STORE_NOTFOUND or STORE_ERR. */
int
store_partner_get(struct db *db, const char *id, struct partner *p)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " PARTNER_COLS " " PARTNER_FROM
	    " WHERE p.id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_get_one(db, st, partner_from_row, p, __func__);
}

/* The partner whose issuer DID is issuer, as store_partner_get. */
int
store_partner_by_issuer(struct db *db, const char *issuer, struct partner *p)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " PARTNER_COLS " " PARTNER_FROM
	    " WHERE p.issuer = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, issuer, -1, SQLITE_STATIC);
	return db_get_one(db, st, partner_from_row, p, __func__);
}

/*
 * Moves partner p->id to bundle p->bundle_version (a newer one, already
 * inserted), with the name, country and url it states and refreshed_at.
 */
int
store_partner_set_bundle(struct db *db, const struct partner *p)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE partners SET name = ?, country = ?, "
	    "url = ?, bundle_version = ?, refreshed_at = ? WHERE id = ?")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->country, -1, SQLITE_STATIC);
	db_bind_opt(st, 3, p->url);
	sqlite3_bind_int64(st, 4, p->bundle_version);
	sqlite3_bind_text(st, 5, p->refreshed_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/* Partners with seq > after, in order, at most limit; cb -1 stops. */
int
store_partner_list(struct db *db, int64_t after, int limit,
    int (*cb)(const struct partner *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct partner	 p;
	int		 rc;

	if ((st = db_prepare(db, "SELECT " PARTNER_COLS " " PARTNER_FROM
	    " WHERE p.seq > ? ORDER BY p.seq LIMIT ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		partner_from_row(st, &p);
		if (cb(&p, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- bundle versions ---- */

/*
 * Appends version `version` of the partner's bundle: its len exact bytes,
 * their SHA-256 computed here.  STORE_CONFLICT when that version is kept
 * already; a lower one than kept is refused by 0009 (STORE_ERR).
 */
int
store_partner_bundle_insert(struct db *db, const char *partner_id,
    int64_t version, const char *bundle, size_t len, const char *expires_at,
    const char *received_at, const char *received_by)
{
	sqlite3_stmt	*st;
	uint8_t		 md[32];
	char		 hex[65];

	lc_sha256(bundle, len, md);
	lc_hex(md, sizeof(md), hex);
	if ((st = db_prepare(db, "INSERT INTO partner_bundles (partner_id, "
	    "version, bundle, sha256, expires_at, received_at, received_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_text64(st, 3, bundle, len, SQLITE_STATIC, SQLITE_UTF8);
	sqlite3_bind_text(st, 4, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, expires_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, received_at, -1, SQLITE_STATIC);
	db_bind_opt(st, 7, received_by);
	return db_step_done(db, st);
}

/* The exact bytes of a kept version (*bundle malloc'd); STORE_NOTFOUND. */
int
store_partner_bundle_get(struct db *db, const char *partner_id,
    int64_t version, char **bundle, size_t *len)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT bundle FROM partner_bundles WHERE "
	    "partner_id = ? AND version = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, version);
	return db_get_text(db, st, bundle, len, __func__);
}

/* ---- agreements ---- */

#define AGREEMENT_COLS "id, partner_id, partner_scheme, local_scheme, " \
	"tier_map, crosswalk, valid_from, valid_until, created_at, " \
	"created_by, updated_at, ended_at, seq"

/* The fixed fields of a row; tier_map and crosswalk are left to callers. */
static void
agreement_from_row(sqlite3_stmt *st, struct agreement *a)
{
	memset(a, 0, sizeof(*a));
	db_col_copy(st, 0, a->id, sizeof(a->id));
	db_col_copy(st, 1, a->partner_id, sizeof(a->partner_id));
	db_col_copy(st, 2, a->partner_scheme, sizeof(a->partner_scheme));
	db_col_copy(st, 3, a->local_scheme, sizeof(a->local_scheme));
	db_col_copy(st, 6, a->valid_from, sizeof(a->valid_from));
	db_col_copy(st, 7, a->valid_until, sizeof(a->valid_until));
	db_col_copy(st, 8, a->created_at, sizeof(a->created_at));
	db_col_copy(st, 9, a->created_by, sizeof(a->created_by));
	db_col_copy(st, 10, a->updated_at, sizeof(a->updated_at));
	db_col_copy(st, 11, a->ended_at, sizeof(a->ended_at));
	a->seq = sqlite3_column_int64(st, 12);
}

/*
 * Records agreement a (every field set by the caller but id, created_at,
 * updated_at and seq, filled).  STORE_OK or STORE_ERR.
 */
int
store_agreement_insert(struct db *db, struct agreement *a)
{
	sqlite3_stmt *st;

	assert(a->tier_map != NULL);
	store_new_id("agr", a->id, sizeof(a->id));
	store_now(a->created_at);
	memcpy(a->updated_at, a->created_at, sizeof(a->updated_at));
	if ((st = db_prepare(db, "INSERT INTO partner_agreements (id, "
	    "partner_id, partner_scheme, local_scheme, tier_map, crosswalk, "
	    "valid_from, valid_until, created_at, created_by, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->partner_scheme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->local_scheme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->tier_map, -1, SQLITE_STATIC);
	db_bind_opt(st, 6, a->crosswalk);
	sqlite3_bind_text(st, 7, a->valid_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, a->created_at, -1, SQLITE_STATIC);
	db_bind_opt(st, 10, a->created_by);
	sqlite3_bind_text(st, 11, a->updated_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/*
 * Agreement id of partner_id into a, its tier_map and crosswalk malloc'd
 * (store_agreement_clear releases them).  STORE_NOTFOUND, STORE_ERR.
 */
int
store_agreement_get(struct db *db, const char *partner_id, const char *id,
    struct agreement *a)
{
	sqlite3_stmt	*st;
	size_t		 len;
	int		 rc, oom = 0;

	memset(a, 0, sizeof(*a));
	if ((st = db_prepare(db, "SELECT " AGREEMENT_COLS " FROM "
	    "partner_agreements WHERE partner_id = ? AND id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		agreement_from_row(st, a);
		oom = db_col_dup(st, 4, &a->tier_map, &len) == -1 ||
		    a->tier_map == NULL ||
		    db_col_dup(st, 5, &a->crosswalk, &len) == -1;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && !oom)
		return STORE_OK;
	store_agreement_clear(a);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (!oom)
		db_error(db, __func__);
	return STORE_ERR;
}

/* Releases what store_agreement_get allocated; a zeroed a is fine. */
void
store_agreement_clear(struct agreement *a)
{
	free(a->tier_map);
	free(a->crosswalk);
	a->tier_map = a->crosswalk = NULL;
}

/*
 * Writes the amendable fields of a (tier_map, crosswalk, valid_from,
 * valid_until, ended_at: "" none) and updated_at.  STORE_NOTFOUND.
 */
int
store_agreement_update(struct db *db, const struct agreement *a)
{
	sqlite3_stmt	*st;
	int		 rc;

	assert(a->tier_map != NULL);
	if ((st = db_prepare(db, "UPDATE partner_agreements SET tier_map = ?, "
	    "crosswalk = ?, valid_from = ?, valid_until = ?, updated_at = ?, "
	    "ended_at = ? WHERE partner_id = ? AND id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, a->tier_map, -1, SQLITE_STATIC);
	db_bind_opt(st, 2, a->crosswalk);
	sqlite3_bind_text(st, 3, a->valid_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->updated_at, -1, SQLITE_STATIC);
	db_bind_opt(st, 6, a->ended_at[0] ? a->ended_at : NULL);
	sqlite3_bind_text(st, 7, a->partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * The agreements of partner_id, oldest first (at most
 * LABELD_PARTNER_MAX_AGREEMENTS); tier_map and crosswalk are borrowed
 * for the call.  cb -1 stops.
 */
int
store_agreement_list(struct db *db, const char *partner_id,
    int (*cb)(const struct agreement *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct agreement	 a;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " AGREEMENT_COLS " FROM "
	    "partner_agreements WHERE partner_id = ? ORDER BY seq LIMIT ?")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, LABELD_PARTNER_MAX_AGREEMENTS);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		agreement_from_row(st, &a);
		a.tier_map = (char *)db_col_text(st, 4);
		a.crosswalk = (char *)db_col_text(st, 5);
		if (cb(&a, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- status lists ---- */

#define LIST_COLS "partner_id, list_id, status_purpose, sha256, valid_from, " \
	"valid_until, received_at"

static void
list_from_row(sqlite3_stmt *st, void *out)
{
	struct partner_list	*l = out;

	memset(l, 0, sizeof(*l));
	db_col_copy(st, 0, l->partner_id, sizeof(l->partner_id));
	db_col_copy(st, 1, l->list_id, sizeof(l->list_id));
	db_col_copy(st, 2, l->status_purpose, sizeof(l->status_purpose));
	db_col_copy(st, 3, l->sha256, sizeof(l->sha256));
	db_col_copy(st, 4, l->valid_from, sizeof(l->valid_from));
	db_col_copy(st, 5, l->valid_until, sizeof(l->valid_until));
	db_col_copy(st, 6, l->received_at, sizeof(l->received_at));
}

/*
 * Appends a copy of a partner's status list: l's fields (sha256 of the
 * len bytes of credential, set by the caller) and the exact bytes.
 * STORE_CONFLICT when a copy with this validFrom is kept already.
 */
int
store_partner_list_insert(struct db *db, const struct partner_list *l,
    const char *credential, size_t len, const char *received_by)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO partner_status_lists "
	    "(partner_id, list_id, status_purpose, credential, sha256, "
	    "valid_from, valid_until, received_at, received_by) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, l->partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->list_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, l->status_purpose, -1, SQLITE_STATIC);
	sqlite3_bind_text64(st, 4, credential, len, SQLITE_STATIC,
	    SQLITE_UTF8);
	sqlite3_bind_text(st, 5, l->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, l->valid_from, -1, SQLITE_STATIC);
	db_bind_opt(st, 7, l->valid_until[0] ? l->valid_until : NULL);
	sqlite3_bind_text(st, 8, l->received_at, -1, SQLITE_STATIC);
	db_bind_opt(st, 9, received_by);
	return db_step_done(db, st);
}

/* The newest copy (latest validFrom) of a list; STORE_NOTFOUND if none. */
int
store_partner_list_latest(struct db *db, const char *partner_id,
    const char *list_id, struct partner_list *l)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " LIST_COLS " FROM "
	    "partner_status_lists WHERE partner_id = ? AND list_id = ? "
	    "ORDER BY valid_from DESC LIMIT 1")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, list_id, -1, SQLITE_STATIC);
	return db_get_one(db, st, list_from_row, l, __func__);
}

/* The newest copy of each of the partner's lists, by list id; cb -1 stops. */
int
store_partner_lists(struct db *db, const char *partner_id,
    int (*cb)(const struct partner_list *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct partner_list	 l;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " LIST_COLS " FROM "
	    "partner_status_lists s WHERE partner_id = ? AND valid_from = "
	    "(SELECT max(valid_from) FROM partner_status_lists WHERE "
	    "partner_id = s.partner_id AND list_id = s.list_id) ORDER BY "
	    "list_id")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, partner_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		list_from_row(st, &l);
		if (cb(&l, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- audit trail ---- */

/* Appends e (at NULL: now). */
int
store_partner_event_append(struct db *db, const struct partner_event *e)
{
	sqlite3_stmt	*st;
	char		 now[32];

	assert(e->partner_id != NULL && e->action != NULL);
	store_now(now);
	if ((st = db_prepare(db, "INSERT INTO partner_events (partner_id, at, "
	    "action, agreement_id, org_id, token_id, detail) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, e->partner_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->at != NULL ? e->at : now, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->action, -1, SQLITE_STATIC);
	db_bind_opt(st, 4, e->agreement_id);
	db_bind_opt(st, 5, e->org_id);
	db_bind_opt(st, 6, e->token_id);
	db_bind_opt(st, 7, e->detail);
	return db_step_done(db, st);
}
