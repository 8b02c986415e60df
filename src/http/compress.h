/* compress.h: gzip for text responses */
#ifndef FZ_COMPRESS_H
#define FZ_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Whether a body of this type and size is worth compressing. */
bool compress_worthwhile(const char *ctype, size_t len);
/* gzip `n` bytes into `out`; 0 on success. */
int compress_gzip(const void *p, size_t n, struct buf *out);

#endif
