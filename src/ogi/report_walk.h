/* report_walk.h: one walk over the annual report's parts, shared by its
 * renderings (report_walk.c, report_html.c, report_text.c)
 *
 * gi_report_walk() names the report's parts in the order of the national
 * format: the title, the six section headings, the five parts of section
 * 一, each paragraph (the records' sentences, then the office's text),
 * a part the office has not written, and the place of each table.  Every
 * rendering takes the same walk, so each sentence is written once.
 */
#ifndef FZ_OGI_REPORT_WALK_H
#define FZ_OGI_REPORT_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "ogi/report.h"

enum part {
	P_TITLE,        /* the report's title */
	P_SECTION,      /* 一、总体情况 ... 六、其他需要报告的事项 */
	P_PART,         /* （一）主动公开 ... （五）监督保障 */
	P_PARA,         /* a paragraph */
	P_EMPTY,        /* a part the office has not written */
	P_TABLE,        /* table 二, 三 or 四 (`which`) */
};

/* Called once per part; `text` is NULL for P_EMPTY and P_TABLE, `which`
 * (2, 3 or 4) names the table of a P_TABLE. */
typedef void (*emit_fn)(void *arg, enum part k, const char *text, int which);

/* Table 四's five figures under each heading: 结果维持 ... 总计, as the
 * renderings, the inputs form and its refusals name them. */
extern const char *const gi_t4_labels[5];

void gi_report_walk(const struct gi_report *r, emit_fn fn, void *arg);

/* `v` units of 1/10^digits as a decimal without trailing zeros: fen as
 * 元 with digits 2, as 万元 with digits 6. */
void gi_decimal(int64_t v, int digits, char *out, size_t n);

#endif
