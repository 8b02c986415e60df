/* intake.c: opening a case and its petitioner row
 *
 * Staff registration, the citizen's online form and the API all open
 * cases here.  The handler checks and seals everything first; then
 * intake_run() writes: the engine's case_create() and the petitioner
 * row, and the reply goes out only after both are durable.
 *
 * The writes go to the group commit (req_defer): case_create() joins
 * the writer's transaction, the petitioner row follows in it, and a
 * failure of either is undone by the job's savepoint alone.  So many
 * registrations share one durable commit and each is answered only
 * after its own.
 */
#include "petition/petition.h"

#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "store/store.h"

/* The writes.  On the group commit's writer thread it may use nothing
 * of the worker's but the request's parsed input and the intake. */
static int intake_run(struct db *db, struct req *r)
{
	struct intake *in = r->ctx;
	int rc;

	in->ctx.e.db = db;
	rc = desk_files_insert(db, &in->files, in->ctx.e.actor.id, in->fields,
			       &in->err);
	if (rc == 0)
		rc = case_create(&in->ctx.e, in->w->procedure, in->fields,
				 &in->id, &in->err);
	if (rc < 0)
		return rc;
	if (in->with_party) {
		in->party.created_at = in->ctx.e.now;
		rc = party_insert(db, in->id, &in->party);
		if (rc < 0) {
			/* The job's savepoint takes the case back too. */
			warn("petitioner of a new case not saved: %s",
			     db_errmsg(db));
			fz_fail(&in->err, 500, "db_error",
				"保存失败（数据库错误）");
			return rc;
		}
	}
	return 0;
}

static int intake_finish(struct req *r, int rc)
{
	struct intake *in = r->ctx;
	int status;

	in->ctx.e.db = r->db;
	/* A failed intake rolled its rows back: its files go too. */
	if (rc)
		desk_files_discard(&in->files);
	status = in->done(r, in, rc);
	intake_free(in);
	r->ctx = NULL;
	return status;
}

struct intake *intake_new(void)
{
	struct intake *in = xcalloc(1, sizeof(*in));

	buf_init(&in->party.name, BUF_DEFAULT_MAX);
	buf_init(&in->party.id_number, BUF_DEFAULT_MAX);
	buf_init(&in->party.phone, BUF_DEFAULT_MAX);
	buf_init(&in->party.address, BUF_DEFAULT_MAX);
	return in;
}

void intake_free(struct intake *in)
{
	if (!in)
		return;
	json_decref(in->fields);
	desk_files_release(&in->files);
	party_new_release(&in->party);
	free(in->title);
	free(in);
}

int intake_submit(struct req *r, struct intake *in,
		  int (*done)(struct req *r, struct intake *in, int rc))
{
	in->done = done;
	r->ctx = in;
	return req_defer(r, intake_run, intake_finish);
}

int intake_fail(struct req *r, struct intake *in, int rc)
{
	if (in->err.status && in->err.status < 500)
		return req_fail(r, in->err.status, in->err.code, "%s",
				in->err.msg);
	if (in->err.status == 503 || rc == DB_EBUSY || rc == DB_EUNAVAIL)
		return req_fail(r, 503, "db_unavailable",
				"数据库暂时不可用，请稍后再试");
	return req_db_fail(r, rc < 0 ? rc : DB_ERR);
}
