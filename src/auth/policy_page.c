/* policy_page.c: the security policy form of the security administrator
 *
 * Every field of policy_fields[] is shown with its value in force, its
 * default and its range.  A change is all or nothing: one value out of
 * range refuses the whole form, and an accepted one is stored together
 * with its audit entry (before and after, security row AC-05) in one
 * transaction.
 */
#include "http/pages.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/util.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "store/store.h"

#define TITLE "安全策略"

/* One input per field; `entered` holds the submitted text to show again
 * after a refusal (NULL: show the values in force), `bad` marks fields
 * that were refused. */
static void policy_field(struct req *r, const struct policy_field *f,
			 const struct policy *cur, const struct policy *def,
			 const char *entered, bool bad)
{
	char val[16];

	snprintf(val, sizeof(val), "%d", policy_value(cur, f));
	html(&r->out, "<div class=\"field\"><label for=\"p-%s\">%s</label>"
	     "<input id=\"p-%s\" name=\"%s\" type=\"number\" "
	     "inputmode=\"numeric\" step=\"1\" min=\"%d\" max=\"%d\" "
	     "value=\"%s\" required aria-describedby=\"p-%s-hint\"%r>",
	     f->key, f->label, f->key, f->key, f->min, f->max,
	     entered ? entered : val, f->key,
	     bad ? " aria-invalid=\"true\"" : "");
	html(&r->out, "<p class=\"muted\" id=\"p-%s-hint\">默认值 %d，"
	     "范围 %d–%d%r</p></div>", f->key, policy_value(def, f), f->min,
	     f->max, bad ? "<strong class=\"error-text\">（此项无效）"
	     "</strong>" : "");
}

/* `entered` and `bad` are per field as above, or NULL. */
static int render(struct req *r, const char *const *entered,
		  const bool *bad, const char *error, int status)
{
	struct policy cur, def;
	int i;

	policy_get(r->db, &cur);
	policy_defaults(&def);
	page_begin(r, TITLE);
	page_alert(&r->out, NULL, error);
	html(&r->out, "<p class=\"muted\">密码、登录锁定、会话超时与审计签名"
	     "的规则。每次修改都会记入审计日志（修改前后的值）。</p>"
	     "<form method=\"post\" action=\"/admin/policy\" "
	     "class=\"form card\">");
	html_hidden(&r->out, "csrf", session_csrf(r));
	for (i = 0; i < policy_field_count; i++)
		policy_field(r, &policy_fields[i], &cur, &def,
			     entered ? entered[i] : NULL, bad && bad[i]);
	html(&r->out, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">保存</button></div></form>");
	page_end(r);
	return status;
}

/* GET /admin/policy: the form with the policy in force. */
int page_policy(struct req *r)
{
	return render(r, NULL, NULL, NULL, 200);
}

/* Read every field into `p` (which starts as the policy in force, so a
 * field unknown to the form keeps its value); the number of refused
 * fields, each marked in `bad`. */
static int read_form(struct req *r, struct policy *p, const char **entered,
		     bool *bad, struct buf *msg)
{
	int i, nbad = 0;

	for (i = 0; i < policy_field_count; i++) {
		const struct policy_field *f = &policy_fields[i];
		const char *s = req_form(r, f->key);
		int64_t v;

		entered[i] = s ? s : "";
		bad[i] = !s || kv_count(&r->form, f->key) != 1 ||
			 parse_int64(s, f->min, f->max, &v);
		if (bad[i]) {
			buf_printf(msg, "%s“%s”须为 %d–%d 之间的整数",
				   nbad++ ? "；" : "", f->label, f->min,
				   f->max);
			continue;
		}
		policy_set_value(p, f, (int)v);
	}
	return nbad;
}

static bool policy_same(const struct policy *a, const struct policy *b)
{
	int i;

	for (i = 0; i < policy_field_count; i++)
		if (policy_value(a, &policy_fields[i]) !=
		    policy_value(b, &policy_fields[i]))
			return false;
	return true;
}

/* Store `next` and its audit entry in one transaction; `*same` tells a
 * form that changed nothing (then nothing is written). */
static int save(struct req *r, const struct policy *next, bool *same)
{
	struct policy before, after = *next;
	int64_t seq;
	int rc = db_begin(r->db);

	if (rc < 0)
		return rc;
	/* "before" is read inside the write transaction, past the cache,
	 * so it is the value this change really replaces. */
	policy_invalidate();
	policy_get(r->db, &before);
	*same = policy_same(&before, &after);
	if (*same)
		return db_rollback(r->db) < 0 ? DB_ERR : 0;
	rc = policy_save(r->db, &after, r->user->id);
	if (rc >= 0) {
		seq = audit_req(r, "policy.update", "policy", "success",
				json_pack("{s:o,s:o}", "before",
					  policy_to_json(&before), "after",
					  policy_to_json(&after)));
		rc = seq < 0 ? (int)seq : 0;
	}
	if (rc >= 0)
		rc = db_commit(r->db);
	if (rc < 0)
		db_rollback(r->db);
	/* Drop what another request may have cached between the write and
	 * the commit (or during a rollback). */
	policy_invalidate();
	if (rc >= 0)
		audit_set_spacing(after.audit_checkpoint_every,
				  after.audit_checkpoint_minutes);
	return rc < 0 ? rc : 0;
}

/* POST /admin/policy: validate every field, then save and audit. */
int page_policy_update(struct req *r)
{
	const char *entered[64];
	bool bad[64], same = false;
	struct buf msg = BUF_INIT;
	struct policy next;
	int rc;

	if (policy_field_count > (int)ARRAY_SIZE(entered))
		return req_fail(r, 500, "internal", "安全策略字段过多");
	policy_get(r->db, &next);
	if (read_form(r, &next, entered, bad, &msg)) {
		rc = render(r, entered, bad, buf_cstr(&msg), 400);
		buf_release(&msg);
		return rc;
	}
	buf_release(&msg);
	rc = save(r, &next, &same);
	if (rc < 0)
		return req_db_fail(r, rc);
	req_flash(r, same ? "安全策略没有变化" : "安全策略已保存");
	return req_redirect(r, "/admin/policy");
}
