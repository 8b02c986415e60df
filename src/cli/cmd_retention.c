/* cmd_retention.c: `fazhi retention` — the personal-data expiry job and
 * its schedule */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/app.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/util.h"
#include "pii/pii.h"
#include "pii/retention.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi retention run [--dry-run] [--now YYYY-MM-DD]\n"
	"                           [--data-dir DIR] [--db URL]\n"
	"       fazhi retention list\n\n"
	"run   anonymise the personal data whose retention period has run\n"
	"      out (security row PI-03): each petitioner field the day after\n"
	"      its period, counted in calendar years from the day the case\n"
	"      closed; a row with every period over is frozen and its case's\n"
	"      attachment files deleted.  Cases and ratings stay, so past\n"
	"      statistics do not change.  Every batch is audited as\n"
	"      pii.expire.  Prints, per field, how many values were removed,\n"
	"      then the rows changed and frozen.  The server does the same\n"
	"      every hour.\n"
	"      --dry-run  change nothing; print what a run would do\n"
	"      --now D    count as of day D (China Standard Time) instead of\n"
	"                 today; a day after today needs --dry-run\n"
	"list  print the retention schedule of the register: field, years\n"
	"      after the record closes, whether this job enforces it, label;\n"
	"      the legal basis on the line below.\n";

static void print_result(const struct retention_result *res, bool dry_run,
			 const char *day)
{
	size_t i, w = strlen("field");

	for (i = 0; i < res->nfields; i++)
		if (strlen(res->fields[i].field->name) > w)
			w = strlen(res->fields[i].field->name);
	printf("%s as of %s%s\n", dry_run ? "would anonymise" : "anonymised",
	       day, dry_run ? " (dry run: nothing changed)" : "");
	printf("%-*s  %8s  %s\n", (int)w, "field", "values", "label");
	for (i = 0; i < res->nfields; i++)
		printf("%-*s  %8lld  %s\n", (int)w,
		       res->fields[i].field->name,
		       (long long)res->fields[i].blanked,
		       res->fields[i].field->label);
	printf("rows %lld\nfrozen %lld\nattachments %lld\n",
	       (long long)res->rows, (long long)res->expired,
	       (long long)res->attachments);
	if (res->attach_failed)
		printf("attachments_failed %lld\n",
		       (long long)res->attach_failed);
	if (!dry_run)
		printf("batches %d\n", res->batches);
}

static int run(const char *data_dir, const char *db_url, int64_t now,
	       bool dry_run)
{
	struct retention_result res;
	struct app a;
	struct db *db;
	char day[17];
	int rc = 1;

	if (cli_open(&a, &db, data_dir, db_url))
		goto out;
	if (retention_run(db, a.data_dir, now, dry_run, &res) < 0) {
		error("personal-data expiry failed: %s", db_errmsg(db));
		if (res.batches)
			fprintf(stderr, "%d batches were committed before "
				"the failure\n", res.batches);
		goto out;
	}
	clock_local_minute(now, day);
	day[10] = '\0';
	print_result(&res, dry_run, day);
	rc = res.attach_failed ? 1 : 0;
	if (fflush(stdout))
		rc = 1;
out:
	cli_close(&a, db);
	return rc;
}

static int list(void)
{
	size_t i, w = strlen("field");

	for (i = 0; i < pii_field_count; i++)
		if (strlen(pii_fields[i].name) > w)
			w = strlen(pii_fields[i].name);
	printf("%-*s  %5s  %-8s  %s\n", (int)w, "field", "years", "enforced",
	       "label");
	for (i = 0; i < pii_field_count; i++) {
		const struct pii_field *f = &pii_fields[i];

		printf("%-*s  %5d  %-8s  %s\n  %s\n", (int)w, f->name,
		       f->retention_years,
		       retention_enforced(f) ? "yes" : "no", f->label,
		       f->basis);
	}
	return fflush(stdout) ? 1 : 0;
}

/* --now as a time: the start of that day, China Standard Time. */
static int parse_now(const char *s, bool dry_run, int64_t *now)
{
	*now = clock_now();
	if (!s)
		return 0;
	if (strlen(s) != 10 || clock_parse_local(s, now))
		return cli_usage_error("retention", "--now must be a day "
				       "YYYY-MM-DD, not '%s'", s);
#ifndef FAZHI_TEST_HOOKS
	/* Erasing data ahead of its schedule cannot be undone. */
	if (*now > clock_now() && !dry_run)
		return cli_usage_error("retention", "--now after today only "
				       "with --dry-run");
#else
	(void)dry_run;
#endif
	return 0;
}

int cmd_retention(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL, *now_opt = NULL;
	bool dry_run = false;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
		{ "now", &now_opt, NULL }, { "dry-run", NULL, &dry_run },
	};
	int64_t now;
	int first, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(help);
	if (argc < 2 || (strcmp(argv[1], "run") && strcmp(argv[1], "list")))
		return cli_usage_error("retention", "expected 'run' or "
				       "'list'");
	rc = cli_parse("retention", help, argc - 1, argv + 1, opts,
		       (int)ARRAY_SIZE(opts), &first);
	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	if (first < argc - 1)
		return cli_usage_error("retention", "unexpected argument "
				       "'%s'", argv[1 + first]);
	if (strcmp(argv[1], "list") == 0)
		return list();
	if ((rc = parse_now(now_opt, dry_run, &now)))
		return rc;
	return run(data_dir, db_url, now, dry_run);
}
