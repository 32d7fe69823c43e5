import type { FastifyInstance } from 'fastify';
import type { Context } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import { knownBadRoutes, type KnownBadListener } from './known-bad-routes.js';
import { offlineRoutes } from './offline-routes.js';
import { releaseRoutes } from './release-routes.js';
import { TufRepository } from './repository.js';
import { tufRoutes } from './tuf-routes.js';

/** How often the server looks for metadata to re-sign (each role at half its lifetime). */
const REFRESH_MS = 10 * 60_000;

/** The updates capability, opened: the repository, its routes, and the re-signing timer. */
export interface Updates {
  readonly repository: TufRepository;
  readonly routes: (app: FastifyInstance) => Promise<void>;
  /** Called after a release is marked known-bad (the composition root pauses its rollouts). */
  onKnownBad(listener: KnownBadListener): void;
  close(): void;
}

/** Opens the TUF repository and starts re-signing snapshot and timestamp before they expire. */
export async function openUpdates(ctx: Context, sealer: Sealer, refreshMs = REFRESH_MS): Promise<Updates> {
  const repository = await TufRepository.open(ctx, sealer);
  const timer = setInterval(() => {
    repository.refresh().then(
      (roles) => roles.length > 0 && ctx.log.info({ roles }, 'TUF metadata re-signed'),
      (err: unknown) => ctx.log.error({ err }, 'TUF metadata refresh failed'),
    );
  }, refreshMs);
  timer.unref();
  const tuf = tufRoutes(repository);
  const releases = releaseRoutes(repository, ctx, sealer);
  const offline = offlineRoutes(repository, ctx, sealer);
  const knownBadListeners: KnownBadListener[] = [];
  return {
    repository,
    routes: async (app) => {
      // The timer lives as long as the HTTP server that publishes what it signs.
      app.addHook('onClose', async () => clearInterval(timer));
      await app.register(tuf);
      await app.register(releases);
      await app.register(offline);
      await app.register(knownBadRoutes(ctx, knownBadListeners));
    },
    onKnownBad: (listener) => void knownBadListeners.push(listener),
    close: () => clearInterval(timer),
  };
}
