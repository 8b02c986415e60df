/* pages.c: the permits register on the staff side
 *
 * Staff read the register, its full-text electronic rate per year and
 * each record; 经办人 and 信息公开专员 enter decisions one at a time or
 * import a sheet of them.  A record is public from the moment it is
 * saved (双公示: within 7 working days of the decision), so the form
 * says so, and the record page shows the deadline and when it was met.
 */
#include "permit/permit_pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/session.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/server.h"
#include "permit/permit.h"
#include "store/store.h"

#define RATE_YEARS 6               /* years in the rate table */
#define DEFAULT_AUTHORITY "新昌高新园区管理委员会"

static const char *const common_items[] = {
	"建设工程规划许可", "建筑工程施工许可", "排污许可", "食品经营许可",
	"建设用地规划许可", "乡村建设规划许可", "城镇污水排入排水管网许可",
	"公共场所卫生许可",
};

/* ---- shared with public.c ---- */

void permit_html_validity(struct buf *b, const struct permit *p)
{
	const char *from = p->valid_from ? p->valid_from : "";
	const char *to = p->valid_to ? p->valid_to : "";

	/* a line may break at 至, never inside a date */
	if (*from && *to)
		html(b, "<span class=\"nowrap\">%s</span> 至 <span "
		     "class=\"nowrap\">%s</span>", from, to);
	else if (*to)
		html(b, "至 <span class=\"nowrap\">%s</span>", to);
	else if (*from)
		html(b, "<span class=\"nowrap\">%s</span> 起", from);
	else
		html(b, "—");
}

void permit_html_rate(struct buf *b, int64_t items, int64_t with_fulltext)
{
	int64_t permille;

	if (items <= 0) {
		html(b, "—");
		return;
	}
	/* rounded to one decimal of a percent */
	permille = (with_fulltext * 2000 + items) / (items * 2);
	html(b, "%I.%I%%", permille / 10, permille % 10);
}

void permit_html_pager(struct buf *b, const char *path, const char *args,
		       int64_t page, int64_t total)
{
	int64_t pages = (total + PERMIT_PAGE_SIZE - 1) / PERMIT_PAGE_SIZE;

	if (pages <= 1 && page == 1)
		return;
	html(b, "<nav class=\"pager\" aria-label=\"分页\">");
	if (page > 1)
		html(b, "<a href=\"%s?%rpage=%I\" rel=\"prev\">上一页</a>",
		     path, args, page - 1);
	html(b, "<span>第 %I 页，共 %I 页</span>", page, pages ? pages : 1);
	if (page < pages)
		html(b, "<a href=\"%s?%rpage=%I\" rel=\"next\">下一页</a>",
		     path, args, page + 1);
	html(b, "</nav>");
}

/* ---- the query of a list, shared with public.c ---- */

#define YEARS_MAX 200      /* 1970 to this year: decisions are never later */

static const char *qstr(struct req *r, const char *k)
{
	const char *s = req_query(r, k);

	return s ? s : "";
}

/* The years a list may be asked for: from PERMIT_YEAR_FIRST, or the
 * oldest decision's year if a register goes further back, to this year. */
static int year_range(struct db *db, int *first, int *last)
{
	int years[YEARS_MAX];
	size_t n;
	int rc = permit_years(db, years, YEARS_MAX, &n);

	*first = PERMIT_YEAR_FIRST;
	*last = cal_year_now();
	if (rc < 0)
		return rc;
	if (n && years[n - 1] < *first)
		*first = years[n - 1];
	if (n && years[0] > *last)
		*last = years[0];
	return 0;
}

__attribute__((format(printf, 2, 3)))
static void complain(struct permit_query *q, const char *fmt, ...)
{
	size_t len = strlen(q->msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->msg + len, sizeof(q->msg) - len, fmt, ap);
	va_end(ap);
}

/* `s` in Simplified characters in `out`, or `s` itself when it cannot be
 * converted or would not fit. */
static const char *hans(struct req *r, const char *s, char *out, size_t n)
{
	char *t = i18n_to_hans(r->w, s);
	bool fits = t && strlen(t) < n;

	if (fits)
		memcpy(out, t, strlen(t) + 1);
	free(t);
	return fits ? out : s;
}

int permit_query_read(struct req *r, struct permit_filter *f,
		      struct permit_query *q)
{
	const char *page = qstr(r, "page");
	int64_t n;
	int rc;

	memset(q, 0, sizeof(*q));
	q->year = qstr(r, "year");
	f->q = qstr(r, "q");
	f->year = 0;
	f->page = 1;
	if ((rc = year_range(r->db, &q->first, &q->last)) < 0)
		return rc;
	/* an empty field is what the form sends for "any" */
	if (*q->year && parse_int64(q->year, q->first, q->last, &n) == 0) {
		f->year = (int)n;
	} else if (*q->year) {
		q->bad |= PERMIT_BAD_YEAR;
		complain(q, "年度应为 %d 至 %d 之间的年份（四位数字），不填则"
			 "不限年度。", q->first, q->last);
	}
	if (utf8_chars(f->q, strlen(f->q)) > PERMIT_Q_MAX_CHARS) {
		q->bad |= PERMIT_BAD_Q;
		complain(q, "查询内容太长，请不超过 %d 个字。",
			 PERMIT_Q_MAX_CHARS);
	} else if (*f->q) {
		f->q = hans(r, f->q, q->q, sizeof(q->q));
	}
	if (*page && parse_int64(page, 1, INT64_MAX, &n)) {
		q->bad |= PERMIT_BAD_PAGE;
		complain(q, "页码应为从 1 开始的整数。");
	} else if (*page) {
		/* further than any list goes: beyond its end all the same */
		f->page = n > PERMIT_PAGE_MAX ? PERMIT_PAGE_MAX + 1 : n;
	}
	return 0;
}

bool permit_page_missing(const struct permit_filter *f, int64_t total)
{
	int64_t pages = (total + f->size - 1) / f->size;

	return f->page > 1 && f->page > pages;
}

const char *permit_field_invalid(const struct permit_query *q, unsigned bad)
{
	return q->bad & bad ? " aria-invalid=\"true\" aria-describedby=\""
			      PERMIT_ERROR_ID "\"" : "";
}

/* ---- small things ---- */

static void free_names(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int forbidden(struct req *r)
{
	return req_fail(r, 403, "forbidden", "只有经办人和信息公开专员可以登记"
			"和导入行政许可记录");
}

/* ---- the list ---- */

static int rate_card(struct req *r)
{
	struct buf *b = &r->out;
	int years[RATE_YEARS];
	size_t n, i;
	int rc = permit_years(r->db, years, RATE_YEARS, &n);

	if (rc < 0 || !n)
		return rc;
	html(b, "<section class=\"card\" aria-labelledby=\"rate-h\"><h2 "
	     "id=\"rate-h\">全文电子化率</h2>");
	html_table_wrap(b, "rate-h");
	html(b, "<table class=\"data\"><caption>按许可决定日期所在年度统计："
	     "全文电子化率 = 有电子全文的许可决定数 ÷ 许可决定数</caption>"
	     "<thead><tr><th scope=\"col\">年度</th><th scope=\"col\" "
	     "class=\"num\">许可决定</th><th scope=\"col\" class=\"num\">"
	     "有电子全文</th><th scope=\"col\" class=\"num\">全文电子化率"
	     "</th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		int64_t items, with;

		if ((rc = permit_rate(r->db, years[i], &items, &with)) < 0)
			return rc;
		html(b, "<tr><th scope=\"row\"><a href=\"/permits?year=%d\">%d"
		     "</a></th><td class=\"num\">%I</td><td class=\"num\">%I"
		     "</td><td class=\"num\">", years[i], years[i], items,
		     with);
		permit_html_rate(b, items, with);
		html(b, "</td></tr>");
	}
	html(b, "</tbody></table></div></section>");
	return 0;
}

static void list_filters(struct req *r, const struct permit_filter *f,
			 const struct permit_query *q, char **items)
{
	struct buf *b = &r->out;
	size_t i;

	page_alert(b, PERMIT_ERROR_ID, q->msg);
	html(b, "<form method=\"get\" action=\"/permits\" class=\"filters\" "
	     "role=\"search\" aria-label=\"筛选许可记录\"><div class=\"field\">"
	     "<label for=\"f-year\">年度</label><input id=\"f-year\" "
	     "name=\"year\" type=\"number\" min=\"%d\" max=\"%d\" "
	     "value=\"%s\"%r></div><div class=\"field\"><label for=\"f-item\">"
	     "许可事项</label><select id=\"f-item\" name=\"item\">", q->first,
	     q->last, q->year, permit_field_invalid(q, PERMIT_BAD_YEAR));
	html_option(b, "", "全部", !*f->item);
	for (i = 0; items[i]; i++)
		html_option(b, items[i], items[i], str_eq(items[i], f->item));
	html(b, "</select></div><div class=\"field\"><label for=\"f-q\">"
	     "相对人、代码或文书号</label><input id=\"f-q\" name=\"q\" "
	     "type=\"search\" maxlength=\"%d\" value=\"%s\"%r></div>"
	     "<div class=\"actions\"><button type=\"submit\">筛选</button>"
	     "</div></form>", PERMIT_Q_MAX_CHARS, f->q,
	     permit_field_invalid(q, PERMIT_BAD_Q));
}

static void fulltext_badge(struct buf *b, const struct permit *p)
{
	if (p->fulltext_id)
		html(b, "<span class=\"badge\">已上传</span>");
	else if (p->fulltext)
		html(b, "<span class=\"badge\">已电子化</span>");
	else
		html(b, "<span class=\"muted\">无</span>");
}

static void list_table(struct req *r, const struct permit_list *l)
{
	static const char *const cols[] = {
		"决定文书号", "许可事项", "行政相对人", "统一社会信用代码",
		"决定日期", "有效期", "电子全文", NULL,
	};
	struct buf *b = &r->out;
	size_t i;

	html_table_wrap(b, "list-cap");
	html(b, "<table class=\"data\"><caption id=\"list-cap\">共 %I 条"
	     "</caption>", l->total);
	table_head(b, cols);
	for (i = 0; i < l->n; i++) {
		const struct permit *p = &l->v[i];

		html(b, "<tr><th scope=\"row\"><a href=\"/permits/%I\">%s</a>"
		     "</th><td>%s</td><td>%s</td><td>%s</td>"
		     "<td class=\"nowrap\">%s</td><td>",
		     p->id, p->decision_no, p->item, p->holder,
		     p->holder_kind == PERMIT_PERSON ? "（自然人）" :
		     p->holder_code, p->decided_on);
		permit_html_validity(b, p);
		html(b, "</td><td>");
		fulltext_badge(b, p);
		html(b, "</td></tr>");
	}
	table_end(b, cols, l->n, "没有符合条件的许可记录");
}

/* GET /permits: the register, filtered by ?year= ?item= ?q=, paged; a
 * query that is not understood gets the form and what to put in it. */
int page_permits(struct req *r)
{
	struct permit_filter f = { .size = PERMIT_PAGE_SIZE };
	struct permit_list l = { 0 };
	struct permit_query q;
	struct buf args = BUF_INIT;
	char **items = NULL;
	int rc;

	f.item = qstr(r, "item");
	rc = permit_query_read(r, &f, &q);
	if (rc == 0 && !q.bad)
		rc = permit_list_load(r->db, &f, &l);
	if (rc == 0 && !q.bad && permit_page_missing(&f, l.total)) {
		rc = req_fail(r, 404, "not_found", "没有这一页。");
		goto fail;
	}
	if (rc == 0)
		rc = permit_item_names(r->db, &items);
	if (rc < 0)
		goto fail;
	page_begin(r, "行政许可公示登记");
	html(&r->out, "<p class=\"lead\">按照“双公示”要求，行政许可决定应自作出"
	     "之日起 7 个工作日内公示。本登记簿中的记录保存后即在门户网站"
	     "<a href=\"/gk/permits\">行政许可公示</a>栏目公开。</p>");
	if (permit_may_write(r->user->roles))
		html(&r->out, "<div class=\"actions\"><a class=\"button "
		     "primary\" href=\"/permits/new\">登记许可决定</a>"
		     "<a class=\"button\" href=\"/permits/import\">批量导入"
		     "</a></div>");
	if (!q.bad && (rc = rate_card(r)) < 0) {
		buf_reset(&r->out);
		goto fail;
	}
	html(&r->out, "<h2>许可记录</h2>");
	list_filters(r, &f, &q, items);
	if (!q.bad) {
		list_table(r, &l);
		if (f.year)
			html(&args, "year=%d&amp;", f.year);
		html(&args, "item=%u&amp;q=%u&amp;", f.item, f.q);
		permit_html_pager(&r->out, "/permits", buf_cstr(&args),
				  f.page, l.total);
	}
	page_end(r);
	rc = q.bad ? 400 : 200;
fail:
	buf_release(&args);
	free_names(items);
	permit_list_release(&l);
	return rc < 0 ? req_db_fail(r, rc) : rc;
}

/* ---- one record ---- */

static int load(struct req *r, struct permit *p)
{
	int64_t id;
	int rc;

	if (req_path_id(r, 0, &id) < 0)
		return req_fail(r, 404, "not_found", "许可记录不存在");
	rc = permit_get(r->db, id, p);
	if (rc < 0)
		return req_db_fail(r, rc);
	if (rc == 1)
		return req_fail(r, 404, "not_found", "许可记录不存在");
	return 0;
}

/* When it was due on the portal and when it got there. */
static void deadline(struct req *r, const struct permit *p)
{
	struct buf *b = &r->out;
	int32_t due;
	cal_day on = cal_day_of(p->published_at);
	char d[11], pub[11];

	if (permit_publish_due(server_calendar(r->w->srv), p->decided_on,
			       &due))
		return;
	cal_format(due, d);
	cal_format(on, pub);
	html(b, "<dt>公示时限</dt><dd>应于 %s 前公示（决定作出之日起 7 个工作"
	     "日内）；%s 公示 ", d, pub);
	if (on <= due)
		html(b, "<span class=\"badge\">按时</span>");
	else
		html(b, "<span class=\"badge\">逾期</span>");
	html(b, "</dd>");
}

static void file_dd(struct req *r, const struct permit *p, const char *href)
{
	struct attach_store s;
	struct attach_info a = { 0 };
	struct fz_err err = { 0 };

	if (!p->fulltext_id) {
		html(&r->out, "%s", p->fulltext ? "已电子化（未随本记录上传）" :
		     "无电子全文");
		return;
	}
	attach_store_from_req(r, &s);
	if (attach_get(r->db, &s, p->fulltext_id, &a, &err) == 0)
		html(&r->out, "<a href=\"%s\" download>%s</a> <span class=\""
		     "muted\">（%I KB）</span>", href, a.name ? a.name :
		     "许可决定书", (a.size + 1023) / 1024);
	else
		html(&r->out, "<a href=\"%s\" download>下载全文</a>", href);
	attach_info_release(&a);
}

/* GET /permits/{id}: the record as staff see it. */
int page_permit(struct req *r)
{
	struct permit p;
	struct buf *b = &r->out;
	char when[17], href[64];
	int rc = load(r, &p);

	if (rc)
		return rc;
	page_begin(r, p.decision_no);
	html(b, "<dl class=\"card\"><dt>许可事项</dt><dd>%s</dd>"
	     "<dt>决定文书号</dt><dd>%s</dd><dt>行政相对人名称</dt><dd>%s</dd>"
	     "<dt>行政相对人类别</dt><dd>%s</dd>", p.item, p.decision_no,
	     p.holder, p.holder_kind == PERMIT_PERSON ? "自然人" :
	     "法人及非法人组织");
	if (p.holder_kind == PERMIT_ORG)
		html(b, "<dt>统一社会信用代码</dt><dd>%s</dd>", p.holder_code);
	html(b, "<dt>许可决定日期</dt><dd>%s</dd><dt>有效期</dt><dd>",
	     p.decided_on);
	permit_html_validity(b, &p);
	html(b, "</dd><dt>许可机关</dt><dd>%s</dd><dt>许可依据</dt><dd>%s"
	     "</dd><dt>电子全文</dt><dd>", p.authority,
	     *p.legal_basis ? p.legal_basis : "—");
	snprintf(href, sizeof(href), "/permits/%lld/fulltext",
		 (long long)p.id);
	file_dd(r, &p, href);
	clock_local_minute(p.published_at, when);
	html(b, "</dd><dt>公示时间</dt><dd>%s</dd>", when);
	deadline(r, &p);
	if (*p.imported_from)
		html(b, "<dt>导入批次</dt><dd>%s</dd>", p.imported_from);
	html(b, "</dl><div class=\"actions\"><a href=\"/gk/permits/%I\">查看"
	     "公示页面</a><a href=\"/permits\">返回登记簿</a></div>", p.id);
	page_end(r);
	permit_release(&p);
	return 200;
}

/* GET /permits/{id}/fulltext: the decision's full text; a natural
 * person's is personal data, and each download of it is audited. */
int page_permit_file(struct req *r)
{
	struct attach_store s;
	struct attach_blob blob = { 0 };
	struct fz_err err = { 0 };
	struct permit p;
	char obj[40];
	int rc = load(r, &p);

	if (rc)
		return rc;
	attach_store_from_req(r, &s);
	if (!p.fulltext_id) {
		rc = req_fail(r, 404, "not_found", "该许可记录没有上传全文");
	} else if (attach_open(r->db, &s, p.fulltext_id, &blob, &err)) {
		rc = req_fail(r, err.status, err.code, "%s", err.msg);
	} else {
		snprintf(obj, sizeof(obj), "permit:%lld", (long long)p.id);
		if (p.holder_kind == PERMIT_PERSON &&
		    audit_req_tx(r, "permit.fulltext.view", obj, "success",
				 NULL) < 0)
			rc = req_db_fail(r, DB_ERR);
		else
			rc = attach_send(r, &blob);
	}
	attach_blob_release(&blob);
	permit_release(&p);
	return rc;
}

/* ---- the form ---- */

static void problems_box(struct req *r, const struct permit_report *rep)
{
	size_t i;

	html(&r->out, "<div class=\"error\" role=\"alert\"><p>未保存，请更正："
	     "</p><ul>");
	for (i = 0; i < rep->n; i++)
		if (!rep->v[i].warning)
			html(&r->out, "<li>%s%s%s</li>", rep->v[i].column ?
			     rep->v[i].column : "",
			     rep->v[i].column ? "：" : "", rep->v[i].msg);
	html(&r->out, "</ul></div>");
}

static void date_input(struct buf *b, const char *name, const char *label,
		       const char *value, bool required)
{
	char today[11];

	cal_format(cal_day_of(clock_now()), today);
	html(b, "<div class=\"field\"><label for=\"%s\">%s</label><input "
	     "id=\"%s\" name=\"%s\" type=\"date\" value=\"%s\"%r", name, label,
	     name, name, value, required ? " required" : "");
	if (required)
		html(b, " max=\"%s\"", today);
	html(b, "></div>");
}

static int render_form(struct req *r, const struct permit_report *rep,
		       int status)
{
	struct buf *b = &r->out;
	bool post = r->method == HM_POST;
	char **items = NULL;
	size_t i;

	if (permit_item_names(r->db, &items) < 0)
		items = NULL;
	page_begin(r, "登记许可决定");
	html(b, "<p class=\"lead\">保存后即在门户网站“行政许可公示”栏目"
	     "公示。按照“双公示”要求，行政许可决定应自作出之日起 7 个工作日"
	     "内公示。</p>");
	if (rep)
		problems_box(r, rep);
	form_begin_files(r, "/permits", NULL);
	form_text(b, "item", "许可事项", post ? req_form_str(r, "item") : "",
		  PERMIT_ITEM_MAX, " required list=\"permit-items\"", NULL);
	html(b, "<datalist id=\"permit-items\">");
	for (i = 0; i < ARRAY_SIZE(common_items); i++)
		html(b, "<option value=\"%s\">", common_items[i]);
	for (i = 0; items && items[i]; i++)
		html(b, "<option value=\"%s\">", items[i]);
	html(b, "</datalist>");
	free_names(items);
	form_text(b, "decision_no", "决定文书号", post ?
		  req_form_str(r, "decision_no") : "", PERMIT_NUMBER_MAX, " required",
		  "如 新高许〔2022〕0001号");
	form_text(b, "holder", "行政相对人名称", post ? req_form_str(r, "holder") : "",
		  PERMIT_HOLDER_MAX, " required", NULL);
	form_text(b, "holder_code", "统一社会信用代码", post ?
		  req_form_str(r, "holder_code") : "", 24,
		  " required autocomplete=\"off\" spellcheck=\"false\"",
		  "法人和其他组织填写 18 位统一社会信用代码；行政相对人是自然人"
		  "的，填写其身份证号码，仅用于核验，不保存、不公开");
	date_input(b, "decided_on", "许可决定日期", post ?
		   req_form_str(r, "decided_on") : "", true);
	date_input(b, "valid_from", "有效期自（选填）", post ?
		   req_form_str(r, "valid_from") : "", false);
	form_text(b, "valid_to", "有效期至（选填）", post ?
		  req_form_str(r, "valid_to") : "", 20, NULL,
		  "日期，如 2027-03-04；没有期限的填写“长期”");
	form_text(b, "authority", "许可机关", post ? req_form_str(r, "authority") :
		  DEFAULT_AUTHORITY, PERMIT_AUTHORITY_MAX, " required", NULL);
	html(b, "<div class=\"field\"><label for=\"legal_basis\">许可依据"
	     "（选填）</label><textarea id=\"legal_basis\" name=\"legal_basis\""
	     " rows=\"3\" maxlength=\"%d\">%s</textarea></div>",
	     PERMIT_BASIS_MAX, post ? req_form_str(r, "legal_basis") : "");
	html(b, "<div class=\"field\"><label for=\"fulltext\">许可决定书全文"
	     "（选填）</label><input id=\"fulltext\" name=\"fulltext\" "
	     "type=\"file\" accept=\"%s\" aria-describedby=\"fulltext-hint\">"
	     "<p class=\"muted\" id=\"fulltext-hint\">上传决定书的电子文本，"
	     "计入全文电子化率。%s。</p></div>", attach_accept(),
	     attach_hint());
	html(b, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">保存并公示</button><a href=\"/permits\">取消"
	     "</a></div></form>");
	page_end(r);
	return status;
}

/* GET /permits/new */
int page_permit_new(struct req *r)
{
	if (!permit_may_write(r->user->roles))
		return forbidden(r);
	return render_form(r, NULL, 200);
}

static const struct upload *same_upload(const char *name, void *arg)
{
	const struct upload *u = arg;

	return u && str_eq(u->filename, name) ? u : NULL;
}

static int store_failed(struct req *r, const struct fz_err *err)
{
	return req_fail(r, err->status ? err->status : 500,
			err->code[0] ? err->code : "error", "%s", err->msg);
}

/* POST /permits: one decision from the form, published as it is saved. */
int page_permit_create(struct req *r)
{
	const struct upload *u = req_upload(r, "fulltext", 0);
	struct permit_input in = { 0 };
	struct permit_batch b;
	struct attach_store s;
	struct fz_err err = { 0 };
	struct actor who;
	struct permit p;
	char roles[256], loc[40];
	size_t i;
	int rc;

	if (!permit_may_write(r->user->roles))
		return forbidden(r);
	for (i = 0; i < PC_FULLTEXT; i++)
		in.v[i] = req_form(r, permit_col_field((enum permit_col)i));
	in.v[PC_FULLTEXT] = u ? u->filename : "否";
	permit_batch_init(&b, "");
	if (permit_check(&in, 0, cal_day_of(clock_now()), same_upload,
			 (void *)u, &p, &b.rep) == 0) {
		b.v = xcalloc(1, sizeof(*b.v));
		b.v[b.n++] = p;
		if ((rc = permit_batch_check_stored(r->db, &b)) < 0) {
			permit_batch_release(&b);
			return req_db_fail(r, rc);
		}
	}
	attach_store_from_req(r, &s);
	actor_from_req(r, &who, roles, sizeof(roles));
	rc = b.rep.errors ? 1 : permit_batch_store(r->db, &s, &who,
						   clock_now(), NULL, &b,
						   &err);
	if (rc == 1)
		rc = render_form(r, &b.rep, b.n ? 409 : 400);
	else if (rc < 0)
		rc = store_failed(r, &err);
	else {
		req_flash(r, "已保存，并已在门户网站公示");
		snprintf(loc, sizeof(loc), "/permits/%lld",
			 (long long)b.v[0].id);
		rc = req_redirect(r, loc);
	}
	permit_batch_release(&b);
	return rc;
}

/* ---- import ---- */

static void report_table(struct req *r, const struct permit_report *rep)
{
	static const char *const cols[] = { "行", "列", "问题", NULL };
	struct buf *b = &r->out;
	size_t i;

	if (!rep->n)
		return;
	html_table_wrap(b, "report-cap");
	html(b, "<table class=\"data\"><caption id=\"report-cap\">"
	     "逐行检查结果：%I 处错误，%I 处提示</caption>",
	     (int64_t)rep->errors, (int64_t)rep->warnings);
	table_head(b, cols);
	for (i = 0; i < rep->n; i++) {
		const struct permit_problem *p = &rep->v[i];

		if (p->row)
			html(b, "<tr><th scope=\"row\">第 %d 行</th>", p->row);
		else
			html(b, "<tr><th scope=\"row\">整个文件</th>");
		html(b, "<td>%s</td><td>%s%s</td></tr>", p->column ?
		     p->column : "—", p->warning ? "提示：" : "", p->msg);
	}
	table_end(b, cols, rep->n, "");
	if (rep->errors + rep->warnings > rep->n)
		html(b, "<p class=\"muted\">另有 %I 处问题未列出。</p>",
		     (int64_t)(rep->errors + rep->warnings - rep->n));
}

static void import_intro(struct buf *b)
{
	size_t i;

	html(b, "<p class=\"lead\">上传 CSV（UTF-8 编码）或 xlsx 文件，第一行为"
	     "列名：");
	for (i = 0; i < PC_COUNT; i++)
		html(b, "%s%s", i ? "、" : "",
		     permit_col_name((enum permit_col)i));
	html(b, "。系统逐行检查，全部正确才导入，有任何错误则一条也不导入。导入"
	     "的记录即在门户网站公示（“双公示”：决定作出之日起 7 个工作日内"
	     "公示）。</p><p class=\"muted\">“全文”列填“是”“否”，或填写决定书"
	     "文件名并在下面一并上传该文件；一次最多上传 %d 个全文文件，更多"
	     "的请用命令 fazhi permit import 导入。</p>", ATTACH_FILES_MAX);
}

static int render_import(struct req *r, const char *error,
			 const struct permit_batch *b, int status)
{
	struct buf *b2 = &r->out;

	page_begin(r, "批量导入许可记录");
	import_intro(b2);
	if (b) {
		const struct permit_report *rep = &b->rep;

		if (rep->errors)
			html(b2, "<div class=\"error\" role=\"alert\"><p>"
			     "未导入：共 %I 行数据，发现 %I 处错误。请按下表"
			     "更正后重新上传。</p></div>", (int64_t)rep->rows,
			     (int64_t)rep->errors);
		else
			html(b2, "<div class=\"flash\" role=\"status\">"
			     "检查通过：共 %I 行数据，其中 %I 条有电子全文，"
			     "可以导入。</div>", (int64_t)rep->rows,
			     (int64_t)rep->with_fulltext);
		report_table(r, rep);
	}
	form_begin_files(r, "/permits/import", error);
	html(b2, "<div class=\"field\"><label for=\"file\">许可记录文件</label>"
	     "<input id=\"file\" name=\"file\" type=\"file\" required "
	     "accept=\".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
	     "officedocument.spreadsheetml.sheet\"></div>"
	     "<div class=\"field\"><label for=\"fulltexts\">全文文件（选填）"
	     "</label><input id=\"fulltexts\" name=\"fulltexts\" type=\"file\" "
	     "multiple accept=\"%s\" aria-describedby=\"fulltexts-hint\">"
	     "<p class=\"muted\" id=\"fulltexts-hint\">文件名须与“全文”列中"
	     "填写的一致。%s。</p></div>"
	     "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" "
	     "value=\"1\" id=\"dry_run\"%r> 只检查，不导入</label>"
	     "<div class=\"actions\"><button type=\"submit\" class=\"primary\">"
	     "上传</button><a href=\"/permits\">返回登记簿</a></div></form>",
	     attach_accept(), attach_hint(),
	     str_eq(req_form_str(r, "dry_run"), "1") ? " checked" : "");
	page_end(r);
	return status;
}

/* GET /permits/import */
int page_permit_import_form(struct req *r)
{
	if (!permit_may_write(r->user->roles))
		return forbidden(r);
	return render_import(r, NULL, NULL, 200);
}

struct sent_files {
	struct upload *v;
	size_t n;
};

static const struct upload *sent_file(const char *name, void *arg)
{
	const struct sent_files *f = arg;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (str_eq(f->v[i].filename, name))
			return &f->v[i];
	return NULL;
}

static bool sheet_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcasecmp(name + n - 4, ".csv") == 0) ||
	       (n > 5 && strcasecmp(name + n - 5, ".xlsx") == 0) ||
	       (n > 4 && strcasecmp(name + n - 4, ".xls") == 0);
}

/* POST /permits/import: check a sheet, and store it when every row is
 * good (unless "dry_run"). */
int page_permit_import(struct req *r)
{
	const struct upload *f = req_upload(r, "file", 0);
	bool dry = str_eq(req_form_str(r, "dry_run"), "1");
	struct sent_files sent = { NULL, 0 };
	struct permit_batch b = { 0 };
	struct attach_store s;
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256], msg[160];
	size_t i;
	int rc;

	if (!permit_may_write(r->user->roles))
		return forbidden(r);
	if (!f || !f->len)
		return render_import(r, "请选择要导入的 CSV 或 xlsx 文件", NULL,
				     400);
	if (!sheet_name(f->filename))
		return render_import(r, "只能导入 .csv 或 .xlsx 文件", NULL,
				     415);
	sent.v = xcalloc(r->nuploads + 1, sizeof(*sent.v));
	for (i = 0; i < r->nuploads; i++)
		if (str_eq(r->uploads[i].field, "fulltexts"))
			sent.v[sent.n++] = r->uploads[i];
	if (sent.n && attach_check_all(sent.v, sent.n, &err)) {
		free(sent.v);
		return render_import(r, err.msg, NULL, err.status);
	}
	attach_store_from_req(r, &s);
	actor_from_req(r, &who, roles, sizeof(roles));
	rc = permit_import(r->db, &s, &who, f->filename, f->data, f->len,
			   sent_file, &sent, server_calendar(r->w->srv), dry,
			   &b, &err);
	if (rc < 0)
		rc = store_failed(r, &err);
	else if (rc == 1 || dry)
		rc = render_import(r, NULL, &b, rc == 1 ? 400 : 200);
	else {
		snprintf(msg, sizeof(msg), "已导入 %zu 条许可记录，已在门户网站"
			 "公示", b.rep.stored);
		req_flash(r, msg);
		rc = req_redirect(r, "/permits");
	}
	permit_batch_release(&b);
	free(sent.v);
	return rc;
}
