/* test_search.c: searching the portal's published items
 *
 * Items are written straight into `publications` (with the case each
 * one needs), indexed with search_index_item(), and searched.  Every
 * expectation about which items match is checked against a plain
 * substring test of the normalised text, so one- and two-character
 * queries are seen to find every item that contains them.
 *
 * With $FAZHI_TEST_PG_URL set the tests run again on that PostgreSQL
 * database, where the bigram postings serve queries of every length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

#include "portal/search.h"

static const char *pg_url;      /* the PostgreSQL pass, else NULL */
static int dbseq;

struct fix {
	struct db *db;
	int nitems;
};

static int setup(void **state)
{
	struct fix *fx = xcalloc(1, sizeof(*fx));

	fx->db = fx_db_open(pg_url, fx_scratch, "search", ++dbseq);
	if (!fx->db) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

/* ---- shorthands ---- */

static int64_t cat_id(struct fix *fx, const char *code)
{
	int64_t id = 0;

	assert_int_equal(db_scalar_int(fx->db, &id, "SELECT id FROM catalogue"
				       " WHERE code = ?", "s", code), 0);
	return id;
}

/* A publication, published on `day` (NULL: a draft) in section `code`
 * (NULL: none), not yet indexed.  Returns its id. */
static int64_t put_item(struct fix *fx, const char *title, const char *body,
			const char *code, const char *day)
{
	int n = ++fx->nitems;
	char number[32], index_no[48];
	int64_t case_id, id;

	snprintf(number, sizeof(number), "公2022-%04d", n);
	snprintf(index_no, sizeof(index_no), "11330624736120582U/2022-%05d",
		 n);
	case_id = fx_returned_id(db_query(fx->db, "INSERT INTO cases (proc,"
					  " version, year, seq, number, state,"
					  " fields, created_at, updated_at)"
					  " VALUES ('publication', 1, 2022, ?,"
					  " ?, 'published', '{}', 0, 0)"
					  " RETURNING id", "is", (int64_t)n,
					  number));
	id = fx_returned_id(db_query(fx->db, "INSERT INTO publications"
				     " (case_id, index_no, title, body,"
				     " publisher, catalogue_id, formed_on,"
				     " published_at, created_at, updated_at)"
				     " VALUES (?, ?, ?, ?, '新昌高新园区管理委员会',"
				     " ?, '2022-01-01', ?, 0, 0) RETURNING id",
				     "issszi", case_id, index_no, title, body,
				     code ? cat_id(fx, code) : 0,
				     day ? fx_at(day) : 0));
	return id;
}

/* put_item() and index it. */
static int64_t add(struct fix *fx, const char *title, const char *body,
		   const char *code, const char *day)
{
	int64_t id = put_item(fx, title, body, code, day);
	int rc = search_index_item(fx->db, id);

	if (rc)
		print_error("index: %s\n", db_errmsg(fx->db));
	assert_int_equal(rc, 0);
	return id;
}

#define MAXHITS 64

struct hits {
	int64_t id[MAXHITS];
	char title[MAXHITS][512];       /* with [ ] around the spans */
	char snippet[MAXHITS][512];
	size_t n;
	int64_t total;
};

/* The string with every span in brackets. */
static void bracket(char *out, size_t len, const char *s,
		    const struct search_span *sp, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i, pos = 0;

	for (i = 0; i < n; i++) {
		assert_true(sp[i].off >= pos);
		assert_true(sp[i].len > 0);
		buf_add(&b, s + pos, sp[i].off - pos);
		buf_putc(&b, '[');
		buf_add(&b, s + sp[i].off, sp[i].len);
		buf_putc(&b, ']');
		pos = sp[i].off + sp[i].len;
	}
	buf_puts(&b, s + pos);
	snprintf(out, len, "%s", buf_cstr(&b));
	buf_release(&b);
}

static int collect(const struct search_hit *h, void *arg)
{
	struct hits *hs = arg;

	assert_true(hs->n < MAXHITS);
	hs->id[hs->n] = h->id;
	bracket(hs->title[hs->n], sizeof(hs->title[0]), h->title,
		h->title_spans, h->ntitle_spans);
	bracket(hs->snippet[hs->n], sizeof(hs->snippet[0]), h->snippet,
		h->snippet_spans, h->nsnippet_spans);
	hs->n++;
	return 0;
}

static struct hits *find_page(struct fix *fx, const char *text, int64_t cat,
			      int year, int64_t offset, int limit)
{
	static struct hits hs;
	struct search_q q = { text, cat, year, offset, limit };
	int rc;

	memset(&hs, 0, sizeof(hs));
	rc = search_query(fx->db, &q, collect, &hs, &hs.total);
	if (rc)
		print_error("query '%s': %d %s\n", text, rc,
			    db_errmsg(fx->db));
	assert_int_equal(rc, 0);
	return &hs;
}

static struct hits *find(struct fix *fx, const char *text)
{
	return find_page(fx, text, 0, 0, 0, SEARCH_LIMIT_MAX);
}

static bool has(const struct hits *hs, int64_t id)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		if (hs->id[i] == id)
			return true;
	return false;
}

/* ---- the tests ---- */

/* One and two characters: every item holding them, wherever they are
 * (first or last character of title or body), and no other. */
static void test_short_queries_find_every_item(void **state)
{
	struct fix *fx = *state;
	int64_t a, b, c, d, e, f;
	struct hits *hs;

	a = add(fx, "关于征地补偿标准的通知", "根据有关规定。", "07", "2022-03-01");
	b = add(fx, "园区信访工作简报", "本月受理信访事项十二件，涉及征地",
		"08", "2022-04-01");
	c = add(fx, "征地", "税", NULL, "2022-05-01");
	d = add(fx, "年度报告", "征收土地的地补偿，不含那两个字相邻", "11",
		"2022-06-01");
	e = add(fx, "税收优惠政策解读", "企业所得税减免。", "0203",
		"2021-06-01");
	f = put_item(fx, "征地草稿", "尚未发布的征地公告", "07", NULL);
	assert_int_equal(search_index_item(fx->db, f), 0);

	hs = find(fx, "征地");
	assert_int_equal(hs->total, 3);
	assert_int_equal(hs->n, 3);
	/* title hits first, newest first within each group */
	assert_int_equal(hs->id[0], c);
	assert_int_equal(hs->id[1], a);
	assert_int_equal(hs->id[2], b);
	assert_false(has(hs, d));
	assert_false(has(hs, f));

	hs = find(fx, "税");
	assert_int_equal(hs->total, 2);
	assert_int_equal(hs->id[0], e);     /* in its title */
	assert_int_equal(hs->id[1], c);
	assert_string_equal(hs->title[0], "[税]收优惠政策解读");
	assert_string_equal(hs->snippet[0], "企业所得[税]减免。");

	hs = find(fx, "信访");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], b);
	assert_string_equal(hs->title[0], "园区[信访]工作简报");
	assert_string_equal(hs->snippet[0],
			    "本月受理[信访]事项十二件，涉及征地");

	hs = find(fx, "地补");
	assert_int_equal(hs->total, 2);     /* a and d */
	assert_true(has(hs, a) && has(hs, d));
	assert_int_equal(find(fx, "园")->total, 1);
	assert_int_equal(find(fx, "鑫")->total, 0);
}

/* Three characters and more, ASCII and mixed. */
static void test_long_queries(void **state)
{
	struct fix *fx = *state;
	int64_t a, b, c;
	struct hits *hs;

	a = add(fx, "2022年征地补偿标准", "依据《浙江省土地管理条例》第四十七条，"
		"征地补偿标准按区片综合地价执行。", "07", "2022-03-01");
	b = add(fx, "征地补偿款发放公示", "以下为2022年度征地补偿款发放名单。",
		"07", "2022-05-01");
	c = add(fx, "园区企业名录", "SMEs in the Xinchang Hi-Tech Park; "
		"联系 ABC Ltd.", "12", "2022-02-01");

	hs = find(fx, "征地补偿");
	assert_int_equal(hs->total, 2);
	assert_int_equal(hs->id[0], b);
	assert_int_equal(hs->id[1], a);
	assert_string_equal(hs->title[1], "2022年[征地补偿]标准");
	assert_string_equal(hs->snippet[1], "依据《浙江省土地管理条例》第四十七条，"
			    "[征地补偿]标准按区片综合地价执行。");

	hs = find(fx, "征地补偿标准");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], a);

	hs = find(fx, "2022年征地");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], a);

	hs = find(fx, "2022年度征地补偿款");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], b);

	hs = find(fx, "xinchang hi-tech");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], c);
	assert_string_equal(hs->snippet[0], "SMEs in the [Xinchang Hi-Tech] "
			    "Park; 联系 ABC Ltd.");
	assert_int_equal(find(fx, "abc")->total, 1);
	assert_int_equal(find(fx, "ABC LTD")->total, 1);
	assert_int_equal(find(fx, "土地管理条例")->total, 1);
	assert_int_equal(find(fx, "土地管理办法")->total, 0);
	/* the characters are all there, but not in this order */
	assert_int_equal(find(fx, "补偿征地")->total, 0);
}

/* Full-width ASCII and white space read as their plain forms, both in
 * the items and in the query; the highlight covers the original text. */
static void test_fullwidth_and_space(void **state)
{
	struct fix *fx = *state;
	int64_t a, b;
	struct hits *hs;

	a = add(fx, "ＡＢＣ公司２０２２年度报告", "第一段。\n\n第二段  结束",
		NULL, "2022-03-01");
	b = add(fx, "abc 2022", "全角　空格", NULL, "2022-04-01");

	hs = find(fx, "abc");
	assert_int_equal(hs->total, 2);
	assert_int_equal(hs->id[0], b);
	assert_string_equal(hs->title[1], "[ＡＢＣ]公司２０２２年度报告");
	hs = find(fx, "ＡＢＣ");
	assert_int_equal(hs->total, 2);
	hs = find(fx, "２０２２");
	assert_int_equal(hs->total, 2);
	assert_string_equal(hs->title[0], "abc [2022]");
	assert_string_equal(hs->title[1], "ＡＢＣ公司[２０２２]年度报告");
	hs = find(fx, "  第一段。 第二段 ");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], a);
	assert_string_equal(hs->snippet[0], "[第一段。\n\n第二段]  结束");
	hs = find(fx, "全角 空格");
	assert_int_equal(hs->total, 1);
	assert_string_equal(hs->snippet[0], "[全角　空格]");
	assert_int_equal(search_query_chars(" Ａ　b "), 3);
	assert_int_equal(search_query_chars("\t \n　"), 0);
}

/* Punctuation, quotes and query syntax are searched for literally. */
static void test_syntax_is_literal(void **state)
{
	struct fix *fx = *state;
	static const char *const odd[] = {
		"\"", "\"\"", "'", "a\" OR \"b", "AND", "OR", "NOT", "NEAR",
		"征地 OR 信访", "NEAR(征地 信访)", "*", "征*", "^征地",
		"{title}:征地", "title:征地", "'; DROP TABLE publications; --",
		"%", "_", "\\", "100%", "a_b", "%%%", "___", "\\%", "(", ")",
		"-征地", "+征地", "征地\"", "\"征地", "[征地]", "?", "[*]",
	};
	int64_t a, b, c, d;
	struct hits *hs;
	size_t i;

	a = add(fx, "完成率100%", "一般", NULL, "2022-01-01");
	b = add(fx, "代码a_b说明", "axb和a b不同", NULL, "2022-01-02");
	c = add(fx, "他说\"征地 OR 信访\"", "NEAR(征地 信访)与*号", NULL,
		"2022-01-03");
	d = add(fx, "征地公告", "关于征地的公告", NULL, "2022-01-04");
	for (i = 0; i < ARRAY_SIZE(odd); i++)
		find(fx, odd[i]);

	hs = find(fx, "100%");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], a);
	hs = find(fx, "%");
	assert_int_equal(hs->total, 1);
	hs = find(fx, "a_b");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], b);
	assert_int_equal(find(fx, "_")->total, 1);
	assert_int_equal(find(fx, "\\")->total, 0);
	hs = find(fx, "征地 OR 信访");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], c);
	assert_string_equal(hs->title[0], "他说\"[征地 OR 信访]\"");
	hs = find(fx, "\"征地 OR 信访\"");
	assert_int_equal(hs->total, 1);
	hs = find(fx, "NEAR(征地 信访)");
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], c);
	assert_int_equal(find(fx, "*")->total, 1);
	assert_int_equal(find(fx, "\"")->total, 1);
	assert_int_equal(find(fx, "^征地")->total, 0);
	assert_int_equal(find(fx, "征*")->total, 0);
	assert_int_equal(find(fx, "征地")->total, 2);
	assert_true(has(find(fx, "征地"), d));
	assert_int_equal(find(fx, "'; DROP TABLE publications; --")->total,
			 0);
	assert_int_equal(find(fx, "征地公告")->total, 1);
}

/* Withdrawn and changed items: the index follows the row. */
static void test_withdrawn_and_changed(void **state)
{
	struct fix *fx = *state;
	int64_t a, b;

	a = add(fx, "征地公告", "关于征地的公告", "07", "2022-01-04");
	b = add(fx, "信访须知", "来访请带身份证件", "08", "2022-01-05");
	assert_int_equal(find(fx, "征地")->total, 1);
	assert_int_equal(find(fx, "征地的公告")->total, 1);

	assert_int_equal(db_exec(fx->db, "UPDATE publications SET"
				 " withdrawn_at = ? WHERE id = ?", "ii",
				 fx_at("2022-02-01"), a), 1);
	assert_int_equal(search_index_item(fx->db, a), 0);
	assert_int_equal(find(fx, "征地")->total, 0);
	assert_int_equal(find(fx, "征")->total, 0);
	assert_int_equal(find(fx, "征地的公告")->total, 0);
	assert_int_equal(find(fx, "信访")->total, 1);

	/* withdrawn twice, removed twice: nothing to do */
	assert_int_equal(search_index_item(fx->db, a), 0);
	assert_int_equal(search_remove_item(fx->db, a), 0);
	assert_int_equal(search_remove_item(fx->db, 99999), 0);
	assert_int_equal(search_index_item(fx->db, 99999), 0);

	/* a changed text: the old words are gone from every index */
	assert_int_equal(db_exec(fx->db, "UPDATE publications SET title = ?,"
				 " body = ? WHERE id = ?", "ssi", "来访须知",
				 "请带居民身份证", b), 1);
	assert_int_equal(search_index_item(fx->db, b), 0);
	assert_int_equal(find(fx, "信访")->total, 0);
	assert_int_equal(find(fx, "件")->total, 0);
	assert_int_equal(find(fx, "来访请带")->total, 0);
	assert_int_equal(find(fx, "来访")->total, 1);
	assert_int_equal(find(fx, "居民身份证")->total, 1);

	/* inside a transaction that rolls back, nothing changes */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(search_remove_item(fx->db, b), 0);
	assert_int_equal(find(fx, "来访")->total, 0);
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(find(fx, "来访")->total, 1);

	/* published again after withdrawal */
	assert_int_equal(db_exec(fx->db, "UPDATE publications SET"
				 " withdrawn_at = 0 WHERE id = ?", "i", a), 1);
	assert_int_equal(search_index_item(fx->db, a), 0);
	assert_int_equal(find(fx, "征地")->total, 1);
}

/* Paging: totals stay, pages follow each other without overlap. */
static void test_paging_totals(void **state)
{
	struct fix *fx = *state;
	int64_t seen[32] = { 0 };
	char title[64], day[16];
	struct hits *hs;
	int i, p, k = 0;

	for (i = 0; i < 25; i++) {
		snprintf(title, sizeof(title), "第%d号公告", i + 1);
		snprintf(day, sizeof(day), "2022-%02d-%02d", 1 + i % 12,
			 1 + i);
		add(fx, title, i % 5 ? "正文" : "公告正文", NULL, day);
	}
	add(fx, "无关", "无关", NULL, "2022-01-01");
	for (p = 0; p < 4; p++) {
		hs = find_page(fx, "公告", 0, 0, p * 10, 10);
		assert_int_equal(hs->total, 25);
		assert_int_equal(hs->n, p < 2 ? 10 : p == 2 ? 5 : 0);
		for (i = 0; i < (int)hs->n; i++) {
			int j;

			for (j = 0; j < k; j++)
				assert_true(seen[j] != hs->id[i]);
			seen[k++] = hs->id[i];
		}
	}
	assert_int_equal(k, 25);
	hs = find_page(fx, "号公告", 0, 0, 20, 10);
	assert_int_equal(hs->total, 25);
	assert_int_equal(hs->n, 5);
}

/* Sections (with their subsections) and years. */
static void test_filters(void **state)
{
	struct fix *fx = *state;
	int64_t a, b, c, d;
	struct hits *hs;
	int first, last;

	assert_int_equal(search_years(fx->db, &first, &last), 0);
	assert_int_equal(first, 0);
	assert_int_equal(last, 0);
	a = add(fx, "规范性文件征求意见", "意见", "0201", "2021-12-31T23:30");
	b = add(fx, "政策文件汇编", "意见", "02", "2022-01-01T00:30");
	c = add(fx, "预算公开", "意见", "0501", "2022-06-01");
	d = add(fx, "无分类", "意见", NULL, "2020-06-01");

	hs = find_page(fx, "意见", cat_id(fx, "02"), 0, 0, 10);
	assert_int_equal(hs->total, 2);
	assert_true(has(hs, a) && has(hs, b));
	hs = find_page(fx, "意见", cat_id(fx, "0201"), 0, 0, 10);
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], a);
	hs = find_page(fx, "意见", cat_id(fx, "05"), 0, 0, 10);
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], c);
	/* years in China Standard Time */
	hs = find_page(fx, "意见", 0, 2021, 0, 10);
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], a);
	hs = find_page(fx, "意见", 0, 2022, 0, 10);
	assert_int_equal(hs->total, 2);
	hs = find_page(fx, "意见", cat_id(fx, "02"), 2022, 0, 10);
	assert_int_equal(hs->total, 1);
	assert_int_equal(hs->id[0], b);
	hs = find_page(fx, "征求意见", cat_id(fx, "02"), 2021, 0, 10);
	assert_int_equal(hs->total, 1);
	assert_int_equal(find_page(fx, "意见", 0, 2019, 0, 10)->total, 0);
	assert_true(has(find(fx, "意见"), d));
	assert_int_equal(search_years(fx->db, &first, &last), 0);
	assert_int_equal(first, 2020);
	assert_int_equal(last, 2022);
}

/* The snippet: some 80 characters around the first occurrence, cut
 * marks, every occurrence inside marked. */
static void test_snippet(void **state)
{
	struct fix *fx = *state;
	struct buf body = BUF_INIT, want = BUF_INIT;
	struct hits *hs;
	int i;

	for (i = 0; i < 60; i++)
		buf_puts(&body, "甲");
	buf_puts(&body, "信访乙信访");
	for (i = 0; i < 100; i++)
		buf_puts(&body, "丙");
	add(fx, "信访信访", buf_cstr(&body), NULL, "2022-01-01");
	add(fx, "只在标题里：信访", "正文很短", NULL, "2021-01-01");
	/* 20 characters before the hit, 80 in all */
	for (i = 0; i < 20; i++)
		buf_puts(&want, "甲");
	buf_puts(&want, "[信访]乙[信访]");
	for (i = 0; i < 80 - 20 - 5; i++)
		buf_puts(&want, "丙");

	hs = find(fx, "信访");
	assert_int_equal(hs->total, 2);
	assert_string_equal(hs->title[0], "[信访][信访]");
	assert_string_equal(hs->snippet[0], buf_cstr(&want));
	assert_string_equal(hs->snippet[1], "正文很短");
	buf_release(&body);
	buf_release(&want);
}

static int cut_flags(const struct search_hit *h, void *arg)
{
	int *flags = arg;

	*flags = (h->cut_before ? 1 : 0) | (h->cut_after ? 2 : 0);
	return 0;
}

static int stop_at_first(const struct search_hit *h, void *arg)
{
	(*(int *)arg)++;
	return 7;
}

static void test_snippet_cuts_and_stop(void **state)
{
	struct fix *fx = *state;
	struct search_q q = { "中间", 0, 0, 0, 10 };
	struct buf body = BUF_INIT;
	int i, flags = -1, calls = 0;

	for (i = 0; i < 200; i++)
		buf_puts(&body, i == 100 ? "中间" : "字");
	add(fx, "标题", buf_cstr(&body), NULL, "2022-01-01");
	add(fx, "标题中间", "短", NULL, "2021-01-01");
	buf_release(&body);
	q.limit = 1;
	assert_int_equal(search_query(fx->db, &q, cut_flags, &flags, NULL),
			 0);
	assert_int_equal(flags, 0);         /* the title hit: short body */
	q.offset = 1;
	assert_int_equal(search_query(fx->db, &q, cut_flags, &flags, NULL),
			 0);
	assert_int_equal(flags, 3);
	q.offset = 0;
	q.limit = 10;
	assert_int_equal(search_query(fx->db, &q, stop_at_first, &calls,
				      NULL), 7);
	assert_int_equal(calls, 1);
}

/* What search_query() refuses. */
static void test_bad_queries(void **state)
{
	struct fix *fx = *state;
	struct search_q q = { "", 0, 0, 0, 10 };
	struct buf s = BUF_INIT;
	int64_t total = 5;
	int i;

	add(fx, "征地", "征地", NULL, "2022-01-01");
	assert_int_equal(search_query(fx->db, &q, collect, NULL, &total),
			 DB_EMISUSE);
	assert_int_equal(total, 0);
	q.text = " \n\t　";
	assert_int_equal(search_query(fx->db, &q, collect, NULL, NULL),
			 DB_EMISUSE);
	for (i = 0; i < SEARCH_QUERY_MAX; i++)
		buf_puts(&s, "征");
	q.text = buf_cstr(&s);
	assert_int_equal(search_query_chars(q.text), SEARCH_QUERY_MAX);
	assert_int_equal(find(fx, q.text)->total, 0);
	buf_puts(&s, "地");
	q.text = buf_cstr(&s);
	assert_int_equal(search_query(fx->db, &q, collect, NULL, NULL),
			 DB_EMISUSE);
	q.text = "征地";
	q.limit = 0;
	assert_int_equal(search_query(fx->db, &q, collect, NULL, NULL),
			 DB_EMISUSE);
	q.limit = SEARCH_LIMIT_MAX + 1;
	assert_int_equal(search_query(fx->db, &q, collect, NULL, NULL),
			 DB_EMISUSE);
	q.limit = 10;
	q.offset = -1;
	assert_int_equal(search_query(fx->db, &q, collect, NULL, NULL),
			 DB_EMISUSE);
	buf_release(&s);
}

/* The index rebuilt from publications: drafts and withdrawn items
 * stay out, stale entries go. */
static void test_reindex(void **state)
{
	struct fix *fx = *state;
	int64_t n = -1, a, b;

	a = put_item(fx, "征地公告一", "正文", "07", "2022-01-01");
	b = put_item(fx, "征地公告二", "正文", "07", "2022-01-02");
	put_item(fx, "征地草稿", "正文", "07", NULL);
	assert_int_equal(find(fx, "征地")->total, 0);
	assert_int_equal(search_reindex(fx->db, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(find(fx, "征地")->total, 2);
	assert_int_equal(find(fx, "征地公告")->total, 2);

	/* withdrawn behind the index's back, then rebuilt */
	assert_int_equal(db_exec(fx->db, "UPDATE publications SET"
				 " withdrawn_at = 1 WHERE id = ?", "i", b), 1);
	assert_int_equal(find(fx, "征地")->total, 2);
	assert_int_equal(search_reindex(fx->db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(find(fx, "征地")->total, 1);
	assert_int_equal(find(fx, "征地")->id[0], a);
	assert_int_equal(find(fx, "公告二")->total, 0);
	assert_int_equal(search_reindex(fx->db, NULL), 0);
	assert_int_equal(find(fx, "公告一")->total, 1);
}

/* Migration 12 leaves no trigram index behind on PostgreSQL (and the
 * extension goes, as the test role created it); SQLite never had one. */
static void test_no_pg_trgm(void **state)
{
	struct fix *fx = *state;
	int64_t n = -1;

	if (db_kind(fx->db) != DB_PG) {
		assert_int_equal(db_scalar_int(fx->db, &n, "SELECT count(*)"
					       " FROM sqlite_master WHERE"
					       " name LIKE '%trgm%'", ""), 0);
		assert_int_equal(n, 0);
		return;
	}
	assert_int_equal(db_scalar_int(fx->db, &n, "SELECT count(*)"
				       " FROM pg_indexes WHERE tablename ="
				       " 'search_docs' AND indexname LIKE"
				       " '%trgm%'", ""), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_scalar_int(fx->db, &n, "SELECT count(*)"
				       " FROM pg_extension WHERE extname ="
				       " 'pg_trgm'", ""), 0);
	assert_int_equal(n, 0);
	/* and a query of three characters or more still finds its item */
	add(fx, "关于征地补偿标准的公告", "正文", NULL, "2022-01-01");
	assert_int_equal(find(fx, "征地补偿")->total, 1);
}

/* A brute-force check: for many random items and queries of one to
 * five characters, the hits are exactly the items containing them. */
static void test_matches_substring_everywhere(void **state)
{
	struct fix *fx = *state;
	static const char *const chars[] = {
		"征", "地", "补", "偿", "信", "访", "税", "，", "a", "B", " ",
	};
	char texts[40][64];
	int64_t ids[40];
	unsigned seed = 12345;
	int i, j, k, qi;

	for (i = 0; i < 40; i++) {
		struct buf b = BUF_INIT;

		for (j = 0; j < 12; j++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&b, chars[(seed >> 16) % ARRAY_SIZE(chars)]);
		}
		snprintf(texts[i], sizeof(texts[i]), "%s", buf_cstr(&b));
		buf_release(&b);
		ids[i] = add(fx, "标题", texts[i], NULL, "2022-01-01");
	}
	for (qi = 0; qi < 120; qi++) {
		struct buf q = BUF_INIT;
		struct norm_check { int expect; } nc = { 0 };
		struct hits *hs;
		int len = 1 + qi % 5;

		for (k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&q, chars[(seed >> 16) % 10]);
		}
		for (i = 0; i < 40; i++) {
			/* lower-case both, as the index does */
			char t[64], s[32];
			size_t m;

			memcpy(t, texts[i], sizeof(t));
			snprintf(s, sizeof(s), "%s", buf_cstr(&q));
			for (m = 0; t[m]; m++)
				if (t[m] == 'B')
					t[m] = 'b';
			for (m = 0; s[m]; m++)
				if (s[m] == 'B')
					s[m] = 'b';
			if (strstr(t, s))
				nc.expect++;
		}
		hs = find(fx, buf_cstr(&q));
		if (hs->total != nc.expect)
			print_error("query '%s'\n", buf_cstr(&q));
		assert_int_equal(hs->total, nc.expect);
		for (i = 0; i < (int)hs->n; i++) {
			for (j = 0; j < 40 && ids[j] != hs->id[i]; j++)
				;
			assert_true(j < 40);
		}
		buf_release(&q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_short_queries_find_every_item, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_long_queries, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_fullwidth_and_space, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_syntax_is_literal, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_withdrawn_and_changed, setup, fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_paging_totals, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_snippet, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_snippet_cuts_and_stop, setup, fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_bad_queries, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_reindex, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_matches_substring_everywhere, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_no_pg_trgm, setup,
						fx_db_teardown),
	};
	static char dir[] = "/tmp/fz_search_XXXXXX";
	const char *pg = getenv("FAZHI_TEST_PG_URL");
	int failed;

	fx_scratch = dir;
	failed = cmocka_run_group_tests_name("search on SQLite", tests,
					     fx_scratch_setup,
					     fx_scratch_teardown);
	if (pg && *pg) {
		pg_url = pg;
		failed += cmocka_run_group_tests_name("search on PostgreSQL",
						      tests, NULL, NULL);
	}
	return failed ? 1 : 0;
}
