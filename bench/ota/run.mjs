#!/usr/bin/env node
// OTA benchmark (not a test): a real `fleetward up` server process, N simulated thermostats in
// this process running secure boot (file slots) and the OTA loop, and a rollout of a 1 MiB
// release in waves. Prints the time per wave, the bytes the server sent (HTTPS, counted on the
// devices' sockets, plus the gateway's MQTT bytes out), and the agent's verification time per
// MiB against `openssl dgst -sha256` of the same file.
//
//   node bench/ota/run.mjs [--devices 1000] [--size-mib 1] [--waves 1,10,50,100] [--dir .tmp/bench-ota]
//
// Loopback only. A fresh server every run (the TUF root changes); enrollment is part of the setup,
// not of the measured rollout.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { firmwarePublicKey, verifyImage } from '@fleetward/protocol';
import { generateFirmwareKey, loadSigningKey, signImage } from '@fleetward/server';
import { Fleet, enrollFleet } from '@fleetward/sim';
import { startServer } from '../lib/server.mjs';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    'size-mib': { type: 'string', default: '1' },
    waves: { type: 'string', default: '1,10,50,100' },
    dir: { type: 'string', default: '.tmp/bench-ota' },
    concurrency: { type: 'string', default: '32' },
  },
});
const N = Number(values.devices);
const SIZE = Number(values['size-mib']) * 1048576;
const DIR = resolve(values.dir);
const say = (s) => process.stderr.write(`${s}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Every HTTPS socket the devices open (TUF metadata and targets): bytes read = bytes the server sent.
const sockets = new Set();
const originalRequest = https.request;
https.request = function counted(...args) {
  const req = originalRequest.apply(this, args);
  req.on('socket', (s) => sockets.add(s));
  return req;
};
syncBuiltinESMExports();
const httpsBytes = () => [...sockets].reduce((n, s) => n + s.bytesRead, 0);

async function api(server, method, path, body) {
  const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = originalRequest(
      `${server.https}${path}`,
      {
        method,
        ca: server.ca,
        headers: {
          authorization: `Bearer ${server.token}`,
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          res.statusCode < 300 ? resolve(text ? JSON.parse(text) : {}) : reject(new Error(`${path}: ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function signed(key, version, counter, size) {
  return signImage(randomBytes(size), loadSigningKey(key.privateKeyPem).key, {
    version,
    securityCounter: counter,
    headerSize: 0x200,
    padHeader: true,
  });
}

await rm(DIR, { recursive: true, force: true });
await mkdir(DIR, { recursive: true });
const firmware = generateFirmwareKey('ed25519');
const factory = signed(firmware, '1.0.0', 1, 4096);
const release = signed(firmware, '2.0.0', 2, SIZE - 0x200 - 200);
const imageFile = join(DIR, 'release.img');
await writeFile(imageFile, release);

// 1. Verification cost on the device side, against openssl's SHA-256 of the same file.
const key = firmwarePublicKey(firmware.publicKeyPem);
const verifyMs = [];
for (let i = 0; i < 21; i++) {
  const t = performance.now();
  await verifyImage(release, key);
  verifyMs.push(performance.now() - t);
}
const opensslMs = [];
for (let i = 0; i < 11; i++) {
  const t = performance.now();
  execFileSync('openssl', ['dgst', '-sha256', imageFile]);
  opensslMs.push(performance.now() - t);
}
const mibs = release.length / 1048576;

say(`OTA benchmark: ${N} devices, release of ${(release.length / 1048576).toFixed(2)} MiB, waves ${values.waves}`);
const server = await startServer(join(DIR, 'server'), { FLEETWARD_ROLLOUT_TICK_MS: '500' });
let fleet;
try {
  const t0 = Date.now();
  const { devices } = await enrollFleet({
    server: server.https,
    caPem: server.ca,
    dataDir: DIR,
    devices: N,
    model: 'thermostat',
    concurrency: 16,
    createClaim: async (model, uses) =>
      (await api(server, 'POST', '/api/v1/claims', { model, uses, ttlSeconds: 3600 })).token,
  });
  say(`  enrolled ${devices.length} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await api(server, 'POST', '/api/v1/firmware-keys', { model: 'thermostat', pem: firmware.publicKeyPem });
  const published = await new Promise((resolve, reject) => {
    const req = originalRequest(
      `${server.https}/api/v1/releases?model=thermostat`,
      {
        method: 'POST',
        ca: server.ca,
        headers: {
          authorization: `Bearer ${server.token}`,
          'content-type': 'application/octet-stream',
          'content-length': release.length,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(text)) : reject(new Error(text))));
      },
    );
    req.on('error', reject);
    req.end(release);
  });
  const localAddresses = Array.from({ length: 200 }, (_, i) => `127.0.1.${i + 1}`);
  fleet = new Fleet({
    devices,
    mqttUrl: server.mqtts,
    localAddresses,
    ota: {
      repositoryUrl: `${server.https}/tuf`,
      firmwareKeyPem: firmware.publicKeyPem,
      factoryImage: () => factory,
      slots: 'files',
      concurrency: Number(values.concurrency),
    },
  });
  await fleet.start();
  if (!(await fleet.waitConnected(N, 120_000))) throw new Error(`only ${fleet.counts.connected} devices online`);
  say(`  ${N} devices online, booted 1.0.0 from file slots`);
  const gatewayBefore = await api(server, 'GET', '/api/v1/gateway/stats');
  const bytesBefore = httpsBytes();

  const waves = values.waves.split(',').map(Number);
  const started = Date.now();
  const rollout = await api(server, 'POST', '/api/v1/rollouts', {
    release: published.name,
    model: 'thermostat',
    waves,
    maxFailureRate: 0.05,
    waveWaitMs: 0,
  });
  const waveDone = [];
  let view = rollout;
  const deadline = started + 20 * 60_000;
  while (view.state === 'running' && Date.now() < deadline) {
    await sleep(250);
    view = await api(server, 'GET', `/api/v1/rollouts/${rollout.id}`);
    for (const w of view.waves) {
      if (waveDone[w.index] === undefined && w.size > 0 && w.confirmed + w.failed === w.size) {
        waveDone[w.index] = Date.now() - started;
        say(
          `  wave ${w.index + 1} (${w.percent}%): ${w.size} devices done at ${(waveDone[w.index] / 1000).toFixed(1)} s`,
        );
      }
    }
  }
  const totalMs = Date.now() - started;
  await fleet.otaIdle();
  const gatewayAfter = await api(server, 'GET', '/api/v1/gateway/stats');
  const sent = httpsBytes() - bytesBefore;
  const mqttOut =
    (gatewayAfter.counters?.bytesOut ?? gatewayAfter.bytesOut ?? 0) -
    (gatewayBefore.counters?.bytesOut ?? gatewayBefore.bytesOut ?? 0);

  const rows = view.waves.map((w, i) => {
    const begin = i === 0 ? 0 : (waveDone[i - 1] ?? 0);
    const end = waveDone[i];
    return `| ${i + 1} | ${w.percent}% | ${w.size} | ${w.confirmed} | ${w.failed} | ${end === undefined ? '-' : ((end - begin) / 1000).toFixed(1)} | ${end === undefined ? '-' : (end / 1000).toFixed(1)} |`;
  });
  const report = [
    `OTA rollout: ${N} devices, release ${(release.length / 1048576).toFixed(2)} MiB, state ${view.state}, ${(totalMs / 1000).toFixed(1)} s`,
    '',
    '| wave | percent | devices | confirmed | failed | wave time s | done at s |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `server bytes sent over HTTPS (TUF metadata + targets, TLS included): ${(sent / 1048576).toFixed(1)} MiB` +
      ` = ${(sent / N / 1048576).toFixed(3)} MiB per device`,
    `gateway MQTT bytes out during the rollout: ${typeof mqttOut === 'number' ? (mqttOut / 1024).toFixed(0) : '?'} KiB`,
    `agent verification (verifyImage, Ed25519, SHA-256 of header+payload+TLVs): ${(median(verifyMs) / mibs).toFixed(2)} ms/MiB (median of 21)`,
    `openssl dgst -sha256 of the same file: ${(median(opensslMs) / mibs).toFixed(2)} ms/MiB (median of 11, process start included)`,
  ];
  process.stdout.write(`${report.join('\n')}\n`);
} finally {
  await fleet?.stop().catch(() => undefined);
  await server.stop();
}
