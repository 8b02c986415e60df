/* cmd_serve.c: `fazhi serve` — run the web server */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach/attach.h"
#include "audit/audit.h"
#include "calendar/official.h"
#include "engine/workflow.h"
#include "pii/pii.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "core/util.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/routes.h"
#include "http/server.h"
#include "http/static.h"
#include "store/group.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi serve [--data-dir DIR] [--listen HOST:PORT] [--db URL]\n"
	"                   [--workers N] [options]\n\n"
	"Run the web server until SIGTERM or SIGINT, which finish the\n"
	"requests in flight and stop.  A changed working-day calendar\n"
	"(DATA_DIR/calendar.tsv, e.g. after 'fazhi calendar import') is\n"
	"picked up within a minute, or at once on SIGHUP, and the open\n"
	"cases are re-timed.\n\n"
	"  --listen HOST:PORT   default 127.0.0.1:8080\n"
	"  --db URL             override the database in fazhi.conf\n"
	"  --workers N          worker threads (default: number of cores)\n"
	"  --web-dir DIR        site assets (default: the source tree's web/)\n"
	"  --vendor-dir DIR     assets copied from npm (default: next to the\n"
	"                       binary, in vendor/)\n"
	"  --access-log PATH    JSON lines; '-' for stdout, 'none' to disable\n"
	"                       (default DIR/access.log)\n"
	"  --behind-tls         a TLS-terminating proxy is in front: secure\n"
	"                       cookies with the __Host- prefix, and HSTS\n"
	"  --max-body BYTES     largest request body (default 22020096: the\n"
	"                       uploads of one form, 20 MiB, and their\n"
	"                       framing)\n"
	"  --timeout SECONDS    idle connection timeout (default 30)\n"
	"  --max-connections N  per worker (default 1024)\n";

static char *vendor_default(const char *argv0)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return xstrdup("vendor");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	return xasprintf("%s/vendor", self);
}

static int open_access_log(struct server *srv, const char *opt,
			   const char *data_dir)
{
	char *path;

	if (opt && strcmp(opt, "none") == 0)
		return 0;
	if (opt && strcmp(opt, "-") == 0) {
		srv->access_log = stdout;
		return 0;
	}
	path = opt ? xstrdup(opt) : xasprintf("%s/access.log", data_dir);
	srv->access_log = fopen(path, "a");
	if (!srv->access_log)
		error("cannot open access log %s", path);
	free(path);
	return srv->access_log ? 0 : FZ_ERR;
}

/* The calendar and the procedure definitions: a definition that does not
 * validate stops the server here, naming the file and line. */
static int load_procedures(struct server *srv, const char *data_dir)
{
	struct fz_err err = { 0 };

	if (cal_live_init(&srv->calendar, data_dir, &err))
		return error("calendar: %s", err.msg);
	if (workflows_load(workflows_default_dir(), &err))
		return error("procedure definitions: %s", err.msg);
	if (pii_divisions_init(&err))
		return error("division codes: %s", err.msg);
	return 0;
}

/* Check the schema and durability settings once before the workers
 * open their own connections. */
static int prepare_database(struct app *a, struct server *srv)
{
	struct db *db = app_db(a, true);
	char what[128];
	int rc = 0;

	if (!db)
		return FZ_ERR;
	if (db_check_durability(db, what, sizeof(what))) {
		error("database durability setting not as required: %s", what);
		rc = FZ_ERR;
	}
	metrics_set_audit_length(srv->metrics, audit_length(db));
	db_close(db);
	return rc;
}

/* The options that take a positive number. */
enum { N_WORKERS, N_MAX_BODY, N_TIMEOUT, N_MAX_CONN, N_COUNT };

/* Set those given in `v` (NULL: not given); 0, or 2 after reporting the
 * first that is not a number from 1 to 2^30. */
static int numbers(struct server_config *cfg, const char *const v[N_COUNT])
{
	int64_t n[N_COUNT] = { 0 };
	int i;

	for (i = 0; i < N_COUNT; i++)
		if (v[i] && parse_int64(v[i], 1, 1 << 30, &n[i]))
			return cli_usage_error("serve", "option needs a "
					       "positive number, got '%s'",
					       v[i]);
	if (v[N_WORKERS])
		cfg->workers = (int)n[N_WORKERS];
	if (v[N_MAX_BODY])
		cfg->max_body_bytes = (size_t)n[N_MAX_BODY];
	if (v[N_TIMEOUT])
		cfg->timeout_s = (int)n[N_TIMEOUT];
	if (v[N_MAX_CONN])
		cfg->max_connections = (int)n[N_MAX_CONN];
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct server srv;
	const char *data_dir = NULL, *db = NULL, *access = NULL;
	const char *vendor_dir = NULL, *num[N_COUNT] = { NULL };
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL },
		{ "listen", &srv.cfg.listen, NULL }, { "db", &db, NULL },
		{ "workers", &num[N_WORKERS], NULL },
		{ "web-dir", &srv.cfg.web_dir, NULL },
		{ "vendor-dir", &vendor_dir, NULL },
		{ "access-log", &access, NULL },
		{ "behind-tls", NULL, &srv.cfg.behind_tls },
		{ "max-body", &num[N_MAX_BODY], NULL },
		{ "timeout", &num[N_TIMEOUT], NULL },
		{ "max-connections", &num[N_MAX_CONN], NULL },
	};
	char *vendor = NULL, err[256], why[256];
	struct app a;
	int first, parsed, rc = 1;

	memset(&srv, 0, sizeof(srv));
	srv.cfg.listen = "127.0.0.1:8080";
	srv.cfg.workers = (int)sysconf(_SC_NPROCESSORS_ONLN);
	srv.cfg.web_dir = FAZHI_SOURCE_WEB_DIR;
	srv.cfg.max_header_bytes = 16384;
	/* Uploads bring the largest bodies: a form's files and framing. */
	srv.cfg.max_body_bytes = ATTACH_TOTAL_MAX + ((size_t)1 << 20);
	srv.cfg.timeout_s = 30;
	srv.cfg.max_connections = 1024;
	parsed = cli_parse("serve", help, argc, argv, opts,
			   (int)ARRAY_SIZE(opts), &first);
	if (parsed)
		return parsed == CLI_HELP ? 0 : parsed;
	if (first < argc)
		return cli_usage_error("serve", "unexpected argument '%s'",
				       argv[first]);
	parsed = numbers(&srv.cfg, num);
	if (parsed)
		return parsed;
	if (srv.cfg.workers < 1)
		srv.cfg.workers = 1;
	vendor = vendor_dir ? xstrdup(vendor_dir) : vendor_default(argv[0]);
	srv.cfg.vendor_dir = vendor;
	data_dir = app_default_data_dir(data_dir);
	if (router_check_table(app_routes, app_route_count, why,
			       sizeof(why))) {
		error("route table: %s", why);
		goto out;
	}
	if (app_open(&a, data_dir, db))
		goto out_app;
	srv.cfg.data_dir = a.data_dir;
	srv.cfg.db_url = a.db_url;
	srv.routes = app_routes;
	srv.nroutes = app_route_count;
	srv.keyring = a.keyring;
	srv.sm2 = a.sm2;
	snprintf(srv.sm2_key_id, sizeof(srv.sm2_key_id), "%s", a.sm2_key_id);
	srv.metrics = metrics_new(app_routes, app_route_count);
	pthread_mutex_init(&srv.log_lock, NULL);
	srv.statics = static_load(srv.cfg.web_dir, srv.cfg.vendor_dir, err,
				  sizeof(err));
	if (!srv.statics) {
		error("%s", err);
		goto out_app;
	}
	if (load_procedures(&srv, a.data_dir))
		goto out_app;
	if (prepare_database(&a, &srv) ||
	    open_access_log(&srv, access, a.data_dir))
		goto out_app;
	/* Before the writer thread starts, so that it inherits the mask. */
	server_block_signals();
	srv.gc = gc_start(a.db_url, 256, err, sizeof(err));
	if (!srv.gc) {
		error("group commit writer: %s", err);
		goto out_app;
	}
	rc = server_run(&srv) ? 1 : 0;
	/* After the workers: requests they deferred have all finished. */
	gc_stop(srv.gc);
	srv.gc = NULL;
	if (rc == 0)
		fprintf(stderr, "fazhi: stopped\n");
out_app:
	if (srv.access_log && srv.access_log != stdout)
		fclose(srv.access_log);
	static_free(srv.statics);
	/* After gc_stop(): no deferred job holds a calendar any more. */
	cal_live_free(&srv.calendar);
	workflows_unload();
	metrics_free(srv.metrics);
	app_close(&a);
out:
	free(vendor);
	return rc;
}
