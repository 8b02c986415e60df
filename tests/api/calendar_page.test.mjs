// calendar_page.test.mjs: the due-date calculator page for staff gives
// the same answer and explanation as `fazhi calendar due`, refuses bad
// input with a message, and is not public.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, Client } from './lib/harness.mjs';

describe('due-date calculator page', () => {
	let srv, clerk;
	before(async () => {
		srv = await startServer({});
		clerk = await loginAs(srv, 'clerk');
	});
	after(() => srv?.stop());

	const due = (q) => clerk.get('/calendar/due?' +
		new URLSearchParams(q).toString());

	it('counts working days across the 2024 Spring Festival', async () => {
		const r = await due({ start: '2024-02-08', n: '10',
			unit: 'working' });
		assert.equal(r.status, 200);
		const html = await r.text();
		assert.match(html, /id="due-date" datetime="2024-02-28"/);
		assert.match(html, /跳过 2024-02-10（春节）/);
		assert.match(html, /计入 2024-02-18（春节调休上班日）/);
		// the command gives the same date
		const cli = srv.run(['calendar', 'due', '2024-02-08', '10',
			'--working']);
		assert.equal(cli.stdout.split('\n')[0], '2024-02-28');
	});

	it('moves a calendar-day limit off a holiday', async () => {
		// 2024-09-24 + 7 calendar days = 10-01, National Day: the
		// limit ends on the first working day after the holiday.
		const r = await due({ start: '2024-09-24', n: '7',
			unit: 'calendar' });
		assert.equal(r.status, 200);
		assert.match(await r.text(), /id="due-date" datetime="2024-10-08"/);
	});

	it('refuses bad input with a message and keeps the form', async () => {
		for (const [q, msg] of [
			[{ start: '2024-02-30', n: '10' }, /起算日须为日期/],
			[{ start: '2024-02-08', n: '-1' }, /期限须为 0 至 3650/],
			[{ start: '2024-02-08', n: '99999' }, /期限须为 0 至 3650/],
			[{ start: '2024-02-08', n: '5', unit: 'lunar' },
				/请选择工作日或自然日/],
		]) {
			const r = await due(q);
			assert.equal(r.status, 400, JSON.stringify(q));
			const html = await r.text();
			assert.match(html, msg);
			assert.match(html, /role="alert"/);
			assert.doesNotMatch(html, /id="due-date"/);
		}
	});

	it('is for staff only', async () => {
		const r = await new Client(srv.url).get('/calendar/due?' +
			'start=2024-02-08&n=1');
		assert.equal(r.status, 303);
		assert.match(r.headers.get('location'), /^\/login/);
	});
});
