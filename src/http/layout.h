/* layout.h: the page frame every HTML page shares
 *
 * page_begin() writes the document head, the header bar with the
 * navigation the visitor's roles allow, the 简/繁 switch and any flash
 * message; page_end() closes it.  Pages write their own content between
 * the two with html().
 */
#ifndef FZ_LAYOUT_H
#define FZ_LAYOUT_H

struct req;

void page_begin(struct req *r, const char *title);
void page_end(struct req *r);
/* A whole error page in the site's layout. */
void page_error(struct req *r, int status, const char *msg);
/* A refusal or a failed check above the form it concerns, announced to
 * screen readers (role="alert"); nothing when `msg` is NULL or empty.
 * `id` (may be NULL) lets a field point at it with aria-describedby. */
struct buf;
void page_alert(struct buf *b, const char *id, const char *msg);
/* The 简体/繁體 switch, leading back to this page. */
void page_lang_switch(struct req *r);
/* A link to a static asset with its cache-busting version. */
void page_asset_url(struct req *r, const char *path);

#endif
