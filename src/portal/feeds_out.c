/* feeds_out.c: the outbound channels' feeds (/feeds/<channel>.xml)
 *
 * The county government website, the park's public account and the
 * provincial service network each pull an Atom feed (RFC 4287) of the
 * items sent to them: only items that went through review, approval and
 * publication (published_at > 0), the newest FEED_ITEMS of them, each
 * with its full published text (already redacted), its index number and
 * section, so the receiving system can republish it as it is.
 *
 * A withdrawn item leaves the feed.  So that a system which copied it
 * learns to take it down, it appears instead, for FEED_TOMBSTONE_DAYS
 * after its withdrawal, as an Atom tombstone (RFC 6721
 * at:deleted-entry) whose ref is the entry's id and whose comment is the
 * reason.  Entry ids are the item's page on the portal, as the portal's
 * own feeds have them, so ids agree across feeds.
 */
#include "http/pages.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "http/html.h"
#include "http/http.h"
#include "portal/portal_ui.h"
#include "portal/publication.h"
#include "store/store.h"

#define FEED_ITEMS 50
#define FEED_TOMBSTONE_DAYS 90
#define SUMMARY_CHARS 120

#define FEED_COLS \
	"SELECT p.index_no, p.title, p.body, p.publisher, p.source, " \
	"p.published_at, p.updated_at, p.withdrawn_at, p.withdraw_reason, " \
	"p.doc_no, COALESCE(c.code, ''), COALESCE(c.name, '') FROM " \
	"publications p JOIN publication_channels pc ON pc.publication_id " \
	"= p.id AND pc.channel = ? LEFT JOIN catalogue c ON c.id = " \
	"p.catalogue_id "

static const char live_sql[] = FEED_COLS "WHERE p.published_at > 0 AND "
	"p.withdrawn_at = 0 ORDER BY p.published_at DESC, p.id DESC LIMIT ?";
static const char gone_sql[] = FEED_COLS "WHERE p.published_at > 0 AND "
	"p.withdrawn_at >= ? ORDER BY p.withdrawn_at DESC, p.id DESC LIMIT ?";

/* The first SUMMARY_CHARS characters of `body`, on one line. */
static void summary(struct buf *b, const char *body)
{
	struct buf s = BUF_INIT;
	const char *p = body;
	int chars = 0;

	while (*p && chars < SUMMARY_CHARS) {
		size_t n = 1;

		while ((p[n] & 0xc0) == 0x80)
			n++;
		if (*p == '\n' || *p == '\r')
			buf_putc(&s, ' ');
		else
			buf_add(&s, p, n);
		p += n;
		chars++;
	}
	if (*p)
		buf_puts(&s, "……");
	html(b, "<summary>%s</summary>", buf_cstr(&s));
	buf_release(&s);
}

static void entry_id(struct buf *out, const char *origin, const char *index)
{
	buf_puts(out, origin);
	portal_item_path(out, index);
}

static void entry(struct req *r, const char *origin, struct db_rows *q)
{
	struct buf *b = &r->out;
	struct buf url = BUF_INIT;
	char pub[21], upd[21];
	int64_t p = db_int(q, 5), u = db_int(q, 6);

	entry_id(&url, origin, db_str(q, 0));
	clock_iso_utc(p, pub);
	clock_iso_utc(u > p ? u : p, upd);
	html(b, "<entry><id>%s</id><title>%s</title><link rel=\"alternate\" "
	     "type=\"text/html\" href=\"%s\"/><published>%s</published>"
	     "<updated>%s</updated><author><name>%s</name></author>",
	     buf_cstr(&url), db_str(q, 1), buf_cstr(&url), pub, upd, db_str(q, 3));
	if (*db_str(q, 10))
		html(b, "<category term=\"%s\" label=\"%s\"/>", db_str(q, 10),
		     db_str(q, 11));
	summary(b, db_str(q, 2));
	html(b, "<content type=\"text\">索引号：%s\n", db_str(q, 0));
	if (*db_str(q, 9))
		html(b, "文号：%s\n", db_str(q, 9));
	if (*db_str(q, 4))
		html(b, "信息来源：%s\n", db_str(q, 4));
	html(b, "\n%s</content></entry>\n", db_str(q, 2));
	buf_release(&url);
}

static void tombstone(struct req *r, const char *origin, struct db_rows *q)
{
	struct buf url = BUF_INIT;
	char when[21];

	entry_id(&url, origin, db_str(q, 0));
	clock_iso_utc(db_int(q, 7), when);
	html(&r->out, "<at:deleted-entry ref=\"%s\" when=\"%s\"><at:comment>"
	     "已撤回：%s</at:comment></at:deleted-entry>\n", buf_cstr(&url),
	     when, db_str(q, 8));
	buf_release(&url);
}

/* The entries, then the tombstones, into r->out; *newest gets the
 * latest change.  0 or a DB_E* code. */
static int entries(struct req *r, const char *channel, const char *origin,
		   int64_t *newest)
{
	int64_t since = clock_now() - (int64_t)FEED_TOMBSTONE_DAYS * 86400;
	struct db_rows *q = db_query(r->db, live_sql, "si", channel,
				     (int64_t)FEED_ITEMS);
	int rc;

	if (!q)
		return db_errcode(r->db);
	while ((rc = db_next(q)) == 1) {
		int64_t t = db_int(q, 6) > db_int(q, 5) ? db_int(q, 6) :
			    db_int(q, 5);

		*newest = t > *newest ? t : *newest;
		entry(r, origin, q);
	}
	db_rows_free(q);
	if (rc < 0)
		return rc;
	q = db_query(r->db, gone_sql, "sii", channel, since,
		     (int64_t)FEED_ITEMS);
	if (!q)
		return db_errcode(r->db);
	while ((rc = db_next(q)) == 1) {
		*newest = db_int(q, 7) > *newest ? db_int(q, 7) : *newest;
		tombstone(r, origin, q);
	}
	db_rows_free(q);
	return rc < 0 ? rc : 0;
}

/* GET /feeds/{channel}.xml: the channel's Atom feed. */
int page_channel_feed(struct req *r)
{
	const char *seg = req_path_param(r, 0);
	const struct pub_channel *ch = NULL;
	struct buf origin = BUF_INIT, body;
	int64_t newest = 0;
	size_t n = seg ? strlen(seg) : 0;
	char id[32], when[21];
	int rc;

	if (n > 4 && n - 4 < sizeof(id) && strcmp(seg + n - 4, ".xml") == 0) {
		memcpy(id, seg, n - 4);
		id[n - 4] = '\0';
		ch = pub_channel_find(id);
	}
	if (!ch)
		return req_fail(r, 404, "not_found", "没有这一推送渠道");
	portal_origin(r, &origin);
	rc = entries(r, ch->id, buf_cstr(&origin), &newest);
	if (rc < 0) {
		buf_release(&origin);
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	body = r->out;
	buf_init(&r->out, BUF_DEFAULT_MAX);
	clock_iso_utc(newest ? newest : clock_now(), when);
	html(&r->out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
	     "xmlns=\"http://www.w3.org/2005/Atom\" xmlns:at=\"http://purl."
	     "org/atompub/tombstones/1.0\" xml:lang=\"zh-Hans\"><id>%s/feeds/"
	     "%s.xml</id><title>%s · 推送至%s</title><subtitle>%s</subtitle>"
	     "<updated>%s</updated><link rel=\"self\" type=\"application/"
	     "atom+xml\" href=\"%s/feeds/%s.xml\"/><link rel=\"alternate\" "
	     "type=\"text/html\" href=\"%s/gk/\"/><author><name>%s</name>"
	     "</author>\n", buf_cstr(&origin), ch->id, PORTAL_NAME, ch->label,
	     ch->note, when, buf_cstr(&origin), ch->id, buf_cstr(&origin),
	     PORTAL_ORG);
	buf_add(&r->out, body.data, body.len);
	html(&r->out, "</feed>\n");
	buf_release(&body);
	buf_release(&origin);
	r->ctype = "application/atom+xml; charset=utf-8";
	return 200;
}
