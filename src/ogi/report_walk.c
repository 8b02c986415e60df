/* report_walk.c: the annual report's sections in words
 *
 * The sentences the records give (publications, permits, applications,
 * reviews, 复议 and 诉讼, the information processing fee) and the
 * office's own text, in the order of the national format, for every
 * rendering (report_walk.h).
 */
#include "ogi/report_walk.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/case_stats.h"

static const char *const sections[] = {
	"一、总体情况",
	"二、主动公开政府信息情况",
	"三、收到和处理政府信息公开申请情况",
	"四、政府信息公开行政复议、行政诉讼情况",
	NULL,           /* 五: a setting */
	"六、其他需要报告的事项",
};

static const char *const parts[] = {
	"（一）主动公开", "（二）依申请公开", "（三）政府信息管理",
	"（四）政府信息公开平台建设", "（五）监督保障",
};

const char *const gi_t4_labels[5] = {
	"结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
};

/* ---- figures in words ---- */

/* "，比上年增长45%", "，比上年减少10%", "，与上年持平"; "" without a base
 * (the statistics' rounding, cs_yoy()). */
static void change_words(int64_t now, int64_t prev, char *out, size_t n)
{
	int64_t pct;

	if (cs_yoy(now, prev, &pct))
		out[0] = '\0';
	else if (pct == 0)
		snprintf(out, n, "，与上年持平");
	else
		snprintf(out, n, "，比上年%s%lld%%", pct > 0 ? "增长" : "减少",
			 (long long)(pct < 0 ? -pct : pct));
}

/* `v` units of 1/10^digits as a decimal without trailing zeros. */
void gi_decimal(int64_t v, int digits, char *out, size_t n)
{
	int64_t scale = 1, frac;
	char f[16];
	int i, k;

	if (digits > 9)
		digits = 9;             /* f holds them; the callers use 2, 6 */
	for (i = 0; i < digits; i++)
		scale *= 10;
	frac = v % scale;
	for (i = digits - 1; i >= 0; i--, frac /= 10)
		f[i] = (char)('0' + frac % 10);
	for (k = digits; k > 0 && f[k - 1] == '0'; k--)
		;
	f[k] = '\0';
	if (k)
		snprintf(out, n, "%lld.%s", (long long)(v / scale), f);
	else
		snprintf(out, n, "%lld", (long long)(v / scale));
}

/* Fen as 万元 (at most six decimals), as table 二 shows them. */
static void wan_yuan(int64_t fen, char *out, size_t n)
{
	gi_decimal(fen, 6, out, n);
}

/* ---- the walk ---- */

struct walker {
	const struct gi_report *r;
	emit_fn emit;
	void *arg;
	struct buf line;
};

static void emit(struct walker *w, enum part k, const char *text)
{
	w->emit(w->arg, k, text, 0);
}

/* A generated sentence, built with printf. */
static void FZ_PRINTF(2, 3) say(struct walker *w, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&w->line);
	va_start(ap, fmt);
	buf_vprintf(&w->line, fmt, ap);
	va_end(ap);
	emit(w, P_PARA, buf_cstr(&w->line));
}

/* The office's text, a paragraph a line; false when there is none. */
static bool office_text(struct walker *w, enum gi_text t)
{
	const char *p = w->r->in.text[t];
	bool any = false;

	while (p && *p) {
		size_t n = strcspn(p, "\n");
		size_t len = n;

		while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' ||
			       p[len - 1] == '\t'))
			len--;
		if (len) {
			buf_reset(&w->line);
			buf_add(&w->line, p, len);
			emit(w, P_PARA, buf_cstr(&w->line));
			any = true;
		}
		p += n;
		if (*p)
			p++;
	}
	return any;
}

static void t3_summary(struct walker *w)
{
	const int64_t (*t)[GI_COLS] = w->r->t3;
	int64_t withheld = 0, unable = 0, reject = 0, other = 0;
	int i;

	for (i = GI_R_WITHHOLD_SECRET; i <= GI_R_WITHHOLD_QUERY; i++)
		withheld += t[i][GI_TOTAL];
	for (i = GI_R_UNABLE_NOT_HELD; i <= GI_R_UNABLE_UNCLEAR; i++)
		unable += t[i][GI_TOTAL];
	for (i = GI_R_REJECT_COMPLAINT; i <= GI_R_REJECT_CONFIRM; i++)
		reject += t[i][GI_TOTAL];
	for (i = GI_R_OTHER_NO_CORRECTION; i <= GI_R_OTHER; i++)
		other += t[i][GI_TOTAL];
	say(w, "%d年，本机关新收政府信息公开申请%lld件，上年结转%lld件；本年度"
	    "办结%lld件，其中予以公开%lld件，部分公开%lld件，不予公开%lld件，"
	    "无法提供%lld件，不予处理%lld件，其他处理%lld件；结转下年度继续"
	    "办理%lld件。", w->r->year,
	    (long long)t[GI_R_NEW][GI_TOTAL],
	    (long long)t[GI_R_CARRIED_IN][GI_TOTAL],
	    (long long)t[GI_R_DONE][GI_TOTAL],
	    (long long)t[GI_R_DISCLOSE][GI_TOTAL],
	    (long long)t[GI_R_PARTIAL][GI_TOTAL], (long long)withheld,
	    (long long)unable, (long long)reject, (long long)other,
	    (long long)t[GI_R_CARRIED_OUT][GI_TOTAL]);
}

static void t2_summary(struct walker *w)
{
	const struct gi_inputs *in = &w->r->in;
	char fees[48];

	wan_yuan(in->fees_cents, fees, sizeof(fees));
	say(w, "本年制发规章%lld件、行政规范性文件%lld件，废止规章%lld件、行政"
	    "规范性文件%lld件，现行有效规章%lld件、行政规范性文件%lld件；作出"
	    "行政许可决定%lld件、行政处罚决定%lld件、行政强制决定%lld件；"
	    "行政事业性收费%s万元。", (long long)in->rules[0],
	    (long long)in->norms[0], (long long)in->rules[1],
	    (long long)in->norms[1], (long long)in->rules[2],
	    (long long)in->norms[2], (long long)w->r->permits,
	    (long long)in->penalties, (long long)in->coercion, fees);
}

static void t4_summary(struct walker *w)
{
	const int64_t *t = w->r->in.t4;
	int64_t review = t[4], suits = t[9] + t[14];

	if (!review && !suits)
		say(w, "本年未发生因政府信息公开引起的行政复议、行政诉讼。");
	else
		say(w, "本年因政府信息公开被申请行政复议%lld件、被提起行政诉讼"
		    "%lld件（其中未经复议直接起诉%lld件，复议后起诉%lld件）。",
		    (long long)review, (long long)suits, (long long)t[9],
		    (long long)t[14]);
}

/* 一、总体情况: the records' sentences, then the office's text. */
static void overview(struct walker *w)
{
	const struct gi_report *r = w->r;
	const struct gi_overview *ov = &r->ov;
	const int64_t (*t)[GI_COLS] = r->t3;
	char change[64], rate[16];
	int k;

	for (k = 0; k < 5; k++) {
		bool said = true;

		emit(w, P_PART, parts[k]);
		switch (k) {
		case 0:
			change_words(ov->county_site, ov->county_site_prev,
				     change, sizeof(change));
			buf_reset(&w->line);
			buf_printf(&w->line, "%d年，本机关经保密审查后主动公开"
				   "政府信息%lld条，其中在县政府网站政府信息"
				   "公开专栏发布%lld条%s", r->year,
				   (long long)ov->published,
				   (long long)ov->county_site, change);
			if (ov->wechat)
				buf_printf(&w->line, "，在园区公众号发布%lld条",
					   (long long)ov->wechat);
			buf_puts(&w->line, "。");
			emit(w, P_PARA, buf_cstr(&w->line));
			cs_format_rate(cs_permille(ov->permits_full,
						   ov->permits), rate);
			if (ov->permits)
				say(w, "公开行政许可决定%lld件，全文电子化率%s。",
				    (long long)ov->permits, rate);
			break;
		case 1:
			say(w, "本年新收政府信息公开申请%lld件，上年结转%lld件，"
			    "办结%lld件，结转下年度继续办理%lld件，详见本报告"
			    "第三部分。",
			    (long long)t[GI_R_NEW][GI_TOTAL],
			    (long long)t[GI_R_CARRIED_IN][GI_TOTAL],
			    (long long)t[GI_R_DONE][GI_TOTAL],
			    (long long)t[GI_R_CARRIED_OUT][GI_TOTAL]);
			break;
		case 2:
			say(w, "坚持先审查、后公开，一事一审，全年完成保密审查"
			    "%lld件次。", (long long)ov->reviews);
			if (ov->findings)
				say(w, "发布前的个人信息扫描共发现需核查内容"
				    "%lld处，经保密审查员逐一处理：遮盖%lld处，"
				    "说明理由后公开%lld处。",
				    (long long)ov->findings,
				    (long long)ov->redacted,
				    (long long)ov->justified);
			break;
		default:
			said = false;
		}
		if (!office_text(w, GI_TX_PROACTIVE + k) && !said)
			emit(w, P_EMPTY, NULL);
	}
}

static void six(struct walker *w)
{
	const struct gi_report *r = w->r;
	bool any = office_text(w, GI_TX_OTHER);
	char fee[48];

	if (r->set.fee_sentence) {
		gi_decimal(r->in.info_fee_cents, 2, fee, sizeof(fee));
		say(w, "%d年，本机关收取信息处理费%s元。", r->year, fee);
		any = true;
	}
	if (!any)
		emit(w, P_EMPTY, NULL);
}

void gi_report_walk(const struct gi_report *r, emit_fn fn, void *arg)
{
	struct walker w = { r, fn, arg, BUF_INIT };
	int s;

	gi_report_title(r, &w.line);
	emit(&w, P_TITLE, buf_cstr(&w.line));
	for (s = 0; s < 6; s++) {
		emit(&w, P_SECTION, s == 4 ? r->set.heading5 : sections[s]);
		switch (s) {
		case 0:
			overview(&w);
			break;
		case 1:
			t2_summary(&w);
			break;
		case 2:
			t3_summary(&w);
			break;
		case 3:
			t4_summary(&w);
			break;
		case 4:
			if (!office_text(&w, GI_TX_PROBLEMS))
				emit(&w, P_EMPTY, NULL);
			break;
		default:
			six(&w);
		}
		if (s >= 1 && s <= 3)
			fn(arg, P_TABLE, NULL, s + 1);
	}
	buf_release(&w.line);
}

void gi_report_title(const struct gi_report *r, struct buf *out)
{
	buf_printf(out, "%s%d年政府信息公开工作年度报告", r->org ? r->org : "",
		   r->year);
}
