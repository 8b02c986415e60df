/* html.h: the escaping writer every page goes through
 *
 * html() is the everyday call: its format string is trusted markup written
 * in the code, and every argument is escaped for where it lands:
 *   %s  text or attribute value, HTML-escaped (& < > " ')
 *   %u  URL query value, percent-encoded (then safe in an attribute)
 *   %d  int        %I  int64_t
 *   %r  raw markup: only for strings the code itself built with html()
 *   %%  a percent sign
 * The unsafe path is deliberately long and greppable: %r and html_raw().
 */
#ifndef FZ_HTML_H
#define FZ_HTML_H

#include <stdint.h>

#include "core/buf.h"

void html(struct buf *b, const char *fmt, ...);
void html_txt(struct buf *b, const char *s);
void html_txtn(struct buf *b, const char *s, size_t n);
void html_url_arg(struct buf *b, const char *s);
/* Trusted markup from the code; never pass data here. */
void html_raw(struct buf *b, const char *s);

/* Form helpers: escape inside themselves. */
void html_hidden(struct buf *b, const char *name, const char *value);
void html_option(struct buf *b, const char *value, const char *label,
		 int selected);

/* Open the scrolling box a wide <table class="data"> sits in: a named
 * region that takes keyboard focus, so arrow keys scroll it in every
 * browser (WCAG 2.1.1).  `label_id` is the id of the table's <caption> or
 * of the heading just above it; that element must be on the page and have
 * text.  The caller closes the box with </div> (table_end() does). */
void html_table_wrap(struct buf *b, const char *label_id);

#endif
