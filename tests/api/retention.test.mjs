// retention.test.mjs: the personal-data expiry job (PI-03) on the demo
// installation — `fazhi retention run` as of a day far in the future
// anonymises the petitioners of every final case, audits each batch as
// pii.expire, and leaves the statistics of past years as they were.
//
// The demo files its petitions once the review window has passed, so
// every 2021 case is final; a petition registered during the test stays
// open and must keep its petitioner whatever the date.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, loginAs } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';

const FAR = '2060-01-01';
const ARCHIVED = 3;

function query(srv, q) {
	const r = sql(srv, q);
	assert.equal(r.code, 0, r.err);
	return r.out;
}

const count = (srv, q) => Number(query(srv, `SELECT COUNT(*) ${q}`));

// Rows of 2021 cases with their petitioner, final or not.
const cohort = (isFinal) => 'FROM petitioner p JOIN cases c ON ' +
	`c.id = p.case_id WHERE c.year = 2021 AND c.is_final = ${isFinal}`;

// Any trace of the person left in a petitioner row.
const PERSONAL = "(p.name <> '' OR p.id_number <> '' OR p.phone <> '' OR " +
	"p.address <> '' OR p.phone_index IS NOT NULL OR p.id_index IS NOT " +
	'NULL OR p.query_hash IS NOT NULL OR p.query_index IS NOT NULL)';

function cli(srv, args) {
	const r = srv.run(args);
	assert.equal(r.code, 0, `fazhi ${args.join(' ')}: ${r.code}\n` +
		r.stdout + r.stderr);
	return r.stdout;
}

// "NAME N" lines of `fazhi retention run` (the per-field table too).
function figures(out) {
	const f = {};
	for (const m of out.matchAll(/^(\S+)\s+(\d+)(?:\s|$)/gm))
		f[m[1]] = Number(m[2]);
	return f;
}

function stats(srv) {
	return [cli(srv, ['report', 'cases', '--year', '2021']),
		cli(srv, ['report', 'cases', '--year', '2021', '--by', 'dept']),
		query(srv, 'SELECT p.satisfaction, COUNT(*) FROM petitioner p ' +
			'JOIN cases c ON c.id = p.case_id WHERE c.year = 2021 ' +
			'GROUP BY 1 ORDER BY 1')];
}

async function unmasked(c, id) {
	const r = await c.get(`/api/v1/cases/${id}?unmask=1&reason=` +
		encodeURIComponent('核对保存期限到期后的记录'));
	assert.equal(r.status, 200, r.bodyText);
	return (await r.json()).petitioner;
}

for (const backend of backends()) {
describe(`retention (${backend})`, () => {
	let srv, officer, archived, person, statsBefore, runOut, open;

	before(async () => {
		srv = await startServer({ backend });
		officer = await loginAs(srv, 'petition_officer');
		await officer.get('/');
		archived = query(srv, "SELECT id FROM cases WHERE year = 2021 " +
			"AND proc = 'petition' AND state = 'archived' ORDER BY id " +
			`LIMIT ${ARCHIVED}`).split('\n').map(Number);
		assert.equal(archived.length, ARCHIVED);
		const made = await officer.post('/api/v1/cases', {
			procedure: 'petition', fields: { channel: 'letter',
				title: '反映路灯损坏', content: '请修复。',
				received_date: new Date(Date.now() + 8 * 3600e3)
					.toISOString().slice(0, 10) },
			petitioner: { name: '周九', phone: '13955556666' },
		}, { json: true, headers: { 'x-csrf-token': officer.csrf() } });
		assert.equal(made.status, 201, made.bodyText);
		open = (await made.json()).id;
		person = await unmasked(officer, archived[0]);
		assert.ok(person.name && person.phone, JSON.stringify(person));
		statsBefore = stats(srv);
	});

	after(() => srv?.stop());

	it('PI-03 the schedule comes from the register', () => {
		const out = cli(srv, ['retention', 'list']);
		assert.match(out, /^petitioner\.name\s+30\s+yes\s+姓名$/m);
		assert.match(out, /^petitioner\.phone\s+10\s+yes\s+联系电话$/m);
		assert.match(out, /^users\.display_name\s+3\s+no\s/m);
	});

	it('PI-03 a dry run changes nothing', () => {
		const left = count(srv, `${cohort(1)} AND ${PERSONAL}`);
		const audit = count(srv, 'FROM audit_log');
		const f = figures(cli(srv, ['retention', 'run', '--dry-run',
			'--now', FAR]));
		assert.ok(f.frozen >= left && left > 0, `${f.frozen} ${left}`);
		assert.equal(count(srv, `${cohort(1)} AND ${PERSONAL}`), left);
		assert.equal(count(srv, 'FROM audit_log'), audit);
		runOut = f;
	});

	it('PI-03 past every period the final cases lose all personal data',
	() => {
		const out = cli(srv, ['retention', 'run', '--now', FAR]);
		const f = figures(out);
		assert.equal(f.frozen, runOut.frozen, out);
		assert.equal(f.rows, runOut.rows, out);
		assert.equal(f['petitioner.name'], runOut['petitioner.name']);
		assert.ok(count(srv, cohort(1)) >= 298 + ARCHIVED);
		assert.equal(count(srv, `${cohort(1)} AND ${PERSONAL}`), 0,
			'no sealed value or index left');
		assert.equal(count(srv, `${cohort(1)} AND p.expired_at = 0`), 0);
		for (const id of archived)
			assert.equal(count(srv, `FROM petitioner p WHERE ` +
				`p.case_id = ${id} AND p.expired_at > 0 AND NOT ` +
				PERSONAL), 1, `archived case ${id}`);
		// An open case keeps its petitioner, whatever the date.
		assert.equal(count(srv, `${cohort(0)} AND p.name = ''`), 0);
		assert.equal(count(srv, 'FROM petitioner p WHERE p.case_id = ' +
			`${open} AND p.expired_at = 0 AND ${PERSONAL}`), 1);
	});

	it('PI-03 every batch is audited as pii.expire by the system',
	async () => {
		const n = count(srv, "FROM audit_log WHERE action = 'pii.expire'");
		assert.ok(n >= Math.ceil(runOut.frozen / 200), `${n} entries`);
		const au = await loginAs(srv, 'auditadmin');
		const r = await au.get('/api/v1/audit?action=pii.expire&size=100');
		assert.equal(r.status, 200, r.bodyText);
		const entries = (await r.json()).entries;
		assert.equal(entries.length, n);
		for (const e of entries) {
			assert.equal(e.actor, 'system');
			assert.equal(e.object, 'petitioner');
		}
		const cases = entries.flatMap((e) => e.details.cases);
		for (const id of archived)
			assert.ok(cases.includes(id), `case ${id} in the trail`);
		assert.ok(entries.some((e) => e.details.frozen === true &&
			e.details.fields.includes('petitioner.name')));
		cli(srv, ['audit', 'verify']);
	});

	it('PI-03 the statistics of 2021 are unchanged', () => {
		assert.deepEqual(stats(srv), statsBefore);
	});

	it('PI-03 an unmasked view of an expired case shows nothing personal',
	async () => {
		const c = await loginAs(srv, 'petition_officer');
		const p = await unmasked(c, archived[0]);
		for (const k of ['name', 'id_number', 'phone', 'address'])
			assert.equal(p[k] ?? '', '', `${k}: ${p[k]}`);
		await c.get(`/petitions/${archived[0]}`);
		const r = await c.post(`/petitions/${archived[0]}/unmask`,
			{ csrf: c.csrf(), reason: '核对保存期限到期后的记录' });
		assert.equal(r.status, 200, r.bodyText.slice(0, 1000));
		for (const v of [person.name, person.phone, person.id_number,
			person.address].filter(Boolean))
			assert.ok(!r.bodyText.includes(v), `${v} still shown`);
	});

	it('PI-03 a second run finds nothing', () => {
		const audit = count(srv, 'FROM audit_log');
		const f = figures(cli(srv, ['retention', 'run', '--now', FAR]));
		assert.equal(f.rows, 0);
		assert.equal(f.frozen, 0);
		assert.equal(count(srv, 'FROM audit_log'), audit);
	});
});
}
