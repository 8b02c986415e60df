// harness.mjs: run a real `fazhi serve` for API tests and talk to it.
//
// Each server gets a scratch directory (data dir, test clock file and, for
// the PostgreSQL backend, its own throwaway cluster), a free port on
// 127.0.0.1 and demo accounts.  Every process started here is tracked and
// killed when the test process exits; nothing is ever killed by name.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
	'..', '..', '..');
const PGTMP = path.join(ROOT, 'scripts', 'pgtmp.sh');
const READY = /fazhi: listening on (http:\/\/\S+)/;
const READY_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 10000;
const LOG_CAP = 8 << 20;

// Backends the current run covers: always SQLite, PostgreSQL on request.
export function backends() {
	return process.env.FAZHI_TEST_PG === '1' ? ['sqlite', 'pg'] : ['sqlite'];
}

// The server binary: $FAZHI_BIN, else build/fazhi in the repository.
export function fazhiBin() {
	return path.resolve(process.env.FAZHI_BIN ||
		path.join(ROOT, 'build', 'fazhi'));
}

// A port that was free a moment ago (the kernel picks it for port 0).
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/* ---- process bookkeeping -------------------------------------------- */

const children = new Set();
const clusters = new Set();
const scratch = new Set();

function track(child) {
	children.add(child);
	child.on('exit', () => children.delete(child));
	return child;
}

function removeScratch(dir) {
	scratch.delete(dir);
	if (process.env.FAZHI_TEST_KEEP !== '1')
		fs.rmSync(dir, { recursive: true, force: true });
}

// Runs synchronously at exit: only what this module started.
function cleanupAtExit() {
	for (const c of children)
		if (c.exitCode === null && c.signalCode === null)
			c.kill('SIGKILL');
	for (const dir of clusters)
		spawnSync(PGTMP, ['stop', dir], { stdio: 'ignore' });
	clusters.clear();
	for (const dir of scratch)
		removeScratch(dir);
}
process.on('exit', cleanupAtExit);
for (const sig of ['SIGINT', 'SIGTERM'])
	process.once(sig, () => process.exit(128 + os.constants.signals[sig]));

// Run a program to completion without blocking the event loop.
function exec(cmd, args, { env, input, timeout = 120000 } = {}) {
	return new Promise((resolve, reject) => {
		const child = track(spawn(cmd, args, {
			env, cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
		let stdout = '', stderr = '';
		child.stdout.setEncoding('utf8').on('data', (d) => stdout += d);
		child.stderr.setEncoding('utf8').on('data', (d) => stderr += d);
		const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(new Error(`${cmd}: ${e.message}`));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
		child.stdin.on('error', () => {});	// exited unread
		child.stdin.end(input ?? '');
	});
}

function describeRun(what, r) {
	return `${what} failed (exit ${r.code ?? r.signal})\n` +
		`stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

// The JSON object `fazhi demo --json` prints (tolerating log lines).
function parseDemo(out) {
	try {
		return JSON.parse(out);
	} catch {
		const a = out.indexOf('{'), b = out.lastIndexOf('}');
		if (a >= 0 && b > a)
			return JSON.parse(out.slice(a, b + 1));
		throw new Error(`fazhi demo --json printed no JSON:\n${out}`);
	}
}

// `admin: LOGIN` and `password: PASSWORD` lines from `fazhi init`.
function parseInit(out) {
	const login = /^admin:\s*(\S+)/m.exec(out);
	const password = /^password:\s*(\S+)/m.exec(out);
	if (!login || !password)
		throw new Error(`fazhi init printed no admin/password:\n${out}`);
	return { admin: { login: login[1], password: password[1] }, users: [] };
}

/* ---- the server ----------------------------------------------------- */

// Spawn `fazhi serve` and wait for its ready line.  Resolves with
// { child, url, out } or rejects with the server's stderr.
function spawnServe(bin, args, env) {
	return new Promise((resolve, reject) => {
		const child = track(spawn(bin, args, {
			env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
		const out = { stdout: '', stderr: '' };
		let done = false;
		const finish = (err, url) => {
			if (done)
				return;
			done = true;
			clearTimeout(timer);
			if (err)
				reject(err);
			else
				resolve({ child, url, out });
		};
		const append = (key, d) => {
			out[key] += d;
			if (out[key].length > LOG_CAP)
				out[key] = out[key].slice(-LOG_CAP / 2);
		};
		child.stdout.setEncoding('utf8').on('data', (d) => {
			append('stdout', d);
			const m = READY.exec(out.stdout);
			if (m)
				finish(null, m[1].replace(/\/+$/, ''));
		});
		child.stderr.setEncoding('utf8').on('data',
			(d) => append('stderr', d));
		child.on('error', (e) => finish(new Error(
			`cannot run ${bin}: ${e.message}`)));
		child.on('exit', (code, signal) => {
			// let the pipes drain so the error shows all of stderr
			setImmediate(() => finish(Object.assign(new Error(
				`fazhi serve exited (${code ?? signal}) before ` +
				`listening\nstderr:\n${out.stderr}`),
				{ stderr: out.stderr })));
		});
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			finish(new Error(`fazhi serve not listening after ` +
				`${READY_TIMEOUT_MS / 1000} s\nstdout:\n${out.stdout}` +
				`\nstderr:\n${out.stderr}`));
		}, READY_TIMEOUT_MS);
	});
}

function waitExit(child, ms) {
	if (child.exitCode !== null || child.signalCode !== null)
		return Promise.resolve(true);
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(false), ms);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

// Start a server with its own scratch directory and database.
//   backend: 'sqlite' or 'pg'; demo: create demo accounts (else `init`);
//   admin: the administrator's login for `init` (there is no default);
//   workers: --workers; env: extra environment; bin: overrides FAZHI_BIN.
export async function startServer({ backend = 'sqlite', demo = true,
	admin = 'sysadmin', workers = 2, env = {}, bin = fazhiBin() } = {}) {
	if (!fs.existsSync(bin))
		throw new Error(`no fazhi binary at ${bin}: build it or set ` +
			'FAZHI_BIN');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fazhi-test-'));
	scratch.add(dir);
	// the PostgreSQL cluster runs as another user when we are root
	fs.chmodSync(dir, 0o711);
	const dataDir = path.join(dir, 'data');
	const clockFile = path.join(dir, 'clock');
	fs.writeFileSync(clockFile, '0\n');
	const childEnv = { ...process.env, FAZHI_TEST_CLOCK_FILE: clockFile,
		...env };
	let dbUrl = `sqlite:${path.join(dataDir, 'fazhi.db')}`;
	let pgDir = null, child = null;
	const dbArgs = [];

	const fail = async (err) => {
		if (child) {
			child.kill('SIGKILL');
			await waitExit(child, STOP_TIMEOUT_MS);
		}
		if (pgDir) {
			await exec(PGTMP, ['stop', pgDir]);
			clusters.delete(pgDir);
		}
		removeScratch(dir);
		throw err;
	};

	try {
		if (backend === 'pg') {
			if (!fs.existsSync(PGTMP))
				throw new Error(`${PGTMP} is missing`);
			pgDir = path.join(dir, 'pg');
			clusters.add(pgDir);
			const r = await exec(PGTMP, ['start', pgDir]);
			if (r.code !== 0)
				throw new Error(describeRun('pgtmp.sh start', r));
			dbUrl = r.stdout.trim().split('\n').pop().trim();
			dbArgs.push('--db', dbUrl);
		} else if (backend !== 'sqlite') {
			throw new Error(`unknown backend ${backend}`);
		}

		const cmd = demo ? ['demo', '--json'] :
			['init', '--admin', admin];
		const r = await exec(bin, [...cmd, '--data-dir', dataDir,
			...dbArgs, '--kdf-iterations', '1000'], { env: childEnv });
		if (r.code !== 0)
			throw new Error(describeRun(`fazhi ${cmd[0]}`, r));
		const accounts = demo ? parseDemo(r.stdout) : parseInit(r.stdout);

		// Another process may take the port between our probe and the
		// server's bind; try a few.
		let started;
		for (let attempt = 0; ; attempt++) {
			const port = await freePort();
			try {
				started = await spawnServe(bin, ['serve',
					'--data-dir', dataDir, '--listen',
					`127.0.0.1:${port}`, '--workers',
					String(workers)], childEnv);
				break;
			} catch (e) {
				if (attempt < 3 && /in use/i.test(e.stderr ?? ''))
					continue;
				throw e;
			}
		}
		child = started.child;
		return makeServer({ bin, dir, dataDir, dbUrl, dbArgs, pgDir,
			clockFile, childEnv, accounts, ...started });
	} catch (e) {
		return fail(e);
	}
}

function makeServer(s) {
	let offset = 0, clockGen = 0, stopped = false;

	const setClock = (seconds) => {
		offset = Math.trunc(seconds);
		// The server re-reads the file when its mtime or size changes;
		// a distinct fake mtime per write makes every change visible
		// even within one timestamp tick.  Rename keeps it atomic.
		const tmp = `${s.clockFile}.tmp.${process.pid}`;
		fs.writeFileSync(tmp, `${offset}\n`);
		const t = 946684800 + (++clockGen);
		fs.utimesSync(tmp, t, t);
		fs.renameSync(tmp, s.clockFile);
	};

	return {
		url: s.url,
		dataDir: s.dataDir,
		dbUrl: s.dbUrl,
		pgDir: s.pgDir,
		accounts: s.accounts,
		process: s.child,
		setClock,
		advance: (seconds) => setClock(offset + seconds),
		clock: () => offset,
		stdout: () => s.out.stdout,
		stderr: () => s.out.stderr,

		// Run `fazhi ARGS... --data-dir DIR [--db URL]` synchronously.
		run(args, { input, env = {}, timeout = 60000 } = {}) {
			const r = spawnSync(s.bin, [...args, '--data-dir',
				s.dataDir, ...s.dbArgs], {
				cwd: ROOT, input: input ?? '', timeout,
				encoding: 'utf8',
				env: { ...s.childEnv, ...env },
				maxBuffer: 64 << 20,
			});
			if (r.error && !r.status && !r.signal)
				throw r.error;
			return { code: r.status, signal: r.signal,
				stdout: r.stdout, stderr: r.stderr };
		},

		// SIGTERM, wait, SIGKILL if need be, then drop the database
		// and the scratch directory.  A clean stop must exit 0.
		async stop({ allowFail = false } = {}) {
			if (stopped)
				return;
			stopped = true;
			const c = s.child;
			const wasRunning = c.exitCode === null &&
				c.signalCode === null;
			if (wasRunning)
				c.kill('SIGTERM');
			let clean = await waitExit(c, STOP_TIMEOUT_MS);
			if (!clean) {
				c.kill('SIGKILL');
				await waitExit(c, STOP_TIMEOUT_MS);
			}
			let pgErr = null;
			if (s.pgDir) {
				const r = await exec(PGTMP, ['stop', s.pgDir]);
				clusters.delete(s.pgDir);
				if (r.code !== 0)
					pgErr = describeRun('pgtmp.sh stop', r);
			}
			removeScratch(s.dir);
			if (allowFail)
				return;
			if (pgErr)
				throw new Error(pgErr);
			const why = !wasRunning ? 'had already exited' :
				!clean ? `ignored SIGTERM for ${STOP_TIMEOUT_MS /
					1000} s` : c.exitCode !== 0 ?
				`exited ${c.exitCode ?? c.signalCode} on SIGTERM` :
				null;
			if (why)
				throw new Error(`fazhi serve ${why}\nstderr:\n` +
					s.out.stderr.slice(-20000));
		},
	};
}

/* ---- a cookie-keeping HTTP client ----------------------------------- */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function unescapeHtml(s) {
	return s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'")
		.replace(/&lt;/g, '<').replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}

// The CSRF token of an HTML page: the hidden `csrf` form field, else the
// csrf-token meta element.
export function findCsrf(html) {
	for (const tag of html.match(/<input\b[^>]*>/gi) ?? []) {
		if (!/\bname\s*=\s*["']?csrf["'\s/>]/i.test(tag))
			continue;
		const v = /\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
		if (v)
			return unescapeHtml(v[1] ?? v[2]);
	}
	for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
		if (!/\bname\s*=\s*["']?csrf-token["'\s/>]/i.test(tag))
			continue;
		const v = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
		if (v)
			return unescapeHtml(v[1] ?? v[2]);
	}
	return null;
}

function formBody(data) {
	if (typeof data === 'string' || data instanceof URLSearchParams ||
	    data instanceof FormData)
		return data;
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(data ?? {})) {
		if (v === undefined || v === null)
			continue;
		for (const one of Array.isArray(v) ? v : [v])
			p.append(k, String(one));
	}
	return p;
}

// Keeps cookies like a browser would (by name, ignoring path and domain:
// every test talks to one host), sends them back, sends an Origin header
// on unsafe methods, and never follows redirects unless asked to.
// Responses come back with their body already read: text(), json() and
// arrayBuffer() may be called any number of times, and `res.bodyText`
// and `res.buffer` hold it too.
export class Client {
	constructor(base) {
		this.base = base.replace(/\/+$/, '');
		this.cookies = new Map();
		this.lastHtml = '';
		this.last = null;
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	cookie(name) {
		return this.cookies.get(name);
	}

	keepCookies(res) {
		for (const sc of res.headers.getSetCookie()) {
			const [pair, ...attrs] = sc.split(';');
			const eq = pair.indexOf('=');
			if (eq <= 0)
				continue;
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			let gone = false;
			for (const a of attrs) {
				const [k, v = ''] = a.split('=');
				const key = k.trim().toLowerCase();
				if (key === 'max-age' && Number(v) <= 0)
					gone = true;
				if (key === 'expires' &&
				    Date.parse(v.trim()) < Date.now())
					gone = true;
			}
			if (gone)
				this.cookies.delete(name);
			else
				this.cookies.set(name, value);
		}
	}

	// opts: headers, body, origin (string, or null to omit), follow
	// (follow redirects, keeping cookies at each hop), timeout (ms).
	async request(method, p, opts = {}) {
		method = method.toUpperCase();
		let url = new URL(p, this.base + '/').href;
		let body = opts.body;
		let extra = { ...(opts.headers ?? {}) };
		for (let hops = 0; ; hops++) {
			const headers = { ...extra };
			const cookie = this.cookieHeader();
			if (cookie)
				headers.cookie = cookie;
			const origin = opts.origin === undefined ?
				(UNSAFE.has(method) ? this.base : null) :
				opts.origin;
			if (origin !== null)
				headers.origin = origin;
			const res = await fetch(url, {
				method, headers, body, redirect: 'manual',
				signal: AbortSignal.timeout(opts.timeout ?? 30000),
			});
			this.keepCookies(res);
			await this.slurp(res);
			const loc = res.headers.get('location');
			if (!opts.follow || res.status < 300 || res.status > 399 ||
			    !loc || hops >= 10)
				return res;
			url = new URL(loc, url).href;
			if (res.status !== 307 && res.status !== 308) {
				method = 'GET';
				body = undefined;
				extra = Object.fromEntries(Object.entries(extra)
					.filter(([k]) => k.toLowerCase() !==
						'content-type'));
			}
		}
	}

	async slurp(res) {
		const buf = Buffer.from(await res.arrayBuffer());
		const text = buf.toString('utf8');
		res.buffer = buf;
		res.bodyText = text;
		res.text = async () => text;
		res.json = async () => JSON.parse(text);
		res.arrayBuffer = async () => buf.buffer.slice(buf.byteOffset,
			buf.byteOffset + buf.length);
		this.last = res;
		if (/html/i.test(res.headers.get('content-type') ?? ''))
			this.lastHtml = text;
	}

	get(p, opts = {}) {
		return this.request('GET', p, opts);
	}

	// data: object, string, URLSearchParams or FormData; sent as a form
	// unless opts.json, which sends JSON.stringify(data).
	post(p, data, opts = {}) {
		const headers = { ...(opts.headers ?? {}) };
		let body;
		if (opts.json) {
			headers['content-type'] = 'application/json';
			body = JSON.stringify(data);
		} else {
			body = formBody(data);
			if (typeof body === 'string' &&
			    !Object.keys(headers).some(
				    (h) => h.toLowerCase() === 'content-type'))
				headers['content-type'] =
					'application/x-www-form-urlencoded';
		}
		return this.request(opts.method ?? 'POST', p,
			{ ...opts, headers, body });
	}

	// The CSRF token of the last HTML page fetched.
	csrf() {
		return findCsrf(this.lastHtml);
	}

	async login(login, password, opts = {}) {
		const page = await this.get('/login');
		const csrf = findCsrf(page.bodyText);
		if (!csrf)
			throw new Error(`GET /login (${page.status}) has no csrf ` +
				`field:\n${page.bodyText.slice(0, 2000)}`);
		return this.post('/login', { login, password, csrf },
			{ ...opts, origin: opts.origin ?? this.base });
	}
}

// Log in one of the server's accounts, named by login or else by role
// (the first demo user holding it); returns the client.
export async function loginAs(srv, who, opts = {}) {
	const all = [srv.accounts.admin, ...(srv.accounts.users ?? [])]
		.filter(Boolean);
	const acc = all.find((a) => a.login === who) ??
		all.find((a) => (a.roles ?? []).includes(who));
	if (!acc)
		throw new Error(`no account or role ${who}; have ${all.map(
			(a) => `${a.login} [${(a.roles ?? []).join(' ')}]`)
			.join(', ')}`);
	const c = new Client(srv.url);
	const res = await c.login(acc.login, acc.password, opts);
	if (res.status >= 400)
		throw new Error(`login ${acc.login} failed: ${res.status}\n` +
			res.bodyText.slice(0, 2000));
	return c;
}

// The first demo user holding `role`.
export function userWithRole(srv, role) {
	const u = (srv.accounts.users ?? []).find(
		(x) => (x.roles ?? []).includes(role));
	if (!u)
		throw new Error(`no demo user with role ${role}`);
	return u;
}

// Send raw bytes to the server and collect everything it answers until it
// closes the connection (or `ms` pass): for requests fetch() will not
// make (TRACE, malformed or oversized ones, several on one connection).
export function rawHttp(url, bytes, ms = 3000) {
	const { hostname, port } = new URL(url);
	return new Promise((resolve) => {
		const s = net.connect(Number(port), hostname);
		let out = '';
		s.on('data', (d) => { out += d.toString('latin1'); });
		s.on('close', () => resolve(out));
		s.on('error', () => resolve(out));
		s.setTimeout(ms, () => s.destroy());
		s.write(bytes);
	});
}
