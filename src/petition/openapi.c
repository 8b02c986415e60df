/* openapi.c: GET /api/openapi.json — the OpenAPI 3 description of the
 * case API (cases_api.c) and of the publication API
 * (src/portal/staff_api.c)
 *
 * The paths and schemas are written here once; what each procedure
 * accepts (its states, actions, their roles and fields) is added from
 * the loaded definitions, so the document never disagrees with the
 * engine about a procedure.
 */
#include "http/pages.h"

#include <string.h>

#include <jansson.h>

#include "http/http.h"
#include "petition/petition.h"

static const char doc[] =
"{\"openapi\":\"3.0.3\","
"\"info\":{\"title\":\"法治政府建设管理平台 信访、热线、依申请公开和主动公开"
"事项接口\","
"\"version\":\"1\",\"description\":\"信访事项、12345热线工单和政府信息公开"
"申请的查询、登记和办理。认证：Authorization: Bearer <令牌>（fazhi user "
"token 或“我的账号”页面生成），或已登录的会话（修改请求须带 X-CSRF-Token）。"
"个人信息默认遮蔽显示；信访专员（依申请公开为信息公开专员）、分管领导可用 "
"unmask=1 和 reason 查看完整信息，每次查看记入审计日志。各程序的状态、操作和"
"字段见 x-procedures。主动公开信息（/api/v1/publications）的起草、保密审查、"
"批准、发布和撤回由信息公开专员、保密审查员、部门负责人和分管领导办理，"
"其他用户得到 403（forbidden）。\"},"
"\"servers\":[{\"url\":\"/\"}],"
"\"security\":[{\"bearer\":[]},{\"session\":[]}],"
"\"paths\":{"
"\"/api/v1/cases\":{"
 "\"get\":{\"operationId\":\"listCases\",\"summary\":\"事项列表\","
 "\"description\":\"按编号倒序，每页 page_size 件（默认 50，至多 200）。"
 "信访专员和分管领导可查看全部信访和热线事项，信息公开专员、部门负责人和分管"
 "领导可查看全部依申请公开事项（procedure=disclosure）；其他情况只列出本部门"
 "登记、承办或由本人承办的事项。参数值为空视为未给出；无效的参数值不会被忽略，而是以 400 拒绝，"
 "error.code 为 bad_filter，error.message 指明参数名。\","
 "\"parameters\":["
  "{\"name\":\"procedure\",\"in\":\"query\",\"schema\":{\"type\":\"string\","
  "\"enum\":[\"petition\",\"hotline\",\"disclosure\"]}},"
  "{\"name\":\"channel\",\"in\":\"query\",\"description\":\"来源渠道，"
  "须为程序定义的渠道之一（见 x-procedures 的 channel 字段）\","
  "\"schema\":{\"type\":\"string\"}},"
  "{\"name\":\"state\",\"in\":\"query\",\"description\":\"办理状态，"
  "须为程序定义的状态之一（见 x-procedures 的 states）\","
  "\"schema\":{\"type\":\"string\"}},"
  "{\"name\":\"year\",\"in\":\"query\",\"description\":\"登记年度\","
  "\"schema\":{\"type\":\"integer\",\"minimum\":2000,\"maximum\":9999}},"
  "{\"name\":\"dept\",\"in\":\"query\",\"description\":\"承办或登记部门"
  "（仅对可查看全部事项的角色有效）\",\"schema\":{\"type\":\"integer\","
  "\"minimum\":1}},"
  "{\"name\":\"open\",\"in\":\"query\",\"description\":\"1：只列未终结的事项"
  "\",\"schema\":{\"type\":\"integer\",\"enum\":[0,1],\"default\":0}},"
  "{\"name\":\"page\",\"in\":\"query\",\"schema\":{\"type\":\"integer\","
  "\"minimum\":1,\"maximum\":100000,\"default\":1}},"
  "{\"name\":\"page_size\",\"in\":\"query\",\"description\":\"每页件数\","
  "\"schema\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200,"
  "\"default\":50}}],"
 "\"responses\":{\"200\":{\"description\":\"事项列表\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/CaseList\""
 "}}}},\"400\":{\"description\":\"无效的筛选参数（bad_filter）\","
 "\"content\":{\"application/json\":{\"schema\":{\"$ref\":"
 "\"#/components/schemas/Error\"}}}},"
 "\"401\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"}}},"
 "\"post\":{\"operationId\":\"createCase\",\"summary\":\"登记事项\","
 "\"description\":\"以程序的登记操作新建事项；数据持久保存后才答复。事项详情的 "
 "duplicates 列出同一信访人或标题相近的在办事项。\","
 "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{"
 "\"schema\":{\"$ref\":\"#/components/schemas/CaseCreate\"}}}},"
 "\"responses\":{\"201\":{\"description\":\"已登记\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Case\"}}}},"
 "\"400\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"401\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"}}}},"
"\"/api/v1/cases/{id}\":{"
 "\"get\":{\"operationId\":\"getCase\",\"summary\":\"事项详情\","
 "\"parameters\":[{\"$ref\":\"#/components/parameters/id\"},"
  "{\"name\":\"unmask\",\"in\":\"query\",\"description\":\"1：显示完整个人"
  "信息（须有权限并说明理由，记入审计日志）\",\"schema\":{\"type\":\"integer\","
  "\"enum\":[0,1]}},"
  "{\"name\":\"reason\",\"in\":\"query\",\"description\":\"查看完整信息的"
  "理由，unmask=1 时必填\",\"schema\":{\"type\":\"string\",\"maxLength\":200}}],"
 "\"responses\":{\"200\":{\"description\":\"事项\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":"
 "\"#/components/schemas/CaseDetail\"}}}},"
 "\"400\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"404\":{\"$ref\":\"#/components/responses/Error\"}}}},"
"\"/api/v1/cases/{id}/actions/{action}\":{"
 "\"post\":{\"operationId\":\"actOnCase\",\"summary\":\"办理操作\","
 "\"description\":\"执行程序定义的操作。拒绝时 error.code 为引擎的代码："
 "case_final、wrong_state、role_denied、wrong_dept、unknown_field、"
 "field_required、field_invalid、merge_invalid（合并对象已终结、已合并或已"
 "不再办理）、clock_*、extension_limit、extension_late、window_expired、"
 "window_open、unknown_action；或 accused_dept（检举控告事项不能交由被检举"
 "单位承办）。\","
 "\"parameters\":[{\"$ref\":\"#/components/parameters/id\"},"
  "{\"name\":\"action\",\"in\":\"path\",\"required\":true,\"schema\":{"
  "\"type\":\"string\"}}],"
 "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{"
 "\"schema\":{\"type\":\"object\",\"additionalProperties\":false,"
 "\"properties\":{\"fields\":{\"type\":\"object\"}}}}}},"
 "\"responses\":{\"200\":{\"description\":\"办理后的事项\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":"
 "\"#/components/schemas/CaseDetail\"}}}},"
 "\"400\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"404\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"409\":{\"$ref\":\"#/components/responses/Error\"}}}},"
"\"/api/v1/cases/{id}/files/{file}\":{"
 "\"get\":{\"operationId\":\"getCaseFile\",\"summary\":\"下载事项材料\","
 "\"description\":\"以附件形式返回文件；每次下载记入审计日志。被检举控告"
 "的单位不能下载。\","
 "\"parameters\":[{\"$ref\":\"#/components/parameters/id\"},"
  "{\"name\":\"file\",\"in\":\"path\",\"required\":true,\"schema\":{"
  "\"type\":\"integer\",\"minimum\":1}}],"
 "\"responses\":{\"200\":{\"description\":\"文件\",\"content\":{"
 "\"application/octet-stream\":{\"schema\":{\"type\":\"string\","
 "\"format\":\"binary\"}}}},"
 "\"404\":{\"$ref\":\"#/components/responses/Error\"}}}},"
"\"/api/v1/publications\":{"
 "\"get\":{\"operationId\":\"listPublications\",\"summary\":"
 "\"主动公开信息列表\","
 "\"description\":\"按编号倒序，每页 50 条。\","
 "\"parameters\":["
  "{\"name\":\"state\",\"in\":\"query\",\"description\":\"办理状态，"
  "见 x-procedures 的 publication.states；为空视为未给出\",\"schema\":{"
  "\"type\":\"string\"}},"
  "{\"name\":\"page\",\"in\":\"query\",\"schema\":{\"type\":\"integer\","
  "\"minimum\":1,\"maximum\":100000,\"default\":1}}],"
 "\"responses\":{\"200\":{\"description\":\"信息列表\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":"
 "\"#/components/schemas/PublicationList\"}}}},"
 "\"400\":{\"description\":\"无效的页码（bad_filter）\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Error\""
 "}}}},"
 "\"401\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"}}},"
 "\"post\":{\"operationId\":\"createPublication\",\"summary\":\"起草信息\","
 "\"description\":\"以 draft 操作起草一条信息，同时分配索引号。fields 为 "
 "draft 操作的字段（title、body、catalogue 为目录代码、formed_on，可选 "
 "doc_no、source、publisher、channels 为逗号分隔的渠道、attachments 为先经 "
 "/api/v1/attachments 上传的文件 id）。拒绝时 error.code 为引擎的代码，或 "
 "field_invalid（目录或渠道不存在或已停用）。\","
 "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{"
 "\"schema\":{\"$ref\":\"#/components/schemas/PublicationWrite\"}}}},"
 "\"responses\":{\"201\":{\"description\":\"已起草，Location 为其地址\","
 "\"content\":{\"application/json\":{\"schema\":{\"$ref\":"
 "\"#/components/schemas/PublicationDetail\"}}}},"
 "\"400\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"401\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"}}}},"
"\"/api/v1/publications/{id}\":{"
 "\"get\":{\"operationId\":\"getPublication\",\"summary\":\"信息详情\","
 "\"description\":\"信息的内容、扫描发现及其处理、附件、公开时限、可办理的"
 "操作和办理过程。\","
 "\"parameters\":[{\"$ref\":\"#/components/parameters/id\"}],"
 "\"responses\":{\"200\":{\"description\":\"信息\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":"
 "\"#/components/schemas/PublicationDetail\"}}}},"
 "\"401\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"404\":{\"$ref\":\"#/components/responses/Error\"}}}},"
"\"/api/v1/publications/{id}/actions/{action}\":{"
 "\"post\":{\"operationId\":\"actOnPublication\",\"summary\":\"办理操作\","
 "\"description\":\"执行 publication 程序定义的操作（submit、pass_review、"
 "approve、publish、withdraw、revise 等，见 x-procedures）。提交审查时扫描"
 "个人信息和敏感词；本轮扫描发现未全部处理时，通过审查、批准和发布被拒绝。"
 "拒绝时 error.code 为引擎的代码（wrong_state、role_denied、field_required、"
 "field_invalid、unknown_action 等），或 findings_unresolved（409，尚有未处理"
 "的扫描发现）、changed（409，信息刚被修改）、scan_unavailable（503，扫描"
 "暂时无法进行）。\","
 "\"parameters\":[{\"$ref\":\"#/components/parameters/id\"},"
  "{\"name\":\"action\",\"in\":\"path\",\"required\":true,\"schema\":{"
  "\"type\":\"string\"}}],"
 "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{"
 "\"schema\":{\"$ref\":\"#/components/schemas/PublicationWrite\"}}}},"
 "\"responses\":{\"200\":{\"description\":\"办理后的信息\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":"
 "\"#/components/schemas/PublicationDetail\"}}}},"
 "\"400\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"401\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"404\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"409\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"503\":{\"$ref\":\"#/components/responses/Error\"}}}},"
"\"/api/v1/publications/{id}/findings/{finding}\":{"
 "\"post\":{\"operationId\":\"resolvePublicationFinding\",\"summary\":"
 "\"处理扫描发现\",\"description\":\"保密审查员在审查中对本轮的一处扫描发现"
 "作出决定：redacted（公开时遮盖；附件中的发现则该附件不公开）或 justified"
 "（说明理由后照原样公开，reason 必填）。审查通过前可以改变决定。拒绝时 "
 "error.code 为 role_denied（403）、wrong_state（409）、not_found（404）或 "
 "reason_required（400）。\","
 "\"parameters\":[{\"$ref\":\"#/components/parameters/id\"},"
  "{\"name\":\"finding\",\"in\":\"path\",\"required\":true,\"schema\":{"
  "\"type\":\"integer\",\"minimum\":1}}],"
 "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{"
 "\"schema\":{\"type\":\"object\",\"additionalProperties\":false,"
 "\"required\":[\"resolution\"],\"properties\":{\"resolution\":{\"type\":"
 "\"string\",\"enum\":[\"redacted\",\"justified\"]},\"reason\":{\"type\":"
 "\"string\",\"maxLength\":500}}}}}},"
 "\"responses\":{\"200\":{\"description\":\"处理后的信息\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":"
 "\"#/components/schemas/PublicationDetail\"}}}},"
 "\"400\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"401\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"403\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"404\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"409\":{\"$ref\":\"#/components/responses/Error\"}}}},"
"\"/api/v1/attachments\":{"
 "\"post\":{\"operationId\":\"uploadAttachments\",\"summary\":\"上传材料\","
 "\"description\":\"先上传文件（表单字段 file，可多个），再在登记或办理"
 "操作的文件字段中填写返回的 id。文件须为 PDF、JPG、PNG、DOC、DOCX、XLS、"
 "XLSX、OFD 或 TXT，扩展名与内容一致；未被任何事项使用的上传一天后删除。\","
 "\"requestBody\":{\"required\":true,\"content\":{"
 "\"multipart/form-data\":{\"schema\":{\"type\":\"object\","
 "\"properties\":{\"file\":{\"type\":\"array\",\"items\":{"
 "\"type\":\"string\",\"format\":\"binary\"}}}}}}},"
 "\"responses\":{\"201\":{\"description\":\"已保存\",\"content\":{"
 "\"application/json\":{\"schema\":{\"type\":\"object\",\"properties\":{"
 "\"attachments\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
 "\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":"
 "\"string\"},\"mime\":{\"type\":\"string\"},\"size\":{\"type\":"
 "\"integer\"},\"sm3\":{\"type\":\"string\"}}}}}}}}},"
 "\"400\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"413\":{\"$ref\":\"#/components/responses/Error\"},"
 "\"415\":{\"$ref\":\"#/components/responses/Error\"}}}}},"
"\"components\":{"
"\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"},"
 "\"session\":{\"type\":\"apiKey\",\"in\":\"cookie\",\"name\":\"fz_sid\"}},"
"\"parameters\":{\"id\":{\"name\":\"id\",\"in\":\"path\",\"required\":true,"
 "\"schema\":{\"type\":\"integer\",\"minimum\":1}}},"
"\"responses\":{\"Error\":{\"description\":\"错误\",\"content\":{"
 "\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Error\"}"
 "}}}},"
"\"schemas\":{"
"\"Error\":{\"type\":\"object\",\"properties\":{\"error\":{\"type\":\"object\","
 "\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":"
 "\"string\"}}}}},"
"\"Due\":{\"type\":\"object\",\"nullable\":true,\"properties\":{\"date\":{"
 "\"type\":\"string\",\"format\":\"date\"},\"clock\":{\"type\":\"string\"}}},"
"\"Case\":{\"type\":\"object\",\"properties\":{"
 "\"id\":{\"type\":\"integer\"},\"procedure\":{\"type\":\"string\"},"
 "\"version\":{\"type\":\"integer\"},\"number\":{\"type\":\"string\","
 "\"example\":\"新高信〔2026〕0001号\"},\"state\":{\"type\":\"string\"},"
 "\"state_label\":{\"type\":\"string\"},\"final\":{\"type\":\"boolean\"},"
 "\"title\":{\"type\":\"string\"},\"channel\":{\"type\":\"string\"},"
 "\"category\":{\"type\":\"string\"},"
 "\"origin_dept_id\":{\"type\":\"integer\",\"nullable\":true},"
 "\"dept_id\":{\"type\":\"integer\",\"nullable\":true},"
 "\"assignee_id\":{\"type\":\"integer\",\"nullable\":true},"
 "\"merged_into\":{\"type\":\"integer\",\"nullable\":true},"
 "\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
 "\"updated_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
 "\"closed_at\":{\"type\":\"string\",\"format\":\"date-time\","
 "\"nullable\":true},\"due\":{\"$ref\":\"#/components/schemas/Due\"},"
 "\"duplicates\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}},"
"\"CaseList\":{\"type\":\"object\",\"properties\":{\"cases\":{\"type\":"
 "\"array\",\"items\":{\"$ref\":\"#/components/schemas/Case\"}},"
 "\"page\":{\"type\":\"integer\"},\"page_size\":{\"type\":\"integer\"},"
 "\"total\":{\"type\":\"integer\"}}},"
"\"Petitioner\":{\"type\":\"object\",\"nullable\":true,\"description\":"
 "\"默认遮蔽（张*、330624********1234、138****5678）；被检举单位的人员只得到 "
 "{\\\"hidden\\\":true}\",\"properties\":{\"name\":{\"type\":\"string\"},"
 "\"id_number\":{\"type\":\"string\"},\"phone\":{\"type\":\"string\"},"
 "\"address\":{\"type\":\"string\"},\"email\":{\"type\":\"string\"},"
 "\"organisation\":{\"type\":\"boolean\",\"description\":\"依申请公开的申请人"
 "为法人或其他组织（名称和统一社会信用代码不遮蔽）\"},"
 "\"masked\":{\"type\":\"boolean\"},"
 "\"online\":{\"type\":\"boolean\"},\"hidden\":{\"type\":\"boolean\"}}},"
"\"CaseDetail\":{\"allOf\":[{\"$ref\":\"#/components/schemas/Case\"},{"
 "\"type\":\"object\",\"properties\":{"
 "\"fields\":{\"type\":\"object\"},"
 "\"petitioner\":{\"$ref\":\"#/components/schemas/Petitioner\"},"
 "\"accused_dept_id\":{\"type\":\"integer\",\"nullable\":true},"
 "\"satisfaction\":{\"type\":\"string\",\"nullable\":true,\"enum\":["
 "\"satisfied\",\"basically_satisfied\",\"unsatisfied\",null]},"
 "\"clocks\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
 "\"history\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
 "\"actions\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
 "\"properties\":{\"id\":{\"type\":\"string\"},\"label\":{\"type\":"
 "\"string\"}}}}}}]},"
"\"Publication\":{\"type\":\"object\",\"properties\":{"
 "\"id\":{\"type\":\"integer\"},\"index_no\":{\"type\":\"string\","
 "\"example\":\"11330624736120582U/2022-00001\"},"
 "\"title\":{\"type\":\"string\"},\"state\":{\"type\":\"string\"},"
 "\"formed_on\":{\"type\":\"string\",\"format\":\"date\"},"
 "\"published_at\":{\"type\":\"string\",\"format\":\"date-time\","
 "\"nullable\":true},\"withdrawn_at\":{\"type\":\"string\",\"format\":"
 "\"date-time\",\"nullable\":true}}},"
"\"PublicationList\":{\"type\":\"object\",\"properties\":{\"publications\":{"
 "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Publication\""
 "}},\"page\":{\"type\":\"integer\"},\"page_size\":{\"type\":\"integer\"},"
 "\"total\":{\"type\":\"integer\"}}},"
"\"PublicationDetail\":{\"allOf\":[{\"$ref\":"
 "\"#/components/schemas/Publication\"},{\"type\":\"object\",\"properties\":{"
 "\"case_id\":{\"type\":\"integer\"},\"number\":{\"type\":\"string\"},"
 "\"state_label\":{\"type\":\"string\"},\"body\":{\"type\":\"string\"},"
 "\"doc_no\":{\"type\":\"string\"},\"publisher\":{\"type\":\"string\"},"
 "\"source\":{\"type\":\"string\"},\"catalogue\":{\"type\":\"object\","
 "\"properties\":{\"code\":{\"type\":\"string\"},\"name\":{\"type\":"
 "\"string\"}}},\"channels\":{\"type\":\"array\",\"items\":{\"type\":"
 "\"string\"}},\"withdraw_reason\":{\"type\":\"string\"},"
 "\"visits\":{\"type\":\"integer\"},\"review_round\":{\"type\":\"integer\"},"
 "\"findings\":{\"type\":\"array\",\"description\":\"扫描发现，只有遮蔽形式"
 "\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":"
 "\"integer\"},\"round\":{\"type\":\"integer\"},\"source\":{\"type\":"
 "\"string\"},\"kind\":{\"type\":\"string\"},\"kind_label\":{\"type\":"
 "\"string\"},\"masked\":{\"type\":\"string\"},\"start\":{\"type\":"
 "\"integer\"},\"length\":{\"type\":\"integer\"},\"resolution\":{\"type\":"
 "\"string\",\"enum\":[\"\",\"redacted\",\"justified\"]},\"reason\":{"
 "\"type\":\"string\"}}}},"
 "\"files\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
 "\"properties\":{\"id\":{\"type\":\"integer\"},\"dropped\":{\"type\":"
 "\"boolean\"},\"withheld\":{\"type\":\"boolean\"}}}},"
 "\"clocks\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
 "\"history\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
 "\"actions\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
 "\"properties\":{\"id\":{\"type\":\"string\"},\"label\":{\"type\":"
 "\"string\"}}}}}}]},"
"\"PublicationWrite\":{\"type\":\"object\",\"additionalProperties\":false,"
 "\"properties\":{\"fields\":{\"type\":\"object\",\"description\":\"操作的"
 "字段，见 x-procedures 的 publication\"}}},"
"\"CaseCreate\":{\"type\":\"object\",\"required\":[\"procedure\","
 "\"petitioner\"],\"additionalProperties\":false,\"properties\":{"
 "\"procedure\":{\"type\":\"string\",\"enum\":[\"petition\",\"hotline\","
 "\"disclosure\"]},"
 "\"fields\":{\"type\":\"object\",\"description\":\"登记操作的字段，见 "
 "x-procedures\"},"
 "\"petitioner\":{\"type\":\"object\",\"additionalProperties\":false,"
 "\"description\":\"phone 和 address 至少一项。依申请公开的申请人为法人"
 "或其他组织时（fields.applicant_type 不是 natural），name 为其名称，"
 "id_number 为统一社会信用代码（按 GB 32100 校验）\",\"properties\":{"
 "\"name\":{\"type\":\"string\"},\"id_number\":{\"type\":\"string\"},"
 "\"phone\":{\"type\":\"string\"},\"address\":{\"type\":\"string\"},"
 "\"email\":{\"type\":\"string\"}}},"
 "\"accused_dept_id\":{\"type\":\"integer\",\"nullable\":true,"
 "\"description\":\"检举控告（举报）所针对的部门\"}}}}}}";

static const char *type_name(enum wf_type t)
{
	switch (t) {
	case WF_TEXT: return "text";
	case WF_INT: return "int";
	case WF_DATE: return "date";
	case WF_ENUM: return "enum";
	case WF_DEPT: return "dept";
	case WF_USER: return "user";
	case WF_CASE: return "case";
	case WF_FILE: return "file";
	}
	return "text";
}

static json_t *field_names(const struct wf_field *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]->name));
	return a;
}

static json_t *roles_json(roleset rs)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (rs & ((roleset)1 << i))
			json_array_append_new(a, json_string(role_code(i)));
	return a;
}

static json_t *fields_json(const struct workflow *w)
{
	json_t *o = json_object();
	size_t i, k;

	for (i = 0; i < w->nfields; i++) {
		const struct wf_field *f = &w->fields[i];
		json_t *x = json_pack("{s:s,s:s}", "type", type_name(f->type),
				      "label", f->label);

		if (f->type == WF_ENUM) {
			json_t *vals = json_array();

			for (k = 0; k < f->nvalues; k++)
				json_array_append_new(vals, json_pack(
					"{s:s,s:s}", "id", f->values[k].id,
					"label", f->values[k].label));
			json_object_set_new(x, "values", vals);
		}
		if (f->type == WF_TEXT)
			json_object_set_new(x, "max_chars",
					    json_integer(f->max));
		if (f->type == WF_DEPT && f->multiple)
			json_object_set_new(x, "multiple", json_true());
		if (f->type == WF_FILE)
			json_object_set_new(x, "max_files",
					    json_integer(f->max));
		json_object_set_new(o, f->name, x);
	}
	return o;
}

static json_t *actions_json(const struct workflow *w)
{
	json_t *a = json_array();
	size_t i, k;

	for (i = 0; i < w->nactions; i++) {
		const struct wf_action *x = &w->actions[i];
		json_t *from = json_array();

		for (k = 0; k < x->nfrom; k++)
			json_array_append_new(from, json_string(x->from[k]));
		json_array_append_new(a, json_pack(
			"{s:s,s:s,s:b,s:o,s:o,s:o,s:o,s:o,s:s}",
			"id", x->id, "label", x->label, "create", x->create,
			"from", from, "to", x->to ? json_string(x->to->id) :
			json_null(), "roles", roles_json(x->roles),
			"required", field_names(x->required, x->nrequired),
			"optional", field_names(x->optional, x->noptional),
			"basis", x->basis ? x->basis : ""));
	}
	return a;
}

static json_t *procedure_json(const struct workflow *w)
{
	json_t *states = json_array();
	size_t i;

	for (i = 0; i < w->nstates; i++)
		json_array_append_new(states, json_pack("{s:s,s:s,s:b}",
			"id", w->states[i].id, "label", w->states[i].label,
			"final", w->states[i].final));
	return json_pack("{s:s,s:i,s:s,s:o,s:o,s:o}", "title", w->title,
			 "version", w->version, "legal_basis", w->legal_basis,
			 "states", states, "actions", actions_json(w),
			 "fields", fields_json(w));
}

/* GET /api/openapi.json */
int api_openapi(struct req *r)
{
	static const char *const procs[] = { "petition", "hotline",
					     "disclosure", "publication" };
	json_error_t jerr;
	json_t *o = json_loads(doc, 0, &jerr), *x;
	size_t i;

	if (!o)
		return req_fail(r, 500, "openapi", "接口说明文档有误：%s 第 %d "
				"行", jerr.text, jerr.line);
	x = json_object();
	for (i = 0; i < ARRAY_SIZE(procs); i++) {
		const struct workflow *w = workflow_find(procs[i], 0);

		if (w)
			json_object_set_new(x, procs[i], procedure_json(w));
	}
	json_object_set_new(o, "x-procedures", x);
	return req_json(r, 200, o);
}
