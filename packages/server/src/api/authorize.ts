import type { FastifyInstance, FastifyRequest } from 'fastify';
import { serverError } from '../errors.js';
import { roleAtLeast, type Access, type TokenAuthenticator } from './access.js';

export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
  readonly schema?: unknown;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_.~+/=-]{1,512})$/.exec(header);
  return match?.[1];
}

/**
 * Deny by default: every route must declare `config.access`, and a route with a role
 * answers only to a valid operator token of at least that role. Collects the routes, for
 * the OpenAPI document and the route × role test.
 */
export function installAccessControl(app: FastifyInstance, authenticate: TokenAuthenticator): RouteInfo[] {
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) {
      throw serverError('FW_ROUTE_ACCESS_UNDECLARED', `route ${String(route.method)} ${route.url} declares no access`);
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, access, schema: route.schema });
    }
  });
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access) {
      // only the not-found handler has no config: nothing to protect
      return;
    }
    if ('public' in access) return;
    const token = bearer(request);
    if (!token) throw serverError('FW_AUTH_REQUIRED', 'this route needs an operator API token');
    const principal = await authenticate(token);
    if (!principal) throw serverError('FW_AUTH_TOKEN_INVALID', 'unknown, expired or revoked token');
    if (!roleAtLeast(principal.role, access.role)) {
      throw serverError('FW_AUTH_ROLE_INSUFFICIENT', `this route needs the ${access.role} role`);
    }
    request.principal = principal;
  });
  return routes;
}
