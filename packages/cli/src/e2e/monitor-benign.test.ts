import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ATTACK_KINDS, runSyntheticFleet } from './monitor-synthetic.js';

/**
 * Issue 6: no alert at all for a benign simulated fleet of 100 devices. Driven by synthetic,
 * seeded metric streams (the simulator's benign generators, through the real report parser and
 * detector with the default profiles): 12 simulated hours of 1-minute reports and 5-minute
 * windows, far longer than a real-time run could be. The e2e attack test checks the same
 * detector behind a real server and MQTT clients.
 */
describe('monitoring: a benign fleet of 100 devices (synthetic, seeded)', () => {
  it('raises no alert over 12 hours of reports and windows', () => {
    const r = runSyntheticFleet({ devices: 100, hours: 12, seed: 42 });
    assert.ok(r.reports >= 100 * 12 * 60 - 100);
    assert.deepEqual(
      r.raised.map((c) => `${c.deviceId} ${c.behavior} ${JSON.stringify(c.observed)}`),
      [],
    );
  });

  for (const attack of ATTACK_KINDS) {
    it(`detects and contains every device of 2 infected by ${attack} within two windows, and nothing else`, () => {
      const r = runSyntheticFleet({ devices: 100, hours: 3, seed: 7, attack, infected: 2 });
      assert.equal(r.summary.infected.length, 2);
      for (const id of r.summary.infected) {
        const o = r.summary.outcomes[id]!;
        assert.ok(o.secondsToContainment !== null && o.secondsToContainment <= 600, `${id}: ${JSON.stringify(o)}`);
      }
      assert.deepEqual(r.falsePositives, []);
    });
  }
});
