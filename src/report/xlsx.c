/* xlsx.c: a workbook written through a private temporary file */
#include "report/xlsx.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/utf8.h"
#include "core/util.h"

/* Excel holds at most 32 767 characters in a cell; staying under that in
 * bytes keeps within it whatever the characters are. */
#define CELL_MAX 32000

static const char *temp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && d[0] == '/' ? d : "/tmp";
}

void xlsx_check(struct xlsx *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
		x->err = e;
}

int xlsx_begin(struct xlsx *x)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	int fd;

	memset(x, 0, sizeof(*x));
	x->dir = xstrdup(temp_dir());
	x->path = xasprintf("%s/fazhi-xlsx-XXXXXX", x->dir);
	fd = mkstemp(x->path);
	if (fd < 0) {
		free(x->path);
		free(x->dir);
		memset(x, 0, sizeof(*x));
		return XLSX_EFILE;
	}
	close(fd);
	/* Rows go to libxlsxwriter's own unlinked temp files as they are
	 * written, so a long ledger does not sit in memory. */
	opt.tmpdir = x->dir;
	x->wb = workbook_new_opt(x->path, &opt);
	x->bold = x->wb ? workbook_add_format(x->wb) : NULL;
	if (!x->bold) {
		struct buf none = BUF_INIT;

		xlsx_end(x, false, &none);
		return XLSX_EFILE;
	}
	format_set_bold(x->bold);
	return 0;
}

lxw_worksheet *xlsx_sheet(struct xlsx *x, const char *name)
{
	lxw_worksheet *ws = x->wb ? workbook_add_worksheet(x->wb, name) : NULL;

	if (!ws)
		xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	return ws;
}

lxw_format *xlsx_format(struct xlsx *x)
{
	lxw_format *f = x->wb ? workbook_add_format(x->wb) : NULL;

	if (!f)
		xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	return f;
}

/* A string cell of `s`, its control characters escaped (`escape`) or
 * left as they are; cut at a character boundary (and saying so) when
 * Excel could not hold it. */
static void put_string(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
		       lxw_col_t col, const char *s, lxw_format *fmt,
		       bool escape)
{
	struct buf b = BUF_INIT;
	size_t n = CELL_MAX;

	if (!ws || !s || !*s)
		return;
	if (escape)
		text_sanitize_log(&b, s, strlen(s));
	else
		buf_puts(&b, s);
	if (b.len > CELL_MAX) {
		while (n && ((unsigned char)b.data[n] & 0xC0) == 0x80)
			n--;
		b.len = n;
		b.data[n] = '\0';
		buf_puts(&b, "…（已截断）");
	}
	xlsx_check(x, worksheet_write_string(ws, row, col, buf_cstr(&b),
					     fmt));
	buf_release(&b);
}

void xlsx_text(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
	       lxw_col_t col, const char *s, lxw_format *fmt)
{
	put_string(x, ws, row, col, s, fmt, true);
}

void xlsx_escaped(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
		  lxw_col_t col, const char *s, lxw_format *fmt)
{
	put_string(x, ws, row, col, s, fmt, false);
}

void xlsx_number(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
		 lxw_col_t col, double v, lxw_format *fmt)
{
	if (ws)
		xlsx_check(x, worksheet_write_number(ws, row, col, v, fmt));
}

/* Read the finished file and unlink it at once: from then on only this
 * open descriptor reaches the bytes. */
static int slurp(const char *path, struct buf *out)
{
	char tmp[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	unlink(path);
	if (fd < 0)
		return XLSX_EFILE;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(out, tmp, (size_t)n);
	close(fd);
	return n < 0 || buf_err(out) || out->len == 0 ? XLSX_EFILE : 0;
}

int xlsx_end(struct xlsx *x, bool ok, struct buf *out)
{
	int rc = ok ? 0 : XLSX_EFILE;

	/* Always closed: it frees the workbook even when writing failed. */
	if (x->wb && workbook_close(x->wb) != LXW_NO_ERROR)
		rc = XLSX_EFILE;
	if (!x->wb || x->err != LXW_NO_ERROR)
		rc = XLSX_EFILE;
	if (rc == 0 && x->path)
		rc = slurp(x->path, out);
	if (x->path)
		unlink(x->path);
	if (rc)
		buf_reset(out);
	free(x->path);
	free(x->dir);
	memset(x, 0, sizeof(*x));
	return rc;
}
