/* parse.c: decoders for request input (query strings, forms, cookies, JSON) */
#include "http/parse.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* ---- key/value lists ---- */

void kvlist_push(struct kvlist *l, char *key, char *val, size_t vlen)
{
	struct kv *kv;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	kv = &l->items[l->n++];
	kv->key = key;
	kv->val = val;
	kv->vlen = vlen;
}

void kvlist_truncate(struct kvlist *l, size_t keep)
{
	while (l->n > keep) {
		l->n--;
		free(l->items[l->n].key);
		free(l->items[l->n].val);
	}
	if (!l->n) {
		free(l->items);
		l->items = NULL;
		l->cap = 0;
	}
}

void kvlist_release(struct kvlist *l)
{
	kvlist_truncate(l, 0);
}

const char *kv_get(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].key, key))
			return l->items[i].val;
	return NULL;
}

size_t kv_count(const struct kvlist *l, const char *key)
{
	size_t i, count = 0;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].key, key))
			count++;
	return count;
}

/* ---- application/x-www-form-urlencoded ---- */

enum decode_result {
	DECODE_OK = 0,
	DECODE_BAD_ESCAPE = -1,
	DECODE_TOO_LONG = -2,
	DECODE_BAD_TEXT = -3,
};

/*
 * Decode the `n` bytes at `s` ('+' and %XX) into a new NUL-terminated
 * string stored in `*out` with its length in `*len`.  The result must be
 * at most `max` bytes and pass utf8_valid().  On failure nothing is
 * allocated.
 */
static enum decode_result decode_component(const char *s, size_t n,
					   size_t max, char **out,
					   size_t *len)
{
	char *d;
	size_t i, j = 0;

	/* Decoding never lengthens, and each output byte takes at least one
	 * input byte, so a piece that would decode too long can be refused
	 * before allocating when it has no escapes to shorten it. */
	if (n > max && !memchr(s, '%', n))
		return DECODE_TOO_LONG;
	d = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (n - i < 3 ||
			    (hi = hex_digit((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_digit((unsigned char)s[i + 2])) < 0) {
				free(d);
				return DECODE_BAD_ESCAPE;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		d[j++] = (char)c;
	}
	d[j] = '\0';
	if (j > max) {
		free(d);
		return DECODE_TOO_LONG;
	}
	if (!utf8_valid(d, j)) {
		free(d);
		return DECODE_BAD_TEXT;
	}
	*out = d;
	*len = j;
	return DECODE_OK;
}

static int decode_fail(struct fz_err *err, enum decode_result r, bool key)
{
	switch (r) {
	case DECODE_BAD_ESCAPE:
		return fz_fail(err, 400, "bad_request",
			       "请求参数含有无效的百分号编码");
	case DECODE_TOO_LONG:
		if (key)
			return fz_fail(err, 400, "bad_request",
				       "请求参数名过长（最多 %d 字节）",
				       PARSE_MAX_KEY);
		return fz_fail(err, 400, "bad_request",
			       "请求参数值过长（最多 %zu MiB）",
			       PARSE_MAX_VALUE >> 20);
	default:
		return fz_fail(err, 400, "bad_request",
			       "请求参数不是有效的 UTF-8 文本");
	}
}

/* Decode one non-empty "key=value" piece and append it to `out`. */
static int parse_pair(const char *s, size_t n, struct kvlist *out,
		      struct fz_err *err)
{
	const char *eq = memchr(s, '=', n);
	size_t raw = eq ? (size_t)(eq - s) : n, klen, vlen = 0;
	char *key, *val = NULL;
	enum decode_result r;

	r = decode_component(s, raw, PARSE_MAX_KEY, &key, &klen);
	if (r)
		return decode_fail(err, r, true);
	if (eq)
		r = decode_component(eq + 1, n - raw - 1, PARSE_MAX_VALUE,
				     &val, &vlen);
	else
		val = xstrdup("");
	if (r) {
		free(key);
		return decode_fail(err, r, false);
	}
	kvlist_push(out, key, val, vlen);
	return FZ_OK;
}

int parse_urlencoded(const char *s, size_t n, struct kvlist *out,
		     struct fz_err *err)
{
	size_t start = out->n, pairs = 0, i = 0;

	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t len = amp ? (size_t)(amp - (s + i)) : n - i;

		if (len) {
			if (++pairs > PARSE_MAX_PAIRS) {
				fz_fail(err, 400, "bad_request",
					"请求参数过多（最多 %d 个）",
					PARSE_MAX_PAIRS);
				goto fail;
			}
			if (parse_pair(s + i, len, out, err))
				goto fail;
		}
		i += len + 1;
	}
	return FZ_OK;
fail:
	kvlist_truncate(out, start);
	return FZ_ERR;
}

/* ---- Cookie header ---- */

/* RFC 7230 tchar, which RFC 6265 uses for cookie names. */
static bool is_token_char(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

/* RFC 6265 cookie-octet: printable ASCII but space " , ; and \. */
static bool is_cookie_octet(unsigned char c)
{
	return c > 0x20 && c < 0x7F && c != '"' && c != ',' && c != ';' &&
	       c != '\\';
}

static bool all_chars(const char *s, size_t n, bool (*ok)(unsigned char))
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ok((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Narrow [*s, *s + *n) to exclude leading and trailing spaces and tabs. */
static void trim_ows(const char **s, size_t *n)
{
	while (*n && is_ows(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_ows((*s)[*n - 1]))
		(*n)--;
}

/* Append the cookie in the `n` bytes at `s` to `out` if it is well formed. */
static void parse_cookie_piece(const char *s, size_t n, struct kvlist *out)
{
	const char *eq = memchr(s, '=', n), *v;
	size_t klen, vlen;

	if (!eq)
		return;
	klen = (size_t)(eq - s);
	v = eq + 1;
	vlen = n - klen - 1;
	trim_ows(&s, &klen);
	trim_ows(&v, &vlen);
	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		v++;
		vlen -= 2;
	}
	if (!klen || !all_chars(s, klen, is_token_char) ||
	    !all_chars(v, vlen, is_cookie_octet))
		return;
	kvlist_push(out, xstrndup(s, klen), xstrndup(v, vlen), vlen);
}

int parse_cookies(const char *header, struct kvlist *out)
{
	size_t start = out->n, len, i = 0;

	if (!header)
		return FZ_OK;
	len = strnlen(header, PARSE_MAX_COOKIE_HEADER + 1);
	if (len > PARSE_MAX_COOKIE_HEADER)
		return FZ_ERR;
	while (i < len && out->n - start < PARSE_MAX_COOKIES) {
		const char *semi = memchr(header + i, ';', len - i);
		size_t n = semi ? (size_t)(semi - (header + i)) : len - i;

		parse_cookie_piece(header + i, n, out);
		i += n + 1;
	}
	return FZ_OK;
}

/* ---- JSON bodies ---- */

static int json_fail(struct fz_err *err, const char *what)
{
	return fz_fail(err, 400, "bad_json", "%s", what);
}

/* Chinese text for the jansson failures a client can cause. */
static const char *json_error_what(const json_error_t *je)
{
	switch (json_error_code(je)) {
	case json_error_invalid_utf8:
		return "请求正文不是有效的 UTF-8 文本";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "JSON 字符串中不能含有空字符（\\u0000）";
	case json_error_duplicate_key:
		return "JSON 对象中有重复的键";
	case json_error_stack_overflow:
		return "JSON 嵌套层级过深";
	case json_error_numeric_overflow:
		return "JSON 数值超出范围";
	case json_error_premature_end_of_input:
		return "JSON 内容不完整";
	default:
		return "请求正文不是有效的 JSON";
	}
}

static void json_fail_parse(struct fz_err *err, const json_error_t *je)
{
	const char *what = json_error_what(je);

	/* jansson's own text is English and may quote the input, so only
	 * its position is passed on. */
	if (je->line > 0 && je->column > 0)
		fz_fail(err, 400, "bad_json", "%s（第 %d 行第 %d 列）", what,
			je->line, je->column);
	else
		json_fail(err, what);
}

static bool json_text_ok(const char *s, size_t n)
{
	/* jansson already refuses "\u0000" unless JSON_ALLOW_NUL is given;
	 * the length check keeps that true whatever flags are used. */
	return strlen(s) == n && utf8_valid(s, n);
}

/* Strings and keys are held to the same rule as form values. */
static const char json_bad_text[] =
	"JSON 中的文本不是有效的 UTF-8 或含有控制字符";

/*
 * Check `v`, found at nesting `depth` (containers counted from 1), and
 * everything under it.  Recursion stops at `max` levels, so the C stack
 * is bounded by the caller's limit, not by the input.
 */
static int json_check(json_t *v, size_t depth, size_t max,
		      struct fz_err *err)
{
	const char *key;
	json_t *child;
	size_t i;

	if ((json_is_object(v) || json_is_array(v)) && depth > max)
		return fz_fail(err, 400, "bad_json",
			       "JSON 嵌套层级过深（最多 %zu 层）", max);
	if (json_is_object(v)) {
		json_object_foreach(v, key, child) {
			if (!json_text_ok(key, strlen(key)))
				return json_fail(err, json_bad_text);
			if (json_check(child, depth + 1, max, err))
				return FZ_ERR;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if (json_check(child, depth + 1, max, err))
				return FZ_ERR;
	} else if (json_is_string(v)) {
		if (!json_text_ok(json_string_value(v), json_string_length(v)))
			return json_fail(err, json_bad_text);
	}
	return FZ_OK;
}

json_t *parse_json_body(const char *s, size_t n, size_t max_depth,
			struct fz_err *err)
{
	json_error_t je;
	json_t *root;

	if (n > PARSE_MAX_JSON) {
		fz_fail(err, 400, "bad_json", "请求正文过大（最多 %zu MiB）",
			PARSE_MAX_JSON >> 20);
		return NULL;
	}
	if (!n) {
		json_fail(err, "请求正文为空，应为 JSON 对象");
		return NULL;
	}
	/* JSON_DECODE_ANY so that a scalar top level gets the same clear
	 * "must be an object" message as an array does. */
	root = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!root) {
		json_fail_parse(err, &je);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_fail(err, "请求正文必须是 JSON 对象");
		goto fail;
	}
	if (json_check(root, 1, max_depth, err))
		goto fail;
	return root;
fail:
	json_decref(root);
	return NULL;
}
