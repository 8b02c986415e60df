/* store.c: the storage interface, dispatching to SQLite or PostgreSQL
 *
 * Everything both engines share lives here: picking the backend from the
 * URL, decoding the format string into parameters, transaction state, the
 * one-result-set rule, the statement cache and the migration runner.
 *
 * One rule papers over the biggest behavioural difference between the
 * engines.  After a failed statement PostgreSQL refuses everything in the
 * transaction until it is rolled back, while SQLite carries on as if the
 * statement had not run.  Code tested on SQLite that relies on the latter
 * would break on PostgreSQL, so the store dooms the transaction on both:
 * later statements fail and db_commit() rolls back and returns the first
 * failure's code.
 */
#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "store/backend.h"
#include "store/schema.h"

/* Parameters up to this many are decoded on the stack. */
#define LOCAL_PARAMS 16

int db_fail(struct db *db, int code, const char *fmt, ...)
{
	va_list ap;

	db->errcode = code;
	va_start(ap, fmt);
	vsnprintf(db->errmsg, sizeof(db->errmsg), fmt, ap);
	va_end(ap);
	return code;
}

/* Forget the previous failure: db_errcode() describes the latest call. */
static void clear_error(struct db *db)
{
	db->errcode = 0;
	db->errmsg[0] = '\0';
}

struct db *db_open(const char *url, char *err, size_t errlen)
{
	if (!url) {
		snprintf(err, errlen, "no database URL");
		return NULL;
	}
	if (str_starts(url, "sqlite:")) {
		const char *path = url + strlen("sqlite:");

		if (!*path) {
			snprintf(err, errlen, "sqlite URL without a path");
			return NULL;
		}
		return db_sqlite_open(path, err, errlen);
	}
	if (str_starts(url, "postgresql://") || str_starts(url, "postgres://"))
		return db_pg_open(url, err, errlen);
	snprintf(err, errlen, "unsupported database URL"
		 " (want sqlite:PATH or postgresql://...)");
	return NULL;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->rows)
		db_rows_free(db->rows);
	if (db->in_tx)
		db_rollback(db);
	db->ops->close(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}

const char *db_errmsg(const struct db *db)
{
	if (!db)
		return "no database connection";
	return db->errmsg[0] ? db->errmsg : "no error";
}

int db_errcode(const struct db *db)
{
	return db->errcode;
}

bool db_in_tx(const struct db *db)
{
	return db->in_tx;
}

/*
 * Decode `fmt` and the variable arguments into an array of parameters:
 * `local` when it is big enough, else a new array the caller frees.
 * Returns the count or DB_EMISUSE.
 */
static int get_params(struct db *db, const char *fmt, va_list ap,
		      struct db_param *local, struct db_param **out)
{
	size_t n = fmt ? strlen(fmt) : 0;
	struct db_param *p = local;
	size_t i;

	if (n > 32767)
		return db_fail(db, DB_EMISUSE, "too many parameters");
	if (n > LOCAL_PARAMS)
		p = xcalloc(n, sizeof(*p));
	for (i = 0; i < n; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		switch (fmt[i]) {
		case 'i':
			p[i].type = 'i';
			p[i].i = va_arg(ap, int64_t);
			break;
		case 'z':
			p[i].type = 'i';
			p[i].i = va_arg(ap, int64_t);
			p[i].null = p[i].i == 0;
			break;
		case 's':
			p[i].type = 's';
			p[i].s = va_arg(ap, const char *);
			p[i].null = !p[i].s;
			break;
		default:
			if (p != local)
				free(p);
			return db_fail(db, DB_EMISUSE,
				       "bad format letter '%c' in \"%s\"",
				       fmt[i], fmt);
		}
	}
	*out = p;
	return (int)n;
}

/* Refuse statements inside a transaction that has already failed. */
static int check_tx(struct db *db)
{
	if (db->in_tx && db->tx_err)
		return db_fail(db, DB_ERR,
			       "statement in a failed transaction (first "
			       "failure: code %d); roll it back",
			       db->tx_err);
	return 0;
}

/* Note a statement's outcome; a failure dooms the open transaction.
 * Misuse is caught before anything reaches the engine, so it does not. */
static int note(struct db *db, int rc)
{
	if (rc < 0 && rc != DB_EMISUSE && db->in_tx && !db->tx_err)
		db->tx_err = rc;
	return rc;
}

static int vexec(struct db *db, const char *sql, const char *fmt,
		 va_list ap)
{
	struct db_param local[LOCAL_PARAMS], *p = NULL;
	int n, rc;

	clear_error(db);
	n = get_params(db, fmt, ap, local, &p);
	if (n < 0)
		return n;
	rc = check_tx(db);
	if (!rc)
		rc = note(db, db->ops->exec(db, sql, p, n));
	if (p != local)
		free(p);
	return rc;
}

int db_savepoint(struct db *db)
{
	int rc;

	clear_error(db);
	if (!db->in_tx)
		return db_fail(db, DB_EMISUSE, "savepoint outside a "
			       "transaction");
	rc = check_tx(db);
	return rc ? rc : note(db, db->ops->script(db, "SAVEPOINT fz_job"));
}

int db_savepoint_release(struct db *db)
{
	int rc;

	clear_error(db);
	if (!db->in_tx)
		return db_fail(db, DB_EMISUSE, "release outside a "
			       "transaction");
	rc = check_tx(db);
	return rc ? rc : note(db, db->ops->script(db,
						  "RELEASE SAVEPOINT fz_job"));
}

int db_savepoint_rollback(struct db *db)
{
	int rc;

	clear_error(db);
	if (!db->in_tx)
		return db_fail(db, DB_EMISUSE, "rollback to savepoint "
			       "outside a transaction");
	/* Works in a failed transaction too: that is what it is for. */
	rc = db->ops->script(db, "ROLLBACK TO SAVEPOINT fz_job; "
			     "RELEASE SAVEPOINT fz_job");
	if (rc == 0)
		db->tx_err = 0;
	return note(db, rc);
}

int db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vexec(db, sql, fmt, ap);
	va_end(ap);
	return rc;
}

static struct db_rows *vquery(struct db *db, const char *sql,
			      const char *fmt, va_list ap)
{
	struct db_param local[LOCAL_PARAMS], *p = NULL;
	struct db_rows *r = NULL;
	int n;

	clear_error(db);
	if (db->rows) {
		db_fail(db, DB_EMISUSE, "a result set is still open");
		return NULL;
	}
	n = get_params(db, fmt, ap, local, &p);
	if (n < 0)
		return NULL;
	if (!check_tx(db)) {
		r = db->ops->query(db, sql, p, n);
		if (r) {
			r->db = db;
			r->on_row = false;
			db->rows = r;
		} else {
			note(db, db->errcode ? db->errcode : DB_ERR);
		}
	}
	if (p != local)
		free(p);
	return r;
}

struct db_rows *db_query(struct db *db, const char *sql, const char *fmt, ...)
{
	struct db_rows *r;
	va_list ap;

	va_start(ap, fmt);
	r = vquery(db, sql, fmt, ap);
	va_end(ap);
	return r;
}

int db_next(struct db_rows *r)
{
	int rc;

	if (!r)
		return DB_EMISUSE;
	rc = r->db->ops->next(r);
	r->on_row = rc == 1;
	if (rc < 0)
		note(r->db, rc);
	return rc;
}

/* Whether `col` of the current row may be read; records misuse if not. */
static bool col_ok(struct db_rows *r, int col)
{
	if (!r)
		return false;
	if (!r->on_row) {
		db_fail(r->db, DB_EMISUSE, "no current row");
		return false;
	}
	if (col < 0 || col >= r->ncols) {
		db_fail(r->db, DB_EMISUSE, "no column %d (the row has %d)",
			col, r->ncols);
		return false;
	}
	return true;
}

int64_t db_int(struct db_rows *r, int col)
{
	int64_t v = 0;

	if (!col_ok(r, col) || r->db->ops->isnull(r, col))
		return 0;
	if (r->db->ops->col_int(r, col, &v) < 0)
		return 0;
	return v;
}

const char *db_text(struct db_rows *r, int col)
{
	if (!col_ok(r, col) || r->db->ops->isnull(r, col))
		return NULL;
	return r->db->ops->col_text(r, col);
}

const char *db_str(struct db_rows *r, int col)
{
	const char *s = db_text(r, col);

	return s ? s : "";
}

char *db_strdup(struct db_rows *r, int col)
{
	return xstrdup(db_str(r, col));
}

bool db_isnull(struct db_rows *r, int col)
{
	if (!col_ok(r, col))
		return true;
	return r->db->ops->isnull(r, col);
}

void db_rows_free(struct db_rows *r)
{
	struct db *db;

	if (!r)
		return;
	db = r->db;
	if (db->rows == r)
		db->rows = NULL;
	db->ops->rows_free(r);
}

static int vscalar(struct db *db, int64_t *out, const char *sql,
		   const char *fmt, va_list ap)
{
	struct db_rows *r = vquery(db, sql, fmt, ap);
	int rc;

	if (!r)
		return db->errcode ? db->errcode : DB_ERR;
	rc = db_next(r);
	if (rc == 1) {
		int64_t v = db_int(r, 0);

		rc = db->errcode ? db->errcode : 0;
		if (!rc && out)
			*out = v;
	} else if (rc == 0) {
		rc = 1;
	}
	db_rows_free(r);
	return rc;
}

int db_scalar_int(struct db *db, int64_t *out, const char *sql,
		  const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vscalar(db, out, sql, fmt, ap);
	va_end(ap);
	return rc;
}

int db_begin(struct db *db)
{
	int rc;

	clear_error(db);
	if (db->in_tx)
		return db_fail(db, DB_EMISUSE, "transaction already open");
	rc = db->ops->begin(db);
	if (rc)
		return rc;
	db->in_tx = true;
	db->tx_err = 0;
	return 0;
}

/* End the transaction in the store's books once the engine has. */
static void end_tx(struct db *db)
{
	db->in_tx = db->ops->tx_open(db);
	if (!db->in_tx)
		db->tx_err = 0;
}

int db_commit(struct db *db)
{
	int rc;

	clear_error(db);
	if (!db->in_tx)
		return db_fail(db, DB_EMISUSE, "commit without a transaction");
	if (db->tx_err) {
		int first = db->tx_err;

		db->ops->rollback(db);
		end_tx(db);
		return db_fail(db, first, "transaction rolled back: a "
			       "statement in it failed (code %d)", first);
	}
	rc = db->ops->commit(db);
	end_tx(db);
	/* The backends' exec may pass a change count through: a commit
	 * answers 0 or a failure, nothing else. */
	return rc < 0 ? rc : 0;
}

/* Rolling back outside a transaction is a no-op, so that error paths may
 * call it unconditionally. */
int db_rollback(struct db *db)
{
	int rc;

	clear_error(db);
	if (!db->in_tx)
		return 0;
	rc = db->ops->rollback(db);
	end_tx(db);
	if (db->in_tx && !rc)
		rc = db_fail(db, DB_ERR, "transaction open after rollback");
	return rc;
}

int db_backup(struct db *db, const char *path)
{
	clear_error(db);
	if (db->in_tx)
		return db_fail(db, DB_EMISUSE, "backup inside a transaction");
	if (!path || !*path)
		return db_fail(db, DB_EMISUSE, "backup without a path");
	return db->ops->backup(db, path);
}

int db_check_durability(struct db *db, char *what, size_t whatlen)
{
	clear_error(db);
	if (what && whatlen)
		what[0] = '\0';
	return db->ops->check_durability(db, what, whatlen);
}

/* ---- statement cache ---- */

/* FNV-1a over the SQL text and the signature. */
static uint32_t cache_hash(const char *sql, const char *sig)
{
	uint32_t h = 2166136261u;
	const unsigned char *s;

	for (s = (const unsigned char *)sql; *s; s++)
		h = (h ^ *s) * 16777619u;
	h = (h ^ 0xffu) * 16777619u;
	for (s = (const unsigned char *)sig; *s; s++)
		h = (h ^ *s) * 16777619u;
	return h;
}

void *db_cache_find(const struct db_cache *c, const char *sql,
		    const char *sig)
{
	uint32_t h;
	const struct db_cache_entry *e;

	if (!sig)
		sig = "";
	h = cache_hash(sql, sig);
	for (e = c->slot[h % DB_CACHE_SLOTS]; e; e = e->next)
		if (e->hash == h && !strcmp(e->sql, sql) &&
		    !strcmp(e->sig, sig))
			return e->handle;
	return NULL;
}

void db_cache_add(struct db_cache *c, const char *sql, const char *sig,
		  void *handle)
{
	struct db_cache_entry *e = xmalloc(sizeof(*e));

	if (!sig)
		sig = "";
	e->hash = cache_hash(sql, sig);
	e->sql = xstrdup(sql);
	e->sig = xstrdup(sig);
	e->handle = handle;
	e->next = c->slot[e->hash % DB_CACHE_SLOTS];
	c->slot[e->hash % DB_CACHE_SLOTS] = e;
	c->count++;
}

bool db_cache_full(const struct db_cache *c)
{
	return c->count >= DB_CACHE_MAX;
}

void db_cache_clear(struct db_cache *c, void (*release)(void *handle,
							 void *arg),
		    void *arg)
{
	size_t i;

	for (i = 0; i < DB_CACHE_SLOTS; i++) {
		struct db_cache_entry *e = c->slot[i], *next;

		for (; e; e = next) {
			next = e->next;
			release(e->handle, arg);
			free(e->sql);
			free(e->sig);
			free(e);
		}
		c->slot[i] = NULL;
	}
	c->count = 0;
}

/* ---- migrations ---- */

static const char create_migrations_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" applied_at BIGINT NOT NULL)";

int db_schema_version_latest(void)
{
	int i, v = 0;

	for (i = 0; i < schema_migration_count; i++)
		if (schema_migrations[i].version > v)
			v = schema_migrations[i].version;
	return v;
}

/* The applied version, read under whatever lock the caller holds. */
static int read_version(struct db *db)
{
	int64_t n = 0, v = 0;
	int rc;

	rc = db_scalar_int(db, &n, db->ops->sql_has_table, "s",
			   "schema_migrations");
	if (rc < 0)
		return rc;
	if (n == 0)
		return 0;
	rc = db_scalar_int(db, &v, "SELECT COALESCE(MAX(version), 0)"
			   " FROM schema_migrations", "");
	if (rc < 0)
		return rc;
	if (v < 0 || v > 1000000)
		return db_fail(db, DB_ERR, "odd schema version %lld",
			       (long long)v);
	return (int)v;
}

/* Returns a negative DB_E* code when the version cannot be read. */
int db_schema_version(struct db *db)
{
	clear_error(db);
	return read_version(db);
}

/* `sql` with every {ID} replaced by the backend's key column type. */
static char *expand_ids(const char *sql, const char *id_type)
{
	struct buf b = BUF_INIT;
	const char *p;

	while ((p = strstr(sql, "{ID}"))) {
		buf_add(&b, sql, (size_t)(p - sql));
		buf_puts(&b, id_type);
		sql = p + strlen("{ID}");
	}
	buf_puts(&b, sql);
	if (buf_err(&b)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int run_migration(struct db *db, const struct migration *m)
{
	const char *extra = db->kind == DB_PG ? m->sql_pg : m->sql_sqlite;
	char *sql = expand_ids(m->sql, db->ops->id_type);
	int rc;

	if (!sql)
		return db_fail(db, DB_ERR, "migration %d too large",
			       m->version);
	rc = db->ops->script(db, sql);
	free(sql);
	if (!rc && extra)
		rc = db->ops->script(db, extra);
	if (!rc)
		rc = db_exec(db, "INSERT INTO schema_migrations"
			     " (version, name, applied_at) VALUES (?, ?, ?)",
			     "isi", (int64_t)m->version, m->name, clock_now());
	if (rc < 0) {
		char msg[sizeof(db->errmsg)];

		snprintf(msg, sizeof(msg), "%s", db->errmsg);
		db_fail(db, rc, "migration %d (%s): %s", m->version, m->name,
			msg);
	}
	return rc < 0 ? rc : 0;
}

/*
 * Apply one migration, if it is still pending, in its own write
 * transaction.  The version is read again under the write lock, so
 * several processes may migrate at once and each step runs exactly once.
 */
static int migrate_step(struct db *db, const struct migration *m)
{
	int rc, v;

	rc = db_begin(db);
	if (rc)
		return rc;
	rc = db->ops->script(db, create_migrations_sql);
	if (!rc) {
		v = read_version(db);
		if (v < 0)
			rc = v;
		else if (v < m->version)
			rc = run_migration(db, m);
	}
	if (rc) {
		char msg[sizeof(db->errmsg)];

		snprintf(msg, sizeof(msg), "%s", db->errmsg);
		db_rollback(db);
		return db_fail(db, rc, "%s", msg);
	}
	return db_commit(db);
}

int db_migrate(struct db *db, int *from, int *to)
{
	int latest = db_schema_version_latest();
	int i, v, rc;

	clear_error(db);
	if (db->in_tx)
		return db_fail(db, DB_EMISUSE, "migrate inside a transaction");
	v = read_version(db);
	if (v < 0)
		return v;
	if (from)
		*from = v;
	if (v > latest)
		return db_fail(db, DB_ERR, "database schema version %d is newer"
			       " than this program knows (%d)", v, latest);
	for (i = 0; i < schema_migration_count; i++) {
		if (schema_migrations[i].version <= v)
			continue;
		rc = migrate_step(db, &schema_migrations[i]);
		if (rc)
			return rc;
	}
	v = read_version(db);
	if (v < 0)
		return v;
	if (to)
		*to = v;
	return 0;
}
