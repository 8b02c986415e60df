/* stats_export.c: GET /stats/cases.xlsx — the desk's statistics and its
 * case ledger (台账) as an Excel workbook
 *
 * Four sheets: the statistics by channel and by department (each figure
 * of the year, of the year before and the change), the ledger of the
 * year's cases, and how the figures are defined and when, by whom the
 * file was made.  Numbers are number cells, dates date cells, text is
 * always a string cell (never a formula).  An export is recorded in the
 * audit trail before it is built.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/session.h"
#include "core/clock.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "report/case_stats.h"
#include "report/xlsx.h"
#include "store/store.h"

#define XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define EXPORT_BYTES_MAX ((size_t)64 << 20)
#define NOTES_MAX 16

struct formats {
	lxw_format *bold, *title, *pct, *yoy, *pp, *date;
};

static void make_formats(struct xlsx *x, struct formats *f)
{
	f->bold = x->bold;
	f->title = xlsx_format(x);
	f->pct = xlsx_format(x);
	f->yoy = xlsx_format(x);
	f->pp = xlsx_format(x);
	f->date = xlsx_format(x);
	if (!f->title || !f->pct || !f->yoy || !f->pp || !f->date)
		return;
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	format_set_num_format(f->pct, "0.0%");
	format_set_num_format(f->yoy, "+0%;-0%;0%");
	format_set_num_format(f->pp, "+0.0;-0.0;0.0");
	format_set_num_format(f->date, "yyyy-mm-dd");
}

/* ---- the statistics sheets ---- */

static void put_value(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
		      lxw_col_t col, const struct cs_column *c, int64_t v,
		      const struct formats *f)
{
	if (c->rate && v < 0)
		xlsx_text(x, ws, row, col, "—", NULL);
	else if (c->rate)
		xlsx_number(x, ws, row, col, (double)v / 1000.0, f->pct);
	else
		xlsx_number(x, ws, row, col, (double)v, NULL);
}

static void put_change(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
		       lxw_col_t col, const struct cs_column *c,
		       const struct cs_row *r, const struct formats *f)
{
	int64_t pct;
	int now, last;

	if (c->rate) {
		now = cs_rate(r, false, c->id);
		last = cs_rate(r, true, c->id);
		if (now < 0 || last < 0)
			xlsx_text(x, ws, row, col, "—", NULL);
		else
			xlsx_number(x, ws, row, col, (now - last) / 10.0,
				    f->pp);
	} else if (cs_yoy(r->now[c->id], r->last[c->id], &pct)) {
		xlsx_text(x, ws, row, col, "—", NULL);
	} else {
		xlsx_number(x, ws, row, col, (double)pct / 100.0, f->yoy);
	}
}

static void stats_sheet(struct xlsx *x, const struct case_stats *s,
			const char *name, const struct formats *f)
{
	lxw_worksheet *ws = xlsx_sheet(x, name);
	char text[256], today[11];
	lxw_row_t row = 0;
	lxw_col_t col;
	size_t i, k;

	if (!ws)
		return;
	cal_format(s->today, today);
	snprintf(text, sizeof(text), "%d年信访·热线办理情况（%s，与%d年比较，"
		 "截至 %s）", s->year, name, s->year - 1, today);
	xlsx_text(x, ws, row++, 0, text, f->title);
	xlsx_check(x, worksheet_set_column(ws, 0, 0, 22, NULL));
	xlsx_check(x, worksheet_set_column(ws, 1, (lxw_col_t)(3 * cs_ncolumns),
					   13, NULL));
	xlsx_text(x, ws, row, 0, s->by == CS_BY_DEPT ? "承办部门" : "来源渠道",
		  f->bold);
	for (k = 0, col = 1; k < cs_ncolumns; k++) {
		const char *t = cs_column_title(&cs_columns[k]);

		snprintf(text, sizeof(text), "%s（%d年）", t, s->year);
		xlsx_text(x, ws, row, col++, text, f->bold);
		snprintf(text, sizeof(text), "%s（%d年）", t, s->year - 1);
		xlsx_text(x, ws, row, col++, text, f->bold);
		snprintf(text, sizeof(text), "%s同比%s", t,
			 cs_columns[k].rate ? "（百分点）" : "");
		xlsx_text(x, ws, row, col++, text, f->bold);
	}
	worksheet_freeze_panes(ws, 2, 1);
	for (i = 0; i < s->n; i++) {
		const struct cs_row *r = &s->rows[i];

		row++;
		xlsx_text(x, ws, row, 0, r->label, i + 1 == s->n ? f->bold :
			  NULL);
		for (k = 0, col = 1; k < cs_ncolumns; k++) {
			const struct cs_column *c = &cs_columns[k];

			put_value(x, ws, row, col++, c,
				  cs_column_value(c, r, false), f);
			put_value(x, ws, row, col++, c,
				  cs_column_value(c, r, true), f);
			put_change(x, ws, row, col++, c, r, f);
		}
	}
}

/* ---- the ledger ---- */

enum {
	L_NUMBER, L_SOURCE, L_RECEIVED, L_DEPT, L_STATE, L_DUE, L_CLOSED,
	L_TIMELY, L_RATING, L_LEGAL, L_COUNT
};

static const struct {
	const char *title;
	double width;
} ledger_cols[L_COUNT] = {
	[L_NUMBER] = { "案件编号", 24 },
	[L_SOURCE] = { "来源渠道", 18 },
	[L_RECEIVED] = { "收件日期", 12 },
	[L_DEPT] = { "承办部门", 18 },
	[L_STATE] = { "办理状态", 14 },
	[L_DUE] = { "办理期限截止日", 15 },
	[L_CLOSED] = { "办结日期", 12 },
	[L_TIMELY] = { "是否按期", 12 },
	[L_RATING] = { "满意度评价", 12 },
	[L_LEGAL] = { "法律顾问介入（次）", 10 },
};

struct ledger {
	struct xlsx *x;
	lxw_worksheet *ws;
	const struct formats *f;
	const struct cs_depts *depts;
	lxw_row_t row;
	int64_t n;
};

static void put_day(struct ledger *l, lxw_col_t col, cal_day d)
{
	char s[11];
	int64_t m = 0, day = 0;
	lxw_datetime dt = { 0 };

	if (d <= 0)
		return;
	cal_format(d, s);
	dt.year = cal_year(d);
	s[7] = s[10] = '\0';
	parse_int64(s + 5, 1, 12, &m);
	parse_int64(s + 8, 1, 31, &day);
	dt.month = (int)m;
	dt.day = (int)day;
	xlsx_check(l->x, worksheet_write_datetime(l->ws, l->row, col, &dt,
						  l->f->date));
}

static int ledger_row(const struct cs_case *c, void *arg)
{
	struct ledger *l = arg;

	l->row++;
	l->n++;
	xlsx_text(l->x, l->ws, l->row, L_NUMBER, c->number, NULL);
	xlsx_text(l->x, l->ws, l->row, L_SOURCE, c->source, NULL);
	put_day(l, L_RECEIVED, c->received);
	xlsx_text(l->x, l->ws, l->row, L_DEPT,
		  cs_dept_name(l->depts, c->dept_id), NULL);
	xlsx_text(l->x, l->ws, l->row, L_STATE, c->state_label, NULL);
	put_day(l, L_DUE, c->due);
	put_day(l, L_CLOSED, c->closed);
	xlsx_text(l->x, l->ws, l->row, L_TIMELY, cs_timeliness(c), NULL);
	xlsx_text(l->x, l->ws, l->row, L_RATING,
		  cs_rating_label(c->satisfaction), NULL);
	xlsx_number(l->x, l->ws, l->row, L_LEGAL, (double)c->legal, NULL);
	return l->x->err == LXW_NO_ERROR ? 0 : XLSX_EFILE;
}

static int ledger_sheet(struct db *db, struct xlsx *x, int year,
			cal_day today, const struct formats *f, int64_t *n)
{
	struct cs_depts depts;
	struct ledger l = { x, xlsx_sheet(x, "台账"), f, &depts, 0, 0 };
	struct cs_filter filter = { .year = year, .measure = CS_RECEIVED };
	lxw_col_t c;
	int rc;

	if (!l.ws)
		return XLSX_EFILE;
	rc = cs_depts_load(db, &depts);
	if (rc < 0)
		return rc;
	for (c = 0; c < L_COUNT; c++) {
		xlsx_check(x, worksheet_set_column(l.ws, c, c,
						   ledger_cols[c].width, NULL));
		xlsx_text(x, l.ws, 0, c, ledger_cols[c].title, f->bold);
	}
	worksheet_freeze_panes(l.ws, 1, 1);
	rc = case_stats_cases(db, &filter, today, ledger_row, &l);
	*n = l.n;
	cs_depts_release(&depts);
	return rc;
}

/* ---- the notes ---- */

static void notes_sheet(struct xlsx *x, const struct case_stats *s,
			const char *by, int64_t cases, const struct formats *f)
{
	lxw_worksheet *ws = xlsx_sheet(x, "说明");
	struct cs_note v[NOTES_MAX];
	size_t n = case_stats_notes(v, NOTES_MAX), i;
	char local[17], text[64];
	lxw_row_t row = 0;

	if (!ws)
		return;
	xlsx_check(x, worksheet_set_column(ws, 0, 0, 18, NULL));
	xlsx_check(x, worksheet_set_column(ws, 1, 1, 90, NULL));
	clock_local_minute(clock_now(), local);
	xlsx_text(x, ws, row, 0, "导出时间（北京时间）", f->bold);
	xlsx_text(x, ws, row++, 1, local, NULL);
	xlsx_text(x, ws, row, 0, "导出人", f->bold);
	xlsx_text(x, ws, row++, 1, by, NULL);
	xlsx_text(x, ws, row, 0, "统计年度", f->bold);
	snprintf(text, sizeof(text), "%d年（同比基数：%d年）", s->year,
		 s->year - 1);
	xlsx_text(x, ws, row++, 1, text, NULL);
	xlsx_text(x, ws, row, 0, "统计日", f->bold);
	cal_format(s->today, text);
	xlsx_text(x, ws, row++, 1, text, NULL);
	xlsx_text(x, ws, row, 0, "台账案件数", f->bold);
	snprintf(text, sizeof(text), "%lld", (long long)cases);
	xlsx_text(x, ws, row++, 1, text, NULL);
	for (i = 0; i < n; i++) {
		xlsx_text(x, ws, row, 0, v[i].term, f->bold);
		xlsx_text(x, ws, row++, 1, v[i].text, NULL);
	}
}

/* ---- the workbook ---- */

static int build(struct db *db, int year, cal_day today, const char *by,
		 struct buf *out, int64_t *cases)
{
	struct case_stats ch = { 0 }, dp = { 0 };
	struct formats f;
	struct xlsx x;
	int rc;

	rc = case_stats_compute(db, year, CS_BY_CHANNEL, today, &ch);
	if (rc == 0)
		rc = case_stats_compute(db, year, CS_BY_DEPT, today, &dp);
	if (rc == 0)
		rc = xlsx_begin(&x);
	if (rc < 0)
		goto out;
	make_formats(&x, &f);
	stats_sheet(&x, &ch, "按来源渠道", &f);
	stats_sheet(&x, &dp, "按承办部门", &f);
	rc = ledger_sheet(db, &x, year, today, &f, cases);
	if (rc == 0)
		notes_sheet(&x, &ch, by, *cases, &f);
	if (rc < 0 && rc != XLSX_EFILE) {
		xlsx_end(&x, false, out);
		goto out;
	}
	rc = xlsx_end(&x, rc == 0, out);
out:
	case_stats_release(&ch);
	case_stats_release(&dp);
	return rc;
}

/*
 * GET /stats/cases.xlsx?year=YYYY: the workbook (default: this year).
 * Rate-limited per address (429); recorded in the audit trail before it
 * is built, and again as a failure if building fails.
 */
int page_case_stats_export(struct req *r)
{
	cal_day today = cal_day_of(clock_now());
	const char *y = req_query(r, "year");
	int64_t year = cal_year(today), cases = 0;
	char disp[96], who[256];
	struct buf x;
	int rc;

	if (y && *y && parse_int64(y, 1971, 9998, &year))
		return req_fail(r, 400, "bad_year", "年度须为 1971 到 9998 "
				"之间的四位数字");
	if (!ratelimit_take(RL_EXPORT, r->ip))
		return req_fail(r, 429, "rate_limited",
				"导出过于频繁，请稍后再试");
	rc = (int)audit_req_tx(r, "stats.export", "cases", "success",
			       json_pack("{s:I}", "year", (json_int_t)year));
	if (rc < 0)
		return req_db_fail(r, rc);
	snprintf(who, sizeof(who), "%s（%s）", r->user->display_name,
		 r->user->login);
	buf_init(&x, EXPORT_BYTES_MAX);
	rc = build(r->db, (int)year, today, who, &x, &cases);
	if (rc < 0) {
		int status = rc == XLSX_EFILE ?
			req_fail(r, 500, "export_failed",
				 "导出失败，请稍后再试") :
			req_db_fail(r, rc);

		buf_release(&x);
		fprintf(stderr, "fazhi: request %s: statistics export failed "
			"(%d)\n", r->id, rc);
		audit_req_tx(r, "stats.export", "cases", "failure",
			     json_pack("{s:I,s:i}", "year", (json_int_t)year,
				       "code", rc));
		return status;
	}
	buf_release(&r->out);
	r->out = x;
	r->ctype = XLSX_TYPE;
	snprintf(disp, sizeof(disp), "attachment; filename=\"case-stats-"
		 "%lld.xlsx\"", (long long)year);
	req_set_header(r, "Content-Disposition", disp);
	return 200;
}
