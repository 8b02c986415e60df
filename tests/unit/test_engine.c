/* test_engine.c: the case engine on the shipped definitions and calendar
 *
 * Each test gets a fresh SQLite database with three departments (the
 * petition office, which also runs the hotline, and two departments) and
 * one account per role.  Actions carry their own time (ctx.now), so a
 * case moves through 2022 without the system clock.  Expected due dates
 * were counted by hand on the 2022 State Council notice (see the
 * comments) and agree with test_calendar's vectors.
 *
 * With $FAZHI_TEST_PG_URL set the tests run a second time on that
 * PostgreSQL database, whose public schema each test drops and recreates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "calendar/official.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "store/store.h"

#include "fixtures.h"

#define R(x) (1u << (x))

static char tmpdir[] = "/tmp/fz_engine_XXXXXX";
static struct calendar *cal;
static int dbseq;
static const char *pg_url;      /* the PostgreSQL pass, else NULL */

enum { PO, CLERK_A, HEAD_A, CLERK_B, LEADER, LEGAL, OGI, NPEOPLE };

static const struct fx_person people[NPEOPLE] = {
	[PO] = { "xinfang", R(ROLE_PETITION_OFFICER) | R(ROLE_CLERK), OFFICE },
	[CLERK_A] = { "clerk.a", R(ROLE_CLERK), DEPT_A },
	[HEAD_A] = { "head.a", R(ROLE_DEPT_HEAD), DEPT_A },
	[CLERK_B] = { "clerk.b", R(ROLE_CLERK), DEPT_B },
	[LEADER] = { "leader", R(ROLE_LEADER), -1 },
	[LEGAL] = { "lawyer", R(ROLE_LEGAL_ADVISER), -1 },
	[OGI] = { "gongkai", R(ROLE_OGI_OFFICER), OFFICE },
};

struct fix {
	struct db *db;
	int64_t dept[NDEPTS];
	int64_t user[NPEOPLE];
};

static struct fix *F;

/* ---- set-up ---- */

static int setup(void **state)
{
	struct fix *fx = xcalloc(1, sizeof(*fx));
	struct fz_err ferr = { 0 };

	fx->db = fx_db_open(pg_url, tmpdir, "e", ++dbseq);
	if (!fx->db)
		return -1;
	fx_staff(fx->db, people, NPEOPLE, fx->dept, fx->user);
	if (workflows_load(workflows_default_dir(), &ferr)) {
		print_error("workflows: %s\n", ferr.msg);
		return -1;
	}
	F = fx;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fix *fx = *state;

	db_close(fx->db);
	free(fx);
	F = NULL;
	return 0;
}

static int group_setup(void **state)
{
	struct fz_err err = { 0 };

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fz_engine_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	cal = calendar_open(NULL, &err);
	if (!cal)
		print_error("calendar: %s\n", err.msg);
	return cal ? 0 : -1;
}

static int group_teardown(void **state)
{
	int rc = fx_remove_tree(tmpdir);

	calendar_free(cal);
	workflows_unload();
	return rc;
}

/* ---- shorthands ---- */

static cal_day D(const char *s)
{
	return fx_day(s);
}

/* The context of person `p` acting at 10:00 on `day`. */
static struct engine_ctx as(int p, const char *day)
{
	return fx_as(F->db, cal, &people[p], F->user[p], F->dept, day);
}

static int64_t scalar(const char *sql)
{
	int64_t v = -1;

	assert_int_equal(db_scalar_int(F->db, &v, sql, ""), 0);
	return v;
}

static int64_t history_len(int64_t id)
{
	struct case_event *ev;
	size_t n;

	assert_int_equal(case_history(F->db, id, &ev, &n), 0);
	case_events_free(ev, n);
	return (int64_t)n;
}

static char *state_of(int64_t id)
{
	struct case_info c;
	struct fz_err err;
	char *s;

	assert_int_equal(case_get(F->db, id, &c, &err), 0);
	s = xstrdup(c.state);
	case_info_release(&c);
	return s;
}

static void expect_state(int64_t id, const char *want)
{
	char *s = state_of(id);

	assert_string_equal(s, want);
	free(s);
}

/* Open a case; `fields` is consumed. */
static int64_t create(int p, const char *day, const char *proc,
		      json_t *fields)
{
	return fx_create(as(p, day), proc, fields);
}

static void act(int p, const char *day, int64_t id, const char *action,
		json_t *fields)
{
	fx_act(as(p, day), id, action, fields);
}

/* The action is refused with `code` and a message holding `msg`, and
 * nothing changes: state, history, clocks, audit trail. */
static void refused(int p, const char *day, int64_t id, const char *action,
		    json_t *fields, const char *code, const char *msg)
{
	struct engine_ctx c = as(p, day);
	struct fz_err err = { 0 };
	char *before = state_of(id);
	int64_t events = history_len(id);
	int64_t audit = scalar("SELECT COUNT(*) FROM audit_log");
	int64_t clocks = scalar("SELECT COALESCE(SUM(due_day + extensions + "
				"paused_days + COALESCE(stopped_day, 0)), 0) "
				"FROM case_clocks");
	int rc = case_act(&c, id, action, fields, &err);

	if (rc == 0 || strcmp(err.code, code) || !strstr(err.msg, msg))
		print_error("%s: rc %d, %s \"%s\"; want %s \"%s\"\n", action,
			    rc, err.code, err.msg, code, msg);
	assert_int_not_equal(rc, 0);
	assert_string_equal(err.code, code);
	assert_non_null(strstr(err.msg, msg));
	expect_state(id, before);
	assert_int_equal(history_len(id), events);
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log"), audit);
	assert_int_equal(scalar("SELECT COALESCE(SUM(due_day + extensions + "
				"paused_days + COALESCE(stopped_day, 0)), 0) "
				"FROM case_clocks"), clocks);
	free(before);
	json_decref(fields);
}

static struct case_clock get_clock(int64_t id, const char *clock_id)
{
	struct case_clock *v, k;
	size_t n, i;

	assert_int_equal(case_clocks(F->db, id, &v, &n), 0);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].clock_id, clock_id) == 0)
			break;
	if (i == n)
		print_error("case %lld has no clock %s\n", (long long)id,
			    clock_id);
	assert_true(i < n);
	k = v[i];
	free(v);
	return k;
}

static void expect_due(int64_t id, const char *clock_id, const char *want)
{
	struct case_clock k = get_clock(id, clock_id);
	char got[11];

	cal_format(k.due, got);
	if (strcmp(got, want))
		print_error("%s due %s, want %s\n", clock_id, got, want);
	assert_string_equal(got, want);
}

static char *explain(int64_t id, const char *clock_id)
{
	struct buf b = BUF_INIT;

	assert_int_equal(case_clock_explain(F->db, cal, id, clock_id, &b), 0);
	return buf_detach(&b, NULL);
}

static void expect_in(const char *text, const char *want)
{
	if (!strstr(text, want))
		print_error("\"%s\" not in:\n%s\n", want, text);
	assert_non_null(strstr(text, want));
}

static json_t *petition_fields(const char *received)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "channel", "letter", "title",
			 "道路积水", "content", "雨后积水严重，请求疏通。",
			 "received_date", received);
}

static json_t *dept_field(const char *name, int dept)
{
	return json_pack("{s:I}", name, (json_int_t)F->dept[dept]);
}

static char *number_of(int64_t id)
{
	struct case_info c;
	struct fz_err err;
	char *s;

	assert_int_equal(case_get(F->db, id, &c, &err), 0);
	s = xstrdup(c.number);
	case_info_release(&c);
	return s;
}

static void expect_number(int64_t id, const char *want)
{
	char *s = number_of(id);

	assert_string_equal(s, want);
	free(s);
}

/* Register and accept a petition; returns its id. */
static int64_t accepted_petition(const char *day)
{
	int64_t id = create(PO, day, "petition", petition_fields(day));

	act(PO, day, id, "accept", json_pack("{s:s,s:I}", "category",
					     "claim", "handling_dept",
					     (json_int_t)F->dept[DEPT_A]));
	return id;
}

/* ... and assign it to department A. */
static int64_t assigned_petition(const char *day)
{
	int64_t id = accepted_petition(day);

	act(PO, day, id, "assign", json_pack("{s:I,s:I}", "handling_dept",
					     (json_int_t)F->dept[DEPT_A],
					     "assignee",
					     (json_int_t)F->user[CLERK_A]));
	return id;
}

static json_t *text(const char *name, const char *value)
{
	return json_pack("{s:s}", name, value);
}

/* ---- a petition from registration to close ---- */

static void test_full_petition(void **state)
{
	struct case_event *ev;
	struct action_list al;
	struct engine_ctx c;
	struct case_info ci;
	struct fz_err err;
	char *why;
	size_t n, i;
	int64_t id, legal = 0;
	bool saw_accept = false, saw_register = false;

	id = create(PO, "2022-08-01", "petition",
		    petition_fields("2022-08-01"));
	expect_number(id, "新高信〔2022〕0001号");
	expect_state(id, "registered");
	/* 15 days from receipt: 2022-08-16, a Tuesday. */
	expect_due(id, "notice", "2022-08-16");

	c = as(PO, "2022-08-02");
	assert_int_equal(case_available_actions(&c, id, &al, &err), 0);
	for (i = 0; i < al.n; i++) {
		saw_accept |= strcmp(al.v[i]->id, "accept") == 0;
		saw_register |= strcmp(al.v[i]->id, "register") == 0;
	}
	assert_true(saw_accept);
	assert_false(saw_register);
	action_list_release(&al);
	c = as(CLERK_A, "2022-08-02");
	assert_int_equal(case_available_actions(&c, id, &al, &err), 0);
	assert_int_equal(al.n, 0);
	action_list_release(&al);

	act(PO, "2022-08-05", id, "accept",
	    json_pack("{s:s,s:I}", "category", "claim", "handling_dept",
		      (json_int_t)F->dept[DEPT_A]));
	assert_true(get_clock(id, "notice").stopped);
	assert_false(get_clock(id, "notice").cancelled);
	/* 60 days from 08-05 is 10-04, inside the National Day holiday:
	 * the limit ends on 10-08, the first working day after it. */
	expect_due(id, "handling", "2022-10-08");
	act(PO, "2022-08-05", id, "assign",
	    json_pack("{s:I,s:I,s:s}", "handling_dept",
		      (json_int_t)F->dept[DEPT_A], "assignee",
		      (json_int_t)F->user[CLERK_A], "assign_note", "请核实"));
	expect_state(id, "assigned");
	assert_int_equal(case_get(F->db, id, &ci, &err), 0);
	assert_int_equal(ci.dept_id, F->dept[DEPT_A]);
	assert_int_equal(ci.origin_dept_id, F->dept[OFFICE]);
	assert_int_equal(ci.assignee_id, F->user[CLERK_A]);
	assert_string_equal(ci.title, "道路积水");
	assert_string_equal(ci.channel, "letter");
	assert_string_equal(ci.category, "claim");
	assert_int_equal(ci.version, workflow_find("petition", 0)->version);
	assert_string_equal(json_string_value(json_object_get(ci.fields,
							      "assign_note")),
			    "请核实");
	case_info_release(&ci);

	act(CLERK_A, "2022-08-10", id, "draft_reply",
	    json_pack("{s:s,s:s}", "reply_text", "已安排疏通。", "outcome",
		      "support"));
	act(CLERK_A, "2022-08-11", id, "request_legal_review",
	    text("review_question", "答复是否合法？"));
	expect_state(id, "legal_review");
	act(LEGAL, "2022-08-15", id, "legal_opinion",
	    text("legal_opinion", "答复内容合法。"));
	expect_state(id, "drafted");
	act(HEAD_A, "2022-08-20", id, "approve_reply", NULL);
	expect_state(id, "replied");
	assert_true(get_clock(id, "handling").stopped);
	act(PO, "2022-08-22", id, "close", text("close_note", "已答复"));
	expect_state(id, "closed");
	/* The petitioner's 30 days to ask for a review run from here. */
	expect_due(id, "review_window", "2022-09-21");

	assert_int_equal(case_history(F->db, id, &ev, &n), 0);
	assert_int_equal(n, 8);
	assert_string_equal(ev[0].action, "register");
	assert_string_equal(ev[0].label, "登记");
	assert_string_equal(ev[0].from_state, "");
	assert_string_equal(ev[0].to_state, "registered");
	assert_string_equal(ev[0].actor, "xinfang");
	assert_string_equal(ev[5].action, "legal_opinion");
	assert_true(ev[5].legal_review);
	assert_string_equal(ev[5].from_state, "legal_review");
	assert_string_equal(ev[5].to_state, "drafted");
	assert_int_equal(ev[5].actor_id, F->user[LEGAL]);
	assert_string_equal(json_string_value(json_object_get(
		ev[5].fields, "legal_opinion")), "答复内容合法。");
	assert_string_equal(ev[7].to_state, "closed");
	for (i = 0; i < n; i++)
		assert_int_equal(ev[i].seq, (int)i + 1);
	case_events_free(ev, n);
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log WHERE "
				"action LIKE 'case.%' AND object = 'case:1'"),
			 8);
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log WHERE "
				"action = 'case.legal_opinion' AND details "
				"LIKE '%fields_sm3%'"), 1);
	assert_int_equal(engine_legal_reviews(F->db, 2022, &legal), 0);
	assert_int_equal(legal, 1);

	why = explain(id, "handling");
	expect_in(why, "办理期限");
	expect_in(why, "第三十四条");
	expect_in(why, "法定期限：60 个自然日");
	expect_in(why, "起算日：2022-08-05");
	expect_in(why, "跳过 2022-10-04（国庆节）");
	expect_in(why, "跳过 2022-10-07（国庆节）");
	expect_in(why, "民法典第二百零三条");
	expect_in(why, "截止日：2022-10-08");
	expect_in(why, "已于 2022-08-20 停止计时（签发），在期限内");
	free(why);
}

/* ---- refusals: each names what is missing and changes nothing ---- */

static void test_refusals(void **state)
{
	int64_t id = create(PO, "2022-08-01", "petition",
			    petition_fields("2022-08-01"));
	int64_t other;

	refused(PO, "2022-08-02", id, "approve_reply", NULL, "wrong_state",
		"该事项当前状态为“已登记”，不能执行“签发”");
	refused(PO, "2022-08-02", id, "register",
		petition_fields("2022-08-01"), "wrong_state",
		"不能执行“登记”");
	refused(CLERK_A, "2022-08-02", id, "accept",
		json_pack("{s:s,s:I}", "category", "claim", "handling_dept",
			  (json_int_t)F->dept[DEPT_A]),
		"role_denied", "“受理”须由信访专员办理");
	refused(PO, "2022-08-02", id, "accept", text("category", "claim"),
		"field_required", "执行“受理”须填写“承办部门”");
	refused(PO, "2022-08-02", id, "accept",
		json_pack("{s:s,s:s}", "category", "claim", "handling_dept",
			  ""), "field_required", "“承办部门”");
	refused(PO, "2022-08-02", id, "accept",
		json_pack("{s:s,s:I}", "category", "other", "handling_dept",
			  (json_int_t)F->dept[DEPT_A]),
		"field_invalid", "“信访事项类别”的选项无效");
	refused(PO, "2022-08-02", id, "accept",
		json_pack("{s:s,s:I}", "category", "claim", "handling_dept",
			  (json_int_t)999), "field_invalid",
		"“承办部门”所选的部门不存在");
	refused(PO, "2022-08-02", id, "accept",
		json_pack("{s:s,s:I,s:s}", "category", "claim",
			  "handling_dept", (json_int_t)F->dept[DEPT_A],
			  "reply_text", "x"), "unknown_field",
		"“受理”不需要填写“答复意见”");
	refused(PO, "2022-08-02", id, "fly", NULL, "unknown_action",
		"没有“fly”这一操作");
	refused(LEADER, "2022-08-02", id, "extend",
		text("extension_reason", "复杂"), "wrong_state",
		"不能执行“延期”");

	act(PO, "2022-08-02", id, "decline",
	    text("decline_reason", "不属于本机关职权范围"));
	expect_state(id, "declined");
	/* The notice clock stopped by the decline itself: handled. */
	assert_true(get_clock(id, "notice").stopped);
	assert_false(get_clock(id, "notice").cancelled);
	refused(PO, "2022-08-03", id, "accept",
		json_pack("{s:s,s:I}", "category", "claim", "handling_dept",
			  (json_int_t)F->dept[DEPT_A]),
		"case_final", "该事项已终结（状态为“不予受理”），不能再执行"
		"“受理”");

	/* The refusals of the clocks. */
	other = accepted_petition("2022-07-01");
	act(LEADER, "2022-07-10", other, "extend",
	    text("extension_reason", "情况复杂"));
	refused(LEADER, "2022-07-11", other, "extend",
		text("extension_reason", "再延"), "extension_limit",
		"“办理期限”已延期 1 次，最多只能延期 1 次");
	refused(HEAD_A, "2022-07-11", other, "extend",
		text("extension_reason", "再延"), "role_denied",
		"“延期”须由分管领导办理");
	refused(PO, "2022-07-11", other, "extend", NULL, "role_denied",
		"分管领导");
	act(PO, "2022-07-12", other, "assign", dept_field("handling_dept",
							  DEPT_A));
	act(CLERK_A, "2022-07-13", other, "draft_reply",
	    text("reply_text", "答复"));
	act(HEAD_A, "2022-07-14", other, "approve_reply", NULL);
	refused(PO, "2022-07-15", other, "close",
		text("approval_note", "x"), "unknown_field", "“签发意见”");
	expect_state(other, "replied");
	assert_int_equal(case_get(F->db, 999, &(struct case_info){ 0 },
				  &(struct fz_err){ 0 }), FZ_ERR);
}

/* AC-02: a department acts only on the cases it handles. */
static void test_AC_02_other_department_cannot_act(void **state)
{
	int64_t id = assigned_petition("2022-08-01");
	struct engine_ctx c = as(CLERK_B, "2022-08-02");
	struct case_info ci;
	struct fz_err err;

	refused(CLERK_B, "2022-08-02", id, "draft_reply",
		text("reply_text", "越权答复"), "wrong_dept",
		"该事项不由您所在部门承办，不能执行“拟办”");
	refused(CLERK_A, "2022-08-02", id, "extend",
		text("extension_reason", "自行延期"), "role_denied",
		"“延期”须由分管领导办理");
	assert_int_equal(case_get(F->db, id, &ci, &err), 0);
	assert_false(case_may_read(&c, &ci));
	c = as(CLERK_A, "2022-08-02");
	assert_true(case_may_read(&c, &ci));
	c = as(LEADER, "2022-08-02");
	assert_true(case_may_read(&c, &ci));
	case_info_release(&ci);
	act(CLERK_A, "2022-08-03", id, "draft_reply", text("reply_text", "好"));
}

/* WB-06: length, type, enum and date are checked; NUL is refused. */
static void test_WB_06_field_validation(void **state)
{
	struct engine_ctx c = as(PO, "2022-08-01");
	struct fz_err err = { 0 };
	struct buf longer = BUF_INIT;
	json_t *f;
	int64_t id = 0;
	int i;

	f = petition_fields("2022-13-01");
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	assert_string_equal(err.code, "field_invalid");
	expect_in(err.msg, "“收件日期”须为 YYYY-MM-DD 格式的日期");
	json_decref(f);

	f = petition_fields("2022-08-02");
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	expect_in(err.msg, "“收件日期”不能晚于今天");
	json_decref(f);

	for (i = 0; i < 101; i++)
		buf_puts(&longer, "水");
	f = petition_fields("2022-08-01");
	json_object_set_new(f, "title", json_string(buf_cstr(&longer)));
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	expect_in(err.msg, "“信访事项标题”不能超过 100 个字（现有 101 个）");
	json_decref(f);
	buf_release(&longer);

	f = petition_fields("2022-08-01");
	json_object_set_new(f, "title", json_stringn("a\0b", 3));
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	assert_string_equal(err.code, "field_invalid");
	json_decref(f);

	f = petition_fields("2022-08-01");
	json_object_set_new(f, "channel", json_integer(3));
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	expect_in(err.msg, "“来源渠道”的选项无效");
	json_decref(f);

	f = petition_fields("2022-08-01");
	json_object_del(f, "content");
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	assert_string_equal(err.code, "field_required");
	expect_in(err.msg, "执行“登记”须填写“信访事项内容”");
	json_decref(f);

	f = petition_fields("2022-08-01");
	json_object_set_new(f, "content", json_string("  \n "));
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	assert_string_equal(err.code, "field_required");
	json_decref(f);

	c = as(LEGAL, "2022-08-01");
	f = petition_fields("2022-08-01");
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	assert_string_equal(err.code, "role_denied");
	expect_in(err.msg, "“登记”须由信访专员办理");
	json_decref(f);
	assert_false(case_may_create(&c, "petition"));
	c = as(PO, "2022-08-01");
	assert_true(case_may_create(&c, "petition"));

	assert_int_not_equal(case_create(&c, "nosuch", NULL, &id, &err), 0);
	assert_string_equal(err.code, "unknown_procedure");

	/* Nothing of the refused creates is left, not even a number. */
	assert_int_equal(scalar("SELECT COUNT(*) FROM cases"), 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM case_counters"), 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log"), 0);

	/* Strings are accepted for numbers and ids, as forms send them. */
	id = create(PO, "2022-08-01", "hotline",
		    json_pack("{s:s,s:s,s:s,s:s}", "request_type", "help",
			      "channel", "phone", "title", "路灯不亮",
			      "content", "某路路灯不亮"));
	act(PO, "2022-08-01", id, "dispatch",
	    json_pack("{s:s,s:[s,I]}", "dept", "2", "co_depts", "3",
		      (json_int_t)F->dept[OFFICE]));
	refused(PO, "2022-08-02", id, "extend",
		json_pack("{s:s,s:s}", "extension_reason", "x",
			  "extension_days", "21"), "field_invalid",
		"“延期天数（工作日）”须为 1 到 20 之间的整数");
}

/* ---- clocks ---- */

static void test_extension_moves_due(void **state)
{
	int64_t id = accepted_petition("2022-07-01");
	char *why;

	/* 60 days from 07-01: 08-30 (a Tuesday). */
	expect_due(id, "handling", "2022-08-30");
	act(LEADER, "2022-08-20", id, "extend",
	    text("extension_reason", "涉及多个部门"));
	/* 30 days more: 09-29 (a Thursday). */
	expect_due(id, "handling", "2022-09-29");
	assert_int_equal(get_clock(id, "handling").extensions, 1);
	why = explain(id, "handling");
	expect_in(why, "延期：1 次，共 30 个自然日");
	expect_in(why, "截止日：2022-09-29");
	free(why);
}

/* The hearing of a 复核 does not count towards its 30 days (Art. 36). */
static void test_pause_resume(void **state)
{
	int64_t id = assigned_petition("2022-08-01");
	char *why;

	act(CLERK_A, "2022-08-02", id, "draft_reply", text("reply_text", "a"));
	act(HEAD_A, "2022-08-03", id, "approve_reply", NULL);
	act(PO, "2022-08-04", id, "close", NULL);
	act(PO, "2022-08-10", id, "request_review",
	    json_pack("{s:s,s:s}", "request_date", "2022-08-09",
		      "review_reason", "不服"));
	/* From the day the request arrived: 08-09 + 30 = 09-08. */
	expect_due(id, "review", "2022-09-08");
	assert_true(get_clock(id, "review_window").stopped);
	act(PO, "2022-08-20", id, "review_reply",
	    text("review_opinion", "维持"));
	act(PO, "2022-08-25", id, "request_reexamination",
	    json_pack("{s:s,s:s}", "request_date", "2022-08-24",
		      "reexamination_reason", "仍不服"));
	/* 08-24 + 30 = 09-23, a Friday. */
	expect_due(id, "reexamination", "2022-09-23");
	refused(PO, "2022-08-30", id, "end_hearing", NULL, "clock_not_paused",
		"“复核期限”未暂停计时，不能听证结束");
	act(PO, "2022-09-01", id, "start_hearing",
	    text("hearing_note", "定于9月5日听证"));
	assert_true(get_clock(id, "reexamination").paused);
	refused(PO, "2022-09-02", id, "start_hearing",
		text("hearing_note", "再次"), "clock_paused",
		"“复核期限”已暂停计时");
	act(PO, "2022-09-05", id, "end_hearing", NULL);
	/* 09-02 .. 09-05 are not counted: four days later, 09-27. */
	expect_due(id, "reexamination", "2022-09-27");
	assert_int_equal(get_clock(id, "reexamination").paused_days, 4);
	why = explain(id, "reexamination");
	expect_in(why, "暂停：2022-09-01 至 2022-09-05，不计入 4 个自然日");
	expect_in(why, "截止日：2022-09-27");
	free(why);
	act(PO, "2022-09-26", id, "reexamination_reply",
	    text("reexamination_opinion", "维持"));
	expect_state(id, "reexamined");
	refused(PO, "2022-09-27", id, "start_hearing",
		text("hearing_note", "x"), "case_final", "已终结");
}

/* A closed petition: replied to on `day`, closed the same day. */
static int64_t closed_petition(const char *day)
{
	int64_t id = assigned_petition("2022-08-01");

	act(CLERK_A, day, id, "draft_reply", text("reply_text", "a"));
	act(HEAD_A, day, id, "approve_reply", NULL);
	act(PO, day, id, "close", NULL);
	return id;
}

/* The petitioner's 30 days for a review bind both sides: no request
 * after them (Art. 35), no filing before they have run out. */
static void test_review_window_binds_both_sides(void **state)
{
	int64_t id = closed_petition("2022-08-04");
	int64_t late = closed_petition("2022-08-04");

	/* 08-04 + 30 = 09-03, a Saturday: the window ends 09-05. */
	refused(PO, "2022-09-05", id, "archive", NULL, "window_open",
		"“复查请求期限”到 2022-09-05 才届满");
	act(PO, "2022-09-06", id, "archive", NULL);
	expect_state(id, "archived");
	refused(PO, "2022-09-06", late, "request_review",
		json_pack("{s:s,s:s}", "request_date", "2022-09-06",
			  "review_reason", "不服"), "window_expired",
		"“复查请求期限”已于 2022-09-05 届满");
	act(PO, "2022-09-05", late, "request_review",
	    json_pack("{s:s,s:s}", "request_date", "2022-09-05",
		      "review_reason", "不服"));
	act(PO, "2022-09-20", late, "review_reply",
	    text("review_opinion", "维持"));
	/* filed only once the 复核 window (from 09-20) has run out too */
	refused(PO, "2022-10-20", late, "archive", NULL, "window_open",
		"复核请求期限");
	act(PO, "2022-10-21", late, "archive", NULL);
}

/* An upload in the attachments table, unbound, by `by` (0: public). */
static int64_t upload(int64_t by)
{
	static int n;
	char storage[40];
	int64_t id = 0;

	snprintf(storage, sizeof(storage), "aa/test%d", ++n);
	assert_int_equal(db_scalar_int(F->db, &id, "INSERT INTO attachments "
				       "(name, mime, size, sm3, storage, "
				       "uploaded_by, created_at) VALUES ('x', "
				       "'application/pdf', 1, 'h', ?, ?, 0) "
				       "RETURNING id", "sz", storage, by), 0);
	return id;
}

/* Files reach a case only through a file field: the uploader's own,
 * unbound uploads, bound to the case and the event in the action's
 * transaction; anything else is refused and binds nothing. */
static void test_files_bind_to_the_event(void **state)
{
	int64_t mine = upload(F->user[PO]), mine2 = upload(F->user[PO]);
	int64_t theirs = upload(F->user[CLERK_A]);
	json_t *f = petition_fields("2022-08-01");
	struct engine_ctx c = as(PO, "2022-08-01");
	struct fz_err err = { 0 };
	int64_t id = 0, other = 0;

	json_object_set_new(f, "attachments", json_pack("[I,I]", mine,
							   mine2));
	id = fx_create(c, "petition", json_deep_copy(f));
	assert_int_equal(scalar("SELECT COUNT(*) FROM attachments a JOIN "
				"case_events e ON e.id = a.event_id WHERE "
				"a.field = 'attachments' AND e.seq = 1 AND "
				"a.case_id = e.case_id"), 2);
	/* the same files again: bound already; another's upload: refused */
	assert_int_not_equal(case_create(&c, "petition", f, &other, &err), 0);
	assert_string_equal(err.code, "field_invalid");
	json_object_set_new(f, "attachments", json_pack("[I]", theirs));
	assert_int_not_equal(case_create(&c, "petition", f, &other, &err), 0);
	assert_non_null(strstr(err.msg, "不存在，或已用于其他事项"));
	json_object_set_new(f, "attachments", json_pack("[s]", "x"));
	assert_int_not_equal(case_create(&c, "petition", f, &other, &err), 0);
	assert_non_null(strstr(err.msg, "须为已上传附件的编号"));
	json_decref(f);
	assert_int_equal(scalar("SELECT COUNT(*) FROM attachments WHERE "
				"case_id IS NULL"), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM cases"), 1);
	assert_true(id > 0);
}

/* An application for disclosure received on 2022-08-31 (a Wednesday),
 * registered the next day. */
static int64_t disclosure(void)
{
	return create(OGI, "2022-09-01", "disclosure",
		      json_pack("{s:s,s:s,s:s,s:s,s:s}", "channel", "online",
				"applicant_type", "natural", "title",
				"园区征地补偿标准", "description", "请公开补偿标准",
				"received_date", "2022-08-31"));
}

/* Art. 30 and 33 of the OGI regulation: a correction asked within 7
 * working days stops the clock and the 20 working days count again from
 * the corrected application; a third party's time is not counted; one
 * extension of up to 20 working days by the head of the office. */
static void test_disclosure_clock(void **state)
{
	int64_t id = disclosure(), late = disclosure();
	char *why;

	/* 20 working days from 08-31, 7 for asking a correction */
	expect_due(id, "reply", "2022-09-29");
	expect_due(id, "correction_window", "2022-09-09");
	refused(OGI, "2022-09-13", late, "request_correction",
		json_pack("{s:s,s:i}", "correction_note", "请写明文号",
			  "correction_days", 10), "window_expired",
		"“补正告知期限”已于 2022-09-09 届满");
	act(OGI, "2022-09-05", id, "request_correction",
	    json_pack("{s:s,s:i}", "correction_note", "请写明所需信息的文号",
		      "correction_days", 10));
	assert_true(get_clock(id, "reply").paused);
	/* the corrected application arrived on 09-15: a new period of 20
	 * working days across National Day */
	act(OGI, "2022-09-16", id, "receive_correction",
	    text("received_date", "2022-09-15"));
	expect_state(id, "processing");
	assert_false(get_clock(id, "reply").paused);
	expect_due(id, "reply", "2022-10-18");
	refused(OGI, "2022-09-19", id, "request_correction",
		json_pack("{s:s,s:i}", "correction_note", "再次",
			  "correction_days", 5), "wrong_state", "办理中");
	/* the third party's three working days (09-21..23) not counted */
	act(OGI, "2022-09-20", id, "consult_third_party",
	    json_pack("{s:s,s:s}", "third_party", "某公司",
		      "consult_note", "是否同意公开"));
	act(OGI, "2022-09-23", id, "third_party_reply",
	    text("third_party_opinion", "不同意公开其商业秘密部分"));
	expect_due(id, "reply", "2022-10-21");
	/* one extension, by the head, of at most 20 working days */
	refused(OGI, "2022-10-20", id, "extend",
		json_pack("{s:s,s:i}", "extension_reason", "需要研究",
			  "extension_days", 10), "role_denied", "部门负责人");
	refused(HEAD_A, "2022-10-20", id, "extend",
		json_pack("{s:s,s:i}", "extension_reason", "需要研究",
			  "extension_days", 25), "field_invalid", "延长工作日");
	act(HEAD_A, "2022-10-20", id, "extend",
	    json_pack("{s:s,s:i}", "extension_reason", "需要研究",
		      "extension_days", 10));
	expect_due(id, "reply", "2022-11-04");
	refused(HEAD_A, "2022-10-21", id, "extend",
		json_pack("{s:s,s:i}", "extension_reason", "再延",
			  "extension_days", 5), "extension_limit", "答复期限");
	why = explain(id, "reply");
	expect_in(why, "2022-09-15");
	free(why);
	act(OGI, "2022-11-01", id, "reply",
	    json_pack("{s:s,s:s}", "reply_type", "partial",
		      "reply_text", "部分公开，商业秘密部分不予公开。"));
	expect_state(id, "replied");
	assert_true(get_clock(id, "reply").stopped);
}

/* A reply after the limit that was not extended in time is refused
 * until it says why it is late (disclosure version 2, late_field); on
 * the last day it needs no reason. */
static void test_disclosure_late_reply(void **state)
{
	int64_t id = disclosure(), ontime = disclosure();
	json_t *reply = json_pack("{s:s,s:s}", "reply_type", "disclose",
				  "reply_text", "予以公开。");

	act(OGI, "2022-09-29", ontime, "reply", json_deep_copy(reply));
	expect_state(ontime, "replied");
	refused(OGI, "2022-09-30", id, "reply", json_deep_copy(reply),
		"late_reason_required", "“答复期限”已于 2022-09-29 届满");
	expect_state(id, "registered");
	refused(HEAD_A, "2022-09-30", id, "extend",
		json_pack("{s:s,s:i}", "extension_reason", "补办延期",
			  "extension_days", 5), "extension_late", "届满后");
	json_object_set_new(reply, "late_reason",
			    json_string("经办人员调整，交接延误"));
	act(OGI, "2022-09-30", id, "reply", reply);
	expect_state(id, "replied");
	assert_true(get_clock(id, "reply").stopped);
}

static int64_t hotline(const char *day, const char *type)
{
	return create(PO, day, "hotline",
		      json_pack("{s:s,s:s,s:s,s:s}", "request_type", type,
				"channel", "phone", "title", "噪声扰民",
				"content", "夜间施工噪声"));
}

static void test_hotline_type_limits(void **state)
{
	int64_t consult = hotline("2022-09-28", "consult");
	int64_t help = hotline("2022-09-28", "help");
	int64_t complaint = hotline("2022-09-28", "complaint");
	int64_t late;
	char *why;

	expect_number(consult, "新高热〔2022〕0001号");
	expect_number(complaint, "新高热〔2022〕0003号");
	/* Working days after 09-28: 09-29, 09-30, then 10-08 and 10-09
	 * (make-up Saturday and Sunday), 10-10, 10-11, 10-12. */
	expect_due(consult, "handling", "2022-10-08");
	expect_due(help, "handling", "2022-10-10");
	expect_due(complaint, "handling", "2022-10-12");
	why = explain(consult, "handling");
	expect_in(why, "法定期限：3 个工作日");
	expect_in(why, "跳过 2022-10-01（国庆节）");
	expect_in(why, "计入 2022-10-08（国庆节调休上班日）");
	free(why);

	act(PO, "2022-09-28", complaint, "dispatch",
	    dept_field("dept", DEPT_A));
	refused(CLERK_B, "2022-09-29", complaint, "accept", NULL,
		"wrong_dept", "承办");
	act(CLERK_A, "2022-09-29", complaint, "accept",
	    json_pack("{s:I}", "assignee", (json_int_t)F->user[CLERK_A]));
	act(PO, "2022-09-30", complaint, "extend",
	    json_pack("{s:s,s:i}", "extension_reason", "需现场核查",
		      "extension_days", 5));
	/* Five working days after 10-12: 10-13, 14, 17, 18, 19. */
	expect_due(complaint, "handling", "2022-10-19");
	refused(LEADER, "2022-10-01", complaint, "extend",
		json_pack("{s:s,s:i}", "extension_reason", "再延",
			  "extension_days", 3), "extension_limit", "最多");
	act(CLERK_A, "2022-10-10", complaint, "reply",
	    text("reply_text", "已责令整改"));
	act(PO, "2022-10-11", complaint, "callback",
	    text("satisfaction", "satisfied"));
	act(PO, "2022-10-11", complaint, "close", NULL);
	expect_state(complaint, "closed");
	refused(CLERK_A, "2022-10-12", complaint, "reply",
		text("reply_text", "x"), "case_final", "已终结");

	/* An extension asked after the limit ran out is refused. */
	late = hotline("2022-09-28", "consult");
	act(PO, "2022-09-28", late, "dispatch", dept_field("dept", DEPT_A));
	refused(PO, "2022-10-09", late, "extend",
		json_pack("{s:s,s:i}", "extension_reason", "迟了",
			  "extension_days", 2), "extension_late",
		"“办理时限”已于 2022-10-08 届满");
	/* Returned by the department, dispatched again. */
	act(PO, "2022-09-28", help, "dispatch", dept_field("dept", DEPT_B));
	act(CLERK_B, "2022-09-29", help, "return",
	    text("return_reason", "不属本部门职责"));
	expect_state(help, "returned");
	act(PO, "2022-09-29", help, "dispatch", dept_field("dept", DEPT_A));
	expect_state(help, "dispatched");
}

/* A petition's department may object within 5 working days only. */
static void test_objection_window(void **state)
{
	int64_t id = assigned_petition("2022-08-01");
	int64_t ok = assigned_petition("2022-08-01");

	/* 08-01 + 5 working days = 08-08. */
	expect_due(id, "objection", "2022-08-08");
	refused(CLERK_A, "2022-08-09", id, "return",
		text("return_reason", "不属本部门"), "window_expired",
		"“异议期限”已于 2022-08-08 届满，不能再退回");
	act(CLERK_A, "2022-08-08", ok, "return",
	    text("return_reason", "不属本部门"));
	expect_state(ok, "returned");
	/* Back with the office; a new assignment opens a new window. */
	act(PO, "2022-08-10", ok, "assign", dept_field("handling_dept",
						       DEPT_B));
	expect_due(ok, "objection", "2022-08-17");
	act(CLERK_B, "2022-08-11", ok, "draft_reply", text("reply_text", "b"));
	assert_true(get_clock(ok, "objection").stopped);
}

static void test_merge(void **state)
{
	int64_t first = accepted_petition("2022-08-01");
	int64_t dup = create(PO, "2022-08-02", "petition",
			     petition_fields("2022-08-02"));
	int64_t closed = create(PO, "2022-08-02", "petition",
				petition_fields("2022-08-02"));
	struct case_info ci;
	struct fz_err err;

	act(PO, "2022-08-02", closed, "decline", text("decline_reason", "x"));
	refused(PO, "2022-08-03", dup, "merge",
		json_pack("{s:I}", "duplicate_of", (json_int_t)dup),
		"merge_invalid", "自身");
	refused(PO, "2022-08-03", dup, "merge",
		json_pack("{s:I}", "duplicate_of", (json_int_t)closed),
		"merge_invalid", "已终结");
	act(PO, "2022-08-03", dup, "merge",
	    json_pack("{s:s}", "duplicate_of", "1"));
	assert_int_equal(case_get(F->db, dup, &ci, &err), 0);
	assert_string_equal(ci.state, "merged");
	assert_true(ci.final);
	assert_int_equal(ci.merged_into, first);
	assert_true(ci.closed_at > 0);
	case_info_release(&ci);
	/* The notice clock stopped by the merge, as its definition says. */
	assert_false(get_clock(dup, "notice").cancelled);
}

/* A case whose reply is out (its primary clock stopped) takes no
 * duplicate, not even years after it was closed; one whose primary clock
 * has not started yet does. */
static void test_merge_into_handled_case(void **state)
{
	int64_t old = assigned_petition("2022-08-01"), fresh, dup;
	char *number;

	act(CLERK_A, "2022-08-10", old, "draft_reply",
	    json_pack("{s:s,s:s}", "reply_text", "已安排疏通。", "outcome",
		      "support"));
	act(HEAD_A, "2022-08-12", old, "approve_reply", NULL);
	fresh = create(PO, "2026-03-02", "petition",
		       petition_fields("2026-03-02"));
	dup = create(PO, "2026-03-02", "petition",
		     petition_fields("2026-03-02"));
	assert_int_equal(case_handled(F->db, old,
				      workflow_find("petition", 0)), 1);
	assert_int_equal(case_handled(F->db, fresh,
				      workflow_find("petition", 0)), 0);
	number = number_of(old);
	refused(PO, "2026-03-03", dup, "merge",
		json_pack("{s:I}", "duplicate_of", (json_int_t)old),
		"merge_invalid", "不再办理");
	act(PO, "2022-08-15", old, "close", text("close_note", "已答复"));
	expect_state(old, "closed");
	refused(PO, "2026-03-03", dup, "merge",
		json_pack("{s:I}", "duplicate_of", (json_int_t)old),
		"merge_invalid", number);
	free(number);
	/* Not yet accepted: its primary clock has not started. */
	act(PO, "2026-03-03", dup, "merge",
	    json_pack("{s:I}", "duplicate_of", (json_int_t)fresh));
	expect_state(dup, "merged");
}

/* A small definition with a clock that starts after the create action,
 * pauses in working days, and one that does not move off a day off. */
static const char gi_def[] =
	"{ \"procedure\": \"gi\", \"version\": 1, \"title\": \"测试申请\",\n"
	"  \"legal_basis\": \"《政府信息公开条例》\",\n"
	"  \"number_format\": \"测〔{year}〕{seq}号\",\n"
	"  \"fields\": { \"reason\": { \"type\": \"text\", "
	"\"label\": \"理由\" } },\n"
	"  \"states\": [ { \"id\": \"received\", \"label\": \"已收到\" },\n"
	"    { \"id\": \"accepted\", \"label\": \"已受理\" },\n"
	"    { \"id\": \"answered\", \"label\": \"已答复\" },\n"
	"    { \"id\": \"closed\", \"label\": \"已办结\", "
	"\"final\": true } ],\n"
	"  \"actions\": [\n"
	"    { \"id\": \"receive\", \"label\": \"收件\", \"from\": null, "
	"\"to\": \"received\", \"roles\": [\"clerk\"], \"basis\": \"b\" },\n"
	"    { \"id\": \"accept\", \"label\": \"受理\", \"from\": "
	"[\"received\"], \"to\": \"accepted\", \"roles\": [\"clerk\"], "
	"\"basis\": \"b\" },\n"
	"    { \"id\": \"ask\", \"label\": \"通知补正\", \"from\": "
	"[\"received\", \"accepted\"], \"roles\": [\"clerk\"], "
	"\"basis\": \"b\" },\n"
	"    { \"id\": \"supply\", \"label\": \"补正\", \"from\": "
	"[\"received\", \"accepted\"], \"roles\": [\"clerk\"], "
	"\"basis\": \"b\" },\n"
	"    { \"id\": \"extend\", \"label\": \"延期\", \"from\": "
	"[\"accepted\", \"answered\"], \"roles\": [\"clerk\"], "
	"\"optional\": [\"reason\"], \"basis\": \"b\" },\n"
	"    { \"id\": \"answer\", \"label\": \"答复\", \"from\": "
	"[\"accepted\"], \"to\": \"answered\", \"roles\": [\"clerk\"], "
	"\"basis\": \"b\" },\n"
	"    { \"id\": \"close\", \"label\": \"办结\", \"from\": "
	"[\"answered\"], \"to\": \"closed\", \"roles\": [\"clerk\"], "
	"\"basis\": \"b\" } ],\n"
	"  \"clocks\": [\n"
	"    { \"id\": \"reply\", \"label\": \"答复期限\", \"unit\": "
	"\"working\", \"length\": 20, \"start\": \"accept\", \"stop\": "
	"[\"answer\"], \"pause\": [\"ask\"], \"resume\": [\"supply\"], "
	"\"extension\": { \"action\": \"extend\", \"length\": 20, "
	"\"max\": 2, \"roles\": [\"clerk\"] }, \"basis\": \"b\" },\n"
	"    { \"id\": \"plain\", \"label\": \"自然日期限\", \"unit\": "
	"\"calendar\", \"length\": 10, \"start\": \"accept\", "
	"\"holiday_shift\": false, \"basis\": \"b\" } ] }\n";

static void test_clock_operations(void **state)
{
	struct fz_err err = { 0 };
	char *dir = xasprintf("%s/gi%s", tmpdir, pg_url ? "pg" : ""), *path;
	char *why;
	int64_t id;

	assert_int_equal(mkdir(dir, 0700), 0);
	path = xasprintf("%s/gi.json", dir);
	assert_int_equal(write_file_atomic(path, gi_def, strlen(gi_def),
					   0600), 0);
	assert_int_equal(workflows_load(dir, &err), 0);
	id = create(CLERK_A, "2022-09-23", "gi", NULL);
	expect_number(id, "测〔2022〕1号");
	refused(CLERK_A, "2022-09-23", id, "ask", NULL, "clock_not_started",
		"“答复期限”尚未开始计时，不能通知补正");
	act(CLERK_A, "2022-09-26", id, "accept", NULL);
	/* Twenty working days after 09-26, with 10-08 and 10-09 worked. */
	expect_due(id, "reply", "2022-10-27");
	/* 09-26 + 10 = 10-06, a holiday, kept where it falls. */
	expect_due(id, "plain", "2022-10-06");
	why = explain(id, "plain");
	expect_in(why, "期限最后一日遇休息日不顺延");
	free(why);
	act(CLERK_A, "2022-09-28", id, "ask", NULL);
	refused(CLERK_A, "2022-09-29", id, "ask", NULL, "clock_paused",
		"“答复期限”已暂停计时，不能通知补正");
	act(CLERK_A, "2022-10-10", id, "supply", NULL);
	/* 09-29, 09-30, 10-08, 10-09, 10-10 not counted: five working
	 * days later. */
	expect_due(id, "reply", "2022-11-03");
	why = explain(id, "reply");
	expect_in(why, "暂停：2022-09-28 至 2022-10-10，不计入 5 个工作日");
	free(why);
	act(CLERK_A, "2022-10-11", id, "extend", NULL);
	act(CLERK_A, "2022-10-12", id, "answer", NULL);
	refused(CLERK_A, "2022-10-13", id, "extend", NULL, "clock_stopped",
		"“答复期限”已停止计时，不能延期");
	act(CLERK_A, "2022-10-14", id, "close", NULL);
	/* The plain clock was still open: it stops with the case, and
	 * does not count as handled. */
	assert_true(get_clock(id, "plain").stopped);
	assert_true(get_clock(id, "plain").cancelled);
	assert_false(get_clock(id, "reply").cancelled);
	free(path);
	free(dir);
}

/* A case keeps the version it was opened under. */
static void test_version_kept(void **state)
{
	struct fz_err err = { 0 };
	struct buf v1 = BUF_INIT;
	char *dir = xasprintf("%s/versions%s", tmpdir, pg_url ? "pg" : ""),
	     *v2, *path;
	char *p;
	int64_t old, young;
	struct case_info ci;

	assert_int_equal(mkdir(dir, 0700), 0);
	path = xasprintf("%s/petition.json", workflows_default_dir());
	assert_int_equal(read_file(path, &v1, 1 << 20), 0);
	free(path);
	path = xasprintf("%s/petition.json", dir);
	assert_int_equal(write_file_atomic(path, v1.data, v1.len, 0600), 0);
	free(path);
	assert_int_equal(workflows_load(dir, &err), 0);
	old = accepted_petition("2022-07-01");

	/* Version 2 shortens the handling limit to 45 days. */
	v2 = xstrdup(buf_cstr(&v1));
	p = strstr(v2, "\"version\": 1");
	assert_non_null(p);
	p[strlen("\"version\": ")] = '2';
	p = strstr(v2, "\"length\": 60");
	assert_non_null(p);
	memcpy(p + strlen("\"length\": "), "45", 2);
	path = xasprintf("%s/petition-2.json", dir);
	assert_int_equal(write_file_atomic(path, v2, strlen(v2), 0600), 0);
	free(path);
	assert_int_equal(workflows_load(dir, &err), 0);

	young = accepted_petition("2022-07-01");
	assert_int_equal(case_get(F->db, old, &ci, &err), 0);
	assert_int_equal(ci.version, 1);
	assert_int_equal(ci.wf->version, 1);
	case_info_release(&ci);
	assert_int_equal(case_get(F->db, young, &ci, &err), 0);
	assert_int_equal(ci.version, 2);
	case_info_release(&ci);
	expect_due(old, "handling", "2022-08-30");
	expect_due(young, "handling", "2022-08-15");
	/* The old case still acts under version 1: its extension rules. */
	act(LEADER, "2022-07-05", old, "extend",
	    text("extension_reason", "复杂"));
	expect_due(old, "handling", "2022-09-29");
	free(v2);
	free(dir);
	buf_release(&v1);
}

/* Numbers per procedure and year, gap-free. */
static void test_numbers(void **state)
{
	int64_t a = create(PO, "2022-03-01", "petition",
			   petition_fields("2022-03-01"));
	int64_t b = create(PO, "2022-03-01", "petition",
			   petition_fields("2022-03-01"));
	int64_t c, d;

	expect_number(a, "新高信〔2022〕0001号");
	expect_number(b, "新高信〔2022〕0002号");
	c = create(PO, "2022-12-31", "petition",
		   petition_fields("2022-12-31"));
	d = create(PO, "2023-01-01", "petition",
		   petition_fields("2023-01-01"));
	expect_number(c, "新高信〔2022〕0003号");
	expect_number(d, "新高信〔2023〕0001号");
	assert_int_equal(case_find_number(F->db, "新高信〔2023〕0001号", &c),
			 0);
	assert_int_equal(c, d);
	assert_int_equal(case_find_number(F->db, "新高信〔2023〕0099号", &c),
			 1);
}

/* AD-05: when the audit entry cannot be written the create rolls back,
 * number and all. */
static void test_AD_05_failed_audit_rolls_back_create(void **state)
{
#ifdef FAZHI_TEST_HOOKS
	struct engine_ctx c = as(PO, "2022-03-02");
	struct fz_err err = { 0 };
	json_t *f = petition_fields("2022-03-02");
	int64_t id = 0, a;

	a = create(PO, "2022-03-01", "petition",
		   petition_fields("2022-03-01"));
	expect_number(a, "新高信〔2022〕0001号");
	setenv("FAZHI_FAULT", "audit_append=case.register", 1);
	assert_int_not_equal(case_create(&c, "petition", f, &id, &err), 0);
	unsetenv("FAZHI_FAULT");
	assert_string_equal(err.code, "db_error");
	json_decref(f);
	assert_int_equal(scalar("SELECT COUNT(*) FROM cases"), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM case_events"), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM case_clocks"), 1);
	id = create(PO, "2022-03-02", "petition",
		    petition_fields("2022-03-02"));
	expect_number(id, "新高信〔2022〕0002号");

	setenv("FAZHI_FAULT", "audit_append=case.accept", 1);
	c = as(PO, "2022-03-03");
	f = json_pack("{s:s,s:I}", "category", "claim", "handling_dept",
		      (json_int_t)F->dept[DEPT_A]);
	assert_int_not_equal(case_act(&c, id, "accept", f, &err), 0);
	unsetenv("FAZHI_FAULT");
	json_decref(f);
	expect_state(id, "registered");
	assert_int_equal(history_len(id), 1);
	assert_false(get_clock(id, "notice").stopped);
#else
	skip();
#endif
}

static void test_retime_after_new_notice(void **state)
{
	struct fz_err err = { 0 };
	struct calendar *local = calendar_open(NULL, &err);
	int64_t id = hotline("2022-09-28", "consult");
	int changed = -1;

	expect_due(id, "handling", "2022-10-08");
	/* A (made-up) local notice makes 09-30 a day off. */
	assert_non_null(local);
	assert_int_equal(calendar_set(local, D("2022-09-30"), CAL_OFF,
				      "补充通知"), 0);
	assert_int_equal(engine_retime_open(F->db, local, &changed), 0);
	assert_int_equal(changed, 1);
	/* 09-29, 10-08, 10-09. */
	expect_due(id, "handling", "2022-10-09");
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log WHERE "
				"action = 'case.retime'"), 1);
	assert_int_equal(engine_retime_open(F->db, local, &changed), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log WHERE "
				"action = 'case.retime'"), 1);
	calendar_free(local);
}

struct seen {
	int n;
	int overdue;
	int days;
	char number[64];
	char label[64];
};

static int on_due(const struct due_item *it, void *arg)
{
	struct seen *s = arg;

	s->n++;
	s->overdue += it->overdue;
	s->days = it->days;
	snprintf(s->number, sizeof(s->number), "%s", it->number);
	snprintf(s->label, sizeof(s->label), "%s", it->clock_label);
	return 0;
}

static int on_reminder(const struct reminder *r, void *arg)
{
	struct seen *s = arg;

	s->n++;
	snprintf(s->number, sizeof(s->number), "%s", r->number);
	snprintf(s->label, sizeof(s->label), "%s", r->clock_label);
	return 0;
}

static void test_due_lists_and_supervision(void **state)
{
	int64_t id = hotline("2022-09-28", "consult");
	struct case_event *ev;
	struct seen s = { 0 };
	int64_t now;
	size_t n;
	int made = -1;

	act(PO, "2022-09-28", id, "dispatch", dept_field("dept", DEPT_A));
	/* On 09-29 the 10-08 limit is two working days away. */
	assert_int_equal(engine_due_lists(F->db, cal, D("2022-09-29"),
					  F->dept[DEPT_A], 0, on_due, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.overdue, 0);
	assert_int_equal(s.days, 2);
	assert_string_equal(s.label, "办理时限");
	memset(&s, 0, sizeof(s));
	assert_int_equal(engine_due_lists(F->db, cal, D("2022-09-29"),
					  F->dept[DEPT_B], 0, on_due, &s), 0);
	assert_int_equal(s.n, 0);
	/* Not yet due soon on 09-26 (three working days reach 09-29). */
	assert_int_equal(engine_due_lists(F->db, cal, D("2022-09-26"), 0, 0,
					  on_due, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(engine_due_lists(F->db, cal, D("2022-10-10"), 0, 0,
					  on_due, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.overdue, 1);
	assert_int_equal(s.days, 2);

	assert_int_equal(clock_parse_local("2022-10-08T18:00", &now), 0);
	assert_int_equal(engine_supervise(F->db, cal, now, &made), 0);
	assert_int_equal(made, 0);  /* due today is not overdue */
	assert_int_equal(clock_parse_local("2022-10-10T09:00", &now), 0);
	assert_int_equal(engine_supervise(F->db, cal, now, &made), 0);
	assert_int_equal(made, 1);
	assert_int_equal(engine_supervise(F->db, cal, now + 86400, &made), 0);
	assert_int_equal(made, 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM case_reminders"), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log WHERE "
				"action = 'case.supervise'"), 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(engine_reminders(F->db, 0, F->dept[DEPT_A], 0,
					  on_reminder, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.number, "新高热〔2022〕0001号");
	assert_string_equal(s.label, "办理时限");
	memset(&s, 0, sizeof(s));
	assert_int_equal(engine_reminders(F->db, 0, F->dept[DEPT_B], 0,
					  on_reminder, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(case_history(F->db, id, &ev, &n), 0);
	assert_string_equal(ev[n - 1].action, "supervise");
	assert_string_equal(ev[n - 1].label, "督办");
	assert_string_equal(ev[n - 1].actor, "system");
	case_events_free(ev, n);

	/* An extension moves the due date; once passed again, a second
	 * reminder. */
	act(LEADER, "2022-10-08", id, "extend",
	    json_pack("{s:s,s:i}", "extension_reason", "补办",
		      "extension_days", 1));
	assert_int_equal(engine_supervise(F->db, cal, now + 86400, &made), 0);
	assert_int_equal(made, 1);
}

struct stat_seen {
	struct engine_stat rows[8];
	int n;
};

static int on_stat(const struct engine_stat *st, void *arg)
{
	struct stat_seen *s = arg;

	if (s->n < 8)
		s->rows[s->n++] = *st;
	return 0;
}

static int count_rows(const struct case_info *c, void *arg)
{
	(*(int *)arg)++;
	assert_null(c->fields);
	return 0;
}

static void test_stats_and_lists(void **state)
{
	int64_t on_time = assigned_petition("2022-07-01");
	int64_t late = assigned_petition("2022-07-01");
	struct case_filter f = { 0 };
	struct stat_seen s = { 0 };
	int n = 0;

	accepted_petition("2022-07-01");
	act(CLERK_A, "2022-07-02", on_time, "draft_reply",
	    text("reply_text", "a"));
	act(HEAD_A, "2022-07-03", on_time, "approve_reply", NULL);
	act(CLERK_A, "2022-07-02", late, "draft_reply",
	    text("reply_text", "b"));
	act(HEAD_A, "2022-09-05", late, "approve_reply", NULL);
	assert_int_equal(engine_stats(F->db, "petition", 2022, "",
				      D("2022-09-10"), on_stat, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rows[0].total, 3);
	assert_int_equal(s.rows[0].handled, 2);
	assert_int_equal(s.rows[0].on_time, 1);
	assert_int_equal(s.rows[0].late, 1);
	assert_int_equal(s.rows[0].open, 1);
	assert_int_equal(s.rows[0].overdue, 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(engine_stats(F->db, "petition", 2022, "dept",
				      D("2022-09-10"), on_stat, &s), 0);
	assert_int_equal(s.n, 2);
	memset(&s, 0, sizeof(s));
	assert_int_equal(engine_stats(F->db, "petition", 2022, "channel",
				      D("2022-09-10"), on_stat, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.rows[0].key, "letter");
	assert_int_not_equal(engine_stats(F->db, "petition", 2022, "x; --",
					  D("2022-09-10"), on_stat, &s), 0);

	f.procedure = "petition";
	f.dept_id = F->dept[DEPT_A];
	assert_int_equal(case_list(F->db, &f, count_rows, &n), 0);
	assert_int_equal(n, 2);     /* the third is still with the office */
	n = 0;
	f.dept_id = F->dept[DEPT_B];
	assert_int_equal(case_list(F->db, &f, count_rows, &n), 0);
	assert_int_equal(n, 0);
	f.dept_id = 0;
	f.state = "replied";
	assert_int_equal(case_list(F->db, &f, count_rows, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	f.state = NULL;
	f.open_only = true;
	f.limit = 1;
	assert_int_equal(case_list(F->db, &f, count_rows, &n), 0);
	assert_int_equal(n, 1);
}

/* Whoever may register a case can move it on from there: registration
 * and the first actions belong to the same office (scope "origin"), so a
 * role that registers but takes none of them leaves a case nobody in the
 * registering department can accept. */
static void test_registering_office_moves_on(void **state)
{
	static const char *const procs[] = { "petition", "hotline" };
	struct engine_ctx c = as(CLERK_A, "2022-08-01");
	struct fz_err err = { 0 };
	json_t *fields;
	int64_t id = 0;
	size_t i, k;
	int r;

	for (i = 0; i < ARRAY_SIZE(procs); i++) {
		const struct workflow *w = workflow_find(procs[i], 0);

		assert_non_null(w);
		for (r = 0; r < ROLE_COUNT; r++) {
			bool moves = false;

			if (!(w->create->roles & R(r)))
				continue;
			for (k = 0; k < w->nactions; k++)
				moves |= !w->actions[k].create &&
					 (w->actions[k].roles & R(r)) &&
					 wf_action_from(&w->actions[k],
							w->create->to->id);
			if (!moves)
				print_error("%s: %s registers, then stops\n",
					    procs[i], role_code(r));
			assert_true(moves);
		}
	}
	/* A clerk outside the petition office registers tickets only. */
	assert_false(case_may_create(&c, "petition"));
	fields = petition_fields("2022-08-01");
	assert_int_not_equal(case_create(&c, "petition", fields, &id, &err),
			     0);
	json_decref(fields);
	assert_string_equal(err.code, "role_denied");
	assert_true(case_may_create(&c, "hotline"));
}

/* The due list of a department and a person: a case handled by the one
 * or assigned to the other is listed (clock.h). */
static void test_due_lists_dept_or_person(void **state)
{
	struct seen s = { 0 };
	static const struct {
		int dept, person, want;
	} cases[] = {
		{ DEPT_B, CLERK_A, 1 },     /* assigned to the person */
		{ DEPT_A, CLERK_B, 1 },     /* handled by the department */
		{ DEPT_B, CLERK_B, 0 },
		{ -1, CLERK_A, 1 },
		{ DEPT_A, -1, 1 },
		{ -1, CLERK_B, 0 },
	};
	size_t i;

	expect_due(assigned_petition("2022-07-01"), "handling", "2022-08-30");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t dept = cases[i].dept < 0 ? 0 : F->dept[cases[i].dept];
		int64_t user = cases[i].person < 0 ? 0 :
			       F->user[cases[i].person];

		memset(&s, 0, sizeof(s));
		assert_int_equal(engine_due_lists(F->db, cal, D("2022-08-29"),
						  dept, user, on_due, &s), 0);
		if (s.n != cases[i].want)
			print_error("case %zu: %d listed\n", i, s.n);
		assert_int_equal(s.n, cases[i].want);
	}
}

struct ids {
	int64_t v[8];
	int n;
};

static int collect_ids(const struct case_info *c, void *arg)
{
	struct ids *ids = arg;

	if (ids->n < (int)ARRAY_SIZE(ids->v))
		ids->v[ids->n++] = c->id;
	return 0;
}

/* A hotline ticket's co-handling departments reach it, as they read it
 * (case_may_read()); a department number in the text does not count. */
static void test_list_reach_co_handling(void **state)
{
	int64_t id = hotline("2022-09-28", "complaint");
	char *content = xasprintf("见附件[%lld]及第%lld,%lld]号",
				  (long long)F->dept[DEPT_B],
				  (long long)F->dept[DEPT_A],
				  (long long)F->dept[DEPT_B]);
	int64_t decoy = create(PO, "2022-09-28", "hotline",
			       json_pack("{s:s,s:s,s:s,s:s}", "request_type",
					 "consult", "channel", "phone", "title",
					 "咨询", "content", content));
	struct case_filter f = { .procedures = { "petition", "hotline" },
				 .reach = true };
	struct engine_ctx c = as(CLERK_B, "2022-09-29");
	struct case_info ci;
	struct fz_err err;
	struct ids ids = { 0 };
	int64_t total = -1;

	act(PO, "2022-09-28", id, "dispatch",
	    json_pack("{s:I,s:[I]}", "dept", (json_int_t)F->dept[DEPT_A],
		      "co_depts", (json_int_t)F->dept[DEPT_B]));
	act(PO, "2022-09-28", decoy, "dispatch", dept_field("dept", DEPT_A));
	assert_int_equal(case_get(F->db, id, &ci, &err), 0);
	assert_true(case_may_read(&c, &ci));
	case_info_release(&ci);

	f.reach_dept = F->dept[DEPT_B];
	f.reach_user = F->user[CLERK_B];
	f.total = &total;
	assert_int_equal(case_list(F->db, &f, collect_ids, &ids), 0);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0], id);
	assert_int_equal(total, 1);

	/* Department A handles both; the office registered both. */
	memset(&ids, 0, sizeof(ids));
	f.reach_dept = F->dept[DEPT_A];
	assert_int_equal(case_list(F->db, &f, collect_ids, &ids), 0);
	assert_int_equal(total, 2);
	/* A reach of nobody finds nothing; no reach finds all. */
	f.reach_dept = f.reach_user = 0;
	assert_int_equal(case_list(F->db, &f, collect_ids, &ids), 0);
	assert_int_equal(total, 0);
	f.reach = false;
	assert_int_equal(case_list(F->db, &f, collect_ids, &ids), 0);
	assert_int_equal(total, 2);
	free(content);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_petition, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_AC_02_other_department_cannot_act, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_WB_06_field_validation,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_extension_moves_due,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_resume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hotline_type_limits,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_objection_window, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_into_handled_case,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_operations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_version_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_AD_05_failed_audit_rolls_back_create, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_retime_after_new_notice,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_due_lists_and_supervision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_and_lists, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_registering_office_moves_on, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_due_lists_dept_or_person, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_list_reach_co_handling, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_review_window_binds_both_sides, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_files_bind_to_the_event, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_disclosure_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_disclosure_late_reply, setup, teardown),
	};

	const char *pg = getenv("FAZHI_TEST_PG_URL");
	int failed;

	failed = cmocka_run_group_tests_name("engine on SQLite", tests,
					     group_setup, group_teardown);
	if (pg && *pg) {
		pg_url = pg;
		failed += cmocka_run_group_tests_name("engine on PostgreSQL",
						      tests, group_setup,
						      group_teardown);
	}
	return failed ? 1 : 0;
}
