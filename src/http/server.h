/* server.h: the HTTP server — workers, limits, shared state
 *
 * One listening socket; N worker threads, each with its own event loop,
 * evhttp instance, database connection and OpenCC converter, all accepting
 * on that socket.  Nothing per request is global: a request's state lives
 * in its `struct req`.
 */
#ifndef FZ_SERVER_H
#define FZ_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "calendar/official.h"
#include "http/http.h"

struct keyring;
struct sm2_key;
struct static_cache;
struct metrics;
struct group_commit;

struct server_config {
	const char *listen;      /* "127.0.0.1:8080" */
	int workers;
	const char *db_url;
	const char *data_dir;
	const char *web_dir;     /* own CSS, JS, images */
	const char *vendor_dir;  /* assets copied from node_modules */
	size_t max_header_bytes;
	size_t max_body_bytes;
	int timeout_s;           /* read/write timeout per connection */
	int max_connections;     /* per worker */
	bool behind_tls;         /* a TLS proxy terminates in front */
	const char *access_log;  /* path, "-" for stdout, NULL for none */
};

struct server {
	struct server_config cfg;
	const struct route *routes;
	size_t nroutes;
	struct keyring *keyring;
	struct sm2_key *sm2;
	char sm2_key_id[17];
	struct static_cache *statics;
	struct metrics *metrics;
	struct group_commit *gc; /* the one writer of deferred requests */
	/* The official working-day calendar: read it only through
	 * server_calendar(), since worker 0 replaces it when its files
	 * change (server.c). */
	struct cal_live calendar;
	int cal_retime;          /* re-timing passes still due (worker 0) */
	int64_t cal_settle_ns;   /* the second pass not before (monotonic) */
	FILE *access_log;
	pthread_mutex_t log_lock;
	atomic_bool stopping;
};

#define CONN_SET_SIZE 4096

struct worker {
	struct server *srv;
	int index;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct db *db;
	void *opencc;            /* opencc_t, created on first use */
	void *opencc_hans;       /* the other way, for what visitors type */
	atomic_int open_conns;
	atomic_int inflight;     /* requests whose reply is not yet sent */
	int64_t stop_started_ns;
	uint32_t id_tag;         /* random, for request ids (request.c) */
	uint32_t id_next;
	/* Connections seen, to count each once (see server.c). */
	struct evhttp_connection *conns[CONN_SET_SIZE];
	pthread_t thread;
};

/* Run until SIGTERM or SIGINT; returns 0 after a graceful stop.
 * SIGHUP, and a look every minute, reload the calendar when its files
 * changed and re-time the open cases' clocks.  `srv->calendar` must be
 * open (cal_live_init()); the caller frees it after the group commit
 * writer stopped, since deferred jobs may still hold a calendar. */
int server_run(struct server *srv);

/* Block SIGTERM, SIGINT and SIGHUP in the calling thread, and so in every
 * thread it starts later: server_run() collects them with sigwait(), and
 * a thread that left them unblocked would be killed by them instead.
 * Call it before starting any thread (the group commit writer). */
void server_block_signals(void);

/* The calendar in force.  Any thread may call it; the calendar stays
 * valid until the server is freed, even after a reload replaced it, so
 * a request may keep and use what it got.  Never NULL while serving. */
const struct calendar *server_calendar(const struct server *srv);

/* The process-wide server, for code that has no request at hand
 * (the audit checkpoint signer, metrics). NULL outside `serve`. */
extern struct server *server_current;

#endif
