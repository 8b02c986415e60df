/* users_api.c: users and departments as JSON (/api/v1/users, departments)
 *
 * The same list and the same account service as the pages; errors come
 * back as {"error":{"code","message"}} with the service's words.
 */
#include "http/pages.h"

#include <string.h>

#include <jansson.h>

#include "crypto/crypto.h"
#include "http/http.h"
#include "org/accounts.h"
#include "org/page_util.h"

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

/* Role codes in role order, as account_create audits them. */
static json_t *roles_codes(roleset rs)
{
	json_t *a = json_array();
	int i;

	for_each_role(i, rs)
		json_array_append_new(a, json_string(role_code(i)));
	return a;
}

static json_t *user_json(const struct user_row *u)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:s,s:o,s:b}", "id",
			 (json_int_t)u->id, "login", u->login, "display_name",
			 u->name, "department_id", id_or_null(u->dept_id),
			 "kind", u->kind, "roles", roles_codes(u->roles),
			 "disabled", u->disabled);
}

/* GET /api/v1/users: {"users":[...],"page","total"} for ?q= ?dept=
 * ?page=, ORG_PAGE_SIZE a page. */
int api_users(struct req *r)
{
	struct user_list l;
	json_t *list;
	size_t i;
	int rc = user_list_load(r, &l);

	if (rc) {
		user_list_release(&l);
		return rc;
	}
	list = json_array();
	for (i = 0; i < l.n; i++)
		json_array_append_new(list, user_json(&l.v[i]));
	rc = req_json(r, 200, json_pack("{s:o,s:I,s:I}", "users", list,
					"page", (json_int_t)l.f.page, "total",
					(json_int_t)l.total));
	user_list_release(&l);
	return rc;
}

/* ---- POST /api/v1/users ---- */

static int json_str(json_t *o, const char *key, bool required,
		    const char **out, struct fz_err *err)
{
	json_t *v = json_object_get(o, key);

	if (!v && !required)
		return 0;
	if (!json_is_string(v))
		return fz_fail(err, 400, "bad_field", "字段 %s 须为字符串",
			       key);
	*out = json_string_value(v);
	return 0;
}

static int json_dept(json_t *o, int64_t *out, struct fz_err *err)
{
	json_t *v = json_object_get(o, "department_id");

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fz_fail(err, 400, "bad_field",
			       "字段 department_id 须为部门编号或 null");
	*out = json_integer_value(v);
	return 0;
}

static int json_roles(json_t *o, roleset *out, struct fz_err *err)
{
	json_t *v = json_object_get(o, "roles"), *item;
	size_t i;

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return fz_fail(err, 400, "bad_field", "字段 roles 须为数组");
	json_array_foreach(v, i, item) {
		int role;

		if (!json_is_string(item))
			return fz_fail(err, 400, "bad_field",
				       "字段 roles 的每一项须为角色代码字符串");
		role = role_by_code(json_string_value(item));
		if (role < 0)
			return fz_fail(err, 400, "bad_role",
				       "未知的角色代码（第 %zu 项）", i + 1);
		*out |= 1u << role;
	}
	return 0;
}

/* Only the documented fields: a misspelt one must not be ignored. */
static int json_known_keys(json_t *o, struct fz_err *err)
{
	static const char *const keys[] = {
		"login", "display_name", "department_id", "kind", "roles",
	};
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(o, key, v) {
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (strcmp(key, keys[i]) == 0)
				break;
		if (i == ARRAY_SIZE(keys))
			return fz_fail(err, 400, "unknown_field",
				       "未知字段：%.64s", key);
	}
	return 0;
}

/* The request body as a user_spec; the values themselves (and the roles
 * against the kind) are the service's to check. */
static int json_spec(json_t *o, struct user_spec *s, struct fz_err *err)
{
	memset(s, 0, sizeof(*s));
	s->kind = "staff";
	s->must_change = true;
	if (!json_is_object(o))
		return fz_fail(err, 400, "bad_json", "请求体须为 JSON 对象");
	if (json_known_keys(o, err) ||
	    json_str(o, "login", true, &s->login, err) ||
	    json_str(o, "display_name", true, &s->display_name, err) ||
	    json_str(o, "kind", false, &s->kind, err) ||
	    json_dept(o, &s->dept_id, err) || json_roles(o, &s->roles, err))
		return FZ_ERR;
	return 0;
}

/* POST /api/v1/users: create from {"login","display_name",
 * "department_id","kind","roles"}; 201 {"id","login","password"} with the
 * generated password, shown once. */
int api_user_create(struct req *r)
{
	struct user_spec spec;
	struct fz_err err = { 0 };
	char pw[21];
	int64_t id = 0;
	int rc;

	if (json_spec(r->json, &spec, &err) ||
	    org_create_user(r, &spec, pw, &id, &err))
		return org_service_fail(r, &err);
	rc = req_json(r, 201, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id,
					"login", spec.login, "password", pw));
	crypto_cleanse(pw, sizeof(pw));
	return rc;
}

/* ---- GET /api/v1/departments ---- */

static json_t *dept_json(const struct dept *d)
{
	return json_pack("{s:I,s:o,s:s,s:s}", "id", (json_int_t)d->id,
			 "parent_id", id_or_null(d->parent), "code", d->code,
			 "name", d->name);
}

/* GET /api/v1/departments: every department in tree order. */
int api_departments(struct req *r)
{
	struct dept_tree t;
	json_t *list;
	size_t i;
	int rc = dept_tree_load(r->db, &t);

	if (rc < 0)
		return req_db_fail(r, rc);
	list = json_array();
	for (i = 0; i < t.n; i++)
		json_array_append_new(list, dept_json(&t.v[i]));
	dept_tree_release(&t);
	return req_json(r, 200, json_pack("{s:o}", "departments", list));
}
