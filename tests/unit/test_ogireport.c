/* test_ogireport.c: the annual report on government information
 * disclosure — table 三 from the disclosure cases, the year boundary,
 * the identities, the settings and inputs, the plain text
 *
 * Each test gets a fresh SQLite database (and, with $FAZHI_TEST_PG_URL,
 * a second pass on PostgreSQL) with the shipped definitions and the
 * official calendar; the officer acts at 10:00 on the days given.
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

#include "calendar/official.h"
#include "core/buf.h"
#include "core/util.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "ogi/report.h"
#include "store/store.h"

#include "fixtures.h"

#define R(x) (1u << (x))

static int dbseq;
static const char *pg_url;

enum { OGI, NPEOPLE };

static const struct fx_person people[NPEOPLE] = {
	[OGI] = { "gongkai", R(ROLE_OGI_OFFICER), OFFICE },
};

static struct fx_staffed *F;

static int setup(void **state)
{
	F = fx_staffed_open(pg_url, "r", ++dbseq, people, NPEOPLE);
	*state = F;
	return F ? 0 : -1;
}

static int teardown(void **state)
{
	F = NULL;
	return fx_db_teardown(state);
}

/* ---- shorthands ---- */

static struct engine_ctx as(const char *day)
{
	return fx_as(F->db, fx_cal, &people[OGI], F->user[OGI], F->dept, day);
}

static const struct actor officer = {
	0, "gongkai", "ogi_officer", "127.0.0.1", "-",
};

/* An application of `type` received and registered on `day`. */
static int64_t apply(const char *day, const char *type)
{
	return fx_create(as(day), "disclosure",
			 json_pack("{s:s,s:s,s:s,s:s,s:s}", "channel",
				   "letter", "applicant_type", type, "title",
				   "园区道路改造工程招标文件", "description",
				   "申请获取招标文件。", "received_date", day));
}

static void reply(const char *day, int64_t id, const char *type)
{
	fx_act(as(day), id, "reply", json_pack("{s:s,s:s}", "reply_type",
					       type, "reply_text", "答复。"));
}

static void ask_correction(const char *day, int64_t id)
{
	fx_act(as(day), id, "request_correction",
	       json_pack("{s:s,s:i}", "correction_note", "请写明文号",
			 "correction_days", 10));
}

static void abandon(const char *day, int64_t id)
{
	fx_act(as(day), id, "abandon", json_pack("{s:s}", "abandon_note",
						 "逾期未补正"));
}

static void withdraw(const char *day, int64_t id)
{
	fx_act(as(day), id, "withdraw", json_pack("{s:s}", "withdraw_reason",
						  "申请人撤回"));
}

static void compute(int year, struct gi_report *r)
{
	assert_int_equal(gi_report_compute(F->db, year, r), 0);
}

static int64_t audit_count(const char *action)
{
	int64_t n = -1;

	assert_int_equal(db_scalar_int(F->db, &n, "SELECT COUNT(*) FROM "
				       "audit_log WHERE action = ?", "s",
				       action), 0);
	return n;
}

/* The table must equal `want` in every cell, the 总计 column and the
 * rows 一, （七） included, and pass the check. */
static void expect_t3(const struct gi_report *r,
		      int64_t want[GI_ROWS][GI_COLS])
{
	struct buf why = BUF_INIT;
	int row, col;

	for (row = 0; row < GI_ROWS; row++)
		for (col = 0; col < GI_COLS; col++) {
			if (r->t3[row][col] != want[row][col])
				print_error("t3[%d][%d] = %lld, want %lld\n",
					    row, col,
					    (long long)r->t3[row][col],
					    (long long)want[row][col]);
			assert_int_equal(r->t3[row][col], want[row][col]);
		}
	assert_int_equal(gi_report_check(r, &why), 0);
	buf_release(&why);
}

/* Add a case to `want`: row `row` (or -1) in column `col`, and the
 * totals. */
static void want_add(int64_t want[GI_ROWS][GI_COLS], int row, int col)
{
	want[row][col]++;
	want[row][GI_TOTAL]++;
	if (row >= GI_R_DISCLOSE && row <= GI_R_OTHER) {
		want[GI_R_DONE][col]++;
		want[GI_R_DONE][GI_TOTAL]++;
	}
}

static void expect_ids(const struct gi_report *r, enum gi_row row,
		       enum gi_col col, const int64_t *want, size_t n)
{
	int64_t *ids;
	size_t got, i;

	assert_int_equal(gi_report_cases(F->db, r, row, col, &ids, &got), 0);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++)
		assert_int_equal(ids[i], want[i]);
	free(ids);
}

/* ---- table 三 ---- */

/* Every reply_type of the disclosure definitions has a row, and the map
 * names no value the definitions lack. */
static void test_map_covers_reply_types(void **state)
{
	size_t v, i, k;

	(void)state;
	for (v = 1; v <= 2; v++) {
		const struct workflow *w = workflow_find("disclosure", (int)v);
		const struct wf_field *f = w ? wf_field(w, "reply_type") : NULL;

		assert_non_null(f);
		assert_int_equal(f->nvalues, gi_default_map_len);
		for (i = 0; i < f->nvalues; i++) {
			for (k = 0; k < gi_default_map_len; k++)
				if (!strcmp(gi_default_map[k].reply_type,
					    f->values[i].id))
					break;
			assert_true(k < gi_default_map_len);
		}
	}
	for (k = 0; k < gi_default_map_len; k++)
		assert_true(gi_default_map[k].row >= GI_R_DISCLOSE &&
			    gi_default_map[k].row <= GI_R_OTHER);
	for (k = 0; k < GI_ROWS; k++)
		assert_int_equal(gi_rows[k].row, k);
	assert_null(gi_rows[GI_R_OTHER].label);
	assert_string_equal(gi_rows[GI_R_WITHHOLD_SAFETY].label,
			    "3.危及“三安全一稳定”");
	assert_string_equal(gi_rows[GI_R_PARTIAL].label, "（二）部分公开（区分"
			    "处理的，只计这一情形，不计其他情形）");
	assert_string_equal(gi_col_labels[GI_PUBLIC_INTEREST], "社会公益组织");
}

/* Each outcome lands in its row and each applicant in its column. */
static void test_rows_and_columns(void **state)
{
	int64_t want[GI_ROWS][GI_COLS] = { { 0 } };
	struct gi_settings s;
	struct fz_err err = { 0 };
	struct gi_report r;
	int64_t nat, biz, res, legal, pub, open, part;
	int col;

	(void)state;
	nat = apply("2022-03-01", "natural");
	reply("2022-03-10", nat, "disclose");
	biz = apply("2022-03-02", "business");
	reply("2022-03-15", biz, "withhold_third_party");
	res = apply("2022-04-06", "research");
	ask_correction("2022-04-07", res);
	abandon("2022-05-10", res);
	legal = apply("2022-05-05", "legal_service");
	withdraw("2022-05-06", legal);
	pub = apply("2022-06-01", "public_interest");
	reply("2022-06-02", pub, "already_public");
	open = apply("2022-12-20", "other_org");
	part = apply("2022-07-01", "natural");
	reply("2022-07-05", part, "partial");

	for (col = 0; col < GI_TOTAL; col++)
		want_add(want, GI_R_NEW, col);
	want_add(want, GI_R_NEW, GI_NATURAL);
	want_add(want, GI_R_DISCLOSE, GI_NATURAL);
	want_add(want, GI_R_PARTIAL, GI_NATURAL);
	want_add(want, GI_R_WITHHOLD_THIRD_PARTY, GI_BUSINESS);
	want_add(want, GI_R_OTHER_NO_CORRECTION, GI_RESEARCH);
	want_add(want, GI_R_OTHER, GI_LEGAL_SERVICE);
	want_add(want, GI_R_DISCLOSE, GI_PUBLIC_INTEREST);
	want_add(want, GI_R_CARRIED_OUT, GI_OTHER_ORG);
	compute(2022, &r);
	expect_t3(&r, want);
	assert_int_equal(r.t3[GI_R_NEW][GI_TOTAL], 7);
	assert_int_equal(r.t3[GI_R_DONE][GI_TOTAL], 6);
	{
		const int64_t d[] = { nat, pub }, o[] = { open };
		const int64_t n[] = { nat, part };

		expect_ids(&r, GI_R_DISCLOSE, GI_TOTAL, d, 2);
		expect_ids(&r, GI_R_CARRIED_OUT, GI_OTHER_ORG, o, 1);
		expect_ids(&r, GI_R_NEW, GI_NATURAL, n, 2);
		expect_ids(&r, GI_R_WITHHOLD_SECRET, GI_TOTAL, NULL, 0);
	}
	gi_report_free(&r);

	/* already_public to （六）3 when the setting says so */
	assert_int_equal(gi_settings_load(F->db, &s), 0);
	s.already_public_row = GI_R_OTHER;
	assert_int_equal(gi_settings_save(F->db, &officer, &s, &err), 0);
	want[GI_R_DISCLOSE][GI_PUBLIC_INTEREST]--;
	want[GI_R_DISCLOSE][GI_TOTAL]--;
	want[GI_R_OTHER][GI_PUBLIC_INTEREST]++;
	want[GI_R_OTHER][GI_TOTAL]++;
	compute(2022, &r);
	expect_t3(&r, want);
	{
		const int64_t o[] = { legal, pub };

		expect_ids(&r, GI_R_OTHER, GI_TOTAL, o, 2);
	}
	gi_report_free(&r);
	/* nothing of 2022 in 2023's 一 or 三, only carried */
	compute(2023, &r);
	assert_int_equal(r.t3[GI_R_NEW][GI_TOTAL], 0);
	assert_int_equal(r.t3[GI_R_CARRIED_IN][GI_OTHER_ORG], 1);
	assert_int_equal(r.t3[GI_R_CARRIED_IN][GI_TOTAL], 1);
	assert_int_equal(r.t3[GI_R_CARRIED_OUT][GI_TOTAL], 1);
	gi_report_free(&r);
}

/* Received 2021-12-20 and replied 2022-01-10: 四 in 2021, 二 and （一）
 * in 2022.  A corrected application received again in January still
 * counts as received in December. */
static void test_year_boundary(void **state)
{
	struct gi_report r;
	int64_t a, b, old, later;

	(void)state;
	old = apply("2020-06-01", "natural");
	reply("2020-06-10", old, "disclose");
	a = apply("2021-12-20", "natural");
	reply("2022-01-10", a, "disclose");
	b = apply("2021-12-28", "business");
	ask_correction("2021-12-29", b);
	fx_act(as("2022-01-05"), b, "receive_correction",
	       json_pack("{s:s}", "received_date", "2022-01-05"));
	later = apply("2023-01-04", "natural");
	(void)later;

	compute(2021, &r);
	assert_int_equal(r.t3[GI_R_NEW][GI_NATURAL], 1);
	assert_int_equal(r.t3[GI_R_NEW][GI_BUSINESS], 1);
	assert_int_equal(r.t3[GI_R_NEW][GI_TOTAL], 2);
	assert_int_equal(r.t3[GI_R_CARRIED_IN][GI_TOTAL], 0);
	assert_int_equal(r.t3[GI_R_DONE][GI_TOTAL], 0);
	assert_int_equal(r.t3[GI_R_CARRIED_OUT][GI_NATURAL], 1);
	assert_int_equal(r.t3[GI_R_CARRIED_OUT][GI_TOTAL], 2);
	gi_report_free(&r);

	compute(2022, &r);
	assert_int_equal(r.t3[GI_R_NEW][GI_TOTAL], 0);
	assert_int_equal(r.t3[GI_R_CARRIED_IN][GI_NATURAL], 1);
	assert_int_equal(r.t3[GI_R_CARRIED_IN][GI_BUSINESS], 1);
	assert_int_equal(r.t3[GI_R_DISCLOSE][GI_NATURAL], 1);
	assert_int_equal(r.t3[GI_R_DONE][GI_TOTAL], 1);
	assert_int_equal(r.t3[GI_R_CARRIED_OUT][GI_BUSINESS], 1);
	assert_int_equal(r.t3[GI_R_CARRIED_OUT][GI_TOTAL], 1);
	{
		struct buf why = BUF_INIT;

		assert_int_equal(gi_report_check(&r, &why), 0);
		buf_release(&why);
	}
	{
		const int64_t in[] = { a, b };

		expect_ids(&r, GI_R_CARRIED_IN, GI_TOTAL, in, 2);
	}
	gi_report_free(&r);

	compute(2020, &r);
	assert_int_equal(r.t3[GI_R_NEW][GI_TOTAL], 1);
	assert_int_equal(r.t3[GI_R_DONE][GI_TOTAL], 1);
	assert_int_equal(r.t3[GI_R_CARRIED_OUT][GI_TOTAL], 0);
	gi_report_free(&r);
	assert_int_equal(gi_report_compute(F->db, 1999, &r), DB_EMISUSE);
}

/* A table whose identities do not hold is caught, and the first broken
 * one named. */
static void test_check_detects_broken_table(void **state)
{
	struct gi_report r;
	struct buf why = BUF_INIT;
	int64_t id = apply("2022-03-01", "natural");

	(void)state;
	reply("2022-03-10", id, "disclose");
	compute(2022, &r);
	assert_int_equal(gi_report_check(&r, &why), 0);

	r.t3[GI_R_DISCLOSE][GI_NATURAL]++;      /* 一+二 no longer （七）+四 */
	r.t3[GI_R_DONE][GI_NATURAL]++;
	assert_int_equal(gi_report_check(&r, &why), -1);
	assert_string_equal(buf_cstr(&why), "自然人：一+二=1，（七）+四=2");

	buf_reset(&why);
	r.t3[GI_R_DISCLOSE][GI_NATURAL]--;      /* （七） not the sum */
	r.t3[GI_R_CARRIED_OUT][GI_NATURAL]--;
	assert_int_equal(gi_report_check(&r, &why), -1);
	assert_string_equal(buf_cstr(&why), "自然人：（七）总计=2，（一）至"
			    "（六）之和=1");

	buf_reset(&why);
	r.t3[GI_R_DONE][GI_NATURAL]--;          /* 总计 not the sum */
	r.t3[GI_R_CARRIED_OUT][GI_NATURAL]++;
	r.t3[GI_R_WITHHOLD_SECRET][GI_BUSINESS] = 1;
	r.t3[GI_R_NEW][GI_BUSINESS] = 1;
	r.t3[GI_R_DONE][GI_BUSINESS] = 1;
	assert_int_equal(gi_report_check(&r, &why), -1);
	assert_non_null(strstr(buf_cstr(&why), "总计=1，各类申请人之和=2"));
	buf_release(&why);
	gi_report_free(&r);
}

/* ---- settings and inputs ---- */

static void expect_settings(const struct gi_settings *a,
			    const struct gi_settings *b)
{
	int i;

	assert_string_equal(a->heading5, b->heading5);
	assert_int_equal(a->already_public_row, b->already_public_row);
	for (i = 0; i < 3; i++)
		assert_string_equal(a->other_label[i], b->other_label[i]);
	assert_int_equal(a->fee_sentence, b->fee_sentence);
}

static void settings_refused(const struct gi_settings *bad,
			     const struct gi_settings *kept, const char *msg)
{
	struct gi_settings now;
	struct fz_err err = { 0 };
	int64_t audits = audit_count("ogi.report_settings");

	assert_int_equal(gi_settings_save(F->db, &officer, bad, &err), FZ_ERR);
	assert_string_equal(err.code, "field_invalid");
	assert_non_null(strstr(err.msg, msg));
	assert_int_equal(gi_settings_load(F->db, &now), 0);
	expect_settings(&now, kept);
	assert_int_equal(audit_count("ogi.report_settings"), audits);
}

static void test_settings_round_trip(void **state)
{
	struct gi_settings s, got, bad;
	struct fz_err err = { 0 };
	struct buf big = BUF_INIT;
	int i;

	(void)state;
	assert_int_equal(gi_settings_load(F->db, &got), 0);
	assert_string_equal(got.heading5, "五、存在的主要问题及改进情况");
	assert_int_equal(got.already_public_row, GI_R_DISCLOSE);
	assert_string_equal(got.other_label[2], "3.其他");
	assert_non_null(strstr(got.other_label[0], "逾期不补正"));
	assert_true(got.fee_sentence);

	gi_settings_default(&s);
	snprintf(s.heading5, sizeof(s.heading5), "%s",
		 "五、政府信息公开工作存在的主要问题及改进情况");
	s.already_public_row = GI_R_OTHER;
	snprintf(s.other_label[2], sizeof(s.other_label[2]), "3.其他处理");
	s.fee_sentence = false;
	assert_int_equal(gi_settings_save(F->db, &officer, &s, &err), 0);
	assert_int_equal(gi_settings_load(F->db, &got), 0);
	expect_settings(&got, &s);
	assert_int_equal(audit_count("ogi.report_settings"), 1);

	bad = s;
	snprintf(bad.heading5, sizeof(bad.heading5), "六、存在的问题");
	settings_refused(&bad, &s, "五、");
	bad = s;
	bad.other_label[1][0] = '\0';
	settings_refused(&bad, &s, "第 2 项");
	bad = s;
	for (i = 0; i <= GI_LABEL_MAX; i++)
		buf_puts(&big, "a");
	snprintf(bad.other_label[0], sizeof(bad.other_label[0]), "%s",
		 buf_cstr(&big));
	settings_refused(&bad, &s, "第 1 项");
	bad = s;
	bad.already_public_row = GI_R_PARTIAL;
	settings_refused(&bad, &s, "已主动公开");
	buf_release(&big);
}

static void fill_inputs(struct gi_inputs *in, int year)
{
	int i;

	memset(in, 0, sizeof(*in));
	in->year = year;
	for (i = 0; i < 3; i++) {
		in->rules[i] = i + 1;
		in->norms[i] = 10 + i;
	}
	in->penalties = 7;
	in->coercion = 2;
	in->fees_cents = 1234500;
	for (i = 0; i < GI_T4_COLS; i++)
		in->t4[i] = i % 5 == 4 ? 4 * (i / 5 + 1) : i / 5 + 1;
	in->info_fee_cents = 1250;
	in->text[GI_TX_PROACTIVE] = xstrdup("全年主动公开各类信息。");
	in->text[GI_TX_PROBLEMS] = xstrdup("公开内容还不够全面。\n下一步……");
}

static void expect_inputs(const struct gi_inputs *a,
			  const struct gi_inputs *b)
{
	int i;

	assert_int_equal(a->year, b->year);
	assert_memory_equal(a->rules, b->rules, sizeof(a->rules));
	assert_memory_equal(a->norms, b->norms, sizeof(a->norms));
	assert_int_equal(a->penalties, b->penalties);
	assert_int_equal(a->coercion, b->coercion);
	assert_int_equal(a->fees_cents, b->fees_cents);
	assert_memory_equal(a->t4, b->t4, sizeof(a->t4));
	assert_int_equal(a->info_fee_cents, b->info_fee_cents);
	for (i = 0; i < GI_TEXTS; i++)
		assert_string_equal(a->text[i] ? a->text[i] : "",
				    b->text[i] ? b->text[i] : "");
}

static void inputs_refused(const struct gi_inputs *bad,
			   const struct gi_inputs *kept, const char *msg)
{
	struct gi_inputs now;
	struct fz_err err = { 0 };
	int64_t audits = audit_count("ogi.report_inputs");

	assert_int_equal(gi_inputs_save(F->db, &officer, bad, &err), FZ_ERR);
	assert_string_equal(err.code, "field_invalid");
	if (!strstr(err.msg, msg))
		print_error("message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, msg));
	assert_int_equal(gi_inputs_load(F->db, kept->year, &now), 0);
	expect_inputs(&now, kept);
	gi_inputs_free(&now);
	assert_int_equal(audit_count("ogi.report_inputs"), audits);
}

static void test_inputs_round_trip(void **state)
{
	struct gi_inputs in, got, bad;
	struct fz_err err = { 0 };
	struct buf big = BUF_INIT;
	char *keep;
	int i;

	(void)state;
	assert_int_equal(gi_inputs_load(F->db, 2022, &got), 0);
	assert_int_equal(got.year, 2022);
	assert_int_equal(got.t4[14], 0);
	assert_null(got.text[GI_TX_PROBLEMS]);
	gi_inputs_free(&got);

	fill_inputs(&in, 2022);
	assert_int_equal(gi_inputs_save(F->db, &officer, &in, &err), 0);
	assert_int_equal(gi_inputs_load(F->db, 2022, &got), 0);
	expect_inputs(&got, &in);
	gi_inputs_free(&got);
	assert_int_equal(audit_count("ogi.report_inputs"), 1);
	/* another year is separate */
	assert_int_equal(gi_inputs_load(F->db, 2021, &got), 0);
	assert_int_equal(got.penalties, 0);
	gi_inputs_free(&got);

	bad = in;
	bad.t4[4] = 4;
	bad.t4[0] = 0;
	inputs_refused(&bad, &in, "表四“行政复议”总计应为前四项之和（3），"
		       "填写的是4");
	bad = in;
	bad.t4[14] = 99;
	inputs_refused(&bad, &in, "表四“行政诉讼·复议后起诉”总计");
	bad = in;
	bad.norms[2] = -1;
	inputs_refused(&bad, &in, "表二“行政规范性文件”现行有效件数");
	bad = in;
	bad.penalties = 1000000001;
	inputs_refused(&bad, &in, "表二“行政处罚”");
	bad = in;
	bad.year = 1999;
	{
		struct fz_err e2 = { 0 };

		assert_int_equal(gi_inputs_save(F->db, &officer, &bad, &e2),
				 FZ_ERR);
		assert_string_equal(e2.code, "field_invalid");
	}
	for (i = 0; i < GI_TEXT_MAX; i++)
		buf_puts(&big, "字");
	keep = in.text[GI_TX_OTHER];
	bad = in;
	bad.text[GI_TX_OTHER] = (char *)buf_cstr(&big);
	bad.text[GI_TX_PROBLEMS] = NULL;
	/* exactly the limit is accepted: saved, then put back */
	assert_int_equal(gi_inputs_save(F->db, &officer, &bad, &err), 0);
	assert_int_equal(gi_inputs_save(F->db, &officer, &in, &err), 0);
	buf_puts(&big, "字");
	bad.text[GI_TX_OTHER] = (char *)buf_cstr(&big);
	inputs_refused(&bad, &in, "不得超过 5000 个字");
	bad.text[GI_TX_OTHER] = "\xe5\xad";
	inputs_refused(&bad, &in, "六、其他需要报告的事项");
	in.text[GI_TX_OTHER] = keep;
	buf_release(&big);
	gi_inputs_free(&in);
}

/* ---- section 一's figures and the text ---- */

/* A publication item published at `when` (YYYY-MM-DD) on `channel`
 * (NULL: the portal only), its review passed that day. */
static int64_t published(int seq, const char *when, const char *channel,
			 bool withdrawn, int round)
{
	int64_t t, c, p;
	char day[32], num[32], idx[48];

	snprintf(day, sizeof(day), "%sT09:00", when);
	t = fx_at(day);
	snprintf(num, sizeof(num), "P-%d", seq);
	snprintf(idx, sizeof(idx), "X/%d", seq);
	c = fx_returned_id(db_query(F->db, "INSERT INTO cases (proc, "
				    "version, year, seq, number, state, "
				    "fields, created_at, updated_at) VALUES "
				    "('publication', 1, 2022, ?, ?, "
				    "'published', '{}', ?, ?) RETURNING id",
				    "isii", (int64_t)seq, num, t, t));
	assert_int_equal(db_exec(F->db, "INSERT INTO case_events (case_id, "
				 "seq, action, from_state, to_state, actor, "
				 "ts, fields) VALUES (?, 1, 'pass_review', "
				 "'in_review', 'reviewed', 'x', ?, '{}')",
				 "ii", c, t - 3600), 1);
	p = fx_returned_id(db_query(F->db, "INSERT INTO publications "
				    "(case_id, index_no, title, publisher, "
				    "formed_on, published_at, withdrawn_at, "
				    "review_round, created_at, updated_at) "
				    "VALUES (?, ?, '通知', '园区', ?, ?, ?, ?, "
				    "?, ?) RETURNING id", "issiiiii", c, idx,
				    when, t, withdrawn ? t + 60 : 0,
				    (int64_t)round, t, t));
	if (channel)
		assert_int_equal(db_exec(F->db, "INSERT INTO "
					 "publication_channels VALUES (?, ?)",
					 "is", p, channel), 1);
	return p;
}

static void finding(int64_t pub, int round, const char *resolution)
{
	assert_int_equal(db_exec(F->db, "INSERT INTO scan_findings "
				 "(publication_id, round, source, kind, "
				 "start_at, length, masked, resolution, "
				 "created_at) VALUES (?, ?, 'body', 'mobile', "
				 "0, 11, '138****5678', ?, 0)", "iis", pub,
				 (int64_t)round, resolution), 1);
}

static void permit(int seq, const char *decided, int fulltext)
{
	char no[32];

	snprintf(no, sizeof(no), "新高许〔2022〕%d号", seq);
	assert_int_equal(db_exec(F->db, "INSERT INTO permits (item, "
				 "decision_no, holder, holder_code, "
				 "decided_on, authority, fulltext, created_at) "
				 "VALUES ('建设工程规划许可', ?, '某公司', '', "
				 "?, '园区', ?, 0)", "ssi", no, decided,
				 (int64_t)fulltext), 1);
}

static void test_overview(void **state)
{
	struct gi_report r;
	int64_t a, b;

	(void)state;
	a = published(1, "2022-03-01", "county_site", false, 1);
	b = published(2, "2022-05-01", "wechat", false, 2);
	published(3, "2022-06-01", "county_site", false, 1);
	published(4, "2021-06-01", "county_site", false, 1);
	published(5, "2022-07-01", "county_site", true, 1);
	finding(a, 1, "redacted");
	finding(a, 1, "justified");
	finding(b, 2, "redacted");
	finding(b, 1, "");              /* an earlier round's */
	permit(1, "2022-02-01", 1);
	permit(2, "2022-03-01", 0);
	permit(3, "2021-03-01", 1);

	compute(2022, &r);
	assert_int_equal(r.ov.published, 3);
	assert_int_equal(r.ov.county_site, 2);
	assert_int_equal(r.ov.county_site_prev, 1);
	assert_int_equal(r.ov.wechat, 1);
	assert_int_equal(r.ov.permits, 2);
	assert_int_equal(r.ov.permits_full, 1);
	assert_int_equal(r.permits, 2);
	assert_int_equal(r.ov.reviews, 4);
	assert_int_equal(r.ov.findings, 3);
	assert_int_equal(r.ov.redacted, 2);
	assert_int_equal(r.ov.justified, 1);
	assert_string_equal(r.org, "新昌高新园区管理委员会");
	assert_true(r.generated_at > 0);
	gi_report_free(&r);
}

static void expect_line(const char *text, const char *line)
{
	struct buf want = BUF_INIT;

	buf_printf(&want, "\n%s\n", line);
	if (!strstr(text, buf_cstr(&want)))
		print_error("no line \"%s\" in:\n%s\n", line, text);
	assert_non_null(strstr(text, buf_cstr(&want)));
	buf_release(&want);
}

static void test_text(void **state)
{
	struct gi_settings s;
	struct gi_inputs in;
	struct gi_report r;
	struct fz_err err = { 0 };
	struct buf out = BUF_INIT;
	int64_t nat, biz;

	(void)state;
	nat = apply("2022-03-01", "natural");
	reply("2022-03-10", nat, "disclose");
	biz = apply("2022-03-02", "business");
	reply("2022-03-15", biz, "withhold_third_party");
	fill_inputs(&in, 2022);
	assert_int_equal(gi_inputs_save(F->db, &officer, &in, &err), 0);
	gi_inputs_free(&in);

	compute(2022, &r);
	gi_report_text(&r, &out);
	assert_true(str_starts(buf_cstr(&out), "新昌高新园区管理委员会2022年政"
			       "府信息公开工作年度报告\n"));
	expect_line(buf_cstr(&out), "一、总体情况");
	expect_line(buf_cstr(&out), "二、主动公开政府信息情况");
	expect_line(buf_cstr(&out), "三、收到和处理政府信息公开申请情况");
	expect_line(buf_cstr(&out), "四、政府信息公开行政复议、行政诉讼情况");
	expect_line(buf_cstr(&out), "五、存在的主要问题及改进情况");
	expect_line(buf_cstr(&out), "六、其他需要报告的事项");
	expect_line(buf_cstr(&out), "（一）主动公开");
	expect_line(buf_cstr(&out), "全年主动公开各类信息。");
	expect_line(buf_cstr(&out), "\t\t\t自然人\t商业企业\t科研机构\t社会公"
		    "益组织\t法律服务机构\t其他\t总计");
	expect_line(buf_cstr(&out), "一、本年新收政府信息公开申请数量\t\t\t1\t"
		    "1\t0\t0\t0\t0\t2");
	expect_line(buf_cstr(&out), "二、上年结转政府信息公开申请数量\t\t\t0\t"
		    "0\t0\t0\t0\t0\t0");
	expect_line(buf_cstr(&out), "三、本年度办理结果\t（一）予以公开\t\t1\t"
		    "0\t0\t0\t0\t0\t1");
	expect_line(buf_cstr(&out), "三、本年度办理结果\t（三）不予公开\t4.保护"
		    "第三方合法权益\t0\t1\t0\t0\t0\t0\t1");
	expect_line(buf_cstr(&out), "三、本年度办理结果\t（六）其他处理\t3.其他"
		    "\t0\t0\t0\t0\t0\t0\t0");
	expect_line(buf_cstr(&out), "三、本年度办理结果\t（七）总计\t\t1\t1\t0"
		    "\t0\t0\t0\t2");
	expect_line(buf_cstr(&out), "四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0"
		    "\t0\t0");
	expect_line(buf_cstr(&out), "规章\t1\t2\t3");
	expect_line(buf_cstr(&out), "行政处罚\t7");
	expect_line(buf_cstr(&out), "行政许可\t0");
	expect_line(buf_cstr(&out), "行政事业性收费\t1.2345");
	expect_line(buf_cstr(&out), "1\t1\t1\t1\t4\t2\t2\t2\t2\t8\t3\t3\t3\t3"
		    "\t12");
	expect_line(buf_cstr(&out), "2022年，本机关收取信息处理费12.5元。");
	assert_non_null(strstr(buf_cstr(&out), "本年新收政府信息公开申请2件"));
	gi_report_free(&r);

	/* the settings: heading 五, the （六） labels, no fee sentence */
	gi_settings_default(&s);
	snprintf(s.heading5, sizeof(s.heading5), "五、存在问题及改进情况");
	snprintf(s.other_label[2], sizeof(s.other_label[2]), "3.其他情形");
	s.fee_sentence = false;
	assert_int_equal(gi_settings_save(F->db, &officer, &s, &err), 0);
	compute(2022, &r);
	buf_reset(&out);
	gi_report_text(&r, &out);
	expect_line(buf_cstr(&out), "五、存在问题及改进情况");
	expect_line(buf_cstr(&out), "三、本年度办理结果\t（六）其他处理\t3.其他"
		    "情形\t0\t0\t0\t0\t0\t0\t0");
	assert_null(strstr(buf_cstr(&out), "信息处理费"));
	gi_report_free(&r);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_covers_reply_types,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_and_columns, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_year_boundary, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_check_detects_broken_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_round_trip,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_inputs_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overview, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
	};
	static char dir[] = "/tmp/fz_ogirep_XXXXXX";

	fx_scratch = dir;
	return FX_RUN_TWICE("annual report", tests, fx_world_setup,
			    fx_world_teardown, &pg_url) ? 1 : 0;
}
