/* test_visits.c: the portal's visit counter — counted in memory, stored in
 * batches, nothing lost or counted twice
 *
 * With $FAZHI_TEST_PG_URL set the database tests run a second time on
 * that PostgreSQL database, whose public schema each test drops and
 * recreates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "portal/portal_visits.h"
#include "store/group.h"
#include "store/store.h"

#define ITEMS 40
#define THREADS 4
#define PER_THREAD 20000

static char tmpdir[] = "/tmp/fz_visits_XXXXXX";
static const char *pg_url;       /* the PostgreSQL pass, else NULL */
static int dbseq;

struct fix {
	struct db *db;
	char url[600];
	int64_t item[ITEMS];
};

/* ---- set-up ---- */

/* A fresh database with ITEMS published items (each needs its case). */
static int setup(void **state)
{
	struct fix *fx = xcalloc(1, sizeof(*fx));
	int i;

	fx->db = fx_db_open(pg_url, tmpdir, "v", ++dbseq);
	if (!fx->db)
		return -1;
	if (pg_url)
		snprintf(fx->url, sizeof(fx->url), "%s", pg_url);
	else
		snprintf(fx->url, sizeof(fx->url), "sqlite:%s/v%d.db", tmpdir,
			 dbseq);
	for (i = 0; i < ITEMS; i++) {
		char number[32], index_no[48];
		int64_t c;

		snprintf(number, sizeof(number), "GK-2022-%05d", i + 1);
		snprintf(index_no, sizeof(index_no),
			 "11330624736120582U/2022-%05d", i + 1);
		c = fx_returned_id(db_query(fx->db, "INSERT INTO cases (proc, "
			"version, year, seq, number, state, fields, "
			"created_at, updated_at) VALUES ('publication', 1, "
			"2022, ?, ?, 'published', '{}', 0, 0) RETURNING id",
			"is", (int64_t)i + 1, number));
		fx->item[i] = fx_returned_id(db_query(fx->db, "INSERT INTO "
			"publications (case_id, index_no, title, publisher, "
			"formed_on, published_at, created_at, updated_at) "
			"VALUES (?, ?, '通知', '新昌高新园区管理委员会', "
			"'2022-12-01', 1670000000, 0, 0) RETURNING id", "is",
			c, index_no));
	}
	*state = fx;
	return 0;
}

static int64_t stored(struct db *db, int64_t id)
{
	int64_t n = -1;

	assert_int_equal(db_scalar_int(db, &n, "SELECT visits FROM "
				       "publications WHERE id = ?", "i", id),
			 0);
	return n;
}

static int64_t stored_sum(struct db *db)
{
	int64_t n = -1;

	assert_int_equal(db_scalar_int(db, &n, "SELECT SUM(visits) FROM "
				       "publications", ""), 0);
	return n;
}

/* ---- who counts ---- */

static void test_robots(void **state)
{
	static const char *const robots[] = {
		"Mozilla/5.0 (compatible; Googlebot/2.1; "
		"+http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; Baiduspider/2.0)",
		"Sogou web spider/4.0", "YisouSpider",
		"Mozilla/5.0 (compatible; bingbot/2.0)",
		"Mozilla/5.0 (compatible; Yahoo! Slurp)",
		"curl/7.88.1", "Wget/1.21.3", "python-requests/2.31.0",
		"Go-http-client/1.1", "Scrapy/2.11", "CCBot/2.0",
		"ia_archiver crawler", "node", "undici", "axios/1.6.0", "",
		NULL,
	};
	static const char *const people[] = {
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		"(KHTML, like Gecko) Chrome/120.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
		"AppleWebKit/605.1.15 MicroMessenger/8.0.40 NetType/WIFI",
		"Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/"
		"119.0 Mobile Safari/537.36 HeadlessChrome",
		"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
		"Firefox/121.0",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(robots); i++)
		assert_true(visits_is_robot(robots[i]));
	for (i = 0; i < ARRAY_SIZE(people); i++)
		assert_false(visits_is_robot(people[i]));
}

/* ---- counting in memory ---- */

static void test_count_in_memory(void **state)
{
	struct visits *v = visits_new();
	int64_t id;

	(void)state;
	assert_int_equal(visits_pending(v, 7), 0);
	assert_int_equal(visits_add(v, 7), 1);
	assert_int_equal(visits_add(v, 7), 2);
	assert_int_equal(visits_pending(v, 7), 2);
	/* Many items: the table grows and keeps every count. */
	for (id = 1; id <= 5000; id++)
		visits_add(v, id);
	for (id = 1; id <= 5000; id++)
		visits_add(v, id * 3);
	assert_int_equal(visits_pending(v, 7), 3);
	assert_int_equal(visits_pending(v, 9), 2);
	assert_int_equal(visits_pending(v, 15001), 0);
	assert_int_equal(visits_pending(v, 14997), 1);
	assert_int_equal(visits_unsaved(v), 10002);
	visits_free(v);
}

/* ---- stored in batches ---- */

static void test_flush_one_write_per_item(void **state)
{
	struct fix *fx = *state;
	struct visits *v = visits_new();
	int i;

	for (i = 0; i < 500; i++)
		visits_add(v, fx->item[0]);
	for (i = 0; i < 3; i++)
		visits_add(v, fx->item[1]);
	/* 503 views, two items: two writes. */
	assert_int_equal(visits_flush(v, fx->db), 2);
	assert_int_equal(stored(fx->db, fx->item[0]), 500);
	assert_int_equal(stored(fx->db, fx->item[1]), 3);
	assert_int_equal(visits_pending(v, fx->item[0]), 0);
	assert_int_equal(visits_unsaved(v), 0);
	/* Nothing new: nothing written. */
	assert_int_equal(visits_flush(v, fx->db), 0);
	visits_add(v, fx->item[0]);
	assert_int_equal(visits_flush(v, fx->db), 1);
	assert_int_equal(stored(fx->db, fx->item[0]), 501);
	visits_free(v);
}

static void test_failed_flush_loses_nothing(void **state)
{
	struct fix *fx = *state;
	struct visits *v = visits_new();

	visits_add(v, fx->item[2]);
	visits_add(v, fx->item[2]);
	/* A transaction is already open: the flush cannot begin its own. */
	assert_int_equal(db_begin(fx->db), 0);
	assert_true(visits_flush(v, fx->db) < 0);
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(visits_pending(v, fx->item[2]), 2);
	assert_int_equal(stored(fx->db, fx->item[2]), 0);
	/* The next flush stores them, once. */
	assert_int_equal(visits_flush(v, fx->db), 1);
	assert_int_equal(stored(fx->db, fx->item[2]), 2);
	assert_int_equal(visits_flush(v, fx->db), 0);
	assert_int_equal(stored(fx->db, fx->item[2]), 2);
	visits_free(v);
}

/* Views counted by several threads while another stores them over and
 * over: every view is stored exactly once, and what a page would show
 * (stored + pending) never falls behind the views counted before. */
struct counter_arg {
	struct visits *v;
	const struct fix *fx;
	int seed;
};

static void *counter(void *arg)
{
	struct counter_arg *a = arg;
	unsigned x = (unsigned)a->seed * 2654435761u + 1;
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		x = x * 1103515245u + 12345u;
		visits_add(a->v, a->fx->item[(x >> 8) % ITEMS]);
	}
	return NULL;
}

struct flusher_arg {
	struct visits *v;
	const char *url;
	atomic_int stop;
	atomic_int ready;           /* connected: the views may begin */
	int flushes;
	int failures;
};

static void *flusher(void *arg)
{
	struct flusher_arg *a = arg;
	char err[256];
	struct db *db = db_open(a->url, err, sizeof(err));

	if (!db) {
		a->failures++;
		atomic_store(&a->ready, 1);
		return NULL;
	}
	/* Connecting to PostgreSQL can take longer than all the views:
	 * they start once it is done, and there is always one flush. */
	atomic_store(&a->ready, 1);
	do {
		if (visits_flush(a->v, db) < 0)
			a->failures++;
		else
			a->flushes++;
	} while (!atomic_load(&a->stop));
	db_close(db);
	return NULL;
}

static void test_concurrent_views_and_flushes(void **state)
{
	struct fix *fx = *state;
	struct visits *v = visits_new();
	struct counter_arg ca[THREADS];
	struct flusher_arg fa = { .v = v, .url = fx->url };
	pthread_t t[THREADS], f;
	int i;

	assert_int_equal(pthread_create(&f, NULL, flusher, &fa), 0);
	while (!atomic_load(&fa.ready))
		sched_yield();
	for (i = 0; i < THREADS; i++) {
		ca[i] = (struct counter_arg){ v, fx, i + 1 };
		assert_int_equal(pthread_create(&t[i], NULL, counter, &ca[i]),
				 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	atomic_store(&fa.stop, 1);
	pthread_join(f, NULL);
	assert_int_equal(fa.failures, 0);
	assert_true(fa.flushes > 0);
	/* What is not stored yet is pending, and the sum is exact. */
	assert_int_equal(stored_sum(fx->db) + visits_unsaved(v),
			 THREADS * PER_THREAD);
	for (i = 0; i < ITEMS; i++)
		assert_true(visits_pending(v, fx->item[i]) >= 0);
	assert_true(visits_flush(v, fx->db) >= 0);
	assert_int_equal(visits_unsaved(v), 0);
	assert_int_equal(stored_sum(fx->db), THREADS * PER_THREAD);
	visits_free(v);
}

/* Through the group commit, as the server does: one job, one commit. */
static void test_flush_through_group_commit(void **state)
{
	struct fix *fx = *state;
	struct visits *v = visits_new();
	struct group_commit *g;
	char err[256];
	int i;

	g = gc_start(fx->url, 16, err, sizeof(err));
	assert_non_null(g);
	for (i = 0; i < ITEMS; i++)
		visits_add(v, fx->item[i]);
	visits_add(v, fx->item[0]);
	assert_int_equal(visits_flush_gc(v, g), ITEMS);
	assert_int_equal(gc_commits(g), 1);
	assert_int_equal(gc_jobs(g), 1);
	assert_int_equal(stored(fx->db, fx->item[0]), 2);
	assert_int_equal(stored_sum(fx->db), ITEMS + 1);
	assert_int_equal(visits_unsaved(v), 0);
	/* An item that is gone is simply not updated. */
	visits_add(v, 987654321);
	assert_int_equal(visits_flush_gc(v, g), 1);
	assert_int_equal(stored_sum(fx->db), ITEMS + 1);
	gc_stop(g);
	visits_free(v);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_robots),
		cmocka_unit_test(test_count_in_memory),
	};
	const struct CMUnitTest db_tests[] = {
		cmocka_unit_test_setup_teardown(test_flush_one_write_per_item,
						setup, fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_failed_flush_loses_nothing,
						setup, fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_concurrent_views_and_flushes, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_flush_through_group_commit, setup,
			fx_db_teardown),
	};
	int failed;

	fx_scratch = tmpdir;
	failed = cmocka_run_group_tests_name("visit counter", pure, NULL,
					     NULL);
	failed += FX_RUN_TWICE("visit counts", db_tests, fx_scratch_again,
			       fx_scratch_teardown, &pg_url);
	return failed ? 1 : 0;
}
