// harness_selftest.test.mjs: the API test harness itself, without the
// real server: port picking, the cookie-keeping client, server start and
// stop against a stand-in binary, and throwaway PostgreSQL clusters.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, ROOT, backends, findCsrf, freePort, loginAs,
	startServer } from './lib/harness.mjs';

// A stand-in for the fazhi binary that follows the command-line contract
// closely enough to drive startServer, run and stop.
const FAKE = `#!/usr/bin/env node
const fs = require('node:fs');
const http = require('node:http');
const [cmd, ...rest] = process.argv.slice(2);
const opt = (n) => { const i = rest.indexOf(n); return i < 0 ? null : rest[i + 1]; };
const mode = process.env.FAKE_MODE || '';
if (cmd === 'demo' || cmd === 'init') {
	fs.mkdirSync(opt('--data-dir'), { recursive: true });
	if (cmd === 'init') {
		console.log('admin: ' + opt('--admin') + '\\npassword: Init-Pass-1');
	} else {
		console.log(JSON.stringify({ admin: { login: 'sysadmin', password: 'pw0' },
			users: [{ login: 'clerk', password: 'pw1', roles: ['clerk'] }],
			db: opt('--db'), kdf: opt('--kdf-iterations') }));
	}
} else if (cmd === 'serve') {
	if (mode === 'crash') {
		console.error('fake: cannot open database');
		process.exit(3);
	}
	const [host, port] = opt('--listen').split(':');
	const srv = http.createServer((req, res) => {
		const clock = fs.readFileSync(process.env.FAZHI_TEST_CLOCK_FILE, 'utf8');
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ path: req.url, clock: Number(clock),
			workers: opt('--workers'), extra: process.env.FAKE_EXTRA || null }));
	});
	srv.listen(Number(port), host, () => {
		console.error('fake: starting');
		console.log('fazhi: listening on http://' + host + ':' + port + '/');
	});
	process.on('SIGTERM', () => srv.close(() => process.exit(mode === 'badexit' ? 1 : 0)));
} else {
	console.log(JSON.stringify(process.argv.slice(2)));
	process.exit(cmd === 'fail' ? 4 : 0);
}
`;

let fakeDir, fakeBin;
before(() => {
	fakeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fazhi-fake-'));
	fakeBin = path.join(fakeDir, 'fazhi');
	fs.writeFileSync(fakeBin, FAKE, { mode: 0o755 });
});
after(() => fs.rmSync(fakeDir, { recursive: true, force: true }));

describe('freePort', () => {
	test('gives distinct ports one can listen on', async () => {
		const a = await freePort(), b = await freePort();
		assert.ok(Number.isInteger(a) && a > 0 && a < 65536);
		assert.notEqual(a, b);
		const s = net.createServer();
		await new Promise((ok, ko) => s.once('error', ko)
			.listen(a, '127.0.0.1', ok));
		await new Promise((ok) => s.close(ok));
	});
});

describe('Client', () => {
	let server, base;
	const seen = [];

	before(async () => {
		server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (d) => body += d);
			req.on('end', () => route(req, res, body));
		});
		await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
		base = `http://127.0.0.1:${server.address().port}`;
	});
	after(() => new Promise((ok) => server.close(ok)));

	function route(req, res, body) {
		seen.push({ method: req.method, url: req.url, body,
			headers: req.headers });
		const u = new URL(req.url, base);
		if (u.pathname === '/set') {
			res.setHeader('set-cookie', [
				'sid=abc123; Path=/; HttpOnly; SameSite=Lax',
				'pref=a=b; Path=/',
				'old=1; Max-Age=100']);
			res.end('ok');
		} else if (u.pathname === '/clear') {
			res.setHeader('set-cookie', [
				'old=; Max-Age=0',
				'pref=; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
			res.end('ok');
		} else if (u.pathname === '/login' && req.method === 'GET') {
			res.setHeader('set-cookie', 'pre=t1; Path=/; HttpOnly');
			res.setHeader('content-type', 'text/html; charset=utf-8');
			res.end('<!doctype html><form method="post">' +
				'<input type="hidden" name="csrf" ' +
				'value="tok&amp;1"><input name="login"></form>');
		} else if (u.pathname === '/login') {
			const f = new URLSearchParams(body);
			const ok = f.get('csrf') === 'tok&1' &&
				req.headers.origin === base &&
				f.get('login') === 'clerk' &&
				f.get('password') === 'pw1';
			res.statusCode = ok ? 303 : 403;
			if (ok) {
				res.setHeader('set-cookie', 'sid=S2; Path=/');
				res.setHeader('location', '/home');
			}
			res.end();
		} else if (u.pathname === '/home') {
			res.setHeader('content-type', 'text/html');
			res.end('<meta name="csrf-token" content="meta-tok">home');
		} else {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ cookie: req.headers.cookie ?? null,
				origin: req.headers.origin ?? null,
				type: req.headers['content-type'] ?? null, body }));
		}
	}

	test('keeps, sends and expires cookies', async () => {
		const c = new Client(base + '/');
		await c.get('/set');
		assert.equal(c.cookie('sid'), 'abc123');
		assert.equal(c.cookie('pref'), 'a=b');
		let r = await (await c.get('/echo')).json();
		assert.equal(r.cookie, 'sid=abc123; pref=a=b; old=1');
		assert.equal(r.origin, null, 'GET sends no Origin');
		await c.get('/clear');
		r = await (await c.get('/echo')).json();
		assert.equal(r.cookie, 'sid=abc123');
	});

	test('POST sends a form and Origin, or omits it on request',
		async () => {
			const c = new Client(base);
			let res = await c.post('/echo', { a: '1 2', b: ['x', 'y'],
				skip: undefined });
			let r = await res.json();
			assert.equal(r.origin, base);
			assert.match(r.type, /x-www-form-urlencoded/);
			assert.equal(r.body, 'a=1+2&b=x&b=y');
			assert.deepEqual(await res.json(), r, 'body re-readable');
			r = await (await c.post('/echo', { a: 1 },
				{ origin: null })).json();
			assert.equal(r.origin, null);
			r = await (await c.post('/echo', { a: 1 },
				{ origin: 'http://evil.example' })).json();
			assert.equal(r.origin, 'http://evil.example');
			r = await (await c.post('/echo', { a: [1] },
				{ json: true })).json();
			assert.equal(r.type, 'application/json');
			assert.deepEqual(JSON.parse(r.body), { a: [1] });
		});

	test('login posts csrf with Origin and keeps the session cookie',
		async () => {
			const c = new Client(base);
			const res = await c.login('clerk', 'pw1');
			assert.equal(res.status, 303);
			assert.equal(res.headers.get('location'), '/home');
			assert.equal(c.cookie('sid'), 'S2');
			assert.equal(c.cookie('pre'), 't1');
			const post = seen.filter((s) => s.method === 'POST' &&
				s.url === '/login').pop();
			assert.equal(post.headers.cookie, 'pre=t1');
			const bad = await new Client(base).login('clerk', 'nope');
			assert.equal(bad.status, 403);
		});

	test('follow keeps cookies at each hop; csrf() reads meta',
		async () => {
			const c = new Client(base);
			await c.get('/login');
			assert.equal(c.csrf(), 'tok&1');
			const res = await c.post('/login', { login: 'clerk',
				password: 'pw1', csrf: c.csrf() }, { follow: true });
			assert.equal(res.status, 200);
			assert.equal(c.csrf(), 'meta-tok');
			assert.equal(seen.at(-1).method, 'GET');
			assert.equal(seen.at(-1).headers.cookie, 'pre=t1; sid=S2');
		});

	test('findCsrf ignores other fields', () => {
		assert.equal(findCsrf('<input name="csrfx" value="no">'), null);
		assert.equal(findCsrf("<input value='v1' type=hidden " +
			"name=csrf>"), 'v1');
	});
});

describe('startServer with a stand-in binary', () => {
	test('demo accounts, clock, run, clean stop', async () => {
		const srv = await startServer({ bin: fakeBin, workers: 3,
			env: { FAKE_EXTRA: 'x1' } });
		assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
		assert.equal(srv.accounts.admin.login, 'sysadmin');
		assert.equal(srv.accounts.kdf, '1000');
		assert.ok(fs.existsSync(srv.dataDir));
		let r = await (await fetch(srv.url + '/x')).json();
		assert.deepEqual(r, { path: '/x', clock: 0, workers: '3',
			extra: 'x1' });
		srv.setClock(86400);
		srv.advance(-400);
		r = await (await fetch(srv.url + '/')).json();
		assert.equal(r.clock, 86000);
		const c = await loginAs(srv, 'clerk').catch((e) => e);
		assert.match(String(c), /no csrf field/);
		const out = srv.run(['audit', 'verify']);
		assert.equal(out.code, 0);
		assert.deepEqual(JSON.parse(out.stdout),
			['audit', 'verify', '--data-dir', srv.dataDir]);
		assert.equal(srv.run(['fail']).code, 4);
		assert.match(srv.stderr(), /fake: starting/);
		await srv.stop();
		assert.ok(!fs.existsSync(path.dirname(srv.dataDir)));
	});

	test('init when demo is false', async () => {
		const srv = await startServer({ bin: fakeBin, demo: false,
			admin: 'root1' });
		assert.deepEqual(srv.accounts.admin,
			{ login: 'root1', password: 'Init-Pass-1' });
		await srv.stop();
	});

	test('a server that dies at start reports its stderr', async () => {
		const before = fs.readdirSync(os.tmpdir()).filter(
			(n) => n.startsWith('fazhi-test-')).length;
		await assert.rejects(startServer({ bin: fakeBin,
			env: { FAKE_MODE: 'crash' } }),
		/exited \(3\)[\s\S]*cannot open database/);
		const now = fs.readdirSync(os.tmpdir()).filter(
			(n) => n.startsWith('fazhi-test-')).length;
		assert.ok(now <= before, 'scratch directory removed');
	});

	test('an unclean exit on SIGTERM fails stop()', async () => {
		let srv = await startServer({ bin: fakeBin,
			env: { FAKE_MODE: 'badexit' } });
		await assert.rejects(srv.stop(), /exited 1 on SIGTERM/);
		srv = await startServer({ bin: fakeBin,
			env: { FAKE_MODE: 'badexit' } });
		await srv.stop({ allowFail: true });
	});

	test('a missing binary is named', async () => {
		await assert.rejects(startServer({ bin: '/nonexistent/fazhi' }),
			/no fazhi binary at \/nonexistent\/fazhi/);
	});
});

describe('PostgreSQL clusters', () => {
	const pgtmp = path.join(ROOT, 'scripts', 'pgtmp.sh');
	const skip = process.env.FAZHI_TEST_PG !== '1' ?
		'FAZHI_TEST_PG is not 1' :
		!fs.existsSync(pgtmp) ? 'scripts/pgtmp.sh does not exist yet' :
		false;

	test('backends() follows FAZHI_TEST_PG', () => {
		assert.deepEqual(backends(), process.env.FAZHI_TEST_PG === '1' ?
			['sqlite', 'pg'] : ['sqlite']);
	});

	test('pgtmp.sh start and stop', { skip }, () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fazhi-pg-'));
		fs.chmodSync(dir, 0o711);
		try {
			const r = spawnSync(pgtmp, ['start', path.join(dir, 'pg')],
				{ encoding: 'utf8' });
			assert.equal(r.status, 0, r.stderr);
			const url = r.stdout.trim();
			assert.match(url, /^postgres(ql)?:\/\/\S+$/);
			const q = spawnSync('psql', [url, '-Atc', 'select 1'],
				{ encoding: 'utf8' });
			assert.equal(q.stdout.trim(), '1', q.stderr);
			const s = spawnSync(pgtmp, ['stop', path.join(dir, 'pg')],
				{ encoding: 'utf8' });
			assert.equal(s.status, 0, s.stderr);
			assert.ok(!fs.existsSync(path.join(dir, 'pg')));
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	test('startServer passes its own cluster as --db', { skip },
		async () => {
			const srv = await startServer({ backend: 'pg',
				bin: fakeBin });
			assert.match(srv.dbUrl, /^postgres(ql)?:\/\//);
			assert.equal(srv.accounts.db, srv.dbUrl);
			assert.deepEqual(JSON.parse(srv.run(['x']).stdout),
				['x', '--data-dir', srv.dataDir, '--db', srv.dbUrl]);
			await srv.stop();
			assert.ok(!fs.existsSync(path.dirname(srv.dataDir)));
		});
});
