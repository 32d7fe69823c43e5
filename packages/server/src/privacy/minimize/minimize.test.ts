import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CatalogDeclaration } from '../catalog/index.js';
import { TelemetryWriter } from '../../telemetry/index.js';
import { privacyHarness, TRACKER, type PrivacyHarness } from '../testing.js';

const ALL = { battery: 80, steps: 1200, ad_segment: 'outdoor', heart_rate: 92, lat: 52.51234, raw_audio: 'x', junk: 1 };

describe('minimization at ingest (GDPR Art. 5(1)(c), 25; ETSI EN 303 645 6-4)', () => {
  let h: PrivacyHarness;
  const owners: Record<string, string> = {};

  before(async () => {
    h = await privacyHarness();
    await h.privacy.declareCatalog('tracker', TRACKER as unknown as CatalogDeclaration, 'operator:test');
    for (const region of ['EU', 'UK', 'US-CA', 'BR']) {
      const o = await h.privacy.createOwner(
        { name: `Owner ${region}`, email: 'a@example.org', region },
        'operator:test',
      );
      owners[region] = o.id;
      await h.addDevice(`trk-${region}`, 'tracker');
      await h.privacy.assignDevice(o.id, `trk-${region}`, 'operator:test');
    }
    await h.addDevice('trk-nobody', 'tracker');
    await h.addDevice('therm-1', 'thermostat');
    await h.addDevice('odd-1', 'no-catalog-model');
  });
  after(() => h.close());

  it('stores only what minimization kept through the TelemetryWriter too, in rows and chunks: never the payload as it came', async () => {
    await h.addDevice('trk-writer', 'tracker');
    const writer = new TelemetryWriter(h.store, h.clock);
    const text = Buffer.from(JSON.stringify(ALL));
    await writer.ingest('trk-writer', text, { minimize: h.privacy.minimize }); // alone: a row
    await Promise.all(
      Array.from({ length: 5 }, () => writer.ingest('trk-writer', text, { minimize: h.privacy.minimize })),
    );
    await writer.close();
    const chunks = await h.store.query<{ n: number }>(
      "select count(*)::int as n from telemetry_chunks where device_id = 'trk-writer'",
    );
    assert.equal(chunks.rows[0]!.n, 1);
    assert.deepEqual(await h.stored('trk-writer'), Array<unknown>(6).fill({ battery: 80 }));
  });

  it('stores only essential fields without consent, for EU, UK and the opt-in default (checked in the database)', async () => {
    for (const id of ['trk-EU', 'trk-UK', 'trk-BR', 'trk-nobody']) {
      await h.ingest(id, ALL);
      assert.deepEqual(await h.stored(id), [{ battery: 80 }], id);
    }
  });

  it('California (opt-out): non-sensitive analytics kept, sale/share and sensitive data not without consent', async () => {
    await h.ingest('trk-US-CA', ALL);
    assert.deepEqual(await h.stored('trk-US-CA'), [{ battery: 80, steps: 1200 }]);
  });

  it('keeps a consented purpose and drops it again from the next message after withdrawal [GDPR Art. 7(3)]', async () => {
    const give = await h.privacy.consent(
      { ownerId: owners['EU']!, deviceId: 'trk-EU', purpose: 'improve.system', state: 'given', mechanism: 'test' },
      'operator:test',
    );
    await h.ingest('trk-EU', ALL);
    await h.privacy.consent(
      { ownerId: owners['EU']!, deviceId: 'trk-EU', purpose: 'improve.system', state: 'withdrawn', mechanism: 'test' },
      'operator:test',
    );
    await h.ingest('trk-EU', ALL);
    const rows = await h.stored('trk-EU');
    assert.deepEqual(rows.slice(1), [{ battery: 80, heart_rate: 92 }, { battery: 80 }]);
    assert.equal(give.schema_version, 'ISO/IEC TS 27560:2023');
    assert.equal(give.consent.notice.version, 1);
  });

  it('California opt-out of one purpose applies to the next message', async () => {
    await h.privacy.consent(
      {
        ownerId: owners['US-CA']!,
        deviceId: 'trk-US-CA',
        purpose: 'analytics.reporting',
        state: 'withdrawn',
        mechanism: 'test',
      },
      'operator:test',
    );
    await h.ingest('trk-US-CA', ALL);
    assert.deepEqual((await h.stored('trk-US-CA')).at(-1), { battery: 80 });
  });

  it('coarsens precise location where only user.location.imprecise is consented', async () => {
    await h.privacy.consent(
      {
        ownerId: owners['UK']!,
        deviceId: 'trk-UK',
        purpose: 'analytics.reporting',
        state: 'given',
        categories: ['user.location.imprecise', 'user.device.telemetry'],
        mechanism: 'test',
      },
      'operator:test',
    );
    await h.ingest('trk-UK', ALL);
    assert.deepEqual((await h.stored('trk-UK')).at(-1), { battery: 80, steps: 1200, lat: 52.5 });
  });

  it('stores consent receipts, one per event, and audits each without naming the person', async () => {
    const r = await h.store.query<{ n: number }>('select count(*)::int as n from privacy_consents');
    assert.equal(r.rows[0]!.n, 4);
    const consentEntries = h.audit.entries.filter((e) => e.action.startsWith('privacy.consent.'));
    assert.equal(consentEntries.length, 4);
    for (const e of h.audit.entries) assert.doesNotMatch(JSON.stringify(e), /Owner |example\.org|own_/);
  });

  it('keeps the built-in thermostat fields and only device-health fields for a model without a catalog', async () => {
    await h.ingest('therm-1', { temperature: 21.5, humidity: 40, secret: 'x' });
    await h.ingest('odd-1', { uptime_s: 5, seq: 1, temperature: 3 }, 'm-1');
    assert.deepEqual(await h.stored('therm-1'), [{ temperature: 21.5, humidity: 40 }]);
    assert.deepEqual(await h.stored('odd-1'), [{ uptime_s: 5, seq: 1 }]);
  });

  it('counts drops by model, field and reason, and names unlisted fields only as (unlisted)', () => {
    const drops = h.privacy.minimizer.drops();
    const find = (model: string, field: string, reason: string) =>
      drops.find((d) => d.model === model && d.field === field && d.reason === reason)?.count ?? 0;
    assert.ok(find('tracker', 'raw_audio', 'device-only') >= 5);
    assert.ok(find('tracker', '(unlisted)', 'not-in-catalog') >= 5);
    assert.ok(find('tracker', 'ad_segment', 'no-consent') >= 5);
    assert.equal(find('thermostat', '(unlisted)', 'not-in-catalog'), 1);
    assert.ok(!drops.some((d) => d.field === 'junk' || d.field === 'secret'));
  });

  it('refuses a catalog with an unknown category or purpose (FW_PRIVACY_CATALOG_INVALID)', async () => {
    const bad = { ...TRACKER, fields: [{ ...TRACKER.fields[0], category: 'user.whatever' }] };
    await assert.rejects(h.privacy.declareCatalog('tracker', bad as unknown as CatalogDeclaration, 'operator:test'), {
      code: 'FW_PRIVACY_CATALOG_INVALID',
    });
    await assert.rejects(
      h.privacy.consent(
        { ownerId: owners['EU']!, deviceId: 'trk-EU', purpose: 'world.domination', state: 'given', mechanism: 'test' },
        'operator:test',
      ),
      { code: 'FW_PRIVACY_PURPOSE_UNKNOWN' },
    );
    await assert.rejects(
      h.privacy.consent(
        { ownerId: owners['EU']!, deviceId: 'trk-UK', purpose: 'improve.system', state: 'given', mechanism: 'test' },
        'operator:test',
      ),
      { code: 'FW_PRIVACY_DEVICE_NOT_OWNED' },
    );
  });
});
