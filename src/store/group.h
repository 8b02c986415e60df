/* group.h: group commit — one writer commits the writes of many requests
 *
 * A durable commit costs an fsync; doing one per request caps the write
 * rate at the disk's sync rate.  Here requests hand their writes to one
 * writer thread as jobs; it runs every queued job inside one transaction,
 * each in a savepoint of its own (a failing job is undone alone), commits
 * once, and only then reports each job's outcome.  So every caller is
 * still answered only after its own write is durable, but many writes
 * share one fsync.
 *
 * Jobs run on the writer's own connection and thread: a job may use only
 * the `db` it is given and data it owns.
 */
#ifndef FZ_GROUP_H
#define FZ_GROUP_H

#include <stddef.h>

struct db;
struct group_commit;

struct gc_job {
	/* The writes, on the writer's connection inside its transaction;
	 * < 0 fails this job alone. */
	int (*run)(struct db *db, void *arg);
	/* Called on the writer thread after the commit (or the failure),
	 * with run()'s result, or the commit's failure code. */
	void (*done)(void *arg, int rc);
	void *arg;
	int rc;                   /* private */
	struct gc_job *next;      /* private */
};

/* Start the writer on its own connection to `url`; at most `max_batch`
 * jobs share a transaction.  NULL and a message on failure. */
struct group_commit *gc_start(const char *url, int max_batch, char *err,
			      size_t errlen);
/* Queue a job; it is the caller's until done() is called. */
void gc_submit(struct group_commit *g, struct gc_job *job);
/* Run what is queued, then stop the writer and free it. */
void gc_stop(struct group_commit *g);
/* Transactions committed so far (for tests and metrics). */
long gc_commits(struct group_commit *g);
/* Jobs those transactions carried (their ratio is the mean batch). */
long gc_jobs(struct group_commit *g);

#endif
