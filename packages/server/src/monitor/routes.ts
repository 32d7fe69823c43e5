import { DEVICE_ID_PATTERN } from '@fleetward/protocol';
import { DEVICE_ID_PARAMS } from '../api/index.js';
import type { FastifyInstance } from 'fastify';
import { getAlert, listAlerts } from './alerts/book.js';
import type { Monitor } from './monitor.js';
import { monitorFamilies, renderPrometheus, type MetricFamily } from './prometheus.js';
import { deleteProfile, putProfile } from './profiles/store.js';
import { monitorError } from './errors.js';

const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' } },
  required: ['name'],
} as const;

/**
 * Monitoring API: profiles, alerts, metric windows, audit checks, and `/metrics` (Prometheus).
 * `/metrics` needs a viewer token (Prometheus `authorization: { credentials_file }`): alert
 * counts and fleet sizes are operational data, not public (docs/decisions/0009-monitoring.md).
 */
export function monitorRoutes(monitor: Monitor, extraFamilies: () => MetricFamily[] = () => []) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const ctxActor = (p: { username: string } | undefined) => `operator:${p?.username ?? 'unknown'}`;
    const store = monitor.ctx;

    app.get('/api/v1/profiles', { config: { access: { role: 'viewer' } } }, async () => ({
      profiles: monitor.detector.profiles,
    }));
    app.get<{ Params: { name: string } }>(
      '/api/v1/profiles/:name',
      { config: { access: { role: 'viewer' } }, schema: { params: nameParams } },
      async (request) => {
        const p = monitor.detector.profiles.find((x) => x.name === request.params.name);
        if (!p) throw monitorError('FW_MONITOR_PROFILE_NOT_FOUND', `no profile ${request.params.name}`);
        return p;
      },
    );
    app.put<{ Params: { name: string }; Body: Record<string, unknown> }>(
      '/api/v1/profiles/:name',
      { config: { access: { role: 'operator' } }, schema: { params: nameParams, body: { type: 'object' } } },
      async (request) => {
        const body = { ...request.body, name: request.params.name };
        const p = await putProfile(store.store, store.audit, store.clock.now(), body, ctxActor(request.principal));
        await monitor.reloadProfiles();
        return p;
      },
    );
    app.delete<{ Params: { name: string } }>(
      '/api/v1/profiles/:name',
      { config: { access: { role: 'operator' } }, schema: { params: nameParams } },
      async (request) => {
        await deleteProfile(store.store, store.audit, request.params.name, ctxActor(request.principal));
        await monitor.reloadProfiles();
        return { deleted: request.params.name };
      },
    );
    app.get<{ Querystring: { state?: 'active' | 'cleared'; device?: string; limit?: number } }>(
      '/api/v1/alerts',
      {
        config: { access: { role: 'viewer' } },
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              state: { type: 'string', enum: ['active', 'cleared'] },
              device: { type: 'string', pattern: DEVICE_ID_PATTERN.source },
              limit: { type: 'integer', minimum: 1, maximum: 1000 },
            },
          },
        },
      },
      async (request) => {
        const q = request.query;
        return {
          alerts: await listAlerts(store.store, {
            ...(q.state ? { state: q.state } : {}),
            ...(q.device ? { deviceId: q.device } : {}),
            ...(q.limit ? { limit: q.limit } : {}),
          }),
        };
      },
    );
    app.get<{ Params: { id: string } }>(
      '/api/v1/alerts/:id',
      {
        config: { access: { role: 'viewer' } },
        schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } },
      },
      async (request) => getAlert(store.store, request.params.id),
    );
    app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
      '/api/v1/devices/:id/metrics',
      {
        config: { access: { role: 'viewer' } },
        schema: {
          params: DEVICE_ID_PARAMS,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
          },
        },
      },
      async (request) => ({ windows: await monitor.windows(request.params.id, request.query.limit ?? 100) }),
    );
    app.post('/api/v1/monitor/audit', { config: { access: { role: 'operator' } } }, async () => monitor.runAudit());
    app.get('/api/v1/monitor/audit', { config: { access: { role: 'viewer' } } }, async () => monitor.lastAudit ?? null);
    app.get('/metrics', { config: { access: { role: 'viewer' } } }, async (_request, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return renderPrometheus([...monitorFamilies(monitor), ...extraFamilies()]);
    });
  };
}
