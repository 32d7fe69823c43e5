import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock } from '../../kernel/index.js';
import { openStore, type Store } from '../../store/index.js';
import { Monitor } from '../index.js';
import { recordingContext } from '../../kernel/testing.js';

const report = (bytesOut: number, ports: number[]) =>
  new TextEncoder().encode(JSON.stringify({ metrics: { 'all-bytes-out': bytesOut, 'listening-tcp-ports': ports } }));

describe("a device's metric windows", () => {
  let store: Store;
  let monitor: Monitor;
  const clock = new FixedClock('2026-11-01T00:00:00Z');

  before(async () => {
    store = await openStore();
    const { ctx } = recordingContext(store, clock);
    await store.query(
      `insert into devices (id, model, enrolled_via, enrolled_at, updated_at) values ('plug-1', 'plug', 'claim', $1, $1)`,
      [clock.now()],
    );
    monitor = await Monitor.open(ctx, { windowMs: 60_000, auditEveryMs: 0 });
  });
  after(async () => {
    await monitor.close();
    await store.close();
  });

  it('shows the open window as soon as a report arrives, merged (sums of traffic, unions of sets)', async () => {
    await monitor.ingestMetrics('plug-1', report(100, [443]));
    clock.advance(10_000);
    await monitor.ingestMetrics('plug-1', report(50, [22]));
    const [open, ...rest] = await monitor.windows('plug-1', 10);
    assert.deepEqual(rest, []);
    assert.equal(open?.open, true);
    assert.equal(open?.source, 'device');
    assert.equal(open?.reports, 2);
    assert.equal(open?.windowStart, '2026-11-01T00:00:00.000Z');
    assert.equal(open?.windowMs, 10_000);
    assert.deepEqual(open?.metrics, { 'all-bytes-out': 150, 'listening-tcp-ports': [443, 22] });
  });

  it('lists the window as stored once it closes, and a new report opens the next one first', async () => {
    clock.advance(50_000);
    await monitor.tick();
    const stored = await monitor.windows('plug-1', 10);
    assert.deepEqual(
      stored.map((w) => [w.open ?? false, w.reports, w.windowMs]),
      [[false, 2, 60_000]],
    );
    await monitor.ingestMetrics('plug-1', report(1, [443]));
    const both = await monitor.windows('plug-1', 10);
    assert.deepEqual(
      both.map((w) => [w.open ?? false, w.windowStart]),
      [
        [true, '2026-11-01T00:01:00.000Z'],
        [false, '2026-11-01T00:00:00.000Z'],
      ],
    );
    assert.equal((await monitor.windows('plug-1', 1)).length, 1);
  });

  it('shows nothing for a device that never reported', async () => {
    assert.deepEqual(await monitor.windows('plug-2', 10), []);
  });
});
