/* clock.h: the one source of "now" for the whole server
 *
 * Production builds read the system clock.  Builds configured with
 * FAZHI_TEST_HOOKS honour $FAZHI_TEST_CLOCK_FILE: a file holding a signed
 * offset in seconds that is added to the system time, re-read when it
 * changes, so tests can move a running server through days without
 * sleeping.  Release builds ignore the variable entirely.
 */
#ifndef FZ_CLOCK_H
#define FZ_CLOCK_H

#include <stdint.h>

/* Seconds since the epoch (UTC). */
int64_t clock_now(void);
/* Milliseconds since the epoch (UTC). */
int64_t clock_now_ms(void);
/* Monotonic nanoseconds, for measuring durations (never offset). */
int64_t clock_mono_ns(void);
/* Format as "2026-11-26T23:01:42Z" (UTC); `out` holds at least 21 bytes. */
void clock_iso_utc(int64_t t, char out[21]);
/* Format as "2026-11-27 07:01" in China Standard Time (UTC+8, no DST),
 * for display; `out` holds at least 17 bytes. */
void clock_local_minute(int64_t t, char out[17]);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]" as China Standard Time;
 * 0 on success. */
int clock_parse_local(const char *s, int64_t *out);
/* Unix seconds of 00:00 China Standard Time on 1 January of `year`; 0
 * when the year cannot be written as YYYY.  Records count in the year
 * of [clock_year_start(y), clock_year_start(y + 1)). */
int64_t clock_year_start(int year);

#endif
