// disclosure.test.mjs: a citizen applies for government information
// online, the disclosure officer replies with a letter attached, and the
// citizen reads the reply and downloads the letter with the query code —
// with axe-core on every new page and the phone layout checked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, a11yChecker, fitsPhone, submitAndWait,
	idNumber }
	from './lib/pages.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n' +
	'trailer << /Root 1 0 R >>\n%%EOF\n');

const checkA11y = a11yChecker('disclosure');

describe('an application for disclosure from a citizen to the reply, ' +
'in a browser', () => {
	const suite = serverAndBrowser();
	const { staff } = suite;

	it('apply, reply, read the reply with the query code', async () => {
		const { srv, browser } = suite;
		// The citizen applies.
		const ctx = await browser.newContext({ acceptDownloads: true });
		const citizen = await ctx.newPage();
		await citizen.goto(srv.url + '/ysq/new');
		await checkA11y(citizen, 'new');
		await fitsPhone(citizen, 'new', 'disclosure-new-375');
		await citizen.check('#applicant-natural');
		await citizen.fill('#p_name', '林晓');
		await citizen.fill('#p_id_number',
			idNumber('33062419850315242'));
		await citizen.fill('#p_phone', '138 1234 5678');
		await citizen.fill('#title', '园区2022年道路改造工程招标文件');
		await citizen.fill('#description',
			'申请获取园区2022年道路改造工程的招标文件。');
		await citizen.selectOption('#form', 'electronic');
		await citizen.selectOption('#delivery', 'online');
		await citizen.setInputFiles('#attachments', { name: '申请书.pdf',
			mimeType: 'application/pdf', buffer: PDF });
		await submitAndWait(citizen, 'main button[type=submit]');
		assert.equal(new URL(citizen.url()).pathname, '/ysq/done');
		const number = (await citizen.textContent('#case-number')).trim();
		const code = (await citizen.textContent('#query-code')).trim();
		assert.match(number, /^新高依申〔\d{4}〕\d{3}号$/);
		await checkA11y(citizen, 'done');
		await fitsPhone(citizen, 'done', 'disclosure-done-375');

		// A refused form comes back with the message and the values.
		await citizen.goto(srv.url + '/ysq/new');
		await citizen.check('#applicant-org');
		await citizen.selectOption('#org_type', 'business');
		await citizen.fill('#p_name', '新昌县某某科技有限公司');
		await citizen.fill('#p_id_number', '91330624MA2BCDE1X0');
		await citizen.fill('#p_phone', '0575-86012345');
		await citizen.fill('#title', '园区企业用地规划');
		await citizen.fill('#description', '申请获取园区工业用地规划图。');
		await citizen.selectOption('#form', 'paper');
		await citizen.selectOption('#delivery', 'pickup');
		await submitAndWait(citizen, 'main button[type=submit]');
		assert.match(await citizen.textContent('[role=alert]'),
			/统一社会信用代码/);
		assert.equal(await citizen.inputValue('#p_name'),
			'新昌县某某科技有限公司');
		await checkA11y(citizen, 'new-refused');

		// The disclosure officer finds it and replies with a letter.
		const ogi = await staff('ogi');
		await ogi.page.goto(srv.url + '/petitions?procedure=disclosure');
		await checkA11y(ogi.page, 'list');
		await fitsPhone(ogi.page, 'list');
		await submitAndWait(ogi.page, `a:text("${number}")`);
		const caseUrl = ogi.page.url();
		assert.match(await ogi.page.textContent('main'), /138\*{4}5678/);
		await checkA11y(ogi.page, 'case');
		await fitsPhone(ogi.page, 'case');
		const form = 'form[action$="/actions/reply"]';
		await ogi.page.click(`details:has(${form}) > summary`);
		await ogi.page.selectOption('#a-reply-reply_type', 'disclose');
		await ogi.page.fill('#a-reply-reply_text',
			'经审查，您申请的招标文件予以公开，详见附件。');
		await ogi.page.setInputFiles('#a-reply-reply_files', {
			name: '政府信息公开申请答复书.pdf',
			mimeType: 'application/pdf', buffer: PDF });
		await submitAndWait(ogi.page, `${form} button[type=submit]`);
		assert.match(await ogi.page.textContent('.flash'), /已办理：答复/);
		assert.equal(ogi.page.url(), caseUrl);
		await checkA11y(ogi.page, 'case-replied');
		await ogi.page.goto(srv.url +
			'/petitions/new?procedure=disclosure');
		await checkA11y(ogi.page, 'register');
		await fitsPhone(ogi.page, 'register');

		// The citizen comes back with the code and reads the reply.
		await citizen.goto(srv.url + '/ysq/query');
		await checkA11y(citizen, 'query');
		await fitsPhone(citizen, 'query', 'disclosure-query-375');
		await citizen.fill('#code', code.toLowerCase());
		await citizen.fill('#last4', '5678');
		await submitAndWait(citizen, 'main button[type=submit]');
		const shown = await citizen.textContent('main');
		assert.ok(shown.includes(number));
		assert.match(shown, /已答复/);
		assert.match(shown, /招标文件予以公开/);
		assert.doesNotMatch(shown, /申请书\.pdf/);
		await citizen.click('details.explain > summary');
		assert.match(await citizen.textContent('details.explain'),
			/起算日/);
		await checkA11y(citizen, 'status');
		await fitsPhone(citizen, 'status', 'disclosure-status-375');
		const [download] = await Promise.all([
			citizen.waitForEvent('download'),
			citizen.click('form[action="/ysq/query/file"] button')]);
		assert.equal(download.suggestedFilename(),
			'政府信息公开申请答复书.pdf');

		// Someone guessing codes: after five misses the form comes back
		// with what was typed, saying when to try again.
		const guesser = await (await browser.newContext()).newPage();
		for (let i = 0; i < 6; i++) {
			await guesser.goto(srv.url + '/ysq/query');
			await guesser.fill('#code', 'ABCDEFGHJKMN');
			await guesser.fill('#last4', '1234');
			await submitAndWait(guesser, 'main button[type=submit]');
		}
		assert.match(await guesser.textContent('[role=alert]'),
			/查询失败的次数过多.*请 \d+ 秒后再试/);
		assert.equal(await guesser.inputValue('#code'), 'ABCDEFGHJKMN');
		await checkA11y(guesser, 'query-throttled');
		await fitsPhone(guesser, 'query-throttled',
			'disclosure-query-throttled-375');
		await ogi.ctx.close();
		await ctx.close();
	});
});
