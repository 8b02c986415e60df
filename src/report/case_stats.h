/* case_stats.h: statistics of the petitions and hotline desk, from the
 * case engine's records
 *
 * The cohort of a year is every case of the desk's procedures ("petition"
 * and "hotline") registered in that year (cases.year, the year in its
 * number).  Each case is judged once, as of a reference day `today`, from
 * its row, its history and its primary clock (the definition's clock with
 * "primary": true — petition: 办理期限 from 受理; hotline: 办理时限 from
 * 登记):
 *
 *   received   every case of the cohort
 *   accepted   the primary clock was started and the case has no
 *              "decline" (不予受理) event
 *   closed     the primary clock was stopped by one of its stop actions
 *              (petition: 签发 approve_reply; hotline: 答复 reply), not
 *              cancelled because the case ended otherwise
 *   on_time    closed, stopped on or before its due day
 *   late       closed, stopped after its due day
 *   overdue    the primary clock is running (started, not stopped, not
 *              paused) and its due day is before `today`
 *   due        closed + overdue: what had to be closed by `today`
 *   rated      a rating exists: the citizen's own (petitioner.satisfaction)
 *              or else the one recorded at the call-back (field
 *              "satisfaction")
 *   satisfied  rated 满意 or 基本满意
 *   legal      legal adviser involvements: events with the legal_review
 *              effect on the case (a count of events, not of cases)
 *
 *   办结率     = closed / due
 *   按时办结率 = on_time / due
 *   满意率     = satisfied / rated
 * The regulations define none of these formulas; they are our reading
 * (REGULATIONS.md §3, §4).  A rate is shown to one decimal, rounded half
 * up, except that it is never rounded to 100.0% unless it is exactly 1
 * nor to 0.0% unless it is exactly 0.  The year-on-year change of a count
 * is (this − last) / last in whole percent, rounded half away from zero,
 * undefined when last is 0; that of a rate is the difference of the two
 * shown rates in percentage points.
 *
 * Every figure carries the filter that produced it.  The same filter,
 * given to case_stats_cases(), lists exactly the cases the figure counts,
 * and case_stats_href() writes it as the URL of that list:
 *   /stats/cases/list?procedure=P&channel=C&dept=D&year=Y&state=S
 * with S one of accepted, due, closed, on_time, late, overdue, rated,
 * satisfied, legal_review (absent for received).  dept is the department
 * handling the case now (cases.dept_id).  S names a measure, not a state
 * of a definition: "closed" is not the same as the state "closed".
 */
#ifndef FZ_CASE_STATS_H
#define FZ_CASE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar/calendar.h"
#include "core/buf.h"

struct db;

#define CS_LIST_PATH "/stats/cases/list"

enum cs_measure {
	CS_RECEIVED,
	CS_ACCEPTED,
	CS_DUE,
	CS_CLOSED,
	CS_ON_TIME,
	CS_LATE,
	CS_OVERDUE,
	CS_RATED,
	CS_SATISFIED,
	CS_LEGAL,
	CS_MEASURES
};

enum cs_rate { CS_COMPLETION, CS_ON_TIME_RATE, CS_SATISFACTION, CS_RATES };

enum cs_group { CS_BY_CHANNEL, CS_BY_DEPT };

/* Which cases a figure counts.  Empty strings and 0 do not filter. */
struct cs_filter {
	char procedure[32];
	char channel[32];
	int64_t dept_id;
	int year;
	enum cs_measure measure;
};

/* One row of the table: a channel or a department, or the total. */
struct cs_row {
	char key[48];       /* "petition:letter", "hotline", "dept:3" or
			     * "total" */
	char label[128];
	struct cs_filter filter;    /* measure CS_RECEIVED, year this year */
	int64_t now[CS_MEASURES];   /* the year asked for */
	int64_t last[CS_MEASURES];  /* the year before */
};

struct case_stats {
	int year;
	cal_day today;
	enum cs_group by;
	struct cs_row *rows;        /* the total is the last row */
	size_t n;
};

/* Figures of `year` and `year - 1` grouped `by` channel (a row per
 * channel of the petition definition, in its order, then one row for all
 * hotline tickets; channels no definition names get rows of their own)
 * or by handling department (a row per department with cases in either
 * year, by name), plus a total row.  Needs the procedure definitions
 * loaded.  0, or a DB_E* code (DB_EMISUSE for a year outside
 * 1971..9998); release with case_stats_release(). */
int case_stats_compute(struct db *db, int year, enum cs_group by,
		       cal_day today, struct case_stats *out);
void case_stats_release(struct case_stats *s);

/* A figure of `row`: the measure, or a rate as permille (see below). */
int64_t cs_value(const struct cs_row *row, bool last, enum cs_measure m);
/* The rate `r` of the row as rounded permille, -1 when undefined (no
 * case in its denominator). */
int cs_rate(const struct cs_row *row, bool last, enum cs_rate r);
/* The measure a rate counts in its numerator and its denominator. */
enum cs_measure cs_rate_num(enum cs_rate r);
enum cs_measure cs_rate_den(enum cs_rate r);

/* num / den as permille with the rounding rule above; -1 when den <= 0. */
int cs_permille(int64_t num, int64_t den);
/* (now − last) / last in whole percent into *pct; 0, or 1 when undefined
 * (last <= 0). */
int cs_yoy(int64_t now, int64_t last, int64_t *pct);

/* "99.9%", "100.0%", or "—" for -1; out holds at least 16 bytes. */
void cs_format_rate(int permille, char out[16]);
/* "+45%", "-3%", "0%", or "—" when undefined; out >= 32 bytes. */
void cs_format_yoy(int64_t now, int64_t last, char out[32]);
/* Change of a rate in percentage points: "+0.5个百分点", "—". */
#define CS_PP_UNIT "个百分点"
void cs_format_pp(int now, int last, char out[32]);

/* The figures every view shows (page, workbook, command line), in order:
 * a count or a rate. */
struct cs_column {
	bool rate;
	int id;                     /* enum cs_measure, or enum cs_rate */
};
extern const struct cs_column cs_columns[];
extern const size_t cs_ncolumns;
const char *cs_column_title(const struct cs_column *c);
const char *cs_column_name(const struct cs_column *c);
/* The count, or the rate in permille (-1 when undefined). */
int64_t cs_column_value(const struct cs_column *c, const struct cs_row *r,
			bool last);
/* The measure whose cases the figure's link lists (a rate: the cases of
 * its numerator). */
enum cs_measure cs_column_measure(const struct cs_column *c);
/* The year-on-year change: "+45%" for a count, "+0.5个百分点" for a
 * rate, "—" when undefined; out >= 32 bytes. */
void cs_column_change(const struct cs_column *c, const struct cs_row *r,
		      char out[32]);

/* The definitions above in Chinese, for the page and the workbook: a
 * term and its explanation each (the closing actions named from the
 * loaded definitions).  Returns how many were filled (at most max). */
struct cs_note {
	const char *term;
	char text[512];
};
size_t case_stats_notes(struct cs_note *v, size_t max);

/* The years in which the desk registered cases, newest first; free()
 * *years.  0 or a DB_E* code. */
int case_stats_years(struct db *db, int **years, size_t *n);

/* Names of the measures and rates: the Chinese column title and the
 * ASCII name used in URLs, JSON and the command line. */
const char *cs_measure_title(enum cs_measure m);
const char *cs_measure_name(enum cs_measure m);
const char *cs_rate_title(enum cs_rate r);
const char *cs_rate_name(enum cs_rate r);
/* The measure named `name` ("closed", ...); -1 when none. */
int cs_measure_by_name(const char *name);

/* Append the URL of the list of the cases behind `f` (not HTML-escaped). */
void case_stats_href(const struct cs_filter *f, struct buf *out);

/* One case as the statistics judge it. */
struct cs_case {
	int64_t id;
	const char *procedure;
	const char *number;
	const char *channel;
	const char *channel_label;  /* from the definition, or the value */
	const char *source;         /* the label of its row by channel */
	int64_t dept_id;
	const char *state;
	const char *state_label;
	int year;
	cal_day registered;         /* day of the create action */
	cal_day received;           /* the received_date field, else
				     * `registered` */
	cal_day due;                /* primary clock; 0 when none */
	cal_day closed;             /* day it stopped; 0 when not closed */
	const char *satisfaction;   /* "satisfied", ... or "" */
	int64_t legal;              /* legal adviser involvements */
	bool in[CS_MEASURES];       /* whether each measure counts it */
};
typedef int (*cs_case_fn)(const struct cs_case *c, void *arg);

/* Call `fn` for every case `f` selects (its measure, procedure, channel,
 * department and year; year 0: every year) as of `today`, by procedure,
 * year and sequence.  The query has finished before the first call.  A
 * non-zero return stops the walk and is returned; else 0 or a DB_E*
 * code. */
int case_stats_cases(struct db *db, const struct cs_filter *f, cal_day today,
		     cs_case_fn fn, void *arg);

/* How the ledger and the list describe a case's timeliness ("按期办结",
 * "超期办结", "超期未办结", "办理中", "未受理或已终结") and its rating
 * ("满意", "基本满意", "不满意", ""). */
const char *cs_timeliness(const struct cs_case *c);
const char *cs_rating_label(const char *satisfaction);

/* Department names, for rows and lists. */
struct cs_depts {
	struct cs_dept {
		int64_t id;
		char *name;
	} *v;
	size_t n;
};
/* 0 or a DB_E* code; release with cs_depts_release(). */
int cs_depts_load(struct db *db, struct cs_depts *d);
/* The name of department `id`: "" when unknown, "无承办部门" for 0. */
const char *cs_dept_name(const struct cs_depts *d, int64_t id);
void cs_depts_release(struct cs_depts *d);
/* "2022年 · 信访件 · 建设局 · 办结": what a filter selects, in words. */
void cs_filter_describe(const struct cs_filter *f, const struct cs_depts *d,
			struct buf *out);

#endif
