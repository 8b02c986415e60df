/* report_publish.c: the annual report as a publication item, and its
 * frozen copy
 *
 * A report goes to the public like any item: drafted in section "11"
 * (政府信息公开年报), reviewed, approved and published through the
 * pipeline (portal/publication.h).  Its body is the sections' text, what
 * the scanner reads and the reviewer approves; the tables cannot live in
 * a plain-text body, so the report as computed when it was drafted is
 * kept with the item (gi_reports.snapshot, JSON) and the portal draws the
 * tables from that copy, not from the records, which may change later.
 */
#include "ogi/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar.h"
#include "engine/engine.h"
#include "portal/publication.h"
#include "store/store.h"


#define SNAPSHOT_FORMAT 1
#define REPORT_SECTION "11"
#define REPORT_CHANNELS "county_site"

/* ---- to JSON ---- */

static json_t *int_array(const int64_t *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

static json_t *settings_json(const struct gi_settings *s)
{
	json_t *labels = json_array();
	int i;

	for (i = 0; i < 3; i++)
		json_array_append_new(labels, json_string(s->other_label[i]));
	return json_pack("{s:s,s:i,s:o,s:b}", "heading5", s->heading5,
			 "already_public_row", (int)s->already_public_row,
			 "other_label", labels, "fee_sentence",
			 (int)s->fee_sentence);
}

static json_t *inputs_json(const struct gi_inputs *in)
{
	json_t *texts = json_array();
	int i;

	for (i = 0; i < GI_TEXTS; i++)
		json_array_append_new(texts, in->text[i] && *in->text[i] ?
				      json_string(in->text[i]) : json_null());
	return json_pack("{s:i,s:o,s:o,s:I,s:I,s:I,s:o,s:I,s:o}",
			 "year", in->year, "rules", int_array(in->rules, 3),
			 "norms", int_array(in->norms, 3),
			 "penalties", (json_int_t)in->penalties,
			 "coercion", (json_int_t)in->coercion,
			 "fees_cents", (json_int_t)in->fees_cents,
			 "t4", int_array(in->t4, GI_T4_COLS),
			 "info_fee_cents", (json_int_t)in->info_fee_cents,
			 "text", texts);
}

static json_t *overview_json(const struct gi_overview *ov)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "published", (json_int_t)ov->published,
			 "county_site", (json_int_t)ov->county_site,
			 "county_site_prev", (json_int_t)ov->county_site_prev,
			 "wechat", (json_int_t)ov->wechat,
			 "permits", (json_int_t)ov->permits,
			 "permits_full", (json_int_t)ov->permits_full,
			 "reviews", (json_int_t)ov->reviews,
			 "findings", (json_int_t)ov->findings,
			 "redacted", (json_int_t)ov->redacted,
			 "justified", (json_int_t)ov->justified);
}

json_t *gi_report_json(const struct gi_report *r)
{
	json_t *t3 = json_array();
	int row;

	for (row = 0; row < GI_ROWS; row++)
		json_array_append_new(t3, int_array(r->t3[row], GI_COLS));
	return json_pack("{s:i,s:i,s:s,s:I,s:o,s:o,s:I,s:o,s:o}",
			 "format", SNAPSHOT_FORMAT, "year", r->year,
			 "org", r->org ? r->org : "",
			 "generated_at", (json_int_t)r->generated_at,
			 "settings", settings_json(&r->set),
			 "inputs", inputs_json(&r->in),
			 "permits", (json_int_t)r->permits,
			 "t3", t3, "overview", overview_json(&r->ov));
}

/* ---- from JSON ---- */

/* The integer `key` of object `o`, >= 0; false when missing or not. */
static bool get_count(json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (int64_t)json_integer_value(v);
	return true;
}

/* Array `a` of `n` integers >= 0. */
static bool counts_of(json_t *a, int64_t *out, size_t n)
{
	size_t i;

	if (!json_is_array(a) || json_array_size(a) != n)
		return false;
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return false;
		out[i] = (int64_t)json_integer_value(v);
	}
	return true;
}

static bool get_counts(json_t *o, const char *key, int64_t *out, size_t n)
{
	return counts_of(json_object_get(o, key), out, n);
}

/* A string into a fixed array, refused when it does not fit. */
static bool get_fixed(json_t *v, char *out, size_t size)
{
	const char *s = json_string_value(v);

	if (!s || strlen(s) >= size)
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

static bool settings_from(json_t *o, struct gi_settings *s)
{
	json_t *labels = json_object_get(o, "other_label");
	json_t *fee = json_object_get(o, "fee_sentence");
	int64_t row;
	int i;

	if (!json_is_object(o) || !json_is_boolean(fee) ||
	    !get_fixed(json_object_get(o, "heading5"), s->heading5,
		       sizeof(s->heading5)) ||
	    !get_count(o, "already_public_row", &row) || row >= GI_ROWS ||
	    !json_is_array(labels) || json_array_size(labels) != 3)
		return false;
	for (i = 0; i < 3; i++)
		if (!get_fixed(json_array_get(labels, i), s->other_label[i],
			       sizeof(s->other_label[i])))
			return false;
	s->already_public_row = (enum gi_row)row;
	s->fee_sentence = json_is_true(fee);
	return true;
}

static bool inputs_from(json_t *o, struct gi_inputs *in)
{
	json_t *texts = json_object_get(o, "text");
	int64_t year;
	int i;

	if (!json_is_object(o) || !get_count(o, "year", &year) ||
	    year > 9999 || !get_counts(o, "rules", in->rules, 3) ||
	    !get_counts(o, "norms", in->norms, 3) ||
	    !get_count(o, "penalties", &in->penalties) ||
	    !get_count(o, "coercion", &in->coercion) ||
	    !get_count(o, "fees_cents", &in->fees_cents) ||
	    !get_counts(o, "t4", in->t4, GI_T4_COLS) ||
	    !get_count(o, "info_fee_cents", &in->info_fee_cents) ||
	    !json_is_array(texts) || json_array_size(texts) != GI_TEXTS)
		return false;
	in->year = (int)year;
	for (i = 0; i < GI_TEXTS; i++) {
		json_t *t = json_array_get(texts, i);

		if (json_is_string(t))
			in->text[i] = xstrdup(json_string_value(t));
		else if (!json_is_null(t))
			return false;
	}
	return true;
}

static bool overview_from(json_t *o, struct gi_overview *ov)
{
	return json_is_object(o) &&
	       get_count(o, "published", &ov->published) &&
	       get_count(o, "county_site", &ov->county_site) &&
	       get_count(o, "county_site_prev", &ov->county_site_prev) &&
	       get_count(o, "wechat", &ov->wechat) &&
	       get_count(o, "permits", &ov->permits) &&
	       get_count(o, "permits_full", &ov->permits_full) &&
	       get_count(o, "reviews", &ov->reviews) &&
	       get_count(o, "findings", &ov->findings) &&
	       get_count(o, "redacted", &ov->redacted) &&
	       get_count(o, "justified", &ov->justified);
}

static bool t3_from(json_t *a, struct gi_report *r)
{
	size_t row;

	if (!json_is_array(a) || json_array_size(a) != GI_ROWS)
		return false;
	for (row = 0; row < GI_ROWS; row++)
		if (!counts_of(json_array_get(a, row), r->t3[row], GI_COLS))
			return false;
	return true;
}

/* 0 with `out` filled, or FZ_ERR (and `out` empty) for anything that is
 * not a snapshot of this format. */
int gi_report_from_json(json_t *j, struct gi_report *out)
{
	const char *org = json_string_value(json_object_get(j, "org"));
	int64_t format = 0, year = 0;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j) || !get_count(j, "format", &format) ||
	    format != SNAPSHOT_FORMAT || !get_count(j, "year", &year) ||
	    year < 2000 || year > 2100 || !org ||
	    !get_count(j, "generated_at", &out->generated_at) ||
	    !get_count(j, "permits", &out->permits) ||
	    !settings_from(json_object_get(j, "settings"), &out->set) ||
	    !inputs_from(json_object_get(j, "inputs"), &out->in) ||
	    !overview_from(json_object_get(j, "overview"), &out->ov) ||
	    !t3_from(json_object_get(j, "t3"), out)) {
		gi_report_free(out);
		return FZ_ERR;
	}
	out->year = (int)year;
	out->org = xstrdup(org);
	return 0;
}

/* ---- drafting ---- */

static json_t *draft_fields(const struct gi_report *r, const char *day)
{
	struct buf title = BUF_INIT, body = BUF_INIT;
	json_t *f;

	gi_report_title(r, &title);
	gi_report_body(r, &body);
	while (body.len && body.data[body.len - 1] == '\n')
		body.data[--body.len] = '\0';
	f = json_pack("{s:s,s:s,s:s,s:s,s:s}", "title", buf_cstr(&title),
		      "body", buf_cstr(&body), "catalogue", REPORT_SECTION,
		      "formed_on", day, "channels", REPORT_CHANNELS);
	buf_release(&title);
	buf_release(&body);
	return f;
}

/* The frozen copy with the item, in the open transaction. */
static int keep_copy(const struct pub_env *env, const struct gi_report *r,
		     int64_t id, struct fz_err *err)
{
	json_t *j = gi_report_json(r);
	char *snap = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int rc;

	json_decref(j);
	if (!snap)
		return fz_fail(err, 500, "db_error", "年度报告无法保存，请稍后"
			       "再试");
	rc = db_exec(env->e->db, "INSERT INTO gi_reports (year, pub_id, "
		     "snapshot, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
		     "iisiz", (int64_t)r->year, id, snap, env->e->now,
		     env->e->actor.id);
	free(snap);
	return rc < 0 ? db_failed(err, rc) : 0;
}

int gi_report_draft(const struct pub_env *env, int year,
		    const char *formed_on, int64_t *id, struct fz_err *err)
{
	struct db *db = env->e->db;
	struct gi_report r;
	struct buf why = BUF_INIT;
	char today[11];
	json_t *fields;
	bool own;
	int rc;

	*id = 0;
	if (year < 2000 || year > 2100)
		return fz_fail(err, 400, "field_invalid", "年度须为 2000 到 "
			       "2100 之间的四位数字");
	rc = gi_report_compute(db, year, &r);
	if (rc < 0)
		return db_failed(err, rc);
	if (gi_report_check(&r, &why)) {
		fz_fail(err, 409, "check_failed", "表三的数据勾稽关系不成立"
			"（%s），请先核对申请记录", buf_cstr(&why));
		buf_release(&why);
		gi_report_free(&r);
		return FZ_ERR;
	}
	buf_release(&why);
	if (env->e->now > 0)
		r.generated_at = env->e->now;
	cal_format(cal_day_of(r.generated_at), today);
	fields = draft_fields(&r, formed_on ? formed_on : today);
	own = !db_in_tx(db);
	rc = own ? db_begin(db) : 0;
	if (rc < 0)
		rc = db_failed(err, rc);
	if (rc == 0)
		rc = pub_create(env, fields, NULL, id, err);
	if (rc == 0)
		rc = keep_copy(env, &r, *id, err);
	if (rc == 0 && own && (rc = db_commit(db)) < 0)
		rc = db_failed(err, rc);
	if (rc && own && db_in_tx(db))
		db_rollback(db);
	if (rc)
		*id = 0;
	json_decref(fields);
	gi_report_free(&r);
	return rc ? FZ_ERR : 0;
}

/* ---- reading the copy ---- */

int gi_report_of_pub(struct db *db, int64_t pub_id, struct gi_report *out)
{
	struct db_rows *rows = db_query(db, "SELECT snapshot FROM gi_reports "
					"WHERE pub_id = ?", "i", pub_id);
	json_error_t jerr;
	char *snap = NULL;
	json_t *j;
	int step, rc;

	memset(out, 0, sizeof(*out));
	if (!rows)
		return db_errcode(db);
	step = db_next(rows);
	if (step == 1)
		snap = db_strdup(rows, 0);
	db_rows_free(rows);
	if (step < 0)
		return db_errcode(db);
	if (step == 0)
		return 0;
	j = json_loads(snap, 0, &jerr);
	free(snap);
	rc = j ? gi_report_from_json(j, out) : FZ_ERR;
	json_decref(j);
	if (rc) {
		warn("annual report of publication %lld: the stored copy is "
		     "unreadable", (long long)pub_id);
		return DB_ERR;
	}
	return 1;
}
