// permit.test.mjs: the administrative permits register — sheets imported
// through the page and the command line (all or nothing, a report by row
// and column), the public list, record, full text and feed, and the
// full-text electronic rate.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { backends, startServer, loginAs, Client } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';
import { uscc, form } from './lib/fixtures.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n' +
	'trailer << /Root 1 0 R >>\n%%EOF\n');
const HEADER = '许可事项,决定文书号,行政相对人名称,统一社会信用代码,' +
	'许可决定日期,有效期自,有效期至,许可机关,许可依据,全文';
const AUTHORITY = '新昌高新园区管理委员会';


// A stored (uncompressed) zip archive of { name: text } entries.
function zip(entries) {
	const locals = [], centrals = [];
	let offset = 0;
	for (const [name, text] of Object.entries(entries)) {
		const data = Buffer.from(text), nameBuf = Buffer.from(name);
		const crc = zlib.crc32(data);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(0x0800, 6);             // UTF-8 names
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(data.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(nameBuf.length, 26);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		central.writeUInt16LE(20, 6);
		central.writeUInt16LE(0x0800, 8);
		central.writeUInt32LE(crc, 16);
		central.writeUInt32LE(data.length, 20);
		central.writeUInt32LE(data.length, 24);
		central.writeUInt16LE(nameBuf.length, 28);
		central.writeUInt32LE(offset, 42);
		locals.push(local, nameBuf, data);
		centrals.push(central, nameBuf);
		offset += 30 + nameBuf.length + data.length;
	}
	const dir = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(centrals.length / 2, 8);
	end.writeUInt16LE(centrals.length / 2, 10);
	end.writeUInt32LE(dir.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, dir, end]);
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

// An xlsx workbook of rows of cells (strings inline, numbers as numbers).
function xlsx(rows) {
	const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
	const cell = (v, c, r) => {
		const ref = String.fromCharCode(65 + c) + r;
		return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` :
			`<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
	};
	const data = rows.map((row, i) => `<row r="${i + 1}">` +
		row.map((v, c) => cell(v, c, i + 1)).join('') + '</row>').join('');
	return zip({
		'[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://' +
			'schemas.openxmlformats.org/package/2006/content-types"/>',
		'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${ns}" ` +
			'xmlns:r="http://schemas.openxmlformats.org/officeDocument/' +
			'2006/relationships"><sheets><sheet name="许可" sheetId="1" ' +
			'r:id="rId1"/></sheets></workbook>',
		'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships ' +
			'xmlns="http://schemas.openxmlformats.org/package/2006/' +
			'relationships"><Relationship Id="rId1" Type="worksheet" ' +
			'Target="worksheets/sheet1.xml"/></Relationships>',
		'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><worksheet ` +
			`xmlns="${ns}"><sheetData>${data}</sheetData></worksheet>`,
	});
}

function csv(rows) {
	const q = (v) => /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
	return '\ufeff' + [HEADER, ...rows.map((r) => r.map(q).join(','))]
		.join('\r\n') + '\r\n';
}

function count(srv, where) {
	const r = sql(srv, `SELECT COUNT(*) FROM permits WHERE ${where}`);
	assert.equal(r.code, 0, r.err);
	return Number(r.out);
}

const COMPANY = '新昌县恒达轴承有限公司';
const CODE = uscc('91330624123456788');
const SHOP = uscc('92330624556677885');

// The sheet of year `y`: a company with its decision attached, a shop, a
// villager (natural person).
function rowsOf(y, { badShop = false } = {}) {
	const shop = badShop ? SHOP.slice(0, 17) +
		(SHOP[17] === '0' ? '1' : '0') : SHOP;
	return [
		['建设工程规划许可', `新高许〔${y}〕0001号`, COMPANY, CODE,
			`${y}-03-06`, `${y}-03-06`, `${y + 1}-03-05`, AUTHORITY,
			'《中华人民共和国城乡规划法》第四十条',
			'决定书0001.pdf'],
		['食品经营许可', `新高许[${y}]0002号`, '新昌县"好味"小吃店',
			shop,
			`${y}/3/7`, `${y}/3/7`, '长期', AUTHORITY,
			'《中华人民共和国食品安全法》\n第三十五条', '是'],
		['乡村建设规划许可', `新高许〔${y}〕0003号`, '张三丰',
			'33062419800101003X', `${y}年3月8日`, '', '', AUTHORITY, '', '否'],
	];
}

for (const backend of backends()) {
describe(`permits register (${backend})`, () => {
	let srv, ogi, clerk, lawyer, anon;

	before(async () => {
		srv = await startServer({ backend });
		ogi = await loginAs(srv, 'ogi');
		clerk = await loginAs(srv, 'clerk');
		lawyer = await loginAs(srv, 'lawyer');
		anon = new Client(srv.url);
	});
	after(() => srv?.stop());

	async function upload(c, name, bytes, extra = {}, files = []) {
		const page = await c.get('/permits/import');
		assert.equal(page.status, 200);
		return c.post('/permits/import', form({ csrf: c.csrf(), ...extra },
			[['file', name, bytes], ...files]));
	}

	it('a bad row refuses the whole sheet, with the row, column and fix',
	async () => {
		const before = count(srv, '1 = 1');
		const files = () => Number(sql(srv, 'SELECT COUNT(*) FROM ' +
			'attachments').out);
		const files0 = files();
		const r = await upload(ogi, '许可.csv',
			csv(rowsOf(2024, { badShop: true })), {},
			[['fulltexts', '决定书0001.pdf', PDF]]);
		assert.equal(r.status, 400);
		assert.match(r.bodyText, /第 3 行/);
		assert.match(r.bodyText, /统一社会信用代码/);
		assert.match(r.bodyText, new RegExp(`应为 ${SHOP[17]}`));
		assert.match(r.bodyText, /未导入/);
		assert.equal(count(srv, '1 = 1'), before);
		assert.equal(files(), files0);
	});

	it('a dry run checks and stores nothing', async () => {
		const r = await upload(ogi, '许可.csv', csv(rowsOf(2024)),
			{ dry_run: '1' }, [['fulltexts', '决定书0001.pdf', PDF]]);
		assert.equal(r.status, 200, r.bodyText.slice(0, 2000));
		assert.match(r.bodyText, /检查通过/);
		assert.equal(count(srv, "decided_on LIKE '2024-%'"), 0);
	});

	it('a good sheet is imported whole and published at once', async () => {
		const files0 = Number(sql(srv, "SELECT COUNT(*) FROM attachments " +
			"WHERE field = 'permit'").out);
		const r = await upload(ogi, '许可.csv', csv(rowsOf(2024)), {},
			[['fulltexts', '决定书0001.pdf', PDF]]);
		assert.equal(r.status, 303, r.bodyText.slice(0, 2000));
		assert.equal(r.headers.get('location'), '/permits');
		assert.equal(count(srv, "decided_on LIKE '2024-%'"), 3);
		assert.equal(count(srv, "decided_on LIKE '2024-%' AND " +
			'published_at > 0'), 3);
		assert.equal(Number(sql(srv, "SELECT COUNT(*) FROM attachments " +
			"WHERE field = 'permit'").out), files0 + 1);
		// one audit entry for the batch
		const a = sql(srv, "SELECT COUNT(*) FROM audit_log WHERE action = " +
			"'permit.import' AND object LIKE 'permit-batch:%'");
		assert.ok(Number(a.out) >= 1);
		// the person's identity number is nowhere
		assert.equal(count(srv, "holder_code LIKE '%19800101%'"), 0);
		const list = await ogi.get('/permits?year=2024');
		assert.equal(list.status, 200);
		assert.match(list.bodyText, /新高许〔2024〕0002号/);
		// the rate: two of three decisions with an electronic full text
		assert.match(list.bodyText, /66\.7%/);
		// and again: every number is taken, nothing changes
		const again = await upload(ogi, '许可.csv', csv(rowsOf(2024)), {},
			[['fulltexts', '决定书0001.pdf', PDF]]);
		assert.equal(again.status, 400);
		assert.match(again.bodyText, /已登记/);
		assert.equal(count(srv, "decided_on LIKE '2024-%'"), 3);
	});

	it('WB-05 a full text that is not what its name says is refused',
	async () => {
		const before = count(srv, '1 = 1');
		const r = await upload(ogi, '许可.csv', csv(rowsOf(2026)), {},
			[['fulltexts', '决定书0001.pdf', Buffer.from('not a pdf')]]);
		assert.equal(r.status, 415, r.bodyText.slice(0, 2000));
		assert.match(r.bodyText, /决定书0001\.pdf/);
		assert.equal(count(srv, '1 = 1'), before);
	});

	it('an xlsx sheet with day numbers imports as well', async () => {
		const rows = rowsOf(2025).map((r) => r.slice());
		rows[0][4] = 45722;                 // 2025-03-06 as a day number
		rows[0][5] = 45722;
		rows[0][9] = '是';
		const book = xlsx([HEADER.split(','), ...rows]);
		const r = await upload(ogi, '许可.xlsx', book);
		assert.equal(r.status, 303, r.bodyText.slice(0, 2000));
		const d = sql(srv, "SELECT decided_on FROM permits WHERE " +
			"decision_no = '新高许〔2025〕0001号'");
		assert.equal(d.out, '2025-03-06');
		const junk = await upload(ogi, '坏.xlsx', Buffer.from('PK\x03\x04xx'));
		assert.equal(junk.status, 400);
		assert.match(junk.bodyText, /xlsx/);
	});

	it('only 经办人 and 信息公开专员 enter records; the public cannot',
	async () => {
		assert.equal((await lawyer.get('/permits/import')).status, 403);
		const page = await lawyer.get('/permits');
		assert.equal(page.status, 200);
		assert.doesNotMatch(page.bodyText, /href="\/permits\/import"/);
		const r = await lawyer.post('/permits/import', form({
			csrf: lawyer.csrf() }, [['file', 'a.csv', csv(rowsOf(2023))]]));
		assert.equal(r.status, 403);
		const a = await anon.get('/permits');
		assert.ok([302, 303, 401].includes(a.status), String(a.status));
		assert.equal(count(srv, "decided_on LIKE '2023-%'"), 0);
	});

	it('one decision through the form, its code checked', async () => {
		const page = await clerk.get('/permits/new');
		assert.equal(page.status, 200);
		const fields = {
			csrf: clerk.csrf(), item: '排污许可',
			decision_no: '新高许〔2023〕0100号', holder: COMPANY,
			holder_code: CODE.slice(0, 17) + (CODE[17] === 'A' ? 'B' : 'A'),
			decided_on: '2023-05-10', valid_from: '2023-05-10',
			valid_to: '2028-05-09', authority: AUTHORITY,
			legal_basis: '《排污许可管理条例》第二条',
		};
		const bad = await clerk.post('/permits', form(fields));
		assert.equal(bad.status, 400);
		assert.match(bad.bodyText, new RegExp(`应为 ${CODE[17]}`));
		assert.match(bad.bodyText, /新高许〔2023〕0100号/);  // kept
		await clerk.get('/permits/new');
		const ok = await clerk.post('/permits', form({ ...fields,
			csrf: clerk.csrf(), holder_code: CODE.toLowerCase() },
			[['fulltext', '排污许可决定书.pdf', PDF]]));
		assert.equal(ok.status, 303, ok.bodyText.slice(0, 2000));
		const loc = ok.headers.get('location');
		assert.match(loc, /^\/permits\/\d+$/);
		const rec = await clerk.get(loc);
		assert.match(rec.bodyText, /公示时限/);
		assert.match(rec.bodyText, /排污许可决定书\.pdf/);
		const file = await clerk.get(`${loc}/fulltext`);
		assert.equal(file.status, 200);
		assert.ok(file.buffer.subarray(0, 5).equals(Buffer.from('%PDF-')));
		const dup = await clerk.post('/permits', form({ ...fields,
			csrf: clerk.csrf(), holder_code: CODE }));
		assert.equal(dup.status, 409);
		assert.match(dup.bodyText, /已登记/);
	});

	it('the public list, search, record, full text and masks', async () => {
		const list = await anon.get('/gk/permits');
		assert.equal(list.status, 200);
		assert.match(list.bodyText, /7 个工作日/);
		assert.match(list.bodyText, /class="table-wrap"/);
		const byNo = await anon.get('/gk/permits?q=' +
			encodeURIComponent('新高许〔2024〕0003号'));
		const id = /href="\/gk\/permits\/(\d+)"/.exec(byNo.bodyText)?.[1];
		assert.ok(id, byNo.bodyText.slice(0, 3000));
		assert.match(byNo.bodyText, /张\*\*/);
		assert.doesNotMatch(byNo.bodyText, /张三丰/);
		// a person is not found by their name
		const byName = await anon.get('/gk/permits?q=' +
			encodeURIComponent('张三丰'));
		assert.doesNotMatch(byName.bodyText, /新高许〔2024〕0003号/);
		const person = await anon.get(`/gk/permits/${id}`);
		assert.equal(person.status, 200);
		assert.match(person.bodyText, /自然人/);
		assert.doesNotMatch(person.bodyText, /张三丰|330624/);
		assert.doesNotMatch(person.bodyText, /fulltext/);
		const company = /href="\/gk\/permits\/(\d+)"/.exec((await anon.get(
			'/gk/permits?q=' + encodeURIComponent('新高许〔2024〕0001号')))
			.bodyText)[1];
		// the 繁體 page shows its search box in Traditional characters,
		// and what it sends back finds the same decision
		const tw = new Client(srv.url);
		tw.cookies.set('fz_lang', 'hant');
		const trad = await tw.get('/gk/permits?q=' +
			encodeURIComponent('新高許〔2024〕0001號'));
		assert.equal(trad.status, 200);
		assert.match(trad.bodyText, /value="新高許〔2024〕0001號"/);
		assert.match(trad.bodyText,
			new RegExp(`href="/gk/permits/${company}"`));
		const rec = await anon.get(`/gk/permits/${company}`);
		assert.match(rec.bodyText, new RegExp(CODE));
		assert.match(rec.bodyText, new RegExp(COMPANY));
		assert.match(rec.bodyText,
			/2024-03-06<\/span> 至 <span class="nowrap">2025-03-05/);
		const full = await anon.get(`/gk/permits/${company}/fulltext`);
		assert.equal(full.status, 200);
		assert.match(full.headers.get('content-type'), /application\/pdf/);
		assert.match(full.headers.get('content-disposition'), /attachment/);
		assert.equal((await anon.get(`/gk/permits/${id}/fulltext`)).status,
			404);
		assert.equal((await anon.get('/gk/permits/999999')).status, 404);
		const reader = new Client(srv.url);
		reader.cookies.set('fz_lang', 'hant');
		const hant = await reader.get('/gk/permits');
		assert.equal(hant.status, 200);
		assert.match(hant.bodyText, /行政許可公示/);
	});

	it('the public pages are in the portal\'s frame', async () => {
		for (const url of ['/gk/permits', '/gk/permits?year=abc']) {
			const r = await anon.get(url);
			assert.match(r.bodyText,
				/<a class="brand" href="\/">新昌高新园区政府信息公开<\/a>/);
			assert.match(r.bodyText, /<nav class="main-nav" aria-label="门户导航">/);
			assert.match(r.bodyText,
				/<a href="\/gk\/permits" aria-current="page">行政许可公示<\/a>/);
			assert.match(r.bodyText, /<footer class="site-footer portal-footer">/);
			assert.equal(r.bodyText.match(/<h1[ >]/g).length, 1, url);
			assert.match(r.bodyText, /<h1>行政许可公示<\/h1>/);
			assert.doesNotMatch(r.bodyText, /法治政府建设管理平台/);
		}
		const id = /href="\/gk\/permits\/(\d+)"/.exec(
			(await anon.get('/gk/permits')).bodyText)[1];
		const rec = await anon.get(`/gk/permits/${id}`);
		assert.equal(rec.status, 200);
		assert.match(rec.bodyText,
			/<a href="\/gk\/permits" aria-current="true">行政许可公示<\/a>/);
		assert.equal(rec.bodyText.match(/<h1[ >]/g).length, 1);
		assert.doesNotMatch(rec.bodyText, /法治政府建设管理平台/);
		const gone = await anon.get('/gk/permits/999999');
		assert.equal(gone.status, 404);
		assert.match(gone.bodyText, /没有这条行政许可公示/);
		assert.match(gone.bodyText, /class="brand" href="\/">新昌高新园区政府信息公开/);
		assert.doesNotMatch(gone.bodyText, /法治政府建设管理平台/);
	});

	it('a list query that is not understood is refused, not ignored',
	async () => {
		// this year in China Standard Time: the last year one may ask for
		const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
		const caption = /共 (\d+) 条行政许可决定/;
		const all = await anon.get('/gk/permits');
		const total = Number(caption.exec(all.bodyText)[1]);
		const pages = Math.ceil(total / 20);
		assert.ok(total > 0);
		const refused = async (c, url, what, field) => {
			const r = await c.get(url);
			assert.equal(r.status, 400, url);
			assert.match(r.bodyText, new RegExp('<div class="error" ' +
				`role="alert" id="list-error"><p>[^<]*${what}`), url);
			// the form, the field marked, and no list at all
			assert.match(r.bodyText, /<form method="get" action="\/(gk\/)?permits"/);
			if (field)
				assert.match(r.bodyText, new RegExp(`id="${field}" [^>]*` +
					'aria-invalid="true" aria-describedby="list-error"'),
				url);
			assert.doesNotMatch(r.bodyText, /<table|共 \d+ 条/, url);
			return r;
		};
		const yearMsg = `年度应为 2000 至 ${year} 之间的年份（四位数字），` +
			'不填则不限年度。';
		for (const y of ['abc', '1969', '1999', '9999', String(year + 1),
			'-2022', '2022.0', ' 2022'])
			await refused(anon, `/gk/permits?year=${encodeURIComponent(y)}`,
				yearMsg, 'year');
		for (const p of ['-1', '0', 'abc', '1.5'])
			await refused(anon, `/gk/permits?page=${p}`,
				'页码应为从 1 开始的整数。');
		await refused(anon, '/gk/permits?q=' + encodeURIComponent(
			'恒'.repeat(61)), '查询内容太长，请不超过 60 个字。', 'q');
		// both wrong: both said
		const both = await refused(anon, '/gk/permits?year=x&page=y', yearMsg);
		assert.match(both.bodyText, /页码应为从 1 开始的整数/);
		// the box takes what the server takes
		assert.match(all.bodyText, new RegExp('<input id="year" name="year" ' +
			`type="number" min="2000" max="${year}" value="">`));
		assert.match(all.bodyText, /<input id="q" name="q" type="search" maxlength="60"/);

		// what is understood still works
		const none = await anon.get('/gk/permits?year=2020');
		assert.equal(none.status, 200);
		assert.match(none.bodyText, /共 0 条行政许可决定/);
		for (const url of ['/gk/permits?year=', '/gk/permits?page=',
			'/gk/permits?page=1&year=&q='])
			assert.match((await anon.get(url)).bodyText,
				new RegExp(`共 ${total} 条行政许可决定`), url);
		assert.equal((await anon.get('/gk/permits?q=' +
			encodeURIComponent('恒'.repeat(60)))).status, 200);
		const last = await anon.get(`/gk/permits?page=${pages}`);
		assert.equal(last.status, 200);
		assert.match(last.bodyText, new RegExp(`第 ${pages} 页，共 ${pages} 页`));

		// a page beyond the last is not there, as in the catalogue
		for (const p of [pages + 1, 99999, 100001]) {
			const r = await anon.get(`/gk/permits?page=${p}`);
			assert.equal(r.status, 404, String(p));
			assert.match(r.bodyText, /没有这一页。/);
			assert.match(r.bodyText, /class="brand" href="\/">新昌高新园区政府信息公开/);
			assert.doesNotMatch(r.bodyText, /第 \d+ 页，共/);
		}
		assert.equal((await anon.get('/gk/c/08?page=99')).status, 404);

		// the staff register reads its query the same way
		const staff = await ogi.get('/permits');
		assert.equal(staff.status, 200);
		const staffTotal = Number(/共 (\d+) 条<\/caption>/.exec(
			staff.bodyText)[1]);
		assert.equal(staffTotal, total);
		for (const y of ['abc', '1969', '9999'])
			await refused(ogi, `/permits?year=${y}`, yearMsg, 'f-year');
		await refused(ogi, '/permits?page=abc', '页码应为从 1 开始的整数。');
		await refused(ogi, '/permits?page=-1', '页码应为从 1 开始的整数。');
		await refused(ogi, '/permits?q=' + encodeURIComponent('恒'.repeat(61)),
			'查询内容太长，请不超过 60 个字。', 'f-q');
		assert.match((await ogi.get('/permits?year=2020')).bodyText,
			/共 0 条<\/caption>/);
		const gone = await ogi.get('/permits?page=99999');
		assert.equal(gone.status, 404);
		assert.match(gone.bodyText, /没有这一页。/);
		assert.equal((await ogi.get(`/permits?page=${pages + 1}`)).status,
			404);
		assert.equal((await ogi.get(`/permits?page=${pages}`)).status, 200);
	});

	it('the RSS 2.0 feed of the newest decisions', async () => {
		const r = await anon.get('/gk/permits.xml');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /application\/rss\+xml/);
		const x = r.bodyText;
		assert.match(x, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
		assert.match(x, /<rss version="2.0"/);
		assert.match(x,
			/<channel><title>新昌高新园区行政许可公示<\/title>/);
		const items = x.match(/<item>[\s\S]*?<\/item>/g) ?? [];
		assert.ok(items.length >= 3 && items.length <= 50);
		for (const it of items) {
			assert.match(it, new RegExp('<link>http://127\\.0\\.0' +
				'\\.1:\\d+/gk/permits/\\d+</link>'));
			assert.match(it, new RegExp('<pubDate>(Mon|Tue|Wed|Thu|' +
				'Fri|Sat|Sun), \\d\\d [A-Z][a-z]{2} \\d{4} ' +
				'\\d\\d:\\d\\d:\\d\\d \\+0800</pubDate>'));
		}
		assert.doesNotMatch(x, /张三丰/);
	});

	it('the command line imports and lists, all or nothing', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fazhi-permit-'));
		try {
			const file = path.join(dir, '许可2023.csv');
			fs.writeFileSync(path.join(dir, '决定书0001.pdf'), PDF);
			fs.writeFileSync(file, csv(rowsOf(2023, { badShop: true })));
			const bad = srv.run(['permit', 'import', file]);
			assert.equal(bad.code, 1, bad.stderr);
			assert.match(bad.stdout, /第 3 行 \[统一社会信用代码\]/);
			assert.match(bad.stdout, /未导入任何记录/);
			fs.writeFileSync(file, csv(rowsOf(2023)));
			const dry = srv.run(['permit', 'import', file, '--dry-run']);
			assert.equal(dry.code, 0, dry.stdout + dry.stderr);
			assert.match(dry.stdout, /检查通过/);
			assert.equal(count(srv, "decision_no LIKE '%〔2023〕000%'"), 0);
			const ok = srv.run(['permit', 'import', file]);
			assert.equal(ok.code, 0, ok.stdout + ok.stderr);
			assert.match(ok.stdout, /已导入 3 条/);
			assert.equal(count(srv, "decision_no LIKE '%〔2023〕000%'"), 3);
			const again = srv.run(['permit', 'import', file]);
			assert.equal(again.code, 1);
			assert.match(again.stdout, /已登记/);
			const list = srv.run(['permit', 'list', '--year', '2023']);
			assert.equal(list.code, 0, list.stderr);
			const lines = list.stdout.trim().split('\n');
			assert.equal(lines.length, 4);         // and the form's
			assert.match(lines[0], /^2023-05-10\t新高许〔2023〕0100号\t1\t/);
			assert.ok(lines.some((l) => /\t-\t乡村建设规划许可\t张三丰$/
				.test(l)));
			assert.match(list.stderr, /4 permits, 3 with an electronic/);
			assert.equal(srv.run(['permit', 'frob']).code, 2);
			assert.equal(srv.run(['permit', 'import']).code, 2);
			assert.equal(srv.run(['permit', 'list', '--year', 'x']).code, 2);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('the demo register: 427 decisions in 2022, all with full text',
	async () => {
		// only once the demo makes permits (demo_permits)
		if (count(srv, "decided_on LIKE '2022-%'") === 0)
			return;
		assert.equal(count(srv, "decided_on LIKE '2022-%'"), 427);
		assert.equal(count(srv, "decided_on LIKE '2022-%' AND " +
			'fulltext = 1 AND fulltext_id IS NOT NULL'), 427);
		assert.equal(count(srv, "decided_on LIKE '2021-%'"), 389);
		const page = await ogi.get('/permits?year=2022');
		assert.match(page.bodyText, new RegExp('<a href="/permits\\?' +
			'year=2022">2022</a></th><td class="num">427</td>' +
			'<td class="num">427</td><td class="num">100\\.0%'));
	});
});
}
