/* metrics.c: counters for /metrics in the Prometheus text format */
#include "http/metrics.h"

#include <stdatomic.h>

#include "core/util.h"
#include "http/http.h"

static const int statuses[] = {
	200, 201, 204, 301, 303, 304, 400, 401, 403, 404, 405, 409, 410,
	413, 415, 429, 431, 500, 503,
};
#define NSTATUS (ARRAY_SIZE(statuses) + 1) /* last slot: any other */

/* Upper bounds of the latency histogram, in seconds. */
static const double bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5,
};
#define NBOUNDS ARRAY_SIZE(bounds)

struct metrics {
	const struct route *routes;
	size_t nroutes;
	atomic_uint_fast64_t *count;   /* (nroutes + 1) x NSTATUS */
	atomic_uint_fast64_t hist[NBOUNDS + 1];
	atomic_uint_fast64_t sum_us;
	atomic_int_fast64_t conns;
	atomic_uint_fast64_t db_errors;
	atomic_int_fast64_t audit_length;
};

struct metrics *metrics_new(const struct route *routes, size_t nroutes)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->routes = routes;
	m->nroutes = nroutes;
	m->count = xcalloc((nroutes + 1) * NSTATUS, sizeof(*m->count));
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->count);
	free(m);
}

static size_t status_slot(int status)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(statuses); i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void metrics_request(struct metrics *m, const struct route *rt, int status,
		     int64_t ns)
{
	size_t ri = rt ? (size_t)(rt - m->routes) : m->nroutes;
	double s = (double)ns / 1e9;
	size_t b;

	if (ri > m->nroutes)
		ri = m->nroutes;
	atomic_fetch_add(&m->count[ri * NSTATUS + status_slot(status)], 1);
	for (b = 0; b < NBOUNDS && s > bounds[b]; b++)
		;
	atomic_fetch_add(&m->hist[b], 1);
	atomic_fetch_add(&m->sum_us, (uint64_t)(ns / 1000));
}

void metrics_connections(struct metrics *m, int delta)
{
	atomic_fetch_add(&m->conns, delta);
}

void metrics_db_error(struct metrics *m)
{
	atomic_fetch_add(&m->db_errors, 1);
}

void metrics_set_audit_length(struct metrics *m, int64_t seq)
{
	atomic_store(&m->audit_length, seq);
}

static void render_requests(struct metrics *m, struct buf *out)
{
	size_t ri, si;

	buf_puts(out, "# HELP fazhi_http_requests_total HTTP requests by "
		      "route and status.\n"
		      "# TYPE fazhi_http_requests_total counter\n");
	for (ri = 0; ri <= m->nroutes; ri++) {
		const char *name = ri < m->nroutes ? m->routes[ri].name
						   : "unrouted";

		for (si = 0; si < NSTATUS; si++) {
			uint64_t v = atomic_load(&m->count[ri * NSTATUS + si]);

			if (!v)
				continue;
			if (si < NSTATUS - 1)
				buf_printf(out, "fazhi_http_requests_total"
					   "{route=\"%s\",status=\"%d\"} %llu\n",
					   name, statuses[si],
					   (unsigned long long)v);
			else
				buf_printf(out, "fazhi_http_requests_total"
					   "{route=\"%s\",status=\"other\"} "
					   "%llu\n", name,
					   (unsigned long long)v);
		}
	}
}

static void render_latency(struct metrics *m, struct buf *out)
{
	uint64_t cum = 0;
	size_t b;

	buf_puts(out, "# HELP fazhi_http_request_duration_seconds Time to "
		      "handle a request.\n"
		      "# TYPE fazhi_http_request_duration_seconds histogram\n");
	for (b = 0; b < NBOUNDS; b++) {
		cum += atomic_load(&m->hist[b]);
		buf_printf(out, "fazhi_http_request_duration_seconds_bucket"
			   "{le=\"%g\"} %llu\n", bounds[b],
			   (unsigned long long)cum);
	}
	cum += atomic_load(&m->hist[NBOUNDS]);
	buf_printf(out, "fazhi_http_request_duration_seconds_bucket"
		   "{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	buf_printf(out, "fazhi_http_request_duration_seconds_sum %.6f\n",
		   (double)atomic_load(&m->sum_us) / 1e6);
	buf_printf(out, "fazhi_http_request_duration_seconds_count %llu\n",
		   (unsigned long long)cum);
}

void metrics_render(struct metrics *m, struct buf *out)
{
	render_requests(m, out);
	render_latency(m, out);
	buf_printf(out, "# HELP fazhi_http_open_connections Open client "
		   "connections.\n# TYPE fazhi_http_open_connections gauge\n"
		   "fazhi_http_open_connections %lld\n",
		   (long long)atomic_load(&m->conns));
	buf_printf(out, "# HELP fazhi_db_errors_total Failed database "
		   "operations.\n# TYPE fazhi_db_errors_total counter\n"
		   "fazhi_db_errors_total %llu\n",
		   (unsigned long long)atomic_load(&m->db_errors));
	buf_printf(out, "# HELP fazhi_audit_chain_length Entries in the "
		   "audit hash chain.\n# TYPE fazhi_audit_chain_length gauge\n"
		   "fazhi_audit_chain_length %lld\n",
		   (long long)atomic_load(&m->audit_length));
}
