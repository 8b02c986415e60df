/* public.c: the permits register on the portal (no login), and its feed
 *
 * Every record is public from the moment it is stored: the list (newest
 * decision first, searchable by holder, credit code or decision number),
 * each record with its full text, and an RSS 2.0 feed for the systems
 * that gather 双公示 data.  An organisation is shown as registered,
 * code and all.  A natural person is shown by a masked name (张*), never
 * by number, is not found by a search for their name, and their
 * decision's full text, which names and numbers them, is not offered.
 */
#include "permit/permit_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "permit/permit.h"
#include "portal/portal_feeds.h"
#include "portal/portal_ui.h"
#include "pii/pii.h"
#include "store/store.h"

#define FEED_ITEMS 50

/* The holder as the public sees it. */
static void holder_html(struct buf *b, const struct permit *p)
{
	struct buf m = BUF_INIT;

	if (p->holder_kind != PERMIT_PERSON) {
		html(b, "%s", p->holder);
		return;
	}
	pii_mask_name(p->holder, &m);
	html(b, "%s", buf_cstr(&m));
	buf_release(&m);
}

static void intro(struct buf *b)
{
	html(b, "<p class=\"lead\">根据《中华人民共和国行政许可法》第四十条和"
	     "行政许可、行政处罚等信用信息“双公示”的要求，新昌高新园区管理"
	     "委员会作出的行政许可决定自作出之日起 7 个工作日内在此公示。"
	     "</p>");
}

static void search_form(struct buf *b, const struct permit_filter *f,
			const struct permit_query *q)
{
	page_alert(b, PERMIT_ERROR_ID, q->msg);
	html(b, "<form method=\"get\" action=\"/gk/permits\" "
	     "class=\"filters\" role=\"search\" aria-label=\"查询行政许可\">"
	     "<div class=\"field\"><label for=\"q\">行政相对人名称、统一社会"
	     "信用代码或决定文书号</label><input id=\"q\" name=\"q\" "
	     "type=\"search\" maxlength=\"%d\" value=\"%s\"%r></div>"
	     "<div class=\"field\"><label for=\"year\">决定年度</label>"
	     "<input id=\"year\" name=\"year\" type=\"number\" min=\"%d\" "
	     "max=\"%d\" value=\"%s\"%r></div><div class=\"actions\">"
	     "<button type=\"submit\">查询</button></div></form>",
	     PERMIT_Q_MAX_CHARS, f->q, permit_field_invalid(q, PERMIT_BAD_Q),
	     q->first, q->last, q->year,
	     permit_field_invalid(q, PERMIT_BAD_YEAR));
}

/* The table of a good query's page, and the links to the others. */
static void results(struct buf *b, const struct permit_filter *f,
		    const struct permit_list *l)
{
	static const char *const cols[] = {
		"许可事项", "行政相对人", "决定文书号", "许可决定日期", NULL,
	};
	struct buf args = BUF_INIT;
	size_t i;

	html_table_wrap(b, "results-cap");
	html(b, "<table class=\"data\"><caption id=\"results-cap\">"
	     "共 %I 条行政许可决定</caption>", l->total);
	table_head(b, cols);
	for (i = 0; i < l->n; i++) {
		const struct permit *p = &l->v[i];

		html(b, "<tr><th scope=\"row\"><a href=\"/gk/permits/%I\">%s"
		     "</a></th><td>", p->id, p->item);
		holder_html(b, p);
		html(b, "</td><td>%s</td><td class=\"nowrap\">%s</td></tr>",
		     p->decision_no, p->decided_on);
	}
	table_end(b, cols, l->n, "没有查到符合条件的行政许可决定");
	if (f->year)
		html(&args, "year=%d&amp;", f->year);
	html(&args, "q=%u&amp;", f->q);
	permit_html_pager(b, "/gk/permits", buf_cstr(&args), f->page,
			  l->total);
	buf_release(&args);
}

/* GET /gk/permits: the public list, newest decision first; a query that
 * is not understood gets the form and what to put in it. */
int page_gk_permits(struct req *r)
{
	struct portal_page pp = {
		.title = "行政许可公示", .nav = "/gk/permits",
		.feed = "/gk/permits.xml",
		.feed_title = "新昌高新园区行政许可公示",
	};
	struct permit_filter f = { .item = "", .public_view = true,
				   .size = PERMIT_PAGE_SIZE };
	struct permit_list l = { 0 };
	struct permit_query q;
	struct buf *b = &r->out;
	int rc;

	rc = permit_query_read(r, &f, &q);
	if (rc == 0 && !q.bad)
		rc = permit_list_load(r->db, &f, &l);
	if (rc < 0)
		return req_db_fail(r, rc);
	if (!q.bad && permit_page_missing(&f, l.total)) {
		permit_list_release(&l);
		return portal_not_found(r, "没有这一页。");
	}
	pp.noindex = q.bad != 0;
	portal_begin(r, &pp);
	intro(b);
	search_form(b, &f, &q);
	if (!q.bad)
		results(b, &f, &l);
	html(b, "<p><a href=\"/gk/permits.xml\" type=\"application/rss+xml\">"
	     "RSS 订阅</a></p>");
	portal_end(r);
	permit_list_release(&l);
	return q.bad ? 400 : 200;
}

static int load(struct req *r, struct permit *p)
{
	int64_t id;
	int rc;

	if (req_path_id(r, 0, &id) < 0)
		return portal_not_found(r, "没有这条行政许可公示。");
	rc = permit_get(r->db, id, p);
	if (rc < 0)
		return req_db_fail(r, rc);
	if (rc == 1)
		return portal_not_found(r, "没有这条行政许可公示。");
	return 0;
}

static void fulltext_dd(struct req *r, const struct permit *p)
{
	struct buf *b = &r->out;

	if (p->holder_kind == PERMIT_PERSON && p->fulltext)
		html(b, "许可决定书含有个人信息，不在网上公开全文；如需查阅，"
		     "可依法申请政府信息公开");
	else if (p->fulltext_id)
		html(b, "<a href=\"/gk/permits/%I/fulltext\" download>下载许可"
		     "决定书全文</a>", p->id);
	else if (p->fulltext)
		html(b, "已电子化，本网站未提供下载");
	else
		html(b, "无");
}

/* GET /gk/permits/{id}: one decision as published. */
int page_gk_permit(struct req *r)
{
	struct buf *b = &r->out;
	struct permit p;
	char when[17];
	int rc = load(r, &p);

	if (rc)
		return rc;
	portal_begin(r, &(struct portal_page){ .title = "行政许可决定公示",
					       .nav = "/gk/permits" });
	html(b, "<dl class=\"card\"><dt>许可事项</dt><dd>%s</dd><dt>决定文书号"
	     "</dt><dd>%s</dd><dt>行政相对人名称</dt><dd>", p.item,
	     p.decision_no);
	holder_html(b, &p);
	html(b, "</dd>");
	if (p.holder_kind == PERMIT_PERSON)
		html(b, "<dt>行政相对人类别</dt><dd>自然人</dd>");
	else
		html(b, "<dt>统一社会信用代码</dt><dd>%s</dd>", p.holder_code);
	html(b, "<dt>许可决定日期</dt><dd>%s</dd><dt>有效期</dt><dd>",
	     p.decided_on);
	permit_html_validity(b, &p);
	html(b, "</dd><dt>许可机关</dt><dd>%s</dd><dt>许可依据</dt><dd>%s"
	     "</dd><dt>许可决定书全文</dt><dd>", p.authority,
	     *p.legal_basis ? p.legal_basis : "—");
	fulltext_dd(r, &p);
	clock_local_minute(p.published_at, when);
	when[10] = '\0';           /* the date is enough */
	html(b, "</dd><dt>公示时间</dt><dd>%s</dd></dl>", when);
	html(b, "<p><a href=\"/gk/permits\">返回行政许可公示</a></p>");
	portal_end(r);
	permit_release(&p);
	return 200;
}

/* GET /gk/permits/{id}/fulltext: an organisation's decision in full. */
int page_gk_permit_file(struct req *r)
{
	struct attach_store s;
	struct attach_blob blob = { 0 };
	struct fz_err err = { 0 };
	struct permit p;
	int rc = load(r, &p);

	if (rc)
		return rc;
	attach_store_from_req(r, &s);
	if (!p.fulltext_id || p.holder_kind == PERMIT_PERSON)
		rc = portal_not_found(r, "这条行政许可公示没有可下载的全文。");
	else if (attach_open(r->db, &s, p.fulltext_id, &blob, &err))
		rc = req_fail(r, err.status, err.code, "%s", err.msg);
	else
		rc = attach_send(r, &blob);
	attach_blob_release(&blob);
	permit_release(&p);
	return rc;
}

/* ---- the feed ---- */

static void feed_item(struct buf *b, const char *base, const struct permit *p)
{
	struct buf holder = BUF_INIT;
	char when[PORTAL_RFC822_LEN];

	holder_html(&holder, p);
	portal_rfc822(p->published_at, true, when);
	/* `holder` is markup built by html(): escaped, valid in XML */
	html(b, "<item><title>%s：%r</title><link>%s/gk/permits/%I</link>"
	     "<guid isPermaLink=\"true\">%s/gk/permits/%I</guid>"
	     "<pubDate>%s</pubDate><description>决定文书号 %s；许可决定日期 "
	     "%s；许可机关 %s</description></item>", p->item,
	     buf_cstr(&holder), base, p->id, base, p->id, when,
	     p->decision_no, p->decided_on, p->authority);
	buf_release(&holder);
}

/* GET /gk/permits.xml: RSS 2.0 of the newest decisions. */
int page_gk_permits_feed(struct req *r)
{
	struct permit_filter f = { .item = "", .q = "", .public_view = true,
				   .page = 1, .size = FEED_ITEMS };
	struct permit_list l;
	struct buf *b = &r->out;
	struct buf origin = BUF_INIT;
	const char *base;
	char now[PORTAL_RFC822_LEN];
	size_t i;
	int rc = permit_list_load(r->db, &f, &l);

	if (rc < 0)
		return req_db_fail(r, rc);
	portal_origin(r, &origin);
	base = buf_cstr(&origin);
	portal_rfc822(clock_now(), true, now);
	html(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version="
	     "\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>"
	     "<title>新昌高新园区行政许可公示</title><link>%s/gk/permits</link>"
	     "<atom:link href=\"%s/gk/permits.xml\" rel=\"self\" type=\""
	     "application/rss+xml\"/><description>新昌高新园区管理委员会作出的"
	     "行政许可决定，自作出之日起 7 个工作日内公示</description>"
	     "<language>zh-cn</language><lastBuildDate>%s</lastBuildDate>",
	     base, base, now);
	for (i = 0; i < l.n; i++)
		feed_item(b, base, &l.v[i]);
	html(b, "</channel></rss>\n");
	buf_release(&origin);
	permit_list_release(&l);
	r->ctype = "application/rss+xml; charset=utf-8";
	return 200;
}
