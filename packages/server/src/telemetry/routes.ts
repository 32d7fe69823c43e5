import { DEVICE_ID_PARAMS } from '../api/index.js';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import { fleetError } from '../fleet/index.js';
import { listTelemetry } from './query.js';

const telemetryRow = {
  type: 'object',
  properties: {
    messageId: { type: ['string', 'null'] },
    receivedAt: { type: 'string', format: 'date-time' },
    deviceTime: { type: ['string', 'null'] },
    fields: { type: 'object', additionalProperties: true },
  },
} as const;

export function telemetryRoutes(store: Store) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { id: string }; Querystring: { since?: string; limit?: number } }>(
      '/api/v1/devices/:id/telemetry',
      {
        config: { access: { role: 'viewer' } },
        schema: {
          params: DEVICE_ID_PARAMS,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              since: { type: 'string', format: 'date-time' },
              limit: { type: 'integer', minimum: 1, maximum: 1000 },
            },
          },
          response: {
            200: {
              type: 'object',
              properties: { deviceId: { type: 'string' }, records: { type: 'array', items: telemetryRow } },
            },
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        const known = await store.query('select 1 from devices where id = $1', [id]);
        if (known.rows.length === 0) throw fleetError('FW_DEVICE_NOT_FOUND', `no device ${id}`);
        return { deviceId: id, records: await listTelemetry(store, id, request.query) };
      },
    );
  };
}
