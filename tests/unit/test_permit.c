/* test_permit.c: the permits register — credit codes, the CSV and xlsx
 * readers, row checks, and batches that are stored all or nothing
 *
 * The batch tests run on SQLite, and a second time on the PostgreSQL
 * database of $FAZHI_TEST_PG_URL when it is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "fixtures.h"

#include "attach/attach.h"
#include "audit/audit.h"
#include "core/buf.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "http/http.h"
#include "permit/permit.h"
#include "pii/pii.h"
#include "store/store.h"

/* ---- credit codes ---- */

static void test_uscc_vectors(void **state)
{
	static const char *const good[] = {
		"91110000600037341L",   /* the public vector: S mod 31 = 11 */
		"913306241234567883",   /* 企业 of 新昌县 */
		"11330624002003002C",   /* 机关 */
		"913306240000001820",   /* S = 682 = 22 * 31: check '0' */
	};
	struct fz_err err = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		if (!uscc_valid(good[i], &err))
			print_error("%s: %s\n", good[i], err.msg);
		assert_true(uscc_valid(good[i], &err));
		assert_int_equal(uscc_check_char(good[i]), good[i][17]);
		assert_int_equal(uscc_inner_check(good[i]), 1);
	}
	/* the edge case: a naive alphabet[31 - S % 31] would read past the
	 * end of the 31 symbols */
	assert_int_equal(uscc_check_char("91330624000000182"), '0');
	assert_int_equal(uscc_check_char("9133062400000018I"), 0);
	assert_true(uscc_valid("91110000600037341L", NULL));
}

static void refused(const char *code, const char *want_code,
		    const char *want_msg)
{
	struct fz_err err = { 0 };

	assert_false(uscc_valid(code, &err));
	assert_int_equal(err.status, 400);
	assert_string_equal(err.code, want_code);
	if (want_msg && !strstr(err.msg, want_msg))
		fail_msg("%s: \"%s\" lacks \"%s\"", code, err.msg, want_msg);
}

static void test_uscc_refusals(void **state)
{
	refused("91110000600037341M", "uscc_check", "应为 L，实为 M");
	refused("913306241234567884", "uscc_check", "应为 3");
	refused("913306240000001821", "uscc_check", "应为 0");
	refused("91330624123456788", "uscc_length", "实为 17 位");
	refused("9133062412345678833", "uscc_length", NULL);
	refused("", "uscc_length", NULL);
	refused("91330624I23456788O", "uscc_char", "“I”");
	refused("9133062412345678S3", "uscc_char", "“S”");
	refused("913306241234567z83", "uscc_char", "“z”");
	refused("0133062412345678X3", "uscc_authority", "“0”");
	refused("Z13306241234567883", "uscc_char", NULL);
	refused("943306241234567883", "uscc_category", "工商");
	refused("153306241234567883", "uscc_category", "机构编制");
	refused("9133A6241234567883", "uscc_division", NULL);
	assert_false(uscc_valid(NULL, NULL));
}

static void test_uscc_inner_and_normalise(void **state)
{
	struct buf b = BUF_INIT;
	char code[19] = "91330624123456789";

	/* 12345678 has the organisation check 8, not 9 */
	code[17] = uscc_check_char(code);
	code[18] = '\0';
	assert_true(uscc_valid(code, NULL));
	assert_int_equal(uscc_inner_check(code), 0);
	assert_int_equal(uscc_inner_check("123"), -1);
	/* full-width, spaces and lower case, as typed */
	uscc_normalise("９１１１ 0000 6000 3734 1l", &b);
	assert_string_equal(buf_cstr(&b), "91110000600037341L");
	buf_release(&b);
}

/* ---- CSV ---- */

static void csv_ok(const char *s, struct permit_table *t)
{
	struct fz_err err = { 0 };

	if (permit_csv_parse(s, strlen(s), t, &err))
		fail_msg("csv refused: %s", err.msg);
}

/* `n` of -1: the length of the string */
static void csv_bad(const char *s, size_t n, const char *want)
{
	struct permit_table t;
	struct fz_err err = { 0 };

	if (n == (size_t)-1)
		n = strlen(s);

	assert_int_equal(permit_csv_parse(s, n, &t, &err), FZ_ERR);
	assert_string_equal(err.code, "bad_csv");
	assert_int_equal(t.n, 0);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
}

static void test_csv_quotes_bom_crlf(void **state)
{
	struct permit_table t;

	csv_ok("\xef\xbb\xbf" "a,b,c\r\n"
	       "\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n"
	       "\r\n"
	       " , ,\r\n"
	       "1,,3,\r\n"
	       "last,row", &t);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.rows[0].line, 1);
	assert_string_equal(t.rows[0].cells[0], "a");
	assert_int_equal(t.rows[1].line, 2);
	assert_string_equal(t.rows[1].cells[0], "x, y");
	assert_string_equal(t.rows[1].cells[1], "say \"hi\"");
	assert_string_equal(t.rows[1].cells[2], "two\r\nlines");
	/* blank records are left out, but still counted */
	assert_int_equal(t.rows[2].line, 5);
	assert_int_equal(t.rows[2].n, 4);
	assert_string_equal(t.rows[2].cells[3], "");
	assert_int_equal(t.rows[3].line, 6);
	assert_int_equal(t.rows[3].n, 2);
	assert_false(t.rows[3].serial[0]);
	permit_table_release(&t);

	/* LF and bare CR line ends, a trailing comma at the very end, no
	 * BOM, a quote inside an unquoted field kept */
	csv_ok("a,b\nc,d\re,f,", &t);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.rows[2].n, 3);
	permit_table_release(&t);
	csv_ok("5\"寸,x\n", &t);
	assert_string_equal(t.rows[0].cells[0], "5\"寸");
	permit_table_release(&t);
	csv_ok("", &t);
	assert_int_equal(t.n, 0);
	permit_table_release(&t);
}

static void test_csv_refusals(void **state)
{
	struct buf wide = BUF_INIT, big = BUF_INIT;
	int i;

	csv_bad("a,b\nc,\"open\nd,e\n", -1, "第 2 行：引号未闭合");
	csv_bad("a,\"b\"c\n", -1, "第 1 行：引号后");
	csv_bad("a,\xff\n", -1, "UTF-8");
	csv_bad("a,\0b\n", 5, "UTF-8");
	csv_bad("a,\x01\n", -1, "控制字符");
	csv_bad("\xe6\xb3\n", -1, "UTF-8");
	for (i = 0; i <= PERMIT_COLS_MAX; i++)
		buf_puts(&wide, "x,");
	csv_bad(wide.data, wide.len, "列数过多");
	buf_putc(&big, '"');
	for (i = 0; i <= PERMIT_CELL_MAX; i++)
		buf_putc(&big, 'x');
	buf_putc(&big, '"');
	csv_bad(big.data, big.len, "过长");
	buf_release(&wide);
	buf_release(&big);
}

/* ---- one row ---- */

static int32_t day_of(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

static const char *const base_row[PC_COUNT] = {
	"建设工程规划许可", "新高许〔2023〕0001号", "新昌县恒达轴承有限公司",
	"913306241234567883", "2023-03-06", "2023-03-06", "2024-03-05",
	"新昌高新园区管理委员会", "《中华人民共和国城乡规划法》第四十条", "是",
};

/* Check `base_row` with column `col` set to `v`; the problems into rep. */
static int check_with(enum permit_col col, const char *v, bool serial,
		      struct permit *p, struct permit_report *rep)
{
	struct permit_input in = { 0 };
	size_t i;

	for (i = 0; i < PC_COUNT; i++)
		in.v[i] = base_row[i];
	in.v[col] = v;
	in.serial[col] = serial;
	return permit_check(&in, 7, day_of("2026-06-30"), NULL, NULL, p, rep);
}

static void row_good(enum permit_col col, const char *v, bool serial,
		     const char *field_want)
{
	struct permit_report rep = { 0 };
	struct permit p;
	const char *got;

	if (check_with(col, v, serial, &p, &rep))
		fail_msg("%s=\"%s\" refused: %s", permit_col_name(col), v,
			 rep.n ? rep.v[0].msg : "?");
	got = col == PC_DECIDED ? p.decided_on : col == PC_TO ? p.valid_to :
	      col == PC_NUMBER ? p.decision_no : col == PC_CODE ?
	      p.holder_code : col == PC_FROM ? p.valid_from : p.item;
	if (field_want)
		assert_string_equal(got, field_want);
	permit_release(&p);
	permit_report_release(&rep);
}

static void row_bad(enum permit_col col, const char *v, const char *want)
{
	struct permit_report rep = { 0 };
	struct permit p;

	assert_int_equal(check_with(col, v, false, &p, &rep), 1);
	assert_true(rep.errors >= 1);
	assert_int_equal(rep.v[0].row, 7);
	assert_string_equal(rep.v[0].column, permit_col_name(col));
	if (!strstr(rep.v[0].msg, want))
		fail_msg("\"%s\" lacks \"%s\"", rep.v[0].msg, want);
	assert_null(p.item);
	permit_report_release(&rep);
}

static void test_row_values(void **state)
{
	struct permit_report rep = { 0 };
	struct permit p;

	row_good(PC_DECIDED, "2022/3/5", false, "2022-03-05");
	row_good(PC_DECIDED, " 2022年3月5日 ", false, "2022-03-05");
	row_good(PC_DECIDED, "20220305", false, "2022-03-05");
	row_good(PC_DECIDED, "２０２２－０３－０５", false, "2022-03-05");
	row_good(PC_DECIDED, "2022-03-05 00:00:00", false, "2022-03-05");
	/* a spreadsheet's day number: 44625 is 2022-03-05 */
	row_good(PC_DECIDED, "44625", true, "2022-03-05");
	row_good(PC_DECIDED, "44625.5", true, "2022-03-05");
	row_good(PC_TO, "长期", false, "长期");
	row_good(PC_TO, "", false, "");
	row_good(PC_FROM, "", false, "");
	row_good(PC_NUMBER, "新高许[2023] 0001号", false,
		 "新高许〔2023〕0001号");
	row_good(PC_NUMBER, "新高许（2023）1号", false, "新高许〔2023〕1号");
	row_good(PC_CODE, "91110000600037341l", false, "91110000600037341L");
	row_good(PC_ITEM, "\xe3\x80\x80 排污许可 ", false, "排污许可");

	row_bad(PC_ITEM, "  ", "必填");
	row_bad(PC_HOLDER, "", "必填");
	row_bad(PC_DECIDED, "2022-02-30", "无法识别");
	row_bad(PC_DECIDED, "44625", "无法识别");
	row_bad(PC_DECIDED, "2026-07-01", "晚于今天");
	row_bad(PC_TO, "2023-03-05", "早于有效期自");
	row_bad(PC_TO, "下个月", "无法识别");
	row_bad(PC_CODE, "91110000600037341M", "应为 L，实为 M");
	row_bad(PC_CODE, "123", "18 位");
	row_bad(PC_CODE, "330624198001010031", "身份证号码有误");
	row_bad(PC_FULLTEXT, "决定书.pdf", "“是”或“否”");
	row_bad(PC_ITEM, "规划\n许可", "不能换行");

	/* a natural person: the number is checked and not kept */
	assert_int_equal(check_with(PC_CODE, "33062419800101003x", false, &p,
				    &rep), 0);
	assert_int_equal(p.holder_kind, PERMIT_PERSON);
	assert_string_equal(p.holder_code, "");
	assert_true(p.fulltext);
	permit_release(&p);
	/* an organisation code whose own check fails is only a warning */
	assert_int_equal(check_with(PC_CODE, "913306241234567893", false,
				    &p, &rep), 1);
	permit_report_release(&rep);
	{
		char code[19] = "91330624123456789";

		code[17] = uscc_check_char(code);
		code[18] = '\0';
		assert_int_equal(check_with(PC_CODE, code, false, &p, &rep),
				 0);
		assert_int_equal(rep.errors, 0);
		assert_int_equal(rep.warnings, 1);
		assert_true(rep.v[0].warning);
		assert_int_equal(p.holder_kind, PERMIT_ORG);
		permit_release(&p);
	}
	permit_report_release(&rep);
	assert_int_equal(check_with(PC_FULLTEXT, "否", false, &p, &rep), 0);
	assert_false(p.fulltext);
	permit_release(&p);
	permit_report_release(&rep);
}

/* ---- the sheet as a whole ---- */

static void batch_of(const char *csv, struct permit_batch *b)
{
	struct permit_table t;

	csv_ok(csv, &t);
	permit_batch_init(b, "t.csv");
	permit_batch_read(b, &t, day_of("2026-06-30"), NULL, NULL);
	permit_table_release(&t);
}

static bool has_problem(const struct permit_report *r, int row,
			const char *column, const char *text)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].row == row && (r->v[i].column == column ||
					   str_eq(r->v[i].column, column)) &&
		    strstr(r->v[i].msg, text))
			return true;
	return false;
}

#define HEADER "许可事项,决定文书号,行政相对人名称,统一社会信用代码," \
	"许可决定日期,有效期自,有效期至,许可机关,许可依据,全文\n"
#define HEADER_CRLF "许可事项,决定文书号,行政相对人名称,统一社会信用代码," \
	"许可决定日期,有效期自,有效期至,许可机关,许可依据,全文\r\n"
#define ROW(no, code) "排污许可," no ",新昌县恒达轴承有限公司," code \
	",2023-03-06,,,新昌高新园区管理委员会,,是\n"

static void test_sheet_header_and_repeats(void **state)
{
	struct permit_batch b;

	/* a title row above the header, '*' on required names, an
	 * unknown column, a repeated decision number */
	batch_of("新昌高新园区行政许可公示,,\n"
		 "*许可事项,*决定文书号,*行政相对人名称,*统一社会信用代码,"
		 "*许可决定日期,有效期自,有效期至,*许可机关,许可依据,全文,"
		 "备注\n"
		 ROW("A-1", "913306241234567883")
		 ROW("A-2", "913306241234567883")
		 ROW("A-1", "913306241234567883"), &b);
	assert_int_equal(b.rep.rows, 3);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.rep.errors, 1);
	assert_true(has_problem(&b.rep, 5, "决定文书号", "与第 3 行重复"));
	assert_int_equal(b.rep.warnings, 1);
	assert_true(has_problem(&b.rep, 2, NULL, "备注"));
	permit_batch_release(&b);

	/* missing columns, named; no rows looked at */
	batch_of("许可事项,决定文书号\n排污许可,A-1\n", &b);
	assert_true(has_problem(&b.rep, 1, "统一社会信用代码", "缺少此列"));
	assert_true(has_problem(&b.rep, 1, "许可机关", "缺少此列"));
	assert_int_equal(b.rep.rows, 0);
	permit_batch_release(&b);

	batch_of("a,b\n1,2\n", &b);
	assert_true(has_problem(&b.rep, 1, NULL, "找不到表头"));
	permit_batch_release(&b);
	batch_of(HEADER, &b);
	assert_true(has_problem(&b.rep, 1, NULL, "没有数据行"));
	permit_batch_release(&b);

	/* problems in row order, whatever found them */
	batch_of(HEADER ROW("A-1", "913306241234567883")
		 ROW("A-1", "91330624123456788X")
		 ROW("A-1", "913306241234567883"), &b);
	assert_int_equal(b.rep.errors, 2);
	assert_int_equal(b.rep.v[0].row, 3);
	assert_true(strstr(b.rep.v[0].msg, "应为 3，实为 X") != NULL);
	assert_int_equal(b.rep.v[1].row, 4);
	permit_batch_release(&b);
}

/* ---- xlsx ---- */

static char *scratch_path(const char *name)
{
	return xasprintf("%s/%s", fx_scratch, name);
}

static void slurp(const char *path, struct buf *out)
{
	buf_init(out, (size_t)64 << 20);
	assert_int_equal(read_file(path, out, (size_t)64 << 20), 0);
}

static void write_sheet(lxw_worksheet *ws, lxw_format *date)
{
	static const char *const head[] = {
		"许可事项", "决定文书号", "行政相对人名称", "统一社会信用代码",
		"许可决定日期", "有效期自", "有效期至", "许可机关", "许可依据",
		"全文",
	};
	lxw_datetime d = { 2023, 3, 6, 0, 0, 0 };
	int i;

	worksheet_write_string(ws, 0, 0, "行政许可公示", NULL);
	for (i = 0; i < 10; i++)
		worksheet_write_string(ws, 2, (lxw_col_t)i, head[i], NULL);
	worksheet_write_string(ws, 3, 0, "建设工程规划许可", NULL);
	worksheet_write_string(ws, 3, 1, "新高许〔2023〕0007号", NULL);
	worksheet_write_string(ws, 3, 2, "新昌县恒达轴承有限公司", NULL);
	worksheet_write_string(ws, 3, 3, "913306241234567883", NULL);
	worksheet_write_datetime(ws, 3, 4, &d, date);
	worksheet_write_datetime(ws, 3, 5, &d, date);
	worksheet_write_string(ws, 3, 6, "长期", NULL);
	worksheet_write_string(ws, 3, 7, "新昌高新园区管理委员会", NULL);
	worksheet_write_number(ws, 3, 9, 1, NULL);
}

static void made_by_xlsxwriter(bool constant_memory)
{
	lxw_workbook_options opt = { .constant_memory = constant_memory,
				     .tmpdir = fx_scratch };
	char *path = scratch_path(constant_memory ? "inline.xlsx" :
				  "shared.xlsx");
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "许可");
	lxw_format *date = workbook_add_format(wb);
	struct permit_table t;
	struct permit_batch b;
	struct fz_err err = { 0 };
	struct buf data;

	format_set_num_format(date, "yyyy-mm-dd");
	write_sheet(ws, date);
	workbook_add_worksheet(wb, "第二页");
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	slurp(path, &data);
	assert_true(permit_is_zip(data.data, data.len));
	if (permit_xlsx_parse(data.data, data.len, &t, &err))
		fail_msg("xlsx refused: %s", err.msg);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.rows[0].line, 1);
	assert_int_equal(t.rows[1].line, 3);
	assert_int_equal(t.rows[2].line, 4);
	assert_true(t.rows[2].serial[4]);
	assert_false(t.rows[2].serial[3]);
	assert_string_equal(t.rows[2].cells[8], "");
	permit_batch_init(&b, "x.xlsx");
	permit_batch_read(&b, &t, day_of("2026-06-30"), NULL, NULL);
	if (b.rep.errors)
		fail_msg("row refused: %s", b.rep.v[0].msg);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.v[0].decided_on, "2023-03-06");
	assert_string_equal(b.v[0].valid_from, "2023-03-06");
	assert_string_equal(b.v[0].valid_to, "长期");
	assert_string_equal(b.v[0].holder_code, "913306241234567883");
	assert_true(b.v[0].fulltext);
	assert_int_equal(b.v[0].row, 4);
	permit_batch_release(&b);
	permit_table_release(&t);
	buf_release(&data);
	free(path);
}

static void test_xlsx_from_xlsxwriter(void **state)
{
	made_by_xlsxwriter(false);  /* shared strings */
	made_by_xlsxwriter(true);   /* inline strings */
}

static void zip_put(zip_t *z, const char *name, const char *text)
{
	zip_source_t *s = zip_source_buffer(z, text, strlen(text), 0);

	assert_non_null(s);
	assert_true(zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) >= 0);
}

/* A workbook written by hand: prefixed names, the 1904 date system, a
 * rich-text shared string with a phonetic run, a sheet found through
 * the relationships, and the escapes of OOXML strings. */
static const char book_1904[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/"
	"spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
	"officeDocument/2006/relationships\"><x:workbookPr date1904=\"1\"/>"
	"<x:sheets><x:sheet name=\"A\" sheetId=\"1\" r:id=\"rId9\"/>"
	"</x:sheets></x:workbook>";
static const char rels[] =
	"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
	"openxmlformats.org/package/2006/relationships\"><Relationship "
	"Id=\"rId9\" Type=\"worksheet\" Target=\"/xl/ws/data.xml\"/>"
	"</Relationships>";
static const char sst[] =
	"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/"
	"spreadsheetml/2006/main\"><si><t>许可事项</t></si><si><t>决定文书号"
	"</t></si><si><r><t>新昌县</t></r><r><rPr><b/></rPr><t>恒达</t></r>"
	"<r><t>轴承有限公司</t></r><rPh><t>ひらがな</t></rPh></si></sst>";
static const char sheet[] =
	"<?xml version=\"1.0\"?><x:worksheet xmlns:x=\"http://schemas."
	"openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
	"<x:row r=\"2\"><x:c r=\"A2\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"B2\" "
	"t=\"s\"><x:v>1</x:v></x:c><x:c r=\"D2\" t=\"inlineStr\"><x:is><x:t>"
	"统一社会信用代码</x:t></x:is></x:c><x:c r=\"C2\" t=\"inlineStr\">"
	"<x:is><x:t>行政相对人名称</x:t></x:is></x:c>"
	"<x:c r=\"E2\" t=\"str\"><x:f>X</x:f><x:v>许可决定日期</x:v></x:c>"
	"<x:c r=\"F2\" t=\"inlineStr\"><x:is><x:t>许可机关</x:t></x:is></x:c>"
	"</x:row><x:row r=\"4\"><x:c r=\"A4\" t=\"inlineStr\"><x:is><x:t>"
	"排污_x000D_许可</x:t></x:is></x:c><x:c r=\"B4\" t=\"inlineStr\"><x:is>"
	"<x:t>A &amp; B</x:t></x:is></x:c><x:c r=\"C4\" t=\"s\"><x:v>2</x:v>"
	"</x:c><x:c r=\"D4\" t=\"inlineStr\"><x:is><x:t>913306241234567883"
	"</x:t></x:is></x:c><x:c r=\"E4\" s=\"1\"><x:v>43163</x:v></x:c>"
	"<x:c r=\"F4\" t=\"b\"><x:v>1</x:v></x:c><x:c r=\"G4\"/></x:row>"
	"</x:sheetData></x:worksheet>";

static void handmade(const char *name, const char *const *parts, size_t n,
		     struct buf *out)
{
	char *path = scratch_path(name);
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	size_t i;

	assert_non_null(z);
	for (i = 0; i + 1 < n; i += 2)
		zip_put(z, parts[i], parts[i + 1]);
	assert_int_equal(zip_close(z), 0);
	slurp(path, out);
	free(path);
}

static void test_xlsx_handmade(void **state)
{
	const char *const parts[] = {
		"xl/workbook.xml", book_1904,
		"xl/_rels/workbook.xml.rels", rels,
		"xl/sharedStrings.xml", sst,
		"xl/ws/data.xml", sheet,
	};
	struct permit_table t;
	struct fz_err err = { 0 };
	struct buf data;

	handmade("hand.xlsx", parts, ARRAY_SIZE(parts), &data);
	if (permit_xlsx_parse(data.data, data.len, &t, &err))
		fail_msg("xlsx refused: %s", err.msg);
	assert_true(t.date1904);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.rows[0].line, 2);
	assert_string_equal(t.rows[0].cells[2], "行政相对人名称");
	assert_string_equal(t.rows[0].cells[4], "许可决定日期");
	assert_int_equal(t.rows[1].line, 4);
	assert_string_equal(t.rows[1].cells[0], "排污\r许可");
	assert_string_equal(t.rows[1].cells[1], "A & B");
	assert_string_equal(t.rows[1].cells[2], "新昌县恒达轴承有限公司");
	assert_string_equal(t.rows[1].cells[4], "43163");
	assert_true(t.rows[1].serial[4]);
	assert_string_equal(t.rows[1].cells[5], "TRUE");
	assert_int_equal(t.rows[1].n, 6);
	{
		struct permit_batch b;

		/* 43163 days from 1904-01-01 is 2022-03-05 */
		permit_batch_init(&b, "hand.xlsx");
		permit_batch_read(&b, &t, day_of("2026-06-30"), NULL, NULL);
		assert_true(has_problem(&b.rep, 4, "许可事项", "不能换行"));
		permit_batch_release(&b);
	}
	permit_table_release(&t);
	buf_release(&data);
}

static void xlsx_bad(const char *const *parts, size_t n, const char *want)
{
	struct permit_table t;
	struct fz_err err = { 0 };
	struct buf data;

	handmade("bad.xlsx", parts, n, &data);
	assert_int_equal(permit_xlsx_parse(data.data, data.len, &t, &err),
			 FZ_ERR);
	assert_string_equal(err.code, "bad_xlsx");
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
	buf_release(&data);
}

static void test_xlsx_refusals(void **state)
{
	const char *const no_book[] = { "a.txt", "x" };
	const char *const entity[] = {
		"xl/workbook.xml",
		"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>",
	};
	const char *const broken[] = {
		"xl/workbook.xml", book_1904,
		"xl/_rels/workbook.xml.rels", rels,
		"xl/ws/data.xml", "<worksheet><sheetData><row>",
	};
	const char *const dangling[] = {
		"xl/workbook.xml", book_1904,
		"xl/_rels/workbook.xml.rels", rels,
		"xl/ws/data.xml", "<worksheet><sheetData><row><c t=\"s\"><v>7"
		"</v></c></row></sheetData></worksheet>",
	};
	struct permit_table t;
	struct fz_err err = { 0 };

	xlsx_bad(no_book, 2, "workbook");
	xlsx_bad(entity, 2, "文档类型声明");
	xlsx_bad(broken, 6, "XML");
	xlsx_bad(dangling, 6, "共享字符串");
	assert_int_equal(permit_xlsx_parse("PK\3\4junk", 9, &t, &err), FZ_ERR);
	assert_string_equal(err.code, "bad_xlsx");
}

/* ---- batches in the store ---- */

static const char *pg_url;
static int dbseq;

struct fx {
	char *dir;
	struct fx_ring ring;
	struct db *db;
	struct attach_store st;
	struct actor who;
};

static int db_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char name[32];

	snprintf(name, sizeof(name), "p%d", ++dbseq);
	f->dir = xasprintf("%s/%s", fx_scratch, name);
	fx_ring_make(name, &f->ring);
	f->db = fx_db_open(pg_url, f->dir, "fazhi", 0);
	if (!f->db)
		return -1;
	f->st.data_dir = f->dir;
	f->st.kr = f->ring.kr;
	f->who.login = "cli:test";
	f->who.roles = "operator";
	f->who.ip = "local";
	f->who.request_id = "-";
	*state = f;
	return 0;
}

static int db_teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	fx_ring_free(&f->ring);
	free(f->dir);
	free(f);
	return 0;
}

static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
	"trailer << /Root 1 0 R >>\n%%EOF\n";

struct files {
	struct upload u[2];
};

static const struct upload *find_file(const char *name, void *arg)
{
	struct files *f = arg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(f->u); i++)
		if (f->u[i].filename && str_eq(f->u[i].filename, name))
			return &f->u[i];
	return NULL;
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_scalar_int(db, &n, sql, ""), 0);
	return n;
}

static size_t files_on_disk(const char *dir)
{
	char *cmd = xasprintf("find '%s/attachments' -type f 2>/dev/null | "
			      "wc -l", dir);
	FILE *p = popen(cmd, "r");
	unsigned long n = 0;

	assert_non_null(p);
	assert_int_equal(fscanf(p, "%lu", &n), 1);
	pclose(p);
	free(cmd);
	return n;
}

/* The test sheet: a company with its decision attached, a shop (92)
 * with a quoted name and a two-line legal basis, and a villager;
 * `bad_code` replaces the shop's code. */
static char *sheet_csv(bool bad_code)
{
	char shop[19] = "92330624556677885";

	shop[17] = uscc_check_char(shop);
	shop[18] = '\0';
	if (bad_code)
		shop[17] = shop[17] == '0' ? '1' : '0';
	return xasprintf("\xef\xbb\xbf" HEADER_CRLF
		"建设工程规划许可,新高许〔2023〕0001号,新昌县恒达轴承有限公司,"
		"913306241234567883,2023-03-06,2023-03-06,2024-03-05,"
		"新昌高新园区管理委员会,《中华人民共和国城乡规划法》第四十条,"
		"决定书1.pdf\r\n"
		"食品经营许可,新高许[2023]0002号,\"新昌县\"\"好味\"\"小吃店\","
		"%s,2023/3/7,2023/3/7,长期,新昌高新园区管理委员会,\"《中华人民"
		"共和国食品安全法》\r\n第三十五条\",是\r\n"
		"乡村建设规划许可,新高许〔2023〕0003号,张三丰,"
		"33062419800101003X,"
		"2023年3月8日,,,新昌高新园区管理委员会,,否\r\n", shop);
}

static void test_batch_all_or_nothing(void **state)
{
	struct fx *f = *state;
	struct files files = { {
		{ (char *)"fulltexts", (char *)"决定书1.pdf", NULL,
		  (const uint8_t *)pdf, sizeof(pdf) - 1 },
		{ 0 },
	} };
	struct permit_batch b;
	struct fz_err err = { 0 };
	char *bad = sheet_csv(true), *good = sheet_csv(false);
	int64_t audit0 = audit_length(f->db), items, with;
	struct permit p;
	int rc;

	/* one bad row: nothing is stored, no file is left */
	rc = permit_import(f->db, &f->st, &f->who, "许可.csv", bad,
			   strlen(bad), find_file, &files, NULL, false, &b,
			   &err);
	assert_int_equal(rc, 1);
	assert_int_equal(b.rep.rows, 3);
	assert_int_equal(b.rep.errors, 1);
	assert_true(has_problem(&b.rep, 3, "统一社会信用代码", "校验码错误"));
	permit_batch_release(&b);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM permits"), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM attachments"), 0);
	assert_int_equal(files_on_disk(f->dir), 0);
	assert_int_equal(audit_length(f->db), audit0);

	/* a dry run of the good sheet stores nothing either */
	rc = permit_import(f->db, &f->st, &f->who, "许可.csv", good,
			   strlen(good), find_file, &files, NULL, true, &b,
			   &err);
	assert_int_equal(rc, 0);
	assert_int_equal(b.rep.stored, 0);
	assert_int_equal(b.rep.with_fulltext, 2);
	permit_batch_release(&b);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM permits"), 0);

	/* the good sheet: all three, one audit entry, the file owned */
	rc = permit_import(f->db, &f->st, &f->who, "许可.csv", good,
			   strlen(good), find_file, &files, NULL, false, &b,
			   &err);
	if (rc)
		fail_msg("import: %d %s %s", rc, err.msg,
			 b.rep.n ? b.rep.v[0].msg : "");
	assert_int_equal(b.rep.stored, 3);
	assert_true(strstr(b.rep.batch, "许可.csv") != NULL);
	assert_int_equal(audit_length(f->db), audit0 + 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM attachments "
			       "WHERE field = 'permit' AND case_id IS NULL"),
			 1);
	assert_int_equal(files_on_disk(f->dir), 1);
	assert_int_equal(permit_get(f->db, b.rep.first_id, &p), 0);
	assert_string_equal(p.decision_no, "新高许〔2023〕0001号");
	assert_true(p.fulltext_id > 0);
	assert_true(p.published_at > 0);
	permit_release(&p);
	assert_int_equal(permit_get(f->db, b.rep.first_id + 1, &p), 0);
	assert_string_equal(p.holder, "新昌县\"好味\"小吃店");
	assert_string_equal(p.decision_no, "新高许〔2023〕0002号");
	assert_string_equal(p.legal_basis, "《中华人民共和国食品安全法》\r\n"
			    "第三十五条");
	assert_true(p.fulltext);
	assert_int_equal(p.fulltext_id, 0);
	permit_release(&p);
	assert_int_equal(permit_get(f->db, b.rep.last_id, &p), 0);
	assert_int_equal(p.holder_kind, PERMIT_PERSON);
	assert_string_equal(p.holder_code, "");
	permit_release(&p);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM permits WHERE "
			       "holder_code LIKE '%0101003%'"), 0);
	permit_batch_release(&b);

	/* again: every decision number is taken */
	rc = permit_import(f->db, &f->st, &f->who, "许可.csv", good,
			   strlen(good), find_file, &files, NULL, false, &b,
			   &err);
	assert_int_equal(rc, 1);
	assert_int_equal(b.rep.errors, 3);
	assert_true(has_problem(&b.rep, 2, "决定文书号", "已登记"));
	permit_batch_release(&b);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM permits"), 3);

	/* the rate: two of three with an electronic full text */
	assert_int_equal(permit_rate(f->db, 2023, &items, &with), 0);
	assert_int_equal(items, 3);
	assert_int_equal(with, 2);
	assert_int_equal(permit_rate(f->db, 2022, &items, &with), 0);
	assert_int_equal(items, 0);
	free(bad);
	free(good);
}

static void test_batch_missing_file_and_list(void **state)
{
	struct fx *f = *state;
	struct files none = { { { 0 }, { 0 } } };
	struct permit_filter flt = { .item = "", .q = "", .page = 1,
				     .size = 2 };
	struct permit_list l;
	struct permit_batch b;
	struct fz_err err = { 0 };
	char *good = sheet_csv(false);
	char **names = NULL;
	int rc;

	rc = permit_import(f->db, &f->st, &f->who, "许可.csv", good,
			   strlen(good), find_file, &none, NULL, false, &b,
			   &err);
	assert_int_equal(rc, 1);
	assert_true(has_problem(&b.rep, 2, "全文", "找不到全文文件"));
	permit_batch_release(&b);

	rc = permit_import(f->db, &f->st, &f->who, "许可.xls", "x", 1, NULL,
			   NULL, NULL, false, &b, &err);
	assert_int_equal(rc, 1);
	assert_true(has_problem(&b.rep, 0, NULL, ".xls"));
	permit_batch_release(&b);

	/* a single record from a form, then the list and its filters */
	{
		struct permit_input in = { 0 };
		struct permit p;
		size_t i;

		for (i = 0; i < PC_COUNT; i++)
			in.v[i] = base_row[i];
		permit_batch_init(&b, "");
		assert_int_equal(permit_check(&in, 0, day_of("2026-06-30"),
					      NULL, NULL, &p, &b.rep), 0);
		b.v = xcalloc(1, sizeof(*b.v));
		b.v[b.n++] = p;
		assert_int_equal(permit_batch_store(f->db, &f->st, &f->who,
						    clock_now(), NULL, &b,
						    &err), 0);
		permit_batch_release(&b);
	}
	assert_int_equal(permit_list_load(f->db, &flt, &l), 0);
	assert_int_equal(l.total, 1);
	assert_int_equal(l.n, 1);
	permit_list_release(&l);
	flt.q = "恒达";
	flt.year = 2023;
	assert_int_equal(permit_list_load(f->db, &flt, &l), 0);
	assert_int_equal(l.total, 1);
	permit_list_release(&l);
	flt.q = "100%";
	assert_int_equal(permit_list_load(f->db, &flt, &l), 0);
	assert_int_equal(l.total, 0);
	permit_list_release(&l);
	assert_int_equal(permit_item_names(f->db, &names), 0);
	assert_string_equal(names[0], "建设工程规划许可");
	assert_null(names[1]);
	free(names[0]);
	free(names);
	free(good);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_uscc_vectors),
		cmocka_unit_test(test_uscc_refusals),
		cmocka_unit_test(test_uscc_inner_and_normalise),
		cmocka_unit_test(test_csv_quotes_bom_crlf),
		cmocka_unit_test(test_csv_refusals),
		cmocka_unit_test(test_row_values),
		cmocka_unit_test(test_sheet_header_and_repeats),
		cmocka_unit_test(test_xlsx_from_xlsxwriter),
		cmocka_unit_test(test_xlsx_handmade),
		cmocka_unit_test(test_xlsx_refusals),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test_setup_teardown(test_batch_all_or_nothing,
						db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(
			test_batch_missing_file_and_list, db_setup,
			db_teardown),
	};
	const char *pg = getenv("FAZHI_TEST_PG_URL");
	char tmpl[] = "/tmp/fazhi-permit-XXXXXX";
	int failed;

	fx_scratch = tmpl;
	if (fx_scratch_setup(NULL))
		return 1;
	assert_int_equal(pii_divisions_init(NULL), 0);
	failed = cmocka_run_group_tests_name("permits", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("permit batches on SQLite",
					      store, NULL, NULL);
	if (pg && *pg) {
		pg_url = pg;
		failed += cmocka_run_group_tests_name(
			"permit batches on PostgreSQL", store, NULL, NULL);
	}
	fx_scratch_teardown(NULL);
	return failed ? 1 : 0;
}
