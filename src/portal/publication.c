/* publication.c: portal items through review and approval — the desk of
 * the "publication" procedure
 *
 * The engine moves the case; this file keeps the `publications` row in
 * step with it and adds the gate the definition cannot express: the
 * scanner's findings, which must all be resolved before the review may
 * pass and before approval and publication (checked here, in the
 * action's transaction, before case_act()).  pub_act() is the only way
 * the pages, the API and the demo act on an item.
 */
#include "portal/publication.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "petition/petition.h"
#include "pii/scan.h"
#include "portal/page_cache.h"
#include "portal/search.h"
#include "store/store.h"

#define R(x) ((roleset)1 << (x))

/* ---- reading ---- */

#define ITEM_SELECT \
	"SELECT p.id, p.case_id, p.index_no, p.title, p.body, p.doc_no, " \
	"p.publisher, p.source, p.formed_on, COALESCE(p.catalogue_id, 0), " \
	"COALESCE(c.code, ''), COALESCE(c.name, ''), p.published_at, " \
	"p.withdrawn_at, p.withdraw_reason, p.visits, p.review_round, " \
	"COALESCE(p.created_by, 0), p.created_at, p.updated_at FROM " \
	"publications p LEFT JOIN catalogue c ON c.id = p.catalogue_id " \
	"WHERE p.id = ?"

static void item_from_row(struct db_rows *rows, struct pub_item *p)
{
	p->id = db_int(rows, 0);
	p->case_id = db_int(rows, 1);
	p->index_no = db_strdup(rows, 2);
	p->title = db_strdup(rows, 3);
	p->body = db_strdup(rows, 4);
	p->doc_no = db_strdup(rows, 5);
	p->publisher = db_strdup(rows, 6);
	p->source = db_strdup(rows, 7);
	p->formed_on = db_strdup(rows, 8);
	p->catalogue_id = db_int(rows, 9);
	p->catalogue_code = db_strdup(rows, 10);
	p->catalogue_name = db_strdup(rows, 11);
	p->published_at = db_int(rows, 12);
	p->withdrawn_at = db_int(rows, 13);
	p->withdraw_reason = db_strdup(rows, 14);
	p->visits = db_int(rows, 15);
	p->review_round = (int)db_int(rows, 16);
	p->created_by = db_int(rows, 17);
	p->created_at = db_int(rows, 18);
	p->updated_at = db_int(rows, 19);
}

static int load_channels(struct db *db, struct pub_item *p)
{
	struct db_rows *rows = db_query(db, "SELECT channel FROM "
					"publication_channels WHERE "
					"publication_id = ?", "i", p->id);
	struct buf list = BUF_INIT, norm = BUF_INIT;
	struct fz_err err;
	int rc;

	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		if (list.len)
			buf_putc(&list, ',');
		buf_puts(&list, db_text(rows, 0));
	}
	db_rows_free(rows);
	/* a channel no longer known is left out */
	if (pub_channels_parse(buf_cstr(&list), &norm, &err))
		buf_reset(&norm);
	buf_cstr(&norm);
	p->channels = buf_detach(&norm, NULL);
	buf_release(&list);
	return rc < 0 ? rc : 0;
}

static int load_files(struct db *db, struct pub_item *p)
{
	struct db_rows *rows = db_query(db, "SELECT attachment_id, dropped, "
					"withheld FROM publication_files WHERE "
					"publication_id = ? ORDER BY "
					"attachment_id", "i", p->id);
	size_t cap = 0;
	int rc;

	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		if (p->nfiles == cap) {
			cap = cap ? 2 * cap : 8;
			p->files = xrealloc(p->files, cap * sizeof(*p->files));
		}
		p->files[p->nfiles].id = db_int(rows, 0);
		p->files[p->nfiles].dropped = db_int(rows, 1) != 0;
		p->files[p->nfiles++].withheld = db_int(rows, 2) != 0;
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

int pub_get(struct db *db, int64_t id, bool any, struct pub_item *out)
{
	struct db_rows *rows;
	int rc;

	memset(out, 0, sizeof(*out));
	rows = any ? db_query(db, ITEM_SELECT, "i", id) :
	       db_query(db, ITEM_SELECT " AND p.published_at > 0", "i", id);
	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1)
		item_from_row(rows, out);
	db_rows_free(rows);
	if (rc != 1)
		return rc < 0 ? rc : 1;
	rc = load_channels(db, out);
	if (rc == 0)
		rc = load_files(db, out);
	if (rc)
		pub_item_release(out);
	return rc;
}

void pub_item_release(struct pub_item *p)
{
	free(p->index_no);
	free(p->title);
	free(p->body);
	free(p->doc_no);
	free(p->publisher);
	free(p->source);
	free(p->formed_on);
	free(p->catalogue_code);
	free(p->catalogue_name);
	free(p->channels);
	free(p->withdraw_reason);
	free(p->files);
	memset(p, 0, sizeof(*p));
}

int pub_of_case(struct db *db, int64_t case_id, int64_t *id)
{
	return db_scalar_int(db, id, "SELECT id FROM publications WHERE "
			     "case_id = ?", "i", case_id);
}

int pub_file_public(struct db *db, int64_t id, int64_t file)
{
	int64_t n = 0;
	int rc = db_scalar_int(db, &n, "SELECT COUNT(*) FROM "
			       "publication_files f JOIN publications p ON "
			       "p.id = f.publication_id WHERE "
			       "f.publication_id = ? AND f.attachment_id = ? "
			       "AND f.dropped = 0 AND f.withheld = 0 AND "
			       "p.published_at > 0 AND p.withdrawn_at = 0",
			       "ii", id, file);

	return rc < 0 ? rc : n > 0;
}

int pub_count_published(struct db *db, const char *channel, int year,
			int64_t *n)
{
	int64_t from = year ? clock_year_start(year) : 1;
	int64_t to = year ? clock_year_start(year + 1) : INT64_MAX;

	*n = 0;
	if (channel)
		return db_scalar_int(db, n, "SELECT COUNT(*) FROM publications "
				     "p WHERE p.published_at >= ? AND "
				     "p.published_at < ? AND p.withdrawn_at = "
				     "0 AND EXISTS (SELECT 1 FROM "
				     "publication_channels c WHERE "
				     "c.publication_id = p.id AND c.channel = "
				     "?)", "iis", from, to, channel);
	return db_scalar_int(db, n, "SELECT COUNT(*) FROM publications WHERE "
			     "published_at >= ? AND published_at < ? AND "
			     "withdrawn_at = 0", "ii", from, to);
}

/* ---- index numbers ---- */

void pub_index_format(const char *org, int year, int64_t seq,
		      struct buf *out)
{
	buf_printf(out, "%s/%04d-%0*" PRId64, org, year, PUB_INDEX_SEQ_DIGITS,
		   seq);
}

int pub_index_next(struct db *db, const char *org, int year,
		   struct buf *out)
{
	int64_t seq = 0;
	int rc = db_scalar_int(db, &seq, "SELECT next_seq FROM index_counters "
			       "WHERE org_code = ? AND year = ?", "si", org,
			       (int64_t)year);

	if (rc == 1) {
		seq = 1;
		rc = db_exec(db, "INSERT INTO index_counters (org_code, year, "
			     "next_seq) VALUES (?, ?, 2)", "si", org,
			     (int64_t)year);
	} else if (rc == 0) {
		rc = db_exec(db, "UPDATE index_counters SET next_seq = "
			     "next_seq + 1 WHERE org_code = ? AND year = ?",
			     "si", org, (int64_t)year);
	}
	if (rc < 0)
		return rc;
	pub_index_format(org, year, seq, out);
	return 0;
}

/* ---- findings ---- */

static const struct {
	enum scan_kind kind;
	const char *id;
} kinds[] = {
	{ SCAN_ID18, "id18" }, { SCAN_ID15, "id15" },
	{ SCAN_MOBILE, "mobile" }, { SCAN_LANDLINE, "landline" },
	{ SCAN_BANKCARD, "bankcard" }, { SCAN_EMAIL, "email" },
	{ SCAN_TERM, "term" },
};

#define KIND_MANUAL "manual"        /* an attachment without readable text */

static const char *kind_id(enum scan_kind k)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].kind == k)
			return kinds[i].id;
	return "unknown";
}

const char *pub_kind_label(const char *kind)
{
	size_t i;

	if (kind && strcmp(kind, KIND_MANUAL) == 0)
		return "附件须人工核查";
	for (i = 0; kind && i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].id, kind) == 0)
			return scan_kind_label(kinds[i].kind);
	return "未知";
}

void pub_source_label(const char *source, struct buf *out)
{
	static const char *const names[][2] = {
		{ "title", "标题" }, { "body", "正文" }, { "doc_no", "文号" },
		{ "source", "信息来源" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(source, names[i][0]) == 0) {
			buf_puts(out, names[i][1]);
			return;
		}
	if (str_starts(source, "file:"))
		buf_printf(out, "附件 %s", source + 5);
	else
		buf_puts(out, source);
}

void pub_findings_free(struct pub_finding *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].source);
		free(v[i].kind);
		free(v[i].masked);
		free(v[i].resolution);
		free(v[i].reason);
	}
	free(v);
}

int pub_findings(struct db *db, int64_t id, int round,
		 struct pub_finding **out, size_t *n)
{
	struct db_rows *rows;
	size_t cap = 0;
	int64_t cur = round;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!round)
		rc = db_scalar_int(db, &cur, "SELECT review_round FROM "
				   "publications WHERE id = ?", "i", id);
	if (rc)
		return rc < 0 ? rc : 0;
	rows = db_query(db, "SELECT id, round, source, kind, start_at, length, "
			"masked, resolution, reason, COALESCE(resolved_by, "
			"0), resolved_at FROM scan_findings WHERE "
			"publication_id = ? AND round = ? ORDER BY CASE "
			"source WHEN 'title' THEN 0 WHEN 'doc_no' THEN 1 WHEN "
			"'source' THEN 2 WHEN 'body' THEN 3 ELSE 4 END, "
			"source, start_at, id", "ii", id, cur);
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		struct pub_finding *f;

		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		f = &(*out)[(*n)++];
		f->id = db_int(rows, 0);
		f->round = (int)db_int(rows, 1);
		f->source = db_strdup(rows, 2);
		f->kind = db_strdup(rows, 3);
		f->start = db_int(rows, 4);
		f->length = db_int(rows, 5);
		f->masked = db_strdup(rows, 6);
		f->resolution = db_strdup(rows, 7);
		f->reason = db_strdup(rows, 8);
		f->resolved_by = db_int(rows, 9);
		f->resolved_at = db_int(rows, 10);
	}
	db_rows_free(rows);
	if (rc < 0) {
		pub_findings_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc < 0 ? rc : 0;
}

/* ---- transactions ---- */

/* Open a transaction unless the caller has one; *own says which. */
static int tx_open(struct db *db, bool *own, struct fz_err *err)
{
	int rc;

	*own = !db_in_tx(db);
	rc = *own ? db_begin(db) : 0;
	return rc < 0 ? db_failed(err, rc) : 0;
}

/* Commit what we opened when `rc` is 0, else roll it back. */
static int tx_close(struct db *db, bool own, int rc, struct fz_err *err)
{
	int c;

	if (!own)
		return rc;
	if (rc == 0 && (c = db_commit(db)) < 0)
		rc = db_failed(err, c);
	if (rc && db_in_tx(db))
		db_rollback(db);
	return rc;
}

/* ---- checks of the fields the desk understands ---- */

static const char *fstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The enabled section `code`: 0 with *id, or FZ_ERR. */
static int catalogue_id(struct db *db, const char *code, int64_t *id,
			struct fz_err *err)
{
	int rc;

	*id = 0;
	while (*code == ' ')
		code++;
	rc = db_scalar_int(db, id, "SELECT id FROM catalogue WHERE code = ? "
			   "AND disabled = 0", "s", code);
	if (rc < 0)
		return db_failed(err, rc);
	if (rc == 1)
		return fz_fail(err, 400, "field_invalid", "“主题分类”须为目录"
			       "中在用的分类");
	return 0;
}

/* Check the catalogue and channels a create or revise carries, before
 * the engine writes anything. */
static int check_fields(struct db *db, json_t *f, struct fz_err *err)
{
	struct buf ch = BUF_INIT;
	int64_t id;
	int rc = 0;

	if (json_object_get(f, "catalogue") && *fstr(f, "catalogue"))
		rc = catalogue_id(db, fstr(f, "catalogue"), &id, err);
	if (!rc && json_object_get(f, "channels"))
		rc = pub_channels_parse(fstr(f, "channels"), &ch, err);
	buf_release(&ch);
	return rc;
}

/* ---- the row follows the case ---- */

static int put_channels(struct db *db, int64_t id, const char *list,
			struct fz_err *err)
{
	struct buf norm = BUF_INIT;
	const char *p;
	int rc = pub_channels_parse(list, &norm, err);

	if (rc == 0)
		rc = db_exec(db, "DELETE FROM publication_channels WHERE "
			     "publication_id = ?", "i", id);
	for (p = buf_cstr(&norm); rc >= 0 && *p; ) {
		size_t n = strcspn(p, ",");
		char *one = xstrndup(p, n);

		rc = db_exec(db, "INSERT INTO publication_channels "
			     "(publication_id, channel) VALUES (?, ?)", "is",
			     id, one);
		free(one);
		p += n + (p[n] == ',');
	}
	buf_release(&norm);
	if (rc < 0 && !err->status)
		return db_failed(err, rc);
	return rc < 0 ? FZ_ERR : 0;
}

/* Attachments newly bound to the case become the item's. */
static int add_files(struct db *db, int64_t id, int64_t case_id)
{
	int rc = db_exec(db, "INSERT INTO publication_files (publication_id, "
			 "attachment_id) SELECT ?, a.id FROM attachments a "
			 "WHERE a.case_id = ? AND a.field = 'attachments' AND "
			 "NOT EXISTS (SELECT 1 FROM publication_files f WHERE "
			 "f.publication_id = ? AND f.attachment_id = a.id)",
			 "iii", id, case_id, id);

	return rc < 0 ? rc : 0;
}

/* The case's fields, as the engine normalised them. */
static int case_fields(struct db *db, int64_t case_id, json_t **out,
		       struct fz_err *err)
{
	struct case_info c;
	int rc = case_get(db, case_id, &c, err);

	*out = NULL;
	if (rc == 0)
		*out = json_incref(c.fields);
	case_info_release(&c);
	return rc ? FZ_ERR : 0;
}

/* The case's fields and the settings a row is written from; release
 * both after a success. */
static int row_inputs(struct db *db, int64_t case_id, json_t **f,
		      struct pub_settings *s, struct fz_err *err)
{
	int rc = case_fields(db, case_id, f, err);

	if (rc)
		return rc;
	rc = pub_settings_load(db, s);
	if (rc < 0) {
		json_decref(*f);
		*f = NULL;
		return db_failed(err, rc);
	}
	return 0;
}

/* Title, body and metadata of the draft from fields `f`. */
static int write_row(const struct pub_env *env, int64_t id, int64_t case_id,
		     json_t *f, const struct pub_settings *s,
		     struct fz_err *err)
{
	struct db *db = env->e->db;
	int64_t cat = 0;
	int rc = catalogue_id(db, fstr(f, "catalogue"), &cat, err);

	if (rc == 0) {
		const char *pubr = *fstr(f, "publisher") ?
				   fstr(f, "publisher") : s->publisher;

		rc = db_exec(db, "UPDATE publications SET title = ?, body = ?, "
			     "doc_no = ?, publisher = ?, source = ?, "
			     "catalogue_id = ?, updated_at = ? WHERE id = ?",
			     "ssssszii", fstr(f, "title"), fstr(f, "body"),
			     fstr(f, "doc_no"), pubr, fstr(f, "source"), cat,
			     env->e->now, id);
		rc = rc < 0 ? db_failed(err, rc) : 0;
	}
	if (rc == 0)
		rc = put_channels(db, id, fstr(f, "channels"), err);
	if (rc == 0 && (rc = add_files(db, id, case_id)) < 0)
		rc = db_failed(err, rc);
	return rc ? FZ_ERR : 0;
}

/* Title, body and metadata of the draft from the case's fields. */
static int sync_row(const struct pub_env *env, int64_t id, int64_t case_id,
		    struct fz_err *err)
{
	struct pub_settings s;
	json_t *f = NULL;
	int rc = row_inputs(env->e->db, case_id, &f, &s, err);

	if (rc)
		return rc;
	rc = write_row(env, id, case_id, f, &s, err);
	pub_settings_release(&s);
	json_decref(f);
	return rc;
}

/* drop_files: "12, 15" — each must be a file of the item. */
static int drop_files(struct db *db, int64_t id, const char *list,
		      struct fz_err *err)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",， ");
		char *one = xstrndup(p, n);
		int64_t file = 0;
		int rc = 0;

		if (n && parse_int64(one, 1, INT64_MAX, &file) == 0)
			rc = db_exec(db, "UPDATE publication_files SET "
				     "dropped = 1 WHERE publication_id = ? AND "
				     "attachment_id = ?", "ii", id, file);
		free(one);
		if (rc < 0)
			return db_failed(err, rc);
		if (n && (!file || rc == 0))
			return fz_fail(err, 400, "field_invalid", "“移除的附件”"
				       "须为本条信息附件的编号");
		p += n;
		if (str_starts(p, "，"))
			p += strlen("，");
		else if (*p)
			p++;
	}
	return 0;
}

/* ---- creating ---- */

/* The year of a day number. */
static int year_of(cal_day d)
{
	char s[11];
	int64_t y = 0;

	cal_format(d, s);
	s[4] = '\0';
	return parse_int64(s, 1970, 9999, &y) ? 1970 : (int)y;
}

static int insert_row(const struct pub_env *env, int64_t case_id,
		      int64_t *id, struct fz_err *err)
{
	struct db *db = env->e->db;
	struct pub_settings s;
	struct buf index = BUF_INIT;
	json_t *f = NULL;
	cal_day formed = 0;
	int rc = row_inputs(db, case_id, &f, &s, err);

	if (rc)
		return rc;
	if (cal_parse(fstr(f, "formed_on"), &formed))
		formed = cal_day_of(env->e->now);
	rc = pub_index_next(db, s.org_code, year_of(formed), &index);
	if (rc == 0)
		rc = db_scalar_int(db, id, "INSERT INTO publications (case_id, "
				   "index_no, title, publisher, formed_on, "
				   "created_by, created_at, updated_at) VALUES "
				   "(?, ?, '', ?, ?, ?, ?, ?) RETURNING id",
				   "isssiii", case_id, buf_cstr(&index),
				   s.publisher, fstr(f, "formed_on"),
				   env->e->actor.id, env->e->now,
				   env->e->now);
	buf_release(&index);
	if (rc)
		rc = db_failed(err, rc < 0 ? rc : DB_ERR);
	else    /* the fields and settings just read, not read again */
		rc = write_row(env, *id, case_id, f, &s, err);
	pub_settings_release(&s);
	json_decref(f);
	return rc;
}

int pub_create(const struct pub_env *env, json_t *fields,
	       struct desk_files *df, int64_t *id, struct fz_err *err)
{
	struct db *db = env->e->db;
	json_t *f = fields ? json_deep_copy(fields) : json_object();
	int64_t case_id = 0;
	bool own;
	int rc = check_fields(db, f, err);

	*id = 0;
	if (rc == 0)
		rc = tx_open(db, &own, err);
	if (rc) {
		json_decref(f);
		return FZ_ERR;
	}
	if (df && df->n)
		rc = desk_files_insert(db, df, env->e->actor.id, f, err);
	if (rc == 0)
		rc = case_create(env->e, PUB_PROCEDURE, f, &case_id, err);
	if (rc == 0)
		rc = insert_row(env, case_id, id, err);
	json_decref(f);
	rc = tx_close(db, own, rc, err);
	if (rc)
		*id = 0;
	return rc ? FZ_ERR : 0;
}

/* ---- the review: scanning ---- */

struct scan_row {
	char source[32];
	const char *kind;           /* static */
	int64_t start, length;
	char *masked;
};

struct scan_set {
	struct scan_row *v;
	size_t n, cap;
	bool ready;                 /* the scan ran */
};

static void set_add(struct scan_set *s, const char *source, const char *kind,
		    int64_t start, int64_t length, const char *masked)
{
	struct scan_row *r;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	r = &s->v[s->n++];
	snprintf(r->source, sizeof(r->source), "%s", source);
	r->kind = kind;
	r->start = start;
	r->length = length;
	r->masked = xstrdup(masked ? masked : "");
}

static void set_release(struct scan_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].masked);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int scan_text(const char *source, const char *text, size_t n,
		     const struct scan_terms *t, struct scan_set *out,
		     struct fz_err *err)
{
	struct scan_findings f = SCAN_FINDINGS_INIT;
	size_t i;

	if (pii_scan(text, n, t, &f))
		return fz_fail(err, 503, "scan_unavailable", "个人信息扫描暂时"
			       "无法进行，请稍后再试");
	for (i = 0; i < f.n; i++)
		set_add(out, source, kind_id(f.v[i].kind),
			(int64_t)f.v[i].off, (int64_t)f.v[i].len,
			f.v[i].mask);
	scan_findings_release(&f);
	return 0;
}

/* An attachment: its text scanned; one "manual" finding when none or
 * only part of it could be read, which the reviewer must settle by
 * looking at the file. */
static int scan_file(const struct pub_env *env, int64_t file,
		     const struct scan_terms *t, struct scan_set *out,
		     struct fz_err *err)
{
	struct attach_blob blob = { 0 };
	struct buf text = BUF_INIT;
	char source[32];
	int rc;

	snprintf(source, sizeof(source), "file:%" PRId64, file);
	if (attach_open(env->e->db, &env->store, file, &blob, err))
		return FZ_ERR;
	rc = pub_extract_text(blob.info.mime, (const uint8_t *)blob.data.data,
			      blob.data.len, &text);
	if (rc == PUB_TEXT_FULL || rc == PUB_TEXT_PARTIAL) {
		if (scan_text(source, buf_cstr(&text), text.len, t, out,
			      err)) {
			rc = FZ_ERR;
			goto out;
		}
	}
	if (rc == PUB_TEXT_PARTIAL)
		set_add(out, source, KIND_MANUAL, 0, 0, "（部分文字未能自动"
			"识别）");
	else if (rc != PUB_TEXT_FULL)
		set_add(out, source, KIND_MANUAL, 0, 0, "（未能自动识别文字）");
	rc = 0;
out:
	buf_release(&text);
	attach_blob_release(&blob);
	return rc;
}

/* Every text of the item and every attachment still on it. */
static int review_scan(const struct pub_env *env, const struct pub_item *p,
		       struct scan_set *out, struct fz_err *err)
{
	const char *texts[][2] = {
		{ "title", p->title }, { "doc_no", p->doc_no },
		{ "source", p->source }, { "body", p->body },
	};
	struct scan_terms t = SCAN_TERMS_INIT;
	struct pub_settings s;
	size_t i;
	int rc = pub_settings_load(env->e->db, &s);

	if (rc < 0)
		return db_failed(err, rc);
	rc = scan_terms_load(&t, s.terms, strlen(s.terms), err);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(texts); i++)
		rc = scan_text(texts[i][0], texts[i][1], strlen(texts[i][1]),
			       &t, out, err);
	for (i = 0; rc == 0 && i < p->nfiles; i++)
		if (!p->files[i].dropped)
			rc = scan_file(env, p->files[i].id, &t, out, err);
	scan_terms_release(&t);
	pub_settings_release(&s);
	out->ready = rc == 0;
	return rc ? FZ_ERR : 0;
}

/* A new review round with the findings of `s`. */
static int store_round(struct db *db, int64_t id, int64_t updated_at,
		       const struct scan_set *s, int64_t now,
		       struct fz_err *err)
{
	int64_t at = 0, round = 0;
	size_t i;
	int rc = db_scalar_int(db, &at, "SELECT updated_at FROM publications "
			       "WHERE id = ?", "i", id);

	if (rc == 0 && at != updated_at)
		return fz_fail(err, 409, "changed", "本条信息刚被修改，请重新"
			       "提交保密审查");
	if (rc == 0)
		rc = db_exec(db, "UPDATE publications SET review_round = "
			     "review_round + 1 WHERE id = ?", "i", id);
	if (rc >= 0)
		rc = db_scalar_int(db, &round, "SELECT review_round FROM "
				   "publications WHERE id = ?", "i", id);
	for (i = 0; rc >= 0 && i < s->n; i++)
		rc = db_exec(db, "INSERT INTO scan_findings (publication_id, "
			     "round, source, kind, start_at, length, masked, "
			     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			     "iissiisi", id, round, s->v[i].source,
			     s->v[i].kind, s->v[i].start, s->v[i].length,
			     s->v[i].masked, now);
	return rc < 0 ? db_failed(err, rc) : 0;
}

/* ---- the gate ---- */

#define UNRESOLVED_LIST_MAX 150     /* bytes of the kinds in a refusal */

/* 0 when every finding of the current round is resolved; else FZ_ERR
 * with err naming how many of which kinds are left, for doing `what`. */
static int check_resolved(struct db *db, int64_t id, const char *what,
			  struct fz_err *err)
{
	struct db_rows *rows = db_query(db, "SELECT f.kind, COUNT(*) FROM "
					"scan_findings f JOIN publications p "
					"ON p.id = f.publication_id AND "
					"f.round = p.review_round WHERE p.id = "
					"? AND f.resolution = '' GROUP BY "
					"f.kind ORDER BY f.kind", "i", id);
	struct buf list = BUF_INIT;
	int64_t total = 0;
	int rc;

	if (!rows)
		return db_failed(err, db_errcode(db));
	while ((rc = db_next(rows)) == 1) {
		size_t mark = list.len;

		total += db_int(rows, 1);
		buf_printf(&list, "%s%s %" PRId64 " 处", list.len ? "、" : "",
			   pub_kind_label(db_text(rows, 0)), db_int(rows, 1));
		if (list.len > UNRESOLVED_LIST_MAX) {
			list.len = mark;
			buf_puts(&list, "等");
			while (db_next(rows) == 1)
				total += db_int(rows, 1);
			break;
		}
	}
	db_rows_free(rows);
	if (rc < 0)
		rc = db_failed(err, rc);
	else if (total)
		rc = fz_fail(err, 409, "findings_unresolved", "保密审查扫描"
			     "发现的 %" PRId64 " 处尚未处理（%s），须逐项遮盖"
			     "或说明理由后才能%s", total, buf_cstr(&list),
			     what);
	else
		rc = 0;
	buf_release(&list);
	return rc;
}

/* The actions the gate holds, and what they do, for the refusal. */
static const char *gated(const char *action)
{
	if (strcmp(action, "pass_review") == 0)
		return "通过审查";
	if (strcmp(action, "approve") == 0)
		return "批准公开";
	if (strcmp(action, "publish") == 0)
		return "发布";
	return NULL;
}

/* States in which the current round's findings bind. */
static bool reviewing(const char *state)
{
	return strcmp(state, "in_review") == 0 ||
	       strcmp(state, "reviewed") == 0 ||
	       strcmp(state, "approved") == 0;
}

/* The scanner's result, for the record of a passed review. */
static int scan_summary(struct db *db, int64_t id, json_t *f,
			struct fz_err *err)
{
	struct pub_finding *v = NULL;
	size_t n = 0, i, red = 0;
	char text[256];
	int rc = pub_findings(db, id, 0, &v, &n);

	if (rc < 0)
		return db_failed(err, rc);
	for (i = 0; i < n; i++)
		red += strcmp(v[i].resolution, "redacted") == 0;
	if (!n)
		snprintf(text, sizeof(text), "扫描未发现个人信息或敏感词");
	else
		snprintf(text, sizeof(text), "扫描发现 %zu 处：遮盖 %zu 处，"
			 "说明理由后公开 %zu 处", n, red, n - red);
	json_object_set_new(f, "scan_summary", json_string(text));
	pub_findings_free(v, n);
	return 0;
}

/* Say why approval or publication is not open yet: the item lacks its
 * own review or approval (一事一审). */
static void explain_state(const char *action, const char *state,
			  struct fz_err *err)
{
	bool unreviewed = strcmp(state, "draft") == 0 ||
			  strcmp(state, "in_review") == 0;

	if (strcmp(action, "approve") == 0 && unreviewed)
		snprintf(err->msg, sizeof(err->msg), "本条信息尚未通过保密审查"
			 "，不能批准公开（先审查、后公开）");
	else if (strcmp(action, "publish") == 0 && unreviewed)
		snprintf(err->msg, sizeof(err->msg), "本条信息尚未通过保密审查"
			 "和审批，不能发布（先审查、后公开，一事一审）");
	else if (strcmp(action, "publish") == 0 &&
		 strcmp(state, "reviewed") == 0)
		snprintf(err->msg, sizeof(err->msg), "本条信息尚未经部门负责人"
			 "或分管领导批准，不能发布（一事一审）");
}

/* ---- publishing and withdrawing ---- */

static enum scan_kind kind_enum(const char *id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].id, id) == 0)
			return kinds[i].kind;
	return SCAN_TERM;
}

/* `text` of `source` with the spans of its redacted findings masked. */
static int redact_one(const struct pub_finding *v, size_t n,
		      const char *source, const char *text, char **out,
		      struct fz_err *err)
{
	struct scan_findings f = SCAN_FINDINGS_INIT;
	struct buf b = BUF_INIT;
	bool *red = xcalloc(n ? n : 1, sizeof(*red));
	size_t i;
	int rc;

	f.v = xcalloc(n ? n : 1, sizeof(*f.v));
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].source, source))
			continue;
		f.v[f.n].kind = kind_enum(v[i].kind);
		f.v[f.n].off = (size_t)v[i].start;
		f.v[f.n].len = (size_t)v[i].length;
		f.v[f.n].mask = v[i].masked;
		red[f.n++] = strcmp(v[i].resolution, "redacted") == 0;
	}
	rc = pii_redact(text, strlen(text), &f, red, &b);
	free(f.v);        /* the masks are borrowed from `v` */
	free(red);
	if (rc) {
		buf_release(&b);
		return fz_fail(err, 500, "redact_failed", "遮盖处理失败，请退回"
			       "重新审查");
	}
	buf_cstr(&b);
	*out = buf_detach(&b, NULL);
	return 0;
}

static int withhold_files(struct db *db, int64_t id,
			  const struct pub_finding *v, size_t n)
{
	size_t i;
	int rc = db_exec(db, "UPDATE publication_files SET withheld = 0 WHERE "
			 "publication_id = ?", "i", id);

	for (i = 0; rc >= 0 && i < n; i++) {
		int64_t file = 0;

		if (!str_starts(v[i].source, "file:") ||
		    strcmp(v[i].resolution, "redacted") ||
		    parse_int64(v[i].source + 5, 1, INT64_MAX, &file))
			continue;
		rc = db_exec(db, "UPDATE publication_files SET withheld = 1 "
			     "WHERE publication_id = ? AND attachment_id = ?",
			     "ii", id, file);
	}
	return rc < 0 ? rc : 0;
}

/* The row as the portal shows it: redacted texts, withheld files, the
 * time of publication. */
static int publish_row(const struct pub_env *env, int64_t id,
		       struct fz_err *err)
{
	struct db *db = env->e->db;
	struct pub_finding *v = NULL;
	struct pub_item p;
	char *t = NULL, *d = NULL, *s = NULL, *b = NULL;
	size_t n = 0;
	int rc = pub_get(db, id, true, &p);

	if (rc)
		return db_failed(err, rc < 0 ? rc : DB_ERR);
	rc = pub_findings(db, id, 0, &v, &n);
	if (rc < 0)
		rc = db_failed(err, rc);
	if (rc == 0 && !redact_one(v, n, "title", p.title, &t, err) &&
	    !redact_one(v, n, "doc_no", p.doc_no, &d, err) &&
	    !redact_one(v, n, "source", p.source, &s, err) &&
	    !redact_one(v, n, "body", p.body, &b, err)) {
		rc = db_exec(db, "UPDATE publications SET title = ?, body = ?, "
			     "doc_no = ?, source = ?, published_at = ?, "
			     "updated_at = ? WHERE id = ?", "ssssiii", t, b, d,
			     s, env->e->now, env->e->now, id);
		if (rc >= 0)
			rc = withhold_files(db, id, v, n);
		if (rc >= 0)
			rc = search_index_item(db, id);
		rc = rc < 0 ? db_failed(err, rc) : 0;
	} else if (rc == 0) {
		rc = FZ_ERR;
	}
	free(t);
	free(d);
	free(s);
	free(b);
	pub_findings_free(v, n);
	pub_item_release(&p);
	return rc;
}

static int withdraw_row(const struct pub_env *env, const struct pub_item *p,
			struct fz_err *err)
{
	json_t *f = NULL;
	int rc = case_fields(env->e->db, p->case_id, &f, err);

	if (rc)
		return rc;
	rc = db_exec(env->e->db, "UPDATE publications SET withdrawn_at = ?, "
		     "withdraw_reason = ?, updated_at = ? WHERE id = ?", "isii",
		     env->e->now, fstr(f, "withdraw_reason"), env->e->now,
		     p->id);
	if (rc >= 0)
		rc = search_index_item(env->e->db, p->id);
	json_decref(f);
	return rc < 0 ? db_failed(err, rc) : 0;
}

/* ---- acting ---- */

/* Whether the actor could take `action` now (state and role), so that
 * the scan runs only for a submission the engine will accept. */
static bool could_take(const struct pub_env *env, int64_t case_id,
		       const char *action)
{
	struct case_info c;
	struct fz_err err;
	const struct wf_action *a;
	bool ok = false;

	if (case_get(env->e->db, case_id, &c, &err) == 0) {
		a = c.wf ? wf_action(c.wf, action) : NULL;
		ok = a && wf_action_from(a, c.state) &&
		     (a->roles & env->e->roles);
	}
	case_info_release(&c);
	return ok;
}

/* What the desk checks before the engine acts. */
static int before(const struct pub_env *env, const struct pub_item *p,
		  const struct case_info *c, const struct wf_action *a,
		  json_t *f, struct fz_err *err)
{
	struct db *db = env->e->db;
	const char *what = gated(a->id);

	if (what && (a->roles & env->e->roles) && reviewing(c->state) &&
	    check_resolved(db, p->id, what, err))
		return FZ_ERR;
	if (strcmp(a->id, "revise") == 0 && check_fields(db, f, err))
		return FZ_ERR;
	if (strcmp(a->id, "pass_review") == 0)
		return scan_summary(db, p->id, f, err);
	return 0;
}

/* What follows an accepted action. */
static int after(const struct pub_env *env, const struct pub_item *p,
		 const char *action, json_t *f, const struct scan_set *scan,
		 struct fz_err *err)
{
	struct db *db = env->e->db;

	if (strcmp(action, "revise") == 0) {
		if (sync_row(env, p->id, p->case_id, err))
			return FZ_ERR;
		return drop_files(db, p->id, fstr(f, "drop_files"), err);
	}
	if (strcmp(action, "submit") == 0) {
		if (!scan->ready)   /* the state changed under us */
			return fz_fail(err, 409, "changed", "本条信息的状态刚"
				       "有变化，请刷新后重试");
		return store_round(db, p->id, p->updated_at, scan,
				   env->e->now, err);
	}
	if (strcmp(action, "publish") == 0)
		return publish_row(env, p->id, err);
	if (strcmp(action, "withdraw") == 0)
		return withdraw_row(env, p, err);
	return 0;
}

static int act_in_tx(const struct pub_env *env, const struct pub_item *p,
		     const char *action, json_t *f, struct desk_files *df,
		     const struct scan_set *scan, struct fz_err *err)
{
	struct case_info c;
	const struct wf_action *a;
	int rc = case_get(env->e->db, p->case_id, &c, err);

	if (rc) {
		case_info_release(&c);
		return FZ_ERR;
	}
	a = c.wf ? wf_action(c.wf, action) : NULL;
	if (!a || a->create)
		rc = fz_fail(err, 400, "unknown_action", "没有这一操作");
	if (rc == 0)
		rc = before(env, p, &c, a, f, err);
	if (rc == 0 && df && df->n)
		rc = desk_files_insert(env->e->db, df, env->e->actor.id, f,
				       err);
	if (rc == 0) {
		rc = case_act(env->e, p->case_id, action, f, err);
		if (rc && strcmp(err->code, "wrong_state") == 0)
			explain_state(action, c.state, err);
	}
	if (rc == 0)
		rc = after(env, p, action, f, scan, err);
	case_info_release(&c);
	return rc ? FZ_ERR : 0;
}

int pub_act(const struct pub_env *env, int64_t id, const char *action,
	    json_t *fields, struct desk_files *df, struct fz_err *err)
{
	struct db *db = env->e->db;
	struct scan_set scan = { 0 };
	struct pub_item p;
	json_t *f;
	bool own = false;
	int rc = pub_get(db, id, true, &p);

	if (rc < 0)
		return db_failed(err, rc);
	if (rc == 1)
		return fz_fail(err, 404, "not_found", "该信息不存在");
	if (strcmp(action, "submit") == 0 &&
	    could_take(env, p.case_id, action) &&
	    review_scan(env, &p, &scan, err)) {
		set_release(&scan);
		pub_item_release(&p);
		return FZ_ERR;
	}
	f = fields && json_is_object(fields) ? json_deep_copy(fields) :
	    json_object();
	if (fields && !json_is_object(fields))
		rc = fz_fail(err, 400, "field_invalid", "表单数据无效");
	if (rc == 0)
		rc = tx_open(db, &own, err);
	if (rc == 0) {
		rc = act_in_tx(env, &p, action, f, df, &scan, err);
		rc = tx_close(db, own, rc, err);
	}
	/* The portal's kept pages (portal_item.c) go stale, after the
	 * commit when it was ours; a caller's own transaction commits
	 * later, and until it does a page may be kept from the old row
	 * (for at most the cache's TTL). */
	if (rc == 0 && (strcmp(action, "publish") == 0 ||
			strcmp(action, "revise") == 0 ||
			strcmp(action, "withdraw") == 0))
		page_cache_bump();
	json_decref(f);
	set_release(&scan);
	pub_item_release(&p);
	return rc ? FZ_ERR : 0;
}

/* ---- resolving findings ---- */

/* `s` without white space around it, into a new string. */
static char *trim_dup(const char *s)
{
	size_t n;

	s = s ? s : "";
	while (*s && strchr(" \t\r\n", *s))
		s++;
	n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static int check_resolution(const char *resolution, const char *reason,
			    struct fz_err *err)
{
	size_t n = utf8_chars(reason, strlen(reason));

	if (!resolution || (strcmp(resolution, "redacted") &&
			    strcmp(resolution, "justified")))
		return fz_fail(err, 400, "field_invalid", "处理方式须为“遮盖”或"
			       "“说明理由后公开”");
	if (strcmp(resolution, "justified") == 0 && !n)
		return fz_fail(err, 400, "reason_required", "说明理由后公开的，"
			       "须填写理由");
	if (n > PUB_REASON_MAX)
		return fz_fail(err, 400, "field_invalid", "理由不能超过 %d "
			       "个字", PUB_REASON_MAX);
	return 0;
}

static int resolve_in_tx(const struct pub_env *env, int64_t id,
			 int64_t finding, const char *resolution,
			 const char *reason, struct fz_err *err)
{
	struct db *db = env->e->db;
	struct db_rows *rows;
	json_t *details = NULL;
	char obj[48];
	int64_t seq;
	int rc = db_scalar_int(db, &seq, "SELECT COUNT(*) FROM cases c JOIN "
			       "publications p ON p.case_id = c.id WHERE p.id "
			       "= ? AND c.state = 'in_review'", "i", id);

	if (rc < 0)
		return db_failed(err, rc);
	if (!seq)
		return fz_fail(err, 409, "wrong_state", "只有在保密审查中才能"
			       "处理扫描发现");
	rows = db_query(db, "SELECT f.round, f.source, f.kind, f.masked FROM "
			"scan_findings f JOIN publications p ON p.id = "
			"f.publication_id AND f.round = p.review_round WHERE "
			"f.id = ? AND p.id = ?", "ii", finding, id);
	if (!rows)
		return db_failed(err, db_errcode(db));
	rc = db_next(rows);
	if (rc == 1)
		details = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "finding",
				    (json_int_t)finding, "round",
				    (json_int_t)db_int(rows, 0), "source",
				    db_text(rows, 1), "kind", db_text(rows, 2),
				    "masked", db_text(rows, 3), "resolution",
				    resolution, "reason", reason);
	db_rows_free(rows);
	if (rc < 0)
		return db_failed(err, rc);
	if (rc == 0)
		return fz_fail(err, 404, "not_found", "本轮审查没有这一扫描"
			       "发现");
	rc = db_exec(db, "UPDATE scan_findings SET resolution = ?, reason = ?, "
		     "resolved_by = ?, resolved_at = ? WHERE id = ?", "sszii",
		     resolution, reason, env->e->actor.id, env->e->now,
		     finding);
	snprintf(obj, sizeof(obj), "publication:%" PRId64, id);
	if (rc >= 0) {
		seq = audit_as(db, &env->e->actor, "publication.finding", obj,
			       "success", details);
		details = NULL;
		rc = seq < 0 ? (int)seq : 0;
	}
	json_decref(details);
	return rc < 0 ? db_failed(err, rc) : 0;
}

int pub_resolve(const struct pub_env *env, int64_t id, int64_t finding,
		const char *resolution, const char *reason,
		struct fz_err *err)
{
	char *why = trim_dup(reason);
	bool own = false;
	int rc = 0;

	if (!(env->e->roles & R(ROLE_CONF_REVIEWER)))
		rc = fz_fail(err, 403, "role_denied", "只有保密审查员可以处理"
			     "扫描发现");
	if (rc == 0)
		rc = check_resolution(resolution, why, err);
	if (rc == 0)
		rc = tx_open(env->e->db, &own, err);
	if (rc == 0) {
		rc = resolve_in_tx(env, id, finding, resolution, why, err);
		rc = tx_close(env->e->db, own, rc, err);
	}
	free(why);
	return rc ? FZ_ERR : 0;
}
