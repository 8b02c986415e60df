/* user_page.c: one user: details, edit, roles and account actions
 *
 * Every write goes through the account service (org/accounts.h).  A
 * refusal the administrator can act on re-renders the page with the
 * service's message and the values entered; an unknown user is 404.
 */
#include "http/pages.h"

#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "auth/session.h"
#include "core/clock.h"
#include "crypto/crypto.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "org/accounts.h"
#include "org/page_util.h"
#include "store/store.h"

/* What the page shows besides struct user. */
struct user_extra {
	int64_t locked_until, created_at, sessions;
};

/* What the edit and roles forms show: the user's own values, or those
 * entered when a change was refused. */
struct user_values {
	const char *name;
	int64_t dept;
	roleset roles;
};

static void user_extra_row(struct db_rows *rows, void *arg)
{
	struct user_extra *x = arg;

	x->locked_until = db_int(rows, 0);
	x->created_at = db_int(rows, 1);
}

static int user_extra_load(struct db *db, int64_t id, struct user_extra *x)
{
	struct db_rows *rows;
	int64_t seen, created;
	int rc;

	memset(x, 0, sizeof(*x));
	rows = db_query(db, "SELECT locked_until, created_at FROM users "
			"WHERE id = ?", "i", id);
	rc = org_each_row(db, rows, user_extra_row, x);
	if (rc < 0)
		return rc;
	org_session_window(db, &seen, &created);
	rc = db_scalar_int(db, &x->sessions, "SELECT COUNT(*) FROM sessions "
			   "WHERE user_id = ? AND last_seen_at > ? AND "
			   "created_at > ?", "iii", id, seen, created);
	return rc < 0 ? rc : 0;
}

/* The user by path parameter 0 and its own values for the forms; 404
 * when the id is not one or unknown, else 0 with *out set (caller frees)
 * or a failure status. */
static int user_from_path(struct req *r, struct user **out,
			  struct user_values *v)
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
	*v = (struct user_values){ (*out)->display_name, (*out)->dept_id,
				   (*out)->roles };
	return 0;
}

/* ---- the page ---- */

static void user_facts(struct buf *b, const struct user *u,
		       const struct user_extra *x)
{
	html(b, "<section class=\"card\" aria-labelledby=\"h-facts\">"
	     "<h2 id=\"h-facts\">基本信息</h2><dl class=\"facts\">"
	     "<dt>账号</dt><dd>%s</dd><dt>姓名</dt><dd>%s</dd>"
	     "<dt>部门</dt><dd>%s</dd><dt>类型</dt><dd>%s</dd>"
	     "<dt>角色</dt><dd>", u->login, u->display_name,
	     u->dept_name[0] ? u->dept_name : "（无）",
	     org_kind_name(u->kind));
	org_roles_names(b, u->roles);
	html(b, "</dd><dt>状态</dt><dd>");
	org_status_badge(b, u->disabled, x->locked_until);
	if (!u->disabled && x->locked_until > clock_now()) {
		html(b, " 至 ");
		org_put_time(b, x->locked_until, "");
	}
	html(b, "</dd><dt>下次登录须改密码</dt><dd>%s</dd>"
	     "<dt>最近登录</dt><dd>", u->must_change ? "是" : "否");
	org_put_time(b, u->last_login_at, "从未登录");
	html(b, "</dd><dt>密码修改时间</dt><dd>");
	org_put_time(b, u->password_changed_at, "—");
	html(b, "</dd><dt>创建时间</dt><dd>");
	org_put_time(b, x->created_at, "—");
	html(b, "</dd><dt>在线会话</dt><dd>%I</dd></dl></section>",
	     x->sessions);
}

static void user_edit_form(struct req *r, const struct user *u,
			   const struct dept_tree *t,
			   const struct user_values *v)
{
	struct buf *b = &r->out;

	html(b, "<section class=\"card\" aria-labelledby=\"h-edit\">"
	     "<h2 id=\"h-edit\">修改信息</h2><form method=\"post\" "
	     "action=\"/admin/users/%I\" class=\"form\">", u->id);
	html_hidden(b, "csrf", session_csrf(r));
	form_text(b, "display_name", "姓名", v->name, 64, " required", NULL);
	dept_tree_select(b, t, "dept_id", "所属部门", v->dept, "（无）");
	html(b, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">保存</button></div></form></section>");
}

/* The roles an account of `kind` may hold, as account_set_roles() has it:
 * administrator roles for administrator accounts, business roles for
 * every other kind. */
static roleset kind_roles(const char *kind)
{
	return strcmp(kind, "admin") == 0 ? org_admin_roles()
	       : ROLES_ALL & ~org_admin_roles();
}

/* Roles that make sense for the kind, plus any held (so they can go). */
static roleset roles_shown(const struct user *u)
{
	if (strcmp(u->kind, "admin") && strcmp(u->kind, "staff"))
		return u->roles;
	return kind_roles(u->kind) | u->roles;
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
	org_role_boxes(b, checked, shown);
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

/* The user page with `error` (or NULL) above the forms, which show `v`. */
static int render_user(struct req *r, const struct user *u,
		       const struct user_values *v, const char *error,
		       int status)
{
	struct dept_tree t;
	struct user_extra x;
	char title[320];
	int rc = dept_tree_load(r->db, &t);

	if (rc == 0)
		rc = user_extra_load(r->db, u->id, &x);
	if (rc < 0) {
		dept_tree_release(&t);
		return req_db_fail(r, rc);
	}
	snprintf(title, sizeof(title), "用户：%s", u->display_name);
	page_begin(r, title);
	html(&r->out, "<p><a href=\"/admin/users\">返回用户列表</a></p>");
	page_alert(&r->out, NULL, error);
	user_facts(&r->out, u, &x);
	user_edit_form(r, u, &t, v);
	user_roles_form(r, u, v->roles);
	user_actions(r, u, &x);
	page_end(r);
	dept_tree_release(&t);
	return status;
}

/* GET /admin/users/{id}: details, edit, roles and actions; 404 for an id
 * that is not a number or not a user. */
int page_user(struct req *r)
{
	struct user_values v;
	struct user *u;
	int rc = user_from_path(r, &u, &v);

	if (rc)
		return rc;
	rc = render_user(r, u, &v, NULL, 200);
	session_user_free(u);
	return rc;
}

/* ---- changes ---- */

static int user_redirect(struct req *r, int64_t id, const char *flash)
{
	char loc[48];

	snprintf(loc, sizeof(loc), "/admin/users/%lld", (long long)id);
	req_flash(r, flash);
	return req_redirect(r, loc);
}

/* After a refused write: the page again, the error page, or 404. */
static int user_refused(struct req *r, const struct user *u,
			const struct user_values *v, const struct fz_err *err)
{
	if (org_form_refusal(err))
		return render_user(r, u, v, err->msg, err->status);
	return org_service_fail(r, err);
}

/* POST /admin/users/{id}: change the name and department. */
int page_user_update(struct req *r)
{
	struct fz_err err = { 0 };
	struct org_actor who;
	struct user_values v;
	struct user *u;
	int rc = user_from_path(r, &u, &v);

	if (rc)
		return rc;
	v.name = org_form_str(r, "display_name");
	if (org_parse_dept(req_form(r, "dept_id"), &v.dept)) {
		v.dept = u->dept_id;
		fz_fail(&err, 400, "bad_department", "所选部门无效");
		rc = user_refused(r, u, &v, &err);
	} else if (account_update(r->db, org_actor(r, &who), u->id, v.name,
				  v.dept, &err)) {
		rc = user_refused(r, u, &v, &err);
	} else {
		rc = user_redirect(r, u->id, "用户信息已保存");
	}
	session_user_free(u);
	return rc;
}

/* The last way back into user administration must not be closed by
 * accident from inside it; account_set_roles() checks the rest. */
static int roles_check(struct req *r, const struct user *u, roleset want,
		       struct fz_err *err)
{
	if (u->id == r->user->id && (u->roles & (1u << ROLE_SYSADMIN)) &&
	    !(want & (1u << ROLE_SYSADMIN)))
		return fz_fail(err, 400, "self",
			       "不能撤销自己的系统管理员角色");
	return 0;
}

/* POST /admin/users/{id}/roles: make the roles exactly the checked ones,
 * in one transaction (account_set_roles()). */
int page_user_roles(struct req *r)
{
	struct fz_err err = { 0 };
	struct org_actor who;
	struct user_values v;
	struct user *u;
	roleset want;
	int rc = user_from_path(r, &u, &v);

	if (rc)
		return rc;
	if (org_form_roles(r, &want)) {
		fz_fail(&err, 400, "bad_role", "所选角色无效");
		rc = user_refused(r, u, &v, &err);
	} else if (roles_check(r, u, want, &err) ||
		   account_set_roles(r->db, org_actor(r, &who), u->id, want,
				     &err)) {
		v.roles = want;
		rc = user_refused(r, u, &v, &err);
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
	org_password_shown(r, "密码已重置", u->id, u->login, pw,
			   "密码已重置，该用户的所有会话已结束。"
			   "新的初始密码如下。");
	crypto_cleanse(pw, sizeof(pw));
	return 0;
}

/* The action's reply (200 or 303), or FZ_ERR with `err` filled. */
static int user_act(struct req *r, const struct user *u, const char *action,
		    struct fz_err *err)
{
	struct org_actor who;
	const struct actor *a = org_actor(r, &who);
	bool disable = strcmp(action, "disable") == 0;

	if (strcmp(action, "reset") == 0)
		return user_reset(r, u, a, err) ? FZ_ERR : 200;
	if (strcmp(action, "kill") == 0) {
		if (account_kill_sessions(r->db, a, u->id, err))
			return FZ_ERR;
		return user_redirect(r, u->id, "已强制下线，该用户的全部会话"
				     "已结束");
	}
	if (account_set_disabled(r->db, a, u->id, disable, err))
		return FZ_ERR;
	return user_redirect(r, u->id, disable ? "账号已停用" : "账号已启用");
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
	struct user_values v;
	struct user *u;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (action && strcmp(action, actions[i]) == 0)
			break;
	if (i == ARRAY_SIZE(actions))
		return req_fail(r, 404, "not_found", "页面不存在");
	rc = user_from_path(r, &u, &v);
	if (rc)
		return rc;
	rc = user_act(r, u, action, &err);
	if (rc == FZ_ERR)
		rc = user_refused(r, u, &v, &err);
	session_user_free(u);
	return rc;
}
