/*
 * store_audit.c: refused requests (0021) and the regulator's one
 * chronological listing of every audited act, a UNION ALL over the audit
 * tables.  A row is keyed by (at, kind, seq); seq is the row's own
 * sequence in its table, spread where one kind draws on several rows of
 * a table (a ballot's proposal and decision, a token's creation and
 * revocation) so that the key stays unique and a cursor stays exact.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "labeld.h"

/* In the order of the listing's kind column; NULL-terminated. */
const char *const audit_kinds[] = { "auth", "ballot", "label", "partner",
    "product", "submission", "token", NULL };

/* Records one refusal, alone in its own (autocommit) transaction. */
int
store_auth_failure_insert(struct db *db, const struct auth_failure *f)
{
	sqlite3_stmt	*st;
	char		 now[32];

	store_now(now);
	if ((st = db_prepare(db, "INSERT INTO auth_failures (at, addr, "
	    "reason, token_id, method, route, suppressed) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->reason, -1, SQLITE_STATIC);
	db_bind_opt(st, 4, f->token_id);
	sqlite3_bind_text(st, 5, f->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->route, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)f->suppressed);
	return db_step_done(db, st);
}

/*
 * Every audited act as (at, kind, seq, action, subject, org_id, token_id,
 * reason, detail).  Ballot rows: seq*3 proposed, seq*3+1 decided,
 * vote seq*3+2; token rows: rowid*2 created, rowid*2+1 revoked.
 * JSONV: stored JSON text as JSON inside json_object(), other text as a
 * string (a malformed row must not fail the whole listing).
 */
#define JSONV(c)	"CASE WHEN json_valid(" c ") THEN json(" c ") ELSE " \
	c " END"
#define AUDIT_UNION \
	"SELECT at, 'submission' AS kind, seq, action, " \
	"submission_id AS subject, org_id, token_id, reason, " \
	"json_object('from_state', from_state, 'to_state', to_state, " \
	"'role', role, 'detail', " JSONV("detail") ") AS detail " \
	"FROM submission_events " \
	"UNION ALL SELECT at, 'label', seq, action, label_id, org_id, " \
	"token_id, reason, json_object('from_status', from_status, " \
	"'to_status', to_status) FROM label_events " \
	"UNION ALL SELECT at, 'product', seq, action, product_id, org_id, " \
	"token_id, NULL, json_object('version', version, 'detail', " \
	JSONV("detail") ") FROM product_events " \
	"UNION ALL SELECT at, 'partner', seq, action, partner_id, org_id, " \
	"token_id, NULL, json_object('agreement_id', agreement_id, " \
	"'detail', " JSONV("detail") ") FROM partner_events " \
	"UNION ALL SELECT created_at, 'ballot', seq * 3, 'proposed', id, " \
	"proposer_org, proposer_token, NULL, json_object('method', method, " \
	"'path', path) FROM ballots " \
	"UNION ALL SELECT decided_at, 'ballot', seq * 3 + 1, state, id, " \
	"NULL, NULL, NULL, CASE WHEN result_status IS NULL THEN NULL ELSE " \
	"json_object('result_status', result_status) END FROM ballots " \
	"WHERE decided_at IS NOT NULL " \
	"UNION ALL SELECT v.at, 'ballot', v.seq * 3 + 2, 'vote_' || v.vote, " \
	"v.ballot_id, v.org_id, v.token_id, v.reason, NULL " \
	"FROM ballot_votes v " \
	"UNION ALL SELECT at, 'auth', seq, 'refused', method || ' ' || route, " \
	"NULL, token_id, reason, json_object('addr', addr, 'suppressed', " \
	"suppressed) FROM auth_failures " \
	"UNION ALL SELECT created_at, 'token', rowid * 2, 'created', id, " \
	"org_id, id, NULL, json_object('role', role, 'label', label, " \
	"'expires_at', expires_at) FROM tokens " \
	"UNION ALL SELECT revoked_at, 'token', rowid * 2 + 1, 'revoked', id, " \
	"org_id, id, NULL, json_object('role', role) FROM tokens " \
	"WHERE revoked_at IS NOT NULL"

/*
 * Walks the audited acts of kind (NULL: all) at or after since (NULL:
 * from the start) that come after *after (NULL: from the first), in
 * (at, kind, seq) order, at most limit: cb(row, arg), which must not keep
 * the row's strings.
 */
int
store_audit_list(struct db *db, const char *kind, const char *since,
    const struct audit_cursor *after, int limit,
    int (*cb)(const struct audit_row *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct audit_row	 a;
	int			 rc;

	if ((st = db_prepare(db, "SELECT at, kind, seq, action, subject, "
	    "org_id, token_id, reason, detail FROM (" AUDIT_UNION ") "
	    "WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR at >= ?2) "
	    "AND (?3 IS NULL OR (at, kind, seq) > (?3, ?4, ?5)) "
	    "ORDER BY at, kind, seq LIMIT ?6")) == NULL)
		return STORE_ERR;
	db_bind_opt(st, 1, kind);
	db_bind_opt(st, 2, since);
	if (after != NULL) {
		sqlite3_bind_text(st, 3, after->at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, after->kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, after->seq);
	}
	sqlite3_bind_int(st, 6, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		a.at = db_col_text(st, 0);
		a.kind = db_col_text(st, 1);
		a.seq = sqlite3_column_int64(st, 2);
		a.action = db_col_text(st, 3);
		a.subject = db_col_text(st, 4);
		a.org_id = db_col_text(st, 5);
		a.token_id = db_col_text(st, 6);
		a.reason = db_col_text(st, 7);
		a.detail = db_col_text(st, 8);
		if (cb(&a, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}
