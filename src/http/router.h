/* router.h: matching a request to a route and enforcing what it declares */
#ifndef FZ_ROUTER_H
#define FZ_ROUTER_H

#include <stddef.h>

#include "http/http.h"

/* Find the route for `path` and `method`.  Captures "{}" segments and a
 * trailing "*" into params (which the caller frees).  Returns NULL with
 * *path_known set when the path exists under another method (405). */
const struct route *router_match(const struct route *routes, size_t n,
				 const char *path, unsigned method,
				 char **params, int *nparams, int *path_known,
				 unsigned *allowed);

/* Match, authenticate, authorise, check CSRF and parse the body, then run
 * the handler.  Returns the HTTP status for the reply. */
int router_dispatch(struct req *r, const struct route *routes, size_t n);

/* Problems in a route table (missing permission, state-changing route
 * without CSRF, unknown flags); 0 when the table is sound.  `why` names
 * the first offending route. */
int router_check_table(const struct route *routes, size_t n, char *why,
		       size_t whylen);

#endif
