import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { TUF_EXPIRY_CHECK, tufExpiring } from './tuf-expiry.js';

const DAY = 86_400_000;

describe('audit check: TUF metadata whose keys are offline, close to expiry', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-01T00:00:00Z');
  const at = (days: number) => new Date(clock.now().getTime() + days * DAY);

  before(async () => {
    store = await openStore();
    for (const [role, version, expiresInDays] of [
      ['root', 1, 5], // superseded by version 2
      ['root', 2, 365],
      ['targets', 3, 200],
      ['targets', 4, 10], // the newest targets: what devices see
      ['snapshot', 9, 1], // re-signed online by the server: not this check's business
      ['timestamp', 9, -1],
    ] as const) {
      await store.query('insert into tuf_metadata (role, version, body, expires) values ($1, $2, $3, $4)', [
        role,
        version,
        Buffer.from('{}'),
        at(expiresInDays),
      ]);
    }
  });
  after(() => store.close());

  it('finds the newest targets expiring within the warning days, not older versions nor online roles', async () => {
    assert.deepEqual(await tufExpiring(store, clock.now(), 14), [
      {
        check: TUF_EXPIRY_CHECK,
        target: 'tuf:targets',
        severity: 'medium',
        details: { role: 'targets', version: 4, expires: at(10).toISOString() },
      },
    ]);
    assert.deepEqual(await tufExpiring(store, clock.now(), 7), []);
  });

  it('rates metadata already expired (TUF 5.6.6: devices refuse every update) high', async () => {
    clock.advance(11 * DAY);
    const findings = await tufExpiring(store, clock.now(), 14);
    assert.deepEqual(
      findings.map((f) => [f.target, f.severity]),
      [['tuf:targets', 'high']],
    );
  });
});
