/* demo_portal.c: the publications of 新昌高新园区 in 2021 and 2022
 *
 * The 2022 report on rule-of-law government counts 29 items published
 * on the county government website (+45% on 2021, so 20 then) and 13
 * articles on the park's own channel ("新昌高新发布").  The demo holds
 * exactly those: every item drafted, reviewed, approved and published
 * through the pipeline as the demo staff would, at past dates, so its
 * history, its clock and its audit entries are those of real work.  A
 * few drafts carry a telephone number, an e-mail address or a mobile
 * number: the scanner finds them and the reviewer settles each, as the
 * report's "先审查、后公开" asks.  The annual report on government
 * information disclosure of 2021 is no typed text: it is drafted from
 * the records (gi_report_draft(), fed by the demo's applications for
 * disclosure) and goes through the same steps.  The texts are written
 * for the demo in the register of a park's notices; several use words a
 * character-by-character converter gets wrong in Traditional characters
 * (干部, 规范, 征求意见, 先审查、后公开, 筑牢, 范围), to check the 繁體
 * view on.
 *
 * Dates come from the official calendar: a 生成日期 on a day off moves
 * to the next working day, and each later step is a working day or a
 * few on, the publication always within the 20 working days and inside
 * the year, so the yearly figures are the report's.
 */
#include "cli/demo_portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/roles.h"
#include "calendar/calendar.h"
#include "cli/app.h"
#include "cli/demo_util.h"
#include "core/util.h"
#include "engine/engine.h"
#include "ogi/report.h"
#include "portal/publication.h"
#include "report/case_stats.h"
#include "store/store.h"

#define BATCH 10            /* items written per transaction */
#define CW "county_site"
#define WX "wechat"
#define CW_WX "county_site,wechat"

struct item {
	const char *formed;         /* 生成日期 */
	const char *cat;            /* section code */
	const char *channels;
	const char *doc_no;
	const char *title;          /* NULL: the annual report on government
				     * information disclosure of the year
				     * before, drafted from the records
				     * (gi_report_draft()) */
	const char *body;
	/* how the reviewer settles the scanner's findings, in order: 'r'
	 * redact, 'j' justify with `reason` (NULL: none are expected) */
	const char *settle;
	const char *reason;
};

/* The notices on the hotline's work in a period: their bodies say
 * {received} and {on_time_rate} where the figures go, counted from the
 * records as the statistics count them on the day the notice is
 * drafted, so that no figure in them is typed. */
static const struct period {
	const char *title, *from, *to;
} periods[] = {
	{ "2021年上半年园区政务服务热线办理情况通报", "2021-01-01",
	  "2021-06-30" },
	{ "2022年前三季度园区政务服务热线办理情况通报", "2022-01-01",
	  "2022-09-30" },
};

static const struct item items_2021[] = {
	{ "2021-01-08", "01", CW, NULL,
	  "新昌高新园区管理委员会机构职能",
	  "新昌高新园区管理委员会是县政府派出机构，负责园区的规划建设、产业"
	  "发展、招商引资、企业服务和社会事务管理。\n管委会内设党政综合办公"
	  "室、经济发展局、规划建设局、社会事务局、财政审计局和综合行政执法"
	  "队。各内设机构的职责、负责人和办公地址在本栏目公开，如有调整，自"
	  "调整之日起20个工作日内更新。", NULL, NULL },
	{ "2021-01-20", "01", CW, NULL,
	  "新昌高新园区管理委员会政府信息公开指南（2021年修订）",
	  "一、主动公开：本机关主动公开的政府信息，经保密审查和审批后在园区"
	  "门户网站政府信息公开专栏和县政府网站发布，自信息形成或者变更之日"
	  "起20个工作日内公开。\n二、依申请公开：公民、法人或者其他组织可以"
	  "通过园区门户网站在线申请，也可以信函或者当面提出申请；本机关自收到"
	  "申请之日起20个工作日内答复。\n三、监督和救济：申请人认为本机关在"
	  "政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起"
	  "行政诉讼。", NULL, NULL },
	{ "2021-02-05", "10", CW, NULL,
	  "新昌高新园区2020年法治政府建设工作报告",
	  "2020年，园区党工委、管委会深入学习贯彻习近平法治思想，把法治建设"
	  "纳入园区发展总体布局。\n全年组织干部专题学法4次，重大行政决策均经"
	  "合法性审查和集体讨论决定；信访和政务服务热线事项全部按期办结，"
	  "依法行政水平进一步提升。", NULL, NULL },
	{ "2021-02-24", "0501", CW, NULL,
	  "新昌高新园区管理委员会2021年部门预算公开",
	  "根据预算公开有关规定，现公开本机关2021年部门预算。\n部门预算包括"
	  "收支总表、一般公共预算支出表、“三公”经费预算表等内容，详见附表。"
	  "2021年“三公”经费预算比上年减少8%。", NULL, NULL },
	{ "2021-03-10", "03", CW, NULL,
	  "新昌高新园区2021年工作要点",
	  "2021年，园区围绕打造县域高质量发展主平台，重点抓好产业项目招引、"
	  "企业技术改造、基础设施建设和营商环境优化四个方面工作。\n全年计划"
	  "引进亿元以上产业项目5个，完成工业投资30亿元，新增规模以上工业企业"
	  "10家。", NULL, NULL },
	{ "2021-03-22", "08", CW, "新高管〔2021〕3号",
	  "关于开展2021年度园区企业安全生产大检查的通知",
	  "各入园企业：\n为防范化解安全生产风险，决定于4月至5月开展园区企业"
	  "安全生产大检查。检查范围为园区全部工业企业，重点检查消防通道、"
	  "危险化学品存放和特种设备使用情况。\n各企业应于4月10日前完成自查，"
	  "园区经济发展局会同有关部门组织抽查。", NULL, NULL },
	{ "2021-04-07", "0201", CW, "新高管〔2021〕5号",
	  "新昌高新园区企业技术改造项目补助资金管理办法",
	  "第一条 为规范园区企业技术改造项目补助资金管理，提高资金使用效益，"
	  "制定本办法。\n第二条 本办法适用于在园区登记注册、依法纳税的工业"
	  "企业实施的技术改造项目。\n第三条 补助资金实行项目申报、部门审核、"
	  "集体研究、结果公示的程序，公示期为5个工作日。", NULL, NULL },
	{ "2021-04-19", "09", CW, NULL,
	  "关于《新昌高新园区人才公寓管理办法（征求意见稿）》公开征求意见的"
	  "公告",
	  "为规范园区人才公寓管理，我委起草了《新昌高新园区人才公寓管理办法"
	  "（征求意见稿）》，现公开征求意见。\n征求意见时间为2021年4月20日至"
	  "5月19日。意见可书面寄送园区社会事务局，联系人：林佳，手机"
	  "13867512345。", "r", NULL },
	{ "2021-05-11", "06", CW, "新发改投〔2021〕41号",
	  "高新大道东延工程项目批准信息",
	  "高新大道东延工程已经县发展和改革局批准。\n项目全长2.1公里，建设"
	  "内容包括道路、排水、照明和绿化工程，总投资1.86亿元，建设工期24个"
	  "月，由园区规划建设局组织实施。", NULL, NULL },
	{ "2021-05-25", "07", CW, NULL,
	  "关于塘头村部分集体土地征收的预公告",
	  "因园区基础设施建设需要，拟征收塘头村部分集体土地。\n拟征收土地范围"
	  "以附图为准，面积约86亩。自本公告发布之日起，在拟征收土地范围内暂停"
	  "办理户口迁入、分户和新建、改建、扩建房屋等手续，抢栽抢建的不予"
	  "补偿。",
	  NULL, NULL },
	{ "2021-06-08", "08", CW, NULL,
	  "关于做好2021年防汛防台工作的通知",
	  "各入园企业、各村：\n入汛以来，我县降雨明显偏多。请各单位落实防汛"
	  "责任，清理排水沟渠，加强低洼地带、在建工地和危旧厂房的巡查，遇"
	  "强降雨及时转移人员。\n园区防汛值班电话24小时畅通。", NULL, NULL },
	{ "2021-06-21", "0203", CW, NULL,
	  "《新昌高新园区企业技术改造项目补助资金管理办法》政策解读",
	  "一、制定背景：为规范技术改造补助资金管理，提高资金使用效益。\n二、"
	  "主要内容：明确补助对象、补助标准和申报程序，补助结果在园区网站"
	  "公示。\n三、适用范围：园区内依法纳税的工业企业。", NULL, NULL },
	{ "2021-07-09", "0502", CW, NULL,
	  "新昌高新园区管理委员会2020年部门决算公开",
	  "根据有关规定，现公开本机关2020年部门决算。\n2020年度收入、支出"
	  "总计均为1.42亿元，“三公”经费支出比预算减少12%，主要是严格控制"
	  "公务接待和因公出国（境）。", NULL, NULL },
	{ "2021-08-03", "08", CW, NULL,
	  "2021年上半年园区政务服务热线办理情况通报",
	  "2021年上半年，园区共受理政务服务热线工单{received}件，按期办结率"
	  "{on_time_rate}。\n群众反映较多的是道路积水、企业噪声和劳动报酬问题，"
	  "均已由承办部门办理答复并回访。", NULL, NULL },
	{ "2021-08-24", "06", CW, NULL,
	  "智造大道雨污分流改造工程招标结果公示",
	  "智造大道雨污分流改造工程已完成公开招标，现将中标结果公示如下。\n"
	  "中标单位：新昌县某市政工程有限公司；中标价：2368万元；工期：180日历"
	  "天。公示期为3日。", NULL, NULL },
	{ "2021-09-14", "07", CW, NULL,
	  "上宅村征地补偿安置方案公告",
	  "依据《中华人民共和国土地管理法》，现将上宅村集体土地征收补偿安置"
	  "方案予以公告。\n补偿标准按省、县公布的区片综合地价执行，地上附着物"
	  "和青苗按县定标准补偿。征地范围内的村民对方案有异议的，可在公告之日"
	  "起30日内提出。", NULL, NULL },
	{ "2021-10-12", "08", CW, NULL,
	  "关于开展园区干部作风建设专项行动的通知",
	  "各局、办、队：\n为进一步转变干部作风、提升服务企业能力，决定在园区"
	  "开展为期三个月的干部作风建设专项行动。\n重点整治推诿扯皮、办事拖拉"
	  "等问题，结果纳入年度考核。", NULL, NULL },
	{ "2021-10-26", "0201", CW, "新高管〔2021〕11号",
	  "新昌高新园区行政规范性文件合法性审查办法",
	  "第一条 为加强行政规范性文件管理，制定本办法。\n第二条 园区起草的"
	  "行政规范性文件，未经合法性审查或者经审查不合法的，不得提交集体"
	  "讨论。\n第三条 合法性审查由党政综合办公室会同法律顾问进行，审查"
	  "时间一般不少于5个工作日。", NULL, NULL },
	{ "2021-11-16", "08", CW, NULL,
	  "关于做好2021年冬季园区企业安全生产和消防工作的通知",
	  "各入园企业：\n冬季天干物燥，火灾风险上升。请各企业开展一次消防"
	  "安全自查，确保消防通道畅通、消防设施完好，严禁在车间、仓库内使用"
	  "取暖电器。", NULL, NULL },
	{ "2021-12-07", "03", CW, NULL,
	  "新昌高新园区“十四五”产业发展规划（摘要）",
	  "“十四五”期间，园区重点发展智能装备、生物医药和新材料三大产业，"
	  "力争到2025年规模以上工业产值突破600亿元。\n规划明确了空间布局、"
	  "重点项目和保障措施，全文在园区网站公开。", NULL, NULL },
};

static const struct item items_2022[] = {
	/* the annual report of 2021, generated from the records */
	{ "2022-01-18", "11", CW, NULL, NULL, NULL, NULL, NULL },
	{ "2022-01-27", "10", CW, NULL,
	  "新昌高新园区2021年法治政府建设工作报告",
	  "2021年，园区深入推进法治政府建设，完善重大行政决策程序，规范性"
	  "文件全部经合法性审查。\n全年组织干部学法7次，法律顾问参与信访答复"
	  "和合同审查，行政争议化解在基层。", NULL, NULL },
	{ "2022-02-18", "0501", CW, NULL,
	  "新昌高新园区管理委员会2022年部门预算公开",
	  "现公开本机关2022年部门预算。\n2022年收支预算总计1.58亿元，“三公”"
	  "经费预算与上年持平，各项支出严格按预算执行。", NULL, NULL },
	{ "2022-02-25", "03", CW_WX, NULL,
	  "新昌高新园区2022年工作要点",
	  "2022年，园区聚焦产业项目招引和营商环境优化，推行产业项目全流程管理"
	  "，落实“一窗受理、集成服务”。\n全年计划完成工业投资35亿元，新增"
	  "亿元以上产业项目6个。", NULL, NULL },
	{ "2022-03-09", "08", CW_WX, NULL,
	  "关于开展“周三服务日”代办帮办活动的通知",
	  "各入园企业：\n自3月起，园区在每周三开展服务日活动，各局、办安排"
	  "干部在企业服务中心现场办公，为企业项目审批提供代办帮办服务。\n企业"
	  "可提前预约，现场解决不了的问题列入清单限时办结。", NULL, NULL },
	{ "2022-03-16", "09", CW_WX, NULL,
	  "关于《新昌高新园区产业项目全流程管理办法（征求意见稿）》公开征求"
	  "意见的公告",
	  "为规范产业项目全流程管理，我委起草了《新昌高新园区产业项目全流程"
	  "管理办法（征求意见稿）》，现公开征求意见。\n征求意见时间为2022年3月"
	  "17日至4月15日，意见可发送至电子邮箱xcgxjfj@163.com，或寄送园区"
	  "经济发展局。", "j", "机关公开的意见征集邮箱，依法公开" },
	{ "2022-04-20", "0201", CW, "新高管〔2022〕6号",
	  "新昌高新园区产业项目全流程管理办法",
	  "第一条 为规范产业项目从招引、落地到投产的全过程管理，制定本办法。"
	  "\n第二条 产业项目实行会诊制度，由经济发展局牵头，规划建设局等部门"
	  "参加。\n第三条 项目审批实行一窗受理、集成服务，全程代办。",
	  NULL, NULL },
	{ "2022-04-22", "0203", CW_WX, NULL,
	  "《新昌高新园区产业项目全流程管理办法》政策解读",
	  "一、出台背景：企业反映项目审批环节多、跑动次数多。\n二、主要内容："
	  "建立项目会诊、阶段跟踪和限时办结制度。\n三、征求意见采纳情况：共"
	  "收到意见12条，采纳8条。", NULL, NULL },
	{ "2022-04-28", "07", CW, NULL,
	  "关于前溪村部分集体土地征收的预公告",
	  "因园区产业项目建设需要，拟征收前溪村部分集体土地。\n拟征收土地范围"
	  "以附图为准，面积约112亩。自本公告发布之日起，在拟征收土地范围内"
	  "暂停办理户口迁入、分户和新建、改建、扩建房屋等手续。", NULL, NULL },
	{ "2022-05-10", "07", CW, NULL,
	  "前溪村集体土地征收社会稳定风险评估公示",
	  "根据有关规定，园区对前溪村集体土地征收项目开展了社会稳定风险评估，"
	  "法律顾问全程参与。\n评估认为项目风险等级为低风险。公示期间，对评估"
	  "结论有异议的，可向园区规划建设局书面反映。", NULL, NULL },
	{ "2022-05-24", "08", CW, NULL,
	  "关于做好2022年防汛防台工作的通知",
	  "各入园企业、各村：\n请各单位落实防汛防台责任，开展隐患排查，重点检查"
	  "地下室、低洼厂房和在建工地，储备必要的抢险物资。", NULL, NULL },
	{ "2022-06-07", "06", CW, "新发改投〔2022〕38号",
	  "科创路北延工程项目批准信息",
	  "科创路北延工程已经县发展和改革局批准。\n项目全长1.6公里，总投资"
	  "1.2亿元，建设工期18个月，由园区规划建设局组织实施。", NULL, NULL },
	{ "2022-06-21", "08", CW, NULL,
	  "2022年园区企业安全生产大检查情况通报",
	  "4月至5月，园区对128家工业企业开展安全生产大检查，发现隐患236处，"
	  "已全部整改到位。\n对隐患较多的3家企业进行了约谈。", NULL, NULL },
	{ "2022-07-12", "0502", CW, NULL,
	  "新昌高新园区管理委员会2021年部门决算公开",
	  "现公开本机关2021年部门决算。\n2021年度收入、支出总计均为1.51亿元，"
	  "“三公”经费支出比预算减少9%。", NULL, NULL },
	{ "2022-07-19", "08", CW, NULL,
	  "2022年度园区企业技术改造项目补助资金拟兑现名单公示",
	  "经企业申报、部门审核和集体研究，现将2022年度企业技术改造项目补助"
	  "资金拟兑现名单予以公示，公示期为5个工作日。\n对公示内容有异议的，"
	  "请向园区经济发展局反映，联系电话：0575-86012345。", "j",
	  "机关办公电话，依法公开" },
	{ "2022-08-02", "09", CW_WX, NULL,
	  "关于《新昌高新园区人才公寓管理办法（修订征求意见稿）》公开征求意见"
	  "的公告",
	  "为进一步规范园区人才公寓管理，我委对《新昌高新园区人才公寓管理办法》"
	  "进行了修订，现公开征求意见。\n征求意见时间为2022年8月3日至9月1日，"
	  "意见可书面寄送园区社会事务局。", NULL, NULL },
	{ "2022-08-16", "07", CW, NULL,
	  "溪口村征地补偿安置方案公告",
	  "现将溪口村集体土地征收补偿安置方案予以公告。\n补偿标准按省、县公布"
	  "的区片综合地价执行。征地范围内的村民对方案有异议的，可在公告之日起"
	  "30日内提出。", NULL, NULL },
	{ "2022-08-30", "08", CW, NULL,
	  "关于开展园区干部“三服务”作风建设活动的通知",
	  "各局、办、队：\n为推动干部深入企业、服务基层，决定开展“服务企业、"
	  "服务群众、服务基层”作风建设活动。\n每名干部联系2至3家企业，每月"
	  "走访不少于一次，问题清单限时办结。", NULL, NULL },
	{ "2022-09-06", "06", CW, NULL,
	  "智造大道综合管廊工程招标结果公示",
	  "智造大道综合管廊工程已完成公开招标，现将中标结果公示如下。\n中标"
	  "价：5126万元；工期：360日历天。公示期为3日。", NULL, NULL },
	{ "2022-09-20", "07", CW, NULL,
	  "溪口村集体土地征收社会稳定风险评估公示",
	  "园区对溪口村集体土地征收项目开展了社会稳定风险评估，公职律师参与"
	  "评估和入户走访。\n评估认为项目风险等级为低风险。", NULL, NULL },
	{ "2022-09-27", "08", CW_WX, NULL,
	  "关于进一步规范园区企业用工管理的通知",
	  "各入园企业：\n为保障劳动者合法权益，请各企业依法签订劳动合同、按时"
	  "足额支付劳动报酬、规范加班管理。\n园区社会事务局将开展专项检查，"
	  "对拖欠工资的企业依法处理。", NULL, NULL },
	{ "2022-10-11", "0201", CW, "新高管〔2022〕14号",
	  "新昌高新园区重大行政决策程序规定",
	  "第一条 为规范重大行政决策行为，制定本规定。\n第二条 重大行政决策"
	  "事项实行目录管理，决策前应当履行公众参与、专家论证、风险评估、合法"
	  "性审查和集体讨论决定程序。\n第三条 决策草案应当向社会公开征求意见，"
	  "期限一般不少于30日。", NULL, NULL },
	{ "2022-10-28", "10", CW_WX, NULL,
	  "园区党工委开展习近平法治思想专题学习",
	  "10月28日，园区党工委召开专题学习会，学习习近平法治思想。\n会议要求"
	  "全体干部筑牢法治思维，严格依法决策、依法办事，把法治要求落实到"
	  "项目审批、征地拆迁和信访办理各环节。", NULL, NULL },
	{ "2022-11-08", "08", CW, NULL,
	  "2022年前三季度园区政务服务热线办理情况通报",
	  "2022年1至9月，园区共受理政务服务热线工单{received}件，按期办结率"
	  "{on_time_rate}。\n群众反映集中的问题已建立清单，逐项跟踪落实。", NULL,
	  NULL },
	{ "2022-11-15", "08", CW, NULL,
	  "关于加强冬季园区企业安全生产和消防工作的通知",
	  "各入园企业：\n请各企业开展冬季消防安全自查，规范电气线路和危险"
	  "化学品管理，落实值班值守制度。", NULL, NULL },
	{ "2022-11-22", "07", CW, NULL,
	  "东坑村征地补偿安置方案公告",
	  "现将东坑村集体土地征收补偿安置方案予以公告。\n补偿标准按省、县公布"
	  "的区片综合地价执行，安置方式为货币安置与房屋安置相结合。", NULL,
	  NULL },
	{ "2022-11-29", "08", CW, NULL,
	  "关于公布新昌高新园区政府信息公开指南的公告",
	  "现公布修订后的《新昌高新园区政府信息公开指南》。\n本机关主动公开的"
	  "政府信息坚持先审查、后公开，经保密审查和审批后，在园区门户网站和"
	  "县政府网站发布；依申请公开的，自收到申请之日起20个工作日内答复。",
	  NULL, NULL },
	{ "2022-12-06", "03", CW_WX, NULL,
	  "新昌高新园区2023年重点工程项目计划（摘要）",
	  "2023年，园区安排重点工程项目18个，总投资42亿元，包括道路、管廊、"
	  "人才公寓和标准厂房等。\n项目清单和进度安排详见附表。", NULL, NULL },
	{ "2022-12-20", "08", CW_WX, NULL,
	  "关于做好2023年元旦春节期间园区值班和安全工作的通知",
	  "各局、办、队，各入园企业：\n元旦春节临近，请各单位落实值班制度，"
	  "加强安全生产和消防检查，妥善处理群众诉求，确保园区安全稳定。",
	  NULL, NULL },
	/* articles of the park's own channel only */
	{ "2022-04-13", "12", WX, NULL,
	  "园区“周三服务日”现场答疑回顾",
	  "4月13日，园区在企业服务中心举行“周三服务日”活动，经济发展局、规划"
	  "建设局干部现场为12家企业解答项目审批问题，当场办结事项8件。",
	  NULL, NULL },
	{ "2022-06-15", "12", WX, NULL,
	  "园区举办2022年法治知识竞赛",
	  "6月15日，园区举办法治知识竞赛，各局、办、队和入园企业的8支代表队"
	  "参加。竞赛内容涵盖民法典、安全生产法和政府信息公开条例。", NULL,
	  NULL },
	{ "2022-09-14", "12", WX, NULL,
	  "园区人才公寓二期开放申请",
	  "园区人才公寓二期共120套，即日起接受入园企业新引进人才申请，由企业"
	  "统一向社会事务局提交材料，审核结果在园区网站公示。", NULL, NULL },
	{ "2022-11-02", "12", WX, NULL,
	  "园区开展“民法典进企业”普法宣传活动",
	  "11月2日，园区组织法律顾问走进企业开展民法典宣传，讲解劳动合同、"
	  "合同签订等法律知识，帮助企业筑牢依法经营的底线。", NULL, NULL },
};

struct plan {
	int year;
	const struct item *items;
	size_t n;
};

static const struct plan plans[] = {
	{ 2021, items_2021, ARRAY_SIZE(items_2021) },
	{ 2022, items_2022, ARRAY_SIZE(items_2022) },
};

/* ---- who acts, and when ---- */

struct demo {
	struct db *db;
	const struct calendar *cal;
	struct attach_store store;
	struct demo_staff ogi, secrecy, leader;
};

/* ---- one item ---- */

struct step {
	struct demo *d;
	const struct item *it;
	int64_t id;
	char what[48];
};

static int refused(struct step *s, const char *action, struct fz_err *e)
{
	return error("demo publication %s, %s: %s (%s)", s->what, action,
		     e->msg, e->code);
}

static int act(struct step *s, const struct demo_staff *who, int64_t when,
	       const char *action, json_t *fields)
{
	struct engine_ctx e = { s->d->db, who->actor, who->roles,
				who->dept_id, s->d->cal, when };
	struct pub_env env = { &e, s->d->store };
	struct fz_err err = { 0 };
	int rc = pub_act(&env, s->id, action, fields, NULL, &err);

	json_decref(fields);
	return rc ? refused(s, action, &err) : 0;
}

/* The reviewer settles every finding of the round as the item says. */
static int settle(struct step *s, int64_t when)
{
	struct engine_ctx e = { s->d->db, s->d->secrecy.actor,
				s->d->secrecy.roles, s->d->secrecy.dept_id,
				s->d->cal, when };
	struct pub_env env = { &e, s->d->store };
	struct pub_finding *f = NULL;
	struct fz_err err = { 0 };
	const char *how = s->it->settle ? s->it->settle : "";
	size_t n = 0, i;
	int rc = pub_findings(s->d->db, s->id, 0, &f, &n);

	if (rc < 0)
		return error("demo: %s", db_errmsg(s->d->db));
	if (n != strlen(how))
		rc = error("demo publication %s: %zu findings, %zu expected",
			   s->what, n, strlen(how));
	for (i = 0; rc == 0 && i < n; i++) {
		bool red = how[i] == 'r';

		if (pub_resolve(&env, s->id, f[i].id, red ? "redacted" :
				"justified", red ? "" : s->it->reason, &err))
			rc = refused(s, "resolve", &err);
	}
	pub_findings_free(f, n);
	return rc;
}

/* ---- the hotline notices' figures ---- */

struct tally {
	cal_day from, to;
	int64_t received, due, on_time;
};

static int tally_case(const struct cs_case *c, void *arg)
{
	struct tally *t = arg;

	if (c->received < t->from || c->received > t->to)
		return 0;
	t->received++;
	t->due += c->in[CS_DUE];
	t->on_time += c->in[CS_ON_TIME];
	return 0;
}

static const struct period *period_of(const struct item *it)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(periods); i++)
		if (!strcmp(periods[i].title, it->title))
			return &periods[i];
	return NULL;
}

/* The body of a notice of `periods` with its figures written in. */
static int tally_body(struct db *db, const struct item *it,
		      const struct period *pd, cal_day today, struct buf *out)
{
	struct cs_filter f = { .procedure = "hotline", .measure = CS_RECEIVED };
	struct tally t = { 0 };
	char n[24], rate[16];
	const char *p;
	int rc;

	if (cal_parse(pd->from, &t.from) || cal_parse(pd->to, &t.to))
		return error("demo: bad period %s–%s", pd->from, pd->to);
	f.year = cal_year(t.from);
	rc = case_stats_cases(db, &f, today, tally_case, &t);
	if (rc)
		return rc;
	snprintf(n, sizeof(n), "%lld", (long long)t.received);
	cs_format_rate(cs_permille(t.on_time, t.due), rate);
	for (p = it->body; *p; p++) {
		if (!strncmp(p, "{received}", 10)) {
			buf_puts(out, n);
			p += 9;
		} else if (!strncmp(p, "{on_time_rate}", 14)) {
			buf_puts(out, rate);
			p += 13;
		} else {
			buf_putc(out, *p);
		}
	}
	return buf_err(out);
}

/* Create the item's draft, formed on `fday` (`formed`). */
static int draft(struct pub_env *env, const struct item *it,
		 const char *fday, cal_day formed, int64_t *id,
		 struct fz_err *err)
{
	const struct period *pd = period_of(it);
	struct buf body = BUF_INIT;
	json_t *fields;
	int rc = 0;

	if (pd)
		rc = tally_body(env->e->db, it, pd, formed, &body);
	else
		buf_puts(&body, it->body);
	if (rc)
		return rc;
	fields = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "title", it->title,
			   "body", buf_cstr(&body), "catalogue", it->cat,
			   "formed_on", fday, "channels", it->channels,
			   "source", "新昌高新园区");
	if (it->doc_no)
		json_object_set_new(fields, "doc_no", json_string(it->doc_no));
	rc = pub_create(env, fields, NULL, id, err);
	json_decref(fields);
	buf_release(&body);
	return rc;
}

/* Draft, review, approve and publish one item; the steps a working day
 * or a few apart, publication within `room` working days of drafting. */
static int run_item(struct demo *d, const struct item *it, size_t k,
		    int room)
{
	struct step s = { d, it, 0, "" };
	struct engine_ctx e = { d->db, d->ogi.actor, d->ogi.roles,
				d->ogi.dept_id, d->cal, 0 };
	struct pub_env env = { &e, d->store };
	struct fz_err err = { 0 };
	cal_day day = 0, formed;
	char fday[11];
	int gap = 1 + (int)(k % 3), rc;

	if (cal_parse(it->formed, &day))
		return error("demo: bad date %s", it->formed);
	formed = demo_working_on_or_after(d->cal, day);
	cal_format(formed, fday);
	snprintf(s.what, sizeof(s.what), "%s", fday);
	if (gap * 3 + 1 > room)
		gap = 1;
	e.now = demo_at(formed, 540 + (int)(k % 5) * 17);
	if (!it->title) {
		int64_t year = 0;

		/* "YYYY-MM-DD": the report is of the year before */
		fday[4] = '\0';
		parse_int64(fday, 2001, 2100, &year);
		fday[4] = '-';
		rc = gi_report_draft(&env, (int)year - 1, fday, &s.id, &err);
	} else {
		rc = draft(&env, it, fday, formed, &s.id, &err);
	}
	if (rc)
		return refused(&s, "draft", &err);
	day = demo_working_after(d->cal, formed, 1);
	rc = act(&s, &d->ogi, demo_at(day, 570), "submit", NULL);
	day = demo_working_after(d->cal, day, gap);
	if (rc == 0)
		rc = settle(&s, demo_at(day, 600));
	if (rc == 0)
		rc = act(&s, &d->secrecy, demo_at(day, 630), "pass_review",
			 json_pack("{s:s}", "review_note", "经保密审查，可以"
				   "公开"));
	day = demo_working_after(d->cal, day, gap);
	if (rc == 0)
		rc = act(&s, &d->leader, demo_at(day, 660), "approve",
			 json_pack("{s:s}", "approval_note", "同意公开"));
	day = demo_working_after(d->cal, day, 1);
	if (rc == 0)
		rc = act(&s, &d->ogi, demo_at(day, 900), "publish", NULL);
	return rc;
}

/* Working days left from day `d` to the end of its year, at most 19. */
static int room_in_year(const struct calendar *cal, cal_day d, int year)
{
	char s[16];
	cal_day end = 0;
	int n = 0;

	snprintf(s, sizeof(s), "%04d-12-31", year);
	if (cal_parse(s, &end))
		return 19;
	while (d < end && n < 19)
		if (calendar_is_working(cal, ++d))
			n++;
	return n;
}

/* Commit the open batch (or roll it back after a failure, rc != 0);
 * with `more`, open the next one.  A commit may return a count. */
static int batch(struct db *db, int rc, bool more)
{
	if (rc == 0 && (rc = db_commit(db)) < 0)
		error("demo publications: %s", db_errmsg(db));
	rc = rc < 0 ? rc : 0;
	if (rc && db_in_tx(db))
		db_rollback(db);
	if (rc)
		return rc;
	return more ? db_begin(db) : 0;
}

static int run_year(struct demo *d, const struct plan *p)
{
	size_t i;
	int rc = db_begin(d->db);

	for (i = 0; rc == 0 && i < p->n; i++) {
		cal_day f = 0;
		int room;

		cal_parse(p->items[i].formed, &f);
		room = room_in_year(d->cal, demo_working_on_or_after(d->cal, f),
				    p->year);
		rc = run_item(d, &p->items[i], i, room);
		if (rc == 0 && (i + 1) % BATCH == 0 && i + 1 < p->n)
			rc = batch(d->db, rc, true);
	}
	if (db_in_tx(d->db))
		rc = batch(d->db, rc, false);
	return rc;
}

/* ---- the catalogue ---- */

/* The demo's permit decisions are published in their own register,
 * /gk/permits, not as items of section 04 行政许可: the officer points the
 * section there, through the catalogue's own check and audit entry.  A
 * section that has a link already is left as it is. */
static int link_permits(struct demo *d)
{
	struct pub_catalogue cat;
	const struct pub_category *c;
	struct fz_err err = { 0 };
	int rc = pub_catalogue_load(d->db, true, &cat);

	if (rc < 0)
		return error("demo catalogue: %s", db_errmsg(d->db));
	c = pub_category_find(&cat, 0, "04");
	if (c && !*c->link) {
		struct pub_category_in in = {
			c->id, c->code, c->name, c->parent_id, c->sort,
			c->disabled, "/gk/permits", "行政许可公示",
		};

		if (pub_category_save(d->db, &d->ogi.actor, &in, NULL, &err))
			rc = error("demo catalogue: %s (%s)", err.msg,
				   err.code);
	}
	pub_catalogue_release(&cat);
	return rc;
}

/* ---- setting up ---- */

static int prepare(struct app *a, struct demo *d, struct demo_env *env)
{
	static const char *const procs[] = { PUB_PROCEDURE, NULL };
	int rc = demo_env_open(a, procs, env);

	if (rc)
		return rc;
	d->cal = env->cal;
	d->store.data_dir = a->data_dir;
	d->store.kr = a->keyring;
	if (demo_staff_of(d->db, "ogi", ROLE_OGI_OFFICER, &d->ogi) ||
	    demo_staff_of(d->db, "secrecy", ROLE_CONF_REVIEWER, &d->secrecy) ||
	    demo_staff_of(d->db, "leader", ROLE_LEADER, &d->leader))
		return FZ_ERR;
	return 0;
}

int demo_portal(struct app *a, struct db *db, bool quiet)
{
	struct demo_env env;
	struct demo d;
	bool present;
	size_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	d.db = db;
	rc = prepare(a, &d, &env);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(plans); i++) {
		rc = demo_year_present(db, PUB_PROCEDURE, plans[i].year,
				       &present);
		if (rc == 0 && !present)
			rc = run_year(&d, &plans[i]);
		if (rc == 0 && !quiet)
			printf("%d: %s\n", plans[i].year, present ?
			       "publications already present" :
			       "publications created");
	}
	if (rc == 0)
		rc = link_permits(&d);
	demo_env_close(&env);
	return rc < 0 ? rc : 0;
}
