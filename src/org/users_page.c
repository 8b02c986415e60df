/* users_page.c: the user list and the new-user form
 *
 * Reads query the tables directly; every write goes through the account
 * service (org/accounts.h), which validates, runs its own transaction and
 * audits.  A refusal the administrator can act on (bad input, a taken
 * login, a role conflict) re-renders the form with the service's message
 * and the values entered; store trouble becomes the error page.
 */
#include "http/pages.h"

#include <string.h>

#include "auth/session.h"
#include "crypto/crypto.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "org/accounts.h"
#include "org/page_util.h"

/* ---- the user list ---- */

static void users_filters(struct req *r, const struct dept_tree *t,
			  const struct user_filter *f)
{
	struct buf *b = &r->out;

	html(b, "<form method=\"get\" action=\"/admin/users\" "
	     "class=\"filters\" role=\"search\" aria-label=\"筛选用户\">"
	     "<div class=\"field\"><label for=\"q\">账号或姓名</label>"
	     "<input id=\"q\" name=\"q\" type=\"search\" value=\"%s\" "
	     "maxlength=\"%d\"></div>", f->q, ORG_QUERY_MAX_CHARS);
	dept_tree_select(b, t, "dept", "部门", f->dept, "全部部门");
	html(b, "<div class=\"actions\"><button type=\"submit\">筛选"
	     "</button></div></form>");
}

static void user_tr(struct buf *b, const struct user_row *u)
{
	html(b, "<tr><th scope=\"row\"><a href=\"/admin/users/%I\">"
	     "%s</a></th><td>%s</td><td>%s</td><td>%s</td><td>",
	     u->id, u->login, u->name, u->dept,
	     org_kind_name(u->kind));
	org_roles_names(b, u->roles);
	html(b, "</td><td>");
	org_status_badge(b, u->disabled, u->locked_until);
	html(b, "</td><td>");
	org_put_time(b, u->last_login, "从未登录");
	html(b, "</td><td>%I</td></tr>", u->sessions);
}

static void users_table(struct req *r, const struct user_list *l)
{
	static const char *const cols[] = {
		"账号", "姓名", "部门", "类型", "角色", "状态", "最近登录",
		"在线会话", NULL,
	};
	struct buf *b = &r->out;
	size_t i;

	html_table_wrap(b, "users-cap");
	html(b, "<table class=\"data\"><caption id=\"users-cap\">共 %I 个"
	     "用户</caption>", l->total);
	table_head(b, cols);
	for (i = 0; i < l->n; i++)
		user_tr(b, &l->v[i]);
	table_end(b, cols, l->n, "没有符合条件的用户");
}

static void pager_link(struct buf *b, const struct user_filter *f,
		       int64_t page, const char *label, const char *rel)
{
	html(b, "<a href=\"/admin/users?q=%u&amp;dept=%I&amp;page=%I\" "
	     "rel=\"%s\">%s</a>", f->q, f->dept, page, rel, label);
}

static void users_pager(struct req *r, const struct user_filter *f,
			int64_t total)
{
	int64_t pages = (total + ORG_PAGE_SIZE - 1) / ORG_PAGE_SIZE;
	struct buf *b = &r->out;

	if (pages <= 1 && f->page == 1)
		return;
	html(b, "<nav class=\"pager\" aria-label=\"分页\">");
	/* Past the end (a stale link), "previous" leads to the last page. */
	if (f->page > 1)
		pager_link(b, f, f->page > pages && pages ? pages
			   : f->page - 1, "上一页", "prev");
	html(b, "<span>第 %I 页，共 %I 页</span>", f->page,
	     pages ? pages : 1);
	if (f->page < pages)
		pager_link(b, f, f->page + 1, "下一页", "next");
	html(b, "</nav>");
}

/* GET /admin/users: the user list, filtered by ?q= (login or name) and
 * ?dept=, ORG_PAGE_SIZE a page (?page=). */
int page_users(struct req *r)
{
	struct user_list l;
	struct dept_tree t;
	int rc = user_list_load(r, &l);

	if (rc == 0) {
		rc = dept_tree_load(r->db, &t);
		if (rc < 0)
			rc = req_db_fail(r, rc);
	}
	if (rc) {
		user_list_release(&l);
		return rc;
	}
	page_begin(r, "用户管理");
	html(&r->out, "<div class=\"actions\"><a class=\"button primary\" "
	     "href=\"/admin/users/new\">新建用户</a></div>");
	users_filters(r, &t, &l.f);
	users_table(r, &l);
	users_pager(r, &l.f, l.total);
	page_end(r);
	dept_tree_release(&t);
	user_list_release(&l);
	return 200;
}

/* ---- the new-user form ---- */

struct user_form {
	const char *login, *name, *kind;
	int64_t dept;
	roleset roles;
};

static void kind_radio(struct buf *b, const char *value, const char *label,
		       const char *current)
{
	html(b, "<label class=\"check\"><input type=\"radio\" "
	     "id=\"kind-%s\" name=\"kind\" value=\"%s\"%r> %s</label>",
	     value, value, strcmp(current, value) == 0 ? " checked" : "",
	     label);
}

static void new_user_fields(struct req *r, const struct dept_tree *t,
			    const struct user_form *f)
{
	struct buf *b = &r->out;

	form_text(b, "login", "账号", f->login, 32,
		       " required autocomplete=\"off\" autocapitalize=\"none\" "
		       "spellcheck=\"false\"",
		       "3–32 位小写字母、数字或 . _ -，以字母开头");
	form_text(b, "display_name", "姓名", f->name, 64, " required", NULL);
	dept_tree_select(b, t, "dept_id", "所属部门", f->dept, "（无）");
	html(b, "<fieldset><legend>账号类型</legend>");
	kind_radio(b, "staff", "工作人员", f->kind);
	kind_radio(b, "admin", "管理员", f->kind);
	html(b, "</fieldset>");
	org_role_boxes(b, f->roles, ROLES_ALL);
}

/* The form with the values entered and `error` (or NULL) above it. */
static int render_new_form(struct req *r, const struct user_form *f,
			   const char *error, int status)
{
	struct dept_tree t;
	int rc = dept_tree_load(r->db, &t);

	if (rc < 0)
		return req_db_fail(r, rc);
	page_begin(r, "新建用户");
	page_alert(&r->out, NULL, error);
	html(&r->out, "<form method=\"post\" action=\"/admin/users\" "
	     "class=\"form card\">");
	html_hidden(&r->out, "csrf", session_csrf(r));
	new_user_fields(r, &t, f);
	html(&r->out, "<p class=\"muted\">初始密码由系统生成，只在创建后显示"
	     "一次；用户首次登录时必须修改密码。</p><div class=\"actions\">"
	     "<button type=\"submit\" class=\"primary\">创建用户</button>"
	     "<a href=\"/admin/users\">取消</a></div></form>");
	page_end(r);
	dept_tree_release(&t);
	return status;
}

/* GET /admin/users/new: the empty new-user form. */
int page_user_new(struct req *r)
{
	struct user_form f = { "", "", "staff", 0, 0 };

	return render_new_form(r, &f, NULL, 200);
}

/* POST /admin/users: create the account with a generated password, shown
 * once; a refusal re-renders the form (400/409) and creates nothing.  The
 * service checks the roles against the kind of account. */
int page_user_create(struct req *r)
{
	struct user_form f = {
		org_form_str(r, "login"), org_form_str(r, "display_name"),
		org_form_str(r, "kind"), 0, 0,
	};
	struct user_spec spec;
	struct fz_err err = { 0 };
	char pw[21];
	int64_t id = 0;

	if (org_parse_dept(req_form(r, "dept_id"), &f.dept))
		return render_new_form(r, &f, "所选部门无效", 400);
	if (org_form_roles(r, &f.roles))
		return render_new_form(r, &f, "所选角色无效", 400);
	spec = (struct user_spec){ f.login, f.name, f.dept, f.kind, f.roles,
				   true };
	if (org_create_user(r, &spec, pw, &id, &err)) {
		if (org_form_refusal(&err))
			return render_new_form(r, &f, err.msg, err.status);
		return org_service_fail(r, &err);
	}
	org_password_shown(r, "用户已创建", id, f.login, pw,
			   "账号已创建，初始密码如下。");
	crypto_cleanse(pw, sizeof(pw));
	return 200;
}
