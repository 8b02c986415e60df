/* cli.h: the `fazhi` subcommands and what they share
 *
 * Each subcommand is `int cmd_NAME(int argc, char **argv)` returning the
 * process exit status: 0 success, 1 failure, 2 misuse (with a message and
 * a hint to --help).  None of them asks questions when stdin is not a
 * terminal.
 */
#ifndef FZ_CLI_H
#define FZ_CLI_H

#include <stdbool.h>

struct actor;
struct app;

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_retention(int argc, char **argv);
int cmd_permit(int argc, char **argv);
int cmd_search(int argc, char **argv);

/* Create an installation in `data_dir` and open it into `a` (shared by
 * init and demo); < 0 on failure with the reason printed. */
int init_installation(struct app *a, const char *data_dir, const char *db,
		      unsigned iterations);

/* Print usage text to stdout (for --help) and return 0. */
int cli_help(const char *text);
/* Report misuse on stderr and return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The audit actor for an operator's command: "cli:<os user>". */
void cli_actor(struct actor *a);


/* A declared option for cli_parse(): "--name VALUE" stores VALUE in
 * *value; a flag ("--name", value NULL) sets *flag. */
struct cli_opt {
	const char *name;
	const char **value;
	bool *flag;
};

/* Parse argv against declared options (--help is implicit).  Returns 0
 * with *first set to the first positional argument, CLI_HELP when help
 * was printed, or 2 after reporting misuse. */
#define CLI_HELP (-1)
int cli_parse(const char *cmd, const char *help, int argc, char **argv,
	      const struct cli_opt *opts, int nopts, int *first);

/* Open the installation at data_dir (or the default) and a migrated
 * database connection; prints the reason and returns < 0 on failure. */
struct db;
int cli_open(struct app *a, struct db **db, const char *data_dir,
	     const char *db_url);
void cli_close(struct app *a, struct db *db);

#endif
