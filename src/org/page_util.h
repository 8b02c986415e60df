/* page_util.h: what the user and department administration files share
 *
 * Private to src/org.  The handlers live in users_page.c (the user list
 * and the new-user form), user_page.c (one user), departments_page.c and
 * users_api.c (JSON); this header lists what they have in common: the
 * department tree, the user list behind both the page and the API, pieces
 * of the user pages, and small helpers for requests and result rows.
 */
#ifndef FZ_ORG_PAGE_UTIL_H
#define FZ_ORG_PAGE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "auth/roles.h"
#include "core/buf.h"
#include "core/util.h"
#include "http/form.h"

struct db;
struct db_rows;
struct req;
struct user;
struct user_spec;

#define ORG_PAGE_SIZE 50          /* users on a page of the list */
#define ORG_QUERY_MAX_CHARS 64    /* characters in a search */

/* ---- page_util.c: strings, rows and requests ---- */

/* Strings copied out of result rows and freed together. */
struct org_pool {
	char **v;
	size_t n, cap;
};

/* A copy of `s` ("" for NULL, as for an SQL NULL) that lives until
 * org_pool_release(). */
const char *org_pool_dup(struct org_pool *p, const char *s);
void org_pool_release(struct org_pool *p);

/* `v` with room for element `n` of `size` bytes: `first` elements at the
 * start, twice as many each time it fills; *cap is the room there is. */
void *org_grow(void *v, size_t n, size_t *cap, size_t first, size_t size);

/* Call `row` for each row of `rows`, which db_query() on `db` returned,
 * and free them; 0 or a DB_E* code (NULL `rows` is the query's own). */
int org_each_row(struct db *db, struct db_rows *rows,
		 void (*row)(struct db_rows *rows, void *arg), void *arg);

/* Sessions still alive under the policy in force are those seen after
 * *seen_after and created after *created_after. */
void org_session_window(struct db *db, int64_t *seen_after,
			int64_t *created_after);

/* The form value, or "" when it is absent. */
const char *org_form_str(struct req *r, const char *key);
/* The department id of a form or query value ("" or "0" is none); 0 or
 * -1 when it is not one. */
int org_parse_dept(const char *s, int64_t *out);

/* The signed-in administrator as the actor the account service audits. */
struct org_actor {
	struct actor a;
	char roles[256];
};

const struct actor *org_actor(struct req *r, struct org_actor *who);

/* Whether a service refusal belongs on the form (the administrator can
 * correct it) rather than on an error page. */
bool org_form_refusal(const struct fz_err *e);
/* The error page (or JSON error) for a service refusal; its status. */
int org_service_fail(struct req *r, const struct fz_err *e);
/* A <time> in local minutes, or `never` (muted) when t <= 0. */
void org_put_time(struct buf *b, int64_t t, const char *never);
/* account_create by the signed-in administrator with a generated
 * password in `pw`, wiped unless the account was created (then the caller
 * shows it once and wipes it). */
int org_create_user(struct req *r, const struct user_spec *spec,
		    char pw[21], int64_t *id, struct fz_err *err);

/* ---- user_html.c: pieces of the user pages ---- */

/* The first role of `rs` at `from` or after; ROLE_COUNT when none. */
int org_role_next(roleset rs, int from);
#define for_each_role(i, rs) \
	for ((i) = org_role_next((rs), 0); (i) < ROLE_COUNT; \
	     (i) = org_role_next((rs), (i) + 1))
#define ROLES_ALL (((roleset)1 << ROLE_COUNT) - 1)
/* The three administrator roles as a set. */
roleset org_admin_roles(void);

/* "工作人员", "管理员", "公众", or the code itself. */
const char *org_kind_name(const char *kind);
/* Roles by their Chinese names, "经办人、部门负责人", or a muted "无". */
void org_roles_names(struct buf *b, roleset rs);
void org_status_badge(struct buf *b, bool disabled, int64_t locked_until);
/* Checkboxes named "role" for the roles in `shown`, `checked` ticked. */
void org_role_boxes(struct buf *b, roleset checked, roleset shown);
/* Every "role" field of the form as a set; -1 on an unknown code. */
int org_form_roles(struct req *r, roleset *out);
/* The page that shows a generated password, once. */
void org_password_shown(struct req *r, const char *title, int64_t id,
			const char *login, const char *pw, const char *what);

/* ---- dept_tree.c: the department tree ---- */

struct dept {
	int64_t id, parent;
	const char *code, *name;
	int depth;
	int64_t users;
};

struct dept_tree {
	struct dept *v;
	size_t n;
	struct org_pool strs;
};

/* Every department in tree order: parents before their children, siblings
 * by sort key and name; 0 or a DB_E* code. */
int dept_tree_load(struct db *db, struct dept_tree *t);
void dept_tree_release(struct dept_tree *t);
struct dept *dept_tree_find(const struct dept_tree *t, int64_t id);
/* A labelled <select> named `name` of the tree, indented, with
 * `none_label` (if not NULL) first as "0". */
void dept_tree_select(struct buf *b, const struct dept_tree *t,
		      const char *name, const char *label, int64_t selected,
		      const char *none_label);

/* ---- user_list.c: the filtered user list ---- */

struct user_filter {
	const char *q;          /* "" for none */
	int64_t dept;           /* 0 for all */
	int64_t page;           /* from 1 */
	struct buf like;        /* "%q%" with LIKE metacharacters escaped */
	struct buf like_lower;  /* the same, ASCII lowered, for logins */
};

struct user_row {
	int64_t id, dept_id, locked_until, last_login, sessions;
	const char *login, *name, *dept, *kind;
	bool disabled;
	roleset roles;
};

struct user_list {
	struct user_filter f;
	struct user_row *v;
	size_t n, cap;
	int64_t total;
	struct org_pool strs;
};

/* The page of users that ?q= (login or name), ?dept= and ?page= ask for,
 * with their roles: 0, or the status of the failure recorded in `r`.
 * Release the list either way. */
int user_list_load(struct req *r, struct user_list *l);
void user_list_release(struct user_list *l);

#endif
