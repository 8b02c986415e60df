/* test_audit.c: the audit trail — chain, tamper detection, filters, export
 *
 * Each test gets a fresh SQLite database holding ten entries appended the
 * way the server appends them (one write transaction each), signed every
 * four entries, so checkpoints sit at 4 and 8.  Tampering goes through a
 * second, plain sqlite3 connection, as someone with access to the file
 * would do it: the append-only triggers are dropped first.
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
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>
#include <zlib.h>

#include "audit/audit.h"
#include "audit/export.h"
#include "audit/query.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "http/parse.h"
#include "store/store.h"

#define ENTRIES 10

static char tmpdir[] = "/tmp/fz_audit_XXXXXX";
static struct sm2_key *key;
static int dbseq;

struct fix {
	struct db *db;
	char path[512];
	int64_t t0;             /* clock before the first append */
};

/* What each of the ten entries is; index i is sequence i + 1. */
static const struct {
	int64_t actor_id;
	const char *actor, *action, *object, *outcome;
} seed[ENTRIES] = {
	{ 1, "alice", "login", "user:1", "success" },
	{ 2, "bob", "login", "user:2", "failure" },
	{ 1, "alice", "user.create", "user:3", "success" },
	{ 1, "alice", "user.disable", "user:3", "success" },
	{ 0, NULL, "policy.update", "policy", "success" },
	{ 2, "bob", "user.create", "user:4", "denied" },
	{ 3, "=1+2", "login", "user:5", "success" },
	{ 4, "a%b", "login", "user:6", "success" },
	{ 1, "alice", "audit.query", "audit_log", "success" },
	{ 2, "bob", "user.roles", "user:12", "success" },
};

/* ---- helpers ---- */

static int64_t append_one(struct db *db, int64_t actor_id, const char *actor,
			  const char *action, const char *object,
			  const char *outcome, json_t *details)
{
	struct audit_entry e = {
		.actor_id = actor_id,
		.actor = actor,
		.actor_role = actor ? "sysadmin" : NULL,
		.source_ip = actor ? "192.0.2.7" : NULL,
		.request_id = actor ? "00112233aabbccdd" : NULL,
		.action = action,
		.object = object,
		.outcome = outcome,
		.details = details,
	};
	int64_t seq;

	assert_int_equal(db_begin(db), 0);
	seq = audit_append(db, &e);
	if (seq < 0)
		print_error("audit_append: %lld %s\n", (long long)seq,
			    db_errmsg(db));
	assert_true(seq > 0);
	assert_int_equal(db_commit(db), 0);
	return seq;
}

static void seed_entries(struct db *db)
{
	int i;

	for (i = 0; i < ENTRIES; i++) {
		json_t *d = json_pack("{s:i,s:s}", "n", i + 1, "note",
				      "第几条");

		assert_int_equal(append_one(db, seed[i].actor_id,
					    seed[i].actor, seed[i].action,
					    seed[i].object, seed[i].outcome,
					    d), i + 1);
		json_decref(d);
	}
}

static int setup(void **state)
{
	struct fix *fx = xcalloc(1, sizeof(*fx));
	char url[600], err[256] = "";

	snprintf(fx->path, sizeof(fx->path), "%s/a%d.db", tmpdir, ++dbseq);
	snprintf(url, sizeof(url), "sqlite:%s", fx->path);
	fx->db = db_open(url, err, sizeof(err));
	if (!fx->db) {
		print_error("db_open: %s\n", err);
		free(fx);
		return -1;
	}
	if (db_migrate(fx->db, NULL, NULL)) {
		print_error("migrate: %s\n", db_errmsg(fx->db));
		return -1;
	}
	fx->t0 = clock_now();
	seed_entries(fx->db);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fix *fx = *state;

	db_close(fx->db);
	free(fx);
	return 0;
}

/* Run SQL through a plain sqlite3 connection to the same file. */
static void raw_sql(const struct fix *fx, const char *sql)
{
	sqlite3 *h;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(fx->path, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		print_error("%s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		fail();
	}
	sqlite3_close(h);
}

static int64_t scalar(struct db *db, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(db_scalar_int(db, &v, sql, ""), 0);
	return v;
}

/* verify must report tampering (1) at entry `seq`. */
static void expect_damage(struct fix *fx, int64_t seq)
{
	struct audit_verify v;
	int rc = audit_verify(fx->db, key, &v);

	if (rc != 1 || v.bad_seq != seq)
		print_error("verify: rc %d, bad_seq %lld (%s), expected %lld\n",
			    rc, (long long)v.bad_seq, v.problem,
			    (long long)seq);
	assert_int_equal(rc, 1);
	assert_int_equal(v.bad_seq, seq);
	assert_true(v.problem[0] != '\0');
}

static void expect_intact(struct fix *fx)
{
	struct audit_verify v;
	int rc = audit_verify(fx->db, key, &v);

	if (rc != 0)
		print_error("verify: rc %d at %lld: %s\n", rc,
			    (long long)v.bad_seq, v.problem);
	assert_int_equal(rc, 0);
	assert_int_equal(v.bad_seq, 0);
}

/* ---- AD-03: the chain and its checkpoints ---- */

static void test_AD_03_verify_intact(void **state)
{
	struct fix *fx = *state;
	struct audit_verify v;

	assert_int_equal(audit_verify(fx->db, key, &v), 0);
	assert_int_equal(v.entries, ENTRIES);
	assert_int_equal(v.checkpoints, 2);	/* at 4 and 8 */
	assert_int_equal(v.bad_seq, 0);
	assert_int_equal(audit_length(fx->db), ENTRIES);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM "
				"audit_checkpoints"), 2);
	/* Without a key the chain is still walked. */
	assert_int_equal(audit_verify(fx->db, NULL, &v), 0);
	assert_int_equal(v.entries, ENTRIES);
}

static void test_AD_03_detects_edit(void **state)
{
	struct fix *fx = *state;

	raw_sql(fx, "DROP TRIGGER audit_log_no_update;"
		"UPDATE audit_log SET actor = 'mallory' WHERE seq = 6");
	expect_damage(fx, 6);
}

static void test_AD_03_detects_details_edit(void **state)
{
	struct fix *fx = *state;

	raw_sql(fx, "DROP TRIGGER audit_log_no_update;"
		"UPDATE audit_log SET details = '{\"n\":99}' WHERE seq = 2");
	expect_damage(fx, 2);
}

static void test_AD_03_detects_delete(void **state)
{
	struct fix *fx = *state;

	raw_sql(fx, "DROP TRIGGER audit_log_no_delete;"
		"DELETE FROM audit_log WHERE seq = 5");
	expect_damage(fx, 5);
}

/* Renumbering after a delete closes the gap in the sequence; the link to
 * the previous hash still breaks. */
static void test_AD_03_detects_delete_renumbered(void **state)
{
	struct fix *fx = *state;

	raw_sql(fx, "DROP TRIGGER audit_log_no_delete;"
		"DROP TRIGGER audit_log_no_update;"
		"DELETE FROM audit_log WHERE seq = 5;"
		"UPDATE audit_log SET seq = seq - 1 WHERE seq > 5");
	expect_damage(fx, 5);
}

static void test_AD_03_detects_reorder(void **state)
{
	struct fix *fx = *state;

	/* Swap everything but the sequence numbers of entries 3 and 5. */
	raw_sql(fx, "DROP TRIGGER audit_log_no_update;"
		"CREATE TEMP TABLE t AS SELECT * FROM audit_log "
		" WHERE seq IN (3, 5);"
		"UPDATE audit_log SET (ts, actor_id, actor, actor_role,"
		" source_ip, request_id, action, object, outcome, details,"
		" prev_hash, hash) = (SELECT ts, actor_id, actor, actor_role,"
		" source_ip, request_id, action, object, outcome, details,"
		" prev_hash, hash FROM t WHERE t.seq ="
		" CASE audit_log.seq WHEN 3 THEN 5 ELSE 3 END)"
		" WHERE seq IN (3, 5)");
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM audit_log "
				"WHERE seq = 3 AND action = 'policy.update'"),
			 1);
	expect_damage(fx, 3);
}

static void test_AD_03_detects_truncation(void **state)
{
	struct fix *fx = *state;

	/* Cut the tail back past the checkpoint at 8: what is left is a
	 * valid chain, but the signed checkpoint names an entry that is
	 * gone. */
	raw_sql(fx, "DROP TRIGGER audit_log_no_delete;"
		"DELETE FROM audit_log WHERE seq > 6");
	expect_damage(fx, 8);
}

/* Hash of an entry as audit.h defines it: SM3(prev || netstrings). */
static void netstring(struct buf *b, const char *s)
{
	buf_printf(b, "%zu:%s,", strlen(s ? s : ""), s ? s : "");
}

static const char *tmpnum(sqlite3_stmt *st, int c)
{
	static char tmp[24];

	snprintf(tmp, sizeof(tmp), "%lld",
		 (long long)sqlite3_column_int64(st, c));
	return tmp;
}

static void rehash_from(const struct fix *fx, int64_t from)
{
	static const char *const cols = "seq, ts, actor_id, actor, actor_role,"
		" source_ip, request_id, action, object, outcome, details,"
		" prev_hash";
	char sql[512], prev[65] = "";
	sqlite3_stmt *st, *up;
	sqlite3 *h;

	assert_int_equal(sqlite3_open(fx->path, &h), SQLITE_OK);
	snprintf(sql, sizeof(sql), "SELECT %s FROM audit_log WHERE seq >= "
		 "%lld ORDER BY seq", cols, (long long)from);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), 0);
	assert_int_equal(sqlite3_prepare_v2(h, "UPDATE audit_log SET "
					    "prev_hash = ?, hash = ? WHERE "
					    "seq = ?", -1, &up, NULL), 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct buf b = BUF_INIT, hex = BUF_INIT;
		uint8_t md[SM3_LEN];
		int c;

		if (!prev[0])
			snprintf(prev, sizeof(prev), "%s",
				 sqlite3_column_text(st, 11));
		netstring(&b, prev);
		/* Integers as audit.c writes them: a NULL actor_id is 0. */
		for (c = 0; c < 3; c++)
			buf_printf(&b, "%zu:%lld,", strlen(tmpnum(st, c)),
				   (long long)sqlite3_column_int64(st, c));
		for (c = 3; c < 11; c++)
			netstring(&b, (const char *)sqlite3_column_text(st,
									c));
		crypto_sm3(b.data, b.len, md);
		buf_hex(&hex, md, SM3_LEN);
		sqlite3_bind_text(up, 1, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 2, buf_cstr(&hex), -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 3, sqlite3_column_int64(st, 0));
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
		sqlite3_reset(up);
		snprintf(prev, sizeof(prev), "%s", buf_cstr(&hex));
		buf_release(&b);
		buf_release(&hex);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	sqlite3_close(h);
}

/* An attacker who knows the hash function rewrites the chain after the
 * edit: the chain then links up, and only the signed checkpoints can
 * tell.  The first checkpoint at or after the edit must fail. */
static void test_AD_03_detects_rehashed_edit(void **state)
{
	struct fix *fx = *state;
	struct audit_verify v;

	raw_sql(fx, "DROP TRIGGER audit_log_no_update;"
		"UPDATE audit_log SET outcome = 'success' WHERE seq = 6");
	rehash_from(fx, 6);
	expect_damage(fx, 8);
	/* Proof that the rewrite itself was consistent: without the key
	 * the chain walk alone is fooled, which is why checkpoints exist. */
	memset(&v, 0, sizeof(v));
	assert_int_equal(audit_verify(fx->db, NULL, &v), 1);
	assert_int_equal(v.bad_seq, 8);
	assert_non_null(strstr(v.problem, "checkpoint"));
}

static void test_AD_03_detects_forged_checkpoint(void **state)
{
	struct fix *fx = *state;

	raw_sql(fx, "DROP TRIGGER audit_cp_no_update;"
		"UPDATE audit_checkpoints SET ts = ts + 1 WHERE seq = 4");
	expect_damage(fx, 4);
}

/* ---- AD-04: the table refuses updates and deletes ---- */

static void test_AD_04_triggers_refuse(void **state)
{
	struct fix *fx = *state;
	struct db_rows *r;

	assert_int_equal(db_exec(fx->db, "UPDATE audit_log SET actor = "
				 "'mallory' WHERE seq = 3", ""),
			 DB_ECONSTRAINT);
	assert_int_equal(db_exec(fx->db, "DELETE FROM audit_log WHERE "
				 "seq = 3", ""), DB_ECONSTRAINT);
	assert_int_equal(db_exec(fx->db, "DELETE FROM audit_log", ""),
			 DB_ECONSTRAINT);
	assert_int_equal(db_exec(fx->db, "UPDATE audit_checkpoints SET "
				 "ts = 0", ""), DB_ECONSTRAINT);
	assert_int_equal(db_exec(fx->db, "DELETE FROM audit_checkpoints",
				 ""), DB_ECONSTRAINT);
	/* Inside a transaction too. */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(db_exec(fx->db, "UPDATE audit_log SET outcome = "
				 "'success'", ""), DB_ECONSTRAINT);
	assert_int_equal(db_rollback(fx->db), 0);

	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM audit_log"),
			 ENTRIES);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM "
				"audit_checkpoints"), 2);
	r = db_query(fx->db, "SELECT actor FROM audit_log WHERE seq = 3", "");
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	assert_string_equal(db_text(r, 0), "alice");
	db_rows_free(r);
	expect_intact(fx);
}

/* ---- AD-02: every entry carries who, where, what, when, result ---- */

static void check_row(struct fix *fx, int64_t seq, bool want_actor_id)
{
	struct db_rows *r;
	int c;

	r = db_query(fx->db, "SELECT ts, actor, actor_role, source_ip, "
		     "request_id, action, object, outcome, details, prev_hash,"
		     " hash, seq, actor_id FROM audit_log WHERE seq = ?", "i",
		     seq);
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	for (c = 0; c < 12; c++) {
		if (db_isnull(r, c))
			print_error("seq %lld: column %d is NULL\n",
				    (long long)seq, c);
		assert_false(db_isnull(r, c));
	}
	assert_true(db_int(r, 0) >= fx->t0);
	assert_true(db_int(r, 0) <= clock_now());
	assert_int_equal(strlen(db_text(r, 9)), 64);
	assert_int_equal(strlen(db_text(r, 10)), 64);
	assert_int_equal(db_isnull(r, 12), !want_actor_id);
	db_rows_free(r);
}

static void test_AD_02_required_fields(void **state)
{
	struct fix *fx = *state;
	struct db_rows *r;
	int64_t seq;

	for (seq = 1; seq <= ENTRIES; seq++)
		check_row(fx, seq, seed[seq - 1].actor_id != 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM audit_log "
				"WHERE ts IS NULL OR actor IS NULL OR "
				"actor_role IS NULL OR source_ip IS NULL OR "
				"request_id IS NULL OR action IS NULL OR "
				"object IS NULL OR outcome IS NULL OR "
				"details IS NULL"), 0);
	/* The system entry (seq 5) got the documented stand-ins. */
	r = db_query(fx->db, "SELECT actor, source_ip, request_id, details "
		     "FROM audit_log WHERE seq = 5", "");
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	assert_string_equal(db_text(r, 0), "system");
	assert_string_equal(db_text(r, 1), "-");
	assert_string_equal(db_text(r, 2), "-");
	assert_string_equal(db_text(r, 3), "{\"n\":5,\"note\":\"第几条\"}");
	db_rows_free(r);
	/* A stored row without any of its columns is refused outright. */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(db_exec(fx->db, "INSERT INTO audit_log (seq, ts, "
				 "actor, actor_role, source_ip, request_id, "
				 "action, object, outcome, details, prev_hash,"
				 " hash) VALUES (99, 1, 'x', '', '-', '-', "
				 "'login', '', ?, '{}', 'p', 'h')", "s", NULL),
			 DB_ECONSTRAINT);
	assert_int_equal(db_rollback(fx->db), 0);
}

/* ---- AD-05: the append shares the business transaction ---- */

static void test_AD_05_needs_transaction(void **state)
{
	struct fix *fx = *state;
	struct audit_entry e = { .actor = "alice", .action = "login" };

	assert_int_equal(audit_append(fx->db, &e), DB_EMISUSE);
	assert_int_equal(audit_length(fx->db), ENTRIES);
}

static void test_AD_05_fault_rolls_back(void **state)
{
#ifdef FAZHI_TEST_HOOKS
	struct fix *fx = *state;
	struct audit_entry e = {
		.actor_id = 1, .actor = "alice", .action = "settings.update",
		.object = "setting:k", .outcome = "success",
	};
	int64_t rc;

	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(db_exec(fx->db, "INSERT INTO settings (key, value, "
				 "updated_at) VALUES ('k', 'v', 1)", ""), 1);
	setenv("FAZHI_FAULT", "audit_append", 1);
	rc = audit_append(fx->db, &e);
	unsetenv("FAZHI_FAULT");
	assert_true(rc < 0);
	/* What every caller does when its audit entry fails. */
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM settings"), 0);
	assert_int_equal(audit_length(fx->db), ENTRIES);
	expect_intact(fx);
	/* Without the fault the same work commits with its entry. */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(db_exec(fx->db, "INSERT INTO settings (key, value, "
				 "updated_at) VALUES ('k', 'v', 1)", ""), 1);
	assert_int_equal(audit_append(fx->db, &e), ENTRIES + 1);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM settings"), 1);
	expect_intact(fx);
#else
	(void)state;
	skip();
#endif
}

/* ---- AD-08: control characters are stored exactly ---- */

static int collect_actor(const struct audit_row *row, void *arg)
{
	struct buf *b = arg;

	buf_puts(b, row->actor);
	return 0;
}

static void test_AD_08_control_chars(void **state)
{
	static const char evil[] = "eve\r\n\x1b[31mroot\x1b[0m\x7f";
	struct fix *fx = *state;
	struct audit_filter f = { .page = 1, .size = 50 };
	struct buf got = BUF_INIT;
	struct db_rows *r;
	int64_t seq;

	seq = append_one(fx->db, 9, evil, "login", "user:9", "failure", NULL);
	r = db_query(fx->db, "SELECT actor FROM audit_log WHERE seq = ?", "i",
		     seq);
	assert_non_null(r);
	assert_int_equal(db_next(r), 1);
	assert_int_equal(strlen(db_text(r, 0)), strlen(evil));
	assert_memory_equal(db_text(r, 0), evil, sizeof(evil));
	db_rows_free(r);
	expect_intact(fx);
	/* The exact login finds it through the filter as well. */
	f.actor = evil;
	f.actor_exact = true;
	assert_int_equal(audit_query(fx->db, &f, 10, 0, collect_actor, &got),
			 1);
	assert_string_equal(buf_cstr(&got), evil);
	buf_release(&got);
}

/* ---- the filter parser ---- */

static int parse_qs(const char *qs, struct kvlist *kv, struct audit_filter *f,
		    struct fz_err *err)
{
	memset(err, 0, sizeof(*err));
	kvlist_release(kv);
	assert_int_equal(parse_urlencoded(qs, strlen(qs), kv, NULL), 0);
	return audit_filter_parse(kv, f, err);
}

static void expect_bad(const char *qs, const char *msg_part)
{
	struct kvlist kv = KVLIST_INIT;
	struct audit_filter f;
	struct fz_err err;

	if (parse_qs(qs, &kv, &f, &err) >= 0)
		print_error("accepted: %s\n", qs);
	assert_true(audit_filter_parse(&kv, &f, &err) < 0);
	assert_int_equal(err.status, 400);
	assert_string_equal(err.code, "bad_filter");
	if (!strstr(err.msg, msg_part))
		print_error("%s: message \"%s\" lacks \"%s\"\n", qs, err.msg,
			    msg_part);
	assert_non_null(strstr(err.msg, msg_part));
	kvlist_release(&kv);
}

static void test_filter_defaults(void **state)
{
	struct kvlist kv = KVLIST_INIT;
	struct audit_filter f;
	struct fz_err err;

	(void)state;
	assert_int_equal(parse_qs("", &kv, &f, &err), 0);
	assert_null(f.actor);
	assert_null(f.action);
	assert_null(f.from);
	assert_null(f.to);
	assert_int_equal(f.page, 1);
	assert_int_equal(f.size, AUDIT_PAGE_SIZE);
	assert_int_equal(f.upto, 0);
	/* Empty fields, as a submitted form sends them, are no filter. */
	assert_int_equal(parse_qs("actor=&action=&object=&outcome=&from=&to="
				  "&page=&size=&csrf=x", &kv, &f, &err), 0);
	assert_null(f.actor);
	assert_null(f.outcome);
	assert_int_equal(f.page, 1);
	kvlist_release(&kv);
}

static void test_filter_values(void **state)
{
	struct kvlist kv = KVLIST_INIT;
	struct audit_filter f;
	struct fz_err err;
	int64_t day, minute;

	(void)state;
	assert_int_equal(clock_parse_local("2026-01-31", &day), 0);
	assert_int_equal(clock_parse_local("2026-01-31T08:30", &minute), 0);
	/* 2026-01-31 00:00 in Beijing is 2026-01-30 16:00 UTC. */
	assert_int_equal(day, 1769788800);
	assert_int_equal(parse_qs("actor=al&actor_exact=1&action=user.&"
				  "object=user%3A12&outcome=denied&"
				  "from=2026-01-31&to=2026-01-31&page=3&"
				  "size=20&upto=77", &kv, &f, &err), 0);
	assert_string_equal(f.actor, "al");
	assert_true(f.actor_exact);
	assert_string_equal(f.action, "user.");
	assert_string_equal(f.object, "user:12");
	assert_string_equal(f.outcome, "denied");
	assert_string_equal(f.from, "2026-01-31");
	assert_int_equal(f.from_ts, day);
	assert_int_equal(f.to_ts, day + 86400);	/* the whole day */
	assert_int_equal(f.page, 3);
	assert_int_equal(f.size, 20);
	assert_int_equal(f.upto, 77);
	/* A minute end covers that minute; seconds and a space work too. */
	assert_int_equal(parse_qs("from=2026-01-31+08%3A30&"
				  "to=2026-01-31T08%3A30", &kv, &f, &err), 0);
	assert_int_equal(f.from_ts, minute);
	assert_int_equal(f.to_ts, minute + 60);
	assert_int_equal(parse_qs("to=2026-01-31T08%3A30%3A15", &kv, &f,
				  &err), 0);
	assert_int_equal(f.to_ts, minute + 16);
	assert_int_equal(parse_qs("actor_exact=0&actor=x", &kv, &f, &err), 0);
	assert_false(f.actor_exact);
	/* The largest page and size are accepted. */
	assert_int_equal(parse_qs("page=1000000&size=200", &kv, &f, &err), 0);
	kvlist_release(&kv);
}

static void test_filter_bad_dates(void **state)
{
	static const char *const bad[] = {
		"2026-13-01", "2026-02-30", "2026-00-10", "2026-1-01",
		"2026-01-1", "26-01-01", "2026/01/31", "2026-01-31T24:00",
		"2026-01-31T08:60", "2026-01-31T8:30", "2026-01-31T08%3A3",
		"%202026-01-31", "2026-01-%2B1", "2026-+1-01", "yesterday",
		"1969-12-31", "2026-01-31Z08:30", "2026-01-31T08%3A30Z",
		"2026-01-31T08%3A30%3A61",
	};
	char qs[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(qs, sizeof(qs), "from=%s", bad[i]);
		expect_bad(qs, "开始时间无效");
		snprintf(qs, sizeof(qs), "to=%s", bad[i]);
		expect_bad(qs, "结束时间无效");
	}
}

static void test_filter_bad_ranges(void **state)
{
	struct kvlist kv = KVLIST_INIT;
	struct audit_filter f;
	struct fz_err err;

	(void)state;
	expect_bad("from=2026-02-01&to=2026-01-31", "开始时间不能晚于结束时间");
	expect_bad("from=2026-01-31T08%3A31&to=2026-01-31T08%3A30",
		   "开始时间不能晚于结束时间");
	/* The same day or minute as both ends is one day or minute. */
	assert_int_equal(parse_qs("from=2026-01-31&to=2026-01-31", &kv, &f,
				  &err), 0);
	assert_int_equal(parse_qs("from=2026-01-31T08%3A30&"
				  "to=2026-01-31T08%3A30", &kv, &f, &err), 0);
	assert_int_equal(f.to_ts - f.from_ts, 60);
	/* A day end includes times later that day. */
	assert_int_equal(parse_qs("from=2026-01-31T23%3A59&to=2026-01-31",
				  &kv, &f, &err), 0);
	kvlist_release(&kv);

	expect_bad("page=0", "页码无效");
	expect_bad("page=-1", "页码无效");
	expect_bad("page=abc", "页码无效");
	expect_bad("page=1.5", "页码无效");
	expect_bad("page=1000001", "页码无效");
	expect_bad("page=99999999999999999999", "页码无效");
	expect_bad("size=0", "每页条数无效");
	expect_bad("size=201", "每页条数无效");
	expect_bad("upto=0", "序号上限无效");
	expect_bad("outcome=ok", "结果筛选无效");
	expect_bad("actor_exact=yes", "actor_exact");
	expect_bad("actor=a&actor=b", "actor");
	expect_bad("page=1&page=2", "page");
}

static void test_filter_overlong(void **state)
{
	char qs[512];

	(void)state;
	memcpy(qs, "actor=", 6);
	memset(qs + 6, 'a', AUDIT_FILTER_TEXT_MAX + 1);
	qs[6 + AUDIT_FILTER_TEXT_MAX + 1] = '\0';
	expect_bad(qs, "过长");
}

static void test_filter_json(void **state)
{
	struct kvlist kv = KVLIST_INIT;
	struct audit_filter f;
	struct fz_err err;
	json_t *j;

	(void)state;
	assert_int_equal(parse_qs("actor=bob&outcome=failure&from=2026-01-31",
				  &kv, &f, &err), 0);
	j = audit_filter_json(&f);
	assert_string_equal(json_string_value(json_object_get(j, "actor")),
			    "bob");
	assert_string_equal(json_string_value(json_object_get(j, "from")),
			    "2026-01-31");
	assert_null(json_object_get(j, "action"));
	assert_int_equal(json_object_size(j), 3);
	json_decref(j);
	kvlist_release(&kv);
}

/* ---- the query ---- */

struct seqs {
	int64_t v[64];
	int n;
};

static int collect(const struct audit_row *row, void *arg)
{
	struct seqs *s = arg;

	assert_non_null(row->actor);
	assert_non_null(row->details);
	if (s->n < 64)
		s->v[s->n++] = row->seq;
	return 0;
}

/* Run a query string's filter; returns the count and checks that the
 * rows agree with it and come newest first. */
static int64_t run(struct fix *fx, const char *qs, struct seqs *s)
{
	struct kvlist kv = KVLIST_INIT;
	struct audit_filter f;
	struct fz_err err = { 0 };
	int64_t total = -1, n;
	int i;

	assert_int_equal(parse_urlencoded(qs, strlen(qs), &kv, NULL), 0);
	if (audit_filter_parse(&kv, &f, &err))
		print_error("%s: %s\n", qs, err.msg);
	assert_int_equal(audit_filter_parse(&kv, &f, &err), 0);
	assert_int_equal(audit_count(fx->db, &f, &total), 0);
	memset(s, 0, sizeof(*s));
	n = audit_query(fx->db, &f, 64, 0, collect, s);
	assert_int_equal(n, total);
	for (i = 1; i < s->n; i++)
		assert_true(s->v[i - 1] > s->v[i]);
	kvlist_release(&kv);
	return total;
}

static void test_query_filters(void **state)
{
	struct fix *fx = *state;
	char qs[128], today[17];
	struct seqs s;

	assert_int_equal(run(fx, "", &s), ENTRIES);
	assert_int_equal(s.v[0], ENTRIES);
	assert_int_equal(s.v[ENTRIES - 1], 1);
	/* Actor: substring, any case; or exact. */
	assert_int_equal(run(fx, "actor=LIC", &s), 4);
	assert_int_equal(run(fx, "actor=ali&actor_exact=1", &s), 0);
	assert_int_equal(run(fx, "actor=alice&actor_exact=1", &s), 4);
	assert_int_equal(run(fx, "actor=system", &s), 1);
	assert_int_equal(s.v[0], 5);
	/* LIKE wildcards in a value match only themselves. */
	assert_int_equal(run(fx, "actor=%25", &s), 1);
	assert_int_equal(s.v[0], 8);
	assert_int_equal(run(fx, "actor=_", &s), 0);
	assert_int_equal(run(fx, "actor=%3D1%2B2", &s), 1);
	/* Action and object: exact, or a prefix. */
	assert_int_equal(run(fx, "action=login", &s), 4);
	assert_int_equal(run(fx, "action=user.", &s), 4);
	assert_int_equal(run(fx, "action=user", &s), 0);
	assert_int_equal(run(fx, "action=user.c*", &s), 2);
	assert_int_equal(run(fx, "action=user._reate", &s), 0);
	assert_int_equal(run(fx, "object=user%3A3", &s), 2);
	assert_int_equal(run(fx, "object=user%3A1", &s), 1);
	assert_int_equal(run(fx, "object=user%3A1*", &s), 2);
	assert_int_equal(run(fx, "object=user%3A", &s), 8);
	/* Outcome, and several filters together. */
	assert_int_equal(run(fx, "outcome=failure", &s), 1);
	assert_int_equal(s.v[0], 2);
	assert_int_equal(run(fx, "outcome=denied&actor=bob&action=user.", &s),
			 1);
	assert_int_equal(s.v[0], 6);
	/* The pin: nothing after seq 5. */
	assert_int_equal(run(fx, "upto=5", &s), 5);
	assert_int_equal(s.v[0], 5);
	/* Time: all entries were written today (China time). */
	clock_local_minute(clock_now(), today);
	today[10] = '\0';
	snprintf(qs, sizeof(qs), "from=%s&to=%s", today, today);
	assert_int_equal(run(fx, qs, &s), ENTRIES);
	snprintf(qs, sizeof(qs), "to=%s", "2000-01-01");
	assert_int_equal(run(fx, qs, &s), 0);
	clock_local_minute(clock_now() + 2 * 86400, today);
	today[10] = '\0';
	snprintf(qs, sizeof(qs), "from=%s", today);
	assert_int_equal(run(fx, qs, &s), 0);
}

static int stop_at_three(const struct audit_row *row, void *arg)
{
	int *n = arg;

	(void)row;
	return ++*n == 3 ? -42 : 0;
}

static void test_query_paging(void **state)
{
	struct fix *fx = *state;
	struct audit_filter f = { .page = 1, .size = 3 };
	struct seqs s = { .n = 0 };
	int n = 0;

	assert_int_equal(audit_query(fx->db, &f, 3, 2, collect, &s), 3);
	assert_int_equal(s.v[0], 8);
	assert_int_equal(s.v[2], 6);
	memset(&s, 0, sizeof(s));
	assert_int_equal(audit_query(fx->db, &f, 3, 9, collect, &s), 1);
	assert_int_equal(s.v[0], 1);
	assert_int_equal(audit_query(fx->db, &f, 3, 10, collect, &s), 0);
	/* A callback can stop the query; its value comes back. */
	assert_int_equal(audit_query(fx->db, &f, 10, 0, stop_at_three, &n),
			 -42);
	/* And the connection is usable afterwards. */
	assert_int_equal(audit_length(fx->db), ENTRIES);
}

static void test_last_checkpoint(void **state)
{
	struct fix *fx = *state;
	int64_t seq = 0, ts = 0;

	assert_int_equal(audit_last_checkpoint(fx->db, &seq, &ts), 0);
	assert_int_equal(seq, 8);
	assert_true(ts >= fx->t0);
}

/* ---- the export ---- */

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Inflate the member `name` of a zip archive held in `zip`. */
static void zip_member(const struct buf *zip, const char *name,
		       struct buf *out)
{
	const unsigned char *z = (const unsigned char *)zip->data;
	size_t i, nlen = strlen(name);

	for (i = 0; i + 30 < zip->len; i++) {
		size_t fn, ex;
		z_stream zs;
		unsigned char tmp[16384];
		int rc;

		if (le32(z + i) != 0x04034b50)
			continue;
		fn = z[i + 26] | z[i + 27] << 8;
		ex = z[i + 28] | z[i + 29] << 8;
		if (fn != nlen || memcmp(z + i + 30, name, nlen) != 0)
			continue;
		assert_int_equal(z[i + 8], 8);	/* deflated */
		memset(&zs, 0, sizeof(zs));
		assert_int_equal(inflateInit2(&zs, -15), Z_OK);
		zs.next_in = (unsigned char *)z + i + 30 + fn + ex;
		zs.avail_in = (uInt)(zip->len - (i + 30 + fn + ex));
		do {
			zs.next_out = tmp;
			zs.avail_out = sizeof(tmp);
			rc = inflate(&zs, Z_NO_FLUSH);
			assert_true(rc == Z_OK || rc == Z_STREAM_END);
			buf_add(out, tmp, sizeof(tmp) - zs.avail_out);
		} while (rc != Z_STREAM_END);
		inflateEnd(&zs);
		return;
	}
	fail_msg("%s not in the archive", name);
}

static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_RI_01_export_xlsx(void **state)
{
	struct fix *fx = *state;
	struct audit_filter f = { .page = 1, .size = 50 };
	struct buf x = BUF_INIT, sheet = BUF_INIT, about = BUF_INIT;
	char exp[600];
	int64_t rows = -1;

	snprintf(exp, sizeof(exp), "%s/exp%d", tmpdir, dbseq);
	assert_int_equal(mkdir(exp, 0700), 0);
	setenv("TMPDIR", exp, 1);
	assert_int_equal(audit_export_xlsx(fx->db, &f, 100, "测试员", &x,
					   &rows), 0);
	unsetenv("TMPDIR");
	assert_int_equal(rows, ENTRIES);
	assert_true(x.len > 1000);
	assert_memory_equal(x.data, "PK\3\4", 4);
	/* RI-01: nothing of the export is left in the temp directory. */
	assert_int_equal(dir_entries(exp), 0);

	zip_member(&x, "xl/worksheets/sheet1.xml", &sheet);
	/* The header, frozen; the data as strings, never formulas. */
	assert_non_null(strstr(buf_cstr(&sheet), "序号"));
	assert_non_null(strstr(buf_cstr(&sheet), "ySplit=\"1\""));
	assert_non_null(strstr(buf_cstr(&sheet), ">=1+2<"));
	assert_null(strstr(buf_cstr(&sheet), "<f>"));
	assert_non_null(strstr(buf_cstr(&sheet), "系统管理员"));
	assert_null(strstr(buf_cstr(&sheet), "仅导出"));
	zip_member(&x, "xl/worksheets/sheet2.xml", &about);
	assert_non_null(strstr(buf_cstr(&about), "测试员"));
	buf_release(&x);
	buf_release(&sheet);
	buf_release(&about);

	/* Over the cap: the newest rows, and a last row that says so. */
	rows = -1;
	assert_int_equal(audit_export_xlsx(fx->db, &f, 4, "测试员", &x,
					   &rows), 0);
	assert_int_equal(rows, 4);
	zip_member(&x, "xl/worksheets/sheet1.xml", &sheet);
	assert_non_null(strstr(buf_cstr(&sheet), "仅导出最新的 4 条记录（共 "
			       "10 条符合条件）"));
	assert_non_null(strstr(buf_cstr(&sheet), "<v>10</v>"));
	assert_null(strstr(buf_cstr(&sheet), "<v>6</v>"));
	buf_release(&x);
	buf_release(&sheet);
	assert_int_equal(rmdir(exp), 0);
}

static void test_export_control_chars(void **state)
{
	struct fix *fx = *state;
	struct audit_filter f = { .page = 1, .size = 50 };
	struct buf x = BUF_INIT, sheet = BUF_INIT;
	int64_t rows;

	append_one(fx->db, 9, "eve\r\n\x1b[31m", "login", "user:9",
		   "failure", NULL);
	assert_int_equal(audit_export_xlsx(fx->db, &f, 100, "t", &x, &rows),
			 0);
	zip_member(&x, "xl/worksheets/sheet1.xml", &sheet);
	/* Shown as visible escapes, one line, valid XML. */
	assert_non_null(strstr(buf_cstr(&sheet), "eve\\r\\n\\x1b[31m"));
	assert_null(memchr(sheet.data, 0x1b, sheet.len));
	buf_release(&x);
	buf_release(&sheet);
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[1024];

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	rmdir(path);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_AD_03_verify_intact),
		T(test_AD_03_detects_edit),
		T(test_AD_03_detects_details_edit),
		T(test_AD_03_detects_delete),
		T(test_AD_03_detects_delete_renumbered),
		T(test_AD_03_detects_reorder),
		T(test_AD_03_detects_truncation),
		T(test_AD_03_detects_rehashed_edit),
		T(test_AD_03_detects_forged_checkpoint),
		T(test_AD_04_triggers_refuse),
		T(test_AD_02_required_fields),
		T(test_AD_05_needs_transaction),
		T(test_AD_05_fault_rolls_back),
		T(test_AD_08_control_chars),
		cmocka_unit_test(test_filter_defaults),
		cmocka_unit_test(test_filter_values),
		cmocka_unit_test(test_filter_bad_dates),
		cmocka_unit_test(test_filter_bad_ranges),
		cmocka_unit_test(test_filter_overlong),
		cmocka_unit_test(test_filter_json),
		T(test_query_filters),
		T(test_query_paging),
		T(test_last_checkpoint),
		T(test_RI_01_export_xlsx),
		T(test_export_control_chars),
	};
#undef T
	struct buf priv = BUF_INIT, pub = BUF_INIT;
	char err[256] = "";
	int failed;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	if (sm2_generate(&priv, &pub) ||
	    !(key = sm2_load_private(priv.data, priv.len, err, sizeof(err)))) {
		fprintf(stderr, "SM2 key: %s\n", err);
		return 1;
	}
	crypto_cleanse(priv.data, priv.len);
	buf_release(&priv);
	buf_release(&pub);
	audit_configure(key, "testkey", 4, 60);
	failed = cmocka_run_group_tests_name("audit", tests, NULL, NULL);
	sm2_free(key);
	remove_tree(tmpdir);
	return failed;
}
