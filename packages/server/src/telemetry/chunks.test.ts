import * as assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { FixedClock } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { TARGETS, type TestPlace } from '../store/test-stores.js';
import { listTelemetry } from './query.js';
import { TelemetryWriter } from './writer.js';

const T0 = Date.parse('2026-05-01T12:00:00Z');

/** The store, with the statements the writer sent. */
function observed(store: Store) {
  const statements: string[] = [];
  const wrapped: Store = Object.create(store) as Store;
  wrapped.query = (text, params) => {
    if (/^(insert into telemetry|with chunks)/.test(text)) statements.push(text);
    return store.query(text, params);
  };
  return { store: wrapped, statements };
}

async function count(store: Store, table: string): Promise<number> {
  return (await store.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
}

for (const target of TARGETS)
  describe(
    `telemetry chunks on ${target.kind} (docs/decisions/0012-telemetry-chunks.md)`,
    { skip: target.skip },
    () => {
      let store: Store;
      let place: TestPlace;
      let clock: FixedClock;

      before(async () => {
        place = await target.place();
        store = await openStore(place.options);
        for (const id of ['dev-a', 'dev-b', 'dev-c'])
          await store.query(
            `insert into devices (id, model, enrolled_via, enrolled_at, updated_at) values ($1, 'm', 'claim', now(), now())`,
            [id],
          );
      });
      beforeEach(async () => {
        clock = new FixedClock(new Date(T0));
        await store.query('delete from telemetry_rows');
        await store.query('delete from telemetry_chunks');
      });
      after(async () => {
        await store.close();
        await place.remove();
      });

      it('stores the records a device sent without a message id in one commit as one chunk, read back in order with their times', async () => {
        const writer = new TelemetryWriter(store, clock);
        const writes = [];
        for (let i = 0; i < 6; i++) {
          clock.set(new Date(T0 + i * 7));
          writes.push(writer.write('dev-a', { deviceTime: `2026-05-01T11:59:5${i}.000Z`, fields: { n: i } }));
        }
        const results = await Promise.all(writes);
        await writer.close();
        assert.ok(results.every((r) => r.stored));
        assert.equal(await count(store, 'telemetry_chunks'), 1);
        assert.equal(await count(store, 'telemetry_rows'), 0);
        const r = await store.query<{ received_at: Date; device_time: Date; fields: { n: number } }>(
          `select received_at, device_time, fields from telemetry where device_id = 'dev-a' order by id, ord`,
        );
        assert.deepEqual(
          r.rows.map((x) => [
            new Date(x.received_at).getTime() - T0,
            new Date(x.device_time).toISOString(),
            x.fields.n,
          ]),
          Array.from({ length: 6 }, (_, i) => [i * 7, `2026-05-01T11:59:5${i}.000Z`, i]),
        );
      });

      it('keeps records with a message id, and devices with fewer than chunkMin records, as rows, all in one statement', async () => {
        const { store: s, statements } = observed(store);
        const writer = new TelemetryWriter(s, clock, { chunkMin: 4 });
        const writes = [
          ...Array.from({ length: 5 }, (_, i) => writer.write('dev-a', { fields: { n: i } })),
          ...Array.from({ length: 3 }, (_, i) => writer.write('dev-b', { fields: { n: i } })),
          ...Array.from({ length: 4 }, (_, i) => writer.write('dev-c', { messageId: `m-${i}`, fields: { n: i } })),
          writer.write('dev-c', { messageId: 'm-0', fields: { n: 0 } }),
        ];
        const results = await Promise.all(writes);
        await writer.close();
        assert.equal(statements.length, 1);
        assert.deepEqual(
          results.map((r) => r.stored),
          [...Array<boolean>(12).fill(true), false],
        );
        assert.equal(await count(store, 'telemetry_chunks'), 1);
        assert.equal(await count(store, 'telemetry_rows'), 7);
        assert.equal(await count(store, 'telemetry'), 12);
      });

      it('stores the fields it validated, never the payload text: duplicate keys, long fractions, whitespace', async () => {
        const writer = new TelemetryWriter(store, clock);
        const texts = [
          '{"a":' + '['.repeat(7000) + ']'.repeat(7000) + ',"a":1}', // only the last "a" was validated
          '{"a":0.' + '0'.repeat(16290) + '1e-99}', // numeric would overflow; JavaScript reads 0
          '{"temp":0.' + '0'.repeat(400) + '1}', // jsonb would keep 1e-401, double precision refuses it
          '{ "t" : 1.5 ,\t"s": "caf\\u00e9" }',
        ];
        const writes = [];
        for (const text of texts) for (let i = 0; i < 4; i++) writes.push(writer.ingest('dev-a', Buffer.from(text)));
        for (const [i, text] of texts.entries())
          writes.push(writer.ingest(i < 2 ? 'dev-b' : 'dev-c', Buffer.from(text)));
        await Promise.all(writes);
        await writer.close();
        assert.equal(await count(store, 'telemetry_chunks'), 1);
        const expected = [{ a: 1 }, { a: 0 }, { temp: 0 }, { t: 1.5, s: 'café' }];
        const r = await store.query<{ device_id: string; fields: Record<string, unknown> }>(
          'select device_id, fields from telemetry order by device_id, id, ord',
        );
        assert.deepEqual(
          r.rows.map((x) => [x.device_id, x.fields]),
          [
            ...expected.flatMap((f) => Array<unknown>(4).fill(['dev-a', f])),
            ['dev-b', expected[0]],
            ['dev-b', expected[1]],
            ['dev-c', expected[2]],
            ['dev-c', expected[3]],
          ],
        );
        const temps = await store.query<{ n: number }>(
          `select count((fields ->> 'temp')::double precision)::int as n from telemetry where fields ? 'temp'`,
        );
        assert.equal(temps.rows[0]!.n, 5);
      });

      it('stores a number PostgreSQL cannot hold as written (1e-20000) the way JavaScript read it, in rows and chunks', async () => {
        const writer = new TelemetryWriter(store, clock);
        const payload = Buffer.from('{"tiny":1e-20000,"big":1.5e300}');
        await Promise.all(Array.from({ length: 5 }, () => writer.ingest('dev-a', payload)));
        await writer.ingest('dev-b', payload);
        await writer.close();
        const r = await store.query<{ fields: Record<string, unknown> }>('select fields from telemetry');
        assert.deepEqual(
          r.rows.map((x) => x.fields),
          Array<unknown>(6).fill({ tiny: 0, big: 1.5e300 }),
        );
      });

      it('never puts a record jsonb would refuse into a chunk: it fails alone with FW_TELEMETRY_INVALID', async () => {
        const writer = new TelemetryWriter(store, clock);
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            writer.write('dev-a', { fields: i === 3 ? { s: '\ud800' } : i === 5 ? { s: 'a\u0000' } : { n: i } }),
          ),
        );
        await writer.close();
        assert.deepEqual(
          results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')),
          ['ok', 'ok', 'ok', 'FW_TELEMETRY_INVALID', 'ok', 'FW_TELEMETRY_INVALID', 'ok', 'ok'],
        );
        assert.equal(await count(store, 'telemetry'), 6, 'every other record is stored and readable');
      });

      it('breaks ties between chunks of the same millisecond as the view does: the newest chunk first', async () => {
        const writer = new TelemetryWriter(store, clock);
        for (let batch = 0; batch < 3; batch++) {
          await Promise.all(
            Array.from({ length: 4 }, (_, i) => writer.write('dev-a', { fields: { n: batch * 10 + i } })),
          );
        }
        await writer.close();
        assert.equal(await count(store, 'telemetry_chunks'), 3);
        const view = await store.query<{ fields: { n: number } }>(
          `select fields from telemetry where device_id = 'dev-a' order by received_at desc, id desc, ord desc limit 2`,
        );
        const listed = await listTelemetry(store, 'dev-a', { limit: 2 });
        assert.deepEqual(
          listed.map((r) => r.fields['n']),
          view.rows.map((r) => r.fields.n),
        );
        assert.deepEqual(
          listed.map((r) => r.fields['n']),
          [23, 22],
        );
      });

      it('lists the newest records of a device across rows and chunks, newest first, honouring since and limit', async () => {
        const writer = new TelemetryWriter(store, clock);
        // Ten commits, one second apart: each a chunk of five records (1 ms apart) and one row with an id.
        for (let batch = 0; batch < 10; batch++) {
          const writes = [];
          for (let i = 0; i < 5; i++) {
            clock.set(new Date(T0 + batch * 1000 + i));
            writes.push(writer.write('dev-a', { fields: { n: batch * 10 + i } }));
          }
          clock.set(new Date(T0 + batch * 1000 + 5));
          writes.push(writer.write('dev-a', { messageId: `m-${batch}`, fields: { n: batch * 10 + 5 } }));
          writes.push(writer.write('dev-b', { fields: { n: -1 } }));
          await Promise.all(writes);
        }
        await writer.close();
        assert.equal(await count(store, 'telemetry_chunks'), 10);
        const newest = await listTelemetry(store, 'dev-a', { limit: 8 });
        assert.deepEqual(
          newest.map((r) => r.fields['n']),
          [95, 94, 93, 92, 91, 90, 85, 84],
        );
        assert.equal(newest[0]!.messageId, 'm-9');
        assert.equal(newest[1]!.messageId, null);
        const since = await listTelemetry(store, 'dev-a', { since: new Date(T0 + 8003).toISOString(), limit: 100 });
        assert.deepEqual(
          since.map((r) => r.fields['n']),
          [95, 94, 93, 92, 91, 90, 85, 84, 83],
        );
        assert.equal(since.at(-1)!.receivedAt, new Date(T0 + 8003).toISOString());
      });
    },
  );
