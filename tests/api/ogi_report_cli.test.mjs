// ogi_report_cli.test.mjs: `fazhi report ogi --year YYYY` — the annual
// report on government information disclosure as plain text: table 三
// follows the applications entered on the desk (each in its applicant's
// column and its outcome's row), the identities hold, and a missing or
// bad --year is a usage error.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { backends, startServer, loginAs, fazhiBin } from './lib/harness.mjs';
import { day } from './lib/fixtures.mjs';

const COLS = ['自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构',
	'其他', '总计'];

function text(html) {
	return html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&');
}

// Table 三 of the report's text: the row's label cells joined by '|'
// (empty ones left out) → its seven figures.
function table3(out) {
	const lines = out.split('\n');
	const start = lines.indexOf('三、收到和处理政府信息公开申请情况');
	const end = lines.indexOf('四、政府信息公开行政复议、行政诉讼情况');
	assert.ok(start >= 0 && end > start, out);
	const t = new Map();
	for (const line of lines.slice(start + 1, end)) {
		const cells = line.split('\t');
		if (cells.length !== 10 || !/^\d+$/.test(cells[9]))
			continue;
		t.set(cells.slice(0, 3).filter(Boolean).join('|'),
			cells.slice(3).map(Number));
	}
	assert.equal(t.size, 25, out);
	return t;
}

function report(srv, year) {
	const r = srv.run(['report', 'ogi', '--year', String(year)]);
	assert.equal(r.code, 0, r.stderr);
	return { out: r.stdout, t: table3(r.stdout) };
}

// Staff register an application received today.
async function register(c, srv, type) {
	await c.get('/petitions/new?procedure=disclosure');
	const r = await c.post('/petitions', { csrf: c.csrf(),
		procedure: 'disclosure', channel: 'letter',
		applicant_type: type, title: '园区企业安全生产检查记录',
		description: '申请获取园区企业安全生产检查记录。',
		received_date: day(srv), p_name: '周海', p_phone: '13705751234' });
	assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
	return Number(/\/petitions\/(\d+)$/.exec(r.headers.get('location'))[1]);
}

async function act(c, id, action, fields) {
	await c.get(`/petitions/${id}`);
	const r = await c.post(`/api/v1/cases/${id}/actions/${action}`,
		{ fields }, { json: true, headers: { 'x-csrf-token': c.csrf() } });
	assert.ok(r.status < 300, `${action}: ${r.status} ${r.bodyText}`);
}

function delta(after, before, key) {
	assert.ok(after.has(key) && before.has(key), key);
	return after.get(key).map((v, i) => v - before.get(key)[i]);
}

describe('fazhi report ogi: usage', () => {
	const fazhi = (args) => spawnSync(fazhiBin(), args,
		{ encoding: 'utf8', input: '' });

	it('wants --year, a year the report covers', () => {
		for (const args of [['report', 'ogi'],
			['report', 'ogi', '--year', 'abc'],
			['report', 'ogi', '--year', '1999'],
			['report', 'ogi', '--year', '2022', '--by', 'dept']]) {
			const r = fazhi(args);
			assert.equal(r.status, 2, args.join(' '));
			assert.match(r.stderr, /fazhi report: .*(year|--by)/,
				args.join(' '));
		}
		const h = fazhi(['report', '--help']);
		assert.equal(h.status, 0);
		assert.match(h.stdout, /fazhi report ogi --year YYYY/);
	});
});

for (const backend of backends()) {
describe(`fazhi report ogi (${backend})`, () => {
	let srv, ogi;

	before(async () => {
		srv = await startServer({ backend });
		ogi = await loginAs(srv, 'ogi');
	});
	after(async () => { await srv?.stop(); });

	it('counts the applications in their columns and rows', async () => {
		const year = Number(day(srv).slice(0, 4));
		const before = report(srv, year);

		const nat = await register(ogi, srv, 'natural');
		await act(ogi, nat, 'reply', { reply_type: 'disclose',
			reply_text: '予以公开。' });
		const biz = await register(ogi, srv, 'business');
		await act(ogi, biz, 'reply', { reply_type: 'withhold_third_party',
			reply_text: '涉及商业秘密，不予公开。' });
		const res = await register(ogi, srv, 'research');
		await act(ogi, res, 'withdraw', { withdraw_reason: '申请人撤回' });
		await register(ogi, srv, 'legal_service');

		const { out, t } = report(srv, year);
		assert.match(out, new RegExp(`^.*${year}年政府信息公开工作年度报告$`,
			'm'));
		for (const h of ['一、总体情况', '二、主动公开政府信息情况',
			'三、收到和处理政府信息公开申请情况',
			'四、政府信息公开行政复议、行政诉讼情况',
			'五、存在的主要问题及改进情况', '六、其他需要报告的事项'])
			assert.match(out, new RegExp(`^${h}$`, 'm'), h);
		assert.match(out, new RegExp('^\\t\\t\\t' + COLS.join('\\t') + '$',
			'm'));
		assert.deepEqual(delta(t, before.t, '一、本年新收政府信息公开申请数量'),
			[1, 1, 1, 0, 1, 0, 4]);
		assert.deepEqual(delta(t, before.t, '三、本年度办理结果|（一）予以公开'),
			[1, 0, 0, 0, 0, 0, 1]);
		assert.deepEqual(delta(t, before.t,
			'三、本年度办理结果|（三）不予公开|4.保护第三方合法权益'),
		[0, 1, 0, 0, 0, 0, 1]);
		assert.deepEqual(delta(t, before.t,
			'三、本年度办理结果|（六）其他处理|3.其他'),
		[0, 0, 1, 0, 0, 0, 1]);
		assert.deepEqual(delta(t, before.t, '三、本年度办理结果|（七）总计'),
			[1, 1, 1, 0, 0, 0, 3]);
		assert.deepEqual(delta(t, before.t, '四、结转下年度继续办理'),
			[0, 0, 0, 0, 1, 0, 1]);
		// 一 + 二 = （七） + 四 in every column
		for (let i = 0; i < COLS.length; i++)
			assert.equal(t.get('一、本年新收政府信息公开申请数量')[i] +
				t.get('二、上年结转政府信息公开申请数量')[i],
			t.get('三、本年度办理结果|（七）总计')[i] +
				t.get('四、结转下年度继续办理')[i], COLS[i]);

		// next year: the open one is carried in
		const next = report(srv, year + 1).t;
		assert.ok(next.get('二、上年结转政府信息公开申请数量')[4] >= 1);
	});

	it('says on stderr when the records break table 三', async () => {
		// a case finished before it was received: a fault in the records
		const year = Number(day(srv).slice(0, 4));
		const id = await register(ogi, srv, 'other_org');
		await act(ogi, id, 'reply', { reply_type: 'disclose',
			reply_text: '予以公开。' });
		const { sql } = await import('./lib/sql.mjs');
		const q = sql(srv, `UPDATE case_events SET fields = ` +
			`'{"received_date":"${year + 1}-01-02"}' WHERE case_id = ${id} ` +
			'AND seq = 1');
		assert.equal(q.code, 0, q.err);
		const r = srv.run(['report', 'ogi', '--year', String(year)]);
		assert.equal(r.code, 1);
		assert.match(r.stdout, /三、收到和处理政府信息公开申请情况/);
		assert.match(r.stderr, /表三勾稽关系不成立：其他：一\+二=\d+，（七）\+四=\d+/);
	});
});
}
