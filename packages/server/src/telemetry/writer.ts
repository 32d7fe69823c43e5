import { clearTimeout, setImmediate, setTimeout } from 'node:timers';
import { parseTelemetry, protocolError, type TelemetryRecord } from '@fleetward/protocol';
import { serverError } from '../errors.js';
import type { Clock } from '../kernel/index.js';
import type { Store } from '../store/index.js';
import type { IngestOptions, IngestResult } from './ingest.js';
import { chunkColumns, layout } from './layout.js';

export interface TelemetryWriterOptions {
  /** Records per batch (one INSERT statement, one commit) at most (default 5000). */
  readonly maxRows?: number;
  /**
   * Records without a message id that one device must have in a batch for them to be stored as
   * one chunk instead of one row each (default 4; `Infinity`: rows only). See
   * docs/decisions/0012-telemetry-chunks.md.
   */
  readonly chunkMin?: number;
  /**
   * Milliseconds a row may wait for company when the store is idle (default 0: the batch is
   * written as soon as the current I/O turn ends). While a batch is being committed, new rows
   * always wait for it: that wait is what makes the next batch large.
   */
  readonly maxDelayMs?: number;
}

interface Pending {
  readonly deviceId: string;
  readonly record: TelemetryRecord;
  readonly receivedAt: Date;
  readonly resolve: (result: IngestResult) => void;
  readonly reject: (err: unknown) => void;
}

const STORED: IngestResult = { stored: true };
const DUPLICATE: IngestResult = { stored: false };

/** SQLSTATE classes that blame the row, not the store: 22 data exception, 23 integrity violation. */
const ROW_FAULT = /^2[23]/;

/**
 * The serialized fields and chunk records of a batch travel as one text each, joined by U+001E
 * (record separator), which JSON.stringify never leaves unescaped, and are split by the store:
 * as text[] elements they would be quoted and escaped one by one (every `"` of the JSON) by the
 * client library, which cost more than PostgreSQL's work on them.
 */
const SEPARATOR = '\x1e';

/**
 * One INSERT per batch, its columns as arrays. The receive times of a batch are few distinct
 * milliseconds: they are sent once each ($3) and picked per row by index ($4), which costs the
 * store far less than parsing one timestamp per row. Rows with a message id are returned, to tell
 * a stored record from a redelivery; a batch without message ids returns nothing.
 */
const INSERT_ROWS = `insert into telemetry_rows (device_id, message_id, received_at, device_time, fields)
  select d, m, ($3::timestamptz[])[i], t, f::jsonb
  from unnest($1::text[], $2::text[], $4::int4[], $5::timestamptz[], string_to_array($6, chr(30))) as x(d, m, i, t, f)
  on conflict (device_id, message_id) where message_id is not null do nothing`;
/** A batch's chunks: devices, first and last receive times as indexes into `times`, records. */
const insertChunks = (times: string, p: number) => `insert into telemetry_chunks (device_id, first_at, last_at, records)
  select d, (${times}::timestamptz[])[fi], (${times}::timestamptz[])[li], r
  from unnest($${p}::text[], $${p + 1}::int4[], $${p + 2}::int4[], string_to_array($${p + 3}, chr(30))) as c(d, fi, li, r)`;
const INSERT_CHUNKS = insertChunks('$1', 2);
/** Rows and chunks of a batch in one statement: one round trip, one commit. */
const INSERT_BOTH = `with chunks as (${insertChunks('$3', 7)}) ${INSERT_ROWS}`;
const RETURNING = ' returning device_id, message_id';

/**
 * Group commit of telemetry: records are queued and written in one INSERT statement per batch
 * (at most `maxRows` records: rows … ON CONFLICT DO NOTHING, and chunks for devices that sent
 * `chunkMin` records or more without a message id), one batch in flight at a time, so the store
 * pays one commit (one fsync) per batch instead of per message. Each `write()` resolves only
 * after its batch committed (at least once; deduplicated on the device's message id, within
 * and across batches). Records arrive already validated (and minimized) by the caller.
 *
 * Failures: a batch the store refuses for a row's content (SQLSTATE 22, 23) is split in halves
 * until the bad records are alone, so one bad record fails alone (FW_TELEMETRY_INVALID); any other failure (store down)
 * rejects every caller of the batch with the store's error, so nothing is acknowledged.
 */
export class TelemetryWriter {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #maxRows: number;
  readonly #maxDelayMs: number;
  readonly #chunkMin: number;
  #queue: Pending[] = [];
  #running: Promise<void> | undefined;
  #scheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(store: Store, clock: Clock, options: TelemetryWriterOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#maxRows = Math.max(1, options.maxRows ?? 5000);
    this.#chunkMin = Math.max(2, options.chunkMin ?? 4);
    this.#maxDelayMs = Math.max(0, options.maxDelayMs ?? 0);
  }

  /**
   * The gateway's telemetry hook: validates the payload (FW_TELEMETRY_INVALID, before it can
   * join a batch), minimizes its fields when asked, then queues it like `write()`.
   */
  async ingest(deviceId: string, payload: Uint8Array, options: IngestOptions = {}): Promise<IngestResult> {
    const record = parseTelemetry(payload);
    if (options.minimize === undefined) return this.write(deviceId, record);
    const fields = await options.minimize(deviceId, record.fields);
    return this.write(deviceId, fields === record.fields ? record : { ...record, fields });
  }

  /** Queues one record of `deviceId`; resolves once it is committed (stored false: a redelivery). */
  write(deviceId: string, record: TelemetryRecord): Promise<IngestResult> {
    if (this.#closed) return Promise.reject(serverError('FW_STORE_UNAVAILABLE', 'the telemetry writer is closed'));
    return new Promise<IngestResult>((resolve, reject) => {
      this.#queue.push({ deviceId, record, receivedAt: this.#clock.now(), resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves when every record queued so far is settled. */
  async flush(): Promise<void> {
    this.#start();
    while (this.#running !== undefined) await this.#running;
  }

  /** Refuses new records, then writes the queued ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(): void {
    if (this.#running !== undefined) return;
    if (this.#queue.length >= this.#maxRows) return this.#start();
    if (this.#scheduled) return;
    this.#scheduled = true;
    const start = () => {
      this.#scheduled = false;
      this.#start();
    };
    if (this.#maxDelayMs === 0) setImmediate(start);
    else this.#timer = setTimeout(start, this.#maxDelayMs);
  }

  /** Starts the drain unless one is in flight or there is nothing to write. */
  #start(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#scheduled = false;
    }
    if (this.#running !== undefined || this.#queue.length === 0) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      // Records queued after the last batch was cut but before this ran.
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  /** Writes batches until the queue is empty; the only writer in flight. */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxRows);
      await this.#commit(batch);
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    const { unique, duplicates } = dedupe(batch);
    try {
      const stored = await this.#insert(unique);
      for (const p of unique) p.resolve(p.record.messageId === undefined || stored.has(key(p)) ? STORED : DUPLICATE);
      for (const p of duplicates) p.resolve(DUPLICATE);
    } catch (err) {
      if (unique.length > 1 && isRowFault(err)) return this.#commitHalves(batch);
      const reason = isRowFault(err) ? protocolError('FW_TELEMETRY_INVALID', 'the store refused the record') : err;
      for (const p of batch) p.reject(reason);
    }
  }

  /**
   * A batch with a bad row: each half again, in order, down to the bad rows alone. A few bad
   * rows cost a few commits each (log2 of the batch), not one commit per row of the batch.
   */
  async #commitHalves(batch: Pending[]): Promise<void> {
    const middle = batch.length >> 1;
    await this.#commit(batch.slice(0, middle));
    await this.#commit(batch.slice(middle));
  }

  /** The keys (`device\nmessage`) of the rows stored with a message id. */
  async #insert(records: readonly Pending[]): Promise<Set<string>> {
    const { times, index } = receiveTimes(records);
    const fields = records.map((p) => JSON.stringify(p.record.fields));
    const { rows: at, chunks } = layout(records, fields, this.#chunkMin);
    const chunkParams = chunks.length === 0 ? [] : chunkColumns(records, fields, chunks, index);
    if (at.length === 0) {
      await this.#store.query(INSERT_CHUNKS, [times, ...chunkParams]);
      return new Set();
    }
    const all = at.length === records.length;
    const rows = all ? records : at.map((i) => records[i]!);
    const rowIndex = all ? index : at.map((i) => index[i]!);
    const rowFields = all ? fields : at.map((i) => fields[i]!);
    const withIds = rows.some((p) => p.record.messageId !== undefined);
    const sql = chunks.length === 0 ? INSERT_ROWS : INSERT_BOTH;
    const r = await this.#store.query<{ device_id: string; message_id: string | null }>(
      withIds ? sql + RETURNING : sql,
      [
        rows.map((p) => p.deviceId),
        rows.map((p) => p.record.messageId ?? null),
        times,
        rowIndex,
        rows.map((p) => p.record.deviceTime ?? null),
        rowFields.join(SEPARATOR),
        ...chunkParams,
      ],
    );
    const stored = new Set<string>();
    for (const row of r.rows) if (row.message_id !== null) stored.add(`${row.device_id}\n${row.message_id}`);
    return stored;
  }
}

/** The distinct receive times of the rows (ISO 8601) and, per row, its time's 1-based index. */
function receiveTimes(rows: readonly Pending[]): { times: string[]; index: number[] } {
  const times: string[] = [];
  const index: number[] = [];
  const seen = new Map<number, number>();
  for (const p of rows) {
    const ms = p.receivedAt.getTime();
    let i = seen.get(ms);
    if (i === undefined) {
      i = times.push(p.receivedAt.toISOString());
      seen.set(ms, i);
    }
    index.push(i);
  }
  return { times, index };
}

function key(p: Pending): string {
  return `${p.deviceId}\n${p.record.messageId}`;
}

/** Rows repeating a (device, message id) of an earlier row of the batch are not sent. */
function dedupe(batch: Pending[]): { unique: Pending[]; duplicates: Pending[] } {
  const seen = new Set<string>();
  const unique: Pending[] = [];
  const duplicates: Pending[] = [];
  for (const p of batch) {
    if (p.record.messageId === undefined) unique.push(p);
    else if (seen.has(key(p))) duplicates.push(p);
    else {
      seen.add(key(p));
      unique.push(p);
    }
  }
  return { unique, duplicates };
}

function isRowFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ROW_FAULT.test(code);
}
