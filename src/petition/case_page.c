/* case_page.c: one case of the desk — facts, petitioner, clocks, actions,
 * history — and the two things done on it: an action, and unmasking
 *
 * A case the user may not read is "not found" (AC-02), whatever its id.
 * The petitioner is masked unless a petition officer or leader (for an
 * application for disclosure: a disclosure officer or leader) asks, with
 * a reason, to see it in full: that view is shown once and audited
 * ("pii.unmask", PI-02, AC-03).  When the case accuses the user's own
 * department its content and petitioner are not shown at all (PI-06).
 * An application for disclosure shows its applicant (a person or an
 * organisation) and what it asks for in the words of its definition.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "engine/clock.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/server.h"
#include "petition/desk_case.h"
#include "petition/petition.h"
#include "store/store.h"

struct view {
	struct req *r;
	struct desk_ctx ctx;
	struct case_info c;
	struct party_row row;
	struct party shown;         /* masked, or in full once */
	struct desk_names names;
	bool hidden;                /* accuses the user's department */
	bool unmasked;
	const char *error;
	const char *failed;         /* the refused action, its values */
	json_t *values;
	json_t *files;              /* desk_case_files() */
};

static void view_release(struct view *v)
{
	case_info_release(&v->c);
	party_row_release(&v->row);
	party_release(&v->shown);
	desk_names_release(&v->names);
	json_decref(v->files);
}

/* Load the case of path parameter 0 for this user: 0, or the status of
 * the reply already prepared (404 for a case they may not read). */
static int view_load(struct req *r, struct view *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	v->r = r;
	rc = desk_case_load(r, &v->ctx, &v->c, &v->row, &v->hidden);
	if (rc)
		return rc;
	rc = desk_names_load(r->db, &v->names);
	return rc < 0 ? req_db_fail(r, rc) : 0;
}

/* Open the petitioner for display: in full when `full`, else masked. */
static int view_open(struct view *v, bool full)
{
	struct party p = { 0 };
	struct fz_err err;
	int rc = 0;

	if (!v->row.found || v->hidden)
		return 0;
	rc = party_open(v->r->w->srv->keyring, &v->row, &p, &err);
	p.org = desk_case_org(&v->c);
	if (full) {
		v->shown = p;
		v->unmasked = true;
		return rc;
	}
	party_masked(&p, &v->shown);
	party_release(&p);
	return rc;
}

/* ---- facts and content ---- */

static const char *field_str(const struct case_info *c, const char *name)
{
	return json_string_value(json_object_get(c->fields, name));
}

/* The case's value of enum field `name` with the field's label, when
 * both are there (the application's applicant type, form, delivery). */
static void enum_fact(struct buf *b, const struct case_info *c,
		      const char *name)
{
	const struct wf_field *f = c->wf ? wf_field(c->wf, name) : NULL;
	const char *v = field_str(c, name);

	if (f && v)
		desk_fact(b, f->label, wf_option_label(f, v));
}

static void facts_card(struct view *v)
{
	struct buf *b = &v->r->out;
	const struct case_info *c = &v->c;
	const struct workflow *w = c->wf;
	char t[17];

	desk_time(c->created_at, t);
	html(b, "<section class=\"card\" aria-labelledby=\"facts-h\">"
	     "<h2 id=\"facts-h\">基本情况</h2><dl class=\"facts\">");
	desk_fact(b, "办理程序", w ? w->title : c->procedure);
	html(b, "<dt>状态</dt><dd>");
	desk_state_badge(b, c);
	html(b, "</dd>");
	desk_fact(b, "标题", c->title);
	desk_fact(b, "来源渠道", desk_channel_label(w, c->channel));
	desk_fact(b, w && w->category_field ? w->category_field->label : "类别",
	     desk_category_label(w, c->category));
	enum_fact(b, c, "applicant_type");
	desk_fact(b, "收件日期", field_str(c, "received_date"));
	enum_fact(b, c, "form");
	enum_fact(b, c, "delivery");
	desk_fact(b, "来文或工单编号", field_str(c, "source_ref"));
	desk_fact(b, "事发地点", field_str(c, "location"));
	desk_fact(b, "登记时间", t);
	desk_fact(b, "登记部门", desk_dept_name(&v->names, c->origin_dept_id));
	desk_fact(b, "承办部门", desk_dept_name(&v->names, c->dept_id));
	desk_fact(b, "承办人", desk_user_name(&v->names, c->assignee_id));
	if (v->row.accused_dept_id)
		desk_fact(b, "被检举单位", desk_dept_name(&v->names,
						      v->row.accused_dept_id));
	if (c->merged_into)
		html(b, "<dt>已合并到</dt><dd><a href=\"/petitions/%I\">"
		     "查看该事项</a></dd>", c->merged_into);
	html(b, "</dl></section>");
}

static void content_card(struct view *v)
{
	struct buf *b = &v->r->out;
	bool ysq = desk_is_disclosure(v->c.procedure);
	const char *content = field_str(&v->c, ysq ? "description" :
					"content");

	html(b, "<section class=\"card\" aria-labelledby=\"content-h\">"
	     "<h2 id=\"content-h\">%s</h2>", ysq ? "所需信息的内容描述" :
	     "事项内容");
	if (v->hidden)
		html(b, "<p class=\"muted\">该事项检举、控告您所在的单位，依照"
		     "《信访工作条例》的规定，内容不向您显示。</p>");
	else
		desk_paragraphs(b, content);
	html(b, "</section>");
}

/* ---- the petitioner ---- */

static void unmask_form(struct view *v)
{
	struct req *r = v->r;
	char action[64];

	snprintf(action, sizeof(action), "/petitions/%lld/unmask",
		 (long long)v->c.id);
	html(&r->out, "<form method=\"post\" action=\"%s\" class=\"form\">",
	     action);
	html_hidden(&r->out, "csrf", session_csrf(r));
	form_text(&r->out, "reason", "查看理由", "", UNMASK_REASON_MAX,
		  " required", "查看完整信息将记入审计日志");
	html(&r->out, "<div class=\"actions\"><button type=\"submit\">"
	     "显示完整信息</button></div></form>");
}

static void party_card(struct view *v)
{
	struct buf *b = &v->r->out;
	const struct party *p = &v->shown;
	const char *sat = v->row.satisfaction;
	const char *who = desk_party_word(v->c.procedure);
	bool org = desk_case_org(&v->c);

	html(b, "<section class=\"card\" aria-labelledby=\"party-h\">"
	     "<h2 id=\"party-h\">%s</h2>", who);
	if (v->hidden) {
		html(b, "<p class=\"muted\">该事项检举、控告您所在的单位，"
		     "%s信息不向您显示。</p></section>", who);
		return;
	}
	if (!v->row.found) {
		html(b, "<p class=\"muted\">未登记%s信息。</p></section>",
		     who);
		return;
	}
	if (v->unmasked)
		html(b, "<p class=\"notice\" role=\"note\">以下为完整信息，"
		     "本次查看已记入审计日志。请勿复制、外传。</p>");
	html(b, "<dl class=\"facts\">");
	desk_fact(b, org ? "名称" : "姓名", p->name);
	desk_fact(b, org ? "统一社会信用代码" : "公民身份号码", p->id_number);
	desk_fact(b, "联系电话", p->phone);
	desk_fact(b, "通讯地址", p->address);
	desk_fact(b, "电子邮箱", p->email);
	if (v->row.online)
		desk_fact(b, "提交方式", "网上提交");
	if (sat && *sat) {
		const struct workflow *h = workflow_find("hotline", 0);
		const struct wf_field *f = h ? wf_field(h, "satisfaction") :
				      NULL;

		desk_fact(b, "群众评价", f ? wf_option_label(f, sat) : sat);
	}
	html(b, "</dl>");
	if (!v->unmasked && desk_may_unmask(v->ctx.e.roles, v->c.procedure))
		unmask_form(v);
	html(b, "</section>");
}

/* ---- clocks ---- */

static const char *clock_state(const struct case_clock *k)
{
	if (k->cancelled)
		return "已终止";
	if (k->stopped)
		return k->stopped_day <= k->due ? "按期完成" : "逾期完成";
	if (k->paused)
		return "已暂停";
	return "计时中";
}

static void clock_row(struct view *v, const struct case_clock *k,
		      cal_day today)
{
	struct req *r = v->r;
	const struct wf_clock *wk = v->c.wf ? wf_clock(v->c.wf, k->clock_id) :
				    NULL;
	struct buf ex = BUF_INIT;
	char start[11], due[11];

	cal_format(k->started, start);
	cal_format(k->due, due);
	html(&r->out, "<tr><th scope=\"row\">%s%r</th><td>%d 个%s</td>"
	     "<td>%s</td><td><time datetime=\"%s\">%s</time>",
	     wk ? wk->label : k->clock_id, k->supervised ? "" :
	     "<br><span class=\"muted\">（提出期限，不督办）</span>", k->length,
	     k->unit == CAL_WORKING_DAYS ? "工作日" : "自然日", start, due,
	     due);
	if (!k->stopped && k->supervised)
		desk_due_badge(&r->out, server_calendar(r->w->srv), k->due,
			       today);
	html(&r->out, "</td><td>%s</td><td>", clock_state(k));
	if (case_clock_explain(r->db, server_calendar(r->w->srv), v->c.id,
			       k->clock_id, &ex) == 0) {
		html(&r->out, "<details><summary>计算说明</summary>"
		     "<pre>%s</pre></details>", buf_cstr(&ex));
	}
	html(&r->out, "</td></tr>");
	buf_release(&ex);
}

static int clocks_card(struct view *v)
{
	static const char *const cols[] = {
		"期限", "时限", "起算日", "到期日", "状态", "说明", NULL,
	};
	struct case_clock *k = NULL;
	cal_day today = cal_day_of(clock_now());
	size_t n = 0, i;
	int rc = case_clocks(v->r->db, v->c.id, &k, &n);

	if (rc < 0)
		return rc;
	html(&v->r->out, "<section class=\"card\" aria-labelledby=\"clocks-h\">"
	     "<h2 id=\"clocks-h\">办理期限</h2>");
	html_table_wrap(&v->r->out, "clocks-h");
	html(&v->r->out, "<table class=\"data\">");
	table_head(&v->r->out, cols);
	for (i = 0; i < n; i++)
		clock_row(v, &k[i], today);
	table_end(&v->r->out, cols, n, "尚未开始计时");
	html(&v->r->out, "</section>");
	free(k);
	return 0;
}

static int reminder_li(const struct reminder *rm, void *arg)
{
	struct buf *b = arg;
	char d[11], t[17];

	cal_format(rm->due, d);
	desk_time(rm->created_at, t);
	html(b, "<li><span class=\"badge badge-bad\">督办</span> %s已于 %s "
	     "到期（%s 提醒）</li>", rm->clock_label, d, t);
	return 0;
}

static int reminders_card(struct view *v)
{
	struct buf list = BUF_INIT;
	int rc = engine_reminders(v->r->db, v->c.id, 0, 0, reminder_li, &list);

	if (rc >= 0 && list.len)
		html(&v->r->out, "<section class=\"card\" aria-labelledby="
		     "\"sup-h\"><h2 id=\"sup-h\">督办</h2><ul>%r</ul>"
		     "</section>", buf_cstr(&list));
	buf_release(&list);
	return rc < 0 ? rc : 0;
}

/* ---- history ---- */

static void value_html(struct view *v, const struct wf_field *f, json_t *x)
{
	struct buf *b = &v->r->out;
	json_t *e;
	size_t i;

	if (!f) {
		html(b, "%s", json_string_value(x));
		return;
	}
	switch (f->type) {
	case WF_ENUM:
		html(b, "%s", wf_option_label(f, json_string_value(x)));
		break;
	case WF_DEPT:
		if (json_is_array(x)) {
			json_array_foreach(x, i, e)
				html(b, "%r%s", i ? "、" : "",
				     desk_dept_name(&v->names,
						    json_integer_value(e)));
		} else {
			html(b, "%s", desk_dept_name(&v->names,
						     json_integer_value(x)));
		}
		break;
	case WF_USER:
		html(b, "%s", desk_user_name(&v->names, json_integer_value(x)));
		break;
	case WF_CASE:
		html(b, "<a href=\"/petitions/%I\">事项 %I</a>",
		     (int64_t)json_integer_value(x),
		     (int64_t)json_integer_value(x));
		break;
	case WF_INT:
		html(b, "%I", (int64_t)json_integer_value(x));
		break;
	case WF_FILE:
		json_array_foreach(x, i, e) {
			html(b, "%r", i ? "；" : "");
			desk_file_link(b, v->c.id, v->files,
				       json_integer_value(e));
		}
		break;
	default:
		html(b, "%s", json_string_value(x));
	}
}

static void event_field(struct view *v, const struct wf_field *f,
			const char *key, json_t *x)
{
	html(&v->r->out, "<div><span class=\"muted\">%s：</span>",
	     f ? f->label : key);
	if (v->hidden && (strcmp(key, "content") == 0 ||
			  (f && f->type == WF_FILE)))
		html(&v->r->out, "（已隐藏）");
	else
		value_html(v, f, x);
	html(&v->r->out, "</div>");
}

/* The event's fields in the order the definition lists them. */
static void event_fields(void *arg, const struct case_event *ev)
{
	struct view *v = arg;
	const struct workflow *w = v->c.wf;
	const char *key;
	json_t *x;
	size_t i;

	if (!w) {
		json_object_foreach(ev->fields, key, x)
			event_field(v, NULL, key, x);
		return;
	}
	for (i = 0; i < w->nfields; i++) {
		x = json_object_get(ev->fields, w->fields[i].name);
		if (x)
			event_field(v, &w->fields[i], w->fields[i].name, x);
	}
}

/* ---- duplicates and actions ---- */

static const struct wf_action *available(const struct action_list *l,
					 const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i]->id, id) == 0)
			return l->v[i];
	return NULL;
}

static void merge_button(struct view *v, int64_t target)
{
	struct req *r = v->r;

	html(&r->out, "<form method=\"post\" action=\"/petitions/%I/actions/"
	     "merge\" class=\"inline\">", v->c.id);
	html_hidden(&r->out, "csrf", session_csrf(r));
	html(&r->out, "<input type=\"hidden\" name=\"duplicate_of\" "
	     "value=\"%I\"><input type=\"hidden\" name=\"merge_note\" "
	     "value=\"重复件合并\"><button type=\"submit\">并入该事项"
	     "</button></form>", target);
}

static const char *dup_reason(const char *why)
{
	if (strcmp(why, "phone") == 0)
		return "同一联系电话";
	if (strcmp(why, "id_number") == 0)
		return "同一身份号码";
	return "标题相近";
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* One possible duplicate, with a button to merge this case into it when
 * the procedure allows (same procedure, merge open to the user). */
static void dup_row(struct view *v, json_t *d, bool merge)
{
	const char *proc = jstr(d, "procedure");
	const struct workflow *w = workflow_find(proc, 0);
	int64_t id = json_integer_value(json_object_get(d, "id"));

	html(&v->r->out, "<tr><th scope=\"row\"><a href=\"/petitions/%I\">%s"
	     "</a></th><td class=\"wrap\">%s</td><td>%s</td><td>%s</td><td>",
	     id, jstr(d, "number"), jstr(d, "title"),
	     w ? wf_state_label(w, jstr(d, "state")) : "",
	     dup_reason(jstr(d, "why")));
	if (merge && strcmp(proc, v->c.procedure) == 0)
		merge_button(v, id);
	html(&v->r->out, "</td></tr>");
}

static int duplicates_card(struct view *v, const struct action_list *acts)
{
	static const char *const cols[] = {
		"编号", "标题", "状态", "相同之处", "操作", NULL,
	};
	char ph[65], id[65];
	json_t *dups = NULL, *d;
	bool merge = available(acts, "merge") != NULL;
	size_t i;
	int rc;

	if (v->c.final || v->hidden)
		return 0;
	rc = party_indexes(v->r->db, v->c.id, ph, id);
	if (rc == 0)
		rc = party_duplicates(v->r->db, v->c.id, ph, id, v->c.title,
				      &dups);
	if (rc < 0)
		return rc;
	if (json_array_size(dups)) {
		html(&v->r->out, "<section class=\"card\" aria-labelledby="
		     "\"dup-h\"><h2 id=\"dup-h\">可能重复的在办事项</h2>");
		html_table_wrap(&v->r->out, "dup-h");
		html(&v->r->out, "<table class=\"data\">");
		table_head(&v->r->out, cols);
		json_array_foreach(dups, i, d)
			dup_row(v, d, merge);
		table_end(&v->r->out, cols, json_array_size(dups), "");
		html(&v->r->out, "</section>");
	}
	json_decref(dups);
	return 0;
}

static int action_form(void *arg, const struct wf_action *a)
{
	struct view *v = arg;
	struct req *r = v->r;
	bool failed = v->failed && strcmp(v->failed, a->id) == 0;
	json_t *values = failed ? v->values : NULL, *own = NULL;
	char prefix[WF_ID_MAX + 8];

	snprintf(prefix, sizeof(prefix), "a-%s-", a->id);
	if (!values && strcmp(a->id, "callback") == 0 &&
	    v->row.satisfaction && *v->row.satisfaction)
		values = own = json_pack("{s:s}", "satisfaction",
					 v->row.satisfaction);
	desk_action_begin(r, "/petitions", v->c.id, a, failed,
			  desk_action_has_files(a));
	desk_action_fields(&r->out, a, prefix, values, &v->names);
	desk_action_end(&r->out, a, "primary");
	json_decref(own);
	return 0;
}

/* ---- the page ---- */

static int cards(void *arg, const struct action_list *acts)
{
	struct view *v = arg;
	int rc;

	facts_card(v);
	content_card(v);
	v->files = desk_case_files(v->r, v->c.id);
	desk_files_card(&v->r->out, &v->c, v->files, v->hidden);
	party_card(v);
	rc = clocks_card(v);
	if (rc == 0)
		rc = reminders_card(v);
	if (rc == 0)
		rc = duplicates_card(v, acts);
	if (rc == 0)
		rc = desk_actions_card(&v->r->out, acts, action_form, v);
	if (rc == 0)
		rc = desk_history_card(v->r, &v->c, &v->names, event_fields,
				       v);
	return rc;
}

static int view_render(struct view *v, int status)
{
	const struct desk_page page = {
		.title = v->c.number, .error = v->error, .cards = cards,
		.arg = v,
	};

	return desk_case_render(v->r, &v->ctx.e, v->c.id, &page, status);
}

/* GET /petitions/{id}: the case page, the petitioner masked. */
int page_petition_case(struct req *r)
{
	struct view v;
	int status = view_load(r, &v);

	if (status == 0) {
		view_open(&v, false);
		status = view_render(&v, 200);
	}
	view_release(&v);
	return status;
}

/* Whether the user may still see the case after acting on it (a legal
 * adviser's part ends with the opinion, but they acted on it). */
static bool still_readable(struct view *v)
{
	struct case_info c;
	struct fz_err err;
	bool ok = case_get(v->r->db, v->c.id, &c, &err) == 0 &&
		  desk_may_read(&v->ctx.e, &c);

	case_info_release(&c);
	return ok;
}

/* POST /petitions/{id}/actions/{action}: take the action with the form's
 * fields; a refusal shows the case again with the engine's words and the
 * values entered (its status: 400, 403 or 409). */
int page_petition_act(struct req *r)
{
	struct fz_err err = { 0 };
	const struct wf_action *a;
	struct view v;
	json_t *fields = NULL;
	int status = view_load(r, &v);
	char loc[48];

	if (status)
		goto out;
	a = desk_path_action(r, v.c.wf);
	if (!a) {
		status = 404;
		goto out;
	}
	fields = desk_form_fields(r, a);
	if (desk_act(r, &v.ctx.e, v.c.id, a, fields, &err) == 0) {
		snprintf(loc, sizeof(loc), "/petitions/%lld",
			 (long long)v.c.id);
		status = desk_acted(r, a, still_readable(&v) ? loc :
				    "/petitions");
		goto out;
	}
	if (err.status >= 500) {
		status = req_fail(r, err.status, err.code, "%s", err.msg);
		goto out;
	}
	v.error = err.msg;
	v.failed = a->id;
	v.values = fields;
	view_open(&v, false);
	status = view_render(&v, err.status ? err.status : 400);
out:
	json_decref(fields);
	view_release(&v);
	return status;
}

/* POST /petitions/{id}/unmask: with a reason, show the petitioner in
 * full on this one reply and record who saw what and why. */
int page_petition_unmask(struct req *r)
{
	struct fz_err err = { 0 };
	struct view v;
	int status = view_load(r, &v);
	int rc;

	if (status)
		goto out;
	rc = party_unmask(r, &v.ctx.e, &v.c, &v.row, req_form(r, "reason"),
			  &err);
	if (rc < 0) {
		status = req_db_fail(r, rc);
	} else if (rc && err.status == 400) {
		v.error = err.msg;
		view_open(&v, false);
		status = view_render(&v, 400);
	} else if (rc) {
		status = req_fail(r, err.status, err.code, "%s", err.msg);
	} else if (view_open(&v, true)) {
		status = req_fail(r, 500, "pii_tamper", "个人信息无法解密");
	} else {
		status = view_render(&v, 200);
	}
out:
	view_release(&v);
	return status;
}
