import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertKind, Behavior, Criteria, Datapoint, SecurityProfile, Severity } from '../types.js';
import { Detector } from './engine.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');

function profile(...behaviors: Behavior[]): SecurityProfile {
  return { name: 'p', enabled: true, target: { models: ['cam'] }, behaviors };
}

/** A detector running one profile (for the model 'cam') with these behaviors. */
function detector(...behaviors: Behavior[]): Detector {
  const d = new Detector();
  d.setProfiles([profile(...behaviors)]);
  return d;
}

/** A behavior named `name` on `metric`, raising a `kind` alert of `severity` when `criteria` are violated. */
function behavior(
  name: string,
  metric: string,
  kind: AlertKind,
  severity: Severity,
  criteria: Criteria,
  counts: Pick<Behavior, 'datapointsToAlarm' | 'datapointsToClear'> = {},
): Behavior {
  return { name, metric, kind, severity, criteria, ...counts };
}

/** Static criteria: a value above `value` violates. */
function gt(value: number): Criteria {
  return { type: 'static', op: 'gt', value };
}

function dp(deviceId: string, metrics: Datapoint['metrics'], i = 0, model = 'cam'): Datapoint {
  return { deviceId, model, source: 'device', at: new Date(T0 + i * 60_000), metrics };
}

describe('Detector', () => {
  describe('static rules (Device Defender rule-based detect)', () => {
    it('alarms after datapoints-to-alarm violations in a row and clears after datapoints-to-clear good ones', () => {
      const d = detector(
        behavior('auth', 'num-authorization-failures', 'bruteforce', 'high', gt(5), {
          datapointsToAlarm: 2,
          datapointsToClear: 2,
        }),
      );
      const seq = [9, 3, 9, 9, 9, 0, 9, 0, 0].map((v, i) =>
        d.observe(dp('a', { 'num-authorization-failures': v }, i)).map((c) => c.change),
      );
      assert.deepEqual(seq, [[], [], [], ['raised'], ['repeated'], [], ['repeated'], [], ['cleared']]);
    });

    it('flags a listening port outside the allowed set, naming the port (not-in-set)', () => {
      const d = detector(
        behavior('ports', 'listening-tcp-ports', 'backdoor', 'critical', {
          type: 'static',
          op: 'not-in-set',
          values: [443],
        }),
      );
      assert.deepEqual(d.observe(dp('a', { 'listening-tcp-ports': [443] })), []);
      const [c] = d.observe(dp('b', { 'listening-tcp-ports': [443, 23] }));
      assert.equal(c?.change, 'raised');
      assert.deepEqual(c?.observed, [23]);
      assert.equal(c?.expected, 'in {443}');
    });

    it('flags destinations outside the CIDR set (destination-ip not-in-cidr-set), IPv4 and IPv6', () => {
      const d = detector(
        behavior('dest', 'destination-ips', 'exfiltration', 'high', {
          type: 'static',
          op: 'not-in-cidr-set',
          cidrs: ['192.0.2.0/24', '2001:db8::/32'],
        }),
      );
      assert.deepEqual(d.observe(dp('a', { 'destination-ips': ['192.0.2.10', '2001:db8::1'] })), []);
      const [c] = d.observe(dp('b', { 'destination-ips': ['192.0.2.10', '203.0.113.5'] }));
      assert.deepEqual(c?.observed, ['203.0.113.5']);
    });

    it('decides growing counts on a partial window, and only raises once (deduplicated)', () => {
      const d = detector(behavior('flood', 'num-messages-sent', 'flood', 'high', gt(100)));
      const partial = (v: number) =>
        d.observe({ ...dp('a', { 'num-messages-sent': v }), partial: true }).map((c) => c.change);
      assert.deepEqual(partial(50), []);
      assert.deepEqual(partial(150), ['raised']);
      assert.deepEqual(partial(300), []);
    });

    it('escalates an alarm that keeps violating (one level per ten datapoints)', () => {
      const d = detector(behavior('auth', 'num-authorization-failures', 'bruteforce', 'medium', gt(5)));
      const changes = Array.from(
        { length: 11 },
        (_, i) => d.observe(dp('a', { 'num-authorization-failures': 50 }, i))[0]!,
      );
      assert.equal(changes[0]!.change, 'raised');
      assert.equal(changes[10]!.change, 'escalated');
      assert.equal(changes[10]!.severity, 'high');
    });
  });

  describe('learned baselines (median/MAD)', () => {
    const b = behavior('bytes', 'all-bytes-out', 'exfiltration', 'high', {
      type: 'baseline',
      warmup: 10,
      k: 6,
      minDelta: 1000,
      minRatio: 3,
    });

    it('stays silent during warm-up, then flags a device far above its own baseline', () => {
      const d = detector(b);
      const changes = [];
      for (let i = 0; i < 30; i++) changes.push(...d.observe(dp('a', { 'all-bytes-out': 10_000 + (i % 5) * 300 }, i)));
      assert.deepEqual(changes, []);
      const [c] = d.observe(dp('a', { 'all-bytes-out': 200_000 }, 31));
      assert.equal(c?.change, 'raised');
      assert.equal(c?.kind, 'exfiltration');
      assert.equal((c?.expected as { median: number }).median, 10_600);
      assert.equal(c?.severity, 'high');
    });

    it('compares each device with itself: a busy camera is not an outlier for its own baseline', () => {
      const d = detector(b);
      const changes = [];
      for (let i = 0; i < 30; i++) {
        changes.push(...d.observe(dp('quiet', { 'all-bytes-out': 2_000 }, i)));
        changes.push(...d.observe(dp('busy', { 'all-bytes-out': 2_000_000 + (i % 3) * 50_000 }, i)));
      }
      assert.deepEqual(changes, []);
    });

    it('never learns the attack: the alarm holds while the deviation lasts', () => {
      const d = detector(b);
      for (let i = 0; i < 20; i++) d.observe(dp('a', { 'all-bytes-out': 10_000 }, i));
      const changes = [];
      for (let i = 20; i < 100; i++)
        changes.push(...d.observe(dp('a', { 'all-bytes-out': 900_000 }, i)).map((c) => c.change));
      assert.equal(changes[0], 'raised');
      assert.ok(!changes.includes('cleared'));
    });
  });

  describe('fleet statistics', () => {
    it('flags a device above factor x its peers p99 of the last window', () => {
      const d = detector(
        behavior('peers', 'num-messages-sent', 'anomaly', 'medium', {
          type: 'fleet',
          percentile: 99,
          factor: 3,
          floor: 10,
          minPeers: 20,
        }),
      );
      for (let i = 0; i < 50; i++) d.observe(dp(`d${i}`, { 'num-messages-sent': 20 + (i % 7) }));
      d.rotateWindow();
      assert.deepEqual(d.observe(dp('d1', { 'num-messages-sent': 30 }, 1)), []);
      const [c] = d.observe(dp('d2', { 'num-messages-sent': 400 }, 1));
      assert.equal(c?.change, 'raised');
      assert.deepEqual(c?.expected, { p99: 26, threshold: 78, peers: 50 });
    });
  });

  it('applies a profile only to the models it targets', () => {
    const d = detector(
      behavior('ports', 'listening-tcp-ports', 'backdoor', 'critical', { type: 'static', op: 'in-set', values: [23] }),
    );
    assert.deepEqual(d.observe(dp('a', { 'listening-tcp-ports': [23] }, 0, 'plug')), []);
    assert.equal(d.observe(dp('a', { 'listening-tcp-ports': [23] }, 0, 'cam')).length, 1);
  });

  it('tells which metrics the enabled profiles look at (a window keeps them past its cap of names)', () => {
    const d = detector(behavior('procs', 'num-processes', 'anomaly', 'low', gt(500)));
    assert.equal(d.usesMetric('num-processes'), true);
    assert.equal(d.usesMetric('a0'), false);
    d.setProfiles([{ ...profile(behavior('cpu', 'cpu-percent', 'anomaly', 'low', gt(90))), enabled: false }]);
    assert.equal(d.usesMetric('cpu-percent'), false);
    assert.equal(d.usesMetric('num-processes'), false);
  });
});
