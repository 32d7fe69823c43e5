import * as assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import {
  IMAGE_FLAG,
  IMAGE_MAGIC,
  TLV_INFO_MAGIC,
  TLV_PROT_INFO_MAGIC,
  TLV_TYPE,
  firmwarePublicKey,
  parseImage,
  verifyImage,
} from '@fleetward/protocol';
import { generateFirmwareKey, loadSigningKey, publicKeyDer, signImage, trailerSize } from './index.js';
import { FIXTURES, fixtureImage, fixtureKey } from './testing.js';

// The options the fixtures were made with (fixtures README).
const IMGTOOL = { headerSize: 0x200, align: 4, slotSize: 0x4000, padHeader: true } as const;

async function fixtureSigningKey(name: string) {
  return loadSigningKey(await readFile(new URL(`keys/${name}.pem`, FIXTURES))).key;
}

function payloadOf(image: Uint8Array): Uint8Array {
  return parseImage(image).payload;
}

describe('signImage', () => {
  describe('when re-signing a fixture payload with its key and imgtool options', () => {
    it('produces an Ed25519 image byte-identical to imgtool', async () => {
      const fixture = await fixtureImage('valid-ed25519.bin');
      const key = await fixtureSigningKey('ed25519');
      const image = signImage(payloadOf(fixture), key, { ...IMGTOOL, version: '2.0.0+0', securityCounter: 8 });
      assert.deepEqual(Buffer.from(image), Buffer.from(fixture));
    });

    it('produces an ECDSA P-256 image identical to imgtool up to the (randomized) signature', async () => {
      const fixture = await fixtureImage('valid-ecdsa-p256.bin');
      const key = await fixtureSigningKey('ecdsa-p256');
      const image = signImage(payloadOf(fixture), key, { ...IMGTOOL, version: '1.2.3+4', securityCounter: 7 });
      const ours = parseImage(image);
      const theirs = parseImage(fixture);
      const sigAt = theirs.tlvs.entries.at(-1)!.offset;
      assert.equal(ours.tlvs.entries.at(-1)!.offset, sigAt);
      // everything before the unprotected area's length field, then the TLVs before the signature
      const tlvAt = theirs.tlvs.offset;
      assert.deepEqual(Buffer.from(image.subarray(0, tlvAt + 2)), Buffer.from(fixture.subarray(0, tlvAt + 2)));
      assert.deepEqual(
        Buffer.from(image.subarray(tlvAt + 4, sigAt + 2)),
        Buffer.from(fixture.subarray(tlvAt + 4, sigAt + 2)),
      );
      assert.equal(ours.tlvs.entries.at(-1)!.type, TLV_TYPE.ECDSA_SIG);
      assert.equal((await verifyImage(image, await fixtureKey('ecdsa-p256'))).versionText, '1.2.3+4');
    });
  });

  for (const type of ['ed25519', 'ecdsa-p256'] as const) {
    describe(`when signing with a new ${type} key`, () => {
      const pair = generateFirmwareKey(type);
      const key = createPrivateKey(pair.privateKeyPem);
      const input = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
      const image = signImage(input, key, {
        version: '3.4.500+6000',
        securityCounter: 42,
        headerSize: 0x100,
        padHeader: true,
        loadAddr: 0x20000000,
      });

      it('lays out the header field by field (MCUboot docs/design.md "Image format")', () => {
        const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
        assert.equal(v.getUint32(0, true), IMAGE_MAGIC);
        assert.equal(v.getUint32(4, true), 0x20000000);
        assert.equal(v.getUint16(8, true), 0x100);
        assert.equal(v.getUint16(10, true), 12);
        assert.equal(v.getUint32(12, true), 1000);
        assert.equal(v.getUint32(16, true), IMAGE_FLAG.RAM_LOAD);
        assert.deepEqual([image[20], image[21], v.getUint16(22, true), v.getUint32(24, true)], [3, 4, 500, 6000]);
        assert.equal(v.getUint32(28, true), 0);
        assert.ok(
          image.subarray(32, 0x100).every((b) => b === 0xff),
          'header padding is the erased value',
        );
        assert.deepEqual(Buffer.from(image.subarray(0x100, 0x100 + 1000)), Buffer.from(input));
      });

      it('writes SEC_CNT alone in the protected area, then SHA256, KEYHASH and the signature', async () => {
        const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
        const prot = 0x100 + 1000;
        assert.deepEqual([v.getUint16(prot, true), v.getUint16(prot + 2, true)], [TLV_PROT_INFO_MAGIC, 12]);
        assert.deepEqual([v.getUint16(prot + 4, true), v.getUint16(prot + 6, true)], [TLV_TYPE.SEC_CNT, 4]);
        assert.equal(v.getUint32(prot + 8, true), 42);
        const parsed = parseImage(image);
        assert.equal(parsed.tlvs.magic, TLV_INFO_MAGIC);
        assert.equal(parsed.tlvs.offset, prot + 12);
        const sigType = type === 'ed25519' ? TLV_TYPE.ED25519 : TLV_TYPE.ECDSA_SIG;
        assert.deepEqual(
          parsed.tlvs.entries.map((t) => t.type),
          [TLV_TYPE.SHA256, TLV_TYPE.KEYHASH, sigType],
        );
        assert.equal(parsed.size, image.length);
        const keyHash = Buffer.from(await crypto.subtle.digest('SHA-256', publicKeyDer(key)));
        assert.deepEqual(Buffer.from(parsed.tlvs.entries[1]!.value), keyHash);
      });

      it('re-verifies with the public key', async () => {
        const result = await verifyImage(image, firmwarePublicKey(pair.publicKeyPem));
        assert.equal(result.versionText, '3.4.500+6000');
        assert.equal(result.securityCounter, 42);
        assert.equal(result.keyType, type);
      });
    });
  }

  describe('when options are out of range', () => {
    const key = createPrivateKey(generateFirmwareKey('ed25519').privateKeyPem);
    const input = new Uint8Array(64);

    it('refuses a header size below 32 with FW_IMAGE_OPTIONS_INVALID', () => {
      assert.throws(() => signImage(input, key, { version: '1.0.0', headerSize: 16 }), {
        code: 'FW_IMAGE_OPTIONS_INVALID',
      });
    });

    it('refuses input without zeroed header room unless --pad-header (imgtool check_header)', () => {
      const nonZero = new Uint8Array(64).fill(1);
      assert.throws(() => signImage(nonZero, key, { version: '1.0.0', headerSize: 32 }), {
        code: 'FW_IMAGE_OPTIONS_INVALID',
      });
      const image = signImage(input, key, { version: '1.0.0', headerSize: 32 });
      assert.equal(parseImage(image).header.imgSize, 32);
    });

    it('refuses an image that does not fit the slot with its trailer (imgtool check_trailer)', () => {
      assert.equal(trailerSize(4), 128 * 3 * 4 + 8 * 4 + 16);
      assert.throws(() => signImage(input, key, { version: '1.0.0', headerSize: 32, align: 4, slotSize: 1024 }), {
        code: 'FW_IMAGE_OPTIONS_INVALID',
      });
    });

    it('refuses a malformed version with FW_IMAGE_VERSION_INVALID', () => {
      for (const version of ['1.2', '256.0.0', '1.2.3+', 'v1.2.3', '1.2.65536']) {
        assert.throws(() => signImage(input, key, { version, headerSize: 32 }), { code: 'FW_IMAGE_VERSION_INVALID' });
      }
    });

    it('refuses a security counter outside u32', () => {
      assert.throws(() => signImage(input, key, { version: '1.0.0', headerSize: 32, securityCounter: -1 }), {
        code: 'FW_IMAGE_OPTIONS_INVALID',
      });
    });

    it('refuses an RSA or P-384 key with FW_IMAGE_KEY_UNSUPPORTED', async () => {
      const { generateKeyPairSync } = await import('node:crypto');
      const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
      assert.throws(() => signImage(input, p384, { version: '1.0.0', headerSize: 32 }), {
        code: 'FW_IMAGE_KEY_UNSUPPORTED',
      });
      assert.throws(() => loadSigningKey('not a key'), { code: 'FW_IMAGE_KEY_UNSUPPORTED' });
    });
  });
});
