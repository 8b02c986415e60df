/* test_retention.c: the personal-data expiry job (PI-03)
 *
 * Cases and petitioner rows are written directly, closed on chosen days,
 * and the job is run as of chosen days: the register keeps ID number,
 * phone and address 10 years after the case closes and the name 30.
 * The sealed columns hold stand-in text: the job never opens them.
 *
 * With $FAZHI_TEST_PG_URL set the tests run a second time on that
 * PostgreSQL database, whose public schema each test drops and recreates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "pii/pii.h"
#include "pii/retention.h"
#include "store/store.h"

#include "fixtures.h"

static int dbseq;
static const char *pg_url;      /* the PostgreSQL pass, else NULL */

struct fix {
	struct db *db;
	char data_dir[600];
	int ncases;
};

/* One petitioner row as stored. */
struct prow {
	char name[32], id_number[32], phone[32], address[32];
	bool phone_index, id_index, query_hash, query_index;
	char satisfaction[32];
	int64_t expired_at;
};

/* ---- set-up ---- */

static int setup(void **state)
{
	struct fix *fx = xcalloc(1, sizeof(*fx));

	snprintf(fx->data_dir, sizeof(fx->data_dir), "%s/d%d", fx_scratch,
		 ++dbseq);
	if (mkdir(fx->data_dir, 0700))
		return -1;
	fx->db = fx_db_open(pg_url, fx->data_dir, "fazhi", dbseq);
	if (!fx->db)
		return -1;
	*state = fx;
	return 0;
}

/* ---- shorthands ---- */

/* A case of the desk with its petitioner: closed at `closed` (a final
 * state) or, when NULL, still open.  Returns the case id. */
static int64_t add_case(struct fix *fx, const char *closed)
{
	int64_t closed_at = closed ? fx_at(closed) : 0, id;
	int n = ++fx->ncases;
	char number[32], idx[4][72];
	struct db_rows *r;
	int k;

	snprintf(number, sizeof(number), "信2020-%04d", n);
	r = db_query(fx->db, "INSERT INTO cases (proc, version, year, seq, "
		     "number, state, is_final, fields, created_at, "
		     "updated_at, closed_at) VALUES ('petition', 1, 2020, ?, "
		     "?, ?, ?, '{}', ?, ?, ?) RETURNING id", "issiiii",
		     (int64_t)n, number, closed ? "archived" : "accepted",
		     (int64_t)(closed != NULL), fx_at("2020-01-02"),
		     closed_at ? closed_at : fx_at("2020-01-02"), closed_at);
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	id = db_int(r, 0);
	db_rows_free(r);
	for (k = 0; k < 4; k++)
		snprintf(idx[k], sizeof(idx[k]), "%c%064d", "piqh"[k], n);
	assert_int_equal(db_exec(fx->db, "INSERT INTO petitioner (case_id, "
				 "name, id_number, phone, address, "
				 "phone_index, id_index, query_hash, "
				 "query_index, satisfaction, created_at) "
				 "VALUES (?, 'fz1.k1.NAME', 'fz1.k1.ID', "
				 "'fz1.k1.PHONE', 'fz1.k1.ADDR', ?, ?, ?, ?, "
				 "'satisfied', ?)", "issssi", id, idx[0],
				 idx[1], idx[3], idx[2],
				 fx_at("2020-01-02")), 1);
	return id;
}

static void load(struct fix *fx, int64_t case_id, struct prow *p)
{
	struct db_rows *r = db_query(fx->db, "SELECT name, id_number, "
				     "phone, address, phone_index, id_index, "
				     "query_hash, query_index, satisfaction, "
				     "expired_at FROM petitioner WHERE "
				     "case_id = ?", "i", case_id);

	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", db_text(r, 0));
	snprintf(p->id_number, sizeof(p->id_number), "%s", db_text(r, 1));
	snprintf(p->phone, sizeof(p->phone), "%s", db_text(r, 2));
	snprintf(p->address, sizeof(p->address), "%s", db_text(r, 3));
	p->phone_index = !db_isnull(r, 4);
	p->id_index = !db_isnull(r, 5);
	p->query_hash = !db_isnull(r, 6);
	p->query_index = !db_isnull(r, 7);
	snprintf(p->satisfaction, sizeof(p->satisfaction), "%s",
		 db_text(r, 8));
	p->expired_at = db_int(r, 9);
	db_rows_free(r);
}

static void assert_untouched(struct fix *fx, int64_t case_id)
{
	struct prow p;

	load(fx, case_id, &p);
	assert_string_equal(p.name, "fz1.k1.NAME");
	assert_string_equal(p.id_number, "fz1.k1.ID");
	assert_string_equal(p.phone, "fz1.k1.PHONE");
	assert_string_equal(p.address, "fz1.k1.ADDR");
	assert_true(p.phone_index && p.id_index && p.query_hash &&
		    p.query_index);
	assert_int_equal(p.expired_at, 0);
}

static void assert_frozen(struct fix *fx, int64_t case_id, int64_t when)
{
	struct prow p;

	load(fx, case_id, &p);
	assert_string_equal(p.name, "");
	assert_string_equal(p.id_number, "");
	assert_string_equal(p.phone, "");
	assert_string_equal(p.address, "");
	assert_false(p.phone_index || p.id_index || p.query_hash ||
		     p.query_index);
	assert_int_equal(p.expired_at, when);
	assert_string_equal(p.satisfaction, "satisfied");
}

static int64_t scalar(struct fix *fx, const char *sql, int64_t arg)
{
	int64_t v = -1;

	assert_int_equal(db_scalar_int(fx->db, &v, sql, "i", arg), 0);
	return v;
}

static int64_t audit_count(struct fix *fx)
{
	return scalar(fx, "SELECT COUNT(*) FROM audit_log WHERE action = "
		      "'pii.expire' AND seq > ?", 0);
}

static struct retention_result run(struct fix *fx, const char *day,
				   bool dry_run)
{
	struct retention_result res;

	assert_int_equal(retention_run(fx->db, fx->data_dir, fx_at(day),
				       dry_run, &res), 0);
	return res;
}

/* The count for register field `name` in a result. */
static int64_t blanked(const struct retention_result *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->nfields; i++)
		if (strcmp(res->fields[i].field->name, name) == 0)
			return res->fields[i].blanked;
	fail_msg("no result for %s", name);
	return -1;
}

/* An uploaded file of a case (0: not taken into one), stored as the
 * attachments module does on 2020-01-03: `storage` is "xx/xx…" under
 * DATA_DIR/attachments. */
static void add_attachment(struct fix *fx, int64_t case_id,
			   const char *storage, char path[800])
{
	char dir[700];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/attachments", fx->data_dir);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/attachments/%.2s", fx->data_dir,
		 storage);
	mkdir(dir, 0700);
	snprintf(path, 800, "%s/attachments/%s", fx->data_dir, storage);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("sealed bytes", f);
	fclose(f);
	assert_int_equal(db_exec(fx->db, "INSERT INTO attachments (case_id, "
				 "field, name, mime, size, sm3, storage, "
				 "created_at) VALUES (?, ?, "
				 "'fz1.k1.FILENAME', 'application/pdf', 12, "
				 "'00', ?, ?)", "zssi", case_id,
				 case_id ? "evidence" : "", storage,
				 fx_at("2020-01-03")), 1);
}

/* ---- tests ---- */

/* An upload nothing took goes after a day; one an open case holds, or
 * one another owner named in `field`, stays. */
static void test_PI_03_unclaimed_upload_removed(void **state)
{
	struct fix *fx = *state;
	int64_t open = add_case(fx, NULL);
	char lone[800], held[800], owned[800];
	struct retention_result res;

	add_attachment(fx, 0, "cd/cd0123456789abcdef0123456789abcdef", lone);
	add_attachment(fx, open, "ef/ef0123456789abcdef0123456789abcdef",
		       held);
	add_attachment(fx, 0, "aa/aa0123456789abcdef0123456789abcdef",
		       owned);
	assert_int_equal(db_exec(fx->db, "UPDATE attachments SET field = "
				 "'permit' WHERE storage LIKE 'aa/%'", ""), 1);
	res = run(fx, "2020-01-03T20:00", false);
	assert_int_equal(res.attachments, 0);
	assert_int_equal(access(lone, F_OK), 0);
	res = run(fx, "2020-01-05", false);
	assert_int_equal(res.attachments, 1);
	assert_int_equal(access(lone, F_OK), -1);
	assert_int_equal(access(held, F_OK), 0);
	assert_int_equal(access(owned, F_OK), 0);
	assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM attachments WHERE "
				"case_id IS NULL AND expired_at > ?", 0), 1);
	assert_int_equal(scalar(fx, "SELECT expired_at FROM attachments "
				"WHERE case_id = ?", open), 0);
}

static void test_PI_03_register_is_mapped(void **state)
{
	struct fix *fx = *state;
	struct retention_result res = run(fx, "2026-01-01", false);
	size_t i, n = 0;

	for (i = 0; i < pii_field_count; i++)
		if (retention_enforced(&pii_fields[i])) {
			assert_true(str_starts(pii_fields[i].name,
					       "petitioner."));
			n++;
		}
	assert_int_equal(res.nfields, n);
	assert_true(n >= 4);
	assert_int_equal(res.rows, 0);
	assert_int_equal(res.batches, 0);
	assert_int_equal(audit_count(fx), 0);
}

static void test_PI_03_phone_and_id_expire_name_stays(void **state)
{
	struct fix *fx = *state;
	int64_t id = add_case(fx, "2020-03-15T10:00");
	struct retention_result res;
	struct prow p;

	/* The tenth anniversary is the period's last day. */
	res = run(fx, "2030-03-15T23:59", false);
	assert_int_equal(res.rows, 0);
	assert_untouched(fx, id);

	res = run(fx, "2030-03-16", false);
	assert_int_equal(res.rows, 1);
	assert_int_equal(res.expired, 0);
	assert_int_equal(blanked(&res, "petitioner.phone"), 1);
	assert_int_equal(blanked(&res, "petitioner.id_number"), 1);
	assert_int_equal(blanked(&res, "petitioner.address"), 1);
	assert_int_equal(blanked(&res, "petitioner.name"), 0);
	load(fx, id, &p);
	assert_string_equal(p.name, "fz1.k1.NAME");
	assert_string_equal(p.id_number, "");
	assert_string_equal(p.phone, "");
	assert_string_equal(p.address, "");
	assert_false(p.phone_index || p.id_index);
	/* The query code lives as long as the row. */
	assert_true(p.query_hash && p.query_index);
	assert_int_equal(p.expired_at, 0);
	assert_int_equal(audit_count(fx), 1);

	/* Later runs within the 30 years find nothing more. */
	res = run(fx, "2049-01-01", false);
	assert_int_equal(res.rows, 0);
	assert_int_equal(audit_count(fx), 1);
}

static void test_PI_03_after_30_years_row_frozen(void **state)
{
	struct fix *fx = *state;
	int64_t id = add_case(fx, "2020-03-15T10:00");
	int64_t other = add_case(fx, "2021-05-01T09:00");
	struct retention_result res;
	char path[800];

	add_attachment(fx, id, "ab/ab0123456789abcdef0123456789abcdef", path);
	run(fx, "2032-01-01", false);
	res = run(fx, "2050-03-16", false);
	assert_int_equal(res.rows, 1);
	assert_int_equal(res.expired, 1);
	assert_int_equal(blanked(&res, "petitioner.name"), 1);
	assert_int_equal(blanked(&res, "petitioner.phone"), 0);
	assert_int_equal(blanked(&res, "petitioner.id_number"), 0);
	assert_int_equal(res.attachments, 1);
	assert_frozen(fx, id, fx_at("2050-03-16"));

	/* The case itself stays as it was, for the statistics. */
	assert_int_equal(scalar(fx, "SELECT closed_at FROM cases WHERE "
				"id = ?", id), fx_at("2020-03-15T10:00"));
	assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM cases WHERE id = ? "
				"AND state = 'archived' AND is_final = 1",
				id), 1);
	/* The file is gone; its row says when and lost the file name. */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(scalar(fx, "SELECT expired_at FROM attachments "
				"WHERE case_id = ?", id), fx_at("2050-03-16"));
	assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM attachments WHERE "
				"case_id = ? AND name = ''", id), 1);

	/* The other case closed a year later: only its 10-year fields. */
	{
		struct prow p;

		load(fx, other, &p);
		assert_string_equal(p.name, "fz1.k1.NAME");
		assert_string_equal(p.phone, "");
		assert_int_equal(p.expired_at, 0);
	}
}

static void test_PI_03_old_backlog_frozen_at_once(void **state)
{
	struct fix *fx = *state;
	int64_t id = add_case(fx, "2020-03-15T10:00");
	struct retention_result res = run(fx, "2060-01-01", false);

	assert_int_equal(res.rows, 1);
	assert_int_equal(res.expired, 1);
	assert_int_equal(blanked(&res, "petitioner.name"), 1);
	assert_int_equal(blanked(&res, "petitioner.phone"), 1);
	assert_int_equal(blanked(&res, "petitioner.id_number"), 1);
	assert_int_equal(blanked(&res, "petitioner.address"), 1);
	assert_frozen(fx, id, fx_at("2060-01-01"));
	assert_int_equal(audit_count(fx), 1);
}

static void test_PI_03_open_case_never_touched(void **state)
{
	struct fix *fx = *state;
	int64_t open = add_case(fx, NULL);
	int64_t reopened = add_case(fx, "2020-03-15T10:00");
	struct retention_result res;

	/* A case taken up again is not final, whatever closed_at says. */
	assert_int_equal(db_exec(fx->db, "UPDATE cases SET is_final = 0, "
				 "state = 'review_requested' WHERE id = ?",
				 "i", reopened), 1);
	res = run(fx, "2099-12-31", false);
	assert_int_equal(res.rows, 0);
	assert_untouched(fx, open);
	assert_untouched(fx, reopened);
	assert_int_equal(audit_count(fx), 0);
}

static void test_PI_03_recent_case_untouched(void **state)
{
	struct fix *fx = *state;
	int64_t id = add_case(fx, "2029-06-30T16:00");
	struct retention_result res = run(fx, "2030-03-16", false);

	assert_int_equal(res.rows, 0);
	assert_untouched(fx, id);
}

static void test_PI_03_leap_day(void **state)
{
	struct fix *fx = *state;
	int64_t id = add_case(fx, "2020-02-29T09:00");
	struct prow p;

	/* 2030 has no 29 February: the period ends on the 28th. */
	assert_int_equal(run(fx, "2030-02-28T23:59", false).rows, 0);
	assert_untouched(fx, id);
	assert_int_equal(run(fx, "2030-03-01", false).rows, 1);
	load(fx, id, &p);
	assert_string_equal(p.phone, "");
	assert_string_equal(p.name, "fz1.k1.NAME");
}

static void test_PI_03_audit_entry(void **state)
{
	struct fix *fx = *state;
	int64_t a = add_case(fx, "2020-03-15T10:00");
	int64_t b = add_case(fx, "2020-04-01T10:00");
	struct db_rows *r;
	char want[32];

	run(fx, "2035-01-01", false);
	r = db_query(fx->db, "SELECT actor, actor_id, object, outcome, "
		     "details FROM audit_log WHERE action = 'pii.expire'", "");
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	assert_string_equal(db_text(r, 0), "system");
	assert_true(db_isnull(r, 1) || db_int(r, 1) == 0);
	assert_string_equal(db_text(r, 2), "petitioner");
	assert_string_equal(db_text(r, 3), "success");
	snprintf(want, sizeof(want), "\"cases\":[%lld,%lld]", (long long)a,
		 (long long)b);
	assert_non_null(strstr(db_text(r, 4), want));
	assert_non_null(strstr(db_text(r, 4), "\"petitioner.phone\""));
	assert_non_null(strstr(db_text(r, 4), "\"petitioner.id_number\""));
	assert_null(strstr(db_text(r, 4), "\"petitioner.name\""));
	assert_non_null(strstr(db_text(r, 4), "\"frozen\":false"));
	assert_int_equal(db_next(r), 0);
	db_rows_free(r);
}

static void test_PI_03_second_run_does_nothing(void **state)
{
	struct fix *fx = *state;
	struct retention_result res;
	int64_t id = add_case(fx, "2020-03-15T10:00");
	int64_t audit;

	add_case(fx, "2010-03-15T10:00");
	res = run(fx, "2045-01-01", false);
	assert_int_equal(res.rows, 2);
	assert_int_equal(res.expired, 1);
	audit = audit_count(fx);
	res = run(fx, "2045-01-01", false);
	assert_int_equal(res.rows, 0);
	assert_int_equal(res.expired, 0);
	assert_int_equal(res.batches, 0);
	assert_int_equal(audit_count(fx), audit);
	assert_int_equal(scalar(fx, "SELECT expired_at FROM petitioner "
				"WHERE case_id = ?", id), 0);
	/* The frozen row keeps the day it was frozen. */
	res = run(fx, "2070-01-01", false);
	assert_int_equal(res.expired, 1);
	assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM petitioner WHERE "
				"expired_at = ?", fx_at("2045-01-01")), 1);
}

static void test_PI_03_dry_run_changes_nothing(void **state)
{
	struct fix *fx = *state;
	int64_t a = add_case(fx, "2020-03-15T10:00");
	int64_t b = add_case(fx, "2000-03-15T10:00");
	struct retention_result res;
	char path[800];

	add_attachment(fx, b, "cd/cd0123456789abcdef0123456789abcdef", path);
	res = run(fx, "2040-01-01", true);
	assert_int_equal(res.rows, 2);
	assert_int_equal(res.expired, 1);
	assert_int_equal(res.attachments, 1);
	assert_int_equal(res.batches, 0);
	assert_int_equal(blanked(&res, "petitioner.phone"), 2);
	assert_int_equal(blanked(&res, "petitioner.name"), 1);
	assert_untouched(fx, a);
	assert_untouched(fx, b);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM attachments WHERE "
				"expired_at = ?", 0), 1);
	assert_int_equal(audit_count(fx), 0);
	/* What it announced is what a real run does. */
	res = run(fx, "2040-01-01", false);
	assert_int_equal(res.rows, 2);
	assert_int_equal(res.expired, 1);
	assert_int_equal(res.attachments, 1);
}

static void test_PI_03_undeletable_file_tried_again(void **state)
{
	struct fix *fx = *state;
	int64_t id = add_case(fx, "2000-01-01T10:00");
	struct retention_result res;
	char path[800], inner[900];
	FILE *f;

	add_attachment(fx, id, "ef/ef0123456789abcdef0123456789abcdef", path);
	/* A non-empty directory where the file was: unlink() refuses. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(inner, sizeof(inner), "%s/x", path);
	f = fopen(inner, "w");
	assert_non_null(f);
	fclose(f);
	res = run(fx, "2040-01-01", false);
	assert_int_equal(res.expired, 1);
	assert_int_equal(res.attachments, 0);
	assert_int_equal(res.attach_failed, 1);
	assert_int_equal(scalar(fx, "SELECT expired_at FROM attachments "
				"WHERE case_id = ?", id), 0);

	assert_int_equal(unlink(inner), 0);
	assert_int_equal(rmdir(path), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	res = run(fx, "2040-01-02", false);
	assert_int_equal(res.rows, 0);
	assert_int_equal(res.attachments, 1);
	assert_int_equal(res.attach_failed, 0);
	assert_int_equal(res.batches, 1);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(scalar(fx, "SELECT expired_at FROM attachments "
				"WHERE case_id = ?", id), fx_at("2040-01-02"));
	assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM audit_log WHERE "
				"action = 'pii.expire' AND object = "
				"'attachments' AND details LIKE '%' || ? || "
				"'%'", id), 1);
}

static void test_PI_03_batches(void **state)
{
	struct fix *fx = *state;
	int n = 2 * RETENTION_BATCH + 50, i;
	struct retention_result res;

	assert_int_equal(db_begin(fx->db), 0);
	for (i = 0; i < n; i++)
		add_case(fx, i % 2 ? "2020-03-15T10:00" : "2001-01-01");
	assert_int_equal(db_commit(fx->db), 0);
	res = run(fx, "2035-01-01", false);
	assert_int_equal(res.rows, n);
	assert_int_equal(res.expired, n / 2);
	/* Two bands (10 and 30 years) of 225 rows: two batches each. */
	assert_int_equal(res.batches, 4);
	assert_int_equal(audit_count(fx), 4);
	assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM petitioner WHERE "
				"(phone <> '' OR id_index IS NOT NULL OR "
				"address <> '') AND case_id > ?", 0), 0);
	assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM petitioner WHERE "
				"expired_at > ?", 0), n / 2);
	assert_int_equal(run(fx, "2035-01-01", false).rows, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_PI_03_register_is_mapped, setup, fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_phone_and_id_expire_name_stays, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_after_30_years_row_frozen, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_old_backlog_frozen_at_once, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_open_case_never_touched, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_recent_case_untouched, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_PI_03_leap_day, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_PI_03_audit_entry, setup,
						fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_second_run_does_nothing, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_dry_run_changes_nothing, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_undeletable_file_tried_again, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_PI_03_unclaimed_upload_removed, setup,
			fx_db_teardown),
		cmocka_unit_test_setup_teardown(test_PI_03_batches, setup,
						fx_db_teardown),
	};
	static char dir[] = "/tmp/fz_retention_XXXXXX";

	fx_scratch = dir;
	return FX_RUN_TWICE("retention", tests, fx_scratch_again,
			    fx_scratch_teardown, &pg_url) ? 1 : 0;
}
