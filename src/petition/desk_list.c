/* desk_list.c: the filtered, paged list of the desk's cases
 *
 * One list behind the list page and GET /api/v1/cases, read through the
 * engine's case_list().  A user who does not read every case of the desk
 * is confined to the cases their department registered, handles or
 * co-handles, those assigned to them, those they acted on, and, for
 * legal advisers, those waiting for a legal opinion (the state
 * "legal_review" of the petition procedure): what desk_may_read() lets
 * them open.  A filter value that cannot be applied is refused by the
 * API (a client must not take all cases for the ones it asked for) and
 * taken as not given by the list page, whose form cannot send one.
 *
 * Who reads every case goes by procedure (the definitions' read_roles):
 * a list of one procedure is confined only for those who do not read all
 * of its cases.  A list of every procedure is not confined for the
 * petitions office's readers (petition officers, leaders), and then
 * holds the procedures they read in full; everyone else (a disclosure
 * officer, a department head, a clerk) sees every procedure within
 * their reach, and chooses the procedure to see all of one they read.
 */
#include "petition/petition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "http/http.h"
#include "store/store.h"

/* Record that parameter `key` is not valid (the first such one names
 * itself in err); FZ_ERR. */
static int bad_filter(struct fz_err *err, const char *key, const char *what)
{
	if (!err->status)
		fz_fail(err, 400, "bad_filter", "参数 %s %s", key, what);
	return FZ_ERR;
}

/* ?key= as an integer in [min, max] into *out, `dflt` when it is not
 * given (or empty) or not valid; FZ_ERR in the last case, saying `what`
 * it must be (NULL: an integer in the range). */
static int query_int(struct req *r, const char *key, int64_t min,
		     int64_t max, int64_t dflt, int64_t *out,
		     const char *what, struct fz_err *err)
{
	const char *s = req_query(r, key);
	char range[64];

	*out = dflt;
	if (!s || !*s || parse_int64(s, min, max, out) == 0)
		return 0;
	*out = dflt;
	snprintf(range, sizeof(range), "须为 %lld 至 %lld 之间的整数",
		 (long long)min, (long long)max);
	return bad_filter(err, key, what ? what : range);
}

/* Whether `v` is a state (state) or a channel value (!state) in a
 * loaded definition of `procedure`, or of any procedure of the desk
 * when it is "". */
static bool desk_knows(const char *procedure, const char *v, bool state)
{
	size_t i, k;

	for (i = 0; i < workflow_count(); i++) {
		const struct workflow *w = workflow_at(i);
		const struct wf_field *f = w->channel_field;

		if (!desk_procedure(w->procedure) ||
		    (*procedure && !str_eq(procedure, w->procedure)))
			continue;
		if (state && wf_state(w, v))
			return true;
		/* a channel field of free text takes any value */
		if (!state && f && f->type != WF_ENUM)
			return true;
		for (k = 0; !state && f && k < f->nvalues; k++)
			if (str_eq(f->values[k].id, v))
				return true;
	}
	return false;
}

/* ?key= naming a state or channel into *out ("" when not given or not
 * known; FZ_ERR in the last case). */
static int query_known(struct req *r, const char *key, const char *procedure,
		       bool state, const char **out, struct fz_err *err)
{
	const char *s = req_query(r, key);

	*out = "";
	if (!s || !*s)
		return 0;
	if (!desk_knows(procedure, s, state))
		return bad_filter(err, key, state ? "不是已定义的办理状态" :
				  "不是已定义的来源渠道");
	*out = s;
	return 0;
}

/* The procedures of the desk, as a list of all of them names them. */
static const char *const desk_procs[] = { "petition", "hotline",
					  "disclosure" };

/* Every filter parameter into `f`, a value not valid replaced by its
 * default; FZ_ERR with err naming the first such parameter. */
static int filter_parse(struct req *r, bool open_default,
			struct desk_filter *f, struct fz_err *err)
{
	const struct user *u = r->user;
	const char *proc = req_query(r, "procedure");
	const char *open = req_query(r, "open");
	int rc = 0;

	memset(f, 0, sizeof(*f));
	f->procedure = proc && desk_procedure(proc) ? proc : "";
	if (proc && *proc && !*f->procedure)
		rc = bad_filter(err, "procedure", "须为 petition、hotline 或 "
				"disclosure");
	rc |= query_known(r, "channel", f->procedure, false, &f->channel,
			  err);
	rc |= query_known(r, "state", f->procedure, true, &f->state, err);
	rc |= query_int(r, "year", 2000, 9999, 0, &f->year,
			"须为 2000 至 9999 之间的年份", err);
	rc |= query_int(r, "dept", 1, INT64_MAX, 0, &f->dept,
			"须为部门编号（正整数）", err);
	rc |= query_int(r, "page", 1, DESK_PAGE_MAX, 1, &f->page, NULL,
			err);
	rc |= query_int(r, "page_size", 1, DESK_PAGE_SIZE_MAX, DESK_PAGE_SIZE,
			&f->size, NULL, err);
	f->open = open_default;
	if (open && *open && !str_eq(open, "0") && !str_eq(open, "1"))
		rc = bad_filter(err, "open", "须为 0 或 1");
	else if (open && *open)
		f->open = str_eq(open, "1");
	f->all = desk_reads_all_of(u->roles, f->procedure);
	if (!*f->procedure && f->all) {
		size_t i, n = 0;

		for (i = 0; i < ARRAY_SIZE(desk_procs); i++)
			if (desk_reads_all_of(u->roles, desk_procs[i]))
				f->procedures[n++] = desk_procs[i];
	}
	if (!f->all) {
		f->scope = 1;
		f->scope_dept = u->dept_id ? u->dept_id : -1;
		f->scope_user = u->id;
		f->scope_legal = (u->roles &
				  ((roleset)1 << ROLE_LEGAL_ADVISER)) != 0;
		f->dept = 0;
	}
	return rc ? FZ_ERR : 0;
}

void desk_filter_from(struct req *r, bool open_default, struct desk_filter *f)
{
	struct fz_err ignored = { 0 };

	filter_parse(r, open_default, f, &ignored);
	/* The list page's pager counts pages of DESK_PAGE_SIZE. */
	f->size = DESK_PAGE_SIZE;
}

int desk_filter_check(struct req *r, struct desk_filter *f,
		      struct fz_err *err)
{
	return filter_parse(r, false, f, err);
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

	if (l->n == l->max)
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
	int64_t size = f->size > 0 && f->size <= DESK_PAGE_SIZE_MAX ?
		       f->size : DESK_PAGE_SIZE;
	struct case_filter cf = {
		.procedure = f->procedure,
		.procedures = { "petition", "hotline", "disclosure" },
		.year = (int)f->year,
		.channel = f->channel,
		.dept_id = f->dept,
		.state = f->state,
		.open_only = f->open,
		.reach = f->scope != 0,
		.reach_dept = f->scope_dept,
		.reach_user = f->scope_user,
		.reach_state = f->scope_legal ? "legal_review" : NULL,
		.limit = (int)size,
		.offset = (int)((f->page - 1) * size),
		.total = &l->total,
	};
	size_t i;
	int rc;

	for (i = 0; f->procedures[0] && i < DESK_LIST_PROCS; i++)
		cf.procedures[i] = f->procedures[i];
	memset(l, 0, sizeof(*l));
	l->max = (size_t)size;
	l->v = xcalloc(l->max, sizeof(*l->v));
	rc = case_list(db, &cf, add_row, l);
	return rc < 0 ? rc : 0;
}
