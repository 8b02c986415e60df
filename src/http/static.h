/* static.h: the site's own assets and vendor assets, cached in memory
 *
 * All files under the web and vendor directories are read once at start,
 * with an ETag (SM3 prefix) and a gzip copy for text types, and served
 * without copying.  A change on disk needs a restart.
 */
#ifndef FZ_STATIC_H
#define FZ_STATIC_H

#include <stddef.h>

struct static_cache;
struct req;

/* Load `web_dir` under /static/ and `vendor_dir` under /static/vendor/;
 * a missing vendor dir is not an error.  NULL when web_dir is unreadable. */
struct static_cache *static_load(const char *web_dir, const char *vendor_dir,
				 char *err, size_t errlen);
void static_free(struct static_cache *c);
/* The ETag of a path such as "css/site.css", or "" when absent; used to
 * build cache-busting links. */
const char *static_etag(const struct static_cache *c, const char *path);
/* Route handler for GET /static/\*. */
int static_handler(struct req *r);

#endif
