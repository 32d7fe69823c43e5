import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TelemetryWriter } from '../../telemetry/index.js';
import { privacyHarness, type PrivacyHarness } from '../testing.js';

describe('data-subject requests (GDPR Art. 15, 17, 20), telemetry in rows and chunks', () => {
  let h: PrivacyHarness;
  let ownerId: string;

  before(async () => {
    h = await privacyHarness();
    await h.addDevice('plug-a', 'smart-plug');
    await h.addDevice('plug-b', 'smart-plug');
    await h.addDevice('plug-other', 'smart-plug');
    const o = await h.privacy.createOwner(
      { name: 'Ada Lovelace', email: 'ada@example.org', region: 'EU' },
      'operator:t',
    );
    ownerId = o.id;
    for (const d of ['plug-a', 'plug-b']) await h.privacy.assignDevice(ownerId, d, 'operator:t');
    await h.privacy.consent(
      { ownerId, deviceId: 'plug-a', purpose: 'analytics.reporting', state: 'given', mechanism: 'app' },
      'operator:t',
    );
    for (let i = 0; i < 3; i++) {
      await h.ingest('plug-a', { power_w: 10 + i, on: true }, `a-${i}`);
      await h.ingest('plug-b', { power_w: 20 + i }, `b-${i}`);
      await h.ingest('plug-other', { power_w: 99 }, `o-${i}`);
    }
    // And records without a message id, five per device in one group commit: one chunk each.
    const writer = new TelemetryWriter(h.store, h.clock);
    await Promise.all(
      ['plug-b', 'plug-other'].flatMap((d) =>
        Array.from({ length: 5 }, (_, i) => writer.write(d, { fields: { power_w: 30 + i } })),
      ),
    );
    await writer.close();
    const chunks = await h.store.query<{ n: number }>('select count(*)::int as n from telemetry_chunks');
    assert.equal(chunks.rows[0]!.n, 2);
  });
  after(() => h.close());

  it('exports everything about the owner as JSON in one answer', async () => {
    const x = await h.privacy.exportSubject(ownerId, 'admin:t');
    assert.equal(x.owner.email, 'ada@example.org');
    assert.deepEqual(
      x.devices.map((d) => d.id),
      ['plug-a', 'plug-b'],
    );
    assert.equal(x.telemetry.length, 11, 'six rows and a chunk of five');
    assert.ok(x.telemetry.every((t) => t.deviceId !== 'plug-other'));
    assert.equal(x.consents.length, 1);
    assert.equal(x.consents[0]!.consent.state, 'given');
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(x)));
  });

  it('erases the owner so that no query finds any of it, and leaves other data alone', async () => {
    const report = await h.privacy.eraseSubject(ownerId, 'admin:t');
    assert.deepEqual(report, { devices: ['plug-a', 'plug-b'], records: 11, consents: 1 });
    const dump = async (table: string) => JSON.stringify((await h.store.query(`select * from ${table}`)).rows);
    for (const table of ['privacy_owners', 'privacy_device_owners', 'privacy_consents']) {
      assert.doesNotMatch(await dump(table), new RegExp(`${ownerId}|Ada|ada@example`), table);
    }
    const left = await h.store.query<{ device_id: string }>('select device_id from telemetry');
    assert.deepEqual([...new Set(left.rows.map((r) => r.device_id))], ['plug-other']);
    assert.equal(left.rows.length, 8, "plug-other's rows and chunk are untouched");
    await assert.rejects(h.privacy.exportSubject(ownerId, 'admin:t'), { code: 'FW_PRIVACY_OWNER_NOT_FOUND' });
    for (const e of h.audit.entries) assert.doesNotMatch(JSON.stringify(e), /Ada|ada@example|own_/);
  });

  it('reads the device as unowned afterwards: its next message keeps only essential fields', async () => {
    await h.ingest('plug-a', { power_w: 5, on: true }, 'a-after');
    assert.deepEqual(await h.stored('plug-a'), [{ power_w: 5, on: true }]);
  });
});
