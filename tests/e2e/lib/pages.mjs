// pages.mjs: what the browser tests of the desks do alike — a server and
// a browser for a suite, check a page with axe-core and keep its
// screenshot, check that it fits a phone, submit and wait for the next
// page, sign a member of staff in, and make a resident ID number.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../api/lib/harness.mjs';
import { launch, axeCheck, formatViolations, screenshot }
	from './browser.mjs';

// A server (startServer(`opts`)) and a browser for the tests of the
// enclosing describe(): started before them, stopped after.  The object
// returned holds `srv` and `browser` once they run, and
// `staff(login)`, signIn() in a context of its own.
export function serverAndBrowser(opts = {}) {
	const s = { staff: (login) => signIn(s.browser, s.srv, login) };
	before(async () => {
		s.srv = await startServer(opts);
		s.browser = await launch();
	});
	after(async () => {
		await s.browser?.close();
		await s.srv?.stop();
	});
	return s;
}

// The rules every page of the desks is held to.
export const A11Y_RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
	'best-practice'];

// A check for the pages of one test: axe-core with A11Y_RULES, the
// screenshot kept as test-results/<prefix>-<name>.png, and a failure
// naming every serious or critical violation.
export function a11yChecker(prefix) {
	return async function checkA11y(page, name) {
		const v = await axeCheck(page, { runOnly: A11Y_RULES });
		await screenshot(page, `${prefix}-${name}`);
		assert.equal(v.length, 0, `${name}:\n${formatViolations(v)}`);
	};
}

// The page must not scroll sideways on a 375 px wide phone.  With
// `shot`, the phone layout's screenshot is kept as test-results/<shot>.png.
export async function fitsPhone(page, name, shot) {
	await page.setViewportSize({ width: 375, height: 800 });
	const wide = await page.evaluate(() =>
		document.documentElement.scrollWidth);
	if (shot)
		await screenshot(page, shot);
	await page.setViewportSize({ width: 1280, height: 900 });
	assert.ok(wide <= 375, `${name}: ${wide}px wide on a phone`);
}

// Click `selector` and wait for the page it leads to.
export async function submitAndWait(page, selector) {
	await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

// Sign `login`, one of the accounts the harness made for `srv`, in
// through the login page, in a browser context of its own: { ctx, page }.
export async function signIn(browser, srv, login) {
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	const acc = srv.accounts.users.find((u) => u.login === login);
	await page.goto(srv.url + '/login');
	await page.fill('#login', login);
	await page.fill('#password', acc.password);
	await submitAndWait(page, 'button[type=submit]');
	return { ctx, page };
}

// A resident ID number with its MOD 11-2 check character.
export { idNumber } from '../../api/lib/fixtures.mjs';
