/* router.c: matching a request to a route and enforcing what it declares
 *
 * Every check a route declares happens here, before its handler runs, so a
 * handler never has to remember to check login, role, CSRF or body type.
 */
#include "http/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "auth/session.h"
#include "core/util.h"
#include "http/html.h"
#include "http/request.h"

/* Match one pattern against a path; captures go into params. */
static int pattern_match(const char *pat, const char *path, char **params,
			 int *nparams)
{
	int n = 0;

	while (*pat && *path) {
		if (pat[0] == '*' && pat[1] == '\0') {
			if (n == ROUTE_MAX_PARAMS)
				goto fail;
			params[n++] = xstrdup(path);
			*nparams = n;
			return 1;
		}
		if (pat[0] == '{' && pat[1] == '}') {
			size_t len = strcspn(path, "/");

			if (len == 0 || n == ROUTE_MAX_PARAMS)
				goto fail;
			params[n++] = xstrndup(path, len);
			path += len;
			pat += 2;
			continue;
		}
		if (*pat != *path)
			goto fail;
		pat++;
		path++;
	}
	if (*pat || *path)
		goto fail;
	*nparams = n;
	return 1;
fail:
	while (n > 0)
		free(params[--n]);
	return 0;
}

const struct route *router_match(const struct route *routes, size_t n,
				 const char *path, unsigned method,
				 char **params, int *nparams, int *path_known,
				 unsigned *allowed)
{
	size_t i;
	int k;

	*path_known = 0;
	*allowed = 0;
	for (i = 0; i < n; i++) {
		if (!pattern_match(routes[i].pattern, path, params, nparams))
			continue;
		if (routes[i].methods & method)
			return &routes[i];
		*path_known = 1;
		*allowed |= routes[i].methods;
		for (k = 0; k < *nparams; k++)
			free(params[k]);
		*nparams = 0;
	}
	return NULL;
}

static bool state_changing(unsigned method)
{
	return (method & (HM_POST | HM_PUT | HM_DELETE | HM_PATCH)) != 0;
}

static void set_allow_header(struct req *r, unsigned allowed)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ HM_GET, "GET" }, { HM_HEAD, "HEAD" }, { HM_POST, "POST" },
		{ HM_PUT, "PUT" }, { HM_DELETE, "DELETE" },
		{ HM_PATCH, "PATCH" },
	};
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(allowed & names[i].bit))
			continue;
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, names[i].name);
	}
	req_set_header(r, "Allow", buf_cstr(&b));
	buf_release(&b);
}

/* Not logged in: pages go to the login form, the API answers 401. */
static int need_login(struct req *r)
{
	struct buf loc = BUF_INIT;
	int status;

	if (r->is_api)
		return req_fail(r, 401, "unauthenticated",
				"需要登录或有效的访问令牌");
	buf_puts(&loc, "/login");
	if (r->method == HM_GET && strcmp(r->path, "/") != 0) {
		buf_puts(&loc, "?next=");
		html_url_arg(&loc, r->path);
	}
	status = req_redirect(r, buf_cstr(&loc));
	buf_release(&loc);
	return status;
}

static int check_body(struct req *r)
{
	const struct route *rt = r->route;

	if (rt->flags & RF_JSON_BODY)
		return req_parse_json_body(r);
	if (rt->flags & RF_UPLOAD)
		return req_parse_upload_body(r);
	if (state_changing(r->method) || (rt->flags & RF_FORM_BODY))
		return req_parse_form_body(r);
	return 0;
}

int router_dispatch(struct req *r, const struct route *routes, size_t n)
{
	const struct route *rt;
	int known, status;
	unsigned allowed;

	rt = router_match(routes, n, r->path, r->method, r->params,
			  &r->nparams, &known, &allowed);
	if (!rt && known && (allowed & HM_GET) && r->method == HM_HEAD)
		rt = router_match(routes, n, r->path, HM_GET, r->params,
				  &r->nparams, &known, &allowed);
	if (!rt) {
		r->is_api = str_starts(r->path, "/api/");
		if (known) {
			set_allow_header(r, allowed);
			return req_fail(r, 405, "method_not_allowed",
					"不支持该请求方法");
		}
		return req_fail(r, 404, "not_found", "页面不存在");
	}
	r->route = rt;
	r->is_api = (rt->flags & RF_API) != 0;

	if (!(rt->flags & RF_NO_RATE) && req_rate_limited(r))
		return req_fail(r, 429, "rate_limited",
				"请求过于频繁，请稍后再试");
	status = session_authenticate(r);
	if (status)
		return status;
	if (rt->perm != PERM_PUBLIC) {
		if (!r->user)
			return need_login(r);
		status = session_check_password_state(r);
		if (status)
			return status;
		if (!session_allows(r, rt->perm))
			return req_fail(r, 403, "forbidden",
					"您没有执行此操作的权限");
	}
	if (state_changing(r->method)) {
		if (!(rt->flags & RF_CSRF))
			return req_fail(r, 403, "forbidden",
					"该地址不接受修改请求");
		status = check_body(r);
		if (status)
			return status;
		status = session_check_csrf(r);
		if (status)
			return status;
	} else if (rt->flags & (RF_JSON_BODY | RF_FORM_BODY | RF_UPLOAD)) {
		status = check_body(r);
		if (status)
			return status;
	}
	return rt->handler(r);
}

int router_check_table(const struct route *routes, size_t n, char *why,
		       size_t whylen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct route *rt = &routes[i];

		if (rt->perm <= PERM_UNSET || rt->perm >= PERM_COUNT) {
			snprintf(why, whylen, "%s: no permission declared",
				 rt->pattern);
			return FZ_ERR;
		}
		if (state_changing(rt->methods) && !(rt->flags & RF_CSRF)) {
			snprintf(why, whylen, "%s: state-changing without CSRF",
				 rt->pattern);
			return FZ_ERR;
		}
		if ((rt->methods & (HM_GET | HM_HEAD)) &&
		    state_changing(rt->methods)) {
			snprintf(why, whylen,
				 "%s: one route mixes GET and writes",
				 rt->pattern);
			return FZ_ERR;
		}
		if (!rt->handler || !rt->name || rt->pattern[0] != '/') {
			snprintf(why, whylen, "%s: incomplete route",
				 rt->pattern);
			return FZ_ERR;
		}
	}
	return FZ_OK;
}
