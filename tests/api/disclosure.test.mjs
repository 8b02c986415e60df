// disclosure.test.mjs: applications for government information (依申请公开)
// — online as a natural person and as a business, followed with the
// query code; correction, third-party consultation, extension and reply
// on the desk, with the due dates the official calendar gives; the
// refusals (late correction, extension by the wrong role, too long or
// twice, reply from the wrong state, bad credit codes and identity
// numbers); and the applicant reading and downloading the reply.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, Client, loginAs } from './lib/harness.mjs';
import { sql } from './lib/sql.mjs';
import { idNumber, uscc, form, day, workingDue as due }
	from './lib/fixtures.mjs';

const DAY = 86400;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n' +
	'trailer << /Root 1 0 R >>\n%%EOF\n');

function text(html) {
	return html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&');
}

function count(srv, q) {
	const r = sql(srv, `SELECT COUNT(*) ${q}`);
	assert.equal(r.code, 0, r.err);
	return Number(r.out);
}

async function page(c, path, status = 200) {
	const r = await c.get(path);
	assert.equal(r.status, status, `${path}: ${r.status}\n` +
		text(r.bodyText).slice(0, 1500));
	return r.bodyText;
}

// The citizen's form, sent as the browser sends it (multipart).
async function apply(srv, fields, files = []) {
	const c = new Client(srv.url);
	await page(c, '/ysq/new');
	const r = await c.post('/ysq/new', form({ csrf: c.csrf(),
		form: 'electronic', delivery: 'online', ...fields }, files));
	return { c, r };
}

// Apply and read the confirmation: the number and the query code.
async function applied(srv, fields, files) {
	const { c, r } = await apply(srv, fields, files);
	assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
	assert.equal(r.headers.get('location'), '/ysq/done');
	const done = await page(c, '/ysq/done');
	const number = /id="case-number">([^<]+)</.exec(done)[1];
	const code = /id="query-code">([^<]+)</.exec(done)[1];
	return { c, number, code, done };
}

async function query(srv, code, last4, status = 200) {
	const c = new Client(srv.url);
	await page(c, '/ysq/query');
	const r = await c.post('/ysq/query', { csrf: c.csrf(), code, last4 });
	assert.equal(r.status, status, text(r.bodyText).slice(0, 1500));
	return { c, html: r.bodyText };
}

async function caseOf(c, id) {
	const r = await c.get(`/api/v1/cases/${id}`);
	assert.equal(r.status, 200, r.bodyText);
	return r.json();
}

async function idOf(c, number) {
	const r = await c.get('/api/v1/cases?procedure=disclosure&page_size=200');
	assert.equal(r.status, 200, r.bodyText);
	const hit = (await r.json()).cases.find((x) => x.number === number);
	assert.ok(hit, `${number} not in the disclosure list`);
	return hit.id;
}

function replyClock(c) {
	return c.clocks.find((k) => k.id === 'reply');
}

// Staff register an application received by letter or in person.
async function register(c, srv, fields = {}) {
	await page(c, '/petitions/new?procedure=disclosure');
	const r = await c.post('/petitions', { csrf: c.csrf(),
		procedure: 'disclosure', channel: 'letter',
		applicant_type: 'natural', title: '园区企业安全生产检查记录',
		description: '申请获取2022年园区企业安全生产检查记录。',
		received_date: day(srv), p_name: '周海', p_phone: '13705751234',
		...fields });
	assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
	return Number(/\/petitions\/(\d+)$/.exec(r.headers.get('location'))[1]);
}

async function act(c, id, action, fields = {}, files = []) {
	await c.get(`/petitions/${id}`);
	const body = files.length ? form({ csrf: c.csrf(), ...fields }, files) :
		{ csrf: c.csrf(), ...fields };
	return c.post(`/petitions/${id}/actions/${action}`, body);
}

async function must(c, id, action, fields = {}, files = []) {
	const r = await act(c, id, action, fields, files);
	assert.equal(r.status, 303, `${action}: ${r.status}\n` +
		text(r.bodyText).slice(0, 1500));
}

// The engine's refusal of an action through the API: status and code.
async function refused(c, id, action, fields, status, code) {
	await c.get(`/petitions/${id}`);
	const r = await c.post(`/api/v1/cases/${id}/actions/${action}`,
		{ fields }, { json: true, headers: { 'x-csrf-token': c.csrf() } });
	assert.equal(r.status, status, r.bodyText);
	assert.equal((await r.json()).error.code, code, r.bodyText);
}

for (const backend of backends()) {
describe(`applications for disclosure (${backend})`, () => {
	let srv, ogi, head, clerk, petition, first;
	const ID = idNumber('33062419850315242');
	const CODE = uscc('91330624MA2BCDE1X');

	before(async () => {
		srv = await startServer({ backend });
		ogi = await loginAs(srv, 'ogi');
		head = await loginAs(srv, 'depthead');
		clerk = await loginAs(srv, 'clerk');
		petition = await loginAs(srv, 'petition');
	});
	after(async () => { await srv?.stop(); });

	it('a natural person applies online and follows it with the code',
	async () => {
		const today = day(srv);
		const { c, number, code, done } = await applied(srv, {
			applicant: 'natural', p_name: '林晓', p_id_number: ID,
			p_phone: '138 1234 5678', p_email: 'linxiao@example.com',
			title: '园区2022年道路改造工程招标文件',
			description: '申请获取园区2022年道路改造工程的招标文件。',
		}, [['attachments', '身份证明.pdf', PDF]]);
		assert.match(number, /^新高依申〔\d{4}〕\d{3}号$/);
		assert.match(code, /^[2-9A-HJKMNP-Z]{12}$/);
		assert.match(done, new RegExp(`收到申请日期</dt><dd>${today}`));
		assert.match(done, new RegExp(due(srv, today, 20)));
		// a reload shows the same application, opens no second one
		const again = await page(c, '/ysq/done');
		assert.match(again, new RegExp(number));

		const id = await idOf(ogi, number);
		first = { id, code };
		const k = await caseOf(ogi, id);
		assert.equal(k.state, 'registered');
		assert.equal(k.channel, 'online');
		assert.equal(k.fields.applicant_type, 'natural');
		assert.equal(k.fields.received_date, today);
		assert.equal(k.petitioner.name, '林*');
		assert.equal(k.petitioner.id_number, '330624********' +
			ID.slice(-4));
		assert.equal(k.petitioner.email, 'l***@example.com');
		assert.equal(k.petitioner.organisation, false);
		assert.equal(replyClock(k).due, due(srv, today, 20));
		assert.equal(k.files.length, 1);

		// the applicant follows it: state, due date, how it was counted
		const { html } = await query(srv, code.toLowerCase(), '5678');
		assert.match(html, new RegExp(number));
		assert.match(html, /已登记/);
		assert.match(html, new RegExp(`${due(srv, today, 20)}</time> 前`));
		assert.match(html, /期限如何计算/);
		assert.match(html, new RegExp(`起算日：${today}`));
		assert.doesNotMatch(html, /ysq\/query\/file/);
		// a wrong number reads like a wrong code
		const miss = await query(srv, code, '0000', 404);
		assert.match(miss.html, /未查到对应的申请/);
		// the code of an application opens nothing on the petitions
		// office's page, and the other way round
		const pc = new Client(srv.url);
		await page(pc, '/petition/query');
		const p = await pc.post('/petition/query', { csrf: pc.csrf(), code,
			last4: '5678' });
		assert.equal(p.status, 404);

		// the desk: the officer, the dept head and leaders list it; the
		// petitions officer and a clerk of another department do not
		// read it (AC-02)
		assert.match(await page(ogi, '/petitions?procedure=disclosure'),
			new RegExp(`href="/petitions/${id}"`));
		assert.match(await page(head, '/petitions?procedure=disclosure'),
			new RegExp(`href="/petitions/${id}"`));
		const plist = await (await petition.get('/api/v1/cases')).json();
		assert.ok(!plist.cases.some((x) => x.id === id));
		assert.equal((await petition.get(`/petitions/${id}`)).status, 404);
		assert.equal((await clerk.get(`/api/v1/cases/${id}`)).status, 404);
		const casePage = await page(ogi, `/petitions/${id}`);
		assert.match(casePage, /<h2 id="party-h">申请人<\/h2>/);
		assert.match(casePage, /所需信息的内容描述/);
		assert.match(casePage, /网上申请/);
		assert.doesNotMatch(casePage, new RegExp(ID));
	});

	it('the applicant reads the correction notice and the extension',
	async () => {
		const { id, code } = first;
		const today = day(srv);
		await must(ogi, id, 'request_correction', {
			correction_note: '请写明招标文件的项目名称或招标编号。',
			correction_days: '10' });
		let { html } = await query(srv, code, '5678');
		assert.match(html, /待补正/);
		assert.match(html, /补正告知/);
		assert.match(html, /请写明招标文件的项目名称或招标编号/);
		assert.match(html, /自收到本告知之日起 10 日内补正/);
		assert.match(html, /暂停计时/);
		await must(ogi, id, 'receive_correction', { received_date: today });
		await must(head, id, 'extend', { extension_reason: '涉及多个标段，' +
			'需要逐项检索', extension_days: '15' });
		({ html } = await query(srv, code, '5678'));
		assert.match(html, /办理中/);
		assert.match(html, new RegExp(`收到补正日期</dt><dd>${today}`));
		assert.match(html, /自该日起重新计算/);
		assert.match(html, /延长答复期限/);
		assert.match(html, /涉及多个标段/);
		assert.match(html, /延长 15 个工作日/);
		assert.match(html, new RegExp(`${due(srv, today, 35)}</time> 前`));
	});

	it('PI-02 the officer unmasks the applicant with a reason, audited; ' +
	'the dept head may not', async () => {
		const id = await register(ogi, srv, { p_id_number: ID,
			p_email: 'zhouhai@example.com' });
		await page(ogi, `/petitions/${id}`);
		const r = await ogi.post(`/petitions/${id}/unmask`,
			{ csrf: ogi.csrf(), reason: '邮寄答复需核对地址' });
		assert.equal(r.status, 200);
		assert.match(r.bodyText, new RegExp(ID));
		assert.match(r.bodyText, /zhouhai@example\.com/);
		const au = await loginAs(srv, 'auditadmin');
		const entries = (await (await au.get(
			'/api/v1/audit?action=pii.unmask')).json()).entries;
		const e = entries.find((x) => x.object === `case:${id}`);
		assert.ok(e, 'no pii.unmask entry');
		assert.ok(JSON.stringify(e).includes('petitioner.email'));
		await page(head, `/petitions/${id}`);
		const h = await head.post(`/petitions/${id}/unmask`,
			{ csrf: head.csrf(), reason: '查看' });
		assert.equal(h.status, 403);
	});

	it('a business applies with its credit code; a bad code or ID number ' +
	'is refused with a clear message and nothing is stored', async () => {
		const cases = () => count(srv, "FROM cases WHERE proc = " +
			"'disclosure'");
		const rows = () => count(srv, 'FROM petitioner');
		const before = [cases(), rows()];
		const bad = CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0');
		let { r } = await apply(srv, { applicant: 'org',
			org_type: 'business', p_name: '新昌县某某精密机械有限公司',
			p_id_number: bad, p_phone: '0575-86012345',
			title: '园区企业用地规划', description: '申请获取园区工业用地规划图。' });
		assert.equal(r.status, 400);
		assert.match(text(r.bodyText), /校验码错误/);
		assert.match(r.bodyText, /新昌县某某精密机械有限公司/);
		({ r } = await apply(srv, { applicant: 'natural', p_name: '林晓',
			p_id_number: ID.slice(0, 17) + (ID[17] === '1' ? '2' : '1'),
			p_phone: '13812345678', title: '标题', description: '内容' }));
		assert.equal(r.status, 400);
		assert.match(text(r.bodyText), /公民身份号码有误/);
		assert.deepEqual([cases(), rows()], before);

		const { number, code } = await applied(srv, { applicant: 'org',
			org_type: 'business', p_name: '新昌县某某精密机械有限公司',
			p_id_number: CODE.toLowerCase(), p_phone: '0575-86012345',
			p_address: '浙江省绍兴市新昌县高新园区某路8号', delivery: 'mail',
			title: '园区企业用地规划', description: '申请获取园区工业用地规划图。' });
		assert.deepEqual([cases(), rows()], [before[0] + 1, before[1] + 1]);
		const k = await caseOf(ogi, await idOf(ogi, number));
		assert.equal(k.fields.applicant_type, 'business');
		assert.equal(k.fields.delivery, 'mail');
		assert.equal(k.petitioner.organisation, true);
		assert.equal(k.petitioner.name, '新昌县某某精密机械有限公司');
		assert.equal(k.petitioner.id_number, CODE);
		assert.equal(k.petitioner.phone, '0575-****2345');
		const { html } = await query(srv, code, '2345');
		assert.match(html, /商业企业/);

		// the API refuses a bad code the same way
		await ogi.get('/petitions');
		const api = await ogi.post('/api/v1/cases', { procedure: 'disclosure',
			fields: { channel: 'visit', applicant_type: 'research',
				title: 't', description: 'd', received_date: day(srv) },
			petitioner: { name: '某研究院', id_number: bad,
				phone: '13812345678' } },
			{ json: true, headers: { 'x-csrf-token': ogi.csrf() } });
		assert.equal(api.status, 400);
		assert.equal((await api.json()).error.code, 'party_invalid');
		assert.deepEqual([cases(), rows()], [before[0] + 1, before[1] + 1]);
	});

	it('a correction asked within 7 working days restarts the clock from ' +
	'the corrected application', async () => {
		const received = day(srv, -5);
		const id = await register(ogi, srv, { received_date: received });
		assert.equal(replyClock(await caseOf(ogi, id)).due,
			due(srv, received, 20));
		await must(ogi, id, 'request_correction', {
			correction_note: '请写明所需检查记录的企业名称和时间段。',
			correction_days: '15' });
		let k = await caseOf(ogi, id);
		assert.equal(k.state, 'correcting');
		assert.equal(replyClock(k).paused, true);
		// a second correction notice is not possible (one, all at once)
		await refused(ogi, id, 'request_correction',
			{ correction_note: '再次补正', correction_days: 5 }, 409,
			'wrong_state');
		// no reply while waiting for the correction
		await refused(ogi, id, 'reply', { reply_type: 'disclose',
			reply_text: '予以公开' }, 409, 'wrong_state');

		const corrected = day(srv);
		await must(ogi, id, 'receive_correction',
			{ received_date: corrected });
		k = await caseOf(ogi, id);
		assert.equal(k.state, 'processing');
		assert.equal(replyClock(k).due, due(srv, corrected, 20));
		assert.equal(replyClock(k).started, corrected);
		const html = await page(ogi, `/petitions/${id}`);
		assert.match(html, new RegExp(`起算日：${corrected}`));
	});

	it('a correction after 7 working days is refused', async () => {
		const id = await register(ogi, srv, { received_date: day(srv, -30) });
		await refused(ogi, id, 'request_correction', {
			correction_note: '请补正', correction_days: 10 }, 409,
			'window_expired');
		assert.equal((await caseOf(ogi, id)).state, 'registered');
	});

	it('the dept head extends once, by at most 20 working days', async () => {
		const received = day(srv);
		const id = await register(ogi, srv, { received_date: received });
		const reason = '需要调取多个部门的档案，工作量较大';
		await refused(ogi, id, 'extend', { extension_reason: reason,
			extension_days: 10 }, 403, 'role_denied');
		await refused(head, id, 'extend', { extension_reason: reason,
			extension_days: 25 }, 400, 'field_invalid');
		const r = await act(head, id, 'extend', { extension_reason: reason,
			extension_days: '21' });
		assert.equal(r.status, 400);
		assert.match(text(r.bodyText), /延长工作日/);
		await must(head, id, 'extend', { extension_reason: reason,
			extension_days: '15' });
		const k = replyClock(await caseOf(head, id));
		assert.equal(k.due, due(srv, received, 35));
		assert.equal(k.extensions, 1);
		await refused(head, id, 'extend', { extension_reason: '再延',
			extension_days: 5 }, 409, 'extension_limit');
		assert.equal(replyClock(await caseOf(head, id)).due,
			due(srv, received, 35));
		const html = await page(ogi, `/petitions/${id}`);
		assert.match(html, /延期：1 次，共 15 个工作日/);
	});

	it('the officer replies with a type and a file; the applicant reads ' +
	'and downloads the reply, and nothing else', async () => {
		const { number, code } = await applied(srv, { applicant: 'natural',
			p_name: '王芳', p_id_number: idNumber('33062419900101002'),
			p_phone: '13900001234', title: '园区企业环评批复',
			description: '申请获取某企业扩建项目的环评批复。' },
			[['attachments', '申请书.pdf', PDF]]);
		const id = await idOf(ogi, number);
		const mine = (await caseOf(ogi, id)).files[0].id;

		// consultation: the clock waits, no reply meanwhile
		await must(ogi, id, 'consult_third_party', {
			third_party: '某企业', consult_note: '是否同意公开环评批复' });
		let k = await caseOf(ogi, id);
		assert.equal(k.state, 'consulting');
		assert.equal(replyClock(k).paused, true);
		let q = await query(srv, code, '1234');
		assert.match(q.html, /征求第三方意见/);
		await refused(ogi, id, 'reply', { reply_type: 'disclose',
			reply_text: '予以公开' }, 409, 'wrong_state');
		await must(ogi, id, 'third_party_reply',
			{ third_party_opinion: '同意公开' });

		// reply: a type the definition does not have is refused
		let r = await act(ogi, id, 'reply', { reply_type: 'maybe',
			reply_text: '予以公开' });
		assert.equal(r.status, 400);
		const letter = Buffer.from('%PDF-1.4\n% 答复书\n%%EOF\n');
		await must(ogi, id, 'reply', { reply_type: 'disclose',
			reply_text: '经审查，您申请的信息予以公开，详见附件。' },
			[['reply_files', '政府信息公开申请答复书.pdf', letter]]);
		k = await caseOf(ogi, id);
		assert.equal(k.state, 'replied');
		assert.equal(k.category, 'disclose');
		assert.equal(replyClock(k).stopped, true);
		const reply = k.files.find((f) => f.field === 'reply_files').id;

		q = await query(srv, code, '1234');
		assert.match(q.html, /已答复/);
		assert.match(q.html, /予以公开/);
		assert.match(q.html, /详见附件/);
		assert.match(q.html, /下载：政府信息公开申请答复书\.pdf/);
		assert.match(q.html, /已按期答复/);
		const csrf = q.c.csrf();
		r = await q.c.post('/ysq/query/file', { csrf, code, last4: '1234',
			file: String(reply) });
		assert.equal(r.status, 200, r.bodyText);
		assert.match(r.headers.get('content-disposition') ?? '',
			/attachment/);
		assert.deepEqual(r.buffer, letter);
		// the application's own file, a wrong code: nothing
		r = await q.c.post('/ysq/query/file', { csrf, code, last4: '1234',
			file: String(mine) });
		assert.equal(r.status, 404);
		r = await q.c.post('/ysq/query/file', { csrf, code, last4: '9999',
			file: String(reply) });
		assert.equal(r.status, 404);
		const au = await loginAs(srv, 'auditadmin');
		const entries = (await (await au.get(
			'/api/v1/audit?action=attachment.read')).json()).entries;
		assert.ok(entries.some((e) => e.object === `attachment:${reply}`));
		// and a final case takes nothing more
		await refused(ogi, id, 'reply', { reply_type: 'disclose',
			reply_text: '再次答复' }, 409, 'case_final');
	});

	it('a reply after the limit without extension is refused until it ' +
	'says why it is late', async () => {
		const id = await register(ogi, srv, { received_date: day(srv, -45) });
		const k = replyClock(await caseOf(ogi, id));
		assert.ok(k.due < day(srv), k.due);
		const reply = { reply_type: 'disclose', reply_text: '予以公开。' };
		await refused(ogi, id, 'reply', reply, 409, 'late_reason_required');
		const r = await act(ogi, id, 'reply', reply);
		assert.match(text(r.bodyText), new RegExp(`已于 ${k.due} 届满`));
		assert.match(text(r.bodyText), /逾期答复说明/);
		await refused(head, id, 'extend', { extension_reason: '补办',
			extension_days: 5 }, 409, 'extension_late');
		assert.equal((await caseOf(ogi, id)).state, 'registered');
		await must(ogi, id, 'reply', { ...reply,
			late_reason: '档案调取晚于预期，未及时报批延期' });
		const done = await caseOf(ogi, id);
		assert.equal(done.state, 'replied');
		assert.equal(done.fields.late_reason,
			'档案调取晚于预期，未及时报批延期');
	});

	// Last: moves the server's clock.
	it('third-party consultation is not counted in the limit', async () => {
		const received = day(srv, -2);
		const id = await register(ogi, srv, { received_date: received });
		await must(ogi, id, 'consult_third_party', { third_party: '某公司',
			consult_note: '是否涉及商业秘密' });
		const paused = day(srv);
		srv.advance(14 * DAY);
		const o = await loginAs(srv, 'ogi');
		await must(o, id, 'third_party_reply',
			{ third_party_opinion: '不同意公开其中的工艺参数' });
		const resumed = day(srv);
		const k = replyClock(await caseOf(o, id));
		assert.equal(k.paused, false);
		assert.ok(k.paused_days >= 1, `${k.paused_days}`);
		assert.equal(k.due, due(srv, received, 20 + k.paused_days));
		// exactly the working days after the pause up to the resumption
		assert.ok(due(srv, paused, k.paused_days) <= resumed);
		assert.ok(due(srv, paused, k.paused_days + 1) > resumed);
		const html = await page(o, `/petitions/${id}`);
		assert.match(html, new RegExp(`暂停：${paused} 至 ${resumed}`));
	});
});
}
