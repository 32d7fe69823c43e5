import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram, percentile, summarize, summaryLine } from './index.js';

describe('percentile (nearest rank)', () => {
  it('is undefined for no values', () => assert.equal(percentile([], 50), undefined));
  it('picks the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile(xs, 100), 100);
    assert.equal(percentile(xs, 0), 1);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([7], 99), 7);
  });
});

describe('LatencyHistogram', () => {
  it('is exact below 100 ms (1 ms buckets, upper edge)', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100; i++) h.record(i + 0.5);
    assert.equal(h.count, 100);
    assert.equal(h.percentile(50), 50);
    assert.equal(h.percentile(99), 99);
  });

  it('stays within 2 % of the true percentile above 100 ms', () => {
    const h = new LatencyHistogram();
    const xs: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const v = 100 + ((i * 7919) % 10_000) * 3.7;
      xs.push(v);
      h.record(v);
    }
    xs.sort((a, b) => a - b);
    for (const p of [50, 90, 99]) {
      const exact = percentile(xs, p)!;
      const approx = h.percentile(p)!;
      assert.ok(Math.abs(approx - exact) / exact <= 0.02, `p${p}: ${approx} vs ${exact}`);
    }
  });

  it('never reports above the largest value, and treats bad values as 0', () => {
    const h = new LatencyHistogram();
    h.record(250);
    h.record(Number.NaN);
    h.record(-3);
    assert.equal(h.percentile(100), 250);
    assert.equal(h.percentile(50), 1);
  });

  it('merges', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(1);
    b.record(50);
    a.merge(b);
    assert.equal(a.count, 2);
    assert.equal(a.percentile(100), 50);
  });
});

describe('summarize', () => {
  it('counts what was sent and never acknowledged as lost, with p50/p99', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) h.record(i - 0.5);
    const s = summarize(
      { enrolled: 5, connected: 5, sent: 102, acknowledged: 100, dropped: 1, reconnects: 0 },
      h,
      5000,
    );
    assert.deepEqual(
      { ...s, durationMs: 0 },
      {
        enrolled: 5,
        connected: 5,
        sent: 102,
        acknowledged: 100,
        lost: 2,
        ackLatencyMs: { p50: 50, p99: 99 },
        dropped: 1,
        reconnects: 0,
        durationMs: 0,
      },
    );
  });

  it('reports null percentiles when nothing was acknowledged', () => {
    const s = summarize(
      { enrolled: 0, connected: 0, sent: 0, acknowledged: 0, dropped: 0, reconnects: 0 },
      new LatencyHistogram(),
      0,
    );
    assert.deepEqual(s.ackLatencyMs, { p50: null, p99: null });
  });

  it('renders a live line', () => {
    const line = summaryLine(
      { enrolled: 2, connected: 1, sent: 3, acknowledged: 2, dropped: 0, reconnects: 0 },
      1,
      new LatencyHistogram(),
      2,
    );
    assert.match(line, /connected 1\/2 · sent 3 · acked 2 · queued 1/);
  });
});
