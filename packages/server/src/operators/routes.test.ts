import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildHttp, buildOpenApi, openApiRoutes, type Http } from '../api/index.js';
import { auditRoutes, createAuditLog } from '../audit/index.js';
import { FixedClock, FleetEvents, silentLogger } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { assertRouteRoleMatrix, createOperators, type MatrixTokens, type Operators } from './index.js';

const GOOD = 'violet-harbor-47-lantern';

describe('operator routes over HTTP', () => {
  let store: Store;
  let http: Http;
  let ops: Operators;
  let tokens: MatrixTokens;
  const clock = new FixedClock('2026-02-01T08:00:00.000Z');

  async function call(method: 'GET' | 'POST' | 'DELETE', url: string, token?: string, body?: object) {
    const res = await http.app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body ? { payload: body } : {}),
    });
    return {
      status: res.statusCode,
      body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {},
      headers: res.headers,
    };
  }

  before(async () => {
    store = await openStore();
    const audit = createAuditLog(store, clock);
    ops = createOperators({ store, clock, events: new FleetEvents(), log: silentLogger, audit });
    http = buildHttp({ log: silentLogger, authenticate: ops.authenticateToken });
    await http.app.register(ops.routes);
    await http.app.register(auditRoutes(audit, store));
    await http.app.register(openApiRoutes(http.routes));
    await http.app.ready();
    const boot = await ops.bootstrapAdmin();
    assert.ok(boot);
    const admin = await ops.authenticateToken(boot.token);
    assert.ok(admin);
    const make = async (role: 'viewer' | 'operator') => {
      await ops.createOperator(admin, { username: `${role}1`, password: GOOD, role });
      return (await ops.login({ username: `${role}1`, password: GOOD, source: '127.0.0.1' })).token;
    };
    tokens = { admin: boot.token, operator: await make('operator'), viewer: await make('viewer') };
  });
  after(async () => {
    await http.app.close();
    await store.close();
  });

  it('logs in with POST /api/v1/auth/login and answers whoami', async () => {
    const login = await call('POST', '/api/v1/auth/login', undefined, { username: 'viewer1', password: GOOD });
    assert.equal(login.status, 200);
    assert.equal(login.body.role, 'viewer');
    const who = await call('GET', '/api/v1/auth/whoami', login.body.token as string);
    assert.equal(who.status, 200);
    assert.equal(who.body.username, 'viewer1');
  });

  it('answers 401 FW_LOGIN_FAILED, then 429 FW_LOGIN_LOCKED with Retry-After', async () => {
    for (let i = 0; i < 5; i += 1) {
      const r = await call('POST', '/api/v1/auth/login', undefined, { username: 'operator1', password: 'not-it' });
      assert.deepEqual([r.status, (r.body.error as { code: string }).code], [401, 'FW_LOGIN_FAILED']);
    }
    const locked = await call('POST', '/api/v1/auth/login', undefined, { username: 'operator1', password: GOOD });
    assert.equal(locked.status, 429);
    assert.equal((locked.body.error as { code: string }).code, 'FW_LOGIN_LOCKED');
    assert.equal(locked.headers['retry-after'], '900');
    clock.advance(15 * 60_000);
  });

  it('refuses a body that breaks the schema with 400 FW_REQUEST_INVALID', async () => {
    const r = await call('POST', '/api/v1/operators', tokens.admin, { username: 'eve', password: GOOD, role: 'root' });
    assert.deepEqual([r.status, (r.body.error as { code: string }).code], [400, 'FW_REQUEST_INVALID']);
    const missing = await call('POST', '/api/v1/auth/login', undefined, { username: 'eve' });
    assert.deepEqual([missing.status, (missing.body.error as { code: string }).code], [400, 'FW_REQUEST_INVALID']);
  });

  it('creates, lists and revokes tokens; a revoked token gets 401', async () => {
    const created = await call('POST', '/api/v1/tokens', tokens.admin, { name: 'ci', role: 'operator' });
    assert.equal(created.status, 201);
    const list = await call('GET', '/api/v1/tokens', tokens.admin);
    assert.ok((list.body as unknown as Array<{ id: string }>).some((t) => t.id === created.body.id));
    assert.ok(!JSON.stringify(list.body).includes((created.body.token as string).split('.')[1] as string));
    assert.equal((await call('GET', '/api/v1/auth/whoami', created.body.token as string)).status, 200);
    assert.equal((await call('DELETE', `/api/v1/tokens/${created.body.id as string}`, tokens.admin)).status, 204);
    assert.equal((await call('GET', '/api/v1/auth/whoami', created.body.token as string)).status, 401);
  });

  it('creates an operator with 201 and refuses a Mirai password with FW_PASSWORD_KNOWN_BAD', async () => {
    const bad = await call('POST', '/api/v1/operators', tokens.admin, {
      username: 'dave',
      password: '7ujMko0admin',
      role: 'viewer',
    });
    assert.deepEqual([bad.status, (bad.body.error as { code: string }).code], [400, 'FW_PASSWORD_KNOWN_BAD']);
    const ok = await call('POST', '/api/v1/operators', tokens.admin, {
      username: 'dave',
      password: GOOD,
      role: 'viewer',
    });
    assert.equal(ok.status, 201);
    const pw = await call('POST', `/api/v1/operators/${ok.body.id as string}/password`, tokens.admin, {
      password: 'quiet-meadow-88-copper',
    });
    assert.equal(pw.status, 204);
    assert.equal((await call('DELETE', `/api/v1/operators/${ok.body.id as string}`, tokens.admin)).status, 204);
  });

  it('audits every operator action in a chain that verifies', async () => {
    const page = await call('GET', '/api/v1/audit?limit=1000', tokens.admin);
    assert.equal(page.status, 200);
    const actions = new Set((page.body.entries as Array<{ action: string }>).map((e) => e.action));
    for (const a of [
      'operator.create',
      'operator.delete',
      'operator.password',
      'operator.login',
      'operator.login.failed',
      'operator.lockout',
      'token.create',
      'token.revoke',
    ]) {
      assert.ok(actions.has(a), a);
    }
    assert.ok(!JSON.stringify(page.body).includes(GOOD));
    const verify = await call('GET', '/api/v1/audit/verify', tokens.admin);
    assert.deepEqual(verify.body, { ok: true, entries: (page.body.entries as unknown[]).length });
  });

  it('answers every role route exactly by roleAtLeast (route × role matrix)', async () => {
    const checked = await assertRouteRoleMatrix(http, tokens);
    assert.equal(checked, http.routes.filter((r) => 'role' in r.access).length);
    assert.ok(checked >= 10);
    // the sweep had no side effects: the tokens still work
    assert.equal((await call('GET', '/api/v1/auth/whoami', tokens.viewer)).status, 200);
  });

  it('serves OpenAPI 3.1 at /api/openapi.json without a token, with roles and bearer security', async () => {
    const doc = await call('GET', '/api/openapi.json');
    assert.equal(doc.status, 200);
    assert.deepEqual(doc.body, JSON.parse(JSON.stringify(buildOpenApi(http.routes))));
    assert.equal(doc.body.openapi, '3.1.0');
    const paths = doc.body.paths as Record<string, Record<string, Record<string, unknown>>>;
    assert.equal(paths['/api/v1/tokens/{id}']?.delete?.['x-fleetward-role'], 'admin');
    assert.deepEqual(paths['/api/v1/tokens/{id}']?.delete?.security, [{ bearer: [] }]);
    assert.equal(paths['/api/v1/auth/login']?.post?.['x-fleetward-role'], 'public');
    assert.deepEqual(paths['/api/v1/auth/login']?.post?.security, []);
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) assert.ok(op['x-fleetward-role'], `${method} ${path}`);
    }
  });
});
