/* request.c: setting up a request, reading its input, finishing its reply */
#include "http/request.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "attach/attach.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "http/compress.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "http/metrics.h"
#include "http/ratelimit.h"
#include "http/server.h"
#include "store/store.h"

#define JSON_MAX_DEPTH 16

static unsigned method_of(struct evhttp_request *ev)
{
	switch (evhttp_request_get_command(ev)) {
	case EVHTTP_REQ_GET: return HM_GET;
	case EVHTTP_REQ_HEAD: return HM_HEAD;
	case EVHTTP_REQ_POST: return HM_POST;
	case EVHTTP_REQ_PUT: return HM_PUT;
	case EVHTTP_REQ_DELETE: return HM_DELETE;
	case EVHTTP_REQ_PATCH: return HM_PATCH;
	default: return HM_OTHER;
	}
}

/* Decode the path strictly: %XX escapes, valid UTF-8, no NUL, no "..". */
static int decode_path(struct req *r, const char *raw)
{
	struct kvlist kv = { 0 };
	struct buf q = BUF_INIT;
	int rc;

	if (!raw || raw[0] != '/')
		return req_fail(r, 400, "bad_request", "请求路径无效");
	/* Reuse the strict form decoder on "p=<path>"; '+' in a path is a
	 * literal plus, so escape it first. */
	buf_puts(&q, "p=");
	for (; *raw; raw++) {
		if (*raw == '+')
			buf_puts(&q, "%2B");
		else if (*raw == '&' || *raw == '=')
			buf_printf(&q, "%%%02X", *raw);
		else
			buf_putc(&q, *raw);
	}
	rc = parse_urlencoded(q.data, q.len, &kv, &r->err);
	buf_release(&q);
	if (rc || kv.n != 1) {
		kvlist_release(&kv);
		return req_fail(r, 400, "bad_request", "请求路径无效");
	}
	r->path = kv.items[0].val;
	kv.items[0].val = NULL;
	kvlist_release(&kv);
	if (strstr(r->path, "/../") || str_starts(r->path, "../") ||
	    (strlen(r->path) >= 3 &&
	     strcmp(r->path + strlen(r->path) - 3, "/..") == 0))
		return req_fail(r, 400, "bad_request", "请求路径无效");
	return 0;
}

static void peer_address(struct req *r)
{
	struct evhttp_connection *c = evhttp_request_get_connection(r->ev);
	char *addr = NULL;
	ev_uint16_t port = 0;

	if (c)
		evhttp_connection_get_peer(c, &addr, &port);
	snprintf(r->ip, sizeof(r->ip), "%s", addr ? addr : "unknown");
}

/* A request id needs to be unique, not secret: the worker's random tag
 * and its own counter, without a trip through the CSPRNG per request. */
static void request_id(struct worker *w, char out[17])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t v = ((uint64_t)w->id_tag << 32) | (uint32_t)w->id_next++;
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
	out[16] = '\0';
}

int req_init(struct req *r, struct worker *w, struct evhttp_request *ev)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *q, *cookie, *lang;

	memset(r, 0, sizeof(*r));
	r->ev = ev;
	r->w = w;
	r->db = w->db;
	r->t0_ns = clock_mono_ns();
	r->method = method_of(ev);
	r->ctype = "text/html; charset=utf-8";
	buf_init(&r->out, 8 << 20);
	request_id(w, r->id);
	peer_address(r);

	cookie = req_header(r, "Cookie");
	if (cookie && parse_cookies(cookie, &r->cookies) < 0)
		return req_fail(r, 400, "bad_request", "Cookie 无效");
	lang = req_cookie(r, "fz_lang");
	r->hant = lang && strcmp(lang, "hant") == 0;
	if (!uri)
		return req_fail(r, 400, "bad_request", "请求地址无效");
	if (decode_path(r, evhttp_uri_get_path(uri)))
		return r->err.status;
	q = evhttp_uri_get_query(uri);
	if (q) {
		r->raw_query = xstrdup(q);
		if (parse_urlencoded(q, strlen(q), &r->query, &r->err))
			return r->err.status;
	}
	return 0;
}

void req_release(struct req *r)
{
	int i;

	free(r->path);
	free(r->raw_query);
	kvlist_release(&r->query);
	kvlist_release(&r->form);
	upload_free(r->uploads, r->nuploads);
	kvlist_release(&r->cookies);
	if (r->json)
		json_decref(r->json);
	for (i = 0; i < r->nparams; i++)
		free(r->params[i]);
	session_user_free(r->user);
	free(r->flash);
	buf_release(&r->out);
}

const char *req_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev),
				  name);
}

const char *req_query(struct req *r, const char *name)
{
	return kv_get(&r->query, name);
}

const char *req_form(struct req *r, const char *name)
{
	return kv_get(&r->form, name);
}

const char *req_form_str(struct req *r, const char *name)
{
	const char *v = kv_get(&r->form, name);

	return v ? v : "";
}

const char *req_posted(struct req *r, const char *name)
{
	return r->method == HM_POST ? req_form_str(r, name) : "";
}

const char *req_param(struct req *r, const char *name)
{
	const char *v = kv_get(&r->form, name);

	return v ? v : kv_get(&r->query, name);
}

const struct upload *req_upload(struct req *r, const char *field,
				size_t idx)
{
	size_t i;

	for (i = 0; i < r->nuploads; i++)
		if (!field || !strcmp(r->uploads[i].field, field))
			if (idx-- == 0)
				return &r->uploads[i];
	return NULL;
}

size_t req_upload_count(struct req *r, const char *field)
{
	size_t i, n = 0;

	for (i = 0; i < r->nuploads; i++)
		if (!field || !strcmp(r->uploads[i].field, field))
			n++;
	return n;
}

const char *req_cookie(struct req *r, const char *name)
{
	return kv_get(&r->cookies, name);
}

const char *req_path_param(struct req *r, int i)
{
	return i >= 0 && i < r->nparams ? r->params[i] : NULL;
}

int req_path_id(struct req *r, int i, int64_t *out)
{
	return parse_int64(req_path_param(r, i), 1, INT64_MAX, out);
}

void req_set_header(struct req *r, const char *name, const char *value)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);

	evhttp_remove_header(h, name);
	evhttp_add_header(h, name, value);
}

void req_set_cookie(struct req *r, const char *name, const char *value,
		    int64_t max_age)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	bool tls = r->w->srv->cfg.behind_tls;
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Strict", name,
		   value);
	if (max_age >= 0)
		buf_printf(&b, "; Max-Age=%lld", (long long)max_age);
	if (tls)
		buf_puts(&b, "; Secure");
	evhttp_add_header(h, "Set-Cookie", buf_cstr(&b));
	buf_release(&b);
}

bool req_local_path(const char *s)
{
	size_t i;

	if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return false;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return i <= 2048;
}

int req_redirect(struct req *r, const char *location)
{
	/* Only local paths: an open redirect would let a link to this site
	 * send people anywhere. */
	if (!req_local_path(location))
		location = "/";
	req_set_header(r, "Location", location);
	return 303;
}

int req_fail(struct req *r, int status, const char *code, const char *fmt,
	     ...)
{
	va_list ap;

	r->err.status = status;
	snprintf(r->err.code, sizeof(r->err.code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(r->err.msg, sizeof(r->err.msg), fmt, ap);
	va_end(ap);
	buf_reset(&r->out);
	return status;
}

int req_json(struct req *r, int status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);

	json_decref(v);
	if (!s)
		return req_fail(r, 500, "internal", "服务器内部错误");
	buf_reset(&r->out);
	buf_puts(&r->out, s);
	free(s);
	r->ctype = "application/json; charset=utf-8";
	return status;
}

int req_db_fail(struct req *r, int rc)
{
	metrics_db_error(r->w->srv->metrics);
	fprintf(stderr, "fazhi: request %s: database error %d: %s\n", r->id,
		rc, db_errmsg(r->db));
	if (rc == DB_EBUSY || rc == DB_EUNAVAIL)
		return req_fail(r, 503, "db_unavailable",
				"数据库暂时不可用，请稍后再试");
	if (rc == DB_EFULL)
		return req_fail(r, 503, "db_full",
				"存储空间不足，本次操作未保存");
	return req_fail(r, 500, "db_error", "服务器内部错误，本次操作未保存");
}

void req_flash(struct req *r, const char *msg)
{
	struct buf b = BUF_INIT;

	html_url_arg(&b, msg);
	req_set_cookie(r, "fz_flash", buf_cstr(&b), 60);
	buf_release(&b);
}

static int body_bytes(struct req *r, const char **p, size_t *n)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);

	*n = evbuffer_get_length(in);
	*p = *n ? (const char *)evbuffer_pullup(in, -1) : "";
	return 0;
}

static bool ctype_is(struct req *r, const char *want)
{
	const char *ct = req_header(r, "Content-Type");
	size_t n = strlen(want);

	return ct && strncasecmp(ct, want, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Forms and JSON documents are small; uploads (which will have their own
 * routes) may use the server-wide limit, which evhttp enforces itself. */
#define STRUCTURED_BODY_MAX ((size_t)2 << 20)

static int too_large(struct req *r)
{
	return req_fail(r, 413, "too_large", "提交的内容过大（上限 %zu KB）",
			STRUCTURED_BODY_MAX >> 10);
}

int req_parse_form_body(struct req *r)
{
	const char *p;
	size_t n;

	body_bytes(r, &p, &n);
	if (n == 0)
		return 0;
	if (n > STRUCTURED_BODY_MAX)
		return too_large(r);
	if (!ctype_is(r, "application/x-www-form-urlencoded"))
		return req_fail(r, 415, "unsupported_media_type",
				"请求内容类型应为表单");
	if (parse_urlencoded(p, n, &r->form, &r->err))
		return r->err.status;
	return 0;
}

/* Upload bodies may be as large as the server-wide limit, which evhttp
 * enforces; the files' own caps are attach_check()'s.  The files point
 * into the input buffer, which lives until the reply is sent. */
int req_parse_upload_body(struct req *r)
{
	char boundary[MULTIPART_MAX_BOUNDARY + 1];
	const char *p;
	size_t n;

	if (!ctype_is(r, "multipart/form-data"))
		return req_parse_form_body(r);
	body_bytes(r, &p, &n);
	if (n == 0)
		return 0;
	if (multipart_boundary(req_header(r, "Content-Type"), boundary,
			       &r->err) ||
	    multipart_parse(p, n, boundary, &r->form, &r->uploads,
			    &r->nuploads, &r->err))
		return r->err.status;
	return 0;
}

int req_parse_json_body(struct req *r)
{
	const char *p;
	size_t n;

	body_bytes(r, &p, &n);
	if (n > STRUCTURED_BODY_MAX)
		return too_large(r);
	if (!ctype_is(r, "application/json"))
		return req_fail(r, 415, "unsupported_media_type",
				"请求内容类型应为 application/json");
	r->json = parse_json_body(p, n, JSON_MAX_DEPTH, &r->err);
	return r->json ? 0 : r->err.status;
}

bool req_rate_limited(struct req *r)
{
	return !ratelimit_take(RL_GENERAL, r->ip);
}

static const char *status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "OK";
	}
}

static const char *default_message(int status)
{
	switch (status) {
	case 400: return "请求无效";
	case 401: return "请先登录";
	case 403: return "您没有执行此操作的权限";
	case 404: return "页面不存在";
	case 405: return "不支持该请求方法";
	case 413: return "提交的内容过大";
	case 429: return "请求过于频繁，请稍后再试";
	case 503: return "服务暂时不可用，请稍后再试";
	default: return "服务器内部错误，请稍后再试";
	}
}

static void render_error(struct req *r, int status)
{
	const char *msg = r->err.msg[0] ? r->err.msg : default_message(status);
	const char *code = r->err.code[0] ? r->err.code : "error";

	/* 5xx details belong in the log, never in the reply; a 503's
	 * message is always one of ours ("try again later"), so it stays. */
	if (status >= 500 && status != 503) {
		msg = default_message(status);
		code = "internal";
	}
	buf_reset(&r->out);
	if (r->is_api || str_starts(r->path ? r->path : "", "/api/")) {
		json_t *e = json_pack("{s:{s:s,s:s}}", "error", "code", code,
				      "message", msg);
		char *s = json_dumps(e, JSON_COMPACT);

		buf_puts(&r->out, s);
		free(s);
		json_decref(e);
		r->ctype = "application/json; charset=utf-8";
		return;
	}
	r->ctype = "text/html; charset=utf-8";
	page_error(r, status, msg);
}

static void security_headers(struct req *r, struct evkeyvalq *h)
{
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; script-src 'self'; "
			  "style-src 'self'; img-src 'self' data:; "
			  "object-src 'none'; base-uri 'none'; "
			  "form-action 'self'; frame-ancestors 'none'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "X-Request-Id", r->id);
	if (r->w->srv->cfg.behind_tls)
		evhttp_add_header(h, "Strict-Transport-Security",
				  "max-age=31536000");
	if (!evhttp_find_header(h, "Cache-Control"))
		evhttp_add_header(h, "Cache-Control",
				  r->user ? "no-store" : "no-cache");
}

static void release_detached(const void *data, size_t len, void *arg)
{
	free((void *)data);
}

void req_finish(struct req *r, int status)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	struct evbuffer *body;
	const char *ae;

	if (status >= 400 && r->out.len == 0)
		render_error(r, status);
	if (buf_err(&r->out)) {
		status = 500;
		buf_release(&r->out);
		render_error(r, status);
	}
	if (r->hant && !r->hant_done && !r->body_ref &&
	    str_starts(r->ctype, "text/html"))
		i18n_to_hant(r->w, &r->out);
	security_headers(r, h);
	if (status != 304 && status != 204)
		evhttp_add_header(h, "Content-Type", r->ctype);
	ae = req_header(r, "Accept-Encoding");
	if (!r->body_ref && ae && strstr(ae, "gzip") &&
	    compress_worthwhile(r->ctype, r->out.len)) {
		struct buf z = BUF_INIT;

		if (compress_gzip(r->out.data, r->out.len, &z) == 0) {
			buf_release(&r->out);
			r->out = z;
			evhttp_add_header(h, "Content-Encoding", "gzip");
		} else {
			buf_release(&z);
		}
		evhttp_add_header(h, "Vary", "Accept-Encoding");
	}
	body = evbuffer_new();
	if (r->method == HM_HEAD) {
		/* evhttp would send the body of a HEAD reply: send only the
		 * length the GET would have had. */
		char len[24];

		snprintf(len, sizeof(len), "%zu", r->body_ref ?
			 r->body_ref_len : r->out.len);
		evhttp_add_header(h, "Content-Length", len);
	} else if (r->body_ref) {
		evbuffer_add_reference(body, r->body_ref, r->body_ref_len,
				       NULL, NULL);
	} else if (r->out.len) {
		size_t len;
		char *p = buf_detach(&r->out, &len);

		evbuffer_add_reference(body, p, len, release_detached, NULL);
	}
	evhttp_send_reply(r->ev, status, status_text(status), body);
	evbuffer_free(body);
}

int json_only_keys(json_t *o, const char *const *keys, size_t n,
		   struct fz_err *err)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(o, key, v) {
		for (i = 0; i < n; i++)
			if (strcmp(key, keys[i]) == 0)
				break;
		if (i == n)
			return fz_fail(err, 400, "unknown_field", "未知字段："
				       "%.64s", key);
	}
	return 0;
}
