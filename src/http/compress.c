/* compress.c: gzip for text responses */
#include "http/compress.h"

#include <string.h>
#include <zlib.h>

#include "core/util.h"

bool compress_worthwhile(const char *ctype, size_t len)
{
	/* Below ~1 KB the gzip header and the CPU cost outweigh the gain. */
	if (len < 1024 || !ctype)
		return false;
	return str_starts(ctype, "text/") ||
	       str_starts(ctype, "application/json") ||
	       str_starts(ctype, "application/javascript") ||
	       str_starts(ctype, "application/xml") ||
	       str_starts(ctype, "image/svg+xml");
}

int compress_gzip(const void *p, size_t n, struct buf *out)
{
	z_stream zs;
	uLong bound;
	int rc;

	memset(&zs, 0, sizeof(zs));
	/* windowBits 15 + 16 asks zlib for a gzip wrapper. */
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return FZ_ERR;
	bound = deflateBound(&zs, (uLong)n) + 32;
	buf_add(out, "", 0);
	if (buf_err(out) || bound > out->max) {
		deflateEnd(&zs);
		return FZ_ERR;
	}
	out->data = xrealloc(out->data, bound + 1);
	out->cap = bound + 1;
	zs.next_in = (Bytef *)p;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)out->data;
	zs.avail_out = (uInt)bound;
	rc = deflate(&zs, Z_FINISH);
	out->len = zs.total_out;
	out->data[out->len] = '\0';
	deflateEnd(&zs);
	return rc == Z_STREAM_END ? FZ_OK : FZ_ERR;
}
