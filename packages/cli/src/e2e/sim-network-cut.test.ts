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

function spread(xs: readonly number[]): number {
  return Math.max(...xs) - Math.min(...xs);
}

describe('network cut: the gateway is unreachable for a while', () => {
  let server: RunningServer | undefined;
  let proxy: TcpProxy | undefined;
  let work: string | undefined;
  let fleet: Fleet | undefined;

  after(async () => {
    await fleet?.stop();
    await proxy?.close();
    await server?.stop();
    await removeDir(server?.dir ?? '');
    await removeDir(work ?? '');
  });

  it('50 agents buffer, reconnect with full jitter (no synchronized storm), and deliver everything', async () => {
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'fw-e2e-cut-'));
    const devices = await enrollThermostats(server, work, DEVICES);
    proxy = await TcpProxy.open(server.mqttPort);
    const written = new Map<string, string[]>();
    let cut = false;
    const firstDelays = new Map<string, number>(); // first backoff after the cut, per device
    const backOnline = new Map<string, number>(); // when each device was online again
    fleet = new Fleet({
      devices,
      mqttUrl: `mqtts://127.0.0.1:${proxy.port}`,
      intervalMs: 250,
      backoff: { baseMs: 500, maxMs: 4_000 },
      onRecord: (deviceId, id) => written.set(deviceId, [...(written.get(deviceId) ?? []), id]),
      onState: (deviceId, state, detail) => {
        if (!cut) return;
        if (state === 'offline' && !firstDelays.has(deviceId)) firstDelays.set(deviceId, detail.delayMs ?? -1);
        if (state === 'online' && !backOnline.has(deviceId)) backOnline.set(deviceId, Date.now());
      },
    });
    await fleet.start();
    assert.ok(await fleet.waitConnected(DEVICES, 30_000), 'all devices online');
    fleet.startSending();
    await sleep(1_500);

    cut = true;
    proxy.cut();
    await sleep(3_000);
    const queuedDuringCut = fleet.queued();
    proxy.restore();
    const deadline = Date.now() + 20_000;
    while (backOnline.size < DEVICES && Date.now() < deadline) await sleep(100);
    await sleep(1_000);
    fleet.stopSending();
    assert.ok(await fleet.drain(20_000), `outboxes drained (${fleet.queued()} left)`);
    const counts = { ...fleet.counts };
    await fleet.stop();
    fleet = undefined;

    assert.ok(queuedDuringCut >= DEVICES, `records buffered during the cut (${queuedDuringCut})`);
    assert.equal(backOnline.size, DEVICES, 'every device reconnected');
    // Full jitter: the first delays are spread over [0, base) rather than equal.
    const delays = [...firstDelays.values()];
    assert.equal(delays.length, DEVICES);
    assert.ok(new Set(delays).size > DEVICES / 2, 'first reconnect delays differ');
    assert.ok(spread(delays) > 250, `first delays spread over ${spread(delays)} ms`);
    const times = [...backOnline.values()];
    assert.ok(spread(times) > 100, `reconnects spread over ${spread(times)} ms, not a storm`);
    assert.equal(counts.dropped, 0);
    assert.equal(counts.acknowledged, counts.sent);
    for (const [deviceId, ids] of written) {
      const stored = await storedIds(server, deviceId);
      assert.equal(new Set(stored).size, stored.length, `${deviceId}: no id stored twice`);
      assert.deepEqual([...stored].sort(), [...ids].sort(), `${deviceId}: every id sent is stored`);
    }
  });
});
