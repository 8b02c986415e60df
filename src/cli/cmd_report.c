/* cmd_report.c: `fazhi report cases|permits|ogi` — statistics and the
 * annual disclosure report as plain tables for scripts */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/util.h"
#include "engine/workflow.h"
#include "ogi/report.h"
#include "permit/permit.h"
#include "report/case_stats.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi report cases --year YYYY [--by channel|dept]\n"
	"                          [--data-dir DIR] [--db URL]\n"
	"       fazhi report permits --year YYYY [--data-dir DIR] [--db URL]\n"
	"       fazhi report ogi --year YYYY [--data-dir DIR] [--db URL]\n\n"
	"ogi: the annual report on government information disclosure\n"
	"(政府信息公开工作年度报告) of YYYY in the national format, as of now:\n"
	"the title, sections 一 to 六 with their text, and tables 二, 三 and\n"
	"四 one row per line, cells separated by tabs, the labels first (three\n"
	"label cells in table 三).  Exits 1, after printing, when table 三\n"
	"breaks one of its identities (一+二 = （七）+四 in every column, （七）\n"
	"the sum of （一）..（六）, 总计 the sum of the applicant columns): a\n"
	"fault in the records, named on stderr.\n\n"
	"permits: the administrative permits published for decisions of\n"
	"YYYY, how many have an electronic full text, and the full-text\n"
	"electronic rate (全文电子化率, percent with one decimal, '-' when\n"
	"there are none), as 'items N', 'fulltext N', 'rate R'.\n\n"
	"cases:\n"
	"Print the statistics of the petitions and hotline desk for the cases\n"
	"registered in YYYY, as of today, the same figures as the page\n"
	"/stats/cases: one row per channel (or, with --by dept, per handling\n"
	"department) and a total row, columns separated by spaces.\n\n"
	"columns: the row's id, then for each figure its value and its change\n"
	"on the year before (NAME_yoy: whole percent, (this - last) / last;\n"
	"NAME_pp for a rate: percentage points), and the row's name last.\n"
	"Rates are percentages with one decimal; '-' marks a value that is\n"
	"undefined (nothing to divide by).  Definitions:\n"
	"  due = closed + overdue          completion = closed / due\n"
	"  on_time_rate = on_time / due    satisfaction = satisfied / rated\n"
	"  closed: the handling limit stopped by its closing action;\n"
	"  overdue: the handling limit still running past its due date;\n"
	"  legal_review: legal adviser involvements (events, not cases).\n";

struct table {
	char ***cells;              /* rows of columns */
	size_t rows, cols;
};

static void put(struct table *t, size_t row, size_t col, const char *s)
{
	t->cells[row][col] = xstrdup(s);
}

static void fill_header(struct table *t)
{
	char name[48];
	size_t i, c = 0;

	put(t, 0, c++, "row");
	for (i = 0; i < cs_ncolumns; i++) {
		const struct cs_column *col = &cs_columns[i];

		put(t, 0, c++, cs_column_name(col));
		snprintf(name, sizeof(name), "%s_%s", cs_column_name(col),
			 col->rate ? "pp" : "yoy");
		put(t, 0, c++, name);
	}
	put(t, 0, c, "name");
}

/* A rate as "100.0", a change without its unit: "+45", "-0.5", "-". */
static void fill_row(struct table *t, size_t row, const struct cs_row *r)
{
	char v[32];
	size_t i, c = 0;
	int64_t pct;

	put(t, row, c++, r->key);
	for (i = 0; i < cs_ncolumns; i++) {
		const struct cs_column *col = &cs_columns[i];
		int64_t x = cs_column_value(col, r, false);

		if (col->rate && x < 0)
			snprintf(v, sizeof(v), "-");
		else if (col->rate)
			snprintf(v, sizeof(v), "%lld.%lld", (long long)x / 10,
				 (long long)x % 10);
		else
			snprintf(v, sizeof(v), "%lld", (long long)x);
		put(t, row, c++, v);
		if (col->rate) {
			int a = (int)x, b = cs_rate(r, true, col->id);
			int d = a - b, m = d < 0 ? -d : d;

			if (a < 0 || b < 0)
				snprintf(v, sizeof(v), "-");
			else
				snprintf(v, sizeof(v), "%s%d.%d", d > 0 ? "+" :
					 d < 0 ? "-" : "", m / 10, m % 10);
		} else if (cs_yoy(r->now[col->id], r->last[col->id], &pct)) {
			snprintf(v, sizeof(v), "-");
		} else {
			snprintf(v, sizeof(v), "%s%lld", pct > 0 ? "+" : "",
				 (long long)pct);
		}
		put(t, row, c++, v);
	}
	put(t, row, c, r->label);
}

/* Columns padded to their widest cell (all ASCII but the last, which is
 * not padded), numbers right-aligned. */
static void print_table(const struct table *t)
{
	size_t *w = xcalloc(t->cols, sizeof(*w));
	size_t r, c, n;

	for (r = 0; r < t->rows; r++)
		for (c = 0; c + 1 < t->cols; c++) {
			n = strlen(t->cells[r][c]);
			if (n > w[c])
				w[c] = n;
		}
	for (r = 0; r < t->rows; r++) {
		for (c = 0; c + 1 < t->cols; c++)
			printf(c ? "%*s  " : "%-*s  ", (int)w[c],
			       t->cells[r][c]);
		printf("%s\n", t->cells[r][t->cols - 1]);
	}
	free(w);
}

static void print_stats(const struct case_stats *s)
{
	struct table t;
	size_t r, c;

	t.rows = s->n + 1;
	t.cols = 2 * cs_ncolumns + 2;
	t.cells = xcalloc(t.rows, sizeof(*t.cells));
	for (r = 0; r < t.rows; r++)
		t.cells[r] = xcalloc(t.cols, sizeof(**t.cells));
	fill_header(&t);
	for (r = 0; r < s->n; r++)
		fill_row(&t, r + 1, &s->rows[r]);
	print_table(&t);
	for (r = 0; r < t.rows; r++) {
		for (c = 0; c < t.cols; c++)
			free(t.cells[r][c]);
		free(t.cells[r]);
	}
	free(t.cells);
}

static int report_cases(const char *data_dir, const char *db_url, int year,
			enum cs_group by)
{
	struct fz_err err = { 0 };
	struct case_stats s;
	struct app a;
	struct db *db;
	int rc = 1;

	if (workflows_load(workflows_default_dir(), &err))
		return error("procedure definitions: %s", err.msg);
	if (cli_open(&a, &db, data_dir, db_url))
		goto out;
	if (case_stats_compute(db, year, by, cal_day_of(clock_now()), &s)) {
		error("cannot read the cases: %s", db_errmsg(db));
		goto out;
	}
	print_stats(&s);
	case_stats_release(&s);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	cli_close(&a, db);
	workflows_unload();
	return rc;
}

static int report_permits(const char *data_dir, const char *db_url,
			  int year)
{
	int64_t items = 0, full = 0;
	struct app a;
	struct db *db;
	int rc = 1;

	if (cli_open(&a, &db, data_dir, db_url))
		goto out;
	if (permit_rate(db, year, &items, &full) < 0) {
		error("cannot read the permits: %s", db_errmsg(db));
		goto out;
	}
	printf("items %lld\nfulltext %lld\n", (long long)items,
	       (long long)full);
	if (items)
		printf("rate %.1f\n", 100.0 * (double)full / (double)items);
	else
		printf("rate -\n");
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	cli_close(&a, db);
	return rc;
}

static int report_ogi(const char *data_dir, const char *db_url, int year)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	struct gi_report r;
	struct app a;
	struct db *db;
	int rc = 1;

	if (cli_open(&a, &db, data_dir, db_url))
		goto out;
	if (gi_report_compute(db, year, &r)) {
		error("cannot compute the report: %s", db_errmsg(db));
		goto out;
	}
	gi_report_text(&r, &out);
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	rc = fflush(stdout) == 0 ? 0 : 1;
	if (gi_report_check(&r, &why)) {
		error("表三勾稽关系不成立：%s", buf_cstr(&why));
		rc = 1;
	}
	gi_report_free(&r);
out:
	buf_release(&out);
	buf_release(&why);
	cli_close(&a, db);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL, *year = NULL;
	const char *by = NULL;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
		{ "year", &year, NULL }, { "by", &by, NULL },
	};
	enum cs_group group = CS_BY_CHANNEL;
	int64_t y;
	int first, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(help);
	if (argc < 2 || (strcmp(argv[1], "cases") != 0 &&
			 strcmp(argv[1], "permits") != 0 &&
			 strcmp(argv[1], "ogi") != 0))
		return cli_usage_error("report", "expected 'fazhi report "
				       "cases|permits|ogi --year YYYY'");
	rc = cli_parse("report", help, argc - 1, argv + 1, opts,
		       (int)ARRAY_SIZE(opts), &first);
	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	if (first < argc - 1)
		return cli_usage_error("report", "unexpected argument '%s'",
				       argv[1 + first]);
	if (!year)
		return cli_usage_error("report", "--year YYYY is required");
	if (parse_int64(year, 1971, 9998, &y))
		return cli_usage_error("report", "--year must be a year from "
				       "1971 to 9998, not '%s'", year);
	if (strcmp(argv[1], "ogi") == 0) {
		if (by)
			return cli_usage_error("report", "--by is for 'cases'");
		if (y < 2000 || y > 2100)
			return cli_usage_error("report", "--year must be from "
					       "2000 to 2100 for 'ogi', not "
					       "%lld", (long long)y);
		return report_ogi(data_dir, db_url, (int)y);
	}
	if (strcmp(argv[1], "permits") == 0)
		return by ? cli_usage_error("report", "--by is for 'cases'") :
		       report_permits(data_dir, db_url, (int)y);
	if (by && strcmp(by, "dept") == 0)
		group = CS_BY_DEPT;
	else if (by && strcmp(by, "channel") != 0)
		return cli_usage_error("report", "--by must be 'channel' or "
				       "'dept'");
	return report_cases(data_dir, db_url, (int)y, group);
}
