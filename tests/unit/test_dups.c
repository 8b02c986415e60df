/* test_dups.c: the desk's duplicate check — which titles read as one
 * matter, and which cases are offered as duplicates
 *
 * The titles are the kind a petitions desk sees; the cases run through
 * the engine on the shipped definitions (the world of fixtures.h), with
 * their petitioner rows reduced to the blind index the check reads.
 * With $FAZHI_TEST_PG_URL set the database tests run a second time on
 * that PostgreSQL database.
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
#include "engine/engine.h"
#include "engine/workflow.h"
#include "petition/petition.h"
#include "store/store.h"

#include "fixtures.h"

#define R(x) (1u << (x))

static char tmpdir[] = "/tmp/fz_dups_XXXXXX";
static struct calendar *cal;
static int dbseq;
static const char *pg_url;      /* the PostgreSQL pass, else NULL */

enum { PO, CLERK_A, HEAD_A, NPEOPLE };

static const struct fx_person people[NPEOPLE] = {
	[PO] = { "xinfang", R(ROLE_PETITION_OFFICER) | R(ROLE_CLERK), OFFICE },
	[CLERK_A] = { "clerk.a", R(ROLE_CLERK), DEPT_A },
	[HEAD_A] = { "head.a", R(ROLE_DEPT_HEAD), DEPT_A },
};

static struct db *db;
static int64_t dept[NDEPTS], user[NPEOPLE];

/* ---- titles ---- */

static void alike(const char *a, const char *b)
{
	if (!dup_titles_similar(a, b) || !dup_titles_similar(b, a))
		print_error("\"%s\" and \"%s\" should be alike\n", a, b);
	assert_true(dup_titles_similar(a, b));
	assert_true(dup_titles_similar(b, a));
}

static void apart(const char *a, const char *b)
{
	if (dup_titles_similar(a, b) || dup_titles_similar(b, a))
		print_error("\"%s\" and \"%s\" should be apart\n", a, b);
	assert_false(dup_titles_similar(a, b));
	assert_false(dup_titles_similar(b, a));
}

static void test_titles_of_one_matter(void **state)
{
	(void)state;
	/* Stock openings dropped: 公开征地补偿标准 / 公开补偿标准. */
	alike("要求公开征地补偿标准", "再次要求公开补偿标准");
	alike("关于小区噪声扰民的问题", "小区噪声扰民");
	alike("投诉某企业拖欠工资", "举报某企业拖欠工资");
	alike("反映夜间施工噪声", "夜间施工噪声扰民");
	/* Punctuation, spaces and full-width forms do not count. */
	alike("“园区A区”停水！", "园区 a 区停水");
	alike("ＡＢＣ小区停电", "abc小区停电。");
	alike("水", "反映水");
}

static void test_titles_of_different_matters(void **state)
{
	static const char *const topics[] = {
		"小区门前道路积水", "企业拖欠工资", "噪声扰民", "路灯损坏",
		"违章搭建", "垃圾清运不及时", "公交站点设置", "农田灌溉用水",
	};
	char a[128], b[128];
	size_t i, j;

	(void)state;
	/* A run of four shared characters was once enough. */
	apart("反映园区某路灯不亮", "反映园区企业拖欠工资");
	apart("反映园区某路灯不亮", "反映园区道路积水问题");
	apart("反映园区某路灯不亮", "反映园区垃圾清运不及时");
	/* Everyday matters in the stock frame are told apart. */
	for (i = 0; i < ARRAY_SIZE(topics); i++)
		for (j = 0; j < ARRAY_SIZE(topics); j++) {
			snprintf(a, sizeof(a), "反映%s问题", topics[i]);
			snprintf(b, sizeof(b), "关于%s的建议", topics[j]);
			if (i == j)
				alike(a, b);
			else
				apart(a, b);
		}
	/* Stock words alone say nothing; neither does an empty title. */
	apart("咨询", "咨询");
	apart("反映问题", "投诉问题");
	apart("", "");
	apart("", "噪声扰民");
	/* Inside a title a stock word stays. */
	apart("需要求助", "需助");
}

/* ---- cases ---- */

/* One database for the one test of a group: the office and department
 * A's staff, the shipped definitions and calendar. */
static int group_setup(void **state)
{
	struct fz_err err = { 0 };

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fz_dups_XXXXXX");
	cal = mkdtemp(tmpdir) ? calendar_open(NULL, &err) : NULL;
	db = cal ? fx_db_open(pg_url, tmpdir, "d", ++dbseq) : NULL;
	if (!db || workflows_load(workflows_default_dir(), &err)) {
		print_error("set-up: %s\n", err.msg);
		return -1;
	}
	fx_staff(db, people, NPEOPLE, dept, user);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (db)
		db_close(db);
	db = NULL;
	calendar_free(cal);
	workflows_unload();
	return fx_remove_tree(tmpdir);
}

static struct engine_ctx as(int p)
{
	return fx_as(db, cal, &people[p], user[p], dept, "2026-03-02");
}

/* A petition with `title`, its petitioner known by `phone_index` (may
 * be NULL). */
static int64_t petition(const char *title, const char *phone_index)
{
	int64_t id = fx_create(as(PO), "petition", json_pack(
		"{s:s,s:s,s:s,s:s}", "channel", "letter", "title", title,
		"content", "内容", "received_date", "2026-03-02"));

	assert_int_equal(db_exec(db, "INSERT INTO petitioner (case_id, "
				 "phone_index, created_at) VALUES (?, ?, 0)",
				 "is", id, phone_index), 1);
	return id;
}

static int64_t ticket(const char *title)
{
	return fx_create(as(PO), "hotline", json_pack("{s:s,s:s,s:s,s:s}",
		"request_type", "complaint", "channel", "phone", "title",
		title, "content", "内容"));
}

/* Take a petition to a signed reply: its primary clock stops. */
static void reply_petition(int64_t id)
{
	fx_act(as(PO), id, "accept", json_pack("{s:s,s:I}", "category",
		"claim", "handling_dept", (json_int_t)dept[DEPT_A]));
	fx_act(as(PO), id, "assign", json_pack("{s:I}", "handling_dept",
		(json_int_t)dept[DEPT_A]));
	fx_act(as(CLERK_A), id, "draft_reply",
	       json_pack("{s:s}", "reply_text", "已答复。"));
	fx_act(as(HEAD_A), id, "approve_reply", NULL);
}

static json_t *dups_of(int64_t id, const char *phone, const char *title)
{
	json_t *out = NULL;

	assert_int_equal(party_duplicates(db, id, phone, "", title, &out), 0);
	assert_non_null(out);
	return out;
}

static const char *why_offered(json_t *dups, int64_t id)
{
	json_t *d;
	size_t i;

	json_array_foreach(dups, i, d)
		if (json_integer_value(json_object_get(d, "id")) == id)
			return json_string_value(json_object_get(d, "why"));
	return NULL;
}

static void test_only_cases_still_handled_are_offered(void **state)
{
	int64_t open = petition("要求公开征地补偿标准", NULL);
	int64_t other = petition("反映园区企业拖欠工资", NULL);
	int64_t same_person = petition("咨询社保转移", "phone-1");
	int64_t replied = petition("要求公开征地补偿标准", "phone-1");
	int64_t closed = petition("公开征地补偿标准", NULL);
	int64_t declined = petition("再次要求公开补偿标准", "phone-1");
	int64_t answered = ticket("征地补偿标准公开");
	int64_t waiting = ticket("要求公开补偿标准");
	int64_t me = petition("再次要求公开补偿标准", "phone-1");
	json_t *dups;

	(void)state;
	reply_petition(replied);
	reply_petition(closed);
	fx_act(as(PO), closed, "close", NULL);
	fx_act(as(PO), declined, "decline",
	       json_pack("{s:s}", "decline_reason", "不属于受理范围"));
	fx_act(as(PO), answered, "dispatch", json_pack("{s:I}", "dept",
		(json_int_t)dept[DEPT_A]));
	fx_act(as(CLERK_A), answered, "accept", NULL);
	fx_act(as(CLERK_A), answered, "reply",
	       json_pack("{s:s}", "reply_text", "已答复。"));

	dups = dups_of(me, "phone-1", "再次要求公开补偿标准");
	assert_string_equal(why_offered(dups, open), "title");
	assert_string_equal(why_offered(dups, same_person), "phone");
	assert_string_equal(why_offered(dups, waiting), "title");
	assert_null(why_offered(dups, other));
	assert_null(why_offered(dups, replied));
	assert_null(why_offered(dups, closed));
	assert_null(why_offered(dups, declined));
	assert_null(why_offered(dups, answered));
	assert_null(why_offered(dups, me));
	assert_int_equal(json_array_size(dups), 3);
	json_decref(dups);

	/* The lamp is no duplicate of the wages. */
	dups = dups_of(other, NULL, "反映园区某路灯不亮");
	assert_int_equal(json_array_size(dups), 0);
	json_decref(dups);
}

int main(void)
{
	const struct CMUnitTest titles[] = {
		cmocka_unit_test(test_titles_of_one_matter),
		cmocka_unit_test(test_titles_of_different_matters),
	};
	const struct CMUnitTest cases[] = {
		cmocka_unit_test(test_only_cases_still_handled_are_offered),
	};
	const char *pg = getenv("FAZHI_TEST_PG_URL");
	int failed;

	failed = cmocka_run_group_tests_name("similar titles", titles, NULL,
					     NULL);
	failed += cmocka_run_group_tests_name("duplicates on SQLite", cases,
					      group_setup, group_teardown);
	if (pg && *pg) {
		pg_url = pg;
		failed += cmocka_run_group_tests_name(
			"duplicates on PostgreSQL", cases, group_setup,
			group_teardown);
	}
	return failed ? 1 : 0;
}
