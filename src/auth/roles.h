/* roles.h: roles, permissions and the matrix between them
 *
 * Roles are what administrators grant; permissions are what routes and
 * services check.  The three administrator roles are kept apart (三权分立):
 * no account may hold two of them, and no role can both change rights and
 * touch the audit trail.
 */
#ifndef FZ_ROLES_H
#define FZ_ROLES_H

#include <stdbool.h>
#include <stdint.h>

/* X-macro: id, code stored in the database, Chinese name. */
#define FZ_ROLES(X) \
	X(ROLE_CLERK, "clerk", "经办人") \
	X(ROLE_DEPT_HEAD, "dept_head", "部门负责人") \
	X(ROLE_LEADER, "leader", "分管领导") \
	X(ROLE_LEGAL_ADVISER, "legal_adviser", "法律顾问") \
	X(ROLE_OGI_OFFICER, "ogi_officer", "信息公开专员") \
	X(ROLE_CONF_REVIEWER, "conf_reviewer", "保密审查员") \
	X(ROLE_PETITION_OFFICER, "petition_officer", "信访专员") \
	X(ROLE_SYSADMIN, "sysadmin", "系统管理员") \
	X(ROLE_SECADMIN, "secadmin", "安全管理员") \
	X(ROLE_AUDITADMIN, "auditadmin", "审计管理员")

enum role {
#define X(id, code, name) id,
	FZ_ROLES(X)
#undef X
	ROLE_COUNT
};

/* Permissions.  PERM_UNSET is 0 so that a route that forgot to declare one
 * is caught by the route-table test (deny by default). */
enum perm {
	PERM_UNSET = 0,
	PERM_PUBLIC,        /* anyone, no login */
	PERM_SELF,          /* any logged-in account: own page, password */
	PERM_STAFF,         /* staff work: tasks, cases (not administrators) */
	PERM_USER_ADMIN,    /* users, departments, roles, sessions */
	PERM_POLICY,        /* security policy */
	PERM_AUDIT_READ,    /* read and export the audit trail */
	PERM_METRICS,       /* /metrics for monitoring systems */
	PERM_COUNT
};

typedef uint32_t roleset; /* bit (1 << role) per role held */

const char *role_code(enum role r);
const char *role_name(enum role r);
/* Role by its code; -1 when unknown. */
int role_by_code(const char *code);
bool role_is_admin(enum role r);
/* Whether any role in the set grants the permission. */
bool roles_allow(roleset rs, enum perm p);
/* Whether the set may be held by one account; fills `why` if not. */
bool roles_compatible(roleset rs, const char **why);
const char *perm_name(enum perm p);

#endif
