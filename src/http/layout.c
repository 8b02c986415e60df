/* layout.c: the page frame every HTML page shares */
#include "http/layout.h"

#include <string.h>

#include "auth/roles.h"
#include "auth/session.h"
#include "http/html.h"
#include "http/http.h"
#include "http/server.h"
#include "http/static.h"

#define SITE_NAME "法治政府建设管理平台"

struct nav_item {
	const char *href;
	const char *label;
	enum perm perm;
	roleset roles;          /* also one of these roles; 0: any */
};

/* 政务公开 is the work of the disclosure officer, the confidentiality
 * reviewer and the approvers. */
#define PUBLICATION_ROLES ((1u << ROLE_OGI_OFFICER) | \
			   (1u << ROLE_CONF_REVIEWER) | \
			   (1u << ROLE_DEPT_HEAD) | (1u << ROLE_LEADER))

static const struct nav_item nav[] = {
	{ "/", "我的工作台", PERM_SELF, 0 },
	{ "/petitions", "信访热线", PERM_STAFF, 0 },
	{ "/publications", "政务公开", PERM_STAFF, PUBLICATION_ROLES },
	{ "/admin/users", "用户管理", PERM_USER_ADMIN, 0 },
	{ "/admin/departments", "部门管理", PERM_USER_ADMIN, 0 },
	{ "/admin/policy", "安全策略", PERM_POLICY, 0 },
	{ "/stats/cases", "统计分析", PERM_STAFF, 0 },
	{ "/calendar/due", "期限计算", PERM_STAFF, 0 },
	{ "/audit", "审计日志", PERM_AUDIT_READ, 0 },
};

void page_asset_url(struct req *r, const char *path)
{
	const char *etag = static_etag(r->w->srv->statics, path);
	char v[17];

	/* The ETag without quotes, shortened, is enough to bust caches. */
	snprintf(v, sizeof(v), "%.16s", etag[0] ? etag + 1 : "0");
	html(&r->out, "/static/%s?v=%u", path, v);
}

/* Each label in its own script: 简体 as character references, which
 * the conversion of a 繁體 page leaves alone, and 繁體 as it is written.
 * The way back is this page with its query, so that a search, a page
 * of a list or a chosen year stays as it was. */
#define LABEL_HANS "&#31616;&#20307;"
#define LABEL_HANT "繁體"

void page_lang_switch(struct req *r)
{
	struct buf *b = &r->out;
	struct buf back = BUF_INIT;

	buf_puts(&back, r->path ? r->path : "/");
	if (r->raw_query && *r->raw_query && r->method == HM_GET) {
		buf_putc(&back, '?');
		buf_puts(&back, r->raw_query);
	}
	html(b, "<div class=\"lang\" role=\"group\" aria-label=\"文字\">");
	if (r->hant)
		html(b, "<a href=\"/lang/hans?next=%u\" lang=\"zh-Hans\" "
		     "rel=\"nofollow\">%r</a><span aria-current=\"true\" "
		     "lang=\"zh-Hant\">%r</span>", buf_cstr(&back), LABEL_HANS,
		     LABEL_HANT);
	else
		html(b, "<span aria-current=\"true\">%r</span><a href=\""
		     "/lang/hant?next=%u\" lang=\"zh-Hant\" rel=\"nofollow\">"
		     "%r</a>", LABEL_HANS, buf_cstr(&back), LABEL_HANT);
	html(b, "</div>");
	buf_release(&back);
}

static void nav_bar(struct req *r)
{
	struct buf *b = &r->out;
	size_t i;

	if (!r->user)
		return;
	html(b, "<nav class=\"main-nav\" aria-label=\"主导航\"><ul>");
	for (i = 0; i < ARRAY_SIZE(nav); i++) {
		bool here = strcmp(r->path, nav[i].href) == 0 ||
			    (strlen(nav[i].href) > 1 &&
			     str_starts(r->path, nav[i].href));

		if (!roles_allow(r->user->roles, nav[i].perm) ||
		    (nav[i].roles && !(r->user->roles & nav[i].roles)))
			continue;
		html(b, "<li><a href=\"%s\"%r>%s</a></li>", nav[i].href,
		     here ? " aria-current=\"page\"" : "", nav[i].label);
	}
	html(b, "</ul></nav>");
}

static void user_box(struct req *r)
{
	struct buf *b = &r->out;

	if (!r->user) {
		if (!str_eq(r->path, "/login"))
			html(b, "<a class=\"login-link\" href=\"/login\">"
			     "登录</a>");
		return;
	}
	html(b, "<div class=\"user-box\"><a href=\"/account\">%s</a>"
	     "<form method=\"post\" action=\"/logout\" class=\"inline\">",
	     r->user->display_name);
	html_hidden(b, "csrf", session_csrf(r));
	html(b, "<button type=\"submit\" class=\"link\">退出</button>"
	     "</form></div>");
}

static void flash(struct req *r)
{
	const char *msg = req_cookie(r, "fz_flash");
	struct kvlist kv = { 0 };
	struct buf q = BUF_INIT;

	if (!msg || !*msg)
		return;
	/* The cookie holds the message percent-encoded (see req_flash). */
	buf_puts(&q, "m=");
	buf_puts(&q, msg);
	if (parse_urlencoded(q.data, q.len, &kv, NULL) == 0 && kv.n == 1)
		html(&r->out, "<div class=\"flash\" role=\"status\">%s</div>",
		     kv.items[0].val);
	kvlist_release(&kv);
	buf_release(&q);
	req_set_cookie(r, "fz_flash", "", 0);
}

void page_begin(struct req *r, const char *title)
{
	struct buf *b = &r->out;

	html(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	     "<meta charset=\"utf-8\">"
	     "<meta name=\"viewport\" content=\"width=device-width, "
	     "initial-scale=1\">"
	     "<title>%s · %s</title>"
	     "<link rel=\"stylesheet\" href=\"",
	     r->hant ? "zh-Hant" : "zh-Hans", title, SITE_NAME);
	page_asset_url(r, "css/site.css");
	html(b, "\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"");
	page_asset_url(r, "img/favicon.svg");
	html(b, "\">");
	if (r->user)
		html(b, "<meta name=\"csrf-token\" content=\"%s\">",
		     session_csrf(r));
	html(b, "<script src=\"");
	page_asset_url(r, "js/site.js");
	html(b, "\" defer></script></head><body>"
	     "<a class=\"skip\" href=\"#main\">跳到正文</a>"
	     "<header class=\"site-header\"><div class=\"bar\">"
	     "<a class=\"brand\" href=\"/\">%s</a>", SITE_NAME);
	page_lang_switch(r);
	user_box(r);
	html(b, "</div>");
	nav_bar(r);
	html(b, "</header><main id=\"main\" tabindex=\"-1\">");
	flash(r);
	html(b, "<h1>%s</h1>", title);
}

void page_end(struct req *r)
{
	/* The public's ways in, on every page: a citizen who lands on the
	 * staff login finds them here. */
	html(&r->out, "</main><footer class=\"site-footer\">"
	     "<nav class=\"public-links\" aria-label=\"公众服务\"><ul>"
	     "<li><a href=\"/petition/new\">网上信访和12345诉求</a></li>"
	     "<li><a href=\"/petition/query\">办理进度查询</a></li>"
	     "</ul></nav>"
	     "<p>新昌高新园区管理委员会 · 法治政府建设管理平台</p>"
	     "</footer></body></html>\n");
}

void page_alert(struct buf *b, const char *id, const char *msg)
{
	if (!msg || !*msg)
		return;
	html(b, "<div class=\"error\" role=\"alert\"");
	if (id)
		html(b, " id=\"%s\"", id);
	html(b, "><p>%s</p></div>", msg);
}

void page_error(struct req *r, int status, const char *msg)
{
	char title[32];

	snprintf(title, sizeof(title), "出错了（%d）", status);
	page_begin(r, title);
	html(&r->out, "<div class=\"error-box\" role=\"alert\"><p>%s</p>"
	     "<p class=\"muted\">请求编号：%s</p>"
	     "<p><a href=\"/\">返回首页</a></p></div>", msg, r->id);
	page_end(r);
}
