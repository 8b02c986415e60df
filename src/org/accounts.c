/* accounts.c: users, departments and roles */
#include "org/accounts.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "store/store.h"

#define NAME_MAX_CHARS 64

bool account_login_valid(const char *login)
{
	size_t n = login ? strlen(login) : 0, i;

	if (n < 3 || n > 32 || !(login[0] >= 'a' && login[0] <= 'z'))
		return false;
	for (i = 0; i < n; i++) {
		char c = login[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && utf8_valid(s, n) && utf8_chars(s, n) <= NAME_MAX_CHARS &&
	       !strpbrk(s, "\r\n\t<>");
}

/* Run `body` in a transaction with its audit entry; commit or roll back. */
typedef int (*tx_body)(struct db *db, void *arg, struct fz_err *err);

static int in_tx(struct db *db, tx_body body, void *arg, struct fz_err *err)
{
	int rc = db_begin(db);

	if (rc < 0)
		return db_failed(err, rc);
	rc = body(db, arg, err);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db);
	if (rc < 0) {
		db_rollback(db);
		return db_failed(err, rc);
	}
	return 0;
}

/* Administrator roles belong to administrator accounts only, business
 * roles to staff accounts only; with roles_compatible() this keeps the
 * three powers apart. */
static int kind_fits_roles(const char *kind, roleset rs, struct fz_err *err)
{
	const char *why;
	bool admin = strcmp(kind, "admin") == 0;
	int i;

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
	if (!roles_compatible(rs, &why))
		return fz_fail(err, 400, "roles_conflict", "%s", why);
	return 0;
}

static json_t *roles_json(roleset rs)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (rs & (1u << i))
			json_array_append_new(a, json_string(role_code(i)));
	return a;
}

static void object_name(char *out, size_t n, const char *kind, int64_t id)
{
	snprintf(out, n, "%s:%lld", kind, (long long)id);
}

/* ---- create ---- */

struct create_args {
	const struct actor *who;
	const struct user_spec *spec;
	const char *hash;
	int64_t id;
};

static int create_body(struct db *db, void *arg, struct fz_err *err)
{
	struct create_args *a = arg;
	const struct user_spec *s = a->spec;
	struct db_rows *rows;
	int64_t now = clock_now();
	char obj[48];
	int rc, i;

	rows = db_query(db, "INSERT INTO users (login, display_name, "
			"dept_id, kind, password_hash, password_changed_at, "
			"must_change, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
			"?) RETURNING id", "sszssiii", s->login,
			s->display_name, s->dept_id, s->kind, a->hash, now,
			(int64_t)s->must_change, now);
	if (!rows)
		return db_errcode(db) == DB_ECONSTRAINT ?
		       fz_fail(err, 409, "login_taken", "账号“%s”已存在",
			       s->login) : db_failed(err, db_errcode(db));
	rc = db_next(rows);
	a->id = rc == 1 ? db_int(rows, 0) : 0;
	db_rows_free(rows);
	if (rc != 1)
		return db_failed(err, rc < 0 ? rc : DB_ERR);
	for (i = 0; i < ROLE_COUNT; i++) {
		if (!(s->roles & (1u << i)))
			continue;
		rc = db_exec(db, "INSERT INTO user_roles (user_id, role, "
			     "granted_at, granted_by) VALUES (?, ?, ?, ?)",
			     "isiz", a->id, role_code(i), now, a->who->id);
		if (rc < 0)
			return db_failed(err, rc);
	}
	db_exec(db, "INSERT INTO password_history (user_id, password_hash, "
		"changed_at) VALUES (?, ?, ?)", "isi", a->id, a->hash, now);
	object_name(obj, sizeof(obj), "user", a->id);
	rc = (int)audit_as(db, a->who, "user.create", obj, "success",
			   json_pack("{s:s,s:s,s:I,s:s,s:o}", "login",
				     s->login, "display_name",
				     s->display_name, "dept_id",
				     (json_int_t)s->dept_id, "kind", s->kind,
				     "roles", roles_json(s->roles)));
	return rc < 0 ? db_failed(err, rc) : 0;
}

static int check_dept(struct db *db, int64_t dept_id, struct fz_err *err)
{
	int64_t n = 0;
	int rc;

	if (!dept_id)
		return 0;
	rc = db_scalar_int(db, &n, "SELECT COUNT(*) FROM departments "
			   "WHERE id = ?", "i", dept_id);
	if (rc < 0)
		return db_failed(err, rc);
	return n ? 0 : fz_fail(err, 400, "bad_department", "所选部门不存在");
}

int account_create(struct db *db, const struct actor *who,
		   const struct user_spec *spec, const char *password,
		   int64_t *id_out, struct fz_err *err)
{
	struct create_args a = { who, spec, NULL, 0 };
	struct policy pol;
	struct buf hash = BUF_INIT;
	int rc;

	if (!account_login_valid(spec->login))
		return fz_fail(err, 400, "bad_login",
			       "账号须为 3–32 位小写字母、数字或 . _ -，"
			       "并以字母开头");
	if (!name_valid(spec->display_name))
		return fz_fail(err, 400, "bad_name",
			       "姓名须为 1–64 个字符，且不含特殊符号");
	if (strcmp(spec->kind, "staff") && strcmp(spec->kind, "admin"))
		return fz_fail(err, 400, "bad_kind", "账号类型无效");
	rc = kind_fits_roles(spec->kind, spec->roles, err);
	if (rc)
		return rc;
	rc = check_dept(db, spec->dept_id, err);
	if (rc)
		return rc;
	policy_get(db, &pol);
	rc = password_check_rules(&pol, true, spec->login, spec->display_name,
				  password, err);
	if (rc)
		return rc;
	if (password_hash(password, &hash))
		return fz_fail(err, 500, "internal", "密码处理失败");
	a.hash = buf_cstr(&hash);
	rc = in_tx(db, create_body, &a, err);
	buf_release(&hash);
	if (rc == 0 && id_out)
		*id_out = a.id;
	return rc;
}

/* ---- simple updates ---- */

struct update_args {
	const struct actor *who;
	int64_t id;
	const char *action;
	const char *sql;
	const char *fmt;
	int64_t i1;
	const char *s1;
	json_t *details;
	bool kill_sessions;
};

static int update_body(struct db *db, void *arg, struct fz_err *err)
{
	struct update_args *a = arg;
	char obj[48];
	int rc;

	if (a->fmt[0] == 's' && a->fmt[1] == 'i')
		rc = db_exec(db, a->sql, a->fmt, a->s1, a->id);
	else if (a->fmt[0] == 'i' && a->fmt[1] == 'i')
		rc = db_exec(db, a->sql, a->fmt, a->i1, a->id);
	else
		rc = db_exec(db, a->sql, a->fmt, a->s1, a->i1, a->id);
	if (rc < 0)
		return db_failed(err, rc);
	if (rc == 0)
		return fz_fail(err, 404, "not_found", "账号不存在");
	if (a->kill_sessions && session_kill_user(db, a->id) < 0)
		return db_failed(err, DB_ERR);
	object_name(obj, sizeof(obj), "user", a->id);
	rc = (int)audit_as(db, a->who, a->action, obj, "success",
			   json_incref(a->details));
	return rc < 0 ? db_failed(err, rc) : 0;
}

static int run_update(struct db *db, struct update_args *a,
		      struct fz_err *err)
{
	int rc = in_tx(db, update_body, a, err);

	json_decref(a->details);
	return rc;
}

int account_update(struct db *db, const struct actor *who, int64_t id,
		   const char *display_name, int64_t dept_id,
		   struct fz_err *err)
{
	struct update_args a = {
		who, id, "user.update",
		"UPDATE users SET display_name = ?, dept_id = ? WHERE id = ?",
		"szi", dept_id, display_name,
		json_pack("{s:s,s:I}", "display_name", display_name,
			  "dept_id", (json_int_t)dept_id), false,
	};
	int rc;

	if (!name_valid(display_name)) {
		json_decref(a.details);
		return fz_fail(err, 400, "bad_name",
			       "姓名须为 1–64 个字符，且不含特殊符号");
	}
	rc = check_dept(db, dept_id, err);
	if (rc) {
		json_decref(a.details);
		return rc;
	}
	return run_update(db, &a, err);
}

int account_set_disabled(struct db *db, const struct actor *who, int64_t id,
			 bool disabled, struct fz_err *err)
{
	struct update_args a = {
		who, id, disabled ? "user.disable" : "user.enable",
		"UPDATE users SET disabled = ? WHERE id = ?", "ii",
		disabled, NULL, json_object(), disabled,
	};

	if (disabled && who->id == id) {
		json_decref(a.details);
		return fz_fail(err, 400, "self", "不能停用自己的账号");
	}
	return run_update(db, &a, err);
}

static int load_user(struct db *db, int64_t id, struct user **u,
		     struct fz_err *err)
{
	int rc;

	*u = user_load(db, id, &rc);
	if (rc)
		return db_failed(err, rc);
	return *u ? 0 : fz_fail(err, 404, "not_found", "账号不存在");
}

/* A password may not repeat one of the last N. */
static int check_history(struct db *db, int64_t id, const char *pw, int n,
			 struct fz_err *err)
{
	struct db_rows *rows;
	int step, hit = 0;

	if (n <= 0)
		return 0;
	rows = db_query(db, "SELECT password_hash FROM password_history "
			"WHERE user_id = ? ORDER BY changed_at DESC LIMIT ?",
			"ii", id, (int64_t)n);
	if (!rows)
		return db_failed(err, db_errcode(db));
	while (!hit && (step = db_next(rows)) == 1)
		hit = password_verify(pw, db_text(rows, 0)) == 0;
	db_rows_free(rows);
	return hit ? fz_fail(err, 400, "password_reused",
			     "不能使用最近 %d 次用过的密码", n) : 0;
}

struct password_args {
	const struct actor *who;
	int64_t id;
	const char *hash;
	bool by_admin;
};

static int password_body(struct db *db, void *arg, struct fz_err *err)
{
	struct password_args *a = arg;
	int64_t now = clock_now();
	char obj[48];
	int rc;

	rc = db_exec(db, "UPDATE users SET password_hash = ?, "
		     "password_changed_at = ?, must_change = ?, "
		     "failed_count = 0, locked_until = 0 WHERE id = ?",
		     "siii", a->hash, now, (int64_t)a->by_admin, a->id);
	if (rc <= 0)
		return rc < 0 ? db_failed(err, rc)
			      : fz_fail(err, 404, "not_found", "账号不存在");
	rc = db_exec(db, "INSERT INTO password_history (user_id, "
		     "password_hash, changed_at) VALUES (?, ?, ?)", "isi",
		     a->id, a->hash, now);
	if (rc < 0)
		return db_failed(err, rc);
	/* Every session of the account ends; the caller starts a new one
	 * for a user who changed their own password. */
	if (session_kill_user(db, a->id) < 0)
		return db_failed(err, DB_ERR);
	object_name(obj, sizeof(obj), "user", a->id);
	rc = (int)audit_as(db, a->who, a->by_admin ? "user.password_reset"
			   : "user.password_change", obj, "success",
			   json_object());
	return rc < 0 ? db_failed(err, rc) : 0;
}

int account_set_password(struct db *db, const struct actor *who, int64_t id,
			 const char *password, bool by_admin,
			 struct fz_err *err)
{
	struct password_args a = { who, id, NULL, by_admin };
	struct buf hash = BUF_INIT;
	struct policy pol;
	struct user *u;
	int rc;

	rc = load_user(db, id, &u, err);
	if (rc)
		return rc;
	policy_get(db, &pol);
	rc = password_check_rules(&pol, strcmp(u->kind, "citizen") != 0,
				  u->login, u->display_name, password, err);
	session_user_free(u);
	if (rc)
		return rc;
	rc = check_history(db, id, password, pol.history, err);
	if (rc)
		return rc;
	if (password_hash(password, &hash))
		return fz_fail(err, 500, "internal", "密码处理失败");
	a.hash = buf_cstr(&hash);
	rc = in_tx(db, password_body, &a, err);
	buf_release(&hash);
	return rc;
}

/* ---- roles ---- */

struct role_args {
	const struct actor *who;
	int64_t id;
	enum role role;
	bool grant;
};

/* What follows a change of a user's roles in its transaction: their
 * sessions, which carried the old rights, end, and `action` is audited
 * with `details` (taken). */
static int roles_changed(struct db *db, const struct actor *who, int64_t id,
			 const char *action, json_t *details,
			 struct fz_err *err)
{
	char obj[48];
	int rc;

	if (session_kill_user(db, id) < 0) {
		json_decref(details);
		return db_failed(err, DB_ERR);
	}
	object_name(obj, sizeof(obj), "user", id);
	rc = (int)audit_as(db, who, action, obj, "success", details);
	return rc < 0 ? db_failed(err, rc) : 0;
}

static int role_body(struct db *db, void *arg, struct fz_err *err)
{
	struct role_args *a = arg;
	int rc;

	if (a->grant)
		rc = db_exec(db, "INSERT INTO user_roles (user_id, role, "
			     "granted_at, granted_by) VALUES (?, ?, ?, ?)",
			     "isiz", a->id, role_code(a->role), clock_now(),
			     a->who->id);
	else
		rc = db_exec(db, "DELETE FROM user_roles WHERE user_id = ? "
			     "AND role = ?", "is", a->id, role_code(a->role));
	if (rc < 0)
		return db_failed(err, rc);
	return roles_changed(db, a->who, a->id,
			     a->grant ? "user.role_grant" : "user.role_revoke",
			     json_pack("{s:s}", "role", role_code(a->role)),
			     err);
}

static int change_role(struct db *db, const struct actor *who, int64_t id,
		       enum role role, bool grant, struct fz_err *err)
{
	struct role_args a = { who, id, role, grant };
	struct user *u;
	roleset next;
	int rc;

	if ((unsigned)role >= ROLE_COUNT)
		return fz_fail(err, 400, "bad_role", "角色无效");
	rc = load_user(db, id, &u, err);
	if (rc)
		return rc;
	next = grant ? u->roles | (1u << role) : u->roles & ~(1u << role);
	if (next == u->roles) {
		session_user_free(u);
		return 0;
	}
	rc = grant ? kind_fits_roles(u->kind, next, err) : 0;
	session_user_free(u);
	if (rc)
		return rc;
	return in_tx(db, role_body, &a, err);
}

int account_grant(struct db *db, const struct actor *who, int64_t id,
		  enum role role, struct fz_err *err)
{
	return change_role(db, who, id, role, true, err);
}

int account_revoke(struct db *db, const struct actor *who, int64_t id,
		   enum role role, struct fz_err *err)
{
	return change_role(db, who, id, role, false, err);
}

struct roles_args {
	const struct actor *who;
	int64_t id;
	roleset want;
};

/* The roles the user holds now, read inside the transaction. */
static int held_roles(struct db *db, int64_t id, roleset *out)
{
	struct db_rows *rows = db_query(db, "SELECT role FROM user_roles "
					"WHERE user_id = ?", "i", id);
	int rc, role;

	*out = 0;
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		role = role_by_code(db_text(rows, 0));
		if (role >= 0)
			*out |= 1u << role;
	}
	db_rows_free(rows);
	return rc;
}

static int roles_body(struct db *db, void *arg, struct fz_err *err)
{
	struct roles_args *a = arg;
	int64_t now = clock_now();
	roleset held;
	int rc = held_roles(db, a->id, &held), i;

	if (rc < 0)
		return db_failed(err, rc);
	if (held == a->want)
		return 0;
	for (i = 0; rc >= 0 && i < ROLE_COUNT; i++) {
		if ((held & ~a->want) & (1u << i))
			rc = db_exec(db, "DELETE FROM user_roles WHERE "
				     "user_id = ? AND role = ?", "is", a->id,
				     role_code(i));
		else if ((a->want & ~held) & (1u << i))
			rc = db_exec(db, "INSERT INTO user_roles (user_id, "
				     "role, granted_at, granted_by) VALUES "
				     "(?, ?, ?, ?)", "isiz", a->id,
				     role_code(i), now, a->who->id);
	}
	if (rc < 0)
		return db_failed(err, rc);
	return roles_changed(db, a->who, a->id, "user.roles",
			     json_pack("{s:o,s:o,s:o}", "roles",
				       roles_json(a->want), "granted",
				       roles_json(a->want & ~held), "revoked",
				       roles_json(held & ~a->want)), err);
}

int account_set_roles(struct db *db, const struct actor *who, int64_t id,
		      roleset roles, struct fz_err *err)
{
	struct roles_args a = { who, id, roles };
	struct user *u;
	int rc;

	if (roles & ~(roleset)((1u << ROLE_COUNT) - 1))
		return fz_fail(err, 400, "bad_role", "角色无效");
	rc = load_user(db, id, &u, err);
	if (rc)
		return rc;
	rc = kind_fits_roles(u->kind, roles, err);
	session_user_free(u);
	if (rc)
		return rc;
	return in_tx(db, roles_body, &a, err);
}

struct kill_args {
	const struct actor *who;
	int64_t id;
};

static int kill_body(struct db *db, void *arg, struct fz_err *err)
{
	struct kill_args *a = arg;
	char obj[48];
	int n = session_kill_user(db, a->id), rc;

	if (n < 0)
		return db_failed(err, n);
	object_name(obj, sizeof(obj), "user", a->id);
	rc = (int)audit_as(db, a->who, "user.sessions_kill", obj, "success",
			   json_pack("{s:i}", "sessions", n));
	return rc < 0 ? db_failed(err, rc) : 0;
}

int account_kill_sessions(struct db *db, const struct actor *who, int64_t id,
			  struct fz_err *err)
{
	struct kill_args a = { who, id };

	return in_tx(db, kill_body, &a, err);
}

int64_t account_find(struct db *db, const char *login)
{
	int64_t id = 0;
	int rc = db_scalar_int(db, &id, "SELECT id FROM users WHERE login = ?",
			       "s", login);

	return rc < 0 ? rc : rc == 1 ? 0 : id;
}

/* ---- departments ---- */

struct dept_args {
	const struct actor *who;
	int64_t parent, id;
	const char *code, *name;
};

static int dept_create_body(struct db *db, void *arg, struct fz_err *err)
{
	struct dept_args *a = arg;
	struct db_rows *rows;
	char obj[48];
	int rc;

	rows = db_query(db, "INSERT INTO departments (parent_id, code, name, "
			"created_at) VALUES (?, ?, ?, ?) RETURNING id", "zssi",
			a->parent, a->code, a->name, clock_now());
	if (!rows)
		return db_errcode(db) == DB_ECONSTRAINT ?
		       fz_fail(err, 409, "code_taken", "部门代码“%s”已存在",
			       a->code) : db_failed(err, db_errcode(db));
	rc = db_next(rows);
	a->id = rc == 1 ? db_int(rows, 0) : 0;
	db_rows_free(rows);
	if (rc != 1)
		return db_failed(err, DB_ERR);
	object_name(obj, sizeof(obj), "department", a->id);
	rc = (int)audit_as(db, a->who, "department.create", obj, "success",
			   json_pack("{s:s,s:s,s:I}", "code", a->code, "name",
				     a->name, "parent_id",
				     (json_int_t)a->parent));
	return rc < 0 ? db_failed(err, rc) : 0;
}

static bool code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0, i;

	if (n < 1 || n > 32)
		return false;
	for (i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') ||
		      (code[i] >= 'A' && code[i] <= 'Z') ||
		      (code[i] >= '0' && code[i] <= '9') || code[i] == '-' ||
		      code[i] == '_'))
			return false;
	return true;
}

int dept_create(struct db *db, const struct actor *who, int64_t parent_id,
		const char *code, const char *name, int64_t *id_out,
		struct fz_err *err)
{
	struct dept_args a = { who, parent_id, 0, code, name };
	int rc;

	if (!code_valid(code))
		return fz_fail(err, 400, "bad_code",
			       "部门代码须为 1–32 位字母、数字、- 或 _");
	if (!name_valid(name))
		return fz_fail(err, 400, "bad_name",
			       "部门名称须为 1–64 个字符，且不含特殊符号");
	rc = check_dept(db, parent_id, err);
	if (rc)
		return rc;
	rc = in_tx(db, dept_create_body, &a, err);
	if (rc == 0 && id_out)
		*id_out = a.id;
	return rc;
}

static int dept_rename_body(struct db *db, void *arg, struct fz_err *err)
{
	struct dept_args *a = arg;
	char obj[48];
	int rc = db_exec(db, "UPDATE departments SET name = ? WHERE id = ?",
			 "si", a->name, a->id);

	if (rc <= 0)
		return rc < 0 ? db_failed(err, rc)
			      : fz_fail(err, 404, "not_found", "部门不存在");
	object_name(obj, sizeof(obj), "department", a->id);
	rc = (int)audit_as(db, a->who, "department.rename", obj, "success",
			   json_pack("{s:s}", "name", a->name));
	return rc < 0 ? db_failed(err, rc) : 0;
}

int dept_rename(struct db *db, const struct actor *who, int64_t id,
		const char *name, struct fz_err *err)
{
	struct dept_args a = { who, 0, id, NULL, name };

	if (!name_valid(name))
		return fz_fail(err, 400, "bad_name",
			       "部门名称须为 1–64 个字符，且不含特殊符号");
	return in_tx(db, dept_rename_body, &a, err);
}

int64_t dept_find(struct db *db, const char *code)
{
	int64_t id = 0;
	int rc = db_scalar_int(db, &id, "SELECT id FROM departments "
			       "WHERE code = ?", "s", code);

	return rc < 0 ? rc : rc == 1 ? 0 : id;
}
