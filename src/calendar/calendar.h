/* calendar.h: the official working-day calendar and statutory due dates
 *
 * A date is a working day when the State Council's holiday notice makes it
 * one (a make-up Saturday or Sunday, 调休上班), a day off when the notice
 * makes it one, and otherwise exactly when it is Monday to Friday.
 *
 * Counting follows the Civil Code (Art. 201, 203) as the regulations
 * apply it: the day of the triggering event is not counted; a period in
 * working days ends on the Nth working day after it; a period in calendar
 * days whose last day is not a working day ends on the next working day.
 *
 * Dates are day numbers (days since 1970-01-01); a calendar is immutable
 * once built, so any number of threads may read it.
 */
#ifndef FZ_CALENDAR_H
#define FZ_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/util.h"

typedef int32_t cal_day;

enum cal_kind { CAL_OFF = 1, CAL_WORK = 2 };
enum cal_unit { CAL_WORKING_DAYS = 1, CAL_CALENDAR_DAYS = 2 };

struct cal_entry {
	cal_day day;
	enum cal_kind kind;
	char name[64];   /* holiday as the notice names it, e.g. 春节 */
};

struct calendar;

/* Day number of "YYYY-MM-DD"; < 0 (FZ_ERR) on a malformed or unreal date.
 * Only 1970-01-01 to 9999-12-31. */
int cal_parse(const char *s, cal_day *out);
/* "YYYY-MM-DD" into `out` (at least 11 bytes). */
void cal_format(cal_day d, char out[11]);
/* 0 = Monday ... 6 = Sunday. */
int cal_weekday(cal_day d);
/* The day number containing unix time `t` in China Standard Time. */
cal_day cal_day_of(int64_t t);
/* The year of day `d`; of today (China Standard Time) for cal_year_now(). */
int cal_year(cal_day d);
int cal_year_now(void);

/* An empty calendar (weekday rule only) to add notices to. */
struct calendar *calendar_new(void);
void calendar_free(struct calendar *c);
/* Add or replace one dated entry. */
int calendar_set(struct calendar *c, cal_day day, enum cal_kind kind,
		 const char *name);
/* Read the project's calendar file: "YYYY-MM-DD<TAB>off|work<TAB>name"
 * lines, '#' comments.  Fills err with "file:line: problem". */
int calendar_load(struct calendar *c, const char *path, struct fz_err *err);
/* Add the days of one State Council notice in the holiday-cn JSON form
 * ({"year":..,"days":[{"name","date","isOffDay"}]}).  `origin` names the
 * input in error messages. */
int calendar_add_notice(struct calendar *c, const char *json, size_t n,
			const char *origin, struct fz_err *err);
/* Write the calendar in the file form calendar_load() reads. */
void calendar_write(const struct calendar *c, struct buf *out);
/* Entries in date order (for listing and storing). */
const struct cal_entry *calendar_entries(const struct calendar *c,
					 size_t *n);
/* First and last year any notice covers (0 when empty). */
void calendar_years(const struct calendar *c, int *first, int *last);
/* How many annual notices the calendar holds: the years with a day off
 * (every notice gives days off in its own year). */
int calendar_notices(const struct calendar *c);
/* Whether two calendars hold the same dated entries. */
bool calendar_equal(const struct calendar *a, const struct calendar *b);

bool calendar_is_working(const struct calendar *c, cal_day d);
/* Why a day is or is not a working day: "春节" (a day off or make-up day
 * of a notice), "周六", "周日", or "" for an ordinary working day. */
const char *calendar_reason(const struct calendar *c, cal_day d);
/* The notice entry for a day, or NULL. */
const struct cal_entry *calendar_lookup(const struct calendar *c, cal_day d);

/* A due date with its explanation. */
struct cal_skip {
	cal_day day;
	char reason[64];
};

struct cal_due {
	cal_day start;
	cal_day due;
	int n;
	enum cal_unit unit;
	int counted;               /* days counted towards the limit */
	struct cal_skip *skipped;  /* days passed over, and why (malloc) */
	size_t nskipped;
	struct cal_skip *workdays; /* weekend days counted: make-up days */
	size_t nworkdays;
	bool moved;                /* calendar days: last day was a day off */
	bool beyond_data;          /* counted past the last notice */
};

/* Due date of a limit of `n` units starting the day after `start`.
 * n >= 0; n == 0 gives the start day itself.  beyond_data is set when
 * the count ran into a year no notice covers (the weekday rule was
 * assumed there). */
int calendar_due(const struct calendar *c, cal_day start, int n,
		 enum cal_unit unit, struct cal_due *out);
void cal_due_release(struct cal_due *d);
/* The explanation in words (Chinese), one line per fact. */
void cal_due_explain(const struct cal_due *d, struct buf *out);

#endif
