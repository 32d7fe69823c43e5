import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli } from './harness.js';

const FIXTURES = fileURLToPath(new URL('../../../../../shared/fixtures/mcuboot/', import.meta.url));

describe('fleetward firmware (e2e)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fw-firmware-'));
  });
  after(async () => {
    await removeDir(dir);
  });

  for (const type of ['ed25519', 'ecdsa-p256'] as const) {
    it(`keygen --type ${type} writes a 0600 PKCS#8 key and an SPKI public key, sign and verify round-trip`, async () => {
      const keys = join(dir, type);
      const kg = await runCli(['firmware', 'keygen', '--type', type, '--out', keys]);
      assert.equal(kg.code, 0, kg.stderr);
      assert.equal((await stat(join(keys, 'firmware.key'))).mode & 0o777, 0o600);
      assert.match(await readFile(join(keys, 'firmware.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
      assert.match(await readFile(join(keys, 'firmware.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
      const again = await runCli(['firmware', 'keygen', '--type', type, '--out', keys]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /FW_FIRMWARE_KEY_EXISTS/);

      const input = join(dir, `${type}.raw`);
      const image = join(dir, `${type}.bin`);
      await writeFile(input, Buffer.alloc(3000, 7));
      const signed = await runCli([
        'firmware',
        'sign',
        '--key',
        join(keys, 'firmware.key'),
        '--version',
        '1.2.3+4',
        '--security-counter',
        '9',
        '--header-size',
        '0x200',
        '--align',
        '4',
        '--slot-size',
        '0x4000',
        '--pad-header',
        input,
        image,
      ]);
      assert.equal(signed.code, 0, signed.stderr);
      const verified = await runCli(['firmware', 'verify', '--key', join(keys, 'firmware.pub'), image, '--json']);
      assert.equal(verified.code, 0, verified.stderr);
      const result = JSON.parse(verified.stdout) as { version: string; securityCounter: number; digest: string };
      assert.equal(result.version, '1.2.3+4');
      assert.equal(result.securityCounter, 9);
      assert.match(result.digest, /^[0-9a-f]{64}$/);
    });
  }

  it('verify prints version, counter and digest of an imgtool fixture and exits 0', async () => {
    const r = await runCli([
      'firmware',
      'verify',
      '--key',
      join(FIXTURES, 'keys/ed25519.pub.pem'),
      join(FIXTURES, 'images/valid-ed25519.bin'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok version 2\.0\.0\+0 security-counter 8 sha256 [0-9a-f]{64}\n$/);
  });

  for (const [image, code] of [
    ['tampered-payload-ecdsa-p256.bin', 'FW_IMAGE_HASH_MISMATCH'],
    ['wrong-key-ecdsa-p256.bin', 'FW_IMAGE_KEY_MISMATCH'],
    ['truncated-ecdsa-p256.bin', 'FW_IMAGE_TRUNCATED'],
    ['unsigned.bin', 'FW_IMAGE_NO_SIGNATURE'],
  ] as const) {
    it(`verify exits 1 with ${code} for ${image}`, async () => {
      const key = join(FIXTURES, 'keys/ecdsa-p256.pub.pem');
      const r = await runCli(['firmware', 'verify', '--key', key, join(FIXTURES, 'images', image), '--json']);
      assert.equal(r.code, 1);
      assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, code);
      assert.match(r.stderr, new RegExp(`^error ${code}`));
    });
  }

  it('sign with an unknown option or missing operands is a usage error', async () => {
    const r = await runCli(['firmware', 'sign', '--key', 'k', '--bogus']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FW_CLI_USAGE/);
  });
});
