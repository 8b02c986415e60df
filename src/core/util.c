/* util.c: allocation that cannot fail, error reporting, small helpers */
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int fz_fail(struct fz_err *err, int status, const char *code,
	    const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return FZ_ERR;
	err->status = status;
	snprintf(err->code, sizeof(err->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return FZ_ERR;
}

static FZ_NORETURN void oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (buf_err(&b))
		oom(0);
	return buf_detach(&b, NULL);
}

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int error(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return FZ_ERR;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;
	int neg = 0;

	if (!s || !*s)
		return FZ_ERR;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!*s)
		return FZ_ERR;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return FZ_ERR;
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return FZ_ERR;
		v = v * 10 + (*s - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return FZ_ERR;
	*out = v;
	return FZ_OK;
}

bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

bool str_starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

int read_file(const char *path, struct buf *out, size_t max)
{
	char tmp[8192];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return FZ_ERR;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (out->len + n > max) {
			fclose(f);
			errno = EFBIG;
			return FZ_ERR;
		}
		buf_add(out, tmp, n);
	}
	if (ferror(f) || buf_err(out)) {
		fclose(f);
		return FZ_ERR;
	}
	fclose(f);
	return FZ_OK;
}

int write_file_atomic(const char *path, const void *p, size_t n, int mode)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	int rc = FZ_ERR;

	if (fd < 0)
		goto out;
	/* fchmod as well: open() applies the umask to `mode`. */
	if (write_all(fd, p, n, false) || fchmod(fd, (mode_t)mode) ||
	    fsync(fd))
		goto close;
	rc = FZ_OK;
close:
	if (close(fd))
		rc = FZ_ERR;
	if (rc == FZ_OK && rename(tmp, path))
		rc = FZ_ERR;
	if (rc)
		unlink(tmp);
out:
	free(tmp);
	return rc;
}

int write_all(int fd, const void *p, size_t n, bool sock)
{
	const char *s = p;

	while (n) {
		ssize_t w = sock ? send(fd, s, n, MSG_NOSIGNAL) :
			    write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return FZ_ERR;
		s += w;
		n -= (size_t)w;
	}
	return FZ_OK;
}
