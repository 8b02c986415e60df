/* search.c: search latency of the portal (bench/portal/search.sh)
 *
 * Usage: search_bench DB_URL [ITEMS [QUERIES]]
 *   DB_URL   "sqlite:PATH" (a new file) or a PostgreSQL URL of an empty
 *            database; a database already filled by an earlier run with
 *            the same ITEMS is searched again without filling it.
 *   ITEMS    generated items, default 100000
 *   QUERIES  queries, default 1000
 *
 * Fills the database with ITEMS published items in the register of a
 * park's notices: titles of 20 to 40 characters, bodies of 300 to 2 000,
 * words drawn from a vocabulary of some 300 with a Zipf-like frequency,
 * one word in thirty a pair of random characters (names, places: the
 * rare terms), punctuation every 12 to 30 characters.  Each item is
 * indexed with search_index_item() as the publishing pipeline does,
 * 1 000 items to a transaction (on PostgreSQL, VACUUM ANALYZE after the
 * load, as autovacuum would do soon after).  Then, after 200 queries to
 * warm up, runs QUERIES searches, a quarter each of 1, 2, 3 and 5
 * characters, half of them common (cut from the frequent words) and
 * half rare (cut from a random item's text where one of its random
 * characters begins), each the first page of ten hits with the total
 * count, as /gk/search asks, and prints p50 and p99 per length and
 * kind.  The random sequence is fixed: every run builds the same items
 * and asks the same queries.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "portal/search.h"
#include "store/store.h"

#define BATCH 1000
#define WARMUP 200          /* untimed queries first */
#define RARE_FIRST 0x4E00
#define RARE_COUNT (0x9FA5 - 0x4E00)

static const char vocabulary[] =
	"关于 印发 通知 园区 管理委员会 新昌 高新技术 产业 征地 补偿 标准 "
	"信访 工作 政府 信息 公开 依法 行政 规范 干部 审查 公示 许可 企业 "
	"项目 建设 安全 生产 环境 保护 监督 检查 实施 方案 意见 征求 社会 "
	"公众 年度 报告 办理 答复 申请 材料 受理 决定 行政处罚 法治 "
	"政府建设 推进 落实 责任 制度 完善 加强 组织 领导 部门 单位 人员 "
	"会议 精神 要求 文件 规定 条例 办法 细则 土地 房屋 拆迁 安置 资金 "
	"预算 财政 税收 优惠 政策 扶持 人才 引进 科技 创新 服务 平台 "
	"数字化 改革 营商 优化 提升 质量 效率 群众 满意 投诉 举报 热线 "
	"督办 考核 评价 整改 问题 风险 防范 应急 管理 疫情 防控 消防 交通 "
	"道路 水利 电力 燃气 供水 排水 污水 处理 垃圾 分类 绿化 公园 学校 "
	"医院 社区 村 街道 乡镇 县 市 省 国家 法律 法规 规章 条款 第 条 "
	"款 项 年 月 日 以下 以上 之前 之后 不得 应当 可以 必须 按照 根据 "
	"依照 为了 进一步 切实 全面 深入 扎实 有效 及时 准确 统一 协调 "
	"配合 支持 参与 开展 举办 召开 发布 公布 转发 批复 函 令 公告 通告 "
	"决议 纪要 名单 结果 情况 说明 解读 政策解读 图解 问答 统计 数据 "
	"分析 简报 动态 要闻 工作动态 规划 计划 总结 部署 安排 筑牢 防线 "
	"先审查 后公开 一事一审 保密 范围 事项 目录 指南 流程 时限 收费 "
	"依据 窗口 地址 电话 邮箱 网站 二维码 浙江省 绍兴市 新昌县 高新园区 "
	"管委会 党工委 经济发展局 建设管理局 综合执法 市场监管 生态环境 "
	"自然资源 规划局 住房 城乡 农业 农村 水务 林业 文化 旅游 体育 "
	"卫生健康 民政 人力资源 社会保障 退役军人 司法 公安 消防救援 税务 "
	"统计局 审计 档案 保密局 机要 信访局 12345 2021 2022 一 二 三 四 五";

static const char *const punct[] = { "，", "。", "、", "；", "：" };

/* ---- a fixed random sequence ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int64_t rand_in(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(next_rand() % (uint64_t)(hi - lo + 1));
}

/* ---- the vocabulary, with a Zipf-like weight w(i) = 1 / (i+1)^0.9 ---- */

struct words {
	char **w;
	double *cum;            /* cumulative weights */
	size_t n;
	bool known[RARE_COUNT]; /* the characters of the vocabulary */
};

/* The code point of the 3-byte UTF-8 sequence at s, or 0. */
static uint32_t cp3(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if ((u[0] & 0xF0) != 0xE0 || (u[1] & 0xC0) != 0x80 ||
	    (u[2] & 0xC0) != 0x80)
		return 0;
	return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
	       (u[2] & 0x3F);
}

/* Whether the character at s is one of the random rare ones. */
static bool is_rare(const struct words *v, const char *s)
{
	uint32_t c = cp3(s);

	return c >= RARE_FIRST && c < RARE_FIRST + RARE_COUNT &&
	       !v->known[c - RARE_FIRST];
}

static void words_load(struct words *v)
{
	char *all = xstrdup(vocabulary), *p = all, *sp, *sp2;
	double sum = 0;

	memset(v, 0, sizeof(*v));
	while (*p) {
		sp = strchr(p, ' ');
		if (sp)
			*sp = '\0';
		v->w = xrealloc(v->w, (v->n + 1) * sizeof(*v->w));
		v->cum = xrealloc(v->cum, (v->n + 1) * sizeof(*v->cum));
		v->w[v->n] = xstrdup(p);
		for (sp2 = p; *sp2; sp2++) {
			uint32_t c = cp3(sp2);

			if (c >= RARE_FIRST && c < RARE_FIRST + RARE_COUNT)
				v->known[c - RARE_FIRST] = true;
		}
		sum += pow((double)(v->n + 1), -0.9);
		v->cum[v->n] = sum;
		v->n++;
		if (!sp)
			break;
		p = sp + 1;
	}
	free(all);
}

static const char *word_pick(const struct words *v)
{
	double x = (double)(next_rand() >> 11) / 9007199254740992.0 *
		   v->cum[v->n - 1];
	size_t lo = 0, hi = v->n - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v->cum[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return v->w[lo];
}

static void put_cp(struct buf *b, uint32_t c)
{
	char u[3] = { (char)(0xE0 | (c >> 12)),
		      (char)(0x80 | ((c >> 6) & 0x3F)),
		      (char)(0x80 | (c & 0x3F)) };

	buf_add(b, u, 3);
}

/* Characters (not bytes) of UTF-8 text. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The byte offset of character `k` of s. */
static size_t char_off(const char *s, size_t k)
{
	size_t i = 0;

	for (; s[i] && k; k--)
		for (i++; ((unsigned char)s[i] & 0xC0) == 0x80; i++)
			;
	return i;
}

/* About `n` characters of text into `out`. */
static void gen_text(const struct words *v, size_t n, struct buf *out)
{
	size_t len = 0, since = 0, gap = (size_t)rand_in(12, 30);

	buf_reset(out);
	while (len < n) {
		if (next_rand() % 30 == 0) {
			put_cp(out, RARE_FIRST + (uint32_t)rand_in(0,
						  RARE_COUNT - 1));
			put_cp(out, RARE_FIRST + (uint32_t)rand_in(0,
						  RARE_COUNT - 1));
			len += 2, since += 2;
		} else {
			const char *w = word_pick(v);

			buf_puts(out, w);
			len += chars(w), since += chars(w);
		}
		if (since >= gap && len < n) {
			buf_puts(out, punct[next_rand() % ARRAY_SIZE(punct)]);
			len++, since = 0, gap = (size_t)rand_in(12, 30);
		}
	}
}

/* ---- filling ---- */

static int64_t returned_id(struct db_rows *r)
{
	int64_t id = -1;

	if (!r)
		return -1;
	if (db_next(r) == 1)
		id = db_int(r, 0);
	db_rows_free(r);
	return id;
}

/* Item number `i` (from 1) as a case, a publication and its index
 * entry; its publication time spread over 2018..2022. */
static int add_item(struct db *db, const struct words *v, int64_t i,
		    struct buf *title, struct buf *body, int64_t *index_ns)
{
	char number[32], index_no[48];
	int64_t case_id, id, t0;
	int64_t when = 1514736000 + (int64_t)(next_rand() % (5 * 365 * 86400));
	int64_t cat;
	int rc;

	gen_text(v, (size_t)rand_in(20, 40), title);
	gen_text(v, (size_t)rand_in(300, 2000), body);
	cat = rand_in(1, 17);
	snprintf(number, sizeof(number), "B-%lld", (long long)i);
	snprintf(index_no, sizeof(index_no), "BENCH/%lld", (long long)i);
	case_id = returned_id(db_query(db, "INSERT INTO cases (proc,"
		" version, year, seq, number, state, fields, created_at,"
		" updated_at) VALUES ('publication', 1, 2022, ?, ?,"
		" 'published', '{}', 0, 0) RETURNING id", "is", i, number));
	if (case_id < 0)
		return DB_ERR;
	id = returned_id(db_query(db, "INSERT INTO publications (case_id,"
		" index_no, title, body, publisher, catalogue_id, formed_on,"
		" published_at, created_at, updated_at) VALUES (?, ?, ?, ?,"
		" '新昌高新园区管理委员会', (SELECT id FROM catalogue ORDER BY id"
		" LIMIT 1 OFFSET ?), '2022-01-01', ?, 0, 0) RETURNING id",
		"isssii", case_id, index_no, buf_cstr(title), buf_cstr(body),
		cat - 1, when));
	if (id < 0)
		return DB_ERR;
	t0 = clock_mono_ns();
	rc = search_index_item(db, id);
	*index_ns += clock_mono_ns() - t0;
	return rc;
}

static int fill(struct db *db, const struct words *v, int64_t items)
{
	struct buf title = BUF_INIT, body = BUF_INIT;
	int64_t i, t0 = clock_mono_ns(), index_ns = 0;
	int rc = 0;

	for (i = 1; i <= items && !rc; i++) {
		if (i % BATCH == 1 && (rc = db_begin(db)))
			break;
		rc = add_item(db, v, i, &title, &body, &index_ns);
		if (!rc && (i % BATCH == 0 || i == items))
			rc = db_commit(db) < 0 ? DB_ERR : 0;
		if (i % 10000 == 0) {
			fprintf(stderr, "filled %lld items\r", (long long)i);
			fflush(stderr);
		}
	}
	if (rc)
		db_rollback(db);
	/* what autovacuum would soon do after a bulk load: statistics, and
	 * the GIN indexes' pending lists merged */
	if (!rc && db_kind(db) == DB_PG)
		rc = db_exec(db, "VACUUM ANALYZE", "") < 0 ? DB_ERR : 0;
	buf_release(&title);
	buf_release(&body);
	if (!rc)
		printf("filled %lld items in %.0f s (indexing %.2f ms an "
		       "item)\n", (long long)items,
		       (double)(clock_mono_ns() - t0) / 1e9,
		       (double)index_ns / 1e6 / (double)items);
	return rc;
}

/* ---- querying ---- */

struct kind {
	int len;
	bool common;
	int64_t *ns;
	int64_t *hits;
	size_t n;
};

/* A common query: `len` characters cut from frequent words. */
static void common_query(const struct words *v, int len, struct buf *q)
{
	struct buf w = BUF_INIT;
	size_t n, from;

	while (chars(buf_cstr(&w)) < (size_t)len)
		buf_puts(&w, word_pick(v));
	n = chars(buf_cstr(&w));
	from = (size_t)rand_in(0, (int64_t)(n - (size_t)len));
	buf_reset(q);
	buf_add(q, buf_cstr(&w) + char_off(buf_cstr(&w), from),
		char_off(buf_cstr(&w), from + (size_t)len) -
		char_off(buf_cstr(&w), from));
	buf_release(&w);
}

/* A rare query: a cut from a random item that starts at one of its
 * rare characters, so it is found, in few items. */
static int rare_query(struct db *db, const struct words *v, int64_t items,
		      int len, struct buf *q)
{
	char index_no[48];
	struct db_rows *r;
	size_t n, from;
	int rc;

	buf_reset(q);
	snprintf(index_no, sizeof(index_no), "BENCH/%lld",
		 (long long)rand_in(1, items));
	r = db_query(db, "SELECT body FROM publications WHERE index_no = ?",
		     "s", index_no);
	if (!r)
		return db_errcode(db);
	rc = db_next(r);
	if (rc == 1) {
		const char *b = db_text(r, 0);
		size_t k;

		/* around a rare character from a random place on */
		n = chars(b);
		from = (size_t)rand_in(0, (int64_t)(n - (size_t)len));
		for (k = 0; k < n - (size_t)len; k++)
			if (is_rare(v, b + char_off(b, (from + k) %
						    (n - (size_t)len))))
				break;
		from = (from + k) % (n - (size_t)len);
		buf_add(q, b + char_off(b, from), char_off(b, from +
			(size_t)len) - char_off(b, from));
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

static int count_hit(const struct search_hit *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(int64_t *v, size_t n, double p)
{
	size_t k;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_i64);
	k = (size_t)(p * (double)(n - 1) + 0.5);
	return (double)v[k] / 1e6;
}

static void report(struct kind *k, size_t nk)
{
	static const int lens[] = { 1, 2, 3, 5 };
	size_t i, j, m;

	printf("%-7s %-6s %7s %10s %9s %9s\n", "length", "kind", "queries",
	       "mean hits", "p50 ms", "p99 ms");
	for (i = 0; i < nk; i++) {
		double hits = 0;

		for (j = 0; j < k[i].n; j++)
			hits += (double)k[i].hits[j];
		printf("%-7d %-6s %7zu %10.0f %9.2f %9.2f\n", k[i].len,
		       k[i].common ? "common" : "rare", k[i].n,
		       k[i].n ? hits / (double)k[i].n : 0,
		       pct(k[i].ns, k[i].n, 0.5), pct(k[i].ns, k[i].n, 0.99));
	}
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		int64_t all[4096];

		for (m = 0, j = 0; j < nk; j++)
			if (k[j].len == lens[i]) {
				memcpy(all + m, k[j].ns, k[j].n *
				       sizeof(*all));
				m += k[j].n;
			}
		printf("%-7d %-6s %7zu %10s %9.2f %9.2f\n", lens[i], "all", m,
		       "", pct(all, m, 0.5), pct(all, m, 0.99));
	}
}

static int run_queries(struct db *db, const struct words *v, int64_t items,
		       int nq)
{
	static const int lens[] = { 1, 2, 3, 5 };
	struct kind k[8];
	struct buf q = BUF_INIT;
	size_t i;
	int j, rc = 0;

	/* Warm up (statements, caches) with queries of another sequence;
	 * then the same queries whether the items were made by this run. */
	rng = 0x8F1BBCDC6ED9EBA1ULL;
	for (j = 0; j < WARMUP && !rc; j++) {
		struct search_q sq = { NULL, 0, 0, 0, 10 };
		int shown = 0;

		common_query(v, lens[j % 4], &q);
		sq.text = buf_cstr(&q);
		rc = search_query(db, &sq, count_hit, &shown, NULL);
	}
	rng = 0x2545F4914F6CDD1DULL;
	for (i = 0; i < ARRAY_SIZE(k); i++) {
		k[i].len = lens[i / 2];
		k[i].common = i % 2 == 0;
		k[i].ns = xcalloc((size_t)nq, sizeof(int64_t));
		k[i].hits = xcalloc((size_t)nq, sizeof(int64_t));
		k[i].n = 0;
	}
	for (j = 0; j < nq && !rc; j++) {
		struct kind *x = &k[j % 8];
		struct search_q sq = { NULL, 0, 0, 0, 10 };
		int64_t total = 0, t0;
		int shown = 0;

		if (x->common)
			common_query(v, x->len, &q);
		else if ((rc = rare_query(db, v, items, x->len, &q)))
			break;
		sq.text = buf_cstr(&q);
		if (!search_query_chars(sq.text))
			continue;
		t0 = clock_mono_ns();
		rc = search_query(db, &sq, count_hit, &shown, &total);
		x->ns[x->n] = clock_mono_ns() - t0;
		x->hits[x->n++] = total;
	}
	if (!rc)
		report(k, ARRAY_SIZE(k));
	for (i = 0; i < ARRAY_SIZE(k); i++) {
		free(k[i].ns);
		free(k[i].hits);
	}
	buf_release(&q);
	return rc;
}

int main(int argc, char **argv)
{
	struct words v;
	struct db *db;
	char err[256];
	int64_t items = 100000, have = 0;
	int64_t nq = 1000;
	int rc;

	if (argc < 2 || argc > 4 ||
	    (argc > 2 && parse_int64(argv[2], 1, 10000000, &items)) ||
	    (argc > 3 && parse_int64(argv[3], 8, 4000, &nq))) {
		fprintf(stderr, "usage: search_bench DB_URL [ITEMS [QUERIES]]"
			"\n");
		return 2;
	}
	db = db_open(argv[1], err, sizeof(err));
	if (!db || db_migrate(db, NULL, NULL)) {
		fprintf(stderr, "search_bench: %s\n", db ? db_errmsg(db) : err);
		return 1;
	}
	words_load(&v);
	rc = db_scalar_int(db, &have, "SELECT count(*) FROM publications"
			   " WHERE index_no LIKE 'BENCH/%'", "");
	if (!rc && have != items) {
		if (have) {
			fprintf(stderr, "search_bench: the database holds %lld"
				" items, not %lld: use an empty one\n",
				(long long)have, (long long)items);
			return 1;
		}
		rc = fill(db, &v, items);
	} else if (!rc) {
		/* the same items: skip to the same queries */
		printf("searching the %lld items already there\n",
		       (long long)items);
	}
	if (!rc)
		rc = run_queries(db, &v, items, (int)nq);
	if (rc)
		fprintf(stderr, "search_bench: %s\n", db_errmsg(db));
	db_close(db);
	return rc ? 1 : 0;
}
