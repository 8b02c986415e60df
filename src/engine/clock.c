/* clock.c: statutory clocks of cases, due lists and supervision */
#include "engine/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "engine/engine_util.h"
#include "store/store.h"

#define SOON_WORKING_DAYS 3

static const struct actor system_actor = { 0, "system", "", NULL, NULL };

static const char *unit_word(enum cal_unit u)
{
	return u == CAL_WORKING_DAYS ? "工作日" : "自然日";
}

/* ---- rows ---- */

#define CLOCK_COLS \
	"case_id, clock_id, unit, length, holiday_shift, supervised, " \
	"started_day, extension_days, extensions, paused_days, " \
	"paused_since, stopped_day, stopped_at, stop_action, cancelled, " \
	"due_day"

static void read_clock(struct db_rows *r, void *elem, void *arg)
{
	struct case_clock *k = elem;
	const char *unit = db_text(r, 2);

	memset(k, 0, sizeof(*k));
	k->case_id = db_int(r, 0);
	snprintf(k->clock_id, sizeof(k->clock_id), "%s", db_text(r, 1));
	k->unit = unit && strcmp(unit, "working") == 0 ? CAL_WORKING_DAYS :
		  CAL_CALENDAR_DAYS;
	k->length = (int)db_int(r, 3);
	k->holiday_shift = db_int(r, 4) != 0;
	k->supervised = db_int(r, 5) != 0;
	k->started = (cal_day)db_int(r, 6);
	k->extension_days = (int)db_int(r, 7);
	k->extensions = (int)db_int(r, 8);
	k->paused_days = (int)db_int(r, 9);
	k->paused = !db_isnull(r, 10);
	k->paused_since = k->paused ? (cal_day)db_int(r, 10) : 0;
	k->stopped = !db_isnull(r, 11);
	k->stopped_day = k->stopped ? (cal_day)db_int(r, 11) : 0;
	k->stopped_at = db_int(r, 12);
	snprintf(k->stop_action, sizeof(k->stop_action), "%s",
		 db_str(r, 13));
	k->cancelled = db_int(r, 14) != 0;
	k->due = (cal_day)db_int(r, 15);
	(void)arg;
}

static const struct row_reader clock_rows = {
	sizeof(struct case_clock), read_clock, NULL,
};

/* Rows of CLOCK_COLS (NULL: the query failed) into a malloc'd array. */
static int read_clocks(struct db *db, struct db_rows *rows,
		       struct case_clock **out, size_t *n)
{
	int rc;

	*out = engine_rows(db, rows, &clock_rows, NULL, n, &rc);
	return rc;
}

int case_clocks(struct db *db, int64_t case_id, struct case_clock **out,
		size_t *n)
{
	return read_clocks(db, db_query(db, "SELECT " CLOCK_COLS " FROM "
					"case_clocks WHERE case_id = ? ORDER "
					"BY started_day, clock_id", "i",
					case_id), out, n);
}

/* 0 and *k filled, 1 when the case has no such clock, or DB_E*. */
static int load_clock(struct db *db, int64_t case_id, const char *clock_id,
		      struct case_clock *k)
{
	return engine_row(db, db_query(db, "SELECT " CLOCK_COLS " FROM "
				       "case_clocks WHERE case_id = ? AND "
				       "clock_id = ?", "is", case_id,
				       clock_id), read_clock, k, NULL);
}

static int save_clock(struct db *db, const struct case_clock *k)
{
	int rc = db_exec(db, "UPDATE case_clocks SET length = ?, "
			 "started_day = ?, extension_days = ?, extensions = ?, "
			 "paused_days = ?, paused_since = NULL, "
			 "stopped_day = NULL, stopped_at = ?, stop_action = ?, "
			 "cancelled = ?, due_day = ? WHERE case_id = ? AND "
			 "clock_id = ?", "iiiiiisiiis", (int64_t)k->length,
			 (int64_t)k->started, (int64_t)k->extension_days,
			 (int64_t)k->extensions, (int64_t)k->paused_days,
			 k->stopped_at, k->stop_action, (int64_t)k->cancelled,
			 (int64_t)k->due, k->case_id, k->clock_id);

	if (rc < 0)
		return rc;
	/* The two optional days are cleared above and set apart: the
	 * format has no "NULL unless" letter for values that may be 0, a
	 * NULL bound as text does not fit an integer column in PostgreSQL,
	 * and neither does a CASE over untyped parameters. */
	if (k->paused)
		rc = db_exec(db, "UPDATE case_clocks SET paused_since = ? "
			     "WHERE case_id = ? AND clock_id = ?", "iis",
			     (int64_t)k->paused_since, k->case_id,
			     k->clock_id);
	if (rc >= 0 && k->stopped)
		rc = db_exec(db, "UPDATE case_clocks SET stopped_day = ? "
			     "WHERE case_id = ? AND clock_id = ?", "iis",
			     (int64_t)k->stopped_day, k->case_id,
			     k->clock_id);
	return rc < 0 ? rc : 0;
}

/* ---- counting ---- */

/* Days of `unit` after `from` up to and including `to`. */
static int span_days(const struct calendar *cal, enum cal_unit unit,
		     cal_day from, cal_day to)
{
	int n = 0;
	cal_day d;

	if (to <= from)
		return 0;
	if (unit == CAL_CALENDAR_DAYS)
		return to - from;
	for (d = from + 1; d <= to; d++)
		if (calendar_is_working(cal, d))
			n++;
	return n;
}

static int clock_due(const struct calendar *cal, const struct case_clock *k,
		     struct cal_due *d)
{
	int n = k->length + k->extension_days + k->paused_days;

	if (k->unit == CAL_CALENDAR_DAYS && !k->holiday_shift) {
		memset(d, 0, sizeof(*d));
		d->start = k->started;
		d->n = d->counted = n;
		d->unit = k->unit;
		d->due = k->started + n;
		return 0;
	}
	return calendar_due(cal, k->started, n, k->unit, d);
}

struct pause {
	cal_day from, to;
	bool open;
};

static void read_pause(struct db_rows *r, void *elem, void *arg)
{
	struct pause *p = elem;

	p->from = (cal_day)db_int(r, 0);
	p->open = db_isnull(r, 1);
	p->to = p->open ? 0 : (cal_day)db_int(r, 1);
	(void)arg;
}

static const struct row_reader pause_rows = {
	sizeof(struct pause), read_pause, NULL,
};

/* The pauses of a clock in the order they were taken. */
static int load_pauses(struct db *db, const struct case_clock *k,
		       struct pause **out, size_t *n)
{
	int rc;

	*out = engine_rows(db, db_query(db, "SELECT from_day, to_day FROM "
					"case_clock_pauses WHERE case_id = ? "
					"AND clock_id = ? ORDER BY id", "is",
					k->case_id, k->clock_id),
			   &pause_rows, NULL, n, &rc);
	return rc;
}

/* Recount the closed pauses and the due date of `k` with `cal`. */
static int recompute(struct db *db, const struct calendar *cal,
		     struct case_clock *k)
{
	struct pause *p;
	struct cal_due d;
	size_t n, i;
	int rc = load_pauses(db, k, &p, &n);

	if (rc < 0)
		return rc;
	k->paused_days = 0;
	for (i = 0; i < n; i++)
		if (!p[i].open)
			k->paused_days += span_days(cal, k->unit, p[i].from,
						    p[i].to);
	free(p);
	if (clock_due(cal, k, &d))
		return DB_EMISUSE;
	k->due = d.due;
	cal_due_release(&d);
	return 0;
}

/* ---- operations ---- */

/* Save the clock once the steps before (rc) went well; err is filled
 * when they or the save failed. */
static int save_after(const struct clock_act *a, const struct case_clock *k,
		      int rc, struct fz_err *err)
{
	if (rc >= 0)
		rc = save_clock(a->db, k);
	return rc < 0 ? db_failed(err, rc) : 0;
}

static int op_stop(const struct clock_act *a, struct case_clock *k,
		   bool cancelled)
{
	int rc = 0;

	if (k->paused) {
		rc = db_exec(a->db, "UPDATE case_clock_pauses SET to_day = ? "
			     "WHERE case_id = ? AND clock_id = ? AND to_day "
			     "IS NULL", "iis", (int64_t)a->today, k->case_id,
			     k->clock_id);
		k->paused = false;
		if (rc >= 0)
			rc = recompute(a->db, a->cal, k);
	}
	if (rc < 0)
		return rc;
	k->stopped = true;
	k->stopped_day = a->today;
	k->stopped_at = a->now;
	snprintf(k->stop_action, sizeof(k->stop_action), "%s", a->action->id);
	k->cancelled = cancelled;
	return save_clock(a->db, k);
}

/* The day a starting clock runs from: the action's day or its date. */
static int start_day(const struct clock_act *a, const struct wf_clock *c,
		     cal_day *day, struct fz_err *err)
{
	const char *s;

	*day = a->today;
	if (!c->start_field)
		return 0;
	s = json_string_value(json_object_get(a->action_fields,
					      c->start_field->name));
	if (!s)
		return 0;
	if (cal_parse(s, day))
		return fz_fail(err, 400, "field_invalid",
			       "“%s”须为 YYYY-MM-DD 格式的日期",
			       c->start_field->label);
	if (*day > a->today)
		return fz_fail(err, 400, "field_invalid", "“%s”不能晚于今天",
			       c->start_field->label);
	return 0;
}

/* A new period of `c` from `day`, with the length the case's fields
 * give it and its due date; 0, or < 0 when the date cannot be counted. */
static int new_period(const struct clock_act *a, const struct wf_clock *c,
		      cal_day day, struct case_clock *k)
{
	const char *by = c->length_by ?
		json_string_value(json_object_get(a->case_fields,
						  c->length_by->name)) : NULL;
	struct cal_due d;

	memset(k, 0, sizeof(*k));
	k->case_id = a->case_id;
	snprintf(k->clock_id, sizeof(k->clock_id), "%s", c->id);
	k->unit = c->unit;
	k->length = wf_clock_length(c, by);
	k->holiday_shift = c->holiday_shift;
	k->supervised = !c->window;
	k->started = day;
	if (clock_due(a->cal, k, &d))
		return FZ_ERR;
	k->due = d.due;
	cal_due_release(&d);
	return 0;
}

static int insert_clock(struct db *db, const struct case_clock *k)
{
	return db_exec(db, "INSERT INTO case_clocks (case_id, clock_id, "
		       "unit, length, holiday_shift, supervised, "
		       "started_day, due_day) VALUES (?, ?, ?, ?, ?, ?, ?, "
		       "?)", "issiiiii", k->case_id, k->clock_id,
		       k->unit == CAL_WORKING_DAYS ? "working" : "calendar",
		       (int64_t)k->length, (int64_t)k->holiday_shift,
		       (int64_t)k->supervised, (int64_t)k->started,
		       (int64_t)k->due);
}

static int op_start(const struct clock_act *a, const struct wf_clock *c,
		    struct case_clock *k, bool exists, struct fz_err *err)
{
	cal_day day;
	int rc = start_day(a, c, &day, err);

	if (rc)
		return rc;
	if (new_period(a, c, day, k))
		return fz_fail(err, 500, "internal", "期限计算失败");
	if (!exists) {
		rc = insert_clock(a->db, k);
		return rc < 0 ? db_failed(err, rc) : 0;
	}
	/* A new period: the old one's pauses no longer count. */
	rc = db_exec(a->db, "DELETE FROM case_clock_pauses WHERE case_id = ? "
		     "AND clock_id = ?", "is", k->case_id, k->clock_id);
	return save_after(a, k, rc, err);
}

/* Refuse an operation on a clock that is not running. */
static int need_running(const struct clock_act *a, const struct wf_clock *c,
			const struct case_clock *k, bool exists,
			bool allow_paused, struct fz_err *err)
{
	if (!exists)
		return fz_fail(err, 409, "clock_not_started",
			       "“%s”尚未开始计时，不能%s", c->label,
			       a->action->label);
	if (k->stopped)
		return fz_fail(err, 409, "clock_stopped",
			       "“%s”已停止计时，不能%s", c->label,
			       a->action->label);
	if (k->paused && !allow_paused)
		return fz_fail(err, 409, "clock_paused",
			       "“%s”已暂停计时，不能%s", c->label,
			       a->action->label);
	return 0;
}

static int op_pause(const struct clock_act *a, const struct wf_clock *c,
		    struct case_clock *k, bool exists, struct fz_err *err)
{
	int rc = need_running(a, c, k, exists, false, err);

	if (rc || a->dry_run)
		return rc;
	rc = db_exec(a->db, "INSERT INTO case_clock_pauses (case_id, "
		     "clock_id, from_day) VALUES (?, ?, ?)", "isi", k->case_id,
		     k->clock_id, (int64_t)a->today);
	k->paused = true;
	k->paused_since = a->today;
	return save_after(a, k, rc, err);
}

static int op_resume(const struct clock_act *a, const struct wf_clock *c,
		     struct case_clock *k, bool exists, struct fz_err *err)
{
	int rc = need_running(a, c, k, exists, true, err);

	if (!rc && !k->paused)
		rc = fz_fail(err, 409, "clock_not_paused",
			     "“%s”未暂停计时，不能%s", c->label,
			     a->action->label);
	if (rc || a->dry_run)
		return rc;
	rc = db_exec(a->db, "UPDATE case_clock_pauses SET to_day = ? WHERE "
		     "case_id = ? AND clock_id = ? AND to_day IS NULL", "iis",
		     (int64_t)a->today, k->case_id, k->clock_id);
	k->paused = false;
	if (rc >= 0)
		rc = db_exec(a->db, "UPDATE case_clocks SET paused_since = "
			     "NULL WHERE case_id = ? AND clock_id = ?", "is",
			     k->case_id, k->clock_id);
	if (rc >= 0)
		rc = recompute(a->db, a->cal, k);
	return save_after(a, k, rc, err);
}

static int op_extend(const struct clock_act *a, const struct wf_clock *c,
		     struct case_clock *k, bool exists, struct fz_err *err)
{
	struct buf who = BUF_INIT;
	json_t *v = c->ext_days_field ?
		json_object_get(a->action_fields, c->ext_days_field->name) :
		NULL;
	int days = v ? (int)json_integer_value(v) : c->ext_length;
	char due[11];
	int rc;

	if (!(a->roles & c->ext_roles)) {
		wf_roles_text(c->ext_roles, &who);
		rc = fz_fail(err, 403, "role_denied", "“%s”的延期须由%s办理",
			     c->label, buf_cstr(&who));
		buf_release(&who);
		return rc;
	}
	rc = need_running(a, c, k, exists, true, err);
	if (rc)
		return rc;
	if (k->extensions >= c->ext_max)
		return fz_fail(err, 409, "extension_limit",
			       "“%s”已延期 %d 次，最多只能延期 %d 次",
			       c->label, k->extensions, c->ext_max);
	cal_format(k->due, due);
	if (c->ext_before_due && a->today > k->due)
		return fz_fail(err, 409, "extension_late",
			       "“%s”已于 %s 届满，届满后不能再延期", c->label,
			       due);
	if (days < 1 || days > c->ext_length)
		return fz_fail(err, 400, "field_invalid",
			       "延期不能超过 %d 个%s", c->ext_length,
			       unit_word(c->unit));
	if (a->dry_run)
		return 0;
	k->extensions++;
	k->extension_days += days;
	return save_after(a, k, recompute(a->db, a->cal, k), err);
}

/* A stop after the due day of a clock with a late_field must say why
 * (the limit ran out and was not extended in time). */
static int check_late(const struct clock_act *a, const struct wf_clock *c,
		      const struct case_clock *k, struct fz_err *err)
{
	const char *why = json_string_value(json_object_get(a->action_fields,
						    c->late_field->name));
	char due[11];

	if (k->paused || a->today <= k->due || (why && *why))
		return 0;
	cal_format(k->due, due);
	return fz_fail(err, 409, "late_reason_required",
		       "“%s”已于 %s 届满且未经批准延长，逾期%s须填写“%s”",
		       c->label, due, a->action->label, c->late_field->label);
}

static int apply_one(const struct clock_act *a, const struct wf_clock *c,
		     struct fz_err *err)
{
	const struct wf_action *act = a->action;
	struct case_clock k;
	bool exists, stops;
	int rc = load_clock(a->db, a->case_id, c->id, &k);

	if (rc < 0)
		return db_failed(err, rc);
	exists = rc == 0;
	rc = 0;
	stops = engine_action_listed(c->stop, c->nstop, act) && exists &&
		!k.stopped;
	if (stops && c->late_field) {
		rc = check_late(a, c, &k, err);
		if (rc)
			return rc;
	}
	if (stops && !a->dry_run) {
		rc = op_stop(a, &k, false);
		if (rc < 0)
			return db_failed(err, rc);
	}
	if (engine_action_listed(c->pause, c->npause, act))
		rc = op_pause(a, c, &k, exists, err);
	if (!rc && engine_action_listed(c->resume, c->nresume, act))
		rc = op_resume(a, c, &k, exists, err);
	if (!rc && c->ext_action == act)
		rc = op_extend(a, c, &k, exists, err);
	if (!rc && engine_action_listed(c->start, c->nstart, act) &&
	    (!exists || k.stopped) && !a->dry_run)
		rc = op_start(a, c, &k, exists, err);
	if (!rc && engine_action_listed(c->restart, c->nrestart, act)) {
		rc = need_running(a, c, &k, exists, true, err);
		if (!rc && !a->dry_run)
			rc = op_start(a, c, &k, exists, err);
	}
	return rc;
}

static int check_window(const struct clock_act *a, struct fz_err *err)
{
	const struct wf_clock *c = a->action->within;
	struct case_clock k;
	char due[11];
	int rc = load_clock(a->db, a->case_id, c->id, &k);

	if (rc < 0)
		return db_failed(err, rc);
	if (rc == 1 || k.stopped || a->today <= k.due)
		return 0;
	cal_format(k.due, due);
	return fz_fail(err, 409, "window_expired", "“%s”已于 %s 届满，不能再%s",
		       c->label, due, a->action->label);
}

/* An action "after" windows: each one the case started and did not stop
 * must be past its last day (the other side's time is up). */
static int check_after(const struct clock_act *a, struct fz_err *err)
{
	struct case_clock k;
	char due[11];
	size_t i;
	int rc;

	for (i = 0; i < a->action->nafter; i++) {
		const struct wf_clock *c = a->action->after[i];

		rc = load_clock(a->db, a->case_id, c->id, &k);
		if (rc < 0)
			return db_failed(err, rc);
		if (rc == 1 || k.stopped || a->today > k.due)
			continue;
		cal_format(k.due, due);
		return fz_fail(err, 409, "window_open", "“%s”到 %s 才届满，"
			       "届满前不能%s", c->label, due,
			       a->action->label);
	}
	return 0;
}

/* The case ended: every clock still open stops with it. */
static int cancel_open(const struct clock_act *a, struct fz_err *err)
{
	struct case_clock *v;
	size_t n, i;
	int rc = read_clocks(a->db, db_query(a->db, "SELECT " CLOCK_COLS
					     " FROM case_clocks WHERE "
					     "case_id = ? AND stopped_day IS "
					     "NULL", "i", a->case_id), &v, &n);

	for (i = 0; rc == 0 && i < n; i++)
		rc = op_stop(a, &v[i], true);
	free(v);
	return rc < 0 ? db_failed(err, rc) : 0;
}

int clock_apply(const struct clock_act *a, struct fz_err *err)
{
	size_t i;
	int rc = 0;

	if (a->action->within)
		rc = check_window(a, err);
	if (!rc)
		rc = check_after(a, err);
	for (i = 0; !rc && i < a->wf->nclocks; i++)
		rc = apply_one(a, &a->wf->clocks[i], err);
	if (!rc && a->final && !a->dry_run)
		rc = cancel_open(a, err);
	return rc;
}

/* ---- explanation ---- */

static const struct wf_clock *clock_def(struct db *db, int64_t case_id,
					const char *clock_id,
					const struct workflow **wf)
{
	struct db_rows *rows = db_query(db, "SELECT proc, version FROM cases "
					"WHERE id = ?", "i", case_id);

	*wf = NULL;
	if (!rows)
		return NULL;
	if (db_next(rows) == 1)
		*wf = workflow_find(db_text(rows, 0), (int)db_int(rows, 1));
	db_rows_free(rows);
	return *wf ? wf_clock(*wf, clock_id) : NULL;
}

static void explain_pauses(const struct calendar *cal,
			   const struct case_clock *k, const struct pause *p,
			   size_t n, struct buf *out)
{
	char a[11], b[11];
	size_t i;

	for (i = 0; i < n; i++) {
		cal_format(p[i].from, a);
		if (p[i].open) {
			buf_printf(out, "暂停中：自 %s 起暂停计时，恢复后"
				   "顺延\n", a);
			continue;
		}
		cal_format(p[i].to, b);
		buf_printf(out, "暂停：%s 至 %s，不计入 %d 个%s\n", a, b,
			   span_days(cal, k->unit, p[i].from, p[i].to),
			   unit_word(k->unit));
	}
}

static void explain_end(const struct workflow *wf, const struct case_clock *k,
			struct buf *out)
{
	const struct wf_action *a = wf ? wf_action(wf, k->stop_action) : NULL;
	const char *what = a ? a->label : k->stop_action;
	char day[11];

	if (!k->stopped)
		return;
	cal_format(k->stopped_day, day);
	if (k->cancelled)
		buf_printf(out, "已于 %s 随事项终结停止计时（%s）\n", day,
			   what);
	else if (k->stopped_day <= k->due)
		buf_printf(out, "已于 %s 停止计时（%s），在期限内\n", day,
			   what);
	else
		buf_printf(out, "已于 %s 停止计时（%s），超过期限 %d 日\n", day,
			   what, k->stopped_day - k->due);
}

int case_clock_explain(struct db *db, const struct calendar *cal,
		       int64_t case_id, const char *clock_id,
		       struct buf *out)
{
	const struct workflow *wf;
	const struct wf_clock *c;
	struct case_clock k;
	struct pause *p;
	struct cal_due d;
	size_t n;
	int rc = load_clock(db, case_id, clock_id, &k);

	if (rc)
		return rc;
	c = clock_def(db, case_id, clock_id, &wf);
	rc = load_pauses(db, &k, &p, &n);
	if (rc < 0)
		return rc;
	buf_printf(out, "%s\n", c ? c->label : k.clock_id);
	if (c)
		buf_printf(out, "依据：%s\n", c->basis);
	buf_printf(out, "法定期限：%d 个%s\n", k.length, unit_word(k.unit));
	if (k.extensions)
		buf_printf(out, "延期：%d 次，共 %d 个%s\n", k.extensions,
			   k.extension_days, unit_word(k.unit));
	explain_pauses(cal, &k, p, n, out);
	free(p);
	if (clock_due(cal, &k, &d) == 0) {
		cal_due_explain(&d, out);
		cal_due_release(&d);
	}
	if (k.unit == CAL_CALENDAR_DAYS && !k.holiday_shift)
		buf_puts(out, "期限最后一日遇休息日不顺延\n");
	explain_end(wf, &k, out);
	return 0;
}

/* ---- retiming ---- */

/* Recount one open clock with `cal`: 1 when its due date or its paused
 * days changed (it is then saved, and listed in `cases` while that
 * holds fewer than 100), 0 when nothing changed, or a DB_E* code. */
static int retime_one(struct db *db, const struct calendar *cal,
		      struct case_clock *k, json_t *cases)
{
	cal_day before = k->due;
	int paused = k->paused_days;
	int rc = recompute(db, cal, k);
	char from[11], to[11];

	if (rc < 0 || (before == k->due && paused == k->paused_days))
		return rc;
	rc = save_clock(db, k);
	if (rc < 0)
		return rc;
	/* Dates as people read them: the audit trail outlives the day
	 * numbering of this program. */
	cal_format(before, from);
	cal_format(k->due, to);
	if (json_array_size(cases) < 100)
		json_array_append_new(cases, json_pack("{s:I,s:s,s:s,s:s}",
						       "case",
						       (json_int_t)k->case_id,
						       "clock", k->clock_id,
						       "from", from,
						       "to", to));
	return 1;
}

int engine_retime_open(struct db *db, const struct calendar *cal,
		       int *changed)
{
	struct case_clock *v = NULL;
	json_t *cases = json_array();
	size_t n = 0, i;
	int rc = db_begin(db), count = 0;

	if (rc == 0)
		rc = read_clocks(db, db_query(db, "SELECT " CLOCK_COLS " FROM "
					      "case_clocks WHERE stopped_day "
					      "IS NULL ORDER BY case_id", ""),
				 &v, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = retime_one(db, cal, &v[i], cases);
		if (rc == 1) {
			count++;
			rc = 0;
		}
	}
	free(v);
	if (rc == 0 && count &&
	    audit_as(db, &system_actor, "case.retime", "calendar", "success",
		     json_pack("{s:i,s:O}", "clocks", count, "changed",
			       cases)) < 0)
		rc = DB_ERR;
	json_decref(cases);
	rc = engine_end_tx(db, rc);
	if (rc == 0 && changed)
		*changed = count;
	return rc;
}

/* ---- what due items and reminders name ---- */

/* The case and clock of a due item or a reminder, as read: the strings
 * its const pointers point into. */
struct clock_ref {
	char *proc, *number, *title, *clock;
	int version;
};

/* The first five columns of a due list or reminder query; the clock id
 * comes next, from the clock's or the reminder's table. */
#define REF_COLS "c.proc, c.version, c.number, c.title, "

static void ref_read(struct db_rows *r, struct clock_ref *x)
{
	x->proc = xstrdup(db_text(r, 0));
	x->version = (int)db_int(r, 1);
	x->number = xstrdup(db_text(r, 2));
	x->title = xstrdup(db_text(r, 3));
	x->clock = xstrdup(db_text(r, 4));
}

/* Drops a due or reminder row: each begins with its clock_ref. */
static void ref_free(void *elem)
{
	struct clock_ref *x = elem;

	free(x->proc);
	free(x->number);
	free(x->title);
	free(x->clock);
}

/* Point the names of a due item or a reminder at `x`; the clock's label
 * comes from the version of the definition the case keeps. */
static void ref_names(const struct clock_ref *x, const char **procedure,
		      const char **number, const char **title,
		      const char **clock_id, const char **clock_label)
{
	const struct workflow *wf = workflow_find(x->proc, x->version);
	const struct wf_clock *c = wf ? wf_clock(wf, x->clock) : NULL;

	*procedure = x->proc;
	*number = x->number;
	*title = x->title;
	*clock_id = x->clock;
	*clock_label = c ? c->label : x->clock;
}

/* ---- due lists ---- */

struct due_row {
	struct clock_ref ref;       /* first, for ref_free() */
	struct due_item it;
};

static void read_due(struct db_rows *r, void *elem, void *arg)
{
	struct due_row *d = elem;

	ref_read(r, &d->ref);
	d->it.case_id = db_int(r, 5);
	d->it.due = (cal_day)db_int(r, 6);
	d->it.dept_id = db_int(r, 7);
	d->it.assignee_id = db_int(r, 8);
	(void)arg;
}

static const struct row_reader due_rows = {
	sizeof(struct due_row), read_due, ref_free,
};

/* The item of a row as seen on `today`. */
static const struct due_item *due_item(const struct calendar *cal,
				       cal_day today, struct due_row *d)
{
	struct due_item *it = &d->it;

	ref_names(&d->ref, &it->procedure, &it->number, &it->title,
		  &it->clock_id, &it->clock_label);
	it->overdue = it->due < today;
	it->days = it->overdue ? today - it->due :
		   span_days(cal, CAL_WORKING_DAYS, today, it->due);
	return it;
}

int engine_due_lists(struct db *db, const struct calendar *cal, cal_day today,
		     int64_t dept_id, int64_t user_id, due_fn fn, void *arg)
{
	struct due_row *v;
	struct cal_due soon;
	size_t n, i;
	int rc;

	if (calendar_due(cal, today, SOON_WORKING_DAYS, CAL_WORKING_DAYS,
			 &soon))
		return DB_EMISUSE;
	cal_due_release(&soon);
	v = engine_rows(db, db_query(db, "SELECT " REF_COLS "k.clock_id, "
				     "k.case_id, k.due_day, c.dept_id, "
				     "c.assignee_id FROM case_clocks k JOIN "
				     "cases c ON c.id = k.case_id WHERE "
				     "k.supervised = 1 AND k.stopped_day IS "
				     "NULL AND k.paused_since IS NULL AND "
				     "k.due_day <= ? AND ((? = 0 AND ? = 0) "
				     "OR c.dept_id = ? OR c.assignee_id = ?) "
				     "ORDER BY k.due_day, c.id LIMIT 2000",
				     "iiiii", (int64_t)soon.due, dept_id,
				     user_id, dept_id, user_id),
			&due_rows, NULL, &n, &rc);
	for (i = 0; rc == 0 && i < n; i++)
		rc = fn(due_item(cal, today, &v[i]), arg);
	engine_rows_free(v, n, &due_rows);
	return rc;
}

/* ---- supervision ---- */

struct overdue {
	int64_t case_id, dept_id, assignee_id;
	char *clock, *state;
	cal_day due;
};

static void read_overdue(struct db_rows *r, void *elem, void *arg)
{
	struct overdue *o = elem;

	o->case_id = db_int(r, 0);
	o->clock = xstrdup(db_text(r, 1));
	o->due = (cal_day)db_int(r, 2);
	o->dept_id = db_int(r, 3);
	o->assignee_id = db_int(r, 4);
	o->state = xstrdup(db_text(r, 5));
	(void)arg;
}

static void drop_overdue(void *elem)
{
	struct overdue *o = elem;

	free(o->clock);
	free(o->state);
}

static const struct row_reader overdue_rows = {
	sizeof(struct overdue), read_overdue, drop_overdue,
};

/* Running supervised clocks past due on `today` without a reminder for
 * their current due date. */
static int find_overdue(struct db *db, cal_day today, struct overdue **out,
			size_t *n)
{
	int rc;

	*out = engine_rows(db, db_query(db, "SELECT k.case_id, k.clock_id, "
					"k.due_day, c.dept_id, c.assignee_id, "
					"c.state FROM case_clocks k JOIN cases "
					"c ON c.id = k.case_id WHERE "
					"k.supervised = 1 AND k.stopped_day IS "
					"NULL AND k.paused_since IS NULL AND "
					"k.due_day < ? AND NOT EXISTS (SELECT "
					"1 FROM case_reminders r WHERE "
					"r.case_id = k.case_id AND r.clock_id "
					"= k.clock_id AND r.due_day = "
					"k.due_day) ORDER BY k.case_id, "
					"k.clock_id", "i", (int64_t)today),
			   &overdue_rows, NULL, n, &rc);
	return rc;
}

/* The reminder, its line in the case history and its audit entry. */
static int remind(struct db *db, const struct overdue *o, int64_t now)
{
	json_t *f;
	char due[11], obj[48], *text;
	int64_t seq;
	int rc;

	cal_format(o->due, due);
	rc = db_exec(db, "INSERT INTO case_reminders (case_id, clock_id, "
		     "due_day, dept_id, assignee_id, created_at) VALUES "
		     "(?, ?, ?, ?, ?, ?)", "isizzi", o->case_id, o->clock,
		     (int64_t)o->due, o->dept_id, o->assignee_id, now);
	if (rc >= 0)
		rc = engine_next_event_seq(db, o->case_id, &seq);
	if (rc < 0)
		return rc;
	f = json_pack("{s:s,s:s}", "clock", o->clock, "due", due);
	text = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	rc = db_exec(db, "INSERT INTO case_events (case_id, seq, action, "
		     "from_state, to_state, actor_id, actor, actor_dept_id, "
		     "ts, fields) VALUES (?, ?, 'supervise', ?, ?, NULL, "
		     "'system', NULL, ?, ?)", "iissis", o->case_id, seq,
		     o->state, o->state, now, text);
	free(text);
	snprintf(obj, sizeof(obj), "case:%lld", (long long)o->case_id);
	if (rc >= 0 && audit_as(db, &system_actor, "case.supervise", obj,
				"success", json_incref(f)) < 0)
		rc = DB_ERR;
	json_decref(f);
	return rc < 0 ? rc : 0;
}

int engine_supervise(struct db *db, const struct calendar *cal, int64_t now,
		     int *created)
{
	struct overdue *v = NULL;
	size_t n = 0, i;
	int rc = db_begin(db);

	(void)cal;  /* reminders fall due on calendar days past the due day */

	if (rc == 0)
		rc = find_overdue(db, cal_day_of(now), &v, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = remind(db, &v[i], now);
	engine_rows_free(v, n, &overdue_rows);
	rc = engine_end_tx(db, rc);
	if (rc == 0 && created)
		*created = (int)n;
	return rc;
}

/* ---- reminders ---- */

struct reminder_row {
	struct clock_ref ref;       /* first, for ref_free() */
	struct reminder r;
};

static void read_reminder(struct db_rows *r, void *elem, void *arg)
{
	struct reminder_row *x = elem;

	ref_read(r, &x->ref);
	x->r.id = db_int(r, 5);
	x->r.case_id = db_int(r, 6);
	x->r.due = (cal_day)db_int(r, 7);
	x->r.dept_id = db_int(r, 8);
	x->r.assignee_id = db_int(r, 9);
	x->r.created_at = db_int(r, 10);
	(void)arg;
}

static const struct row_reader reminder_rows = {
	sizeof(struct reminder_row), read_reminder, ref_free,
};

int engine_reminders(struct db *db, int64_t case_id, int64_t dept_id,
		     int64_t user_id, reminder_fn fn, void *arg)
{
	struct reminder_row *v;
	size_t n, i;
	int rc;

	v = engine_rows(db, db_query(db, "SELECT " REF_COLS "r.clock_id, "
				     "r.id, r.case_id, r.due_day, r.dept_id, "
				     "r.assignee_id, r.created_at FROM "
				     "case_reminders r JOIN cases c ON c.id "
				     "= r.case_id WHERE (? = 0 OR r.case_id "
				     "= ?) AND (? = 0 OR r.dept_id = ?) AND "
				     "(? = 0 OR r.assignee_id = ?) ORDER BY "
				     "r.id DESC LIMIT 2000", "iiiiii",
				     case_id, case_id, dept_id, dept_id,
				     user_id, user_id),
			&reminder_rows, NULL, &n, &rc);
	for (i = 0; rc == 0 && i < n; i++) {
		struct reminder *r = &v[i].r;

		ref_names(&v[i].ref, &r->procedure, &r->number, &r->title,
			  &r->clock_id, &r->clock_label);
		rc = fn(r, arg);
	}
	engine_rows_free(v, n, &reminder_rows);
	return rc;
}
