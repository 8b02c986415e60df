/* cases_api.c: the desk's cases as JSON (/api/v1/cases)
 *
 * The same engine calls, checks and masking as the pages: a case the
 * caller may not read is 404; the petitioner comes masked unless the
 * caller may unmask and asks with ?unmask=1 and a ?reason=, which is
 * audited ("pii.unmask"); an accusation's content and petitioner are
 * withheld from the accused department.  Cases are opened by intake.c
 * with their petitioner; actions are taken through desk_act(), as on
 * the case page, so both refuse alike.  Refusals carry the engine's
 * code, or the desk's ("accused_dept", "bad_filter").
 * Described by GET /api/openapi.json (openapi.c).
 */
#include "http/pages.h"

#include <stdio.h>
#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "engine/clock.h"
#include "http/http.h"
#include "http/server.h"
#include "petition/desk_case.h"
#include "petition/petition.h"
#include "store/store.h"

static json_t *id_or_null(int64_t id)
{
	return id > 0 ? json_integer((json_int_t)id) : json_null();
}

static json_t *due_json(struct db *db, int64_t id, const struct workflow *w,
			bool final)
{
	const char *label = "";
	cal_day due;
	char d[11];

	if (final || desk_due(db, id, &due, &label, w) != 1)
		return json_null();
	cal_format(due, d);
	return json_pack("{s:s,s:s}", "date", d, "clock", label);
}

/* The fields every representation of a case has. */
static json_t *summary_json(struct db *db, const struct desk_row *x)
{
	const struct workflow *w = x->wf;

	return json_pack("{s:I,s:s,s:i,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:o,s:o,"
			 "s:o,s:o,s:o,s:o,s:o,s:o}",
			 "id", (json_int_t)x->id, "procedure", x->procedure,
			 "version", x->version, "number", x->number,
			 "state", x->state, "state_label",
			 w ? wf_state_label(w, x->state) : x->state,
			 "final", x->final, "title", x->title,
			 "channel", x->channel, "category", x->category,
			 "origin_dept_id", id_or_null(x->origin_dept_id),
			 "dept_id", id_or_null(x->dept_id),
			 "assignee_id", id_or_null(x->assignee_id),
			 "merged_into", id_or_null(x->merged_into),
			 "created_at", desk_time_json(x->created_at),
			 "updated_at", desk_time_json(x->updated_at),
			 "closed_at", desk_time_json(x->closed_at),
			 "due", due_json(db, x->id, w, x->final));
}

/* ---- GET /api/v1/cases ---- */

/* GET /api/v1/cases: {"cases":[...],"page","page_size","total"} for
 * ?procedure= ?channel= ?state= ?year= ?dept= ?open= ?page= ?page_size=;
 * a value not valid is refused (400 "bad_filter") rather than
 * ignored, which would answer another question than the one asked. */
int api_cases(struct req *r)
{
	struct fz_err err = { 0 };
	struct desk_filter f;
	struct desk_list l;
	json_t *list;
	size_t i;
	int rc;

	if (desk_filter_check(r, &f, &err))
		return req_fail(r, err.status, err.code, "%s", err.msg);
	rc = desk_list_load(r->db, &f, &l);
	if (rc < 0) {
		desk_list_release(&l);
		return req_db_fail(r, rc);
	}
	list = json_array();
	for (i = 0; i < l.n; i++)
		json_array_append_new(list, summary_json(r->db, &l.v[i]));
	rc = req_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "cases", list,
					"page", (json_int_t)f.page,
					"page_size", (json_int_t)f.size,
					"total", (json_int_t)l.total));
	desk_list_release(&l);
	return rc;
}

/* ---- one case ---- */

struct api_view {
	struct desk_ctx ctx;
	struct case_info c;
	struct party_row row;
	bool hidden;
};

static void api_view_release(struct api_view *v)
{
	case_info_release(&v->c);
	party_row_release(&v->row);
}

/* The case of path parameter 0, if this caller may read it. */
static int api_view_load(struct req *r, struct api_view *v)
{
	memset(v, 0, sizeof(*v));
	return desk_case_load(r, &v->ctx, &v->c, &v->row, &v->hidden);
}

static json_t *fields_json(const void *arg, json_t *fields)
{
	const struct api_view *v = arg;
	json_t *o = json_deep_copy(fields ? fields : json_object());

	if (!o)
		o = json_object();
	if (v->hidden)
		json_object_del(o, "content");
	return o;
}

/* The case's files with their download paths; none for the department
 * an accusation names (PI-06). */
static json_t *files_json(struct req *r, const struct api_view *v)
{
	json_t *all, *f, *a = json_array();
	const char *key;
	char url[80];

	if (v->hidden)
		return a;
	all = desk_case_files(r, v->c.id);
	json_object_foreach(all, key, f) {
		int64_t id = 0;

		if (parse_int64(key, 1, INT64_MAX, &id))
			continue;
		snprintf(url, sizeof(url), "/api/v1/cases/%lld/files/%lld",
			 (long long)v->c.id, (long long)id);
		json_object_set_new(f, "url", json_string(url));
		json_object_set_new(f, "id", json_integer((json_int_t)id));
		json_array_append(a, f);
	}
	json_decref(all);
	return a;
}

static json_t *party_json(struct req *r, const struct api_view *v, bool full)
{
	struct party p = { 0 }, m = { 0 };
	struct fz_err err;
	json_t *o;

	if (v->hidden)
		return json_pack("{s:b}", "hidden", true);
	if (!v->row.found)
		return json_null();
	party_open(r->w->srv->keyring, &v->row, &p, &err);
	p.org = desk_case_org(&v->c);
	if (!full)
		party_masked(&p, &m);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b}",
		      "name", full ? p.name : m.name,
		      "id_number", full ? p.id_number : m.id_number,
		      "phone", full ? p.phone : m.phone,
		      "address", full ? p.address : m.address,
		      "email", full ? p.email : m.email,
		      "organisation", p.org,
		      "masked", !full, "online", v->row.online);
	party_release(&p);
	party_release(&m);
	return o;
}

/* Open cases of the same petitioner or with a similar title: read on
 * request rather than at intake, where the scan would slow every
 * registration. */
static json_t *duplicates_json(struct req *r, const struct api_view *v)
{
	char ph[65], id[65];
	json_t *dups = NULL;

	if (party_indexes(r->db, v->c.id, ph, id) < 0 ||
	    party_duplicates(r->db, v->c.id, ph, id, v->c.title, &dups) < 0)
		return json_array();
	return dups;
}

static json_t *detail_json(struct req *r, const struct api_view *v,
			   bool full)
{
	struct desk_row x;
	json_t *o;

	desk_row_of(&v->c, &x);
	o = summary_json(r->db, &x);
	json_object_set_new(o, "fields", fields_json(v, v->c.fields));
	json_object_set_new(o, "petitioner", party_json(r, v, full));
	json_object_set_new(o, "accused_dept_id",
			    id_or_null(v->row.accused_dept_id));
	json_object_set_new(o, "satisfaction", *v->row.satisfaction ?
			    json_string(v->row.satisfaction) : json_null());
	json_object_set_new(o, "clocks", desk_clocks_json(r->db, &v->c, true));
	json_object_set_new(o, "history", desk_history_json(r->db, v->c.id,
				true, fields_json, v));
	json_object_set_new(o, "actions", desk_actions_json(&v->ctx.e,
							    v->c.id));
	json_object_set_new(o, "files", files_json(r, v));
	if (!v->c.final)
		json_object_set_new(o, "duplicates", duplicates_json(r, v));
	return o;
}

/* ?unmask=1: allowed, with a reason, and recorded before anything is
 * shown.  0, or the status of the refusal. */
static int api_unmask(struct req *r, const struct api_view *v)
{
	struct fz_err err = { 0 };
	int rc = party_unmask(r, &v->ctx.e, &v->c, &v->row,
			      req_query(r, "reason"), &err);

	if (rc < 0)
		return req_db_fail(r, rc);
	if (rc)
		return req_fail(r, err.status, err.code, "%s", err.msg);
	return 0;
}

/* GET /api/v1/cases/{id}: the case with its fields, petitioner (masked;
 * ?unmask=1&reason=... in full, audited), clocks, history and the
 * actions the caller may take now. */
int api_case(struct req *r)
{
	struct api_view v;
	bool full = str_eq(req_query(r, "unmask"), "1");
	int status = api_view_load(r, &v);

	if (status == 0 && full && v.row.found)
		status = api_unmask(r, &v);
	if (status == 0)
		status = req_json(r, 200, detail_json(r, &v, full));
	api_view_release(&v);
	return status;
}

/* ---- POST /api/v1/cases ---- */

static int party_from_json(json_t *o, struct party *p, struct fz_err *err)
{
	static const char *const keys[] = {
		"name", "id_number", "phone", "address", "email",
	};
	char **dst[] = { &p->name, &p->id_number, &p->phone, &p->address,
			 &p->email };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		*dst[i] = xstrdup("");
	if (!json_is_object(o))
		return fz_fail(err, 400, "party_invalid", "须提供 petitioner "
			       "对象（至少含 phone 或 address）");
	if (json_only_keys(o, keys, ARRAY_SIZE(keys), err))
		return FZ_ERR;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(o, keys[i]);

		if (!v || json_is_null(v))
			continue;
		if (!json_is_string(v))
			return fz_fail(err, 400, "party_invalid", "petitioner."
				       "%s 须为字符串", keys[i]);
		free(*dst[i]);
		*dst[i] = xstrdup(json_string_value(v));
	}
	return party_check(p, false, err);
}

static int accused_from_json(struct req *r, json_t *v, int64_t *out,
			     struct fz_err *err)
{
	int64_t n = 0;

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return fz_fail(err, 400, "field_invalid", "accused_dept_id "
			       "须为部门编号");
	*out = json_integer_value(v);
	if (db_scalar_int(r->db, &n, "SELECT COUNT(*) FROM departments WHERE "
			  "id = ?", "i", *out) < 0 || !n)
		return fz_fail(err, 400, "field_invalid", "accused_dept_id "
			       "所指的部门不存在");
	return 0;
}

static int create_done(struct req *r, struct intake *in, int rc)
{
	struct api_view v;
	struct desk_row x;
	char loc[48];
	json_t *o;

	if (rc)
		return intake_fail(r, in, rc);
	memset(&v, 0, sizeof(v));
	if (case_get(r->db, in->id, &v.c, &in->err))
		return req_json(r, 201, json_pack("{s:I}", "id",
						  (json_int_t)in->id));
	desk_row_of(&v.c, &x);
	o = summary_json(r->db, &x);
	case_info_release(&v.c);
	snprintf(loc, sizeof(loc), "/api/v1/cases/%lld", (long long)in->id);
	req_set_header(r, "Location", loc);
	return req_json(r, 201, o);
}

/* POST /api/v1/cases: {"procedure","fields":{...},"petitioner":{"name",
 * "id_number","phone","address","email"},"accused_dept_id"} opens a case
 * with its procedure's create action (an application's petitioner is
 * its applicant: for an organisation, by fields.applicant_type, its name
 * and unified social credit code); 201 with the case (GET lists the open
 * cases it may duplicate).  The reply is sent after the case, its
 * petitioner and the audit entry are durable. */
int api_case_create(struct req *r)
{
	static const char *const keys[] = {
		"procedure", "fields", "petitioner", "accused_dept_id",
	};
	const char *proc = json_string_value(json_object_get(r->json,
							     "procedure"));
	json_t *fields = json_object_get(r->json, "fields");
	const struct workflow *w = desk_procedure(proc) ?
				   workflow_find(proc, 0) : NULL;
	struct fz_err err = { 0 };
	struct party p = { 0 };
	struct intake *in;
	int64_t accused = 0;

	if (json_only_keys(r->json, keys, ARRAY_SIZE(keys), &err))
		return req_fail(r, 400, err.code, "%s", err.msg);
	if (!w)
		return req_fail(r, 400, "unknown_procedure", "procedure 须为 "
				"petition、hotline 或 disclosure");
	if (fields && !json_is_object(fields))
		return req_fail(r, 400, "field_invalid", "fields 须为对象");
	if (desk_is_disclosure(w->procedure) &&
	    !json_is_null(json_object_get(r->json, "accused_dept_id")) &&
	    json_object_get(r->json, "accused_dept_id"))
		return req_fail(r, 400, "unknown_field", "依申请公开没有 "
				"accused_dept_id");
	p.org = desk_fields_org(w->procedure, fields);
	in = intake_new();
	if (accused_from_json(r, json_object_get(r->json, "accused_dept_id"),
			      &accused, &err) == 0 &&
	    party_from_json(json_object_get(r->json, "petitioner"), &p,
			    &err) == 0)
		party_seal(r->w->srv->keyring, &p, &in->party, &err);
	party_release(&p);
	if (err.status) {
		intake_free(in);
		return req_fail(r, err.status, err.code, "%s", err.msg);
	}
	desk_ctx_init(r, NULL, &in->ctx);
	in->w = w;
	in->fields = fields ? json_incref(fields) : json_object();
	in->with_party = true;
	in->party.accused_dept_id = accused;
	in->title = xstrdup(json_string_value(json_object_get(fields,
							      "title")) ?
			    json_string_value(json_object_get(fields,
							      "title")) : "");
	return intake_submit(r, in, create_done);
}

/* ---- POST /api/v1/cases/{id}/actions/{action} ---- */

/* The action of the path, as the engine would name a missing one; NULL
 * with err filled. */
static const struct wf_action *path_action(struct req *r,
					   const struct case_info *c,
					   struct fz_err *err)
{
	const struct wf_action *a = c->wf ? wf_action(c->wf,
						      req_path_param(r, 1)) :
				    NULL;

	if (!c->wf)
		fz_fail(err, 500, "workflow_missing", "该事项所依据的程序定义"
			"（%s 第 %d 版）未加载", c->procedure, c->version);
	else if (!a)
		fz_fail(err, 400, "unknown_action", "“%s”程序没有这一操作",
			c->wf->title);
	return a;
}

/* POST /api/v1/cases/{id}/actions/{action}: {"fields":{...}} takes the
 * action through desk_act(), as the case page does; 200 with the case as
 * it is now, or the refusal ({"error":{"code":"wrong_state",...}} with
 * 400, 403 or 409). */
int api_case_act(struct req *r)
{
	static const char *const keys[] = { "fields" };
	json_t *fields = json_object_get(r->json, "fields");
	struct fz_err err = { 0 };
	const struct wf_action *a;
	struct api_view v;
	int status = api_view_load(r, &v);

	if (status)
		goto out;
	if (json_only_keys(r->json, keys, ARRAY_SIZE(keys), &err) ||
	    (fields && !json_is_object(fields)) ||
	    !(a = path_action(r, &v.c, &err)) ||
	    desk_act(r, &v.ctx.e, v.c.id, a, fields, &err)) {
		if (!err.status)
			fz_fail(&err, 400, "field_invalid", "fields 须为对象");
		status = req_fail(r, err.status, err.code, "%s", err.msg);
		goto out;
	}
	api_view_release(&v);
	status = api_view_load(r, &v);
	if (status == 0)
		status = req_json(r, 200, detail_json(r, &v, false));
out:
	api_view_release(&v);
	return status;
}
