/* table.c: the import sheet, and the CSV reader that fills it
 *
 * CSV as RFC 4180 writes it and as spreadsheet programs save it: comma
 * separated, fields quoted when they hold a comma, a quote or a line
 * break, quotes doubled inside.  Excel's "CSV UTF-8" puts a byte order
 * mark first; other tools do not.  A stray quote inside an unquoted field
 * is kept as a character (as spreadsheets read it); text after a closing
 * quote is refused, since it means the quoting is not what the writer
 * thought.  The sheet's row numbers count records, as a spreadsheet
 * shows them, so a report points at the row the user sees.
 */
#include "permit/permit.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

void permit_table_release(struct permit_table *t)
{
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		for (k = 0; k < t->rows[i].n; k++)
			free(t->rows[i].cells[k]);
		free(t->rows[i].cells);
		free(t->rows[i].serial);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

bool permit_is_zip(const void *data, size_t n)
{
	return n >= 4 && memcmp(data, "PK\3\4", 4) == 0;
}

/* ---- building rows ---- */

/* A row being read: its cells so far. */
struct row_acc {
	struct permit_row row;
	size_t cap;
	bool blank;                 /* every cell so far is blank */
};

static bool blank_text(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* Append a cell (taking `s`); FZ_ERR past PERMIT_COLS_MAX. */
static int acc_cell(struct row_acc *a, char *s, bool serial)
{
	if (a->row.n == PERMIT_COLS_MAX) {
		free(s);
		return FZ_ERR;
	}
	if (a->row.n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->row.cells = xrealloc(a->row.cells,
					a->cap * sizeof(*a->row.cells));
		a->row.serial = xrealloc(a->row.serial,
					 a->cap * sizeof(*a->row.serial));
	}
	if (!blank_text(s))
		a->blank = false;
	a->row.cells[a->row.n] = s;
	a->row.serial[a->row.n++] = serial;
	return 0;
}

static void acc_reset(struct row_acc *a)
{
	memset(a, 0, sizeof(*a));
	a->blank = true;
}

static void acc_drop(struct row_acc *a)
{
	size_t i;

	for (i = 0; i < a->row.n; i++)
		free(a->row.cells[i]);
	free(a->row.cells);
	free(a->row.serial);
	acc_reset(a);
}

/* Move the row into the table, or drop it when it is blank; FZ_ERR when
 * the table is full. */
static int acc_finish(struct row_acc *a, int line, struct permit_table *t)
{
	if (a->blank) {
		acc_drop(a);
		return 0;
	}
	if (t->n > PERMIT_ROWS_MAX) {
		acc_drop(a);
		return FZ_ERR;
	}
	t->rows = xrealloc(t->rows, (t->n + 1) * sizeof(*t->rows));
	a->row.line = line;
	t->rows[t->n++] = a->row;
	acc_reset(a);
	return 0;
}

/* ---- CSV ---- */

struct csv {
	const char *p, *end;
	int line;                   /* record number, from 1 */
	struct buf cell;
	struct row_acc acc;
	struct permit_table *t;
	struct fz_err *err;
};

static int csv_fail(struct csv *c, const char *what)
{
	fz_fail(c->err, 400, "bad_csv", "第 %d 行：%s", c->line, what);
	return FZ_ERR;
}

static int end_cell(struct csv *c)
{
	if (c->cell.len > PERMIT_CELL_MAX || buf_err(&c->cell))
		return csv_fail(c, "单元格内容过长");
	if (acc_cell(&c->acc, xstrndup(buf_cstr(&c->cell), c->cell.len),
		     false))
		return csv_fail(c, "列数过多（最多 64 列）");
	buf_reset(&c->cell);
	return 0;
}

static int end_row(struct csv *c)
{
	if (acc_finish(&c->acc, c->line, c->t))
		return csv_fail(c, "行数过多（一次最多导入 20000 行）");
	c->line++;
	return 0;
}

/* Consume a line end at c->p if there is one: true when there was. */
static bool line_end(struct csv *c)
{
	if (c->p < c->end && *c->p == '\r') {
		c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		return true;
	}
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		return true;
	}
	return false;
}

/* A quoted field, c->p just past its opening quote. */
static int quoted(struct csv *c)
{
	int start = c->line;

	for (;;) {
		const char *q = memchr(c->p, '"', (size_t)(c->end - c->p));

		if (!q) {
			c->line = start;
			return csv_fail(c, "引号未闭合");
		}
		buf_add(&c->cell, c->p, (size_t)(q - c->p));
		c->p = q + 1;
		if (c->p < c->end && *c->p == '"') {
			buf_putc(&c->cell, '"');
			c->p++;
			continue;
		}
		if (c->cell.len > PERMIT_CELL_MAX || buf_err(&c->cell))
			return csv_fail(c, "单元格内容过长");
		return 0;
	}
}

/* An unquoted field: up to a comma or a line end. */
static void unquoted(struct csv *c)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p != ',' && *c->p != '\r' &&
	       *c->p != '\n')
		c->p++;
	buf_add(&c->cell, s, (size_t)(c->p - s));
}

static int csv_run(struct csv *c)
{
	while (c->p < c->end) {
		if (*c->p == '"') {
			c->p++;
			if (quoted(c))
				return FZ_ERR;
			if (c->p < c->end && *c->p != ',' && *c->p != '\r' &&
			    *c->p != '\n')
				return csv_fail(c, "引号后还有多余的字符");
		} else {
			unquoted(c);
		}
		if (end_cell(c))
			return FZ_ERR;
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			/* a comma at the very end still ends a cell */
			if (c->p == c->end && end_cell(c))
				return FZ_ERR;
			continue;
		}
		line_end(c);
		if (end_row(c))
			return FZ_ERR;
	}
	if (c->acc.row.n && end_row(c))
		return FZ_ERR;
	return 0;
}

int permit_csv_parse(const void *data, size_t n, struct permit_table *t,
		     struct fz_err *err)
{
	struct csv c = { 0 };
	const char *p = data;

	memset(t, 0, sizeof(*t));
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	if (!utf8_valid(p, n))
		return fz_fail(err, 400, "bad_csv", "文件不是 UTF-8 编码的"
			       "文本，或含有控制字符。用 Excel 保存时请选择"
			       "“CSV UTF-8（逗号分隔）”");
	c.p = p;
	c.end = p + n;
	c.line = 1;
	c.t = t;
	c.err = err;
	buf_init(&c.cell, PERMIT_CELL_MAX + 8);
	acc_reset(&c.acc);
	if (csv_run(&c)) {
		acc_drop(&c.acc);
		permit_table_release(t);
		buf_release(&c.cell);
		return FZ_ERR;
	}
	buf_release(&c.cell);
	return 0;
}
