/* phone.c: mainland mobile and landline numbers, full-width folding */
#include "pii/pii.h"

#include <string.h>

/* Longest input worth looking at: "+86 0575 - 8601 2345" written with
 * full-width characters stays far below it. */
#define PHONE_INPUT_MAX 96
/* Digits a phone number can have, with some slack for rejects. */
#define DIGITS_MAX 16

void pii_fold_width(const char *in, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)in;

	if (!p)
		return;
	while (*p) {
		/* U+FF01..U+FF3F is EF BC 81..BF, U+FF40..U+FF5E is
		 * EF BD 80..9E; each is its ASCII letter plus 0xFEE0. */
		if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x81 &&
		    p[2] <= 0xBF) {
			buf_putc(out, p[2] - 0x81 + 0x21);
			p += 3;
		} else if (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x80 &&
			   p[2] <= 0x9E) {
			buf_putc(out, p[2] - 0x80 + 0x60);
			p += 3;
		} else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			buf_putc(out, ' ');
			p += 3;
		} else {
			buf_putc(out, *p++);
		}
	}
}

/* The length of a separator at `p` (space, tab, hyphen or one of the
 * dashes U+2010..U+2015, E2 80 90..95), or 0. */
static size_t separator(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '-')
		return 1;
	if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x90 && p[2] <= 0x95)
		return 3;
	return 0;
}

/* The digits of a folded number and where its first separator fell. */
struct digits {
	char d[DIGITS_MAX + 1];
	size_t n;
	size_t first_sep;	/* digits before the first inner separator */
	bool intl;		/* written with +86 */
};

/* Split folded text into digits; false on any other character, on a
 * separator before the first digit or on too many digits. */
static bool scan(const char *s, struct digits *dg)
{
	const unsigned char *p = (const unsigned char *)s;
	bool sep = false;
	size_t k;

	memset(dg, 0, sizeof(*dg));
	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '+' && p[1] == '8' && p[2] == '6') {
		dg->intl = true;
		p += 3;
		while ((k = separator(p)))
			p += k;
	}
	while (*p) {
		if (*p >= '0' && *p <= '9') {
			if (dg->n == DIGITS_MAX)
				return false;
			/* Only a separator between digits counts. */
			if (sep && !dg->first_sep)
				dg->first_sep = dg->n;
			dg->d[dg->n++] = (char)*p++;
			sep = false;
		} else if ((k = separator(p)) && dg->n) {
			sep = true;
			p += k;
		} else {
			return false;
		}
	}
	return dg->n > 0;
}

static bool is_mobile(const struct digits *dg)
{
	return dg->n == 11 && dg->d[0] == '1' && dg->d[1] >= '3' &&
	       dg->d[1] <= '9';
}

/* The length of the area code of a landline, or 0 when `d` cannot start
 * one: 010 and 020..029 have three digits, every other (0[3-9]xx) four. */
static size_t area_len(const char *d)
{
	if (d[0] != '0')
		return 0;
	if (d[1] == '1')
		return d[2] == '0' ? 3 : 0;
	if (d[1] == '2')
		return 3;
	return d[1] >= '3' && d[1] <= '9' ? 4 : 0;
}

static size_t landline_area(const struct digits *dg)
{
	size_t area = dg->n >= 4 ? area_len(dg->d) : 0, local;

	if (!area)
		return 0;
	local = dg->n - area;
	if (local < 7 || local > 8 || dg->d[area] < '2')
		return 0;
	/* "057 586012345" splits the area code: not a number we know. */
	if (dg->first_sep && dg->first_sep != area)
		return 0;
	return area;
}

/* Turn "+86 575 ..." back into the national form "0575..."; a mobile
 * number has no trunk 0, Beijing's "+86 10 ..." has. */
static void add_trunk_zero(struct digits *dg)
{
	if (!dg->intl || dg->d[0] == '0' || is_mobile(dg) ||
	    dg->n >= DIGITS_MAX)
		return;
	memmove(dg->d + 1, dg->d, dg->n + 1);
	dg->d[0] = '0';
	dg->n++;
	if (dg->first_sep)
		dg->first_sep++;
}

/* Parse `in` into the digits of a phone number; the kind, and on success
 * the area code length of a landline in `*area`. */
static int parse(const char *in, struct digits *dg, size_t *area)
{
	struct buf f = BUF_INIT;
	bool ok;

	*area = 0;
	if (!in || strlen(in) > PHONE_INPUT_MAX)
		return PII_PHONE_INVALID;
	pii_fold_width(in, &f);
	ok = scan(buf_cstr(&f), dg);
	buf_release(&f);
	if (!ok)
		return PII_PHONE_INVALID;
	add_trunk_zero(dg);
	if (is_mobile(dg))
		return PII_PHONE_MOBILE;
	*area = landline_area(dg);
	return *area ? PII_PHONE_LANDLINE : PII_PHONE_INVALID;
}

int pii_phone_normalise(const char *in, char *out, size_t n)
{
	struct digits dg;
	size_t area;
	int kind = parse(in, &dg, &area);

	if (!out || !n)
		return PII_PHONE_INVALID;
	*out = '\0';
	/* The landline form adds a hyphen. */
	if (kind == PII_PHONE_INVALID ||
	    n < dg.n + 1 + (kind == PII_PHONE_LANDLINE))
		return PII_PHONE_INVALID;
	if (kind == PII_PHONE_MOBILE) {
		memcpy(out, dg.d, dg.n + 1);
	} else {
		memcpy(out, dg.d, area);
		out[area] = '-';
		memcpy(out + area + 1, dg.d + area, dg.n - area + 1);
	}
	return kind;
}

bool pii_mobile_valid(const char *s, char norm[12])
{
	char out[PII_PHONE_MAX];
	bool ok = pii_phone_normalise(s, out, sizeof(out)) == PII_PHONE_MOBILE;

	if (norm)
		memcpy(norm, ok ? out : "", ok ? 12 : 1);
	return ok;
}

void pii_phone_last4(const char *s, char out[5])
{
	struct buf f = BUF_INIT;
	const char *base, *p;
	size_t have = 0;

	out[0] = '\0';
	if (!s)
		return;
	pii_fold_width(s, &f);
	base = buf_cstr(&f);
	/* Walk back from the end and collect four digits. */
	for (p = base + f.len; p > base && have < 4; p--)
		if (p[-1] >= '0' && p[-1] <= '9')
			out[3 - have++] = p[-1];
	if (have < 4)
		out[0] = '\0';
	else
		out[4] = '\0';
	buf_release(&f);
}
