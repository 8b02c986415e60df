/* user_list.c: a page of users by search and department, with roles */
#include "org/page_util.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "http/http.h"
#include "store/store.h"

#define PAGE_MAX 1000000

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
	if (utf8_chars(f->q, strlen(f->q)) > ORG_QUERY_MAX_CHARS)
		return fz_fail(err, 400, "bad_query", "搜索词不能超过 %d 个字",
			       ORG_QUERY_MAX_CHARS);
	if (org_parse_dept(req_query(r, "dept"), &f->dept))
		return fz_fail(err, 400, "bad_department", "部门参数无效");
	if (page && *page && parse_int64(page, 1, PAGE_MAX, &f->page))
		return fz_fail(err, 400, "bad_page", "页码无效");
	like_pattern(&f->like, f->q, false);
	like_pattern(&f->like_lower, f->q, true);
	return 0;
}

/* The filter, identical in every query below so that the parameters line
 * up: (dept, dept, q, like_lower, like). */
#define USER_WHERE \
	" WHERE (? = 0 OR u.dept_id = ?) AND (? = '' OR u.login LIKE ? " \
	"ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')"

static int users_count(struct db *db, struct user_list *l)
{
	struct user_filter *f = &l->f;
	int rc = db_scalar_int(db, &l->total, "SELECT COUNT(*) FROM users u"
			       USER_WHERE, "iisss", f->dept, f->dept, f->q,
			       buf_cstr(&f->like_lower), buf_cstr(&f->like));

	return rc < 0 ? rc : 0;
}

static void user_row_read(struct db_rows *rows, void *arg)
{
	struct user_list *l = arg;
	struct user_row *u;

	l->v = org_grow(l->v, l->n, &l->cap, ORG_PAGE_SIZE, sizeof(*l->v));
	u = &l->v[l->n++];
	memset(u, 0, sizeof(*u));
	u->id = db_int(rows, 0);
	u->login = org_pool_dup(&l->strs, db_text(rows, 1));
	u->name = org_pool_dup(&l->strs, db_text(rows, 2));
	u->dept_id = db_int(rows, 3);
	u->dept = org_pool_dup(&l->strs, db_text(rows, 4));
	u->kind = org_pool_dup(&l->strs, db_text(rows, 5));
	u->disabled = db_int(rows, 6) != 0;
	u->locked_until = db_int(rows, 7);
	u->last_login = db_int(rows, 8);
	u->sessions = db_int(rows, 9);
}

static int users_rows(struct db *db, struct user_list *l)
{
	struct user_filter *f = &l->f;
	struct db_rows *rows;
	int64_t seen, created;

	org_session_window(db, &seen, &created);
	rows = db_query(db, "SELECT u.id, u.login, u.display_name, u.dept_id, "
			"d.name, u.kind, u.disabled, u.locked_until, "
			"u.last_login_at, (SELECT COUNT(*) FROM sessions s "
			"WHERE s.user_id = u.id AND s.last_seen_at > ? AND "
			"s.created_at > ?) FROM users u LEFT JOIN departments d"
			" ON d.id = u.dept_id" USER_WHERE
			" ORDER BY u.login LIMIT ? OFFSET ?", "iiiisssii",
			seen, created, f->dept, f->dept, f->q,
			buf_cstr(&f->like_lower), buf_cstr(&f->like),
			(int64_t)ORG_PAGE_SIZE, (f->page - 1) * ORG_PAGE_SIZE);
	return org_each_row(db, rows, user_row_read, l);
}

static void user_role_read(struct db_rows *rows, void *arg)
{
	struct user_list *l = arg;
	int64_t id = db_int(rows, 0);
	int role = role_by_code(db_text(rows, 1));
	size_t i;

	for (i = 0; role >= 0 && i < l->n; i++)
		if (l->v[i].id == id)
			l->v[i].roles |= 1u << role;
}

/* Roles of the users on the page, in one query. */
static int users_roles(struct db *db, struct user_list *l)
{
	struct user_filter *f = &l->f;
	struct db_rows *rows;

	if (!l->n)
		return 0;
	rows = db_query(db, "SELECT r.user_id, r.role FROM user_roles r WHERE "
			"r.user_id IN (SELECT u.id FROM users u" USER_WHERE
			" ORDER BY u.login LIMIT ? OFFSET ?)", "iisssii",
			f->dept, f->dept, f->q, buf_cstr(&f->like_lower),
			buf_cstr(&f->like), (int64_t)ORG_PAGE_SIZE,
			(f->page - 1) * ORG_PAGE_SIZE);
	return org_each_row(db, rows, user_role_read, l);
}

int user_list_load(struct req *r, struct user_list *l)
{
	struct fz_err err = { 0 };
	int rc;

	memset(l, 0, sizeof(*l));
	if (filter_read(r, &l->f, &err))
		return org_service_fail(r, &err);
	rc = users_count(r->db, l);
	if (rc == 0)
		rc = users_rows(r->db, l);
	if (rc == 0)
		rc = users_roles(r->db, l);
	return rc < 0 ? req_db_fail(r, rc) : 0;
}

void user_list_release(struct user_list *l)
{
	org_pool_release(&l->strs);
	free(l->v);
	buf_release(&l->f.like);
	buf_release(&l->f.like_lower);
}
