/* i18n.h: Simplified to Traditional Chinese through OpenCC
 *
 * Pages are written in Simplified Chinese.  A visitor who picks 繁體 gets
 * the same page converted phrase by phrase (OpenCC s2tw), which gets
 * 干部→幹部, 规范→規範, 后公开→後公開 right where a character table does not.
 */
#ifndef FZ_I18N_H
#define FZ_I18N_H

#include "core/buf.h"

struct worker;

/* Convert the buffer in place; on failure the text stays Simplified. */
void i18n_to_hant(struct worker *w, struct buf *b);
struct req;
/* Convert what the request has written so far now, when it asked for
 * 繁體, instead of when it is sent; what follows is then sent as written
 * (a handler that keeps converted pages, or writes converted ones). */
void req_hant_now(struct req *r);
/* The request's body is in 繁體 already, if it asked for them. */
void req_hant_written(struct req *r);

/* What a visitor typed, in Simplified characters, as the records are
 * written: malloc'd, or NULL when it cannot be converted (search it as
 * typed then).  A reader of the 繁體 pages types 徵地 or 幹部; and a
 * search box shown again on such a page holds the query converted. */
char *i18n_to_hans(struct worker *w, const char *s);

/* Convert a string with a converter owned by the caller's thread;
 * returns a malloc'd string or NULL.  For tools and tests. */
char *i18n_convert(void **handle, const char *s);
void i18n_close(void **handle);

#endif
