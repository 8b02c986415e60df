/* desk_files.c: the files a desk form carries into an action
 *
 * A form of an action with file fields arrives as multipart/form-data.
 * Every file is judged and written to storage here, on the worker, before
 * any transaction (fsyncs do not belong inside one); then, in the
 * action's transaction, the rows go in and their ids become the file
 * fields' values, which the engine binds to the case and its event.  If
 * that transaction fails or the engine refuses, the written files are
 * removed: nothing of a refused form stays on disk.  desk_act(), the one
 * way the desk's pages and API act on a case, also keeps an accusation
 * from being handed to the department it accuses (PI-06).
 */
#include "petition/petition.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"

/* The file field of `a` called `name`, or NULL. */
static const struct wf_field *file_field(const struct wf_action *a,
					 const char *name)
{
	size_t i;

	for (i = 0; i < a->nrequired; i++)
		if (a->required[i]->type == WF_FILE &&
		    strcmp(a->required[i]->name, name) == 0)
			return a->required[i];
	for (i = 0; i < a->noptional; i++)
		if (a->optional[i]->type == WF_FILE &&
		    strcmp(a->optional[i]->name, name) == 0)
			return a->optional[i];
	return NULL;
}

/* Every upload must go to a file field of the action, within its count. */
static int check_fields(struct req *r, const struct wf_action *a,
			struct fz_err *err)
{
	size_t i, n = req_upload_count(r, NULL);

	for (i = 0; i < n; i++) {
		const struct upload *u = req_upload(r, NULL, i);
		const struct wf_field *f = file_field(a, u->field);

		if (!f)
			return fz_fail(err, 400, "unknown_field", "“%s”不收"
				       "附件（%.64s）", a->label, u->field);
		if (req_upload_count(r, u->field) > (size_t)f->max)
			return fz_fail(err, 413, "too_large", "“%s”最多 %lld "
				       "个文件", f->label, (long long)f->max);
	}
	return 0;
}

int desk_files_write(struct req *r, const struct wf_action *a,
		     struct desk_files *df, struct fz_err *err)
{
	size_t i, n = req_upload_count(r, NULL);

	memset(df, 0, sizeof(*df));
	attach_store_from_req(r, &df->store);
	if (!n)
		return 0;
	if (check_fields(r, a, err) ||
	    attach_check_all(req_upload(r, NULL, 0), n, err))
		return FZ_ERR;
	df->files = xcalloc(n, sizeof(*df->files));
	df->fields = xcalloc(n, sizeof(*df->fields));
	for (i = 0; i < n; i++) {
		const struct upload *u = req_upload(r, NULL, i);

		if (attach_write(&df->store, u, &df->files[i], err)) {
			desk_files_discard(df);
			return FZ_ERR;
		}
		df->fields[i] = xstrdup(u->field);
		df->n++;
	}
	return 0;
}

int desk_files_insert(struct db *db, struct desk_files *df,
		      int64_t uploaded_by, json_t *fields, struct fz_err *err)
{
	size_t i;

	for (i = 0; i < df->n; i++) {
		json_t *list = json_object_get(fields, df->fields[i]);
		int64_t id = 0;

		if (attach_insert(db, &df->files[i], uploaded_by, &id, err))
			return FZ_ERR;
		if (!json_is_array(list)) {
			list = json_array();
			json_object_set_new(fields, df->fields[i], list);
		}
		json_array_append_new(list, json_integer((json_int_t)id));
	}
	return 0;
}

void desk_files_discard(struct desk_files *df)
{
	size_t i;

	for (i = 0; i < df->n; i++)
		attach_discard(&df->store, &df->files[i]);
	desk_files_release(df);
}

void desk_files_release(struct desk_files *df)
{
	size_t i;

	for (i = 0; i < df->n; i++) {
		attach_file_release(&df->files[i]);
		free(df->fields[i]);
	}
	free(df->files);
	free(df->fields);
	df->files = NULL;
	df->fields = NULL;
	df->n = 0;
}

/* Whether a value of a department field names department `dept`, as
 * the engine will read it: an id, its digits with white space around,
 * or a list of those. */
static bool names_dept(json_t *v, int64_t dept)
{
	const char *s = json_string_value(v);
	json_t *e;
	size_t i, n;
	int64_t id = 0;
	char *t;

	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if (names_dept(e, dept))
				return true;
		return false;
	}
	if (json_is_integer(v))
		return json_integer_value(v) == dept;
	if (!s)
		return false;
	while (*s && strchr(" \t\r\n", *s))
		s++;
	for (n = strlen(s); n && strchr(" \t\r\n", s[n - 1]); n--)
		;
	t = xstrndup(s, n);
	if (parse_int64(t, 1, INT64_MAX, &id))
		id = 0;
	free(t);
	return id == dept;
}

/* PI-06: an accusation is never handed to the department it accuses,
 * which would handle a case whose content it may not see.  0, or
 * FZ_ERR with err filled. */
static int check_accused(struct db *db, int64_t case_id,
			 const struct wf_action *a, json_t *fields,
			 struct fz_err *err)
{
	struct party_row row;
	int rc;

	if (!a->set_dept)
		return 0;
	rc = party_load(db, case_id, &row);
	if (rc < 0)
		rc = db_failed(err, rc);
	else if (row.accused_dept_id &&
		 names_dept(json_object_get(fields, a->set_dept->name),
			    row.accused_dept_id))
		rc = fz_fail(err, 409, "accused_dept", "所选的“%s”正是本事项"
			     "检举控告的单位，不能交其办理，请另选部门",
			     a->set_dept->label);
	party_row_release(&row);
	return rc ? FZ_ERR : 0;
}

int desk_act(struct req *r, struct engine_ctx *e, int64_t case_id,
	     const struct wf_action *a, json_t *fields, struct fz_err *err)
{
	struct desk_files df;
	bool own;
	int rc;

	if (check_accused(e->db, case_id, a, fields, err) ||
	    desk_files_write(r, a, &df, err))
		return FZ_ERR;
	if (!df.n)
		return case_act(e, case_id, a->id, fields, err);
	own = !db_in_tx(e->db);
	rc = own ? db_begin(e->db) : 0;
	if (rc < 0)
		rc = db_failed(err, rc);
	if (!rc)
		rc = desk_files_insert(e->db, &df, e->actor.id, fields, err);
	if (!rc)
		rc = case_act(e, case_id, a->id, fields, err);
	if (!rc && own && (rc = db_commit(e->db)) < 0)
		rc = db_failed(err, rc);
	if (rc && own && db_in_tx(e->db))
		db_rollback(e->db);
	if (rc)
		desk_files_discard(&df);
	else
		desk_files_release(&df);
	return rc ? FZ_ERR : 0;
}
