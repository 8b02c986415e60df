/* party.c: the people behind the desk's cases — sealed, indexed, masked
 *
 * Values are checked and normalised before sealing, so one number always
 * has one blind index however it was typed.  Clear text lives only in
 * memory the caller wipes (party_release() cleanses before freeing).
 * The case page and the API share the loading of a case with its row
 * (desk_case_load()), the step that shows a person in full
 * (party_unmask()), and the inputs that take a person in.
 */
#include "petition/petition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "crypto/crypto.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "permit/permit.h"
#include "pii/pii.h"
#include "store/store.h"

#define NAME_MAX_CHARS 50
#define ORG_NAME_MAX_CHARS 100  /* registered names run longer */
#define NAME_HINT "法人或其他组织填写其全称（不超过 " \
	STR(ORG_NAME_MAX_CHARS) " 字）；个人姓名不超过 " STR(NAME_MAX_CHARS) " 字"
#define ADDRESS_MAX_CHARS 200
#define EMAIL_MAX_CHARS 100
#define DUP_MAX 10
#define DUP_CHARS 128        /* characters of a title compared */
#define DUP_WINDOW "300"     /* newest open cases compared by title */

/* Query codes avoid characters that read alike (0/O, 1/I/L). */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

static void wipe_free(char *s)
{
	if (s) {
		crypto_cleanse(s, strlen(s));
		free(s);
	}
}

void party_release(struct party *p)
{
	wipe_free(p->name);
	wipe_free(p->id_number);
	wipe_free(p->phone);
	wipe_free(p->address);
	wipe_free(p->email);
	memset(p, 0, sizeof(*p));
}

void party_row_release(struct party_row *p)
{
	free(p->name);
	free(p->id_number);
	free(p->phone);
	free(p->address);
	free(p->email);
	free(p->satisfaction);
	memset(p, 0, sizeof(*p));
}

void party_new_release(struct party_new *n)
{
	buf_release(&n->name);
	buf_release(&n->id_number);
	buf_release(&n->phone);
	buf_release(&n->address);
	buf_release(&n->email);
	memset(n, 0, sizeof(*n));
}

/* ---- checking ---- */

/* `*s` without surrounding white space, in a fresh string. */
static void trim(char **s)
{
	const char *p = *s ? *s : "";
	size_t n = strlen(p);
	char *t;

	while (n && strchr(" \t\r\n", *p)) {
		p++;
		n--;
	}
	while (n && strchr(" \t\r\n", p[n - 1]))
		n--;
	t = xstrndup(p, n);
	wipe_free(*s);
	*s = t;
}

static void replace(char **s, const char *with)
{
	wipe_free(*s);
	*s = xstrdup(with);
}

/* The resident identity number of a natural person, normalised. */
static int check_idcard(struct party *p, struct fz_err *err)
{
	char id[PII_ID_LEN + 1];
	const char *why = NULL;
	int rc = pii_idcard_check(p->id_number, id, &why);

	if (rc == PII_ID_NODATA)
		return fz_fail(err, 500, "pii_nodata", "%s",
			       why ? why : "行政区划数据不可用");
	if (rc)
		return fz_fail(err, 400, "party_invalid", "公民身份号码有误：%s",
			       why ? why : pii_idcard_reason(rc));
	replace(&p->id_number, id);
	return 0;
}

/* An organisation's unified social credit code, as it is written on its
 * licence: folded to ASCII, upper case, without spaces. */
static int check_uscc(struct party *p, struct fz_err *err)
{
	struct fz_err why = { 0 };
	struct buf b = BUF_INIT;
	int rc = 0;

	uscc_normalise(p->id_number, &b);
	if (!uscc_valid(buf_cstr(&b), &why))
		rc = fz_fail(err, 400, "party_invalid", "%s%s",
			     str_starts(why.msg, "统一社会信用代码") ? "" :
			     "统一社会信用代码有误：", why.msg);
	else
		replace(&p->id_number, buf_cstr(&b));
	buf_release(&b);
	return rc;
}

/* An e-mail address of the usual form: one "@", something before it, a
 * domain with a dot after it, no spaces or control characters. */
static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *p;

	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    at[1] == '.' || s[strlen(s) - 1] == '.')
		return false;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

static int check_email(struct party *p, struct fz_err *err)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	pii_fold_width(p->email, &b);
	if (utf8_chars(buf_cstr(&b), b.len) > EMAIL_MAX_CHARS ||
	    !email_ok(buf_cstr(&b)))
		rc = fz_fail(err, 400, "party_invalid", "电子邮箱格式有误，"
			     "应如 name@example.com");
	else
		replace(&p->email, buf_cstr(&b));
	buf_release(&b);
	return rc;
}

int party_check(struct party *p, bool need_name, struct fz_err *err)
{
	char phone[PII_PHONE_MAX];
	int name_max = p->org ? ORG_NAME_MAX_CHARS : NAME_MAX_CHARS;

	trim(&p->name);
	trim(&p->id_number);
	trim(&p->phone);
	trim(&p->address);
	trim(&p->email);
	if (need_name && !*p->name)
		return fz_fail(err, 400, "party_invalid", p->org ?
			       "请填写名称" : "请填写姓名");
	if (utf8_chars(p->name, strlen(p->name)) > (size_t)name_max)
		return fz_fail(err, 400, "party_invalid", "%s不能超过 %d 个字",
			       p->org ? "名称" : "姓名", name_max);
	if (utf8_chars(p->address, strlen(p->address)) > ADDRESS_MAX_CHARS)
		return fz_fail(err, 400, "party_invalid",
			       "通讯地址不能超过 %d 个字", ADDRESS_MAX_CHARS);
	if (*p->id_number && (p->org ? check_uscc(p, err) :
			      check_idcard(p, err)))
		return FZ_ERR;
	if (*p->phone) {
		if (pii_phone_normalise(p->phone, phone, sizeof(phone)) < 0)
			return fz_fail(err, 400, "party_invalid", "联系电话须为"
				       "手机号码或带区号的固定电话号码");
		replace(&p->phone, phone);
	}
	if (*p->email && check_email(p, err))
		return FZ_ERR;
	if (!*p->phone && !*p->address)
		return fz_fail(err, 400, "party_invalid", "请至少填写联系电话"
			       "或通讯地址，以便答复");
	return 0;
}

/* ---- sealing and storing ---- */

static int seal_one(const struct keyring *kr, const char *s, struct buf *out,
		    struct fz_err *err)
{
	return s && *s ? pii_seal(kr, s, out, err) : 0;
}

/* The blind index of a credit code: prefixed apart from the identity
 * numbers, which pii_index_idcard() keys with "idcard:". */
static void uscc_index(const struct keyring *kr, const char *code,
		       char out[65])
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "uscc:%s", code);
	crypto_blind_index(kr, buf_cstr(&b), out);
	buf_release(&b);
}

int party_seal(const struct keyring *kr, const struct party *p,
	       struct party_new *out, struct fz_err *err)
{
	memset(out, 0, sizeof(*out));
	buf_init(&out->name, BUF_DEFAULT_MAX);
	buf_init(&out->id_number, BUF_DEFAULT_MAX);
	buf_init(&out->phone, BUF_DEFAULT_MAX);
	buf_init(&out->address, BUF_DEFAULT_MAX);
	buf_init(&out->email, BUF_DEFAULT_MAX);
	if (seal_one(kr, p->name, &out->name, err) ||
	    seal_one(kr, p->id_number, &out->id_number, err) ||
	    seal_one(kr, p->phone, &out->phone, err) ||
	    seal_one(kr, p->address, &out->address, err) ||
	    seal_one(kr, p->email, &out->email, err))
		return FZ_ERR;
	if (p->phone && *p->phone)
		pii_index_phone(kr, p->phone, out->phone_index);
	if (p->id_number && *p->id_number && p->org)
		uscc_index(kr, p->id_number, out->id_index);
	else if (p->id_number && *p->id_number)
		pii_index_idcard(kr, p->id_number, out->id_index);
	return 0;
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

int party_insert(struct db *db, int64_t case_id, struct party_new *n)
{
	int rc = db_exec(db, "INSERT INTO petitioner (case_id, name, "
			 "id_number, phone, address, email, phone_index, "
			 "id_index, accused_dept_id, online, query_hash, "
			 "query_index, created_at) VALUES (?, ?, ?, ?, ?, ?, "
			 "?, ?, ?, ?, ?, ?, ?)", "issssssszissi", case_id,
			 buf_cstr(&n->name), buf_cstr(&n->id_number),
			 buf_cstr(&n->phone), buf_cstr(&n->address),
			 buf_cstr(&n->email),
			 or_null(n->phone_index), or_null(n->id_index),
			 n->accused_dept_id, (int64_t)n->online,
			 or_null(n->query_hash), or_null(n->query_index),
			 n->created_at);

	return rc < 0 ? rc : 0;
}

int party_load(struct db *db, int64_t case_id, struct party_row *p)
{
	struct db_rows *rows;
	int rc;

	memset(p, 0, sizeof(*p));
	rows = db_query(db, "SELECT name, id_number, phone, address, "
			"accused_dept_id, online, satisfaction, rated_at, "
			"email FROM petitioner WHERE case_id = ?", "i",
			case_id);
	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1) {
		p->found = true;
		p->name = db_strdup(rows, 0);
		p->id_number = db_strdup(rows, 1);
		p->phone = db_strdup(rows, 2);
		p->address = db_strdup(rows, 3);
		p->accused_dept_id = db_int(rows, 4);
		p->online = db_int(rows, 5) != 0;
		p->satisfaction = db_strdup(rows, 6);
		p->rated_at = db_int(rows, 7);
		p->email = db_strdup(rows, 8);
	} else {
		p->name = xstrdup("");
		p->id_number = xstrdup("");
		p->phone = xstrdup("");
		p->address = xstrdup("");
		p->email = xstrdup("");
		p->satisfaction = xstrdup("");
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

static int open_one(const struct keyring *kr, const char *sealed, char **out,
		    struct fz_err *err)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	if (sealed && *sealed)
		rc = pii_open(kr, sealed, &b, err);
	*out = xstrdup(rc ? "" : buf_cstr(&b));
	if (b.data)
		crypto_cleanse(b.data, b.len);
	buf_release(&b);
	return rc;
}

int party_open(const struct keyring *kr, const struct party_row *p,
	       struct party *out, struct fz_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = open_one(kr, p->name, &out->name, err);
	rc |= open_one(kr, p->id_number, &out->id_number, err);
	rc |= open_one(kr, p->phone, &out->phone, err);
	rc |= open_one(kr, p->address, &out->address, err);
	rc |= open_one(kr, p->email, &out->email, err);
	return rc ? FZ_ERR : 0;
}

/* a***@example.com: the first character and the domain. */
static void mask_email(const char *in, struct buf *out)
{
	const char *at = in ? strchr(in, '@') : NULL;

	if (!in || !*in)
		return;
	if (!at || at == in) {
		buf_puts(out, "***");
		return;
	}
	buf_printf(out, "%c***%s", in[0], at);
}

void party_masked(const struct party *p, struct party *out)
{
	struct buf b = BUF_INIT;

	memset(out, 0, sizeof(*out));
	out->org = p->org;
	if (p->org) {
		out->name = xstrdup(p->name ? p->name : "");
		out->id_number = xstrdup(p->id_number ? p->id_number : "");
	} else {
		pii_mask_name(p->name, &b);
		out->name = xstrdup(buf_cstr(&b));
		buf_reset(&b);
		pii_mask_idcard(p->id_number, &b);
		out->id_number = xstrdup(buf_cstr(&b));
	}
	buf_reset(&b);
	pii_mask_phone(p->phone, &b);
	out->phone = xstrdup(buf_cstr(&b));
	buf_reset(&b);
	pii_mask_address(p->address, &b);
	out->address = xstrdup(buf_cstr(&b));
	buf_reset(&b);
	mask_email(p->email, &b);
	out->email = xstrdup(buf_cstr(&b));
	buf_release(&b);
}

/* ---- a case as its reader sees it ---- */

int desk_case_load(struct req *r, struct desk_ctx *ctx, struct case_info *c,
		   struct party_row *row, bool *hidden)
{
	struct fz_err err = { 0 };
	int64_t id;
	int rc;

	desk_ctx_init(r, r->db, ctx);
	if (req_path_id(r, 0, &id) < 0)
		return req_fail(r, 404, "not_found", "该事项不存在");
	rc = case_get(r->db, id, c, &err);
	if (rc == 0 && (!desk_procedure(c->procedure) ||
			!desk_may_read(&ctx->e, c)))
		fz_fail(&err, 404, "not_found", "该事项不存在");
	if (err.status)
		return req_fail(r, err.status, err.code, "%s", err.msg);
	rc = party_load(r->db, id, row);
	if (rc < 0)
		return req_db_fail(r, rc);
	*hidden = desk_hidden_from(&ctx->e, row->accused_dept_id);
	return 0;
}

/* ---- unmasking ---- */

/* The petitioner's fields that hold a value, as the audit names them
 * (a sealed value is "" exactly when the clear one is). */
static json_t *unmasked_fields(const struct party_row *row)
{
	json_t *a = json_array();

	if (*row->name)
		json_array_append_new(a, json_string("petitioner.name"));
	if (*row->id_number)
		json_array_append_new(a, json_string("petitioner.id_number"));
	if (*row->phone)
		json_array_append_new(a, json_string("petitioner.phone"));
	if (*row->address)
		json_array_append_new(a, json_string("petitioner.address"));
	if (*row->email)
		json_array_append_new(a, json_string("petitioner.email"));
	return a;
}

int party_unmask(struct req *r, const struct engine_ctx *ctx,
		 const struct case_info *c, const struct party_row *row,
		 const char *reason, struct fz_err *err)
{
	char obj[40], *why;
	int64_t rc;

	if (!desk_may_unmask(ctx->roles, c->procedure) || !row->found ||
	    desk_hidden_from(ctx, row->accused_dept_id)) {
		fz_fail(err, 403, "forbidden", "您没有查看完整个人信息的权限");
		return 1;
	}
	why = xstrdup(reason ? reason : "");
	trim(&why);
	if (!*why || utf8_chars(why, strlen(why)) > UNMASK_REASON_MAX) {
		free(why);
		fz_fail(err, 400, "reason_required", "查看完整个人信息须说明"
			"理由（不超过 %d 字）", UNMASK_REASON_MAX);
		return 1;
	}
	snprintf(obj, sizeof(obj), "case:%lld", (long long)c->id);
	rc = audit_req_tx(r, "pii.unmask", obj, "success",
			  json_pack("{s:s,s:s,s:o}", "number", c->number,
				    "reason", why, "fields",
				    unmasked_fields(row)));
	free(why);
	return rc < 0 ? (int)rc : 0;
}

/* ---- the form ---- */

enum { IN_NAME, IN_ID_NUMBER, IN_PHONE, IN_ADDRESS, IN_EMAIL, NINPUTS };

#define ST PARTY_FORM_STAFF
#define ON PARTY_FORM_ONLINE
#define AST PARTY_FORM_APPLICANT_STAFF
#define AON PARTY_FORM_APPLICANT_ONLINE

/* One input as each kind of form shows it (indexed by enum party_form;
 * a form without a label for it leaves it out). */
static const struct {
	const char *name;
	int max;
	const char *label[PARTY_FORM_KINDS], *attrs[PARTY_FORM_KINDS];
	const char *hint[PARTY_FORM_KINDS];
} inputs[NINPUTS] = {
	[IN_NAME] = { "p_name", ORG_NAME_MAX_CHARS,
		{ [ST] = "姓名", [ON] = "姓名", [AST] = "姓名或名称",
		  [AON] = "姓名或名称" },
		{ [ST] = " autocomplete=\"off\"",
		  [ON] = " required autocomplete=\"name\"",
		  [AST] = " autocomplete=\"off\"",
		  [AON] = " required autocomplete=\"name\"" },
		{ [AST] = NAME_HINT, [AON] = NAME_HINT } },
	[IN_ID_NUMBER] = { "p_id_number", 24,
		{ [ST] = "公民身份号码", [ON] = "公民身份号码（选填）",
		  [AST] = "身份证件号码", [AON] = "身份证件号码" },
		{ [ST] = " autocomplete=\"off\" inputmode=\"text\"",
		  [ON] = " autocomplete=\"off\"",
		  [AST] = " autocomplete=\"off\" spellcheck=\"false\"",
		  [AON] = " required autocomplete=\"off\" "
			  "spellcheck=\"false\"" },
		{ [AST] = "自然人为公民身份号码；法人或其他组织为18位统一社会"
			  "信用代码",
		  [AON] = "自然人填写公民身份号码；法人或其他组织填写18位统一"
			  "社会信用代码" } },
	[IN_PHONE] = { "p_phone", 24,
		{ [ST] = "联系电话", [ON] = "联系电话", [AST] = "联系电话",
		  [AON] = "联系电话" },
		{ [ST] = " autocomplete=\"off\" inputmode=\"tel\"",
		  [ON] = " required autocomplete=\"tel\" inputmode=\"tel\"",
		  [AST] = " autocomplete=\"off\" inputmode=\"tel\"",
		  [AON] = " required autocomplete=\"tel\" "
			  "inputmode=\"tel\"" },
		{ [ST] = "联系电话和通讯地址至少填写一项，以便答复",
		  [ON] = "手机号码或带区号的固定电话，查询时需要后四位",
		  [AST] = "联系电话和通讯地址至少填写一项，以便答复",
		  [AON] = "手机号码或带区号的固定电话，查询时需要后四位" } },
	[IN_ADDRESS] = { "p_address", ADDRESS_MAX_CHARS,
		{ [ST] = "通讯地址", [ON] = "通讯地址（选填）",
		  [AST] = "通讯地址", [AON] = "通讯地址（选填）" },
		{ [ST] = " autocomplete=\"off\"",
		  [ON] = " autocomplete=\"street-address\"",
		  [AST] = " autocomplete=\"off\"",
		  [AON] = " autocomplete=\"street-address\"" },
		{ [AST] = "邮寄送达的须填写", [AON] = "选择邮寄的须填写" } },
	[IN_EMAIL] = { "p_email", EMAIL_MAX_CHARS,
		{ [AST] = "电子邮箱", [AON] = "电子邮箱（选填）" },
		{ [AST] = " autocomplete=\"off\" inputmode=\"email\" "
			  "spellcheck=\"false\"",
		  [AON] = " autocomplete=\"email\" inputmode=\"email\" "
			  "spellcheck=\"false\"" },
		{ [AST] = "以电子邮件送达的须填写",
		  [AON] = "选择电子邮件获取的须填写" } },
};

/* A citizen is asked for the phone first: the query needs it. */
static const int input_order[PARTY_FORM_KINDS][NINPUTS] = {
	[ST] = { IN_NAME, IN_ID_NUMBER, IN_PHONE, IN_ADDRESS, -1 },
	[ON] = { IN_NAME, IN_PHONE, IN_ID_NUMBER, IN_ADDRESS, -1 },
	[AST] = { IN_NAME, IN_ID_NUMBER, IN_PHONE, IN_ADDRESS, IN_EMAIL },
	[AON] = { IN_NAME, IN_ID_NUMBER, IN_PHONE, IN_ADDRESS, IN_EMAIL },
};

#undef ST
#undef ON
#undef AST
#undef AON

/* form_text() with the mark of a required field beside the label, as
 * the inputs drawn from a definition have it (desk_field_input()): the
 * applicant's form marks what it needs rather than what it does not. */
static void marked_text(struct buf *b, const char *name, const char *label,
			const char *value, int max, const char *attrs,
			const char *hint)
{
	html(b, "<div class=\"field\"><label for=\"%s\">%s <abbr "
	     "title=\"必填\">*</abbr></label><input id=\"%s\" name=\"%s\" "
	     "type=\"text\" value=\"%s\" maxlength=\"%d\"%r", name, label,
	     name, name, value, max, attrs);
	if (hint)
		html(b, " aria-describedby=\"%s-hint\"><p class=\"muted\" "
		     "id=\"%s-hint\">%s</p></div>", name, name, hint);
	else
		html(b, "></div>");
}

void party_inputs(struct buf *b, struct req *r, enum party_form kind)
{
	int i;

	for (i = 0; i < NINPUTS; i++) {
		int k = input_order[kind][i], max;

		if (k < 0)
			break;
		max = inputs[k].max;
		if (k == IN_NAME && kind != PARTY_FORM_APPLICANT_STAFF &&
		    kind != PARTY_FORM_APPLICANT_ONLINE)
			max = NAME_MAX_CHARS;   /* a person, never a body */
		(kind == PARTY_FORM_APPLICANT_ONLINE &&
		 str_starts(inputs[k].attrs[kind], " required") ?
		 marked_text : form_text)(b, inputs[k].name,
			inputs[k].label[kind], req_posted(r, inputs[k].name), max,
			inputs[k].attrs[kind], inputs[k].hint[kind]);
	}
}

void party_from_form(struct req *r, struct party *p)
{
	p->name = xstrdup(req_posted(r, inputs[IN_NAME].name));
	p->id_number = xstrdup(req_posted(r, inputs[IN_ID_NUMBER].name));
	p->phone = xstrdup(req_posted(r, inputs[IN_PHONE].name));
	p->address = xstrdup(req_posted(r, inputs[IN_ADDRESS].name));
	p->email = xstrdup(req_posted(r, inputs[IN_EMAIL].name));
}

/* ---- query codes ---- */

static void sm3_hex(const char *s, char out[65])
{
	uint8_t md[SM3_LEN];
	static const char hex[] = "0123456789abcdef";
	size_t i;

	crypto_sm3(s, strlen(s), md);
	for (i = 0; i < SM3_LEN; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static void code_index(const struct keyring *kr, const char *code,
		       char out[65])
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "query:%s", code);
	crypto_blind_index(kr, buf_cstr(&b), out);
	buf_release(&b);
}

int query_code_new(const struct keyring *kr, char code[QUERY_CODE_LEN + 1],
		   char hash[65], char index[65])
{
	const size_t na = sizeof(code_alphabet) - 1;
	const unsigned limit = 256 - 256 % na;
	uint8_t rnd[64];
	size_t i, n = 0;

	/* Rejection sampling keeps every character equally likely. */
	while (n < QUERY_CODE_LEN) {
		if (crypto_random(rnd, sizeof(rnd)))
			return FZ_ERR;
		for (i = 0; i < sizeof(rnd) && n < QUERY_CODE_LEN; i++)
			if (rnd[i] < limit)
				code[n++] = code_alphabet[rnd[i] % na];
	}
	code[n] = '\0';
	crypto_cleanse(rnd, sizeof(rnd));
	sm3_hex(code, hash);
	code_index(kr, code, index);
	return 0;
}

/* The code as typed, upper-cased, without spaces and hyphens; false when
 * it cannot be a code at all. */
static bool code_normalise(const char *in, char out[QUERY_CODE_LEN + 1])
{
	size_t n = 0;

	for (; in && *in; in++) {
		char c = *in;

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == QUERY_CODE_LEN || !c || !strchr(code_alphabet, c))
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == QUERY_CODE_LEN;
}

static bool last4_matches(const struct keyring *kr, const char *sealed,
			  const char *want)
{
	struct buf b = BUF_INIT;
	struct fz_err err;
	char have[5];
	bool ok = false;

	if (sealed && *sealed && pii_open(kr, sealed, &b, &err) == 0) {
		pii_phone_last4(buf_cstr(&b), have);
		ok = have[0] && crypto_equal(have, want, 4);
	}
	if (b.data)
		crypto_cleanse(b.data, b.len);
	buf_release(&b);
	return ok;
}

int query_code_find(struct db *db, const struct keyring *kr, const char *code,
		    const char *last4, int64_t *case_id)
{
	char norm[QUERY_CODE_LEN + 1], index[65], hash[65], want[5];
	struct db_rows *rows;
	bool ok = false;
	int rc;

	pii_phone_last4(last4, want);
	if (!code_normalise(code, norm) || !want[0] || strlen(last4) > 16)
		return 1;
	code_index(kr, norm, index);
	sm3_hex(norm, hash);
	rows = db_query(db, "SELECT case_id, query_hash, phone FROM "
			"petitioner WHERE query_index = ?", "s", index);
	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1) {
		const char *h = db_text(rows, 1);

		*case_id = db_int(rows, 0);
		ok = h && strlen(h) == 64 && crypto_equal(h, hash, 64) &&
		     last4_matches(kr, db_text(rows, 2), want);
	}
	db_rows_free(rows);
	if (rc < 0)
		return rc;
	return ok ? 0 : 1;
}

int party_rate(struct db *db, int64_t case_id, const char *satisfaction,
	       int64_t now)
{
	int rc = db_exec(db, "UPDATE petitioner SET satisfaction = ?, "
			 "rated_at = ? WHERE case_id = ? AND satisfaction = ''",
			 "sii", satisfaction, now, case_id);

	if (rc < 0)
		return rc;
	return rc == 0 ? 1 : 0;
}

/* ---- duplicates ---- */

/*
 * Words a title opens or ends with that say nothing of its matter
 * ("反映……问题", "关于……的", "再次要求……"): taken off both ends of a
 * title before it is compared.  Inside a title they stay, since cutting
 * them there could split other words ("需要求助").  Kept short: a word
 * that does carry meaning must never be dropped.
 */
static const char *const stock_words[] = {
	"反映", "关于", "要求", "请求", "投诉", "举报", "咨询", "建议",
	"再次", "问题", "的",
};

/* The code point at *p, which moves past it (titles are valid UTF-8:
 * the engine checked them). */
static uint32_t next_cp(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	uint32_t c = *s++;
	int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

	if (more)
		c &= 0x3Fu >> more;
	while (more-- && (*s & 0xC0) == 0x80)
		c = c << 6 | (*s++ & 0x3F);
	*p = (const char *)s;
	return c;
}

/* Full-width letters and digits as ASCII, letters in lower case. */
static uint32_t fold(uint32_t c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)
		c -= 0xFEE0;
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	return c;
}

/* Whether a (folded) character counts: not white space or punctuation
 * (ASCII, Latin-1 signs, general, CJK and half-width punctuation). */
static bool meaningful(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
	return !(c <= 0xBF || (c >= 0x2000 && c <= 0x206F) ||
		 (c >= 0x3000 && c <= 0x303F) ||
		 (c >= 0xFE30 && c <= 0xFE6F) ||
		 (c >= 0xFF5F && c <= 0xFF65));
}

/* The characters of the stock word that the `n` characters at `v` begin
 * with (at_end: end with), or 0. */
static size_t stock_len(const uint32_t *v, size_t n, bool at_end)
{
	size_t i, k, j;

	for (i = 0; i < ARRAY_SIZE(stock_words); i++) {
		const char *w = stock_words[i];
		uint32_t cw[4];

		for (k = 0; *w && k < ARRAY_SIZE(cw); k++)
			cw[k] = next_cp(&w);
		if (k > n)
			continue;
		for (j = 0; j < k; j++)
			if (v[at_end ? n - k + j : j] != cw[j])
				break;
		if (j == k)
			return k;
	}
	return 0;
}

/* What of a title is compared: its character pairs (bigrams), sorted. */
struct title_key {
	uint64_t pair[DUP_CHARS];
	size_t n;
};

static int pair_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The key of title `t`: its meaningful characters, folded, without the
 * stock words at either end; a single character is its own pair. */
static void title_key(const char *t, struct title_key *k)
{
	uint32_t c[DUP_CHARS];
	size_t n = 0, off = 0, i, w;

	while (t && *t && n < DUP_CHARS) {
		uint32_t x = fold(next_cp(&t));

		if (meaningful(x))
			c[n++] = x;
	}
	for (;;) {
		if ((w = stock_len(c + off, n - off, false)))
			off += w;
		else if ((w = stock_len(c + off, n - off, true)))
			n -= w;
		else
			break;
	}
	k->n = 0;
	if (n - off == 1)
		k->pair[k->n++] = c[off];
	for (i = off; i + 1 < n; i++)     /* a code point takes 21 bits */
		k->pair[k->n++] = (uint64_t)c[i] << 21 | c[i + 1];
	qsort(k->pair, k->n, sizeof(k->pair[0]), pair_cmp);
}

/* Whether two keys share more than half their pairs, by the Dice
 * coefficient 2|A∩B| / (|A| + |B|) > 1/2 (pairs counted with their
 * repeats).  An empty key, a title of stock words only, matches none. */
static bool keys_similar(const struct title_key *a, const struct title_key *b)
{
	size_t i = 0, j = 0, shared = 0;

	while (i < a->n && j < b->n) {
		if (a->pair[i] == b->pair[j]) {
			shared++;
			i++;
			j++;
		} else if (a->pair[i] < b->pair[j]) {
			i++;
		} else {
			j++;
		}
	}
	return shared && 4 * shared > a->n + b->n;
}

bool dup_titles_similar(const char *a, const char *b)
{
	struct title_key ka, kb;

	title_key(a, &ka);
	title_key(b, &kb);
	return keys_similar(&ka, &kb);
}

/* A case that may be a duplicate, until case_handled() has its say. */
struct dup_cand {
	int64_t id;
	int version;
	char *number, *title, *state, *proc;
	const char *why;
};

struct dup_cands {
	struct dup_cand *v;
	size_t n, cap;
};

/* The columns cand_add() reads, first in both queries. */
#define DUP_COLS "c.id, c.number, c.title, c.state, c.proc, c.version"

static void cand_add(struct dup_cands *l, struct db_rows *rows,
		     const char *why)
{
	int64_t id = db_int(rows, 0);
	struct dup_cand *d;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	d = &l->v[l->n++];
	d->id = id;
	d->number = db_strdup(rows, 1);
	d->title = db_strdup(rows, 2);
	d->state = db_strdup(rows, 3);
	d->proc = db_strdup(rows, 4);
	d->version = (int)db_int(rows, 5);
	d->why = why;
}

static void cands_release(struct dup_cands *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].number);
		free(l->v[i].title);
		free(l->v[i].state);
		free(l->v[i].proc);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The procedures whose cases may repeat one another, as an SQL list:
 * applications for disclosure among themselves, the petitions office's
 * petitions and hotline tickets together. */
#define DUP_PETITIONS "('petition', 'hotline')"
#define DUP_DISCLOSURE "('disclosure')"

/* Whether case `id` is an application for disclosure; 0 or 1, or a
 * DB_E* code. */
static int dup_group(struct db *db, int64_t id)
{
	int64_t n = 0;
	int rc = db_scalar_int(db, &n, "SELECT COUNT(*) FROM cases WHERE "
			       "id = ? AND proc = 'disclosure'", "i", id);

	return rc < 0 ? rc : n > 0;
}

/* The open cases of one group (`procs`, an SQL list) that share the
 * person's phone or identity number, or that may share the title. */
#define BY_PERSON_SQL(procs) \
	"SELECT " DUP_COLS ", p.phone_index FROM cases c JOIN petitioner p " \
	"ON p.case_id = c.id WHERE +c.is_final = 0 AND c.id <> ? AND " \
	"(p.phone_index = ? OR p.id_index = ?) AND c.proc IN " procs \
	" ORDER BY c.id DESC LIMIT " DUP_WINDOW
#define BY_TITLE_SQL(procs) \
	"SELECT " DUP_COLS " FROM cases c WHERE c.is_final = 0 AND " \
	"c.id <> ? AND c.proc IN " procs " ORDER BY c.is_final, c.id " \
	"DESC LIMIT " DUP_WINDOW

static int dups_by_person(struct db *db, int64_t except, bool disclosure,
			  const char *phone, const char *id,
			  struct dup_cands *l)
{
	struct db_rows *rows;
	int rc;

	if (!or_null(phone) && !or_null(id))
		return 0;
	/* From the person's rows (few) to their cases; the unary + keeps
	 * the planner off the open-cases index, which would walk them all. */
	rows = db_query(db, disclosure ? BY_PERSON_SQL(DUP_DISCLOSURE) :
			BY_PERSON_SQL(DUP_PETITIONS), "iss", except,
			or_null(phone), or_null(id));
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		const char *pi = db_text(rows, 6);

		cand_add(l, rows, pi && phone && strcmp(pi, phone) == 0 ?
			 "phone" : "id_number");
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

static int dups_by_title(struct db *db, int64_t except, bool disclosure,
			 const char *title, struct dup_cands *l)
{
	struct title_key want, got;
	struct db_rows *rows;
	int rc;

	if (!title || !*title)
		return 0;
	/* The newest open cases of the desk (index cases_open): a repeat
	 * of a matter comes while the first is still being handled. */
	rows = db_query(db, disclosure ? BY_TITLE_SQL(DUP_DISCLOSURE) :
			BY_TITLE_SQL(DUP_PETITIONS), "i", except);
	if (!rows)
		return db_errcode(db);
	title_key(title, &want);
	while ((rc = db_next(rows)) == 1) {
		title_key(db_text(rows, 2), &got);
		if (keys_similar(&want, &got))
			cand_add(l, rows, "title");
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

/* The candidates the office still handles (case_handled()), at most
 * DUP_MAX, appended to `out`. */
static int cands_offer(struct db *db, const struct dup_cands *l, json_t *out)
{
	size_t i;

	for (i = 0; i < l->n && json_array_size(out) < DUP_MAX; i++) {
		const struct dup_cand *d = &l->v[i];
		int rc = case_handled(db, d->id,
				      workflow_find(d->proc, d->version));

		if (rc < 0)
			return rc;
		if (rc == 0)
			json_array_append_new(out, json_pack(
				"{s:I,s:s,s:s,s:s,s:s,s:s}",
				"id", (json_int_t)d->id, "number", d->number,
				"title", d->title, "state", d->state,
				"procedure", d->proc, "why", d->why));
	}
	return 0;
}

int party_duplicates(struct db *db, int64_t except, const char *phone_index,
		     const char *id_index, const char *title, json_t **out)
{
	struct dup_cands l = { 0 };
	int disclosure = dup_group(db, except), rc = disclosure < 0 ?
						 disclosure : 0;

	if (rc == 0)
		rc = dups_by_person(db, except, disclosure, phone_index,
				    id_index, &l);
	if (rc == 0)
		rc = dups_by_title(db, except, disclosure, title, &l);
	*out = json_array();
	if (rc == 0)
		rc = cands_offer(db, &l, *out);
	cands_release(&l);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int party_indexes(struct db *db, int64_t case_id, char phone[65], char id[65])
{
	struct db_rows *rows = db_query(db, "SELECT phone_index, id_index FROM "
					"petitioner WHERE case_id = ?", "i",
					case_id);
	int rc;

	phone[0] = id[0] = '\0';
	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1) {
		snprintf(phone, 65, "%s", db_str(rows, 0));
		snprintf(id, 65, "%s", db_str(rows, 1));
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}
