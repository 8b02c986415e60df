/* utf8.c: strict UTF-8 validation and log-safe rendering of untrusted text */
#include "core/utf8.h"

#include <stdint.h>

/*
 * Decode one code point from the `n` (> 0) bytes at `s`.  Returns the
 * length of the sequence (1..4) and stores the code point in `*cp`, or
 * returns 0 when the bytes at `s` do not start a well-formed sequence.
 *
 * The ranges for the second byte follow the table of well-formed byte
 * sequences in the Unicode standard (chapter 3, table 3-7): checking the
 * second byte against them rules out overlongs (E0 80..9F, F0 80..8F),
 * surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..) in one
 * place, so no decoded value needs a range check afterwards.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;	/* continuation byte, C0, C1 or F5..FF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	v = (v << 6) | (s[1] & 0x3F);
	for (i = 2; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len;

		/* Plain ASCII is by far the common case; keep it cheap. */
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		len = utf8_decode(p + i, n - i, &cp);
		if (!len)
			return false;
		if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
			return false;
		i += len;
	}
	return true;
}

size_t utf8_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			count++;
	return count;
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n <= max)
		return n;
	while (max && (p[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/*
 * Characters that must not reach a log line as they are: controls that
 * end the line or drive the terminal, characters that make a line look
 * like another (line separators, bidirectional overrides), and the
 * backslash that introduces our own escapes.
 */
static bool log_needs_escape(uint32_t cp)
{
	return cp < 0x20 || cp == '\\' || (cp >= 0x7F && cp <= 0x9F) ||
	       cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static void log_escape(struct buf *out, uint32_t cp)
{
	switch (cp) {
	case '\n':
		buf_puts(out, "\\n");
		break;
	case '\r':
		buf_puts(out, "\\r");
		break;
	case '\t':
		buf_puts(out, "\\t");
		break;
	case '\\':
		buf_puts(out, "\\\\");
		break;
	default:
		if (cp < 0x80)
			buf_printf(out, "\\x%02x", (unsigned)cp);
		else
			buf_printf(out, "\\u%04x", (unsigned)cp);
	}
}

void text_sanitize_log(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;	/* p[run..i) is pending verbatim output */

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(p + i, n - i, &cp);

		if (len && !log_needs_escape(cp)) {
			i += len;
			continue;
		}
		if (i > run)
			buf_add(out, p + run, i - run);
		if (len) {
			log_escape(out, cp);
		} else {
			/* Not UTF-8: show this byte, resync on the next. */
			buf_printf(out, "\\x%02x", p[i]);
			len = 1;
		}
		i += len;
		run = i;
	}
	if (i > run)
		buf_add(out, p + run, i - run);
}
