/* engine.h: the case engine — cases move only by the actions their
 * procedure definition allows
 *
 * A case is opened by the create action of the newest loaded version of
 * its procedure and keeps that version for life.  Every later change is
 * an action of that version, and the engine refuses it unless all hold:
 *  - the case is not in a final state          (code "case_final")
 *  - the action may start from the case's state (code "wrong_state")
 *  - the actor holds one of the action's roles  (code "role_denied")
 *  - the actor's department fits the action's scope
 *                                              (code "wrong_dept")
 *  - every field is declared by the action      (code "unknown_field")
 *  - every required field is present and every value is valid
 *                                              (codes "field_required",
 *                                               "field_invalid")
 *  - a merge names another case that is still being handled: not
 *    final, not merged itself, its primary clock not stopped
 *    (case_handled())                          (code "merge_invalid")
 *  - the clock operations the action implies are possible
 *    (see clock.h: "clock_not_started", "clock_stopped", "clock_paused",
 *    "clock_not_paused", "extension_limit", "extension_late",
 *    "window_expired", "window_open")
 * A refusal fills `err` with the code and a sentence in Chinese that names
 * what is missing, and changes nothing.  An accepted action is one write
 * transaction: the case row, an event in its history (actor, time, from,
 * to, fields), the clocks, and an audit entry "case.<action>" on object
 * "case:<id>" whose details carry the SM3 hash of the event's fields.
 * When the caller already has a write transaction open (the group
 * commit's, or its own to write more rows with the case), the action
 * joins it and commits nothing: the caller commits, and after a refusal
 * must roll back (to a savepoint) what the action may have written.
 *
 * The engine keeps no personal data: a procedure's desk stores the
 * people behind a case (encrypted) in its own table keyed by case id.
 *
 * Dates are day numbers (calendar.h) in China Standard Time; times are
 * unix seconds taken from ctx->now, never from the system clock, so
 * tests and imports can act at any time.
 */
#ifndef FZ_ENGINE_H
#define FZ_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/roles.h"
#include "calendar/calendar.h"
#include "core/util.h"
#include "engine/workflow.h"

struct db;

/* Who acts, where and when.  `actor` goes into the audit trail and the
 * history; `roles` and `dept_id` decide what the actor may do. */
struct engine_ctx {
	struct db *db;
	struct actor actor;
	roleset roles;
	int64_t dept_id;            /* 0: the actor belongs to none */
	const struct calendar *cal;
	int64_t now;                /* unix seconds */
};

struct case_info {
	int64_t id;
	char *procedure;
	int version;
	const struct workflow *wf;  /* that version; NULL when not loaded */
	char *number;               /* e.g. 新高信〔2022〕0001号 */
	int year;
	int64_t seq;
	char *state;
	bool final;
	char *title, *channel, *category;   /* copied from the fields */
	int64_t origin_dept_id;     /* the registering department */
	int64_t dept_id;            /* the department handling it now */
	int64_t assignee_id;
	int64_t merged_into;        /* case it duplicates, 0 when none */
	int64_t created_by;
	int64_t created_at, updated_at, closed_at;
	json_t *fields;             /* every field set so far, latest value
				     * (NULL in case_list rows) */
};

struct case_event {
	int64_t id;
	int seq;                    /* 1, 2, ... within the case */
	char *action;
	const char *label;          /* the action's label in the case's
				     * version, or the id */
	char *from_state;           /* "" for the create action */
	char *to_state;
	int64_t actor_id;
	char *actor;
	int64_t actor_dept_id;
	int64_t at;
	json_t *fields;             /* the fields the action carried */
	bool legal_review;
};

struct action_list {
	const struct wf_action **v;
	size_t n;
};

/* Open a case of `procedure` with its create action; `fields` (may be
 * NULL, borrowed) are that action's fields.  The number is allocated in
 * the same transaction from a per-procedure, per-year counter, so numbers
 * are unique and gap-free: a refused or rolled-back create uses none.
 * Returns 0 with *id set, or < 0 with err filled ("unknown_procedure",
 * the refusals above, "db_error"). */
int case_create(const struct engine_ctx *ctx, const char *procedure,
		json_t *fields, int64_t *id, struct fz_err *err);

/* Take `action` on a case; `fields` as for case_create.  0 or < 0 with
 * err filled ("not_found", "unknown_action", the refusals above). */
int case_act(const struct engine_ctx *ctx, int64_t case_id,
	     const char *action, json_t *fields, struct fz_err *err);

/* Read a case; 0, or < 0 with err ("not_found" 404, "db_error").  Release
 * with case_info_release(). */
int case_get(struct db *db, int64_t id, struct case_info *out,
	     struct fz_err *err);
void case_info_release(struct case_info *c);
/* Id of the case with `number`: 0 found, 1 none, < 0 a DB_E* code. */
int case_find_number(struct db *db, const char *number, int64_t *id);
/* Whether the office has finished with case `id` of definition `w`
 * though it is not final: the definition's primary clock was started
 * and has stopped (a petition whose reply is signed, a hotline ticket
 * answered).  Such a case takes no merged duplicates and is not offered
 * as one.  1 or 0 (also when `w` is NULL or has no primary clock), or a
 * DB_E* code. */
int case_handled(struct db *db, int64_t id, const struct workflow *w);
/* Whether the actor may see the case: a role in the definition's
 * read_roles, the registering or handling department, a co-handling
 * department named in a multiple dept field, or the assignee. */
bool case_may_read(const struct engine_ctx *ctx, const struct case_info *c);

/* The history, oldest first; free with case_events_free().  0 or a
 * DB_E* code. */
int case_history(struct db *db, int64_t case_id, struct case_event **out,
		 size_t *n);
void case_events_free(struct case_event *ev, size_t n);

/* The actions this actor may take on the case now (state, role, scope
 * and clock preconditions; fields are not judged).  For the buttons of a
 * case page.  0 or < 0 with err; release with action_list_release(). */
int case_available_actions(const struct engine_ctx *ctx, int64_t case_id,
			   struct action_list *out, struct fz_err *err);
void action_list_release(struct action_list *l);
/* Whether the actor may open a case of `procedure`. */
bool case_may_create(const struct engine_ctx *ctx, const char *procedure);

#define CASE_FILTER_PROCS 4

/* Which cases case_list() returns; zero (NULL) members do not filter. */
struct case_filter {
	const char *procedure;
	/* only cases of one of these (unused places NULL) */
	const char *procedures[CASE_FILTER_PROCS];
	int year;
	const char *channel;
	int64_t dept_id;            /* handling or registering department */
	int64_t assignee_id;
	const char *state;
	bool open_only;
	/*
	 * `reach`: only what concerns one member of staff whose roles do
	 * not read every case (see case_may_read()): the cases department
	 * `reach_dept` handles, registered or co-handles (a multiple dept
	 * field names it), those assigned to user `reach_user` or acted on
	 * by them, and those in state `reach_state` (a state in which the
	 * procedure calls on their role).  An id <= 0 or a NULL state
	 * reaches nothing.
	 */
	bool reach;
	int64_t reach_dept, reach_user;
	const char *reach_state;
	int limit;                  /* 0: 100 */
	int offset;
	int64_t *total;             /* not NULL: set to the number of cases
				     * matching, whatever limit and offset */
};

/* Called once per row (newest first), after the query has finished, so
 * the callback may use the database.  A non-zero return stops the walk
 * and is returned; otherwise 0 or a DB_E* code.  Rows come without their
 * fields. */
typedef int (*case_list_fn)(const struct case_info *c, void *arg);
int case_list(struct db *db, const struct case_filter *f, case_list_fn fn,
	      void *arg);

/* Statistics of one procedure's cases registered in `year`, on its
 * primary clock, grouped by `group`: "" (one row), "channel", "category"
 * or "dept" (the handling department's id in decimal; "0" for none).
 * Callback rules as case_list(); DB_EMISUSE for an unknown group or
 * procedure. */
struct engine_stat {
	char key[64];
	int64_t total;              /* cases registered */
	int64_t handled;            /* primary clock stopped by an action */
	int64_t on_time;            /* ... on or before its due day */
	int64_t late;               /* ... after it */
	int64_t open;               /* primary clock running or paused */
	int64_t overdue;            /* ... running and past due on `today` */
};
typedef int (*engine_stat_fn)(const struct engine_stat *s, void *arg);
int engine_stats(struct db *db, const char *procedure, int year,
		 const char *group, cal_day today, engine_stat_fn fn,
		 void *arg);
/* Legal adviser involvements (actions with the legal_review effect)
 * recorded in `year` (China Standard Time), all procedures.  0 or a
 * DB_E* code. */
int engine_legal_reviews(struct db *db, int year, int64_t *n);

#endif
