/* pii.h: personal data of petitioners — validation, masks, sealing, register
 *
 * Everything that handles a name, resident ID number, phone number, address
 * or petition text goes through this module:
 *  - idcard.c checks GB 11643-1999 identity numbers and normalises them;
 *  - phone.c recognises mainland mobile and landline numbers, written with
 *    full-width digits, spaces or hyphens;
 *  - mask.c renders the masked forms shown on every page unless the role
 *    may unmask (security rows PI-02, AC-03);
 *  - sealed.c encrypts values for storage and computes the blind indexes
 *    used for exact search (CR-03);
 *  - fields.c is the register of every personal-data field with its
 *    purpose, legal basis and retention (PI-01, PI-03).
 *
 * Input is expected to be valid UTF-8 (the router checks every field).
 * None of these functions keeps a copy of the data it is given.
 */
#ifndef FZ_PII_H
#define FZ_PII_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/util.h"

struct keyring;

/* ---- Full-width folding (phone.c) ---- */

/*
 * Append `in` to `out` with the full-width forms U+FF01..U+FF5E
 * ("１３８", "Ｘ", "－") folded to their ASCII letters and the ideographic
 * space U+3000 to a plain space; everything else is copied unchanged.
 * This is the part of NFKC that matters for numbers typed with a Chinese
 * input method.  `in` may be NULL (nothing is appended).
 */
void pii_fold_width(const char *in, struct buf *out);

/* ---- Resident identity numbers (idcard.c) ---- */

/* Why pii_idcard_check() refused a number; 0 means valid. */
enum pii_id_result {
	PII_ID_OK = 0,
	PII_ID_EMPTY = -1,	/* nothing but spaces */
	PII_ID_FORMAT = -2,	/* not 18 (last may be X) or 15 digits */
	PII_ID_CHECK = -3,	/* the MOD 11-2 check character is wrong */
	PII_ID_DATE = -4,	/* the birth date is not a real date */
	PII_ID_FUTURE = -5,	/* the birth date is after today */
	PII_ID_REGION = -6,	/* the address code is no known division */
	PII_ID_NODATA = -7,	/* the division list could not be read */
};

/* Normalised number: 18 characters and a NUL. */
#define PII_ID_LEN 18

/*
 * Check a resident identity number (公民身份号码, GB 11643-1999).
 *
 * Accepted forms, after full-width folding and dropping spaces anywhere:
 *  - 18 characters: address code, birth date YYYYMMDD, sequence, and the
 *    ISO 7064 MOD 11-2 check character (0-9 or X, either case);
 *  - 15 digits, the legacy form: address code, YYMMDD of 19YY, sequence,
 *    no check character.
 * The birth date must be a real date, not after today (China Standard
 * Time, clock_now()) and not before 1800.  The address code must be a
 * county- or prefecture-level division of the list in data/divisions,
 * current or former, or one of the 港澳台居民居住证 codes 810000, 820000,
 * 830000.
 *
 * On success returns PII_ID_OK and, when `norm` is not NULL, writes the
 * 18-character form with an upper-case X; a 15-digit number is upgraded
 * to it ("19" inserted, check character computed), the number its holder
 * was later issued, so both spellings of one person compare equal.
 * On failure returns a negative enum pii_id_result, sets norm to "" and
 * points `*why` (when not NULL) at a Chinese sentence for the user.
 * PII_ID_NODATA means the installation is broken, not the input.
 */
int pii_idcard_check(const char *s, char norm[PII_ID_LEN + 1],
		     const char **why);

/*
 * Only the form of pii_idcard_check(): fold, drop spaces, write X in
 * upper case and upgrade a 15-digit number, without judging the check
 * character, date or address code.  For search keys and the blind index,
 * which must find a number stored before the division list learnt of its
 * code; new input goes through pii_idcard_check().  0, or FZ_ERR with
 * out "".
 */
int pii_idcard_normalise(const char *s, char out[PII_ID_LEN + 1]);

/* The Chinese sentence for a result of pii_idcard_check(). */
const char *pii_idcard_reason(int rc);

/* The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of the first 17
 * characters of `s`, which must be digits. */
char pii_idcard_check_char(const char *s);

/*
 * Load the division list once per process from pii_divisions_path().
 * pii_idcard_check() does this on first use; calling it at start-up lets
 * the server refuse to run without the list.  0 when the list is loaded,
 * otherwise FZ_ERR with err filled (the failure is remembered).
 * Thread-safe.
 */
int pii_divisions_init(struct fz_err *err);
/* $FAZHI_DIVISIONS when set, else data/divisions/counties.tsv of the
 * source tree. */
const char *pii_divisions_path(void);
/* The name of the division with the 6-digit code at `code` (only the
 * first six characters are read), or NULL when it is not in the list. */
const char *pii_division_name(const char *code);

/* ---- Phone numbers (phone.c) ---- */

enum pii_phone_kind {
	PII_PHONE_INVALID = -1,
	PII_PHONE_MOBILE = 1,	/* 1[3-9] and nine digits */
	PII_PHONE_LANDLINE = 2,	/* area code 0AA or 0AAA, 7 or 8 digits */
};

/* Room for any normalised number ("0575-86012345") and its NUL. */
#define PII_PHONE_MAX 16

/*
 * Recognise a mainland phone number and write its normalised form to
 * `out` (`n` bytes, at least PII_PHONE_MAX):
 *  - mobile: "13812345678";
 *  - landline: "0575-86012345", the area code (010 and 02X have three
 *    digits, all others four) and the local number (7 or 8 digits, not
 *    starting with 0 or 1), joined by one hyphen.
 * The input may use full-width digits and separate digit groups with
 * spaces or hyphens (ASCII, full-width or dashes U+2010..U+2015); a
 * separator in a landline number must not split the area code.  A
 * leading "+86" is accepted (the trunk 0 of a landline is then added).
 * A number with extra digits is not a number: "138001380001" contains a
 * mobile but is none.
 * Returns the enum pii_phone_kind; on PII_PHONE_INVALID `out` is "".
 */
int pii_phone_normalise(const char *in, char *out, size_t n);

/* True when `s` is a mainland mobile number (as pii_phone_normalise());
 * when `norm` is not NULL it receives the 11 digits, or "". */
bool pii_mobile_valid(const char *s, char norm[12]);

/* The last four digits of `s` (full-width digits count; separators and
 * anything else are skipped), for "尾号 5678"; "" when `s` has fewer than
 * four digits. */
void pii_phone_last4(const char *s, char out[5]);

/* ---- Display masks (mask.c) ----
 *
 * Each appends the masked form of `in` to `out`; NULL or "" appends
 * nothing.  Lengths are counted in characters, not bytes.
 */

/* Keep the first character, one '*' for each other one: 张* / 张** /
 * 欧*** ; a name of one character becomes "*".  The middle dot of
 * transliterated names (买买提·艾力 → 买**·**) is kept. */
void pii_mask_name(const char *in, struct buf *out);
/* 18 characters: first 6 and last 4 (330624********1234); 15: first 6,
 * 5 stars, last 4.  Any other string of 11 or more characters keeps its
 * first 6 and last 4 as well, one of 5 to 10 only its last 4, a shorter
 * one nothing; each hidden character is one '*'. */
void pii_mask_idcard(const char *in, struct buf *out);
/* Mobile 138****5678, landline 0575-****2345 (area code kept, the local
 * number but its last 4 hidden).  Anything else: "****" and the last four
 * digits when it has at least seven, else "****". */
void pii_mask_phone(const char *in, struct buf *out);
/* Keep the place down to the county or street (街道), then "***": the
 * prefix of the first 9 characters that ends with the last of 省 市 区 县
 * 旗 盟 州 镇 乡 街道 in it, or the first 6 characters when there is none
 * (浙江省绍兴市新昌县***, 新昌县南明街道***).  An address of 6 characters
 * or fewer keeps only its first half. */
void pii_mask_address(const char *in, struct buf *out);
/* Free text (petition content) is not shown at all: "（已隐藏）". */
void pii_mask_text(const char *in, struct buf *out);

/* ---- Sealed storage and blind indexes (sealed.c) ---- */

/*
 * Encrypt the text `plain` with crypto_seal() (SM4-CTR + HMAC-SM3 under
 * the active key) and append the sealed text ("fz1.<kid>.<base64>") to
 * `out`.  0 on success; FZ_ERR with err filled (status 500) on failure,
 * `out` then unchanged.
 */
int pii_seal(const struct keyring *kr, const char *plain, struct buf *out,
	     struct fz_err *err);
/*
 * Replace the contents of `out` with the text sealed in `sealed`.
 * 0 on success.  FZ_ERR with `out` empty and err filled (status 500) when
 * `sealed` is not a sealed value (code "pii_format"), was altered or was
 * sealed under a key this keyring lacks (code "pii_tamper"); the latter
 * is also logged, as an integrity alert, without the value.  The caller
 * owns the plaintext in `out` and should crypto_cleanse() it when done.
 */
int pii_open(const struct keyring *kr, const char *sealed, struct buf *out,
	     struct fz_err *err);

/* Blind index length: 64 hex characters and a NUL. */
#define PII_INDEX_LEN 64

/*
 * Blind index of a phone number for exact search: HMAC-SM3 under the
 * index key of "phone:" and the digits of its normalised form (mobile
 * "13812345678", landline "057586012345"), so every way of writing one
 * number gives one index.  0 on success; FZ_ERR with out "" when `phone`
 * is not a phone number (pii_phone_normalise()).  Store and search with
 * this function only: the prefix keeps phone and ID indexes apart.
 */
int pii_index_phone(const struct keyring *kr, const char *phone,
		    char out[PII_INDEX_LEN + 1]);
/*
 * Blind index of a resident identity number: HMAC-SM3 of "idcard:" and
 * its 18-character form (upper-case X; a 15-digit number upgraded as in
 * pii_idcard_check()).  Only the form is checked here (18 characters
 * with 17 digits, or 15 digits), so a number stored before the division
 * list learnt of its code is still found.  0 on success; FZ_ERR with out
 * "" otherwise.
 */
int pii_index_idcard(const struct keyring *kr, const char *id,
		     char out[PII_INDEX_LEN + 1]);

/* ---- Register of personal-data fields (fields.c) ---- */

/* How a field is shown to a role that may not unmask it. */
enum pii_kind {
	PII_KIND_NAME,
	PII_KIND_IDCARD,
	PII_KIND_PHONE,
	PII_KIND_ADDRESS,
	PII_KIND_TEXT,
	PII_KIND_PLAIN,		/* shown as is, to the few roles that see it */
};

/*
 * One personal-data field (PI-01).  Every column that holds personal
 * data has an entry, and a field without a purpose, a legal basis and a
 * retention period is a defect (test_PI_01_every_field_has_basis).
 */
struct pii_field {
	const char *name;	/* "petitioner.phone": record.column */
	const char *label;	/* 联系电话 — the label on forms */
	const char *purpose;	/* 处理目的, in Chinese */
	const char *basis;	/* 法律依据, in Chinese */
	enum pii_kind kind;
	bool required;		/* the procedure cannot go on without it */
	bool sealed;		/* stored with pii_seal() */
	bool indexed;		/* has a blind index for exact search */
	int retention_years;	/* kept this long after the record closes */
};

extern const struct pii_field pii_fields[];
extern const size_t pii_field_count;

/* The register entry called `name`, or NULL. */
const struct pii_field *pii_field_lookup(const char *name);
/* Append the masked form of `in` as field `f` is masked. */
void pii_mask_field(const struct pii_field *f, const char *in,
		    struct buf *out);
/*
 * Check the register: every entry has a name, label, purpose and basis,
 * a positive retention, a sensible kind, and no name appears twice.
 * 0 when it is sound, else FZ_ERR with err naming the first bad entry.
 */
int pii_fields_lint(struct fz_err *err);

#endif
