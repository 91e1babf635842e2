/*
 * store_ballots.c: dual-control ballots and their votes (0019).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

#define BALLOT_COLS "id, state, method, path, coalesce(body, ''), quorum, " \
	"proposer_org, proposer_token, created_at, expires_at, " \
	"coalesce(decided_at, ''), coalesce(result_status, 0), " \
	"coalesce(result_type, ''), coalesce(result_body, ''), seq"

static void
ballot_from_row(sqlite3_stmt *st, void *out)
{
	struct ballot	*b = out;
	size_t		 len;

	memset(b, 0, sizeof(*b));
	db_col_copy(st, 0, b->id, sizeof(b->id));
	db_col_copy(st, 1, b->state, sizeof(b->state));
	db_col_copy(st, 2, b->method, sizeof(b->method));
	db_col_copy(st, 3, b->path, sizeof(b->path));
	/* coalesce'd: never NULL; NULL here only when memory ran out */
	(void)db_col_dup(st, 4, &b->body, &len);
	b->quorum = sqlite3_column_int(st, 5);
	db_col_copy(st, 6, b->proposer_org, sizeof(b->proposer_org));
	db_col_copy(st, 7, b->proposer_token, sizeof(b->proposer_token));
	db_col_copy(st, 8, b->created_at, sizeof(b->created_at));
	db_col_copy(st, 9, b->expires_at, sizeof(b->expires_at));
	db_col_copy(st, 10, b->decided_at, sizeof(b->decided_at));
	b->result_status = sqlite3_column_int(st, 11);
	db_col_copy(st, 12, b->result_type, sizeof(b->result_type));
	(void)db_col_dup(st, 13, &b->result_body, &len);
	b->seq = sqlite3_column_int64(st, 14);
}

/* Frees what ballot_from_row allocated in b. */
void
store_ballot_clear(struct ballot *b)
{
	free(b->body);
	free(b->result_body);
	b->body = b->result_body = NULL;
}

/* Stores the new ballot b (id filled here).  STORE_OK or STORE_ERR. */
int
store_ballot_insert(struct db *db, struct ballot *b)
{
	sqlite3_stmt *st;

	store_new_id("bal", b->id, sizeof(b->id));
	if ((st = db_prepare(db, "INSERT INTO ballots (id, state, method, "
	    "path, body, quorum, proposer_org, proposer_token, created_at, "
	    "expires_at) VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, b->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b->path, -1, SQLITE_STATIC);
	if (b->body != NULL && b->body[0] != '\0')
		sqlite3_bind_text(st, 4, b->body, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, b->quorum);
	sqlite3_bind_text(st, 6, b->proposer_org, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, b->proposer_token, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, b->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, b->expires_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* Ballot id into *b (store_ballot_clear it).  STORE_NOTFOUND when none. */
int
store_ballot_get(struct db *db, const char *id, struct ballot *b)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "SELECT " BALLOT_COLS " FROM ballots "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_get_one(db, st, ballot_from_row, b, __func__);
}

/*
 * Walks the ballots in state (NULL: any) after seq after, at most limit,
 * oldest first: cb(ballot, arg), which must not keep b's strings.
 */
int
store_ballot_list(struct db *db, const char *state, int64_t after, int limit,
    int (*cb)(const struct ballot *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct ballot	 b;
	int		 rc, stop;

	if ((st = db_prepare(db, "SELECT " BALLOT_COLS " FROM ballots "
	    "WHERE seq > ?1 AND (?2 IS NULL OR state = ?2) "
	    "ORDER BY seq LIMIT ?3")) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, after);
	if (state != NULL)
		sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		ballot_from_row(st, &b);
		stop = cb(&b, arg) == -1;
		store_ballot_clear(&b);
		if (stop)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/*
 * Moves ballot id from state from to state to at decided_at (NULL: keep),
 * recording the act's answer when result_type is not NULL.
 * STORE_NOTFOUND when it is not in state from (someone else moved it).
 */
int
store_ballot_set_state(struct db *db, const char *id, const char *from,
    const char *to, const char *decided_at, int result_status,
    const char *result_type, const char *result_body)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "UPDATE ballots SET state = ?3, "
	    "decided_at = coalesce(?4, decided_at), "
	    "result_status = coalesce(?5, result_status), "
	    "result_type = coalesce(?6, result_type), "
	    "result_body = coalesce(?7, result_body) "
	    "WHERE id = ?1 AND state = ?2")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	if (decided_at != NULL)
		sqlite3_bind_text(st, 4, decided_at, -1, SQLITE_STATIC);
	if (result_type != NULL) {
		sqlite3_bind_int(st, 5, result_status);
		sqlite3_bind_text(st, 6, result_type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, result_body ? result_body : "", -1,
		    SQLITE_STATIC);
	}
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/* Records a vote.  STORE_CONFLICT when this token already voted. */
int
store_ballot_vote_insert(struct db *db, const struct ballot_vote *v)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, "INSERT INTO ballot_votes (ballot_id, "
	    "token_id, org_id, vote, reason, at) VALUES (?, ?, ?, ?, ?, ?)")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, v->ballot_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->token_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v->vote, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, v->at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* Walks ballot_id's votes in the order cast. */
int
store_ballot_vote_list(struct db *db, const char *ballot_id,
    int (*cb)(const struct ballot_vote *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct ballot_vote	 v;
	int			 rc;

	if ((st = db_prepare(db, "SELECT ballot_id, token_id, org_id, vote, "
	    "reason, at FROM ballot_votes WHERE ballot_id = ? "
	    "ORDER BY seq")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, ballot_id, -1, SQLITE_STATIC);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		v.ballot_id = db_col_text(st, 0);
		v.token_id = db_col_text(st, 1);
		v.org_id = db_col_text(st, 2);
		v.vote = db_col_text(st, 3);
		v.reason = db_col_text(st, 4);
		v.at = db_col_text(st, 5);
		if (cb(&v, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* How many approvals ballot_id holds, into *n. */
int
store_ballot_approvals(struct db *db, const char *ballot_id, int *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	if ((st = db_prepare(db, "SELECT count(*) FROM ballot_votes "
	    "WHERE ballot_id = ? AND vote = 'approve'")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, ballot_id, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	return db_walk_done(db, st, rc, __func__);
}
