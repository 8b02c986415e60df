/* portal_qr.c: a QR code of a page's address, as inline SVG
 *
 * Each row's runs of dark modules become one stroked horizontal line of
 * the path ("M x y.5 h n"): a few bytes a run, where a square per module
 * would take many times more.  Encoding costs more than the rest of an
 * item page together (the mask selection tries eight masks), and an
 * item's address does not change, so the drawn paths are kept in a
 * small direct-mapped cache keyed by the text.
 */
#include "portal/portal_qr.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "core/util.h"
#include "http/html.h"

#define QUIET 4            /* modules of white around the code (ISO 18004) */
#define CACHE_SLOTS 1024   /* a power of two */
#define CACHE_LOCKS 64     /* slots share these, by slot number */

struct drawn {
	uint64_t hash;
	char *text;
	char *path;        /* the path's "d" attribute */
	int size;          /* modules, quiet zone included */
};

static struct drawn cache[CACHE_SLOTS];
static pthread_mutex_t locks[CACHE_LOCKS] = {
	[0 ... CACHE_LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER,
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

static void put_int(struct buf *b, int n)
{
	char d[12];
	int i = 0;

	do {
		d[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	while (i)
		buf_putc(b, d[--i]);
}

/* Encode `text` and draw its path into `d`; the size, or FZ_ERR. */
static int draw(const char *text, struct buf *d)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int x, y, size;

	if (!qr)
		return FZ_ERR;
	for (y = 0; y < qr->width; y++) {
		const unsigned char *row = qr->data + (size_t)y * qr->width;

		for (x = 0; x < qr->width; x++) {
			int run = 0;

			while (x + run < qr->width && (row[x + run] & 1))
				run++;
			if (!run)
				continue;
			buf_putc(d, 'M');
			put_int(d, x + QUIET);
			buf_putc(d, ' ');
			put_int(d, y + QUIET);
			buf_puts(d, ".5h");
			put_int(d, run);
			x += run;
		}
	}
	size = qr->width + 2 * QUIET;
	QRcode_free(qr);
	return size;
}

int qr_svg(struct buf *out, const char *text, const char *label)
{
	uint64_t h = fnv1a(text);
	size_t slot = (size_t)h & (CACHE_SLOTS - 1);
	pthread_mutex_t *lock = &locks[slot % CACHE_LOCKS];
	struct drawn *e = &cache[slot];
	struct buf d = BUF_INIT;
	int size = 0;

	pthread_mutex_lock(lock);
	if (e->text && e->hash == h && strcmp(e->text, text) == 0) {
		size = e->size;
		buf_puts(&d, e->path);
	}
	pthread_mutex_unlock(lock);
	if (!size) {
		size = draw(text, &d);
		if (size < 0) {
			buf_release(&d);
			return FZ_ERR;
		}
		pthread_mutex_lock(lock);
		free(e->text);
		free(e->path);
		e->hash = h;
		e->text = xstrdup(text);
		e->path = xstrdup(buf_cstr(&d));
		e->size = size;
		pthread_mutex_unlock(lock);
	}
	html(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
	     "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" "
	     "shape-rendering=\"crispEdges\"><rect width=\"%d\" "
	     "height=\"%d\" fill=\"#fff\"/><path stroke=\"#000\" d=\"",
	     size, size, label, size, size);
	buf_add(out, d.data, d.len);
	buf_puts(out, "\"/></svg>");
	buf_release(&d);
	return 0;
}
