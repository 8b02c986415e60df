/* ysq_pages.c: applications for government information online (依申请公开)
 *
 * No login.  A citizen, or a legal person or other organisation, applies
 * with what Art. 29 of the OGI regulation asks for: name, identity
 * document (a resident identity number, or an organisation's unified
 * social credit code checked with its check character), contact, a
 * description of the information, and the form and way of delivery.
 * The application opens a case of the "disclosure" procedure through the
 * same engine action the disclosure officer takes for a letter or a
 * visit (the petitions desk's intake, the applicant sealed in its
 * `petitioner` table), in the office of the disclosure officers; the
 * receipt date is the day of submission, which the confirmation page
 * states (Art. 31).  The applicant gets the application's number and a
 * query code, shown once and kept only hashed.  With the code and the
 * last four digits of the phone they follow it: state, the reply's due
 * date and how it was counted, a correction asked for, an extension,
 * and at the end the reply and its files, which they may download —
 * the reply's files only, never the application's.  Submissions and
 * look-ups are rate-limited per address (WB-08).
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "crypto/crypto.h"
#include "engine/clock.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "http/server.h"
#include "petition/petition.h"
#include "portal/portal_ui.h"
#include "store/store.h"

#define PROC "disclosure"
#define SENT_COOKIE "fz_ysq_sent"

#define MSG_NOT_FOUND "未查到对应的申请。请核对查询码和手机号码后四位。"

/* The pages are the public's: they open in the portal's frame, under its
 * navigation item 依申请公开.  A page that shows an applicant's own case
 * is kept out of search engines. */
static void ysq_begin(struct req *r, const char *title, bool personal)
{
	portal_begin(r, &(struct portal_page){ .title = title,
		     .nav = "/ysq/new", .noindex = personal });
}

static const struct workflow *ysq_workflow(void)
{
	return workflow_find(PROC, 0);
}

/* ---- the application form ---- */

static void applicant_radio(struct buf *b, const char *value,
			    const char *label, const char *cur)
{
	html(b, "<label class=\"check\"><input type=\"radio\" "
	     "name=\"applicant\" id=\"applicant-%s\" value=\"%s\" "
	     "required%r> %s</label>", value, value,
	     strcmp(value, cur) == 0 ? " checked" : "", label);
}

/* The kinds of organisation of the definition's applicant_type: the
 * columns of the national annual report's table. */
static void org_select(struct buf *b, const struct workflow *w,
		       const char *cur)
{
	const struct wf_field *f = wf_field(w, "applicant_type");
	size_t i;

	html(b, "<div class=\"field\"><label for=\"org_type\">法人或其他组织"
	     "类型</label><select id=\"org_type\" name=\"org_type\" "
	     "aria-describedby=\"org_type-hint\">");
	html_option(b, "", "请选择", !*cur);
	for (i = 0; f && i < f->nvalues; i++)
		if (strcmp(f->values[i].id, "natural") != 0)
			html_option(b, f->values[i].id, f->values[i].label,
				    strcmp(cur, f->values[i].id) == 0);
	html(b, "</select><p class=\"muted\" id=\"org_type-hint\">申请人为"
	     "法人或其他组织时选择</p></div>");
}

/* The information asked for, drawn from the create action's own fields
 * (labels, limits and options as the definition has them). */
static void information_inputs(struct req *r, const struct workflow *w)
{
	static const char *const names[] = {
		"title", "description", "form", "delivery", "attachments",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const struct wf_field *f = wf_field(w, names[i]);
		json_t *v;

		if (!f)
			continue;
		v = json_string(req_posted(r, names[i]));
		desk_field_input(&r->out, f, f->type != WF_FILE, "", v, NULL);
		json_decref(v);
		if (strcmp(names[i], "description") == 0)
			html(&r->out, "<p class=\"muted\">请写明文件名称、文号"
			     "或者便于查找的其他特征性描述。</p>");
	}
}

static int render_new(struct req *r, const char *error, int status)
{
	const struct workflow *w = ysq_workflow();
	struct buf *b = &r->out;
	const char *kind = req_posted(r, "applicant");

	if (!w)
		return req_fail(r, 503, "unavailable", "暂不受理网上申请");
	ysq_begin(r, "政府信息公开申请", false);
	html(b, "<p class=\"lead\">公民、法人或者其他组织可以在这里向新昌高新"
	     "园区管理委员会申请获取政府信息（《中华人民共和国政府信息公开"
	     "条例》第二十七条、第二十九条）。提交后请保存页面显示的申请编号"
	     "和查询码，凭查询码和手机号码后四位查询办理进度和答复。</p>");
	form_begin_files(r, "/ysq/new", error);
	html(b, "<p class=\"muted\">标 * 的为必填项。</p>"
	     "<fieldset><legend>申请人类型（必填）</legend>");
	applicant_radio(b, "natural", "自然人", kind);
	applicant_radio(b, "org", "法人或其他组织", kind);
	org_select(b, w, req_posted(r, "org_type"));
	html(b, "</fieldset><fieldset><legend>申请人信息</legend>");
	party_inputs(b, r, PARTY_FORM_APPLICANT_ONLINE);
	html(b, "</fieldset><fieldset><legend>所需政府信息</legend>");
	information_inputs(r, w);
	html(b, "</fieldset><p class=\"muted\">您的个人信息仅用于办理本申请，"
	     "加密保存，工作人员页面上只显示遮蔽后的内容。申请不收取费用"
	     "（《政府信息公开条例》第四十二条）。</p><div class=\"actions\">"
	     "<button type=\"submit\" class=\"primary\">提交申请</button>"
	     "<a href=\"/ysq/query\">查询办理进度</a></div></form>");
	portal_end(r);
	return status;
}

/* GET /ysq/new: the online application form. */
int page_ysq_new(struct req *r)
{
	return render_new(r, NULL, 200);
}

/* ---- applying ---- */

/* The applicant type the form names: "natural" or a kind of
 * organisation of the definition; NULL with err filled when none is
 * chosen. */
static const char *applicant_type(struct req *r, const struct workflow *w,
				  struct fz_err *err)
{
	const struct wf_field *f = wf_field(w, "applicant_type");
	const char *kind = req_form_str(r, "applicant");
	const char *org = req_form_str(r, "org_type");

	if (strcmp(kind, "natural") == 0)
		return "natural";
	if (strcmp(kind, "org") != 0) {
		fz_fail(err, 400, "field_required", "请选择申请人类型：自然人，"
			"或者法人或其他组织");
		return NULL;
	}
	if (!f || !*org || strcmp(org, "natural") == 0 ||
	    strcmp(wf_option_label(f, org), org) == 0) {
		fz_fail(err, 400, "field_required", "请选择法人或其他组织的"
			"类型（商业企业、科研机构、社会公益组织、法律服务机构"
			"或其他）");
		return NULL;
	}
	return org;
}

/* Art. 29: who applies, how to reach them, and how the reply reaches
 * them; then party_check() judges the values themselves. */
static int applicant_check(struct req *r, struct party *p,
			   struct fz_err *err)
{
	const char *delivery = req_form_str(r, "delivery");

	if (!*p->name || strspn(p->name, " \t\r\n") == strlen(p->name))
		return fz_fail(err, 400, "party_invalid", p->org ?
			       "请填写法人或其他组织的名称" :
			       "请填写申请人姓名");
	if (!*p->id_number || strspn(p->id_number, " \t") ==
	    strlen(p->id_number))
		return fz_fail(err, 400, "party_invalid", p->org ?
			       "请填写统一社会信用代码" :
			       "请填写公民身份号码");
	if (!*p->phone || strspn(p->phone, " \t") == strlen(p->phone))
		return fz_fail(err, 400, "party_invalid", "请填写联系电话");
	if (party_check(p, true, err))
		return FZ_ERR;
	if (strcmp(delivery, "email") == 0 && !*p->email)
		return fz_fail(err, 400, "party_invalid", "选择以电子邮件获取"
			       "的，请填写电子邮箱");
	if (strcmp(delivery, "mail") == 0 && !*p->address)
		return fz_fail(err, 400, "party_invalid", "选择邮寄的，请填写"
			       "通讯地址");
	return 0;
}

/* The create action's fields: what was posted of the information asked
 * for (a missing one is the engine's to refuse), the applicant type,
 * the channel, and today as the receipt date (Art. 31: for an
 * application over the internet, the day both sides confirm it, which
 * is the confirmation page's). */
static json_t *apply_fields(struct req *r, const char *type)
{
	static const char *const names[] = {
		"title", "description", "form", "delivery",
	};
	json_t *o = json_object();
	char today[11];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (*req_form_str(r, names[i]))
			json_object_set_new(o, names[i],
					    json_string(req_form_str(r, names[i])));
	desk_today(today);
	json_object_set_new(o, "channel", json_string("online"));
	json_object_set_new(o, "applicant_type", json_string(type));
	json_object_set_new(o, "received_date", json_string(today));
	return o;
}

static int apply_done(struct req *r, struct intake *in, int rc)
{
	if (rc && in->err.status >= 400 && in->err.status < 500)
		return render_new(r, in->err.msg, in->err.status);
	if (rc)
		return intake_fail(r, in, rc);
	desk_sent_set(r, SENT_COOKIE, in->id, in->code);
	return req_redirect(r, "/ysq/done");
}

/* The intake of a checked application: sealed applicant, query code,
 * uploads written.  NULL with err filled. */
static struct intake *apply_intake(struct req *r, const struct workflow *w,
				   const struct party *p, int64_t dept,
				   struct fz_err *err)
{
	struct intake *in = intake_new();

	if (party_seal(r->w->srv->keyring, p, &in->party, err) ||
	    query_code_new(r->w->srv->keyring, in->code, in->party.query_hash,
			   in->party.query_index)) {
		intake_free(in);
		fz_fail(err, 500, "pii_seal", "提交失败，请稍后再试");
		return NULL;
	}
	if (desk_files_write(r, w->create, &in->files, err)) {
		intake_free(in);
		return NULL;
	}
	desk_ctx_public(r, NULL, w, dept, &in->ctx);
	in->w = w;
	in->with_party = true;
	in->party.online = true;
	return in;
}

/* POST /ysq/new: open the application in the disclosure office and show
 * its number and query code once (after a redirect).  429 when this
 * address applies too often; bad input re-renders the form (400) and
 * stores nothing. */
int page_ysq_submit(struct req *r)
{
	const struct workflow *w = ysq_workflow();
	struct fz_err err = { 0 };
	struct party p = { 0 };
	struct intake *in;
	const char *type;
	char key[80];
	int64_t dept = 0;
	int rc;

	snprintf(key, sizeof(key), "ysq:%s", r->ip);
	if (!ratelimit_take(RL_SUBMIT, key)) {
		desk_throttled(r, RL_SUBMIT, key, "从您所在的网络地址提交"
			       "过于频繁，");
		return render_new(r, r->err.msg, 429);
	}
	if (!w)
		return req_fail(r, 503, "unavailable", "暂不受理网上申请");
	type = applicant_type(r, w, &err);
	party_from_form(r, &p);
	p.org = type && strcmp(type, "natural") != 0;
	if (!type || applicant_check(r, &p, &err)) {
		party_release(&p);
		return render_new(r, err.msg, err.status >= 500 ? 500 :
				  err.status);
	}
	rc = desk_intake_dept(r->db, PROC, &dept);
	if (rc) {
		party_release(&p);
		return rc < 0 ? req_db_fail(r, rc) :
			req_fail(r, 503, "unavailable", "暂不受理网上申请，"
				 "请以信函或当面提出申请");
	}
	in = apply_intake(r, w, &p, dept, &err);
	party_release(&p);
	if (!in)
		return err.status >= 500 ? req_fail(r, err.status, err.code,
						    "%s", err.msg) :
			render_new(r, err.msg, err.status);
	in->fields = apply_fields(r, type);
	return intake_submit(r, in, apply_done);
}

/* ---- the reply's due date, for the applicant ---- */

/* The primary clock ("reply") of the case, if it has started: 1 with *k
 * filled, 0 when none, or a DB_E* code. */
static int reply_clock(struct db *db, const struct case_info *c,
		       struct case_clock *k)
{
	struct case_clock *v = NULL;
	size_t n = 0, i;
	int rc = case_clocks(db, c->id, &v, &n), found = 0;

	if (rc < 0)
		return rc;
	for (i = 0; i < n && c->wf && c->wf->primary; i++)
		if (strcmp(v[i].clock_id, c->wf->primary->id) == 0) {
			*k = v[i];
			found = 1;
		}
	free(v);
	return found;
}

/* The latest date a field of action `action` carried in the history, or
 * NULL (borrowed from `ev`). */
static const char *event_date(const struct case_event *ev, size_t n,
			      const char *action, const char *field)
{
	const char *d = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ev[i].action, action) == 0 &&
		    json_string_value(json_object_get(ev[i].fields, field)))
			d = json_string_value(json_object_get(ev[i].fields,
							      field));
	return d;
}

static void due_fact(struct req *r, const struct case_info *c,
		     const struct case_clock *k)
{
	struct buf *b = &r->out;
	char d[11];

	cal_format(k->due, d);
	if (k->stopped) {
		html(b, "<dt>答复期限</dt><dd><time datetime=\"%s\">%s</time>"
		     "（%s）</dd>", d, d, k->cancelled ? "已终止" :
		     k->stopped_day <= k->due ? "已按期答复" : "逾期答复");
		return;
	}
	html(b, "<dt>答复期限</dt><dd>");
	if (k->paused && strcmp(c->state, "correcting") == 0)
		html(b, "待补正，暂停计时：收到补正后的申请之日起重新计算 20 个"
		     "工作日");
	else if (k->paused)
		html(b, "<time datetime=\"%s\">%s</time> 前（征求第三方意见，"
		     "暂停计时，所需时间不计算在答复期限内，期限随之顺延）", d, d);
	else
		html(b, "<time datetime=\"%s\">%s</time> 前", d, d);
	html(b, "</dd>");
}

/* How the due date was counted: the engine's explanation (days counted
 * and skipped and why, pauses, extensions) and, after a correction, the
 * new start. */
static void due_explained(struct req *r, const struct case_info *c,
			  const struct case_clock *k, const char *corrected)
{
	struct buf ex = BUF_INIT;

	if (case_clock_explain(r->db, server_calendar(r->w->srv), c->id,
			       k->clock_id, &ex) != 0) {
		buf_release(&ex);
		return;
	}
	html(&r->out, "<details class=\"explain\"><summary>期限如何计算"
	     "</summary>");
	if (corrected)
		html(&r->out, "<p>已于 %s 收到补正后的申请，答复期限自该日起"
		     "重新计算（《政府信息公开条例》第三十条、第三十三条）。"
		     "</p>", corrected);
	html(&r->out, "<pre>%s</pre></details>", buf_cstr(&ex));
	buf_release(&ex);
}

/* ---- following an application ---- */

static int render_query(struct req *r, const char *error, int status)
{
	bool post = r->method == HM_POST;

	ysq_begin(r, "政府信息公开申请查询", false);
	form_begin(r, "/ysq/query", error);
	form_text(&r->out, "code", "查询码", post ? req_form_str(r, "code") : "",
		  20, " required autocomplete=\"off\" "
		  "autocapitalize=\"characters\" spellcheck=\"false\"",
		  "提交申请时页面显示的12位查询码");
	form_text(&r->out, "last4", "手机号码后四位", post ?
		  req_form_str(r, "last4") : "", 4, " required "
		  "inputmode=\"numeric\" pattern=\"[0-9]{4}\" "
		  "autocomplete=\"off\"",
		  "申请时所填联系电话的后四位");
	html(&r->out, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">查询</button><a href=\"/ysq/new\">我要申请"
	     "</a></div></form>");
	portal_end(r);
	return status;
}

/* GET /ysq/query: the look-up form. */
int page_ysq_query_form(struct req *r)
{
	return render_query(r, NULL, 200);
}

static const char *field_str(const struct case_info *c, const char *name)
{
	return json_string_value(json_object_get(c->fields, name));
}

static void fact(struct buf *b, const char *dt, const char *dd)
{
	if (dd && *dd)
		html(b, "<dt>%s</dt><dd>%s</dd>", dt, dd);
}

static void enum_fact(struct buf *b, const struct case_info *c,
		      const char *name)
{
	const struct wf_field *f = c->wf ? wf_field(c->wf, name) : NULL;
	const char *v = field_str(c, name);

	if (f && v)
		fact(b, f->label, wf_option_label(f, v));
}

/* The facts of the application, its state and the reply's due date. */
static int status_card(struct req *r, const struct case_info *c,
		       const struct case_event *ev, size_t nev)
{
	struct buf *b = &r->out;
	struct case_clock k;
	const char *first = event_date(ev, nev, "register", "received_date");
	const char *corrected = event_date(ev, nev, "receive_correction",
					   "received_date");
	int rc = reply_clock(r->db, c, &k);

	if (rc < 0)
		return rc;
	html(b, "<section class=\"card\" aria-labelledby=\"status-h\">"
	     "<h2 id=\"status-h\">办理情况</h2><dl class=\"facts\">");
	fact(b, "申请编号", c->number);
	fact(b, "所需信息", c->title);
	enum_fact(b, c, "applicant_type");
	fact(b, "收到申请日期", first);
	fact(b, "收到补正日期", corrected);
	html(b, "<dt>当前状态</dt><dd>");
	desk_state_badge(b, c);
	html(b, "</dd>");
	if (rc == 1)
		due_fact(r, c, &k);
	html(b, "</dl>");
	if (rc == 1)
		due_explained(r, c, &k, corrected);
	html(b, "</section>");
	return 0;
}

/* A notice of the procedure the applicant must know: a correction asked
 * for (with what and by when), an extension, a consultation, the end. */
static void notices(struct req *r, const struct case_info *c)
{
	struct buf *b = &r->out;
	const char *s;

	if (strcmp(c->state, "correcting") == 0) {
		html(b, "<section class=\"card\" aria-labelledby=\"fix-h\">"
		     "<h2 id=\"fix-h\">补正告知</h2>");
		desk_paragraphs(b, field_str(c, "correction_note"));
		if (json_is_integer(json_object_get(c->fields,
						    "correction_days")))
			html(b, "<p>请自收到本告知之日起 %I 日内补正；无正当"
			     "理由逾期不补正的，视为放弃申请（《政府信息公开"
			     "条例》第三十条）。</p>", (int64_t)json_integer_value(
				     json_object_get(c->fields,
						     "correction_days")));
		html(b, "</section>");
	}
	if ((s = field_str(c, "extension_reason")) != NULL) {
		html(b, "<section class=\"card\" aria-labelledby=\"ext-h\">"
		     "<h2 id=\"ext-h\">延长答复期限</h2>");
		desk_paragraphs(b, s);
		html(b, "<p class=\"muted\">经政府信息公开工作机构负责人同意，"
		     "答复期限延长 %I 个工作日（《政府信息公开条例》第三十三条"
		     "第二款）。</p></section>", (int64_t)json_integer_value(
			     json_object_get(c->fields, "extension_days")));
	}
	if (strcmp(c->state, "consulting") == 0)
		html(b, "<p class=\"notice\" role=\"note\">您申请的信息可能"
		     "涉及第三方合法权益，我们正在书面征求第三方意见。征求意见"
		     "所需时间不计算在答复期限内。</p>");
	if (strcmp(c->state, "abandoned") == 0 &&
	    (s = field_str(c, "abandon_note")) != NULL) {
		html(b, "<section class=\"card\" aria-labelledby=\"end-h\">"
		     "<h2 id=\"end-h\">视为放弃申请</h2>");
		desk_paragraphs(b, s);
		html(b, "</section>");
	}
	if (strcmp(c->state, "withdrawn") == 0)
		html(b, "<p>本申请已由申请人撤回。</p>");
}

/* A button that downloads reply file `id` (the code and digits go with
 * it: the applicant is known by nothing else). */
static void file_button(struct req *r, json_t *files, int64_t id)
{
	char key[24];
	json_t *f;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	f = json_object_get(files, key);
	if (!f)
		return;
	html(&r->out, "<li><form method=\"post\" action=\"/ysq/query/file\" "
	     "class=\"inline\">");
	html_hidden(&r->out, "csrf", session_csrf(r));
	html_hidden(&r->out, "code", req_form_str(r, "code"));
	html_hidden(&r->out, "last4", req_form_str(r, "last4"));
	html(&r->out, "<input type=\"hidden\" name=\"file\" value=\"%I\">"
	     "<button type=\"submit\">下载：%s</button> <span class=\"muted\">"
	     "（%I KB）</span></form></li>", id,
	     json_string_value(json_object_get(f, "name")),
	     (int64_t)((json_integer_value(json_object_get(f, "size")) +
			1023) / 1024));
}

static void reply_card(struct req *r, const struct case_info *c)
{
	struct buf *b = &r->out;
	const char *text = desk_reply_text(c);
	json_t *ids = json_object_get(c->fields, "reply_files"), *e;
	json_t *files;
	size_t i;

	if (!text)
		return;
	html(b, "<section class=\"card\" aria-labelledby=\"reply-h\">"
	     "<h2 id=\"reply-h\">答复</h2><dl class=\"facts\">");
	enum_fact(b, c, "reply_type");
	html(b, "</dl>");
	desk_paragraphs(b, text);
	if (json_array_size(ids)) {
		files = desk_case_files(r, c->id);
		html(b, "<h3>答复文书及所提供的信息</h3><ul class=\"files\">");
		json_array_foreach(ids, i, e)
			file_button(r, files, json_integer_value(e));
		html(b, "</ul>");
		json_decref(files);
	}
	html(b, "<p class=\"muted\">对答复不服的，可以依法申请行政复议或者"
	     "提起行政诉讼（《政府信息公开条例》第五十一条）。</p></section>");
}

static int render_status(struct req *r, int64_t id)
{
	struct case_info c = { 0 };
	struct case_event *ev = NULL;
	struct fz_err err = { 0 };
	size_t nev = 0;
	int rc = case_get(r->db, id, &c, &err);

	if (rc == 0)
		rc = case_history(r->db, id, &ev, &nev);
	if (rc) {
		case_info_release(&c);
		return err.status ? req_fail(r, err.status, err.code, "%s",
					     err.msg) : req_db_fail(r, rc);
	}
	req_set_header(r, "Cache-Control", "no-store");
	ysq_begin(r, "申请办理进度", true);
	rc = status_card(r, &c, ev, nev);
	if (rc == 0) {
		notices(r, &c);
		reply_card(r, &c);
		html(&r->out, "<div class=\"actions\"><a href=\"/ysq/query\">"
		     "查询其他申请</a></div>");
	}
	portal_end(r);
	case_events_free(ev, nev);
	case_info_release(&c);
	if (rc < 0) {
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	return 200;
}

/* Resolve the form's code and digits: 0 with *id set, or the status of
 * the reply prepared.  A miss, and a look-up refused because this
 * address asks or fails too often, show the form again with the
 * reason, so that the applicant knows when to try again. */
static int lookup(struct req *r, int64_t *id)
{
	int rc = desk_code_lookup(r, true, id);

	if (rc == 1)
		return render_query(r, MSG_NOT_FOUND, 404);
	if (rc == 429)
		return render_query(r, r->err.msg, 429);
	return rc;
}

/* POST /ysq/query: the state, due date and reply of the application the
 * code and digits open. */
int page_ysq_query(struct req *r)
{
	int64_t id = 0;
	int rc = lookup(r, &id);

	return rc ? rc : render_status(r, id);
}

/* Whether `fid` is among the reply's files of case `c`. */
static bool is_reply_file(const struct case_info *c, int64_t fid)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(c->fields, "reply_files"), i, e)
		if (json_integer_value(e) == fid)
			return true;
	return false;
}

/* The reply file the form names, once the reply is out, to the holder
 * of the code and digits; audited ("attachment.read"). */
static int send_reply_file(struct req *r, int64_t id)
{
	struct case_info c = { 0 };
	struct attach_store s;
	struct attach_blob blob = { 0 };
	struct fz_err err = { 0 };
	int64_t fid = 0;
	char obj[48];
	int status;

	if (parse_int64(req_form_str(r, "file"), 1, INT64_MAX, &fid) ||
	    case_get(r->db, id, &c, &err) || !desk_reply_out(&c) ||
	    !is_reply_file(&c, fid)) {
		case_info_release(&c);
		return req_fail(r, 404, "not_found", "没有这个文件");
	}
	case_info_release(&c);
	attach_store_from_req(r, &s);
	if (attach_open(r->db, &s, fid, &blob, &err) ||
	    blob.info.case_id != id ||
	    strcmp(blob.info.field ? blob.info.field : "", "reply_files")) {
		status = err.status >= 500 && err.status != 503 ?
			 req_fail(r, err.status, err.code, "%s", err.msg) :
			 req_fail(r, 404, "not_found", "没有这个文件");
		attach_blob_release(&blob);
		return status;
	}
	snprintf(obj, sizeof(obj), "attachment:%lld", (long long)fid);
	if (audit_req_tx(r, "attachment.read", obj, "success", json_pack(
		"{s:I,s:s,s:s}", "case", (json_int_t)id, "sm3", blob.info.sm3,
		"via", "query_code")) < 0)
		status = req_fail(r, 503, "audit_unavailable", "暂时无法下载，"
				  "请稍后再试");
	else
		status = attach_send(r, &blob);
	attach_blob_release(&blob);
	return status;
}

/* POST /ysq/query/file: download a file of the reply. */
int page_ysq_file(struct req *r)
{
	int64_t id = 0;
	int rc = lookup(r, &id);

	return rc ? rc : send_reply_file(r, id);
}

/* ---- the confirmation ---- */

static void done_facts(struct req *r, const struct case_info *c,
		       const char *code)
{
	struct buf *b = &r->out;
	struct case_clock k;
	char due[11];

	html(b, "<div class=\"card\" role=\"status\"><p>您的政府信息公开申请"
	     "已提交，我们将依法办理并答复。</p><dl class=\"facts\">"
	     "<dt>申请编号</dt><dd><strong id=\"case-number\">%s</strong>"
	     "</dd><dt>查询码</dt><dd><strong class=\"secret\" "
	     "id=\"query-code\">%s</strong></dd>", c->number, code);
	fact(b, "收到申请日期", field_str(c, "received_date"));
	if (reply_clock(r->db, c, &k) == 1 && !k.stopped) {
		cal_format(k.due, due);
		html(b, "<dt>答复期限</dt><dd><time datetime=\"%s\">%s</time> "
		     "前（自收到申请之日起 20 个工作日；需要补正的，自收到"
		     "补正后的申请之日起计算）</dd>", due, due);
	}
	html(b, "</dl><p class=\"notice\" role=\"note\">请抄写或截图保存"
	     "查询码：关闭本页后不再显示。凭查询码和手机号码后四位可以查询"
	     "办理进度和答复。</p><p><a href=\"/ysq/query\">查询办理进度</a>"
	     "</p></div>");
}

/* GET /ysq/done: what was just submitted, its number and its code. */
int page_ysq_done(struct req *r)
{
	struct case_info c = { 0 };
	struct fz_err err;
	char code[QUERY_CODE_LEN + 1];
	int64_t id = 0;

	req_set_header(r, "Cache-Control", "no-store");
	if (desk_sent_get(r, SENT_COOKIE, &id, code) ||
	    case_get(r->db, id, &c, &err) || !desk_is_disclosure(c.procedure)) {
		case_info_release(&c);
		ysq_begin(r, "提交确认", true);
		html(&r->out, "<div class=\"card\"><p>这里没有待显示的提交"
		     "确认：确认信息只在提交后的半小时内、在提交所用的浏览器上"
		     "显示。</p><p><a href=\"/ysq/query\">查询办理进度</a> · "
		     "<a href=\"/ysq/new\">提交新的申请</a></p></div>");
		portal_end(r);
		return 200;
	}
	ysq_begin(r, "申请已提交", true);
	done_facts(r, &c, code);
	portal_end(r);
	case_info_release(&c);
	crypto_cleanse(code, sizeof(code));
	return 200;
}
