// attach.test.mjs: files on the petitions desk (WB-05) — uploaded with a
// registration, an action or an online submission, judged before
// anything is stored, kept sealed under generated names outside the web
// root, and sent back only as attachments to whoever may read the case,
// not to the department an accusation names (PI-06), each download
// audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { backends, startServer, loginAs, Client } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';
import { form } from './lib/fixtures.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n' +
	'trailer << /Root 1 0 R >>\n%%EOF\n');
// The EICAR test signature, assembled so that this file is not one.
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-' +
	'TEST-FILE!$H+H*';

function today() {
	return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

function count(srv, q) {
	const r = sql(srv, `SELECT COUNT(*) ${q}`);
	assert.equal(r.code, 0, r.err);
	return Number(r.out);
}

// Every file under DATA_DIR/attachments.
function stored(srv) {
	const root = path.join(srv.dataDir, 'attachments');
	if (!fs.existsSync(root))
		return [];
	return fs.readdirSync(root, { recursive: true })
		.map((f) => path.join(root, f))
		.filter((f) => fs.statSync(f).isFile());
}

for (const backend of backends()) {
describe(`attachments (${backend})`, () => {
	let srv, officer, clerk, jfj, dzb;

	before(async () => {
		srv = await startServer({ backend });
		officer = await loginAs(srv, 'petition');
		clerk = await loginAs(srv, 'clerk');
		const page = await officer.get('/petitions/new?procedure=petition');
		const option = (label) => new RegExp(`<option value="(\\d+)"` +
			`[^>]*>${label}</option>`).exec(page.bodyText)[1];
		jfj = option('经济发展局');
		dzb = option('党政综合办公室');
	});
	after(() => srv?.stop());

	async function register(files, extra = {}) {
		await officer.get('/petitions/new?procedure=petition');
		return officer.post('/petitions', form({
			csrf: officer.csrf(), procedure: 'petition',
			channel: 'letter', title: '反映厂区噪声', content: '夜间噪声扰民。',
			received_date: today(), p_name: '郑十', p_phone: '13611112222',
			...extra }, files));
	}

	it('WB-05 a registration stores its files sealed, and they come back',
	async () => {
		const before = stored(srv).length;
		const r = await register([['attachments', '来信扫描件.pdf', PDF]]);
		assert.equal(r.status, 303, r.bodyText.slice(0, 1500));
		const id = /\/petitions\/(\d+)$/.exec(r.headers.get('location'))[1];
		const files = stored(srv);
		assert.equal(files.length, before + 1);
		// a generated name, and no plain bytes on disk
		const disk = files.map((f) => fs.readFileSync(f));
		assert.ok(files.every((f) => /[0-9a-f]{2}\/[0-9a-f]{32}$/.test(f)));
		assert.ok(disk.every((b) => !b.includes('%PDF')));
		const page = (await officer.get(`/petitions/${id}`)).bodyText;
		const m = new RegExp(`href="(/petitions/${id}/files/(\\d+))"`)
			.exec(page);
		assert.ok(m, 'a link to the file');
		assert.match(page, /来信扫描件\.pdf/);
		const got = await officer.get(m[1]);
		assert.equal(got.status, 200);
		assert.equal(got.headers.get('content-type'), 'application/pdf');
		assert.match(got.headers.get('content-disposition'),
			/^attachment; filename="attachment\.pdf"; filename\*=UTF-8''/);
		assert.match(got.headers.get('content-security-policy'), /sandbox/);
		assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
		assert.ok(got.buffer.equals(PDF));
		assert.equal(count(srv, "FROM audit_log WHERE action = " +
			`'attachment.read' AND object = 'attachment:${m[2]}'`), 1);
		// bound to the case and to its registration
		assert.equal(count(srv, `FROM attachments a JOIN case_events e ` +
			`ON e.id = a.event_id WHERE a.id = ${m[2]} AND ` +
			`a.case_id = ${id} AND e.action = 'register'`), 1);
	});

	for (const [name, files, status, msg] of [
		['WB-05 oversize', [['attachments', 'big.pdf',
			Buffer.concat([PDF, Buffer.alloc(11 << 20)])]], 413,
			/big\.pdf/],
		['WB-05 .html as .pdf', [['attachments', 'letter.pdf',
			Buffer.from('<html><script>alert(1)</script></html>')]],
			415, /letter\.pdf/],
		['WB-05 ../ name', [['attachments', '../../etc/x.pdf', PDF]], 400,
			/文件名/],
		['WB-05 EICAR', [['attachments', 'note.txt',
			Buffer.from(EICAR)]], 400, /note\.txt/],
		['an upload for a field the action has not',
			[['reply_files', 'a.pdf', PDF]], 400, /不收附件/],
	]) {
		it(`${name} is refused and nothing is stored`, async () => {
			const files0 = stored(srv).length;
			const rows = count(srv, 'FROM attachments');
			const cases = count(srv, 'FROM cases');
			const r = await register(files);
			assert.equal(r.status, status, r.bodyText.slice(0, 800));
			assert.match(r.bodyText, /role="alert"/);
			assert.match(r.bodyText, msg);
			assert.equal(stored(srv).length, files0);
			assert.equal(count(srv, 'FROM attachments'), rows);
			assert.equal(count(srv, 'FROM cases'), cases);
		});
	}

	it('a refused action removes the files it brought', async () => {
		const r = await register([]);
		const id = /\/petitions\/(\d+)$/.exec(r.headers.get('location'))[1];
		const files0 = stored(srv).length;
		await officer.get(`/petitions/${id}`);
		// draft_reply carries reply files but is not the officer's
		const res = await officer.post(`/petitions/${id}/actions/` +
			'draft_reply', form({ csrf: officer.csrf(),
				reply_text: '答复' },
			[['reply_files', '答复.pdf', PDF]]));
		assert.ok(res.status >= 400 && res.status < 500, `${res.status}`);
		assert.equal(stored(srv).length, files0);
		assert.equal(count(srv, 'FROM attachments WHERE case_id IS NULL ' +
			"AND field = ''"), 0);
	});

	it('PI-06 the accused department gets no file of an accusation',
	async () => {
		// a complaint against 经济发展局, which co-handles the ticket
		await officer.get('/petitions/new?procedure=hotline');
		const r = await officer.post('/petitions', form({
			csrf: officer.csrf(), procedure: 'hotline',
			request_type: 'complaint', channel: 'phone',
			title: '检举控告', content: '反映某局工作人员违规收费。',
			p_name: '郑十', p_phone: '13611112222', accused_dept: jfj },
			[['attachments', '证据.pdf', PDF]]));
		assert.equal(r.status, 303, r.bodyText.slice(0, 800));
		const id = /\/petitions\/(\d+)$/.exec(r.headers.get('location'))[1];
		const fid = Number(sql(srv, 'SELECT id FROM attachments WHERE ' +
			`case_id = ${id}`).out);
		await officer.get(`/petitions/${id}`);
		const d = await officer.post(`/petitions/${id}/actions/dispatch`,
			{ csrf: officer.csrf(), dept: dzb, co_depts: [jfj] });
		assert.equal(d.status, 303, d.bodyText.slice(0, 800));
		const page = await clerk.get(`/petitions/${id}`);
		assert.equal(page.status, 200);
		assert.doesNotMatch(page.bodyText, /证据\.pdf/);
		assert.doesNotMatch(page.bodyText, new RegExp(`/files/${fid}`));
		assert.equal((await clerk.get(`/petitions/${id}/files/${fid}`))
			.status, 404);
		assert.equal((await officer.get(`/petitions/${id}/files/${fid}`))
			.status, 200);
		// and a file of one case is not reachable through another
		assert.equal((await officer.get(`/petitions/1/files/${fid}`))
			.status, 404);
	});

	it('the API uploads first, then names the files in a create call',
	async () => {
		const t = srv.run(['user', 'token', 'petition', `附件-${Date.now()}`]);
		assert.equal(t.code, 0, t.stderr);
		const headers = { authorization:
			`Bearer ${/^token: (\S+)$/m.exec(t.stdout)[1]}` };
		const c = new Client(srv.url);
		const up = await c.post('/api/v1/attachments', form({},
			[['file', '来信.pdf', PDF], ['file', 'note.txt', '补充说明']]),
			{ headers, origin: null });
		assert.equal(up.status, 201, up.bodyText);
		const files = (await up.json()).attachments;
		assert.deepEqual(files.map((f) => [f.name, f.mime]), [
			['来信.pdf', 'application/pdf'],
			['note.txt', 'text/plain; charset=utf-8']]);
		// a refused file uploads nothing
		const bad = await c.post('/api/v1/attachments', form({},
			[['file', 'x.pdf', '<html>']]), { headers, origin: null });
		assert.equal(bad.status, 415);
		assert.equal((await bad.json()).error.code, 'type_mismatch');
		const made = await c.post('/api/v1/cases', { procedure: 'petition',
			fields: { channel: 'letter', title: '来信反映', content: '见附件',
				received_date: today(),
				attachments: files.map((f) => f.id) },
			petitioner: { name: '卫十三', phone: '13700002222' } },
			{ json: true, headers, origin: null });
		assert.equal(made.status, 201, made.bodyText);
		const id = (await made.json()).id;
		const got = await (await c.get(`/api/v1/cases/${id}`,
			{ headers })).json();
		assert.deepEqual(got.files.map((f) => f.name).sort(),
			['note.txt', '来信.pdf']);
		const dl = await c.get(got.files.find((f) => f.name === '来信.pdf')
			.url, { headers });
		assert.equal(dl.status, 200);
		assert.ok(dl.buffer.equals(PDF));
		// the same ids cannot go into a second case
		const again = await c.post('/api/v1/cases', { procedure: 'petition',
			fields: { channel: 'letter', title: '再次', content: 'x',
				received_date: today(), attachments: [files[0].id] },
			petitioner: { phone: '13700002222' } },
			{ json: true, headers, origin: null });
		assert.equal(again.status, 400);
		assert.match((await again.json()).error.message, /已用于其他事项/);
	});

	it('a citizen can send files with an online submission', async () => {
		const c = new Client(srv.url);
		await c.get('/petition/new');
		const r = await c.post('/petition/new', form({ csrf: c.csrf(),
			kind: 'hotline', request_type: 'complaint',
			title: '路面破损', content: '园区东路路面破损。',
			p_name: '冯十一', p_phone: '13700001111' },
			[['attachments', '照片.png', Buffer.from(
				'89504e470d0a1a0a0000000d49484452', 'hex')]]),
			{ follow: true });
		assert.equal(r.status, 200, r.bodyText.slice(0, 800));
		const number = /id="case-number">([^<]+)</.exec(r.bodyText)[1];
		// the confirmation is a page of its own: reloading it shows it
		// again and opens no second case; another browser sees nothing
		const cases = count(srv, 'FROM cases');
		const again = await c.get('/petition/done');
		assert.match(again.bodyText, new RegExp(number));
		assert.equal(count(srv, 'FROM cases'), cases);
		const other = await new Client(srv.url).get('/petition/done');
		assert.equal(other.status, 200);
		assert.doesNotMatch(other.bodyText, /id="query-code"/);
		assert.equal(count(srv, 'FROM attachments a JOIN cases c ON ' +
			`c.id = a.case_id WHERE c.number = '${number}' AND ` +
			"a.mime = 'image/png' AND a.uploaded_by IS NULL"), 1);
	});
});
}
