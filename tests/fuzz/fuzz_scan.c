/* fuzz_scan.c: libFuzzer target for the disclosure gate's scanner */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "pii/pii.h"
#include "pii/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Terms used when the input brings none. */
static const char default_terms[] = "内部资料\n张三\n秘密\nQQ\n";

static bool luhn_ok(const char *d)
{
	size_t n = strlen(d), i;
	int sum = 0, x;

	for (i = 0; i < n; i++) {
		x = d[n - 1 - i] - '0';
		if (x < 0 || x > 9)
			return false;
		if (i % 2)
			x = x * 2 > 9 ? x * 2 - 9 : x * 2;
		sum += x;
	}
	return sum % 10 == 0;
}

/* What each kind promises about its value. */
static void check_value(const struct scan_finding *x, const char *text,
			const struct scan_terms *t, size_t n)
{
	char norm[PII_PHONE_MAX];

	switch (x->kind) {
	case SCAN_ID18:
		if (strlen(x->value) != 18 ||
		    pii_idcard_check(x->value, NULL, NULL) != PII_ID_OK)
			abort();
		break;
	case SCAN_ID15:
		if (strlen(x->value) != 15 ||
		    pii_idcard_check(x->value, NULL, NULL) != PII_ID_OK)
			abort();
		break;
	case SCAN_MOBILE:
		if (!pii_mobile_valid(x->value, NULL))
			abort();
		break;
	case SCAN_LANDLINE:
		if (strchr(x->value, '-') &&
		    pii_phone_normalise(x->value, norm, sizeof(norm)) !=
		    PII_PHONE_LANDLINE)
			abort();
		break;
	case SCAN_BANKCARD:
		if (strlen(x->value) < 16 || strlen(x->value) > 19 ||
		    !luhn_ok(x->value))
			abort();
		break;
	case SCAN_EMAIL:
		if (!strchr(x->value, '@'))
			abort();
		break;
	case SCAN_TERM:
		if (x->len != strlen(x->value) ||
		    memcmp(text + x->off, x->value, x->len) ||
		    scan_terms_match(t, text + x->off, n - x->off) != x->len)
			abort();
		return;
	default:
		abort();
	}
	/* The mask never shows the whole value. */
	if (strstr(x->mask, x->value))
		abort();
}

/* Findings lie in the text, in order, apart; returns the length the
 * fully redacted text must have. */
static size_t check_findings(const struct scan_findings *f,
			     const char *text, size_t n,
			     const struct scan_terms *t)
{
	size_t i, pos = 0, len = n;

	for (i = 0; i < f->n; i++) {
		const struct scan_finding *x = &f->v[i];

		if (!x->len || x->off < pos || x->len > n - x->off ||
		    !x->value || !*x->value || !x->mask || !*x->mask ||
		    !x->rule || !*x->rule)
			abort();
		check_value(x, text, t, n);
		pos = x->off + x->len;
		len -= x->len;
		len += x->kind == SCAN_TERM ?
		       utf8_chars(text + x->off, x->len) : strlen(x->mask);
	}
	return len;
}

static void check_redaction(const struct scan_findings *f, const char *text,
			    size_t n, size_t want)
{
	struct buf out = BUF_INIT;
	bool *none = calloc(f->n + 1, sizeof(*none));

	if (!none)
		abort();
	if (pii_redact(text, n, f, NULL, &out) || out.len != want)
		abort();
	buf_reset(&out);
	if (pii_redact(text, n, f, none, &out) || out.len != n ||
	    (n && memcmp(out.data, text, n)))
		abort();
	free(none);
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_terms t = SCAN_TERMS_INIT;
	struct scan_findings f = SCAN_FINDINGS_INIT, again = SCAN_FINDINGS_INIT;
	const char *text = (const char *)data, *nul;
	size_t n = size, i;

	/* "TERMS\0TEXT" fuzzes the term list too. */
	nul = memchr(data, '\0', size);
	if (nul) {
		if (scan_terms_load(&t, text, (size_t)(nul - text), NULL) &&
		    t.n)
			abort();
		n = size - (size_t)(nul - text) - 1;
		text = nul + 1;
	} else {
		scan_terms_load(&t, default_terms, strlen(default_terms),
				NULL);
	}
	if (pii_scan(text, n, &t, &f))
		abort();
	check_redaction(&f, text, n, check_findings(&f, text, n, &t));
	/* The same text, the same findings. */
	if (pii_scan(text, n, &t, &again) || again.n != f.n)
		abort();
	for (i = 0; i < f.n; i++)
		if (again.v[i].off != f.v[i].off ||
		    again.v[i].len != f.v[i].len ||
		    again.v[i].kind != f.v[i].kind)
			abort();
	scan_findings_release(&again);
	scan_findings_release(&f);
	scan_terms_release(&t);
	return 0;
}
