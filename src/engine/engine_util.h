/* engine_util.h: what the case engine's files share (private to engine/)
 *
 * Not part of the engine's interface: only the files of src/engine
 * include it.
 */
#ifndef FZ_ENGINE_UTIL_H
#define FZ_ENGINE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"
#include "engine/workflow.h"

struct db;
struct db_rows;

/* End the write transaction a call opened: commit when rc is 0; when
 * rc is a failure (or the commit fails) roll back whatever is still
 * open.  Returns 0 or the failure: rc itself, or the commit's code. */
int engine_end_tx(struct db *db, int rc);

/* The seq number the next event of a case gets (1 for its first), read
 * inside the write transaction.  0 or a DB_E* code. */
int engine_next_event_seq(struct db *db, int64_t case_id, int64_t *seq);

/* Whether `a` is one of the `n` actions of `v`. */
bool engine_action_listed(const struct wf_action *const *v, size_t n,
			  const struct wf_action *a);

/* Fill `elem` from the current row of `r`; `arg` as the caller gave it. */
typedef void (*row_read_fn)(struct db_rows *r, void *elem, void *arg);

/* The first row of `rows` (NULL: the query failed on `db`) read into
 * `elem`; `rows` is freed.  0, 1 when there is no row, or a DB_E*
 * code. */
int engine_row(struct db *db, struct db_rows *rows, row_read_fn read,
	       void *elem, void *arg);

/* How to turn the rows of a query into an array of one struct a row. */
struct row_reader {
	size_t size;                /* bytes of one element */
	row_read_fn read;           /* gets each element zeroed */
	/* Free what read() allocated in `elem`; NULL when nothing. */
	void (*drop)(void *elem);
};

/* Every row of `rows` as a malloc'd array (NULL when there is none) of
 * *n elements; `rows` is freed, and NULL stands for a query that failed
 * on `db`.  *rc gets 0 or the DB_E* code of the failure, after which the
 * elements read so far are dropped and NULL is returned.  Callers that
 * call back into feature code do so on the array, after the query has
 * finished, so the callback may use the database. */
void *engine_rows(struct db *db, struct db_rows *rows,
		  const struct row_reader *how, void *arg, size_t *n,
		  int *rc);
/* Drop each of the `n` elements of an engine_rows() array, then free it. */
void engine_rows_free(void *v, size_t n, const struct row_reader *how);

#endif
