/*
 * store.c: the SQLite database: a small pool of connections (one per
 * server thread, so a request never waits for another's connection),
 * pragmas, per-connection statement caches, migrations and transactions.
 * Every query in labeld goes through db_prepare() and db_step(): prepared
 * statements with bound parameters only, and one place where a test can
 * make the Nth SQLite call fail (store_fault_set).
 */
#include "config.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"
#include "rfc3339.h"

#define STORE_BUSY_MS		10000
#define STORE_CACHE_SIZE	256
#define STORE_MAX_MIGRATIONS	1000
#define STORE_MAX_MIGRATION_SIZE (1024 * 1024)

struct stmt_cache {
	size_t		 n;
	struct {
		const char	*sql;
		sqlite3_stmt	*stmt;
	}		 e[STORE_CACHE_SIZE];
};

struct store {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	unsigned	 nconn;
	struct db	*conns;
	int		*busy;
};

static atomic_ulong store_error_count;

/* How many database errors were logged since start. */
unsigned long
store_errors(void)
{
	return atomic_load(&store_error_count);
}

/* Logs SQLite's last error on db under where and counts it for metrics. */
void
db_error(struct db *db, const char *where)
{
	atomic_fetch_add(&store_error_count, 1);
	log_error("%s: sqlite: %s", where, sqlite3_errmsg(db->conn));
}

/* ---- fault injection ---- */

/*
 * SQLite's faultsim countdown (test_malloc.c) for labeld's own calls:
 * after store_fault_set(n, rc) the n-th SQLite call made through the
 * wrappers below (a prepare, a step: BEGIN and COMMIT are steps too)
 * fails with rc, once.  Compiled in always: it costs one atomic load per
 * call, nothing but a test can arm it (no option, no environment), and the
 * suite and the sanitizer build then test the very code labeld runs.
 */
static atomic_int		 fault_countdown;	/* 0: disarmed */
static int			 fault_rc;
static int			 fault_fired;
static char			 fault_site[160];
static atomic_int		 fault_nomem;	/* refuse allocations */
static _Thread_local int	 fault_held;	/* inside a rollback */
static sqlite3_mem_methods	 fault_mem;	/* SQLite's allocator */

static void *
fault_malloc(int n)
{
	if (atomic_load_explicit(&fault_nomem, memory_order_relaxed)) {
		fault_fired++;
		return NULL;
	}
	return fault_mem.xMalloc(n);
}

static void *
fault_realloc(void *p, int n)
{
	if (atomic_load_explicit(&fault_nomem, memory_order_relaxed)) {
		fault_fired++;
		return NULL;
	}
	return fault_mem.xRealloc(p, n);
}

/*
 * Wraps SQLite's allocator so that SQLITE_NOMEM faults are real failed
 * allocations.  Call before anything opens a database (SQLite takes an
 * allocator only before it initialises); 0, or -1 when too late.
 */
int
store_fault_init(void)
{
	sqlite3_mem_methods m;

	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &fault_mem) != SQLITE_OK)
		return -1;
	m = fault_mem;
	m.xMalloc = fault_malloc;
	m.xRealloc = fault_realloc;
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK ? 0 : -1;
}

/*
 * Arms the countdown: the n-th SQLite call from now fails with rc, one of
 * SQLITE_FULL (and the transaction is rolled back, as SQLite does when a
 * statement without a statement journal fills the disk), SQLITE_BUSY, or
 * SQLITE_NOMEM (the call is made with every allocation refused: needs
 * store_fault_init; a call that allocates nothing then succeeds).  n 0
 * disarms.  Not thread-safe: for single-threaded tests.
 */
void
store_fault_set(int n, int rc)
{
	assert(n >= 0);
	assert(n == 0 || rc == SQLITE_FULL || rc == SQLITE_BUSY ||
	    rc == SQLITE_NOMEM);
	fault_rc = rc;
	fault_fired = 0;
	fault_site[0] = '\0';
	atomic_store(&fault_countdown, n);
}

/*
 * Faults injected since store_fault_set (failed allocations for
 * SQLITE_NOMEM); *site, when not NULL, names the call that failed
 * ("prepare: SQL" or "step: SQL").
 */
int
store_fault_fired(const char **site)
{
	if (site != NULL)
		*site = fault_site;
	return fault_fired;
}

/*
 * Counts a call about to be made (what, on sql): SQLITE_OK to make it, or
 * the result code it fails with instead.  A fault of SQLITE_NOMEM lets
 * the call run with allocations refused until fault_end().
 */
static int
fault_begin(struct db *db, const char *what, const char *sql)
{
	if (atomic_load_explicit(&fault_countdown, memory_order_relaxed) == 0 ||
	    fault_held || atomic_fetch_sub(&fault_countdown, 1) != 1)
		return SQLITE_OK;
	snprintf(fault_site, sizeof(fault_site), "%s: %s", what,
	    sql != NULL ? sql : "");
	if (fault_rc == SQLITE_NOMEM) {
		atomic_store(&fault_nomem, 1);
		return SQLITE_OK;
	}
	fault_fired++;
	log_error("fault injected: %s fails with %s", fault_site,
	    sqlite3_errstr(fault_rc));
	if (fault_rc == SQLITE_FULL && !sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	return fault_rc;
}

static void
fault_end(void)
{
	atomic_store_explicit(&fault_nomem, 0, memory_order_relaxed);
}

static int
db_open_conn(const char *path, sqlite3 **out, char *err, size_t errlen)
{
	sqlite3		*c = NULL;
	char		*msg = NULL;
	/* WAL so readers never block the writer; FULL so a 2xx is on disk. */
	const char	*pragmas =
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA trusted_schema=OFF;";

	if (sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    c ? sqlite3_errmsg(c) : "out of memory");
		sqlite3_close(c);
		return -1;
	}
	sqlite3_busy_timeout(c, STORE_BUSY_MS);
	sqlite3_extended_result_codes(c, 1);
	if (sqlite3_exec(c, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, msg ? msg : "pragma");
		sqlite3_free(msg);
		sqlite3_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

static void
db_close_conn(struct db *db)
{
	if (db->cache != NULL) {
		for (size_t i = 0; i < db->cache->n; i++)
			sqlite3_finalize(db->cache->e[i].stmt);
		free(db->cache);
		db->cache = NULL;
	}
	if (db->conn != NULL && sqlite3_close(db->conn) != SQLITE_OK)
		log_error("sqlite close: %s", sqlite3_errmsg(db->conn));
	db->conn = NULL;
}

/*
 * Opens the database at path, applies the migrations found in
 * migrations_dir (refusing a schema newer than those), then opens nconn
 * connections for the pool.  Returns NULL with a message on failure.
 */
struct store *
store_open(const char *path, const char *migrations_dir, unsigned nconn,
    char *err, size_t errlen)
{
	struct store	*s;

	assert(nconn > 0);
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->conns = calloc(nconn, sizeof(*s->conns))) == NULL ||
	    (s->busy = calloc(nconn, sizeof(*s->busy))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	for (unsigned i = 0; i < nconn; i++) {
		if (db_open_conn(path, &s->conns[i].conn, err, errlen) == -1)
			goto fail;
		s->conns[i].store = s;
		s->nconn = i + 1;
		if (i == 0 && migrations_dir != NULL &&
		    store_migrate(s->conns[0].conn, migrations_dir, err,
		    errlen) == -1)
			goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

/*
 * Closes every connection of s and frees s; call it when no connection is in
 * use.  NULL is allowed.
 */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (unsigned i = 0; i < s->nconn; i++)
		db_close_conn(&s->conns[i]);
	if (s->conns != NULL) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->cond);
	}
	free(s->conns);
	free(s->busy);
	free(s);
}

/* Takes a free connection, waiting when all are in use. */
struct db *
store_acquire(struct store *s)
{
	struct db *db = NULL;

	pthread_mutex_lock(&s->lock);
	while (db == NULL) {
		for (unsigned i = 0; i < s->nconn; i++)
			if (!s->busy[i]) {
				s->busy[i] = 1;
				db = &s->conns[i];
				break;
			}
		if (db == NULL)
			pthread_cond_wait(&s->cond, &s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	db->last_rc = 0;
	return db;
}

/*
 * Gives db back to its store; a transaction still open is rolled back.  NULL
 * is allowed.
 */
void
store_release(struct db *db)
{
	struct store *s;

	if (db == NULL)
		return;
	s = db->store;
	/* A handler that bailed out mid-transaction must not leak it. */
	if (!sqlite3_get_autocommit(db->conn))
		db_rollback(db);
	pthread_mutex_lock(&s->lock);
	s->busy[db - s->conns] = 0;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/*
 * Returns the cached prepared statement for sql (a string constant: the
 * pointer is the key), reset and with bindings cleared, or NULL on error.
 */
sqlite3_stmt *
db_prepare(struct db *db, const char *sql)
{
	struct stmt_cache	*c;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	if (db->cache == NULL &&
	    (db->cache = calloc(1, sizeof(*db->cache))) == NULL)
		return NULL;
	c = db->cache;
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].sql == sql) {
			st = c->e[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	if (c->n == STORE_CACHE_SIZE) {
		log_error("statement cache full");
		return NULL;
	}
	if ((rc = fault_begin(db, "prepare", sql)) == SQLITE_OK) {
		rc = sqlite3_prepare_v3(db->conn, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL);
		fault_end();
	}
	if (rc != SQLITE_OK) {
		db->last_rc = rc;
		db_error(db, "prepare");
		return NULL;
	}
	c->e[c->n].sql = sql;
	c->e[c->n].stmt = st;
	c->n++;
	return st;
}

/*
 * sqlite3_step(st) through the fault countdown: every step of labeld goes
 * through here.  Returns what sqlite3_step returns (or the injected fault).
 */
int
db_step(struct db *db, sqlite3_stmt *st)
{
	int rc;

	if ((rc = fault_begin(db, "step", sqlite3_sql(st))) != SQLITE_OK) {
		db->last_rc = rc;
		return rc;
	}
	rc = sqlite3_step(st);
	fault_end();
	/* What a failed answer says: a full disk is not an internal error. */
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		db->last_rc = sqlite3_extended_errcode(db->conn);
	return rc;
}

/* Steps a statement expected to finish without rows. */
int
db_step_done(struct db *db, sqlite3_stmt *st)
{
	int rc = db_step(db, st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return STORE_CONFLICT;
	db_error(db, "step");
	return STORE_ERR;
}

/* Copies text column i into dst ("" for NULL), truncating to dstlen. */
void
db_col_copy(sqlite3_stmt *st, int i, char *dst, size_t dstlen)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(dst, dstlen, "%s", v ? (const char *)v : "");
}

/* Text column i, "" for NULL; valid until the statement steps again. */
const char *
db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? (const char *)v : "";
}

/* Binds s, or NULL when s is NULL or "". */
void
db_bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/*
 * Steps a lookup of at most one row: on a row, fill(st, out) copies it.
 * STORE_OK, STORE_NOTFOUND or STORE_ERR (logged under where).
 */
int
db_get_one(struct db *db, sqlite3_stmt *st,
    void (*fill)(sqlite3_stmt *, void *), void *out, const char *where)
{
	int rc = db_step(db, st);

	if (rc == SQLITE_ROW)
		fill(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	db_error(db, where);
	return STORE_ERR;
}

static int
db_exec_cached(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return -1;
	return db_step_done(db, st) == STORE_OK ? 0 : -1;
}

/*
 * Copies text column i into a new NUL-terminated buffer (*buf, *len);
 * *buf stays NULL for a NULL column.  -1 when out of memory.
 */
int
db_col_dup(sqlite3_stmt *st, int i, char **buf, size_t *len)
{
	const unsigned char	*t = sqlite3_column_text(st, i);
	int			 n = sqlite3_column_bytes(st, i);

	*buf = NULL;
	*len = 0;
	if (t == NULL)
		return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : -1;
	if ((*buf = malloc((size_t)n + 1)) == NULL)
		return -1;
	memcpy(*buf, t, (size_t)n);
	(*buf)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

/*
 * Steps a lookup of one text column: *buf (malloc'd) and *len.
 * STORE_OK, STORE_NOTFOUND (no row, or NULL) or STORE_ERR.
 */
int
db_get_text(struct db *db, sqlite3_stmt *st, char **buf, size_t *len,
    const char *where)
{
	int rc = db_step(db, st), oom = 0;

	*buf = NULL;
	*len = 0;
	if (rc == SQLITE_ROW)
		oom = db_col_dup(st, 0, buf, len) == -1;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && !oom)
		return *buf != NULL ? STORE_OK : STORE_NOTFOUND;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (!oom)
		db_error(db, where);
	return STORE_ERR;
}

/*
 * Ends a walk of rows: rc is the last sqlite3_step() result (SQLITE_ROW
 * when the callback stopped the walk early).  Resets st; STORE_OK or
 * STORE_ERR (logged under where).
 */
int
db_walk_done(struct db *db, sqlite3_stmt *st, int rc, const char *where)
{
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return STORE_OK;
	db_error(db, where);
	return STORE_ERR;
}

/* 1 inside a transaction: callers that may be nested in one join it. */
int
db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->conn);
}

/* Write transactions take the write lock up front: no upgrade deadlocks. */
int
db_begin(struct db *db)
{
	return db_exec_cached(db, "BEGIN IMMEDIATE");
}

/* A read snapshot without the write lock (ended by db_rollback). */
int
db_begin_read(struct db *db)
{
	return db_exec_cached(db, "BEGIN DEFERRED");
}

/* COMMIT on db: STORE_OK, or STORE_ERR (logged); the caller rolls back then. */
int
db_commit(struct db *db)
{
	return db_exec_cached(db, "COMMIT");
}

/* Never fails by injection: it is what a failure leads to. */
void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->conn)) {
		fault_held++;
		(void)db_exec_cached(db, "ROLLBACK");
		fault_held--;
	}
}

/*
 * A trivial query on db: 0, or -1 (logged) when the database does not
 * answer.
 */
int
store_ping(struct db *db)
{
	sqlite3_stmt	*st = db_prepare(db, "SELECT count(*) FROM "
	    "schema_migrations");
	int		 rc;

	if (st == NULL)
		return -1;
	rc = db_step(db, st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_error(db, "ping");
		return -1;
	}
	return 0;
}

/* ---- migrations ---- */

static int
migration_filter(const struct dirent *d)
{
	const char	*n = d->d_name;
	size_t		 len = strlen(n);

	for (int i = 0; i < 4; i++)
		if (n[i] < '0' || n[i] > '9')
			return 0;
	return n[4] == '_' && len > 9 && strcmp(n + len - 4, ".sql") == 0;
}

static char *
read_file(const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	*buf = NULL;
	long	 len;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    len > STORE_MAX_MIGRATION_SIZE || fseek(f, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "%s: unreadable or too large", path);
		goto done;
	}
	if ((buf = malloc((size_t)len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		snprintf(err, errlen, "%s: short read", path);
		free(buf);
		buf = NULL;
		goto done;
	}
	buf[len] = '\0';
done:
	fclose(f);
	return buf;
}

/*
 * The highest migration applied on c into *version (0 when none): 0, or -1
 * when it cannot be read (*version 0).
 */
int
store_schema_version(sqlite3 *c, int *version)
{
	sqlite3_stmt	*st;
	int		 rc;

	*version = 0;
	if (sqlite3_prepare_v2(c, "SELECT coalesce(max(version), 0) FROM "
	    "schema_migrations", -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* 1 when migration version is recorded as applied, 0 when not, -1. */
static int
migration_applied(sqlite3 *c, int version)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(c, "SELECT 1 FROM schema_migrations WHERE "
	    "version = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, version);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
apply_migration(sqlite3 *c, int version, const char *name, const char *sql,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st = NULL;
	char		*msg = NULL, now[32];

	if (sqlite3_exec(c, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(c, sql, NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	store_now(now);
	if (sqlite3_prepare_v2(c, "INSERT INTO schema_migrations(version, name,"
	    " applied_at) VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int(st, 1, version);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(c, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	log_info("applied migration %s", name);
	return 0;
fail:
	snprintf(err, errlen, "migration %s failed: %s", name,
	    msg ? msg : sqlite3_errmsg(c));
	sqlite3_free(msg);
	sqlite3_finalize(st);
	sqlite3_exec(c, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Applies, in order and each in its own transaction, every NNNN_name.sql in
 * dir newer than the database's schema version.  Refuses (-1) a database
 * whose schema is newer than the newest migration known here.
 */
int
store_migrate(sqlite3 *c, const char *dir, char *err, size_t errlen)
{
	struct dirent	**list = NULL;
	int		 n, current, known = 0, rc = -1;

	if (sqlite3_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
	    "applied_at TEXT NOT NULL)", NULL, NULL, NULL) != SQLITE_OK ||
	    store_schema_version(c, &current) == -1) {
		snprintf(err, errlen, "cannot read schema version: %s",
		    sqlite3_errmsg(c));
		return -1;
	}
	if ((n = scandir(dir, &list, migration_filter, alphasort)) < 0) {
		snprintf(err, errlen, "migrations directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (n == 0 || n > STORE_MAX_MIGRATIONS) {
		snprintf(err, errlen, "migrations directory %s: no "
		    "NNNN_name.sql files", dir);
		goto done;
	}
	known = atoi(list[n - 1]->d_name);
	if (current > known) {
		snprintf(err, errlen, "database schema version %d is newer "
		    "than this labeld knows (%d): run a newer labeld",
		    current, known);
		goto done;
	}
	for (int i = 0; i < n; i++) {
		char	 path[PATH_MAX], *sql;
		int	 v = atoi(list[i]->d_name), r;

		if (v <= current) {
			/* A file that a newer schema skipped (made by a build
			 * without it) would never be applied: refuse. */
			if ((r = migration_applied(c, v)) == 1)
				continue;
			if (r == 0)
				snprintf(err, errlen, "database schema version "
				    "%d lacks migration %s: it was made by a "
				    "build without it; restore a backup made by "
				    "this labeld", current, list[i]->d_name);
			else
				snprintf(err, errlen, "cannot read "
				    "schema_migrations: %s", sqlite3_errmsg(c));
			goto done;
		}
		if (path_join(path, sizeof(path), dir, list[i]->d_name)) {
			snprintf(err, errlen, "path too long");
			goto done;
		}
		if ((sql = read_file(path, err, errlen)) == NULL)
			goto done;
		r = apply_migration(c, v, list[i]->d_name, sql, err, errlen);
		free(sql);
		if (r == -1)
			goto done;
		current = v;
	}
	rc = 0;
done:
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}

/* ---- operations ---- */

/* Runs PRAGMA integrity_check; 0 when the answer is "ok". */
int
store_integrity_check(struct db *db, char *out, size_t outlen)
{
	sqlite3_stmt	*st = db_prepare(db, "PRAGMA integrity_check");
	size_t		 o = 0;
	int		 rc, ok = 0, rows = 0;

	if (st == NULL)
		return -1;
	out[0] = '\0';
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		int n;

		if (line == NULL)
			continue;
		rows++;
		if (strcmp(line, "ok") == 0)
			ok = 1;
		n = snprintf(out + o, outlen - o, "%s%s", o ? "\n" : "", line);
		if (n > 0 && (size_t)n < outlen - o)
			o += (size_t)n;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_error(db, "integrity_check");
		return -1;
	}
	return (ok && rows == 1) ? 0 : -1;
}

/*
 * Copies the live database to dest with the online backup API: a
 * consistent snapshot even while labeld writes.  Writes dest.tmp, syncs,
 * then renames, so dest is either absent or complete.
 */
int
store_backup(struct db *db, const char *dest, char *err, size_t errlen)
{
	char		 tmp[PATH_MAX];
	sqlite3		*out = NULL;
	sqlite3_backup	*b;
	int		 rc, fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", dest) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", dest);
		return -1;
	}
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp,
		    out ? sqlite3_errmsg(out) : "out of memory");
		goto fail;
	}
	if ((b = sqlite3_backup_init(out, "main", db->conn, "main")) == NULL) {
		snprintf(err, errlen, "backup: %s", sqlite3_errmsg(out));
		goto fail;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "backup: %s", sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		snprintf(err, errlen, "backup: close failed");
		out = NULL;
		goto fail;
	}
	out = NULL;
	if ((fd = open(tmp, O_RDONLY)) == -1 || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		goto fail;
	}
	close(fd);
	if (rename(tmp, dest) == -1) {
		snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	sqlite3_close(out);
	unlink(tmp);
	return -1;
}

/* RFC 3339 UTC, seconds precision. */
void
store_now(char out[32])
{
	rfc3339_format(clock_now(), out);
}

/* Today's date in UTC (YYYY-MM-DD), the calendar of every contract date. */
void
store_today(char out[11])
{
	char now[32];

	store_now(now);
	memcpy(out, now, 10);
	out[10] = '\0';
}

/* prefix_ + 16 chars of Crockford-style base32: 80 random bits. */
void
store_new_id(const char *prefix, char *out, size_t outlen)
{
	static const char	 alpha[] = "0123456789abcdefghjkmnpqrstvwxyz";
	uint8_t			 r[16];
	char			 tail[17];

	lc_random(r, sizeof(r));
	for (int i = 0; i < 16; i++)
		tail[i] = alpha[r[i] & 31];
	tail[16] = '\0';
	snprintf(out, outlen, "%s_%s", prefix, tail);
}
