// openapi_cover.test.mjs: GET /api/openapi.json describes every /api/
// route of the route table (src/http/routes.c), and nothing that is not
// one: each operation with its path parameters, a body for a write, and
// its error responses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, Client } from './lib/harness.mjs';

// The document itself, the one route it need not describe.
const SELF = 'GET /api/openapi.json';

// "METHOD /api/..." of every row of the route table, "{}" for a parameter.
function apiRoutes() {
	const src = fs.readFileSync(path.join(ROOT, 'src', 'http', 'routes.c'),
		'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
	const re = /\{\s*(GET|POST|PUT|PATCH|DELETE)\s*,\s*"(\/api\/[^"]*)"/g;
	return [...src.matchAll(re)].map((m) => `${m[1]} ${m[2]}`);
}

// The document's paths with their parameters as "{}", e.g.
// "/api/v1/cases/{}/actions/{}" for "/api/v1/cases/{id}/actions/{action}".
const shape = (p) => p.replace(/\{[^}]+\}/g, '{}');

describe('the OpenAPI document covers the API', () => {
	let srv, doc;
	before(async () => {
		srv = await startServer({});
		const r = await new Client(srv.url).get('/api/openapi.json');
		assert.equal(r.status, 200);
		doc = await r.json();
	});
	after(() => srv?.stop());

	function operations() {
		const ops = new Map();
		for (const [p, item] of Object.entries(doc.paths))
			for (const [m, op] of Object.entries(item))
				ops.set(`${m.toUpperCase()} ${shape(p)}`, { p, op });
		return ops;
	}

	it('every /api/ route is described, and only those', () => {
		const routes = apiRoutes();
		const ops = operations();
		assert.ok(routes.length >= 10, routes.join('\n'));
		const missing = routes.filter((r) => r !== SELF && !ops.has(r));
		assert.deepEqual(missing, [], 'not in the document');
		const stale = [...ops.keys()].filter((o) => !routes.includes(o));
		assert.deepEqual(stale, [], 'in the document, not a route');
	});

	it('each operation names its parameters, body and errors', () => {
		const params = (op) => (op.parameters ?? []).map((x) => x.$ref ?
			doc.components.parameters[x.$ref.split('/').pop()] : x);
		for (const [key, { p, op }] of operations()) {
			assert.ok(op.operationId && op.summary, key);
			const inPath = params(op).filter((x) => x.in === 'path')
				.map((x) => x.name).sort();
			const wanted = [...p.matchAll(/\{([^}]+)\}/g)]
				.map((m) => m[1]).sort();
			assert.deepEqual(inPath, wanted, `${key}: path parameters`);
			if (key.startsWith('POST '))
				assert.ok(op.requestBody?.required, `${key}: body`);
			const ok = Object.keys(op.responses).filter((s) => /^2/.test(s));
			const errs = Object.keys(op.responses).filter((s) =>
				/^[45]/.test(s));
			assert.equal(ok.length, 1, `${key}: one success`);
			assert.ok(errs.length > 0, `${key}: error responses`);
		}
	});

	it('the publication API with its refusals', () => {
		const act = doc.paths['/api/v1/publications/{id}/actions/{action}']
			.post;
		assert.match(act.description, /findings_unresolved/);
		assert.ok(act.responses['409'] && act.responses['404']);
		const list = doc.paths['/api/v1/publications'].get;
		const page = list.parameters.find((x) => x.name === 'page');
		assert.deepEqual([page.schema.minimum, page.schema.maximum],
			[1, 100000]);
		assert.match(list.responses['400'].description, /bad_filter/);
		const resolve = doc.paths[
			'/api/v1/publications/{id}/findings/{finding}'].post;
		assert.deepEqual(resolve.requestBody.content['application/json']
			.schema.properties.resolution.enum, ['redacted', 'justified']);
		assert.ok(doc['x-procedures'].publication.actions.some(
			(x) => x.id === 'publish'));
		// every reference resolves
		const refs = JSON.stringify(doc).match(/"#\/components\/[^"]+"/g);
		for (const ref of refs) {
			const [, , kind, name] = JSON.parse(ref).split('/');
			assert.ok(doc.components[kind]?.[name], ref);
		}
	});
});
