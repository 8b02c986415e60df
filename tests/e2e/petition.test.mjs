// petition.test.mjs: a citizen submits a letter online, the petition
// office and a department handle it, the head signs the reply off, and the
// citizen reads it with the query code and rates it — with axe-core on
// every page of the desk and the phone layout checked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, a11yChecker, fitsPhone, submitAndWait }
	from './lib/pages.mjs';

const checkA11y = a11yChecker('petition');

describe('a petition from a citizen to the reply, in a browser', () => {
	const suite = serverAndBrowser();
	const { staff } = suite;

	// Open the action's fold on the case page, fill it, submit it.
	async function act(page, caseUrl, action, fill) {
		await page.goto(caseUrl);
		const form = `form[action$="/actions/${action}"]`;
		await page.click(`details:has(${form}) > summary`);
		await fill(page);
		await submitAndWait(page, `${form} button[type=submit]`);
		assert.match(await page.textContent('.flash'), /已办理/);
	}

	it('submit, handle, sign off, read the reply, rate it', async () => {
		const { srv, browser } = suite;
		// The citizen.
		// They arrive at the site's front door, the login page, and find
		// the public service from its footer.
		const citizen = await (await browser.newContext()).newPage();
		await citizen.goto(srv.url + '/login');
		await submitAndWait(citizen, 'footer a[href="/petition/new"]');
		assert.equal(new URL(citizen.url()).pathname, '/petition/new');
		// the public's page, in the portal's frame
		assert.equal(await citizen.getAttribute('.main-nav [aria-current]',
			'href'), '/petition/new');
		await checkA11y(citizen, 'public-new');
		await fitsPhone(citizen, 'public-new', 'petition-public-new-375');
		await citizen.check('#kind-petition');
		await citizen.fill('#title', '园区公交站点设置建议');
		await citizen.fill('#content', '建议在园区东门增设公交站点。\n' +
			'上下班高峰候车人多。');
		await citizen.fill('#p_name', '林晓');
		await citizen.fill('#p_phone', '138 1234 5678');
		await citizen.setInputFiles('#attachments', { name: '站点照片.png',
			mimeType: 'image/png', buffer: Buffer.from(
				'89504e470d0a1a0a0000000d49484452', 'hex') });
		await submitAndWait(citizen, 'main button[type=submit]');
		const number = (await citizen.textContent('#case-number')).trim();
		const code = (await citizen.textContent('#query-code')).trim();
		assert.match(number, /^新高信〔\d{4}〕\d{4}号$/);
		assert.match(code, /^[2-9A-Z]{12}$/);
		await checkA11y(citizen, 'public-done');
		await fitsPhone(citizen, 'public-done', 'petition-public-done-375');

		// The petition officer accepts and assigns it.
		const officer = await staff('petition');
		await officer.page.goto(srv.url + '/petitions');
		await checkA11y(officer.page, 'list');
		await fitsPhone(officer.page, 'list');
		await submitAndWait(officer.page, `a:text("${number}")`);
		const caseUrl = officer.page.url();
		assert.match(await officer.page.textContent('main'), /138\*{4}5678/);
		// the photo the citizen sent is there, as a download
		assert.match(await officer.page.textContent('#files-h + ul'),
			/站点照片\.png/);
		const [download] = await Promise.all([
			officer.page.waitForEvent('download'),
			officer.page.click('ul.files a')]);
		assert.equal(download.suggestedFilename(), '站点照片.png');
		await checkA11y(officer.page, 'case-registered');
		await fitsPhone(officer.page, 'case-registered');
		await act(officer.page, caseUrl, 'accept', async (p) => {
			await p.selectOption('#a-accept-category', 'suggestion');
			await p.selectOption('#a-accept-handling_dept',
				{ label: '经济发展局' });
		});
		await act(officer.page, caseUrl, 'assign', async (p) => {
			await p.selectOption('#a-assign-handling_dept',
				{ label: '经济发展局' });
			await p.fill('#a-assign-assign_note', '请研究答复');
		});
		await officer.page.goto(srv.url + '/petitions/new?procedure=petition');
		await checkA11y(officer.page, 'register-form');
		// staff who open the public's form are still signed in there
		await officer.page.goto(srv.url + '/petition/new');
		assert.equal((await officer.page.textContent(
			'header .login-link')).trim(), '我的工作台');
		await checkA11y(officer.page, 'public-new-staff');

		// The clerk of the department drafts the reply.
		const clerk = await staff('clerk');
		await act(clerk.page, caseUrl, 'draft_reply', async (p) => {
			await p.fill('#a-draft_reply-reply_text',
				'已协调公交公司，东门站点将于下月启用。');
			await p.selectOption('#a-draft_reply-outcome', 'support');
		});
		await checkA11y(clerk.page, 'case-drafted');
		assert.doesNotMatch(await clerk.page.textContent('main'),
			/13812345678/);

		// The head of the department signs it off.
		const head = await staff('depthead');
		await act(head.page, caseUrl, 'approve_reply', async () => {});
		assert.match(await head.page.textContent('main'), /已签发答复/);
		await head.page.goto(srv.url + '/');
		await checkA11y(head.page, 'home');

		// The citizen comes back later, follows the footer link to the
		// query page, reads the reply and rates it.
		await citizen.goto(srv.url + '/login');
		await submitAndWait(citizen, 'footer a[href="/petition/query"]');
		await checkA11y(citizen, 'public-query');
		await fitsPhone(citizen, 'public-query', 'petition-public-query-375');
		await citizen.fill('#code', code.toLowerCase());
		await citizen.fill('#last4', '5678');
		await submitAndWait(citizen, 'main button[type=submit]');
		const shown = await citizen.textContent('main');
		assert.ok(shown.includes(number));
		assert.match(shown, /东门站点将于下月启用/);
		await checkA11y(citizen, 'public-status');
		await fitsPhone(citizen, 'public-status',
			'petition-public-status-375');
		await citizen.check('#sat-satisfied');
		await submitAndWait(citizen, 'form[action="/petition/query/rate"] ' +
			'button[type=submit]');
		assert.match(await citizen.textContent('main'), /感谢您的评价/);
		assert.match(await citizen.textContent('main'), /您的评价：满意/);

		// The officer sees the rating beside the petitioner.
		await officer.page.goto(caseUrl);
		assert.match(await officer.page.textContent('main'),
			/群众评价\s*满意/);
		for (const s of [officer, clerk, head])
			await s.ctx.close();
	});
});
