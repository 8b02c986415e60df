/* pages.c: signing in and out, the own password, account and API tokens
 *
 * The login handler carries security rows AU-04 (lockout, throttle,
 * generic error) and AD-01 (every attempt audited): each attempt's
 * writes — failure count, lock, session, audit entries — are one
 * transaction, so an attempt is either fully recorded or not at all.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/tokens.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/pages.h"
#include "http/ratelimit.h"
#include "org/accounts.h"
#include "store/store.h"

/* A typed login longer than this is cut in the audit entry: the field
 * accepts a megabyte, the audit trail should not have to. */
#define AUDIT_LOGIN_MAX 256
/* Warn on the home page this many days before the password expires. */
#define EXPIRY_WARN_DAYS 7

#define MSG_BAD_LOGIN "账号或密码错误"
#define MSG_LOCKED "登录失败次数过多，账号已临时锁定，请稍后再试"
#define MSG_THROTTLED "登录尝试过于频繁，请稍后再试"

/* ---- small helpers ---- */

/* A time for display (China Standard Time), or `never` for 0. */
static const char *when(int64_t t, char out[17], const char *never)
{
	if (!t)
		return never;
	clock_local_minute(t, out);
	return out;
}

static void user_object(char *out, size_t n, int64_t id)
{
	snprintf(out, n, "user:%lld", (long long)id);
}

/* Role names in Chinese, "经办人、法律顾问", into `out`. */
static void role_names(roleset rs, struct buf *out)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++) {
		if (!(rs & (1u << i)))
			continue;
		if (out->len)
			buf_puts(out, "、");
		buf_puts(out, role_name(i));
	}
	if (!out->len)
		buf_puts(out, "（无）");
}

/* Whether a staff or administrator password is past its maximum age;
 * citizens' passwords do not expire (as in session.c). */
static bool password_expired(struct db *db, const char *kind,
			     int64_t changed_at)
{
	struct policy pol;

	if (kind && strcmp(kind, "citizen") == 0)
		return false;
	policy_get(db, &pol);
	return pol.max_age_days > 0 &&
	       clock_now() - changed_at > (int64_t)pol.max_age_days * 86400;
}

/* Days left before the password expires; -1 when it never does. */
static int64_t password_days_left(struct db *db, const struct user *u)
{
	struct policy pol;
	int64_t left;

	if (strcmp(u->kind, "citizen") == 0)
		return -1;
	policy_get(db, &pol);
	if (pol.max_age_days <= 0)
		return -1;
	left = u->password_changed_at + (int64_t)pol.max_age_days * 86400 -
	       clock_now();
	return left > 0 ? left / 86400 : 0;
}

/* ---- login ---- */

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char *dummy_hash;

static void make_dummy_hash(void)
{
	struct buf b = BUF_INIT;
	char pw[33];

	/* A random password nobody knows: the hash only has to cost what a
	 * real one costs. */
	if (crypto_random_hex(pw, 16) == 0 && password_hash(pw, &b) == 0)
		dummy_hash = buf_detach(&b, NULL);
	buf_release(&b);
	crypto_cleanse(pw, sizeof(pw));
}

/* A hash to verify against when the login is unknown, so that a wrong
 * login takes as long as a wrong password (no timing oracle). */
static const char *unknown_user_hash(void)
{
	pthread_once(&dummy_once, make_dummy_hash);
	return dummy_hash;
}

struct login_try {
	const char *typed;        /* the login as given */
	char *typed_cut;          /* the same, cut for the audit trail */
	char *key;                /* normalised for the lookup */
	int64_t id;               /* 0 when there is no such account */
	char *hash;
	char *kind;
	bool must_change;
	int64_t changed_at;
	bool pw_ok;
	bool started;             /* a session cookie went out */
};

enum login_result { LOGIN_OK, LOGIN_FAILED, LOGIN_LOCKED };

static void login_try_release(struct login_try *t)
{
	free(t->typed_cut);
	free(t->key);
	if (t->hash)
		crypto_cleanse(t->hash, strlen(t->hash));
	free(t->hash);
	free(t->kind);
}

/* Logins are lower case; forgive surrounding spaces and capitals. */
static char *normalise_login(const char *s)
{
	size_t n;
	char *k, *p;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	k = xstrndup(s, n);
	for (p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

/* The typed login for the audit entry, cut at a character boundary. */
static char *cut_for_audit(const char *s)
{
	return xstrndup(s, utf8_cut(s, strlen(s), AUDIT_LOGIN_MAX));
}

/* Look the account up (outside the transaction: the slow password check
 * must not hold the write lock).  0, or a DB_E* code. */
static int login_lookup(struct db *db, struct login_try *t)
{
	struct db_rows *rows;
	int step;

	if (!account_login_valid(t->key))
		return 0;
	rows = db_query(db, "SELECT id, password_hash, kind, must_change, "
			"password_changed_at FROM users WHERE login = ?", "s",
			t->key);
	if (!rows)
		return db_errcode(db);
	step = db_next(rows);
	if (step == 1) {
		t->id = db_int(rows, 0);
		t->hash = db_strdup(rows, 1);
		t->kind = db_strdup(rows, 2);
		t->must_change = db_int(rows, 3) != 0;
		t->changed_at = db_int(rows, 4);
	}
	db_rows_free(rows);
	return step < 0 ? step : 0;
}

/* Audit a refused attempt; returns `result` or a DB_E* code. */
static int login_refuse(struct req *r, struct login_try *t,
			const char *reason, int result)
{
	char obj[48] = "";
	int64_t rc;

	if (t->id)
		user_object(obj, sizeof(obj), t->id);
	rc = audit_req(r, "login", obj, "failure",
		       json_pack("{s:s,s:s}", "reason", reason, "login",
				 t->typed_cut));
	return rc < 0 ? (int)rc : result;
}

/* A wrong password: count it, and lock the account at the threshold. */
static int login_bad_password(struct req *r, struct login_try *t,
			      int64_t failed, int64_t locked_until,
			      int64_t now)
{
	struct policy pol;
	int64_t count, until = 0;
	char obj[48];
	int64_t rc;

	policy_get(r->db, &pol);
	/* After a lock has run out the count starts again, else the next
	 * single mistake would lock the account at once. */
	count = locked_until && locked_until <= now ? 1 : failed + 1;
	if (count >= pol.lockout_threshold)
		until = now + (int64_t)pol.lockout_minutes * 60;
	rc = db_exec(r->db, "UPDATE users SET failed_count = ?, "
		     "locked_until = ? WHERE id = ?", "iii", count, until,
		     t->id);
	if (rc < 0)
		return (int)rc;
	rc = login_refuse(r, t, "bad_password",
			  until ? LOGIN_LOCKED : LOGIN_FAILED);
	if (rc < 0 || !until)
		return (int)rc;
	user_object(obj, sizeof(obj), t->id);
	rc = audit_req(r, "login.lockout", obj, "success",
		       json_pack("{s:s,s:I,s:I,s:i}", "login", t->key,
				 "failed_count", (json_int_t)count,
				 "locked_until", (json_int_t)until,
				 "minutes", pol.lockout_minutes));
	return rc < 0 ? (int)rc : LOGIN_LOCKED;
}

static int login_accept(struct req *r, struct login_try *t, int64_t now)
{
	char obj[48];
	int64_t rc;
	int urc;

	rc = db_exec(r->db, "UPDATE users SET failed_count = 0, "
		     "locked_until = 0, last_login_at = ? WHERE id = ?", "ii",
		     now, t->id);
	if (rc < 0)
		return (int)rc;
	rc = session_start(r, t->id);
	if (rc < 0)
		return (int)rc;
	t->started = true;
	/* The entry names the person who just signed in as its actor. */
	session_user_free(r->user);
	r->user = user_load(r->db, t->id, &urc);
	if (urc)
		return urc;
	user_object(obj, sizeof(obj), t->id);
	rc = audit_req(r, "login", obj, "success",
		       json_pack("{s:s}", "login", t->typed_cut));
	return rc < 0 ? (int)rc : LOGIN_OK;
}

/* Decide and record the attempt; inside the transaction, with the
 * account's state read afresh so concurrent attempts count correctly.
 * Returns a login_result or a DB_E* code. */
static int login_record(struct req *r, struct login_try *t)
{
	struct db_rows *rows;
	int64_t failed = 0, locked_until = 0, now = clock_now();
	bool disabled = false, found = false;
	int step;

	if (!t->id)
		return login_refuse(r, t, "unknown_user", LOGIN_FAILED);
	rows = db_query(r->db, "SELECT failed_count, locked_until, disabled "
			"FROM users WHERE id = ?", "i", t->id);
	if (!rows)
		return db_errcode(r->db);
	if ((step = db_next(rows)) == 1) {
		found = true;
		failed = db_int(rows, 0);
		locked_until = db_int(rows, 1);
		disabled = db_int(rows, 2) != 0;
	}
	db_rows_free(rows);
	if (step < 0)
		return step;
	if (!found) {
		t->id = 0;
		return login_refuse(r, t, "unknown_user", LOGIN_FAILED);
	}
	if (disabled)
		return login_refuse(r, t, "disabled", LOGIN_FAILED);
	if (locked_until > now)
		return login_refuse(r, t, "locked", LOGIN_LOCKED);
	if (!t->pw_ok)
		return login_bad_password(r, t, failed, locked_until, now);
	return login_accept(r, t, now);
}

static int login_render(struct req *r, int status, const char *msg,
			const char *login, const char *next)
{
	struct buf *b = &r->out;

	buf_reset(b);
	page_begin(r, "登录");
	html(b, "<div class=\"card login\">");
	page_alert(b, NULL, msg);
	html(b, "<form method=\"post\" action=\"/login\" class=\"form\">");
	html_hidden(b, "csrf", session_csrf(r));
	if (req_local_path(next))
		html_hidden(b, "next", next);
	html(b, "<div class=\"field\"><label for=\"login\">账号</label>"
	     "<input id=\"login\" name=\"login\" type=\"text\" "
	     "autocomplete=\"username\" autocapitalize=\"none\" "
	     "spellcheck=\"false\" maxlength=\"64\" required autofocus "
	     "value=\"%s\"></div>"
	     "<div class=\"field\"><label for=\"password\">密码</label>"
	     "<input id=\"password\" name=\"password\" type=\"password\" "
	     "autocomplete=\"current-password\" required></div>"
	     "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">登录</button></div></form>"
	     "<p class=\"muted\">本系统仅供授权工作人员使用，登录和各项操作均"
	     "记录在审计日志中。忘记密码或账号被锁定，请联系系统管理员。</p>"
	     "</div>", login ? login : "");
	page_end(r);
	return status;
}

/* GET /login */
int page_login_form(struct req *r)
{
	if (r->user)
		return req_redirect(r, "/");
	return login_render(r, 200, NULL, NULL, req_query(r, "next"));
}

/* Where a signed-in user goes: the password page when the password must
 * change, else where they were headed. */
static const char *login_target(struct req *r, struct login_try *t,
				const char *next)
{
	if (t->must_change || password_expired(r->db, t->kind, t->changed_at))
		return "/account/password";
	return req_local_path(next) ? next : "/";
}

/* POST /login */
int page_login(struct req *r)
{
	const char *login = req_form(r, "login");
	const char *pw = req_form(r, "password");
	const char *next = req_form(r, "next");
	struct login_try t = { 0 };
	int rc;

	if (!ratelimit_take(RL_LOGIN, r->ip))
		return login_render(r, 429, MSG_THROTTLED, login, next);
	if (!login || !*login || !pw || !*pw)
		return login_render(r, 400, "请输入账号和密码", login, next);
	t.typed = login;
	t.typed_cut = cut_for_audit(login);
	t.key = normalise_login(login);
	rc = login_lookup(r->db, &t);
	if (rc < 0)
		goto db_fail;
	t.pw_ok = password_verify(pw, t.id ? t.hash : unknown_user_hash())
		  == 0 && t.id;

	rc = db_begin(r->db);
	if (rc < 0)
		goto db_fail;
	rc = login_record(r, &t);
	if (rc >= 0) {
		int crc = db_commit(r->db);

		if (crc < 0)
			rc = crc;
	}
	if (rc < 0) {
		db_rollback(r->db);
		/* The session row is gone with the rollback; take back the
		 * cookie that names it too. */
		if (t.started)
			session_end(r);
		goto db_fail;
	}
	if (rc == LOGIN_OK) {
		rc = req_redirect(r, login_target(r, &t, next));
		login_try_release(&t);
		return rc;
	}
	login_try_release(&t);
	return login_render(r, 401, rc == LOGIN_LOCKED ? MSG_LOCKED
			    : MSG_BAD_LOGIN, login, next);
db_fail:
	login_try_release(&t);
	return req_db_fail(r, rc);
}

/* POST /logout */
int page_logout(struct req *r)
{
	char obj[48];
	int64_t rc;

	user_object(obj, sizeof(obj), r->user->id);
	rc = db_begin(r->db);
	if (rc < 0)
		return req_db_fail(r, (int)rc);
	rc = audit_req(r, "logout", obj, "success", json_object());
	if (rc >= 0)
		rc = session_end(r);
	if (rc >= 0)
		rc = db_commit(r->db);
	if (rc < 0) {
		db_rollback(r->db);
		return req_db_fail(r, (int)rc);
	}
	req_flash(r, "已退出登录");
	return req_redirect(r, "/login");
}

/* ---- own password ---- */

static void password_rules(struct req *r, struct buf *b)
{
	struct policy pol;
	bool staff = strcmp(r->user->kind, "citizen") != 0;

	policy_get(r->db, &pol);
	html(b, "<p id=\"pw-rules\" class=\"muted\">新密码至少 %d 个字符",
	     staff ? pol.min_length_staff : pol.min_length_citizen);
	if (staff)
		html(b, "，须包含大写字母、小写字母、数字、符号中的至少 %d 类",
		     pol.min_classes_staff);
	html(b, "；不能包含账号名或姓名，不能是常见密码");
	if (pol.history > 0)
		html(b, "，也不能与最近 %d 次用过的密码相同", pol.history);
	html(b, "。修改后，您在其他设备上的登录将全部退出。</p>");
}

static int password_render(struct req *r, int status, const char *msg)
{
	struct buf *b = &r->out;
	bool expired = password_expired(r->db, r->user->kind,
					r->user->password_changed_at);
	bool forced = r->user->must_change || expired;

	buf_reset(b);
	page_begin(r, "修改密码");
	if (r->user->must_change)
		html(b, "<div class=\"notice\" role=\"note\"><p>您正在使用"
		     "管理员设置的初始密码或重置后的临时密码。请先修改为只有"
		     "您本人知道的新密码，然后才能继续使用本系统。</p></div>");
	else if (expired)
		html(b, "<div class=\"notice\" role=\"note\"><p>您的密码已超过"
		     "有效期，请先修改密码，然后才能继续使用本系统。</p>"
		     "</div>");
	html(b, "<div class=\"card\">");
	form_begin(r, "/account/password", msg);
	html(b, "<div class=\"field\"><label for=\"current\">当前密码</label>"
	     "<input id=\"current\" name=\"current\" type=\"password\" "
	     "autocomplete=\"current-password\" required></div>"
	     "<div class=\"field\"><label for=\"new\">新密码</label>"
	     "<input id=\"new\" name=\"new\" type=\"password\" "
	     "autocomplete=\"new-password\" aria-describedby=\"pw-rules\" "
	     "required></div>"
	     "<div class=\"field\"><label for=\"repeat\">再次输入新密码"
	     "</label><input id=\"repeat\" name=\"repeat\" type=\"password\" "
	     "autocomplete=\"new-password\" required></div>");
	password_rules(r, b);
	html(b, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">修改密码</button>%r</div></form></div>",
	     forced ? "" : "<a href=\"/account\">取消</a>");
	page_end(r);
	return status;
}

/* GET /account/password */
int page_password_form(struct req *r)
{
	return password_render(r, 200, NULL);
}

static int load_password_hash(struct db *db, int64_t id, char **out)
{
	struct db_rows *rows;
	int step;

	*out = NULL;
	rows = db_query(db, "SELECT password_hash FROM users WHERE id = ?",
			"i", id);
	if (!rows)
		return db_errcode(db);
	step = db_next(rows);
	if (step == 1 && db_text(rows, 0))
		*out = xstrdup(db_text(rows, 0));
	db_rows_free(rows);
	return step < 0 ? step : 0;
}

/* The current password, checked and audited when wrong.  0 when right,
 * an HTTP status otherwise. */
static int check_current(struct req *r, const char *current)
{
	char obj[48], *hash;
	int64_t rc = load_password_hash(r->db, r->user->id, &hash);
	bool ok;

	if (rc < 0)
		return req_db_fail(r, (int)rc);
	ok = hash && password_verify(current, hash) == 0;
	free(hash);
	if (ok)
		return 0;
	user_object(obj, sizeof(obj), r->user->id);
	rc = audit_req_tx(r, "user.password_change", obj, "failure",
			  json_pack("{s:s}", "reason", "bad_current_password"));
	if (rc < 0)
		return req_db_fail(r, (int)rc);
	return password_render(r, 400, "当前密码不正确");
}

/* POST /account/password */
int page_password(struct req *r)
{
	const char *current = req_form(r, "current");
	const char *pw = req_form(r, "new");
	const char *repeat = req_form(r, "repeat");
	struct fz_err err = { 0 };
	struct actor a;
	char roles[256];
	int rc;

	if (!current || !*current || !pw || !*pw || !repeat)
		return password_render(r, 400, "请填写当前密码和新密码");
	if (strcmp(pw, repeat) != 0)
		return password_render(r, 400, "两次输入的新密码不一致");
	rc = check_current(r, current);
	if (rc)
		return rc;
	if (strcmp(pw, current) == 0)
		return password_render(r, 400, "新密码不能与当前密码相同");
	actor_from_req(r, &a, roles, sizeof(roles));
	if (account_set_password(r->db, &a, r->user->id, pw, false, &err)) {
		if (err.status >= 500)
			return req_fail(r, err.status, err.code, "%s",
					err.msg);
		return password_render(r, err.status ? err.status : 400,
				       err.msg);
	}
	/* Every session ended with the change; this one goes on under a
	 * new id, so a stolen old cookie is worthless. */
	rc = session_start(r, r->user->id);
	if (rc < 0)
		return req_db_fail(r, rc);
	req_flash(r, "密码已修改");
	return req_redirect(r, "/");
}

/* ---- own account and API tokens ---- */

static void account_facts(struct req *r)
{
	struct buf *b = &r->out, roles = BUF_INIT;
	const struct user *u = r->user;
	int64_t age = (clock_now() - u->password_changed_at) / 86400;
	int64_t left = password_days_left(r->db, u);
	char t1[17], t2[17];

	role_names(u->roles, &roles);
	html(b, "<section class=\"card\" aria-labelledby=\"acct-h\">"
	     "<h2 id=\"acct-h\">账号信息</h2><dl class=\"facts\">"
	     "<dt>账号</dt><dd>%s</dd><dt>姓名</dt><dd>%s</dd>"
	     "<dt>部门</dt><dd>%s</dd><dt>角色</dt><dd>%s</dd>"
	     "<dt>最近登录</dt><dd>%s</dd>"
	     "<dt>密码</dt><dd>已使用 %I 天（%s 修改）",
	     u->login, u->display_name,
	     u->dept_name[0] ? u->dept_name : "（未分配）", buf_cstr(&roles),
	     when(u->last_login_at, t1, "（无记录）"), age < 0 ? 0 : age,
	     when(u->password_changed_at, t2, "—"));
	if (left >= 0)
		html(b, "，%I 天后到期", left);
	html(b, " <a href=\"/account/password\">修改密码</a></dd></dl>"
	     "</section>");
	buf_release(&roles);
}

static void token_row(struct req *r, const struct api_token *t)
{
	struct buf *b = &r->out;
	char t1[17], t2[17];

	html(b, "<tr><td>%s</td><td><code>%s…</code></td><td>%s</td>"
	     "<td>%s</td><td>%r</td><td>", t->name, t->prefix,
	     when(t->created_at, t1, "—"),
	     when(t->last_used_at, t2, "从未使用"),
	     t->revoked ? "<span class=\"badge muted\">已撤销</span>"
			: "<span class=\"badge\">有效</span>");
	if (!t->revoked) {
		html(b, "<form method=\"post\" action=\"/account/tokens/%I/"
		     "revoke\" class=\"inline\">", t->id);
		html_hidden(b, "csrf", session_csrf(r));
		html(b, "<button type=\"submit\" class=\"danger\" "
		     "aria-label=\"撤销令牌 %s\">撤销</button></form>",
		     t->name);
	}
	html(b, "</td></tr>");
}

static void token_table(struct req *r, const struct api_token *list,
			size_t n)
{
	struct buf *b = &r->out;
	size_t i;

	if (!n) {
		html(b, "<p>您还没有创建访问令牌。</p>");
		return;
	}
	html_table_wrap(b, "tokens-cap");
	html(b, "<table class=\"data\">"
	     "<caption id=\"tokens-cap\">我的访问令牌</caption><thead><tr>"
	     "<th scope=\"col\">名称</th><th scope=\"col\">前缀</th>"
	     "<th scope=\"col\">创建时间</th><th scope=\"col\">最近使用</th>"
	     "<th scope=\"col\">状态</th><th scope=\"col\">操作</th>"
	     "</tr></thead><tbody>");
	for (i = 0; i < n; i++)
		token_row(r, &list[i]);
	html(b, "</tbody></table></div>");
}

static void token_form(struct req *r, size_t active, const char *msg,
		       const char *name)
{
	struct buf *b = &r->out;

	html(b, "<h3>创建新令牌</h3>");
	form_begin(r, "/account/tokens", msg);
	html(b, "<div class=\"field\"><label for=\"token-name\">令牌名称"
	     "</label><input id=\"token-name\" name=\"name\" type=\"text\" "
	     "maxlength=\"64\" required aria-describedby=\"token-name-hint\" "
	     "value=\"%s\"><p id=\"token-name-hint\" class=\"muted\">写明用途，"
	     "例如“数据报送接口”。有效令牌最多 %d 个，当前 %d 个。</p></div>"
	     "<div class=\"actions\"><button type=\"submit\" class=\"primary\">"
	     "创建令牌</button></div></form>", name ? name : "",
	     TOKEN_MAX_ACTIVE, (int)active);
}

/* The account page; `token` is a token just created, shown this once;
 * `msg` an error of the token form, whose typed name is `name`. */
static int account_render(struct req *r, int status, const char *token,
			  const char *msg, const char *name)
{
	struct buf *b = &r->out;
	struct api_token *list;
	size_t n, i, active = 0;
	int rc = token_list(r->db, r->user->id, &list, &n);

	if (rc < 0)
		return req_db_fail(r, rc);
	for (i = 0; i < n; i++)
		active += !list[i].revoked;
	buf_reset(b);
	page_begin(r, "我的账号");
	if (token)
		html(b, "<section class=\"card token-once\" role=\"status\" "
		     "aria-labelledby=\"tok-new-h\"><h2 id=\"tok-new-h\">"
		     "新令牌已创建</h2><p>请立即复制并妥善保存下面的令牌。"
		     "<strong>它只显示这一次</strong>，离开本页后无法再次查看；"
		     "如果遗失，请撤销后重新创建。</p>"
		     "<p><code class=\"token\">%s</code></p></section>", token);
	account_facts(r);
	html(b, "<section class=\"card\" aria-labelledby=\"tok-h\">"
	     "<h2 id=\"tok-h\">API 访问令牌</h2><p class=\"muted\">"
	     "其他系统调用本平台接口（/api/v1/…）时使用访问令牌，权限与您的"
	     "账号相同。请求时在 Authorization 头中填写“Bearer 令牌”。</p>");
	token_table(r, list, n);
	token_form(r, active, msg, name);
	html(b, "</section>");
	page_end(r);
	token_list_free(list, n);
	return status;
}

/* GET /account */
int page_account(struct req *r)
{
	return account_render(r, 200, NULL, NULL, NULL);
}

/* POST /account/tokens: the new token is in this reply and nowhere
 * else — no redirect, no flash cookie, and the reply is not cached. */
int page_token_create(struct req *r)
{
	const char *name = req_form(r, "name");
	struct buf tok = BUF_INIT;
	struct fz_err err = { 0 };
	struct actor a;
	char roles[256];
	int status;

	actor_from_req(r, &a, roles, sizeof(roles));
	if (token_create(r->db, &a, r->user->id, name ? name : "", &tok,
			 &err)) {
		if (err.status >= 500)
			return req_fail(r, err.status, err.code, "%s",
					err.msg);
		return account_render(r, err.status ? err.status : 400, NULL,
				      err.msg, name);
	}
	status = account_render(r, 200, buf_cstr(&tok), NULL, NULL);
	if (tok.data)
		crypto_cleanse(tok.data, tok.len);
	buf_release(&tok);
	return status;
}

/* POST /account/tokens/{id}/revoke */
int page_token_revoke(struct req *r)
{
	struct fz_err err = { 0 };
	struct actor a;
	char roles[256];
	int64_t id;

	if (req_path_id(r, 0, &id))
		return req_fail(r, 404, "not_found", "令牌不存在");
	actor_from_req(r, &a, roles, sizeof(roles));
	if (token_revoke(r->db, &a, r->user->id, id, &err))
		return req_fail(r, err.status ? err.status : 500, err.code,
				"%s", err.msg);
	req_flash(r, "令牌已撤销");
	return req_redirect(r, "/account");
}

/* ---- home ---- */

struct home_link {
	const char *href;
	const char *label;
	const char *hint;
	enum perm perm;
};

static const struct home_link admin_links[] = {
	{ "/admin/users", "用户管理", "账号、角色、重置密码、强制下线",
	  PERM_USER_ADMIN },
	{ "/admin/departments", "部门管理", "部门的设立与更名",
	  PERM_USER_ADMIN },
	{ "/admin/policy", "安全策略", "密码规则、登录锁定、会话时限",
	  PERM_POLICY },
	{ "/audit", "审计日志", "查询和导出审计记录", PERM_AUDIT_READ },
};

static const struct home_link self_links[] = {
	{ "/account", "我的账号", "账号信息与 API 访问令牌", PERM_SELF },
	{ "/account/password", "修改密码", "定期更换密码", PERM_SELF },
};

static void link_list(struct req *r, const struct home_link *l, size_t n)
{
	size_t i;

	html(&r->out, "<ul class=\"links\">");
	for (i = 0; i < n; i++)
		if (roles_allow(r->user->roles, l[i].perm))
			html(&r->out, "<li><a href=\"%s\">%s</a> "
			     "<span class=\"muted\">%s</span></li>",
			     l[i].href, l[i].label, l[i].hint);
	html(&r->out, "</ul>");
}

static bool allows_any(struct req *r, const struct home_link *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (roles_allow(r->user->roles, l[i].perm))
			return true;
	return false;
}

static void home_summary(struct req *r)
{
	struct buf *b = &r->out, roles = BUF_INIT;
	const struct user *u = r->user;
	int64_t left = password_days_left(r->db, u);

	role_names(u->roles, &roles);
	html(b, "<section class=\"card\" aria-labelledby=\"me-h\">"
	     "<h2 id=\"me-h\">%s</h2><dl class=\"facts\">"
	     "<dt>部门</dt><dd>%s</dd><dt>角色</dt><dd>%s</dd></dl>",
	     u->display_name, u->dept_name[0] ? u->dept_name : "（未分配）",
	     buf_cstr(&roles));
	if (left >= 0 && left <= EXPIRY_WARN_DAYS)
		html(b, "<p class=\"notice\" role=\"note\">您的密码将在 %I 天后"
		     "到期，请及时<a href=\"/account/password\">修改密码</a>。"
		     "</p>", left);
	html(b, "</section>");
	buf_release(&roles);
}

/* GET / */
int page_home(struct req *r)
{
	struct buf *b = &r->out;

	page_begin(r, "我的工作台");
	home_summary(r);
	html(b, "<section class=\"card\" aria-labelledby=\"todo-h\">"
	     "<h2 id=\"todo-h\">我的待办</h2>");
	petition_tasks_render(r);
	html(b, "</section>");
	if (allows_any(r, admin_links, ARRAY_SIZE(admin_links))) {
		html(b, "<section class=\"card\" aria-labelledby=\"admin-h\">"
		     "<h2 id=\"admin-h\">系统管理</h2>");
		link_list(r, admin_links, ARRAY_SIZE(admin_links));
		html(b, "</section>");
	}
	html(b, "<section class=\"card\" aria-labelledby=\"self-h\">"
	     "<h2 id=\"self-h\">个人设置</h2>");
	link_list(r, self_links, ARRAY_SIZE(self_links));
	html(b, "</section>");
	page_end(r);
	return 200;
}

/* ---- API ---- */

/* GET /api/v1/me */
int api_me(struct req *r)
{
	const struct user *u = r->user;
	json_t *roles = json_array();
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (u->roles & (1u << i))
			json_array_append_new(roles, json_string(role_code(i)));
	return req_json(r, 200, json_pack("{s:I,s:s,s:s,s:o,s:o,s:b}",
		"id", (json_int_t)u->id, "login", u->login,
		"display_name", u->display_name,
		"department", u->dept_name[0] ? json_string(u->dept_name)
					      : json_null(),
		"roles", roles, "must_change", u->must_change));
}
