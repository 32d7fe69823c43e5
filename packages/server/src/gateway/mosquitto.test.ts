import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sleep, startGateway, type Harness } from './test-gateway.js';
import type { Credential } from './test-pki.js';

interface Run {
  readonly status: number;
  readonly output: string;
}

/** Runs a Debian mosquitto client asynchronously (the gateway lives in this process). */
function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      const status = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ status, output: `${stdout}${stderr}` });
    });
  });
}

describe('gateway with the mosquitto_pub and mosquitto_sub clients', () => {
  let h: Harness;
  let dir: string;
  let own: Credential;
  const args = (cred: Credential, version: 'mqttv5' | 'mqttv311', clientId = cred.id): string[] => [
    ...['-h', '127.0.0.1', '-p', String(h.port), '--cafile', join(dir, 'ca.pem')],
    ...[
      '--cert',
      join(dir, `${cred.id}${cred === own ? '' : '-x'}.crt`),
      '--key',
      join(dir, `${cred.id}${cred === own ? '' : '-x'}.key`),
    ],
    ...['-V', version, '-i', clientId],
  ];

  before(async () => {
    h = await startGateway();
    dir = await mkdtemp(join(tmpdir(), 'fw-gateway-'));
    own = await h.pki.device('dev-mosq');
    h.states.set(own.id, 'active');
    await h.pki.writeFiles(dir, [own]);
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes a special credential under `<id>-x.crt` so it does not replace the good one. */
  async function special(cred: Credential): Promise<Credential> {
    await h.pki.writeFiles(dir, [{ ...cred, id: `${cred.id}-x` }]);
    return cred;
  }

  for (const version of ['mqttv5', 'mqttv311'] as const) {
    it(`publishes own telemetry at QoS 1 (${version})`, async () => {
      const before = h.ingested.length;
      const r = await run('mosquitto_pub', [
        ...args(own, version),
        '-t',
        `devices/${own.id}/telemetry`,
        '-m',
        '{"t":1}',
        '-q',
        '1',
      ]);
      assert.equal(r.status, 0, r.output);
      assert.equal(h.ingested.length, before + 1);
    });
  }

  it('[MQTT-3.1.4-3] refuses a client id other than the certificate id (0x85)', async () => {
    const r = await run('mosquitto_pub', [...args(own, 'mqttv5', 'dev-other'), '-t', 'x', '-m', '1']);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /Client Identifier not valid/);
  });

  it('refuses a certificate from a foreign CA, an expired one and a revoked one', async () => {
    const foreign = await special(await h.pki.device('dev-mosq', { foreign: true }));
    const expired = await special(await h.pki.device('dev-old', { expired: true }));
    h.states.set('dev-old', 'active');
    for (const cred of [foreign, expired]) {
      const r = await run('mosquitto_pub', [...args(cred, 'mqttv5'), '-t', `devices/${cred.id}/telemetry`, '-m', '{}']);
      assert.notEqual(r.status, 0, r.output);
    }
    const revoked = await special(await h.pki.device('dev-crl'));
    h.states.set('dev-crl', 'active');
    h.gateway.setCrl(await h.pki.crl([revoked.serial]));
    const r = await run('mosquitto_pub', [
      ...args(revoked, 'mqttv5'),
      '-t',
      `devices/${revoked.id}/telemetry`,
      '-m',
      '{}',
    ]);
    assert.notEqual(r.status, 0, r.output);
  });

  it('refuses a publish to another device (PUBACK 0x87) and counts it', async () => {
    const before = h.gateway.stats().devices[own.id]!.authorizationFailures;
    const r = await run('mosquitto_pub', [
      ...args(own, 'mqttv5'),
      '-t',
      'devices/dev-other/telemetry',
      '-m',
      '{}',
      '-q',
      '1',
    ]);
    assert.match(r.output, /Not authorized/);
    assert.equal(h.gateway.stats().devices[own.id]!.authorizationFailures, before + 1);
  });

  for (const filter of ['devices/dev-other/commands/#', 'devices/+/telemetry', '#', '$SYS/#']) {
    it(`denies the subscription ${filter} (SUBACK 0x80)`, async () => {
      const r = await run('mosquitto_sub', [...args(own, 'mqttv5'), '-t', filter, '-C', '1', '-W', '2']);
      assert.match(r.output, /All subscription requests were denied/);
    });
  }

  it('delivers a server command to its own subscription', async () => {
    const sub = run('mosquitto_sub', [
      ...args(own, 'mqttv311'),
      '-t',
      `devices/${own.id}/commands/#`,
      '-C',
      '1',
      '-W',
      '5',
    ]);
    let delivered = false;
    for (let i = 0; i < 40 && !delivered; i++) {
      await sleep(100);
      delivered = (await h.gateway.publish(`devices/${own.id}/commands/reboot`, 'now', { qos: 1 })).delivered;
    }
    const r = await sub;
    assert.equal(delivered, true);
    assert.equal(r.output.trim(), 'now');
  });
});
