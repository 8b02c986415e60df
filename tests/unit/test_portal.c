/* test_portal.c: the publishing pipeline — index numbers, the catalogue,
 * the channels, the review gate, redaction and attachment text
 *
 * Each test gets a fresh SQLite database (and, with $FAZHI_TEST_PG_URL,
 * a second pass on PostgreSQL) with the shipped definitions and the
 * official calendar; people act at 10:00 on dates of 2022.
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
#include <zlib.h>

#include "calendar/official.h"
#include "core/buf.h"
#include "core/util.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "pii/pii.h"
#include "portal/publication.h"
#include "store/store.h"

#include "fixtures.h"

#define R(x) (1u << (x))

static int dbseq;
static const char *pg_url;

enum { OGI, SEC, HEAD, LEADER, CLERK, NPEOPLE };

static const struct fx_person people[NPEOPLE] = {
	[OGI] = { "ogi", R(ROLE_OGI_OFFICER), OFFICE },
	[SEC] = { "secrecy", R(ROLE_CONF_REVIEWER), OFFICE },
	[HEAD] = { "head", R(ROLE_DEPT_HEAD), DEPT_A },
	[LEADER] = { "leader", R(ROLE_LEADER), -1 },
	[CLERK] = { "clerk", R(ROLE_CLERK), DEPT_A },
};

static struct fx_staffed *F;

static int setup(void **state)
{
	F = fx_staffed_open(pg_url, "p", ++dbseq, people, NPEOPLE);
	*state = F;
	return F ? 0 : -1;
}

static int teardown(void **state)
{
	F = NULL;
	return fx_db_teardown(state);
}

/* ---- shorthands ---- */

struct as {
	struct engine_ctx e;
	struct pub_env env;
};

static void as(struct as *a, int p, const char *day)
{
	a->e = fx_as(F->db, fx_cal, &people[p], F->user[p], F->dept, day);
	a->env.e = &a->e;
	a->env.store.data_dir = fx_scratch;
	a->env.store.kr = NULL;
}

static json_t *draft_fields(const char *title, const char *body,
			    const char *formed)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "title", title, "body",
			 body, "catalogue", "08", "formed_on", formed,
			 "channels", "county_site");
}

/* A draft by the officer, which must be accepted. */
static int64_t draft(const char *day, const char *body, const char *formed)
{
	struct as a;
	struct fz_err err = { 0 };
	json_t *f = draft_fields("关于做好防汛工作的通知", body, formed);
	int64_t id = 0;
	int rc;

	as(&a, OGI, day);
	rc = pub_create(&a.env, f, NULL, &id, &err);
	if (rc)
		print_error("draft: %s %s\n", err.code, err.msg);
	assert_int_equal(rc, 0);
	json_decref(f);
	return id;
}

static void act_ok(int p, const char *day, int64_t id, const char *action,
		   json_t *fields)
{
	struct as a;
	struct fz_err err = { 0 };
	int rc;

	as(&a, p, day);
	rc = pub_act(&a.env, id, action, fields, NULL, &err);
	if (rc)
		print_error("%s: %s %s\n", action, err.code, err.msg);
	assert_int_equal(rc, 0);
	json_decref(fields);
}

/* The action must be refused with `code`; returns the message. */
static const char *act_refused(int p, const char *day, int64_t id,
			       const char *action, json_t *fields,
			       const char *code)
{
	static struct fz_err err;
	struct as a;

	memset(&err, 0, sizeof(err));
	as(&a, p, day);
	assert_int_not_equal(pub_act(&a.env, id, action, fields, NULL, &err),
			     0);
	if (strcmp(err.code, code))
		print_error("%s: %s %s\n", action, err.code, err.msg);
	assert_string_equal(err.code, code);
	json_decref(fields);
	return err.msg;
}

static char *index_of(int64_t id)
{
	struct pub_item p;
	char *s;

	assert_int_equal(pub_get(F->db, id, true, &p), 0);
	s = xstrdup(p.index_no);
	pub_item_release(&p);
	return s;
}

static void assert_index(int64_t id, const char *want)
{
	char *s = index_of(id);

	assert_string_equal(s, want);
	free(s);
}

/* ---- index numbers ---- */

static void test_index_format(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	pub_index_format(PUB_ORG_CODE_DEFAULT, 2022, 1, &b);
	assert_string_equal(buf_cstr(&b), "11330624736120582U/2022-00001");
	buf_reset(&b);
	pub_index_format("11330624736120582U", 2022, 123456, &b);
	assert_string_equal(buf_cstr(&b), "11330624736120582U/2022-123456");
	buf_release(&b);
}

/* Serials per organisation and year, unique and without gaps: a draft
 * refused or rolled back takes none. */
static void test_index_gap_free(void **state)
{
	struct as a;
	struct fz_err err = { 0 };
	json_t *f;
	int64_t id = 0, n = 0;

	(void)state;
	assert_index(draft("2022-03-01", "正文一", "2022-03-01"),
		     "11330624736120582U/2022-00001");
	assert_index(draft("2022-03-01", "正文二", "2022-02-28"),
		     "11330624736120582U/2022-00002");
	/* the year is the 生成日期's */
	assert_index(draft("2022-01-04", "去年的文件", "2021-12-30"),
		     "11330624736120582U/2021-00001");

	/* refused: an unknown section; a missing field */
	as(&a, OGI, "2022-03-02");
	f = json_pack("{s:s,s:s,s:s,s:s}", "title", "标题", "body", "正文",
		      "catalogue", "99", "formed_on", "2022-03-02");
	assert_int_not_equal(pub_create(&a.env, f, NULL, &id, &err), 0);
	assert_string_equal(err.code, "field_invalid");
	json_decref(f);
	f = json_pack("{s:s,s:s}", "title", "标题", "catalogue", "08");
	assert_int_not_equal(pub_create(&a.env, f, NULL, &id, &err), 0);
	assert_string_equal(err.code, "field_required");
	json_decref(f);
	/* refused: not the officer */
	as(&a, CLERK, "2022-03-02");
	f = draft_fields("标题", "正文", "2022-03-02");
	assert_int_not_equal(pub_create(&a.env, f, NULL, &id, &err), 0);
	assert_string_equal(err.code, "role_denied");
	json_decref(f);

	/* rolled back by the caller's transaction */
	as(&a, OGI, "2022-03-02");
	f = draft_fields("标题", "正文", "2022-03-02");
	assert_int_equal(db_begin(F->db), 0);
	assert_int_equal(pub_create(&a.env, f, NULL, &id, &err), 0);
	assert_int_equal(db_rollback(F->db), 0);
	json_decref(f);

	assert_index(draft("2022-03-03", "正文三", "2022-03-03"),
		     "11330624736120582U/2022-00003");
	assert_int_equal(db_scalar_int(F->db, &n, "SELECT COUNT(DISTINCT "
					"index_no) FROM publications", ""), 0);
	assert_int_equal(n, 4);

	/* another organisation code starts its own series */
	assert_int_equal(pub_settings_save(F->db, &a.e.actor,
					   "913306241234567883",
					   "新昌高新园区管理委员会", &err), 0);
	assert_index(draft("2022-03-04", "正文四", "2022-03-04"),
		     "913306241234567883/2022-00001");
}

static void test_credit_codes(void **state)
{
	(void)state;
	assert_true(pub_credit_code_valid(PUB_ORG_CODE_DEFAULT));
	assert_true(pub_credit_code_valid("91110000600037341L"));
	assert_true(pub_credit_code_valid("11330624002003002C"));
	assert_true(pub_credit_code_valid("913306240000001820"));
	assert_false(pub_credit_code_valid("91110000600037341M"));
	assert_false(pub_credit_code_valid("11330624736120582"));
	assert_false(pub_credit_code_valid("1133062473612058IU"));
	assert_false(pub_credit_code_valid(NULL));
}

/* ---- the catalogue and channels ---- */

static void test_catalogue(void **state)
{
	struct pub_catalogue c;
	struct pub_category_in in = { 0 };
	struct actor who = { 0, "ogi", "ogi_officer", "-", "-" };
	struct fz_err err = { 0 };
	const struct pub_category *k, *parent;
	int64_t id = 0, sub = 0;
	size_t i;

	(void)state;
	assert_int_equal(pub_catalogue_load(F->db, false, &c), 0);
	assert_true(c.n >= 17);
	/* tree order: 政策文件 then its three children */
	k = pub_category_find(&c, 0, "02");
	assert_non_null(k);
	assert_string_equal(k->name, "政策文件");
	assert_string_equal(k[1].code, "0201");
	assert_int_equal(k[1].depth, 1);
	assert_string_equal(k[3].code, "0203");
	assert_non_null(pub_category_find(&c, 0, "11"));
	assert_string_equal(pub_category_find(&c, 0, "11")->name,
			    "政府信息公开年报");
	pub_catalogue_release(&c);

	in.code = "0204";
	in.name = "部门文件";
	in.sort = 40;
	assert_int_equal(pub_catalogue_load(F->db, true, &c), 0);
	parent = pub_category_find(&c, 0, "02");
	in.parent_id = parent->id;
	pub_catalogue_release(&c);
	assert_int_equal(pub_category_save(F->db, &who, &in, &sub, &err), 0);
	/* a code is used once */
	in.name = "重复";
	assert_int_not_equal(pub_category_save(F->db, &who, &in, &id, &err),
			     0);
	assert_string_equal(err.code, "duplicate");
	/* no section below itself */
	assert_int_equal(pub_catalogue_load(F->db, true, &c), 0);
	in.id = pub_category_find(&c, 0, "02")->id;
	in.code = "02";
	in.name = "政策文件";
	in.parent_id = sub;
	pub_catalogue_release(&c);
	assert_int_not_equal(pub_category_save(F->db, &who, &in, &id, &err),
			     0);
	assert_string_equal(err.code, "field_invalid");
	/* a bad code */
	memset(&in, 0, sizeof(in));
	in.code = "有空 格";
	in.name = "x";
	assert_int_not_equal(pub_category_save(F->db, &who, &in, &id, &err),
			     0);

	/* disabled: gone from the drafting list, refused for a draft */
	memset(&in, 0, sizeof(in));
	in.id = sub;
	in.code = "0204";
	in.name = "部门文件";
	assert_int_equal(pub_catalogue_load(F->db, true, &c), 0);
	in.parent_id = pub_category_find(&c, 0, "02")->id;
	pub_catalogue_release(&c);
	in.disabled = true;
	assert_int_equal(pub_category_save(F->db, &who, &in, NULL, &err), 0);
	assert_int_equal(pub_catalogue_load(F->db, false, &c), 0);
	assert_null(pub_category_find(&c, 0, "0204"));
	for (i = 0; i < c.n; i++)
		assert_false(c.v[i].disabled);
	pub_catalogue_release(&c);
	assert_int_equal(pub_catalogue_load(F->db, true, &c), 0);
	assert_non_null(pub_category_find(&c, 0, "0204"));
	pub_catalogue_release(&c);
	{
		struct as a;
		json_t *f = json_pack("{s:s,s:s,s:s,s:s}", "title", "t",
				      "body", "b", "catalogue", "0204",
				      "formed_on", "2022-03-01");

		as(&a, OGI, "2022-03-01");
		assert_int_not_equal(pub_create(&a.env, f, NULL, &id, &err),
				     0);
		assert_string_equal(err.code, "field_invalid");
		json_decref(f);
	}
	/* audited */
	assert_int_equal(db_scalar_int(F->db, &id, "SELECT COUNT(*) FROM "
				       "audit_log WHERE action LIKE "
				       "'catalogue.%'", ""), 0);
	assert_int_equal(id, 2);
}

static void test_channels(void **state)
{
	struct buf b = BUF_INIT;
	struct fz_err err = { 0 };

	(void)state;
	assert_int_equal(pub_channels_parse("wechat, county_site,wechat", &b,
					    &err), 0);
	assert_string_equal(buf_cstr(&b), "county_site,wechat");
	buf_reset(&b);
	assert_int_equal(pub_channels_parse("", &b, &err), 0);
	assert_string_equal(buf_cstr(&b), "");
	/* "portal" alone: no outbound channel (every item is on it) */
	assert_int_equal(pub_channels_parse("portal", &b, &err), 0);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(pub_channels_parse("portal，wechat", &b, &err), 0);
	assert_string_equal(buf_cstr(&b), "wechat");
	buf_reset(&b);
	assert_int_not_equal(pub_channels_parse("county_site,weibo", &b,
						&err), 0);
	assert_string_equal(err.code, "field_invalid");
	assert_non_null(pub_channel_find("province"));
	assert_null(pub_channel_find("portal"));
	buf_release(&b);
}

/* ---- the review gate ---- */

static const char body_with_pii[] =
	"请于三日内报送材料。联系人手机13867512345。\n"
	"经办人身份证号330624199001010018。";

static void resolve(int p, const char *day, int64_t id, int64_t fid,
		    const char *how, const char *reason, const char *code)
{
	struct as a;
	struct fz_err err = { 0 };
	int rc;

	as(&a, p, day);
	rc = pub_resolve(&a.env, id, fid, how, reason, &err);
	if (!code) {
		if (rc)
			print_error("resolve: %s %s\n", err.code, err.msg);
		assert_int_equal(rc, 0);
	} else {
		assert_int_not_equal(rc, 0);
		assert_string_equal(err.code, code);
	}
}

static void test_gate(void **state)
{
	struct pub_finding *f = NULL;
	struct pub_item p;
	const char *msg;
	size_t n = 0;
	int64_t id = draft("2022-03-01", body_with_pii, "2022-03-01"), k = 0;

	(void)state;
	/* no review, no approval, no publication */
	msg = act_refused(OGI, "2022-03-01", id, "publish", NULL,
			  "wrong_state");
	assert_non_null(strstr(msg, "保密审查"));
	act_refused(LEADER, "2022-03-01", id, "approve", NULL, "wrong_state");
	act_refused(SEC, "2022-03-01", id, "submit", NULL, "role_denied");

	act_ok(OGI, "2022-03-02", id, "submit", NULL);
	assert_int_equal(pub_findings(F->db, id, 0, &f, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].kind, "mobile");
	assert_string_equal(f[0].masked, "138****2345");
	assert_string_equal(f[1].kind, "id18");
	assert_string_equal(f[1].masked, "330624********0018");
	/* the raw values are stored nowhere in the findings */
	assert_int_equal(db_scalar_int(F->db, &k, "SELECT COUNT(*) FROM "
				       "scan_findings WHERE masked LIKE "
				       "'%13867512345%' OR masked LIKE "
				       "'%199001010018%'", ""), 0);
	assert_int_equal(k, 0);

	/* unresolved findings hold review, approval and publication */
	msg = act_refused(SEC, "2022-03-02", id, "pass_review", NULL,
			  "findings_unresolved");
	assert_non_null(strstr(msg, "2 处"));
	assert_non_null(strstr(msg, "手机"));
	act_refused(LEADER, "2022-03-02", id, "approve", NULL,
		    "findings_unresolved");
	act_refused(OGI, "2022-03-02", id, "publish", NULL,
		    "findings_unresolved");

	/* only the reviewer resolves; a justification needs its reason */
	resolve(OGI, "2022-03-02", id, f[0].id, "redacted", "", "role_denied");
	resolve(SEC, "2022-03-02", id, f[1].id, "justified", "  ",
		"reason_required");
	resolve(SEC, "2022-03-02", id, f[1].id, "kept", "x", "field_invalid");
	resolve(SEC, "2022-03-02", id, f[0].id, "redacted", "", NULL);
	msg = act_refused(LEADER, "2022-03-02", id, "approve", NULL,
			  "findings_unresolved");
	assert_non_null(strstr(msg, "1 处"));
	resolve(SEC, "2022-03-02", id, f[1].id, "redacted", "", NULL);

	act_ok(SEC, "2022-03-03", id, "pass_review", NULL);
	resolve(SEC, "2022-03-03", id, f[1].id, "justified", "x",
		"wrong_state");
	act_refused(OGI, "2022-03-03", id, "approve", NULL, "role_denied");
	act_refused(CLERK, "2022-03-03", id, "approve", NULL, "role_denied");
	msg = act_refused(OGI, "2022-03-03", id, "publish", NULL,
			  "wrong_state");
	assert_non_null(strstr(msg, "批准"));
	act_ok(HEAD, "2022-03-04", id, "approve", NULL);
	act_refused(LEADER, "2022-03-04", id, "publish", NULL, "role_denied");
	act_refused(OGI, "2022-03-04", id, "withdraw", NULL, "wrong_state");
	act_ok(OGI, "2022-03-07", id, "publish", NULL);

	assert_int_equal(pub_get(F->db, id, false, &p), 0);
	assert_true(p.published_at > 0);
	assert_null(strstr(p.body, "13867512345"));
	assert_null(strstr(p.body, "199001010018"));
	assert_non_null(strstr(p.body, "138****2345"));
	assert_non_null(strstr(p.body, "330624********0018"));
	pub_item_release(&p);
	pub_findings_free(f, n);

	/* the scanner's result is part of the review's record */
	assert_int_equal(db_scalar_int(F->db, &k, "SELECT COUNT(*) FROM "
				       "case_events e JOIN publications p ON "
				       "p.case_id = e.case_id WHERE p.id = ? "
				       "AND e.action = 'pass_review' AND "
				       "e.fields LIKE '%遮盖 2 处%'", "i", id),
			 0);
	assert_int_equal(k, 1);
	/* every decision audited */
	assert_int_equal(db_scalar_int(F->db, &k, "SELECT COUNT(*) FROM "
				       "audit_log WHERE action = "
				       "'publication.finding'", ""), 0);
	assert_int_equal(k, 2);

	/* withdrawal needs a reason, then the item is gone from counts */
	assert_int_equal(pub_count_published(F->db, "county_site", 2022, &k),
			 0);
	assert_int_equal(k, 1);
	act_refused(OGI, "2022-03-08", id, "withdraw", NULL, "field_required");
	act_ok(OGI, "2022-03-08", id, "withdraw",
	       json_pack("{s:s}", "withdraw_reason", "内容有误"));
	assert_int_equal(pub_get(F->db, id, false, &p), 0);
	assert_true(p.withdrawn_at > 0);
	assert_string_equal(p.withdraw_reason, "内容有误");
	pub_item_release(&p);
	assert_int_equal(pub_count_published(F->db, "county_site", 2022, &k),
			 0);
	assert_int_equal(k, 0);
}

/* A return to draft needs a new review round, with its own findings. */
static void test_new_round(void **state)
{
	struct pub_finding *f = NULL;
	size_t n = 0;
	int64_t id = draft("2022-03-01", body_with_pii, "2022-03-01");

	(void)state;
	act_ok(OGI, "2022-03-01", id, "submit", NULL);
	act_refused(SEC, "2022-03-02", id, "reject_review", NULL,
		    "field_required");
	act_ok(SEC, "2022-03-02", id, "reject_review",
	       json_pack("{s:s}", "return_reason", "删去个人信息"));
	act_refused(OGI, "2022-03-02", id, "revise",
		    json_pack("{s:s}", "catalogue", "nope"), "field_invalid");
	act_ok(OGI, "2022-03-02", id, "revise",
	       json_pack("{s:s,s:s}", "body", "请于三日内报送材料。",
			 "channels", "wechat,county_site"));
	act_ok(OGI, "2022-03-03", id, "submit", NULL);
	assert_int_equal(pub_findings(F->db, id, 0, &f, &n), 0);
	assert_int_equal(n, 0);
	pub_findings_free(f, n);
	assert_int_equal(pub_findings(F->db, id, 1, &f, &n), 0);
	assert_int_equal(n, 2);
	pub_findings_free(f, n);
	act_ok(SEC, "2022-03-03", id, "pass_review", NULL);
	act_ok(LEADER, "2022-03-04", id, "approve", NULL);
	act_ok(OGI, "2022-03-04", id, "publish", NULL);
	{
		struct pub_item p;

		assert_int_equal(pub_get(F->db, id, false, &p), 0);
		assert_string_equal(p.channels, "county_site,wechat");
		assert_int_equal(p.nfiles, 0);
		assert_string_equal(p.body, "请于三日内报送材料。");
		assert_int_equal(p.review_round, 2);
		pub_item_release(&p);
	}
}

/* The 20-working-day clock runs from the 生成日期 and stops at
 * publication; a late one is supervised. */
static void test_clock(void **state)
{
	struct case_clock *k = NULL;
	struct pub_item p;
	size_t n = 0;
	int supervised = -1;
	int64_t id = draft("2022-03-01", "正文", "2022-02-28");

	(void)state;
	assert_int_equal(pub_get(F->db, id, true, &p), 0);
	assert_int_equal(case_clocks(F->db, p.case_id, &k, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(k[0].clock_id, "publish_limit");
	/* 2022-02-28 + 20 working days: 2022-03-28 */
	assert_int_equal(k[0].due, fx_day("2022-03-28"));
	free(k);
	/* past due: a supervision reminder */
	/* 1649296800: 2022-04-07 10:00 */
	assert_int_equal(engine_supervise(F->db, fx_cal, 1649296800,
					  &supervised), 0);
	assert_int_equal(supervised, 1);
	pub_item_release(&p);
}

/* ---- attachment text ---- */

static int extract(const char *mime, const void *data, size_t n,
		   struct buf *out)
{
	buf_reset(out);
	return pub_extract_text(mime, data, n, out);
}

static void test_extract_pdf(void **state)
{
	static const char content[] =
		"BT /F1 12 Tf 72 700 Td (\\(0575\\) 8601) Tj [(23) -20 (45)] "
		"TJ ET BT <313338> Tj (67512345) Tj ET";
	struct buf out = BUF_INIT, pdf = BUF_INIT;
	uLongf zn = compressBound(sizeof(content));
	unsigned char *z = xmalloc(zn);

	(void)state;
	buf_printf(&pdf, "%%PDF-1.4\n1 0 obj << /Length %zu >>\nstream\n%s\n"
		   "endstream\nendobj\n%%%%EOF\n", strlen(content), content);
	assert_int_equal(extract("application/pdf", pdf.data, pdf.len, &out),
			 PUB_TEXT_FULL);
	assert_non_null(strstr(buf_cstr(&out), "(0575) 86012345"));
	assert_non_null(strstr(buf_cstr(&out), "13867512345"));

	/* the same content deflated */
	assert_int_equal(compress(z, &zn, (const Bytef *)content,
				  sizeof(content) - 1), Z_OK);
	buf_reset(&pdf);
	buf_printf(&pdf, "%%PDF-1.5\n2 0 obj << /Filter /FlateDecode /Length "
		   "%lu >>\nstream\n", (unsigned long)zn);
	buf_add(&pdf, z, zn);
	buf_puts(&pdf, "\nendstream\nendobj\n");
	assert_int_equal(extract("application/pdf", pdf.data, pdf.len, &out),
			 PUB_TEXT_FULL);
	assert_non_null(strstr(buf_cstr(&out), "13867512345"));

	/* a two-byte font: what it shows cannot be read here */
	buf_puts(&pdf, "3 0 obj << /Type /Font /Subtype /Type0 /Encoding "
		 "/Identity-H >> endobj\n");
	assert_int_equal(extract("application/pdf", pdf.data, pdf.len, &out),
			 PUB_TEXT_PARTIAL);
	/* scanned pages only */
	buf_reset(&pdf);
	buf_puts(&pdf, "%PDF-1.4\n1 0 obj << /Subtype /Image /Filter "
		 "/DCTDecode /Length 3 >>\nstream\nabc\nendstream\nendobj\n");
	assert_int_equal(extract("application/pdf", pdf.data, pdf.len, &out),
			 PUB_TEXT_NONE);
	assert_int_equal(extract("application/pdf", "GIF89a", 6, &out),
			 FZ_ERR);
	free(z);
	buf_release(&pdf);
	buf_release(&out);
}

static void put16(struct buf *b, unsigned v)
{
	buf_putc(b, (char)(v & 0xff));
	buf_putc(b, (char)(v >> 8));
}

static void put32(struct buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

/* A ZIP of one stored entry. */
static void zip_one(struct buf *z, const char *name, const char *data)
{
	uint32_t crc = (uint32_t)crc32(0, (const Bytef *)data,
				       (uInt)strlen(data));
	size_t cd;

	put32(z, 0x04034b50);
	put16(z, 20); put16(z, 0); put16(z, 0); put16(z, 0); put16(z, 0);
	put32(z, crc);
	put32(z, (uint32_t)strlen(data));
	put32(z, (uint32_t)strlen(data));
	put16(z, (unsigned)strlen(name));
	put16(z, 0);
	buf_puts(z, name);
	buf_puts(z, data);
	cd = z->len;
	put32(z, 0x02014b50);
	put16(z, 20); put16(z, 20); put16(z, 0); put16(z, 0); put16(z, 0);
	put16(z, 0);
	put32(z, crc);
	put32(z, (uint32_t)strlen(data));
	put32(z, (uint32_t)strlen(data));
	put16(z, (unsigned)strlen(name));
	put16(z, 0); put16(z, 0); put16(z, 0); put16(z, 0);
	put32(z, 0);
	put32(z, 0);
	buf_puts(z, name);
	put32(z, 0x06054b50);
	put16(z, 0); put16(z, 0); put16(z, 1); put16(z, 1);
	put32(z, (uint32_t)(z->len - cd - 4 - 2 * 4));
	put32(z, (uint32_t)cd);
	put16(z, 0);
}

static void test_extract_office(void **state)
{
	struct buf out = BUF_INIT, z = BUF_INIT;

	(void)state;
	zip_one(&z, "word/document.xml", "<w:document><w:body><w:p><w:r>"
		"<w:t>联系电话：138</w:t></w:r><w:r><w:t>6751</w:t></w:r>"
		"<w:r><w:t>2345</w:t></w:r></w:p><w:p><w:r><w:t>A&amp;B"
		"&#x4E2D;</w:t></w:r></w:p></w:body></w:document>");
	assert_int_equal(extract("application/vnd.openxmlformats-"
				 "officedocument.wordprocessingml.document",
				 z.data, z.len, &out), PUB_TEXT_FULL);
	assert_string_equal(buf_cstr(&out), "联系电话：13867512345\nA&B中\n");
	buf_reset(&z);
	zip_one(&z, "Doc_0/Pages/Page_0/Content.xml", "<ofd:Page><ofd:"
		"TextObject><ofd:TextCode X=\"1\">邮箱a@b.cn</ofd:TextCode>"
		"</ofd:TextObject></ofd:Page>");
	assert_int_equal(extract("application/ofd", z.data, z.len, &out),
			 PUB_TEXT_FULL);
	assert_string_equal(buf_cstr(&out), "邮箱a@b.cn\n");
	assert_int_equal(extract("text/plain; charset=utf-8", "电话86012345",
				 14, &out), PUB_TEXT_FULL);
	assert_int_equal(extract("image/png", "x", 1, &out), PUB_TEXT_NONE);
	assert_int_equal(extract("application/ofd", "PK", 2, &out), FZ_ERR);
	buf_release(&z);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_format),
		cmocka_unit_test(test_credit_codes),
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_extract_pdf),
		cmocka_unit_test(test_extract_office),
		cmocka_unit_test_setup_teardown(test_index_gap_free, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_catalogue, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_round, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_clock, setup, teardown),
	};
	static char dir[] = "/tmp/fz_portal_XXXXXX";

	fx_scratch = dir;
	return FX_RUN_TWICE("portal", tests, fx_world_setup,
			    fx_world_teardown, &pg_url) ? 1 : 0;
}
