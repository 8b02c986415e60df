// source_lint.test.mjs: rules the source tree itself must keep.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/harness.mjs';

function sources(dir = path.join(ROOT, 'src')) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory())
			out.push(...sources(p));
		else if (/\.[ch]$/.test(e.name))
			out.push(p);
	}
	return out;
}

// Source without comments and string literals, line numbers kept.
function code(file) {
	return fs.readFileSync(file, 'utf8')
		.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
		.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
}

function hits(re, filter = () => true) {
	const found = [];
	for (const f of sources().filter(filter)) {
		code(f).split('\n').forEach((line, i) => {
			if (re.test(line))
				found.push(`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
		});
	}
	return found;
}

const rel = (f) => path.relative(ROOT, f);

describe('source rules', () => {
	it('AU-09 randomness only from the CSPRNG (no rand, srand, random)', () => {
		assert.deepEqual(hits(/\b(s?rand|random|drand48|lrand48)\s*\(/), []);
	});

	it('WB-02 SQL engines are reached only through the store backends', () => {
		const backend = (f) => !/src\/store\/(sqlite|pg)\.c$/.test(rel(f));
		assert.deepEqual(hits(/\bsqlite3_\w+\s*\(|\bPQ\w+\s*\(/, backend), []);
		assert.deepEqual(hits(/#include\s*<(sqlite3|libpq-fe)\.h>/, backend),
			[]);
	});

	it('WB-02 SQL text is never built with printf', () => {
		const src = sources().map((f) => fs.readFileSync(f, 'utf8'))
			.join('\n');
		assert.doesNotMatch(src,
			/printf\s*\([^;]*"\s*(SELECT|INSERT|UPDATE|DELETE)\b/i);
		// Statements without parameters run unformatted text only.
		for (const line of hits(/sqlite3_exec\s*\(|PQexec\s*\(/))
			assert.doesNotMatch(line, /printf|asprintf/, line);
	});

	it('only the crypto module includes OpenSSL', () => {
		const outside = (f) => !rel(f).startsWith('src/crypto/');
		assert.deepEqual(hits(/#include\s*<openssl\//, outside), []);
	});

	it('banned unsafe C calls are absent', () => {
		assert.deepEqual(hits(/\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|localtime|gmtime|ctime|asctime)\s*\(/), []);
	});
});
