/* session.h: who is asking — sessions, API tokens, CSRF, password state
 *
 * The browser holds a random 256-bit token in the `fz_sid` cookie (with the
 * `__Host-` prefix behind TLS); the database keeps only its SM3 hash.  The
 * router calls these before any handler runs.
 */
#ifndef FZ_SESSION_H
#define FZ_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/roles.h"

struct req;
struct db;

struct user {
	int64_t id;
	char *login;
	char *display_name;
	int64_t dept_id;
	char *dept_name;
	char *kind;              /* staff, admin, citizen */
	roleset roles;
	bool must_change;
	bool disabled;
	int64_t password_changed_at;
	int64_t last_login_at;
};

/* Load a user with roles by id; NULL when absent (or on error, *rc < 0). */
struct user *user_load(struct db *db, int64_t id, int *rc);
void session_user_free(struct user *u);
const char *session_user_login(const struct user *u);
/* Roles as "sysadmin,secadmin" into a caller buffer. */
void user_roles_text(roleset rs, char *out, size_t outlen);

/* Authenticate from the session cookie or a bearer token (API routes).
 * Returns 0 (r->user set or NULL) or an HTTP status. */
int session_authenticate(struct req *r);
/* Redirect to (or, in the API, refuse until) a password change when the
 * password must change or has expired. */
int session_check_password_state(struct req *r);
bool session_allows(struct req *r, int perm);
/* CSRF token and Origin check for a state-changing request. */
int session_check_csrf(struct req *r);
/* The CSRF token to embed in forms on this page; for visitors without a
 * session a pre-session token is issued in a cookie. */
const char *session_csrf(struct req *r);

/* Start a session for the user (a fresh token, the old one dropped). */
int session_start(struct req *r, int64_t user_id);
/* End the current session (row deleted, cookie cleared). */
int session_end(struct req *r);
/* Delete every session of a user; returns the number ended. */
int session_kill_user(struct db *db, int64_t user_id);

#endif
