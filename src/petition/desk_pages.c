/* desk_pages.c: the desk's case lists and the home page's tasks
 *
 * Staff see the cases their department registered or handles (or that
 * are assigned to them); those who read every case of a procedure
 * (petition officers and leaders the petitions and hotline tickets,
 * disclosure officers, department heads and leaders the applications
 * for disclosure) see all of them and may filter by department.  Every
 * list shows the petitioner masked, or not at all to the department an
 * accusation is about (PI-06).
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
#include "petition/petition.h"
#include "pii/pii.h"
#include "portal/publication.h"
#include "store/store.h"

#define TASKS_MAX 10

/* ---- the page ---- */

static void option_groups(struct buf *b, bool channels, const char *cur)
{
	static const char *const procs[] = { "petition", "hotline",
					     "disclosure" };
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(procs); i++) {
		const struct workflow *w = workflow_find(procs[i], 0);
		const struct wf_field *f = w ? w->channel_field : NULL;

		if (!w)
			continue;
		html(b, "<optgroup label=\"%s\">", w->title);
		if (channels)
			for (k = 0; f && k < f->nvalues; k++)
				html_option(b, f->values[k].id,
					    f->values[k].label,
					    strcmp(cur, f->values[k].id) == 0);
		else
			for (k = 0; k < w->nstates; k++)
				html_option(b, w->states[k].id,
					    w->states[k].label,
					    strcmp(cur, w->states[k].id) == 0);
		html(b, "</optgroup>");
	}
}

static void filters_form(struct req *r, const struct desk_filter *f,
			 const struct desk_names *names)
{
	struct buf *b = &r->out;
	size_t i;

	html(b, "<form method=\"get\" action=\"/petitions\" class=\"filters\" "
	     "role=\"search\" aria-label=\"筛选事项\">"
	     "<div class=\"field\"><label for=\"f-procedure\">类型</label>"
	     "<select id=\"f-procedure\" name=\"procedure\">");
	html_option(b, "", "全部", !*f->procedure);
	html_option(b, "petition", "信访事项", str_eq(f->procedure, "petition"));
	html_option(b, "hotline", "12345热线工单",
		    str_eq(f->procedure, "hotline"));
	html_option(b, "disclosure", "依申请公开",
		    str_eq(f->procedure, "disclosure"));
	html(b, "</select></div><div class=\"field\"><label for=\"f-channel\">"
	     "渠道</label><select id=\"f-channel\" name=\"channel\">");
	html_option(b, "", "全部", !*f->channel);
	option_groups(b, true, f->channel);
	html(b, "</select></div><div class=\"field\"><label for=\"f-state\">"
	     "状态</label><select id=\"f-state\" name=\"state\">");
	html_option(b, "", "全部", !*f->state);
	option_groups(b, false, f->state);
	html(b, "</select></div><div class=\"field\"><label for=\"f-open\">"
	     "范围</label><select id=\"f-open\" name=\"open\">");
	html_option(b, "1", "在办事项", f->open);
	html_option(b, "0", "全部事项", !f->open);
	html(b, "</select></div><div class=\"field\"><label for=\"f-year\">"
	     "年度</label><input id=\"f-year\" name=\"year\" type=\"number\" "
	     "min=\"2000\" max=\"9999\" value=\"");
	if (f->year)
		html(b, "%I", f->year);
	html(b, "\"></div>");
	if (f->all) {
		html(b, "<div class=\"field\"><label for=\"f-dept\">部门</label>"
		     "<select id=\"f-dept\" name=\"dept\">");
		html_option(b, "", "全部部门", !f->dept);
		for (i = 0; i < names->ndepts; i++) {
			char id[24];

			snprintf(id, sizeof(id), "%lld",
				 (long long)names->depts[i].id);
			html_option(b, id, names->depts[i].name,
				    f->dept == names->depts[i].id);
		}
		html(b, "</select></div>");
	}
	html(b, "<div class=\"actions\"><button type=\"submit\">筛选</button>"
	     "</div></form>");
}

/* The petitioner's name as a list shows it. */
static void masked_name(struct req *r, int64_t case_id,
			const struct desk_ctx *ctx)
{
	struct party_row row;
	struct party p = { 0 };
	struct fz_err err;
	struct buf b = BUF_INIT;

	if (party_load(r->db, case_id, &row) < 0 || !row.found) {
		party_row_release(&row);
		return;
	}
	if (desk_hidden_from(&ctx->e, row.accused_dept_id)) {
		html(&r->out, "<span class=\"muted\">（已隐藏）</span>");
	} else if (party_open(r->w->srv->keyring, &row, &p, &err) == 0) {
		pii_mask_name(p.name, &b);
		html(&r->out, "%s", buf_cstr(&b));
	}
	party_release(&p);
	party_row_release(&row);
	buf_release(&b);
}

static void due_cell(struct req *r, const struct desk_row *x,
		     const struct workflow *w, cal_day today)
{
	const char *label = "";
	cal_day due;
	char d[11];

	if (x->final || desk_due(r->db, x->id, &due, &label, w) != 1)
		return;
	cal_format(due, d);
	html(&r->out, "<time datetime=\"%s\">%s</time>", d, d);
	desk_due_badge(&r->out, server_calendar(r->w->srv), due, today);
}

static void list_tr(struct req *r, const struct desk_row *x,
		    const struct desk_names *names, const struct desk_ctx *ctx,
		    cal_day today)
{
	const struct workflow *w = x->wf;
	struct case_info c = { 0 };
	char t[17];

	c.wf = w;
	c.state = x->state;
	c.procedure = x->procedure;
	c.final = x->final;
	c.merged_into = x->merged_into;
	desk_time(x->created_at, t);
	html(&r->out, "<tr><th scope=\"row\"><a href=\"/petitions/%I\">%s</a>"
	     "</th><td class=\"wrap\">%s</td><td>", x->id, x->number,
	     x->title);
	masked_name(r, x->id, ctx);
	html(&r->out, "</td><td>%s</td><td>",
	     desk_channel_label(w, x->channel));
	desk_state_badge(&r->out, &c);
	html(&r->out, "</td><td>%s</td><td>",
	     desk_dept_name(names, x->dept_id));
	due_cell(r, x, w, today);
	html(&r->out, "</td><td>%s</td></tr>", t);
}

static void pager_link(struct buf *b, const struct desk_filter *f,
		       int64_t page, const char *label, const char *rel)
{
	html(b, "<a href=\"/petitions?procedure=%u&amp;channel=%u&amp;state=%u"
	     "&amp;open=%r&amp;page=%I", f->procedure, f->channel, f->state,
	     f->open ? "1" : "0", page);
	if (f->year)
		html(b, "&amp;year=%I", f->year);
	if (f->dept)
		html(b, "&amp;dept=%I", f->dept);
	html(b, "\" rel=\"%s\">%s</a>", rel, label);
}

static void pager(struct buf *b, const struct desk_filter *f, int64_t total)
{
	int64_t pages = (total + DESK_PAGE_SIZE - 1) / DESK_PAGE_SIZE;

	if (pages <= 1 && f->page == 1)
		return;
	html(b, "<nav class=\"pager\" aria-label=\"分页\">");
	if (f->page > 1)
		pager_link(b, f, f->page > pages && pages ? pages :
			   f->page - 1, "上一页", "prev");
	html(b, "<span>第 %I 页，共 %I 页</span>", f->page, pages ? pages : 1);
	if (f->page < pages)
		pager_link(b, f, f->page + 1, "下一页", "next");
	html(b, "</nav>");
}

static void list_table(struct req *r, const struct desk_filter *f,
		       const struct desk_list *l,
		       const struct desk_names *names)
{
	const char *cols[] = {
		"编号", "标题", "信访人", "渠道", "状态", "承办部门", "办理期限",
		"登记时间", NULL,
	};
	struct desk_ctx ctx;
	cal_day today = cal_day_of(clock_now());
	size_t i;

	if (*f->procedure)
		cols[2] = desk_party_word(f->procedure);
	else
		cols[2] = "信访人或申请人";
	desk_ctx_init(r, r->db, &ctx);
	html_table_wrap(&r->out, "list-cap");
	html(&r->out, "<table class=\"data\"><caption id=\"list-cap\">"
	     "共 %I 件</caption>", l->total);
	table_head(&r->out, cols);
	for (i = 0; i < l->n; i++)
		list_tr(r, &l->v[i], names, &ctx, today);
	table_end(&r->out, cols, l->n, "没有符合条件的事项");
}

static void register_links(struct req *r)
{
	struct desk_ctx ctx;
	bool p, h, d;

	desk_ctx_init(r, r->db, &ctx);
	p = case_may_create(&ctx.e, "petition");
	h = case_may_create(&ctx.e, "hotline");
	d = case_may_create(&ctx.e, "disclosure");
	if (!p && !h && !d)
		return;
	html(&r->out, "<div class=\"actions\">");
	if (p)
		html(&r->out, "<a class=\"button primary\" "
		     "href=\"/petitions/new?procedure=petition\">登记信访件"
		     "</a>");
	if (h)
		html(&r->out, "<a class=\"button\" href=\"/petitions/new"
		     "?procedure=hotline\">登记热线工单</a>");
	if (d)
		html(&r->out, "<a class=\"button%r\" href=\"/petitions/new"
		     "?procedure=disclosure\">登记政府信息公开申请</a>",
		     p || h ? "" : " primary");
	html(&r->out, "</div>");
}

/* GET /petitions: the cases this user may see, filtered by ?procedure=
 * ?channel= ?state= ?year= ?dept= (readers of all only) ?open=1|0,
 * DESK_PAGE_SIZE a page (?page=). */
int page_petitions(struct req *r)
{
	struct desk_filter f;
	struct desk_names names;
	struct desk_list l;
	int rc;

	desk_filter_from(r, true, &f);
	rc = desk_names_load(r->db, &names);
	if (rc < 0)
		return req_db_fail(r, rc);
	rc = desk_list_load(r->db, &f, &l);
	if (rc < 0) {
		desk_names_release(&names);
		desk_list_release(&l);
		return req_db_fail(r, rc);
	}
	page_begin(r, desk_is_disclosure(f.procedure) ?
		   "政府信息公开申请（依申请公开）" : "信访和热线事项");
	if (!f.all)
		html(&r->out, "<p class=\"lead\">本部门登记、承办或由您承办的"
		     "事项。</p>");
	register_links(r);
	filters_form(r, &f, &names);
	list_table(r, &f, &l, &names);
	pager(&r->out, &f, l.total);
	page_end(r);
	desk_names_release(&names);
	desk_list_release(&l);
	return 200;
}

/* ---- the home page's tasks ---- */

static const char *const due_cols[] = {
	"编号", "标题", "期限", "到期日", NULL,
};
static const char *const reminder_cols[] = {
	"编号", "标题", "期限", "督办", NULL,
};

struct tasks {
	struct req *r;
	cal_day today;
	size_t n;
	int64_t skip_dept;          /* already listed by department */
};

/* The row's first cell: the case's number, linked to its page — a
 * publication's on the publications desk, any other on this desk. */
static void case_link(struct req *r, int64_t case_id, const char *number)
{
	int64_t pub = 0;

	if (pub_of_case(r->db, case_id, &pub) == 0 && pub)
		html(&r->out, "<tr><th scope=\"row\"><a href=\"/publications/"
		     "%I\">%s</a></th>", pub, number);
	else
		html(&r->out, "<tr><th scope=\"row\"><a href=\"/petitions/"
		     "%I\">%s</a></th>", case_id, number);
}

static int task_due(const struct due_item *it, void *arg)
{
	struct tasks *t = arg;
	struct buf *b = &t->r->out;
	char d[11];

	if (t->skip_dept && it->dept_id == t->skip_dept)
		return 0;
	if (t->n++ >= TASKS_MAX)
		return 1;
	if (t->n == 1) {
		html_table_wrap(b, "todo-due-cap");
		html(b, "<table class=\"data\"><caption id=\"todo-due-cap\">"
		     "临近期限和超期的事项</caption>");
		table_head(b, due_cols);
	}
	cal_format(it->due, d);
	case_link(t->r, it->case_id, it->number);
	html(b, "<td class=\"wrap\">%s</td><td>%s</td><td><time datetime=\"%s\">"
	     "%s</time>", it->title, it->clock_label, d, d);
	desk_due_badge(b, server_calendar(t->r->w->srv), it->due, t->today);
	html(b, "</td></tr>");
	return 0;
}

static int task_reminder(const struct reminder *rm, void *arg)
{
	struct tasks *t = arg;
	struct buf *b = &t->r->out;
	char d[11];

	if (t->skip_dept && rm->dept_id == t->skip_dept)
		return 0;
	if (t->n++ >= TASKS_MAX)
		return 1;
	if (t->n == 1) {
		html_table_wrap(b, "todo-remind-cap");
		html(b, "<table class=\"data\"><caption id=\"todo-remind-cap\">"
		     "督办提醒</caption>");
		table_head(b, reminder_cols);
	}
	cal_format(rm->due, d);
	case_link(t->r, rm->case_id, rm->number);
	html(b, "<td class=\"wrap\">%s</td><td>%s</td><td><span class=\"badge "
	     "badge-bad\">督办</span> 已于 %s 到期，请抓紧办理</td></tr>",
	     rm->title, rm->clock_label, d);
	return 0;
}

/* The department's clocks, then the user's own in other departments
 * (the engine filters by department and assignee together). */
static int due_items(struct req *r, struct tasks *t)
{
	const struct user *u = r->user;
	int rc = 0;

	if (u->dept_id)
		rc = engine_due_lists(r->db, server_calendar(r->w->srv),
				      t->today, u->dept_id, 0, task_due, t);
	t->skip_dept = u->dept_id;
	if (rc >= 0)
		rc = engine_due_lists(r->db, server_calendar(r->w->srv),
				      t->today, 0, u->id, task_due, t);
	t->skip_dept = 0;
	if (t->n)
		table_end(&r->out, due_cols, t->n, "");
	return rc;
}

static int reminder_items(struct req *r, struct tasks *t)
{
	const struct user *u = r->user;
	int rc = 0;

	if (u->dept_id)
		rc = engine_reminders(r->db, 0, u->dept_id, 0, task_reminder,
				      t);
	t->skip_dept = u->dept_id;
	if (rc >= 0)
		rc = engine_reminders(r->db, 0, 0, u->id, task_reminder, t);
	t->skip_dept = 0;
	if (t->n)
		table_end(&r->out, reminder_cols, t->n, "");
	return rc;
}

/* Cases waiting for a legal adviser's opinion; *n grows by their number. */
static int legal_tasks(struct req *r, size_t *n)
{
	static const char *const legal_cols[] = { "编号", "标题", NULL };
	struct desk_filter f = {
		.procedure = "", .channel = "", .state = "legal_review",
		.page = 1, .open = true, .scope = 1, .scope_dept = -1,
		.scope_user = -1, .scope_legal = true,
	};
	struct desk_list l;
	size_t i;
	int rc = desk_list_load(r->db, &f, &l);

	if (rc == 0 && l.n) {
		html_table_wrap(&r->out, "todo-legal-cap");
		html(&r->out, "<table class=\"data\"><caption "
		     "id=\"todo-legal-cap\">待出具法律意见</caption>");
		table_head(&r->out, legal_cols);
		for (i = 0; i < l.n && i < TASKS_MAX; i++)
			html(&r->out, "<tr><th scope=\"row\"><a href=\""
			     "/petitions/%I\">%s</a></th><td class=\"wrap\">%s"
			     "</td></tr>", l.v[i].id, l.v[i].number,
			     l.v[i].title);
		table_end(&r->out, legal_cols, l.n, "");
		*n += l.n;
	}
	desk_list_release(&l);
	return rc;
}

/* The "我的待办" card's content: the clocks of the user's cases (their
 * department's or their own) that are due soon or overdue, and the
 * supervision reminders (督办) addressed to them. */
void petition_tasks_render(struct req *r)
{
	struct tasks t = { r, cal_day_of(clock_now()), 0, 0 };
	const struct user *u = r->user;
	size_t shown;
	int rc;

	if (!u || !roles_allow(u->roles, PERM_STAFF) ||
	    !server_calendar(r->w->srv)) {
		html(&r->out, "<p class=\"muted\">暂无待办事项</p>");
		return;
	}
	rc = due_items(r, &t);
	shown = t.n;
	t.n = 0;
	if (rc >= 0)
		rc = reminder_items(r, &t);
	if (rc >= 0 && (u->roles & ((roleset)1 << ROLE_LEGAL_ADVISER)))
		rc = legal_tasks(r, &t.n);
	if (rc < 0)
		html(&r->out, "<p class=\"error-text\">待办事项暂时无法读取"
		     "</p>");
	else if (!shown && !t.n)
		html(&r->out, "<p class=\"muted\">暂无待办事项</p>");
	else
		html(&r->out, "<p><a href=\"/petitions\">查看全部事项</a></p>");
}
