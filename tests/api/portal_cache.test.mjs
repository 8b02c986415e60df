// portal_cache.test.mjs: item pages kept in memory (src/portal/
// page_cache.c) — the visit counter still rises on every view of a kept
// page, a withdrawal answers 410 at once, an item revised and then
// published shows its new text, and the variants of a page (简/繁,
// visitor or staff, font size, print view, the Host a share link names)
// never get each other's bytes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, loginAs, Client, rawHttp }
	from './lib/harness.mjs';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 ' +
	'(KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const BODY = '为进一步规范园区行政执法行为，加强干部队伍建设，坚持先审查、' +
	'后公开。';

function today() {
	return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

function bearer(srv, login) {
	const r = srv.run(['user', 'token', login, `缓存测试-${Date.now()}`]);
	assert.equal(r.code, 0, r.stderr);
	return /^token: (\S+)$/m.exec(r.stdout)[1];
}

// The publication API as `login`.
function api(srv, login) {
	const c = new Client(srv.url);
	const headers = { authorization: `Bearer ${bearer(srv, login)}` };
	return {
		create: async (fields) => {
			const r = await c.post('/api/v1/publications', { fields },
				{ json: true, headers, origin: null });
			assert.equal(r.status, 201, r.bodyText);
			return r.json();
		},
		act: async (id, action, fields = {}) => {
			const r = await c.post(
				`/api/v1/publications/${id}/actions/${action}`,
				{ fields }, { json: true, headers, origin: null });
			assert.equal(r.status, 200, `${action}: ${r.bodyText}`);
			return r.json();
		},
	};
}

const visitsShown = (html) => {
	const m = /(?:访问次数|訪問次數)：<span class="gk-visits">(\d+)<\/span>/
		.exec(html);
	assert.ok(m, 'the page shows 访问次数');
	return Number(m[1]);
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const backend of backends()) {
describe(`kept item pages (${backend})`, () => {
	let srv, ogi, secrecy, leader;

	// Draft an item and take it through review, approval and
	// publication; returns { id, path }.
	async function published(title, body = BODY, before) {
		const p = await ogi.create({ title, body, catalogue: '08',
			formed_on: today(), channels: 'county_site' });
		if (before)
			await before(p);
		await ogi.act(p.id, 'submit');
		await secrecy.act(p.id, 'pass_review');
		await leader.act(p.id, 'approve');
		await ogi.act(p.id, 'publish');
		return { id: p.id, path: `/gk/i/${p.index_no}` };
	}

	const visitor = () => new Client(srv.url);
	const view = (c, p, headers = {}) => c.get(p, { headers: {
		'user-agent': BROWSER, ...headers } });

	before(async () => {
		srv = await startServer({ backend });
		ogi = api(srv, 'ogi');
		secrecy = api(srv, 'secrecy');
		leader = api(srv, 'leader');
	});
	after(() => srv?.stop());

	it('the counter rises on every view of a kept page', async () => {
		const item = await published('关于园区道路命名的通知');
		const c = visitor();
		const first = visitsShown((await view(c, item.path)).bodyText);
		// enough views that both workers keep the page and serve it
		for (let i = 1; i <= 40; i++) {
			const r = await view(c, item.path);
			assert.equal(r.status, 200);
			assert.equal(visitsShown(r.bodyText), first + i, `view ${i}`);
		}
		// robots, HEAD and the print view show the count, add none
		await c.get(item.path, { headers: { 'user-agent': 'curl/8.0' } });
		const head = await c.request('HEAD', item.path, { headers: {
			'user-agent': BROWSER } });
		assert.equal(head.status, 200);
		const print = await view(c, `${item.path}?print=1`);
		assert.match(print.bodyText, /class="portal print-view"/);
		assert.equal(visitsShown(print.bodyText), first + 40);
		// through a flush of the counts (every 2 s) the kept page's
		// count neither jumps nor lags
		await sleep(2600);
		for (let i = 41; i <= 45; i++)
			assert.equal(visitsShown((await view(c, item.path))
				.bodyText), first + i, `view ${i}`);
		await sleep(2600);
		assert.equal(visitsShown((await view(c, `${item.path}?print=1`))
			.bodyText), first + 45);
	});

	it('a withdrawn item answers 410 with its notice at once', async () => {
		const item = await published('园区企业年度检查结果公示');
		const c = visitor();
		const hant = visitor();
		hant.cookies.set('fz_lang', 'hant');
		for (let i = 0; i < 6; i++) {
			assert.equal((await view(c, item.path)).status, 200);
			assert.equal((await view(hant, item.path)).status, 200);
			assert.equal((await view(c, `${item.path}?print=1`)).status,
				200);
		}
		await ogi.act(item.id, 'withdraw',
			{ withdraw_reason: '信息有误，已撤回更正' });
		for (const [cl, p] of [[c, item.path], [hant, item.path],
			[c, `${item.path}?print=1`], [c, item.path]]) {
			const r = await view(cl, p);
			assert.equal(r.status, 410, p);
			assert.match(r.bodyText, /撤回/);
			assert.match(r.bodyText, /信息有[误誤]/);
			assert.doesNotMatch(r.bodyText, /年度/, 'nothing of the item');
			assert.doesNotMatch(r.bodyText, /gk-visits/);
		}
	});

	it('an item revised before publication shows its new text', async () => {
		let draftPath;
		const item = await published('关于征求意见的通知（初稿）',
			'初稿正文，尚待修改。', async (p) => {
				draftPath = `/gk/i/${p.index_no}`;
				const c = visitor();
				for (let i = 0; i < 3; i++)
					assert.equal((await view(c, draftPath)).status,
						404);
				await ogi.act(p.id, 'revise', {
					title: '关于征求意见的通知（定稿）',
					body: '定稿正文，已经修改。' });
			});
		assert.equal(item.path, draftPath);
		const c = visitor();
		for (let i = 0; i < 4; i++) {
			const r = await view(c, item.path);
			assert.equal(r.status, 200);
			assert.match(r.bodyText, /定稿正文，已经修改。/);
			assert.match(r.bodyText, /（定稿）/);
			assert.doesNotMatch(r.bodyText, /初稿/);
		}
		// publishing another item leaves this page as it was
		await published('另一条通知');
		assert.match((await view(c, item.path)).bodyText, /定稿正文/);
	});

	it('简 and 繁 pages differ, and share one count', async () => {
		const item = await published('关于加强干部队伍建设的通知');
		const hans = visitor();
		const hant = visitor();
		hant.cookies.set('fz_lang', 'hant');
		let last = visitsShown((await view(hans, item.path)).bodyText);
		for (let i = 0; i < 5; i++) {
			const s = (await view(hans, item.path)).bodyText;
			const t = (await view(hant, item.path)).bodyText;
			assert.match(s, /<html lang="zh-Hans"/);
			assert.match(t, /<html lang="zh-Hant"/);
			for (const w of ['干部', '规范', '后公开'])
				assert.ok(s.includes(w) && !t.includes(w), w);
			for (const w of ['幹部', '規範', '後公開'])
				assert.ok(t.includes(w) && !s.includes(w), w);
			// the link to the other script, and nothing converted twice
			assert.match(s, /href="\/lang\/hant\?next=/);
			assert.match(t, /href="\/lang\/hans\?next=/);
			assert.equal(visitsShown(s), last + 1);
			assert.equal(visitsShown(t), last + 2);
			last += 2;
		}
	});

	it('visitor and staff, font sizes and hosts are pages of their own',
	async () => {
		const item = await published('园区安全生产检查通报');
		const c = visitor();
		const big = visitor();
		big.cookies.set('fz_fs', 'l');
		const staff = await loginAs(srv, 'ogi');
		for (let i = 0; i < 4; i++) {
			const v = (await view(c, item.path)).bodyText;
			const b = (await view(big, item.path)).bodyText;
			const s = (await view(staff, item.path)).bodyText;
			assert.match(v, /工作人员登录<\/a><\/div>/);
			assert.doesNotMatch(v, /我的工作台/);
			assert.match(s, /我的工作台/);
			assert.doesNotMatch(v, /fs-large/);
			assert.match(b, /<html [^>]*class="portal fs-large"/);
			assert.match(b, /aria-current="true">【大】/);
			assert.doesNotMatch(s, /fs-large/);
		}
		// the share links and QR code name the host the page was asked
		// of, so a page kept for one host is not served for another
		const { port } = new URL(srv.url);
		for (const host of [`127.0.0.1:${port}`, 'gk.example.test',
			`127.0.0.1:${port}`, 'gk.example.test']) {
			const out = await rawHttp(srv.url, `GET ${item.path} ` +
				`HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${BROWSER}` +
				'\r\nConnection: close\r\n\r\n');
			assert.match(out, /^HTTP\/1\.1 200/);
			const enc = encodeURIComponent(`http://${host}`);
			assert.ok(out.includes(`share.php?url=${enc}`), host);
		}
	});

	it('404 for what is not there is not kept', async () => {
		const c = visitor();
		for (let i = 0; i < 3; i++) {
			assert.equal((await view(c, '/gk/i/NO/2099-1')).status, 404);
			assert.equal((await view(c, '/gk/i/999999')).status, 404);
		}
	});
});
}
