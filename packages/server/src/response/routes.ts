import { DEVICE_ID_PATTERN } from '@fleetward/protocol';
import type { FastifyInstance } from 'fastify';
import { responseError } from './errors.js';
import { getIncident, listIncidents, type IncidentState } from './incidents.js';
import { listDeadLetters } from './notify.js';
import { deletePlaybook, putPlaybook } from './playbooks/store.js';
import type { Responder } from './responder.js';

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^inc_[A-Za-z0-9_-]{1,64}$' } },
  required: ['id'],
} as const;
const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' } },
  required: ['name'],
} as const;

/** Incidents (list, show with timeline, replay, release) and playbooks (list, show, put, delete). */
export function responseRoutes(responder: Responder) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const { store, clock, audit } = responder.ctx;
    const actor = (p: { username: string } | undefined) => `operator:${p?.username ?? 'unknown'}`;

    app.get<{ Querystring: { state?: IncidentState; device?: string; limit?: number } }>(
      '/api/v1/incidents',
      {
        config: { access: { role: 'viewer' } },
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              state: { type: 'string', enum: ['open', 'contained', 'resolved'] },
              device: { type: 'string', pattern: DEVICE_ID_PATTERN.source },
              limit: { type: 'integer', minimum: 1, maximum: 1000 },
            },
          },
        },
      },
      async (request) => {
        const q = request.query;
        return {
          incidents: await listIncidents(store, {
            ...(q.state ? { state: q.state } : {}),
            ...(q.device ? { deviceId: q.device } : {}),
            ...(q.limit ? { limit: q.limit } : {}),
          }),
        };
      },
    );
    app.get<{ Params: { id: string } }>(
      '/api/v1/incidents/:id',
      { config: { access: { role: 'viewer' } }, schema: { params: idParams } },
      async (request) => getIncident(store, request.params.id),
    );
    app.post<{ Params: { id: string } }>(
      '/api/v1/incidents/:id/replay',
      { config: { access: { role: 'operator' } }, schema: { params: idParams } },
      async (request) => responder.replay(request.params.id),
    );
    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      '/api/v1/incidents/:id/release',
      {
        config: { access: { role: 'operator' } },
        schema: {
          params: idParams,
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: { reason: { type: 'string', maxLength: 500 } },
          },
        },
      },
      async (request) => responder.release(request.params.id, actor(request.principal), request.body?.reason),
    );
    app.get('/api/v1/playbooks', { config: { access: { role: 'viewer' } } }, async () => ({
      playbooks: responder.playbooks,
    }));
    app.get<{ Params: { name: string } }>(
      '/api/v1/playbooks/:name',
      { config: { access: { role: 'viewer' } }, schema: { params: nameParams } },
      async (request) => {
        const p = responder.playbooks.find((x) => x.name === request.params.name);
        if (!p) throw responseError('FW_RESPONSE_PLAYBOOK_NOT_FOUND', `no playbook ${request.params.name}`);
        return p;
      },
    );
    app.put<{ Params: { name: string }; Body: Record<string, unknown> }>(
      '/api/v1/playbooks/:name',
      { config: { access: { role: 'admin' } }, schema: { params: nameParams, body: { type: 'object' } } },
      async (request) => {
        const body = { ...request.body, name: request.params.name };
        const p = await putPlaybook(store, audit, clock.now(), body, actor(request.principal));
        await responder.reloadPlaybooks();
        return p;
      },
    );
    app.delete<{ Params: { name: string } }>(
      '/api/v1/playbooks/:name',
      { config: { access: { role: 'admin' } }, schema: { params: nameParams } },
      async (request) => {
        await deletePlaybook(store, audit, request.params.name, actor(request.principal));
        await responder.reloadPlaybooks();
        return { deleted: request.params.name };
      },
    );
    app.get('/api/v1/notify/dead-letters', { config: { access: { role: 'viewer' } } }, async () => ({
      deadLetters: await listDeadLetters(store),
    }));
  };
}
