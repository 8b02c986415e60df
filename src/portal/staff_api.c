/* staff_api.c: publications as JSON (/api/v1/publications)
 *
 * The same service calls as the pages (pub_create(), pub_act(),
 * pub_resolve()), so both refuse alike and with the same codes: the
 * engine's ("wrong_state", "role_denied", "field_required", ...) and the
 * desk's ("findings_unresolved", "reason_required", "changed",
 * "scan_unavailable").  Attachments are uploaded first through
 * POST /api/v1/attachments and named by id in "attachments".
 */
#include "http/pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "engine/clock.h"
#include "http/http.h"
#include "petition/desk_case.h"
#include "petition/petition.h"
#include "portal/publication.h"
#include "store/store.h"

#define API_PAGE 50

static json_t *channels_json(const char *list)
{
	json_t *a = json_array();
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return a;
}

static json_t *findings_json(struct db *db, int64_t id)
{
	struct pub_finding *f = NULL;
	size_t n = 0, i;
	json_t *a;

	if (pub_findings(db, id, 0, &f, &n) < 0)
		return json_null();
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack(
			"{s:I,s:i,s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s}",
			"id", (json_int_t)f[i].id, "round", f[i].round,
			"source", f[i].source, "kind", f[i].kind,
			"kind_label", pub_kind_label(f[i].kind),
			"masked", f[i].masked, "start", (json_int_t)f[i].start,
			"length", (json_int_t)f[i].length,
			"resolution", f[i].resolution, "reason",
			f[i].reason));
	pub_findings_free(f, n);
	return a;
}

static json_t *files_json(const struct pub_item *p)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		json_array_append_new(a, json_pack("{s:I,s:b,s:b}", "id",
			(json_int_t)p->files[i].id, "dropped",
			p->files[i].dropped, "withheld",
			p->files[i].withheld));
	return a;
}

/* The item `id` as the API shows it; NULL when it cannot be read. */
static json_t *detail_json(struct req *r, int64_t id)
{
	struct desk_ctx dc;
	struct case_info c;
	struct pub_item p;
	struct fz_err err;
	json_t *o;

	if (pub_get(r->db, id, true, &p))
		return NULL;
	if (case_get(r->db, p.case_id, &c, &err)) {
		case_info_release(&c);
		pub_item_release(&p);
		return NULL;
	}
	desk_ctx_init(r, r->db, &dc);
	o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,"
		      "s:{s:s,s:s},s:o,s:o,s:o,s:s,s:I,s:i}",
		      "id", (json_int_t)p.id, "case_id", (json_int_t)p.case_id,
		      "number", c.number, "index_no", p.index_no,
		      "state", c.state, "state_label", c.wf ?
		      wf_state_label(c.wf, c.state) : c.state,
		      "title", p.title, "body", p.body, "doc_no", p.doc_no,
		      "publisher", p.publisher, "source", p.source,
		      "formed_on", json_string(p.formed_on),
		      "catalogue", "code", p.catalogue_code, "name",
		      p.catalogue_name,
		      "channels", channels_json(p.channels),
		      "published_at", desk_time_json(p.published_at),
		      "withdrawn_at", desk_time_json(p.withdrawn_at),
		      "withdraw_reason", p.withdraw_reason,
		      "visits", (json_int_t)p.visits,
		      "review_round", p.review_round);
	if (o) {
		json_object_set_new(o, "findings", findings_json(r->db, id));
		json_object_set_new(o, "files", files_json(&p));
		json_object_set_new(o, "clocks", desk_clocks_json(r->db, &c,
								  false));
		json_object_set_new(o, "actions", desk_actions_json(&dc.e,
								    c.id));
		json_object_set_new(o, "history", desk_history_json(r->db,
					c.id, false, NULL, NULL));
	}
	case_info_release(&c);
	pub_item_release(&p);
	return o;
}

static int reply_item(struct req *r, int status, int64_t id)
{
	json_t *o = detail_json(r, id);

	if (!o)
		return req_fail(r, 503, "db_unavailable", "数据暂时无法读取");
	return req_json(r, status, o);
}

/* GET /api/v1/publications?state=&page=: newest first. */
int api_publications(struct req *r)
{
	const char *state = req_query(r, "state");
	const char *pg = req_query(r, "page");
	struct db_rows *q;
	int64_t page = 1, total = 0;
	json_t *list;
	int rc;

	if (!pub_may_work(r->user->roles))
		return pub_forbidden(r);
	if (pg && *pg && parse_int64(pg, 1, 100000, &page))
		return req_fail(r, 400, "bad_filter", "page 须为 1 到 100000 "
				"之间的整数");
	state = state && *state ? state : NULL;
	rc = state ? db_scalar_int(r->db, &total, "SELECT COUNT(*) FROM "
				   "publications p JOIN cases k ON k.id = "
				   "p.case_id WHERE k.state = ?", "s", state) :
		     db_scalar_int(r->db, &total, "SELECT COUNT(*) FROM "
				   "publications", "");
	if (rc < 0)
		return req_db_fail(r, rc);
	q = db_query(r->db, "SELECT p.id, p.index_no, p.title, k.state, "
		     "p.formed_on, p.published_at, p.withdrawn_at FROM "
		     "publications p JOIN cases k ON k.id = p.case_id WHERE "
		     "(? = '' OR k.state = ?) ORDER BY p.id DESC LIMIT ? "
		     "OFFSET ?", "ssii", state ? state : "", state ? state : "",
		     (int64_t)API_PAGE, (page - 1) * API_PAGE);
	if (!q)
		return req_db_fail(r, db_errcode(r->db));
	list = json_array();
	while ((rc = db_next(q)) == 1)
		json_array_append_new(list, json_pack(
			"{s:I,s:s,s:s,s:s,s:s,s:o,s:o}",
			"id", (json_int_t)db_int(q, 0), "index_no",
			db_text(q, 1), "title", db_text(q, 2), "state",
			db_text(q, 3), "formed_on", db_text(q, 4),
			"published_at", desk_time_json(db_int(q, 5)),
			"withdrawn_at", desk_time_json(db_int(q, 6))));
	db_rows_free(q);
	if (rc < 0) {
		json_decref(list);
		return req_db_fail(r, rc);
	}
	return req_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "publications",
					  list, "page", (json_int_t)page,
					  "page_size", (json_int_t)API_PAGE,
					  "total", (json_int_t)total));
}

/* What every write checks first: the caller works on publications, the
 * path's first `nids` parameters are ids (else 404 with `missing`), and
 * the body has no key but `keys`.  0, or the status of the refusal
 * already prepared. */
static int write_check(struct req *r, int64_t *ids, int nids,
		       const char *missing, const char *const *keys,
		       size_t nkeys)
{
	struct fz_err err = { 0 };
	int i;

	if (!pub_may_work(r->user->roles))
		return pub_forbidden(r);
	for (i = 0; i < nids; i++)
		if (req_path_id(r, i, &ids[i]) < 0)
			return req_fail(r, 404, "not_found", "%s", missing);
	if (json_only_keys(r->json, keys, nkeys, &err))
		return req_fail(r, 400, err.code, "%s", err.msg);
	return 0;
}

/* The reply to a write: the item with `status`, or the refusal `err`
 * when `rc` is not 0. */
static int written(struct req *r, int rc, const struct fz_err *err,
		   int status, int64_t id)
{
	if (rc)
		return req_fail(r, err->status, err->code, "%s", err->msg);
	return reply_item(r, status, id);
}

/* A write of {"fields":{...}}: a draft when `create` (201, with its
 * Location), else the action of path parameter 1 on the item of path
 * parameter 0 (200, "fields" may be left out). */
static int write_fields(struct req *r, bool create)
{
	static const char *const keys[] = { "fields" };
	json_t *fields = json_object_get(r->json, "fields");
	struct fz_err err = { 0 };
	struct desk_ctx dc;
	struct pub_env env;
	int64_t id = 0;
	char loc[48];
	int rc = write_check(r, &id, create ? 0 : 1, "该信息不存在", keys,
			     ARRAY_SIZE(keys));

	if (rc)
		return rc;
	if (create ? !json_is_object(fields) :
	    fields && !json_is_object(fields))
		return req_fail(r, 400, "field_invalid", "fields 须为对象");
	pub_env_init(r, &dc, &env);
	if (!create)
		return written(r, pub_act(&env, id, req_path_param(r, 1),
					  fields, NULL, &err), &err, 200, id);
	rc = pub_create(&env, fields, NULL, &id, &err);
	if (rc == 0) {
		snprintf(loc, sizeof(loc), "/api/v1/publications/%lld",
			 (long long)id);
		req_set_header(r, "Location", loc);
	}
	return written(r, rc, &err, 201, id);
}

/* POST /api/v1/publications {"fields":{...}}: a draft; 201. */
int api_publication_create(struct req *r)
{
	return write_fields(r, true);
}

/* GET /api/v1/publications/{id} */
int api_publication(struct req *r)
{
	int64_t id = 0;
	int rc;

	if (!pub_may_work(r->user->roles))
		return pub_forbidden(r);
	if (req_path_id(r, 0, &id) < 0)
		return req_fail(r, 404, "not_found", "该信息不存在");
	rc = db_scalar_int(r->db, &id, "SELECT id FROM publications WHERE "
			   "id = ?", "i", id);
	if (rc < 0)
		return req_db_fail(r, rc);
	if (rc)
		return req_fail(r, 404, "not_found", "该信息不存在");
	return reply_item(r, 200, id);
}

/* POST /api/v1/publications/{id}/actions/{action} {"fields":{...}} */
int api_publication_act(struct req *r)
{
	return write_fields(r, false);
}

/* POST /api/v1/publications/{id}/findings/{finding}
 * {"resolution":"redacted"|"justified","reason":"..."} */
int api_publication_resolve(struct req *r)
{
	static const char *const keys[] = { "resolution", "reason" };
	struct fz_err err = { 0 };
	struct desk_ctx dc;
	struct pub_env env;
	int64_t ids[2] = { 0, 0 };
	int rc = write_check(r, ids, 2, "没有这一扫描发现", keys,
			     ARRAY_SIZE(keys));

	if (rc)
		return rc;
	pub_env_init(r, &dc, &env);
	rc = pub_resolve(&env, ids[0], ids[1], json_string_value(
				 json_object_get(r->json, "resolution")),
			 json_string_value(json_object_get(r->json, "reason")),
			 &err);
	return written(r, rc, &err, 200, ids[0]);
}
