/* staff_pages.c: the publications desk — the list with its tasks and
 * clocks, and drafting a new item
 *
 * Only the roles that work on publications see it: the information
 * disclosure officer drafts and publishes, the confidentiality reviewer
 * reviews, department heads and leaders approve.  Every item shows the
 * clock of Art. 26 (20 working days from its 生成日期 to publication)
 * with a badge when it is near or past; overdue items also reach the
 * engine's supervision (督办) like any statutory clock.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "engine/clock.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/server.h"
#include "ogi/report.h"
#include "petition/petition.h"
#include "portal/publication.h"
#include "store/store.h"

#define R(x) ((roleset)1 << (x))
#define LIST_PAGE 30
#define TASKS_MAX 50

/* ---- shared helpers ---- */

bool pub_may_work(roleset roles)
{
	return (roles & (R(ROLE_OGI_OFFICER) | R(ROLE_CONF_REVIEWER) |
			 R(ROLE_DEPT_HEAD) | R(ROLE_LEADER))) != 0;
}

void pub_env_init(struct req *r, struct desk_ctx *dc, struct pub_env *env)
{
	desk_ctx_init(r, r->db, dc);
	env->e = &dc->e;
	attach_store_from_req(r, &env->store);
}

int pub_forbidden(struct req *r)
{
	return req_fail(r, 403, "forbidden", "政务公开事项由信息公开专员、保密"
			"审查员、部门负责人和分管领导办理");
}

/* Every value posted under `name`, joined by commas; `none` when
 * there is none. */
static json_t *joined(struct req *r, const char *name, const char *none)
{
	struct buf b = BUF_INIT;
	json_t *v;
	size_t i;

	for (i = 0; i < r->form.n; i++) {
		const struct kv *kv = &r->form.items[i];

		if (strcmp(kv->key, name) || !kv->val[0])
			continue;
		if (b.len)
			buf_putc(&b, ',');
		buf_puts(&b, kv->val);
	}
	v = json_string(b.len ? buf_cstr(&b) : none);
	buf_release(&b);
	return v;
}

/* `s` with every CR LF (and lone CR) made LF. */
static json_t *lf_text(const char *s)
{
	struct buf b = BUF_INIT;
	json_t *v;

	for (; *s; s++) {
		if (*s == '\r') {
			buf_putc(&b, '\n');
			if (s[1] == '\n')
				s++;
		} else {
			buf_putc(&b, *s);
		}
	}
	v = json_string(buf_cstr(&b));
	buf_release(&b);
	return v;
}

static void put_field(struct req *r, const struct wf_field *f, json_t *out)
{
	const char *s;

	if (f->type == WF_FILE)
		return;
	if (strcmp(f->name, "channels") == 0 ||
	    strcmp(f->name, "drop_files") == 0) {
		/* an empty list is a choice too: no outbound channel */
		if (strcmp(f->name, "channels") == 0 &&
		    str_eq(req_form(r, "channels_shown"), "1"))
			json_object_set_new(out, f->name,
					    joined(r, f->name, "portal"));
		else if (kv_count(&r->form, f->name))
			json_object_set_new(out, f->name,
					    joined(r, f->name, ""));
		return;
	}
	s = req_form(r, f->name);
	if (s && *s)
		json_object_set_new(out, f->name, lf_text(s));
}

json_t *pub_form_fields(struct req *r, const struct wf_action *a)
{
	json_t *out = json_object();
	size_t i;

	for (i = 0; i < a->nrequired; i++)
		put_field(r, a->required[i], out);
	for (i = 0; i < a->noptional; i++)
		put_field(r, a->optional[i], out);
	return out;
}

int pub_path_item(struct req *r, struct pub_item *p)
{
	int64_t id = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	if (req_path_id(r, 0, &id) < 0)
		return req_fail(r, 404, "not_found", "该信息不存在");
	rc = pub_get(r->db, id, true, p);
	if (rc < 0)
		return req_db_fail(r, rc);
	if (rc)
		return req_fail(r, 404, "not_found", "该信息不存在");
	return 0;
}

/* ---- pieces of pages ---- */

void pub_state_badge(struct buf *b, const struct workflow *w,
		     const char *state)
{
	const char *cls = "";

	if (strcmp(state, "published") == 0)
		cls = " badge-ok";
	else if (strcmp(state, "withdrawn") == 0 ||
		 strcmp(state, "dropped") == 0)
		cls = " badge-muted";
	html(b, "<span class=\"badge%r\">%s</span>", cls,
	     w ? wf_state_label(w, state) : state);
}

static const char *vstr(json_t *values, const char *key)
{
	const char *s = json_string_value(json_object_get(values, key));

	return s ? s : "";
}

static void text_input(struct buf *b, const char *prefix, const char *name,
		       const char *label, const char *value, int max,
		       bool required, const char *hint)
{
	html(b, "<div class=\"field\"><label for=\"%s%s\">%s%r</label>"
	     "<input id=\"%s%s\" name=\"%s\" type=\"text\" maxlength=\"%d\" "
	     "value=\"%s\"%r", prefix, name, label, required ?
	     " <abbr title=\"必填\">*</abbr>" : "", prefix, name, name, max,
	     value, required ? " required" : "");
	if (hint)
		html(b, " aria-describedby=\"%s%s-hint\"><p class=\"muted\" "
		     "id=\"%s%s-hint\">%s</p></div>", prefix, name, prefix,
		     name, hint);
	else
		html(b, "></div>");
}

static void catalogue_select(struct buf *b, const char *prefix,
			     const struct pub_catalogue *cat,
			     const char *cur)
{
	size_t i;
	int d;

	html(b, "<div class=\"field\"><label for=\"%scatalogue\">主题分类 "
	     "<abbr title=\"必填\">*</abbr></label><select id=\"%scatalogue\" "
	     "name=\"catalogue\" required>", prefix, prefix);
	html_option(b, "", "请选择", !*cur);
	for (i = 0; i < cat->n; i++) {
		struct buf label = BUF_INIT;

		for (d = 0; d < cat->v[i].depth; d++)
			buf_puts(&label, "　");
		buf_puts(&label, cat->v[i].name);
		html_option(b, cat->v[i].code, buf_cstr(&label),
			    strcmp(cat->v[i].code, cur) == 0);
		buf_release(&label);
	}
	html(b, "</select></div>");
}

static bool listed(const char *list, const char *id)
{
	size_t n = strlen(id);
	const char *p = list;

	while ((p = strstr(p, id)) != NULL) {
		if ((p == list || p[-1] == ',') && (!p[n] || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

static void channel_boxes(struct buf *b, const char *prefix,
			  const char *cur)
{
	size_t i;

	html(b, "<fieldset class=\"field\"><legend>发布渠道</legend>"
	     "<label class=\"check\"><input type=\"checkbox\" checked "
	     "disabled> <span>本机关门户网站<span class=\"muted\">（政府信息"
	     "公开平台，每条必发）</span></span></label>");
	html_hidden(b, "channels_shown", "1");
	for (i = 0; i < pub_channel_count; i++)
		html(b, "<label class=\"check\"><input type=\"checkbox\" "
		     "id=\"%sch-%s\" name=\"channels\" value=\"%s\"%r> <span>"
		     "%s<span class=\"muted\">（%s）</span></span></label>",
		     prefix,
		     pub_channels[i].id, pub_channels[i].id,
		     listed(cur, pub_channels[i].id) ? " checked" : "",
		     pub_channels[i].label, pub_channels[i].note);
	html(b, "</fieldset>");
}

void pub_item_inputs(struct buf *b, const char *prefix, json_t *values,
		     const struct pub_catalogue *cat, const char *publisher,
		     bool create)
{
	text_input(b, prefix, "title", "标题", vstr(values, "title"), 200,
		   create, NULL);
	catalogue_select(b, prefix, cat, vstr(values, "catalogue"));
	if (create)
		html(b, "<div class=\"field\"><label for=\"%sformed_on\">生成"
		     "日期 <abbr title=\"必填\">*</abbr></label><input "
		     "id=\"%sformed_on\" name=\"formed_on\" type=\"date\" "
		     "value=\"%s\" required aria-describedby=\"%sformed_on-"
		     "hint\"><p class=\"muted\" id=\"%sformed_on-hint\">信息"
		     "形成或者变更之日；公开时限自次日起算 20 个工作日，保存后"
		     "不能修改。</p></div>", prefix, prefix,
		     vstr(values, "formed_on"), prefix, prefix);
	text_input(b, prefix, "doc_no", "文号", vstr(values, "doc_no"), 64,
		   false, "如：新高管〔2022〕12号；没有文号的不填");
	text_input(b, prefix, "source", "信息来源", vstr(values, "source"),
		   100, false, "如：新昌高新园区、园区经济发展局");
	html(b, "<div class=\"field\"><label for=\"%spublisher\">发布机构"
	     "</label><input id=\"%spublisher\" name=\"publisher\" "
	     "type=\"text\" maxlength=\"100\" value=\"%s\" placeholder=\"%s\" "
	     "aria-describedby=\"%spublisher-hint\"><p class=\"muted\" "
	     "id=\"%spublisher-hint\">不填则为%s</p></div>", prefix, prefix,
	     vstr(values, "publisher"), publisher, prefix, prefix, publisher);
	channel_boxes(b, prefix, vstr(values, "channels"));
	html(b, "<div class=\"field\"><label for=\"%sbody\">正文%r</label>"
	     "<textarea id=\"%sbody\" name=\"body\" rows=\"16\" "
	     "maxlength=\"30000\"%r aria-describedby=\"%sbody-hint\">%s"
	     "</textarea><p class=\"muted\" id=\"%sbody-hint\">纯文本，空行"
	     "或换行分段；不要填写身份证号、手机号等个人信息。</p></div>",
	     prefix, create ? " <abbr title=\"必填\">*</abbr>" : "", prefix,
	     create ? " required" : "", prefix, vstr(values, "body"),
	     prefix);
	html(b, "<div class=\"field\"><label for=\"%sattachments\">%s"
	     "</label><input id=\"%sattachments\" name=\"attachments\" "
	     "type=\"file\" multiple accept=\"%s\" aria-describedby=\""
	     "%sattachments-hint\"><p class=\"muted\" id=\"%sattachments-"
	     "hint\">%s；最多 10 个文件。附件的文字也会接受个人信息扫描；"
	     "表单退回时需重新选择文件。</p></div>", prefix,
	     create ? "附件" : "添加附件", prefix, attach_accept(), prefix,
	     prefix, attach_hint());
}

/* ---- the list ---- */

struct row {
	int64_t id, case_id, published_at, withdrawn_at;
	char *index_no, *title, *cat, *state, *formed_on;
	bool has_due;
	cal_day due;
};

struct rows {
	struct row *v;
	size_t n, cap;
	int64_t total;
};

static void rows_release(struct rows *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].index_no);
		free(l->v[i].title);
		free(l->v[i].cat);
		free(l->v[i].state);
		free(l->v[i].formed_on);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

#define LIST_COLS \
	"SELECT p.id, p.case_id, p.index_no, p.title, COALESCE(c.name, ''), " \
	"k.state, p.formed_on, p.published_at, p.withdrawn_at FROM " \
	"publications p JOIN cases k ON k.id = p.case_id LEFT JOIN " \
	"catalogue c ON c.id = p.catalogue_id "
#define OPEN_STATES "k.state IN ('draft', 'in_review', 'reviewed', " \
	"'approved')"

/* Read the rows of `q` into `l`, each with its running clock's day. */
static int read_rows(struct db *db, struct db_rows *q, struct rows *l,
		     const struct workflow *w)
{
	size_t i, first = l->n;
	int rc;

	if (!q)
		return db_errcode(db);
	while ((rc = db_next(q)) == 1) {
		struct row *x;

		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 32;
			l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
		}
		x = &l->v[l->n++];
		memset(x, 0, sizeof(*x));
		x->id = db_int(q, 0);
		x->case_id = db_int(q, 1);
		x->index_no = db_strdup(q, 2);
		x->title = db_strdup(q, 3);
		x->cat = db_strdup(q, 4);
		x->state = db_strdup(q, 5);
		x->formed_on = db_strdup(q, 6);
		x->published_at = db_int(q, 7);
		x->withdrawn_at = db_int(q, 8);
	}
	db_rows_free(q);
	for (i = first; rc == 0 && i < l->n; i++) {
		const char *label;
		int k = desk_due(db, l->v[i].case_id, &l->v[i].due, &label,
				 w);

		if (k < 0)
			rc = k;
		l->v[i].has_due = k == 1;
	}
	return rc;
}

static int load_page(struct db *db, const char *tab, int64_t page,
		     struct rows *l, const struct workflow *w)
{
	int64_t off = (page - 1) * LIST_PAGE;
	struct db_rows *q;
	int rc;

	if (strcmp(tab, "all") == 0) {
		rc = db_scalar_int(db, &l->total, "SELECT COUNT(*) FROM "
				   "publications", "");
		q = db_query(db, LIST_COLS "ORDER BY p.id DESC LIMIT ? "
			     "OFFSET ?", "ii", (int64_t)LIST_PAGE, off);
	} else if (strcmp(tab, "open") == 0) {
		rc = db_scalar_int(db, &l->total, "SELECT COUNT(*) FROM "
				   "publications p JOIN cases k ON k.id = "
				   "p.case_id WHERE " OPEN_STATES, "");
		q = db_query(db, LIST_COLS "WHERE " OPEN_STATES " ORDER BY "
			     "p.formed_on, p.id LIMIT ? OFFSET ?", "ii",
			     (int64_t)LIST_PAGE, off);
	} else {
		rc = db_scalar_int(db, &l->total, "SELECT COUNT(*) FROM "
				   "publications p JOIN cases k ON k.id = "
				   "p.case_id WHERE k.state = ?", "s", tab);
		q = db_query(db, LIST_COLS "WHERE k.state = ? ORDER BY p.id "
			     "DESC LIMIT ? OFFSET ?", "sii", tab,
			     (int64_t)LIST_PAGE, off);
	}
	if (rc < 0) {
		db_rows_free(q);
		return rc;
	}
	return read_rows(db, q, l, w);
}

static void row_html(struct req *r, const struct row *x,
		     const struct workflow *w, cal_day today)
{
	struct buf *b = &r->out;
	char t[17], d[11];

	html(b, "<tr><th scope=\"row\" class=\"wrap\"><a href=\"/publications/"
	     "%I\">%s</a><br><span class=\"muted\">%s</span></th><td>%s</td>"
	     "<td>", x->id, x->title, x->index_no, x->cat);
	pub_state_badge(b, w, x->state);
	html(b, "</td><td>%s</td><td>", x->formed_on);
	if (x->published_at) {
		desk_time(x->published_at, t);
		html(b, "已于 %s 发布", t);
	} else if (x->has_due) {
		cal_format(x->due, d);
		html(b, "<time datetime=\"%s\">%s</time>", d, d);
		desk_due_badge(b, server_calendar(r->w->srv), x->due, today);
	}
	html(b, "</td></tr>");
}

static const char *const list_cols[] = {
	"标题和索引号", "主题分类", "状态", "生成日期", "公开时限", NULL,
};

/* The table of `l`, its caption `caption` with the id `cap_id` (one for
 * each table of the page). */
static void rows_table(struct req *r, const struct rows *l,
		       const char *cap_id, const char *caption,
		       const char *empty)
{
	const struct workflow *w = workflow_find(PUB_PROCEDURE, 0);
	cal_day today = cal_day_of(clock_now());
	size_t i;

	html_table_wrap(&r->out, cap_id);
	html(&r->out, "<table class=\"data\"><caption id=\"%s\">%s"
	     "</caption>", cap_id, caption);
	table_head(&r->out, list_cols);
	for (i = 0; i < l->n; i++)
		row_html(r, &l->v[i], w, today);
	table_end(&r->out, list_cols, l->n, empty);
}

/* The states in which the procedure waits for one of these roles. */
static size_t task_states(roleset roles, const char *out[4])
{
	size_t n = 0;

	if (roles & R(ROLE_OGI_OFFICER)) {
		out[n++] = "draft";
		out[n++] = "approved";
	}
	if (roles & R(ROLE_CONF_REVIEWER))
		out[n++] = "in_review";
	if (roles & (R(ROLE_DEPT_HEAD) | R(ROLE_LEADER)))
		out[n++] = "reviewed";
	return n;
}

static int by_due(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->has_due != y->has_due)
		return x->has_due ? -1 : 1;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* 待我办理: the items waiting for the user's roles, earliest due first. */
static int tasks(struct req *r)
{
	const struct workflow *w = workflow_find(PUB_PROCEDURE, 0);
	struct rows l = { 0 };
	const char *states[4];
	size_t n = task_states(r->user->roles, states), i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++)
		rc = read_rows(r->db, db_query(r->db, LIST_COLS "WHERE "
					       "k.state = ? ORDER BY p.id "
					       "LIMIT ?", "si", states[i],
					       (int64_t)TASKS_MAX), &l, w);
	if (rc == 0 && n) {
		if (l.n)        /* qsort(NULL, 0, ...) is undefined */
			qsort(l.v, l.n, sizeof(*l.v), by_due);
		html(&r->out, "<section aria-labelledby=\"tasks-h\"><h2 "
		     "id=\"tasks-h\">待我办理</h2>");
		rows_table(r, &l, "tasks-cap",
			   "等待您办理的信息（按公开时限排序）", "暂无待办");
		html(&r->out, "</section>");
	}
	rows_release(&l);
	return rc;
}

static const char *const tabs[][2] = {
	{ "open", "办理中" }, { "draft", "草稿" },
	{ "in_review", "保密审查中" }, { "reviewed", "待审批" },
	{ "approved", "待发布" }, { "published", "已发布" },
	{ "withdrawn", "已撤回" }, { "dropped", "不予公开" },
	{ "all", "全部" },
};

static const char *tab_of(struct req *r)
{
	const char *s = req_query(r, "state");
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(tabs); i++)
		if (strcmp(tabs[i][0], s) == 0)
			return tabs[i][0];
	return "open";
}

/* The number of items in each tab's states. */
static int tab_counts(struct db *db, int64_t counts[ARRAY_SIZE(tabs)])
{
	struct db_rows *q = db_query(db, "SELECT k.state, COUNT(*) FROM "
				     "publications p JOIN cases k ON k.id = "
				     "p.case_id GROUP BY k.state", "");
	size_t i;
	int rc;

	memset(counts, 0, ARRAY_SIZE(tabs) * sizeof(*counts));
	if (!q)
		return db_errcode(db);
	while ((rc = db_next(q)) == 1) {
		const char *st = db_text(q, 0);
		int64_t n = db_int(q, 1);
		bool open = strcmp(st, "published") && strcmp(st, "withdrawn")
			    && strcmp(st, "dropped");

		for (i = 0; i < ARRAY_SIZE(tabs); i++)
			if (strcmp(tabs[i][0], st) == 0 ||
			    strcmp(tabs[i][0], "all") == 0 ||
			    (open && strcmp(tabs[i][0], "open") == 0))
				counts[i] += n;
	}
	db_rows_free(q);
	return rc < 0 ? rc : 0;
}

static int tab_nav(struct req *r, const char *cur)
{
	int64_t counts[ARRAY_SIZE(tabs)];
	size_t i;
	int rc = tab_counts(r->db, counts);

	if (rc < 0)
		return rc;
	html(&r->out, "<nav aria-label=\"按状态查看\"><ul class=\"pager\">");
	for (i = 0; i < ARRAY_SIZE(tabs); i++)
		html(&r->out, "<li><a href=\"/publications?state=%u\"%r>%s "
		     "%I</a></li>", tabs[i][0], strcmp(tabs[i][0], cur) == 0 ?
		     " aria-current=\"page\"" : "", tabs[i][1], counts[i]);
	html(&r->out, "</ul></nav>");
	return 0;
}

static void pager(struct req *r, const char *tab, int64_t page,
		  int64_t total)
{
	int64_t pages = (total + LIST_PAGE - 1) / LIST_PAGE;

	if (pages <= 1)
		return;
	html(&r->out, "<nav class=\"pager\" aria-label=\"分页\">");
	if (page > 1)
		html(&r->out, "<a href=\"/publications?state=%u&amp;page=%I\" "
		     "rel=\"prev\">上一页</a>", tab, page - 1);
	html(&r->out, "<span>第 %I 页，共 %I 页</span>", page, pages);
	if (page < pages)
		html(&r->out, "<a href=\"/publications?state=%u&amp;page=%I\" "
		     "rel=\"next\">下一页</a>", tab, page + 1);
	html(&r->out, "</nav>");
}

static void top_links(struct req *r)
{
	html(&r->out, "<div class=\"actions\">");
	if (r->user->roles & R(ROLE_OGI_OFFICER))
		html(&r->out, "<a class=\"button primary\" href=\"/publications"
		     "/new\">拟稿</a>");
	html(&r->out, "<a class=\"button\" href=\"/publications/catalogue\">"
	     "政府信息公开目录</a><a class=\"button\" href=\"/publications/"
	     "settings\">设置和对外推送</a>");
	if (gi_report_readable(r->user->roles))
		html(&r->out, "<a class=\"button\" href=\"/ogi/report\">"
		     "政府信息公开年度报告</a>");
	html(&r->out, "<a class=\"button\" href=\"/gk/\">查看门户网站</a>"
	     "</div>");
}

/* GET /publications: the items by state (?state=, ?page=), with what
 * waits for the user first. */
int page_publications(struct req *r)
{
	const struct workflow *w = workflow_find(PUB_PROCEDURE, 0);
	const char *tab = tab_of(r);
	const char *p = req_query(r, "page");
	char caption[96];
	struct rows l = { 0 };
	int64_t page = 1;
	size_t i;
	int rc;

	if (!pub_may_work(r->user->roles))
		return pub_forbidden(r);
	if (p && parse_int64(p, 1, 100000, &page))
		page = 1;
	page_begin(r, "政务公开");
	html(&r->out, "<p class=\"lead\">先审查、后公开，一事一审：每条信息经"
	     "保密审查和审批后才能发布；自生成之日起 20 个工作日内公开"
	     "（《政府信息公开条例》第二十六条）。</p>");
	top_links(r);
	rc = tasks(r);
	if (rc == 0)
		rc = load_page(r->db, tab, page, &l, w);
	if (rc < 0) {
		rows_release(&l);
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	html(&r->out, "<section aria-labelledby=\"all-h\"><h2 id=\"all-h\">"
	     "全部信息</h2>");
	rc = tab_nav(r, tab);
	if (rc < 0) {
		rows_release(&l);
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	for (i = 0; i < ARRAY_SIZE(tabs); i++)
		if (strcmp(tabs[i][0], tab) == 0)
			snprintf(caption, sizeof(caption), "%s：共 %lld 条",
				 tabs[i][1], (long long)l.total);
	rows_table(r, &l, "all-cap", caption, "没有这一状态的信息");
	pager(r, tab, page, l.total);
	html(&r->out, "</section>");
	page_end(r);
	rows_release(&l);
	return 200;
}

/* ---- drafting ---- */

static int render_new(struct req *r, json_t *values, const char *error,
		      int status)
{
	const struct workflow *w = workflow_find(PUB_PROCEDURE, 0);
	struct pub_catalogue cat;
	struct pub_settings s;
	int rc;

	if (!w)
		return req_fail(r, 500, "workflow_missing", "政务公开程序定义"
				"未加载");
	rc = pub_catalogue_load(r->db, false, &cat);
	if (rc == 0 && (rc = pub_settings_load(r->db, &s)) < 0)
		pub_catalogue_release(&cat);
	if (rc < 0)
		return req_db_fail(r, rc);
	page_begin(r, "拟稿");
	html(&r->out, "<p class=\"muted\">依据：%s。保存后为草稿，可修改；提交"
	     "保密审查时系统扫描个人信息和敏感词。</p>", w->create->basis);
	form_begin_files(r, "/publications", error);
	pub_item_inputs(&r->out, "", values, &cat, s.publisher, true);
	html(&r->out, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">保存草稿</button><a href=\"/publications\">"
	     "取消</a></div></form>");
	page_end(r);
	pub_settings_release(&s);
	pub_catalogue_release(&cat);
	return status;
}

/* GET /publications/new: the drafting form, 生成日期 today. */
int page_publication_new(struct req *r)
{
	json_t *values;
	char today[11];
	int status;

	if (!(r->user->roles & R(ROLE_OGI_OFFICER)))
		return req_fail(r, 403, "role_denied", "拟稿由信息公开专员"
				"办理");
	desk_today(today);
	values = json_pack("{s:s,s:s}", "formed_on", today, "channels",
			   "county_site");
	status = render_new(r, values, NULL, 200);
	json_decref(values);
	return status;
}

/* POST /publications: save the draft with its index number; a refusal
 * shows the form again with what was entered (400/403/409). */
int page_publication_create(struct req *r)
{
	const struct workflow *w = workflow_find(PUB_PROCEDURE, 0);
	struct fz_err err = { 0 };
	struct desk_files df;
	struct desk_ctx dc;
	struct pub_env env;
	json_t *fields;
	int64_t id = 0;
	char loc[48];
	int status;

	if (!w)
		return req_fail(r, 500, "workflow_missing", "政务公开程序定义"
				"未加载");
	fields = pub_form_fields(r, w->create);
	pub_env_init(r, &dc, &env);
	if (desk_files_write(r, w->create, &df, &err) == 0 &&
	    pub_create(&env, fields, &df, &id, &err) == 0) {
		desk_files_release(&df);
		json_decref(fields);
		req_flash(r, "草稿已保存");
		snprintf(loc, sizeof(loc), "/publications/%lld",
			 (long long)id);
		return req_redirect(r, loc);
	}
	desk_files_discard(&df);
	if (err.status >= 500)
		status = req_fail(r, err.status, err.code, "%s", err.msg);
	else
		status = render_new(r, fields, err.msg,
				    err.status ? err.status : 400);
	json_decref(fields);
	return status;
}
