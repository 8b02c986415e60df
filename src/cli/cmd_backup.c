/* cmd_backup.c: `fazhi backup` — a consistent online copy of the database */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "audit/audit.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/util.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi backup [--data-dir DIR] [--db URL] [--output FILE]\n\n"
	"Copy the SQLite database while the server runs (SQLite's online\n"
	"backup: a consistent snapshot), then check the copy's integrity.\n"
	"Default output: DIR/backups/fazhi-YYYYMMDD-HHMMSS.db.\n"
	"For PostgreSQL use pg_dump (or a streaming standby) instead.\n";

static char *default_output(const char *data_dir)
{
	time_t t = (time_t)clock_now();
	struct tm tm;
	char stamp[32];
	char *dir = xasprintf("%s/backups", data_dir), *path;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (mkdir(dir, 0700) && errno != EEXIST)
		warn("cannot create %s: %s", dir, strerror(errno));
	path = xasprintf("%s/fazhi-%s.db", dir, stamp);
	free(dir);
	return path;
}

static int record(struct db *db, const char *path)
{
	struct actor who;
	int64_t rc = db_begin(db);

	cli_actor(&who);
	if (rc == 0)
		rc = audit_as(db, &who, "backup", "database", "success",
			      json_pack("{s:s}", "output", path));
	if (rc >= 0)
		return db_commit(db);
	db_rollback(db);
	return (int)rc;
}

int cmd_backup(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL, *output = NULL;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
		{ "output", &output, NULL },
	};
	struct app a;
	struct db *db;
	char *path = NULL;
	int first, rc = cli_parse("backup", help, argc, argv, opts,
				  (int)ARRAY_SIZE(opts), &first);

	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	if (first < argc)
		return cli_usage_error("backup", "unexpected argument '%s'",
				       argv[first]);
	if (cli_open(&a, &db, data_dir, db_url)) {
		cli_close(&a, db);
		return 1;
	}
	rc = 1;
	if (db_kind(db) == DB_PG) {
		error("this installation uses PostgreSQL: back it up with "
		      "pg_dump (or a streaming standby)");
		goto out;
	}
	/* Record first, so the copy contains its own audit entry. */
	path = output ? xstrdup(output) : default_output(a.data_dir);
	if (record(db, path) < 0) {
		error("cannot write the audit entry: %s", db_errmsg(db));
		goto out;
	}
	if (db_backup(db, path) < 0) {
		error("backup failed: %s", db_errmsg(db));
		goto out;
	}
	printf("backup written to %s\n", path);
	rc = 0;
out:
	free(path);
	cli_close(&a, db);
	return rc;
}
