/* i18n.c: Simplified and Traditional Chinese through OpenCC */
#include "http/i18n.h"

#include <opencc/opencc.h>
#include <string.h>

#include "core/util.h"
#include "http/http.h"
#include "http/server.h"

/* `s` through the converter of `config` in *handle, made on first use;
 * a malloc'd string or NULL. */
static char *convert(void **handle, const char *config, const char *s)
{
	char *out, *copy;

	if (!*handle) {
		opencc_t cc = opencc_open(config);

		if (cc == (opencc_t)-1)
			return NULL;
		*handle = cc;
	}
	out = opencc_convert_utf8((opencc_t)*handle, s, strlen(s));
	if (!out)
		return NULL;
	/* OpenCC allocates with its own allocator; hand back ours. */
	copy = xstrdup(out);
	opencc_convert_utf8_free(out);
	return copy;
}

char *i18n_convert(void **handle, const char *s)
{
	/* OpenCC handles are not thread-safe: one per thread, made lazily
	 * because loading the dictionaries takes a few milliseconds.  The
	 * Taiwan standard forms (s2tw: 為, 眾, 裡, 核准, 峰) rather than
	 * OpenCC's own (s2t: 爲, 衆, 裏, 覈准, 峯), which readers of
	 * Traditional characters take for errors and which change the
	 * names of shops and people; words are converted alike, without
	 * Taiwan's vocabulary. */
	return convert(handle, "s2tw.json", s);
}

char *i18n_to_hans(struct worker *w, const char *s)
{
	/* Taiwan's forms as well as OpenCC's own (tw2s knows both), since
	 * visitors type either. */
	return convert(&w->opencc_hans, "tw2s.json", s);
}

void i18n_close(void **handle)
{
	if (*handle)
		opencc_close((opencc_t)*handle);
	*handle = NULL;
}

void i18n_to_hant(struct worker *w, struct buf *b)
{
	char *out;

	if (!b->len)
		return;
	out = i18n_convert(&w->opencc, buf_cstr(b));
	if (!out)
		return;
	buf_reset(b);
	buf_puts(b, out);
	free(out);
}

void req_hant_now(struct req *r)
{
	if (r->hant && !r->hant_done)
		i18n_to_hant(r->w, &r->out);
	req_hant_written(r);
}

void req_hant_written(struct req *r)
{
	r->hant_done = true;
}
