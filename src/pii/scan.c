/* scan.c: find and redact personal data in text before it is published */
#include "pii/scan.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "pii/pii.h"

/* The longest number looked at: a card has at most 19 digits. */
#define NUM_MAX 19
/* Separators (spaces, hyphens) allowed between two groups of a number:
 * "0575 - 86012345" has three. */
#define SEP_MAX 3
/* RFC 5321 limits of an e-mail address. */
#define LOCAL_MAX 64
#define DOMAIN_MAX 253
/* An extension has at most this many digits. */
#define EXT_MAX 5
/* How many filler words (号码, 为, ':') may stand between a label such as
 * 电话 and a local number. */
#define LABEL_GAP 4

/* ---- The normalised view ---- */

/*
 * The text with every full-width ASCII form, space and dash folded to one
 * ASCII byte, and for each byte of the view the offset in the original of
 * the character it came from.  Everything else is copied byte for byte,
 * so Chinese stays Chinese (bytes >= 0x80: never a digit or a letter).
 */
struct view {
	char *s;
	uint32_t *at;		/* at[len] is the length of the original */
	size_t len;
};

/* The ASCII byte that the character at `p` (`left` bytes remain) is read
 * as, and its length in `*k`; -1 when it is copied as it is. */
static int fold_char(const unsigned char *p, size_t left, size_t *k)
{
	/* A tab stays a tab: it separates the cells of a table, which are
	 * not the groups of one number. */
	*k = 1;
	if (p[0] < 0x80)
		return p[0];
	*k = 2;
	/* U+00B7 middle dot as a hyphen, U+00A0 no-break space. */
	if (left >= 2 && p[0] == 0xC2 && p[1] == 0xB7)
		return '-';
	if (left >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return ' ';
	*k = 3;
	if (left < 3)
		return -1;
	/* U+FF01..U+FF5E: the ASCII letter plus 0xFEE0 (as phone.c). */
	if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF)
		return p[2] - 0x81 + 0x21;
	if (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E)
		return p[2] - 0x80 + 0x60;
	/* U+3000 ideographic space. */
	if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
		return ' ';
	/* U+2000..U+200D spaces and zero-width characters, which would
	 * otherwise hide a number from the gate; U+202F, U+2060, U+FEFF. */
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8D || p[2] == 0xAF))
		return ' ';
	if ((p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0xA0) ||
	    (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF))
		return ' ';
	/* Dashes U+2010..U+2015, minus U+2212, katakana middle dot U+30FB,
	 * small hyphens U+FE58 and U+FE63. */
	if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x90 && p[2] <= 0x95)
		return '-';
	if ((p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92) ||
	    (p[0] == 0xE3 && p[1] == 0x83 && p[2] == 0xBB) ||
	    (p[0] == 0xEF && p[1] == 0xB9 && (p[2] == 0x98 || p[2] == 0xA3)))
		return '-';
	return -1;
}

static void view_build(struct view *v, const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, k;
	int c;

	v->s = xmalloc(n + 1);
	v->at = xmalloc((n + 1) * sizeof(*v->at));
	v->len = 0;
	while (i < n) {
		c = fold_char(p + i, n - i, &k);
		if (c < 0) {
			c = p[i];
			k = 1;
		}
		v->at[v->len] = (uint32_t)i;
		v->s[v->len++] = (char)c;
		i += k;
	}
	v->at[v->len] = (uint32_t)n;
	v->s[v->len] = '\0';
}

static void view_release(struct view *v)
{
	free(v->s);
	free(v->at);
}

/* The byte at `i` of the view, or -1 outside it. */
static int vc(const struct view *v, size_t i)
{
	return i < v->len ? (unsigned char)v->s[i] : -1;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Whether the view ends with `w` just before `i`. */
static bool ends_with(const struct view *v, size_t i, const char *w)
{
	size_t n = strlen(w);

	return i >= n && !memcmp(v->s + i - n, w, n);
}

/* ---- Findings ---- */

/* Rule names reported with each finding. */
static const char RULE_ID18[] = "id18:gb11643";
static const char RULE_ID15[] = "id15:address+date";
static const char RULE_MOBILE[] = "mobile";
static const char RULE_MOBILE_INTL[] = "mobile:+86";
static const char RULE_LANDLINE[] = "landline:area";
static const char RULE_LANDLINE_INTL[] = "landline:+86";
static const char RULE_LANDLINE_LOCAL[] = "landline:labelled";
static const char RULE_CARD[] = "card:luhn";
static const char RULE_EMAIL[] = "email";
static const char RULE_TERM[] = "term";

void scan_findings_release(struct scan_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].value);
		free(f->v[i].mask);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->alloc = 0;
}

const char *scan_kind_label(enum scan_kind kind)
{
	switch (kind) {
	case SCAN_ID18:
		return "公民身份号码";
	case SCAN_ID15:
		return "公民身份号码（15位）";
	case SCAN_MOBILE:
		return "手机号码";
	case SCAN_LANDLINE:
		return "固定电话号码";
	case SCAN_BANKCARD:
		return "银行卡号";
	case SCAN_EMAIL:
		return "电子邮箱";
	case SCAN_TERM:
		return "敏感词";
	}
	return "未知";
}

/* Append a finding; `mask` is taken over (released). */
static void add_finding(struct scan_findings *f, enum scan_kind kind,
			size_t off, size_t len, const char *value,
			struct buf *mask, const char *rule)
{
	struct scan_finding *x;

	if (f->n == f->alloc) {
		f->alloc = f->alloc ? 2 * f->alloc : 16;
		f->v = xrealloc(f->v, f->alloc * sizeof(*f->v));
	}
	x = &f->v[f->n++];
	x->kind = kind;
	x->off = off;
	x->len = len;
	x->value = xstrdup(value);
	x->mask = xstrdup(buf_cstr(mask));
	x->rule = rule;
	buf_release(mask);
}

/* A finding whose span is s[a..b) of the view. */
static void add_view_finding(struct scan_findings *f, const struct view *v,
			     size_t a, size_t b, enum scan_kind kind,
			     const char *value, struct buf *mask,
			     const char *rule)
{
	add_finding(f, kind, v->at[a], v->at[b] - v->at[a], value, mask,
		    rule);
}

static int cmp_finding(const void *a, const void *b)
{
	size_t x = ((const struct scan_finding *)a)->off;
	size_t y = ((const struct scan_finding *)b)->off;

	return x < y ? -1 : x > y;
}

static void sort_findings(struct scan_findings *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_finding);
}

/* ---- E-mail addresses ---- */

/* Spans of the view, in increasing order. */
struct spans {
	struct { size_t a, b; } *v;
	size_t n, alloc;
	size_t cur;		/* first span that may still overlap */
};

static void spans_add(struct spans *s, size_t a, size_t b)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 8;
		s->v = xrealloc(s->v, s->alloc * sizeof(*s->v));
	}
	s->v[s->n].a = a;
	s->v[s->n++].b = b;
}

/* Whether [a, b) overlaps a span; calls must come with increasing `a`. */
static bool spans_overlap(struct spans *s, size_t a, size_t b)
{
	while (s->cur < s->n && s->v[s->cur].b <= a)
		s->cur++;
	return s->cur < s->n && s->v[s->cur].a < b;
}

static bool local_char(int c)
{
	return is_alnum(c) || (c > 0 && strchr("._%+-", c));
}

/* The start of the local part of an address whose '@' is at `at`, or
 * `at` when there is none: at most LOCAL_MAX characters, beginning with a
 * letter or digit, not ending with a dot. */
static size_t email_local(const struct view *v, size_t at)
{
	size_t l = at;

	while (l > 0 && local_char(vc(v, l - 1)) && at - l <= LOCAL_MAX)
		l--;
	if (at - l > LOCAL_MAX)
		return at;
	while (l < at && !is_alnum(vc(v, l)))
		l++;
	if (l < at && vc(v, at - 1) == '.')
		return at;
	return l;
}

/* The end of the domain after the '@' at `at`, or `at` when there is
 * none: dot-separated labels of letters, digits and inner hyphens, at
 * least two, the last of two or more letters (or an "xn--" label).  A
 * hyphen after the last label is a dash of the sentence, not the name. */
static size_t email_domain(const struct view *v, size_t at)
{
	size_t r = at + 1, ls = r, le, dots = 0, i;
	bool alpha;

	for (;;) {
		ls = r;
		while ((is_alnum(vc(v, r)) || vc(v, r) == '-') &&
		       r - at <= DOMAIN_MAX)
			r++;
		le = r;
		while (le > ls && vc(v, le - 1) == '-')
			le--;
		if (le == ls || vc(v, ls) == '-' || r - at > DOMAIN_MAX)
			return at;
		if (vc(v, r) == '.' && is_alnum(vc(v, r + 1)) && le == r) {
			r++;
			dots++;
			continue;
		}
		break;
	}
	alpha = le - ls >= 2;
	for (i = ls; i < le && alpha; i++)
		alpha = is_alpha(vc(v, i));
	if (!dots || !(alpha || (le - ls > 4 && !memcmp(v->s + ls, "xn--", 4))))
		return at;
	return le;
}

static void find_emails(const struct view *v, struct spans *out,
			struct scan_findings *f)
{
	struct buf value = BUF_INIT, mask = BUF_INIT;
	const char *p;
	size_t at = 0, l, r, i, last = 0;

	while ((p = memchr(v->s + at, '@', v->len - at))) {
		at = (size_t)(p - v->s);
		l = email_local(v, at);
		/* "a@b.cn@c.cn": no name begins inside the address before. */
		r = l < at && l >= last ? email_domain(v, at) : at;
		if (r == at) {
			at++;
			continue;
		}
		buf_add(&value, v->s + l, at - l + 1);
		for (i = at + 1; i < r; i++)
			buf_putc(&value, lower(vc(v, i)));
		buf_putc(&mask, v->s[l]);
		buf_puts(&mask, "***");
		buf_puts(&mask, buf_cstr(&value) + (at - l));
		add_view_finding(f, v, l, r, SCAN_EMAIL, buf_cstr(&value),
				 &mask, RULE_EMAIL);
		buf_release(&value);
		spans_add(out, l, r);
		at = last = r;
	}
}

/* ---- Numbers: groups and chunks ---- */

/*
 * A chunk is a run of digit groups joined by separators, such as
 * "0575 - 8601 2345" (three groups).  A finding is made of whole
 * consecutive groups: a group is never cut, which is what keeps an ID
 * number inside a longer run of digits from being reported.
 */
struct group {
	size_t a, b;		/* the digits: s[a..b) of the view */
	bool hard;		/* joined to the one before by a hyphen */
	bool paren;		/* "(0575)" or "(+86)", first group only */
	bool x;			/* followed by the check character X */
	bool glued;		/* touches letters or digits outside */
	bool used;		/* part of a finding */
};

struct chunk {
	struct group *g;
	size_t n, alloc;
	size_t end;		/* view position after the chunk */
};

/* A letter word before digits that labels them rather than making one
 * code with them ("Tel13812345678", "No.330624..."). */
static bool label_word(const struct view *v, size_t a)
{
	static const char *const words[] = {
		"tel", "fax", "phone", "mobile", "mob", "cell", "no", "id",
	};
	size_t r = a, i, k;

	while (r > 0 && is_alpha(vc(v, r - 1)))
		r--;
	if (r > 0 && is_alnum(vc(v, r - 1)))
		return false;
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (strlen(words[i]) != a - r)
			continue;
		for (k = 0; k < a - r && lower(vc(v, r + k)) == words[i][k];)
			k++;
		if (k == a - r)
			return true;
	}
	return false;
}

/* Whether the digits at `a` continue a longer code to their left: a
 * letter or '_' ("SN330624..."), a decimal point after a digit
 * ("1.13812345678"), a hyphen after a letter ("SN-330624..."). */
static bool glued_left(const struct view *v, size_t a)
{
	int c = a ? vc(v, a - 1) : -1, d = a > 1 ? vc(v, a - 2) : -1;

	if (is_alpha(c))
		return !label_word(v, a);
	return c == '_' || (c == '.' && is_digit(d)) ||
	       (c == '-' && is_alpha(d));
}

/* The same to the right; "ext" of an extension ("86012345ext8001") is
 * a label, not part of the number. */
static bool glued_right(const struct view *v, size_t b)
{
	int c = vc(v, b), d = vc(v, b + 1);

	if (lower(c) == 'e' && lower(d) == 'x' && lower(vc(v, b + 2)) == 't')
		return is_alpha(vc(v, b + 3));
	return is_alpha(c) || c == '_' || (c == '.' && is_digit(d)) ||
	       (c == '-' && is_alpha(d));
}

static struct group *chunk_add(struct chunk *ch, size_t a, size_t b)
{
	struct group *g;

	if (ch->n == ch->alloc) {
		ch->alloc = ch->alloc ? 2 * ch->alloc : 16;
		ch->g = xrealloc(ch->g, ch->alloc * sizeof(*ch->g));
	}
	g = &ch->g[ch->n++];
	memset(g, 0, sizeof(*g));
	g->a = a;
	g->b = b;
	return g;
}

/* "(0575)" and "(+86)": an area code or the country code in parentheses,
 * which joins the number after it. */
static bool paren_group(const struct view *v, const struct group *g)
{
	size_t len = g->b - g->a;

	if (vc(v, g->b) != ')' || g->a == 0)
		return false;
	if (vc(v, g->a - 1) == '(')
		return (len == 3 || len == 4) && vc(v, g->a) == '0';
	return g->a >= 2 && vc(v, g->a - 1) == '+' &&
	       vc(v, g->a - 2) == '(' && len == 2 &&
	       !memcmp(v->s + g->a, "86", 2);
}

/* Collect the chunk whose first digit is at `p`. */
static void chunk_collect(const struct view *v, size_t p, struct chunk *ch)
{
	struct group *g;
	size_t a, q, run;
	bool hard = false, paren;
	int c;

	ch->n = 0;
	for (;;) {
		for (a = p; is_digit(vc(v, p));)
			p++;
		g = chunk_add(ch, a, p);
		g->hard = hard;
		if ((vc(v, p) == 'X' || vc(v, p) == 'x') &&
		    !is_alnum(vc(v, p + 1)) && !glued_right(v, p + 1)) {
			g->x = true;
			p++;
			break;
		}
		paren = ch->n == 1 && paren_group(v, g);
		g->paren = paren;
		q = p + paren;
		hard = false;
		for (run = 0; run < SEP_MAX; run++, q++) {
			c = vc(v, q);
			if (c != ' ' && c != '-')
				break;
			hard |= c == '-';
		}
		if (!is_digit(vc(v, q)) || (q == p && !paren))
			break;
		p = q;
	}
	ch->end = p;
	ch->g[0].glued = glued_left(v, ch->g[0].a);
	g = &ch->g[ch->n - 1];
	if (!g->x && glued_right(v, g->b))
		g->glued = true;
}

/* ---- Numbers: what a run of digits is ---- */

/* A candidate: groups i..j of a chunk, after `skip` digits of group i
 * taken by a +86 or 0086 prefix. */
struct cand {
	const struct view *v;
	const struct chunk *ch;
	size_t i, j, skip;
	bool intl;
	char d[NUM_MAX + 2];	/* the digits after the prefix (and an X) */
	size_t nd;
};

/* What a candidate was found to be. */
struct match {
	enum scan_kind kind;
	const char *rule;
	char value[PII_ID_LEN + 2];
};

static bool luhn(const char *d, size_t n)
{
	size_t i;
	int sum = 0, x;

	for (i = 0; i < n; i++) {
		x = d[n - 1 - i] - '0';
		if (i % 2) {
			x *= 2;
			if (x > 9)
				x -= 9;
		}
		sum += x;
	}
	return sum % 10 == 0;
}

/* Issuer prefixes of cards used in China: UnionPay 62 (and 60, 65 of
 * its partners), Visa 4, Mastercard 5 and 2221-2720, JCB 35, Diners 30,
 * 36, 38. */
static bool card_prefix(const char *d)
{
	int two = (d[0] - '0') * 10 + (d[1] - '0');
	int four = two * 100 + (d[2] - '0') * 10 + (d[3] - '0');

	if (d[0] == '4' || d[0] == '5')
		return true;
	if (two == 60 || two == 62 || two == 65)
		return true;
	if (two == 30 || two == 35 || two == 36 || two == 38)
		return true;
	return four >= 2221 && four <= 2720;
}

/* Whether 18 digits have the shape of an ID number whatever their last
 * one: a known address code and a real birth date.  Such a run is a
 * mistyped ID number, never a card. */
static bool id_shaped(const char *d)
{
	char fixed[PII_ID_LEN + 1];
	int rc;

	memcpy(fixed, d, 17);
	fixed[17] = pii_idcard_check_char(d);
	fixed[18] = '\0';
	rc = pii_idcard_check(fixed, NULL, NULL);
	return rc == PII_ID_OK || rc == PII_ID_FUTURE;
}

static bool try_id18(const struct cand *c, struct match *m)
{
	if (c->nd != 18 || pii_idcard_check_char(c->d) != c->d[17] ||
	    pii_idcard_check(c->d, m->value, NULL) != PII_ID_OK)
		return false;
	m->kind = SCAN_ID18;
	m->rule = RULE_ID18;
	return true;
}

static bool try_id15(const struct cand *c, struct match *m)
{
	if (c->nd != 15 || !pii_division_name(c->d) ||
	    pii_idcard_check(c->d, NULL, NULL) != PII_ID_OK)
		return false;
	memcpy(m->value, c->d, 16);
	m->kind = SCAN_ID15;
	m->rule = RULE_ID15;
	return true;
}

static bool try_card(const struct cand *c, struct match *m)
{
	if (c->nd < 16 || c->nd > NUM_MAX || !card_prefix(c->d) ||
	    !luhn(c->d, c->nd) || (c->nd == 18 && id_shaped(c->d)))
		return false;
	memcpy(m->value, c->d, c->nd + 1);
	m->kind = SCAN_BANKCARD;
	m->rule = RULE_CARD;
	return true;
}

/* "+86 138 1234 5678": the candidate as pii_phone_normalise() reads
 * it, one space between groups, so that its rule on where an area code
 * may be split holds. */
static void spell_phone(const struct cand *c, char *out, size_t size)
{
	const struct group *g;
	size_t k, o = 0, from, len;

	if (c->intl) {
		memcpy(out, "+86 ", 4);
		o = 4;
	}
	for (k = c->i; k <= c->j; k++) {
		g = &c->ch->g[k];
		from = k == c->i ? c->skip : 0;
		len = g->b - g->a - from;
		if (!len || o + len + 2 > size)
			continue;
		if (o && out[o - 1] != ' ')
			out[o++] = ' ';
		memcpy(out + o, c->v->s + g->a + from, len);
		o += len;
	}
	out[o] = '\0';
}

static bool try_phone(const struct cand *c, struct match *m)
{
	bool mobile = c->nd == 11 && c->d[0] == '1' && c->d[1] >= '3';
	bool fixed = c->d[0] == '0' ? c->nd >= 10 && c->nd <= 12 :
		     c->intl && c->nd >= 9 && c->nd <= 11;
	char spelt[3 * NUM_MAX];
	int kind;

	/* A quick look first, phone.c decides: an area code is never 00,
	 * and a local number starts with 2-9 after three or four digits. */
	if (fixed && c->d[0] == '0')
		fixed = c->d[1] != '0' && (c->d[3] >= '2' || c->d[4] >= '2');

	if (!mobile && !fixed)
		return false;
	spell_phone(c, spelt, sizeof(spelt));
	kind = pii_phone_normalise(spelt, m->value, sizeof(m->value));
	if (kind == PII_PHONE_MOBILE) {
		m->kind = SCAN_MOBILE;
		m->rule = c->intl ? RULE_MOBILE_INTL : RULE_MOBILE;
	} else if (kind == PII_PHONE_LANDLINE) {
		m->kind = SCAN_LANDLINE;
		m->rule = c->intl ? RULE_LANDLINE_INTL : RULE_LANDLINE;
	} else {
		return false;
	}
	return true;
}

/* Labels after which 7 or 8 digits are a local telephone number, and
 * the words that may stand between ("电话号码：", "Tel: "). */
static const char *const phone_labels[] = {
	"电话", "传真", "座机", "固话", "热线", "联系方式",
	"Tel", "TEL", "tel", "Fax", "FAX", "fax", "Phone", "phone", "PHONE",
};
static const char *const label_fillers[] = {
	"号码", "号", "为", "是", ":", " ", "(", ")", "-", ".",
};

static bool after_label(const struct view *v, size_t p)
{
	size_t step, i;

	for (step = 0; step <= LABEL_GAP; step++) {
		for (i = 0; i < ARRAY_SIZE(phone_labels); i++)
			if (ends_with(v, p, phone_labels[i]))
				return true;
		for (i = 0; i < ARRAY_SIZE(label_fillers); i++)
			if (ends_with(v, p, label_fillers[i]))
				break;
		if (i == ARRAY_SIZE(label_fillers))
			return false;
		p -= strlen(label_fillers[i]);
	}
	return false;
}

static bool try_local(const struct cand *c, struct match *m)
{
	if (c->nd < 7 || c->nd > 8 || c->i != 0 || c->intl ||
	    c->d[0] < '2' || !after_label(c->v, c->ch->g[0].a))
		return false;
	memcpy(m->value, c->d, c->nd + 1);
	m->kind = SCAN_LANDLINE;
	m->rule = RULE_LANDLINE_LOCAL;
	return true;
}

/* What groups i..j of `c` are, if anything. */
static bool judge(const struct cand *c, struct match *m)
{
	const struct group *first = &c->ch->g[c->i];

	/* No rule takes fewer than 7 digits, or 13 or 14. */
	if (c->nd < 7 || c->nd == 13 || c->nd == 14)
		return false;
	if (c->ch->g[c->j].x)
		return !c->intl && !first->paren && c->nd == 18 &&
		       try_id18(c, m);
	if (c->intl)
		return try_phone(c, m);
	if (first->paren)
		return try_phone(c, m) && m->kind == SCAN_LANDLINE;
	return try_id18(c, m) || try_id15(c, m) || try_phone(c, m) ||
	       try_card(c, m) || try_local(c, m);
}

/* Append group k of the chunk to the candidate. */
static bool cand_append(struct cand *c, size_t k)
{
	const struct group *g = &c->ch->g[k];
	size_t from = k == c->i ? c->skip : 0;
	size_t len = g->b - g->a - from;

	if (c->nd + len > NUM_MAX)
		return false;
	memcpy(c->d + c->nd, c->v->s + g->a + from, len);
	c->nd += len;
	if (g->x)
		c->d[c->nd++] = 'X';
	c->d[c->nd] = '\0';
	return true;
}

/*
 * The longest finding that starts with group i: groups i..*j.  With
 * `skip`, the first `skip` digits of group i are a +86 or 0086 prefix and
 * only a phone number may follow.
 */
static bool longest(const struct view *v, const struct chunk *ch, size_t i,
		    size_t skip, size_t *j, struct match *best)
{
	struct cand c;
	struct match m;
	bool found = false;
	size_t k;

	c.v = v;
	c.ch = ch;
	c.i = i;
	c.skip = skip;
	c.intl = skip > 0;
	c.nd = 0;
	for (k = i; k < ch->n && !ch->g[k].glued; k++) {
		if (!cand_append(&c, k))
			break;
		c.j = k;
		if (judge(&c, &m)) {
			*j = k;
			*best = m;
			found = true;
		}
		if (ch->g[k].x)
			break;
	}
	return found;
}

/* Digits of the +86 or 0086 prefix at the start of group 0, or 0. */
static size_t intl_prefix(const struct view *v, const struct group *g)
{
	size_t len = g->b - g->a;

	if (g->a && vc(v, g->a - 1) == '+' && len >= 2 &&
	    !memcmp(v->s + g->a, "86", 2))
		return 2;
	if (len >= 4 && !memcmp(v->s + g->a, "0086", 4))
		return 4;
	return 0;
}

/* Where an extension after a landline ending at `p` ends ("转8001",
 * "分机 8001", "ext. 8001"), or `p` when there is none. */
static size_t text_extension(const struct view *v, size_t p)
{
	static const char *const words[] = {
		"转", "分机", "ext", "Ext", "EXT",
	};
	size_t q = p, i, k, d;

	if (vc(v, q) == ' ')
		q++;
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		k = strlen(words[i]);
		if (q + k <= v->len && !memcmp(v->s + q, words[i], k))
			break;
	}
	if (i == ARRAY_SIZE(words))
		return p;
	q += k;
	while (vc(v, q) == ' ' || vc(v, q) == ':' || vc(v, q) == '.')
		q++;
	for (d = q; is_digit(vc(v, d)) && d - q <= EXT_MAX;)
		d++;
	if (d == q || d - q > EXT_MAX || glued_right(v, d))
		return p;
	return d;
}

/* A finding of the chunk before it is known whether its hyphen-joined
 * neighbours are part of one too. */
struct pending {
	size_t i, j;		/* groups */
	size_t a, b;		/* span in the view */
	struct match m;
};

/* The view span of groups i..j: with the '(' of "(0575)", the "+" and
 * "(+" of "+86" and the X of an ID. */
static void span_of(const struct view *v, const struct chunk *ch, size_t i,
		    size_t j, bool intl, size_t *a, size_t *b)
{
	const struct group *g = &ch->g[i];

	*a = g->a;
	if (intl && g->a && vc(v, g->a - 1) == '+')
		(*a)--;
	if (g->paren)
		(*a)--;
	*b = ch->g[j].b + ch->g[j].x;
}

static void mask_card(const char *d, struct buf *out)
{
	size_t n = strlen(d), i;

	buf_add(out, d, 4);
	for (i = 4; i < n - 4; i++) {
		if ((i - 4) % 4 == 0)
			buf_putc(out, ' ');
		buf_putc(out, '*');
	}
	buf_putc(out, ' ');
	buf_puts(out, d + n - 4);
}

static void mask_of(const struct match *m, struct buf *out)
{
	switch (m->kind) {
	case SCAN_ID18:
	case SCAN_ID15:
		pii_mask_idcard(m->value, out);
		break;
	case SCAN_MOBILE:
	case SCAN_LANDLINE:
		pii_mask_phone(m->value, out);
		break;
	default:
		mask_card(m->value, out);
		break;
	}
}

/* Whether a finding hyphen-joins a group that is part of no finding:
 * then the digits are one longer code ("2022-0575-8601-2345"). */
static bool joined_to_more(const struct chunk *ch, const struct pending *p)
{
	if (p->i > 0 && ch->g[p->i].hard && !ch->g[p->i - 1].used)
		return true;
	return p->j + 1 < ch->n && ch->g[p->j + 1].hard &&
	       !ch->g[p->j + 1].used;
}

/* Find the numbers of a chunk; the view position where scanning goes
 * on. */
static size_t chunk_findings(const struct view *v, struct chunk *ch,
			     struct spans *emails, struct scan_findings *f)
{
	struct pending *p = xmalloc(ch->n * sizeof(*p));
	struct buf mask = BUF_INIT;
	size_t np = 0, i = 0, j, k, skip, end = ch->end, ext;
	struct match m;
	bool intl;

	while (i < ch->n) {
		skip = i == 0 ? intl_prefix(v, &ch->g[0]) : 0;
		intl = skip && longest(v, ch, i, skip, &j, &m);
		if (!intl && !longest(v, ch, i, 0, &j, &m)) {
			i++;
			continue;
		}
		span_of(v, ch, i, j, intl, &p[np].a, &p[np].b);
		if (m.kind == SCAN_LANDLINE && m.rule != RULE_LANDLINE_LOCAL) {
			/* "0575-86012345-8001": the extension goes too. */
			if (j + 1 < ch->n && ch->g[j + 1].hard &&
			    !ch->g[j + 1].glued && !ch->g[j + 1].x &&
			    ch->g[j + 1].b - ch->g[j + 1].a <= EXT_MAX &&
			    (j + 2 == ch->n || !ch->g[j + 2].hard))
				p[np].b = ch->g[++j].b;
			else if (j + 1 == ch->n &&
				 (ext = text_extension(v, p[np].b)) > p[np].b)
				p[np].b = end = ext;
		}
		p[np].i = i;
		p[np].j = j;
		p[np++].m = m;
		for (k = i; k <= j; k++)
			ch->g[k].used = true;
		i = j + 1;
	}
	for (k = 0; k < np; k++) {
		if (joined_to_more(ch, &p[k]) ||
		    spans_overlap(emails, p[k].a, p[k].b))
			continue;
		mask_of(&p[k].m, &mask);
		add_view_finding(f, v, p[k].a, p[k].b, p[k].m.kind,
				 p[k].m.value, &mask, p[k].m.rule);
	}
	free(p);
	return end;
}

static void find_numbers(const struct view *v, struct spans *emails,
			 struct scan_findings *f)
{
	struct chunk ch = { NULL, 0, 0, 0 };
	size_t i = 0;

	while (i < v->len) {
		if (!is_digit(vc(v, i))) {
			i++;
			continue;
		}
		chunk_collect(v, i, &ch);
		i = chunk_findings(v, &ch, emails, f);
		/* The rest of a run of digits is never a new number. */
		while (is_digit(vc(v, i)))
			i++;
	}
	free(ch.g);
}

/* ---- Terms ---- */

/* Terms of the list in the original text, at character boundaries and
 * outside the personal data already found (`pd`, sorted). */
static void find_terms(const char *text, size_t n,
		       const struct scan_terms *terms,
		       struct scan_findings *f, size_t pd)
{
	struct buf mask = BUF_INIT;
	size_t i = 0, k = 0, len;
	char *term;

	while (i < n) {
		while (k < pd && f->v[k].off + f->v[k].len <= i)
			k++;
		if (k < pd && f->v[k].off <= i) {
			i = f->v[k].off + f->v[k].len;
			continue;
		}
		len = ((unsigned char)text[i] & 0xC0) == 0x80 ? 0 :
		      scan_terms_match(terms, text + i, n - i);
		if (!len || (k < pd && f->v[k].off < i + len)) {
			i++;
			continue;
		}
		term = xstrndup(text + i, len);
		buf_puts(&mask, term);
		add_finding(f, SCAN_TERM, i, len, term, &mask, RULE_TERM);
		free(term);
		i += len;
	}
}

/* ---- Entry points ---- */

int pii_scan(const char *text, size_t n, const struct scan_terms *terms,
	     struct scan_findings *out)
{
	struct spans emails = { NULL, 0, 0, 0 };
	struct view v;
	size_t pd;

	scan_findings_release(out);
	if ((!text && n) || n >= UINT32_MAX || pii_divisions_init(NULL))
		return FZ_ERR;
	if (!n)
		return FZ_OK;
	view_build(&v, text, n);
	find_emails(&v, &emails, out);
	find_numbers(&v, &emails, out);
	sort_findings(out);
	pd = out->n;
	if (terms && terms->n) {
		find_terms(text, n, terms, out, pd);
		sort_findings(out);
	}
	free(emails.v);
	view_release(&v);
	return FZ_OK;
}

/* Whether the chosen findings lie in the text in order, apart. */
static bool redactable(size_t n, const struct scan_findings *f,
		       const bool *redact)
{
	size_t i, pos = 0;

	for (i = 0; i < f->n; i++) {
		if (redact && !redact[i])
			continue;
		if (f->v[i].off < pos || f->v[i].len > n - f->v[i].off ||
		    (f->v[i].kind != SCAN_TERM && !f->v[i].mask))
			return false;
		pos = f->v[i].off + f->v[i].len;
	}
	return true;
}

int pii_redact(const char *text, size_t n, const struct scan_findings *f,
	       const bool *redact, struct buf *out)
{
	const struct scan_finding *x;
	size_t i, pos = 0, k;

	if ((!text && n) || !redactable(n, f, redact))
		return FZ_ERR;
	for (i = 0; i < f->n; i++) {
		if (redact && !redact[i])
			continue;
		x = &f->v[i];
		buf_add(out, text + pos, x->off - pos);
		if (x->kind == SCAN_TERM) {
			/* The list itself is what must not be published. */
			for (k = utf8_chars(text + x->off, x->len); k; k--)
				buf_putc(out, '*');
		} else {
			buf_puts(out, x->mask);
		}
		pos = x->off + x->len;
	}
	buf_add(out, text + pos, n - pos);
	return buf_err(out) ? FZ_ERR : FZ_OK;
}
