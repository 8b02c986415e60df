// cli.test.mjs: the `fazhi` command — help, misuse, accounts, backup.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { backends, startServer, Client, fazhiBin } from './lib/harness.mjs';

function fazhi(args, opts = {}) {
	const r = spawnSync(fazhiBin(), args, { encoding: 'utf8', input: '',
		timeout: 60000, ...opts });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

const COMMANDS = ['init', 'serve', 'migrate', 'user', 'audit', 'backup',
	'demo', 'key'];

describe('fazhi command line', () => {
	it('every subcommand has --help, and misuse exits 2 with a message', () => {
		const top = fazhi(['--help']);
		assert.equal(top.code, 0);
		for (const c of COMMANDS) {
			assert.match(top.out, new RegExp(`\\b${c}\\b`));
			const h = fazhi([c, '--help']);
			assert.equal(h.code, 0, c);
			assert.match(h.out, /^usage: fazhi /, c);
			const bad = fazhi([c, '--no-such-option']);
			assert.equal(bad.code, 2, c);
			assert.match(bad.err, new RegExp(`fazhi ${c}: .*\\n.*--help`), c);
		}
		assert.equal(fazhi(['frobnicate']).code, 2);
		assert.equal(fazhi([]).code, 2);
	});

	it('init needs a named administrator and refuses to run twice', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fazhi-cli-'));
		try {
			const d = path.join(dir, 'data');
			assert.equal(fazhi(['init', '--data-dir', d]).code, 2);
			assert.equal(fazhi(['init', '--data-dir', d, '--admin',
				'Bad Name']).code, 2);
			const ok = fazhi(['init', '--data-dir', d, '--admin', 'chief',
				'--kdf-iterations', '1000']);
			assert.equal(ok.code, 0, ok.err);
			assert.match(ok.out, /^admin: chief$/m);
			assert.match(ok.out, /^password: \S{20}$/m);
			const again = fazhi(['init', '--data-dir', d, '--admin', 'x1x']);
			assert.equal(again.code, 1);
			assert.match(again.err, /already initialised/);
			const st = fs.statSync(path.join(d, 'keys'));
			assert.equal(st.mode & 0o077, 0, 'keys directory is private');
			assert.equal(fs.statSync(path.join(d, 'fazhi.db')).mode & 0o077, 0);
			const m = fazhi(['migrate', '--data-dir', d]);
			assert.equal(m.code, 0);
			assert.match(m.out, /up to date/);
			const nodir = fazhi(['user', 'list', '--data-dir',
				path.join(dir, 'none')]);
			assert.equal(nodir.code, 1);
			assert.match(nodir.err, /not a Fazhi data directory/);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

for (const backend of backends()) {
describe(`fazhi user, backup (${backend})`, () => {
	let srv;
	before(async () => { srv = await startServer({ backend }); });
	after(async () => { await srv?.stop(); });

	it('manages accounts from the shell, audited', async () => {
		const add = srv.run(['user', 'add', 'wang.wu', '--name', '王五',
			'--dept', 'jfj', '--role', 'clerk']);
		assert.equal(add.code, 0, add.stderr);
		const pw = /^password: (\S+)$/m.exec(add.stdout)[1];
		const list = srv.run(['user', 'list']);
		assert.match(list.stdout, /wang\.wu\s+staff\s+jfj\s+active\s+王五/);
		// The new account must change its password at first login.
		const c = new Client(srv.url);
		const r = await c.login('wang.wu', pw);
		assert.equal(r.headers.get('location'), '/account/password');
		assert.equal(srv.run(['user', 'grant', 'wang.wu', 'auditadmin']).code,
			1, 'an administrator role on a staff account is refused');
		assert.equal(srv.run(['user', 'grant', 'wang.wu', 'nosuch']).code, 2);
		assert.equal(srv.run(['user', 'grant', 'wang.wu', 'dept_head']).code, 0);
		assert.equal(srv.run(['user', 'revoke', 'wang.wu', 'dept_head']).code, 0);
		assert.equal(srv.run(['user', 'disable', 'wang.wu']).code, 0);
		assert.match(srv.run(['user', 'list']).stdout, /wang\.wu.*disabled/);
		assert.equal((await new Client(srv.url).login('wang.wu', pw)).status,
			401);
		assert.equal(srv.run(['user', 'enable', 'wang.wu']).code, 0);
		const reset = srv.run(['user', 'reset-password', 'wang.wu']);
		assert.equal(reset.code, 0);
		assert.notEqual(/^password: (\S+)$/m.exec(reset.stdout)[1], pw);
		assert.equal(srv.run(['user', 'disable', 'nobody']).code, 1);
		assert.equal(srv.run(['user', 'add', 'x']).code, 2, '--name missing');
		const tok = srv.run(['user', 'token', 'wang.wu', '对接系统']);
		assert.equal(tok.code, 0, tok.stderr);
		const bearer = /^token: (fzt_[0-9a-f]{64})$/m.exec(tok.stdout)[1];
		const me = await fetch(srv.url + '/api/v1/me', { headers:
			{ authorization: `Bearer ${bearer}` } });
		assert.equal(me.status, 403, 'password must still be changed');
		const v = srv.run(['audit', 'verify']);
		assert.equal(v.code, 0, v.stdout + v.stderr);
	});

	it('backup makes a consistent copy (SQLite) or points to pg_dump', () => {
		const out = path.join(srv.dataDir, 'copy.db');
		const b = srv.run(['backup', '--output', out]);
		if (backend === 'pg') {
			assert.equal(b.code, 1);
			assert.match(b.stderr, /pg_dump/);
			return;
		}
		assert.equal(b.code, 0, b.stderr);
		const check = spawnSync('sqlite3', [out, 'PRAGMA integrity_check;'],
			{ encoding: 'utf8' });
		assert.equal(check.stdout.trim(), 'ok');
		const n = (f) => spawnSync('sqlite3', [f,
			"SELECT COUNT(*) FROM users"], { encoding: 'utf8' }).stdout.trim();
		assert.equal(n(out), n(srv.dbUrl.slice(7)));
		assert.equal(srv.run(['backup', '--output', out]).code, 1,
			'never overwrites');
	});
});
}
