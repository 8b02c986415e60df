// demo.test.mjs: the demo installation's desk records — the 2022 figures of
// the annual report (SEED.md §四.2), the 2021 ones chosen for it, and a
// second `fazhi demo` that adds nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, loginAs } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';

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
		assert.equal(count(srv, 'FROM cases'), n);
		assert.deepEqual(byChannel(srv, 2022), FIGURES[2022]);
	});
});
}
