/* staff_admin.c: the disclosure catalogue (政府信息公开目录) and the
 * pipeline's settings — the organisation's code and name for the index
 * numbers, the sensitive terms the scanner looks for, and the outbound
 * channels with the addresses of their feeds
 *
 * Who works on publications may look; the information disclosure
 * officer maintains the catalogue and the organisation's settings (the
 * catalogue is part of the disclosure work of Art. 12, not an account
 * administrator's); the officer or the confidentiality reviewer keeps
 * the list of sensitive terms.
 *
 * A section whose information is published elsewhere (a register of its
 * own such as /gk/permits, another site) names where: 信息所在位置 and the
 * text of its link, which the portal's section page shows.
 */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/session.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"
#include "portal/publication.h"
#include "store/store.h"

#define R(x) ((roleset)1 << (x))
#define LINK_NOTE_MAX 40            /* bytes of a link shown in the table */

static bool is_officer(struct req *r)
{
	return (r->user->roles & R(ROLE_OGI_OFFICER)) != 0;
}

static int officer_only(struct req *r)
{
	return req_fail(r, 403, "role_denied", "政府信息公开目录和机构设置由"
			"信息公开专员维护");
}

/* ---- the catalogue ---- */

static void parent_select(struct buf *b, const char *id,
			  const struct pub_catalogue *cat, int64_t self,
			  int64_t cur)
{
	size_t i;
	int d;

	html(b, "<select id=\"%s\" name=\"parent\">", id);
	html_option(b, "", "（顶级）", cur == 0);
	for (i = 0; i < cat->n; i++) {
		struct buf label = BUF_INIT;
		char v[24];

		if (cat->v[i].id == self)
			continue;
		for (d = 0; d < cat->v[i].depth; d++)
			buf_puts(&label, "　");
		buf_puts(&label, cat->v[i].name);
		snprintf(v, sizeof(v), "%lld", (long long)cat->v[i].id);
		html_option(b, v, buf_cstr(&label), cat->v[i].id == cur);
		buf_release(&label);
	}
	html(b, "</select>");
}

/* The two fields of where a section's information lives (信息所在位置);
 * `sfx` keeps their ids apart on a page with a form per section.  The
 * forms in the table, whose cells do not wrap on a phone, get the short
 * hints. */
static void link_fields(struct buf *b, const char *sfx, const char *link,
			const char *label, bool brief)
{
	html(b, "<div class=\"field\"><label for=\"link%s\">信息所在位置"
	     "</label><input id=\"link%s\" name=\"link\" type=\"text\" "
	     "inputmode=\"url\" maxlength=\"%d\" value=\"%s\" "
	     "aria-describedby=\"link%s-hint\"><p class=\"muted\" "
	     "id=\"link%s-hint\">%s</p></div><div class=\"field\"><label "
	     "for=\"label%s\">链接名称</label><input id=\"label%s\" "
	     "name=\"link_label\" type=\"text\" maxlength=\"%d\" "
	     "value=\"%s\" aria-describedby=\"label%s-hint\"><p "
	     "class=\"muted\" id=\"label%s-hint\">%s</p></div>", sfx, sfx,
	     PUB_LINK_MAX, link, sfx, sfx, brief ? "本站路径（如 /gk/permits）"
	     "或外部网址" : "本栏目的信息在别处公开时填写，门户网站的栏目页将"
	     "指向该处：本站路径（如 /gk/permits）或外部网址（https://…）；"
	     "不填则不指向别处", sfx, sfx, PUB_LINK_LABEL_MAX, label, sfx, sfx,
	     brief ? "不填则显示链接本身" : "如“行政许可公示”；不填则显示链接"
	     "本身");
}

/* What a section's form shows: the section as stored, or what was
 * posted for it when that was refused. */
struct shown {
	const char *code, *name, *link, *label;
	char sort[24];
	int64_t parent;
	bool disabled, refused;
};

static void shown_of(struct req *r, const struct pub_category *c,
		     int64_t refused, struct shown *v)
{
	v->refused = c->id == refused;
	if (!v->refused) {
		v->code = c->code;
		v->name = c->name;
		v->link = c->link;
		v->label = c->link_label;
		snprintf(v->sort, sizeof(v->sort), "%d", c->sort);
		v->parent = c->parent_id;
		v->disabled = c->disabled;
		return;
	}
	v->code = req_posted(r, "code");
	v->name = req_posted(r, "name");
	v->link = req_posted(r, "link");
	v->label = req_posted(r, "link_label");
	snprintf(v->sort, sizeof(v->sort), "%.20s", req_posted(r, "sort"));
	v->parent = 0;
	parse_int64(req_posted(r, "parent"), 1, INT64_MAX, &v->parent);
	v->disabled = str_eq(req_posted(r, "disabled"), "1");
}

/* A section's form, folded; open, with what was posted, when the save
 * of this section was refused (`refused`: its id). */
static void edit_form(struct req *r, const struct pub_catalogue *cat,
		      const struct pub_category *c, int64_t refused)
{
	struct shown v;
	char id[32], sfx[32];

	shown_of(r, c, refused, &v);
	snprintf(id, sizeof(id), "p-%lld", (long long)c->id);
	snprintf(sfx, sizeof(sfx), "-%lld", (long long)c->id);
	html(&r->out, "<details%r><summary>修改</summary><form method=\"post\" "
	     "action=\"/publications/catalogue/%I\" class=\"form compact\">",
	     v.refused ? " open" : "", c->id);
	html_hidden(&r->out, "csrf", session_csrf(r));
	html(&r->out, "<div class=\"field\"><label for=\"c-%I\">代码</label>"
	     "<input id=\"c-%I\" name=\"code\" type=\"text\" maxlength=\"%d\" "
	     "value=\"%s\" required></div><div class=\"field\"><label "
	     "for=\"n-%I\">名称</label><input id=\"n-%I\" name=\"name\" "
	     "type=\"text\" maxlength=\"%d\" value=\"%s\" required></div>"
	     "<div class=\"field\"><label for=\"%s\">上级分类</label>", c->id,
	     c->id, PUB_CODE_MAX, v.code, c->id, c->id, PUB_NAME_MAX,
	     v.name, id);
	parent_select(&r->out, id, cat, c->id, v.parent);
	html(&r->out, "</div><div class=\"field\"><label for=\"s-%I\">排序"
	     "</label><input id=\"s-%I\" name=\"sort\" type=\"number\" "
	     "min=\"0\" max=\"100000\" value=\"%s\"></div>", c->id, c->id,
	     v.sort);
	link_fields(&r->out, sfx, v.link, v.label, true);
	html(&r->out, "<label class=\"check\"><input type=\"checkbox\" "
	     "name=\"disabled\" value=\"1\"%r> 停用（不再用于新信息，已公开的"
	     "信息不受影响）</label><div class=\"actions\"><button "
	     "type=\"submit\">保存</button></div></form></details>",
	     v.disabled ? " checked" : "");
}

/* Where the section's information lives, under its name: the label, or
 * the link cut short (the cell does not wrap on a phone). */
static void link_note(struct buf *b, const struct pub_category *c)
{
	bool ext = pub_link_external(c->link);
	size_t n = strlen(c->link), cut = utf8_cut(c->link, n, LINK_NOTE_MAX);

	if (!n)
		return;
	html(b, "<br><span class=\"muted\">信息所在位置：<a href=\"%s\"%r>",
	     c->link, ext ? " rel=\"noopener\"" : "");
	if (*c->link_label) {
		html(b, "%s", c->link_label);
	} else {
		html_txtn(b, c->link, cut);
		if (cut < n)
			html(b, "…");
	}
	html(b, "</a>%r</span>", ext ? "（外部网站）" : "");
}

static void catalogue_table(struct req *r, const struct pub_catalogue *cat,
			    int64_t refused)
{
	static const char *const cols[] = {
		"名称", "代码", "排序", "状态", "已公开", "操作", NULL,
	};
	size_t i;
	int d;

	html_table_wrap(&r->out, "cat-cap");
	html(&r->out, "<table class=\"data\"><caption id=\"cat-cap\">"
	     "主题分类（共 %I 个）</caption>", (int64_t)cat->n);
	table_head(&r->out, cols);
	for (i = 0; i < cat->n; i++) {
		const struct pub_category *c = &cat->v[i];

		html(&r->out, "<tr><th scope=\"row\">");
		for (d = 0; d < c->depth; d++)
			html(&r->out, "　");
		html(&r->out, "%s", c->name);
		link_note(&r->out, c);
		html(&r->out, "</th><td>%s</td><td>%d</td><td>%s</td>"
		     "<td>%I</td><td>", c->code, c->sort,
		     c->disabled ? "停用" : "在用", c->items);
		if (is_officer(r))
			edit_form(r, cat, c, refused);
		html(&r->out, "</td></tr>");
	}
	table_end(&r->out, cols, cat->n, "目录为空");
}

/* The form of a new section; `again`: with what was posted, after the
 * refusal of a new section (not after that of a change to another). */
static void create_form(struct req *r, const struct pub_catalogue *cat,
			bool again)
{
	const char *sort = again ? req_posted(r, "sort") : "100";
	int64_t parent = 0;

	if (again)
		parse_int64(req_posted(r, "parent"), 1, INT64_MAX, &parent);
	html(&r->out, "<section class=\"card\" aria-labelledby=\"new-h\">"
	     "<h2 id=\"new-h\">新增分类</h2>");
	form_begin(r, "/publications/catalogue", NULL);
	form_text(&r->out, "code", "代码", again ? req_posted(r, "code") : "",
		  PUB_CODE_MAX, " required", "字母、数字、下划线或连字符，如 "
		  "0204");
	form_text(&r->out, "name", "名称", again ? req_posted(r, "name") : "",
		  PUB_NAME_MAX, " required", NULL);
	html(&r->out, "<div class=\"field\"><label for=\"new-parent\">上级分类"
	     "</label>");
	parent_select(&r->out, "new-parent", cat, 0, parent);
	html(&r->out, "</div><div class=\"field\"><label for=\"new-sort\">排序"
	     "</label><input id=\"new-sort\" name=\"sort\" type=\"number\" "
	     "min=\"0\" max=\"100000\" value=\"%s\"></div>", sort);
	link_fields(&r->out, "-new", again ? req_posted(r, "link") : "",
		    again ? req_posted(r, "link_label") : "", false);
	html(&r->out, "<div class=\"actions\"><button type=\"submit\" "
	     "class=\"primary\">新增</button></div></form></section>");
}

/* The catalogue page; `refused`: the section whose save was refused (its
 * form shown open with what was posted), 0 for none or a new one. */
static int render_catalogue(struct req *r, const char *error, int status,
			    int64_t refused)
{
	struct pub_catalogue cat;
	int rc = pub_catalogue_load(r->db, true, &cat);

	if (rc < 0)
		return req_db_fail(r, rc);
	page_begin(r, "政府信息公开目录");
	html(&r->out, "<p><a href=\"/publications\">返回政务公开</a></p>"
	     "<p class=\"lead\">主动公开的信息按目录分类（《政府信息公开条例》"
	     "第十二条）。门户网站按此目录展示，停用的分类不再用于新信息。"
	     "</p>");
	page_alert(&r->out, NULL, error);
	catalogue_table(r, &cat, refused);
	if (is_officer(r))
		create_form(r, &cat, error && refused == 0);
	page_end(r);
	pub_catalogue_release(&cat);
	return status;
}

/* GET /publications/catalogue */
int page_pub_catalogue(struct req *r)
{
	if (!pub_may_work(r->user->roles))
		return pub_forbidden(r);
	return render_catalogue(r, NULL, 200, 0);
}

/* The posted section; 0, or FZ_ERR with err. */
static int category_in(struct req *r, struct pub_category_in *in,
		       struct fz_err *err)
{
	const char *parent = req_form(r, "parent");
	const char *sort = req_form(r, "sort");

	memset(in, 0, sizeof(*in));
	in->code = req_form(r, "code");
	in->name = req_form(r, "name");
	in->disabled = str_eq(req_form(r, "disabled"), "1");
	in->link = req_form_str(r, "link");
	in->link_label = req_form_str(r, "link_label");
	if (parent && *parent && parse_int64(parent, 1, INT64_MAX,
					     &in->parent_id))
		return fz_fail(err, 400, "field_invalid", "上级分类无效");
	if (sort && *sort && parse_int64(sort, 0, 100000, &in->sort))
		return fz_fail(err, 400, "field_invalid", "“排序”须为 0 到 "
			       "100000 之间的整数");
	return 0;
}

static int save_category(struct req *r, int64_t id)
{
	struct pub_category_in in;
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256];

	if (!is_officer(r))
		return officer_only(r);
	actor_from_req(r, &who, roles, sizeof(roles));
	if (category_in(r, &in, &err) == 0) {
		in.id = id;
		if (pub_category_save(r->db, &who, &in, NULL, &err) == 0) {
			req_flash(r, "目录已保存");
			return req_redirect(r, "/publications/catalogue");
		}
	}
	if (err.status >= 500)
		return req_fail(r, err.status, err.code, "%s", err.msg);
	return render_catalogue(r, err.msg, err.status, id);
}

/* POST /publications/catalogue: a new section. */
int page_pub_category_create(struct req *r)
{
	return save_category(r, 0);
}

/* POST /publications/catalogue/{id}: change a section. */
int page_pub_category_update(struct req *r)
{
	int64_t id = 0;

	if (req_path_id(r, 0, &id) < 0)
		return req_fail(r, 404, "not_found", "该分类不存在");
	return save_category(r, id);
}

/* ---- settings ---- */

static void org_form(struct req *r, const struct pub_settings *s)
{
	const char *ro = is_officer(r) ? "" : " readonly";

	html(&r->out, "<section class=\"card\" aria-labelledby=\"org-h\">"
	     "<h2 id=\"org-h\">机构信息和索引号</h2><p>索引号由机构代码、"
	     "生成年份和当年序号组成，在拟稿时生成，连续不重号，例如 "
	     "<code>%s/2022-00001</code>。</p>", s->org_code);
	form_begin(r, "/publications/settings", NULL);
	form_text(&r->out, "org_code", "机构代码（统一社会信用代码）",
		  s->org_code, 18, ro, "18 位，校验码须正确（GB 32100）；修改"
		  "只影响此后生成的索引号");
	form_text(&r->out, "publisher", "发布机构", s->publisher, 100, ro,
		  NULL);
	if (is_officer(r))
		html(&r->out, "<div class=\"actions\"><button type=\"submit\" "
		     "class=\"primary\">保存</button></div>");
	html(&r->out, "</form></section>");
}

static void terms_form(struct req *r, const struct pub_settings *s)
{
	bool may = (r->user->roles & (R(ROLE_OGI_OFFICER) |
				       R(ROLE_CONF_REVIEWER))) != 0;

	html(&r->out, "<section class=\"card\" aria-labelledby=\"terms-h\">"
	     "<h2 id=\"terms-h\">敏感词</h2><p>保密审查扫描时，除身份证号、"
	     "电话号码、银行卡号和电子邮箱外，还查找以下词语（每行一个，"
	     "以 # 开头的行为注释）。</p>");
	form_begin(r, "/publications/settings/terms", NULL);
	html(&r->out, "<div class=\"field\"><label for=\"terms\">敏感词表"
	     "</label><textarea id=\"terms\" name=\"terms\" rows=\"10\"%r>%s"
	     "</textarea></div>", may ? "" : " readonly", s->terms);
	if (may)
		html(&r->out, "<div class=\"actions\"><button type=\"submit\" "
		     "class=\"primary\">保存敏感词</button></div>");
	html(&r->out, "</form></section>");
}

static int channels_card(struct req *r)
{
	static const char *const cols[] = {
		"渠道", "接收方", "推送地址（Atom）", "当前条数", NULL,
	};
	size_t i;
	int rc = 0;

	html(&r->out, "<section class=\"card\" aria-labelledby=\"ch-h\">"
	     "<h2 id=\"ch-h\">对外推送渠道</h2><p>每条信息都在本机关门户网站"
	     "公开；选了对外渠道的，发布后出现在该渠道的推送地址中，由对方"
	     "系统定时抓取。撤回的信息从推送中删除（以 Atom 删除标记通知"
	     "对方）。</p>");
	html_table_wrap(&r->out, "ch-h");
	html(&r->out, "<table class=\"data\">");
	table_head(&r->out, cols);
	for (i = 0; rc >= 0 && i < pub_channel_count; i++) {
		int64_t n = 0;

		rc = pub_count_published(r->db, pub_channels[i].id, 0, &n);
		html(&r->out, "<tr><th scope=\"row\">%s</th><td>%s</td><td>"
		     "<a href=\"/feeds/%s.xml\">/feeds/%s.xml</a></td><td>%I"
		     "</td></tr>", pub_channels[i].label, pub_channels[i].note,
		     pub_channels[i].id, pub_channels[i].id, n);
	}
	table_end(&r->out, cols, pub_channel_count, "");
	html(&r->out, "</section>");
	return rc < 0 ? rc : 0;
}

static int render_settings(struct req *r, const char *error, int status)
{
	struct pub_settings s;
	int rc = pub_settings_load(r->db, &s);

	if (rc < 0)
		return req_db_fail(r, rc);
	page_begin(r, "政务公开设置");
	html(&r->out, "<p><a href=\"/publications\">返回政务公开</a></p>");
	page_alert(&r->out, NULL, error);
	org_form(r, &s);
	terms_form(r, &s);
	rc = channels_card(r);
	page_end(r);
	pub_settings_release(&s);
	if (rc < 0) {
		buf_reset(&r->out);
		return req_db_fail(r, rc);
	}
	return status;
}

/* GET /publications/settings */
int page_pub_settings(struct req *r)
{
	if (!pub_may_work(r->user->roles))
		return pub_forbidden(r);
	return render_settings(r, NULL, 200);
}

/* POST /publications/settings: the organisation's code and name. */
int page_pub_settings_update(struct req *r)
{
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256];
	const char *org = req_form(r, "org_code");
	const char *name = req_form(r, "publisher");

	if (!is_officer(r))
		return officer_only(r);
	actor_from_req(r, &who, roles, sizeof(roles));
	if (pub_settings_save(r->db, &who, org ? org : "", name ? name : "",
			      &err) == 0) {
		req_flash(r, "设置已保存");
		return req_redirect(r, "/publications/settings");
	}
	if (err.status >= 500)
		return req_fail(r, err.status, err.code, "%s", err.msg);
	return render_settings(r, err.msg, err.status);
}

/* POST /publications/settings/terms: the sensitive terms. */
int page_pub_terms_update(struct req *r)
{
	struct fz_err err = { 0 };
	struct actor who;
	char roles[256];

	if (!(r->user->roles & (R(ROLE_OGI_OFFICER) |
				R(ROLE_CONF_REVIEWER))))
		return req_fail(r, 403, "role_denied", "敏感词表由信息公开专员"
				"或保密审查员维护");
	actor_from_req(r, &who, roles, sizeof(roles));
	if (pub_terms_save(r->db, &who, req_form(r, "terms"), &err) == 0) {
		req_flash(r, "敏感词已保存");
		return req_redirect(r, "/publications/settings");
	}
	if (err.status >= 500)
		return req_fail(r, err.status, err.code, "%s", err.msg);
	return render_settings(r, err.msg, err.status);
}
