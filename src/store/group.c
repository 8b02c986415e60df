/* group.c: group commit — one writer commits the writes of many requests */
#include "store/group.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/util.h"
#include "store/store.h"

#define BUSY_RETRIES 50

struct group_commit {
	struct db *db;
	int max_batch;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct gc_job *head, *tail;
	bool stopping;
	atomic_long commits;
	atomic_long jobs;           /* jobs in those commits */
};

/* Take up to max_batch queued jobs, waiting for one; NULL when stopping
 * with nothing left. */
static struct gc_job *take_batch(struct group_commit *g)
{
	struct gc_job *batch, *last;
	int n = 1;

	pthread_mutex_lock(&g->lock);
	while (!g->head && !g->stopping)
		pthread_cond_wait(&g->wake, &g->lock);
	batch = g->head;
	if (batch) {
		for (last = batch; last->next && n < g->max_batch; n++)
			last = last->next;
		g->head = last->next;
		if (!g->head)
			g->tail = NULL;
		last->next = NULL;
	}
	pthread_mutex_unlock(&g->lock);
	return batch;
}

static int begin(struct group_commit *g)
{
	struct timespec pause = { 0, 2000000 };
	int rc, i;

	/* Other processes (a CLI command) may hold the write lock for a
	 * moment: wait rather than fail a whole batch. */
	for (i = 0; (rc = db_begin(g->db)) == DB_EBUSY && i < BUSY_RETRIES;
	     i++)
		nanosleep(&pause, NULL);
	return rc;
}

static void run_one(struct group_commit *g, struct gc_job *j)
{
	int rc = db_savepoint(g->db);

	if (rc == 0)
		rc = j->run(g->db, j->arg);
	if (rc >= 0)
		rc = db_savepoint_release(g->db);
	if (rc < 0 && db_savepoint_rollback(g->db) < 0)
		rc = DB_ERR;
	j->rc = rc < 0 ? rc : 0;
}

static void run_batch(struct group_commit *g, struct gc_job *batch)
{
	struct gc_job *j, *next;
	long n = 0;
	int rc = begin(g);

	for (j = batch; rc == 0 && j; j = j->next, n++)
		run_one(g, j);
	if (rc == 0) {
		rc = db_commit(g->db);
		if (rc < 0) {
			db_rollback(g->db);
		} else {
			atomic_fetch_add(&g->commits, 1);
			atomic_fetch_add(&g->jobs, n);
		}
	}
	/* A failed begin or commit fails every job: nothing of theirs is
	 * durable, so none may be acknowledged. */
	for (j = batch; j; j = next) {
		next = j->next;
		j->done(j->arg, rc < 0 ? rc : j->rc);
	}
}

static void *writer(void *arg)
{
	struct group_commit *g = arg;
	struct gc_job *batch;

	while ((batch = take_batch(g)) != NULL)
		run_batch(g, batch);
	return NULL;
}

struct group_commit *gc_start(const char *url, int max_batch, char *err,
			      size_t errlen)
{
	struct group_commit *g = xcalloc(1, sizeof(*g));

	g->db = db_open(url, err, errlen);
	if (!g->db) {
		free(g);
		return NULL;
	}
	g->max_batch = max_batch > 0 ? max_batch : 256;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->wake, NULL);
	if (pthread_create(&g->thread, NULL, writer, g)) {
		snprintf(err, errlen, "cannot start the writer thread");
		db_close(g->db);
		free(g);
		return NULL;
	}
	return g;
}

void gc_submit(struct group_commit *g, struct gc_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&g->lock);
	if (g->tail)
		g->tail->next = job;
	else
		g->head = job;
	g->tail = job;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
}

void gc_stop(struct group_commit *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	db_close(g->db);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->wake);
	free(g);
}

long gc_commits(struct group_commit *g)
{
	return atomic_load(&g->commits);
}

long gc_jobs(struct group_commit *g)
{
	return atomic_load(&g->jobs);
}
