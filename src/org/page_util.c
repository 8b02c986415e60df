/* page_util.c: strings, rows and requests for the administration pages */
#include "org/page_util.h"

#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "core/clock.h"
#include "crypto/crypto.h"
#include "http/html.h"
#include "http/http.h"
#include "org/accounts.h"
#include "store/store.h"

/* ---- strings and rows ---- */

const char *org_pool_dup(struct org_pool *p, const char *s)
{
	p->v = org_grow(p->v, p->n, &p->cap, 64, sizeof(*p->v));
	p->v[p->n] = xstrdup(s ? s : "");
	return p->v[p->n++];
}

void org_pool_release(struct org_pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void *org_grow(void *v, size_t n, size_t *cap, size_t first, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : first;
	return xrealloc(v, *cap * size);
}

int org_each_row(struct db *db, struct db_rows *rows,
		 void (*row)(struct db_rows *rows, void *arg), void *arg)
{
	int step;

	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1)
		row(rows, arg);
	db_rows_free(rows);
	return step < 0 ? step : 0;
}

/* Expired rows linger until the owner's next request removes them, so
 * the live ones are told apart by the policy in force. */
void org_session_window(struct db *db, int64_t *seen_after,
			int64_t *created_after)
{
	struct policy pol;
	int64_t now = clock_now();

	policy_get(db, &pol);
	*seen_after = now - (int64_t)pol.idle_minutes * 60;
	*created_after = now - (int64_t)pol.absolute_hours * 3600;
}

/* ---- requests ---- */

const char *org_form_str(struct req *r, const char *key)
{
	const char *v = req_form(r, key);

	return v ? v : "";
}

int org_parse_dept(const char *s, int64_t *out)
{
	*out = 0;
	if (!s || !*s)
		return 0;
	return parse_int64(s, 0, INT64_MAX, out);
}

const struct actor *org_actor(struct req *r, struct org_actor *who)
{
	actor_from_req(r, &who->a, who->roles, sizeof(who->roles));
	return &who->a;
}

bool org_form_refusal(const struct fz_err *e)
{
	return e->status >= 400 && e->status < 500 && e->status != 404;
}

int org_service_fail(struct req *r, const struct fz_err *e)
{
	return req_fail(r, e->status ? e->status : 500,
			e->code[0] ? e->code : "internal", "%s", e->msg);
}

void org_put_time(struct buf *b, int64_t t, const char *never)
{
	char iso[21], local[17];

	if (t <= 0) {
		html(b, "<span class=\"muted\">%s</span>", never);
		return;
	}
	clock_iso_utc(t, iso);
	clock_local_minute(t, local);
	html(b, "<time datetime=\"%s\">%s</time>", iso, local);
}

int org_create_user(struct req *r, const struct user_spec *spec,
		    char pw[21], int64_t *id, struct fz_err *err)
{
	struct org_actor who;
	const struct actor *a = org_actor(r, &who);

	password_generate(pw);
	if (account_create(r->db, a, spec, pw, id, err)) {
		crypto_cleanse(pw, 21);
		return FZ_ERR;
	}
	return 0;
}
