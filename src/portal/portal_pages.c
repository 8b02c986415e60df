/* portal_pages.c: the public portal's home and category lists
 *
 * "/" is the public's front door: visitors without a session get the
 * portal home, signed-in staff their 工作台 as before.  /gk/ is the home
 * itself: the latest items, the latest of each top-level section of the
 * disclosure catalogue, the catalogue with its counts, and links to every
 * service a citizen needs.  /gk/c/CODE lists a section (and its
 * subsections) page by page; /gk/c/CODE.xml and .atom are its feeds.
 *
 * A section whose information is published elsewhere, in a register of
 * its own such as /gk/permits or on another site, says where (信息所在位置,
 * kept by the officer in the catalogue), and the lists of sections do not
 * show it as empty when nothing is filed in it.
 */
#include "http/pages.h"

#include <stdio.h>
#include <string.h>

#include "auth/session.h"
#include "core/util.h"
#include "http/html.h"
#include "http/http.h"
#include "http/server.h"
#include "portal/portal_feeds.h"
#include "portal/portal_ui.h"
#include "portal/publication.h"
#include "portal/search.h"
#include "store/store.h"

#define HOME_LATEST 10            /* items under 最新信息 */
#define HOME_PER_CAT 6            /* items per section on the home page */
#define PAGE_SIZE 20              /* items per page of a section */
#define PAGE_MAX 100000
#define PAGER_SPAN 2              /* page links either side of this one */

/* ---- where a section's information lives ---- */

/* " (N)" after a section's name; nothing for a section with nothing
 * filed in it that points elsewhere, whose "(0)" would tell the citizen
 * there is nothing when the information is one click on. */
static void cat_count(struct buf *b, const struct portal_cat *k)
{
	if (k->total == 0 && *k->link)
		return;
	html(b, " <span class=\"muted\">(%I)</span>", k->total);
}

/* "本栏目信息在<a>…</a>公开。", a link off the site saying so. */
static void where_notice(struct buf *b, const struct portal_cat *k)
{
	bool ext = pub_link_external(k->link);

	html(b, "<p class=\"notice gk-where\">本栏目信息在<a href=\"%s\"%r>"
	     "%s%r</a>公开。</p>", k->link, ext ? " rel=\"noopener\"" : "",
	     *k->link_label ? k->link_label : k->link, ext ? "（外部网站）" :
	     "");
}

/* ---- the home page ---- */

struct service {
	const char *href;
	const char *label;
	const char *note;
	const char *route;        /* shown only when this route exists */
};

static const struct service services[] = {
	{ "/gk/permits", "行政许可公示", "行政许可决定的公示与查询",
	  "/gk/permits" },
	{ "/ysq/new", "依申请公开", "申请获取政府信息，凭查询码查看办理情况",
	  "/ysq/new" },
	{ "/petition/new", "网上信访和12345诉求", "在线提出信访事项或热线诉求",
	  "/petition/new" },
	{ "/petition/query", "办理进度查询", "凭查询码查看信访和诉求的答复",
	  "/petition/query" },
	{ "/gk/search", "信息检索", "按标题和正文检索已公开的信息",
	  "/gk/search" },
};

static void search_box(struct req *r)
{
	if (!portal_route_exists(r, "/gk/search"))
		return;
	html(&r->out, "<form class=\"gk-search\" method=\"get\" "
	     "action=\"/gk/search\" role=\"search\"><label for=\"gk-q\">"
	     "检索政府信息</label><input id=\"gk-q\" name=\"q\" type=\"search\" "
	     "maxlength=\"%d\" required placeholder=\"输入关键词，如：征地\">"
	     "<button type=\"submit\" class=\"primary\">检索</button></form>",
	     SEARCH_QUERY_MAX);
}

static void service_links(struct req *r)
{
	struct buf *b = &r->out;
	size_t i;

	html(b, "<section class=\"card gk-services\" "
	     "aria-labelledby=\"gk-svc\"><h2 id=\"gk-svc\">公众服务</h2>"
	     "<ul class=\"links\">");
	for (i = 0; i < ARRAY_SIZE(services); i++)
		if (portal_route_exists(r, services[i].route))
			html(b, "<li><a href=\"%s\">%s</a><span "
			     "class=\"muted\">%s</span></li>", services[i].href,
			     services[i].label, services[i].note);
	html(b, "<li><a href=\"/gk/rss.xml\">RSS订阅</a><span class=\"muted\">"
	     "用阅读器订阅最新公开的信息</span></li></ul></section>");
}

/* The catalogue as nested lists, each section with its item count. */
static void catalogue_tree(struct req *r, const struct portal_cats *c,
			   int64_t parent, int depth)
{
	struct buf *b = &r->out;
	size_t i;
	bool open = false;

	for (i = 0; i < c->n; i++) {
		const struct portal_cat *k = &c->v[i];

		if (k->parent != parent)
			continue;
		if (!open) {
			html(b, "<ul%r>", depth ? "" : " class=\"gk-tree\"");
			open = true;
		}
		html(b, "<li><a href=\"/gk/c/%u\">%s</a>", k->code, k->name);
		cat_count(b, k);
		if (depth < 3)
			catalogue_tree(r, c, k->id, depth + 1);
		html(b, "</li>");
	}
	if (open)
		html(b, "</ul>");
}

/* One top-level section's newest items, as a card. */
static int section_card(struct req *r, const struct portal_cat *k)
{
	struct buf *b = &r->out;
	int n;

	html(b, "<section class=\"card gk-section\" "
	     "aria-labelledby=\"gk-s-%I\"><h2 id=\"gk-s-%I\"><a "
	     "href=\"/gk/c/%u\">%s</a></h2>", k->id,
	     k->id, k->code, k->name);
	n = portal_list(r, k->id, HOME_PER_CAT, 0);
	if (n < 0)
		return n;
	if (n == 0)
		html(b, "<p class=\"muted\">暂无公开信息。</p>");
	else if (k->total > HOME_PER_CAT)
		html(b, "<p class=\"gk-more\"><a href=\"/gk/c/%u\">更多%s"
		     "<span class=\"visually-hidden\">（共 %I 条）</span></a>"
		     "</p>", k->code, k->name, k->total);
	html(b, "</section>");
	return 0;
}

static int render_home(struct req *r)
{
	struct portal_page p = {
		.title = "政府信息公开", .nav = "/gk/", .feed = "/gk/rss.xml",
		.feed_title = "新昌高新园区政府信息公开 最新信息",
		.canonical = "/gk/", .no_h1 = true,
	};
	struct buf *b = &r->out;
	struct portal_cats cats;
	size_t i;
	int rc;

	rc = portal_cats_load(r->db, &cats);
	if (rc < 0)
		return req_db_fail(r, rc);
	portal_begin(r, &p);
	html(b, "<div class=\"gk-hero\"><h1>新昌高新园区政府信息公开</h1>"
	     "<p class=\"lead\">%s依法主动公开政府信息，先审查、后公开，"
	     "接受社会监督。</p>", PORTAL_ORG);
	search_box(r);
	html(b, "</div><div class=\"gk-home\"><div class=\"gk-main\">"
	     "<section class=\"card gk-section\" aria-labelledby=\"gk-new\">"
	     "<h2 id=\"gk-new\">最新信息</h2>");
	rc = portal_list(r, 0, HOME_LATEST, 0);
	if (rc == 0)
		html(b, "<p class=\"muted\">暂无公开信息。</p>");
	html(b, "</section><div class=\"gk-sections\">");
	for (i = 0; rc >= 0 && i < cats.n; i++)
		if (!cats.v[i].parent && cats.v[i].total > 0)
			rc = section_card(r, &cats.v[i]);
	html(b, "</div></div><div class=\"gk-aside\">"
	     "<section class=\"card\" aria-labelledby=\"gk-cat\" "
	     "id=\"catalogue\"><h2 id=\"gk-cat\">信息公开目录</h2>");
	catalogue_tree(r, &cats, 0, 0);
	if (!cats.n)
		html(b, "<p class=\"muted\">目录尚未设置。</p>");
	html(b, "</section>");
	service_links(r);
	html(b, "</div></div>");
	portal_end(r);
	portal_cats_release(&cats);
	if (rc < 0) {
		buf_reset(b);
		return req_db_fail(r, rc);
	}
	return 200;
}

/* The name of a session cookie, as auth/session.c sets it. */
static const char *session_cookie(struct req *r)
{
	return r->w->srv->cfg.behind_tls ? "__Host-fz_sid" : "fz_sid";
}

/*
 * GET /: the staff's 工作台 for a signed-in account (with the same
 * password-state rule the router applies to other staff pages), the
 * portal home for everybody else.  A browser that still sends a session
 * cookie which no longer names a session (it expired, or was ended) is
 * a member of staff whose session ran out: they go to the login page,
 * and the dead cookie is cleared so that the next visit shows the
 * portal.
 */
int portal_root(struct req *r)
{
	const char *sid = req_cookie(r, session_cookie(r));
	int status;

	if (r->user) {
		status = session_check_password_state(r);
		return status ? status : page_home(r);
	}
	if (sid && *sid) {
		req_set_cookie(r, session_cookie(r), "", 0);
		return req_redirect(r, "/login");
	}
	status = portal_font_redirect(r);
	return status ? status : render_home(r);
}

/* GET /gk/ */
int portal_home(struct req *r)
{
	int status = portal_font_redirect(r);

	return status ? status : render_home(r);
}

/* GET /gk */
int portal_gk(struct req *r)
{
	return req_redirect(r, "/gk/");
}

/* ---- a section of the catalogue ---- */

/* 首页 › parent › … › this, as a breadcrumb trail. */
static void crumbs(struct req *r, const struct portal_cats *c,
		   const struct portal_cat *k)
{
	const struct portal_cat *chain[16];
	int n = 0;

	while (k && n < (int)ARRAY_SIZE(chain)) {
		chain[n++] = k;
		k = k->parent ? portal_cat_by_id(c, k->parent) : NULL;
	}
	html(&r->out, "<nav class=\"gk-crumbs\" aria-label=\"当前位置\"><ol>"
	     "<li><a href=\"/gk/\">政府信息公开</a></li>");
	while (n-- > 1)
		html(&r->out, "<li><a href=\"/gk/c/%u\">%s</a></li>",
		     chain[n]->code, chain[n]->name);
	html(&r->out, "<li aria-current=\"page\">%s</li></ol></nav>",
	     chain[0]->name);
}

static void subsections(struct req *r, const struct portal_cats *c,
			const struct portal_cat *k)
{
	size_t i;
	bool open = false;

	for (i = 0; i < c->n; i++) {
		if (c->v[i].parent != k->id)
			continue;
		if (!open)
			html(&r->out, "<nav class=\"gk-subs\" aria-label=\""
			     "下级目录\"><ul>");
		open = true;
		html(&r->out, "<li><a href=\"/gk/c/%u\">%s</a>", c->v[i].code,
		     c->v[i].name);
		cat_count(&r->out, &c->v[i]);
		html(&r->out, "</li>");
	}
	if (open)
		html(&r->out, "</ul></nav>");
}

static void pager_link(struct buf *b, int64_t page, int64_t cur)
{
	if (page == cur)
		html(b, "<li><span aria-current=\"page\">%I</span></li>", page);
	else
		html(b, "<li><a href=\"?page=%I\" aria-label=\"第 %I 页\">%I"
		     "</a></li>", page, page, page);
}

/* Previous, first, the pages around this one, last, next. */
static void pager(struct buf *b, int64_t cur, int64_t pages)
{
	int64_t i, from = cur - PAGER_SPAN, to = cur + PAGER_SPAN;

	if (pages <= 1)
		return;
	if (from < 1)
		from = 1;
	if (to > pages)
		to = pages;
	html(b, "<nav aria-label=\"分页\"><ul class=\"pager\">");
	if (cur > 1)
		html(b, "<li><a href=\"?page=%I\" rel=\"prev\">上一页</a></li>",
		     cur - 1);
	if (from > 1)
		pager_link(b, 1, cur);
	if (from > 2)
		html(b, "<li><span>…</span></li>");
	for (i = from; i <= to; i++)
		pager_link(b, i, cur);
	if (to < pages - 1)
		html(b, "<li><span>…</span></li>");
	if (to < pages)
		pager_link(b, pages, cur);
	if (cur < pages)
		html(b, "<li><a href=\"?page=%I\" rel=\"next\">下一页</a></li>",
		     cur + 1);
	html(b, "</ul></nav>");
}

static int render_category(struct req *r, const struct portal_cats *c,
			   const struct portal_cat *k, int64_t page)
{
	bool where = *k->link;
	struct buf *b = &r->out;
	struct buf feed = BUF_INIT, canon = BUF_INIT;
	struct portal_page p = { .title = k->name, .nav = "/gk/",
				 .no_h1 = true };
	int64_t pages = (k->total + PAGE_SIZE - 1) / PAGE_SIZE;
	int n;

	if (page > 1 && page > pages)
		return portal_not_found(r, "没有这一页。");
	buf_printf(&feed, "/gk/c/%s.xml", k->code);
	buf_printf(&canon, "/gk/c/%s", k->code);
	if (page > 1)
		buf_printf(&canon, "?page=%lld", (long long)page);
	p.feed = buf_cstr(&feed);
	p.canonical = buf_cstr(&canon);
	portal_begin(r, &p);
	crumbs(r, c, k);
	html(b, "<h1>%s</h1>", k->name);
	subsections(r, c, k);
	if (where)
		where_notice(b, k);
	html(b, "<section class=\"card gk-section\" aria-labelledby=\"gk-l\">"
	     "<h2 id=\"gk-l\">信息列表<span class=\"muted gk-count\">共 %I 条"
	     "</span></h2>", k->total);
	n = portal_list(r, k->id, PAGE_SIZE, (page - 1) * PAGE_SIZE);
	if (n == 0)
		html(b, "<p class=\"muted\">%s</p>", where ?
		     "本栏目未另行发布信息。" : "本栏目暂无公开信息。");
	pager(b, page, pages);
	html(b, "<p class=\"gk-feeds\">订阅本栏目：<a href=\"/gk/c/%u.xml\" "
	     "type=\"application/rss+xml\">RSS</a> · <a href=\"/gk/c/%u.atom\" "
	     "type=\"application/atom+xml\">Atom</a></p></section>",
	     k->code, k->code);
	portal_end(r);
	buf_release(&feed);
	buf_release(&canon);
	if (n < 0) {
		buf_reset(b);
		return req_db_fail(r, n);
	}
	return 200;
}

/* A segment "CODE", "CODE.xml" or "CODE.atom": the code into `code`,
 * and the kind of page. */
enum cat_kind { CAT_PAGE, CAT_RSS, CAT_ATOM };

static enum cat_kind split_segment(const char *seg, char *code, size_t n)
{
	size_t len = strlen(seg);
	enum cat_kind kind = CAT_PAGE;

	if (len > 4 && strcmp(seg + len - 4, ".xml") == 0) {
		kind = CAT_RSS;
		len -= 4;
	} else if (len > 5 && strcmp(seg + len - 5, ".atom") == 0) {
		kind = CAT_ATOM;
		len -= 5;
	}
	snprintf(code, n, "%.*s", (int)len, seg);
	return len < n ? kind : CAT_PAGE;
}

/* GET /gk/c/{code}, /gk/c/{code}.xml (RSS 2.0), /gk/c/{code}.atom */
int portal_category(struct req *r)
{
	const char *seg = req_path_param(r, 0);
	const char *page_s = req_query(r, "page");
	const struct portal_cat *k;
	struct portal_cats c;
	enum cat_kind kind;
	char code[64];
	int64_t page = 1;
	int status, rc;

	kind = split_segment(seg ? seg : "", code, sizeof(code));
	if (kind == CAT_PAGE) {
		status = portal_font_redirect(r);
		if (status)
			return status;
	}
	if (page_s && parse_int64(page_s, 1, INT64_MAX, &page))
		return portal_bad_request(r, "页码应为从 1 开始的整数。");
	if (page > PAGE_MAX)             /* beyond any section's end */
		return portal_not_found(r, "没有这一页。");
	rc = portal_cats_load(r->db, &c);
	if (rc < 0)
		return req_db_fail(r, rc);
	k = portal_cat_by_code(&c, code);
	if (!k)
		status = kind == CAT_PAGE ?
			 portal_not_found(r, "没有这个栏目。") :
			 req_fail(r, 404, "not_found", "没有这个栏目");
	else if (kind == CAT_PAGE)
		status = render_category(r, &c, k, page);
	else
		status = portal_feed(r, k->id, k->name, k->code,
				     kind == CAT_ATOM);
	portal_cats_release(&c);
	return status;
}
