import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiGet, removeDir, runCli, startServer, type RunningServer } from './harness.js';

interface Summary {
  enrolled: number;
  connected: number;
  sent: number;
  acknowledged: number;
  lost: number;
  ackLatencyMs: { p50: number | null; p99: number | null };
}

describe('fleetward sim against a real server process', () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    await removeDir(server?.dir ?? '');
  });

  const sim = (extra: string[]) =>
    runCli(['sim', '--mqtt', server.mqtts, '--data-dir', server.dir, '--model', 'thermostat', ...extra], {
      env: server.env,
    });

  it('prints one JSON summary with every record acknowledged, and the telemetry is in the API', async () => {
    const r = await sim(['--devices', '5', '--duration', '5s', '--rate', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as Summary;
    for (const key of ['enrolled', 'connected', 'sent', 'acknowledged', 'lost', 'ackLatencyMs']) {
      assert.ok(key in summary, `key ${key}`);
    }
    assert.equal(summary.enrolled, 5);
    assert.equal(summary.connected, 5);
    assert.ok(summary.sent > 0);
    assert.equal(summary.acknowledged, summary.sent);
    assert.equal(summary.lost, 0);
    assert.equal(typeof summary.ackLatencyMs.p50, 'number');
    assert.equal(typeof summary.ackLatencyMs.p99, 'number');
    let stored = 0;
    for (let i = 1; i <= 5; i++) {
      const t = await apiGet<{ records: unknown[] }>(
        server,
        `/api/v1/devices/sim-thermostat-0000${i}/telemetry?limit=1000`,
      );
      assert.equal(t.status, 200);
      stored += t.body.records.length;
    }
    assert.equal(stored, summary.sent, 'every acknowledged record is stored once');
    assert.match(r.stderr, /enrolling: 100% \(5\/5\)/, 'a plain progress line per 10 % off a terminal');
  });

  it('reuses the cached devices on the next run and ends with a table', async () => {
    const r = await sim(['--devices', '5', '--duration', '1s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\(5 cached\)/);
    const [header, row] = r.stdout.trim().split('\n');
    assert.match(header!, /^enrolled\s+connected\s+sent\s+acknowledged\s+lost\s+p50 ms\s+p99 ms$/);
    assert.match(row!, /^5\s+5\s+\d+/);
  });

  it('refuses an unknown model with a usage error', async () => {
    const r = await sim(['--devices', '1', '--model', 'toaster']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FW_CLI_USAGE/);
  });
});
