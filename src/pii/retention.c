/* retention.c: the personal-data expiry job (PI-03) */
#include "pii/retention.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "audit/audit.h"
#include "calendar/calendar.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "pii/pii.h"
#include "store/store.h"

#define TABLE_PREFIX "petitioner."

static const struct actor system_actor = { 0, "system", "", NULL, NULL };

/* The blind index beside each indexed column (petition/schema_sql.c). */
static const struct {
	const char *field, *index;
} index_columns[] = {
	{ "petitioner.id_number", "id_index" },
	{ "petitioner.phone", "phone_index" },
};

/* A register field of the petitioner table and where it is stored. */
struct column {
	const struct pii_field *f;
	const char *col;            /* "phone" */
	const char *index;          /* "phone_index", or NULL */
	size_t slot;                /* its entry in retention_result */
};

/*
 * Closing days fall into bands by which periods have run out: band i
 * holds the cases closed in [lo, hi), whose fields with at most
 * years[i] years are due and the others not yet; the last band (the
 * longest period over) is frozen whole.
 */
struct band {
	int years;
	int64_t lo, hi;
	bool freeze;
	char before[11];            /* hi as a day, for the audit entry */
	char *select, *update;      /* SQL, fixed by the register */
	size_t ncols;               /* due columns: the first ncols */
};

struct job {
	struct db *db;
	const char *data_dir;
	int64_t now;
	bool dry_run;
	struct retention_result *out;
	struct column cols[RETENTION_FIELDS_MAX];  /* by years, ascending */
	size_t ncols;
};

/* One selected row: its case and which due columns hold a value. */
struct row {
	int64_t case_id;
	unsigned held;              /* bit i: column i holds data */
};

bool retention_enforced(const struct pii_field *f)
{
	return f && str_starts(f->name, TABLE_PREFIX);
}

/* Only plain lower-case names go into SQL text. */
static bool sql_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static const char *index_of(const char *field)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(index_columns); i++)
		if (strcmp(index_columns[i].field, field) == 0)
			return index_columns[i].index;
	return NULL;
}

/* The petitioner fields of the register, in `out` in register order
 * and in j->cols ordered by period (stable, so the audit lists fields
 * the same way each time). */
static int load_columns(struct job *j)
{
	struct retention_result *out = j->out;
	size_t i, k;

	for (i = 0; i < pii_field_count; i++) {
		const struct pii_field *f = &pii_fields[i];
		struct column c = { f, f->name + strlen(TABLE_PREFIX), NULL,
				    out->nfields };

		if (!retention_enforced(f))
			continue;
		if (out->nfields == RETENTION_FIELDS_MAX)
			return error("retention: too many petitioner fields");
		c.index = f->indexed ? index_of(f->name) : NULL;
		if (!sql_name(c.col) || (f->indexed && !c.index) ||
		    f->retention_years <= 0)
			return error("retention: no columns known for "
				     "register field %s", f->name);
		out->fields[out->nfields++].field = f;
		for (k = j->ncols; k > 0 &&
		     j->cols[k - 1].f->retention_years > f->retention_years;
		     k--)
			j->cols[k] = j->cols[k - 1];
		j->cols[k] = c;
		j->ncols++;
	}
	return FZ_OK;
}

/* ---- periods ---- */

/* Day `d` moved by `years` calendar years; a 29 February without a
 * match becomes the 28th (Civil Code Art. 202).  FZ_ERR outside the
 * days cal_parse() knows (1970 to 9999). */
static int shift_years(cal_day d, int years, cal_day *out)
{
	char s[11], t[24];
	int y, m, day;

	cal_format(d, s);
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	day = (s[8] - '0') * 10 + (s[9] - '0');
	snprintf(t, sizeof(t), "%04d-%02d-%02d", y + years, m, day);
	if (cal_parse(t, out) == 0)
		return 0;
	if (m != 2 || day != 29)
		return FZ_ERR;
	snprintf(t, sizeof(t), "%04d-02-28", y + years);
	return cal_parse(t, out);
}

/*
 * The first closing day whose period of `years` has not run out by
 * `today`, as the unix time it starts (China Standard Time): a case
 * closed before that instant has expired.  A period ends on the
 * corresponding day `years` later and expires the day after, so the
 * answer is today moved back, or the day after when moving back had to
 * use 28 February for the 29th.  0 when no day since 1970 qualifies.
 */
static int64_t expiry_cutoff(cal_day today, int years, char day[11])
{
	cal_day back, end;
	int64_t t = 0;

	snprintf(day, 11, "1970-01-01");
	if (shift_years(today, -years, &back) ||
	    shift_years(back, years, &end))
		return 0;
	if (end < today)
		back++;
	cal_format(back, day);
	if (clock_parse_local(day, &t))
		return 0;
	return t;
}

/* ---- SQL of a band ---- */

static void held_expr(struct buf *b, const struct column *c)
{
	buf_printf(b, "p.%s <> ''", c->col);
	if (c->index)
		buf_printf(b, " OR p.%s IS NOT NULL", c->index);
}

static void band_sql(const struct job *j, struct band *b)
{
	struct buf sel = BUF_INIT, upd = BUF_INIT;
	size_t i;

	buf_puts(&sel, "SELECT p.case_id");
	for (i = 0; i < b->ncols; i++) {
		buf_puts(&sel, ", CASE WHEN ");
		held_expr(&sel, &j->cols[i]);
		buf_puts(&sel, " THEN 1 ELSE 0 END");
	}
	buf_puts(&sel, " FROM petitioner p JOIN cases c ON c.id = "
		 "p.case_id WHERE p.expired_at = 0 AND c.is_final = 1 AND "
		 "c.closed_at > 0 AND c.closed_at >= ? AND c.closed_at < ? "
		 "AND p.case_id > ?");
	/* A band not frozen only needs rows with a due value left; the
	 * frozen band takes every row, emptied or not. */
	if (!b->freeze) {
		for (i = 0; i < b->ncols; i++) {
			buf_puts(&sel, i ? " OR " : " AND (");
			held_expr(&sel, &j->cols[i]);
		}
		buf_puts(&sel, ")");
	}
	buf_printf(&sel, " ORDER BY p.case_id LIMIT %d", RETENTION_BATCH);

	buf_puts(&upd, "UPDATE petitioner SET ");
	for (i = 0; i < b->ncols; i++) {
		buf_printf(&upd, "%s%s = ''", i ? ", " : "", j->cols[i].col);
		if (j->cols[i].index)
			buf_printf(&upd, ", %s = NULL", j->cols[i].index);
	}
	if (b->freeze)
		buf_puts(&upd, ", query_hash = NULL, query_index = NULL, "
			 "expired_at = ?");
	buf_puts(&upd, " WHERE case_id = ? AND expired_at = 0");
	b->select = buf_detach(&sel, NULL);
	b->update = buf_detach(&upd, NULL);
}

/* ---- one batch ---- */

static int select_rows(struct job *j, const struct band *b, int64_t after,
		       struct row *v, size_t *n)
{
	struct db_rows *rows = db_query(j->db, b->select, "iii",
					b->lo, b->hi, after);
	size_t i;
	int rc;

	*n = 0;
	if (!rows)
		return db_errcode(j->db);
	while ((rc = db_next(rows)) == 1 && *n < RETENTION_BATCH) {
		struct row *r = &v[(*n)++];

		r->case_id = db_int(rows, 0);
		r->held = 0;
		for (i = 0; i < b->ncols; i++)
			if (db_int(rows, (int)i + 1))
				r->held |= 1u << i;
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

/* A storage name is used in a path only in the form the attachments
 * module gives it: "ab/ab…", lower-case hex under a directory named by
 * its first two digits. */
static bool storage_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 6 || n > 64 || s[2] != '/' || s[0] != s[3] || s[1] != s[4])
		return false;
	for (i = 0; i < n; i++)
		if (i != 2 && !((s[i] >= '0' && s[i] <= '9') ||
				(s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static int remove_file(const struct job *j, const char *storage)
{
	char *path;
	int rc;

	if (!storage_valid(storage)) {
		warn("retention: attachment with a bad storage name kept");
		return FZ_ERR;
	}
	path = xasprintf("%s/attachments/%s", j->data_dir, storage);
	rc = unlink(path) == 0 || errno == ENOENT ? 0 : FZ_ERR;
	if (rc)
		warn("retention: cannot delete %s: %s", path,
		     strerror(errno));
	free(path);
	return rc;
}

/* A case was frozen in a dry run: its files would go too. */
static int count_files(struct job *j, int64_t case_id)
{
	int64_t n = 0;
	int rc = db_scalar_int(j->db, &n, "SELECT COUNT(*) FROM attachments "
			       "WHERE case_id = ? AND expired_at = 0", "i",
			       case_id);

	if (rc < 0)
		return rc;
	j->out->attachments += n;
	return 0;
}

static int anonymise(struct job *j, const struct band *b,
		     const struct row *r)
{
	int rc;

	if (j->dry_run)
		return b->freeze && j->data_dir ? count_files(j, r->case_id)
						: 0;
	rc = b->freeze ? db_exec(j->db, b->update, "ii", j->now, r->case_id)
		       : db_exec(j->db, b->update, "i", r->case_id);
	return rc < 0 ? rc : 0;
}

static void count_row(struct job *j, const struct band *b,
		      const struct row *r)
{
	size_t i;

	for (i = 0; i < b->ncols; i++)
		if (r->held & (1u << i))
			j->out->fields[j->cols[i].slot].blanked++;
	if (r->held || b->freeze)
		j->out->rows++;
	if (b->freeze)
		j->out->expired++;
}

static int audit_batch(struct job *j, const struct band *b,
		       const struct row *v, size_t n)
{
	json_t *fields = json_array(), *cases = json_array();
	size_t i;

	for (i = 0; i < b->ncols; i++)
		json_array_append_new(fields,
				      json_string(j->cols[i].f->name));
	for (i = 0; i < n; i++)
		json_array_append_new(cases, json_integer(v[i].case_id));
	return audit_as(j->db, &system_actor, "pii.expire", "petitioner",
			"success", json_pack("{s:s,s:i,s:o,s:o,s:b}",
					     "closed_before", b->before,
					     "retention_years", b->years,
					     "fields", fields, "cases", cases,
					     "frozen", b->freeze)) < 0 ? DB_ERR
								     : 0;
}

static int end_tx(struct db *db, int rc)
{
	if (rc == 0)
		rc = db_commit(db);
	if (rc && db_in_tx(db))
		db_rollback(db);
	return rc;
}

/* The next batch of a band after case id *after; *n rows seen. */
static int batch(struct job *j, const struct band *b, int64_t *after,
		 size_t *n)
{
	struct row *v = xcalloc(RETENTION_BATCH, sizeof(*v));
	size_t i;
	int rc = j->dry_run ? 0 : db_begin(j->db);

	*n = 0;
	if (rc == 0)
		rc = select_rows(j, b, *after, v, n);
	for (i = 0; rc == 0 && i < *n; i++)
		rc = anonymise(j, b, &v[i]);
	if (rc == 0 && *n && !j->dry_run)
		rc = audit_batch(j, b, v, *n);
	if (!j->dry_run && rc == 0 && *n == 0)
		db_rollback(j->db);     /* nothing was written */
	else if (!j->dry_run)
		rc = end_tx(j->db, rc);
	if (rc == 0) {
		for (i = 0; i < *n; i++)
			count_row(j, b, &v[i]);
		if (*n) {
			*after = v[*n - 1].case_id;
			j->out->batches += !j->dry_run;
		}
	}
	free(v);
	return rc;
}

static int run_band(struct job *j, struct band *b)
{
	int64_t after = 0;
	size_t n;
	int rc;

	band_sql(j, b);
	do
		rc = batch(j, b, &after, &n);
	while (rc == 0 && n == RETENTION_BATCH);
	free(b->select);
	free(b->update);
	return rc;
}

/* ---- attachment files of frozen cases, and unclaimed uploads ---- */

#define UNBOUND_SECONDS 86400   /* an upload no action has taken */

struct file {
	int64_t id, case_id;
	char *storage;
};

static int select_files(struct job *j, int64_t after, struct file *v,
			size_t *n)
{
	struct db_rows *rows;
	int rc;

	*n = 0;
	/* Also uploads nothing took within a day (the API uploads first
	 * and binds in a second call): no case, and no other owner named in
	 * `field` (a permit's full text, say). */
	rows = db_query(j->db, "SELECT a.id, COALESCE(a.case_id, 0), "
			"a.storage FROM attachments a LEFT JOIN petitioner p "
			"ON p.case_id = a.case_id WHERE a.expired_at = 0 AND "
			"a.id > ? AND (p.expired_at > 0 OR (a.case_id IS NULL "
			"AND a.field = '' AND a.created_at < ?)) ORDER BY a.id "
			"LIMIT "
			STR(RETENTION_BATCH), "ii", after,
			j->now - UNBOUND_SECONDS);
	if (!rows)
		return db_errcode(j->db);
	while ((rc = db_next(rows)) == 1 && *n < RETENTION_BATCH) {
		v[*n].id = db_int(rows, 0);
		v[*n].case_id = db_int(rows, 1);
		v[(*n)++].storage = db_strdup(rows, 2);
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

/*
 * Each file deleted, then its row marked expired without the uploader's
 * file name.  The file goes first: should the transaction fail, the
 * next run finds the row again and the missing file is no error.  A
 * file that cannot be deleted keeps its row as it was, for the next
 * run, and does not hold up the others.
 */
static int expire_files(struct job *j, const struct file *v, size_t n,
			int64_t *done)
{
	json_t *ids = json_array(), *cases = json_array();
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		if (remove_file(j, v[i].storage)) {
			j->out->attach_failed++;
			continue;
		}
		rc = db_exec(j->db, "UPDATE attachments SET expired_at = ?, "
			     "name = '' WHERE id = ?", "ii", j->now, v[i].id);
		if (rc < 0)
			break;
		rc = 0;
		(*done)++;
		json_array_append_new(ids, json_integer(v[i].id));
		json_array_append_new(cases, json_integer(v[i].case_id));
	}
	if (rc == 0 && *done &&
	    audit_as(j->db, &system_actor, "pii.expire", "attachments",
		     "success", json_pack("{s:O,s:O}", "attachments", ids,
					  "cases", cases)) < 0)
		rc = DB_ERR;
	json_decref(ids);
	json_decref(cases);
	return rc;
}

/* The files of cases frozen by this run or an earlier one (whose file
 * could not be deleted then), and uploads left unbound for a day, in
 * batches as the rows. */
static int files_pass(struct job *j)
{
	struct file *v = xcalloc(RETENTION_BATCH, sizeof(*v));
	int64_t after = 0, done;
	size_t n, i;
	int rc;

	do {
		done = 0;
		n = 0;
		rc = j->dry_run ? 0 : db_begin(j->db);
		if (rc == 0)
			rc = select_files(j, after, v, &n);
		if (rc == 0 && j->dry_run)
			done = (int64_t)n;
		else if (rc == 0)
			rc = expire_files(j, v, n, &done);
		if (!j->dry_run && rc == 0 && done == 0)
			db_rollback(j->db);
		else if (!j->dry_run)
			rc = end_tx(j->db, rc);
		if (rc == 0) {
			j->out->attachments += done;
			j->out->batches += !j->dry_run && done;
			if (n)
				after = v[n - 1].id;
		}
		for (i = 0; i < n; i++)
			free(v[i].storage);
	} while (rc == 0 && n == RETENTION_BATCH);
	free(v);
	return rc;
}

/* ---- the job ---- */

int retention_run(struct db *db, const char *data_dir, int64_t now,
		  bool dry_run, struct retention_result *out)
{
	struct job j = { db, data_dir, now, dry_run, out, { { 0 } }, 0 };
	cal_day today = cal_day_of(now);
	int64_t lo = 0;
	size_t i, k;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (load_columns(&j))
		return DB_EMISUSE;
	/* Longest period first: its band is the oldest closing days. */
	for (k = j.ncols; rc == 0 && k > 0; k = i) {
		struct band b = { .years = j.cols[k - 1].f->retention_years,
				  .lo = lo, .ncols = k,
				  .freeze = k == j.ncols };

		for (i = k; i > 0 &&
		     j.cols[i - 1].f->retention_years == b.years; i--)
			;
		b.hi = expiry_cutoff(today, b.years, b.before);
		if (b.hi > b.lo)
			rc = run_band(&j, &b);
		if (b.hi > lo)
			lo = b.hi;
	}
	if (rc == 0 && data_dir)
		rc = files_pass(&j);
	return rc;
}

int retention_sweep(struct db *db, const char *data_dir, int64_t now)
{
	struct retention_result res;
	int rc = retention_run(db, data_dir, now, false, &res);

	if (rc < 0)
		fprintf(stderr, "fazhi: personal-data expiry failed: %s\n",
			rc == DB_EMISUSE ? "register" : db_errmsg(db));
	if (res.rows || res.attachments)
		fprintf(stderr, "fazhi: personal data expired: %lld "
			"petitioner rows (%lld frozen), %lld attachment "
			"files\n", (long long)res.rows,
			(long long)res.expired, (long long)res.attachments);
	return rc;
}
