// catalogue_link.test.mjs: where a section's information lives (信息所在位置).
// A section of the disclosure catalogue whose information is published in
// a register of its own (行政许可 in /gk/permits) or on another site says
// so on its portal page; the information disclosure officer keeps the
// link and its label in the catalogue, checked and audited like the
// section's other fields.  The demo points 04 行政许可 at the permits
// register.  Migration 13 adds the two columns to an existing catalogue.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, Client, loginAs } from './lib/harness.mjs';
import { sqlOut as query, sqlQuote as q } from './lib/sql.mjs';

const ZJZWFW = 'https://www.zjzwfw.gov.cn/zjservice/item/list/' +
	'index.do?webId=33062400000000000';

const row = (srv, code) => {
	const [id, parent, name, sort, link, label] = query(srv, 'SELECT ' +
		'id, COALESCE(parent_id, 0), name, sort, link, link_label ' +
		`FROM catalogue WHERE code = ${q(code)}`).split('|');
	return { id: Number(id), parent: Number(parent), name,
		sort: Number(sort), link, label };
};

const audits = (srv, action) => query(srv, 'SELECT details FROM ' +
	`audit_log WHERE action = ${q(action)} ORDER BY seq`)
	.split('\n').filter(Boolean).map((d) => JSON.parse(d));

// The notice of a section page: its link's href, attributes and text.
function notice(html) {
	const m = /<p class="notice gk-where">本栏目信息在<a href="([^"]*)"([^>]*)>([^<]*)<\/a>公开。<\/p>/
		.exec(html);
	return m && { href: m[1].replace(/&amp;/g, '&'), attrs: m[2],
		text: m[3].replace(/&amp;/g, '&') };
}

// The entry of a section in a list of sections (the home page's
// catalogue, a section's subsections): its name and its count, if any.
function entry(html, code) {
	const m = new RegExp(`<li><a href="/gk/c/${code}">([^<]*)</a>` +
		'((?: <span class="muted">\\(\\d+\\)</span>)?)').exec(html);
	return m && { name: m[1], count: m[2] };
}

const ZERO = ' <span class="muted">(0)</span>';

for (const backend of backends()) {
describe(`catalogue links (${backend})`, () => {
	let srv, ogi, anon;

	before(async () => {
		srv = await startServer({ backend });
		ogi = await loginAs(srv, 'ogi_officer');
		anon = new Client(srv.url);
	});
	after(() => srv?.stop());

	// Post the section form as the officer would, from the catalogue
	// page (for its CSRF token): the section's stored fields, changed
	// by `fields`.
	async function save(code, fields) {
		const page = await ogi.get('/publications/catalogue');
		assert.equal(page.status, 200);
		const k = row(srv, code);
		return ogi.post(`/publications/catalogue/${k.id}`, {
			csrf: ogi.csrf(), code, name: k.name,
			parent: k.parent ? String(k.parent) : '',
			sort: String(k.sort), link: k.link,
			link_label: k.label, ...fields });
	}

	it('the demo leads from 04 行政许可 to the permits register',
	async () => {
		const k = row(srv, '04');
		assert.equal(k.name, '行政许可');
		assert.equal(k.link, '/gk/permits');
		assert.equal(k.label, '行政许可公示');

		const r = await anon.get('/gk/c/04');
		assert.equal(r.status, 200);
		assert.deepEqual(notice(r.bodyText),
			{ href: '/gk/permits', attrs: '', text: '行政许可公示' });
		assert.ok(!r.bodyText.includes('本栏目暂无公开信息'));
		assert.match(r.bodyText, /本栏目未另行发布信息。/);

		// and the register it leads to holds the decisions
		const p = await anon.get('/gk/permits');
		assert.equal(p.status, 200);
		const n = Number(/共 (\d+) 条行政许可决定/.exec(p.bodyText)[1]);
		assert.ok(n > 100, `${n} permits`);

		// the home page's catalogue does not call it empty, as it
		// does a section without items and without a link
		const home = await anon.get('/gk/');
		assert.deepEqual(entry(home.bodyText, '04'),
			{ name: '行政许可', count: '' });
		assert.deepEqual(entry(home.bodyText, '0202'),
			{ name: '其他文件', count: ZERO });

		// set by the officer, through the audited way in
		const [d] = audits(srv, 'catalogue.update');
		assert.equal(d.code, '04');
		assert.equal(d.link, '/gk/permits');
		assert.equal(d.link_label, '行政许可公示');
		assert.equal(query(srv, 'SELECT actor FROM audit_log WHERE ' +
			"action = 'catalogue.update' ORDER BY seq LIMIT 1"), 'ogi');
	});

	it('the officer points a section at a page of this site',
	async () => {
		const r = await save('0202', { link: '/gk/search?q=文件',
			link_label: '文件检索' });
		assert.equal(r.status, 303, r.bodyText);
		const k = row(srv, '0202');
		assert.equal(k.link, '/gk/search?q=文件');
		assert.equal(k.label, '文件检索');
		assert.equal(k.parent, row(srv, '02').id);

		const p = await anon.get('/gk/c/0202');
		assert.deepEqual(notice(p.bodyText), { href: '/gk/search?q=' +
			'文件', attrs: '', text: '文件检索' });
		assert.match(p.bodyText, /本栏目未另行发布信息。/);
		const d = audits(srv, 'catalogue.update').at(-1);
		assert.equal(d.code, '0202');
		assert.equal(d.link, '/gk/search?q=文件');
		assert.equal(d.link_label, '文件检索');

		// its parent's list of subsections no longer says "(0)"
		const up = await anon.get('/gk/c/02');
		assert.deepEqual(entry(up.bodyText, '0202'),
			{ name: '其他文件', count: '' });
		assert.equal(notice(up.bodyText), null);

		// the staff's catalogue shows it under the section's name
		const c = await ogi.get('/publications/catalogue');
		assert.match(c.bodyText, /其他文件<br><span class="muted">信息所在位置：<a href="\/gk\/search\?q=文件">文件检索<\/a><\/span>/);
	});

	// A section with items of its own lists them under the notice.
	it('an external site: rel="noopener", and says it leaves the site',
	async () => {
		let r = await save('07', { link: ZJZWFW,
			link_label: '浙江政务服务网' });
		assert.equal(r.status, 303, r.bodyText);
		let p = await anon.get('/gk/c/07');
		assert.deepEqual(notice(p.bodyText), { href: ZJZWFW,
			attrs: ' rel="noopener"', text: '浙江政务服务网（外部网站）' });
		const d = audits(srv, 'catalogue.update').at(-1);
		assert.equal(d.link, ZJZWFW);
		assert.equal(d.link_label, '浙江政务服务网');

		// without a label the link shows itself
		r = await save('07', { link: 'http://xxgk.zjxc.gov.cn/',
			link_label: '' });
		assert.equal(r.status, 303, r.bodyText);
		p = await anon.get('/gk/c/07');
		assert.deepEqual(notice(p.bodyText), {
			href: 'http://xxgk.zjxc.gov.cn/', attrs: ' rel="noopener"',
			text: 'http://xxgk.zjxc.gov.cn/（外部网站）' });
		assert.match(p.bodyText, /<ul class="gk-list"><li>/);
		assert.ok(!p.bodyText.includes('本栏目未另行发布信息'));
		const home = await anon.get('/gk/');
		assert.match(home.bodyText,
			/<li><a href="\/gk\/c\/07">土地征收<\/a> <span class="muted">\(7\)<\/span>/);
	});

	it('bad links and labels are refused, and nothing changes',
	async () => {
		const before = row(srv, '05');
		const updates = audits(srv, 'catalogue.update').length;
		const bad = [
			[{ link: 'javascript:alert(1)' }, /信息所在位置/],
			[{ link: '//evil.example/gk' }, /信息所在位置/],
			[{ link: 'gk/permits' }, /信息所在位置/],
			[{ link: 'https://' }, /信息所在位置/],
			[{ link: 'https:///gk' }, /信息所在位置/],
			[{ link: 'ftp://example.com/' }, /信息所在位置/],
			[{ link: 'https://example.com/a b' }, /不得含空格/],
			[{ link: '/gk/permits\u0085' }, /信息所在位置/],
			[{ link: `https://example.com/${'a'.repeat(282)}` },
				/300 个字符/],
			[{ link: '/gk/permits', link_label: '许'.repeat(41) },
				/“链接名称”不能超过 40 个字/],
			[{ link: '', link_label: '行政许可公示' },
				/请同时填写“信息所在位置”/],
		];
		for (const [fields, msg] of bad) {
			const r = await save('05', { name: '财政信息（改）',
				...fields });
			const what = JSON.stringify(fields);
			assert.equal(r.status, 400, what);
			const alert = /<[^>]*role="alert"[^>]*>([\s\S]*?)<\/div>/
				.exec(r.bodyText);
			assert.ok(alert, `${what}: an error box`);
			assert.match(alert[1], msg, what);
			// the section's form comes back open with what was sent
			assert.match(r.bodyText, new RegExp('<details open>' +
				'<summary>修改</summary><form method="post" ' +
				`action="/publications/catalogue/${before.id}"`),
				what);
			assert.ok(r.bodyText.includes('value="' +
				(fields.link ?? '').replace(/&/g, '&amp;') + '"'),
				`${what}: the link sent is shown`);
			// and the form of a new section stays empty
			assert.match(r.bodyText, /id="link-new"[^>]* value=""/);
			assert.match(r.bodyText, /id="code"[^>]* value=""/);
			assert.deepEqual(row(srv, '05'), before, what);
		}
		assert.equal(audits(srv, 'catalogue.update').length, updates);
		const p = await anon.get('/gk/c/05');
		assert.equal(notice(p.bodyText), null);
		// exactly 300 bytes is the limit, not more
		const r = await save('05', { link:
			`https://example.com/${'a'.repeat(280)}` });
		assert.equal(r.status, 303, r.bodyText);
		assert.equal(row(srv, '05').link.length, 300);
	});

	it('both empty: the section points nowhere again', async () => {
		const r = await save('0202', { link: '', link_label: '' });
		assert.equal(r.status, 303, r.bodyText);
		const k = row(srv, '0202');
		assert.deepEqual([k.link, k.label], ['', '']);
		const p = await anon.get('/gk/c/0202');
		assert.equal(notice(p.bodyText), null);
		assert.match(p.bodyText, /本栏目暂无公开信息。/);
		const home = await anon.get('/gk/');
		assert.equal(entry(home.bodyText, '0202').count, ZERO);
		assert.equal(audits(srv, 'catalogue.update').at(-1).link, '');
	});

	it('a new section may have a link from the start', async () => {
		await ogi.get('/publications/catalogue');
		const r = await ogi.post('/publications/catalogue', {
			csrf: ogi.csrf(), code: '13', name: '双随机一公开',
			parent: '', sort: '130',
			link: 'https://www.creditchina.gov.cn/',
			link_label: '信用中国' });
		assert.equal(r.status, 303, r.bodyText);
		const k = row(srv, '13');
		assert.deepEqual([k.link, k.label],
			['https://www.creditchina.gov.cn/', '信用中国']);
		const [d] = audits(srv, 'catalogue.create');
		assert.equal(d.code, '13');
		assert.equal(d.link, 'https://www.creditchina.gov.cn/');
		assert.equal(d.link_label, '信用中国');
		const p = await anon.get('/gk/c/13');
		assert.equal(notice(p.bodyText).text, '信用中国（外部网站）');

		// a refused new section keeps what was typed
		await ogi.get('/publications/catalogue');
		const bad = await ogi.post('/publications/catalogue', {
			csrf: ogi.csrf(), code: '14', name: '其他平台',
			parent: '', sort: '140', link: 'www.example.com',
			link_label: '示例' });
		assert.equal(bad.status, 400);
		assert.match(bad.bodyText, /id="link-new"[^>]* value="www\.example\.com"/);
		assert.match(bad.bodyText, /id="label-new"[^>]* value="示例"/);
		assert.equal(query(srv, "SELECT COUNT(*) FROM catalogue WHERE " +
			"code = '14'"), '0');
	});

	it('the section\'s feeds and the sitemap are those of its items',
	async () => {
		for (const path of ['/gk/c/04.xml', '/gk/c/04.atom',
			'/gk/c/07.xml', '/gk/c/07.atom']) {
			const r = await anon.get(path);
			assert.equal(r.status, 200, path);
			assert.ok(!r.bodyText.includes('/gk/permits'), path);
			assert.ok(!r.bodyText.includes('xxgk.zjxc'), path);
		}
		const r = await anon.get('/sitemap.xml');
		assert.equal(r.status, 200);
		assert.match(r.bodyText, /\/gk\/c\/04<\/loc>/);
		assert.ok(!r.bodyText.includes('/gk/permits'));
		assert.ok(!r.bodyText.includes('xxgk.zjxc'));
	});

	// Last: it takes the columns away under the running server.
	it('migration 13 adds the columns to an existing catalogue', () => {
		query(srv, 'ALTER TABLE catalogue DROP COLUMN link_label');
		query(srv, 'ALTER TABLE catalogue DROP COLUMN link');
		query(srv, 'DELETE FROM schema_migrations WHERE version = 13');
		const r = srv.run(['migrate']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /migrated from version 12 to 13/);
		assert.equal(query(srv, 'SELECT COUNT(*) FROM catalogue'),
			query(srv, "SELECT COUNT(*) FROM catalogue WHERE link = " +
				"'' AND link_label = ''"));
		assert.equal(query(srv, 'SELECT name FROM schema_migrations ' +
			'WHERE version = 13'), 'catalogue links');
	});
});
}
