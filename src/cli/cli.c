/* cli.c: what the subcommands share — help, misuse, the operator actor */
#include "cli/cli.h"

#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/app.h"
#include "core/util.h"
#include "store/store.h"

int cli_help(const char *text)
{
	fputs(text, stdout);
	return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fazhi %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'fazhi %s --help'.\n", cmd);
	return 2;
}

void cli_actor(struct actor *a)
{
	static char login[64];
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(getuid(), &pw, tmp, sizeof(tmp), &res) || !res)
		snprintf(login, sizeof(login), "cli:uid%u",
			 (unsigned)getuid());
	else
		snprintf(login, sizeof(login), "cli:%s", res->pw_name);
	a->id = 0;
	a->login = login;
	a->roles = "operator";
	a->ip = "local";
	a->request_id = "-";
}

int cli_parse(const char *cmd, const char *help, int argc, char **argv,
	      const struct cli_opt *opts, int nopts, int *first)
{
	struct option *lo = xcalloc((size_t)nopts + 2, sizeof(*lo));
	int c, i, rc = 0;

	for (i = 0; i < nopts; i++) {
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].value ? required_argument : no_argument;
		lo[i].val = 1000 + i;
	}
	lo[nopts].name = "help";
	lo[nopts].val = 'h';
	optind = 1;
	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h') {
			rc = CLI_HELP;
			cli_help(help);
		} else if (c >= 1000 && c < 1000 + nopts) {
			const struct cli_opt *o = &opts[c - 1000];

			if (o->value)
				*o->value = optarg;
			else
				*o->flag = true;
		} else {
			rc = cli_usage_error(cmd, "unknown option or missing "
					     "value: '%s'", argv[optind - 1]);
		}
	}
	free(lo);
	*first = optind;
	return rc;
}

int cli_open(struct app *a, struct db **db, const char *data_dir,
	     const char *db_url)
{
	*db = NULL;
	if (app_open(a, app_default_data_dir(data_dir), db_url))
		return FZ_ERR;
	*db = app_db(a, true);
	return *db ? 0 : FZ_ERR;
}

void cli_close(struct app *a, struct db *db)
{
	if (db)
		db_close(db);
	app_close(a);
}
