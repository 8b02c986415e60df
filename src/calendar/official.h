/* official.h: the calendar in force — the shipped notices plus any an
 * installation imported later */
#ifndef FZ_OFFICIAL_H
#define FZ_OFFICIAL_H

#include "calendar/calendar.h"

/* The shipped file (data/calendar/holidays.tsv of the source tree unless
 * $FAZHI_CALENDAR names another). */
const char *calendar_shipped_path(void);
/* Load the shipped file and, when data_dir is not NULL and it exists,
 * DATA_DIR/calendar.tsv on top.  NULL with err filled on failure. */
struct calendar *calendar_open(const char *data_dir, struct fz_err *err);

#endif
