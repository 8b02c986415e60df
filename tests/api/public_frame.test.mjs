// public_frame.test.mjs: the citizens' pages of the desks — applying for
// disclosure, submitting a petition or a 12345 request, the confirmations
// and following a case with its query code — open in the public portal's
// frame (its header, navigation and footer, the staff's nowhere), for
// the public and for a signed-in member of staff alike; and a look-up
// refused after too many failures shows the form again, saying why and
// for how long.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, loginAs } from './lib/harness.mjs';
import { idNumber, form } from './lib/fixtures.mjs';

function text(html) {
	return html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&');
}

async function page(c, path, status = 200) {
	const r = await c.get(path);
	assert.equal(r.status, status, `${path}: ${r.status}\n` +
		text(r.bodyText).slice(0, 1500));
	return r.bodyText;
}

// The portal's frame around `title`, with navigation item `nav` marked;
// `personal` pages keep robots away.  `staff`: a signed-in user.
function portalFrame(html, { title, nav, personal = false, staff = false },
	what) {
	const m = (re, msg) => assert.match(html, re, `${what}: ${msg}`);
	m(/<html lang="zh-Hans" class="portal/, 'the portal\'s <html>');
	m(new RegExp(`<title>${title} · 新昌高新园区政府信息公开</title>`),
		'title');
	m(/<a class="brand" href="\/">新昌高新园区政府信息公开<\/a>/, 'brand');
	m(/<nav class="main-nav" aria-label="门户导航">/, 'portal menu');
	m(new RegExp(`<a href="${nav}" aria-current="(page|true)">`),
		`menu item ${nav} marked`);
	assert.equal((html.match(/<a href="[^"]*" aria-current=/g) ?? [])
		.length, 1, `${what}: one menu item marked`);
	m(/<footer class="site-footer portal-footer">/, 'portal footer');
	m(staff ? /<a class="login-link" href="\/">我的工作台<\/a>/ :
		/<a class="login-link" href="\/login">工作人员登录<\/a>/,
	'the way in');
	// the footer too: a signed-in user is not asked to sign in
	const foot = html.slice(html.indexOf('<footer'));
	assert.equal(foot.includes('<a href="/login">工作人员登录</a>'), !staff,
		`${what}: the footer's way in`);
	assert.equal(foot.includes('<a href="/">我的工作台</a>'), staff,
		`${what}: the footer's way back`);
	assert.deepEqual(html.match(/<h1\b[^>]*>[^<]*<\/h1>/g),
		[`<h1>${title}</h1>`], `${what}: one h1`);
	assert.equal(/<meta name="robots" content="noindex">/.test(html),
		personal, `${what}: noindex`);
	assert.doesNotMatch(html, /法治政府建设管理平台/,
		`${what}: the staff's frame`);
	assert.doesNotMatch(html, /js\/site\.js/, `${what}: no script`);
}

// The forms of the public, with their frames.
const FORMS = [
	['/ysq/new', '政府信息公开申请', '/ysq/new'],
	['/ysq/query', '政府信息公开申请查询', '/ysq/new'],
	['/ysq/done', '提交确认', '/ysq/new', true],
	['/petition/new', '网上信访和12345热线诉求', '/petition/new'],
	['/petition/done', '提交确认', '/petition/new', true],
	['/petition/query', '查询办理进度', '/petition/query'],
];

describe('the citizens\' pages in the portal\'s frame', () => {
	const submitted = {};
	let srv;

	before(async () => { srv = await startServer(); });
	after(async () => { await srv?.stop(); });

	it('forms and empty confirmations, for the public and for staff',
	async () => {
		const citizen = new Client(srv.url);
		const staff = await loginAs(srv, 'petition');
		for (const [path, title, nav, personal] of FORMS) {
			portalFrame(await page(citizen, path),
				{ title, nav, personal }, path);
			portalFrame(await page(staff, path),
				{ title, nav, personal, staff: true },
				`${path} (staff)`);
		}
		// the form for a petition's progress points to the one for an
		// application for disclosure
		assert.match(await page(citizen, '/petition/query'),
			/<a href="\/ysq\/query">/);
	});

	it('an application for disclosure: confirmation and progress',
	async () => {
		const c = new Client(srv.url);
		await page(c, '/ysq/new');
		const r = await c.post('/ysq/new', form({ csrf: c.csrf(),
			applicant: 'natural', p_name: '林晓',
			p_id_number: idNumber('33062419850315242'),
			p_phone: '138 1234 5678', title: '园区道路改造工程招标文件',
			description: '申请获取园区道路改造工程的招标文件。',
			form: 'electronic', delivery: 'online' }));
		assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
		const done = await page(c, '/ysq/done');
		portalFrame(done, { title: '申请已提交', nav: '/ysq/new',
			personal: true }, 'ysq done');
		const code = /id="query-code">([^<]+)</.exec(done)[1];

		// the applicant, and a member of staff with the applicant's code
		for (const [who, q] of [['public', new Client(srv.url)],
			['staff', await loginAs(srv, 'ogi')]]) {
			await page(q, '/ysq/query');
			const s = await q.post('/ysq/query', { csrf: q.csrf(), code,
				last4: '5678' });
			assert.equal(s.status, 200, text(s.bodyText).slice(0, 1500));
			assert.match(s.bodyText, /园区道路改造工程招标文件/);
			portalFrame(s.bodyText, { title: '申请办理进度',
				nav: '/ysq/new', personal: true, staff: who === 'staff' },
			`ysq progress (${who})`);
		}
	});

	it('a petition: confirmation and progress', async () => {
		const c = new Client(srv.url);
		await page(c, '/petition/new');
		const r = await c.post('/petition/new', { csrf: c.csrf(),
			kind: 'petition', title: '园区公交站点设置建议',
			content: '建议在园区东门增设公交站点。', p_name: '孙八',
			p_phone: '13512345678' }, { follow: true });
		assert.equal(r.status, 200, text(r.bodyText).slice(0, 1500));
		portalFrame(r.bodyText, { title: '已提交', nav: '/petition/new',
			personal: true }, 'petition done');
		const code = /id="query-code">([^<]+)</.exec(r.bodyText)[1];
		submitted.code = code;

		for (const [who, q] of [['public', new Client(srv.url)],
			['staff', await loginAs(srv, 'petition')]]) {
			await page(q, '/petition/query');
			const s = await q.post('/petition/query', { csrf: q.csrf(),
				code, last4: '5678' });
			assert.equal(s.status, 200, text(s.bodyText).slice(0, 1500));
			assert.match(s.bodyText, /园区公交站点设置建议/);
			portalFrame(s.bodyText, { title: '办理进度',
				nav: '/petition/query', personal: true,
				staff: who === 'staff' }, `petition progress (${who})`);
		}
	});

	it('after too many failed look-ups the form says when to try again',
	async () => {
		assert.ok(submitted.code, 'the petition of the test before');
		srv.advance(3600);	// every bucket full again
		const c = new Client(srv.url);
		const miss = async (path) => {
			await page(c, path);
			return c.post(path, { csrf: c.csrf(), code: 'ABCDEFGHJKMN',
				last4: '1234' });
		};
		for (let i = 0; i < 5; i++) {
			const r = await miss('/ysq/query');
			assert.equal(r.status, 404, `miss ${i + 1}`);
			assert.match(r.bodyText, /未查到对应的申请/);
		}
		// one count for both kinds of look-up: the next fails on either
		let wait = 0;
		for (const [path, title, nav] of [
			['/petition/query', '查询办理进度', '/petition/query'],
			['/ysq/query', '政府信息公开申请查询', '/ysq/new']]) {
			const r = await miss(path);
			assert.equal(r.status, 429, `${path}: ${r.status}`);
			wait = Number(r.headers.get('retry-after'));
			assert.ok(wait >= 1 && wait <= 60, `${path}: ${wait}`);
			const html = r.bodyText;
			portalFrame(html, { title, nav }, `${path} refused`);
			assert.doesNotMatch(html, /出错了|请求编号/);
			const alert = /<div class="error" role="alert"><p>([^<]*)<\/p>/
				.exec(html);
			assert.ok(alert, `${path}: an error box`);
			assert.match(alert[1], /网络地址查询失败的次数过多/);
			assert.match(alert[1], new RegExp(`请 ${wait} 秒后再试`));
			// the form, with what was typed
			assert.match(html, new RegExp(
				`<form method="post" action="${path}" class="form">`));
			for (const [name, value] of [['code', 'ABCDEFGHJKMN'],
				['last4', '1234']])
				assert.match(html, new RegExp(`<input id="${name}" ` +
					`name="${name}" type="text" value="${value}"`), path);
		}
		// while it waits, the right code is refused too: a guesser cannot
		// tell a right guess from a wrong one
		await page(c, '/petition/query');
		const right = await c.post('/petition/query', { csrf: c.csrf(),
			code: submitted.code, last4: '5678' });
		assert.equal(right.status, 429);
		assert.doesNotMatch(right.bodyText, /园区公交站点设置建议/);
		// the time the page names is enough
		srv.advance(wait);
		const r = await miss('/petition/query');
		assert.equal(r.status, 404, text(r.bodyText).slice(0, 800));
	});

	it('too many submissions: the form comes back as typed, with the wait',
	async () => {
		srv.advance(3600);	// every bucket full again
		for (const [path, title, nav, fields] of [
			['/petition/new', '网上信访和12345热线诉求', '/petition/new',
				{ kind: 'petition', title: '反映园区道路积水问题' }],
			['/ysq/new', '政府信息公开申请', '/ysq/new',
				{ applicant: 'natural', title: '反映园区道路积水问题' }]]) {
			const c = new Client(srv.url);
			let r = null;
			// incomplete forms: refused (400), each counted all the same
			for (let i = 0; i < 8; i++) {
				await page(c, path);
				r = await c.post(path, form({ csrf: c.csrf(), ...fields }));
				if (r.status === 429)
					break;
				assert.equal(r.status, 400, `${path}: ${r.status}`);
			}
			assert.equal(r.status, 429, path);
			const wait = Number(r.headers.get('retry-after'));
			assert.ok(wait >= 1 && wait <= 60, `${path}: ${wait}`);
			portalFrame(r.bodyText, { title, nav }, `${path} refused`);
			assert.match(r.bodyText, new RegExp('<div class="error" ' +
				`role="alert"><p>从您所在的网络地址提交过于频繁，请 ${wait} ` +
				'秒后再试。</p>'));
			assert.match(r.bodyText, /value="反映园区道路积水问题"/);
		}
	});
});
