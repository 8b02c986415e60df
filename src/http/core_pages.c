/* core_pages.c: health check, metrics and the 简/繁 switch */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/util.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/pages.h"
#include "http/server.h"
#include "store/group.h"
#include "store/store.h"

#define LANG_COOKIE_SECONDS ((int64_t)365 * 86400)

/*
 * GET /healthz: "ok" when this worker can reach its database.  Load
 * balancers call it often, so it does the least that proves the point.
 */
int page_healthz(struct req *r)
{
	int64_t one = 0;
	int rc = db_scalar_int(r->db, &one, "SELECT 1", "");

	r->ctype = "text/plain; charset=utf-8";
	buf_reset(&r->out);
	if (rc != 0 || one != 1) {
		metrics_db_error(r->w->srv->metrics);
		fprintf(stderr, "fazhi: request %s: health check: %s\n", r->id,
			db_errmsg(r->db));
		buf_puts(&r->out, "unavailable\n");
		return 503;
	}
	buf_puts(&r->out, "ok\n");
	return 200;
}

/*
 * GET /metrics: the counters in the Prometheus text format.  The audit
 * trail's length is read here rather than counted on each append, so it
 * is exact even when other processes (the CLI) append too.
 */
int page_metrics(struct req *r)
{
	int64_t seq = audit_length(r->db);

	if (seq >= 0)
		metrics_set_audit_length(r->w->srv->metrics, seq);
	buf_reset(&r->out);
	metrics_render(r->w->srv->metrics, &r->out);
	if (r->w->srv->gc)
		buf_printf(&r->out, "# HELP fazhi_group_commits_total "
			   "Transactions of the group commit.\n"
			   "# TYPE fazhi_group_commits_total counter\n"
			   "fazhi_group_commits_total %ld\n"
			   "# HELP fazhi_group_commit_jobs_total Requests' "
			   "writes those transactions carried.\n"
			   "# TYPE fazhi_group_commit_jobs_total counter\n"
			   "fazhi_group_commit_jobs_total %ld\n",
			   gc_commits(r->w->srv->gc), gc_jobs(r->w->srv->gc));
	if (buf_err(&r->out))
		return req_fail(r, 500, "internal", "服务器内部错误");
	r->ctype = "text/plain; version=0.0.4; charset=utf-8";
	return 200;
}

int page_favicon(struct req *r)
{
	return req_redirect(r, "/static/img/favicon.svg");
}

/* GET /lang/hant, /lang/hans: remember the choice for a year and go
 * back to the page it was made on. */
int page_lang(struct req *r)
{
	const char *lang = req_path_param(r, 0);
	const char *next = req_query(r, "next");

	if (!lang || (strcmp(lang, "hant") != 0 && strcmp(lang, "hans") != 0))
		return req_fail(r, 404, "not_found", "页面不存在");
	req_set_cookie(r, "fz_lang", lang, LANG_COOKIE_SECONDS);
	return req_redirect(r, req_local_path(next) ? next : "/");
}
