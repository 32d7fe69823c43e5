import { randomId, type Clock } from '../kernel/index.js';
import type { Store } from '../store/index.js';
import { knownBadFirmware } from './known-bad-firmware.js';
import { tufExpiring } from './tuf-expiry.js';
import type { Severity } from './types.js';

/** One finding of an audit check (AWS IoT Device Defender audit vocabulary). */
export interface Finding {
  readonly check: string;
  readonly target: string;
  readonly severity: Severity;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditRun {
  readonly runId: string;
  readonly at: string;
  readonly findings: readonly Finding[];
  /** Checks that could not run, and why. */
  readonly skipped: Readonly<Record<string, string>>;
}

export interface AuditInputs {
  /** Devices with a live MQTT session now. */
  readonly connected: () => Iterable<string>;
  /** Gateway-wide CONNECTs refused because the client id differed from the certificate. */
  readonly clientIdRefusals: () => number;
  readonly expiryWarningDays: number;
  readonly silentAfterMs: number;
}

/**
 * Runs every audit check over the store and the gateway's live view, stores the findings under
 * one run id and returns them.
 */
export async function runAuditChecks(store: Store, clock: Clock, inputs: AuditInputs): Promise<AuditRun> {
  const now = clock.now();
  const connected = [...inputs.connected()];
  const findings: Finding[] = [
    ...(await revokedStillConnected(store, connected)),
    ...(await expiringSoon(store, now, inputs.expiryWarningDays)),
    ...(await silent(store, now, inputs.silentAfterMs, new Set(connected))),
    ...(await sharedCertificates(store, now)),
    ...(await knownBadFirmware(store)),
    ...(await tufExpiring(store, now, inputs.expiryWarningDays)),
  ];
  const refusals = inputs.clientIdRefusals();
  if (refusals > 0) {
    findings.push({
      check: 'conflicting-client-ids',
      target: 'gateway',
      severity: 'medium',
      details: { refusedConnects: refusals },
    });
  }
  const runId = randomId('ar');
  if (findings.length > 0) {
    const data = findings.map((f) => ({ c: f.check, t: f.target, s: f.severity, d: f.details }));
    await store.query(
      `insert into monitor_audit_findings (run_id, at, check_name, target, severity, details)
       select $2, $3, x.c, x.t, x.s, x.d from jsonb_to_recordset($1::jsonb) as x(c text, t text, s text, d jsonb)`,
      [JSON.stringify(data), runId, now],
    );
  }
  return { runId, at: now.toISOString(), findings, skipped: {} };
}

async function revokedStillConnected(store: Store, connected: string[]): Promise<Finding[]> {
  if (connected.length === 0) return [];
  const r = await store.query<{ id: string; state: string }>(
    `select id, state from devices where id = any($1::text[]) and state in ('revoked', 'retired')`,
    [connected],
  );
  return r.rows.map((d) => ({
    check: 'revoked-device-certificate-still-active',
    target: `device:${d.id}`,
    severity: 'critical' as const,
    details: { state: d.state },
  }));
}

async function expiringSoon(store: Store, now: Date, days: number): Promise<Finding[]> {
  const r = await store.query<{ serial: string; device_id: string; not_after: Date }>(
    `select c.serial, c.device_id, c.not_after from certificates c join devices d on d.id = c.device_id
     where c.status = 'valid' and d.state in ('active', 'quarantined') and c.not_after < $1
     order by c.not_after limit 1000`,
    [new Date(now.getTime() + days * 86_400_000)],
  );
  return r.rows.map((c) => ({
    check: 'device-certificate-expiring',
    target: `device:${c.device_id}`,
    severity: c.not_after < now ? ('high' as const) : ('medium' as const),
    details: { serial: c.serial, notAfter: c.not_after.toISOString() },
  }));
}

/** Devices never seen (no metrics window, no telemetry) or silent longer than `afterMs`. */
async function silent(store: Store, now: Date, afterMs: number, connected: Set<string>): Promise<Finding[]> {
  const r = await store.query<{ id: string; last: Date | null }>(
    `select d.id, greatest(
       (select max(window_start) from monitor_windows w where w.device_id = d.id),
       (select max(received_at) from telemetry_rows t where t.device_id = d.id),
       (select max(last_at) from telemetry_chunks c where c.device_id = d.id)) as last
     from devices d where d.state = 'active' and d.enrolled_at < $1 limit 10000`,
    [new Date(now.getTime() - afterMs)],
  );
  return r.rows
    .filter((d) => !connected.has(d.id) && (d.last === null || d.last.getTime() < now.getTime() - afterMs))
    .map((d) => ({
      check: d.last === null ? 'device-never-seen' : 'device-silent',
      target: `device:${d.id}`,
      severity: 'low' as const,
      details: { lastSeen: d.last?.toISOString() ?? null },
    }));
}

/**
 * One certificate used by several devices at once: the session of its device is taken over
 * again and again (connections and disconnects in the same windows), as AWS's
 * DEVICE_CERTIFICATE_SHARED_CHECK infers it. Last hour of gateway windows.
 */
async function sharedCertificates(store: Store, now: Date): Promise<Finding[]> {
  const r = await store.query<{ device_id: string; connections: number; disconnects: number }>(
    `select device_id, sum((metrics->>'num-connections')::int)::int as connections,
       sum((metrics->>'num-disconnects')::int)::int as disconnects
     from monitor_windows where source = 'gateway' and window_start > $1
     group by device_id having sum((metrics->>'num-connections')::int) >= 10
       and sum((metrics->>'num-disconnects')::int) >= 10`,
    [new Date(now.getTime() - 3_600_000)],
  );
  return r.rows.map((d) => ({
    check: 'device-certificate-shared',
    target: `device:${d.device_id}`,
    severity: 'high' as const,
    details: { connectionsLastHour: d.connections, disconnectsLastHour: d.disconnects },
  }));
}
