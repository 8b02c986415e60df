/* slow_sync.c: an LD_PRELOAD shim that makes fsync() and fdatasync() take
 * at least BENCH_SYNC_US microseconds — a disk whose flush costs what a
 * server's disk costs, on a machine whose virtual disk returns at once.
 *
 * bench/intake/run.sh loads it into both sides (fazhi serve and
 * sqlite_commits) when BENCH_SYNC_US is set, so the ratio it prints is
 * measured against the same disk.  The real call is made first: nothing
 * becomes less durable, only slower.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long delay_us(void)
{
	static long us = -1;

	if (us < 0) {
		const char *s = getenv("BENCH_SYNC_US");

		us = s ? strtol(s, NULL, 10) : 0;
		if (us < 0)
			us = 0;
	}
	return us;
}

static void pause_for_disk(void)
{
	long us = delay_us();
	struct timespec t = { us / 1000000, (us % 1000000) * 1000 };

	if (us)
		nanosleep(&t, NULL);
}

int fsync(int fd)
{
	static int (*real)(int);
	int rc;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "fsync");
	rc = real(fd);
	pause_for_disk();
	return rc;
}

int fdatasync(int fd)
{
	static int (*real)(int);
	int rc;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "fdatasync");
	rc = real(fd);
	pause_for_disk();
	return rc;
}
