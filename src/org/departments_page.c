/* departments_page.c: the department tree, renaming and the create form
 *
 * Writes go through the account service (dept_create, dept_rename), which
 * validates and audits; a refusal re-renders the page with its message.
 */
#include "http/pages.h"

#include "auth/session.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "org/accounts.h"
#include "org/page_util.h"
#include "store/store.h"

static void dept_count_row(struct db_rows *rows, void *arg)
{
	struct dept *d = dept_tree_find(arg, db_int(rows, 0));

	if (d)
		d->users = db_int(rows, 1);
}

/* How many users each department has. */
static int dept_counts(struct db *db, struct dept_tree *t)
{
	struct db_rows *rows = db_query(db, "SELECT dept_id, COUNT(*) FROM "
					"users WHERE dept_id IS NOT NULL "
					"GROUP BY dept_id", "");

	return org_each_row(db, rows, dept_count_row, t);
}

static void dept_row(struct req *r, const struct dept_tree *t,
		     const struct dept *d)
{
	const struct dept *parent = dept_tree_find(t, d->parent);
	struct buf *b = &r->out;
	int i;

	html(b, "<tr><th scope=\"row\"><span aria-hidden=\"true\">");
	for (i = 0; i < d->depth; i++)
		html(b, "\xe3\x80\x80");
	html(b, "%r</span>%s</th><td><code>%s</code></td><td>%s</td>"
	     "<td class=\"num\"><a href=\"/admin/users?dept=%I\">%I</a>"
	     "</td><td class=\"actions\"><form method=\"post\" "
	     "action=\"/admin/departments/%I\" class=\"inline\">",
	     d->depth ? "\xe2\x94\x94 " : "", d->name, d->code,
	     parent ? parent->name : "—", d->id, d->users, d->id);
	html_hidden(b, "csrf", session_csrf(r));
	/* aria-label rather than a visually hidden <label>: an absolutely
	 * positioned label escapes the scrolling .table-wrap on phones. */
	html(b, "<input id=\"rename-%I\" name=\"name\" value=\"%s\" "
	     "required maxlength=\"64\" aria-label=\"“%s”的新名称\">"
	     "<button type=\"submit\">重命名</button></form></td></tr>",
	     d->id, d->name, d->name);
}

static void dept_table(struct req *r, const struct dept_tree *t)
{
	static const char *const cols[] = {
		"名称", "代码", "上级部门", "用户数", "重命名", NULL,
	};
	struct buf *b = &r->out;
	size_t i;

	html(b, "<section aria-labelledby=\"h-tree\"><h2 id=\"h-tree\">"
	     "部门列表</h2>");
	html_table_wrap(b, "h-tree");
	html(b, "<table class=\"data\">");
	table_head(b, cols);
	for (i = 0; i < t->n; i++)
		dept_row(r, t, &t->v[i]);
	table_end(b, cols, t->n, "还没有部门");
	html(b, "</section>");
}

struct dept_form {
	const char *code, *name;
	int64_t parent;
};

static void dept_create_form(struct req *r, const struct dept_tree *t,
			     const struct dept_form *f)
{
	struct buf *b = &r->out;

	html(b, "<section class=\"card\" aria-labelledby=\"h-new\">"
	     "<h2 id=\"h-new\">新建部门</h2><form method=\"post\" "
	     "action=\"/admin/departments\" class=\"form\">");
	html_hidden(b, "csrf", session_csrf(r));
	form_text(b, "code", "部门代码", f->code, 32, " required",
		       "1–32 位字母、数字、- 或 _，创建后不能修改");
	form_text(b, "name", "部门名称", f->name, 64, " required", NULL);
	dept_tree_select(b, t, "parent_id", "上级部门", f->parent,
			 "（无，顶级部门）");
	html(b, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">创建部门</button></div></form></section>");
}

/* The page with `error` (or NULL) above it; the create form shows `f`. */
static int render_departments(struct req *r, const struct dept_form *f,
			      const char *error, int status)
{
	struct dept_tree t;
	int rc = dept_tree_load(r->db, &t);

	if (rc == 0)
		rc = dept_counts(r->db, &t);
	if (rc < 0) {
		dept_tree_release(&t);
		return req_db_fail(r, rc);
	}
	page_begin(r, "部门管理");
	page_alert(&r->out, NULL, error);
	dept_table(r, &t);
	dept_create_form(r, &t, f);
	page_end(r);
	dept_tree_release(&t);
	return status;
}

/* After a write: back to the page with `flash`, or when the service
 * refused it, the page again with its message or the error page. */
static int dept_written(struct req *r, int failed, const struct fz_err *err,
			const struct dept_form *f, const char *flash)
{
	if (failed) {
		if (org_form_refusal(err))
			return render_departments(r, f, err->msg,
						  err->status);
		return org_service_fail(r, err);
	}
	req_flash(r, flash);
	return req_redirect(r, "/admin/departments");
}

/* GET /admin/departments: the tree with rename forms, and the create
 * form. */
int page_departments(struct req *r)
{
	struct dept_form f = { "", "", 0 };

	return render_departments(r, &f, NULL, 200);
}

/* POST /admin/departments: create a department (code, name, parent). */
int page_department_create(struct req *r)
{
	struct dept_form f = {
		org_form_str(r, "code"), org_form_str(r, "name"), 0,
	};
	struct fz_err err = { 0 };
	struct org_actor who;
	int rc;

	if (org_parse_dept(req_form(r, "parent_id"), &f.parent))
		return render_departments(r, &f, "所选上级部门无效", 400);
	rc = dept_create(r->db, org_actor(r, &who), f.parent, f.code, f.name,
			 NULL, &err);
	return dept_written(r, rc, &err, &f, "部门已创建");
}

/* POST /admin/departments/{id}: rename a department. */
int page_department_update(struct req *r)
{
	struct dept_form f = { "", "", 0 };
	struct fz_err err = { 0 };
	struct org_actor who;
	int64_t id;
	int rc;

	if (req_path_id(r, 0, &id))
		return req_fail(r, 404, "not_found", "部门不存在");
	rc = dept_rename(r->db, org_actor(r, &who), id,
			 org_form_str(r, "name"), &err);
	return dept_written(r, rc, &err, &f, "部门已重命名");
}
