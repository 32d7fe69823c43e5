import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertRouteRoleMatrix } from '../operators/index.js';
import { FixedClock, silentLogger } from '../kernel/index.js';
import { buildFleetward, type Fleetward } from './build.js';
import { configFrom } from './config.js';

describe('the composed server (buildFleetward, in memory)', () => {
  let fw: Fleetward;
  const tokens = { viewer: '', operator: '', admin: '' };

  before(async () => {
    // no data dir: store, master key and CA live in memory and die with the test
    fw = await buildFleetward(
      { ...configFrom({}, {}), dataDir: undefined },
      {
        clock: new FixedClock('2026-11-01T00:00:00Z'),
        log: silentLogger,
        env: {},
      },
    );
    const admin = await fw.operators.bootstrapAdmin();
    assert.ok(admin);
    tokens.admin = admin.token;
    for (const role of ['viewer', 'operator'] as const) {
      const password = `correct horse ${role} staple 42`;
      await fw.operators.createOperator('system', { username: `${role}1`, password, role });
      tokens[role] = (await fw.operators.login({ username: `${role}1`, password, source: '127.0.0.1' })).token;
    }
    await fw.http.app.ready();
  });
  after(async () => {
    await fw.gateway.close();
    await fw.http.app.close();
    await fw.store.close();
  });

  it('answers every route × role exactly as its declared access says', async () => {
    const checked = await assertRouteRoleMatrix(fw.http, tokens);
    assert.ok(checked >= 20, `only ${checked} routes with a role`);
  });

  it('declares access on every route, public ones with a reason', () => {
    for (const route of fw.http.routes) {
      if ('public' in route.access) assert.ok(route.access.public.length > 5, `${route.method} ${route.url}`);
    }
    const publicRoutes = fw.http.routes.filter((r) => 'public' in r.access).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(publicRoutes.sort(), [
      'GET /.well-known/est/cacerts',
      'GET /api/openapi.json',
      'GET /healthz',
      'GET /pki/ca.pem',
      'GET /pki/crl',
      'GET /privacy/:model',
      'GET /tuf/metadata/:name',
      'GET /tuf/targets/:name',
      'POST /.well-known/est/simpleenroll',
      'POST /.well-known/est/simplereenroll',
      'POST /api/v1/auth/login',
    ]);
  });

  it('serves an OpenAPI document that lists every route with its role', async () => {
    const res = await fw.http.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-fleetward-role'?: string }>>;
    };
    assert.match(doc.openapi, /^3\.1/);
    for (const route of fw.http.routes) {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      assert.ok(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} in OpenAPI`);
    }
  });

  it('refuses unknown body properties instead of dropping them (FW_REQUEST_INVALID)', async () => {
    const res = await fw.http.app.inject({
      method: 'POST',
      url: '/api/v1/claims',
      headers: { authorization: `Bearer ${tokens.operator}` },
      payload: { model: 'plug', uses: 1, admin: true },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'FW_REQUEST_INVALID');
  });

  it('answers an unknown route with FW_ROUTE_NOT_FOUND', async () => {
    const res = await fw.http.app.inject({ method: 'GET', url: '/api/v1/nope' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'FW_ROUTE_NOT_FOUND');
  });
});
