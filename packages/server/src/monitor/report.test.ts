import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDeviceReport } from './report.js';

const enc = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('parseDeviceReport (devices/{id}/metrics)', () => {
  it('takes a ProcMetrics report and derives destination ips and ports', () => {
    const r = parseDeviceReport(
      enc({
        messageId: 'm-1',
        ts: '2026-11-01T00:00:00Z',
        metrics: {
          'listening-tcp-ports': [443, 443, 22],
          'established-tcp-connections': [{ 'remote-addr': '192.0.2.1:8883' }, { 'remote-addr': '[2001:db8::1]:23' }],
          'all-bytes-out': 1200,
        },
      }),
    );
    assert.deepEqual(r.metrics['listening-tcp-ports'], [443, 22]);
    assert.deepEqual(r.metrics['destination-ips'], ['192.0.2.1', '2001:db8::1']);
    assert.deepEqual(r.metrics['destination-ports'], [8883, 23]);
    assert.equal(r.metrics['num-established-tcp-connections'], 2);
  });

  it('refuses malformed reports with FW_MONITOR_METRICS_INVALID', () => {
    const bad = [
      'not json',
      [],
      { metrics: [] },
      { metrics: { 'all-bytes-out': -1 } },
      { metrics: { 'all-bytes-out': '12' } },
      { metrics: { 'listening-tcp-ports': [70000] } },
      { metrics: { 'established-tcp-connections': [{ 'remote-addr': 'evil.example:23' }] } },
      { metrics: { 'Bad Name': 1 } },
      { metrics: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`m${i}`, 1])) },
      { messageId: 'x'.repeat(200), metrics: {} },
    ];
    for (const b of bad)
      assert.throws(
        () => parseDeviceReport(enc(b)),
        { code: 'FW_MONITOR_METRICS_INVALID' },
        JSON.stringify(b).slice(0, 60),
      );
    assert.throws(() => parseDeviceReport(Buffer.alloc(70_000, 0x20)), { code: 'FW_MONITOR_METRICS_INVALID' });
  });
});
