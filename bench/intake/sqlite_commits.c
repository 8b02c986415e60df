/* sqlite_commits.c: the reference for bench/intake — how many single-row
 * durable commits raw SQLite manages on this machine.
 *
 * Usage: sqlite_commits DB_PATH THREADS SECONDS
 * Each thread has its own connection (WAL, synchronous=FULL, the same
 * settings Fazhi uses) and commits one INSERT per transaction, as a
 * server that commits every request on its own would.  Prints the total
 * commits per second.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *path;
static double seconds;
static atomic_long total;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	double end = now() + seconds;
	long n = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return NULL;
	sqlite3_busy_timeout(db, 5000);
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES (?)", -1, &st, NULL);
	while (now() < end) {
		sqlite3_bind_int64(st, 1, n);
		/* Autocommit: one durable transaction per row. */
		if (sqlite3_step(st) == SQLITE_DONE)
			n++;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	atomic_fetch_add(&total, n);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	sqlite3 *db;
	int i, threads;
	double t0;

	if (argc != 4) {
		fprintf(stderr, "usage: sqlite_commits DB_PATH THREADS "
			"SECONDS\n");
		return 2;
	}
	path = argv[1];
	threads = atoi(argv[2]);
	seconds = atof(argv[3]);
	if (threads < 1 || threads > 64 || seconds <= 0) {
		fprintf(stderr, "sqlite_commits: THREADS 1..64, SECONDS > 0\n");
		return 2;
	}
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT "
			 "EXISTS t (id INTEGER PRIMARY KEY, v INTEGER)", NULL,
			 NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite_commits: cannot open %s\n", path);
		return 1;
	}
	sqlite3_close(db);
	t0 = now();
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	printf("%.1f\n", (double)atomic_load(&total) / (now() - t0));
	return 0;
}
