/* staff_item.c: one publication as staff work on it — its metadata,
 * text, attachments, the scanner's findings with the reviewer's
 * decisions, its clock, the actions open to the user, and its history
 *
 * Everything that changes the item goes through pub_act() and
 * pub_resolve() (publication.c); a refusal shows the page again with
 * the reason and what was entered.
 */
#include "http/pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "engine/clock.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/server.h"
#include "petition/desk_case.h"
#include "petition/petition.h"
#include "portal/publication.h"
#include "store/store.h"

#define R(x) ((roleset)1 << (x))
#define CONTEXT_CHARS 12    /* characters shown either side of a finding */

struct view {
	struct req *r;
	struct desk_ctx dc;
	struct pub_env env;
	struct pub_item p;
	struct case_info c;
	struct desk_names names;
	struct pub_catalogue cat;   /* every section, for the history */
	json_t *files;              /* desk_case_files() */
	const char *error;
	const char *failed;         /* the refused action, its values */
	json_t *values;
};

static void view_release(struct view *v)
{
	pub_item_release(&v->p);
	case_info_release(&v->c);
	desk_names_release(&v->names);
	pub_catalogue_release(&v->cat);
	json_decref(v->files);
}

/* 0, or the status of the reply already prepared. */
static int view_load(struct req *r, struct view *v)
{
	struct fz_err err = { 0 };
	int rc;

	memset(v, 0, sizeof(*v));
	v->r = r;
	if (!pub_may_work(r->user->roles))
		return pub_forbidden(r);
	rc = pub_path_item(r, &v->p);
	if (rc)
		return rc;
	pub_env_init(r, &v->dc, &v->env);
	if (case_get(r->db, v->p.case_id, &v->c, &err))
		return req_fail(r, err.status, err.code, "%s", err.msg);
	rc = desk_names_load(r->db, &v->names);
	if (rc == 0)
		rc = pub_catalogue_load(r->db, true, &v->cat);
	return rc < 0 ? req_db_fail(r, rc) : 0;
}

/* ---- facts, text and files ---- */

/* The outbound channels of a comma-separated list by their labels,
 * "县政府网站、园区公众号" (the portal, no channel, left out). */
static void channel_labels(const char *list, struct buf *out)
{
	const char *p = list ? list : "";

	while (*p) {
		size_t n = strcspn(p, ",");
		char *id = xstrndup(p, n);
		const struct pub_channel *ch = pub_channel_find(id);

		if (strcmp(id, "portal"))
			buf_printf(out, "%s%s", out->len ? "、" : "",
				   ch ? ch->label : id);
		free(id);
		p += n + (p[n] == ',');
	}
}

static void channels_dd(struct buf *b, const char *list)
{
	struct buf t = BUF_INIT;

	channel_labels(list, &t);
	html(b, "<dt>发布渠道</dt><dd>本机关门户网站%r%s</dd>",
	     t.len ? "、" : "", buf_cstr(&t));
	buf_release(&t);
}

static void facts_card(struct view *v)
{
	struct buf *b = &v->r->out;
	const struct pub_item *p = &v->p;
	char t[17];

	html(b, "<section class=\"card\" aria-labelledby=\"facts-h\">"
	     "<h2 id=\"facts-h\">基本信息</h2><dl class=\"facts\">");
	desk_fact(b, "索引号", p->index_no);
	html(b, "<dt>状态</dt><dd>");
	pub_state_badge(b, v->c.wf, v->c.state);
	html(b, "</dd>");
	desk_fact(b, "主题分类", p->catalogue_name);
	desk_fact(b, "发布机构", p->publisher);
	desk_fact(b, "生成日期", p->formed_on);
	desk_time(p->published_at, t);
	desk_fact(b, "发布日期", t);
	desk_fact(b, "文号", p->doc_no);
	desk_fact(b, "信息来源", p->source);
	channels_dd(b, p->channels);
	desk_fact(b, "办理编号", v->c.number);
	if (p->withdrawn_at) {
		desk_time(p->withdrawn_at, t);
		desk_fact(b, "撤回时间", t);
		desk_fact(b, "撤回理由", p->withdraw_reason);
	}
	if (p->published_at && !p->withdrawn_at)
		html(b, "<dt>门户网站</dt><dd><a href=\"/gk/i/%s\">查看公开页面"
		     "</a></dd>", p->index_no);
	html(b, "</dl></section>");
}

static void body_card(struct view *v)
{
	struct buf *b = &v->r->out;

	html(b, "<section class=\"card\" aria-labelledby=\"body-h\">"
	     "<h2 id=\"body-h\">正文</h2>");
	if (!v->p.published_at)
		html(b, "<p class=\"muted\">草稿原文。发布时，审查中决定遮盖的"
		     "内容以遮蔽形式公开。</p>");
	desk_paragraphs(b, v->p.body);
	html(b, "</section>");
}

static void file_link(struct view *v, int64_t fid)
{
	char key[24];
	json_t *f;

	snprintf(key, sizeof(key), "%" PRId64, fid);
	f = json_object_get(v->files, key);
	html(&v->r->out, "<a href=\"/publications/%I/files/%I\" download>%s"
	     "</a>", v->p.id, fid, f ? json_string_value(json_object_get(
		     f, "name")) : "（文件已删除）");
}

static void files_card(struct view *v)
{
	struct buf *b = &v->r->out;
	size_t i;

	if (!v->p.nfiles)
		return;
	html(b, "<section class=\"card\" aria-labelledby=\"files-h\">"
	     "<h2 id=\"files-h\">附件</h2><ul class=\"files\">");
	for (i = 0; i < v->p.nfiles; i++) {
		const struct pub_file *f = &v->p.files[i];

		html(b, "<li>附件 %I：", f->id);
		file_link(v, f->id);
		if (f->dropped)
			html(b, " <span class=\"badge badge-muted\">已移除"
			     "</span>");
		else if (f->withheld)
			html(b, " <span class=\"badge badge-warn\">审查决定"
			     "不公开</span>");
		html(b, "</li>");
	}
	html(b, "</ul></section>");
}

/* ---- findings ---- */

/* The text a finding of `source` was found in, while it still is the
 * text of the current round (before publication rewrites it). */
static const char *source_text(const struct view *v, const char *source)
{
	if (strcmp(v->c.state, "in_review") && strcmp(v->c.state, "reviewed")
	    && strcmp(v->c.state, "approved"))
		return NULL;
	if (strcmp(source, "title") == 0)
		return v->p.title;
	if (strcmp(source, "body") == 0)
		return v->p.body;
	if (strcmp(source, "doc_no") == 0)
		return v->p.doc_no;
	if (strcmp(source, "source") == 0)
		return v->p.source;
	return NULL;
}

/* A few characters around the finding, the finding itself masked. */
static void context(struct buf *b, const char *text,
		    const struct pub_finding *f)
{
	size_t n = strlen(text), s = (size_t)f->start, e, a, z;
	int k;

	if (f->start < 0 || f->length <= 0 || s > n ||
	    (size_t)f->length > n - s)
		return;
	e = s + (size_t)f->length;
	for (a = s, k = 0; a > 0 && k < CONTEXT_CHARS; k++)
		for (a--; a > 0 && (text[a] & 0xc0) == 0x80; a--)
			;
	for (z = e, k = 0; z < n && k < CONTEXT_CHARS; k++)
		for (z++; z < n && (text[z] & 0xc0) == 0x80; z++)
			;
	html(b, "<br><span class=\"muted\">上下文：…");
	html_txtn(b, text + a, s - a);
	html(b, "<mark>%s</mark>", f->masked);
	html_txtn(b, text + e, z - e);
	html(b, "…</span>");
}

static void resolve_form(struct view *v, const struct pub_finding *f,
			 size_t k)
{
	struct req *r = v->r;
	bool file = str_starts(f->source, "file:");
	bool red = strcmp(f->resolution, "redacted") == 0;
	bool just = strcmp(f->resolution, "justified") == 0;

	html(&r->out, "<form method=\"post\" action=\"/publications/%I/"
	     "findings/%I\" class=\"form compact\">", v->p.id, f->id);
	html_hidden(&r->out, "csrf", session_csrf(r));
	html(&r->out, "<fieldset><legend>第 %I 项的处理</legend><label "
	     "class=\"check\"><input type=\"radio\" name=\"resolution\" "
	     "value=\"redacted\"%r> %s</label><label class=\"check\"><input "
	     "type=\"radio\" name=\"resolution\" value=\"justified\"%r> "
	     "说明理由后公开</label></fieldset><div class=\"field\"><label "
	     "for=\"reason-%I\">理由</label><input id=\"reason-%I\" "
	     "name=\"reason\" type=\"text\" maxlength=\"%d\" value=\"%s\">"
	     "</div><div class=\"actions\"><button type=\"submit\">保存"
	     "</button></div></form>", (int64_t)k,
	     red || !just ? " checked" : "",
	     file ? "不公开该附件" : "遮盖", just ? " checked" : "", f->id,
	     f->id, PUB_REASON_MAX, f->reason);
}

static void decision(struct view *v, const struct pub_finding *f)
{
	struct buf *b = &v->r->out;
	char t[17];

	if (!*f->resolution) {
		html(b, "<span class=\"badge badge-bad\">未处理</span>");
		return;
	}
	desk_time(f->resolved_at, t);
	html(b, "<span class=\"badge badge-ok\">%s</span> %s（%s）",
	     strcmp(f->resolution, "redacted") ? "说明理由后公开" :
	     str_starts(f->source, "file:") ? "不公开该附件" : "遮盖",
	     desk_user_name(&v->names, f->resolved_by), t);
	if (*f->reason)
		html(b, "<br>理由：%s", f->reason);
}

static void finding_row(struct view *v, const struct pub_finding *f,
			size_t k, bool may_resolve)
{
	struct buf *b = &v->r->out;
	struct buf where = BUF_INIT;
	const char *text = source_text(v, f->source);

	pub_source_label(f->source, &where);
	html(b, "<li><p><strong>%s · %s</strong>：<code>%s</code>",
	     buf_cstr(&where), pub_kind_label(f->kind), f->masked);
	if (str_starts(f->source, "file:")) {
		int64_t fid = 0;

		if (!parse_int64(f->source + 5, 1, INT64_MAX, &fid)) {
			html(b, "<br>");
			file_link(v, fid);
		}
	}
	if (text)
		context(b, text, f);
	html(b, "</p><p>");
	decision(v, f);
	html(b, "</p>");
	if (may_resolve)
		resolve_form(v, f, k);
	html(b, "</li>");
	buf_release(&where);
}

static int findings_card(struct view *v)
{
	struct pub_finding *f = NULL;
	size_t n = 0, i, open = 0;
	bool may = (v->dc.e.roles & R(ROLE_CONF_REVIEWER)) &&
		   strcmp(v->c.state, "in_review") == 0;
	int rc;

	if (!v->p.review_round)
		return 0;
	rc = pub_findings(v->r->db, v->p.id, 0, &f, &n);
	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++)
		open += !*f[i].resolution;
	html(&v->r->out, "<section class=\"card\" id=\"findings\" "
	     "aria-labelledby=\"findings-h\"><h2 id=\"findings-h\">保密审查："
	     "个人信息和敏感词扫描</h2><p>第 %d 轮审查，扫描了标题、文号、信息"
	     "来源、正文和附件文字，发现 <strong>%I</strong> 处，尚未处理 "
	     "<strong>%I</strong> 处。每一处须由保密审查员决定遮盖（公开时"
	     "显示遮蔽形式；附件则不公开）或说明理由后公开，全部处理后才能"
	     "通过审查、批准和发布。</p>", v->p.review_round, (int64_t)n,
	     (int64_t)open);
	if (n) {
		html(&v->r->out, "<ol class=\"findings\">");
		for (i = 0; i < n; i++)
			finding_row(v, &f[i], i + 1, may);
		html(&v->r->out, "</ol>");
	}
	html(&v->r->out, "</section>");
	pub_findings_free(f, n);
	return 0;
}

/* ---- the clock ---- */

static int clock_card(struct view *v)
{
	struct req *r = v->r;
	struct case_clock *k = NULL;
	struct buf ex = BUF_INIT;
	cal_day today = cal_day_of(clock_now());
	size_t n = 0, i;
	int rc = case_clocks(r->db, v->c.id, &k, &n);

	if (rc < 0)
		return rc;
	html(&r->out, "<section class=\"card\" aria-labelledby=\"clock-h\">"
	     "<h2 id=\"clock-h\">公开时限</h2>");
	for (i = 0; i < n; i++) {
		char start[11], due[11];

		cal_format(k[i].started, start);
		cal_format(k[i].due, due);
		html(&r->out, "<p>自生成日期 %s 起 %d 个工作日，应于 <time "
		     "datetime=\"%s\">%s</time> 前公开：", start, k[i].length,
		     due, due);
		if (k[i].cancelled)
			html(&r->out, "已终止（不予公开）");
		else if (k[i].stopped)
			html(&r->out, "%s", k[i].stopped_day <= k[i].due ?
			     "已按期发布" : "已发布，但超过时限");
		else
			html(&r->out, "尚未发布");
		if (!k[i].stopped)
			desk_due_badge(&r->out, server_calendar(r->w->srv),
				       k[i].due, today);
		html(&r->out, "</p>");
		buf_reset(&ex);
		if (case_clock_explain(r->db, server_calendar(r->w->srv),
				       v->c.id, k[i].clock_id, &ex) == 0)
			html(&r->out, "<details><summary>计算说明（跳过的休息日"
			     "和节假日）</summary><pre>%s</pre></details>",
			     buf_cstr(&ex));
	}
	if (!n)
		html(&r->out, "<p class=\"muted\">尚未开始计时。</p>");
	html(&r->out, "</section>");
	buf_release(&ex);
	free(k);
	return 0;
}

/* ---- actions ---- */

static json_t *item_values(const struct view *v)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "title", v->p.title,
			 "catalogue", v->p.catalogue_code, "doc_no",
			 v->p.doc_no, "source", v->p.source, "publisher",
			 v->p.publisher, "channels", v->p.channels, "body",
			 v->p.body);
}

static void drop_boxes(struct view *v)
{
	struct buf *b = &v->r->out;
	size_t i, shown = 0;

	for (i = 0; i < v->p.nfiles; i++) {
		if (v->p.files[i].dropped)
			continue;
		if (!shown++)
			html(b, "<fieldset class=\"field\"><legend>移除附件"
			     "</legend>");
		html(b, "<label class=\"check\"><input type=\"checkbox\" "
		     "name=\"drop_files\" value=\"%I\"> 附件 %I</label>",
		     v->p.files[i].id, v->p.files[i].id);
	}
	if (shown)
		html(b, "</fieldset>");
}

static int revise_inputs(struct view *v, json_t *values)
{
	struct pub_catalogue cat;
	struct pub_settings s;
	json_t *own = values ? NULL : item_values(v);
	int rc = pub_catalogue_load(v->r->db, false, &cat);

	if (rc == 0 && (rc = pub_settings_load(v->r->db, &s)) < 0)
		pub_catalogue_release(&cat);
	if (rc < 0) {
		json_decref(own);
		return rc;
	}
	pub_item_inputs(&v->r->out, "a-revise-", values ? values : own, &cat,
			s.publisher, false);
	drop_boxes(v);
	html(&v->r->out, "<div class=\"field\"><label for=\"a-revise-"
	     "revise_note\">修改说明</label><input id=\"a-revise-revise_note\" "
	     "name=\"revise_note\" type=\"text\" maxlength=\"1000\"></div>");
	pub_settings_release(&s);
	pub_catalogue_release(&cat);
	json_decref(own);
	return 0;
}

static const char *action_note(const char *id)
{
	if (strcmp(id, "submit") == 0)
		return "提交后，系统扫描标题、文号、信息来源、正文和附件中的"
		       "身份证号、电话号码、银行卡号、电子邮箱和敏感词，交保密"
		       "审查员逐项处理。";
	if (strcmp(id, "pass_review") == 0)
		return "扫描结果由系统记入审查记录。";
	if (strcmp(id, "publish") == 0)
		return "发布后，信息出现在门户网站和所选的对外推送渠道；审查中"
		       "决定遮盖的内容以遮蔽形式公开。";
	if (strcmp(id, "withdraw") == 0)
		return "撤回后，门户网站显示撤回说明，对外推送渠道不再包含本条"
		       "信息；办理记录保留。";
	return NULL;
}

static bool danger(const char *id)
{
	return strcmp(id, "withdraw") == 0 || strcmp(id, "drop") == 0 ||
	       str_starts(id, "reject");
}

/* One action's fold (desk_actions_card()); the desk fills in the
 * scanner's result itself. */
static int action_form(void *arg, const struct wf_action *a)
{
	struct view *v = arg;
	struct req *r = v->r;
	bool failed = v->failed && strcmp(v->failed, a->id) == 0;
	json_t *values = failed ? v->values : NULL;
	bool files = strcmp(a->id, "revise") == 0;
	const char *note = action_note(a->id);
	char prefix[WF_ID_MAX + 8];
	int rc = 0;

	snprintf(prefix, sizeof(prefix), "a-%s-", a->id);
	desk_action_begin(r, "/publications", v->p.id, a, failed, files);
	if (note)
		html(&r->out, "<p>%s</p>", note);
	if (files)
		rc = revise_inputs(v, values);
	else
		desk_action_fields_except(&r->out, a, prefix, values,
					  &v->names, "scan_summary");
	desk_action_end(&r->out, a, danger(a->id) ? "danger" : "primary");
	return rc;
}

/* ---- history ---- */

static void event_value(struct view *v, const struct wf_field *f,
			json_t *x)
{
	struct buf *b = &v->r->out;
	const char *s = json_string_value(x);

	if (f && f->type == WF_FILE) {
		html(b, "%I 个文件", (int64_t)json_array_size(x));
	} else if (f && strcmp(f->name, "body") == 0) {
		html(b, "（%I 字）", (int64_t)(s ? utf8_chars(s, strlen(s)) :
					    0));
	} else if (f && strcmp(f->name, "catalogue") == 0) {
		const struct pub_category *c = pub_category_find(&v->cat, 0,
								 s ? s : "");

		html(b, "%s", c ? c->name : s ? s : "");
	} else if (f && strcmp(f->name, "channels") == 0) {
		struct buf t = BUF_INIT;

		channel_labels(s, &t);
		html(b, "%s", t.len ? buf_cstr(&t) : "仅门户网站");
		buf_release(&t);
	} else {
		html(b, "%s", s ? s : "");
	}
}

static void event_fields(void *arg, const struct case_event *ev)
{
	struct view *v = arg;
	const struct workflow *w = v->c.wf;
	size_t i;

	for (i = 0; w && i < w->nfields; i++) {
		json_t *x = json_object_get(ev->fields, w->fields[i].name);

		if (!x)
			continue;
		html(&v->r->out, "<div><span class=\"muted\">%s：</span>",
		     w->fields[i].label);
		event_value(v, &w->fields[i], x);
		html(&v->r->out, "</div>");
	}
}

/* ---- the page ---- */

static int cards(void *arg, const struct action_list *acts)
{
	struct view *v = arg;
	int rc;

	v->files = desk_case_files(v->r, v->c.id);
	facts_card(v);
	rc = findings_card(v);
	if (rc == 0)
		rc = desk_actions_card(&v->r->out, acts, action_form, v);
	body_card(v);
	files_card(v);
	if (rc == 0)
		rc = clock_card(v);
	if (rc == 0)
		rc = desk_history_card(v->r, &v->c, &v->names, event_fields,
				       v);
	return rc;
}

static int view_render(struct view *v, int status)
{
	const struct desk_page page = {
		.title = v->p.title, .back = "/publications",
		.back_label = "返回政务公开", .error = v->error,
		.cards = cards, .arg = v,
	};

	return desk_case_render(v->r, &v->dc.e, v->c.id, &page, status);
}

/* GET /publications/{id} */
int page_publication(struct req *r)
{
	struct view v;
	int status = view_load(r, &v);

	if (status == 0)
		status = view_render(&v, 200);
	view_release(&v);
	return status;
}

/* Show the page again after a refusal: its words, the values entered. */
static int refused(struct view *v, int64_t id, const char *action,
		   json_t *fields, const struct fz_err *err)
{
	struct req *r = v->r;
	struct fz_err e = { 0 };

	if (err->status >= 500)
		return req_fail(r, err->status, err->code, "%s", err->msg);
	/* the page shows the item as it is now */
	pub_item_release(&v->p);
	case_info_release(&v->c);
	if (pub_get(r->db, id, true, &v->p) != 0 ||
	    case_get(r->db, v->p.case_id, &v->c, &e))
		return req_fail(r, 503, "db_unavailable", "数据暂时无法读取");
	v->error = err->msg;
	v->failed = action;
	v->values = fields;
	return view_render(v, err->status ? err->status : 400);
}

/* POST /publications/{id}/actions/{action} */
int page_publication_act(struct req *r)
{
	struct fz_err err = { 0 };
	const struct wf_action *a;
	struct desk_files df;
	struct view v;
	json_t *fields = NULL;
	int64_t id = 0;
	int status = view_load(r, &v);
	char loc[48];

	if (status)
		goto out;
	id = v.p.id;
	a = desk_path_action(r, v.c.wf);
	if (!a) {
		status = 404;
		goto out;
	}
	fields = pub_form_fields(r, a);
	if (desk_files_write(r, a, &df, &err) == 0 &&
	    pub_act(&v.env, id, a->id, fields, &df, &err) == 0) {
		desk_files_release(&df);
		snprintf(loc, sizeof(loc), "/publications/%lld",
			 (long long)id);
		status = desk_acted(r, a, loc);
		goto out;
	}
	desk_files_discard(&df);
	status = refused(&v, id, a->id, fields, &err);
out:
	json_decref(fields);
	view_release(&v);
	return status;
}

/* POST /publications/{id}/findings/{finding}: the reviewer's decision. */
int page_publication_resolve(struct req *r)
{
	struct fz_err err = { 0 };
	struct view v;
	int64_t fid = 0, id = 0;
	int status = view_load(r, &v);
	char loc[64];

	if (status)
		goto out;
	id = v.p.id;
	if (parse_int64(req_path_param(r, 1), 1, INT64_MAX, &fid))
		fz_fail(&err, 404, "not_found", "没有这一扫描发现");
	else if (pub_resolve(&v.env, id, fid, req_form(r, "resolution"),
			     req_form(r, "reason"), &err) == 0) {
		req_flash(r, "已记录处理决定");
		snprintf(loc, sizeof(loc), "/publications/%lld#findings",
			 (long long)id);
		status = req_redirect(r, loc);
		goto out;
	}
	status = refused(&v, id, NULL, NULL, &err);
out:
	view_release(&v);
	return status;
}

/* GET /publications/{id}/files/{file}: a file of the item, to those who
 * work on publications; audited, as any view of a case's file. */
int page_publication_file(struct req *r)
{
	struct pub_item p;
	struct attach_store s;
	struct attach_blob blob = { 0 };
	struct fz_err err = { 0 };
	int64_t fid = 0;
	size_t i;
	int status;

	if (!pub_may_work(r->user->roles))
		return pub_forbidden(r);
	status = pub_path_item(r, &p);
	if (status)
		goto out;
	if (parse_int64(req_path_param(r, 1), 1, INT64_MAX, &fid))
		fid = 0;
	for (i = 0; i < p.nfiles && p.files[i].id != fid; i++)
		;
	attach_store_from_req(r, &s);
	if (i == p.nfiles || attach_open(r->db, &s, fid, &blob, &err)) {
		status = err.status >= 500 && err.status != 503 ?
			 req_fail(r, err.status, err.code, "%s", err.msg) :
			 req_fail(r, 404, "not_found", "没有这个文件");
		goto out;
	}
	status = desk_file_send(r, &blob, json_pack("{s:I,s:I,s:s}",
		"publication", (json_int_t)p.id, "case",
		(json_int_t)p.case_id, "sm3", blob.info.sm3));
out:
	attach_blob_release(&blob);
	pub_item_release(&p);
	return status;
}
