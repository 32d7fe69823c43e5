import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import type { StoredAuditLog } from './log.js';
import { verifyAuditLog } from './verify.js';

const HEX64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

const entrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'at', 'actor', 'action', 'target', 'details', 'prevHash', 'hash'],
  properties: {
    seq: { type: 'integer', minimum: 1 },
    at: { type: 'string', format: 'date-time' },
    actor: { type: 'string' },
    action: { type: 'string' },
    target: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
    prevHash: HEX64,
    hash: HEX64,
  },
} as const;

const listSchema = {
  summary: 'Audit log entries in order, one page at a time',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      after: { type: 'integer', minimum: 0, default: 0 },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    },
  },
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['entries'],
      properties: { entries: { type: 'array', items: entrySchema }, next: { type: 'integer' } },
    },
  },
} as const;

const verifySchema = {
  summary: 'Recompute the hash chain and compare its head with the anchor',
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['ok', 'entries'],
      properties: {
        ok: { type: 'boolean' },
        entries: { type: 'integer' },
        firstBadSeq: { type: 'integer' },
        reason: {
          type: 'string',
          enum: ['seq-gap', 'prev-hash-mismatch', 'hash-mismatch', 'head-mismatch', 'head-missing'],
        },
      },
    },
  },
} as const;

/** `GET /api/v1/audit` and `GET /api/v1/audit/verify`, admin only. */
export function auditRoutes(log: StoredAuditLog, store: Store): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.get<{ Querystring: { after?: number; limit?: number } }>(
      '/api/v1/audit',
      { schema: listSchema, config: { access: { role: 'admin' } } },
      async (request) => log.list(request.query),
    );
    app.get('/api/v1/audit/verify', { schema: verifySchema, config: { access: { role: 'admin' } } }, async () =>
      verifyAuditLog(store),
    );
  };
}
