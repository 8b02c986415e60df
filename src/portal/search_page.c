/* search_page.c: 信息检索, the portal's search page
 *
 * GET /gk/search?q=&c=&y=&page= searches the public items' titles and
 * bodies (portal/search.h): q the words, c a section's code (with its
 * subsections), y a year, page from 1.  A plain GET form, so results
 * can be linked to and reloaded; the page works without script.  Each
 * address may run RL_SEARCH's share of searches; showing the bare form
 * costs nothing.  Occurrences are marked with <mark> from the spans the
 * search returns; every piece of text goes through the escaping writer.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/util.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/ratelimit.h"
#include "portal/portal_ui.h"
#include "portal/search.h"
#include "store/store.h"

#define PAGE_SIZE 10
#define PAGE_MAX 1000             /* deeper pages are not worth a query */
#define PAGER_SPAN 2
#define QUERY_BYTES_MAX 400       /* refused before counting characters */
#define YEAR_FIRST 2000           /* ?y= from here, or the oldest item's */

/* The messages below say "40 个字". */
_Static_assert(SEARCH_QUERY_MAX == 40, "update the messages");

struct view {
	const char *q;                /* NULL: no search asked for */
	const char *code;             /* the section's code, "" for all */
	int year;                     /* 0: all */
	int64_t page;
	struct portal_cats cats;
	const struct portal_cat *cat;
	int first, last;              /* the years there are items of */
	const char *bad;              /* the id of the field found wrong */
};

static const char *param(struct req *r, const char *name)
{
	const char *s = req_query(r, name);

	return s ? s : "";
}

/* The section, year and page asked for; NULL, or what is wrong with
 * them and what is taken (msg holds it when it names numbers).  An empty
 * parameter is what the form sends for "all". */
static const char *read_view(struct req *r, struct view *v, char *msg,
			     size_t msg_size)
{
	const char *y = param(r, "y"), *page = param(r, "page");
	int first = YEAR_FIRST, last = cal_year_now();
	int64_t n = 0;

	v->q = req_query(r, "q");
	v->code = param(r, "c");
	v->cat = *v->code ? portal_cat_by_code(&v->cats, v->code) : NULL;
	v->page = 1;
	/* a year of the items' is always taken, even an odd one */
	if (v->first && v->first < first)
		first = v->first;
	if (v->last > last)
		last = v->last;
	if (*v->code && !v->cat) {
		v->code = "";
		v->bad = "c";
		return "没有这个栏目，请从“栏目”列表中选择，或选择“全部栏目”。";
	}
	if (*y && parse_int64(y, first, last, &n)) {
		v->bad = "y";
		snprintf(msg, msg_size, "发布年份应为 %d 至 %d 之间的年份（四位"
			 "数字），或选择“全部年份”。", first, last);
		return msg;
	}
	v->year = *y ? (int)n : 0;
	if (*page && parse_int64(page, 1, PAGE_MAX, &n)) {
		snprintf(msg, msg_size, "页码应为 1 至 %d 之间的整数。",
			 PAGE_MAX);
		return msg;
	}
	v->page = *page ? n : 1;
	return NULL;
}

/* ---- the form ---- */

#define CAT_DEPTH_MAX 4            /* indentation stops here */

/* The sections below `parent` (0: the top), each followed by its own,
 * indented by depth. */
static void cat_level(struct buf *b, const struct view *v, int64_t parent,
		      int depth)
{
	char label[320];
	size_t i;
	int k;

	for (i = 0; i < v->cats.n; i++) {
		const struct portal_cat *c = &v->cats.v[i];
		size_t len = 0;

		if (c->parent != parent)
			continue;
		for (k = 0; k < depth && k < CAT_DEPTH_MAX; k++) {
			memcpy(label + len, "　", strlen("　"));
			len += strlen("　");
		}
		snprintf(label + len, sizeof(label) - len, "%s", c->name);
		html_option(b, c->code, label, c == v->cat);
		if (depth < CAT_DEPTH_MAX)
			cat_level(b, v, c->id, depth + 1);
	}
}

static void cat_options(struct buf *b, const struct view *v)
{
	html_option(b, "", "全部栏目", !v->cat);
	cat_level(b, v, 0, 0);
}

static void year_options(struct buf *b, const struct view *v)
{
	char value[16];
	int y;

	html_option(b, "", "全部年份", !v->year);
	for (y = v->last; y >= v->first && y > 0; y--) {
		snprintf(value, sizeof(value), "%d", y);
		html_option(b, value, value, y == v->year);
	}
	/* a year from a link that has no items any more stays chosen */
	if (v->year && (v->year > v->last || v->year < v->first)) {
		snprintf(value, sizeof(value), "%d", v->year);
		html_option(b, value, value, 1);
	}
}

#define ERROR_ID "search-error"

/* The attributes that mark field `id` when it is the one found wrong. */
static const char *invalid(const struct view *v, const char *id)
{
	return v->bad && str_eq(v->bad, id) ? " aria-invalid=\"true\" "
	       "aria-describedby=\"" ERROR_ID "\"" : "";
}

static void search_form(struct req *r, const struct view *v,
			const char *error)
{
	struct buf *b = &r->out;
	bool bad_q = v->bad && str_eq(v->bad, "q");

	page_alert(b, ERROR_ID, error);
	html(b, "<form class=\"filters\" method=\"get\" action=\"/gk/search\" "
	     "role=\"search\"><div class=\"field\"><label for=\"q\">检索词"
	     "</label><input id=\"q\" name=\"q\" type=\"search\" value=\"%s\" "
	     "maxlength=\"%d\" required aria-describedby=\"q-hint%r\"%r>"
	     "</div><div class=\"field\"><label for=\"c\">栏目</label>"
	     "<select id=\"c\" name=\"c\"%r>", v->q ? v->q : "",
	     SEARCH_QUERY_MAX, bad_q ? " " ERROR_ID : "",
	     bad_q ? " aria-invalid=\"true\"" : "", invalid(v, "c"));
	cat_options(b, v);
	html(b, "</select></div><div class=\"field\"><label for=\"y\">"
	     "发布年份</label><select id=\"y\" name=\"y\"%r>",
	     invalid(v, "y"));
	year_options(b, v);
	html(b, "</select></div><div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">检索</button></div></form>"
	     "<p class=\"muted\" id=\"q-hint\">在已公开信息的标题和正文中检索，"
	     "一两个字也可以，如“征地”“税”。检索词按原样查找，最多 %d 个字。"
	     "</p>", SEARCH_QUERY_MAX);
}

/* ---- the results ---- */

/* `s` with the spans wrapped in <mark>. */
static void marked(struct buf *b, const char *s, const struct search_span *sp,
		   size_t n)
{
	size_t i, pos = 0;

	for (i = 0; i < n; i++) {
		html_txtn(b, s + pos, sp[i].off - pos);
		html_raw(b, "<mark>");
		html_txtn(b, s + sp[i].off, sp[i].len);
		html_raw(b, "</mark>");
		pos = sp[i].off + sp[i].len;
	}
	html_txt(b, s + pos);
}

static int render_hit(const struct search_hit *h, void *arg)
{
	struct buf *b = arg, href = BUF_INIT;
	char day[11];

	portal_item_path(&href, h->index_no);
	portal_date(h->published_at, day);
	html(b, "<li><h3><a href=\"%s\">", buf_cstr(&href));
	marked(b, h->title, h->title_spans, h->ntitle_spans);
	html(b, "</a></h3>");
	if (*h->snippet) {
		html(b, "<p class=\"gk-snippet\">%r", h->cut_before ? "…" : "");
		marked(b, h->snippet, h->snippet_spans, h->nsnippet_spans);
		html(b, "%r</p>", h->cut_after ? "…" : "");
	}
	html(b, "<p class=\"muted\"><time datetime=\"%s\">%s</time>", day,
	     day);
	if (*h->catalogue)
		html(b, " · %s", h->catalogue);
	html(b, "</p></li>");
	buf_release(&href);
	return 0;
}

/* A link to page `page` of the same search. */
static void page_href(struct buf *b, const struct view *v, int64_t page)
{
	html(b, "?q=%u", v->q);
	if (v->cat)
		html(b, "&amp;c=%u", v->code);
	if (v->year)
		html(b, "&amp;y=%d", v->year);
	html(b, "&amp;page=%I", page);
}

static void pager_link(struct buf *b, const struct view *v, int64_t page)
{
	if (page == v->page) {
		html(b, "<li><span aria-current=\"page\">%I</span></li>", page);
		return;
	}
	html(b, "<li><a href=\"");
	page_href(b, v, page);
	html(b, "\" aria-label=\"第 %I 页\">%I</a></li>", page, page);
}

static void pager(struct buf *b, const struct view *v, int64_t pages)
{
	int64_t i, from = v->page - PAGER_SPAN, to = v->page + PAGER_SPAN;

	if (pages <= 1)
		return;
	from = from < 1 ? 1 : from;
	to = to > pages ? pages : to;
	html(b, "<nav aria-label=\"分页\"><ul class=\"pager\">");
	if (v->page > 1) {
		html(b, "<li><a href=\"");
		page_href(b, v, v->page - 1);
		html(b, "\" rel=\"prev\">上一页</a></li>");
	}
	if (from > 1)
		pager_link(b, v, 1);
	if (from > 2)
		html(b, "<li><span>…</span></li>");
	for (i = from; i <= to; i++)
		pager_link(b, v, i);
	if (to < pages - 1)
		html(b, "<li><span>…</span></li>");
	if (to < pages)
		pager_link(b, v, pages);
	if (v->page < pages) {
		html(b, "<li><a href=\"");
		page_href(b, v, v->page + 1);
		html(b, "\" rel=\"next\">下一页</a></li>");
	}
	html(b, "</ul></nav>");
}

/* Run the search and write its results; 0, 1 when the page asked for is
 * past the last (said on the page; 404 as for the sections), or a DB_E*
 * code. */
static int results(struct req *r, const struct view *v)
{
	char *hans = i18n_to_hans(r->w, v->q);
	struct search_q q = { v->q, v->cat ? v->cat->id : 0, v->year,
			      (v->page - 1) * PAGE_SIZE, PAGE_SIZE };
	struct buf list = BUF_INIT, *b = &r->out;
	int64_t total = 0, pages;
	size_t n = hans ? search_query_chars(hans) : 0;
	int rc;

	if (n >= 1 && n <= SEARCH_QUERY_MAX)
		q.text = hans;
	rc = search_query(r->db, &q, render_hit, &list, &total);
	free(hans);
	if (rc) {
		buf_release(&list);
		return rc;
	}
	pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	if (pages > PAGE_MAX)
		pages = PAGE_MAX;
	html(b, "<section aria-labelledby=\"gk-results\"><h2 id=\"gk-results\">"
	     "检索结果</h2>");
	if (!total)
		html(b, "<p role=\"status\">没有找到含有“%s”的信息。</p><p "
		     "class=\"muted\">请检查用字，或换一个词、减少字数，或不限"
		     "栏目和年份再试。</p>", v->q);
	else if (v->page > pages)
		html(b, "<p role=\"status\">共找到 %I 条含有“%s”的信息，"
		     "没有第 %I 页。</p>", total, v->q, v->page);
	else
		html(b, "<p role=\"status\">共找到 %I 条含有“%s”的信息，"
		     "标题中含有的排在前面，其余按发布时间从新到旧排列。"
		     "第 %I 页，共 %I 页。</p><ol class=\"gk-results\" "
		     "start=\"%I\">%r</ol>", total, v->q, v->page, pages,
		     q.offset + 1, buf_cstr(&list));
	pager(b, v, pages);
	html(b, "</section>");
	buf_release(&list);
	return total && v->page > pages;
}

/* ---- the page ---- */

static int render(struct req *r, struct view *v, const char *error,
		  int status)
{
	struct portal_page p = { .title = "信息检索", .nav = "/gk/search",
				 .canonical = "/gk/search", .noindex = true };
	int rc = 0;

	portal_begin(r, &p);
	search_form(r, v, error);
	if (!error && v->q)
		rc = results(r, v);
	portal_end(r);
	if (rc < 0) {
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	return rc ? 404 : status;
}

/* What is wrong with the query, or NULL. */
static const char *check_query(const char *q)
{
	size_t n;

	if (strlen(q) > QUERY_BYTES_MAX)
		return "检索词太长，请不超过 40 个字。";
	n = search_query_chars(q);
	if (n == 0)
		return "请输入要检索的字词。";
	if (n > SEARCH_QUERY_MAX)
		return "检索词太长，请不超过 40 个字。";
	return NULL;
}

/* GET /gk/search: the form, and with ?q= the results; parameters that
 * are not understood get the form and what to put in it. */
int portal_search(struct req *r)
{
	struct view v = { 0 };
	const char *error = NULL;
	char key[96], msg[200];
	int rc, status = 200;

	if ((rc = portal_font_redirect(r)))
		return rc;
	rc = portal_cats_load(r->db, &v.cats);
	if (!rc)
		rc = search_years(r->db, &v.first, &v.last);
	if (rc) {
		portal_cats_release(&v.cats);
		return req_db_fail(r, rc);
	}
	error = read_view(r, &v, msg, sizeof(msg));
	if (!error && v.q && (error = check_query(v.q)))
		v.bad = "q";
	if (error) {
		status = 400;
	} else if (v.q) {
		snprintf(key, sizeof(key), "search:%s", r->ip);
		if (!ratelimit_take(RL_SEARCH, key)) {
			error = "检索过于频繁，请稍后再试。";
			status = 429;
		}
	}
	rc = render(r, &v, error, status);
	portal_cats_release(&v.cats);
	return rc;
}
