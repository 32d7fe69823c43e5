import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFleetwardError, parseImage, verifyImage, type FirmwarePublicKey } from '@fleetward/protocol';
import { fixtureImage, fixtureKey, seededRandom } from './testing.js';

const MUTATIONS_PER_IMAGE = 2000;

type Mutation = (b: Uint8Array, rnd: () => number) => Uint8Array;

const at = (b: Uint8Array, rnd: () => number) => Math.floor(rnd() * b.length);
/** Offsets where structure lives: the 32-byte header and the TLV areas at the end. */
const structural = (b: Uint8Array, rnd: () => number) =>
  rnd() < 0.5 ? Math.floor(rnd() * 32) : b.length - 1 - Math.floor(rnd() * Math.min(b.length, 200));

const MUTATIONS: Record<string, Mutation> = {
  flipBit: (b, rnd) => {
    const c = Uint8Array.from(b);
    c[at(b, rnd)]! ^= 1 << Math.floor(rnd() * 8);
    return c;
  },
  randomStructuralByte: (b, rnd) => {
    const c = Uint8Array.from(b);
    c[structural(b, rnd)] = Math.floor(rnd() * 256);
    return c;
  },
  extremeU16: (b, rnd) => {
    const c = Uint8Array.from(b);
    const i = Math.min(structural(b, rnd), b.length - 2);
    const v = [0, 1, 3, 4, 0x7fff, 0xffff][Math.floor(rnd() * 6)]!;
    c[i] = v & 0xff;
    c[i + 1] = v >> 8;
    return c;
  },
  truncate: (b, rnd) => b.slice(0, at(b, rnd)),
  append: (b, rnd) => {
    const c = new Uint8Array(b.length + 1 + Math.floor(rnd() * 64));
    c.set(b);
    for (let i = b.length; i < c.length; i++) c[i] = Math.floor(rnd() * 256);
    return c;
  },
  spliceTlvs: (b, rnd) => {
    const from = structural(b, rnd);
    const len = Math.floor(rnd() * 16);
    const c = new Uint8Array(b.length + len);
    c.set(b.subarray(0, from));
    c.set(b.subarray(from - len < 0 ? 0 : from - len, from), from);
    c.set(b.subarray(from), from + len);
    return c;
  },
};

async function fuzz(name: string, key: FirmwarePublicKey, seed: number): Promise<Record<string, number>> {
  const original = await fixtureImage(name);
  const signed = parseImage(original).signedRegion;
  const rnd = seededRandom(seed);
  const kinds = Object.keys(MUTATIONS);
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < MUTATIONS_PER_IMAGE; i++) {
    const kind = kinds[Math.floor(rnd() * kinds.length)]!;
    const mutated = MUTATIONS[kind]!(original, rnd);
    try {
      const result = await verifyImage(mutated, key);
      // A mutant may pass only when the signed bytes are untouched (e.g. bytes appended after the TLVs).
      assert.deepEqual(Buffer.from(mutated.subarray(0, signed.length)), Buffer.from(signed), `${kind} #${i}`);
      assert.equal(result.size <= mutated.length, true);
      outcomes.accepted = (outcomes.accepted ?? 0) + 1;
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      assert.ok(isFleetwardError(err), `${kind} #${i} threw a non-Fleetward error: ${String(err)}`);
      assert.match(err.code, /^FW_IMAGE_/);
      outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
    }
  }
  return outcomes;
}

describe('verifyImage on hostile images', () => {
  it('answers every seeded mutation of a valid ECDSA image with a coded FW_IMAGE_ error or the original', async () => {
    const outcomes = await fuzz('valid-ecdsa-p256.bin', await fixtureKey('ecdsa-p256'), 0x5eed1);
    assert.ok((outcomes.FW_IMAGE_HASH_MISMATCH ?? 0) > 0);
    assert.ok((outcomes.FW_IMAGE_TRUNCATED ?? 0) > 0);
    assert.ok((outcomes.FW_IMAGE_SIGNATURE_INVALID ?? 0) > 0);
  });

  it('answers every seeded mutation of a valid Ed25519 image with a coded FW_IMAGE_ error or the original', async () => {
    const outcomes = await fuzz('valid-ed25519.bin', await fixtureKey('ed25519'), 0x5eed2);
    assert.ok((outcomes.FW_IMAGE_TLV_INVALID ?? 0) > 0);
  });

  it('refuses a TLV whose length runs past its area', async () => {
    const image = await fixtureImage('valid-ed25519.bin');
    const c = Uint8Array.from(image);
    const firstTlv = parseImage(image).tlvs.offset + 4;
    c[firstTlv + 2] = 0xff;
    c[firstTlv + 3] = 0xff;
    assert.throws(() => parseImage(c), { code: 'FW_IMAGE_TLV_INVALID' });
  });

  it('refuses an image size that overflows the buffer with FW_IMAGE_TRUNCATED', async () => {
    const c = Uint8Array.from(await fixtureImage('valid-ed25519.bin'));
    c.set([0xff, 0xff, 0xff, 0xff], 12);
    assert.throws(() => parseImage(c), { code: 'FW_IMAGE_TRUNCATED' });
  });

  it('refuses a header size below 32 and encrypted images with FW_IMAGE_HEADER_INVALID', async () => {
    const image = await fixtureImage('valid-ed25519.bin');
    const small = Uint8Array.from(image);
    small.set([16, 0], 8);
    assert.throws(() => parseImage(small), { code: 'FW_IMAGE_HEADER_INVALID' });
    const encrypted = Uint8Array.from(image);
    encrypted[16] = 0x04;
    assert.throws(() => parseImage(encrypted), { code: 'FW_IMAGE_HEADER_INVALID' });
  });

  it('refuses an empty buffer and a wrong magic with coded errors', () => {
    assert.throws(() => parseImage(new Uint8Array(0)), { code: 'FW_IMAGE_TRUNCATED' });
    assert.throws(() => parseImage(new Uint8Array(64)), { code: 'FW_IMAGE_BAD_MAGIC' });
  });
});
