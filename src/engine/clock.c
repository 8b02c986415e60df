/* clock.c: statutory clocks of cases, due lists and supervision */
#include "engine/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "store/store.h"

#define SOON_WORKING_DAYS 3

static const struct actor system_actor = { 0, "system", "", NULL, NULL };

static int db_failed(struct fz_err *err, int rc)
{
	if (rc == DB_EBUSY || rc == DB_EUNAVAIL)
		return fz_fail(err, 503, "db_unavailable",
			       "数据库暂时不可用，请稍后再试");
	return fz_fail(err, 500, "db_error", "保存失败（数据库错误）");
}

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

static void read_clock(struct db_rows *r, struct case_clock *k)
{
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
		 db_text(r, 13) ? db_text(r, 13) : "");
	k->cancelled = db_int(r, 14) != 0;
	k->due = (cal_day)db_int(r, 15);
}

/* Read rows of CLOCK_COLS into a malloc'd array. */
static int read_clocks(struct db_rows *rows, struct case_clock **out,
		       size_t *n)
{
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = db_next(rows)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		read_clock(rows, &(*out)[(*n)++]);
	}
	db_rows_free(rows);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc < 0 ? rc : 0;
}

int case_clocks(struct db *db, int64_t case_id, struct case_clock **out,
		size_t *n)
{
	struct db_rows *rows = db_query(db, "SELECT " CLOCK_COLS " FROM "
					"case_clocks WHERE case_id = ? ORDER "
					"BY started_day, clock_id", "i",
					case_id);

	if (!rows) {
		*out = NULL;
		*n = 0;
		return db_errcode(db);
	}
	return read_clocks(rows, out, n);
}

/* 0 and *k filled, 1 when the case has no such clock, or DB_E*. */
static int load_clock(struct db *db, int64_t case_id, const char *clock_id,
		      struct case_clock *k)
{
	struct db_rows *rows = db_query(db, "SELECT " CLOCK_COLS " FROM "
					"case_clocks WHERE case_id = ? AND "
					"clock_id = ?", "is", case_id,
					clock_id);
	int rc;

	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1)
		read_clock(rows, k);
	db_rows_free(rows);
	return rc < 0 ? rc : rc == 1 ? 0 : 1;
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

static int load_pauses(struct db *db, const struct case_clock *k,
		       struct pause **out, size_t *n)
{
	struct db_rows *rows;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rows = db_query(db, "SELECT from_day, to_day FROM case_clock_pauses "
			"WHERE case_id = ? AND clock_id = ? ORDER BY id", "is",
			k->case_id, k->clock_id);
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		struct pause *p;

		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		p = &(*out)[(*n)++];
		p->from = (cal_day)db_int(rows, 0);
		p->open = db_isnull(rows, 1);
		p->to = p->open ? 0 : (cal_day)db_int(rows, 1);
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
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

static bool has_action(const struct wf_action *const *v, size_t n,
		       const struct wf_action *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == a)
			return true;
	return false;
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

static int op_start(const struct clock_act *a, const struct wf_clock *c,
		    struct case_clock *k, bool exists, struct fz_err *err)
{
	const char *by = c->length_by ?
		json_string_value(json_object_get(a->case_fields,
						  c->length_by->name)) : NULL;
	struct cal_due d;
	cal_day day;
	int rc = start_day(a, c, &day, err);

	if (rc)
		return rc;
	memset(k, 0, sizeof(*k));
	k->case_id = a->case_id;
	snprintf(k->clock_id, sizeof(k->clock_id), "%s", c->id);
	k->unit = c->unit;
	k->length = wf_clock_length(c, by);
	k->holiday_shift = c->holiday_shift;
	k->supervised = !c->window;
	k->started = day;
	if (clock_due(a->cal, k, &d))
		return fz_fail(err, 500, "internal", "期限计算失败");
	k->due = d.due;
	cal_due_release(&d);
	if (exists) {
		/* A new period: the old one's pauses no longer count. */
		rc = db_exec(a->db, "DELETE FROM case_clock_pauses WHERE "
			     "case_id = ? AND clock_id = ?", "is", k->case_id,
			     k->clock_id);
		rc = rc < 0 ? rc : save_clock(a->db, k);
	} else {
		rc = db_exec(a->db, "INSERT INTO case_clocks (case_id, "
			     "clock_id, unit, length, holiday_shift, "
			     "supervised, started_day, due_day) VALUES "
			     "(?, ?, ?, ?, ?, ?, ?, ?)", "issiiiii",
			     k->case_id, k->clock_id,
			     c->unit == CAL_WORKING_DAYS ? "working" :
			     "calendar", (int64_t)k->length,
			     (int64_t)k->holiday_shift,
			     (int64_t)k->supervised, (int64_t)k->started,
			     (int64_t)k->due);
	}
	return rc < 0 ? db_failed(err, rc) : 0;
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
	rc = rc < 0 ? rc : save_clock(a->db, k);
	return rc < 0 ? db_failed(err, rc) : 0;
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
	rc = rc < 0 ? rc : save_clock(a->db, k);
	return rc < 0 ? db_failed(err, rc) : 0;
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
	rc = recompute(a->db, a->cal, k);
	rc = rc < 0 ? rc : save_clock(a->db, k);
	return rc < 0 ? db_failed(err, rc) : 0;
}

static int apply_one(const struct clock_act *a, const struct wf_clock *c,
		     struct fz_err *err)
{
	const struct wf_action *act = a->action;
	struct case_clock k;
	bool exists;
	int rc = load_clock(a->db, a->case_id, c->id, &k);

	if (rc < 0)
		return db_failed(err, rc);
	exists = rc == 0;
	rc = 0;
	if (has_action(c->stop, c->nstop, act) && exists && !k.stopped &&
	    !a->dry_run) {
		rc = op_stop(a, &k, false);
		if (rc < 0)
			return db_failed(err, rc);
	}
	if (has_action(c->pause, c->npause, act))
		rc = op_pause(a, c, &k, exists, err);
	if (!rc && has_action(c->resume, c->nresume, act))
		rc = op_resume(a, c, &k, exists, err);
	if (!rc && c->ext_action == act)
		rc = op_extend(a, c, &k, exists, err);
	if (!rc && has_action(c->start, c->nstart, act) &&
	    (!exists || k.stopped) && !a->dry_run)
		rc = op_start(a, c, &k, exists, err);
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

/* The case ended: every clock still open stops with it. */
static int cancel_open(const struct clock_act *a, struct fz_err *err)
{
	struct case_clock *v;
	size_t n, i;
	int rc;
	struct db_rows *rows = db_query(a->db, "SELECT " CLOCK_COLS " FROM "
					"case_clocks WHERE case_id = ? AND "
					"stopped_day IS NULL", "i",
					a->case_id);

	if (!rows)
		return db_failed(err, db_errcode(a->db));
	rc = read_clocks(rows, &v, &n);
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

int engine_retime_open(struct db *db, const struct calendar *cal,
		       int *changed)
{
	struct case_clock *v = NULL;
	json_t *cases = json_array();
	struct db_rows *rows;
	size_t n = 0, i;
	int rc = db_begin(db), count = 0;

	if (rc == 0) {
		rows = db_query(db, "SELECT " CLOCK_COLS " FROM case_clocks "
				"WHERE stopped_day IS NULL ORDER BY case_id",
				"");
		rc = rows ? read_clocks(rows, &v, &n) : db_errcode(db);
	}
	for (i = 0; rc == 0 && i < n; i++) {
		cal_day before = v[i].due;
		int paused = v[i].paused_days;

		rc = recompute(db, cal, &v[i]);
		if (rc < 0 || (before == v[i].due && paused ==
			       v[i].paused_days))
			continue;
		rc = save_clock(db, &v[i]);
		count++;
		if (json_array_size(cases) < 100)
			json_array_append_new(cases, json_pack(
				"{s:I,s:s,s:i,s:i}", "case",
				(json_int_t)v[i].case_id, "clock",
				v[i].clock_id, "from", (int)before, "to",
				(int)v[i].due));
	}
	free(v);
	if (rc == 0 && count &&
	    audit_as(db, &system_actor, "case.retime", "calendar", "success",
		     json_pack("{s:i,s:O}", "clocks", count, "changed",
			       cases)) < 0)
		rc = DB_ERR;
	json_decref(cases);
	rc = rc < 0 ? rc : db_commit(db);
	if (rc < 0) {
		if (db_in_tx(db))
			db_rollback(db);
		return rc;
	}
	if (changed)
		*changed = count;
	return 0;
}

/* ---- due lists ---- */

struct due_row {
	struct due_item it;
	char *proc, *number, *title, *clock;
	int version;
};

static void due_rows_free(struct due_row *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].proc);
		free(v[i].number);
		free(v[i].title);
		free(v[i].clock);
	}
	free(v);
}

static const char *clock_label(const char *proc, int version,
			       const char *clock_id)
{
	const struct workflow *wf = workflow_find(proc, version);
	const struct wf_clock *c = wf ? wf_clock(wf, clock_id) : NULL;

	return c ? c->label : clock_id;
}

int engine_due_lists(struct db *db, const struct calendar *cal, cal_day today,
		     int64_t dept_id, int64_t user_id, due_fn fn, void *arg)
{
	struct due_row *v = NULL;
	struct db_rows *rows;
	struct cal_due soon;
	size_t n = 0, cap = 0, i;
	int rc;

	if (calendar_due(cal, today, SOON_WORKING_DAYS, CAL_WORKING_DAYS,
			 &soon))
		return DB_EMISUSE;
	cal_due_release(&soon);
	rows = db_query(db, "SELECT k.case_id, k.clock_id, k.due_day, c.proc, "
			"c.version, c.number, c.title, c.dept_id, "
			"c.assignee_id FROM case_clocks k JOIN cases c ON "
			"c.id = k.case_id WHERE k.supervised = 1 AND "
			"k.stopped_day IS NULL AND k.paused_since IS NULL AND "
			"k.due_day <= ? AND (? = 0 OR c.dept_id = ?) AND "
			"(? = 0 OR c.assignee_id = ?) ORDER BY k.due_day, "
			"c.id LIMIT 2000", "iiiii", (int64_t)soon.due,
			dept_id, dept_id, user_id, user_id);
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		struct due_row *r;

		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		r = &v[n++];
		memset(r, 0, sizeof(*r));
		r->it.case_id = db_int(rows, 0);
		r->clock = xstrdup(db_text(rows, 1));
		r->it.due = (cal_day)db_int(rows, 2);
		r->proc = xstrdup(db_text(rows, 3));
		r->version = (int)db_int(rows, 4);
		r->number = xstrdup(db_text(rows, 5));
		r->title = xstrdup(db_text(rows, 6));
		r->it.dept_id = db_int(rows, 7);
		r->it.assignee_id = db_int(rows, 8);
	}
	db_rows_free(rows);
	for (i = 0; rc == 0 && i < n; i++) {
		struct due_item *it = &v[i].it;

		it->procedure = v[i].proc;
		it->number = v[i].number;
		it->title = v[i].title;
		it->clock_id = v[i].clock;
		it->clock_label = clock_label(v[i].proc, v[i].version,
					      v[i].clock);
		it->overdue = it->due < today;
		it->days = it->overdue ? today - it->due :
			   span_days(cal, CAL_WORKING_DAYS, today, it->due);
		rc = fn(it, arg);
	}
	due_rows_free(v, n);
	return rc;
}

/* ---- supervision ---- */

struct overdue {
	int64_t case_id, dept_id, assignee_id;
	char *clock, *state;
	cal_day due;
};

static int find_overdue(struct db *db, cal_day today, struct overdue **out,
			size_t *n)
{
	struct db_rows *rows;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rows = db_query(db, "SELECT k.case_id, k.clock_id, k.due_day, "
			"c.dept_id, c.assignee_id, c.state FROM case_clocks k "
			"JOIN cases c ON c.id = k.case_id WHERE "
			"k.supervised = 1 AND k.stopped_day IS NULL AND "
			"k.paused_since IS NULL AND k.due_day < ? AND NOT "
			"EXISTS (SELECT 1 FROM case_reminders r WHERE "
			"r.case_id = k.case_id AND r.clock_id = k.clock_id "
			"AND r.due_day = k.due_day) ORDER BY k.case_id, "
			"k.clock_id", "i", (int64_t)today);
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		struct overdue *o;

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		o = &(*out)[(*n)++];
		o->case_id = db_int(rows, 0);
		o->clock = xstrdup(db_text(rows, 1));
		o->due = (cal_day)db_int(rows, 2);
		o->dept_id = db_int(rows, 3);
		o->assignee_id = db_int(rows, 4);
		o->state = xstrdup(db_text(rows, 5));
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

/* The reminder, its line in the case history and its audit entry. */
static int remind(struct db *db, const struct overdue *o, int64_t now)
{
	json_t *f;
	char due[11], obj[48], *text;
	int64_t seq = 0;
	int rc;

	cal_format(o->due, due);
	rc = db_exec(db, "INSERT INTO case_reminders (case_id, clock_id, "
		     "due_day, dept_id, assignee_id, created_at) VALUES "
		     "(?, ?, ?, ?, ?, ?)", "isizzi", o->case_id, o->clock,
		     (int64_t)o->due, o->dept_id, o->assignee_id, now);
	if (rc >= 0)
		rc = db_scalar_int(db, &seq, "SELECT COALESCE(MAX(seq), 0) "
				   "FROM case_events WHERE case_id = ?", "i",
				   o->case_id);
	if (rc < 0)
		return rc;
	f = json_pack("{s:s,s:s}", "clock", o->clock, "due", due);
	text = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	rc = db_exec(db, "INSERT INTO case_events (case_id, seq, action, "
		     "from_state, to_state, actor_id, actor, actor_dept_id, "
		     "ts, fields) VALUES (?, ?, 'supervise', ?, ?, NULL, "
		     "'system', NULL, ?, ?)", "iissis", o->case_id, seq + 1,
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
	for (i = 0; i < n; i++) {
		free(v[i].clock);
		free(v[i].state);
	}
	free(v);
	rc = rc < 0 ? rc : db_commit(db);
	if (rc < 0) {
		if (db_in_tx(db))
			db_rollback(db);
		return rc;
	}
	if (created)
		*created = (int)n;
	return 0;
}

struct reminder_row {
	struct reminder r;
	char *proc, *number, *title, *clock;
	int version;
};

int engine_reminders(struct db *db, int64_t case_id, int64_t dept_id,
		     int64_t user_id, reminder_fn fn, void *arg)
{
	struct reminder_row *v = NULL;
	struct db_rows *rows;
	size_t n = 0, cap = 0, i;
	int rc;

	rows = db_query(db, "SELECT r.id, r.case_id, r.clock_id, r.due_day, "
			"r.dept_id, r.assignee_id, r.created_at, c.proc, "
			"c.version, c.number, c.title FROM case_reminders r "
			"JOIN cases c ON c.id = r.case_id WHERE (? = 0 OR "
			"r.case_id = ?) AND (? = 0 OR r.dept_id = ?) AND "
			"(? = 0 OR r.assignee_id = ?) ORDER BY r.id DESC "
			"LIMIT 2000", "iiiiii", case_id, case_id, dept_id,
			dept_id, user_id, user_id);
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		struct reminder_row *x;

		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		x = &v[n++];
		memset(x, 0, sizeof(*x));
		x->r.id = db_int(rows, 0);
		x->r.case_id = db_int(rows, 1);
		x->clock = xstrdup(db_text(rows, 2));
		x->r.due = (cal_day)db_int(rows, 3);
		x->r.dept_id = db_int(rows, 4);
		x->r.assignee_id = db_int(rows, 5);
		x->r.created_at = db_int(rows, 6);
		x->proc = xstrdup(db_text(rows, 7));
		x->version = (int)db_int(rows, 8);
		x->number = xstrdup(db_text(rows, 9));
		x->title = xstrdup(db_text(rows, 10));
	}
	db_rows_free(rows);
	for (i = 0; rc == 0 && i < n; i++) {
		struct reminder *r = &v[i].r;

		r->procedure = v[i].proc;
		r->number = v[i].number;
		r->title = v[i].title;
		r->clock_id = v[i].clock;
		r->clock_label = clock_label(v[i].proc, v[i].version,
					     v[i].clock);
		rc = fn(r, arg);
	}
	for (i = 0; i < n; i++) {
		free(v[i].proc);
		free(v[i].number);
		free(v[i].title);
		free(v[i].clock);
	}
	free(v);
	return rc;
}
