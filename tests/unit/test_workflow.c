/* test_workflow.c: procedure definitions — the shipped ones load, broken
 * ones are refused naming the file, the line and the problem
 *
 * Each broken definition is the small valid one below with one change,
 * written alone into a fresh directory; the expected line is where the
 * changed text sits in the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/util.h"
#include "engine/workflow.h"

static char tmpdir[] = "/tmp/fz_workflow_XXXXXX";
static int dirseq;

static const char base[] =
	"{\n"
	"  \"procedure\": \"permit\",\n"
	"  \"version\": 1,\n"
	"  \"title\": \"测试许可\",\n"
	"  \"legal_basis\": \"《行政许可法》\",\n"
	"  \"number_format\": \"测许〔{year}〕{seq:3}号\",\n"
	"  \"fields\": {\n"
	"    \"subject\": { \"type\": \"text\", \"label\": \"事项\", "
	"\"max\": 50 },\n"
	"    \"reason\": { \"type\": \"text\", \"label\": \"理由\" },\n"
	"    \"kind\": { \"type\": \"enum\", \"label\": \"类别\", "
	"\"values\": [\"a\", \"b\"] },\n"
	"    \"received\": { \"type\": \"date\", \"label\": \"收到日期\" }\n"
	"  },\n"
	"  \"states\": [\n"
	"    { \"id\": \"open\", \"label\": \"办理中\" },\n"
	"    { \"id\": \"waiting\", \"label\": \"待补正\" },\n"
	"    { \"id\": \"done\", \"label\": \"已办结\", \"final\": true }\n"
	"  ],\n"
	"  \"actions\": [\n"
	"    { \"id\": \"apply\", \"label\": \"申请\",\n"
	"      \"from\": null, \"to\": \"open\",\n"
	"      \"roles\": [\"clerk\"],\n"
	"      \"required\": [\"subject\", \"received\"],\n"
	"      \"optional\": [\"kind\"],\n"
	"      \"basis\": \"第二十九条\" },\n"
	"    { \"id\": \"ask\", \"label\": \"通知补正\",\n"
	"      \"from\": [\"open\"], \"to\": \"waiting\",\n"
	"      \"roles\": [\"clerk\", \"dept_head\"],\n"
	"      \"required\": [\"reason\"],\n"
	"      \"basis\": \"第三十二条\" },\n"
	"    { \"id\": \"supply\", \"label\": \"补正\",\n"
	"      \"from\": [\"waiting\"], \"to\": \"open\",\n"
	"      \"roles\": [\"clerk\"],\n"
	"      \"basis\": \"第三十二条（补正）\" },\n"
	"    { \"id\": \"extend\", \"label\": \"延期\",\n"
	"      \"from\": [\"open\", \"waiting\"],\n"
	"      \"roles\": [\"leader\"],\n"
	"      \"optional\": [\"reason\"],\n"
	"      \"basis\": \"第四十二条（延长）\" },\n"
	"    { \"id\": \"decide\", \"label\": \"决定\",\n"
	"      \"from\": [\"open\"], \"to\": \"done\",\n"
	"      \"roles\": [\"dept_head\"],\n"
	"      \"basis\": \"第四十二条\" }\n"
	"  ],\n"
	"  \"clocks\": [\n"
	"    { \"id\": \"decision\", \"label\": \"决定期限\",\n"
	"      \"unit\": \"working\", \"length\": 20,\n"
	"      \"start\": \"apply\", \"start_field\": \"received\",\n"
	"      \"stop\": [\"decide\"],\n"
	"      \"pause\": [\"ask\"], \"resume\": [\"supply\"],\n"
	"      \"extension\": { \"action\": \"extend\", \"length\": 10, "
	"\"max\": 1, \"roles\": [\"leader\"] },\n"
	"      \"primary\": true,\n"
	"      \"basis\": \"《行政许可法》第四十二条\" }\n"
	"  ]\n"
	"}\n";

/* ---- shorthands ---- */

static char *new_dir(void)
{
	char *d = xasprintf("%s/d%d", tmpdir, ++dirseq);

	assert_int_equal(mkdir(d, 0700), 0);
	return d;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);

	assert_int_equal(write_file_atomic(path, text, strlen(text), 0600), 0);
	free(path);
}

/* `text` with the first `old` replaced by `new` (malloc'd). */
static char *replace(const char *text, const char *old, const char *new)
{
	const char *p = strstr(text, old);
	struct buf b = BUF_INIT;

	if (!p)
		print_error("test bug: \"%s\" not in the base\n", old);
	assert_non_null(p);
	buf_add(&b, text, (size_t)(p - text));
	buf_puts(&b, new);
	buf_puts(&b, p + strlen(old));
	return buf_detach(&b, NULL);
}

/* Line of the `nth` (1-based) occurrence of `s` in `text`. */
static int line_of(const char *text, const char *s, int nth)
{
	const char *p = text, *q;
	int line = 1;

	while (nth-- > 0) {
		q = strstr(p, s);
		assert_non_null(q);
		for (; p < q; p++)
			if (*p == '\n')
				line++;
		if (nth > 0)
			p = q + 1;
	}
	return line;
}

/* Loading `text` as x.json must fail at `line` saying `problem`. */
static void expect_bad_at(const char *text, int line, const char *problem)
{
	struct fz_err err = { 0 };
	char *dir = new_dir(), want[64];
	const struct workflow *before = workflow_find("petition", 0);

	write_text(dir, "x.json", text);
	assert_int_not_equal(workflows_load(dir, &err), 0);
	snprintf(want, sizeof(want), "/x.json:%d: ", line);
	if (!strstr(err.msg, want) || !strstr(err.msg, problem))
		print_error("got \"%s\"; want \"%s\" and \"%s\"\n", err.msg,
			    want, problem);
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, problem));
	assert_string_equal(err.code, "bad_workflow");
	/* A failed load leaves the registry as it was. */
	assert_ptr_equal(workflow_find("petition", 0), before);
	free(dir);
}

/* Replace `old` by `new` in the base; the error sits on the line of the
 * `nth` occurrence of `mark` in the changed text. */
static void expect_bad(const char *old, const char *new, const char *mark,
		       int nth, const char *problem)
{
	char *text = replace(base, old, new);

	expect_bad_at(text, line_of(text, mark, nth), problem);
	free(text);
}

static int setup(void **state)
{
	struct fz_err err = { 0 };

	if (!mkdtemp(tmpdir))
		return -1;
	if (workflows_load(workflows_default_dir(), &err)) {
		print_error("shipped definitions: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	workflows_unload();
	return rc == 0 ? 0 : -1;
}

/* ---- the shipped definitions ---- */

static void test_shipped_petition(void **state)
{
	const struct workflow *w = workflow_find("petition", 0);
	const struct wf_clock *h;
	const struct wf_action *a;
	struct buf b = BUF_INIT;
	size_t i;

	assert_non_null(w);
	assert_int_equal(w->version, 2);
	assert_ptr_equal(workflow_find("petition", 2), w);
	assert_non_null(workflow_find("petition", 1));
	assert_null(workflow_find("petition", 3));
	assert_string_equal(w->create->id, "register");
	/* version 2: the petitioner's windows bind the office too */
	assert_ptr_equal(wf_action(w, "request_review")->within,
			 wf_clock(w, "review_window"));
	assert_int_equal(wf_action(w, "archive")->nafter, 2);
	assert_true(wf_clock(w, "handling")->ext_before_due);
	assert_int_equal(wf_field(w, "attachments")->type, WF_FILE);
	h = wf_clock(w, "handling");
	assert_non_null(h);
	assert_int_equal(h->unit, CAL_CALENDAR_DAYS);
	assert_int_equal(h->length, 60);
	assert_string_equal(h->ext_action->id, "extend");
	assert_int_equal(h->ext_length, 30);
	assert_int_equal(h->ext_max, 1);
	assert_true(h->primary);
	assert_non_null(strstr(h->basis, "第三十四条"));
	assert_int_equal(wf_clock(w, "notice")->length, 15);
	assert_true(wf_clock(w, "objection")->window);
	assert_int_equal(wf_clock(w, "objection")->unit, CAL_WORKING_DAYS);
	for (i = 0; i < w->nactions; i++)
		assert_true(strlen(w->actions[i].basis) > 0);
	a = wf_action(w, "legal_opinion");
	assert_true(a->legal_review);
	assert_true(a->roles & (1u << ROLE_LEGAL_ADVISER));
	a = wf_action(w, "approve_reply");
	assert_int_equal(a->roles, 1u << ROLE_DEPT_HEAD);
	assert_true(wf_state(w, "declined")->final);
	assert_true(wf_state(w, "merged")->final);
	assert_string_equal(wf_option_label(wf_field(w, "channel"),
					    "leader_instruction"),
			    "县领导批示转办件");
	wf_format_number(w, 2022, 1, &b);
	assert_string_equal(buf_cstr(&b), "新高信〔2022〕0001号");
	buf_reset(&b);
	wf_format_number(w, 2023, 12345, &b);
	assert_string_equal(buf_cstr(&b), "新高信〔2023〕12345号");
	buf_release(&b);
}

static void test_shipped_hotline(void **state)
{
	const struct workflow *w = workflow_find("hotline", 0);
	const struct wf_clock *h;
	struct buf b = BUF_INIT;

	assert_non_null(w);
	h = wf_clock(w, "handling");
	assert_int_equal(h->unit, CAL_WORKING_DAYS);
	assert_int_equal(wf_clock_length(h, "consult"), 3);
	assert_int_equal(wf_clock_length(h, "help"), 5);
	assert_int_equal(wf_clock_length(h, "complaint"), 7);
	assert_int_equal(wf_clock_length(h, "report"), 7);
	assert_int_equal(wf_clock_length(h, "suggestion"), 7);
	assert_int_equal(h->ext_length, 20);
	assert_true(h->ext_before_due);
	assert_non_null(strstr(h->basis, "地方做法"));
	assert_true(wf_field(w, "co_depts")->multiple);
	wf_format_number(w, 2022, 7, &b);
	assert_string_equal(buf_cstr(&b), "新高热〔2022〕0007号");
	buf_release(&b);
}

static void test_default_dir_from_env(void **state)
{
	setenv("FAZHI_WORKFLOWS", "/somewhere/else", 1);
	assert_string_equal(workflows_default_dir(), "/somewhere/else");
	unsetenv("FAZHI_WORKFLOWS");
	assert_non_null(strstr(workflows_default_dir(), "/workflows"));
	assert_null(strstr(workflows_default_dir(), "/data/"));
}

/* The small base itself is valid, and a second version loads beside it:
 * the newest is the default, the older stays reachable. */
static void test_versions_side_by_side(void **state)
{
	struct fz_err err = { 0 };
	char *dir = new_dir();
	char *v2 = replace(base, "\"version\": 1", "\"version\": 2");
	const struct workflow *w1, *w2;

	write_text(dir, "permit.json", base);
	write_text(dir, "permit-2.json", v2);
	assert_int_equal(workflows_load(dir, &err), 0);
	w1 = workflow_find("permit", 1);
	w2 = workflow_find("permit", 0);
	assert_non_null(w1);
	assert_non_null(w2);
	assert_int_equal(w2->version, 2);
	assert_int_equal(workflow_count(), 2);
	assert_null(workflow_find("petition", 0));
	free(v2);
	free(dir);
	assert_int_equal(workflows_load(workflows_default_dir(), &err), 0);
}

/* ---- refused definitions ---- */

static void test_bad_json_syntax(void **state)
{
	char *text = replace(base, "\"version\": 1,", "\"version\": 1");

	/* jansson reports the token after the missing comma. */
	expect_bad_at(text, line_of(text, "\"title\"", 1), "expected");
	free(text);
}

static void test_bad_unknown_states(void **state)
{
	expect_bad("\"to\": \"done\"", "\"to\": \"dnoe\"", "dnoe", 1,
		   "action \"decide\": unknown state \"dnoe\" in to");
	expect_bad("\"from\": [\"waiting\"]", "\"from\": [\"wating\"]",
		   "wating", 1,
		   "action \"supply\": unknown state \"wating\" in from");
}

static void test_bad_clock_actions(void **state)
{
	expect_bad("\"stop\": [\"decide\"]", "\"stop\": [\"decied\"]",
		   "decied", 1,
		   "clock \"decision\": unknown action \"decied\" in stop");
	expect_bad("\"start\": \"apply\"", "\"start\": \"aply\"", "aply", 1,
		   "unknown action \"aply\" in start");
	expect_bad("\"pause\": [\"ask\"]", "\"pause\": [\"asc\"]", "asc", 1,
		   "unknown action \"asc\" in pause");
	expect_bad("\"action\": \"extend\"", "\"action\": \"extnd\"",
		   "extnd", 1, "extension: unknown action \"extnd\"");
	expect_bad("\"resume\": [\"supply\"]", "\"resume\": []", "\"id\": "
		   "\"decision\"", 1, "pause and resume go together");
	expect_bad("\"stop\": [\"decide\"]", "\"stop\": [\"apply\"]",
		   "\"stop\": [\"apply\"]", 1, "both starts and stops it");
}

/* A late stop must be able to give its reason: the field is text and
 * every stop action offers it. */
static void test_bad_late_field(void **state)
{
	expect_bad("\"primary\": true,", "\"primary\": true, "
		   "\"late_field\": \"kind\",", "late_field", 1,
		   "clock \"decision\": late_field must name a text field");
	expect_bad("\"primary\": true,", "\"primary\": true, "
		   "\"late_field\": \"reason\",", "late_field", 1,
		   "stop action \"decide\" has no field \"reason\"");
}

static void test_bad_roles(void **state)
{
	expect_bad("\"roles\": [\"clerk\", \"dept_head\"]",
		   "\"roles\": [\"clerk\", \"dept_haed\"]", "dept_haed", 1,
		   "action \"ask\": unknown role \"dept_haed\"");
	expect_bad("\"roles\": [\"leader\"],", "\"roles\": [\"sysadmin\"],",
		   "sysadmin", 1, "administrator role");
	expect_bad("\"roles\": [\"leader\"] }", "\"roles\": [\"boss\"] }",
		   "boss", 1, "extension: unknown role \"boss\"");
	expect_bad("\"roles\": [\"dept_head\"],\n", "\"roles\": [],\n",
		   "\"roles\": []", 1, "non-empty list of role codes");
}

static void test_bad_fields(void **state)
{
	expect_bad("\"required\": [\"reason\"]", "\"required\": [\"reasn\"]",
		   "reasn", 1,
		   "action \"ask\": unknown field \"reasn\" in required");
	expect_bad("\"optional\": [\"kind\"]", "\"optional\": [\"knd\"]",
		   "knd", 1, "unknown field \"knd\" in optional");
	expect_bad("\"optional\": [\"kind\"]", "\"optional\": [\"subject\"]",
		   "\"optional\": [\"subject\"]", 1,
		   "field \"subject\" listed twice");
	expect_bad("\"type\": \"date\"", "\"type\": \"datum\"", "datum", 1,
		   "field \"received\": type must be");
	expect_bad("\"values\": [\"a\", \"b\"]", "\"values\": []",
		   "\"values\": []", 1, "non-empty \"values\"");
	expect_bad("\"start_field\": \"received\"",
		   "\"start_field\": \"subject\"", "\"start_field\"", 1,
		   "start_field must name a date field");
}

/* File fields are lists; "after" must name window clocks. */
static void test_bad_file_and_after(void **state)
{
	expect_bad("\"reason\": { \"type\": \"text\", \"label\": \"理由\" }",
		   "\"reason\": { \"type\": \"file\", \"label\": \"材料\", "
		   "\"min\": 1 }", "\"reason\"", 1,
		   "field \"reason\": a file field has no min");
	expect_bad("\"basis\": \"第四十二条\" }",
		   "\"after\": [\"decision\"], \"basis\": \"第四十二条\" }",
		   "\"after\"", 1,
		   "action \"decide\": \"after\" must name window clocks");
	expect_bad("\"basis\": \"第四十二条\" }",
		   "\"after\": \"nosuch\", \"basis\": \"第四十二条\" }",
		   "\"after\"", 1, "\"after\" must name window clocks");
}

/* A restart action must not also start, stop or pause the clock, and
 * must carry the clock's start_field. */
static void test_bad_restart(void **state)
{
	expect_bad("\"resume\": [\"supply\"],",
		   "\"resume\": [\"supply\"], \"restart\": [\"ask\"],",
		   "\"restart\"", 1,
		   "clock \"decision\": action \"ask\" restarts it and also "
		   "starts, stops or pauses it");
	expect_bad("\"resume\": [\"supply\"],",
		   "\"resume\": [\"supply\"], \"restart\": [\"extend\"],",
		   "\"start_field\"", 1,
		   "restart action \"extend\" has no field \"received\"");
}

static void test_bad_duplicate_ids(void **state)
{
	expect_bad("{ \"id\": \"waiting\", \"label\": \"待补正\" },",
		   "{ \"id\": \"waiting\", \"label\": \"待补正\" },\n"
		   "    { \"id\": \"open\", \"label\": \"再次\" },",
		   "\"id\": \"open\"", 2, "duplicate state id \"open\"");
	expect_bad("\"id\": \"supply\"", "\"id\": \"ask\"", "\"id\": \"ask\"",
		   2, "duplicate action id \"ask\"");
	expect_bad("\"kind\": { \"type\"", "\"reason\": { \"type\"",
		   "\"reason\": { \"type\"", 2, "duplicate");
}

static void test_bad_graph(void **state)
{
	/* supply no longer leaves "waiting". */
	expect_bad("\"from\": [\"waiting\"], \"to\": \"open\",",
		   "\"from\": [\"waiting\"],", "\"id\": \"waiting\"", 1,
		   "state \"waiting\" is not final and no action leads out");
	expect_bad("\"from\": [\"open\", \"waiting\"],",
		   "\"from\": [\"open\", \"done\"],", "\"id\": \"done\"", 1,
		   "state \"done\" is final but action \"extend\"");
	expect_bad("\"from\": [\"open\"], \"to\": \"waiting\",",
		   "\"from\": [\"waiting\"], \"to\": \"waiting\",",
		   "\"id\": \"waiting\"", 1, "cannot be reached");
	expect_bad("\"from\": null, \"to\": \"open\",",
		   "\"from\": [\"open\"], \"to\": \"open\",", "\"actions\"", 1,
		   "no create action");
	expect_bad("\"from\": [\"waiting\"], \"to\": \"open\",",
		   "\"from\": null, \"to\": \"open\",",
		   "\"from\": null, \"to\": \"open\",", 2,
		   "a second create action");
}

static void test_bad_legal_basis(void **state)
{
	char *text = replace(base, "  \"legal_basis\": \"《行政许可法》\",\n",
			     "");

	expect_bad_at(text, 1, "missing legal basis (\"legal_basis\")");
	free(text);
	expect_bad(",\n      \"basis\": \"第三十二条（补正）\" }", " }",
		   "\"id\": \"supply\"", 1,
		   "action \"supply\": missing legal basis");
	expect_bad(",\n      \"basis\": \"《行政许可法》第四十二条\" }", " }",
		   "\"id\": \"decision\"", 1,
		   "clock \"decision\": missing legal basis");
	expect_bad("\"basis\": \"第二十九条\"", "\"basis\": \"\"",
		   "\"basis\": \"\"", 1, "non-empty one-line string");
}

static void test_bad_number_format(void **state)
{
	expect_bad("{seq:3}", "{sq:3}", "number_format", 1,
		   "unknown placeholder");
	expect_bad("〔{year}〕{seq:3}号", "〔{year}〕号", "number_format", 1,
		   "exactly once");
	expect_bad("〔{year}〕{seq:3}号", "〔{year}〕{seq:3}{seq}号",
		   "number_format", 1, "exactly once");
	expect_bad("{seq:3}", "{seq:0}", "number_format", 1,
		   "unknown placeholder");
	expect_bad("{seq:3}号", "{seq:3}号}", "number_format", 1,
		   "unmatched");
}

static void test_bad_version(void **state)
{
	expect_bad("\"version\": 1", "\"version\": 0", "\"version\"", 1,
		   "version must be a positive integer");
	expect_bad("\"version\": 1", "\"version\": \"1\"", "\"version\"", 1,
		   "version must be a positive integer");
	expect_bad("\"version\": 1", "\"version\": 1.5", "\"version\"", 1,
		   "version must be a positive integer");
	expect_bad("  \"version\": 1,\n", "", "{", 1,
		   "version must be a positive integer");
}

static void test_bad_unknown_key(void **state)
{
	expect_bad("\"required\": [\"reason\"]", "\"requried\": [\"reason\"]",
		   "requried", 1, "action \"ask\": unknown key \"requried\"");
	expect_bad("\"primary\": true", "\"primray\": true", "primray", 1,
		   "unknown key \"primray\"");
}

static void test_bad_two_files_same_version(void **state)
{
	struct fz_err err = { 0 };
	char *dir = new_dir(), *other;

	other = replace(base, "测许", "别许");
	write_text(dir, "a.json", base);
	write_text(dir, "b.json", other);
	assert_int_not_equal(workflows_load(dir, &err), 0);
	assert_non_null(strstr(err.msg, "/b.json:3: "));
	assert_non_null(strstr(err.msg, "procedure \"permit\" version 1 is "
			       "also defined in"));
	assert_non_null(strstr(err.msg, "/a.json"));
	free(other);
	free(dir);

	/* Two procedures may not number their cases alike. */
	dir = new_dir();
	other = replace(base, "\"permit\"", "\"licence\"");
	write_text(dir, "a.json", base);
	write_text(dir, "b.json", other);
	assert_int_not_equal(workflows_load(dir, &err), 0);
	assert_non_null(strstr(err.msg, "/b.json:6: number_format is also "
			       "used"));
	free(other);
	free(dir);
}

static void test_bad_directory(void **state)
{
	struct fz_err err = { 0 };
	char *dir = new_dir();

	assert_int_not_equal(workflows_load(dir, &err), 0);
	assert_non_null(strstr(err.msg, "no *.json"));
	assert_int_not_equal(workflows_load("/nonexistent/fz", &err), 0);
	assert_non_null(strstr(err.msg, "cannot open"));
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_petition),
		cmocka_unit_test(test_shipped_hotline),
		cmocka_unit_test(test_default_dir_from_env),
		cmocka_unit_test(test_versions_side_by_side),
		cmocka_unit_test(test_bad_json_syntax),
		cmocka_unit_test(test_bad_unknown_states),
		cmocka_unit_test(test_bad_clock_actions),
		cmocka_unit_test(test_bad_roles),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_bad_file_and_after),
		cmocka_unit_test(test_bad_restart),
		cmocka_unit_test(test_bad_duplicate_ids),
		cmocka_unit_test(test_bad_graph),
		cmocka_unit_test(test_bad_legal_basis),
		cmocka_unit_test(test_bad_number_format),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_bad_late_field),
		cmocka_unit_test(test_bad_unknown_key),
		cmocka_unit_test(test_bad_two_files_same_version),
		cmocka_unit_test(test_bad_directory),
	};

	return cmocka_run_group_tests_name("workflow", tests, setup,
					   teardown);
}
