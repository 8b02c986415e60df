// publication.test.mjs: the review-before-publish pipeline by the API —
// every refusal (publish without review, approve or publish with
// unresolved findings, the wrong role, withdrawal without a reason) and
// an item end to end: a finding in the text redacted, one justified, the
// attachment with a finding withheld, published to the county website's
// feed with the mask, then withdrawn (PI-04).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, loginAs, Client } from './lib/harness.mjs';

function today() {
	return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

function bearer(srv, login) {
	const r = srv.run(['user', 'token', login, `公开测试-${Date.now()}`]);
	assert.equal(r.code, 0, r.stderr);
	return /^token: (\S+)$/m.exec(r.stdout)[1];
}

function api(srv, login) {
	const c = new Client(srv.url);
	const headers = { authorization: `Bearer ${bearer(srv, login)}` };
	const post = (p, body) => c.post(p, body, { json: true, headers,
		origin: null });
	const call = (id, action, fields = {}) =>
		post(`/api/v1/publications/${id}/actions/${action}`, { fields });
	return {
		get: async (p) => {
			const r = await c.get(p, { headers });
			assert.equal(r.status, 200, `${p}: ${r.bodyText}`);
			return r.json();
		},
		raw: (p) => c.get(p, { headers }),
		upload: async (name, text) => {
			const fd = new FormData();
			fd.append('file', new Blob([text]), name);
			const r = await c.post('/api/v1/attachments', fd,
				{ headers, origin: null });
			assert.equal(r.status, 201, r.bodyText);
			return (await r.json()).attachments[0].id;
		},
		create: async (fields) => {
			const r = await post('/api/v1/publications', { fields });
			assert.equal(r.status, 201, r.bodyText);
			return r.json();
		},
		act: async (id, action, fields) => {
			const r = await call(id, action, fields);
			assert.equal(r.status, 200, `${action}: ${r.bodyText}`);
			return r.json();
		},
		refused: async (id, action, fields, status, code) => {
			const r = await call(id, action, fields);
			const e = (await r.json()).error;
			assert.equal(r.status, status, `${action}: ${r.bodyText}`);
			assert.equal(e?.code, code, `${action}: ${r.bodyText}`);
			return e.message;
		},
		resolve: (id, fid, resolution, reason) => post(
			`/api/v1/publications/${id}/findings/${fid}`,
			{ resolution, reason }),
	};
}

const PII_BODY = '现就园区道路命名方案公开征求意见。\n' +
	'联系人手机13867512345，意见可发送至 xcgxgjj@163.com。';

for (const backend of backends()) {
describe(`publications (${backend})`, () => {
	let srv, ogi, secrecy, leader, head, clerk;

	before(async () => {
		srv = await startServer({ backend });
		ogi = api(srv, 'ogi');
		secrecy = api(srv, 'secrecy');
		leader = api(srv, 'leader');
		head = api(srv, 'depthead');
		clerk = api(srv, 'clerk');
	});
	after(() => srv?.stop());

	const draft = (body = '请各企业做好防汛准备。', extra = {}) =>
		ogi.create({ title: '关于做好防汛工作的通知', body,
			catalogue: '08', formed_on: today(),
			channels: 'county_site', ...extra });

	it('PI-04 no publication or approval without the item\'s own review',
	async () => {
		const p = await draft();
		assert.match(p.index_no, /^11330624736120582U\/\d{4}-\d{5}$/);
		assert.equal(p.state, 'draft');
		const msg = await ogi.refused(p.id, 'publish', {}, 409,
			'wrong_state');
		assert.match(msg, /保密审查/);
		await leader.refused(p.id, 'approve', {}, 409, 'wrong_state');
		await ogi.act(p.id, 'submit');
		await ogi.refused(p.id, 'publish', {}, 409, 'wrong_state');
		await secrecy.act(p.id, 'pass_review');
		const m2 = await ogi.refused(p.id, 'publish', {}, 409,
			'wrong_state');
		assert.match(m2, /批准/);
		// a return to draft needs a new review
		await leader.act(p.id, 'reject_approval',
			{ return_reason: '标题不规范' });
		await leader.refused(p.id, 'approve', {}, 409, 'wrong_state');
		const d = await ogi.get(`/api/v1/publications/${p.id}`);
		assert.equal(d.state, 'draft');
	});

	it('PI-04 approve and publish refused while findings are unresolved',
	async () => {
		const p = await draft(PII_BODY);
		const s = await ogi.act(p.id, 'submit');
		assert.equal(s.findings.length, 2);
		assert.deepEqual(s.findings.map((f) => f.kind),
			['mobile', 'email']);
		assert.ok(!JSON.stringify(s.findings).includes('13867512345'));
		for (const [who, action] of [[leader, 'approve'],
			[ogi, 'publish'], [secrecy, 'pass_review']]) {
			const msg = await who.refused(p.id, action, {}, 409,
				'findings_unresolved');
			assert.match(msg, /2 处/);
			assert.match(msg, /手机号码 1 处/);
		}
		const r = await secrecy.resolve(p.id, s.findings[0].id,
			'redacted', '');
		assert.equal(r.status, 200, r.bodyText);
		const msg = await leader.refused(p.id, 'approve', {}, 409,
			'findings_unresolved');
		assert.match(msg, /1 处/);
	});

	it('approve and publish by the wrong role are refused', async () => {
		const p = await draft();
		await secrecy.refused(p.id, 'submit', {}, 403, 'role_denied');
		await ogi.act(p.id, 'submit');
		await ogi.refused(p.id, 'pass_review', {}, 403, 'role_denied');
		await secrecy.act(p.id, 'pass_review');
		await ogi.refused(p.id, 'approve', {}, 403, 'role_denied');
		await secrecy.refused(p.id, 'approve', {}, 403, 'role_denied');
		await clerk.refused(p.id, 'approve', {}, 403, 'forbidden');
		await head.act(p.id, 'approve', { approval_note: '同意' });
		await leader.refused(p.id, 'publish', {}, 403, 'role_denied');
		await secrecy.refused(p.id, 'publish', {}, 403, 'role_denied');
		const done = await ogi.act(p.id, 'publish');
		assert.equal(done.state, 'published');
		assert.ok(done.published_at);
	});

	it('withdrawal needs a reason', async () => {
		const p = await draft();
		await ogi.act(p.id, 'submit');
		await secrecy.act(p.id, 'pass_review');
		await leader.act(p.id, 'approve');
		await ogi.act(p.id, 'publish');
		await ogi.refused(p.id, 'withdraw', {}, 400, 'field_required');
		await ogi.refused(p.id, 'withdraw', { withdraw_reason: '  ' },
			400, 'field_required');
		await secrecy.refused(p.id, 'withdraw', { withdraw_reason: 'x' },
			403, 'role_denied');
		const w = await ogi.act(p.id, 'withdraw',
			{ withdraw_reason: '信息有误，重新发布' });
		assert.equal(w.state, 'withdrawn');
		assert.equal(w.withdraw_reason, '信息有误，重新发布');
		await ogi.refused(p.id, 'publish', {}, 409, 'case_final');
		const list = await ogi.get('/api/v1/publications?state=withdrawn');
		assert.ok(list.publications.some((x) => x.id === p.id));
		const all = await ogi.get('/api/v1/publications');
		assert.ok(all.total >= list.total);
		assert.equal((await clerk.raw('/api/v1/publications')).status,
			403);
	});

	it('PI-04 end to end: redacted, justified, fed out, withdrawn',
	async () => {
		const file = await ogi.upload('名单.txt',
			'经办人联系电话 0575-86012345\n');
		const title = `园区道路命名方案征求意见公告${Date.now()}`;
		const p = await ogi.create({ title, body: PII_BODY,
			catalogue: '09', formed_on: today(),
			channels: 'county_site', source: '园区规划建设局',
			attachments: [file] });
		assert.deepEqual(p.files.map((f) => f.id), [file]);
		const s = await ogi.act(p.id, 'submit');
		assert.deepEqual(s.findings.map((f) => [f.source, f.kind]), [
			['body', 'mobile'], ['body', 'email'],
			[`file:${file}`, 'landline']]);
		assert.equal(s.findings[0].masked, '138****2345');
		const [mobile, email, phone] = s.findings;
		// only the reviewer decides, and a justification has a reason
		let r = await ogi.resolve(p.id, mobile.id, 'redacted', '');
		assert.equal(r.status, 403);
		r = await secrecy.resolve(p.id, email.id, 'justified', '');
		assert.equal(r.status, 400);
		assert.equal((await r.json()).error.code, 'reason_required');
		for (const [f, how, why] of [[mobile, 'redacted', ''],
			[email, 'justified', '机关公开的意见征集邮箱'],
			[phone, 'redacted', '名单不公开']]) {
			r = await secrecy.resolve(p.id, f.id, how, why);
			assert.equal(r.status, 200, r.bodyText);
		}
		const rev = await secrecy.act(p.id, 'pass_review',
			{ review_note: '可以公开' });
		assert.equal(rev.state, 'reviewed');
		const ev = rev.history.find((e) => e.action === 'pass_review');
		assert.match(ev.fields.scan_summary, /遮盖 2 处/);
		await leader.act(p.id, 'approve');
		const pub = await ogi.act(p.id, 'publish');
		assert.equal(pub.state, 'published');
		assert.ok(!pub.body.includes('13867512345'));
		assert.ok(pub.body.includes('138****2345'));
		assert.ok(pub.body.includes('xcgxgjj@163.com'));
		// the attachment with a redacted finding is not published
		assert.deepEqual(pub.files, [{ id: file, dropped: false,
			withheld: true }]);
		const clock = pub.clocks.find((k) => k.id === 'publish_limit');
		assert.ok(clock.stopped && !clock.cancelled);

		// the county website's feed carries it, masked; others do not
		const anon = new Client(srv.url);
		let feed = await anon.get('/feeds/county_site.xml');
		assert.equal(feed.status, 200);
		assert.match(feed.headers.get('content-type'), /atom\+xml/);
		assert.ok(feed.bodyText.includes(title));
		assert.ok(feed.bodyText.includes(p.index_no));
		assert.ok(feed.bodyText.includes('138****2345'));
		assert.ok(!feed.bodyText.includes('13867512345'));
		const wx = await anon.get('/feeds/wechat.xml');
		assert.ok(!wx.bodyText.includes(title));
		assert.equal((await anon.get('/feeds/weibo.xml')).status, 404);

		// withdrawn: out of the feed, a tombstone in its place
		await ogi.act(p.id, 'withdraw', { withdraw_reason: '方案调整' });
		feed = await anon.get('/feeds/county_site.xml');
		assert.ok(!feed.bodyText.includes(`<title>${title}</title>`));
		assert.match(feed.bodyText, /<at:deleted-entry ref="[^"]*\/gk\/i\//);
		assert.ok(feed.bodyText.includes('方案调整'));

		// every decision is in the audit trail
		const audit = srv.run(['audit', 'verify']);
		assert.equal(audit.code, 0, audit.stderr);
	});

	it('the pages refuse alike and keep other staff out', async () => {
		const p = await draft();
		const web = await loginAs(srv, 'ogi');
		const page = await web.get(`/publications/${p.id}`);
		assert.equal(page.status, 200);
		const csrf = web.csrf();
		const r = await web.post(`/publications/${p.id}/actions/publish`,
			{ csrf });
		// publish is not offered in draft: the page says why
		assert.equal(r.status, 409);
		assert.match(r.bodyText, /尚未通过保密审查/);
		const c = await loginAs(srv, 'clerk');
		assert.equal((await c.get('/publications')).status, 403);
		assert.equal((await c.get(`/publications/${p.id}`)).status, 403);
		const list = await web.get('/publications?state=draft');
		assert.equal(list.status, 200);
		assert.ok(list.bodyText.includes(p.index_no));
	});
});
}
