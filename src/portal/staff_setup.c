/* staff_setup.c: what the publishing pipeline is set up with — outbound
 * channels, the organisation's code and name, the sensitive terms, and
 * the disclosure catalogue (政府信息公开目录)
 *
 * Settings live in the `settings` table under "ogi.*"; a value never set
 * reads as its default.  Every change is audited in the transaction that
 * makes it.
 */
#include "portal/publication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/audit_tx.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "http/http.h"
#include "pii/scan.h"
#include "store/store.h"

#define KEY_ORG "ogi.org_code"
#define KEY_PUBLISHER "ogi.publisher"
#define KEY_TERMS "ogi.scan_terms"
#define PUBLISHER_MAX 100           /* characters */
#define DEPTH_MAX 4                 /* levels of the catalogue */

/* ---- channels ---- */

const struct pub_channel pub_channels[] = {
	{ "county_site", "县政府网站", "新昌县人民政府网站政府信息公开专栏" },
	{ "wechat", "园区公众号", "“新昌高新发布”（“我爱新昌”客户端）" },
	{ "province", "浙江政务服务网", "浙江政务服务网（行政许可等事项）" },
};
const size_t pub_channel_count = ARRAY_SIZE(pub_channels);

const struct pub_channel *pub_channel_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < pub_channel_count; i++)
		if (strcmp(pub_channels[i].id, id) == 0)
			return &pub_channels[i];
	return NULL;
}

int pub_channels_parse(const char *list, struct buf *out, struct fz_err *err)
{
	bool on[ARRAY_SIZE(pub_channels)] = { false };
	const char *p = list ? list : "";
	size_t i;

	while (*p) {
		size_t n = strcspn(p, ",， ");
		char id[32];

		if (n >= sizeof(id))
			return fz_fail(err, 400, "field_invalid", "“发布渠道”"
				       "含有未知的渠道");
		if (n) {
			memcpy(id, p, n);
			id[n] = '\0';
			if (strcmp(id, "portal") == 0)
				goto next;      /* every item is there */
			for (i = 0; i < pub_channel_count; i++)
				if (strcmp(pub_channels[i].id, id) == 0)
					break;
			if (i == pub_channel_count)
				return fz_fail(err, 400, "field_invalid",
					       "“发布渠道”含有未知的渠道：%s",
					       id);
			on[i] = true;
		}
next:
		p += n;
		/* the full-width comma is three bytes */
		if (str_starts(p, "，"))
			p += strlen("，");
		else if (*p)
			p++;
	}
	for (i = 0; i < pub_channel_count; i++) {
		if (!on[i])
			continue;
		if (out->len)
			buf_putc(out, ',');
		buf_puts(out, pub_channels[i].id);
	}
	return 0;
}

/* ---- settings ---- */

static const char credit_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int credit_value(char c)
{
	const char *p = c ? strchr(credit_alphabet, c) : NULL;

	return p ? (int)(p - credit_alphabet) : -1;
}

/* GB 32100-2015: weights 3^(i-1) mod 31, check (31 - S mod 31) mod 31. */
bool pub_credit_code_valid(const char *s)
{
	static const int w[17] = {
		1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
	};
	int i, sum = 0;

	if (!s || strlen(s) != 18)
		return false;
	for (i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	for (i = 0; i < 17; i++) {
		int v = credit_value(s[i]);

		if (v < 0)
			return false;
		sum += v * w[i];
	}
	return credit_value(s[17]) == (31 - sum % 31) % 31;
}

static int setting_get(struct db *db, const char *key, char **out)
{
	struct db_rows *rows = db_query(db, "SELECT value FROM settings WHERE "
					"key = ?", "s", key);
	int rc;

	*out = NULL;
	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1)
		*out = db_strdup(rows, 0);
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

/* Inside the caller's transaction. */
static int setting_put(struct db *db, const char *key, const char *value,
		       int64_t by)
{
	int rc = db_exec(db, "DELETE FROM settings WHERE key = ?", "s", key);

	if (rc >= 0)
		rc = db_exec(db, "INSERT INTO settings (key, value, "
			     "updated_at, updated_by) VALUES (?, ?, ?, ?)",
			     "ssiz", key, value, clock_now(), by);
	return rc < 0 ? rc : 0;
}

int pub_settings_load(struct db *db, struct pub_settings *s)
{
	char *org = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = setting_get(db, KEY_ORG, &org);
	if (rc == 0)
		rc = setting_get(db, KEY_PUBLISHER, &s->publisher);
	if (rc == 0)
		rc = setting_get(db, KEY_TERMS, &s->terms);
	snprintf(s->org_code, sizeof(s->org_code), "%s",
		 org && pub_credit_code_valid(org) ? org :
		 PUB_ORG_CODE_DEFAULT);
	free(org);
	if (!s->publisher || !*s->publisher) {
		free(s->publisher);
		s->publisher = xstrdup(PUB_PUBLISHER_DEFAULT);
	}
	if (!s->terms)
		s->terms = xstrdup("");
	if (rc)
		pub_settings_release(s);
	return rc;
}

void pub_settings_release(struct pub_settings *s)
{
	free(s->publisher);
	free(s->terms);
	memset(s, 0, sizeof(*s));
}

/* Run `fn` in a transaction of its own with an audit entry; the
 * entry's details are taken. */
static int in_tx(struct db *db, int (*fn)(struct db *, const void *,
					  int64_t),
		 const void *arg, const struct actor *who, const char *action,
		 const char *object, json_t *details, struct fz_err *err)
{
	int rc = db_begin(db);

	if (rc == 0)
		rc = fn(db, arg, who->id);
	return audit_tx_end(db, rc, who, action, object, details, err);
}

struct org_arg {
	const char *org, *publisher;
};

static int put_org(struct db *db, const void *p, int64_t by)
{
	const struct org_arg *a = p;
	int rc = setting_put(db, KEY_ORG, a->org, by);

	return rc ? rc : setting_put(db, KEY_PUBLISHER, a->publisher, by);
}

int pub_settings_save(struct db *db, const struct actor *who,
		      const char *org_code, const char *publisher,
		      struct fz_err *err)
{
	struct org_arg a = { org_code, publisher };
	size_t n = publisher ? strlen(publisher) : 0;

	if (!pub_credit_code_valid(org_code))
		return fz_fail(err, 400, "field_invalid", "“机构代码”须为 18 "
			       "位统一社会信用代码，且校验码正确（GB 32100）");
	if (!n || utf8_chars(publisher, n) > PUBLISHER_MAX ||
	    strpbrk(publisher, "\r\n\t"))
		return fz_fail(err, 400, "field_invalid", "“发布机构”须为 1 "
			       "到 %d 个字", PUBLISHER_MAX);
	return in_tx(db, put_org, &a, who, "publication.settings",
		     "settings:ogi", json_pack("{s:s,s:s}", "org_code",
					       org_code, "publisher",
					       publisher), err);
}

static int put_terms(struct db *db, const void *p, int64_t by)
{
	return setting_put(db, KEY_TERMS, p, by);
}

int pub_terms_save(struct db *db, const struct actor *who, const char *text,
		   struct fz_err *err)
{
	struct scan_terms t = SCAN_TERMS_INIT;
	size_t n;

	text = text ? text : "";
	if (scan_terms_load(&t, text, strlen(text), err))
		return FZ_ERR;
	n = t.n;
	scan_terms_release(&t);
	return in_tx(db, put_terms, text, who, "publication.terms",
		     "settings:ogi", json_pack("{s:I}", "terms",
					       (json_int_t)n), err);
}

/* ---- the catalogue ---- */

static void category_free(struct pub_category *c)
{
	free(c->code);
	free(c->name);
	free(c->link);
	free(c->link_label);
}

void pub_catalogue_release(struct pub_catalogue *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		category_free(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* Append the children of `parent` (in the order of `all`) and their
 * children, depth first. */
static void tree_walk(struct pub_category *all, size_t n, bool *taken,
		      int64_t parent, int depth, bool everything,
		      struct pub_catalogue *out)
{
	size_t i;

	if (depth > DEPTH_MAX)
		return;
	for (i = 0; i < n; i++) {
		if (taken[i] || all[i].parent_id != parent)
			continue;
		if (all[i].disabled && !everything)
			continue;
		taken[i] = true;
		all[i].depth = depth;
		out->v[out->n++] = all[i];
		tree_walk(all, n, taken, all[i].id, depth + 1, everything,
			  out);
	}
}

int pub_catalogue_load(struct db *db, bool all, struct pub_catalogue *out)
{
	struct db_rows *rows;
	struct pub_category *v = NULL;
	size_t n = 0, cap = 0, i;
	bool *taken;
	int rc;

	memset(out, 0, sizeof(*out));
	rows = db_query(db, "SELECT c.id, COALESCE(c.parent_id, 0), c.code, "
			"c.name, c.sort, c.disabled, (SELECT COUNT(*) FROM "
			"publications p WHERE p.catalogue_id = c.id AND "
			"p.published_at > 0 AND p.withdrawn_at = 0), c.link, "
			"c.link_label FROM catalogue c ORDER BY c.sort, c.id",
			"");
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			v = xrealloc(v, cap * sizeof(*v));
		}
		memset(&v[n], 0, sizeof(v[n]));
		v[n].id = db_int(rows, 0);
		v[n].parent_id = db_int(rows, 1);
		v[n].code = xstrdup(db_text(rows, 2));
		v[n].name = xstrdup(db_text(rows, 3));
		v[n].sort = (int)db_int(rows, 4);
		v[n].disabled = db_int(rows, 5) != 0;
		v[n].items = db_int(rows, 6);
		v[n].link = db_strdup(rows, 7);
		v[n].link_label = db_strdup(rows, 8);
		n++;
	}
	db_rows_free(rows);
	taken = xcalloc(n ? n : 1, sizeof(*taken));
	out->v = xcalloc(n ? n : 1, sizeof(*out->v));
	if (rc == 0)
		tree_walk(v, n, taken, 0, 0, all, out);
	for (i = 0; i < n; i++)
		if (!taken[i])
			category_free(&v[i]);
	free(taken);
	free(v);
	if (rc < 0)
		pub_catalogue_release(out);
	return rc < 0 ? rc : 0;
}

const struct pub_category *pub_category_find(const struct pub_catalogue *c,
					     int64_t id, const char *code)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if ((id && c->v[i].id == id) ||
		    (code && strcmp(c->v[i].code, code) == 0))
			return &c->v[i];
	return NULL;
}

/* No space, no C0 or C1 control character, no DEL: a link is one token,
 * shown and followed as written. */
static bool link_chars_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p <= 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return false;
	return true;
}

/* "http://" or "https://" (in any case) and the start of a host. */
static bool web_url(const char *s)
{
	size_t n = 0;

	if (strncasecmp(s, "https://", 8) == 0)
		n = 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		n = 7;
	return n && s[n] && !strchr("/\\?#@:", s[n]);
}

bool pub_link_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > PUB_LINK_MAX || !link_chars_ok(s))
		return false;
	return req_local_path(s) || web_url(s);
}

bool pub_link_external(const char *s)
{
	return s && *s && !req_local_path(s);
}

static bool code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	if (!n || n > PUB_CODE_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-", s[i]))
			return false;
	return true;
}

/* The parent must exist, and walking up from it must neither meet the
 * section itself nor go deeper than DEPTH_MAX levels. */
static int check_parent(struct db *db, const struct pub_category_in *in,
			struct fz_err *err)
{
	int64_t at = in->parent_id, up = 0;
	int depth = 0, rc;

	while (at) {
		if (at == in->id)
			return fz_fail(err, 400, "field_invalid", "上级分类不能"
				       "是本分类或其下级");
		if (++depth >= DEPTH_MAX)
			return fz_fail(err, 400, "field_invalid", "目录最多 %d "
				       "级", DEPTH_MAX);
		rc = db_scalar_int(db, &up, "SELECT COALESCE(parent_id, 0) "
				   "FROM catalogue WHERE id = ?", "i", at);
		if (rc < 0)
			return db_failed(err, rc);
		if (rc == 1)
			return fz_fail(err, 400, "field_invalid", "上级分类"
				       "不存在");
		at = up;
	}
	return 0;
}

static int check_link(const struct pub_category_in *in, struct fz_err *err)
{
	const char *link = in->link ? in->link : "";
	const char *label = in->link_label ? in->link_label : "";
	size_t n = strlen(label);

	if (*link && !pub_link_valid(link))
		return fz_fail(err, 400, "field_invalid", "“信息所在位置”须为"
			       "本站以 / 开头的路径（如 /gk/permits），或以 "
			       "https:// 或 http:// 开头的完整网址，不超过 %d "
			       "个字符，不得含空格", PUB_LINK_MAX);
	if (utf8_chars(label, n) > PUB_LINK_LABEL_MAX ||
	    strpbrk(label, "\r\n\t"))
		return fz_fail(err, 400, "field_invalid", "“链接名称”不能超过 "
			       "%d 个字，且不能换行", PUB_LINK_LABEL_MAX);
	if (n && !*link)
		return fz_fail(err, 400, "field_invalid", "填写了“链接名称”，"
			       "请同时填写“信息所在位置”");
	return 0;
}

static int check_category(struct db *db, const struct pub_category_in *in,
			  struct fz_err *err)
{
	size_t n = in->name ? strlen(in->name) : 0;
	int64_t other = 0;
	int rc;

	if (!code_ok(in->code))
		return fz_fail(err, 400, "field_invalid", "“分类代码”须为 1 到 "
			       "%d 个字母、数字、下划线或连字符", PUB_CODE_MAX);
	if (!n || utf8_chars(in->name, n) > PUB_NAME_MAX ||
	    strpbrk(in->name, "\r\n\t"))
		return fz_fail(err, 400, "field_invalid", "“分类名称”须为 1 到 "
			       "%d 个字", PUB_NAME_MAX);
	if (in->sort < 0 || in->sort > 100000)
		return fz_fail(err, 400, "field_invalid", "“排序”须为 0 到 "
			       "100000 之间的整数");
	if (check_link(in, err))
		return FZ_ERR;
	rc = db_scalar_int(db, &other, "SELECT id FROM catalogue WHERE code "
			   "= ?", "s", in->code);
	if (rc < 0)
		return db_failed(err, rc);
	if (rc == 0 && other != in->id)
		return fz_fail(err, 409, "duplicate", "分类代码“%s”已被使用",
			       in->code);
	if (in->id) {
		rc = db_scalar_int(db, &other, "SELECT id FROM catalogue "
				   "WHERE id = ?", "i", in->id);
		if (rc < 0)
			return db_failed(err, rc);
		if (rc == 1)
			return fz_fail(err, 404, "not_found", "该分类不存在");
	}
	return check_parent(db, in, err);
}

static const char *link_of(const struct pub_category_in *in)
{
	return in->link ? in->link : "";
}

static const char *label_of(const struct pub_category_in *in)
{
	return in->link_label ? in->link_label : "";
}

static int write_category(struct db *db, const struct pub_category_in *in,
			  int64_t *id)
{
	int rc;

	if (in->id) {
		*id = in->id;
		rc = db_exec(db, "UPDATE catalogue SET code = ?, name = ?, "
			     "parent_id = ?, sort = ?, disabled = ?, link = ?, "
			     "link_label = ? WHERE id = ?", "ssziissi",
			     in->code, in->name, in->parent_id, in->sort,
			     (int64_t)in->disabled, link_of(in),
			     label_of(in), in->id);
		return rc < 0 ? rc : 0;
	}
	rc = db_scalar_int(db, id, "INSERT INTO catalogue (code, name, "
			   "parent_id, sort, disabled, link, link_label, "
			   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
			   "RETURNING id", "ssziissi", in->code, in->name,
			   in->parent_id, in->sort, (int64_t)in->disabled,
			   link_of(in), label_of(in), clock_now());
	return rc ? (rc < 0 ? rc : DB_ERR) : 0;
}

int pub_category_save(struct db *db, const struct actor *who,
		      const struct pub_category_in *in, int64_t *id,
		      struct fz_err *err)
{
	int64_t got = 0;
	char obj[48];
	int rc = db_begin(db);

	if (rc < 0)
		return db_failed(err, rc);
	if (check_category(db, in, err)) {
		db_rollback(db);
		return FZ_ERR;
	}
	rc = write_category(db, in, &got);
	snprintf(obj, sizeof(obj), "catalogue:%lld", (long long)got);
	rc = audit_tx_end(db, rc, who, in->id ? "catalogue.update" :
			  "catalogue.create", obj,
			  json_pack("{s:s,s:s,s:I,s:I,s:b,s:s,s:s}", "code",
				    in->code, "name", in->name, "parent",
				    (json_int_t)in->parent_id, "sort",
				    (json_int_t)in->sort, "disabled",
				    in->disabled, "link", link_of(in),
				    "link_label", label_of(in)), err);
	if (rc)
		return rc;
	if (id)
		*id = got;
	return 0;
}
