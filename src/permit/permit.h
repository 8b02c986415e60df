/* permit.h: the administrative permits register (行政许可公示)
 *
 * Every permit decision of the park is a public record (行政许可法 Art.
 * 40; the 双公示 rules: online within 7 working days of the decision).
 * A record names the item, the decision number (unique), the holder with
 * its unified social credit code (GB 32100, checked with its check
 * character), the decision date, the validity, the authority, the legal
 * basis and whether an electronic full text exists, usually the decision
 * itself as an attachment.  A record is on the portal from the moment it
 * is stored (published_at).
 *
 * Records come in one at a time from the staff form, or as a batch from
 * a CSV or xlsx sheet.  A batch is all or nothing: every row is checked
 * first and a report names each problem by row, column and reason; only
 * a batch without errors is stored, in one transaction with one audit
 * entry.
 *
 *  - uscc.c     credit codes;
 *  - table.c    the CSV reader and the sheet it fills;
 *  - xlsx.c     the xlsx reader (the first sheet, through libzip/expat);
 *  - record.c   a row (or a form) checked into a record, the report;
 *  - store.c    batches stored, records read, the full-text rate;
 *  - pages.c, public.c   staff pages, the public list, detail and feed.
 *
 * A natural person may hold a permit: the code column then carries a
 * resident identity number (GB 11643), which is checked and not kept;
 * the portal masks such a holder's name (张*) and shows no number.
 */
#ifndef FZ_PERMIT_H
#define FZ_PERMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/util.h"

struct actor;
struct attach_store;
struct calendar;
struct db;
struct upload;

/* ---- unified social credit codes (uscc.c) ---- */

#define USCC_LEN 18

/*
 * Whether `s` is a unified social credit code (统一社会信用代码, GB
 * 32100-2015), exactly as written: 18 characters of the 31-symbol
 * alphabet 0-9 A-H J-N P-R T U W-Y (no I O S V Z, upper case), position
 * 1 a registration authority code and position 2 one of its category
 * codes (登记管理部门代码, 机构类别代码), positions 3-8 six digits (the
 * registering authority's division), position 18 the check character
 * alphabet[(31 - S mod 31) mod 31] with S = sum of value(c_i) * 3^(i-1)
 * mod 31 over the first 17.  False with err filled (400, a stable code
 * "uscc_length", "uscc_char", "uscc_authority", "uscc_category",
 * "uscc_division" or "uscc_check", and a Chinese sentence; for a wrong
 * check character it names the expected one).  `err` may be NULL.
 * Positions 9-17 are not judged here: see uscc_inner_check().
 */
bool uscc_valid(const char *s, struct fz_err *err);

/* The check character of the 17 characters at `s`, or 0 when one of them
 * is not of the alphabet. */
char uscc_check_char(const char *s);

/*
 * The organisation code check (GB 11714-1997) of positions 9-17: 1 when
 * it holds, 0 when it does not, -1 when it cannot be told (not 18
 * characters).  Letters in the body are valued both ways the sources
 * give (A=10..Z=35 and the 31-symbol values); either match counts.  Only
 * ever a warning: codes assigned after 2015 need not satisfy it.
 */
int uscc_inner_check(const char *s);

/* Append `in` folded to ASCII (full-width forms), without spaces, in
 * upper case: the form codes are checked and stored in. */
void uscc_normalise(const char *in, struct buf *out);

/* ---- records (record.c) ---- */

enum permit_holder { PERMIT_ORG = 1, PERMIT_PERSON = 2 };

/* The columns of an import sheet, which are also the form's fields. */
enum permit_col {
	PC_ITEM,        /* 许可事项 */
	PC_NUMBER,      /* 决定文书号 */
	PC_HOLDER,      /* 行政相对人名称 */
	PC_CODE,        /* 统一社会信用代码 */
	PC_DECIDED,     /* 许可决定日期 */
	PC_FROM,        /* 有效期自 */
	PC_TO,          /* 有效期至 */
	PC_AUTHORITY,   /* 许可机关 */
	PC_BASIS,       /* 许可依据 */
	PC_FULLTEXT,    /* 全文: 是, 否, or a file name */
	PC_COUNT
};

/* The column's name in an import sheet (its label on forms). */
const char *permit_col_name(enum permit_col c);
/* The form field that carries the column ("item", "decision_no", ...). */
const char *permit_col_field(enum permit_col c);

#define PERMIT_ITEM_MAX 100        /* characters */
#define PERMIT_NUMBER_MAX 60
#define PERMIT_HOLDER_MAX 200
#define PERMIT_AUTHORITY_MAX 100
#define PERMIT_BASIS_MAX 1000

/* The validity end of a permit without one. */
#define PERMIT_NO_END "长期"

struct permit {
	int64_t id;
	char *item, *decision_no, *holder, *holder_code;
	char *decided_on, *valid_from, *valid_to;   /* YYYY-MM-DD or "" */
	char *authority, *legal_basis, *imported_from;
	int holder_kind;            /* enum permit_holder */
	bool fulltext;              /* an electronic full text exists */
	int64_t fulltext_id;        /* its attachment, 0 when not attached */
	int64_t published_at, created_at, created_by;
	/* while being imported: the file named in 全文, or NULL */
	const struct upload *file;
	int row;                    /* sheet row it came from, 0 for a form */
};

void permit_release(struct permit *p);

/* One problem of an import or a form, by sheet row (1 = the first row of
 * the sheet, 0 = the file as a whole) and column (NULL for none). */
struct permit_problem {
	int row;
	const char *column;
	char *msg;
	bool warning;               /* reported, but nothing is refused */
};

#define PERMIT_PROBLEMS_MAX 500    /* listed; more are only counted */

struct permit_report {
	struct permit_problem *v;
	size_t n;
	size_t errors, warnings;    /* all, listed or not */
	size_t rows;                /* data rows read */
	size_t stored;              /* records stored (0 unless all were) */
	size_t with_fulltext;       /* of the rows read, with a full text */
	int64_t first_id, last_id;  /* of the records stored */
	char batch[96];             /* imported_from of the stored records */
};

void permit_report_release(struct permit_report *r);
/* Record a problem; `column` must be static. */
void permit_problem(struct permit_report *r, int row, const char *column,
		    bool warning, const char *fmt, ...) FZ_PRINTF(5, 6);
/* The report as text lines ("第 3 行 [统一社会信用代码] …"), problems
 * first, then a summary line. */
void permit_report_text(const struct permit_report *r, struct buf *out);

/* The raw values of one row or form, as read: NULL or "" when not given.
 * serial[c]: the value is a number from a spreadsheet cell (a date in a
 * date column is then a serial day number). */
struct permit_input {
	const char *v[PC_COUNT];
	bool serial[PC_COUNT];
	bool date1904;              /* the workbook counts from 1904 */
};

/* Finds the file a row's 全文 names: the upload, or NULL when there is
 * no such file. */
typedef const struct upload *(*permit_file_fn)(const char *name, void *arg);

/*
 * Check one row (or form) into `out`: every value trimmed and judged,
 * dates into YYYY-MM-DD (a decision date must not be after `today`, a
 * day number as cal_day_of() gives), the code as an organisation's
 * credit code or, failing that, a person's identity number (which is
 * then dropped: out->holder_code is ""), the decision number's year in
 * 〔〕 as GB/T 9704 writes it, 全文 as yes, no or a file found through
 * `find` (NULL: file names are refused) and accepted by
 * attach_check_local().  Each problem goes into `rep` with `row`.
 * 0 when the row is good (`out` filled), 1 when it has errors (`out`
 * released).
 */
int permit_check(const struct permit_input *in, int row, int32_t today,
		 permit_file_fn find, void *arg, struct permit *out,
		 struct permit_report *rep);

/* ---- the import sheet (table.c, xlsx.c) ---- */

#define PERMIT_ROWS_MAX 20000      /* data rows of one import */
#define PERMIT_COLS_MAX 64
#define PERMIT_CELL_MAX 4000       /* bytes of one cell */

struct permit_row {
	int line;                   /* row number in the sheet, from 1 */
	size_t n;
	char **cells;               /* UTF-8, NUL-terminated */
	bool *serial;               /* a number cell (xlsx), else false */
};

struct permit_table {
	struct permit_row *rows;
	size_t n;
	bool date1904;
};

void permit_table_release(struct permit_table *t);

/*
 * Read CSV (RFC 4180, comma-separated, UTF-8 with or without a BOM; CRLF,
 * LF or CR line ends; quoted fields may hold commas, doubled quotes and
 * line breaks).  Rows are numbered as a spreadsheet would show them: one
 * per record, not per line.  Rows whose cells are all blank are left
 * out.  Refused as a whole (FZ_ERR, err filled with 400 "bad_csv" and a
 * Chinese sentence naming the row): text that is not UTF-8 or holds NUL
 * or control characters, an unterminated quote, characters after a
 * closing quote, more than PERMIT_COLS_MAX cells, PERMIT_CELL_MAX bytes
 * in a cell or PERMIT_ROWS_MAX + 1 rows.  0 on success with `t` filled;
 * `t` is empty after a failure.
 */
int permit_csv_parse(const void *data, size_t n, struct permit_table *t,
		     struct fz_err *err);

/*
 * Read the first sheet of an xlsx workbook (Office Open XML): cells of
 * shared strings, inline strings, formula strings, booleans and numbers
 * (kept as written, marked serial, so that a date column reads them as
 * day numbers), rows numbered as in the sheet, blank rows left out, the
 * workbook's 1904 date system noted.  Entries are read with caps on
 * their uncompressed size.  FZ_ERR with err filled (400 "bad_xlsx")
 * when the file is not such a workbook or exceeds the limits of
 * permit_csv_parse().
 */
int permit_xlsx_parse(const void *data, size_t n, struct permit_table *t,
		      struct fz_err *err);

/* Whether the bytes are an xlsx workbook (a zip file) rather than CSV. */
bool permit_is_zip(const void *data, size_t n);

/* ---- batches (store.c) ---- */

struct permit_batch {
	struct permit *v;
	size_t n;
	struct permit_report rep;
	const char *source;         /* the import file's name, or "" */
};

void permit_batch_init(struct permit_batch *b, const char *source);
void permit_batch_release(struct permit_batch *b);

/*
 * The records of a sheet into `b`: the header row (the first of the
 * first five rows that names 许可事项 and 决定文书号; names may carry a
 * '*'), every later row through permit_check(), and decision numbers
 * repeated within the sheet.  A missing column is an error, an unknown
 * one a warning.  Problems go into b->rep.
 */
void permit_batch_read(struct permit_batch *b, const struct permit_table *t,
		       int32_t today, permit_file_fn find, void *arg);

/* Problems for decision numbers of `b` already stored; < 0 on a store
 * failure. */
int permit_batch_check_stored(struct db *db, struct permit_batch *b);

/* A warning (one for the batch) about records whose 7 working days for
 * publication (双公示) ended before `today`; nothing without `cal`. */
void permit_batch_check_late(struct permit_batch *b,
			     const struct calendar *cal, int32_t today);

/*
 * Store every record of `b`, unless its report has errors (then 1 and
 * nothing is stored).  Full texts are sealed and written first
 * (attach_write()); then, in one transaction, each record's attachment
 * row (bound to the register: field 'permit', which the expiry job
 * leaves alone), the record itself, published at `now` (or at its own
 * published_at when that is set: records of the past, such as the
 * demonstration's, keep their time), and one audit
 * entry by `who`: "permit.create" for a batch of one without a source,
 * "permit.import" otherwise.  The records get imported_from `batch`
 * (NULL: a name made of the time and the source).  On a decision number
 * taken meanwhile, 1 with the problem in the report.  0 with b->rep's
 * stored, first_id and last_id set, 1, or FZ_ERR with err filled
 * (nothing stored, no file left).
 */
int permit_batch_store(struct db *db, const struct attach_store *s,
		       const struct actor *who, int64_t now,
		       const char *batch, struct permit_batch *b,
		       struct fz_err *err);

/*
 * The whole import of a file: CSV or xlsx by its bytes, read, checked
 * against the store and the publication deadline (`cal` may be NULL),
 * and stored unless `dry_run`.  `b` receives the records and the report
 * (permit_batch_release() it).  0 when the file is good (and, unless
 * dry_run, stored), 1 when it was refused (see b->rep), FZ_ERR on a
 * failure that is not the file's (err filled).
 */
int permit_import(struct db *db, const struct attach_store *s,
		  const struct actor *who, const char *name,
		  const void *data, size_t n, permit_file_fn find, void *arg,
		  const struct calendar *cal, bool dry_run,
		  struct permit_batch *b, struct fz_err *err);

/* ---- reading (store.c) ---- */

/* One record: 0, 1 when there is none, or a DB_E* code. */
int permit_get(struct db *db, int64_t id, struct permit *out);

struct permit_filter {
	int year;                   /* decision year, 0 for all */
	const char *item;           /* exact item name, "" for all */
	const char *q;              /* holder or decision number, "" */
	bool public_view;           /* q matches no natural person's name */
	int64_t page, size;         /* page from 1 */
};

struct permit_list {
	struct permit *v;
	size_t n;
	int64_t total;              /* records matching, all pages */
};

/* A page of records, newest decision first.  0 or a DB_E* code. */
int permit_list_load(struct db *db, const struct permit_filter *f,
		     struct permit_list *l);
void permit_list_release(struct permit_list *l);

/* The item names in use, sorted, into a NULL-terminated array the caller
 * frees with its strings.  0 or a DB_E* code. */
int permit_item_names(struct db *db, char ***out);

/*
 * The full-text electronic rate of `year` (全文电子化率): how many
 * permits were decided in that year (*items) and how many of them have
 * an electronic full text (*with_fulltext).  0 or a DB_E* code.
 */
int permit_rate(struct db *db, int year, int64_t *items,
		int64_t *with_fulltext);

/* The decision years that have records, newest first, at most `max`,
 * into years[0..*n).  0 or a DB_E* code. */
int permit_years(struct db *db, int *years, size_t max, size_t *n);

/* Whether the roles may enter and import records (经办人 and 信息公开
 * 专员); others on the staff side only read. */
bool permit_may_write(uint32_t roles);

/*
 * The last day for publishing a decision of `decided` (YYYY-MM-DD): 7
 * working days on, counted on `cal`.  0 with *due set, or FZ_ERR.
 */
int permit_publish_due(const struct calendar *cal, const char *decided,
		       int32_t *due);

#endif
