/* clock.c: the one source of "now", with a test offset in test builds */
#include "core/clock.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CST_OFFSET (8 * 3600)

#ifdef FAZHI_TEST_HOOKS
#include <pthread.h>
#include <stdatomic.h>

static _Atomic int64_t test_offset;
static _Atomic int64_t test_mtime_ns = -1;

/* Re-read the offset file when its mtime changes; cheap enough for the
 * test builds it exists in. */
static int64_t test_clock_offset(void)
{
	const char *path = getenv("FAZHI_TEST_CLOCK_FILE");
	struct stat st;
	int64_t ns, off;
	char tmp[64];
	FILE *f;

	if (!path || stat(path, &st))
		return 0;
	ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec +
	     (int64_t)st.st_size;
	if (ns == atomic_load(&test_mtime_ns))
		return atomic_load(&test_offset);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(tmp, sizeof(tmp), f)) {
		tmp[strcspn(tmp, "\r\n ")] = '\0';
		if (!parse_int64(tmp, -(INT64_C(1) << 40), INT64_C(1) << 40,
				 &off))
			atomic_store(&test_offset, off);
	}
	fclose(f);
	atomic_store(&test_mtime_ns, ns);
	return atomic_load(&test_offset);
}
#else
static int64_t test_clock_offset(void) { return 0; }
#endif

int64_t clock_now(void)
{
	return (int64_t)time(NULL) + test_clock_offset();
}

int64_t clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	       test_clock_offset() * 1000;
}

int64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void clock_iso_utc(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void clock_local_minute(int64_t t, char out[17])
{
	time_t tt = (time_t)(t + CST_OFFSET);
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

int clock_parse_local(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t len = strlen(s);

	/* sscanf alone would take "2026- 1-01" or "+1": check the shape. */
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	for (i = 0; i < len && i < sizeof(shape) - 1; i++) {
		bool digit = s[i] >= '0' && s[i] <= '9';

		if (shape[i] == 'd' ? !digit :
		    shape[i] == 'T' ? (s[i] != 'T' && s[i] != ' ')
				    : s[i] != shape[i])
			return FZ_ERR;
	}
	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 ||
		    n != 10)
			return FZ_ERR;
	} else if (len == 16 || len == 19) {
		if (sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d%n", &y, &mo, &d, &h,
			   &mi, &n) != 5 || n != 16)
			return FZ_ERR;
		if (len == 19 && (s[16] != ':' ||
				  sscanf(s + 17, "%2d", &sec) != 1))
			return FZ_ERR;
	} else {
		return FZ_ERR;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 59 || y < 1970 || y > 9999)
		return FZ_ERR;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = (int64_t)timegm(&tm) - CST_OFFSET;
	/* timegm normalises 2022-02-30 to March: refuse such dates. */
	{
		time_t back = (time_t)(*out + CST_OFFSET);
		struct tm chk;

		gmtime_r(&back, &chk);
		if (chk.tm_mday != d || chk.tm_mon != mo - 1)
			return FZ_ERR;
	}
	return FZ_OK;
}

int64_t clock_year_start(int year)
{
	char s[24];
	int64_t t = 0;

	if (year < 0 || year > 9999 || snprintf(s, sizeof(s), "%04d-01-01",
						 year) != 10 ||
	    clock_parse_local(s, &t))
		t = 0;
	return t;
}
