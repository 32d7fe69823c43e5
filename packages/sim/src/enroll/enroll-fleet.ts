import { enrollDevice } from '@fleetward/agent';
import { rm } from 'node:fs/promises';
import { isFleetwardError } from '@fleetward/protocol';
import { modelFor, type TelemetryModel } from '../models/index.js';
import { deviceDir, loadCached, simDeviceId, type SimCredentials } from './cache.js';
import { forEachLimited } from './pool.js';

export interface SimDevice {
  /** Position in the fleet, 0-based: also picks the model of a mixed fleet. */
  readonly index: number;
  readonly id: string;
  readonly model: TelemetryModel;
  readonly dir: string;
  readonly credentials: SimCredentials;
}

export interface EnrollFleetOptions {
  /** https://host:port of the server (EST). */
  readonly server: string;
  readonly caPem: string;
  /** Cache root: devices live in `<dataDir>/sim/<model>/<id>/`. */
  readonly dataDir: string;
  readonly devices: number;
  /** A model name or `mixed`. */
  readonly model: string;
  /** Makes a claim token for `uses` enrollments of `model` (POST /api/v1/claims). */
  readonly createClaim: (model: string, uses: number) => Promise<string>;
  /** Parallel enrollments (each: key generation + two HTTPS requests). Default 8. */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, cached: number) => void;
}

interface Slot {
  readonly index: number;
  readonly model: TelemetryModel;
  number: number;
}

/**
 * Enrolls a fleet (RFC 7030 §4.2.1 per device, through the agent's `enrollDevice`), reusing
 * every device already cached for this server's CA. One claim token per model covers all the
 * devices still to enroll. An id the server already knows (cache lost) is skipped for the next
 * free number of that model.
 */
export async function enrollFleet(options: EnrollFleetOptions): Promise<{ devices: SimDevice[]; cached: number }> {
  const slots = planSlots(options.model, options.devices);
  const devices: SimDevice[] = new Array<SimDevice>(slots.length);
  let done = 0;
  let cached = 0;
  const missing: Slot[] = [];
  for (const slot of slots) {
    const id = simDeviceId(slot.model.name, slot.number);
    const dir = deviceDir(options.dataDir, slot.model.name, id);
    const credentials = await loadCached(dir, id, options.caPem);
    if (credentials === undefined) missing.push(slot);
    else {
      devices[slot.index] = { index: slot.index, id, model: slot.model, dir, credentials };
      cached++;
      done++;
    }
  }
  options.onProgress?.(done, cached);
  const claims = await claimsFor(missing, options.createClaim);
  const nextNumber = new Map<string, number>();
  for (const s of slots) nextNumber.set(s.model.name, Math.max(nextNumber.get(s.model.name) ?? 0, s.number + 1));
  await forEachLimited(missing.length, options.concurrency ?? 8, async (i) => {
    const slot = missing[i]!;
    devices[slot.index] = await enrollSlot(options, slot, claims.get(slot.model.name)!, nextNumber);
    done++;
    options.onProgress?.(done, cached);
  });
  return { devices, cached };
}

function planSlots(model: string, count: number): Slot[] {
  const perModel = new Map<string, number>();
  const slots: Slot[] = [];
  for (let index = 0; index < count; index++) {
    const m = modelFor(model, index);
    if (m === undefined) throw new RangeError(`unknown model ${model}`);
    const number = (perModel.get(m.name) ?? 0) + 1;
    perModel.set(m.name, number);
    slots.push({ index, model: m, number });
  }
  return slots;
}

async function claimsFor(missing: readonly Slot[], create: EnrollFleetOptions['createClaim']) {
  const uses = new Map<string, number>();
  for (const s of missing) uses.set(s.model.name, (uses.get(s.model.name) ?? 0) + 1);
  const claims = new Map<string, string>();
  for (const [model, n] of uses) claims.set(model, await create(model, n));
  return claims;
}

async function enrollSlot(
  options: EnrollFleetOptions,
  slot: Slot,
  claimToken: string,
  nextNumber: Map<string, number>,
): Promise<SimDevice> {
  for (let attempt = 0; ; attempt++) {
    const id = simDeviceId(slot.model.name, slot.number);
    const dir = deviceDir(options.dataDir, slot.model.name, id);
    const cached = attempt > 0 ? await loadCached(dir, id, options.caPem) : undefined;
    if (cached !== undefined) return { index: slot.index, id, model: slot.model, dir, credentials: cached };
    try {
      await enrollDevice({ server: options.server, caPem: options.caPem, claimToken, deviceId: id, outDir: dir });
      const credentials = await loadCached(dir, id, options.caPem);
      if (credentials === undefined) throw new Error(`enrolled ${id} but its files are missing`);
      return { index: slot.index, id, model: slot.model, dir, credentials };
    } catch (err) {
      const taken = isFleetwardError(err) && err.message.includes('FW_DEVICE_ID_TAKEN');
      if (!taken || attempt >= 100) throw err;
      await rm(dir, { recursive: true, force: true });
      const n = nextNumber.get(slot.model.name)!;
      nextNumber.set(slot.model.name, n + 1);
      slot.number = n;
    }
  }
}
