import type { FastifyInstance } from 'fastify';
import { updatesError } from './errors.js';
import type { TufRepository } from './repository.js';

const WHY = 'TUF metadata and targets are signed; clients verify them, not the channel (TUF spec §5)';
const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 300, pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$' } },
  required: ['name'],
} as const;

/**
 * The repository in the TUF specification's layout with consistent snapshots: any conforming
 * client (python-tuf ngclient, go-tuf, tuf-js) reads `/tuf/metadata/` and `/tuf/targets/`.
 */
export function tufRoutes(repo: TufRepository) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { name: string } }>(
      '/tuf/metadata/:name',
      { config: { access: { public: WHY } }, schema: { params: nameParams } },
      async (request, reply) => {
        const { name } = request.params;
        const body = await repo.metadata(name);
        if (!body) throw updatesError('FW_TUF_NOT_FOUND', `no metadata ${name}`);
        // timestamp.json changes under the same name; versioned files never change (§6.2).
        void reply
          .header('cache-control', name === 'timestamp.json' ? 'no-store' : 'public, max-age=31536000, immutable')
          .type('application/json');
        return body;
      },
    );
    app.get<{ Params: { name: string } }>(
      '/tuf/targets/:name',
      { config: { access: { public: WHY } }, schema: { params: nameParams } },
      async (request, reply) => {
        const body = await repo.target(request.params.name);
        if (!body) throw updatesError('FW_TUF_NOT_FOUND', `no target ${request.params.name}`);
        void reply.header('cache-control', 'public, max-age=31536000, immutable').type('application/octet-stream');
        return body;
      },
    );
  };
}
