/* desk_list.c: the filtered, paged list of the desk's cases
 *
 * One list behind the list page and GET /api/v1/cases, read through the
 * engine's case_list().  A user who does not read every case of the desk
 * is confined to the cases their department registered, handles or
 * co-handles, those assigned to them, those they acted on, and, for
 * legal advisers, those waiting for a legal opinion (the state
 * "legal_review" of the petition procedure): what desk_may_read() lets
 * them open.
 */
#include "petition/petition.h"

#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "http/http.h"
#include "store/store.h"

static int64_t query_int(struct req *r, const char *key, int64_t min,
			 int64_t max, int64_t dflt)
{
	const char *s = req_query(r, key);
	int64_t v;

	if (!s || !*s || parse_int64(s, min, max, &v))
		return dflt;
	return v;
}

/* A query value that must look like a definition's id; "" otherwise. */
static const char *query_id(struct req *r, const char *key)
{
	const char *s = req_query(r, key);
	size_t i;

	if (!s || strlen(s) >= WF_ID_MAX)
		return "";
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
		      (s[i] >= '0' && s[i] <= '9')))
			return "";
	return s;
}

void desk_filter_from(struct req *r, bool open_default, struct desk_filter *f)
{
	const struct user *u = r->user;
	const char *open = req_query(r, "open");

	memset(f, 0, sizeof(*f));
	f->procedure = query_id(r, "procedure");
	if (*f->procedure && !desk_procedure(f->procedure))
		f->procedure = "";
	f->channel = query_id(r, "channel");
	f->state = query_id(r, "state");
	f->year = query_int(r, "year", 2000, 9999, 0);
	f->dept = query_int(r, "dept", 1, INT64_MAX, 0);
	f->page = query_int(r, "page", 1, 100000, 1);
	f->open = open && *open ? !str_eq(open, "0") : open_default;
	if (!desk_reads_all(u->roles)) {
		f->scope = 1;
		f->scope_dept = u->dept_id ? u->dept_id : -1;
		f->scope_user = u->id;
		f->scope_legal = (u->roles &
				  ((roleset)1 << ROLE_LEGAL_ADVISER)) != 0;
		f->dept = 0;
	}
}

void desk_list_release(struct desk_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].procedure);
		free(l->v[i].number);
		free(l->v[i].state);
		free(l->v[i].title);
		free(l->v[i].channel);
		free(l->v[i].category);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void desk_row_of(const struct case_info *c, struct desk_row *x)
{
	memset(x, 0, sizeof(*x));
	x->id = c->id;
	x->procedure = c->procedure;
	x->version = c->version;
	x->number = c->number;
	x->state = c->state;
	x->final = c->final;
	x->title = c->title;
	x->channel = c->channel;
	x->category = c->category;
	x->dept_id = c->dept_id;
	x->origin_dept_id = c->origin_dept_id;
	x->assignee_id = c->assignee_id;
	x->merged_into = c->merged_into;
	x->created_at = c->created_at;
	x->updated_at = c->updated_at;
	x->closed_at = c->closed_at;
	x->wf = c->wf;
}

/* A row of the page, its strings its own. */
static int add_row(const struct case_info *c, void *arg)
{
	struct desk_list *l = arg;
	struct desk_row *x;

	if (l->n == DESK_PAGE_SIZE)
		return 0;
	x = &l->v[l->n++];
	desk_row_of(c, x);
	x->procedure = xstrdup(c->procedure);
	x->number = xstrdup(c->number);
	x->state = xstrdup(c->state);
	x->title = xstrdup(c->title);
	x->channel = xstrdup(c->channel);
	x->category = xstrdup(c->category);
	return 0;
}

int desk_list_load(struct db *db, const struct desk_filter *f,
		   struct desk_list *l)
{
	struct case_filter cf = {
		.procedure = f->procedure,
		.procedures = { "petition", "hotline" },
		.year = (int)f->year,
		.channel = f->channel,
		.dept_id = f->dept,
		.state = f->state,
		.open_only = f->open,
		.reach = f->scope != 0,
		.reach_dept = f->scope_dept,
		.reach_user = f->scope_user,
		.reach_state = f->scope_legal ? "legal_review" : NULL,
		.limit = DESK_PAGE_SIZE,
		.offset = (int)((f->page - 1) * DESK_PAGE_SIZE),
		.total = &l->total,
	};
	int rc;

	memset(l, 0, sizeof(*l));
	l->v = xcalloc(DESK_PAGE_SIZE, sizeof(*l->v));
	rc = case_list(db, &cf, add_row, l);
	return rc < 0 ? rc : 0;
}
