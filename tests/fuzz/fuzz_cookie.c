/* fuzz_cookie.c: libFuzzer target for the Cookie header decoder */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_octet(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("\",;\\", c);
}

/* What parse_cookies() keeps must be exactly what its contract allows. */
static void check_list(const struct kvlist *l)
{
	size_t i, j;

	if (l->n > PARSE_MAX_COOKIES)
		abort();
	for (i = 0; i < l->n; i++) {
		const struct kv *kv = &l->items[i];
		size_t klen = strlen(kv->key);

		if (!klen || kv->vlen != strlen(kv->val))
			abort();
		for (j = 0; j < klen; j++)
			if (!is_tchar((unsigned char)kv->key[j]))
				abort();
		for (j = 0; j < kv->vlen; j++)
			if (!is_octet((unsigned char)kv->val[j]))
				abort();
		if (!utf8_valid(kv->key, klen) ||
		    !utf8_valid(kv->val, kv->vlen))
			abort();
		if (!kv_get(l, kv->key) || kv_count(l, kv->key) < 1)
			abort();
	}
}

/* Serialising what was kept and parsing it again gives the same list. */
static void check_round_trip(const struct kvlist *l)
{
	struct kvlist again = KVLIST_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < l->n; i++)
		buf_printf(&b, "%s%s=%s%s%s", i ? "; " : "", l->items[i].key,
			   i & 1 ? "\"" : "", l->items[i].val,
			   i & 1 ? "\"" : "");
	if (buf_err(&b))
		abort();
	/* The header cap may cut a long list; only compare short ones. */
	if (b.len <= PARSE_MAX_COOKIE_HEADER) {
		if (parse_cookies(buf_cstr(&b), &again) || again.n != l->n)
			abort();
		for (i = 0; i < l->n; i++)
			if (strcmp(again.items[i].key, l->items[i].key) ||
			    strcmp(again.items[i].val, l->items[i].val))
				abort();
	}
	kvlist_release(&again);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist l = KVLIST_INIT;
	char *header = malloc(size + 1);
	int rc;

	if (!header)
		abort();
	if (size)
		memcpy(header, data, size);
	header[size] = '\0';
	rc = parse_cookies(header, &l);
	/* The only refusal is an oversized header (up to the first NUL). */
	if ((rc < 0) != (strlen(header) > PARSE_MAX_COOKIE_HEADER) ||
	    rc > 0)
		abort();
	if (rc && (l.n || l.items))
		abort();
	check_list(&l);
	check_round_trip(&l);
	kvlist_release(&l);
	free(header);
	return 0;
}
