/* demo_permits.c: the permits register's 2021 and 2022 records
 *
 * The 2022 annual report of 新昌高新园区 counts 427 administrative
 * permits published, with a full-text electronic rate of 100%.  The demo
 * register holds exactly those decisions, and 389 for 2021 so that a
 * year-on-year view means something, each with its decision as a small
 * PDF.  The records are made the way staff make them: rows checked by
 * permit_check() and stored in batches by permit_batch_store(), sealed
 * full texts and audit entries included, by the demo 信息公开专员.
 *
 * Decision dates are working days of the official calendar, numbered in
 * date order (新高许〔2022〕0001号 …); each is published one to five
 * working days later, inside the 7 working days of 双公示.  The holders
 * are fictitious: park companies and shops with credit codes whose check
 * characters (the organisation code's and the whole code's) are
 * computed, and, for village building permits, villagers, whose
 * identity numbers are generated valid and, as for any natural person,
 * checked and not kept.  Everything comes from fixed seeds: the same
 * calendar gives the same records on every installation.
 */
#include "cli/demo_permits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "audit/audit.h"
#include "calendar/calendar.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "cli/demo_util.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "org/accounts.h"
#include "permit/permit.h"
#include "pii/pii.h"
#include "store/store.h"

struct year_plan {
	int year;
	int decisions;
	uint64_t seed;
};

static const struct year_plan plans[] = {
	{ 2021, 389, 0x5850303231ULL },
	{ 2022, 427, 0x5850303232ULL },
};

#define POOL_SEED 0x58504f4f4cULL
#define COMPANIES 160
#define SHOPS 70
#define BATCH 100                  /* records per transaction */
#define AUTHORITY "新昌高新园区管理委员会"

/* ---- what is permitted ---- */

enum pool { P_COMPANY, P_FOOD, P_SERVICE, P_VILLAGER };

struct item {
	const char *name;
	const char *basis;
	int weight;
	int months;                 /* validity from the decision */
	enum pool pool;
};

static const struct item items[] = {
	{ "建设工程规划许可", "《中华人民共和国城乡规划法》第四十条", 16, 12,
	  P_COMPANY },
	{ "建筑工程施工许可", "《中华人民共和国建筑法》第七条；《建筑工程施工"
	  "许可管理办法》第二条", 14, 3, P_COMPANY },
	{ "建设用地规划许可", "《中华人民共和国城乡规划法》第三十七条、第三十"
	  "八条", 6, 12, P_COMPANY },
	{ "排污许可", "《排污许可管理条例》第二条、第十四条", 10, 60,
	  P_COMPANY },
	{ "城镇污水排入排水管网许可", "《城镇排水与污水处理条例》第二十一条",
	  9, 60, P_COMPANY },
	{ "食品经营许可", "《中华人民共和国食品安全法》第三十五条", 14, 60,
	  P_FOOD },
	{ "公共场所卫生许可", "《公共场所卫生管理条例》第八条", 6, 48,
	  P_SERVICE },
	{ "乡村建设规划许可", "《中华人民共和国城乡规划法》第四十一条", 7, 24,
	  P_VILLAGER },
	{ "占用、挖掘城市道路许可", "《城市道路管理条例》第二十九条、第三十条",
	  8, 2, P_COMPANY },
	{ "城市建筑垃圾处置核准", "《城市建筑垃圾管理规定》第七条", 6, 6,
	  P_COMPANY },
	{ "设置大型户外广告许可", "《城市市容和环境卫生管理条例》第十一条", 4,
	  36, P_COMPANY },
	{ "临时占用城市绿化用地审批", "《城市绿化条例》第十九条", 3, 3,
	  P_COMPANY },
};

/* ---- who holds them ---- */

static const char *const core1[] = {
	"恒", "瑞", "德", "嘉", "卓", "晨", "鼎", "丰", "华", "锦", "立", "盛",
	"泰", "新", "永", "中", "宏", "佳", "信", "远", "弘", "昌", "钜", "澄",
};
static const char *const core2[] = {
	"达", "力", "诚", "创", "航", "辉", "瀚", "锐", "晟", "通", "兴", "源",
	"越", "峰", "扬", "昊", "川", "策", "拓", "和",
};
static const char *const industries[] = {
	"轴承", "汽车零部件", "机电", "制药", "纺织", "电子", "新材料",
	"精密机械", "空调部件", "智能装备", "环保科技", "医疗器械", "建设工程",
	"置业",
};
static const char *const company_forms[][2] = {
	{ "新昌县", "有限公司" }, { "浙江", "股份有限公司" },
	{ "绍兴", "科技有限公司" }, { "新昌", "有限公司" },
};
static const char *const food_shops[] = {
	"餐饮店", "小吃店", "便利店", "面馆", "快餐店", "超市", "茶餐厅",
	"食品店",
};
static const char *const service_shops[] = {
	"宾馆", "理发店", "美容店", "足浴店", "健身馆", "酒店",
};
static const char *const surnames[] = {
	"王", "李", "张", "陈", "俞", "梁", "吕", "潘", "石", "杨", "黄",
	"吴", "赵", "周", "徐", "丁", "胡", "何", "章", "袁",
};
static const char *const given[] = {
	"建华", "国平", "伟", "志军", "海强", "小英", "晓芳", "雪燕", "丽明",
	"春东", "永林", "德勇", "红峰", "秀萍", "金敏", "立杰", "文波", "佳娟",
	"利刚", "明琴",
};
static const char *const villages[] = {
	"塘头", "上宅", "下岙", "前溪", "后山", "东坑", "西畈", "岭头", "溪口",
	"新联",
};

struct holder {
	char name[96];
	char code[20];              /* a credit code, or an identity number */
};

/* A credit code "9C330624" + organisation code + check character, its
 * organisation code made of 8 digits and its GB 11714 check. */
static void credit_code(struct demo_rng *r, char category, char out[20])
{
	static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0, c9;

	memcpy(out, "9", 1);
	out[1] = category;
	memcpy(out + 2, "330624", 6);
	for (i = 0; i < 8; i++) {
		int d = i == 0 ? 1 + demo_rnd(r, 9) : demo_rnd(r, 10);

		out[8 + i] = (char)('0' + d);
		sum += d * w[i];
	}
	c9 = 11 - sum % 11;
	out[16] = c9 == 10 ? 'X' : c9 == 11 ? '0' : (char)('0' + c9);
	out[17] = uscc_check_char(out);
	out[18] = '\0';
}

struct pools {
	struct holder company[COMPANIES];
	struct holder food[SHOPS], service[SHOPS];
};

static bool name_taken(const struct holder *v, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return true;
	return false;
}

static void fill_pool(struct demo_rng *r, struct holder *v, int n,
		      const char *const *kinds, size_t nkinds, bool shops)
{
	int i = 0;

	while (i < n) {
		char name[96];
		const char *c1 = DEMO_PICK(r, core1), *c2 = DEMO_PICK(r, core2);
		const char *kind = kinds[demo_rnd(r, (int)nkinds)];

		if (shops) {
			snprintf(name, sizeof(name), "新昌县%s%s%s", c1, c2,
				 kind);
		} else {
			int f = demo_rnd(r, (int)ARRAY_SIZE(company_forms));

			snprintf(name, sizeof(name), "%s%s%s%s%s",
				 company_forms[f][0], c1, c2, kind,
				 company_forms[f][1]);
		}
		if (!strcmp(c1, c2) || name_taken(v, i, name))
			continue;
		snprintf(v[i].name, sizeof(v[i].name), "%s", name);
		credit_code(r, shops ? '2' : '1', v[i].code);
		i++;
	}
}

static void make_pools(struct pools *p)
{
	struct demo_rng r = { POOL_SEED };

	fill_pool(&r, p->company, COMPANIES, industries,
		  ARRAY_SIZE(industries), false);
	fill_pool(&r, p->food, SHOPS, food_shops, ARRAY_SIZE(food_shops),
		  true);
	fill_pool(&r, p->service, SHOPS, service_shops,
		  ARRAY_SIZE(service_shops), true);
}

/* A villager: a name and a valid identity number of 新昌县. */
static void villager(struct demo_rng *r, struct holder *h)
{
	char id[19];
	cal_day birth = 0, lo = 0;

	snprintf(h->name, sizeof(h->name), "%s%s", DEMO_PICK(r, surnames),
		 DEMO_PICK(r, given));
	cal_parse("1950-01-01", &lo);
	birth = lo + demo_rnd(r, 40 * 365);
	demo_id_number(birth, 1 + demo_rnd(r, 998), id);
	memcpy(h->code, id, sizeof(id));
}

/* ---- the decision as a PDF ---- */

/* Append the UTF-8 text `s` as big-endian UCS-2 hex, and return its
 * width in em (ASCII half an em). */
static double ucs2_hex(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	double w = 0;

	while (*p) {
		unsigned cp;
		int n;

		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = (unsigned)(*p & 0x1f) << 6 | (p[1] & 0x3f);
			n = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = (unsigned)(*p & 0x0f) << 12 |
			     (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			n = 3;
		} else {
			p += 4;
			continue;
		}
		buf_printf(b, "%04X", cp);
		w += cp < 0x80 ? 0.5 : 1.0;
		p += n;
	}
	return w;
}

/* Whether `s` starts with punctuation that may not begin a line. */
static bool no_line_start(const char *s)
{
	static const char *const marks[] = {
		"，", "。", "、", "；", "：", "》", "）", "〕", "”", "？", "！",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(marks); i++)
		if (strncmp(s, marks[i], strlen(marks[i])) == 0)
			return true;
	return false;
}

/* The text cut into lines of at most `em` em, by characters; closing
 * punctuation stays on the line before, hanging into the margin. */
static size_t wrap(const char *s, double em, char lines[][160], size_t max)
{
	size_t n = 0, len = 0;
	double w = 0;

	while (*s && n < max) {
		size_t k = 1;

		while (((unsigned char)s[k] & 0xc0) == 0x80)
			k++;
		if ((w + ((unsigned char)*s < 0x80 ? 0.5 : 1.0) > em &&
		     !no_line_start(s)) || len + k >= sizeof(lines[0])) {
			lines[n++][len] = '\0';
			len = 0;
			w = 0;
			if (n == max)
				break;
		}
		memcpy(lines[n] + len, s, k);
		len += k;
		w += (unsigned char)*s < 0x80 ? 0.5 : 1.0;
		s += k;
	}
	if (n < max && len)
		lines[n++][len] = '\0';
	return n;
}

struct decision {
	const struct item *item;
	struct holder holder;
	bool person;
	const char *village;        /* of a villager's house */
	char number[64];
	char decided[11], applied[11], from[11], to[11];
	int64_t published;
	struct buf pdf;
	struct upload file;
	char file_name[80];
};

static void text_line(struct buf *s, double size, double x, double y,
		      const char *text)
{
	buf_printf(s, "BT /F1 %.0f Tf %.1f %.1f Td <", size, x, y);
	ucs2_hex(s, text);
	buf_puts(s, "> Tj ET\n");
}

static void centred(struct buf *s, double size, double y, const char *text)
{
	struct buf tmp = BUF_INIT;
	double w = ucs2_hex(&tmp, text);

	buf_release(&tmp);
	text_line(s, size, (595 - w * size) / 2, y, text);
}

static void page_content(const struct decision *d, struct buf *s)
{
	char body[1200], lines[24][160], cd[32], ca[32], cf[32], ct[32];
	const char *you = d->person ? "你" : "你单位";
	double y = 700;
	size_t n, i;

	demo_cn_date(d->decided, cd);
	demo_cn_date(d->applied, ca);
	demo_cn_date(d->from, cf);
	demo_cn_date(d->to, ct);
	centred(s, 18, 780, AUTHORITY);
	centred(s, 22, 745, "行政许可决定书");
	centred(s, 12, 718, d->number);
	snprintf(body, sizeof(body), "%s：", d->holder.name);
	text_line(s, 12, 72, y -= 24, body);
	snprintf(body, sizeof(body), "%s于%s提出的%s%s%s申请，本机关已依法受"
		 "理。经审查，申请材料齐全，符合法定形式和法定条件。根据%s的"
		 "规定，决定准予行政许可。许可有效期自%s至%s。", you, ca,
		 d->village ? d->village : "", d->village ? "村村民住宅" : "",
		 d->item->name, d->item->basis, cf, ct);
	n = wrap(body, 35, lines, ARRAY_SIZE(lines));
	for (i = 0; i < n; i++)
		text_line(s, 12, i ? 72 : 96, y -= 18, lines[i]);
	snprintf(body, sizeof(body), "如不服本决定，可以自收到本决定书之日起六"
		 "十日内向新昌县人民政府申请行政复议，或者自收到本决定书之日起"
		 "六个月内依法向新昌县人民法院提起行政诉讼。");
	n = wrap(body, 35, lines, ARRAY_SIZE(lines));
	for (i = 0; i < n; i++)
		text_line(s, 12, i ? 72 : 96, y -= 18, lines[i]);
	text_line(s, 12, 330, y -= 60, AUTHORITY);
	text_line(s, 12, 360, y -= 20, cd);
}

/* A one-page PDF 1.4 of the decision, in the standard Chinese font
 * STSong-Light (not embedded: every PDF reader provides it). */
static void make_pdf(const struct decision *d, struct buf *out)
{
	struct buf content = BUF_INIT;
	size_t off[8];
	int i;

	page_content(d, &content);
	buf_puts(out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	off[1] = out->len;
	buf_puts(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = out->len;
	buf_puts(out, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
		 "endobj\n");
	off[3] = out->len;
	buf_puts(out, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "
		 "595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents "
		 "4 0 R >>\nendobj\n");
	off[4] = out->len;
	buf_printf(out, "4 0 obj\n<< /Length %zu >>\nstream\n%s"
		   "endstream\nendobj\n", content.len, buf_cstr(&content));
	off[5] = out->len;
	buf_puts(out, "5 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont "
		 "/STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
		 "[6 0 R] >>\nendobj\n");
	off[6] = out->len;
	buf_puts(out, "6 0 obj\n<< /Type /Font /Subtype /CIDFontType0 "
		 "/BaseFont /STSong-Light /CIDSystemInfo << /Registry "
		 "(Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor "
		 "7 0 R /DW 1000 /W [1 95 500] >>\nendobj\n");
	off[7] = out->len;
	buf_puts(out, "7 0 obj\n<< /Type /FontDescriptor /FontName "
		 "/STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
		 "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 "
		 "/StemV 93 >>\nendobj\n");
	off[0] = out->len;
	buf_puts(out, "xref\n0 8\n0000000000 65535 f \n");
	for (i = 1; i < 8; i++)
		buf_printf(out, "%010zu 00000 n \n", off[i]);
	buf_printf(out, "trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n%zu\n"
		   "%%%%EOF\n", off[0]);
	buf_release(&content);
}

/* ---- one year ---- */

static const struct item *pick_item(struct demo_rng *r)
{
	int total = 0, k;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(items); i++)
		total += items[i].weight;
	k = demo_rnd(r, total);
	for (i = 0; i + 1 < ARRAY_SIZE(items); i++) {
		if (k < items[i].weight)
			break;
		k -= items[i].weight;
	}
	return &items[i];
}

/* `d` plus `months` months less a day: the last day of a validity. */
static void validity_end(const char *d, int months, char out[11])
{
	int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 +
		(d[3] - '0');
	int m = (d[5] - '0') * 10 + d[6] - '0' - 1 + months;
	int day = (d[8] - '0') * 10 + d[9] - '0';
	char s[32];
	cal_day x;

	y += m / 12;
	m = m % 12 + 1;
	/* 31 March + 1 month: the end of April */
	for (;; day--) {
		snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, day);
		if (cal_parse(s, &x) == 0)
			break;
	}
	cal_format(x - 1, out);
}

static int day_cmp(const void *a, const void *b)
{
	const cal_day *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

static void plan_decision(struct demo_rng *r, const struct calendar *cal,
			  const struct pools *p, const struct year_plan *y,
			  int k, cal_day day, struct decision *d)
{
	const struct holder *h;
	cal_day pub;

	d->item = pick_item(r);
	switch (d->item->pool) {
	case P_FOOD:
		h = &p->food[demo_rnd(r, SHOPS)];
		break;
	case P_SERVICE:
		h = &p->service[demo_rnd(r, SHOPS)];
		break;
	case P_VILLAGER:
		h = NULL;
		break;
	default:
		h = &p->company[demo_rnd(r, COMPANIES)];
	}
	if (h) {
		d->holder = *h;
	} else {
		villager(r, &d->holder);
		d->person = true;
		d->village = DEMO_PICK(r, villages);
	}
	snprintf(d->number, sizeof(d->number), "新高许〔%d〕%04d号", y->year,
		 k + 1);
	cal_format(day, d->decided);
	cal_format(day - 3 - demo_rnd(r, 15), d->applied);
	memcpy(d->from, d->decided, sizeof(d->from));
	validity_end(d->decided, d->item->months, d->to);
	pub = demo_working_after(cal, day, 1 + demo_rnd(r, 5));
	d->published = demo_at(pub, 9 * 60 + demo_rnd(r, 8 * 60));
	buf_init(&d->pdf, (size_t)1 << 20);
	make_pdf(d, &d->pdf);
	snprintf(d->file_name, sizeof(d->file_name), "%s.pdf", d->number);
	d->file.field = (char *)"fulltext";
	d->file.filename = d->file_name;
	d->file.ctype = (char *)"application/pdf";
	d->file.data = (const uint8_t *)buf_cstr(&d->pdf);
	d->file.len = d->pdf.len;
}

static const struct upload *own_file(const char *name, void *arg)
{
	const struct decision *d = arg;

	return strcmp(name, d->file_name) == 0 ? &d->file : NULL;
}

/* How many of the year's demo decisions are stored. */
static int stored_of(struct db *db, int year, int64_t *n)
{
	char like[40];
	int rc;

	snprintf(like, sizeof(like), "新高许〔%d〕%%", year);
	rc = db_scalar_int(db, n, "SELECT COUNT(*) FROM permits WHERE "
			   "decision_no LIKE ?", "s", like);
	return rc < 0 ? rc : 0;
}

static int exists(struct db *db, const char *number, bool *yes)
{
	int64_t id;
	int rc = db_scalar_int(db, &id, "SELECT id FROM permits WHERE "
			       "decision_no = ?", "s", number);

	*yes = rc == 0;
	return rc < 0 ? rc : 0;
}

struct ctx {
	struct db *db;
	const struct attach_store *store;
	const struct actor *who;
	char batch[64];
	bool some_stored;           /* the year has records already */
};

/* Check and store decisions [from, to) that are not stored yet. */
static int store_chunk(struct ctx *c, struct decision *v, int from, int to,
		       int *added)
{
	struct permit_batch b;
	struct fz_err err = { 0 };
	struct buf rep = BUF_INIT;
	int i, rc = 0;

	permit_batch_init(&b, "demo");
	for (i = from; i < to && rc == 0; i++) {
		struct permit_input in = { 0 };
		struct permit p;
		bool stored = false;

		if (c->some_stored &&
		    ((rc = exists(c->db, v[i].number, &stored)) < 0 || stored))
			continue;
		in.v[PC_ITEM] = v[i].item->name;
		in.v[PC_NUMBER] = v[i].number;
		in.v[PC_HOLDER] = v[i].holder.name;
		in.v[PC_CODE] = v[i].holder.code;
		in.v[PC_DECIDED] = v[i].decided;
		in.v[PC_FROM] = v[i].from;
		in.v[PC_TO] = v[i].to;
		in.v[PC_AUTHORITY] = AUTHORITY;
		in.v[PC_BASIS] = v[i].item->basis;
		in.v[PC_FULLTEXT] = v[i].file_name;
		if (permit_check(&in, i + 1, cal_day_of(clock_now()), own_file,
				 &v[i], &p, &b.rep))
			continue;
		p.published_at = v[i].published;
		b.v = xrealloc(b.v, (b.n + 1) * sizeof(*b.v));
		b.v[b.n++] = p;
	}
	if (rc < 0) {
		error("demo permits: %s", db_errmsg(c->db));
	} else if (b.rep.errors) {
		permit_report_text(&b.rep, &rep);
		rc = error("demo permits refused:\n%s", buf_cstr(&rep));
	} else if (b.n) {
		rc = permit_batch_store(c->db, c->store, c->who, clock_now(),
					c->batch, &b, &err);
		if (rc)
			rc = error("demo permits: %s", rc < 0 ? err.msg :
				   "a decision number is taken");
		else
			*added += (int)b.n;
	}
	buf_release(&rep);
	permit_batch_release(&b);
	return rc;
}

static int run_year(struct ctx *c, const struct calendar *cal,
		    const struct pools *p, const struct year_plan *y,
		    int *added)
{
	struct demo_rng r = { y->seed };
	struct decision *v = xcalloc((size_t)y->decisions, sizeof(*v));
	cal_day *days = xcalloc((size_t)y->decisions, sizeof(*days));
	cal_day first, last, *work = NULL, d;
	size_t nwork = 0;
	int64_t stored = 0;
	char s[11];
	int i, rc = 0;

	if ((rc = stored_of(c->db, y->year, &stored)) < 0 ||
	    stored >= y->decisions) {
		free(v);
		free(days);
		return rc < 0 ? error("demo permits: %s", db_errmsg(c->db)) : 0;
	}
	c->some_stored = stored > 0;

	snprintf(s, sizeof(s), "%04d-01-01", y->year);
	cal_parse(s, &first);
	snprintf(s, sizeof(s), "%04d-12-31", y->year);
	cal_parse(s, &last);
	for (d = first; d <= last; d++)
		if (calendar_is_working(cal, d)) {
			work = xrealloc(work, (nwork + 1) * sizeof(*work));
			work[nwork++] = d;
		}
	for (i = 0; i < y->decisions; i++)
		days[i] = work[demo_rnd(&r, (int)nwork)];
	qsort(days, (size_t)y->decisions, sizeof(*days), day_cmp);
	for (i = 0; i < y->decisions; i++)
		plan_decision(&r, cal, p, y, i, days[i], &v[i]);
	snprintf(c->batch, sizeof(c->batch), "演示数据 %d", y->year);
	for (i = 0; i < y->decisions && rc == 0; i += BATCH)
		rc = store_chunk(c, v, i, i + BATCH < y->decisions ?
				 i + BATCH : y->decisions, added);
	for (i = 0; i < y->decisions; i++)
		buf_release(&v[i].pdf);
	free(v);
	free(days);
	free(work);
	return rc;
}

/* The demo 信息公开专员 enters the records, or the operator when that
 * account is missing. */
static void who_enters(struct db *db, struct actor *who)
{
	int64_t id = account_find(db, "ogi");

	cli_actor(who);
	if (id > 0) {
		who->id = id;
		who->login = "ogi";
		who->roles = "ogi_officer";
	}
}

int demo_permits(struct app *a, struct db *db, bool quiet)
{
	struct attach_store store = { a->data_dir, a->keyring };
	struct demo_env env;
	struct pools *pools;
	struct actor who;
	struct ctx c = { db, &store, &who, "", false };
	size_t i;
	int rc = demo_env_open(a, NULL, &env);

	if (rc) {
		demo_env_close(&env);
		return rc;
	}
	who_enters(db, &who);
	pools = xcalloc(1, sizeof(*pools));
	make_pools(pools);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(plans); i++) {
		int added = 0;

		rc = run_year(&c, env.cal, pools, &plans[i], &added);
		if (rc == 0 && !quiet)
			printf("permits %d: %d decisions added (%d planned)\n",
			       plans[i].year, added, plans[i].decisions);
	}
	free(pools);
	demo_env_close(&env);
	return rc < 0 ? rc : 0;
}
