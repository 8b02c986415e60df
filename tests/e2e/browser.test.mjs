// browser.test.mjs: a person at a browser — first login, forced password
// change, the 繁體 switch, and axe-core on every page.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, a11yChecker, fitsPhone, submitAndWait }
	from './lib/pages.mjs';

const checkA11y = a11yChecker('browser');

describe('first administrator in a browser', () => {
	const suite = serverAndBrowser({ demo: false });

	it('logs in, must change the first password, switches to 繁體', async () => {
		const { srv, browser } = suite;
		const page = await browser.newPage();
		const { login, password } = srv.accounts.admin;
		// the site's front page is the public portal; staff sign in
		// from its header
		await page.goto(srv.url + '/');
		await Promise.all([page.waitForNavigation(),
			page.click('a[href="/login"]')]);
		assert.match(page.url(), /\/login/);
		await checkA11y(page, 'login');
		await page.fill('#login', login);
		await page.fill('#password', password);
		await submitAndWait(page, 'button[type=submit]');
		assert.match(page.url(), /\/account\/password$/);
		await checkA11y(page, 'password-forced');
		// Another page is not reachable before the change.
		await page.goto(srv.url + '/admin/users');
		assert.match(page.url(), /\/account\/password$/);
		const next = 'Browser-Test-Pass-2026';
		await page.fill('input[name=current]', password);
		await page.fill('input[name=new]', next);
		await page.fill('input[name=repeat]', next);
		await Promise.all([page.waitForNavigation(),
			page.click('main button[type=submit]')]);
		assert.equal(new URL(page.url()).pathname, '/');
		assert.match(await page.textContent('main'), /密码已修改/);
		await page.goto(srv.url + '/admin/users');
		assert.equal(new URL(page.url()).pathname, '/admin/users');

		await Promise.all([page.waitForNavigation(),
			page.click('.lang a[lang=zh-Hant]')]);
		assert.equal(new URL(page.url()).pathname, '/admin/users');
		assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hant');
		const text = await page.textContent('body');
		assert.match(text, /用戶管理/);
		assert.match(text, /部門管理/);
		await checkA11y(page, 'users-hant');
		// Remembered across pages.
		await page.goto(srv.url + '/');
		assert.match(await page.textContent('h1'), /我的工作臺/);
		await Promise.all([page.waitForNavigation(),
			page.click('.lang a[lang=zh-Hans]')]);
		assert.match(await page.textContent('h1'), /我的工作台/);
	});
});

describe('every page passes axe-core', () => {
	const suite = serverAndBrowser();

	const visits = {
		sysadmin: ['/', '/account', '/account/password', '/admin/users',
			'/admin/users/new', '/admin/users/1', '/admin/departments'],
		secadmin: ['/admin/policy'],
		auditadmin: ['/audit', '/audit?action=login'],
		clerk: ['/', '/account', '/nope', '/petitions'],
		petition: ['/petitions', '/petitions?open=1',
			'/petitions/new?procedure=petition',
			'/petitions/new?procedure=hotline', '/petitions/1',
			'/stats/cases', '/stats/cases?year=2021&by=dept',
			'/stats/cases/list?procedure=petition&channel=letter&' +
				'year=2022', '/calendar/due?start=2024-02-08&n=10&' +
				'unit=working'],
		leader: ['/', '/stats/cases'],
		lawyer: ['/', '/petitions'],
	};
	// The public pages, signed in as nobody.
	it('as a citizen', async () => {
		const { srv, browser } = suite;
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		for (const p of ['/petition/new', '/petition/query',
			'/petition/done', '/login']) {
			await page.goto(srv.url + p);
			await checkA11y(page, `public${p.replace(/\W+/g, '-')}`);
			await fitsPhone(page, p);
		}
		await ctx.close();
	});

	// A chart is drawn at the width of the window it loaded in and
	// redrawn on a resize event, which may come after a phone's layout
	// is measured: the page must fit without the redraw.
	it('a chart drawn on a wide screen does not widen a phone', async () => {
		const { srv } = suite;
		const { ctx, page } = await suite.staff('petition');
		await page.addInitScript(() => {
			const add = window.addEventListener;
			window.addEventListener = function (type, ...rest) {
				if (type !== 'resize')
					add.call(this, type, ...rest);
			};
		});
		await page.goto(srv.url + '/stats/cases?year=2021&by=dept');
		assert.ok(await page.isVisible('#chart-received canvas'));
		await fitsPhone(page, 'charts without their resize handler');
		await ctx.close();
	});

	for (const [login, pages] of Object.entries(visits)) {
		it(`as ${login}`, async () => {
			const { srv } = suite;
			const { ctx, page } = await suite.staff(login);
			for (const p of pages) {
				await page.goto(srv.url + p);
				await checkA11y(page, `${login}${p.replace(/\W+/g, '-')}`);
				await fitsPhone(page, `${login} ${p}`);
			}
			await ctx.close();
		});
	}
});
