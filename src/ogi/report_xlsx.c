/* report_xlsx.c: the annual report as an Excel workbook
 *
 * A sheet per table with the header cells merged as the national format
 * (and the page) has them, figures as number cells, and a sheet "正文"
 * with the sections' text a paragraph a row, the same text the
 * publication's body carries (gi_report_body()).  Labels and texts are
 * string cells, never formulas.
 */
#include "ogi/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ogi/report_walk.h"
#include "report/xlsx.h"


#define T3_COLS (3 + GI_COLS)

struct fmts {
	lxw_format *title, *head, *label, *num, *corner, *text;
};

static void make_fmts(struct xlsx *x, struct fmts *f)
{
	lxw_format **all[] = { &f->title, &f->head, &f->label, &f->num,
			       &f->corner, &f->text };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		*all[i] = xlsx_format(x);
	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (!*all[i])
			return;
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	for (i = 1; i < 5; i++) {
		format_set_border(*all[i], LXW_BORDER_THIN);
		format_set_align(*all[i], LXW_ALIGN_VERTICAL_CENTER);
		format_set_text_wrap(*all[i]);
	}
	format_set_bold(f->head);
	format_set_align(f->head, LXW_ALIGN_CENTER);
	format_set_align(f->num, LXW_ALIGN_RIGHT);
	format_set_font_size(f->corner, 9);
	format_set_text_wrap(f->text);
	format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
}

/*
 * Merged cells, written row by row.  xlsx_begin() opens the workbook in
 * libxlsxwriter's constant-memory mode, where a row is written out as
 * soon as a later one is touched and worksheet_merge_range() refuses a
 * range whose last row is already behind.  So a range over several rows
 * is made in two steps: its text and the formatted cells of each row as
 * the sheet reaches them, and the merge itself once the sheet is on its
 * last row (the library then records the range; the cells of the rows
 * before, already written, keep what they hold).
 */
#define SPANS_MAX 8

struct span {
	lxw_row_t r1, r2;
	lxw_col_t c1, c2;
	lxw_format *f;
};

struct sheet {
	struct xlsx *x;
	lxw_worksheet *ws;
	struct span open[SPANS_MAX];
	size_t n;
};

static void blanks(struct sheet *s, lxw_row_t r, lxw_col_t c1, lxw_col_t c2,
		   lxw_format *f)
{
	lxw_col_t c;

	for (c = c1; c <= c2; c++)
		xlsx_check(s->x, worksheet_write_blank(s->ws, r, c, f));
}

/* A range holding `text` from the current row `r1` to `r2`. */
static void merged(struct sheet *s, lxw_row_t r1, lxw_col_t c1,
		   lxw_row_t r2, lxw_col_t c2, const char *text,
		   lxw_format *f)
{
	if (r1 == r2 && c1 == c2) {
		xlsx_text(s->x, s->ws, r1, c1, text, f);
	} else if (r1 == r2) {
		xlsx_check(s->x, worksheet_merge_range(s->ws, r1, c1, r2, c2,
						       "", f));
		xlsx_text(s->x, s->ws, r1, c1, text, f);
	} else if (s->n == SPANS_MAX) {
		xlsx_check(s->x, LXW_ERROR_PARAMETER_VALIDATION);
	} else {
		xlsx_text(s->x, s->ws, r1, c1, text, f);
		if (c2 > c1)
			blanks(s, r1, c1 + 1, c2, f);
		s->open[s->n++] = (struct span){ r1, r2, c1, c2, f };
	}
}

/* The sheet moves on to row `r`: the open ranges' cells of that row,
 * and the merges that end there. */
static void next_row(struct sheet *s, lxw_row_t r)
{
	size_t i = 0;

	while (i < s->n) {
		struct span *p = &s->open[i];

		if (r <= p->r1 || r > p->r2) {
			i++;
			continue;
		}
		/* the row's cells first: the sheet is then on row r, and
		 * the merge below cannot touch the rows before */
		blanks(s, r, p->c1, p->c2, p->f);
		if (r < p->r2) {
			i++;
			continue;
		}
		xlsx_check(s->x, worksheet_merge_range(s->ws, p->r1, p->c1,
						       p->r2, p->c2, "", p->f));
		*p = s->open[--s->n];
	}
}

/* A number over a one-row range: the range, then its first cell. */
static void merged_number(struct sheet *s, lxw_row_t r, lxw_col_t c1,
			  lxw_col_t c2, double v, lxw_format *f)
{
	if (c1 != c2)
		merged(s, r, c1, r, c2, "", f);
	xlsx_number(s->x, s->ws, r, c1, v, f);
}

/* ---- table 二 ---- */

static void t2_block(struct sheet *s, lxw_row_t *row, const char *caption,
		     const char *const *cols, size_t n, const struct fmts *f)
{
	size_t c;

	merged(s, *row, 0, *row, 3, caption, f->head);
	(*row)++;
	xlsx_text(s->x, s->ws, *row, 0, "信息内容", f->head);
	if (n == 1)
		merged(s, *row, 1, *row, 3, cols[0], f->head);
	for (c = 0; n > 1 && c < n; c++)
		xlsx_text(s->x, s->ws, *row, (lxw_col_t)(c + 1), cols[c],
			  f->head);
	(*row)++;
}

static void t2_line(struct sheet *s, lxw_row_t *row, const char *label,
		    const double *v, size_t n, const struct fmts *f)
{
	size_t c;

	xlsx_text(s->x, s->ws, *row, 0, label, f->label);
	if (n == 1)
		merged_number(s, *row, 1, 3, v[0], f->num);
	for (c = 0; n > 1 && c < n; c++)
		xlsx_number(s->x, s->ws, *row, (lxw_col_t)(c + 1), v[c],
			    f->num);
	(*row)++;
}

static void sheet2(struct xlsx *x, const struct gi_report *r,
		   const struct fmts *f)
{
	static const char *const three[] = {
		"本年制发件数", "本年废止件数", "现行有效件数",
	};
	static const char *const decided[] = { "本年处理决定数量" };
	static const char *const fees[] = { "本年收费金额（单位：万元）" };
	struct sheet s = { x, xlsx_sheet(x, "主动公开政府信息情况"), { { 0 } },
			   0 };
	const struct gi_inputs *in = &r->in;
	lxw_row_t row = 0;
	double v[3];
	int i;

	if (!s.ws)
		return;
	xlsx_check(x, worksheet_set_column(s.ws, 0, 0, 22, NULL));
	xlsx_check(x, worksheet_set_column(s.ws, 1, 3, 16, NULL));
	merged(&s, row, 0, row, 3, "二、主动公开政府信息情况", f->title);
	row++;
	t2_block(&s, &row, "第二十条第（一）项", three, 3, f);
	for (i = 0; i < 3; i++)
		v[i] = (double)in->rules[i];
	t2_line(&s, &row, "规章", v, 3, f);
	for (i = 0; i < 3; i++)
		v[i] = (double)in->norms[i];
	t2_line(&s, &row, "行政规范性文件", v, 3, f);
	t2_block(&s, &row, "第二十条第（五）项", decided, 1, f);
	v[0] = (double)r->permits;
	t2_line(&s, &row, "行政许可", v, 1, f);
	t2_block(&s, &row, "第二十条第（六）项", decided, 1, f);
	v[0] = (double)in->penalties;
	t2_line(&s, &row, "行政处罚", v, 1, f);
	v[0] = (double)in->coercion;
	t2_line(&s, &row, "行政强制", v, 1, f);
	t2_block(&s, &row, "第二十条第（八）项", fees, 1, f);
	v[0] = (double)in->fees_cents / 1000000.0;
	t2_line(&s, &row, "行政事业性收费", v, 1, f);
}

/* ---- table 三 ---- */

#define T3_FIRST 4                  /* the sheet's row of 一 */

static const char *t3_label(const struct gi_report *r, int row)
{
	if (row >= GI_R_OTHER_NO_CORRECTION && row <= GI_R_OTHER)
		return r->set.other_label[row - GI_R_OTHER_NO_CORRECTION];
	return gi_rows[row].label ? gi_rows[row].label : "";
}

/* The sub-group of a row under 三 (（三）不予公开 ...), or NULL. */
static const char *t3_sub(int row)
{
	const char *g = gi_rows[row].group;

	if (row < GI_R_DISCLOSE || row > GI_R_DONE || !g ||
	    str_starts(g, "三、"))
		return NULL;
	return g;
}

/* Whether `row` opens a sub-group; *end is then its last row. */
static bool t3_opens(int row, int *end)
{
	const char *g = t3_sub(row);

	if (!g || (t3_sub(row - 1) && strcmp(t3_sub(row - 1), g) == 0))
		return false;
	for (*end = row; *end + 1 <= GI_R_DONE && t3_sub(*end + 1) &&
	     strcmp(t3_sub(*end + 1), g) == 0; (*end)++)
		;
	return true;
}

/* Rows 0 to 3: the title and the three header rows, in that order. */
static void t3_head(struct sheet *s, const struct fmts *f)
{
	int c;

	merged(s, 0, 0, 0, T3_COLS - 1, "三、收到和处理政府信息公开申请情况",
	       f->title);
	xlsx_check(s->x, worksheet_set_row(s->ws, 1, 30, NULL));
	merged(s, 1, 0, 3, 2, "（本列数据的勾稽关系为：第一项加第二项之和，"
	       "等于第三项加第四项之和）", f->corner);
	merged(s, 1, 3, 1, T3_COLS - 1, "申请人情况", f->head);
	next_row(s, 2);
	merged(s, 2, 3, 3, 3, gi_col_labels[GI_NATURAL], f->head);
	merged(s, 2, 4, 2, 8, "法人或其他组织", f->head);
	merged(s, 2, 9, 3, 9, gi_col_labels[GI_TOTAL], f->head);
	next_row(s, 3);
	for (c = GI_BUSINESS; c <= GI_OTHER_ORG; c++)
		xlsx_text(s->x, s->ws, 3, (lxw_col_t)(3 + c),
			  gi_col_labels[c], f->head);
}

static void sheet3(struct xlsx *x, const struct gi_report *r,
		   const struct fmts *f)
{
	struct sheet s = { x, xlsx_sheet(x, "收到和处理政府信息公开申请情况"),
			   { { 0 } }, 0 };
	int row, c, end;

	if (!s.ws)
		return;
	xlsx_check(x, worksheet_set_column(s.ws, 0, 1, 14, NULL));
	xlsx_check(x, worksheet_set_column(s.ws, 2, 2, 44, NULL));
	xlsx_check(x, worksheet_set_column(s.ws, 3, T3_COLS - 1, 10, NULL));
	t3_head(&s, f);
	for (row = 0; row < GI_ROWS; row++) {
		lxw_row_t at = T3_FIRST + (lxw_row_t)row;

		next_row(&s, at);
		if (row == GI_R_DISCLOSE)
			merged(&s, at, 0, T3_FIRST + GI_R_DONE, 0,
			       gi_rows[row].group ? gi_rows[row].group :
			       "三、本年度办理结果", f->label);
		if (row < GI_R_DISCLOSE || row > GI_R_DONE)
			merged(&s, at, 0, at, 2, t3_label(r, row), f->label);
		else if (!t3_sub(row))
			merged(&s, at, 1, at, 2, t3_label(r, row), f->label);
		else
			xlsx_text(x, s.ws, at, 2, t3_label(r, row), f->label);
		if (t3_opens(row, &end))
			merged(&s, at, 1, T3_FIRST + (lxw_row_t)end, 1,
			       t3_sub(row), f->label);
		for (c = 0; c < GI_COLS; c++)
			xlsx_number(x, s.ws, at, (lxw_col_t)(3 + c),
				    (double)r->t3[row][c], f->num);
	}
	worksheet_freeze_panes(s.ws, T3_FIRST, 3);
}

/* ---- table 四 ---- */

static void sheet4(struct xlsx *x, const struct gi_report *r,
		   const struct fmts *f)
{
	struct sheet s = { x, xlsx_sheet(x, "行政复议、行政诉讼情况"),
			   { { 0 } }, 0 };
	int c;

	if (!s.ws)
		return;
	xlsx_check(x, worksheet_set_column(s.ws, 0, GI_T4_COLS - 1, 10,
					   NULL));
	merged(&s, 0, 0, 0, GI_T4_COLS - 1,
	       "四、政府信息公开行政复议、行政诉讼情况", f->title);
	merged(&s, 1, 0, 1, 4, "行政复议", f->head);
	merged(&s, 1, 5, 1, GI_T4_COLS - 1, "行政诉讼", f->head);
	for (c = 0; c < 5; c++)
		merged(&s, 2, (lxw_col_t)c, 3, (lxw_col_t)c, gi_t4_labels[c],
		       f->head);
	merged(&s, 2, 5, 2, 9, "未经复议直接起诉", f->head);
	merged(&s, 2, 10, 2, 14, "复议后起诉", f->head);
	next_row(&s, 3);
	for (c = 5; c < GI_T4_COLS; c++)
		xlsx_text(x, s.ws, 3, (lxw_col_t)c, gi_t4_labels[c % 5],
			  f->head);
	for (c = 0; c < GI_T4_COLS; c++)
		xlsx_number(x, s.ws, 4, (lxw_col_t)c, (double)r->in.t4[c],
			    f->num);
}

/* ---- the text ---- */

static void sheet_text(struct xlsx *x, const struct gi_report *r,
		       const struct fmts *f)
{
	lxw_worksheet *ws = xlsx_sheet(x, "正文");
	struct buf title = BUF_INIT, body = BUF_INIT;
	const char *p;
	lxw_row_t row = 0;

	if (!ws)
		return;
	xlsx_check(x, worksheet_set_column(ws, 0, 0, 100, NULL));
	gi_report_title(r, &title);
	xlsx_text(x, ws, row++, 0, buf_cstr(&title), f->title);
	buf_release(&title);
	gi_report_body(r, &body);
	for (p = buf_cstr(&body); *p; ) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);

		xlsx_text(x, ws, row++, 0, line, f->text);
		free(line);
		p += n + (p[n] == '\n');
	}
	buf_release(&body);
}

int gi_report_xlsx(const struct gi_report *r, struct buf *out)
{
	struct xlsx x;
	struct fmts f;

	if (xlsx_begin(&x))
		return XLSX_EFILE;
	make_fmts(&x, &f);
	sheet2(&x, r, &f);
	sheet3(&x, r, &f);
	sheet4(&x, r, &f);
	sheet_text(&x, r, &f);
	return xlsx_end(&x, true, out);
}
