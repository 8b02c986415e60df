// ogi_report.test.mjs: the annual report on government information
// disclosure in a browser.  A citizen finds the demo's 2021 report from
// the portal's home page by its section, reads its tables on a phone
// (each table scrolls in its own region, the page never sideways) and
// prints it.  The information disclosure officer reaches the report from
// 政务公开, follows a figure to the applications it counts, and opens the
// inputs and the settings.  axe-core on every page.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, a11yChecker, fitsPhone, submitAndWait }
	from './lib/pages.mjs';

const checkA11y = a11yChecker('ogi-report');

async function checkPage(page, name) {
	await checkA11y(page, name);
	await fitsPhone(page, name, `ogi-report-${name}-375`);
}

describe('the annual report on government information disclosure', () => {
	const suite = serverAndBrowser();

	it('a citizen finds the published report and reads its tables',
	async () => {
		const { srv, browser } = suite;
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		await page.goto(srv.url + '/');
		await submitAndWait(page, 'a:has-text("政府信息公开年报")');
		await checkPage(page, 'section');
		await submitAndWait(page,
			'a:has-text("2021年政府信息公开工作年度报告")');
		assert.match(await page.title(), /2021年政府信息公开工作年度报告/);
		const tables = page.locator('main table');
		assert.ok(await tables.count() >= 3, 'tables 二, 三 and 四');
		const t3 = page.locator('table:has(caption:has-text(' +
			'"收到和处理政府信息公开申请情况"))');
		await t3.waitFor();
		assert.match(await t3.innerText(),
			/本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和/);
		assert.match(await t3.innerText(), /法律服务机构/);
		await checkPage(page, 'portal-item');

		// On a phone the wide table scrolls inside its own region.
		await page.setViewportSize({ width: 375, height: 800 });
		const region = t3.locator('xpath=ancestor::*[@tabindex="0"][1]');
		const fit = await region.evaluate((el) => ({
			scroll: el.scrollWidth, client: el.clientWidth,
			label: el.getAttribute('aria-label') ??
				el.getAttribute('aria-labelledby') }));
		assert.ok(fit.scroll > fit.client, 'the table scrolls in its box');
		assert.ok(fit.label, 'the scrolling region is labelled');
		await page.setViewportSize({ width: 1280, height: 900 });

		// Printed, the tables are part of the article.
		await page.emulateMedia({ media: 'print' });
		assert.equal(await t3.isVisible(), true, 'table 三 printed');
		await page.emulateMedia({ media: 'screen' });
		await ctx.close();
	});

	it('the officer reaches the report from 政务公开 and follows a figure',
	async () => {
		const { srv } = suite;
		const { ctx, page } = await suite.staff('ogi');
		await page.goto(srv.url + '/publications');
		await submitAndWait(page, 'a:has-text("政府信息公开年度报告")');
		await page.selectOption('select[name=year]', '2022');
		await submitAndWait(page, 'button:has-text("查看")');
		assert.match(page.url(), /year=2022/);
		await checkPage(page, 'staff-page');
		// 一、本年新收, 总计: twelve applications in the demo's 2022
		const cell = page.locator('table a[href*="row=0"][href*="col=6"]');
		// the figure, then what it counts for a screen reader
		assert.match(await cell.innerText(), /^12\s*（一、本年新收政府信息公开申请数量，总计/);
		await submitAndWait(page,
			'table a[href*="row=0"][href*="col=6"]');
		await checkPage(page, 'cases');
		assert.equal(await page.locator('main table tbody tr').count(), 12);
		await page.goto(srv.url + '/ogi/report/inputs?year=2022');
		await checkPage(page, 'inputs');
		await page.goto(srv.url + '/ogi/report/settings');
		await checkPage(page, 'settings');
		assert.match(await page.locator('main').innerText(),
			/尚未核实/);
		await ctx.close();
	});
});
