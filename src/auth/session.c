/* session.c: who is asking — sessions, API tokens, CSRF, password state */
#include "auth/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/policy.h"
#include "auth/tokens.h"
#include "core/clock.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "http/http.h"
#include "http/server.h"
#include "store/store.h"

#define TOKEN_BYTES 32
#define PRE_COOKIE "fz_pre"
/* Refresh last_seen_at at most this often: a write per request would
 * serialise every page view on the database's write lock. */
#define TOUCH_SECONDS 30

static const char *cookie_name(struct req *r)
{
	return r->w->srv->cfg.behind_tls ? "__Host-fz_sid" : "fz_sid";
}

static bool is_hex64(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 64)
		return false;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void user_roles_text(roleset rs, char *out, size_t outlen)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < ROLE_COUNT; i++) {
		if (!(rs & (1u << i)))
			continue;
		len += (size_t)snprintf(out + len, len < outlen ?
					outlen - len : 0, "%s%s",
					len ? "," : "", role_code(i));
	}
}

struct user *user_load(struct db *db, int64_t id, int *rc)
{
	struct db_rows *rows;
	struct user *u = NULL;
	int step;

	*rc = 0;
	rows = db_query(db, "SELECT u.id, u.login, u.display_name, "
			"u.dept_id, d.name, u.kind, u.must_change, "
			"u.disabled, u.password_changed_at, u.last_login_at "
			"FROM users u LEFT JOIN departments d "
			"ON d.id = u.dept_id WHERE u.id = ?", "i", id);
	if (!rows) {
		*rc = db_errcode(db);
		return NULL;
	}
	if ((step = db_next(rows)) == 1) {
		u = xcalloc(1, sizeof(*u));
		u->id = db_int(rows, 0);
		u->login = xstrdup(db_text(rows, 1));
		u->display_name = xstrdup(db_text(rows, 2));
		u->dept_id = db_int(rows, 3);
		u->dept_name = db_strdup(rows, 4);
		u->kind = xstrdup(db_text(rows, 5));
		u->must_change = db_int(rows, 6) != 0;
		u->disabled = db_int(rows, 7) != 0;
		u->password_changed_at = db_int(rows, 8);
		u->last_login_at = db_int(rows, 9);
	}
	db_rows_free(rows);
	if (step < 0) {
		*rc = step;
		return NULL;
	}
	if (!u)
		return NULL;
	rows = db_query(db, "SELECT role FROM user_roles WHERE user_id = ?",
			"i", id);
	if (!rows) {
		*rc = db_errcode(db);
		session_user_free(u);
		return NULL;
	}
	while ((step = db_next(rows)) == 1) {
		int role = role_by_code(db_text(rows, 0));

		if (role >= 0)
			u->roles |= 1u << role;
	}
	db_rows_free(rows);
	return u;
}

void session_user_free(struct user *u)
{
	if (!u)
		return;
	free(u->login);
	free(u->display_name);
	free(u->dept_name);
	free(u->kind);
	free(u);
}

const char *session_user_login(const struct user *u)
{
	return u ? u->login : "";
}

/* API tokens look like "fzt_<64 hex>"; only their SM3 is stored. */
static int bearer_authenticate(struct req *r, const char *auth)
{
	const char *tok = auth + strlen("Bearer ");
	struct db_rows *rows;
	char h[65];
	int64_t uid = 0, tid = 0;
	int rc;

	if (!str_starts(tok, "fzt_") || !is_hex64(tok + 4))
		return req_fail(r, 401, "bad_token", "访问令牌无效");
	token_hash_hex(tok, h);
	rows = db_query(r->db, "SELECT t.id, t.user_id FROM api_tokens t "
			"JOIN users u ON u.id = t.user_id WHERE "
			"t.token_hash = ? AND t.revoked = 0 AND u.disabled = 0",
			"s", h);
	if (!rows)
		return req_db_fail(r, db_errcode(r->db));
	if (db_next(rows) == 1) {
		tid = db_int(rows, 0);
		uid = db_int(rows, 1);
	}
	db_rows_free(rows);
	if (!uid)
		return req_fail(r, 401, "bad_token", "访问令牌无效或已撤销");
	r->user = user_load(r->db, uid, &rc);
	if (rc)
		return req_db_fail(r, rc);
	r->sess.via_token = true;
	db_exec(r->db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
		"ii", clock_now(), tid);
	return 0;
}

/* Drop a session that has timed out; the cookie is cleared too. */
static void expire(struct req *r, const char *hash)
{
	db_exec(r->db, "DELETE FROM sessions WHERE id = ?", "s", hash);
	req_set_cookie(r, cookie_name(r), "", 0);
}

int session_authenticate(struct req *r)
{
	const char *auth = req_header(r, "Authorization");
	const char *tok = req_cookie(r, cookie_name(r));
	struct db_rows *rows;
	struct policy pol;
	int64_t uid = 0, created = 0, seen = 0, now = clock_now();
	char h[65];
	int rc;

	if (auth && (r->route->flags & RF_API) && str_starts(auth, "Bearer "))
		return bearer_authenticate(r, auth);
	if (!is_hex64(tok))
		return 0;
	token_hash_hex(tok, h);
	rows = db_query(r->db, "SELECT user_id, csrf, created_at, "
			"last_seen_at FROM sessions WHERE id = ?", "s", h);
	if (!rows)
		return req_db_fail(r, db_errcode(r->db));
	if (db_next(rows) == 1) {
		uid = db_int(rows, 0);
		snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s",
			 db_text(rows, 1));
		created = db_int(rows, 2);
		seen = db_int(rows, 3);
	}
	db_rows_free(rows);
	if (!uid)
		return 0;
	policy_get(r->db, &pol);
	if (now - seen > (int64_t)pol.idle_minutes * 60 ||
	    now - created > (int64_t)pol.absolute_hours * 3600) {
		expire(r, h);
		return 0;
	}
	r->user = user_load(r->db, uid, &rc);
	if (rc)
		return req_db_fail(r, rc);
	if (!r->user || r->user->disabled) {
		session_user_free(r->user);
		r->user = NULL;
		expire(r, h);
		return 0;
	}
	memcpy(r->sess.id_hash, h, sizeof(h));
	r->sess.created_at = created;
	if (now - seen >= TOUCH_SECONDS)
		db_exec(r->db, "UPDATE sessions SET last_seen_at = ? "
			"WHERE id = ?", "is", now, h);
	return 0;
}

static bool password_expired(struct req *r)
{
	struct policy pol;

	if (strcmp(r->user->kind, "citizen") == 0)
		return false;
	policy_get(r->db, &pol);
	return pol.max_age_days > 0 &&
	       clock_now() - r->user->password_changed_at >
		       (int64_t)pol.max_age_days * 86400;
}

int session_check_password_state(struct req *r)
{
	if (r->route->flags & RF_PRE_CHANGE)
		return 0;
	if (!r->user->must_change && !password_expired(r))
		return 0;
	if (r->is_api)
		return req_fail(r, 403, "password_change_required",
				"请先修改密码");
	return req_redirect(r, "/account/password");
}

bool session_allows(struct req *r, int perm)
{
	return r->user && roles_allow(r->user->roles, (enum perm)perm);
}

/* The request must come from a page of this site: Origin (or, failing
 * that, Sec-Fetch-Site) names our own origin. */
static bool same_origin(struct req *r)
{
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, "Host");
	const char *site = req_header(r, "Sec-Fetch-Site");
	char want[300];

	if (origin) {
		if (!host)
			return false;
		snprintf(want, sizeof(want), "%s://%s",
			 r->w->srv->cfg.behind_tls ? "https" : "http", host);
		return strcmp(origin, want) == 0;
	}
	return site && (strcmp(site, "same-origin") == 0);
}

int session_check_csrf(struct req *r)
{
	const char *sent, *want;

	if (r->sess.via_token)
		return 0;
	if (!same_origin(r))
		return req_fail(r, 403, "csrf",
				"请求来源校验失败，请刷新页面后重试");
	sent = req_form(r, "csrf");
	if (!sent)
		sent = req_header(r, "X-CSRF-Token");
	want = r->user ? r->sess.csrf : req_cookie(r, PRE_COOKIE);
	if (!is_hex64(sent) || !is_hex64(want) ||
	    !crypto_equal(sent, want, 64))
		return req_fail(r, 403, "csrf",
				"页面已过期或表单校验失败，请刷新页面后重试");
	return 0;
}

const char *session_csrf(struct req *r)
{
	const char *pre;

	if (r->user || r->sess.csrf[0])
		return r->sess.csrf;
	pre = req_cookie(r, PRE_COOKIE);
	if (is_hex64(pre)) {
		snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s", pre);
		return r->sess.csrf;
	}
	crypto_random_hex(r->sess.csrf, TOKEN_BYTES);
	req_set_cookie(r, PRE_COOKIE, r->sess.csrf, -1);
	return r->sess.csrf;
}

int session_start(struct req *r, int64_t user_id)
{
	char tok[TOKEN_BYTES * 2 + 1], h[65], csrf[TOKEN_BYTES * 2 + 1];
	struct policy pol;
	int64_t now = clock_now();
	int rc;

	/* A new token at every login: a token planted before login (session
	 * fixation) never becomes an authenticated one. */
	if (r->sess.id_hash[0])
		db_exec(r->db, "DELETE FROM sessions WHERE id = ?", "s",
			r->sess.id_hash);
	if (crypto_random_hex(tok, TOKEN_BYTES) ||
	    crypto_random_hex(csrf, TOKEN_BYTES))
		return DB_ERR;
	token_hash_hex(tok, h);
	rc = db_exec(r->db, "INSERT INTO sessions (id, user_id, csrf, "
		     "created_at, last_seen_at, ip, user_agent) VALUES "
		     "(?, ?, ?, ?, ?, ?, ?)", "sisiiss", h, user_id, csrf, now, now, r->ip,
		     req_header(r, "User-Agent") ? req_header(r, "User-Agent")
						 : "");
	if (rc < 0)
		return rc;
	policy_get(r->db, &pol);
	req_set_cookie(r, cookie_name(r), tok,
		       (int64_t)pol.absolute_hours * 3600);
	req_set_cookie(r, PRE_COOKIE, "", 0);
	memcpy(r->sess.id_hash, h, sizeof(h));
	memcpy(r->sess.csrf, csrf, sizeof(csrf));
	r->sess.created_at = now;
	crypto_cleanse(tok, sizeof(tok));
	return 0;
}

int session_end(struct req *r)
{
	int rc = 0;

	if (r->sess.id_hash[0])
		rc = db_exec(r->db, "DELETE FROM sessions WHERE id = ?", "s",
			     r->sess.id_hash);
	req_set_cookie(r, cookie_name(r), "", 0);
	r->sess.id_hash[0] = '\0';
	return rc < 0 ? rc : 0;
}

int session_kill_user(struct db *db, int64_t user_id)
{
	return db_exec(db, "DELETE FROM sessions WHERE user_id = ?", "i",
		       user_id);
}
