/* engine_util.c: what the case engine's files share */
#include "engine/engine_util.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"

int engine_end_tx(struct db *db, int rc)
{
	if (rc == 0)
		rc = db_commit(db);
	if (rc && db_in_tx(db))
		db_rollback(db);
	return rc;
}

int engine_next_event_seq(struct db *db, int64_t case_id, int64_t *seq)
{
	int64_t last = 0;
	int rc = db_scalar_int(db, &last, "SELECT COALESCE(MAX(seq), 0) "
			       "FROM case_events WHERE case_id = ?", "i",
			       case_id);

	*seq = last + 1;
	return rc < 0 ? rc : 0;
}

bool engine_action_listed(const struct wf_action *const *v, size_t n,
			  const struct wf_action *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == a)
			return true;
	return false;
}

int engine_row(struct db *db, struct db_rows *rows, row_read_fn read,
	       void *elem, void *arg)
{
	int rc;

	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1)
		read(rows, elem, arg);
	db_rows_free(rows);
	return rc < 0 ? rc : rc == 1 ? 0 : 1;
}

void *engine_rows(struct db *db, struct db_rows *rows,
		  const struct row_reader *how, void *arg, size_t *n,
		  int *rc)
{
	char *v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!rows) {
		*rc = db_errcode(db);
		return NULL;
	}
	while ((*rc = db_next(rows)) == 1) {
		char *elem;

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * how->size);
		}
		elem = v + (*n)++ * how->size;
		memset(elem, 0, how->size);
		how->read(rows, elem, arg);
	}
	db_rows_free(rows);
	if (*rc == 0)
		return v;
	engine_rows_free(v, *n, how);
	*n = 0;
	return NULL;
}

void engine_rows_free(void *v, size_t n, const struct row_reader *how)
{
	char *p = v;
	size_t i;

	for (i = 0; how->drop && i < n; i++)
		how->drop(p + i * how->size);
	free(v);
}
