/* api.c: POST /api/v1/attachments — files for the JSON API
 *
 * A JSON body cannot carry files, so an API client uploads them first
 * (multipart/form-data, field "file", one or more) and names the ids it
 * gets back in the file fields of a create or act call.  The uploads stay
 * unbound until such a call binds them to a case, and only the uploader
 * can bind them (engine.c); the expiry job removes unbound uploads a day
 * old (pii/retention.c).
 */
#include "attach/attach.h"

#include <string.h>

#include <jansson.h>

#include "auth/session.h"
#include "http/http.h"
#include "http/pages.h"

/* {"attachments": [{id, name, mime, size, sm3}]}, 201. */
int api_attachments_create(struct req *r)
{
	struct attach_store s;
	struct fz_err err = { 0 };
	size_t i, n = req_upload_count(r, NULL);
	json_t *list;

	if (!n)
		return req_fail(r, 400, "no_file", "没有收到文件（表单字段 file）");
	if (req_upload_count(r, "file") != n)
		return req_fail(r, 400, "unknown_field", "文件须放在表单字段 "
				"file 中");
	if (attach_check_all(req_upload(r, NULL, 0), n, &err))
		return req_fail(r, err.status, err.code, "%s", err.msg);
	attach_store_from_req(r, &s);
	list = json_array();
	for (i = 0; i < n; i++) {
		const struct upload *u = req_upload(r, NULL, i);
		struct attach_info a = { 0 };
		int64_t id = 0;

		if (attach_save(r->db, &s, u, r->user->id, &id, &err) ||
		    attach_get(r->db, &s, id, &a, &err)) {
			json_decref(list);
			return req_fail(r, err.status, err.code, "%s",
					err.msg);
		}
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:I,s:s}",
			"id", (json_int_t)id, "name", u->filename, "mime",
			a.mime, "size", (json_int_t)a.size, "sm3", a.sm3));
		attach_info_release(&a);
	}
	return req_json(r, 201, json_pack("{s:o}", "attachments", list));
}
