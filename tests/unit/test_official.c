/* test_official.c: the calendar in force — stamps, reloads, retention */
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

#include "calendar/official.h"
#include "core/buf.h"
#include "core/util.h"

static char dir[64];
static char *shipped, *local;

static const char head[] = "# test calendar\n";
static const char y2026[] = "2026-10-01\toff\t国庆节\n";
static const char y2027[] = "2027-01-01\toff\t元旦\n2027-01-04\toff\t元旦\n";

static cal_day D(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

/* Replace `path` with `text` (a new file, as an import writes it). */
static void put(const char *path, const char *text)
{
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644), 0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/fz-official-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	shipped = xasprintf("%s/holidays.tsv", dir);
	local = xasprintf("%s/calendar.tsv", dir);
	setenv("FAZHI_CALENDAR", shipped, 1);
	return 0;
}

static int teardown(void **state)
{
	unlink(shipped);
	unlink(local);
	rmdir(dir);
	free(shipped);
	free(local);
	unsetenv("FAZHI_CALENDAR");
	return 0;
}

/* Each test starts from the shipped 2026 notice and no local file. */
static void fresh(struct cal_live *l)
{
	struct fz_err err = { 0 };
	struct buf b = BUF_INIT;

	unlink(local);
	buf_printf(&b, "%s%s", head, y2026);
	put(shipped, buf_cstr(&b));
	buf_release(&b);
	assert_int_equal(cal_live_init(l, dir, &err), 0);
}

static void put_local(const char *text)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s%s", head, text);
	put(local, buf_cstr(&b));
	buf_release(&b);
}

static void test_equal_and_notices(void **state)
{
	struct calendar *a = calendar_new(), *b = calendar_new();

	assert_true(calendar_equal(a, b));
	assert_int_equal(calendar_notices(a), 0);
	calendar_set(a, D("2016-12-31"), CAL_OFF, "元旦");
	calendar_set(a, D("2017-01-01"), CAL_OFF, "元旦");
	calendar_set(a, D("2017-01-22"), CAL_WORK, "春节");
	calendar_set(a, D("2016-10-01"), CAL_OFF, "国庆节");
	/* 2016 and 2017: the 2017 notice's 12-31 is in a year counted. */
	assert_int_equal(calendar_notices(a), 2);
	assert_false(calendar_equal(a, b));
	calendar_set(b, D("2016-12-31"), CAL_OFF, "元旦");
	calendar_set(b, D("2017-01-01"), CAL_OFF, "元旦");
	calendar_set(b, D("2017-01-22"), CAL_WORK, "春节");
	calendar_set(b, D("2016-10-01"), CAL_OFF, "国庆");
	assert_false(calendar_equal(a, b));
	calendar_set(b, D("2016-10-01"), CAL_OFF, "国庆节");
	assert_true(calendar_equal(a, b));
	calendar_set(b, D("2016-10-01"), CAL_WORK, "国庆节");
	assert_false(calendar_equal(a, b));
	calendar_free(a);
	calendar_free(b);
}

static void test_unchanged_files_keep_the_calendar(void **state)
{
	struct cal_live l;
	struct fz_err err = { 0 };
	const struct calendar *a;

	fresh(&l);
	a = cal_live_get(&l);
	assert_non_null(a);
	assert_int_equal(cal_live_reload(&l, &err), 0);
	assert_ptr_equal(cal_live_get(&l), a);
	/* Rewritten with the same entries: looked at, but nothing swapped
	 * and nothing retired. */
	put(shipped, "# same days, another comment\n2026-10-01\toff\t国庆节\n");
	assert_int_equal(cal_live_reload(&l, &err), 0);
	assert_ptr_equal(cal_live_get(&l), a);
	assert_int_equal(l.nretired, 0);
	cal_live_free(&l);
}

static void test_new_notice_is_swapped_in(void **state)
{
	struct cal_live l;
	struct fz_err err = { 0 };
	const struct calendar *a, *b;
	struct cal_due d;

	fresh(&l);
	a = cal_live_get(&l);
	put_local(y2027);
	assert_int_equal(cal_live_reload(&l, &err), 1);
	b = cal_live_get(&l);
	assert_ptr_not_equal(a, b);
	assert_false(calendar_is_working(b, D("2027-01-04")));
	assert_int_equal(calendar_notices(b), 2);
	/* The replaced one is intact for whoever still holds it. */
	assert_true(calendar_is_working(a, D("2027-01-04")));
	assert_int_equal(calendar_due(a, D("2026-12-28"), 7,
				      CAL_WORKING_DAYS, &d), 0);
	assert_int_equal(d.due, D("2027-01-06"));
	assert_true(d.beyond_data);
	cal_due_release(&d);
	assert_int_equal(calendar_due(b, D("2026-12-28"), 7,
				      CAL_WORKING_DAYS, &d), 0);
	assert_int_equal(d.due, D("2027-01-08"));
	assert_false(d.beyond_data);
	cal_due_release(&d);
	assert_int_equal(l.nretired, 1);
	/* Removing the local file goes back to the shipped notices. */
	unlink(local);
	assert_int_equal(cal_live_reload(&l, &err), 1);
	assert_true(calendar_is_working(cal_live_get(&l), D("2027-01-04")));
	assert_int_equal(l.nretired, 2);
	cal_live_free(&l);
}

static void test_broken_file_keeps_the_calendar(void **state)
{
	struct cal_live l;
	struct fz_err err = { 0 };
	const struct calendar *a;

	fresh(&l);
	a = cal_live_get(&l);
	put_local("2027-01-01\toff\t元旦\n2027-13-01\toff\t错\n");
	assert_int_equal(cal_live_reload(&l, &err), FZ_ERR);
	assert_non_null(strstr(err.msg, "calendar.tsv:3"));
	assert_ptr_equal(cal_live_get(&l), a);
	/* The same broken file is not reported again... */
	memset(&err, 0, sizeof(err));
	assert_int_equal(cal_live_reload(&l, &err), 0);
	assert_ptr_equal(cal_live_get(&l), a);
	/* ...another broken one is. */
	put_local("garbage\n");
	assert_int_equal(cal_live_reload(&l, &err), FZ_ERR);
	/* A shipped file gone missing is a failure too, not "no notices". */
	put_local(y2027);
	unlink(shipped);
	assert_int_equal(cal_live_reload(&l, &err), FZ_ERR);
	assert_ptr_equal(cal_live_get(&l), a);
	assert_int_equal(l.nretired, 0);
	/* Fixed: in force at the next look. */
	put(shipped, "2026-10-01\toff\t国庆节\n");
	assert_int_equal(cal_live_reload(&l, &err), 1);
	assert_false(calendar_is_working(cal_live_get(&l), D("2027-01-01")));
	cal_live_free(&l);
}

static void test_failed_open_leaves_nothing(void **state)
{
	struct cal_live l;
	struct fz_err err = { 0 };

	unlink(shipped);
	assert_int_equal(cal_live_init(&l, dir, &err), FZ_ERR);
	assert_null(cal_live_get(&l));
	cal_live_free(&l);	/* harmless */
}

/* Readers count due dates without pause while the calendar is replaced
 * under them; with the sanitizers this shows that no reader ever sees
 * a freed or half-built calendar. */
struct reader {
	struct cal_live *l;
	atomic_bool *stop;
	long rounds;
};

static void *read_loop(void *arg)
{
	struct reader *rd = arg;

	while (!atomic_load(rd->stop)) {
		const struct calendar *c = cal_live_get(rd->l);
		struct cal_due d;

		if (calendar_due(c, 20812, 30, CAL_WORKING_DAYS, &d) == 0)
			cal_due_release(&d);
		rd->rounds++;
	}
	return NULL;
}

static void test_readers_during_reloads(void **state)
{
	struct cal_live l;
	struct fz_err err = { 0 };
	atomic_bool stop = false;
	struct reader rd[2];
	pthread_t th[2];
	int i, swaps = 0;

	fresh(&l);
	for (i = 0; i < 2; i++) {
		rd[i] = (struct reader){ &l, &stop, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, read_loop,
						&rd[i]), 0);
	}
	for (i = 0; i < 40; i++) {
		struct buf b = BUF_INIT;

		buf_printf(&b, "2027-02-%02d\toff\t春节\n", 1 + i % 28);
		if (i % 2)
			buf_puts(&b, "2027-02-28\twork\t春节\n");
		put_local(buf_cstr(&b));
		buf_release(&b);
		if (cal_live_reload(&l, &err) == 1)
			swaps++;
	}
	atomic_store(&stop, true);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(swaps, 40);
	assert_int_equal(l.nretired, 40);
	assert_true(rd[0].rounds > 0 && rd[1].rounds > 0);
	cal_live_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_and_notices),
		cmocka_unit_test(test_unchanged_files_keep_the_calendar),
		cmocka_unit_test(test_new_notice_is_swapped_in),
		cmocka_unit_test(test_broken_file_keeps_the_calendar),
		cmocka_unit_test(test_failed_open_leaves_nothing),
		cmocka_unit_test(test_readers_during_reloads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
