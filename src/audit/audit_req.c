/* audit_req.c: audit entries about a request or an operator's command */
#include "audit/audit.h"

#include "auth/session.h"
#include "http/http.h"
#include "store/store.h"

int64_t audit_as(struct db *db, const struct actor *who, const char *action,
		 const char *object, const char *outcome, json_t *details)
{
	struct audit_entry e = {
		.actor_id = who->id,
		.actor = who->login,
		.actor_role = who->roles,
		.source_ip = who->ip,
		.request_id = who->request_id,
		.action = action,
		.object = object,
		.outcome = outcome,
		.details = details,
	};
	int64_t rc = audit_append(db, &e);

	if (details)
		json_decref(details);
	return rc;
}

void actor_from_req(struct req *r, struct actor *a, char *roles,
		    size_t roleslen)
{
	roles[0] = '\0';
	if (r->user)
		user_roles_text(r->user->roles, roles, roleslen);
	a->id = r->user ? r->user->id : 0;
	a->login = r->user ? r->user->login : "anonymous";
	a->roles = roles;
	a->ip = r->ip;
	a->request_id = r->id;
}

int64_t audit_req(struct req *r, const char *action, const char *object,
		  const char *outcome, json_t *details)
{
	char roles[256];
	struct actor a;

	actor_from_req(r, &a, roles, sizeof(roles));
	if (r->user && r->sess.via_token && details)
		json_object_set_new(details, "via", json_string("api_token"));
	return audit_as(r->db, &a, action, object, outcome, details);
}

int64_t audit_req_tx(struct req *r, const char *action, const char *object,
		     const char *outcome, json_t *details)
{
	int64_t rc = db_begin(r->db);

	if (rc < 0) {
		if (details)
			json_decref(details);
		return rc;
	}
	rc = audit_req(r, action, object, outcome, details);
	if (rc < 0) {
		db_rollback(r->db);
		return rc;
	}
	rc = db_commit(r->db);
	return rc < 0 ? rc : 0;
}
