/* test_scan.c: the disclosure gate's personal-data scanner and redaction */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "pii/pii.h"
#include "pii/scan.h"

#include "scan_corpus.h"

/* Sanitizer builds run several times slower; the bound is for -O2. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOWDOWN 10
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOWDOWN 10
#endif
#endif
#ifndef SLOWDOWN
#define SLOWDOWN 1
#endif

#define MB ((size_t)1 << 20)

static struct scan_terms terms = SCAN_TERMS_INIT;

static int load_terms(void **state)
{
	(void)state;
	return scan_terms_load(&terms, corpus_terms, strlen(corpus_terms),
			       NULL);
}

static int free_terms(void **state)
{
	(void)state;
	scan_terms_release(&terms);
	return 0;
}

static size_t want_count(const struct corpus_case *c)
{
	size_t k = 0;

	while (k < CORPUS_WANT_MAX && c->want[k].kind)
		k++;
	return k;
}

static bool same(const struct scan_finding *got, const char *text,
		 const struct corpus_want *w)
{
	const char *at = strstr(text, w->span);

	return at && got->kind == w->kind &&
	       got->off == (size_t)(at - text) &&
	       got->len == strlen(w->span) &&
	       !strcmp(got->value, w->value) && !strcmp(got->mask, w->mask);
}

/* The text with each wanted span replaced by its mask (a term by one
 * '*' a character), built from the labels alone. */
static void expected_redaction(const struct corpus_case *c, struct buf *out)
{
	const char *p = c->text, *at;
	size_t k, i;

	for (k = 0; k < want_count(c); k++) {
		at = strstr(c->text, c->want[k].span);
		assert_non_null(at);
		assert_true(at >= p);
		buf_add(out, p, (size_t)(at - p));
		if (c->want[k].kind == SCAN_TERM) {
			for (i = 0; c->want[k].span[i]; i++)
				if ((c->want[k].span[i] & 0xC0) != 0x80)
					buf_putc(out, '*');
		} else {
			buf_puts(out, c->want[k].mask);
		}
		p = at + strlen(c->want[k].span);
	}
	buf_puts(out, p);
}

/* ---- the labelled corpus ---- */

static void test_PI_04_labelled_corpus_full_recall(void **state)
{
	struct scan_findings f = SCAN_FINDINGS_INIT;
	size_t i, k, m, wanted = 0, found = 0, extra = 0, decoys = 0;
	bool hit;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(corpus); i++) {
		const struct corpus_case *c = &corpus[i];

		assert_int_equal(pii_scan(c->text, strlen(c->text), &terms,
					  &f), 0);
		decoys += want_count(c) == 0;
		for (k = 0; k < want_count(c); k++) {
			wanted++;
			for (hit = false, m = 0; m < f.n && !hit; m++)
				hit = same(&f.v[m], c->text, &c->want[k]);
			if (hit)
				found++;
			else
				print_error("missed in \"%s\": %s\n", c->text,
					    c->want[k].span);
		}
		for (m = 0; m < f.n; m++) {
			for (hit = false, k = 0; k < want_count(c) && !hit; k++)
				hit = same(&f.v[m], c->text, &c->want[k]);
			if (!hit) {
				extra++;
				print_error("false positive in \"%s\": %.*s "
					    "(%s, %s)\n", c->text,
					    (int)f.v[m].len,
					    c->text + f.v[m].off, f.v[m].value,
					    f.v[m].rule);
			}
		}
	}
	print_message("corpus: %zu texts (%zu decoys), %zu/%zu findings "
		      "recalled, %zu false positives\n", ARRAY_SIZE(corpus),
		      decoys, found, wanted, extra);
	assert_true(ARRAY_SIZE(corpus) >= 60);
	assert_true(decoys >= 20);
	assert_int_equal(found, wanted);
	assert_int_equal(extra, 0);
	scan_findings_release(&f);
}

/* Findings come in the order of the labels, which is text order. */
static void test_PI_04_corpus_order_and_rules(void **state)
{
	struct scan_findings f = SCAN_FINDINGS_INIT;
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(corpus); i++) {
		const struct corpus_case *c = &corpus[i];

		assert_int_equal(pii_scan(c->text, strlen(c->text), &terms,
					  &f), 0);
		assert_int_equal(f.n, want_count(c));
		for (k = 0; k < f.n; k++) {
			assert_true(same(&f.v[k], c->text, &c->want[k]));
			assert_non_null(f.v[k].rule);
			assert_true(f.v[k].rule[0] != '\0');
			if (k)
				assert_true(f.v[k].off >= f.v[k - 1].off +
						f.v[k - 1].len);
		}
	}
	scan_findings_release(&f);
}

static void test_PI_04_corpus_redaction(void **state)
{
	struct scan_findings f = SCAN_FINDINGS_INIT;
	struct buf got = BUF_INIT, want = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(corpus); i++) {
		const struct corpus_case *c = &corpus[i];

		assert_int_equal(pii_scan(c->text, strlen(c->text), &terms,
					  &f), 0);
		buf_reset(&got);
		buf_reset(&want);
		assert_int_equal(pii_redact(c->text, strlen(c->text), &f,
					    NULL, &got), 0);
		expected_redaction(c, &want);
		assert_string_equal(buf_cstr(&got), buf_cstr(&want));
		/* Redacted personal data is gone for good: a second scan
		 * finds nothing but the masks' own short digit runs. */
		assert_int_equal(pii_scan(got.data, got.len, NULL, &f), 0);
		assert_int_equal(f.n, 0);
	}
	scan_findings_release(&f);
	buf_release(&got);
	buf_release(&want);
}

/* ---- rules one by one ---- */

static const struct scan_finding *only(struct scan_findings *f,
				       const char *text)
{
	assert_int_equal(pii_scan(text, strlen(text), NULL, f), 0);
	assert_int_equal(f->n, 1);
	return &f->v[0];
}

static void test_PI_04_rule_names(void **state)
{
	struct scan_findings f = SCAN_FINDINGS_INIT;

	(void)state;
	assert_string_equal(only(&f, "330624199001010018")->rule,
			    "id18:gb11643");
	assert_string_equal(only(&f, "330624800101001")->rule,
			    "id15:address+date");
	assert_string_equal(only(&f, "13812345678")->rule, "mobile");
	assert_string_equal(only(&f, "+8613812345678")->rule, "mobile:+86");
	assert_string_equal(only(&f, "0575-86012345")->rule,
			    "landline:area");
	assert_string_equal(only(&f, "+86 575 86012345")->rule,
			    "landline:+86");
	assert_string_equal(only(&f, "电话：86012345")->rule,
			    "landline:labelled");
	assert_string_equal(only(&f, "6222021234567894")->rule, "card:luhn");
	assert_string_equal(only(&f, "a@b.cn")->rule, "email");
	assert_string_equal(scan_kind_label(SCAN_ID18), "公民身份号码");
	assert_string_equal(scan_kind_label(SCAN_BANKCARD), "银行卡号");
	assert_string_equal(scan_kind_label((enum scan_kind)0), "未知");
	scan_findings_release(&f);
}

/* Every single-digit change of a valid number breaks its check
 * character, so none of the 17 x 9 variants is reported as an ID. */
static void test_PI_04_check_digit_decoys(void **state)
{
	static const char *const ids[] = {
		"330624199001010018", "33062419800101003X",
		"110105199003070025", "440304198511200013",
	};
	struct scan_findings f = SCAN_FINDINGS_INIT;
	char t[32];
	size_t i, pos, k;
	int d;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		for (pos = 0; pos < 17; pos++) {
			for (d = 1; d <= 9; d++) {
				memcpy(t, "号码", 6);
				memcpy(t + 6, ids[i], 19);
				t[6 + pos] = (char)('0' +
					(ids[i][pos] - '0' + d) % 10);
				assert_int_equal(pii_scan(t, strlen(t), NULL,
							  &f), 0);
				for (k = 0; k < f.n; k++)
					assert_int_not_equal(f.v[k].kind,
							     SCAN_ID18);
			}
		}
	}
	scan_findings_release(&f);
}

static void test_PI_04_numbers_inside_longer_runs(void **state)
{
	static const char *const texts[] = {
		"1330624199001010018", "3306241990010100181",
		"a330624199001010018", "330624199001010018b",
		"330624199001010018_", "1.330624199001010018",
		"330624199001010018.5", "138123456780", "013812345678",
		"v13812345678", "13812345678kg", "SN-13812345678",
		"62220212345678940", "x6222021234567894",
	};
	struct scan_findings f = SCAN_FINDINGS_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		assert_int_equal(pii_scan(texts[i], strlen(texts[i]), NULL,
					  &f), 0);
		if (f.n)
			fail_msg("\"%s\": found %s", texts[i], f.v[0].value);
	}
	/* A label in letters is no part of a code. */
	assert_int_equal(only(&f, "Tel13812345678")->kind, SCAN_MOBILE);
	assert_int_equal(only(&f, "No.330624199001010018")->kind, SCAN_ID18);
	assert_int_equal(only(&f, "ID:330624199001010018")->kind, SCAN_ID18);
	scan_findings_release(&f);
}

/* A local number needs its label close by. */
static void test_PI_04_local_number_label(void **state)
{
	static const char *const with[] = {
		"电话86012345", "联系电话：86012345", "电话号码：8601-2345",
		"传真为 86012345", "TEL:86012345", "Fax 8601234",
		"固话是86012345",
	};
	static const char *const without[] = {
		"86012345", "电话费86012345", "电话：1234567",
		"电话：06012345", "电话打了很久86012345", "编号86012345",
		"电话：860123456",
	};
	struct scan_findings f = SCAN_FINDINGS_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(with); i++)
		assert_string_equal(only(&f, with[i])->rule,
				    "landline:labelled");
	for (i = 0; i < ARRAY_SIZE(without); i++) {
		assert_int_equal(pii_scan(without[i], strlen(without[i]),
					  NULL, &f), 0);
		if (f.n)
			fail_msg("\"%s\": found %s", without[i],
				 f.v[0].value);
	}
	scan_findings_release(&f);
}

static void test_PI_04_email_edges(void **state)
{
	static const char *const not_mail[] = {
		"@example.com", "zhang@", "zhang@example", "zhang@.com",
		"zhang@example.c", "zhang.@example.com", "zhang@-a.com",
		"zhang@a-.com", "zhang@example.123", "a@@b.com",
	};
	struct scan_findings f = SCAN_FINDINGS_INIT;
	struct buf local = BUF_INIT;
	const struct scan_finding *x;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(not_mail); i++) {
		assert_int_equal(pii_scan(not_mail[i], strlen(not_mail[i]),
					  NULL, &f), 0);
		if (f.n)
			fail_msg("\"%s\": found %s", not_mail[i],
				 f.v[0].value);
	}
	x = only(&f, "请写信至.zhang@example.com.");
	assert_string_equal(x->value, "zhang@example.com");
	x = only(&f, "a@xn--fiqs8s.xn--fiqs8s");
	assert_string_equal(x->mask, "a***@xn--fiqs8s.xn--fiqs8s");
	/* The local part has at most 64 characters. */
	for (i = 0; i < 65; i++)
		buf_putc(&local, 'a');
	buf_puts(&local, "@example.com");
	assert_int_equal(pii_scan(local.data, local.len, NULL, &f), 0);
	assert_int_equal(f.n, 0);
	buf_release(&local);
	scan_findings_release(&f);
}

/* ---- terms ---- */

static void test_PI_04_terms_load(void **state)
{
	static const char list[] =
		"# 注释\r\n"
		"\xe3\x80\x80机密\xe3\x80\x80\r\n"
		"内部\n"
		"内部资料\n"
		"内部\n"
		"QQ";
	struct scan_terms t = SCAN_TERMS_INIT;
	struct scan_findings f = SCAN_FINDINGS_INIT;
	struct fz_err err;
	struct buf big = BUF_INIT;
	const char *text = "此件机密，含内部资料与内部意见，QQ群";
	size_t i;

	(void)state;
	assert_int_equal(scan_terms_load(&t, list, strlen(list), &err), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(scan_terms_match(&t, "内部资料", 12), 12);
	assert_int_equal(scan_terms_match(&t, "内部资料", 11), 6);
	assert_int_equal(scan_terms_match(&t, "外部", 6), 0);
	assert_int_equal(scan_terms_match(NULL, "内部", 6), 0);
	assert_int_equal(pii_scan(text, strlen(text), &t, &f), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.v[0].value, "机密");
	assert_string_equal(f.v[1].value, "内部资料");
	assert_string_equal(f.v[2].value, "内部");
	assert_string_equal(f.v[3].value, "QQ");
	assert_string_equal(f.v[1].mask, "内部资料");
	assert_int_equal(f.v[0].kind, SCAN_TERM);

	/* Refusals leave the list empty. */
	assert_int_equal(scan_terms_load(&t, "a\n", 2, &err), FZ_ERR);
	assert_string_equal(err.code, "scan_terms");
	assert_int_equal(err.status, 400);
	assert_non_null(strstr(err.msg, "第1行"));
	assert_int_equal(t.n, 0);
	assert_int_equal(scan_terms_load(&t, "ok\n\xff\xfe\n", 6, &err),
			 FZ_ERR);
	for (i = 0; i <= SCAN_TERM_MAX; i++)
		buf_putc(&big, 'x');
	assert_int_equal(scan_terms_load(&t, big.data, big.len, &err),
			 FZ_ERR);
	buf_reset(&big);
	for (i = 0; i <= SCAN_TERMS_MAX; i++)
		buf_printf(&big, "t%zu\n", i);
	assert_int_equal(scan_terms_load(&t, big.data, big.len, &err),
			 FZ_ERR);
	assert_int_equal(t.n, 0);
	assert_int_equal(scan_terms_load(&t, "", 0, &err), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(pii_scan(text, strlen(text), &t, &f), 0);
	assert_int_equal(f.n, 0);
	buf_release(&big);
	scan_terms_release(&t);
	scan_findings_release(&f);
}

/* Personal data wins over a term that overlaps it. */
static void test_PI_04_terms_yield_to_personal_data(void **state)
{
	static const char list[] = "0624\n号码3\n新昌\n";
	static const char text[] = "新昌号码330624199001010018";
	struct scan_terms t = SCAN_TERMS_INIT;
	struct scan_findings f = SCAN_FINDINGS_INIT;

	(void)state;
	assert_int_equal(scan_terms_load(&t, list, strlen(list), NULL), 0);
	assert_int_equal(pii_scan(text, strlen(text), &t, &f), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.v[0].kind, SCAN_TERM);
	assert_string_equal(f.v[0].value, "新昌");
	assert_int_equal(f.v[1].kind, SCAN_ID18);
	scan_terms_release(&t);
	scan_findings_release(&f);
}

/* ---- redaction ---- */

static void test_PI_04_redact_chosen(void **state)
{
	static const char text[] =
		"张三，身份证号３３０６２４１９９００１０１００１８，"
		"手机138 1234 5678，邮箱zhangsan@example.com。";
	struct scan_findings f = SCAN_FINDINGS_INIT;
	struct buf out = BUF_INIT;
	bool some[4] = { false, true, false, true };
	bool none[4] = { false, false, false, false };

	(void)state;
	assert_int_equal(pii_scan(text, strlen(text), &terms, &f), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(pii_redact(text, strlen(text), &f, some, &out), 0);
	assert_string_equal(buf_cstr(&out),
		"张三，身份证号330624********0018，"
		"手机138 1234 5678，邮箱z***@example.com。");
	buf_reset(&out);
	assert_int_equal(pii_redact(text, strlen(text), &f, NULL, &out), 0);
	assert_string_equal(buf_cstr(&out),
		"**，身份证号330624********0018，"
		"手机138****5678，邮箱z***@example.com。");
	/* Nothing chosen: the text byte for byte. */
	buf_reset(&out);
	assert_int_equal(pii_redact(text, strlen(text), &f, none, &out), 0);
	assert_int_equal(out.len, strlen(text));
	assert_memory_equal(out.data, text, out.len);
	/* Appends, as buf functions do. */
	buf_reset(&out);
	buf_puts(&out, ">");
	assert_int_equal(pii_redact("", 0, &f, none, &out), 0);
	assert_string_equal(buf_cstr(&out), ">");
	buf_release(&out);
	scan_findings_release(&f);
}

static void test_PI_04_redact_refuses_bad_findings(void **state)
{
	static const char text[] = "13812345678 13912345678";
	struct scan_findings f = SCAN_FINDINGS_INIT;
	struct buf out = BUF_INIT;
	size_t off;

	(void)state;
	assert_int_equal(pii_scan(text, strlen(text), NULL, &f), 0);
	assert_int_equal(f.n, 2);
	/* Overlapping. */
	off = f.v[1].off;
	f.v[1].off = 5;
	assert_int_equal(pii_redact(text, strlen(text), &f, NULL, &out),
			 FZ_ERR);
	assert_int_equal(out.len, 0);
	/* Beyond the end. */
	f.v[1].off = off + 1;
	assert_int_equal(pii_redact(text, strlen(text), &f, NULL, &out),
			 FZ_ERR);
	assert_int_equal(out.len, 0);
	f.v[1].off = off;
	assert_int_equal(pii_redact(text, strlen(text), &f, NULL, &out), 0);
	assert_string_equal(buf_cstr(&out), "138****5678 139****5678");
	buf_release(&out);
	scan_findings_release(&f);
}

/* ---- robustness and speed ---- */

static void test_PI_04_odd_input(void **state)
{
	static const char nul[] = "13812345678\0" "13912345678";
	static const char bad[] = "\xff\xef\xbc\x91" "3812345678\xef\xbc";
	struct scan_findings f = SCAN_FINDINGS_INIT;

	(void)state;
	assert_int_equal(pii_scan(NULL, 0, NULL, &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(pii_scan(NULL, 1, NULL, &f), FZ_ERR);
	assert_int_equal(pii_scan(nul, sizeof(nul) - 1, NULL, &f), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.v[1].off, 12);
	/* A full-width digit after an invalid byte, a cut-off character
	 * at the end. */
	assert_int_equal(pii_scan(bad, sizeof(bad) - 1, NULL, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].off, 1);
	assert_int_equal(f.v[0].len, 13);
	/* The previous findings are dropped on the next scan. */
	assert_int_equal(pii_scan("无", 3, NULL, &f), 0);
	assert_int_equal(f.n, 0);
	scan_findings_release(&f);
}

/* Without the division list no ID number can be judged: the scan fails
 * and the gate stays shut.  In a child, whose list is not loaded yet
 * (this test runs first). */
static void test_PI_04_no_divisions_fails_closed(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct scan_findings f = SCAN_FINDINGS_INIT;

		setenv("FAZHI_DIVISIONS", "/nonexistent/counties.tsv", 1);
		_exit(pii_scan("13812345678", 11, NULL, &f) == FZ_ERR &&
		      f.n == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* About 1 MB of prose with personal data every few hundred bytes. */
static void make_body(struct buf *b, size_t size)
{
	static const char *const parts[] = {
		"根据《中华人民共和国政府信息公开条例》第二十条，现将2022年度"
		"新昌县行政许可事项办理情况公开如下。",
		"申请人身份证号330624199001010018，",
		"联系电话0575-86012345，手机138 1234 5678，",
		"共受理申请1,234件，办结率98.7%，文号新政办发〔2022〕12号。",
		"邮箱zhangsan@example.com，银行卡6222021234567894。",
		"订单号20221231123456789012，版本v1.2.3，"
		"详见https://www.xinchang.gov.cn/art/2022/12/31/art_1.html。",
		"本件含内部资料。\n",
	};
	size_t i = 0;

	while (b->len < size)
		buf_puts(b, parts[i++ % ARRAY_SIZE(parts)]);
}

static int64_t scan_ms(const struct buf *b, struct scan_findings *f)
{
	int64_t t0 = clock_mono_ns();

	assert_int_equal(pii_scan(b->data, b->len, &terms, f), 0);
	return (clock_mono_ns() - t0) / 1000000;
}

static void test_PI_04_one_megabyte_fast(void **state)
{
	struct scan_findings f = SCAN_FINDINGS_INIT;
	struct buf b = BUF_INIT, out = BUF_INIT;
	int64_t ms;

	(void)state;
	make_body(&b, MB);
	scan_ms(&b, &f);	/* warm: the division list is loaded */
	ms = scan_ms(&b, &f);
	print_message("1 MB of prose: %zu findings in %lld ms\n", f.n,
		      (long long)ms);
	assert_true(f.n > 10000);
	assert_true(ms < 100 * SLOWDOWN);
	assert_int_equal(pii_redact(b.data, b.len, &f, NULL, &out), 0);
	assert_true(out.len < b.len);
	buf_release(&out);
	buf_release(&b);
	scan_findings_release(&f);
}

/* Texts built to make a scanner backtrack stay linear: a quadratic
 * scan of 1 MB would take minutes, so the bound is loose on purpose
 * (these runs are 2 to 10 times slower than prose). */
static void test_PI_04_hostile_input_linear(void **state)
{
	static const char *const units[] = {
		"1 ", "1-", "12 34 ", "a@", "a.", "@a.", "3", "电话",
		"0575-8601", "(0575)", "+86", "x", "0 2 ", "1 3 ",
	};
	struct scan_findings f = SCAN_FINDINGS_INIT;
	struct buf b = BUF_INIT;
	size_t i, worst = 0;
	int64_t ms, most = -1;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		buf_reset(&b);
		while (b.len < MB)
			buf_puts(&b, units[i]);
		ms = scan_ms(&b, &f);
		if (ms > most) {
			most = ms;
			worst = i;
		}
	}
	print_message("slowest 1 MB: \"%s\" repeated, %lld ms\n",
		      units[worst], (long long)most);
	assert_true(most < 1000 * SLOWDOWN);
	buf_release(&b);
	scan_findings_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_PI_04_no_divisions_fails_closed),
		cmocka_unit_test(test_PI_04_labelled_corpus_full_recall),
		cmocka_unit_test(test_PI_04_corpus_order_and_rules),
		cmocka_unit_test(test_PI_04_corpus_redaction),
		cmocka_unit_test(test_PI_04_rule_names),
		cmocka_unit_test(test_PI_04_check_digit_decoys),
		cmocka_unit_test(test_PI_04_numbers_inside_longer_runs),
		cmocka_unit_test(test_PI_04_local_number_label),
		cmocka_unit_test(test_PI_04_email_edges),
		cmocka_unit_test(test_PI_04_terms_load),
		cmocka_unit_test(test_PI_04_terms_yield_to_personal_data),
		cmocka_unit_test(test_PI_04_redact_chosen),
		cmocka_unit_test(test_PI_04_redact_refuses_bad_findings),
		cmocka_unit_test(test_PI_04_odd_input),
		cmocka_unit_test(test_PI_04_one_megabyte_fast),
		cmocka_unit_test(test_PI_04_hostile_input_linear),
	};

	return cmocka_run_group_tests(tests, load_terms, free_terms);
}
