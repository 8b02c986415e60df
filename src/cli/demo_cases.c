/* demo_cases.c: the petitions and hotline desk's 2021 and 2022 records
 *
 * The 2022 annual report of 新昌高新园区 counts what the desk received by
 * channel (508 letters, 325 mayor-hotline tickets, 2 county-leader
 * instructions, 6 visits, 5 online letters, 14 safe-construction cases),
 * all of it handled.  The demo installation holds exactly those cases,
 * and a smaller 2021 so that year-on-year figures mean something.  Each
 * case is opened and moved through its procedure by case_create() and
 * case_act() as the demo staff of the right role and department, at past
 * dates (engine_ctx.now), so its history, clocks and audit entries are
 * those real work would leave.  Received dates are working days of the
 * official calendar; every later step is a few working days on and
 * always inside the statutory limit, which is computed here from the
 * same calendar before a step is scheduled.
 *
 * Everything comes from one fixed seed per year: the same calendar gives
 * the same records on every installation.  Petitioners are fictitious;
 * their identity numbers carry the 新昌县 division code 330624, a real
 * birth date and a valid check character, and are stored only sealed,
 * through the desk's petitioner table.
 */
#include "cli/demo_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "calendar/calendar.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "cli/demo_util.h"
#include "core/buf.h"
#include "core/util.h"
#include "engine/engine.h"
#include "org/accounts.h"
#include "petition/petition.h"
#include "pii/pii.h"
#include "store/store.h"

/* ---- the figures ---- */

/* What a year holds.  2022 is the report's; the report gives no desk
 * figures for 2021, so those are our choice: a little fewer of each. */
struct year_plan {
	int year;
	int letter, hotline, leader, visit, online, safe;
	int legal;          /* petitions whose reply a legal adviser read */
	uint64_t seed;
};

static const struct year_plan plans[] = {
	{ 2021, 471, 298, 3, 9, 4, 11, 6, 0x5852303231ULL },
	{ 2022, 508, 325, 2, 6, 5, 14, 9, 0x5852303232ULL },
};

#define CASE_BATCH 64       /* cases written per transaction */
#define DAY_START 510       /* 08:30, minutes of the day */
#define REG_LAST 990        /* 16:30: registered before then */
#define MINUTE_MAX 1430     /* 23:50 */

/* ---- the people who act ---- */

/* The departments that handle cases, with their clerk and head.  The
 * economic development bureau's are the demo accounts of cmd_demo.c; the
 * others are added here (through the account service) when missing. */
struct unit {
	const char *code, *name;
	const char *clerk, *clerk_name;
	const char *head, *head_name;
};

enum { U_JFJ, U_GJJ, U_SSJ, U_ZFD, NUNITS };

static const struct unit units[NUNITS] = {
	{ "jfj", "经济发展局", "clerk", NULL, "depthead", NULL },
	{ "gjj", "规划建设局", "gjj.clerk", "何晓东", "gjj.head", "马国平" },
	{ "ssj", "社会事务局", "ssj.clerk", "林佳", "ssj.head", "黄卫东" },
	{ "zfd", "综合行政执法队", "zfd.clerk", "徐超", "zfd.head",
	  "朱建军" },
};

struct demo {
	struct db *db;
	struct calendar *cal;
	const struct keyring *kr;
	struct demo_staff officer, leader, lawyer;
	struct demo_staff clerk[NUNITS], head[NUNITS];
	int64_t dept[NUNITS];
	int year;
};

/* ---- what the cases are about ---- */

struct topic {
	const char *label;
	int unit;
	const char *category;   /* petition: 信访事项类别 */
	const char *type;       /* hotline: 诉求类型 */
	const char *outcome;
	bool legal;             /* a reply a legal adviser may review */
	int wp, wh;             /* weights among petitions, tickets */
	const char *title[2];    /* each with its content and reply */
	const char *content[2];
	const char *reply[2];
};

/*
 * Placeholders: {w} who raises it (来信人, 来电人, ...), {v} a village,
 * {r} a road, {i} an industry, {n} {m} {a} {d} {q} small numbers (people
 * or items, months, 10k yuan, days, square metres).
 */
static const struct topic topics[] = {
	{ "征地补偿", U_GJJ, "claim", "consult", "explain", true, 9, 2,
	  { "关于{v}村征地补偿标准的诉求",
	    "反映{v}村征地补偿名单面积有误" },
	  { "{w}反映，{v}村部分土地被征收用于园区{r}建设，其家庭被征收承包"
	    "地约{n}亩。{w}认为青苗及地上附着物补偿标准偏低，且部分补偿款至"
	    "今未发放到位，要求公开补偿标准并足额发放补偿款。",
	    "{w}称，{v}村土地征收已过去{m}个月，村里公布的补偿名单中其家庭"
	    "的征收面积比实际少约{n}分，多次向村委会反映未得到答复，请求重新"
	    "丈量并补发差额部分的补偿款。" },
	  { "经核查，{v}村该地块征收已依法履行报批、公告和补偿登记程序，补偿"
	    "标准按省、县公布的区片综合地价及地上附着物补偿标准执行。{w}家庭"
	    "被征收的{n}亩承包地补偿款已核算完毕，未发放部分已由村集体经济组"
	    "织于近日发放到位。如对补偿标准仍有异议，可依法申请协调或裁决。",
	    "经会同村委会重新丈量复核，{w}家庭实际被征收面积比公布名单多{n}"
	    "分，系登记时漏计所致，差额部分补偿款已由村集体经济组织补发到位，"
	    "补偿名单已更正并重新公示。" } },
	{ "拆迁安置", U_GJJ, "claim", "help", "explain", true, 8, 2,
	  { "关于{v}村拆迁安置房交付进度的反映",
	    "询问{v}村征迁户安置房分配方案" },
	  { "{w}系{v}村征迁户，房屋已签订征迁协议并腾空交付。目前安置小区建"
	    "设进度滞后，{w}询问安置房交付时间，以及逾期期间临时过渡费是否继"
	    "续发放。",
	    "{w}反映，{v}村征迁安置房选房方案迟迟未公布，家中{n}口人在外租房"
	    "已近{m}个月，希望尽快明确安置房分配办法和选房时间。" },
	  { "经了解，{v}村征迁安置小区主体工程已结顶，正在进行室外配套施工，"
	    "预计年内完成竣工验收后组织选房。逾期交付期间的临时过渡费将按征迁"
	    "补偿方案继续按月发放，不会中断。园区将通过村务公开栏及时公布工程"
	    "进度。",
	    "经了解，{v}村征迁安置房分配方案已经村民代表会议讨论通过，近期将在"
	    "村务公开栏公示，公示期满后按征迁协议签订顺序组织选房。选房前临时"
	    "过渡费按协议继续按月发放。" } },
	{ "企业欠薪", U_SSJ, "claim", "complaint", "support", true, 10, 7,
	  { "反映园区{c}拖欠{n}名工人工资",
	    "关于{c}拖欠离职工资的投诉" },
	  { "{w}反映，其与{n}名工友在园区{r}附近的{c}从事生产工作，企业已连"
	    "续{m}个月未足额发放工资，合计拖欠约{a}万元，多次讨要未果，请求督"
	    "促企业尽快支付拖欠的劳动报酬。",
	    "{w}称，其已从{c}离职，但最后{m}个月的工资和加班费一直未结清，"
	    "企业以资金周转困难为由一再拖延，请求有关部门帮助追讨。" },
	  { "接件后，社会事务局会同劳动保障监察人员约谈了该企业负责人，核实欠"
	    "薪情况属实。企业已作出书面承诺并制定支付计划，首期款项已于近日发"
	    "放，余款将在一个月内付清。我局将跟踪督促兑现；企业逾期未支付的，"
	    "将依法责令限期支付并依法处理。",
	    "社会事务局接件后约谈了该企业负责人，核实{w}离职前{m}个月工资及加"
	    "班费未结清属实。经调解，企业已一次性结清拖欠款项，{w}确认已收到。"
	    "我局已提醒企业依法按时足额支付劳动报酬。" } },
	{ "噪声扰民", U_ZFD, "accusation", "complaint", "support", false, 6,
	  14,
	  { "投诉{r}附近企业夜间生产噪声扰民",
	    "反映{r}工地夜间施工噪声" },
	  { "{w}反映，{r}附近一家{i}企业近期每晚生产至23点以后，机器轰鸣声"
	    "很大，严重影响周边居民休息，要求查处并督促其落实降噪措施。",
	    "{w}称，{r}一处在建厂房工地连续{d}天夜间施工，打桩和运输车辆噪"
	    "声持续到凌晨，附近居民无法入睡，请求制止夜间违规施工。" },
	  { "综合行政执法队接件后当晚赴现场检查，确认该企业夜间生产噪声扰民。"
	    "执法人员已责令其调整生产时间、对高噪声设备加装隔声罩，夜间22时后"
	    "不得进行产生噪声的作业，并纳入重点巡查。经复查，夜间噪声已明显减"
	    "轻。",
	    "综合行政执法队接件后当晚赴{r}工地检查，该工地未经批准擅自夜间施"
	    "工，已当场责令停止夜间作业并依法立案查处。施工单位已承诺夜间22时"
	    "至次日6时不再施工，我队将持续开展夜间巡查。" } },
	{ "道路积水", U_GJJ, "suggestion", "help", "support", false, 3, 12,
	  { "反映{r}路段雨后积水严重", "反映{r}人行道下沉积水" },
	  { "{w}反映，{r}{n}号厂区门口附近每逢下雨即出现大面积积水，最深处"
	    "没过脚踝，车辆和行人通行困难，怀疑雨水井堵塞，希望尽快疏通。",
	    "{w}称，{r}人行道下沉形成洼地，雨后积水多日不退，企业员工上下班"
	    "只能绕行机动车道，存在安全隐患。" },
	  { "规划建设局已安排养护单位对该路段雨水井及排水管道进行清淤疏通，共"
	    "清理淤泥约{n}吨，更换破损雨水篦子两处。近期将结合道路提升工程对该"
	    "路段排水管网进行扩容改造。",
	    "规划建设局已安排养护单位对{r}下沉人行道进行翻修，调整横坡并增设"
	    "雨水口，积水问题已解决。施工期间设置了临时通道和警示标志，保障行"
	    "人通行安全。" } },
	{ "供水", U_GJJ, "claim", "help", "support", false, 3, 10,
	  { "反映{v}村一带自来水水压不足", "{r}沿线停水未提前通知" },
	  { "{w}反映，近{d}天来{v}村一带用水高峰时段水压明显不足，楼上住户"
	    "基本无水可用，希望尽快查明原因、恢复正常供水。",
	    "{w}称，{r}沿线昨日突然停水{d}个多小时，事先没有任何通知，园区"
	    "企业生产和员工生活都受到影响，希望今后停水提前告知。" },
	  { "经会同供水公司排查，水压不足系园区供水主管道改造施工临时调压所致。"
	    "供水公司已完成管道接驳，{v}村一带供水压力恢复正常。",
	    "经核实，停水系供水公司抢修{r}爆裂管道所致，属突发抢修，未能提前通"
	    "知。供水公司已向受影响企业和居民致歉，今后计划停水将提前24小时通"
	    "过企业群、村务群和公告告知，抢修停水及时发布信息。" } },
	{ "安全生产", U_JFJ, "accusation", "report", "support", false, 5, 5,
	  { "举报园区{c}存在安全生产隐患",
	    "反映{r}某企业危险化学品存放不规范" },
	  { "{w}反映，{c}生产车间消防通道长期堆放货物，部分灭火器过期，新员"
	    "工未经培训即上岗操作设备，存在较大安全隐患，请求检查。",
	    "{w}称，{r}一家{i}企业将油漆、稀释剂等危险化学品露天堆放在厂房"
	    "外墙边，没有防晒和防泄漏措施，担心引发火灾。" },
	  { "经济发展局会同应急管理部门对该企业开展了现场检查，发现消防通道堵"
	    "塞、灭火器过期等隐患{n}处，已当场责令整改并下达整改通知书。复查时"
	    "企业已清理消防通道、更换过期灭火器并组织全员安全培训，隐患已全部"
	    "整改到位。",
	    "经济发展局会同应急管理部门对该企业开展了现场检查，确认危险化学品"
	    "露天堆放属实，已责令其立即转入专用仓库，落实防晒、防泄漏措施并建"
	    "立出入库台账。复查时已整改到位。" } },
	{ "营商环境", U_JFJ, "suggestion", "suggestion", "support", false, 5,
	  5,
	  { "反映企业技改项目补助资金兑现较慢",
	    "关于优化园区企业项目审批服务的建议" },
	  { "{w}反映，其所在的{i}企业技术改造项目已完成竣工验收，按政策可申"
	    "请补助资金约{a}万元，但材料提交后兑现进度较慢，希望简化审核环"
	    "节、明确办理时限。",
	    "{w}建议，园区企业新建厂房涉及规划、施工、消防等多个审批环节，"
	    "希望推行一窗受理、集成服务，减少企业来回跑。" },
	  { "经济发展局已对该企业技改项目补助申请进行核查，材料齐全、符合政策"
	    "条件，补助资金已列入本批次兑现计划，预计{d}个工作日内拨付到位。今"
	    "后惠企政策兑现将明确办理时限并公开办理进度。",
	    "感谢您的建议。园区已将企业投资项目的规划、施工许可、消防等审批事"
	    "项纳入一窗受理、集成服务，实行全流程代办帮办，并在每周三服务日为"
	    "企业现场答疑，减少企业跑腿次数。" } },
	{ "违章建筑", U_ZFD, "accusation", "report", "support", true, 6, 5,
	  { "举报{v}村有人违法搭建建筑物",
	    "反映{r}某厂区内违章搭建钢棚" },
	  { "{w}反映，{v}村有村民未经审批在宅基地旁搭建约{q}平方米的砖混结"
	    "构房屋，目前仍在施工，影响邻里通行和采光，请求依法查处。",
	    "{w}称，{r}一家{i}企业在厂区空地上搭建了约{q}平方米的钢结构棚"
	    "房用于堆放原料，未见任何审批公示，请求核查。" },
	  { "综合行政执法队接件后立即组织现场核查，该建筑物未取得规划许可，属"
	    "违法建设。执法队已依法下达责令停止建设和限期拆除通知书，当事人已"
	    "于限期内自行拆除。我队将加强日常巡查，防止违建反弹。",
	    "综合行政执法队会同规划建设局现场核查，该钢结构棚房未取得建设工程"
	    "规划许可，属违法建设。已依法责令企业限期拆除，企业已在限期内自行"
	    "拆除。" } },
	{ "物业纠纷", U_SSJ, "claim", "complaint", "explain", true, 5, 8,
	  { "反映园区人才公寓物业服务不到位",
	    "关于{r}某小区物业费上调的投诉" },
	  { "{w}反映，其居住的园区人才公寓近{m}个月来保洁不及时，电梯多次故"
	    "障未及时维修，业主多次与物业公司协商未果，请求协调处理。",
	    "{w}称，{r}某小区物业公司未经业主大会同意擅自上调物业服务费，且"
	    "对不缴纳上调部分的业主停止门禁卡服务，请求依法处理。" },
	  { "社会事务局会同属地社区召集物业公司和业主代表进行了协调。物业公司"
	    "已对电梯进行全面检修，并增加保洁频次、公开服务标准，接受业主监"
	    "督。",
	    "经调查，该物业公司上调物业服务费未经业主大会依法表决，已责令其暂"
	    "停执行新标准、恢复门禁卡服务；调整方案须依法提交业主大会表决后方"
	    "可执行。" } },
	{ "废气异味", U_ZFD, "accusation", "complaint", "support", false, 3,
	  7,
	  { "投诉{r}附近企业排放刺鼻异味", "反映园区某企业夜间偷排废气" },
	  { "{w}反映，每天傍晚{r}一带能闻到明显的刺鼻气味，怀疑附近{c}废气处"
	    "理设施未正常运行，影响周边居民和企业员工健康，请求查处。",
	    "{w}称，园区{r}一家{i}企业夜间烟囱冒出黄色烟气，气味刺鼻，白天则"
	    "基本看不到，怀疑夜间偷排，请求夜间突击检查。" },
	  { "综合行政执法队会同生态环境部门对周边企业开展夜查，发现该企业废气"
	    "收集装置风机故障未及时维修，已责令立即整改并依法立案调查。整改完"
	    "成后经监测，废气排放达标，周边异味问题已明显改善。",
	    "综合行政执法队会同生态环境部门连续{d}晚开展突击检查，发现该企业夜"
	    "间停运废气处理设施，已依法立案查处并责令整改。整改后企业已安装在"
	    "线监控设备，废气排放纳入实时监管。" } },
	{ "路灯交通设施", U_GJJ, "suggestion", "suggestion", "support", false,
	  3, 8,
	  { "建议在{r}增设路灯", "反映{r}交通信号灯配时不合理" },
	  { "{w}反映，{r}部分路段夜间没有路灯，下班高峰时段企业员工步行和骑"
	    "电动车出行存在安全隐患，建议尽快增设路灯。",
	    "{w}称，{r}与园区主干道交叉口的信号灯绿灯时间过短，早晚高峰车辆"
	    "排队很长，建议优化信号灯配时。" },
	  { "规划建设局已对{r}照明设施进行排查，新增路灯{n}盏并已通电运行，后"
	    "续将结合园区道路提升工程同步完善其他路段照明。",
	    "规划建设局已会同交警部门对{r}路口早晚高峰车流进行观测，按流量重新"
	    "调整了信号灯配时，高峰时段排队长度已明显缩短。" } },
	{ "政策咨询", U_SSJ, "suggestion", "consult", "explain", false, 1, 10,
	  { "咨询园区人才公寓申请条件", "咨询企业新录用员工社保补贴政策" },
	  { "{w}咨询：其为园区企业新引进的本科毕业生，想了解园区人才公寓的申"
	    "请条件、租金标准和办理流程。",
	    "{w}咨询：其所在的{i}企业今年新录用员工{n}人，想了解招用就业困难"
	    "人员和高校毕业生的社保补贴政策及申领办法。" },
	  { "已答复{w}：园区人才公寓面向园区企业新引进的人才，凭劳动合同和社"
	    "保缴纳证明由所在企业提出申请，社会事务局审核后按顺序配租，租金标"
	    "准和所需材料可在园区企业服务中心查询。{w}表示清楚。",
	    "已答复{w}：企业招用符合条件的人员并依法缴纳社会保险的，可按规定申"
	    "请社会保险补贴，由企业向社会事务局提交人员名单、劳动合同和缴费凭"
	    "证，具体条件以县人力社保部门公布的政策为准。{w}表示清楚。" } },
	{ "渣土扬尘", U_ZFD, "accusation", "complaint", "support", false, 3,
	  7,
	  { "反映{r}渣土车抛洒滴漏", "投诉{r}工地扬尘污染" },
	  { "{w}反映，近期{r}沿线经常有渣土车未密闭运输，沿途抛洒泥土，晴天"
	    "扬尘、雨天泥泞，影响通行安全和周边环境，请求加强管理。",
	    "{w}称，{r}一处工地土方开挖未覆盖防尘网，大风天气尘土飞扬，附近"
	    "厂区和住户门窗不敢打开，请求督促工地落实防尘措施。" },
	  { "综合行政执法队已在{r}沿线设卡检查，查处未密闭运输渣土车{n}辆次，"
	    "并责令相关工地落实车辆冲洗和覆盖措施，同时安排洒水车每日定时作"
	    "业。",
	    "综合行政执法队已到{r}工地检查，责令施工单位对裸露土方全部覆盖防尘"
	    "网，落实洒水降尘和车辆冲洗措施，大风天气停止土方作业。复查时已整"
	    "改到位。" } },
};

enum {
	T_LAND, T_RELOCATE, T_WAGES, T_NOISE, T_FLOOD, T_WATER, T_SAFETY,
	T_BUSINESS, T_ILLEGAL, T_PROPERTY,
};

/* The channels whose cases come with a theme of their own. */
static const int safe_topics[] = { T_SAFETY, T_WAGES, T_PROPERTY,
				   T_ILLEGAL };
static const int leader_topics[] = { T_LAND, T_RELOCATE, T_BUSINESS };

static const char *const villages[] = {
	"塘头", "上宅", "下岙", "前溪", "后山", "东坑", "西畈", "岭头",
	"溪口", "新联",
};
static const char *const roads[] = {
	"高新大道", "科创路", "智造大道", "兴业路", "园东路", "园西路",
	"创新路", "梅溪路", "工业西路", "环园北路",
};
static const char *const industries[] = {
	"轴承", "汽配", "机电", "制药", "纺织", "电子", "新材料", "精密铸造",
	"空调配件", "食品",
};
static const char *const towns[] = {
	"七星街道", "羽林街道", "南明街道", "沃洲镇", "梅渚镇",
};
static const char *const surnames[] = {
	"王", "李", "张", "陈", "俞", "梁", "吕", "潘", "石", "杨", "黄",
	"吴", "赵", "周", "徐", "丁", "胡", "何", "章", "袁",
};
static const char *const given1[] = {
	"建", "国", "伟", "志", "海", "小", "晓", "雪", "丽", "春", "明",
	"永", "德", "红", "秀", "金", "立", "文", "佳", "利",
};
static const char *const given2[] = {
	"华", "平", "军", "强", "英", "芳", "燕", "明", "东", "林", "勇",
	"峰", "萍", "敏", "杰", "波", "娟", "刚", "琴", "龙",
};
/* Mobile number prefixes of the three carriers. */
static const char *const mobile_prefixes[] = {
	"139", "138", "137", "135", "158", "159", "188", "187", "150",
	"151", "152", "157", "182", "183", "133", "153", "180", "189",
	"177", "130", "131", "132", "155", "156", "186", "185", "199",
};

/* ---- one case's text ---- */

struct vars {
	int k;                      /* which title, content and reply */
	const char *who, *village, *road, *industry;
	int n, m, a, d, q;
};

static void vars_init(struct vars *v, struct demo_rng *r, const char *who)
{
	v->k = demo_rnd(r, 2);
	v->who = who;
	v->village = DEMO_PICK(r, villages);
	v->road = DEMO_PICK(r, roads);
	v->industry = DEMO_PICK(r, industries);
	v->n = 2 + demo_rnd(r, 11);
	v->m = 2 + demo_rnd(r, 5);
	v->a = 3 + demo_rnd(r, 38);
	v->d = 2 + demo_rnd(r, 6);
	v->q = 30 + 10 * demo_rnd(r, 18);
}

/* `tpl` with its placeholders filled in, appended to `out`. */
static void expand(struct buf *out, const char *tpl, const struct vars *v)
{
	const char *p;

	for (p = tpl; *p; p++) {
		if (p[0] != '{' || !p[1] || p[2] != '}') {
			buf_putc(out, *p);
			continue;
		}
		switch (p[1]) {
		case 'w': buf_puts(out, v->who); break;
		case 'v': buf_puts(out, v->village); break;
		case 'r': buf_puts(out, v->road); break;
		case 'i': buf_puts(out, v->industry); break;
		case 'c': buf_printf(out, "某%s企业", v->industry); break;
		case 'n': buf_printf(out, "%d", v->n); break;
		case 'm': buf_printf(out, "%d", v->m); break;
		case 'a': buf_printf(out, "%d", v->a); break;
		case 'd': buf_printf(out, "%d", v->d); break;
		case 'q': buf_printf(out, "%d", v->q); break;
		default: buf_add(out, p, 3); break;
		}
		p += 2;
	}
}

static char *text_of(const char *tpl, const struct vars *v)
{
	struct buf b = BUF_INIT;

	expand(&b, tpl, v);
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

/* ---- the petitioner ---- */

/* A fictitious resident of 新昌县: born 1955..2001, the sequence digit
 * of the identity number odd for men and even for women. */
static void person(struct demo_rng *r, struct party *p, bool full)
{
	cal_day lo = 0, birth;
	char id[PII_ID_LEN + 1], phone[12];
	int seq, male = demo_rnd(r, 2);

	cal_parse("1955-01-01", &lo);
	birth = lo + demo_rnd(r, 47 * 365);
	seq = 2 * demo_rnd(r, 499) + (male ? 1 : 2);
	demo_id_number(birth, seq, id);
	snprintf(phone, sizeof(phone), "%s%08d", DEMO_PICK(r, mobile_prefixes),
		 demo_rnd(r, 100000000));
	if (full)
		p->name = xasprintf("%s%s%s", DEMO_PICK(r, surnames),
				    DEMO_PICK(r, given1), DEMO_PICK(r, given2));
	else
		p->name = xasprintf("%s%s", DEMO_PICK(r, surnames),
				    male ? "先生" : "女士");
	p->id_number = xstrdup(full ? id : "");
	p->phone = xstrdup(phone);
	if (full || demo_chance(r, 40))
		p->address = xasprintf("新昌县%s%s村%d号",
				       DEMO_PICK(r, towns),
				       DEMO_PICK(r, villages),
				       1 + demo_rnd(r, 180));
	else
		p->address = xstrdup("");
}

/* Check, seal and write a petitioner of case `case_id`, in the open
 * transaction. */
static int add_party(struct demo *d, struct demo_rng *r, bool full,
		     int64_t case_id, int64_t at)
{
	struct party p = { 0 };
	struct party_new sealed = { 0 };
	struct fz_err err = { 0 };
	int rc;

	person(r, &p, full);
	rc = party_check(&p, full, &err);
	if (rc == 0)
		rc = party_seal(d->kr, &p, &sealed, &err);
	party_release(&p);
	if (rc) {
		party_new_release(&sealed);
		return error("demo petitioner: %s", err.msg);
	}
	sealed.created_at = at;
	rc = party_insert(d->db, case_id, &sealed);
	party_new_release(&sealed);
	if (rc < 0)
		return error("demo petitioner: %s", db_errmsg(d->db));
	return 0;
}

/* Commit the open batch (or roll it back after a failure, rc != 0);
 * with `more`, open the next one. */
static int next_batch(struct demo *d, int rc, bool more)
{
	if (rc == 0 && (rc = db_commit(d->db)) < 0)
		error("demo cases: %s", db_errmsg(d->db));
	if (rc && db_in_tx(d->db))
		db_rollback(d->db);
	if (rc)
		return rc;
	return more ? db_begin(d->db) : 0;
}

/* ---- time ---- */

struct when {
	cal_day day;
	int minute;                 /* of the day, China Standard Time */
};

static int64_t when_time(const struct when *w)
{
	return demo_at(w->day, w->minute);
}

/* Working days after `a` up to and including `b`. */
static int working_between(const struct calendar *cal, cal_day a, cal_day b)
{
	int n = 0;

	while (a < b)
		if (calendar_is_working(cal, ++a))
			n++;
	return n;
}

/* Move on `n` working days (to office hours), or for 0 a little later
 * the same day. */
static void step(const struct calendar *cal, struct demo_rng *r, struct when *w,
		 int n)
{
	if (n <= 0) {
		w->minute += 5 + demo_rnd(r, 30);
		if (w->minute > MINUTE_MAX)
			w->minute = MINUTE_MAX;
		return;
	}
	w->day = demo_working_after(cal, w->day, n);
	w->minute = DAY_START + demo_rnd(r, 8 * 60);
}

static cal_day due_day(const struct calendar *cal, cal_day start, int n,
		       enum cal_unit unit)
{
	struct cal_due due;
	cal_day d = start + n;

	if (calendar_due(cal, start, n, unit, &due) == 0)
		d = due.due;
	cal_due_release(&due);
	return d;
}

/* ---- acting ---- */

static int refused(const char *what, const char *action, struct fz_err *e)
{
	return error("demo %s, %s: %s (%s)", what, action, e->msg, e->code);
}

/* Open a case as `s` at `w`; takes `fields`. */
static int create(struct demo *d, const struct demo_staff *s,
		  const struct when *w, const char *proc, json_t *fields,
		  int64_t *id)
{
	struct engine_ctx ctx = { d->db, s->actor, s->roles, s->dept_id,
				  d->cal, when_time(w) };
	struct fz_err err = { 0 };
	int rc = case_create(&ctx, proc, fields, id, &err);

	json_decref(fields);
	return rc ? refused(proc, "register", &err) : 0;
}

/* Take `action` on case `id` as `s` at `w`; takes `fields`. */
static int act(struct demo *d, const struct demo_staff *s, const struct when *w,
	       int64_t id, const char *action, json_t *fields)
{
	struct engine_ctx ctx = { d->db, s->actor, s->roles, s->dept_id,
				  d->cal, when_time(w) };
	struct fz_err err = { 0 };
	int rc = case_act(&ctx, id, action, fields, &err);
	char what[32];

	json_decref(fields);
	if (rc == 0)
		return 0;
	snprintf(what, sizeof(what), "case %lld", (long long)id);
	return refused(what, action, &err);
}

/* ---- one petition ---- */

struct spec {
	cal_day day;
	int minute;
	bool hotline;
	const char *channel;
	int topic;
	bool legal, extend, ret, co;
	uint64_t seed;
};

static const char *petition_who(const char *channel)
{
	if (strcmp(channel, "visit") == 0)
		return "来访人";
	if (strcmp(channel, "online") == 0)
		return "网民";
	if (strcmp(channel, "letter") == 0)
		return "来信人";
	return "信访人";
}

/* The reference of the document a case came with, or NULL. */
static char *source_ref(const struct spec *sp, int year, struct demo_rng *r)
{
	if (strcmp(sp->channel, "leader_instruction") == 0)
		return xasprintf("县领导批示件〔%d〕%d号", year,
				 1 + demo_rnd(r, 60));
	if (strcmp(sp->channel, "safe_construction") == 0)
		return xasprintf("PAJS%d%06d", year, demo_rnd(r, 1000000));
	if (strcmp(sp->channel, "online") == 0)
		return xasprintf("WX%d%07d", year, demo_rnd(r, 10000000));
	if (strcmp(sp->channel, "letter") == 0 && demo_chance(r, 30))
		return xasprintf("XF%d%07d", year, demo_rnd(r, 10000000));
	return NULL;
}

static int petition_register(struct demo *d, const struct spec *sp,
			     struct demo_rng *r, const struct vars *v,
			     const struct when *w, int64_t *id)
{
	const struct topic *t = &topics[sp->topic];
	char day[11];
	char *title = text_of(t->title[v->k], v);
	char *content = text_of(t->content[v->k], v);
	char *ref;
	json_t *f;

	cal_format(sp->day, day);
	ref = source_ref(sp, d->year, r);
	f = json_pack("{s:s,s:s,s:s,s:s}", "channel", sp->channel, "title",
		      title, "content", content, "received_date", day);
	if (ref)
		json_object_set_new(f, "source_ref", json_string(ref));
	free(title);
	free(content);
	free(ref);
	return create(d, &d->officer, w, "petition", f, id);
}

static const char legal_opinion_text[] =
	"经审查，拟答复意见认定事实清楚，处理依据充分。建议在答复中明确告知"
	"信访人：对处理意见不服的，可以自收到书面答复之日起30日内请求原办理"
	"机关的上一级机关复查。";
static const char review_note[] =
	"如对本处理意见不服，可以自收到本意见书之日起30日内向上一级行政机关"
	"请求复查。";

/* 提请法律审核, 出具法律意见, and the draft revised after it. */
static int petition_legal(struct demo *d, const struct spec *sp,
			  struct demo_rng *r, struct when *w, int64_t id,
			  const char *reply)
{
	const struct topic *t = &topics[sp->topic];
	const struct demo_staff *clerk = &d->clerk[t->unit];
	char *q = xasprintf("拟答复意见涉及%s的法律适用及救济途径告知，请审"
			    "核答复意见的合法性和表述是否适当。", t->label);
	char *revised = xasprintf("%s%s", reply, review_note);
	int rc;

	step(d->cal, r, w, demo_rnd(r, 2));
	rc = act(d, clerk, w, id, "request_legal_review",
		 json_pack("{s:s}", "review_question", q));
	step(d->cal, r, w, 2 + demo_rnd(r, 3));
	if (!rc)
		rc = act(d, &d->lawyer, w, id, "legal_opinion",
			 json_pack("{s:s}", "legal_opinion",
				   legal_opinion_text));
	step(d->cal, r, w, demo_rnd(r, 2));
	if (!rc)
		rc = act(d, clerk, w, id, "draft_reply",
			 json_pack("{s:s,s:s}", "reply_text", revised,
				   "outcome", t->outcome));
	free(q);
	free(revised);
	return rc;
}

/* 受理 and 交办 to the topic's department, with the extension when the
 * case has one.  *due gets the last day of the handling limit. */
static int petition_accept(struct demo *d, const struct spec *sp,
			   struct demo_rng *r, struct when *w, int64_t id,
			   cal_day *due)
{
	const struct topic *t = &topics[sp->topic];
	json_int_t dept = d->dept[t->unit];
	int rc;

	step(d->cal, r, w, 1 + demo_rnd(r, 3));
	rc = act(d, &d->officer, w, id, "accept",
		 json_pack("{s:s,s:I}", "category", t->category,
			   "handling_dept", dept));
	*due = due_day(d->cal, w->day, sp->extend ? 90 : 60,
		       CAL_CALENDAR_DAYS);
	step(d->cal, r, w, 0);
	if (!rc)
		rc = act(d, &d->officer, w, id, "assign",
			 json_pack("{s:I,s:I,s:s}", "handling_dept", dept,
				   "assignee",
				   (json_int_t)d->clerk[t->unit].actor.id,
				   "assign_note", "请按《信访工作条例》规定调查"
				   "核实，在办理期限内形成处理意见并书面答复信访"
				   "人。"));
	if (rc || !sp->extend)
		return rc;
	step(d->cal, r, w, 15 + demo_rnd(r, 10));
	return act(d, &d->leader, w, id, "extend",
		   json_pack("{s:s}", "extension_reason", "该事项涉及历史遗留"
			     "问题和多个部门，需进一步调查核实，经批准延长办理"
			     "期限30日，并已告知信访人延期理由。"));
}

/* A petition from registration to 办结, inside its limits. */
static int run_petition(struct demo *d, const struct spec *sp,
			struct demo_rng *r, int64_t *id)
{
	const struct topic *t = &topics[sp->topic];
	struct when w = { sp->day, sp->minute };
	struct vars v;
	cal_day due;
	char *reply;
	int rc, delay;

	vars_init(&v, r, petition_who(sp->channel));
	rc = petition_register(d, sp, r, &v, &w, id);
	if (!rc)
		rc = petition_accept(d, sp, r, &w, *id, &due);
	if (rc)
		return rc;
	/* the draft leaves room for the legal review (up to 6 working
	 * days) and the sign-off (up to 2) before the limit */
	delay = sp->extend ? 8 + demo_rnd(r, 12) : 5 + demo_rnd(r, 22);
	while (delay > 1 && demo_working_after(d->cal, w.day, delay + 8) > due)
		delay--;
	step(d->cal, r, &w, delay);
	reply = text_of(t->reply[v.k], &v);
	rc = act(d, &d->clerk[t->unit], &w, *id, "draft_reply",
		 json_pack("{s:s,s:s}", "reply_text", reply, "outcome",
			   t->outcome));
	if (!rc && sp->legal)
		rc = petition_legal(d, sp, r, &w, *id, reply);
	free(reply);
	step(d->cal, r, &w, 1 + demo_rnd(r, 2));
	if (!rc)
		rc = act(d, &d->head[t->unit], &w, *id, "approve_reply",
			 json_pack("{s:s}", "approval_note",
				   "同意，按拟办意见答复。"));
	step(d->cal, r, &w, demo_rnd(r, 2));
	if (!rc)
		rc = act(d, &d->officer, &w, *id, "close",
			 json_pack("{s:s}", "close_note",
				   "已书面答复信访人，事项办结。"));
	/* Nobody asked for a review within the 30 days: the office files
	 * the case, which makes it final (and starts its retention). */
	w.day = demo_working_after(d->cal, w.day + 30, 2 + demo_rnd(r, 3));
	if (!rc)
		rc = act(d, &d->officer, &w, *id, "archive",
			 json_pack("{s:s}", "close_note",
				   "复查请求期限届满，信访人未请求复查，"
				   "归档。"));
	return rc;
}

/* ---- one hotline ticket ---- */

static int hotline_register(struct demo *d, const struct spec *sp,
			    const struct vars *v, const struct when *w,
			    int64_t *id)
{
	const struct topic *t = &topics[sp->topic];
	char *title = text_of(t->title[v->k], v);
	char *content = text_of(t->content[v->k], v);
	char *where = xasprintf("新昌高新园区%s附近", v->road);
	json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s}", "request_type",
			      t->type, "channel", sp->channel, "title", title,
			      "content", content, "location", where);

	free(title);
	free(content);
	free(where);
	return create(d, &d->officer, w, "hotline", f, id);
}

/* 派单, and for a misdirected ticket 退回 and the new 派单. */
static int hotline_dispatch(struct demo *d, const struct spec *sp,
			    struct demo_rng *r, struct when *w, int64_t id)
{
	int u = topics[sp->topic].unit;
	int first = sp->ret ? (u + 1 + demo_rnd(r, NUNITS - 1)) % NUNITS : u;
	json_t *f = json_pack("{s:I,s:s}", "dept", (json_int_t)d->dept[first],
			      "dispatch_note", "请按时限办理并答复来电人。");
	char *why;
	int rc;

	if (sp->co)
		json_object_set_new(f, "co_depts", json_pack("[I]",
			(json_int_t)d->dept[(u + 1 + demo_rnd(r, NUNITS - 1)) %
					     NUNITS]));
	step(d->cal, r, w, 0);
	rc = act(d, &d->officer, w, id, "dispatch", f);
	if (rc || !sp->ret)
		return rc;
	why = xasprintf("该诉求不属于本单位职责范围，请改派%s办理。",
			units[u].name);
	step(d->cal, r, w, demo_rnd(r, 2));
	rc = act(d, &d->clerk[first], w, id, "return",
		 json_pack("{s:s}", "return_reason", why));
	free(why);
	step(d->cal, r, w, 0);
	if (!rc)
		rc = act(d, &d->officer, w, id, "dispatch",
			 json_pack("{s:I,s:s}", "dept",
				   (json_int_t)d->dept[u], "dispatch_note",
				   "经核实，改派承办单位办理。"));
	return rc;
}

/* 签收, the extension if any, and 答复 before the (extended) limit that
 * began on `reg`. */
static int hotline_handle(struct demo *d, const struct spec *sp,
			  struct demo_rng *r, struct when *w, int64_t id,
			  cal_day reg, const struct vars *v)
{
	const struct topic *t = &topics[sp->topic];
	const struct wf_clock *c = workflow_find("hotline", 0)->primary;
	int len = wf_clock_length(c, t->type), ext = 5 + demo_rnd(r, 6), lo = 0;
	cal_day due = due_day(d->cal, reg, len, CAL_WORKING_DAYS);
	char *text;
	int rc;

	step(d->cal, r, w, w->day < due ? demo_rnd(r, 2) : 0);
	rc = act(d, &d->clerk[t->unit], w, id, "accept",
		 json_pack("{s:s,s:I}", "accept_note", "已签收，安排专人办理。",
			   "assignee",
			   (json_int_t)d->clerk[t->unit].actor.id));
	if (!rc && sp->extend) {
		text = xasprintf("需现场勘查并协调相关单位，申请延期%d个工作"
				 "日。", ext);
		step(d->cal, r, w, 0);
		rc = act(d, &d->officer, w, id, "extend",
			 json_pack("{s:s,s:i}", "extension_reason", text,
				   "extension_days", ext));
		free(text);
		lo = working_between(d->cal, w->day, due) + 1;
		due = due_day(d->cal, reg, len + ext, CAL_WORKING_DAYS);
	}
	if (rc)
		return rc;
	step(d->cal, r, w,
	     lo + demo_rnd(r, working_between(d->cal, w->day, due) - lo + 1));
	text = text_of(t->reply[v->k], v);
	rc = act(d, demo_chance(r, 80) ? &d->clerk[t->unit] : &d->head[t->unit],
		 w, id, "reply", json_pack("{s:s}", "reply_text", text));
	free(text);
	return rc;
}

/* 回访 with the caller's rating, then 办结. */
static int hotline_callback(struct demo *d, struct demo_rng *r, struct when *w,
			    int64_t id)
{
	int roll = demo_rnd(r, 100);
	const char *sat = roll < 82 ? "satisfied" : roll < 97 ?
			  "basically_satisfied" : "unsatisfied";
	const char *note = roll < 82 ? "来电人对办理结果表示满意。" :
			   roll < 97 ? "来电人表示基本满意，希望今后加强日常"
			   "管理。" : "来电人对办理结果不满意，已做好解释工作，"
			   "并告知可通过其他法定途径反映。";
	int rc;

	step(d->cal, r, w, 1 + demo_rnd(r, 2));
	rc = act(d, &d->officer, w, id, "callback",
		 json_pack("{s:s,s:s}", "satisfaction", sat, "callback_note",
			   note));
	step(d->cal, r, w, 0);
	if (!rc)
		rc = act(d, &d->officer, w, id, "close",
			 json_pack("{s:s}", "close_note",
				   "已答复并回访，工单办结。"));
	return rc;
}

static int run_hotline(struct demo *d, const struct spec *sp,
		       struct demo_rng *r, int64_t *id)
{
	struct when w = { sp->day, sp->minute };
	struct vars v;
	int rc;

	vars_init(&v, r, strcmp(sp->channel, "phone") ? "网民" : "来电人");
	rc = hotline_register(d, sp, &v, &w, id);
	if (!rc)
		rc = hotline_dispatch(d, sp, r, &w, *id);
	if (!rc)
		rc = hotline_handle(d, sp, r, &w, *id, sp->day, &v);
	if (!rc)
		rc = hotline_callback(d, r, &w, *id);
	return rc;
}

/* ---- a year ---- */

struct specs {
	struct spec *v;
	size_t n;
	cal_day *days;              /* the working days of the year */
	size_t ndays;
};

static int pick_topic(struct demo_rng *r, const char *channel, bool hotline)
{
	int total = 0, roll;
	size_t i;

	if (strcmp(channel, "safe_construction") == 0)
		return DEMO_PICK(r, safe_topics);
	if (strcmp(channel, "leader_instruction") == 0)
		return DEMO_PICK(r, leader_topics);
	for (i = 0; i < ARRAY_SIZE(topics); i++)
		total += hotline ? topics[i].wh : topics[i].wp;
	roll = demo_rnd(r, total);
	for (i = 0; i < ARRAY_SIZE(topics); i++) {
		roll -= hotline ? topics[i].wh : topics[i].wp;
		if (roll < 0)
			break;
	}
	return (int)i;
}

static const char *hotline_channel(struct demo_rng *r)
{
	static const char *const others[] = { "web", "app", "wechat" };

	return demo_chance(r, 82) ? "phone" : DEMO_PICK(r, others);
}

static void add_specs(struct specs *s, struct demo_rng *r, const char *channel,
		      int count, bool hotline)
{
	int i;

	for (i = 0; i < count; i++) {
		struct spec *sp = &s->v[s->n++];

		memset(sp, 0, sizeof(*sp));
		sp->day = s->days[demo_rnd(r, (int)s->ndays)];
		sp->minute = DAY_START + demo_rnd(r, REG_LAST - DAY_START);
		sp->hotline = hotline;
		sp->channel = hotline ? hotline_channel(r) : channel;
		sp->topic = pick_topic(r, channel, hotline);
		sp->extend = demo_chance(r, hotline ? 4 : 3);
		sp->ret = hotline && strcmp(topics[sp->topic].type,
					    "consult") && demo_chance(r, 5);
		sp->co = hotline && demo_chance(r, 6);
		sp->seed = demo_rng_next(r);
	}
}

/* Mark `n` petitions on matters a lawyer would read, received early
 * enough for the review to fall in the same year. */
static int mark_legal(struct specs *s, struct demo_rng *r, int year, int n)
{
	char last[11];
	cal_day limit;
	long tries = 0;

	snprintf(last, sizeof(last), "%04d-10-15", year);
	if (cal_parse(last, &limit))
		return FZ_ERR;
	while (n > 0 && tries++ < 1000000) {
		struct spec *sp = &s->v[demo_rnd(r, (int)s->n)];

		if (sp->hotline || sp->legal || !topics[sp->topic].legal ||
		    sp->day > limit)
			continue;
		sp->legal = true;
		n--;
	}
	return n ? FZ_ERR : 0;
}

static int by_time(const void *pa, const void *pb)
{
	const struct spec *a = pa, *b = pb;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if (a->minute != b->minute)
		return a->minute < b->minute ? -1 : 1;
	return a->seed < b->seed ? -1 : a->seed > b->seed;
}

static void specs_release(struct specs *s)
{
	free(s->v);
	free(s->days);
	memset(s, 0, sizeof(*s));
}

static int total_of(const struct year_plan *p)
{
	return p->letter + p->hotline + p->leader + p->visit + p->online +
	       p->safe;
}

/* Every case of the year, in the order they were received. */
static int plan_year(const struct calendar *cal, const struct year_plan *p,
		     struct specs *s)
{
	struct demo_rng r = { p->seed };
	char first[11];
	cal_day d, start;

	memset(s, 0, sizeof(*s));
	snprintf(first, sizeof(first), "%04d-01-01", p->year);
	if (cal_parse(first, &start))
		return FZ_ERR;
	s->days = xcalloc(366, sizeof(*s->days));
	for (d = start; d < start + 366; d++) {
		char ymd[11];

		cal_format(d, ymd);
		if (strncmp(ymd, first, 4) == 0 &&
		    calendar_is_working(cal, d))
			s->days[s->ndays++] = d;
	}
	s->v = xcalloc((size_t)total_of(p), sizeof(*s->v));
	add_specs(s, &r, "letter", p->letter, false);
	add_specs(s, &r, "leader_instruction", p->leader, false);
	add_specs(s, &r, "visit", p->visit, false);
	add_specs(s, &r, "online", p->online, false);
	add_specs(s, &r, "safe_construction", p->safe, false);
	add_specs(s, &r, "hotline", p->hotline, true);
	if (mark_legal(s, &r, p->year, p->legal))
		return error("demo %d: too few petitions for the legal "
			     "reviews", p->year);
	qsort(s->v, s->n, sizeof(*s->v), by_time);
	return 0;
}

static int run_year(struct demo *d, const struct year_plan *p)
{
	struct specs s;
	size_t i;
	int rc = plan_year(d->cal, p, &s);

	/* The engine joins the open transaction: a batch of cases, their
	 * events and petitioners commit together, which makes the demo
	 * many times faster than a commit per action. */
	d->year = p->year;
	if (rc == 0)
		rc = db_begin(d->db);
	for (i = 0; rc == 0 && i < s.n; i++) {
		const struct spec *sp = &s.v[i];
		struct demo_rng r = { sp->seed };
		struct when w = { sp->day, sp->minute };
		int64_t id = 0;

		rc = sp->hotline ? run_hotline(d, sp, &r, &id) :
		     run_petition(d, sp, &r, &id);
		if (rc == 0)
			rc = add_party(d, &r, !sp->hotline, id,
				       when_time(&w));
		if (rc == 0 && (i + 1) % CASE_BATCH == 0)
			rc = next_batch(d, rc, true);
	}
	if (db_in_tx(d->db))
		rc = next_batch(d, rc, false);
	specs_release(&s);
	return rc;
}

/* ---- setting up ---- */

/* The desk's procedures. */
static const char *const procs[] = { "petition", "hotline", NULL };

/* Whether the desk has any case registered in `year`. */
static int year_present(struct db *db, int year, bool *present)
{
	size_t i;
	int rc = 0;

	*present = false;
	for (i = 0; rc == 0 && procs[i] && !*present; i++)
		rc = demo_year_present(db, procs[i], year, present);
	return rc;
}

/* Create a handling department's clerk or head when missing. */
static int ensure_staff(struct db *db, const struct actor *who,
			const char *login, const char *name,
			const char *dept, enum role role)
{
	struct fz_err err = { 0 };
	char pw[21];
	struct user_spec spec = {
		.login = login, .display_name = name,
		.dept_id = dept_find(db, dept), .kind = "staff",
		.roles = (roleset)1 << role, .must_change = true,
	};
	int64_t id = account_find(db, login);
	int rc;

	if (id < 0 || spec.dept_id <= 0)
		return error("demo: department %s: %s", dept, db_errmsg(db));
	if (id > 0)
		return 0;
	password_generate(pw);
	rc = account_create(db, who, &spec, pw, NULL, &err);
	memset(pw, 0, sizeof(pw));
	return rc ? error("demo account %s: %s", login, err.msg) : 0;
}

/* An actor from a demo account: its id, role and department, which
 * every one acting on the desk's cases must have (cases are assigned to
 * departments). */
static int staff_of(struct db *db, const char *login, enum role role,
		    struct demo_staff *s)
{
	int rc = demo_staff_of(db, login, role, s);

	if (rc == 0 && s->dept_id <= 0)
		return error("demo: account %s has no department", login);
	return rc;
}

static int prepare_staff(struct demo *d)
{
	struct actor who;
	size_t i;
	int rc = 0;

	cli_actor(&who);
	for (i = 0; rc == 0 && i < NUNITS; i++) {
		const struct unit *u = &units[i];

		if (u->clerk_name)
			rc = ensure_staff(d->db, &who, u->clerk,
					  u->clerk_name, u->code, ROLE_CLERK);
		if (rc == 0 && u->head_name)
			rc = ensure_staff(d->db, &who, u->head, u->head_name,
					  u->code, ROLE_DEPT_HEAD);
		if (rc == 0)
			rc = staff_of(d->db, u->clerk, ROLE_CLERK,
				      &d->clerk[i]);
		if (rc == 0)
			rc = staff_of(d->db, u->head, ROLE_DEPT_HEAD,
				      &d->head[i]);
		d->dept[i] = d->clerk[i].dept_id;
	}
	if (rc == 0)
		rc = staff_of(d->db, "petition", ROLE_PETITION_OFFICER,
			      &d->officer);
	if (rc == 0)
		rc = staff_of(d->db, "leader", ROLE_LEADER, &d->leader);
	if (rc == 0)
		rc = staff_of(d->db, "lawyer", ROLE_LEGAL_ADVISER,
			      &d->lawyer);
	return rc;
}

int demo_cases(struct app *a, struct db *db, bool quiet)
{
	struct demo_env env;
	struct demo d;
	bool present[ARRAY_SIZE(plans)] = { false };
	bool any = false;
	size_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	d.db = db;
	d.kr = a->keyring;
	rc = demo_env_open(a, procs, &env);
	d.cal = env.cal;
	for (i = 0; rc == 0 && i < ARRAY_SIZE(plans); i++) {
		rc = year_present(db, plans[i].year, &present[i]);
		any |= !present[i];
	}
	if (rc == 0 && any)
		rc = prepare_staff(&d);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(plans); i++) {
		if (!present[i])
			rc = run_year(&d, &plans[i]);
		if (rc == 0 && !quiet && present[i])
			printf("%d: already present\n", plans[i].year);
		else if (rc == 0 && !quiet)
			printf("%d: %d cases created\n", plans[i].year,
			       total_of(&plans[i]));
	}
	demo_env_close(&env);
	return rc < 0 ? rc : 0;
}
