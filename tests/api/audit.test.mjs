// audit.test.mjs: the audit trail and the crypto start-up checks (AD-*, CR-*).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { backends, startServer, Client, loginAs, fazhiBin }
	from './lib/harness.mjs';
import { sql, dropAuditGuards } from './lib/sql.mjs';

function verify(srv) {
	const r = srv.run(['audit', 'verify']);
	return { code: r.code, out: r.stdout + r.stderr };
}

for (const backend of backends()) {
describe(`audit trail (${backend})`, () => {
	let srv;
	before(async () => {
		srv = await startServer({ backend,
			env: { FAZHI_FAULT: 'audit_append=department.rename' } });
	});
	after(async () => { await srv?.stop(); });

	it('AD-01 AD-02 a scripted session leaves one complete row per act',
	async () => {
		const bad = new Client(srv.url);
		await bad.login('clerk', 'not-the-password');
		const c = await loginAs(srv, 'clerk');
		await c.get('/');
		await c.post('/logout', { csrf: c.csrf() });
		const au = await loginAs(srv, 'auditadmin');
		const entries = (await (await au.get('/api/v1/audit?actor=clerk'))
			.json()).entries;
		const actions = entries.map((e) => `${e.action}:${e.outcome}`);
		for (const want of ['login:success', 'logout:success'])
			assert.ok(actions.includes(want), `${want} in ${actions}`);
		const failed = (await (await au.get(
			'/api/v1/audit?action=login&outcome=failure')).json()).entries;
		assert.ok(failed.some((e) => e.details.login === 'clerk' &&
			e.details.reason === 'bad_password'), 'failed login audited');
		const all = (await (await au.get('/api/v1/audit')).json()).entries;
		for (const e of all) {
			for (const k of ['seq', 'ts', 'actor', 'source_ip', 'request_id',
				'action', 'object', 'outcome'])
				assert.ok(e[k] !== null && e[k] !== undefined &&
					e[k] !== '', `entry ${e.seq} lacks ${k}`);
			assert.match(e.ts, /Z$|[+-]\d\d:?\d\d$/);
		}
		const login = entries.find((e) => e.action === 'login' &&
			e.outcome === 'success');
		assert.equal(login.actor_role, 'clerk');
		assert.equal(login.source_ip, '127.0.0.1');
	});

	it('AD-09 only the audit administrator reads the trail, and reading is audited',
	async () => {
		for (const role of ['sysadmin', 'secadmin', 'clerk']) {
			const c = await loginAs(srv, role);
			assert.equal((await c.get('/audit')).status, 403, role);
			assert.equal((await c.get('/api/v1/audit')).status, 403, role);
			assert.equal((await c.get('/audit/export.xlsx')).status, 403,
				role);
		}
		const au = await loginAs(srv, 'auditadmin');
		assert.equal((await au.get('/audit?action=login')).status, 200);
		const x = await au.get('/audit/export.xlsx');
		assert.equal(x.status, 200);
		assert.equal(x.buffer.subarray(0, 2).toString(), 'PK');
		const q = (await (await au.get('/api/v1/audit?action=audit.'))
			.json()).entries.map((e) => e.action);
		assert.ok(q.includes('audit.query'));
		assert.ok(q.includes('audit.export'));
	});

	it('AD-08 control characters in a login become one escaped entry',
	async () => {
		const evil = 'mallory\r\n[fake] login:success';
		const c = new Client(srv.url);
		await c.login(evil, 'x');
		// Escape sequences and NUL never get in at all (WB-06).
		await c.get('/login');
		for (const bad of ['eve%1B%5B31m', 'eve%00x'])
			assert.equal((await c.post('/login', `login=${bad}&password=x` +
				`&csrf=${c.csrf()}`, { headers: { 'content-type':
				'application/x-www-form-urlencoded' } })).status, 400);
		const au = await loginAs(srv, 'auditadmin');
		const e = (await (await au.get('/api/v1/audit?action=login&outcome=failure'))
			.json()).entries.filter((x) => x.details.login === evil);
		assert.equal(e.length, 1, 'stored once, byte for byte');
		const page = await au.get('/audit?action=login');
		assert.doesNotMatch(page.bodyText, /\u001b/);
		const log = fs.readFileSync(path.join(srv.dataDir, 'access.log'),
			'utf8').trim().split('\n');
		for (const line of log)
			JSON.parse(line); // every line is one whole JSON record
	});

	it('AD-05 a failed audit append rolls the change back (fail closed)',
	async () => {
		const a = await loginAs(srv, 'sysadmin');
		const before = await (await a.get('/api/v1/departments')).json();
		const d = before.departments[0];
		await a.get('/admin/departments');
		const r = await a.post(`/admin/departments/${d.id}`, {
			csrf: a.csrf(), name: '不应保存的名称' });
		assert.ok(r.status >= 500, `status ${r.status}`);
		assert.doesNotMatch(r.bodyText, /INSERT|UPDATE|SELECT|audit_log/i,
			'WB-07: no SQL in the error');
		const after = await (await a.get('/api/v1/departments')).json();
		assert.equal(after.departments.find((x) => x.id === d.id).name,
			d.name);
		assert.equal(sql(srv, `SELECT name FROM departments WHERE id = ${d.id}`).out,
			d.name);
	});

	it('AD-04 the database refuses UPDATE and DELETE on the trail', () => {
		for (const q of ['UPDATE audit_log SET actor = \'x\' WHERE seq = 1',
			'DELETE FROM audit_log WHERE seq = 1',
			'DELETE FROM audit_log']) {
			const r = sql(srv, q);
			assert.notEqual(r.code, 0, q);
			assert.match(r.err, /append-only/);
		}
		assert.equal(verify(srv).code, 0);
	});

	it('AD-03 verify detects edit, delete, reorder and truncation', async () => {
		// Enough entries for a signed checkpoint (each query is one).
		const au = await loginAs(srv, 'auditadmin');
		for (let i = 0; i < 70; i++)
			await au.get('/api/v1/audit?page=1');
		const ok = verify(srv);
		assert.equal(ok.code, 0, ok.out);
		assert.match(ok.out, /intact/);
		const n = Number(sql(srv, 'SELECT MAX(seq) FROM audit_log').out);
		const cp = Number(sql(srv, 'SELECT MAX(seq) FROM audit_checkpoints').out);
		assert.ok(cp >= 64, 'a checkpoint was signed');
		const cpDel = sql(srv, 'DELETE FROM audit_checkpoints');
		assert.notEqual(cpDel.code, 0, 'checkpoints are append-only too');
		dropAuditGuards(srv);
		const actor = sql(srv, 'SELECT actor FROM audit_log WHERE seq = 10').out;

		// 1. edit one field of one entry
		sql(srv, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 10");
		let v = verify(srv);
		assert.equal(v.code, 1);
		assert.match(v.out, /entry 10\b.*altered/);
		sql(srv, `UPDATE audit_log SET actor = '${actor}' WHERE seq = 10`);
		assert.equal(verify(srv).code, 0, 'restored');

		// 2. reorder: swap entries 20 and 21
		sql(srv, 'UPDATE audit_log SET seq = -20 WHERE seq = 20');
		sql(srv, 'UPDATE audit_log SET seq = 20 WHERE seq = 21');
		sql(srv, 'UPDATE audit_log SET seq = 21 WHERE seq = -20');
		v = verify(srv);
		assert.equal(v.code, 1);
		assert.match(v.out, /entry 20\b/);
		assert.ok(n > cp);
	});

	it('AD-03 delete and truncation are named', async () => {
		const fresh = await startServer({ backend });
		try {
			const au = await loginAs(fresh, 'auditadmin');
			for (let i = 0; i < 70; i++)
				await au.get('/api/v1/audit?page=1');
			dropAuditGuards(fresh);
			sql(fresh, 'DELETE FROM audit_log WHERE seq = 30');
			let v = verify(fresh);
			assert.equal(v.code, 1);
			assert.match(v.out, /entry 30\b.*missing/);
			const max = Number(sql(fresh, 'SELECT MAX(seq) FROM audit_log').out);
			const cp = Number(sql(fresh, 'SELECT MIN(seq) FROM audit_checkpoints WHERE seq >= 30').out);
			// truncation past the last checkpoint: renumbering would
			// hide the gap, but the checkpoint's entry is gone
			sql(fresh, `DELETE FROM audit_log WHERE seq >= 30`);
			v = verify(fresh);
			assert.equal(v.code, 1);
			assert.match(v.out, new RegExp(`entry ${cp}\\b.*truncated`));
			assert.ok(max > cp);
		} finally {
			await fresh.stop();
		}
	});
});
}

describe('cryptographic start-up checks', () => {
	it('CR-01 the server refuses to start when a self-test fails', async () => {
		const srv = await startServer({});
		try {
			const r = spawnSync(fazhiBin(), ['serve', '--data-dir',
				srv.dataDir, '--listen', '127.0.0.1:0'], {
				env: { ...process.env, FAZHI_FAULT: 'kat' },
				encoding: 'utf8', timeout: 10000 });
			assert.notEqual(r.status, 0);
			assert.match(r.stderr, /self-test failed/);
		} finally {
			await srv.stop();
		}
	});

	it('CR-04 a key file others can read stops the server', async () => {
		const srv = await startServer({});
		try {
			const key = path.join(srv.dataDir, 'keys', 'sm2.pem');
			fs.chmodSync(key, 0o644);
			const r = spawnSync(fazhiBin(), ['serve', '--data-dir',
				srv.dataDir, '--listen', '127.0.0.1:0'],
				{ encoding: 'utf8', timeout: 10000 });
			assert.notEqual(r.status, 0);
			assert.match(r.stderr, /sm2\.pem/);
			fs.chmodSync(key, 0o600);
			const rot = srv.run(['key', 'rotate']);
			assert.equal(rot.code, 0, rot.stderr);
			assert.match(rot.stdout, /active data key is now k2/);
		} finally {
			await srv.stop();
		}
	});
});
