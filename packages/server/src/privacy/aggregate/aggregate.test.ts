import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { privacyHarness, seededUniform, type PrivacyHarness } from '../testing.js';
import { discreteLaplace, discreteLaplaceMoments } from './index.js';

describe('discrete Laplace noise (two-sided geometric)', () => {
  for (const epsilon of [0.1, 0.5, 1, 2]) {
    it(`matches the distribution of epsilon ${epsilon}: P(0), variance and symmetry, seeded`, () => {
      const u = seededUniform(`dl-${epsilon}`);
      const n = 40_000;
      let zeros = 0;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const x = discreteLaplace(u, epsilon, 1);
        assert.ok(Number.isInteger(x));
        if (x === 0) zeros++;
        sum += x;
        sq += x * x;
      }
      const { p0, variance } = discreteLaplaceMoments(epsilon, 1);
      assert.ok(Math.abs(zeros / n - p0) < 4 * Math.sqrt((p0 * (1 - p0)) / n) + 1e-3, `P(0) ${zeros / n} vs ${p0}`);
      assert.ok(Math.abs(sq / n / variance - 1) < 0.08, `variance ${sq / n} vs ${variance}`);
      assert.ok(Math.abs(sum / n) < 5 * Math.sqrt(variance / n), `mean ${sum / n}`);
    });
  }

  it('satisfies the epsilon ratio between neighbouring outputs: P(k)/P(k+1) = e^epsilon', () => {
    const u = seededUniform('ratio');
    const counts = new Map<number, number>();
    for (let i = 0; i < 100_000; i++) {
      const x = discreteLaplace(u, 1, 1);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    for (const k of [0, 1, -1]) {
      const a = counts.get(k)!;
      const b = counts.get(k >= 0 ? k + 1 : k - 1)!;
      assert.ok(Math.abs(Math.log(a / b) - 1) < 0.1, `ln P(${k})/P(next) = ${Math.log(a / b)}`);
    }
  });
});

describe('private aggregates', () => {
  let h: PrivacyHarness;

  before(async () => {
    h = await privacyHarness({ uniform: seededUniform('agg'), defaultBudget: 1, k: 10 });
    // 30 California thermostats (opt-out: analytics until withdrawn), 4 in the UK without consent.
    for (let i = 0; i < 34; i++) {
      const id = `th-${i}`;
      await h.addDevice(id, 'thermostat');
      const o = await h.privacy.createOwner({ name: `o${i}`, region: i < 30 ? 'US-CA' : 'UK' }, 'operator:test');
      await h.privacy.assignDevice(o.id, id, 'operator:test');
      await h.ingest(id, { temperature: 20 + (i % 5) });
    }
    // Two UK owners consent: a group of 2 < k.
    for (const i of [30, 31]) {
      const owner = (
        await h.store.query<{ owner_id: string }>('select owner_id from privacy_device_owners where device_id = $1', [
          `th-${i}`,
        ])
      ).rows[0]!.owner_id;
      await h.privacy.consent(
        { ownerId: owner, deviceId: `th-${i}`, purpose: 'analytics.reporting', state: 'given', mechanism: 'test' },
        'operator:test',
      );
    }
  });
  after(() => h.close());

  it('releases a noisy mean per region and suppresses groups smaller than k', async () => {
    const r = await h.privacy.aggregate(
      {
        model: 'thermostat',
        field: 'temperature',
        statistic: 'mean',
        epsilon: 0.5,
        lower: 0,
        upper: 40,
        groupBy: 'region',
      },
      'operator:test',
    );
    const ca = r.groups.find((g) => g.group === 'US-CA')!;
    const uk = r.groups.find((g) => g.group === 'UK')!;
    assert.equal(ca.suppressed, false);
    assert.ok(Math.abs(ca.mean! - 22) < 5, `mean ${ca.mean}`);
    assert.deepEqual(uk, { group: 'UK', suppressed: true });
    assert.equal(r.epsilonRemaining, 0.5);
    assert.equal(h.audit.entries.filter((e) => e.action === 'privacy.aggregate').length, 1);
  });

  it('refuses a query once the dataset budget is spent (FW_PRIVACY_BUDGET_EXHAUSTED), spending nothing', async () => {
    const q = { model: 'thermostat', field: 'temperature', statistic: 'count', epsilon: 0.4 } as const;
    await h.privacy.aggregate(q, 'operator:test');
    await assert.rejects(h.privacy.aggregate(q, 'operator:test'), { code: 'FW_PRIVACY_BUDGET_EXHAUSTED' });
    const b = await h.store.query<{ spent: number }>(
      "select epsilon_spent as spent from privacy_budgets where dataset = 'thermostat.temperature'",
    );
    assert.ok(Math.abs(Number(b.rows[0]!.spent) - 0.9) < 1e-9);
  });

  it('refuses a field not declared for analytics and a query without bounds', async () => {
    await assert.rejects(
      h.privacy.aggregate(
        { model: 'thermostat', field: 'setpoint', statistic: 'count', epsilon: 0.1 },
        'operator:test',
      ),
      { code: 'FW_PRIVACY_FIELD_NOT_PERMITTED' },
    );
    await assert.rejects(
      h.privacy.aggregate({ model: 'smart-plug', field: 'power_w', statistic: 'sum', epsilon: 0.1 }, 'operator:test'),
      { code: 'FW_PRIVACY_QUERY_INVALID' },
    );
  });

  it('gives keyed pseudonyms per purpose, stable until the key is rotated, never the raw id', async () => {
    const a1 = await h.privacy.pseudonyms.pseudonym('analytics.reporting', 'device', 'th-1');
    const a2 = await h.privacy.pseudonyms.pseudonym('analytics.reporting', 'device', 'th-1');
    const m = await h.privacy.pseudonyms.pseudonym('marketing.advertising', 'device', 'th-1');
    assert.equal(a1, a2);
    assert.notEqual(a1, m);
    assert.doesNotMatch(a1, /th-1/);
    await h.privacy.rotateKey('analytics.reporting', 'admin:test');
    const a3 = await h.privacy.pseudonyms.pseudonym('analytics.reporting', 'device', 'th-1');
    assert.notEqual(a3, a1);
    assert.match(a3, /^p2_/);
    const rows = await h.privacy.dataset({ model: 'thermostat', purpose: 'analytics.reporting' });
    assert.equal(rows.length, 32, 'California devices and the two UK devices that consented');
    assert.ok(rows.every((r) => r.subject.startsWith('p2_') && !JSON.stringify(r).includes('th-')));
  });
});
