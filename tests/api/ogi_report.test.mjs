// ogi_report.test.mjs: the annual report on government information
// disclosure (政府信息公开工作年度报告) — the page with the national
// format's exact labels and merged headers, each figure of table 三
// linked to the applications it counts, the hand-entered cells saved
// whole or not at all, the settings for the unconfirmed readings, the
// workbook, and the report drafted, reviewed, approved and published to
// the portal with its tables; who may see and do what; bad parameters.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, loginAs, Client } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';

// Today in China Standard Time, and its year.
function today() {
	return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}
const YEAR = Number(today().slice(0, 4));

function text(html) {
	return html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&')
		.replace(/\s+/g, ' ');
}

async function page(c, path, status = 200) {
	const r = await c.get(path);
	assert.equal(r.status, status, `${path}: ${r.status}\n` +
		text(r.bodyText).slice(0, 1500));
	return r.bodyText;
}

function count(srv, q) {
	const r = sql(srv, `SELECT COUNT(*) ${q}`);
	assert.equal(r.code, 0, r.err);
	return Number(r.out);
}

// An application registered on the desk and answered with `replyType`.
async function application(c, replyType) {
	await page(c, '/petitions/new?procedure=disclosure');
	let r = await c.post('/petitions', { csrf: c.csrf(),
		procedure: 'disclosure', channel: 'letter',
		applicant_type: 'natural', title: '园区道路改造工程招标文件',
		description: '申请获取园区道路改造工程的招标文件。',
		received_date: today(), p_name: '周海', p_phone: '13705751234' });
	assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
	const id = Number(/\/petitions\/(\d+)$/.exec(
		r.headers.get('location'))[1]);
	await page(c, `/petitions/${id}`);
	r = await c.post(`/petitions/${id}/actions/reply`, { csrf: c.csrf(),
		reply_type: replyType, reply_text: '经审查，答复如下。' });
	assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
	return id;
}

// The ids of the cases the figure at (row, col) lists.
async function listed(c, row, col) {
	const html = await page(c,
		`/ogi/report/cases?year=${YEAR}&row=${row}&col=${col}`);
	return [...html.matchAll(/href="\/petitions\/(\d+)"/g)]
		.map((m) => Number(m[1]));
}

// A form of the page at `path`, posted with its CSRF token.
async function postForm(c, path, action, fields) {
	await page(c, path);
	return c.post(action, { csrf: c.csrf(), ...fields });
}

function bearer(srv, login) {
	const r = srv.run(['user', 'token', login, `年报测试-${Date.now()}`]);
	assert.equal(r.code, 0, r.stderr);
	return /^token: (\S+)$/m.exec(r.stdout)[1];
}

// An item's action through the API as `login`.
async function pubAct(srv, login, id, action, fields = {}) {
	const c = new Client(srv.url);
	const r = await c.post(`/api/v1/publications/${id}/actions/${action}`,
		{ fields }, { json: true, origin: null, headers: {
			authorization: `Bearer ${bearer(srv, login)}` } });
	assert.equal(r.status, 200, `${action}: ${r.bodyText}`);
	return r.json();
}

// Table 四's cells as form fields, every group's total right.
function t4(values) {
	const f = {};
	for (let g = 0; g < 3; g++) {
		const v = values[g] ?? [0, 0, 0, 0];
		v.forEach((x, k) => { f[`t4_${g * 5 + k}`] = String(x); });
		f[`t4_${g * 5 + 4}`] = String(v.reduce((a, b) => a + b, 0));
	}
	return f;
}

const ROW = { NEW: 0, DISCLOSE: 2, OTHER: 22, DONE: 23 };
const COL = { NATURAL: 0, TOTAL: 6 };

for (const backend of backends()) {
describe(`the annual report on government information disclosure (${
	backend})`, () => {
	let srv, ogi, head, leader, clerk, secrecy, first;

	before(async () => {
		srv = await startServer({ backend });
		ogi = await loginAs(srv, 'ogi');
		head = await loginAs(srv, 'depthead');
		leader = await loginAs(srv, 'leader');
		clerk = await loginAs(srv, 'clerk');
		secrecy = await loginAs(srv, 'secrecy');
	});
	after(async () => { await srv?.stop(); });

	it('the page has the national format\'s exact labels and merged ' +
	'headers', async () => {
		const html = await page(ogi, `/ogi/report?year=${YEAR}`);
		for (const h of ['一、总体情况', '二、主动公开政府信息情况',
			'三、收到和处理政府信息公开申请情况',
			'四、政府信息公开行政复议、行政诉讼情况',
			'五、存在的主要问题及改进情况', '六、其他需要报告的事项'])
			assert.match(html, new RegExp(`<h3 id="gi-s\\d">${h}</h3>`));
		// table 二: four blocks, each under its full-width caption row
		for (const b of ['第二十条第（一）项', '第二十条第（五）项',
			'第二十条第（六）项', '第二十条第（八）项'])
			assert.match(html, new RegExp(`<th colspan="4" ` +
				`scope="rowgroup" id="gi2-b\\d" class="gi-block">${b}`));
		for (const l of ['信息内容', '本年制发件数', '本年废止件数',
			'现行有效件数', '本年处理决定数量',
			'本年收费金额（单位：万元）', '规章', '行政规范性文件',
			'行政许可', '行政处罚', '行政强制', '行政事业性收费'])
			assert.ok(html.includes(`>${l}</th>`), l);
		// table 三: the corner cell, the applicant columns
		assert.match(html, /<td colspan="3" rowspan="3" class="gi-corner[^"]*">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）<\/td>/);
		assert.match(html, /<th colspan="7" scope="colgroup" id="gi3-app">申请人情况<\/th>/);
		assert.match(html, /<th rowspan="2" scope="col" id="gi3-c0" headers="gi3-app">自然人<\/th><th colspan="5" scope="colgroup" id="gi3-org" headers="gi3-app">法人或其他组织<\/th><th rowspan="2" scope="col" id="gi3-c6" headers="gi3-app">总计<\/th>/);
		const subtypes = [...html.matchAll(
			/headers="gi3-app gi3-org">([^<]+)<\/th>/g)].map((m) => m[1]);
		assert.deepEqual(subtypes, ['商业企业', '科研机构', '社会公益组织',
			'法律服务机构', '其他']);
		// its rows, group cells merged over their rows
		assert.match(html, /<th rowspan="22" scope="rowgroup" id="gi3-top">三、本年度办理结果<\/th>/);
		for (const [g, n] of [['（三）不予公开', 8], ['（四）无法提供', 3],
			['（五）不予处理', 5], ['（六）其他处理', 3]])
			assert.match(html, new RegExp(`<th rowspan="${n}" ` +
				`scope="rowgroup" id="gi3-g\\d+" ` +
				`headers="gi3-top">${g}</th>`));
		for (const l of ['一、本年新收政府信息公开申请数量',
			'二、上年结转政府信息公开申请数量', '（一）予以公开',
			'（二）部分公开（区分处理的，只计这一情形，不计其他情形）',
			'1.属于国家秘密', '2.其他法律行政法规禁止公开',
			'3.危及“三安全一稳定”', '4.保护第三方合法权益',
			'5.属于三类内部事务信息', '6.属于四类过程性信息',
			'7.属于行政执法案卷', '8.属于行政查询事项',
			'1.本机关不掌握相关政府信息', '2.没有现成信息需要另行制作',
			'3.补正后申请内容仍不明确', '1.信访举报投诉类申请',
			'2.重复申请', '3.要求提供公开出版物',
			'4.无正当理由大量反复申请',
			'5.要求行政机关确认或重新出具已获取信息',
			'1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
			'2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
			'3.其他', '（七）总计', '四、结转下年度继续办理'])
			assert.match(html, new RegExp(`scope="row" id="gi3-r\\d+"` +
				`[^>]*>${l.replace(/[()（）.]/g, '\\$&')}</th>`), l);
		// table 四: three header rows
		assert.match(html, /<th colspan="5" scope="colgroup" id="gi4-rev">行政复议<\/th><th colspan="10" scope="colgroup" id="gi4-lit">行政诉讼<\/th>/);
		assert.match(html, /<th colspan="5" scope="colgroup" id="gi4-direct" headers="gi4-lit">未经复议直接起诉<\/th><th colspan="5" scope="colgroup" id="gi4-after" headers="gi4-lit">复议后起诉<\/th>/);
		assert.equal((html.match(/>结果维持<\/th>/g) ?? []).length, 3);
		// each table scrolls in a labelled region of its own
		assert.equal((html.match(/<div class="table-wrap" role="region" tabindex="0" aria-labelledby="gi\d-cap">/g) ?? []).length, 3);
	});

	it('a figure of table 三 links to the application it counts',
	async () => {
		first = await application(ogi, 'disclose');
		const html = await page(ogi, `/ogi/report?year=${YEAR}`);
		const href = `/ogi/report/cases?year=${YEAR}&amp;row=${
			ROW.DISCLOSE}&amp;col=${COL.NATURAL}`;
		assert.ok(html.includes(`href="${href}"`), 'no link to the cases');
		assert.deepEqual(await listed(ogi, ROW.DISCLOSE, COL.NATURAL),
			[first]);
		assert.deepEqual(await listed(ogi, ROW.NEW, COL.TOTAL), [first]);
		assert.deepEqual(await listed(ogi, ROW.OTHER, COL.NATURAL), []);
		assert.doesNotMatch(html, /gi-check/);
	});

	it('inputs are saved whole; a refusal keeps what was typed and ' +
	'changes nothing', async () => {
		const path = `/ogi/report/inputs?year=${YEAR}`;
		const stored = () => count(srv, `FROM gi_inputs WHERE year = ${
			YEAR}`);
		const good = { rules0: '2', rules1: '0', rules2: '15',
			norms0: '3', norms1: '1', norms2: '27', penalties: '4',
			coercion: '0', fees: '12.5', info_fee: '0',
			text0: '全年围绕园区中心工作主动公开信息。\r\n坚持先审查、后公开。',
			text5: '公开内容的深度有待加强。', ...t4([[1, 0, 0, 1]]) };
		const before = stored();
		// table 四's total is not the sum of the four before it
		let r = await postForm(ogi, path, path, { ...good, t4_4: '5' });
		assert.equal(r.status, 400);
		assert.match(text(r.bodyText), /总计/);
		assert.match(r.bodyText, /value="5"/);
		assert.match(r.bodyText, /全年围绕园区中心工作主动公开信息/);
		assert.equal(stored(), before);
		// not a number: named, marked and kept
		r = await postForm(ogi, path, path, { ...good, rules0: '两件' });
		assert.equal(r.status, 400);
		assert.match(text(r.bodyText), /规章·本年制发件数/);
		assert.match(r.bodyText, /name="rules0" type="text" inputmode="numeric" maxlength="20" value="两件" aria-invalid="true"/);
		assert.equal(stored(), before);

		r = await postForm(ogi, path, path, good);
		assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
		assert.equal(r.headers.get('location'), `/ogi/report?year=${YEAR}`);
		const html = await page(ogi, `/ogi/report?year=${YEAR}`);
		assert.match(html, /headers="gi2-b0 gi2-b0-3 gi2-r1">27<\/td>/);
		assert.match(html, /headers="gi2-b3 gi2-b3-1 gi2-r5" colspan="3">12\.5<\/td>/);
		assert.match(html, /<p>全年围绕园区中心工作主动公开信息。<\/p><p>坚持先审查、后公开。<\/p>/);
		assert.match(html, /<p>公开内容的深度有待加强。<\/p>/);
		assert.match(html, /headers="gi4-rev gi4-c4">2<\/td>/);
		// and the form shows what was saved
		const form = await page(ogi, path);
		assert.match(form, /name="fees" type="text" inputmode="decimal" maxlength="20" value="12.5"/);
	});

	it('the settings change the heading of 五 and where already-public ' +
	'replies count', async () => {
		const ap = await application(ogi, 'already_public');
		assert.deepEqual(await listed(ogi, ROW.DISCLOSE, COL.NATURAL),
			[first, ap]);
		const path = '/ogi/report/settings';
		const form = await page(ogi, path);
		assert.match(form, /未经核实/);
		const fields = { heading5: '五、存在问题及改进情况',
			already_public: 'other',
			other_label1: '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
			other_label2: '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
			other_label3: '3.其他', fee_sentence: '1' };
		// a heading that is not one of 五 is refused
		let r = await postForm(ogi, path, path,
			{ ...fields, heading5: '六、其他' });
		assert.equal(r.status, 400);
		r = await postForm(ogi, path, path, fields);
		assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
		const html = await page(ogi, `/ogi/report?year=${YEAR}`);
		assert.match(html, /<h3 id="gi-s5">五、存在问题及改进情况<\/h3>/);
		assert.deepEqual(await listed(ogi, ROW.DISCLOSE, COL.NATURAL),
			[first]);
		assert.deepEqual(await listed(ogi, ROW.OTHER, COL.NATURAL), [ap]);
		assert.deepEqual(await listed(ogi, ROW.DONE, COL.TOTAL),
			[first, ap]);
		// back to the defaults for what follows
		r = await postForm(ogi, path, path, { ...fields,
			heading5: '五、存在的主要问题及改进情况',
			already_public: 'disclose' });
		assert.equal(r.status, 303);
	});

	it('the workbook downloads as an xlsx file', async () => {
		const r = await ogi.get(`/ogi/report.xlsx?year=${YEAR}`);
		assert.equal(r.status, 200, r.bodyText.slice(0, 500));
		assert.match(r.headers.get('content-type'), /spreadsheetml/);
		assert.match(r.headers.get('content-disposition'),
			/^attachment; filename="gi-report-\d{4}\.xlsx"$/);
		assert.equal(r.buffer.subarray(0, 2).toString('latin1'), 'PK');
	});

	it('drafted, reviewed, approved and published, the report is on the ' +
	'portal with its tables', async () => {
		const r = await postForm(ogi, `/ogi/report?year=${YEAR}`,
			`/ogi/report/draft?year=${YEAR}`, {});
		assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
		const id = Number(/^\/publications\/(\d+)$/.exec(
			r.headers.get('location'))[1]);
		const staff = await page(ogi, `/publications/${id}`);
		assert.match(staff, new RegExp(`${YEAR}年政府信息公开工作年度报告`));
		assert.match(await page(ogi, `/ogi/report?year=${YEAR}`),
			new RegExp(`href="/publications/${id}"`));
		// not on the portal before it is published
		const anon = new Client(srv.url);
		assert.equal((await anon.get(`/gk/i/${id}`)).status, 404);
		await pubAct(srv, 'ogi', id, 'submit');
		await pubAct(srv, 'secrecy', id, 'pass_review');
		await pubAct(srv, 'leader', id, 'approve');
		await pubAct(srv, 'ogi', id, 'publish');
		const gk = await page(anon, `/gk/i/${id}`);
		assert.match(gk, /收到和处理政府信息公开申请情况/);
		assert.match(gk, /<th colspan="7" scope="colgroup" id="gi3-app">申请人情况<\/th>/);
		// the figures as frozen: two applications, both disclosed
		assert.match(gk, /headers="gi3-app gi3-c6 gi3-r0">2<\/td>/);
		assert.match(gk, /headers="gi3-app gi3-c6 gi3-top gi3-r2">2<\/td>/);
		assert.match(gk, /headers="gi2-b0 gi2-b0-3 gi2-r1">27<\/td>/);
		assert.match(gk, /全年围绕园区中心工作主动公开信息/);
		// no links to the desk on the portal
		assert.doesNotMatch(gk, /\/ogi\/report\/cases/);
		assert.equal(count(srv, `FROM gi_reports WHERE pub_id = ${id}`), 1);
	});

	it('who may read, who may change; others are refused', async () => {
		for (const c of [head, leader])
			await page(c, `/ogi/report?year=${YEAR}`);
		const ro = await page(head, `/ogi/report?year=${YEAR}`);
		assert.doesNotMatch(ro, /生成公开稿<\/button>/);
		// the way in: 政务公开 links to the report for those who may read
		assert.match(await page(ogi, '/publications'),
			/href="\/ogi\/report">政府信息公开年度报告/);
		assert.doesNotMatch(await page(secrecy, '/publications'),
			/href="\/ogi\/report"/);
		for (const c of [clerk, secrecy]) {
			await page(c, `/ogi/report?year=${YEAR}`, 403);
			await page(c, `/ogi/report.xlsx?year=${YEAR}`, 403);
			await page(c, `/ogi/report/cases?year=${YEAR}&row=0&col=6`,
				403);
		}
		await page(head, `/ogi/report/inputs?year=${YEAR}`, 403);
		await page(head, '/ogi/report/settings', 403);
		const before = count(srv, 'FROM gi_reports');
		let r = await postForm(head, `/ogi/report?year=${YEAR}`,
			`/ogi/report/draft?year=${YEAR}`, {});
		assert.equal(r.status, 403);
		assert.match(text(r.bodyText), /信息公开专员/);
		r = await postForm(head, `/ogi/report?year=${YEAR}`,
			`/ogi/report/inputs?year=${YEAR}`, t4([]));
		assert.equal(r.status, 403);
		assert.equal(count(srv, 'FROM gi_reports'), before);
	});

	it('a bad year, row or column is a 400 page', async () => {
		for (const p of ['/ogi/report?year=abc', '/ogi/report?year=1999',
			'/ogi/report.xlsx?year=20211',
			`/ogi/report/cases?year=${YEAR}&row=99&col=0`,
			`/ogi/report/cases?year=${YEAR}&row=0&col=7`,
			`/ogi/report/cases?year=${YEAR}&row=x&col=0`,
			`/ogi/report/inputs?year=-1`]) {
			const html = await page(ogi, p, 400);
			assert.match(html, /出错了（400）/, p);
		}
	});

	it('the demo\'s report of 2021 was drafted from the records and ' +
	'published', async () => {
		const anon = new Client(srv.url);
		const id = Number(sql(srv, 'SELECT pub_id FROM gi_reports WHERE ' +
			'year = 2021').out);
		assert.ok(id > 0, 'no report of 2021 in the demo');
		const gk = await page(anon, `/gk/i/${id}`);
		assert.match(gk, /新昌高新园区管理委员会2021年政府信息公开工作年度报告/);
		assert.match(gk, /2021年度报告附表/);
		assert.match(text(gk), /在县政府网站政府信息公开专栏发布20条/);
	});
});
}
