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
 *
 * The page is read by the audit administrator, in Chinese: actions, the
 * command line's role and source and the keys of the details appear
 * under their names (labels.h) with the stored code beside them, and
 * each entry's details keep the record as stored one click away.  The
 * JSON and the export carry the codes only.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "audit/export.h"
#include "audit/labels.h"
#include "audit/query.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "engine/workflow.h"
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
/* The pairs shown for one entry's details, and the characters of each
 * value; the whole record is one click away. */
#define PAIRS_SHOWN 8
#define VALUE_CHARS 40
#define DIGEST_CHARS 16
#define LIST_SHOWN 5
/* Room for "case." and an action id of a procedure (engine/workflow.h). */
#define ACTION_CODE_MAX 64

/* ---- the query shared by the page, the JSON and the export ---- */

/*
 * Parse the filter of `r` into `f`, taking an action's Chinese name (as
 * the page shows it) for its code; `code` (ACTION_CODE_MAX bytes) keeps
 * a code made for a step of a procedure.  As audit_filter_parse().
 */
static int parse_filter(struct req *r, struct audit_filter *f, char *code,
			struct fz_err *err)
{
	const char *by_label;

	if (audit_filter_parse(&r->query, f, err))
		return -1;
	by_label = audit_action_code(f->action, code, ACTION_CODE_MAX);
	if (by_label)
		f->action = by_label;
	return 0;
}

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

static void action_option(const char *code, const char *label, void *arg)
{
	html(arg, "<option value=\"%s\">%s</option>", code, label);
}

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
	form_text(b, "action", "操作", req_query(r, "action"), TEXT_MAX,
		  OFF " list=\"action-codes\"", "填代码或名称，如 login 或"
		  "“登录”；以“.”结尾按前缀匹配，如 user.");
	html(b, "<datalist id=\"action-codes\">");
	audit_action_each(action_option, b);
	html(b, "</datalist>");
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

/* Whether `s` is a hash in hex (SM3 of a file or of fields). */
static bool is_digest(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return n >= 32 && !s[n];
}

/* Untrusted text, at most VALUE_CHARS characters of it; a hash only to
 * tell it apart, since it has no spaces to wrap at. */
static void put_short(struct buf *b, const char *s)
{
	size_t n = prefix_bytes(s, is_digest(s) ? DIGEST_CHARS : VALUE_CHARS);
	struct buf t = BUF_INIT;

	text_sanitize_log(&t, s, n);
	html(b, "%s%r", buf_cstr(&t), s[n] ? "…" : "");
	buf_release(&t);
}

static void put_none(struct buf *b)
{
	html(b, "<span class=\"muted\">无</span>");
}

/* Details that are not a JSON object (none are written so, but the
 * trail outlives the code that wrote it): the start of the text as the
 * summary of a <details> element that opens on the whole of it. */
static void plain_details(struct buf *b, const char *d, const json_t *j)
{
	char *pretty = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS |
				      JSON_ENCODE_ANY) : NULL;
	const char *full = pretty ? pretty : d;
	size_t cut = prefix_bytes(d, PREVIEW_CHARS), n = strlen(full);

	if (!d[cut]) {
		/* Short enough to read as it is. */
		html(b, "<span class=\"details\">");
		put_text(b, d);
		html(b, "</span>");
		free(pretty);
		return;
	}
	html(b, "<details><summary>");
	put_short(b, d);
	html(b, "</summary><pre>");
	if (n > DETAILS_SHOWN)
		n = prefix_bytes(full, DETAILS_SHOWN / 3);
	html_txtn(b, full, n);
	html(b, "%r</pre></details>",
	     full[n] ? "\n…（过长，完整内容见导出文件）" : "");
	free(pretty);
}

/* The record as stored, byte for byte: it is what the chain hashes.
 * jansson wrote it, so control characters in it are already escaped
 * (\u001b); it is only HTML-escaped here. */
static void raw_details(struct buf *b, const char *d)
{
	size_t n = strlen(d);

	if (n > DETAILS_SHOWN)
		n = utf8_cut(d, n, DETAILS_SHOWN);
	html(b, "<details><summary>原始记录</summary><pre>");
	html_txtn(b, d, n);
	html(b, "%r</pre></details>",
	     d[n] ? "…\n（过长，完整内容见导出文件）" : "");
}

static bool is_role_key(const char *key)
{
	return str_eq(key, "role") || str_eq(key, "roles") ||
	       str_eq(key, "granted") || str_eq(key, "revoked");
}

/* Role codes, one string or a list of them, by their Chinese names. */
static void put_roles(struct buf *b, const json_t *v)
{
	struct buf codes = BUF_INIT, names = BUF_INIT;
	const json_t *e;
	size_t i;

	if (json_is_string(v))
		buf_puts(&codes, json_string_value(v));
	json_array_foreach(v, i, e) {
		if (i)
			buf_putc(&codes, ',');
		buf_puts(&codes, json_string_value(e) ? json_string_value(e) :
			 "?");
	}
	audit_role_names(&names, buf_cstr(&codes));
	if (names.len)
		html(b, "%s", buf_cstr(&names));
	else
		put_none(b);
	buf_release(&codes);
	buf_release(&names);
}

/* A case step names its procedure, states and fields by id: their
 * labels. */
static const char *case_value(const char *action, const char *key,
			      const char *v, const json_t *details)
{
	const struct workflow *w;
	const struct wf_field *f;

	if (!str_starts(action, "case.") ||
	    !(w = audit_case_workflow(details)))
		return NULL;
	if (str_eq(key, "procedure"))
		return w->title;
	if ((str_eq(key, "from") || str_eq(key, "to")) && wf_state(w, v))
		return wf_state_label(w, v);
	if (str_eq(key, "fields") && (f = wf_field(w, v)))
		return f->label;
	return NULL;
}

static void put_string(struct buf *b, const struct audit_row *e,
		       const char *key, const char *v, const json_t *details)
{
	const char *label = audit_value_label(key, v);

	if (!label)
		label = case_value(e->action, key, v, details);
	if (label)
		html(b, "%s", label);
	else if (*v)
		put_short(b, v);
	else
		put_none(b);
}

static bool is_scalar_list(const json_t *v)
{
	const json_t *e;
	size_t i;

	json_array_foreach(v, i, e)
		if (!json_is_string(e) && !json_is_integer(e))
			return false;
	return json_is_array(v);
}

static void put_value(struct buf *b, const struct audit_row *e,
		      const char *key, const json_t *v, const json_t *details);

/* A list of names or numbers, one after the other; at most a few. */
static void put_list(struct buf *b, const struct audit_row *e,
		     const char *key, const json_t *v, const json_t *details)
{
	const json_t *x;
	size_t i;

	if (!json_array_size(v)) {
		put_none(b);
		return;
	}
	json_array_foreach(v, i, x) {
		if (i == LIST_SHOWN) {
			html(b, " 等 %I 项", (int64_t)json_array_size(v));
			break;
		}
		if (i)
			html(b, "、");
		put_value(b, e, key, x, details);
	}
}

/* One value of the details, as a person reads it; objects and mixed
 * lists as compact JSON, cut. */
static void put_value(struct buf *b, const struct audit_row *e,
		      const char *key, const json_t *v, const json_t *details)
{
	char local[17], *text;

	if (is_role_key(key) && (json_is_string(v) || json_is_array(v))) {
		put_roles(b, v);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		put_string(b, e, key, json_string_value(v), details);
		return;
	case JSON_INTEGER:
		if (str_eq(key, "locked_until")) {
			clock_local_minute(json_integer_value(v), local);
			html(b, "%s", local);
		} else {
			html(b, "%I", (int64_t)json_integer_value(v));
		}
		return;
	case JSON_TRUE:
		html(b, "是");
		return;
	case JSON_FALSE:
		html(b, "否");
		return;
	case JSON_NULL:
		put_none(b);
		return;
	case JSON_ARRAY:
		if (is_scalar_list(v)) {
			put_list(b, e, key, v, details);
			return;
		}
		/* fall through */
	default:
		text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		put_short(b, text ? text : "?");
		free(text);
	}
}

/* Keys read first, in this order; the others follow as stored (jansson
 * sorted them). */
static const char *const first_keys[] = {
	"number", "procedure", "version", "from", "to", "name", "code", "login",
	"display_name", "reason",
};

static bool is_first_key(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(first_keys); i++)
		if (str_eq(first_keys[i], key))
			return true;
	return false;
}

/* One pair, "key：value". */
static void put_pair(struct buf *b, const struct audit_row *e,
		     const char *key, const json_t *v, const json_t *details)
{
	const char *label = audit_key_label(e->action, key);

	html(b, "<div><span class=\"muted\">");
	if (label)
		html(b, "%s", label);
	else
		put_text(b, key);
	html(b, "：</span>");
	put_value(b, e, key, v, details);
	html(b, "</div>");
}

/*
 * The details as "key：value" lines under Chinese names (unknown keys
 * as stored), at most PAIRS_SHOWN of them, and the record as stored
 * folded beneath: the page explains, the stored text is the evidence.
 */
static void details_cell(struct buf *b, const struct audit_row *e,
			 json_t *j)
{
	const char *d = e->details ? e->details : "", *key;
	json_t *v;
	size_t n = 0, i, all = json_object_size(j);

	if (!json_is_object(j)) {
		plain_details(b, d, j);
		return;
	}
	if (!all) {
		put_none(b);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(first_keys) && n < PAIRS_SHOWN; i++) {
		v = json_object_get(j, first_keys[i]);
		if (!v)
			continue;
		put_pair(b, e, first_keys[i], v, j);
		n++;
	}
	json_object_foreach(j, key, v) {
		if (n == PAIRS_SHOWN)
			break;
		if (is_first_key(key))
			continue;
		put_pair(b, e, key, v, j);
		n++;
	}
	if (all > n)
		html(b, "<div class=\"muted\">另有 %I 项，见原始记录</div>",
		     (int64_t)(all - n));
	raw_details(b, d);
}

static const char *outcome_badge(const char *outcome)
{
	if (str_eq(outcome, "success"))
		return "badge badge-ok";
	if (str_eq(outcome, "denied"))
		return "badge badge-warn";
	return "badge badge-bad";
}

/* The outcome as a badge.  Reads of attachments were stored with "ok"
 * for a success until they were written as every other success: such
 * entries show as one, with the stored value beneath, since the filter
 * for 成功 does not find them. */
static void outcome_cell(struct buf *b, const char *outcome)
{
	if (!str_eq(outcome, "ok")) {
		html(b, "<span class=\"%s\">%s</span>", outcome_badge(outcome),
		     audit_outcome_name(outcome));
		return;
	}
	html(b, "<span class=\"badge badge-ok\">成功</span><br><small>"
	     "<code class=\"muted\">ok</code></small>");
}

/* A stored code under its Chinese name, with the code itself beneath:
 * that is what the filter, the JSON and the export use. */
static void put_labelled(struct buf *b, const char *label, const char *code)
{
	html(b, "%s<br><small><code class=\"muted\">", label);
	put_text(b, code);
	html(b, "</code></small>");
}

/* A stored value by its name when it has one, else as stored. */
static void put_named(struct buf *b, const char *label, const char *code)
{
	if (label)
		put_labelled(b, label, code);
	else
		put_text(b, code);
}

static void role_cell(struct buf *b, const char *roles)
{
	struct buf names = BUF_INIT;

	if (audit_role_label(roles)) {
		put_labelled(b, audit_role_label(roles), roles);
		return;
	}
	audit_role_names(&names, roles);
	if (names.len)
		html(b, "%s", buf_cstr(&names));
	else
		put_none(b);
	buf_release(&names);
}

static int page_row(const struct audit_row *e, void *arg)
{
	struct buf *b = arg;
	json_t *j = e->details ? json_loads(e->details, JSON_DECODE_ANY,
					    NULL) : NULL;
	const char *actor = audit_actor_label(e->actor);
	char local[17], iso[21];

	clock_local_minute(e->ts, local);
	clock_iso_utc(e->ts, iso);
	html(b, "<tr><th scope=\"row\" class=\"num\">%I</th>"
	     "<td class=\"nowrap\"><time datetime=\"%s\">%s</time></td>"
	     "<td%r>", e->seq, iso, local, actor ? " class=\"nowrap\"" : "");
	put_named(b, actor, e->actor);
	html(b, "</td><td class=\"nowrap\">");
	role_cell(b, e->actor_role);
	html(b, "</td><td class=\"nowrap\">");
	put_named(b, audit_source_label(e->source_ip), e->source_ip);
	html(b, "</td><td class=\"nowrap\">");
	put_named(b, audit_action_label(e->action, j), e->action);
	html(b, "</td><td>");
	put_text(b, e->object);
	html(b, "</td><td>");
	outcome_cell(b, e->outcome);
	html(b, "</td><td class=\"wrap\">");
	details_cell(b, e, j);
	html(b, "</td><td><code>");
	put_text(b, e->request_id);
	html(b, "</code></td></tr>");
	json_decref(j);
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
	html_table_wrap(b, "result-cap");
	html(b, "<table class=\"data\"><caption id=\"result-cap\">"
	     "共 %I 条符合条件的记录，按序号从新到旧排列</caption>"
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
	char code[ACTION_CODE_MAX];
	int64_t total = 0;
	int status;

	if (parse_filter(r, &f, code, &err)) {
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
	char disp[96], who[256], code[ACTION_CODE_MAX];
	int rc;

	if (!ratelimit_take(RL_EXPORT, r->ip))
		return req_fail(r, 429, "rate_limited",
				"导出过于频繁，请稍后再试");
	if (parse_filter(r, &f, code, &err))
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
	char code[ACTION_CODE_MAX];
	int64_t total = 0, rc;
	json_t *list;

	if (parse_filter(r, &f, code, &err))
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
