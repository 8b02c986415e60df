/* sqlite.c: the SQLite backend of the store interface
 *
 * One connection per thread (opened without SQLite's own mutexes), in WAL
 * mode with synchronous=FULL so that a commit has reached the disk before
 * db_commit() returns.  Prepared statements are cached by SQL text; a
 * cached statement that is still held by the open result set is never
 * reset under it: a one-off statement is prepared instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/util.h"
#include "store/backend.h"

struct sq_db {
	struct db base;
	sqlite3 *h;
	struct db_cache cache;
	sqlite3_stmt *held;	/* statement of the open result set */
};

struct sq_rows {
	struct db_rows base;
	sqlite3_stmt *st;
	bool cached;		/* return to the cache, else finalize */
	bool primed;		/* `first` answers the next db_next() */
	bool done;
	int first;
};

static struct sq_db *sq(struct db *db)
{
	return (struct sq_db *)db;
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_EBUSY;
	case SQLITE_CONSTRAINT:
		return DB_ECONSTRAINT;
	case SQLITE_FULL:
		return DB_EFULL;
	case SQLITE_CANTOPEN:
		return DB_EUNAVAIL;
	case SQLITE_MISUSE:
	case SQLITE_RANGE:
		return DB_EMISUSE;
	default:
		return DB_ERR;
	}
}

/* Record the connection's latest error; `rc` is the SQLite result. */
static int sq_fail(struct sq_db *d, int rc)
{
	return db_fail(&d->base, map_rc(rc), "%s (sqlite %d)",
		       sqlite3_errmsg(d->h), rc);
}

static void finalize_cb(void *handle, void *arg)
{
	(void)arg;
	sqlite3_finalize(handle);
}

/* Give a statement back: to the cache clean, or to SQLite for good. */
static void release(sqlite3_stmt *st, bool cached)
{
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
}

/* Whether `tail` (what follows the first statement) holds another one. */
static int check_tail(struct sq_db *d, const char *tail)
{
	sqlite3_stmt *st = NULL;
	int rc;

	tail += strspn(tail, " \t\r\n;");
	if (!*tail)
		return 0;
	rc = sqlite3_prepare_v2(d->h, tail, -1, &st, NULL);
	if (rc == SQLITE_OK && !st)
		return 0;	/* only comments */
	sqlite3_finalize(st);
	return db_fail(&d->base, DB_EMISUSE,
		       "more than one statement in one call");
}

/*
 * Find or prepare the statement for `sql`.  Sets *cached when the
 * statement belongs to the cache (and so must be reset, not finalized).
 */
static int prepare(struct sq_db *d, const char *sql, sqlite3_stmt **out,
		   bool *cached)
{
	sqlite3_stmt *st = db_cache_find(&d->cache, sql, NULL);
	const char *tail = NULL;
	bool keep;
	int rc;

	if (st && st != d->held) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		*out = st;
		*cached = true;
		return 0;
	}
	/* A full cache is flushed when no statement is held by a result
	 * set; otherwise the newcomer is simply not cached. */
	keep = !st;
	if (keep && db_cache_full(&d->cache)) {
		if (d->held)
			keep = false;
		else
			db_cache_clear(&d->cache, finalize_cb, NULL);
	}
	rc = sqlite3_prepare_v3(d->h, sql, -1,
				keep ? SQLITE_PREPARE_PERSISTENT : 0, &st,
				&tail);
	if (rc != SQLITE_OK)
		return sq_fail(d, rc);
	if (!st)
		return db_fail(&d->base, DB_EMISUSE, "empty statement");
	rc = check_tail(d, tail);
	if (rc) {
		sqlite3_finalize(st);
		return rc;
	}
	if (keep)
		db_cache_add(&d->cache, sql, NULL, st);
	*out = st;
	*cached = keep;
	return 0;
}

static int bind(struct sq_db *d, sqlite3_stmt *st, const struct db_param *p,
		int n)
{
	int i, rc, want = sqlite3_bind_parameter_count(st);

	if (want != n)
		return db_fail(&d->base, DB_EMISUSE,
			       "statement has %d parameters, format gives %d",
			       want, n);
	for (i = 0; i < n; i++) {
		if (p[i].null)
			rc = sqlite3_bind_null(st, i + 1);
		else if (p[i].type == 'i')
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
		else	/* copied: later steps read it after we return */
			rc = sqlite3_bind_text(st, i + 1, p[i].s, -1,
					       SQLITE_TRANSIENT);
		if (rc != SQLITE_OK)
			return sq_fail(d, rc);
	}
	return 0;
}

/* Prepare and bind; on failure nothing is left to release. */
static int start(struct sq_db *d, const char *sql, const struct db_param *p,
		 int n, sqlite3_stmt **st, bool *cached)
{
	int rc = prepare(d, sql, st, cached);

	if (rc)
		return rc;
	rc = bind(d, *st, p, n);
	if (rc)
		release(*st, *cached);
	return rc;
}

static int sq_exec(struct db *db, const char *sql, const struct db_param *p,
		   int n)
{
	struct sq_db *d = sq(db);
	sqlite3_int64 before, changes = 0;
	sqlite3_stmt *st;
	bool cached;
	int rc;

	rc = start(d, sql, p, n, &st, &cached);
	if (rc)
		return rc;
	before = sqlite3_total_changes64(d->h);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		rc = sq_fail(d, rc);
		release(st, cached);
		return rc;
	}
	/* sqlite3_changes() keeps the count of the last INSERT, UPDATE or
	 * DELETE through other statements, so trust it only if this one
	 * changed something. */
	if (sqlite3_total_changes64(d->h) != before)
		changes = sqlite3_changes64(d->h);
	release(st, cached);
	return changes > 0x7fffffff ? 0x7fffffff : (int)changes;
}

static struct db_rows *sq_query(struct db *db, const char *sql,
				const struct db_param *p, int n)
{
	struct sq_db *d = sq(db);
	struct sq_rows *r;
	sqlite3_stmt *st;
	bool cached;
	int rc;

	if (start(d, sql, p, n, &st, &cached))
		return NULL;
	/* Step once now: an INSERT ... RETURNING does its work, and reports
	 * its failure, here, as PostgreSQL does. */
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(d, rc);
		release(st, cached);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->base.ncols = sqlite3_column_count(st);
	r->st = st;
	r->cached = cached;
	r->primed = true;
	r->first = rc == SQLITE_ROW;
	d->held = st;
	return &r->base;
}

static int sq_next(struct db_rows *base)
{
	struct sq_rows *r = (struct sq_rows *)base;
	int rc;

	if (r->primed) {
		r->primed = false;
		r->done = !r->first;
		return r->first;
	}
	if (r->done)
		return 0;	/* stepping again would restart it */
	rc = sqlite3_step(r->st);
	if (rc == SQLITE_ROW)
		return 1;
	r->done = true;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_fail(sq(base->db), rc);
}

static bool sq_isnull(struct db_rows *base, int col)
{
	struct sq_rows *r = (struct sq_rows *)base;

	return sqlite3_column_type(r->st, col) == SQLITE_NULL;
}

static int sq_col_int(struct db_rows *base, int col, int64_t *out)
{
	struct sq_rows *r = (struct sq_rows *)base;

	*out = sqlite3_column_int64(r->st, col);
	return 0;
}

static const char *sq_col_text(struct db_rows *base, int col)
{
	struct sq_rows *r = (struct sq_rows *)base;

	return (const char *)sqlite3_column_text(r->st, col);
}

static void sq_rows_free(struct db_rows *base)
{
	struct sq_rows *r = (struct sq_rows *)base;
	struct sq_db *d = sq(base->db);

	if (d->held == r->st)
		d->held = NULL;
	release(r->st, r->cached);
	free(r);
}

static int sq_script(struct db *db, const char *sql)
{
	struct sq_db *d = sq(db);
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return 0;
	rc = db_fail(db, map_rc(rc), "%s (sqlite %d)",
		     msg ? msg : sqlite3_errstr(rc), rc);
	sqlite3_free(msg);
	return rc;
}

/* IMMEDIATE takes the write lock now, so the read-then-write inside the
 * transaction cannot be overtaken (and waits busy_timeout for it). */
static int sq_begin(struct db *db)
{
	return sq_exec(db, "BEGIN IMMEDIATE", NULL, 0);
}

static int sq_commit(struct db *db)
{
	return sq_exec(db, "COMMIT", NULL, 0);
}

static int sq_rollback(struct db *db)
{
	/* Some errors (SQLITE_FULL, I/O) roll back by themselves. */
	if (sqlite3_get_autocommit(sq(db)->h))
		return 0;
	return sq_exec(db, "ROLLBACK", NULL, 0);
}

static bool sq_tx_open(struct db *db)
{
	return !sqlite3_get_autocommit(sq(db)->h);
}

/* The first column of the first row of `sql` on `h`, into `out`. */
static int pragma_text(sqlite3 *h, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);

			snprintf(out, len, "%s", t ? (const char *)t : "");
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			snprintf(out, len, "%s", "");
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Copy every page of the open database into the empty file `dst`. */
static int copy_pages(struct sq_db *d, sqlite3 *dst)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", d->h, "main");
	int rc, tries = 0;

	if (!b)
		return db_fail(&d->base, DB_ERR, "backup: %s",
			       sqlite3_errmsg(dst));
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < 100);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return db_fail(&d->base, map_rc(rc), "backup: %s",
			       sqlite3_errmsg(dst));
	return 0;
}

static int verify_copy(struct sq_db *d, sqlite3 *dst, const char *path)
{
	char res[256];
	int rc = pragma_text(dst, "PRAGMA integrity_check", res, sizeof(res));

	if (rc != SQLITE_OK)
		return db_fail(&d->base, map_rc(rc), "backup check of %s: %s",
			       path, sqlite3_errmsg(dst));
	if (strcmp(res, "ok"))
		return db_fail(&d->base, DB_ERR, "backup %s is damaged: %s",
			       path, res);
	return 0;
}

/*
 * An online copy through the backup API into a file we create ourselves
 * (O_EXCL, mode 0600: it holds personal data), checked before we say yes.
 * A failed copy is removed.
 */
static int sq_backup(struct db *db, const char *path)
{
	struct sq_db *d = sq(db);
	sqlite3 *dst = NULL;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return db_fail(db, DB_EMISUSE,
				       "backup target %s already exists", path);
		return db_fail(db, DB_ERR, "cannot create %s: %s", path,
			       strerror(errno));
	}
	close(fd);
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK)
		rc = db_fail(db, map_rc(rc), "cannot open %s: %s", path,
			     dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	else
		rc = copy_pages(d, dst);
	if (!rc)
		rc = verify_copy(d, dst, path);
	sqlite3_close(dst);
	if (rc)
		unlink(path);
	return rc;
}

static int sq_check_durability(struct db *db, char *what, size_t whatlen)
{
	static const struct {
		const char *sql, *name, *want1, *want2;
	} checks[] = {
		{ "PRAGMA journal_mode", "journal_mode", "wal", "wal" },
		/* 2 is FULL, 3 is EXTRA (stricter still) */
		{ "PRAGMA synchronous", "synchronous", "2", "3" },
		{ "PRAGMA foreign_keys", "foreign_keys", "1", "1" },
	};
	struct sq_db *d = sq(db);
	char val[64];
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(checks); i++) {
		rc = pragma_text(d->h, checks[i].sql, val, sizeof(val));
		if (rc != SQLITE_OK)
			return sq_fail(d, rc);
		if (strcmp(val, checks[i].want1) &&
		    strcmp(val, checks[i].want2)) {
			if (what && whatlen)
				snprintf(what, whatlen, "%s=%s",
					 checks[i].name, val);
			return db_fail(db, DB_ERR, "%s is %s, want %s",
				       checks[i].name, val, checks[i].want1);
		}
	}
	return 0;
}

static void sq_close(struct db *db)
{
	struct sq_db *d = sq(db);

	db_cache_clear(&d->cache, finalize_cb, NULL);
	sqlite3_close(d->h);
	free(d);
}

static const struct db_ops sqlite_ops = {
	.id_type = "INTEGER PRIMARY KEY",
	.sql_has_table = "SELECT count(*) FROM sqlite_master"
			 " WHERE type = 'table' AND name = ?",
	.close = sq_close,
	.exec = sq_exec,
	.query = sq_query,
	.next = sq_next,
	.isnull = sq_isnull,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.rows_free = sq_rows_free,
	.script = sq_script,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.tx_open = sq_tx_open,
	.backup = sq_backup,
	.check_durability = sq_check_durability,
};

/* The settings every connection runs with (see the file comment). */
static const char open_pragmas[] =
	"PRAGMA journal_mode = WAL;"
	"PRAGMA synchronous = FULL;"
	"PRAGMA foreign_keys = ON;"
	"PRAGMA secure_delete = ON;";

struct db *db_sqlite_open(const char *path, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	char *msg = NULL;
	struct sq_db *d;
	int rc;

	rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	/* Before the PRAGMAs: switching to WAL needs a lock too. */
	sqlite3_busy_timeout(h, DB_BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(h, open_pragmas, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->base.ops = &sqlite_ops;
	d->base.kind = DB_SQLITE;
	d->h = h;
	return &d->base;
}
