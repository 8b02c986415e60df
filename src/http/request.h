/* request.h: the server's side of a request — setting it up, parsing the
 * body on demand, finishing the reply and freeing it */
#ifndef FZ_REQUEST_H
#define FZ_REQUEST_H

#include "http/http.h"

struct worker;

/* Build a request from libevent's; 0 on success, else an HTTP status for a
 * request too malformed to route (its message in r->err). */
int req_init(struct req *r, struct worker *w, struct evhttp_request *ev);
void req_release(struct req *r);

int req_parse_form_body(struct req *r);
/* For RF_UPLOAD routes: a multipart/form-data body fills r->form and
 * r->uploads (attach/attach.h, multipart_parse()); anything else is
 * parsed as req_parse_form_body() does. */
int req_parse_upload_body(struct req *r);
int req_parse_json_body(struct req *r);
/* Whether this address has exceeded the general request rate. */
bool req_rate_limited(struct req *r);

/* Send the reply for `status`: error page or JSON error when the body is
 * empty, security headers, 繁體 conversion, gzip. */
void req_finish(struct req *r, int status);

#endif
