// permit_privacy.test.mjs: a natural person who holds a permit, on every
// public page of the permits register.
//
// The register is public (行政许可法 Art. 40; the 双公示 rules), but a
// natural person's name is personal data (the register of personal-data
// fields: permits.holder): the public sees it masked (张*), never their
// identity number, which is checked and not kept, never their decision's
// full text, which names and numbers them, and cannot find them by
// name.  An organisation, and an individual business (个体工商户) with
// its credit code, is shown as registered.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, loginAs, Client } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n' +
	'trailer << /Root 1 0 R >>\n%%EOF\n');
const AUTHORITY = '新昌高新园区管理委员会';
const PERSON = '欧阳明月';
const ID = '330624199001010018';    // REGULATIONS.md §10, fictitious
const SHOP = '新昌县恒丰五金店';

// An individual business's unified social credit code (92: 个体工商户;
// its check character N by GB 32100, MOD 31).
const SHOP_CODE = '92330624778899001N';

// Nothing of the person but the masked name: not the name, not two of
// its characters together, no part of the number.
function assertMasked(text, where) {
	assert.doesNotMatch(text, new RegExp(`${PERSON}|明月|阳明`), where);
	assert.doesNotMatch(text, /330624199|19900101|0101001/, where);
}

for (const backend of backends()) {
describe(`a natural person holding a permit, in public (${backend})`, () => {
	let srv, clerk, anon, person, shop;

	before(async () => {
		srv = await startServer({ backend });
		clerk = await loginAs(srv, 'clerk');
		anon = new Client(srv.url);
		// one decision through the staff form, with its full text
		const add = async (fields, fulltext) => {
			await clerk.get('/permits/new');
			const fd = new FormData();
			for (const [k, v] of Object.entries({ csrf: clerk.csrf(),
				authority: AUTHORITY, ...fields }))
				fd.append(k, v);
			if (fulltext)
				fd.append('fulltext', new Blob([PDF]), fulltext);
			const r = await clerk.post('/permits', fd);
			assert.equal(r.status, 303, r.bodyText.slice(0, 2000));
			return /\/permits\/(\d+)$/.exec(r.headers.get('location'))[1];
		};
		person = await add({ item: '乡村建设规划许可',
			decision_no: '新高许〔2024〕0901号', holder: PERSON,
			holder_code: ID, decided_on: '2024-06-03',
			valid_from: '2024-06-03', valid_to: '2026-06-02',
			legal_basis: '《中华人民共和国城乡规划法》第四十一条' },
		'乡村建设规划许可证.pdf');
		shop = await add({ item: '食品经营许可',
			decision_no: '新高许〔2024〕0902号', holder: SHOP,
			holder_code: SHOP_CODE, decided_on: '2024-06-04',
			valid_from: '2024-06-04', valid_to: '2029-06-03',
			legal_basis: '《中华人民共和国食品安全法》第三十五条' });
	});
	after(() => srv?.stop());

	it('PI-01 the register names the holder', () => {
		const out = srv.run(['retention', 'list']);
		assert.equal(out.code, 0, out.stderr);
		assert.match(out.stdout,
			/^permits\.holder\s+\d+\s+no\s+行政相对人名称$/m);
		assert.match(out.stdout, /《中华人民共和国行政许可法》第四十条/);
	});

	it('the identity number is checked, not kept', () => {
		const r = sql(srv, "SELECT holder_kind || '|' || holder_code FROM " +
			`permits WHERE id = ${person}`);
		assert.equal(r.code, 0, r.err);
		assert.equal(r.out, 'person|');
	});

	it('the list, a year of it and the feed show the name masked',
	async () => {
		for (const url of ['/gk/permits', '/gk/permits?year=2024',
			'/gk/permits.xml']) {
			const r = await anon.get(url);
			assert.equal(r.status, 200, url);
			assert.match(r.bodyText, /欧\*\*\*/, url);
			assertMasked(r.bodyText, url);
		}
		const hant = new Client(srv.url);
		hant.cookies.set('fz_lang', 'hant');
		const r = await hant.get('/gk/permits');
		assert.match(r.bodyText, /行政許可公示/);
		assert.doesNotMatch(r.bodyText, /歐陽明月|欧阳明月/);
	});

	it('the person is not found by name or number', async () => {
		for (const q of [PERSON, '明月', '欧阳', ID, ID.slice(6, 14)]) {
			const r = await anon.get('/gk/permits?q=' +
				encodeURIComponent(q));
			assert.equal(r.status, 200);
			assert.doesNotMatch(r.bodyText, /新高许〔2024〕0901号/, q);
		}
		// by the decision number, masked
		const r = await anon.get('/gk/permits?q=' +
			encodeURIComponent('新高许〔2024〕0901号'));
		assert.match(r.bodyText, new RegExp(`href="/gk/permits/${person}"`));
		assertMasked(r.bodyText, 'by number');
	});

	it('the record: masked, no number, no full text', async () => {
		const r = await anon.get(`/gk/permits/${person}`);
		assert.equal(r.status, 200);
		assert.match(r.bodyText, /欧\*\*\*/);
		assert.match(r.bodyText, /自然人/);
		assert.doesNotMatch(r.bodyText, /统一社会信用代码/);
		assert.doesNotMatch(r.bodyText, /fulltext|乡村建设规划许可证\.pdf/);
		assertMasked(r.bodyText, 'record');
		const f = await anon.get(`/gk/permits/${person}/fulltext`);
		assert.equal(f.status, 404);
		assert.ok(!f.buffer.subarray(0, 5).equals(Buffer.from('%PDF-')));
		// the staff see the holder in full
		const staff = await clerk.get(`/permits/${person}`);
		assert.match(staff.bodyText, new RegExp(PERSON));
	});

	it('an individual business is shown as registered', async () => {
		const r = await anon.get(`/gk/permits/${shop}`);
		assert.equal(r.status, 200);
		assert.match(r.bodyText, new RegExp(SHOP));
		assert.match(r.bodyText, new RegExp(SHOP_CODE));
		const found = await anon.get('/gk/permits?q=' +
			encodeURIComponent('恒丰五金'));
		assert.match(found.bodyText, /新高许〔2024〕0902号/);
	});
});
}
