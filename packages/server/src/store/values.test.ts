import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from './index.js';
import { TARGETS, type TestPlace } from './test-stores.js';

// Both stores must give back the same JavaScript values (types.ts, Sql): the expected row is
// written once and compared with deepEqual (which tells Buffer from Uint8Array) on each.
const BYTES = Buffer.from([0, 1, 127, 128, 255]);
const DOC = { a: 1, nested: { list: [1, 'two', null, true] }, text: 'é✓' };
const WHEN = new Date('2024-05-06T07:08:09.123Z');
const BIG = '9007199254740993'; // 2^53 + 1: not a safe JavaScript number

const EXPECTED = {
  b: BYTES,
  j: DOC,
  ja: [1, 2, 'x'],
  t: WHEN,
  i8: BIG,
  n: '12345678901234567890.000000001',
  i4: 42,
  f8: 2.5,
  d: '2024-01-02',
  a8: [BIG, '2'],
  ab: [Buffer.from([1, 255])],
  ok: true,
  nothing: null,
  c: '3',
};

for (const target of TARGETS) {
  describe(`values on the ${target.kind} store`, () => {
    if (target.skip) {
      it('runs against PostgreSQL', (t) => t.skip(target.skip));
      return;
    }
    let place: TestPlace;
    let store: Store;
    before(async () => {
      place = await target.place();
      store = await openStore(place.options);
      await store.exec(`create table value_trip (
        b bytea, j jsonb, ja jsonb, t timestamptz, i8 bigint, n numeric, i4 integer, f8 double precision,
        d date, a8 bigint[], ab bytea[], ok boolean, nothing bigint
      )`);
      await store.query('insert into value_trip values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)', [
        BYTES,
        DOC,
        JSON.stringify(EXPECTED.ja), // an array for jsonb goes as JSON text (pg would make it a SQL array)
        WHEN,
        BIG,
        EXPECTED.n,
        EXPECTED.i4,
        EXPECTED.f8,
        EXPECTED.d,
        EXPECTED.a8,
        EXPECTED.ab,
        true,
        null,
      ]);
    });
    after(async () => {
      await store.close();
      await place.remove();
    });

    it('returns bytea as Buffer, int8 and numeric as string, timestamptz as Date, date as text', async () => {
      const r = await store.query('select *, (select count(*) from (values (1), (2), (3)) v) as c from value_trip');
      assert.deepEqual(r.rows[0], EXPECTED);
      assert.ok(Buffer.isBuffer(r.rows[0]?.b));
    });

    it('returns the same values from inside a transaction', async () => {
      const row = await store.transaction(async (tx) => (await tx.query('select b, t, i8 from value_trip')).rows[0]);
      assert.deepEqual(row, { b: BYTES, t: WHEN, i8: BIG });
    });

    it('matches a bytea parameter byte for byte', async () => {
      const r = await store.query('select count(*)::int as n from value_trip where b = $1', [BYTES]);
      assert.deepEqual(r.rows, [{ n: 1 }]);
    });
  });
}
