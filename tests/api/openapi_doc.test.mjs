// openapi_doc.test.mjs: GET /api/openapi.json is sound JSON whose every
// reference resolves, and what it says is what the server does: every
// field a described GET answers with is named by its schema (the account
// and audit answers carry every field their schemas name, too), the role
// an operation's description names may call it and another may not, and
// the codes it names for a refusal are the ones that come back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, loginAs } from './lib/harness.mjs';

// Described GETs, the role to call them as, a role that must get 403
// (null: none to try), and whether the answer must carry every field the
// schema names (the account and audit answers always do).
const CALLS = [
	{ path: '/api/v1/me', as: 'clerk', exact: true },
	{ path: '/api/v1/me', as: 'auditadmin', exact: true },
	{ path: '/api/v1/users', as: 'sysadmin', denied: 'auditadmin',
		exact: true },
	{ path: '/api/v1/departments', as: 'sysadmin', denied: 'clerk',
		exact: true },
	{ path: '/api/v1/audit', as: 'auditadmin', denied: 'sysadmin',
		exact: true },
	{ path: '/api/v1/cases', as: 'petition_officer', denied: 'sysadmin' },
	{ path: '/api/v1/publications', as: 'ogi_officer',
		denied: 'auditadmin' },
];

describe('the OpenAPI document says what the server does', () => {
	let srv, doc;
	const clients = {};
	const as = async (role) => (clients[role] ??= await loginAs(srv, role));

	before(async () => {
		srv = await startServer({});
		const r = await new Client(srv.url).get('/api/openapi.json');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /application\/json/);
		doc = JSON.parse(r.bodyText);
	});
	after(() => srv?.stop());

	// "#/components/schemas/Case" -> the object it points at.
	function pointer(ref) {
		assert.ok(ref.startsWith('#/'), ref);
		let at = doc;
		for (const part of ref.slice(2).split('/')) {
			const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
			assert.ok(at && typeof at === 'object' && key in at,
				`${ref} does not resolve`);
			at = at[key];
		}
		return at;
	}
	const deref = (x) => (x?.$ref ? deref(pointer(x.$ref)) : x);

	// The properties a schema names, through references and allOf.
	function properties(schema) {
		const s = deref(schema);
		const out = { ...(s.properties ?? {}) };
		for (const part of s.allOf ?? [])
			Object.assign(out, properties(part));
		return out;
	}

	// Every key of `value` is named by `schema`, down through objects and
	// arrays; with `exact`, `value` and its array items carry every name.
	function conforms(value, schema, where, exact) {
		const s = deref(schema);
		if (value === null || typeof value !== 'object')
			return;
		if (Array.isArray(value)) {
			if (s.items)
				value.forEach((v, i) => conforms(v, s.items,
					`${where}[${i}]`, exact));
			return;
		}
		const props = properties(s);
		if (!Object.keys(props).length)
			return;		// a free-form object
		for (const [k, v] of Object.entries(value)) {
			assert.ok(k in props, `${where}.${k}: not in the schema`);
			conforms(v, props[k], `${where}.${k}`, exact);
		}
		if (exact)
			for (const k of Object.keys(props))
				assert.ok(k in value, `${where}.${k}: named by the ` +
					'schema, missing from the answer');
	}

	it('every reference resolves, every error is an Error', () => {
		const walk = (x) => {
			if (!x || typeof x !== 'object')
				return;
			if (typeof x.$ref === 'string')
				pointer(x.$ref);
			Object.values(x).forEach(walk);
		};
		walk(doc);
		for (const [p, item] of Object.entries(doc.paths))
			for (const [m, op] of Object.entries(item))
				for (const [status, res] of Object.entries(
					op.responses)) {
					if (!/^[45]/.test(status))
						continue;
					const r = deref(res);
					assert.ok(r.description, `${m} ${p} ${status}`);
					assert.equal(r.content['application/json'].schema
						.$ref, '#/components/schemas/Error',
						`${m} ${p} ${status}`);
				}
		assert.ok(deref({ $ref: '#/components/schemas/Role' }).enum
			.includes('auditadmin'));
	});

	for (const { path, as: role, denied, exact } of CALLS)
		it(`GET ${path} as ${role}`, async () => {
			const op = doc.paths[path].get;
			const schema = op.responses['200']
				.content['application/json'].schema;
			const r = await (await as(role)).get(path);
			assert.equal(r.status, 200, r.bodyText);
			const body = await r.json();
			conforms(body, schema, path, exact);
			if (!denied)
				return;
			if (exact)
				assert.match(op.description, new RegExp(`（${role}）`),
					'the description names the role');
			const no = await (await as(denied)).get(path);
			assert.equal(no.status, 403, `${denied}: ${no.bodyText}`);
			assert.ok(op.responses['403']);
			assert.equal((await no.json()).error.code, 'forbidden');
		});

	it('cases and a publication as the schema names them', async () => {
		// The demo's cases are all closed; only an open one lists
		// duplicates, so register one (twice, to have a duplicate).
		const c = await as('petition_officer');
		await c.get('/');
		const create = doc.paths['/api/v1/cases'].post;
		for (let i = 0; i < 2; i++) {
			const r = await c.post('/api/v1/cases', { procedure: 'hotline',
				fields: { request_type: 'help', channel: 'phone',
					title: '求助', content: '老人走失' },
				petitioner: { phone: '13744445555' } },
			{ json: true, headers: { 'x-csrf-token': c.csrf() } });
			assert.equal(r.status, 201, r.bodyText);
			conforms(await r.json(), create.responses['201']
				.content['application/json'].schema, 'created', false);
		}
		for (const [list, q, key, role] of [
			['/api/v1/cases', '?procedure=petition', 'cases',
				'petition_officer'],
			['/api/v1/cases', '?open=1&page_size=1', 'cases',
				'petition_officer'],
			['/api/v1/publications', '', 'publications',
				'ogi_officer']]) {
			const who = await as(role);
			const one = (await (await who.get(list + q)).json())[key][0];
			assert.ok(one, `${list}${q}: none listed`);
			const path = `${list}/${one.id}`;
			const r = await who.get(path);
			assert.equal(r.status, 200, r.bodyText);
			conforms(await r.json(), doc.paths[`${list}/{id}`].get
				.responses['200'].content['application/json'].schema,
			path, false);
		}
	});

	it('POST /api/v1/users answers as described', async () => {
		const op = doc.paths['/api/v1/users'].post;
		const a = await as('sysadmin');
		await a.get('/');
		const post = (body) => a.post('/api/v1/users', body,
			{ json: true, headers: { 'x-csrf-token': a.csrf() } });
		const spec = { login: 'doc.check', display_name: '文档核对',
			department_id: null, kind: 'staff',
			roles: ['clerk', 'legal_adviser'] };
		// every field the request schema names is taken
		assert.deepEqual(Object.keys(spec).sort(), Object.keys(properties(
			op.requestBody.content['application/json'].schema)).sort());
		const made = await post(spec);
		assert.equal(made.status, 201, made.bodyText);
		conforms(await made.json(), op.responses['201']
			.content['application/json'].schema, 'created', true);
		const list = await (await a.get('/api/v1/users?q=doc.check'))
			.json();
		assert.deepEqual(list.users[0].roles, spec.roles);
		for (const [body, status, code] of [
			[spec, 409, 'login_taken'],
			[{ ...spec, login: 'doc.two', extra: 1 }, 400,
				'unknown_field'],
			[{ ...spec, login: 'doc.three', roles: ['nobody'] }, 400,
				'bad_role'],
			[{ ...spec, login: 'doc.four', roles: ['sysadmin'] }, 400,
				'roles_conflict']]) {
			const r = await post(body);
			assert.equal(r.status, status, r.bodyText);
			assert.ok(op.responses[String(status)], `${status}`);
			const got = (await r.json()).error.code;
			assert.equal(got, code);
			assert.match(op.description, new RegExp(got));
		}
	});

	it('GET /api/v1/audit refuses as described', async () => {
		const op = doc.paths['/api/v1/audit'].get;
		const au = await as('auditadmin');
		for (const [q, code] of [['outcome=maybe', 'bad_filter'],
			['from=2026-02-30', 'bad_filter'],
			['size=201', 'bad_filter'], ['page=99999', 'bad_page']]) {
			const r = await au.get(`/api/v1/audit?${q}`);
			assert.equal(r.status, 400, q);
			assert.equal((await r.json()).error.code, code, q);
			assert.match(op.responses['400'].description,
				new RegExp(code));
		}
		const names = op.parameters.map((x) => x.name).sort();
		assert.deepEqual(names, ['action', 'actor', 'actor_exact', 'from',
			'object', 'outcome', 'page', 'size', 'to', 'upto']);
		// upto pins the list: a later view does not move page one
		const first = await (await au.get('/api/v1/audit?size=5')).json();
		const again = await (await au.get(
			`/api/v1/audit?size=5&upto=${first.upto}`)).json();
		assert.deepEqual(again.entries.map((e) => e.seq),
			first.entries.map((e) => e.seq));
	});
});
