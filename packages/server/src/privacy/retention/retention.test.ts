import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CatalogDeclaration } from '../catalog/index.js';
import { TelemetryWriter } from '../../telemetry/index.js';
import { privacyHarness, TRACKER, type PrivacyHarness } from '../testing.js';

const DAY = 86_400_000;

/**
 * Day 0 … day 100, one record a day per device. Rows: one ingest per day. Chunks: every record
 * of a device in one group commit (the clock moved between writes), so each device's 101
 * records are one chunk that retention must rewrite in part (docs/decisions/0012).
 */
async function fill(h: PrivacyHarness, layout: 'rows' | 'chunks'): Promise<void> {
  const day = (n: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + n * DAY);
  if (layout === 'rows') {
    for (let n = 0; n <= 100; n++) {
      h.clock.set(day(n));
      await h.ingest('trk-1', { battery: n, steps: n });
      await h.ingest('therm-1', { temperature: n });
    }
    return;
  }
  const writer = new TelemetryWriter(h.store, h.clock);
  const writes: Array<Promise<unknown>> = [];
  for (let n = 0; n <= 100; n++) {
    h.clock.set(day(n));
    writes.push(writer.write('trk-1', { fields: { battery: n, steps: n } }));
    writes.push(writer.write('therm-1', { fields: { temperature: n } }));
  }
  await Promise.all(writes);
  await writer.close();
  const chunks = await h.store.query<{ n: number }>('select count(*)::int as n from telemetry_chunks');
  assert.equal(chunks.rows[0]!.n, 2, 'one chunk per device');
}

for (const layout of ['rows', 'chunks'] as const)
  describe(`retention (GDPR Art. 5(1)(e); ETSI EN 303 645 6-5), telemetry in ${layout}`, () => {
    let h: PrivacyHarness;

    before(async () => {
      h = await privacyHarness();
      await h.privacy.declareCatalog('tracker', TRACKER as unknown as CatalogDeclaration, 'operator:test');
      await h.addDevice('trk-1', 'tracker');
      await h.addDevice('therm-1', 'thermostat');
      const o = await h.privacy.createOwner({ name: 'R', region: 'US-CA' }, 'operator:test');
      await h.privacy.assignDevice(o.id, 'trk-1', 'operator:test');
      // Tracker keeps battery 30 days, steps 90; thermostat 90.
      await fill(h, layout);
    });
    after(() => h.close());

    it('deletes exactly what is past its period and nothing else, in batches, with counts as evidence', async () => {
      // now = day 100 (2026-04-11): battery of days 0..69 and steps/temperature of days 0..9 are past.
      const evidence = await h.privacy.runRetention(7);
      const tracker = evidence.models.find((m) => m.model === 'tracker')!;
      const therm = evidence.models.find((m) => m.model === 'thermostat')!;
      assert.deepEqual(tracker.fields, { battery: 70, steps: 10 });
      assert.equal(tracker.records, 10, 'days 0..9 are older than the longest retention (90 days)');
      assert.deepEqual(therm.fields, { temperature: 10 });
      assert.equal(therm.records, 10);
      assert.ok(evidence.batches > 10, 'ran in batches of 7');

      const rows = await h.store.query<{ fields: { battery?: number; steps?: number } }>(
        "select fields from telemetry where device_id = 'trk-1' order by id, ord",
      );
      assert.equal(rows.rows.length, 91);
      assert.deepEqual(
        rows.rows.map((r) => r.fields.steps),
        Array.from({ length: 91 }, (_, i) => i + 10),
      );
      assert.deepEqual(
        rows.rows.filter((r) => r.fields.battery !== undefined).map((r) => r.fields.battery),
        Array.from({ length: 31 }, (_, i) => i + 70),
      );
      const runs = await h.store.query<{ n: number }>('select count(*)::int as n from privacy_retention_runs');
      assert.equal(runs.rows[0]!.n, 1);
      const audited = h.audit.entries.find((e) => e.action === 'privacy.retention.run');
      assert.ok(audited);
      assert.doesNotMatch(JSON.stringify(audited.details), /"temperature":\s*\d+\.\d/);
    });

    it('deletes nothing more when run again at the same time', async () => {
      const evidence = await h.privacy.runRetention(7);
      assert.deepEqual(evidence.models, []);
    });
  });
