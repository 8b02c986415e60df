/* backend.h: what store.c shares with the SQLite and PostgreSQL backends
 *
 * Private to src/store/.  store.c owns everything both engines have in
 * common: decoding the format string into `struct db_param`, the
 * transaction state, the "one result set at a time" rule, error bookkeeping
 * and the migration runner.  A backend fills a `struct db_ops` table and
 * embeds `struct db` (and `struct db_rows`) as the first member of its own
 * connection (and result) structure, so the pointers convert both ways.
 *
 * Backend functions report failure by calling db_fail(), which records
 * the code and message on the connection and returns the code.
 */
#ifndef FZ_STORE_BACKEND_H
#define FZ_STORE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

/* How long a writer waits for another connection's write transaction
 * (SQLite busy_timeout, PostgreSQL lock_timeout) before DB_EBUSY. */
#define DB_BUSY_TIMEOUT_MS 5000

/* One bound value, decoded from the format string by store.c. */
struct db_param {
	char type;		/* declared type: 'i' integer, 's' text */
	bool null;		/* SQL NULL ('s' with NULL, 'z' with 0) */
	int64_t i;
	const char *s;
};

/* The part of a connection that store.c manages. */
struct db {
	const struct db_ops *ops;
	enum db_kind kind;
	bool in_tx;		/* between db_begin() and commit/rollback */
	int tx_err;		/* first statement failure inside it, or 0 */
	struct db_rows *rows;	/* the open result set, if any */
	int errcode;
	char errmsg[512];
};

/* The part of a result set that store.c manages. */
struct db_rows {
	struct db *db;
	int ncols;
	bool on_row;		/* the last db_next() returned 1 */
};

struct db_ops {
	/* Dialect: the column type that replaces {ID} in migrations, and a
	 * query counting tables named `?` in the current schema. */
	const char *id_type;
	const char *sql_has_table;

	void (*close)(struct db *db);
	/* One statement with `n` parameters; rows changed or DB_E*. */
	int (*exec)(struct db *db, const char *sql,
		    const struct db_param *p, int n);
	/* Run a query and position before its first row; NULL on failure.
	 * Errors of the statement itself are reported here, never later by
	 * the first next(), so both engines fail at the same call. */
	struct db_rows *(*query)(struct db *db, const char *sql,
				 const struct db_param *p, int n);
	int (*next)(struct db_rows *r);
	/* Column accessors: store.c has checked the row and column index. */
	bool (*isnull)(struct db_rows *r, int col);
	int (*col_int)(struct db_rows *r, int col, int64_t *out);
	const char *(*col_text)(struct db_rows *r, int col);
	void (*rows_free)(struct db_rows *r);
	/* Several statements, no parameters, no placeholder rewriting. */
	int (*script)(struct db *db, const char *sql);
	int (*begin)(struct db *db);
	int (*commit)(struct db *db);
	/* Must succeed (return 0) when the engine already ended the
	 * transaction by itself, e.g. after a lost connection. */
	int (*rollback)(struct db *db);
	/* Whether the engine still has a transaction open. */
	bool (*tx_open)(struct db *db);
	int (*backup)(struct db *db, const char *path);
	int (*check_durability)(struct db *db, char *what, size_t whatlen);
};

/* Record a failure on `db` and return `code`. */
int db_fail(struct db *db, int code, const char *fmt, ...) FZ_PRINTF(3, 4);

/* Backend constructors: NULL and a message in `err` on failure. */
struct db *db_sqlite_open(const char *path, char *err, size_t errlen);
struct db *db_pg_open(const char *url, char *err, size_t errlen);

/* Rewrite the `?` placeholders of `sql` to $1, $2, ... into `out`, leaving
 * string literals, quoted identifiers, dollar-quoted bodies and comments
 * alone.  `std_strings` is the server's standard_conforming_strings (when
 * false, a backslash escapes inside every '...' literal).  Returns the
 * number of placeholders, or -1 when `out` overflowed. */
int db_pg_rewrite(const char *sql, bool std_strings, struct buf *out);

/* A cache of prepared statements keyed by SQL text plus an optional
 * signature (the PostgreSQL backend declares parameter types when it
 * prepares, so the types are part of the key).  Handles are opaque to the
 * cache; the owner releases them through the callback of
 * db_cache_clear(). */
#define DB_CACHE_SLOTS 64
#define DB_CACHE_MAX 256

struct db_cache_entry {
	struct db_cache_entry *next;
	uint32_t hash;
	char *sql;
	char *sig;
	void *handle;
};

struct db_cache {
	struct db_cache_entry *slot[DB_CACHE_SLOTS];
	int count;
};

void *db_cache_find(const struct db_cache *c, const char *sql,
		    const char *sig);
/* The caller checks db_cache_full() first and clears or skips. */
void db_cache_add(struct db_cache *c, const char *sql, const char *sig,
		  void *handle);
bool db_cache_full(const struct db_cache *c);
void db_cache_clear(struct db_cache *c, void (*release)(void *handle,
							 void *arg),
		    void *arg);

#endif
