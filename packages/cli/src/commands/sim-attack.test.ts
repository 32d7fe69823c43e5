import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attackPlan } from './sim-attack.js';

describe('fleetward sim --attack options', () => {
  it('reads the kind, the infected count, the warm-up and the metrics interval', () => {
    assert.deepEqual(
      attackPlan({ attack: 'mirai', infected: '2', 'infect-after': '8s', 'metrics-interval': '1s' }, 12, undefined),
      { kind: 'mirai', infected: 2, infectAfterMs: 8000, metricsIntervalMs: 1000 },
    );
  });

  it('infects one device after a third of the duration by default; no --attack, no plan', () => {
    assert.deepEqual(attackPlan({ attack: 'flood' }, 12, 60_000), {
      kind: 'flood',
      infected: 1,
      infectAfterMs: 20_000,
    });
    assert.equal(attackPlan({}, 12, 60_000), undefined);
  });

  it('refuses an unknown kind, more infected than devices, and --infected without --attack (FW_CLI_USAGE)', () => {
    for (const bad of [
      { attack: 'ransomware' },
      { attack: 'mirai', infected: '13' },
      { attack: 'mirai', infected: '0' },
      { infected: '2' },
      { attack: 'mirai', 'infect-after': 'soon' },
    ]) {
      assert.throws(() => attackPlan(bad, 12, undefined), { code: 'FW_CLI_USAGE' }, JSON.stringify(bad));
    }
  });
});
