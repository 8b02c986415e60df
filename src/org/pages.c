/* pages.c: administration of users and departments, as pages and JSON
 *
 * Reads query the tables directly; every write goes through the account
 * service (org/accounts.h), which validates, runs its own transaction and
 * audits.  A refusal the administrator can act on (bad input, a taken
 * login, a role conflict) re-renders the form with the service's message
 * and the values entered; store trouble becomes the error page.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "org/accounts.h"
#include "store/store.h"

#define PAGE_SIZE 50
#define QUERY_MAX_CHARS 64
#define PAGE_MAX 1000000

/* ---- small helpers ---- */

static const char *form_str(struct req *r, const char *key)
{
	const char *v = req_form(r, key);

	return v ? v : "";
}

static void id_text(char out[24], int64_t id)
{
	snprintf(out, 24, "%lld", (long long)id);
}

static const char *kind_name(const char *kind)
{
	if (!kind)
		return "";
	if (strcmp(kind, "staff") == 0)
		return "工作人员";
	if (strcmp(kind, "admin") == 0)
		return "管理员";
	if (strcmp(kind, "citizen") == 0)
		return "公众";
	return kind;
}

/* Roles by their Chinese names, "经办人、部门负责人", or a dash. */
static void roles_names(struct buf *b, roleset rs)
{
	int i, n = 0;

	for (i = 0; i < ROLE_COUNT; i++)
		if (rs & (1u << i))
			html(b, "%r%s", n++ ? "、" : "", role_name(i));
	if (!n)
		html(b, "<span class=\"muted\">无</span>");
}

static void put_time(struct buf *b, int64_t t, const char *never)
{
	char iso[21], local[17];

	if (t <= 0) {
		html(b, "<span class=\"muted\">%s</span>", never);
		return;
	}
	clock_iso_utc(t, iso);
	clock_local_minute(t, local);
	html(b, "<time datetime=\"%s\">%s</time>", iso, local);
}

static void error_box(struct req *r, const char *msg)
{
	if (msg && *msg)
		html(&r->out, "<div class=\"error\" role=\"alert\"><p>%s</p>"
		     "</div>", msg);
}

/* Whether a service refusal should be shown on the form (the
 * administrator can correct it) rather than as an error page. */
static bool form_refusal(const struct fz_err *e)
{
	return e->status >= 400 && e->status < 500 && e->status != 404;
}

static int service_fail(struct req *r, const struct fz_err *e)
{
	return req_fail(r, e->status ? e->status : 500,
			e->code[0] ? e->code : "internal", "%s", e->msg);
}

/* The department id of a form or query value: "" or "0" is none. */
static int parse_dept(const char *s, int64_t *out)
{
	*out = 0;
	if (!s || !*s)
		return 0;
	return parse_int64(s, 0, INT64_MAX, out);
}

/* Sessions still alive under the policy in force (expired rows linger
 * until the owner's next request removes them). */
static void session_window(struct db *db, int64_t *seen_after,
			   int64_t *created_after)
{
	struct policy pol;
	int64_t now = clock_now();

	policy_get(db, &pol);
	*seen_after = now - (int64_t)pol.idle_minutes * 60;
	*created_after = now - (int64_t)pol.absolute_hours * 3600;
}

/* The rules account_grant applies, checked for a whole set at once so a
 * refused change is refused before anything is written. */
static int roles_fit(const char *kind, roleset rs, struct fz_err *err)
{
	const char *why;
	bool admin = kind && strcmp(kind, "admin") == 0;
	int i;

	if (!roles_compatible(rs, &why))
		return fz_fail(err, 400, "roles_conflict", "%s", why);
	for (i = 0; i < ROLE_COUNT; i++) {
		if (!(rs & (1u << i)))
			continue;
		if (role_is_admin(i) && !admin)
			return fz_fail(err, 400, "roles_conflict",
				       "管理员角色只能授予管理员类型的账号");
		if (!role_is_admin(i) && admin)
			return fz_fail(err, 400, "roles_conflict",
				       "管理员账号不能担任业务角色");
	}
	return 0;
}

/* Every "role" field of the form as a set; -1 on an unknown code. */
static int form_roles(struct req *r, roleset *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < r->form.n; i++) {
		int role;

		if (strcmp(r->form.items[i].key, "role"))
			continue;
		role = role_by_code(r->form.items[i].val);
		if (role < 0)
			return -1;
		*out |= 1u << role;
	}
	return 0;
}

/* ---- the department tree ---- */

struct dept {
	int64_t id, parent;
	char *code, *name;
	int depth;
	int64_t users;
};

struct dept_tree {
	struct dept *v;
	size_t n;
};

static void tree_release(struct dept_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].code);
		free(t->v[i].name);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* Append the subtree under `parent` to `out` depth first. */
static size_t place(struct dept *raw, size_t n, bool *used, int64_t parent,
		    int depth, struct dept *out, size_t k)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (used[i] || raw[i].parent != parent)
			continue;
		used[i] = true;
		out[k] = raw[i];
		out[k++].depth = depth;
		k = place(raw, n, used, raw[i].id, depth + 1, out, k);
	}
	return k;
}

static int tree_read(struct db *db, struct dept **raw, size_t *n)
{
	struct db_rows *rows;
	size_t cap = 0;
	int step;

	*raw = NULL;
	*n = 0;
	rows = db_query(db, "SELECT id, parent_id, code, name FROM departments "
			"ORDER BY sort, name, id", "");
	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1) {
		struct dept *d;

		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*raw = xrealloc(*raw, cap * sizeof(**raw));
		}
		d = &(*raw)[(*n)++];
		memset(d, 0, sizeof(*d));
		d->id = db_int(rows, 0);
		d->parent = db_int(rows, 1);
		d->code = xstrdup(db_text(rows, 2) ? db_text(rows, 2) : "");
		d->name = xstrdup(db_text(rows, 3) ? db_text(rows, 3) : "");
	}
	db_rows_free(rows);
	return step < 0 ? step : 0;
}

/* Every department in tree order: parents before their children, siblings
 * by sort key and name; 0 or a DB_E* code. */
static int tree_load(struct db *db, struct dept_tree *t)
{
	struct dept *raw;
	bool *used;
	size_t n, k, i;
	int rc = tree_read(db, &raw, &n);

	t->v = NULL;
	t->n = 0;
	if (rc < 0) {
		t->v = raw;
		t->n = n;
		tree_release(t);
		return rc;
	}
	used = xcalloc(n ? n : 1, sizeof(*used));
	t->v = xcalloc(n ? n : 1, sizeof(*t->v));
	k = place(raw, n, used, 0, 0, t->v, 0);
	/* A department whose parent is missing still gets listed. */
	for (i = 0; i < n; i++) {
		if (used[i])
			continue;
		used[i] = true;
		t->v[k] = raw[i];
		t->v[k++].depth = 0;
		k = place(raw, n, used, raw[i].id, 1, t->v, k);
	}
	t->n = k;
	free(used);
	free(raw);
	return 0;
}

static const struct dept *tree_find(const struct dept_tree *t, int64_t id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return &t->v[i];
	return NULL;
}

/* "　　└ 名称": indentation for places that hold only text (options). */
static void indented(struct buf *b, const struct dept *d)
{
	int i;

	for (i = 0; i < d->depth; i++)
		buf_puts(b, "\xe3\x80\x80");
	if (d->depth)
		buf_puts(b, "\xe2\x94\x94 ");
	buf_puts(b, d->name);
}

static void dept_options(struct buf *b, const struct dept_tree *t,
			 int64_t selected, const char *none_label)
{
	struct buf label = BUF_INIT;
	char id[24];
	size_t i;

	if (none_label)
		html_option(b, "0", none_label, selected == 0);
	for (i = 0; i < t->n; i++) {
		buf_reset(&label);
		indented(&label, &t->v[i]);
		id_text(id, t->v[i].id);
		html_option(b, id, buf_cstr(&label), t->v[i].id == selected);
	}
	buf_release(&label);
}

/* ---- the user list ---- */

struct user_filter {
	const char *q;          /* "" for none */
	int64_t dept;           /* 0 for all */
	int64_t page;           /* from 1 */
	struct buf like;        /* "%q%" with LIKE metacharacters escaped */
	struct buf like_lower;  /* the same, ASCII lowered, for logins */
};

struct user_row {
	int64_t id, dept_id, locked_until, last_login, sessions;
	char *login, *name, *dept, *kind;
	bool disabled;
	roleset roles;
};

struct user_page {
	struct user_row *v;
	size_t n;
	int64_t total;
};

static void user_page_release(struct user_page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].login);
		free(p->v[i].name);
		free(p->v[i].dept);
		free(p->v[i].kind);
	}
	free(p->v);
}

static void like_pattern(struct buf *b, const char *q, bool lower)
{
	buf_putc(b, '%');
	for (; *q; q++) {
		char c = *q;

		if (c == '%' || c == '_' || c == '\\')
			buf_putc(b, '\\');
		if (lower && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf_putc(b, c);
	}
	buf_putc(b, '%');
}

/* Read ?q= ?dept= ?page=; fills err on a value that is not one. */
static int filter_read(struct req *r, struct user_filter *f,
		       struct fz_err *err)
{
	const char *page = req_query(r, "page");

	f->q = req_query(r, "q") ? req_query(r, "q") : "";
	f->page = 1;
	buf_init(&f->like, 1024);
	buf_init(&f->like_lower, 1024);
	if (utf8_chars(f->q, strlen(f->q)) > QUERY_MAX_CHARS)
		return fz_fail(err, 400, "bad_query", "搜索词不能超过 %d 个字",
			       QUERY_MAX_CHARS);
	if (parse_dept(req_query(r, "dept"), &f->dept))
		return fz_fail(err, 400, "bad_department", "部门参数无效");
	if (page && *page && parse_int64(page, 1, PAGE_MAX, &f->page))
		return fz_fail(err, 400, "bad_page", "页码无效");
	like_pattern(&f->like, f->q, false);
	like_pattern(&f->like_lower, f->q, true);
	return 0;
}

static void filter_release(struct user_filter *f)
{
	buf_release(&f->like);
	buf_release(&f->like_lower);
}

/* The filter, identical in every query below so that the parameters line
 * up: (dept, dept, q, like_lower, like). */
#define USER_WHERE \
	" WHERE (? = 0 OR u.dept_id = ?) AND (? = '' OR u.login LIKE ? " \
	"ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')"

static int users_count(struct db *db, struct user_filter *f, int64_t *total)
{
	int rc = db_scalar_int(db, total, "SELECT COUNT(*) FROM users u"
			       USER_WHERE, "iisss", f->dept, f->dept, f->q,
			       buf_cstr(&f->like_lower), buf_cstr(&f->like));

	return rc < 0 ? rc : 0;
}

static void user_row_read(struct db_rows *rows, struct user_row *u)
{
	const char *dept = db_text(rows, 4);

	memset(u, 0, sizeof(*u));
	u->id = db_int(rows, 0);
	u->login = xstrdup(db_text(rows, 1));
	u->name = xstrdup(db_text(rows, 2));
	u->dept_id = db_int(rows, 3);
	u->dept = xstrdup(dept ? dept : "");
	u->kind = xstrdup(db_text(rows, 5));
	u->disabled = db_int(rows, 6) != 0;
	u->locked_until = db_int(rows, 7);
	u->last_login = db_int(rows, 8);
	u->sessions = db_int(rows, 9);
}

static int users_rows(struct db *db, struct user_filter *f,
		      struct user_page *p)
{
	struct db_rows *rows;
	int64_t seen, created;
	size_t cap = 0;
	int step;

	session_window(db, &seen, &created);
	rows = db_query(db, "SELECT u.id, u.login, u.display_name, u.dept_id, "
			"d.name, u.kind, u.disabled, u.locked_until, "
			"u.last_login_at, (SELECT COUNT(*) FROM sessions s "
			"WHERE s.user_id = u.id AND s.last_seen_at > ? AND "
			"s.created_at > ?) FROM users u LEFT JOIN departments d"
			" ON d.id = u.dept_id" USER_WHERE
			" ORDER BY u.login LIMIT ? OFFSET ?", "iiiisssii",
			seen, created, f->dept, f->dept, f->q,
			buf_cstr(&f->like_lower), buf_cstr(&f->like),
			(int64_t)PAGE_SIZE, (f->page - 1) * PAGE_SIZE);
	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1) {
		if (p->n == cap) {
			cap = cap ? cap * 2 : PAGE_SIZE;
			p->v = xrealloc(p->v, cap * sizeof(*p->v));
		}
		user_row_read(rows, &p->v[p->n++]);
	}
	db_rows_free(rows);
	return step < 0 ? step : 0;
}

static void user_add_role(struct user_page *p, int64_t id, const char *code)
{
	int role = role_by_code(code);
	size_t i;

	for (i = 0; role >= 0 && i < p->n; i++)
		if (p->v[i].id == id)
			p->v[i].roles |= 1u << role;
}

/* Roles of the users on the page, in one query. */
static int users_roles(struct db *db, struct user_filter *f,
		       struct user_page *p)
{
	struct db_rows *rows;
	int step;

	if (!p->n)
		return 0;
	rows = db_query(db, "SELECT r.user_id, r.role FROM user_roles r WHERE "
			"r.user_id IN (SELECT u.id FROM users u" USER_WHERE
			" ORDER BY u.login LIMIT ? OFFSET ?)", "iisssii",
			f->dept, f->dept, f->q, buf_cstr(&f->like_lower),
			buf_cstr(&f->like), (int64_t)PAGE_SIZE,
			(f->page - 1) * PAGE_SIZE);
	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1)
		user_add_role(p, db_int(rows, 0), db_text(rows, 1));
	db_rows_free(rows);
	return step < 0 ? step : 0;
}

static int users_load(struct db *db, struct user_filter *f,
		      struct user_page *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	rc = users_count(db, f, &p->total);
	if (rc == 0)
		rc = users_rows(db, f, p);
	if (rc == 0)
		rc = users_roles(db, f, p);
	return rc;
}

static void status_badge(struct buf *b, bool disabled, int64_t locked_until)
{
	if (disabled)
		html(b, "<span class=\"badge badge-bad\">已停用</span>");
	else if (locked_until > clock_now())
		html(b, "<span class=\"badge badge-warn\">已锁定</span>");
	else
		html(b, "<span class=\"badge badge-ok\">正常</span>");
}

static void users_filters(struct req *r, const struct dept_tree *t,
			  const struct user_filter *f)
{
	struct buf *b = &r->out;

	html(b, "<form method=\"get\" action=\"/admin/users\" "
	     "class=\"filters\" role=\"search\" aria-label=\"筛选用户\">"
	     "<div class=\"field\"><label for=\"q\">账号或姓名</label>"
	     "<input id=\"q\" name=\"q\" type=\"search\" value=\"%s\" "
	     "maxlength=\"%d\"></div>"
	     "<div class=\"field\"><label for=\"dept\">部门</label>"
	     "<select id=\"dept\" name=\"dept\">", f->q, QUERY_MAX_CHARS);
	dept_options(b, t, f->dept, "全部部门");
	html(b, "</select></div><div class=\"actions\">"
	     "<button type=\"submit\">筛选</button></div></form>");
}

static void users_table(struct req *r, const struct user_page *p)
{
	struct buf *b = &r->out;
	size_t i;

	html(b, "<div class=\"table-wrap\"><table class=\"data\">"
	     "<caption>共 %I 个用户</caption><thead><tr>"
	     "<th scope=\"col\">账号</th><th scope=\"col\">姓名</th>"
	     "<th scope=\"col\">部门</th><th scope=\"col\">类型</th>"
	     "<th scope=\"col\">角色</th><th scope=\"col\">状态</th>"
	     "<th scope=\"col\">最近登录</th>"
	     "<th scope=\"col\">在线会话</th></tr></thead><tbody>", p->total);
	for (i = 0; i < p->n; i++) {
		const struct user_row *u = &p->v[i];

		html(b, "<tr><th scope=\"row\"><a href=\"/admin/users/%I\">"
		     "%s</a></th><td>%s</td><td>%s</td><td>%s</td><td>",
		     u->id, u->login, u->name, u->dept, kind_name(u->kind));
		roles_names(b, u->roles);
		html(b, "</td><td>");
		status_badge(b, u->disabled, u->locked_until);
		html(b, "</td><td>");
		put_time(b, u->last_login, "从未登录");
		html(b, "</td><td>%I</td></tr>", u->sessions);
	}
	if (!p->n)
		html(b, "<tr><td colspan=\"8\" class=\"muted\">"
		     "没有符合条件的用户</td></tr>");
	html(b, "</tbody></table></div>");
}

static void pager_link(struct buf *b, const struct user_filter *f,
		       int64_t page, const char *label, const char *rel)
{
	char dept[24], pg[24];

	id_text(dept, f->dept);
	id_text(pg, page);
	html(b, "<a href=\"/admin/users?q=%u&amp;dept=%u&amp;page=%u\" "
	     "rel=\"%s\">%s</a>", f->q, dept, pg, rel, label);
}

static void users_pager(struct req *r, const struct user_filter *f,
			int64_t total)
{
	int64_t pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
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
 * ?dept=, PAGE_SIZE a page (?page=). */
int page_users(struct req *r)
{
	struct user_filter f;
	struct user_page p = { 0 };
	struct dept_tree t = { 0 };
	struct fz_err err = { 0 };
	int rc;

	if (filter_read(r, &f, &err)) {
		filter_release(&f);
		return service_fail(r, &err);
	}
	rc = tree_load(r->db, &t);
	if (rc == 0)
		rc = users_load(r->db, &f, &p);
	if (rc < 0) {
		user_page_release(&p);
		tree_release(&t);
		filter_release(&f);
		return req_db_fail(r, rc);
	}
	page_begin(r, "用户管理");
	html(&r->out, "<div class=\"actions\"><a class=\"button primary\" "
	     "href=\"/admin/users/new\">新建用户</a></div>");
	users_filters(r, &t, &f);
	users_table(r, &p);
	users_pager(r, &f, p.total);
	page_end(r);
	user_page_release(&p);
	tree_release(&t);
	filter_release(&f);
	return 200;
}

/* ---- the new-user form ---- */

struct user_form {
	const char *login, *name, *kind;
	int64_t dept;
	roleset roles;
};

static void role_box(struct buf *b, int role, roleset checked)
{
	html(b, "<label class=\"check\"><input type=\"checkbox\" "
	     "id=\"role-%s\" name=\"role\" value=\"%s\"%r> %s</label>",
	     role_code(role), role_code(role),
	     checked & (1u << role) ? " checked" : "", role_name(role));
}

/* Checkboxes for the roles in `shown`, staff and administrator roles in
 * two groups. */
static void role_boxes(struct buf *b, roleset checked, roleset shown)
{
	roleset admin = 0, staff = 0;
	int i;

	for (i = 0; i < ROLE_COUNT; i++) {
		if (!(shown & (1u << i)))
			continue;
		if (role_is_admin(i))
			admin |= 1u << i;
		else
			staff |= 1u << i;
	}
	if (staff) {
		html(b, "<fieldset class=\"roles\"><legend>业务角色"
		     "（工作人员）</legend>");
		for (i = 0; i < ROLE_COUNT; i++)
			if (staff & (1u << i))
				role_box(b, i, checked);
		html(b, "</fieldset>");
	}
	if (admin) {
		html(b, "<fieldset class=\"roles\"><legend>管理员角色"
		     "（仅管理员账号）</legend><p class=\"muted\">三权分立："
		     "系统管理员、安全管理员、审计管理员互斥，"
		     "一个账号只能担任其中之一。</p>");
		for (i = 0; i < ROLE_COUNT; i++)
			if (admin & (1u << i))
				role_box(b, i, checked);
		html(b, "</fieldset>");
	}
}

static void kind_radio(struct buf *b, const char *value, const char *label,
		       const char *current)
{
	html(b, "<label class=\"check\"><input type=\"radio\" "
	     "id=\"kind-%s\" name=\"kind\" value=\"%s\"%r> %s</label>",
	     value, value, strcmp(current, value) == 0 ? " checked" : "",
	     label);
}

static void new_user_form(struct req *r, const struct dept_tree *t,
			  const struct user_form *f, const char *error)
{
	struct buf *b = &r->out;

	page_begin(r, "新建用户");
	error_box(r, error);
	html(b, "<form method=\"post\" action=\"/admin/users\" "
	     "class=\"form card\">");
	html_hidden(b, "csrf", session_csrf(r));
	html(b, "<div class=\"field\"><label for=\"login\">账号</label>"
	     "<input id=\"login\" name=\"login\" value=\"%s\" required "
	     "maxlength=\"32\" autocomplete=\"off\" autocapitalize=\"none\" "
	     "spellcheck=\"false\" aria-describedby=\"login-hint\">"
	     "<p class=\"muted\" id=\"login-hint\">3–32 位小写字母、数字或 "
	     ". _ -，以字母开头</p></div>"
	     "<div class=\"field\"><label for=\"display_name\">姓名</label>"
	     "<input id=\"display_name\" name=\"display_name\" value=\"%s\" "
	     "required maxlength=\"64\"></div>"
	     "<div class=\"field\"><label for=\"dept_id\">所属部门</label>"
	     "<select id=\"dept_id\" name=\"dept_id\">", f->login, f->name);
	dept_options(b, t, f->dept, "（无）");
	html(b, "</select></div><fieldset><legend>账号类型</legend>");
	kind_radio(b, "staff", "工作人员", f->kind);
	kind_radio(b, "admin", "管理员", f->kind);
	html(b, "</fieldset>");
	role_boxes(b, f->roles, (1u << ROLE_COUNT) - 1);
	html(b, "<p class=\"muted\">初始密码由系统生成，只在创建后显示一次；"
	     "用户首次登录时必须修改密码。</p><div class=\"actions\">"
	     "<button type=\"submit\" class=\"primary\">创建用户</button>"
	     "<a href=\"/admin/users\">取消</a></div></form>");
	page_end(r);
}

static int render_new_form(struct req *r, const struct user_form *f,
			   const char *error, int status)
{
	struct dept_tree t = { 0 };
	int rc = tree_load(r->db, &t);

	if (rc < 0)
		return req_db_fail(r, rc);
	new_user_form(r, &t, f, error);
	tree_release(&t);
	return status;
}

/* GET /admin/users/new: the empty new-user form. */
int page_user_new(struct req *r)
{
	struct user_form f = { "", "", "staff", 0, 0 };

	return render_new_form(r, &f, NULL, 200);
}

/* The page that shows a generated password, once. */
static void password_shown(struct req *r, const char *title, int64_t id,
			   const char *login, const char *pw,
			   const char *what)
{
	struct buf *b = &r->out;

	page_begin(r, title);
	html(b, "<div class=\"token-once\" role=\"status\"><p>%s</p>"
	     "<p>账号：<strong>%s</strong></p><p>初始密码：</p>"
	     "<code class=\"secret\">%s</code>"
	     "<p><strong>此密码只显示这一次，请通过安全渠道交给用户。"
	     "</strong>用户首次登录时必须修改密码。</p></div>"
	     "<div class=\"actions\"><a class=\"button\" "
	     "href=\"/admin/users/%I\">查看该用户</a>"
	     "<a href=\"/admin/users\">返回用户列表</a></div>",
	     what, login, pw, id);
	page_end(r);
}

/* POST /admin/users: create the account with a generated password, shown
 * once; a refusal re-renders the form (400/409) and creates nothing. */
int page_user_create(struct req *r)
{
	struct user_form f = {
		form_str(r, "login"), form_str(r, "display_name"),
		form_str(r, "kind"), 0, 0,
	};
	struct user_spec spec;
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256], pw[21];
	int64_t id = 0;
	int rc;

	if (parse_dept(req_form(r, "dept_id"), &f.dept))
		return render_new_form(r, &f, "所选部门无效", 400);
	if (form_roles(r, &f.roles))
		return render_new_form(r, &f, "所选角色无效", 400);
	if (roles_fit(f.kind, f.roles, &err))
		return render_new_form(r, &f, err.msg, err.status);
	spec = (struct user_spec){ f.login, f.name, f.dept, f.kind, f.roles,
				   true };
	actor_from_req(r, &who, roles, sizeof(roles));
	password_generate(pw);
	rc = account_create(r->db, &who, &spec, pw, &id, &err);
	if (rc == 0)
		password_shown(r, "用户已创建", id, f.login, pw,
			       "账号已创建，初始密码如下。");
	crypto_cleanse(pw, sizeof(pw));
	if (rc && form_refusal(&err))
		return render_new_form(r, &f, err.msg, err.status);
	return rc ? service_fail(r, &err) : 200;
}

/* ---- one user ---- */

struct user_extra {
	int64_t locked_until, created_at, sessions;
};

static int user_extra_load(struct db *db, int64_t id, struct user_extra *x)
{
	int64_t seen, created;
	struct db_rows *rows;
	int rc;

	memset(x, 0, sizeof(*x));
	rows = db_query(db, "SELECT locked_until, created_at FROM users "
			"WHERE id = ?", "i", id);
	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1) {
		x->locked_until = db_int(rows, 0);
		x->created_at = db_int(rows, 1);
	}
	db_rows_free(rows);
	if (rc < 0)
		return rc;
	session_window(db, &seen, &created);
	rc = db_scalar_int(db, &x->sessions, "SELECT COUNT(*) FROM sessions "
			   "WHERE user_id = ? AND last_seen_at > ? AND "
			   "created_at > ?", "iii", id, seen, created);
	return rc < 0 ? rc : 0;
}

/* The user by path parameter 0; 404 when the id is not one or unknown,
 * else 0 with *out set (caller frees) or a failure status. */
static int user_from_path(struct req *r, struct user **out)
{
	int64_t id;
	int rc;

	*out = NULL;
	if (req_path_id(r, 0, &id))
		return req_fail(r, 404, "not_found", "用户不存在");
	*out = user_load(r->db, id, &rc);
	if (rc)
		return req_db_fail(r, rc);
	if (!*out)
		return req_fail(r, 404, "not_found", "用户不存在");
	return 0;
}

static void user_facts(struct buf *b, const struct user *u,
		       const struct user_extra *x)
{
	html(b, "<section class=\"card\" aria-labelledby=\"h-facts\">"
	     "<h2 id=\"h-facts\">基本信息</h2><dl class=\"facts\">"
	     "<dt>账号</dt><dd>%s</dd><dt>姓名</dt><dd>%s</dd>"
	     "<dt>部门</dt><dd>%s</dd><dt>类型</dt><dd>%s</dd>"
	     "<dt>角色</dt><dd>", u->login, u->display_name,
	     u->dept_name[0] ? u->dept_name : "（无）", kind_name(u->kind));
	roles_names(b, u->roles);
	html(b, "</dd><dt>状态</dt><dd>");
	status_badge(b, u->disabled, x->locked_until);
	if (!u->disabled && x->locked_until > clock_now()) {
		html(b, " 至 ");
		put_time(b, x->locked_until, "");
	}
	html(b, "</dd><dt>下次登录须改密码</dt><dd>%s</dd>"
	     "<dt>最近登录</dt><dd>", u->must_change ? "是" : "否");
	put_time(b, u->last_login_at, "从未登录");
	html(b, "</dd><dt>密码修改时间</dt><dd>");
	put_time(b, u->password_changed_at, "—");
	html(b, "</dd><dt>创建时间</dt><dd>");
	put_time(b, x->created_at, "—");
	html(b, "</dd><dt>在线会话</dt><dd>%I</dd></dl></section>",
	     x->sessions);
}

static void user_edit_form(struct req *r, const struct user *u,
			   const struct dept_tree *t, const char *name,
			   int64_t dept)
{
	struct buf *b = &r->out;

	html(b, "<section class=\"card\" aria-labelledby=\"h-edit\">"
	     "<h2 id=\"h-edit\">修改信息</h2><form method=\"post\" "
	     "action=\"/admin/users/%I\" class=\"form\">", u->id);
	html_hidden(b, "csrf", session_csrf(r));
	html(b, "<div class=\"field\"><label for=\"display_name\">姓名</label>"
	     "<input id=\"display_name\" name=\"display_name\" value=\"%s\" "
	     "required maxlength=\"64\"></div><div class=\"field\">"
	     "<label for=\"dept_id\">所属部门</label>"
	     "<select id=\"dept_id\" name=\"dept_id\">", name);
	dept_options(b, t, dept, "（无）");
	html(b, "</select></div><div class=\"actions\"><button type=\"submit\""
	     " class=\"primary\">保存</button></div></form></section>");
}

/* Roles that make sense for the kind, plus any held (so they can go). */
static roleset roles_shown(const struct user *u)
{
	roleset all = (1u << ROLE_COUNT) - 1, admin = 0;
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (role_is_admin(i))
			admin |= 1u << i;
	if (strcmp(u->kind, "admin") == 0)
		return admin | u->roles;
	if (strcmp(u->kind, "staff") == 0)
		return (all & ~admin) | u->roles;
	return u->roles;
}

static void user_roles_form(struct req *r, const struct user *u,
			    roleset checked)
{
	struct buf *b = &r->out;
	roleset shown = roles_shown(u);

	html(b, "<section class=\"card\" aria-labelledby=\"h-roles\">"
	     "<h2 id=\"h-roles\">角色</h2>");
	if (!shown) {
		html(b, "<p class=\"muted\">公众账号没有可授予的角色。</p>"
		     "</section>");
		return;
	}
	html(b, "<form method=\"post\" action=\"/admin/users/%I/roles\" "
	     "class=\"form\">", u->id);
	html_hidden(b, "csrf", session_csrf(r));
	role_boxes(b, checked, shown);
	html(b, "<p class=\"muted\">角色变更后，该用户的所有会话将结束，"
	     "需要重新登录。</p><div class=\"actions\"><button "
	     "type=\"submit\" class=\"primary\">保存角色</button></div>"
	     "</form></section>");
}

/* One action button with what it does; `confirm` (or NULL) is asked
 * before a destructive one is sent (see site.js). */
static void action_form(struct req *r, int64_t id, const char *action,
			const char *label, const char *hint,
			const char *confirm)
{
	struct buf *b = &r->out;

	html(b, "<div class=\"field\"><form method=\"post\" "
	     "action=\"/admin/users/%I/%s\" class=\"inline\"", id, action);
	if (confirm)
		html(b, " data-confirm=\"%s\"", confirm);
	html(b, ">");
	html_hidden(b, "csrf", session_csrf(r));
	html(b, "<button type=\"submit\"%r>%s</button>"
	     "<span class=\"muted\">%s</span></form></div>",
	     confirm ? " class=\"danger\"" : "", label, hint);
}

static void user_actions(struct req *r, const struct user *u,
			 const struct user_extra *x)
{
	char hint[128];

	html(&r->out, "<section class=\"card\" aria-labelledby=\"h-actions\">"
	     "<h2 id=\"h-actions\">账号操作</h2>");
	if (u->disabled)
		action_form(r, u->id, "enable", "启用账号",
			    "恢复该账号的登录。", NULL);
	else
		action_form(r, u->id, "disable", "停用账号",
			    "停用后不能登录，现有会话立即结束。",
			    "确定停用该账号吗？");
	action_form(r, u->id, "reset", "重置密码",
		    "生成新的初始密码（只显示一次），解除锁定，结束所有会话；"
		    "下次登录须修改密码。", "确定重置该用户的密码吗？");
	snprintf(hint, sizeof(hint), "结束该用户的全部会话（当前 %lld 个）。",
		 (long long)x->sessions);
	action_form(r, u->id, "kill", "强制下线", hint,
		    "确定结束该用户的全部会话吗？");
	html(&r->out, "</section>");
}

/* The user page; `name`/`dept` are the edit form's values, `checked` the
 * roles form's. */
static int render_user(struct req *r, const struct user *u,
		       const char *error, int status, const char *name,
		       int64_t dept, roleset checked)
{
	struct dept_tree t = { 0 };
	struct user_extra x;
	char title[320];
	int rc = tree_load(r->db, &t);

	if (rc == 0)
		rc = user_extra_load(r->db, u->id, &x);
	if (rc < 0) {
		tree_release(&t);
		return req_db_fail(r, rc);
	}
	snprintf(title, sizeof(title), "用户：%s", u->display_name);
	page_begin(r, title);
	html(&r->out, "<p><a href=\"/admin/users\">返回用户列表</a></p>");
	error_box(r, error);
	user_facts(&r->out, u, &x);
	user_edit_form(r, u, &t, name, dept);
	user_roles_form(r, u, checked);
	user_actions(r, u, &x);
	page_end(r);
	tree_release(&t);
	return status;
}

static int render_user_plain(struct req *r, const struct user *u,
			     const char *error, int status)
{
	return render_user(r, u, error, status, u->display_name, u->dept_id,
			   u->roles);
}

/* GET /admin/users/{id}: details, edit, roles and actions; 404 for an id
 * that is not a number or not a user. */
int page_user(struct req *r)
{
	struct user *u;
	int rc = user_from_path(r, &u);

	if (rc)
		return rc;
	rc = render_user_plain(r, u, NULL, 200);
	session_user_free(u);
	return rc;
}

static int user_redirect(struct req *r, int64_t id, const char *flash)
{
	char loc[48];

	snprintf(loc, sizeof(loc), "/admin/users/%lld", (long long)id);
	req_flash(r, flash);
	return req_redirect(r, loc);
}

/* After a refused write: the form again, the error page, or 404. */
static int user_refused(struct req *r, const struct user *u,
			const struct fz_err *err, const char *name,
			int64_t dept, roleset checked)
{
	if (form_refusal(err))
		return render_user(r, u, err->msg, err->status, name, dept,
				   checked);
	return service_fail(r, err);
}

/* POST /admin/users/{id}: change the name and department. */
int page_user_update(struct req *r)
{
	const char *name = form_str(r, "display_name");
	struct fz_err err = { 0 };
	struct actor who;
	struct user *u;
	char roles[256];
	int64_t dept;
	int rc = user_from_path(r, &u);

	if (rc)
		return rc;
	if (parse_dept(req_form(r, "dept_id"), &dept)) {
		fz_fail(&err, 400, "bad_department", "所选部门无效");
		rc = user_refused(r, u, &err, name, u->dept_id, u->roles);
	} else {
		actor_from_req(r, &who, roles, sizeof(roles));
		if (account_update(r->db, &who, u->id, name, dept, &err))
			rc = user_refused(r, u, &err, name, dept, u->roles);
		else
			rc = user_redirect(r, u->id, "用户信息已保存");
	}
	session_user_free(u);
	return rc;
}

/* Revoke first, so that exchanging one administrator role for another
 * never holds both for a moment. */
static int roles_apply(struct req *r, const struct user *u, roleset want,
		       struct fz_err *err)
{
	struct actor who;
	char roles[256];
	int i;

	actor_from_req(r, &who, roles, sizeof(roles));
	for (i = 0; i < ROLE_COUNT; i++)
		if ((u->roles & (1u << i)) && !(want & (1u << i)) &&
		    account_revoke(r->db, &who, u->id, i, err))
			return FZ_ERR;
	for (i = 0; i < ROLE_COUNT; i++)
		if (!(u->roles & (1u << i)) && (want & (1u << i)) &&
		    account_grant(r->db, &who, u->id, i, err))
			return FZ_ERR;
	return 0;
}

static int roles_check(struct req *r, const struct user *u, roleset want,
		       struct fz_err *err)
{
	if (roles_fit(u->kind, want, err))
		return FZ_ERR;
	/* The last way back into user administration must not be closed
	 * by accident from inside it. */
	if (u->id == r->user->id && (u->roles & (1u << ROLE_SYSADMIN)) &&
	    !(want & (1u << ROLE_SYSADMIN)))
		return fz_fail(err, 400, "self",
			       "不能撤销自己的系统管理员角色");
	return 0;
}

/* POST /admin/users/{id}/roles: make the roles exactly the checked ones,
 * through account_grant/account_revoke after checking the whole set. */
int page_user_roles(struct req *r)
{
	struct fz_err err = { 0 };
	struct user *u;
	roleset want;
	int rc = user_from_path(r, &u);

	if (rc)
		return rc;
	if (form_roles(r, &want)) {
		fz_fail(&err, 400, "bad_role", "所选角色无效");
		rc = user_refused(r, u, &err, u->display_name, u->dept_id,
				  u->roles);
	} else if (roles_check(r, u, want, &err) ||
		   roles_apply(r, u, want, &err)) {
		rc = user_refused(r, u, &err, u->display_name, u->dept_id,
				  want);
	} else {
		rc = user_redirect(r, u->id, want == u->roles ? "角色没有变化"
				   : "角色已更新，该用户需重新登录");
	}
	session_user_free(u);
	return rc;
}

static int user_reset(struct req *r, const struct user *u,
		      const struct actor *who, struct fz_err *err)
{
	char pw[21];

	password_generate(pw);
	if (account_set_password(r->db, who, u->id, pw, true, err)) {
		crypto_cleanse(pw, sizeof(pw));
		return FZ_ERR;
	}
	password_shown(r, "密码已重置", u->id, u->login, pw,
		       "密码已重置，该用户的所有会话已结束。"
		       "新的初始密码如下。");
	crypto_cleanse(pw, sizeof(pw));
	return 0;
}

static int user_act(struct req *r, const struct user *u, const char *action,
		    struct fz_err *err)
{
	struct actor who;
	char roles[256];

	actor_from_req(r, &who, roles, sizeof(roles));
	if (strcmp(action, "reset") == 0)
		return user_reset(r, u, &who, err) ? FZ_ERR : 200;
	if (strcmp(action, "kill") == 0)
		return account_kill_sessions(r->db, &who, u->id, err) ? FZ_ERR
		       : user_redirect(r, u->id, "已强制下线，该用户的全部会话"
				       "已结束");
	return account_set_disabled(r->db, &who, u->id,
				    strcmp(action, "disable") == 0, err)
	       ? FZ_ERR : user_redirect(r, u->id, strcmp(action, "disable")
					== 0 ? "账号已停用" : "账号已启用");
}

/* POST /admin/users/{id}/{action}: disable, enable, reset (a new password
 * shown once) or kill (end every session); 404 for anything else. */
int page_user_action(struct req *r)
{
	static const char *const actions[] = {
		"disable", "enable", "reset", "kill",
	};
	const char *action = req_path_param(r, 1);
	struct fz_err err = { 0 };
	struct user *u;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (action && strcmp(action, actions[i]) == 0)
			break;
	if (i == ARRAY_SIZE(actions))
		return req_fail(r, 404, "not_found", "页面不存在");
	rc = user_from_path(r, &u);
	if (rc)
		return rc;
	rc = user_act(r, u, action, &err);
	if (rc == FZ_ERR)
		rc = user_refused(r, u, &err, u->display_name, u->dept_id,
				  u->roles);
	session_user_free(u);
	return rc;
}

/* ---- departments ---- */

static int dept_counts(struct db *db, struct dept_tree *t)
{
	struct db_rows *rows;
	int step;

	rows = db_query(db, "SELECT dept_id, COUNT(*) FROM users WHERE "
			"dept_id IS NOT NULL GROUP BY dept_id", "");
	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1) {
		struct dept *d = (struct dept *)tree_find(t, db_int(rows, 0));

		if (d)
			d->users = db_int(rows, 1);
	}
	db_rows_free(rows);
	return step < 0 ? step : 0;
}

static void dept_row(struct req *r, const struct dept_tree *t,
		     const struct dept *d)
{
	const struct dept *parent = tree_find(t, d->parent);
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
	struct buf *b = &r->out;
	size_t i;

	html(b, "<section aria-labelledby=\"h-tree\"><h2 id=\"h-tree\">"
	     "部门列表</h2><div class=\"table-wrap\"><table class=\"data\">"
	     "<thead><tr><th scope=\"col\">名称</th><th scope=\"col\">代码"
	     "</th><th scope=\"col\">上级部门</th><th scope=\"col\">用户数"
	     "</th><th scope=\"col\">重命名</th></tr></thead><tbody>");
	for (i = 0; i < t->n; i++)
		dept_row(r, t, &t->v[i]);
	if (!t->n)
		html(b, "<tr><td colspan=\"5\" class=\"muted\">还没有部门"
		     "</td></tr>");
	html(b, "</tbody></table></div></section>");
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
	html(b, "<div class=\"field\"><label for=\"code\">部门代码</label>"
	     "<input id=\"code\" name=\"code\" value=\"%s\" required "
	     "maxlength=\"32\" aria-describedby=\"code-hint\">"
	     "<p class=\"muted\" id=\"code-hint\">1–32 位字母、数字、- 或 _，"
	     "创建后不能修改</p></div><div class=\"field\">"
	     "<label for=\"name\">部门名称</label><input id=\"name\" "
	     "name=\"name\" value=\"%s\" required maxlength=\"64\"></div>"
	     "<div class=\"field\"><label for=\"parent_id\">上级部门</label>"
	     "<select id=\"parent_id\" name=\"parent_id\">", f->code, f->name);
	dept_options(b, t, f->parent, "（无，顶级部门）");
	html(b, "</select></div><div class=\"actions\"><button type=\"submit\""
	     " class=\"primary\">创建部门</button></div></form></section>");
}

static int render_departments(struct req *r, const struct dept_form *f,
			      const char *error, int status)
{
	struct dept_tree t = { 0 };
	int rc = tree_load(r->db, &t);

	if (rc == 0)
		rc = dept_counts(r->db, &t);
	if (rc < 0) {
		tree_release(&t);
		return req_db_fail(r, rc);
	}
	page_begin(r, "部门管理");
	error_box(r, error);
	dept_table(r, &t);
	dept_create_form(r, &t, f);
	page_end(r);
	tree_release(&t);
	return status;
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
	struct dept_form f = { form_str(r, "code"), form_str(r, "name"), 0 };
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256];

	if (parse_dept(req_form(r, "parent_id"), &f.parent))
		return render_departments(r, &f, "所选上级部门无效", 400);
	actor_from_req(r, &who, roles, sizeof(roles));
	if (dept_create(r->db, &who, f.parent, f.code, f.name, NULL, &err)) {
		if (form_refusal(&err))
			return render_departments(r, &f, err.msg, err.status);
		return service_fail(r, &err);
	}
	req_flash(r, "部门已创建");
	return req_redirect(r, "/admin/departments");
}

/* POST /admin/departments/{id}: rename a department. */
int page_department_update(struct req *r)
{
	struct dept_form f = { "", "", 0 };
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256];
	int64_t id;

	if (req_path_id(r, 0, &id))
		return req_fail(r, 404, "not_found", "部门不存在");
	actor_from_req(r, &who, roles, sizeof(roles));
	if (dept_rename(r->db, &who, id, form_str(r, "name"), &err)) {
		if (form_refusal(&err))
			return render_departments(r, &f, err.msg, err.status);
		return service_fail(r, &err);
	}
	req_flash(r, "部门已重命名");
	return req_redirect(r, "/admin/departments");
}

/* ---- JSON API ---- */

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *roles_codes(roleset rs)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (rs & (1u << i))
			json_array_append_new(a, json_string(role_code(i)));
	return a;
}

static json_t *user_json(const struct user_row *u)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:s,s:o,s:b}", "id",
			 (json_int_t)u->id, "login", u->login, "display_name",
			 u->name, "department_id", id_or_null(u->dept_id),
			 "kind", u->kind, "roles", roles_codes(u->roles),
			 "disabled", u->disabled);
}

/* GET /api/v1/users: {"users":[...],"page","total"} for ?q= ?dept=
 * ?page=, PAGE_SIZE a page. */
int api_users(struct req *r)
{
	struct user_filter f;
	struct user_page p = { 0 };
	struct fz_err err = { 0 };
	json_t *list;
	size_t i;
	int rc;

	if (filter_read(r, &f, &err)) {
		filter_release(&f);
		return service_fail(r, &err);
	}
	rc = users_load(r->db, &f, &p);
	if (rc < 0) {
		user_page_release(&p);
		filter_release(&f);
		return req_db_fail(r, rc);
	}
	list = json_array();
	for (i = 0; i < p.n; i++)
		json_array_append_new(list, user_json(&p.v[i]));
	user_page_release(&p);
	rc = req_json(r, 200, json_pack("{s:o,s:I,s:I}", "users", list,
					"page", (json_int_t)f.page, "total",
					(json_int_t)p.total));
	filter_release(&f);
	return rc;
}

static int json_str(json_t *o, const char *key, bool required,
		    const char **out, struct fz_err *err)
{
	json_t *v = json_object_get(o, key);

	if (!v && !required)
		return 0;
	if (!json_is_string(v))
		return fz_fail(err, 400, "bad_field", "字段 %s 须为字符串",
			       key);
	*out = json_string_value(v);
	return 0;
}

static int json_dept(json_t *o, int64_t *out, struct fz_err *err)
{
	json_t *v = json_object_get(o, "department_id");

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fz_fail(err, 400, "bad_field",
			       "字段 department_id 须为部门编号或 null");
	*out = json_integer_value(v);
	return 0;
}

static int json_roles(json_t *o, roleset *out, struct fz_err *err)
{
	json_t *v = json_object_get(o, "roles"), *item;
	size_t i;

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return fz_fail(err, 400, "bad_field", "字段 roles 须为数组");
	json_array_foreach(v, i, item) {
		int role;

		if (!json_is_string(item))
			return fz_fail(err, 400, "bad_field",
				       "字段 roles 的每一项须为角色代码字符串");
		role = role_by_code(json_string_value(item));
		if (role < 0)
			return fz_fail(err, 400, "bad_role",
				       "未知的角色代码（第 %zu 项）", i + 1);
		*out |= 1u << role;
	}
	return 0;
}

/* Only the documented fields: a misspelt one must not be ignored. */
static int json_known_keys(json_t *o, struct fz_err *err)
{
	static const char *const keys[] = {
		"login", "display_name", "department_id", "kind", "roles",
	};
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(o, key, v) {
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (strcmp(key, keys[i]) == 0)
				break;
		if (i == ARRAY_SIZE(keys))
			return fz_fail(err, 400, "unknown_field",
				       "未知字段：%.64s", key);
	}
	return 0;
}

static int json_spec(json_t *o, struct user_spec *s, struct fz_err *err)
{
	memset(s, 0, sizeof(*s));
	s->kind = "staff";
	s->must_change = true;
	if (!json_is_object(o))
		return fz_fail(err, 400, "bad_json", "请求体须为 JSON 对象");
	if (json_known_keys(o, err) ||
	    json_str(o, "login", true, &s->login, err) ||
	    json_str(o, "display_name", true, &s->display_name, err) ||
	    json_str(o, "kind", false, &s->kind, err) ||
	    json_dept(o, &s->dept_id, err) || json_roles(o, &s->roles, err))
		return FZ_ERR;
	return roles_fit(s->kind, s->roles, err);
}

/* POST /api/v1/users: create from {"login","display_name",
 * "department_id","kind","roles"}; 201 {"id","login","password"} with the
 * generated password, shown once. */
int api_user_create(struct req *r)
{
	struct user_spec spec;
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256], pw[21];
	int64_t id = 0;
	int rc;

	if (json_spec(r->json, &spec, &err))
		return service_fail(r, &err);
	actor_from_req(r, &who, roles, sizeof(roles));
	password_generate(pw);
	if (account_create(r->db, &who, &spec, pw, &id, &err)) {
		crypto_cleanse(pw, sizeof(pw));
		return service_fail(r, &err);
	}
	rc = req_json(r, 201, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id,
					"login", spec.login, "password", pw));
	crypto_cleanse(pw, sizeof(pw));
	return rc;
}

/* GET /api/v1/departments: every department in tree order. */
int api_departments(struct req *r)
{
	struct dept_tree t = { 0 };
	json_t *list;
	size_t i;
	int rc = tree_load(r->db, &t);

	if (rc < 0)
		return req_db_fail(r, rc);
	list = json_array();
	for (i = 0; i < t.n; i++)
		json_array_append_new(list, json_pack(
			"{s:I,s:o,s:s,s:s}", "id", (json_int_t)t.v[i].id,
			"parent_id", id_or_null(t.v[i].parent), "code",
			t.v[i].code, "name", t.v[i].name));
	tree_release(&t);
	return req_json(r, 200, json_pack("{s:o}", "departments", list));
}
