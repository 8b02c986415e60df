/* demo_ogi.c: the applications for government information of 2021, 2022
 *
 * A park's office receives a handful of applications a year, most of
 * them from residents about their own land or house, a few from firms,
 * now and then from a law firm or a research institute.  The demo holds
 * such a record: eight applications in 2021 and twelve in 2022, each
 * registered and handled through the "disclosure" procedure as the demo
 * staff would, at past dates, so that its history, its clocks and its
 * audit entries are those of real work, and the annual report's table
 * 三 has something in most of its rows.
 *
 * The applicants are fictitious.  A person's identity number carries a
 * division code of 绍兴, a real birth date and a valid check character;
 * an organisation's unified social credit code both of its check
 * characters.  They are checked, sealed and stored in the desk's
 * petitioner table exactly as the online form and the registration page
 * store them (party_check(), party_seal(), party_insert()); the case's
 * own fields and texts name nobody, as the engine keeps no personal
 * data.
 *
 * Dates come from the official calendar.  Each application says how
 * many working days after the start of the reply clock it is answered;
 * before replying, the due date is read back from the engine's clock
 * (which counts the correction's restart, the third party's pause and
 * the extension) and the reply never goes past it.
 */
#include "cli/demo_ogi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/roles.h"
#include "calendar/calendar.h"
#include "cli/app.h"
#include "cli/demo_util.h"
#include "core/buf.h"
#include "core/util.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "ogi/report.h"
#include "permit/permit.h"
#include "petition/petition.h"
#include "pii/pii.h"
#include "store/store.h"

#define PROC "disclosure"
#define CORRECTION_DAYS 15      /* 补正期限 the notices give, in days */
#define EXTENSION_DAYS 20       /* Art. 33(2): at most 20 working days */

/* ---- the applicants ---- */

struct applicant {
	const char *name;
	/* a person's identity number without its check character (17
	 * characters); an organisation's credit code without its two
	 * check characters, the GB 11714 one and the GB 32100 one (16) */
	const char *code;
	const char *phone, *address, *email;
};

enum {
	P_YU, P_CHEN, P_LIANG, P_LV, P_PAN, P_SHI, P_YANG, P_HUANG, P_ZHANG,
	P_YUAN, P_HU, P_DING, P_HE, P_ZHOU,
	O_HENGRUI, O_YUEHENG, O_YUEZHOU, O_DEWO, O_DINGGU,
};

static const struct applicant applicants[] = {
	[P_YU] = { "俞国平", "33062419620514035", "13957526418",
		   "新昌县七星街道下岙村58号", NULL },
	[P_CHEN] = { "陈丽萍", "33062419850902146", "15867519362",
		     "新昌县七星街道塘头村23号", "chenliping@example.com" },
	[P_LIANG] = { "梁建军", "33062419711123017", "13735298046",
		      "新昌县七星街道塘头村112号", NULL },
	[P_LV] = { "吕秀英", "33062419580309028", "13575362189",
		   "新昌县羽林街道岭头村7号", NULL },
	[P_PAN] = { "潘志强", "33062419900730051", "18857541720",
		    "新昌县南明街道人民西路168号", "panzq1990@example.com" },
	[P_SHI] = { "石海燕", "33062419791205064", "15157528830",
		    "新昌县七星街道上宅村41号", NULL },
	[P_YANG] = { "杨永刚", "33062419680418079", "13858571264",
		     "新昌县沃洲镇溪口村16号", NULL },
	[P_HUANG] = { "黄春梅", "33062419830227082", "18767593105",
		      "新昌县七星街道上宅村96号", "huangcm@example.com" },
	[P_ZHANG] = { "章德明", "33062419561011013", "13605853972",
		      "新昌县七星街道前溪村135号", NULL },
	[P_YUAN] = { "袁晓东", "33062419940621097", "17757512846",
		     "新昌县南明街道鼓山西路9号", "yuanxd@example.com" },
	[P_HU] = { "胡金娟", "33062419880816120", "15988265413",
		   "新昌县沃洲镇溪口村78号", NULL },
	[P_DING] = { "丁立波", "33068319750108035", "13819588620",
		     "嵊州市三江街道城南路52号", "dinglibo@example.com" },
	[P_HE] = { "何雪芳", "33062419921130148", "18358572096",
		   "新昌县梅渚镇东坑村29号", "hexuefang@example.com" },
	[P_ZHOU] = { "周文华", "33062419640925011", "13506752387",
		     "新昌县七星街道兴业路27号", NULL },
	[O_HENGRUI] = { "新昌县恒锐精密机械有限公司", "9133062473215406",
			"0575-86127735", "新昌县七星街道兴业路66号",
			"hr_office@example.com" },
	[O_YUEHENG] = { "浙江越衡律师事务所", "3133060058213904",
			"0575-88106532", "绍兴市越城区解放北路218号", NULL },
	[O_YUEZHOU] = { "浙江越州产业经济研究院", "1233060047702183",
			"0575-88352410", "绍兴市越城区中兴中路376号",
			"research@example.org" },
	[O_DEWO] = { "新昌县德沃机电科技有限公司", "9133062466084217",
		     "13967573084", "新昌县七星街道智造大道1号",
		     "dewo@example.com" },
	[O_DINGGU] = { "新昌县鼎固轴承有限公司", "9133062475630928",
		       "0575-86235418", "新昌县七星街道科创路18号", NULL },
};

/* The applicant's identity document in full: for a person the MOD 11-2
 * character of GB 11643; for an organisation the GB 11714 check of its
 * organisation code (positions 9-17) and then GB 32100's. */
static void full_code(const struct applicant *p, bool org, char out[19])
{
	static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0, c9;

	snprintf(out, 19, "%s", p->code);
	if (!org) {
		out[17] = pii_idcard_check_char(out);
		out[18] = '\0';
		return;
	}
	for (i = 0; i < 8; i++)
		sum += (out[8 + i] - '0') * w[i];
	c9 = 11 - sum % 11;
	out[16] = c9 == 10 ? 'X' : c9 == 11 ? '0' : (char)('0' + c9);
	out[17] = uscc_check_char(out);
	out[18] = '\0';
}

/* ---- the applications ---- */

/*
 * One application and its course.  Day counts are working days of the
 * official calendar.  A correction is asked `ask` days after receipt;
 * the corrected application comes `fixed` days after that, or, with 0,
 * never, and the application is taken as abandoned once the notice's
 * period is over.  A third party is consulted `consult` days after the
 * reply clock's start (receipt, or the corrected application) and
 * answers `answer` days later.  The reply (or the withdrawal) comes
 * `days` days after the clock's start, the days of the consultation
 * added; with an extension the department head grants it two working
 * days before the first limit.
 */
struct application {
	const char *received;       /* 收到申请日期, a working day */
	int minute;                 /* of that day (China Standard Time) */
	int who;
	const char *type, *channel, *form, *delivery;
	const char *title, *description;
	int ask, fixed;
	const char *correction;
	int consult, answer;
	const char *third_party, *consult_note, *opinion;
	const char *extension;
	const char *withdrawn;
	int days;
	const char *reply_type, *reply;
};

static const struct application apps_2021[] = {
	{ .received = "2021-03-16", .minute = 565, .who = P_YU,
	  .type = "natural", .channel = "letter", .form = "paper",
	  .delivery = "mail",
	  .title = "本人房屋征收补偿协议及补偿款计算明细",
	  .description = "本人系七星街道下岙村村民，房屋因园区道路建设被"
	  "征收，已于2020年11月签订房屋征收补偿协议，但本人未留存协议原件。"
	  "申请公开本户的房屋征收补偿协议及补偿款计算明细（含房屋评估价格、"
	  "搬迁费、临时安置费的计算依据）。",
	  .days = 9, .reply_type = "disclose",
	  .reply = "您申请获取的本户房屋征收补偿协议及补偿款计算明细，属于"
	  "本机关在履行职责过程中制作的政府信息。根据《中华人民共和国政府"
	  "信息公开条例》第三十六条第（二）项的规定，予以公开。协议及计算"
	  "明细的复印件随本答复书一并邮寄至您提供的通讯地址。" },
	{ .received = "2021-04-13", .minute = 1262, .who = O_HENGRUI,
	  .type = "business", .channel = "online", .form = "electronic",
	  .delivery = "email",
	  .title = "2020年度园区企业技术改造项目补助资金兑现名单及补助"
	  "标准",
	  .description = "我公司拟申报2021年度技术改造项目补助，申请公开"
	  "2020年度园区企业技术改造项目补助资金的兑现名单（企业名称、项目"
	  "名称、补助金额）及当年执行的补助标准。",
	  .days = 7, .reply_type = "disclose",
	  .reply = "您单位申请获取的2020年度园区企业技术改造项目补助资金"
	  "兑现名单及补助标准，属于本机关制作并保存的政府信息。根据《中华"
	  "人民共和国政府信息公开条例》第三十六条第（二）项的规定，予以"
	  "公开。兑现名单及补助标准的电子文档已发送至您单位提供的电子邮箱。"
	  "2021年度补助的申报条件和程序见《新昌高新园区企业技术改造项目"
	  "补助资金管理办法》，已在园区网站主动公开。" },
	{ .received = "2021-06-07", .minute = 600, .who = P_CHEN,
	  .type = "natural", .channel = "online", .form = "electronic",
	  .delivery = "online",
	  .title = "塘头村集体土地征收预公告及拟征收土地范围图",
	  .description = "听说塘头村部分土地要被征收，申请公开塘头村集体"
	  "土地征收的预公告和拟征收土地的范围图，以便确认本户承包地是否在"
	  "征收范围内。",
	  .days = 3, .reply_type = "already_public",
	  .reply = "您申请获取的信息已由本机关主动公开。根据《中华人民共和国"
	  "政府信息公开条例》第三十六条第（一）项的规定，告知您获取的方式"
	  "和途径：请登录新昌县人民政府网站“政府信息公开”专栏，在新昌高新"
	  "园区管理委员会的“征地信息”栏目查阅《关于塘头村部分集体土地征收"
	  "的预公告》及所附拟征收土地范围图。" },
	{ .received = "2021-07-12", .minute = 610, .who = P_LIANG,
	  .type = "natural", .channel = "letter", .form = "paper",
	  .delivery = "mail",
	  .title = "高新大道东延工程建设用地红线图及地上附着物补偿清册",
	  .description = "本户承包地位于高新大道东延工程用地范围内。申请"
	  "公开该工程的建设用地红线图，以及塘头村地上附着物补偿清册，以便"
	  "核对本户附着物的补偿数量和金额。",
	  .days = 12, .reply_type = "partial",
	  .reply = "经审查，高新大道东延工程建设用地红线图予以公开，复印件"
	  "随本答复书一并邮寄。地上附着物补偿清册载有其他被征收户的姓名、"
	  "身份证号码、附着物数量和补偿金额等个人信息，公开会损害第三方"
	  "合法权益。根据《中华人民共和国政府信息公开条例》第十五条、第"
	  "三十七条的规定，本机关对清册作区分处理：涉及您本户的内容予以"
	  "提供，其他被征收户的信息不予公开。" },
	{ .received = "2021-08-11", .minute = 575, .who = O_YUEHENG,
	  .type = "legal_service", .channel = "letter", .form = "paper",
	  .delivery = "mail",
	  .title = "园区与浙江晟科新材料有限公司签订的项目投资协议",
	  .description = "本所受当事人委托处理相关合同纠纷，申请公开新昌"
	  "高新园区管理委员会与浙江晟科新材料有限公司于2019年签订的年产"
	  "3000吨高性能复合材料项目投资协议全文，包括供地价格、投资强度和"
	  "扶持政策条款。",
	  .consult = 3, .answer = 9,
	  .third_party = "浙江晟科新材料有限公司",
	  .consult_note = "申请人申请公开本机关与贵公司签订的项目投资协议"
	  "全文。该协议载有贵公司的投资计划、产品方案、产能和扶持条款，"
	  "公开可能损害贵公司的合法权益。请贵公司自收到本征求意见书之日起"
	  "15个工作日内提出书面意见；逾期未提出意见的，由本机关依照《中华"
	  "人民共和国政府信息公开条例》的规定决定是否公开。",
	  .opinion = "我公司不同意公开。投资协议中的投资计划、产品方案、产能"
	  "安排和扶持条款属于我公司的商业秘密，公开后将对我公司的市场竞争"
	  "造成不利影响。",
	  .days = 14, .reply_type = "withhold_third_party",
	  .reply = "本机关就您单位的申请书面征求了第三方意见，第三方不同意"
	  "公开，认为协议内容涉及其商业秘密。经审查，该协议载明的投资计划、"
	  "产品方案、产能安排和扶持条款属于第三方的商业秘密，不公开不会对"
	  "公共利益造成重大影响。根据《中华人民共和国政府信息公开条例》"
	  "第十五条、第三十二条的规定，不予公开。园区企业扶持政策及资金"
	  "兑现结果已在园区网站主动公开，可以查阅。" },
	{ .received = "2021-09-13", .minute = 620, .who = P_LV,
	  .type = "natural", .channel = "visit", .form = "paper",
	  .delivery = "pickup",
	  .title = "要求查处岭头村附近企业夜间生产噪声并公开处理结果",
	  .description = "岭头村附近一家企业每晚生产到深夜，噪声很大，"
	  "多次反映没有解决。要求园区查处该企业，并把查处结果公开给"
	  "村民。",
	  .days = 4, .reply_type = "reject_complaint",
	  .reply = "您提出的事项实质是对园区企业夜间生产噪声扰民问题的投诉"
	  "举报，要求本机关查处并告知处理结果，不属于《中华人民共和国政府"
	  "信息公开条例》规定的政府信息公开申请。根据该条例第三十九条第一款"
	  "的规定，本机关不作为政府信息公开申请处理，并告知您可以通过信访"
	  "或者12345政务服务热线提出。您反映的情况本机关已转园区综合行政"
	  "执法队依法核查处理。" },
	{ .received = "2021-10-19", .minute = 1295, .who = P_PAN,
	  .type = "natural", .channel = "online", .form = "electronic",
	  .delivery = "email",
	  .title = "园区道路工程相关资料",
	  .description = "申请公开园区道路工程的相关资料。",
	  .ask = 2, .fixed = 5,
	  .correction = "您的申请未写明所需政府信息的名称、文号或者便于查询"
	  "的其他特征性描述，本机关无法确定您需要的具体信息。请补正：所需"
	  "信息涉及的道路或者工程名称、时间范围，以及信息的种类（如立项"
	  "批复、施工合同、验收资料等）。",
	  .days = 9, .reply_type = "disclose",
	  .reply = "经补正，您申请获取的是园区2021年路灯改造工程的施工合同。"
	  "该合同由本机关签订并保存，根据《中华人民共和国政府信息公开条例》"
	  "第三十六条第（二）项的规定，予以公开。合同文本的电子文档已发送"
	  "至您提供的电子邮箱。" },
	/* answered in January 2022: carried over into the 2022 report */
	{ .received = "2021-12-21", .minute = 590, .who = P_SHI,
	  .type = "natural", .channel = "letter", .form = "paper",
	  .delivery = "mail",
	  .title = "上宅村集体土地征收的省政府批复文件",
	  .description = "上宅村征地补偿安置方案已经公告，申请公开该次土地"
	  "征收经浙江省人民政府批准的批复文件（含批准文号和批准征收的土地"
	  "面积）。",
	  .days = 12, .reply_type = "unable_not_held",
	  .reply = "您申请获取的上宅村集体土地征收批复文件由浙江省人民政府"
	  "作出，本机关不是该文件的制作机关，也未保存该文件。根据《中华人民"
	  "共和国政府信息公开条例》第三十六条第（五）项的规定，告知您：该"
	  "信息不属于本机关负责公开，您可以向新昌县自然资源和规划局提出"
	  "申请。上宅村征地补偿安置方案公告已在园区主动公开的“征地信息”"
	  "栏目发布，可以查阅。" },
};

static const struct application apps_2022[] = {
	{ .received = "2022-01-18", .minute = 615, .who = O_YUEZHOU,
	  .type = "research", .channel = "email", .form = "electronic",
	  .delivery = "email",
	  .title = "2019—2021年园区规模以上工业企业数量、工业产值和工业投资"
	  "统计数据",
	  .description = "本院正在开展县域产业园区高质量发展课题研究，申请"
	  "公开新昌高新园区2019年至2021年各年度规模以上工业企业数量、规模"
	  "以上工业总产值和工业投资完成额。",
	  .days = 8, .reply_type = "disclose",
	  .reply = "您单位申请获取的统计数据由本机关经济发展局汇总保存。根据"
	  "《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，"
	  "予以公开。统计数据表（其中2021年数据为统计快报数，以统计部门"
	  "最终公布的数据为准）已发送至您单位提供的电子邮箱。" },
	{ .received = "2022-02-15", .minute = 1170, .who = P_YANG,
	  .type = "natural", .channel = "online", .form = "paper",
	  .delivery = "mail",
	  .title = "园区征地的全部文件",
	  .description = "申请公开园区近年来征地的所有文件材料。",
	  .ask = 2, .fixed = 0,
	  .correction = "您的申请内容不明确，未写明所需政府信息涉及的村、"
	  "地块或者征收项目的名称，以及所需信息的种类，本机关无法确定您"
	  "需要的具体信息。请依照《中华人民共和国政府信息公开条例》第二十"
	  "九条的规定，写明所需政府信息的名称、文号或者便于查询的其他特征"
	  "性描述。" },
	{ .received = "2022-03-14", .minute = 650, .who = O_DEWO,
	  .type = "business", .channel = "online", .form = "electronic",
	  .delivery = "email",
	  .title = "2021年度园区新建工业项目环境影响评价审批结果",
	  .description = "我公司拟在园区实施年产20万套空调配件扩建项目，"
	  "为了解环评要求，申请公开2021年度园区内新建工业项目的环境影响"
	  "评价文件审批结果（项目名称、审批文号、审批意见）。",
	  .days = 6, .reply_type = "unable_not_held",
	  .reply = "建设项目环境影响评价文件由绍兴市生态环境局新昌分局依法"
	  "审批，本机关不是审批机关，未制作也未保存所申请的审批结果。根据"
	  "《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，"
	  "告知您单位：该信息不属于本机关负责公开，可以向绍兴市生态环境局"
	  "新昌分局提出申请。" },
	{ .received = "2022-03-29", .minute = 585, .who = P_LIANG,
	  .type = "natural", .channel = "letter", .form = "paper",
	  .delivery = "mail",
	  .title = "高新大道东延工程地上附着物补偿清册（全部被征收户）",
	  .description = "申请公开高新大道东延工程塘头村地上附着物补偿清册"
	  "全文，包括全部被征收户的附着物数量和补偿金额。",
	  .days = 5, .reply_type = "reject_repeat",
	  .reply = "您于2021年7月就同一政府信息向本机关提出过公开申请，本机关"
	  "已依法作出答复，向您提供了清册中涉及您本户的内容，并说明了其他"
	  "被征收户信息不予公开的理由。您本次申请的内容与前次申请相同，根据"
	  "《中华人民共和国政府信息公开条例》第三十六条第（六）项的规定，"
	  "本机关不予重复处理。" },
	{ .received = "2022-05-10", .minute = 935, .who = P_HUANG,
	  .type = "natural", .channel = "online", .form = "electronic",
	  .delivery = "email",
	  .title = "本户上宅村承包地征收补偿款计算明细及发放凭证",
	  .description = "本户在上宅村的承包地已被征收，申请公开本户承包"
	  "地征收补偿款（土地补偿费、安置补助费、青苗补偿费）的计算明细和"
	  "发放凭证。",
	  .days = 10, .reply_type = "disclose",
	  .reply = "您申请获取的本户承包地征收补偿款计算明细及发放凭证，属于"
	  "本机关在征地补偿工作中制作和保存的政府信息。根据《中华人民共和国"
	  "政府信息公开条例》第三十六条第（二）项的规定，予以公开。计算明细"
	  "及发放凭证的扫描件已发送至您提供的电子邮箱。" },
	{ .received = "2022-06-13", .minute = 570, .who = P_ZHANG,
	  .type = "natural", .channel = "letter", .form = "paper",
	  .delivery = "mail",
	  .title = "前溪村集体土地征收社会稳定风险评估报告全文",
	  .description = "前溪村集体土地征收社会稳定风险评估已经公示，申请"
	  "公开该评估报告全文，包括评估依据、风险识别、风险等级评判和风险"
	  "防范化解措施。",
	  .extension = "所申请的社会稳定风险评估报告篇幅较长，附件载有大量"
	  "入户走访记录，涉及被走访村民的个人信息，需会同规划建设局和法律"
	  "顾问逐页审查并作区分处理，不能在规定期限内答复。经政府信息公开"
	  "工作机构负责人同意，延长答复期限20个工作日，并已告知申请人。",
	  .days = 28, .reply_type = "partial",
	  .reply = "经审查，前溪村集体土地征收社会稳定风险评估报告中的项目"
	  "概况、评估依据、风险识别、风险等级评判和风险防范化解措施予以"
	  "公开，复印件随本答复书一并邮寄。报告附件中的入户走访记录载有"
	  "村民的姓名、联系方式和家庭情况等个人信息，根据《中华人民共和国"
	  "政府信息公开条例》第十五条、第三十七条的规定，作区分处理后不予"
	  "公开。" },
	{ .received = "2022-06-27", .minute = 880, .who = P_YUAN,
	  .type = "natural", .channel = "online", .form = "electronic",
	  .delivery = "online",
	  .title = "科创路北延工程项目批准文件",
	  .description = "申请公开科创路北延工程的项目批准文件，包括批准"
	  "机关、批准文号、建设规模和总投资。",
	  .days = 4, .reply_type = "already_public",
	  .reply = "您申请获取的信息已由本机关主动公开。根据《中华人民共和国"
	  "政府信息公开条例》第三十六条第（一）项的规定，告知您获取的方式"
	  "和途径：请登录新昌县人民政府网站“政府信息公开”专栏，在新昌高新"
	  "园区管理委员会的“重大建设项目”栏目查阅《科创路北延工程项目批准"
	  "信息》。" },
	{ .received = "2022-08-23", .minute = 630, .who = P_HU,
	  .type = "natural", .channel = "visit", .form = "paper",
	  .delivery = "pickup",
	  .title = "溪口村征地补偿安置方案及本组被征收户名单",
	  .description = "申请公开溪口村集体土地征收补偿安置方案，以及本村"
	  "民小组被征收土地的农户名单和征收面积。",
	  .withdrawn = "申请人来电告知，已在新昌县人民政府网站查阅到溪口村征地"
	  "补偿安置方案公告，所需信息已经获取，申请撤回本申请，并于当日到"
	  "园区党政综合办公室递交了书面撤回申请。",
	  .days = 3 },
	{ .received = "2022-09-20", .minute = 610, .who = P_DING,
	  .type = "natural", .channel = "email", .form = "electronic",
	  .delivery = "email",
	  .title = "《新昌高新园区产业项目全流程管理办法》起草过程中的内部"
	  "讨论稿及部门意见汇总",
	  .description = "申请公开《新昌高新园区产业项目全流程管理办法》"
	  "起草过程中形成的各稿讨论稿、各部门反馈意见及其汇总材料。",
	  .days = 11, .reply_type = "withhold_process",
	  .reply = "您申请获取的讨论稿和部门意见汇总，是本机关在起草该办法"
	  "过程中形成的讨论记录、过程稿和征求意见材料。根据《中华人民共和国"
	  "政府信息公开条例》第十六条第二款的规定，不予公开。该办法的正式"
	  "文本、政策解读以及公开征求意见的采纳情况，已于2022年4月在园区"
	  "网站主动公开，可以查阅。" },
	{ .received = "2022-10-18", .minute = 645, .who = O_DINGGU,
	  .type = "business", .channel = "fax", .form = "paper",
	  .delivery = "mail",
	  .title = "2022年园区安全生产大检查中对本企业的检查记录及整改通知书",
	  .description = "我公司在2022年4月至5月园区安全生产大检查中被检查，"
	  "申请公开检查组对我公司的现场检查记录和整改通知书，用于完善内部"
	  "安全管理台账。",
	  .days = 7, .reply_type = "disclose",
	  .reply = "您单位申请获取的现场检查记录和整改通知书，属于本机关在"
	  "安全生产检查中制作的政府信息。根据《中华人民共和国政府信息公开"
	  "条例》第三十六条第（二）项的规定，予以公开。复印件随本答复书一并"
	  "邮寄至您单位提供的地址。" },
	{ .received = "2022-11-28", .minute = 1215, .who = P_HE,
	  .type = "natural", .channel = "online", .form = "electronic",
	  .delivery = "email",
	  .title = "东坑村集体土地征收本户补偿测算表",
	  .description = "东坑村征地补偿安置方案已经公告，申请公开本户被"
	  "征收承包地的面积核定结果和补偿款测算表。",
	  .days = 9, .reply_type = "disclose",
	  .reply = "您申请获取的本户承包地面积核定结果和补偿款测算表，属于本"
	  "机关在征地补偿工作中制作的政府信息。根据《中华人民共和国政府信息"
	  "公开条例》第三十六条第（二）项的规定，予以公开。测算表扫描件已"
	  "发送至您提供的电子邮箱。" },
	/* answered in January 2023: carried over into the 2023 report */
	{ .received = "2022-12-26", .minute = 600, .who = P_ZHOU,
	  .type = "natural", .channel = "letter", .form = "paper",
	  .delivery = "mail",
	  .title = "园区人才公寓三期项目立项批复文件",
	  .description = "《新昌高新园区2023年重点工程项目计划》列有人才公寓"
	  "三期项目，申请公开该项目的立项批复文件，包括建设规模、总投资和"
	  "建设工期。",
	  .days = 12, .reply_type = "disclose",
	  .reply = "您申请获取的园区人才公寓三期项目立项批复文件，由本机关"
	  "保存。根据《中华人民共和国政府信息公开条例》第三十六条第（二）项"
	  "的规定，予以公开。批复文件复印件随本答复书一并邮寄至您提供的"
	  "通讯地址。" },
};

struct plan {
	int year;
	const struct application *apps;
	size_t n;
};

static const struct plan plans[] = {
	{ 2021, apps_2021, ARRAY_SIZE(apps_2021) },
	{ 2022, apps_2022, ARRAY_SIZE(apps_2022) },
};

/* ---- who acts, and when ---- */

struct demo {
	struct db *db;
	const struct calendar *cal;
	const struct keyring *kr;
	struct demo_staff ogi, head;
	/* the citizen at the online form: anonymous, with the roles of the
	 * create action, in the disclosure office (desk_ctx_public()) */
	struct demo_staff visitor;
};

/* ---- one application ---- */

struct run {
	struct demo *d;
	const struct application *ap;
	int64_t id;
	int64_t last;               /* time of the latest step */
	int steps;
};

static int refused(struct run *r, const char *action, struct fz_err *e)
{
	return error("demo application of %s, %s: %s (%s)", r->ap->received,
		     action, e->msg, e->code);
}

/* When a step on day `d` takes place: office hours, varying, always
 * after the step before. */
static int64_t when(struct run *r, cal_day d)
{
	int64_t t = demo_at(d, 560 + (r->steps++ * 47 + (int)r->id * 13) % 400);

	if (t <= r->last)
		t = r->last + 20 * 60;
	r->last = t;
	return t;
}

/* Take `action` as `s` on day `d`; takes `fields`. */
static int act(struct run *r, const struct demo_staff *s, cal_day d,
	       const char *action, json_t *fields)
{
	struct engine_ctx e = { r->d->db, s->actor, s->roles, s->dept_id,
				r->d->cal, when(r, d) };
	struct fz_err err = { 0 };
	int rc = case_act(&e, r->id, action, fields, &err);

	json_decref(fields);
	return rc ? refused(r, action, &err) : 0;
}

/* The day of the latest step. */
static cal_day last_day(const struct run *r)
{
	return cal_day_of(r->last);
}

/* The reply clock's due date as the engine counts it now. */
static int reply_due(struct run *r, cal_day *due)
{
	struct case_clock *v = NULL;
	size_t n = 0, i;
	int rc = case_clocks(r->d->db, r->id, &v, &n), found = 0;

	if (rc < 0)
		return error("demo: %s", db_errmsg(r->d->db));
	for (i = 0; i < n; i++)
		if (strcmp(v[i].clock_id, "reply") == 0) {
			*due = v[i].due;
			found = 1;
		}
	free(v);
	return found ? 0 : error("demo application of %s: no reply clock",
				 r->ap->received);
}

/* The applicant, checked and sealed as the online form does it. */
static int seal_applicant(struct demo *d, const struct application *ap,
			  struct party_new *out)
{
	const struct applicant *p = &applicants[ap->who];
	struct party c = { 0 };
	struct fz_err err = { 0 };
	char code[19];
	int rc;

	c.org = strcmp(ap->type, "natural") != 0;
	full_code(p, c.org, code);
	c.name = xstrdup(p->name);
	c.id_number = xstrdup(code);
	c.phone = xstrdup(p->phone);
	c.address = xstrdup(p->address);
	c.email = xstrdup(p->email ? p->email : "");
	rc = party_check(&c, true, &err);
	if (rc == 0)
		rc = party_seal(d->kr, &c, out, &err);
	party_release(&c);
	if (rc)
		return error("demo applicant %s: %s", p->name, err.msg);
	out->online = strcmp(ap->channel, "online") == 0;
	return 0;
}

/* 登记: the officer registers what came by letter, in person, by fax or
 * e-mail; an online application opens itself at the minute it was
 * sent.  The applicant's row goes in with the case. */
static int open_case(struct run *r, cal_day got)
{
	const struct application *ap = r->ap;
	bool online = strcmp(ap->channel, "online") == 0;
	const struct demo_staff *s = online ? &r->d->visitor : &r->d->ogi;
	struct party_new sealed = { 0 };
	struct fz_err err = { 0 };
	struct engine_ctx e = { r->d->db, s->actor, s->roles, s->dept_id,
				r->d->cal, demo_at(got, ap->minute) };
	char day[11];
	json_t *f;
	int rc;

	cal_format(got, day);
	f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "channel", ap->channel,
		      "applicant_type", ap->type, "title", ap->title,
		      "description", ap->description, "form", ap->form,
		      "delivery", ap->delivery, "received_date", day);
	r->last = e.now;
	rc = case_create(&e, PROC, f, &r->id, &err);
	json_decref(f);
	if (rc)
		return refused(r, "register", &err);
	rc = seal_applicant(r->d, ap, &sealed);
	if (rc == 0) {
		sealed.created_at = e.now;
		if (party_insert(r->d->db, r->id, &sealed) < 0)
			rc = error("demo applicant: %s", db_errmsg(r->d->db));
	}
	party_new_release(&sealed);
	return rc;
}

/* 告知补正, then 收到补正 (the clock starts again on *start) or, when
 * nothing came within the notice's period, 视为放弃.  1 when the
 * application ended there. */
static int correct(struct run *r, cal_day got, cal_day *start)
{
	const struct application *ap = r->ap;
	cal_day ask = demo_working_after(r->d->cal, got, ap->ask), end;
	char when_s[32], day[11];
	char *note;
	int rc;

	rc = act(r, &r->d->ogi, ask, "request_correction",
		 json_pack("{s:s,s:i}", "correction_note", ap->correction,
			   "correction_days", CORRECTION_DAYS));
	if (rc)
		return rc;
	if (ap->fixed) {
		*start = demo_working_after(r->d->cal, ask, ap->fixed);
		cal_format(*start, day);
		return act(r, &r->d->ogi, *start, "receive_correction",
			   json_pack("{s:s}", "received_date", day));
	}
	/* the notice takes a few days by post; its period runs from then */
	end = demo_working_on_or_after(r->d->cal,
				       ask + 3 + CORRECTION_DAYS + 2);
	demo_cn_day(ask, when_s);
	note = xasprintf("本机关于%s向申请人发出补正告知书，告知其在%d日内"
			 "补正。申请人在补正期限内未补正，也未说明正当理由。"
			 "根据《中华人民共和国政府信息公开条例》第三十条的"
			 "规定，视为放弃申请，本机关不再处理该申请。", when_s,
			 CORRECTION_DAYS);
	rc = act(r, &r->d->ogi, end, "abandon",
		 json_pack("{s:s}", "abandon_note", note));
	free(note);
	return rc ? rc : 1;
}

/* 征求第三方意见 and 收到第三方意见; the clock stands still between. */
static int consult(struct run *r, cal_day start)
{
	const struct application *ap = r->ap;
	cal_day asked = demo_working_after(r->d->cal, start, ap->consult);
	int rc = act(r, &r->d->ogi, asked, "consult_third_party",
		     json_pack("{s:s,s:s}", "third_party", ap->third_party,
			       "consult_note", ap->consult_note));

	if (rc == 0)
		rc = act(r, &r->d->ogi, demo_working_after(r->d->cal, asked,
							    ap->answer),
			 "third_party_reply", json_pack("{s:s}",
			 "third_party_opinion", ap->opinion));
	return rc;
}

/* 延长答复期限, by the head, two working days before the limit. */
static int extend(struct run *r)
{
	cal_day due = 0, day;
	int rc = reply_due(r, &due);

	if (rc)
		return rc;
	day = demo_working_before(r->d->cal, due, 2);
	if (day < last_day(r))
		day = last_day(r);
	return act(r, &r->d->head, day, "extend",
		   json_pack("{s:s,s:i}", "extension_reason", r->ap->extension,
			     "extension_days", EXTENSION_DAYS));
}

static char *reply_text(const struct run *r, cal_day got, cal_day fixed)
{
	static const struct {
		const char *channel, *how;
	} hows[] = {
		{ "online", "通过网上申请平台提交" },
		{ "letter", "以信函方式提交" },
		{ "visit", "当面提交" },
		{ "fax", "以传真方式提交" },
		{ "email", "通过电子邮件提交" },
	};
	const struct application *ap = r->ap;
	const char *how = "提交";
	struct buf b = BUF_INIT;
	char d1[32], d2[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hows); i++)
		if (strcmp(hows[i].channel, ap->channel) == 0)
			how = hows[i].how;
	demo_cn_day(got, d1);
	buf_printf(&b, "本机关于%s收到%s%s的政府信息公开申请（所需信息："
		   "%s）", d1, strcmp(ap->type, "natural") ? "您单位" : "您",
		   how, ap->title);
	if (fixed != got) {
		demo_cn_day(fixed, d2);
		buf_printf(&b, "，并于%s收到补正后的申请", d2);
	}
	buf_printf(&b, "。经审查，现答复如下：\n%s\n如对本答复不服，可以自"
		   "收到本答复之日起60日内向新昌县人民政府申请行政复议，或者"
		   "自收到本答复之日起6个月内向人民法院提起行政诉讼。",
		   ap->reply);
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

/* 答复, `days` working days after the clock's start and the pause, and
 * never after the limit the engine computed. */
static int reply(struct run *r, cal_day got, cal_day start, int paused)
{
	cal_day day = demo_working_after(r->d->cal, start,
					 r->ap->days + paused);
	cal_day due = 0;
	char *text;
	int rc = reply_due(r, &due);

	if (rc)
		return rc;
	if (day > due)
		day = due;
	if (day < last_day(r))
		day = last_day(r);
	text = reply_text(r, got, start);
	rc = act(r, &r->d->ogi, day, "reply",
		 json_pack("{s:s,s:s}", "reply_type", r->ap->reply_type,
			   "reply_text", text));
	free(text);
	return rc;
}

static int run_one(struct demo *d, const struct application *ap)
{
	struct run r = { d, ap, 0, 0, 0 };
	cal_day got = 0, start;
	int rc;

	if (cal_parse(ap->received, &got) ||
	    !calendar_is_working(d->cal, got))
		return error("demo: %s is no working day", ap->received);
	rc = open_case(&r, got);
	start = got;
	if (rc == 0 && ap->correction)
		rc = correct(&r, got, &start);
	if (rc)
		return rc > 0 ? 0 : rc;
	if (ap->third_party)
		rc = consult(&r, start);
	if (rc == 0 && ap->withdrawn)
		return act(&r, &d->ogi,
			   demo_working_after(d->cal, start, ap->days),
			   "withdraw", json_pack("{s:s}", "withdraw_reason",
						 ap->withdrawn));
	if (rc == 0 && ap->extension)
		rc = extend(&r);
	if (rc == 0)
		rc = reply(&r, got, start, ap->answer);
	return rc;
}

/* The office's own words in the year's annual report (section 一's
 * platform and supervision parts, 五): no figures, which come from the
 * records. */
struct report_texts {
	int year;
	const char *platform, *supervision, *problems;
};

static const struct report_texts report_texts[] = {
	{ 2021,
	  "依托县政府门户网站政府信息公开专栏发布法定主动公开内容，园区门户"
	  "网站设置政府信息公开目录、依申请公开和行政许可公示栏目，信息发布"
	  "前统一经保密审查和审批。",
	  "明确党政综合办公室为政府信息公开工作机构，落实专人负责；将政府信"
	  "息公开纳入园区法治政府建设考核内容，全年未发生因公开不当引起的失"
	  "泄密事件。",
	  "一是部分栏目更新不够及时；二是政策解读形式较为单一。下一步将建立"
	  "栏目更新提醒机制，丰富图文、问答等解读形式，进一步规范依申请公开"
	  "答复文书。" },
	{ 2022,
	  "新增“新昌高新发布”公众号作为园区政务新媒体，与县政府网站同步发布"
	  "重要信息；门户网站上线全文检索和繁体版，方便群众查询。",
	  "坚持先审查、后公开和一事一审，每条信息均有保密审查记录和审批记录；"
	  "依申请公开全部按法定期限答复，答复文书经法律顾问审核。",
	  "一是重点领域信息公开的深度有待加强；二是干部业务能力还需提高。下"
	  "一步将加强业务培训，筑牢保密防线，规范公开范围和程序。" },
};

/* The texts of `year`'s report, unless the office wrote its own. */
static int report_inputs(struct demo *d, int year)
{
	struct gi_inputs in;
	struct fz_err err = { 0 };
	size_t i;
	int rc = gi_inputs_load(d->db, year, &in);

	for (i = 0; rc == 0 && i < ARRAY_SIZE(report_texts); i++) {
		const struct report_texts *t = &report_texts[i];

		if (t->year != year || in.text[GI_TX_PLATFORM])
			continue;
		in.text[GI_TX_PLATFORM] = xstrdup(t->platform);
		in.text[GI_TX_SUPERVISION] = xstrdup(t->supervision);
		in.text[GI_TX_PROBLEMS] = xstrdup(t->problems);
		rc = gi_inputs_save(d->db, &d->ogi.actor, &in, &err);
		if (rc)
			error("demo report texts: %s", err.msg);
	}
	gi_inputs_free(&in);
	return rc < 0 ? rc : 0;
}

static int run_year(struct demo *d, const struct plan *p)
{
	size_t i;
	int rc = db_begin(d->db);

	if (rc < 0)
		return error("demo applications: %s", db_errmsg(d->db));
	for (i = 0; rc == 0 && i < p->n; i++)
		rc = run_one(d, &p->apps[i]);
	if (rc == 0 && db_commit(d->db) < 0)
		rc = error("demo applications: %s", db_errmsg(d->db));
	if (rc && db_in_tx(d->db))
		db_rollback(d->db);
	return rc;
}

/* ---- setting up ---- */

static int prepare(struct app *a, struct demo *d, struct demo_env *env)
{
	static const char *const procs[] = { PROC, NULL };
	const struct workflow *w;
	int rc = demo_env_open(a, procs, env);

	if (rc)
		return rc;
	w = workflow_find(PROC, 0);
	d->cal = env->cal;
	d->kr = a->keyring;
	if (demo_staff_of(d->db, "ogi", ROLE_OGI_OFFICER, &d->ogi) ||
	    demo_staff_of(d->db, "depthead", ROLE_DEPT_HEAD, &d->head))
		return FZ_ERR;
	memset(&d->visitor, 0, sizeof(d->visitor));
	d->visitor.actor.login = "anonymous";
	d->visitor.actor.roles = "";
	d->visitor.actor.ip = "local";
	d->visitor.actor.request_id = "demo";
	d->visitor.roles = w->create->roles;
	d->visitor.dept_id = d->ogi.dept_id;
	return 0;
}

int demo_ogi(struct app *a, struct db *db, bool quiet)
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
		rc = demo_year_present(db, PROC, plans[i].year, &present);
		if (rc == 0 && !present)
			rc = run_year(&d, &plans[i]);
		if (rc == 0 && !present)
			rc = report_inputs(&d, plans[i].year);
		if (rc == 0 && !quiet && present)
			printf("%d: disclosure applications already present\n",
			       plans[i].year);
		else if (rc == 0 && !quiet)
			printf("%d: %zu disclosure applications created\n",
			       plans[i].year, plans[i].n);
	}
	demo_env_close(&env);
	return rc < 0 ? rc : 0;
}
