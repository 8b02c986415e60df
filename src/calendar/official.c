/* official.c: the calendar in force — shipped notices plus local ones */
#include "calendar/official.h"

#include <stdlib.h>
#include <unistd.h>

const char *calendar_shipped_path(void)
{
	const char *env = getenv("FAZHI_CALENDAR");

	return env && *env ? env : FAZHI_SOURCE_DATA_DIR
		"/calendar/holidays.tsv";
}

struct calendar *calendar_open(const char *data_dir, struct fz_err *err)
{
	struct calendar *c = calendar_new();
	char *local;
	int rc;

	if (calendar_load(c, calendar_shipped_path(), err)) {
		calendar_free(c);
		return NULL;
	}
	if (!data_dir)
		return c;
	local = xasprintf("%s/calendar.tsv", data_dir);
	rc = access(local, F_OK) == 0 ? calendar_load(c, local, err) : 0;
	free(local);
	if (rc) {
		calendar_free(c);
		return NULL;
	}
	return c;
}
