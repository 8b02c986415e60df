/* test_store.c: the storage interface, on SQLite and (when given) PostgreSQL
 *
 * The same tests run against a fresh SQLite file for each test and, when
 * FAZHI_TEST_PG_URL names a database, against PostgreSQL: each test there
 * drops and recreates the `public` schema first, so runs are repeatable.
 * The database must be a throwaway one (see scripts/pgtmp.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/util.h"
#include "store/backend.h"
#include "store/schema.h"
#include "store/store.h"

static struct {
	enum db_kind kind;
	const char *pg_url;
} be;

static char tmpdir[] = "/tmp/fz_store_XXXXXX";
static char cur_path[512];	/* SQLite file of the running test */
static char cur_url[600];
static int seq;

static bool is_pg(void)
{
	return be.kind == DB_PG;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static struct db *open_url(const char *url)
{
	char err[512] = "";
	struct db *db = db_open(url, err, sizeof(err));

	if (!db)
		print_error("db_open(%s): %s\n", url, err);
	assert_non_null(db);
	return db;
}

/* A connection to an empty database of the backend under test. */
static struct db *open_fresh(void)
{
	struct db *db;

	if (!is_pg()) {
		snprintf(cur_path, sizeof(cur_path), "%s/t%d.db", tmpdir,
			 ++seq);
		snprintf(cur_url, sizeof(cur_url), "sqlite:%s", cur_path);
		return open_url(cur_url);
	}
	snprintf(cur_url, sizeof(cur_url), "%s", be.pg_url);
	db = open_url(cur_url);
	assert_int_equal(db_exec(db, "DROP SCHEMA IF EXISTS public CASCADE",
				 ""), 0);
	assert_int_equal(db_exec(db, "CREATE SCHEMA public", ""), 0);
	return db;
}

static int setup_empty(void **state)
{
	*state = open_fresh();
	return 0;
}

static int setup_migrated(void **state)
{
	struct db *db = open_fresh();

	*state = db;
	if (db_migrate(db, NULL, NULL)) {
		print_error("migrate: %s\n", db_errmsg(db));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	db_close(*state);
	return 0;
}

static int64_t scalar(struct db *db, const char *sql)
{
	int64_t v = -12345;
	int rc = db_scalar_int(db, &v, sql, "");

	if (rc)
		print_error("%s: %s\n", sql, db_errmsg(db));
	assert_int_equal(rc, 0);
	return v;
}

/* INSERT ... RETURNING id, as feature code does it. */
static int64_t add_dept(struct db *db, const char *code, int64_t parent)
{
	struct db_rows *r;
	int64_t id;

	r = db_query(db, "INSERT INTO departments (parent_id, code, name,"
		     " created_at) VALUES (?, ?, ?, ?) RETURNING id", "zssi",
		     parent, code, "部门", (int64_t)1700000000);
	if (!r)
		print_error("insert: %s\n", db_errmsg(db));
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	id = db_int(r, 0);
	assert_int_equal(db_next(r), 0);
	db_rows_free(r);
	assert_true(id > 0);
	return id;
}

static int add_user(struct db *db, const char *login, const char *name,
		    int64_t dept, const char *kind)
{
	return db_exec(db, "INSERT INTO users (login, display_name, dept_id,"
		       " kind, password_hash, password_changed_at, created_at)"
		       " VALUES (?, ?, ?, ?, 'h', 0, 0)", "sszs", login, name,
		       dept, kind);
}

static int add_audit(struct db *db, int64_t n)
{
	return db_exec(db, "INSERT INTO audit_log (seq, ts, actor_id, actor,"
		       " actor_role, source_ip, request_id, action, object,"
		       " outcome, details, prev_hash, hash) VALUES"
		       " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       "iizssssssssss", n, (int64_t)1700000000, (int64_t)0,
		       "系统", "admin", "127.0.0.1", "req-1", "user.create",
		       "users/1", "ok", "{}", "00", "abcd");
}

/* ---- tests that need no database ---- */

static void expect_rewrite(const char *sql, bool std, const char *want,
			   int want_n)
{
	struct buf b = BUF_INIT;
	int n = db_pg_rewrite(sql, std, &b);

	assert_string_equal(buf_cstr(&b), want);
	assert_int_equal(n, want_n);
	buf_release(&b);
}

static void test_pg_placeholder_rewrite(void **state)
{
	(void)state;
	expect_rewrite("SELECT ?", true, "SELECT $1", 1);
	expect_rewrite("", true, "", 0);
	expect_rewrite("a = ? AND b = '?' AND \"c?\" = ?", true,
		       "a = $1 AND b = '?' AND \"c?\" = $2", 2);
	expect_rewrite("'it''s ?' ?", true, "'it''s ?' $1", 1);
	expect_rewrite("\"a\"\"?\" ?", true, "\"a\"\"?\" $1", 1);
	expect_rewrite("$$ ? $$ ?", true, "$$ ? $$ $1", 1);
	expect_rewrite("$t$ ? $u$ ? $t$ ?", true, "$t$ ? $u$ ? $t$ $1", 1);
	expect_rewrite("E'\\' ?' ?", true, "E'\\' ?' $1", 1);
	expect_rewrite("'a\\' = ? OR ? = 'x'", true,
		       "'a\\' = $1 OR $2 = 'x'", 2);
	expect_rewrite("'a\\' = ? OR ? = 'x'", false,
		       "'a\\' = ? OR ? = 'x'", 0);
	expect_rewrite("-- ?\n? /* ? /* ? */ ? */ ?", true,
		       "-- ?\n$1 /* ? /* ? */ ? */ $2", 2);
	expect_rewrite("SELECT a$b, ?", true, "SELECT a$b, $1", 1);
	expect_rewrite("SELECT '问题?', ?", true, "SELECT '问题?', $1", 1);
	expect_rewrite("SELECT 'open ?", true, "SELECT 'open ?", 0);
	expect_rewrite("? ? ? ? ? ? ? ? ? ? ?", true,
		       "$1 $2 $3 $4 $5 $6 $7 $8 $9 $10 $11", 11);
}

static void expect_open_fails(const char *url, const char *needle)
{
	char err[512] = "";

	assert_null(db_open(url, err, sizeof(err)));
	assert_true(err[0] != '\0');
	if (needle && !strstr(err, needle)) {
		print_error("db_open(%s): %s\n", url ? url : "NULL", err);
		fail();
	}
}

static void test_open_errors(void **state)
{
	char path[600];
	FILE *f;
	int i;

	(void)state;
	expect_open_fails(NULL, NULL);
	expect_open_fails("mysql://localhost/fazhi", "unsupported");
	expect_open_fails("sqlite:", "path");
	expect_open_fails("sqlite:/nonexistent-fz-dir/a/b.db", "cannot open");
	snprintf(path, sizeof(path), "%s/garbage.db", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < 4096; i++)
		fputc('x', f);
	fclose(f);
	snprintf(path, sizeof(path), "sqlite:%s/garbage.db", tmpdir);
	expect_open_fails(path, "not a database");
	/* nothing listens on port 1 */
	expect_open_fails("postgresql://postgres@127.0.0.1:1/fazhi",
			  "connect");
	expect_open_fails("postgres://postgres@127.0.0.1:1/fazhi", "connect");
}

/* ---- tests run on each backend ---- */

static void test_migrate_from_empty_and_again(void **state)
{
	struct db *db = *state;
	int from = -1, to = -1, latest = db_schema_version_latest();

	assert_true(latest >= 1);
	assert_int_equal(db_schema_version(db), 0);
	assert_int_equal(db_migrate(db, &from, &to), 0);
	assert_int_equal(from, 0);
	assert_int_equal(to, latest);
	assert_int_equal(db_schema_version(db), latest);
	assert_int_equal(scalar(db, "SELECT count(*) FROM schema_migrations"),
			 schema_migration_count);
	assert_true(scalar(db, "SELECT min(applied_at) FROM"
			   " schema_migrations") > 1600000000);
	assert_int_equal(scalar(db, "SELECT count(*) FROM users"), 0);
	assert_false(db_in_tx(db));

	from = to = -1;
	assert_int_equal(db_migrate(db, &from, &to), 0);
	assert_int_equal(from, latest);
	assert_int_equal(to, latest);
	assert_int_equal(scalar(db, "SELECT count(*) FROM schema_migrations"),
			 schema_migration_count);

	/* a second connection sees the same and has nothing to do */
	{
		struct db *db2 = open_url(cur_url);

		assert_int_equal(db_schema_version(db2), latest);
		assert_int_equal(db_migrate(db2, &from, &to), 0);
		assert_int_equal(from, latest);
		db_close(db2);
	}
}

static void test_insert_returning_id(void **state)
{
	struct db *db = *state;
	int64_t a, b, c;
	struct db_rows *r;

	a = add_dept(db, "d1", 0);
	b = add_dept(db, "d2", a);
	c = add_dept(db, "d3", b);
	assert_true(a < b && b < c);

	r = db_query(db, "SELECT id, parent_id FROM departments ORDER BY id",
		     "");
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	assert_int_equal(db_int(r, 0), a);
	assert_true(db_isnull(r, 1));
	assert_null(db_text(r, 1));
	assert_int_equal(db_int(r, 1), 0);
	assert_int_equal(db_next(r), 1);
	assert_int_equal(db_int(r, 1), a);
	{
		char want[32];

		snprintf(want, sizeof(want), "%lld", (long long)a);
		assert_string_equal(db_text(r, 1), want);
	}
	assert_int_equal(db_next(r), 1);
	assert_int_equal(db_int(r, 0), c);
	assert_int_equal(db_next(r), 0);
	assert_int_equal(db_next(r), 0);	/* stays at the end */
	db_rows_free(r);

	/* db_exec with RETURNING still counts the row */
	assert_int_equal(db_exec(db, "INSERT INTO departments (code, name,"
				 " created_at) VALUES (?, ?, 0) RETURNING id",
				 "ss", "d4", "x"), 1);
}

static void test_params_of_each_type(void **state)
{
	static const char login[] = "o'brien \"q\" ? -- ; '' \\";
	static const char name[] = "张三（法制科）· 測試 ？";
	struct db *db = *state;
	struct db_rows *r;
	int64_t big = INT64_C(9007199254740993), v = 0;

	assert_int_equal(add_user(db, login, name, 0, "staff"), 1);
	assert_int_equal(db_exec(db, "UPDATE users SET password_changed_at = ?,"
				 " locked_until = ? WHERE login = ?", "iis",
				 big, INT64_C(-5), login), 1);

	r = db_query(db, "SELECT login, display_name, dept_id,"
		     " password_changed_at, locked_until, kind"
		     " FROM users WHERE login = ? AND display_name = ?", "ss",
		     login, name);
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	assert_string_equal(db_text(r, 0), login);
	assert_string_equal(db_text(r, 1), name);
	assert_true(db_isnull(r, 2));
	assert_null(db_text(r, 2));
	assert_int_equal(db_int(r, 3), big);
	assert_string_equal(db_text(r, 3), "9007199254740993");
	assert_int_equal(db_int(r, 4), -5);
	assert_string_equal(db_text(r, 5), "staff");
	assert_false(db_isnull(r, 5));
	assert_int_equal(db_next(r), 0);
	db_rows_free(r);

	/* NULL through 's' and 'z'; extremes through 'i' */
	assert_int_equal(db_scalar_int(db, &v, "SELECT CASE WHEN ? IS NULL"
				       " AND ? IS NULL THEN 1 ELSE 0 END", "sz",
				       (const char *)NULL, (int64_t)0), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_scalar_int(db, &v, "SELECT CASE WHEN ? IS NULL"
				       " THEN 1 ELSE 0 END", "z",
				       (int64_t)7), 0);
	assert_int_equal(v, 0);
	assert_int_equal(db_scalar_int(db, &v, "SELECT ?", "i", INT64_MAX),
			 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(db_scalar_int(db, &v, "SELECT ?", "i", INT64_MIN),
			 0);
	assert_int_equal(v, INT64_MIN);
	assert_int_equal(db_scalar_int(db, &v, "SELECT ? + ?", "ii",
				       (int64_t)40, (int64_t)2), 0);
	assert_int_equal(v, 42);
	/* a comparison comes back as 0/1 on both engines */
	assert_int_equal(db_scalar_int(db, &v, "SELECT count(*) > 0 FROM users",
				       ""), 0);
	assert_int_equal(v, 1);

	/* `?` inside literals, quoted names and comments is not a parameter */
	r = db_query(db, "SELECT 'it''s ?', ? AS \"col?\" /* ? */ -- ?\n",
		     "s", "值");
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	assert_string_equal(db_text(r, 0), "it's ?");
	assert_string_equal(db_text(r, 1), "值");
	db_rows_free(r);

	if (is_pg()) {
		r = db_query(db, "SELECT $$a?b$$, $x$?$x$, E'\\'?', ?", "i",
			     (int64_t)3);
		assert_non_null(r);
		assert_int_equal(db_next(r), 1);
		assert_string_equal(db_text(r, 0), "a?b");
		assert_string_equal(db_text(r, 1), "?");
		assert_string_equal(db_text(r, 2), "'?");
		assert_int_equal(db_int(r, 3), 3);
		db_rows_free(r);
	}

	/* more parameters than fit on the stack */
	assert_int_equal(db_scalar_int(db, &v, "SELECT ?+?+?+?+?+?+?+?+?+?"
				       "+?+?+?+?+?+?+?+?+?+?",
				       "iiiiiiiiiiiiiiiiiiii", (int64_t)1, (int64_t)2,
				       (int64_t)3, (int64_t)4, (int64_t)5,
				       (int64_t)6, (int64_t)7, (int64_t)8,
				       (int64_t)9, (int64_t)10, (int64_t)11,
				       (int64_t)12, (int64_t)13, (int64_t)14,
				       (int64_t)15, (int64_t)16, (int64_t)17,
				       (int64_t)18, (int64_t)19, (int64_t)20),
			 0);
	assert_int_equal(v, 210);
}

static void test_misuse(void **state)
{
	struct db *db = *state;
	struct db_rows *r, *r2;
	int64_t v = 99;

	assert_int_equal(db_exec(db, "SELECT ?", "x", (int64_t)1), DB_EMISUSE);
	assert_int_equal(db_errcode(db), DB_EMISUSE);
	assert_non_null(strstr(db_errmsg(db), "format"));
	assert_int_equal(db_exec(db, "SELECT ?", ""), DB_EMISUSE);
	assert_int_equal(db_exec(db, "SELECT 1", "i", (int64_t)1), DB_EMISUSE);
	assert_null(db_query(db, "SELECT ?", "q", (int64_t)1));
	assert_int_equal(db_errcode(db), DB_EMISUSE);
	assert_true(db_exec(db, "SELECT 1; SELECT 2", "") < 0);
	assert_int_equal(db_exec(db, "SELEKT 1", ""), DB_ERR);
	assert_true(strlen(db_errmsg(db)) > 0);
	assert_int_equal(db_exec(db, "SELECT * FROM no_such_table", ""),
			 DB_ERR);

	/* no row found */
	assert_int_equal(db_scalar_int(db, &v, "SELECT id FROM departments",
				       ""), 1);
	assert_int_equal(v, 99);

	/* one result set at a time; columns checked */
	r = db_query(db, "SELECT 1, 'a'", "");
	assert_non_null(r);
	assert_int_equal(db_int(r, 0), 0);	/* before db_next */
	assert_int_equal(db_errcode(db), DB_EMISUSE);
	r2 = db_query(db, "SELECT 2", "");
	assert_null(r2);
	assert_int_equal(db_errcode(db), DB_EMISUSE);
	assert_int_equal(db_next(r), 1);
	assert_int_equal(db_int(r, 0), 1);
	assert_int_equal(db_int(r, 2), 0);
	assert_int_equal(db_errcode(db), DB_EMISUSE);
	assert_null(db_text(r, -1));
	assert_int_equal(db_next(r), 0);
	db_rows_free(r);
	db_rows_free(NULL);
	assert_int_equal(db_next(NULL), DB_EMISUSE);
	assert_int_equal(scalar(db, "SELECT 3"), 3);
}

static void test_exec_counts_changes(void **state)
{
	struct db *db = *state;
	struct db_rows *r;
	int n = 0;

	add_dept(db, "a", 0);
	add_dept(db, "b", 0);
	add_dept(db, "c", 0);
	assert_int_equal(db_exec(db, "UPDATE departments SET sort = ?", "i",
				 (int64_t)4), 3);
	assert_int_equal(db_exec(db, "UPDATE departments SET sort = 1"
				 " WHERE code = ?", "s", "zz"), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE t_extra (x BIGINT)", ""),
			 0);
	assert_int_equal(db_exec(db, "SELECT id FROM departments", ""), 0);
	assert_int_equal(db_exec(db, "DELETE FROM departments WHERE code <> ?",
				 "s", "a"), 2);

	/* writes and the same SQL while a result set is open */
	r = db_query(db, "SELECT code FROM departments ORDER BY id", "");
	assert_non_null(r);
	assert_int_equal(db_exec(db, "SELECT code FROM departments ORDER BY id",
				 ""), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t_extra (x) VALUES (?)", "i",
				 (int64_t)5), 1);
	while (db_next(r) == 1) {
		assert_string_equal(db_text(r, 0), "a");
		n++;
	}
	db_rows_free(r);
	assert_int_equal(n, 1);
}

static void test_constraint_violation(void **state)
{
	struct db *db = *state;
	int64_t d = add_dept(db, "d1", 0);

	assert_int_equal(add_user(db, "li", "李四", d, "staff"), 1);
	assert_int_equal(add_user(db, "li", "李四", 0, "staff"),
			 DB_ECONSTRAINT);
	assert_int_equal(db_errcode(db), DB_ECONSTRAINT);
	assert_true(strlen(db_errmsg(db)) > 0);
	assert_int_equal(add_user(db, "wang", NULL, 0, "staff"),
			 DB_ECONSTRAINT);
	assert_int_equal(add_user(db, "zhao", "赵", d + 1000, "staff"),
			 DB_ECONSTRAINT);
	assert_int_equal(add_user(db, "qian", "钱", 0, "bogus"),
			 DB_ECONSTRAINT);
	assert_null(db_query(db, "INSERT INTO departments (code, name,"
			     " created_at) VALUES ('d1', 'x', 0) RETURNING id",
			     ""));
	assert_int_equal(db_errcode(db), DB_ECONSTRAINT);
	assert_int_equal(scalar(db, "SELECT count(*) FROM users"), 1);
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 1);
}

static void test_tx_rollback_leaves_nothing(void **state)
{
	struct db *db = *state;

	assert_false(db_in_tx(db));
	assert_int_equal(db_begin(db), 0);
	assert_true(db_in_tx(db));
	add_dept(db, "d1", 0);
	add_dept(db, "d2", 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 2);
	assert_int_equal(db_rollback(db), 0);
	assert_false(db_in_tx(db));
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 0);

	assert_int_equal(db_begin(db), 0);
	add_dept(db, "d1", 0);
	assert_int_equal(db_commit(db), 0);
	assert_false(db_in_tx(db));
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 1);

	assert_int_equal(db_commit(db), DB_EMISUSE);
	assert_int_equal(db_rollback(db), 0);
}

static void test_nested_begin_is_misuse(void **state)
{
	struct db *db = *state;

	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_begin(db), DB_EMISUSE);
	assert_true(db_in_tx(db));
	add_dept(db, "d1", 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 1);
	assert_int_equal(db_migrate(db, NULL, NULL), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_migrate(db, NULL, NULL), DB_EMISUSE);
	assert_int_equal(db_rollback(db), 0);
}

/* A failed statement dooms the transaction on both engines. */
static void test_failed_statement_dooms_tx(void **state)
{
	struct db *db = *state;

	assert_int_equal(db_begin(db), 0);
	add_dept(db, "d1", 0);
	assert_int_equal(db_exec(db, "INSERT INTO departments (code, name,"
				 " created_at) VALUES ('d1', 'x', 0)", ""),
			 DB_ECONSTRAINT);
	assert_int_equal(db_exec(db, "INSERT INTO departments (code, name,"
				 " created_at) VALUES ('d2', 'x', 0)", ""),
			 DB_ERR);
	assert_null(db_query(db, "SELECT 1", ""));
	assert_int_equal(db_commit(db), DB_ECONSTRAINT);
	assert_false(db_in_tx(db));
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 0);

	/* misuse does not doom it */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "SELECT ?", "x", (int64_t)1), DB_EMISUSE);
	add_dept(db, "d3", 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 1);
}

static void test_AD_04_audit_append_only(void **state)
{
	struct db *db = *state;
	struct db_rows *r;

	assert_int_equal(add_audit(db, 1), 1);
	assert_int_equal(add_audit(db, 2), 1);
	assert_int_equal(db_exec(db, "UPDATE audit_log SET hash = ?"
				 " WHERE seq = ?", "si", "forged", (int64_t)1),
			 DB_ECONSTRAINT);
	assert_non_null(strstr(db_errmsg(db), "append-only"));
	assert_int_equal(db_exec(db, "DELETE FROM audit_log WHERE seq = ?",
				 "i", (int64_t)2), DB_ECONSTRAINT);
	assert_int_equal(db_exec(db, "DELETE FROM audit_log", ""),
			 DB_ECONSTRAINT);
	if (is_pg())
		assert_int_equal(db_exec(db, "TRUNCATE audit_log", ""),
				 DB_ECONSTRAINT);

	/* inside a transaction too, and it takes the transaction down */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "UPDATE audit_log SET details = '{}'",
				 ""), DB_ECONSTRAINT);
	assert_int_equal(db_commit(db), DB_ECONSTRAINT);

	r = db_query(db, "SELECT seq, hash FROM audit_log ORDER BY seq", "");
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	assert_int_equal(db_int(r, 0), 1);
	assert_string_equal(db_text(r, 1), "abcd");
	assert_int_equal(db_next(r), 1);
	assert_int_equal(db_int(r, 0), 2);
	assert_int_equal(db_next(r), 0);
	db_rows_free(r);

	assert_int_equal(db_exec(db, "INSERT INTO audit_checkpoints (seq, ts,"
				 " head_hash, key_id, signature) VALUES"
				 " (?, ?, ?, ?, ?)", "iisss", (int64_t)2,
				 (int64_t)1, "abcd", "k1", "sig"), 1);
	assert_int_equal(db_exec(db, "UPDATE audit_checkpoints SET"
				 " signature = 'x'", ""), DB_ECONSTRAINT);
	assert_int_equal(db_exec(db, "DELETE FROM audit_checkpoints", ""),
			 DB_ECONSTRAINT);
	assert_int_equal(scalar(db, "SELECT count(*) FROM audit_checkpoints"),
			 1);
}

static void test_RL_02_durability_pragmas(void **state)
{
	struct db *db = *state;
	char what[128] = "unset";
	struct db_rows *r;

	assert_int_equal(db_check_durability(db, what, sizeof(what)), 0);
	assert_string_equal(what, "");

	if (!is_pg()) {
		r = db_query(db, "PRAGMA journal_mode", "");
		assert_non_null(r);
		assert_int_equal(db_next(r), 1);
		assert_string_equal(db_text(r, 0), "wal");
		db_rows_free(r);
		assert_int_equal(scalar(db, "PRAGMA synchronous"), 2);
		assert_int_equal(scalar(db, "PRAGMA foreign_keys"), 1);
		assert_int_equal(scalar(db, "PRAGMA secure_delete"), 1);
		assert_int_equal(scalar(db, "PRAGMA busy_timeout"), 5000);
		/* the check notices a weakened setting */
		assert_int_equal(db_exec(db, "PRAGMA synchronous = NORMAL",
					 ""), 0);
		assert_true(db_check_durability(db, what, sizeof(what)) < 0);
		assert_string_equal(what, "synchronous=1");
		assert_int_equal(db_exec(db, "PRAGMA synchronous = FULL", ""),
				 0);
		assert_int_equal(db_exec(db, "PRAGMA foreign_keys = OFF", ""),
				 0);
		assert_true(db_check_durability(db, what, sizeof(what)) < 0);
		assert_string_equal(what, "foreign_keys=0");
	} else {
		assert_int_equal(db_exec(db, "SET synchronous_commit = off",
					 ""), 0);
		assert_true(db_check_durability(db, what, sizeof(what)) < 0);
		assert_string_equal(what, "synchronous_commit=off");
		assert_int_equal(db_exec(db, "SET synchronous_commit = on", ""),
				 0);
		assert_int_equal(db_check_durability(db, what, sizeof(what)),
				 0);
	}
}

static void test_backup_copy(void **state)
{
	struct db *db = *state, *copy;
	char bak[600], url[700];
	struct db_rows *r;
	int n = 0;

	add_dept(db, "d1", 0);
	add_dept(db, "d2", 0);
	assert_int_equal(add_audit(db, 1), 1);
	if (is_pg()) {
		assert_int_equal(db_backup(db, "/tmp/fz-never.db"),
				 DB_EMISUSE);
		assert_non_null(strstr(db_errmsg(db), "pg_dump"));
		assert_int_equal(access("/tmp/fz-never.db", F_OK), -1);
		return;
	}
	snprintf(bak, sizeof(bak), "%s.bak", cur_path);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_backup(db, bak), DB_EMISUSE);
	assert_int_equal(db_rollback(db), 0);
	if (db_backup(db, bak))
		print_error("backup: %s\n", db_errmsg(db));
	assert_int_equal(access(bak, F_OK), 0);
	/* never over an existing file */
	assert_int_equal(db_backup(db, bak), DB_EMISUSE);
	add_dept(db, "d3", 0);

	snprintf(url, sizeof(url), "sqlite:%s", bak);
	copy = open_url(url);
	assert_int_equal(db_schema_version(copy), db_schema_version_latest());
	r = db_query(copy, "SELECT code FROM departments ORDER BY id", "");
	assert_non_null(r);
	while (db_next(r) == 1) {
		assert_string_equal(db_text(r, 0), n ? "d2" : "d1");
		n++;
	}
	db_rows_free(r);
	assert_int_equal(n, 2);
	assert_int_equal(scalar(copy, "SELECT count(*) FROM audit_log"), 1);
	/* the triggers came along */
	assert_int_equal(db_exec(copy, "DELETE FROM audit_log", ""),
			 DB_ECONSTRAINT);
	assert_int_equal(db_check_durability(copy, NULL, 0), 0);
	db_close(copy);
	assert_int_equal(db_backup(db, "/nonexistent-fz-dir/x.db"), DB_ERR);
}

/* Write transactions on two connections take turns. */
static void test_write_tx_serialised(void **state)
{
	struct db *db = *state, *db2 = open_url(cur_url);
	int64_t n = -1;

	if (!is_pg())	/* do not wait the full busy_timeout */
		assert_int_equal(db_exec(db2, "PRAGMA busy_timeout = 200", ""),
				 0);
	assert_int_equal(db_begin(db), 0);
	add_dept(db, "d1", 0);
	/* readers are not blocked and see only committed rows */
	assert_int_equal(db_scalar_int(db2, &n, "SELECT count(*) FROM"
				       " departments", ""), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_begin(db2), DB_EBUSY);
	assert_false(db_in_tx(db2));
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_begin(db2), 0);
	add_dept(db2, "d2", 0);
	assert_int_equal(db_commit(db2), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 2);
	db_close(db2);
}

static void test_statement_cache(void **state)
{
	struct db *db = *state;
	struct buf sql = BUF_INIT;
	struct db_rows *r;
	int i, n = 0;
	int64_t v;

	for (i = 0; i < 500; i++) {
		assert_int_equal(db_scalar_int(db, &v, "SELECT ? * 2", "i",
					       (int64_t)i), 0);
		assert_int_equal(v, 2 * i);
	}
	/* more distinct statements than the cache holds, twice over, once
	 * with a result set open (its statement must survive) */
	add_dept(db, "d1", 0);
	add_dept(db, "d2", 0);
	r = db_query(db, "SELECT code FROM departments ORDER BY id", "");
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	for (i = 0; i < 2 * DB_CACHE_MAX + 10; i++) {
		buf_reset(&sql);
		buf_printf(&sql, "SELECT ? + %d", i);
		assert_int_equal(db_exec(db, buf_cstr(&sql), "i",
					 (int64_t)1), 0);
	}
	assert_string_equal(db_text(r, 0), "d1");
	assert_int_equal(db_next(r), 1);
	assert_string_equal(db_text(r, 0), "d2");
	assert_int_equal(db_next(r), 0);
	db_rows_free(r);
	for (i = 0; i < 2 * DB_CACHE_MAX + 10; i++) {
		buf_reset(&sql);
		buf_printf(&sql, "SELECT ? + %d", i % 300);
		assert_int_equal(db_scalar_int(db, &v, buf_cstr(&sql), "i",
					       (int64_t)1), 0);
		assert_int_equal(v, 1 + i % 300);
		n++;
	}
	buf_release(&sql);
	assert_int_equal(n, 2 * DB_CACHE_MAX + 10);
	/* same SQL, other parameter types (PostgreSQL declares them) */
	assert_int_equal(db_scalar_int(db, &v, "SELECT CASE WHEN ? IS NULL"
				       " THEN 0 ELSE 1 END", "i", (int64_t)5),
			 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_scalar_int(db, &v, "SELECT CASE WHEN ? IS NULL"
				       " THEN 0 ELSE 1 END", "s", "五"), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_scalar_int(db, &v, "SELECT CASE WHEN ? IS NULL"
				       " THEN 0 ELSE 1 END", "s",
				       (const char *)NULL), 0);
	assert_int_equal(v, 0);
}

/* PostgreSQL only: a killed session fails one call, then reconnects. */
static void test_pg_reconnect(void **state)
{
	struct db *db = *state, *db2;
	int64_t pid, pid2 = 0, v = 0;

	if (!is_pg()) {
		skip();
		return;
	}
	db2 = open_url(cur_url);
	pid = scalar(db, "SELECT pg_backend_pid()");
	assert_int_equal(db_scalar_int(db2, &v, "SELECT pg_terminate_backend("
				       "CAST(? AS INTEGER))", "i", pid), 0);
	assert_int_equal(v, 1);
	sleep_ms(300);
	assert_int_equal(db_scalar_int(db, &v, "SELECT 1", ""), DB_EUNAVAIL);
	assert_int_equal(db_scalar_int(db, &pid2, "SELECT pg_backend_pid()",
				       ""), 0);
	assert_true(pid2 != pid);

	/* lost inside a transaction: nothing of it survives */
	assert_int_equal(db_begin(db), 0);
	add_dept(db, "d1", 0);
	assert_int_equal(db_exec(db2, "SELECT pg_terminate_backend(CAST(? AS"
				 " INTEGER))", "i", pid2), 0);
	sleep_ms(300);
	assert_int_equal(db_exec(db, "INSERT INTO departments (code, name,"
				 " created_at) VALUES ('d2', 'x', 0)", ""),
			 DB_EUNAVAIL);
	assert_true(db_commit(db) < 0);
	assert_false(db_in_tx(db));
	assert_int_equal(scalar(db, "SELECT count(*) FROM departments"), 0);
	db_close(db2);
}

static void test_pg_skipped(void **state)
{
	(void)state;
	print_message("PostgreSQL tests skipped: set FAZHI_TEST_PG_URL, e.g."
		      " URL=$(scripts/pgtmp.sh start /tmp/pgt1) &&"
		      " FAZHI_TEST_PG_URL=$URL ./test_store\n");
	skip();
}

#define EMPTY(f) cmocka_unit_test_setup_teardown(f, setup_empty, teardown)
#define MIGRATED(f) \
	cmocka_unit_test_setup_teardown(f, setup_migrated, teardown)

static const struct CMUnitTest backend_tests[] = {
	EMPTY(test_migrate_from_empty_and_again),
	MIGRATED(test_insert_returning_id),
	MIGRATED(test_params_of_each_type),
	MIGRATED(test_misuse),
	MIGRATED(test_exec_counts_changes),
	MIGRATED(test_constraint_violation),
	MIGRATED(test_tx_rollback_leaves_nothing),
	MIGRATED(test_nested_begin_is_misuse),
	MIGRATED(test_failed_statement_dooms_tx),
	MIGRATED(test_AD_04_audit_append_only),
	MIGRATED(test_RL_02_durability_pragmas),
	MIGRATED(test_backup_copy),
	MIGRATED(test_write_tx_serialised),
	MIGRATED(test_statement_cache),
	MIGRATED(test_pg_reconnect),
};

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[600];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest common_tests[] = {
		cmocka_unit_test(test_pg_placeholder_rewrite),
		cmocka_unit_test(test_open_errors),
	};
	const struct CMUnitTest skipped[] = {
		cmocka_unit_test(test_pg_skipped),
	};
	const char *pg_url = getenv("FAZHI_TEST_PG_URL");
	int failed = 0;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	failed += cmocka_run_group_tests_name("store", common_tests, NULL,
					      NULL);
	be.kind = DB_SQLITE;
	failed += cmocka_run_group_tests_name("store on SQLite", backend_tests,
					      NULL, NULL);
	if (pg_url && *pg_url) {
		be.kind = DB_PG;
		be.pg_url = pg_url;
		failed += cmocka_run_group_tests_name("store on PostgreSQL",
						      backend_tests, NULL,
						      NULL);
	} else {
		cmocka_run_group_tests_name("store on PostgreSQL", skipped,
					    NULL, NULL);
	}
	remove_tmpdir();
	return failed ? 1 : 0;
}
