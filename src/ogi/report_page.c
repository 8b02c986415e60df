/* report_page.c: the staff pages of the annual report on government
 * information disclosure
 *
 *   GET  /ogi/report?year=Y          the report as computed now, its
 *                                    check, the items drafted from it
 *   GET  /ogi/report.xlsx?year=Y     the workbook
 *   GET  /ogi/report/cases           the cases behind one figure of 三
 *   GET  /ogi/report/inputs?year=Y   the hand-entered cells and texts
 *   POST /ogi/report/inputs?year=Y
 *   GET  /ogi/report/settings        the readings the sources leave open
 *   POST /ogi/report/settings
 *   POST /ogi/report/draft?year=Y    a publication item from the report
 *
 * The information disclosure officer, department heads and leaders read
 * them; only the officer changes anything (the officer writes the report,
 * as Art. 49 of the regulation has the office do).  Every figure the
 * records know is computed, so there is nothing here to type for table
 * 三; what no record holds is entered per year and kept apart from the
 * records.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/session.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/ratelimit.h"
#include "ogi/report.h"
#include "ogi/report_walk.h"
#include "permit/permit.h"
#include "petition/petition.h"
#include "portal/publication.h"
#include "report/xlsx.h"
#include "store/store.h"

#define R(x) ((roleset)1 << (x))
#define TITLE "政府信息公开工作年度报告"
#define XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define XLSX_MAX ((size_t)16 << 20)
#define YEAR_MIN 2000
#define YEAR_MAX 2100
#define YEARS_SHOWN 6
#define MONEY_MAX ((int64_t)1000000000000000)  /* fen: a sanity bound */

/* ---- who, which year ---- */

bool gi_report_readable(roleset roles)
{
	return (roles & (R(ROLE_OGI_OFFICER) | R(ROLE_DEPT_HEAD) |
			 R(ROLE_LEADER))) != 0;
}

static bool may_read(struct req *r)
{
	return gi_report_readable(r->user->roles);
}

static bool is_officer(struct req *r)
{
	return (r->user->roles & R(ROLE_OGI_OFFICER)) != 0;
}

static int forbidden(struct req *r)
{
	return req_fail(r, 403, "forbidden", "政府信息公开工作年度报告由信息"
			"公开专员编制，部门负责人和分管领导可以查阅");
}

static int officer_only(struct req *r)
{
	return req_fail(r, 403, "role_denied", "年度报告的填报数据、设置和"
			"公开稿由信息公开专员办理");
}

/* The year asked for (default: last year); 0, or the 400 reply. */
static int year_param(struct req *r, int *year)
{
	const char *y = req_param(r, "year");
	int64_t v;

	*year = cal_year_now() - 1;
	if (!y || !*y)
		return 0;
	if (parse_int64(y, YEAR_MIN, YEAR_MAX, &v))
		return req_fail(r, 400, "bad_year", "年度须为 %d 到 %d 之间的"
				"四位数字", YEAR_MIN, YEAR_MAX);
	*year = (int)v;
	return 0;
}

/* ---- the report page ---- */

static void year_option(struct buf *b, int year, bool selected)
{
	char v[16], label[24];

	snprintf(v, sizeof(v), "%d", year);
	snprintf(label, sizeof(label), "%d年", year);
	html_option(b, v, label, selected);
}

static void year_form(struct req *r, int year)
{
	struct buf *b = &r->out;
	int now = cal_year_now(), y;
	bool listed = false;

	html(b, "<form method=\"get\" action=\"/ogi/report\" class=\"filters\" "
	     "aria-label=\"报告年度\"><div class=\"field\"><label "
	     "for=\"year\">报告年度</label><select id=\"year\" name=\"year\">");
	for (y = now; y > now - YEARS_SHOWN && y >= YEAR_MIN; y--) {
		year_option(b, y, y == year);
		listed |= y == year;
	}
	if (!listed)
		year_option(b, year, true);
	html(b, "</select></div><div class=\"actions\"><button type=\"submit\">"
	     "查看</button></div></form>");
}

static void buttons(struct req *r, int year, bool ok)
{
	struct buf *b = &r->out;

	html(b, "<div class=\"actions\"><a class=\"button\" "
	     "href=\"/ogi/report.xlsx?year=%d\" download>导出xlsx</a>", year);
	if (!is_officer(r)) {
		html(b, "</div>");
		return;
	}
	html(b, "<a class=\"button\" href=\"/ogi/report/inputs?year=%d\">"
	     "编辑填报数据</a><a class=\"button\" "
	     "href=\"/ogi/report/settings?year=%d\">报告设置</a><form "
	     "method=\"post\" action=\"/ogi/report/draft?year=%d\" "
	     "class=\"inline\">", year, year, year);
	html_hidden(b, "csrf", session_csrf(r));
	html(b, "<button type=\"submit\" class=\"primary\"%r>生成公开稿"
	     "</button></form></div>", ok ? "" : " disabled "
	     "aria-describedby=\"gi-check\"");
}

/* The items drafted from the year's report, newest first; the office's
 * business, not the report's, so it is not printed with it. */
static int drafted(struct req *r, int year)
{
	static const char *const cols[] = {
		"标题", "索引号", "状态", "生成公开稿时间", NULL,
	};
	const struct workflow *w = workflow_find(PUB_PROCEDURE, 0);
	struct buf *b = &r->out;
	struct db_rows *rows;
	size_t n = 0;
	int step;

	rows = db_query(r->db, "SELECT p.id, p.title, p.index_no, c.state, "
			"g.created_at FROM gi_reports g JOIN publications p ON "
			"p.id = g.pub_id JOIN cases c ON c.id = p.case_id "
			"WHERE g.year = ? ORDER BY g.id DESC", "i",
			(int64_t)year);
	if (!rows)
		return db_errcode(r->db);
	html(b, "<section class=\"no-print\" aria-labelledby=\"gi-drafts-h\">"
	     "<h2 id=\"gi-drafts-h\">%d年度报告的公开稿</h2>", year);
	html_table_wrap(b, "gi-drafts-h");
	html(b, "<table class=\"data\">");
	table_head(b, cols);
	while ((step = db_next(rows)) == 1) {
		char when[17];

		clock_local_minute(db_int(rows, 4), when);
		html(b, "<tr><th scope=\"row\"><a href=\"/publications/%I\">"
		     "%s</a></th><td class=\"nowrap\">%s</td><td>",
		     db_int(rows, 0), db_text(rows, 1), db_text(rows, 2));
		pub_state_badge(b, w, db_text(rows, 3));
		html(b, "</td><td class=\"nowrap\">%s</td></tr>", when);
		n++;
	}
	db_rows_free(rows);
	if (step < 0)
		return db_errcode(r->db);
	table_end(b, cols, n, "尚未生成公开稿");
	html(b, "<p class=\"muted\">公开稿生成后和其他政府信息一样，须经保密"
	     "审查、审批后发布；门户网站显示生成时冻结的报告，此后记录的变化"
	     "不影响已发布的报告。</p></section>");
	return 0;
}

/*
 * GET /ogi/report?year=Y: the report of the year (default: last year)
 * as the records give it now, with each figure of table 三 linked to its
 * cases, a warning when the table's identities fail, and the items
 * drafted from it.
 */
int page_ogi_report(struct req *r)
{
	struct gi_report rep;
	struct buf why = BUF_INIT;
	char when[17];
	int year, rc, bad;

	if (!may_read(r))
		return forbidden(r);
	if ((rc = year_param(r, &year)) != 0)
		return rc;
	rc = gi_report_compute(r->db, year, &rep);
	if (rc < 0)
		return req_db_fail(r, rc);
	bad = gi_report_check(&rep, &why);
	clock_local_minute(rep.generated_at, when);
	page_begin(r, TITLE);
	year_form(r, year);
	if (bad)
		html(&r->out, "<div class=\"error\" role=\"alert\" "
		     "id=\"gi-check\"><p>表三的数据勾稽关系不成立：%s。</p><p>表三由申请记录"
		     "自动统计，这说明记录本身有误（例如收到日期或办结日期），"
		     "请先在信访热线台账中核对相关申请；核对前不能生成公开稿。"
		     "</p></div>", buf_cstr(&why));
	buttons(r, year, !bad);
	/* How the page was made is for the screen; paper has the report. */
	html(&r->out, "<p class=\"muted no-print\">"
	     "本报告按国办公开办函〔2021〕30号"
	     "规定的格式，根据系统记录于 %s 即时生成：表三由依申请公开案件"
	     "统计，每个非零数字链接到所统计的案件；表二中的行政许可取自许可"
	     "登记簿；其余数字和文字由信息公开专员填报。</p>", when);
	gi_report_html(&rep, true, &r->out);
	rc = drafted(r, year);
	page_end(r);
	gi_report_free(&rep);
	buf_release(&why);
	if (rc < 0) {
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	return 200;
}

/* ---- the workbook ---- */

/* GET /ogi/report.xlsx?year=Y: the report as a workbook, audited. */
int page_ogi_report_xlsx(struct req *r)
{
	struct gi_report rep;
	struct buf x;
	char disp[96];
	int year, rc;

	if (!may_read(r))
		return forbidden(r);
	if ((rc = year_param(r, &year)) != 0)
		return rc;
	if (!ratelimit_take(RL_EXPORT, r->ip))
		return req_fail(r, 429, "rate_limited", "导出过于频繁，请稍后"
				"再试");
	rc = gi_report_compute(r->db, year, &rep);
	if (rc < 0)
		return req_db_fail(r, rc);
	rc = (int)audit_req_tx(r, "ogi.report_export", "gi_report", "success",
			       json_pack("{s:i}", "year", year));
	if (rc < 0) {
		gi_report_free(&rep);
		return req_db_fail(r, rc);
	}
	buf_init(&x, XLSX_MAX);
	rc = gi_report_xlsx(&rep, &x);
	gi_report_free(&rep);
	if (rc < 0) {
		buf_release(&x);
		fprintf(stderr, "fazhi: request %s: annual report export "
			"failed (%d)\n", r->id, rc);
		return req_fail(r, 500, "export_failed", "导出失败，请稍后再试");
	}
	buf_release(&r->out);
	r->out = x;
	r->ctype = XLSX_TYPE;
	snprintf(disp, sizeof(disp), "attachment; filename=\"gi-report-%d."
		 "xlsx\"", year);
	req_set_header(r, "Content-Disposition", disp);
	return 200;
}

/* ---- the cases behind a figure ---- */

static int cell_param(struct req *r, const char *name, int n, int *out)
{
	const char *v = req_query(r, name);
	int64_t k;

	if (!v || parse_int64(v, 0, n - 1, &k))
		return req_fail(r, 400, "bad_cell", "表三没有这一格");
	*out = (int)k;
	return 0;
}

static const char *row_name(const struct gi_report *rep, int row)
{
	if (row >= GI_R_OTHER_NO_CORRECTION && row <= GI_R_OTHER)
		return rep->set.other_label[row - GI_R_OTHER_NO_CORRECTION];
	return gi_rows[row].label ? gi_rows[row].label : "";
}

static const char *field_label(const struct workflow *w, json_t *fields,
			       const char *name)
{
	const char *v = json_string_value(json_object_get(fields, name));
	const struct wf_field *f = w ? wf_field(w, name) : NULL;
	const char *l = f && v ? wf_option_label(f, v) : NULL;

	return l ? l : v ? v : "";
}

static void case_row(struct req *r, const struct case_info *c)
{
	const struct workflow *w = c->wf;
	const char *received = json_string_value(json_object_get(c->fields,
		"received_date"));
	char closed[17] = "";

	if (c->closed_at)
		clock_local_minute(c->closed_at, closed);
	html(&r->out, "<tr><th scope=\"row\" class=\"nowrap\"><a "
	     "href=\"/petitions/%I\">%s</a></th><td>%s</td><td "
	     "class=\"nowrap\">%s</td><td>%s</td><td>%s</td><td "
	     "class=\"nowrap\">%s</td></tr>", c->id, c->number,
	     field_label(w, c->fields, "applicant_type"),
	     received ? received : "", w ? wf_state_label(w, c->state) :
	     c->state, field_label(w, c->fields, "reply_type"), closed);
}

/*
 * GET /ogi/report/cases?year=Y&row=R&col=C: the disclosure cases one
 * figure of table 三 counts, from the same judgement as the figure.
 */
int page_ogi_report_cases(struct req *r)
{
	static const char *const cols[] = {
		"案件编号", "申请人类型", "收到申请日期", "办理状态", "答复类型",
		"办结时间", NULL,
	};
	struct gi_report rep;
	int64_t *ids = NULL;
	size_t n = 0, i, shown = 0;
	int year, row = 0, col = 0, rc;

	if (!may_read(r))
		return forbidden(r);
	if ((rc = year_param(r, &year)) != 0 ||
	    (rc = cell_param(r, "row", GI_ROWS, &row)) != 0 ||
	    (rc = cell_param(r, "col", GI_COLS, &col)) != 0)
		return rc;
	rc = gi_report_compute(r->db, year, &rep);
	if (rc == 0)
		rc = gi_report_cases(r->db, &rep, row, col, &ids, &n);
	if (rc < 0) {
		gi_report_free(&rep);
		return req_db_fail(r, rc);
	}
	page_begin(r, "年度报告统计明细");
	html(&r->out, "<p class=\"lead\">%d年度报告表三“%s”中“%s”一格：共 %I "
	     "件。</p><p><a href=\"/ogi/report?year=%d\">返回年度报告</a></p>",
	     year, row_name(&rep, row), gi_col_labels[col], (int64_t)n, year);
	html_table_wrap(&r->out, "gi-cases-cap");
	html(&r->out, "<table class=\"data\"><caption id=\"gi-cases-cap\">"
	     "%s · %s</caption>", row_name(&rep, row), gi_col_labels[col]);
	table_head(&r->out, cols);
	for (i = 0; i < n; i++) {
		struct case_info c;
		struct fz_err err = { 0 };

		if (case_get(r->db, ids[i], &c, &err) < 0)
			continue;
		case_row(r, &c);
		case_info_release(&c);
		shown++;
	}
	table_end(&r->out, cols, shown, "这一格没有案件");
	page_end(r);
	free(ids);
	gi_report_free(&rep);
	return 200;
}

/* ---- the hand-entered figures and texts ---- */

static const char *const t2_cols[3] = {
	"本年制发件数", "本年废止件数", "现行有效件数",
};
static const char *const t4_groups[3] = {
	"行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）",
};
static const char *const text_labels[GI_TEXTS] = {
	"一、总体情况（一）主动公开", "一、总体情况（二）依申请公开",
	"一、总体情况（三）政府信息管理",
	"一、总体情况（四）政府信息公开平台建设",
	"一、总体情况（五）监督保障", NULL, "六、其他需要报告的事项",
};

/* A decimal with at most `digits` decimals into units of 1/10^digits;
 * "" is 0.  0, or -1. */
static int parse_decimal(const char *s, int digits, int64_t *out)
{
	int64_t v = 0;
	int frac = -1;

	while (*s == ' ')
		s++;
	if (!*s) {
		*out = 0;
		return 0;
	}
	for (; *s && *s != ' '; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || frac == digits ||
		    v > MONEY_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
		if (frac >= 0)
			frac++;
	}
	while (*s == ' ')
		s++;
	if (*s || frac == 0)
		return -1;
	for (frac = frac < 0 ? 0 : frac; frac < digits; frac++) {
		if (v > MONEY_MAX / 10)
			return -1;
		v *= 10;
	}
	*out = v;
	return 0;
}

/* The form's values by field name, as strings. */
static json_t *inputs_values(const struct gi_inputs *in)
{
	json_t *v = json_object();
	char name[16], s[48];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "rules%d", i);
		snprintf(s, sizeof(s), "%lld", (long long)in->rules[i]);
		json_object_set_new(v, name, json_string(s));
		snprintf(name, sizeof(name), "norms%d", i);
		snprintf(s, sizeof(s), "%lld", (long long)in->norms[i]);
		json_object_set_new(v, name, json_string(s));
	}
	snprintf(s, sizeof(s), "%lld", (long long)in->penalties);
	json_object_set_new(v, "penalties", json_string(s));
	snprintf(s, sizeof(s), "%lld", (long long)in->coercion);
	json_object_set_new(v, "coercion", json_string(s));
	gi_decimal(in->fees_cents, 6, s, sizeof(s));
	json_object_set_new(v, "fees", json_string(s));
	for (i = 0; i < GI_T4_COLS; i++) {
		snprintf(name, sizeof(name), "t4_%d", i);
		snprintf(s, sizeof(s), "%lld", (long long)in->t4[i]);
		json_object_set_new(v, name, json_string(s));
	}
	gi_decimal(in->info_fee_cents, 2, s, sizeof(s));
	json_object_set_new(v, "info_fee", json_string(s));
	for (i = 0; i < GI_TEXTS; i++) {
		snprintf(name, sizeof(name), "text%d", i);
		json_object_set_new(v, name, json_string(in->text[i] ?
							 in->text[i] : ""));
	}
	return v;
}

static const char *val(json_t *v, const char *name)
{
	const char *s = json_string_value(json_object_get(v, name));

	return s ? s : "";
}

/* A labelled input of the figures' form; `bad` marks the field named in
 * the refusal. */
static void num_field(struct buf *b, json_t *v, const char *name,
		      const char *label, const char *mode, const char *bad)
{
	html(b, "<div class=\"field\"><label for=\"%s\">%s</label><input "
	     "id=\"%s\" name=\"%s\" type=\"text\" inputmode=\"%s\" "
	     "maxlength=\"20\" value=\"%s\"%r></div>", name, label, name,
	     name, mode, val(v, name), bad && str_eq(bad, name) ?
	     " aria-invalid=\"true\" aria-describedby=\"form-error\"" : "");
}

static void t2_fields(struct buf *b, json_t *v, int64_t permits,
		      const char *bad)
{
	char name[16];
	int i;

	html(b, "<h2>表二 主动公开政府信息情况</h2><fieldset><legend>第二十条第"
	     "（一）项 规章</legend><div class=\"grid\">");
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "rules%d", i);
		num_field(b, v, name, t2_cols[i], "numeric", bad);
	}
	html(b, "</div></fieldset><fieldset><legend>第二十条第（一）项 行政"
	     "规范性文件</legend><div class=\"grid\">");
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "norms%d", i);
		num_field(b, v, name, t2_cols[i], "numeric", bad);
	}
	html(b, "</div></fieldset><fieldset><legend>第二十条第（五）项 行政"
	     "许可</legend><p>本年处理决定数量 %I 件，取自许可登记簿，无需"
	     "填写。</p></fieldset><fieldset><legend>第二十条第（六）项 本年"
	     "处理决定数量</legend><div class=\"grid\">", permits);
	num_field(b, v, "penalties", "行政处罚", "numeric", bad);
	num_field(b, v, "coercion", "行政强制", "numeric", bad);
	html(b, "</div></fieldset><fieldset><legend>第二十条第（八）项 行政事业"
	     "性收费</legend>");
	num_field(b, v, "fees", "本年收费金额（单位：万元，最多六位小数）",
		  "decimal", bad);
	html(b, "</fieldset>");
}

static void t4_fields(struct buf *b, json_t *v, const char *bad)
{
	char name[16];
	int g, c;

	html(b, "<h2>表四 政府信息公开行政复议、行政诉讼情况</h2><p "
	     "class=\"muted\">每组的“总计”须等于前四项之和。</p>");
	for (g = 0; g < 3; g++) {
		html(b, "<fieldset><legend>%s</legend><div class=\"grid\">",
		     t4_groups[g]);
		for (c = 0; c < 5; c++) {
			snprintf(name, sizeof(name), "t4_%d", g * 5 + c);
			num_field(b, v, name, gi_t4_labels[c], "numeric", bad);
		}
		html(b, "</div></fieldset>");
	}
}

static void text_fields(struct buf *b, json_t *v, const char *heading5)
{
	char name[16];
	int t;

	html(b, "<h2>正文</h2><p class=\"muted\">每段一行，每部分不超过 %d "
	     "个字。第一部分各项之前自动加上由记录生成的数字；未填写的部分在"
	     "公开稿中写作“无。”。</p>", GI_TEXT_MAX);
	for (t = 0; t < GI_TEXTS; t++) {
		snprintf(name, sizeof(name), "text%d", t);
		html(b, "<div class=\"field\"><label for=\"%s\">%s</label>"
		     "<textarea id=\"%s\" name=\"%s\" rows=\"5\" "
		     "maxlength=\"%d\">%s</textarea></div>", name,
		     text_labels[t] ? text_labels[t] : heading5, name, name,
		     GI_TEXT_MAX, val(v, name));
	}
}

static int render_inputs(struct req *r, int year, json_t *v,
			 const char *error, const char *bad, int status)
{
	struct gi_settings set;
	struct buf *b = &r->out;
	char action[64], title[64];
	int64_t permits = 0, fulltext = 0;
	int rc = gi_settings_load(r->db, &set);

	/* the one figure of the report the form shows: the permits
	 * register's, as gi_report_compute() takes it */
	if (rc == 0)
		rc = permit_rate(r->db, year, &permits, &fulltext);
	if (rc < 0)
		return req_db_fail(r, rc);
	snprintf(action, sizeof(action), "/ogi/report/inputs?year=%d", year);
	snprintf(title, sizeof(title), "%d年度报告填报数据", year);
	page_begin(r, title);
	html(b, "<p><a href=\"/ogi/report?year=%d\">返回年度报告</a></p><p "
	     "class=\"lead\">表三由依申请公开案件自动统计，行政许可取自许可"
	     "登记簿，不在此填写。以下是记录中没有的数字和各部分的文字。</p>",
	     year);
	if (error)
		html(b, "<div class=\"error\" role=\"alert\" id=\"form-error\">"
		     "<p>%s</p><p>未保存任何内容，已填写的内容保留在下面。</p>"
		     "</div>", error);
	form_begin(r, action, NULL);
	t2_fields(b, v, permits, bad);
	t4_fields(b, v, bad);
	html(b, "<h2>信息处理费</h2>");
	num_field(b, v, "info_fee", "本年收取的信息处理费（元）", "decimal",
		  bad);
	text_fields(b, v, set.heading5);
	html(b, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">保存</button><a href=\"/ogi/report?year=%d\">"
	     "取消</a></div></form>", year);
	page_end(r);
	return status;
}

/* GET /ogi/report/inputs?year=Y */
int page_ogi_report_inputs(struct req *r)
{
	struct gi_inputs in;
	json_t *v;
	int year, rc;

	if (!may_read(r))
		return forbidden(r);
	if (!is_officer(r))
		return officer_only(r);
	if ((rc = year_param(r, &year)) != 0)
		return rc;
	rc = gi_inputs_load(r->db, year, &in);
	if (rc < 0)
		return req_db_fail(r, rc);
	v = inputs_values(&in);
	gi_inputs_free(&in);
	rc = render_inputs(r, year, v, NULL, NULL, 200);
	json_decref(v);
	return rc;
}

/* One figure of the form: its field, what a refusal calls it, where it
 * goes, and its decimals (0: a count). */
struct form_cell {
	char name[16];
	char label[96];
	int64_t *out;
	int digits;
};

static void add_cell(struct form_cell *c, size_t *n, const char *name,
		     const char *label, int64_t *out, int digits)
{
	snprintf(c[*n].name, sizeof(c[*n].name), "%s", name);
	snprintf(c[*n].label, sizeof(c[*n].label), "%s", label);
	c[*n].out = out;
	c[*n].digits = digits;
	(*n)++;
}

static size_t form_cells(struct gi_inputs *in, struct form_cell *c)
{
	char name[16], label[96];
	size_t n = 0;
	int k;

	for (k = 0; k < 3; k++) {
		snprintf(name, sizeof(name), "rules%d", k);
		snprintf(label, sizeof(label), "规章·%s", t2_cols[k]);
		add_cell(c, &n, name, label, &in->rules[k], 0);
		snprintf(name, sizeof(name), "norms%d", k);
		snprintf(label, sizeof(label), "行政规范性文件·%s", t2_cols[k]);
		add_cell(c, &n, name, label, &in->norms[k], 0);
	}
	add_cell(c, &n, "penalties", "行政处罚", &in->penalties, 0);
	add_cell(c, &n, "coercion", "行政强制", &in->coercion, 0);
	add_cell(c, &n, "fees", "行政事业性收费（万元）", &in->fees_cents, 6);
	for (k = 0; k < GI_T4_COLS; k++) {
		snprintf(name, sizeof(name), "t4_%d", k);
		snprintf(label, sizeof(label), "%s·%s", t4_groups[k / 5],
			 gi_t4_labels[k % 5]);
		add_cell(c, &n, name, label, &in->t4[k], 0);
	}
	add_cell(c, &n, "info_fee", "信息处理费（元）", &in->info_fee_cents, 2);
	return n;
}

#define FORM_CELLS (9 + GI_T4_COLS + 1)

/* The posted form as it was sent (to show again) and as inputs; 0, or
 * -1 with the message in err and the field's name in `bad`. */
static int inputs_from_form(struct req *r, json_t *v, struct gi_inputs *in,
			    struct fz_err *err, char bad[16])
{
	struct form_cell cells[FORM_CELLS];
	size_t n = form_cells(in, cells), i;
	int k;

	for (i = 0; i < n; i++) {
		const char *s = req_form(r, cells[i].name);

		json_object_set_new(v, cells[i].name, json_string(s ? s : ""));
	}
	for (k = 0; k < GI_TEXTS; k++) {
		struct buf t = BUF_INIT;
		const char *s;
		char tn[16];

		/* the browser sends CR LF; the text keeps LF */
		snprintf(tn, sizeof(tn), "text%d", k);
		for (s = req_form(r, tn); s && *s; s++)
			if (*s != '\r')
				buf_putc(&t, *s);
		json_object_set_new(v, tn, json_string(buf_cstr(&t)));
		in->text[k] = t.len ? buf_detach(&t, NULL) : NULL;
		buf_release(&t);
	}
	for (i = 0; i < n; i++) {
		if (parse_decimal(val(v, cells[i].name), cells[i].digits,
				  cells[i].out) == 0)
			continue;
		snprintf(bad, 16, "%.15s", cells[i].name);
		return fz_fail(err, 400, "field_invalid", "“%s”须为%s",
			       cells[i].label, cells[i].digits ?
			       "不小于 0 的数字" : "不小于 0 的整数");
	}
	return 0;
}

/* POST /ogi/report/inputs?year=Y: saved whole or not at all. */
int page_ogi_report_inputs_save(struct req *r)
{
	struct gi_inputs in;
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256], loc[48], bad[16] = "";
	json_t *v;
	int year, rc;

	if (!is_officer(r))
		return may_read(r) ? officer_only(r) : forbidden(r);
	if ((rc = year_param(r, &year)) != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.year = year;
	v = json_object();
	actor_from_req(r, &who, roles, sizeof(roles));
	if (inputs_from_form(r, v, &in, &err, bad) == 0 &&
	    gi_inputs_save(r->db, &who, &in, &err) == 0) {
		gi_inputs_free(&in);
		json_decref(v);
		req_flash(r, "填报数据已保存");
		snprintf(loc, sizeof(loc), "/ogi/report?year=%d", year);
		return req_redirect(r, loc);
	}
	gi_inputs_free(&in);
	if (err.status >= 500)
		rc = req_fail(r, err.status, err.code, "%s", err.msg);
	else
		rc = render_inputs(r, year, v, err.msg, *bad ? bad : NULL,
				   err.status ? err.status : 400);
	json_decref(v);
	return rc;
}

/* ---- the settings ---- */

static const char *const heading5_offered[] = {
	"五、存在的主要问题及改进情况",
	"五、政府信息公开工作存在的主要问题及改进情况",
	"五、存在问题及改进情况",
};

static void unconfirmed(struct buf *b, const char *id, const char *what)
{
	html(b, "<p class=\"muted\" id=\"%s\">所据资料中此项标注为“未经核实”"
	     "（各地写法不一）。%s</p>", id, what);
}

static void settings_form(struct req *r, const struct gi_settings *s,
			  const char *back, const char *error)
{
	struct gi_settings def;
	struct buf *b = &r->out;
	size_t i;

	gi_settings_default(&def);
	form_begin(r, "/ogi/report/settings", error);
	html_hidden(b, "back", back);
	html(b, "<fieldset aria-describedby=\"h5-note\"><legend>第五部分的"
	     "标题</legend>");
	for (i = 0; i < ARRAY_SIZE(heading5_offered); i++)
		html(b, "<label><input type=\"radio\" name=\"heading5\" "
		     "value=\"%s\"%r> %s%r</label>", heading5_offered[i],
		     str_eq(s->heading5, heading5_offered[i]) ? " checked" : "",
		     heading5_offered[i], str_eq(def.heading5,
		     heading5_offered[i]) ? "（默认）" : "");
	unconfirmed(b, "h5-note", "默认采用“五、存在的主要问题及改进情况”，"
		    "即 2021 年格式的常见写法；2019 年的报告多写作“五、政府"
		    "信息公开工作存在的主要问题及改进情况”。");
	html(b, "</fieldset><fieldset aria-describedby=\"ap-note\"><legend>"
	     "答复“已主动公开，告知获取方式”（条例第三十六条第一项）计入"
	     "</legend><label><input type=\"radio\" name=\"already_public\" "
	     "value=\"disclose\"%r> （一）予以公开（默认）</label><label><input "
	     "type=\"radio\" name=\"already_public\" value=\"other\"%r> （六）"
	     "其他处理 3.其他</label>", s->already_public_row == GI_R_DISCLOSE ?
	     " checked" : "", s->already_public_row == GI_R_OTHER ?
	     " checked" : "");
	unconfirmed(b, "ap-note", "默认计入“（一）予以公开”，这是多数报告的"
		    "做法；也有机关计入“（六）其他处理”。更改后，表三按新的"
		    "口径重新统计。");
	html(b, "</fieldset><fieldset aria-describedby=\"ol-note\"><legend>"
	     "表三“（六）其他处理”三行的名称</legend>");
	for (i = 0; i < 3; i++) {
		char name[16], label[16];

		snprintf(name, sizeof(name), "other_label%zu", i + 1);
		snprintf(label, sizeof(label), "第 %zu 行", i + 1);
		html(b, "<div class=\"field\"><label for=\"%s\">%s</label>"
		     "<input id=\"%s\" name=\"%s\" type=\"text\" "
		     "maxlength=\"%d\" value=\"%s\" "
		     "aria-describedby=\"%s-def\"><p class=\"muted\" "
		     "id=\"%s-def\">默认：%s</p></div>", name, label, name,
		     name, GI_LABEL_MAX, s->other_label[i], name, name,
		     def.other_label[i]);
	}
	unconfirmed(b, "ol-note", "默认名称取自 2021 年格式的公开模板，请与"
		    "一份正式发布的 2022 年度报告核对。");
	html(b, "</fieldset><fieldset aria-describedby=\"fee-note\"><legend>"
	     "信息处理费</legend><label><input type=\"checkbox\" "
	     "name=\"fee_sentence\" value=\"1\"%r> 在第六部分写明本年收取的"
	     "信息处理费（默认写明）</label>", s->fee_sentence ? " checked" : "");
	unconfirmed(b, "fee-note", "格式是否要求写明尚无定论，各地报告在第六"
		    "部分通常写明实际收取的金额（包括“0元”），默认照此写明。");
	html(b, "</fieldset><div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">保存设置</button><a href=\"%s\">返回年度报告"
	     "</a></div></form>", back);
}

/* Where to go back to: the report of the year the visitor came from. */
static void back_of(struct req *r, char *out, size_t n)
{
	const char *y = req_param(r, "year");
	const char *b = req_form(r, "back");
	int64_t v;

	if (b && str_starts(b, "/ogi/report?year=") &&
	    !parse_int64(b + strlen("/ogi/report?year="), YEAR_MIN, YEAR_MAX,
			 &v))
		snprintf(out, n, "/ogi/report?year=%lld", (long long)v);
	else if (y && !parse_int64(y, YEAR_MIN, YEAR_MAX, &v))
		snprintf(out, n, "/ogi/report?year=%lld", (long long)v);
	else
		snprintf(out, n, "/ogi/report");
}

static int render_settings(struct req *r, const struct gi_settings *s,
			   const char *error, int status)
{
	char back[48];

	back_of(r, back, sizeof(back));
	page_begin(r, "年度报告设置");
	html(&r->out, "<p class=\"lead\">国办公开办函〔2021〕30号规定了年度"
	     "报告的格式，但以下几处的写法或统计口径在所据资料中尚未核实。每项"
	     "默认采用最常见的做法，可按本机关的理解调整；设置适用于所有年度"
	     "的报告，已生成的公开稿不受影响。</p>");
	settings_form(r, s, back, error);
	page_end(r);
	return status;
}

/* GET /ogi/report/settings */
int page_ogi_report_settings(struct req *r)
{
	struct gi_settings s;
	int rc;

	if (!may_read(r))
		return forbidden(r);
	if (!is_officer(r))
		return officer_only(r);
	rc = gi_settings_load(r->db, &s);
	if (rc < 0)
		return req_db_fail(r, rc);
	return render_settings(r, &s, NULL, 200);
}

static void put_label(char *dst, size_t size, const char *v)
{
	/* An over-long value is refused by the check, never cut here. */
	if (v && strlen(v) < size)
		memcpy(dst, v, strlen(v) + 1);
	else
		dst[0] = '\0';
}

/* POST /ogi/report/settings */
int page_ogi_report_settings_save(struct req *r)
{
	struct gi_settings s;
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256], back[48];
	const char *ap = req_form(r, "already_public");
	size_t i;

	if (!is_officer(r))
		return may_read(r) ? officer_only(r) : forbidden(r);
	gi_settings_default(&s);
	put_label(s.heading5, sizeof(s.heading5), req_form(r, "heading5"));
	s.already_public_row = ap && str_eq(ap, "other") ? GI_R_OTHER :
			       ap && str_eq(ap, "disclose") ? GI_R_DISCLOSE :
			       GI_R_CARRIED_OUT;  /* refused by the check */
	for (i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "other_label%zu", i + 1);
		put_label(s.other_label[i], sizeof(s.other_label[i]),
			  req_form(r, name));
	}
	s.fee_sentence = req_form(r, "fee_sentence") != NULL;
	actor_from_req(r, &who, roles, sizeof(roles));
	if (gi_settings_save(r->db, &who, &s, &err) == 0) {
		back_of(r, back, sizeof(back));
		req_flash(r, "报告设置已保存");
		return req_redirect(r, back);
	}
	if (err.status >= 500)
		return req_fail(r, err.status, err.code, "%s", err.msg);
	return render_settings(r, &s, err.msg, err.status ? err.status : 400);
}

/* ---- drafting ---- */

/* POST /ogi/report/draft?year=Y: the report as a publication item, then
 * the item's page, where it goes to review. */
int page_ogi_report_draft(struct req *r)
{
	struct fz_err err = { 0 };
	struct desk_ctx dc;
	struct pub_env env;
	char loc[48];
	int64_t id = 0;
	int year, rc;

	if (!is_officer(r))
		return may_read(r) ? officer_only(r) : forbidden(r);
	if ((rc = year_param(r, &year)) != 0)
		return rc;
	pub_env_init(r, &dc, &env);
	if (gi_report_draft(&env, year, NULL, &id, &err))
		return req_fail(r, err.status ? err.status : 500, err.code,
				"%s", err.msg);
	req_flash(r, "公开稿已生成，请核对后提交保密审查");
	snprintf(loc, sizeof(loc), "/publications/%lld", (long long)id);
	return req_redirect(r, loc);
}
