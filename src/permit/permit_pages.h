/* permit_pages.h: the permits register's route handlers (routes.c) */
#ifndef FZ_PERMIT_PAGES_H
#define FZ_PERMIT_PAGES_H

#include <stdint.h>

struct req;

/* permit/pages.c: the staff register */
int page_permits(struct req *r);
int page_permit_new(struct req *r);
int page_permit_create(struct req *r);
int page_permit_import_form(struct req *r);
int page_permit_import(struct req *r);
int page_permit(struct req *r);
int page_permit_file(struct req *r);

/* permit/public.c: the register on the portal, and its feed */
int page_gk_permits(struct req *r);
int page_gk_permits_feed(struct req *r);
int page_gk_permit(struct req *r);
int page_gk_permit_file(struct req *r);

/* ---- shared by both (pages.c) ---- */

struct buf;
struct permit;

#define PERMIT_PAGE_SIZE 20
#define PERMIT_PAGE_MAX 100000

/* "2022-03-05 至 2027-03-04", "2022-03-05 至 长期", or "—". */
void permit_html_validity(struct buf *b, const struct permit *p);
/* A rate as "100.0%", or "—" when there is nothing to divide by. */
void permit_html_rate(struct buf *b, int64_t items, int64_t with_fulltext);
/* Previous and next links of a list at `path`; `args` is the rest of the
 * query, already escaped (built with html()), each argument followed by
 * "&amp;". */
void permit_html_pager(struct buf *b, const char *path, const char *args,
		       int64_t page, int64_t total);
/* ?year= (1970-9998, else 0) and ?page= (1 when absent or bad). */
int permit_query_year(struct req *r);
int64_t permit_query_page(struct req *r);

#endif
