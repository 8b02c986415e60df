/* staff_extract.c: the text of an attachment, for the disclosure scanner
 *
 * Only what can be read simply and safely: plain text; the strings a
 * PDF's text operators show (uncompressed or FlateDecode content
 * streams); the XML text of docx, xlsx and OFD packages (ZIP, stored or
 * deflated).  Every length read from the file is checked against the
 * bytes there, and everything inflated is capped, so a hostile file can
 * at worst come out as "no text" — and an attachment without readable
 * text is not waved through: the reviewer must look at it (publication.c
 * turns NONE and PARTIAL into a finding of its own).
 */
#include "portal/publication.h"

#include <string.h>

#include <zlib.h>

#define INFLATE_MAX ((size_t)16 << 20)  /* bytes out of one stream */
#define ZIP_ENTRIES_MAX 4096

struct text {
	struct buf *out;
	bool partial;
};

static void emit(struct text *t, const void *p, size_t n)
{
	if (t->out->len + n > PUB_EXTRACT_MAX) {
		t->partial = true;
		n = t->out->len < PUB_EXTRACT_MAX ?
		    PUB_EXTRACT_MAX - t->out->len : 0;
	}
	buf_add(t->out, p, n);
}

static void emit_c(struct text *t, char c)
{
	emit(t, &c, 1);
}

/* Inflate `n` bytes (zlib or raw deflate when `raw`) into `out`, at most
 * INFLATE_MAX bytes.  0, 1 when the output was cut, FZ_ERR on bad data. */
static int inflate_all(const uint8_t *in, size_t n, bool raw, struct buf *out)
{
	z_stream z;
	uint8_t chunk[16384];
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK)
		return FZ_ERR;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END) {
			inflateEnd(&z);
			/* what came out before the damage still counts */
			return out->len ? 1 : FZ_ERR;
		}
		buf_add(out, chunk, sizeof(chunk) - z.avail_out);
		if (out->len > INFLATE_MAX) {
			inflateEnd(&z);
			return 1;
		}
	} while (rc != Z_STREAM_END && (z.avail_in || !z.avail_out));
	inflateEnd(&z);
	return 0;
}

/* ---- XML (docx, xlsx, OFD) ---- */

/* The local name of the tag at `p` (after '<' or "</"), its length. */
static size_t local_name(const char *p, const char *end, const char **name)
{
	const char *s = p, *colon = NULL;

	while (p < end && !strchr(" \t\r\n/>", *p)) {
		if (*p == ':')
			colon = p;
		p++;
	}
	*name = colon ? colon + 1 : s;
	return (size_t)(p - *name);
}

static bool name_in(const char *name, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, name, n) == 0)
			return true;
	return false;
}

/* Append code point `c` as UTF-8. */
static void emit_utf8(struct text *t, unsigned long c)
{
	char u[4];

	if (c < 0x20 || (c >= 0xd800 && c < 0xe000) || c > 0x10ffff)
		c = ' ';
	if (c < 0x80) {
		emit_c(t, (char)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		emit(t, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		emit(t, u, 3);
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		emit(t, u, 4);
	}
}

/* An entity at `p` ('&'); returns the bytes it took. */
static size_t entity(struct text *t, const char *p, const char *end)
{
	static const char *const named[][2] = {
		{ "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" },
		{ "quot;", "\"" }, { "apos;", "'" },
	};
	const char *semi = memchr(p, ';', (size_t)(end - p) < 12 ?
				  (size_t)(end - p) : 12);
	unsigned long c = 0;
	size_t i;

	if (!semi) {
		emit_c(t, '&');
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(named); i++)
		if ((size_t)(semi - p) == strlen(named[i][0]) &&
		    memcmp(p + 1, named[i][0], strlen(named[i][0])) == 0) {
			emit(t, named[i][1], 1);
			return (size_t)(semi - p) + 1;
		}
	if (p[1] == '#') {
		const char *q = p + 2;
		bool hex = q < semi && (*q == 'x' || *q == 'X');

		for (q += hex; q < semi; q++) {
			int d = hex ? hex_digit(*q) :
				(*q >= '0' && *q <= '9' ? *q - '0' : -1);

			if (d < 0 || c > 0x10ffff)
				break;
			c = c * (hex ? 16 : 10) + (unsigned long)d;
		}
		emit_utf8(t, c);
		return (size_t)(semi - p) + 1;
	}
	emit_c(t, '&');
	return 1;
}

static void xml_text(struct text *t, const char *p, size_t n)
{
	static const char *const breaks[] = {
		"p", "tc", "tr", "si", "c", "row", "br", "cr", "TextObject",
		NULL,
	};
	const char *end = p + n, *name;

	while (p < end) {
		if (*p == '&') {
			p += entity(t, p, end);
		} else if (*p == '<') {
			bool close = p + 1 < end && p[1] == '/';
			const char *gt = memchr(p, '>', (size_t)(end - p));
			size_t len = local_name(p + 1 + close, end, &name);

			if (!gt)
				return;
			if (name_in(name, len, breaks) &&
			    (close || gt[-1] == '/'))
				emit_c(t, '\n');
			else if (len == 3 && memcmp(name, "tab", 3) == 0)
				emit_c(t, ' ');
			p = gt + 1;
		} else {
			emit_c(t, *p++);
		}
	}
}

/* ---- ZIP packages ---- */

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* Whether the entry called `name` holds text of a package of `mime`. */
static bool wanted(const char *mime, const char *name, size_t n)
{
	char s[256];
	size_t k;

	if (n >= sizeof(s))
		return false;
	memcpy(s, name, n);
	s[n] = '\0';
	k = strlen(s);
	if (strstr(mime, "wordprocessingml"))
		return strcmp(s, "word/document.xml") == 0 ||
		       ((str_starts(s, "word/header") ||
			 str_starts(s, "word/footer")) && k > 4 &&
			strcmp(s + k - 4, ".xml") == 0) ||
		       strcmp(s, "word/footnotes.xml") == 0 ||
		       strcmp(s, "word/endnotes.xml") == 0 ||
		       strcmp(s, "word/comments.xml") == 0;
	if (strstr(mime, "spreadsheetml"))
		return strcmp(s, "xl/sharedStrings.xml") == 0 ||
		       (str_starts(s, "xl/worksheets/sheet") && k > 4 &&
			strcmp(s + k - 4, ".xml") == 0);
	/* OFD: the text of each page lives in its Content.xml */
	return k >= 11 && strcmp(s + k - 11, "Content.xml") == 0;
}

/* One entry, found through its local header at `off`. */
static int zip_entry(struct text *t, const uint8_t *d, size_t n,
		     uint32_t off, uint32_t method, uint32_t csize)
{
	struct buf raw = BUF_INIT;
	size_t data;
	int rc;

	if ((size_t)off + 30 > n || le32(d + off) != 0x04034b50)
		return FZ_ERR;
	data = (size_t)off + 30 + le16(d + off + 26) + le16(d + off + 28);
	if (data > n || csize > n - data)
		return FZ_ERR;
	if (method == 0) {
		xml_text(t, (const char *)d + data, csize);
		return 0;
	}
	if (method != 8)
		return 1;
	rc = inflate_all(d + data, csize, true, &raw);
	if (rc >= 0)
		xml_text(t, raw.data ? raw.data : "", raw.len);
	buf_release(&raw);
	return rc;
}

static int zip_text(struct text *t, const char *mime, const uint8_t *d,
		    size_t n)
{
	size_t eocd, p, i, entries;
	bool found = false;

	if (n < 22)
		return FZ_ERR;
	for (eocd = n - 22; ; eocd--) {
		if (le32(d + eocd) == 0x06054b50)
			break;
		if (eocd == 0 || n - eocd > 22 + 65535)
			return FZ_ERR;
	}
	entries = le16(d + eocd + 10);
	p = le32(d + eocd + 16);
	for (i = 0; i < entries && i < ZIP_ENTRIES_MAX; i++) {
		size_t nl, el, cl;
		int rc;

		if (p + 46 > n || le32(d + p) != 0x02014b50)
			return FZ_ERR;
		nl = le16(d + p + 28);
		el = le16(d + p + 30);
		cl = le16(d + p + 32);
		if (p + 46 + nl > n)
			return FZ_ERR;
		if (wanted(mime, (const char *)d + p + 46, nl)) {
			rc = zip_entry(t, d, n, le32(d + p + 42),
				       le16(d + p + 10), le32(d + p + 20));
			if (rc)
				t->partial = true;
			found = true;
		}
		p += 46 + nl + el + cl;
	}
	if (i < entries)
		t->partial = true;
	return found ? 0 : FZ_ERR;
}

/* ---- PDF ---- */

struct pdf {
	struct text *t;
	bool in_text;               /* between BT and ET */
	struct buf strs;            /* the strings of the pending operands */
	double num[2];              /* the last two numbers */
	int nnum;
};

static bool pdf_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == '\f' || c == '\0';
}

static bool pdf_delim(char c)
{
	return pdf_space(c) || strchr("()<>[]{}/%", c);
}

/* A byte of a shown string: printable ASCII as it is (simple fonts
 * encode digits, letters and '@' so); anything else is nothing here. */
static void pdf_byte(struct pdf *x, unsigned c)
{
	if (x->in_text && c >= 0x20 && c < 0x7f)
		buf_putc(&x->strs, (char)c);
}

/* A literal string at `p` ('('); returns where it ends. */
static const char *pdf_literal(struct pdf *x, const char *p, const char *end)
{
	int depth = 0;

	for (p++; p < end; p++) {
		if (*p == '\\' && p + 1 < end) {
			static const char esc[] = "nrtbf()\\";
			static const char val[] = "\n\r\t\b\f()\\";
			const char *e = strchr(esc, p[1]);
			unsigned v = 0;
			int k;

			p++;
			if (e && *e) {
				pdf_byte(x, (unsigned char)val[e - esc]);
				continue;
			}
			for (k = 0; k < 3 && p < end && *p >= '0' &&
			     *p <= '7'; k++, p++)
				v = v * 8 + (unsigned)(*p - '0');
			if (k) {
				pdf_byte(x, v & 0xff);
				p--;
			}
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth-- == 0)
			return p + 1;
		pdf_byte(x, (unsigned char)*p);
	}
	return end;
}

static const char *pdf_hex(struct pdf *x, const char *p, const char *end)
{
	int hi = -1;

	for (p++; p < end && *p != '>'; p++) {
		int d = hex_digit(*p);

		if (d < 0)
			continue;
		if (hi < 0) {
			hi = d;
		} else {
			pdf_byte(x, (unsigned)(hi << 4 | d));
			hi = -1;
		}
	}
	if (hi >= 0)
		pdf_byte(x, (unsigned)(hi << 4));
	return p < end ? p + 1 : end;
}

static void pdf_show(struct pdf *x)
{
	emit(x->t, x->strs.data ? x->strs.data : "", x->strs.len);
	buf_reset(&x->strs);
}

static void pdf_operator(struct pdf *x, const char *op, size_t n)
{
	if (n == 2 && memcmp(op, "BT", 2) == 0) {
		x->in_text = true;
	} else if (n == 2 && memcmp(op, "ET", 2) == 0) {
		x->in_text = false;
		emit_c(x->t, '\n');
	} else if ((n == 2 && (memcmp(op, "Tj", 2) == 0 ||
			       memcmp(op, "TJ", 2) == 0)) ||
		   (n == 1 && (*op == '\'' || *op == '"'))) {
		if (n == 1)
			emit_c(x->t, '\n');
		pdf_show(x);
	} else if (n == 2 && memcmp(op, "T*", 2) == 0) {
		emit_c(x->t, '\n');
	} else if (n == 2 && (memcmp(op, "Td", 2) == 0 ||
			      memcmp(op, "TD", 2) == 0) &&
		   x->nnum == 2 && x->num[1] != 0) {
		emit_c(x->t, '\n');
	}
	if (!(n == 2 && memcmp(op, "TJ", 2) == 0))
		buf_reset(&x->strs);
	x->nnum = 0;
}

/* A number token; a wide gap inside TJ reads as a space. */
static const char *pdf_number(struct pdf *x, const char *p, const char *end)
{
	double v = 0, scale = 0;
	bool neg = false;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; p < end && ((*p >= '0' && *p <= '9') || *p == '.'); p++) {
		if (*p == '.') {
			scale = 1;
			continue;
		}
		v = v * 10 + (*p - '0');
		if (scale)
			scale *= 10;
	}
	if (scale)
		v /= scale;
	v = neg ? -v : v;
	x->num[0] = x->num[1];
	x->num[1] = v;
	x->nnum = x->nnum < 2 ? x->nnum + 1 : 2;
	if (x->in_text && v < -250 && x->strs.len)
		buf_putc(&x->strs, ' ');
	return p;
}

static void pdf_content(struct text *t, const char *p, size_t n)
{
	struct pdf x = { t, false, BUF_INIT, { 0, 0 }, 0 };
	const char *end = p + n;

	while (p < end) {
		const char *s = p;

		if (pdf_space(*p) || *p == '[' || *p == ']' || *p == '{' ||
		    *p == '}') {
			p++;
		} else if (*p == '%') {
			while (p < end && *p != '\n' && *p != '\r')
				p++;
		} else if (*p == '(') {
			p = pdf_literal(&x, p, end);
		} else if (*p == '<' && p + 1 < end && p[1] == '<') {
			p += 2;
		} else if (*p == '>' && p + 1 < end && p[1] == '>') {
			p += 2;
		} else if (*p == '<') {
			p = pdf_hex(&x, p, end);
		} else if (*p == '/') {
			for (p++; p < end && !pdf_delim(*p); p++)
				;
		} else if ((*p >= '0' && *p <= '9') || *p == '-' ||
			   *p == '+' || *p == '.') {
			p = pdf_number(&x, p, end);
			if (p == s)
				p++;
		} else {
			while (p < end && !pdf_delim(*p))
				p++;
			if (p == s)
				p++;
			pdf_operator(&x, s, (size_t)(p - s));
		}
	}
	buf_release(&x.strs);
}

#define DICT_BACK_MAX 4096   /* bytes searched back for a stream's dict */

/* The first `needle` in the `n` bytes at `hay`, or NULL. */
static const char *find(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	const char *p = hay, *end = hay + n;

	while (k && (size_t)(end - p) >= k) {
		const char *c = memchr(p, needle[0], (size_t)(end - p) - k + 1);

		if (!c)
			return NULL;
		if (memcmp(c, needle, k) == 0)
			return c;
		p = c + 1;
	}
	return NULL;
}

/* The dictionary of the stream starting at `kw` ("stream"): back to the
 * "obj" keyword that opens its object. */
static const char *stream_dict(const char *d, const char *kw, size_t *len)
{
	const char *p = kw;

	while (p > d + 3 && kw - p < DICT_BACK_MAX &&
	       memcmp(p - 3, "obj", 3) != 0)
		p--;
	*len = (size_t)(kw - p);
	return p;
}

/* Whether the filter of the dictionary is FlateDecode alone. */
static bool flate_only(const char *dict, size_t n)
{
	const char *p = find(dict, n, "/Filter"), *end = dict + n;
	int names = 0;
	bool flate = false;

	for (p += 7; p < end && pdf_space(*p); p++)
		;
	if (p < end && *p == '/')
		return (size_t)(end - p) >= 12 &&
		       memcmp(p, "/FlateDecode", 12) == 0 &&
		       (p + 12 == end || pdf_delim(p[12]));
	if (p >= end || *p != '[')
		return false;
	for (p++; p < end && *p != ']'; p++)
		if (*p == '/') {
			names++;
			flate = (size_t)(end - p) >= 12 &&
				memcmp(p, "/FlateDecode", 12) == 0;
		}
	return names == 1 && flate;
}

enum { S_SKIP = 0, S_PLAIN = 1, S_FLATE = 2, S_OBJECTS = 3 };

/* Which streams to read: content streams and form XObjects, plain or
 * FlateDecode (S_PLAIN, S_FLATE); object streams only for their fonts
 * (S_OBJECTS); -1 for text we cannot read. */
static int stream_kind(const char *dict, size_t n)
{
	bool objects = find(dict, n, "/ObjStm") != NULL;

	if (find(dict, n, "/Image") || find(dict, n, "/Length1") ||
	    find(dict, n, "/Length2") || find(dict, n, "/XRef") ||
	    find(dict, n, "/Metadata") || find(dict, n, "/Type1C") ||
	    find(dict, n, "/CIDFontType0C") || find(dict, n, "/OpenType") ||
	    find(dict, n, "/EmbeddedFile"))
		return S_SKIP;
	if (!find(dict, n, "/Filter"))
		return objects ? S_SKIP : S_PLAIN;
	if (flate_only(dict, n) && !find(dict, n, "/Predictor"))
		return objects ? S_OBJECTS : S_FLATE;
	return -1;
}

/* One stream whose keyword is at `kw`; returns where to look on. */
static const char *pdf_stream(struct text *t, const char *d, size_t n,
			      const char *kw)
{
	const char *data = kw + 6, *end, *dict;
	size_t dlen;
	int kind;

	if (data < d + n && *data == '\r')
		data++;
	if (data < d + n && *data == '\n')
		data++;
	end = find(data, (size_t)(d + n - data), "endstream");
	if (!end)
		return d + n;
	dict = stream_dict(d, kw, &dlen);
	kind = stream_kind(dict, dlen);
	if (kind < 0) {
		t->partial = true;
	} else if (kind == S_PLAIN) {
		pdf_content(t, data, (size_t)(end - data));
	} else if (kind != S_SKIP) {
		struct buf raw = BUF_INIT;
		int rc = inflate_all((const uint8_t *)data,
				     (size_t)(end - data), false, &raw);

		if (rc)
			t->partial = true;
		/* an object stream may hold the font dictionaries */
		if (kind == S_OBJECTS && raw.len &&
		    (find(raw.data, raw.len, "/Type0") ||
		     find(raw.data, raw.len, "/Identity-H")))
			t->partial = true;
		else if (kind == S_FLATE && raw.len)
			pdf_content(t, raw.data, raw.len);
		buf_release(&raw);
	}
	return end + 9;
}

static int pdf_text(struct text *t, const uint8_t *u, size_t n)
{
	const char *d = (const char *)u, *p = d, *kw;

	if (n < 5 || memcmp(d, "%PDF-", 5) != 0)
		return FZ_ERR;
	if (find(d, n, "/Encrypt"))
		return PUB_TEXT_NONE;
	if (find(d, n, "/Type0") || find(d, n, "/Identity-H"))
		t->partial = true;
	while ((kw = find(p, (size_t)(d + n - p), "stream")) != NULL) {
		bool real = kw - d >= 3 && memcmp(kw - 3, "end", 3) != 0;

		p = real ? pdf_stream(t, d, n, kw) : kw + 6;
	}
	return 0;
}

/* ---- the entry point ---- */

int pub_extract_text(const char *mime, const uint8_t *data, size_t n,
		     struct buf *out)
{
	struct text t = { out, false };
	size_t start = out->len;
	int rc;

	mime = mime ? mime : "";
	if (str_starts(mime, "text/plain")) {
		emit(&t, data, n);
		rc = 0;
	} else if (strcmp(mime, "application/pdf") == 0) {
		rc = pdf_text(&t, data, n);
		if (rc == PUB_TEXT_NONE && out->len == start)
			return PUB_TEXT_NONE;
	} else if (strstr(mime, "openxmlformats") ||
		   strcmp(mime, "application/ofd") == 0) {
		rc = zip_text(&t, mime, data, n);
	} else {
		return PUB_TEXT_NONE;
	}
	if (rc < 0)
		return FZ_ERR;
	if (out->len == start)
		return t.partial ? PUB_TEXT_PARTIAL : PUB_TEXT_NONE;
	return t.partial ? PUB_TEXT_PARTIAL : PUB_TEXT_FULL;
}
