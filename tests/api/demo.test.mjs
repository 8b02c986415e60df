// demo.test.mjs: the demo installation's desk records — the 2022 figures of
// the annual report (SEED.md §四.2), the 2021 ones chosen for it, the
// applications for government information, and a second `fazhi demo` that
// adds nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, loginAs } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';
import { uscc, workingDue } from './lib/fixtures.mjs';

// Cases by channel: the petition procedure's channel, and every hotline
// ticket as the mayor hotline (市长热线).
const FIGURES = {
	2022: { letter: 508, mayor_hotline: 325, leader_instruction: 2,
		visit: 6, online: 5, safe_construction: 14 },
	2021: { letter: 471, mayor_hotline: 298, leader_instruction: 3,
		visit: 9, online: 4, safe_construction: 11 },
};
const LEGAL = { 2022: 9, 2021: 6 };

const total = (year) => Object.values(FIGURES[year])
	.reduce((a, b) => a + b);

function query(srv, q) {
	const r = sql(srv, q);
	assert.equal(r.code, 0, r.err);
	return r.out;
}

const count = (srv, q) => Number(query(srv, `SELECT COUNT(*) ${q}`));

// The desk's cases (the demo also publishes items through their own
// procedure).
const DESK = "proc IN ('petition', 'hotline')";

function byChannel(srv, year) {
	const out = query(srv, "SELECT CASE WHEN proc = 'hotline' THEN " +
		"'mayor_hotline' ELSE channel END AS ch, COUNT(*) FROM cases " +
		`WHERE year = ${year} AND ${DESK} GROUP BY 1 ORDER BY 1`);
	const got = {};
	for (const line of out.split('\n').filter(Boolean)) {
		const [ch, n] = line.split('|');
		got[ch] = Number(n);
	}
	return got;
}

// Every case closed — hotline tickets closed, petitions filed once the
// petitioner's 30 days for a review had run out — and final; the primary
// clocks stopped by the reply, none cancelled; no supervised limit
// (acceptance notice, handling) missed.
function checkClosed(srv, year) {
	const cohort = `FROM cases c JOIN case_clocks k ON k.case_id = c.id ` +
		`WHERE c.year = ${year} AND c.${DESK}`;
	assert.equal(count(srv, `FROM cases WHERE year = ${year} AND ` +
		`${DESK} AND NOT (` +
		"(proc = 'hotline' AND state = 'closed') OR " +
		"(proc = 'petition' AND state = 'archived'))"), 0);
	assert.equal(count(srv, `FROM cases WHERE year = ${year} AND ` +
		`${DESK} AND is_final = 0`), 0);
	assert.equal(count(srv, `${cohort} AND k.clock_id = 'handling' ` +
		'AND k.stopped_day IS NOT NULL AND k.cancelled = 0'),
		total(year));
	assert.equal(count(srv, `${cohort} AND k.supervised = 1 AND ` +
		'(k.stopped_day IS NULL OR k.stopped_day > k.due_day)'), 0);
}

// Legal adviser opinions on the year's petitions, given in that year
// (China Standard Time).
function checkLegal(srv, year) {
	assert.equal(count(srv, 'FROM case_events e JOIN cases c ON ' +
		'c.id = e.case_id WHERE e.legal_review = 1 AND ' +
		`c.year = ${year} AND c.proc = 'petition'`), LEGAL[year]);
	const from = Date.UTC(year, 0, 1, -8) / 1000;
	const to = Date.UTC(year + 1, 0, 1, -8) / 1000;
	assert.equal(count(srv, 'FROM case_events WHERE legal_review = 1 ' +
		`AND ts >= ${from} AND ts < ${to}`), LEGAL[year]);
}

// GB 11643-1999: the ISO 7064 MOD 11-2 check character.
function idCheckChar(id) {
	const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	let s = 0;
	for (let i = 0; i < 17; i++)
		s += Number(id[i]) * w[i];
	return '10X98765432'[s % 11];
}

function checkPerson(p) {
	assert.match(p.id_number, /^330624(19|20)\d{9}[\dX]$/);
	assert.equal(p.id_number[17], idCheckChar(p.id_number));
	const b = p.id_number.slice(6, 14);
	const d = new Date(`${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6)}Z`);
	assert.equal(d.toISOString().slice(0, 10).replace(/-/g, ''), b,
		'a real birth date');
	assert.match(p.phone, /^1[3-9]\d{9}$/);
	assert.ok(p.name.length >= 2);
}

// Applications for government information (依申请公开) by year, and the
// reply types their replies must cover among them.
const OGI = { 2021: 8, 2022: 12 };
const OGI_REPLIES = ['disclose', 'already_public', 'partial',
	'withhold_third_party', 'withhold_process', 'unable_not_held',
	'reject_complaint', 'reject_repeat'];

// The day (China Standard Time) of an API time ("...Z").
const cstDay = (iso) => new Date(Date.parse(iso) + 8 * 3600 * 1000)
	.toISOString().slice(0, 10);

// GB 32100: the MOD 31-3 check character of a unified social credit code.
const usccCheckChar = (code) => uscc(code.slice(0, 17))[17];

// Every application of both years with its details, as the disclosure
// officer reads them through the API.
async function applications(c) {
	const all = [];
	for (const year of Object.keys(OGI)) {
		const r = await c.get('/api/v1/cases?procedure=disclosure&' +
			`year=${year}&page_size=200`);
		assert.equal(r.status, 200, r.bodyText);
		const list = await r.json();
		assert.equal(list.total, OGI[year], `${year}`);
		for (const x of list.cases) {
			const d = await c.get(`/api/v1/cases/${x.id}`);
			assert.equal(d.status, 200, d.bodyText);
			all.push({ year: Number(year), ...(await d.json()) });
		}
	}
	return all;
}

const event = (a, action) => a.history.find((e) => e.action === action);
const replyClock = (a) => a.clocks.find((k) => k.id === 'reply');

function checkOgiFinished(srv, apps) {
	for (const [year, n] of Object.entries(OGI))
		assert.equal(count(srv, 'FROM cases WHERE ' +
			`proc = 'disclosure' AND year = ${year}`), n);
	for (const a of apps)
		assert.ok(a.final && ['replied', 'abandoned', 'withdrawn']
			.includes(a.state), `${a.number} ${a.state}`);
	const by = (st) => apps.filter((a) => a.state === st).length;
	assert.equal(by('abandoned'), 1);
	assert.equal(by('withdrawn'), 1);
	assert.equal(by('replied'), 18);
}

function checkOgiOutcomes(apps) {
	const types = new Set(apps.filter((a) => a.state === 'replied')
		.map((a) => a.fields.reply_type));
	for (const t of OGI_REPLIES)
		assert.ok(types.has(t), t);
	assert.ok(types.size >= OGI_REPLIES.length);
	const kinds = new Set(apps.map((a) => a.fields.applicant_type));
	for (const k of ['natural', 'business', 'research', 'legal_service'])
		assert.ok(kinds.has(k), k);
}

// The reply clocks stopped by the reply on or before their due day, by
// the records and as the API shows them; abandoned and withdrawn ones
// cancelled.
function checkOgiInTime(srv, apps) {
	assert.equal(count(srv, 'FROM cases c JOIN case_clocks k ON ' +
		"k.case_id = c.id WHERE c.proc = 'disclosure' AND " +
		"k.clock_id = 'reply' AND (k.stopped_day IS NULL OR " +
		'k.stopped_day > k.due_day)'), 0);
	for (const a of apps) {
		const k = replyClock(a);
		assert.ok(k.stopped, a.number);
		assert.equal(k.cancelled, a.state !== 'replied', a.number);
		if (a.state !== 'replied')
			continue;
		const day = cstDay(event(a, 'reply').at);
		assert.ok(day <= k.due, `${a.number}: ${day} > ${k.due}`);
	}
}

// A correction received, one never received, a third party consulted,
// the extension by the department head (needed: the reply came after
// the first limit), and one application carried into each next year.
function checkOgiCourse(srv, apps) {
	const fixed = apps.find((a) => event(a, 'receive_correction'));
	assert.equal(fixed.state, 'replied');
	const gaveUp = apps.find((a) => a.state === 'abandoned');
	assert.ok(event(gaveUp, 'request_correction'));
	const asked = apps.find((a) => event(a, 'consult_third_party'));
	assert.ok(event(asked, 'third_party_reply'));
	assert.equal(asked.fields.reply_type, 'withhold_third_party');
	assert.ok(replyClock(asked).paused_days > 0);
	const ext = apps.filter((a) => event(a, 'extend'));
	assert.equal(ext.length, 1);
	const [x] = ext;
	assert.equal(event(x, 'extend').actor, 'depthead');
	assert.equal(replyClock(x).extensions, 1);
	const first = workingDue(srv,
		event(x, 'register').fields.received_date, 20);
	assert.ok(cstDay(event(x, 'extend').at) <= first);
	assert.ok(cstDay(event(x, 'reply').at) > first);
	const carried = (year) => apps.filter((a) => a.year === year - 1 &&
		a.state === 'replied' &&
		cstDay(event(a, 'reply').at).startsWith(`${year}-`)).length;
	assert.equal(carried(2022), 1);
	assert.equal(carried(2023), 1);
}

// Every application has its applicant, sealed; a person and a firm
// open to valid details.
async function checkApplicants(srv, apps) {
	assert.equal(count(srv, 'FROM cases c LEFT JOIN petitioner p ON ' +
		"p.case_id = c.id WHERE c.proc = 'disclosure' AND " +
		'p.case_id IS NULL'), 0);
	const c = await loginAs(srv, 'ogi_officer');
	const reason = encodeURIComponent('核对演示数据');
	for (const type of ['natural', 'business']) {
		const a = apps.find((x) => x.fields.applicant_type === type);
		const r = await c.get(`/api/v1/cases/${a.id}?unmask=1&` +
			`reason=${reason}`);
		assert.equal(r.status, 200, r.bodyText);
		const p = (await r.json()).petitioner;
		if (type === 'natural') {
			checkPerson(p);
			continue;
		}
		assert.equal(p.organisation, true);
		assert.match(p.phone, /^(1[3-9]\d{9}|0\d{2,3}-\d{7,8})$/);
		assert.match(p.id_number, /^91330624[0-9A-Z]{10}$/);
		assert.equal(p.id_number[17], usccCheckChar(p.id_number));
	}
}

for (const backend of backends()) {
describe(`demo desk records (${backend})`, () => {
	let srv;
	before(async () => { srv = await startServer({ backend }); });
	after(async () => { await srv?.stop(); });

	for (const year of [2022, 2021]) {
		it(`${year}: cases by channel`, () => {
			assert.deepEqual(byChannel(srv, year), FIGURES[year]);
		});
		it(`${year}: every case closed, every limit kept`,
			() => checkClosed(srv, year));
		it(`${year}: legal advisers involved ${LEGAL[year]} times`,
			() => checkLegal(srv, year));
	}

	it('the desk lists the same counts', async () => {
		const c = await loginAs(srv, 'petition_officer');
		for (const [ch, n] of Object.entries(FIGURES[2022])) {
			const q = ch === 'mayor_hotline' ? 'procedure=hotline' :
				`procedure=petition&channel=${ch}`;
			const r = await c.get(`/api/v1/cases?year=2022&${q}`);
			assert.equal(r.status, 200, r.bodyText);
			assert.equal((await r.json()).total, n, ch);
		}
	});

	// The portal's notices on the hotline's work carry no typed figure:
	// the tickets registered in their period, all closed on time.
	it('the hotline notices agree with the records', () => {
		const cst = (d) => Date.parse(`${d}T00:00:00+08:00`) / 1000;
		for (const [title, from, to, words] of [
			['2021年上半年园区政务服务热线办理情况通报', '2021-01-01',
				'2021-07-01', '2021年上半年'],
			['2022年前三季度园区政务服务热线办理情况通报', '2022-01-01',
				'2022-10-01', '2022年1至9月']]) {
			const n = count(srv, "FROM cases WHERE proc = 'hotline' " +
				`AND created_at >= ${cst(from)} AND created_at < ` +
				`${cst(to)}`);
			assert.ok(n > 100, `${title}: ${n}`);
			const body = query(srv, 'SELECT body FROM publications ' +
				`WHERE title = '${title}'`);
			assert.ok(body.includes(`${words}，园区共受理政务服务热线` +
				`工单${n}件，按期办结率100.0%。`), `${title}: ${body}`);
		}
	});

	it('hotline tickets were called back, mostly to satisfaction',
	() => {
		const calls = 'FROM case_events e JOIN cases c ON ' +
			'c.id = e.case_id WHERE c.year = 2022 AND ' +
			"e.action = 'callback'";
		assert.equal(count(srv, calls), 325);
		const unhappy = count(srv, `${calls} AND e.fields LIKE ` +
			"'%\"unsatisfied\"%'");
		assert.ok(unhappy > 0 && unhappy < 325 * 0.1, `${unhappy}`);
		for (const a of ['return', 'extend'])
			assert.ok(count(srv, 'FROM case_events WHERE ' +
				`action = '${a}'`) > 0, a);
	});

	it('CR-03 petitioners are sealed at rest and open to valid details',
	async () => {
		assert.equal(count(srv, 'FROM cases c LEFT JOIN petitioner ' +
			'p ON p.case_id = c.id WHERE c.year IN (2021, 2022) ' +
			`AND c.${DESK} AND p.case_id IS NULL`), 0);
		assert.equal(count(srv, 'FROM petitioner WHERE id_number ' +
			"LIKE '330624%' OR phone LIKE '1__________'"), 0,
			'no identity or phone number in the clear');
		const id = Number(query(srv, 'SELECT MIN(id) FROM cases ' +
			"WHERE year = 2022 AND proc = 'petition'"));
		const c = await loginAs(srv, 'petition_officer');
		const r = await c.get(`/api/v1/cases/${id}?unmask=1&reason=` +
			encodeURIComponent('核对演示数据'));
		assert.equal(r.status, 200, r.bodyText);
		checkPerson((await r.json()).petitioner);
	});

	describe('applications for government information', () => {
		let apps;
		before(async () => {
			apps = await applications(await loginAs(srv,
				'ogi_officer'));
		});
		it('8 in 2021 and 12 in 2022, every one finished',
			() => checkOgiFinished(srv, apps));
		it('the replies cover the outcomes of the report',
			() => checkOgiOutcomes(apps));
		it('no reply after its limit', () => checkOgiInTime(srv, apps));
		it('correction, consultation, extension and the year ends',
			() => checkOgiCourse(srv, apps));
		it('CR-03 applicants are sealed and open to valid details',
			() => checkApplicants(srv, apps));
	});

	it('AD-03 the audit trail verifies after the demo', () => {
		const r = srv.run(['audit', 'verify']);
		assert.equal(r.code, 0, r.stdout + r.stderr);
	});

	it('a second fazhi demo adds nothing', () => {
		const n = count(srv, 'FROM cases');
		const r = srv.run(['demo'], { timeout: 120000 });
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^2021: already present$/m);
		assert.match(r.stdout, /^2022: already present$/m);
		assert.match(r.stdout,
			/^2022: disclosure applications already present$/m);
		assert.equal(count(srv, 'FROM cases'), n);
		assert.deepEqual(byChannel(srv, 2022), FIGURES[2022]);
	});
});
}
