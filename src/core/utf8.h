/* utf8.h: strict UTF-8 validation and log-safe rendering of untrusted text
 *
 * Every string that arrives from outside (query strings, form fields,
 * cookies, JSON bodies) passes utf8_valid() before any handler sees it, so
 * the rest of the server may assume well-formed text without NUL bytes or
 * terminal control characters (security row WB-06).  Text that is written
 * to a log line goes through text_sanitize_log() so that one event always
 * stays one line (AD-08).
 */
#ifndef FZ_UTF8_H
#define FZ_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/*
 * True when the `n` bytes at `s` are strict UTF-8 text:
 *  - shortest-form encodings only (no overlongs such as C0 AF),
 *  - no UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
 *  - no truncated sequence at the end,
 *  - no NUL and no other C0 control character except \t, \n and \r.
 * DEL and C1 code points (U+0080..U+009F) are accepted: they are valid
 * text, and the places that must not show them (logs) escape them.
 * `s` may be NULL when `n` is 0; the empty string is valid.
 */
bool utf8_valid(const char *s, size_t n);

/*
 * Number of code points in the `n` bytes at `s`.  Meant for text that
 * passed utf8_valid() (length limits such as "at most 200 characters");
 * on other input the result counts lead bytes and is only an estimate.
 */
size_t utf8_chars(const char *s, size_t n);

/*
 * Length of the longest prefix of the `n` bytes at `s` that has at most
 * `max` bytes and does not end inside a character: `n` when it fits,
 * else `max` moved back to the start of the character it would split.
 * For cutting text to a field or a column without leaving half a
 * character behind.
 */
size_t utf8_cut(const char *s, size_t n, size_t max);

/*
 * Append the `n` bytes at `s` to `out` as a single printable log line.
 * Characters that could end the line, rewrite the terminal or disguise
 * the text are replaced by visible escapes:
 *  - \n, \r and \t as "\n", "\r", "\t";
 *  - other C0 controls (including NUL) and DEL as "\xNN";
 *  - C1 controls (U+0080..U+009F), the line and paragraph separators
 *    U+2028/U+2029 and the bidirectional overrides U+202A..U+202E and
 *    U+2066..U+2069 as "\uNNNN";
 *  - bytes that are not part of a valid UTF-8 sequence as "\xNN";
 *  - the backslash itself as "\\", so the escaping cannot be forged.
 * Everything else, Chinese text included, is copied unchanged, so the
 * output is valid UTF-8 without control characters.  Errors are those of
 * `out` (see buf.h: check buf_err() once at the end).
 */
void text_sanitize_log(struct buf *out, const char *s, size_t n);

#endif
