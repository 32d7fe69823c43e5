import * as assert from 'node:assert/strict';
import { roleAtLeast, ROLES, type Http, type Role } from '../api/index.js';

/** A valid API token of each role, for the matrix. */
export type MatrixTokens = Readonly<Record<Role, string>>;

/** Well-formed but unknown. */
const BAD_TOKEN = `fwt_${'A'.repeat(16)}.${'B'.repeat(43)}`;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sampleUrl(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, 'route-matrix').replace(/\*/g, 'route-matrix');
}

function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } } | null)?.error?.code;
  } catch {
    return undefined; // not JSON: a successful answer of some other type
  }
}

/**
 * The route × role matrix: for every registered route with a role, asks with no token, a bad
 * token, and a token of each role, and asserts that access control answers exactly as
 * `roleAtLeast` says — 401 FW_AUTH_REQUIRED, 401 FW_AUTH_TOKEN_INVALID, 403
 * FW_AUTH_ROLE_INSUFFICIENT, and neither 401 nor 403 for the roles allowed. Requests with a
 * body carry an unsupported content type, so an allowed request stops at 415 after access
 * control and before the handler: no side effects (logout, revoke …) during the sweep. GET
 * handlers do run. Returns the number of routes checked; covers routes registered later too.
 */
export async function assertRouteRoleMatrix(http: Http, tokens: MatrixTokens): Promise<number> {
  let checked = 0;
  for (const route of http.routes) {
    if (!('role' in route.access)) continue;
    const need = route.access.role;
    const where = `${route.method} ${route.url}`;
    const ask = async (token: string | undefined) => {
      const res = await http.app.inject({
        method: route.method as 'GET',
        url: sampleUrl(route.url),
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(BODY_METHODS.has(route.method) ? { 'content-type': 'application/x-fleetward-route-matrix' } : {}),
        },
        ...(BODY_METHODS.has(route.method) ? { payload: 'x' } : {}),
      });
      return { status: res.statusCode, code: errorCode(res.body) };
    };
    assert.deepEqual(await ask(undefined), { status: 401, code: 'FW_AUTH_REQUIRED' }, `${where} without a token`);
    assert.deepEqual(await ask(BAD_TOKEN), { status: 401, code: 'FW_AUTH_TOKEN_INVALID' }, `${where} with a bad token`);
    for (const role of ROLES) {
      const got = await ask(tokens[role]);
      if (roleAtLeast(role, need)) {
        assert.ok(
          got.status !== 401 && got.status !== 403,
          `${where} as ${role} (needs ${need}): ${got.status} ${got.code}`,
        );
      } else {
        assert.deepEqual(
          got,
          { status: 403, code: 'FW_AUTH_ROLE_INSUFFICIENT' },
          `${where} as ${role} (needs ${need})`,
        );
      }
    }
    checked += 1;
  }
  return checked;
}
