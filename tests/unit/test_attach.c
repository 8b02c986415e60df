/* test_attach.c: multipart bodies, upload checks and sealed storage (WB-05)
 *
 * The parser tests build bodies by hand, CRLF by CRLF.  The storage tests
 * use a fresh data directory with its own keyring and a migrated SQLite
 * database.  A stand-in clamd (a thread on a unix socket speaking
 * zINSTREAM) shows the scanner's verdicts being honoured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "attach/attach.h"
#include "core/buf.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "fixtures.h"
#include "store/store.h"

static char tmpdir[] = "/tmp/fz-test-attach-XXXXXX";

#define B "----fzBoundary7MA4YWxk"
#define CRLF "\r\n"

/* ---- helpers ---- */

struct parsed {
	struct kvlist form;
	struct upload *files;
	size_t nfiles;
	struct fz_err err;
	int rc;
};

static void parse(const char *body, size_t n, const char *boundary,
		  struct parsed *p)
{
	memset(p, 0, sizeof(*p));
	p->rc = multipart_parse(body, n, boundary, &p->form, &p->files,
				&p->nfiles, &p->err);
}

static void parse_s(const char *body, struct parsed *p)
{
	parse(body, strlen(body), B, p);
}

static void parsed_free(struct parsed *p)
{
	kvlist_release(&p->form);
	upload_free(p->files, p->nfiles);
	p->files = NULL;
	p->nfiles = 0;
}

/* The body must be refused as a whole, leaving nothing behind. */
static void refused(const char *body, size_t n, const char *why_part)
{
	struct parsed p;

	parse(body, n, B, &p);
	if (p.rc == 0)
		print_error("accepted: %s\n", body);
	assert_int_equal(p.rc, FZ_ERR);
	assert_int_equal(p.err.status, 400);
	assert_string_equal(p.err.code, "bad_multipart");
	assert_int_equal(p.form.n, 0);
	assert_null(p.form.items);
	assert_int_equal(p.nfiles, 0);
	assert_null(p.files);
	if (why_part && !strstr(p.err.msg, why_part))
		print_error("message: %s\n", p.err.msg);
	if (why_part)
		assert_non_null(strstr(p.err.msg, why_part));
	parsed_free(&p);
}

static void refused_s(const char *body, const char *why_part)
{
	refused(body, strlen(body), why_part);
}

static struct upload up(const char *name, const void *data, size_t len)
{
	struct upload u = { "file", (char *)name, "application/octet-stream",
			    data, len };

	return u;
}

static int check_code(const char *name, const void *data, size_t len,
		      struct fz_err *err)
{
	struct upload u = up(name, data, len);

	memset(err, 0, sizeof(*err));
	return attach_check(&u, NULL, err);
}

static void assert_refused(const char *name, const void *data, size_t len,
			   int status, const char *code)
{
	struct fz_err err;

	if (check_code(name, data, len, &err) == 0)
		print_error("accepted: %s\n", name);
	assert_int_equal(err.status, status);
	assert_string_equal(err.code, code);
}

static void assert_accepted(const char *name, const void *data, size_t len,
			    const char *mime)
{
	struct upload u = up(name, data, len);
	struct attach_kind k;
	struct fz_err err = { 0 };

	int rc = attach_check(&u, &k, &err);

	if (rc)
		print_error("%s: %s %s\n", name, err.code, err.msg);
	assert_int_equal(rc, 0);
	assert_string_equal(k.mime, mime);
}

/* The EICAR test file, assembled at run time so that this source is not
 * itself one. */
static void eicar(struct buf *b)
{
	buf_puts(b, "X5O!P%@AP[4\\PZX54(P^)7CC)7}$");
	buf_puts(b, "EICAR-STANDARD-ANTIVIRUS");
	buf_puts(b, "-TEST-FILE!$H+H*");
}

static void le16(struct buf *b, unsigned v)
{
	buf_putc(b, (int)(v & 0xff));
	buf_putc(b, (int)(v >> 8 & 0xff));
}

static void le32(struct buf *b, uint32_t v)
{
	le16(b, v & 0xffff);
	le16(b, v >> 16);
}

/* A stored (uncompressed) ZIP archive of the named entries, each holding
 * "x"; with `descriptor` the first entry's sizes follow its data, so
 * only the central directory names what comes after it. */
static void zip(struct buf *b, const char *const *names, size_t n,
		bool descriptor)
{
	uint32_t offs[8];
	size_t i, cd;

	for (i = 0; i < n; i++) {
		bool dd = descriptor && i == 0;

		offs[i] = (uint32_t)b->len;
		buf_add(b, "PK\x03\x04", 4);
		le16(b, 20);
		le16(b, dd ? 8 : 0);
		le16(b, 0);
		le32(b, 0);
		le32(b, 0);                      /* crc: not checked */
		le32(b, dd ? 0 : 1);
		le32(b, dd ? 0 : 1);
		le16(b, (unsigned)strlen(names[i]));
		le16(b, 0);
		buf_puts(b, names[i]);
		buf_putc(b, 'x');
		if (dd) {
			buf_add(b, "PK\x07\x08", 4);
			le32(b, 0);
			le32(b, 1);
			le32(b, 1);
		}
	}
	cd = b->len;
	for (i = 0; i < n; i++) {
		buf_add(b, "PK\x01\x02", 4);
		le16(b, 20);
		le16(b, 20);
		le16(b, 0);
		le16(b, 0);
		le32(b, 0);
		le32(b, 0);
		le32(b, 1);
		le32(b, 1);
		le16(b, (unsigned)strlen(names[i]));
		le16(b, 0);
		le16(b, 0);
		le16(b, 0);
		le16(b, 0);
		le32(b, 0);
		le32(b, offs[i]);
		buf_puts(b, names[i]);
	}
	buf_add(b, "PK\x05\x06", 4);
	le16(b, 0);
	le16(b, 0);
	le16(b, (unsigned)n);
	le16(b, (unsigned)n);
	le32(b, (uint32_t)(b->len - cd - 12));
	le32(b, (uint32_t)cd);
	le16(b, 0);
}

/* ---- multipart: good bodies ---- */

static void test_multipart_text_and_file(void **state)
{
	static const char body[] =
		"--" B CRLF
		"Content-Disposition: form-data; name=\"csrf\"" CRLF CRLF
		"0123abcd" CRLF
		"--" B CRLF
		"Content-Disposition: form-data; name=\"content\"" CRLF
		"Content-Type: text/plain; charset=UTF-8" CRLF CRLF
		"反映小区噪音问题" CRLF "第二行" CRLF
		"--" B CRLF
		"content-disposition: form-data; name=\"letter\"; "
		"filename=\"来信.pdf\"" CRLF
		"Content-Type: application/pdf" CRLF CRLF
		"%PDF-1.4\r\n--not-the-boundary\r\n\r\n%%EOF" CRLF
		"--" B CRLF
		"Content-Disposition: form-data; name=\"photo\"; filename=\"\""
		CRLF "Content-Type: application/octet-stream" CRLF CRLF
		CRLF
		"--" B "--" CRLF;
	static const char pdf[] =
		"%PDF-1.4\r\n--not-the-boundary\r\n\r\n%%EOF";
	struct parsed p;

	parse_s(body, &p);
	if (p.rc)
		print_error("%s\n", p.err.msg);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.form.n, 2);
	assert_string_equal(kv_get(&p.form, "csrf"), "0123abcd");
	assert_string_equal(kv_get(&p.form, "content"),
			    "反映小区噪音问题\r\n第二行");
	assert_int_equal(p.form.items[1].vlen, strlen(p.form.items[1].val));
	/* The empty file input sends nothing. */
	assert_int_equal(p.nfiles, 1);
	assert_string_equal(p.files[0].field, "letter");
	assert_string_equal(p.files[0].filename, "来信.pdf");
	assert_string_equal(p.files[0].ctype, "application/pdf");
	assert_int_equal(p.files[0].len, sizeof(pdf) - 1);
	assert_memory_equal(p.files[0].data, pdf, sizeof(pdf) - 1);
	/* Zero copy: the bytes are the body's. */
	assert_true((const char *)p.files[0].data > body &&
		    (const char *)p.files[0].data < body + sizeof(body));
	parsed_free(&p);
}

static void test_multipart_appends_to_form(void **state)
{
	static const char body[] =
		"--" B CRLF
		"Content-Disposition: form-data; name=a" CRLF CRLF
		"1" CRLF
		"--" B "--";
	struct kvlist form = KVLIST_INIT;
	struct upload *files = NULL;
	size_t n = 0;
	struct fz_err err;

	assert_int_equal(parse_urlencoded("q=x", 3, &form, NULL), 0);
	assert_int_equal(multipart_parse(body, sizeof(body) - 1, B, &form,
					 &files, &n, &err), 0);
	assert_int_equal(form.n, 2);
	assert_string_equal(kv_get(&form, "q"), "x");
	assert_string_equal(kv_get(&form, "a"), "1");
	assert_null(files);
	/* A failure keeps what was there. */
	assert_int_equal(multipart_parse(body, sizeof(body) - 3, B, &form,
					 &files, &n, &err), FZ_ERR);
	assert_int_equal(form.n, 2);
	kvlist_release(&form);
}

static void test_multipart_boundary_param(void **state)
{
	char b[MULTIPART_MAX_BOUNDARY + 1];
	char longb[128];
	struct fz_err err;

	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
					    "----WebKitFormBoundaryX1", b,
					    &err), 0);
	assert_string_equal(b, "----WebKitFormBoundaryX1");
	assert_int_equal(multipart_boundary("Multipart/Form-Data;charset="
					    "utf-8; BOUNDARY=\"a b:c'()+_,-./"
					    "=?\"", b, &err), 0);
	assert_string_equal(b, "a b:c'()+_,-./=?");
	memset(longb, 'x', 70);
	memcpy(longb + 70, "\0", 1);
	{
		char *ct = xasprintf("multipart/form-data; boundary=%s",
				     longb);

		assert_int_equal(multipart_boundary(ct, b, &err), 0);
		free(ct);
		ct = xasprintf("multipart/form-data; boundary=%sx", longb);
		assert_int_equal(multipart_boundary(ct, b, &err), FZ_ERR);
		free(ct);
	}
	assert_int_equal(multipart_boundary("multipart/form-data", b, &err),
			 FZ_ERR);
	assert_int_equal(err.status, 400);
	assert_string_equal(err.code, "bad_multipart");
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=",
					    b, &err), FZ_ERR);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
					    "\"\"", b, &err), FZ_ERR);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
					    "\"ab \"", b, &err), FZ_ERR);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
					    "\"a<b\"", b, &err), FZ_ERR);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
					    "a; boundary=b", b, &err), FZ_ERR);
	assert_int_equal(multipart_boundary("multipart/mixed; boundary=a", b,
					    &err), FZ_ERR);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
					    "\"abc", b, &err), FZ_ERR);
	assert_int_equal(multipart_boundary(NULL, b, &err), FZ_ERR);
}

static void test_multipart_quoted_boundary(void **state)
{
	static const char body[] =
		"--a b:c" CRLF
		"Content-Disposition: form-data; name=\"x\"" CRLF CRLF
		"1" CRLF
		"--a b:c--" CRLF;
	char b[MULTIPART_MAX_BOUNDARY + 1];
	struct parsed p;
	struct fz_err err;

	assert_int_equal(multipart_boundary("multipart/form-data; "
					    "boundary=\"a b:c\"", b, &err), 0);
	parse(body, sizeof(body) - 1, b, &p);
	assert_int_equal(p.rc, 0);
	assert_string_equal(kv_get(&p.form, "x"), "1");
	parsed_free(&p);
}

static void test_multipart_filename_star(void **state)
{
	static const char body[] =
		"--" B CRLF
		"Content-Disposition: form-data; name=\"f\"; "
		"filename=\"fallback.pdf\"; "
		"filename*=UTF-8''%E6%9D%A5%E4%BF%A1%20%281%29.pdf" CRLF CRLF
		"%PDF-" CRLF
		"--" B "--";
	struct parsed p;

	parse_s(body, &p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.nfiles, 1);
	assert_string_equal(p.files[0].filename, "来信 (1).pdf");
	/* Without a part Content-Type the default is octet-stream. */
	assert_string_equal(p.files[0].ctype, "application/octet-stream");
	parsed_free(&p);

	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=f; "
		  "filename*=ISO-8859-1''a.pdf" CRLF CRLF "x" CRLF
		  "--" B "--", "filename*");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=f; "
		  "filename*=UTF-8''%E6%9D.pdf" CRLF CRLF "x" CRLF
		  "--" B "--", "filename*");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=f; "
		  "filename*=UTF-8''a%2" CRLF CRLF "x" CRLF
		  "--" B "--", "filename*");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=f; "
		  "filename*=UTF-8''a%00b.pdf" CRLF CRLF "x" CRLF
		  "--" B "--", "filename*");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=f; "
		  "filename*=UTF-8''a.pdf; filename*=UTF-8''b.pdf" CRLF CRLF
		  "x" CRLF "--" B "--", "重复");
}

static void test_multipart_backslash_kept(void **state)
{
	static const char body[] =
		"--" B CRLF
		"Content-Disposition: form-data; name=\"f\"; "
		"filename=\"C:\\Users\\a\\b.pdf\"" CRLF CRLF
		"%PDF-" CRLF
		"--" B "--";
	struct parsed p;
	struct fz_err err;

	parse_s(body, &p);
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.files[0].filename, "C:\\Users\\a\\b.pdf");
	/* ... and the check refuses the path. */
	assert_int_equal(attach_check(&p.files[0], NULL, &err), FZ_ERR);
	assert_string_equal(err.code, "bad_name");
	parsed_free(&p);
}

/* ---- multipart: framing ---- */

static void test_multipart_crlf(void **state)
{
	static const char lf_only[] =
		"--" B "\n"
		"Content-Disposition: form-data; name=\"a\"\n\n"
		"1\n"
		"--" B "--\n";
	static const char good[] =
		"--" B CRLF
		"Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		"line1\r\nline2\n\r\n--" B "x is not a delimiter" CRLF
		"--" B "--";
	struct parsed p;

	refused(lf_only, sizeof(lf_only) - 1, NULL);
	/* A lone LF inside a header line. */
	refused_s("--" B CRLF
		  "Content-Disposition: form-data;\nname=\"a\"" CRLF CRLF
		  "1" CRLF "--" B "--", NULL);
	/* The delimiter must be followed by CRLF or "--". */
	refused_s("--" B "x" CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		  "1" CRLF "--" B "--", "换行");
	/* The boundary string followed by more inside a part is a broken
	 * delimiter, not data (RFC 2046: it must not occur). */
	parse(good, sizeof(good) - 1, B, &p);
	assert_int_equal(p.rc, FZ_ERR);
	parsed_free(&p);
	/* Nothing but one CRLF after the close delimiter. */
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		  "1" CRLF "--" B "--" CRLF CRLF, "多余");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		  "1" CRLF "--" B "--epilogue", "多余");
	/* No preamble. */
	refused_s("preamble" CRLF "--" B CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		  "1" CRLF "--" B "--", "开头");
	refused_s(CRLF "--" B CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		  "1" CRLF "--" B "--", "开头");
	/* Data keeps its own line breaks, bare CR and LF included. */
	parse_s("--" B CRLF
		"Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		"x\r\ny\nz\r" CRLF "--" B "--", &p);
	assert_int_equal(p.rc, 0);
	assert_string_equal(kv_get(&p.form, "a"), "x\r\ny\nz\r");
	parsed_free(&p);
}

static void test_multipart_missing_final_boundary(void **state)
{
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		  "1" CRLF, "结束分隔线");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		  "1" CRLF "--" B, "结束分隔线");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
		  "1" CRLF "--" B CRLF, NULL);
	refused_s("--" B, "结束分隔线");
	refused_s("", "开头");
	refused_s("--" B "-", NULL);
}

static void test_multipart_truncated_headers(void **state)
{
	struct buf b = BUF_INIT;
	int i;

	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=\"a\"" CRLF,
		  "不完整");
	refused_s("--" B CRLF "Content-Disposition: form-da", "不完整");
	/* Headers over the cap. */
	buf_puts(&b, "--" B CRLF "Content-Disposition: form-data; name=a");
	buf_puts(&b, CRLF "X-Pad: ");
	for (i = 0; i < MULTIPART_MAX_HEADER; i++)
		buf_putc(&b, 'p');
	buf_puts(&b, CRLF CRLF "1" CRLF "--" B "--");
	refused(b.data, b.len, "过长");
	/* Too many header lines. */
	buf_reset(&b);
	buf_puts(&b, "--" B CRLF "Content-Disposition: form-data; name=a");
	for (i = 0; i < MULTIPART_MAX_HEADER_LINES; i++)
		buf_printf(&b, CRLF "X-H%d: 1", i);
	buf_puts(&b, CRLF CRLF "1" CRLF "--" B "--");
	refused(b.data, b.len, "行数");
	buf_release(&b);
}

static void test_multipart_too_many_parts(void **state)
{
	struct buf b = BUF_INIT;
	struct parsed p;
	int i;

	buf_puts(&b, "--" B);
	for (i = 0; i < MULTIPART_MAX_PARTS; i++)
		buf_printf(&b, CRLF "Content-Disposition: form-data; "
			   "name=\"f%d\"" CRLF CRLF "%d" CRLF "--" B, i, i);
	buf_puts(&b, "--");
	parse(b.data, b.len, B, &p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.form.n, MULTIPART_MAX_PARTS);
	parsed_free(&p);

	b.len -= 2;
	buf_puts(&b, CRLF "Content-Disposition: form-data; name=\"more\""
		 CRLF CRLF "x" CRLF "--" B "--");
	refused(b.data, b.len, "过多");
	buf_release(&b);
}

static void test_multipart_strict_headers(void **state)
{
	/* No Content-Disposition at all, or an empty header block. */
	refused_s("--" B CRLF "Content-Type: text/plain" CRLF CRLF "1" CRLF
		  "--" B "--", "Content-Disposition");
	refused_s("--" B CRLF CRLF "1" CRLF "--" B "--",
		  "Content-Disposition");
	/* Twice. */
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=a" CRLF
		  "Content-Disposition: form-data; name=b" CRLF CRLF
		  "1" CRLF "--" B "--", "重复");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=a" CRLF
		  "Content-Type: text/plain" CRLF
		  "Content-Type: text/html" CRLF CRLF
		  "1" CRLF "--" B "--", "重复");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=a; name=b" CRLF CRLF
		  "1" CRLF "--" B "--", "重复");
	refused_s("--" B CRLF
		  "Content-Disposition: form-data; name=a; filename=x.pdf; "
		  "filename=y.pdf" CRLF CRLF "1" CRLF "--" B "--", "重复");
	/* Not form-data, no name, an empty name. */
	refused_s("--" B CRLF "Content-Disposition: attachment; name=a"
		  CRLF CRLF "1" CRLF "--" B "--", "form-data");
	refused_s("--" B CRLF "Content-Disposition: form-data" CRLF CRLF
		  "1" CRLF "--" B "--", "name");
	refused_s("--" B CRLF "Content-Disposition: form-data; name=\"\""
		  CRLF CRLF "1" CRLF "--" B "--", NULL);
	refused_s("--" B CRLF "Content-Disposition: form-data; name=\"a"
		  CRLF CRLF "1" CRLF "--" B "--", NULL);
	refused_s("--" B CRLF "Content-Disposition: form-data; name" CRLF
		  CRLF "1" CRLF "--" B "--", NULL);
	/* Folded header lines are obsolete. */
	refused_s("--" B CRLF "Content-Disposition: form-data;" CRLF
		  " name=a" CRLF CRLF "1" CRLF "--" B "--", "折行");
	/* Encodings other than identity. */
	refused_s("--" B CRLF "Content-Disposition: form-data; name=a" CRLF
		  "Content-Transfer-Encoding: base64" CRLF CRLF "MQ==" CRLF
		  "--" B "--", "传输编码");
	/* A header without a colon. */
	refused_s("--" B CRLF "Content-Disposition: form-data; name=a" CRLF
		  "garbage" CRLF CRLF "1" CRLF "--" B "--", NULL);
	/* Headers that are not UTF-8. */
	refused_s("--" B CRLF "Content-Disposition: form-data; name=a; "
		  "filename=\"\xb2\xe2.pdf\"" CRLF CRLF "1" CRLF "--" B "--",
		  "UTF-8");
}

static void test_multipart_text_rules(void **state)
{
	static const char nul[] =
		"--" B CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
		"x\0y" CRLF "--" B "--";
	struct buf b = BUF_INIT;
	size_t i;

	/* Text fields follow the urlencoded rules (WB-06). */
	refused(nul, sizeof(nul) - 1, "UTF-8");
	refused_s("--" B CRLF "Content-Disposition: form-data; name=a"
		  CRLF CRLF "\xc0\xaf" CRLF "--" B "--", "UTF-8");
	refused_s("--" B CRLF "Content-Disposition: form-data; name=a"
		  CRLF CRLF "\x1b[31m" CRLF "--" B "--", "UTF-8");
	buf_init(&b, PARSE_MAX_VALUE + 4096);
	buf_puts(&b, "--" B CRLF "Content-Disposition: form-data; name=a"
		 CRLF CRLF);
	for (i = 0; i <= PARSE_MAX_VALUE; i++)
		buf_putc(&b, 'v');
	buf_puts(&b, CRLF "--" B "--");
	refused(b.data, b.len, "过长");
	buf_release(&b);
	/* A key over PARSE_MAX_KEY bytes. */
	buf_puts(&b, "--" B CRLF "Content-Disposition: form-data; name=");
	for (i = 0; i <= PARSE_MAX_KEY; i++)
		buf_putc(&b, 'k');
	buf_puts(&b, CRLF CRLF "1" CRLF "--" B "--");
	refused(b.data, b.len, NULL);
	buf_release(&b);
}

static void test_multipart_empty_form(void **state)
{
	struct parsed p;

	parse_s("--" B "--" CRLF, &p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.form.n, 0);
	assert_int_equal(p.nfiles, 0);
	parsed_free(&p);
}

/* ---- content checks (WB-05) ---- */

static void test_WB_05_oversize(void **state)
{
	uint8_t *big = xcalloc(ATTACH_FILE_MAX + 1, 1);
	struct attach_limits l;
	struct fz_err err;

	attach_get_limits(&l);
	assert_int_equal(l.file_max, ATTACH_FILE_MAX);
	memcpy(big, "%PDF-1.4", 8);
	assert_accepted("big.pdf", big, ATTACH_FILE_MAX, "application/pdf");
	assert_refused("big.pdf", big, ATTACH_FILE_MAX + 1, 413, "too_large");
	assert_int_equal(check_code("big.pdf", big, ATTACH_FILE_MAX + 1,
				    &err), FZ_ERR);
	assert_non_null(strstr(err.msg, "big.pdf"));
	/* Size comes before type: an oversize file is refused unread. */
	assert_refused("big.html", big, ATTACH_FILE_MAX + 1, 413,
		       "too_large");
	free(big);
}

static void test_WB_05_html_as_pdf(void **state)
{
	static const char page[] =
		"<!DOCTYPE html><html><script>alert(1)</script></html>";

	assert_refused("letter.pdf", page, sizeof(page) - 1, 415,
		       "type_mismatch");
	assert_refused("letter.PDF", page, sizeof(page) - 1, 415,
		       "type_mismatch");
	assert_refused("photo.jpg", page, sizeof(page) - 1, 415,
		       "type_mismatch");
	assert_refused("notes.txt", page, sizeof(page) - 1, 415,
		       "type_mismatch");
	assert_refused("notes.txt", "\xef\xbb\xbf \r\n<SCRIPT>x", 17, 415,
		       "type_mismatch");
	assert_refused("notes.txt", "<?xml version=\"1.0\"?><svg/>", 26, 415,
		       "type_mismatch");
	assert_refused("page.html", page, sizeof(page) - 1, 415, "bad_type");
	assert_refused("page.htm", page, sizeof(page) - 1, 415, "bad_type");
	assert_refused("image.svg", page, sizeof(page) - 1, 415, "bad_type");
	assert_refused("tool.exe", "MZ\x90", 3, 415, "bad_type");
	assert_refused("noextension", "%PDF-", 5, 415, "bad_type");
	assert_refused("trailing.pdf.", "%PDF-", 5, 415, "bad_type");
	assert_refused("letter.pdf.html", page, sizeof(page) - 1, 415,
		       "bad_type");
	/* The double extension is judged by its last one and the bytes. */
	assert_refused("letter.html.pdf", page, sizeof(page) - 1, 415,
		       "type_mismatch");
}

static void test_WB_05_dotdot_name(void **state)
{
	static const char *const bad[] = {
		"../etc/passwd.pdf", "..\\..\\boot.pdf", "a/b.pdf", "a\\b.pdf",
		"..pdf", "x..pdf", ".hidden.pdf", ".pdf", "", "a\tb.pdf",
		"a\x01.pdf", "a\x7f.pdf", "a\xc2\x85.pdf",
		"invoice\xe2\x80\xae" "fdp.exe.pdf", "a\xe2\x81\xa6.pdf",
		"a\xef\xbb\xbf.pdf", "\xb2\xe2\xca\xd4.pdf",
	};
	struct buf name = BUF_INIT;
	struct fz_err err;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (check_code(bad[i], "%PDF-", 5, &err) == 0)
			print_error("accepted: %s\n", bad[i]);
		assert_int_equal(check_code(bad[i], "%PDF-", 5, &err), FZ_ERR);
		assert_int_equal(err.status, 400);
		assert_string_equal(err.code, "bad_name");
	}
	{
		struct upload u = up(NULL, "%PDF-", 5);

		assert_int_equal(attach_check(&u, NULL, &err), FZ_ERR);
		assert_string_equal(err.code, "bad_name");
	}
	/* 100 characters are fine, 101 are not (counted in characters). */
	for (i = 0; i < 96; i++)
		buf_puts(&name, "信");
	buf_puts(&name, ".pdf");
	assert_accepted(name.data, "%PDF-", 5, "application/pdf");
	buf_reset(&name);
	for (i = 0; i < 97; i++)
		buf_puts(&name, "信");
	buf_puts(&name, ".pdf");
	assert_refused(name.data, "%PDF-", 5, 400, "bad_name");
	/* The message names the file, as one clean line. */
	assert_int_equal(check_code("../x\n.pdf", "%PDF-", 5, &err), FZ_ERR);
	assert_non_null(strstr(err.msg, "../x\\n.pdf"));
	assert_null(strchr(err.msg, '\n'));
	buf_release(&name);
}

static void test_WB_05_eicar(void **state)
{
	struct buf b = BUF_INIT;
	struct fz_err err;

	eicar(&b);
	assert_refused("eicar.txt", b.data, b.len, 400, "malware");
	assert_int_equal(check_code("eicar.txt", b.data, b.len, &err),
			 FZ_ERR);
	assert_non_null(strstr(err.msg, "eicar.txt"));
	assert_non_null(strstr(err.msg, "EICAR"));
	/* Anywhere in the content, whatever the type. */
	buf_reset(&b);
	buf_puts(&b, "%PDF-1.4\n1 0 obj\n(");
	eicar(&b);
	buf_puts(&b, ")\nendobj\n");
	assert_refused("letter.pdf", b.data, b.len, 400, "malware");
	buf_reset(&b);
	buf_add(&b, "\xff\xd8\xff\xe0", 4);
	eicar(&b);
	assert_refused("scan.jpg", b.data, b.len, 400, "malware");
	/* Half of it is harmless. */
	buf_reset(&b);
	buf_puts(&b, "%PDF-1.4 X5O!P%@AP[4\\PZX54(P^)7CC)7}$");
	assert_accepted("half.pdf", b.data, b.len, "application/pdf");
	buf_release(&b);
}

static void test_WB_05_empty(void **state)
{
	assert_refused("empty.pdf", "", 0, 400, "empty");
	assert_refused("empty.txt", NULL, 0, 400, "empty");
}

static void test_WB_05_allow_list(void **state)
{
	static const char *const ooxml[] = {
		"[Content_Types].xml", "_rels/.rels", "word/document.xml",
	};
	static const char *const late[] = {
		"word/document.xml", "_rels/.rels", "[Content_Types].xml",
	};
	static const char *const plain[] = { "a.txt", "b.html" };
	static const char *const ofd[] = { "OFD.xml", "Doc_0/Document.xml" };
	struct buf z = BUF_INIT;

	assert_accepted("来信.pdf", "%PDF-1.7\n", 9, "application/pdf");
	assert_accepted("SCAN.JPG", "\xff\xd8\xff\xe1", 4, "image/jpeg");
	assert_accepted("scan.jpeg", "\xff\xd8\xff\xdb", 4, "image/jpeg");
	assert_accepted("p.png", "\x89PNG\r\n\x1a\n\0\0", 10, "image/png");
	assert_accepted("r.doc", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
			"application/msword");
	assert_accepted("r.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
			"application/vnd.ms-excel");
	assert_accepted("说明.txt", "第一行\r\n\t第二行\n", 22,
			"text/plain; charset=utf-8");
	assert_accepted("bom.txt", "\xef\xbb\xbf" "a < b", 8,
			"text/plain; charset=utf-8");
	assert_accepted("angle.txt", "<关于噪音的说明>", 23,
			"text/plain; charset=utf-8");

	zip(&z, ooxml, 3, false);
	assert_accepted("答复.docx", z.data, z.len,
			"application/vnd.openxmlformats-officedocument."
			"wordprocessingml.document");
	assert_accepted("t.xlsx", z.data, z.len,
			"application/vnd.openxmlformats-officedocument."
			"spreadsheetml.sheet");
	buf_reset(&z);
	/* Found through the central directory when a data descriptor
	 * stops the walk over local headers. */
	zip(&z, late, 3, true);
	assert_accepted("late.docx", z.data, z.len,
			"application/vnd.openxmlformats-officedocument."
			"wordprocessingml.document");
	buf_reset(&z);
	zip(&z, plain, 2, false);
	assert_refused("fake.docx", z.data, z.len, 415, "type_mismatch");
	assert_refused("fake.xlsx", z.data, z.len, 415, "type_mismatch");
	/* Any ZIP passes as OFD (see check.c). */
	assert_accepted("fake.ofd", z.data, z.len, "application/ofd");
	buf_reset(&z);
	zip(&z, ofd, 2, false);
	assert_accepted("公文.ofd", z.data, z.len, "application/ofd");
	buf_release(&z);

	assert_refused("x.docx", "PK\x03\x04", 4, 415, "type_mismatch");
	assert_refused("x.doc", "PK\x03\x04", 4, 415, "type_mismatch");
	assert_refused("x.png", "\xff\xd8\xff", 3, 415, "type_mismatch");
	assert_refused("x.jpg", "\x89PNG\r\n\x1a\n", 8, 415, "type_mismatch");
	assert_refused("x.pdf", " %PDF-", 6, 415, "type_mismatch");
	/* GBK text, NUL, controls. */
	assert_refused("gbk.txt", "\xb2\xe2\xca\xd4", 4, 415, "type_mismatch");
	assert_refused("nul.txt", "a\0b", 3, 415, "type_mismatch");
	assert_refused("esc.txt", "a\x1b[2J", 5, 415, "type_mismatch");
	assert_refused("x.gif", "GIF89a", 6, 415, "bad_type");

	assert_string_equal(attach_mime_static("image/png"), "image/png");
	assert_string_equal(attach_mime_static("text/html"),
			    "application/octet-stream");
	assert_string_equal(attach_mime_static(NULL),
			    "application/octet-stream");
}

static void test_WB_05_request_caps(void **state)
{
	struct attach_limits small = { 64, 100, 2 }, back = { 0, 0, 0 }, l;
	char pdf[80];
	struct upload u[3];
	struct fz_err err;

	memset(pdf, ' ', sizeof(pdf));
	memcpy(pdf, "%PDF-", 5);
	attach_set_limits(&small);
	u[0] = up("a.pdf", pdf, 60);
	u[1] = up("b.pdf", pdf, 60);
	u[2] = up("c.pdf", pdf, 10);
	assert_int_equal(attach_check_all(u, 1, &err), 0);
	assert_int_equal(attach_check(&u[0], NULL, &err), 0);
	u[0].len = 65;
	assert_int_equal(attach_check_all(u, 1, &err), FZ_ERR);
	assert_string_equal(err.code, "too_large");
	u[0].len = 60;
	/* 60 + 60 > 100: the second file is named. */
	assert_int_equal(attach_check_all(u, 2, &err), FZ_ERR);
	assert_int_equal(err.status, 413);
	assert_string_equal(err.code, "too_large");
	assert_non_null(strstr(err.msg, "b.pdf"));
	u[1].len = 40;
	assert_int_equal(attach_check_all(u, 2, &err), 0);
	assert_int_equal(attach_check_all(u, 3, &err), FZ_ERR);
	assert_string_equal(err.code, "too_large");
	/* One bad file refuses the lot. */
	u[1] = up("b.html", pdf, 10);
	assert_int_equal(attach_check_all(u, 2, &err), FZ_ERR);
	assert_string_equal(err.code, "bad_type");
	attach_set_limits(&back);
	attach_get_limits(&l);
	assert_int_equal(l.file_max, ATTACH_FILE_MAX);
	assert_int_equal(l.total_max, ATTACH_TOTAL_MAX);
	assert_int_equal(l.files_max, ATTACH_FILES_MAX);
}

/* ---- a stand-in clamd ---- */

struct fake_clamd {
	char path[108];
	int fd;
	int conns;          /* connections served */
	pthread_t thread;
};

static int read_full(int fd, void *p, size_t n)
{
	char *s = p;

	while (n) {
		ssize_t r = read(fd, s, n);

		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Answers FOUND when the stream contains "BAD", else OK. */
static void *clamd_main(void *arg)
{
	struct fake_clamd *c = arg;

	for (;;) {
		int fd = accept(c->fd, NULL, NULL);
		char cmd[10];
		struct buf got = BUF_INIT;
		uint32_t len;
		const char *reply;

		if (fd < 0)
			break;
		c->conns++;
		if (read_full(fd, cmd, sizeof(cmd)) ||
		    memcmp(cmd, "zINSTREAM", 10))
			goto next;
		for (;;) {
			char chunk[4096];

			if (read_full(fd, &len, 4))
				goto next;
			len = ntohl(len);
			if (!len)
				break;
			while (len) {
				size_t k = len < sizeof(chunk) ? len :
					   sizeof(chunk);

				if (read_full(fd, chunk, k))
					goto next;
				buf_add(&got, chunk, k);
				len -= (uint32_t)k;
			}
		}
		reply = got.data && strstr(got.data, "BAD") ?
			"stream: Fazhi.Test.Sig FOUND" : "stream: OK";
		if (write(fd, reply, strlen(reply) + 1) < 0)
			goto next;
next:
		buf_release(&got);
		close(fd);
	}
	return NULL;
}

static void clamd_start(struct fake_clamd *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(c->path, sizeof(c->path), "%s/clamd.sock", tmpdir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->path);
	unlink(c->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(c->fd, 4), 0);
	c->conns = 0;
	assert_int_equal(pthread_create(&c->thread, NULL, clamd_main, c), 0);
}

/* shutdown() wakes the accept() of the serving thread. */
static void clamd_stop(struct fake_clamd *c)
{
	shutdown(c->fd, SHUT_RDWR);
	pthread_join(c->thread, NULL);
	close(c->fd);
	unlink(c->path);
}

static void test_WB_05_clamd(void **state)
{
	struct fake_clamd c;
	struct buf big = BUF_INIT;
	char path[200];
	struct fz_err err;
	size_t i;

	clamd_start(&c);
	assert_int_equal(attach_set_clamd(c.path), 0);
	assert_accepted("ok.txt", "all good", 8, "text/plain; charset=utf-8");
	assert_refused("bad.txt", "this is BAD", 11, 400, "malware");
	assert_int_equal(check_code("bad.txt", "this is BAD", 11, &err),
			 FZ_ERR);
	assert_non_null(strstr(err.msg, "bad.txt"));
	assert_non_null(strstr(err.msg, "Fazhi.Test.Sig"));
	/* The local checks run first and spare clamd the obvious. */
	assert_refused("x.html", "<p>", 3, 415, "bad_type");
	/* A file of many stream chunks, the signature in the last. */
	buf_init(&big, (size_t)1 << 20);
	buf_puts(&big, "%PDF-1.4\n");
	for (i = 0; i < 200000; i++)
		buf_putc(&big, 'a');
	buf_puts(&big, "BAD");
	assert_refused("long.pdf", big.data, big.len, 400, "malware");
	big.data[big.len - 1] = 'd';
	assert_accepted("long.pdf", big.data, big.len, "application/pdf");
	buf_release(&big);
	/* attach_check_all() asks clamd about each file. */
	{
		struct upload two[2] = {
			up("a.txt", "fine", 4), up("b.txt", "BAD!", 4),
		};

		assert_int_equal(attach_check_all(two, 1, &err), 0);
		assert_int_equal(attach_check_all(two, 2, &err), FZ_ERR);
		assert_string_equal(err.code, "malware");
		assert_non_null(strstr(err.msg, "b.txt"));
	}
	clamd_stop(&c);
	assert_int_equal(c.conns, 8);

	/* Configured but not there: fail closed. */
	snprintf(path, sizeof(path), "%s/no-such.sock", tmpdir);
	assert_int_equal(attach_set_clamd(path), 0);
	assert_refused("ok.txt", "all good", 8, 503, "scan_unavailable");
	assert_refused("x.html", "<p>", 3, 415, "bad_type");
	assert_int_equal(attach_check_local(&(struct upload){ "f", "ok.txt",
		"text/plain", (const uint8_t *)"fine", 4 }, NULL, &err), 0);
	assert_int_equal(attach_set_clamd(NULL), 0);
	assert_accepted("ok.txt", "all good", 8, "text/plain; charset=utf-8");
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(attach_set_clamd(path), FZ_ERR);
}

/* ---- storage ---- */

struct fx {
	char dir[256];
	struct key_provider kp;
	struct keyring *kr;
	struct db *db;
	struct attach_store st;
	int64_t user, case_id, event_id;
};

static int dirseq;

static int64_t insert_id(struct db *db, const char *sql, const char *fmt,
			 int64_t a)
{
	return fx_returned_id(db_query(db, sql, fmt, a));
}

static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char err[256] = "", *url;

	snprintf(f->dir, sizeof(f->dir), "%s/d%d", tmpdir, ++dirseq);
	if (mkdir(f->dir, 0700) || key_provider_file(&f->kp, f->dir) ||
	    keyring_create(&f->kp))
		return -1;
	f->kr = keyring_load(&f->kp, err, sizeof(err));
	url = xasprintf("sqlite:%s/fazhi.db", f->dir);
	f->db = db_open(url, err, sizeof(err));
	free(url);
	if (!f->kr || !f->db || db_migrate(f->db, NULL, NULL)) {
		print_error("set-up: %s\n", err);
		return -1;
	}
	f->st.data_dir = f->dir;
	f->st.kr = f->kr;
	f->user = insert_id(f->db, "INSERT INTO users (login, display_name, "
			    "password_hash, password_changed_at, created_at) "
			    "VALUES ('clerk', '经办人', 'x', ?, 0) "
			    "RETURNING id", "i", 0);
	f->case_id = insert_id(f->db, "INSERT INTO cases (proc, version, "
			       "year, seq, number, state, fields, created_at, "
			       "updated_at) VALUES ('petition', 1, 2026, ?, "
			       "'信2026-1', 'new', '{}', 0, 0) RETURNING id",
			       "i", 1);
	f->event_id = insert_id(f->db, "INSERT INTO case_events (case_id, "
				"seq, action, from_state, to_state, actor, ts, "
				"fields) VALUES (?, 1, 'create', '', 'new', "
				"'clerk', 0, '{}') RETURNING id", "i",
				f->case_id);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	keyring_free(f->kr);
	key_provider_release(&f->kp);
	free(f);
	return 0;
}

/* Files under dir (recursively), and whether any contains `needle`. */
static int count_files(const char *dir, const char *needle, bool *found)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char *p;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			n += count_files(p, needle, found);
		} else {
			struct buf b = BUF_INIT;

			n++;
			if (needle && read_file(p, &b, (size_t)64 << 20) == 0 &&
			    b.len && strstr(b.data, needle))
				*found = true;
			if (strstr(e->d_name, needle ? needle : "\x01"))
				*found = true;
			buf_release(&b);
		}
		free(p);
	}
	closedir(d);
	return n;
}

static char *attach_dir(struct fx *f)
{
	return xasprintf("%s/attachments", f->dir);
}

/* A PDF of `n` bytes whose body repeats a recognisable phrase. */
static void make_pdf(struct buf *b, size_t n)
{
	buf_init(b, n + 16);
	buf_puts(b, "%PDF-1.4\n");
	while (b->len + 16 <= n)
		buf_puts(b, "plain-marker-7q ");
	while (b->len < n)
		buf_putc(b, '.');
}

static char *stored_path(struct fx *f, int64_t id)
{
	struct db_rows *q = db_query(f->db, "SELECT storage FROM attachments "
				     "WHERE id = ?", "i", id);
	char *p;

	assert_non_null(q);
	assert_int_equal(db_next(q), 1);
	p = xasprintf("%s/attachments/%s", f->dir, db_text(q, 0));
	db_rows_free(q);
	return p;
}

static void test_WB_05_storage_roundtrip(void **state)
{
	struct fx *f = *state;
	struct buf pdf;
	struct upload u;
	struct attach_blob b;
	struct attach_info info;
	struct fz_err err = { 0 };
	struct db_rows *q;
	char *dir = attach_dir(f);
	bool found = false;
	int64_t id;
	struct stat st;
	char *path;
	int rc;

	make_pdf(&pdf, (5u << 20) / 2);          /* three chunks */
	u = up("张三的来信.pdf", pdf.data, pdf.len);
	rc = attach_save(f->db, &f->st, &u, f->user, &id, &err);
	if (rc)
		print_error("%s %s\n", err.code, err.msg);
	assert_int_equal(rc, 0);
	assert_true(id > 0);

	/* On disk: one file, under a generated name, neither the client's
	 * name nor the content readable, owner-only. */
	assert_int_equal(count_files(dir, "plain-marker-7q", &found), 1);
	assert_false(found);
	count_files(dir, "张三", &found);
	assert_false(found);
	path = stored_path(f, id);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);

	/* The row: sealed name, detected type, size, SM3, unbound. */
	q = db_query(f->db, "SELECT name, mime, size, sm3, storage, "
		     "uploaded_by, case_id FROM attachments WHERE id = ?",
		     "i", id);
	assert_non_null(q);
	assert_int_equal(db_next(q), 1);
	assert_true(str_starts(db_text(q, 0), "fz1."));
	assert_null(strstr(db_text(q, 0), "张三"));
	assert_string_equal(db_text(q, 1), "application/pdf");
	assert_int_equal(db_int(q, 2), (int64_t)pdf.len);
	assert_int_equal(strlen(db_text(q, 3)), 64);
	assert_int_equal(strlen(db_text(q, 4)), 35);
	assert_int_equal(db_int(q, 5), f->user);
	assert_true(db_isnull(q, 6));
	db_rows_free(q);

	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), 0);
	assert_int_equal(b.data.len, pdf.len);
	assert_memory_equal(b.data.data, pdf.data, pdf.len);
	assert_string_equal(b.info.name, "张三的来信.pdf");
	assert_string_equal(b.info.mime, "application/pdf");
	assert_int_equal(b.info.size, (int64_t)pdf.len);
	assert_int_equal(b.info.case_id, 0);
	attach_blob_release(&b);

	assert_int_equal(attach_get(f->db, &f->st, id, &info, &err), 0);
	assert_string_equal(info.name, "张三的来信.pdf");
	assert_int_equal(info.uploaded_by, f->user);
	attach_info_release(&info);
	assert_int_equal(attach_get(f->db, &f->st, id + 100, &info, &err),
			 FZ_ERR);
	assert_int_equal(err.status, 404);
	assert_int_equal(attach_open(f->db, &f->st, id + 100, &b, &err),
			 FZ_ERR);
	assert_int_equal(err.status, 404);

	buf_release(&pdf);
	free(dir);
}

static int list_cb(const struct attach_info *a, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s|%s|%s|%lld;", a->name ? a->name : "(null)",
		   a->field, a->mime, (long long)a->size);
	return 0;
}

static int list_stop(const struct attach_info *a, void *arg)
{
	(*(int *)arg)++;
	return 7;
}

static void test_WB_05_bind_and_list(void **state)
{
	struct fx *f = *state;
	struct upload u1 = up("回复函.pdf", "%PDF-1.4", 8);
	struct upload u2 = up("现场.png", "\x89PNG\r\n\x1a\nxx", 10);
	struct buf out = BUF_INIT;
	struct fz_err err;
	struct attach_info info;
	int64_t a, b, c;
	int calls = 0;

	assert_int_equal(attach_save(f->db, &f->st, &u1, 0, &a, &err), 0);
	assert_int_equal(attach_save(f->db, &f->st, &u2, f->user, &b, &err),
			 0);
	assert_int_equal(attach_save(f->db, &f->st, &u2, 0, &c, &err), 0);
	assert_int_equal(attach_list(f->db, &f->st, f->case_id, list_cb, &out,
				     &err), 0);
	assert_int_equal(out.len, 0);

	assert_int_equal(attach_bind(f->db, a, f->case_id, f->event_id,
				     "reply_letter", &err), 0);
	assert_int_equal(attach_bind(f->db, b, f->case_id, 0, "photos",
				     &err), 0);
	/* Once only. */
	assert_int_equal(attach_bind(f->db, a, f->case_id, f->event_id,
				     "other", &err), FZ_ERR);
	assert_int_equal(err.status, 409);
	assert_string_equal(err.code, "attach_bound");
	assert_int_equal(attach_bind(f->db, c + 100, f->case_id, 0, "x",
				     &err), FZ_ERR);
	assert_int_equal(err.status, 404);
	/* A case that does not exist: the foreign key refuses. */
	assert_int_equal(attach_bind(f->db, c, f->case_id + 100, 0, "x",
				     &err), FZ_ERR);
	assert_true(err.status >= 500);

	assert_int_equal(attach_get(f->db, &f->st, a, &info, &err), 0);
	assert_int_equal(info.case_id, f->case_id);
	assert_int_equal(info.event_id, f->event_id);
	assert_int_equal(info.uploaded_by, 0);
	assert_string_equal(info.field, "reply_letter");
	attach_info_release(&info);

	assert_int_equal(attach_list(f->db, &f->st, f->case_id, list_cb, &out,
				     &err), 0);
	assert_string_equal(buf_cstr(&out),
			    "回复函.pdf|reply_letter|application/pdf|8;"
			    "现场.png|photos|image/png|10;");
	assert_int_equal(attach_list(f->db, &f->st, f->case_id, list_stop,
				     &calls, &err), 7);
	assert_int_equal(calls, 1);
	buf_release(&out);
}

static void test_WB_05_tamper(void **state)
{
	struct fx *f = *state;
	struct buf pdf, raw = BUF_INIT, swapped = BUF_INIT;
	struct attach_blob b;
	struct upload u;
	struct fz_err err;
	int64_t id;
	char *path, *l1, *l2, *l3, orig;
	size_t pos;

	make_pdf(&pdf, (3u << 20) / 2);          /* two chunks */
	u = up("letter.pdf", pdf.data, pdf.len);
	assert_int_equal(attach_save(f->db, &f->st, &u, 0, &id, &err), 0);
	path = stored_path(f, id);
	assert_int_equal(read_file(path, &raw, (size_t)64 << 20), 0);

	/* One byte of ciphertext flipped. */
	pos = raw.len / 2;
	orig = raw.data[pos];
	raw.data[pos] = orig == 'A' ? 'B' : 'A';
	assert_int_equal(write_file_atomic(path, raw.data, raw.len, 0600), 0);
	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), FZ_ERR);
	assert_int_equal(err.status, 500);
	assert_string_equal(err.code, "attach_tamper");
	assert_null(b.data.data);
	raw.data[pos] = orig;
	assert_int_equal(write_file_atomic(path, raw.data, raw.len, 0600), 0);
	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), 0);
	attach_blob_release(&b);

	/* The two chunks swapped: each verifies, the whole does not. */
	l1 = strchr(raw.data, '\n') + 1;
	l2 = strchr(l1, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	buf_add(&swapped, raw.data, (size_t)(l1 - raw.data));
	buf_add(&swapped, l2, (size_t)(l3 - l2));
	buf_add(&swapped, l1, (size_t)(l2 - l1));
	assert_int_equal(write_file_atomic(path, swapped.data, swapped.len,
					   0600), 0);
	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), FZ_ERR);
	assert_string_equal(err.code, "attach_tamper");

	/* The last chunk dropped. */
	assert_int_equal(write_file_atomic(path, raw.data,
					   (size_t)(l2 - raw.data), 0600), 0);
	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), FZ_ERR);
	assert_string_equal(err.code, "attach_tamper");

	/* Another attachment's file put in its place. */
	{
		struct upload v = up("other.pdf", "%PDF-other", 10);
		int64_t other;
		char *opath;
		struct buf o = BUF_INIT;

		assert_int_equal(attach_save(f->db, &f->st, &v, 0, &other,
					     &err), 0);
		opath = stored_path(f, other);
		assert_int_equal(read_file(opath, &o, 1 << 20), 0);
		assert_int_equal(write_file_atomic(path, o.data, o.len, 0600),
				 0);
		assert_int_equal(attach_open(f->db, &f->st, id, &b, &err),
				 FZ_ERR);
		assert_string_equal(err.code, "attach_tamper");
		buf_release(&o);
		free(opath);
	}

	/* The row's hash changed. */
	assert_int_equal(write_file_atomic(path, raw.data, raw.len, 0600), 0);
	assert_int_equal(db_exec(f->db, "UPDATE attachments SET sm3 = ? "
				 "WHERE id = ?", "si", "00", id), 1);
	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), FZ_ERR);
	assert_string_equal(err.code, "attach_tamper");

	/* The file gone. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), FZ_ERR);
	assert_int_equal(err.status, 500);
	assert_string_equal(err.code, "attach_io");

	/* A storage name that would leave the directory is never used. */
	assert_int_equal(db_exec(f->db, "UPDATE attachments SET storage = "
				 "'../../../etc/passwd' WHERE id = ?", "i", id),
			 1);
	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), FZ_ERR);
	assert_string_equal(err.code, "attach_tamper");

	/* Expired rows are gone for good. */
	assert_int_equal(db_exec(f->db, "UPDATE attachments SET expired_at = "
				 "1 WHERE id = ?", "i", id), 1);
	assert_int_equal(attach_open(f->db, &f->st, id, &b, &err), FZ_ERR);
	assert_int_equal(err.status, 410);

	free(path);
	buf_release(&raw);
	buf_release(&swapped);
	buf_release(&pdf);
}

static void test_WB_05_refused_not_stored(void **state)
{
	struct fx *f = *state;
	static const char page[] = "<html><script>x</script></html>";
	struct upload bad[] = {
		up("letter.pdf", page, sizeof(page) - 1),
		up("../x.pdf", "%PDF-", 5),
		up("x.html", page, sizeof(page) - 1),
		up("e.pdf", "", 0),
	};
	char *dir = attach_dir(f);
	struct fz_err err;
	int64_t id = 0, n = -1;
	bool found = false;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(attach_save(f->db, &f->st, &bad[i], 0, &id,
					     &err), FZ_ERR);
	assert_int_equal(db_scalar_int(f->db, &n, "SELECT COUNT(*) FROM "
				       "attachments", ""), 0);
	assert_int_equal(n, 0);
	assert_int_equal(count_files(dir, NULL, &found), 0);
	free(dir);
}

static void test_WB_05_insert_failure_removes_file(void **state)
{
	struct fx *f = *state;
	struct upload u = up("a.pdf", "%PDF-1.4", 8);
	struct attach_file file;
	char *dir = attach_dir(f);
	struct fz_err err;
	int64_t id = 0, n = -1;
	bool found = false;

	/* uploaded_by names no user: the foreign key refuses the row. */
	assert_int_equal(attach_save(f->db, &f->st, &u, f->user + 100, &id,
				     &err), FZ_ERR);
	assert_true(err.status >= 500);
	assert_int_equal(count_files(dir, NULL, &found), 0);

	/* Inside the caller's transaction, which then rolls back: the row
	 * goes with it and the caller discards the file. */
	assert_int_equal(attach_write(&f->st, &u, &file, &err), 0);
	assert_int_equal(count_files(dir, NULL, &found), 1);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(attach_insert(f->db, &file, 0, &id, &err), 0);
	assert_true(db_in_tx(f->db));
	assert_int_equal(db_rollback(f->db), 0);
	attach_discard(&f->st, &file);
	attach_file_release(&file);
	assert_int_equal(count_files(dir, NULL, &found), 0);
	assert_int_equal(db_scalar_int(f->db, &n, "SELECT COUNT(*) FROM "
				       "attachments", ""), 0);
	assert_int_equal(n, 0);
	free(dir);
}

static int group_setup(void **state)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multipart_text_and_file),
		cmocka_unit_test(test_multipart_appends_to_form),
		cmocka_unit_test(test_multipart_boundary_param),
		cmocka_unit_test(test_multipart_quoted_boundary),
		cmocka_unit_test(test_multipart_filename_star),
		cmocka_unit_test(test_multipart_backslash_kept),
		cmocka_unit_test(test_multipart_crlf),
		cmocka_unit_test(test_multipart_missing_final_boundary),
		cmocka_unit_test(test_multipart_truncated_headers),
		cmocka_unit_test(test_multipart_too_many_parts),
		cmocka_unit_test(test_multipart_strict_headers),
		cmocka_unit_test(test_multipart_text_rules),
		cmocka_unit_test(test_multipart_empty_form),
		cmocka_unit_test(test_WB_05_oversize),
		cmocka_unit_test(test_WB_05_html_as_pdf),
		cmocka_unit_test(test_WB_05_dotdot_name),
		cmocka_unit_test(test_WB_05_eicar),
		cmocka_unit_test(test_WB_05_empty),
		cmocka_unit_test(test_WB_05_allow_list),
		cmocka_unit_test(test_WB_05_request_caps),
		cmocka_unit_test(test_WB_05_clamd),
		cmocka_unit_test_setup_teardown(test_WB_05_storage_roundtrip,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_WB_05_bind_and_list,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_WB_05_tamper, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_WB_05_refused_not_stored,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_WB_05_insert_failure_removes_file, fx_setup,
			fx_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
