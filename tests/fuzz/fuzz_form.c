/* fuzz_form.c: libFuzzer target for form bodies appended to a list */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pairs already in the list, as when a handler merges query and body. */
static const char prior[] = "csrf=%E6%B3%95&page=1";
#define PRIOR_PAIRS 2

/* A value that reaches a log line must come out as one clean line. */
static void check_log_line(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	text_sanitize_log(&b, s, n);
	if (buf_err(&b) || !utf8_valid(b.data, b.len))
		abort();
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			abort();
	buf_release(&b);
}

static void check_pair(const struct kv *kv)
{
	size_t klen = strlen(kv->key), chars;

	if (klen > PARSE_MAX_KEY || !utf8_valid(kv->key, klen))
		abort();
	if (kv->vlen != strlen(kv->val) || kv->vlen > PARSE_MAX_VALUE ||
	    !utf8_valid(kv->val, kv->vlen))
		abort();
	/* A code point takes one to four bytes. */
	chars = utf8_chars(kv->val, kv->vlen);
	if (chars > kv->vlen || chars * 4 < kv->vlen)
		abort();
	check_log_line(kv->val, kv->vlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist l = KVLIST_INIT;
	struct fz_err err = { 0 };
	struct kv *before;
	size_t i;

	if (parse_urlencoded(prior, sizeof(prior) - 1, &l, NULL) ||
	    l.n != PRIOR_PAIRS)
		abort();
	before = malloc(sizeof(*before) * PRIOR_PAIRS);
	if (!before)
		abort();
	memcpy(before, l.items, sizeof(*before) * PRIOR_PAIRS);

	if (parse_urlencoded((const char *)data, size, &l, &err)) {
		if (err.status != 400 || strcmp(err.code, "bad_request") ||
		    l.n != PRIOR_PAIRS)
			abort();
	} else {
		if (l.n - PRIOR_PAIRS > PARSE_MAX_PAIRS)
			abort();
		for (i = PRIOR_PAIRS; i < l.n; i++)
			check_pair(&l.items[i]);
	}
	/* Success appends, failure rolls back: the prior pairs stay put. */
	if (l.n < PRIOR_PAIRS)
		abort();
	for (i = 0; i < PRIOR_PAIRS; i++)
		if (l.items[i].key != before[i].key ||
		    l.items[i].val != before[i].val)
			abort();
	if (!str_eq(kv_get(&l, "page"), "1") || kv_count(&l, "csrf") < 1)
		abort();
	free(before);
	kvlist_release(&l);
	return 0;
}
