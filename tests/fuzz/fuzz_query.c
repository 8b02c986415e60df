/* fuzz_query.c: libFuzzer target for query-string decoding */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every pair a handler can see must respect the limits and be text. */
static void check_list(const struct kvlist *l)
{
	size_t i;

	if (l->n > PARSE_MAX_PAIRS)
		abort();
	for (i = 0; i < l->n; i++) {
		const struct kv *kv = &l->items[i];
		size_t klen = strlen(kv->key);

		if (klen > PARSE_MAX_KEY || !utf8_valid(kv->key, klen))
			abort();
		if (kv->vlen != strlen(kv->val) ||
		    kv->vlen > PARSE_MAX_VALUE ||
		    !utf8_valid(kv->val, kv->vlen))
			abort();
		if (!kv_get(l, kv->key) || kv_count(l, kv->key) < 1 ||
		    kv_count(l, kv->key) > l->n)
			abort();
	}
}

/* Percent-encode everything but unreserved characters; space as '+'. */
static void encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || strchr("-._~", c)) {
			buf_putc(b, c);
		} else if (c == ' ') {
			buf_putc(b, '+');
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

/* decode(encode(x)) == x for whatever the decoder accepted. */
static void check_round_trip(const struct kvlist *l)
{
	struct kvlist again = KVLIST_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i)
			buf_putc(&b, '&');
		encode(&b, l->items[i].key);
		buf_putc(&b, '=');
		encode(&b, l->items[i].val);
	}
	if (buf_err(&b) || parse_urlencoded(b.data, b.len, &again, NULL))
		abort();
	if (again.n != l->n)
		abort();
	for (i = 0; i < l->n; i++)
		if (strcmp(again.items[i].key, l->items[i].key) ||
		    again.items[i].vlen != l->items[i].vlen ||
		    memcmp(again.items[i].val, l->items[i].val,
			   l->items[i].vlen))
			abort();
	kvlist_release(&again);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist l = KVLIST_INIT;
	struct fz_err err = { 0 };

	if (parse_urlencoded((const char *)data, size, &l, &err)) {
		/* A refusal leaves nothing behind and explains itself. */
		if (l.n || l.items || err.status != 400 ||
		    strcmp(err.code, "bad_request") || !err.msg[0])
			abort();
		return 0;
	}
	check_list(&l);
	check_round_trip(&l);
	kvlist_release(&l);
	if (l.n || l.items)
		abort();
	return 0;
}
