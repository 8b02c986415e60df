/* portal_visits.c: 访问次数 — views counted in memory, stored in batches
 *
 * The table maps an item id to a slot holding an atomic counter of the
 * views not yet stored.  Slots are allocated one by one and never move or
 * go away while the set lives, so a slot found under the read lock stays
 * usable after it is released: a view takes the read lock for the lookup
 * and then only does an atomic add.  The write lock is taken only to add
 * the slot of an item viewed for the first time since the start.
 *
 * A flush takes a snapshot of the counters (each slot's `taken`), writes
 * those amounts, and subtracts them from the counters only after the
 * commit: views that arrive meanwhile stay counted, and a failed flush
 * loses nothing.  One flush runs at a time (`busy`), so `taken` and the
 * batch belong to whoever set `busy`, even across threads (the group
 * commit runs the writes on its own thread).
 *
 * A page kept in memory (portal_item.c) shows the row's count as read
 * then, plus what this process stored of the item since (`stored`, added
 * before `pending` drops, so the sum never lags), plus what is pending.
 * That holds only if the row was read while no flush was under way:
 * `seq` turns odd when a flush begins and even when it has ended.
 */
#include "portal/portal_visits.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/util.h"
#include "http/http.h"
#include "http/server.h"
#include "store/group.h"
#include "store/store.h"

#define TABLE_MIN 1024            /* slots; a power of two */
#define UA_MAX 512                /* bytes of a User-Agent looked at */

struct slot {
	int64_t id;
	atomic_llong pending;     /* views not yet stored */
	atomic_llong stored;      /* views this process stored, in all */
	int64_t taken;            /* in the flush under way (flush owner) */
};

struct visits {
	pthread_rwlock_t lock;    /* the table, not the counters */
	struct slot **tab;
	size_t cap;               /* a power of two */
	size_t n;
	atomic_llong unsaved;     /* sum of the counters */
	atomic_ullong seq;        /* odd while a flush is under way */

	pthread_mutex_t flock;    /* the fields below */
	pthread_cond_t fidle;
	bool busy;                /* a flush is under way */
	unsigned long ended;      /* flushes finished so far */
	int last;                 /* outcome of the last one */
	/* The flush owner's: the slots it took, and its group commit job. */
	struct slot **batch;
	size_t nbatch, batch_cap;
	struct gc_job job;
};

/* ---- the table ---- */

static size_t slot_hash(int64_t id, size_t cap)
{
	/* Fibonacci hashing: ids are small consecutive integers. */
	uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);

	return (size_t)(h >> 32) & (cap - 1);
}

/* The slot of `id`, or NULL; under either lock. */
static struct slot *find(const struct visits *v, int64_t id)
{
	size_t i = slot_hash(id, v->cap);

	while (v->tab[i]) {
		if (v->tab[i]->id == id)
			return v->tab[i];
		i = (i + 1) & (v->cap - 1);
	}
	return NULL;
}

/* The slot of `id`, or NULL; takes the read lock.  A slot once made
 * stays put until visits_free(), so it may be used after unlocking. */
static struct slot *find_shared(struct visits *v, int64_t id)
{
	struct slot *s;

	pthread_rwlock_rdlock(&v->lock);
	s = find(v, id);
	pthread_rwlock_unlock(&v->lock);
	return s;
}

static void place(struct slot **tab, size_t cap, struct slot *s)
{
	size_t i = slot_hash(s->id, cap);

	while (tab[i])
		i = (i + 1) & (cap - 1);
	tab[i] = s;
}

/* Under the write lock: keep the load under one half. */
static void grow(struct visits *v)
{
	size_t cap = v->cap * 2, i;
	struct slot **tab = xcalloc(cap, sizeof(*tab));

	for (i = 0; i < v->cap; i++)
		if (v->tab[i])
			place(tab, cap, v->tab[i]);
	free(v->tab);
	v->tab = tab;
	v->cap = cap;
}

/* The slot of `id`, made on first sight. */
static struct slot *slot_get(struct visits *v, int64_t id)
{
	struct slot *s = find_shared(v, id);

	if (s)
		return s;
	pthread_rwlock_wrlock(&v->lock);
	s = find(v, id);
	if (!s) {
		if (2 * (v->n + 1) > v->cap)
			grow(v);
		s = xcalloc(1, sizeof(*s));
		s->id = id;
		atomic_init(&s->pending, 0);
		atomic_init(&s->stored, 0);
		place(v->tab, v->cap, s);
		v->n++;
	}
	pthread_rwlock_unlock(&v->lock);
	return s;
}

struct visits *visits_new(void)
{
	struct visits *v = xcalloc(1, sizeof(*v));

	pthread_rwlock_init(&v->lock, NULL);
	pthread_mutex_init(&v->flock, NULL);
	pthread_cond_init(&v->fidle, NULL);
	v->cap = TABLE_MIN;
	v->tab = xcalloc(v->cap, sizeof(*v->tab));
	atomic_init(&v->unsaved, 0);
	atomic_init(&v->seq, 0);
	return v;
}

void visits_free(struct visits *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->cap; i++)
		free(v->tab[i]);
	free(v->tab);
	free(v->batch);
	pthread_rwlock_destroy(&v->lock);
	pthread_mutex_destroy(&v->flock);
	pthread_cond_destroy(&v->fidle);
	free(v);
}

/* Count a view of slot `s`: its pending views, this one included. */
static int64_t slot_count(struct visits *v, struct slot *s)
{
	atomic_fetch_add(&v->unsaved, 1);
	return (int64_t)atomic_fetch_add(&s->pending, 1) + 1;
}

int64_t visits_add(struct visits *v, int64_t id)
{
	return slot_count(v, slot_get(v, id));
}

int64_t visits_pending(struct visits *v, int64_t id)
{
	struct slot *s = find_shared(v, id);

	return s ? (int64_t)atomic_load(&s->pending) : 0;
}

int64_t visits_unsaved(struct visits *v)
{
	return (int64_t)atomic_load(&v->unsaved);
}

uint64_t visits_seq(struct visits *v)
{
	return (uint64_t)atomic_load(&v->seq);
}

int64_t visits_stored(struct visits *v, int64_t id)
{
	struct slot *s = find_shared(v, id);

	return s ? (int64_t)atomic_load(&s->stored) : 0;
}

int64_t visits_since(struct visits *v, int64_t id, int64_t base, bool count)
{
	struct slot *s;
	int64_t pending;

	if (count) {
		s = slot_get(v, id);
		pending = slot_count(v, s);
	} else {
		s = find_shared(v, id);
		if (!s)
			return base;
		pending = (int64_t)atomic_load(&s->pending);
	}
	/* pending first: a flush adds to `stored` before it takes from
	 * `pending`, so the sum can run ahead for an instant, never lag. */
	return base + (int64_t)atomic_load(&s->stored) + pending;
}

/* ---- flushing ---- */

/* Become the flush owner; without `wait`, false when one is under way. */
static bool flush_begin(struct visits *v, bool wait)
{
	bool mine = false;

	pthread_mutex_lock(&v->flock);
	while (v->busy && wait)
		pthread_cond_wait(&v->fidle, &v->flock);
	if (!v->busy) {
		v->busy = true;
		atomic_fetch_add(&v->seq, 1);
		mine = true;
	}
	pthread_mutex_unlock(&v->flock);
	return mine;
}

static void flush_end(struct visits *v, int outcome)
{
	pthread_mutex_lock(&v->flock);
	v->busy = false;
	atomic_fetch_add(&v->seq, 1);
	v->last = outcome;
	v->ended++;
	pthread_cond_broadcast(&v->fidle);
	pthread_mutex_unlock(&v->flock);
}

/* Snapshot the counters into the batch (flush owner). */
static void take(struct visits *v)
{
	size_t i;

	v->nbatch = 0;
	pthread_rwlock_rdlock(&v->lock);
	for (i = 0; i < v->cap; i++) {
		struct slot *s = v->tab[i];
		long long p = s ? atomic_load(&s->pending) : 0;

		if (p <= 0)
			continue;
		if (v->nbatch == v->batch_cap) {
			v->batch_cap = v->batch_cap ? 2 * v->batch_cap : 64;
			v->batch = xrealloc(v->batch, v->batch_cap *
					    sizeof(*v->batch));
		}
		s->taken = p;
		v->batch[v->nbatch++] = s;
	}
	pthread_rwlock_unlock(&v->lock);
}

/* One UPDATE per item in the batch; the number of items or a DB_E*. */
static int write_batch(struct visits *v, struct db *db)
{
	size_t i;

	for (i = 0; i < v->nbatch; i++) {
		int rc = db_exec(db, "UPDATE publications SET visits = "
				 "visits + ? WHERE id = ?", "ii",
				 v->batch[i]->taken, v->batch[i]->id);

		if (rc < 0)
			return rc;
	}
	return (int)v->nbatch;
}

/* After the outcome is known: drop what is now stored. */
static void settle(struct visits *v, bool stored)
{
	size_t i;

	for (i = 0; i < v->nbatch; i++) {
		struct slot *s = v->batch[i];

		if (stored) {
			atomic_fetch_add(&s->stored, s->taken);
			atomic_fetch_sub(&s->pending, s->taken);
			atomic_fetch_sub(&v->unsaved, s->taken);
		}
		s->taken = 0;
	}
	v->nbatch = 0;
}

int visits_flush(struct visits *v, struct db *db)
{
	int rc, n;

	flush_begin(v, true);
	take(v);
	if (!v->nbatch) {
		flush_end(v, 0);
		return 0;
	}
	rc = db_begin(db);
	n = rc < 0 ? rc : write_batch(v, db);
	if (n >= 0) {
		rc = db_commit(db);
		if (rc < 0)
			n = rc;
	}
	if (n < 0 && db_in_tx(db))
		db_rollback(db);
	settle(v, n >= 0);
	flush_end(v, n);
	return n;
}

/* The group commit job: the writes on the writer's thread, inside its
 * transaction; then the outcome. */
static int job_run(struct db *db, void *arg)
{
	struct visits *v = arg;
	int n;

	take(v);
	n = write_batch(v, db);
	return n < 0 ? n : 0;
}

static void job_done(void *arg, int rc)
{
	struct visits *v = arg;
	int n = rc < 0 ? rc : (int)v->nbatch;

	if (rc < 0)
		warn("visit counts not stored (%d); kept for the next try",
		     rc);
	settle(v, rc >= 0);
	flush_end(v, n);
}

/* Hand the flush (already owned) to the group commit. */
static void submit(struct visits *v, struct group_commit *g)
{
	v->job.run = job_run;
	v->job.done = job_done;
	v->job.arg = v;
	gc_submit(g, &v->job);
}

int visits_flush_gc(struct visits *v, struct group_commit *g)
{
	unsigned long mine;
	int rc;

	flush_begin(v, true);
	pthread_mutex_lock(&v->flock);
	mine = v->ended;
	pthread_mutex_unlock(&v->flock);
	submit(v, g);
	pthread_mutex_lock(&v->flock);
	while (v->ended == mine)
		pthread_cond_wait(&v->fidle, &v->flock);
	rc = v->last;
	pthread_mutex_unlock(&v->flock);
	return rc;
}

/* ---- who counts ---- */

bool visits_is_robot(const char *ua)
{
	static const char *const marks[] = {
		"bot", "spider", "crawl", "slurp", "curl", "wget",
		"python-requests", "python-urllib", "go-http-client",
		"libwww", "okhttp", "httpclient", "scrapy", "java/",
		"undici", "node-fetch", "axios/",
	};
	char low[UA_MAX + 1];
	size_t i, n;

	/* No User-Agent, or Node's own ("node"): a script. */
	if (!ua || !*ua || str_eq(ua, "node"))
		return true;
	n = strlen(ua);
	if (n > UA_MAX)
		n = UA_MAX;
	for (i = 0; i < n; i++)
		low[i] = (ua[i] >= 'A' && ua[i] <= 'Z') ?
			 (char)(ua[i] - 'A' + 'a') : ua[i];
	low[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(marks); i++)
		if (strstr(low, marks[i]))
			return true;
	return false;
}

/* A prefetch or a link preview, not a person reading. */
static bool prefetch(struct req *r)
{
	static const char *const names[] = {
		"Purpose", "Sec-Purpose", "X-Purpose", "X-Moz",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const char *h = req_header(r, names[i]);

		if (h && (strstr(h, "prefetch") || strstr(h, "preview")))
			return true;
	}
	return false;
}

/* Whether the page was reached through one of its own links (font size,
 * 简/繁, print view): that is the same reader, not another view. */
static bool from_itself(struct req *r)
{
	const char *ref = req_header(r, "Referer");
	const char *host = req_header(r, "Host");
	const char *p, *path;
	size_t hl, pl;

	if (!ref || !host || !(p = strstr(ref, "://")))
		return false;
	p += 3;
	hl = strlen(host);
	if (strncmp(p, host, hl) != 0 || (p[hl] != '/' && p[hl] != '\0'))
		return false;
	path = p + hl;
	pl = strcspn(path, "?#");
	return pl == strlen(r->path) && strncmp(path, r->path, pl) == 0;
}

bool visits_countable(struct req *r)
{
	return r->method != HM_HEAD &&
	       !visits_is_robot(req_header(r, "User-Agent")) &&
	       !prefetch(r) && !from_itself(r);
}

/* ---- the server's set ---- */

static struct visits *server_set;
static pthread_once_t server_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

static void worker_exit(void *arg);

static void server_init(void)
{
	server_set = visits_new();
	pthread_key_create(&exit_key, worker_exit);
}

struct visits *visits_server(void)
{
	pthread_once(&server_once, server_init);
	return server_set;
}

int64_t visits_view(struct req *r, int64_t id, int64_t stored)
{
	struct visits *v = visits_server();

	if (visits_countable(r))
		return stored + visits_add(v, id);
	return stored + visits_pending(v, id);
}

int64_t visits_view_since(struct req *r, int64_t id, int64_t base,
			  bool count)
{
	return visits_since(visits_server(), id, base,
			    count && visits_countable(r));
}

/* Worker 0's timer: hand what gathered to the group commit, unless the
 * last batch is still on its way (it then goes with the next tick). */
static void tick(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct visits *v = visits_server();
	struct timeval next = { VISITS_FLUSH_MS / 1000,
				(VISITS_FLUSH_MS % 1000) * 1000 };

	if (atomic_load(&w->srv->stopping))
		return;
	if (visits_unsaved(v) > 0) {
		if (!w->srv->gc)
			visits_flush(v, w->db);
		else if (flush_begin(v, false))
			submit(v, w->srv->gc);
	}
	event_base_once(w->base, -1, EV_TIMEOUT, tick, w, &next);
}

/* A worker thread ends (its loop stopped, it serves no more): store
 * what is pending.  The last worker to end stores the views of all. */
static void worker_exit(void *arg)
{
	struct worker *w = arg;
	struct visits *v = visits_server();
	int rc;

	if (visits_unsaved(v) <= 0)
		return;
	rc = w->srv->gc ? visits_flush_gc(v, w->srv->gc)
			: visits_flush(v, w->db);
	if (rc < 0)
		error("visit counts not stored at stop: %s",
		      w->srv->gc ? "group commit failed" : db_errmsg(w->db));
}

void visits_worker_start(struct worker *w)
{
	struct timeval first = { VISITS_FLUSH_MS / 1000,
				 (VISITS_FLUSH_MS % 1000) * 1000 };

	visits_server();
	pthread_setspecific(exit_key, w);
	if (w->index == 0)
		event_base_once(w->base, -1, EV_TIMEOUT, tick, w, &first);
}
