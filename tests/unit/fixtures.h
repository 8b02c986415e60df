/* fixtures.h: what several unit tests set up alike
 *
 * Header-only (static inline), so CMake's one executable per
 * tests/unit/test_*.c needs nothing more; include it after <cmocka.h>.
 *  - a scratch directory removed with everything in it, and key rings
 *    made in it;
 *  - the world of the case engine's tests: a fresh database (SQLite in
 *    the scratch directory, or the PostgreSQL database of
 *    $FAZHI_TEST_PG_URL with its public schema dropped and made again),
 *    the petition office (which also runs the hotline) and two other
 *    departments, one account per person of the test, and the engine
 *    calls of a person acting at 10:00 on a given day;
 *  - the shipped procedures, division codes and official calendar for a
 *    group of tests, a database fixture's tear-down, local times, and
 *    running a group on SQLite and again on PostgreSQL.
 */
#ifndef FZ_TEST_FIXTURES_H
#define FZ_TEST_FIXTURES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "auth/roles.h"
#include "calendar/calendar.h"
#include "calendar/official.h"
#include "core/clock.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "pii/pii.h"
#include "store/store.h"

/* ---- scratch directories ---- */

/* Remove `path` and, for a directory, everything below it; 0 or -1. */
static inline int fx_remove_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	char *sub;

	if (lstat(path, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", path, e->d_name);
		fx_remove_tree(sub);
		free(sub);
	}
	closedir(d);
	return rmdir(path);
}

/* The scratch directory of a group of tests: main() points fx_scratch
 * at a mkdtemp() template, and fx_scratch_setup() and
 * fx_scratch_teardown(), as the group's set-up and tear-down, make the
 * directory and remove it with all that the tests left in it. */
static char *fx_scratch;

static inline int fx_scratch_setup(void **state)
{
	(void)state;
	return mkdtemp(fx_scratch) ? 0 : -1;
}

static inline int fx_scratch_teardown(void **state)
{
	(void)state;
	return fx_remove_tree(fx_scratch);
}

/* ---- keys ---- */

/* A file key provider on a fresh data directory `name` in the scratch
 * directory. */
static inline void fx_provider(const char *name, struct key_provider *kp)
{
	char *dir = xasprintf("%s/%s", fx_scratch, name);

	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(key_provider_file(kp, dir), 0);
	free(dir);
}

/* A keyring made new in data directory `name`, and its provider. */
struct fx_ring {
	struct key_provider kp;
	struct keyring *kr;
};

static inline void fx_ring_make(const char *name, struct fx_ring *r)
{
	char err[256];

	fx_provider(name, &r->kp);
	assert_int_equal(keyring_create(&r->kp), 0);
	r->kr = keyring_load(&r->kp, err, sizeof(err));
	assert_non_null(r->kr);
}

static inline void fx_ring_free(struct fx_ring *r)
{
	keyring_free(r->kr);
	key_provider_release(&r->kp);
}

/* ---- the case engine's world ---- */

enum { OFFICE, DEPT_A, DEPT_B, NDEPTS };

/* A person of a test: an account with these roles in department `dept`
 * (an index into the departments above, -1 for none). */
struct fx_person {
	const char *login;
	roleset roles;
	int dept;
};

static inline cal_day fx_day(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

/* The id in the one row of `r`, the rows of an INSERT ... RETURNING id
 * (db_query()); `r` is freed. */
static inline int64_t fx_returned_id(struct db_rows *r)
{
	int64_t id;

	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	id = db_int(r, 0);
	db_rows_free(r);
	return id;
}

/* A fresh, migrated database: on PostgreSQL at `pg_url` when it is not
 * NULL, else "<dir>/<name><seq>.db".  NULL after printing why. */
static inline struct db *fx_db_open(const char *pg_url, const char *dir,
				    const char *name, int seq)
{
	char url[600], err[256] = "";
	struct db *db;

	if (pg_url)
		snprintf(url, sizeof(url), "%s", pg_url);
	else
		snprintf(url, sizeof(url), "sqlite:%s/%s%d.db", dir, name,
			 seq);
	db = db_open(url, err, sizeof(err));
	if (db && pg_url &&
	    (db_exec(db, "DROP SCHEMA IF EXISTS public CASCADE", "") ||
	     db_exec(db, "CREATE SCHEMA public", ""))) {
		print_error("reset: %s\n", db_errmsg(db));
		db_close(db);
		return NULL;
	}
	if (!db || db_migrate(db, NULL, NULL)) {
		print_error("db: %s\n", db ? db_errmsg(db) : err);
		if (db)
			db_close(db);
		return NULL;
	}
	return db;
}

/* The departments into dept[NDEPTS] and the `n` people into user[n]. */
static inline void fx_staff(struct db *db, const struct fx_person *people,
			    size_t n, int64_t dept[NDEPTS], int64_t *user)
{
	static const char *const depts[NDEPTS][2] = {
		{ "xfb", "信访办" }, { "jsj", "建设局" }, { "hbj", "环保局" },
	};
	size_t i;

	for (i = 0; i < NDEPTS; i++)
		dept[i] = fx_returned_id(db_query(db, "INSERT INTO "
						  "departments (code, name, "
						  "created_at) VALUES (?, ?, "
						  "0) RETURNING id", "ss",
						  depts[i][0], depts[i][1]));
	for (i = 0; i < n; i++)
		user[i] = fx_returned_id(db_query(db, "INSERT INTO users "
						  "(login, display_name, "
						  "dept_id, password_hash, "
						  "password_changed_at, "
						  "created_at) VALUES (?, ?, "
						  "?, 'x', 0, 0) RETURNING id",
						  "ssz", people[i].login,
						  people[i].login,
						  people[i].dept < 0 ? 0 :
						  dept[people[i].dept]));
}

/* The fixture of a test of the engine's world: a fresh database with the
 * departments and at most FX_PEOPLE_MAX people.  fx_db_teardown() is its
 * tear-down. */
#define FX_PEOPLE_MAX 16

struct fx_staffed {
	struct db *db;
	int64_t dept[NDEPTS];
	int64_t user[FX_PEOPLE_MAX];
};

/* fx_db_open() of "<name><seq>.db" in the scratch directory (or of
 * `pg_url`), then fx_staff() with the `n` people; NULL after printing
 * why. */
static inline struct fx_staffed *fx_staffed_open(const char *pg_url,
						 const char *name, int seq,
						 const struct fx_person *people,
						 size_t n)
{
	struct fx_staffed *fx;

	assert_true(n <= FX_PEOPLE_MAX);
	fx = xcalloc(1, sizeof(*fx));
	fx->db = fx_db_open(pg_url, fx_scratch, name, seq);
	if (!fx->db) {
		free(fx);
		return NULL;
	}
	fx_staff(fx->db, people, n, fx->dept, fx->user);
	return fx;
}

/* The context of person `p` (account `id`) acting at 10:00 on `day`. */
static inline struct engine_ctx fx_as(struct db *db,
				      const struct calendar *cal,
				      const struct fx_person *p, int64_t id,
				      const int64_t dept[NDEPTS],
				      const char *day)
{
	struct engine_ctx c = { 0 };
	char when[32];

	snprintf(when, sizeof(when), "%sT10:00", day);
	assert_int_equal(clock_parse_local(when, &c.now), 0);
	c.db = db;
	c.actor.id = id;
	c.actor.login = p->login;
	c.actor.roles = "test";
	c.actor.ip = "127.0.0.1";
	c.actor.request_id = "-";
	c.roles = p->roles;
	c.dept_id = p->dept < 0 ? 0 : dept[p->dept];
	c.cal = cal;
	return c;
}

/* Open a case, which must succeed; `fields` is consumed. */
static inline int64_t fx_create(struct engine_ctx c, const char *proc,
				json_t *fields)
{
	struct fz_err err = { 0 };
	int64_t id = 0;
	int rc = case_create(&c, proc, fields, &id, &err);

	if (rc)
		print_error("create %s: %s %s\n", proc, err.code, err.msg);
	assert_int_equal(rc, 0);
	json_decref(fields);
	return id;
}

/* Take an action, which must succeed; `fields` is consumed. */
static inline void fx_act(struct engine_ctx c, int64_t id,
			  const char *action, json_t *fields)
{
	struct fz_err err = { 0 };
	int rc = case_act(&c, id, action, fields, &err);

	if (rc)
		print_error("%s: %s %s\n", action, err.code, err.msg);
	assert_int_equal(rc, 0);
	json_decref(fields);
}

/* ---- a group of tests on the shipped procedures ---- */

/* fx_scratch_setup() for a group that runs more than once (on SQLite,
 * then on PostgreSQL): the template's XXXXXX, which mkdtemp() filled in
 * the last time, are put back first. */
static inline int fx_scratch_again(void **state)
{
	size_t n = strlen(fx_scratch);

	if (n < 6)
		return -1;
	memset(fx_scratch + n - 6, 'X', 6);
	return fx_scratch_setup(state);
}

/* The official calendar, while the group of fx_world_setup() runs. */
static struct calendar *fx_cal;

/* Group set-up of tests that run the shipped procedures: a new scratch
 * directory (fx_scratch_again()), the definitions of workflows/, the
 * division codes of identity numbers, and the official calendar in
 * fx_cal.  fx_world_teardown() undoes it all. */
static inline int fx_world_setup(void **state)
{
	struct fz_err err = { 0 };

	if (fx_scratch_again(state))
		return -1;
	if (workflows_load(workflows_default_dir(), &err) ||
	    pii_divisions_init(&err)) {
		print_error("set-up: %s\n", err.msg);
		return -1;
	}
	fx_cal = calendar_open(NULL, &err);
	if (!fx_cal)
		print_error("calendar: %s\n", err.msg);
	return fx_cal ? 0 : -1;
}

static inline int fx_world_teardown(void **state)
{
	calendar_free(fx_cal);
	fx_cal = NULL;
	workflows_unload();
	return fx_scratch_teardown(state);
}

/* ---- shorthands ---- */

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" in China Standard Time. */
static inline int64_t fx_at(const char *s)
{
	int64_t t = 0;

	assert_int_equal(clock_parse_local(s, &t), 0);
	return t;
}

/* The tear-down of a test whose state is a fixture allocated with
 * xcalloc() whose first member is the `struct db *` of fx_db_open(): the
 * database is closed and the fixture freed. */
static inline int fx_db_teardown(void **state)
{
	struct db **db = *state;

	db_close(*db);
	free(db);
	return 0;
}

/* Run the group `tests` (n of them) as "<what> on SQLite", then, when
 * $FAZHI_TEST_PG_URL is set, again as "<what> on PostgreSQL" with
 * *pg_url pointing at that database.  The number of failures. */
static inline int fx_run_twice(const char *what,
			       const struct CMUnitTest *tests, size_t n,
			       CMFixtureFunction setup,
			       CMFixtureFunction teardown,
			       const char **pg_url)
{
	const char *pg = getenv("FAZHI_TEST_PG_URL");
	char name[128];
	int failed;

	snprintf(name, sizeof(name), "%s on SQLite", what);
	failed = _cmocka_run_group_tests(name, tests, n, setup, teardown);
	if (pg && *pg) {
		*pg_url = pg;
		snprintf(name, sizeof(name), "%s on PostgreSQL", what);
		failed += _cmocka_run_group_tests(name, tests, n, setup,
						  teardown);
	}
	return failed;
}

#define FX_RUN_TWICE(what, tests, setup, teardown, pg_url) \
	fx_run_twice(what, tests, ARRAY_SIZE(tests), setup, teardown, pg_url)

#endif
