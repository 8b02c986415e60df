/* buf.h: growable byte buffer with a hard cap and a sticky error
 *
 * Invariants (as git's strbuf):
 *  - after buf_init() `data` may be NULL until the first append; buf_cstr()
 *    always returns a NUL-terminated string (never NULL);
 *  - `len` bytes of `data` are valid and data[len] == '\0' once allocated;
 *  - the buffer never grows past `max`; an append that would is dropped and
 *    sets `err` to BUF_ETOOBIG; later appends are ignored.  Code that renders
 *    a page appends freely and checks buf_err() once at the end.
 */
#ifndef FZ_BUF_H
#define FZ_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define FZ_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum { BUF_OK = 0, BUF_ETOOBIG = -1, BUF_ENOMEM = -2 };

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
	int err;
};

#define BUF_DEFAULT_MAX ((size_t)16 << 20)
#define BUF_INIT { NULL, 0, 0, BUF_DEFAULT_MAX, 0 }

void buf_init(struct buf *b, size_t max);
/* Free the storage; the buffer may be reused after buf_init(). */
void buf_release(struct buf *b);
/* Empty the buffer but keep its storage and clear the error. */
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...) FZ_PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Append `n` bytes as lowercase hex. */
void buf_hex(struct buf *b, const void *p, size_t n);
const char *buf_cstr(struct buf *b);
/* Hand the storage to the caller (who frees it); the buffer is reset. */
char *buf_detach(struct buf *b, size_t *len);
static inline int buf_err(const struct buf *b) { return b->err; }

#endif
