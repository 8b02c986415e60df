/* public_pages.c: citizens submit online and follow their case
 *
 * No login.  A submission opens a petition (网上信访) or a hotline ticket
 * through the same engine action staff use, registered in the petition
 * office; the citizen gets the case number and a query code, shown once
 * and kept only hashed.  With the code and the last four digits of their
 * phone they see the status, the due date, at the end the reply, and may
 * rate it once.  Submissions are rate-limited per address (WB-08), and so
 * are look-ups, whose failures all read alike and soon meet a 429.  The
 * confirmation cookie and the look-up are shared with the pages of the
 * applications for disclosure (ogi/ysq_pages.c), which keep their cases
 * apart: a code opens a case only on the pages of its own kind.
 */
#include "http/pages.h"

#include <stdio.h>
#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "http/server.h"
#include "petition/petition.h"
#include "portal/portal_ui.h"
#include "store/store.h"

#define TITLE_MAX_CHARS 100
#define CONTENT_MAX_CHARS 5000

#define MSG_NOT_FOUND "未查到对应的事项。请核对查询码和手机号码后四位。"

/* The pages are the public's: they open in the portal's frame, under
 * navigation item `nav`.  A page that shows a citizen's own case is kept
 * out of search engines. */
static void public_begin(struct req *r, const char *title, const char *nav,
			 bool personal)
{
	portal_begin(r, &(struct portal_page){ .title = title, .nav = nav,
		     .noindex = personal });
}

static const struct wf_field *request_types(void)
{
	const struct workflow *h = workflow_find("hotline", 0);

	return h ? wf_field(h, "request_type") : NULL;
}

/* Close a form with its submit button and a link beside it, then the
 * page; returns `status`. */
static int form_end(struct req *r, const char *button, const char *href,
		    const char *link, int status)
{
	html(&r->out, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">%s</button><a href=\"%s\">%s</a></div>"
	     "</form>", button, href, link);
	portal_end(r);
	return status;
}

/* ---- the submission form ---- */

static void kind_radio(struct buf *b, const char *value, const char *label,
		       const char *cur)
{
	html(b, "<label class=\"check\"><input type=\"radio\" name=\"kind\" "
	     "id=\"kind-%s\" value=\"%s\"%r> %s</label>", value, value,
	     strcmp(value, cur) == 0 ? " checked" : "", label);
}

static void type_select(struct buf *b, const char *cur)
{
	const struct wf_field *f = request_types();
	size_t i;

	html(b, "<div class=\"field\"><label for=\"request_type\">诉求类型"
	     "</label><select id=\"request_type\" name=\"request_type\" "
	     "aria-describedby=\"request_type-hint\">");
	html_option(b, "", "请选择", !*cur);
	for (i = 0; f && i < f->nvalues; i++)
		html_option(b, f->values[i].id, f->values[i].label,
			    strcmp(cur, f->values[i].id) == 0);
	html(b, "</select><p class=\"muted\" id=\"request_type-hint\">选择"
	     "“12345热线诉求”时填写</p></div>");
}

static int render_new(struct req *r, const char *error, int status)
{
	struct buf *b = &r->out;
	bool post = r->method == HM_POST;
	const char *kind = post ? req_form_str(r, "kind") : "petition";

	public_begin(r, "网上信访和12345热线诉求", "/petition/new", false);
	html(b, "<p class=\"lead\">您可以在这里向新昌高新园区提出信访事项或"
	     "12345热线诉求。提交后请保存页面显示的事项编号和查询码，凭查询码"
	     "和手机号码后四位查询办理进度和答复。</p>");
	form_begin_files(r, "/petition/new", error);
	html(b, "<p class=\"muted\">除注明“选填”的以外，各项均须填写。</p>"
	     "<fieldset><legend>提交方式</legend>");
	kind_radio(b, "petition", "网上信访（书面信访事项）", kind);
	kind_radio(b, "hotline", "12345热线诉求（咨询、求助、投诉、举报、建议）",
		   kind);
	html(b, "</fieldset>");
	type_select(b, post ? req_form_str(r, "request_type") : "");
	form_text(b, "title", "标题", post ? req_form_str(r, "title") : "",
		  TITLE_MAX_CHARS, " required", NULL);
	html(b, "<div class=\"field\"><label for=\"content\">内容</label>"
	     "<textarea id=\"content\" "
	     "name=\"content\" rows=\"8\" maxlength=\"%d\" required "
	     "aria-describedby=\"content-hint\">%s</textarea>"
	     "<p class=\"muted\" id=\"content-hint\">请写明请求、事实和理由。</p></div>",
	     CONTENT_MAX_CHARS, post ? req_form_str(r, "content") : "");
	html(b, "<div class=\"field\"><label for=\"attachments\">材料（选填）"
	     "</label><input id=\"attachments\" name=\"attachments\" "
	     "type=\"file\" multiple accept=\"%s\" "
	     "aria-describedby=\"attachments-hint\"><p class=\"muted\" "
	     "id=\"attachments-hint\">如有书面材料或照片，可一并提交。%s。"
	     "</p></div>", attach_accept(), attach_hint());
	html(b, "<fieldset><legend>您的信息</legend>");
	party_inputs(b, r, PARTY_FORM_ONLINE);
	html(b, "</fieldset><p class=\"muted\">您的个人信息仅用于办理本事项，"
	     "加密保存，工作人员页面上只显示遮蔽后的内容。</p>");
	return form_end(r, "提交", "/petition/query", "查询办理进度", status);
}

/* GET /petition/new: the online form. */
int page_public_new(struct req *r)
{
	return render_new(r, NULL, 200);
}

/* ---- submitting ---- */

/*
 * The confirmation is a page of its own (post/redirect/get), so that
 * reloading it cannot send the form again and open a second case.  The
 * case and its query code reach it in a short-lived cookie of this
 * browser (HttpOnly, SameSite=Strict): it shows its holder only what
 * they have just sent, and goes with the browser session or in half an
 * hour.
 */
#define SENT_COOKIE "fz_sent"
#define SENT_SECONDS 1800

void desk_sent_set(struct req *r, const char *name, int64_t id,
		   char code[QUERY_CODE_LEN + 1])
{
	char v[64];

	snprintf(v, sizeof(v), "%lld.%s", (long long)id, code);
	req_set_cookie(r, name, v, SENT_SECONDS);
	crypto_cleanse(code, QUERY_CODE_LEN + 1);
	crypto_cleanse(v, sizeof(v));
}

int desk_sent_get(struct req *r, const char *name, int64_t *id,
		  char code[QUERY_CODE_LEN + 1])
{
	const char *v = req_cookie(r, name), *dot;
	char num[24];

	if (!v || !(dot = strchr(v, '.')) || (size_t)(dot - v) >= sizeof(num) ||
	    strlen(dot + 1) != QUERY_CODE_LEN)
		return -1;
	memcpy(num, v, (size_t)(dot - v));
	num[dot - v] = '\0';
	/* the characters a query code is made of (query_code_new()) */
	if (parse_int64(num, 1, INT64_MAX, id) ||
	    strspn(dot + 1, "23456789ABCDEFGHJKMNPQRSTUVWXYZ") !=
	    QUERY_CODE_LEN)
		return -1;
	memcpy(code, dot + 1, QUERY_CODE_LEN + 1);
	return 0;
}

static int submit_done(struct req *r, struct intake *in, int rc)
{
	if (rc && in->err.status >= 400 && in->err.status < 500)
		return render_new(r, in->err.msg, in->err.status);
	if (rc)
		return intake_fail(r, in, rc);
	desk_sent_set(r, SENT_COOKIE, in->id, in->code);
	return req_redirect(r, "/petition/done");
}

/* GET /petition/done: what was just submitted, its number and its code. */
int page_public_done(struct req *r)
{
	struct buf *b = &r->out;
	struct case_info c = { 0 };
	struct fz_err err;
	char code[QUERY_CODE_LEN + 1];
	int64_t id = 0;

	req_set_header(r, "Cache-Control", "no-store");
	if (desk_sent_get(r, SENT_COOKIE, &id, code) ||
	    case_get(r->db, id, &c, &err) || desk_is_disclosure(c.procedure)) {
		case_info_release(&c);
		public_begin(r, "提交确认", "/petition/new", true);
		html(b, "<div class=\"card\"><p>这里没有待显示的提交确认：确认"
		     "信息只在提交后的半小时内、在提交所用的浏览器上显示。</p>"
		     "<p><a href=\"/petition/query\">查询办理进度</a> · <a "
		     "href=\"/petition/new\">提交新的诉求</a></p></div>");
		portal_end(r);
		return 200;
	}
	public_begin(r, "已提交", "/petition/new", true);
	html(b, "<div class=\"card\" role=\"status\"><p>您的%s已提交，我们将"
	     "依法办理并答复。</p><dl class=\"facts\"><dt>事项编号</dt>"
	     "<dd><strong id=\"case-number\">%s</strong></dd><dt>查询码</dt>"
	     "<dd><strong class=\"secret\" id=\"query-code\">%s</strong>"
	     "</dd></dl><p class=\"notice\" role=\"note\">请抄写或截图保存"
	     "查询码：关闭本页后不再显示。凭查询码和手机号码后四位可以查询"
	     "办理进度和答复。</p><p><a href=\"/petition/query\">查询办理进度"
	     "</a></p></div>", strcmp(c.procedure, "hotline") == 0 ?
	     "12345热线诉求" : "信访事项", c.number, code);
	portal_end(r);
	case_info_release(&c);
	crypto_cleanse(code, sizeof(code));
	return 200;
}

static int check_text(struct req *r, const char *key, const char *label,
		      size_t max, struct fz_err *err)
{
	const char *s = req_form_str(r, key);
	size_t n = utf8_chars(s, strlen(s));

	if (!n || strspn(s, " \t\r\n") == strlen(s))
		return fz_fail(err, 400, "field_required", "请填写%s", label);
	if (n > max)
		return fz_fail(err, 400, "field_invalid", "%s不能超过 %zu 个字",
			       label, max);
	return 0;
}

/* The create action's fields for the chosen kind of submission. */
static json_t *submit_fields(struct req *r, bool hotline)
{
	char today[11];

	if (hotline)
		return json_pack("{s:s,s:s,s:s,s:s}", "request_type",
				 req_form_str(r, "request_type"), "channel", "web",
				 "title", req_form_str(r, "title"), "content",
				 req_form_str(r, "content"));
	desk_today(today);
	return json_pack("{s:s,s:s,s:s,s:s}", "channel", "online", "title",
			 req_form_str(r, "title"), "content",
			 req_form_str(r, "content"), "received_date", today);
}

static int submit_check(struct req *r, bool *hotline, struct party *p,
			struct fz_err *err)
{
	const char *kind = req_form_str(r, "kind");
	const struct wf_field *types = request_types();

	*hotline = strcmp(kind, "hotline") == 0;
	if (!*hotline && strcmp(kind, "petition") != 0)
		return fz_fail(err, 400, "field_required", "请选择提交方式");
	if (*hotline && (!types || !*req_form_str(r, "request_type") ||
			 !wf_option_label(types, req_form_str(r, "request_type"))))
		return fz_fail(err, 400, "field_required", "请选择诉求类型");
	if (check_text(r, "title", "标题", TITLE_MAX_CHARS, err) ||
	    check_text(r, "content", "内容", CONTENT_MAX_CHARS, err))
		return FZ_ERR;
	party_from_form(r, p);
	if (party_check(p, true, err))
		return FZ_ERR;
	if (!*p->phone)
		return fz_fail(err, 400, "party_invalid", "请填写联系电话");
	return 0;
}

/* POST /petition/new: open the case in the petition office and show its
 * number and query code once.  429 when this address submits too often;
 * bad input re-renders the form (400) and opens nothing. */
int page_public_submit(struct req *r)
{
	struct fz_err err = { 0 };
	struct party p = { 0 };
	const struct workflow *w;
	struct intake *in;
	bool hotline = false;
	int64_t dept = 0;
	int rc;

	if (!ratelimit_take(RL_SUBMIT, r->ip)) {
		desk_throttled(r, RL_SUBMIT, r->ip, "从您所在的网络地址提交"
			       "过于频繁，");
		return render_new(r, r->err.msg, 429);
	}
	if (submit_check(r, &hotline, &p, &err)) {
		party_release(&p);
		return render_new(r, err.msg, err.status);
	}
	w = workflow_find(hotline ? "hotline" : "petition", 0);
	rc = desk_intake_dept(r->db, w ? w->procedure : "petition", &dept);
	if (rc < 0 || !w) {
		party_release(&p);
		return rc < 0 ? req_db_fail(r, rc) :
			req_fail(r, 503, "unavailable", "暂不受理网上提交");
	}
	if (rc == 1) {
		party_release(&p);
		return req_fail(r, 503, "unavailable", "暂不受理网上提交，"
				"请来信或来电");
	}
	in = intake_new();
	rc = party_seal(r->w->srv->keyring, &p, &in->party, &err);
	party_release(&p);
	if (rc || query_code_new(r->w->srv->keyring, in->code,
				 in->party.query_hash,
				 in->party.query_index)) {
		intake_free(in);
		return req_fail(r, 500, "pii_seal", "提交失败，请稍后再试");
	}
	if (desk_files_write(r, w->create, &in->files, &err)) {
		intake_free(in);
		return render_new(r, err.msg, err.status);
	}
	desk_ctx_public(r, NULL, w, dept, &in->ctx);
	in->w = w;
	in->fields = submit_fields(r, hotline);
	in->with_party = true;
	in->party.online = true;
	return intake_submit(r, in, submit_done);
}

/* ---- following a case ---- */

static void query_fields(struct buf *b, struct req *r)
{
	bool post = r->method == HM_POST;

	form_text(b, "code", "查询码", post ? req_form_str(r, "code") : "", 20,
		  " required autocomplete=\"off\" "
		  "autocapitalize=\"characters\" spellcheck=\"false\"",
		  "提交时页面显示的12位查询码");
	form_text(b, "last4", "手机号码后四位", post ? req_form_str(r, "last4") :
		  "", 4, " required inputmode=\"numeric\" pattern=\"[0-9]{4}\" "
		  "autocomplete=\"off\"", "提交时所填联系电话的后四位");
}

static int render_query(struct req *r, const char *error, int status)
{
	public_begin(r, "查询办理进度", "/petition/query", false);
	html(&r->out, "<p class=\"lead\">查询网上信访和12345热线诉求的办理"
	     "进度。政府信息公开申请请到<a href=\"/ysq/query\">依申请公开"
	     "查询</a>。</p>");
	form_begin(r, "/petition/query", error);
	query_fields(&r->out, r);
	return form_end(r, "查询", "/petition/new", "我要提交", status);
}

/* GET /petition/query: the look-up form. */
int page_public_query_form(struct req *r)
{
	return render_query(r, NULL, 200);
}

static void rating_form(struct req *r)
{
	const struct wf_field *f = NULL;
	const struct workflow *h = workflow_find("hotline", 0);
	struct buf *b = &r->out;
	size_t i;

	if (h)
		f = wf_field(h, "satisfaction");
	html(b, "<section class=\"card\" aria-labelledby=\"rate-h\">"
	     "<h2 id=\"rate-h\">评价</h2>");
	form_begin(r, "/petition/query/rate", NULL);
	html_hidden(b, "code", req_form_str(r, "code"));
	html_hidden(b, "last4", req_form_str(r, "last4"));
	html(b, "<fieldset><legend>您对答复是否满意？</legend>");
	for (i = 0; f && i < f->nvalues; i++)
		html(b, "<label class=\"check\"><input type=\"radio\" "
		     "name=\"satisfaction\" id=\"sat-%s\" value=\"%s\" "
		     "required> %s</label>", f->values[i].id, f->values[i].id,
		     f->values[i].label);
	html(b, "</fieldset><div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">提交评价</button></div></form></section>");
}

static void status_facts(struct req *r, const struct case_info *c)
{
	struct buf *b = &r->out;
	const char *label = "";
	cal_day due;
	char t[17], d[11];

	desk_time(c->created_at, t);
	html(b, "<section class=\"card\" aria-labelledby=\"status-h\">"
	     "<h2 id=\"status-h\">办理情况</h2>"
	     "<dl class=\"facts\"><dt>事项编号</dt><dd>%s</dd><dt>类型</dt>"
	     "<dd>%s</dd><dt>标题</dt><dd>%s</dd><dt>提交时间</dt><dd>%s</dd>"
	     "<dt>当前状态</dt><dd>", c->number, c->wf ? c->wf->title : "",
	     c->title, t);
	desk_state_badge(b, c);
	html(b, "</dd>");
	if (!c->final && desk_due(r->db, c->id, &due, &label, c->wf) == 1) {
		cal_format(due, d);
		html(b, "<dt>%s</dt><dd><time datetime=\"%s\">%s</time> 前"
		     "</dd>", *label ? label : "办理期限", d, d);
	}
	html(b, "</dl></section>");
}

static void status_reply(struct req *r, const struct case_info *c,
			 const struct party_row *row, const char *thanks)
{
	struct buf *b = &r->out;
	const char *reply = desk_reply_text(c);
	const char *declined = json_string_value(json_object_get(c->fields,
							 "decline_reason"));

	if (c->merged_into)
		html(b, "<p>您的诉求与已在办理的同一事项合并办理，答复以该事项为"
		     "准。</p>");
	if (declined && strcmp(c->state, "declined") == 0) {
		html(b, "<section class=\"card\" aria-labelledby=\"reply-h\">"
		     "<h2 id=\"reply-h\">不予受理的理由</h2>");
		desk_paragraphs(b, declined);
		html(b, "</section>");
	}
	if (!reply)
		return;
	html(b, "<section class=\"card\" aria-labelledby=\"reply-h\">"
	     "<h2 id=\"reply-h\">答复</h2>");
	desk_paragraphs(b, reply);
	html(b, "</section>");
	if (thanks)
		html(b, "<div class=\"flash\" role=\"status\">%s</div>",
		     thanks);
	if (*row->satisfaction) {
		const struct workflow *h = workflow_find("hotline", 0);
		const struct wf_field *f = h ? wf_field(h, "satisfaction") :
				      NULL;

		html(b, "<p>您的评价：<strong>%s</strong></p>",
		     f ? wf_option_label(f, row->satisfaction) :
		     row->satisfaction);
	} else {
		rating_form(r);
	}
}

/* The status page of the case the form's code and digits open. */
static int render_status(struct req *r, int64_t id, const char *thanks)
{
	struct case_info c = { 0 };
	struct party_row row;
	struct fz_err err = { 0 };
	int rc = case_get(r->db, id, &c, &err);

	if (rc == 0)
		rc = party_load(r->db, id, &row);
	else
		memset(&row, 0, sizeof(row));
	if (rc) {
		case_info_release(&c);
		party_row_release(&row);
		return err.status ? req_fail(r, err.status, err.code, "%s",
					     err.msg) : req_db_fail(r, rc);
	}
	req_set_header(r, "Cache-Control", "no-store");
	public_begin(r, "办理进度", "/petition/query", true);
	status_facts(r, &c);
	status_reply(r, &c, &row, thanks);
	html(&r->out, "<div class=\"actions\"><a href=\"/petition/query\">"
	     "查询其他事项</a></div>");
	portal_end(r);
	case_info_release(&c);
	party_row_release(&row);
	return 200;
}

/* Whether case `id` is of the kind a look-up is for; 0 or 1, or a DB_E*
 * code. */
static int lookup_kind(struct db *db, int64_t id, bool disclosure)
{
	int64_t n = 0;
	int rc = db_scalar_int(db, &n, disclosure ?
			       "SELECT COUNT(*) FROM cases WHERE id = ? AND "
			       "proc = 'disclosure'" :
			       "SELECT COUNT(*) FROM cases WHERE id = ? AND "
			       "proc <> 'disclosure'", "i", id);

	return rc < 0 ? rc : n > 0;
}

int desk_throttled(struct req *r, enum rl_kind kind, const char *key,
		   const char *why)
{
	int64_t secs = (ratelimit_wait_ms(kind, key) + 999) / 1000;
	char s[24];

	if (secs < 1)
		secs = 1;
	snprintf(s, sizeof(s), "%lld", (long long)secs);
	req_set_header(r, "Retry-After", s);
	return req_fail(r, 429, "rate_limited", "%s请 %lld 秒后再试。", why,
			(long long)secs);
}

int desk_code_lookup(struct req *r, bool disclosure, int64_t *id)
{
	char key[80], miss[80];
	int rc;

	snprintf(key, sizeof(key), "query:%s", r->ip);
	if (!ratelimit_take(RL_SEARCH, key))
		return req_fail(r, 429, "rate_limited", "查询过于频繁，请稍后"
				"再试。");
	snprintf(miss, sizeof(miss), "query-miss:%s", r->ip);
	/* refused before the look-up, so that a right guess cannot be told
	 * from a wrong one while the address waits */
	if (ratelimit_wait_ms(RL_SUBMIT, miss) > 0)
		return desk_throttled(r, RL_SUBMIT, miss, "从您所在的网络地址"
				      "查询失败的次数过多。为防止查询码被猜测，");
	rc = query_code_find(r->db, r->w->srv->keyring, req_form_str(r, "code"),
			     req_form_str(r, "last4"), id);
	if (rc == 0) {
		int kind = lookup_kind(r->db, *id, disclosure);

		rc = kind < 0 ? kind : kind ? 0 : 1;
	}
	if (rc < 0)
		return req_db_fail(r, rc);
	if (rc == 0)
		return 0;
	/* the miss is counted; the next look-up waits if it was the last */
	ratelimit_take(RL_SUBMIT, miss);
	return 1;
}

/* Rate-limit and resolve the form's code and digits: 0 with *id set, or
 * the status of the reply prepared.  A miss (404), and a look-up refused
 * because this address asks or fails too often (429), show the form
 * again with the reason, so that the citizen knows when to try again. */
static int lookup(struct req *r, int64_t *id)
{
	int rc = desk_code_lookup(r, false, id);

	if (rc == 1)
		return render_query(r, MSG_NOT_FOUND, 404);
	if (rc == 429)
		return render_query(r, r->err.msg, 429);
	return rc;
}

/* POST /petition/query: the status, due date and reply of the case. */
int page_public_query(struct req *r)
{
	int64_t id = 0;
	int status = lookup(r, &id);

	return status ? status : render_status(r, id, NULL);
}

/* POST /petition/query/rate: record the citizen's one rating of the
 * reply (audited as "petition.rate"). */
int page_public_rate(struct req *r)
{
	const struct wf_field *f = NULL;
	const struct workflow *h = workflow_find("hotline", 0);
	const char *sat = req_form_str(r, "satisfaction");
	struct case_info c = { 0 };
	struct fz_err err = { 0 };
	char obj[40];
	int64_t id = 0;
	int status = lookup(r, &id), rc, rated = 0;

	if (status)
		return status;
	if (h)
		f = wf_field(h, "satisfaction");
	if (!f || !*sat || strcmp(wf_option_label(f, sat), sat) == 0)
		return req_fail(r, 400, "field_required", "请选择满意程度");
	rc = case_get(r->db, id, &c, &err);
	if (rc == 0 && !desk_reply_out(&c))
		rc = fz_fail(&err, 409, "wrong_state", "答复之后才能评价");
	case_info_release(&c);
	if (rc)
		return err.status ? req_fail(r, err.status, err.code, "%s",
					     err.msg) : req_db_fail(r, rc);
	snprintf(obj, sizeof(obj), "case:%lld", (long long)id);
	rc = db_begin(r->db);
	if (rc == 0)
		rated = party_rate(r->db, id, sat, clock_now());
	if (rc == 0 && rated < 0)
		rc = rated;
	if (rc == 0 && rated == 0) {
		int64_t seq = audit_req(r, "petition.rate", obj, "success",
					json_pack("{s:s}", "satisfaction",
						  sat));

		rc = seq < 0 ? (int)seq : 0;
	}
	if (rc == 0 && rated == 0)
		rc = db_commit(r->db);
	if (db_in_tx(r->db))
		db_rollback(r->db);
	if (rc < 0)
		return req_db_fail(r, rc);
	return render_status(r, id, rated ? "您已评价过，不能重复评价" :
			     "感谢您的评价");
}
