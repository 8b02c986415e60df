/* test_pii.c: ID numbers, phones, masks, sealed values and the register */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "pii/pii.h"

#include "fixtures.h"

static char tmpdir[] = "/tmp/fz-test-pii-XXXXXX";

/* REGULATIONS §10: the standard's own examples and constructed ones. */
static const char *const id_vectors[] = {
	"11010519491231002X", "440524188001010014", "33062419800101003X",
	"330624199001010018", "330624200103150041", "330624200002290029",
	"330624199909090062",
};

/* A number with `first17` and the right check character. */
static void with_check(const char *first17, char out[19])
{
	memcpy(out, first17, 17);
	out[17] = pii_idcard_check_char(first17);
	out[18] = '\0';
}

static int check(const char *s)
{
	return pii_idcard_check(s, NULL, NULL);
}

/* ---- identity numbers ---- */

static void test_idcard_vectors_valid(void **state)
{
	char norm[19];
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(id_vectors); i++) {
		assert_int_equal(pii_idcard_check(id_vectors[i], norm, &why),
				 PII_ID_OK);
		assert_string_equal(norm, id_vectors[i]);
		assert_string_equal(why, "");
		assert_int_equal(pii_idcard_check_char(id_vectors[i]),
				 id_vectors[i][17]);
	}
}

static void test_idcard_one_digit_changed(void **state)
{
	char t[19], norm[19];
	const char *why;
	size_t i, pos;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(id_vectors); i++) {
		for (pos = 0; pos < 18; pos++) {
			memcpy(t, id_vectors[i], sizeof(t));
			if (t[pos] == 'X')
				t[pos] = '0';
			else
				t[pos] = (char)('0' + (t[pos] - '0' + 1) % 10);
			why = NULL;
			/* Weights are non-zero mod 11, so any single change
			 * of the first 17 digits breaks the check. */
			assert_int_equal(pii_idcard_check(t, norm, &why),
					 PII_ID_CHECK);
			assert_string_equal(norm, "");
			assert_non_null(strstr(why, "校验码"));
		}
	}
}

static void test_idcard_forms(void **state)
{
	char norm[19];

	(void)state;
	/* Lower-case x is accepted and written upper case. */
	assert_int_equal(pii_idcard_check("11010519491231002x", norm, NULL),
			 0);
	assert_string_equal(norm, "11010519491231002X");
	/* Full-width digits and letters, spaces between the groups. */
	assert_int_equal(pii_idcard_check(
		"３３０６２４１９８００１０１００３ｘ", norm, NULL), 0);
	assert_string_equal(norm, "33062419800101003X");
	assert_int_equal(pii_idcard_check(" 330624 19900101 0018\t", norm,
					  NULL), 0);
	assert_string_equal(norm, "330624199001010018");
	assert_int_equal(pii_idcard_check("330624\xe3\x80\x80" "199001010018",
					  norm, NULL), 0);
	/* Wrong shapes. */
	assert_int_equal(check(""), PII_ID_EMPTY);
	assert_int_equal(check("   "), PII_ID_EMPTY);
	assert_int_equal(check(NULL), PII_ID_EMPTY);
	assert_int_equal(check("33062419900101001"), PII_ID_FORMAT);
	assert_int_equal(check("3306241990010100188"), PII_ID_FORMAT);
	assert_int_equal(check("33062419900101X018"), PII_ID_FORMAT);
	assert_int_equal(check("33062419900101001Y"), PII_ID_FORMAT);
	assert_int_equal(check("330624-19900101-0018"), PII_ID_FORMAT);
	assert_int_equal(check("33062480010100X"), PII_ID_FORMAT);
	assert_int_equal(check("33062419900101001８8"), PII_ID_FORMAT);
}

static void test_idcard_birth_date(void **state)
{
	char id[19];
	const char *why = NULL;

	(void)state;
	/* 2023 is no leap year; 1900 neither; 2000 is. */
	with_check("33062420230229002", id);
	assert_int_equal(pii_idcard_check(id, NULL, &why), PII_ID_DATE);
	assert_non_null(strstr(why, "出生日期"));
	with_check("33062419000229002", id);
	assert_int_equal(check(id), PII_ID_DATE);
	with_check("33062420000229002", id);
	assert_int_equal(check(id), PII_ID_OK);
	with_check("33062419901301002", id);
	assert_int_equal(check(id), PII_ID_DATE);
	with_check("33062419900100002", id);
	assert_int_equal(check(id), PII_ID_DATE);
	with_check("33062419900431002", id);
	assert_int_equal(check(id), PII_ID_DATE);
	with_check("33062417991231002", id);
	assert_int_equal(check(id), PII_ID_DATE);
	/* Not born yet. */
	with_check("33062420990101002", id);
	assert_int_equal(pii_idcard_check(id, NULL, &why), PII_ID_FUTURE);
	assert_non_null(strstr(why, "晚于今天"));
}

static void test_idcard_region(void **state)
{
	char id[19];
	const char *why = NULL;

	(void)state;
	assert_int_equal(pii_divisions_init(NULL), 0);
	assert_string_equal(pii_division_name("330624"), "新昌县");
	/* A retired code still names its division: 潮阳县 until 1993. */
	assert_string_equal(pii_division_name("440524"), "潮阳县");
	assert_string_equal(pii_division_name("441900"), "东莞市");
	assert_null(pii_division_name("990000"));
	assert_null(pii_division_name("3306"));
	assert_null(pii_division_name(NULL));
	/* No such division, check character right. */
	with_check("99000019900101001", id);
	assert_int_equal(pii_idcard_check(id, NULL, &why), PII_ID_REGION);
	assert_non_null(strstr(why, "行政区划"));
	with_check("33069919900101001", id);
	assert_int_equal(check(id), PII_ID_REGION);
	/* A province is no address code, but the residence permits of
	 * Hong Kong, Macao and Taiwan residents use 810000..830000. */
	with_check("33000019900101001", id);
	assert_int_equal(check(id), PII_ID_REGION);
	with_check("81000019900101001", id);
	assert_int_equal(check(id), PII_ID_OK);
	with_check("83000019900101001", id);
	assert_int_equal(check(id), PII_ID_OK);
	/* A prefecture-level city without counties. */
	with_check("44190019900101001", id);
	assert_int_equal(check(id), PII_ID_OK);
}

static void test_idcard_legacy_15(void **state)
{
	char norm[19];

	(void)state;
	/* 15 digits: YYMMDD of 19YY, upgraded to the 18-digit number. */
	assert_int_equal(pii_idcard_check("330624800101003", norm, NULL), 0);
	assert_string_equal(norm, "33062419800101003X");
	assert_int_equal(pii_idcard_check("330624900101001", norm, NULL), 0);
	assert_string_equal(norm, "330624199001010018");
	assert_int_equal(check("330624801301003"), PII_ID_DATE);
	assert_int_equal(check("330624810229003"), PII_ID_DATE);
	assert_int_equal(check("330624800229003"), PII_ID_OK);
	assert_int_equal(check("990000800101003"), PII_ID_REGION);
	assert_int_equal(pii_idcard_normalise("330624800101003", norm), 0);
	assert_string_equal(norm, "33062419800101003X");
	/* normalise judges the form only. */
	assert_int_equal(pii_idcard_normalise("990000199001010010", norm), 0);
	assert_string_equal(norm, "990000199001010010");
	assert_int_equal(pii_idcard_normalise("99000019900101001", norm),
			 FZ_ERR);
	assert_string_equal(norm, "");
}

static void test_idcard_reasons(void **state)
{
	int rc;

	(void)state;
	for (rc = PII_ID_NODATA; rc < 0; rc++)
		assert_true(strlen(pii_idcard_reason(rc)) > 6);
	assert_string_equal(pii_idcard_reason(0), "");
	assert_true(strlen(pii_idcard_reason(-99)) > 0);
}

/* ---- phone numbers ---- */

static void expect_phone(const char *in, int kind, const char *norm)
{
	char out[PII_PHONE_MAX];

	memset(out, 'z', sizeof(out));
	if (pii_phone_normalise(in, out, sizeof(out)) != kind)
		fail_msg("\"%s\": expected kind %d", in ? in : "(null)", kind);
	assert_string_equal(out, norm);
}

static void test_phone_mobile(void **state)
{
	char norm[12];

	(void)state;
	expect_phone("13800138000", PII_PHONE_MOBILE, "13800138000");
	expect_phone("19912345678", PII_PHONE_MOBILE, "19912345678");
	expect_phone(" 138 0013 8000 ", PII_PHONE_MOBILE, "13800138000");
	expect_phone("138-0013-8000", PII_PHONE_MOBILE, "13800138000");
	expect_phone("１３８００１３８０００", PII_PHONE_MOBILE,
		     "13800138000");
	expect_phone("１３８－００１３－８０００", PII_PHONE_MOBILE,
		     "13800138000");
	expect_phone("138\xe3\x80\x80" "0013\xe3\x80\x80" "8000",
		     PII_PHONE_MOBILE, "13800138000");
	expect_phone("+86 138 0013 8000", PII_PHONE_MOBILE, "13800138000");
	expect_phone("+8613800138000", PII_PHONE_MOBILE, "13800138000");
	assert_true(pii_mobile_valid("138 0013 8000", norm));
	assert_string_equal(norm, "13800138000");
	assert_true(pii_mobile_valid("13800138000", NULL));

	/* Wrong second digit, too short, too long, other characters. */
	expect_phone("12800138000", PII_PHONE_INVALID, "");
	expect_phone("11800138000", PII_PHONE_INVALID, "");
	expect_phone("1380013800", PII_PHONE_INVALID, "");
	expect_phone("138001380001", PII_PHONE_INVALID, "");
	expect_phone("1138001380001", PII_PHONE_INVALID, "");
	expect_phone("013800138000", PII_PHONE_INVALID, "");
	expect_phone("8613800138000", PII_PHONE_INVALID, "");
	expect_phone("1380013800a", PII_PHONE_INVALID, "");
	expect_phone("138.0013.8000", PII_PHONE_INVALID, "");
	expect_phone("-13800138000", PII_PHONE_INVALID, "");
	expect_phone("tel:13800138000", PII_PHONE_INVALID, "");
	expect_phone("", PII_PHONE_INVALID, "");
	expect_phone("   ", PII_PHONE_INVALID, "");
	expect_phone(NULL, PII_PHONE_INVALID, "");
	assert_false(pii_mobile_valid("138001380001", norm));
	assert_string_equal(norm, "");
	assert_false(pii_mobile_valid("0575-86012345", norm));
}

static void test_phone_landline(void **state)
{
	char small[12];

	(void)state;
	expect_phone("0575-86012345", PII_PHONE_LANDLINE, "0575-86012345");
	expect_phone("057586012345", PII_PHONE_LANDLINE, "0575-86012345");
	expect_phone("0575 8601 2345", PII_PHONE_LANDLINE, "0575-86012345");
	expect_phone("0575 - 86012345", PII_PHONE_LANDLINE, "0575-86012345");
	expect_phone("０５７５－８６０１２３４５", PII_PHONE_LANDLINE,
		     "0575-86012345");
	expect_phone("0575\xe2\x80\x94" "86012345", PII_PHONE_LANDLINE,
		     "0575-86012345");
	expect_phone("010-62345678", PII_PHONE_LANDLINE, "010-62345678");
	expect_phone("02162345678", PII_PHONE_LANDLINE, "021-62345678");
	expect_phone("0571-8601234", PII_PHONE_LANDLINE, "0571-8601234");
	expect_phone("+86 575 8601 2345", PII_PHONE_LANDLINE,
		     "0575-86012345");
	expect_phone("+86 10 62345678", PII_PHONE_LANDLINE, "010-62345678");

	/* The separator splits the area code; local number starts with 0
	 * or 1; local part too short or too long; no such area code. */
	expect_phone("057-586012345", PII_PHONE_INVALID, "");
	expect_phone("0575-06012345", PII_PHONE_INVALID, "");
	expect_phone("010-12345678", PII_PHONE_INVALID, "");
	expect_phone("0575-860123", PII_PHONE_INVALID, "");
	expect_phone("0575-860123456", PII_PHONE_INVALID, "");
	expect_phone("011-62345678", PII_PHONE_INVALID, "");
	expect_phone("86012345", PII_PHONE_INVALID, "");
	expect_phone("0575", PII_PHONE_INVALID, "");
	/* The output must fit. */
	assert_int_equal(pii_phone_normalise("0575-86012345", small,
					     sizeof(small)),
			 PII_PHONE_INVALID);
	assert_string_equal(small, "");
	assert_int_equal(pii_phone_normalise("13800138000", small,
					     sizeof(small)),
			 PII_PHONE_MOBILE);
}

static void test_phone_last4(void **state)
{
	char out[5];

	(void)state;
	pii_phone_last4("138 0013 8000", out);
	assert_string_equal(out, "8000");
	pii_phone_last4("０５７５－８６０１２３４５", out);
	assert_string_equal(out, "2345");
	pii_phone_last4("12-34 ", out);
	assert_string_equal(out, "1234");
	pii_phone_last4("１２３", out);
	assert_string_equal(out, "");
	pii_phone_last4("", out);
	assert_string_equal(out, "");
	pii_phone_last4(NULL, out);
	assert_string_equal(out, "");
}

static void test_fold_width(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	pii_fold_width("ＡＢｘ０９！～\xe3\x80\x80张三１", &b);
	assert_string_equal(buf_cstr(&b), "ABx09!~ 张三1");
	pii_fold_width(NULL, &b);
	assert_string_equal(buf_cstr(&b), "ABx09!~ 张三1");
	buf_release(&b);
}

/* ---- masks ---- */

typedef void mask_fn(const char *, struct buf *);

/* The mask is appended: what the buffer held before stays. */
static void expect_mask(mask_fn *fn, const char *in, const char *want)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, ">");
	fn(in, &b);
	if (strcmp(buf_cstr(&b) + 1, want))
		fail_msg("mask of \"%s\": got \"%s\", want \"%s\"",
			 in ? in : "(null)", buf_cstr(&b) + 1, want);
	assert_int_equal(b.data[0], '>');
	buf_release(&b);
}

static void test_mask_name(void **state)
{
	(void)state;
	expect_mask(pii_mask_name, "张", "*");
	expect_mask(pii_mask_name, "张三", "张*");
	expect_mask(pii_mask_name, "张三丰", "张**");
	expect_mask(pii_mask_name, "欧阳娜娜", "欧***");
	expect_mask(pii_mask_name, "买买提·艾力", "买**·**");
	expect_mask(pii_mask_name, "Li Lei", "L*****");
	expect_mask(pii_mask_name, "", "");
	expect_mask(pii_mask_name, NULL, "");
}

static void test_mask_idcard(void **state)
{
	(void)state;
	expect_mask(pii_mask_idcard, "330624199001011234",
		    "330624********1234");
	expect_mask(pii_mask_idcard, "11010519491231002X",
		    "110105********002X");
	expect_mask(pii_mask_idcard, "330624800101003", "330624*****1003");
	expect_mask(pii_mask_idcard, "E12345678", "*****5678");
	expect_mask(pii_mask_idcard, "1234", "****");
	expect_mask(pii_mask_idcard, "", "");
	expect_mask(pii_mask_idcard, NULL, "");
}

static void test_mask_phone(void **state)
{
	(void)state;
	expect_mask(pii_mask_phone, "13812345678", "138****5678");
	expect_mask(pii_mask_phone, "138 1234 5678", "138****5678");
	expect_mask(pii_mask_phone, "１３８１２３４５６７８", "138****5678");
	expect_mask(pii_mask_phone, "0575-86011234", "0575-****1234");
	expect_mask(pii_mask_phone, "057586011234", "0575-****1234");
	expect_mask(pii_mask_phone, "021-6231234", "021-***1234");
	/* Not a number we know: at most the last four digits. */
	expect_mask(pii_mask_phone, "+44 20 7946 0958", "****0958");
	expect_mask(pii_mask_phone, "12345", "****");
	expect_mask(pii_mask_phone, "", "");
	expect_mask(pii_mask_phone, NULL, "");
}

static void test_mask_address(void **state)
{
	(void)state;
	expect_mask(pii_mask_address, "浙江省绍兴市新昌县南明街道人民中路88号",
		    "浙江省绍兴市新昌县***");
	expect_mask(pii_mask_address, "新昌县南明街道人民中路88号",
		    "新昌县南明街道***");
	expect_mask(pii_mask_address, "绍兴市越城区解放北路1号",
		    "绍兴市越城区***");
	expect_mask(pii_mask_address, "人民中路八十八号三楼",
		    "人民中路八十***");
	expect_mask(pii_mask_address, "新昌县", "新***");
	expect_mask(pii_mask_address, "南明街道10号", "南明街道***");
	expect_mask(pii_mask_address, "", "");
	expect_mask(pii_mask_address, NULL, "");
	expect_mask(pii_mask_text, "我反映的问题是……", "（已隐藏）");
	expect_mask(pii_mask_text, "", "");
}

/* PI-02: the masked forms never hold the whole number. */
static void test_PI_02_masks_hide_numbers(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(id_vectors); i++) {
		buf_reset(&b);
		pii_mask_idcard(id_vectors[i], &b);
		assert_int_equal(b.len, 18);
		assert_memory_equal(b.data + 6, "********", 8);
		assert_null(strstr(b.data, id_vectors[i] + 6));
	}
	buf_reset(&b);
	pii_mask_field(pii_field_lookup("petitioner.phone"), "13800138000",
		       &b);
	assert_string_equal(buf_cstr(&b), "138****8000");
	buf_reset(&b);
	pii_mask_field(pii_field_lookup("petition.content"), "内容", &b);
	assert_string_equal(buf_cstr(&b), "（已隐藏）");
	buf_release(&b);
}

/* ---- sealed values and blind indexes ---- */

static void test_CR_03_pii_roundtrip(void **state)
{
	static const char *const texts[] = {
		"330624199001010018", "13800138000", "张三",
		"浙江省绍兴市新昌县南明街道人民中路88号", "",
	};
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
				  "ghijklmnopqrstuvwxyz0123456789+/";
	struct buf s = BUF_INIT, o = BUF_INIT;
	struct fz_err err;
	struct fx_ring r;
	char *t;
	size_t i, pos, body;
	int saved, null;

	(void)state;
	fx_ring_make("roundtrip", &r);
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		buf_reset(&s);
		assert_int_equal(pii_seal(r.kr, texts[i], &s, &err), 0);
		assert_true(str_starts(buf_cstr(&s), "fz1."));
		if (*texts[i])
			assert_null(strstr(s.data, texts[i]));
		assert_int_equal(pii_open(r.kr, s.data, &o, &err), 0);
		assert_string_equal(buf_cstr(&o), texts[i]);
	}
	/* No run of the ID's digits shows in its sealed text. */
	buf_reset(&s);
	assert_int_equal(pii_seal(r.kr, texts[0], &s, &err), 0);
	assert_null(strstr(s.data, "330624"));
	assert_null(strstr(s.data, "19900101"));

	/* One changed character anywhere after the prefix is an error.
	 * Each one logs an alert; keep them out of the test output. */
	fflush(stderr);
	saved = dup(2);
	null = open("/dev/null", O_WRONLY);
	assert_true(saved >= 0 && null >= 0);
	assert_int_equal(dup2(null, 2), 2);
	close(null);
	body = strlen("fz1.");
	for (pos = body; pos < s.len; pos++) {
		const char *c;

		t = xstrdup(s.data);
		c = strchr(b64, t[pos]);
		t[pos] = c ? b64[(size_t)(c - b64 + 1) % 64] : 'A';
		if (t[pos] == '=' || !strcmp(t, s.data)) {
			free(t);
			continue;
		}
		buf_puts(&o, "stale");
		memset(&err, 0, sizeof(err));
		assert_int_equal(pii_open(r.kr, t, &o, &err), FZ_ERR);
		assert_int_equal(o.len, 0);
		assert_true(!strcmp(err.code, "pii_tamper") ||
			    !strcmp(err.code, "pii_format"));
		assert_int_equal(err.status, 500);
		assert_true(strlen(err.msg) > 0);
		free(t);
	}
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	/* A flipped MAC byte in the middle is tamper, and says so. */
	t = xstrdup(s.data);
	pos = s.len / 2;
	t[pos] = t[pos] == 'A' ? 'B' : 'A';
	assert_int_equal(pii_open(r.kr, t, &o, &err), FZ_ERR);
	assert_string_equal(err.code, "pii_tamper");
	assert_non_null(strstr(err.msg, "篡改"));
	free(t);
	/* Plain text is no sealed value. */
	assert_int_equal(pii_open(r.kr, "330624199001010018", &o, &err),
			 FZ_ERR);
	assert_string_equal(err.code, "pii_format");
	assert_int_equal(pii_open(r.kr, NULL, &o, &err), FZ_ERR);
	assert_int_equal(pii_seal(r.kr, NULL, &s, &err), FZ_ERR);
	assert_string_equal(err.code, "pii_seal");

	buf_release(&s);
	buf_release(&o);
	fx_ring_free(&r);
}

static void test_CR_03_blind_index(void **state)
{
	static const char *const same_mobile[] = {
		"13800138000", "138 0013 8000", "138-0013-8000",
		"１３８００１３８０００", "+86 138 0013 8000",
	};
	static const char *const same_landline[] = {
		"0575-86012345", "057586012345", "0575 8601 2345",
		"+86 575 8601 2345", "０５７５－８６０１２３４５",
	};
	static const char *const same_id[] = {
		"33062419800101003X", "33062419800101003x", "330624800101003",
		"３３０６２４１９８００１０１００３Ｘ", "330624 19800101 003X",
	};
	char a[65], b[65], c[65], raw[65];
	struct fx_ring r, r2;
	size_t i;

	(void)state;
	fx_ring_make("index1", &r);
	fx_ring_make("index2", &r2);

	assert_int_equal(pii_index_phone(r.kr, same_mobile[0], a), 0);
	assert_int_equal(strlen(a), PII_INDEX_LEN);
	for (i = 1; i < ARRAY_SIZE(same_mobile); i++) {
		assert_int_equal(pii_index_phone(r.kr, same_mobile[i], b), 0);
		assert_string_equal(a, b);
	}
	assert_int_equal(pii_index_phone(r.kr, same_landline[0], c), 0);
	assert_string_not_equal(a, c);
	for (i = 1; i < ARRAY_SIZE(same_landline); i++) {
		assert_int_equal(pii_index_phone(r.kr, same_landline[i], b),
				 0);
		assert_string_equal(c, b);
	}
	/* Another number, another keyring: other indexes. */
	assert_int_equal(pii_index_phone(r.kr, "13800138001", b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(pii_index_phone(r2.kr, same_mobile[0], b), 0);
	assert_string_not_equal(a, b);
	/* The index is not the bare HMAC of the digits. */
	crypto_blind_index(r.kr, "13800138000", raw);
	assert_string_not_equal(a, raw);
	/* Not a phone number: no index. */
	assert_int_equal(pii_index_phone(r.kr, "138001380001", b), FZ_ERR);
	assert_string_equal(b, "");
	assert_int_equal(pii_index_phone(r.kr, NULL, b), FZ_ERR);

	assert_int_equal(pii_index_idcard(r.kr, same_id[0], a), 0);
	for (i = 1; i < ARRAY_SIZE(same_id); i++) {
		assert_int_equal(pii_index_idcard(r.kr, same_id[i], b), 0);
		assert_string_equal(a, b);
	}
	assert_int_equal(pii_index_idcard(r.kr, "330624199001010018", b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(pii_index_idcard(r2.kr, same_id[0], b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(pii_index_idcard(r.kr, "3306241980", b), FZ_ERR);
	assert_string_equal(b, "");

	fx_ring_free(&r);
	fx_ring_free(&r2);
}

/* ---- the register ---- */

/* True when `s` holds a character outside ASCII: the texts are Chinese. */
static bool has_chinese(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

static void test_PI_01_every_field_has_basis(void **state)
{
	static const char *const needed[] = {
		"petitioner.name", "petitioner.id_number", "petitioner.phone",
		"petitioner.address", "petition.content",
	};
	const struct pii_field *holder;
	struct fz_err err;
	size_t i;

	(void)state;
	assert_true(pii_field_count >= ARRAY_SIZE(needed));
	for (i = 0; i < pii_field_count; i++) {
		const struct pii_field *f = &pii_fields[i];

		assert_non_null(f->name);
		if (!f->purpose || !*f->purpose || !f->basis || !*f->basis ||
		    !f->label || !*f->label || f->retention_years <= 0)
			fail_msg("field %s lacks a purpose, basis, label or "
				 "retention", f->name);
		assert_true(has_chinese(f->purpose));
		assert_true(has_chinese(f->label));
		/* The basis cites a law or regulation by its title. */
		assert_non_null(strstr(f->basis, "《"));
		assert_ptr_equal(pii_field_lookup(f->name), f);
		if (f->kind == PII_KIND_IDCARD || f->kind == PII_KIND_PHONE)
			assert_true(f->sealed && f->indexed);
	}
	for (i = 0; i < ARRAY_SIZE(needed); i++) {
		const struct pii_field *f = pii_field_lookup(needed[i]);

		assert_non_null(f);
		assert_true(f->sealed);
	}
	assert_non_null(strstr(pii_field_lookup("petitioner.phone")->basis,
			       "《信访工作条例》第十九条"));
	assert_false(pii_field_lookup("petitioner.id_number")->required);
	/* a permit's holder may be a natural person: a name, published
	 * under the permits law */
	holder = pii_field_lookup("permits.holder");
	assert_non_null(holder);
	assert_int_equal(holder->kind, PII_KIND_NAME);
	assert_non_null(strstr(holder->basis, "《中华人民共和国行政许可法》"
			       "第四十条"));
	assert_null(pii_field_lookup("petitioner.shoe_size"));
	assert_null(pii_field_lookup(NULL));
	assert_int_equal(pii_fields_lint(&err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idcard_vectors_valid),
		cmocka_unit_test(test_idcard_one_digit_changed),
		cmocka_unit_test(test_idcard_forms),
		cmocka_unit_test(test_idcard_birth_date),
		cmocka_unit_test(test_idcard_region),
		cmocka_unit_test(test_idcard_legacy_15),
		cmocka_unit_test(test_idcard_reasons),
		cmocka_unit_test(test_phone_mobile),
		cmocka_unit_test(test_phone_landline),
		cmocka_unit_test(test_phone_last4),
		cmocka_unit_test(test_fold_width),
		cmocka_unit_test(test_mask_name),
		cmocka_unit_test(test_mask_idcard),
		cmocka_unit_test(test_mask_phone),
		cmocka_unit_test(test_mask_address),
		cmocka_unit_test(test_PI_02_masks_hide_numbers),
		cmocka_unit_test(test_CR_03_pii_roundtrip),
		cmocka_unit_test(test_CR_03_blind_index),
		cmocka_unit_test(test_PI_01_every_field_has_basis),
	};

	fx_scratch = tmpdir;
	return cmocka_run_group_tests(tests, fx_scratch_setup,
				      fx_scratch_teardown);
}
