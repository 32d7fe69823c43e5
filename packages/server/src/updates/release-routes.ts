import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import { knownBadReleases } from './known-bad.js';
import { KNOWN_BAD_SCHEMA } from './known-bad-routes.js';
import { TUF_ROLES, type TufRole } from './keys.js';
import { listReleases, MODEL_PATTERN, publishRelease, registerFirmwareKey } from './releases.js';
import type { TufRepository } from './repository.js';
import { acceptRoot, exportRoleKeys, rotateRoot } from './root-keys.js';

/** Largest image `POST /api/v1/releases` takes. */
export const RELEASE_BODY_LIMIT = 64 * 1024 * 1024;
const OCTETS = 'application/octet-stream';

const release = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    model: { type: 'string' },
    version: { type: 'string' },
    securityCounter: { type: 'integer' },
    sha256: { type: 'string' },
    length: { type: 'integer' },
    notes: { type: ['string', 'null'] },
    publishedBy: { type: 'string' },
    publishedAt: { type: 'string' },
    knownBad: KNOWN_BAD_SCHEMA,
    staged: { type: 'boolean' },
  },
} as const;
const model = { type: 'string', pattern: MODEL_PATTERN.source } as const;

const actorOf = (request: FastifyRequest) => `operator:${request.principal?.username ?? 'unknown'}`;

/** Releases (operator), firmware keys and TUF key management (admin). */
export function releaseRoutes(repo: TufRepository, ctx: Context, sealer: Sealer) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addContentTypeParser(OCTETS, { parseAs: 'buffer', bodyLimit: RELEASE_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );

    app.post<{ Querystring: { model: string; notes?: string }; Body: Buffer }>(
      '/api/v1/releases',
      {
        config: { access: { role: 'operator' } },
        bodyLimit: RELEASE_BODY_LIMIT,
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { model, notes: { type: 'string', maxLength: 2000 } },
            required: ['model'],
          },
          response: { 201: release, 202: release },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const published = await publishRelease(
          repo,
          ctx,
          body,
          request.query.model,
          request.query.notes,
          actorOf(request),
        );
        // 202: stored as a staged target; it is published once offline-signed targets name it.
        return reply.code(published.staged ? 202 : 201).send(published);
      },
    );

    app.get<{ Querystring: { model?: string } }>(
      '/api/v1/releases',
      {
        config: { access: { role: 'viewer' } },
        schema: {
          querystring: { type: 'object', additionalProperties: false, properties: { model } },
          response: { 200: { type: 'object', properties: { releases: { type: 'array', items: release } } } },
        },
      },
      async (request) => {
        const bad = new Map((await knownBadReleases(ctx.store, request.query.model)).map((r) => [r.name, r.knownBad]));
        const releases = await listReleases(ctx.store, request.query.model);
        return { releases: releases.map((r) => ({ ...r, knownBad: bad.get(r.name) ?? null })) };
      },
    );

    app.post<{ Body: { model: string; pem: string } }>(
      '/api/v1/firmware-keys',
      {
        config: { access: { role: 'admin' } },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            properties: { model, pem: { type: 'string', maxLength: 4096 } },
            required: ['model', 'pem'],
          },
        },
      },
      async (request, reply) => {
        await registerFirmwareKey(ctx, request.body.model, request.body.pem, actorOf(request));
        return reply.code(204).send();
      },
    );

    app.get('/api/v1/tuf/root', { config: { access: { role: 'viewer' } } }, async () => (await repo.root()).toJSON());

    app.put<{ Body: Record<string, unknown> }>(
      '/api/v1/tuf/root',
      { config: { access: { role: 'admin' } }, schema: { body: { type: 'object' } } },
      async (request) => ({
        version: await acceptRoot(repo, ctx, sealer, Buffer.from(JSON.stringify(request.body)), actorOf(request)),
      }),
    );

    app.post<{ Body: { roles?: TufRole[] } | undefined }>(
      '/api/v1/tuf/root/rotate',
      {
        config: { access: { role: 'admin' } },
        schema: {
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: {
              roles: { type: 'array', items: { type: 'string', enum: TUF_ROLES }, minItems: 1, uniqueItems: true },
            },
          },
        },
      },
      async (request) => ({
        version: await rotateRoot(repo, ctx, sealer, request.body?.roles ?? ['root'], actorOf(request)),
      }),
    );

    app.post<{ Params: { role: 'root' | 'targets' }; Body: { remove?: boolean } | undefined }>(
      '/api/v1/tuf/keys/:role/export',
      {
        config: { access: { role: 'admin' } },
        schema: {
          params: {
            type: 'object',
            properties: { role: { type: 'string', enum: ['root', 'targets'] } },
            required: ['role'],
          },
          body: { type: ['object', 'null'], additionalProperties: false, properties: { remove: { type: 'boolean' } } },
        },
      },
      async (request) => ({
        keys: await exportRoleKeys(
          repo,
          ctx,
          sealer,
          request.params.role,
          request.body?.remove ?? false,
          actorOf(request),
        ),
      }),
    );
  };
}
