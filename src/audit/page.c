/* page.c: the audit administrator's view of the audit trail
 *
 * Three ways to read the trail, all behind PERM_AUDIT_READ: the page with
 * its filter form, the same rows as JSON, and an Excel export.  Reading
 * the trail is itself audited (security row AD-09): each view appends an
 * entry in a transaction of its own before any row is sent, so a view
 * that cannot be recorded shows nothing (fail closed).
 *
 * A view is pinned to the head of the trail as it was when the view
 * began (`upto`), and the pager and export links carry that pin: paging
 * then moves through a fixed list even though every view, including this
 * one, adds an entry to the trail.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "audit/export.h"
#include "audit/query.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/ratelimit.h"
#include "store/store.h"

#define TITLE "审计日志"
#define XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
/* 100 000 rows come to roughly 10 MB; leave room for long details. */
#define EXPORT_BYTES_MAX ((size_t)96 << 20)
/* Details longer than this are cut on the page (the export has them). */
#define DETAILS_SHOWN 4096
#define PREVIEW_CHARS 48

/* ---- the query shared by the page, the JSON and the export ---- */

/*
 * Pin `f` to the current head, count what it matches, check the page
 * (paged views only) and append the entry that records this view.
 * Returns 0, or the HTTP status of the failure (r->err filled).
 */
static int begin_view(struct req *r, struct audit_filter *f,
		      const char *action, bool paged, int64_t *total)
{
	int64_t head, pages;
	json_t *details;
	int rc;

	if (!f->upto) {
		head = audit_length(r->db);
		if (head < 0)
			return req_db_fail(r, (int)head);
		f->upto = head;
	}
	rc = audit_count(r->db, f, total);
	if (rc < 0)
		return req_db_fail(r, rc);
	pages = (*total + f->size - 1) / f->size;
	if (paged && f->page > 1 && f->page > pages)
		return req_fail(r, 400, "bad_page", "页码超出范围：共 %lld 页",
				(long long)(pages ? pages : 1));
	details = audit_filter_json(f);
	if (paged) {
		json_object_set_new(details, "page", json_integer(f->page));
		json_object_set_new(details, "size", json_integer(f->size));
	}
	json_object_set_new(details, "matched", json_integer(*total));
	rc = (int)audit_req_tx(r, action, "audit_log", "success", details);
	return rc < 0 ? req_db_fail(r, rc) : 0;
}

/* ---- the page ---- */

/* Untrusted text, escaped for HTML, with control characters shown. */
static void put_text(struct buf *b, const char *s)
{
	struct buf t = BUF_INIT;

	text_sanitize_log(&t, s ? s : "", s ? strlen(s) : 0);
	html_txt(b, buf_cstr(&t));
	buf_release(&t);
}

/* The filter as query-string markup ("&amp;actor=..."), made with html()
 * so that it may be written into an href with %r. */
static void filter_args(struct buf *b, const struct audit_filter *f)
{
	if (f->actor)
		html(b, "&amp;actor=%u", f->actor);
	if (f->actor && f->actor_exact)
		html(b, "&amp;actor_exact=1");
	if (f->action)
		html(b, "&amp;action=%u", f->action);
	if (f->object)
		html(b, "&amp;object=%u", f->object);
	if (f->outcome)
		html(b, "&amp;outcome=%u", f->outcome);
	if (f->from)
		html(b, "&amp;from=%u", f->from);
	if (f->to)
		html(b, "&amp;to=%u", f->to);
}

#define TEXT_MAX AUDIT_FILTER_TEXT_MAX
#define OFF " autocomplete=\"off\""

/* The form shows what was asked for, as typed, even when it was refused. */
static void filter_form(struct req *r, bool bad)
{
	static const char *const outcomes[][2] = {
		{ "", "全部" }, { "success", "成功" }, { "failure", "失败" },
		{ "denied", "拒绝" },
	};
	static const char *const sizes[] = { "20", "50", "100", "200" };
	const char *outcome = req_query(r, "outcome");
	const char *size = req_query(r, "size");
	const char *exact = req_query(r, "actor_exact");
	struct buf *b = &r->out;
	size_t i;

	if (!size || !*size)
		size = "50";
	html(b, "<form method=\"get\" action=\"/audit\" class=\"filters\" "
	     "role=\"search\" aria-label=\"筛选审计日志\"%r>",
	     bad ? " aria-describedby=\"filter-error\"" : "");
	form_text(b, "actor", "操作人", req_query(r, "actor"), TEXT_MAX, OFF,
		  NULL);
	html(b, "<div class=\"field\"><label><input type=\"checkbox\" "
	     "name=\"actor_exact\" value=\"1\"%r> 操作人精确匹配</label>"
	     "</div>", exact && *exact && strcmp(exact, "0") ?
	     " checked" : "");
	form_text(b, "action", "操作", req_query(r, "action"), TEXT_MAX, OFF,
		   "如 login；以“.”结尾按前缀匹配，如 user.");
	form_text(b, "object", "对象", req_query(r, "object"), TEXT_MAX, OFF,
		   "如 user:12；以“:”结尾按前缀匹配");
	html(b, "<div class=\"field\"><label for=\"outcome\">结果</label>"
	     "<select id=\"outcome\" name=\"outcome\">");
	for (i = 0; i < ARRAY_SIZE(outcomes); i++)
		html_option(b, outcomes[i][0], outcomes[i][1],
			    str_eq(outcome ? outcome : "", outcomes[i][0]));
	html(b, "</select></div>");
	form_text(b, "from", "开始时间", req_query(r, "from"), TEXT_MAX, OFF,
		   "北京时间，如 2026-01-31 或 2026-01-31T08:30");
	form_text(b, "to", "结束时间", req_query(r, "to"), TEXT_MAX, OFF,
		   "含当天（或当分钟）");
	html(b, "<div class=\"field\"><label for=\"size\">每页条数</label>"
	     "<select id=\"size\" name=\"size\">");
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		html_option(b, sizes[i], sizes[i], str_eq(size, sizes[i]));
	html(b, "</select></div><div class=\"actions\">"
	     "<button type=\"submit\" class=\"primary\">查询</button> "
	     "<a class=\"button\" href=\"/audit\">清除条件</a></div>"
	     "</form>");
}

static void chain_status(struct req *r)
{
	struct buf *b = &r->out;
	int64_t len = audit_length(r->db), cp_seq = 0, cp_ts = 0;
	int rc = audit_last_checkpoint(r->db, &cp_seq, &cp_ts);
	char local[17];

	html(b, "<section class=\"card\" aria-labelledby=\"chain-h\">"
	     "<h2 id=\"chain-h\">日志链状态</h2><dl><dt>条目总数</dt><dd>");
	if (len >= 0)
		html(b, "%I 条", len);
	else
		html(b, "暂时无法读取");
	html(b, "</dd><dt>最近签名检查点</dt><dd>");
	if (rc == 0) {
		clock_local_minute(cp_ts, local);
		html(b, "序号 %I，%s（北京时间）", cp_seq, local);
	} else {
		html(b, rc == 1 ? "尚无签名检查点" : "暂时无法读取");
	}
	html(b, "</dd></dl><p class=\"muted\">每条记录以 SM3 哈希与前一条"
	     "相链，检查点由 SM2 签名。完整校验请在服务器上运行 "
	     "<code>fazhi audit verify</code>。</p></section>");
}

/* Bytes of the first `max` characters of UTF-8 text `s`. */
static size_t prefix_bytes(const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	while (s[i] && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return i;
}

/* The JSON details: the start of it as the summary of a <details>
 * element that opens on the whole of it, indented.  The text is JSON as
 * jansson wrote it, so control characters inside it are already escaped
 * (\u001b); it is only HTML-escaped here. */
static void details_cell(struct buf *b, const char *details)
{
	const char *d = details ? details : "";
	json_t *j = json_loads(d, 0, NULL);
	char *pretty = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) :
		       NULL;
	const char *full = pretty ? pretty : d;
	size_t cut = prefix_bytes(d, PREVIEW_CHARS), n = strlen(full);

	if (j && json_is_object(j) && json_object_size(j) == 0) {
		html(b, "<span class=\"muted\">无</span>");
		goto out;
	}
	if (!d[cut]) {
		/* Short enough to read as it is. */
		html(b, "<span class=\"details\">%s</span>", d);
		goto out;
	}
	html(b, "<details><summary>");
	html_txtn(b, d, cut);
	html(b, "…</summary><pre>");
	if (n > DETAILS_SHOWN)
		n = prefix_bytes(full, DETAILS_SHOWN / 3);
	html_txtn(b, full, n);
	html(b, "%r</pre></details>",
	     full[n] ? "\n…（过长，完整内容见导出文件）" : "");
out:
	free(pretty);
	if (j)
		json_decref(j);
}

static const char *outcome_badge(const char *outcome)
{
	if (str_eq(outcome, "success"))
		return "badge badge-ok";
	if (str_eq(outcome, "denied"))
		return "badge badge-warn";
	return "badge badge-bad";
}

static int page_row(const struct audit_row *e, void *arg)
{
	struct buf *b = arg, roles = BUF_INIT;
	char local[17], iso[21];

	clock_local_minute(e->ts, local);
	clock_iso_utc(e->ts, iso);
	audit_role_names(&roles, e->actor_role);
	html(b, "<tr><th scope=\"row\" class=\"num\">%I</th>"
	     "<td class=\"nowrap\"><time datetime=\"%s\">%s</time></td><td>",
	     e->seq, iso, local);
	put_text(b, e->actor);
	html(b, "</td><td class=\"nowrap\">%s</td><td class=\"nowrap\">",
	     buf_cstr(&roles));
	put_text(b, e->source_ip);
	html(b, "</td><td><code>");
	put_text(b, e->action);
	html(b, "</code></td><td>");
	put_text(b, e->object);
	html(b, "</td><td><span class=\"%s\">%s</span></td><td>",
	     outcome_badge(e->outcome), audit_outcome_name(e->outcome));
	details_cell(b, e->details);
	html(b, "</td><td><code>");
	put_text(b, e->request_id);
	html(b, "</code></td></tr>");
	buf_release(&roles);
	return 0;
}

/* `args` holds the filter and the pin (see results()). */
static void pager_link(struct buf *b, const struct audit_filter *f,
		       const char *args, int64_t page, const char *label,
		       const char *rel)
{
	html(b, "<a href=\"/audit?page=%I&amp;size=%I%r\" rel=\"%s\">%s</a>",
	     page, f->size, args, rel, label);
}

static void pager(struct buf *b, const struct audit_filter *f,
		  const char *args, int64_t total)
{
	int64_t pages = (total + f->size - 1) / f->size;

	if (pages <= 1)
		return;
	html(b, "<nav class=\"pager\" aria-label=\"分页\">");
	if (f->page > 1)
		pager_link(b, f, args, 1, "首页", "first");
	if (f->page > 1)
		pager_link(b, f, args, f->page - 1, "上一页", "prev");
	html(b, "<span aria-current=\"page\">第 %I 页，共 %I 页</span>",
	     f->page, pages);
	if (f->page < pages)
		pager_link(b, f, args, f->page + 1, "下一页", "next");
	if (f->page < pages)
		pager_link(b, f, args, pages, "末页", "last");
	html(b, "</nav>");
}

static int results(struct req *r, const struct audit_filter *f,
		   int64_t total)
{
	struct buf *b = &r->out, args = BUF_INIT, pinned = BUF_INIT;
	const char *xargs;
	int64_t rc;

	/* Links go on from this view: the same filter and the same pin
	 * (no pin only while the trail is still empty). */
	filter_args(&args, f);
	if (f->upto > 0)
		html(&pinned, "&amp;upto=%I", f->upto);
	html_raw(&pinned, buf_cstr(&args));
	xargs = buf_cstr(&pinned);
	if (str_starts(xargs, "&amp;"))
		xargs += 5;
	html(b, "<section aria-labelledby=\"result-h\">"
	     "<h2 id=\"result-h\">查询结果</h2><p class=\"actions\">"
	     "<a class=\"button\" href=\"/audit/export.xlsx?%r\" "
	     "download>导出 Excel</a> <span class=\"muted\">按当前条件导出，"
	     "最多 %d 条；导出操作将记入审计日志。</span></p>",
	     xargs, AUDIT_EXPORT_MAX_ROWS);
	html(b, "<p class=\"muted\">显示截至序号 %I 的记录（打开本页之后的"
	     "新记录不在此列，<a href=\"/audit?size=%I%r\">查看最新</a>）。"
	     "</p>", f->upto, f->size, buf_cstr(&args));
	html(b, "<div class=\"table-wrap\"><table class=\"data\">"
	     "<caption>共 %I 条符合条件的记录，按序号从新到旧排列</caption>"
	     "<thead><tr><th scope=\"col\">序号</th>"
	     "<th scope=\"col\">时间</th><th scope=\"col\">操作人</th>"
	     "<th scope=\"col\">角色</th><th scope=\"col\">来源地址</th>"
	     "<th scope=\"col\">操作</th><th scope=\"col\">对象</th>"
	     "<th scope=\"col\">结果</th><th scope=\"col\">详情</th>"
	     "<th scope=\"col\">请求编号</th></tr></thead><tbody>", total);
	rc = audit_query(r->db, f, f->size, (f->page - 1) * f->size,
			 page_row, b);
	if (rc < 0) {
		buf_release(&args);
		buf_release(&pinned);
		return req_db_fail(r, (int)rc);
	}
	if (rc == 0)
		html(b, "<tr><td colspan=\"10\" class=\"empty\">"
		     "没有符合条件的记录</td></tr>");
	html(b, "</tbody></table></div>");
	pager(b, f, buf_cstr(&pinned), total);
	html(b, "</section>");
	buf_release(&args);
	buf_release(&pinned);
	return 200;
}

/*
 * GET /audit: the filter form, the state of the chain and one page of
 * entries, newest first.  A bad filter shows the form again with the
 * reason (400) and is not recorded, since nothing was read.
 */
int page_audit(struct req *r)
{
	struct audit_filter f;
	struct fz_err err = { 0 };
	int64_t total = 0;
	int status;

	if (audit_filter_parse(&r->query, &f, &err)) {
		page_begin(r, TITLE);
		page_alert(&r->out, "filter-error", err.msg);
		filter_form(r, true);
		page_end(r);
		return 400;
	}
	status = begin_view(r, &f, "audit.query", true, &total);
	if (status)
		return status;
	page_begin(r, TITLE);
	chain_status(r);
	filter_form(r, false);
	status = results(r, &f, total);
	if (status != 200)
		return status;
	page_end(r);
	return 200;
}

/* ---- the export ---- */

/* "audit-20261127.xlsx", dated in China time like everything shown. */
static void export_name(char *out, size_t n)
{
	char local[17];

	clock_local_minute(clock_now(), local);
	snprintf(out, n, "attachment; filename=\"audit-%.4s%.2s%.2s.xlsx\"",
		 local, local + 5, local + 8);
}

/*
 * GET /audit/export.xlsx: the entries matching the filter (the page's
 * parameters; page and size are ignored) as a workbook, at most
 * AUDIT_EXPORT_MAX_ROWS of them.  Rate-limited per address (429).  The
 * export is recorded before it is built; a build that then fails is
 * recorded as a failure too.
 */
int page_audit_export(struct req *r)
{
	struct audit_filter f;
	struct fz_err err = { 0 };
	struct buf x;
	int64_t total = 0, rows = 0;
	char disp[96], who[256];
	int rc;

	if (!ratelimit_take(RL_EXPORT, r->ip))
		return req_fail(r, 429, "rate_limited",
				"导出过于频繁，请稍后再试");
	if (audit_filter_parse(&r->query, &f, &err))
		return req_fail(r, err.status, err.code, "%s", err.msg);
	rc = begin_view(r, &f, "audit.export", false, &total);
	if (rc)
		return rc;
	snprintf(who, sizeof(who), "%s（%s）", r->user->display_name,
		 r->user->login);
	buf_init(&x, EXPORT_BYTES_MAX);
	rc = audit_export_xlsx(r->db, &f, AUDIT_EXPORT_MAX_ROWS, who, &x,
			       &rows);
	if (rc < 0) {
		/* The reply first: req_db_fail() logs the store's message,
		 * which the entry below would replace. */
		int status = rc == AUDIT_EXPORT_EFILE ?
			req_fail(r, 500, "export_failed",
				 "导出失败，请稍后再试") :
			req_db_fail(r, rc);

		buf_release(&x);
		fprintf(stderr, "fazhi: request %s: audit export failed (%d)\n",
			r->id, rc);
		/* Best effort: the failure itself is worth an entry. */
		audit_req_tx(r, "audit.export", "audit_log", "failure",
			     json_pack("{s:i}", "code", rc));
		return status;
	}
	buf_release(&r->out);
	r->out = x;
	r->ctype = XLSX_TYPE;
	export_name(disp, sizeof(disp));
	req_set_header(r, "Content-Disposition", disp);
	return 200;
}

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
	json_t *v = json_string(s ? s : "");

	return v ? v : json_null();
}

static int json_row(const struct audit_row *e, void *arg)
{
	json_t *list = arg, *o, *details;
	char iso[21];

	clock_iso_utc(e->ts, iso);
	details = e->details ? json_loads(e->details, 0, NULL) : NULL;
	if (!details)
		details = jstr(e->details);
	o = json_object();
	json_object_set_new(o, "seq", json_integer(e->seq));
	json_object_set_new(o, "ts", json_string(iso));
	json_object_set_new(o, "actor", jstr(e->actor));
	json_object_set_new(o, "actor_role", jstr(e->actor_role));
	json_object_set_new(o, "source_ip", jstr(e->source_ip));
	json_object_set_new(o, "request_id", jstr(e->request_id));
	json_object_set_new(o, "action", jstr(e->action));
	json_object_set_new(o, "object", jstr(e->object));
	json_object_set_new(o, "outcome", jstr(e->outcome));
	json_object_set_new(o, "details", details);
	json_array_append_new(list, o);
	return 0;
}

/*
 * GET /api/v1/audit: {"entries": [...], "page", "size", "total", "upto"}
 * with the page's filter parameters; pass "upto" back to page through a
 * fixed list.  Times are ISO 8601 UTC.
 */
int api_audit(struct req *r)
{
	struct audit_filter f;
	struct fz_err err = { 0 };
	int64_t total = 0, rc;
	json_t *list;

	if (audit_filter_parse(&r->query, &f, &err))
		return req_fail(r, err.status, err.code, "%s", err.msg);
	rc = begin_view(r, &f, "audit.query", true, &total);
	if (rc)
		return (int)rc;
	list = json_array();
	rc = audit_query(r->db, &f, f.size, (f.page - 1) * f.size, json_row,
			 list);
	if (rc < 0) {
		json_decref(list);
		return req_db_fail(r, (int)rc);
	}
	return req_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:I}",
					  "entries", list,
					  "page", (json_int_t)f.page,
					  "size", (json_int_t)f.size,
					  "total", (json_int_t)total,
					  "upto", (json_int_t)f.upto));
}
