/* workflow.h: procedure definitions — loading, validation and lookup
 *
 * Each statutory procedure is a JSON file under workflows/ (one file per
 * procedure and version): its states, the actions that move a case
 * between them (who may take each, which fields each needs, the article
 * that allows it) and its statutory clocks.  The case engine enforces
 * whatever the definition says; no procedure is written in C.
 *
 * workflows_load() reads every *.json file of a directory, validates each
 * completely and installs the set as the process-wide registry.  After
 * that the definitions are immutable and may be read from any thread.
 * A definition that is wrong in any way stops the load with a message
 * "FILE:LINE: problem".  jansson reports positions for syntax errors
 * only, so for a wrong value the line is found by searching the file text:
 * first the section key ("actions"), then the object ("id": "close" or a
 * field's key), then the offending key and the JSON string of the value
 * after it.  The line is where that search lands, which is the line of the
 * offending value in any ordinary layout; a missing key is reported on
 * the line of its object (or line 1 at the top level).
 *
 * File format (see workflows/petition.json for a complete example):
 *   procedure      [a-z][a-z0-9_]* — the procedure this file defines
 *   version        positive integer; a case keeps the version it began in
 *   title, legal_basis       Chinese title and the citation it rests on
 *   number_format  e.g. "新高信〔{year}〕{seq:4}号": exactly one {year} and
 *                  one {seq} or {seq:N} (zero-padded to N digits, 1..9)
 *   title_field, channel_field, category_field   (optional) fields copied
 *                  into the case row for lists and statistics
 *   read_roles     (optional) roles that may read every case
 *   fields         {name: {type, label, max, min, values, multiple}}
 *                  type: text (max characters, default 2000), int (min,
 *                  max), date (YYYY-MM-DD), enum (values: strings or
 *                  {id, label}), dept (multiple: a list), user, case,
 *                  file (a list of uploaded attachments' ids, at most
 *                  max, default 10; the engine binds them to the case
 *                  and the event that carries them)
 *   states         [{id, label, final}]
 *   actions        [{id, label, from, to, roles, required, optional,
 *                  basis, scope, within, after, effects}]
 *                  from null or "" marks the single create action (a
 *                  list of states, or one state as a string, otherwise); to
 *                  omitted means the case stays where it is; scope is
 *                  "any" (default), "handling" (the actor's department
 *                  must be the case's current department) or "origin"
 *                  (the registering department); within names a window
 *                  clock the action must come inside; after lists window
 *                  clocks that must have run out first (a started,
 *                  unstopped one past its last day); effects:
 *                  legal_review (true: counts as a legal adviser's
 *                  involvement), set_dept / set_assignee / merge_into
 *                  (a field of type dept / user / case), to_origin (true:
 *                  the case goes back to the registering department)
 *   clocks         [{id, label, unit, length, length_by, start,
 *                  start_field, stop, pause, resume, restart, extension,
 *                  basis, window, primary, holiday_shift, late_field}]
 *                  unit "working" or "calendar"; length_by {field,
 *                  values: {enum value: length}} sets the length from an
 *                  enum field of the case; start/stop/pause/resume name
 *                  actions; restart names actions that begin a new
 *                  period of a running or paused clock (a corrected
 *                  application: the limit counts again from its
 *                  receipt); start_field a date field of the start (and
 *                  restart) actions from which the clock runs (default:
 *                  the action's day);
 *                  extension {action, length, max, roles, days_field,
 *                  before_due}; window true for a period that binds the
 *                  other side (not supervised, not in due lists); primary
 *                  true for the clock statistics count on time against;
 *                  holiday_shift false keeps a calendar-day limit that
 *                  ends on a day off where it is (default: moved to the
 *                  next working day, Civil Code Art. 203); late_field a
 *                  text field every stop action offers, which a stop
 *                  after the due day must fill (the reason a reply
 *                  comes late: the limit has run out and was not
 *                  extended, so the lateness is explained and recorded
 *                  rather than passed over in silence)
 *   note, description   free text, ignored
 * Ids match [a-z][a-z0-9_]* (at most 31 bytes); labels of states,
 * actions, fields and clocks are at most 60 bytes (20 Chinese
 * characters), as refusals quote them.  Unknown keys are errors, so a
 * misspelt "required" cannot silently drop a requirement.
 */
#ifndef FZ_WORKFLOW_H
#define FZ_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/roles.h"
#include "calendar/calendar.h"
#include "core/buf.h"
#include "core/util.h"

#define WF_ID_MAX 32        /* ids of states, actions, fields, clocks */

enum wf_type {
	WF_TEXT = 1,
	WF_INT,
	WF_DATE,
	WF_ENUM,
	WF_DEPT,
	WF_USER,
	WF_CASE,
	WF_FILE,
};

enum wf_scope { WF_SCOPE_ANY = 0, WF_SCOPE_HANDLING, WF_SCOPE_ORIGIN };

struct wf_option {
	char *id;
	char *label;
};

struct wf_field {
	char *name;
	char *label;
	enum wf_type type;
	int64_t min, max;           /* int: bounds; text: max characters;
				     * file: max files */
	bool multiple;              /* dept: a list of departments; file:
				     * always (a list of attachment ids) */
	struct wf_option *values;   /* enum */
	size_t nvalues;
};

struct wf_state {
	char *id;
	char *label;
	bool final;
};

struct wf_clock;

struct wf_action {
	char *id;
	char *label;
	bool create;                /* the action that opens a case */
	char **from;                /* state ids */
	size_t nfrom;
	const struct wf_state *to;  /* NULL: the state does not change */
	roleset roles;
	const struct wf_field **required;
	size_t nrequired;
	const struct wf_field **optional;
	size_t noptional;
	char *basis;
	enum wf_scope scope;
	const struct wf_clock *within;
	const struct wf_clock **after;  /* windows that must have run out */
	size_t nafter;
	/* effects */
	bool legal_review;
	bool to_origin;
	const struct wf_field *set_dept;
	const struct wf_field *set_assignee;
	const struct wf_field *merge_into;
};

struct wf_clock {
	char *id;
	char *label;
	char *basis;
	enum cal_unit unit;
	int length;
	const struct wf_field *length_by;   /* enum field, or NULL */
	int *lengths;                       /* per length_by value; 0: length */
	const struct wf_field *start_field; /* date field, or NULL */
	const struct wf_action **start, **stop, **pause, **resume, **restart;
	size_t nstart, nstop, npause, nresume, nrestart;
	const struct wf_action *ext_action; /* NULL: no extension */
	int ext_length;
	int ext_max;
	roleset ext_roles;
	const struct wf_field *ext_days_field;
	bool ext_before_due;
	bool window;
	bool primary;
	bool holiday_shift;
	const struct wf_field *late_field;  /* text, or NULL */
};

struct workflow {
	char *procedure;
	int version;
	char *title;
	char *legal_basis;
	char *number_format;
	char *path;                 /* the file it came from */
	roleset read_roles;
	struct wf_state *states;
	size_t nstates;
	struct wf_field *fields;
	size_t nfields;
	struct wf_action *actions;
	size_t nactions;
	struct wf_clock *clocks;
	size_t nclocks;
	const struct wf_action *create;
	const struct wf_field *title_field, *channel_field, *category_field;
	const struct wf_clock *primary;
};

/* Load and validate every *.json file in `dir` and, when all are valid,
 * make them the registry (replacing an earlier one, whose definitions
 * stay allocated until workflows_unload() so no pointer goes stale).
 * Called at start-up before any thread reads the registry.  On failure
 * the registry is unchanged and err->msg is "FILE:LINE: problem". */
int workflows_load(const char *dir, struct fz_err *err);
/* Free every definition ever loaded (end of process, tests). */
void workflows_unload(void);
/* $FAZHI_WORKFLOWS when set, else <source>/workflows. */
const char *workflows_default_dir(void);

/* A definition by procedure and version; version 0 = the newest.  NULL
 * when none is loaded. */
const struct workflow *workflow_find(const char *procedure, int version);
/* The loaded definitions, in procedure then version order. */
size_t workflow_count(void);
const struct workflow *workflow_at(size_t i);

const struct wf_state *wf_state(const struct workflow *w, const char *id);
const struct wf_action *wf_action(const struct workflow *w, const char *id);
const struct wf_field *wf_field(const struct workflow *w, const char *name);
const struct wf_clock *wf_clock(const struct workflow *w, const char *id);
/* Label of a state id, or the id itself when the definition lacks it. */
const char *wf_state_label(const struct workflow *w, const char *id);
/* Label of an enum value, or the value itself. */
const char *wf_option_label(const struct wf_field *f, const char *id);
/* Whether the action may be taken in state `state`. */
bool wf_action_from(const struct wf_action *a, const char *state);
/* Whether the action names the field among its required or optional. */
bool wf_action_has_field(const struct wf_action *a, const struct wf_field *f);
/* Length of a clock for a case whose fields are `fields` (length_by). */
int wf_clock_length(const struct wf_clock *c, const char *by_value);
/* The names of the roles in `rs`, joined by "或" ("部门负责人或分管领导"). */
void wf_roles_text(roleset rs, struct buf *out);
/* A case number: the format with {year} and {seq:N} filled in. */
void wf_format_number(const struct workflow *w, int year, int64_t seq,
		      struct buf *out);

#endif
