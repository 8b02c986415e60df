// portal.test.mjs: a citizen reads the public portal in a browser — from
// "/" through a section to an item, whose visit counter rises on reload;
// prints it (the print stylesheet keeps the article and its index block
// only, and the print view), changes the font size, switches to 繁體 —
// with axe-core on every portal page and the phone width checked.
//
// Until the publishing pipeline's demo exists, items are written with SQL.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { sqlOut as query, sqlQuote as q } from '../api/lib/sql.mjs';
import { screenshot } from './lib/browser.mjs';
import { serverAndBrowser, a11yChecker, fitsPhone as fits,
	submitAndWait as clickAndWait } from './lib/pages.mjs';

const ORG = '11330624PORTALE2E0';
const T0 = 1676968500;             // 2023-02-21 16:35 in Xinchang

let serial = 0;

// An item as the publishing pipeline leaves it: its case and its row.
function publish(srv, { title, body, cat, docNo = '', withdrawn = 0,
	reason = '' }) {
	const n = ++serial;
	const index = `${ORG}/2022-${String(80000 + n)}`;
	query(srv, 'INSERT INTO cases (proc, version, year, seq, number, ' +
		'state, fields, created_at, updated_at) VALUES (' +
		`'publication', 1, 2022, ${80000 + n}, 'GK-E2E-${n}', ` +
		`'published', '{}', ${T0}, ${T0})`);
	query(srv, 'INSERT INTO publications (case_id, index_no, title, body, ' +
		'doc_no, publisher, source, catalogue_id, formed_on, ' +
		'published_at, withdrawn_at, withdraw_reason, created_at, ' +
		`updated_at) SELECT c.id, ${q(index)}, ${q(title)}, ${q(body)}, ` +
		`${q(docNo)}, '新昌高新园区管理委员会', '新昌高新园区', ` +
		`(SELECT id FROM catalogue WHERE code = ${q(cat)}), '2022-12-01', ` +
		`${T0 + n * 60}, ${withdrawn}, ${q(reason)}, ${T0}, ${T0} ` +
		`FROM cases c WHERE c.number = 'GK-E2E-${n}'`);
	return `/gk/i/${index}`;
}

const checkA11y = a11yChecker('portal');

// Nothing wider than a 375 px phone; a screenshot of the phone layout.
const fitsPhone = (page, name) => fits(page, name, `portal-${name}-375`);

const visits = async (page) => Number(await page.textContent('.gk-visits'));
const shown = (page, sel) => page.evaluate((s) => {
	const el = document.querySelector(s);
	return !!el && getComputedStyle(el).display !== 'none' &&
		el.getBoundingClientRect().height > 0;
}, sel);

describe('a citizen reads the portal, in a browser', () => {
	const suite = serverAndBrowser();
	let srv, browser, item, gone;

	before(() => {
		({ srv, browser } = suite);
		item = publish(srv, { cat: '09', docNo: '新高〔2022〕7号',
			title: '关于征求《新昌高新园区行政执法规范》意见的通知',
			body: '　　为进一步规范园区行政执法行为，加强干部队伍建设，' +
				'现就《行政执法规范（征求意见稿）》公开征求意见。\n' +
				'　　坚持先审查、后公开，一事一审，筑牢依法行政防线，' +
				'明确适用范围。\n　　欢迎社会各界提出意见建议。' });
		publish(srv, { cat: '09', title: '关于征求园区道路命名方案意见的公告',
			body: '征求意见期限为三十日。' });
		publish(srv, { cat: '0501', title: '新昌高新园区2023年部门预算公开',
			body: '预算说明见附件。' });
		gone = publish(srv, { cat: '08', title: '已撤回的通知',
			body: '原文。', withdrawn: T0 + 86400,
			reason: '通知内容有误，更正后重新发布' });
	});

	it('home, section, item: axe-core and a phone on every page',
	async () => {
		const page = await (await browser.newContext()).newPage();
		await page.goto(srv.url + '/');
		assert.match(await page.textContent('h1'), /政府信息公开/);
		assert.ok(await page.$('a[href="/login"]'), 'staff login linked');
		assert.ok(await page.$('a[href="/petition/new"]'));
		await checkA11y(page, 'home');
		await fitsPhone(page, 'home');

		// the catalogue leads to the section, the section to the item
		await clickAndWait(page, '#catalogue a[href="/gk/c/09"]');
		assert.equal(new URL(page.url()).pathname, '/gk/c/09');
		await checkA11y(page, 'section');
		await fitsPhone(page, 'section');
		await clickAndWait(page, `a[href="${item}"]`);
		assert.equal(decodeURIComponent(new URL(page.url()).pathname),
			item);
		await checkA11y(page, 'item');
		await fitsPhone(page, 'item');

		// the counter is in the page and rises on reload
		const n = await visits(page);
		assert.ok(n >= 1);
		await page.reload();
		assert.equal(await visits(page), n + 1);
		await page.reload();
		assert.equal(await visits(page), n + 2);
	});

	it('prints the article and its metadata only', async () => {
		const page = await (await browser.newContext()).newPage();
		await page.goto(srv.url + item);
		await page.emulateMedia({ media: 'print' });
		for (const sel of ['.site-header', '.main-nav', '.site-footer',
			'.gk-share', '.gk-tools', '.gk-crumbs'])
			assert.equal(await shown(page, sel), false, `${sel} printed`);
		for (const sel of ['.gk-item h1', '.gk-byline', 'dl.gk-info',
			'.gk-body'])
			assert.equal(await shown(page, sel), true, `${sel} missing`);
		assert.match(await page.textContent('dl.gk-info'), /索引号.*文号/s);
		await screenshot(page, 'portal-item-print');
		await page.emulateMedia({ media: 'screen' });

		// 打印本页: the print view, script-free
		await clickAndWait(page, 'a[href="?print=1"]');
		assert.equal(await shown(page, '.site-header'), false);
		assert.equal(await shown(page, 'dl.gk-info'), true);
		await checkA11y(page, 'item-print-view');
		await fitsPhone(page, 'item-print-view');
	});

	it('font size 【大】【中】【小】 and 繁體 on the item', async () => {
		const page = await (await browser.newContext()).newPage();
		await page.goto(srv.url + item);
		await clickAndWait(page, '.gk-fs a[href="?fs=l"]');
		assert.match(await page.getAttribute('html', 'class'), /fs-large/);
		const big = await page.evaluate(() => parseFloat(getComputedStyle(
			document.documentElement).fontSize));
		assert.ok(big > 16, `font size ${big}`);
		await checkA11y(page, 'item-large');
		await clickAndWait(page, '.gk-fs a[href="?fs=m"]');
		assert.doesNotMatch(await page.getAttribute('html', 'class'),
			/fs-large/);

		await clickAndWait(page, '.lang a[lang=zh-Hant]');
		assert.equal(decodeURIComponent(new URL(page.url()).pathname),
			item);
		assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hant');
		const text = await page.textContent('main');
		for (const w of ['幹部', '規範', '徵求', '後公開', '築牢', '範圍'])
			assert.ok(text.includes(w), `繁體 reads ${w}`);
		for (const w of ['干部', '規范', '后公開', '筑牢'])
			assert.ok(!text.includes(w), `no ${w}`);
		await checkA11y(page, 'item-hant');
		await fitsPhone(page, 'item-hant');
		await clickAndWait(page, '.lang a[lang=zh-Hans]');
		assert.match(await page.textContent('main'), /干部/);
	});

	it('withdrawn items, unknown pages', async () => {
		const page = await (await browser.newContext()).newPage();
		let r = await page.goto(srv.url + gone);
		assert.equal(r.status(), 410);
		assert.match(await page.textContent('main'), /通知内容有误/);
		assert.doesNotMatch(await page.textContent('main'), /原文/);
		await checkA11y(page, 'withdrawn');
		await fitsPhone(page, 'withdrawn');
		r = await page.goto(srv.url + '/gk/i/NONE/2022-00000');
		assert.equal(r.status(), 404);
		await checkA11y(page, 'not-found');
		r = await page.goto(srv.url + '/gk/c/0501');
		assert.equal(r.status(), 200);
		await checkA11y(page, 'subsection');
	});
});
