import { rolloutError } from './errors.js';
import { DEVICE_STEPS, type DeviceStep } from './waves.js';

/** One `devices/<id>/updates/status` report (the agent's OTA loop). */
export interface StatusReport {
  readonly rollout: string;
  readonly release: string;
  readonly step: DeviceStep;
  readonly version: string | null;
  readonly error: string | null;
}

const ID = /^[A-Za-z0-9][\w.+~-]{0,127}$/;
const CODE = /^FW_[A-Z0-9_]{1,60}$/;
const MAX_REPORT = 4096;

/** Parses a hostile device report: bounded, JSON, known step, ids and code shaped as ours. */
export function parseStatus(payload: Uint8Array): StatusReport {
  const bad = (why: string) => rolloutError('FW_ROLLOUT_STATUS_INVALID', why);
  if (payload.byteLength > MAX_REPORT) throw bad('status report too large');
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as Record<string, unknown>;
  } catch {
    throw bad('status report is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('status report is not an object');
  const { rollout, release, step, version, error } = v;
  if (typeof rollout !== 'string' || !ID.test(rollout)) throw bad('bad rollout id');
  if (typeof release !== 'string' || !ID.test(release)) throw bad('bad release name');
  if (typeof step !== 'string' || !(DEVICE_STEPS as readonly string[]).includes(step)) throw bad('unknown step');
  if (version !== undefined && (typeof version !== 'string' || !ID.test(version))) throw bad('bad version');
  if (error !== undefined && (typeof error !== 'string' || !CODE.test(error))) throw bad('bad error code');
  return {
    rollout,
    release,
    step: step as DeviceStep,
    version: (version as string | undefined) ?? null,
    error: (error as string | undefined) ?? null,
  };
}
