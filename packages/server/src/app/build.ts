import { join } from 'node:path';
import { auditRoutes, createAuditLog, type StoredAuditLog } from '../audit/index.js';
import { buildHttp, buildOpenApi, type Http } from '../api/index.js';
import { fleetRoutes, watchDeviceStates, type DeviceActionHook } from '../fleet/index.js';
import { createGateway, type Gateway } from '../gateway/index.js';
import { enrollmentAdminRoutes, estRoutes, Identity } from '../identity/index.js';
import { FleetEvents, systemClock, type Clock, type Context, type Logger } from '../kernel/index.js';
import { createOperators, type Operators } from '../operators/index.js';
import { Privacy, privacyRoutes } from '../privacy/index.js';
import { openMonitoring, type Monitoring } from '../response/index.js';
import { loadMasterKey, Sealer } from '../secrets/index.js';
import { Rollouts, rolloutRoutes } from '../rollouts/index.js';
import { openStore, type Store } from '../store/index.js';
import { TelemetryWriter, telemetryRoutes } from '../telemetry/index.js';
import { openUpdates, type Updates } from '../updates/index.js';
import type { ServerConfig } from './config.js';
import { ensureDataDir } from './files.js';
import { jsonLogger } from './logger.js';
import { systemRoutes } from './system-routes.js';

/** The whole platform, built but not listening: tests use `http.app.inject()`. */
export interface Fleetward {
  readonly config: ServerConfig;
  readonly ctx: Context;
  readonly store: Store;
  readonly audit: StoredAuditLog;
  readonly identity: Identity;
  readonly operators: Operators;
  readonly http: Http;
  readonly gateway: Gateway;
  readonly updates: Updates;
  readonly monitoring: Monitoring;
  readonly rollouts: Rollouts;
}

export interface BuildDeps {
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly env?: NodeJS.ProcessEnv;
}

/** Wires the capabilities: identity feeds the gateway's hooks, state changes reach live sessions. */
export async function buildFleetward(config: ServerConfig, deps: BuildDeps = {}): Promise<Fleetward> {
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? jsonLogger();
  if (config.dataDir) await ensureDataDir(config.dataDir);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir && !config.databaseUrl ? join(config.dataDir, 'db') : undefined,
  });
  try {
    const sealer = new Sealer(await loadMasterKey(config.dataDir, deps.env));
    const audit = createAuditLog(store, clock);
    const ctx: Context = { store, clock, events: new FleetEvents(), log, audit };
    const identity = await Identity.open(ctx, {
      sealer,
      tlsHostnames: config.publicNames,
      deviceCertDays: config.deviceCertDays,
    });
    const operators = createOperators(ctx);
    const http = buildHttp({ log, authenticate: operators.authenticateToken, https: identity.serverTls });
    // The embedded store admits one process (a lock file): every consent, ownership and catalog
    // change passes through this one and invalidates its cached decisions, so they need no expiry.
    // PostgreSQL may be shared by several processes: the default expiry bounds what they miss.
    const privacy = new Privacy(ctx, {
      sealer,
      ...(store.kind === 'pglite' ? { decisionTtlMs: Number.POSITIVE_INFINITY } : {}),
    });
    const late: { monitoring?: Monitoring; rollouts?: Rollouts } = {};
    // OTA status reports go to rollouts; every other device topic to monitoring.
    const gateway = await buildGateway(ctx, identity, privacy, (id, kind, p) =>
      kind === 'updates/status' ? late.rollouts!.ingest(id, p) : late.monitoring!.ingest(id, kind, p),
    );
    const updates = await openUpdates(ctx, sealer);
    const act: DeviceActionHook = async (id, action, actor, reason) => {
      if (action === 'revoke') await identity.revokeDevice(id, 'keyCompromise', actor);
      else
        await identity.setDeviceState(
          id,
          action === 'release' ? 'active' : action === 'retire' ? 'retired' : 'quarantined',
          actor,
        );
      if (reason) log.info({ deviceId: id, action, actor, reason }, 'device action');
    };
    await http.app.register(estRoutes(identity));
    await http.app.register(enrollmentAdminRoutes(identity));
    await http.app.register(operators.routes);
    await http.app.register(auditRoutes(audit, store));
    await http.app.register(fleetRoutes(store, act));
    await http.app.register(telemetryRoutes(store));
    await http.app.register(privacyRoutes(privacy, store));
    await http.app.register(updates.routes);
    const rollouts = (late.rollouts = openRollouts(ctx, gateway, deps.env ?? process.env));
    await http.app.register(rolloutRoutes(rollouts, ctx));
    updates.onKnownBad(() => rollouts.pauseKnownBad()); // a known-bad release stops rolling out at once
    http.app.addHook('onClose', () => rollouts.close());
    const monitoring = (late.monitoring = await openMonitoring(ctx, {
      identity,
      gateway,
      env: deps.env ?? process.env,
      rollouts,
    }));
    for (const routes of monitoring.routes) await http.app.register(routes);
    http.app.addHook('onClose', () => monitoring.close());
    monitoring.start();
    await http.app.register(
      systemRoutes(
        () => buildOpenApi(http.routes),
        () => gateway.stats(),
      ),
    );
    return { config, ctx, store, audit, identity, operators, http, gateway, updates, monitoring, rollouts };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function buildGateway(
  ctx: Context,
  identity: Identity,
  privacy: Privacy,
  ingest: (deviceId: string, kind: string, payload: Buffer) => Promise<void>,
): Promise<Gateway> {
  let crls: Buffer[] | undefined;
  // Group commit: one INSERT (one fsync) per batch of telemetry; each publish resolves after its batch.
  const telemetry = new TelemetryWriter(ctx.store, ctx.clock);
  const gateway = createGateway({
    tls: {
      key: identity.serverTls.key,
      cert: identity.serverTls.cert,
      ca: identity.chainDer.map(derToPem),
      crl: () => crls,
    },
    log: ctx.log,
    clock: ctx.clock,
    hooks: {
      authenticate: async (der) => {
        const device = await identity.verifyDeviceCertificate(der);
        return { deviceId: device.deviceId, state: device.state };
      },
      ingestTelemetry: async (deviceId, payload) => {
        await telemetry.ingest(deviceId, payload, { minimize: privacy.minimize });
      },
      ingest,
    },
  });
  // Revocation reaches live sessions at once; the CRL follows for new handshakes.
  ctx.events.on('device.state', ({ deviceId, state }) => gateway.setState(deviceId, state));
  // Several servers may share a PostgreSQL store: another one's revocation reaches ours within
  // STATE_WATCH_MS. The embedded store has one process, whose changes arrive as events.
  const states =
    ctx.store.kind === 'postgres'
      ? watchDeviceStates(
          ctx.store,
          () => ctx.clock.now(),
          (id, state) => gateway.setState(id, state),
          STATE_WATCH_MS,
          (err) => ctx.log.error({ err }, 'device state watch failed'),
        )
      : undefined;
  const refreshCrl = () =>
    identity.chainCrls().then(
      (next) => {
        if (crls && next.every((der, i) => der.equals(crls![i]!))) return;
        crls = next;
        gateway.setCrl(next);
      },
      (err: unknown) => ctx.log.error({ err }, 'CRL refresh failed'),
    );
  ctx.events.on('crl.updated', refreshCrl);
  await refreshCrl();
  // CRLs are re-signed every 12 h (nextUpdate 48 h) and other processes may revoke: look often.
  const timer = setInterval(refreshCrl, CRL_REFRESH_MS);
  timer.unref();
  const close = gateway.close.bind(gateway);
  return Object.assign(gateway, {
    close: async () => {
      clearInterval(timer);
      states?.stop();
      await close();
      await telemetry.close();
    },
  });
}

const CRL_REFRESH_MS = 60_000;
const STATE_WATCH_MS = 2_000;

/** Rollouts notify devices through the gateway; tick and re-notify periods from the environment (tests). */
function openRollouts(ctx: Context, gateway: Gateway, env: NodeJS.ProcessEnv): Rollouts {
  const ms = (name: string) => (Number(env[name]) > 0 ? Number(env[name]) : undefined);
  const tickMs = ms('FLEETWARD_ROLLOUT_TICK_MS');
  const renotifyMs = ms('FLEETWARD_ROLLOUT_RENOTIFY_MS');
  const rollouts = new Rollouts(ctx, {
    notify: async (deviceId, notice) =>
      (await gateway.publish(`devices/${deviceId}/updates/available`, JSON.stringify(notice), { qos: 1 })).delivered,
    ...(tickMs === undefined ? {} : { tickMs }),
    ...(renotifyMs === undefined ? {} : { renotifyMs }),
  });
  rollouts.startTimer();
  return rollouts;
}

function derToPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
