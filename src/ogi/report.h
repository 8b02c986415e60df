/* report.h: the annual report on government information disclosure
 *
 * The national format (国办公开办函〔2021〕30号, REGULATIONS.md §2):
 * sections 一 to 六, table 二 (主动公开: the 第二十条 blocks), table 三
 * (收到和处理政府信息公开申请情况) and table 四 (行政复议、行政诉讼).
 * What the records know is computed, never typed:
 *
 *   table 三    the "disclosure" procedure's cases.  A case counts in
 *               the column of its applicant_type.  Its "received" day is
 *               the date of its register event's received_date field;
 *               its "finished" day is the day of the event that took it
 *               to a final state (reply, abandon, withdraw).
 *                 一  received in the year
 *                 二  received before the year, not finished before it
 *                 三  finished in the year, by the row its outcome maps
 *                     to (reply_type through the settings' mapping;
 *                     abandoned → （六）1; withdrawn → （六）3)
 *                 四  received by the year's end, not finished by then
 *               so that 一 + 二 = 三（七） + 四 in every column, and 总计 is
 *               the sum of the six applicant columns.  gi_report_check()
 *               verifies both; a failure is a fault in the records.
 *   table 二    行政许可 本年处理决定数量: the permits register's decisions
 *               dated in the year (permit_rate()).  The other cells
 *               (规章, 行政规范性文件, 行政处罚, 行政强制, 行政事业性
 *               收费) have no records here and are entered by hand.
 *   table 四    entered by hand (no records of 复议/诉讼 yet).
 *   section 一  generated sentences from the records (publications by
 *               channel and their change on the year before, permits and
 *               the full-text rate, applications and outcomes, reviews
 *               and scanner findings) followed by the office's own text
 *               for each of the five parts the format names.
 *   五, 六      the office's text; 六 adds the sentence on 信息处理费
 *               (the amount entered, 0 by default) unless the setting
 *               turns it off.
 *
 * Hand-entered figures and texts are kept per year (gi_inputs); the
 * readings REGULATIONS.md marks UNCONFIRMED are settings (gi_settings)
 * with the most common reading as default, listed on the settings page
 * with that remark.  A published report is a publication item (the
 * pipeline of publication.h) with a frozen copy of the report, so the
 * portal shows what was approved even if the records change later.
 */
#ifndef FZ_OGI_REPORT_H
#define FZ_OGI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/roles.h"
#include "core/buf.h"
#include "core/util.h"

struct actor;
struct db;
struct pub_env;

/* Table 三's columns, in the order of the national table. */
enum gi_col {
	GI_NATURAL,                 /* 自然人 */
	GI_BUSINESS,                /* 商业企业 */
	GI_RESEARCH,                /* 科研机构 */
	GI_PUBLIC_INTEREST,         /* 社会公益组织 */
	GI_LEGAL_SERVICE,           /* 法律服务机构 */
	GI_OTHER_ORG,               /* 其他 */
	GI_TOTAL,                   /* 总计 */
	GI_COLS
};

/* Table 三's rows with numbers, in order.  Group rows (三、本年度办理结果,
 * （三）不予公开, ...) have no numbers and are not here; gi_rows[]
 * gives every row's label and group. */
enum gi_row {
	GI_R_NEW,                   /* 一、本年新收 */
	GI_R_CARRIED_IN,            /* 二、上年结转 */
	GI_R_DISCLOSE,              /* （一）予以公开 */
	GI_R_PARTIAL,               /* （二）部分公开 */
	GI_R_WITHHOLD_SECRET,       /* （三）1 */
	GI_R_WITHHOLD_LAW,          /* （三）2 */
	GI_R_WITHHOLD_SAFETY,       /* （三）3 */
	GI_R_WITHHOLD_THIRD_PARTY,  /* （三）4 */
	GI_R_WITHHOLD_INTERNAL,     /* （三）5 */
	GI_R_WITHHOLD_PROCESS,      /* （三）6 */
	GI_R_WITHHOLD_ENFORCEMENT,  /* （三）7 */
	GI_R_WITHHOLD_QUERY,        /* （三）8 */
	GI_R_UNABLE_NOT_HELD,       /* （四）1 */
	GI_R_UNABLE_CREATE,         /* （四）2 */
	GI_R_UNABLE_UNCLEAR,        /* （四）3 */
	GI_R_REJECT_COMPLAINT,      /* （五）1 */
	GI_R_REJECT_REPEAT,         /* （五）2 */
	GI_R_REJECT_PUBLICATION,    /* （五）3 */
	GI_R_REJECT_ABUSIVE,        /* （五）4 */
	GI_R_REJECT_CONFIRM,        /* （五）5 */
	GI_R_OTHER_NO_CORRECTION,   /* （六）1 */
	GI_R_OTHER_FEE,             /* （六）2 */
	GI_R_OTHER,                 /* （六）3 */
	GI_R_DONE,                  /* （七）总计 */
	GI_R_CARRIED_OUT,           /* 四、结转下年度继续办理 */
	GI_ROWS
};

/* One row of table 三 as printed: `group` is the merged group cell it
 * sits under ("三、本年度办理结果", "（三）不予公开", ... or NULL) and
 * `label` its own cell ("1.属于国家秘密", "（一）予以公开", ...).  The
 * three （六） labels are settings (gi_settings.other_label) and are
 * NULL here. */
struct gi_row_label {
	enum gi_row row;
	const char *group;
	const char *label;
};
extern const struct gi_row_label gi_rows[GI_ROWS];
extern const char *const gi_col_labels[GI_COLS];

/* The reply_type values of workflows/disclosure.json and the row each
 * goes to by default (REGULATIONS.md §2, our reading). */
struct gi_reply_map {
	const char *reply_type;
	enum gi_row row;
};
extern const struct gi_reply_map gi_default_map[];
extern const size_t gi_default_map_len;

/* Table 四: 行政复议 (结果维持, 结果纠正, 其他结果, 尚未审结, 总计), then
 * 行政诉讼 未经复议直接起诉 and 复议后起诉, each the same five. */
#define GI_T4_COLS 15

/* The settings: readings REGULATIONS.md marks UNCONFIRMED. */
#define GI_HEADING5_MAX 64
#define GI_LABEL_MAX 128
struct gi_settings {
	/* heading of section 五; default "五、存在的主要问题及改进情况",
	 * variants "五、政府信息公开工作存在的主要问题及改进情况" and
	 * "五、存在问题及改进情况" */
	char heading5[GI_HEADING5_MAX * 3 + 1];  /* + NUL */
	/* the row Art. 36(1) replies (reply_type "already_public") go to;
	 * default GI_R_DISCLOSE (（一）予以公开), also offered:
	 * GI_R_OTHER (（六）3.其他) */
	enum gi_row already_public_row;
	/* labels of （六）1, 2, 3; defaults those of REGULATIONS.md §2 */
	char other_label[3][GI_LABEL_MAX * 3 + 1];
	/* section 六 states the 信息处理费 collected (default true) */
	bool fee_sentence;
};
void gi_settings_default(struct gi_settings *s);
/* 0 or DB_E*; a missing row keeps its default. */
int gi_settings_load(struct db *db, struct gi_settings *s);
/* Checked (FZ_ERR "field_invalid": an empty or over-long label, a
 * heading not starting with "五、", a row other than the two offered),
 * saved and audited ("ogi.report_settings") in one transaction.  0 or
 * FZ_ERR with err. */
int gi_settings_save(struct db *db, const struct actor *who,
		     const struct gi_settings *s, struct fz_err *err);

/* Hand-entered figures and texts of a year. */
#define GI_TEXT_MAX 5000            /* characters of each text */
enum gi_text {
	GI_TX_PROACTIVE,            /* 一（一）主动公开 */
	GI_TX_REQUESTS,             /* 一（二）依申请公开 */
	GI_TX_MANAGEMENT,           /* 一（三）政府信息管理 */
	GI_TX_PLATFORM,             /* 一（四）政府信息公开平台建设 */
	GI_TX_SUPERVISION,          /* 一（五）监督保障 */
	GI_TX_PROBLEMS,             /* 五 */
	GI_TX_OTHER,                /* 六 */
	GI_TEXTS
};
struct gi_inputs {
	int year;
	/* table 二: 规章 and 行政规范性文件, each 本年制发件数, 本年废止件数,
	 * 现行有效件数 */
	int64_t rules[3], norms[3];
	int64_t penalties, coercion;    /* 行政处罚, 行政强制 */
	int64_t fees_cents;             /* 行政事业性收费, in fen (shown in
					 * 万元 with as many decimals as
					 * needed, at most 6) */
	int64_t t4[GI_T4_COLS];
	int64_t info_fee_cents;         /* 信息处理费 collected, in fen */
	char *text[GI_TEXTS];           /* NULL or "" when not entered */
};
void gi_inputs_free(struct gi_inputs *in);
/* The year's inputs; all zero and no texts when none were saved. */
int gi_inputs_load(struct db *db, int year, struct gi_inputs *in);
/* Checked (counts 0..10^9, table 四's 总计 cells equal the sum of the
 * four before them, texts at most GI_TEXT_MAX characters of valid
 * UTF-8), saved and audited ("ogi.report_inputs") in one transaction.
 * 0 or FZ_ERR with err ("field_invalid", the message names the cell). */
int gi_inputs_save(struct db *db, const struct actor *who,
		   const struct gi_inputs *in, struct fz_err *err);

/* What section 一 says from the records. */
struct gi_overview {
	int64_t published;          /* items published in the year, any
				     * channel (pub_count_published) */
	int64_t county_site, county_site_prev;  /* on "county_site" */
	int64_t wechat;             /* on "wechat" */
	int64_t permits, permits_full;          /* permit_rate() */
	int64_t reviews;            /* passed confidentiality reviews */
	int64_t findings, redacted, justified;  /* scanner findings of
						 * items published in the
						 * year */
};

struct gi_report {
	int year;
	char *org;                  /* the organisation's name */
	struct gi_settings set;
	struct gi_inputs in;
	int64_t permits;            /* 行政许可 本年处理决定数量 */
	int64_t t3[GI_ROWS][GI_COLS];
	struct gi_overview ov;
	int64_t generated_at;       /* unix seconds */
};

/* Compute the report of `year` (2000..2100) from the records as of now:
 * settings, inputs, table 三 and the overview.  0, or DB_E*.  The
 * caller frees with gi_report_free(). */
int gi_report_compute(struct db *db, int year, struct gi_report *out);
void gi_report_free(struct gi_report *r);

/* The identities of table 三; 0, or -1 with the first broken one
 * described in `why` (e.g. "自然人：一+二=5，（七）+四=4"). */
int gi_report_check(const struct gi_report *r, struct buf *why);

/* The cases one cell counts: the ids of the disclosure cases behind
 * t3[row][col], ascending; *ids allocated (free()), may be empty.
 * 0 or DB_E*.  The page links each figure to that list. */
int gi_report_cases(struct db *db, const struct gi_report *r,
		    enum gi_row row, enum gi_col col, int64_t **ids,
		    size_t *n);

/* The report as plain text (`fazhi report ogi`): the title, headings of
 * 一 to 六 with their text, and the three tables one row per line, cells
 * separated by tabs, the labels first. */
void gi_report_text(const struct gi_report *r, struct buf *out);

/* The report as HTML (escaped; no script, no inline style): headings,
 * paragraphs and the three tables with the national format's merged
 * header cells (rowspan/colspan, <th scope>), for the staff page and the
 * portal item.  `links` true links each non-zero figure of table 三
 * to the list of its cases (staff page only). */
void gi_report_html(const struct gi_report *r, bool links,
		    struct buf *out);

/* "<org><year>年政府信息公开工作年度报告", appended to `out`. */
void gi_report_title(const struct gi_report *r, struct buf *out);

/* The sections' text, headings and paragraphs one a line, the tables
 * left to their summary sentences: the publication's body and the
 * workbook's text sheet. */
void gi_report_body(const struct gi_report *r, struct buf *out);

/* Only the three tables, each under its section's heading: for the
 * portal item, whose body (the text as reviewed and published) carries
 * the rest. */
void gi_report_tables_html(const struct gi_report *r, struct buf *out);

/* The report as an xlsx workbook (report/xlsx.h): a sheet per table,
 * headers merged as on the page, numbers as numbers, and a sheet with the
 * sections' text.  0 or XLSX_EFILE; `out` holds the bytes. */
int gi_report_xlsx(const struct gi_report *r, struct buf *out);

/* A frozen copy of a report and back, for a published report. */
json_t *gi_report_json(const struct gi_report *r);
int gi_report_from_json(json_t *j, struct gi_report *out);

/* Draft the report of `year` as a publication item in section "11"
 * (政府信息公开年报) for the portal and the county website: title
 * "<org><year>年政府信息公开工作年度报告", body the sections' text, formed
 * on `formed_on` (YYYY-MM-DD; NULL: today), and keep the frozen copy
 * with the item (gi_reports).  It then goes through review, approval and
 * publication like any item.  Refused (409 "check_failed") when
 * gi_report_check() fails.  Transactions as pub_create().  0 with *id,
 * or FZ_ERR with err. */
int gi_report_draft(const struct pub_env *env, int year,
		    const char *formed_on, int64_t *id, struct fz_err *err);

/* Whether an account with `roles` may read the report pages (the
 * information disclosure officer, department heads, leaders). */
bool gi_report_readable(roleset roles);

/* The frozen report of publication `pub_id`, if it has one: 1 with *out
 * filled, 0 when it has none, or DB_E*. */
int gi_report_of_pub(struct db *db, int64_t pub_id, struct gi_report *out);

#endif
