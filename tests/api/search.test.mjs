// search.test.mjs: the portal's search page /gk/search and `fazhi search`
// — items written into the database by SQL, the index rebuilt with
// `fazhi search reindex`, then searched as a citizen would: one, two
// and more characters, highlights, paging, sections and years,
// withdrawn items, refusals and the per-address limit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, Client } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';

// Unix seconds of a day at 10:00 China Standard Time.
function at(day) {
	return Date.parse(`${day}T10:00:00+08:00`) / 1000;
}

function quote(s) {
	return `'${s.replace(/'/g, "''")}'`;
}

let seq = 9000;

// SQL that adds a published (or, with withdrawn, withdrawn) item with
// the case it needs; the same text runs on sqlite3 and psql.
function itemSql({ title, body, code, day, withdrawn = false }) {
	const n = ++seq, number = quote(`T-${n}`);
	const cat = code ?
		`(SELECT id FROM catalogue WHERE code = ${quote(code)})` : 'NULL';
	return `INSERT INTO cases (proc, version, year, seq, number, state, ` +
		`fields, created_at, updated_at) VALUES ('publication', 1, 2022, ` +
		`${n}, ${number}, 'published', '{}', 0, 0);\n` +
		`INSERT INTO publications (case_id, index_no, title, body, ` +
		`publisher, catalogue_id, formed_on, published_at, withdrawn_at, ` +
		`created_at, updated_at) SELECT id, ${quote(`T/2022-${n}`)}, ` +
		`${quote(title)}, ${quote(body)}, '新昌高新园区管理委员会', ${cat}, ` +
		`'2022-01-01', ${at(day)}, ${withdrawn ? at(day) + 60 : 0}, 0, 0 ` +
		`FROM cases WHERE number = ${number};\n`;
}

function exec(srv, query) {
	const r = sql(srv, query);
	assert.equal(r.code, 0, r.err);
	return r.out;
}

function reindex(srv) {
	const r = srv.run(['search', 'reindex']);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /^indexed \d+ items/);
	return r.stdout;
}

// The visible text of a page.
function text(html) {
	return html.replace(/<[^>]*>/g, '').replace(/&quot;/g, '"')
		.replace(/&lt;/g, '<').replace(/&gt;/g, '>')
		.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function search(params) {
	return '/gk/search?' + new URLSearchParams(params).toString();
}

// A search, paced at the rate the per-address limit refills (10 a
// second), so that only the test of the limit meets it.
async function get(c, params, status = 200) {
	await new Promise((resolve) => setTimeout(resolve, 100));
	const r = await c.get(typeof params === 'string' ? params :
		search(params));
	assert.equal(r.status, status, r.bodyText.slice(0, 2000));
	return r.bodyText;
}

// The hits of a result page: [{ href, title (with [marks]) }].
function hits(html) {
	const list = /<ol class="gk-results"[^>]*>([\s\S]*?)<\/ol>/.exec(html);
	if (!list)
		return [];
	return [...list[1].matchAll(/<h3><a href="([^"]*)">([\s\S]*?)<\/a>/g)]
		.map((m) => ({ href: m[1], title: text(m[2]
			.replace(/<mark>/g, '[').replace(/<\/mark>/g, ']')) }));
}

function total(html) {
	const m = /共找到 (\d+) 条/.exec(html);
	return m ? Number(m[1]) : 0;
}

// Public items whose title or body holds `s` literally (the demo's too).
function holding(srv, backend, s) {
	const lit = `'${s.replace(/'/g, "''")}'`;
	const f = backend === 'pg' ? 'strpos' : 'instr';
	return Number(sql(srv, 'SELECT COUNT(*) FROM publications WHERE ' +
		`published_at > 0 AND withdrawn_at = 0 AND (${f}(title, ${lit}) ` +
		`> 0 OR ${f}(body, ${lit}) > 0)`).out);
}

for (const backend of backends()) {
describe(`portal search (${backend})`, () => {
	let srv, c;

	before(async () => {
		srv = await startServer({ backend });
		c = new Client(srv.url);
		let q = itemSql({ title: '关于鸬鹚湾征地补偿标准的通知',
			body: '鸬鹚湾片区征地补偿按区片综合地价执行。\n二、' +
				'补偿款在公告期满后发放。', code: '07',
			day: '2022-03-01' });
		q += itemSql({ title: '鸬鹚湾信访简报<script>alert(1)</script>',
			body: '本月受理涉及鸬鹚湾的信访事项3件，"征地"相关1件。',
			code: '08', day: '2022-05-01' });
		q += itemSql({ title: '蜉蝣科技园年度报告', body: '年度报告正文',
			code: '11', day: '2021-06-01' });
		q += itemSql({ title: '鸬鹚湾撤回的公告', body: '已撤回',
			code: '08', day: '2022-02-01', withdrawn: true });
		for (let i = 1; i <= 23; i++)
			q += itemSql({ title: `蜉蝣公告第${i}号`, body: '公告正文',
				code: '08', day: `2021-07-${String(i).padStart(2,
					'0')}` });
		q += itemSql({ title: '蜻蜓干部培训通知', body: '培训安排',
			code: '08', day: '2022-06-01' });
		exec(srv, q);
		// this test's 27 items that are public (one is withdrawn)
		// beside the demo's published ones
		const demo = Number(sql(srv, 'SELECT COUNT(*) FROM publications ' +
			'WHERE published_at > 0 AND withdrawn_at = 0').out) - 27;
		assert.ok(demo >= 0, `${demo}`);
		assert.match(reindex(srv), new RegExp(`^indexed ${27 + demo} items`));
	});
	after(async () => { await srv?.stop(); });

	it('finds every item holding one or two characters, title hits first',
		async () => {
			let html = await get(c, { q: '鸬鹚' });
			assert.equal(total(html), 2);
			assert.deepEqual(hits(html).map((h) => h.title), [
				'[鸬鹚]湾信访简报<script>alert(1)</script>',
				'关于[鸬鹚]湾征地补偿标准的通知',
			]);
			assert.match(hits(html)[1].href, /^\/gk\/i\/T\/2022-\d+$/);
			assert.match(html, /<p class="gk-snippet">本月受理涉及<mark>鸬鹚<\/mark>湾/);
			html = await get(c, { q: '鸬' });
			assert.equal(total(html), 2);
			html = await get(c, { q: '征地' });
			// this test's two (one in its title, one in its body only)
			// and any of the demo's
			assert.equal(total(html), holding(srv, backend, '征地'));
			assert.ok(total(html) >= 2);
			for (const q of ['税', '信访', '干部', '公开', '规范性文件'])
				assert.equal(total(await get(c, { q })),
					holding(srv, backend, q), q);
		});

	it('escapes the items and the query; marks only the hits', async () => {
		const html = await get(c, { q: '<script>' });
		assert.equal(total(html), 1);
		assert.doesNotMatch(html, /<script>alert/);
		assert.match(html, /简报<mark>&lt;script&gt;<\/mark>alert\(1\)&lt;\/script&gt;<\/a>/);
		assert.match(html, /value="&lt;script&gt;"/);
	});

	it('matches longer queries literally, syntax and all', async () => {
		assert.equal(total(await get(c, { q: '鸬鹚湾征地补偿' })), 1);
		assert.equal(total(await get(c, { q: '湾征地补偿标准的' })), 1);
		assert.equal(total(await get(c, { q: '征地补偿鸬鹚湾' })), 0);
		assert.equal(total(await get(c, { q: '"征地"' })),
			holding(srv, backend, '"征地"'));
		for (const q of ['"鸬鹚" OR *', 'NEAR(鸬鹚 征地)', '鸬鹚*', '^鸬鹚',
			"'; DROP TABLE search_docs; --", '100%', 'a_b', '\\'])
			assert.equal(total(await get(c, { q })),
				holding(srv, backend, q), q);
		assert.equal(total(await get(c, { q: 'ＳＣＲＩＰＴ' })), 1);
	});

	it('pages through the hits, keeping the search in the links',
		async () => {
			let html = await get(c, { q: '蜉蝣', page: '1' });
			assert.equal(total(html), 24);
			assert.equal(hits(html).length, 10);
			assert.match(html, /第 1 页，共 3 页/);
			assert.match(html, /href="\?q=%E8%9C%89%E8%9D%A3&amp;page=2" rel="next"/);
			const seen = new Set(hits(html).map((h) => h.href));
			html = await get(c, { q: '蜉蝣', page: '2' });
			for (const h of hits(html))
				seen.add(h.href);
			html = await get(c, { q: '蜉蝣', page: '3' });
			assert.equal(hits(html).length, 4);
			assert.doesNotMatch(html, /rel="next"/);
			for (const h of hits(html))
				seen.add(h.href);
			assert.equal(seen.size, 24);
			// past the last page: said on the page, 404 as for sections
			html = await get(c, { q: '蜉蝣', page: '9' }, 404);
			assert.match(html, /没有第 9 页/);
			assert.equal(hits(html).length, 0);
			// newest first among the title hits
			html = await get(c, { q: '蜉蝣公告第', page: '1' });
			assert.equal(hits(html)[0].title, '[蜉蝣公告第]23号');
		});

	it('filters by section (with its subsections) and year', async () => {
		let html = await get(c, { q: '鸬鹚', c: '07' });
		assert.equal(total(html), 1);
		assert.match(html, /<option value="07" selected>/);
		html = await get(c, { q: '蜉蝣', y: '2021' });
		assert.equal(total(html), 24);
		assert.match(html, /<option value="2021" selected>/);
		assert.equal(total(await get(c, { q: '蜉蝣', y: '2022' })), 0);
		html = await get(c, { q: '鸬鹚', c: '08', y: '2022' });
		assert.equal(total(html), 1);
		// "all" is what the form sends as empty
		assert.equal(total(await get(c, { q: '鸬鹚', c: '', y: '' })), 2);
		// a year with no items is still a year
		assert.equal(total(await get(c, { q: '鸬鹚', y: '2020' })), 0);
	});

	it('refuses a section, year or page it does not know, saying why',
	async () => {
		// this year in China Standard Time: the last year one may ask for
		const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
		const refused = async (params, what, field) => {
			const html = await get(c, params, 400);
			assert.match(html, new RegExp('<div class="error" role="alert" ' +
				`id="search-error"><p>${what}`), JSON.stringify(params));
			assert.match(html, /<form class="filters" method="get"/);
			assert.doesNotMatch(html, /检索结果|共找到/);
			if (field)
				assert.match(html, new RegExp(`<select id="${field}" ` +
					'name="[a-z]+" aria-invalid="true" ' +
					'aria-describedby="search-error">'));
			// the words stay in the box, to search again
			assert.match(html, /<input id="q" name="q" type="search" value="鸬鹚"/);
			return html;
		};
		for (const code of ['zz', 'nope', '0'])
			await refused({ q: '鸬鹚', c: code }, '没有这个栏目，请从“栏目”' +
				'列表中选择，或选择“全部栏目”。', 'c');
		const yearMsg = `发布年份应为 2000 至 ${year} 之间的年份（四位数字），` +
			'或选择“全部年份”。';
		for (const y of ['abc', 'x', '1969', '1999', String(year + 1), '9999',
			'2022.0'])
			await refused({ q: '鸬鹚', y }, yearMsg, 'y');
		for (const page of ['abc', '-1', '0', '1001'])
			await refused({ q: '鸬鹚', page }, '页码应为 1 至 1000 之间的整数。');
		// the bare form with a section it does not know is refused too
		const html = await get(c, { c: 'zz' }, 400);
		assert.match(html, /没有这个栏目/);
		assert.match(html, /<option value="" selected>全部栏目/);
		// a page beyond the hits is said so, with 404 as for sections
		assert.match(await get(c, { q: '鸬鹚', page: '1000' }, 404),
			/没有第 1000 页/);
	});

	it('the search boxes take as many characters as the server', async () => {
		const boxes = [
			[await get(c, '/gk/'), 'gk-q'],
			[await get(c, '/gk/search'), 'q'],
		];
		for (const [html, id] of boxes) {
			const box = new RegExp(`<input id="${id}" [^>]*>`).exec(html)[0];
			const max = Number(/maxlength="(\d+)"/.exec(box)[1]);
			assert.equal(max, 40, box);
			assert.match(box, / required[ >]/);
			await get(c, { q: '征'.repeat(max) });
			await get(c, { q: '征'.repeat(max + 1) }, 400);
		}
	});

	it('forgets withdrawn items', async () => {
		assert.equal(total(await get(c, { q: '湾撤回' })), 0);
		exec(srv, "UPDATE publications SET withdrawn_at = 1 WHERE " +
			"title = '关于鸬鹚湾征地补偿标准的通知'");
		reindex(srv);
		const html = await get(c, { q: '鸬鹚湾征地' });
		assert.equal(total(html), 0);
		assert.match(html, /没有找到含有“鸬鹚湾征地”的信息/);
		assert.equal(total(await get(c, { q: '鸬鹚' })), 1);
	});

	it('says what is wrong with an empty or too long query', async () => {
		let html = await get(c, '/gk/search');
		assert.match(html, /<form class="filters" method="get"/);
		assert.doesNotMatch(html, /检索结果/);
		html = await get(c, { q: '' }, 400);
		assert.match(html,
			/role="alert" id="search-error"><p>请输入要检索的字词。/);
		html = await get(c, { q: ' 　\t' }, 400);
		assert.match(html, /请输入要检索的字词/);
		html = await get(c, { q: '征'.repeat(41) }, 400);
		assert.match(html, /检索词太长，请不超过 40 个字/);
		assert.match(html, /<input id="q" [^>]*aria-describedby="q-hint search-error" aria-invalid="true">/);
		html = await get(c, { q: 'a'.repeat(500) }, 400);
		assert.match(html, /检索词太长/);
		await get(c, { q: '征'.repeat(40) });
	});

	it('takes Traditional characters from the 繁體 page', async () => {
		const t = new Client(srv.url);
		await t.get('/lang/hant?next=/gk/search');
		let html = await get(t, { q: '蜻蜓幹部' });
		assert.match(html, /共找到 1 條/);
		assert.match(html, /<mark>蜻蜓幹部<\/mark>培訓通知/);
		// typed (or pasted) in Traditional characters on the 简体 page
		html = await get(c, { q: '蜻蜓幹部' });
		assert.equal(total(html), 1);
		assert.match(html, /<mark>蜻蜓干部<\/mark>培训通知/);
	});

	it('answers on the command line too', () => {
		const r = srv.run(['search', 'query', '鸬鹚']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^\d+ 2022-05-01 T\/2022-\d+ 鸬鹚湾信访简报/m);
		assert.match(r.stdout, /^total 1$/m);
		assert.equal(srv.run(['search', 'query', '  ']).code, 2);
		assert.equal(srv.run(['search', 'frob']).code, 2);
	});

	it('limits searches per address, not the bare form', async () => {
		const codes = await Promise.all(Array.from({ length: 60 },
			() => c.get(search({ q: '鸬鹚' })).then((r) => r.status)));
		assert.ok(codes.includes(429), codes.join(' '));
		assert.ok(codes.every((s) => s === 200 || s === 429));
		const r = await c.get(search({ q: '鸬鹚' }));
		if (r.status === 429)
			assert.match(r.bodyText, /检索过于频繁，请稍后再试/);
		assert.equal((await c.get('/gk/search')).status, 200);
	});
});
}
