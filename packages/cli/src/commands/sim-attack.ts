import {
  ATTACK_KINDS,
  SimAttack,
  type AttackKind,
  type AttackSummary,
  type FleetHooks,
  type SimDevice,
} from '@fleetward/sim';
import { parseDuration } from '../args.js';
import { api, type ServerRef } from '../client.js';
import { cliError } from '../errors.js';

/** `--attack` settings of `fleetward sim`. */
export interface AttackPlan {
  readonly kind: AttackKind;
  readonly infected: number;
  /** Sending time before the infection (the detectors' warm-up). */
  readonly infectAfterMs: number;
  readonly metricsIntervalMs?: number;
}

export function attackPlan(
  values: { attack?: string; infected?: string; 'infect-after'?: string; 'metrics-interval'?: string },
  devices: number,
  durationMs: number | undefined,
): AttackPlan | undefined {
  if (values.attack === undefined) {
    if (values.infected !== undefined || values['infect-after'] !== undefined)
      throw cliError('FW_CLI_USAGE', '--infected and --infect-after need --attack');
    return undefined;
  }
  const kind = values.attack as AttackKind;
  if (!ATTACK_KINDS.includes(kind))
    throw cliError('FW_CLI_USAGE', `--attack must be one of ${ATTACK_KINDS.join(', ')}`);
  const infected = Number(values.infected ?? 1);
  if (!Number.isInteger(infected) || infected < 1 || infected > devices) {
    throw cliError('FW_CLI_USAGE', '--infected must be 1 to --devices');
  }
  const after = values['infect-after'];
  const infectAfterMs = after !== undefined ? parseDuration(after) : Math.round((durationMs ?? 180_000) / 3);
  const every = values['metrics-interval'];
  return { kind, infected, infectAfterMs, ...(every === undefined ? {} : { metricsIntervalMs: parseDuration(every) }) };
}

/** The attack for the enrolled fleet (built once the device ids are known). */
export function attackFor(
  plan: AttackPlan,
  seed: number,
): {
  hooks: (d: readonly SimDevice[]) => FleetHooks;
  get: () => SimAttack | undefined;
} {
  let attack: SimAttack | undefined;
  return {
    hooks: (devices) => (attack = new SimAttack(plan.kind, devices, plan.infected, seed)).hooks(plan.metricsIntervalMs),
    get: () => attack,
  };
}

export interface AttackReport extends AttackSummary {
  /** Fleet devices with an alert that were never infected. */
  readonly falsePositives: readonly string[];
}

/**
 * Watches the server until every infected device is contained, `deadline` passes or `signal`
 * aborts: polls each infected device's alerts and state (ground truth: first seen).
 */
export async function watchAttack(
  server: ServerRef,
  attack: SimAttack,
  deadline: number,
  signal: AbortSignal,
): Promise<void> {
  const pending = new Set(attack.infected);
  while (pending.size > 0 && Date.now() < deadline && !signal.aborted) {
    for (const id of [...pending]) {
      const now = Date.now();
      // state first: a playbook contains only after the alert is stored, so the alert query
      // below always sees the alert behind a containment it saw
      const state = (await api<{ state: string }>(server, 'GET', `/api/v1/devices/${id}`)).state;
      if ((await alertsOf(server, id, 1)).length > 0) attack.truth.alerted(id, now);
      if (state === 'quarantined' || state === 'revoked') {
        attack.truth.contained(id, now);
        pending.delete(id);
      }
    }
    await pause(250, signal);
  }
}

/** The summary's attack part, with false positives among `devices`. */
export async function attackReport(
  server: ServerRef,
  attack: SimAttack,
  devices: readonly string[],
): Promise<AttackReport> {
  for (const id of attack.infected) {
    if ((await alertsOf(server, id, 1)).length > 0) attack.truth.alerted(id, Date.now());
  }
  const fleet = new Set(devices);
  const alerted = new Set((await alertsOf(server, undefined, 1000)).map((a) => a.deviceId));
  const infected = new Set(attack.infected);
  const falsePositives = [...alerted].filter((id) => fleet.has(id) && !infected.has(id)).sort();
  return { ...attack.truth.summary(), falsePositives };
}

function alertsOf(server: ServerRef, device: string | undefined, limit: number): Promise<{ deviceId: string }[]> {
  const q = `limit=${limit}${device === undefined ? '' : `&device=${encodeURIComponent(device)}`}`;
  return api<{ alerts: { deviceId: string }[] }>(server, 'GET', `/api/v1/alerts?${q}`).then((r) => r.alerts);
}

/** Resolves after `ms` (Infinity: never) or when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
