/* record.c: a row of an import sheet (or the staff form) checked into a
 * permit record, and the report of what was wrong
 *
 * Values are taken as people type them into spreadsheets: full-width
 * digits and letters, spaces around values, dates as 2022/3/5 or
 * 2022年3月5日 or a spreadsheet's day number, 长期 for a validity without
 * end, a credit code in lower case.  What cannot be read as what the
 * column means is reported, naming the row and the column and, for a
 * wrong check character, the character that would be right, so that the
 * user can correct the sheet in one pass.
 */
#include "permit/permit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attach/attach.h"
#include "calendar/calendar.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "pii/pii.h"

static const char *const col_names[PC_COUNT] = {
	[PC_ITEM] = "许可事项",
	[PC_NUMBER] = "决定文书号",
	[PC_HOLDER] = "行政相对人名称",
	[PC_CODE] = "统一社会信用代码",
	[PC_DECIDED] = "许可决定日期",
	[PC_FROM] = "有效期自",
	[PC_TO] = "有效期至",
	[PC_AUTHORITY] = "许可机关",
	[PC_BASIS] = "许可依据",
	[PC_FULLTEXT] = "全文",
};

static const char *const col_fields[PC_COUNT] = {
	[PC_ITEM] = "item",
	[PC_NUMBER] = "decision_no",
	[PC_HOLDER] = "holder",
	[PC_CODE] = "holder_code",
	[PC_DECIDED] = "decided_on",
	[PC_FROM] = "valid_from",
	[PC_TO] = "valid_to",
	[PC_AUTHORITY] = "authority",
	[PC_BASIS] = "legal_basis",
	[PC_FULLTEXT] = "fulltext",
};

const char *permit_col_name(enum permit_col c)
{
	return (unsigned)c < PC_COUNT ? col_names[c] : "";
}

const char *permit_col_field(enum permit_col c)
{
	return (unsigned)c < PC_COUNT ? col_fields[c] : "";
}

void permit_release(struct permit *p)
{
	free(p->item);
	free(p->decision_no);
	free(p->holder);
	free(p->holder_code);
	free(p->decided_on);
	free(p->valid_from);
	free(p->valid_to);
	free(p->authority);
	free(p->legal_basis);
	free(p->imported_from);
	memset(p, 0, sizeof(*p));
}

/* ---- the report ---- */

void permit_report_release(struct permit_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].msg);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void permit_problem(struct permit_report *r, int row, const char *column,
		    bool warning, const char *fmt, ...)
{
	struct permit_problem *p;
	struct buf b = BUF_INIT;
	va_list ap;

	if (warning)
		r->warnings++;
	else
		r->errors++;
	if (r->n == PERMIT_PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	p = &r->v[r->n++];
	p->row = row;
	p->column = column;
	p->warning = warning;
	p->msg = buf_detach(&b, NULL);
}

void permit_report_text(const struct permit_report *r, struct buf *out)
{
	size_t i, listed = 0;

	for (i = 0; i < r->n; i++) {
		const struct permit_problem *p = &r->v[i];

		if (p->row)
			buf_printf(out, "第 %d 行", p->row);
		else
			buf_puts(out, "文件");
		if (p->column)
			buf_printf(out, " [%s]", p->column);
		buf_printf(out, " %s%s\n", p->warning ? "提示：" : "", p->msg);
		listed++;
	}
	if (r->errors + r->warnings > listed)
		buf_printf(out, "……另有 %zu 处问题未列出\n",
			   r->errors + r->warnings - listed);
	if (r->errors)
		buf_printf(out, "共 %zu 行数据，%zu 处错误，未导入任何记录\n",
			   r->rows, r->errors);
	else if (r->stored)
		buf_printf(out, "已导入 %zu 条许可记录（其中 %zu 条有电子"
			   "全文），批次 %s\n", r->stored, r->with_fulltext,
			   r->batch);
	else
		buf_printf(out, "检查通过：共 %zu 行数据（其中 %zu 条有电子"
			   "全文），可以导入\n", r->rows, r->with_fulltext);
}

/* ---- values ---- */

/* Length of the blank (ASCII white space, U+00A0, U+3000, U+FEFF) at
 * `s`, 0 when there is none. */
static size_t blank_at(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u == ' ' || *u == '\t' || *u == '\r' || *u == '\n')
		return 1;
	if (u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	if (u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;
	return 0;
}

/* `s` without blanks at either end, malloc'd ("" for NULL). */
static char *trimmed(const char *s)
{
	const char *end, *p;
	size_t k;

	if (!s)
		return xstrdup("");
	while ((k = blank_at(s)))
		s += k;
	end = s;
	for (p = s; *p; ) {
		if ((k = blank_at(p))) {
			p += k;
			continue;
		}
		/* past a whole character, which ends the value so far */
		p++;
		while (((unsigned char)*p & 0xc0) == 0x80)
			p++;
		end = p;
	}
	return xstrndup(s, (size_t)(end - s));
}

struct check {
	const struct permit_input *in;
	int row;
	int32_t today;
	struct permit_report *rep;
	int errors;
};

static void problem(struct check *c, enum permit_col col, const char *fmt,
		    ...) FZ_PRINTF(3, 4);

static void problem(struct check *c, enum permit_col col, const char *fmt,
		    ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	permit_problem(c->rep, c->row, col_names[col], false, "%s",
		       buf_cstr(&b));
	buf_release(&b);
	c->errors++;
}

/* A text column: trimmed, required or not, at most `max` characters, on
 * one line unless `lines`.  NULL after a problem. */
static char *text_value(struct check *c, enum permit_col col, bool required,
			size_t max, bool lines)
{
	char *s = trimmed(c->in->v[col]);
	size_t n = utf8_chars(s, strlen(s));

	if (required && !*s)
		problem(c, col, "必填，不能为空");
	else if (n > max)
		problem(c, col, "过长：最多 %zu 个字，实为 %zu 个字", max, n);
	else if (!lines && strpbrk(s, "\r\n"))
		problem(c, col, "不能换行");
	else
		return s;
	free(s);
	return NULL;
}

/* ---- dates ---- */

/* 1 to `max` ASCII digits at *p into *v, advancing; false when none. */
static bool digits(const char **p, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n > 0;
}

/* A separator of a written date: - / . or 年 月 (3 bytes each). */
static bool date_sep(const char **p, const char *cjk)
{
	if (**p == '-' || **p == '/' || **p == '.') {
		(*p)++;
		return true;
	}
	if (cjk && strncmp(*p, cjk, strlen(cjk)) == 0) {
		*p += strlen(cjk);
		return true;
	}
	return false;
}

/* A written date: 2022-03-05, 2022/3/5, 2022.3.5, 2022年3月5日,
 * 20220305, any of them followed by a time of day. */
static int written_date(const char *s, char out[11])
{
	const char *p = s;
	char tmp[32];
	int y, m, d;
	cal_day day;

	if (strlen(s) >= 8 && strspn(s, "0123456789") == 8 && !s[8]) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		    (s[2] - '0') * 10 + (s[3] - '0');
		m = (s[4] - '0') * 10 + (s[5] - '0');
		d = (s[6] - '0') * 10 + (s[7] - '0');
	} else {
		if (!digits(&p, 4, &y) || p - s != 4 || !date_sep(&p, "年") ||
		    !digits(&p, 2, &m) || !date_sep(&p, "月") ||
		    !digits(&p, 2, &d))
			return FZ_ERR;
		if (strncmp(p, "日", strlen("日")) == 0)
			p += strlen("日");
		if (*p && !((*p == ' ' || *p == 'T') && p[1] >= '0' &&
			    p[1] <= '9'))
			return FZ_ERR;
	}
	if (snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d) != 10 ||
	    cal_parse(tmp, &day))
		return FZ_ERR;
	memcpy(out, tmp, 11);
	return 0;
}

/* A spreadsheet's day number: days since 1899-12-30 (the 1900 system,
 * which counts a 29 February 1900 that never was, hence the 30th), or
 * since 1904-01-01. */
static int serial_date(const char *s, bool date1904, char out[11])
{
	int64_t n;
	size_t k = strspn(s, "0123456789");
	char whole[16];

	if (!k || k >= sizeof(whole) || (s[k] && s[k] != '.') ||
	    (s[k] == '.' && strspn(s + k + 1, "0123456789") !=
	     strlen(s + k + 1)))
		return FZ_ERR;
	memcpy(whole, s, k);
	whole[k] = '\0';
	if (parse_int64(whole, 61, 2958465, &n))
		return FZ_ERR;
	n -= date1904 ? 24107 : 25569;
	if (n < 0)
		return FZ_ERR;
	cal_format((cal_day)n, out);
	return 0;
}

/* A date column into "YYYY-MM-DD" (malloc'd), "" when empty and not
 * required; NULL after a problem. */
static char *date_value(struct check *c, enum permit_col col, bool required)
{
	char *s = trimmed(c->in->v[col]), out[11];
	struct buf f = BUF_INIT;
	int rc;

	if (!*s && !required)
		return s;
	if (!*s) {
		problem(c, col, "必填，不能为空");
		free(s);
		return NULL;
	}
	pii_fold_width(s, &f);
	rc = c->in->serial[col] ?
	     serial_date(buf_cstr(&f), c->in->date1904, out) :
	     written_date(buf_cstr(&f), out);
	buf_release(&f);
	if (rc) {
		problem(c, col, "日期“%s”无法识别，请写作 2022-03-05 的形式，"
			"并确认是真实存在的日期", s);
		free(s);
		return NULL;
	}
	free(s);
	return xstrdup(out);
}

static bool is_no_end(const char *s)
{
	return strcmp(s, PERMIT_NO_END) == 0 || strcmp(s, "长期有效") == 0 ||
	       strcmp(s, "永久") == 0 || strcmp(s, "无期限") == 0;
}

static void check_dates(struct check *c, struct permit *p)
{
	char *to = trimmed(c->in->v[PC_TO]);
	cal_day d;

	p->decided_on = date_value(c, PC_DECIDED, true);
	if (p->decided_on && cal_parse(p->decided_on, &d) == 0 &&
	    d > c->today) {
		problem(c, PC_DECIDED, "许可决定日期 %s 晚于今天",
			p->decided_on);
		free(p->decided_on);
		p->decided_on = NULL;
	}
	p->valid_from = date_value(c, PC_FROM, false);
	if (is_no_end(to))
		p->valid_to = xstrdup(PERMIT_NO_END);
	else
		p->valid_to = date_value(c, PC_TO, false);
	free(to);
	if (!p->valid_to || !*p->valid_to || !strcmp(p->valid_to,
						     PERMIT_NO_END))
		return;
	/* ISO dates compare as strings */
	if (p->valid_from && *p->valid_from &&
	    strcmp(p->valid_to, p->valid_from) < 0)
		problem(c, PC_TO, "有效期至 %s 早于有效期自 %s", p->valid_to,
			p->valid_from);
	else if (p->decided_on && strcmp(p->valid_to, p->decided_on) < 0)
		problem(c, PC_TO, "有效期至 %s 早于许可决定日期 %s",
			p->valid_to, p->decided_on);
}

/* ---- the decision number ---- */

static size_t bracket(const char *s, bool open)
{
	static const char *const opens[] = { "[", "(", "〔", "【", "﹝", "{" };
	static const char *const closes[] = { "]", ")", "〕", "】", "﹞", "}" };
	const char *const *v = open ? opens : closes;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opens); i++)
		if (strncmp(s, v[i], strlen(v[i])) == 0)
			return strlen(v[i]);
	return 0;
}

/* Full-width folded, spaces dropped, the year in 〔〕 (GB/T 9704: 新高许
 * 〔2022〕1号, however the brackets were typed). */
static char *decision_number(const char *s)
{
	struct buf f = BUF_INIT, out = BUF_INIT;
	const char *p;
	size_t k, e;

	pii_fold_width(s, &f);
	for (p = buf_cstr(&f); *p; ) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if ((k = bracket(p, true)) &&
		    strspn(p + k, "0123456789") == 4 &&
		    (e = bracket(p + k + 4, false))) {
			buf_puts(&out, "〔");
			buf_add(&out, p + k, 4);
			buf_puts(&out, "〕");
			p += k + 4 + e;
			continue;
		}
		buf_putc(&out, *p++);
	}
	buf_release(&f);
	return buf_detach(&out, NULL);
}

/* ---- the holder's code ---- */

/* 17 digits and a digit or X, starting like a division and a birth year:
 * what a resident identity number looks like. */
static bool id_like(const char *s)
{
	return strlen(s) == 18 && strspn(s, "0123456789") >= 17 &&
	       (s[17] == 'X' || (s[17] >= '0' && s[17] <= '9')) &&
	       s[0] >= '1' && s[0] <= '8' &&
	       (strncmp(s + 6, "19", 2) == 0 || strncmp(s + 6, "20", 2) == 0);
}

static void check_code(struct check *c, struct permit *p)
{
	char *raw = trimmed(c->in->v[PC_CODE]);
	struct buf b = BUF_INIT;
	struct fz_err err = { 0 };
	const char *why = NULL;
	char norm[PII_ID_LEN + 1];
	const char *s;
	int id_rc;

	uscc_normalise(raw, &b);
	s = buf_cstr(&b);
	if (!*s) {
		problem(c, PC_CODE, "必填，不能为空");
		goto out;
	}
	id_rc = id_like(s) ? pii_idcard_check(s, norm, &why) : PII_ID_FORMAT;
	if (id_rc == PII_ID_OK) {
		/* a natural person: the number is checked, not kept */
		p->holder_kind = PERMIT_PERSON;
		p->holder_code = xstrdup("");
		goto out;
	}
	if (uscc_valid(s, &err)) {
		p->holder_kind = PERMIT_ORG;
		p->holder_code = xstrdup(s);
		if (uscc_inner_check(s) == 0)
			permit_problem(c->rep, c->row, col_names[PC_CODE],
				       true, "%s 的第 9 至 17 位（组织机构"
				       "代码）校验不符，请核对", s);
	} else if (id_like(s)) {
		problem(c, PC_CODE, "自然人的身份证号码有误：%s", why);
	} else {
		problem(c, PC_CODE, "“%s”：%s", raw, err.msg);
	}
out:
	/* it may have been a person's number */
	if (b.data)
		crypto_cleanse(b.data, b.len);
	crypto_cleanse(raw, strlen(raw));
	crypto_cleanse(norm, sizeof(norm));
	buf_release(&b);
	free(raw);
}

/* ---- the full text ---- */

static bool word_in(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

static void check_fulltext(struct check *c, struct permit *p,
			   permit_file_fn find, void *arg)
{
	static const char *const yes[] = { "是", "有", "y", "yes", "true",
					   "1" };
	static const char *const no[] = { "否", "无", "n", "no", "false",
					  "0", "" };
	char *s = trimmed(c->in->v[PC_FULLTEXT]);
	const struct upload *u;
	struct fz_err err = { 0 };

	if (word_in(s, yes, ARRAY_SIZE(yes))) {
		p->fulltext = true;
	} else if (word_in(s, no, ARRAY_SIZE(no))) {
		p->fulltext = false;
	} else if (!find) {
		problem(c, PC_FULLTEXT, "请填写“是”或“否”");
	} else if (!(u = find(s, arg))) {
		problem(c, PC_FULLTEXT, "找不到全文文件“%s”：请一并上传该文件，"
			"或填写“是”“否”", s);
	} else if (attach_check_local(u, NULL, &err)) {
		problem(c, PC_FULLTEXT, "%s", err.msg);
	} else {
		p->fulltext = true;
		p->file = u;
	}
	free(s);
}

int permit_check(const struct permit_input *in, int row, int32_t today,
		 permit_file_fn find, void *arg, struct permit *out,
		 struct permit_report *rep)
{
	struct check c = { in, row, today, rep, 0 };
	char *number;

	memset(out, 0, sizeof(*out));
	out->row = row;
	out->item = text_value(&c, PC_ITEM, true, PERMIT_ITEM_MAX, false);
	number = text_value(&c, PC_NUMBER, true, PERMIT_NUMBER_MAX, false);
	if (number) {
		out->decision_no = decision_number(number);
		free(number);
	}
	out->holder = text_value(&c, PC_HOLDER, true, PERMIT_HOLDER_MAX,
				 false);
	check_code(&c, out);
	check_dates(&c, out);
	out->authority = text_value(&c, PC_AUTHORITY, true,
				    PERMIT_AUTHORITY_MAX, false);
	out->legal_basis = text_value(&c, PC_BASIS, false, PERMIT_BASIS_MAX,
				      true);
	check_fulltext(&c, out, find, arg);
	if (c.errors) {
		permit_release(out);
		return 1;
	}
	return 0;
}
