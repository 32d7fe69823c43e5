import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiGet,
  enrollWithCli,
  removeDir,
  runCli,
  runCommand,
  startServer,
  type EnrolledDevice,
  type RunningServer,
} from './harness.js';

type Device = EnrolledDevice;

async function enroll(server: RunningServer, work: string, id: string): Promise<Device> {
  const r = await enrollWithCli(server, work, id);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

function tlsArgs(server: RunningServer, d: Device, version: 'mqttv5' | 'mqttv311'): string[] {
  return [
    '-h',
    '127.0.0.1',
    '-p',
    String(server.mqttPort),
    '--cafile',
    server.caFile,
    '--cert',
    join(d.dir, 'device.crt'),
    '--key',
    join(d.dir, 'device.key'),
    '-i',
    d.id,
    '-V',
    version,
  ];
}

function pub(
  server: RunningServer,
  d: Device,
  topic: string,
  message: string,
  version: 'mqttv5' | 'mqttv311' = 'mqttv5',
) {
  return runCommand('mosquitto_pub', [...tlsArgs(server, d, version), '-q', '1', '-t', topic, '-m', message, '-d'], {
    timeoutMs: 15_000,
  });
}

describe('the MQTT gateway with Debian mosquitto clients on a real server process', () => {
  let server: RunningServer;
  let work: string;
  let alice: Device;
  let bob: Device;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-e2e-gw-'));
    server = await startServer();
    alice = await enroll(server, work, 'alice-0001');
    bob = await enroll(server, work, 'bob-0001');
  });
  after(async () => {
    await server?.stop();
    await removeDir(server?.dir ?? '');
    await removeDir(work ?? '');
  });

  it('stores telemetry published with mosquitto_pub over mTLS, MQTT 5 and 3.1.1, and serves it over the API', async () => {
    const v5 = await pub(server, alice, 'devices/alice-0001/telemetry', '{"temperature":21.5,"messageId":"m-1"}');
    assert.equal(v5.code, 0, v5.stderr + v5.stdout);
    const v311 = await pub(
      server,
      alice,
      'devices/alice-0001/telemetry',
      '{"temperature":22,"messageId":"m-2"}',
      'mqttv311',
    );
    assert.equal(v311.code, 0, v311.stderr + v311.stdout);
    const again = await pub(server, alice, 'devices/alice-0001/telemetry', '{"temperature":21.5,"messageId":"m-1"}');
    assert.equal(again.code, 0);
    const r = await apiGet<{ records: Array<{ messageId: string; fields: { temperature: number } }> }>(
      server,
      '/api/v1/devices/alice-0001/telemetry',
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.records.map((x) => x.messageId).sort(), ['m-1', 'm-2'], 'stored once per message id');
    assert.equal(r.body.records.find((x) => x.messageId === 'm-1')?.fields.temperature, 21.5);
  });

  it("refuses a second device's topics: PUBACK 0x87 and SUBACK 0x80 [MQTT-3.3.4]", async () => {
    const p = await pub(server, bob, 'devices/alice-0001/telemetry', '{"temperature":99}');
    assert.match(p.stdout, /received PUBACK \(Mid: 1, RC:135\)/, 'MQTT 5 PUBACK 0x87 not authorized');
    assert.match(p.stderr, /Publish 1 failed: Not authorized/);
    const s = await runCommand(
      'mosquitto_sub',
      [...tlsArgs(server, bob, 'mqttv5'), '-t', 'devices/alice-0001/commands/#', '-C', '1', '-W', '3', '-d'],
      {
        timeoutMs: 15_000,
      },
    );
    assert.match(s.stdout + s.stderr, /Subscribed \(mid: \d+\): 128|SUBACK.*128|0x80/i);
    const r = await apiGet<{ records: unknown[] }>(server, '/api/v1/devices/alice-0001/telemetry');
    assert.equal(r.body.records.length, 2, 'nothing from bob was stored');
  });

  it('refuses a client id that is not the certificate device id', async () => {
    const args = tlsArgs(server, bob, 'mqttv5');
    args[args.indexOf('-i') + 1] = 'alice-0001';
    const r = await runCommand(
      'mosquitto_pub',
      [...args, '-q', '1', '-t', 'devices/alice-0001/telemetry', '-m', '{}'],
      { timeoutMs: 15_000 },
    );
    assert.notEqual(r.code, 0);
  });

  it('revocation closes the live session within a second and the reconnect fails', async () => {
    // stdbuf: mosquitto_sub's debug lines are block-buffered on a pipe
    const sub = spawn(
      'stdbuf',
      ['-oL', '-eL', 'mosquitto_sub', ...tlsArgs(server, bob, 'mqttv5'), '-t', 'devices/bob-0001/commands/#', '-d'],
      {
        stdio: 'pipe',
      },
    );
    let log = '';
    sub.stdout.on('data', (c: Buffer) => (log += c.toString()));
    sub.stderr.on('data', (c: Buffer) => (log += c.toString()));
    try {
      for (let i = 0; i < 100 && !/SUBACK/.test(log); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(log, /SUBACK/);
      const revoke = await runCli(['device', 'revoke', 'bob-0001'], { env: server.env });
      assert.equal(revoke.code, 0, revoke.stderr);
      const started = Date.now(); // not counting the CLI process's own start, seconds on a loaded machine
      while (!/Received DISCONNECT/.test(log) && Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      // MQTT 5 DISCONNECT reason 0x98 (152): administrative action
      assert.match(log, /Received DISCONNECT \(152\)/, 'the live session was closed by the server');
      console.log(`# live session closed ${Date.now() - started} ms after the revoke command returned`);
    } finally {
      sub.kill('SIGTERM');
    }
    const again = await pub(server, bob, 'devices/bob-0001/telemetry', '{"temperature":1}');
    assert.notEqual(again.code, 0, 'a revoked certificate cannot connect again');
    const shown = await runCli(['device', 'show', 'bob-0001', '--json'], { env: server.env });
    assert.equal(JSON.parse(shown.stdout).state, 'revoked');
  });
});
