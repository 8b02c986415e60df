/* util.h: allocation that cannot fail, error reporting, small string helpers
 *
 * Error convention for the whole code base: 0 (FZ_OK) is success, a negative
 * value is failure.  Functions that fail with a message for the user take a
 * `struct fz_err *` and fill it; `return fz_fail(err, code, fmt, ...)` is the
 * idiom (as git's `return error(...)`).
 */
#ifndef FZ_UTIL_H
#define FZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "core/buf.h"

#define FZ_OK 0
#define FZ_ERR (-1)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* A number #defined as a string literal, for SQL and messages. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define FZ_NORETURN __attribute__((noreturn))
#define FZ_UNUSED __attribute__((unused))

/* A failure that carries an HTTP-ish status and a message for the user. */
struct fz_err {
	int status;       /* HTTP status the failure maps to (400, 403, ...) */
	char code[32];    /* stable machine code, e.g. "csrf", "not_found" */
	char msg[256];    /* message for the user, in Chinese where it is shown */
};

int fz_fail(struct fz_err *err, int status, const char *code,
	    const char *fmt, ...) FZ_PRINTF(4, 5);

/* Allocation: these abort when memory runs out.  Input caps make that
 * unreachable from outside (see http/server.c limits). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) FZ_PRINTF(1, 2);

/* Fatal errors at start-up only (never in the request path). */
FZ_NORETURN void die(const char *fmt, ...) FZ_PRINTF(1, 2);
/* Print "error: ..." to stderr and return FZ_ERR. */
int error(const char *fmt, ...) FZ_PRINTF(1, 2);
void warn(const char *fmt, ...) FZ_PRINTF(1, 2);

/* The value of a hexadecimal digit, or -1. */
int hex_digit(int c);

/* Parse a whole decimal integer in [min, max]; 0 on success. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
bool str_eq(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);

/* Read a whole file (at most `max` bytes) into `out`; 0 on success. */
int read_file(const char *path, struct buf *out, size_t max);
/* Write a file atomically (temp file, fsync, rename) with `mode`. */
int write_file_atomic(const char *path, const void *p, size_t n, int mode);
/* Write all `n` bytes at `p` to `fd`, again after a short write or EINTR;
 * to a socket (`sock`) with send(MSG_NOSIGNAL), so that a peer gone away
 * fails the call instead of raising SIGPIPE.  0, or FZ_ERR with errno. */
int write_all(int fd, const void *p, size_t n, bool sock);

#endif
