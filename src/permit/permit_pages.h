/* permit_pages.h: the permits register's route handlers (routes.c) */
#ifndef FZ_PERMIT_PAGES_H
#define FZ_PERMIT_PAGES_H

#include <stdbool.h>
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
struct permit_filter;

#define PERMIT_PAGE_SIZE 20
#define PERMIT_PAGE_MAX 100000
#define PERMIT_Q_MAX_CHARS 60      /* a holder, code or number looked for */
#define PERMIT_YEAR_FIRST 2000     /* ?year= from here, or the oldest year */

/* "2022-03-05 至 2027-03-04", "2022-03-05 至 长期", or "—". */
void permit_html_validity(struct buf *b, const struct permit *p);
/* A rate as "100.0%", or "—" when there is nothing to divide by. */
void permit_html_rate(struct buf *b, int64_t items, int64_t with_fulltext);
/* Previous and next links of a list at `path`; `args` is the rest of the
 * query, already escaped (built with html()), each argument followed by
 * "&amp;". */
void permit_html_pager(struct buf *b, const char *path, const char *args,
		       int64_t page, int64_t total);

/* What permit_query_read() found wrong with a list's query. */
enum {
	PERMIT_BAD_YEAR = 1,
	PERMIT_BAD_Q = 2,
	PERMIT_BAD_PAGE = 4,
};

struct permit_query {
	const char *year;          /* ?year= as sent, "" when absent */
	int first, last;           /* the years ?year= may name */
	unsigned bad;              /* PERMIT_BAD_* */
	char msg[320];             /* what is wrong and what is taken */
	char q[4 * PERMIT_Q_MAX_CHARS + 1];  /* ?q= in Simplified characters */
};

/*
 * Read a list's ?year=, ?q= and ?page= into f->year, f->q and f->page,
 * and check them: a year from PERMIT_YEAR_FIRST (or the oldest
 * decision's, if older) to this year, or none; at most
 * PERMIT_Q_MAX_CHARS characters, searched in Simplified characters (a
 * reader of the 繁體 page types, and is shown, Traditional ones); a page
 * from 1.  0, or a DB_E* code.
 * When q->bad is set, q->msg says for the visitor what is wrong and what
 * is accepted, and the list is not to be shown.  A page beyond the end
 * is left to permit_page_missing(), once the total is known.
 */
int permit_query_read(struct req *r, struct permit_filter *f,
		      struct permit_query *q);
/* Whether f->page lies beyond the last page of `total` records (the
 * first page always exists, if empty). */
bool permit_page_missing(const struct permit_filter *f, int64_t total);

/* The id of the box that says what is wrong (page_alert()), and the
 * attributes that point a field at it when q found the field wrong ("" if
 * not): aria-invalid, aria-describedby. */
#define PERMIT_ERROR_ID "list-error"
const char *permit_field_invalid(const struct permit_query *q, unsigned bad);

#endif
