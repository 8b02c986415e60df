/* report_html.c: the annual report as HTML
 *
 * The page and the portal item take the walk of report_walk.h and render
 * its parts as HTML.
 *
 * The tables follow the format's merged header cells; since a screen
 * reader cannot always resolve rowspan and colspan on its own, every
 * figure also names its header cells (headers="..."), and each table
 * scrolls inside a labelled region of its own, so a phone never scrolls
 * the whole page sideways.
 */
#include "ogi/report_walk.h"

#include <stdio.h>
#include <string.h>

#include "http/html.h"

/* ---- HTML: table 二 ---- */

struct t2_block {
	const char *caption;
	const char *cols[3];        /* after 信息内容; NULL-padded */
};

static const struct t2_block t2_blocks[] = {
	{ "第二十条第（一）项", { "本年制发件数", "本年废止件数",
				  "现行有效件数" } },
	{ "第二十条第（五）项", { "本年处理决定数量", NULL, NULL } },
	{ "第二十条第（六）项", { "本年处理决定数量", NULL, NULL } },
	{ "第二十条第（八）项", { "本年收费金额（单位：万元）", NULL, NULL } },
};

static void t2_head(struct buf *b, int k)
{
	const struct t2_block *bl = &t2_blocks[k];
	int c;

	html(b, "<tbody><tr><th colspan=\"4\" scope=\"rowgroup\" "
	     "id=\"gi2-b%d\" class=\"gi-block\">%s</th></tr><tr>"
	     "<th scope=\"col\" id=\"gi2-b%d-0\" headers=\"gi2-b%d\">信息内容"
	     "</th>", k, bl->caption, k, k);
	for (c = 0; c < 3 && bl->cols[c]; c++)
		html(b, "<th scope=\"col\" id=\"gi2-b%d-%d\" "
		     "headers=\"gi2-b%d\"%r>%s</th>", k, c + 1, k,
		     bl->cols[1] ? "" : " colspan=\"3\"", bl->cols[c]);
	html(b, "</tr>");
}

/* One data row of block `k`: the label and its figures as text. */
static void t2_row(struct buf *b, int k, int id, const char *label,
		   const char *const *v, int n)
{
	int c;

	html(b, "<tr><th scope=\"row\" id=\"gi2-r%d\" headers=\"gi2-b%d "
	     "gi2-b%d-0\">%s</th>", id, k, k, label);
	for (c = 0; c < n; c++)
		html(b, "<td class=\"num\" headers=\"gi2-b%d gi2-b%d-%d "
		     "gi2-r%d\"%r>%s</td>", k, k, c + 1, id,
		     n == 1 ? " colspan=\"3\"" : "", v[c]);
	html(b, "</tr>");
}

static void t2_counts(struct buf *b, int k, int id, const char *label,
		      const int64_t *v, int n)
{
	char s[3][24];
	const char *p[3];
	int c;

	for (c = 0; c < n; c++) {
		snprintf(s[c], sizeof(s[c]), "%lld", (long long)v[c]);
		p[c] = s[c];
	}
	t2_row(b, k, id, label, p, n);
}

static void table2(struct buf *b, const struct gi_report *r)
{
	const struct gi_inputs *in = &r->in;
	char fees[48];
	const char *fp[1] = { fees };

	gi_decimal(in->fees_cents, 6, fees, sizeof(fees));
	html_table_wrap(b, "gi2-cap");
	html(b, "<table class=\"data gi-table\">"
	     "<caption id=\"gi2-cap\">主动公开政府信息情况</caption>");
	t2_head(b, 0);
	t2_counts(b, 0, 0, "规章", in->rules, 3);
	t2_counts(b, 0, 1, "行政规范性文件", in->norms, 3);
	html(b, "</tbody>");
	t2_head(b, 1);
	t2_counts(b, 1, 2, "行政许可", &r->permits, 1);
	html(b, "</tbody>");
	t2_head(b, 2);
	t2_counts(b, 2, 3, "行政处罚", &in->penalties, 1);
	t2_counts(b, 2, 4, "行政强制", &in->coercion, 1);
	html(b, "</tbody>");
	t2_head(b, 3);
	t2_row(b, 3, 5, "行政事业性收费", fp, 1);
	html(b, "</tbody></table></div>");
}

/* ---- HTML: table 三 ---- */

static const struct gi_row_label *row_label(enum gi_row row)
{
	size_t i;

	if (gi_rows[row].row == row)
		return &gi_rows[row];
	for (i = 0; i < GI_ROWS; i++)
		if (gi_rows[i].row == row)
			return &gi_rows[i];
	return &gi_rows[row];
}

/* The row's own label: （六）'s from the settings. */
static const char *row_text(const struct gi_report *r, enum gi_row row)
{
	const char *s = row_label(row)->label;

	if (row >= GI_R_OTHER_NO_CORRECTION && row <= GI_R_OTHER)
		return r->set.other_label[row - GI_R_OTHER_NO_CORRECTION];
	return s ? s : "";
}

/* The sub-group (（三）不予公开 ...) the row sits in, or NULL for rows
 * directly under 三、本年度办理结果 and the rows outside it. */
static const char *subgroup(enum gi_row row)
{
	const char *g = row_label(row)->group;

	if (row < GI_R_DISCLOSE || row > GI_R_DONE || !g ||
	    str_starts(g, "三、"))
		return NULL;
	return g;
}

static const char *top_group(void)
{
	const char *g = row_label(GI_R_DISCLOSE)->group;

	return g && str_starts(g, "三、") ? g : "三、本年度办理结果";
}

static void col_headers(struct buf *b, int c)
{
	if (c == GI_NATURAL || c == GI_TOTAL)
		html(b, "gi3-app gi3-c%d", c);
	else
		html(b, "gi3-app gi3-org gi3-c%d", c);
}

static void t3_head(struct buf *b)
{
	int c;

	html(b, "<thead><tr><td colspan=\"3\" rowspan=\"3\" "
	     "class=\"gi-corner wrap\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项"
	     "之和）</td><th colspan=\"7\" scope=\"colgroup\" id=\"gi3-app\">"
	     "申请人情况</th></tr><tr><th rowspan=\"2\" scope=\"col\" "
	     "id=\"gi3-c%d\" headers=\"gi3-app\">%s</th><th colspan=\"5\" "
	     "scope=\"colgroup\" id=\"gi3-org\" headers=\"gi3-app\">法人或其他"
	     "组织</th><th rowspan=\"2\" scope=\"col\" id=\"gi3-c%d\" "
	     "headers=\"gi3-app\">%s</th></tr><tr>", GI_NATURAL,
	     gi_col_labels[GI_NATURAL], GI_TOTAL, gi_col_labels[GI_TOTAL]);
	for (c = GI_BUSINESS; c <= GI_OTHER_ORG; c++)
		html(b, "<th scope=\"col\" id=\"gi3-c%d\" headers=\"gi3-app "
		     "gi3-org\">%s</th>", c, gi_col_labels[c]);
	html(b, "</tr></thead>");
}

/* The figures of one row, each linked to its cases when asked. */
static void t3_figures(struct buf *b, const struct gi_report *r, int row,
		       const char *rowh, bool links)
{
	int c;

	for (c = 0; c < GI_COLS; c++) {
		int64_t v = r->t3[row][c];

		html(b, "<td class=\"num\" headers=\"");
		col_headers(b, c);
		html(b, " %r\">", rowh);
		if (links && v)
			html(b, "<a href=\"/ogi/report/cases?year=%d&amp;row=%d"
			     "&amp;col=%d\">%I<span class=\"visually-hidden\">"
			     "（%s，%s：查看案件）</span></a>", r->year, row, c, v,
			     row_text(r, row), gi_col_labels[c]);
		else
			html(b, "%I", v);
		html(b, "</td>");
	}
}

/* How many rows from `row` on share its sub-group. */
static int span_of(int row)
{
	const char *g = subgroup(row);
	int n = 1;

	while (row + n <= GI_R_DONE && subgroup(row + n) &&
	       strcmp(subgroup(row + n), g) == 0)
		n++;
	return n;
}

static void table3(struct buf *b, const struct gi_report *r, bool links)
{
	struct buf rowh = BUF_INIT;
	int row, sub = -1;

	html_table_wrap(b, "gi3-cap");
	html(b, "<table class=\"data gi-table\">"
	     "<caption id=\"gi3-cap\">收到和处理政府信息公开申请情况</caption>");
	t3_head(b);
	html(b, "<tbody>");
	for (row = 0; row < GI_ROWS; row++) {
		const char *g = subgroup(row);

		buf_reset(&rowh);
		html(b, "<tr>");
		if (row == GI_R_DISCLOSE)
			html(b, "<th rowspan=\"%d\" scope=\"rowgroup\" "
			     "id=\"gi3-top\">%s</th>",
			     GI_R_DONE - GI_R_DISCLOSE + 1, top_group());
		if (row >= GI_R_DISCLOSE && row <= GI_R_DONE)
			buf_puts(&rowh, "gi3-top ");
		if (g && (sub < 0 || !subgroup(row - 1) ||
			  strcmp(subgroup(row - 1), g))) {
			sub = row;
			html(b, "<th rowspan=\"%d\" scope=\"rowgroup\" "
			     "id=\"gi3-g%d\" headers=\"gi3-top\">%s</th>",
			     span_of(row), row, g);
		}
		if (g)
			buf_printf(&rowh, "gi3-g%d ", sub);
		html(b, "<th scope=\"row\" id=\"gi3-r%d\"%r>%s</th>", row,
		     g ? "" : row >= GI_R_DISCLOSE && row <= GI_R_DONE ?
		     " colspan=\"2\"" : " colspan=\"3\"", row_text(r, row));
		buf_printf(&rowh, "gi3-r%d", row);
		t3_figures(b, r, row, buf_cstr(&rowh), links);
		html(b, "</tr>");
	}
	html(b, "</tbody></table></div>");
	buf_release(&rowh);
}

/* ---- HTML: table 四 ---- */

static void table4(struct buf *b, const struct gi_report *r)
{
	int c;

	html_table_wrap(b, "gi4-cap");
	html(b, "<table class=\"data gi-table\">"
	     "<caption id=\"gi4-cap\">政府信息公开行政复议、行政诉讼情况"
	     "</caption><thead><tr><th colspan=\"5\" scope=\"colgroup\" "
	     "id=\"gi4-rev\">行政复议</th><th colspan=\"10\" "
	     "scope=\"colgroup\" id=\"gi4-lit\">行政诉讼</th></tr><tr>");
	for (c = 0; c < 5; c++)
		html(b, "<th rowspan=\"2\" scope=\"col\" id=\"gi4-c%d\" "
		     "headers=\"gi4-rev\">%s</th>", c, gi_t4_labels[c]);
	html(b, "<th colspan=\"5\" scope=\"colgroup\" id=\"gi4-direct\" "
	     "headers=\"gi4-lit\">未经复议直接起诉</th><th colspan=\"5\" "
	     "scope=\"colgroup\" id=\"gi4-after\" headers=\"gi4-lit\">复议后"
	     "起诉</th></tr><tr>");
	for (c = 5; c < GI_T4_COLS; c++)
		html(b, "<th scope=\"col\" id=\"gi4-c%d\" headers=\"gi4-lit "
		     "%s\">%s</th>", c, c < 10 ? "gi4-direct" : "gi4-after",
		     gi_t4_labels[c % 5]);
	html(b, "</tr></thead><tbody><tr>");
	for (c = 0; c < GI_T4_COLS; c++)
		html(b, "<td class=\"num\" headers=\"%s%s gi4-c%d\">%I</td>",
		     c < 5 ? "gi4-rev" : "gi4-lit ", c < 5 ? "" : c < 10 ?
		     "gi4-direct" : "gi4-after", c, r->in.t4[c]);
	html(b, "</tr></tbody></table></div>");
}

/* ---- HTML: the whole ---- */

struct html_out {
	struct buf *b;
	const struct gi_report *r;
	bool links;
	bool tables_only;
	bool open;                  /* a <section> is open */
	int section;
};

static void html_part(void *arg, enum part k, const char *text, int which)
{
	struct html_out *o = arg;
	struct buf *b = o->b;

	if (o->tables_only && k != P_SECTION && k != P_TABLE)
		return;
	if (o->tables_only && k == P_SECTION) {
		if (o->open)
			html(b, "</section>");
		o->open = ++o->section >= 2 && o->section <= 4;
		if (o->open)
			html(b, "<section aria-labelledby=\"gi-s%d\"><h3 "
			     "id=\"gi-s%d\">%s</h3>", o->section, o->section,
			     text);
		return;
	}
	switch (k) {
	case P_TITLE:
		html(b, "<h2 id=\"gi-title\" class=\"gi-title\">%s</h2>", text);
		break;
	case P_SECTION:
		if (o->open)
			html(b, "</section>");
		o->open = true;
		o->section++;
		html(b, "<section aria-labelledby=\"gi-s%d\"><h3 id=\"gi-s%d\">"
		     "%s</h3>", o->section, o->section, text);
		break;
	case P_PART:
		html(b, "<h4>%s</h4>", text);
		break;
	case P_PARA:
		html(b, "<p>%s</p>", text);
		break;
	case P_EMPTY:
		if (o->links)
			html(b, "<p class=\"muted\">本部分尚未填写（在“编辑填报"
			     "数据”中填写）。</p>");
		else
			html(b, "<p>无。</p>");
		break;
	case P_TABLE:
		if (which == 2)
			table2(b, o->r);
		else if (which == 3)
			table3(b, o->r, o->links);
		else
			table4(b, o->r);
		break;
	}
}

void gi_report_html(const struct gi_report *r, bool links, struct buf *out)
{
	struct html_out o = { out, r, links, false, false, 0 };

	html(out, "<article class=\"gi-report\" aria-labelledby=\"gi-title\">");
	gi_report_walk(r, html_part, &o);
	if (o.open)
		html(out, "</section>");
	html(out, "</article>");
}

void gi_report_tables_html(const struct gi_report *r, struct buf *out)
{
	struct html_out o = { out, r, false, true, false, 0 };

	html(out, "<section class=\"gi-report\" "
	     "aria-labelledby=\"gi-tables-h\"><h2 id=\"gi-tables-h\">"
	     "%d年度报告附表</h2>", r->year);
	gi_report_walk(r, html_part, &o);
	if (o.open)
		html(out, "</section>");
	html(out, "</section>");
}
