/* export.h: the audit trail as an Excel workbook
 *
 * The workbook is written by libxlsxwriter into a private temporary file
 * (mkstemp, mode 0600, in the system temp directory), read back and
 * unlinked before the call returns, whatever happened (security row
 * RI-01: no export is left behind on disk).  Every text cell is written
 * as a string, never as a formula, so a login or object such as
 * "=HYPERLINK(...)" stays inert when the file is opened.
 */
#ifndef FZ_AUDIT_EXPORT_H
#define FZ_AUDIT_EXPORT_H

#include <stdint.h>

#include "core/buf.h"

struct db;
struct audit_filter;

#define AUDIT_EXPORT_MAX_ROWS 100000
/* The workbook could not be written or read back (disk full, no temp
 * directory); distinct from the DB_E* codes. */
#define AUDIT_EXPORT_EFILE (-100)

/*
 * Write the entries matching `f` (newest first, at most `cap` of them;
 * page and size in `f` are ignored) as an .xlsx workbook appended to
 * `out`.  The first sheet holds a bold, frozen header row in Chinese and
 * one row per entry, plus a final row saying so when more than `cap`
 * entries matched; the second sheet says when, by whom (`exported_by`)
 * and with which filters the file was made.  `*rows` is set to the number
 * of entries written.
 *
 * Returns 0, a DB_E* code, or AUDIT_EXPORT_EFILE (also when `out` would
 * grow past its cap).  `out` is left empty on failure.
 */
int audit_export_xlsx(struct db *db, const struct audit_filter *f,
		      int64_t cap, const char *exported_by, struct buf *out,
		      int64_t *rows);

#endif
