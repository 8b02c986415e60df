// petition.test.mjs: the petitions and hotline desk — both procedures as
// the demo users, refusals with the engine's codes, the public intake and
// query, personal data masked and unmasked (PI-02, PI-06, AC-02, AC-03),
// rate limits (WB-08) and the JSON API with its OpenAPI document.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, Client, loginAs } from './lib/harness.mjs';
import { idNumber } from './lib/fixtures.mjs';

const FULL_ID = /\d{17}[\dXx]/;
const FULL_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

// Today in China Standard Time, as the server counts days.
function today(offsetSeconds = 0) {
	return new Date(Date.now() + (8 * 3600 + offsetSeconds) * 1000)
		.toISOString().slice(0, 10);
}

// The visible text of a page: no tags, so no attribute (CSRF tokens).
function text(html) {
	return html.replace(/<script[\s\S]*?<\/script>/g, ' ')
		.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&');
}

function optionValue(html, label) {
	const m = new RegExp(`<option value="(\\d+)"[^>]*>${label}</option>`)
		.exec(html);
	assert.ok(m, `no option ${label}`);
	return m[1];
}

async function page(c, path, status = 200) {
	const r = await c.get(path);
	assert.equal(r.status, status, `${path}: ${r.status}\n` +
		r.bodyText.slice(0, 1500));
	return r.bodyText;
}

async function register(c, procedure, fields) {
	await page(c, `/petitions/new?procedure=${procedure}`);
	const r = await c.post('/petitions', { csrf: c.csrf(), procedure,
		...fields });
	assert.equal(r.status, 303, text(r.bodyText).slice(0, 1500));
	return Number(/\/petitions\/(\d+)$/.exec(r.headers.get('location'))[1]);
}

async function act(c, id, action, fields = {}) {
	await c.get(`/petitions/${id}`);
	return c.post(`/petitions/${id}/actions/${action}`,
		{ csrf: c.csrf(), ...fields });
}

async function must(c, id, action, fields = {}) {
	const r = await act(c, id, action, fields);
	assert.equal(r.status, 303, `${action}: ${r.status}\n` +
		text(r.bodyText).slice(0, 1500));
	return r;
}

async function state(c, id) {
	const r = await c.get(`/api/v1/cases/${id}`);
	assert.equal(r.status, 200, r.bodyText);
	return (await r.json()).state;
}

async function audit(srv, query) {
	const au = await loginAs(srv, 'auditadmin');
	const r = await au.get(`/api/v1/audit?${query}`);
	assert.equal(r.status, 200);
	return (await r.json()).entries;
}

function bearer(srv, login) {
	const r = srv.run(['user', 'token', login, `接口测试-${Date.now()}`]);
	assert.equal(r.code, 0, r.stderr);
	return /^token: (\S+)$/m.exec(r.stdout)[1];
}

function api(srv, token) {
	const c = new Client(srv.url);
	const headers = { authorization: `Bearer ${token}` };
	return {
		get: (p) => c.get(p, { headers }),
		post: (p, body) => c.post(p, body, { json: true, headers,
			origin: null }),
	};
}

async function publicSubmit(srv, fields) {
	const c = new Client(srv.url);
	await page(c, '/petition/new');
	// a submission is answered with a redirect to its confirmation
	const r = await c.post('/petition/new', { csrf: c.csrf(), ...fields },
		{ follow: true });
	return { c, r };
}

for (const backend of backends()) {
describe(`petitions and hotline desk (${backend})`, () => {
	let srv, officer, clerk, head, leader, lawyer, jfj, dzb, clerkId;
	const ID = idNumber('33062419800101123');

	before(async () => {
		srv = await startServer({ backend });
		officer = await loginAs(srv, 'petition');
		clerk = await loginAs(srv, 'clerk');
		head = await loginAs(srv, 'depthead');
		leader = await loginAs(srv, 'leader');
		lawyer = await loginAs(srv, 'lawyer');
		const form = await page(officer, '/petitions/new?procedure=hotline');
		jfj = optionValue(form, '经济发展局');
		dzb = optionValue(form, '党政综合办公室');
		clerkId = (await (await clerk.get('/api/v1/me')).json()).id;
	});
	after(async () => { await srv?.stop(); });

	it('the whole petition procedure, legal adviser included', async () => {
		const id = await register(officer, 'petition', {
			channel: 'letter', title: '园区道路积水影响通行',
			content: '雨后道路积水严重。\n请求尽快修复排水设施。',
			received_date: today(), p_name: '王小明', p_phone: '13900001111',
			p_id_number: ID, p_address: '浙江省绍兴市新昌县七星街道某村1号',
		});
		assert.equal(await state(officer, id), 'registered');
		const html = await page(officer, `/petitions/${id}`);
		assert.match(html, /新高信〔\d{4}〕\d{4}号/);
		assert.match(html, /<h2 id="party-h">信访人<\/h2>/);
		assert.match(html, /受理告知期限/);
		assert.match(html, /<details><summary>计算说明<\/summary>/);

		await must(officer, id, 'accept', { category: 'claim',
			handling_dept: jfj });
		await must(officer, id, 'assign', { handling_dept: jfj,
			assign_note: '请依法办理' });
		assert.equal(await state(clerk, id), 'assigned');
		await must(clerk, id, 'draft_reply', { outcome: 'explain',
			reply_text: '经调查，排水设施已列入本年度维修计划。' });
		await must(clerk, id, 'request_legal_review',
			{ review_question: '答复内容是否符合法律规定' });
		// The legal adviser reads the case the procedure calls them to,
		// and finds it in their list, without reading every case.
		await page(lawyer, `/petitions/${id}`);
		assert.equal((await lawyer.get(`/api/v1/cases/${id}`)).status, 200);
		assert.ok((await (await lawyer.get('/api/v1/cases')).json()).cases
			.some((c) => c.id === id));
		const home = await page(lawyer, '/');
		assert.match(home, /待出具法律意见/);
		await must(lawyer, id, 'legal_opinion',
			{ legal_opinion: '答复有事实和法律依据。' });
		await must(head, id, 'approve_reply', { approval_note: '同意' });
		await must(officer, id, 'close', { close_note: '已书面答复' });
		assert.equal(await state(officer, id), 'closed');
		const done = await page(officer, `/petitions/${id}`);
		assert.match(done, /法律顾问介入 <strong>1<\/strong> 次/);
		assert.match(done, /出具法律意见/);

		await must(officer, id, 'request_review', { request_date: today(),
			review_reason: '对答复不服，请求复查' });
		await must(head, id, 'review_reply', { review_opinion: '维持原答复' });
		assert.equal(await state(officer, id), 'reviewed');
		const entries = await audit(srv, 'action=case.legal_opinion');
		assert.ok(entries.some((e) => e.object === `case:${id}`));
	});

	it('refusals carry the engine code and change nothing', async () => {
		const id = await register(officer, 'petition', {
			channel: 'visit', title: '拖欠工资投诉', content: '某企业拖欠工资。',
			received_date: today(), p_phone: '0575-86012345',
		});
		// missing field
		let r = await act(officer, id, 'accept', { category: 'claim' });
		assert.equal(r.status, 400);
		assert.match(r.bodyText, /须填写“承办部门”/);
		// wrong state
		r = await act(officer, id, 'close');
		assert.equal(r.status, 409);
		assert.equal(await state(officer, id), 'registered');
		// AC-02: another department's case is not found
		assert.equal((await clerk.get(`/petitions/${id}`)).status, 404);
		assert.equal((await clerk.get(`/api/v1/cases/${id}`)).status, 404);
		r = await act(clerk, id, 'accept', { category: 'claim',
			handling_dept: jfj });
		assert.equal(r.status, 404);
		// wrong role (the clerk reads the case once it is assigned)
		await must(officer, id, 'accept', { category: 'claim',
			handling_dept: jfj });
		await must(officer, id, 'assign', { handling_dept: jfj });
		r = await clerk.post(`/api/v1/cases/${id}/actions/extend`,
			{ fields: { extension_reason: '情况复杂' } },
			{ json: true, headers: { 'x-csrf-token': clerk.csrf() } });
		assert.equal(r.status, 403);
		assert.equal((await r.json()).error.code, 'role_denied');
		r = await act(clerk, id, 'approve_reply');
		assert.equal(r.status, 409);
		assert.equal(await state(clerk, id), 'assigned');
		// a leader extends once, not twice
		await must(leader, id, 'extend', { extension_reason: '情况复杂' });
		r = await act(leader, id, 'extend', { extension_reason: '再次延期' });
		assert.equal(r.status, 409, text(r.bodyText).slice(0, 500));
	});

	it('hotline: dispatch, return, re-dispatch, reply, call-back, close', async () => {
		const id = await register(officer, 'hotline', {
			request_type: 'complaint', channel: 'phone', title: '夜间施工噪声',
			content: '工地夜间施工噪声扰民。', location: '高新园区某路',
			p_name: '李四', p_phone: '13711112222',
		});
		const ticket = await page(officer, `/petitions/${id}`);
		assert.match(ticket, /新高热〔/);
		// the person a ticket is from, in the words of the 12345 forms
		assert.match(ticket, /<h2 id="party-h">诉求人<\/h2>/);
		assert.doesNotMatch(text(ticket), /信访人/);
		// ... on the form that registers one and in the list of them
		assert.match(await page(officer,
			'/petitions/new?procedure=hotline'), /<legend>诉求人<\/legend>/);
		assert.match(await page(officer,
			'/petitions/new?procedure=petition'), /<legend>信访人<\/legend>/);
		const list = await page(officer, '/petitions?procedure=hotline');
		assert.match(list, /<th scope="col">诉求人<\/th>/);
		assert.doesNotMatch(text(list), /信访人/);
		await must(officer, id, 'dispatch', { dept: jfj });
		await must(clerk, id, 'return', { return_reason: '不属于本单位职责' });
		assert.equal(await state(officer, id), 'returned');
		await must(officer, id, 'dispatch', { dept: jfj, co_depts: [dzb],
			dispatch_note: '请牵头办理，党政办协办' });
		await must(clerk, id, 'accept', { assignee: clerkId });
		await must(clerk, id, 'reply', { reply_text: '已责令施工单位整改。' });
		await must(officer, id, 'callback', { satisfaction: 'satisfied',
			callback_note: '电话回访' });
		await must(officer, id, 'close');
		const c = await (await officer.get(`/api/v1/cases/${id}`)).json();
		assert.equal(c.state, 'closed');
		const steps = c.history.map((e) => e.action);
		assert.deepEqual(steps, ['register', 'dispatch', 'return', 'dispatch',
			'accept', 'reply', 'callback', 'close']);
		assert.equal(c.assignee_id, clerkId);
	});

	it('a co-handling department finds the ticket in its list', async () => {
		// 信息公开专员 of 党政综合办公室: reads no more than its department's.
		const ogi = await loginAs(srv, 'ogi');
		const id = await register(officer, 'hotline', {
			request_type: 'help', channel: 'phone', title: '协办部门可见的工单',
			content: '需要党政办协助办理。', p_phone: '13711113333',
		});
		assert.equal((await ogi.get(`/petitions/${id}`)).status, 404);
		await must(officer, id, 'dispatch', { dept: jfj, co_depts: [dzb],
			dispatch_note: '经济发展局牵头，党政办协办' });
		assert.equal((await ogi.get(`/petitions/${id}`)).status, 200);
		const list = await (await ogi.get('/api/v1/cases')).json();
		assert.ok(list.cases.some((c) => c.id === id),
			JSON.stringify(list.cases.map((c) => c.id)));
		assert.match(await page(ogi, '/petitions'),
			new RegExp(`href="/petitions/${id}"`));
	});

	it('only a petitions office registers petitions, so each can move on',
	async () => {
		// A clerk of 经济发展局 registered petitions that no one could
		// accept (accept is the registering office's petitions officer's).
		assert.equal((await clerk.get('/petitions/new?procedure=petition'))
			.status, 403);
		await clerk.get('/petitions');
		const r = await clerk.post('/petitions', { csrf: clerk.csrf(),
			procedure: 'petition', channel: 'letter', title: '经办人登记的信访件',
			content: '内容', received_date: today(), p_phone: '13900002222' });
		assert.equal(r.status, 403, text(r.bodyText).slice(0, 500));
		// the clerk still registers hotline tickets and moves them on
		const t = await register(clerk, 'hotline', { request_type: 'consult',
			channel: 'phone', title: '经办人登记的工单', content: '咨询',
			p_phone: '13900002222' });
		await must(clerk, t, 'dispatch', { dept: jfj });
		// the petitions officer's registration is accepted by the office
		const p = await register(officer, 'petition', { channel: 'letter',
			title: '信访专员登记', content: '内容', received_date: today(),
			p_phone: '13900002222' });
		await must(officer, p, 'accept', { category: 'claim',
			handling_dept: jfj });
	});

	it('duplicates of an open case are shown and merged', async () => {
		const fields = { channel: 'letter', title: '要求公开征地补偿标准',
			content: '请公开补偿标准。', received_date: today(),
			p_phone: '13622223333' };
		const first = await register(officer, 'petition', fields);
		const second = await register(officer, 'petition',
			{ ...fields, title: '再次要求公开补偿标准' });
		const html = await page(officer, `/petitions/${second}`);
		assert.match(html, /可能重复的在办事项/);
		assert.match(html, /同一联系电话/);
		assert.match(html, new RegExp(`name="duplicate_of" value="${first}"`));
		const dups = (await (await officer.get(`/api/v1/cases/${second}`))
			.json()).duplicates;
		assert.ok(dups.some((d) => d.id === first), JSON.stringify(dups));
		await must(officer, second, 'merge', { duplicate_of: String(first),
			merge_note: '重复件' });
		const c = await (await officer.get(`/api/v1/cases/${second}`)).json();
		assert.equal(c.state, 'merged');
		assert.equal(c.merged_into, first);
	});

	it('only cases still being handled are offered and merged into',
	async () => {
		const base = { channel: 'letter', content: '内容。',
			received_date: today() };
		// sharing 反映园区 no longer makes two matters one
		const lamp = await register(officer, 'petition', { ...base,
			title: '反映园区某路灯不亮', p_phone: '13622224444' });
		const wages = await register(officer, 'petition', { ...base,
			title: '反映园区企业拖欠工资', p_phone: '13622225555' });
		const dupsOf = async (id) => (await (await officer.get(
			`/api/v1/cases/${id}`)).json()).duplicates;
		assert.ok(!(await dupsOf(wages)).some((d) => d.id === lamp));
		assert.ok(!(await dupsOf(lamp)).some((d) => d.id === wages));
		// a case whose reply is signed is no longer being handled
		const old = await register(officer, 'petition', { ...base,
			title: '要求公开园区拆迁补偿标准', p_phone: '13622226666' });
		await must(officer, old, 'accept', { category: 'claim',
			handling_dept: jfj });
		await must(officer, old, 'assign', { handling_dept: jfj });
		await must(clerk, old, 'draft_reply', { reply_text: '已公开。' });
		await must(head, old, 'approve_reply');
		await must(officer, old, 'close');
		const again = await register(officer, 'petition', { ...base,
			title: '再次要求公开园区拆迁补偿标准', p_phone: '13622226666' });
		assert.ok(!(await dupsOf(again)).some((d) => d.id === old),
			JSON.stringify(await dupsOf(again)));
		assert.doesNotMatch(await page(officer, `/petitions/${again}`),
			new RegExp(`name="duplicate_of" value="${old}"`));
		// and takes no merge, by the page or the API
		const oldNumber = (await (await officer.get(
			`/api/v1/cases/${old}`)).json()).number;
		let r = await act(officer, again, 'merge',
			{ duplicate_of: String(old), merge_note: '重复件' });
		assert.equal(r.status, 409, text(r.bodyText).slice(0, 800));
		assert.ok(text(r.bodyText).includes(oldNumber));
		assert.match(text(r.bodyText), /不再办理/);
		r = await api(srv, bearer(srv, 'petition')).post(
			`/api/v1/cases/${again}/actions/merge`,
			{ fields: { duplicate_of: old } });
		assert.equal(r.status, 409, r.bodyText);
		const e = (await r.json()).error;
		assert.equal(e.code, 'merge_invalid');
		assert.ok(e.message.includes(oldNumber), e.message);
		assert.equal(await state(officer, again), 'registered');
	});

	it('PI-02 AC-03 pages hold no full ID or phone; unmask is audited', async () => {
		const id = await register(officer, 'petition', {
			channel: 'letter', title: '社保转移问题', content: '社保无法转移。',
			received_date: today(), p_name: '赵六', p_phone: '13900001111',
			p_id_number: ID, p_address: '浙江省绍兴市新昌县南明街道某路8号',
		});
		await must(officer, id, 'accept', { category: 'claim',
			handling_dept: jfj });
		await must(officer, id, 'assign', { handling_dept: jfj });
		for (const [who, c] of [['clerk', clerk], ['officer', officer]]) {
			for (const p of [`/petitions/${id}`, '/petitions', '/']) {
				const t = text(await page(c, p));
				assert.doesNotMatch(t, FULL_ID, `${who} ${p}`);
				assert.doesNotMatch(t, FULL_MOBILE, `${who} ${p}`);
			}
			const one = text(await page(c, `/petitions/${id}`));
			assert.match(one, /330624\*{8}\d{3}[\dX]/);
			assert.match(one, /139\*{4}1111/);
			assert.match(one, /赵\*/);
			const j = await (await c.get(`/api/v1/cases/${id}`)).json();
			assert.equal(j.petitioner.phone, '139****1111');
			assert.equal(j.petitioner.masked, true);
		}
		// the clerk has no button and no way round it
		assert.doesNotMatch(await page(clerk, `/petitions/${id}`),
			/显示完整信息/);
		await clerk.get(`/petitions/${id}`);
		let r = await clerk.post(`/petitions/${id}/unmask`,
			{ csrf: clerk.csrf(), reason: '想看看' });
		assert.equal(r.status, 403);
		r = await clerk.get(`/api/v1/cases/${id}?unmask=1&reason=x`);
		assert.equal(r.status, 403);
		// a reason is required
		await officer.get(`/petitions/${id}`);
		r = await officer.post(`/petitions/${id}/unmask`,
			{ csrf: officer.csrf(), reason: '  ' });
		assert.equal(r.status, 400);
		assert.doesNotMatch(text(r.bodyText), FULL_MOBILE);
		r = await officer.post(`/petitions/${id}/unmask`,
			{ csrf: officer.csrf(), reason: '电话告知受理结果' });
		assert.equal(r.status, 200);
		assert.ok(r.bodyText.includes('13900001111'));
		assert.ok(r.bodyText.includes(ID));
		const entries = await audit(srv, 'action=pii.unmask');
		const e = entries.find((x) => x.object === `case:${id}`);
		assert.ok(e, 'pii.unmask audited');
		assert.equal(e.actor, 'petition');
		assert.equal(e.details.reason, '电话告知受理结果');
		assert.ok(e.details.fields.includes('petitioner.phone'));
		// the next view is masked again
		assert.doesNotMatch(text(await page(officer, `/petitions/${id}`)),
			FULL_MOBILE);
	});

	it('PI-06 an accusation is not handed to the accused department',
	async () => {
		const id = await register(officer, 'petition', {
			channel: 'letter', title: '检举某局违规发放补贴',
			content: '举报某局违规发放补贴。', received_date: today(),
			p_name: '钱八', p_phone: '13855557777', accused_dept: jfj,
		});
		await must(officer, id, 'accept', { category: 'accusation',
			handling_dept: dzb });
		const before = await (await officer.get(`/api/v1/cases/${id}`))
			.json();
		const unchanged = async () => {
			const now = await (await officer.get(`/api/v1/cases/${id}`))
				.json();
			assert.equal(now.state, 'accepted');
			assert.equal(now.dept_id, before.dept_id);
			assert.equal(now.history.length, before.history.length);
		};
		// the page refuses it, saying why
		const r = await act(officer, id, 'assign', { handling_dept: jfj });
		assert.equal(r.status, 409, text(r.bodyText).slice(0, 800));
		assert.match(text(r.bodyText), /正是本事项检举控告的单位/);
		await unchanged();
		// so does the API, however the department is written
		const a = api(srv, bearer(srv, 'petition'));
		for (const dept of [Number(jfj), jfj, ` ${jfj} `]) {
			const x = await a.post(`/api/v1/cases/${id}/actions/assign`,
				{ fields: { handling_dept: dept } });
			assert.equal(x.status, 409, x.bodyText);
			const e = (await x.json()).error;
			assert.equal(e.code, 'accused_dept');
			assert.match(e.message, /检举控告/);
			await unchanged();
		}
		// another department takes it
		await must(officer, id, 'assign', { handling_dept: dzb });
		assert.equal(await state(officer, id), 'assigned');
		// a hotline ticket is not dispatched to it either
		const t = await register(officer, 'hotline', {
			request_type: 'complaint', channel: 'phone', title: '举报某局',
			content: '举报某局工作人员。', p_phone: '13855557777',
			accused_dept: jfj,
		});
		const x = await act(officer, t, 'dispatch', { dept: jfj });
		assert.equal(x.status, 409, text(x.bodyText).slice(0, 800));
		assert.equal(await state(officer, t), 'registered');
	});

	it('PI-06 an accusation is hidden from the accused department', async () => {
		const secret = '举报某局工作人员收受礼金';
		// the accused department co-handles it, and still sees nothing
		const id = await register(officer, 'hotline', {
			request_type: 'complaint', channel: 'phone', title: '检举控告',
			content: secret, p_name: '钱七', p_phone: '13855556666',
			accused_dept: jfj,
		});
		await must(officer, id, 'dispatch', { dept: dzb, co_depts: [jfj] });
		const seen = await page(officer, `/petitions/${id}`);
		assert.ok(seen.includes(secret));
		for (const c of [clerk, head]) {
			const html = await page(c, `/petitions/${id}`);
			assert.ok(!html.includes(secret), 'content hidden');
			assert.match(html, /诉求人信息不向您显示/);
			assert.doesNotMatch(html, /钱\*|138\*{4}6666/);
			const j = await (await c.get(`/api/v1/cases/${id}`)).json();
			assert.equal(j.fields.content, undefined);
			assert.deepEqual(j.petitioner, { hidden: true });
			assert.ok(!JSON.stringify(j).includes(secret));
		}
	});

	it('public submission, query with code and last four digits, rating', async () => {
		const { c: citizen, r } = await publicSubmit(srv, {
			kind: 'petition', title: '申请公开园区规划', content: '请公开规划文本。',
			p_name: '孙八', p_phone: '13512345678',
		});
		assert.equal(r.status, 200, text(r.bodyText).slice(0, 1500));
		const number = /id="case-number">([^<]+)</.exec(r.bodyText)[1];
		const code = /id="query-code">([^<]+)</.exec(r.bodyText)[1];
		assert.match(code, /^[2-9A-HJKMNP-Z]{12}$/);
		assert.match(number, /^新高信〔\d{4}〕\d{4}号$/);

		const query = async (q) => {
			await citizen.get('/petition/query');
			return citizen.post('/petition/query',
				{ csrf: citizen.csrf(), ...q });
		};
		// the form says which digits, as the one for disclosure does
		assert.match(await page(citizen, '/petition/query'), new RegExp(
			'<input id="last4"[^>]* aria-describedby="last4-hint">' +
			'<p class="muted" id="last4-hint">提交时所填联系电话的后四位</p>'));
		let q = await query({ code, last4: '0000' });
		assert.equal(q.status, 404);
		assert.match(q.bodyText, /未查到对应的事项/);
		q = await query({ code: 'ABCDEFGHJKMN', last4: '5678' });
		assert.equal(q.status, 404);
		q = await query({ code: code.toLowerCase(), last4: '5678' });
		assert.equal(q.status, 200);
		assert.ok(q.bodyText.includes(number));
		assert.match(q.bodyText, /已登记/);
		assert.doesNotMatch(q.bodyText, /提交评价/);

		// the office handles it
		const list = await (await officer.get(
			'/api/v1/cases?procedure=petition&channel=online')).json();
		const id = list.cases.find((x) => x.number === number).id;
		const staffView = text(await page(officer, `/petitions/${id}`));
		assert.match(staffView, /网上提交/);
		assert.match(staffView, /公众（网上提交）/);
		await must(officer, id, 'accept', { category: 'suggestion',
			handling_dept: jfj });
		await must(officer, id, 'assign', { handling_dept: jfj });
		await must(clerk, id, 'draft_reply',
			{ reply_text: '园区规划已在政府网站公开。' });
		await must(head, id, 'approve_reply');

		q = await query({ code, last4: '5678' });
		assert.equal(q.status, 200);
		assert.match(q.bodyText, /园区规划已在政府网站公开/);
		assert.match(q.bodyText, /提交评价/);
		const csrf = citizen.csrf();
		let rate = await citizen.post('/petition/query/rate', {
			csrf, code, last4: '5678', satisfaction: 'satisfied' });
		assert.equal(rate.status, 200, text(rate.bodyText).slice(0, 800));
		assert.match(rate.bodyText, /感谢您的评价/);
		assert.match(rate.bodyText, /您的评价：<strong>满意/);
		rate = await citizen.post('/petition/query/rate', {
			csrf, code, last4: '5678', satisfaction: 'unsatisfied' });
		assert.match(rate.bodyText, /您已评价过/);
		assert.match(rate.bodyText, /您的评价：<strong>满意/);
		const entries = await audit(srv, 'action=petition.rate');
		assert.ok(entries.some((e) => e.object === `case:${id}` &&
			e.details.satisfaction === 'satisfied'));
		const j = await (await officer.get(`/api/v1/cases/${id}`)).json();
		assert.equal(j.satisfaction, 'satisfied');
		// guessing meets the limit; while the address waits even the
		// right digits are refused, so a guess reveals nothing; after
		// the wait the right code works
		let miss = null;
		for (let i = 0; i < 10 && !miss; i++) {
			const x = await query({ code, last4: '1111' });
			if (x.status === 429)
				miss = x;
			else
				assert.equal(x.status, 404);
		}
		assert.ok(miss, 'failed look-ups are limited');
		assert.equal((await query({ code, last4: '5678' })).status, 429);
		srv.advance(Number(miss.headers.get('retry-after')));
		assert.equal((await query({ code, last4: '5678' })).status, 200);

		// a hotline request opens a hotline ticket
		const h = await publicSubmit(srv, {
			kind: 'hotline', request_type: 'consult', title: '咨询社保办理',
			content: '社保卡在哪里办理？', p_name: '周九',
			p_phone: '0575-86012345',
		});
		assert.equal(h.r.status, 200, text(h.r.bodyText).slice(0, 800));
		assert.match(h.r.bodyText, /新高热〔\d{4}〕\d{4}号/);
		// bad input opens nothing
		const bad = await publicSubmit(srv, { kind: 'petition',
			title: '无电话', content: '内容', p_name: '某人' });
		assert.equal(bad.r.status, 400);
		assert.match(bad.r.bodyText, /请填写联系电话|联系电话/);
	});

	it('the JSON API with a bearer token: create, list, get, act', async () => {
		const tok = bearer(srv, 'petition');
		const a = api(srv, tok);
		let r = await a.post('/api/v1/cases', {
			procedure: 'petition',
			fields: { channel: 'leader_instruction', title: '县领导批示件',
				content: '请核实处理。', received_date: today() },
			petitioner: { name: '吴十', phone: '13744445555',
				id_number: ID },
		});
		assert.equal(r.status, 201, r.bodyText);
		const made = await r.json();
		assert.match(made.number, /^新高信〔\d{4}〕\d{4}号$/);
		assert.equal(made.state, 'registered');
		assert.equal(r.headers.get('location'), `/api/v1/cases/${made.id}`);
		assert.ok(made.due && /^\d{4}-\d\d-\d\d$/.test(made.due.date));

		r = await a.get('/api/v1/cases?procedure=petition&channel=' +
			'leader_instruction');
		const list = await r.json();
		assert.ok(list.cases.some((x) => x.id === made.id));
		assert.equal(list.page, 1);

		r = await a.get(`/api/v1/cases/${made.id}`);
		let one = await r.json();
		assert.equal(one.petitioner.phone, '137****5555');
		assert.doesNotMatch(JSON.stringify(one), FULL_MOBILE);
		assert.ok(one.actions.some((x) => x.id === 'accept'));
		assert.equal(one.history[0].action, 'register');

		r = await a.get(`/api/v1/cases/${made.id}?unmask=1`);
		assert.equal(r.status, 400);
		assert.equal((await r.json()).error.code, 'reason_required');
		r = await a.get(`/api/v1/cases/${made.id}?unmask=1&reason=` +
			encodeURIComponent('核实身份'));
		one = await r.json();
		assert.equal(one.petitioner.phone, '13744445555');
		assert.equal(one.petitioner.id_number, ID);
		const e = (await audit(srv, 'action=pii.unmask')).find(
			(x) => x.object === `case:${made.id}`);
		assert.ok(e && e.details.via === 'api_token');

		const refuse = async (action, fields, status, code) => {
			const x = await a.post(
				`/api/v1/cases/${made.id}/actions/${action}`, { fields });
			assert.equal(x.status, status, `${action}: ${x.bodyText}`);
			assert.equal((await x.json()).error.code, code);
		};
		await refuse('close', {}, 409, 'wrong_state');
		await refuse('accept', { category: 'claim' }, 400, 'field_required');
		await refuse('accept', { category: 'claim', handling_dept: jfj,
			color: 'red' }, 400, 'unknown_field');
		await refuse('accept', { category: 'nonsense', handling_dept: jfj },
			400, 'field_invalid');
		await refuse('fly', {}, 400, 'unknown_action');
		r = await a.post(`/api/v1/cases/${made.id}/actions/accept`,
			{ fields: { category: 'claim', handling_dept: Number(jfj) } });
		assert.equal(r.status, 200, r.bodyText);
		assert.equal((await r.json()).state, 'accepted');

		// a clerk's token cannot reach another department's case
		const ca = api(srv, bearer(srv, 'clerk'));
		r = await ca.get(`/api/v1/cases/${made.id}`);
		assert.equal(r.status, 404);
		r = await ca.post(`/api/v1/cases/${made.id}/actions/assign`,
			{ fields: { handling_dept: Number(jfj) } });
		assert.equal(r.status, 404);
		// bad petitioner data and missing fields open nothing
		r = await a.post('/api/v1/cases', { procedure: 'petition',
			fields: { channel: 'letter', title: 't', content: 'c',
				received_date: today() },
			petitioner: { phone: '12345' } });
		assert.equal(r.status, 400);
		assert.equal((await r.json()).error.code, 'party_invalid');
		r = await a.post('/api/v1/cases', { procedure: 'petition',
			fields: { channel: 'letter', content: 'c',
				received_date: today() },
			petitioner: { phone: '13744445555' } });
		assert.equal(r.status, 400);
		assert.equal((await r.json()).error.code, 'field_required');
		r = await a.post('/api/v1/cases', { procedure: 'payroll',
			petitioner: { phone: '13744445555' } });
		assert.equal(r.status, 400);
		// a clerk may register a hotline ticket
		r = await ca.post('/api/v1/cases', { procedure: 'hotline',
			fields: { request_type: 'help', channel: 'phone',
				title: '求助', content: '老人走失' },
			petitioner: { phone: '13744445555' } });
		assert.equal(r.status, 201, r.bodyText);
		assert.match((await r.json()).number, /^新高热/);
	});

	it('GET /api/v1/cases refuses filters it cannot apply; page_size',
	async () => {
		for (const [query, param] of [
			['procedure=zzz', 'procedure'], ['year=abc', 'year'],
			['year=1999', 'year'], ['state=zzz', 'state'],
			['procedure=hotline&state=legal_review', 'state'],
			['channel=zzz', 'channel'], ['dept=x', 'dept'],
			['open=2', 'open'], ['open=true', 'open'], ['page=0', 'page'],
			['page=x', 'page'], ['page_size=0', 'page_size'],
			['page_size=201', 'page_size'], ['page_size=ten', 'page_size'],
		]) {
			const r = await officer.get(`/api/v1/cases?${query}`);
			assert.equal(r.status, 400, `${query}: ${r.bodyText}`);
			const e = (await r.json()).error;
			assert.equal(e.code, 'bad_filter', query);
			assert.ok(e.message.includes(param), `${query}: ${e.message}`);
		}
		// empty values are not given; good ones are applied
		let r = await officer.get('/api/v1/cases?procedure=&year=&open=');
		assert.equal(r.status, 200, r.bodyText);
		const all = await r.json();
		assert.equal(all.page_size, 50);
		assert.ok(all.total >= 3);
		const q = `procedure=petition&year=${today().slice(0, 4)}` +
			'&state=registered&open=1&page_size=2';
		r = await officer.get(`/api/v1/cases?${q}`);
		assert.equal(r.status, 200, r.bodyText);
		const one = await r.json();
		assert.equal(one.page_size, 2);
		assert.equal(one.cases.length, 2);
		assert.ok(one.total > 2);
		assert.ok(one.cases.every((c) => c.procedure === 'petition' &&
			c.state === 'registered'));
		const two = await (await officer.get(`/api/v1/cases?${q}&page=2`))
			.json();
		assert.equal(two.page, 2);
		assert.ok(two.cases.every((c) => !one.cases.some((d) =>
			d.id === c.id)));
		r = await officer.get('/api/v1/cases?page_size=200');
		assert.equal((await r.json()).page_size, 200);
		// the list page still takes what it cannot apply as not given
		await page(officer, '/petitions?year=abc&page=0&state=zzz');
	});

	it('OpenAPI document parses and lists the case paths', async () => {
		const r = await new Client(srv.url).get('/api/openapi.json');
		assert.equal(r.status, 200);
		const doc = await r.json();
		assert.match(doc.openapi, /^3\./);
		for (const p of ['/api/v1/cases', '/api/v1/cases/{id}',
			'/api/v1/cases/{id}/actions/{action}'])
			assert.ok(doc.paths[p], p);
		assert.ok(doc.paths['/api/v1/cases'].post);
		assert.ok(doc['x-procedures'].petition.actions.some(
			(x) => x.id === 'legal_opinion'));
		assert.ok(doc['x-procedures'].hotline);
		const list = doc.paths['/api/v1/cases'].get;
		const size = list.parameters.find((p) => p.name === 'page_size');
		assert.deepEqual([size.schema.minimum, size.schema.maximum,
			size.schema.default], [1, 200, 50]);
		assert.ok(list.responses['400']);
		assert.match(list.description, /bad_filter/);
	});

	it('WB-08 public submissions are rate-limited per address', async () => {
		let limited = null;
		for (let i = 0; i < 12 && !limited; i++) {
			const { r } = await publicSubmit(srv, { kind: 'hotline',
				request_type: 'suggestion', title: `建议${i}`,
				content: '多建停车位。', p_name: '郑十一',
				p_phone: '13899990000' });
			if (r.status === 429)
				limited = r;
			else
				assert.equal(r.status, 200, text(r.bodyText).slice(0, 500));
		}
		assert.ok(limited, 'no 429 after 12 submissions');
		// time refills the bucket
		srv.advance(3600);
		const { r } = await publicSubmit(srv, { kind: 'hotline',
			request_type: 'suggestion', title: '建议', content: '多建停车位。',
			p_name: '郑十一', p_phone: '13899990000' });
		assert.equal(r.status, 200);
	});
});
}

describe('due-soon and overdue cases in 我的待办 and the list', () => {
	let srv;
	before(async () => { srv = await startServer({}); });
	after(async () => { await srv?.stop(); });

	it('markers follow the clock', async () => {
		let officer = await loginAs(srv, 'petition');
		const id = await register(officer, 'petition', {
			channel: 'letter', title: '待办提醒测试', content: '内容',
			received_date: today(), p_phone: '13900002222',
		});
		const number = (await (await officer.get(`/api/v1/cases/${id}`))
			.json()).number;
		let home = await page(officer, '/');
		assert.ok(!home.includes(number), 'not due yet');
		assert.match(home, /暂无待办事项/);
		srv.advance(12 * 86400);
		officer = await loginAs(srv, 'petition');	// sessions expire
		home = await page(officer, '/');
		assert.ok(home.includes(number), 'due soon on the home page');
		assert.match(home, /受理告知期限/);
		assert.match(home, /剩 \d 个工作日|今日到期/);
		srv.advance(13 * 86400);
		officer = await loginAs(srv, 'petition');
		home = await page(officer, '/');
		assert.match(home, /已超期 \d+ 天/);
		const list = await page(officer, '/petitions');
		assert.match(list, /badge badge-bad">已超期/);
		// a clerk of another department is not told about it
		const clerk = await loginAs(srv, 'clerk');
		assert.ok(!(await page(clerk, '/')).includes(number));
	});
});
