import { seededRandom } from '@fleetward/agent';
import type { Random } from './types.js';

/**
 * The agent's seeded generator (mulberry32) for per-device randomness: the same seed gives the
 * same fleet. Not for secrets.
 */
export const mulberry32: (seed: number) => Random = seededRandom;

/** A stable 32-bit seed from a fleet seed and a device id (FNV-1a). */
export function deviceSeed(fleetSeed: number, deviceId: string): number {
  let h = (0x811c9dc5 ^ fleetSeed) >>> 0;
  for (let i = 0; i < deviceId.length; i++) {
    h ^= deviceId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
