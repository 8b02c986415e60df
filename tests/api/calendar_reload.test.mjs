// calendar_reload.test.mjs: a running server takes up a new year's holiday
// notice without a restart — at once on SIGHUP — re-times the open cases,
// counts new cases with it, and keeps the calendar in force when the file
// is broken.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, loginAs } from './lib/harness.mjs';

// The server's "today": a Monday whose 7-working-day limit runs into
// 2027, a year the shipped notices do not cover.
const TODAY = '2026-12-28';
const NOT_YET = '该年度的国务院放假通知尚未收录';

// A notice in the holiday-cn form, made up for the test.
const NOTICE_2027 = {
	year: 2027,
	days: [
		{ name: '元旦', date: '2027-01-01', isOffDay: true },
		{ name: '元旦', date: '2027-01-02', isOffDay: true },
		{ name: '元旦', date: '2027-01-03', isOffDay: true },
	],
};

function text(html) {
	return html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&');
}

async function page(c, p) {
	const r = await c.get(p);
	assert.equal(r.status, 200, `${p}: ${r.status}\n` +
		r.bodyText.slice(0, 1500));
	return r.bodyText;
}

async function registerHotline(c, title) {
	await page(c, '/petitions/new?procedure=hotline');
	const r = await c.post('/petitions', { csrf: c.csrf(),
		procedure: 'hotline', request_type: 'complaint', channel: 'phone',
		title, content: '工地夜间施工噪声扰民。', p_phone: '13711112222' });
	assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
	return Number(/\/petitions\/(\d+)$/.exec(r.headers.get('location'))[1]);
}

// The handling clock's due date and explanation on the case page.
async function handling(c, id) {
	const html = await page(c, `/petitions/${id}`);
	const card = /<section class="card" aria-labelledby="clocks-h">[\s\S]*?<\/section>/
		.exec(html);
	assert.ok(card, 'case page has its clocks card');
	const row = /<tr><th scope="row">办理时限[\s\S]*?<\/tr>/.exec(card[0]);
	assert.ok(row, `handling clock row in\n${card[0]}`);
	const due = /<time datetime="(\d{4}-\d\d-\d\d)">/.exec(row[0]);
	const pre = /<pre>([\s\S]*?)<\/pre>/.exec(row[0]);
	assert.ok(due && pre, row[0]);
	return { due: due[1], explain: text(pre[1]) };
}

async function dueCalc(c, start, n) {
	const html = await page(c, `/calendar/due?start=${start}&n=${n}` +
		'&unit=working');
	return /id="due-date" datetime="(\d{4}-\d\d-\d\d)"/.exec(html)[1];
}

// Wait until the server's stderr holds one more line matching `re` than
// `seen` did; returns the new match.
async function logLine(srv, re, seen, ms = 10000) {
	const g = new RegExp(re.source, 'g');
	const count = () => (srv.stderr().match(g) ?? []).length;
	const t0 = Date.now();
	while (count() <= seen) {
		if (Date.now() - t0 > ms)
			assert.fail(`no new ${re} in server log:\n` +
				srv.stderr().slice(-4000));
		await new Promise((res) => setTimeout(res, 50));
	}
	const all = srv.stderr().match(g);
	return re.exec(all[all.length - 1]);
}

function logCount(srv, re) {
	return (srv.stderr().match(new RegExp(re.source, 'g')) ?? []).length;
}

const RELOADED = /calendar reloaded: (\d+) notices, (\d+) open clocks re-timed/;
const REFUSED = /calendar not reloaded, the one in force stays: ([^\n]*)/;

describe('calendar reload in a running server', () => {
	let srv, officer, auditor, first;
	const local = () => path.join(srv.dataDir, 'calendar.tsv');

	before(async () => {
		srv = await startServer({});
		// Before any login: sessions live in the server's time.
		srv.setClock(Date.parse(`${TODAY}T10:00:00+08:00`) / 1000 -
			Date.now() / 1000);
		officer = await loginAs(srv, 'petition');
		auditor = await loginAs(srv, 'auditadmin');
	});
	after(() => srv?.stop());

	it('counts into a year without a notice by the weekday rule', async () => {
		first = await registerHotline(officer, '导入通知前登记的工单');
		const h = await handling(officer, first);
		// 12-29, 12-30, 12-31, 01-01 (a Friday), 01-04, 01-05, 01-06
		assert.equal(h.due, '2027-01-06');
		assert.match(h.explain, new RegExp(NOT_YET));
		assert.equal(await dueCalc(officer, TODAY, 7), '2027-01-06');
	});

	it('takes up an imported notice at once on SIGHUP', async () => {
		const file = path.join(srv.dataDir, 'notice-2027.json');
		fs.writeFileSync(file, JSON.stringify(NOTICE_2027));
		const r = srv.run(['calendar', 'import', file]);
		assert.equal(r.code, 0, r.stderr);
		// the command re-timed the case in the database, but the server
		// still explains it with the calendar it started with
		let h = await handling(officer, first);
		assert.equal(h.due, '2027-01-07');
		assert.match(h.explain, new RegExp(NOT_YET));

		const seen = logCount(srv, RELOADED);
		process.kill(srv.process.pid, 'SIGHUP');
		const m = await logLine(srv, RELOADED, seen);
		assert.equal(m[1], '21', '2007–2026 shipped, 2027 imported');
		assert.equal(m[2], '0', 'the import had re-timed them already');

		h = await handling(officer, first);
		assert.equal(h.due, '2027-01-07');
		assert.doesNotMatch(h.explain, new RegExp(NOT_YET));
		assert.match(h.explain, /跳过 2027-01-01（元旦）/);
		assert.match(h.explain, /截止日：2027-01-07/);
		assert.equal(await dueCalc(officer, TODAY, 7), '2027-01-07');

		// the command's audit entry names dates, not day numbers
		const au = await (await auditor.get(
			'/api/v1/audit?action=case.retime')).json();
		const ch = au.entries.flatMap((e) => e.details.changed)
			.find((x) => x.case === first);
		assert.ok(ch, JSON.stringify(au.entries));
		assert.deepEqual([ch.clock, ch.from, ch.to],
			['handling', '2027-01-06', '2027-01-07']);
	});

	it('counts a new case with the new notice', async () => {
		const id = await registerHotline(officer, '导入通知后登记的工单');
		const h = await handling(officer, id);
		assert.equal(h.due, '2027-01-07');
		assert.match(h.explain, /跳过 2027-01-01（元旦）/);
		assert.doesNotMatch(h.explain, new RegExp(NOT_YET));
	});

	it('re-times open cases itself after a hand edit', async () => {
		fs.appendFileSync(local(), '2027-01-05\toff\t补充通知\n');
		const seen = logCount(srv, RELOADED);
		process.kill(srv.process.pid, 'SIGHUP');
		const m = await logLine(srv, RELOADED, seen);
		assert.ok(Number(m[2]) >= 2, m[0]);
		// 12-29, 12-30, 12-31, 01-04, 01-06, 01-07, 01-08
		const h = await handling(officer, first);
		assert.equal(h.due, '2027-01-08');
		assert.match(h.explain, /跳过 2027-01-05（补充通知）/);

		const au = await (await auditor.get(
			'/api/v1/audit?action=case.retime')).json();
		const e = au.entries.find((x) => x.details.changed.some(
			(c) => c.case === first && c.to === '2027-01-08'));
		assert.ok(e, JSON.stringify(au.entries));
		assert.equal(e.object, 'calendar');
	});

	it('keeps the calendar in force when the file is broken', async () => {
		const good = fs.readFileSync(local(), 'utf8');
		fs.writeFileSync(local(), good + '2027-02-30\toff\t坏日期\n');
		const seen = logCount(srv, REFUSED);
		const reloads = logCount(srv, RELOADED);
		process.kill(srv.process.pid, 'SIGHUP');
		const m = await logLine(srv, REFUSED, seen);
		assert.match(m[1], /calendar\.tsv:\d+: '2027-02-30' is not a date/);
		assert.equal(logCount(srv, RELOADED), reloads);

		// still serving, still with the last good calendar
		const h = await handling(officer, first);
		assert.equal(h.due, '2027-01-08');
		assert.match(h.explain, /跳过 2027-01-05（补充通知）/);
		assert.equal(await dueCalc(officer, TODAY, 7), '2027-01-08');
		const id = await registerHotline(officer, '文件损坏期间登记的工单');
		assert.equal((await handling(officer, id)).due, '2027-01-08');

		// the same broken file is reported once, not at every look
		process.kill(srv.process.pid, 'SIGHUP');
		await new Promise((res) => setTimeout(res, 300));
		assert.equal(logCount(srv, REFUSED), seen + 1);

		// repaired, without the hand-added day: in force again, and
		// the cases re-timed back
		fs.writeFileSync(local(), good.replace('2027-01-05\toff\t补充通知\n',
			''));
		process.kill(srv.process.pid, 'SIGHUP');
		const back = await logLine(srv, RELOADED, reloads);
		assert.equal(back[1], '21');
		assert.equal((await handling(officer, first)).due, '2027-01-07');
	});
});
