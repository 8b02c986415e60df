// fixtures.mjs: what tests make for the forms they fill in — resident ID
// numbers and unified social credit codes with valid check characters,
// multipart bodies, days on a test server's clock, due dates by its
// official calendar.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fazhiBin } from './harness.mjs';

// A resident ID number with its MOD 11-2 check character.
export function idNumber(first17) {
	const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	let sum = 0;
	for (let i = 0; i < 17; i++)
		sum += Number(first17[i]) * w[i];
	return first17 + '10X98765432'[sum % 11];
}

// A unified social credit code with its GB 32100 check character,
// computed here independently of the server.
export function uscc(first17) {
	const a = '0123456789ABCDEFGHJKLMNPQRTUWXY';
	let sum = 0, w = 1;
	for (let i = 0; i < 17; i++) {
		sum += a.indexOf(first17[i]) * w;
		w = w * 3 % 31;
	}
	return first17 + a[(31 - sum % 31) % 31];
}

// A multipart body: `fields` (an array value is sent once per element)
// and `files` as [field, file name, bytes].
export function form(fields, files = []) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields))
		for (const one of Array.isArray(v) ? v : [v])
			fd.append(k, one);
	for (const [field, name, bytes] of files)
		fd.append(field, new Blob([bytes]), name);
	return fd;
}

// A day in China Standard Time, `days` from the server's today.
export function day(srv, days = 0) {
	return new Date(Date.now() + (8 * 3600 + srv.clock() + days * 86400) *
		1000).toISOString().slice(0, 10);
}

// `n` working days after `start` by the official calendar of the
// server's data directory (the CLI shares the engine's counting).
export function workingDue(srv, start, n) {
	const r = spawnSync(fazhiBin(), ['calendar', 'due', start, String(n),
		'--working', '--data-dir', srv.dataDir], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return r.stdout.split('\n')[0].trim();
}
