/* openapi.c: GET /api/openapi.json — the OpenAPI 3 description of the
 * case API (cases_api.c), the publication API (src/portal/staff_api.c),
 * the account API (src/auth/pages.c, src/org/users_api.c) and the audit
 * trail's (src/audit/page.c)
 *
 * The paths and schemas are written here once; what each procedure
 * accepts (its states, actions, their roles and fields) and the role
 * codes are added from the loaded definitions and the role table, so the
 * document never disagrees with the engine about a procedure or a role.
 */
#include "http/pages.h"

#include <string.h>

#include <jansson.h>

#include "auth/roles.h"
#include "core/buf.h"
#include "http/http.h"
#include "petition/petition.h"

/*
 * What the document says again and again, written once: a reference, a
 * JSON body, a success response, a request body, the page parameter, and
 * the error responses.  Each error status is described once under
 * components/responses and referred to from the operations; a 400 whose
 * codes an operation can name has its own description (BAD).
 */
#define REF(to) "{\"$ref\":\"#/components/" to "\"}"
#define JSON_OF(schema) \
	"\"content\":{\"application/json\":{\"schema\":" schema "}}"
#define OK(status, what, schema) "\"" #status "\":{\"description\":\"" \
	what "\"," JSON_OF(REF("schemas/" schema)) "}"
#define BODY(schema) "\"requestBody\":{\"required\":true," JSON_OF(schema) \
	"},"
#define PAGE(max) "{\"name\":\"page\",\"in\":\"query\",\"schema\":{" \
	"\"type\":\"integer\",\"minimum\":1,\"maximum\":" #max "," \
	"\"default\":1}}"
#define ERROR_BODY(what) "{\"description\":\"" what "\"," \
	JSON_OF(REF("schemas/Error")) "}"
#define BAD(what) "\"400\":" ERROR_BODY(what)
#define ERR(status, name) "\"" #status "\":" REF("responses/" name)
#define E400 ERR(400, "BadRequest")
#define E404 ERR(404, "NotFound")
#define E409 ERR(409, "Conflict")
#define E503 ERR(503, "Unavailable")
/* Every route but the document itself wants a caller with a role. */
#define E_AUTH ERR(401, "Unauthenticated") "," ERR(403, "Forbidden")
/* What the JSON body parser refuses before a handler runs. */
#define E_BODY E400 "," ERR(413, "TooLarge") "," \
	ERR(415, "UnsupportedMediaType")

static const char doc[] =
"{\"openapi\":\"3.0.3\","
"\"info\":{\"title\":\"法治政府建设管理平台 信访、热线、依申请公开和主动公开"
"事项及账号、审计日志接口\","
"\"version\":\"1\",\"description\":\"信访事项、12345热线工单和政府信息公开"
"申请的查询、登记和办理。认证：Authorization: Bearer <令牌>（fazhi user "
"token 或“我的账号”页面生成），或已登录的会话（修改请求须带 X-CSRF-Token）。"
"个人信息默认遮蔽显示；信访专员（依申请公开为信息公开专员）、分管领导可用 "
"unmask=1 和 reason 查看完整信息，每次查看记入审计日志。各程序的状态、操作和"
"字段见 x-procedures。主动公开信息（/api/v1/publications）的起草、保密审查、"
"批准、发布和撤回由信息公开专员、保密审查员、部门负责人和分管领导办理，"
"其他用户得到 403（forbidden）。账号和审计日志接口按三员分立：用户和部门"
"（/api/v1/users、/api/v1/departments）只有系统管理员可以查看和新建，审计"
"日志（/api/v1/audit）只有审计管理员可以查询；/api/v1/me 对所有工作人员和"
"管理员开放。\"},"
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
  PAGE(100000) ","
  "{\"name\":\"page_size\",\"in\":\"query\",\"description\":\"每页件数\","
  "\"schema\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200,"
  "\"default\":50}}],"
 "\"responses\":{" OK(200, "事项列表", "CaseList") ","
 BAD("无效的筛选参数（bad_filter）") "," E_AUTH "}},"
 "\"post\":{\"operationId\":\"createCase\",\"summary\":\"登记事项\","
 "\"description\":\"以程序的登记操作新建事项；数据持久保存后才答复。事项详情的 "
 "duplicates 列出同一信访人或标题相近的在办事项。\","
 BODY(REF("schemas/CaseCreate"))
 "\"responses\":{" OK(201, "已登记", "Case") "," E_BODY "," E_AUTH "}}},"
"\"/api/v1/cases/{id}\":{"
 "\"get\":{\"operationId\":\"getCase\",\"summary\":\"事项详情\","
 "\"parameters\":[" REF("parameters/id") ","
  "{\"name\":\"unmask\",\"in\":\"query\",\"description\":\"1：显示完整个人"
  "信息（须有权限并说明理由，记入审计日志）\",\"schema\":{\"type\":\"integer\","
  "\"enum\":[0,1]}},"
  "{\"name\":\"reason\",\"in\":\"query\",\"description\":\"查看完整信息的"
  "理由，unmask=1 时必填\",\"schema\":{\"type\":\"string\",\"maxLength\":200}}],"
 "\"responses\":{" OK(200, "事项", "CaseDetail") "," E400 "," E_AUTH ","
 E404 "}}},"
"\"/api/v1/cases/{id}/actions/{action}\":{"
 "\"post\":{\"operationId\":\"actOnCase\",\"summary\":\"办理操作\","
 "\"description\":\"执行程序定义的操作。拒绝时 error.code 为引擎的代码："
 "case_final、wrong_state、role_denied、wrong_dept、unknown_field、"
 "field_required、field_invalid、merge_invalid（合并对象已终结、已合并或已"
 "不再办理）、clock_*、extension_limit、extension_late、window_expired、"
 "window_open、unknown_action；或 accused_dept（检举控告事项不能交由被检举"
 "单位承办）。\","
 "\"parameters\":[" REF("parameters/id") ","
  "{\"name\":\"action\",\"in\":\"path\",\"required\":true,\"schema\":{"
  "\"type\":\"string\"}}],"
 BODY("{\"type\":\"object\",\"additionalProperties\":false,"
      "\"properties\":{\"fields\":{\"type\":\"object\"}}}")
 "\"responses\":{" OK(200, "办理后的事项", "CaseDetail") "," E_BODY ","
 E_AUTH "," E404 "," E409 "}}},"
"\"/api/v1/cases/{id}/files/{file}\":{"
 "\"get\":{\"operationId\":\"getCaseFile\",\"summary\":\"下载事项材料\","
 "\"description\":\"以附件形式返回文件；每次下载记入审计日志。被检举控告"
 "的单位不能下载。\","
 "\"parameters\":[" REF("parameters/id") ","
  "{\"name\":\"file\",\"in\":\"path\",\"required\":true,\"schema\":{"
  "\"type\":\"integer\",\"minimum\":1}}],"
 "\"responses\":{\"200\":{\"description\":\"文件\",\"content\":{"
 "\"application/octet-stream\":{\"schema\":{\"type\":\"string\","
 "\"format\":\"binary\"}}}}," E_AUTH "," E404 "}}},"
"\"/api/v1/publications\":{"
 "\"get\":{\"operationId\":\"listPublications\",\"summary\":"
 "\"主动公开信息列表\","
 "\"description\":\"按编号倒序，每页 50 条。\","
 "\"parameters\":["
  "{\"name\":\"state\",\"in\":\"query\",\"description\":\"办理状态，"
  "见 x-procedures 的 publication.states；为空视为未给出\",\"schema\":{"
  "\"type\":\"string\"}}," PAGE(100000) "],"
 "\"responses\":{" OK(200, "信息列表", "PublicationList") ","
 BAD("无效的页码（bad_filter）") "," E_AUTH "}},"
 "\"post\":{\"operationId\":\"createPublication\",\"summary\":\"起草信息\","
 "\"description\":\"以 draft 操作起草一条信息，同时分配索引号。fields 为 "
 "draft 操作的字段（title、body、catalogue 为目录代码、formed_on，可选 "
 "doc_no、source、publisher、channels 为逗号分隔的渠道、attachments 为先经 "
 "/api/v1/attachments 上传的文件 id）。拒绝时 error.code 为引擎的代码，或 "
 "field_invalid（目录或渠道不存在或已停用）。\","
 BODY(REF("schemas/PublicationWrite"))
 "\"responses\":{" OK(201, "已起草，Location 为其地址", "PublicationDetail")
 "," E_BODY "," E_AUTH "}}},"
"\"/api/v1/publications/{id}\":{"
 "\"get\":{\"operationId\":\"getPublication\",\"summary\":\"信息详情\","
 "\"description\":\"信息的内容、扫描发现及其处理、附件、公开时限、可办理的"
 "操作和办理过程。\","
 "\"parameters\":[" REF("parameters/id") "],"
 "\"responses\":{" OK(200, "信息", "PublicationDetail") "," E_AUTH ","
 E404 "}}},"
"\"/api/v1/publications/{id}/actions/{action}\":{"
 "\"post\":{\"operationId\":\"actOnPublication\",\"summary\":\"办理操作\","
 "\"description\":\"执行 publication 程序定义的操作（submit、pass_review、"
 "approve、publish、withdraw、revise 等，见 x-procedures）。提交审查时扫描"
 "个人信息和敏感词；本轮扫描发现未全部处理时，通过审查、批准和发布被拒绝。"
 "拒绝时 error.code 为引擎的代码（wrong_state、role_denied、field_required、"
 "field_invalid、unknown_action 等），或 findings_unresolved（409，尚有未处理"
 "的扫描发现）、changed（409，信息刚被修改）、scan_unavailable（503，扫描"
 "暂时无法进行）。\","
 "\"parameters\":[" REF("parameters/id") ","
  "{\"name\":\"action\",\"in\":\"path\",\"required\":true,\"schema\":{"
  "\"type\":\"string\"}}],"
 BODY(REF("schemas/PublicationWrite"))
 "\"responses\":{" OK(200, "办理后的信息", "PublicationDetail") ","
 E_BODY "," E_AUTH "," E404 "," E409 "," E503 "}}},"
"\"/api/v1/publications/{id}/findings/{finding}\":{"
 "\"post\":{\"operationId\":\"resolvePublicationFinding\",\"summary\":"
 "\"处理扫描发现\",\"description\":\"保密审查员在审查中对本轮的一处扫描发现"
 "作出决定：redacted（公开时遮盖；附件中的发现则该附件不公开）或 justified"
 "（说明理由后照原样公开，reason 必填）。审查通过前可以改变决定。拒绝时 "
 "error.code 为 role_denied（403）、wrong_state（409）、not_found（404）或 "
 "reason_required（400）。\","
 "\"parameters\":[" REF("parameters/id") ","
  "{\"name\":\"finding\",\"in\":\"path\",\"required\":true,\"schema\":{"
  "\"type\":\"integer\",\"minimum\":1}}],"
 BODY("{\"type\":\"object\",\"additionalProperties\":false,"
      "\"required\":[\"resolution\"],\"properties\":{\"resolution\":{"
      "\"type\":\"string\",\"enum\":[\"redacted\",\"justified\"]},"
      "\"reason\":{\"type\":\"string\",\"maxLength\":500}}}")
 "\"responses\":{" OK(200, "处理后的信息", "PublicationDetail") ","
 E_BODY "," E_AUTH "," E404 "," E409 "}}},"
"\"/api/v1/attachments\":{"
 "\"post\":{\"operationId\":\"uploadAttachments\",\"summary\":\"上传材料\","
 "\"description\":\"先上传文件（表单字段 file，可多个），再在登记或办理"
 "操作的文件字段中填写返回的 id。文件须为 PDF、JPG、PNG、DOC、DOCX、XLS、"
 "XLSX、OFD 或 TXT，扩展名与内容一致；未被任何事项使用的上传一天后删除。\","
 "\"requestBody\":{\"required\":true,\"content\":{"
 "\"multipart/form-data\":{\"schema\":{\"type\":\"object\","
 "\"properties\":{\"file\":{\"type\":\"array\",\"items\":{"
 "\"type\":\"string\",\"format\":\"binary\"}}}}}}},"
 "\"responses\":{\"201\":{\"description\":\"已保存\"," JSON_OF(
 "{\"type\":\"object\",\"properties\":{"
 "\"attachments\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
 "\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":"
 "\"string\"},\"mime\":{\"type\":\"string\"},\"size\":{\"type\":"
 "\"integer\"},\"sm3\":{\"type\":\"string\"}}}}}}") "},"
 E_BODY "," E_AUTH "}}},"
"\"/api/v1/me\":{"
 "\"get\":{\"operationId\":\"getMe\",\"summary\":\"当前账号\","
 "\"description\":\"调用者（会话或令牌所属的账号）的编号、账号名、姓名、"
 "部门和角色。持有任一工作人员或管理员角色的账号都可以调用（系统管理员、"
 "安全管理员、审计管理员也可以）。须先修改密码（首次登录或密码过期）的账号"
 "得到 403（password_change_required），所以成功时 must_change 总为 "
 "false。\","
 "\"responses\":{" OK(200, "当前账号", "Me") "," E_AUTH "}}},"
"\"/api/v1/users\":{"
 "\"get\":{\"operationId\":\"listUsers\",\"summary\":\"用户列表\","
 "\"description\":\"只有系统管理员（sysadmin）可以调用。按账号名排序，"
 "每页 50 个；页码超过末页时 users 为空。q 在账号名（不区分大小写）和姓名"
 "中查找，dept 只列该部门本身的账号（不含下级部门）。参数值为空视为未给出；"
 "无效的参数以 400 拒绝：bad_query（q 超过 64 个字）、bad_department 或 "
 "bad_page。\","
 "\"parameters\":["
  "{\"name\":\"q\",\"in\":\"query\",\"description\":\"账号名或姓名的一部分"
  "\",\"schema\":{\"type\":\"string\",\"maxLength\":64}},"
  "{\"name\":\"dept\",\"in\":\"query\",\"description\":\"部门编号，0 为"
  "全部\",\"schema\":{\"type\":\"integer\",\"minimum\":0,\"default\":0}},"
  PAGE(1000000) "],"
 "\"responses\":{" OK(200, "用户列表", "UserList") ","
 BAD("无效的参数（bad_query、bad_department、bad_page）") "," E_AUTH "}},"
 "\"post\":{\"operationId\":\"createUser\",\"summary\":\"新建账号\","
 "\"description\":\"只有系统管理员（sysadmin）可以调用。系统生成初始密码，"
 "只在答复中出现这一次，账号首次登录须修改密码；新建记入审计日志"
 "（user.create）。管理员角色（sysadmin、secadmin、auditadmin）只能授予 "
 "kind 为 admin 的账号，三者互斥；业务角色只能授予 staff 账号。拒绝时 "
 "error.code 为 bad_json、unknown_field（请求体有未列出的字段）、bad_field"
 "（字段类型不对）、bad_role（未知的角色代码）、bad_login、bad_name、"
 "bad_kind、bad_department（部门不存在）、roles_conflict（400），或 "
 "login_taken（409，账号已存在）。\","
 BODY(REF("schemas/UserCreate"))
 "\"responses\":{" OK(201, "已新建", "UserCreated") "," E_BODY ","
 E_AUTH "," E409 "}}},"
"\"/api/v1/departments\":{"
 "\"get\":{\"operationId\":\"listDepartments\",\"summary\":\"部门列表\","
 "\"description\":\"只有系统管理员（sysadmin）可以调用。全部部门，不分页，"
 "按树的顺序：上级在下级之前，同级按排序号和名称。\","
 "\"responses\":{" OK(200, "部门列表", "DepartmentList") "," E_AUTH
 "}}},"
"\"/api/v1/audit\":{"
 "\"get\":{\"operationId\":\"queryAudit\",\"summary\":\"查询审计日志\","
 "\"description\":\"只有审计管理员（auditadmin）可以调用。按序号倒序。"
 "每次查询本身先记入审计日志（audit.query，含筛选条件和匹配条数），记录不了"
 "就不返回任何条目（503 或 500）。答复的 upto 是查询开始时日志的最新序号："
 "翻页时带上它，列表就不会因新增的条目而移动。时间参数按北京时间填写，ts 为 "
 "UTC 的 ISO 8601 时间。参数值为空视为未给出；无效的参数以 400 拒绝："
 "bad_filter（参数重复、超过 200 字节、时间无效、开始晚于结束、结果或页码、"
 "每页条数超出范围，error.message 说明原因）或 bad_page（页码超过末页）。\","
 "\"parameters\":["
  "{\"name\":\"actor\",\"in\":\"query\",\"description\":\"操作人账号名的"
  "一部分（不区分大小写）；actor_exact=1 时为完整账号名\",\"schema\":{"
  "\"type\":\"string\",\"maxLength\":200}},"
  "{\"name\":\"actor_exact\",\"in\":\"query\",\"description\":\"1：actor "
  "精确匹配\",\"schema\":{\"type\":\"integer\",\"enum\":[0,1],"
  "\"default\":0}},"
  "{\"name\":\"action\",\"in\":\"query\",\"description\":\"操作，如 login；"
  "以“.”或“*”结尾时按前缀匹配，如 user.\",\"schema\":{\"type\":\"string\","
  "\"maxLength\":200}},"
  "{\"name\":\"object\",\"in\":\"query\",\"description\":\"对象，如 user:12"
  "；以“:”或“*”结尾时按前缀匹配\",\"schema\":{\"type\":\"string\","
  "\"maxLength\":200}},"
  "{\"name\":\"outcome\",\"in\":\"query\",\"schema\":{\"type\":\"string\","
  "\"enum\":[\"success\",\"failure\",\"denied\"]}},"
  "{\"name\":\"from\",\"in\":\"query\",\"description\":\"开始时间（含），"
  "如 2026-01-31、2026-01-31T08:30 或 2026-01-31T08:30:00\",\"schema\":{"
  "\"type\":\"string\"}},"
  "{\"name\":\"to\",\"in\":\"query\",\"description\":\"结束时间，含所指的"
  "整天、整分钟或那一秒\",\"schema\":{\"type\":\"string\"}},"
  "{\"name\":\"upto\",\"in\":\"query\",\"description\":\"只列序号不大于此值"
  "的条目\",\"schema\":{\"type\":\"integer\",\"minimum\":1}},"
  PAGE(1000000) ","
  "{\"name\":\"size\",\"in\":\"query\",\"description\":\"每页条数\","
  "\"schema\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200,"
  "\"default\":50}}],"
 "\"responses\":{" OK(200, "审计日志条目", "AuditPage") ","
 BAD("无效的参数（bad_filter、bad_page）") "," E_AUTH "," E503 "}}}},"
"\"components\":{"
"\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"},"
 "\"session\":{\"type\":\"apiKey\",\"in\":\"cookie\",\"name\":\"fz_sid\"}},"
"\"parameters\":{\"id\":{\"name\":\"id\",\"in\":\"path\",\"required\":true,"
 "\"schema\":{\"type\":\"integer\",\"minimum\":1}}},"
"\"responses\":{"
 "\"BadRequest\":" ERROR_BODY("请求无效：参数、字段或请求体有误（如 "
 "bad_json），error.code 说明原因，各操作的说明列出其代码") ","
 "\"Unauthenticated\":" ERROR_BODY("未登录，或访问令牌无效、已撤销"
 "（unauthenticated、bad_token）") ","
 "\"Forbidden\":" ERROR_BODY("无权调用（forbidden）、须先修改密码"
 "（password_change_required），或修改请求没有有效的 CSRF 令牌（csrf）；"
 "办理操作的拒绝另见其说明") ","
 "\"NotFound\":" ERROR_BODY("对象不存在（not_found）") ","
 "\"Conflict\":" ERROR_BODY("与对象的当前状态冲突，error.code 说明原因") ","
 "\"TooLarge\":" ERROR_BODY("请求体过大（too_large）") ","
 "\"UnsupportedMediaType\":" ERROR_BODY("请求的内容类型不对"
 "（unsupported_media_type）") ","
 "\"Unavailable\":" ERROR_BODY("暂时无法办理，可稍后再试") "},"
"\"schemas\":{"
"\"Error\":{\"type\":\"object\",\"properties\":{\"error\":{\"type\":\"object\","
 "\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":"
 "\"string\"}}}}},"
"\"Role\":{\"type\":\"string\"},"
"\"Me\":{\"type\":\"object\",\"properties\":{"
 "\"id\":{\"type\":\"integer\"},\"login\":{\"type\":\"string\"},"
 "\"display_name\":{\"type\":\"string\"},"
 "\"department\":{\"type\":\"string\",\"nullable\":true,\"description\":"
 "\"部门名称，未分配为 null\"},"
 "\"roles\":{\"type\":\"array\",\"items\":" REF("schemas/Role") "},"
 "\"must_change\":{\"type\":\"boolean\"}}},"
"\"User\":{\"type\":\"object\",\"properties\":{"
 "\"id\":{\"type\":\"integer\"},\"login\":{\"type\":\"string\"},"
 "\"display_name\":{\"type\":\"string\"},"
 "\"department_id\":{\"type\":\"integer\",\"nullable\":true},"
 "\"kind\":{\"type\":\"string\",\"enum\":[\"staff\",\"admin\","
 "\"citizen\"]},"
 "\"roles\":{\"type\":\"array\",\"items\":" REF("schemas/Role") "},"
 "\"disabled\":{\"type\":\"boolean\"}}},"
"\"UserList\":{\"type\":\"object\",\"properties\":{\"users\":{\"type\":"
 "\"array\",\"items\":" REF("schemas/User") "},"
 "\"page\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"}}},"
"\"UserCreate\":{\"type\":\"object\",\"additionalProperties\":false,"
 "\"required\":[\"login\",\"display_name\"],\"properties\":{"
 "\"login\":{\"type\":\"string\",\"pattern\":\"^[a-z][a-z0-9._-]{2,31}$\"},"
 "\"display_name\":{\"type\":\"string\",\"maxLength\":64},"
 "\"department_id\":{\"type\":\"integer\",\"nullable\":true,\"minimum\":0,"
 "\"description\":\"null 或 0：不分配部门\"},"
 "\"kind\":{\"type\":\"string\",\"enum\":[\"staff\",\"admin\"],"
 "\"default\":\"staff\"},"
 "\"roles\":{\"type\":\"array\",\"items\":" REF("schemas/Role") "}}},"
"\"UserCreated\":{\"type\":\"object\",\"properties\":{"
 "\"id\":{\"type\":\"integer\"},\"login\":{\"type\":\"string\"},"
 "\"password\":{\"type\":\"string\",\"description\":\"初始密码，只出现"
 "这一次\"}}},"
"\"Department\":{\"type\":\"object\",\"properties\":{"
 "\"id\":{\"type\":\"integer\"},"
 "\"parent_id\":{\"type\":\"integer\",\"nullable\":true},"
 "\"code\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}}},"
"\"DepartmentList\":{\"type\":\"object\",\"properties\":{\"departments\":{"
 "\"type\":\"array\",\"items\":" REF("schemas/Department") "}}},"
"\"AuditEntry\":{\"type\":\"object\",\"properties\":{"
 "\"seq\":{\"type\":\"integer\"},"
 "\"ts\":{\"type\":\"string\",\"format\":\"date-time\"},"
 "\"actor\":{\"type\":\"string\",\"description\":\"账号名，或 system、"
 "anonymous\"},"
 "\"actor_role\":{\"type\":\"string\",\"description\":\"当时持有的角色代码，"
 "逗号分隔\"},"
 "\"source_ip\":{\"type\":\"string\"},\"request_id\":{\"type\":\"string\"},"
 "\"action\":{\"type\":\"string\"},\"object\":{\"type\":\"string\"},"
 "\"outcome\":{\"type\":\"string\",\"enum\":[\"success\",\"failure\","
 "\"denied\"]},"
 "\"details\":{\"description\":\"操作的细节，通常为 JSON 对象\"}}},"
"\"AuditPage\":{\"type\":\"object\",\"properties\":{\"entries\":{\"type\":"
 "\"array\",\"items\":" REF("schemas/AuditEntry") "},"
 "\"page\":{\"type\":\"integer\"},\"size\":{\"type\":\"integer\"},"
 "\"total\":{\"type\":\"integer\"},\"upto\":{\"type\":\"integer\"}}},"
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
 "\"nullable\":true},\"due\":" REF("schemas/Due") ","
 "\"duplicates\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}},"
"\"CaseList\":{\"type\":\"object\",\"properties\":{\"cases\":{\"type\":"
 "\"array\",\"items\":" REF("schemas/Case") "},"
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
"\"CaseDetail\":{\"allOf\":[" REF("schemas/Case") ",{"
 "\"type\":\"object\",\"properties\":{"
 "\"fields\":{\"type\":\"object\"},"
 "\"petitioner\":" REF("schemas/Petitioner") ","
 "\"accused_dept_id\":{\"type\":\"integer\",\"nullable\":true},"
 "\"satisfaction\":{\"type\":\"string\",\"nullable\":true,\"enum\":["
 "\"satisfied\",\"basically_satisfied\",\"unsatisfied\",null]},"
 "\"clocks\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
 "\"history\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
 "\"actions\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
 "\"properties\":{\"id\":{\"type\":\"string\"},\"label\":{\"type\":"
 "\"string\"}}}},"
 "\"files\":{\"type\":\"array\",\"description\":\"事项材料；被检举单位"
 "的人员得到空数组\",\"items\":{\"type\":\"object\",\"properties\":{"
 "\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},"
 "\"size\":{\"type\":\"integer\"},\"field\":{\"type\":\"string\","
 "\"description\":\"所在的字段\"},\"at\":{\"type\":\"integer\","
 "\"description\":\"上传时间（Unix 秒）\"},\"url\":{\"type\":"
 "\"string\",\"description\":\"下载地址（getCaseFile）\"}}}}}}]},"
"\"Publication\":{\"type\":\"object\",\"properties\":{"
 "\"id\":{\"type\":\"integer\"},\"index_no\":{\"type\":\"string\","
 "\"example\":\"11330624736120582U/2022-00001\"},"
 "\"title\":{\"type\":\"string\"},\"state\":{\"type\":\"string\"},"
 "\"formed_on\":{\"type\":\"string\",\"format\":\"date\"},"
 "\"published_at\":{\"type\":\"string\",\"format\":\"date-time\","
 "\"nullable\":true},\"withdrawn_at\":{\"type\":\"string\",\"format\":"
 "\"date-time\",\"nullable\":true}}},"
"\"PublicationList\":{\"type\":\"object\",\"properties\":{\"publications\":{"
 "\"type\":\"array\",\"items\":" REF("schemas/Publication") "},"
 "\"page\":{\"type\":\"integer\"},\"page_size\":{\"type\":\"integer\"},"
 "\"total\":{\"type\":\"integer\"}}},"
"\"PublicationDetail\":{\"allOf\":[" REF("schemas/Publication") ",{"
 "\"type\":\"object\",\"properties\":{"
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

/* The role codes of the role table with their names, for Role. */
static void role_schema(json_t *role)
{
	json_t *codes = json_array();
	struct buf d = BUF_INIT;
	int i;

	buf_puts(&d, "角色代码：");
	for (i = 0; i < ROLE_COUNT; i++) {
		json_array_append_new(codes, json_string(role_code(i)));
		buf_printf(&d, "%s%s（%s）", i ? "、" : "", role_code(i),
			   role_name(i));
	}
	json_object_set_new(role, "description", json_string(buf_cstr(&d)));
	json_object_set_new(role, "enum", codes);
	buf_release(&d);
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
	role_schema(json_object_get(json_object_get(json_object_get(o,
		"components"), "schemas"), "Role"));
	return req_json(r, 200, o);
}
