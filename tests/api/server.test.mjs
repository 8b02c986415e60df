// server.test.mjs: the HTTP server itself — limits, caching, compression,
// HEAD, metrics, health, the 繁體 switch and a graceful stop.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { backends, startServer, Client, loginAs, rawHttp as raw, fazhiBin }
	from './lib/harness.mjs';


for (const backend of backends()) {
describe(`http server (${backend})`, () => {
	let srv;
	before(async () => { srv = await startServer({ backend }); });
	after(async () => { await srv?.stop(); });

	it('health check and metrics', async () => {
		const c = new Client(srv.url);
		const h = await c.get('/healthz');
		assert.equal(h.status, 200);
		assert.equal(h.bodyText, 'ok\n');
		const m = await (await loginAs(srv, 'sysadmin')).get('/metrics');
		assert.equal(m.status, 200);
		for (const name of ['fazhi_http_requests_total{route="healthz",status="200"}',
			'fazhi_http_request_duration_seconds_bucket',
			'fazhi_http_open_connections', 'fazhi_db_errors_total',
			'fazhi_audit_chain_length'])
			assert.ok(m.bodyText.includes(name), name);
	});

	it('static assets carry ETag and caching headers, and answer 304',
	async () => {
		const c = new Client(srv.url);
		const r = await c.get('/static/css/site.css');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /text\/css/);
		const etag = r.headers.get('etag');
		assert.match(etag, /^"[0-9a-f]+"$/);
		assert.match(r.headers.get('cache-control'), /max-age/);
		const again = await c.get('/static/css/site.css',
			{ headers: { 'if-none-match': etag } });
		assert.equal(again.status, 304);
		const dots = await raw(srv.url, 'GET /static/../fazhi.conf HTTP/1.1\r\n' +
			'Host: x\r\nConnection: close\r\n\r\n');
		assert.match(dots, /^HTTP\/1\.1 400/);
		const enc = await raw(srv.url, 'GET /static/%2e%2e/fazhi.conf HTTP/1.1\r\n' +
			'Host: x\r\nConnection: close\r\n\r\n');
		assert.match(enc, /^HTTP\/1\.1 400/);
		assert.equal((await c.get('/static/nope.css')).status, 404);
	});

	it('gzip for text when the client accepts it', async () => {
		const body = await raw(srv.url, 'GET /login HTTP/1.1\r\nHost: x\r\n' +
			'Accept-Encoding: gzip\r\nConnection: close\r\n\r\n');
		assert.match(body, /Content-Encoding: gzip/i);
		const i = body.indexOf('\r\n\r\n');
		const html = zlib.gunzipSync(Buffer.from(body.slice(i + 4), 'latin1'));
		assert.match(html.toString(), /<form/);
		const plain = await raw(srv.url, 'GET /login HTTP/1.1\r\nHost: x\r\n' +
			'Connection: close\r\n\r\n');
		assert.doesNotMatch(plain, /Content-Encoding/i);
	});

	it('HEAD sends headers only; keep-alive serves several requests', async () => {
		const out = await raw(srv.url, 'HEAD /login HTTP/1.1\r\nHost: x\r\n\r\n' +
			'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
		const parts = out.split('HTTP/1.1 ');
		assert.equal(parts.length, 3, out.slice(0, 500));
		assert.match(parts[1], /^200/);
		assert.doesNotMatch(parts[1], /<html/i);
		assert.match(parts[2], /^200[\s\S]*ok\n$/);
	});

	it('oversized headers and bodies are refused', async () => {
		const big = 'x'.repeat(64 * 1024);
		const h = await raw(srv.url, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`);
		assert.match(h, /^HTTP\/1\.1 4(00|13|31)/);
		const c = new Client(srv.url);
		await c.get('/login');
		const r = await fetch(srv.url + '/login', { method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'a=' + 'b'.repeat(11 << 20) }).catch((e) => e);
		if (r instanceof Response)
			assert.equal(r.status, 413);
		// Within the server's limit but over a form's: our own page.
		await c.get('/login');
		const form = await c.post('/login', 'login=' + 'x'.repeat(3 << 20) +
			`&password=x&csrf=${c.csrf()}`, { headers:
			{ 'content-type': 'application/x-www-form-urlencoded' } });
		assert.equal(form.status, 413);
		assert.match(form.bodyText, /site-header/);
		assert.match(form.bodyText, /提交的内容过大/);
		const bad = await raw(srv.url, 'GARBAGE\r\n\r\n');
		assert.match(bad, /^HTTP\/1\.1 400|^$/);
	});

	it('/favicon.ico leads to the site\'s icon', async () => {
		const c = new Client(srv.url);
		const r = await c.get('/favicon.ico');
		assert.equal(r.status, 303);
		const icon = await c.get(r.headers.get('location'));
		assert.equal(icon.status, 200);
		assert.match(icon.headers.get('content-type'), /^image\/svg\+xml/);
	});

	it('the 繁體 switch converts phrase by phrase and is remembered', async () => {
		const c = new Client(srv.url);
		const r = await c.get('/lang/hant?next=/login');
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/login');
		assert.equal(c.cookie('fz_lang'), 'hant');
		const page = await c.get('/login');
		assert.match(page.bodyText, /登錄|登入/);
		assert.match(page.bodyText, /lang="zh-Hant"/);
		// each label in its own script: 简体 as character references,
		// which the conversion leaves as they are
		assert.match(page.bodyText,
			/<a href="\/lang\/hans\?next=%2Flogin"[^>]*>&#31616;&#20307;<\/a>/);
		assert.match(page.bodyText, /<span aria-current="true"[^>]*>繁體</);
		// the way back keeps the page's query (a search, a page, a year)
		const q = await c.get('/login?next=%2Fstats%2Fcases%3Fyear%3D2022');
		const m = q.bodyText.match(/href="(\/lang\/hans\?next=[^"]*)"/);
		assert.ok(m, 'a switch on the page');
		const back = await c.get(m[1].replaceAll('&amp;', '&'));
		assert.equal(back.headers.get('location'),
			'/login?next=%2Fstats%2Fcases%3Fyear%3D2022');
		const off = await c.get('/lang/hans?next=//evil.example');
		assert.equal(off.headers.get('location'), '/');
		assert.equal((await c.get('/lang/xx')).status, 404);
	});

	// Each worker listens on a socket of its own (SO_REUSEPORT); a
	// second server on the same port must still be refused, not let in
	// to share the connections.
	it('a second server on the same address is refused', async () => {
		const listen = new URL(srv.url).host;
		const r = spawnSync(fazhiBin(), ['serve', '--data-dir',
			srv.dataDir, '--listen', listen, '--access-log', 'none'],
			{ encoding: 'utf8', timeout: 20000 });
		assert.equal(r.status, 1, r.stderr);
		assert.match(r.stderr, /cannot listen on .*already in use/);
		const h = await new Client(srv.url).get('/healthz');
		assert.equal(h.status, 200);
	});
});
}

describe('graceful stop', () => {
	it('SIGTERM lets requests in flight finish and exits 0', async () => {
		const srv = await startServer({});
		const c = new Client(srv.url);
		const pending = [];
		for (let i = 0; i < 20; i++)
			pending.push(c.get('/login').then((r) => r.status));
		srv.process.kill('SIGTERM');
		const statuses = await Promise.allSettled(pending);
		const done = statuses.filter((s) => s.status === 'fulfilled');
		for (const s of done)
			assert.equal(s.value, 200);
		const p = srv.process;
		if (p.exitCode === null && p.signalCode === null)
			await new Promise((resolve) => p.once('exit', resolve));
		assert.equal(p.exitCode, 0, srv.stderr());
		assert.match(srv.stderr(), /stopped/);
		await srv.stop({ allowFail: true });
	});
});

// pg_ctl on a test cluster, as its owner (PostgreSQL refuses root).
function pgCtl(srv, ...args) {
	const bin = '/usr/lib/postgresql/15/bin/pg_ctl';
	const cmd = process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--',
		bin] : [bin];
	const r = spawnSync(cmd[0], [...cmd.slice(1), '-D', `${srv.pgDir}/data`,
		'-w', '-t', '60', ...args], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
}

describe('database trouble', () => {
	it('a locked SQLite database gives 503 and changes nothing', async () => {
		const srv = await startServer({});
		try {
			const c = await loginAs(srv, 'clerk');
			await c.get('/account');
			const csrf = c.csrf();
			const locker = spawn('sqlite3', [srv.dbUrl.slice(7)],
				{ stdio: ['pipe', 'pipe', 'inherit'] });
			locker.stdin.write('BEGIN EXCLUSIVE;\nSELECT 42;\n');
			await once(locker.stdout, 'data');
			const r = await c.post('/account/tokens', { csrf,
				name: 'while-locked' });
			locker.stdin.end('ROLLBACK;\n');
			await once(locker, 'exit');
			assert.equal(r.status, 503, r.bodyText.slice(0, 300));
			assert.match(r.bodyText, /数据库暂时不可用/);
			const after = await c.get('/account');
			assert.doesNotMatch(after.bodyText, /while-locked/);
			const ok = await c.post('/account/tokens', { csrf: c.csrf(),
				name: 'after-lock' });
			assert.equal(ok.status, 200);
		} finally {
			await srv.stop();
		}
	});

	it('PostgreSQL going away gives 503; the server recovers', {
		skip: !backends().includes('pg') && 'PostgreSQL not enabled',
	}, async () => {
		const srv = await startServer({ backend: 'pg' });
		try {
			const c = await loginAs(srv, 'clerk');
			const port = new URL(srv.dbUrl).port;
			pgCtl(srv, '-m', 'fast', 'stop');
			const h = await c.get('/healthz');
			assert.equal(h.status, 503);
			const r = await c.get('/account');
			assert.equal(r.status, 503);
			assert.match(r.bodyText, /数据库暂时不可用/);
			assert.doesNotMatch(r.bodyText, /SELECT|connection to server/);
			pgCtl(srv, '-l', `${srv.pgDir}/server.log`, '-o', `-p ${port}`,
				'start');
			assert.equal((await c.get('/healthz')).status, 200);
			assert.equal((await c.get('/account')).status, 200);
		} finally {
			await srv.stop();
		}
	});
});
