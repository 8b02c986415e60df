/* scan_rules.c: the configurable list of sensitive terms of the gate */
#include "pii/scan.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* Terms are bucketed by their first two bytes (one Chinese character is
 * three), so a position of the text is compared with a handful of terms
 * rather than with all of them. */
#define BUCKETS 65536

static unsigned bucket(const char *s)
{
	return (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
}

void scan_terms_release(struct scan_terms *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	free(t->first);
	t->v = NULL;
	t->n = 0;
	t->first = NULL;
}

/* Strip ASCII white space and U+3000 (E3 80 80) from both ends. */
static void trim(const char **s, size_t *n)
{
	static const char ideo[] = "\xe3\x80\x80";

	for (;;) {
		if (*n && strchr(" \t\r", (*s)[0])) {
			(*s)++;
			(*n)--;
		} else if (*n >= 3 && !memcmp(*s, ideo, 3)) {
			*s += 3;
			*n -= 3;
		} else if (*n && strchr(" \t\r", (*s)[*n - 1])) {
			(*n)--;
		} else if (*n >= 3 && !memcmp(*s + *n - 3, ideo, 3)) {
			*n -= 3;
		} else {
			return;
		}
	}
}

static int cmp_term(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort, drop duplicates and index by the first two bytes. */
static void build_index(struct scan_terms *t)
{
	size_t i, k = 0;
	unsigned b;

	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), cmp_term);
	for (i = 0; i < t->n; i++) {
		if (k && !strcmp(t->v[k - 1], t->v[i]))
			free(t->v[i]);
		else
			t->v[k++] = t->v[i];
	}
	t->n = k;
	t->first = xcalloc(BUCKETS + 1, sizeof(*t->first));
	/* Count the terms of each bucket, then turn counts into starts. */
	for (i = 0; i < t->n; i++)
		t->first[bucket(t->v[i]) + 1]++;
	for (b = 0; b < BUCKETS; b++)
		t->first[b + 1] += t->first[b];
}

static int add_line(struct scan_terms *t, size_t *alloc, const char *s,
		    size_t n, int lineno, struct fz_err *err)
{
	trim(&s, &n);
	if (!n || s[0] == '#')
		return FZ_OK;
	if (n < 2 || n > SCAN_TERM_MAX)
		return fz_fail(err, 400, "scan_terms",
			       "敏感词表第%d行：词条长度应为2至%d字节",
			       lineno, SCAN_TERM_MAX);
	if (memchr(s, '\0', n))
		return fz_fail(err, 400, "scan_terms",
			       "敏感词表第%d行含有无效字符", lineno);
	if (t->n == SCAN_TERMS_MAX)
		return fz_fail(err, 400, "scan_terms",
			       "敏感词表最多%d个词条", SCAN_TERMS_MAX);
	if (t->n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 64;
		t->v = xrealloc(t->v, *alloc * sizeof(*t->v));
	}
	t->v[t->n++] = xstrndup(s, n);
	return FZ_OK;
}

int scan_terms_load(struct scan_terms *t, const char *text, size_t n,
		    struct fz_err *err)
{
	struct fz_err ignored;
	const char *p = text, *end = text + n, *nl;
	size_t alloc = 0;
	int lineno = 0;

	if (!err)
		err = &ignored;
	scan_terms_release(t);
	if (n && !text)
		return fz_fail(err, 400, "scan_terms", "敏感词表为空");
	if (!utf8_valid(text, n))
		return fz_fail(err, 400, "scan_terms",
			       "敏感词表不是有效的UTF-8文本");
	for (; n && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (add_line(t, &alloc, p, (size_t)(nl - p), ++lineno, err)) {
			scan_terms_release(t);
			return FZ_ERR;
		}
	}
	build_index(t);
	return FZ_OK;
}

size_t scan_terms_match(const struct scan_terms *t, const char *s, size_t n)
{
	size_t i, len, best = 0;
	unsigned b;

	if (!t || !t->n || n < 2)
		return 0;
	b = bucket(s);
	for (i = t->first[b]; i < t->first[b + 1]; i++) {
		len = strlen(t->v[i]);
		if (len > best && len <= n && !memcmp(s, t->v[i], len))
			best = len;
	}
	return best;
}
