import * as assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { FixedClock } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { TelemetryWriter } from './writer.js';

/** The store, with a count of INSERT statements and an optional gate holding them back. */
function observed(store: Store) {
  const seen = { inserts: 0, gate: undefined as Promise<void> | undefined };
  const wrapped: Store = Object.create(store) as Store;
  wrapped.query = async (text, params) => {
    if (/^(insert into telemetry|with chunks)/.test(text)) {
      seen.inserts++;
      if (seen.gate) await seen.gate;
    }
    return store.query(text, params);
  };
  return { store: wrapped, seen };
}

const rows = async (store: Store) =>
  (
    await store.query<{ device_id: string; message_id: string | null; fields: Record<string, unknown> }>(
      'select device_id, message_id, fields from telemetry order by id',
    )
  ).rows;

describe('TelemetryWriter', () => {
  let store: Store;
  const clock = new FixedClock(new Date('2025-01-01T00:00:00Z'));

  before(async () => {
    store = await openStore();
    await store.query(
      `insert into devices (id, model, enrolled_via, enrolled_at, updated_at)
       values ('dev-a', 'm', 'claim', now(), now()), ('dev-b', 'm', 'claim', now(), now())`,
    );
  });
  beforeEach(async () => {
    await store.query('delete from telemetry_rows');
    await store.query('delete from telemetry_chunks');
  });
  after(() => store.close());

  it('writes the records of one turn in one INSERT, in arrival order', async () => {
    const { store: s, seen } = observed(store);
    const writer = new TelemetryWriter(s, clock, { chunkMin: Infinity });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => writer.write(i % 2 ? 'dev-a' : 'dev-b', { fields: { n: i } })),
    );
    assert.equal(seen.inserts, 1);
    assert.ok(results.every((r) => r.stored));
    assert.deepEqual(
      (await rows(store)).map((r) => r.fields.n),
      Array.from({ length: 50 }, (_, i) => i),
    );
    await writer.close();
  });

  it('cuts batches at maxRows and queues what arrives during a commit for the next batch', async () => {
    const { store: s, seen } = observed(store);
    const writer = new TelemetryWriter(s, clock, { maxRows: 10 });
    const first = Array.from({ length: 25 }, (_, i) => writer.write('dev-a', { fields: { n: i } }));
    await Promise.all(first);
    assert.equal(seen.inserts, 3);
    assert.equal((await rows(store)).length, 25);
    await writer.close();
  });

  it('deduplicates a message id repeated within one batch and across batches', async () => {
    const writer = new TelemetryWriter(store, clock);
    const [a, b, c] = await Promise.all([
      writer.write('dev-a', { messageId: 'm1', fields: { v: 1 } }),
      writer.write('dev-a', { messageId: 'm1', fields: { v: 2 } }),
      writer.write('dev-b', { messageId: 'm1', fields: { v: 3 } }),
    ]);
    assert.deepEqual([a.stored, b.stored, c.stored], [true, false, true]);
    const again = await writer.write('dev-a', { messageId: 'm1', fields: { v: 4 } });
    assert.equal(again.stored, false);
    assert.deepEqual(
      (await rows(store)).map((r) => [r.device_id, r.fields.v]),
      [
        ['dev-a', 1],
        ['dev-b', 3],
      ],
    );
    await writer.close();
  });

  it('resolves a write only after its batch committed', async () => {
    const { store: s, seen } = observed(store);
    let open!: () => void;
    seen.gate = new Promise((resolve) => (open = resolve));
    const writer = new TelemetryWriter(s, clock);
    let settled = false;
    const done = writer.write('dev-a', { fields: { n: 1 } }).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(settled, false);
    assert.equal((await rows(store)).length, 0);
    open();
    await done;
    assert.equal((await rows(store)).length, 1);
    await writer.close();
  });

  it('fails only the record the store refuses; the rest of its batch is stored', async () => {
    const writer = new TelemetryWriter(store, clock);
    const results = await Promise.allSettled([
      writer.write('dev-a', { fields: { n: 1 } }),
      writer.write('dev-a', { fields: { n: 2, s: 'a\u0000b' } }), // jsonb refuses NUL: 22P05
      writer.write('dev-b', { fields: { n: 3 } }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal((results[1] as PromiseRejectedResult).reason.code, 'FW_TELEMETRY_INVALID');
    assert.deepEqual(
      (await rows(store)).map((r) => r.fields.n),
      [1, 3],
    );
    await writer.close();
  });

  it('isolates bad records by halving the batch, not with one commit per record', async () => {
    const { store: s, seen } = observed(store);
    const writer = new TelemetryWriter(s, clock);
    const results = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) =>
        writer.write('dev-a', { fields: i === 5 || i === 40 ? { n: i, s: '\u0000' } : { n: i } }),
      ),
    );
    const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    assert.deepEqual(rejected, [5, 40]);
    assert.equal((await rows(store)).length, 62);
    assert.ok(seen.inserts <= 1 + 2 * 2 * Math.log2(64), `${seen.inserts} INSERTs`);
    await writer.close();
  });

  it('rejects every record of a batch with the store error when the store is down', async () => {
    const down = await openStore();
    await down.close();
    const writer = new TelemetryWriter(down, clock);
    const results = await Promise.allSettled([
      writer.write('dev-a', { fields: { n: 1 } }),
      writer.write('dev-b', { fields: { n: 2 } }),
    ]);
    assert.deepEqual(
      results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')),
      ['FW_STORE_UNAVAILABLE', 'FW_STORE_UNAVAILABLE'],
    );
    await writer.close();
  });

  it('writes the queued records on close() and refuses new ones after it', async () => {
    const writer = new TelemetryWriter(store, clock, { maxDelayMs: 60_000 });
    const pending = [writer.write('dev-a', { fields: { n: 1 } }), writer.write('dev-a', { fields: { n: 2 } })];
    await writer.close();
    assert.equal((await rows(store)).length, 2);
    await Promise.all(pending);
    await assert.rejects(writer.write('dev-a', { fields: { n: 3 } }), { code: 'FW_STORE_UNAVAILABLE' });
  });

  it('stores the device time and the server time of receipt', async () => {
    const writer = new TelemetryWriter(store, clock);
    await writer.write('dev-a', { messageId: 'm9', deviceTime: '2024-12-31T23:59:00Z', fields: { n: 1 } });
    const r = await store.query<{ received_at: Date; device_time: Date }>(
      'select received_at, device_time from telemetry',
    );
    assert.equal(r.rows[0]?.received_at.toISOString(), '2025-01-01T00:00:00.000Z');
    assert.equal(r.rows[0]?.device_time.toISOString(), '2024-12-31T23:59:00.000Z');
    await writer.close();
  });

  it('ingest() refuses an invalid payload alone and stores the minimized fields of the others', async () => {
    const writer = new TelemetryWriter(store, clock);
    const minimize = (_id: string, fields: Readonly<Record<string, unknown>>) =>
      ({ kept: fields.kept ?? null }) as never;
    const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const results = await Promise.allSettled([
      writer.ingest('dev-a', enc({ kept: 1, secret: 2 }), { minimize }),
      writer.ingest('dev-a', new TextEncoder().encode('not json'), { minimize }),
      writer.ingest('dev-b', enc({ mid: 'x1', kept: 3 })),
    ]);
    assert.deepEqual(
      results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')),
      ['ok', 'FW_TELEMETRY_INVALID', 'ok'],
    );
    assert.deepEqual((await rows(store)).map((r) => [r.device_id, r.message_id, r.fields]).sort(), [
      ['dev-a', null, { kept: 1 }],
      ['dev-b', 'x1', { kept: 3 }],
    ]);
    await writer.close();
  });
});
