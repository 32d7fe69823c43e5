import type { FastifyInstance } from 'fastify';

/** Health, OpenAPI and gateway statistics. */
export function systemRoutes(openapi: () => object, gatewayStats: () => object) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { config: { access: { public: 'liveness probe, reveals nothing' } } }, async () => ({
      ok: true,
    }));
    app.get('/api/openapi.json', { config: { access: { public: 'API description, no data' } } }, async () => openapi());
    app.get('/api/v1/gateway/stats', { config: { access: { role: 'viewer' } } }, async () => gatewayStats());
  };
}
