// auth.test.mjs: identification and authentication (security rows AU-*).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, Client, loginAs, userWithRole }
	from './lib/harness.mjs';
import { sql, dump } from './lib/sql.mjs';

const DAY = 86400;

async function apiAudit(srv, query) {
	const c = await loginAs(srv, 'auditadmin');
	const r = await c.get(`/api/v1/audit?${query}`);
	assert.equal(r.status, 200, r.bodyText);
	return (await r.json()).entries;
}

for (const backend of backends()) {
describe(`authentication (${backend})`, () => {
	let srv;
	before(async () => { srv = await startServer({ backend }); });
	after(async () => { await srv?.stop(); });

	it('AU-09 session token is renewed at login and set with safe flags',
	async () => {
		const c = new Client(srv.url);
		const page = await c.get('/login');
		const pre = page.headers.getSetCookie().join('\n');
		assert.match(pre, /HttpOnly/);
		assert.match(pre, /SameSite=Strict/);
		c.cookies.set('fz_sid', 'a'.repeat(64)); // a planted token
		const u = userWithRole(srv, 'clerk');
		const res = await c.login(u.login, u.password);
		assert.equal(res.status, 303);
		const set = res.headers.getSetCookie()
			.find((s) => s.startsWith('fz_sid='));
		assert.ok(set, 'login sets the session cookie');
		assert.match(set, /HttpOnly/);
		assert.match(set, /SameSite=Strict/);
		assert.match(set, /Path=\//);
		const sid = c.cookie('fz_sid');
		assert.match(sid, /^[0-9a-f]{64}$/, '256-bit token');
		assert.notEqual(sid, 'a'.repeat(64));
		// Only a hash of the token is stored.
		assert.equal(sql(srv, `SELECT COUNT(*) FROM sessions WHERE id = '${sid}'`).out, '0');
		const me = await c.get('/api/v1/me');
		assert.equal(me.status, 200);
		assert.equal((await me.json()).login, u.login);
	});

	it('AU-04 lockout after 5 failures, generic errors, audited', async () => {
		const u = userWithRole(srv, 'leader');
		const c = new Client(srv.url);
		for (let i = 0; i < 5; i++) {
			const r = await c.login(u.login, 'wrong-password-' + i);
			assert.equal(r.status, 401, r.bodyText.slice(0, 300));
			assert.doesNotMatch(r.bodyText, /bad_password|unknown_user/);
		}
		const locked = await c.login(u.login, u.password);
		assert.equal(locked.status, 401);
		assert.match(locked.bodyText, /锁定/);
		const unknown = await c.login('nobody-here', 'whatever-123');
		assert.equal(unknown.status, 401);
		srv.advance(15 * 60 + 5);
		const ok = await c.login(u.login, u.password);
		assert.equal(ok.status, 303);
		srv.setClock(0);
		const lock = await apiAudit(srv, 'action=login.lockout');
		assert.ok(lock.some((e) => e.object.includes('user:')),
			'lockout audited');
		const fails = await apiAudit(srv, 'action=login&outcome=failure');
		assert.ok(fails.length >= 6);
		assert.ok(fails.some((e) => e.details.reason === 'locked'));
		assert.ok(fails.some((e) => e.details.reason === 'unknown_user'));
	});

	it('AU-05 idle timeout ends the session server-side', async () => {
		const c = await loginAs(srv, 'ogi');
		assert.equal((await c.get('/')).status, 200);
		const sid = c.cookie('fz_sid');
		srv.advance(16 * 60);
		const r = await c.get('/');
		assert.equal(r.status, 303);
		assert.match(r.headers.get('location'), /^\/login/);
		srv.setClock(0);
		// The row is gone: even with the clock back, the token is dead.
		c.cookies.set('fz_sid', sid);
		assert.equal((await c.get('/')).status, 303);
	});

	it('AU-05 absolute lifetime of 8 hours', async () => {
		const c = await loginAs(srv, 'secrecy');
		// Busy all day (never idle 15 minutes), yet cut off at 8 h.
		for (let t = 600; t < 8 * 3600; t += 600) {
			srv.setClock(t);
			assert.equal((await c.get('/')).status, 200, `at ${t} s`);
		}
		srv.setClock(8 * 3600 + 60);
		assert.equal((await c.get('/')).status, 303);
		srv.setClock(0);
	});

	it('AU-10 logout, disable, role change and reset kill sessions',
	async () => {
		const admin = await loginAs(srv, 'sysadmin');
		const victim = userWithRole(srv, 'petition_officer');
		const uid = (await (await admin.get(
			`/api/v1/users?q=${victim.login}`)).json()).users[0].id;
		const act = async (path, data = {}) => {
			const page = await admin.get(`/admin/users/${uid}`);
			const r = await admin.post(path, { csrf: admin.csrf(), ...data });
			assert.ok(r.status < 400, `${path}: ${r.status} ${r.bodyText.slice(0, 300)}`);
			return page;
		};
		// logout
		let c = await loginAs(srv, victim.login);
		const old = c.cookie('fz_sid');
		await c.get('/');
		assert.equal((await c.post('/logout', { csrf: c.csrf() })).status, 303);
		c.cookies.set('fz_sid', old);
		assert.equal((await c.get('/')).status, 303, 'logout kills');
		// force logout by the administrator
		c = await loginAs(srv, victim.login);
		await act(`/admin/users/${uid}/kill`);
		assert.equal((await c.get('/')).status, 303, 'admin kill');
		// role change
		c = await loginAs(srv, victim.login);
		await act(`/admin/users/${uid}/roles`, { role: ['petition_officer', 'clerk'] });
		assert.equal((await c.get('/')).status, 303, 'role change kills');
		// disable
		c = await loginAs(srv, victim.login);
		await act(`/admin/users/${uid}/disable`);
		assert.equal((await c.get('/')).status, 303, 'disable kills');
		const again = new Client(srv.url);
		assert.equal((await again.login(victim.login, victim.password)).status, 401);
		await act(`/admin/users/${uid}/enable`);
		// reset
		c = await loginAs(srv, victim.login);
		const page = await admin.get(`/admin/users/${uid}`);
		const r = await admin.post(`/admin/users/${uid}/reset`, { csrf: admin.csrf() });
		assert.equal(r.status, 200, 'reset shows the new password once');
		assert.equal((await c.get('/')).status, 303, 'reset kills');
		void page;
	});

	it('AU-02 password rules on change', async () => {
		const u = userWithRole(srv, 'dept_head');
		const c = await loginAs(srv, u.login);
		const change = async (pw) => {
			await c.get('/account/password');
			return c.post('/account/password', { csrf: c.csrf(),
				current: u.password, new: pw, repeat: pw });
		};
		for (const [pw, why] of [
			['Short-1a', /至少需要 12/],
			['alllowercaseletters', /至少 3 类/],
			['Password123456!', /常见/],
			[`${u.login}-Xy-2026-ok`, /账号名或姓名/],
			['Aa1-' + 'x'.repeat(1100), /不能超过/],
		]) {
			const r = await change(pw);
			assert.equal(r.status, 400, `${pw.slice(0, 20)} accepted`);
			assert.match(r.bodyText, why);
		}
		const long = 'Aa1-' + 'long passphrase '.repeat(5); // > 64, kept whole
		const ok = await change(long);
		assert.equal(ok.status, 303, ok.bodyText.slice(0, 400));
		const c2 = new Client(srv.url);
		assert.equal((await c2.login(u.login, long)).status, 303);
		const c3 = new Client(srv.url);
		assert.equal((await c3.login(u.login, long.slice(0, 64))).status, 401,
			'no truncation');
	});

	it('AU-08 the database holds no password in clear', async () => {
		const u = userWithRole(srv, 'legal_adviser');
		const c = await loginAs(srv, u.login);
		assert.ok(c);
		const text = dump(srv);
		assert.ok(!text.includes(u.password));
		assert.match(text, /pbkdf2-sm3\$1000\$/);
	});
});

describe(`first administrator (${backend})`, () => {
	let srv;
	before(async () => { srv = await startServer({ backend, demo: false }); });
	after(async () => { await srv?.stop(); });

	it('AU-01 no default account; the first password must change', async () => {
		for (const [l, p] of [['admin', 'admin'], ['root', 'root'],
			['sa', 'sa'], ['admin', '123456']]) {
			const c = new Client(srv.url);
			assert.equal((await c.login(l, p)).status, 401, `${l}/${p}`);
		}
		const { login, password } = srv.accounts.admin;
		const c = new Client(srv.url);
		const r = await c.login(login, password);
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/account/password');
		for (const p of ['/', '/admin/users', '/account']) {
			const x = await c.get(p);
			assert.equal(x.status, 303, p);
			assert.equal(x.headers.get('location'), '/account/password');
		}
		await c.get('/account/password');
		const next = 'New-Admin-Pass-2026';
		const ch = await c.post('/account/password', { csrf: c.csrf(),
			current: password, new: next, repeat: next });
		assert.equal(ch.status, 303, ch.bodyText.slice(0, 300));
		assert.equal((await c.get('/admin/users')).status, 200);
	});

	it('AU-03 passwords expire after 90 days', async () => {
		const { login } = srv.accounts.admin;
		srv.setClock(91 * DAY);
		const c = new Client(srv.url);
		const r = await c.login(login, 'New-Admin-Pass-2026');
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/account/password');
		assert.equal((await c.get('/admin/users')).headers.get('location'),
			'/account/password');
		srv.setClock(0);
	});
});
}
