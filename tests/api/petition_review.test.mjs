// petition_review.test.mjs: a petition through the whole procedure of the
// Petition Work Regulation by the API — reply, the petitioner's request
// for review (复查, Art. 35) and re-examination (复核, Art. 36) with a
// hearing that stops the clock — and the two 30-day windows binding both
// sides: no request after them, no filing before they have run out.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, loginAs, Client } from './lib/harness.mjs';

function today() {
	return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

function bearer(srv, login) {
	const r = srv.run(['user', 'token', login, `复查测试-${Date.now()}`]);
	assert.equal(r.code, 0, r.stderr);
	return /^token: (\S+)$/m.exec(r.stdout)[1];
}

function api(srv, login) {
	const c = new Client(srv.url);
	const headers = { authorization: `Bearer ${bearer(srv, login)}` };
	const call = async (id, action, fields = {}) => c.post(
		`/api/v1/cases/${id}/actions/${action}`, { fields },
		{ json: true, headers, origin: null });
	return {
		get: (p) => c.get(p, { headers }),
		create: (body) => c.post('/api/v1/cases', body,
			{ json: true, headers, origin: null }),
		act: async (id, action, fields) => {
			const r = await call(id, action, fields);
			assert.equal(r.status, 200, `${action}: ${r.bodyText}`);
			return r.json();
		},
		refused: async (id, action, fields, code) => {
			const r = await call(id, action, fields);
			assert.equal((await r.json()).error?.code, code,
				`${action}: ${r.status} ${r.bodyText}`);
		},
	};
}

for (const backend of backends()) {
describe(`petition review and re-examination (${backend})`, () => {
	let srv, officer, clerk, head, jfj;

	before(async () => {
		srv = await startServer({ backend });
		officer = api(srv, 'petition');
		clerk = api(srv, 'clerk');
		head = api(srv, 'depthead');
		const web = await loginAs(srv, 'petition');
		const page = await web.get('/petitions/new?procedure=petition');
		jfj = Number(/<option value="(\d+)"[^>]*>经济发展局<\/option>/
			.exec(page.bodyText)[1]);
	});
	after(() => srv?.stop());

	async function closedCase() {
		const r = await officer.create({ procedure: 'petition',
			fields: { channel: 'letter', title: '反映征地补偿标准',
				content: '要求说明补偿标准。', received_date: today() },
			petitioner: { name: '陈十二', phone: '13612341234' } });
		assert.equal(r.status, 201, r.bodyText);
		const id = (await r.json()).id;
		await officer.act(id, 'accept', { category: 'claim',
			handling_dept: jfj });
		await officer.act(id, 'assign', { handling_dept: jfj });
		await clerk.act(id, 'draft_reply', { reply_text: '按标准补偿。' });
		await head.act(id, 'approve_reply', {});
		await officer.act(id, 'close', {});
		return id;
	}

	it('复查 and 复核 in their windows, the hearing not counted',
	async () => {
		const id = await closedCase();
		// the office may not file the case while the petitioner's
		// 30 days for a review are running
		await officer.refused(id, 'archive', {}, 'window_open');
		await officer.act(id, 'request_review', { request_date: today(),
			review_reason: '对答复不服' });
		await officer.act(id, 'review_reply', { review_opinion: '维持' });
		await officer.act(id, 'request_reexamination', {
			request_date: today(), reexamination_reason: '仍不服' });
		let c = await (await officer.get(`/api/v1/cases/${id}`)).json();
		const due0 = c.clocks.find((k) => k.id === 'reexamination').due;
		await officer.act(id, 'start_hearing', { hearing_note: '举行听证' });
		srv.advance(3 * 86400);
		await officer.act(id, 'end_hearing', {});
		c = await (await officer.get(`/api/v1/cases/${id}`)).json();
		const k = c.clocks.find((x) => x.id === 'reexamination');
		assert.ok(k.due > due0, `${k.due} after ${due0}: the hearing ` +
			'is not counted');
		const done = await officer.act(id, 'reexamination_reply',
			{ reexamination_opinion: '维持复查意见' });
		assert.equal(done.state, 'reexamined');
		await officer.refused(id, 'request_reexamination', {
			request_date: today(), reexamination_reason: 'x' },
			'case_final');
	});

	it('no request after the 30 days; filing once they have passed',
	async () => {
		const id = await closedCase();
		srv.advance(40 * 86400);
		await officer.refused(id, 'request_review', {
			request_date: today(), review_reason: '逾期' },
			'window_expired');
		const c = await officer.act(id, 'archive', {});
		assert.equal(c.state, 'archived');
	});
});
}
