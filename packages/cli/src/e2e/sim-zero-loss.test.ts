import * as assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Fleet } from '@fleetward/sim';
import { removeDir, startServer, type RunningServer } from './harness.js';
import { enrollThermostats, storedIds } from './sim-fleet.js';
import { TcpProxy } from './tcp-proxy.js';

const DEVICES = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('zero loss: 50 simulated devices while the server is SIGKILLed and restarted', () => {
  let server: RunningServer | undefined;
  let work: string | undefined;
  let fleet: Fleet | undefined;
  let proxy: TcpProxy | undefined;

  after(async () => {
    await fleet?.stop();
    await proxy?.close();
    await server?.stop('SIGKILL');
    await removeDir(server?.dir ?? '');
    await removeDir(work ?? '');
  });

  it('stores every record id sent exactly once (QoS 1 acks after commit, dedup by messageId)', async () => {
    // The devices reach the gateway through a proxy whose port outlives the server: after the
    // restart it points at wherever the new server listens.
    server = await startServer();
    proxy = await TcpProxy.open(server.mqttPort);
    const dir = server.dir;
    work = await mkdtemp(join(tmpdir(), 'fw-e2e-sim-'));
    const devices = await enrollThermostats(server, work, DEVICES);
    const written = new Map<string, string[]>();
    fleet = new Fleet({
      devices,
      mqttUrl: `mqtts://127.0.0.1:${proxy.port}`,
      intervalMs: 250,
      backoff: { baseMs: 200, maxMs: 2_000 },
      onRecord: (deviceId, id) => {
        const ids = written.get(deviceId) ?? [];
        ids.push(id);
        written.set(deviceId, ids);
      },
    });
    await fleet.start();
    assert.ok(await fleet.waitConnected(DEVICES, 30_000), 'all devices online');
    fleet.startSending();
    await sleep(2_500);

    await server.stop('SIGKILL'); // mid-stream: publishes in flight, acks lost
    const ackedBeforeKill = fleet.counts.acknowledged;
    await sleep(1_000);
    server = await startServer(dir);
    proxy.target = server.mqttPort;
    await sleep(2_500);
    fleet.stopSending();
    assert.ok(await fleet.drain(30_000), `outboxes drained (${fleet.queued()} left)`);
    const counts = { ...fleet.counts };
    await fleet.stop();
    fleet = undefined;

    assert.ok(ackedBeforeKill > 0 && counts.acknowledged > ackedBeforeKill, 'sent before and after the kill');
    assert.ok(counts.reconnects >= DEVICES, 'every device lost its connection');
    assert.equal(counts.dropped, 0);
    let total = 0;
    for (const [deviceId, ids] of written) {
      const stored = await storedIds(server, deviceId);
      assert.equal(new Set(stored).size, stored.length, `${deviceId}: no id stored twice`);
      assert.deepEqual([...stored].sort(), [...ids].sort(), `${deviceId}: every id sent is stored`);
      total += ids.length;
    }
    assert.equal(written.size, DEVICES);
    assert.equal(total, counts.sent);
  });
});
