/* fuzz_json.c: libFuzzer target for JSON bodies and log-line escaping */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEPTH 16

/* Nesting as parse_json_body() counts it; every string must be text. */
static size_t walk(json_t *v)
{
	const char *key;
	json_t *child;
	size_t i, d, deepest = 0;

	if (json_is_string(v)) {
		if (!utf8_valid(json_string_value(v), json_string_length(v)) ||
		    strlen(json_string_value(v)) != json_string_length(v))
			abort();
		return 0;
	}
	if (json_is_object(v)) {
		json_object_foreach(v, key, child) {
			if (!utf8_valid(key, strlen(key)))
				abort();
			d = walk(child);
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, child) {
			d = walk(child);
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	return 0;
}

/* The depth limit is exact: the body passes at its depth, not below. */
static void check_accepted(json_t *root, const char *s, size_t n)
{
	struct fz_err err = { 0 };
	size_t depth = walk(root);
	json_t *v;

	if (!json_is_object(root) || depth < 1 || depth > MAX_DEPTH)
		abort();
	v = parse_json_body(s, n, depth, &err);
	if (!v || !json_equal(v, root))
		abort();
	json_decref(v);
	v = parse_json_body(s, n, depth - 1, &err);
	if (v || err.status != 400 || strcmp(err.code, "bad_json"))
		abort();
}

static void put_utf8(struct buf *b, uint32_t cp)
{
	if (cp < 0x80) {
		buf_putc(b, (int)cp);
	} else if (cp < 0x800) {
		buf_putc(b, (int)(0xC0 | cp >> 6));
		buf_putc(b, (int)(0x80 | (cp & 0x3F)));
	} else {
		buf_putc(b, (int)(0xE0 | cp >> 12));
		buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(b, (int)(0x80 | (cp & 0x3F)));
	}
}

static unsigned hexnum(const char *s, size_t digits)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < digits; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else
			abort();
	}
	return v;
}

/*
 * Undo text_sanitize_log().  Sets *raw_high when a byte >= 0x80 had to
 * be escaped (the input was not UTF-8) and *raw_ctl when a C0 control
 * other than \t \n \r was (the input was not text).
 */
static void unescape(const char *s, size_t n, struct buf *out,
		     bool *raw_high, bool *raw_ctl)
{
	size_t i = 0;

	while (i < n) {
		unsigned v;

		if (s[i] != '\\') {
			buf_putc(out, s[i++]);
			continue;
		}
		if (n - i < 2)
			abort();
		switch (s[i + 1]) {
		case '\\':
			buf_putc(out, '\\');
			i += 2;
			break;
		case 'n':
			buf_putc(out, '\n');
			i += 2;
			break;
		case 'r':
			buf_putc(out, '\r');
			i += 2;
			break;
		case 't':
			buf_putc(out, '\t');
			i += 2;
			break;
		case 'x':
			if (n - i < 4)
				abort();
			v = hexnum(s + i + 2, 2);
			if (v >= 0x80)
				*raw_high = true;
			else if (v < 0x20)
				*raw_ctl = true;
			buf_putc(out, (int)v);
			i += 4;
			break;
		case 'u':
			if (n - i < 6)
				abort();
			put_utf8(out, hexnum(s + i + 2, 4));
			i += 6;
			break;
		default:
			abort();
		}
	}
}

/* Any input must come out as one clean, reversible log line. */
static void check_log_line(const char *s, size_t n)
{
	struct buf line = BUF_INIT, back = BUF_INIT;
	bool raw_high = false, raw_ctl = false;
	size_t i;

	text_sanitize_log(&line, s, n);
	if (buf_err(&line) || !utf8_valid(line.data, line.len))
		abort();
	for (i = 0; i < line.len; i++) {
		unsigned char c = (unsigned char)line.data[i];

		if (c < 0x20 || c == 0x7f)
			abort();
		/* C1 controls are C2 80..9F; U+2028..202E and U+2066..2069
		 * start E2 80 A8..AE and E2 81 A6..A9. */
		if (c == 0xc2 && i + 1 < line.len &&
		    (unsigned char)line.data[i + 1] <= 0x9f)
			abort();
		if (c == 0xe2 && i + 2 < line.len &&
		    (((unsigned char)line.data[i + 1] == 0x80 &&
		      (unsigned char)line.data[i + 2] >= 0xa8 &&
		      (unsigned char)line.data[i + 2] <= 0xae) ||
		     ((unsigned char)line.data[i + 1] == 0x81 &&
		      (unsigned char)line.data[i + 2] >= 0xa6 &&
		      (unsigned char)line.data[i + 2] <= 0xa9)))
			abort();
	}
	unescape(line.data, line.len, &back, &raw_high, &raw_ctl);
	if (buf_err(&back) || back.len != n ||
	    (n && memcmp(back.data, s, n)))
		abort();
	/* utf8_valid() and the escaper must agree on what is text. */
	if (utf8_valid(s, n) != (!raw_high && !raw_ctl))
		abort();
	buf_release(&line);
	buf_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct fz_err err = { 0 };
	json_t *root = parse_json_body(s, size, MAX_DEPTH, &err);

	if (root) {
		check_accepted(root, s, size);
		json_decref(root);
	} else if (err.status != 400 || strcmp(err.code, "bad_json") ||
		   !err.msg[0]) {
		abort();
	}
	check_log_line(s, size);
	return 0;
}
