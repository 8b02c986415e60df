// audit_page.test.mjs: the audit administrator's page speaks Chinese —
// actions, detail keys, the command line's role and source by name, with
// the stored codes and the record itself still on the page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, Client, loginAs } from './lib/harness.mjs';
import { sqlOut } from './lib/sql.mjs';
import { form } from './lib/fixtures.mjs';
import { workbook } from './lib/xlsx.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n' +
	'trailer << /Root 1 0 R >>\n%%EOF\n');

function unescapeHtml(s) {
	return s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'")
		.replace(/&lt;/g, '<').replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}

// The result rows: seq and the inner HTML of the cells after it (time,
// actor, role, source, action, object, outcome, details, request id).
function rows(html) {
	const a = html.indexOf('<tbody>'), b = html.indexOf('</tbody>');
	assert.ok(a > 0 && b > a, 'the page has a result table');
	return html.slice(a, b).split('<tr>').slice(1).map((tr) => {
		const seq = /<th scope="row" class="num">(\d+)<\/th>/.exec(tr);
		const c = [...tr.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)]
			.map((m) => m[1]);
		return { seq: Number(seq?.[1]), actor: c[1], role: c[2],
			source: c[3], action: c[4], outcome: c[6],
			details: c[7] };
	}).filter((r) => r.seq);
}

// A name with the stored code beneath it.
const labelled = (label, code) =>
	`${label}<br><small><code class="muted">${code}</code></small>`;

// "key：value" as the details cell writes a pair.
const pair = (key, value) =>
	`<span class="muted">${key}：</span>${value}</div>`;

// The stored record as the page folds it away.
function raw(cell) {
	const m = /<summary>原始记录<\/summary><pre>([\s\S]*?)<\/pre>/.exec(cell);
	assert.ok(m, `no raw record in ${cell}`);
	return unescapeHtml(m[1]);
}

for (const backend of backends()) {
describe(`audit page in Chinese (${backend})`, () => {
	let srv, au;
	before(async () => {
		srv = await startServer({ backend });
		await loginAs(srv, 'clerk');
		await new Client(srv.url).login('<i>nobody</i>', 'wrong');
		au = await loginAs(srv, 'auditadmin');
	});
	after(async () => { await srv?.stop(); });

	it('names actions in Chinese with the code beneath, and still filters by code',
	async () => {
		const page = await au.get('/audit?action=login');
		assert.equal(page.status, 200);
		const list = rows(page.bodyText);
		assert.ok(list.length >= 2, 'the logins are listed');
		for (const r of list)
			assert.equal(r.action, labelled('登录', 'login'), r.seq);
		assert.doesNotMatch(page.bodyText, />logout</);
		// a prefix still works, and every code has its name
		const views = rows((await au.get('/audit?action=audit.'))
			.bodyText);
		assert.ok(views.some((r) =>
			r.action === labelled('查询审计日志', 'audit.query')));
		// the form offers the codes with their names
		assert.match(page.bodyText,
			/<input[^>]*name="action"[^>]*list="action-codes"/);
		assert.match(page.bodyText, new RegExp('<datalist id="action-' +
			'codes">[^]*<option value="user\\.create">新建用户</option>'));
		assert.match(page.bodyText,
			/<option value="case\.register">登记<\/option>/);
	});

	it('takes the Chinese name of an action as a filter', async () => {
		const byCode = await (await au.get('/api/v1/audit?action=login'))
			.json();
		const byName = await (await au.get(
			`/api/v1/audit?action=${encodeURIComponent('登录')}` +
			`&upto=${byCode.upto}`)).json();
		assert.equal(byName.total, byCode.total);
		assert.ok(byName.entries.every((e) => e.action === 'login'));
		const page = await au.get(
			`/audit?action=${encodeURIComponent('登录')}`);
		assert.equal(page.status, 200);
		const list = rows(page.bodyText);
		assert.equal(list.length, byCode.total);
		// the form shows what was typed; the links carry the code
		assert.match(page.bodyText, /<input id="action"[^>]*value="登录"/);
		assert.match(page.bodyText,
			/href="\/audit\/export\.xlsx\?upto=\d+&amp;action=login"/);
	});

	it('the export names the actions beside their codes', async () => {
		const x = await au.get('/audit/export.xlsx?action=login');
		assert.equal(x.status, 200);
		const wb = workbook(x.buffer);
		const rows = wb.sheets[wb.names[0]].rows;
		const head = rows[0];
		const code = head.indexOf('操作');
		assert.ok(code >= 0, head.join(' '));
		assert.equal(head[code + 1], '操作名称');
		const entries = rows.slice(1).filter((r) => r[code] === 'login');
		assert.ok(entries.length > 0, 'login entries');
		for (const r of entries)
			assert.equal(r[code + 1], '登录');
	});

	it('shows details as named pairs, escaped, with the record as stored',
	async () => {
		const page = await au.get('/audit?action=login&outcome=failure');
		const r = rows(page.bodyText).find((x) =>
			x.details.includes('nobody'));
		assert.ok(r, 'the failed login is listed');
		assert.ok(r.details.includes(pair('账号',
			'&lt;i&gt;nobody&lt;/i&gt;')), r.details);
		assert.ok(r.details.includes(pair('理由', '账号不存在')),
			r.details);
		assert.doesNotMatch(r.details, /<i>/);
		assert.equal(r.actor, labelled('未登录访问者', 'anonymous'));
		const stored = sqlOut(srv,
			`SELECT details FROM audit_log WHERE seq = ${r.seq}`);
		assert.equal(raw(r.details), stored);
		assert.deepEqual(JSON.parse(stored),
			{ login: '<i>nobody</i>', reason: 'unknown_user' });

		// a department: code, name and parent under their names
		const dept = rows((await au.get('/audit?action=department.create'))
			.bodyText)[0];
		assert.ok(dept, 'the demo departments are audited');
		const d = JSON.parse(raw(dept.details));
		assert.ok(dept.details.includes(pair('名称', d.name)));
		assert.ok(dept.details.includes(pair('代码', d.code)));
		assert.ok(dept.details.includes(pair('上级部门编号',
			String(d.parent_id))));
		assert.equal(dept.action, labelled('新建部门',
			'department.create'));
	});

	it('names the command line\'s role and source, which stay stored as they were',
	async () => {
		const add = srv.run(['user', 'add', 'zhao.liu', '--name', '赵六',
			'--dept', 'jfj', '--role', 'clerk']);
		assert.equal(add.code, 0, add.stderr);
		const page = await au.get('/audit?action=user.create&actor=cli:');
		const r = rows(page.bodyText).find((x) =>
			x.details.includes('zhao.liu'));
		assert.ok(r, 'the command is listed');
		assert.equal(r.role, labelled('命令行操作员', 'operator'));
		assert.equal(r.source, labelled('本机命令行', 'local'));
		assert.equal(r.action, labelled('新建用户', 'user.create'));
		for (const [k, v] of [['账号', 'zhao.liu'], ['姓名', '赵六'],
			['角色', '经办人'], ['类型', '工作人员']])
			assert.ok(r.details.includes(pair(k, v)), `${k}: ${r.details}`);
		const e = (await (await au.get(
			'/api/v1/audit?action=user.create&actor=cli:')).json())
			.entries.find((x) => x.seq === r.seq);
		assert.equal(e.actor_role, 'operator');
		assert.equal(e.source_ip, 'local');
		assert.deepEqual(JSON.parse(raw(r.details)), e.details);
		assert.equal(e.details.roles[0], 'clerk');
	});

	it('names the steps of a case by the procedure that took them',
	async () => {
		const page = await au.get('/audit?action=case.register&size=5');
		const r = rows(page.bodyText)[0];
		assert.ok(r, 'the demo cases are audited');
		const d = JSON.parse(raw(r.details));
		assert.match(r.action,
			/^登记<br><small><code class="muted">case\.register<\/code>/);
		assert.ok(r.details.includes(pair('事项编号', d.number)));
		assert.match(r.details, /办理程序：<\/span>[^<]*[\u4e00-\u9fff]/);
		assert.ok(!r.details.includes(`>${d.procedure}<`));
	});

	it('records a read of an attachment as a success',
	async () => {
		const officer = await loginAs(srv, 'petition');
		await officer.get('/petitions/new?procedure=petition');
		const day = new Date(Date.now() + 8 * 3600e3).toISOString()
			.slice(0, 10);
		const reg = await officer.post('/petitions', form({
			csrf: officer.csrf(), procedure: 'petition',
			channel: 'letter', title: '反映厂区噪声',
			content: '夜间噪声扰民。', received_date: day,
			p_name: '郑十', p_phone: '13611112222' },
		[['attachments', '来信扫描件.pdf', PDF]]));
		assert.equal(reg.status, 303, reg.bodyText.slice(0, 1500));
		const id = /\/petitions\/(\d+)$/
			.exec(reg.headers.get('location'))[1];
		const m = new RegExp(`href="(/petitions/${id}/files/(\\d+))"`)
			.exec((await officer.get(`/petitions/${id}`)).bodyText);
		assert.equal((await officer.get(m[1])).status, 200);
		// found by the 成功 filter, as every other success
		const r = rows((await au.get(`/audit?object=attachment:${m[2]}` +
			'&outcome=success')).bodyText)[0];
		assert.ok(r, 'the read, under 成功');
		assert.equal(r.outcome, '<span class="badge badge-ok">成功</span>');
		assert.equal(r.action, labelled('查看附件', 'attachment.read'));
		assert.ok(r.details.includes(pair('事项内部号', id)), r.details);
		// a hash is cut to tell it apart; the record keeps it whole
		const d = JSON.parse(raw(r.details));
		assert.match(d.sm3, /^[0-9a-f]{64}$/);
		assert.ok(r.details.includes(pair('文件摘要',
			`${d.sm3.slice(0, 16)}…`)), r.details);
	});
});
}
