/* cmd_calendar.c: `fazhi calendar` — due dates and holiday notices */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar/official.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "engine/clock.h"
#include "store/store.h"
#include "core/util.h"

static const char help[] =
	"usage: fazhi calendar due START N (--working | --calendar)\n"
	"       fazhi calendar import NOTICE.json... [--output FILE]\n\n"
	"due     the due date of a limit of N working or calendar days that\n"
	"        starts on START (YYYY-MM-DD; the start day is not counted),\n"
	"        printed as YYYY-MM-DD on the first line, then how it was\n"
	"        counted: which days were skipped and why.\n"
	"import  add State Council holiday notices (holiday-cn JSON form) to\n"
	"        the installation's calendar (DATA_DIR/calendar.tsv), or to\n"
	"        FILE with --output.\n\n"
	"options: --data-dir DIR (its imported notices count too)\n";

static int cmd_due(int nargs, char **args, const char *data_dir,
		   bool working, bool calendar)
{
	struct fz_err err = { 0 };
	struct cal_due d;
	struct calendar *c;
	struct buf out = BUF_INIT;
	cal_day start;
	int64_t n;
	char due[11];

	if (nargs != 2 || working == calendar)
		return cli_usage_error("calendar", "expected 'due START N' and "
				       "one of --working or --calendar");
	if (cal_parse(args[0], &start))
		return cli_usage_error("calendar", "'%s' is not a date "
				       "(YYYY-MM-DD)", args[0]);
	if (parse_int64(args[1], 0, 3650, &n))
		return cli_usage_error("calendar", "N must be a whole number "
				       "of days from 0 to 3650");
	c = calendar_open(data_dir && app_exists(data_dir) ? data_dir : NULL,
			  &err);
	if (!c) {
		error("%s", err.msg);
		return 1;
	}
	calendar_due(c, start, (int)n, working ? CAL_WORKING_DAYS
					      : CAL_CALENDAR_DAYS, &d);
	cal_format(d.due, due);
	printf("%s\n", due);
	cal_due_explain(&d, &out);
	fputs(buf_cstr(&out), stdout);
	buf_release(&out);
	cal_due_release(&d);
	calendar_free(c);
	return 0;
}

/* Open cases counted under the old calendar get new due dates. */
static int retime(const char *data_dir)
{
	struct fz_err err = { 0 };
	struct calendar *cal;
	struct app a;
	struct db *db;
	int changed = 0, rc = 1;

	if (cli_open(&a, &db, data_dir, NULL))
		goto out;
	cal = calendar_open(data_dir, &err);
	if (!cal) {
		error("%s", err.msg);
		goto out;
	}
	if (engine_retime_open(db, cal, &changed) < 0)
		error("re-timing open cases failed: %s", db_errmsg(db));
	else {
		printf("%d open clocks re-timed\n", changed);
		rc = 0;
	}
	calendar_free(cal);
out:
	cli_close(&a, db);
	return rc;
}

static int cmd_import(int nargs, char **args, const char *data_dir,
		      const char *output)
{
	struct fz_err err = { 0 };
	struct calendar *c = calendar_new();
	struct buf in = BUF_INIT, out = BUF_INIT;
	char *path = output ? xstrdup(output)
			    : xasprintf("%s/calendar.tsv", data_dir);
	size_t count;
	int i, rc = 1;

	if (nargs < 1) {
		rc = cli_usage_error("calendar", "import needs NOTICE.json");
		goto out;
	}
	/* Merge into what the target already holds. */
	if (access(path, F_OK) == 0 && calendar_load(c, path, &err)) {
		error("%s", err.msg);
		goto out;
	}
	for (i = 0; i < nargs; i++) {
		buf_reset(&in);
		if (read_file(args[i], &in, 1 << 20)) {
			error("cannot read %s", args[i]);
			goto out;
		}
		if (calendar_add_notice(c, in.data, in.len, args[i], &err)) {
			error("%s", err.msg);
			goto out;
		}
	}
	buf_puts(&out, "# Official working-day calendar: days off and make-up "
		 "working days\n# from the State Council's annual holiday "
		 "notices.  DATE<TAB>off|work<TAB>NAME\n");
	calendar_write(c, &out);
	if (write_file_atomic(path, out.data, out.len, 0644)) {
		error("cannot write %s", path);
		goto out;
	}
	calendar_entries(c, &count);
	printf("%s: %zu dated entries\n", path, count);
	rc = output ? 0 : retime(data_dir);
out:
	buf_release(&in);
	buf_release(&out);
	calendar_free(c);
	free(path);
	return rc;
}

int cmd_calendar(int argc, char **argv)
{
	const char *data_dir = NULL, *output = NULL;
	bool working = false, calendar = false;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "output", &output, NULL },
		{ "working", NULL, &working }, { "calendar", NULL, &calendar },
	};
	int first, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(help);
	if (argc < 2 || (strcmp(argv[1], "due") && strcmp(argv[1], "import")))
		return cli_usage_error("calendar", "expected 'due' or 'import'");
	rc = cli_parse("calendar", help, argc - 1, argv + 1, opts,
		       (int)ARRAY_SIZE(opts), &first);
	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	data_dir = app_default_data_dir(data_dir);
	if (strcmp(argv[1], "due") == 0)
		return cmd_due(argc - 1 - first, argv + 1 + first, data_dir,
			       working, calendar);
	return cmd_import(argc - 1 - first, argv + 1 + first, data_dir,
			  output);
}
