/* cmd_user.c: `fazhi user` — accounts from the command line */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/tokens.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/util.h"
#include "org/accounts.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi user <action> [options] [LOGIN] [ROLE]\n\n"
	"actions:\n"
	"  add LOGIN --name NAME [--dept CODE] [--kind staff|admin]\n"
	"            [--role ROLE]   create an account; prints its password\n"
	"  list                      list accounts\n"
	"  disable LOGIN             disable an account (ends its sessions)\n"
	"  enable LOGIN              enable an account\n"
	"  reset-password LOGIN      new password, to be changed at login\n"
	"  grant LOGIN ROLE          grant a role (ends the user's sessions)\n"
	"  revoke LOGIN ROLE         revoke a role\n"
	"  token LOGIN NAME          create an API token for a machine\n"
	"                            account; printed once\n\n"
	"options: --data-dir DIR, --db URL\n"
	"roles: clerk dept_head leader legal_adviser ogi_officer "
	"conf_reviewer\n"
	"       petition_officer sysadmin secadmin auditadmin\n";

struct user_cmd {
	struct app app;
	struct db *db;
	struct actor who;
	const char *name, *dept, *kind, *role;
	char **args;
	int nargs;
};

static int need_args(struct user_cmd *c, int n, const char *what)
{
	if (c->nargs != n)
		return cli_usage_error("user", "expected %s", what);
	return 0;
}

static int64_t find_login(struct user_cmd *c, const char *login)
{
	int64_t id = account_find(c->db, login);

	if (id == 0)
		error("no account '%s'", login);
	else if (id < 0)
		error("database: %s", db_errmsg(c->db));
	return id;
}

static int role_arg(const char *code)
{
	int r = role_by_code(code);

	if (r < 0)
		cli_usage_error("user", "unknown role '%s'", code);
	return r;
}

static int do_add(struct user_cmd *c)
{
	struct fz_err err = { 0 };
	struct user_spec spec = {
		.display_name = c->name,
		.kind = c->kind ? c->kind : "staff",
		.must_change = true,
	};
	char pw[21];
	int role;

	if (need_args(c, 1, "add LOGIN --name NAME"))
		return 2;
	if (!c->name)
		return cli_usage_error("user", "--name NAME is required");
	spec.login = c->args[0];
	if (c->role) {
		if ((role = role_arg(c->role)) < 0)
			return 2;
		spec.roles = 1u << role;
	}
	if (c->dept && (spec.dept_id = dept_find(c->db, c->dept)) <= 0) {
		error("no department with code '%s'", c->dept);
		return 1;
	}
	password_generate(pw);
	if (account_create(c->db, &c->who, &spec, pw, NULL, &err)) {
		error("%s", err.msg);
		return 1;
	}
	printf("login: %s\npassword: %s\n", spec.login, pw);
	return 0;
}

static int do_list(struct user_cmd *c)
{
	struct db_rows *rows = db_query(c->db,
		"SELECT u.login, u.display_name, u.kind, u.disabled, "
		"u.locked_until, COALESCE(d.code, '-') FROM users u "
		"LEFT JOIN departments d ON d.id = u.dept_id ORDER BY u.login",
		"");
	int64_t now = clock_now();

	if (!rows) {
		error("database: %s", db_errmsg(c->db));
		return 1;
	}
	printf("%-20s %-8s %-8s %-10s %s\n", "LOGIN", "KIND", "DEPT",
	       "STATUS", "NAME");
	while (db_next(rows) == 1)
		printf("%-20s %-8s %-8s %-10s %s\n", db_text(rows, 0),
		       db_text(rows, 2), db_text(rows, 5),
		       db_int(rows, 3) ? "disabled" :
		       db_int(rows, 4) > now ? "locked" : "active",
		       db_text(rows, 1));
	db_rows_free(rows);
	return 0;
}

static int do_token(struct user_cmd *c)
{
	struct fz_err err = { 0 };
	struct buf tok = BUF_INIT;
	int64_t id;

	if (need_args(c, 2, "token LOGIN NAME"))
		return 2;
	if ((id = find_login(c, c->args[0])) <= 0)
		return 1;
	if (token_create(c->db, &c->who, id, c->args[1], &tok, &err)) {
		error("%s", err.msg);
		return 1;
	}
	printf("token: %s\n", buf_cstr(&tok));
	buf_release(&tok);
	return 0;
}

static int do_change(struct user_cmd *c, const char *action)
{
	struct fz_err err = { 0 };
	int64_t id;
	int rc, role = 0;
	bool with_role = strcmp(action, "grant") == 0 ||
			 strcmp(action, "revoke") == 0;
	char pw[21];

	if (need_args(c, with_role ? 2 : 1, with_role ? "LOGIN ROLE"
						      : "LOGIN"))
		return 2;
	if (with_role && (role = role_arg(c->args[1])) < 0)
		return 2;
	if ((id = find_login(c, c->args[0])) <= 0)
		return 1;
	if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
		rc = account_set_disabled(c->db, &c->who, id,
					  action[0] == 'd', &err);
	} else if (strcmp(action, "reset-password") == 0) {
		password_generate(pw);
		rc = account_set_password(c->db, &c->who, id, pw, true, &err);
		if (rc == 0)
			printf("login: %s\npassword: %s\n", c->args[0], pw);
	} else if (action[0] == 'g') {
		rc = account_grant(c->db, &c->who, id, role, &err);
	} else {
		rc = account_revoke(c->db, &c->who, id, role, &err);
	}
	if (rc) {
		error("%s", err.msg);
		return 1;
	}
	return 0;
}

int cmd_user(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL;
	struct user_cmd c = { 0 };
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
		{ "name", &c.name, NULL }, { "dept", &c.dept, NULL },
		{ "kind", &c.kind, NULL }, { "role", &c.role, NULL },
	};
	static const char *const actions[] = {
		"add", "list", "disable", "enable", "reset-password", "grant",
		"revoke", "token",
	};
	const char *action;
	int first, rc;
	size_t i;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(help);
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage_error("user", "which action? (add, list, "
				       "disable, enable, reset-password, "
				       "grant, revoke, token)");
	action = argv[1];
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (strcmp(action, actions[i]) == 0)
			break;
	if (i == ARRAY_SIZE(actions))
		return cli_usage_error("user", "unknown action '%s'", action);
	rc = cli_parse("user", help, argc - 1, argv + 1, opts,
		       (int)ARRAY_SIZE(opts), &first);
	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	c.args = argv + 1 + first;
	c.nargs = argc - 1 - first;
	if (c.kind && strcmp(c.kind, "staff") && strcmp(c.kind, "admin"))
		return cli_usage_error("user", "--kind is staff or admin");
	if (cli_open(&c.app, &c.db, data_dir, db_url)) {
		cli_close(&c.app, c.db);
		return 1;
	}
	cli_actor(&c.who);
	if (strcmp(action, "add") == 0)
		rc = do_add(&c);
	else if (strcmp(action, "token") == 0)
		rc = do_token(&c);
	else if (strcmp(action, "list") == 0)
		rc = need_args(&c, 0, "no arguments") ? 2 : do_list(&c);
	else
		rc = do_change(&c, action);
	cli_close(&c.app, c.db);
	return rc;
}
