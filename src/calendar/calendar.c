/* calendar.c: the official working-day calendar and statutory due dates */
#include "calendar/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/clock.h"

#define CST_OFFSET (8 * 3600)
/* No limit in law runs for years; this bounds a runaway count. */
#define MAX_LIMIT 3660

struct calendar {
	struct cal_entry *items;   /* sorted by day, unique */
	size_t n, cap;
};

/* Days from civil date and back (Howard Hinnant's algorithms), so no
 * time zone or libc state is involved. */
static cal_day days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(cal_day z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The value of `n` decimal digits already known to be digits. */
static int digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

int cal_parse(const char *s, cal_day *out)
{
	int y, m, d, yy, mm, dd, i;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return FZ_ERR;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return FZ_ERR;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return FZ_ERR;
	*out = days_from_civil(y, m, d);
	civil_from_days(*out, &yy, &mm, &dd);
	return yy == y && mm == m && dd == d ? FZ_OK : FZ_ERR;
}

void cal_format(cal_day d, char out[11])
{
	int y, m, dd;

	civil_from_days(d, &y, &m, &dd);
	/* By hand: the compiler cannot see that y has four digits. */
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + dd / 10);
	out[9] = (char)('0' + dd % 10);
	out[10] = '\0';
}

int cal_weekday(cal_day d)
{
	/* 1970-01-01 was a Thursday (3 counting from Monday = 0). */
	int w = (d + 3) % 7;

	return w < 0 ? w + 7 : w;
}

cal_day cal_day_of(int64_t t)
{
	int64_t s = t + CST_OFFSET;

	return (cal_day)(s >= 0 ? s / 86400 : (s - 86399) / 86400);
}

int cal_year(cal_day d)
{
	char s[11];
	int64_t y = 0;

	cal_format(d, s);
	s[4] = '\0';
	parse_int64(s, 0, 9999, &y);
	return (int)y;
}

int cal_year_now(void)
{
	return cal_year(cal_day_of(clock_now()));
}

struct calendar *calendar_new(void)
{
	return xcalloc(1, sizeof(struct calendar));
}

void calendar_free(struct calendar *c)
{
	if (!c)
		return;
	free(c->items);
	free(c);
}

/* Index of the entry for `d`, or of where it would go (bsearch by hand
 * so inserts keep the array sorted). */
static size_t find_slot(const struct calendar *c, cal_day d, bool *found)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->items[mid].day < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < c->n && c->items[lo].day == d;
	return lo;
}

int calendar_set(struct calendar *c, cal_day day, enum cal_kind kind,
		 const char *name)
{
	bool found;
	size_t i = find_slot(c, day, &found);

	if (kind != CAL_OFF && kind != CAL_WORK)
		return FZ_ERR;
	if (!found) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 512;
			c->items = xrealloc(c->items,
					    c->cap * sizeof(*c->items));
		}
		memmove(&c->items[i + 1], &c->items[i],
			(c->n - i) * sizeof(*c->items));
		c->n++;
	}
	c->items[i].day = day;
	c->items[i].kind = kind;
	snprintf(c->items[i].name, sizeof(c->items[i].name), "%s",
		 name ? name : "");
	return FZ_OK;
}

const struct cal_entry *calendar_lookup(const struct calendar *c, cal_day d)
{
	bool found;
	size_t i = find_slot(c, d, &found);

	return found ? &c->items[i] : NULL;
}

const struct cal_entry *calendar_entries(const struct calendar *c,
					 size_t *n)
{
	*n = c->n;
	return c->items;
}

void calendar_years(const struct calendar *c, int *first, int *last)
{
	int m, d;

	*first = *last = 0;
	if (!c->n)
		return;
	civil_from_days(c->items[0].day, first, &m, &d);
	civil_from_days(c->items[c->n - 1].day, last, &m, &d);
}

int calendar_notices(const struct calendar *c)
{
	int n = 0, last = 0, y, m, d;
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (c->items[i].kind != CAL_OFF)
			continue;
		civil_from_days(c->items[i].day, &y, &m, &d);
		if (y != last)
			n++;
		last = y;
	}
	return n;
}

bool calendar_equal(const struct calendar *a, const struct calendar *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	/* Field by field: the bytes after a name's terminator are not
	 * set. */
	for (i = 0; i < a->n; i++)
		if (a->items[i].day != b->items[i].day ||
		    a->items[i].kind != b->items[i].kind ||
		    strcmp(a->items[i].name, b->items[i].name) != 0)
			return false;
	return true;
}

bool calendar_is_working(const struct calendar *c, cal_day d)
{
	const struct cal_entry *e = calendar_lookup(c, d);

	if (e)
		return e->kind == CAL_WORK;
	return cal_weekday(d) < 5;
}

const char *calendar_reason(const struct calendar *c, cal_day d)
{
	const struct cal_entry *e = calendar_lookup(c, d);
	int w = cal_weekday(d);

	if (e)
		return e->name[0] ? e->name : e->kind == CAL_OFF ? "假日"
								 : "调休";
	return w == 5 ? "周六" : w == 6 ? "周日" : "";
}

/* One line of the calendar file; 0, or FZ_ERR with err filled. */
static int load_line(struct calendar *c, char *line, const char *path,
		     int lineno, struct fz_err *err)
{
	char *f1 = line, *f2, *f3;
	enum cal_kind kind;
	cal_day day;

	f2 = strchr(f1, '\t');
	if (!f2)
		return fz_fail(err, 400, "bad_calendar",
			       "%s:%d: expected DATE<TAB>off|work<TAB>NAME",
			       path, lineno);
	*f2++ = '\0';
	f3 = strchr(f2, '\t');
	if (f3)
		*f3++ = '\0';
	if (cal_parse(f1, &day))
		return fz_fail(err, 400, "bad_calendar",
			       "%s:%d: '%s' is not a date (YYYY-MM-DD)", path,
			       lineno, f1);
	if (strcmp(f2, "off") == 0)
		kind = CAL_OFF;
	else if (strcmp(f2, "work") == 0)
		kind = CAL_WORK;
	else
		return fz_fail(err, 400, "bad_calendar",
			       "%s:%d: kind must be off or work, not '%s'",
			       path, lineno, f2);
	return calendar_set(c, day, kind, f3 ? f3 : "");
}

int calendar_load(struct calendar *c, const char *path, struct fz_err *err)
{
	struct buf b = BUF_INIT;
	char *p, *nl;
	int lineno = 0, rc = FZ_OK;

	if (read_file(path, &b, 4 << 20)) {
		buf_release(&b);
		return fz_fail(err, 500, "no_calendar",
			       "cannot read calendar file %s", path);
	}
	for (p = b.data; rc == FZ_OK && p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		if (nl && nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*p == '#' || *p == '\0')
			continue;
		rc = load_line(c, p, path, lineno, err);
	}
	buf_release(&b);
	return rc;
}

int calendar_add_notice(struct calendar *c, const char *json, size_t n,
			const char *origin, struct fz_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, n, 0, &je), *days, *d;
	size_t i;
	int rc = FZ_OK;

	if (!root)
		return fz_fail(err, 400, "bad_notice", "%s:%d: %s", origin,
			       je.line, je.text);
	days = json_object_get(root, "days");
	if (!json_is_array(days)) {
		json_decref(root);
		return fz_fail(err, 400, "bad_notice",
			       "%s: no \"days\" array", origin);
	}
	json_array_foreach(days, i, d) {
		const char *date = json_string_value(json_object_get(d, "date"));
		const char *name = json_string_value(json_object_get(d, "name"));
		json_t *off = json_object_get(d, "isOffDay");
		cal_day day;

		if (!date || cal_parse(date, &day) || !json_is_boolean(off)) {
			rc = fz_fail(err, 400, "bad_notice",
				     "%s: days[%zu] needs a valid date and "
				     "isOffDay", origin, i);
			break;
		}
		calendar_set(c, day, json_is_true(off) ? CAL_OFF : CAL_WORK,
			     name);
	}
	json_decref(root);
	return rc;
}

void calendar_write(const struct calendar *c, struct buf *out)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		char date[11];

		cal_format(c->items[i].day, date);
		buf_printf(out, "%s\t%s\t%s\n", date,
			   c->items[i].kind == CAL_OFF ? "off" : "work",
			   c->items[i].name);
	}
}

static void note(struct cal_skip **list, size_t *n, const struct calendar *c,
		 cal_day day)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[*n].day = day;
	snprintf((*list)[*n].reason, sizeof((*list)[*n].reason), "%s",
		 calendar_reason(c, day));
	(*n)++;
}

static bool covered(const struct calendar *c, cal_day day)
{
	int first, last, y, m, dd;

	calendar_years(c, &first, &last);
	civil_from_days(day, &y, &m, &dd);
	return first && y <= last;
}

int calendar_due(const struct calendar *c, cal_day start, int n,
		 enum cal_unit unit, struct cal_due *out)
{
	cal_day day = start;

	memset(out, 0, sizeof(*out));
	out->start = start;
	out->n = n;
	out->unit = unit;
	if (n < 0 || n > MAX_LIMIT ||
	    (unit != CAL_WORKING_DAYS && unit != CAL_CALENDAR_DAYS))
		return FZ_ERR;
	if (unit == CAL_WORKING_DAYS) {
		while (out->counted < n) {
			day++;
			if (!calendar_is_working(c, day)) {
				note(&out->skipped, &out->nskipped, c, day);
				continue;
			}
			out->counted++;
			if (cal_weekday(day) >= 5)
				note(&out->workdays, &out->nworkdays, c, day);
		}
	} else {
		day = start + n;
		out->counted = n;
		while (n > 0 && !calendar_is_working(c, day)) {
			note(&out->skipped, &out->nskipped, c, day);
			out->moved = true;
			day++;
		}
	}
	out->due = day;
	out->beyond_data = !covered(c, day);
	return FZ_OK;
}

void cal_due_release(struct cal_due *d)
{
	free(d->skipped);
	free(d->workdays);
	d->skipped = d->workdays = NULL;
	d->nskipped = d->nworkdays = 0;
}

void cal_due_explain(const struct cal_due *d, struct buf *out)
{
	char s[11], e[11];
	size_t i;

	cal_format(d->start, s);
	cal_format(d->due, e);
	buf_printf(out, "起算日：%s（当日不计入，自次日起算）\n", s);
	buf_printf(out, "期限：%d 个%s\n", d->n,
		   d->unit == CAL_WORKING_DAYS ? "工作日" : "自然日");
	if (d->unit == CAL_WORKING_DAYS)
		buf_printf(out, "计入工作日 %d 天，跳过非工作日 %zu 天\n",
			   d->counted, d->nskipped);
	for (i = 0; i < d->nskipped; i++) {
		char day[11];

		cal_format(d->skipped[i].day, day);
		buf_printf(out, "  跳过 %s（%s）\n", day, d->skipped[i].reason);
	}
	for (i = 0; i < d->nworkdays; i++) {
		char day[11];

		cal_format(d->workdays[i].day, day);
		buf_printf(out, "  计入 %s（%s调休上班日）\n", day,
			   d->workdays[i].reason);
	}
	if (d->moved)
		buf_printf(out, "期限最后一日为休息日，顺延至其后第一个工作日"
			   "（民法典第二百零三条）\n");
	buf_printf(out, "截止日：%s\n", e);
	if (d->beyond_data)
		buf_printf(out, "注意：该年度的国务院放假通知尚未收录，"
			   "暂按周一至周五为工作日计算\n");
}
