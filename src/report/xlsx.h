/* xlsx.h: a workbook written through a private temporary file
 *
 * libxlsxwriter writes to a file, so a workbook is built in a file made
 * with mkstemp() (mode 0600) in $TMPDIR or /tmp, read back into memory and
 * unlinked before xlsx_end() returns, whatever happened: no export is left
 * behind on disk.  Cells written with xlsx_text() are strings, never
 * formulas, so text such as "=HYPERLINK(...)" stays inert, and control
 * characters are shown as visible escapes.  The first failure of any call
 * is kept and reported by xlsx_end().
 */
#ifndef FZ_REPORT_XLSX_H
#define FZ_REPORT_XLSX_H

#include <stdbool.h>
#include <stdint.h>

#include <xlsxwriter.h>

#include "core/buf.h"

/* The workbook could not be written or read back; distinct from DB_E*. */
#define XLSX_EFILE (-100)

struct xlsx {
	lxw_workbook *wb;
	lxw_format *bold;           /* for header cells */
	char *path, *dir;
	lxw_error err;              /* first libxlsxwriter failure */
};

/* Start a workbook in a fresh temporary file; 0, or XLSX_EFILE with
 * nothing left to release. */
int xlsx_begin(struct xlsx *x);
/* A sheet named `name`, or NULL (the failure is kept). */
lxw_worksheet *xlsx_sheet(struct xlsx *x, const char *name);
/* A new format, or NULL (the failure is kept). */
lxw_format *xlsx_format(struct xlsx *x);
/* A string cell (nothing for NULL or ""), cut to Excel's cell limit. */
void xlsx_text(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
	       lxw_col_t col, const char *s, lxw_format *fmt);
/* The same for text whose control characters are escaped already (JSON
 * as jansson writes it), which escaping again would garble. */
void xlsx_escaped(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
		  lxw_col_t col, const char *s, lxw_format *fmt);
void xlsx_number(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
		 lxw_col_t col, double v, lxw_format *fmt);
/* Record the result of any other libxlsxwriter call. */
void xlsx_check(struct xlsx *x, lxw_error e);
/* Close the workbook and, when `ok` and nothing failed, append its bytes
 * to `out`; the file is gone in every case.  0 or XLSX_EFILE (also when
 * `out` would grow past its cap); `out` is left empty on failure. */
int xlsx_end(struct xlsx *x, bool ok, struct buf *out);

#endif
