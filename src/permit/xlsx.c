/* xlsx.c: the first sheet of an xlsx workbook, as an import sheet
 *
 * An xlsx file is a zip archive of XML parts (ECMA-376): xl/workbook.xml
 * lists the sheets in order and names each by a relationship id, which
 * xl/_rels/workbook.xml.rels maps to its part; xl/sharedStrings.xml
 * holds the text most cells refer to by index.  Cells carry their type
 * in t=: "s" shared string, "inlineStr" text in the cell, "str" a
 * formula's text, "b" boolean, "e" error, "d" an ISO date, none or "n"
 * a number.  Spreadsheets keep dates as numbers (days since 1899-12-30,
 * or since 1904-01-01 in workbooks saved that way) and only format them
 * as dates, so numbers are kept as written and marked: the record check
 * reads a number in a date column as a day number.
 *
 * The file comes from outside.  Each part is read through a cap on its
 * uncompressed size (an archive may claim anything), the XML through
 * expat with document type declarations refused, so no entity can
 * expand, and the cells through the limits of the CSV reader.
 */
#include "permit/permit.h"

#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "core/utf8.h"

#define PART_SMALL ((size_t)4 << 20)       /* workbook, relationships */
#define PART_STRINGS ((size_t)64 << 20)    /* shared strings */
#define PART_SHEET ((size_t)128 << 20)
#define STRINGS_MAX 1000000

static int bad(struct fz_err *err, const char *what)
{
	return fz_fail(err, 400, "bad_xlsx", "无法读取 xlsx 文件：%s", what);
}

/* The element or attribute name without its namespace prefix. */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');

	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (; atts && atts[0]; atts += 2)
		if (strcmp(local(atts[0]), name) == 0)
			return atts[1];
	return NULL;
}

/* ---- reading one part through expat ---- */

struct part {
	XML_Parser xp;
	bool failed;                /* a handler gave up; msg says why */
	const char *msg;
};

static void XMLCALL no_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sys, const XML_Char *pub,
			       int internal)
{
	struct part *p = ud;

	p->failed = true;
	p->msg = "文件含有文档类型声明";
	XML_StopParser(p->xp, XML_FALSE);
}

static void part_stop(struct part *p, const char *msg)
{
	if (!p->failed) {
		p->failed = true;
		p->msg = msg;
		XML_StopParser(p->xp, XML_FALSE);
	}
}

/*
 * Parse entry `name` of `z` with the handlers, `ud` (which starts with a
 * struct part) as their data.  0, 1 when there is no such entry, or
 * FZ_ERR with err filled.
 */
static int read_part(zip_t *z, const char *name, size_t cap,
		     XML_StartElementHandler start,
		     XML_EndElementHandler end, XML_CharacterDataHandler text,
		     struct part *ud, struct fz_err *err)
{
	zip_int64_t idx = zip_name_locate(z, name, 0);
	zip_file_t *f;
	char chunk[16384];
	size_t total = 0;
	zip_int64_t got;
	int rc = 0;

	if (idx < 0)
		return 1;
	if (!(f = zip_fopen_index(z, (zip_uint64_t)idx, 0)))
		return bad(err, "压缩包中的部件无法打开");
	ud->xp = XML_ParserCreate("UTF-8");
	if (!ud->xp)
		die("out of memory");
	XML_SetUserData(ud->xp, ud);
	XML_SetElementHandler(ud->xp, start, end);
	if (text)
		XML_SetCharacterDataHandler(ud->xp, text);
	XML_SetStartDoctypeDeclHandler(ud->xp, no_doctype);
	do {
		got = zip_fread(f, chunk, sizeof(chunk));
		if (got < 0) {
			rc = bad(err, "压缩数据已损坏");
			break;
		}
		total += (size_t)got;
		if (total > cap) {
			rc = bad(err, "内容过大");
			break;
		}
		if (XML_Parse(ud->xp, chunk, (int)got, got == 0) !=
		    XML_STATUS_OK) {
			rc = ud->failed ? fz_fail(err, 400, "bad_xlsx",
						  "无法读取 xlsx 文件：%s",
						  ud->msg)
					: bad(err, "XML 格式错误");
			break;
		}
	} while (got > 0);
	XML_ParserFree(ud->xp);
	ud->xp = NULL;
	zip_fclose(f);
	return rc;
}

/* ---- text as OOXML escapes it ---- */

static int hexval(const char *s, size_t n)
{
	int v = 0, d;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((d = hex_digit((unsigned char)s[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void put_utf8(struct buf *b, int cp)
{
	if (cp < 0x80) {
		buf_putc(b, cp);
	} else if (cp < 0x800) {
		buf_putc(b, 0xc0 | (cp >> 6));
		buf_putc(b, 0x80 | (cp & 0x3f));
	} else {
		buf_putc(b, 0xe0 | (cp >> 12));
		buf_putc(b, 0x80 | ((cp >> 6) & 0x3f));
		buf_putc(b, 0x80 | (cp & 0x3f));
	}
}

/*
 * A string as shown: "_xHHHH_" (how OOXML writes characters XML cannot
 * hold, e.g. _x000D_ for a carriage return) decoded; control characters
 * other than tab and line breaks, and surrogates, dropped.
 */
static char *ooxml_text(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i = 0;
	int cp;

	while (i < n) {
		if (s[i] == '_' && i + 7 <= n && s[i + 1] == 'x' &&
		    s[i + 6] == '_' && (cp = hexval(s + i + 2, 4)) >= 0) {
			if ((cp >= 0x20 || cp == '\t' || cp == '\n' ||
			     cp == '\r') && (cp < 0xd800 || cp > 0xdfff) &&
			    cp != 0x7f)
				put_utf8(&b, cp);
			i += 7;
			continue;
		}
		buf_putc(&b, s[i++]);
	}
	return buf_detach(&b, NULL);
}

/* ---- workbook and relationships ---- */

struct book {
	struct part p;
	char *rid;                  /* the first sheet's relationship id */
	char *target;               /* its part */
	bool date1904;
	bool in_sheets;
};

static void XMLCALL book_start(void *ud, const XML_Char *name,
			       const XML_Char **atts)
{
	struct book *b = ud;
	const char *n = local(name), *v;

	if (strcmp(n, "workbookPr") == 0) {
		v = attr(atts, "date1904");
		b->date1904 = v && (strcmp(v, "1") == 0 ||
				    strcmp(v, "true") == 0);
	} else if (strcmp(n, "sheets") == 0) {
		b->in_sheets = true;
	} else if (b->in_sheets && strcmp(n, "sheet") == 0 && !b->rid &&
		   (v = attr(atts, "id"))) {
		b->rid = xstrdup(v);
	}
}

static void XMLCALL book_end(void *ud, const XML_Char *name)
{
	struct book *b = ud;

	if (strcmp(local(name), "sheets") == 0)
		b->in_sheets = false;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name,
			       const XML_Char **atts)
{
	struct book *b = ud;
	const char *id = attr(atts, "Id"), *t = attr(atts, "Target");

	if (strcmp(local(name), "Relationship") || !id || !t || b->target ||
	    !b->rid || strcmp(id, b->rid))
		return;
	/* relative to xl/, or absolute within the package */
	if (t[0] == '/')
		b->target = xstrdup(t + 1);
	else
		b->target = xasprintf("xl/%s", t);
}

static void XMLCALL ignore_end(void *ud, const XML_Char *name)
{
}

/* ---- shared strings ---- */

struct strings {
	struct part p;
	char **v;
	size_t n, cap, bytes;
	struct buf cur;
	int in_si, in_t, in_rph;
};

static void XMLCALL sst_start(void *ud, const XML_Char *name,
			      const XML_Char **atts)
{
	struct strings *s = ud;
	const char *n = local(name);

	if (s->p.failed)
		return;
	if (strcmp(n, "si") == 0) {
		s->in_si = 1;
		buf_reset(&s->cur);
	} else if (strcmp(n, "rPh") == 0) {
		s->in_rph++;
	} else if (strcmp(n, "t") == 0 && s->in_si) {
		s->in_t++;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct strings *s = ud;
	const char *n = local(name);

	if (s->p.failed)
		return;
	if (strcmp(n, "t") == 0 && s->in_t) {
		s->in_t--;
	} else if (strcmp(n, "rPh") == 0 && s->in_rph) {
		s->in_rph--;
	} else if (strcmp(n, "si") == 0 && s->in_si) {
		s->in_si = 0;
		if (s->n == STRINGS_MAX || buf_err(&s->cur)) {
			part_stop(&s->p, "共享字符串过多或过长");
			return;
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
		}
		s->v[s->n++] = ooxml_text(buf_cstr(&s->cur), s->cur.len);
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *t, int len)
{
	struct strings *s = ud;

	if (s->in_si && s->in_t && !s->in_rph)
		buf_add(&s->cur, t, (size_t)len);
}

static void strings_release(struct strings *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	buf_release(&s->cur);
}

/* ---- the sheet ---- */

enum cell_type { CT_NUMBER, CT_SHARED, CT_INLINE, CT_TEXT, CT_BOOL };

struct sheet {
	struct part p;
	const struct strings *sst;
	struct permit_table *t;
	struct permit_row row;      /* the row being read */
	size_t cap;
	bool row_blank, in_row;
	int row_no;                 /* of the row being read */
	int col;                    /* of the cell being read, from 0 */
	enum cell_type type;
	bool in_cell, in_v, in_is_t;
	int in_rph;
	struct buf val;
};

/* "B12" → column 1; -1 when it is no reference. */
static int ref_column(const char *ref)
{
	int col = 0, letters = 0;

	for (; *ref >= 'A' && *ref <= 'Z'; ref++, letters++) {
		col = col * 26 + (*ref - 'A' + 1);
		if (col > 16384)
			return -1;
	}
	return letters ? col - 1 : -1;
}

static void sheet_put(struct sheet *s, char *text, bool serial)
{
	size_t i;

	if (!*text) {
		free(text);
		return;
	}
	if (s->col >= PERMIT_COLS_MAX || strlen(text) > PERMIT_CELL_MAX) {
		part_stop(&s->p, s->col >= PERMIT_COLS_MAX ?
			  "列数过多（最多 64 列）" : "单元格内容过长");
		free(text);
		return;
	}
	if ((size_t)s->col >= s->cap) {
		size_t cap = (size_t)s->col + 1;

		s->row.cells = xrealloc(s->row.cells,
					cap * sizeof(*s->row.cells));
		s->row.serial = xrealloc(s->row.serial,
					 cap * sizeof(*s->row.serial));
		s->cap = cap;
	}
	for (i = s->row.n; i <= (size_t)s->col; i++) {
		s->row.cells[i] = NULL;
		s->row.serial[i] = false;
	}
	if (s->row.n <= (size_t)s->col)
		s->row.n = (size_t)s->col + 1;
	free(s->row.cells[s->col]);
	s->row.cells[s->col] = text;
	s->row.serial[s->col] = serial;
	if (text[strspn(text, " \t\r\n")])
		s->row_blank = false;
}

/* The value of the cell just read, by its type. */
static void sheet_cell(struct sheet *s)
{
	const char *v = buf_cstr(&s->val);
	int64_t idx;

	if (buf_err(&s->val)) {
		part_stop(&s->p, "单元格内容过长");
		return;
	}
	switch (s->type) {
	case CT_SHARED:
		if (parse_int64(v, 0, INT64_MAX, &idx) ||
		    (size_t)idx >= s->sst->n)
			part_stop(&s->p, "单元格引用的共享字符串不存在");
		else
			sheet_put(s, xstrdup(s->sst->v[idx]), false);
		break;
	case CT_BOOL:
		sheet_put(s, xstrdup(strcmp(v, "1") == 0 ? "TRUE" : "FALSE"),
			  false);
		break;
	case CT_NUMBER:
		sheet_put(s, xstrdup(v), true);
		break;
	case CT_INLINE:
	case CT_TEXT:
		sheet_put(s, ooxml_text(v, s->val.len), false);
		break;
	}
}

static void row_clear(struct sheet *s)
{
	size_t i;

	for (i = 0; i < s->row.n; i++)
		free(s->row.cells[i]);
	s->row.n = 0;
	s->row_blank = true;
}

/* Move the row into the table with its gaps as "". */
static void sheet_row_end(struct sheet *s)
{
	struct permit_row r = { 0 };
	size_t i;

	if (s->row_blank) {
		row_clear(s);
		return;
	}
	if (s->t->n > PERMIT_ROWS_MAX) {
		row_clear(s);
		part_stop(&s->p, "行数过多（一次最多导入 20000 行）");
		return;
	}
	r.line = s->row_no;
	r.n = s->row.n;
	r.cells = xcalloc(r.n, sizeof(*r.cells));
	r.serial = xcalloc(r.n, sizeof(*r.serial));
	for (i = 0; i < r.n; i++) {
		r.cells[i] = s->row.cells[i] ? s->row.cells[i] : xstrdup("");
		r.serial[i] = s->row.serial[i];
		s->row.cells[i] = NULL;
	}
	s->row.n = 0;
	s->row_blank = true;
	s->t->rows = xrealloc(s->t->rows, (s->t->n + 1) * sizeof(*s->t->rows));
	s->t->rows[s->t->n++] = r;
}

static enum cell_type type_of(const char *t)
{
	if (!t || strcmp(t, "n") == 0)
		return CT_NUMBER;
	if (strcmp(t, "s") == 0)
		return CT_SHARED;
	if (strcmp(t, "inlineStr") == 0)
		return CT_INLINE;
	if (strcmp(t, "b") == 0)
		return CT_BOOL;
	return CT_TEXT;             /* str, e (an error's text), d (ISO) */
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name,
				const XML_Char **atts)
{
	struct sheet *s = ud;
	const char *n = local(name), *v;
	int64_t no;

	if (s->p.failed)
		return;
	if (strcmp(n, "row") == 0) {
		v = attr(atts, "r");
		if (v && parse_int64(v, 1, 1048576, &no) == 0 &&
		    no > s->row_no)
			s->row_no = (int)no;
		else
			s->row_no++;
		s->in_row = true;
		s->col = -1;
	} else if (strcmp(n, "c") == 0 && s->in_row) {
		v = attr(atts, "r");
		s->col = v && ref_column(v) >= 0 ? ref_column(v) : s->col + 1;
		s->type = type_of(attr(atts, "t"));
		s->in_cell = true;
		buf_reset(&s->val);
	} else if (s->in_cell && strcmp(n, "v") == 0 &&
		   s->type != CT_INLINE) {
		s->in_v = true;
	} else if (s->in_cell && strcmp(n, "rPh") == 0) {
		s->in_rph++;
	} else if (s->in_cell && strcmp(n, "t") == 0 &&
		   s->type == CT_INLINE) {
		s->in_is_t = true;
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct sheet *s = ud;
	const char *n = local(name);

	if (s->p.failed)
		return;
	if (strcmp(n, "v") == 0) {
		s->in_v = false;
	} else if (strcmp(n, "t") == 0) {
		s->in_is_t = false;
	} else if (strcmp(n, "rPh") == 0 && s->in_rph) {
		s->in_rph--;
	} else if (strcmp(n, "c") == 0 && s->in_cell) {
		s->in_cell = false;
		if (s->val.len || s->type == CT_INLINE)
			sheet_cell(s);
	} else if (strcmp(n, "row") == 0 && s->in_row) {
		s->in_row = false;
		sheet_row_end(s);
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *t, int len)
{
	struct sheet *s = ud;

	if (s->in_cell && (s->in_v || (s->in_is_t && !s->in_rph)))
		buf_add(&s->val, t, (size_t)len);
}

/* ---- the workbook ---- */

static int read_book(zip_t *z, struct book *b, struct fz_err *err)
{
	int rc = read_part(z, "xl/workbook.xml", PART_SMALL, book_start,
			   book_end, NULL, &b->p, err);

	if (rc == 1)
		return bad(err, "不是 Excel 工作簿（缺少 xl/workbook.xml）");
	if (rc)
		return rc;
	if (b->rid) {
		rc = read_part(z, "xl/_rels/workbook.xml.rels", PART_SMALL,
			       rels_start, ignore_end, NULL, &b->p, err);
		if (rc < 0)
			return rc;
	}
	if (!b->target)
		b->target = xstrdup("xl/worksheets/sheet1.xml");
	return 0;
}

static int read_sheet(zip_t *z, const struct book *b,
		      const struct strings *sst, struct permit_table *t,
		      struct fz_err *err)
{
	struct sheet s = { 0 };
	int rc;

	s.sst = sst;
	s.t = t;
	s.row_blank = true;
	buf_init(&s.val, PERMIT_CELL_MAX * 2);
	rc = read_part(z, b->target, PART_SHEET, sheet_start, sheet_end,
		       sheet_text, &s.p, err);
	if (rc == 1)
		rc = bad(err, "找不到第一个工作表");
	row_clear(&s);
	free(s.row.cells);
	free(s.row.serial);
	buf_release(&s.val);
	return rc;
}

int permit_xlsx_parse(const void *data, size_t n, struct permit_table *t,
		      struct fz_err *err)
{
	struct book b = { 0 };
	struct strings sst = { 0 };
	zip_source_t *src;
	zip_error_t ze;
	zip_t *z;
	int rc;

	memset(t, 0, sizeof(*t));
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, n, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return bad(err, "内存不足");
	}
	z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (!z) {
		zip_source_free(src);
		return bad(err, "不是有效的 zip 压缩包");
	}
	buf_init(&sst.cur, PERMIT_CELL_MAX * 2);
	rc = read_book(z, &b, err);
	if (rc == 0) {
		rc = read_part(z, "xl/sharedStrings.xml", PART_STRINGS,
			       sst_start, sst_end, sst_text, &sst.p, err);
		rc = rc == 1 ? 0 : rc;
	}
	if (rc == 0)
		rc = read_sheet(z, &b, &sst, t, err);
	t->date1904 = b.date1904;
	if (rc)
		permit_table_release(t);
	strings_release(&sst);
	free(b.rid);
	free(b.target);
	zip_discard(z);
	return rc ? FZ_ERR : 0;
}
