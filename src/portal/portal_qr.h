/* portal_qr.h: a QR code of a page's address, as inline SVG */
#ifndef FZ_PORTAL_QR_H
#define FZ_PORTAL_QR_H

#include "core/buf.h"

/*
 * Append an <svg> that draws `text` (a URL) as a QR code (libqrencode,
 * error correction level M, with the four-module quiet zone), labelled
 * with `label` for screen readers.  No script, no external image: it
 * prints and works under the site's Content-Security-Policy.  0, or
 * FZ_ERR with nothing appended when the text cannot be encoded.
 */
int qr_svg(struct buf *out, const char *text, const char *label);

#endif
