/* official.c: the calendar in force — shipped notices plus local ones */
#include "calendar/official.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A replaced calendar, kept until the process is done with it. */
struct cal_retired {
	struct calendar *cal;
	struct cal_retired *next;
};

const char *calendar_shipped_path(void)
{
	const char *env = getenv("FAZHI_CALENDAR");

	return env && *env ? env : FAZHI_SOURCE_DATA_DIR
		"/calendar/holidays.tsv";
}

static char *local_path(const char *data_dir)
{
	return xasprintf("%s/calendar.tsv", data_dir);
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
	local = local_path(data_dir);
	rc = access(local, F_OK) == 0 ? calendar_load(c, local, err) : 0;
	free(local);
	if (rc) {
		calendar_free(c);
		return NULL;
	}
	return c;
}

/* ---- stamps ---- */

static void stamp_file(const char *path, struct cal_file_stamp *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st))
		return;
	out->present = true;
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	out->size = (int64_t)st.st_size;
	out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
			st.st_mtim.tv_nsec;
}

void calendar_stamp(const char *data_dir, struct cal_stamp *out)
{
	stamp_file(calendar_shipped_path(), &out->shipped);
	if (data_dir) {
		char *local = local_path(data_dir);

		stamp_file(local, &out->local);
		free(local);
	} else {
		memset(&out->local, 0, sizeof(out->local));
	}
}

static bool file_stamp_equal(const struct cal_file_stamp *a,
			     const struct cal_file_stamp *b)
{
	return a->present == b->present && a->dev == b->dev &&
	       a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns;
}

bool cal_stamp_equal(const struct cal_stamp *a, const struct cal_stamp *b)
{
	return file_stamp_equal(&a->shipped, &b->shipped) &&
	       file_stamp_equal(&a->local, &b->local);
}

/* ---- the live calendar ---- */

int cal_live_init(struct cal_live *l, const char *data_dir,
		  struct fz_err *err)
{
	struct calendar *c;

	memset(l, 0, sizeof(*l));
	/* Stamp first: a change made while the files are read then shows
	 * at the next look, at the cost of one reload too many. */
	calendar_stamp(data_dir, &l->stamp);
	c = calendar_open(data_dir, err);
	if (!c)
		return FZ_ERR;
	l->data_dir = data_dir ? xstrdup(data_dir) : NULL;
	atomic_init(&l->cur, c);
	return FZ_OK;
}

const struct calendar *cal_live_get(const struct cal_live *l)
{
	/* Pairs with the release store in cal_live_reload(): whoever sees
	 * the new pointer sees the calendar it points to fully built. */
	return atomic_load_explicit(&l->cur, memory_order_acquire);
}

/* Keep `c` for good.  Readers take the pointer without any handshake,
 * so there is no moment at which a replaced calendar is known to be
 * unused short of the process stopping.  That is affordable: a calendar
 * of twenty years of notices is under 80 KiB, and one is retired only
 * when the files change to different entries — a new notice a year and
 * the odd correction — so a server running for years keeps well under
 * a megabyte of them. */
static void retire(struct cal_live *l, struct calendar *c)
{
	struct cal_retired *r = xmalloc(sizeof(*r));

	r->cal = c;
	r->next = l->retired;
	l->retired = r;
	l->nretired++;
}

int cal_live_reload(struct cal_live *l, struct fz_err *err)
{
	struct calendar *old = atomic_load_explicit(&l->cur,
						    memory_order_relaxed);
	struct calendar *c;
	struct cal_stamp now;

	calendar_stamp(l->data_dir, &now);
	if (cal_stamp_equal(&now, &l->stamp) ||
	    (l->has_failed && cal_stamp_equal(&now, &l->failed)))
		return 0;
	c = calendar_open(l->data_dir, err);
	if (!c) {
		l->failed = now;
		l->has_failed = true;
		return FZ_ERR;
	}
	l->stamp = now;
	l->has_failed = false;
	if (calendar_equal(c, old)) {
		/* Never published: nobody else can hold it. */
		calendar_free(c);
		return 0;
	}
	atomic_store_explicit(&l->cur, c, memory_order_release);
	retire(l, old);
	return 1;
}

void cal_live_free(struct cal_live *l)
{
	struct cal_retired *r, *next;

	calendar_free(atomic_load_explicit(&l->cur, memory_order_relaxed));
	atomic_store_explicit(&l->cur, NULL, memory_order_relaxed);
	for (r = l->retired; r; r = next) {
		next = r->next;
		calendar_free(r->cal);
		free(r);
	}
	l->retired = NULL;
	l->nretired = 0;
	free(l->data_dir);
	l->data_dir = NULL;
}
