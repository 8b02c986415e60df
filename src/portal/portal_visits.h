/* portal_visits.h: 访问次数 — views counted in memory, stored in batches
 *
 * A view of a portal item must not cost a database write: under load that
 * would serialise every page view on the write lock.  Views are counted in
 * memory instead, one atomic counter per item in a hash shared by the
 * worker threads, and one writer stores what has gathered every
 * VISITS_FLUSH_MS, as one transaction of the group commit (an UPDATE per
 * item that was viewed, whatever the number of views), and once more when
 * the server stops.  The page shows the stored count plus the views not
 * yet stored, so it is current without a write.
 *
 * What a crash can lose: the views counted since the last flush that
 * committed, i.e. at most VISITS_FLUSH_MS of views (plus those of a flush
 * still in flight when the process died).  A clean stop (SIGTERM) loses
 * none: each worker thread, as it ends, hands what is pending to the
 * writer, which commits it before the server exits.
 *
 * The shown count can run ahead of the true one by the views of one batch
 * for the instant between a flush's commit and the moment their counters
 * drop (a few atomic subtractions right after the commit): the stored
 * count already has them, the pending one still does.  It never lags.
 *
 * Robots are not counted: requests whose User-Agent is missing or names a
 * crawler or a script (bot, spider, crawl, slurp, curl, wget,
 * python-requests, …), HEAD requests, and prefetches (Purpose,
 * Sec-Purpose, X-Purpose or X-Moz saying prefetch or preview).
 */
#ifndef FZ_PORTAL_VISITS_H
#define FZ_PORTAL_VISITS_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct group_commit;
struct req;
struct worker;

#define VISITS_FLUSH_MS 2000

struct visits;

/* A counter set (the server's is visits_server()); never fails. */
struct visits *visits_new(void);
/* Free a set nothing uses any more; pending views are dropped. */
void visits_free(struct visits *v);

/* Count one view of item `id`; returns the views of `id` not yet stored,
 * this one included.  Any thread; lock-free once the item was seen. */
int64_t visits_add(struct visits *v, int64_t id);
/* The views of `id` counted but not yet stored. */
int64_t visits_pending(struct visits *v, int64_t id);
/* Views of all items not yet stored (for tests and the flush timer). */
int64_t visits_unsaved(struct visits *v);

/*
 * For a page kept in memory: the count it shows is the row's `visits` as
 * read then, less visits_stored() then (its `base`), plus visits_stored()
 * and the pending views now.  visits_seq() is odd while a flush is under
 * way and changes with each; a row read between two equal even readings
 * agrees with visits_stored() read in between, any other may not.
 */
uint64_t visits_seq(struct visits *v);
/* The views of `id` this process has stored since it started. */
int64_t visits_stored(struct visits *v, int64_t id);
/* base + visits_stored() + the pending views of `id`, after counting one
 * more when `count`.  With a base taken as above, never less than the
 * true count. */
int64_t visits_since(struct visits *v, int64_t id, int64_t base, bool count);

/* Store what is pending in one transaction of its own on `db` (which
 * must have none open).  Returns the number of items written, or a
 * DB_E* code with nothing stored and nothing lost: the views stay
 * pending for the next flush.  One flush runs at a time; a caller
 * waits for one in flight. */
int visits_flush(struct visits *v, struct db *db);
/* The same through the group commit `g`, waiting for its outcome. */
int visits_flush_gc(struct visits *v, struct group_commit *g);

/* Whether a User-Agent names a robot or a script (or is missing). */
bool visits_is_robot(const char *user_agent);
/* Whether this request is a person's view worth counting. */
bool visits_countable(struct req *r);

/* The process-wide set the server counts in. */
struct visits *visits_server(void);
/*
 * Count a view of item `id` by request `r` when visits_countable(r) and
 * return the count to show: `stored` (the row's visits) plus what is
 * pending.
 */
int64_t visits_view(struct req *r, int64_t id, int64_t stored);

/* visits_since() on the server's set, counting a view when `count` and
 * visits_countable(r). */
int64_t visits_view_since(struct req *r, int64_t id, int64_t base,
			  bool count);

/*
 * The server's hook, called by each worker thread before its event loop
 * runs: worker 0 stores the pending views every VISITS_FLUSH_MS through
 * the group commit, and every worker, as its thread ends, stores what is
 * still pending (the group commit is stopped only after all workers
 * ended, so nothing counted before the stop is lost).
 */
void visits_worker_start(struct worker *w);

#endif
