/* mask.c: masked display of names, ID numbers, phones and addresses */
#include "pii/pii.h"

#include <string.h>

/* How many characters of an address are searched for the place. */
#define ADDRESS_WINDOW 9
/* What is kept of an address with no place suffix in the window. */
#define ADDRESS_KEEP 6

/* The byte length of the character at `p`: its lead byte and the
 * continuation bytes after it (at most three), so that even a stray byte
 * counts as one character and nothing is cut in half. */
static size_t char_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = 1;

	if (u[0] < 0x80)
		return 1;
	while (n < 4 && (u[n] & 0xC0) == 0x80)
		n++;
	return n;
}

static size_t count_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s += char_len(s))
		n++;
	return n;
}

/* Byte offset of character `i` of `s` (or the end). */
static size_t char_offset(const char *s, size_t i)
{
	const char *p = s;

	for (; *p && i; i--)
		p += char_len(p);
	return (size_t)(p - s);
}

static void stars(struct buf *out, size_t n)
{
	while (n--)
		buf_putc(out, '*');
}

void pii_mask_name(const char *in, struct buf *out)
{
	const char *p;
	size_t k;

	if (!in || !*in)
		return;
	k = char_len(in);
	if (!in[k]) {
		buf_putc(out, '*');
		return;
	}
	buf_add(out, in, k);
	for (p = in + k; *p; p += k) {
		k = char_len(p);
		/* U+00B7 MIDDLE DOT separates the parts of a transliterated
		 * name; keeping it shows only how many parts there are. */
		if (k == 2 && (unsigned char)p[0] == 0xC2 &&
		    (unsigned char)p[1] == 0xB7)
			buf_add(out, p, k);
		else
			buf_putc(out, '*');
	}
}

void pii_mask_idcard(const char *in, struct buf *out)
{
	size_t n, tail;

	if (!in || !*in)
		return;
	n = count_chars(in);
	if (n <= 4) {
		stars(out, n);
		return;
	}
	tail = char_offset(in, n - 4);
	if (n >= 11) {
		buf_add(out, in, char_offset(in, 6));
		stars(out, n - 10);
	} else {
		stars(out, n - 4);
	}
	buf_puts(out, in + tail);
}

/* Digits in `s`, ASCII or full-width. */
static size_t count_digits(const char *s)
{
	struct buf f = BUF_INIT;
	const char *p;
	size_t n = 0;

	pii_fold_width(s, &f);
	for (p = buf_cstr(&f); *p; p++)
		n += *p >= '0' && *p <= '9';
	buf_release(&f);
	return n;
}

void pii_mask_phone(const char *in, struct buf *out)
{
	char norm[PII_PHONE_MAX], last4[5];
	const char *dash;
	size_t len;

	if (!in || !*in)
		return;
	switch (pii_phone_normalise(in, norm, sizeof(norm))) {
	case PII_PHONE_MOBILE:
		buf_add(out, norm, 3);
		buf_puts(out, "****");
		buf_puts(out, norm + 7);
		return;
	case PII_PHONE_LANDLINE:
		dash = strchr(norm, '-');
		len = strlen(dash + 1);
		buf_add(out, norm, (size_t)(dash + 1 - norm));
		stars(out, len - 4);
		buf_puts(out, dash + 1 + len - 4);
		return;
	}
	/* Not a number we know: show no more than the last four digits. */
	buf_puts(out, "****");
	pii_phone_last4(in, last4);
	if (count_digits(in) >= 7)
		buf_puts(out, last4);
}

/* Whether the text at `p` ends a place name: 省 市 区 县 旗 盟 州 镇 乡
 * (one character) or 街道 (two); the number of characters matched. */
static size_t place_suffix(const char *p)
{
	static const char *const one[] = {
		"省", "市", "区", "县", "旗", "盟", "州", "镇", "乡",
	};
	size_t i;

	if (str_starts(p, "街道"))
		return 2;
	for (i = 0; i < ARRAY_SIZE(one); i++)
		if (str_starts(p, one[i]))
			return 1;
	return 0;
}

/* Characters of the address to keep: up to the last place suffix that
 * ends within the window, else a fixed prefix; half of a short address,
 * so that some of it is always hidden. */
static size_t address_keep(const char *in, size_t n)
{
	const char *p = in;
	size_t i, k, keep = 0;

	if (n <= ADDRESS_KEEP)
		return n / 2;
	for (i = 0; i < ADDRESS_WINDOW && *p; i++, p += char_len(p)) {
		k = place_suffix(p);
		if (k && i + k <= ADDRESS_WINDOW)
			keep = i + k;
	}
	return keep ? keep : ADDRESS_KEEP;
}

void pii_mask_address(const char *in, struct buf *out)
{
	if (!in || !*in)
		return;
	buf_add(out, in, char_offset(in, address_keep(in, count_chars(in))));
	buf_puts(out, "***");
}

void pii_mask_text(const char *in, struct buf *out)
{
	if (in && *in)
		buf_puts(out, "（已隐藏）");
}
