/* store.h: the storage interface every feature uses
 *
 * Feature code talks SQL in one portable dialect through these calls and
 * never sees sqlite3_* or PG* names.  Rules of the dialect:
 *  - parameters are written `?` (the PostgreSQL backend rewrites them to
 *    $1, $2, ... outside string literals);
 *  - values are only integers (int64) and UTF-8 text; binary data is stored
 *    as hex or base64 text;
 *  - new ids come back through `INSERT ... RETURNING id`;
 *  - booleans are integers 0/1; times are integers (unix seconds, UTC).
 *
 * A `struct db` is one connection.  It is not thread-safe: each server
 * worker opens its own.  Prepared statements are cached per connection,
 * keyed by the SQL text, so pass the same string each time.
 *
 * Parameter lists are described by a format string, one letter a value:
 *   'i'  int64_t
 *   's'  const char * (NULL binds SQL NULL)
 *   'z'  int64_t bound as NULL when it is 0 (optional foreign keys)
 *
 * Errors: functions return 0 or a count on success and a negative DB_E*
 * code on failure; db_errmsg() then says what went wrong (for logs, never
 * for users: it may contain SQL).
 */
#ifndef FZ_STORE_H
#define FZ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum db_kind { DB_SQLITE = 1, DB_PG = 2 };

enum {
	DB_OK = 0,
	DB_ERR = -1,         /* any other failure */
	DB_EBUSY = -2,       /* locked / serialization failure: retry */
	DB_ECONSTRAINT = -3, /* unique, foreign key, check or trigger */
	DB_EUNAVAIL = -4,    /* cannot connect, connection lost */
	DB_EFULL = -5,       /* disk or quota full */
	DB_EMISUSE = -6,     /* bad format string, wrong column, ... */
};

struct db;
struct db_rows;

/* Open a connection.  `url` is "sqlite:PATH" or "postgresql://..." (also
 * "postgres://").  On failure returns NULL and writes a message to `err`. */
struct db *db_open(const char *url, char *err, size_t errlen);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
const char *db_errmsg(const struct db *db);

/* A write transaction.  Write transactions are serialised across all
 * connections (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
 * advisory lock), so code inside may read-then-write safely, e.g. to
 * extend the audit hash chain.  db_commit() returns only after the commit
 * is durable, with 0 or a DB_E* code.  Nesting is an error (DB_EMISUSE). */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);
bool db_in_tx(const struct db *db);

/* A savepoint inside the open write transaction, for work that must fail
 * alone: one request among several committed together.  _release keeps
 * the work since db_savepoint(); _rollback undoes it and clears the
 * transaction's failure, so the rest can still commit.  Not nested. */
int db_savepoint(struct db *db);
int db_savepoint_release(struct db *db);
int db_savepoint_rollback(struct db *db);

/* Run a statement that returns no rows; returns the number of rows
 * changed (>= 0) or a DB_E* code. */
int db_exec(struct db *db, const char *sql, const char *fmt, ...);

/* Run a query; NULL on failure (see db_errcode()).  Iterate with
 * db_next() (1: a row, 0: done, < 0: error), read columns (0-based), and
 * always end with db_rows_free().  Only one result set may be open per
 * connection at a time. */
struct db_rows *db_query(struct db *db, const char *sql, const char *fmt, ...);
int db_next(struct db_rows *r);
int64_t db_int(struct db_rows *r, int col);
/* Text of a column, NULL for SQL NULL; valid until the next db_next(). */
const char *db_text(struct db_rows *r, int col);
/* db_text(), with "" for SQL NULL. */
const char *db_str(struct db_rows *r, int col);
/* A copy of db_str(), the caller's to free. */
char *db_strdup(struct db_rows *r, int col);
bool db_isnull(struct db_rows *r, int col);
void db_rows_free(struct db_rows *r);
/* The code of the last failure on this connection. */
int db_errcode(const struct db *db);

/* Fill `err` for a failed call that returned `rc` (a DB_E* code), in
 * words for the user: 503 "db_unavailable" when the database is busy or
 * gone (worth a retry), else 500 "db_error".  Returns FZ_ERR, for
 * services that report failures through a struct fz_err (core/util.h). */
struct fz_err;
int db_failed(struct fz_err *err, int rc);

/* Convenience: the first column of the first row as an integer.  Returns
 * 0 and sets *out, 1 when there was no row, or a DB_E* code. */
int db_scalar_int(struct db *db, int64_t *out, const char *sql,
		  const char *fmt, ...);

/* Bring the schema to the newest version; reports the versions through
 * from/to when not NULL. */
int db_migrate(struct db *db, int *from, int *to);
/* Newest schema version this build knows. */
int db_schema_version_latest(void);
/* Schema version of the open database (0 if none). */
int db_schema_version(struct db *db);

/* A consistent online copy of a SQLite database to `path` (which must not
 * exist).  DB_EMISUSE on PostgreSQL: use pg_dump. */
int db_backup(struct db *db, const char *path);

/* Whether the backend settings that guard durability are as required
 * (SQLite: journal_mode=wal, synchronous=FULL, foreign_keys=ON;
 * PostgreSQL: fsync, synchronous_commit, full_page_writes on).  Fills
 * `what` with the first setting that is not. */
int db_check_durability(struct db *db, char *what, size_t whatlen);

#endif
