/* report_store.c: the annual report's settings and hand-entered inputs
 *
 * gi_settings rows (a key without a row reads as its default):
 *   heading5            the heading of section 五
 *   already_public_row  "disclose" (（一）予以公开) or "other" (（六）3)
 *   other_label.1 .. 3  the labels of （六）1, 2, 3
 *   fee_sentence        "1" or "0": section 六 states the 信息处理费
 * gi_inputs rows of a year, every key written at each save:
 *   rules.0 .. 2, norms.0 .. 2   table 二: 规章, 行政规范性文件 (本年制发,
 *                                本年废止, 现行有效)
 *   penalties, coercion          行政处罚, 行政强制
 *   fees_cents                   行政事业性收费, fen
 *   t4.0 .. t4.14                table 四, in the order of the table
 *   info_fee_cents               信息处理费, fen
 *   text.proactive, text.requests, text.management, text.platform,
 *   text.supervision             一（一）to 一（五）
 *   text.problems, text.other    五, 六
 * Integers are decimal text.  Each save is one transaction with its
 * audit entry.
 */
#include "ogi/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_tx.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "ogi/report_walk.h"
#include "store/store.h"

#define COUNT_MAX 1000000000LL          /* counts: 0 .. 10^9 */
#define CENTS_MAX 10000000000000LL      /* amounts: 0 .. 10^13 fen */

static const char *const heading5_offered[] = {
	"五、存在的主要问题及改进情况",
	"五、政府信息公开工作存在的主要问题及改进情况",
	"五、存在问题及改进情况",
};

static const char *const other_label_default[3] = {
	"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
	("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息"
	 "公开申请"),
	"3.其他",
};

static const char *const text_keys[GI_TEXTS] = {
	"text.proactive", "text.requests", "text.management", "text.platform",
	"text.supervision", "text.problems", "text.other",
};

static const char *const text_names[GI_TEXTS] = {
	"一（一）主动公开", "一（二）依申请公开", "一（三）政府信息管理",
	"一（四）政府信息公开平台建设", "一（五）监督保障",
	"五、存在的主要问题及改进情况", "六、其他需要报告的事项",
};

static const char *const t2_cols[3] = {
	"本年制发件数", "本年废止件数", "现行有效件数",
};

static const char *const t4_groups[3] = {
	"行政复议", "行政诉讼·未经复议直接起诉", "行政诉讼·复议后起诉",
};

/* ---- settings ---- */

void gi_settings_default(struct gi_settings *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	snprintf(s->heading5, sizeof(s->heading5), "%s", heading5_offered[0]);
	s->already_public_row = GI_R_DISCLOSE;
	for (i = 0; i < 3; i++)
		snprintf(s->other_label[i], sizeof(s->other_label[i]), "%s",
			 other_label_default[i]);
	s->fee_sentence = true;
}

/* Whether `v` fits a text setting of at most `chars` characters in a
 * buffer of `size` bytes: one line of valid UTF-8, not empty. */
static bool label_ok(const char *v, size_t chars, size_t size)
{
	size_t n = v ? strlen(v) : 0;

	return n && n < size && utf8_valid(v, n) && utf8_chars(v, n) <= chars &&
	       !strpbrk(v, "\r\n\t");
}

static void setting_apply(struct gi_settings *s, const char *key,
			  const char *v)
{
	int i;

	if (strcmp(key, "heading5") == 0) {
		if (label_ok(v, GI_HEADING5_MAX, sizeof(s->heading5)) &&
		    str_starts(v, "五、"))
			snprintf(s->heading5, sizeof(s->heading5), "%s", v);
	} else if (strcmp(key, "already_public_row") == 0) {
		if (strcmp(v, "other") == 0)
			s->already_public_row = GI_R_OTHER;
		else if (strcmp(v, "disclose") == 0)
			s->already_public_row = GI_R_DISCLOSE;
	} else if (strcmp(key, "fee_sentence") == 0) {
		s->fee_sentence = strcmp(v, "0") != 0;
	} else {
		for (i = 0; i < 3; i++) {
			char k[24];

			snprintf(k, sizeof(k), "other_label.%d", i + 1);
			if (strcmp(key, k) == 0 &&
			    label_ok(v, GI_LABEL_MAX,
				     sizeof(s->other_label[i])))
				snprintf(s->other_label[i],
					 sizeof(s->other_label[i]), "%s", v);
		}
	}
}

int gi_settings_load(struct db *db, struct gi_settings *s)
{
	struct db_rows *rows;
	int rc;

	gi_settings_default(s);
	rows = db_query(db, "SELECT key, value FROM gi_settings", "");
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1)
		if (db_text(rows, 0) && db_text(rows, 1))
			setting_apply(s, db_text(rows, 0), db_text(rows, 1));
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

static int settings_check(const struct gi_settings *s, struct fz_err *err)
{
	int i;

	if (!label_ok(s->heading5, GI_HEADING5_MAX, sizeof(s->heading5)) ||
	    !str_starts(s->heading5, "五、"))
		return fz_fail(err, 400, "field_invalid", "“第五部分标题”须以"
			       "“五、”开头，不超过 %d 个字，且不换行",
			       GI_HEADING5_MAX);
	if (s->already_public_row != GI_R_DISCLOSE &&
	    s->already_public_row != GI_R_OTHER)
		return fz_fail(err, 400, "field_invalid", "“已主动公开的答复"
			       "计入”只能是“（一）予以公开”或“（六）其他处理"
			       "3.其他”");
	for (i = 0; i < 3; i++)
		if (!label_ok(s->other_label[i], GI_LABEL_MAX,
			      sizeof(s->other_label[i])))
			return fz_fail(err, 400, "field_invalid", "表三“（六）"
				       "其他处理”第 %d 项的名称须为 1 到 %d "
				       "个字，且不换行", i + 1, GI_LABEL_MAX);
	return 0;
}

static int put(struct db *db, const char *table, int year, const char *key,
	       const char *value, int64_t by)
{
	int rc;

	if (strcmp(table, "gi_settings") == 0)
		rc = db_exec(db, "INSERT INTO gi_settings (key, value, "
			     "updated_at, updated_by) VALUES (?, ?, ?, ?)",
			     "ssiz", key, value, clock_now(), by);
	else
		rc = db_exec(db, "INSERT INTO gi_inputs (year, key, value, "
			     "updated_at, updated_by) VALUES (?, ?, ?, ?, ?)",
			     "issiz", (int64_t)year, key, value, clock_now(),
			     by);
	return rc < 0 ? rc : 0;
}

static int settings_write(struct db *db, const struct gi_settings *s,
			  int64_t by)
{
	char k[24];
	int i, rc = db_exec(db, "DELETE FROM gi_settings", "");

	rc = rc < 0 ? rc : put(db, "gi_settings", 0, "heading5", s->heading5,
			       by);
	if (rc == 0)
		rc = put(db, "gi_settings", 0, "already_public_row",
			 s->already_public_row == GI_R_OTHER ? "other" :
			 "disclose", by);
	for (i = 0; rc == 0 && i < 3; i++) {
		snprintf(k, sizeof(k), "other_label.%d", i + 1);
		rc = put(db, "gi_settings", 0, k, s->other_label[i], by);
	}
	if (rc == 0)
		rc = put(db, "gi_settings", 0, "fee_sentence",
			 s->fee_sentence ? "1" : "0", by);
	return rc;
}

int gi_settings_save(struct db *db, const struct actor *who,
		     const struct gi_settings *s, struct fz_err *err)
{
	json_t *d;
	int rc;

	if (settings_check(s, err))
		return FZ_ERR;
	d = json_pack("{s:s,s:s,s:[s,s,s],s:b}", "heading5", s->heading5,
		      "already_public_row", s->already_public_row ==
		      GI_R_OTHER ? "other" : "disclose", "other_labels",
		      s->other_label[0], s->other_label[1], s->other_label[2],
		      "fee_sentence", s->fee_sentence);
	rc = db_begin(db);
	if (rc == 0)
		rc = settings_write(db, s, who->id);
	return audit_tx_end(db, rc, who, "ogi.report_settings",
			    "settings:gi_report", d, err);
}

/* ---- inputs ---- */

void gi_inputs_free(struct gi_inputs *in)
{
	int i;

	for (i = 0; i < GI_TEXTS; i++) {
		free(in->text[i]);
		in->text[i] = NULL;
	}
}

/* The integer cells of the inputs, by key, with their limits. */
struct cell {
	char key[16];
	int64_t *v;
	int64_t max;
};

static void cell(struct cell *c, size_t *n, const char *key, int i,
		 int64_t *v, int64_t max)
{
	if (i < 0)
		snprintf(c[*n].key, sizeof(c[*n].key), "%s", key);
	else
		snprintf(c[*n].key, sizeof(c[*n].key), "%s.%d", key, i);
	c[*n].v = v;
	c[*n].max = max;
	(*n)++;
}

/* In the order of the tables, which cell_name() follows. */
static size_t cells_of(struct gi_inputs *in, struct cell *c)
{
	size_t n = 0;
	int i;

	for (i = 0; i < 3; i++)
		cell(c, &n, "rules", i, &in->rules[i], COUNT_MAX);
	for (i = 0; i < 3; i++)
		cell(c, &n, "norms", i, &in->norms[i], COUNT_MAX);
	cell(c, &n, "penalties", -1, &in->penalties, COUNT_MAX);
	cell(c, &n, "coercion", -1, &in->coercion, COUNT_MAX);
	cell(c, &n, "fees_cents", -1, &in->fees_cents, CENTS_MAX);
	for (i = 0; i < GI_T4_COLS; i++)
		cell(c, &n, "t4", i, &in->t4[i], COUNT_MAX);
	cell(c, &n, "info_fee_cents", -1, &in->info_fee_cents, CENTS_MAX);
	return n;
}

#define NCELLS (3 + 3 + 3 + GI_T4_COLS + 1)

int gi_inputs_load(struct db *db, int year, struct gi_inputs *in)
{
	struct cell c[NCELLS];
	struct db_rows *rows;
	size_t n, i;
	int rc, t;

	memset(in, 0, sizeof(*in));
	in->year = year;
	n = cells_of(in, c);
	rows = db_query(db, "SELECT key, value FROM gi_inputs WHERE year = ?",
			"i", (int64_t)year);
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		const char *k = db_text(rows, 0), *v = db_text(rows, 1);

		if (!k || !v)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(k, c[i].key) == 0 &&
			    parse_int64(v, 0, c[i].max, c[i].v))
				*c[i].v = 0;
		for (t = 0; t < GI_TEXTS; t++)
			if (strcmp(k, text_keys[t]) == 0 && *v) {
				free(in->text[t]);
				in->text[t] = xstrdup(v);
			}
	}
	db_rows_free(rows);
	if (rc < 0)
		gi_inputs_free(in);
	return rc < 0 ? rc : 0;
}

/* The cell's name for a message: 表二“规章”本年制发件数. */
static void cell_name(size_t i, struct buf *out)
{
	if (i < 6) {
		buf_printf(out, "表二“%s”%s", i < 3 ? "规章" :
			   "行政规范性文件", t2_cols[i % 3]);
	} else if (i < 9) {
		static const char *const names[3][2] = {
			{ "行政处罚", "本年处理决定数量" },
			{ "行政强制", "本年处理决定数量" },
			{ "行政事业性收费", "本年收费金额" },
		};

		buf_printf(out, "表二“%s”%s", names[i - 6][0],
			   names[i - 6][1]);
	} else if (i < 9 + GI_T4_COLS) {
		buf_printf(out, "表四“%s”%s", t4_groups[(i - 9) / 5],
			   gi_t4_labels[(i - 9) % 5]);
	} else {
		buf_puts(out, "“信息处理费”");
	}
}

static int inputs_check(const struct gi_inputs *cin, struct fz_err *err)
{
	struct gi_inputs in = *cin;     /* cells_of() wants it writable */
	struct cell c[NCELLS];
	struct buf name = BUF_INIT;
	size_t n = cells_of(&in, c), i;
	int g, t, rc = 0;

	if (in.year < 2000 || in.year > 2100)
		return fz_fail(err, 400, "field_invalid", "年度须为 2000 到 "
			       "2100 年之间");
	for (i = 0; rc == 0 && i < n; i++) {
		if (*c[i].v >= 0 && *c[i].v <= c[i].max)
			continue;
		cell_name(i, &name);
		rc = fz_fail(err, 400, "field_invalid", "%s须为 0 到 %lld 之"
			     "间的%s", buf_cstr(&name), (long long)c[i].max,
			     c[i].max == CENTS_MAX ? "金额（分）" : "整数");
	}
	for (g = 0; rc == 0 && g < 3; g++) {
		const int64_t *v = &in.t4[g * 5];
		int64_t sum = v[0] + v[1] + v[2] + v[3];

		if (sum != v[4])
			rc = fz_fail(err, 400, "field_invalid", "表四“%s”总计"
				     "应为前四项之和（%lld），填写的是%lld",
				     t4_groups[g], (long long)sum,
				     (long long)v[4]);
	}
	for (t = 0; rc == 0 && t < GI_TEXTS; t++) {
		const char *s = in.text[t] ? in.text[t] : "";
		size_t len = strlen(s), chars;

		if (!utf8_valid(s, len)) {
			rc = fz_fail(err, 400, "field_invalid", "“%s”含有无法"
				     "识别的字符", text_names[t]);
			break;
		}
		chars = utf8_chars(s, len);
		if (chars > GI_TEXT_MAX)
			rc = fz_fail(err, 400, "field_invalid", "“%s”不得超过 "
				     "%d 个字（现有 %zu 个字）", text_names[t],
				     GI_TEXT_MAX, chars);
	}
	buf_release(&name);
	return rc;
}

static int inputs_write(struct db *db, struct gi_inputs *in, int64_t by,
			json_t *details)
{
	struct cell c[NCELLS];
	json_t *vals = json_object();
	size_t n = cells_of(in, c), i;
	int t, rc = db_exec(db, "DELETE FROM gi_inputs WHERE year = ?", "i",
			    (int64_t)in->year);

	rc = rc < 0 ? rc : 0;
	for (i = 0; rc == 0 && i < n; i++) {
		char v[24];

		snprintf(v, sizeof(v), "%lld", (long long)*c[i].v);
		rc = put(db, "gi_inputs", in->year, c[i].key, v, by);
		json_object_set_new(vals, c[i].key,
				    json_integer((json_int_t)*c[i].v));
	}
	for (t = 0; rc == 0 && t < GI_TEXTS; t++) {
		const char *s = in->text[t] ? in->text[t] : "";

		rc = put(db, "gi_inputs", in->year, text_keys[t], s, by);
		json_object_set_new(vals, text_keys[t], json_integer(
			(json_int_t)utf8_chars(s, strlen(s))));
	}
	json_object_set_new(details, "values", vals);
	return rc;
}

int gi_inputs_save(struct db *db, const struct actor *who,
		   const struct gi_inputs *in, struct fz_err *err)
{
	struct gi_inputs copy = *in;
	json_t *d;
	char obj[32];
	int rc;

	if (inputs_check(in, err))
		return FZ_ERR;
	snprintf(obj, sizeof(obj), "gi_inputs:%d", in->year);
	/* details: the figures, and each text's length in characters */
	d = json_pack("{s:i}", "year", in->year);
	rc = db_begin(db);
	if (rc == 0)
		rc = inputs_write(db, &copy, who->id, d);
	return audit_tx_end(db, rc, who, "ogi.report_inputs", obj, d, err);
}
