/* cmd_demo.c: `fazhi demo` — the demonstration installation
 *
 * Creates (or refreshes) the organisation of 新昌高新园区 with its
 * departments and one account per role, through the same services the
 * pages use, so every record is validated and audited like real work.
 * Each run gives the demo accounts fresh passwords and prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "cli/demo_cases.h"
#include "cli/demo_ogi.h"
#include "cli/demo_permits.h"
#include "cli/demo_portal.h"
#include "core/util.h"
#include "org/accounts.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi demo [--data-dir DIR] [--db URL] [--kdf-iterations N]\n"
	"                  [--json]\n\n"
	"Create or refresh a demonstration installation: the organisation\n"
	"新昌高新园区 with its departments and one account per role.  The\n"
	"accounts get new passwords on every run; they are printed (as JSON\n"
	"with --json).  Creates the data directory first when needed.\n";

struct demo_dept {
	const char *code, *parent, *name;
};

static const struct demo_dept depts[] = {
	{ "xcgx", NULL, "新昌高新园区管理委员会" },
	{ "dzb", "xcgx", "党政综合办公室" },
	{ "jfj", "xcgx", "经济发展局" },
	{ "gjj", "xcgx", "规划建设局" },
	{ "ssj", "xcgx", "社会事务局" },
	{ "xfb", "ssj", "信访办公室" },
	{ "czj", "xcgx", "财政审计局" },
	{ "zfd", "xcgx", "综合行政执法队" },
};

struct demo_user {
	const char *login, *name, *dept, *kind;
	enum role role;
};

static const struct demo_user users[] = {
	{ "clerk", "张明", "jfj", "staff", ROLE_CLERK },
	{ "depthead", "李建华", "jfj", "staff", ROLE_DEPT_HEAD },
	{ "leader", "王志强", "xcgx", "staff", ROLE_LEADER },
	{ "lawyer", "陈静", "dzb", "staff", ROLE_LEGAL_ADVISER },
	{ "ogi", "刘芳", "dzb", "staff", ROLE_OGI_OFFICER },
	{ "secrecy", "赵磊", "dzb", "staff", ROLE_CONF_REVIEWER },
	{ "petition", "孙丽", "xfb", "staff", ROLE_PETITION_OFFICER },
	{ "sysadmin", "周涛", "dzb", "admin", ROLE_SYSADMIN },
	{ "secadmin", "吴敏", "dzb", "admin", ROLE_SECADMIN },
	{ "auditadmin", "郑华", "czj", "admin", ROLE_AUDITADMIN },
};

static int ensure_depts(struct db *db, const struct actor *who)
{
	struct fz_err err = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(depts); i++) {
		int64_t id = dept_find(db, depts[i].code), parent = 0;

		if (id < 0)
			return error("database: %s", db_errmsg(db));
		if (id)
			continue;
		if (depts[i].parent)
			parent = dept_find(db, depts[i].parent);
		if (parent < 0 || dept_create(db, who, parent, depts[i].code,
					      depts[i].name, NULL, &err))
			return error("department %s: %s", depts[i].code,
				     err.msg);
	}
	return 0;
}

/* Create the account, or give an existing one a fresh password. */
static int ensure_user(struct db *db, const struct actor *who,
		       const struct demo_user *u, char pw[21])
{
	struct fz_err err = { 0 };
	struct user_spec spec = {
		.login = u->login, .display_name = u->name,
		.dept_id = dept_find(db, u->dept), .kind = u->kind,
		.roles = 1u << u->role, .must_change = false,
	};
	int64_t id = account_find(db, u->login);

	if (id < 0 || spec.dept_id < 0)
		return error("database: %s", db_errmsg(db));
	password_generate(pw);
	if (id == 0) {
		if (account_create(db, who, &spec, pw, NULL, &err))
			return error("account %s: %s", u->login, err.msg);
		return 0;
	}
	if (account_set_password(db, who, id, pw, false, &err) ||
	    account_set_disabled(db, who, id, false, &err) ||
	    account_grant(db, who, id, u->role, &err))
		return error("account %s: %s", u->login, err.msg);
	return 0;
}

static void print_accounts(json_t *list, bool as_json)
{
	size_t i;
	json_t *u;

	if (as_json) {
		json_t *o = json_pack("{s:O}", "users", list);
		char *s = json_dumps(o, JSON_INDENT(2));

		puts(s);
		free(s);
		json_decref(o);
		return;
	}
	printf("Demo accounts (passwords change on every run):\n");
	json_array_foreach(list, i, u)
		printf("  %-12s %-22s %s\n",
		       json_string_value(json_object_get(u, "login")),
		       json_string_value(json_object_get(u, "password")),
		       json_string_value(json_array_get(
			       json_object_get(u, "roles"), 0)));
}

int cmd_demo(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL, *iter_s = NULL;
	bool as_json = false;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
		{ "kdf-iterations", &iter_s, NULL }, { "json", NULL, &as_json },
	};
	struct actor who;
	struct app a;
	struct db *db = NULL;
	json_t *list;
	int64_t iters = 0;
	int first, rc = cli_parse("demo", help, argc, argv, opts,
				  (int)ARRAY_SIZE(opts), &first);
	size_t i;

	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	if (first < argc)
		return cli_usage_error("demo", "unexpected argument '%s'",
				       argv[first]);
	if (iter_s && parse_int64(iter_s, 1000, 100000000, &iters))
		return cli_usage_error("demo", "--kdf-iterations must be a "
				       "number from 1000 to 100000000");
	data_dir = app_default_data_dir(data_dir);
	if (!app_exists(data_dir)) {
		if (init_installation(&a, data_dir, db_url, (unsigned)iters)) {
			app_close(&a);
			return 1;
		}
		app_close(&a);
	}
	if (cli_open(&a, &db, data_dir, db_url)) {
		cli_close(&a, db);
		return 1;
	}
	cli_actor(&who);
	list = json_array();
	rc = ensure_depts(db, &who);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(users); i++) {
		char pw[21];

		rc = ensure_user(db, &who, &users[i], pw);
		if (rc == 0)
			json_array_append_new(list, json_pack(
				"{s:s,s:s,s:s,s:[s]}", "login", users[i].login,
				"password", pw, "name", users[i].name, "roles",
				role_code(users[i].role)));
	}
	if (rc == 0)
		rc = demo_cases(&a, db, as_json);
	if (rc == 0)
		rc = demo_permits(&a, db, as_json);
	if (rc == 0)
		rc = demo_ogi(&a, db, as_json);
	if (rc == 0)
		rc = demo_portal(&a, db, as_json);
	if (rc == 0)
		print_accounts(list, as_json);
	json_decref(list);
	cli_close(&a, db);
	return rc ? 1 : 0;
}
