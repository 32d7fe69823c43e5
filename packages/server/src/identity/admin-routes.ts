import { MODEL_PATTERN } from '@fleetward/protocol';
import type { FastifyInstance } from 'fastify';
import type { Identity } from './identity.js';

const actorOf = (request: { principal?: { username: string } }) =>
  `operator:${request.principal?.username ?? 'unknown'}`;

/** Operator routes of enrollment: claim tokens and manufacturer CAs. */
export function enrollmentAdminRoutes(identity: Identity) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.post<{ Body: { model: string; uses?: number; ttlSeconds?: number } }>(
      '/api/v1/claims',
      {
        config: { access: { role: 'operator' } },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['model'],
            properties: {
              model: { type: 'string', pattern: MODEL_PATTERN.source },
              uses: { type: 'integer', minimum: 1, maximum: 100_000 },
              ttlSeconds: { type: 'integer', minimum: 1, maximum: 366 * 86400 },
            },
          },
          response: {
            201: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                token: { type: 'string' },
                model: { type: 'string' },
                uses: { type: 'integer' },
                expiresAt: { type: 'string' },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const { model, uses, ttlSeconds } = request.body;
        const claim = await identity.createClaim({
          model,
          ...(uses === undefined ? {} : { uses }),
          ...(ttlSeconds === undefined ? {} : { ttlMs: ttlSeconds * 1000 }),
          createdBy: actorOf(request),
        });
        reply.header('cache-control', 'no-store');
        return reply.status(201).send({ ...claim, expiresAt: claim.expiresAt.toISOString() });
      },
    );

    app.post<{ Body: { model: string; name: string; caPem: string } }>(
      '/api/v1/manufacturers',
      {
        config: { access: { role: 'admin' } },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['model', 'name', 'caPem'],
            properties: {
              model: { type: 'string', pattern: MODEL_PATTERN.source },
              name: { type: 'string', minLength: 1, maxLength: 200 },
              caPem: { type: 'string', maxLength: 16384 },
            },
          },
          response: { 201: { type: 'object', properties: { id: { type: 'string' } } } },
        },
      },
      async (request, reply) => {
        const created = await identity.registerManufacturer({ ...request.body, actor: actorOf(request) });
        return reply.status(201).send(created);
      },
    );
  };
}
