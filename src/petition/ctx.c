/* ctx.c: engine contexts for the desk's requests */
#include "petition/petition.h"

#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "http/http.h"
#include "http/server.h"
#include "store/store.h"

#define R(x) ((roleset)1 << (x))

void desk_ctx_init(struct req *r, struct db *db, struct desk_ctx *c)
{
	memset(c, 0, sizeof(*c));
	actor_from_req(r, &c->e.actor, c->roles, sizeof(c->roles));
	c->e.db = db;
	c->e.roles = r->user ? r->user->roles : 0;
	c->e.dept_id = r->user ? r->user->dept_id : 0;
	c->e.cal = server_calendar(r->w->srv);
	c->e.now = clock_now();
}

/* The visitor is anonymous in the history and the audit trail; the roles
 * are those of the create action only, so the context can do nothing but
 * open a case: the online form stands in for the registering clerk. */
void desk_ctx_public(struct req *r, struct db *db, const struct workflow *w,
		     int64_t intake_dept, struct desk_ctx *c)
{
	desk_ctx_init(r, db, c);
	c->e.roles = w->create->roles;
	c->e.dept_id = intake_dept;
}

int desk_intake_dept(struct db *db, const char *procedure, int64_t *id)
{
	const char *role = desk_is_disclosure(procedure) ? "ogi_officer" :
			   "petition_officer";
	int rc = db_scalar_int(db, id, "SELECT u.dept_id FROM users u JOIN "
			       "user_roles r ON r.user_id = u.id WHERE "
			       "r.role = ? AND u.disabled = 0 "
			       "AND u.dept_id IS NOT NULL ORDER BY u.id "
			       "LIMIT 1", "s", role);

	if (rc == 0 && *id <= 0)
		return 1;
	return rc;
}

bool desk_may_unmask(roleset roles, const char *procedure)
{
	roleset office = desk_is_disclosure(procedure) ?
			 R(ROLE_OGI_OFFICER) : R(ROLE_PETITION_OFFICER);

	return (roles & (office | R(ROLE_LEADER))) != 0;
}

bool desk_may_read(const struct engine_ctx *ctx, const struct case_info *c)
{
	struct action_list l = { 0 };
	struct fz_err err;
	int64_t n = 0;
	bool open;

	if (case_may_read(ctx, c))
		return true;
	if (ctx->actor.id > 0 &&
	    db_scalar_int(ctx->db, &n, "SELECT COUNT(*) FROM case_events "
			  "WHERE case_id = ? AND actor_id = ?", "ii", c->id,
			  ctx->actor.id) == 0 && n > 0)
		return true;
	open = case_available_actions(ctx, c->id, &l, &err) == 0 && l.n > 0;
	action_list_release(&l);
	return open;
}
