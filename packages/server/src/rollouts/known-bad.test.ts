import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock, type AuditEntry, type Context } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { markReleaseKnownBad } from '../updates/index.js';
import { Rollouts } from './index.js';
import { recordingContext } from '../kernel/testing.js';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const GOOD = 'lamp-1.0.0.img';
const BAD = 'lamp-2.0.0.img';

describe('Rollouts and known-bad releases', () => {
  let store: Store;
  let ctx: Context;
  let rollouts: Rollouts;
  let entries: AuditEntry[];
  const clock = new FixedClock('2026-03-01T00:00:00.000Z');

  before(async () => {
    store = await openStore();
    ({ ctx, entries } = recordingContext(store, clock));
    for (const id of ['lamp-a', 'lamp-b']) {
      await store.query(
        `insert into devices (id, model, state, enrolled_via, enrolled_at, updated_at) values ($1, 'lamp', 'active', 'claim', $2, $2)`,
        [id, clock.now()],
      );
    }
    for (const [name, version] of [
      [GOOD, '1.0.0'],
      [BAD, '2.0.0'],
    ]) {
      await store.query(
        `insert into tuf_targets (name, sha256, length, body, model, version, security_counter, published_by)
         values ($1, $1, 1, '\\x00', 'lamp', $2, 1, 'test')`,
        [name, version],
      );
    }
    rollouts = new Rollouts(ctx, { notify: async () => true });
  });
  after(async () => {
    await rollouts.close();
    await store.close();
  });

  it('records the version a device confirmed as its firmware', async () => {
    const ro = await rollouts.start({ release: GOOD, model: 'lamp', waves: [100], maxFailureRate: 1 }, 'operator:ann');
    await rollouts.tick();
    await rollouts.ingest('lamp-a', enc({ rollout: ro.id, release: GOOD, step: 'confirmed', version: '1.0.0' }));
    await rollouts.ingest('lamp-b', enc({ rollout: ro.id, release: GOOD, step: 'installed', version: '1.0.0' }));
    const r = await store.query<{ id: string; firmware_version: string | null; firmware_release: string | null }>(
      'select id, firmware_version, firmware_release from devices order by id',
    );
    assert.deepEqual(
      r.rows.map((d) => [d.id, d.firmware_version, d.firmware_release]),
      [
        ['lamp-a', '1.0.0', GOOD],
        ['lamp-b', null, null],
      ],
    );
  });

  it('does not record a confirmation on another version (counted as a failure)', async () => {
    const ro = await rollouts.start({ release: BAD, model: 'lamp', waves: [100], maxFailureRate: 1 }, 'operator:ann');
    await rollouts.ingest('lamp-b', enc({ rollout: ro.id, release: BAD, step: 'confirmed', version: '9.9.9' }));
    const r = await store.query<{ firmware_version: string | null }>(
      "select firmware_version from devices where id = 'lamp-b'",
    );
    assert.equal(r.rows[0]?.firmware_version, null);
    await rollouts.abort(ro.id, 'operator:ann');
  });

  it('pauses running rollouts of a release marked known-bad, audited as the system; idempotent', async () => {
    const ro = await rollouts.start(
      { release: BAD, model: 'lamp', waves: [50, 100], maxFailureRate: 1 },
      'operator:ann',
    );
    await markReleaseKnownBad(ctx, BAD, { reason: 'overheats', advisory: 'VU-1' }, 'operator:ann');
    assert.deepEqual(await rollouts.pauseKnownBad(), [ro.id]);
    const view = await rollouts.get(ro.id);
    assert.equal(view.state, 'paused');
    const pause = entries.find((e) => e.action === 'rollout.auto-pause' && e.target === `rollout:${ro.id}`);
    assert.equal(pause?.actor, 'system:rollouts');
    assert.deepEqual(pause?.details, { reason: 'release marked known-bad', release: BAD, advisory: 'VU-1' });
    assert.deepEqual(await rollouts.pauseKnownBad(), []);
  });

  it('refuses to start or resume a rollout of a known-bad release (FW_ROLLOUT_RELEASE_KNOWN_BAD)', async () => {
    await assert.rejects(
      rollouts.start({ release: BAD, model: 'lamp', waves: [100], maxFailureRate: 1 }, 'operator:ann'),
      { code: 'FW_ROLLOUT_RELEASE_KNOWN_BAD' },
    );
    const paused = (await rollouts.list()).find((r) => r.release === BAD && r.state === 'paused');
    assert.ok(paused);
    await assert.rejects(rollouts.resume(paused.id, 'operator:ann'), { code: 'FW_ROLLOUT_RELEASE_KNOWN_BAD' });
  });

  it('the tick pauses a rollout of a release marked known-bad elsewhere (another process)', async () => {
    await store.query(`update tuf_targets set known_bad_at = null, known_bad_reason = null where name = $1`, [GOOD]);
    const ro = await rollouts.start({ release: GOOD, model: 'lamp', waves: [100], maxFailureRate: 1 }, 'operator:ann');
    await store.query(
      `update tuf_targets set known_bad_at = $2, known_bad_reason = 'x', known_bad_by = 'other' where name = $1`,
      [GOOD, clock.now()],
    );
    await rollouts.tick();
    assert.equal((await rollouts.get(ro.id)).state, 'paused');
  });
});
