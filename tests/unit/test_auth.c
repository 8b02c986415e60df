/* test_auth.c: roles, the route table, passwords, escaping */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth/password.h"
#include "auth/policy.h"
#include "auth/roles.h"
#include "http/html.h"
#include "http/router.h"
#include "http/routes.h"

#define R(x) (1u << (x))

/* AC-01: every route declares a permission; state-changing routes need
 * CSRF; no route mixes GET with writes. */
static void test_AC_01_route_table_denies_by_default(void **state)
{
	char why[256];
	size_t i;

	assert_int_equal(router_check_table(app_routes, app_route_count, why,
					    sizeof(why)), 0);
	for (i = 0; i < app_route_count; i++) {
		assert_true(app_routes[i].perm > PERM_UNSET);
		if (app_routes[i].methods & HM_POST)
			assert_true(app_routes[i].flags & RF_CSRF);
	}
}

static int dummy(struct req *r) { return 200; }

static void test_AC_01_checker_rejects_bad_rows(void **state)
{
	const struct route no_perm[] = {
		{ HM_GET, "/x", PERM_UNSET, 0, dummy, "x" },
	};
	const struct route no_csrf[] = {
		{ HM_POST, "/x", PERM_SELF, 0, dummy, "x" },
	};
	const struct route mixed[] = {
		{ HM_GET | HM_POST, "/x", PERM_SELF, RF_CSRF, dummy, "x" },
	};
	char why[256];

	assert_int_not_equal(router_check_table(no_perm, 1, why, sizeof(why)),
			     0);
	assert_non_null(strstr(why, "permission"));
	assert_int_not_equal(router_check_table(no_csrf, 1, why, sizeof(why)),
			     0);
	assert_non_null(strstr(why, "CSRF"));
	assert_int_not_equal(router_check_table(mixed, 1, why, sizeof(why)),
			     0);
}

static void test_router_match_params(void **state)
{
	char *params[ROUTE_MAX_PARAMS];
	int n = 0, known;
	unsigned allowed;
	const struct route *rt;

	rt = router_match(app_routes, app_route_count, "/admin/users/42",
			  HM_GET, params, &n, &known, &allowed);
	assert_non_null(rt);
	assert_string_equal(rt->name, "user");
	assert_int_equal(n, 1);
	assert_string_equal(params[0], "42");
	free(params[0]);
	rt = router_match(app_routes, app_route_count, "/admin/users/new",
			  HM_GET, params, &n, &known, &allowed);
	assert_string_equal(rt->name, "user_new");
	rt = router_match(app_routes, app_route_count, "/login", HM_PUT,
			  params, &n, &known, &allowed);
	assert_null(rt);
	assert_true(known);
	assert_true(allowed & HM_POST);
	rt = router_match(app_routes, app_route_count, "/no/such", HM_GET,
			  params, &n, &known, &allowed);
	assert_null(rt);
	assert_false(known);
}

/* AC-04: the three administrator roles exclude each other and business
 * roles; only the audit administrator reads the trail; only the security
 * administrator sets policy; the system administrator manages users. */
static void test_AC_04_separation_of_powers(void **state)
{
	const char *why;

	assert_false(roles_compatible(R(ROLE_SYSADMIN) | R(ROLE_AUDITADMIN),
				      &why));
	assert_false(roles_compatible(R(ROLE_SYSADMIN) | R(ROLE_SECADMIN),
				      &why));
	assert_false(roles_compatible(R(ROLE_SECADMIN) | R(ROLE_AUDITADMIN),
				      &why));
	assert_false(roles_compatible(R(ROLE_SYSADMIN) | R(ROLE_CLERK), &why));
	assert_true(roles_compatible(R(ROLE_CLERK) | R(ROLE_DEPT_HEAD), &why));

	assert_true(roles_allow(R(ROLE_SYSADMIN), PERM_USER_ADMIN));
	assert_false(roles_allow(R(ROLE_SYSADMIN), PERM_AUDIT_READ));
	assert_false(roles_allow(R(ROLE_SYSADMIN), PERM_POLICY));
	assert_true(roles_allow(R(ROLE_AUDITADMIN), PERM_AUDIT_READ));
	assert_false(roles_allow(R(ROLE_AUDITADMIN), PERM_USER_ADMIN));
	assert_false(roles_allow(R(ROLE_AUDITADMIN), PERM_POLICY));
	assert_true(roles_allow(R(ROLE_SECADMIN), PERM_POLICY));
	assert_false(roles_allow(R(ROLE_SECADMIN), PERM_USER_ADMIN));
	assert_false(roles_allow(R(ROLE_SECADMIN), PERM_AUDIT_READ));
	assert_false(roles_allow(R(ROLE_CLERK), PERM_USER_ADMIN));
	assert_false(roles_allow(0, PERM_SELF));
	assert_true(roles_allow(0, PERM_PUBLIC));
	assert_false(roles_allow(~0u, PERM_UNSET));
}

/* AU-08: salted PBKDF2-HMAC-SM3 with the iteration count stored. */
static void test_AU_08_password_hash(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;

	password_set_iterations(1000);
	assert_int_equal(password_hash("Correct-Horse-9", &a), 0);
	assert_int_equal(password_hash("Correct-Horse-9", &b), 0);
	assert_true(str_starts(buf_cstr(&a), "pbkdf2-sm3$1000$"));
	assert_string_not_equal(buf_cstr(&a), buf_cstr(&b)); /* salted */
	assert_null(strstr(buf_cstr(&a), "Correct-Horse-9"));
	assert_int_equal(password_verify("Correct-Horse-9", buf_cstr(&a)), 0);
	assert_int_not_equal(password_verify("Correct-Horse-8", buf_cstr(&a)),
			     0);
	assert_int_not_equal(password_verify("x", "pbkdf2-sm3$1000$!!$!!"), 0);
	assert_int_not_equal(password_verify("x", "plain"), 0);
	buf_release(&a);
	buf_release(&b);
}

/* AU-02: length, classes, blocklist, context, no truncation. */
static void test_AU_02_password_rules(void **state)
{
	static const struct {
		const char *pw;
		bool staff;
		const char *code; /* NULL: accepted */
	} cases[] = {
		{ "Short-1a", true, "password_too_short" },
		{ "Short-1a", false, NULL },
		{ "alllowercaseletters", true, "password_too_simple" },
		{ "Password123456!", true, "password_common" },
		{ "Wang.Zhiqiang-2026", true, "password_contextual" },
		{ "Blue-Ridge-Valley-42", true, NULL },
		{ "密码安全规则测试用例Ab1", true, NULL },
	};
	struct policy pol;
	struct fz_err err;
	char longpw[70];
	size_t i;

	policy_defaults(&pol);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc;

		memset(&err, 0, sizeof(err));
		rc = password_check_rules(&pol, cases[i].staff, "wang.zhiqiang",
					  "王志强", cases[i].pw, &err);
		if (cases[i].code) {
			assert_int_not_equal(rc, 0);
			assert_string_equal(err.code, cases[i].code);
		} else {
			assert_int_equal(rc, 0);
		}
	}
	/* 64 and more characters are accepted whole. */
	memset(longpw, 'a', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	memcpy(longpw, "Ab3-", 4);
	assert_int_equal(password_check_rules(&pol, true, "u", "u", longpw,
					      &err), 0);
}

static void test_password_generate_meets_rules(void **state)
{
	struct policy pol;
	struct fz_err err;
	char pw[21];
	int i;

	policy_defaults(&pol);
	for (i = 0; i < 200; i++) {
		password_generate(pw);
		assert_int_equal(strlen(pw), 20);
		assert_int_equal(password_check_rules(&pol, true, "someone",
						      "某人", pw, &err), 0);
	}
}

/* WB-01: every directive escapes except the explicit raw one. */
static void test_WB_01_html_escapes_by_default(void **state)
{
	struct buf b = BUF_INIT;

	html(&b, "<p title=\"%s\">%s</p>", "\"><script>x</script>",
	     "<img src=x onerror=alert(1)>&'");
	assert_null(strstr(buf_cstr(&b), "<script>"));
	assert_null(strstr(buf_cstr(&b), "<img"));
	assert_non_null(strstr(buf_cstr(&b), "&quot;&gt;&lt;script&gt;"));
	assert_non_null(strstr(buf_cstr(&b), "&amp;&#39;"));
	buf_reset(&b);
	html(&b, "<a href=\"/x?q=%u\">%d %I %%</a>", "a b&c=\"d\"", 7,
	     (int64_t)1 << 40);
	assert_string_equal(buf_cstr(&b), "<a href=\"/x?q=a%20b%26c%3D%22d"
			    "%22\">7 1099511627776 %</a>");
	buf_reset(&b);
	html(&b, "%r", "<b>trusted</b>");
	assert_string_equal(buf_cstr(&b), "<b>trusted</b>");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_AC_01_route_table_denies_by_default),
		cmocka_unit_test(test_AC_01_checker_rejects_bad_rows),
		cmocka_unit_test(test_router_match_params),
		cmocka_unit_test(test_AC_04_separation_of_powers),
		cmocka_unit_test(test_AU_08_password_hash),
		cmocka_unit_test(test_AU_02_password_rules),
		cmocka_unit_test(test_password_generate_meets_rules),
		cmocka_unit_test(test_WB_01_html_escapes_by_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
