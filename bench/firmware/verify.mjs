#!/usr/bin/env node
// Benchmark (not a test): time to verify a signed MCUboot image, per MiB, against
// `openssl dgst -sha256` of the same file (the hashing floor every verifier pays).
// Usage: npm run build && node bench/firmware/verify.mjs [MiB=16] [rounds=5]
import { spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firmwarePublicKey, verifyImage } from '@fleetward/protocol';
import { generateFirmwareKey, signImage } from '@fleetward/server';

const mib = Number(process.argv[2] ?? 16);
const rounds = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-'));
const payload = randomBytes(mib * 1024 * 1024);

function best(fn) {
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return min;
}

async function bestAsync(fn) {
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    await fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return min;
}

try {
  const rows = [];
  for (const type of ['ed25519', 'ecdsa-p256']) {
    const pair = generateFirmwareKey(type);
    const image = signImage(payload, createPrivateKey(pair.privateKeyPem), {
      version: '1.0.0+0',
      securityCounter: 1,
      headerSize: 0x200,
      padHeader: true,
    });
    const file = join(dir, `${type}.bin`);
    writeFileSync(file, image);
    const key = firmwarePublicKey(pair.publicKeyPem);
    const ours = await bestAsync(() => verifyImage(image, key));
    const openssl = best(() => {
      const r = spawnSync('openssl', ['dgst', '-sha256', file]);
      if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    });
    rows.push({ type, ours: ours / mib, openssl: openssl / mib });
  }
  console.log(`verify a ${mib} MiB image, best of ${rounds} (ms per MiB)`);
  console.log('key          fleetward verify   openssl dgst -sha256   ratio');
  for (const r of rows) {
    console.log(
      `${r.type.padEnd(12)} ${r.ours.toFixed(3).padStart(16)}   ${r.openssl.toFixed(3).padStart(20)}   ${(r.ours / r.openssl).toFixed(2).padStart(5)}`,
    );
  }
  console.log(
    '(openssl includes its process start; fleetward verify includes parsing, hashing and the signature check)',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
