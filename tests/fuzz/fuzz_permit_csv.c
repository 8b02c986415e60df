/* fuzz_permit_csv.c: libFuzzer target for the permits register's CSV
 * reader and the row checks behind it */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar.h"
#include "core/utf8.h"
#include "permit/permit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the reader promises of every sheet it accepts. */
static void check_table(const struct permit_table *t)
{
	size_t i, k;
	int last = 0;

	if (t->n > PERMIT_ROWS_MAX + 1)
		abort();
	for (i = 0; i < t->n; i++) {
		const struct permit_row *r = &t->rows[i];
		bool blank = true;

		if (r->line <= last || !r->n || r->n > PERMIT_COLS_MAX)
			abort();
		last = r->line;
		for (k = 0; k < r->n; k++) {
			size_t n = strlen(r->cells[k]);

			if (n > PERMIT_CELL_MAX || r->serial[k] ||
			    !utf8_valid(r->cells[k], n))
				abort();
			if (r->cells[k][strspn(r->cells[k], " \t\r\n")])
				blank = false;
		}
		if (blank)
			abort();
	}
}

/* Whatever the rows, the report holds together and every record read is
 * complete. */
static void check_batch(const struct permit_batch *b)
{
	size_t i, errors = 0, warnings = 0;

	for (i = 0; i < b->rep.n; i++) {
		if (!b->rep.v[i].msg ||
		    !utf8_valid(b->rep.v[i].msg, strlen(b->rep.v[i].msg)))
			abort();
		if (b->rep.v[i].warning)
			warnings++;
		else
			errors++;
	}
	if (errors > b->rep.errors || warnings > b->rep.warnings ||
	    b->n > b->rep.rows || b->rep.stored)
		abort();
	for (i = 0; i < b->n; i++) {
		const struct permit *p = &b->v[i];

		if (!p->item || !*p->item || !p->decision_no ||
		    !*p->decision_no || !p->holder || !p->decided_on ||
		    strlen(p->decided_on) != 10 || !p->authority ||
		    !p->holder_code || p->file)
			abort();
		if (p->holder_kind == PERMIT_ORG &&
		    !uscc_valid(p->holder_code, NULL))
			abort();
		if (p->holder_kind == PERMIT_PERSON && *p->holder_code)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct permit_table t;
	struct permit_batch b;
	struct fz_err err = { 0 };
	cal_day today = 0;

	if (permit_csv_parse(data, size, &t, &err)) {
		if (err.status != 400 || strcmp(err.code, "bad_csv") || t.n ||
		    !utf8_valid(err.msg, strlen(err.msg)))
			abort();
		return 0;
	}
	check_table(&t);
	cal_parse("2026-06-30", &today);
	permit_batch_init(&b, "fuzz.csv");
	permit_batch_read(&b, &t, today, NULL, NULL);
	check_batch(&b);
	permit_batch_release(&b);
	permit_table_release(&t);
	return 0;
}
