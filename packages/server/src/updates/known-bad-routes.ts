import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../kernel/index.js';
import { ADVISORY_PATTERN, markReleaseKnownBad, REASON_MAX, type KnownBadRelease } from './known-bad.js';

/** Reacts to a release just marked known-bad; returns the ids of what it stopped (rollouts paused). */
export type KnownBadListener = (release: KnownBadRelease) => Promise<readonly string[]>;

const actorOf = (request: FastifyRequest) => `operator:${request.principal?.username ?? 'unknown'}`;

export const KNOWN_BAD_SCHEMA = {
  type: ['object', 'null'],
  properties: {
    reason: { type: 'string' },
    advisory: { type: ['string', 'null'] },
    markedBy: { type: 'string' },
    markedAt: { type: 'string' },
  },
} as const;

/**
 * `POST /api/v1/releases/:name/known-bad` (operator, audited as `release.known-bad`): marks the
 * release, then the listeners react (rollouts of it pause); the answer names what they stopped.
 */
export function knownBadRoutes(ctx: Context, listeners: readonly KnownBadListener[]) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.post<{ Params: { name: string }; Body: { reason: string; advisory?: string } }>(
      '/api/v1/releases/:name/known-bad',
      {
        config: { access: { role: 'operator' } },
        schema: {
          params: {
            type: 'object',
            properties: { name: { type: 'string', maxLength: 200 } },
            required: ['name'],
          },
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              reason: { type: 'string', minLength: 1, maxLength: REASON_MAX },
              advisory: { type: 'string', pattern: ADVISORY_PATTERN.source },
            },
            required: ['reason'],
          },
          response: {
            200: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                model: { type: 'string' },
                version: { type: 'string' },
                knownBad: KNOWN_BAD_SCHEMA,
                pausedRollouts: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
      async (request) => {
        const release = await markReleaseKnownBad(ctx, request.params.name, request.body, actorOf(request));
        const paused: string[] = [];
        for (const listener of listeners) paused.push(...(await listener(release)));
        return { ...release, pausedRollouts: paused };
      },
    );
  };
}
