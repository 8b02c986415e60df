/* official.h: the calendar in force — the shipped notices plus any an
 * installation imported later */
#ifndef FZ_OFFICIAL_H
#define FZ_OFFICIAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "calendar/calendar.h"

/* The shipped file (data/calendar/holidays.tsv of the source tree unless
 * $FAZHI_CALENDAR names another). */
const char *calendar_shipped_path(void);
/* Load the shipped file and, when data_dir is not NULL and it exists,
 * DATA_DIR/calendar.tsv on top.  NULL with err filled on failure. */
struct calendar *calendar_open(const char *data_dir, struct fz_err *err);

/* What the files calendar_open() reads looked like at one moment: a file
 * replaced or edited changes its identity, size or modification time. */
struct cal_file_stamp {
	bool present;
	uint64_t dev, ino;
	int64_t size, mtime_ns;
};

struct cal_stamp {
	struct cal_file_stamp shipped, local;
};

/* Stamp the files calendar_open(data_dir) would read. */
void calendar_stamp(const char *data_dir, struct cal_stamp *out);
bool cal_stamp_equal(const struct cal_stamp *a, const struct cal_stamp *b);

/* ---- a calendar that can be replaced while it is in use ---- */

struct cal_retired;

/* The calendar in force for a long-running process.  Any thread may read
 * it with cal_live_get(); one thread at a time may cal_live_reload().
 * A replaced calendar is kept, unchanged, until cal_live_free(): readers
 * hold no lock and may still use the one they got. */
struct cal_live {
	struct calendar *_Atomic cur;
	char *data_dir;              /* NULL: the shipped file only */
	struct cal_stamp stamp;      /* of the files `cur` was read from */
	struct cal_stamp failed;     /* of the last files that did not load */
	bool has_failed;
	struct cal_retired *retired; /* replaced calendars, newest first */
	int nretired;
};

/* Open the calendar of `data_dir` (see calendar_open()) into `l`.
 * 0, or < 0 with err filled (then `l` holds nothing to free). */
int cal_live_init(struct cal_live *l, const char *data_dir,
		  struct fz_err *err);
/* The calendar in force: valid until cal_live_free(), however many
 * reloads come in between. */
const struct calendar *cal_live_get(const struct cal_live *l);
/* Re-read the files if their stamp changed since the last look.
 * 1: a calendar with different entries is now in force; 0: nothing to
 * do (the files are unchanged, hold the same entries, or are the same
 * broken files as last time); < 0: the files changed but do not load,
 * err says why, and the calendar in force stays. */
int cal_live_reload(struct cal_live *l, struct fz_err *err);
/* Free the calendar in force and every one it replaced.  Only once no
 * thread can still read any of them. */
void cal_live_free(struct cal_live *l);

#endif
