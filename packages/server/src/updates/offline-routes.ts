import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import { importRoleKey } from './offline-keys.js';
import { acceptTargets, pendingTargets } from './offline-targets.js';
import type { TufRepository } from './repository.js';

const actorOf = (request: FastifyRequest) => `operator:${request.principal?.username ?? 'unknown'}`;

/** Targets metadata signed offline (decision 0007): the pending N+1, its upload, key import. */
export function offlineRoutes(repo: TufRepository, ctx: Context, sealer: Sealer) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/tuf/targets/pending', { config: { access: { role: 'operator' } } }, async () =>
      pendingTargets(repo, ctx),
    );

    app.put<{ Body: Record<string, unknown> }>(
      '/api/v1/tuf/targets',
      { config: { access: { role: 'admin' } }, schema: { body: { type: 'object' } } },
      async (request) => acceptTargets(repo, ctx, request.body, actorOf(request)),
    );

    app.post<{ Params: { role: 'root' | 'targets' }; Body: { pem: string } }>(
      '/api/v1/tuf/keys/:role/import',
      {
        config: { access: { role: 'admin' } },
        schema: {
          params: {
            type: 'object',
            properties: { role: { type: 'string', enum: ['root', 'targets'] } },
            required: ['role'],
          },
          body: {
            type: 'object',
            additionalProperties: false,
            properties: { pem: { type: 'string', maxLength: 16384 } },
            required: ['pem'],
          },
        },
      },
      async (request) => importRoleKey(repo, ctx, sealer, request.params.role, request.body.pem, actorOf(request)),
    );
  };
}
