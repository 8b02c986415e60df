/* workflow.c: procedure definitions — the registry, loading and lookup */
#include "engine/workflow.h"

#include <dirent.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine/wf_parse.h"

/* ---- the registry ---- */

struct registry {
	struct workflow **v;
	size_t n;
	struct registry *older;     /* replaced registries, kept alive */
};

static struct registry *current;

void wfp_free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void field_free(struct wf_field *f)
{
	size_t i;

	free(f->name);
	free(f->label);
	for (i = 0; i < f->nvalues; i++) {
		free(f->values[i].id);
		free(f->values[i].label);
	}
	free(f->values);
}

static void action_free(struct wf_action *a)
{
	free(a->id);
	free(a->label);
	wfp_free_strv(a->from, a->nfrom);
	free(a->required);
	free(a->optional);
	free(a->after);
	free(a->basis);
}

static void clock_free(struct wf_clock *c)
{
	free(c->id);
	free(c->label);
	free(c->basis);
	free(c->lengths);
	free(c->start);
	free(c->stop);
	free(c->pause);
	free(c->resume);
	free(c->restart);
}

static void workflow_free(struct workflow *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->nstates; i++) {
		free(w->states[i].id);
		free(w->states[i].label);
	}
	for (i = 0; i < w->nfields; i++)
		field_free(&w->fields[i]);
	for (i = 0; i < w->nactions; i++)
		action_free(&w->actions[i]);
	for (i = 0; i < w->nclocks; i++)
		clock_free(&w->clocks[i]);
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

/* The one of `n` structures of `size` bytes each, at `v`, whose name
 * (the char * at offset `off` in each) is `name`; NULL when there is
 * none or `name` is NULL.  States, actions, fields, clocks and options
 * are all found by name this way. */
static const void *by_name(const void *v, size_t n, size_t size, size_t off,
			   const char *name)
{
	const char *p = v;
	size_t i;

	for (i = 0; name && i < n; i++, p += size) {
		const char *s;

		memcpy(&s, p + off, sizeof(s));
		if (strcmp(s, name) == 0)
			return p;
	}
	return NULL;
}

#define BY_NAME(v, n, member, name) \
	by_name((v), (n), sizeof(*(v)), offsetof(__typeof__(*(v)), member), \
		(name))

const struct wf_state *wf_state(const struct workflow *w, const char *id)
{
	return BY_NAME(w->states, w->nstates, id, id);
}

const struct wf_action *wf_action(const struct workflow *w,
				  const char *id)
{
	return BY_NAME(w->actions, w->nactions, id, id);
}

const struct wf_field *wf_field(const struct workflow *w,
				const char *name)
{
	return BY_NAME(w->fields, w->nfields, name, name);
}

const struct wf_clock *wf_clock(const struct workflow *w, const char *id)
{
	return BY_NAME(w->clocks, w->nclocks, id, id);
}

const struct wf_option *wfp_option(const struct wf_field *f, const char *id)
{
	return BY_NAME(f->values, f->nvalues, id, id);
}

const char *wf_state_label(const struct workflow *w, const char *id)
{
	const struct wf_state *s = w ? wf_state(w, id) : NULL;

	return s ? s->label : id ? id : "";
}

const char *wf_option_label(const struct wf_field *f, const char *id)
{
	const struct wf_option *o = wfp_option(f, id);

	return o ? o->label : id ? id : "";
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
	const struct wf_option *o = c->length_by ?
		wfp_option(c->length_by, by_value) : NULL;
	size_t i = o ? (size_t)(o - c->length_by->values) : 0;

	return o && c->lengths[i] ? c->lengths[i] : c->length;
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

/* Parse one file; NULL with err filled on any problem. */
static struct workflow *load_file(const char *path, struct fz_err *err)
{
	struct buf b = BUF_INIT;
	struct workflow *w;
	json_error_t je;
	json_t *root;
	int rc;

	if (read_file(path, &b, DEF_MAX_BYTES)) {
		buf_release(&b);
		fz_fail(err, 500, "bad_workflow", "%s: cannot read the file "
			"(missing, unreadable or over 1 MiB)", path);
		return NULL;
	}
	root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		fz_fail(err, 500, "bad_workflow", "%s:%d: %s", path, je.line,
			je.text);
		buf_release(&b);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->path = xstrdup(path);
	rc = wfp_parse(w, buf_cstr(&b), root, err);
	json_decref(root);
	buf_release(&b);
	if (rc) {
		workflow_free(w);
		return NULL;
	}
	return w;
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
		if (!w || wfp_check_unique(r->v, r->n, w, err)) {
			workflow_free(w);
			rc = FZ_ERR;
			break;
		}
		r->v[r->n++] = w;
	}
	if (names)
		wfp_free_strv(names, n);
	if (rc) {
		registry_free(r);
		return rc;
	}
	qsort(r->v, r->n, sizeof(*r->v), cmp_defs);
	r->older = current;
	current = r;
	return 0;
}
