import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { listAlerts, Monitor, type AlertEvent } from './index.js';
import { recordingContext } from '../kernel/testing.js';

describe('audit check: devices on a known-bad firmware release', () => {
  let store: Store;
  let monitor: Monitor;
  const events: AlertEvent[] = [];
  const clock = new FixedClock('2026-11-01T00:00:00Z');

  before(async () => {
    store = await openStore();
    const { ctx } = recordingContext(store, clock);
    for (const [id, model, state, version] of [
      ['cam-1', 'cam', 'active', '2.0.0'],
      ['cam-2', 'cam', 'quarantined', '2.0.0'],
      ['cam-3', 'cam', 'active', '1.0.0'],
      ['cam-4', 'cam', 'retired', '2.0.0'],
      ['plug-1', 'plug', 'active', '2.0.0'],
      ['cam-5', 'cam', 'active', null],
    ] as const) {
      await store.query(
        `insert into devices (id, model, state, enrolled_via, enrolled_at, updated_at, firmware_version)
         values ($1, $2, $3, 'claim', $4, $4, $5)`,
        [id, model, state, clock.now(), version],
      );
    }
    for (const [name, version, bad] of [
      ['cam-1.0.0.img', '1.0.0', null],
      ['cam-2.0.0.img', '2.0.0', 'bricks the radio'],
      ['plug-2.0.0.img', '2.0.0', null],
    ] as const) {
      await store.query(
        `insert into tuf_targets (name, sha256, length, body, model, version, security_counter, published_by,
           known_bad_at, known_bad_reason, known_bad_advisory, known_bad_by)
         values ($1, $1, 1, '\\x00', split_part($1, '-', 1), $2, 1, 'test', $3, $4, $5, 'operator:ann')`,
        [name, version, bad && clock.now(), bad, bad && 'CVE-2026-0001'],
      );
    }
    monitor = await Monitor.open(ctx, { windowMs: 60_000, auditEveryMs: 0 });
    monitor.onAlert((e) => void events.push(e));
  });
  after(async () => {
    await monitor.close();
    await store.close();
  });

  it('lists active and quarantined devices whose model runs the known-bad version (not other models, not retired)', async () => {
    const run = await monitor.runAudit();
    const found = run.findings.filter((f) => f.check === 'device-on-known-bad-firmware');
    assert.deepEqual(
      found.map((f) => f.target),
      ['device:cam-1', 'device:cam-2'],
    );
    assert.equal(found[0]!.severity, 'high');
    assert.deepEqual(found[0]!.details, {
      model: 'cam',
      version: '2.0.0',
      release: 'cam-2.0.0.img',
      reason: 'bricks the radio',
      advisory: 'CVE-2026-0001',
    });
    assert.deepEqual(run.skipped, {});
  });

  it('raises one high alert of kind known-bad-firmware per device, deduplicated on the next run', async () => {
    await monitor.settled();
    const raised = events
      .filter((e) => e.change === 'raised')
      .sort((a, b) => a.alert.deviceId.localeCompare(b.alert.deviceId));
    assert.deepEqual(
      raised.map((e) => [e.alert.deviceId, e.alert.kind, e.alert.severity]),
      [
        ['cam-1', 'known-bad-firmware', 'high'],
        ['cam-2', 'known-bad-firmware', 'high'],
      ],
    );
    assert.deepEqual(raised[0]!.alert.observed, {
      version: '2.0.0',
      release: 'cam-2.0.0.img',
      advisory: 'CVE-2026-0001',
    });
    events.length = 0;
    await monitor.runAudit();
    await monitor.settled();
    assert.deepEqual(
      events.map((e) => e.change),
      ['repeated', 'repeated'],
    );
    const active = await listAlerts(store, { state: 'active' });
    assert.equal(active.length, 2);
    assert.ok(active.every((a) => a.datapoints === 2));
  });

  it('clears the alert of a device that left the known-bad release', async () => {
    events.length = 0;
    await store.query(`update devices set firmware_version = '1.0.0' where id = 'cam-1'`);
    await monitor.runAudit();
    await monitor.settled();
    assert.deepEqual(
      events.map((e) => [e.change, e.alert.deviceId]).sort((a, b) => a[1]!.localeCompare(b[1]!)),
      [
        ['cleared', 'cam-1'],
        ['repeated', 'cam-2'],
      ],
    );
  });
});
