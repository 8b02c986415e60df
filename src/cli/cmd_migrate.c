/* cmd_migrate.c: `fazhi migrate` and `fazhi key` — schema and keys */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "core/util.h"
#include "store/store.h"

static const char migrate_help[] =
	"usage: fazhi migrate [--data-dir DIR] [--db URL]\n\n"
	"Bring the database schema to the newest version (idempotent).\n";

int cmd_migrate(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
	};
	char err[256];
	struct app a;
	struct db *db = NULL;
	int first, from = 0, to = 0;
	int rc = cli_parse("migrate", migrate_help, argc, argv, opts,
			   (int)ARRAY_SIZE(opts), &first);

	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	if (first < argc)
		return cli_usage_error("migrate", "unexpected argument '%s'",
				       argv[first]);
	rc = 1;
	if (app_open(&a, app_default_data_dir(data_dir), db_url))
		goto out;
	db = db_open(a.db_url, err, sizeof(err));
	if (!db) {
		error("cannot open database: %s", err);
		goto out;
	}
	if (db_migrate(db, &from, &to) < 0) {
		error("migration failed: %s", db_errmsg(db));
		goto out;
	}
	if (from == to)
		printf("schema is up to date (version %d)\n", to);
	else
		printf("schema migrated from version %d to %d\n", from, to);
	rc = 0;
out:
	cli_close(&a, db);
	return rc;
}

static const char key_help[] =
	"usage: fazhi key rotate [--data-dir DIR] [--db URL]\n\n"
	"Add a new data-encryption key and make it the active one.  Old keys\n"
	"are kept, so personal data sealed under them stays readable; new\n"
	"data is sealed under the new key.\n";

int cmd_key(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
	};
	struct actor who;
	struct app a;
	struct db *db = NULL;
	char kid[32];
	int first, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(key_help);
	if (argc < 2 || strcmp(argv[1], "rotate") != 0)
		return cli_usage_error("key", "expected 'fazhi key rotate'");
	rc = cli_parse("key", key_help, argc - 1, argv + 1, opts,
		       (int)ARRAY_SIZE(opts), &first);
	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	rc = 1;
	if (cli_open(&a, &db, data_dir, db_url))
		goto out;
	if (keyring_rotate(&a.kp, kid, sizeof(kid))) {
		error("key rotation failed");
		goto out;
	}
	cli_actor(&who);
	if (db_begin(db) < 0 ||
	    audit_as(db, &who, "key.rotate", "datakeys", "success",
		     json_pack("{s:s}", "key_id", kid)) < 0 ||
	    db_commit(db) < 0) {
		db_rollback(db);
		error("key rotated to %s but the audit entry failed: %s", kid,
		      db_errmsg(db));
		goto out;
	}
	printf("active data key is now %s\n", kid);
	rc = 0;
out:
	cli_close(&a, db);
	return rc;
}
