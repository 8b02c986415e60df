/* test_group.c: group commit — batching, isolation of failing jobs */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "store/group.h"
#include "store/store.h"

#define THREADS 8
#define PER_THREAD 60

struct job {
	struct gc_job gc;
	char key[32];
	bool fail_after_write;   /* writes, then reports failure */
	bool duplicate;          /* violates the primary key */
	int rc;
	bool done;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;
static int finished;
static char url[512];
static char dir[64];

static int run(struct db *db, void *arg)
{
	struct job *j = arg;
	int rc = db_exec(db, "INSERT INTO settings (key, value, updated_at) "
			 "VALUES (?, 'v', 0)", "s", j->duplicate ? "dup"
								 : j->key);

	if (rc < 0)
		return rc;
	return j->fail_after_write ? DB_ERR : 0;
}

static void done(void *arg, int rc)
{
	struct job *j = arg;

	pthread_mutex_lock(&lock);
	j->rc = rc;
	j->done = true;
	finished++;
	pthread_cond_signal(&all_done);
	pthread_mutex_unlock(&lock);
}

struct submitter {
	struct group_commit *g;
	struct job *jobs;
	int base;
};

static void *submit_all(void *arg)
{
	struct submitter *s = arg;
	int i;

	for (i = 0; i < PER_THREAD; i++)
		gc_submit(s->g, &s->jobs[s->base + i].gc);
	return NULL;
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_scalar_int(db, &n, sql, ""), 0);
	return n;
}

static void test_batches_and_isolates_failures(void **state)
{
	struct job *jobs = xcalloc(THREADS * PER_THREAD, sizeof(*jobs));
	struct submitter subs[THREADS];
	pthread_t th[THREADS];
	char err[256];
	struct group_commit *g;
	struct db *db;
	int i, ok = 0, failed = 0;

	db = db_open(url, err, sizeof(err));
	assert_non_null(db);
	assert_true(db_migrate(db, NULL, NULL) >= 0);
	assert_int_equal(db_exec(db, "INSERT INTO settings (key, value, "
				 "updated_at) VALUES ('dup', 'x', 0)", ""), 1);
	g = gc_start(url, 64, err, sizeof(err));
	assert_non_null(g);
	for (i = 0; i < THREADS * PER_THREAD; i++) {
		snprintf(jobs[i].key, sizeof(jobs[i].key), "job-%d", i);
		jobs[i].fail_after_write = i % 10 == 3;
		jobs[i].duplicate = i % 17 == 5;
		jobs[i].gc.run = run;
		jobs[i].gc.done = done;
		jobs[i].gc.arg = &jobs[i];
	}
	finished = 0;
	for (i = 0; i < THREADS; i++) {
		subs[i] = (struct submitter){ g, jobs, i * PER_THREAD };
		pthread_create(&th[i], NULL, submit_all, &subs[i]);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_lock(&lock);
	while (finished < THREADS * PER_THREAD)
		pthread_cond_wait(&all_done, &lock);
	pthread_mutex_unlock(&lock);

	for (i = 0; i < THREADS * PER_THREAD; i++) {
		bool bad = jobs[i].fail_after_write || jobs[i].duplicate;

		assert_true(jobs[i].done);
		if (bad) {
			assert_true(jobs[i].rc < 0);
			failed++;
		} else {
			assert_int_equal(jobs[i].rc, 0);
			ok++;
		}
	}
	/* Exactly the successful jobs' rows are there, failed ones left
	 * nothing behind, and fewer commits than jobs were needed. */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM settings WHERE key "
			       "LIKE 'job-%'"), ok);
	assert_true(failed > 0);
	assert_true(gc_commits(g) < THREADS * PER_THREAD);
	assert_true(gc_commits(g) > 0);
	gc_stop(g);
	db_close(db);
	free(jobs);
}

/* A job handed over is acknowledged only after a durable commit: once
 * done() has run, a new connection sees its row. */
static void test_acknowledged_means_committed(void **state)
{
	struct job j = { 0 };
	char err[256];
	struct group_commit *g = gc_start(url, 8, err, sizeof(err));
	struct db *other;

	assert_non_null(g);
	snprintf(j.key, sizeof(j.key), "ack-check");
	j.gc.run = run;
	j.gc.done = done;
	j.gc.arg = &j;
	finished = 0;
	gc_submit(g, &j.gc);
	pthread_mutex_lock(&lock);
	while (!j.done)
		pthread_cond_wait(&all_done, &lock);
	pthread_mutex_unlock(&lock);
	assert_int_equal(j.rc, 0);
	other = db_open(url, err, sizeof(err));
	assert_int_equal(count(other, "SELECT COUNT(*) FROM settings WHERE "
			       "key = 'ack-check'"), 1);
	db_close(other);
	gc_stop(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batches_and_isolates_failures),
		cmocka_unit_test(test_acknowledged_means_committed),
	};
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/fazhi-group-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(url, sizeof(url), "sqlite:%s/g.db", dir);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	for (const char *const *f = (const char *const[]){ "g.db", "g.db-wal",
		"g.db-shm", NULL }; *f; f++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
	return rc;
}
