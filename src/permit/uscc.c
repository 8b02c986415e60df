/* uscc.c: unified social credit codes (统一社会信用代码, GB 32100-2015)
 *
 * 18 characters: the registration authority (1), the category of body
 * (1), the registering authority's division code (6), the organisation's
 * own code (9, GB 11714) and a check character.  The check is ISO 7064
 * MOD 31-3 in the standard's own words: weights 3^(i-1) mod 31, C18 =
 * 31 - S mod 31 where 31 means 0.  Several published implementations
 * index the alphabet with 31 - S % 31 and read past its end when S is a
 * multiple of 31; the extra "% 31" below is that case.
 */
#include "permit/permit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

#include "pii/pii.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* 3^(i-1) mod 31 for i = 1..17. */
static const int weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/*
 * Registration authorities and the categories each registers (the
 * standard's code tables as published with it; the regulation notes
 * list 1, 5 and 9 in full).
 */
struct authority {
	char code;
	const char *name;
	const char *categories;
};

static const struct authority authorities[] = {
	{ '1', "机构编制", "1239" },
	{ '2', "外交", "19" },
	{ '3', "司法行政", "123459" },
	{ '4', "文化", "19" },
	{ '5', "民政", "1239" },
	{ '6', "旅游", "129" },
	{ '7', "宗教", "129" },
	{ '8', "工会", "19" },
	{ '9', "工商", "123" },
	{ 'A', "中央军委改革和编制办公室", "19" },
	{ 'N', "农业", "1239" },
	{ 'Y', "其他", "1" },
};

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

char uscc_check_char(const char *s)
{
	int i, v, sum = 0;

	for (i = 0; i < 17; i++) {
		if ((v = value_of(s[i])) < 0)
			return 0;
		sum += v * weights[i];
	}
	return alphabet[(31 - sum % 31) % 31];
}

static const struct authority *authority_of(char c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(authorities); i++)
		if (authorities[i].code == c)
			return &authorities[i];
	return NULL;
}

static bool fail(struct fz_err *err, const char *code, const char *fmt,
		 ...) FZ_PRINTF(3, 4);

static bool fail(struct fz_err *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return false;
	err->status = 400;
	snprintf(err->code, sizeof(err->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return false;
}

/* The first character of `s` that is not of the alphabet, as a string
 * (a whole UTF-8 sequence), into `out`. */
static void first_bad(const char *s, char out[8])
{
	size_t n = 1;

	while (*s && value_of(*s) >= 0)
		s++;
	if ((unsigned char)*s >= 0xc0)
		while (n < 4 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
	memcpy(out, s, n);
	out[n] = '\0';
}

bool uscc_valid(const char *s, struct fz_err *err)
{
	const struct authority *a;
	char want, got[2] = { 0, 0 }, bad[8];
	size_t i;

	if (!s || strlen(s) != USCC_LEN)
		return fail(err, "uscc_length", "统一社会信用代码应为 18 位，"
			    "实为 %zu 位", s ? utf8_chars(s, strlen(s)) : 0);
	for (i = 0; i < USCC_LEN; i++)
		if (value_of(s[i]) < 0) {
			first_bad(s, bad);
			return fail(err, "uscc_char", "统一社会信用代码含有"
				    "不允许的字符“%s”（只用数字和除 I、O、"
				    "S、V、Z 以外的大写字母）", bad);
		}
	got[0] = s[0];
	if (!(a = authority_of(s[0])))
		return fail(err, "uscc_authority", "第 1 位登记管理部门代码“%s”"
			    "不存在", got);
	if (!strchr(a->categories, s[1])) {
		char cat[3] = { s[0], s[1], 0 };

		return fail(err, "uscc_category", "前 2 位“%s”不是%s登记的机构"
			    "类别", cat, a->name);
	}
	for (i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return fail(err, "uscc_division", "第 3 至 8 位应为 "
				    "6 位数字的行政区划码");
	want = uscc_check_char(s);
	if (want != s[17]) {
		char w[2] = { want, 0 };

		got[0] = s[17];
		return fail(err, "uscc_check", "校验码错误：按前 17 位计算，"
			    "第 18 位应为 %s，实为 %s", w, got);
	}
	return true;
}

/* GB 11714 value of a body character under one of the two letter
 * tables; -1 when it has no value there. */
static int inner_value(char c, bool short_table)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (short_table)
		return value_of(c);
	return c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
}

static bool inner_matches(const char *s, bool short_table)
{
	static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, v, sum = 0, c9;
	char want;

	for (i = 0; i < 8; i++) {
		if ((v = inner_value(s[8 + i], short_table)) < 0)
			return false;
		sum += v * w[i];
	}
	c9 = 11 - sum % 11;
	want = c9 == 10 ? 'X' : c9 == 11 ? '0' : (char)('0' + c9);
	return s[16] == want;
}

int uscc_inner_check(const char *s)
{
	if (!s || strlen(s) != USCC_LEN)
		return -1;
	return inner_matches(s, false) || inner_matches(s, true);
}

void uscc_normalise(const char *in, struct buf *out)
{
	struct buf f = BUF_INIT;
	const char *p;

	pii_fold_width(in, &f);
	for (p = buf_cstr(&f); *p; p++) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		buf_putc(out, c);
	}
	buf_release(&f);
}
