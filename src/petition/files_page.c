/* files_page.c: a case's files on the case page, and their download
 *
 * Whoever may read a case may download its files, except a department
 * the case accuses (PI-06: the material of an accusation is its
 * content).  Every download is an audit entry: a petitioner's letters
 * and photos are personal data, and each view of them in full must be
 * accounted for.  Files go out only through attach_send(): as
 * attachments, with the detected type and a sandboxing policy.
 */
#include "petition/desk_case.h"
#include "petition/petition.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/pages.h"
#include "store/store.h"

struct names_arg {
	json_t *out;
};

static int add_name(const struct attach_info *a, void *arg)
{
	struct names_arg *n = arg;
	char key[24];

	snprintf(key, sizeof(key), "%" PRId64, a->id);
	json_object_set_new(n->out, key, json_pack("{s:s,s:I,s:s,s:I}",
		"name", a->name ? a->name : "（文件名无法读取）",
		"size", (json_int_t)a->size, "field", a->field ? a->field : "",
		"at", (json_int_t)a->created_at));
	return 0;
}

json_t *desk_case_files(struct req *r, int64_t case_id)
{
	struct names_arg n = { json_object() };
	struct attach_store s;
	struct fz_err err = { 0 };

	attach_store_from_req(r, &s);
	if (attach_list(r->db, &s, case_id, add_name, &n, &err))
		warn("case %" PRId64 ": files not listed: %s", case_id,
		     err.msg);
	return n.out;
}

/* 1.2 MB, 340 KB, 12 B */
static void size_text(int64_t n, char out[32])
{
	if (n >= 1 << 20)
		snprintf(out, 32, "%.1f MB", (double)n / (1 << 20));
	else if (n >= 1024)
		snprintf(out, 32, "%" PRId64 " KB", (n + 1023) / 1024);
	else
		snprintf(out, 32, "%" PRId64 " B", n);
}

void desk_file_link(struct buf *b, int64_t case_id, json_t *files,
		    int64_t id)
{
	char key[24], size[32];
	json_t *f;

	snprintf(key, sizeof(key), "%" PRId64, id);
	f = json_object_get(files, key);
	if (!f) {
		html(b, "附件 %I（已删除）", id);
		return;
	}
	size_text(json_integer_value(json_object_get(f, "size")), size);
	html(b, "<a href=\"/petitions/%I/files/%I\" download>%s</a> "
	     "<span class=\"muted\">（%s）</span>", case_id, id,
	     json_string_value(json_object_get(f, "name")), size);
}

void desk_files_card(struct buf *b, const struct case_info *c,
		     json_t *files, bool hidden)
{
	const char *key;
	json_t *f;
	int64_t id;

	if (!json_object_size(files))
		return;
	html(b, "<section class=\"card\" aria-labelledby=\"files-h\">"
	     "<h2 id=\"files-h\">材料</h2>");
	if (hidden) {
		html(b, "<p class=\"muted\">该事项检举、控告您所在的单位，"
		     "其材料不向您显示。</p></section>");
		return;
	}
	html(b, "<ul class=\"files\">");
	json_object_foreach(files, key, f) {
		const struct wf_field *wf = c->wf ? wf_field(c->wf,
			json_string_value(json_object_get(f, "field"))) : NULL;

		if (parse_int64(key, 1, INT64_MAX, &id))
			continue;
		html(b, "<li>");
		desk_file_link(b, c->id, files, id);
		if (wf)
			html(b, " <span class=\"badge\">%s</span>", wf->label);
		html(b, "</li>");
	}
	html(b, "</ul></section>");
}

/* GET /petitions/{id}/files/{fid}: the file, to whoever may read the
 * case and is not the department it accuses; audited. */
int page_petition_file(struct req *r)
{
	struct desk_ctx ctx;
	struct case_info c = { 0 };
	struct party_row row = { 0 };
	struct attach_store s;
	struct attach_blob blob = { 0 };
	struct fz_err err = { 0 };
	bool hidden = false;
	int64_t fid = 0;
	int status = desk_case_load(r, &ctx, &c, &row, &hidden);

	if (status)
		goto out;
	attach_store_from_req(r, &s);
	if (hidden || parse_int64(req_path_param(r, 1), 1, INT64_MAX, &fid) ||
	    attach_open(r->db, &s, fid, &blob, &err) ||
	    blob.info.case_id != c.id) {
		if (err.status >= 500 && err.status != 503)
			status = req_fail(r, err.status, err.code, "%s",
					  err.msg);
		else
			status = req_fail(r, 404, "not_found", "没有这个文件");
		goto out;
	}
	status = desk_file_send(r, &blob, json_pack("{s:I,s:s}", "case",
		(json_int_t)c.id, "sm3", blob.info.sm3));
out:
	attach_blob_release(&blob);
	case_info_release(&c);
	party_row_release(&row);
	return status;
}
