/* form.h: the pieces every form and table page repeats
 *
 * One place for the markup of a labelled field, the opening of a POST form
 * (error box, CSRF token) and data tables, so every page gets the same
 * accessible structure (labels tied to inputs, hints tied with
 * aria-describedby, header cells with scope).
 */
#ifndef FZ_FORM_H
#define FZ_FORM_H

#include <stddef.h>

#include "core/buf.h"

struct req;

/* An error box (when `error` is not NULL), then <form method="post"
 * action="ACTION" class="form"> with the CSRF token. */
void form_begin(struct req *r, const char *action, const char *error);
/* The same for a form that sends files (multipart/form-data). */
void form_begin_files(struct req *r, const char *action, const char *error);
/* A labelled text input.  `attrs` is trusted markup from the code (e.g.
 * " required" or " autocomplete=\"off\""); `hint` may be NULL. */
void form_text(struct buf *b, const char *name, const char *label,
	       const char *value, int maxlength, const char *attrs,
	       const char *hint);
/* <thead> with one <th scope="col"> per name (NULL-terminated), then
 * <tbody>. */
void table_head(struct buf *b, const char *const *cols);
/* Close the table (a row saying `empty` when there were no rows) and its
 * scrolling wrapper. */
void table_end(struct buf *b, const char *const *cols, size_t rows,
	       const char *empty);

#endif
