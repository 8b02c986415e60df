/* report_calc.c: the figures of the annual report from the records
 *
 * Table 三 reads the "disclosure" procedure's cases: one query gives
 * each case that may count in the year (not finished before it) with
 * its current fields, the fields of its first event (the register
 * action's received_date: a later receive_correction restarts the
 * clock but the application was still received on the first day) and
 * the time of the event that took it into its final state.  place()
 * then decides, in C, which cells the case counts in; the figures
 * (gi_report_compute) and the lists behind them (gi_report_cases) both
 * come from place(), so a figure and its list cannot disagree.
 */
#include "ogi/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar.h"
#include "core/clock.h"
#include "permit/permit.h"
#include "portal/publication.h"
#include "store/store.h"

#define DISCLOSURE "disclosure"
#define GROUP_RESULT "三、本年度办理结果"

const struct gi_row_label gi_rows[GI_ROWS] = {
	{ GI_R_NEW, NULL, "一、本年新收政府信息公开申请数量" },
	{ GI_R_CARRIED_IN, NULL, "二、上年结转政府信息公开申请数量" },
	{ GI_R_DISCLOSE, GROUP_RESULT, "（一）予以公开" },
	{ GI_R_PARTIAL, GROUP_RESULT, "（二）部分公开（区分处理的，只计这一"
	  "情形，不计其他情形）" },
	{ GI_R_WITHHOLD_SECRET, "（三）不予公开", "1.属于国家秘密" },
	{ GI_R_WITHHOLD_LAW, "（三）不予公开", "2.其他法律行政法规禁止公开" },
	{ GI_R_WITHHOLD_SAFETY, "（三）不予公开", "3.危及“三安全一稳定”" },
	{ GI_R_WITHHOLD_THIRD_PARTY, "（三）不予公开", "4.保护第三方合法权益" },
	{ GI_R_WITHHOLD_INTERNAL, "（三）不予公开", "5.属于三类内部事务信息" },
	{ GI_R_WITHHOLD_PROCESS, "（三）不予公开", "6.属于四类过程性信息" },
	{ GI_R_WITHHOLD_ENFORCEMENT, "（三）不予公开", "7.属于行政执法案卷" },
	{ GI_R_WITHHOLD_QUERY, "（三）不予公开", "8.属于行政查询事项" },
	{ GI_R_UNABLE_NOT_HELD, "（四）无法提供",
	  "1.本机关不掌握相关政府信息" },
	{ GI_R_UNABLE_CREATE, "（四）无法提供",
	  "2.没有现成信息需要另行制作" },
	{ GI_R_UNABLE_UNCLEAR, "（四）无法提供",
	  "3.补正后申请内容仍不明确" },
	{ GI_R_REJECT_COMPLAINT, "（五）不予处理", "1.信访举报投诉类申请" },
	{ GI_R_REJECT_REPEAT, "（五）不予处理", "2.重复申请" },
	{ GI_R_REJECT_PUBLICATION, "（五）不予处理", "3.要求提供公开出版物" },
	{ GI_R_REJECT_ABUSIVE, "（五）不予处理",
	  "4.无正当理由大量反复申请" },
	{ GI_R_REJECT_CONFIRM, "（五）不予处理",
	  "5.要求行政机关确认或重新出具已获取信息" },
	{ GI_R_OTHER_NO_CORRECTION, "（六）其他处理", NULL },
	{ GI_R_OTHER_FEE, "（六）其他处理", NULL },
	{ GI_R_OTHER, "（六）其他处理", NULL },
	{ GI_R_DONE, GROUP_RESULT, "（七）总计" },
	{ GI_R_CARRIED_OUT, NULL, "四、结转下年度继续办理" },
};

const char *const gi_col_labels[GI_COLS] = {
	"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
	"其他", "总计",
};

/* The applicant_type values of workflows/disclosure.json, by column. */
static const char *const col_types[GI_TOTAL] = {
	"natural", "business", "research", "public_interest",
	"legal_service", "other_org",
};

/* REGULATIONS.md §2: Art. 36(2) → （一）; Art. 37 → （二）; Art. 36(3)
 * by legal ground → （三）1–7; Art. 36(7) → （三）8; Art. 36(4)/(5) →
 * （四）1; Art. 38 → （四）2; unclear after correction → （四）3; Art. 39
 * ¶1, 36(6), 39 ¶2, 35, confirmation → （五）1–5; fee unpaid → （六）2;
 * other → （六）3.  already_public (Art. 36(1)) is contested: its row
 * here is the default, the setting decides (gi_settings). */
const struct gi_reply_map gi_default_map[] = {
	{ "disclose", GI_R_DISCLOSE },
	{ "already_public", GI_R_DISCLOSE },
	{ "partial", GI_R_PARTIAL },
	{ "withhold_secret", GI_R_WITHHOLD_SECRET },
	{ "withhold_law", GI_R_WITHHOLD_LAW },
	{ "withhold_safety", GI_R_WITHHOLD_SAFETY },
	{ "withhold_third_party", GI_R_WITHHOLD_THIRD_PARTY },
	{ "withhold_internal", GI_R_WITHHOLD_INTERNAL },
	{ "withhold_process", GI_R_WITHHOLD_PROCESS },
	{ "withhold_enforcement", GI_R_WITHHOLD_ENFORCEMENT },
	{ "withhold_query", GI_R_WITHHOLD_QUERY },
	{ "unable_not_held", GI_R_UNABLE_NOT_HELD },
	{ "unable_create", GI_R_UNABLE_CREATE },
	{ "unable_unclear", GI_R_UNABLE_UNCLEAR },
	{ "reject_complaint", GI_R_REJECT_COMPLAINT },
	{ "reject_repeat", GI_R_REJECT_REPEAT },
	{ "reject_publication", GI_R_REJECT_PUBLICATION },
	{ "reject_abusive", GI_R_REJECT_ABUSIVE },
	{ "reject_confirm", GI_R_REJECT_CONFIRM },
	{ "other_fee", GI_R_OTHER_FEE },
	{ "other", GI_R_OTHER },
};
const size_t gi_default_map_len = ARRAY_SIZE(gi_default_map);

/* ---- where one case counts ---- */

/* The cells of table 三 a case counts in, for one year. */
struct place {
	int64_t id;
	enum gi_col col;
	bool new, carried_in, carried_out;
	int result;                 /* the row of 三, or -1 */
};

/* What the query says of one case. */
struct facts {
	int64_t id;
	enum gi_col col;
	cal_day received;
	bool finished;
	cal_day finished_on;
	const char *state;          /* borrowed from the row */
	const char *reply_type;     /* borrowed from `fields` */
};

static enum gi_col col_of(const char *type)
{
	int i;

	for (i = 0; i < GI_TOTAL; i++)
		if (type && strcmp(type, col_types[i]) == 0)
			return (enum gi_col)i;
	/* register requires the field; a case without a known type is
	 * still an application and counts, under 其他 */
	return GI_OTHER_ORG;
}

static enum gi_row reply_row(const char *type, const struct gi_settings *s)
{
	size_t i;

	if (type && strcmp(type, "already_public") == 0)
		return s->already_public_row;
	for (i = 0; i < gi_default_map_len; i++)
		if (type && strcmp(type, gi_default_map[i].reply_type) == 0)
			return gi_default_map[i].row;
	return GI_R_OTHER;
}

/* The row of 三 of a case finished in `state`. */
static enum gi_row result_row(const struct facts *f,
			      const struct gi_settings *s)
{
	if (strcmp(f->state, "replied") == 0)
		return reply_row(f->reply_type, s);
	if (strcmp(f->state, "abandoned") == 0)
		return GI_R_OTHER_NO_CORRECTION;
	return GI_R_OTHER;          /* withdrawn, or a final state to come */
}

static struct place place(const struct facts *f, cal_day first,
			  cal_day last, const struct gi_settings *s)
{
	struct place p = { f->id, f->col, false, false, false, -1 };
	bool done_before = f->finished && f->finished_on < first;
	bool done_by_end = f->finished && f->finished_on <= last;

	p.new = f->received >= first && f->received <= last;
	p.carried_in = f->received < first && !done_before;
	if (f->finished && f->finished_on >= first && f->finished_on <= last)
		p.result = (int)result_row(f, s);
	p.carried_out = f->received <= last && !done_by_end;
	return p;
}

static bool counts_in(const struct place *p, enum gi_row row)
{
	switch (row) {
	case GI_R_NEW:
		return p->new;
	case GI_R_CARRIED_IN:
		return p->carried_in;
	case GI_R_DONE:
		return p->result >= 0;
	case GI_R_CARRIED_OUT:
		return p->carried_out;
	default:
		return p->result == (int)row;
	}
}

/* ---- reading the cases ---- */

static const char CASES_SQL[] =
	"SELECT x.id, x.fields, x.reg, x.state, x.fin, x.created FROM "
	"(SELECT c.id AS id, c.fields AS fields, c.state AS state, "
	"c.created_at AS created, "
	"(SELECT e.fields FROM case_events e WHERE e.case_id = c.id AND "
	"e.seq = 1) AS reg, "
	"CASE WHEN c.is_final = 1 THEN (SELECT MIN(e.ts) FROM case_events e "
	"WHERE e.case_id = c.id AND e.to_state = c.state AND "
	"e.from_state <> c.state) END AS fin "
	"FROM cases c WHERE c.proc = ?) x "
	"WHERE x.fin IS NULL OR x.fin >= ? ORDER BY x.id";

static cal_day year_day(int year, const char *md)
{
	char s[16];
	cal_day d = 0;

	snprintf(s, sizeof(s), "%04d-%s", year, md);
	cal_parse(s, &d);
	return d;
}

typedef void (*place_fn)(const struct place *p, void *arg);

/* Call `fn` with the place of every case that may count in `year`. */
static int walk(struct db *db, int year, const struct gi_settings *s,
		place_fn fn, void *arg)
{
	cal_day first = year_day(year, "01-01"), last = year_day(year, "12-31");
	struct db_rows *rows;
	int rc;

	if (year < 2000 || year > 2100)
		return DB_EMISUSE;
	rows = db_query(db, CASES_SQL, "si", DISCLOSURE, clock_year_start(year));
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		const char *fs = db_text(rows, 1), *rs = db_text(rows, 2);
		json_t *fields = json_loads(fs ? fs : "{}", 0, NULL);
		json_t *reg = json_loads(rs ? rs : "{}", 0, NULL);
		const char *rd = json_string_value(json_object_get(reg,
							"received_date"));
		struct facts f = { 0 };
		struct place p;

		f.id = db_int(rows, 0);
		f.col = col_of(json_string_value(json_object_get(fields,
							"applicant_type")));
		if (!rd || cal_parse(rd, &f.received))
			f.received = cal_day_of(db_int(rows, 5));
		f.state = db_str(rows, 3);
		f.finished = !db_isnull(rows, 4);
		f.finished_on = f.finished ? cal_day_of(db_int(rows, 4)) : 0;
		f.reply_type = json_string_value(json_object_get(fields,
								 "reply_type"));
		p = place(&f, first, last, s);
		fn(&p, arg);
		json_decref(fields);
		json_decref(reg);
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

static void add_place(const struct place *p, void *arg)
{
	struct gi_report *r = arg;
	int row;

	for (row = 0; row < GI_ROWS; row++)
		if (counts_in(p, (enum gi_row)row)) {
			r->t3[row][p->col]++;
			r->t3[row][GI_TOTAL]++;
		}
}

/* ---- the overview of section 一 ---- */

/* The findings of the review round that let each item published in
 * [from, to) out, and how many of them were redacted or justified: one
 * pass over them. */
static int findings(struct db *db, int64_t from, int64_t to,
		    struct gi_overview *ov)
{
	struct db_rows *rows = db_query(db,
		"SELECT COUNT(*), "
		"COALESCE(SUM(CASE WHEN f.resolution = 'redacted' THEN 1 "
		"ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN f.resolution = 'justified' THEN 1 "
		"ELSE 0 END), 0) "
		"FROM scan_findings f JOIN publications p ON "
		"p.id = f.publication_id WHERE f.round = p.review_round AND "
		"p.published_at >= ? AND p.published_at < ? AND "
		"p.withdrawn_at = 0", "ii", from, to);
	int rc;

	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1) {
		ov->findings = db_int(rows, 0);
		ov->redacted = db_int(rows, 1);
		ov->justified = db_int(rows, 2);
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

static int overview(struct db *db, int year, struct gi_overview *ov)
{
	int64_t from = clock_year_start(year), to = clock_year_start(year + 1);
	int rc;

	rc = pub_count_published(db, NULL, year, &ov->published);
	if (rc == 0)
		rc = pub_count_published(db, "county_site", year,
					 &ov->county_site);
	if (rc == 0)
		rc = pub_count_published(db, "county_site", year - 1,
					 &ov->county_site_prev);
	if (rc == 0)
		rc = pub_count_published(db, "wechat", year, &ov->wechat);
	if (rc == 0)
		rc = permit_rate(db, year, &ov->permits, &ov->permits_full);
	if (rc == 0)
		rc = db_scalar_int(db, &ov->reviews, "SELECT COUNT(*) FROM "
				   "case_events e JOIN cases c ON c.id = "
				   "e.case_id WHERE c.proc = ? AND e.action = "
				   "'pass_review' AND e.ts >= ? AND e.ts < ?",
				   "sii", PUB_PROCEDURE, from, to);
	if (rc == 0)
		rc = findings(db, from, to, ov);
	return rc < 0 ? rc : 0;
}

/* ---- the report ---- */

int gi_report_compute(struct db *db, int year, struct gi_report *out)
{
	struct pub_settings ps;
	int rc;

	memset(out, 0, sizeof(*out));
	out->year = year;
	if (year < 2000 || year > 2100)
		return DB_EMISUSE;
	out->generated_at = clock_now();
	rc = gi_settings_load(db, &out->set);
	if (rc == 0)
		rc = gi_inputs_load(db, year, &out->in);
	if (rc == 0 && (rc = pub_settings_load(db, &ps)) == 0) {
		out->org = xstrdup(ps.publisher);
		pub_settings_release(&ps);
	}
	if (rc == 0)
		rc = walk(db, year, &out->set, add_place, out);
	if (rc == 0)
		rc = overview(db, year, &out->ov);
	out->permits = out->ov.permits;
	if (rc < 0) {
		gi_report_free(out);
		return rc;
	}
	return 0;
}

void gi_report_free(struct gi_report *r)
{
	free(r->org);
	gi_inputs_free(&r->in);
	memset(r, 0, sizeof(*r));
}

static int64_t results_sum(const struct gi_report *r, int col)
{
	int64_t n = 0;
	int row;

	for (row = GI_R_DISCLOSE; row <= GI_R_OTHER; row++)
		n += r->t3[row][col];
	return n;
}

/* "（三）不予公开1.属于国家秘密", "（一）予以公开", "二、上年结转…". */
static void row_name(const struct gi_report *r, enum gi_row row,
		     struct buf *out)
{
	const struct gi_row_label *l = &gi_rows[row];

	if (l->group && strcmp(l->group, GROUP_RESULT) != 0)
		buf_puts(out, l->group);
	buf_puts(out, l->label ? l->label :
		 r->set.other_label[row - GI_R_OTHER_NO_CORRECTION]);
}

int gi_report_check(const struct gi_report *r, struct buf *why)
{
	int row, col;

	for (col = 0; col < GI_COLS; col++) {
		int64_t in = r->t3[GI_R_NEW][col] + r->t3[GI_R_CARRIED_IN][col];
		int64_t gone = r->t3[GI_R_DONE][col] +
			r->t3[GI_R_CARRIED_OUT][col];
		int64_t sum = results_sum(r, col);

		if (in != gone) {
			buf_printf(why, "%s：一+二=%lld，（七）+四=%lld",
				   gi_col_labels[col], (long long)in,
				   (long long)gone);
			return -1;
		}
		if (sum != r->t3[GI_R_DONE][col]) {
			buf_printf(why, "%s：（七）总计=%lld，（一）至（六）"
				   "之和=%lld", gi_col_labels[col],
				   (long long)r->t3[GI_R_DONE][col],
				   (long long)sum);
			return -1;
		}
	}
	for (row = 0; row < GI_ROWS; row++) {
		int64_t sum = 0;

		for (col = 0; col < GI_TOTAL; col++)
			sum += r->t3[row][col];
		if (sum != r->t3[row][GI_TOTAL]) {
			row_name(r, (enum gi_row)row, why);
			buf_printf(why, "：总计=%lld，各类申请人之和=%lld",
				   (long long)r->t3[row][GI_TOTAL],
				   (long long)sum);
			return -1;
		}
	}
	return 0;
}

struct pick {
	enum gi_row row;
	enum gi_col col;
	int64_t *ids;
	size_t n, cap;
};

static void pick_place(const struct place *p, void *arg)
{
	struct pick *k = arg;

	if (!counts_in(p, k->row) || (k->col != GI_TOTAL && k->col != p->col))
		return;
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 32;
		k->ids = xrealloc(k->ids, k->cap * sizeof(*k->ids));
	}
	k->ids[k->n++] = p->id;
}

int gi_report_cases(struct db *db, const struct gi_report *r,
		    enum gi_row row, enum gi_col col, int64_t **ids,
		    size_t *n)
{
	struct pick k = { row, col, NULL, 0, 0 };
	int rc;

	*ids = NULL;
	*n = 0;
	if ((unsigned)row >= GI_ROWS || (unsigned)col >= GI_COLS)
		return DB_EMISUSE;
	/* walk() goes by ascending id */
	rc = walk(db, r->year, &r->set, pick_place, &k);
	if (rc < 0) {
		free(k.ids);
		return rc;
	}
	*ids = k.ids;
	*n = k.n;
	return 0;
}
