/* user_html.c: pieces the user list, new-user and user pages share */
#include "org/page_util.h"

#include <string.h>

#include "core/clock.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"

int org_role_next(roleset rs, int from)
{
	while (from < ROLE_COUNT && !(rs & (1u << from)))
		from++;
	return from;
}

roleset org_admin_roles(void)
{
	roleset rs = 0;
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (role_is_admin(i))
			rs |= 1u << i;
	return rs;
}

const char *org_kind_name(const char *kind)
{
	if (!kind)
		return "";
	if (strcmp(kind, "staff") == 0)
		return "工作人员";
	if (strcmp(kind, "admin") == 0)
		return "管理员";
	if (strcmp(kind, "citizen") == 0)
		return "公众";
	return kind;
}

void org_roles_names(struct buf *b, roleset rs)
{
	int i, n = 0;

	for_each_role(i, rs)
		html(b, "%r%s", n++ ? "、" : "", role_name(i));
	if (!n)
		html(b, "<span class=\"muted\">无</span>");
}

void org_status_badge(struct buf *b, bool disabled, int64_t locked_until)
{
	if (disabled)
		html(b, "<span class=\"badge badge-bad\">已停用</span>");
	else if (locked_until > clock_now())
		html(b, "<span class=\"badge badge-warn\">已锁定</span>");
	else
		html(b, "<span class=\"badge badge-ok\">正常</span>");
}

static void role_box(struct buf *b, int role, roleset checked)
{
	html(b, "<label class=\"check\"><input type=\"checkbox\" "
	     "id=\"role-%s\" name=\"role\" value=\"%s\"%r> %s</label>",
	     role_code(role), role_code(role),
	     checked & (1u << role) ? " checked" : "", role_name(role));
}

/* Staff and administrator roles come in two groups, so that the form
 * itself says which accounts may hold which. */
void org_role_boxes(struct buf *b, roleset checked, roleset shown)
{
	roleset admin = shown & org_admin_roles();
	roleset staff = shown & ROLES_ALL & ~admin;
	int i;

	if (staff) {
		html(b, "<fieldset class=\"roles\"><legend>业务角色"
		     "（工作人员）</legend>");
		for_each_role(i, staff)
			role_box(b, i, checked);
		html(b, "</fieldset>");
	}
	if (admin) {
		html(b, "<fieldset class=\"roles\"><legend>管理员角色"
		     "（仅管理员账号）</legend><p class=\"muted\">三权分立："
		     "系统管理员、安全管理员、审计管理员互斥，"
		     "一个账号只能担任其中之一。</p>");
		for_each_role(i, admin)
			role_box(b, i, checked);
		html(b, "</fieldset>");
	}
}

int org_form_roles(struct req *r, roleset *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < r->form.n; i++) {
		int role;

		if (strcmp(r->form.items[i].key, "role"))
			continue;
		role = role_by_code(r->form.items[i].val);
		if (role < 0)
			return -1;
		*out |= 1u << role;
	}
	return 0;
}

void org_password_shown(struct req *r, const char *title, int64_t id,
			const char *login, const char *pw, const char *what)
{
	page_begin(r, title);
	html(&r->out, "<div class=\"token-once\" role=\"status\"><p>%s</p>"
	     "<p>账号：<strong>%s</strong></p><p>初始密码：</p>"
	     "<code class=\"secret\">%s</code>"
	     "<p><strong>此密码只显示这一次，请通过安全渠道交给用户。"
	     "</strong>用户首次登录时必须修改密码。</p></div>"
	     "<div class=\"actions\"><a class=\"button\" "
	     "href=\"/admin/users/%I\">查看该用户</a>"
	     "<a href=\"/admin/users\">返回用户列表</a></div>",
	     what, login, pw, id);
	page_end(r);
}
