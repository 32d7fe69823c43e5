import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyImage } from '@fleetward/protocol';
import { fixtureImage, fixtureKey } from './testing.js';

type Expected = { ok: true; version: string; counter: number } | { ok: false; code: string };

// The README of the fixtures: what imgtool verify says, and what we must answer.
const CASES: ReadonlyArray<[image: string, key: 'ecdsa-p256' | 'ed25519', expected: Expected]> = [
  ['valid-ecdsa-p256.bin', 'ecdsa-p256', { ok: true, version: '1.2.3+4', counter: 7 }],
  ['valid-ed25519.bin', 'ed25519', { ok: true, version: '2.0.0+0', counter: 8 }],
  ['wrong-key-ecdsa-p256.bin', 'ecdsa-p256', { ok: false, code: 'FW_IMAGE_KEY_MISMATCH' }],
  ['unsigned.bin', 'ecdsa-p256', { ok: false, code: 'FW_IMAGE_NO_SIGNATURE' }],
  ['unsigned.bin', 'ed25519', { ok: false, code: 'FW_IMAGE_NO_SIGNATURE' }],
  ['tampered-payload-ecdsa-p256.bin', 'ecdsa-p256', { ok: false, code: 'FW_IMAGE_HASH_MISMATCH' }],
  ['bad-signature-ed25519.bin', 'ed25519', { ok: false, code: 'FW_IMAGE_SIGNATURE_INVALID' }],
  ['truncated-ecdsa-p256.bin', 'ecdsa-p256', { ok: false, code: 'FW_IMAGE_TRUNCATED' }],
  // Each image signed with one algorithm is refused by the key of the other.
  ['valid-ecdsa-p256.bin', 'ed25519', { ok: false, code: 'FW_IMAGE_KEY_MISMATCH' }],
  ['wrong-key-ecdsa-p256.bin', 'ed25519', { ok: false, code: 'FW_IMAGE_KEY_MISMATCH' }],
  ['valid-ed25519.bin', 'ecdsa-p256', { ok: false, code: 'FW_IMAGE_KEY_MISMATCH' }],
  ['bad-signature-ed25519.bin', 'ecdsa-p256', { ok: false, code: 'FW_IMAGE_KEY_MISMATCH' }],
];

describe('verifyImage on the imgtool-made fixtures', () => {
  for (const [image, key, expected] of CASES) {
    const outcome = expected.ok ? `accepts it as ${expected.version}, counter ${expected.counter}` : expected.code;
    it(`${image} with the ${key} key: ${outcome}`, async () => {
      const verifying = verifyImage(await fixtureImage(image), await fixtureKey(key));
      if (!expected.ok) return assert.rejects(verifying, { code: expected.code });
      const result = await verifying;
      assert.equal(result.versionText, expected.version);
      assert.equal(result.securityCounter, expected.counter);
      assert.equal(result.keyType, key);
      assert.match(result.digest, /^[0-9a-f]{64}$/);
    });
  }

  it('reports the SHA256 TLV value as the digest', async () => {
    const bytes = await fixtureImage('valid-ed25519.bin');
    const result = await verifyImage(bytes, await fixtureKey('ed25519'));
    // unprotected TLV area at 0x200 + 0x1000 + 12; the SHA256 value follows its 4-byte TLV header
    const at = 0x200 + 0x1000 + 12 + 4 + 4;
    assert.equal(result.digest, Buffer.from(bytes.subarray(at, at + 32)).toString('hex'));
  });
});
