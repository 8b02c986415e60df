/* desk_case.h: what a case's page and a case in the API look like on
 * every desk built on the case engine
 *
 * The petitions desk (case_page.c, cases_api.c, files_page.c) is the
 * model; the publications desk (src/portal/staff_item.c, staff_api.c)
 * shows its cases the same way.  The frame of the page with the actions
 * open to the user, an action's fold and its form, the history table,
 * a file sent after its view is audited, and in JSON the history, the
 * clocks and the open actions are written here once; what a desk adds
 * comes in through callbacks and parameters.
 */
#ifndef FZ_DESK_CASE_H
#define FZ_DESK_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "engine/engine.h"

struct attach_blob;
struct desk_names;
struct req;

/* ---- the page ---- */

/* What a desk puts on its case page. */
struct desk_page {
	const char *title;
	const char *back, *back_label;  /* a link above everything, or NULL */
	const char *error;              /* a refusal to show, or NULL */
	/* The cards, given the actions open to the user: 0, or a DB_E*
	 * code (the page is then dropped for the store failure). */
	int (*cards)(void *arg, const struct action_list *acts);
	void *arg;
};

/* A term and its description in a <dl>, when there is a description. */
void desk_fact(struct buf *b, const char *dt, const char *dd);

/* The case page of `case_id` for the actor of `e`: the actions open to
 * them (case_available_actions()), the page frame, the link back, the
 * refusal, and the cards.  `status` (200, or the refusal's), or the
 * status of the failure reply already prepared. */
int desk_case_render(struct req *r, const struct engine_ctx *e,
		     int64_t case_id, const struct desk_page *p, int status);

/* The action of path parameter 1 of a case of `w` (may be NULL), or NULL
 * after replying 404 "unknown_action" (also for the create action). */
const struct wf_action *desk_path_action(struct req *r,
					 const struct workflow *w);
/* After action `a` went through: flash "已办理：<label>" and redirect to
 * `location`; returns the redirect's status. */
int desk_acted(struct req *r, const struct wf_action *a,
	       const char *location);

/* The fold of action `a` of case `id`, open when `open`: a <details>
 * with a form posting to "<base>/<id>/actions/<action>" (multipart when
 * `files`) and its CSRF token.  The caller writes the inputs, then
 * closes it with desk_action_end(). */
void desk_action_begin(struct req *r, const char *base, int64_t id,
		       const struct wf_action *a, bool open, bool files);
/* The action's legal basis, its submit button of class `button`
 * ("primary", "danger"), and the end of the fold. */
void desk_action_end(struct buf *b, const struct wf_action *a,
		     const char *button);
/* desk_action_fields() without the field called `skip` (may be NULL),
 * one the desk fills in itself. */
void desk_action_fields_except(struct buf *b, const struct wf_action *a,
			       const char *prefix, json_t *values,
			       const struct desk_names *names,
			       const char *skip);

/* The 办理 card: one fold a action open to the user, written by `form`
 * (0, or a DB_E* code, which ends the card), or a line saying there is
 * none.  0 or that code. */
int desk_actions_card(struct buf *b, const struct action_list *l,
		      int (*form)(void *arg, const struct wf_action *a),
		      void *arg);

/* The 办理过程 card of case `c`: how often a legal adviser was involved,
 * when its procedure calls on one, then a row an event (time, action,
 * who with `names`, state after), its fields written by `fields` into
 * the last cell.  0 or a DB_E* code. */
int desk_history_card(struct req *r, const struct case_info *c,
		      const struct desk_names *names,
		      void (*fields)(void *arg, const struct case_event *ev),
		      void *arg);

/* Send attachment `blob` after recording the view in the audit trail
 * ("attachment.read" on "attachment:<id>", `detail` consumed): every
 * view of a case's file in full is accounted for.  503 when it cannot
 * be recorded. */
int desk_file_send(struct req *r, struct attach_blob *blob, json_t *detail);

/* ---- the API ---- */

/* An instant as ISO 8601 UTC, or null for none (0). */
json_t *desk_time_json(int64_t t);
/* The actions open to the actor of `e` on the case, as [{id, label}]. */
json_t *desk_actions_json(const struct engine_ctx *e, int64_t case_id);
/* The case's events as [{seq, action, label, from, to, actor, at,
 * fields}] (with "legal_review" when `legal`); `fields` (NULL: a copy as
 * stored) gives the fields shown of an event, as a new reference.  null
 * when they cannot be read. */
json_t *desk_history_json(struct db *db, int64_t case_id, bool legal,
			  json_t *(*fields)(const void *arg, json_t *f),
			  const void *arg);
/* The case's clocks as [{id, label, length, started, due, stopped,
 * cancelled}], with `full` also unit, window, paused, paused_days,
 * extensions and extension_days.  null when they cannot be read. */
json_t *desk_clocks_json(struct db *db, const struct case_info *c,
			 bool full);

#endif
