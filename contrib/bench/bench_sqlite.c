/*
 * bench_sqlite: the reference for labeld's authenticated writes.  Inserts
 * one small row per transaction into a fresh database in DIR with the
 * settings labeld's store uses (WAL, synchronous=FULL), for about SECONDS,
 * and prints "sqlite_full_tx_per_s RATE".  Put DIR on the data dir's disk:
 * the rate is the disk's fsync rate.  Asserts nothing.
 *
 *   bench_sqlite DIR [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_sqlite: %s: %s\n", what,
	    db ? sqlite3_errmsg(db) : "out of memory");
	exit(1);
}

int
main(int argc, char **argv)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*ins;
	char		 path[4096], row[200];
	double		 seconds = 2.0, t0, t;
	long		 n = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_sqlite dir [seconds]\n");
		return 2;
	}
	if (argc == 3 && (seconds = atof(argv[2])) <= 0)
		seconds = 2.0;
	snprintf(path, sizeof(path), "%s/bench_sqlite.db", argv[1]);
	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(db, path);
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
	    NULL, NULL, NULL) != SQLITE_OK)
		die(db, "schema");
	if (sqlite3_prepare_v2(db, "INSERT INTO t (body) VALUES (?)", -1, &ins,
	    NULL) != SQLITE_OK)
		die(db, "prepare");
	/* A row of about the size of a product (name, model, dates). */
	memset(row, 'x', sizeof(row) - 1);
	row[sizeof(row) - 1] = '\0';
	t0 = now();
	do {
		/* Autocommit: each insert is its own durable transaction. */
		sqlite3_bind_text(ins, 1, row, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(ins);
		n++;
		t = now() - t0;
	} while (t < seconds);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bench_sqlite.db-wal", argv[1]);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bench_sqlite.db-shm", argv[1]);
	unlink(path);
	printf("sqlite_full_tx_per_s %.0f\n", (double)n / t);
	return 0;
}
