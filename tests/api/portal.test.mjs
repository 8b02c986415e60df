// portal.test.mjs: the public portal (政府信息公开) without an account —
// the front door, the catalogue's lists with paging, item pages with the
// seed page's fields, 410 for withdrawn items, 404s, the 繁體 view, the
// font size and print view, feeds and the sitemap, public attachments, and
// the visit counter: views raise it, robots do not, it is stored in
// batches (never a write per view) and survives a restart.
//
// Until the publishing pipeline's demo exists, the items are written with
// SQL: a case row of the publication procedure and its publications row.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { backends, startServer, Client, loginAs, freePort, fazhiBin }
	from './lib/harness.mjs';
import { sqlOut as query, sqlQuote as q } from './lib/sql.mjs';

const ORG = '11330624PORTALTEST';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 ' +
	'(KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const T0 = 1676968500;             // 2023-02-21 16:35 in Xinchang
const BODY = '　　为进一步规范园区行政执法行为，加强干部队伍建设，现就' +
	'《行政执法规范（征求意见稿）》公开征求意见。\n' +
	'　　坚持先审查、后公开，一事一审，筑牢依法行政防线，明确适用范围。\n' +
	'\n欢迎社会各界提出意见建议。';


let serial = 0;

// Publish an item the way the pipeline leaves it: a case of the
// publication procedure and its row.  Returns { id, index, path }.
function publish(srv, { title, body = BODY, cat = '08', docNo = '',
	at = T0, withdrawn = 0, reason = '', published = true } = {}) {
	const n = ++serial;
	const index = `${ORG}/2022-${String(90000 + n)}`;
	query(srv, 'INSERT INTO cases (proc, version, year, seq, number, ' +
		'state, fields, created_at, updated_at) VALUES (' +
		`'publication', 1, 2022, ${90000 + n}, 'GK-TEST-${n}', ` +
		`'published', '{}', ${at}, ${at})`);
	query(srv, 'INSERT INTO publications (case_id, index_no, title, body, ' +
		'doc_no, publisher, source, catalogue_id, formed_on, ' +
		'published_at, withdrawn_at, withdraw_reason, created_at, ' +
		`updated_at) SELECT c.id, ${q(index)}, ${q(title ?? `通知${n}`)}, ` +
		`${q(body)}, ${q(docNo)}, '新昌高新园区管理委员会', '新昌高新园区', ` +
		`(SELECT id FROM catalogue WHERE code = ${q(cat)}), '2022-12-01', ` +
		`${published ? at + n : 0}, ${withdrawn}, ${q(reason)}, ${at}, ` +
		`${at} FROM cases c WHERE c.number = 'GK-TEST-${n}'`);
	const id = Number(query(srv, 'SELECT id FROM publications WHERE ' +
		`index_no = ${q(index)}`));
	return { id, index, path: `/gk/i/${index}` };
}

const visitsShown = (html) => {
	const m = /访问次数：<span class="gk-visits">(\d+)<\/span>/.exec(html);
	assert.ok(m, 'the page shows 访问次数');
	return Number(m[1]);
};

const browser = (srv) => new Client(srv.url);
const view = (c, p, headers = {}) => c.get(p, { headers: {
	'user-agent': BROWSER, ...headers } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The group commit's transactions so far (from /metrics).
async function commits(admin) {
	const r = await admin.get('/metrics');
	assert.equal(r.status, 200);
	return Number(/^fazhi_group_commits_total (\d+)$/m.exec(r.bodyText)[1]);
}

// `fazhi serve` again on the server's data directory (and database).
function serveAgain(srv, port) {
	const args = ['serve', '--data-dir', srv.dataDir, '--listen',
		`127.0.0.1:${port}`, '--workers', '2'];
	if (srv.pgDir)
		args.push('--db', srv.dbUrl);
	const env = { ...process.env, FAZHI_TEST_CLOCK_FILE:
		path.join(path.dirname(srv.dataDir), 'clock') };
	const child = spawn(fazhiBin(), args, { env,
		stdio: ['ignore', 'pipe', 'pipe'] });
	return new Promise((resolve, reject) => {
		let out = '', err = '';
		const timer = setTimeout(() => reject(new Error(
			`not listening: ${err}`)), 20000);
		child.stderr.on('data', (d) => { err += d; });
		child.stdout.on('data', (d) => {
			out += d;
			if (/listening on/.test(out)) {
				clearTimeout(timer);
				resolve({ child, url: `http://127.0.0.1:${port}` });
			}
		});
		child.on('exit', (code) => reject(new Error(
			`serve exited ${code}: ${err}`)));
	});
}

function stopped(child) {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null)
			return resolve(child.exitCode);
		child.once('exit', (code, signal) => resolve(code ?? signal));
		child.kill('SIGTERM');
	});
}

for (const backend of backends()) {
describe(`public portal (${backend})`, () => {
	let srv, again, items = {};

	before(async () => {
		srv = await startServer({ backend });
		items.notice = publish(srv, { title: '关于征求《园区行政执法规范》' +
			'意见的通知', docNo: '新高〔2022〕7号', cat: '09' });
		items.rule = publish(srv, { title: '园区规范性文件清理结果',
			cat: '0201' });
		items.gone = publish(srv, { title: '含有误的通知', cat: '08',
			withdrawn: T0 + 86400, reason: '信息有误，已撤回更正' });
		items.draft = publish(srv, { title: '尚未发布的草稿', cat: '08',
			published: false });
		for (let i = 0; i < 23; i++)
			publish(srv, { title: `财政预算公开第${i + 1}号`, cat: '0501',
				at: T0 + i * 60 });
	});
	after(async () => {
		// the first server was stopped by the restart test
		const code = again ? await stopped(again.child) : 0;
		await srv?.stop({ allowFail: true });
		assert.equal(code, 0, 'the restarted server stops cleanly');
	});

	it('"/" is the portal home for visitors, the 工作台 for staff',
	async () => {
		const c = browser(srv);
		const home = await c.get('/');
		assert.equal(home.status, 200);
		for (const href of ['/gk/c/09', '/gk/c/05', '/petition/new',
			'/petition/query', '/login', '/gk/rss.xml', items.notice.path])
			assert.ok(home.bodyText.includes(`href="${href}"`), href);
		assert.doesNotMatch(home.bodyText, /尚未发布的草稿|含有误的通知/);
		// the disclosure application is linked only once it exists
		const ysq = (await c.get('/ysq/new')).status !== 404;
		assert.equal(home.bodyText.includes('href="/ysq/new"'), ysq);
		const r = await c.get('/gk');
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/gk/');
		assert.equal((await c.get('/gk/')).status, 200);

		const staff = await loginAs(srv, 'ogi');
		const desk = await staff.get('/');
		assert.equal(desk.status, 200);
		assert.match(desk.bodyText, /我的工作台/);
		// a session that ended sends its browser to the login page once
		const sid = staff.cookie('fz_sid');
		await staff.post('/logout', { csrf: staff.csrf() });
		staff.cookies.set('fz_sid', sid);
		const dead = await staff.get('/');
		assert.equal(dead.status, 303);
		assert.match(dead.headers.get('location'), /^\/login/);
		assert.equal((await staff.get('/')).status, 200, 'cookie cleared');
	});

	it('category lists: subsections included, paged, 404 past the end',
	async () => {
		const c = browser(srv);
		const fin = await c.get('/gk/c/05');
		assert.equal(fin.status, 200);
		// the 23 items of this test and whatever the demo published there
		const n = Number(query(srv, 'SELECT COUNT(*) FROM publications p ' +
			'JOIN catalogue k ON k.id = p.catalogue_id WHERE ' +
			"k.code LIKE '05%' AND p.published_at > 0 AND " +
			'p.withdrawn_at = 0'));
		assert.ok(n >= 23 && n <= 40, `${n}`);
		assert.match(fin.bodyText, new RegExp(`共 ${n} 条`));
		assert.match(fin.bodyText, /href="\/gk\/c\/0501"/);
		assert.equal((fin.bodyText.match(/财政预算公开第/g) ?? []).length,
			20);
		assert.match(fin.bodyText, /href="\?page=2"/);
		const p2 = await c.get('/gk/c/05?page=2');
		assert.equal(p2.status, 200);
		assert.equal((p2.bodyText.match(/财政预算公开第/g) ?? []).length, 3);
		assert.match(p2.bodyText, /财政预算公开第1号/, 'oldest last');
		assert.equal((await c.get('/gk/c/05?page=3')).status, 404);
		const bad = await c.get('/gk/c/05?page=x');
		assert.equal(bad.status, 400);
		assert.match(bad.bodyText, /页码应为从 1 开始的整数/);
		assert.equal((await c.get('/gk/c/05?page=99999999')).status, 404);
		assert.equal((await c.get('/gk/c/nope')).status, 404);
		const notices = await c.get('/gk/c/08');
		assert.doesNotMatch(notices.bodyText, /含有误的通知|草稿/);
		assert.match((await c.get('/gk/c/02')).bodyText,
			/园区规范性文件清理结果/);
	});

	it('an item page has the seed page\'s fields and its index block',
	async () => {
		const c = browser(srv);
		const r = await view(c, items.notice.path);
		assert.equal(r.status, 200);
		const h = r.bodyText;
		for (const label of ['发布时间', '访问次数', '信息来源', '索引号',
			'发布机构', '生成日期', '发布日期', '文号', '主题分类',
			'分享到', '打印本页', '关闭本页', '【大】', '【中】', '【小】'])
			assert.ok(h.includes(label), label);
		assert.ok(h.includes(items.notice.index));
		assert.match(h, /新高〔2022〕7号/);
		assert.match(h, /<dd>征求意见<\/dd>/);
		assert.match(h, /2023-02-21 16:3\d/);
		// paragraphs, indentation left to CSS
		assert.match(h, /<p>为进一步规范/);
		assert.match(h, /<p>欢迎社会各界提出意见建议。<\/p>/);
		// share links and the QR code, inline and script-free
		assert.match(h, /https:\/\/service\.weibo\.com\/share\/share\.php\?url=http%3A%2F%2F127\.0\.0\.1/);
		assert.match(h, /<svg [^>]*role="img"[^>]*>.*<path [^>]*d="M/s);
		assert.doesNotMatch(h, /<script/);
		assert.match(h, /href="\/gk\/c\/09">关闭本页/);
		// by id too
		assert.equal((await c.get(`/gk/i/${items.notice.id}`)).status, 200);
	});

	it('404 for drafts and unknown items, 410 with the notice for withdrawn',
	async () => {
		const c = browser(srv);
		const d = await c.get(items.draft.path);
		assert.equal(d.status, 404);
		assert.doesNotMatch(d.bodyText, /尚未发布的草稿/);
		assert.equal((await c.get(`/gk/i/${items.draft.id}`)).status, 404);
		assert.equal((await c.get('/gk/i/NO/2099-1')).status, 404);
		assert.equal((await c.get('/gk/i/')).status, 404);
		const g = await c.get(items.gone.path);
		assert.equal(g.status, 410);
		assert.match(g.bodyText, /已撤回/);
		assert.match(g.bodyText, /信息有误，已撤回更正/);
		assert.doesNotMatch(g.bodyText, /为进一步规范|含有误的通知/);
		assert.match(g.bodyText, /noindex/);
	});

	it('the menu marks the section, and the page only on its own', async () => {
		const c = browser(srv);
		const home = (await c.get('/gk/')).bodyText;
		assert.match(home, /<a href="\/gk\/" aria-current="page">首页/);
		const item = (await view(c, items.notice.path)).bodyText;
		assert.match(item, /<a href="\/gk\/" aria-current="true">首页/);
		assert.doesNotMatch(item, /aria-current="page"/);
	});

	it('the 繁體 page converts phrases, not characters', async () => {
		const c = browser(srv);
		c.cookies.set('fz_lang', 'hant');
		const h = (await view(c, items.notice.path)).bodyText;
		for (const w of ['幹部', '規範', '徵求', '後公開', '築牢', '範圍'])
			assert.ok(h.includes(w), w);
		for (const w of ['干部', '規范', '后公開', '筑牢', '范圍'])
			assert.ok(!h.includes(w), w);
		// the characters readers use (為), not OpenCC's own (爲)
		assert.ok(h.includes('為進一步規範'));
		assert.ok(!h.includes('爲'));
		assert.match(h, /<html lang="zh-Hant"/);
	});

	it('font size by links and a cookie; the print view', async () => {
		const c = browser(srv);
		const r = await c.get(`${items.notice.path}?fs=l`);
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), items.notice.path);
		assert.equal(c.cookie('fz_fs'), 'l');
		const big = await c.get(items.notice.path);
		assert.match(big.bodyText, /<html [^>]*class="portal fs-large"/);
		assert.match(big.bodyText, /aria-current="true">【大】/);
		await c.get('/gk/?fs=s');
		assert.match((await c.get('/gk/')).bodyText, /fs-small/);
		await c.get('/gk/?fs=m');
		assert.doesNotMatch((await c.get('/gk/')).bodyText, /fs-(small|large)/);
		const p = await c.get(`${items.notice.path}?print=1`);
		assert.equal(p.status, 200);
		assert.match(p.bodyText, /class="portal print-view"/);
		assert.match(p.bodyText, /gk-info/);
		assert.doesNotMatch(p.bodyText, /gk-share/);
	});

	it('RSS, Atom and the sitemap list public items only', async () => {
		const c = browser(srv);
		const rss = await c.get('/gk/rss.xml');
		assert.equal(rss.status, 200);
		assert.match(rss.headers.get('content-type'),
			/^application\/rss\+xml; charset=utf-8/);
		assert.match(rss.bodyText, /^<\?xml/);
		assert.match(rss.bodyText, /<rss version="2.0"/);
		assert.match(rss.bodyText, /<pubDate>\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT<\/pubDate>/);
		assert.ok(rss.bodyText.includes(`<link>${srv.url}${items.notice.path}</link>`));
		const atom = await c.get('/gk/atom.xml');
		assert.match(atom.headers.get('content-type'), /application\/atom\+xml/);
		assert.match(atom.bodyText, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
		const cat = await c.get('/gk/c/09.xml');
		assert.match(cat.bodyText, /行政执法规范/);
		assert.doesNotMatch(cat.bodyText, /财政预算公开/);
		assert.match((await c.get('/gk/c/05.atom')).bodyText,
			/财政预算公开第23号/);
		assert.equal((await c.get('/gk/c/nope.xml')).status, 404);
		const map = await c.get('/sitemap.xml');
		assert.equal(map.status, 200);
		assert.match(map.bodyText, /<urlset /);
		assert.ok(map.bodyText.includes(`<loc>${srv.url}/gk/c/0501</loc>`));
		assert.ok(map.bodyText.includes(`<loc>${srv.url}${items.rule.path}</loc>`));
		for (const b of [rss.bodyText, atom.bodyText, map.bodyText]) {
			assert.doesNotMatch(b, /含有误的通知|尚未发布的草稿/);
			assert.ok(!b.includes(items.gone.index));
		}
		const robots = await c.get('/robots.txt');
		assert.match(robots.bodyText, /Sitemap: http:\/\/127\.0\.0\.1:\d+\/sitemap\.xml/);
	});

	it('attachments: published ones download, withheld ones do not',
	async () => {
		const t = srv.run(['user', 'token', 'petition', `portal-${Date.now()}`]);
		assert.equal(t.code, 0, t.stderr);
		const headers = { authorization:
			`Bearer ${/^token: (\S+)$/m.exec(t.stdout)[1]}` };
		const fd = new FormData();
		fd.append('file', new Blob(['园区行政执法规范全文']), '规范全文.txt');
		fd.append('file', new Blob(['内部审查意见']), '审查意见.txt');
		const up = await new Client(srv.url).post('/api/v1/attachments',
			fd, { headers, origin: null });
		assert.equal(up.status, 201, up.bodyText);
		const [pub, held] = (await up.json()).attachments.map((f) => f.id);
		query(srv, 'INSERT INTO publication_files (publication_id, ' +
			`attachment_id, withheld) VALUES (${items.rule.id}, ${pub}, 0), ` +
			`(${items.rule.id}, ${held}, 1)`);
		const c = browser(srv);
		const page = (await c.get(items.rule.path)).bodyText;
		assert.ok(page.includes(`href="/gk/f/${pub}">规范全文.txt</a>`));
		assert.ok(!page.includes(`/gk/f/${held}`));
		assert.doesNotMatch(page, /审查意见\.txt/);
		const f = await c.get(`/gk/f/${pub}`);
		assert.equal(f.status, 200);
		assert.equal(f.bodyText, '园区行政执法规范全文');
		assert.match(f.headers.get('content-disposition'), /attachment/);
		assert.equal((await c.get(`/gk/f/${held}`)).status, 404);
		assert.equal((await c.get('/gk/f/999999')).status, 404);
	});

	it('views raise the count, robots and HEAD do not; batched writes',
	async () => {
		const c = browser(srv);
		const admin = await loginAs(srv, 'sysadmin');
		const it0 = items.rule;
		const first = visitsShown((await view(c, it0.path)).bodyText);
		const before = await commits(admin);
		for (let i = 1; i <= 30; i++)
			assert.equal(visitsShown((await view(c, it0.path)).bodyText),
				first + i, `view ${i}`);
		// not counted: robots, scripts, no User-Agent, HEAD, prefetch,
		// and the page reached through its own links (font, 简/繁)
		for (const ua of ['Mozilla/5.0 (compatible; Baiduspider/2.0)',
			'Googlebot/2.1', 'curl/8.0', 'Wget/1.21',
			'python-requests/2.31'])
			await c.get(it0.path, { headers: { 'user-agent': ua } });
		await c.get(it0.path);          // fetch's own User-Agent
		await c.request('HEAD', it0.path, { headers: {
			'user-agent': BROWSER } });
		await view(c, it0.path, { 'sec-purpose': 'prefetch' });
		await view(c, it0.path, { purpose: 'prefetch' });
		await view(c, it0.path, { referer: `${srv.url}${it0.path}?fs=l` });
		const shown = visitsShown((await view(c, `${it0.path}?print=1`))
			.bodyText);
		assert.equal(shown, first + 30);
		// 30 views did not cost 30 commits: they are gathered and
		// stored every 2 s by the group commit
		assert.ok(await commits(admin) - before <= 3,
			'views are written in batches');
		await sleep(2600);
		assert.equal(Number(query(srv, 'SELECT visits FROM publications ' +
			`WHERE id = ${it0.id}`)), first + 30, 'stored within 2 s');
		assert.equal(visitsShown((await view(c, it0.path)).bodyText),
			first + 31);
	});

	it('the counts survive a restart', async () => {
		const c = browser(srv);
		const it0 = items.notice;
		let n = visitsShown((await view(c, it0.path)).bodyText);
		for (let i = 0; i < 5; i++)
			n = visitsShown((await view(c, it0.path)).bodyText);
		// stop at once: the views of the last two seconds are stored
		// by the stop itself
		assert.equal(await stopped(srv.process), 0);
		assert.equal(Number(query(srv, 'SELECT visits FROM publications ' +
			`WHERE id = ${it0.id}`)), n);
		again = await serveAgain(srv, await freePort());
		const c2 = new Client(again.url);
		const r = await c2.get(it0.path, { headers: {
			'user-agent': BROWSER } });
		assert.equal(r.status, 200);
		assert.equal(visitsShown(r.bodyText), n + 1);
	});
});
}
