/* export.c: the audit trail as an Excel workbook (libxlsxwriter) */
#include "audit/export.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "audit/query.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "core/util.h"
#include "store/store.h"

/* Excel holds at most 32 767 characters in a cell; staying under that in
 * bytes keeps within it whatever the characters are. */
#define CELL_MAX 32000

/* Returned by the row callback to stop the query early; distinct from
 * the DB_E* codes and AUDIT_EXPORT_EFILE. */
#define STOP_FULL (-1000)
#define STOP_XLSX (-1001)

enum {
	C_SEQ, C_LOCAL, C_UTC, C_ACTOR, C_ACTOR_ID, C_ROLE, C_IP, C_ACTION,
	C_OBJECT, C_OUTCOME, C_DETAILS, C_RID, C_COUNT
};

static const struct {
	const char *title;
	double width;
} columns[C_COUNT] = {
	[C_SEQ] = { "序号", 9 },
	[C_LOCAL] = { "时间（北京时间）", 18 },
	[C_UTC] = { "时间（UTC）", 21 },
	[C_ACTOR] = { "操作人", 16 },
	[C_ACTOR_ID] = { "用户编号", 9 },
	[C_ROLE] = { "角色", 20 },
	[C_IP] = { "来源地址", 17 },
	[C_ACTION] = { "操作", 22 },
	[C_OBJECT] = { "对象", 20 },
	[C_OUTCOME] = { "结果", 8 },
	[C_DETAILS] = { "详情", 60 },
	[C_RID] = { "请求编号", 18 },
};

struct sheet {
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_row_t row;          /* last row written */
	int64_t n, cap;
	bool cut;               /* more than `cap` entries matched */
	lxw_error err;          /* first libxlsxwriter failure */
};

/* Cut an over-long cell at a character boundary and say so. */
static void clip(struct buf *b)
{
	size_t n = CELL_MAX;

	if (b->len <= CELL_MAX)
		return;
	while (n && ((unsigned char)b->data[n] & 0xC0) == 0x80)
		n--;
	b->len = n;
	b->data[n] = '\0';
	buf_puts(b, "…（已截断）");
}

static void note_err(struct sheet *s, lxw_error e)
{
	if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
		s->err = e;
}

/* A text cell.  worksheet_write_string() stores a string cell and never
 * a formula, which is what keeps "=..." data inert.  Control characters
 * (a login such as "a\r\nb") are shown as visible escapes, as on the
 * page and in the logs (AD-08). */
static void put_text(struct sheet *s, lxw_col_t col, const char *text,
		     lxw_format *fmt)
{
	struct buf b = BUF_INIT;

	text_sanitize_log(&b, text ? text : "", text ? strlen(text) : 0);
	clip(&b);
	if (b.len)
		note_err(s, worksheet_write_string(s->ws, s->row, col,
						   buf_cstr(&b), fmt));
	buf_release(&b);
}

/* JSON as jansson wrote it: its control characters are escaped already,
 * and escaping its backslashes again would garble it. */
static void put_json(struct sheet *s, lxw_col_t col, const char *text)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, text ? text : "");
	clip(&b);
	if (b.len)
		note_err(s, worksheet_write_string(s->ws, s->row, col,
						   buf_cstr(&b), NULL));
	buf_release(&b);
}

static void put_number(struct sheet *s, lxw_col_t col, int64_t v)
{
	note_err(s, worksheet_write_number(s->ws, s->row, col, (double)v,
					   NULL));
}

static int put_entry(const struct audit_row *e, void *arg)
{
	struct sheet *s = arg;
	struct buf roles = BUF_INIT;
	char local[17], utc[21];

	if (s->n == s->cap) {
		s->cut = true;
		return STOP_FULL;
	}
	s->row++;
	s->n++;
	clock_local_minute(e->ts, local);
	clock_iso_utc(e->ts, utc);
	audit_role_names(&roles, e->actor_role);
	put_number(s, C_SEQ, e->seq);
	put_text(s, C_LOCAL, local, NULL);
	put_text(s, C_UTC, utc, NULL);
	put_text(s, C_ACTOR, e->actor, NULL);
	if (e->actor_id > 0)
		put_number(s, C_ACTOR_ID, e->actor_id);
	put_text(s, C_ROLE, buf_cstr(&roles), NULL);
	put_text(s, C_IP, e->source_ip, NULL);
	put_text(s, C_ACTION, e->action, NULL);
	put_text(s, C_OBJECT, e->object, NULL);
	put_text(s, C_OUTCOME, audit_outcome_name(e->outcome), NULL);
	put_json(s, C_DETAILS, e->details);
	put_text(s, C_RID, e->request_id, NULL);
	buf_release(&roles);
	return s->err == LXW_NO_ERROR ? 0 : STOP_XLSX;
}

static void header_row(struct sheet *s)
{
	lxw_col_t c;

	for (c = 0; c < C_COUNT; c++) {
		note_err(s, worksheet_set_column(s->ws, c, c,
						 columns[c].width, NULL));
		put_text(s, c, columns[c].title, s->bold);
	}
	worksheet_freeze_panes(s->ws, 1, 0);
}

/* The entries, newest first; 0 or a negative code. */
static int entries_sheet(struct db *db, const struct audit_filter *f,
			 struct sheet *s, int64_t *total)
{
	char msg[256];
	int64_t rc;

	header_row(s);
	rc = audit_query(db, f, s->cap + 1, 0, put_entry, s);
	if (rc == STOP_XLSX || s->err != LXW_NO_ERROR)
		return AUDIT_EXPORT_EFILE;
	if (rc < 0 && rc != STOP_FULL)
		return (int)rc;
	*total = s->n;
	if (!s->cut)
		return 0;
	if (audit_count(db, f, total) < 0)
		*total = -1;
	if (*total > 0)
		snprintf(msg, sizeof(msg), "仅导出最新的 %lld 条记录（共 %lld "
			 "条符合条件），请缩小时间范围后分批导出。",
			 (long long)s->n, (long long)*total);
	else
		snprintf(msg, sizeof(msg), "仅导出最新的 %lld 条记录，其余未"
			 "导出，请缩小时间范围后分批导出。", (long long)s->n);
	s->row++;
	put_text(s, 0, msg, s->bold);
	return s->err == LXW_NO_ERROR ? 0 : AUDIT_EXPORT_EFILE;
}

/* When, by whom and with which filters the file was made. */
static int about_sheet(lxw_workbook *wb, lxw_format *bold,
		       const struct audit_filter *f, const char *by,
		       int64_t n, int64_t total)
{
	struct sheet s = { .ws = workbook_add_worksheet(wb, "导出说明") };
	json_t *filters = audit_filter_json(f);
	char *ftext = json_dumps(filters, JSON_COMPACT | JSON_SORT_KEYS);
	char local[17], num[24];

	if (!s.ws) {
		free(ftext);
		json_decref(filters);
		return AUDIT_EXPORT_EFILE;
	}
	note_err(&s, worksheet_set_column(s.ws, 0, 0, 18, NULL));
	note_err(&s, worksheet_set_column(s.ws, 1, 1, 60, NULL));
	clock_local_minute(clock_now(), local);
	put_text(&s, 0, "导出时间（北京时间）", bold);
	put_text(&s, 1, local, NULL);
	s.row++;
	put_text(&s, 0, "导出人", bold);
	put_text(&s, 1, by, NULL);
	s.row++;
	put_text(&s, 0, "筛选条件", bold);
	put_json(&s, 1, ftext ? ftext : "{}");
	s.row++;
	put_text(&s, 0, "导出记录数", bold);
	snprintf(num, sizeof(num), "%lld", (long long)n);
	put_text(&s, 1, num, NULL);
	if (total >= 0) {
		s.row++;
		put_text(&s, 0, "符合条件总数", bold);
		snprintf(num, sizeof(num), "%lld", (long long)total);
		put_text(&s, 1, num, NULL);
	}
	free(ftext);
	json_decref(filters);
	return s.err == LXW_NO_ERROR ? 0 : AUDIT_EXPORT_EFILE;
}

static int fill(struct db *db, const struct audit_filter *f,
		lxw_workbook *wb, int64_t cap, const char *by, int64_t *rows)
{
	struct sheet s = { .cap = cap };
	int64_t total = 0;
	int rc;

	s.ws = workbook_add_worksheet(wb, "审计日志");
	s.bold = workbook_add_format(wb);
	if (!s.ws || !s.bold)
		return AUDIT_EXPORT_EFILE;
	format_set_bold(s.bold);
	rc = entries_sheet(db, f, &s, &total);
	*rows = s.n;
	if (rc == 0)
		rc = about_sheet(wb, s.bold, f, by, s.n, total);
	return rc;
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
		return AUDIT_EXPORT_EFILE;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(out, tmp, (size_t)n);
	close(fd);
	return n < 0 || buf_err(out) || out->len == 0 ? AUDIT_EXPORT_EFILE : 0;
}

static const char *temp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && d[0] == '/' ? d : "/tmp";
}

int audit_export_xlsx(struct db *db, const struct audit_filter *f,
		      int64_t cap, const char *exported_by, struct buf *out,
		      int64_t *rows)
{
	char *dir = xstrdup(temp_dir());
	char *path = xasprintf("%s/fazhi-audit-XXXXXX", dir);
	lxw_workbook_options opt = {
		/* Rows go to libxlsxwriter's own unlinked temp files as they
		 * are written, so 100 000 rows do not sit in memory. */
		.constant_memory = LXW_TRUE,
		.tmpdir = dir,
	};
	lxw_workbook *wb;
	lxw_error lerr;
	int fd, rc;

	*rows = 0;
	fd = mkstemp(path);
	if (fd < 0) {
		rc = AUDIT_EXPORT_EFILE;
		goto out;
	}
	close(fd);
	wb = workbook_new_opt(path, &opt);
	if (!wb) {
		rc = AUDIT_EXPORT_EFILE;
		goto out;
	}
	rc = fill(db, f, wb, cap, exported_by ? exported_by : "", rows);
	/* Always closed: it frees the workbook even when writing failed. */
	lerr = workbook_close(wb);
	if (rc == 0 && lerr != LXW_NO_ERROR)
		rc = AUDIT_EXPORT_EFILE;
	if (rc == 0)
		rc = slurp(path, out);
out:
	if (fd >= 0)
		unlink(path);
	if (rc)
		buf_reset(out);
	free(path);
	free(dir);
	return rc;
}
