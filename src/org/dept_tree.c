/* dept_tree.c: the departments in tree order, for lists and <select>s */
#include "org/page_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/html.h"
#include "store/store.h"

/* The rows as read, in sort order, before they are placed in the tree. */
struct dept_read {
	struct dept *v;
	size_t n, cap;
	struct org_pool *strs;
};

static void dept_read_row(struct db_rows *rows, void *arg)
{
	struct dept_read *a = arg;
	struct dept *d;

	a->v = org_grow(a->v, a->n, &a->cap, 32, sizeof(*a->v));
	d = &a->v[a->n++];
	memset(d, 0, sizeof(*d));
	d->id = db_int(rows, 0);
	d->parent = db_int(rows, 1);
	d->code = org_pool_dup(a->strs, db_text(rows, 2));
	d->name = org_pool_dup(a->strs, db_text(rows, 3));
}

/* Placing the read rows depth first into `out`. */
struct placing {
	const struct dept *raw;
	size_t n;
	bool *used;
	struct dept *out;
	size_t k;
};

static void place_children(struct placing *p, int64_t parent, int depth);

/* Append raw row i at `depth`, then its subtree. */
static void place(struct placing *p, size_t i, int depth)
{
	p->used[i] = true;
	p->out[p->k] = p->raw[i];
	p->out[p->k++].depth = depth;
	place_children(p, p->raw[i].id, depth + 1);
}

static void place_children(struct placing *p, int64_t parent, int depth)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!p->used[i] && p->raw[i].parent == parent)
			place(p, i, depth);
}

int dept_tree_load(struct db *db, struct dept_tree *t)
{
	struct dept_read a = { 0 };
	struct db_rows *rows;
	struct placing p;
	size_t i;
	int rc;

	memset(t, 0, sizeof(*t));
	a.strs = &t->strs;
	rows = db_query(db, "SELECT id, parent_id, code, name FROM departments "
			"ORDER BY sort, name, id", "");
	rc = org_each_row(db, rows, dept_read_row, &a);
	if (rc < 0) {
		free(a.v);
		dept_tree_release(t);
		return rc;
	}
	p = (struct placing){ .raw = a.v, .n = a.n };
	p.used = xcalloc(a.n ? a.n : 1, sizeof(*p.used));
	p.out = xcalloc(a.n ? a.n : 1, sizeof(*p.out));
	place_children(&p, 0, 0);
	/* A department whose parent is missing still gets listed. */
	for (i = 0; i < a.n; i++)
		if (!p.used[i])
			place(&p, i, 0);
	t->v = p.out;
	t->n = p.k;
	free(p.used);
	free(a.v);
	return 0;
}

void dept_tree_release(struct dept_tree *t)
{
	org_pool_release(&t->strs);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

struct dept *dept_tree_find(const struct dept_tree *t, int64_t id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return &t->v[i];
	return NULL;
}

/* "　　└ 名称": indentation for places that hold only text (options). */
static void indented(struct buf *b, const struct dept *d)
{
	int i;

	for (i = 0; i < d->depth; i++)
		buf_puts(b, "\xe3\x80\x80");
	if (d->depth)
		buf_puts(b, "\xe2\x94\x94 ");
	buf_puts(b, d->name);
}

static void options(struct buf *b, const struct dept_tree *t,
		    int64_t selected, const char *none_label)
{
	struct buf label = BUF_INIT;
	char id[24];
	size_t i;

	if (none_label)
		html_option(b, "0", none_label, selected == 0);
	for (i = 0; i < t->n; i++) {
		buf_reset(&label);
		indented(&label, &t->v[i]);
		snprintf(id, sizeof(id), "%lld", (long long)t->v[i].id);
		html_option(b, id, buf_cstr(&label), t->v[i].id == selected);
	}
	buf_release(&label);
}

void dept_tree_select(struct buf *b, const struct dept_tree *t,
		      const char *name, const char *label, int64_t selected,
		      const char *none_label)
{
	html(b, "<div class=\"field\"><label for=\"%s\">%s</label>"
	     "<select id=\"%s\" name=\"%s\">", name, label, name, name);
	options(b, t, selected, none_label);
	html(b, "</select></div>");
}
