/* parse.h: decoders for request input (query strings, forms, cookies, JSON)
 *
 * These are the only functions that turn raw request bytes into strings a
 * handler sees.  They are strict on purpose (security row WB-06): every
 * decoded key and value is valid UTF-8 without NUL or C0 controls other
 * than \t \n \r (see core/utf8.h), every count and length is capped, and
 * bad input is refused as a whole rather than repaired.  None of them
 * keeps state between calls, so they are safe in any worker thread.
 */
#ifndef FZ_HTTP_PARSE_H
#define FZ_HTTP_PARSE_H

#include <stddef.h>

#include <jansson.h>

#include "core/util.h"

/* Limits for application/x-www-form-urlencoded and query strings. */
#define PARSE_MAX_PAIRS 256                   /* pairs per string */
#define PARSE_MAX_KEY 128                     /* bytes per decoded key */
#define PARSE_MAX_VALUE ((size_t)1 << 20)     /* bytes per decoded value */
/* Limits for the Cookie header. */
#define PARSE_MAX_COOKIES 64
#define PARSE_MAX_COOKIE_HEADER 8192          /* bytes */
/* Limit for JSON request bodies. */
#define PARSE_MAX_JSON ((size_t)1 << 20)      /* bytes */

/*
 * One decoded pair.  `key` and `val` are NUL-terminated and owned by the
 * list; `vlen` is strlen(val) (decoded values never contain NUL), kept so
 * callers need not measure large values again.
 */
struct kv {
	char *key;
	char *val;
	size_t vlen;
};

/* Pairs in input order, duplicates kept.  Start from KVLIST_INIT. */
struct kvlist {
	struct kv *items;
	size_t n, cap;
};

#define KVLIST_INIT { NULL, 0, 0 }

/* Free every pair and the array; the list is empty (KVLIST_INIT) after. */
void kvlist_release(struct kvlist *l);
/* Append a pair, taking ownership of `key` and `val`. */
void kvlist_push(struct kvlist *l, char *key, char *val, size_t vlen);
/* Drop the pairs from index `keep` on.  A list that ends up empty also
 * gives back its array, so a failed parse into an empty list leaves
 * nothing for the caller to free. */
void kvlist_truncate(struct kvlist *l, size_t keep);

/* Value of the first pair named `key`, or NULL when there is none. */
const char *kv_get(const struct kvlist *l, const char *key);

/* Number of pairs named `key` (a handler that expects one value can
 * refuse a repeated parameter instead of silently taking the first). */
size_t kv_count(const struct kvlist *l, const char *key);

/*
 * Decode the `n` bytes at `s` (need not be NUL-terminated) as
 * application/x-www-form-urlencoded, which is also the format of query
 * strings (pass the part after '?').
 *
 * Pairs are separated by '&'; empty pieces ("a=1&&b=2", a trailing '&')
 * are skipped.  The first '=' separates key from value; a piece without
 * '=' has an empty value.  '+' decodes to a space and %XX to the byte XX
 * (either case of hex digit).  Refused, as the whole input:
 *  - a '%' not followed by two hex digits ("%G1", a trailing "%4");
 *  - a decoded key or value that fails utf8_valid(): invalid or overlong
 *    UTF-8, surrogates, "%00" and other control characters but \t\n\r;
 *  - more than PARSE_MAX_PAIRS pairs, a key longer than PARSE_MAX_KEY
 *    bytes or a value longer than PARSE_MAX_VALUE bytes after decoding.
 *
 * On success the pairs are appended to `out` in input order and 0 is
 * returned.  On failure a negative value is returned, `err` is filled
 * (status 400, code "bad_request", a message in Chinese for the user) and
 * `out` is left as it was: an empty list stays empty and holds no memory.
 * `err` may be NULL.
 */
int parse_urlencoded(const char *s, size_t n, struct kvlist *out,
		     struct fz_err *err);

/*
 * Decode a Cookie request header ("a=b; c=d", NUL-terminated; NULL is
 * treated as an empty header) and append the cookies to `out`.
 *
 * Pieces are separated by ';' and trimmed of spaces and tabs.  The name
 * is what precedes the first '=' and must be a non-empty RFC 6265 token;
 * the value may be wrapped in double quotes, which are removed, and must
 * then consist of RFC 6265 cookie-octets (printable ASCII except space,
 * '"', ',', ';' and '\').  Pieces that do not fit (no '=', bad name, bad
 * value) are skipped, as browsers and servers commonly do: a stray cookie
 * set by another application on the same host must not lock users out.
 * Only the first PARSE_MAX_COOKIES cookies are kept; duplicates are kept
 * in order, so kv_count() can detect them.
 *
 * Returns 0, or a negative value without touching `out` when the header
 * is longer than PARSE_MAX_COOKIE_HEADER bytes (no browser sends that).
 */
int parse_cookies(const char *header, struct kvlist *out);

/*
 * Parse the `n` bytes at `s` as a JSON request body with jansson.
 *
 * Refused: bodies over PARSE_MAX_JSON bytes; anything jansson rejects
 * (syntax, invalid UTF-8, duplicate object keys, "\u0000" in a string);
 * a top level that is not an object; nesting deeper than `max_depth`,
 * where the top-level object is depth 1 and each nested object or array
 * adds one (so {"a":[1]} has depth 2); any string or object key that
 * fails utf8_valid() (e.g. "\u0001").  JSON null is allowed.
 *
 * Returns a new reference the caller must json_decref(), or NULL with
 * `err` filled (status 400, code "bad_json", a Chinese message that gives
 * jansson's line and column where it has them).  `err` may be NULL.
 */
json_t *parse_json_body(const char *s, size_t n, size_t max_depth,
			struct fz_err *err);

#endif
