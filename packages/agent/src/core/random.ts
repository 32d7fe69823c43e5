import type { Random } from './platform.js';

/**
 * A seeded generator (mulberry32): the same seed gives the same sequence. For tests and the
 * simulator; not for anything secret.
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Math.random behind the interface. */
export const mathRandom: Random = { next: () => Math.random() };
