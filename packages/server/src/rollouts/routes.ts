import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../kernel/index.js';
import { GROUP_PATTERN, groupMembers, updateGroup } from './groups.js';
import type { Rollouts } from './rollouts.js';

const actorOf = (request: FastifyRequest) => `operator:${request.principal?.username ?? 'unknown'}`;
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 } },
  required: ['id'],
} as const;
const groupParams = {
  type: 'object',
  properties: { name: { type: 'string', pattern: GROUP_PATTERN.source } },
  required: ['name'],
} as const;
const deviceList = { type: 'array', maxItems: 10000, items: { type: 'string', maxLength: 128 } } as const;

interface StartBody {
  release: string;
  model?: string;
  group?: string;
  waves: number[];
  maxFailureRate: number;
  waveWaitMs?: number;
  waveTimeoutMs?: number;
}

/** Rollouts (operator writes, viewer reads) and device groups. */
export function rolloutRoutes(rollouts: Rollouts, ctx: Context) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.post<{ Body: StartBody }>(
      '/api/v1/rollouts',
      {
        config: { access: { role: 'operator' } },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['release', 'waves', 'maxFailureRate'],
            properties: {
              release: { type: 'string', maxLength: 200 },
              model: { type: 'string', maxLength: 64 },
              group: { type: 'string', pattern: GROUP_PATTERN.source },
              waves: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'number' } },
              maxFailureRate: { type: 'number', minimum: 0, maximum: 1 },
              waveWaitMs: { type: 'integer', minimum: 0, maximum: 30 * 24 * 3600_000 },
              waveTimeoutMs: { type: 'integer', minimum: 0, maximum: 30 * 24 * 3600_000 },
            },
          },
        },
      },
      async (request, reply) => reply.code(201).send(await rollouts.start(request.body, actorOf(request))),
    );

    app.get('/api/v1/rollouts', { config: { access: { role: 'viewer' } } }, async () => ({
      rollouts: await rollouts.list(),
    }));

    app.get<{ Params: { id: string } }>(
      '/api/v1/rollouts/:id',
      { config: { access: { role: 'viewer' } }, schema: { params: idParams } },
      async (request) => rollouts.get(request.params.id),
    );

    for (const verb of ['pause', 'resume', 'abort'] as const) {
      app.post<{ Params: { id: string } }>(
        `/api/v1/rollouts/:id/${verb}`,
        { config: { access: { role: 'operator' } }, schema: { params: idParams } },
        async (request) => rollouts[verb](request.params.id, actorOf(request)),
      );
    }

    app.put<{ Params: { name: string }; Body: { add?: string[]; remove?: string[] } }>(
      '/api/v1/groups/:name/devices',
      {
        config: { access: { role: 'operator' } },
        schema: {
          params: groupParams,
          body: {
            type: 'object',
            additionalProperties: false,
            properties: { add: deviceList, remove: deviceList },
          },
        },
      },
      async (request) => ({
        group: request.params.name,
        devices: await updateGroup(ctx, request.params.name, request.body, actorOf(request)),
      }),
    );

    app.get<{ Params: { name: string } }>(
      '/api/v1/groups/:name/devices',
      { config: { access: { role: 'viewer' } }, schema: { params: groupParams } },
      async (request) => ({ group: request.params.name, devices: await groupMembers(ctx, request.params.name) }),
    );
  };
}
