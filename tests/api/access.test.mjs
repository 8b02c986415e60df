// access.test.mjs: access control and web hardening (AC-*, WB-*).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, Client, loginAs, rawHttp as raw }
	from './lib/harness.mjs';


// Every GET page of the route table (parameters filled with a real id).
// "/" is both: the public portal for visitors, the 工作台 for staff.
const PAGES = ['/account', '/admin/users',
	'/admin/users/new', '/admin/users/1', '/admin/departments',
	'/admin/policy', '/audit', '/api/v1/me', '/api/v1/users',
	'/api/v1/departments', '/api/v1/audit', '/metrics'];
const PUBLIC = ['/', '/login', '/healthz', '/static/css/site.css', '/nope',
	'/lang/hant'];

// Which role reaches which page (200); others get 403.
const MATRIX = {
	sysadmin: ['/account', '/admin/users', '/admin/users/new',
		'/admin/users/1', '/admin/departments', '/api/v1/me',
		'/api/v1/users', '/api/v1/departments', '/metrics'],
	secadmin: ['/account', '/admin/policy', '/api/v1/me', '/metrics'],
	auditadmin: ['/account', '/audit', '/api/v1/me', '/api/v1/audit'],
	clerk: ['/account', '/api/v1/me'],
};

function checkHeaders(res, where) {
	const h = res.headers;
	const csp = h.get('content-security-policy') ?? '';
	for (const d of ["default-src 'self'", "object-src 'none'",
		"base-uri 'none'", "frame-ancestors 'none'"])
		assert.ok(csp.includes(d), `${where}: CSP lacks ${d}`);
	assert.doesNotMatch(csp, /unsafe-inline/, where);
	assert.equal(h.get('x-content-type-options'), 'nosniff', where);
	assert.ok(h.get('referrer-policy'), where);
	assert.ok(h.get('x-request-id'), where);
	if (res.status !== 304 && res.status !== 303)
		assert.match(h.get('content-type') ?? '', /charset=utf-8|image|font/i,
			where);
}

for (const backend of backends()) {
describe(`access control (${backend})`, () => {
	let srv;
	const clients = {};
	before(async () => {
		srv = await startServer({ backend });
		for (const role of Object.keys(MATRIX))
			clients[role] = await loginAs(srv, role);
	});
	after(async () => { await srv?.stop(); });

	it('AC-01 anonymous visitors reach only public routes', async () => {
		const c = new Client(srv.url);
		for (const p of PAGES) {
			const r = await c.get(p);
			if (p.startsWith('/api/') || p === '/metrics')
				assert.equal(r.status, 401, p);
			else {
				assert.equal(r.status, 303, p);
				assert.match(r.headers.get('location'), /^\/login/);
			}
		}
		for (const p of PUBLIC) {
			const r = await c.get(p);
			assert.ok([200, 303, 404].includes(r.status), `${p} ${r.status}`);
		}
	});

	it('AC-02 AC-04 the permission matrix, per role and object', async () => {
		for (const [role, allowed] of Object.entries(MATRIX)) {
			for (const p of PAGES) {
				const r = await clients[role].get(p);
				const want = allowed.includes(p) ? 200 : 403;
				assert.equal(r.status, want, `${role} ${p}`);
			}
		}
		// Object level: a clerk cannot read or change another account.
		const c = clients.clerk;
		await c.get('/');
		const w = await c.post('/admin/users/1', { csrf: c.csrf(),
			display_name: 'x' });
		assert.equal(w.status, 403);
		const d = await c.post('/admin/departments/1', { csrf: c.csrf(),
			name: 'x' });
		assert.equal(d.status, 403);
	});

	it('AC-04 one account cannot hold two administrator roles', async () => {
		const a = clients.sysadmin;
		await a.get('/');
		const r = await a.post('/api/v1/users', { login: 'two.hats',
			display_name: '两个角色', kind: 'admin',
			roles: ['sysadmin', 'auditadmin'] },
			{ json: true, headers: { 'x-csrf-token': a.csrf() } });
		assert.equal(r.status, 400, r.bodyText);
		assert.equal((await r.json()).error.code, 'roles_conflict');
		const mixed = await a.post('/api/v1/users', { login: 'mixed.hats',
			display_name: '混合', kind: 'admin',
			roles: ['secadmin', 'clerk'] },
			{ json: true, headers: { 'x-csrf-token': a.csrf() } });
		assert.equal(mixed.status, 400);
		const list = await (await a.get('/api/v1/users?q=hats')).json();
		assert.equal(list.users.length, 0, 'nothing was created');
	});

	it('AC-04 a change of roles is checked whole and written once',
	async () => {
		const a = clients.sysadmin;
		await a.get('/');
		const made = await a.post('/api/v1/users', { login: 'role.swap',
			display_name: '换岗', kind: 'staff', roles: ['clerk'] },
			{ json: true, headers: { 'x-csrf-token': a.csrf() } });
		assert.equal(made.status, 201, made.bodyText);
		const { id } = await made.json();
		const roles = async (want) => {
			await a.get(`/admin/users/${id}`);
			return a.post(`/admin/users/${id}/roles`,
				{ csrf: a.csrf(), role: want });
		};
		let r = await roles(['dept_head', 'legal_adviser']);
		assert.equal(r.status, 303, r.bodyText.slice(0, 300));
		// refused as a whole: an administrator role on a staff account
		r = await roles(['clerk', 'secadmin']);
		assert.equal(r.status, 400);
		// unchanged: nothing written
		r = await roles(['legal_adviser', 'dept_head']);
		assert.equal(r.status, 303);
		const list = await (await a.get('/api/v1/users?q=role.swap')).json();
		assert.deepEqual(list.users[0].roles, ['dept_head', 'legal_adviser']);
		const e = (await (await clients.auditadmin.get(
			`/api/v1/audit?object=user:${id}`)).json()).entries
			.filter((x) => x.object === `user:${id}` &&
				x.action.startsWith('user.role'));
		assert.equal(e.length, 1, JSON.stringify(e));
		assert.equal(e[0].action, 'user.roles');
		assert.deepEqual(e[0].details.granted, ['dept_head', 'legal_adviser']);
		assert.deepEqual(e[0].details.revoked, ['clerk']);
	});

	it('AC-05 only the security administrator changes policy, audited',
	async () => {
		const sys = clients.sysadmin;
		await sys.get('/');
		const denied = await sys.post('/admin/policy', { csrf: sys.csrf(),
			lockout_threshold: '10' });
		assert.equal(denied.status, 403);
		const sec = clients.secadmin;
		const form = await sec.get('/admin/policy');
		assert.equal(form.status, 200);
		const fields = {};
		for (const m of form.bodyText.matchAll(
			/<input[^>]*name="([a-z_]+)"[^>]*value="(\d+)"/g))
			fields[m[1]] = m[2];
		assert.ok(Object.keys(fields).length >= 9, 'policy fields listed');
		const bad = await sec.post('/admin/policy', { ...fields,
			csrf: sec.csrf(), lockout_threshold: '1000' });
		assert.equal(bad.status, 400);
		const ok = await sec.post('/admin/policy', { ...fields,
			csrf: sec.csrf(), lockout_threshold: '6' });
		assert.equal(ok.status, 303, ok.bodyText.slice(0, 300));
		const au = clients.auditadmin;
		const e = (await (await au.get('/api/v1/audit?action=policy.update'))
			.json()).entries;
		assert.equal(e.length, 1);
		assert.equal(e[0].details.before.lockout_threshold, 5);
		assert.equal(e[0].details.after.lockout_threshold, 6);
		assert.equal(e[0].actor, 'secadmin');
	});

	it('WB-03 CSRF token and Origin are both required', async () => {
		const c = clients.clerk;
		await c.get('/account');
		const token = c.csrf();
		const noToken = await c.post('/account/tokens', { name: 'x' });
		assert.equal(noToken.status, 403);
		const foreign = await c.post('/account/tokens', { csrf: token,
			name: 'x' }, { origin: 'http://evil.example' });
		assert.equal(foreign.status, 403);
		const noOrigin = await c.post('/account/tokens', { csrf: token,
			name: 'x' }, { origin: null });
		assert.equal(noOrigin.status, 403);
		// The login form too.
		const anon = new Client(srv.url);
		await anon.get('/login');
		const l = await anon.post('/login', { login: 'clerk', password: 'x',
			csrf: 'f'.repeat(64) });
		assert.equal(l.status, 403);
		const list = await (await c.get('/account')).text();
		assert.doesNotMatch(list, /<td>x<\/td>/, 'no token was created');
	});

	it('WB-04 security headers on every response', async () => {
		const anon = new Client(srv.url);
		for (const p of [...PUBLIC, ...PAGES])
			checkHeaders(await anon.get(p), `anon ${p}`);
		for (const [role, c] of Object.entries(clients))
			for (const p of PAGES) {
				const r = await c.get(p);
				checkHeaders(r, `${role} ${p}`);
				if (r.status === 200)
					assert.equal(r.headers.get('cache-control'),
						'no-store', `${role} ${p}`);
			}
	});

	it('WB-06 invalid UTF-8 and NUL are refused', async () => {
		const c = new Client(srv.url);
		await c.get('/login');
		for (const body of [`login=%FF%FE&password=x&csrf=${c.csrf()}`,
			`login=a%00b&password=x&csrf=${c.csrf()}`,
			`login=%C0%AF&password=x&csrf=${c.csrf()}`]) {
			const r = await c.post('/login', body, { headers:
				{ 'content-type': 'application/x-www-form-urlencoded' } });
			assert.equal(r.status, 400, body);
		}
		assert.equal((await c.get('/login?next=%FF')).status, 400);
		const sys = clients.sysadmin;
		await sys.get('/');
		const j = await sys.post('/api/v1/users', '{"login": "a\\u0000b"}',
			{ headers: { 'content-type': 'application/json',
				'x-csrf-token': sys.csrf() } });
		assert.equal(j.status, 400);
		assert.equal((await j.json()).error.code, 'bad_json');
	});

	it('WB-01 reflected input is escaped', async () => {
		const xss = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>';
		const sys = clients.sysadmin;
		const r = await sys.get('/admin/users?q=' + encodeURIComponent(xss));
		assert.equal(r.status, 200);
		assert.doesNotMatch(r.bodyText, /<script>alert|<img src=x/);
		const anon = new Client(srv.url);
		const l = await anon.get('/login?next=' + encodeURIComponent(xss));
		assert.doesNotMatch(l.bodyText, /<script>alert|<img src=x/);
		await anon.get('/login');
		const f = await anon.post('/login', { login: xss, password: 'x',
			csrf: anon.csrf() });
		assert.doesNotMatch(f.bodyText, /<script>alert|<img src=x/);
	});

	it('WB-02 SQL-looking input is data, not SQL', async () => {
		const anon = new Client(srv.url);
		for (const inj of ["' OR '1'='1", "clerk'--", "x'; DROP TABLE users;--"]) {
			const r = await anon.login(inj, "' OR '1'='1");
			assert.equal(r.status, 401, inj);
		}
		const sys = clients.sysadmin;
		const r = await sys.get("/api/v1/users?q=" + encodeURIComponent("' OR 1=1 --"));
		assert.equal(r.status, 200);
		assert.equal((await r.json()).users.length, 0);
		assert.equal((await sys.get('/api/v1/users')).status, 200);
	});

	// Last in this group: it empties this address's login bucket.
	it('WB-08 login attempts from one address are throttled', async () => {
		const c = new Client(srv.url);
		await c.get('/login');
		const csrf = c.csrf();
		const results = await Promise.all(Array.from({ length: 100 },
			() => c.post('/login', { login: 'nobody', password: 'x', csrf })
				.then((r) => r.status)));
		assert.ok(results.includes(429), `statuses: ${[...new Set(results)]}`);
		assert.ok(results.filter((s) => s === 429).length >= 50);
	});

	it('WB-07 generic errors; no TRACE', async () => {
		const c = new Client(srv.url);
		const t = await raw(srv.url, 'TRACE / HTTP/1.1\r\nHost: x\r\n' +
			'Connection: close\r\n\r\n');
		assert.match(t, /^HTTP\/1\.1 405/);
		const n = await c.get('/no/such/page');
		assert.equal(n.status, 404);
		assert.match(n.bodyText, /页面不存在/);
		const api = await c.get('/api/v1/nothing');
		assert.equal(api.status, 404);
		assert.deepEqual(Object.keys((await api.json()).error).sort(),
			['code', 'message']);
		const m = await c.request('DELETE', '/login');
		assert.equal(m.status, 405);
		assert.match(m.headers.get('allow'), /GET/);
	});
});
}
