/* clock.h: statutory clocks of cases — due dates, explanations, due and
 * overdue lists, supervision reminders (督办)
 *
 * A clock of a case is started, stopped, paused, resumed and extended by
 * the actions its definition names (workflow.h).  Its due date is
 *   calendar_due(start day, length + extension days + paused days, unit)
 * where the start day itself is not counted (Civil Code Art. 201), so a
 * clock started on day S with length N ends on the Nth unit after S.
 * A calendar-day limit ending on a day off moves to the next working day
 * (Art. 203) unless the definition says "holiday_shift": false.
 *
 * Rules of the operations:
 *  - start: on a clock never started, or stopped, it runs from the
 *    action's day (or the date in the clock's start_field) — a stopped
 *    clock starts a new period; on a running or paused clock it does
 *    nothing (the first start governs);
 *  - stop: ends a running or paused clock on the action's day; on a clock
 *    not running it does nothing (one action may close several periods);
 *  - pause on day P, resume on day R: the days after P up to and
 *    including R are not counted (in the clock's unit), so counting goes
 *    on from the day after the resumption; pausing needs a running clock,
 *    resuming a paused one;
 *  - restart: a running or paused clock begins a new period from the
 *    action's start_field date (or its day): pauses and extensions of
 *    the old period no longer count (a corrected application, 补正);
 *  - extension: needs a started, unstopped clock, one of the extension's
 *    roles, fewer than its maximum number of extensions and, with
 *    before_due, a day not past the due date;
 *  - when a case reaches a final state every clock still open stops
 *    there too, marked cancelled (it does not count as handled).
 * A clock keeps the length it started with: a later change of a field
 * named by length_by does not retime it.
 * Window clocks bind the other side (an objection period): they appear
 * in explanations but not in due lists or supervision; an action with
 * "within" is refused once its window has expired ("window_expired"),
 * one "after" a window while that window is still open ("window_open").
 */
#ifndef FZ_CASE_CLOCK_H
#define FZ_CASE_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/roles.h"
#include "calendar/calendar.h"
#include "core/buf.h"
#include "core/util.h"
#include "engine/workflow.h"

struct db;

/* One clock of one case as stored. */
struct case_clock {
	int64_t case_id;
	char clock_id[WF_ID_MAX];
	enum cal_unit unit;
	int length;                 /* the statutory length it started with */
	bool holiday_shift;
	bool supervised;            /* false for a window */
	cal_day started;
	int extension_days;
	int extensions;
	int paused_days;            /* in the clock's unit, closed pauses */
	bool paused;
	cal_day paused_since;
	bool stopped;
	cal_day stopped_day;
	int64_t stopped_at;
	char stop_action[WF_ID_MAX];
	bool cancelled;             /* stopped because the case ended */
	cal_day due;
};

/* The clocks of a case, in the order they started; free() the array.
 * 0 or a DB_E* code. */
int case_clocks(struct db *db, int64_t case_id, struct case_clock **out,
		size_t *n);

/* Explain a clock of a case in Chinese, one fact a line: the statutory
 * length and its basis, the start day, the days counted and the days
 * skipped and why (cal_due_explain), every pause and extension, the due
 * date, and whether it stopped in time.  0; 1 when the case has no such
 * clock; or a DB_E* code. */
int case_clock_explain(struct db *db, const struct calendar *cal,
		       int64_t case_id, const char *clock_id,
		       struct buf *out);

/* Recompute pauses and due dates of every clock not stopped with `cal`
 * (after a new holiday notice was imported).  One transaction; when any
 * due date changed, one audit entry "case.retime" by the system lists
 * them.  *changed (may be NULL) gets the number of clocks changed.
 * 0 or a DB_E* code. */
int engine_retime_open(struct db *db, const struct calendar *cal,
		       int *changed);

/* A clock that is due soon or overdue. */
struct due_item {
	int64_t case_id;
	const char *procedure;
	const char *number;
	const char *title;
	const char *clock_id;
	const char *clock_label;    /* from the case's definition */
	cal_day due;
	bool overdue;
	int days;                   /* overdue: calendar days past due;
				     * else working days left (0 = today) */
	int64_t dept_id;
	int64_t assignee_id;
};
typedef int (*due_fn)(const struct due_item *it, void *arg);

/* Running supervised clocks due within 3 working days of `today` or
 * overdue, earliest first, of the cases handled by `dept_id` or assigned
 * to `user_id`: either condition lets a case in, a 0 adds none, and both
 * 0 take every case.  The callback runs after the query finished (it may
 * use the database); a non-zero return stops the walk and is returned.
 * 0 or a DB_E* code. */
int engine_due_lists(struct db *db, const struct calendar *cal, cal_day today,
		     int64_t dept_id, int64_t user_id, due_fn fn, void *arg);

/* Create one supervision reminder (督办) for each running supervised
 * clock past its due date on the day of `now`, for the case's handling
 * department and assignee, and record it in the case's history and the
 * audit trail ("case.supervise", by the system).  Idempotent: a clock
 * gets one reminder per due date (a new one only after its due date
 * moved and passed again).  *created (may be NULL) gets the number made.
 * 0 or a DB_E* code. */
int engine_supervise(struct db *db, const struct calendar *cal, int64_t now,
		     int *created);

struct reminder {
	int64_t id;
	int64_t case_id;
	const char *procedure;
	const char *number;
	const char *title;
	const char *clock_id;
	const char *clock_label;
	cal_day due;
	int64_t dept_id;
	int64_t assignee_id;
	int64_t created_at;
};
typedef int (*reminder_fn)(const struct reminder *r, void *arg);

/* Reminders, newest first, of one case, or for a department's heads, or
 * for an assignee (0: not filtered; at least one should be set).  Same
 * callback rules as engine_due_lists().  0 or a DB_E* code. */
int engine_reminders(struct db *db, int64_t case_id, int64_t dept_id,
		     int64_t user_id, reminder_fn fn, void *arg);

/* ---- for the engine, inside its write transaction ---- */

struct clock_act {
	struct db *db;
	const struct calendar *cal;
	const struct workflow *wf;
	int64_t case_id;
	const struct wf_action *action;
	json_t *case_fields;        /* the case's fields after the action */
	json_t *action_fields;      /* the action's own (normalised) */
	roleset roles;
	cal_day today;
	int64_t now;
	bool final;                 /* the action ends the case */
	bool dry_run;               /* only check what would be refused */
};

/* Apply (or, dry_run, only check) every clock operation the action
 * implies.  0, or < 0 with err filled with a refusal or "db_error"; on
 * failure the caller rolls back. */
int clock_apply(const struct clock_act *a, struct fz_err *err);

#endif
