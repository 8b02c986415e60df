/* register_page.c: staff register a petition, a hotline ticket or an
 * application for disclosure received by letter, fax, e-mail or in
 * person (登记)
 *
 * The form is the procedure's create action, drawn from its definition,
 * plus the petitioner (the applicant, a person or an organisation, with
 * an e-mail address) and, for accusations, the department accused.  The
 * case and the sealed petitioner row are written by intake.c.  After
 * registration the case page lists open cases of the same person or with
 * a similar title, to merge (or, for an application, to recognise a
 * repeat).
 */
#include "http/pages.h"

#include <stdio.h>
#include <string.h>

#include "auth/session.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/server.h"
#include "petition/petition.h"
#include "store/store.h"

/* The procedure the form is for: ?procedure= or the form's field. */
static const struct workflow *form_workflow(struct req *r)
{
	const char *p = req_param(r, "procedure");

	if (!p || !*p)
		p = "petition";
	return desk_procedure(p) ? workflow_find(p, 0) : NULL;
}

static void accused_select(struct buf *b, const struct desk_names *names,
			   int64_t cur)
{
	size_t i;

	html(b, "<div class=\"field\"><label for=\"accused_dept\">被检举、控告"
	     "（举报）的单位</label><select id=\"accused_dept\" "
	     "name=\"accused_dept\" aria-describedby=\"accused_dept-hint\">");
	html_option(b, "", "（不涉及）", cur == 0);
	for (i = 0; i < names->ndepts; i++) {
		char id[24];

		snprintf(id, sizeof(id), "%lld",
			 (long long)names->depts[i].id);
		html_option(b, id, names->depts[i].name,
			    cur == names->depts[i].id);
	}
	html(b, "</select><p class=\"muted\" id=\"accused_dept-hint\">检举控告类"
	     "事项须填写：该单位的人员将看不到事项内容和信访人信息。</p></div>");
}

static void party_fields(struct buf *b, struct req *r, const char *procedure)
{
	bool ysq = desk_is_disclosure(procedure);

	html(b, "<fieldset><legend>%s</legend>", desk_party_word(procedure));
	party_inputs(b, r, ysq ? PARTY_FORM_APPLICANT_STAFF :
		     PARTY_FORM_STAFF);
	html(b, "<p class=\"muted\">个人信息加密保存，页面上只显示遮蔽后的"
	     "内容。</p></fieldset>");
}

static const char *form_title(const struct workflow *w)
{
	if (desk_is_disclosure(w->procedure))
		return "登记政府信息公开申请";
	return strcmp(w->procedure, "hotline") == 0 ? "登记热线工单" :
	       "登记信访件";
}

static int render_form(struct req *r, const struct workflow *w,
		       json_t *values, int64_t accused, const char *error,
		       int status)
{
	struct desk_names names;
	bool ysq = desk_is_disclosure(w->procedure);
	int rc = desk_names_load(r->db, &names);

	if (rc < 0)
		return req_db_fail(r, rc);
	page_begin(r, form_title(w));
	html(&r->out, "<p class=\"muted\">依据：%s</p>", w->create->basis ?
	     w->create->basis : w->legal_basis);
	if (desk_action_has_files(w->create))
		form_begin_files(r, "/petitions", error);
	else
		form_begin(r, "/petitions", error);
	html_hidden(&r->out, "procedure", w->procedure);
	html(&r->out, "<fieldset><legend>%s</legend>", ysq ? "申请内容" :
	     "事项");
	desk_action_fields(&r->out, w->create, "", values, &names);
	html(&r->out, "</fieldset>");
	party_fields(&r->out, r, w->procedure);
	if (!ysq)
		accused_select(&r->out, &names, accused);
	html(&r->out, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">登记</button><a href=\"/petitions\">取消</a>"
	     "</div></form>");
	page_end(r);
	desk_names_release(&names);
	return status;
}

/* GET /petitions/new?procedure=petition|hotline|disclosure: the
 * registration form, the received date set to today. */
int page_petition_new(struct req *r)
{
	const struct workflow *w = form_workflow(r);
	struct desk_ctx ctx;
	json_t *values;
	char today[11];
	int status;

	if (!w)
		return req_fail(r, 404, "not_found", "没有这一办理程序");
	desk_ctx_init(r, r->db, &ctx);
	if (!case_may_create(&ctx.e, w->procedure))
		return req_fail(r, 403, "role_denied", "您的角色不能登记此类"
				"事项");
	desk_today(today);
	values = json_pack("{s:s}", "received_date", today);
	status = render_form(r, w, values, 0, NULL, 200);
	json_decref(values);
	return status;
}

static int register_done(struct req *r, struct intake *in, int rc)
{
	char loc[48], ph[65], id[65];
	json_t *dups = NULL;

	if (rc && in->err.status >= 400 && in->err.status < 500) {
		int64_t accused = in->party.accused_dept_id;
		int status = render_form(r, in->w, in->fields, accused,
					 in->err.msg, in->err.status);

		return status;
	}
	if (rc)
		return intake_fail(r, in, rc);
	if (party_indexes(r->db, in->id, ph, id) == 0 &&
	    party_duplicates(r->db, in->id, ph, id, in->title, &dups) == 0 &&
	    json_array_size(dups))
		req_flash(r, "已登记。发现可能重复的在办事项，请在下方核对，"
			  "需要时合并。");
	else
		req_flash(r, "已登记");
	json_decref(dups);
	snprintf(loc, sizeof(loc), "/petitions/%lld", (long long)in->id);
	return req_redirect(r, loc);
}

static int parse_accused(struct req *r, int64_t *out)
{
	const char *s = req_form_str(r, "accused_dept");
	int64_t n = 0;

	*out = 0;
	if (!*s)
		return 0;
	if (parse_int64(s, 1, INT64_MAX, out) ||
	    db_scalar_int(r->db, &n, "SELECT COUNT(*) FROM departments WHERE "
			  "id = ?", "i", *out) < 0 || !n)
		return FZ_ERR;
	return 0;
}

static char *title_of(json_t *fields)
{
	const char *t = json_string_value(json_object_get(fields, "title"));

	return xstrdup(t ? t : "");
}

/* POST /petitions: register the case and its petitioner (for an
 * application by an organisation, by applicant_type, its name and credit
 * code); a refusal re-renders the form (400/403) and writes nothing. */
int page_petition_create(struct req *r)
{
	const struct workflow *w = form_workflow(r);
	struct party p = { 0 };
	struct fz_err err = { 0 };
	struct intake *in;
	json_t *fields;
	int64_t accused = 0;
	int status;

	if (!w)
		return req_fail(r, 400, "unknown_procedure", "没有这一办理程序");
	fields = desk_form_fields(r, w->create);
	in = intake_new();
	party_from_form(r, &p);
	p.org = desk_fields_org(w->procedure, fields);
	if (!desk_is_disclosure(w->procedure) && parse_accused(r, &accused))
		fz_fail(&err, 400, "field_invalid", "所选的被检举单位不存在");
	else if (party_check(&p, false, &err) == 0 &&
		 party_seal(r->w->srv->keyring, &p, &in->party, &err) == 0)
		desk_files_write(r, w->create, &in->files, &err);
	party_release(&p);
	if (err.status) {
		status = render_form(r, w, fields, accused, err.msg,
				     err.status >= 500 ? 500 : err.status);
		json_decref(fields);
		intake_free(in);
		return status;
	}
	desk_ctx_init(r, NULL, &in->ctx);
	in->w = w;
	in->fields = fields;
	in->with_party = true;
	in->title = title_of(fields);
	in->party.accused_dept_id = accused;
	return intake_submit(r, in, register_done);
}
