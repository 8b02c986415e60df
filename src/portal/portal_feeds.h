/* portal_feeds.h: the portal's feeds (RSS 2.0, Atom) */
#ifndef FZ_PORTAL_FEEDS_H
#define FZ_PORTAL_FEEDS_H

#include <stdbool.h>
#include <stdint.h>

struct req;

#define PORTAL_FEED_ITEMS 50      /* newest items in a feed */
#define PORTAL_RFC822_LEN 32      /* a date of portal_rfc822() and NUL */

/* Unix time `t` as an RFC 822 date for RSS: "Wed, 22 Feb 2023 08:35:00
 * GMT", or in China Standard Time ("... 16:35:00 +0800") when `cst`. */
void portal_rfc822(int64_t t, bool cst, char out[PORTAL_RFC822_LEN]);

/*
 * Reply with the newest public items of category `cat_id` and its
 * subcategories (0: all items) as RSS 2.0, or as Atom when `atom`.
 * `name` titles the feed (NULL for the whole portal); `code` is the
 * category's code (NULL for the whole portal), for the feed's links.
 * Returns the HTTP status.
 */
int portal_feed(struct req *r, int64_t cat_id, const char *name,
		const char *code, bool atom);

#endif
