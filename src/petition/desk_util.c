/* desk_util.c: labels, names and small facts the desk's pages share */
#include "petition/petition.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "http/html.h"
#include "engine/clock.h"
#include "store/store.h"

bool desk_procedure(const char *procedure)
{
	return procedure && (strcmp(procedure, "petition") == 0 ||
			     strcmp(procedure, "hotline") == 0 ||
			     strcmp(procedure, "disclosure") == 0);
}

bool desk_is_disclosure(const char *procedure)
{
	return procedure && strcmp(procedure, "disclosure") == 0;
}

const char *desk_party_word(const char *procedure)
{
	if (desk_is_disclosure(procedure))
		return "申请人";
	return procedure && strcmp(procedure, "hotline") == 0 ? "诉求人" :
								"信访人";
}

/* Whether the roles meet the read_roles of the newest definition of
 * `procedure` (every version of the desk's procedures names the same). */
static bool reads_every(roleset roles, const char *procedure)
{
	const struct workflow *w = workflow_find(procedure, 0);

	return w && (roles & w->read_roles) != 0;
}

bool desk_reads_all_of(roleset roles, const char *procedure)
{
	if (procedure && *procedure)
		return desk_procedure(procedure) &&
		       reads_every(roles, procedure);
	return reads_every(roles, "petition") && reads_every(roles, "hotline");
}

static const char *option_label(const struct wf_field *f, const char *id)
{
	if (!id || !*id)
		return "";
	return f ? wf_option_label(f, id) : id;
}

const char *desk_channel_label(const struct workflow *w, const char *id)
{
	return option_label(w ? w->channel_field : NULL, id);
}

const char *desk_category_label(const struct workflow *w, const char *id)
{
	return option_label(w ? w->category_field : NULL, id);
}

bool desk_fields_org(const char *procedure, json_t *fields)
{
	const char *t = json_string_value(json_object_get(fields,
							  "applicant_type"));

	return desk_is_disclosure(procedure) && t && *t &&
	       strcmp(t, "natural") != 0;
}

bool desk_case_org(const struct case_info *c)
{
	return desk_fields_org(c->procedure, c->fields);
}

bool desk_hidden_from(const struct engine_ctx *ctx, int64_t accused_dept)
{
	return accused_dept > 0 && ctx->dept_id == accused_dept;
}

/* ---- departments and staff ---- */

static int load_names(struct db *db, const char *sql, struct desk_name **v,
		      size_t *n)
{
	struct db_rows *rows = db_query(db, sql, "");
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = xrealloc(*v, cap * sizeof(**v));
		}
		(*v)[*n].id = db_int(rows, 0);
		(*v)[(*n)++].name = db_strdup(rows, 1);
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

int desk_names_load(struct db *db, struct desk_names *n)
{
	int rc;

	memset(n, 0, sizeof(*n));
	rc = load_names(db, "SELECT id, name FROM departments ORDER BY sort, "
			"id", &n->depts, &n->ndepts);
	if (rc == 0)
		rc = load_names(db, "SELECT id, display_name FROM users WHERE "
				"kind = 'staff' AND disabled = 0 ORDER BY "
				"display_name, id", &n->users, &n->nusers);
	if (rc)
		desk_names_release(n);
	return rc;
}

static void free_names(struct desk_name *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void desk_names_release(struct desk_names *n)
{
	free_names(n->depts, n->ndepts);
	free_names(n->users, n->nusers);
	memset(n, 0, sizeof(*n));
}

static const char *find_name(const struct desk_name *v, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].name;
	return "";
}

const char *desk_dept_name(const struct desk_names *n, int64_t id)
{
	return find_name(n->depts, n->ndepts, id);
}

const char *desk_user_name(const struct desk_names *n, int64_t id)
{
	return find_name(n->users, n->nusers, id);
}

/* ---- times ---- */

void desk_time(int64_t t, char out[17])
{
	if (t <= 0) {
		out[0] = '\0';
		return;
	}
	clock_local_minute(t, out);
}

void desk_today(char out[11])
{
	cal_format(cal_day_of(clock_now()), out);
}

/* ---- replies and due dates ---- */

/* States in which the signed reply has gone out to the petitioner. */
static const char *const petition_replied[] = {
	"replied", "closed", "review_requested", "reviewed",
	"reexamination_requested", "reexamined", "archived", NULL,
};
static const char *const hotline_replied[] = {
	"replied", "visited", "closed", NULL,
};
static const char *const disclosure_replied[] = { "replied", NULL };

bool desk_reply_out(const struct case_info *c)
{
	const char *const *s = NULL;

	if (strcmp(c->procedure, "petition") == 0)
		s = petition_replied;
	else if (strcmp(c->procedure, "hotline") == 0)
		s = hotline_replied;
	else if (desk_is_disclosure(c->procedure))
		s = disclosure_replied;
	for (; s && *s; s++)
		if (strcmp(*s, c->state) == 0)
			return true;
	return false;
}

const char *desk_reply_text(const struct case_info *c)
{
	if (!desk_reply_out(c))
		return NULL;
	return json_string_value(json_object_get(c->fields, "reply_text"));
}

int desk_due(struct db *db, int64_t case_id, cal_day *due, const char **label,
	     const struct workflow *w)
{
	struct case_clock *v = NULL;
	size_t n = 0, i, pick = (size_t)-1;
	int rc = case_clocks(db, case_id, &v, &n);

	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const struct wf_clock *k = w ? wf_clock(w, v[i].clock_id) :
				       NULL;

		if (v[i].stopped || !v[i].supervised)
			continue;
		if (pick == (size_t)-1 || (k && k->primary))
			pick = i;
	}
	rc = 0;
	if (pick != (size_t)-1) {
		const struct wf_clock *k = w ? wf_clock(w, v[pick].clock_id) :
				       NULL;

		*due = v[pick].due;
		*label = k ? k->label : "";
		rc = 1;
	}
	free(v);
	return rc;
}

/* ---- badges ---- */

#define DUE_SOON_WORKDAYS 3     /* as engine_due_lists() counts "soon" */

void desk_due_badge(struct buf *b, const struct calendar *cal, cal_day due,
		    cal_day today)
{
	cal_day d;
	int left = 0;

	if (due < today) {
		html(b, " <span class=\"badge badge-bad\">已超期 %d 天</span>",
		     (int)(today - due));
		return;
	}
	for (d = today + 1; d <= due && left <= DUE_SOON_WORKDAYS; d++)
		if (calendar_is_working(cal, d))
			left++;
	if (due == today)
		html(b, " <span class=\"badge badge-warn\">今日到期</span>");
	else if (left <= DUE_SOON_WORKDAYS)
		html(b, " <span class=\"badge badge-warn\">剩 %d 个工作日"
		     "</span>", left);
}

void desk_state_badge(struct buf *b, const struct case_info *c)
{
	const char *cls = "";

	if (c->final && !c->merged_into && strcmp(c->state, "declined"))
		cls = " badge-ok";
	html(b, "<span class=\"badge%r\">%s</span>", cls,
	     c->wf ? wf_state_label(c->wf, c->state) : c->state);
}

void desk_paragraphs(struct buf *b, const char *text)
{
	const char *p = text ? text : "", *nl;

	while (*p) {
		size_t n;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			html(b, "<p>");
			html_txtn(b, p, n);
			html(b, "</p>");
		}
		p = nl ? nl + 1 : p + strlen(p);
	}
}
