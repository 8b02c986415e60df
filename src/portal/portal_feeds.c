/* portal_feeds.c: RSS 2.0 and Atom feeds, the sitemap and robots.txt
 *
 * Feeds carry absolute links built from the address the client used
 * (portal_origin()).  The XML is written with the same escaping writer
 * as the pages: its entities (&amp; &lt; &gt; &quot; &#39;) are XML's.
 * Feeds are not converted to Traditional characters: the 简/繁 choice is
 * a browser's cookie, and readers fetch feeds without it.
 */
#include "portal/portal_feeds.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "http/html.h"
#include "http/http.h"
#include "http/pages.h"
#include "portal/portal_ui.h"
#include "store/store.h"

#define SUMMARY_CHARS 200         /* characters of the body in a feed */
#define SITEMAP_CHUNK 40000       /* items per sitemap (the limit: 50000) */

#define FEED_COLS \
	"SELECT p.index_no, p.title, SUBSTR(p.body, 1, 200), " \
	"p.published_at, p.updated_at, c.name FROM publications p " \
	"LEFT JOIN catalogue c ON c.id = p.catalogue_id "

static const char feed_cat_sql[] =
	"WITH RECURSIVE sub(id) AS (SELECT id FROM catalogue WHERE id = ? "
	"UNION ALL SELECT c.id FROM catalogue c JOIN sub ON c.parent_id = "
	"sub.id WHERE c.disabled = 0) " FEED_COLS
	"WHERE p.catalogue_id IN (SELECT id FROM sub) AND " PORTAL_PUBLIC
	" ORDER BY p.published_at DESC, p.id DESC LIMIT ?";

static const char feed_all_sql[] = FEED_COLS
	"WHERE " PORTAL_PUBLIC
	" ORDER BY p.published_at DESC, p.id DESC LIMIT ?";

/* ---- dates ---- */

void portal_rfc822(int64_t t, bool cst, char out[PORTAL_RFC822_LEN])
{
	static const char *const days[] = {
		"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed",
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec",
	};
	int64_t local = cst ? t + 8 * 3600 : t;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	char iso[21];
	int mon;

	clock_iso_utc(local, iso);     /* 2023-02-22T08:35:00Z */
	mon = (iso[5] - '0') * 10 + (iso[6] - '0');
	if (mon < 1 || mon > 12)
		mon = 1;
	/* 1970-01-01 was a Thursday. */
	snprintf(out, PORTAL_RFC822_LEN, "%s, %.2s %s %.4s %.8s %s",
		 days[((day % 7) + 7) % 7], iso + 8, months[mon - 1], iso,
		 iso + 11, cst ? "+0800" : "GMT");
}

/* ---- RSS and Atom ---- */

struct feed {
	struct buf origin;        /* http://host */
	struct buf link;          /* the HTML page of the feed */
	struct buf self;          /* the feed's own address */
	struct buf title;
	bool atom;
};

static void feed_head(struct req *r, struct feed *f, int64_t newest)
{
	struct buf *b = &r->out;
	char when[PORTAL_RFC822_LEN];

	html(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	if (f->atom) {
		clock_iso_utc(newest, when);
		html(b, "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
		     "xml:lang=\"zh-Hans\"><title>%s</title><id>%s</id>"
		     "<updated>%s</updated><link rel=\"self\" type=\""
		     "application/atom+xml\" href=\"%s\"/><link rel=\""
		     "alternate\" type=\"text/html\" href=\"%s\"/><author>"
		     "<name>%s</name></author>\n", buf_cstr(&f->title),
		     buf_cstr(&f->link), when, buf_cstr(&f->self),
		     buf_cstr(&f->link), PORTAL_ORG);
		return;
	}
	portal_rfc822(newest, false, when);
	html(b, "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/"
	     "Atom\"><channel><title>%s</title><link>%s</link>"
	     "<description>%s发布的政府信息</description>"
	     "<language>zh-cn</language><lastBuildDate>%s</lastBuildDate>"
	     "<atom:link rel=\"self\" type=\"application/rss+xml\" "
	     "href=\"%s\"/>\n", buf_cstr(&f->title), buf_cstr(&f->link),
	     PORTAL_ORG, when, buf_cstr(&f->self));
}

/* One row of the feed query as an <item> or an <entry>. */
static void feed_entry(struct req *r, struct feed *f, struct db_rows *rows)
{
	struct buf *b = &r->out;
	struct buf url = BUF_INIT;
	const char *cat = db_text(rows, 5);
	int64_t pub = db_int(rows, 3), upd = db_int(rows, 4);
	char a[PORTAL_RFC822_LEN], u[PORTAL_RFC822_LEN];

	buf_puts(&url, buf_cstr(&f->origin));
	portal_item_path(&url, db_text(rows, 0));
	if (f->atom) {
		clock_iso_utc(pub, a);
		clock_iso_utc(upd > pub ? upd : pub, u);
		html(b, "<entry><title>%s</title><id>%s</id><link href=\"%s\"/>"
		     "<published>%s</published><updated>%s</updated>"
		     "<summary>%s</summary>", db_text(rows, 1), buf_cstr(&url),
		     buf_cstr(&url), a, u, db_text(rows, 2));
		if (cat)
			html(b, "<category term=\"%s\"/>", cat);
		html(b, "</entry>\n");
	} else {
		portal_rfc822(pub, false, a);
		html(b, "<item><title>%s</title><link>%s</link><guid "
		     "isPermaLink=\"true\">%s</guid><pubDate>%s</pubDate>"
		     "<description>%s</description>", db_text(rows, 1),
		     buf_cstr(&url), buf_cstr(&url), a, db_text(rows, 2));
		if (cat)
			html(b, "<category>%s</category>", cat);
		html(b, "</item>\n");
	}
	buf_release(&url);
}

static void feed_release(struct feed *f)
{
	buf_release(&f->origin);
	buf_release(&f->link);
	buf_release(&f->self);
	buf_release(&f->title);
}

int portal_feed(struct req *r, int64_t cat_id, const char *name,
		const char *code, bool atom)
{
	struct feed f = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, atom };
	struct buf entries = BUF_INIT;
	struct db_rows *rows;
	int64_t newest = 0;
	int step;

	portal_origin(r, &f.origin);
	buf_puts(&f.link, buf_cstr(&f.origin));
	buf_puts(&f.self, buf_cstr(&f.origin));
	buf_puts(&f.title, PORTAL_NAME);
	if (code) {
		buf_printf(&f.link, "/gk/c/%s", code);
		buf_printf(&f.self, "/gk/c/%s.%s", code, atom ? "atom" : "xml");
		buf_printf(&f.title, " · %s", name);
	} else {
		buf_puts(&f.link, "/gk/");
		buf_puts(&f.self, atom ? "/gk/atom.xml" : "/gk/rss.xml");
	}
	rows = cat_id ? db_query(r->db, feed_cat_sql, "ii", cat_id,
				 (int64_t)PORTAL_FEED_ITEMS)
		      : db_query(r->db, feed_all_sql, "i",
				 (int64_t)PORTAL_FEED_ITEMS);
	if (!rows) {
		feed_release(&f);
		return req_db_fail(r, db_errcode(r->db));
	}
	/* The entries first, into `out`, to learn the newest date. */
	while ((step = db_next(rows)) == 1) {
		int64_t t = db_int(rows, 3);

		if (t > newest)
			newest = t;
		feed_entry(r, &f, rows);
	}
	db_rows_free(rows);
	if (step < 0) {
		feed_release(&f);
		buf_reset(&r->out);
		return req_db_fail(r, db_errcode(r->db));
	}
	entries = r->out;
	buf_init(&r->out, BUF_DEFAULT_MAX);
	feed_head(r, &f, newest ? newest : clock_now());
	buf_add(&r->out, entries.data, entries.len);
	html(&r->out, atom ? "</feed>\n" : "</channel></rss>\n");
	buf_release(&entries);
	feed_release(&f);
	r->ctype = atom ? "application/atom+xml; charset=utf-8"
			: "application/rss+xml; charset=utf-8";
	return 200;
}

/* GET /gk/rss.xml */
int portal_rss(struct req *r)
{
	return portal_feed(r, 0, NULL, NULL, false);
}

/* GET /gk/atom.xml */
int portal_atom(struct req *r)
{
	return portal_feed(r, 0, NULL, NULL, true);
}

/* ---- the sitemap ---- */

static void sitemap_url(struct req *r, const char *origin, const char *path,
			int64_t lastmod)
{
	char day[11];

	html(&r->out, "<url><loc>%s%s</loc>", origin, path);
	if (lastmod) {
		portal_date(lastmod, day);
		html(&r->out, "<lastmod>%s</lastmod>", day);
	}
	html(&r->out, "</url>\n");
}

/* The home, the sections, and the items of chunk `chunk` (1-based). */
static int sitemap_urls(struct req *r, const char *origin, int64_t chunk)
{
	struct portal_cats c;
	struct buf path = BUF_INIT;
	struct db_rows *rows;
	size_t i;
	int rc, step;

	if (chunk == 1) {
		rc = portal_cats_load(r->db, &c);
		if (rc < 0)
			return rc;
		sitemap_url(r, origin, "/gk/", 0);
		for (i = 0; i < c.n; i++) {
			buf_reset(&path);
			buf_printf(&path, "/gk/c/%s", c.v[i].code);
			sitemap_url(r, origin, buf_cstr(&path), 0);
		}
		portal_cats_release(&c);
	}
	rows = db_query(r->db, "SELECT p.index_no, p.updated_at FROM "
			"publications p WHERE " PORTAL_PUBLIC " ORDER BY p.id "
			"LIMIT ? OFFSET ?", "ii", (int64_t)SITEMAP_CHUNK,
			(chunk - 1) * SITEMAP_CHUNK);
	if (!rows) {
		buf_release(&path);
		return db_errcode(r->db);
	}
	while ((step = db_next(rows)) == 1) {
		buf_reset(&path);
		portal_item_path(&path, db_text(rows, 0));
		sitemap_url(r, origin, buf_cstr(&path), db_int(rows, 1));
	}
	db_rows_free(rows);
	buf_release(&path);
	return step < 0 ? db_errcode(r->db) : 0;
}

static int sitemap_reply(struct req *r, int64_t chunk)
{
	struct buf origin = BUF_INIT;
	int64_t total = portal_count(r->db, 0), chunks, i;
	int rc = 0;

	if (total < 0)
		return req_db_fail(r, (int)total);
	chunks = total ? (total + SITEMAP_CHUNK - 1) / SITEMAP_CHUNK : 1;
	if (chunk > chunks)
		return req_fail(r, 404, "not_found", "页面不存在");
	portal_origin(r, &origin);
	html(&r->out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	if (chunk == 0 && chunks > 1) {
		/* Too many for one file: an index of the parts. */
		html(&r->out, "<sitemapindex xmlns=\"http://www.sitemaps.org/"
		     "schemas/sitemap/0.9\">\n");
		for (i = 1; i <= chunks; i++)
			html(&r->out, "<sitemap><loc>%s/sitemap-%I.xml</loc>"
			     "</sitemap>\n", buf_cstr(&origin), i);
		html(&r->out, "</sitemapindex>\n");
	} else {
		html(&r->out, "<urlset xmlns=\"http://www.sitemaps.org/schemas/"
		     "sitemap/0.9\">\n");
		rc = sitemap_urls(r, buf_cstr(&origin), chunk ? chunk : 1);
		html(&r->out, "</urlset>\n");
	}
	buf_release(&origin);
	if (rc < 0) {
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	r->ctype = "application/xml; charset=utf-8";
	return 200;
}

/* GET /sitemap.xml */
int portal_sitemap(struct req *r)
{
	return sitemap_reply(r, 0);
}

/* GET /sitemap-{N}.xml: a part of a sitemap too large for one file. */
int portal_sitemap_part(struct req *r)
{
	const char *seg = req_path_param(r, 0);
	char num[24];
	size_t n = seg ? strlen(seg) : 0;
	int64_t chunk;

	if (n < 5 || n - 4 >= sizeof(num) || strcmp(seg + n - 4, ".xml"))
		return req_fail(r, 404, "not_found", "页面不存在");
	snprintf(num, sizeof(num), "%.*s", (int)(n - 4), seg);
	if (parse_int64(num, 1, 1000000, &chunk))
		return req_fail(r, 404, "not_found", "页面不存在");
	return sitemap_reply(r, chunk);
}

/* GET /robots.txt */
int portal_robots(struct req *r)
{
	struct buf origin = BUF_INIT;

	portal_origin(r, &origin);
	buf_printf(&r->out, "User-agent: *\nDisallow: /lang/\n"
		   "Disallow: /api/\n\n"
		   "Sitemap: %s/sitemap.xml\n", buf_cstr(&origin));
	buf_release(&origin);
	r->ctype = "text/plain; charset=utf-8";
	return 200;
}
