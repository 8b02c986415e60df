/* retention.h: the personal-data expiry job (PI-03)
 *
 * The register (pii/fields.c) says how many years each personal-data
 * field is kept after its record closes.  This job enforces it for the
 * petitioner table of the petitions desk:
 *  - a field whose period has run out is anonymised: its sealed column
 *    becomes '' and its blind index NULL, field by field, as each
 *    period ends (an ID number after 10 years, the name after 30);
 *  - when every field of a row has run out, the row is frozen: the
 *    query code's hash and index are dropped too, expired_at records
 *    when, and the case's attachment files are deleted (their rows are
 *    marked expired and lose the uploader's file name);
 *  - the case row, its history and the satisfaction rating stay, so the
 *    statistics of past years do not change.
 *
 * A period counts in calendar years of China Standard Time from the day
 * the case closed (cases.closed_at of a final case), the closing day not
 * counted, and ends on the corresponding day (Civil Code Art. 201, 202;
 * a 29 February without one ends on the 28th).  The field expires the
 * day after.  Open cases are never touched.
 *
 * Work goes in batches of RETENTION_BATCH rows, each its own write
 * transaction with one audit entry ("pii.expire" by the system, object
 * "petitioner" with the case ids and fields in its details, or
 * "attachments" with the attachment and case ids), so a backlog never
 * holds the write lock for long.  Running it again changes nothing; a
 * file that could not be deleted is tried again by the next run.
 */
#ifndef FZ_RETENTION_H
#define FZ_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct pii_field;

#define RETENTION_BATCH 200
#define RETENTION_FIELDS_MAX 16

/* One register field of the petitioner table and what happened to it. */
struct retention_count {
	const struct pii_field *field;
	int64_t blanked;    /* values removed (dry run: that would be) */
};

struct retention_result {
	struct retention_count fields[RETENTION_FIELDS_MAX];
	size_t nfields;     /* the petitioner.* entries, in register order */
	int64_t rows;       /* rows that lost a value or were frozen */
	int64_t expired;    /* of those, rows frozen (expired_at set) */
	int64_t attachments;    /* attachment files deleted */
	int64_t attach_failed;  /* files that could not be deleted (kept
				 * for the next run, a warning printed) */
	int batches;        /* transactions committed = audit entries */
};

/*
 * Run the expiry job as of `now` (unix seconds).  `data_dir` is the
 * installation's DATA_DIR, under which attachment files live; NULL
 * leaves attachments alone.  With `dry_run` nothing is written and
 * `out` counts what a real run would do.  `out` is filled in either
 * case, also when a later batch fails: batches committed before stay.
 * Returns 0, or a DB_E* code (db_errmsg() says more; DB_EMISUSE when
 * the register names a field this job cannot map to columns).
 */
int retention_run(struct db *db, const char *data_dir, int64_t now,
		  bool dry_run, struct retention_result *out);

/*
 * The server's periodic call: retention_run() for real, one line on
 * stderr when something expired or the run failed.  Returns as
 * retention_run().
 */
int retention_sweep(struct db *db, const char *data_dir, int64_t now);

/* Whether the job enforces the register entry `f` (the petitioner
 * fields); the others are kept by their own rules. */
bool retention_enforced(const struct pii_field *f);

#endif
