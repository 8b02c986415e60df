/* report_text.c: the annual report as plain text, for `fazhi report ogi`
 * and scripts
 *
 * Paragraphs are lines; a table is one line per row of the national
 * table, cells separated by tabs, the label cells first: table 三 has
 * three label cells (the row's own label, or its group and its label,
 * or 三's group, the sub-group and the label) as the national table's
 * merged top-left block is three columns wide, so its figures always
 * start in the fourth cell.  Without the title and the tables, the same
 * lines are the publication's body and the workbook's text sheet
 * (gi_report_body()).
 */
#include "ogi/report_walk.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct text_out {
	const struct gi_report *r;
	struct buf *out;
	bool whole;             /* the title and the tables too */
};

/* ---- the tables ---- */

static void table2(const struct gi_report *r, struct buf *out)
{
	const struct gi_inputs *in = &r->in;
	char fees[48];

	buf_puts(out, "第二十条第（一）项\n");
	buf_puts(out, "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n");
	buf_printf(out, "规章\t%lld\t%lld\t%lld\n", (long long)in->rules[0],
		   (long long)in->rules[1], (long long)in->rules[2]);
	buf_printf(out, "行政规范性文件\t%lld\t%lld\t%lld\n",
		   (long long)in->norms[0], (long long)in->norms[1],
		   (long long)in->norms[2]);
	buf_puts(out, "第二十条第（五）项\n");
	buf_puts(out, "信息内容\t本年处理决定数量\n");
	buf_printf(out, "行政许可\t%lld\n", (long long)r->permits);
	buf_puts(out, "第二十条第（六）项\n");
	buf_puts(out, "信息内容\t本年处理决定数量\n");
	buf_printf(out, "行政处罚\t%lld\n", (long long)in->penalties);
	buf_printf(out, "行政强制\t%lld\n", (long long)in->coercion);
	buf_puts(out, "第二十条第（八）项\n");
	buf_puts(out, "信息内容\t本年收费金额（单位：万元）\n");
	gi_decimal(in->fees_cents, 6, fees, sizeof(fees));
	buf_printf(out, "行政事业性收费\t%s\n", fees);
}

static void table3(const struct gi_report *r, struct buf *out)
{
	int row, col;

	buf_puts(out, "\t\t\t申请人情况\n");
	buf_puts(out, "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n");
	buf_puts(out, "\t\t");
	for (col = 0; col < GI_COLS; col++)
		buf_printf(out, "\t%s", gi_col_labels[col]);
	buf_putc(out, '\n');
	for (row = 0; row < GI_ROWS; row++) {
		const struct gi_row_label *l = &gi_rows[row];
		const char *label = l->label ? l->label :
			r->set.other_label[row - GI_R_OTHER_NO_CORRECTION];

		if (!l->group)
			buf_printf(out, "%s\t\t", label);
		else if (strcmp(l->group, "三、本年度办理结果") == 0)
			buf_printf(out, "%s\t%s\t", l->group, label);
		else
			buf_printf(out, "三、本年度办理结果\t%s\t%s", l->group,
				   label);
		for (col = 0; col < GI_COLS; col++)
			buf_printf(out, "\t%lld", (long long)r->t3[row][col]);
		buf_putc(out, '\n');
	}
}

static void table4(const struct gi_report *r, struct buf *out)
{
	int i;

	buf_puts(out, "行政复议\t\t\t\t\t行政诉讼\n");
	buf_puts(out, "\t\t\t\t\t未经复议直接起诉\t\t\t\t\t复议后起诉\n");
	for (i = 0; i < GI_T4_COLS; i++)
		buf_printf(out, "%s%s", i ? "\t" : "", gi_t4_labels[i % 5]);
	buf_putc(out, '\n');
	for (i = 0; i < GI_T4_COLS; i++)
		buf_printf(out, "%s%lld", i ? "\t" : "",
			   (long long)r->in.t4[i]);
	buf_putc(out, '\n');
}

/* Each part a line, each table where the walk places it. */
static void text_part(void *arg, enum part k, const char *text, int which)
{
	const struct text_out *o = arg;

	if (!o->whole && (k == P_TITLE || k == P_TABLE))
		return;
	switch (k) {
	case P_TABLE:
		if (which == 2)
			table2(o->r, o->out);
		else if (which == 3)
			table3(o->r, o->out);
		else
			table4(o->r, o->out);
		return;
	case P_EMPTY:
		text = "无。";
		break;
	default:
		break;
	}
	buf_puts(o->out, text);
	buf_putc(o->out, '\n');
}

void gi_report_text(const struct gi_report *r, struct buf *out)
{
	struct text_out o = { r, out, true };

	gi_report_walk(r, text_part, &o);
}

void gi_report_body(const struct gi_report *r, struct buf *out)
{
	struct text_out o = { r, out, false };

	gi_report_walk(r, text_part, &o);
}
