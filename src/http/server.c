/* server.c: the HTTP server — listening socket, workers, graceful stop
 *
 * Each worker thread runs its own event loop and evhttp over a listening
 * socket of its own, all bound to the same address with SO_REUSEPORT, so
 * the kernel spreads new connections over the workers.  On one shared
 * socket the worker that wakes first accepts every pending connection
 * (libevent accepts until the queue is empty), and a burst of
 * connections then lands on one core while the others idle.  The main thread only waits for signals:
 * SIGHUP has worker 0 look at the calendar files at once; SIGTERM or
 * SIGINT asks each worker to stop accepting, finish the requests in
 * flight and leave its loop.
 */
#include "http/server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "engine/clock.h"
#include "auth/session.h"
#include "http/i18n.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"
#include "pii/retention.h"
#include "portal/portal_visits.h"
#include "store/group.h"
#include "store/store.h"

#define STOP_GRACE_NS (10LL * 1000000000)

struct server *server_current;

const struct calendar *server_calendar(const struct server *srv)
{
	return cal_live_get(&srv->calendar);
}

/* Split "host:port" (or "[v6]:port", or ":port"). */
static int split_listen(const char *spec, char *host, size_t hostlen,
			char *port, size_t portlen)
{
	const char *colon = strrchr(spec, ':');
	size_t hl;

	if (!colon || !colon[1])
		return FZ_ERR;
	hl = (size_t)(colon - spec);
	if (hl && spec[0] == '[' && spec[hl - 1] == ']') {
		spec++;
		hl -= 2;
	}
	if (hl >= hostlen || strlen(colon + 1) >= portlen)
		return FZ_ERR;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%s", colon + 1);
	return FZ_OK;
}

/* A listening socket on `addr` with the options every one shares; -1 with
 * errno set when it cannot bind or listen. */
static int listen_on(const struct sockaddr *addr, socklen_t len)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, e;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	/* Accepted sockets inherit this on Linux: without it a reply
	 * written in two pieces (libevent writes 16 KiB at a time) waits
	 * for the client's delayed ACK, about 40 ms. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bind(fd, addr, len) == 0 && listen(fd, 1024) == 0) {
		evutil_make_socket_nonblocking(fd);
		return fd;
	}
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* Another listening socket on the address `first` is bound to (its real
 * port, should the configured one have been 0), for one more worker. */
static int listen_again(int first)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(first, (struct sockaddr *)&ss, &len))
		return -1;
	return listen_on((struct sockaddr *)&ss, len);
}

/* SO_REUSEPORT would let a second server started by mistake on the same
 * port share its connections silently; binding once without it first
 * makes that a plain "address in use".  The address is then free again
 * for the group (its real port in *ss when the configured one is 0). */
static int claim(const struct sockaddr *addr, socklen_t len,
		 struct sockaddr_storage *ss, socklen_t *sslen)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, rc = -1, e;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	*sslen = sizeof(*ss);
	if (bind(fd, addr, len) == 0 &&
	    getsockname(fd, (struct sockaddr *)ss, sslen) == 0)
		rc = 0;
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

static int open_listener(const char *spec)
{
	struct addrinfo hints, *ai = NULL, *p;
	struct sockaddr_storage ss;
	socklen_t sslen;
	char host[256], port[16];
	int fd = -1;

	if (split_listen(spec, host, sizeof(host), port, sizeof(port)))
		return error("cannot parse listen address '%s' "
			     "(expected HOST:PORT)", spec);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (getaddrinfo(host[0] ? host : NULL, port, &hints, &ai))
		return error("cannot resolve listen address '%s'", spec);
	for (p = ai; p && fd < 0; p = p->ai_next)
		if (claim(p->ai_addr, p->ai_addrlen, &ss, &sslen) == 0)
			fd = listen_on((struct sockaddr *)&ss, sslen);
	freeaddrinfo(ai);
	if (fd < 0)
		return error("cannot listen on '%s': %s", spec,
			     strerror(errno));
	return fd;
}

/* ---- access log ---- */

static void access_log(struct worker *w, struct req *r, int status,
		       int64_t ns)
{
	struct server *srv = w->srv;
	char ts[21];
	json_t *o;
	char *line;
	struct buf path = BUF_INIT;

	if (!srv->access_log)
		return;
	clock_iso_utc(clock_now(), ts);
	/* Paths come from the client: neutralise control characters so one
	 * request is always one log line (jansson escapes the rest). */
	text_sanitize_log(&path, r->path ? r->path : "",
			  r->path ? strlen(r->path) : 0);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:f,s:s}",
		      "time", ts, "id", r->id, "ip", r->ip, "method",
		      evhttp_request_get_command(r->ev) == EVHTTP_REQ_GET ?
		      "GET" : r->method == HM_POST ? "POST" :
		      r->method == HM_HEAD ? "HEAD" : "OTHER",
		      "path", buf_cstr(&path), "status", status,
		      "bytes", (json_int_t)(r->body_ref ? r->body_ref_len
							: r->out.len),
		      "ms", (double)ns / 1e6,
		      "route", r->route ? r->route->name : "-");
	buf_release(&path);
	if (!o)
		return;
	if (r->user)
		json_object_set_new(o, "user",
				    json_string(session_user_login(r->user)));
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!line)
		return;
	pthread_mutex_lock(&srv->log_lock);
	fputs(line, srv->access_log);
	fputc('\n', srv->access_log);
	fflush(srv->access_log);
	pthread_mutex_unlock(&srv->log_lock);
	free(line);
}

/* ---- connections ---- */

static bool conn_first_sight(struct worker *w, struct evhttp_connection *c);
static void conn_forget(struct worker *w, struct evhttp_connection *c);

static void conn_closed(struct evhttp_connection *c, void *arg)
{
	struct worker *w = arg;

	conn_forget(w, c);
	atomic_fetch_sub(&w->open_conns, 1);
	metrics_connections(w->srv->metrics, -1);
}

/* Connections are counted at their first request: evhttp has no hook at
 * accept time and no per-connection user data, so each worker keeps a
 * small set of the connections it has seen, keyed by pointer, and drops
 * an entry in the close callback. */

static void request_done(struct evhttp_request *ev, void *arg)
{
	struct worker *w = arg;

	atomic_fetch_sub(&w->inflight, 1);
}

/* The end of every request, deferred or not: reply, count, log, free. */
static void complete(struct worker *w, struct req *r, int status)
{
	/* A handler that returned with its transaction open is a bug; roll
	 * it back so the worker's connection stays usable. */
	if (db_in_tx(w->db)) {
		fprintf(stderr, "fazhi: request %s (%s) left a transaction "
			"open; rolled back\n", r->id,
			r->route ? r->route->name : "-");
		db_rollback(w->db);
	}
	req_finish(r, status);
	metrics_request(w->srv->metrics, r->route, status,
			clock_mono_ns() - r->t0_ns);
	access_log(w, r, status, clock_mono_ns() - r->t0_ns);
	req_release(r);
	free(r);
}

/* Back on the worker after the group commit: finish the reply. */
static void resume(evutil_socket_t fd, short what, void *arg)
{
	struct req *r = arg;

	complete(r->w, r, r->finish(r, r->defer_rc));
}

/* On the writer thread: hand the result to the request's own worker.
 * evhttp keeps a request whose client went away until we reply (the
 * reply then just frees it), so `r` is still valid here. */
static void deferred_done(void *arg, int rc)
{
	struct req *r = arg;
	struct timeval now = { 0, 0 };

	r->defer_rc = rc;
	event_base_once(r->w->base, -1, EV_TIMEOUT, resume, r, &now);
}

static int deferred_run(struct db *db, void *arg)
{
	struct req *r = arg;

	return r->run(db, r);
}

int req_defer(struct req *r, int (*run)(struct db *db, struct req *r),
	      int (*finish)(struct req *r, int rc))
{
	r->run = run;
	r->finish = finish;
	r->job.run = deferred_run;
	r->job.done = deferred_done;
	r->job.arg = r;
	gc_submit(r->w->srv->gc, &r->job);
	return HTTP_DEFERRED;
}

static void handle(struct evhttp_request *ev, void *arg)
{
	struct worker *w = arg;
	struct evhttp_connection *c = evhttp_request_get_connection(ev);
	struct req *r = xmalloc(sizeof(*r));
	int status;

	atomic_fetch_add(&w->inflight, 1);
	evhttp_request_set_on_complete_cb(ev, request_done, w);
	if (c && conn_first_sight(w, c)) {
		atomic_fetch_add(&w->open_conns, 1);
		metrics_connections(w->srv->metrics, 1);
		evhttp_connection_set_closecb(c, conn_closed, w);
	}
	status = req_init(r, w, ev);
	if (status == 0 && w->srv->cfg.max_connections > 0 &&
	    atomic_load(&w->open_conns) > w->srv->cfg.max_connections) {
		evhttp_add_header(evhttp_request_get_output_headers(ev),
				  "Connection", "close");
		status = req_fail(r, 503, "busy", "服务器繁忙，请稍后再试");
	}
	if (status == 0)
		status = router_dispatch(r, w->srv->routes, w->srv->nroutes);
	if (status != HTTP_DEFERRED)
		complete(w, r, status);
}

static bool conn_first_sight(struct worker *w, struct evhttp_connection *c)
{
	size_t i, slot = ((uintptr_t)c >> 4) % CONN_SET_SIZE;

	for (i = 0; i < CONN_SET_SIZE; i++) {
		size_t k = (slot + i) % CONN_SET_SIZE;

		if (w->conns[k] == c)
			return false;
		if (w->conns[k] == NULL) {
			w->conns[k] = c;
			return true;
		}
	}
	/* Set full: count it anyway; the close callback balances it. */
	return true;
}

static void conn_forget(struct worker *w, struct evhttp_connection *c)
{
	size_t i, slot = ((uintptr_t)c >> 4) % CONN_SET_SIZE;

	for (i = 0; i < CONN_SET_SIZE; i++) {
		size_t k = (slot + i) % CONN_SET_SIZE;

		if (w->conns[k] == c) {
			w->conns[k] = NULL;
			/* Re-insert the rest of the probe run so lookups
			 * still find entries placed after this one. */
			for (k = (k + 1) % CONN_SET_SIZE; w->conns[k];
			     k = (k + 1) % CONN_SET_SIZE) {
				struct evhttp_connection *x = w->conns[k];

				w->conns[k] = NULL;
				conn_first_sight(w, x);
			}
			return;
		}
		if (!w->conns[k])
			return;
	}
}

/* ---- workers ---- */

static void stop_poll(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval tv = { 0, 20000 };

	if (atomic_load(&w->inflight) == 0 ||
	    clock_mono_ns() - w->stop_started_ns > STOP_GRACE_NS) {
		event_base_loopexit(w->base, NULL);
		return;
	}
	event_base_once(w->base, -1, EV_TIMEOUT, stop_poll, w, &tv);
}

/* Runs on the worker's own thread. */
static void stop_accepting(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	if (w->bound)
		evconnlistener_disable(evhttp_bound_socket_get_listener(
			w->bound));
	w->stop_started_ns = clock_mono_ns();
	stop_poll(-1, 0, w);
}

/* Worker 0 also runs the supervision (督办) sweep: every overdue open
 * clock gets its reminder; and the personal-data expiry job (PI-03).
 * Hourly is plenty for limits counted in days and retention counted in
 * years, and both are idempotent. */
#define SUPERVISE_SECONDS 3600

static void supervise(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval next = { SUPERVISE_SECONDS, 0 };
	int created = 0;

	if (atomic_load(&w->srv->stopping))
		return;
	if (engine_supervise(w->db, server_calendar(w->srv), clock_now(),
			     &created) < 0)
		fprintf(stderr, "fazhi: supervision sweep failed: %s\n",
			db_errmsg(w->db));
	else if (created)
		fprintf(stderr, "fazhi: %d supervision reminders issued\n",
			created);
	retention_sweep(w->db, w->srv->cfg.data_dir, clock_now());
	event_base_once(w->base, -1, EV_TIMEOUT, supervise, w, &next);
}

/* Worker 0 also keeps the calendar current: a notice imported with
 * `fazhi calendar import`, or a file edited by hand, is in force within
 * a minute without a restart (at once on SIGHUP). */
#define CALENDAR_CHECK_SECONDS 60

/* Re-time the open clocks with the calendar in force; 0, or < 0 after
 * logging the failure (the pass is then tried again at the next look). */
static int retime_open(struct worker *w, bool reloaded)
{
	struct server *srv = w->srv;
	const struct calendar *cal = server_calendar(srv);
	int changed = 0;

	if (engine_retime_open(w->db, cal, &changed) < 0) {
		fprintf(stderr, "fazhi: %sre-timing open cases failed, will "
			"retry: %s\n", reloaded ? "calendar reloaded; " : "",
			db_errmsg(w->db));
		return FZ_ERR;
	}
	if (reloaded)
		fprintf(stderr, "fazhi: calendar reloaded: %d notices, %d open "
			"clocks re-timed\n", calendar_notices(cal), changed);
	else if (changed)
		fprintf(stderr, "fazhi: calendar: %d more open clocks "
			"re-timed\n", changed);
	return FZ_OK;
}

/* Reload the calendar if its files changed, then re-time open clocks.
 * Runs on worker 0 only, so reloads never overlap and its connection is
 * free between callbacks. */
static void calendar_check(struct worker *w)
{
	struct server *srv = w->srv;
	struct fz_err err = { 0 };
	int rc;

	if (atomic_load(&srv->stopping))
		return;
	rc = cal_live_reload(&srv->calendar, &err);
	if (rc < 0)
		fprintf(stderr, "fazhi: calendar not reloaded, the one in force "
			"stays: %s\n", err.msg);
	/* Two passes: one now, and one once the requests that were in
	 * flight at the swap are done (they take far less than a check
	 * interval plus the connection timeout), for the clocks they
	 * started or moved with the calendar they had taken before it. */
	if (rc == 1) {
		srv->cal_retime = 2;
		srv->cal_settle_ns = clock_mono_ns() + (int64_t)(
			CALENDAR_CHECK_SECONDS + srv->cfg.timeout_s) * 1000000000;
	}
	if (srv->cal_retime == 0 || (srv->cal_retime == 1 &&
				     clock_mono_ns() < srv->cal_settle_ns))
		return;
	if (retime_open(w, rc == 1) == 0)
		srv->cal_retime--;
}

static void calendar_tick(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval next = { CALENDAR_CHECK_SECONDS, 0 };

	if (atomic_load(&w->srv->stopping))
		return;
	calendar_check(w);
	event_base_once(w->base, -1, EV_TIMEOUT, calendar_tick, w, &next);
}

static void calendar_hup(evutil_socket_t fd, short what, void *arg)
{
	calendar_check(arg);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->index == 0) {
		struct timeval soon = { 1, 0 };
		struct timeval minute = { CALENDAR_CHECK_SECONDS, 0 };

		event_base_once(w->base, -1, EV_TIMEOUT, supervise, w, &soon);
		event_base_once(w->base, -1, EV_TIMEOUT, calendar_tick, w,
				&minute);
	}
	/* The portal's visit counts: stored in batches, and at the end. */
	visits_worker_start(w);
	event_base_dispatch(w->base);
	return NULL;
}

static int worker_init(struct worker *w, struct server *srv, int index,
		       int listen_fd)
{
	const struct server_config *cfg = &srv->cfg;
	char err[256];
	int fd;

	w->srv = srv;
	w->index = index;
	crypto_random(&w->id_tag, sizeof(w->id_tag));
	w->db = db_open(cfg->db_url, err, sizeof(err));
	if (!w->db)
		return error("worker %d: %s", index, err);
	w->base = event_base_new();
	w->http = w->base ? evhttp_new(w->base) : NULL;
	if (!w->http)
		return error("worker %d: cannot create event loop", index);
	evhttp_set_max_headers_size(w->http, (ev_ssize_t)cfg->max_header_bytes);
	evhttp_set_max_body_size(w->http, (ev_ssize_t)cfg->max_body_bytes);
	evhttp_set_timeout(w->http, cfg->timeout_s);
	/* Accept every method so the router can answer 405 (TRACE too)
	 * instead of evhttp's bare 501. */
	evhttp_set_allowed_methods(w->http, 0xffff);
	evhttp_set_default_content_type(w->http, "text/html; charset=utf-8");
	evhttp_set_gencb(w->http, handle, w);
	/* evhttp closes the socket it is given when freed: worker 0 gets a
	 * copy of the first, the others sockets of their own. */
	fd = index ? listen_again(listen_fd) : dup(listen_fd);
	if (fd < 0)
		return error("worker %d: cannot listen: %s", index,
			     strerror(errno));
	w->bound = evhttp_accept_socket_with_handle(w->http, fd);
	if (!w->bound) {
		close(fd);
		return error("worker %d: cannot accept on socket", index);
	}
	return FZ_OK;
}

static void worker_release(struct worker *w)
{
	if (w->http)
		evhttp_free(w->http);
	if (w->base)
		event_base_free(w->base);
	if (w->db)
		db_close(w->db);
	i18n_close(&w->opencc);
	i18n_close(&w->opencc_hans);
}

static void server_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

void server_block_signals(void)
{
	sigset_t set;

	server_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* Wait for SIGTERM or SIGINT and return it; on the way, hand each SIGHUP
 * to worker 0 as a calendar check. */
static int wait_for_stop(struct worker *w0)
{
	sigset_t set;
	int sig = 0;

	server_signals(&set);
	for (;;) {
		struct timeval now = { 0, 0 };

		if (sigwait(&set, &sig))
			continue;
		if (sig != SIGHUP)
			return sig;
		event_base_once(w0->base, -1, EV_TIMEOUT, calendar_hup, w0,
				&now);
	}
}

int server_run(struct server *srv)
{
	struct worker *workers;
	int fd, i, started = 0, rc = FZ_OK;

	evthread_use_pthreads();
	/* Block our signals in every thread; the main thread collects them
	 * with sigwait() so no handler runs inside a worker. */
	server_block_signals();
	signal(SIGPIPE, SIG_IGN);

	fd = open_listener(srv->cfg.listen);
	if (fd < 0)
		return FZ_ERR;
	server_current = srv;
	workers = xcalloc((size_t)srv->cfg.workers, sizeof(*workers));
	for (i = 0; i < srv->cfg.workers; i++) {
		if (worker_init(&workers[i], srv, i, fd)) {
			rc = FZ_ERR;
			break;
		}
	}
	for (i = 0; rc == FZ_OK && i < srv->cfg.workers; i++) {
		if (pthread_create(&workers[i].thread, NULL, worker_main,
				   &workers[i])) {
			rc = error("cannot start worker thread");
			break;
		}
		started++;
	}
	if (rc == FZ_OK) {
		printf("fazhi: listening on http://%s/\n", srv->cfg.listen);
		fflush(stdout);
		i = wait_for_stop(&workers[0]);
		fprintf(stderr, "fazhi: %s received, finishing requests\n",
			i == SIGINT ? "SIGINT" : "SIGTERM");
	}
	atomic_store(&srv->stopping, true);
	for (i = 0; i < started; i++) {
		struct timeval now = { 0, 0 };

		event_base_once(workers[i].base, -1, EV_TIMEOUT,
				stop_accepting, &workers[i], &now);
	}
	for (i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	for (i = 0; i < srv->cfg.workers; i++)
		worker_release(&workers[i]);
	free(workers);
	close(fd);
	server_current = NULL;
	return rc;
}
