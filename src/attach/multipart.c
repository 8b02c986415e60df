/* multipart.c: multipart/form-data request bodies (RFC 7578)
 *
 * The body is walked once, delimiter to delimiter, without copying file
 * contents.  Every rule is strict and a failure anywhere refuses the whole
 * body: a lenient multipart parser is how two components come to disagree
 * about what was uploaded.
 */
#include "attach/attach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

static int mp_fail(struct fz_err *err, const char *what)
{
	return fz_fail(err, 400, "bad_multipart", "上传的表单格式无效：%s",
		       what);
}

/* ---- small helpers ---- */

/* The first occurrence of the `m` bytes at `needle` in the `n` bytes at
 * `hay`, or NULL.  (memmem is a GNU extension.) */
static const char *find(const char *hay, size_t n, const char *needle,
			size_t m)
{
	const char *end = hay + n, *p = hay;

	if (m == 0)
		return hay;
	while ((size_t)(end - p) >= m) {
		p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, needle, m))
			return p;
		p++;
	}
	return NULL;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 7230 tchar. */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

/* RFC 2046 bchars: DIGIT ALPHA ' ( ) + _ , - . / : = ? and space. */
static bool is_bchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("'()+_,-./:=? ", c);
}

/* ---- header parameters ---- */

/* A cursor over one header value. */
struct cur {
	const char *p, *end;
};

static void skip_ows(struct cur *c)
{
	while (c->p < c->end && is_ows(*c->p))
		c->p++;
}

/* A token; false when there is none. */
static bool take_token(struct cur *c, const char **s, size_t *n)
{
	const char *start = c->p;

	while (c->p < c->end && is_tchar((unsigned char)*c->p))
		c->p++;
	*s = start;
	*n = (size_t)(c->p - start);
	return *n > 0;
}

/* A token or a quoted string (quotes removed, no escapes: see attach.h);
 * false when neither is there or the quote is not closed. */
static bool take_value(struct cur *c, const char **s, size_t *n)
{
	const char *q;

	if (c->p < c->end && *c->p == '"') {
		q = memchr(c->p + 1, '"', (size_t)(c->end - c->p - 1));
		if (!q)
			return false;
		*s = c->p + 1;
		*n = (size_t)(q - *s);
		c->p = q + 1;
		return true;
	}
	return take_token(c, s, n);
}

/* One "; key=value" parameter; 0 when there was one, 1 at the end of the
 * value, FZ_ERR when it is malformed. */
static int take_param(struct cur *c, const char **k, size_t *kn,
		      const char **v, size_t *vn)
{
	skip_ows(c);
	if (c->p == c->end)
		return 1;
	if (*c->p != ';')
		return FZ_ERR;
	c->p++;
	skip_ows(c);
	if (!take_token(c, k, kn) || c->p == c->end || *c->p != '=')
		return FZ_ERR;
	c->p++;
	return take_value(c, v, vn) ? 0 : FZ_ERR;
}

static bool key_is(const char *k, size_t kn, const char *want)
{
	return kn == strlen(want) && !strncasecmp(k, want, kn);
}

int multipart_boundary(const char *content_type,
		       char out[MULTIPART_MAX_BOUNDARY + 1],
		       struct fz_err *err)
{
	static const char type[] = "multipart/form-data";
	struct cur c;
	const char *k, *v, *b = NULL;
	size_t kn, vn, bn = 0, i;
	int rc;

	out[0] = '\0';
	if (!content_type || strncasecmp(content_type, type, sizeof(type) - 1))
		return mp_fail(err, "内容类型不是 multipart/form-data");
	c.p = content_type + sizeof(type) - 1;
	c.end = content_type + strlen(content_type);
	while ((rc = take_param(&c, &k, &kn, &v, &vn)) == 0) {
		if (!key_is(k, kn, "boundary"))
			continue;
		if (b)
			return mp_fail(err, "分隔符（boundary）参数重复");
		b = v;
		bn = vn;
	}
	if (rc < 0)
		return mp_fail(err, "内容类型的参数格式错误");
	if (!b)
		return mp_fail(err, "缺少分隔符（boundary）参数");
	if (bn == 0 || bn > MULTIPART_MAX_BOUNDARY || b[bn - 1] == ' ')
		return mp_fail(err, "分隔符（boundary）应为 1 至 70 个字符");
	for (i = 0; i < bn; i++)
		if (!is_bchar((unsigned char)b[i]))
			return mp_fail(err, "分隔符（boundary）含有不允许的字符");
	memcpy(out, b, bn);
	out[bn] = '\0';
	return FZ_OK;
}

/* ---- one part's headers ---- */

struct part {
	char *name;
	char *filename;    /* NULL: a text field */
	char *ctype;       /* NULL: none sent */
	const char *data;
	size_t len;
};

static void part_clear(struct part *p)
{
	free(p->name);
	free(p->filename);
	free(p->ctype);
	memset(p, 0, sizeof(*p));
}

/* Decode an RFC 8187 ext-value: UTF-8'lang'percent-encoded.  NULL when it
 * is malformed, not UTF-8 or decodes to something that is not text. */
static char *decode_ext_value(const char *s, size_t n)
{
	const char *q1, *q2, *end = s + n;
	char *d, *o;

	q1 = memchr(s, '\'', n);
	if (!q1 || !key_is(s, (size_t)(q1 - s), "UTF-8"))
		return NULL;
	q2 = memchr(q1 + 1, '\'', (size_t)(end - q1 - 1));
	if (!q2)
		return NULL;
	d = o = xmalloc((size_t)(end - q2));
	for (s = q2 + 1; s < end; s++) {
		unsigned char ch = (unsigned char)*s;
		int hi, lo;

		if (ch == '%') {
			if (end - s < 3 ||
			    (hi = hex_digit((unsigned char)s[1])) < 0 ||
			    (lo = hex_digit((unsigned char)s[2])) < 0)
				goto bad;
			*o++ = (char)(hi << 4 | lo);
			s += 2;
		} else if (is_tchar(ch) && ch != '*' && ch != '\'' &&
			   ch != '%') {
			*o++ = (char)ch;
		} else {
			goto bad;
		}
	}
	*o = '\0';
	if (!utf8_valid(d, (size_t)(o - d)))
		goto bad;
	return d;
bad:
	free(d);
	return NULL;
}

/* Content-Disposition: form-data; name="x"; filename="y" */
static int parse_disposition(const char *s, size_t n, struct part *p,
			     struct fz_err *err)
{
	struct cur c = { s, s + n };
	const char *t, *k, *v, *fname = NULL, *ext = NULL;
	size_t tn, kn, vn, fn = 0, en = 0;
	bool have_name = false;
	int rc;

	if (!take_token(&c, &t, &tn) || !key_is(t, tn, "form-data"))
		return mp_fail(err, "Content-Disposition 应为 form-data");
	while ((rc = take_param(&c, &k, &kn, &v, &vn)) == 0) {
		if (key_is(k, kn, "name")) {
			if (have_name)
				return mp_fail(err, "字段名（name）重复");
			if (vn == 0 || vn > PARSE_MAX_KEY)
				return mp_fail(err, "字段名为空或过长");
			p->name = xstrndup(v, vn);
			have_name = true;
		} else if (key_is(k, kn, "filename")) {
			if (fname)
				return mp_fail(err, "文件名（filename）重复");
			fname = v;
			fn = vn;
		} else if (key_is(k, kn, "filename*")) {
			if (ext)
				return mp_fail(err, "文件名（filename*）重复");
			ext = v;
			en = vn;
		}
	}
	if (rc < 0)
		return mp_fail(err, "Content-Disposition 的参数格式错误");
	if (!have_name)
		return mp_fail(err, "缺少字段名（name）");
	if (ext) {
		p->filename = decode_ext_value(ext, en);
		if (!p->filename)
			return mp_fail(err, "文件名（filename*）编码无效");
	} else if (fname) {
		p->filename = xstrndup(fname, fn);
	}
	return FZ_OK;
}

static int parse_header_line(const char *s, size_t n, struct part *p,
			     bool *have_cd, struct fz_err *err)
{
	const char *colon = memchr(s, ':', n), *v;
	size_t kn, vn, i;

	if (!colon || colon == s)
		return mp_fail(err, "头部格式错误");
	kn = (size_t)(colon - s);
	for (i = 0; i < kn; i++)
		if (!is_tchar((unsigned char)s[i]))
			return mp_fail(err, "头部名称无效");
	v = colon + 1;
	vn = n - kn - 1;
	while (vn && is_ows(*v)) {
		v++;
		vn--;
	}
	while (vn && is_ows(v[vn - 1]))
		vn--;
	if (key_is(s, kn, "Content-Disposition")) {
		if (*have_cd)
			return mp_fail(err, "Content-Disposition 重复");
		*have_cd = true;
		return parse_disposition(v, vn, p, err);
	}
	if (key_is(s, kn, "Content-Type")) {
		if (p->ctype)
			return mp_fail(err, "Content-Type 重复");
		for (i = 0; i < vn; i++)
			if ((unsigned char)v[i] < 0x20 ||
			    (unsigned char)v[i] > 0x7e)
				return mp_fail(err, "Content-Type 无效");
		if (vn == 0 || vn > 255)
			return mp_fail(err, "Content-Type 无效");
		p->ctype = xstrndup(v, vn);
		return FZ_OK;
	}
	if (key_is(s, kn, "Content-Transfer-Encoding") &&
	    !key_is(v, vn, "binary") && !key_is(v, vn, "8bit") &&
	    !key_is(v, vn, "7bit"))
		return mp_fail(err, "不支持的传输编码");
	/* Other headers carry nothing we use. */
	return FZ_OK;
}

/* The header block [s, s + n), lines separated by CRLF, no final CRLF. */
static int parse_headers(const char *s, size_t n, struct part *p,
			 struct fz_err *err)
{
	const char *end = s + n;
	bool have_cd = false;
	int lines = 0;

	if (!utf8_valid(s, n))
		return mp_fail(err, "头部不是有效的 UTF-8 文本");
	if ((n && is_ows(s[0])) || find(s, n, "\r\n ", 3) ||
	    find(s, n, "\r\n\t", 3))
		return mp_fail(err, "不支持折行的头部");
	while (s < end) {
		const char *eol = find(s, (size_t)(end - s), "\r\n", 2);
		size_t len = eol ? (size_t)(eol - s) : (size_t)(end - s);

		if (++lines > MULTIPART_MAX_HEADER_LINES)
			return mp_fail(err, "头部行数过多");
		/* A bare CR or LF inside a line is not a line break. */
		if (memchr(s, '\r', len) || memchr(s, '\n', len))
			return mp_fail(err, "头部含有单独的回车或换行");
		if (parse_header_line(s, len, p, &have_cd, err))
			return FZ_ERR;
		s += len + (eol ? 2 : 0);
	}
	if (!have_cd)
		return mp_fail(err, "缺少 Content-Disposition 头");
	return FZ_OK;
}

/* ---- collecting the results ---- */

static void files_push(struct upload **files, size_t *n, struct part *p)
{
	struct upload *u;

	/* Parts are few (MULTIPART_MAX_PARTS): grow one at a time. */
	*files = xrealloc(*files, (*n + 1) * sizeof(**files));
	u = &(*files)[(*n)++];
	u->field = p->name;
	u->filename = p->filename;
	u->ctype = p->ctype ? p->ctype : xstrdup("application/octet-stream");
	u->data = (const uint8_t *)p->data;
	u->len = p->len;
	memset(p, 0, sizeof(*p));
}

static void files_clear(struct upload *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(files[i].field);
		free(files[i].filename);
		free(files[i].ctype);
	}
}

static void files_truncate(struct upload **files, size_t *n, size_t keep)
{
	if (*n > keep)
		files_clear(*files + keep, *n - keep);
	*n = keep;
	if (!keep) {
		free(*files);
		*files = NULL;
	}
}

void upload_free(struct upload *files, size_t n)
{
	if (!files)
		return;
	files_clear(files, n);
	free(files);
}

/* File the part away: a text field or a file. */
static int keep_part(struct part *p, struct kvlist *form,
		     struct upload **files, size_t *nfiles,
		     struct fz_err *err)
{
	if (p->filename) {
		/* What a browser sends for a file input left empty. */
		if (!p->filename[0] && !p->len) {
			part_clear(p);
			return FZ_OK;
		}
		files_push(files, nfiles, p);
		return FZ_OK;
	}
	if (p->len > PARSE_MAX_VALUE)
		return fz_fail(err, 400, "bad_multipart",
			       "表单字段“%s”的内容过长（最多 %zu MiB）",
			       p->name, PARSE_MAX_VALUE >> 20);
	if (!utf8_valid(p->data, p->len))
		return fz_fail(err, 400, "bad_multipart",
			       "表单字段“%s”不是有效的 UTF-8 文本", p->name);
	kvlist_push(form, p->name, xstrndup(p->data, p->len), p->len);
	p->name = NULL;
	part_clear(p);
	return FZ_OK;
}

/* ---- the body ---- */

struct walk {
	const char *p, *end;
	char delim[MULTIPART_MAX_BOUNDARY + 5];   /* "\r\n--" boundary */
	size_t dlen;
};

/* Parse the part that starts at w->p (just after a delimiter line's
 * CRLF) up to the next delimiter, and leave w->p after that delimiter. */
static int next_part(struct walk *w, struct part *p, struct fz_err *err)
{
	size_t left = (size_t)(w->end - w->p), look;
	const char *hend, *body, *next;

	if (left >= 2 && w->p[0] == '\r' && w->p[1] == '\n')
		return mp_fail(err, "缺少 Content-Disposition 头");
	look = left < MULTIPART_MAX_HEADER + 4 ? left :
	       MULTIPART_MAX_HEADER + 4;
	hend = find(w->p, look, "\r\n\r\n", 4);
	if (!hend) {
		if (left < MULTIPART_MAX_HEADER + 4)
			return mp_fail(err, "某一部分的头部不完整");
		return fz_fail(err, 400, "bad_multipart",
			       "上传的表单格式无效：某一部分的头部过长"
			       "（最多 %d 字节）", MULTIPART_MAX_HEADER);
	}
	if (parse_headers(w->p, (size_t)(hend - w->p), p, err))
		return FZ_ERR;
	body = hend + 4;
	next = find(body, (size_t)(w->end - body), w->delim, w->dlen);
	if (!next)
		return mp_fail(err, "缺少结束分隔线");
	p->data = body;
	p->len = (size_t)(next - body);
	w->p = next + w->dlen;
	return FZ_OK;
}

int multipart_parse(const void *body, size_t n, const char *boundary,
		    struct kvlist *form, struct upload **files,
		    size_t *nfiles, struct fz_err *err)
{
	size_t form_start = form->n, files_start = *nfiles, blen, parts = 0;
	struct part p = { 0 };
	struct walk w;

	blen = boundary ? strlen(boundary) : 0;
	if (blen == 0 || blen > MULTIPART_MAX_BOUNDARY)
		return mp_fail(err, "分隔符（boundary）无效");
	w.p = body;
	w.end = w.p + n;
	w.dlen = (size_t)snprintf(w.delim, sizeof(w.delim), "\r\n--%s",
				  boundary);
	/* No preamble: the body opens with the first delimiter, which is
	 * the delimiter without its leading CRLF. */
	if (n < w.dlen - 2 || memcmp(w.p, w.delim + 2, w.dlen - 2)) {
		mp_fail(err, "正文应以分隔线开头");
		goto fail;
	}
	w.p += w.dlen - 2;
	for (;;) {
		size_t left = (size_t)(w.end - w.p);

		if (left >= 2 && w.p[0] == '-' && w.p[1] == '-') {
			w.p += 2;
			left -= 2;
			if (left == 0 ||
			    (left == 2 && w.p[0] == '\r' && w.p[1] == '\n'))
				return FZ_OK;
			mp_fail(err, "结束分隔线之后有多余内容");
			goto fail;
		}
		if (left < 2 || w.p[0] != '\r' || w.p[1] != '\n') {
			mp_fail(err, left ? "分隔线之后应换行" :
				"缺少结束分隔线");
			goto fail;
		}
		w.p += 2;
		if (++parts > MULTIPART_MAX_PARTS) {
			fz_fail(err, 400, "bad_multipart",
				"上传的表单格式无效：部分过多（最多 %d 个）",
				MULTIPART_MAX_PARTS);
			goto fail;
		}
		if (next_part(&w, &p, err) ||
		    keep_part(&p, form, files, nfiles, err))
			goto fail;
	}
fail:
	part_clear(&p);
	kvlist_truncate(form, form_start);
	files_truncate(files, nfiles, files_start);
	return FZ_ERR;
}
