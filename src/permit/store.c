/* store.c: permit batches stored all or nothing, records read back, and
 * the full-text electronic rate
 *
 * A batch is judged as a whole before anything is written: the sheet's
 * header and rows (record.c), decision numbers repeated in the sheet or
 * already stored.  Only then are the full texts sealed to disk and the
 * rows written, in one transaction with one audit entry; a failure on
 * the way rolls the transaction back and removes the files, so a batch
 * is either all there or not at all.  The unique index on decision_no
 * is the last word when two imports race.
 */
#include "permit/permit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/roles.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "store/store.h"

#define PUBLISH_WORKING_DAYS 7     /* 双公示: online within 7 working days */
#define HEADER_ROWS 5              /* the header is among the first rows */

static const char *const kind_codes[] = {
	[PERMIT_ORG] = "org", [PERMIT_PERSON] = "person",
};

void permit_batch_init(struct permit_batch *b, const char *source)
{
	memset(b, 0, sizeof(*b));
	b->source = source ? source : "";
}

void permit_batch_release(struct permit_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		permit_release(&b->v[i]);
	free(b->v);
	permit_report_release(&b->rep);
	memset(b, 0, sizeof(*b));
}

/* ---- the header ---- */

/* Other names the columns go by in registers exported elsewhere. */
static const struct {
	const char *name;
	enum permit_col col;
} aliases[] = {
	{ "行政许可事项", PC_ITEM },
	{ "许可事项名称", PC_ITEM },
	{ "行政许可决定文书号", PC_NUMBER },
	{ "许可决定文书号", PC_NUMBER },
	{ "行政许可决定书文号", PC_NUMBER },
	{ "行政相对人", PC_HOLDER },
	{ "行政相对人代码", PC_CODE },
	{ "决定日期", PC_DECIDED },
	{ "许可日期", PC_DECIDED },
	{ "设定依据", PC_BASIS },
	{ "全文电子化", PC_FULLTEXT },
};

/* The column a header cell names, or -1.  A '*' marking a required
 * column (either width) and blanks around are ignored. */
static int header_col(const char *cell)
{
	struct buf b = BUF_INIT;
	const char *p = cell;
	int col = -1;
	size_t i;

	for (; *p; p++) {
		if (*p == '*' || *p == ' ' || *p == '\t')
			continue;
		if (strncmp(p, "＊", strlen("＊")) == 0) {
			p += strlen("＊") - 1;
			continue;
		}
		buf_putc(&b, *p);
	}
	for (i = 0; i < PC_COUNT && col < 0; i++)
		if (strcmp(buf_cstr(&b), permit_col_name((enum permit_col)i)) ==
		    0)
			col = (int)i;
	for (i = 0; i < ARRAY_SIZE(aliases) && col < 0; i++)
		if (strcmp(buf_cstr(&b), aliases[i].name) == 0)
			col = (int)aliases[i].col;
	buf_release(&b);
	return col;
}

static bool is_header(const struct permit_row *r)
{
	bool item = false, number = false;
	size_t i;

	for (i = 0; i < r->n; i++) {
		int c = header_col(r->cells[i]);

		item |= c == PC_ITEM;
		number |= c == PC_NUMBER;
	}
	return item && number;
}

static const bool required_col[PC_COUNT] = {
	[PC_ITEM] = true, [PC_NUMBER] = true, [PC_HOLDER] = true,
	[PC_CODE] = true, [PC_DECIDED] = true, [PC_AUTHORITY] = true,
};

/* Which cell holds each column, from the header row; false after a
 * problem that leaves the rows unreadable. */
static bool map_header(struct permit_batch *b, const struct permit_row *h,
		       int idx[PC_COUNT])
{
	bool ok = true;
	size_t i;

	for (i = 0; i < PC_COUNT; i++)
		idx[i] = -1;
	for (i = 0; i < h->n; i++) {
		int c = header_col(h->cells[i]);

		if (c < 0 && h->cells[i][strspn(h->cells[i], " \t")])
			permit_problem(&b->rep, h->line, NULL, true,
				       "未识别的列“%s”，已忽略", h->cells[i]);
		else if (c >= 0 && idx[c] >= 0) {
			permit_problem(&b->rep, h->line, permit_col_name(c),
				       false, "此列出现了两次");
			ok = false;
		} else if (c >= 0) {
			idx[c] = (int)i;
		}
	}
	for (i = 0; i < PC_COUNT; i++) {
		if (idx[i] >= 0)
			continue;
		if (required_col[i]) {
			permit_problem(&b->rep, h->line, permit_col_name(i),
				       false, "缺少此列");
			ok = false;
		} else if (i == PC_FULLTEXT) {
			permit_problem(&b->rep, h->line, permit_col_name(i),
				       true, "没有“全文”列：各条记录均按无电子"
				       "全文登记");
		}
	}
	return ok;
}

/* ---- the rows ---- */

struct dup {
	const char *number;
	int row;
};

static int dup_cmp(const void *a, const void *b)
{
	const struct dup *x = a, *y = b;
	int c = strcmp(x->number, y->number);

	return c ? c : (x->row > y->row) - (x->row < y->row);
}

static void check_repeats(struct permit_batch *b)
{
	struct dup *v = xcalloc(b->n + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < b->n; i++) {
		v[i].number = b->v[i].decision_no;
		v[i].row = b->v[i].row;
	}
	qsort(v, b->n, sizeof(*v), dup_cmp);
	for (i = 1; i < b->n; i++)
		if (strcmp(v[i].number, v[i - 1].number) == 0)
			permit_problem(&b->rep, v[i].row,
				       permit_col_name(PC_NUMBER), false,
				       "决定文书号 %s 与第 %d 行重复",
				       v[i].number, v[i - 1].row);
	free(v);
}

struct order {
	int row;
	size_t at;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->row != y->row)
		return (x->row > y->row) - (x->row < y->row);
	return (x->at > y->at) - (x->at < y->at);
}

/* Problems in row order (file-wide ones first), otherwise as found. */
static void sort_problems(struct permit_report *r)
{
	struct order *o = xcalloc(r->n + 1, sizeof(*o));
	struct permit_problem *v = xcalloc(r->n + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < r->n; i++) {
		o[i].row = r->v[i].row;
		o[i].at = i;
	}
	qsort(o, r->n, sizeof(*o), order_cmp);
	for (i = 0; i < r->n; i++)
		v[i] = r->v[o[i].at];
	if (r->n)
		memcpy(r->v, v, r->n * sizeof(*v));
	free(v);
	free(o);
}

void permit_batch_read(struct permit_batch *b, const struct permit_table *t,
		       int32_t today, permit_file_fn find, void *arg)
{
	const struct permit_row *h = NULL;
	int idx[PC_COUNT];
	size_t i, k;

	for (i = 0; i < t->n && i < HEADER_ROWS && !h; i++)
		if (is_header(&t->rows[i]))
			h = &t->rows[i];
	if (!t->n) {
		permit_problem(&b->rep, 0, NULL, false, "文件中没有数据");
		return;
	}
	if (!h) {
		permit_problem(&b->rep, t->rows[0].line, NULL, false,
			       "找不到表头：第一行应为列名（许可事项、决定"
			       "文书号、行政相对人名称、统一社会信用代码、"
			       "许可决定日期、有效期自、有效期至、许可机关、"
			       "许可依据、全文）");
		return;
	}
	if (!map_header(b, h, idx))
		return;
	for (i = (size_t)(h - t->rows) + 1; i < t->n; i++) {
		const struct permit_row *r = &t->rows[i];
		struct permit_input in = { .date1904 = t->date1904 };
		struct permit p;

		for (k = 0; k < PC_COUNT; k++)
			if (idx[k] >= 0 && (size_t)idx[k] < r->n) {
				in.v[k] = r->cells[idx[k]];
				in.serial[k] = r->serial[idx[k]];
			}
		b->rep.rows++;
		if (permit_check(&in, r->line, today, find, arg, &p, &b->rep))
			continue;
		if (p.fulltext)
			b->rep.with_fulltext++;
		b->v = xrealloc(b->v, (b->n + 1) * sizeof(*b->v));
		b->v[b->n++] = p;
	}
	if (!b->rep.rows)
		permit_problem(&b->rep, h->line, NULL, false,
			       "表头下面没有数据行");
	check_repeats(b);
	sort_problems(&b->rep);
}

int permit_batch_check_stored(struct db *db, struct permit_batch *b)
{
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++) {
		int64_t id = 0;

		rc = db_scalar_int(db, &id, "SELECT id FROM permits WHERE "
				   "decision_no = ?", "s", b->v[i].decision_no);
		if (rc < 0)
			return rc;
		if (rc == 0)
			permit_problem(&b->rep, b->v[i].row,
				       permit_col_name(PC_NUMBER), false,
				       "决定文书号 %s 已登记（记录 %lld），"
				       "不能重复导入", b->v[i].decision_no,
				       (long long)id);
	}
	sort_problems(&b->rep);
	return 0;
}

int permit_publish_due(const struct calendar *cal, const char *decided,
		       int32_t *due)
{
	struct cal_due d;
	cal_day day;

	if (!cal || !decided || cal_parse(decided, &day) ||
	    calendar_due(cal, day, PUBLISH_WORKING_DAYS, CAL_WORKING_DAYS,
			 &d))
		return FZ_ERR;
	*due = d.due;
	cal_due_release(&d);
	return 0;
}

void permit_batch_check_late(struct permit_batch *b,
			     const struct calendar *cal, int32_t today)
{
	size_t i, late = 0;
	int32_t due;

	for (i = 0; cal && i < b->n; i++)
		if (permit_publish_due(cal, b->v[i].decided_on, &due) == 0 &&
		    due < today)
			late++;
	if (late)
		permit_problem(&b->rep, 0, permit_col_name(PC_DECIDED), true,
			       "%zu 条记录的许可决定已作出超过 7 个工作日。按"
			       "“双公示”要求，行政许可决定应自作出之日起 7 个"
			       "工作日内公示；导入后即在门户网站公示", late);
}

/* ---- storing ---- */

/* `s` cut to fewer than `n` bytes at a character boundary, into out. */
static void cut_utf8(const char *s, char *out, size_t n)
{
	size_t k = utf8_cut(s, strlen(s), n - 1);

	memcpy(out, s, k);
	out[k] = '\0';
}

static void batch_label(struct permit_batch *b, const char *batch,
			int64_t now)
{
	char when[17], *s;

	if (batch) {
		cut_utf8(batch, b->rep.batch, sizeof(b->rep.batch));
		return;
	}
	if (!*b->source) {
		b->rep.batch[0] = '\0';
		return;
	}
	clock_local_minute(now, when);
	s = xasprintf("%s %s", when, b->source);
	cut_utf8(s, b->rep.batch, sizeof(b->rep.batch));
	free(s);
}

struct files {
	struct attach_file *v;      /* per record; storage[0] when none */
	size_t n;
	const struct attach_store *s;
};

static void files_drop(struct files *f, bool discard)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (!f->v[i].storage[0])
			continue;
		if (discard)
			attach_discard(f->s, &f->v[i]);
		attach_file_release(&f->v[i]);
	}
	free(f->v);
	f->v = NULL;
}

/* Seal and write every record's full text. */
static int files_write(struct files *f, const struct permit_batch *b,
		       struct fz_err *err)
{
	size_t i;

	f->v = xcalloc(b->n + 1, sizeof(*f->v));
	f->n = b->n;
	for (i = 0; i < b->n; i++) {
		if (!b->v[i].file)
			continue;
		if (attach_write(f->s, b->v[i].file, &f->v[i], err)) {
			memset(&f->v[i], 0, sizeof(f->v[i]));
			files_drop(f, true);
			return FZ_ERR;
		}
	}
	return 0;
}

/* The attachment row of record i, bound to the register. */
static int file_row(struct db *db, const struct actor *who,
		    const struct attach_file *f, int64_t *id,
		    struct fz_err *err)
{
	int rc;

	if (attach_insert(db, f, who->id, id, err))
		return FZ_ERR;
	/* owned: the expiry job removes unbound files with field '' */
	rc = db_exec(db, "UPDATE attachments SET field = 'permit' WHERE "
		     "id = ? AND case_id IS NULL AND field = ''", "i", *id);
	if (rc == 1)
		return 0;
	return rc < 0 ? db_failed(err, rc) :
	       fz_fail(err, 500, "attach_bound", "全文附件登记失败");
}

static int insert_one(struct db *db, const struct actor *who, int64_t now,
		      const char *batch, struct permit *p, int64_t file_id)
{
	/* a record that comes with its publication time keeps it */
	int64_t at = p->published_at > 0 ? p->published_at : now;
	struct db_rows *r;
	int rc;

	r = db_query(db, "INSERT INTO permits (item, decision_no, holder, "
		     "holder_kind, holder_code, decided_on, valid_from, "
		     "valid_to, authority, legal_basis, fulltext, fulltext_id, "
		     "published_at, imported_from, created_by, created_at) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		     "RETURNING id", "ssssssssssizisz" "i", p->item,
		     p->decision_no, p->holder, kind_codes[p->holder_kind],
		     p->holder_code, p->decided_on, p->valid_from,
		     p->valid_to, p->authority,
		     p->legal_basis ? p->legal_basis : "",
		     (int64_t)(p->fulltext ? 1 : 0), file_id, at, batch,
		     who->id, at);
	if (!r)
		return db_errcode(db);
	rc = db_next(r);
	if (rc == 1) {
		p->id = db_int(r, 0);
		p->published_at = p->created_at = at;
	}
	db_rows_free(r);
	return rc == 1 ? 0 : rc < 0 ? rc : DB_ERR;
}

static json_t *audit_details(const struct permit_batch *b, bool single)
{
	if (single)
		return json_pack("{s:s,s:s,s:s,s:b}", "decision_no",
				 b->v[0].decision_no, "item", b->v[0].item,
				 "decided_on", b->v[0].decided_on, "fulltext",
				 b->v[0].fulltext);
	return json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "source", b->source,
			 "batch", b->rep.batch, "records", (json_int_t)b->n,
			 "with_fulltext", (json_int_t)b->rep.with_fulltext,
			 "first_id", (json_int_t)b->v[0].id,
			 "last_id", (json_int_t)b->v[b->n - 1].id);
}

/* Everything inside the transaction; < 0 a DB_E* code or FZ_ERR. */
static int store_rows(struct db *db, const struct actor *who, int64_t now,
		      struct permit_batch *b, struct files *f,
		      struct fz_err *err)
{
	bool single = b->n == 1 && !*b->source;
	char object[64];
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++) {
		int64_t file_id = 0;

		if (f->v[i].storage[0] &&
		    file_row(db, who, &f->v[i], &file_id, err))
			return FZ_ERR;
		rc = insert_one(db, who, now, b->rep.batch, &b->v[i], file_id);
		if (rc == DB_ECONSTRAINT) {
			permit_problem(&b->rep, b->v[i].row,
				       permit_col_name(PC_NUMBER), false,
				       "决定文书号 %s 刚由他人登记，不能"
				       "重复导入",
				       b->v[i].decision_no);
			return 1;
		}
		if (rc < 0)
			return db_failed(err, rc);
		b->v[i].fulltext_id = file_id;
	}
	if (single)
		snprintf(object, sizeof(object), "permit:%lld",
			 (long long)b->v[0].id);
	else
		snprintf(object, sizeof(object), "permit-batch:%lld-%lld",
			 (long long)b->v[0].id, (long long)b->v[b->n - 1].id);
	if (audit_as(db, who, single ? "permit.create" : "permit.import",
		     object, "success", audit_details(b, single)) < 0)
		return db_failed(err, db_errcode(db));
	return 0;
}

int permit_batch_store(struct db *db, const struct attach_store *s,
		       const struct actor *who, int64_t now,
		       const char *batch, struct permit_batch *b,
		       struct fz_err *err)
{
	struct files f = { NULL, 0, s };
	int rc;

	if (b->rep.errors)
		return 1;
	if (!b->n) {
		permit_problem(&b->rep, 0, NULL, false, "没有可导入的记录");
		return 1;
	}
	batch_label(b, batch, now);
	if (files_write(&f, b, err))
		return FZ_ERR;
	rc = db_begin(db);
	if (rc < 0) {
		files_drop(&f, true);
		return db_failed(err, rc);
	}
	rc = store_rows(db, who, now, b, &f, err);
	if (rc == 0 && (rc = db_commit(db)) < 0)
		rc = db_failed(err, rc);
	if (rc) {
		if (db_in_tx(db))
			db_rollback(db);
		files_drop(&f, true);
		return rc > 0 ? 1 : FZ_ERR;
	}
	files_drop(&f, false);
	b->rep.stored = b->n;
	b->rep.first_id = b->v[0].id;
	b->rep.last_id = b->v[b->n - 1].id;
	return 0;
}

/* ---- a whole file ---- */

static bool old_excel(const char *name, const void *data, size_t n)
{
	size_t k = name ? strlen(name) : 0;

	return (n >= 4 && memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0) ||
	       (k >= 4 && strcasecmp(name + k - 4, ".xls") == 0);
}

int permit_import(struct db *db, const struct attach_store *s,
		  const struct actor *who, const char *name,
		  const void *data, size_t n, permit_file_fn find, void *arg,
		  const struct calendar *cal, bool dry_run,
		  struct permit_batch *b, struct fz_err *err)
{
	struct permit_table t;
	struct fz_err perr = { 0 };
	int64_t now = clock_now();
	cal_day today = cal_day_of(now);
	int rc;

	permit_batch_init(b, name);
	if (old_excel(name, data, n)) {
		permit_problem(&b->rep, 0, NULL, false, "不支持旧版 Excel"
			       "（.xls）文件，请另存为 .xlsx 或“CSV UTF-8"
			       "（逗号分隔）”");
		return 1;
	}
	rc = permit_is_zip(data, n) ? permit_xlsx_parse(data, n, &t, &perr)
				    : permit_csv_parse(data, n, &t, &perr);
	if (rc) {
		permit_problem(&b->rep, 0, NULL, false, "%s", perr.msg);
		return 1;
	}
	permit_batch_read(b, &t, today, find, arg);
	permit_table_release(&t);
	if (!b->rep.errors && (rc = permit_batch_check_stored(db, b)) < 0)
		return db_failed(err, rc);
	permit_batch_check_late(b, cal, today);
	if (b->rep.errors)
		return 1;
	if (dry_run)
		return 0;
	return permit_batch_store(db, s, who, now, NULL, b, err);
}

/* ---- reading ---- */

#define COLUMNS "id, item, decision_no, holder, holder_kind, holder_code, " \
	"decided_on, valid_from, valid_to, authority, legal_basis, " \
	"fulltext, COALESCE(fulltext_id, 0), published_at, imported_from, " \
	"COALESCE(created_by, 0), created_at"

static void row_read(struct db_rows *r, struct permit *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_int(r, 0);
	p->item = db_strdup(r, 1);
	p->decision_no = db_strdup(r, 2);
	p->holder = db_strdup(r, 3);
	p->holder_kind = str_eq(db_text(r, 4), "person") ? PERMIT_PERSON :
			 PERMIT_ORG;
	p->holder_code = db_strdup(r, 5);
	p->decided_on = db_strdup(r, 6);
	p->valid_from = db_strdup(r, 7);
	p->valid_to = db_strdup(r, 8);
	p->authority = db_strdup(r, 9);
	p->legal_basis = db_strdup(r, 10);
	p->fulltext = db_int(r, 11) != 0;
	p->fulltext_id = db_int(r, 12);
	p->published_at = db_int(r, 13);
	p->imported_from = db_strdup(r, 14);
	p->created_by = db_int(r, 15);
	p->created_at = db_int(r, 16);
}

int permit_get(struct db *db, int64_t id, struct permit *out)
{
	struct db_rows *r;
	int rc;

	memset(out, 0, sizeof(*out));
	r = db_query(db, "SELECT " COLUMNS " FROM permits WHERE id = ?", "i",
		     id);
	if (!r)
		return db_errcode(db);
	rc = db_next(r);
	if (rc == 1)
		row_read(r, out);
	db_rows_free(r);
	return rc == 1 ? 0 : rc == 0 ? 1 : rc;
}

/* The year's bounds as dates, or "" and "" for every year. */
static void year_bounds(int year, char lo[11], char hi[11])
{
	if (year <= 0 || year > 9998) {
		lo[0] = hi[0] = '\0';
		return;
	}
	snprintf(lo, 11, "%04d-01-01", year);
	snprintf(hi, 11, "%04d-01-01", year + 1);
}

/* A LIKE pattern matching `q` anywhere, its own % _ and \ escaped. */
static char *like_any(const char *q)
{
	struct buf b = BUF_INIT;

	buf_putc(&b, '%');
	for (; q && *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *q);
	}
	buf_putc(&b, '%');
	return buf_detach(&b, NULL);
}

/* One WHERE clause for every filter: a filter not given matches all. */
#define WHERE " WHERE (? = '' OR (decided_on >= ? AND decided_on < ?)) " \
	"AND (? = '' OR item = ?) AND (? = '' OR decision_no LIKE ? " \
	"ESCAPE '\\' OR ((? = 0 OR holder_kind = 'org') AND (holder LIKE ? " \
	"ESCAPE '\\' OR holder_code LIKE ? ESCAPE '\\')))"
#define WHERE_FMT "sssssssiss"
#define WHERE_ARGS lo, lo, hi, item, item, q, like, like_pub, like, like

int permit_list_load(struct db *db, const struct permit_filter *f,
		     struct permit_list *l)
{
	char lo[11], hi[11];
	const char *item = f->item ? f->item : "", *q = f->q ? f->q : "";
	char *like = like_any(q);
	int64_t like_pub = f->public_view ? 1 : 0;
	int64_t size = f->size > 0 ? f->size : 20;
	int64_t page = f->page > 0 ? f->page : 1;
	struct db_rows *r;
	int rc;

	memset(l, 0, sizeof(*l));
	year_bounds(f->year, lo, hi);
	rc = db_scalar_int(db, &l->total, "SELECT COUNT(*) FROM permits"
			   WHERE, WHERE_FMT, WHERE_ARGS);
	if (rc < 0)
		goto out;
	r = db_query(db, "SELECT " COLUMNS " FROM permits" WHERE
		     " ORDER BY decided_on DESC, id DESC LIMIT ? OFFSET ?",
		     WHERE_FMT "ii", WHERE_ARGS, size, (page - 1) * size);
	if (!r) {
		rc = db_errcode(db);
		goto out;
	}
	while ((rc = db_next(r)) == 1) {
		l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
		row_read(r, &l->v[l->n++]);
	}
	db_rows_free(r);
out:
	free(like);
	if (rc < 0)
		permit_list_release(l);
	return rc < 0 ? rc : 0;
}

void permit_list_release(struct permit_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		permit_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int permit_item_names(struct db *db, char ***out)
{
	struct db_rows *r;
	size_t n = 0;
	int rc;

	*out = xcalloc(1, sizeof(**out));
	r = db_query(db, "SELECT DISTINCT item FROM permits ORDER BY item",
		     "");
	if (!r)
		return db_errcode(db);
	while ((rc = db_next(r)) == 1) {
		*out = xrealloc(*out, (n + 2) * sizeof(**out));
		(*out)[n++] = db_strdup(r, 0);
		(*out)[n] = NULL;
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int permit_rate(struct db *db, int year, int64_t *items,
		int64_t *with_fulltext)
{
	char lo[11], hi[11];
	struct db_rows *r;
	int rc;

	*items = *with_fulltext = 0;
	year_bounds(year, lo, hi);
	r = db_query(db, "SELECT COUNT(*), COALESCE(SUM(fulltext), 0) FROM "
		     "permits WHERE (? = '' OR (decided_on >= ? AND "
		     "decided_on < ?))", "sss", lo, lo, hi);
	if (!r)
		return db_errcode(db);
	rc = db_next(r);
	if (rc == 1) {
		*items = db_int(r, 0);
		*with_fulltext = db_int(r, 1);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int permit_years(struct db *db, int *years, size_t max, size_t *n)
{
	struct db_rows *r;
	int64_t y;
	int rc;

	*n = 0;
	r = db_query(db, "SELECT DISTINCT SUBSTR(decided_on, 1, 4) FROM "
		     "permits ORDER BY 1 DESC", "");
	if (!r)
		return db_errcode(db);
	while ((rc = db_next(r)) == 1)
		if (*n < max && parse_int64(db_text(r, 0), 1970, 9999, &y) == 0)
			years[(*n)++] = (int)y;
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

bool permit_may_write(uint32_t roles)
{
	return (roles & ((1u << ROLE_CLERK) | (1u << ROLE_OGI_OFFICER))) != 0;
}
