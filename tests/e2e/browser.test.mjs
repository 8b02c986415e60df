// browser.test.mjs: a person at a browser — first login, forced password
// change, the 繁體 switch, and axe-core on every page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/harness.mjs';
import { launch, axeCheck, formatViolations, screenshot }
	from './lib/browser.mjs';

async function checkA11y(page, name) {
	const v = await axeCheck(page, { runOnly: ['wcag2a', 'wcag2aa',
		'wcag21a', 'wcag21aa', 'best-practice'] });
	await screenshot(page, name);
	assert.equal(v.length, 0, `${name}:\n${formatViolations(v)}`);
}

async function signIn(page, url, login, password) {
	await page.goto(url + '/login');
	await page.fill('#login', login);
	await page.fill('#password', password);
	await Promise.all([page.waitForNavigation(),
		page.click('button[type=submit]')]);
}

describe('first administrator in a browser', () => {
	let srv, browser;
	before(async () => {
		srv = await startServer({ demo: false });
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	it('logs in, must change the first password, switches to 繁體', async () => {
		const page = await browser.newPage();
		const { login, password } = srv.accounts.admin;
		// the site's front page is the public portal; staff sign in
		// from its header
		await page.goto(srv.url + '/');
		await Promise.all([page.waitForNavigation(),
			page.click('a[href="/login"]')]);
		assert.match(page.url(), /\/login/);
		await checkA11y(page, 'login');
		await signIn(page, srv.url, login, password);
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
	let srv, browser;
	before(async () => {
		srv = await startServer({});
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

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
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		for (const p of ['/petition/new', '/petition/query',
			'/petition/done', '/login']) {
			await page.goto(srv.url + p);
			await checkA11y(page, `public${p.replace(/\W+/g, '-')}`);
			await page.setViewportSize({ width: 375, height: 800 });
			const wide = await page.evaluate(() =>
				document.documentElement.scrollWidth);
			assert.ok(wide <= 375, `${p}: ${wide}px wide`);
			await page.setViewportSize({ width: 1280, height: 900 });
		}
		await ctx.close();
	});

	for (const [login, pages] of Object.entries(visits)) {
		it(`as ${login}`, async () => {
			const ctx = await browser.newContext();
			const page = await ctx.newPage();
			const acc = srv.accounts.users.find((u) => u.login === login);
			await signIn(page, srv.url, login, acc.password);
			for (const p of pages) {
				await page.goto(srv.url + p);
				await checkA11y(page, `${login}${p.replace(/\W+/g, '-')}`);
			}
			// The phone layout too, page by page.
			await page.setViewportSize({ width: 375, height: 800 });
			for (const p of pages) {
				await page.goto(srv.url + p);
				const wide = await page.evaluate(() =>
					document.documentElement.scrollWidth);
				assert.ok(wide <= 375, `${login} ${p}: ${wide}px wide`);
			}
			await ctx.close();
		});
	}
});
