/* http.h: requests, routes and replies as feature code sees them
 *
 * A request is handled start to finish on one worker thread.  The handler
 * gets a `struct req`, reads declared inputs through the getters, writes its
 * body into `r->out` and returns an HTTP status.  A status >= 400 with an
 * empty body makes the server draw the error page (or the JSON error for
 * /api/ routes) from `r->err`.  Everything the request allocates is freed by
 * the server after the reply is sent.
 */
#ifndef FZ_HTTP_H
#define FZ_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/util.h"
#include "http/parse.h"
#include "store/group.h"

/* A handler's "the reply comes later" (see req_defer). */
#define HTTP_DEFERRED 1

struct evhttp_request;
struct worker;
struct db;
struct user;

enum http_method {
	HM_GET = 1 << 0,
	HM_HEAD = 1 << 1,
	HM_POST = 1 << 2,
	HM_PUT = 1 << 3,
	HM_DELETE = 1 << 4,
	HM_PATCH = 1 << 5,
	HM_OTHER = 1 << 15,
};

/* What a route needs before its handler runs; enforced by the router. */
enum route_flags {
	RF_LOGIN = 1 << 0,       /* a session or API token is required */
	RF_CSRF = 1 << 1,        /* state-changing: CSRF token and Origin */
	RF_API = 1 << 2,         /* JSON errors; bearer tokens accepted */
	RF_JSON_BODY = 1 << 3,   /* body must be a JSON object */
	RF_FORM_BODY = 1 << 4,   /* body must be form-urlencoded */
	RF_PRE_CHANGE = 1 << 5,  /* reachable while the password must change */
	RF_NO_RATE = 1 << 6,     /* not counted by the per-address limiter */
	RF_UPLOAD = 1 << 7,      /* body may be multipart/form-data (files,
				  * see req_upload) or form-urlencoded */
};

#define ROUTE_MAX_PARAMS 4

struct req;
typedef int (*route_fn)(struct req *r);

/* A file sent in a multipart/form-data body of an RF_UPLOAD route.  Every
 * field is as the client sent it, unchecked: attach_check() (attach/
 * attach.h) judges the name and the bytes.  `data` points into the
 * request body and stays valid until the reply is sent. */
struct upload {
	char *field;            /* the form field's name */
	char *filename;         /* the client's file name (UTF-8) */
	char *ctype;            /* the part's Content-Type as sent */
	const uint8_t *data;
	size_t len;
};

/* One row of the route table.  `perm` is mandatory: every route states who
 * may call it (deny by default; PERM_PUBLIC is an explicit choice). */
struct route {
	unsigned methods;
	const char *pattern;    /* "/admin/users/{}" : {} matches one segment */
	int perm;               /* enum perm from auth/roles.h */
	unsigned flags;
	route_fn handler;
	const char *name;       /* label for metrics and logs */
};

struct session {
	char id_hash[65];       /* SM3 of the cookie token, hex */
	char csrf[65];
	int64_t created_at;
	bool via_token;         /* authenticated by an API token */
};

struct req {
	struct evhttp_request *ev;
	struct worker *w;
	struct db *db;
	unsigned method;
	char *path;             /* decoded path, without the query */
	char *raw_query;
	struct kvlist query;
	struct kvlist form;
	struct upload *uploads; /* files of a multipart body, in order */
	size_t nuploads;
	json_t *json;
	struct kvlist cookies;
	char ip[64];
	char id[17];            /* request id, hex */
	const struct route *route;
	char *params[ROUTE_MAX_PARAMS];
	int nparams;
	struct user *user;      /* NULL when not logged in */
	struct session sess;
	bool hant;              /* render in Traditional characters */
	bool hant_done;         /* `out` is already in them (req_hant_now) */
	bool is_api;
	struct buf out;
	const char *ctype;      /* default text/html; charset=utf-8 */
	struct fz_err err;
	int64_t t0_ns;
	char *flash;            /* message shown once on the next page */
	/* A body owned by someone who outlives the request (cached static
	 * files), sent without copying instead of `out`. */
	const void *body_ref;
	size_t body_ref_len;
	/* A request whose writes go through the group commit (req_defer). */
	int (*run)(struct db *db, struct req *r);
	int (*finish)(struct req *r, int rc);
	int defer_rc;
	struct gc_job job;
	void *ctx;              /* the handler's own data across a deferral */
};

/* ---- reading input ---- */
const char *req_header(struct req *r, const char *name);
/* Query or form parameter (form first for POST); NULL when absent. */
const char *req_param(struct req *r, const char *name);
const char *req_query(struct req *r, const char *name);
const char *req_form(struct req *r, const char *name);
/* req_form(), with "" when absent. */
const char *req_form_str(struct req *r, const char *name);
/* What a POST sent under `name`, for a form shown again after a refusal;
 * "" on a GET or when absent. */
const char *req_posted(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
/* File `idx` (0-based, in body order) sent under form field `field`, or
 * NULL when there is none.  A file input left empty sends no file. */
const struct upload *req_upload(struct req *r, const char *field,
				size_t idx);
/* Number of files sent under `field`. */
size_t req_upload_count(struct req *r, const char *field);
/* Path parameter i (0-based) captured by "{}" in the route pattern. */
const char *req_path_param(struct req *r, int i);
/* Path parameter i as an id in [1, INT64_MAX]; < 0 when it is not one. */
int req_path_id(struct req *r, int i, int64_t *out);

/* ---- writing output ---- */
void req_set_header(struct req *r, const char *name, const char *value);
/* Set a cookie with HttpOnly; SameSite=Strict; Path=/ (and Secure behind
 * TLS); max_age < 0 means a session cookie, 0 deletes it. */
void req_set_cookie(struct req *r, const char *name, const char *value,
		    int64_t max_age);
/* Whether `s` is a path on this site ("/..." but not "//host" or
 * "/\\host", which browsers read as another site, and nothing that
 * could split a header): the only redirect targets taken from input. */
bool req_local_path(const char *s);
/* 303 See Other to a local path (anything else goes to "/"). */
int req_redirect(struct req *r, const char *location);
/* Fill r->err and return `status` (for `return req_fail(r, ...)`). */
int req_fail(struct req *r, int status, const char *code, const char *fmt,
	     ...) FZ_PRINTF(4, 5);
/* Reply with a JSON value (takes the reference). */
int req_json(struct req *r, int status, json_t *v);
/* Map a store failure to 503 (busy, unavailable) or 500, log it with the
 * request id, count it, and return the status. */
int req_db_fail(struct req *r, int rc);
/* Commit this request's writes together with other requests' (group
 * commit).  `run` executes on the writer thread, on the writer's own
 * connection, inside the shared transaction: it may use `db` and the
 * request's parsed input (and r->ctx), nothing of the worker's.  Then
 * `finish` runs back on the worker with run's result (or the commit's
 * failure) and returns the status of the reply.  The handler returns
 * what req_defer() returns. */
int req_defer(struct req *r, int (*run)(struct db *db, struct req *r),
	      int (*finish)(struct req *r, int rc));
/* Message shown on the next page this browser loads. */
void req_flash(struct req *r, const char *msg);

/* A JSON body object may hold only `keys`: 0, or FZ_ERR with err filled
 * (400 "unknown_field", naming the first other key). */
int json_only_keys(json_t *o, const char *const *keys, size_t n,
		   struct fz_err *err);

#endif
