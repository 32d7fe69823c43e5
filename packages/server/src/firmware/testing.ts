import { readFile } from 'node:fs/promises';
import { firmwarePublicKey, type FirmwarePublicKey } from '@fleetward/protocol';

/** ../shared/fixtures/mcuboot/ beside the repo, from packages/server/dist/firmware/. */
export const FIXTURES = new URL('../../../../../shared/fixtures/mcuboot/', import.meta.url);

export async function fixtureKey(name: 'ecdsa-p256' | 'ed25519'): Promise<FirmwarePublicKey> {
  return firmwarePublicKey(await readFile(new URL(`keys/${name}.pub.pem`, FIXTURES), 'utf8'));
}

export async function fixtureImage(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(new URL(`images/${name}`, FIXTURES)));
}

/** Deterministic PRNG for seeded tests (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
