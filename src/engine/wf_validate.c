/* wf_validate.c: the rules a procedure definition must satisfy */
#include "engine/wf_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "engine/engine_util.h"

#define TEXT_DEFAULT_MAX 2000
#define LABEL_MAX_BYTES 60  /* 20 Chinese characters */
#define LIMIT_MAX 3650      /* days: nothing statutory runs ten years */

struct parser {
	const char *path;
	const char *text;
	struct fz_err *err;
	struct workflow *w;
	char **within;              /* per action: window clock id, resolved
				     * once the clocks are parsed */
	json_t **after;             /* per action: its "after" (borrowed) */
};

static int bad(struct parser *p, const struct loc *l, const char *fmt, ...)
	FZ_PRINTF(3, 4);

static int bad(struct parser *p, const struct loc *l, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fz_fail(p->err, 500, "bad_workflow", "%s:%d: %s", p->path,
		       wfp_line(p->text, l), msg);
}

/* ---- small validators ---- */

static bool id_valid(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n >= WF_ID_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool text_valid(const char *s, size_t max_bytes)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= max_bytes && utf8_valid(s, n) &&
	       !strpbrk(s, "\r\n\t");
}

/* Every key of `obj` must be in `allowed` (NULL-terminated). */
static int check_keys(struct parser *p, json_t *obj,
		      const char *const *allowed, const struct loc *where,
		      const char *what)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v) {
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (!allowed[i]) {
			struct loc l = *where;

			l.key = key;
			return bad(p, &l, "%s: unknown key \"%s\"", what, key);
		}
	}
	return 0;
}

/* A required or optional string member with its checks. */
static int get_text(struct parser *p, json_t *obj, const char *key,
		    bool required, const struct loc *where, const char *what,
		    char **out)
{
	json_t *v = json_object_get(obj, key);
	struct loc l = *where;

	l.key = v ? key : NULL;     /* a missing key: show its object */
	*out = NULL;
	if (!v) {
		if (!required)
			return 0;
		if (strcmp(key, "basis") == 0 ||
		    strcmp(key, "legal_basis") == 0)
			return bad(p, &l, "%s: missing legal basis (\"%s\")",
				   what, key);
		return bad(p, &l, "%s: missing \"%s\"", what, key);
	}
	if (!json_is_string(v) || !text_valid(json_string_value(v), 1000))
		return bad(p, &l, "%s: \"%s\" must be a non-empty one-line "
			   "string", what, key);
	/* Labels are quoted in refusals, which must fit struct fz_err. */
	if (strcmp(key, "label") == 0 &&
	    strlen(json_string_value(v)) > LABEL_MAX_BYTES)
		return bad(p, &l, "%s: label longer than %d bytes", what,
			   LABEL_MAX_BYTES);
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int get_bool(struct parser *p, json_t *obj, const char *key,
		    const struct loc *where, const char *what, bool *out)
{
	json_t *v = json_object_get(obj, key);
	struct loc l = *where;

	l.key = key;
	*out = false;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return bad(p, &l, "%s: \"%s\" must be true or false", what,
			   key);
	*out = json_is_true(v);
	return 0;
}

static int get_int(struct parser *p, json_t *obj, const char *key,
		   int64_t min, int64_t max, const struct loc *where,
		   const char *what, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	struct loc l = *where;

	l.key = v ? key : NULL;
	if (!v)
		return bad(p, &l, "%s: missing \"%s\"", what, key);
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return bad(p, &l, "%s: \"%s\" must be an integer from %lld "
			   "to %lld", what, key, (long long)min,
			   (long long)max);
	*out = json_integer_value(v);
	return 0;
}

/* A list of role codes (business roles only). */
static int get_roles(struct parser *p, json_t *obj, const char *key,
		     const struct loc *where, const char *what, roleset *out)
{
	json_t *v = json_object_get(obj, key), *e;
	struct loc l = *where;
	size_t i;
	int r;

	l.key = key;
	*out = 0;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return bad(p, &l, "%s: \"%s\" must be a non-empty list of "
			   "role codes", what, key);
	json_array_foreach(v, i, e) {
		const char *code = json_string_value(e);

		l.value = code;
		r = code ? role_by_code(code) : -1;
		if (r < 0)
			return bad(p, &l, "%s: unknown role \"%s\"", what,
				   code ? code : "?");
		if (role_is_admin(r))
			return bad(p, &l, "%s: \"%s\" is an administrator role "
				   "and takes no part in procedures", what,
				   code);
		*out |= 1u << r;
	}
	return 0;
}

/* A string or a list of strings, copied. */
static int get_names(struct parser *p, json_t *v, const struct loc *where,
		     const char *what, char ***out, size_t *n)
{
	json_t *e;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (json_is_string(v)) {
		*out = xcalloc(1, sizeof(char *));
		(*out)[(*n)++] = xstrdup(json_string_value(v));
		return 0;
	}
	if (!json_is_array(v))
		return bad(p, where, "%s: \"%s\" must be a list of ids", what,
			   where->key);
	*out = xcalloc(json_array_size(v) + 1, sizeof(char *));
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return bad(p, where, "%s: \"%s\" must be a list of "
				   "ids", what, where->key);
		(*out)[(*n)++] = xstrdup(json_string_value(e));
	}
	return 0;
}

/* The "id" of item i of a section's list (`section` "states", "actions"
 * or "clocks", one of which is a `noun`): it must be valid and not that
 * of an earlier item.  Copied to *out and counted in *count, so that
 * the definition frees it whatever fails next. */
static int item_id(struct parser *p, json_t *list, size_t i,
		   const char *section, const char *noun, char **out,
		   size_t *count)
{
	json_t *item = json_array_get(list, i);
	const char *id = json_string_value(json_object_get(item, "id"));
	struct loc l = { section, id, NULL, NULL, 0 };
	size_t j;

	if (!json_is_object(item) || !id_valid(id))
		return bad(p, &l, "%s[%zu]: needs an \"id\" matching "
			   "[a-z][a-z0-9_]*", section, i);
	/* The earlier items all have valid ids: a failure stops the load. */
	for (j = 0; j < i; j++) {
		json_t *e = json_object_get(json_array_get(list, j), "id");

		if (strcmp(json_string_value(e), id))
			continue;
		l.skip = 1;
		return bad(p, &l, "duplicate %s id \"%s\"", noun, id);
	}
	*out = xstrdup(id);
	(*count)++;
	return 0;
}

/* The list of a section; states and actions need at least one item. */
static int section_list(struct parser *p, json_t *root, const char *key,
			bool need_items, json_t **out)
{
	*out = json_object_get(root, key);
	if (need_items && json_array_size(*out) == 0)
		return bad(p, LOC(NULL, NULL, key, NULL),
			   "\"%s\" must be a non-empty list", key);
	if (!json_is_array(*out))
		return bad(p, LOC(NULL, NULL, key, NULL),
			   "\"%s\" must be a list", key);
	return 0;
}

/* One action opens a case and one clock counts for the statistics:
 * a second one (`what`) is refused at its `key`. */
static int second(struct parser *p, const char *section, const char *noun,
		  const char *id, const char *key, const char *what,
		  const char *first)
{
	return bad(p, LOC(section, id, key, NULL),
		   "%s \"%s\": a second %s (\"%s\" is one)", noun, id, what,
		   first);
}

/* ---- the header ---- */

static int check_number_format(struct parser *p, const char *f)
{
	const struct loc l = { NULL, NULL, "number_format", NULL, 0 };
	int years = 0, seqs = 0;
	const char *s;

	if (strlen(f) > 64)
		return bad(p, &l, "number_format is longer than 64 bytes");
	for (s = f; *s; s++) {
		if (*s == '}')
			return bad(p, &l, "number_format: unmatched \"}\"");
		if (*s != '{')
			continue;
		if (str_starts(s, "{year}")) {
			years++;
			s += strlen("{year}") - 1;
		} else if (str_starts(s, "{seq}")) {
			seqs++;
			s += strlen("{seq}") - 1;
		} else if (str_starts(s, "{seq:") && s[5] >= '1' &&
			   s[5] <= '9' && s[6] == '}') {
			seqs++;
			s += strlen("{seq:N}") - 1;
		} else {
			return bad(p, &l, "number_format: unknown placeholder "
				   "at \"%.12s\" (use {year}, {seq} or "
				   "{seq:N})", s);
		}
	}
	if (years != 1 || seqs != 1)
		return bad(p, &l, "number_format must hold {year} and {seq} "
			   "(or {seq:N}) exactly once each");
	return 0;
}

static int parse_header(struct parser *p, json_t *root)
{
	static const char *const keys[] = {
		"procedure", "version", "title", "legal_basis",
		"number_format", "title_field", "channel_field",
		"category_field", "read_roles", "fields", "states", "actions",
		"clocks", "note", "description", NULL };
	const struct loc top = { 0 };
	struct workflow *w = p->w;
	json_t *v;
	int rc;

	if (!json_is_object(root))
		return bad(p, &top, "a definition must be a JSON object");
	rc = check_keys(p, root, keys, &top, "definition");
	if (!rc)
		rc = get_text(p, root, "procedure", true, &top, "definition",
			      &w->procedure);
	if (!rc && !id_valid(w->procedure))
		rc = bad(p, LOC(NULL, NULL, "procedure", NULL),
			 "procedure must match [a-z][a-z0-9_]* (at most 31)");
	v = json_object_get(root, "version");
	if (!rc && (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 1000000))
		rc = bad(p, LOC(NULL, NULL, "version", NULL),
			 "version must be a positive integer");
	if (!rc)
		w->version = (int)json_integer_value(v);
	if (!rc)
		rc = get_text(p, root, "title", true, &top, "definition",
			      &w->title);
	if (!rc)
		rc = get_text(p, root, "legal_basis", true, &top,
			      "definition", &w->legal_basis);
	if (!rc)
		rc = get_text(p, root, "number_format", true, &top,
			      "definition", &w->number_format);
	if (!rc)
		rc = check_number_format(p, w->number_format);
	if (!rc && json_object_get(root, "read_roles"))
		rc = get_roles(p, root, "read_roles", &top, "definition",
			       &w->read_roles);
	return rc;
}

/* ---- fields ---- */

static int parse_options(struct parser *p, struct wf_field *f, json_t *vals,
			 const struct loc *where)
{
	struct loc l = *where;
	json_t *e;
	size_t i;

	l.key = "values";
	if (!json_is_array(vals) || json_array_size(vals) == 0)
		return bad(p, &l, "field \"%s\": an enum needs a non-empty "
			   "\"values\" list", f->name);
	f->values = xcalloc(json_array_size(vals), sizeof(*f->values));
	json_array_foreach(vals, i, e) {
		const char *id = json_is_string(e) ? json_string_value(e) :
				 json_string_value(json_object_get(e, "id"));
		const char *label = json_is_string(e) ? id :
				    json_string_value(json_object_get(e,
								      "label"));

		if (!text_valid(id, 64) || !text_valid(label, 200))
			return bad(p, &l, "field \"%s\": values must be "
				   "strings or {\"id\", \"label\"}", f->name);
		if (wfp_option(f, id)) {
			l.value = id;
			return bad(p, &l, "field \"%s\": duplicate value "
				   "\"%s\"", f->name, id);
		}
		f->values[f->nvalues].id = xstrdup(id);
		f->values[f->nvalues].label = xstrdup(label);
		f->nvalues++;
	}
	return 0;
}

static const struct {
	const char *name;
	enum wf_type type;
} field_types[] = {
	{ "text", WF_TEXT }, { "int", WF_INT }, { "date", WF_DATE },
	{ "enum", WF_ENUM }, { "dept", WF_DEPT }, { "user", WF_USER },
	{ "case", WF_CASE }, { "file", WF_FILE },
};

/* Files an action may carry in one field unless "max" says otherwise. */
#define FILE_DEFAULT_MAX 10

static int parse_field(struct parser *p, struct wf_field *f, json_t *spec)
{
	static const char *const keys[] = {
		"type", "label", "max", "min", "values", "multiple", "note",
		NULL };
	struct loc l = { "fields", f->name, NULL, NULL, 0 };
	const char *type;
	char what[64];
	size_t i;
	int rc;

	snprintf(what, sizeof(what), "field \"%s\"", f->name);
	if (!id_valid(f->name))
		return bad(p, &l, "%s: names must match [a-z][a-z0-9_]*",
			   what);
	if (!json_is_object(spec))
		return bad(p, &l, "%s: must be an object", what);
	rc = check_keys(p, spec, keys, &l, what);
	if (!rc)
		rc = get_text(p, spec, "label", true, &l, what, &f->label);
	if (rc)
		return rc;
	type = json_string_value(json_object_get(spec, "type"));
	for (i = 0; type && i < ARRAY_SIZE(field_types); i++)
		if (strcmp(field_types[i].name, type) == 0)
			f->type = field_types[i].type;
	if (!f->type)
		return bad(p, LOC("fields", f->name, "type", NULL),
			   "%s: type must be text, int, date, enum, dept, "
			   "user, case or file", what);
	f->min = 0;
	f->max = f->type == WF_TEXT ? TEXT_DEFAULT_MAX :
		 f->type == WF_FILE ? FILE_DEFAULT_MAX : 1000000000;
	if (json_object_get(spec, "max"))
		rc = get_int(p, spec, "max", 1, 1000000000, &l, what, &f->max);
	if (!rc && json_object_get(spec, "min"))
		rc = get_int(p, spec, "min", -1000000000, f->max, &l, what,
			     &f->min);
	if (!rc)
		rc = get_bool(p, spec, "multiple", &l, what, &f->multiple);
	if (!rc && f->multiple && f->type != WF_DEPT)
		rc = bad(p, &l, "%s: only dept fields may be multiple (a file "
			 "field always holds a list)", what);
	if (!rc && f->type == WF_FILE && json_object_get(spec, "min"))
		rc = bad(p, LOC("fields", f->name, "min", NULL), "%s: a file "
			 "field has no min (make it required instead)", what);
	if (!rc && f->type == WF_FILE)
		f->multiple = true;
	if (!rc && f->type == WF_ENUM)
		rc = parse_options(p, f, json_object_get(spec, "values"), &l);
	else if (!rc && json_object_get(spec, "values"))
		rc = bad(p, LOC("fields", f->name, "values", NULL),
			 "%s: only enum fields have values", what);
	return rc;
}

static int parse_fields(struct parser *p, json_t *root)
{
	json_t *fields = json_object_get(root, "fields"), *spec;
	struct workflow *w = p->w;
	const char *name;
	int rc;

	if (!json_is_object(fields))
		return bad(p, LOC(NULL, NULL, "fields", NULL),
			   "\"fields\" must be an object");
	w->fields = xcalloc(json_object_size(fields) + 1, sizeof(*w->fields));
	json_object_foreach(fields, name, spec) {
		struct wf_field *f = &w->fields[w->nfields++];

		f->name = xstrdup(name);
		rc = parse_field(p, f, spec);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- states ---- */

/* Item i of the list of states. */
static int parse_state(struct parser *p, json_t *states, size_t i)
{
	static const char *const keys[] = { "id", "label", "final", "note",
					    NULL };
	json_t *s = json_array_get(states, i);
	struct wf_state *st = &p->w->states[i];
	struct loc l = { "states", NULL, NULL, NULL, 0 };
	char what[64];
	int rc = item_id(p, states, i, "states", "state", &st->id,
			 &p->w->nstates);

	if (rc)
		return rc;
	l.obj = st->id;
	snprintf(what, sizeof(what), "state \"%s\"", st->id);
	rc = check_keys(p, s, keys, &l, what);
	if (!rc)
		rc = get_text(p, s, "label", true, &l, what, &st->label);
	if (!rc)
		rc = get_bool(p, s, "final", &l, what, &st->final);
	return rc;
}

static int parse_states(struct parser *p, json_t *root)
{
	json_t *states;
	size_t i;
	int rc = section_list(p, root, "states", true, &states);

	if (!rc)
		p->w->states = xcalloc(json_array_size(states),
				       sizeof(*p->w->states));
	for (i = 0; !rc && i < json_array_size(states); i++)
		rc = parse_state(p, states, i);
	return rc;
}

/* ---- actions ---- */

static int field_list(struct parser *p, json_t *a, const char *key,
		      struct wf_action *act, const struct wf_field ***out,
		      size_t *n)
{
	struct loc l = { "actions", act->id, key, NULL, 0 };
	char **names;
	size_t i, cnt;
	int rc;

	rc = get_names(p, json_object_get(a, key), &l, "action", &names,
		       &cnt);
	*out = xcalloc(cnt + 1, sizeof(**out));
	*n = 0;
	for (i = 0; !rc && i < cnt; i++) {
		const struct wf_field *f = wf_field(p->w, names[i]);

		l.value = names[i];
		if (!f)
			rc = bad(p, &l, "action \"%s\": unknown field \"%s\" "
				 "in %s", act->id, names[i], key);
		else if (wf_action_has_field(act, f))
			rc = bad(p, &l, "action \"%s\": field \"%s\" listed "
				 "twice", act->id, names[i]);
		else
			(*out)[(*n)++] = f;
	}
	wfp_free_strv(names, cnt);
	return rc;
}

static int parse_from_to(struct parser *p, json_t *a,
			 struct wf_action *act)
{
	json_t *from = json_object_get(a, "from");
	const char *to = json_string_value(json_object_get(a, "to"));
	struct loc l = { "actions", act->id, "from", NULL, 0 };
	size_t i;
	int rc;

	if (!json_object_get(a, "from"))
		return bad(p, &l, "action \"%s\": missing \"from\" (use null "
			   "for the create action)", act->id);
	act->create = json_is_null(from) ||
		      (json_is_string(from) && !*json_string_value(from));
	if (!act->create) {
		rc = get_names(p, from, &l, "action", &act->from, &act->nfrom);
		if (rc)
			return rc;
		if (act->nfrom == 0)
			return bad(p, &l, "action \"%s\": \"from\" is empty",
				   act->id);
	}
	for (i = 0; i < act->nfrom; i++) {
		l.value = act->from[i];
		if (!wf_state(p->w, act->from[i]))
			return bad(p, &l, "action \"%s\": unknown state \"%s\" "
				   "in from", act->id, act->from[i]);
	}
	l.key = "to";
	l.value = to;
	if (json_object_get(a, "to") && !to)
		return bad(p, &l, "action \"%s\": \"to\" must be a state id",
			   act->id);
	if (to && !(act->to = wf_state(p->w, to)))
		return bad(p, &l, "action \"%s\": unknown state \"%s\" in to",
			   act->id, to);
	if (act->create && !act->to)
		return bad(p, &l, "action \"%s\": the create action needs "
			   "\"to\"", act->id);
	return 0;
}

/* An effect that names a field of the action of a given type. */
static int effect_field(struct parser *p, json_t *eff, const char *key,
			struct wf_action *act, enum wf_type type,
			const struct wf_field **out)
{
	const char *name = json_string_value(json_object_get(eff, key));
	struct loc l = { "actions", act->id, key, name, 0 };
	const struct wf_field *f;

	if (!json_object_get(eff, key))
		return 0;
	f = wf_field(p->w, name);
	if (!f || f->type != type || f->multiple ||
	    !wf_action_has_field(act, f))
		return bad(p, &l, "action \"%s\": effect \"%s\" must name a "
			   "%s field of the action", act->id, key,
			   type == WF_DEPT ? "dept" : type == WF_USER ? "user" :
			   "case");
	*out = f;
	return 0;
}

static int parse_effects(struct parser *p, json_t *a,
			 struct wf_action *act)
{
	static const char *const keys[] = {
		"legal_review", "to_origin", "set_dept", "set_assignee",
		"merge_into", NULL };
	json_t *eff = json_object_get(a, "effects");
	struct loc l = { "actions", act->id, "effects", NULL, 0 };
	char what[64];
	int rc;

	if (!eff)
		return 0;
	snprintf(what, sizeof(what), "action \"%s\" effects", act->id);
	if (!json_is_object(eff))
		return bad(p, &l, "%s: must be an object", what);
	rc = check_keys(p, eff, keys, &l, what);
	if (!rc)
		rc = get_bool(p, eff, "legal_review", &l, what,
			      &act->legal_review);
	if (!rc)
		rc = get_bool(p, eff, "to_origin", &l, what, &act->to_origin);
	if (!rc)
		rc = effect_field(p, eff, "set_dept", act, WF_DEPT,
				  &act->set_dept);
	if (!rc)
		rc = effect_field(p, eff, "set_assignee", act, WF_USER,
				  &act->set_assignee);
	if (!rc)
		rc = effect_field(p, eff, "merge_into", act, WF_CASE,
				  &act->merge_into);
	if (!rc && act->to_origin && act->set_dept)
		rc = bad(p, &l, "%s: to_origin and set_dept exclude each "
			 "other", what);
	return rc;
}

static int parse_scope(struct parser *p, json_t *a, struct wf_action *act)
{
	const char *s = json_string_value(json_object_get(a, "scope"));

	if (!json_object_get(a, "scope") || (s && !strcmp(s, "any")))
		act->scope = WF_SCOPE_ANY;
	else if (s && !strcmp(s, "handling"))
		act->scope = WF_SCOPE_HANDLING;
	else if (s && !strcmp(s, "origin"))
		act->scope = WF_SCOPE_ORIGIN;
	else
		return bad(p, LOC("actions", act->id, "scope", s),
			   "action \"%s\": scope must be any, handling or "
			   "origin", act->id);
	return 0;
}

static int parse_action(struct parser *p, json_t *a, struct wf_action *act,
			size_t idx)
{
	static const char *const keys[] = {
		"id", "label", "from", "to", "roles", "required", "optional",
		"basis", "scope", "within", "after", "effects", "note",
		NULL };
	struct loc l = { "actions", act->id, NULL, NULL, 0 };
	const char *within = json_string_value(json_object_get(a, "within"));
	char what[64];
	int rc;

	snprintf(what, sizeof(what), "action \"%s\"", act->id);
	rc = check_keys(p, a, keys, &l, what);
	if (!rc)
		rc = get_text(p, a, "label", true, &l, what, &act->label);
	if (!rc)
		rc = parse_from_to(p, a, act);
	if (!rc)
		rc = get_roles(p, a, "roles", &l, what, &act->roles);
	if (!rc)
		rc = field_list(p, a, "required", act, &act->required,
				&act->nrequired);
	if (!rc)
		rc = field_list(p, a, "optional", act, &act->optional,
				&act->noptional);
	if (!rc)
		rc = get_text(p, a, "basis", true, &l, what, &act->basis);
	if (!rc)
		rc = parse_scope(p, a, act);
	if (!rc)
		rc = parse_effects(p, a, act);
	if (!rc && json_object_get(a, "within") && !within)
		rc = bad(p, LOC("actions", act->id, "within", NULL),
			 "%s: \"within\" must name a clock", what);
	if (!rc && within)
		p->within[idx] = xstrdup(within);
	if (!rc)
		p->after[idx] = json_object_get(a, "after");
	if (!rc && act->create && p->w->create)
		rc = second(p, "actions", "action", act->id, "from",
			    "create action", p->w->create->id);
	if (!rc && act->create)
		p->w->create = act;
	return rc;
}

static int parse_actions(struct parser *p, json_t *root)
{
	struct workflow *w = p->w;
	json_t *actions;
	size_t i, n;
	int rc = section_list(p, root, "actions", true, &actions);

	if (rc)
		return rc;
	n = json_array_size(actions);
	w->actions = xcalloc(n, sizeof(*w->actions));
	p->within = xcalloc(n, sizeof(char *));
	p->after = xcalloc(n, sizeof(json_t *));
	for (i = 0; !rc && i < n; i++) {
		rc = item_id(p, actions, i, "actions", "action",
			     &w->actions[i].id, &w->nactions);
		if (!rc)
			rc = parse_action(p, json_array_get(actions, i),
					  &w->actions[i], i);
	}
	if (!rc && !w->create)
		rc = bad(p, LOC(NULL, NULL, "actions", NULL),
			 "no create action (one action needs \"from\": "
			 "null)");
	return rc;
}

/* ---- clocks ---- */

static int action_list(struct parser *p, json_t *c, const char *key,
		       const struct wf_clock *clk,
		       const struct wf_action ***out, size_t *n)
{
	struct loc l = { "clocks", clk->id, key, NULL, 0 };
	char **names;
	size_t i, cnt;
	int rc;

	rc = get_names(p, json_object_get(c, key), &l, "clock", &names, &cnt);
	*out = xcalloc(cnt + 1, sizeof(**out));
	*n = 0;
	for (i = 0; !rc && i < cnt; i++) {
		const struct wf_action *a = wf_action(p->w, names[i]);

		l.value = names[i];
		if (!a)
			rc = bad(p, &l, "clock \"%s\": unknown action \"%s\" "
				 "in %s", clk->id, names[i], key);
		else
			(*out)[(*n)++] = a;
	}
	wfp_free_strv(names, cnt);
	return rc;
}

static int parse_unit(struct parser *p, json_t *c, struct wf_clock *clk)
{
	const char *u = json_string_value(json_object_get(c, "unit"));

	if (u && strcmp(u, "working") == 0)
		clk->unit = CAL_WORKING_DAYS;
	else if (u && strcmp(u, "calendar") == 0)
		clk->unit = CAL_CALENDAR_DAYS;
	else
		return bad(p, LOC("clocks", clk->id, "unit", u),
			   "clock \"%s\": unit must be \"working\" or "
			   "\"calendar\"", clk->id);
	return 0;
}

static int parse_length_by(struct parser *p, json_t *c,
			   struct wf_clock *clk)
{
	json_t *by = json_object_get(c, "length_by"), *vals, *v;
	const char *name = json_string_value(json_object_get(by, "field"));
	struct loc l = { "clocks", clk->id, "length_by", NULL, 0 };
	const struct wf_option *o;
	const char *key;

	if (!by)
		return 0;
	vals = json_object_get(by, "values");
	clk->length_by = wf_field(p->w, name);
	if (!clk->length_by || clk->length_by->type != WF_ENUM ||
	    !json_is_object(vals) || json_object_size(by) != 2)
		return bad(p, &l, "clock \"%s\": length_by needs {\"field\": "
			   "an enum field, \"values\": {value: length}}",
			   clk->id);
	clk->lengths = xcalloc(clk->length_by->nvalues, sizeof(int));
	json_object_foreach(vals, key, v) {
		l.value = key;
		o = wfp_option(clk->length_by, key);
		if (!o)
			return bad(p, &l, "clock \"%s\": \"%s\" is not a value "
				   "of field \"%s\"", clk->id, key, name);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > LIMIT_MAX)
			return bad(p, &l, "clock \"%s\": length for \"%s\" "
				   "must be a positive integer", clk->id, key);
		clk->lengths[o - clk->length_by->values] =
			(int)json_integer_value(v);
	}
	return 0;
}

/* The int field of the extension's action that asks for the days. */
static int ext_days_field(struct parser *p, json_t *ext,
			  struct wf_clock *clk, const char *what)
{
	const char *days = json_string_value(json_object_get(ext,
							     "days_field"));
	struct loc l = { "clocks", clk->id, "days_field", days, 0 };

	if (!json_object_get(ext, "days_field"))
		return 0;
	clk->ext_days_field = wf_field(p->w, days);
	if (!clk->ext_days_field || clk->ext_days_field->type != WF_INT ||
	    !wf_action_has_field(clk->ext_action, clk->ext_days_field))
		return bad(p, &l, "%s: days_field must be an int field of "
			   "action \"%s\"", what, clk->ext_action->id);
	return 0;
}

static int parse_extension(struct parser *p, json_t *c,
			   struct wf_clock *clk)
{
	static const char *const keys[] = {
		"action", "length", "max", "roles", "days_field",
		"before_due", "note", NULL };
	json_t *ext = json_object_get(c, "extension");
	const char *act = json_string_value(json_object_get(ext, "action"));
	struct loc l = { "clocks", clk->id, "extension", NULL, 0 };
	char what[64];
	int64_t n = 0;
	int rc;

	if (!ext)
		return 0;
	snprintf(what, sizeof(what), "clock \"%s\" extension", clk->id);
	if (!json_is_object(ext))
		return bad(p, &l, "%s: must be an object", what);
	rc = check_keys(p, ext, keys, &l, what);
	if (rc)
		return rc;
	l.value = act;
	clk->ext_action = wf_action(p->w, act);
	if (!clk->ext_action)
		return bad(p, &l, "%s: unknown action \"%s\"", what,
			   act ? act : "?");
	l.value = NULL;
	rc = get_int(p, ext, "length", 1, LIMIT_MAX, &l, what, &n);
	clk->ext_length = (int)n;
	if (!rc)
		rc = get_int(p, ext, "max", 1, 100, &l, what, &n);
	clk->ext_max = (int)n;
	if (!rc)
		rc = get_roles(p, ext, "roles", &l, what, &clk->ext_roles);
	if (!rc)
		rc = get_bool(p, ext, "before_due", &l, what,
			      &clk->ext_before_due);
	if (!rc)
		rc = ext_days_field(p, ext, clk, what);
	return rc;
}

static int check_start_field(struct parser *p, json_t *c,
			     struct wf_clock *clk)
{
	const char *name = json_string_value(json_object_get(c,
							     "start_field"));
	struct loc l = { "clocks", clk->id, "start_field", name, 0 };
	size_t i;

	if (!json_object_get(c, "start_field"))
		return 0;
	clk->start_field = wf_field(p->w, name);
	if (!clk->start_field || clk->start_field->type != WF_DATE)
		return bad(p, &l, "clock \"%s\": start_field must name a date "
			   "field", clk->id);
	for (i = 0; i < clk->nstart; i++)
		if (!wf_action_has_field(clk->start[i], clk->start_field))
			return bad(p, &l, "clock \"%s\": start action \"%s\" "
				   "has no field \"%s\"", clk->id,
				   clk->start[i]->id, name);
	for (i = 0; i < clk->nrestart; i++)
		if (!wf_action_has_field(clk->restart[i], clk->start_field))
			return bad(p, &l, "clock \"%s\": restart action \"%s\" "
				   "has no field \"%s\"", clk->id,
				   clk->restart[i]->id, name);
	return 0;
}

/* "late_field": a text field each stop action offers, so that a late
 * stop can always be given its reason. */
static int check_late_field(struct parser *p, json_t *c,
			    struct wf_clock *clk)
{
	const char *name = json_string_value(json_object_get(c, "late_field"));
	struct loc l = { "clocks", clk->id, "late_field", name, 0 };
	size_t i;

	if (!json_object_get(c, "late_field"))
		return 0;
	clk->late_field = wf_field(p->w, name);
	if (!clk->late_field || clk->late_field->type != WF_TEXT)
		return bad(p, &l, "clock \"%s\": late_field must name a text "
			   "field", clk->id);
	if (clk->window || clk->nstop == 0)
		return bad(p, &l, "clock \"%s\": late_field needs a supervised "
			   "clock with stop actions", clk->id);
	for (i = 0; i < clk->nstop; i++)
		if (!wf_action_has_field(clk->stop[i], clk->late_field))
			return bad(p, &l, "clock \"%s\": stop action \"%s\" "
				   "has no field \"%s\"", clk->id,
				   clk->stop[i]->id, name);
	return 0;
}

/* Stop, pause and resume lists must not contradict the start list. */
static int check_clock_lists(struct parser *p, const struct wf_clock *clk)
{
	struct loc l = { "clocks", clk->id, NULL, NULL, 0 };
	size_t i;

	if (clk->nstart == 0)
		return bad(p, LOC("clocks", clk->id, "start", NULL),
			   "clock \"%s\": missing \"start\"", clk->id);
	if (!clk->npause != !clk->nresume)
		return bad(p, &l, "clock \"%s\": pause and resume go together",
			   clk->id);
	l.key = "stop";
	for (i = 0; i < clk->nstop; i++) {
		const struct wf_action *a = clk->stop[i];

		l.value = a->id;
		if (engine_action_listed(clk->start, clk->nstart, a))
			return bad(p, &l, "clock \"%s\": action \"%s\" both "
				   "starts and stops it", clk->id, a->id);
	}
	l.key = "restart";
	for (i = 0; i < clk->nrestart; i++) {
		const struct wf_action *a = clk->restart[i];

		l.value = a->id;
		if (engine_action_listed(clk->start, clk->nstart, a) ||
		    engine_action_listed(clk->stop, clk->nstop, a) ||
		    engine_action_listed(clk->pause, clk->npause, a))
			return bad(p, &l, "clock \"%s\": action \"%s\" "
				   "restarts it and also starts, stops or "
				   "pauses it", clk->id, a->id);
	}
	l.key = "pause";
	for (i = 0; i < clk->npause; i++) {
		const struct wf_action *a = clk->pause[i];

		l.value = a->id;
		if (engine_action_listed(clk->resume, clk->nresume, a) ||
		    engine_action_listed(clk->stop, clk->nstop, a))
			return bad(p, &l, "clock \"%s\": action \"%s\" pauses "
				   "it and also resumes or stops it", clk->id,
				   a->id);
	}
	return 0;
}

/* The actions that start, stop, pause and resume the clock. */
static int parse_clock_actions(struct parser *p, json_t *c,
			       struct wf_clock *clk)
{
	int rc = action_list(p, c, "start", clk, &clk->start, &clk->nstart);

	if (!rc)
		rc = action_list(p, c, "stop", clk, &clk->stop, &clk->nstop);
	if (!rc)
		rc = action_list(p, c, "pause", clk, &clk->pause, &clk->npause);
	if (!rc)
		rc = action_list(p, c, "resume", clk, &clk->resume,
				 &clk->nresume);
	if (!rc)
		rc = action_list(p, c, "restart", clk, &clk->restart,
				 &clk->nrestart);
	if (!rc)
		rc = check_clock_lists(p, clk);
	if (!rc)
		rc = check_start_field(p, c, clk);
	return rc;
}

static int parse_clock(struct parser *p, json_t *c, struct wf_clock *clk)
{
	static const char *const keys[] = {
		"id", "label", "unit", "length", "length_by", "start",
		"start_field", "stop", "pause", "resume", "restart",
		"extension", "basis", "window", "primary", "holiday_shift",
		"late_field", "note", NULL };
	struct loc l = { "clocks", clk->id, NULL, NULL, 0 };
	char what[64];
	int64_t n = 0;
	int rc;

	snprintf(what, sizeof(what), "clock \"%s\"", clk->id);
	rc = check_keys(p, c, keys, &l, what);
	if (!rc)
		rc = get_text(p, c, "label", true, &l, what, &clk->label);
	if (!rc)
		rc = get_text(p, c, "basis", true, &l, what, &clk->basis);
	if (!rc)
		rc = parse_unit(p, c, clk);
	if (!rc)
		rc = get_int(p, c, "length", 1, LIMIT_MAX, &l, what, &n);
	clk->length = (int)n;
	if (!rc)
		rc = parse_length_by(p, c, clk);
	if (!rc)
		rc = parse_clock_actions(p, c, clk);
	if (!rc)
		rc = parse_extension(p, c, clk);
	if (!rc)
		rc = get_bool(p, c, "window", &l, what, &clk->window);
	if (!rc)
		rc = get_bool(p, c, "primary", &l, what, &clk->primary);
	clk->holiday_shift = true;
	if (!rc && json_object_get(c, "holiday_shift"))
		rc = get_bool(p, c, "holiday_shift", &l, what,
			      &clk->holiday_shift);
	if (!rc)
		rc = check_late_field(p, c, clk);
	if (!rc && clk->primary && p->w->primary)
		rc = second(p, "clocks", "clock", clk->id, "primary",
			    "primary clock", p->w->primary->id);
	if (!rc && clk->primary)
		p->w->primary = clk;
	return rc;
}

static int parse_clocks(struct parser *p, json_t *root)
{
	struct workflow *w = p->w;
	json_t *clocks;
	size_t i;
	int rc;

	if (!json_object_get(root, "clocks"))
		return 0;
	rc = section_list(p, root, "clocks", false, &clocks);
	if (!rc)
		w->clocks = xcalloc(json_array_size(clocks) + 1,
				    sizeof(*w->clocks));
	for (i = 0; !rc && i < json_array_size(clocks); i++) {
		rc = item_id(p, clocks, i, "clocks", "clock", &w->clocks[i].id,
			     &w->nclocks);
		if (!rc)
			rc = parse_clock(p, json_array_get(clocks, i),
					 &w->clocks[i]);
	}
	return rc;
}

/* ---- cross-checks ---- */

/* "after": window clocks that must have run out (when started and not
 * stopped) before the action may be taken. */
static int resolve_after(struct parser *p, struct wf_action *act,
			 json_t *names)
{
	struct loc l = { "actions", act->id, "after", NULL, 0 };
	char what[64], **v;
	size_t n, i;
	int rc;

	snprintf(what, sizeof(what), "action \"%s\"", act->id);
	rc = get_names(p, names, &l, what, &v, &n);
	act->after = xcalloc(n + 1, sizeof(*act->after));
	for (i = 0; !rc && i < n; i++) {
		const struct wf_clock *c = wf_clock(p->w, v[i]);

		l.value = v[i];
		if (!c || !c->window)
			rc = bad(p, &l, "%s: \"after\" must name window "
				 "clocks", what);
		else
			act->after[act->nafter++] = c;
	}
	wfp_free_strv(v, n);
	return rc;
}

static int resolve_within(struct parser *p)
{
	struct workflow *w = p->w;
	size_t i;
	int rc;

	for (i = 0; i < w->nactions; i++) {
		rc = p->after[i] ? resolve_after(p, &w->actions[i],
						 p->after[i]) : 0;
		if (rc)
			return rc;
	}
	for (i = 0; i < w->nactions; i++) {
		const char *id = w->actions[i].id, *name = p->within[i];
		const struct wf_clock *c;

		if (!name)
			continue;
		c = wf_clock(w, name);
		if (!c || !c->window)
			return bad(p, LOC("actions", id, "within", name),
				   "action \"%s\": \"within\" must name a "
				   "window clock", id);
		w->actions[i].within = c;
	}
	return 0;
}

static int summary_field(struct parser *p, json_t *root, const char *key,
			 bool need_enum, const struct wf_field **out)
{
	const char *name = json_string_value(json_object_get(root, key));

	if (!json_object_get(root, key))
		return 0;
	*out = wf_field(p->w, name);
	if (!*out || (need_enum && (*out)->type != WF_ENUM) ||
	    (!need_enum && (*out)->type != WF_TEXT))
		return bad(p, LOC(NULL, NULL, key, name),
			   "%s must name %s field", key,
			   need_enum ? "an enum" : "a text");
	return 0;
}

/* Mark the states a case can reach from the create action. */
static void reach(const struct workflow *w, bool *seen)
{
	bool more = true;
	size_t i, j;

	seen[w->create->to - w->states] = true;
	while (more) {
		more = false;
		for (i = 0; i < w->nactions; i++) {
			const struct wf_action *a = &w->actions[i];
			size_t to;

			if (!a->to || seen[a->to - w->states])
				continue;
			to = (size_t)(a->to - w->states);
			for (j = 0; j < a->nfrom; j++)
				if (seen[wf_state(w, a->from[j]) - w->states])
					seen[to] = more = true;
		}
	}
}

static int check_state(struct parser *p, const struct wf_state *s,
		       bool seen)
{
	const struct workflow *w = p->w;
	struct loc l = { "states", s->id, NULL, NULL, 0 };
	bool out = false;
	size_t i;

	for (i = 0; i < w->nactions; i++) {
		const struct wf_action *a = &w->actions[i];

		if (!wf_action_from(a, s->id))
			continue;
		if (s->final)
			return bad(p, &l, "state \"%s\" is final but action "
				   "\"%s\" starts from it", s->id, a->id);
		if (a->to && a->to != s)
			out = true;
	}
	if (!s->final && !out)
		return bad(p, &l, "state \"%s\" is not final and no action "
			   "leads out of it", s->id);
	if (!seen)
		return bad(p, &l, "state \"%s\" cannot be reached from the "
			   "create action", s->id);
	return 0;
}

static int check_graph(struct parser *p)
{
	const struct workflow *w = p->w;
	bool *seen = xcalloc(w->nstates, sizeof(bool)), any_final = false;
	size_t i;
	int rc = 0;

	reach(w, seen);
	for (i = 0; !rc && i < w->nstates; i++) {
		rc = check_state(p, &w->states[i], seen[i]);
		any_final |= w->states[i].final;
	}
	free(seen);
	if (!rc && !any_final)
		rc = bad(p, LOC(NULL, NULL, "states", NULL),
			 "no final state");
	return rc;
}

static int parse_definition(struct parser *p, json_t *root)
{
	struct workflow *w = p->w;
	int rc;

	rc = parse_header(p, root);
	if (!rc)
		rc = parse_fields(p, root);
	if (!rc)
		rc = parse_states(p, root);
	if (!rc)
		rc = parse_actions(p, root);
	if (!rc)
		rc = parse_clocks(p, root);
	if (!rc)
		rc = resolve_within(p);
	if (!rc)
		rc = summary_field(p, root, "title_field", false,
				   &w->title_field);
	if (!rc)
		rc = summary_field(p, root, "channel_field", true,
				   &w->channel_field);
	if (!rc)
		rc = summary_field(p, root, "category_field", true,
				   &w->category_field);
	if (!rc)
		rc = check_graph(p);
	return rc;
}

int wfp_parse(struct workflow *w, const char *text, json_t *root,
	      struct fz_err *err)
{
	struct parser p = { w->path, text, err, w, NULL, NULL };
	size_t i;
	int rc = parse_definition(&p, root);

	if (p.within) {
		for (i = 0; i < w->nactions; i++)
			free(p.within[i]);
		free(p.within);
	}
	free(p.after);
	return rc;
}

/* ---- across files ---- */

/* Two files for one procedure and version, or two procedures numbering
 * their cases alike (the numbers would collide): name both files.  The
 * text is read again only to find the line. */
int wfp_check_unique(struct workflow *const *v, size_t n,
		     struct workflow *w, struct fz_err *err)
{
	struct parser p = { w->path, NULL, err, w, NULL, NULL };
	struct buf b = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < n; i++) {
		const struct workflow *o = v[i];
		bool same = strcmp(o->procedure, w->procedure) == 0;

		if (same && o->version != w->version)
			continue;
		if (!same && strcmp(o->number_format, w->number_format))
			continue;
		read_file(w->path, &b, DEF_MAX_BYTES);
		p.text = buf_cstr(&b);
		if (same)
			rc = bad(&p, LOC(NULL, NULL, "version", NULL),
				 "procedure \"%s\" version %d is also defined "
				 "in %s", w->procedure, w->version, o->path);
		else
			rc = bad(&p, LOC(NULL, NULL, "number_format", NULL),
				 "number_format is also used by procedure "
				 "\"%s\" in %s", o->procedure, o->path);
	}
	buf_release(&b);
	return rc;
}
