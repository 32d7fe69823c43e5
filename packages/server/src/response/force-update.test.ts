import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock, type AuditEntry, type Context } from '../kernel/index.js';
import { Rollouts, groupMembers, type UpdateNotice } from '../rollouts/index.js';
import { openStore, type Store } from '../store/index.js';
import { forceGroupName, forceUpdateHook } from './force-update.js';
import { recordingContext } from '../kernel/testing.js';

describe('forceUpdateHook (the playbook step force-update, on the rollout machinery)', () => {
  let store: Store;
  let ctx: Context;
  let rollouts: Rollouts;
  let entries: AuditEntry[];
  const notices: [string, UpdateNotice][] = [];
  const clock = new FixedClock('2026-11-01T00:00:00Z');

  before(async () => {
    store = await openStore();
    ({ ctx, entries } = recordingContext(store, clock));
    for (const [id, model, state] of [
      ['cam-1', 'camera', 'active'],
      ['cam-2', 'camera', 'active'],
      ['cam-3', 'camera', 'quarantined'],
      ['cam-4', 'camera', 'retired'],
      ['plug-1', 'smart-plug', 'active'],
    ]) {
      await store.query(
        `insert into devices (id, model, state, enrolled_via, enrolled_at, updated_at) values ($1, $2, $3, 'claim', $4, $4)`,
        [id, model, state, clock.now()],
      );
    }
    for (const [name, version, at] of [
      ['camera-1.0.0.img', '1.0.0', '2026-10-01T00:00:00Z'],
      ['camera-1.1.0.img', '1.1.0', '2026-10-20T00:00:00Z'],
    ]) {
      await store.query(
        `insert into tuf_targets (name, sha256, length, body, model, version, security_counter, published_by, created_at)
         values ($1, $2, 1, '\\x00', 'camera', $3, 1, 'test', $4)`,
        [name, name, version, at],
      );
    }
    rollouts = new Rollouts(ctx, {
      notify: async (id, n) => {
        notices.push([id, n]);
        return true;
      },
    });
  });
  after(async () => {
    await rollouts.close();
    await store.close();
  });

  it('starts a one-device rollout of the newest release for the device model, audited as the playbook', async () => {
    const outcome = await forceUpdateHook(ctx, rollouts)('cam-1', 'playbook:contain');
    assert.equal(outcome.status, 'done');
    assert.equal(outcome.detail?.['release'], 'camera-1.1.0.img');
    const view = await rollouts.get(String(outcome.detail?.['rollout']));
    assert.equal(view.release, 'camera-1.1.0.img');
    assert.deepEqual(
      view.waves.map((w) => w.size),
      [1],
    );
    assert.deepEqual(await groupMembers(ctx, forceGroupName('cam-1')), ['cam-1']);
    const actions = entries.filter((e) => e.actor === 'playbook:contain').map((e) => e.action);
    assert.deepEqual(actions, ['group.update', 'rollout.start']);
  });

  it('records "no release" (not-available) for a model without releases', async () => {
    const outcome = await forceUpdateHook(ctx, rollouts)('plug-1', 'playbook:contain');
    assert.deepEqual(outcome, { status: 'not-available', detail: { reason: 'no release', model: 'smart-plug' } });
  });

  it('repairs a quarantined device: its update and command topics stay open', async () => {
    const outcome = await forceUpdateHook(ctx, rollouts)('cam-3', 'playbook:contain');
    assert.equal(outcome.status, 'done');
  });

  it('records a failed step with the rollout code for a device a rollout cannot target (retired)', async () => {
    const outcome = await forceUpdateHook(ctx, rollouts)('cam-4', 'playbook:contain');
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.detail?.['code'], 'FW_ROLLOUT_NO_DEVICES');
  });

  it('records a failed step for an unknown device', async () => {
    assert.equal((await forceUpdateHook(ctx, rollouts)('nobody', 'playbook:contain')).status, 'failed');
  });

  it('names the group after the device, or after a digest when the id does not fit a group name', () => {
    assert.equal(forceGroupName('cam-1'), 'force-cam-1');
    assert.match(forceGroupName('x'.repeat(80)), /^force-[0-9a-f]{32}$/);
  });
});
