/* test_calendar.c: working days and due dates on real notices */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "calendar/calendar.h"
#include "calendar/official.h"

static struct calendar *cal;

static int setup(void **state)
{
	struct fz_err err = { 0 };

	cal = calendar_open(NULL, &err);
	return cal ? 0 : -1;
}

static int teardown(void **state)
{
	calendar_free(cal);
	return 0;
}

static cal_day D(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

/* Expect START + N UNIT to end on WANT. */
static void due(const char *start, int n, enum cal_unit unit,
		const char *want)
{
	struct cal_due d;
	char got[11];

	assert_int_equal(calendar_due(cal, D(start), n, unit, &d), 0);
	cal_format(d.due, got);
	if (strcmp(got, want) != 0)
		print_error("%s + %d %s: got %s, want %s\n", start, n,
			    unit == CAL_WORKING_DAYS ? "working" : "calendar",
			    got, want);
	assert_string_equal(got, want);
	cal_due_release(&d);
}

static void test_dates(void **state)
{
	cal_day d;
	char s[11];

	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(cal_weekday(D("2024-02-04")), 6); /* a Sunday */
	assert_int_equal(cal_weekday(D("2026-11-26")), 3); /* a Thursday */
	cal_format(D("2024-02-29"), s);
	assert_string_equal(s, "2024-02-29");
	assert_int_not_equal(cal_parse("2023-02-29", &d), 0);
	assert_int_not_equal(cal_parse("2024-13-01", &d), 0);
	assert_int_not_equal(cal_parse("2024-1-01", &d), 0);
	assert_int_not_equal(cal_parse("2024-01-01x", &d), 0);
	assert_int_not_equal(cal_parse("20240101", &d), 0);
	/* 2024-01-01 00:30 China time is still 2023-12-31 in UTC. */
	assert_int_equal(cal_day_of(1704040200), D("2024-01-01"));
	assert_int_equal(cal_year(D("2023-12-31")), 2023);
	assert_int_equal(cal_year(D("2024-01-01")), 2024);
	assert_int_equal(cal_year(cal_day_of(1704040200)), 2024);
	assert_int_equal(cal_year(0), 1970);
}

static void test_working_day_rule(void **state)
{
	assert_false(calendar_is_working(cal, D("2024-02-03"))); /* Sat */
	assert_true(calendar_is_working(cal, D("2024-02-04")));  /* make-up */
	assert_false(calendar_is_working(cal, D("2024-02-12"))); /* Mon off */
	assert_true(calendar_is_working(cal, D("2024-02-18")));  /* make-up */
	assert_true(calendar_is_working(cal, D("2024-02-19")));
	assert_string_equal(calendar_reason(cal, D("2024-02-12")), "春节");
	assert_string_equal(calendar_reason(cal, D("2024-02-24")), "周六");
	assert_string_equal(calendar_reason(cal, D("2024-02-20")), "");
}

/* Across the 2024 Spring Festival with its make-up Sundays 02-04 and
 * 02-18: 02-02 (1), 02-04 (2), 02-05..09 (3-7), 02-18 (8), 02-19 (9),
 * 02-20 (10). */
static void test_spring_festival_2024(void **state)
{
	struct cal_due d;

	due("2024-02-01", 10, CAL_WORKING_DAYS, "2024-02-20");
	due("2024-02-09", 1, CAL_WORKING_DAYS, "2024-02-18");
	due("2024-02-03", 1, CAL_WORKING_DAYS, "2024-02-04");
	assert_int_equal(calendar_due(cal, D("2024-02-01"), 10,
				      CAL_WORKING_DAYS, &d), 0);
	assert_int_equal(d.counted, 10);
	assert_int_equal(d.nskipped, 9);     /* 02-03 and 02-10..17 */
	assert_int_equal(d.nworkdays, 2);    /* the two make-up Sundays */
	assert_int_equal(d.workdays[0].day, D("2024-02-04"));
	assert_false(d.beyond_data);
	cal_due_release(&d);
}

/* National Day 2024: 09-29 (Sun) and 10-12 (Sat) worked, 10-01..07 off. */
static void test_national_day_2024(void **state)
{
	due("2024-09-27", 5, CAL_WORKING_DAYS, "2024-10-10");
	due("2024-09-30", 1, CAL_WORKING_DAYS, "2024-10-08");
	due("2024-10-10", 2, CAL_WORKING_DAYS, "2024-10-12");
	/* 15 calendar days end on 10-05, a holiday: next working day. */
	due("2024-09-20", 15, CAL_CALENDAR_DAYS, "2024-10-08");
}

/* New Year 2025 (01-01 only) and the 2025 Spring Festival (01-28..02-04
 * off, 01-26 and 02-08 worked). */
static void test_new_year_2025(void **state)
{
	due("2024-12-30", 3, CAL_WORKING_DAYS, "2025-01-03");
	due("2025-01-24", 5, CAL_WORKING_DAYS, "2025-02-07");
	due("2025-02-07", 1, CAL_WORKING_DAYS, "2025-02-08");
}

/* The vectors worked out in the regulations notes (§0). */
static void test_regulation_vectors(void **state)
{
	due("2022-09-28", 20, CAL_WORKING_DAYS, "2022-10-31");
	due("2022-09-28", 40, CAL_WORKING_DAYS, "2022-11-28");
	due("2022-12-26", 20, CAL_WORKING_DAYS, "2023-01-29");
	due("2022-08-05", 60, CAL_CALENDAR_DAYS, "2022-10-08");
	/* A calendar limit ending on an ordinary working day stays. */
	due("2022-08-05", 30, CAL_CALENDAR_DAYS, "2022-09-05");
	due("2022-08-05", 0, CAL_CALENDAR_DAYS, "2022-08-05");
}

static void test_explanation(void **state)
{
	struct buf b = BUF_INIT;
	struct cal_due d;

	calendar_due(cal, D("2022-08-05"), 60, CAL_CALENDAR_DAYS, &d);
	cal_due_explain(&d, &b);
	assert_non_null(strstr(buf_cstr(&b), "起算日：2022-08-05"));
	assert_non_null(strstr(buf_cstr(&b), "跳过 2022-10-04（国庆节）"));
	assert_non_null(strstr(buf_cstr(&b), "顺延"));
	assert_non_null(strstr(buf_cstr(&b), "截止日：2022-10-08"));
	cal_due_release(&d);
	buf_release(&b);
	calendar_due(cal, D("2027-06-01"), 5, CAL_WORKING_DAYS, &d);
	assert_true(d.beyond_data);
	cal_due_release(&d);
	assert_int_not_equal(calendar_due(cal, D("2022-01-01"), -1,
					  CAL_WORKING_DAYS, &d), 0);
}

static void test_notice_import(void **state)
{
	static const char notice[] =
		"{\"year\": 2031, \"days\": ["
		"{\"name\": \"春节\", \"date\": \"2031-01-22\", "
		"\"isOffDay\": true},"
		"{\"name\": \"春节\", \"date\": \"2031-01-25\", "
		"\"isOffDay\": false}]}";
	static const char bad_date[] = "{\"days\": [{\"date\": \"2031-02-30\","
				       " \"isOffDay\": true}]}";
	struct calendar *c = calendar_new();
	struct fz_err err = { 0 };
	struct buf out = BUF_INIT;

	assert_int_equal(calendar_add_notice(c, notice, strlen(notice),
					     "2031.json", &err), 0);
	assert_false(calendar_is_working(c, D("2031-01-22"))); /* Wed */
	assert_true(calendar_is_working(c, D("2031-01-25")));  /* Sat */
	calendar_write(c, &out);
	assert_string_equal(buf_cstr(&out), "2031-01-22\toff\t春节\n"
			    "2031-01-25\twork\t春节\n");
	assert_int_not_equal(calendar_add_notice(c, "{\"days\": 1}", 11, "x",
						 &err), 0);
	assert_non_null(strstr(err.msg, "x:"));
	assert_int_not_equal(calendar_add_notice(c, bad_date,
						 strlen(bad_date), "y", &err),
			     0);
	assert_non_null(strstr(err.msg, "days[0]"));
	assert_int_not_equal(calendar_add_notice(c, "{", 1, "z.json", &err),
			     0);
	assert_non_null(strstr(err.msg, "z.json:1"));
	buf_release(&out);
	calendar_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_working_day_rule),
		cmocka_unit_test(test_spring_festival_2024),
		cmocka_unit_test(test_national_day_2024),
		cmocka_unit_test(test_new_year_2025),
		cmocka_unit_test(test_regulation_vectors),
		cmocka_unit_test(test_explanation),
		cmocka_unit_test(test_notice_import),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
