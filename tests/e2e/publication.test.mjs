// publication.test.mjs: an item through the publishing pipeline as staff
// work it in the browser — the information disclosure officer drafts an
// item whose body holds a mobile number and a resident ID number and
// submits it; the confidentiality reviewer sees both findings, redacts
// one and justifies the other, and passes the review; the leader
// approves; the officer publishes; the public page shows the mask.  Then
// a citizen finds the item with the portal's search (highlighted, with
// the section and year filters).  axe-core and the phone width on every
// staff page of the pipeline visited.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, a11yChecker, fitsPhone, submitAndWait,
	idNumber }
	from './lib/pages.mjs';

const ID = idNumber('33062419791108331');
const MOBILE = '13957512468';
const TITLE = '关于萤石路段施工期间交通组织调整的通告';
const BODY = '　　因萤石路段雨污管网改造施工，自即日起至施工结束，' +
	'该路段实行半幅通行，请过往车辆和行人注意绕行。\n' +
	`　　施工单位现场负责人：王工，联系电话 ${MOBILE}。\n` +
	`　　投诉人身份证号 ${ID} 已登记在案。`;
const CAT = '09';

const checkA11y = a11yChecker('publication');

// axe-core, and the phone layout with its screenshot.
async function checkPage(page, name) {
	await checkA11y(page, name);
	await fitsPhone(page, name, `publication-${name}-375`);
}

// Open the fold of action `id` on an item page and send it.
async function act(page, id, fill = async () => {}) {
	const form = `form[action$="/actions/${id}"]`;
	await page.click(`details:has(${form}) > summary`);
	await fill(form);
	await submitAndWait(page, `${form} button[type=submit]`);
	const alert = await page.$('main [role=alert]');
	assert.equal(alert, null, `${id} refused: ${
		alert && await alert.textContent()}`);
}

describe('an item through review and approval to the portal, in a browser',
() => {
	const suite = serverAndBrowser();
	const { staff } = suite;
	let itemUrl, publicPath;

	it('draft, review with findings, approve, publish', async () => {
		const { srv, browser } = suite;
		// The officer drafts and submits.
		const ogi = await staff('ogi');
		await ogi.page.goto(srv.url + '/publications');
		await checkPage(ogi.page, 'list');
		await ogi.page.goto(srv.url + '/publications/catalogue');
		await checkPage(ogi.page, 'catalogue');
		await ogi.page.goto(srv.url + '/publications/settings');
		await checkPage(ogi.page, 'settings');
		await ogi.page.goto(srv.url + '/publications/new');
		await checkPage(ogi.page, 'new');
		await ogi.page.fill('#title', TITLE);
		await ogi.page.selectOption('#catalogue', CAT);
		await ogi.page.fill('#source', '园区建设管理局');
		await ogi.page.fill('#body', BODY);
		await submitAndWait(ogi.page, 'main button[type=submit]');
		assert.match(new URL(ogi.page.url()).pathname,
			/^\/publications\/\d+$/);
		itemUrl = ogi.page.url();
		assert.match(await ogi.page.textContent('.flash'), /草稿已保存/);
		await checkPage(ogi.page, 'draft');
		await act(ogi.page, 'submit');
		assert.match(await ogi.page.textContent('.flash'),
			/已办理：提交保密审查/);
		assert.match(await ogi.page.textContent('#findings'),
			/发现\s*2\s*处/);
		await checkPage(ogi.page, 'in-review-officer');

		// The reviewer resolves each finding, then passes the review.
		const rev = await staff('secrecy');
		await rev.page.goto(itemUrl);
		await checkPage(rev.page, 'in-review');
		const findings = rev.page.locator('#findings ol.findings > li');
		assert.equal(await findings.count(), 2);
		const idRow = findings.filter({ hasText: '公民身份号码' });
		const phoneRow = findings.filter({ hasText: '手机号码' });
		assert.equal(await idRow.count(), 1, 'the ID number is found');
		assert.equal(await phoneRow.count(), 1, 'the mobile is found');
		const masked = (await idRow.locator('code').textContent()).trim();
		assert.ok(!masked.includes(ID), 'the finding shows a mask');

		// approving before the findings are resolved is refused
		await rev.page.click('details:has(form[action$=' +
			'"/actions/pass_review"]) > summary');
		await submitAndWait(rev.page, 'form[action$="/actions/' +
			'pass_review"] button[type=submit]');
		assert.match(await rev.page.textContent('main [role=alert]'),
			/2 处尚未处理（.*须逐项遮盖或说明理由/);
		await rev.page.goto(itemUrl);

		await idRow.locator('input[value=redacted]').check();
		await submitAndWait(rev.page, '#findings ol.findings > li:has-text' +
			'("公民身份号码") form button[type=submit]');
		assert.match(await rev.page.textContent('.flash'), /已记录处理决定/);
		await phoneRow.locator('input[value=justified]').check();
		await phoneRow.locator('input[name=reason]').fill(
			'施工单位对外公布的工作联系电话，不属于个人隐私');
		await submitAndWait(rev.page, '#findings ol.findings > li:has-text' +
			'("手机号码") form button[type=submit]');
		assert.match(await rev.page.textContent('#findings'),
			/尚未处理\s*0\s*处/);
		await checkPage(rev.page, 'resolved');
		await act(rev.page, 'pass_review', (form) => rev.page.fill(
			`${form} #a-pass_review-review_note`,
			'已核对，身份证号遮盖后公开。').catch(() => {}));
		assert.match(await rev.page.textContent('.flash'),
			/已办理：审查通过/);

		// The leader approves.
		const lead = await staff('leader');
		await lead.page.goto(srv.url + '/publications');
		await checkPage(lead.page, 'list-leader');
		await lead.page.goto(itemUrl);
		await checkPage(lead.page, 'reviewed');
		await act(lead.page, 'approve');
		assert.match(await lead.page.textContent('.flash'),
			/已办理：批准公开/);

		// The officer publishes; the public page shows the mask.
		await ogi.page.goto(itemUrl);
		await checkPage(ogi.page, 'approved');
		await act(ogi.page, 'publish');
		assert.match(await ogi.page.textContent('.flash'),
			/已办理：发布/);
		await checkPage(ogi.page, 'published');
		publicPath = await ogi.page.getAttribute(
			'a[href^="/gk/i/"]', 'href');
		assert.ok(publicPath, 'a link to the public page');

		const citizen = await (await browser.newContext()).newPage();
		const r = await citizen.goto(srv.url + publicPath);
		assert.equal(r.status(), 200);
		assert.equal((await citizen.textContent('#gk-title')).trim(),
			TITLE);
		const body = await citizen.textContent('.gk-body');
		assert.ok(!body.includes(ID), 'the ID number is not published');
		assert.ok(body.includes(masked), `the mask ${masked} is shown`);
		assert.ok(body.includes(MOBILE), 'the justified number stays');
		await ogi.ctx.close();
		await rev.ctx.close();
		await lead.ctx.close();
	});

	it('a citizen searches: highlighted results, section and year filters',
	async () => {
		const { srv, browser } = suite;
		assert.ok(publicPath, 'published by the test before');
		const page = await (await browser.newContext()).newPage();
		await page.goto(srv.url + '/gk/');
		await page.fill('#gk-q', '萤石');
		await submitAndWait(page, 'form.gk-search button[type=submit]');
		assert.equal(new URL(page.url()).pathname, '/gk/search');
		const hit = page.locator(`ol.gk-results li:has(a[href="${
			publicPath}"])`);
		assert.equal(await hit.count(), 1, 'the item is found');
		assert.deepEqual(await hit.locator('mark').allTextContents()
			.then((m) => [...new Set(m)]), ['萤石']);
		await checkPage(page, 'search');

		// its section and year keep it; another section does not
		const year = String(new Date().getFullYear());
		await page.selectOption('#c', CAT);
		if (await page.locator(`#y option[value="${year}"]`).count())
			await page.selectOption('#y', year);
		await submitAndWait(page, 'form.filters button[type=submit]');
		assert.equal(await hit.count(), 1, 'found within its section');
		const other = await page.$$eval('#c option', (os, c) =>
			os.map((o) => o.value).find((v) => v && !v.startsWith(c)),
			CAT);
		assert.ok(other, 'another section to filter by');
		await page.selectOption('#c', other);
		await submitAndWait(page, 'form.filters button[type=submit]');
		assert.equal(await hit.count(), 0, 'not found in another section');
		await checkA11y(page, 'search-filtered');
	});
});
