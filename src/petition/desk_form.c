/* desk_form.c: inputs for a procedure's fields, and the form back to JSON
 *
 * Forms are drawn from the definition: an action's required fields, then
 * its optional ones, each as the input its type calls for.  Only fields
 * the action declares are read back, so a stray form key can never reach
 * the engine as an unknown field.
 */
#include "petition/petition.h"
#include "petition/desk_case.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attach/attach.h"
#include "http/html.h"
#include "http/http.h"
#include "store/store.h"

#define TEXTAREA_FROM 200   /* text fields longer than this get a textarea */

/* A JSON value as form text into `tmp` (strings as they are). */
static const char *value_text(json_t *v, char tmp[32])
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, 32, "%" PRId64, (int64_t)json_integer_value(v));
		return tmp;
	}
	return "";
}

static bool json_has(json_t *v, int64_t id)
{
	json_t *e;
	size_t i;

	if (json_is_integer(v))
		return json_integer_value(v) == id;
	json_array_foreach(v, i, e) {
		char tmp[32];

		if (json_integer_value(e) == id ||
		    (json_is_string(e) && snprintf(tmp, sizeof(tmp), "%" PRId64,
						   id) > 0 &&
		     strcmp(json_string_value(e), tmp) == 0))
			return true;
	}
	return false;
}

static void label(struct buf *b, const char *id, const struct wf_field *f,
		  bool required)
{
	html(b, "<label for=\"%s\">%s%r</label>", id, f->label,
	     required ? " <abbr title=\"必填\">*</abbr>" : "");
}

static void names_select(struct buf *b, const struct desk_name *v, size_t n,
			 const char *value, const char *none)
{
	size_t i;
	char tmp[32];

	html_option(b, "", none, !*value);
	for (i = 0; i < n; i++) {
		snprintf(tmp, sizeof(tmp), "%" PRId64, v[i].id);
		html_option(b, tmp, v[i].name, strcmp(tmp, value) == 0);
	}
}

static void dept_boxes(struct buf *b, const struct wf_field *f, const char *id,
		       json_t *v, const struct desk_names *names)
{
	size_t i;

	html(b, "<fieldset class=\"field\"><legend>%s</legend>", f->label);
	for (i = 0; i < names->ndepts; i++) {
		const struct desk_name *d = &names->depts[i];

		html(b, "<label class=\"check\"><input type=\"checkbox\" "
		     "id=\"%s-%I\" name=\"%s\" value=\"%I\"%r> %s</label>", id,
		     d->id, f->name, d->id, json_has(v, d->id) ? " checked" :
		     "", d->name);
	}
	html(b, "</fieldset>");
}

static void enum_select(struct buf *b, const struct wf_field *f,
			const char *value)
{
	size_t i;

	html_option(b, "", "请选择", !*value);
	for (i = 0; i < f->nvalues; i++)
		html_option(b, f->values[i].id, f->values[i].label,
			    strcmp(f->values[i].id, value) == 0);
}

void desk_field_input(struct buf *b, const struct wf_field *f, bool required,
		      const char *prefix, json_t *v,
		      const struct desk_names *names)
{
	const char *req = required ? " required" : "";
	char id[96], tmp[32];
	const char *value = value_text(v, tmp);

	snprintf(id, sizeof(id), "%s%s", prefix, f->name);
	if (f->type == WF_DEPT && f->multiple) {
		dept_boxes(b, f, id, v, names);
		return;
	}
	html(b, "<div class=\"field\">");
	label(b, id, f, required);
	switch (f->type) {
	case WF_TEXT:
		if (f->max > TEXTAREA_FROM)
			html(b, "<textarea id=\"%s\" name=\"%s\" rows=\"5\" "
			     "maxlength=\"%I\"%r>%s</textarea>", id, f->name,
			     f->max, req, value);
		else
			html(b, "<input id=\"%s\" name=\"%s\" type=\"text\" "
			     "maxlength=\"%I\" value=\"%s\"%r>", id, f->name,
			     f->max, value, req);
		break;
	case WF_INT:
		html(b, "<input id=\"%s\" name=\"%s\" type=\"number\" "
		     "min=\"%I\" max=\"%I\" value=\"%s\"%r>", id, f->name,
		     f->min, f->max, value, req);
		break;
	case WF_DATE:
		html(b, "<input id=\"%s\" name=\"%s\" type=\"date\" "
		     "value=\"%s\"%r>", id, f->name, value, req);
		break;
	case WF_ENUM:
		html(b, "<select id=\"%s\" name=\"%s\"%r>", id, f->name, req);
		enum_select(b, f, value);
		html(b, "</select>");
		break;
	case WF_DEPT:
		html(b, "<select id=\"%s\" name=\"%s\"%r>", id, f->name, req);
		names_select(b, names->depts, names->ndepts, value, "请选择");
		html(b, "</select>");
		break;
	case WF_USER:
		html(b, "<select id=\"%s\" name=\"%s\"%r>", id, f->name, req);
		names_select(b, names->users, names->nusers, value,
			     required ? "请选择" : "（不指定）");
		html(b, "</select>");
		break;
	case WF_CASE:
		html(b, "<input id=\"%s\" name=\"%s\" type=\"text\" "
		     "maxlength=\"64\" value=\"%s\" "
		     "aria-describedby=\"%s-hint\"%r><p class=\"muted\" "
		     "id=\"%s-hint\">填写事项编号，如新高信〔2026〕0001号</p>",
		     id, f->name, value, id, req, id);
		break;
	case WF_FILE:
		/* A file input cannot keep its choice when a refused form
		 * comes back: the hint says so. */
		html(b, "<input id=\"%s\" name=\"%s\" type=\"file\" "
		     "multiple accept=\"%s\" aria-describedby=\"%s-hint\"%r>"
		     "<p class=\"muted\" id=\"%s-hint\">%s；最多 %I 个文件。"
		     "表单退回时需重新选择文件。</p>", id, f->name,
		     attach_accept(), id, req, id, attach_hint(), f->max);
		break;
	}
	html(b, "</div>");
}

bool desk_action_has_files(const struct wf_action *a)
{
	size_t i;

	for (i = 0; i < a->nrequired; i++)
		if (a->required[i]->type == WF_FILE)
			return true;
	for (i = 0; i < a->noptional; i++)
		if (a->optional[i]->type == WF_FILE)
			return true;
	return false;
}

void desk_action_fields_except(struct buf *b, const struct wf_action *a,
			       const char *prefix, json_t *values,
			       const struct desk_names *names,
			       const char *skip)
{
	size_t i;

	for (i = 0; i < a->nrequired; i++)
		if (!str_eq(a->required[i]->name, skip))
			desk_field_input(b, a->required[i], true, prefix,
					 json_object_get(values,
					 a->required[i]->name), names);
	for (i = 0; i < a->noptional; i++)
		if (!str_eq(a->optional[i]->name, skip))
			desk_field_input(b, a->optional[i], false, prefix,
					 json_object_get(values,
					 a->optional[i]->name), names);
}

void desk_action_fields(struct buf *b, const struct wf_action *a,
			const char *prefix, json_t *values,
			const struct desk_names *names)
{
	desk_action_fields_except(b, a, prefix, values, names, NULL);
}

/* ---- the form back to JSON ---- */

static json_t *all_values(struct req *r, const char *name)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->form.n; i++) {
		const struct kv *kv = &r->form.items[i];

		if (strcmp(kv->key, name) == 0 && kv->val[0])
			json_array_append_new(a, json_string(kv->val));
	}
	return a;
}

/* A case named by its number becomes its id (the engine takes ids). */
static json_t *case_ref(struct req *r, const char *s)
{
	int64_t id = 0;

	if (parse_int64(s, 1, INT64_MAX, &id) == 0 ||
	    case_find_number(r->db, s, &id) != 0)
		return json_string(s);
	return json_integer((json_int_t)id);
}

static void put_field(struct req *r, const struct wf_field *f, json_t *out)
{
	const char *s;

	if (f->type == WF_FILE)
		return;         /* the uploads: desk_store_uploads() */
	if (f->type == WF_DEPT && f->multiple) {
		json_t *a = all_values(r, f->name);

		if (json_array_size(a))
			json_object_set_new(out, f->name, a);
		else
			json_decref(a);
		return;
	}
	s = req_form(r, f->name);
	if (!s || !*s)
		return;
	json_object_set_new(out, f->name, f->type == WF_CASE ?
			    case_ref(r, s) : json_string(s));
}

json_t *desk_form_fields(struct req *r, const struct wf_action *a)
{
	json_t *out = json_object();
	size_t i;

	for (i = 0; i < a->nrequired; i++)
		put_field(r, a->required[i], out);
	for (i = 0; i < a->noptional; i++)
		put_field(r, a->optional[i], out);
	return out;
}
