/* accounts.h: users, departments and roles — the service behind both the
 * administration pages and `fazhi user`
 *
 * Each call validates its input, runs in a write transaction of its own,
 * appends its audit entry in that transaction, and ends the user's
 * sessions when their rights or credentials change.  On failure nothing
 * is changed and `err` says why, in words for the administrator.
 */
#ifndef FZ_ACCOUNTS_H
#define FZ_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/roles.h"
#include "core/util.h"

struct db;
struct actor;

struct user_spec {
	const char *login;        /* [a-z0-9._-]{3,32}, starting with a letter */
	const char *display_name; /* 1..64 characters */
	int64_t dept_id;          /* 0 for none */
	const char *kind;         /* "staff" or "admin" */
	roleset roles;
	bool must_change;         /* first login must change the password */
};

int account_create(struct db *db, const struct actor *who,
		   const struct user_spec *spec, const char *password,
		   int64_t *id_out, struct fz_err *err);
int account_update(struct db *db, const struct actor *who, int64_t id,
		   const char *display_name, int64_t dept_id,
		   struct fz_err *err);
/* Set a password (rules and history checked); `by_admin` forces a change
 * at next login and is audited as a reset. */
int account_set_password(struct db *db, const struct actor *who, int64_t id,
			 const char *password, bool by_admin,
			 struct fz_err *err);
int account_set_disabled(struct db *db, const struct actor *who, int64_t id,
			 bool disabled, struct fz_err *err);
int account_grant(struct db *db, const struct actor *who, int64_t id,
		  enum role role, struct fz_err *err);
int account_revoke(struct db *db, const struct actor *who, int64_t id,
		   enum role role, struct fz_err *err);
/* Make the user's roles exactly `roles`, in one transaction: the whole
 * set is checked first (it must fit the kind of account and keep the
 * three administrator roles apart, roles_compatible()), then the rows
 * change, the user's sessions end and one audit entry "user.roles" says
 * which roles were granted and revoked.  Nothing is written when the
 * set is what the user holds already. */
int account_set_roles(struct db *db, const struct actor *who, int64_t id,
		      roleset roles, struct fz_err *err);
/* End every session of the user (administrator's "force logout"). */
int account_kill_sessions(struct db *db, const struct actor *who, int64_t id,
			  struct fz_err *err);
/* Id of a login; 0 when there is none, < 0 on error. */
int64_t account_find(struct db *db, const char *login);

int dept_create(struct db *db, const struct actor *who, int64_t parent_id,
		const char *code, const char *name, int64_t *id_out,
		struct fz_err *err);
int dept_rename(struct db *db, const struct actor *who, int64_t id,
		const char *name, struct fz_err *err);
/* Id of a department code; 0 when none, < 0 on error. */
int64_t dept_find(struct db *db, const char *code);

/* Whether a login is well-formed. */
bool account_login_valid(const char *login);

#endif
