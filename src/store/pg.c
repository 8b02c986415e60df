/* pg.c: the PostgreSQL backend of the store interface (libpq)
 *
 * Statements are prepared once per connection under names s1, s2, ...
 * and run with text parameters and text results.  Parameter types are
 * declared from the format letters (int8 for 'i' and 'z', text for 's'),
 * as SQLite's typed binds do; without them PostgreSQL cannot type a bare
 * `? IS NULL`.  The types are part of the cache key.
 *
 * A lost connection fails the call with DB_EUNAVAIL; the next call tries
 * PQreset() once, and a new session has no prepared statements, so the
 * cache is emptied.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/util.h"
#include "store/backend.h"

/* Type oids from catalog/pg_type.h, fixed since PostgreSQL 7. */
#define INT8OID 20
#define TEXTOID 25

/* The advisory lock that serialises write transactions. */
#define TX_LOCK_KEY "727"


struct pg_db {
	struct db base;
	PGconn *conn;
	struct db_cache cache;
	unsigned long next_name;
	bool std_strings;
};

struct pg_stmt {
	char name[24];
};

struct pg_rows {
	struct db_rows base;
	PGresult *res;
	int cur;
	int ntuples;
};

static struct pg_db *pg(struct db *db)
{
	return (struct pg_db *)db;
}

/* Copy a libpq message onto one line, without the trailing newline. */
static void one_line(char *out, size_t len, const char *msg)
{
	size_t i, n = 0;

	if (!len)
		return;
	for (i = 0; msg && msg[i] && n + 1 < len; i++)
		out[n++] = msg[i] == '\n' || msg[i] == '\t' ? ' ' : msg[i];
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static int map_state(const char *state)
{
	static const char *const busy[] = { "40001", "40P01", "55P03" };
	static const char *const gone[] = { "57P01", "57P02", "57P03" };
	size_t i;

	if (!state)
		return DB_ERR;
	/* class 23 is integrity constraint violation; P0001 is RAISE
	 * EXCEPTION, what the append-only triggers use */
	if (str_starts(state, "23") || !strcmp(state, "P0001"))
		return DB_ECONSTRAINT;
	for (i = 0; i < ARRAY_SIZE(busy); i++)
		if (!strcmp(state, busy[i]))
			return DB_EBUSY;
	if (!strcmp(state, "53100"))
		return DB_EFULL;
	if (str_starts(state, "08"))
		return DB_EUNAVAIL;
	for (i = 0; i < ARRAY_SIZE(gone); i++)
		if (!strcmp(state, gone[i]))
			return DB_EUNAVAIL;
	return DB_ERR;
}

/* Record the failure that `res` (possibly NULL) describes. */
static int pg_fail(struct pg_db *d, const PGresult *res)
{
	const char *state = NULL, *primary = NULL, *detail = NULL;
	char msg[400], det[200];
	int code;

	if (res) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	}
	code = PQstatus(d->conn) == CONNECTION_BAD ? DB_EUNAVAIL
						   : map_state(state);
	one_line(msg, sizeof(msg), primary ? primary
					   : PQerrorMessage(d->conn));
	if (!msg[0])
		snprintf(msg, sizeof(msg), "unknown PostgreSQL error");
	one_line(det, sizeof(det), detail);
	return db_fail(&d->base, code, "%s%s%s [%s]", msg,
		       det[0] ? ": " : "", det, state ? state : "no sqlstate");
}

/* Whether `res` succeeded; otherwise records why and frees it. */
static int check(struct pg_db *d, PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	int rc;

	if (res && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK))
		return 0;
	rc = pg_fail(d, res);
	PQclear(res);
	return rc;
}

/* check() for a result nobody reads: it is freed either way. */
static int check_free(struct pg_db *d, PGresult *res)
{
	int rc = check(d, res);

	if (!rc)
		PQclear(res);
	return rc;
}

static void free_stmt_cb(void *handle, void *arg)
{
	(void)arg;
	free(handle);
}

static void read_settings(struct pg_db *d)
{
	const char *v = PQparameterStatus(d->conn,
					  "standard_conforming_strings");

	d->std_strings = !v || !strcmp(v, "on");
}

/* Reconnect once if the connection is gone. */
static int ready(struct pg_db *d)
{
	if (PQstatus(d->conn) == CONNECTION_OK)
		return 0;
	PQreset(d->conn);
	/* a new session: the server forgot our prepared statements */
	db_cache_clear(&d->cache, free_stmt_cb, NULL);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		char msg[400];

		one_line(msg, sizeof(msg), PQerrorMessage(d->conn));
		return db_fail(&d->base, DB_EUNAVAIL,
			       "PostgreSQL connection lost: %s", msg);
	}
	read_settings(d);
	return 0;
}

/* Run a command without parameters (transaction control, settings). */
static int simple(struct pg_db *d, const char *sql)
{
	int rc = ready(d);

	if (rc)
		return rc;
	return check_free(d, PQexec(d->conn, sql));
}

static bool is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

/* Length of the '...' literal at s[0], `esc` when backslash escapes. */
static size_t quoted_len(const char *s, bool esc)
{
	size_t i = 1;

	for (;;) {
		if (!s[i])
			return i;
		if (esc && s[i] == '\\' && s[i + 1]) {
			i += 2;
		} else if (s[i] == '\'' && s[i + 1] == '\'') {
			i += 2;
		} else if (s[i] == '\'') {
			return i + 1;
		} else {
			i++;
		}
	}
}

/* Length of the "..." identifier at s[0] ("" inside is a quote). */
static size_t ident_len(const char *s)
{
	const char *e = strchr(s + 1, '"');

	return e ? (size_t)(e - s) + 1 : strlen(s);
}

/* Length of the comment at s[0] (-- to end of line, or nested slash-star). */
static size_t comment_len(const char *s)
{
	size_t i = 2;
	int depth = 1;

	if (s[0] == '-')
		return strcspn(s, "\n");
	while (s[i] && depth) {
		if (s[i] == '/' && s[i + 1] == '*') {
			depth++;
			i += 2;
		} else if (s[i] == '*' && s[i + 1] == '/') {
			depth--;
			i += 2;
		} else {
			i++;
		}
	}
	return i;
}

/* Length of the $tag$...$tag$ body at s[0], or 0 if none starts here. */
static size_t dollar_len(const char *s)
{
	size_t t = 1;
	const char *end;

	if (s[1] >= '0' && s[1] <= '9')
		return 0;	/* $1: a positional parameter */
	while (s[t] && s[t] != '$' && is_ident((unsigned char)s[t]))
		t++;
	if (s[t] != '$')
		return 0;
	t++;	/* the tag with both dollars is s[0 .. t) */
	for (end = s + t; (end = strchr(end, '$')); end++)
		if (!strncmp(end, s, t))
			return (size_t)(end - s) + t;
	return strlen(s);
}

int db_pg_rewrite(const char *sql, bool std_strings, struct buf *out)
{
	const char *s = sql;
	int n = 0;

	while (*s) {
		size_t len = 1;
		bool prev_ident = s > sql && is_ident((unsigned char)s[-1]);

		if (*s == '\'') {
			/* E'...' takes backslash escapes */
			bool e = s > sql && (s[-1] == 'E' || s[-1] == 'e') &&
				 !(s - 1 > sql &&
				   is_ident((unsigned char)s[-2]));

			len = quoted_len(s, e || !std_strings);
		} else if (*s == '"') {
			len = ident_len(s);
		} else if ((s[0] == '-' && s[1] == '-') ||
			   (s[0] == '/' && s[1] == '*')) {
			len = comment_len(s);
		} else if (*s == '$' && !prev_ident) {
			len = dollar_len(s);
			if (!len)
				len = 1;
		} else if (*s == '?') {
			buf_printf(out, "$%d", ++n);
			s++;
			continue;
		}
		buf_add(out, s, len);
		s += len;
	}
	if (!out->data)
		buf_puts(out, "");
	return buf_err(out) ? -1 : n;
}

/* Drop every prepared statement, on the server and in the cache. */
static void flush_cache(struct pg_db *d)
{
	PQclear(PQexec(d->conn, "DEALLOCATE ALL"));
	db_cache_clear(&d->cache, free_stmt_cb, NULL);
}

static struct pg_stmt *prepare(struct pg_db *d, const char *sql,
			       const char *sig, int n)
{
	struct buf b = BUF_INIT;
	struct pg_stmt *stmt;
	Oid *types;
	int i, count;

	count = db_pg_rewrite(sql, d->std_strings, &b);
	if (count != n) {
		buf_release(&b);
		if (count < 0)
			db_fail(&d->base, DB_EMISUSE, "statement too long");
		else
			db_fail(&d->base, DB_EMISUSE, "statement has %d "
				"parameters, format gives %d", count, n);
		return NULL;
	}
	if (db_cache_full(&d->cache))
		flush_cache(d);
	types = xcalloc((size_t)n + 1, sizeof(*types));
	for (i = 0; i < n; i++)
		types[i] = sig[i] == 'i' ? INT8OID : TEXTOID;
	stmt = xmalloc(sizeof(*stmt));
	snprintf(stmt->name, sizeof(stmt->name), "s%lu", ++d->next_name);
	if (check_free(d, PQprepare(d->conn, stmt->name, buf_cstr(&b), n,
				    types))) {
		free(stmt);
		stmt = NULL;
	} else {
		db_cache_add(&d->cache, sql, sig, stmt);
	}
	free(types);
	buf_release(&b);
	return stmt;
}

/* Prepare (or reuse) and execute; the result on success, else NULL. */
static PGresult *run(struct pg_db *d, const char *sql,
		     const struct db_param *p, int n)
{
	struct pg_stmt *stmt;
	const char **values;
	char (*nums)[24];
	char *sig;
	PGresult *res = NULL;
	int i;

	if (ready(d))
		return NULL;
	sig = xmalloc((size_t)n + 1);
	for (i = 0; i < n; i++)
		sig[i] = p[i].type;
	sig[n] = '\0';
	stmt = db_cache_find(&d->cache, sql, sig);
	if (!stmt)
		stmt = prepare(d, sql, sig, n);
	free(sig);
	if (!stmt)
		return NULL;
	values = xcalloc((size_t)n + 1, sizeof(*values));
	nums = xcalloc((size_t)n + 1, sizeof(*nums));
	for (i = 0; i < n; i++) {
		if (p[i].null)
			continue;
		if (p[i].type == 'i') {
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64, p[i].i);
			values[i] = nums[i];
		} else {
			values[i] = p[i].s;
		}
	}
	res = PQexecPrepared(d->conn, stmt->name, n, values, NULL, NULL, 0);
	free(values);
	free(nums);
	if (check(d, res))
		return NULL;
	return res;
}

static int pg_exec(struct db *db, const char *sql, const struct db_param *p,
		   int n)
{
	PGresult *res = run(pg(db), sql, p, n);
	int64_t count = 0;

	if (!res)
		return db->errcode ? db->errcode : DB_ERR;
	/* rows changed: SELECT changes nothing, DDL reports nothing */
	if (!str_starts(PQcmdStatus(res), "SELECT") &&
	    parse_int64(PQcmdTuples(res), 0, INT64_MAX, &count))
		count = 0;
	PQclear(res);
	return count > 0x7fffffff ? 0x7fffffff : (int)count;
}

static struct db_rows *pg_query(struct db *db, const char *sql,
				const struct db_param *p, int n)
{
	PGresult *res = run(pg(db), sql, p, n);
	struct pg_rows *r;

	if (!res)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->res = res;
	r->cur = -1;
	r->ntuples = PQntuples(res);
	r->base.ncols = PQnfields(res);
	return &r->base;
}

static int pg_next(struct db_rows *base)
{
	struct pg_rows *r = (struct pg_rows *)base;

	if (r->cur + 1 < r->ntuples) {
		r->cur++;
		return 1;
	}
	r->cur = r->ntuples;
	return 0;
}

static bool pg_isnull(struct db_rows *base, int col)
{
	struct pg_rows *r = (struct pg_rows *)base;

	return PQgetisnull(r->res, r->cur, col);
}

/* A whole decimal int64, INT64_MIN included. */
static int parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!(*s == '-' || (*s >= '0' && *s <= '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static int pg_col_int(struct db_rows *base, int col, int64_t *out)
{
	struct pg_rows *r = (struct pg_rows *)base;
	const char *v = PQgetvalue(r->res, r->cur, col);

	if (!parse_i64(v, out))
		return 0;
	/* a boolean expression, e.g. count(*) > 0, arrives as t or f */
	if (!strcmp(v, "t") || !strcmp(v, "f")) {
		*out = v[0] == 't';
		return 0;
	}
	*out = 0;
	return db_fail(base->db, DB_EMISUSE,
		       "column %d is not an integer: %.40s", col, v);
}

static const char *pg_col_text(struct db_rows *base, int col)
{
	struct pg_rows *r = (struct pg_rows *)base;

	return PQgetvalue(r->res, r->cur, col);
}

static void pg_rows_free(struct db_rows *base)
{
	struct pg_rows *r = (struct pg_rows *)base;

	PQclear(r->res);
	free(r);
}

static int pg_script(struct db *db, const char *sql)
{
	return simple(pg(db), sql);
}

/*
 * BEGIN, then the transaction-scoped advisory lock that serialises
 * writers as SQLite's BEGIN IMMEDIATE does, waiting at most as long as
 * SQLite's busy_timeout (55P03, DB_EBUSY, after that).  One round trip.
 */
static int pg_begin(struct db *db)
{
	struct pg_db *d = pg(db);
	int rc;

	rc = simple(d, "BEGIN;"
		    " SET LOCAL lock_timeout = " STR(DB_BUSY_TIMEOUT_MS) ";"
		    " SELECT pg_advisory_xact_lock(" TX_LOCK_KEY ");"
		    " SET LOCAL lock_timeout TO DEFAULT");
	if (rc && PQtransactionStatus(d->conn) != PQTRANS_IDLE)
		PQclear(PQexec(d->conn, "ROLLBACK"));
	return rc;
}

static int pg_commit(struct db *db)
{
	struct pg_db *d = pg(db);
	PGresult *res;

	if (PQstatus(d->conn) != CONNECTION_OK)
		return db_fail(db, DB_EUNAVAIL, "connection lost during the "
			       "transaction; it was not committed");
	res = PQexec(d->conn, "COMMIT");
	if (PQresultStatus(res) == PGRES_COMMAND_OK &&
	    strcmp(PQcmdStatus(res), "COMMIT")) {
		/* the server ends a failed transaction with ROLLBACK */
		PQclear(res);
		return db_fail(db, DB_ERR, "transaction was rolled back");
	}
	return check_free(d, res);
}

static int pg_rollback(struct db *db)
{
	struct pg_db *d = pg(db);

	/* A lost connection took the transaction with it. */
	if (PQstatus(d->conn) != CONNECTION_OK) {
		ready(d);
		return 0;
	}
	return simple(d, "ROLLBACK");
}

static bool pg_tx_open(struct db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(pg(db)->conn);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR ||
	       t == PQTRANS_ACTIVE;
}

static int pg_backup(struct db *db, const char *path)
{
	(void)path;
	return db_fail(db, DB_EMISUSE, "online backup is for SQLite only; "
		       "back up PostgreSQL with pg_dump");
}

static int pg_check_durability(struct db *db, char *what, size_t whatlen)
{
	static const char *const names[] = {
		"fsync", "synchronous_commit", "full_page_writes",
	};
	struct pg_db *d = pg(db);
	char sql[64], val[64];
	PGresult *res;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(sql, sizeof(sql), "SHOW %s", names[i]);
		rc = ready(d);
		if (rc)
			return rc;
		res = PQexec(d->conn, sql);
		rc = check(d, res);
		if (rc)
			return rc;
		snprintf(val, sizeof(val), "%s", PQntuples(res) == 1 ?
			 PQgetvalue(res, 0, 0) : "");
		PQclear(res);
		if (strcmp(val, "on")) {
			if (what && whatlen)
				snprintf(what, whatlen, "%s=%s", names[i],
					 val);
			return db_fail(db, DB_ERR, "%s is %s, want on",
				       names[i], val);
		}
	}
	return 0;
}

static void pg_close(struct db *db)
{
	struct pg_db *d = pg(db);

	db_cache_clear(&d->cache, free_stmt_cb, NULL);
	PQfinish(d->conn);
	free(d);
}

static const struct db_ops pg_ops = {
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.sql_has_table = "SELECT count(*) FROM pg_catalog.pg_tables"
			 " WHERE schemaname = current_schema()"
			 " AND tablename = ?",
	.close = pg_close,
	.exec = pg_exec,
	.query = pg_query,
	.next = pg_next,
	.isnull = pg_isnull,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.rows_free = pg_rows_free,
	.script = pg_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.tx_open = pg_tx_open,
	.backup = pg_backup,
	.check_durability = pg_check_durability,
};

/* Notices ("table does not exist, skipping") are not ours to print. */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/*
 * Settings placed before the URL are defaults the URL may override:
 * a bounded connect wait, UTF-8 (all our text is), and a name for
 * pg_stat_activity.
 */
struct db *db_pg_open(const char *url, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"connect_timeout", "client_encoding",
		"fallback_application_name", "dbname", NULL,
	};
	const char *vals[] = { "10", "UTF8", "fazhi", url, NULL };
	struct pg_db *d;
	PGconn *conn;
	char msg[400];

	conn = PQconnectdbParams(keys, vals, 1);
	if (!conn) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: out of "
			 "memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		one_line(msg, sizeof(msg), PQerrorMessage(conn));
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", msg);
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, quiet, NULL);
	d = xcalloc(1, sizeof(*d));
	d->base.ops = &pg_ops;
	d->base.kind = DB_PG;
	d->conn = conn;
	read_settings(d);
	return &d->base;
}
