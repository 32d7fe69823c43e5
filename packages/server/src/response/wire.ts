import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway/index.js';
import type { Identity } from '../identity/index.js';
import type { Context } from '../kernel/index.js';
import type { Rollouts } from '../rollouts/index.js';
import { Monitor, monitorRoutes, type MetricFamily, type MonitorOptions } from '../monitor/index.js';
import { forceUpdateHook } from './force-update.js';
import { Responder } from './responder.js';
import { responseRoutes } from './routes.js';
import type { ResponseHooks } from './steps.js';

/** Monitoring and response, wired to identity (device states) and the gateway (counters, sessions). */
export interface Monitoring {
  readonly monitor: Monitor;
  readonly responder: Responder;
  /** The gateway's `ingest` hook: metrics to the monitor; events, state and command replies accepted. */
  ingest(deviceId: string, kind: string, payload: Buffer): Promise<void>;
  readonly routes: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
  start(): void;
  close(): Promise<void>;
}

/**
 * Settings from the environment: FLEETWARD_MONITOR_WINDOW (default 5m), FLEETWARD_MONITOR_TICK
 * (1s), FLEETWARD_MONITOR_RETENTION (14d), FLEETWARD_MONITOR_AUDIT_EVERY (1h; 0 = on demand);
 * webhook keys as FLEETWARD_SECRET_<NAME>.
 */
export function monitorOptionsFromEnv(env: NodeJS.ProcessEnv): MonitorOptions {
  const d = (name: string) => {
    const v = env[`FLEETWARD_MONITOR_${name}`];
    if (v === undefined || v === '') return undefined;
    const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v.trim());
    if (!m) throw new RangeError(`FLEETWARD_MONITOR_${name}: a duration like 500ms, 30s, 5m, 1h, 14d`);
    return Number(m[1]) * { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[(m[2] ?? 'ms') as 'ms'];
  };
  const o: Record<string, number> = {};
  for (const [key, name] of [
    ['windowMs', 'WINDOW'],
    ['tickMs', 'TICK'],
    ['retentionMs', 'RETENTION'],
    ['auditEveryMs', 'AUDIT_EVERY'],
  ] as const) {
    const v = d(name);
    if (v !== undefined) o[key] = v;
  }
  if (o['windowMs'] !== undefined && o['windowMs'] < 100)
    throw new RangeError('FLEETWARD_MONITOR_WINDOW: at least 100ms');
  return o;
}

export async function openMonitoring(
  ctx: Context,
  deps: {
    identity: Identity;
    gateway: Gateway;
    env: NodeJS.ProcessEnv;
    extraFamilies?: () => MetricFamily[];
    /** With it, the `force-update` step starts a one-device rollout. */
    rollouts?: Pick<Rollouts, 'start'>;
  },
): Promise<Monitoring> {
  const { identity, gateway, env } = deps;
  const monitor = await Monitor.open(ctx, {
    ...monitorOptionsFromEnv(env),
    gateway: { counters: gateway.counters, connected: () => connectedDevices(gateway) },
  });
  const hooks: ResponseHooks = {
    deviceState: async (id) => {
      const r = await ctx.store.query<{ state: 'active' | 'quarantined' | 'revoked' | 'retired' }>(
        'select state from devices where id = $1',
        [id],
      );
      return r.rows[0]?.state;
    },
    setDeviceState: async (id, state, actor) => void (await identity.setDeviceState(id, state, actor)),
    revokeDevice: async (id, actor) => void (await identity.revokeDevice(id, 'keyCompromise', actor)),
    disconnect: (id) => void gateway.disconnect(id, 'revoked by a playbook'),
    secret: (name) => env[`FLEETWARD_SECRET_${name}`] || undefined,
    ...(deps.rollouts === undefined ? {} : { forceUpdate: forceUpdateHook(ctx, deps.rollouts) }),
  };
  const responder = await Responder.open(ctx, hooks, { onRelease: (id) => monitor.detector.forget(id) });
  monitor.onAlert((event) => responder.handle(event));
  return {
    monitor,
    responder,
    ingest: async (deviceId, kind, payload) => {
      if (kind === 'metrics') await monitor.ingestMetrics(deviceId, payload);
    },
    routes: [monitorRoutes(monitor, deps.extraFamilies), responseRoutes(responder)],
    start: () => monitor.start(),
    close: () => monitor.close(),
  };
}

/** Devices with a session now, from the gateway's counters (connections not yet followed by a disconnect). */
function connectedDevices(gateway: Gateway): string[] {
  const ids: string[] = [];
  for (const [id, c] of gateway.counters.devices) if (c.connections > c.disconnects) ids.push(id);
  return ids;
}
