import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceState } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { watchDeviceStates } from './state-watch.js';

describe('watchDeviceStates (changes made by another server process)', () => {
  let store: Store;
  const t0 = new Date('2026-12-01T00:00:00Z');

  before(async () => {
    store = await openStore();
    await store.query(
      `insert into devices (id, model, enrolled_via, enrolled_at, updated_at)
       values ('dev-a', 'm', 'claim', $1, $1), ('dev-b', 'm', 'claim', $1, $1)`,
      [new Date(t0.getTime() - 60_000)],
    );
  });
  after(() => store.close());

  it('applies a revocation written by another process to this process, once per change seen', async () => {
    const applied: Array<[string, DeviceState]> = [];
    const watch = watchDeviceStates(
      store,
      () => t0,
      (id, state) => applied.push([id, state]),
      60_000,
      (err) => assert.fail(String(err)),
    );
    try {
      assert.equal(await watch.poll(), 0, 'nothing changed since the watch began');
      // what another server does on `device revoke`
      await store.query(`update devices set state = 'revoked', updated_at = $2 where id = $1`, [
        'dev-b',
        new Date(t0.getTime() + 1_000),
      ]);
      await watch.poll();
      assert.deepEqual(applied, [['dev-b', 'revoked']]);
    } finally {
      watch.stop();
    }
  });

  it('looks back a few seconds, so a change stamped by a slower clock is not missed', async () => {
    const applied: string[] = [];
    const watch = watchDeviceStates(
      store,
      () => t0,
      (id) => applied.push(id),
      60_000,
      (err) => assert.fail(String(err)),
    );
    try {
      await store.query(`update devices set state = 'quarantined', updated_at = $2 where id = $1`, [
        'dev-a',
        new Date(t0.getTime() - 2_000), // another server's clock, two seconds behind
      ]);
      await watch.poll();
      assert.ok(applied.includes('dev-a'));
    } finally {
      watch.stop();
    }
  });
});
