/* export.c: the audit trail as an Excel workbook (through report/xlsx.c) */
#include "audit/export.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/labels.h"
#include "audit/query.h"
#include "core/clock.h"
#include "core/util.h"
#include "report/xlsx.h"
#include "store/store.h"

/* Returned by the row callback to stop the query early; distinct from
 * the DB_E* codes and AUDIT_EXPORT_EFILE. */
#define STOP_FULL (-1000)
#define STOP_XLSX (-1001)

enum {
	C_SEQ, C_LOCAL, C_UTC, C_ACTOR, C_ACTOR_ID, C_ROLE, C_IP, C_ACTION,
	C_ACTION_NAME, C_OBJECT, C_OUTCOME, C_DETAILS, C_RID, C_COUNT
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
	[C_ACTION_NAME] = { "操作名称", 18 },
	[C_OBJECT] = { "对象", 20 },
	[C_OUTCOME] = { "结果", 8 },
	[C_DETAILS] = { "详情", 60 },
	[C_RID] = { "请求编号", 18 },
};

struct sheet {
	struct xlsx *x;         /* the workbook keeps the first failure */
	lxw_worksheet *ws;
	lxw_row_t row;          /* last row written */
	int64_t n, cap;
	bool cut;               /* more than `cap` entries matched */
};

/* A text cell: a string, never a formula, which is what keeps "=..."
 * data inert; control characters (a login such as "a\r\nb") are shown
 * as visible escapes, as on the page and in the logs (AD-08). */
static void put_text(struct sheet *s, lxw_col_t col, const char *text,
		     lxw_format *fmt)
{
	xlsx_text(s->x, s->ws, s->row, col, text, fmt);
}

static void put_number(struct sheet *s, lxw_col_t col, int64_t v)
{
	xlsx_number(s->x, s->ws, s->row, col, (double)v, NULL);
}

static bool failed(const struct sheet *s)
{
	return s->x->err != LXW_NO_ERROR;
}

/* The action's name as the page shows it (a step of a case by its
 * procedure's label, named in the details); empty when it has none. */
static void put_action_name(struct sheet *s, const struct audit_row *e)
{
	json_t *d = strncmp(e->action, "case.", 5) == 0 ?
		    json_loads(e->details ? e->details : "", 0, NULL) : NULL;
	const char *name = audit_action_label(e->action, d);

	put_text(s, C_ACTION_NAME, name ? name : "", NULL);
	json_decref(d);
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
	put_action_name(s, e);
	put_text(s, C_OBJECT, e->object, NULL);
	put_text(s, C_OUTCOME, audit_outcome_name(e->outcome), NULL);
	/* JSON as jansson wrote it: its control characters are escaped. */
	xlsx_escaped(s->x, s->ws, s->row, C_DETAILS, e->details, NULL);
	put_text(s, C_RID, e->request_id, NULL);
	buf_release(&roles);
	return failed(s) ? STOP_XLSX : 0;
}

static void header_row(struct sheet *s)
{
	lxw_col_t c;

	for (c = 0; c < C_COUNT; c++) {
		xlsx_check(s->x, worksheet_set_column(s->ws, c, c,
						      columns[c].width, NULL));
		put_text(s, c, columns[c].title, s->x->bold);
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
	if (rc == STOP_XLSX || failed(s))
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
	put_text(s, 0, msg, s->x->bold);
	return failed(s) ? AUDIT_EXPORT_EFILE : 0;
}

/* When, by whom and with which filters the file was made. */
static int about_sheet(struct xlsx *x, const struct audit_filter *f,
		       const char *by, int64_t n, int64_t total)
{
	struct sheet s = { .x = x, .ws = xlsx_sheet(x, "导出说明") };
	json_t *filters;
	char *ftext, local[17], num[24];

	if (!s.ws)
		return AUDIT_EXPORT_EFILE;
	filters = audit_filter_json(f);
	ftext = json_dumps(filters, JSON_COMPACT | JSON_SORT_KEYS);
	xlsx_check(x, worksheet_set_column(s.ws, 0, 0, 18, NULL));
	xlsx_check(x, worksheet_set_column(s.ws, 1, 1, 60, NULL));
	clock_local_minute(clock_now(), local);
	put_text(&s, 0, "导出时间（北京时间）", x->bold);
	put_text(&s, 1, local, NULL);
	s.row++;
	put_text(&s, 0, "导出人", x->bold);
	put_text(&s, 1, by, NULL);
	s.row++;
	put_text(&s, 0, "筛选条件", x->bold);
	xlsx_escaped(x, s.ws, s.row, 1, ftext ? ftext : "{}", NULL);
	s.row++;
	put_text(&s, 0, "导出记录数", x->bold);
	snprintf(num, sizeof(num), "%lld", (long long)n);
	put_text(&s, 1, num, NULL);
	if (total >= 0) {
		s.row++;
		put_text(&s, 0, "符合条件总数", x->bold);
		snprintf(num, sizeof(num), "%lld", (long long)total);
		put_text(&s, 1, num, NULL);
	}
	free(ftext);
	json_decref(filters);
	return failed(&s) ? AUDIT_EXPORT_EFILE : 0;
}

static int fill(struct db *db, const struct audit_filter *f, struct xlsx *x,
		int64_t cap, const char *by, int64_t *rows)
{
	struct sheet s = { .x = x, .ws = xlsx_sheet(x, "审计日志"),
			   .cap = cap };
	int64_t total = 0;
	int rc;

	if (!s.ws)
		return AUDIT_EXPORT_EFILE;
	rc = entries_sheet(db, f, &s, &total);
	*rows = s.n;
	if (rc == 0)
		rc = about_sheet(x, f, by, s.n, total);
	return rc;
}

int audit_export_xlsx(struct db *db, const struct audit_filter *f,
		      int64_t cap, const char *exported_by, struct buf *out,
		      int64_t *rows)
{
	struct xlsx x;
	int rc, end;

	*rows = 0;
	if (xlsx_begin(&x))
		return AUDIT_EXPORT_EFILE;
	rc = fill(db, f, &x, cap, exported_by ? exported_by : "", rows);
	end = xlsx_end(&x, rc == 0, out);
	if (rc)
		return rc;
	return end ? AUDIT_EXPORT_EFILE : 0;
}
