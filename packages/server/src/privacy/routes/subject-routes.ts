import type { FastifyInstance } from 'fastify';
import { listOwners, listReceipts, ownedDevices, REGION_PATTERN } from '../consent/index.js';
import type { Store } from '../../store/index.js';
import type { Privacy } from '../service.js';
import { actorOf, DEVICE_ID, ownerParams, OWNER_ID, PURPOSE } from './schemas.js';

const newOwner = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'region'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', format: 'email', maxLength: 254 },
    region: { type: 'string', pattern: REGION_PATTERN.source },
  },
} as const;

const consentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['deviceId', 'purpose', 'state'],
  properties: {
    deviceId: DEVICE_ID,
    purpose: PURPOSE,
    state: { type: 'string', enum: ['given', 'withdrawn'] },
    categories: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 100 } },
    mechanism: { type: 'string', minLength: 1, maxLength: 50, default: 'api' },
  },
} as const;

interface ConsentBody {
  deviceId: string;
  purpose: string;
  state: 'given' | 'withdrawn';
  categories?: string[];
  mechanism: string;
}

/** Owners (data subjects), their devices, consent, export and erasure. */
export function subjectRoutes(privacy: Privacy, store: Store) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/privacy/owners', { config: { access: { role: 'viewer' } }, schema: {} }, async () => ({
      owners: await Promise.all(
        (await listOwners(store)).map(async (o) => ({
          id: o.id,
          region: o.region,
          createdAt: o.createdAt,
          devices: await ownedDevices(store, o.id),
        })),
      ),
    }));
    app.post<{ Body: { name: string; email?: string; region: string } }>(
      '/api/v1/privacy/owners',
      { config: { access: { role: 'operator' } }, schema: { body: newOwner } },
      async (request, reply) => {
        const o = await privacy.createOwner(request.body, actorOf(request));
        return reply.code(201).send({ id: o.id, region: o.region, createdAt: o.createdAt });
      },
    );
    app.put<{ Params: { id: string; deviceId: string } }>(
      '/api/v1/privacy/owners/:id/devices/:deviceId',
      {
        config: { access: { role: 'operator' } },
        schema: {
          params: { type: 'object', required: ['id', 'deviceId'], properties: { id: OWNER_ID, deviceId: DEVICE_ID } },
        },
      },
      async (request) => {
        await privacy.assignDevice(request.params.id, request.params.deviceId, actorOf(request));
        return { ownerId: request.params.id, deviceId: request.params.deviceId };
      },
    );
    app.get<{ Params: { id: string } }>(
      '/api/v1/privacy/owners/:id/consents',
      { config: { access: { role: 'viewer' } }, schema: { params: ownerParams } },
      async (request) => ({ receipts: await listReceipts(store, request.params.id) }),
    );
    app.post<{ Params: { id: string }; Body: ConsentBody }>(
      '/api/v1/privacy/owners/:id/consents',
      {
        config: { access: { role: 'operator' } },
        schema: { params: ownerParams, body: consentBody },
      },
      async (request, reply) => {
        const receipt = await privacy.consent({ ownerId: request.params.id, ...request.body }, actorOf(request));
        return reply.code(201).send(receipt);
      },
    );
    app.get<{ Params: { id: string } }>(
      '/api/v1/privacy/owners/:id/export',
      { config: { access: { role: 'admin' } }, schema: { params: ownerParams } },
      async (request) => privacy.exportSubject(request.params.id, actorOf(request)),
    );
    app.delete<{ Params: { id: string } }>(
      '/api/v1/privacy/owners/:id',
      { config: { access: { role: 'admin' } }, schema: { params: ownerParams } },
      async (request) => privacy.eraseSubject(request.params.id, actorOf(request)),
    );
  };
}
