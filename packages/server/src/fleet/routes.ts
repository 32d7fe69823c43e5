import { DEVICE_ID_PARAMS } from '../api/index.js';
import type { FastifyInstance } from 'fastify';
import type { DeviceState } from '../kernel/index.js';
import type { Store } from '../store/index.js';
import { getDevice, listDevices } from './devices.js';
import { fleetError } from './errors.js';

/** What an operator may do to a device; carried out by identity (certificates) and the gateway (sessions). */
export type DeviceAction = 'revoke' | 'quarantine' | 'release' | 'retire';

/** Applies a state change, audits it and announces it; throws coded errors. */
export type DeviceActionHook = (id: string, action: DeviceAction, actor: string, reason?: string) => Promise<void>;

const STATES = ['active', 'quarantined', 'revoked', 'retired'] as const;
const deviceSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    model: { type: 'string' },
    state: { type: 'string', enum: STATES },
    enrolledVia: { type: 'string' },
    enrolledAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;
const deviceDetail = {
  type: 'object',
  properties: {
    ...deviceSummary.properties,
    certificates: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          serial: { type: 'string' },
          fingerprint: { type: 'string' },
          notBefore: { type: 'string' },
          notAfter: { type: 'string' },
          status: { type: 'string' },
          revokedAt: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

export function fleetRoutes(store: Store, act: DeviceActionHook) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: { model?: string; state?: DeviceState; after?: string; limit?: number } }>(
      '/api/v1/devices',
      {
        config: { access: { role: 'viewer' } },
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              model: { type: 'string', maxLength: 64 },
              state: { type: 'string', enum: STATES },
              after: { type: 'string', maxLength: 64 },
              limit: { type: 'integer', minimum: 1, maximum: 1000 },
            },
          },
          response: { 200: { type: 'object', properties: { devices: { type: 'array', items: deviceSummary } } } },
        },
      },
      async (request) => ({ devices: await listDevices(store, request.query) }),
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/devices/:id',
      { config: { access: { role: 'viewer' } }, schema: { params: DEVICE_ID_PARAMS, response: { 200: deviceDetail } } },
      async (request) => {
        const device = await getDevice(store, request.params.id);
        if (!device) throw fleetError('FW_DEVICE_NOT_FOUND', `no device ${request.params.id}`);
        return device;
      },
    );

    for (const action of ['revoke', 'quarantine', 'release', 'retire'] as const) {
      app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
        `/api/v1/devices/:id/${action}`,
        {
          config: { access: { role: 'operator' } },
          schema: {
            params: DEVICE_ID_PARAMS,
            body: {
              type: ['object', 'null'],
              additionalProperties: false,
              properties: { reason: { type: 'string', maxLength: 500 } },
            },
            response: { 200: deviceDetail },
          },
        },
        async (request) => {
          const { id } = request.params;
          const actor = `operator:${request.principal?.username ?? 'unknown'}`;
          await act(id, action, actor, request.body?.reason);
          const device = await getDevice(store, id);
          if (!device) throw fleetError('FW_DEVICE_NOT_FOUND', `no device ${id}`);
          return device;
        },
      );
    }
  };
}
