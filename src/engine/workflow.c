/* workflow.c: procedure definitions — loading, validation and lookup */
#include "engine/workflow.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/utf8.h"

#define DEF_MAX_BYTES (1 << 20)
#define TEXT_DEFAULT_MAX 2000
#define LABEL_MAX_BYTES 60  /* 20 Chinese characters */
#define LIMIT_MAX 3650      /* days: nothing statutory runs ten years */
#define NOT_FOUND ((size_t)-1)

/* ---- the registry ---- */

struct registry {
	struct workflow **v;
	size_t n;
	struct registry *older;     /* replaced registries, kept alive */
};

static struct registry *current;

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void workflow_free(struct workflow *w)
{
	size_t i, j;

	if (!w)
		return;
	for (i = 0; i < w->nstates; i++) {
		free(w->states[i].id);
		free(w->states[i].label);
	}
	for (i = 0; i < w->nfields; i++) {
		struct wf_field *f = &w->fields[i];

		free(f->name);
		free(f->label);
		for (j = 0; j < f->nvalues; j++) {
			free(f->values[j].id);
			free(f->values[j].label);
		}
		free(f->values);
	}
	for (i = 0; i < w->nactions; i++) {
		struct wf_action *a = &w->actions[i];

		free(a->id);
		free(a->label);
		free_strv(a->from, a->nfrom);
		free(a->required);
		free(a->optional);
		free(a->basis);
	}
	for (i = 0; i < w->nclocks; i++) {
		struct wf_clock *c = &w->clocks[i];

		free(c->id);
		free(c->label);
		free(c->basis);
		free(c->lengths);
		free(c->start);
		free(c->stop);
		free(c->pause);
		free(c->resume);
	}
	free(w->states);
	free(w->fields);
	free(w->actions);
	free(w->clocks);
	free(w->procedure);
	free(w->title);
	free(w->legal_basis);
	free(w->number_format);
	free(w->path);
	free(w);
}

static void registry_free(struct registry *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		workflow_free(r->v[i]);
	free(r->v);
	free(r);
}

void workflows_unload(void)
{
	while (current) {
		struct registry *older = current->older;

		registry_free(current);
		current = older;
	}
}

static char default_dir[4096];
static pthread_once_t default_dir_once = PTHREAD_ONCE_INIT;

/* <source>/workflows, from the data directory the build names. */
static void init_default_dir(void)
{
	const char *data = FAZHI_SOURCE_DATA_DIR;
	size_t n = strlen(data);

	if (n >= 5 && strcmp(data + n - 5, "/data") == 0)
		n -= 5;
	snprintf(default_dir, sizeof(default_dir), "%.*s/workflows", (int)n,
		 data);
}

const char *workflows_default_dir(void)
{
	const char *env = getenv("FAZHI_WORKFLOWS");

	if (env && *env)
		return env;
	pthread_once(&default_dir_once, init_default_dir);
	return default_dir;
}

const struct workflow *workflow_find(const char *procedure,
				     int version)
{
	const struct workflow *best = NULL;
	size_t i;

	if (!current || !procedure)
		return NULL;
	for (i = 0; i < current->n; i++) {
		const struct workflow *w = current->v[i];

		if (strcmp(w->procedure, procedure))
			continue;
		if (version ? w->version == version :
		    !best || w->version > best->version)
			best = w;
	}
	return best;
}

size_t workflow_count(void)
{
	return current ? current->n : 0;
}

const struct workflow *workflow_at(size_t i)
{
	return current && i < current->n ? current->v[i] : NULL;
}

/* ---- lookups ---- */

const struct wf_state *wf_state(const struct workflow *w, const char *id)
{
	size_t i;

	for (i = 0; id && i < w->nstates; i++)
		if (strcmp(w->states[i].id, id) == 0)
			return &w->states[i];
	return NULL;
}

const struct wf_action *wf_action(const struct workflow *w,
				  const char *id)
{
	size_t i;

	for (i = 0; id && i < w->nactions; i++)
		if (strcmp(w->actions[i].id, id) == 0)
			return &w->actions[i];
	return NULL;
}

const struct wf_field *wf_field(const struct workflow *w,
				const char *name)
{
	size_t i;

	for (i = 0; name && i < w->nfields; i++)
		if (strcmp(w->fields[i].name, name) == 0)
			return &w->fields[i];
	return NULL;
}

const struct wf_clock *wf_clock(const struct workflow *w, const char *id)
{
	size_t i;

	for (i = 0; id && i < w->nclocks; i++)
		if (strcmp(w->clocks[i].id, id) == 0)
			return &w->clocks[i];
	return NULL;
}

const char *wf_state_label(const struct workflow *w, const char *id)
{
	const struct wf_state *s = w ? wf_state(w, id) : NULL;

	return s ? s->label : id ? id : "";
}

const char *wf_option_label(const struct wf_field *f, const char *id)
{
	size_t i;

	for (i = 0; id && i < f->nvalues; i++)
		if (strcmp(f->values[i].id, id) == 0)
			return f->values[i].label;
	return id ? id : "";
}

bool wf_action_from(const struct wf_action *a, const char *state)
{
	size_t i;

	for (i = 0; state && i < a->nfrom; i++)
		if (strcmp(a->from[i], state) == 0)
			return true;
	return false;
}

bool wf_action_has_field(const struct wf_action *a,
			 const struct wf_field *f)
{
	size_t i;

	for (i = 0; i < a->nrequired; i++)
		if (a->required[i] == f)
			return true;
	for (i = 0; i < a->noptional; i++)
		if (a->optional[i] == f)
			return true;
	return false;
}

int wf_clock_length(const struct wf_clock *c, const char *by_value)
{
	size_t i;

	if (!c->length_by || !by_value)
		return c->length;
	for (i = 0; i < c->length_by->nvalues; i++)
		if (strcmp(c->length_by->values[i].id, by_value) == 0)
			return c->lengths[i] ? c->lengths[i] : c->length;
	return c->length;
}

void wf_roles_text(roleset rs, struct buf *out)
{
	int i, n = 0;

	for (i = 0; i < ROLE_COUNT; i++) {
		if (!(rs & (1u << i)))
			continue;
		buf_printf(out, "%s%s", n++ ? "或" : "", role_name(i));
	}
}

void wf_format_number(const struct workflow *w, int year, int64_t seq,
		      struct buf *out)
{
	const char *p = w->number_format;

	while (*p) {
		if (str_starts(p, "{year}")) {
			buf_printf(out, "%d", year);
			p += strlen("{year}");
		} else if (str_starts(p, "{seq}")) {
			buf_printf(out, "%lld", (long long)seq);
			p += strlen("{seq}");
		} else if (str_starts(p, "{seq:")) {
			buf_printf(out, "%0*lld", p[5] - '0', (long long)seq);
			p += strlen("{seq:N}");
		} else {
			buf_putc(out, *p++);
		}
	}
}

/* ---- finding the line of a value ---- */

struct parser {
	const char *path;
	const char *text;
	struct fz_err *err;
	struct workflow *w;
	char **within;              /* per action: window clock id, resolved
				     * once the clocks are parsed */
};

/* What an error is about: the section key, the object in it (its "id",
 * or its key in "fields"), a key inside the object and the value;
 * `skip` passes over that many earlier objects of the same id (for a
 * duplicate, the second one is the one to show). */
struct loc {
	const char *section;
	const char *obj;
	const char *key;
	const char *value;
	int skip;
};

#define LOC(s, o, k, v) (&(struct loc){ (s), (o), (k), (v), 0 })

static size_t skip_ws(const char *t, size_t i)
{
	while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
		i++;
	return i;
}

/* Offset of the JSON string "s" at or after `from`. */
static size_t find_string(const char *t, size_t from, const char *s)
{
	size_t n = strlen(s);
	const char *p = t + from;

	while ((p = strchr(p, '"'))) {
		if (strncmp(p + 1, s, n) == 0 && p[n + 1] == '"' &&
		    (p == t || p[-1] != '\\'))
			return (size_t)(p - t);
		p++;
	}
	return NOT_FOUND;
}

/* Offset of the key "key" (a string followed by a colon). */
static size_t find_key(const char *t, size_t from, const char *key)
{
	size_t i = from;

	while ((i = find_string(t, i, key)) != NOT_FOUND) {
		if (t[skip_ws(t, i + strlen(key) + 2)] == ':')
			return i;
		i++;
	}
	return NOT_FOUND;
}

/* Offset of the member "id": "obj". */
static size_t find_id(const char *t, size_t from, const char *obj)
{
	size_t i = from, v;

	while ((i = find_key(t, i, "id")) != NOT_FOUND) {
		v = skip_ws(t, skip_ws(t, i + 4) + 1);
		if (find_string(t, v, obj) == v)
			return v;
		i++;
	}
	return NOT_FOUND;
}

static int line_of(const char *t, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off && t[i]; i++)
		if (t[i] == '\n')
			line++;
	return line;
}

/* Each step searches after the previous one; a step that finds nothing
 * is skipped, so the line falls back to the enclosing object. */
static int locate(const struct parser *p, const struct loc *l)
{
	size_t off = 0, at;

	if (l->section && (at = find_key(p->text, off, l->section)) !=
	    NOT_FOUND)
		off = at;
	if (l->obj) {
		bool field = l->section && strcmp(l->section, "fields") == 0;
		size_t from = off;
		int i;

		for (i = 0; i <= l->skip; i++) {
			at = field ? find_key(p->text, from, l->obj) :
			     find_id(p->text, from, l->obj);
			if (at == NOT_FOUND)
				break;
			off = at;
			from = at + 1;
		}
	}
	if (l->key && (at = find_key(p->text, off, l->key)) != NOT_FOUND)
		off = at;
	if (l->value && (at = find_string(p->text, off, l->value)) !=
	    NOT_FOUND)
		off = at;
	return line_of(p->text, off);
}

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
		       locate(p, l), msg);
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
	size_t i, j;

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
		for (j = 0; j < f->nvalues; j++)
			if (strcmp(f->values[j].id, id) == 0) {
				l.value = id;
				return bad(p, &l, "field \"%s\": duplicate "
					   "value \"%s\"", f->name, id);
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
	{ "case", WF_CASE },
};

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
			   "user or case", what);
	f->min = 0;
	f->max = f->type == WF_TEXT ? TEXT_DEFAULT_MAX : 1000000000;
	if (json_object_get(spec, "max"))
		rc = get_int(p, spec, "max", 1, 1000000000, &l, what, &f->max);
	if (!rc && json_object_get(spec, "min"))
		rc = get_int(p, spec, "min", -1000000000, f->max, &l, what,
			     &f->min);
	if (!rc)
		rc = get_bool(p, spec, "multiple", &l, what, &f->multiple);
	if (!rc && f->multiple && f->type != WF_DEPT)
		rc = bad(p, &l, "%s: only dept fields may be multiple", what);
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

static int parse_states(struct parser *p, json_t *root)
{
	static const char *const keys[] = { "id", "label", "final", "note",
					    NULL };
	json_t *states = json_object_get(root, "states"), *s;
	struct workflow *w = p->w;
	size_t i;
	int rc;

	if (!json_is_array(states) || json_array_size(states) == 0)
		return bad(p, LOC(NULL, NULL, "states", NULL),
			   "\"states\" must be a non-empty list");
	w->states = xcalloc(json_array_size(states), sizeof(*w->states));
	json_array_foreach(states, i, s) {
		struct wf_state *st = &w->states[w->nstates];
		const char *id = json_string_value(json_object_get(s, "id"));
		struct loc l = { "states", id, NULL, NULL, 0 };
		char what[64];

		snprintf(what, sizeof(what), "state \"%s\"", id ? id : "?");
		if (!json_is_object(s) || !id_valid(id))
			return bad(p, &l, "states[%zu]: needs an \"id\" "
				   "matching [a-z][a-z0-9_]*", i);
		if (wf_state(w, id)) {
			l.skip = 1;
			return bad(p, &l, "duplicate state id \"%s\"",
				   id);
		}
		st->id = xstrdup(id);
		w->nstates++;
		rc = check_keys(p, s, keys, &l, what);
		if (!rc)
			rc = get_text(p, s, "label", true, &l, what,
				      &st->label);
		if (!rc)
			rc = get_bool(p, s, "final", &l, what, &st->final);
		if (rc)
			return rc;
	}
	return 0;
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
	free_strv(names, cnt);
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
		"basis", "scope", "within", "effects", "note", NULL };
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
	return rc;
}

static int parse_actions(struct parser *p, json_t *root)
{
	json_t *actions = json_object_get(root, "actions"), *a;
	struct workflow *w = p->w;
	size_t i;
	int rc;

	if (!json_is_array(actions) || json_array_size(actions) == 0)
		return bad(p, LOC(NULL, NULL, "actions", NULL),
			   "\"actions\" must be a non-empty list");
	w->actions = xcalloc(json_array_size(actions), sizeof(*w->actions));
	p->within = xcalloc(json_array_size(actions), sizeof(char *));
	json_array_foreach(actions, i, a) {
		struct wf_action *act = &w->actions[w->nactions];
		const char *id = json_string_value(json_object_get(a, "id"));
		struct loc l = { "actions", id, NULL, NULL, 0 };

		if (!json_is_object(a) || !id_valid(id))
			return bad(p, &l, "actions[%zu]: needs an \"id\" "
				   "matching [a-z][a-z0-9_]*", i);
		if (wf_action(w, id)) {
			l.skip = 1;
			return bad(p, &l, "duplicate action id \"%s\"",
				   id);
		}
		act->id = xstrdup(id);
		w->nactions++;
		rc = parse_action(p, a, act, i);
		if (rc)
			return rc;
		if (act->create && w->create)
			return bad(p, LOC("actions", id, "from", NULL),
				   "action \"%s\": a second create action "
				   "(\"%s\" is one)", id, w->create->id);
		if (act->create)
			w->create = act;
	}
	if (!w->create)
		return bad(p, LOC(NULL, NULL, "actions", NULL),
			   "no create action (one action needs \"from\": "
			   "null)");
	return 0;
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
	free_strv(names, cnt);
	return rc;
}

static bool listed(const struct wf_action *const *v, size_t n,
		   const struct wf_action *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == a)
			return true;
	return false;
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
	const char *key;
	size_t i;

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
		for (i = 0; i < clk->length_by->nvalues; i++)
			if (strcmp(clk->length_by->values[i].id, key) == 0)
				break;
		if (i == clk->length_by->nvalues)
			return bad(p, &l, "clock \"%s\": \"%s\" is not a value "
				   "of field \"%s\"", clk->id, key, name);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > LIMIT_MAX)
			return bad(p, &l, "clock \"%s\": length for \"%s\" "
				   "must be a positive integer", clk->id, key);
		clk->lengths[i] = (int)json_integer_value(v);
	}
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
	const char *days = json_string_value(json_object_get(ext,
							     "days_field"));
	struct loc l = { "clocks", clk->id, "extension", NULL, 0 };
	char what[64];
	int64_t n;
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
	if (rc || !json_object_get(ext, "days_field"))
		return rc;
	l.key = "days_field";
	l.value = days;
	clk->ext_days_field = wf_field(p->w, days);
	if (!clk->ext_days_field || clk->ext_days_field->type != WF_INT ||
	    !wf_action_has_field(clk->ext_action, clk->ext_days_field))
		return bad(p, &l, "%s: days_field must be an int field of "
			   "action \"%s\"", what, clk->ext_action->id);
	return 0;
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
	for (i = 0; i < clk->nstop; i++) {
		l.key = "stop";
		l.value = clk->stop[i]->id;
		if (listed(clk->start, clk->nstart, clk->stop[i]))
			return bad(p, &l, "clock \"%s\": action \"%s\" both "
				   "starts and stops it", clk->id,
				   clk->stop[i]->id);
	}
	for (i = 0; i < clk->npause; i++) {
		l.key = "pause";
		l.value = clk->pause[i]->id;
		if (listed(clk->resume, clk->nresume, clk->pause[i]) ||
		    listed(clk->stop, clk->nstop, clk->pause[i]))
			return bad(p, &l, "clock \"%s\": action \"%s\" pauses "
				   "it and also resumes or stops it", clk->id,
				   clk->pause[i]->id);
	}
	return 0;
}

static int parse_clock(struct parser *p, json_t *c, struct wf_clock *clk)
{
	static const char *const keys[] = {
		"id", "label", "unit", "length", "length_by", "start",
		"start_field", "stop", "pause", "resume", "extension", "basis",
		"window", "primary", "holiday_shift", "note", NULL };
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
		rc = action_list(p, c, "start", clk, &clk->start, &clk->nstart);
	if (!rc)
		rc = action_list(p, c, "stop", clk, &clk->stop, &clk->nstop);
	if (!rc)
		rc = action_list(p, c, "pause", clk, &clk->pause, &clk->npause);
	if (!rc)
		rc = action_list(p, c, "resume", clk, &clk->resume,
				 &clk->nresume);
	if (!rc)
		rc = check_clock_lists(p, clk);
	if (!rc)
		rc = check_start_field(p, c, clk);
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
	return rc;
}

static int parse_clocks(struct parser *p, json_t *root)
{
	json_t *clocks = json_object_get(root, "clocks"), *c;
	struct workflow *w = p->w;
	size_t i;
	int rc;

	if (!clocks)
		return 0;
	if (!json_is_array(clocks))
		return bad(p, LOC(NULL, NULL, "clocks", NULL),
			   "\"clocks\" must be a list");
	w->clocks = xcalloc(json_array_size(clocks) + 1, sizeof(*w->clocks));
	json_array_foreach(clocks, i, c) {
		struct wf_clock *clk = &w->clocks[w->nclocks];
		const char *id = json_string_value(json_object_get(c, "id"));
		struct loc l = { "clocks", id, NULL, NULL, 0 };

		if (!json_is_object(c) || !id_valid(id))
			return bad(p, &l, "clocks[%zu]: needs an \"id\" "
				   "matching [a-z][a-z0-9_]*", i);
		if (wf_clock(w, id)) {
			l.skip = 1;
			return bad(p, &l, "duplicate clock id \"%s\"",
				   id);
		}
		clk->id = xstrdup(id);
		w->nclocks++;
		rc = parse_clock(p, c, clk);
		if (rc)
			return rc;
		if (clk->primary && w->primary)
			return bad(p, LOC("clocks", id, "primary", NULL),
				   "clock \"%s\": a second primary clock "
				   "(\"%s\" is one)", id, w->primary->id);
		if (clk->primary)
			w->primary = clk;
	}
	return 0;
}

/* ---- cross-checks ---- */

static int resolve_within(struct parser *p)
{
	struct workflow *w = p->w;
	size_t i;

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

/* Parse one file; NULL with err filled on any problem. */
static struct workflow *load_file(const char *path, struct fz_err *err)
{
	struct parser p = { path, NULL, err, NULL, NULL };
	struct buf b = BUF_INIT;
	json_error_t je;
	json_t *root;
	size_t i;
	int rc;

	if (read_file(path, &b, DEF_MAX_BYTES)) {
		buf_release(&b);
		fz_fail(err, 500, "bad_workflow", "%s: cannot read the file "
			"(missing, unreadable or over 1 MiB)", path);
		return NULL;
	}
	p.text = buf_cstr(&b);
	root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		fz_fail(err, 500, "bad_workflow", "%s:%d: %s", path, je.line,
			je.text);
		buf_release(&b);
		return NULL;
	}
	p.w = xcalloc(1, sizeof(*p.w));
	p.w->path = xstrdup(path);
	rc = parse_definition(&p, root);
	if (p.within) {
		for (i = 0; i < p.w->nactions; i++)
			free(p.within[i]);
		free(p.within);
	}
	json_decref(root);
	buf_release(&b);
	if (rc) {
		workflow_free(p.w);
		return NULL;
	}
	return p.w;
}

/* ---- the directory ---- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_defs(const void *a, const void *b)
{
	const struct workflow *x = *(struct workflow *const *)a;
	const struct workflow *y = *(struct workflow *const *)b;
	int c = strcmp(x->procedure, y->procedure);

	return c ? c : (x->version > y->version) - (x->version < y->version);
}

/* The *.json names in `dir`, sorted; NULL (err filled) when unreadable. */
static char **list_dir(const char *dir, size_t *n, struct fz_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d) {
		fz_fail(err, 500, "bad_workflow", "%s: cannot open the "
			"workflow directory", dir);
		return NULL;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (*n + 1 >= cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof(char *));
		}
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(char *), cmp_names);
	return v ? v : xcalloc(1, sizeof(char *));
}

/* Two files for one procedure and version, or two procedures numbering
 * their cases alike (the numbers would collide): name both files. */
static int check_unique(struct registry *r, struct workflow *w,
			struct fz_err *err)
{
	struct parser p = { w->path, NULL, err, w, NULL };
	struct buf b = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < r->n; i++) {
		const struct workflow *o = r->v[i];
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

int workflows_load(const char *dir, struct fz_err *err)
{
	struct registry *r = xcalloc(1, sizeof(*r));
	size_t n, i;
	char **names = list_dir(dir, &n, err);
	int rc = names ? 0 : FZ_ERR;

	if (names && n == 0)
		rc = fz_fail(err, 500, "bad_workflow", "%s: no *.json "
			     "procedure definitions", dir);
	r->v = xcalloc(n + 1, sizeof(*r->v));
	for (i = 0; !rc && i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		struct workflow *w = load_file(path, err);

		free(path);
		if (!w || check_unique(r, w, err)) {
			workflow_free(w);
			rc = FZ_ERR;
			break;
		}
		r->v[r->n++] = w;
	}
	if (names)
		free_strv(names, n);
	if (rc) {
		registry_free(r);
		return rc;
	}
	qsort(r->v, r->n, sizeof(*r->v), cmp_defs);
	r->older = current;
	current = r;
	return 0;
}
