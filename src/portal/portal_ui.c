/* portal_ui.c: what the public portal's pages share
 *
 * The frame mirrors page_begin()/page_end() of http/layout.c (the same
 * classes, so site.css styles and prints it alike) with the public's
 * navigation instead of the staff's, and without site.js: its font-size
 * switch keeps the choice in localStorage and would override the
 * server's, which here comes from a cookie so that it works without
 * script.
 */
#include "portal/portal_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/clock.h"
#include "core/util.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/server.h"
#include "store/store.h"

#define FONT_COOKIE "fz_fs"
#define FONT_COOKIE_SECONDS ((int64_t)365 * 86400)
#define HOST_MAX 255
#define CAT_DEPTH_MAX 16          /* a loop in parent_id stops here */

/* ---- the frame ---- */

struct nav_item {
	const char *href;
	const char *label;
	const char *route;        /* linked only when this route exists */
};

static const struct nav_item nav[] = {
	{ "/gk/", "首页", NULL },
	{ "/gk/permits", "行政许可公示", "/gk/permits" },
	{ "/ysq/new", "依申请公开", "/ysq/new" },
	{ "/petition/new", "网上信访", "/petition/new" },
	{ "/petition/query", "办理进度查询", "/petition/query" },
	{ "/gk/search", "信息检索", "/gk/search" },
};

bool portal_route_exists(struct req *r, const char *pattern)
{
	const struct server *srv = r->w->srv;
	size_t i;

	for (i = 0; i < srv->nroutes; i++)
		if ((srv->routes[i].methods & HM_GET) &&
		    strcmp(srv->routes[i].pattern, pattern) == 0)
			return true;
	return false;
}

/* "l", "s" or "" (medium) from the cookie. */
static const char *font_size(struct req *r)
{
	const char *fs = req_cookie(r, FONT_COOKIE);

	if (fs && (str_eq(fs, "l") || str_eq(fs, "s")))
		return fs;
	return "";
}

int portal_font_redirect(struct req *r)
{
	const char *fs = req_query(r, "fs");

	if (!fs)
		return 0;
	if (str_eq(fs, "l") || str_eq(fs, "s"))
		req_set_cookie(r, FONT_COOKIE, fs, FONT_COOKIE_SECONDS);
	else
		req_set_cookie(r, FONT_COOKIE, "", 0);
	return req_redirect(r, r->path);
}

void portal_font_links(struct req *r)
{
	static const struct { const char *fs, *label, *name; } sizes[] = {
		{ "l", "大", "大号字" }, { "m", "中", "中号字" },
		{ "s", "小", "小号字" },
	};
	const char *cur = font_size(r);
	size_t i;

	html(&r->out, "<p class=\"gk-fs\"><span id=\"gk-fs-label\">字号"
	     "</span><span role=\"group\" aria-labelledby=\"gk-fs-label\">");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		bool here = str_eq(sizes[i].fs, cur) ||
			    (!*cur && str_eq(sizes[i].fs, "m"));

		html(&r->out, "<a href=\"?fs=%s\" rel=\"nofollow\" "
		     "aria-label=\"%s\"%r>【%s】</a>", sizes[i].fs,
		     sizes[i].name, here ? " aria-current=\"true\"" : "",
		     sizes[i].label);
	}
	html(&r->out, "</span></p>");
}

/* The section the page is in is marked; as "page" only on the section's
 * own page, since an item or a category is not the home page. */
static const char *nav_current(struct req *r, const char *current,
			       const char *href)
{
	if (!current || !str_eq(current, href))
		return "";
	return r->path && str_eq(r->path, href) ? " aria-current=\"page\"" :
						  " aria-current=\"true\"";
}

static void nav_bar(struct req *r, const char *current)
{
	struct buf *b = &r->out;
	size_t i;

	html(b, "<nav class=\"main-nav\" aria-label=\"门户导航\"><ul>");
	for (i = 0; i < ARRAY_SIZE(nav); i++) {
		if (nav[i].route && !portal_route_exists(r, nav[i].route))
			continue;
		html(b, "<li><a href=\"%s\"%r>%s</a></li>", nav[i].href,
		     nav_current(r, current, nav[i].href), nav[i].label);
	}
	html(b, "</ul></nav>");
}

void portal_begin(struct req *r, const struct portal_page *p)
{
	struct buf *b = &r->out;
	const char *fs = font_size(r);

	html(b, "<!DOCTYPE html>\n<html lang=\"%s\" class=\"portal%r%r\">"
	     "<head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	     "content=\"width=device-width, initial-scale=1\">"
	     "<title>%s · %s</title>", r->hant ? "zh-Hant" : "zh-Hans",
	     str_eq(fs, "l") ? " fs-large" : str_eq(fs, "s") ?
	     " fs-small" : "", p->print ? " print-view" : "", p->title,
	     PORTAL_NAME);
	if (p->noindex || p->print)
		html(b, "<meta name=\"robots\" content=\"noindex\">");
	html(b, "<link rel=\"stylesheet\" href=\"");
	page_asset_url(r, "css/site.css");
	html(b, "\"><link rel=\"stylesheet\" href=\"");
	page_asset_url(r, "css/portal.css");
	html(b, "\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"");
	page_asset_url(r, "img/favicon.svg");
	html(b, "\">");
	if (p->canonical)
		html(b, "<link rel=\"canonical\" href=\"%s\">", p->canonical);
	if (p->feed)
		html(b, "<link rel=\"alternate\" type=\"application/rss+xml\" "
		     "href=\"%s\" title=\"%s\">", p->feed,
		     p->feed_title ? p->feed_title : p->title);
	html(b, "</head><body><a class=\"skip\" href=\"#main\">跳到正文</a>"
	     "<header class=\"site-header portal-header\"><div class=\"bar\">"
	     "<a class=\"brand\" href=\"/\">%s</a>", PORTAL_NAME);
	page_lang_switch(r);
	if (r->user)
		html(b, "<a class=\"login-link\" href=\"/\">我的工作台</a>");
	else
		html(b, "<a class=\"login-link\" href=\"/login\">工作人员登录"
		     "</a>");
	html(b, "</div>");
	nav_bar(r, p->nav);
	html(b, "</header><main id=\"main\" tabindex=\"-1\">");
	if (!p->no_h1)
		html(b, "<h1>%s</h1>", p->title);
}

void portal_end(struct req *r)
{
	struct buf *b = &r->out;

	html(b, "</main><footer class=\"site-footer portal-footer\">"
	     "<nav class=\"public-links\" aria-label=\"公众服务\"><ul>"
	     "<li><a href=\"/gk/\">政府信息公开</a></li>");
	if (portal_route_exists(r, "/gk/permits"))
		html(b, "<li><a href=\"/gk/permits\">行政许可公示</a></li>");
	if (portal_route_exists(r, "/ysq/new"))
		html(b, "<li><a href=\"/ysq/new\">依申请公开</a></li>");
	html(b, "<li><a href=\"/petition/new\">网上信访和12345诉求</a></li>"
	     "<li><a href=\"/petition/query\">办理进度查询</a></li>"
	     "<li><a href=\"/gk/rss.xml\">RSS订阅</a></li>%r"
	     "</ul></nav><p>主办：%s · 新昌高新技术产业园区</p>"
	     "</footer></body></html>\n", r->user ?
	     "<li><a href=\"/\">我的工作台</a></li>" :
	     "<li><a href=\"/login\">工作人员登录</a></li>", PORTAL_ORG);
}

static int notice(struct req *r, int status, const char *title,
		  const char *what)
{
	struct portal_page p = { .title = title, .noindex = true };

	buf_reset(&r->out);
	portal_begin(r, &p);
	html(&r->out, "<div class=\"card gk-notice\" role=\"status\">"
	     "<p>%s</p><p><a href=\"/gk/\">返回政府信息公开首页</a></p>"
	     "</div>", what);
	portal_end(r);
	return status;
}

int portal_not_found(struct req *r, const char *what)
{
	return notice(r, 404, "页面不存在", what ? what :
		      "您访问的页面不存在或已删除。");
}

int portal_bad_request(struct req *r, const char *what)
{
	return notice(r, 400, "无法显示该页面", what);
}

/* ---- addresses and dates ---- */

/* A Host header worth repeating: a name or address and a port. */
static bool host_ok(const char *h)
{
	size_t n = h ? strlen(h) : 0, i;

	if (!n || n > HOST_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("-.:[]", c)))
			return false;
	}
	return true;
}

void portal_origin(struct req *r, struct buf *out)
{
	const char *host = req_header(r, "Host");

	buf_puts(out, r->w->srv->cfg.behind_tls ? "https://" : "http://");
	buf_puts(out, host_ok(host) ? host : r->w->srv->cfg.listen);
}

void portal_item_path(struct buf *out, const char *index_no)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)index_no;

	/* Index numbers read "code/year-serial": the slash stays a slash
	 * (the route takes the rest of the path), the rest is escaped. */
	buf_puts(out, "/gk/i/");
	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~/", *p)) {
			buf_putc(out, *p);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[*p >> 4]);
			buf_putc(out, hex[*p & 15]);
		}
	}
}

void portal_date(int64_t t, char out[11])
{
	char m[17];

	if (!t) {
		out[0] = '\0';
		return;
	}
	clock_local_minute(t, m);
	memcpy(out, m, 10);
	out[10] = '\0';
}

/* ---- the catalogue ---- */

static const char cats_sql[] =
	"SELECT c.id, c.parent_id, c.code, c.name, (SELECT COUNT(*) FROM "
	"publications p WHERE p.catalogue_id = c.id AND " PORTAL_PUBLIC "), "
	"c.link, c.link_label FROM catalogue c WHERE c.disabled = 0 "
	"ORDER BY c.sort, c.name, c.id";

void portal_cats_release(struct portal_cats *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].code);
		free(c->v[i].name);
		free(c->v[i].link);
		free(c->v[i].link_label);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

const struct portal_cat *portal_cat_by_id(const struct portal_cats *c,
					  int64_t id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].id == id)
			return &c->v[i];
	return NULL;
}

const struct portal_cat *portal_cat_by_code(const struct portal_cats *c,
					    const char *code)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (str_eq(c->v[i].code, code))
			return &c->v[i];
	return NULL;
}

/* The index of category `id`, or -1. */
static ssize_t cat_index(const struct portal_cats *c, int64_t id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].id == id)
			return (ssize_t)i;
	return -1;
}

/* Whether every ancestor of category `i` is in the list (none
 * disabled, no loop). */
static bool reachable(const struct portal_cats *c, size_t i)
{
	ssize_t k = (ssize_t)i;
	int depth;

	for (depth = 0; c->v[k].parent && depth < CAT_DEPTH_MAX; depth++) {
		k = cat_index(c, c->v[k].parent);
		if (k < 0)
			return false;
	}
	return depth < CAT_DEPTH_MAX;
}

/* Keep the reachable categories and add each one's items to its own
 * and its ancestors' totals. */
static void cats_finish(struct portal_cats *c)
{
	size_t i, keep = 0;
	bool *ok = xcalloc(c->n ? c->n : 1, sizeof(*ok));

	for (i = 0; i < c->n; i++)
		ok[i] = reachable(c, i);
	for (i = 0; i < c->n; i++) {
		if (ok[i]) {
			c->v[keep++] = c->v[i];
		} else {
			free(c->v[i].code);
			free(c->v[i].name);
		}
	}
	c->n = keep;
	free(ok);
	for (i = 0; i < c->n; i++) {
		ssize_t k = (ssize_t)i;
		int depth = 0;

		while (k >= 0 && depth++ < CAT_DEPTH_MAX) {
			c->v[k].total += c->v[i].own;
			k = c->v[k].parent ? cat_index(c, c->v[k].parent) : -1;
		}
	}
}

int portal_cats_load(struct db *db, struct portal_cats *out)
{
	struct db_rows *rows = db_query(db, cats_sql, "");
	size_t cap = 0;
	int step;

	out->v = NULL;
	out->n = 0;
	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1) {
		struct portal_cat *k;

		if (out->n == cap) {
			cap = cap ? 2 * cap : 16;
			out->v = xrealloc(out->v, cap * sizeof(*out->v));
		}
		k = &out->v[out->n++];
		k->id = db_int(rows, 0);
		k->parent = db_isnull(rows, 1) ? 0 : db_int(rows, 1);
		k->code = xstrdup(db_text(rows, 2));
		k->name = xstrdup(db_text(rows, 3));
		k->own = db_int(rows, 4);
		k->total = 0;
		k->link = db_strdup(rows, 5);
		k->link_label = db_strdup(rows, 6);
	}
	db_rows_free(rows);
	if (step < 0) {
		portal_cats_release(out);
		return db_errcode(db);
	}
	cats_finish(out);
	return 0;
}

/* ---- lists ---- */

/* The category and its enabled subcategories, as rows of `sub`. */
#define SUBTREE \
	"WITH RECURSIVE sub(id) AS (SELECT id FROM catalogue WHERE id = ? " \
	"UNION ALL SELECT c.id FROM catalogue c JOIN sub ON c.parent_id = " \
	"sub.id WHERE c.disabled = 0) "

static const char list_cat_sql[] = SUBTREE
	"SELECT p.index_no, p.title, p.published_at FROM publications p "
	"WHERE p.catalogue_id IN (SELECT id FROM sub) AND " PORTAL_PUBLIC
	" ORDER BY p.published_at DESC, p.id DESC LIMIT ? OFFSET ?";

static const char list_all_sql[] =
	"SELECT p.index_no, p.title, p.published_at FROM publications p "
	"WHERE " PORTAL_PUBLIC
	" ORDER BY p.published_at DESC, p.id DESC LIMIT ? OFFSET ?";

static const char count_cat_sql[] = SUBTREE
	"SELECT COUNT(*) FROM publications p WHERE p.catalogue_id IN "
	"(SELECT id FROM sub) AND " PORTAL_PUBLIC;

static const char count_all_sql[] =
	"SELECT COUNT(*) FROM publications p WHERE " PORTAL_PUBLIC;

int portal_list(struct req *r, int64_t cat_id, int64_t limit, int64_t offset)
{
	struct buf *b = &r->out;
	struct buf path = BUF_INIT;
	struct db_rows *rows;
	int n = 0, step;

	rows = cat_id ? db_query(r->db, list_cat_sql, "iii", cat_id, limit,
				 offset)
		      : db_query(r->db, list_all_sql, "ii", limit, offset);
	if (!rows)
		return db_errcode(r->db);
	while ((step = db_next(rows)) == 1) {
		char day[11];

		if (!n++)
			html(b, "<ul class=\"gk-list\">");
		buf_reset(&path);
		portal_item_path(&path, db_text(rows, 0));
		portal_date(db_int(rows, 2), day);
		html(b, "<li><a href=\"%s\">%s</a><time datetime=\"%s\">%s"
		     "</time></li>", buf_cstr(&path), db_text(rows, 1), day,
		     day);
	}
	db_rows_free(rows);
	buf_release(&path);
	if (step < 0)
		return db_errcode(r->db);
	if (n)
		html(b, "</ul>");
	return n;
}

int64_t portal_count(struct db *db, int64_t cat_id)
{
	int64_t n = 0;
	int rc = cat_id ? db_scalar_int(db, &n, count_cat_sql, "i", cat_id)
			: db_scalar_int(db, &n, count_all_sql, "");

	return rc < 0 ? rc : n;
}
