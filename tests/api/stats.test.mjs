// stats.test.mjs: the desk's statistics — page, lists, export, command line.
//
// Cases are made through the JSON API at chosen days (the test clock), so
// the figures are known: every figure on the page is checked against the
// story below, against the list it links to, against SQL run on the
// records directly, and against `fazhi report cases`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, Client, loginAs } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';
import { unescape, workbook } from './lib/xlsx.mjs';

const DEPT = 3;         // 经济发展局 of the demo, where clerk and depthead sit

// Move the server's clock to 10:00 China time on `day`.
function at(srv, day) {
	srv.setClock(Math.round((Date.parse(`${day}T02:00:00Z`) - Date.now()) /
		1000));
}

// Signed-in clients per role; sessions do not survive a jump of the
// clock, so a phase starts with fresh ones.
async function phase(srv, day) {
	at(srv, day);
	const cs = {};
	for (const role of ['petition', 'clerk', 'depthead', 'lawyer']) {
		cs[role] = await loginAs(srv, role);
		await cs[role].get('/');
	}
	return cs;
}

async function call(c, path, body) {
	const res = await c.post(path, body, { json: true,
		headers: { 'x-csrf-token': c.csrf() } });
	assert.ok(res.status === 200 || res.status === 201,
		`${path}: ${res.status} ${res.bodyText.slice(0, 500)}`);
	return res.json();
}

function create(cs, procedure, fields) {
	return call(cs.petition, '/api/v1/cases', { procedure, fields,
		petitioner: { name: '张三', phone: '13800138000' } });
}

function act(c, id, action, fields = {}) {
	return call(c, `/api/v1/cases/${id}/actions/${action}`, { fields });
}

async function petition(cs, day, channel) {
	return (await create(cs, 'petition', { channel, title: '道路积水',
		content: '雨后积水，请求疏通。', received_date: day })).id;
}

async function accepted(cs, day, channel) {
	const id = await petition(cs, day, channel);
	await act(cs.petition, id, 'accept', { category: 'claim',
		handling_dept: DEPT });
	return id;
}

// Accepted, assigned, drafted (and reviewed by the legal adviser).
async function drafted(cs, day, channel, legal) {
	const id = await accepted(cs, day, channel);
	await act(cs.petition, id, 'assign', { handling_dept: DEPT });
	await act(cs.clerk, id, 'draft_reply', { reply_text: '已安排疏通。' });
	if (legal) {
		await act(cs.clerk, id, 'request_legal_review',
			{ review_question: '答复是否合法？' });
		await act(cs.lawyer, id, 'legal_opinion',
			{ legal_opinion: '答复合法。' });
	}
	return id;
}

async function signAndClose(cs, id) {
	await act(cs.depthead, id, 'approve_reply');
	await act(cs.petition, id, 'close');
}

async function ticket(cs, type) {
	return (await create(cs, 'hotline', { request_type: type,
		channel: 'phone', title: '噪声扰民', content: '夜间施工噪声' })).id;
}

async function answered(cs, type, rating) {
	const id = await ticket(cs, type);
	await act(cs.petition, id, 'dispatch', { dept: DEPT });
	await act(cs.clerk, id, 'accept');
	await act(cs.clerk, id, 'reply', { reply_text: '已处理。' });
	await act(cs.petition, id, 'callback', { satisfaction: rating });
	await act(cs.petition, id, 'close');
	return id;
}

/*
 * 2025: a letter signed in time; a complaint ticket answered, 满意.
 * 2026 (statistics day 06-30):
 *   a letter accepted 03-02, legal review, signed 03-05: on time
 *   b letter accepted 03-02, signed 06-01: after its limit (05-06)
 *   c visit  accepted 03-02, still open: overdue
 *   d online declined
 *   e consult ticket of 06-29 answered the same day, 不满意
 *   f help ticket of 06-29, open and not yet due
 */
async function story(srv) {
	let cs = await phase(srv, '2025-03-03');
	const l1 = await drafted(cs, '2025-03-03', 'letter', false);
	await signAndClose(cs, l1);
	await answered(cs, 'complaint', 'satisfied');

	cs = await phase(srv, '2026-03-02');
	const a = await drafted(cs, '2026-03-02', 'letter', true);
	const b = await drafted(cs, '2026-03-02', 'letter', false);
	const c = await accepted(cs, '2026-03-02', 'visit');
	const d = await petition(cs, '2026-03-02', 'online');
	await act(cs.petition, d, 'decline', { decline_reason: '不属于受理范围' });
	cs = await phase(srv, '2026-03-05');
	await signAndClose(cs, a);
	cs = await phase(srv, '2026-06-01');
	await signAndClose(cs, b);
	cs = await phase(srv, '2026-06-29');
	const e = await answered(cs, 'consult', 'unsatisfied');
	const f = await ticket(cs, 'help');
	at(srv, '2026-06-30');
	return { a, b, c, d, e, f };
}

// The counts on the page linked to lists of cases: href -> text.  A rate
// links to the list of its numerator, which a count links to as well, so
// rates (ending in %) are left out.
function figureLinks(html) {
	const out = new Map();
	for (const m of html.matchAll(
		/<a href="(\/stats\/cases\/list[^"]*)">([^<]*)<\/a>/g))
		if (!m[2].endsWith('%'))
			out.set(unescape(m[1]), m[2]);
	return out;
}

function listCount(html) {
	const m = /共 (\d+) 件/.exec(html);
	assert.ok(m, 'the list says how many');
	return Number(m[1]);
}

// `fazhi report cases` output: header + rows, split on spaces (the name
// last, possibly with spaces).
function parseReport(out) {
	const lines = out.trim().split('\n');
	const head = lines[0].trim().split(/\s+/);
	return lines.slice(1).map((line) => {
		const parts = line.trim().split(/\s+/);
		const o = {};
		head.forEach((h, i) => {
			o[h] = i === head.length - 1 ?
				parts.slice(i).join(' ') : parts[i];
		});
		return o;
	});
}

for (const backend of backends()) {
describe(`case statistics (${backend})`, () => {
	let srv, ids, page;
	const Q = (s) => `/stats/cases/list?${s}`;

	before(async () => {
		srv = await startServer({ backend });
		ids = await story(srv);
		const po = await loginAs(srv, 'petition');
		page = await po.get('/stats/cases?year=2026');
	});
	after(async () => { await srv?.stop(); });

	it('shows every figure of the story, each linked to its filter', () => {
		assert.equal(page.status, 200);
		const f = figureLinks(page.bodyText);
		const want = {
			'procedure=petition&channel=letter&year=2026': '2',
			'procedure=petition&channel=letter&year=2026&state=closed':
				'2',
			'procedure=petition&channel=letter&year=2026&state=on_time':
				'1',
			'procedure=petition&channel=letter&year=2026&state=legal_review':
				'1',
			'procedure=petition&channel=letter&year=2025': '1',
			'procedure=petition&channel=visit&year=2026&state=overdue':
				'1',
			'procedure=petition&channel=visit&year=2026&state=due': '1',
			'procedure=petition&channel=online&year=2026': '1',
			'procedure=petition&channel=online&year=2026&state=accepted':
				'0',
			'procedure=hotline&year=2026': '2',
			'procedure=hotline&year=2026&state=accepted': '2',
			'procedure=hotline&year=2026&state=due': '1',
			'procedure=hotline&year=2026&state=rated': '1',
			'year=2026': '6',
			'year=2026&state=accepted': '5',
			'year=2026&state=due': '4',
			'year=2026&state=closed': '3',
			'year=2026&state=on_time': '2',
			'year=2026&state=overdue': '1',
			'year=2026&state=legal_review': '1',
			'year=2025': '2',
			'year=2025&state=satisfied': '1',
		};
		for (const [q, v] of Object.entries(want))
			assert.equal(f.get(Q(q)), v, q);
		// Rates link to the cases of their numerator.
		const html = page.bodyText;
		for (const m of html.matchAll(/<a href="([^"]*)">[\d.]+%<\/a>/g))
			assert.ok(f.has(unescape(m[1])), m[1]);
		for (const [q, v] of [
			['year=2026&state=closed', '75.0%'],
			['year=2026&state=on_time', '50.0%'],
			['procedure=petition&channel=letter&year=2026&state=closed',
				'100.0%'],
			['procedure=petition&channel=visit&year=2026&state=closed',
				'0.0%'],
			['procedure=hotline&year=2026&state=satisfied', '0.0%'],
			['procedure=hotline&year=2025&state=satisfied', '100.0%'],
		])
			assert.ok(html.includes(`<a href="${Q(q).replace(/&/g,
				'&amp;')}">${v}</a>`), `${q} ${v}`);
		// Year on year: 6 against 2 cases, and a rate in points.
		assert.match(html, />\+200%</);
		assert.match(html, />\+100%</);
		assert.match(html, />-100\.0<br>个百分点</);
		// The formulas are on the page.
		for (const s of ['办结 ÷ 应办结', '按期办结 ÷ 应办结',
			'（满意 + 基本满意）÷ 参与评价', '（本年 − 上年）÷ 上年'])
			assert.ok(html.includes(s), s);
	});

	it('every figure opens the list of exactly the cases it counts',
	async () => {
		const po = await loginAs(srv, 'petition');
		const links = figureLinks(page.bodyText);
		assert.ok(links.size > 100, `${links.size} figure links`);
		for (const [href, text] of links) {
			const res = await po.get(href);
			assert.equal(res.status, 200, href);
			const n = listCount(res.bodyText);
			if (/state=legal_review/.test(href))
				assert.match(res.bodyText,
					new RegExp(`法律顾问介入 ${text} 次`), href);
			else
				assert.equal(String(n), text, href);
		}
		const overdue = await po.get(Q('year=2026&state=overdue'));
		assert.match(overdue.bodyText,
			new RegExp(`href="/petitions/${ids.c}"`));
		assert.equal(listCount(overdue.bodyText), 1);
		assert.match(overdue.bodyText, /超期未办结/);
	});

	it('the figures agree with SQL on the records', async () => {
		const one = (q) => Number(sql(srv, q).out);
		const f = figureLinks(page.bodyText);
		assert.equal(Number(f.get(Q('year=2026'))), one(
			"SELECT COUNT(*) FROM cases WHERE year = 2026 AND " +
			"proc IN ('petition', 'hotline')"));
		assert.equal(Number(f.get(Q('year=2026&state=closed'))), one(
			'SELECT COUNT(*) FROM cases c JOIN case_clocks k ON ' +
			"k.case_id = c.id AND k.clock_id = 'handling' WHERE " +
			'c.year = 2026 AND k.stopped_day IS NOT NULL AND ' +
			'k.cancelled = 0'));
		assert.equal(Number(f.get(Q('year=2026&state=legal_review'))),
			one('SELECT COUNT(*) FROM case_events e JOIN cases c ON ' +
				'c.id = e.case_id WHERE c.year = 2026 AND ' +
				'e.legal_review = 1'));
		assert.equal(Number(f.get(Q(
			'procedure=petition&channel=letter&year=2026'))), one(
			"SELECT COUNT(*) FROM cases WHERE proc = 'petition' AND " +
			"channel = 'letter' AND year = 2026"));
	});

	it('by department, the handling department\'s rows', async () => {
		const po = await loginAs(srv, 'petition');
		const res = await po.get('/stats/cases?year=2026&by=dept');
		assert.equal(res.status, 200);
		assert.match(res.bodyText, /经济发展局/);
		assert.match(res.bodyText, /信访办公室/);
		const f = figureLinks(res.bodyText);
		// a, b assigned and e dispatched to 3; c, d, f still at the
		// office (f was not dispatched).
		assert.equal(f.get(Q(`dept=${DEPT}&year=2026`)), '3');
		assert.equal(f.get(Q(`dept=${DEPT}&year=2026&state=closed`)), '3');
		assert.equal(f.get(Q('dept=6&year=2026')), '3');
		assert.equal(f.get(Q('dept=6&year=2026&state=overdue')), '1');
		assert.equal(f.get(Q('year=2026')), '6');
	});

	it('the charts get the same figures through a JSON block', async () => {
		const m = /<script type="application\/json" id="stats-data">([^<]*)<\/script>/
			.exec(page.bodyText);
		assert.ok(m, 'the data block');
		const d = JSON.parse(m[1]);
		assert.equal(d.year, 2026);
		assert.equal(d.prev, 2025);
		const letter = d.rows.find((r) => r.label === '信访件');
		assert.deepEqual(letter.received, [2, 1]);
		assert.deepEqual(letter.rates, [100, 50, null]);
		assert.equal(letter.links[0],
			Q('procedure=petition&channel=letter&year=2026'));
		assert.ok(!d.rows.some((r) => r.label === '合计'));
		// No inline script, and the scripts it needs are served.
		assert.doesNotMatch(page.bodyText, /<script>(?!<)/);
		const po = await loginAs(srv, 'petition');
		for (const src of page.bodyText.matchAll(
			/<script src="([^"]+)"/g)) {
			const res = await po.get(unescape(src[1]));
			assert.equal(res.status, 200, src[1]);
		}
		assert.match(page.bodyText, /vendor\/echarts\.min\.js/);
		assert.match(page.bodyText, /js\/stats\.js/);
	});

	it('exports the statistics and the ledger to xlsx, audited', async () => {
		const po = await loginAs(srv, 'petition');
		const before = Number(sql(srv, "SELECT COUNT(*) FROM audit_log " +
			"WHERE action = 'stats.export'").out);
		const x = await po.get('/stats/cases.xlsx?year=2026');
		assert.equal(x.status, 200);
		assert.match(x.headers.get('content-type'), /spreadsheetml/);
		assert.match(x.headers.get('content-disposition'),
			/case-stats-2026\.xlsx/);
		assert.equal(Number(sql(srv, "SELECT COUNT(*) FROM audit_log " +
			"WHERE action = 'stats.export'").out), before + 1);
		const wb = workbook(x.buffer);
		assert.deepEqual(wb.names, ['按来源渠道', '按承办部门', '台账',
			'说明']);
		for (const s of Object.values(wb.sheets))
			assert.doesNotMatch(s.xml, /<f>/, 'no formulas');
		const ch = wb.sheets['按来源渠道'].rows;
		assert.equal(ch[1][0], '来源渠道');
		assert.equal(ch[1][1], '收件（2026年）');
		assert.equal(ch[1][2], '收件（2025年）');
		assert.equal(ch[1][3], '收件同比');
		const total = ch.find((r) => r[0] === '合计');
		assert.equal(total[1], '6');
		assert.equal(total[2], '2');
		assert.equal(Number(total[3]), 2);     // +200%
		const ledger = wb.sheets['台账'].rows;
		assert.deepEqual(ledger[0].slice(0, 8), ['案件编号', '来源渠道',
			'收件日期', '承办部门', '办理状态', '办理期限截止日',
			'办结日期', '是否按期']);
		assert.equal(ledger.length, 1 + 6);
		const a = ledger.find((r) => r[0] === '新高信〔2026〕0001号');
		assert.equal(a[1], '信访件');
		assert.equal(a[3], '经济发展局');
		assert.equal(a[7], '按期办结');
		assert.equal(a[9], '1');
		// Text cells are strings, dates and counts numbers.
		const row2 = /<row r="2"[^>]*>([\s\S]*?)<\/row>/
			.exec(wb.sheets['台账'].xml)[1];
		assert.match(row2, /<c r="A2"[^>]*t="(s|inlineStr|str)"/);
		assert.match(row2, /<c r="C2"[^>]*><v>\d+<\/v>/);
		assert.ok(wb.sheets['说明'].rows.some((r) => r[0] === '办结率'));
	});

	it('`fazhi report cases` prints the same statistics', () => {
		const r = srv.run(['report', 'cases', '--year', '2026']);
		assert.equal(r.code, 0, r.stderr);
		const rows = parseReport(r.stdout);
		const total = rows.find((x) => x.row === 'total');
		assert.equal(total.name, '合计');
		assert.equal(total.received, '6');
		assert.equal(total.received_yoy, '+200');
		assert.equal(total.accepted, '5');
		assert.equal(total.due, '4');
		assert.equal(total.closed, '3');
		assert.equal(total.completion, '75.0');
		assert.equal(total.on_time_rate, '50.0');
		assert.equal(total.overdue, '1');
		assert.equal(total.legal_review, '1');
		const letter = rows.find((x) => x.row === 'petition:letter');
		assert.equal(letter.name, '信访件');
		assert.equal(letter.received, '2');
		assert.equal(letter.satisfaction, '-');
		const hot = rows.find((x) => x.row === 'hotline');
		assert.equal(hot.satisfaction, '0.0');
		assert.equal(hot.satisfaction_pp, '-100.0');
		// Aligned: every line as long as the header up to the names.
		const lines = r.stdout.trim().split('\n');
		const cut = lines[0].indexOf('name');
		for (const l of lines)
			assert.match(l.slice(0, cut), /^\S.*\s$/, l);
		const d = srv.run(['report', 'cases', '--year', '2026', '--by',
			'dept']);
		assert.equal(d.code, 0, d.stderr);
		assert.ok(parseReport(d.stdout).some((x) =>
			x.row === `dept:${DEPT}` && x.received === '3'));
	});

	it('`fazhi report` refuses misuse with exit 2', () => {
		for (const args of [['report'], ['report', 'nope'],
			['report', 'cases'], ['report', 'cases', '--year', 'abc'],
			['report', 'cases', '--year', '1900'],
			['report', 'cases', '--year', '2026', '--by', 'x'],
			['report', 'cases', '--year', '2026', 'extra'],
			['report', 'cases', '--bogus']]) {
			const r = srv.run(args);
			assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
			assert.match(r.stderr, /fazhi report/);
		}
		const h = srv.run(['report', '--help']);
		assert.equal(h.code, 0);
		assert.match(h.stdout, /completion = closed \/ due/);
	});

	it('bad parameters are refused and change nothing', async () => {
		const po = await loginAs(srv, 'petition');
		for (const p of ['/stats/cases?year=abc', '/stats/cases?year=1900',
			'/stats/cases?by=x', Q('state=nope'), Q('procedure=x'),
			Q('dept=0'), Q('channel=%3Cb%3E'), Q('year=2026&page=0'),
			'/stats/cases.xlsx?year=x']) {
			const res = await po.get(p);
			assert.equal(res.status, 400, p);
		}
		const bad = await po.get('/stats/cases?year=abc');
		assert.match(bad.bodyText, /role="alert"/);
	});

	it('staff only: visitors sign in, administrators are refused',
	async () => {
		const anon = new Client(srv.url);
		for (const p of ['/stats/cases', '/stats/cases.xlsx', Q('')]) {
			const res = await anon.get(p);
			assert.ok([302, 303, 401].includes(res.status),
				`${p}: ${res.status}`);
		}
		for (const role of ['sysadmin', 'secadmin', 'auditadmin']) {
			const c = await loginAs(srv, role);
			assert.equal((await c.get('/stats/cases')).status, 403, role);
			assert.equal((await c.get('/stats/cases.xlsx')).status, 403,
				role);
		}
		for (const role of ['clerk', 'depthead', 'leader', 'lawyer']) {
			const c = await loginAs(srv, role);
			const res = await c.get('/stats/cases?year=2026');
			assert.equal(res.status, 200, role);
			assert.match(res.bodyText, /href="\/stats\/cases"/,
				'in the navigation');
		}
	});
});
}

// The demonstration data reproduces the seed report's 2022 figures.
describe('case statistics of the demonstration data', () => {
	let srv;
	before(async () => { srv = await startServer(); });
	after(async () => { await srv?.stop(); });

	it('2022 by channel: 508, 325, 2, 6, 5 and 14, all closed', async (t) => {
		const n = Number(sql(srv, 'SELECT COUNT(*) FROM cases WHERE ' +
			'year = 2022').out);
		if (!n) {
			t.skip('the demonstration has no 2022 cases');
			return;
		}
		const r = srv.run(['report', 'cases', '--year', '2022']);
		assert.equal(r.code, 0, r.stderr);
		const rows = parseReport(r.stdout);
		const by = (id) => rows.find((x) => x.row === id) ?? {};
		assert.equal(by('petition:letter').received, '508');
		const hotline = Number(by('hotline').received ?? 0) +
			Number(by('petition:mayor_hotline').received ?? 0);
		assert.equal(hotline, 325);
		assert.equal(by('petition:leader_instruction').received, '2');
		assert.equal(by('petition:visit').received, '6');
		assert.equal(by('petition:online').received, '5');
		assert.equal(by('petition:safe_construction').received, '14');
		assert.equal(by('total').completion, '100.0');
		assert.ok(Number(by('total').legal_review) > 0,
			'legal advisers involved in petition replies');
	});

	// A clerk of 经济发展局 sees every case in the figures, but a case
	// number links only where the case's page opens for them.
	it('a list links the cases the viewer may open, and only those',
	async (t) => {
		const c = await loginAs(srv, 'clerk');
		const res = await c.get('/stats/cases/list?procedure=hotline&' +
			'year=2022');
		assert.equal(res.status, 200);
		const rows = res.bodyText.match(/<tr><th scope="row"[^>]*>.*?<\/th>/g)
			?? [];
		if (!rows.length) {
			t.skip('the demonstration has no 2022 hotline cases');
			return;
		}
		const linked = rows.map((r) => r.match(/href="(\/petitions\/\d+)"/))
			.filter(Boolean).map((m) => m[1]);
		assert.ok(linked.length > 0, 'some cases are the clerk\'s');
		assert.ok(linked.length < rows.length, 'some are others\'');
		for (const href of linked)
			assert.equal((await c.get(href)).status, 200, href);
		assert.match(res.bodyText, /没有链接的案件编号是由其他部门承办/);
		const leader = await loginAs(srv, 'leader');
		const all = (await leader.get('/stats/cases/list?procedure=' +
			'hotline&year=2022')).bodyText;
		assert.equal((all.match(/href="\/petitions\/\d+"/g) ?? []).length,
			rows.length, 'a leader opens every case');
		assert.doesNotMatch(all, /没有链接的案件编号/);
	});
});
