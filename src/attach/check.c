/* check.c: what an uploaded file must be before it is kept (WB-05)
 *
 * The allow-list is short on purpose: the documents a petition or a
 * hotline case carries (scanned letters, photos, reply letters).  The
 * extension decides the type and the leading bytes must agree with it,
 * so an HTML page named .pdf, or a program named .jpg, is refused before
 * it is stored; the type we detect, never the one the client declares,
 * is what the file is later served as.
 */
#include "attach/attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "core/utf8.h"

/* ---- settings ---- */

static struct attach_limits limits = {
	ATTACH_FILE_MAX, ATTACH_TOTAL_MAX, ATTACH_FILES_MAX,
};
static char clamd_socket[sizeof(((struct sockaddr_un *)0)->sun_path)];

#define CLAMD_TIMEOUT_S 30
#define CLAMD_CHUNK ((size_t)64 << 10)

void attach_set_limits(const struct attach_limits *l)
{
	struct attach_limits d = {
		ATTACH_FILE_MAX, ATTACH_TOTAL_MAX, ATTACH_FILES_MAX,
	};

	limits.file_max = l && l->file_max ? l->file_max : d.file_max;
	limits.total_max = l && l->total_max ? l->total_max : d.total_max;
	limits.files_max = l && l->files_max ? l->files_max : d.files_max;
}

void attach_get_limits(struct attach_limits *l)
{
	*l = limits;
}

int attach_set_clamd(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (n >= sizeof(clamd_socket))
		return FZ_ERR;
	memcpy(clamd_socket, n ? path : "", n + 1);
	return FZ_OK;
}

/* ---- magic bytes ---- */

static bool starts(const uint8_t *p, size_t n, const char *magic, size_t m)
{
	return n >= m && !memcmp(p, magic, m);
}

static bool is_pdf(const uint8_t *p, size_t n)
{
	/* Readers tolerate junk before the header; we do not, so a page
	 * that is HTML first and PDF later is refused. */
	return starts(p, n, "%PDF-", 5);
}

static bool is_jpeg(const uint8_t *p, size_t n)
{
	return starts(p, n, "\xff\xd8\xff", 3);
}

static bool is_png(const uint8_t *p, size_t n)
{
	return starts(p, n, "\x89PNG\r\n\x1a\n", 8);
}

/* OLE2 compound file: .doc and .xls before 2007. */
static bool is_ole(const uint8_t *p, size_t n)
{
	return starts(p, n, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
}

static bool is_zip(const uint8_t *p, size_t n)
{
	return starts(p, n, "PK\x03\x04", 4);
}

static unsigned le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

#define ZIP_LOCAL_WALK 16

/* Whether one of the first local file headers names `want`.  The walk
 * stops at an entry whose sizes follow its data (flag bit 3), where the
 * next header cannot be found without inflating. */
static bool zip_local_has(const uint8_t *p, size_t n, const char *want)
{
	size_t off = 0, wn = strlen(want);
	int i;

	for (i = 0; i < ZIP_LOCAL_WALK; i++) {
		size_t namelen, extra, csize, next;

		if (n - off < 30 || memcmp(p + off, "PK\x03\x04", 4))
			return false;
		namelen = le16(p + off + 26);
		extra = le16(p + off + 28);
		csize = le32(p + off + 18);
		if (n - off - 30 < namelen)
			return false;
		if (namelen == wn && !memcmp(p + off + 30, want, wn))
			return true;
		if (le16(p + off + 6) & 8)
			return false;
		next = 30 + namelen + extra + csize;
		if (next > n - off)
			return false;
		off += next;
	}
	return false;
}

/* Whether the central directory at the end of the archive names `want`. */
static bool zip_central_has(const uint8_t *p, size_t n, const char *want)
{
	size_t wn = strlen(want), i, lo, off, end, entries, k;

	if (n < 22)
		return false;
	/* The end record is the last 22 bytes plus a comment of at most
	 * 64 KiB. */
	lo = n - 22 > 0xffff ? n - 22 - 0xffff : 0;
	for (i = n - 22; memcmp(p + i, "PK\x05\x06", 4); i--)
		if (i == lo)
			return false;
	entries = le16(p + i + 10);
	off = le32(p + i + 16);
	end = off + le32(p + i + 12);
	if (off > i || end > i || end < off)
		return false;
	for (k = 0; k < entries; k++) {
		size_t namelen;

		if (end - off < 46 || memcmp(p + off, "PK\x01\x02", 4))
			return false;
		namelen = le16(p + off + 28);
		if (end - off - 46 < namelen)
			return false;
		if (namelen == wn && !memcmp(p + off + 46, want, wn))
			return true;
		off += 46 + namelen + le16(p + off + 30) + le16(p + off + 32);
		if (off > end)
			return false;
	}
	return false;
}

/*
 * Office Open XML (.docx, .xlsx): a ZIP archive with a
 * "[Content_Types].xml" entry.  Best effort: the entry is looked for
 * among the first local headers and then in the central directory, which
 * tells a renamed ZIP (or JAR, APK...) from a document but does not
 * prove the document well formed.  That it is Word rather than Excel is
 * not checked: both open in the same office suite, as the same kind of
 * thing.
 */
static bool is_ooxml(const uint8_t *p, size_t n)
{
	static const char entry[] = "[Content_Types].xml";

	return is_zip(p, n) &&
	       (zip_local_has(p, n, entry) || zip_central_has(p, n, entry));
}

/*
 * Plain text: strict UTF-8 (an optional BOM first) without NUL or control
 * characters other than tab and line breaks, and not starting with
 * markup (after white space, '<' and then a letter, '!', '?' or '/'):
 * browsers and mail clients have sniffed such "text" as HTML.  Text in
 * GBK is refused too: it would show as mojibake to whoever opens it.
 */
static bool is_text(const uint8_t *p, size_t n)
{
	const char *s = (const char *)p;
	size_t i = 0;

	if (starts(p, n, "\xef\xbb\xbf", 3)) {
		s += 3;
		n -= 3;
	}
	if (!utf8_valid(s, n))
		return false;
	while (i < n && strchr(" \t\r\n\f", s[i]))
		i++;
	if (i + 1 < n && s[i] == '<') {
		char c = s[i + 1];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '!' || c == '?' || c == '/')
			return false;
	}
	return true;
}

/* The allow-list. */
static const struct ftype {
	const char *ext;
	const char *mime;
	const char *what;                     /* for messages */
	bool (*magic)(const uint8_t *p, size_t n);
} ftypes[] = {
	{ "pdf", "application/pdf", "PDF 文档", is_pdf },
	{ "jpg", "image/jpeg", "JPEG 图片", is_jpeg },
	{ "jpeg", "image/jpeg", "JPEG 图片", is_jpeg },
	{ "png", "image/png", "PNG 图片", is_png },
	{ "doc", "application/msword", "Word 97-2003 文档", is_ole },
	{ "xls", "application/vnd.ms-excel", "Excel 97-2003 表格", is_ole },
	{ "docx", "application/vnd.openxmlformats-officedocument."
		  "wordprocessingml.document", "Word 文档", is_ooxml },
	{ "xlsx", "application/vnd.openxmlformats-officedocument."
		  "spreadsheetml.sheet", "Excel 表格", is_ooxml },
	/* OFD (GB/T 33190) is a ZIP package; only that is checked. */
	{ "ofd", "application/ofd", "OFD 版式文件", is_zip },
	{ "txt", "text/plain; charset=utf-8", "UTF-8 纯文本", is_text },
};

static const char allowed_list[] =
	"PDF、JPG、PNG、DOC、DOCX、XLS、XLSX、OFD、TXT";

const char *attach_accept(void)
{
	static char accept[128];

	/* Built once from the allow-list; a race writes the same bytes. */
	if (!accept[0]) {
		char tmp[sizeof(accept)];
		size_t i, n = 0;

		for (i = 0; i < ARRAY_SIZE(ftypes); i++)
			n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "%s.%s",
					      i ? "," : "", ftypes[i].ext);
		memcpy(accept, tmp, sizeof(accept));
	}
	return accept;
}

const char *attach_hint(void)
{
	static char hint[160];

	if (!hint[0]) {
		char tmp[sizeof(hint)];

		snprintf(tmp, sizeof(tmp), "可上传 %s 文件，每个不超过 %zu MB",
			 allowed_list, limits.file_max >> 20);
		memcpy(hint, tmp, sizeof(hint));
	}
	return hint;
}

const char *attach_mime_static(const char *mime)
{
	size_t i;

	for (i = 0; mime && i < ARRAY_SIZE(ftypes); i++)
		if (!strcmp(ftypes[i].mime, mime))
			return ftypes[i].mime;
	return "application/octet-stream";
}

static const struct ftype *type_of_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	char ext[8];
	size_t i, n;

	if (!dot || !dot[1])
		return NULL;
	n = strlen(dot + 1);
	if (n >= sizeof(ext))
		return NULL;
	for (i = 0; i <= n; i++) {
		char c = dot[1 + i];

		ext[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	for (i = 0; i < ARRAY_SIZE(ftypes); i++)
		if (!strcmp(ftypes[i].ext, ext))
			return &ftypes[i];
	return NULL;
}

/* ---- names ---- */

/* Decode the code point at s (valid UTF-8); returns its length. */
static size_t next_cp(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = (uint32_t)(s[0] & 0x0f) << 12 |
		      (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	      (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return 4;
}

/* Characters that hide or disguise what a name says: controls (C0, DEL,
 * C1), the direction marks and overrides ("invoice\u202Efdp.exe" shows
 * as "invoiceexe.pdf"), line separators and the BOM. */
static bool disguising(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* Why `name` may not name a file, or NULL when it may. */
static const char *name_problem(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = strlen(name), i, len;
	uint32_t cp;

	if (!n)
		return "文件名为空";
	if (!utf8_valid(name, n))
		return "文件名不是有效的 UTF-8 文本";
	for (i = 0; i < n; i += len) {
		len = next_cp(s + i, &cp);
		if (disguising(cp))
			return "文件名含有控制字符或文字方向控制符";
	}
	if (strchr(name, '/') || strchr(name, '\\'))
		return "文件名不得包含路径（/ 或 \\）";
	if (strstr(name, ".."))
		return "文件名不得包含“..”";
	if (name[0] == '.')
		return "文件名不得以“.”开头";
	if (utf8_chars(name, n) > ATTACH_NAME_MAX)
		return "文件名过长（最多 100 个字符）";
	return NULL;
}

/* The name as a message may quote it: one clean line, at most ~60 bytes
 * cut at a character boundary, so the message itself is never cut. */
static void display_name(const char *name, char out[72])
{
	struct buf b = BUF_INIT;
	size_t n;

	text_sanitize_log(&b, name ? name : "", name ? strlen(name) : 0);
	n = utf8_cut(b.data, b.len, 60);
	snprintf(out, 72, "%.*s%s", (int)n, buf_cstr(&b),
		 n < b.len ? "…" : "");
	buf_release(&b);
}

/* ---- malware ---- */

/*
 * The EICAR anti-virus test file's signature, kept in two halves so that
 * neither this source nor the binary built from it is itself a test file
 * to a scanner.  It is looked for anywhere in the content (the EICAR
 * rules want it at the start; a file that merely contains it is still a
 * file a scanner will complain about later).
 */
static const char eicar_head[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$";
static const char eicar_tail[] = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

static bool has_eicar(const uint8_t *p, size_t n)
{
	size_t hn = sizeof(eicar_head) - 1, tn = sizeof(eicar_tail) - 1;
	const uint8_t *q = p, *end = p + n;

	while ((size_t)(end - q) >= hn + tn) {
		q = memchr(q, eicar_head[0], (size_t)(end - q) - hn - tn + 1);
		if (!q)
			return false;
		if (!memcmp(q, eicar_head, hn) &&
		    !memcmp(q + hn, eicar_tail, tn))
			return true;
		q++;
	}
	return false;
}

/* Stream the bytes to clamd (zINSTREAM: 4-byte big-endian lengths, then
 * a zero length) and read its one-line verdict into `reply`. */
static int clamd_talk(int fd, const uint8_t *p, size_t n, char *reply,
		      size_t rlen)
{
	static const char cmd[] = "zINSTREAM";
	size_t off = 0, got = 0;
	uint32_t len;
	int sent;

	sent = write_all(fd, cmd, sizeof(cmd), true);
	while (!sent && off < n) {
		size_t c = n - off < CLAMD_CHUNK ? n - off : CLAMD_CHUNK;

		len = htonl((uint32_t)c);
		sent = write_all(fd, &len, 4, true) ||
		       write_all(fd, p + off, c, true);
		off += c;
	}
	len = 0;
	if (!sent)
		write_all(fd, &len, 4, true);
	/* Read even after a failed send: clamd answers, then closes, when a
	 * stream exceeds its StreamMaxLength. */
	while (got < rlen - 1) {
		ssize_t r = recv(fd, reply + got, rlen - 1 - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(reply, '\0', got))
			break;
	}
	reply[got] = '\0';
	return got ? FZ_OK : FZ_ERR;
}

/* 0: clean; 1: clamd found `sig`; FZ_ERR: no usable answer. */
static int clamd_scan(const uint8_t *p, size_t n, char *sig, size_t siglen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { CLAMD_TIMEOUT_S, 0 };
	static const char found[] = " FOUND";
	char reply[512] = "";
	size_t len;
	int fd, rc = FZ_ERR;

	memcpy(sa.sun_path, clamd_socket, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return FZ_ERR;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    clamd_talk(fd, p, n, reply, sizeof(reply)))
		goto out;
	len = strcspn(reply, "\r\n");
	reply[len] = '\0';
	if (!strcmp(reply, "stream: OK")) {
		rc = 0;
	} else if (str_starts(reply, "stream: ") && len > 8 + 6 &&
		   !strcmp(reply + len - 6, found)) {
		snprintf(sig, siglen, "%.*s", (int)(len - 8 - 6), reply + 8);
		rc = 1;
	} else {
		warn("attach: clamd answered \"%.100s\"", reply);
	}
out:
	if (rc == FZ_ERR && !reply[0])
		warn("attach: clamd at %s: %s", clamd_socket, strerror(errno));
	close(fd);
	return rc;
}

/* ---- the checks ---- */

static int check_clamd(const struct upload *u, struct fz_err *err)
{
	char sig[128], sigshow[72], name[72];
	int rc;

	if (!clamd_socket[0])
		return FZ_OK;
	rc = clamd_scan(u->data, u->len, sig, sizeof(sig));
	if (rc == 0)
		return FZ_OK;
	display_name(u->filename, name);
	if (rc < 0)
		return fz_fail(err, 503, "scan_unavailable",
			       "病毒扫描服务暂时不可用，文件“%s”未保存，"
			       "请稍后再试", name);
	display_name(sig, sigshow);
	return fz_fail(err, 400, "malware",
		       "文件“%s”被病毒扫描判定含有恶意代码（%s），已拒绝",
		       name, sigshow);
}

static double mib(size_t n)
{
	return (double)n / (1024.0 * 1024.0);
}

int attach_check_local(const struct upload *u, struct attach_kind *kind,
		       struct fz_err *err)
{
	const struct ftype *t;
	const char *why;
	char name[72];

	display_name(u->filename, name);
	why = u->filename ? name_problem(u->filename) : "文件名为空";
	if (why)
		return fz_fail(err, 400, "bad_name", "文件名“%s”无效：%s",
			       name, why);
	if (!u->len)
		return fz_fail(err, 400, "empty", "文件“%s”是空文件", name);
	if (u->len > limits.file_max)
		return fz_fail(err, 413, "too_large",
			       "文件“%s”过大（%.1f MB，每个文件最大 %.1f MB）",
			       name, mib(u->len), mib(limits.file_max));
	t = type_of_name(u->filename);
	if (!t)
		return fz_fail(err, 415, "bad_type",
			       "文件“%s”的类型不允许上传（允许：%s）", name,
			       allowed_list);
	if (!t->magic(u->data, u->len))
		return fz_fail(err, 415, "type_mismatch",
			       "文件“%s”的内容与扩展名不符：不是 %s", name,
			       t->what);
	if (has_eicar(u->data, u->len))
		return fz_fail(err, 400, "malware",
			       "文件“%s”含有病毒测试特征（EICAR），已拒绝",
			       name);
	if (kind) {
		kind->ext = t->ext;
		kind->mime = t->mime;
	}
	return FZ_OK;
}

int attach_check(const struct upload *u, struct attach_kind *kind,
		 struct fz_err *err)
{
	if (attach_check_local(u, kind, err))
		return FZ_ERR;
	return check_clamd(u, err);
}

int attach_check_all(const struct upload *u, size_t n, struct fz_err *err)
{
	size_t i, total = 0;
	char name[72];

	if (n > limits.files_max)
		return fz_fail(err, 413, "too_large",
			       "上传的文件过多（一次最多 %zu 个）",
			       limits.files_max);
	for (i = 0; i < n; i++) {
		if (attach_check_local(&u[i], NULL, err))
			return FZ_ERR;
		total += u[i].len;
		if (total > limits.total_max) {
			display_name(u[i].filename, name);
			return fz_fail(err, 413, "too_large",
				       "加上文件“%s”后，上传文件合计超过 "
				       "%.1f MB 的上限", name,
				       mib(limits.total_max));
		}
	}
	for (i = 0; i < n; i++)
		if (check_clamd(&u[i], err))
			return FZ_ERR;
	return FZ_OK;
}
