/* test_case_stats.c: the desk's statistics on cases made through the engine
 *
 * Each test gets a fresh database (SQLite, and PostgreSQL when
 * FAZHI_TEST_PG_URL is set) with the petition office and two departments,
 * and cases of 2021 and 2022 moved through the shipped definitions by
 * case_create() and case_act() at chosen times.  Expected figures are
 * counted by hand from the story in make_cases().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "calendar/official.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "report/case_stats.h"
#include "store/store.h"

#include "fixtures.h"

#define R(x) (1u << (x))

static char tmpdir[64];
static struct calendar *cal;
static const char *pg_url;
static int dbseq;

enum { PO, CLERK_A, HEAD_A, LEADER, LEGAL, NPEOPLE };

static const struct fx_person people[NPEOPLE] = {
	[PO] = { "xinfang", R(ROLE_PETITION_OFFICER) | R(ROLE_CLERK), OFFICE },
	[CLERK_A] = { "clerk.a", R(ROLE_CLERK), DEPT_A },
	[HEAD_A] = { "head.a", R(ROLE_DEPT_HEAD), DEPT_A },
	[LEADER] = { "leader", R(ROLE_LEADER), -1 },
	[LEGAL] = { "lawyer", R(ROLE_LEGAL_ADVISER), -1 },
};

static struct db *db;
static int64_t dept[NDEPTS], user[NPEOPLE];

/* The cases of the story. */
static int64_t p1, p2, p3, p4, p5, p6, h1, h2, h3, h4;

/* ---- set-up ---- */

static int setup(void **state)
{
	db = fx_db_open(pg_url, tmpdir, "s", ++dbseq);
	if (!db)
		return -1;
	fx_staff(db, people, NPEOPLE, dept, user);
	return 0;
}

static int teardown(void **state)
{
	db_close(db);
	db = NULL;
	return 0;
}

static int group_setup(void **state)
{
	struct fz_err err = { 0 };

	/* A fresh directory for each pass (SQLite, then PostgreSQL). */
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fz_case_stats_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	cal = calendar_open(NULL, &err);
	if (!cal || workflows_load(workflows_default_dir(), &err)) {
		print_error("set-up: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	int rc = fx_remove_tree(tmpdir);

	calendar_free(cal);
	cal = NULL;
	workflows_unload();
	return rc == 0 ? 0 : -1;
}

/* ---- moving cases ---- */

static cal_day D(const char *s)
{
	return fx_day(s);
}

static struct engine_ctx as(int p, const char *day)
{
	return fx_as(db, cal, &people[p], user[p], dept, day);
}

/* `fields` is consumed. */
static int64_t create(const char *day, const char *proc, json_t *fields)
{
	return fx_create(as(PO, day), proc, fields);
}

static void act(int p, const char *day, int64_t id, const char *action,
		json_t *fields)
{
	fx_act(as(p, day), id, action, fields);
}

static json_t *text(const char *name, const char *value)
{
	return json_pack("{s:s}", name, value);
}

static int64_t petition(const char *day, const char *channel)
{
	return create(day, "petition",
		      json_pack("{s:s,s:s,s:s,s:s}", "channel", channel,
				"title", "道路积水", "content", "请求疏通。",
				"received_date", day));
}

static int64_t accepted(const char *day, const char *channel)
{
	int64_t id = petition(day, channel);

	act(PO, day, id, "accept", json_pack("{s:s,s:I}", "category", "claim",
					     "handling_dept",
					     (json_int_t)dept[DEPT_A]));
	return id;
}

/* Accepted on `day` and assigned to department A; the reply signed and
 * the case closed on `signed_on`. */
static int64_t replied(const char *day, const char *channel,
		       const char *signed_on, bool legal)
{
	int64_t id = accepted(day, channel);

	act(PO, day, id, "assign", json_pack("{s:I,s:I}", "handling_dept",
					     (json_int_t)dept[DEPT_A],
					     "assignee",
					     (json_int_t)user[CLERK_A]));
	act(CLERK_A, day, id, "draft_reply", text("reply_text", "已处理。"));
	if (legal) {
		act(CLERK_A, day, id, "request_legal_review",
		    text("review_question", "答复是否合法？"));
		act(LEGAL, day, id, "legal_opinion",
		    text("legal_opinion", "合法。"));
	}
	act(HEAD_A, signed_on, id, "approve_reply", NULL);
	act(PO, signed_on, id, "close", NULL);
	return id;
}

static int64_t ticket(const char *day, const char *type)
{
	return create(day, "hotline",
		      json_pack("{s:s,s:s,s:s,s:s}", "request_type", type,
				"channel", "phone", "title", "噪声扰民",
				"content", "夜间施工噪声"));
}

/* Dispatched to A, answered on `reply_on`, called back with `rating`
 * and closed. */
static int64_t answered(const char *day, const char *type,
			const char *reply_on, const char *rating)
{
	int64_t id = ticket(day, type);

	act(PO, day, id, "dispatch", json_pack("{s:I}", "dept",
					       (json_int_t)dept[DEPT_A]));
	act(CLERK_A, day, id, "accept", NULL);
	act(CLERK_A, reply_on, id, "reply", text("reply_text", "已处理。"));
	act(PO, reply_on, id, "callback", text("satisfaction", rating));
	act(PO, reply_on, id, "close", NULL);
	return id;
}

/* The citizen's own rating, as the desk stores it. */
static void rate(int64_t id, const char *satisfaction)
{
	assert_int_equal(db_exec(db, "INSERT INTO petitioner (case_id, "
				 "satisfaction, rated_at, created_at) VALUES "
				 "(?, ?, 1, 1)", "is", id, satisfaction), 1);
}

/*
 * 2022 (handling limits: petitions 60 days from acceptance, so 03-01
 * runs to 04-30, a day off in the Labour Day holiday, hence 05-05;
 * complaint tickets 7 working days, consultations 3):
 *   p1 letter  accepted 03-01, legal review, signed 03-10: on time,
 *              rated 满意 by the citizen
 *   p2 letter  accepted 03-01, signed 06-01: late
 *   p3 visit   accepted 03-01, still open: overdue on 12-31
 *   p4 visit   accepted 12-20, open, due in 2023
 *   p5 online  declined
 *   p6 letter  accepted 03-01, merged into p3 (its clock cancelled)
 *   h1 complaint  answered 09-29 (due 10-12), 满意
 *   h2 consult    answered 10-20 (due 10-08): late, 不满意
 *   h3 help       declined
 *   h4 complaint  answered 09-29, 不满意 at the call-back but 基本满意
 *                 in the citizen's own rating, which counts
 * 2021: two letters signed in time, one complaint answered in time, 满意.
 */
static void make_cases(void)
{
	replied("2021-05-10", "letter", "2021-05-20", false);
	replied("2021-05-10", "letter", "2021-05-20", false);
	answered("2021-06-01", "complaint", "2021-06-02", "satisfied");

	p1 = replied("2022-03-01", "letter", "2022-03-10", true);
	p2 = replied("2022-03-01", "letter", "2022-06-01", false);
	p3 = accepted("2022-03-01", "visit");
	p4 = accepted("2022-12-20", "visit");
	p5 = petition("2022-03-02", "online");
	act(PO, "2022-03-02", p5, "decline", text("decline_reason", "x"));
	p6 = accepted("2022-03-01", "letter");
	act(PO, "2022-03-02", p6, "merge",
	    json_pack("{s:I}", "duplicate_of", (json_int_t)p3));
	h1 = answered("2022-09-28", "complaint", "2022-09-29", "satisfied");
	h2 = answered("2022-09-28", "consult", "2022-10-20", "unsatisfied");
	h3 = ticket("2022-09-28", "help");
	act(PO, "2022-09-28", h3, "decline", text("decline_reason", "x"));
	h4 = answered("2022-09-28", "complaint", "2022-09-29",
		      "unsatisfied");
	rate(p1, "satisfied");
	rate(h4, "basically_satisfied");
}

/* ---- checking ---- */

static const struct cs_row *row(const struct case_stats *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->rows[i].key, key) == 0)
			return &s->rows[i];
	print_error("no row %s\n", key);
	fail();
	return NULL;
}

/* received accepted due closed on_time late overdue rated satisfied
 * legal, in that order (the order of enum cs_measure). */
static void expect(const int64_t *got, const char *what,
		   int64_t a, int64_t b, int64_t c, int64_t d, int64_t e,
		   int64_t f, int64_t g, int64_t h, int64_t i, int64_t j)
{
	const int64_t want[CS_MEASURES] = { a, b, c, d, e, f, g, h, i, j };
	int m;

	for (m = 0; m < CS_MEASURES; m++) {
		if (got[m] != want[m])
			print_error("%s %s: %lld, want %lld\n", what,
				    cs_measure_name(m), (long long)got[m],
				    (long long)want[m]);
		assert_int_equal(got[m], want[m]);
	}
}

static void expect_rate(const struct cs_row *r, bool last, enum cs_rate k,
			const char *want)
{
	char s[16];

	cs_format_rate(cs_rate(r, last, k), s);
	assert_string_equal(s, want);
}

static void expect_yoy(const struct cs_row *r, enum cs_measure m,
		       const char *want)
{
	char s[32];

	cs_format_yoy(r->now[m], r->last[m], s);
	assert_string_equal(s, want);
}

/* ---- tests ---- */

static void test_rounding(void **state)
{
	int64_t pct = 0;
	char s[32];

	assert_int_equal(cs_permille(508, 508), 1000);
	assert_int_equal(cs_permille(507, 508), 998);
	assert_int_equal(cs_permille(1999, 2000), 999); /* never "100.0%" */
	assert_int_equal(cs_permille(1, 5000), 1);      /* never "0.0%" */
	assert_int_equal(cs_permille(0, 5), 0);
	assert_int_equal(cs_permille(2, 3), 667);
	assert_int_equal(cs_permille(1, 3), 333);
	assert_int_equal(cs_permille(1, 16), 63);       /* 62.5: half up */
	assert_int_equal(cs_permille(1, 0), -1);
	cs_format_rate(999, s);
	assert_string_equal(s, "99.9%");
	cs_format_rate(1000, s);
	assert_string_equal(s, "100.0%");
	cs_format_rate(-1, s);
	assert_string_equal(s, "—");

	/* The seed report: 29 items against 20 is "同比增长45%", 21 public
	 * notices against 3 "同比增长600%". */
	assert_int_equal(cs_yoy(29, 20, &pct), 0);
	assert_int_equal(pct, 45);
	assert_int_equal(cs_yoy(21, 3, &pct), 0);
	assert_int_equal(pct, 600);
	assert_int_equal(cs_yoy(9, 8, &pct), 0);
	assert_int_equal(pct, 13);                      /* 12.5 */
	assert_int_equal(cs_yoy(7, 8, &pct), 0);
	assert_int_equal(pct, -13);                     /* -12.5 */
	assert_int_equal(cs_yoy(2, 3, &pct), 0);
	assert_int_equal(pct, -33);
	assert_int_equal(cs_yoy(5, 0, &pct), 1);
	cs_format_yoy(29, 20, s);
	assert_string_equal(s, "+45%");
	cs_format_yoy(20, 20, s);
	assert_string_equal(s, "0%");
	cs_format_yoy(1, 2, s);
	assert_string_equal(s, "-50%");
	cs_format_yoy(3, 0, s);
	assert_string_equal(s, "—");
	cs_format_pp(667, 1000, s);
	assert_string_equal(s, "-33.3个百分点");
	cs_format_pp(1000, 995, s);
	assert_string_equal(s, "+0.5个百分点");
	cs_format_pp(-1, 995, s);
	assert_string_equal(s, "—");
}

static void test_by_channel(void **state)
{
	struct case_stats s;
	const struct cs_row *r;

	make_cases();
	assert_int_equal(case_stats_compute(db, 2022, CS_BY_CHANNEL,
					    D("2022-12-31"), &s), 0);
	/* Six petition channels in the definition's order, the hotline,
	 * the total. */
	assert_int_equal(s.n, 8);
	assert_string_equal(s.rows[0].key, "petition:letter");
	assert_string_equal(s.rows[0].label, "信访件");
	assert_string_equal(s.rows[6].key, "hotline");
	assert_string_equal(s.rows[7].key, "total");
	assert_string_equal(s.rows[7].label, "合计");

	r = row(&s, "petition:letter");
	expect(r->now, "letter", 3, 3, 2, 2, 1, 1, 0, 1, 1, 1);
	expect(r->last, "letter 2021", 2, 2, 2, 2, 2, 0, 0, 0, 0, 0);
	expect_rate(r, false, CS_COMPLETION, "100.0%");
	expect_rate(r, false, CS_ON_TIME_RATE, "50.0%");
	expect_yoy(r, CS_RECEIVED, "+50%");
	expect_yoy(r, CS_ON_TIME, "-50%");

	r = row(&s, "petition:visit");
	expect(r->now, "visit", 2, 2, 1, 0, 0, 0, 1, 0, 0, 0);
	expect_rate(r, false, CS_COMPLETION, "0.0%");
	expect_rate(r, false, CS_SATISFACTION, "—");
	expect_yoy(r, CS_RECEIVED, "—");

	r = row(&s, "petition:online");
	expect(r->now, "online", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	expect_rate(r, false, CS_COMPLETION, "—");

	r = row(&s, "hotline");
	expect(r->now, "hotline", 4, 3, 3, 3, 2, 1, 0, 3, 2, 0);
	expect(r->last, "hotline 2021", 1, 1, 1, 1, 1, 0, 0, 1, 1, 0);
	expect_rate(r, false, CS_SATISFACTION, "66.7%");
	expect_rate(r, true, CS_SATISFACTION, "100.0%");
	expect_yoy(r, CS_RECEIVED, "+300%");

	r = row(&s, "total");
	expect(r->now, "total", 10, 8, 6, 5, 3, 2, 1, 4, 3, 1);
	expect(r->last, "total 2021", 3, 3, 3, 3, 3, 0, 0, 1, 1, 0);
	expect_rate(r, false, CS_COMPLETION, "83.3%");
	expect_rate(r, false, CS_ON_TIME_RATE, "50.0%");
	expect_rate(r, false, CS_SATISFACTION, "75.0%");
	expect_rate(r, true, CS_COMPLETION, "100.0%");
	expect_yoy(r, CS_RECEIVED, "+233%");
	case_stats_release(&s);

	/* Earlier in the year p3 was not yet overdue, so not yet due. */
	assert_int_equal(case_stats_compute(db, 2022, CS_BY_CHANNEL,
					    D("2022-05-05"), &s), 0);
	r = row(&s, "petition:visit");
	assert_int_equal(r->now[CS_OVERDUE], 0);
	assert_int_equal(r->now[CS_DUE], 0);
	case_stats_release(&s);
	assert_int_equal(case_stats_compute(db, 2022, CS_BY_CHANNEL,
					    D("2022-05-06"), &s), 0);
	assert_int_equal(row(&s, "petition:visit")->now[CS_OVERDUE], 1);
	case_stats_release(&s);
}

static int64_t engine_handled, engine_overdue;

static int on_engine_stat(const struct engine_stat *st, void *arg)
{
	engine_handled += st->handled;
	engine_overdue += st->overdue;
	return 0;
}

/* The engine's own counts of the primary clock agree. */
static void test_agrees_with_engine(void **state)
{
	struct case_stats s;
	const char *procs[] = { "petition", "hotline" };
	size_t i;

	engine_handled = engine_overdue = 0;
	make_cases();
	for (i = 0; i < ARRAY_SIZE(procs); i++)
		assert_int_equal(engine_stats(db, procs[i], 2022, "",
					      D("2022-12-31"),
					      on_engine_stat, NULL), 0);
	assert_int_equal(case_stats_compute(db, 2022, CS_BY_CHANNEL,
					    D("2022-12-31"), &s), 0);
	assert_int_equal(row(&s, "total")->now[CS_CLOSED], engine_handled);
	assert_int_equal(row(&s, "total")->now[CS_OVERDUE], engine_overdue);
	case_stats_release(&s);
}

static void test_by_dept(void **state)
{
	struct case_stats s;
	const struct cs_row *r;
	struct cs_filter f;
	struct buf b = BUF_INIT;
	char key[80];

	make_cases();
	assert_int_equal(case_stats_compute(db, 2022, CS_BY_DEPT,
					    D("2022-12-31"), &s), 0);
	/* The office (what it kept) and department A; B has nothing. */
	assert_int_equal(s.n, 3);
	snprintf(key, sizeof(key), "dept:%lld", (long long)dept[OFFICE]);
	r = row(&s, key);
	assert_string_equal(r->label, "信访办");
	expect(r->now, "office", 5, 3, 1, 0, 0, 0, 1, 0, 0, 0);
	expect(r->last, "office 2021", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	snprintf(key, sizeof(key), "dept:%lld", (long long)dept[DEPT_A]);
	r = row(&s, key);
	assert_string_equal(r->label, "建设局");
	expect(r->now, "dept A", 5, 5, 5, 5, 3, 2, 0, 4, 3, 1);
	expect(r->last, "dept A 2021", 3, 3, 3, 3, 3, 0, 0, 1, 1, 0);
	expect_rate(r, false, CS_ON_TIME_RATE, "60.0%");
	expect_yoy(r, CS_RECEIVED, "+67%");
	expect(row(&s, "total")->now, "total", 10, 8, 6, 5, 3, 2, 1, 4, 3, 1);

	f = r->filter;
	f.measure = CS_OVERDUE;
	case_stats_href(&f, &b);
	snprintf(key, sizeof(key), "/stats/cases/list?dept=%lld&year=2022&"
		 "state=overdue", (long long)dept[DEPT_A]);
	assert_string_equal(buf_cstr(&b), key);
	buf_release(&b);
	case_stats_release(&s);
}

struct ids {
	int64_t v[16];
	size_t n;
};

static int collect(const struct cs_case *c, void *arg)
{
	struct ids *ids = arg;

	assert_true(ids->n < ARRAY_SIZE(ids->v));
	ids->v[ids->n++] = c->id;
	return 0;
}

static void expect_cases(const struct cs_filter *f, size_t n, ...)
{
	struct ids ids = { 0 };
	va_list ap;
	size_t i;

	assert_int_equal(case_stats_cases(db, f, D("2022-12-31"), collect,
					  &ids), 0);
	if (ids.n != n)
		print_error("%s: %zu cases, want %zu\n",
			    cs_measure_name(f->measure), ids.n, n);
	assert_int_equal(ids.n, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_int_equal(ids.v[i], va_arg(ap, int64_t));
	va_end(ap);
}

/* Each figure's filter lists exactly the cases it counts. */
static void test_lists_behind_figures(void **state)
{
	struct case_stats s;
	struct cs_filter f = { .year = 2022 };
	struct buf b = BUF_INIT;
	const struct cs_row *r;
	size_t i;
	int m;

	make_cases();
	f.measure = CS_OVERDUE;
	expect_cases(&f, 1, p3);
	f.measure = CS_LEGAL;
	expect_cases(&f, 1, p1);
	f.measure = CS_LATE;
	expect_cases(&f, 2, p2, h2);
	f.measure = CS_SATISFIED;
	expect_cases(&f, 3, p1, h1, h4);
	f.measure = CS_ACCEPTED;
	snprintf(f.procedure, sizeof(f.procedure), "petition");
	snprintf(f.channel, sizeof(f.channel), "visit");
	expect_cases(&f, 2, p3, p4);
	f.measure = CS_RECEIVED;
	snprintf(f.channel, sizeof(f.channel), "online");
	expect_cases(&f, 1, p5);
	snprintf(f.procedure, sizeof(f.procedure), "hotline");
	f.channel[0] = '\0';
	f.measure = CS_ACCEPTED;
	expect_cases(&f, 3, h1, h2, h4);
	f.measure = CS_RECEIVED;
	expect_cases(&f, 4, h1, h2, h3, h4);
	f.year = 2021;
	expect_cases(&f, 1, (int64_t)3);

	/* Every figure of every row against its own list. */
	assert_int_equal(case_stats_compute(db, 2022, CS_BY_CHANNEL,
					    D("2022-12-31"), &s), 0);
	for (i = 0; i < s.n; i++) {
		for (m = 0; m < CS_MEASURES; m++) {
			struct ids ids = { 0 };

			if (m == CS_LEGAL)
				continue;       /* events, not cases */
			f = s.rows[i].filter;
			f.measure = m;
			assert_int_equal(case_stats_cases(db, &f,
				D("2022-12-31"), collect, &ids), 0);
			assert_int_equal((int64_t)ids.n, s.rows[i].now[m]);
		}
	}
	r = row(&s, "petition:letter");
	f = r->filter;
	case_stats_href(&f, &b);
	assert_string_equal(buf_cstr(&b),
			    "/stats/cases/list?procedure=petition&"
			    "channel=letter&year=2022");
	buf_reset(&b);
	f.measure = CS_CLOSED;
	case_stats_href(&f, &b);
	assert_string_equal(buf_cstr(&b),
			    "/stats/cases/list?procedure=petition&"
			    "channel=letter&year=2022&state=closed");
	buf_reset(&b);
	f = row(&s, "total")->filter;
	f.measure = CS_ON_TIME;
	case_stats_href(&f, &b);
	assert_string_equal(buf_cstr(&b),
			    "/stats/cases/list?year=2022&state=on_time");
	buf_release(&b);
	case_stats_release(&s);
}

/* What the ledger shows of one case. */
static int find_p1(const struct cs_case *c, void *arg)
{
	if (c->id != p1)
		return 0;
	*(struct cs_case *)arg = *c;
	((struct cs_case *)arg)->number = NULL;
	assert_string_equal(c->number, "新高信〔2022〕0001号");
	assert_string_equal(c->channel_label, "信访件");
	assert_string_equal(c->state_label, "已办结");
	assert_string_equal(c->satisfaction, "satisfied");
	return 1;
}

static void test_case_facts(void **state)
{
	struct cs_filter f = { .year = 2022 };
	struct cs_case c = { 0 };

	make_cases();
	assert_int_equal(case_stats_cases(db, &f, D("2022-12-31"), find_p1,
					  &c), 1);
	assert_int_equal(c.received, D("2022-03-01"));
	assert_int_equal(c.registered, D("2022-03-01"));
	assert_int_equal(c.due, D("2022-05-05"));
	assert_int_equal(c.closed, D("2022-03-10"));
	assert_int_equal(c.dept_id, dept[DEPT_A]);
	assert_int_equal(c.legal, 1);
	assert_true(c.in[CS_ON_TIME]);
	assert_false(c.in[CS_LATE]);
}

static void test_bad_input(void **state)
{
	struct case_stats s;
	struct cs_filter f = { .year = 99999 };

	assert_int_equal(case_stats_compute(db, 1970, CS_BY_CHANNEL, 0, &s),
			 DB_EMISUSE);
	assert_int_equal(case_stats_compute(db, 10000, CS_BY_DEPT, 0, &s),
			 DB_EMISUSE);
	assert_int_equal(case_stats_cases(db, &f, 0, collect, NULL),
			 DB_EMISUSE);
	f.year = 2022;
	f.measure = CS_MEASURES;
	assert_int_equal(case_stats_cases(db, &f, 0, collect, NULL),
			 DB_EMISUSE);
	assert_int_equal(cs_measure_by_name("overdue"), CS_OVERDUE);
	assert_int_equal(cs_measure_by_name("x"), -1);
	/* Nothing registered: every row zero, every rate undefined. */
	assert_int_equal(case_stats_compute(db, 2022, CS_BY_DEPT,
					    D("2022-12-31"), &s), 0);
	assert_int_equal(s.n, 1);
	expect_rate(&s.rows[0], false, CS_COMPLETION, "—");
	case_stats_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rounding),
		cmocka_unit_test_setup_teardown(test_by_channel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_agrees_with_engine,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_dept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lists_behind_figures,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_facts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup,
						teardown),
	};
	const char *pg = getenv("FAZHI_TEST_PG_URL");
	int failed;

	failed = cmocka_run_group_tests_name("case statistics on SQLite",
					     tests, group_setup,
					     group_teardown);
	if (pg && *pg) {
		pg_url = pg;
		failed += cmocka_run_group_tests_name(
			"case statistics on PostgreSQL", tests, group_setup,
			group_teardown);
	}
	return failed ? 1 : 0;
}
