/* test_parse.c: request-input decoders and UTF-8 checks (WB-06, AD-08) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "core/util.h"
#include "http/parse.h"

/* Length of a string literal, embedded NULs included. */
#define LIT(s) (s), (sizeof(s) - 1)

/* ---- utf8_valid ---- */

struct utf8_case {
	const char *s;
	size_t n;
	bool valid;
};

static const struct utf8_case utf8_cases[] = {
	{ LIT(""), true },
	{ LIT("plain ascii"), true },
	{ LIT("法治政府"), true },
	{ LIT("tab\there\r\nnewline"), true },
	{ LIT("\x7f"), true },                    /* DEL is text */
	{ LIT("\xc2\x85"), true },                /* C1 NEL is text */
	{ LIT("\xf0\x9f\x98\x80"), true },        /* U+1F600 */
	{ LIT("\xed\x9f\xbf"), true },            /* U+D7FF */
	{ LIT("\xee\x80\x80"), true },            /* U+E000 */
	{ LIT("\xf4\x8f\xbf\xbf"), true },        /* U+10FFFF */
	{ LIT("a\0b"), false },                   /* NUL */
	{ LIT("\x01"), false },
	{ LIT("\x1b[31m"), false },               /* ANSI escape */
	{ LIT("\x1f"), false },
	{ LIT("\xc0\xaf"), false },               /* overlong '/' */
	{ LIT("\xc1\xbf"), false },
	{ LIT("\xe0\x80\xaf"), false },
	{ LIT("\xe0\x9f\xbf"), false },
	{ LIT("\xf0\x80\x80\xaf"), false },
	{ LIT("\xf0\x8f\xbf\xbf"), false },
	{ LIT("\xc0\x80"), false },               /* "modified UTF-8" NUL */
	{ LIT("\xed\xa0\x80"), false },           /* U+D800 */
	{ LIT("\xed\xbf\xbf"), false },           /* U+DFFF */
	{ LIT("\xf4\x90\x80\x80"), false },       /* U+110000 */
	{ LIT("\xf5\x80\x80\x80"), false },
	{ LIT("\xe6\xb3"), false },               /* truncated 法 */
	{ LIT("\xe6\xb3x"), false },
	{ LIT("\x80"), false },                   /* lone continuation */
	{ LIT("\xfe"), false },
	{ LIT("\xff"), false },
};

static void test_WB_06_utf8_valid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(utf8_cases); i++) {
		const struct utf8_case *c = &utf8_cases[i];

		if (utf8_valid(c->s, c->n) != c->valid)
			fail_msg("utf8_valid case %zu: expected %d", i,
				 c->valid);
	}
	assert_true(utf8_valid(NULL, 0));
}

static void test_utf8_chars(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars(LIT("")), 0);
	assert_int_equal(utf8_chars(LIT("abc")), 3);
	assert_int_equal(utf8_chars(LIT("法治abc")), 5);
	assert_int_equal(utf8_chars(LIT("\xf0\x9f\x98\x80!")), 2);
}

static void test_utf8_cut(void **state)
{
	(void)state;
	/* 法 and 治 are three bytes each */
	assert_int_equal(utf8_cut(LIT("法治"), 6), 6);
	assert_int_equal(utf8_cut(LIT("法治"), 7), 6);
	assert_int_equal(utf8_cut(LIT("法治"), 5), 3);
	assert_int_equal(utf8_cut(LIT("法治"), 4), 3);
	assert_int_equal(utf8_cut(LIT("法治"), 3), 3);
	assert_int_equal(utf8_cut(LIT("法治"), 2), 0);
	assert_int_equal(utf8_cut(LIT("a法"), 3), 1);
	assert_int_equal(utf8_cut(LIT("ab"), 1), 1);
	assert_int_equal(utf8_cut(LIT("\xf0\x9f\x98\x80!"), 4), 4);
	assert_int_equal(utf8_cut(LIT("\xf0\x9f\x98\x80!"), 3), 0);
	assert_int_equal(utf8_cut(LIT(""), 0), 0);
}

/* ---- text_sanitize_log ---- */

static void assert_log_line(const char *s, size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	size_t i;

	text_sanitize_log(&b, s, n);
	assert_int_equal(buf_err(&b), 0);
	assert_string_equal(buf_cstr(&b), want);
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		assert_true(c >= 0x20 && c != 0x7f);
	}
	assert_true(utf8_valid(b.data, b.len));
	buf_release(&b);
}

static void test_AD_08_log_escape(void **state)
{
	(void)state;
	/* CR/LF, an ANSI colour and a NUL in a user name: one line. */
	assert_log_line(LIT("a\r\nb\x1b[31m\0c"),
			"a\\r\\nb\\x1b[31m\\x00c");
	assert_log_line(LIT("张三\tadmin"), "张三\\tadmin");
	assert_log_line(LIT("del\x7f"), "del\\x7f");
	assert_log_line(LIT("nel\xc2\x85" "end"), "nel\\u0085end");
	assert_log_line(LIT("csi\xc2\x9b"), "csi\\u009b");
	assert_log_line(LIT("ls\xe2\x80\xa8" "x"), "ls\\u2028x");
	assert_log_line(LIT("rlo\xe2\x80\xae"), "rlo\\u202e");
	/* A literal backslash-n must not read as an escaped newline. */
	assert_log_line(LIT("a\\nb"), "a\\\\nb");
	/* Broken UTF-8 comes out byte by byte, the rest unchanged. */
	assert_log_line(LIT("\xff\xe6\xb3\xe6\xb3\x95"), "\\xff\\xe6\\xb3法");
	assert_log_line(LIT("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_log_line(LIT(""), "");
}

/* ---- parse_urlencoded ---- */

struct form_case {
	const char *s;
	size_t n;
	int ok;
	size_t npairs;
	const char *pairs[4][2];
};

static const struct form_case form_ok_cases[] = {
	{ LIT(""), 1, 0, { { NULL } } },
	{ LIT("&&&"), 1, 0, { { NULL } } },
	{ LIT("a=1&b=2"), 1, 2, { { "a", "1" }, { "b", "2" } } },
	{ LIT("q=%E6%B3%95%E6%B2%BB"), 1, 1, { { "q", "法治" } } },
	{ LIT("q=%e6%b3%95%e6%b2%bb"), 1, 1, { { "q", "法治" } } },
	{ LIT("q=法治"), 1, 1, { { "q", "法治" } } },
	{ LIT("%E5%90%8D=%E5%BC%A0+%E4%B8%89"), 1, 1,
	  { { "名", "张 三" } } },
	{ LIT("a+b=c+d"), 1, 1, { { "a b", "c d" } } },
	{ LIT("%2B=%2B%26%3D"), 1, 1, { { "+", "+&=" } } },
	{ LIT("a=1&a=2"), 1, 2, { { "a", "1" }, { "a", "2" } } },
	{ LIT("flag"), 1, 1, { { "flag", "" } } },
	{ LIT("a=&=b"), 1, 2, { { "a", "" }, { "", "b" } } },
	{ LIT("&a=1&&b&"), 1, 2, { { "a", "1" }, { "b", "" } } },
	{ LIT("a=b=c"), 1, 1, { { "a", "b=c" } } },
	{ LIT("t=%09x%0D%0A"), 1, 1, { { "t", "\tx\r\n" } } },
	{ LIT("e=%F0%9F%98%80"), 1, 1, { { "e", "\xf0\x9f\x98\x80" } } },
};

static const struct form_case form_bad_cases[] = {
	{ LIT("a=%G1"), 0, 0, { { NULL } } },
	{ LIT("a=%4"), 0, 0, { { NULL } } },
	{ LIT("a=%"), 0, 0, { { NULL } } },
	{ LIT("%zz=1"), 0, 0, { { NULL } } },
	{ LIT("ok=1&a=%4G"), 0, 0, { { NULL } } },
};

/* Cases for WB-06: bytes that are not text must never reach a handler. */
static const struct form_case form_text_cases[] = {
	{ LIT("a=%00"), 0, 0, { { NULL } } },
	{ LIT("a=b%00c"), 0, 0, { { NULL } } },
	{ LIT("%00=x"), 0, 0, { { NULL } } },
	{ LIT("a=b\0c"), 0, 0, { { NULL } } },       /* raw NUL */
	{ LIT("a=%01"), 0, 0, { { NULL } } },
	{ LIT("a=%1B%5B31m"), 0, 0, { { NULL } } },
	{ LIT("a=%C0%AF"), 0, 0, { { NULL } } },     /* overlong */
	{ LIT("a=%C0%80"), 0, 0, { { NULL } } },
	{ LIT("a=%ED%A0%80"), 0, 0, { { NULL } } },  /* surrogate */
	{ LIT("a=%F4%90%80%80"), 0, 0, { { NULL } } },
	{ LIT("a=%E6%B3"), 0, 0, { { NULL } } },     /* truncated */
	{ LIT("a=%80"), 0, 0, { { NULL } } },
	{ LIT("a=%FF"), 0, 0, { { NULL } } },
	{ LIT("a=\xff"), 0, 0, { { NULL } } },
	{ LIT("%C0%AF=1"), 0, 0, { { NULL } } },
};

static void check_form_case(const struct form_case *c, size_t idx)
{
	struct kvlist l = KVLIST_INIT;
	struct fz_err err = { 0 };
	size_t i;
	int rc = parse_urlencoded(c->s, c->n, &l, &err);

	if (!c->ok) {
		if (rc >= 0)
			fail_msg("case %zu (%s) parsed", idx, c->s);
		assert_int_equal(err.status, 400);
		assert_string_equal(err.code, "bad_request");
		assert_true(err.msg[0] != '\0');
		assert_int_equal(l.n, 0);
		assert_null(l.items);
		return;
	}
	if (rc)
		fail_msg("case %zu (%s) failed: %s", idx, c->s, err.msg);
	assert_int_equal(l.n, c->npairs);
	for (i = 0; i < c->npairs; i++) {
		assert_string_equal(l.items[i].key, c->pairs[i][0]);
		assert_string_equal(l.items[i].val, c->pairs[i][1]);
		assert_int_equal(l.items[i].vlen, strlen(c->pairs[i][1]));
	}
	kvlist_release(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.items);
}

static void test_urlencoded_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(form_ok_cases); i++)
		check_form_case(&form_ok_cases[i], i);
	for (i = 0; i < ARRAY_SIZE(form_bad_cases); i++)
		check_form_case(&form_bad_cases[i], i);
}

static void test_WB_06_urlencoded_invalid_text(void **state)
{
	struct kvlist l = KVLIST_INIT;
	struct fz_err err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(form_text_cases); i++)
		check_form_case(&form_text_cases[i], i);
	assert_true(parse_urlencoded(LIT("a=%00"), &l, &err) < 0);
	assert_string_equal(err.msg, "请求参数不是有效的 UTF-8 文本");
}

static void test_urlencoded_duplicates(void **state)
{
	struct kvlist l = KVLIST_INIT;

	(void)state;
	assert_int_equal(parse_urlencoded(LIT("a=1&b=x&a=2"), &l, NULL), 0);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_int_equal(kv_count(&l, "a"), 2);
	assert_int_equal(kv_count(&l, "b"), 1);
	assert_int_equal(kv_count(&l, "c"), 0);
	assert_null(kv_get(&l, "c"));
	kvlist_release(&l);
}

/* Build "k0=v&k1=v&..." with `n` pairs. */
static void make_pairs(struct buf *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%sk%zu=v", i ? "&" : "", i);
}

static int parse_buf(struct buf *b, struct kvlist *l, struct fz_err *err)
{
	assert_int_equal(buf_err(b), 0);
	return parse_urlencoded(b->data, b->len, l, err);
}

static void test_urlencoded_limits(void **state)
{
	struct kvlist l = KVLIST_INIT;
	struct fz_err err = { 0 };
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	make_pairs(&b, PARSE_MAX_PAIRS);
	assert_int_equal(parse_buf(&b, &l, &err), 0);
	assert_int_equal(l.n, PARSE_MAX_PAIRS);
	kvlist_release(&l);

	buf_reset(&b);
	make_pairs(&b, PARSE_MAX_PAIRS + 1);
	assert_true(parse_buf(&b, &l, &err) < 0);
	assert_string_equal(err.code, "bad_request");
	assert_null(l.items);

	/* Key: 128 bytes decoded is fine, 129 is not, encoded or not. */
	buf_reset(&b);
	for (i = 0; i < PARSE_MAX_KEY; i++)
		buf_puts(&b, "%41");
	buf_puts(&b, "=1");
	assert_int_equal(parse_buf(&b, &l, &err), 0);
	assert_int_equal(strlen(l.items[0].key), PARSE_MAX_KEY);
	kvlist_release(&l);
	buf_reset(&b);
	for (i = 0; i <= PARSE_MAX_KEY; i++)
		buf_puts(&b, "%41");
	assert_true(parse_buf(&b, &l, &err) < 0);
	buf_reset(&b);
	for (i = 0; i <= PARSE_MAX_KEY; i++)
		buf_putc(&b, 'k');
	assert_true(parse_buf(&b, &l, &err) < 0);
	assert_null(l.items);

	/* Value: 1 MiB decoded is fine, one byte more is not. */
	buf_reset(&b);
	buf_puts(&b, "v=");
	for (i = 0; i < PARSE_MAX_VALUE; i++)
		buf_putc(&b, 'x');
	assert_int_equal(parse_buf(&b, &l, &err), 0);
	assert_int_equal(l.items[0].vlen, PARSE_MAX_VALUE);
	kvlist_release(&l);
	buf_putc(&b, 'x');
	assert_true(parse_buf(&b, &l, &err) < 0);
	buf_reset(&b);
	buf_puts(&b, "v=");
	for (i = 0; i <= PARSE_MAX_VALUE; i++)
		buf_puts(&b, "%78");
	assert_true(parse_buf(&b, &l, &err) < 0);
	assert_null(l.items);
	buf_release(&b);
}

/* A failed parse leaves pairs that were already in the list alone. */
static void test_urlencoded_append_rollback(void **state)
{
	struct kvlist l = KVLIST_INIT;

	(void)state;
	assert_int_equal(parse_urlencoded(LIT("page=2"), &l, NULL), 0);
	assert_int_equal(parse_urlencoded(LIT("a=1&b=%ZZ"), &l, NULL), -1);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "page"), "2");
	assert_int_equal(parse_urlencoded(LIT("q=%E6%B3%95"), &l, NULL), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "q"), "法");
	kvlist_release(&l);
}

/* ---- parse_cookies ---- */

struct cookie_case {
	const char *header;
	size_t npairs;
	const char *pairs[4][2];
};

static const struct cookie_case cookie_cases[] = {
	{ NULL, 0, { { NULL } } },
	{ "", 0, { { NULL } } },
	{ "a=b; c=d", 2, { { "a", "b" }, { "c", "d" } } },
	{ "  a = b ;c=d  ;", 2, { { "a", "b" }, { "c", "d" } } },
	{ "sid=\"abc123\"", 1, { { "sid", "abc123" } } },
	{ "a=\"\"; b=", 2, { { "a", "" }, { "b", "" } } },
	{ "a=1; a=2", 2, { { "a", "1" }, { "a", "2" } } },
	{ "garbage; a=1; =x; b c=2; d=\x01; e=1,2; f=ok", 2,
	  { { "a", "1" }, { "f", "ok" } } },
	{ "q=\"unbalanced; r=x\"y; s=v", 1, { { "s", "v" } } },
	{ "zh=法治; t=\tx\t", 1, { { "t", "x" } } },
	{ "tok=a%20b+c; $Version=1", 2,
	  { { "tok", "a%20b+c" }, { "$Version", "1" } } },
	{ ";;;=;", 0, { { NULL } } },
};

static void test_cookies_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cookie_cases); i++) {
		const struct cookie_case *c = &cookie_cases[i];
		struct kvlist l = KVLIST_INIT;

		assert_int_equal(parse_cookies(c->header, &l), 0);
		if (l.n != c->npairs)
			fail_msg("cookie case %zu: %zu cookies", i, l.n);
		for (j = 0; j < c->npairs; j++) {
			assert_string_equal(l.items[j].key, c->pairs[j][0]);
			assert_string_equal(l.items[j].val, c->pairs[j][1]);
			assert_int_equal(l.items[j].vlen,
					 strlen(c->pairs[j][1]));
		}
		kvlist_release(&l);
	}
}

static void test_cookies_limits(void **state)
{
	struct kvlist l = KVLIST_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < PARSE_MAX_COOKIES + 10; i++)
		buf_printf(&b, "c%zu=%zu; ", i, i);
	assert_int_equal(parse_cookies(buf_cstr(&b), &l), 0);
	assert_int_equal(l.n, PARSE_MAX_COOKIES);
	assert_string_equal(l.items[0].key, "c0");
	kvlist_release(&l);

	buf_reset(&b);
	buf_puts(&b, "a=");
	while (b.len < PARSE_MAX_COOKIE_HEADER)
		buf_putc(&b, 'x');
	assert_int_equal(parse_cookies(buf_cstr(&b), &l), 0);
	assert_int_equal(l.n, 1);
	kvlist_release(&l);
	buf_putc(&b, 'x');
	assert_true(parse_cookies(buf_cstr(&b), &l) < 0);
	assert_int_equal(l.n, 0);
	buf_release(&b);
}

/* ---- parse_json_body ---- */

struct json_case {
	const char *s;
	size_t n;
	size_t depth;
	bool ok;
	const char *msg_part;   /* expected in the error message, if set */
};

static const struct json_case json_cases[] = {
	{ LIT("{}"), 8, true, NULL },
	{ LIT("{\"a\":1,\"b\":null,\"c\":[true,1.5]}"), 8, true, NULL },
	{ LIT("{\"名称\":\"法治\\n政府\"}"), 8, true, NULL },
	{ LIT("{\"a\":\"\\u6cd5\\u6cbb\"}"), 8, true, NULL },
	{ LIT("  {\"a\":1}\n"), 8, true, NULL },
	{ LIT("[1,2]"), 8, false, "JSON 对象" },
	{ LIT("\"x\""), 8, false, "JSON 对象" },
	{ LIT("1"), 8, false, "JSON 对象" },
	{ LIT("null"), 8, false, "JSON 对象" },
	{ LIT(""), 8, false, NULL },
	{ LIT("{\"a\":1,\"a\":2}"), 8, false, "重复" },
	{ LIT("{\"a\":}"), 8, false, "第 1 行" },
	{ LIT("{\"a\":1}x"), 8, false, NULL },
	{ LIT("{\"a\":1"), 8, false, NULL },
	{ LIT("{\"a\":{\"b\":{\"c\":1}}}"), 3, true, NULL },
	{ LIT("{\"a\":{\"b\":{\"c\":1}}}"), 2, false, "层级" },
	{ LIT("{\"a\":[[1]]}"), 3, true, NULL },
	{ LIT("{\"a\":[[1]]}"), 2, false, "层级" },
	{ LIT("{\"a\":[[]]}"), 2, false, "层级" },
	{ LIT("{\"a\":1}"), 0, false, "层级" },
};

/* WB-06: NUL, controls and broken UTF-8 in strings or keys. */
static const struct json_case json_text_cases[] = {
	{ LIT("{\"a\":\"x\\u0000y\"}"), 8, false, NULL },
	{ LIT("{\"a\\u0000\":1}"), 8, false, NULL },
	{ LIT("{\"a\":\"\\u0001\"}"), 8, false, "UTF-8" },
	{ LIT("{\"\\u001b[31m\":1}"), 8, false, "UTF-8" },
	{ LIT("{\"a\":[\"ok\",\"\\u0007\"]}"), 8, false, "UTF-8" },
	{ LIT("{\"a\":\"\\ud800\"}"), 8, false, NULL },
	{ LIT("{\"a\":\"\xff\"}"), 8, false, "UTF-8" },
	{ LIT("{\"a\":\"\xc0\xaf\"}"), 8, false, "UTF-8" },
	{ LIT("{\"a\":\"\xed\xa0\x80\"}"), 8, false, "UTF-8" },
	{ LIT("{\"a\":\"\xe6\xb3\"}"), 8, false, "UTF-8" },
	{ LIT("{\"a\":1}\0"), 8, false, NULL },
};

static void check_json_cases(const struct json_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct json_case *c = &cases[i];
		struct fz_err err = { 0 };
		json_t *v = parse_json_body(c->s, c->n, c->depth, &err);

		if (c->ok) {
			if (!v)
				fail_msg("json case %zu failed: %s", i,
					 err.msg);
			assert_true(json_is_object(v));
			json_decref(v);
			continue;
		}
		if (v)
			fail_msg("json case %zu parsed", i);
		assert_int_equal(err.status, 400);
		assert_string_equal(err.code, "bad_json");
		if (c->msg_part && !strstr(err.msg, c->msg_part))
			fail_msg("json case %zu: message \"%s\"", i, err.msg);
	}
}

static void test_json_table(void **state)
{
	(void)state;
	check_json_cases(json_cases, ARRAY_SIZE(json_cases));
}

static void test_WB_06_json_invalid_text(void **state)
{
	(void)state;
	check_json_cases(json_text_cases, ARRAY_SIZE(json_text_cases));
}

static void test_json_size_limit(void **state)
{
	struct fz_err err = { 0 };
	struct buf b = BUF_INIT;
	json_t *v;

	(void)state;
	buf_puts(&b, "{\"a\":\"");
	while (b.len < PARSE_MAX_JSON - 2)
		buf_putc(&b, 'x');
	buf_puts(&b, "\"}");
	v = parse_json_body(b.data, b.len, 4, &err);
	assert_non_null(v);
	json_decref(v);
	buf_putc(&b, ' ');
	assert_null(parse_json_body(b.data, b.len, 4, &err));
	assert_string_equal(err.code, "bad_json");
	buf_release(&b);
}

/* Deep nesting is refused without exhausting the C stack. */
static void test_json_deep_nesting(void **state)
{
	struct fz_err err = { 0 };
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	buf_putc(&b, '{');
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "\"a\":{");
	for (i = 0; i < 100000; i++)
		buf_putc(&b, '}');
	buf_putc(&b, '}');
	assert_null(parse_json_body(b.data, b.len, 32, &err));
	assert_string_equal(err.code, "bad_json");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_WB_06_utf8_valid),
		cmocka_unit_test(test_utf8_chars),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_AD_08_log_escape),
		cmocka_unit_test(test_urlencoded_table),
		cmocka_unit_test(test_WB_06_urlencoded_invalid_text),
		cmocka_unit_test(test_urlencoded_duplicates),
		cmocka_unit_test(test_urlencoded_limits),
		cmocka_unit_test(test_urlencoded_append_rollback),
		cmocka_unit_test(test_cookies_table),
		cmocka_unit_test(test_cookies_limits),
		cmocka_unit_test(test_json_table),
		cmocka_unit_test(test_WB_06_json_invalid_text),
		cmocka_unit_test(test_json_size_limit),
		cmocka_unit_test(test_json_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
