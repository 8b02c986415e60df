// sql.mjs: raw SQL against a test server's database, the way an operator
// (or an attacker with file access) would reach it: the sqlite3 and psql
// command-line clients.  Used to check what is stored and to tamper.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

export function sql(srv, query) {
	const isPg = srv.dbUrl.startsWith('postgres');
	const r = isPg
		? spawnSync('psql', [srv.dbUrl, '-X', '-q', '-A', '-t', '-v',
			'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' })
		// The server may be writing (a batch of visit counts, the
		// sweep): wait for its lock as it waits for others', rather
		// than fail at once with "database is locked".
		: spawnSync('sqlite3', ['-batch', '-bail', '-cmd',
			'.timeout 10000', srv.dbUrl.replace(/^sqlite:/, ''),
			query],
			{ encoding: 'utf8' });
	return { code: r.status, out: (r.stdout ?? '').trim(),
		err: (r.stderr ?? '').trim() };
}

// sql() that must succeed: its output, or a failed assertion naming the
// statement and the client's complaint.
export function sqlOut(srv, query) {
	const r = sql(srv, query);
	assert.equal(r.code, 0, `${query}\n${r.err}`);
	return r.out;
}

// `s` as an SQL string literal (both backends double the quote).
export const sqlQuote = (s) => `'${String(s).replace(/'/g, "''")}'`;

// The statements that remove the append-only guard of the audit tables.
export function dropAuditGuards(srv) {
	const isPg = srv.dbUrl.startsWith('postgres');
	const q = isPg
		? 'DROP TRIGGER audit_log_append_only ON audit_log; ' +
		  'DROP TRIGGER audit_cp_append_only ON audit_checkpoints;'
		: 'DROP TRIGGER audit_log_no_update; ' +
		  'DROP TRIGGER audit_log_no_delete; ' +
		  'DROP TRIGGER audit_cp_no_update; ' +
		  'DROP TRIGGER audit_cp_no_delete;';
	const r = sql(srv, q);
	if (r.code !== 0)
		throw new Error(`cannot drop guards: ${r.err}`);
}

// Everything in the database as text (for "no plaintext stored" checks).
export function dump(srv) {
	const isPg = srv.dbUrl.startsWith('postgres');
	const r = isPg
		? spawnSync('pg_dump', ['--data-only', srv.dbUrl],
			{ encoding: 'utf8', maxBuffer: 1 << 28 })
		: spawnSync('sqlite3', [srv.dbUrl.replace(/^sqlite:/, ''),
			'.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
	if (r.status !== 0)
		throw new Error(`dump failed: ${r.stderr}`);
	return r.stdout;
}
