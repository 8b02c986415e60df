// layout.test.mjs: wide tables on screen and pages on paper.  On the
// demo's widest tables (the published 2021 annual report's, the audit
// log, the case statistics, the staff view of the 2022 report) every
// cell can be reached at 1280 px and on a 375 px phone: a table fits its
// box, or the box scrolls and a shadow marks each edge with more of the
// table beyond it, and no box that clips without scrolling cuts a table;
// the page itself never scrolls sideways on the phone.  Printed, a page
// of the desks leaves its frame (header, navigation, language switch,
// footer) and the report's operational notes off, keeps every table
// caption, and no caption ends a page without its table.  Every box a
// table scrolls in is a named region that takes keyboard focus, so the
// arrow keys scroll it in browsers that do not focus scrolling boxes on
// their own (Safari), with the focus ring drawn whole.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverAndBrowser, fitsPhone, submitAndWait } from './lib/pages.mjs';
import { screenshot } from './lib/browser.mjs';

const ITEM = '/gk/i/11330624736120582U/2022-00001';
const REPORT = '/ogi/report?year=2022';
const PAGES = [
	{ name: 'portal-item', url: ITEM },
	{ name: 'audit', login: 'auditadmin', url: '/audit' },
	{ name: 'stats-cases', login: 'petition', url: '/stats/cases' },
	{ name: 'ogi-report', login: 'ogi', url: REPORT },
];

// Pages with wide tables, and who looks at them.  The account page's
// and the permit import's tables are made by the test that visits them.
const WRAPPED = [
	{ login: 'clerk', url: '/petitions?open=0' },
	{ login: 'clerk', url: '/permits' },
	{ login: 'petition', url: '/stats/cases?year=2022&by=dept' },
	{ login: 'petition',
		url: '/stats/cases/list?procedure=hotline&year=2022' },
	{ login: 'leader', url: '/petitions/1' },
	{ login: 'ogi', url: REPORT },
	{ login: 'ogi', url: '/publications' },
	{ login: 'sysadmin', url: '/admin/users' },
	{ login: 'sysadmin', url: '/admin/departments' },
	{ login: 'auditadmin', url: '/audit' },
	{ login: 'ogi', url: '/publications/catalogue' },
	{ login: 'ogi', url: '/publications/settings' },
	{ url: '/gk/permits' },
	{ url: ITEM },
];

// A table hidden by this many pixels or more must show that it is.
const HIDDEN_MIN = 24;
// The edge strip sampled for the shadow, and the least difference in
// brightness (0-255) that counts as one.
const STRIP = 6;
const SHADE = 8;

// `p` open in a page of its own: anonymous, or signed in as p.login.
async function open(suite, p) {
	const page = p.login ? (await suite.staff(p.login)).page :
		await (await suite.browser.newContext()).newPage();
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.goto(suite.srv.url + p.url);
	return page;
}

// The boxes around `table` that cut it: those whose overflow is hidden
// or clip and that are narrower than what they hold (the table, or the
// scrolling box the table is in).  Run in the page.
function cutsOf(table) {
	const cuts = [];
	let inner = table;

	for (let el = table.parentElement; el; el = el.parentElement) {
		const ox = getComputedStyle(el).overflowX;
		if (ox === 'visible')
			continue;
		if (ox === 'auto' || ox === 'scroll') {
			inner = el;
			continue;
		}
		const left = el.getBoundingClientRect().left + el.clientLeft;
		const right = left + el.clientWidth;
		const r = inner.getBoundingClientRect();
		if (r.left < left - 0.5 || r.right > right + 0.5)
			cuts.push(`${el.tagName}.${el.className}`);
	}
	return cuts;
}

// No table of main is cut by a box around it.
async function checkNotCut(page, name) {
	const tables = page.locator('main table');
	for (let i = 0; i < await tables.count(); i++)
		assert.deepEqual(await tables.nth(i).evaluate(cutsOf), [],
			`${name}: table ${i} is cut by`);
}

// The mean brightness of a PNG's pixels in `rect`, decoded by a canvas
// in the blank page `dec`.
function brightness(dec, png, rect) {
	return dec.evaluate(async ({ b64, r }) => {
		const img = new Image();
		img.src = 'data:image/png;base64,' + b64;
		await img.decode();
		const c = document.createElement('canvas');
		c.width = img.width;
		c.height = img.height;
		const g = c.getContext('2d');
		g.drawImage(img, 0, 0);
		const d = g.getImageData(r.x, r.y, r.w, r.h).data;
		let sum = 0;
		for (let k = 0; k < d.length; k += 4)
			sum += 0.2126 * d[k] + 0.7152 * d[k + 1] +
				0.0722 * d[k + 2];
		return sum / (d.length / 4);
	}, { b64: png.toString('base64'), r: rect });
}

// The brightness of the strips inside the left and right edges of a
// table's scrolling box, beside the table's caption (or first head row)
// with its text made transparent for the picture: { left, right }.
async function edges(dec, wrap) {
	const rect = await wrap.evaluate((el) => {
		const t = el.querySelector('table');
		const row = t.caption ?? t.tHead?.rows[0] ?? t.rows[0];
		for (const e of [row, ...row.querySelectorAll('*')])
			e.style.color = 'transparent';
		const box = el.getBoundingClientRect();
		const r = row.getBoundingClientRect();
		return { top: Math.round(r.top - box.top + r.height / 4),
			h: Math.max(1, Math.round(r.height / 2)),
			left: el.clientLeft, width: el.clientWidth };
	});
	const png = await wrap.screenshot();
	await wrap.evaluate((el) => {
		for (const e of el.querySelectorAll('[style]'))
			e.style.color = '';
	});
	const y = rect.top, h = rect.h;
	return {
		left: await brightness(dec, png,
			{ x: rect.left, y, w: STRIP, h }),
		right: await brightness(dec, png,
			{ x: rect.left + rect.width - STRIP, y, w: STRIP, h }),
	};
}

// Every scrolling box of a table in main that hides part of its table
// shows a shadow at each edge with more beyond it, and none at an edge
// with nothing beyond; a box whose table fits shows none.  Returns how
// many boxes hid part of their tables.
async function checkScrollers(page, dec, name) {
	let n = 0;
	const wraps = page.locator('main :is(div, section):has(> table)');
	for (let i = 0; i < await wraps.count(); i++) {
		const wrap = wraps.nth(i);
		const s = await wrap.evaluate((el) => {
			const ox = getComputedStyle(el).overflowX;
			el.scrollLeft = 0;
			return { scrolls: ox === 'auto' || ox === 'scroll',
				hidden: el.scrollWidth - el.clientWidth };
		});
		if (!s.scrolls)
			continue;
		const what = `${name}: table box ${i} (${s.hidden}px hidden)`;
		let e = await edges(dec, wrap);
		if (s.hidden <= 0) {
			assert.ok(Math.abs(e.left - e.right) < SHADE / 2,
				`${what}: a shadow on a table that fits ` +
				JSON.stringify(e));
			continue;
		}
		if (s.hidden < HIDDEN_MIN)
			continue;
		n++;
		assert.ok(e.right < e.left - SHADE,
			`${what}: no shadow on the right ${JSON.stringify(e)}`);
		await wrap.evaluate((el) => {
			el.scrollLeft = el.scrollWidth;
		});
		e = await edges(dec, wrap);
		assert.ok(e.left < e.right - SHADE,
			`${what}: scrolled to the end, no shadow at the left ` +
			`edge ${JSON.stringify(e)}`);
		await wrap.evaluate((el) => { el.scrollLeft = 0; });
	}
	return n;
}

const shown = (page, sel) => page.evaluate((s) => {
	const el = document.querySelector(s);
	return !!el && getComputedStyle(el).display !== 'none' &&
		el.getBoundingClientRect().height > 0;
}, sel);

function hasPdftotext() {
	try {
		execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

// The pages whose last line of text is a table caption when `page` is
// printed on A4-wide paper `mm` millimetres high.
async function strandedCaptions(page, mm, captions, dir) {
	const file = path.join(dir, `print-${mm}.pdf`);
	await page.pdf({ path: file, width: '210mm', height: `${mm}mm` });
	const text = execFileSync('pdftotext', ['-layout', file, '-'],
		{ encoding: 'utf8' });
	return text.split('\f').flatMap((sheet, n) => {
		const last = sheet.split('\n').map((l) => l.trim())
			.filter(Boolean).at(-1);
		return captions.includes(last) ?
			[`${mm}mm page ${n + 1}: ${last}`] : [];
	});
}

// Every table of `p` can be read whole at 1280 px and on a phone.
async function checkWidths(suite, dec, p) {
	const page = await open(suite, p);
	assert.ok(await page.locator('main table').count() > 0,
		`${p.name}: no table`);
	for (const width of [1280, 375]) {
		const name = `${p.name} at ${width}px`;
		await page.setViewportSize({ width, height: 900 });
		await checkNotCut(page, name);
		const n = await checkScrollers(page, dec, name);
		// on the phone, and table 四 in the item always
		if (width === 375 || p.url === ITEM)
			assert.ok(n > 0, `${name}: no wide table`);
	}
	await page.setViewportSize({ width: 1280, height: 900 });
	assert.ok(await page.evaluate(() =>
		document.documentElement.scrollWidth) <= 1280,
		`${p.name}: the page scrolls sideways at 1280px`);
	await fitsPhone(page, p.name, `layout-${p.name}-375`);
	await page.context().close();
}

// `p` printed: no frame, every table caption.
async function checkPrinted(suite, p) {
	const page = await open(suite, p);
	await page.emulateMedia({ media: 'print' });
	for (const sel of ['.skip', '.site-header', '.main-nav', '.lang',
		'.user-box', '.site-footer'])
		assert.equal(await shown(page, sel), false,
			`${p.name}: ${sel} printed`);
	const caps = page.locator('main table caption');
	for (let i = 0; i < await caps.count(); i++)
		assert.equal(await caps.nth(i).isVisible(), true,
			`${p.name}: caption ${i} not printed`);
	await page.context().close();
}

// No page of `p`, printed on paper of many heights, ends with one of
// its table captions.
async function checkCaptionsKept(suite, p, dir) {
	const page = await open(suite, p);
	const captions = (await page.locator('main caption').allInnerTexts())
		.map((c) => c.trim());
	const bad = [];
	for (let mm = 200; mm <= 320; mm += 6)
		bad.push(...await strandedCaptions(page, mm, captions, dir));
	assert.deepEqual(bad, [],
		`${p.name}: captions left at the foot of a page`);
	await page.context().close();
}

// What is wrong with each table box of the page: not a focusable
// region, or not named by a caption or heading with text that is the
// only element of the page with its id.  Run in the page.
function wrapFaults() {
	return [...document.querySelectorAll('.table-wrap')].flatMap((w, i) => {
		const bad = [];
		if (w.getAttribute('role') !== 'region')
			bad.push('role is not region');
		if (w.getAttribute('tabindex') !== '0')
			bad.push('tabindex is not 0');
		const ids = (w.getAttribute('aria-labelledby') ?? '').trim();
		if (!ids)
			bad.push('no aria-labelledby');
		for (const id of ids.split(/\s+/).filter(Boolean)) {
			const n = document.querySelectorAll(
				`[id="${CSS.escape(id)}"]`).length;
			const text = document.getElementById(id)?.textContent
				.trim();
			if (n !== 1)
				bad.push(`${n} elements with the id ${id}`);
			else if (!text)
				bad.push(`the label ${id} has no text`);
		}
		return bad.map((b) => `table box ${i}: ${b}`);
	});
}

// The table boxes of `page` as `what`: there is one at least, and none
// has a fault.
async function checkWraps(page, what) {
	assert.ok(await page.locator('main .table-wrap').count() > 0,
		`${what}: no table box`);
	assert.deepEqual(await page.evaluate(wrapFaults), [], what);
}

// The boxes around the focused element that would clip its focus
// ring (outline and offset).  Run in the page.
function ringClippedBy() {
	const el = document.activeElement;
	const cs = getComputedStyle(el);
	const ring = parseFloat(cs.outlineWidth) +
		parseFloat(cs.outlineOffset);
	const r = el.getBoundingClientRect();
	const cuts = [];
	for (let p = el.parentElement; p; p = p.parentElement) {
		const ps = getComputedStyle(p);
		if (ps.overflowX === 'visible' && ps.overflowY === 'visible')
			continue;
		const b = p.getBoundingClientRect();
		if (r.left - ring < b.left || r.right + ring > b.right ||
		    r.top - ring < b.top)
			cuts.push(`${p.tagName}.${p.className}`);
	}
	return cuts;
}

describe('wide tables and printing', () => {
	const suite = serverAndBrowser();

	it('every cell of a wide table can be reached, at 1280 px and on a ' +
	'phone', async () => {
		const dec = await suite.browser.newPage();
		for (const p of PAGES)
			await checkWidths(suite, dec, p);
		await dec.context().close();
	});

	it('a page of the desks prints without its frame', async () => {
		for (const p of PAGES.filter((x) => x.login))
			await checkPrinted(suite, p);
	});

	it('the annual report prints the report alone', async () => {
		const page = await open(suite, PAGES.at(-1));
		await page.emulateMedia({ media: 'print' });
		assert.equal(await shown(page, 'article.gi-report'), true);
		assert.equal(await page.locator('p:has-text("即时生成")')
			.isVisible(), false, 'how the page was made, printed');
		assert.equal(await shown(page,
			'section[aria-labelledby="gi-drafts-h"]'), false,
			'the drafts printed');
		await page.context().close();
	});

	it('no printed page ends with a table caption', async (t) => {
		if (!hasPdftotext())
			return t.skip('needs pdftotext (poppler-utils)');
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fz-pdf-'));
		try {
			await checkCaptionsKept(suite, PAGES.at(-1), dir);
			await checkCaptionsKept(suite, PAGES[0], dir);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('every table box is a named region that takes focus', async () => {
		for (const p of WRAPPED) {
			const page = await open(suite, p);
			await checkWraps(page,
				`${p.login ?? 'anonymous'} ${p.url}`);
			await page.context().close();
		}

		// the token list, once there is a token
		const { page } = await suite.staff('clerk');
		await page.goto(suite.srv.url + '/account');
		await page.fill('#token-name', '数据报送接口');
		await submitAndWait(page, 'form[action="/account/tokens"] ' +
			'button[type=submit]');
		await checkWraps(page, 'clerk /account');
		await page.context().close();

		// the findings of a permit sheet with a bad row
		const ogi = (await suite.staff('ogi')).page;
		await ogi.goto(suite.srv.url + '/permits/import');
		await ogi.setInputFiles('#file', { name: '许可.csv',
			mimeType: 'text/csv', buffer: Buffer.from(
				'许可事项,决定文书号,行政相对人名称,统一社会信用代码,' +
				'许可决定日期,有效期自,有效期至,许可机关,许可依据,' +
				'全文\n建设工程规划许可,新规许〔2024〕1号,测试公司,' +
				'123,2024-13-01,,,新昌高新园区管理委员会,,\n') });
		await submitAndWait(ogi, 'form[action="/permits/import"] ' +
			'button[type=submit]');
		assert.equal(await ogi.locator('#report-cap').count(), 1,
			'no findings table');
		await checkWraps(ogi, 'ogi /permits/import');
		await ogi.context().close();
	});

	// Without site.js, which marks the boxes that scroll as focusable
	// but may not load: the page's own markup must do it.
	it('on a phone, Tab reaches a wide table and the arrow keys scroll it',
	async () => {
		const signed = await suite.staff('petition');
		const ctx = await suite.browser.newContext({
			javaScriptEnabled: false,
			storageState: await signed.ctx.storageState() });
		await signed.ctx.close();
		const page = await ctx.newPage();
		await page.setViewportSize({ width: 375, height: 800 });
		await page.goto(suite.srv.url + WRAPPED[2].url);
		let tabs = 0;
		do {
			await page.keyboard.press('Tab');
		} while (++tabs < 300 && !await page.evaluate(() =>
			document.activeElement.matches('.table-wrap')));
		const wrap = page.locator('.table-wrap:focus');
		assert.equal(await wrap.count(), 1, 'Tab skips the table box');
		const s = await wrap.evaluate((el) => {
			const cs = getComputedStyle(el);
			return { hidden: el.scrollWidth - el.clientWidth,
				ring: el.matches(':focus-visible') &&
					cs.outlineStyle !== 'none' &&
					parseFloat(cs.outlineWidth) >= 2 };
		});
		assert.ok(s.hidden > HIDDEN_MIN, `${s.hidden}px hidden`);
		assert.ok(s.ring, 'no focus ring on the table box');
		assert.deepEqual(await page.evaluate(ringClippedBy), [],
			'the focus ring is cut by');
		await screenshot(page, 'layout-table-focus-375');
		const x0 = await wrap.evaluate((el) => el.scrollLeft);
		await page.keyboard.press('ArrowRight');
		// The scroll may be animated, and the page runs no script
		// to wait in.
		let x = x0;
		for (let i = 0; i < 50 && x <= x0; i++) {
			await page.waitForTimeout(100);
			x = await wrap.evaluate((el) => el.scrollLeft);
		}
		assert.ok(x > x0, `ArrowRight left scrollLeft at ${x}`);
		await ctx.close();
	});

	// A field the server refused is drawn in the danger colour, text
	// inputs as well as selects.
	it('a refused field is marked red', async () => {
		const page = await suite.browser.newPage();
		await page.goto(suite.srv.url + '/gk/permits?year=abc');
		const border = await page.$eval('#year', (e) =>
			getComputedStyle(e).borderTopColor);
		assert.equal(border, 'rgb(179, 38, 30)');   // --danger, #b3261e
		await page.context().close();
	});
});
