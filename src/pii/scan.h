/* scan.h: personal data and sensitive terms in text about to be published
 *
 * The disclosure gate (security row PI-04) runs pii_scan() over the body,
 * every metadata field and the extracted text of every attachment of an
 * item before it goes out on the portal.  The confidentiality reviewer
 * sees each finding, masked, and must redact it (pii_redact(): the
 * published text then shows the mask) or justify it; until every finding
 * is settled the item stays unpublished.
 *
 * What is found.  Matching works on a normalised view of the text: the
 * full-width forms (１３８, Ｘ, ＠, ．, （）) are read as ASCII, the
 * ideographic and other spaces as a space, the middle dot and the dashes
 * as a hyphen.  A number may be split into groups by up to three spaces or
 * hyphens ("138 1234 5678", "330624-19900101-0018") and may touch Chinese
 * characters on both sides ("号码330624199001010018的"), but digits that
 * belong to a longer run of digits and letters are not a number: a valid
 * ID number inside a 20-digit order number, "SN330624199001010018",
 * "1.13812345678", or a group hyphen-joined to digits that are not part of
 * the finding ("2022-0575-8601-2345") is not reported.
 *  - SCAN_ID18: 17 digits and a check character (0-9, X or x) that passes
 *    GB 11643 MOD 11-2, an existing address code and a real birth date not
 *    after today (pii_idcard_check());
 *  - SCAN_ID15: a first-generation number, 15 digits: existing address
 *    code and a real date 19YYMMDD;
 *  - SCAN_MOBILE: 1[3-9] and nine digits, optionally after +86 or 0086
 *    ("(+86) 138-1234-5678");
 *  - SCAN_LANDLINE: area code and a local number of 7 or 8 digits, joined
 *    by a hyphen or space, in parentheses ("（0575）86012345") or written
 *    as one run, with an optional extension ("-8001", "转8001"); a bare
 *    local number of 7 or 8 digits only right after a label such as
 *    电话, 联系电话, 传真 or Tel ("联系电话：86012345");
 *  - SCAN_BANKCARD: 16 to 19 digits with a plausible issuer prefix (62,
 *    60, 65, 4, 5, 2221-2720, 30, 35, 36, 38) that pass the Luhn check,
 *    unless they are shaped like an ID number (an existing address code
 *    and a real birth date), which a mistyped check digit must not turn
 *    into a card;
 *  - SCAN_EMAIL: local@domain.tld, ＠ and ． included;
 *  - SCAN_TERM: a term of the configured list, matched byte for byte.
 * Findings never overlap.  Personal data wins over a term; an e-mail
 * address wins over a number in it ("13812345678@qq.com" is an e-mail).
 */
#ifndef FZ_PII_SCAN_H
#define FZ_PII_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/util.h"

enum scan_kind {
	SCAN_ID18 = 1,
	SCAN_ID15,
	SCAN_MOBILE,
	SCAN_LANDLINE,
	SCAN_BANKCARD,
	SCAN_EMAIL,
	SCAN_TERM,
};

/* One finding.  `off` and `len` are bytes of the text given to
 * pii_scan(), as written there (full-width digits, separators, the
 * parentheses of an area code and the +86 included). */
struct scan_finding {
	enum scan_kind kind;
	size_t off;
	size_t len;
	/*
	 * The normalised value: the 18 characters of an ID number (upper-case
	 * X) or the 15 digits of an old one, the 11 digits of a mobile, a
	 * landline as pii_phone_normalise() writes it ("0575-86012345",
	 * without the extension) or the bare local number ("86012345"), the
	 * digits of a card, the e-mail address with its domain in lower
	 * case, or the term.
	 */
	char *value;
	/*
	 * The form shown to the reviewer and written by pii_redact():
	 * 330624********0018, 330624*****0018, 138****5678, 0575-****2345,
	 * ****2345, 6222 **** **** 1234, z***@example.com.  A term is shown
	 * as it is (it is no personal data; the reviewer must see which one
	 * matched); pii_redact() writes one '*' per character in its place.
	 */
	char *mask;
	/* Which rule matched, a static string such as "id18:gb11643",
	 * "landline:labelled" or "card:luhn" (see scan.c). */
	const char *rule;
};

struct scan_findings {
	struct scan_finding *v;
	size_t n;
	size_t alloc;
};

#define SCAN_FINDINGS_INIT { NULL, 0, 0 }

/* Free every finding; `f` is empty and may be reused. */
void scan_findings_release(struct scan_findings *f);

/* The Chinese name of a kind for the reviewer's page (公民身份号码,
 * 手机号码, ...); "未知" for anything else. */
const char *scan_kind_label(enum scan_kind kind);

/* ---- Sensitive terms (scan_rules.c) ---- */

/* Limits of a term list: longer terms or more of them are refused. */
#define SCAN_TERM_MAX 200
#define SCAN_TERMS_MAX 10000

struct scan_terms {
	char **v;		/* sorted bytewise, no duplicates */
	size_t n;
	uint32_t *first;	/* index into v by the first two bytes */
};

#define SCAN_TERMS_INIT { NULL, 0, NULL }

/*
 * Replace the list in `t` (SCAN_TERMS_INIT or loaded before) with the
 * terms of `text` (`n` bytes of UTF-8): one term a line, spaces (ASCII
 * and U+3000) around it dropped, empty lines and lines whose first
 * character is '#' ignored.  A term has 2 to SCAN_TERM_MAX bytes.
 * 0 on success.  FZ_ERR with err filled (status 400, code "scan_terms",
 * a Chinese message naming the line) and `t` empty when the text is not
 * UTF-8, a term is too short or too long, or there are more than
 * SCAN_TERMS_MAX terms.
 */
int scan_terms_load(struct scan_terms *t, const char *text, size_t n,
		    struct fz_err *err);

/* Free the list; `t` is empty and may be reused. */
void scan_terms_release(struct scan_terms *t);

/* The byte length of the longest term of `t` that the `n` bytes at `s`
 * begin with, or 0 (also when `t` is NULL or empty). */
size_t scan_terms_match(const struct scan_terms *t, const char *s, size_t n);

/* ---- Scanning and redaction (scan.c) ---- */

/*
 * Find personal data, and the terms of `terms` (may be NULL), in the `n`
 * bytes at `text` (UTF-8; other bytes are skipped, never a crash).
 * `out` (SCAN_FINDINGS_INIT or filled before) is emptied and receives
 * the findings in order of position, none overlapping another.
 * The work is linear in `n`.  0 on success.  FZ_ERR with `out` empty
 * when the division list cannot be read (without it no ID number can be
 * judged, so the gate must stay closed) or `n` is 4 GiB or more.
 */
int pii_scan(const char *text, size_t n, const struct scan_terms *terms,
	     struct scan_findings *out);

/*
 * Append to `out` the `n` bytes at `text` with the span of each finding
 * `f->v[i]` for which `redact[i]` is true (every finding when `redact` is
 * NULL) replaced by its mask (a term by one '*' per character); every
 * other byte is copied as it is.  The chosen findings must lie within
 * the text in increasing order without overlap, as pii_scan() returns
 * them: when they do not, FZ_ERR and `out` is unchanged.  FZ_ERR too when
 * `out` reaches its cap (buf_err(out) is then set).  0 on success.
 */
int pii_redact(const char *text, size_t n, const struct scan_findings *f,
	       const bool *redact, struct buf *out);

#endif
