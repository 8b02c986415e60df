/* portal_ui.h: what the public portal's pages share
 *
 * The portal (政府信息公开) is read by the public without an account: its
 * own header and navigation (the citizen's ways in, not the staff's),
 * the 简/繁 switch, the font size 【大】【中】【小】 remembered in a cookie
 * (set by links, so it works without script), the disclosure catalogue
 * (政府信息公开目录) and the lists of items.  The pages load no script.
 *
 * An item is public when published_at > 0 and withdrawn_at = 0; a
 * withdrawn one shows only its withdrawal notice.
 */
#ifndef FZ_PORTAL_UI_H
#define FZ_PORTAL_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct req;
struct db;

#define PORTAL_NAME "新昌高新园区政府信息公开"
#define PORTAL_ORG "新昌高新园区管理委员会"

/* The condition on publications p that makes an item public. */
#define PORTAL_PUBLIC "p.published_at > 0 AND p.withdrawn_at = 0"

struct portal_page {
	const char *title;        /* <title>, and the <h1> unless no_h1 */
	const char *nav;          /* href of the current navigation item */
	const char *feed;         /* an RSS feed to announce, or NULL */
	const char *feed_title;
	const char *canonical;    /* the page's own path, or NULL */
	bool no_h1;               /* the page writes its own heading */
	bool print;               /* the print view: the article only */
	bool noindex;             /* keep robots away (errors, notices) */
};

/* Open the page: head, the portal's header and navigation, <main>. */
void portal_begin(struct req *r, const struct portal_page *p);
/* Close <main>, write the footer and close the document. */
void portal_end(struct req *r);

/* GET ...?fs=l|m|s: remember the font size for a year and go back to
 * the page without the parameter; 0 when there is no such parameter
 * (the handler goes on), else the status to return. */
int portal_font_redirect(struct req *r);
/* The links 【大】【中】【小】 (the current one marked). */
void portal_font_links(struct req *r);

/* Whether a GET route with exactly this pattern exists, so the portal
 * links features only once they are there. */
bool portal_route_exists(struct req *r, const char *pattern);

/* "http://host[:port]" of this site as the client addressed it (for
 * feeds, the sitemap and the QR code); only a well-formed Host is used. */
void portal_origin(struct req *r, struct buf *out);
/* The path of an item's page: /gk/i/ and its index number, escaped. */
void portal_item_path(struct buf *out, const char *index_no);
/* "YYYY-MM-DD" in China Standard Time; "" for 0. */
void portal_date(int64_t t, char out[11]);

/* A 404 page in the portal's frame; returns 404. */
int portal_not_found(struct req *r, const char *what);
/* A 400 page in the portal's frame saying what was wrong; returns 400. */
int portal_bad_request(struct req *r, const char *what);

/* ---- the disclosure catalogue (政府信息公开目录) ---- */

struct portal_cat {
	int64_t id;
	int64_t parent;           /* 0 for a top-level category */
	char *code;
	char *name;
	int64_t own;              /* public items filed right here */
	int64_t total;            /* ... here and in the subcategories */
	char *link;               /* where its information is published
				   * instead (信息所在位置), or "" */
	char *link_label;
};

struct portal_cats {
	struct portal_cat *v;     /* in display order: sort, then name */
	size_t n;
};

/* The categories in use (not disabled) with their public item counts.
 * 0, or a DB_E* code. */
int portal_cats_load(struct db *db, struct portal_cats *out);
void portal_cats_release(struct portal_cats *c);
const struct portal_cat *portal_cat_by_code(const struct portal_cats *c,
					    const char *code);
const struct portal_cat *portal_cat_by_id(const struct portal_cats *c,
					  int64_t id);

/* ---- lists of items ---- */

/* The newest public items in category `cat_id` and its subcategories (0:
 * all items), `limit` from `offset`, as a list of links with dates.
 * Returns the number of items written, or a DB_E* code. */
int portal_list(struct req *r, int64_t cat_id, int64_t limit,
		int64_t offset);
/* The number of public items in the category and below (0: all);
 * < 0 on failure. */
int64_t portal_count(struct db *db, int64_t cat_id);

#endif
