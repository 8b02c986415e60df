/* fuzz_gireport.c: libFuzzer target for the frozen copy of a published
 * annual report (gi_report_from_json) and its renderings */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "core/buf.h"
#include "ogi/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A copy that was accepted reads back as the same copy once written
 * again, and renders without fault whatever its figures say. */
static void check_accepted(const struct gi_report *r)
{
	struct gi_report again;
	struct buf b = BUF_INIT;
	json_t *j = gi_report_json(r), *k;

	if (!j || gi_report_from_json(j, &again))
		abort();
	k = gi_report_json(&again);
	if (!k || !json_equal(j, k))
		abort();
	json_decref(k);
	json_decref(j);
	gi_report_free(&again);
	gi_report_check(r, &b);
	buf_reset(&b);
	gi_report_text(r, &b);
	buf_reset(&b);
	gi_report_html(r, false, &b);
	buf_reset(&b);
	gi_report_tables_html(r, &b);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES
			       | JSON_DISABLE_EOF_CHECK, NULL);
	struct gi_report r;

	if (!j)
		return 0;
	if (gi_report_from_json(j, &r) == 0) {
		check_accepted(&r);
		gi_report_free(&r);
	}
	json_decref(j);
	return 0;
}
