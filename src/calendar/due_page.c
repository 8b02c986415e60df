/* due_page.c: GET /calendar/due — the due-date calculator for staff
 *
 * The same computation as `fazhi calendar due` and the case page's
 * explanations: a start date, a number of days and the unit give the due
 * date on the official calendar, with every skipped day and its reason.
 * A GET form, so a result can be bookmarked or sent to a colleague.
 */
#include <stdbool.h>
#include <string.h>

#include "calendar/calendar.h"
#include "core/util.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/pages.h"
#include "http/server.h"

#define DUE_MAX_DAYS 3650

struct due_query {
	const char *start, *n, *unit;   /* as typed, "" when absent */
	cal_day start_day;
	int64_t days;
	enum cal_unit cal_unit;
};

static const char *arg(struct req *r, const char *name)
{
	const char *v = req_query(r, name);

	return v ? v : "";
}

/* 0 with q filled; 1 when nothing was asked yet; -1 with `why` set. */
static int parse_due(struct req *r, struct due_query *q, const char **why)
{
	q->start = arg(r, "start");
	q->n = arg(r, "n");
	q->unit = arg(r, "unit");
	if (!*q->start && !*q->n)
		return 1;
	if (cal_parse(q->start, &q->start_day)) {
		*why = "起算日须为日期（例如 2024-02-08）";
		return -1;
	}
	if (parse_int64(q->n, 0, DUE_MAX_DAYS, &q->days)) {
		*why = "期限须为 0 至 3650 之间的整数";
		return -1;
	}
	if (strcmp(q->unit, "calendar") == 0) {
		q->cal_unit = CAL_CALENDAR_DAYS;
	} else if (strcmp(q->unit, "working") == 0 || !*q->unit) {
		q->cal_unit = CAL_WORKING_DAYS;
		q->unit = "working";
	} else {
		*why = "请选择工作日或自然日";
		return -1;
	}
	return 0;
}

static void unit_choice(struct buf *b, const char *unit)
{
	bool cal = strcmp(unit, "calendar") == 0;

	html(b, "<fieldset class=\"field\"><legend>计算方式</legend>"
	     "<label><input type=\"radio\" name=\"unit\" value=\"working\"%r>"
	     " 工作日（跳过法定节假日和周末，调休上班日计入）</label>"
	     "<label><input type=\"radio\" name=\"unit\" value=\"calendar\"%r>"
	     " 自然日（末日为休息日的，顺延至其后第一个工作日）</label>"
	     "</fieldset>", cal ? "" : " checked", cal ? " checked" : "");
}

static void due_form(struct req *r, const struct due_query *q,
		     const char *why)
{
	struct buf *b = &r->out;

	page_alert(b, NULL, why);
	html(b, "<form method=\"get\" action=\"/calendar/due\" "
	     "class=\"form card\">");
	form_text(b, "start", "起算日", q->start, 10,
		  " type=\"date\" required",
		  "起算日当日不计入期限，自次日开始计算");
	form_text(b, "n", "期限天数", q->n, 4,
		  " inputmode=\"numeric\" pattern=\"[0-9]*\" required", NULL);
	unit_choice(b, q->unit);
	html(b, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">计算到期日</button></div></form>");
}

static void due_result(struct req *r, const struct due_query *q)
{
	const struct calendar *cal = server_calendar(r->w->srv);
	struct buf ex = BUF_INIT;
	struct cal_due d;
	char due[11];

	calendar_due(cal, q->start_day, (int)q->days, q->cal_unit, &d);
	cal_format(d.due, due);
	cal_due_explain(&d, &ex);
	html(&r->out, "<section class=\"card\" aria-labelledby=\"due-h\">"
	     "<h2 id=\"due-h\">到期日：<time id=\"due-date\" "
	     "datetime=\"%s\">%s</time>（%s）</h2>"
	     "<pre class=\"explain\">%s</pre></section>", due, due,
	     calendar_reason(cal, d.due)[0] ? calendar_reason(cal, d.due) :
	     "工作日", buf_cstr(&ex));
	buf_release(&ex);
	cal_due_release(&d);
}

/* GET /calendar/due?start=YYYY-MM-DD&n=N&unit=working|calendar */
int page_calendar_due(struct req *r)
{
	struct due_query q = { 0 };
	const char *why = NULL;
	int rc = parse_due(r, &q, &why);

	if (rc > 0)
		q.unit = "working";
	page_begin(r, "期限计算");
	html(&r->out, "<p class=\"muted\">按国务院办公厅"
	     "公布的节假日安排计算法定期限，与事项页面的期限说明一致。</p>");
	due_form(r, &q, why);
	if (rc == 0)
		due_result(r, &q);
	page_end(r);
	return rc < 0 ? 400 : 200;
}
