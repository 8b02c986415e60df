/* cmd_init.c: `fazhi init` — a new data directory and its first administrator */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "core/util.h"
#include "org/accounts.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi init [--data-dir DIR] [--db URL] [--admin LOGIN]\n"
	"                  [--admin-name NAME] [--kdf-iterations N]\n\n"
	"Create a data directory: the database, the SM2 signing key pair, the\n"
	"data-encryption keys and the first system administrator, whose\n"
	"generated password is printed once and must be changed at first "
	"login.\n\n"
	"  --data-dir DIR       default $FAZHI_DATA_DIR or ./var\n"
	"  --db URL             sqlite:PATH (default DIR/fazhi.db) or a\n"
	"                       postgresql:// URL; remembered in fazhi.conf\n"
	"  --admin LOGIN        login of the first administrator (required;\n"
	"                       no built-in default account exists)\n"
	"  --admin-name NAME    display name (default 系统管理员)\n"
	"  --kdf-iterations N   PBKDF2-SM3 iterations (default: tuned to about\n"
	"                       0.2 s on this machine)\n";

struct init_opts {
	const char *data_dir, *db, *admin, *admin_name;
	unsigned iterations;
};

/* Create the installation and return the opened app (caller closes). */
int init_installation(struct app *a, const char *data_dir, const char *db,
		      unsigned iterations)
{
	char *url = db ? xstrdup(db) : xasprintf("sqlite:%s/fazhi.db",
						  data_dir);
	struct db *conn;
	int rc;

	if (!iterations)
		iterations = password_tune(200);
	rc = app_create(data_dir, url, iterations);
	free(url);
	if (rc || app_open(a, data_dir, NULL))
		return FZ_ERR;
	conn = app_db(a, true);
	if (!conn)
		return FZ_ERR;
	db_close(conn);
	return 0;
}

static int create_admin(struct app *a, const struct init_opts *o)
{
	struct user_spec spec = {
		.login = o->admin,
		.display_name = o->admin_name,
		.kind = "admin",
		.roles = 1u << ROLE_SYSADMIN,
		.must_change = true,
	};
	struct fz_err err = { 0 };
	struct actor who;
	char pw[21];
	struct db *db = app_db(a, true);
	int rc;

	if (!db)
		return 1;
	cli_actor(&who);
	password_generate(pw);
	rc = account_create(db, &who, &spec, pw, NULL, &err);
	db_close(db);
	if (rc) {
		error("cannot create the administrator: %s", err.msg);
		return 1;
	}
	printf("admin: %s\npassword: %s\n", o->admin, pw);
	printf("This password is shown only once and must be changed at the "
	       "first login.\n");
	return 0;
}

int cmd_init(int argc, char **argv)
{
	struct init_opts o = { NULL, NULL, NULL, "系统管理员", 0 };
	const char *iterations = NULL;
	const struct cli_opt opts[] = {
		{ "data-dir", &o.data_dir, NULL }, { "db", &o.db, NULL },
		{ "admin", &o.admin, NULL },
		{ "admin-name", &o.admin_name, NULL },
		{ "kdf-iterations", &iterations, NULL },
	};
	struct app a;
	int64_t n;
	int first, rc = cli_parse("init", help, argc, argv, opts,
				  (int)ARRAY_SIZE(opts), &first);

	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	if (first < argc)
		return cli_usage_error("init", "unexpected argument '%s'",
				       argv[first]);
	if (iterations) {
		if (parse_int64(iterations, 1000, 100000000, &n))
			return cli_usage_error("init", "--kdf-iterations must "
					       "be a number from 1000 to "
					       "100000000");
		o.iterations = (unsigned)n;
	}
	if (!o.admin)
		return cli_usage_error("init", "--admin LOGIN is required "
				       "(there is no default account)");
	if (!account_login_valid(o.admin))
		return cli_usage_error("init", "'%s' is not a valid login "
				       "(3-32 of a-z 0-9 . _ -, starting with "
				       "a letter)", o.admin);
	o.data_dir = app_default_data_dir(o.data_dir);
	if (app_exists(o.data_dir)) {
		error("%s is already initialised", o.data_dir);
		return 1;
	}
	if (init_installation(&a, o.data_dir, o.db, o.iterations)) {
		app_close(&a);
		return 1;
	}
	rc = create_admin(&a, &o);
	app_close(&a);
	return rc;
}
