import type { FastifyInstance } from 'fastify';
import { listBudgets, MAX_BINS, MAX_EPSILON, type AggregateQuery } from '../aggregate/index.js';
import type { Store } from '../../store/index.js';
import type { Privacy } from '../service.js';
import { actorOf, MODEL, modelParams, PURPOSE } from './schemas.js';

const aggregateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'field', 'statistic', 'epsilon'],
  properties: {
    model: MODEL,
    field: { type: 'string', maxLength: 64 },
    statistic: { type: 'string', enum: ['count', 'sum', 'mean', 'histogram'] },
    epsilon: { type: 'number', exclusiveMinimum: 0, maximum: MAX_EPSILON },
    lower: { type: 'number' },
    upper: { type: 'number' },
    bins: { type: 'integer', minimum: 1, maximum: MAX_BINS },
    groupBy: { type: 'string', enum: ['none', 'region'] },
    since: { type: 'string', format: 'date-time' },
  },
} as const;

/** Differentially private aggregates, their budgets, pseudonymised extracts and key rotation. */
export function analyticsRoutes(privacy: Privacy, store: Store) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.post<{ Body: AggregateQuery }>(
      '/api/v1/privacy/aggregates',
      {
        config: { access: { role: 'operator' } },
        schema: { body: aggregateBody },
      },
      async (request) => privacy.aggregate(request.body, actorOf(request)),
    );
    app.get('/api/v1/privacy/budgets', { config: { access: { role: 'viewer' } }, schema: {} }, async () => ({
      budgets: await listBudgets(store),
    }));
    app.get<{ Params: { model: string }; Querystring: { purpose: string; since?: string; limit?: number } }>(
      '/api/v1/privacy/datasets/:model',
      {
        config: { access: { role: 'operator' } },
        schema: {
          params: modelParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              purpose: { ...PURPOSE, default: 'analytics.reporting' },
              since: { type: 'string', format: 'date-time' },
              limit: { type: 'integer', minimum: 1, maximum: 10_000 },
            },
          },
        },
      },
      async (request) => {
        const q = { model: request.params.model, ...request.query };
        const rows = await privacy.dataset(q);
        await privacy.audited(actorOf(request), 'privacy.dataset.read', `model:${q.model}`, {
          purpose: q.purpose,
          rows: rows.length,
        });
        return { model: q.model, purpose: q.purpose, rows };
      },
    );
    app.post<{ Params: { purpose: string } }>(
      '/api/v1/privacy/keys/:purpose/rotate',
      {
        config: { access: { role: 'admin' } },
        schema: {
          params: { type: 'object', required: ['purpose'], properties: { purpose: PURPOSE } },
        },
      },
      async (request) => ({
        purpose: request.params.purpose,
        version: await privacy.rotateKey(request.params.purpose, actorOf(request)),
      }),
    );
  };
}
