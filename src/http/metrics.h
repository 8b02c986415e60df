/* metrics.h: counters for /metrics in the Prometheus text format
 *
 * Lock-free: every counter is an atomic, indexed by route and status, so
 * workers never contend on a lock to count a request.
 */
#ifndef FZ_METRICS_H
#define FZ_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct metrics;
struct route;

struct metrics *metrics_new(const struct route *routes, size_t nroutes);
void metrics_free(struct metrics *m);
/* Count a finished request; `rt` NULL for unrouted ones. */
void metrics_request(struct metrics *m, const struct route *rt, int status,
		     int64_t ns);
void metrics_connections(struct metrics *m, int delta);
void metrics_db_error(struct metrics *m);
void metrics_set_audit_length(struct metrics *m, int64_t seq);
void metrics_render(struct metrics *m, struct buf *out);

#endif
