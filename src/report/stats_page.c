/* stats_page.c: GET /stats/cases — the desk's statistics as a table and
 * charts
 *
 * The table is the page: every figure of the year and of the year before,
 * and the change between them, each figure a link to the desk's list of
 * the cases it counts.  The charts are drawn by web/js/stats.js with
 * Apache ECharts from the same figures, handed over in a JSON data block
 * (the Content-Security-Policy allows no inline script); without
 * JavaScript they stay hidden and nothing is lost.
 *
 * GET /stats/cases/list lists the cases behind one figure from the same
 * judgement (case_stats_cases()), so a figure and its list always agree;
 * it shows what the ledger export shows (no title, no petitioner), and
 * each number links to the desk's case page, which applies its own
 * access rules.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/clock.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "petition/petition.h"
#include "report/case_stats.h"
#include "store/store.h"

#define TITLE "信访·热线统计分析"
#define LIST_TITLE "统计明细"
#define NOTES_MAX 16
#define LIST_PAGE 100

struct params {
	int year;
	enum cs_group by;
};

/* year (default: this year) and by (channel, the default, or dept);
 * 0, or -1 with the reason in err. */
static int parse_params(struct req *r, int this_year, struct params *p,
			struct fz_err *err)
{
	const char *y = req_query(r, "year"), *by = req_query(r, "by");
	int64_t v;

	p->year = this_year;
	p->by = CS_BY_CHANNEL;
	if (y && *y) {
		if (parse_int64(y, 1971, 9998, &v))
			return fz_fail(err, 400, "bad_year", "年度须为 1971 到 "
				       "9998 之间的四位数字");
		p->year = (int)v;
	}
	if (by && *by && !str_eq(by, "channel")) {
		if (!str_eq(by, "dept"))
			return fz_fail(err, 400, "bad_group", "统计维度只能是"
				       "按来源渠道或按承办部门");
		p->by = CS_BY_DEPT;
	}
	return 0;
}

/* ---- the form ---- */

static void year_option(struct buf *b, int year, int selected)
{
	char v[8], label[16];

	snprintf(v, sizeof(v), "%d", year);
	snprintf(label, sizeof(label), "%d年", year);
	html_option(b, v, label, year == selected);
}

/* The years with cases, this year and the one asked for, newest first. */
static void year_select(struct req *r, const int *years, size_t n,
			int this_year, int selected)
{
	struct buf *b = &r->out;
	int shown[64];
	size_t k = 0, i, j;

	shown[k++] = this_year;
	for (i = 0; i < n && k < ARRAY_SIZE(shown) - 1; i++)
		if (years[i] != this_year)
			shown[k++] = years[i];
	for (i = 0; i < k && shown[i] != selected; i++)
		;
	if (i == k)
		shown[k++] = selected;
	/* A few entries: insertion sort, newest first. */
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && shown[j] > shown[j - 1]; j--) {
			int t = shown[j];

			shown[j] = shown[j - 1];
			shown[j - 1] = t;
		}
	html(b, "<div class=\"field\"><label for=\"year\">统计年度</label>"
	     "<select id=\"year\" name=\"year\">");
	for (i = 0; i < k; i++)
		year_option(b, shown[i], selected);
	html(b, "</select></div>");
}

static void filter_form(struct req *r, const int *years, size_t n,
			int this_year, const struct params *p, bool bad)
{
	struct buf *b = &r->out;

	html(b, "<form method=\"get\" action=\"/stats/cases\" "
	     "class=\"filters\" role=\"search\" aria-label=\"统计条件\"%r>",
	     bad ? " aria-describedby=\"filter-error\"" : "");
	year_select(r, years, n, this_year, p->year);
	html(b, "<div class=\"field\"><label for=\"by\">统计维度</label>"
	     "<select id=\"by\" name=\"by\">");
	html_option(b, "channel", "按来源渠道", p->by == CS_BY_CHANNEL);
	html_option(b, "dept", "按承办部门", p->by == CS_BY_DEPT);
	html(b, "</select></div><div class=\"actions\"><button "
	     "type=\"submit\" class=\"primary\">查询</button></div></form>");
}

/* ---- the table ---- */

static void figure_link(struct buf *b, const struct cs_row *row, int year,
			enum cs_measure m, const char *text)
{
	struct cs_filter f = row->filter;
	struct buf href = BUF_INIT;

	f.year = year;
	f.measure = m;
	case_stats_href(&f, &href);
	html(b, "<a href=\"%s\">%s</a>", buf_cstr(&href), text);
	buf_release(&href);
}

/* One cell of a year's line: the count or rate, linked to its cases. */
static void figure_cell(struct buf *b, const struct case_stats *s,
			const struct cs_row *row, const struct cs_column *c,
			bool last)
{
	int64_t v = cs_column_value(c, row, last);
	char text[32];

	if (c->rate)
		cs_format_rate((int)v, text);
	else
		snprintf(text, sizeof(text), "%lld", (long long)v);
	html(b, "<td class=\"num\">");
	if (c->rate && v < 0)
		html(b, "<span class=\"muted\">%s</span>", text);
	else
		figure_link(b, row, last ? s->year - 1 : s->year,
			    cs_column_measure(c), text);
	html(b, "</td>");
}

static void row_group(struct buf *b, const struct case_stats *s,
		      const struct cs_row *row)
{
	char change[32];
	size_t i;

	html(b, "<tbody><tr><th scope=\"rowgroup\" rowspan=\"3\">%s</th>"
	     "<th scope=\"row\" class=\"nowrap\">%d年</th>", row->label,
	     s->year);
	for (i = 0; i < cs_ncolumns; i++)
		figure_cell(b, s, row, &cs_columns[i], false);
	html(b, "</tr><tr><th scope=\"row\" class=\"nowrap\">%d年</th>",
	     s->year - 1);
	for (i = 0; i < cs_ncolumns; i++)
		figure_cell(b, s, row, &cs_columns[i], true);
	html(b, "</tr><tr><th scope=\"row\">同比</th>");
	for (i = 0; i < cs_ncolumns; i++) {
		size_t n, u = strlen(CS_PP_UNIT);

		cs_column_change(&cs_columns[i], row, change);
		n = strlen(change);
		/* "+0.5" over "个百分点", to keep the table narrow. */
		if (n > u && str_eq(change + n - u, CS_PP_UNIT)) {
			change[n - u] = '\0';
			html(b, "<td class=\"num nowrap\">%s<br>%s</td>",
			     change, CS_PP_UNIT);
		} else {
			html(b, "<td class=\"num nowrap\">%s</td>", change);
		}
	}
	html(b, "</tr></tbody>");
}

static void stats_table(struct req *r, const struct case_stats *s)
{
	struct buf *b = &r->out;
	char today[11];
	size_t i;

	cal_format(s->today, today);
	html(b, "<section aria-labelledby=\"table-h\"><h2 id=\"table-h\">"
	     "统计表</h2>");
	html_table_wrap(b, "table-cap");
	html(b, "<table class=\"data\"><caption id=\"table-cap\">%d年信访·"
	     "热线办理情况（%s，与%d年比较，截至 %s）</caption>"
	     "<thead><tr><th scope=\"col\">%s</th>"
	     "<th scope=\"col\">年度</th>", s->year,
	     s->by == CS_BY_DEPT ? "按承办部门" : "按来源渠道", s->year - 1,
	     today, s->by == CS_BY_DEPT ? "承办部门" : "来源渠道");
	for (i = 0; i < cs_ncolumns; i++)
		html(b, "<th scope=\"col\" class=\"num\">%s</th>",
		     cs_column_title(&cs_columns[i]));
	html(b, "</tr></thead>");
	for (i = 0; i < s->n; i++)
		row_group(b, s, &s->rows[i]);
	html(b, "</table></div>");
	if (s->n == 1)
		html(b, "<p class=\"muted\">%d年和%d年均没有登记的案件。</p>",
		     s->year, s->year - 1);
	html(b, "<p class=\"muted\">每个数字都链接到它所统计的案件清单。"
	     "</p></section>");
}

static void notes(struct req *r, const struct case_stats *s, int this_year)
{
	struct cs_note v[NOTES_MAX];
	struct buf *b = &r->out;
	size_t n = case_stats_notes(v, NOTES_MAX), i;

	html(b, "<section class=\"card\" aria-labelledby=\"notes-h\">"
	     "<h2 id=\"notes-h\">统计口径与计算公式</h2><dl>");
	for (i = 0; i < n; i++)
		html(b, "<dt>%s</dt><dd>%s</dd>", v[i].term, v[i].text);
	html(b, "</dl>");
	if (s->year >= this_year)
		html(b, "<p class=\"muted\">%d年尚未结束：同比以%d年全年为"
		     "基数，本年数字仍会变化。</p>", s->year, s->year - 1);
	html(b, "</section>");
}

/* ---- the charts ---- */

static json_t *href_json(const struct cs_row *row, int year,
			 enum cs_measure m)
{
	struct cs_filter f = row->filter;
	struct buf b = BUF_INIT;
	json_t *v;

	f.year = year;
	f.measure = m;
	case_stats_href(&f, &b);
	v = json_string(buf_cstr(&b));
	buf_release(&b);
	return v;
}

/* The figures the charts draw (not the total), as JSON. */
static json_t *chart_data(const struct case_stats *s)
{
	json_t *rows = json_array(), *titles = json_array();
	size_t i;
	int k;

	for (k = 0; k < CS_RATES; k++)
		json_array_append_new(titles, json_string(cs_rate_title(k)));
	for (i = 0; i + 1 < s->n; i++) {
		const struct cs_row *row = &s->rows[i];
		json_t *rates = json_array(), *links = json_array();

		for (k = 0; k < CS_RATES; k++) {
			int p = cs_rate(row, false, k);

			json_array_append_new(rates, p < 0 ? json_null() :
					      json_real(p / 10.0));
			json_array_append_new(links, href_json(row, s->year,
							       cs_rate_num(k)));
		}
		json_array_append_new(rows, json_pack(
			"{s:s,s:[I,I],s:[o,o],s:o,s:o}", "label", row->label,
			"received", (json_int_t)row->now[CS_RECEIVED],
			(json_int_t)row->last[CS_RECEIVED], "links",
			href_json(row, s->year, CS_RECEIVED),
			href_json(row, s->year - 1, CS_RECEIVED), "rates",
			rates, "rate_links", links));
	}
	return json_pack("{s:i,s:i,s:o,s:o}", "year", s->year, "prev",
			 s->year - 1, "rows", rows, "rate_titles", titles);
}

/* JSON inside <script type="application/json">: '<', '>' and '&' can
 * only occur inside JSON strings, where \u escapes mean the same, so
 * nothing in the data can close the element or open a comment. */
static void json_block(struct buf *b, json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT);
	struct buf safe = BUF_INIT;
	const char *p;

	for (p = text ? text : "{}"; *p; p++) {
		if (*p == '<')
			buf_puts(&safe, "\\u003c");
		else if (*p == '>')
			buf_puts(&safe, "\\u003e");
		else if (*p == '&')
			buf_puts(&safe, "\\u0026");
		else
			buf_putc(&safe, *p);
	}
	html(b, "<script type=\"application/json\" id=\"stats-data\">");
	html_raw(b, buf_cstr(&safe));
	html(b, "</script>");
	buf_release(&safe);
	free(text);
}

static void charts(struct req *r, const struct case_stats *s)
{
	struct buf *b = &r->out;
	json_t *data = chart_data(s);

	/* Hidden until stats.js has drawn them. */
	html(b, "<div class=\"grid\" id=\"stats-charts\" hidden>"
	     "<section class=\"card\" aria-labelledby=\"chart-received-h\">"
	     "<h2 id=\"chart-received-h\">收件数量：%d年与%d年</h2>"
	     "<div class=\"chart\" id=\"chart-received\" role=\"img\" aria-label=\"收件数量"
	     "柱状图，数据见统计表\"></div></section>"
	     "<section class=\"card\" aria-labelledby=\"chart-rates-h\">"
	     "<h2 id=\"chart-rates-h\">%d年办结率、按时办结率、满意率</h2>"
	     "<div class=\"chart\" id=\"chart-rates\" role=\"img\" aria-label=\"办结率、"
	     "按时办结率、满意率柱状图，数据见统计表\"></div></section></div>",
	     s->year, s->year - 1, s->year);
	json_block(b, data);
	json_decref(data);
}

static void scripts(struct req *r)
{
	struct buf *b = &r->out;

	html(b, "<script src=\"");
	page_asset_url(r, "vendor/echarts.min.js");
	html(b, "\" defer></script><script src=\"");
	page_asset_url(r, "js/stats.js");
	html(b, "\" defer></script>");
}

/* ---- the handler ---- */

static void export_link(struct buf *b, int year)
{
	html(b, "<p class=\"actions\"><a class=\"button\" "
	     "href=\"/stats/cases.xlsx?year=%d\" download>导出 Excel</a> "
	     "<span class=\"muted\">统计表（按来源渠道、按承办部门）和%d年"
	     "案件台账；导出操作将记入审计日志。</span></p>", year, year);
}

/*
 * GET /stats/cases?year=YYYY&by=channel|dept: the filter form, the
 * charts, the table and the definitions.  A bad parameter shows the form
 * again with the reason (400).
 */
int page_case_stats(struct req *r)
{
	cal_day today = cal_day_of(clock_now());
	int this_year = cal_year(today);
	struct fz_err err = { 0 };
	struct case_stats s;
	struct params p;
	int *years = NULL;
	size_t nyears = 0;
	int rc;

	rc = case_stats_years(r->db, &years, &nyears);
	if (rc < 0)
		return req_db_fail(r, rc);
	if (parse_params(r, this_year, &p, &err)) {
		page_begin(r, TITLE);
		page_alert(&r->out, "filter-error", err.msg);
		filter_form(r, years, nyears, this_year, &p, true);
		page_end(r);
		free(years);
		return 400;
	}
	rc = case_stats_compute(r->db, p.year, p.by, today, &s);
	if (rc < 0) {
		free(years);
		return req_db_fail(r, rc);
	}
	page_begin(r, TITLE);
	filter_form(r, years, nyears, this_year, &p, false);
	export_link(&r->out, p.year);
	charts(r, &s);
	stats_table(r, &s);
	notes(r, &s, this_year);
	scripts(r);
	page_end(r);
	case_stats_release(&s);
	free(years);
	return 200;
}

/* ---- the cases behind a figure ---- */

/* A value that looks like an id of a definition: [a-z0-9_], < 32. */
static bool id_like(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= 31 || !((s[i] >= 'a' && s[i] <= 'z') ||
				 (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static int parse_filter(struct req *r, int this_year, struct cs_filter *f,
			int64_t *page, struct fz_err *err)
{
	const char *proc = req_query(r, "procedure");
	const char *ch = req_query(r, "channel");
	const char *dept = req_query(r, "dept");
	const char *year = req_query(r, "year");
	const char *state = req_query(r, "state");
	const char *pg = req_query(r, "page");
	int64_t v;
	int m;

	memset(f, 0, sizeof(*f));
	f->year = this_year;
	*page = 1;
	if (proc && *proc && !str_eq(proc, "petition") &&
	    !str_eq(proc, "hotline"))
		return fz_fail(err, 400, "bad_procedure", "没有这一办理程序");
	snprintf(f->procedure, sizeof(f->procedure), "%s", proc ? proc : "");
	if (ch && !id_like(ch))
		return fz_fail(err, 400, "bad_channel", "来源渠道无效");
	snprintf(f->channel, sizeof(f->channel), "%s", ch ? ch : "");
	if (dept && *dept) {
		if (parse_int64(dept, 1, INT64_MAX, &v))
			return fz_fail(err, 400, "bad_dept", "部门编号无效");
		f->dept_id = v;
	}
	if (year && *year) {
		if (parse_int64(year, 1971, 9998, &v))
			return fz_fail(err, 400, "bad_year", "年度须为 1971 到 "
				       "9998 之间的四位数字");
		f->year = (int)v;
	}
	if (state && *state) {
		m = cs_measure_by_name(state);
		if (m < 0)
			return fz_fail(err, 400, "bad_state", "统计项无效");
		f->measure = m;
	}
	if (pg && *pg && parse_int64(pg, 1, 100000, page))
		return fz_fail(err, 400, "bad_page", "页码无效");
	return 0;
}

static const char *const list_cols[] = {
	"案件编号", "来源渠道", "收件日期", "承办部门", "办理状态",
	"办理期限截止日", "办结日期", "是否按期", "满意度评价",
	"法律顾问介入（次）", NULL,
};

struct listing {
	struct buf *b;
	const struct cs_depts *depts;
	const struct desk_ctx *ctx; /* the viewer */
	int64_t first, last;        /* rows shown: [first, last) */
	int64_t n, legal, closed;   /* closed: rows the viewer may not open */
};

/* Whether the viewer may open the case's page (the desk's rule): the
 * statistics count every case, but link only those, so that a number
 * does not lead to a page saying the case does not exist. */
static bool may_open(const struct listing *l, int64_t id)
{
	struct case_info c;
	struct fz_err err;
	bool ok;

	if (case_get(l->ctx->e.db, id, &c, &err))
		return false;
	ok = desk_may_read(&l->ctx->e, &c);
	case_info_release(&c);
	return ok;
}

static void day_cell(struct buf *b, cal_day d)
{
	char s[11];

	if (d <= 0) {
		html(b, "<td></td>");
		return;
	}
	cal_format(d, s);
	html(b, "<td class=\"nowrap\"><time datetime=\"%s\">%s</time></td>",
	     s, s);
}

static int list_row(const struct cs_case *c, void *arg)
{
	struct listing *l = arg;
	struct buf *b = l->b;

	l->legal += c->legal;
	if (l->n++ < l->first || l->n > l->last)
		return 0;
	if (may_open(l, c->id)) {
		html(b, "<tr><th scope=\"row\" class=\"nowrap\"><a "
		     "href=\"/petitions/%I\">%s</a></th>", c->id, c->number);
	} else {
		html(b, "<tr><th scope=\"row\" class=\"nowrap\">%s</th>",
		     c->number);
		l->closed++;
	}
	html(b, "<td>%s</td>", c->source);
	day_cell(b, c->received);
	html(b, "<td>%s</td><td>%s</td>", cs_dept_name(l->depts, c->dept_id),
	     c->state_label);
	day_cell(b, c->due);
	day_cell(b, c->closed);
	html(b, "<td>%s</td><td>%s</td><td class=\"num\">%I</td></tr>",
	     cs_timeliness(c), cs_rating_label(c->satisfaction), c->legal);
	return 0;
}

static void list_pager(struct buf *b, const struct cs_filter *f,
		       int64_t page, int64_t total)
{
	int64_t pages = (total + LIST_PAGE - 1) / LIST_PAGE;
	struct buf href = BUF_INIT;

	if (pages <= 1)
		return;
	case_stats_href(f, &href);
	buf_puts(&href, strchr(buf_cstr(&href), '?') ? "&page=" : "?page=");
	html(b, "<nav class=\"pager\" aria-label=\"分页\">");
	if (page > 1)
		html(b, "<a href=\"%s%I\" rel=\"prev\">上一页</a>",
		     buf_cstr(&href), page - 1);
	html(b, "<span aria-current=\"page\">第 %I 页，共 %I 页</span>",
	     page, pages);
	if (page < pages)
		html(b, "<a href=\"%s%I\" rel=\"next\">下一页</a>",
		     buf_cstr(&href), page + 1);
	html(b, "</nav>");
	buf_release(&href);
}

/*
 * GET /stats/cases/list?procedure&channel&dept&year&state: the cases a
 * figure of the statistics counts (state names the measure, see
 * case_stats.h), 100 a page.
 */
int page_case_stats_list(struct req *r)
{
	cal_day today = cal_day_of(clock_now());
	struct fz_err err = { 0 };
	struct cs_depts depts;
	struct cs_filter f;
	struct buf rows = BUF_INIT, what = BUF_INIT;
	struct desk_ctx ctx;
	struct listing l = { .b = &rows, .depts = &depts, .ctx = &ctx };
	int64_t page;
	int rc;

	if (parse_filter(r, cal_year(today), &f, &page, &err))
		return req_fail(r, err.status, err.code, "%s", err.msg);
	rc = cs_depts_load(r->db, &depts);
	if (rc < 0)
		return req_db_fail(r, rc);
	desk_ctx_init(r, r->db, &ctx);
	l.first = (page - 1) * LIST_PAGE;
	l.last = page * LIST_PAGE;
	rc = case_stats_cases(r->db, &f, today, list_row, &l);
	if (rc < 0) {
		cs_depts_release(&depts);
		buf_release(&rows);
		return req_db_fail(r, rc);
	}
	if (page > 1 && l.first >= l.n) {
		cs_depts_release(&depts);
		buf_release(&rows);
		return req_fail(r, 400, "bad_page", "页码超出范围");
	}
	cs_filter_describe(&f, &depts, &what);
	page_begin(r, LIST_TITLE);
	html(&r->out, "<p class=\"lead\">%s：共 %I 件", buf_cstr(&what), l.n);
	if (f.measure == CS_LEGAL)
		html(&r->out, "，法律顾问介入 %I 次", l.legal);
	html(&r->out, "。</p>");
	if (l.closed)
		html(&r->out, "<p class=\"muted\">没有链接的案件编号是由其他"
		     "部门承办、您所在部门未参与的事项，本页只列出统计所需的信息；"
		     "如需查看，请联系承办部门。</p>");
	html(&r->out, "<p><a href=\"/stats/cases?year=%d%r\">返回统计表"
	     "</a></p>", f.year, f.dept_id ? "&amp;by=dept" : "");
	html_table_wrap(&r->out, "cases-cap");
	html(&r->out, "<table class=\"data\"><caption id=\"cases-cap\">%s"
	     "</caption>", buf_cstr(&what));
	table_head(&r->out, list_cols);
	html_raw(&r->out, buf_cstr(&rows));   /* built with html() above */
	table_end(&r->out, list_cols, (size_t)(l.n > l.first ? 1 : 0),
		  "没有符合条件的案件");
	list_pager(&r->out, &f, page, l.n);
	page_end(r);
	cs_depts_release(&depts);
	buf_release(&rows);
	buf_release(&what);
	return 200;
}
