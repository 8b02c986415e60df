/* test_page_cache.c: kept pages — hits and misses, the TTL on a fake
 * clock, the generation, the bounds, and the visit count written in
 *
 * The clock is the caller's (page_cache_get() and page_cache_put() take
 * `now_ms`), so the TTL is tested without sleeping.  The last test
 * stores views in a scratch SQLite database and checks that a kept page's
 * count (visits_since()) agrees with the row's through a flush.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "portal/page_cache.h"
#include "portal/portal_visits.h"
#include "store/store.h"

#define TTL 5000

static char tmpdir[] = "/tmp/fz_pcache_XXXXXX";

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fz_pcache_XXXXXX");
	fx_scratch = tmpdir;
	return fx_scratch_setup(state);
}

static int group_teardown(void **state)
{
	return fx_scratch_teardown(state);
}

/* Keep `body` under `key`, its live part the digits after "[". */
static int put(struct page_cache *c, const char *key, const char *body,
	       int64_t id, uint64_t gen, int64_t now)
{
	const char *p = strchr(body, '[');
	struct page_entry e = { .body = body, .len = strlen(body),
				.id = id, .base = 10 * id };

	if (p) {
		e.cut = (size_t)(p - body) + 1;
		e.skip = strspn(p + 1, "0123456789");
	}
	return page_cache_put(c, key, strlen(key), &e, gen, now);
}

static const struct page_entry *get(struct page_cache *c, const char *key,
				    int64_t now)
{
	return page_cache_get(c, key, strlen(key), now);
}

/* The kept body with `n` written in at its cut. */
static void expect(const struct page_entry *e, const char *want, long n)
{
	char got[256];

	assert_non_null(e);
	assert_true(e->len < 200);
	snprintf(got, sizeof(got), "%.*s%ld%.*s", (int)e->cut, e->body, n,
		 (int)(e->len - e->cut), e->body + e->cut);
	assert_string_equal(got, want);
}

static void test_hit_and_miss(void **state)
{
	struct page_cache *c = page_cache_new(8, 1 << 20, TTL);
	uint64_t gen = page_cache_generation();
	const struct page_entry *e;

	assert_null(get(c, "S-\n/gk/i/1", 0));
	assert_int_equal(put(c, "S-\n/gk/i/1", "<p>访问次数：[1234]</p>", 7,
			     gen, 0), 0);
	e = get(c, "S-\n/gk/i/1", 100);
	expect(e, "<p>访问次数：[99]</p>", 99);
	assert_int_equal(e->id, 7);
	assert_int_equal(e->base, 70);
	assert_int_equal(e->skip, 0);
	/* another key, even a prefix of this one, is another page */
	assert_null(get(c, "S-\n/gk/i/", 100));
	assert_null(get(c, "S-\n/gk/i/12", 100));
	/* a page without a live part */
	assert_int_equal(put(c, "plain", "abc", 1, gen, 0), 0);
	e = get(c, "plain", 1);
	assert_non_null(e);
	assert_int_equal(e->cut, 0);
	assert_int_equal(e->len, 3);
	/* the same key again replaces the entry */
	assert_int_equal(put(c, "S-\n/gk/i/1", "<p>新[5]</p>", 7, gen, 10),
			 0);
	expect(get(c, "S-\n/gk/i/1", 20), "<p>新[6]</p>", 6);
	assert_int_equal(page_cache_count(c), 2);
	page_cache_free(c);
}

static void test_ttl(void **state)
{
	struct page_cache *c = page_cache_new(8, 1 << 20, TTL);
	uint64_t gen = page_cache_generation();

	assert_int_equal(put(c, "k", "a[1]b", 1, gen, 1000), 0);
	assert_non_null(get(c, "k", 1000));
	assert_non_null(get(c, "k", 1000 + TTL - 1));
	assert_null(get(c, "k", 1000 + TTL));
	assert_int_equal(page_cache_count(c), 0);
	assert_int_equal(page_cache_bytes(c), 0);
	/* a clock that went back is not trusted either */
	assert_int_equal(put(c, "k", "a[1]b", 1, gen, 5000), 0);
	assert_null(get(c, "k", 4999));
	page_cache_free(c);
}

static void test_generation(void **state)
{
	struct page_cache *c = page_cache_new(8, 1 << 20, TTL);
	struct page_cache *other = page_cache_new(8, 1 << 20, TTL);
	uint64_t gen = page_cache_generation();

	assert_int_equal(put(c, "a", "a[1]", 1, gen, 0), 0);
	assert_int_equal(put(other, "a", "a[1]", 1, gen, 0), 0);
	assert_non_null(get(c, "a", 1));
	/* a change announced: every thread's entries are stale */
	page_cache_bump();
	assert_true(page_cache_generation() != gen);
	assert_null(get(c, "a", 2));
	assert_null(get(other, "a", 2));
	/* a page read before the change is not kept after it */
	assert_int_equal(put(c, "a", "a[1]", 1, gen, 3), -1);
	assert_null(get(c, "a", 4));
	assert_int_equal(put(c, "a", "a[1]", 1, page_cache_generation(), 5),
			 0);
	assert_non_null(get(c, "a", 6));
	page_cache_free(c);
	page_cache_free(other);
}

static void test_bounds(void **state)
{
	struct page_cache *c = page_cache_new(4, 1 << 20, TTL);
	uint64_t gen = page_cache_generation();
	char key[16], big[4096];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(put(c, key, "x[1]", i, gen, 0), 0);
	}
	/* k0 used last: k1 is the least recently used and goes first */
	assert_non_null(get(c, "k0", 1));
	assert_int_equal(put(c, "k4", "x[1]", 4, gen, 1), 0);
	assert_int_equal(page_cache_count(c), 4);
	assert_null(get(c, "k1", 2));
	assert_non_null(get(c, "k0", 2));
	assert_non_null(get(c, "k4", 2));
	for (i = 5; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(put(c, key, "x[1]", i, gen, 3), 0);
		assert_true(page_cache_count(c) <= 4);
	}
	page_cache_free(c);

	/* bytes: pages of about 1 KiB in 8 KiB */
	c = page_cache_new(100, 8192, TTL);
	memset(big, 'a', 1000);
	big[1000] = '\0';
	for (i = 0; i < 50; i++) {
		snprintf(key, sizeof(key), "b%d", i);
		assert_int_equal(put(c, key, big, i, gen, 0), 0);
		assert_true(page_cache_bytes(c) <= 8192);
	}
	assert_true(page_cache_count(c) >= 4 && page_cache_count(c) < 8);
	assert_non_null(get(c, "b49", 1));
	assert_null(get(c, "b0", 1));
	/* a page of more than a quarter of the cache is not kept */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(put(c, "huge", big, 1, gen, 0), -1);
	assert_null(get(c, "huge", 1));
	page_cache_free(c);
}

/* 简 and 繁, visitor and logged in: keys of their own, bytes of their
 * own, and the count written into each. */
static void test_variants(void **state)
{
	struct page_cache *c = page_cache_new(8, 1 << 20, TTL);
	uint64_t gen = page_cache_generation();

	assert_int_equal(put(c, "SV-\n/gk/i/1", "<p>干部[3]</p>", 1, gen, 0),
			 0);
	assert_int_equal(put(c, "TV-\n/gk/i/1", "<p>幹部[3]</p>", 1, gen, 0),
			 0);
	assert_int_equal(put(c, "SU-\n/gk/i/1", "<p>工作台 干部[3]</p>", 1,
			     gen, 0), 0);
	expect(get(c, "SV-\n/gk/i/1", 1), "<p>干部[4]</p>", 4);
	expect(get(c, "TV-\n/gk/i/1", 1), "<p>幹部[5]</p>", 5);
	expect(get(c, "SU-\n/gk/i/1", 1), "<p>工作台 干部[6]</p>", 6);
	assert_null(get(c, "TU-\n/gk/i/1", 1));
	assert_int_equal(page_cache_count(c), 3);
	page_cache_free(c);
}

/* The count a kept page shows follows the true count through flushes:
 * the row's visits read once, the views this process stored since, and
 * those pending. */
static void test_count_through_flush(void **state)
{
	struct db *db = fx_db_open(NULL, tmpdir, "pc", 1);
	struct visits *v = visits_new();
	int64_t c, id, row = -1, base;
	uint64_t seq;
	int i;

	assert_non_null(db);
	c = fx_returned_id(db_query(db, "INSERT INTO cases (proc, version, "
		"year, seq, number, state, fields, created_at, updated_at) "
		"VALUES ('publication', 1, 2022, 1, 'GK-1', 'published', '{}', "
		"0, 0) RETURNING id", ""));
	id = fx_returned_id(db_query(db, "INSERT INTO publications (case_id, "
		"index_no, title, publisher, formed_on, published_at, visits, "
		"created_at, updated_at) VALUES (?, 'X/2022-00001', '通知', "
		"'新昌高新园区管理委员会', '2022-12-01', 1670000000, 100, 0, "
		"0) RETURNING id", "i", c));
	for (i = 0; i < 3; i++)
		visits_add(v, id);
	assert_int_equal(visits_flush(v, db), 1);
	for (i = 0; i < 2; i++)
		visits_add(v, id);

	/* the page is made: 103 stored, 2 pending */
	seq = visits_seq(v);
	assert_int_equal(seq & 1, 0);
	assert_int_equal(db_scalar_int(db, &row, "SELECT visits FROM "
				       "publications WHERE id = ?", "i", id),
			 0);
	assert_int_equal(row, 103);
	base = row - visits_stored(v, id);
	assert_int_equal(visits_stored(v, id), 3);
	assert_int_equal(visits_seq(v), seq);
	assert_int_equal(visits_since(v, id, base, false), 105);
	assert_int_equal(visits_since(v, id, base, true), 106);

	/* a flush stores them: the kept page's count does not move */
	assert_int_equal(visits_flush(v, db), 1);
	assert_true(visits_seq(v) != seq);
	assert_int_equal(visits_seq(v) & 1, 0);
	assert_int_equal(visits_since(v, id, base, false), 106);
	assert_int_equal(visits_since(v, id, base, true), 107);
	assert_int_equal(visits_flush(v, db), 1);
	assert_int_equal(db_scalar_int(db, &row, "SELECT visits FROM "
				       "publications WHERE id = ?", "i", id),
			 0);
	assert_int_equal(row, 107);
	assert_int_equal(visits_since(v, id, base, false), 107);
	/* an item never viewed here shows its base */
	assert_int_equal(visits_since(v, id + 1000, 42, false), 42);
	visits_free(v);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_miss),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_count_through_flush),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
