/* fuzz_multipart.c: libFuzzer target for multipart bodies and upload checks
 *
 * Input: a Content-Type header value, a newline, then the body.  When the
 * header yields no boundary the body is still parsed, with the boundary
 * "fzb", so the fuzzer need not find a valid header before it reaches the
 * body parser.  Every file that comes out goes through the local content
 * checks (magic bytes, ZIP walks, names, EICAR).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A pair already in the form, as the query string may have left. */
static const char prior[] = "csrf=%E6%B3%95";

static void check_pair(const struct kv *kv)
{
	size_t klen = strlen(kv->key);

	if (!klen || klen > PARSE_MAX_KEY || !utf8_valid(kv->key, klen))
		abort();
	if (kv->vlen != strlen(kv->val) || kv->vlen > PARSE_MAX_VALUE ||
	    !utf8_valid(kv->val, kv->vlen))
		abort();
}

static bool known_code(const char *code)
{
	static const char *const codes[] = {
		"too_large", "empty", "bad_name", "bad_type", "type_mismatch",
		"malware",
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!strcmp(code, codes[i]))
			return true;
	return false;
}

static void check_upload(const struct upload *u, const uint8_t *body,
			 size_t n)
{
	struct attach_kind k;
	struct fz_err err = { 0 };

	if (!u->field || !u->field[0] || !u->filename || !u->ctype)
		abort();
	if (!utf8_valid(u->filename, strlen(u->filename)))
		abort();
	/* Zero copy, and inside the body. */
	if (u->len && (u->data < body || u->data + u->len > body + n))
		abort();
	if (attach_check_local(u, &k, &err) == 0) {
		if (!k.mime || !k.ext || !u->len)
			abort();
		if (strchr(u->filename, '/') || strstr(u->filename, ".."))
			abort();
	} else if (!known_code(err.code) || err.status < 400 ||
		   !utf8_valid(err.msg, strlen(err.msg))) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
	char boundary[MULTIPART_MAX_BOUNDARY + 1], *ctype;
	struct kvlist form = KVLIST_INIT;
	struct upload *files = NULL;
	struct fz_err err = { 0 };
	const uint8_t *body;
	size_t nfiles = 0, i, n;
	char *key0;

	if (!nl)
		return 0;
	ctype = xstrndup((const char *)data, (size_t)(nl - data));
	if (multipart_boundary(ctype, boundary, &err)) {
		if (err.status != 400 || strcmp(err.code, "bad_multipart") ||
		    boundary[0])
			abort();
		memcpy(boundary, "fzb", 4);
	} else if (!boundary[0] || strlen(boundary) > MULTIPART_MAX_BOUNDARY) {
		abort();
	}
	free(ctype);
	body = nl + 1;
	n = size - (size_t)(body - data);

	if (parse_urlencoded(prior, sizeof(prior) - 1, &form, NULL) ||
	    form.n != 1)
		abort();
	key0 = form.items[0].key;
	if (multipart_parse(body, n, boundary, &form, &files, &nfiles,
			    &err)) {
		if (err.status != 400 || strcmp(err.code, "bad_multipart") ||
		    form.n != 1 || files || nfiles)
			abort();
	} else {
		if (form.n - 1 + nfiles > MULTIPART_MAX_PARTS)
			abort();
		for (i = 1; i < form.n; i++)
			check_pair(&form.items[i]);
		for (i = 0; i < nfiles; i++)
			check_upload(&files[i], body, n);
	}
	if (form.items[0].key != key0)
		abort();
	kvlist_release(&form);
	upload_free(files, nfiles);
	return 0;
}
