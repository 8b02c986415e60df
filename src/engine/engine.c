/* engine.c: cases, actions and history */
#include "engine/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "crypto/crypto.h"
#include "engine/clock.h"
#include "engine/engine_util.h"
#include "store/store.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000
#define DEPTS_MAX 50        /* departments one field may name */

static cal_day today_of(const struct engine_ctx *ctx)
{
	return cal_day_of(ctx->now);
}

static int year_of(cal_day d)
{
	char s[11];

	cal_format(d, s);
	return (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	       (s[3] - '0');
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* A name from the request, fit to quote in a message: short and plain
 * ASCII, or a placeholder (a cut could split a character). */
static const char *quotable(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > 40)
		return "？";
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-' || s[i] == '.'))
			return "？";
	return s;
}

/* ---- reading cases ---- */

#define CASE_COLS \
	"id, proc, version, number, year, seq, state, is_final, title, " \
	"channel, category, origin_dept_id, dept_id, assignee_id, " \
	"merged_into, created_by, created_at, updated_at, closed_at, fields"

static void read_case(struct db_rows *r, struct case_info *c, bool fields)
{
	memset(c, 0, sizeof(*c));
	c->id = db_int(r, 0);
	c->procedure = xstrdup(str_or_empty(db_text(r, 1)));
	c->version = (int)db_int(r, 2);
	c->wf = workflow_find(c->procedure, c->version);
	c->number = xstrdup(str_or_empty(db_text(r, 3)));
	c->year = (int)db_int(r, 4);
	c->seq = db_int(r, 5);
	c->state = xstrdup(str_or_empty(db_text(r, 6)));
	c->final = db_int(r, 7) != 0;
	c->title = xstrdup(str_or_empty(db_text(r, 8)));
	c->channel = xstrdup(str_or_empty(db_text(r, 9)));
	c->category = xstrdup(str_or_empty(db_text(r, 10)));
	c->origin_dept_id = db_int(r, 11);
	c->dept_id = db_int(r, 12);
	c->assignee_id = db_int(r, 13);
	c->merged_into = db_int(r, 14);
	c->created_by = db_int(r, 15);
	c->created_at = db_int(r, 16);
	c->updated_at = db_int(r, 17);
	c->closed_at = db_int(r, 18);
	if (fields)
		c->fields = json_loads(str_or_empty(db_text(r, 19)), 0, NULL);
	if (fields && !json_is_object(c->fields)) {
		json_decref(c->fields);
		c->fields = json_object();
	}
}

void case_info_release(struct case_info *c)
{
	free(c->procedure);
	free(c->number);
	free(c->state);
	free(c->title);
	free(c->channel);
	free(c->category);
	json_decref(c->fields);
	memset(c, 0, sizeof(*c));
}

/* A whole case row, for engine_row(). */
static void read_full_case(struct db_rows *r, void *elem, void *arg)
{
	read_case(r, elem, true);
	(void)arg;
}

/* 0, 1 when there is no such case, or a DB_E* code. */
static int load_case(struct db *db, int64_t id, struct case_info *c)
{
	memset(c, 0, sizeof(*c));
	return engine_row(db, db_query(db, "SELECT " CASE_COLS " FROM cases "
				       "WHERE id = ?", "i", id),
			  read_full_case, c, NULL);
}

int case_get(struct db *db, int64_t id, struct case_info *out,
	     struct fz_err *err)
{
	int rc = load_case(db, id, out);

	if (rc == 1)
		return fz_fail(err, 404, "not_found", "该事项不存在");
	return rc < 0 ? db_failed(err, rc) : 0;
}

int case_find_number(struct db *db, const char *number, int64_t *id)
{
	return db_scalar_int(db, id, "SELECT id FROM cases WHERE number = ?",
			     "s", number);
}

int case_handled(struct db *db, int64_t id, const struct workflow *w)
{
	int64_t n = 0;
	int rc;

	if (!w || !w->primary)
		return 0;
	rc = db_scalar_int(db, &n, "SELECT COUNT(*) FROM case_clocks WHERE "
			   "case_id = ? AND clock_id = ? AND stopped_day IS "
			   "NOT NULL", "is", id, w->primary->id);
	return rc < 0 ? rc : n > 0;
}

static bool json_has_id(json_t *v, int64_t id)
{
	json_t *e;
	size_t i;

	if (json_is_integer(v))
		return json_integer_value(v) == id;
	json_array_foreach(v, i, e)
		if (json_integer_value(e) == id)
			return true;
	return false;
}

/* Whether a multiple dept field of the case names `dept`: one of the
 * departments that co-handle it. */
static bool names_dept(const struct case_info *c, int64_t dept)
{
	size_t i;

	for (i = 0; c->wf && dept && i < c->wf->nfields; i++) {
		const struct wf_field *f = &c->wf->fields[i];

		if (f->type == WF_DEPT && f->multiple &&
		    json_has_id(json_object_get(c->fields, f->name), dept))
			return true;
	}
	return false;
}

bool case_may_read(const struct engine_ctx *ctx, const struct case_info *c)
{
	if (c->wf && (ctx->roles & c->wf->read_roles))
		return true;
	if (ctx->dept_id && (ctx->dept_id == c->dept_id ||
			     ctx->dept_id == c->origin_dept_id))
		return true;
	if (ctx->actor.id && ctx->actor.id == c->assignee_id)
		return true;
	return names_dept(c, ctx->dept_id);
}

/* ---- checking an action ---- */

static int check_role(const struct engine_ctx *ctx, const struct wf_action *a,
		      struct fz_err *err)
{
	struct buf who = BUF_INIT;
	int rc;

	if (ctx->roles & a->roles)
		return 0;
	wf_roles_text(a->roles, &who);
	rc = fz_fail(err, 403, "role_denied", "“%s”须由%s办理", a->label,
		     buf_cstr(&who));
	buf_release(&who);
	return rc;
}

/* State, role and department; not the fields or the clocks. */
static int check_action(const struct engine_ctx *ctx,
			const struct workflow *w, const struct case_info *c,
			const struct wf_action *a, struct fz_err *err)
{
	const char *state = wf_state_label(w, c->state);

	if (c->final)
		return fz_fail(err, 409, "case_final", "该事项已终结（状态为"
			       "“%s”），不能再执行“%s”", state, a->label);
	if (a->create || !wf_action_from(a, c->state))
		return fz_fail(err, 409, "wrong_state", "该事项当前状态为"
			       "“%s”，不能执行“%s”", state, a->label);
	if (check_role(ctx, a, err))
		return FZ_ERR;
	if (a->scope == WF_SCOPE_HANDLING &&
	    (!ctx->dept_id || ctx->dept_id != c->dept_id))
		return fz_fail(err, 403, "wrong_dept", "该事项不由您所在部门"
			       "承办，不能执行“%s”", a->label);
	if (a->scope == WF_SCOPE_ORIGIN &&
	    (!ctx->dept_id || ctx->dept_id != c->origin_dept_id))
		return fz_fail(err, 403, "wrong_dept", "该事项不由您所在部门"
			       "登记，不能执行“%s”", a->label);
	return 0;
}

/* ---- fields ---- */

/* An id given as a JSON integer or a decimal string; 0 when neither. */
static int64_t id_value(json_t *v)
{
	int64_t id = 0;

	if (json_is_integer(v))
		return json_integer_value(v) > 0 ? json_integer_value(v) : 0;
	if (json_is_string(v) &&
	    parse_int64(json_string_value(v), 1, INT64_MAX, &id))
		return 0;
	return id;
}

/* A copy of the string without leading and trailing white space, or
 * NULL when it is not valid text. */
static char *trimmed(json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);

	if (!s || strlen(s) != n || !utf8_valid(s, n))
		return NULL;
	while (n && strchr(" \t\r\n", *s)) {
		s++;
		n--;
	}
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static int bad_value(const struct wf_field *f, struct fz_err *err)
{
	switch (f->type) {
	case WF_INT:
		return fz_fail(err, 400, "field_invalid", "“%s”须为 %lld 到 "
			       "%lld 之间的整数", f->label,
			       (long long)f->min, (long long)f->max);
	case WF_DATE:
		return fz_fail(err, 400, "field_invalid", "“%s”须为 "
			       "YYYY-MM-DD 格式的日期", f->label);
	case WF_ENUM:
		return fz_fail(err, 400, "field_invalid", "“%s”的选项无效",
			       f->label);
	case WF_DEPT:
	case WF_USER:
	case WF_CASE:
		return fz_fail(err, 400, "field_invalid", "“%s”无效",
			       f->label);
	case WF_FILE:
		return fz_fail(err, 400, "field_invalid", "“%s”须为已上传"
			       "附件的编号，最多 %lld 个", f->label,
			       (long long)f->max);
	default:
		return fz_fail(err, 400, "field_invalid", "“%s”含有无效字符",
			       f->label);
	}
}

static int norm_text(const struct wf_field *f, char *s, json_t **out,
		     struct fz_err *err)
{
	size_t chars = utf8_chars(s, strlen(s));

	if (chars > (size_t)f->max)
		return fz_fail(err, 400, "field_invalid", "“%s”不能超过 %lld "
			       "个字（现有 %zu 个）", f->label,
			       (long long)f->max, chars);
	*out = json_string(s);
	return 0;
}

static int norm_scalar(const struct wf_field *f, char *s, json_t **out,
		       struct fz_err *err)
{
	int64_t n;
	cal_day d;
	size_t i;

	switch (f->type) {
	case WF_TEXT:
		return norm_text(f, s, out, err);
	case WF_INT:
		if (parse_int64(s, f->min, f->max, &n))
			return bad_value(f, err);
		*out = json_integer(n);
		return 0;
	case WF_DATE:
		if (cal_parse(s, &d))
			return bad_value(f, err);
		*out = json_string(s);
		return 0;
	case WF_ENUM:
		for (i = 0; i < f->nvalues; i++)
			if (strcmp(f->values[i].id, s) == 0) {
				*out = json_string(s);
				return 0;
			}
		return bad_value(f, err);
	default:
		if (parse_int64(s, 1, INT64_MAX, &n))
			return bad_value(f, err);
		*out = json_integer(n);
		return 0;
	}
}

/* A list of ids (departments, attachments): a JSON array of ids, or one
 * id; at most `max`. */
static int norm_ids(const struct wf_field *f, json_t *v, size_t max,
		    json_t **out, struct fz_err *err)
{
	json_t *e;
	size_t i;

	*out = json_array();
	if (!json_is_array(v)) {
		if (!id_value(v))
			goto bad;
		json_array_append_new(*out, json_integer(id_value(v)));
		return 0;
	}
	json_array_foreach(v, i, e) {
		if (!id_value(e) || i >= max)
			goto bad;
		json_array_append_new(*out, json_integer(id_value(e)));
	}
	if (json_array_size(*out))
		return 0;
	json_decref(*out);
	*out = NULL;
	return 1;
bad:
	json_decref(*out);
	*out = NULL;
	return bad_value(f, err);
}

/* One value into its stored form: 0 with *out set, 1 when it is empty
 * (taken as not given), or FZ_ERR with err filled. */
static int norm_value(const struct wf_field *f, json_t *v, json_t **out,
		      struct fz_err *err)
{
	char *s, buf[32];
	int rc;

	*out = NULL;
	if (json_is_null(v))
		return 1;
	if (f->type == WF_DEPT && f->multiple)
		return norm_ids(f, v, DEPTS_MAX, out, err);
	if (f->type == WF_FILE)
		return norm_ids(f, v, (size_t)f->max, out, err);
	if (json_is_integer(v) && f->type != WF_TEXT && f->type != WF_DATE &&
	    f->type != WF_ENUM) {
		snprintf(buf, sizeof(buf), "%lld",
			 (long long)json_integer_value(v));
		s = xstrdup(buf);
	} else if (json_is_string(v)) {
		s = trimmed(v);
		if (!s)
			return bad_value(f, err);
	} else {
		return bad_value(f, err);
	}
	rc = *s ? norm_scalar(f, s, out, err) : 1;
	free(s);
	return rc;
}

/* The action's fields checked and in stored form (a new object). */
static int norm_fields(const struct wf_action *a, const struct workflow *w,
		       json_t *in, json_t **out, struct fz_err *err)
{
	const char *key;
	json_t *v, *nv;
	size_t i;
	int rc;

	*out = json_object();
	if (in && !json_is_object(in))
		return fz_fail(err, 400, "field_invalid", "表单数据无效");
	json_object_foreach(in, key, v) {
		const struct wf_field *f = wf_field(w, key);

		if (!f || !wf_action_has_field(a, f))
			return fz_fail(err, 400, "unknown_field", "“%s”不需要"
				       "填写“%s”", a->label,
				       f ? f->label : quotable(key));
		rc = norm_value(f, v, &nv, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			json_object_set_new(*out, key, nv);
	}
	for (i = 0; i < a->nrequired; i++)
		if (!json_object_get(*out, a->required[i]->name))
			return fz_fail(err, 400, "field_required", "执行“%s”须"
				       "填写“%s”", a->label,
				       a->required[i]->label);
	return 0;
}

static int check_ref(struct db *db, const struct wf_field *f, int64_t id,
		     const char *procedure, struct fz_err *err)
{
	int64_t n = 0;
	int rc;

	if (f->type == WF_DEPT)
		rc = db_scalar_int(db, &n, "SELECT COUNT(*) FROM departments "
				   "WHERE id = ?", "i", id);
	else if (f->type == WF_USER)
		rc = db_scalar_int(db, &n, "SELECT COUNT(*) FROM users WHERE "
				   "id = ? AND disabled = 0 AND kind = "
				   "'staff'", "i", id);
	else
		rc = db_scalar_int(db, &n, "SELECT COUNT(*) FROM cases WHERE "
				   "id = ? AND proc = ?", "is", id, procedure);
	if (rc < 0)
		return db_failed(err, rc);
	return n ? 0 : fz_fail(err, 400, "field_invalid", "“%s”所选的%s"
				"不存在", f->label, f->type == WF_DEPT ?
				"部门" : f->type == WF_USER ? "人员" :
				"事项");
}

/* Departments, users and cases named by the fields must exist. */
static int check_refs(struct db *db, const struct workflow *w,
		      json_t *fields, struct fz_err *err)
{
	const char *key;
	json_t *v, *e;
	size_t i;
	int rc = 0;

	json_object_foreach(fields, key, v) {
		const struct wf_field *f = wf_field(w, key);

		if (f->type != WF_DEPT && f->type != WF_USER &&
		    f->type != WF_CASE)
			continue;
		if (json_is_array(v)) {
			json_array_foreach(v, i, e)
				if ((rc = check_ref(db, f,
						    json_integer_value(e),
						    w->procedure, err)))
					return rc;
		} else if ((rc = check_ref(db, f, json_integer_value(v),
					   w->procedure, err))) {
			return rc;
		}
	}
	return 0;
}

static int check_merge(struct db *db, const struct wf_action *a,
		       const struct case_info *c, json_t *fields,
		       int64_t *target, struct fz_err *err)
{
	struct case_info t;
	int rc;

	*target = json_integer_value(json_object_get(fields,
						     a->merge_into->name));
	if (*target == c->id)
		return fz_fail(err, 409, "merge_invalid",
			       "不能与本事项自身合并");
	rc = load_case(db, *target, &t);
	if (rc == 0 && !t.final && !t.merged_into &&
	    (rc = case_handled(db, t.id, t.wf)) == 1)
		rc = 2;         /* found, but no longer handled */
	if (rc < 0)
		rc = db_failed(err, rc);
	else if (rc == 1)
		rc = fz_fail(err, 400, "field_invalid", "合并的对象不存在");
	else if (t.final)
		rc = fz_fail(err, 409, "merge_invalid", "“%s”已终结，不能作为"
			     "合并的对象", t.number);
	else if (t.merged_into)
		rc = fz_fail(err, 409, "merge_invalid", "“%s”本身已合并到其他"
			     "事项", t.number);
	/* A duplicate joins a case still being handled: one whose reply
	 * is out would never answer what the duplicate asks. */
	else if (rc == 2)
		rc = fz_fail(err, 409, "merge_invalid", "“%s”的%s已停止计时，"
			     "不再办理，不能作为合并的对象", t.number,
			     t.wf->primary->label);
	case_info_release(&t);
	return rc;
}

/* ---- one step ---- */

struct step {
	const struct engine_ctx *ctx;
	const struct workflow *w;
	const struct wf_action *a;
	struct case_info *c;        /* as before the step */
	json_t *fields;             /* the action's, normalised */
	bool create;
	int64_t event_id;           /* set by insert_event() */
};

static const char *summary(json_t *fields, const struct wf_field *f,
			   const char *old)
{
	const char *s = f ? json_string_value(json_object_get(fields,
							      f->name)) :
			NULL;

	return s ? s : old;
}

static int update_case(struct step *s, json_t *all, const char *to,
		       bool final, int64_t merged, struct fz_err *err)
{
	const struct case_info *c = s->c;
	const struct wf_action *a = s->a;
	int64_t dept = c->dept_id, assignee = c->assignee_id;
	char *text = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	if (a->set_dept)
		dept = json_integer_value(json_object_get(s->fields,
							  a->set_dept->name));
	if (a->to_origin)
		dept = c->origin_dept_id;
	if (a->set_assignee && json_object_get(s->fields,
					       a->set_assignee->name))
		assignee = json_integer_value(json_object_get(
			s->fields, a->set_assignee->name));
	else if (a->set_dept || a->to_origin)
		assignee = 0;   /* a new department picks its own */
	rc = db_exec(s->ctx->db, "UPDATE cases SET state = ?, is_final = ?, "
		     "title = ?, channel = ?, category = ?, dept_id = ?, "
		     "assignee_id = ?, merged_into = ?, fields = ?, "
		     "updated_at = ?, closed_at = ? WHERE id = ?",
		     "sissszzzsiii", to, (int64_t)final,
		     summary(all, s->w->title_field, c->title),
		     summary(all, s->w->channel_field, c->channel),
		     summary(all, s->w->category_field, c->category), dept,
		     assignee, merged, text, s->ctx->now,
		     final ? s->ctx->now : (int64_t)0, c->id);
	free(text);
	return rc < 0 ? db_failed(err, rc) : 0;
}

static int insert_event(struct step *s, const char *to, const char *text,
			struct fz_err *err)
{
	const struct engine_ctx *ctx = s->ctx;
	int64_t seq;
	int rc = engine_next_event_seq(ctx->db, s->c->id, &seq);

	if (rc >= 0)
		rc = db_scalar_int(ctx->db, &s->event_id, "INSERT INTO "
				   "case_events (case_id, seq, action, "
				   "from_state, to_state, actor_id, actor, "
				   "actor_dept_id, ts, fields, legal_review) "
				   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				   "RETURNING id", "iissszszisi", s->c->id, seq,
				   s->a->id, s->create ? "" : s->c->state, to,
				   ctx->actor.id, ctx->actor.login ?
				   ctx->actor.login : "system", ctx->dept_id,
				   ctx->now, text, (int64_t)s->a->legal_review);
	return rc ? db_failed(err, rc < 0 ? rc : DB_ERR) : 0;
}

/* The uploads a file field names become the case's, and the event's
 * that carries them: only unbound, unexpired uploads of this actor (0
 * for the public), so nobody can take another's file into a case. */
static int bind_one(struct step *s, const struct wf_field *f, int64_t id,
		    struct fz_err *err)
{
	int64_t got = 0;
	int rc = db_scalar_int(s->ctx->db, &got, "UPDATE attachments SET "
			       "case_id = ?, event_id = ?, field = ? WHERE "
			       "id = ? AND case_id IS NULL AND expired_at = 0 "
			       "AND COALESCE(uploaded_by, 0) = ? RETURNING id",
			       "iisii", s->c->id, s->event_id, f->name, id,
			       s->ctx->actor.id);

	if (rc < 0)
		return db_failed(err, rc);
	if (rc == 1)
		return fz_fail(err, 400, "field_invalid", "“%s”中的附件 %lld "
			       "不存在，或已用于其他事项", f->label,
			       (long long)id);
	return 0;
}

static int bind_files(struct step *s, struct fz_err *err)
{
	const char *key;
	json_t *v, *e;
	size_t i;
	int rc = 0;

	json_object_foreach(s->fields, key, v) {
		const struct wf_field *f = wf_field(s->w, key);

		if (f->type != WF_FILE)
			continue;
		json_array_foreach(v, i, e)
			if ((rc = bind_one(s, f, json_integer_value(e), err)))
				return rc;
	}
	return 0;
}

static int audit_step(struct step *s, const char *to, const char *text,
		      struct fz_err *err)
{
	uint8_t md[SM3_LEN];
	struct buf hex = BUF_INIT;
	json_t *names = json_array();
	const char *key;
	json_t *v;
	char action[64], obj[48];
	int64_t rc;

	json_object_foreach(s->fields, key, v)
		json_array_append_new(names, json_string(key));
	crypto_sm3(text, strlen(text), md);
	buf_hex(&hex, md, sizeof(md));
	snprintf(action, sizeof(action), "case.%s", s->a->id);
	snprintf(obj, sizeof(obj), "case:%lld", (long long)s->c->id);
	rc = audit_as(s->ctx->db, &s->ctx->actor, action, obj, "success",
		      json_pack("{s:s,s:s,s:i,s:s,s:s,s:o,s:s}", "number",
				s->c->number, "procedure", s->w->procedure,
				"version", s->w->version, "from",
				s->create ? "" : s->c->state, "to", to,
				"fields", names, "fields_sm3",
				buf_cstr(&hex)));
	buf_release(&hex);
	return rc < 0 ? db_failed(err, (int)rc) : 0;
}

static int run_step(struct step *s, struct fz_err *err)
{
	const struct wf_action *a = s->a;
	const char *to = a->to ? a->to->id : s->c->state;
	const struct wf_state *st = wf_state(s->w, to);
	bool final = st && st->final;
	json_t *all = json_deep_copy(s->c->fields);
	char *text = json_dumps(s->fields, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t merged = s->c->merged_into;
	struct clock_act ca = {
		s->ctx->db, s->ctx->cal, s->w, s->c->id, a, all, s->fields,
		s->ctx->roles, today_of(s->ctx), s->ctx->now, final, false,
	};
	int rc;

	json_object_update(all, s->fields);
	rc = check_refs(s->ctx->db, s->w, s->fields, err);
	if (!rc && a->merge_into)
		rc = check_merge(s->ctx->db, a, s->c, s->fields, &merged, err);
	if (!rc)
		rc = update_case(s, all, to, final, merged, err);
	if (!rc)
		rc = insert_event(s, to, text, err);
	if (!rc)
		rc = bind_files(s, err);
	if (!rc)
		rc = clock_apply(&ca, err);
	if (!rc)
		rc = audit_step(s, to, text, err);
	json_decref(all);
	free(text);
	return rc;
}

/* ---- create and act ---- */

static int next_seq(struct db *db, const char *proc, int year, int64_t *seq)
{
	int rc = db_scalar_int(db, seq, "SELECT next_seq FROM case_counters "
			       "WHERE proc = ? AND year = ?", "si", proc,
			       (int64_t)year);

	if (rc == 1) {
		*seq = 1;
		rc = db_exec(db, "INSERT INTO case_counters (proc, year, "
			     "next_seq) VALUES (?, ?, 2)", "si", proc,
			     (int64_t)year);
	} else if (rc == 0) {
		rc = db_exec(db, "UPDATE case_counters SET next_seq = "
			     "next_seq + 1 WHERE proc = ? AND year = ?", "si",
			     proc, (int64_t)year);
	}
	return rc < 0 ? rc : 0;
}

/* The case row, numbered; the step fills in the rest. */
static int insert_case(const struct engine_ctx *ctx, const struct workflow *w,
		       struct case_info *c, struct fz_err *err)
{
	struct buf num = BUF_INIT;
	struct db_rows *rows;
	int64_t seq;
	int year = year_of(today_of(ctx));
	int rc = next_seq(ctx->db, w->procedure, year, &seq);

	if (rc < 0)
		return db_failed(err, rc);
	wf_format_number(w, year, seq, &num);
	rows = db_query(ctx->db, "INSERT INTO cases (proc, version, year, "
			"seq, number, state, origin_dept_id, dept_id, fields, "
			"created_by, created_at, updated_at) VALUES (?, ?, ?, "
			"?, ?, ?, ?, ?, '{}', ?, ?, ?) RETURNING id",
			"siiisszzzii", w->procedure, (int64_t)w->version,
			(int64_t)year, seq, buf_cstr(&num), w->create->to->id,
			ctx->dept_id, ctx->dept_id, ctx->actor.id, ctx->now,
			ctx->now);
	memset(c, 0, sizeof(*c));
	c->number = buf_detach(&num, NULL);
	if (!rows)
		return db_failed(err, db_errcode(ctx->db));
	rc = db_next(rows);
	c->id = rc == 1 ? db_int(rows, 0) : 0;
	db_rows_free(rows);
	if (rc != 1)
		return db_failed(err, rc < 0 ? rc : DB_ERR);
	c->procedure = xstrdup(w->procedure);
	c->version = w->version;
	c->wf = w;
	c->state = xstrdup(w->create->to->id);
	c->title = xstrdup("");
	c->channel = xstrdup("");
	c->category = xstrdup("");
	c->origin_dept_id = c->dept_id = ctx->dept_id;
	c->fields = json_object();
	return 0;
}

/* Commit after a step that returned 0, else roll back. */
/* End the action's transaction: commit or roll back the engine's own,
 * or, when the action joined its caller's (own == false), leave the
 * commit to the caller, who must roll back after a refusal. */
static int finish_tx(struct db *db, bool own, int rc, struct fz_err *err)
{
	int end;

	if (!own)
		return rc ? FZ_ERR : 0;
	end = engine_end_tx(db, rc);

	if (rc == 0 && end < 0)
		db_failed(err, end);     /* the commit failed */
	return end ? FZ_ERR : 0;
}

int case_create(const struct engine_ctx *ctx, const char *procedure,
		json_t *fields, int64_t *id, struct fz_err *err)
{
	const struct workflow *w = workflow_find(procedure, 0);
	struct case_info c = { 0 };
	struct step s = { ctx, w, NULL, &c, NULL, true, 0 };
	bool own = !db_in_tx(ctx->db);
	int rc;

	if (!w)
		return fz_fail(err, 404, "unknown_procedure", "没有“%s”"
			       "这一办理程序", quotable(procedure));
	s.a = w->create;
	rc = check_role(ctx, s.a, err);
	if (!rc)
		rc = norm_fields(s.a, w, fields, &s.fields, err);
	if (!rc && own && (rc = db_begin(ctx->db)) < 0)
		rc = db_failed(err, rc);
	if (!rc)
		rc = insert_case(ctx, w, &c, err);
	if (!rc)
		rc = run_step(&s, err);
	if (db_in_tx(ctx->db))
		rc = finish_tx(ctx->db, own, rc, err);
	if (rc == 0 && id)
		*id = c.id;
	json_decref(s.fields);
	case_info_release(&c);
	return rc;
}

int case_act(const struct engine_ctx *ctx, int64_t case_id,
	     const char *action, json_t *fields, struct fz_err *err)
{
	struct case_info c = { 0 };
	struct step s = { ctx, NULL, NULL, &c, NULL, false, 0 };
	bool own = !db_in_tx(ctx->db);
	int rc = own ? db_begin(ctx->db) : 0;

	if (rc < 0)
		return db_failed(err, rc);
	rc = load_case(ctx->db, case_id, &c);
	if (rc == 1)
		rc = fz_fail(err, 404, "not_found", "该事项不存在");
	else if (rc < 0)
		rc = db_failed(err, rc);
	else if (!(s.w = c.wf))
		rc = fz_fail(err, 500, "workflow_missing", "该事项所依据的程序"
			     "定义（%s 第 %d 版）未加载", c.procedure,
			     c.version);
	else if (!(s.a = wf_action(s.w, action)))
		rc = fz_fail(err, 400, "unknown_action", "“%s”程序没有"
			     "“%s”这一操作", s.w->title, quotable(action));
	if (!rc)
		rc = check_action(ctx, s.w, &c, s.a, err);
	if (!rc)
		rc = norm_fields(s.a, s.w, fields, &s.fields, err);
	if (!rc)
		rc = run_step(&s, err);
	rc = finish_tx(ctx->db, own, rc, err);
	json_decref(s.fields);
	case_info_release(&c);
	return rc;
}

/* ---- what may be done ---- */

void action_list_release(struct action_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool case_may_create(const struct engine_ctx *ctx, const char *procedure)
{
	const struct workflow *w = workflow_find(procedure, 0);

	return w && (ctx->roles & w->create->roles);
}

int case_available_actions(const struct engine_ctx *ctx, int64_t case_id,
			   struct action_list *out, struct fz_err *err)
{
	struct case_info c;
	struct fz_err ignored;
	json_t *none = json_object();
	size_t i;
	int rc = case_get(ctx->db, case_id, &c, err);

	out->v = NULL;
	out->n = 0;
	if (rc)
		return rc;
	out->v = xcalloc(c.wf ? c.wf->nactions + 1 : 1, sizeof(*out->v));
	for (i = 0; c.wf && i < c.wf->nactions; i++) {
		const struct wf_action *a = &c.wf->actions[i];
		struct clock_act ca = {
			ctx->db, ctx->cal, c.wf, c.id, a, c.fields, none,
			ctx->roles, today_of(ctx), ctx->now, false, true,
		};

		if (check_action(ctx, c.wf, &c, a, &ignored) ||
		    clock_apply(&ca, &ignored))
			continue;
		out->v[out->n++] = a;
	}
	json_decref(none);
	case_info_release(&c);
	return 0;
}

/* ---- history ---- */

static const char *event_label(const struct workflow *w, const char *action)
{
	const struct wf_action *a = w ? wf_action(w, action) : NULL;

	if (a)
		return a->label;
	return strcmp(action, "supervise") == 0 ? "督办" : action;
}

/* Every row is of the one case, so of one definition: `arg` keeps it. */
static void read_event(struct db_rows *r, void *elem, void *arg)
{
	const struct workflow **w = arg;
	struct case_event *e = elem;

	if (!*w)
		*w = workflow_find(db_text(r, 11), (int)db_int(r, 12));
	e->id = db_int(r, 0);
	e->seq = (int)db_int(r, 1);
	e->action = xstrdup(str_or_empty(db_text(r, 2)));
	e->label = event_label(*w, e->action);
	e->from_state = xstrdup(str_or_empty(db_text(r, 3)));
	e->to_state = xstrdup(str_or_empty(db_text(r, 4)));
	e->actor_id = db_int(r, 5);
	e->actor = xstrdup(str_or_empty(db_text(r, 6)));
	e->actor_dept_id = db_int(r, 7);
	e->at = db_int(r, 8);
	e->fields = json_loads(str_or_empty(db_text(r, 9)), 0, NULL);
	e->legal_review = db_int(r, 10) != 0;
}

static void drop_event(void *elem)
{
	struct case_event *e = elem;

	free(e->action);
	free(e->from_state);
	free(e->to_state);
	free(e->actor);
	json_decref(e->fields);
}

static const struct row_reader event_rows = {
	sizeof(struct case_event), read_event, drop_event,
};

int case_history(struct db *db, int64_t case_id, struct case_event **out,
		 size_t *n)
{
	const struct workflow *w = NULL;
	int rc;

	*out = engine_rows(db, db_query(db, "SELECT e.id, e.seq, e.action, "
					"e.from_state, e.to_state, "
					"e.actor_id, e.actor, "
					"e.actor_dept_id, e.ts, e.fields, "
					"e.legal_review, c.proc, c.version "
					"FROM case_events e JOIN cases c ON "
					"c.id = e.case_id WHERE e.case_id = ? "
					"ORDER BY e.seq", "i", case_id),
			   &event_rows, &w, n, &rc);
	return rc;
}

void case_events_free(struct case_event *ev, size_t n)
{
	engine_rows_free(ev, n, &event_rows);
}

/* ---- lists and statistics ---- */

static void drop_case(void *elem)
{
	case_info_release(elem);
}

/* A case row without its fields, as case_list() hands them on. */
static void read_list_case(struct db_rows *r, void *elem, void *arg)
{
	read_case(r, elem, false);
	(void)arg;
}

static const struct row_reader list_rows = {
	sizeof(struct case_info), read_list_case, drop_case,
};

static const struct row_reader full_rows = {
	sizeof(struct case_info), read_full_case, drop_case,
};

/*
 * The cases co-handled by `dept`, as ",id,id," for LIST_WHERE (fields
 * are JSON text, which SQL cannot search portably).  The patterns only
 * narrow the search, as "[3,5]" in a text field matches them too; each
 * case's definition decides.  0 or a DB_E* code.
 */
static int co_handled(struct db *db, int64_t dept, struct buf *out)
{
	char p[4][48];
	struct case_info *v;
	size_t n, i;
	int rc;

	snprintf(p[0], sizeof(p[0]), "%%[%lld]%%", (long long)dept);
	snprintf(p[1], sizeof(p[1]), "%%[%lld,%%", (long long)dept);
	snprintf(p[2], sizeof(p[2]), "%%,%lld,%%", (long long)dept);
	snprintf(p[3], sizeof(p[3]), "%%,%lld]%%", (long long)dept);
	buf_putc(out, ',');
	v = engine_rows(db, db_query(db, "SELECT " CASE_COLS " FROM cases "
				     "WHERE fields LIKE ? OR fields LIKE ? OR "
				     "fields LIKE ? OR fields LIKE ?", "ssss",
				     p[0], p[1], p[2], p[3]),
			&full_rows, NULL, &n, &rc);
	for (i = 0; i < n; i++)
		if (names_dept(&v[i], dept))
			buf_printf(out, "%lld,", (long long)v[i].id);
	engine_rows_free(v, n, &full_rows);
	return rc;
}

/* The conditions of case_list() and of its count.  Each filter is a
 * fixed group of parameters led by its "any" value ("? = '' OR column =
 * ?"), so the text never changes with the filter. */
#define LIST_WHERE \
	" FROM cases WHERE (? = '' OR proc = ?)" \
	" AND (? = '' OR proc IN (?, ?, ?, ?))" \
	" AND (? = 0 OR year = ?) AND (? = '' OR channel = ?)" \
	" AND (? = 0 OR dept_id = ? OR origin_dept_id = ?)" \
	" AND (? = 0 OR assignee_id = ?) AND (? = '' OR state = ?)" \
	" AND (? = 0 OR is_final = 0)" \
	" AND (? = 0 OR dept_id = ? OR origin_dept_id = ? OR assignee_id = ?" \
	"  OR id IN (SELECT case_id FROM case_events WHERE actor_id = ?)" \
	"  OR state = ? OR ? LIKE ('%,' || CAST(id AS TEXT) || ',%'))"
#define LIST_FMT "sssssss" "ii" "ss" "iii" "ii" "ss" "i" "iiiii" "ss"
#define LIST_ARGS(a) \
	(a)->proc, (a)->proc, (a)->procs[0], (a)->procs[0], (a)->procs[1], \
	(a)->procs[2], (a)->procs[3], (a)->year, (a)->year, (a)->channel, \
	(a)->channel, (a)->dept, (a)->dept, (a)->dept, (a)->assignee, \
	(a)->assignee, (a)->state, (a)->state, (a)->open, (a)->reach, \
	(a)->reach_dept, (a)->reach_dept, (a)->reach_user, (a)->reach_user, \
	(a)->reach_state, buf_cstr(&(a)->co)

/* A filter as the parameters of LIST_WHERE: "" and 0 for "any", and -1
 * for a reach nobody is in (no id is -1, no state ""). */
struct list_args {
	const char *proc, *procs[CASE_FILTER_PROCS], *channel, *state;
	const char *reach_state;
	int64_t year, dept, assignee, open;
	int64_t reach, reach_dept, reach_user;
	struct buf co;              /* cases co-handled by reach_dept */
};

static int list_args(struct db *db, const struct case_filter *f,
		     struct list_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	buf_init(&a->co, BUF_DEFAULT_MAX);
	a->proc = str_or_empty(f->procedure);
	for (i = 0; i < CASE_FILTER_PROCS; i++)
		a->procs[i] = str_or_empty(f->procedures[i]);
	a->channel = str_or_empty(f->channel);
	a->state = str_or_empty(f->state);
	a->year = f->year;
	a->dept = f->dept_id;
	a->assignee = f->assignee_id;
	a->open = f->open_only;
	a->reach = f->reach;
	a->reach_dept = f->reach_dept > 0 ? f->reach_dept : -1;
	a->reach_user = f->reach_user > 0 ? f->reach_user : -1;
	a->reach_state = str_or_empty(f->reach_state);
	if (f->reach && f->reach_dept > 0)
		return co_handled(db, f->reach_dept, &a->co);
	buf_putc(&a->co, ',');
	return 0;
}

int case_list(struct db *db, const struct case_filter *f, case_list_fn fn,
	      void *arg)
{
	int limit = f->limit > 0 && f->limit <= LIST_MAX ? f->limit :
		    LIST_DEFAULT;
	struct list_args a;
	struct case_info *v = NULL;
	size_t n = 0, i;
	int rc = list_args(db, f, &a);

	if (rc == 0 && f->total)
		rc = db_scalar_int(db, f->total, "SELECT COUNT(*)" LIST_WHERE,
				   LIST_FMT, LIST_ARGS(&a));
	if (rc == 0)
		v = engine_rows(db, db_query(db, "SELECT " CASE_COLS
					     LIST_WHERE " ORDER BY id DESC "
					     "LIMIT ? OFFSET ?", LIST_FMT "ii",
					     LIST_ARGS(&a), (int64_t)limit,
					     (int64_t)(f->offset > 0 ?
						       f->offset : 0)),
				&list_rows, NULL, &n, &rc);
	for (i = 0; rc == 0 && i < n; i++)
		rc = fn(&v[i], arg);
	engine_rows_free(v, n, &list_rows);
	buf_release(&a.co);
	return rc;
}

#define STAT_SUMS \
	", COUNT(*), " \
	"SUM(CASE WHEN k.stopped_day IS NOT NULL AND k.cancelled = 0 " \
	"THEN 1 ELSE 0 END), " \
	"SUM(CASE WHEN k.stopped_day IS NOT NULL AND k.cancelled = 0 " \
	"AND k.stopped_day <= k.due_day THEN 1 ELSE 0 END), " \
	"SUM(CASE WHEN k.stopped_day IS NOT NULL AND k.cancelled = 0 " \
	"AND k.stopped_day > k.due_day THEN 1 ELSE 0 END), " \
	"SUM(CASE WHEN k.case_id IS NOT NULL AND k.stopped_day IS NULL " \
	"THEN 1 ELSE 0 END), " \
	"SUM(CASE WHEN k.stopped_day IS NULL AND k.paused_since IS NULL " \
	"AND k.due_day < ? THEN 1 ELSE 0 END) " \
	"FROM cases c LEFT JOIN case_clocks k ON k.case_id = c.id AND " \
	"k.clock_id = ? WHERE c.proc = ? AND c.year = ?"

/* The grouping column is chosen from this table, never from input. */
static const struct {
	const char *group;
	const char *sql;
} stat_sql[] = {
	{ "", "SELECT ''" STAT_SUMS },
	{ "channel", "SELECT c.channel" STAT_SUMS
	  " GROUP BY c.channel ORDER BY c.channel" },
	{ "category", "SELECT c.category" STAT_SUMS
	  " GROUP BY c.category ORDER BY c.category" },
	{ "dept", "SELECT CAST(COALESCE(c.dept_id, 0) AS TEXT)" STAT_SUMS
	  " GROUP BY COALESCE(c.dept_id, 0) ORDER BY COALESCE(c.dept_id, 0)" },
};

static void read_stat(struct db_rows *r, void *elem, void *arg)
{
	struct engine_stat *s = elem;
	/* The sums follow the key in the order STAT_SUMS computes them. */
	int64_t *sums[] = {
		&s->total, &s->handled, &s->on_time, &s->late, &s->open,
		&s->overdue,
	};
	size_t i;

	snprintf(s->key, sizeof(s->key), "%s", str_or_empty(db_text(r, 0)));
	for (i = 0; i < ARRAY_SIZE(sums); i++)
		*sums[i] = db_int(r, (int)i + 1);
	(void)arg;
}

static const struct row_reader stat_rows = {
	sizeof(struct engine_stat), read_stat, NULL,
};

int engine_stats(struct db *db, const char *procedure, int year,
		 const char *group, cal_day today, engine_stat_fn fn,
		 void *arg)
{
	const struct workflow *w = workflow_find(procedure, 0);
	struct engine_stat *v;
	size_t n, i, g;
	int rc;

	for (g = 0; g < ARRAY_SIZE(stat_sql); g++)
		if (strcmp(stat_sql[g].group, str_or_empty(group)) == 0)
			break;
	if (g == ARRAY_SIZE(stat_sql) || !w)
		return DB_EMISUSE;
	v = engine_rows(db, db_query(db, stat_sql[g].sql, "issi",
				     (int64_t)today,
				     w->primary ? w->primary->id : "",
				     procedure, (int64_t)year),
			&stat_rows, NULL, &n, &rc);
	for (i = 0; rc >= 0 && i < n; i++)
		rc = fn(&v[i], arg);
	free(v);
	return rc;
}

int engine_legal_reviews(struct db *db, int year, int64_t *n)
{
	char first[24], next[24];
	cal_day a, b;
	int rc;

	if (year < 1970 || year > 9998)
		return DB_EMISUSE;
	snprintf(first, sizeof(first), "%04d-01-01", year);
	snprintf(next, sizeof(next), "%04d-01-01", year + 1);
	if (cal_parse(first, &a) || cal_parse(next, &b))
		return DB_EMISUSE;
	/* Midnight in China Standard Time is 16:00 UTC the day before. */
	rc = db_scalar_int(db, n, "SELECT COUNT(*) FROM case_events WHERE "
			   "legal_review = 1 AND ts >= ? AND ts < ?", "ii",
			   (int64_t)a * 86400 - 8 * 3600,
			   (int64_t)b * 86400 - 8 * 3600);
	return rc < 0 ? rc : 0;
}
