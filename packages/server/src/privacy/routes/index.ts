import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';
import type { Privacy } from '../service.js';
import { analyticsRoutes } from './analytics-routes.js';
import { catalogRoutes } from './catalog-routes.js';
import { subjectRoutes } from './subject-routes.js';

/** Every privacy route, and the retention schedule (started when the app is ready, stopped on close). */
export function privacyRoutes(privacy: Privacy, store: Store, retentionEveryMs = 3_600_000) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    await catalogRoutes(privacy, store)(app);
    await subjectRoutes(privacy, store)(app);
    await analyticsRoutes(privacy, store)(app);
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<unknown> | undefined;
    app.addHook('onReady', async () => {
      if (retentionEveryMs <= 0) return;
      timer = setInterval(() => {
        running ??= privacy
          .runRetention()
          .catch((err: unknown) => app.log.error({ err }, 'retention run failed'))
          .finally(() => (running = undefined));
      }, retentionEveryMs);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  };
}
