/* desk_list.c: the filtered, paged list of the desk's cases
 *
 * One query behind the list page and GET /api/v1/cases.  The SQL text is
 * fixed; each filter is a pair of parameters ("? = '' OR column = ?"), so
 * no statement is ever assembled from input.  A user who does not read
 * every case of the desk is confined to the cases their department
 * registered or handles, those assigned to them, those they acted on,
 * and, for legal advisers, those waiting for a legal opinion (the state
 * "legal_review" of the petition procedure).
 */
#include "petition/petition.h"

#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "http/http.h"
#include "store/store.h"

/* The conditions of both the page query and its count. */
#define LIST_WHERE \
	" FROM cases WHERE proc IN ('petition', 'hotline')" \
	" AND (? = '' OR proc = ?) AND (? = '' OR channel = ?)" \
	" AND (? = '' OR state = ?) AND (? = 0 OR year = ?)" \
	" AND (? = 0 OR dept_id = ? OR origin_dept_id = ? OR assignee_id = ?" \
	"  OR id IN (SELECT case_id FROM case_events WHERE actor_id = ?)" \
	"  OR (? = 1 AND state = 'legal_review'))" \
	" AND (? = 0 OR is_final = 0)"
#define LIST_FMT "ssssssiiiiiiiii"
#define LIST_ARGS(f) \
	(f)->procedure, (f)->procedure, (f)->channel, (f)->channel, \
	(f)->state, (f)->state, (f)->year, (f)->year, (f)->scope, \
	(f)->scope_dept, (f)->scope_dept, (f)->scope_user, (f)->scope_user, \
	(int64_t)(f)->scope_legal, (int64_t)(f)->open

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
	} else if (f->dept) {
		f->scope = 1;
		f->scope_dept = f->dept;
		f->scope_user = -1;
	}
}

static char *col_dup(struct db_rows *rows, int col)
{
	const char *s = db_text(rows, col);

	return xstrdup(s ? s : "");
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

static void read_row(struct db_rows *rows, struct desk_row *x)
{
	x->id = db_int(rows, 0);
	x->procedure = col_dup(rows, 1);
	x->version = (int)db_int(rows, 2);
	x->number = col_dup(rows, 3);
	x->state = col_dup(rows, 4);
	x->final = db_int(rows, 5) != 0;
	x->title = col_dup(rows, 6);
	x->channel = col_dup(rows, 7);
	x->category = col_dup(rows, 8);
	x->dept_id = db_int(rows, 9);
	x->origin_dept_id = db_int(rows, 10);
	x->assignee_id = db_int(rows, 11);
	x->merged_into = db_int(rows, 12);
	x->created_at = db_int(rows, 13);
	x->updated_at = db_int(rows, 14);
	x->closed_at = db_int(rows, 15);
	x->wf = workflow_find(x->procedure, x->version);
}

int desk_list_load(struct db *db, const struct desk_filter *f,
		   struct desk_list *l)
{
	struct db_rows *rows;
	int rc;

	memset(l, 0, sizeof(*l));
	rc = db_scalar_int(db, &l->total, "SELECT COUNT(*)" LIST_WHERE,
			   LIST_FMT, LIST_ARGS(f));
	if (rc < 0)
		return rc;
	rows = db_query(db, "SELECT id, proc, version, number, state, "
			"is_final, title, channel, category, dept_id, "
			"origin_dept_id, assignee_id, merged_into, created_at, "
			"updated_at, closed_at" LIST_WHERE " ORDER BY id DESC "
			"LIMIT ? OFFSET ?", LIST_FMT "ii", LIST_ARGS(f),
			(int64_t)DESK_PAGE_SIZE,
			(f->page - 1) * DESK_PAGE_SIZE);
	if (!rows)
		return db_errcode(db);
	l->v = xcalloc(DESK_PAGE_SIZE, sizeof(*l->v));
	while (l->n < DESK_PAGE_SIZE && (rc = db_next(rows)) == 1)
		read_row(rows, &l->v[l->n++]);
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}
