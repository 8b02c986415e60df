/* portal_item.c: an item's page, its withdrawal notice and its files
 *
 * The page follows the seed page's layout (domain/SEED.md): title,
 * 发布时间, 访问次数, 信息来源; the index block of Chinese government
 * portals (索引号, 发布机构, 生成日期, 发布日期, 文号, 主题分类); the body;
 * the attachments; then 分享到 (plain links, and a QR code of the page
 * for phones), 打印本页, 关闭本页 and the font size 【大】【中】【小】.
 * Everything works without script.  The 访问次数 is the stored count
 * plus the views not yet stored (portal_visits.h), rendered into the
 * page, so it is current.
 *
 * An item is found by its index number (/gk/i/11330624736120582U/
 * 2022-00001: the route takes the rest of the path, slash included) or
 * by its id.  Drafts are not found (404); a withdrawn item answers 410
 * with its withdrawal notice and nothing of its content.
 *
 * A page that rendered is kept (page_cache.h), one cache per worker
 * thread, already converted to 繁體 when it was asked for in 繁體 (OpenCC
 * costs more than the rendering), with the 访问次数 left out: a later view
 * of the same key costs neither SQL nor rendering, and the count is
 * written in at serve time, so it stays current (portal_visits.h).  The
 * key holds everything else the bytes depend on: the path as asked, the
 * origin (share links, QR code), 简/繁, whether someone is logged in (the
 * header's link; nothing of who), the font-size cookie and the print
 * view.  Publishing and withdrawing (publication.c) announce the change
 * after their commit, so this process shows it at once; what another
 * server process sharing the database changed (an item published or
 * withdrawn there, the views it stored) shows within CACHE_TTL_MS.  404
 * and 410 are not kept.  Memory: at most CACHE_ENTRIES pages and about
 * CACHE_BYTES per worker thread.
 */
#include "http/pages.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "core/clock.h"
#include "core/util.h"
#include "http/html.h"
#include "http/http.h"
#include "http/i18n.h"
#include "ogi/report.h"
#include "portal/page_cache.h"
#include "portal/portal_qr.h"
#include "portal/portal_ui.h"
#include "portal/portal_visits.h"
#include "store/store.h"

/* Cached pages live this long (ms): the bound on how late a change made
 * by another server process shows here. */
#define CACHE_TTL_MS 5000
#define CACHE_ENTRIES 512         /* per worker thread */
#define CACHE_BYTES ((size_t)8 << 20)      /* per worker thread */
#define KEY_MAX 1024
#define FONT_COOKIE "fz_fs"       /* as portal_ui.c */

/* The item and its published attachments in one statement, so in one
 * read transaction: a row per attachment (a.id NULL when none). */
#define ITEM_COLS \
	"SELECT p.id, p.index_no, p.title, p.body, p.doc_no, p.publisher, " \
	"p.source, p.formed_on, p.published_at, p.withdrawn_at, " \
	"p.withdraw_reason, p.visits, c.code, c.name, a.id, a.mime, " \
	"a.size FROM publications p " \
	"LEFT JOIN catalogue c ON c.id = p.catalogue_id " \
	"LEFT JOIN publication_files f ON f.publication_id = p.id AND " \
	"f.dropped = 0 AND f.withheld = 0 " \
	"LEFT JOIN attachments a ON a.id = f.attachment_id AND " \
	"a.expired_at = 0 "

static const char by_index_sql[] = ITEM_COLS
	"WHERE p.index_no = ? ORDER BY a.id";
static const char by_id_sql[] = ITEM_COLS "WHERE p.id = ? ORDER BY a.id";

static const char file_public_sql[] =
	"SELECT COUNT(*) FROM publication_files f JOIN publications p ON "
	"p.id = f.publication_id JOIN attachments a ON a.id = "
	"f.attachment_id WHERE f.attachment_id = ? AND f.dropped = 0 AND "
	"f.withheld = 0 AND a.expired_at = 0 AND " PORTAL_PUBLIC;

struct file_row {
	int64_t id, size;
	const char *mime;         /* static */
};

struct item {
	int64_t id, published_at, withdrawn_at, visits;
	char *index_no, *title, *body, *doc_no, *publisher, *source;
	char *formed_on, *withdraw_reason, *cat_code, *cat_name;
	struct file_row *files;   /* published attachments, by id */
	size_t nfiles;
	bool degraded;            /* a part could not be shown: not kept */
};

static void item_release(struct item *it)
{
	free(it->index_no);
	free(it->title);
	free(it->body);
	free(it->doc_no);
	free(it->publisher);
	free(it->source);
	free(it->formed_on);
	free(it->withdraw_reason);
	free(it->cat_code);
	free(it->cat_name);
	free(it->files);
}

static void add_file(struct item *it, struct db_rows *rows)
{
	struct file_row *f;

	if (db_isnull(rows, 14))
		return;
	it->files = xrealloc(it->files, (it->nfiles + 1) *
			     sizeof(*it->files));
	f = &it->files[it->nfiles++];
	f->id = db_int(rows, 14);
	f->mime = attach_mime_static(db_text(rows, 15));
	f->size = db_int(rows, 16);
}

/* 0 with `it` filled, 1 when there is no such row, or a DB_E* code. */
static int item_query(struct db *db, const char *sql, const char *fmt,
		      const char *s, int64_t id, struct item *it)
{
	struct db_rows *rows = *fmt == 's' ? db_query(db, sql, fmt, s)
					   : db_query(db, sql, fmt, id);
	bool found = false;
	int step;

	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1) {
		if (found) {
			add_file(it, rows);
			continue;
		}
		found = true;
		it->id = db_int(rows, 0);
		it->index_no = db_strdup(rows, 1);
		it->title = db_strdup(rows, 2);
		it->body = db_strdup(rows, 3);
		it->doc_no = db_strdup(rows, 4);
		it->publisher = db_strdup(rows, 5);
		it->source = db_strdup(rows, 6);
		it->formed_on = db_strdup(rows, 7);
		it->published_at = db_int(rows, 8);
		it->withdrawn_at = db_int(rows, 9);
		it->withdraw_reason = db_strdup(rows, 10);
		it->visits = db_int(rows, 11);
		it->cat_code = db_strdup(rows, 12);
		it->cat_name = db_strdup(rows, 13);
		add_file(it, rows);
	}
	db_rows_free(rows);
	if (step < 0)
		return db_errcode(db);
	return found ? 0 : 1;
}

/* The item named by the path: its index number, else its id. */
static int item_find(struct db *db, const char *key, struct item *it)
{
	int64_t id;
	int rc = item_query(db, by_index_sql, "s", key, 0, it);

	if (rc != 1)
		return rc;
	if (parse_int64(key, 1, INT64_MAX, &id))
		return 1;
	return item_query(db, by_id_sql, "i", NULL, id, it);
}

/* ---- pieces of the page ---- */

/* A leading or trailing space, tab, CR or ideographic space (U+3000,
 * with which Chinese documents indent paragraphs: CSS indents them). */
static size_t space_at(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r'))
		return 1;
	if (n >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static size_t space_before(const char *s, size_t n)
{
	if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
		       s[n - 1] == '\r'))
		return 1;
	if (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* Plain text, one paragraph a line. */
static void paragraphs(struct buf *b, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n"), k;
		const char *s = p;

		while ((k = space_at(s, n)) > 0) {
			s += k;
			n -= k;
		}
		while ((k = space_before(s, n)) > 0)
			n -= k;
		if (n) {
			html(b, "<p>");
			html_txtn(b, s, n);
			html(b, "</p>");
		}
		p += strcspn(p, "\n");
		if (*p)
			p++;
	}
}

static const char *type_label(const char *mime)
{
	static const struct { const char *part, *label; } types[] = {
		{ "pdf", "PDF" }, { "wordprocessing", "Word" },
		{ "msword", "Word" }, { "spreadsheet", "Excel" },
		{ "excel", "Excel" }, { "ofd", "OFD" }, { "png", "PNG" },
		{ "jpeg", "JPG" }, { "text/plain", "文本" },
	};
	size_t i;

	for (i = 0; mime && i < ARRAY_SIZE(types); i++)
		if (strstr(mime, types[i].part))
			return types[i].label;
	return "文件";
}

static void size_label(int64_t n, char out[32])
{
	if (n < 1024)
		snprintf(out, 32, "%lld 字节", (long long)n);
	else if (n < 1024 * 1024)
		snprintf(out, 32, "%lld KB", (long long)((n + 1023) / 1024));
	else
		snprintf(out, 32, "%lld.%lld MB", (long long)(n >> 20),
			 (long long)(((n & 0xfffff) * 10) >> 20));
}

/* The item's published attachments as download links. */
static void files(struct req *r, struct item *it)
{
	struct buf *b = &r->out;
	struct attach_store st;
	const struct file_row *v = it->files;
	size_t n = it->nfiles, i;

	if (n) {
		attach_store_from_req(r, &st);
		html(b, "<section class=\"gk-files\" aria-labelledby=\"gk-f\">"
		     "<h2 id=\"gk-f\">附件</h2><ul class=\"files\">");
	}
	for (i = 0; i < n; i++) {
		struct attach_info info = { 0 };
		struct fz_err err = { 0 };
		char size[32], fallback[32];
		const char *name;
		bool ok;

		/* The client's name is kept sealed; a seal that does not
		 * verify is logged by attach_get and shown as a number. */
		snprintf(fallback, sizeof(fallback), "附件%zu", i + 1);
		ok = attach_get(r->db, &st, v[i].id, &info, &err) == 0;
		if (!ok)
			it->degraded = true;
		name = ok && info.name ? info.name : fallback;
		size_label(v[i].size, size);
		html(b, "<li><a href=\"/gk/f/%I\">%s</a> <span class=\"muted\">"
		     "（%s，%s）</span></li>", v[i].id, name,
		     type_label(v[i].mime), size);
		attach_info_release(&info);
	}
	if (n)
		html(b, "</ul></section>");
}

/* An annual report's tables, from the copy frozen when it was drafted
 * (the body, as reviewed, carries its text). */
static void report_tables(struct req *r, struct item *it)
{
	struct gi_report rep;
	int rc = gi_report_of_pub(r->db, it->id, &rep);

	if (rc == 1) {
		gi_report_tables_html(&rep, &r->out);
		gi_report_free(&rep);
	} else if (rc < 0) {
		it->degraded = true;
		html(&r->out, "<p class=\"muted\">报告附表暂时无法显示，请稍后"
		     "刷新。</p>");
	}
}

/* 索引号, 发布机构, 生成日期, 发布日期, 文号, 主题分类. */
static void index_block(struct req *r, const struct item *it)
{
	char day[11];

	portal_date(it->published_at, day);
	html(&r->out, "<dl class=\"gk-info\" aria-label=\"信息索引\">"
	     "<div><dt>索引号</dt><dd>%s</dd></div>"
	     "<div><dt>发布机构</dt><dd>%s</dd></div>"
	     "<div><dt>生成日期</dt><dd>%s</dd></div>"
	     "<div><dt>发布日期</dt><dd>%s</dd></div>"
	     "<div><dt>文号</dt><dd>%s</dd></div>"
	     "<div><dt>主题分类</dt><dd>%s</dd></div></dl>",
	     it->index_no, it->publisher, it->formed_on, day,
	     *it->doc_no ? it->doc_no : "无",
	     *it->cat_name ? it->cat_name : "其他");
}

static void share(struct req *r, const struct item *it, const char *url)
{
	static const struct { const char *label, *base; } sites[] = {
		{ "微博", "https://service.weibo.com/share/share.php?url=" },
		{ "QQ空间", "https://sns.qzone.qq.com/cgi-bin/qzshare/"
		  "cgi_qzshare_onekey?url=" },
		{ "QQ好友", "https://connect.qq.com/widget/shareqq/index.html"
		  "?url=" },
	};
	struct buf *b = &r->out;
	size_t i;

	html(b, "<div class=\"gk-share\"><p><span id=\"gk-share-label\">分享到"
	     "</span></p><ul aria-labelledby=\"gk-share-label\">");
	for (i = 0; i < ARRAY_SIZE(sites); i++)
		html(b, "<li><a href=\"%s%u&amp;title=%u\" rel=\"noopener "
		     "noreferrer nofollow\">%s</a></li>", sites[i].base, url,
		     it->title, sites[i].label);
	html(b, "</ul><figure class=\"gk-qr\">");
	if (qr_svg(b, url, "本页地址的二维码") == 0)
		html(b, "<figcaption>微信或手机扫码阅读</figcaption>");
	html(b, "</figure></div>");
}

/* 打印本页, 关闭本页 and the font size. */
static void tools(struct req *r, const struct item *it)
{
	struct buf *b = &r->out;

	/* 打印本页 opens the print view, which shows the article and its
	 * index block only (portal.css also hides everything else when any
	 * page is printed), to print from the browser.  关闭本页 is a link
	 * back to the item's section: browsers let a script close only a
	 * window that a script opened, and these pages run no script. */
	html(b, "<div class=\"gk-tools\">");
	portal_font_links(r);
	html(b, "<p class=\"gk-actions\"><a href=\"?print=1\" rel=\"nofollow\">"
	     "打印本页</a>");
	if (*it->cat_code)
		html(b, "<a href=\"/gk/c/%u\">关闭本页</a>", it->cat_code);
	else
		html(b, "<a href=\"/gk/\">关闭本页</a>");
	html(b, "</p></div>");
}

static void render(struct req *r, struct item *it, bool print,
		   int64_t shown)
{
	struct buf *b = &r->out;
	struct buf path = BUF_INIT, url = BUF_INIT;
	struct portal_page p = { .title = it->title, .nav = "/gk/",
				 .no_h1 = true, .print = print };
	char when[17], iso[21];

	portal_item_path(&path, it->index_no);
	portal_origin(r, &url);
	buf_puts(&url, buf_cstr(&path));
	p.canonical = buf_cstr(&path);
	clock_local_minute(it->published_at, when);
	clock_iso_utc(it->published_at, iso);
	portal_begin(r, &p);
	if (print)
		html(b, "<p class=\"gk-print-note no-print\" role=\"note\">"
		     "这是本页的打印版。请使用浏览器的“打印”功能（快捷键 "
		     "Ctrl+P）打印。<a href=\"%s\">返回原页面</a></p>",
		     buf_cstr(&path));
	if (!print && *it->cat_code)
		html(b, "<nav class=\"gk-crumbs\" aria-label=\"当前位置\"><ol>"
		     "<li><a href=\"/gk/\">政府信息公开</a></li><li><a "
		     "href=\"/gk/c/%u\">%s</a></li></ol></nav>", it->cat_code,
		     it->cat_name);
	html(b, "<article class=\"gk-item\" aria-labelledby=\"gk-title\">"
	     "<h1 id=\"gk-title\">%s</h1><p class=\"gk-byline\">"
	     "<span>发布时间：<time datetime=\"%s\">%s</time></span>"
	     "<span>访问次数：<span class=\"gk-visits\">%I</span></span>"
	     "<span>信息来源：%s</span></p>", it->title, iso, when, shown,
	     *it->source ? it->source : it->publisher);
	index_block(r, it);
	html(b, "<div class=\"gk-body\">");
	paragraphs(b, it->body);
	html(b, "</div>");
	report_tables(r, it);
	buf_release(&path);
	/* Files, share and tools follow in the caller, then close. */
	if (!print) {
		files(r, it);
		share(r, it, buf_cstr(&url));
		tools(r, it);
	}
	html(b, "</article>");
	portal_end(r);
	buf_release(&url);
}

/* 410: the withdrawal notice, and nothing of the item's content. */
static int gone(struct req *r, const struct item *it)
{
	struct portal_page p = { .title = "该信息已撤回", .nav = "/gk/",
				 .noindex = true };
	char day[11];

	portal_date(it->withdrawn_at, day);
	portal_begin(r, &p);
	html(&r->out, "<div class=\"card gk-notice gk-withdrawn\" "
	     "role=\"status\"><p>索引号为 <strong>%s</strong> 的政府信息已于 "
	     "%s 撤回，不再公开。</p><p>撤回原因：%s</p><p><a href=\"/gk/\">"
	     "返回政府信息公开首页</a></p></div>", it->index_no, day,
	     *it->withdraw_reason ? it->withdraw_reason : "未说明");
	portal_end(r);
	return 410;
}

/* ---- the kept pages ---- */

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_drop(void *c)
{
	page_cache_free(c);
}

static void cache_init(void)
{
	pthread_key_create(&cache_key, cache_drop);
}

/* This thread's cache, freed when the thread ends. */
static struct page_cache *thread_cache(void)
{
	struct page_cache *c;

	pthread_once(&cache_once, cache_init);
	c = pthread_getspecific(cache_key);
	if (!c) {
		c = page_cache_new(CACHE_ENTRIES, CACHE_BYTES, CACHE_TTL_MS);
		pthread_setspecific(cache_key, c);
	}
	return c;
}

static int64_t now_ms(void)
{
	return clock_mono_ns() / 1000000;
}

/* The key of the page (see the top of the file); false when the page is
 * not to be kept: a font-size cookie that is none of ours, a long key. */
static bool page_key(struct req *r, bool print, struct buf *k)
{
	const char *fs = req_cookie(r, FONT_COOKIE);

	buf_init(k, KEY_MAX);
	if (fs && strlen(fs) > 2)
		return false;
	buf_putc(k, r->hant ? 'T' : 'S');
	buf_putc(k, r->user ? 'U' : 'V');
	buf_putc(k, print ? 'P' : '-');
	buf_puts(k, fs ? fs : "");
	buf_putc(k, '\n');
	portal_origin(r, k);
	buf_putc(k, '\n');
	buf_puts(k, r->path);
	return !buf_err(k);
}

/* A kept page with the count of now; the print view counts no view. */
static void serve(struct req *r, const struct page_entry *e, bool print)
{
	int64_t shown = visits_view_since(r, e->id, e->base, !print);
	char n[24];

	snprintf(n, sizeof(n), "%lld", (long long)shown);
	buf_add(&r->out, e->body, e->cut);
	buf_puts(&r->out, n);
	buf_add(&r->out, e->body + e->cut, e->len - e->cut);
	/* Kept as sent: already in 繁體 when it was asked for so. */
	req_hant_written(r);
}

/* Keep the page just written, without its count. */
static void keep(struct req *r, const struct buf *k, const struct item *it,
		 int64_t base, uint64_t gen, int64_t born)
{
	static const char mark[] = "<span class=\"gk-visits\">";
	const char *page = buf_cstr(&r->out);
	const char *p = strstr(page, mark);
	struct page_entry e = { .body = page, .len = r->out.len,
				.id = it->id, .base = base };

	if (!p || buf_err(&r->out))
		return;
	e.cut = (size_t)(p - page) + strlen(mark);
	e.skip = strspn(page + e.cut, "0123456789");
	page_cache_put(thread_cache(), k->data, k->len, &e, gen, born);
}

/* The page from the database; kept under `k` unless NULL. */
static int item_page(struct req *r, const char *key, bool print,
		     const struct buf *k)
{
	struct visits *v = visits_server();
	uint64_t gen = page_cache_generation(), seq = visits_seq(v);
	int64_t born = now_ms(), base, shown;
	struct item it = { 0 };
	bool steady;
	int rc, status;

	rc = item_find(r->db, key, &it);
	if (rc < 0) {
		item_release(&it);
		return req_db_fail(r, rc);
	}
	if (rc == 1 || it.published_at == 0) {
		item_release(&it);
		return portal_not_found(r, "没有找到这条政府信息。请核对地址，"
					"或从目录中查找。");
	}
	if (it.withdrawn_at) {
		status = gone(r, &it);
		item_release(&it);
		return status;
	}
	/* The count as the kept page will show it: the row's, less what
	 * this process stored so far, which later views add back.  Exact
	 * only if no flush ran while the row was read. */
	base = it.visits - visits_stored(v, it.id);
	steady = !(seq & 1) && visits_seq(v) == seq;
	/* The print view is the same reader's second look, not a view. */
	shown = visits_view_since(r, it.id, base, !print);
	render(r, &it, print, shown);
	/* Kept converted, so that a hit costs no conversion. */
	req_hant_now(r);
	if (k && steady && !it.degraded)
		keep(r, k, &it, base, gen, born);
	item_release(&it);
	return 200;
}

/* GET /gk/i/{index number or id} */
int portal_item(struct req *r)
{
	const char *key = req_path_param(r, 0);
	const char *pq = req_query(r, "print");
	bool print = pq && str_eq(pq, "1");
	const struct page_entry *e;
	struct buf k;
	bool keyed;
	int status;

	status = portal_font_redirect(r);
	if (status)
		return status;
	if (!key || !*key)
		return portal_not_found(r, "没有找到这条政府信息。请核对地址，"
					"或从目录中查找。");
	keyed = page_key(r, print, &k);
	e = keyed ? page_cache_get(thread_cache(), k.data, k.len, now_ms())
		  : NULL;
	if (e) {
		serve(r, e, print);
		status = 200;
	} else {
		status = item_page(r, key, print, keyed ? &k : NULL);
	}
	buf_release(&k);
	return status;
}

/* GET /gk/f/{attachment id}: a file of a public item. */
int portal_file(struct req *r)
{
	struct attach_store st;
	struct attach_blob blob;
	struct fz_err err = { 0 };
	int64_t id, n = 0;
	int rc;

	if (req_path_id(r, 0, &id) < 0)
		return portal_not_found(r, "没有这个附件。");
	rc = db_scalar_int(r->db, &n, file_public_sql, "i", id);
	if (rc < 0)
		return req_db_fail(r, rc);
	if (n == 0)
		return portal_not_found(r, "没有这个附件，或它所属的信息已"
					"撤回。");
	attach_store_from_req(r, &st);
	if (attach_open(r->db, &st, id, &blob, &err))
		return req_fail(r, err.status, err.code, "%s", err.msg);
	rc = attach_send(r, &blob);
	attach_blob_release(&blob);
	return rc;
}
