import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock, FleetEvents, silentLogger, type AuditEntry, type Context } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { Rollouts, updateGroup, type UpdateNotice } from './index.js';

function fakeAudit() {
  const entries: AuditEntry[] = [];
  return { entries, append: async (entry: AuditEntry) => void entries.push(entry) };
}

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const RELEASE = 'thermostat-2.0.0+0.img';

describe('Rollouts', () => {
  let store: Store;
  let clock: FixedClock;
  let audit: ReturnType<typeof fakeAudit>;
  let ctx: Context;
  const online = new Set<string>();
  const notices: [string, UpdateNotice][] = [];

  before(async () => {
    store = await openStore();
    clock = new FixedClock('2026-03-01T00:00:00.000Z');
    audit = fakeAudit();
    ctx = { store, clock, events: new FleetEvents(), log: silentLogger, audit };
    for (let i = 0; i < 20; i++) {
      await store.query(
        `insert into devices (id, model, state, enrolled_via, enrolled_at, updated_at) values ($1, 'thermostat', 'active', 'claim', $2, $2)`,
        [`dev-${String(i).padStart(2, '0')}`, clock.now()],
      );
    }
    await store.query(
      `insert into tuf_targets (name, sha256, length, body, model, version, security_counter, published_by)
       values ($1, 'aa', 1, '\\x00', 'thermostat', '2.0.0+0', 2, 'test')`,
      [RELEASE],
    );
  });
  after(async () => store.close());

  const rollouts = () =>
    new Rollouts(ctx, {
      notify: async (id, notice) => {
        if (!online.has(id)) return false;
        notices.push([id, notice]);
        return true;
      },
      renotifyMs: 60_000,
    });

  async function report(r: Rollouts, id: string, rollout: string, step: string, extra: object = {}) {
    await r.ingest(id, enc({ rollout, release: RELEASE, step, version: '2.0.0+0', ...extra }));
  }

  it('runs waves of 10 % and 100 %: notifies each wave, waits for confirmations, completes; audited', async () => {
    const r = rollouts();
    for (let i = 0; i < 20; i++) online.add(`dev-${String(i).padStart(2, '0')}`);
    notices.length = 0;
    const started = await r.start(
      { release: RELEASE, model: 'thermostat', waves: [10, 100], maxFailureRate: 0.1 },
      'operator:ann',
    );
    assert.deepEqual(
      started.waves.map((w) => w.size),
      [2, 18],
    );
    await r.tick();
    assert.equal(notices.length, 2);
    assert.deepEqual(notices[0]![1], { rollout: started.id, release: RELEASE, version: '2.0.0+0' });
    for (const [id] of notices) await report(r, id, started.id, 'confirmed');
    await r.tick();
    assert.equal(notices.length, 20);
    for (const [id] of notices.slice(2)) await report(r, id, started.id, 'confirmed');
    await r.tick();
    const done = await r.get(started.id);
    assert.equal(done.state, 'completed');
    assert.equal(done.confirmed, 20);
    assert.deepEqual(
      audit.entries.filter((e) => e.target === `rollout:${started.id}`).map((e) => e.action),
      ['rollout.start', 'rollout.wave', 'rollout.complete'],
    );
    await r.close();
  });

  it('pauses on failures above the threshold, then resume accepts the wave; abort ends it', async () => {
    const r = rollouts();
    notices.length = 0;
    const s = await r.start(
      { release: RELEASE, model: 'thermostat', waves: [50, 100], maxFailureRate: 0.1, waveWaitMs: 0 },
      'operator:ann',
    );
    await r.tick();
    assert.equal(notices.length, 10);
    await report(r, notices[0]![0], s.id, 'rolled-back', { error: 'FW_OTA_HEALTH_CHECK_FAILED', version: '1.0.0+0' });
    await r.tick();
    assert.equal((await r.get(s.id)).state, 'running'); // 1 of 10 = 0.1, not above
    await report(r, notices[1]![0], s.id, 'failed', { error: 'FW_UPDATE_IMAGE_REFUSED' });
    await r.tick();
    const paused = await r.get(s.id);
    assert.equal(paused.state, 'paused');
    assert.match(paused.pauseReason ?? '', /failure rate/);
    assert.equal(paused.waves[0]!.failed, 2);
    await r.tick();
    assert.equal(notices.length, 10, 'a paused rollout notifies nobody');
    await assert.rejects(r.pause(s.id, 'operator:ann'), { code: 'FW_ROLLOUT_STATE_CONFLICT' });
    await r.resume(s.id, 'operator:ann');
    for (const [id] of notices.slice(2)) await report(r, id, s.id, 'confirmed');
    await r.tick();
    const moved = await r.get(s.id);
    assert.equal(moved.wave, 1);
    assert.equal(notices.length, 20);
    await r.abort(s.id, 'operator:bob');
    assert.equal((await r.get(s.id)).state, 'aborted');
    await assert.rejects(r.resume(s.id, 'operator:bob'), { code: 'FW_ROLLOUT_STATE_CONFLICT' });
    assert.ok(audit.entries.some((e) => e.action === 'rollout.auto-pause' && e.actor === 'system:rollouts'));
    await r.close();
  });

  it('notifies an offline device when it comes back, and again when it stays silent', async () => {
    const r = rollouts();
    online.clear();
    notices.length = 0;
    await updateGroup(ctx, 'lab', { add: ['dev-03', 'dev-04'] }, 'operator:ann');
    const s = await r.start({ release: RELEASE, group: 'lab', waves: [100], maxFailureRate: 0 }, 'operator:ann');
    assert.equal(s.devices, 2);
    await r.tick();
    assert.equal(notices.length, 0);
    online.add('dev-03');
    await r.tick();
    assert.deepEqual(
      notices.map(([id]) => id),
      ['dev-03'],
    );
    await r.tick();
    assert.equal(notices.length, 1, 'not again before the re-notify period');
    clock.advance(60_001);
    await r.tick();
    assert.equal(notices.length, 2);
    await r.close();
  });

  it('moves past a wave whose silent devices stay within the rate after the wave timeout; the last wave waits', async () => {
    const r = rollouts();
    for (let i = 0; i < 20; i++) online.add(`dev-${String(i).padStart(2, '0')}`);
    notices.length = 0;
    await updateGroup(ctx, 'timeout', { add: ['dev-10', 'dev-11', 'dev-12', 'dev-13'] }, 'operator:ann');
    const s = await r.start(
      { release: RELEASE, group: 'timeout', waves: [50, 100], maxFailureRate: 0.5, waveTimeoutMs: 3_600_000 },
      'operator:ann',
    );
    assert.equal(s.waveTimeoutMs, 3_600_000);
    const mine = () => notices.filter(([, n]) => n.rollout === s.id).map(([id]) => id);
    await r.tick();
    const first = mine();
    assert.equal(first.length, 2);
    await report(r, first[0]!, s.id, 'confirmed'); // the other stays silent
    await r.tick();
    assert.equal((await r.get(s.id)).wave, 0, 'waits before the timeout');
    clock.advance(3_600_000);
    await r.tick();
    const moved = await r.get(s.id);
    assert.equal(moved.wave, 1, '1 silent of 2 counted as failed: 0.5, not above the rate');
    const second = [...new Set(mine())].filter((id) => !first.includes(id));
    assert.equal(second.length, 2, 'the second wave notified');
    assert.ok(mine().filter((id) => id === first[1]).length >= 2, 'the silent device is notified again');
    for (const id of second) await report(r, id, s.id, 'confirmed');
    clock.advance(3_600_000);
    await r.tick();
    assert.equal((await r.get(s.id)).state, 'running', 'the first wave has a device that never reported');
    await report(r, first[1]!, s.id, 'confirmed');
    await r.tick();
    assert.equal((await r.get(s.id)).state, 'completed');
    await r.close();
  });

  it('lets a device that never answers its notice hold neither the tick nor pause: it stays pending', async () => {
    const silentId = 'dev-00';
    const r = new Rollouts(ctx, {
      notify: async (id) => (id === silentId ? new Promise<boolean>(() => undefined) : true),
      notifyTimeoutMs: 20,
    });
    const started = await r.start(
      { release: RELEASE, model: 'thermostat', waves: [100], maxFailureRate: 0.5 },
      'operator:ann',
    );
    await r.tick(); // returns although one notice never gets an answer
    const paused = await r.pause(started.id, 'operator:ann');
    assert.equal(paused.state, 'paused');
    const pending = await store.query<{ device_id: string }>(
      `select device_id from rollout_devices where rollout_id = $1 and status = 'pending'`,
      [started.id],
    );
    assert.deepEqual(
      pending.rows.map((x) => x.device_id),
      [silentId],
    );
    await r.abort(started.id, 'operator:ann');
  });

  it('refuses malformed status reports with a code and ignores reports for unknown rollouts', async () => {
    const r = rollouts();
    for (const bad of [
      'nope',
      JSON.stringify({ rollout: 'x', release: RELEASE, step: 'exploded' }),
      JSON.stringify([1]),
    ]) {
      await assert.rejects(r.ingest('dev-01', new TextEncoder().encode(bad)), { code: 'FW_ROLLOUT_STATUS_INVALID' });
    }
    await r.ingest('dev-01', enc({ rollout: 'ro_unknown', release: RELEASE, step: 'confirmed' }));
    await assert.rejects(r.get('ro_unknown'), { code: 'FW_ROLLOUT_NOT_FOUND' });
    await assert.rejects(
      r.start({ release: 'nothing.img', model: 'thermostat', waves: [100], maxFailureRate: 0 }, 'operator:ann'),
      { code: 'FW_ROLLOUT_RELEASE_UNKNOWN' },
    );
    await assert.rejects(
      r.start({ release: RELEASE, model: 'thermostat', group: 'lab', waves: [100], maxFailureRate: 0 }, 'operator:ann'),
      { code: 'FW_ROLLOUT_INVALID' },
    );
    await r.close();
  });
});
