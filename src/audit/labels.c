/* labels.c: Chinese names for the codes stored in the audit trail */
#include "audit/labels.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "engine/workflow.h"

struct name {
	const char *code;
	const char *label;
};

/*
 * Every action code written outside the case engine.  Keep in step with
 * the call sites: grep src/ for audit_as, audit_req, audit_req_tx and
 * audit_tx_end.  A code missing here is still shown, as it is.
 */
static const struct name actions[] = {
	{ "login", "登录" },
	{ "login.lockout", "锁定账号" },
	{ "logout", "退出登录" },
	{ "user.create", "新建用户" },
	{ "user.update", "修改用户信息" },
	{ "user.disable", "停用账号" },
	{ "user.enable", "启用账号" },
	{ "user.password_change", "修改密码" },
	{ "user.password_reset", "重置密码" },
	{ "user.role_grant", "授予角色" },
	{ "user.role_revoke", "撤销角色" },
	{ "user.roles", "调整角色" },
	{ "user.sessions_kill", "强制下线" },
	{ "department.create", "新建部门" },
	{ "department.rename", "部门更名" },
	{ "token.create", "创建接口令牌" },
	{ "token.revoke", "吊销接口令牌" },
	{ "policy.update", "修改安全策略" },
	{ "audit.query", "查询审计日志" },
	{ "audit.export", "导出审计日志" },
	{ "stats.export", "导出统计" },
	{ "ogi.report_export", "导出政府信息公开年报" },
	{ "ogi.report_settings", "修改年报设置" },
	{ "ogi.report_inputs", "填报年报数据" },
	{ "pii.unmask", "查看完整个人信息" },
	{ "pii.expire", "删除到期个人信息" },
	{ "attachment.read", "查看附件" },
	{ "petition.rate", "评价办理结果" },
	{ "permit.create", "登记行政许可" },
	{ "permit.import", "导入行政许可" },
	{ "permit.fulltext.view", "查看许可决定书全文" },
	{ "publication.settings", "修改公开机构信息" },
	{ "publication.terms", "修改保密审查词表" },
	{ "publication.finding", "处理保密审查发现" },
	{ "catalogue.create", "新建公开目录栏目" },
	{ "catalogue.update", "修改公开目录栏目" },
	{ "backup", "备份数据库" },
	{ "key.rotate", "轮换数据密钥" },
	/* The engine's own, not steps of a procedure. */
	{ "case.retime", "节假日调整后重算期限" },
	{ "case.supervise", "督办提醒" },
};

#define CASE_PREFIX "case."

/*
 * Names of detail keys.  A key may mean different things in different
 * entries ("from" is a state in a case step and a time in a query of
 * the trail): the first row whose action prefix matches wins, so the
 * scoped rows come before the general one.
 */
static const struct {
	const char *action;	/* prefix of the action; "" for any */
	const char *key;
	const char *label;
} keys[] = {
	{ "audit.", "action", "操作" },
	{ "audit.", "actor", "操作人" },
	{ "audit.", "actor_exact", "操作人精确匹配" },
	{ "audit.", "from", "开始时间" },
	{ "audit.", "to", "结束时间" },
	{ "audit.", "object", "对象" },
	{ "audit.", "outcome", "结果" },
	{ "audit.", "page", "页码" },
	{ "audit.", "size", "每页条数" },
	{ "audit.", "matched", "符合条件" },
	{ "audit.", "upto", "截至序号" },
	{ "case.retime", "changed", "调整的期限" },
	{ "case.retime", "clocks", "期限数" },
	{ CASE_PREFIX, "from", "原状态" },
	{ CASE_PREFIX, "to", "新状态" },
	{ CASE_PREFIX, "fields", "填写的字段" },
	{ "catalogue.", "parent", "上级栏目" },
	{ "login.lockout", "minutes", "锁定分钟数" },
	{ "publication.finding", "kind", "发现类型" },
	{ "publication.finding", "source", "所在位置" },
	{ "publication.terms", "terms", "词条数" },
	{ "", "after", "修改后" },
	{ "", "already_public_row", "已主动公开的申请列入" },
	{ "", "attachments", "附件" },
	{ "", "batch", "批次" },
	{ "", "before", "修改前" },
	{ "", "case", "事项内部号" },
	{ "", "cases", "涉及事项" },
	{ "", "clock", "期限" },
	{ "", "closed_before", "办结早于" },
	{ "", "code", "代码" },
	{ "", "decided_on", "决定日期" },
	{ "", "decision_no", "决定文号" },
	{ "", "dept_id", "部门编号" },
	{ "", "disabled", "停用" },
	{ "", "display_name", "姓名" },
	{ "", "due", "到期日" },
	{ "", "failed_count", "连续失败次数" },
	{ "", "fee_sentence", "收费说明" },
	{ "", "field", "字段" },
	{ "", "fields", "字段" },
	{ "", "fields_sm3", "字段摘要" },
	{ "", "finding", "扫描发现编号" },
	{ "", "first_id", "起始编号" },
	{ "", "frozen", "已冻结" },
	{ "", "from", "从" },
	{ "", "fulltext", "附全文" },
	{ "", "granted", "新授予" },
	{ "", "heading5", "第五部分标题" },
	{ "", "item", "许可事项" },
	{ "", "key_id", "密钥编号" },
	{ "", "kind", "类型" },
	{ "", "last_id", "结束编号" },
	{ "", "locked_until", "锁定至" },
	{ "", "login", "账号" },
	{ "", "masked", "遮盖后" },
	{ "", "name", "名称" },
	{ "", "number", "事项编号" },
	{ "", "org_code", "机构代码" },
	{ "", "other_labels", "其他情形名称" },
	{ "", "output", "输出文件" },
	{ "", "parent", "上级" },
	{ "", "parent_id", "上级部门编号" },
	{ "", "prefix", "令牌前缀" },
	{ "", "procedure", "办理程序" },
	{ "", "publication", "公开信息内部号" },
	{ "", "publisher", "发布机构" },
	{ "", "reason", "理由" },
	{ "", "records", "记录数" },
	{ "", "resolution", "处理结果" },
	{ "", "retention_years", "保存年限" },
	{ "", "revoked", "撤销" },
	{ "", "role", "角色" },
	{ "", "roles", "角色" },
	{ "", "round", "审查轮次" },
	{ "", "satisfaction", "满意度" },
	{ "", "sessions", "结束的会话数" },
	{ "", "sm3", "文件摘要" },
	{ "", "sort", "排序" },
	{ "", "source", "来源" },
	{ "", "to", "至" },
	{ "", "user_id", "用户编号" },
	{ "", "values", "填报数值" },
	{ "", "version", "版本" },
	{ "", "via", "途径" },
	{ "", "with_fulltext", "附全文的记录" },
	{ "", "year", "年度" },
};

/* Coded values, by key. */
static const struct {
	const char *key;
	const char *value;
	const char *label;
} values[] = {
	{ "reason", "bad_password", "密码错误" },
	{ "reason", "unknown_user", "账号不存在" },
	{ "reason", "disabled", "账号已停用" },
	{ "reason", "locked", "账号已锁定" },
	{ "reason", "bad_current_password", "当前密码错误" },
	{ "kind", "staff", "工作人员" },
	{ "kind", "admin", "管理员" },
	{ "via", "api_token", "接口令牌" },
	{ "via", "query_code", "查询码" },
	{ "outcome", "success", "成功" },
	{ "outcome", "failure", "失败" },
	{ "outcome", "denied", "拒绝" },
};

static const char *fixed_label(const char *code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (str_eq(actions[i].code, code))
			return actions[i].label;
	return NULL;
}

/* The label of action `id` in the first loaded procedure that has it. */
static const char *any_case_label(const char *id)
{
	const struct wf_action *a;
	size_t i;

	for (i = 0; i < workflow_count(); i++)
		if ((a = wf_action(workflow_at(i), id)))
			return a->label;
	return NULL;
}

const struct workflow *audit_case_workflow(const json_t *details)
{
	const char *proc;
	json_int_t version;

	proc = json_string_value(json_object_get(details, "procedure"));
	version = json_integer_value(json_object_get(details, "version"));
	if (!proc || version <= 0 || version > INT_MAX)
		return NULL;
	return workflow_find(proc, (int)version);
}

const char *audit_action_label(const char *action, const json_t *details)
{
	const char *label = action ? fixed_label(action) : NULL;
	const struct workflow *w;
	const struct wf_action *a;

	if (label || !action || !str_starts(action, CASE_PREFIX))
		return label;
	action += strlen(CASE_PREFIX);
	w = audit_case_workflow(details);
	if (w && (a = wf_action(w, action)))
		return a->label;
	return any_case_label(action);
}

const char *audit_action_code(const char *label, char *buf, size_t n)
{
	const char *id = NULL;
	size_t i, j;

	if (!label || !*label)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (str_eq(actions[i].label, label))
			return actions[i].code;
	for (i = 0; i < workflow_count(); i++) {
		const struct workflow *w = workflow_at(i);

		for (j = 0; j < w->nactions; j++) {
			const struct wf_action *a = &w->actions[j];

			if (!str_eq(a->label, label))
				continue;
			if (id && !str_eq(id, a->id))
				return NULL;
			id = a->id;
		}
	}
	if (!id || (size_t)snprintf(buf, n, CASE_PREFIX "%s", id) >= n)
		return NULL;
	return buf;
}

/* Whether an action of that id came in an earlier definition. */
static bool seen_before(size_t upto, const char *id)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (wf_action(workflow_at(i), id))
			return true;
	return false;
}

void audit_action_each(audit_action_fn fn, void *arg)
{
	char code[WF_ID_MAX + sizeof(CASE_PREFIX)];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		fn(actions[i].code, actions[i].label, arg);
	for (i = 0; i < workflow_count(); i++) {
		const struct workflow *w = workflow_at(i);

		for (j = 0; j < w->nactions; j++) {
			const struct wf_action *a = &w->actions[j];

			if (seen_before(i, a->id))
				continue;
			snprintf(code, sizeof(code), CASE_PREFIX "%s", a->id);
			fn(code, a->label, arg);
		}
	}
}

const char *audit_key_label(const char *action, const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (str_eq(keys[i].key, key) &&
		    str_starts(action ? action : "", keys[i].action))
			return keys[i].label;
	return NULL;
}

const char *audit_value_label(const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(values); i++)
		if (str_eq(values[i].key, key) &&
		    str_eq(values[i].value, value))
			return values[i].label;
	return NULL;
}

const char *audit_actor_label(const char *actor)
{
	if (str_eq(actor, "system"))
		return "系统自动任务";
	if (str_eq(actor, "anonymous"))
		return "未登录访问者";
	return NULL;
}

const char *audit_role_label(const char *role)
{
	return str_eq(role, AUDIT_CLI_ROLE) ? "命令行操作员" : NULL;
}

const char *audit_source_label(const char *source)
{
	return str_eq(source, AUDIT_CLI_SOURCE) ? "本机命令行" : NULL;
}
