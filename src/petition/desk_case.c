/* desk_case.c: the frame of a case's page and of a case in the API,
 * shared by the desks built on the case engine
 *
 * See desk_case.h.  Everything here is the same for every procedure;
 * what a desk shows of its own (the petitioner, the scanner's findings,
 * how a field's value reads) stays with the desk.
 */
#include "petition/desk_case.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/session.h"
#include "core/clock.h"
#include "engine/clock.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "petition/petition.h"

/* ---- the page ---- */

void desk_fact(struct buf *b, const char *dt, const char *dd)
{
	if (dd && *dd)
		html(b, "<dt>%s</dt><dd>%s</dd>", dt, dd);
}

int desk_case_render(struct req *r, const struct engine_ctx *e,
		     int64_t case_id, const struct desk_page *p, int status)
{
	struct action_list acts = { 0 };
	struct fz_err err = { 0 };
	int rc = case_available_actions(e, case_id, &acts, &err);

	if (rc)
		return req_fail(r, err.status ? err.status : 500, err.code,
				"%s", err.msg);
	page_begin(r, p->title);
	if (p->back)
		html(&r->out, "<p><a href=\"%s\">%s</a></p>", p->back,
		     p->back_label);
	page_alert(&r->out, NULL, p->error);
	rc = p->cards(p->arg, &acts);
	page_end(r);
	action_list_release(&acts);
	if (rc < 0) {
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	return status;
}

const struct wf_action *desk_path_action(struct req *r,
					 const struct workflow *w)
{
	const struct wf_action *a = w ? wf_action(w, req_path_param(r, 1)) :
				    NULL;

	if (a && !a->create)
		return a;
	req_fail(r, 404, "unknown_action", "没有这一操作");
	return NULL;
}

int desk_acted(struct req *r, const struct wf_action *a,
	       const char *location)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "已办理：%s", a->label);
	req_flash(r, msg);
	return req_redirect(r, location);
}

void desk_action_begin(struct req *r, const char *base, int64_t id,
		       const struct wf_action *a, bool open, bool files)
{
	html(&r->out, "<details class=\"action\"%r><summary>%s</summary>"
	     "<form method=\"post\" action=\"%s/%I/actions/%s\" "
	     "class=\"form\"%r>", open ? " open" : "", a->label, base, id,
	     a->id, files ? " enctype=\"multipart/form-data\"" : "");
	html_hidden(&r->out, "csrf", session_csrf(r));
}

void desk_action_end(struct buf *b, const struct wf_action *a,
		     const char *button)
{
	if (a->basis)
		html(b, "<p class=\"muted\">依据：%s</p>", a->basis);
	html(b, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"%s\">%s</button></div></form></details>", button,
	     a->label);
}

int desk_actions_card(struct buf *b, const struct action_list *l,
		      int (*form)(void *arg, const struct wf_action *a),
		      void *arg)
{
	size_t i;
	int rc = 0;

	html(b, "<section class=\"card\" aria-labelledby=\"act-h\">"
	     "<h2 id=\"act-h\">办理</h2>");
	if (!l->n)
		html(b, "<p class=\"muted\">您当前没有可办理的操作。</p>");
	for (i = 0; rc == 0 && i < l->n; i++)
		rc = form(arg, l->v[i]);
	html(b, "</section>");
	return rc;
}

/* ---- history ---- */

static const char *actor_name(const struct desk_names *names,
			      const struct case_event *ev)
{
	const char *name = desk_user_name(names, ev->actor_id);

	if (!ev->actor || !*ev->actor || strcmp(ev->actor, "anonymous") == 0)
		return "公众（网上提交）";
	if (strcmp(ev->actor, "system") == 0)
		return "系统";
	return *name ? name : ev->actor;
}

/* Whether the procedure has an action that involves a legal adviser. */
static bool calls_legal_adviser(const struct workflow *w)
{
	size_t i;

	for (i = 0; w && i < w->nactions; i++)
		if (w->actions[i].legal_review)
			return true;
	return false;
}

int desk_history_card(struct req *r, const struct case_info *c,
		      const struct desk_names *names,
		      void (*fields)(void *arg, const struct case_event *ev),
		      void *arg)
{
	static const char *const cols[] = {
		"时间", "操作", "办理人", "办理后状态", "内容", NULL,
	};
	const struct workflow *w = c->wf;
	struct case_event *ev = NULL;
	size_t n = 0, i, legal = 0;
	int rc = case_history(r->db, c->id, &ev, &n);

	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++)
		legal += ev[i].legal_review;
	html(&r->out, "<section class=\"card\" aria-labelledby=\"hist-h\">"
	     "<h2 id=\"hist-h\">办理过程</h2>");
	if (calls_legal_adviser(w))
		html(&r->out, "<p>法律顾问介入 <strong>%d</strong> 次。</p>",
		     (int)legal);
	html_table_wrap(&r->out, "hist-h");
	html(&r->out, "<table class=\"data\">");
	table_head(&r->out, cols);
	for (i = 0; i < n; i++) {
		char t[17];

		desk_time(ev[i].at, t);
		html(&r->out, "<tr><td>%s</td><th scope=\"row\">%s%r</th>"
		     "<td>%s</td><td>%s</td><td class=\"wrap\">", t,
		     ev[i].label, ev[i].legal_review ? " <span class=\"badge"
		     "\">法律顾问</span>" : "", actor_name(names, &ev[i]),
		     w ? wf_state_label(w, ev[i].to_state) : ev[i].to_state);
		fields(arg, &ev[i]);
		html(&r->out, "</td></tr>");
	}
	table_end(&r->out, cols, n, "暂无记录");
	html(&r->out, "</section>");
	case_events_free(ev, n);
	return 0;
}

/* ---- files ---- */

int desk_file_send(struct req *r, struct attach_blob *blob, json_t *detail)
{
	char obj[48];

	snprintf(obj, sizeof(obj), "attachment:%" PRId64, blob->info.id);
	if (audit_req_tx(r, "attachment.read", obj, "success", detail) < 0)
		return req_fail(r, 503, "audit_unavailable", "无法记录本次"
				"查看，请稍后再试");
	return attach_send(r, blob);
}

/* ---- the API ---- */

json_t *desk_time_json(int64_t t)
{
	char s[21];

	if (t <= 0)
		return json_null();
	clock_iso_utc(t, s);
	return json_string(s);
}

json_t *desk_actions_json(const struct engine_ctx *e, int64_t case_id)
{
	struct action_list l = { 0 };
	struct fz_err err;
	json_t *a = json_array();
	size_t i;

	if (case_available_actions(e, case_id, &l, &err) == 0)
		for (i = 0; i < l.n; i++)
			json_array_append_new(a, json_pack("{s:s,s:s}", "id",
				l.v[i]->id, "label", l.v[i]->label));
	action_list_release(&l);
	return a;
}

json_t *desk_history_json(struct db *db, int64_t case_id, bool legal,
			  json_t *(*fields)(const void *arg, json_t *f),
			  const void *arg)
{
	struct case_event *ev = NULL;
	size_t n = 0, i;
	json_t *a;

	if (case_history(db, case_id, &ev, &n) < 0)
		return json_null();
	a = json_array();
	for (i = 0; i < n; i++) {
		json_t *f = fields ? fields(arg, ev[i].fields) :
			    ev[i].fields ? json_incref(ev[i].fields) :
			    json_object();
		json_t *o = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:o,s:o}",
				      "seq", ev[i].seq, "action",
				      ev[i].action, "label", ev[i].label,
				      "from", ev[i].from_state, "to",
				      ev[i].to_state, "actor", ev[i].actor ?
				      ev[i].actor : "", "at",
				      desk_time_json(ev[i].at), "fields", f);

		if (o && legal)
			json_object_set_new(o, "legal_review",
					    json_boolean(ev[i].legal_review));
		json_array_append_new(a, o);
	}
	case_events_free(ev, n);
	return a;
}

/* What the API of the petitions desk adds to a clock. */
static void clock_details(json_t *o, const struct case_clock *k)
{
	json_object_set_new(o, "unit", json_string(k->unit ==
		CAL_WORKING_DAYS ? "working" : "calendar"));
	json_object_set_new(o, "window", json_boolean(!k->supervised));
	json_object_set_new(o, "paused", json_boolean(k->paused));
	json_object_set_new(o, "paused_days", json_integer(k->paused_days));
	json_object_set_new(o, "extensions", json_integer(k->extensions));
	json_object_set_new(o, "extension_days",
			    json_integer(k->extension_days));
}

json_t *desk_clocks_json(struct db *db, const struct case_info *c,
			 bool full)
{
	struct case_clock *k = NULL;
	size_t n = 0, i;
	json_t *a;

	if (case_clocks(db, c->id, &k, &n) < 0)
		return json_null();
	a = json_array();
	for (i = 0; i < n; i++) {
		const struct wf_clock *wk = c->wf ?
			wf_clock(c->wf, k[i].clock_id) : NULL;
		char start[11], due[11];
		json_t *o;

		cal_format(k[i].started, start);
		cal_format(k[i].due, due);
		o = json_pack("{s:s,s:s,s:i,s:s,s:s,s:b,s:b}", "id",
			      k[i].clock_id, "label", wk ? wk->label : "",
			      "length", k[i].length, "started", start, "due",
			      due, "stopped", k[i].stopped, "cancelled",
			      k[i].cancelled);
		if (o && full)
			clock_details(o, &k[i]);
		json_array_append_new(a, o);
	}
	free(k);
	return a;
}
