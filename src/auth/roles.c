/* roles.c: roles, permissions and the matrix between them */
#include "auth/roles.h"

#include <string.h>

static const char *const codes[] = {
#define X(id, code, name) code,
	FZ_ROLES(X)
#undef X
};

static const char *const names[] = {
#define X(id, code, name) name,
	FZ_ROLES(X)
#undef X
};

#define R(x) (1u << (x))
#define STAFF_ROLES \
	(R(ROLE_CLERK) | R(ROLE_DEPT_HEAD) | R(ROLE_LEADER) | \
	 R(ROLE_LEGAL_ADVISER) | R(ROLE_OGI_OFFICER) | R(ROLE_CONF_REVIEWER) | \
	 R(ROLE_PETITION_OFFICER))
#define ADMIN_ROLES (R(ROLE_SYSADMIN) | R(ROLE_SECADMIN) | R(ROLE_AUDITADMIN))

/* Which roles grant each permission.  The audit administrator reads the
 * trail and nothing else; the system administrator manages accounts but
 * cannot read the trail or change policy; the security administrator sets
 * policy only. */
static const roleset perm_roles[PERM_COUNT] = {
	[PERM_SELF] = STAFF_ROLES | ADMIN_ROLES,
	[PERM_STAFF] = STAFF_ROLES,
	[PERM_USER_ADMIN] = R(ROLE_SYSADMIN),
	[PERM_POLICY] = R(ROLE_SECADMIN),
	[PERM_AUDIT_READ] = R(ROLE_AUDITADMIN),
	[PERM_METRICS] = R(ROLE_SYSADMIN) | R(ROLE_SECADMIN),
};

static const char *const perm_names[PERM_COUNT] = {
	[PERM_UNSET] = "unset",
	[PERM_PUBLIC] = "public",
	[PERM_SELF] = "self",
	[PERM_STAFF] = "staff",
	[PERM_USER_ADMIN] = "user_admin",
	[PERM_POLICY] = "policy",
	[PERM_AUDIT_READ] = "audit_read",
	[PERM_METRICS] = "metrics",
};

const char *role_code(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? codes[r] : "?";
}

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? names[r] : "?";
}

int role_by_code(const char *code)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (code && strcmp(codes[i], code) == 0)
			return i;
	return -1;
}

bool role_is_admin(enum role r)
{
	return (ADMIN_ROLES & R(r)) != 0;
}

bool roles_allow(roleset rs, enum perm p)
{
	if (p == PERM_PUBLIC)
		return true;
	if (p <= PERM_UNSET || p >= PERM_COUNT)
		return false;
	return (rs & perm_roles[p]) != 0;
}

bool roles_compatible(roleset rs, const char **why)
{
	roleset admin = rs & ADMIN_ROLES;

	if (admin & (admin - 1)) {
		*why = "系统管理员、安全管理员、审计管理员三个角色互斥，"
		       "一个账号只能担任其中之一";
		return false;
	}
	if (admin && (rs & STAFF_ROLES)) {
		*why = "管理员账号不能同时担任业务角色";
		return false;
	}
	return true;
}

const char *perm_name(enum perm p)
{
	return (unsigned)p < PERM_COUNT ? perm_names[p] : "?";
}
