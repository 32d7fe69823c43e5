import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock, type AuditEntry, type Context, type DeviceState } from '../kernel/index.js';
import { Monitor } from '../monitor/index.js';
import { Rollouts } from '../rollouts/index.js';
import { openStore, type Store } from '../store/index.js';
import { markReleaseKnownBad } from '../updates/index.js';
import { forceUpdateHook } from './force-update.js';
import { getIncident, listIncidents } from './incidents.js';
import { Responder } from './responder.js';
import { recordingContext } from '../kernel/testing.js';

describe('known-bad firmware: force-update skips known-bad releases; the default playbook answers the audit alert', () => {
  let store: Store;
  let ctx: Context;
  let rollouts: Rollouts;
  let monitor: Monitor;
  let entries: AuditEntry[];
  const clock = new FixedClock('2026-11-01T00:00:00Z');

  before(async () => {
    store = await openStore();
    ({ ctx, entries } = recordingContext(store, clock));
    for (const [id, release] of [
      ['cam-1', 'cam-2.0.0.img'],
      ['cam-2', 'cam-2.0.0.img'],
      ['cam-3', 'cam-1.5.0.img'],
    ]) {
      await store.query(
        `insert into devices (id, model, state, enrolled_via, enrolled_at, updated_at, firmware_release, firmware_version)
         values ($1, 'cam', 'active', 'claim', $2, $2, $3, split_part(substr($3, 5), '.img', 1))`,
        [id, clock.now(), release],
      );
    }
    // Published in this order; 2.1.0 (the newest) and 2.0.0 turn out bad; 1.0.0 has a lower counter.
    for (const [version, counter, at] of [
      ['1.0.0', 1, '2026-09-01T00:00:00Z'],
      ['1.5.0', 2, '2026-09-15T00:00:00Z'],
      ['2.0.0', 2, '2026-10-01T00:00:00Z'],
      ['2.1.0', 3, '2026-10-20T00:00:00Z'],
    ] as const) {
      await store.query(
        `insert into tuf_targets (name, sha256, length, body, model, version, security_counter, published_by, created_at)
         values ($1, $1, 1, '\\x00', 'cam', $2, $3, 'test', $4)`,
        [`cam-${version}.img`, version, counter, at],
      );
    }
    await markReleaseKnownBad(ctx, 'cam-2.0.0.img', { reason: 'bricks the radio' }, 'operator:ann');
    await markReleaseKnownBad(ctx, 'cam-2.1.0.img', { reason: 'same bug' }, 'operator:ann');
    rollouts = new Rollouts(ctx, { notify: async () => true });
  });
  after(async () => {
    await monitor?.close();
    await rollouts.close();
    await store.close();
  });

  it('force-update picks the newest release not marked known-bad, never one below the running counter', async () => {
    const outcome = await forceUpdateHook(ctx, rollouts)('cam-3', 'playbook:test');
    assert.equal(outcome.status, 'done');
    assert.equal(outcome.detail?.['release'], 'cam-1.5.0.img'); // 2.x bad; 1.0.0 below counter 2
    await rollouts.abort(String(outcome.detail?.['rollout']), 'operator:ann');
  });

  it('force-update records "no release" when only known-bad or lower-counter releases are left', async () => {
    await markReleaseKnownBad(ctx, 'cam-1.5.0.img', { reason: 'also bad' }, 'operator:ann');
    const outcome = await forceUpdateHook(ctx, rollouts)('cam-1', 'playbook:test');
    assert.deepEqual(outcome, { status: 'not-available', detail: { reason: 'no release', model: 'cam' } });
    await store.query(
      `update tuf_targets set known_bad_at = null, known_bad_reason = null where name = 'cam-1.5.0.img'`,
    );
  });

  it('an audit run raises known-bad-firmware alerts that the default playbook answers with force-update', async () => {
    const states = new Map<string, DeviceState>([
      ['cam-1', 'active'],
      ['cam-2', 'active'],
      ['cam-3', 'active'],
    ]);
    monitor = await Monitor.open(ctx, { windowMs: 60_000, auditEveryMs: 0 });
    const responder = await Responder.open(ctx, {
      deviceState: async (id) => states.get(id),
      setDeviceState: async (id, state) => void states.set(id, state),
      revokeDevice: async () => undefined,
      disconnect: () => undefined,
      forceUpdate: forceUpdateHook(ctx, rollouts),
      secret: () => undefined,
    });
    monitor.onAlert((e) => responder.handle(e));
    await monitor.runAudit();
    await monitor.settled();
    for (const id of ['cam-1', 'cam-2']) {
      const [incident] = await listIncidents(store, { deviceId: id });
      assert.ok(incident, `an incident for ${id}`);
      const detail = await getIncident(store, incident.id);
      const step = detail.timeline.find((t) => t.stepKey === 'update-known-bad-firmware#0:force-update');
      assert.equal((step?.details as { status?: string } | undefined)?.status, 'done');
      assert.equal(states.get(id), 'active'); // not quarantined: the firmware is bad, not the device
    }
    assert.equal((await listIncidents(store, { deviceId: 'cam-3' })).length, 0);
    const started = entries.filter(
      (e) => e.action === 'rollout.start' && e.actor === 'playbook:update-known-bad-firmware',
    );
    assert.equal(started.length, 2);
    assert.ok(started.every((e) => (e.details as { release: string }).release === 'cam-1.5.0.img'));
  });
});
