/* demo_util.c: what the demo generators run on, who acts, on which days
 *
 * Each demo generator (demo_cases.c, demo_ogi.c, demo_portal.c,
 * demo_permits.c) runs on the same definitions and official calendar,
 * acts through the same accounts, walks the same working days and draws
 * from the same deterministic generator; that lives here, so that the
 * demo records of every area are set up, dated and attributed alike.
 */
#include "cli/demo_util.h"

#include <stdio.h>
#include <string.h>

#include "calendar/official.h"
#include "cli/app.h"
#include "core/util.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "org/accounts.h"
#include "pii/pii.h"
#include "store/store.h"

/* The first of `procs` that is not defined, or NULL. */
static const char *undefined(const char *const *procs)
{
	for (; procs && *procs; procs++)
		if (!workflow_find(*procs, 0))
			return *procs;
	return NULL;
}

int demo_env_open(struct app *a, const char *const *procs,
		  struct demo_env *env)
{
	struct fz_err err = { 0 };
	const char *missing;

	memset(env, 0, sizeof(*env));
	if (undefined(procs)) {
		if (workflows_load(workflows_default_dir(), &err))
			return error("procedure definitions: %s", err.msg);
		env->loaded = true;
	}
	missing = undefined(procs);
	if (missing)
		return error("demo: the %s procedure is not defined",
			     missing);
	if (pii_divisions_init(&err))
		return error("division codes: %s", err.msg);
	env->cal = calendar_open(a->data_dir, &err);
	if (!env->cal)
		return error("calendar: %s", err.msg);
	return 0;
}

void demo_env_close(struct demo_env *env)
{
	calendar_free(env->cal);
	env->cal = NULL;
	if (env->loaded)
		workflows_unload();
	env->loaded = false;
}

int demo_staff_of(struct db *db, const char *login, enum role role,
		  struct demo_staff *s)
{
	int64_t id = account_find(db, login), dept = 0;

	if (id <= 0)
		return error("demo: no account %s", login);
	if (db_scalar_int(db, &dept, "SELECT COALESCE(dept_id, 0) FROM users "
			  "WHERE id = ?", "i", id) < 0)
		return error("demo: %s", db_errmsg(db));
	memset(s, 0, sizeof(*s));
	s->actor.id = id;
	s->actor.login = login;
	s->actor.roles = role_code(role);
	s->actor.ip = "local";
	s->actor.request_id = "demo";
	s->roles = (roleset)1 << role;
	s->dept_id = dept;
	return 0;
}

void demo_id_number(cal_day birth, int seq, char out[19])
{
	char day[11];

	cal_format(birth, day);
	snprintf(out, 19, "330624%.4s%.2s%.2s%03d", day, day + 5, day + 8,
		 (seq % 1000 + 1000) % 1000);
	out[17] = pii_idcard_check_char(out);
	out[18] = '\0';
}

int64_t demo_at(cal_day d, int minute)
{
	return (int64_t)d * 86400 - 8 * 3600 + (int64_t)minute * 60;
}

cal_day demo_working_on_or_after(const struct calendar *cal, cal_day d)
{
	while (!calendar_is_working(cal, d))
		d++;
	return d;
}

cal_day demo_working_after(const struct calendar *cal, cal_day d, int n)
{
	while (n > 0)
		if (calendar_is_working(cal, ++d))
			n--;
	return d;
}

cal_day demo_working_before(const struct calendar *cal, cal_day d, int n)
{
	while (n > 0)
		if (calendar_is_working(cal, --d))
			n--;
	return d;
}

void demo_cn_date(const char *ymd, char out[32])
{
	snprintf(out, 32, "%.4s年%d月%d日", ymd,
		 (ymd[5] - '0') * 10 + ymd[6] - '0',
		 (ymd[8] - '0') * 10 + ymd[9] - '0');
}

void demo_cn_day(cal_day d, char out[32])
{
	char s[11];

	cal_format(d, s);
	demo_cn_date(s, out);
}

static int stop_at_first(const struct case_info *c, void *arg)
{
	(void)c;
	*(bool *)arg = true;
	return 1;
}

int demo_year_present(struct db *db, const char *proc, int year,
		      bool *present)
{
	struct case_filter f = { .procedure = proc, .year = year,
				 .limit = 1 };
	int rc;

	*present = false;
	rc = case_list(db, &f, stop_at_first, present);
	if (rc < 0)
		error("demo: %s", db_errmsg(db));
	return rc < 0 ? rc : 0;
}
