import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock } from '../../kernel/index.js';
import { openStore, type Store } from '../../store/index.js';
import { Monitor } from '../index.js';
import type { AlertEvent } from '../alerts/book.js';
import { monitorFamilies, renderPrometheus } from '../prometheus.js';
import { WINDOW_LIMITS } from './windows.js';
import { recordingContext } from '../../kernel/testing.js';

const encode = (metrics: Record<string, unknown>) => new TextEncoder().encode(JSON.stringify({ metrics }));
/** `count` metric names `${prefix}0` … each with the value 1. */
const names = (prefix: string, count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 1]));

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

  it('keeps at most 128 distinct metric names per device and window; further new names are dropped and counted, Device Defender names always kept', async () => {
    assert.equal(WINDOW_LIMITS.names, 128);
    const alerts: AlertEvent[] = [];
    monitor.onAlert((e) => void alerts.push(e));
    const before = monitor.counts.droppedNames;
    const rejected = monitor.counts.rejected;
    // Two reports of 64 new names each fill the window's 128.
    await monitor.ingestMetrics('plug-3', encode(names('a', 64)));
    await monitor.ingestMetrics('plug-3', encode(names('b', 64)));
    assert.equal(monitor.counts.droppedNames, before);
    // A third: 62 new names are dropped; the Device Defender ones are kept, and detected on.
    await monitor.ingestMetrics(
      'plug-3',
      encode({ ...names('c', 62), 'listening-tcp-ports': [23], 'all-bytes-out': 10 }),
    );
    // Names already in the window keep merging.
    await monitor.ingestMetrics('plug-3', encode({ a0: 5, 'all-bytes-out': 7 }));
    assert.equal(monitor.counts.droppedNames - before, 62);
    assert.equal(monitor.counts.rejected, rejected, 'the reports were accepted');
    const [open] = await monitor.windows('plug-3', 1);
    assert.equal(open?.reports, 4);
    assert.equal(Object.keys(open?.metrics ?? {}).length, 130);
    assert.equal(open?.metrics['c0'], undefined);
    assert.equal(open?.metrics['a0'], 5);
    assert.equal(open?.metrics['all-bytes-out'], 17);
    assert.deepEqual(open?.metrics['listening-tcp-ports'], [23]);
    await monitor.settled();
    assert.deepEqual(
      alerts.map((e) => [e.change, e.alert.deviceId, e.alert.behavior]),
      [['raised', 'plug-3', 'backdoor-listener']],
    );
    assert.match(renderPrometheus(monitorFamilies(monitor)), /^fleetward_monitor_metric_names_dropped_total 62$/m);

    // The stored row holds what the open window held; the next window starts with room again.
    clock.advance(60_000);
    await monitor.tick();
    const [stored] = await monitor.windows('plug-3', 1);
    assert.equal(stored?.open, undefined);
    assert.equal(Object.keys(stored?.metrics ?? {}).length, 130);
    await monitor.ingestMetrics('plug-3', encode(names('c', 62)));
    assert.equal(monitor.counts.droppedNames - before, 62);
    const [next] = await monitor.windows('plug-3', 1);
    assert.equal(Object.keys(next?.metrics ?? {}).length, 62);
  });
});
