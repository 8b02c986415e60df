/* main.c: the `fazhi` command — a table of subcommands */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "create a data directory, keys and the first "
			    "administrator" },
	{ "serve", cmd_serve, "run the web server" },
	{ "migrate", cmd_migrate, "bring the database schema up to date" },
	{ "user", cmd_user, "manage user accounts" },
	{ "audit", cmd_audit, "verify or inspect the audit trail" },
	{ "backup", cmd_backup, "make a consistent copy of the database" },
	{ "demo", cmd_demo, "create or refresh the demonstration installation" },
	{ "key", cmd_key, "manage the data-encryption keys" },
	{ "calendar", cmd_calendar, "due dates on the official working-day "
				    "calendar" },
	{ "report", cmd_report, "statistics of the petitions and hotline "
				"desk" },
	{ "retention", cmd_retention, "expire personal data by the register" },
	{ "permit", cmd_permit, "import and list the permits register" },
	{ "search", cmd_search, "rebuild or try the portal's search index" },
};

static int usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: fazhi <command> [options]\n\n"
		"Fazhi runs the rule-of-law procedures of a local "
		"administration.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nEvery command takes --data-dir DIR (default "
		"$FAZHI_DATA_DIR or ./var) and --help.\n");
	return out == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	size_t i;

	/* Databases, backups, exports and logs hold personal data: nothing
	 * this process creates is for other local users. */
	umask(077);
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(stdout);
	if (strcmp(argv[1], "--version") == 0) {
		printf("fazhi %s\n", FAZHI_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "fazhi: '%s' is not a command. See 'fazhi --help'.\n",
		argv[1]);
	return 2;
}
