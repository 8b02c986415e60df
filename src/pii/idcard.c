/* idcard.c: resident identity numbers (GB 11643-1999) and division codes */
#include "pii/pii.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

/* The division list is 6,400 lines of about 20 bytes. */
#define DIVISIONS_MAX ((size_t)4 << 20)
#define EARLIEST_YEAR 1800

/* ---- The division list ---- */

struct division {
	uint32_t code;
	const char *name;
};

static struct {
	struct division *v;
	size_t n;
	char *text;		/* the file; names point into it */
	int rc;
	struct fz_err err;
} divs;
static pthread_once_t divs_once = PTHREAD_ONCE_INIT;

/* Codes outside the county list that GB 11643 numbers use: the
 * 港澳台居民居住证 (2018) carry these in place of an address code. */
static const struct division permit_codes[] = {
	{ 810000, "香港特别行政区" },
	{ 820000, "澳门特别行政区" },
	{ 830000, "台湾地区" },
};

const char *pii_divisions_path(void)
{
	const char *env = getenv("FAZHI_DIVISIONS");

	return env && *env ? env : FAZHI_SOURCE_DATA_DIR
		"/divisions/counties.tsv";
}

/* Six digits at `s` as a number, or -1. */
static int32_t code6(const char *s)
{
	int32_t v = 0;
	int i;

	for (i = 0; i < 6; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int cmp_division(const void *a, const void *b)
{
	uint32_t x = ((const struct division *)a)->code;
	uint32_t y = ((const struct division *)b)->code;

	return x < y ? -1 : x > y;
}

/* One "CODE<TAB>NAME" line, NUL-terminated in place. */
static int parse_line(char *line, size_t *cap, const char *path, int lineno)
{
	int32_t code = code6(line);

	if (code < 0 || line[6] != '\t' || !line[7])
		return fz_fail(&divs.err, 500, "no_divisions",
			       "%s:%d: expected CODE<TAB>NAME", path, lineno);
	if (divs.n == *cap) {
		*cap = *cap ? 2 * *cap : 8192;
		divs.v = xrealloc(divs.v, *cap * sizeof(*divs.v));
	}
	divs.v[divs.n].code = (uint32_t)code;
	divs.v[divs.n++].name = line + 7;
	return FZ_OK;
}

static void load_divisions(void)
{
	const char *path = pii_divisions_path();
	struct buf b = BUF_INIT;
	char *p, *nl;
	size_t cap = 0;
	int lineno = 0;

	if (read_file(path, &b, DIVISIONS_MAX)) {
		buf_release(&b);
		divs.rc = fz_fail(&divs.err, 500, "no_divisions",
				  "cannot read the division list %s", path);
		return;
	}
	divs.text = buf_detach(&b, NULL);
	for (p = divs.text; p && *p && !divs.rc; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (nl && nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		lineno++;
		if (*p != '#' && *p)
			divs.rc = parse_line(p, &cap, path, lineno);
	}
	if (!divs.rc && !divs.n)
		divs.rc = fz_fail(&divs.err, 500, "no_divisions",
				  "the division list %s is empty", path);
	if (divs.rc)
		return;
	qsort(divs.v, divs.n, sizeof(*divs.v), cmp_division);
}

int pii_divisions_init(struct fz_err *err)
{
	pthread_once(&divs_once, load_divisions);
	if (divs.rc && err)
		*err = divs.err;
	return divs.rc ? FZ_ERR : FZ_OK;
}

const char *pii_division_name(const char *code)
{
	struct division key, *d;
	int32_t c = code ? code6(code) : -1;
	size_t i;

	if (c < 0)
		return NULL;
	key.code = (uint32_t)c;
	for (i = 0; i < ARRAY_SIZE(permit_codes); i++)
		if (permit_codes[i].code == key.code)
			return permit_codes[i].name;
	if (pii_divisions_init(NULL))
		return NULL;
	d = bsearch(&key, divs.v, divs.n, sizeof(*divs.v), cmp_division);
	return d ? d->name : NULL;
}

/* ---- Numbers ---- */

static const char *const reasons[] = {
	[-PII_ID_OK] = "",
	[-PII_ID_EMPTY] = "请填写公民身份号码",
	[-PII_ID_FORMAT] = "公民身份号码应为18位（最后一位可以是X）或15位数字",
	[-PII_ID_CHECK] = "公民身份号码的校验码不正确，请核对号码",
	[-PII_ID_DATE] = "公民身份号码中的出生日期不是有效日期",
	[-PII_ID_FUTURE] = "公民身份号码中的出生日期晚于今天",
	[-PII_ID_REGION] = "公民身份号码的前六位不是已知的行政区划代码",
	[-PII_ID_NODATA] = "行政区划数据不可用，暂时无法核验公民身份号码",
};

const char *pii_idcard_reason(int rc)
{
	if (rc > 0 || -rc >= (int)ARRAY_SIZE(reasons))
		return "公民身份号码无效";
	return reasons[-rc];
}

char pii_idcard_check_char(const char *s)
{
	/* W_i = 2^(17-i) mod 11; Y = S mod 11 indexes "10X98765432". */
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3,
				   7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * Fold and strip `s` into the 18-character form without judging the
 * date, region or check character: 17 digits and a digit or X (either
 * case, written X), or 15 digits upgraded.  PII_ID_EMPTY, PII_ID_FORMAT
 * or 0.
 */
static int id_form(const char *s, char out[PII_ID_LEN + 1], bool *legacy)
{
	struct buf f = BUF_INIT;
	char t[PII_ID_LEN + 1];
	const char *p;
	size_t n = 0;
	int rc = FZ_OK;

	*legacy = false;
	out[0] = '\0';
	pii_fold_width(s, &f);
	for (p = buf_cstr(&f); *p && n <= PII_ID_LEN; p++)
		if (*p != ' ' && *p != '\t')
			t[n++] = *p;
	buf_release(&f);
	if (n == 0)
		return PII_ID_EMPTY;
	if (n == 18 && all_digits(t, 17) &&
	    ((t[17] >= '0' && t[17] <= '9') || t[17] == 'X' || t[17] == 'x')) {
		memcpy(out, t, 17);
		out[17] = t[17] == 'x' ? 'X' : t[17];
	} else if (n == 15 && all_digits(t, 15)) {
		memcpy(out, t, 6);
		memcpy(out + 6, "19", 2);
		memcpy(out + 8, t + 6, 9);
		out[17] = pii_idcard_check_char(out);
		*legacy = true;
	} else {
		rc = PII_ID_FORMAT;
	}
	out[rc ? 0 : PII_ID_LEN] = '\0';
	return rc;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Today in China Standard Time as YYYYMMDD, from days since 1970-01-01
 * (the civil-from-days method: eras of 400 years, March-based years). */
static int32_t today_cst(void)
{
	int64_t z = (clock_now() + 8 * 3600) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	return (int32_t)(y * 10000 + m * 100 + d);
}

/* The birth date YYYYMMDD at `s` (digits): PII_ID_DATE, PII_ID_FUTURE
 * or 0. */
static int check_birth(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	int y = two(s) * 100 + two(s + 2), m = two(s + 4), d = two(s + 6);

	if (y < EARLIEST_YEAR || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] || (m == 2 && d == 29 && !leap(y)))
		return PII_ID_DATE;
	if ((int32_t)(y * 10000 + m * 100 + d) > today_cst())
		return PII_ID_FUTURE;
	return FZ_OK;
}

static int check_region(const char *s)
{
	if (pii_divisions_init(NULL))
		return PII_ID_NODATA;
	return pii_division_name(s) ? FZ_OK : PII_ID_REGION;
}

/* The checks in the order that gives the most useful message: a typing
 * mistake anywhere nearly always breaks the check character first. */
static int check_number(const char *s, char norm[PII_ID_LEN + 1])
{
	bool legacy;
	int rc = id_form(s, norm, &legacy);

	if (rc)
		return rc;
	if (!legacy && pii_idcard_check_char(norm) != norm[17])
		return PII_ID_CHECK;
	if ((rc = check_birth(norm + 6)))
		return rc;
	return check_region(norm);
}

int pii_idcard_check(const char *s, char norm[PII_ID_LEN + 1],
		     const char **why)
{
	char n18[PII_ID_LEN + 1];
	int rc = check_number(s ? s : "", n18);

	if (rc)
		n18[0] = '\0';
	if (norm)
		memcpy(norm, n18, strlen(n18) + 1);
	if (why)
		*why = pii_idcard_reason(rc);
	return rc;
}

int pii_idcard_normalise(const char *s, char out[PII_ID_LEN + 1])
{
	bool legacy;

	return id_form(s ? s : "", out, &legacy) ? FZ_ERR : FZ_OK;
}
