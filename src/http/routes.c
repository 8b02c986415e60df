/* routes.c: the one route table — every URL, who may call it, what it needs
 *
 * Deny by default: each row names its permission, and the route-table test
 * fails on a row without one or a state-changing row without CSRF.
 */
#include "http/routes.h"

#include "auth/roles.h"
#include "http/pages.h"
#include "http/static.h"

#define GET (HM_GET | HM_HEAD)
#define POST HM_POST
#define FORM (RF_CSRF | RF_FORM_BODY)
#define UPLOAD (RF_CSRF | RF_UPLOAD)    /* a form that may carry files */
#define API_READ (RF_API)
#define API_WRITE (RF_API | RF_CSRF | RF_JSON_BODY)

const struct route app_routes[] = {
	{ GET, "/static/*", PERM_PUBLIC, RF_NO_RATE, static_handler, "static" },
	{ GET, "/healthz", PERM_PUBLIC, RF_NO_RATE, page_healthz, "healthz" },
	{ GET, "/metrics", PERM_METRICS, RF_API, page_metrics, "metrics" },
	{ GET, "/lang/{}", PERM_PUBLIC, 0, page_lang, "lang" },

	{ GET, "/", PERM_SELF, 0, page_home, "home" },
	{ GET, "/login", PERM_PUBLIC, 0, page_login_form, "login_form" },
	{ POST, "/login", PERM_PUBLIC, FORM, page_login, "login" },
	{ POST, "/logout", PERM_SELF, FORM | RF_PRE_CHANGE, page_logout,
	  "logout" },
	{ GET, "/account/password", PERM_SELF, RF_PRE_CHANGE,
	  page_password_form, "password_form" },
	{ POST, "/account/password", PERM_SELF, FORM | RF_PRE_CHANGE,
	  page_password, "password" },
	{ GET, "/account", PERM_SELF, 0, page_account, "account" },
	{ POST, "/account/tokens", PERM_SELF, FORM, page_token_create,
	  "token_create" },
	{ POST, "/account/tokens/{}/revoke", PERM_SELF, FORM,
	  page_token_revoke, "token_revoke" },

	{ GET, "/admin/users", PERM_USER_ADMIN, 0, page_users, "users" },
	{ GET, "/admin/users/new", PERM_USER_ADMIN, 0, page_user_new,
	  "user_new" },
	{ POST, "/admin/users", PERM_USER_ADMIN, FORM, page_user_create,
	  "user_create" },
	{ GET, "/admin/users/{}", PERM_USER_ADMIN, 0, page_user, "user" },
	{ POST, "/admin/users/{}", PERM_USER_ADMIN, FORM, page_user_update,
	  "user_update" },
	{ POST, "/admin/users/{}/roles", PERM_USER_ADMIN, FORM,
	  page_user_roles, "user_roles" },
	{ POST, "/admin/users/{}/{}", PERM_USER_ADMIN, FORM, page_user_action,
	  "user_action" },
	{ GET, "/admin/departments", PERM_USER_ADMIN, 0, page_departments,
	  "departments" },
	{ POST, "/admin/departments", PERM_USER_ADMIN, FORM,
	  page_department_create, "department_create" },
	{ POST, "/admin/departments/{}", PERM_USER_ADMIN, FORM,
	  page_department_update, "department_update" },
	{ GET, "/admin/policy", PERM_POLICY, 0, page_policy, "policy" },
	{ POST, "/admin/policy", PERM_POLICY, FORM, page_policy_update,
	  "policy_update" },
	{ GET, "/audit", PERM_AUDIT_READ, 0, page_audit, "audit" },
	{ GET, "/audit/export.xlsx", PERM_AUDIT_READ, 0, page_audit_export,
	  "audit_export" },
	{ GET, "/stats/cases", PERM_STAFF, 0, page_case_stats, "case_stats" },
	{ GET, "/stats/cases.xlsx", PERM_STAFF, 0, page_case_stats_export,
	  "case_stats_export" },
	{ GET, "/stats/cases/list", PERM_STAFF, 0, page_case_stats_list,
	  "case_stats_list" },
	{ GET, "/calendar/due", PERM_STAFF, 0, page_calendar_due,
	  "calendar_due" },

	{ GET, "/api/v1/me", PERM_SELF, API_READ, api_me, "api_me" },
	{ GET, "/api/v1/users", PERM_USER_ADMIN, API_READ, api_users,
	  "api_users" },
	{ POST, "/api/v1/users", PERM_USER_ADMIN, API_WRITE, api_user_create,
	  "api_user_create" },
	{ GET, "/api/v1/departments", PERM_USER_ADMIN, API_READ,
	  api_departments, "api_departments" },
	{ GET, "/api/v1/audit", PERM_AUDIT_READ, API_READ, api_audit,
	  "api_audit" },

	/* the petitions and hotline desk */
	{ GET, "/petitions", PERM_STAFF, 0, page_petitions, "petitions" },
	{ GET, "/petitions/new", PERM_STAFF, 0, page_petition_new,
	  "petition_new" },
	{ POST, "/petitions", PERM_STAFF, UPLOAD, page_petition_create,
	  "petition_create" },
	{ GET, "/petitions/{}", PERM_STAFF, 0, page_petition_case,
	  "petition_case" },
	{ POST, "/petitions/{}/actions/{}", PERM_STAFF, UPLOAD,
	  page_petition_act, "petition_act" },
	{ POST, "/petitions/{}/unmask", PERM_STAFF, FORM,
	  page_petition_unmask, "petition_unmask" },
	{ GET, "/petitions/{}/files/{}", PERM_STAFF, 0, page_petition_file,
	  "petition_file" },
	{ GET, "/petition/new", PERM_PUBLIC, 0, page_public_new,
	  "public_new" },
	{ POST, "/petition/new", PERM_PUBLIC, UPLOAD, page_public_submit,
	  "public_submit" },
	{ GET, "/petition/done", PERM_PUBLIC, 0, page_public_done,
	  "public_done" },
	{ GET, "/petition/query", PERM_PUBLIC, 0, page_public_query_form,
	  "public_query_form" },
	{ POST, "/petition/query", PERM_PUBLIC, FORM, page_public_query,
	  "public_query" },
	{ POST, "/petition/query/rate", PERM_PUBLIC, FORM, page_public_rate,
	  "public_rate" },
	{ GET, "/api/v1/cases", PERM_STAFF, API_READ, api_cases, "api_cases" },
	{ POST, "/api/v1/cases", PERM_STAFF, API_WRITE, api_case_create,
	  "api_case_create" },
	{ GET, "/api/v1/cases/{}", PERM_STAFF, API_READ, api_case, "api_case" },
	{ POST, "/api/v1/cases/{}/actions/{}", PERM_STAFF, API_WRITE,
	  api_case_act, "api_case_act" },
	{ GET, "/api/v1/cases/{}/files/{}", PERM_STAFF, API_READ,
	  page_petition_file, "api_case_file" },
	{ POST, "/api/v1/attachments", PERM_STAFF, RF_API | UPLOAD,
	  api_attachments_create, "api_attachments_create" },
	{ GET, "/api/openapi.json", PERM_PUBLIC, API_READ, api_openapi,
	  "api_openapi" },
};

const size_t app_route_count = sizeof(app_routes) / sizeof(app_routes[0]);
