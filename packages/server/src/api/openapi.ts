import type { FastifyInstance } from 'fastify';
import type { RouteInfo } from './authorize.js';

interface RouteSchema {
  summary?: string;
  description?: string;
  body?: unknown;
  params?: { properties?: Record<string, unknown>; required?: string[] };
  querystring?: { properties?: Record<string, unknown>; required?: string[] };
  response?: Record<string, unknown>;
}

const errorBody = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: { code: { type: 'string', pattern: '^FW_[A-Z0-9_]+$' }, message: { type: 'string' } },
    },
  },
} as const;

/** `/api/v1/tokens/:id` → `/api/v1/tokens/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{wildcard}');
}

function operationId(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((p) => p && p !== 'api' && p !== 'v1')
    .map((p) =>
      p.replace(/^:/, 'by-').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
    );
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

function parameters(schema: RouteSchema, url: string) {
  const out: object[] = [];
  const pathNames = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  for (const name of pathNames) {
    out.push({ name, in: 'path', required: true, schema: schema.params?.properties?.[name] ?? { type: 'string' } });
  }
  if (url.endsWith('*')) out.push({ name: 'wildcard', in: 'path', required: true, schema: { type: 'string' } });
  const query = schema.querystring;
  for (const [name, s] of Object.entries(query?.properties ?? {})) {
    out.push({ name, in: 'query', required: query?.required?.includes(name) ?? false, schema: s });
  }
  return out;
}

function responses(schema: RouteSchema, secured: boolean) {
  const out: Record<string, object> = {};
  for (const [status, s] of Object.entries(schema.response ?? {})) {
    const body = s as { type?: unknown; description?: string };
    out[status] =
      body.type === 'null'
        ? { description: body.description ?? 'no content' }
        : { description: body.description ?? 'success', content: { 'application/json': { schema: s } } };
  }
  if (Object.keys(out).length === 0) out['200'] = { description: 'success' };
  const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  out['4XX'] = { description: 'refused: `{ error: { code, message } }`, see docs/errors.md', ...error };
  if (secured) {
    out['401'] ??= { description: 'no, unknown, expired or revoked token', ...error };
    out['403'] ??= { description: 'the token role is below the route role', ...error };
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of the registered routes: their JSON schemas (params, query,
 * body, responses), bearer security on role routes, and `x-fleetward-role` on every
 * operation (`viewer`, `operator`, `admin`, or `public` with `x-fleetward-public` saying why).
 */
export function buildOpenApi(routes: readonly RouteInfo[], info: { title?: string; version?: string } = {}): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const schema = (route.schema ?? {}) as RouteSchema;
    const secured = 'role' in route.access;
    const operation: Record<string, unknown> = {
      operationId: operationId(route.method, route.url),
      ...(schema.summary ? { summary: schema.summary } : {}),
      ...(schema.description ? { description: schema.description } : {}),
      parameters: parameters(schema, route.url),
      ...(schema.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } }
        : {}),
      responses: responses(schema, secured),
      security: secured ? [{ bearer: [] }] : [],
      'x-fleetward-role': secured ? (route.access as { role: string }).role : 'public',
      ...('public' in route.access ? { 'x-fleetward-public': route.access.public } : {}),
    };
    const path = openApiPath(route.url);
    paths[path] = { ...(paths[path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'Fleetward API', version: info.version ?? '0.1.0' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token `fwt_<id>.<secret>`' } },
      schemas: { Error: errorBody },
    },
  };
}

/** `GET /api/openapi.json`, public; built on each request so routes registered later are in. */
export function openApiRoutes(routes: readonly RouteInfo[]): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.get('/api/openapi.json', { config: { access: { public: 'the API description holds no secret' } } }, async () =>
      buildOpenApi(routes),
    );
  };
}
