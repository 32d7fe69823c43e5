import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';
import { catalogDeclarationSchema, type CatalogDeclaration } from '../catalog/index.js';
import { renderHtml, renderMarkdown } from '../notice/index.js';
import { listRetentionRuns } from '../retention/index.js';
import type { Privacy } from '../service.js';
import { ANY_OBJECT, actorOf, modelParams } from './schemas.js';

/** Catalogs, the public notice, drop counters and retention evidence. */
export function catalogRoutes(privacy: Privacy, store: Store) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/privacy/catalogs', { config: { access: { role: 'viewer' } }, schema: {} }, async () => ({
      catalogs: await privacy.catalogs.list(),
    }));
    app.get<{ Params: { model: string } }>(
      '/api/v1/privacy/catalogs/:model',
      { config: { access: { role: 'viewer' } }, schema: { params: modelParams, response: { 200: ANY_OBJECT } } },
      async (request) => privacy.catalog(request.params.model),
    );
    app.put<{ Params: { model: string }; Body: CatalogDeclaration }>(
      '/api/v1/privacy/catalogs/:model',
      {
        config: { access: { role: 'operator' } },
        schema: { params: modelParams, body: catalogDeclarationSchema },
      },
      async (request) => privacy.declareCatalog(request.params.model, request.body, actorOf(request)),
    );
    app.get<{ Params: { model: string }; Querystring: { format?: 'html' | 'md' | 'json' } }>(
      '/privacy/:model',
      {
        config: { access: { public: 'the privacy notice and label of a model are public information' } },
        schema: {
          params: modelParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { format: { type: 'string', enum: ['html', 'md', 'json'], default: 'html' } },
          },
        },
      },
      async (request, reply) => {
        const label = await privacy.label(request.params.model);
        const format = request.query.format ?? 'html';
        if (format === 'json') return label;
        if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(renderMarkdown(label));
        return reply.type('text/html; charset=utf-8').send(renderHtml(label));
      },
    );
    app.get('/api/v1/privacy/drops', { config: { access: { role: 'viewer' } }, schema: {} }, async () => ({
      drops: privacy.minimizer.drops(),
    }));
    app.get('/api/v1/privacy/retention', { config: { access: { role: 'viewer' } }, schema: {} }, async () => ({
      runs: await listRetentionRuns({ store }),
    }));
    app.post(
      '/api/v1/privacy/retention/run',
      { config: { access: { role: 'operator' } }, schema: {} },
      async (request) => {
        const evidence = await privacy.runRetention();
        request.log.info({ actor: actorOf(request), models: evidence.models.length }, 'retention run');
        return evidence;
      },
    );
  };
}
