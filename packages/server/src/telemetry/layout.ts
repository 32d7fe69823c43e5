import type { TelemetryRecord } from '@fleetward/protocol';

/**
 * Chunks are stored as text and read as jsonb, so a record that jsonb would refuse (U+0000, a
 * lone surrogate: JSON.stringify writes both as \u escapes) must never enter one: it goes the
 * row way, where the store refuses it alone (SQLSTATE 22) instead of poisoning later reads.
 * Conservative: an escaped backslash before such text also sends the record to the rows.
 */
const UNSAFE = /\\u(0000|d[89a-f])/i;
const JSONB_SAFE = (json: string) => !UNSAFE.test(json);
/** A device time as parseTelemetry leaves it; any other form (a record made in code) goes the row way. */
const UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const chunkable = (p: Placed, json: string) =>
  p.record.messageId === undefined &&
  (p.record.deviceTime === undefined || UTC_MS.test(p.record.deviceTime)) &&
  JSONB_SAFE(json);

/** What the layout needs of a queued record. */
export interface Placed {
  readonly deviceId: string;
  readonly record: TelemetryRecord;
  readonly receivedAt: Date;
}

/** Positions in a batch: records stored one row each, and records grouped in chunks. */
export interface Layout {
  readonly rows: number[];
  /** One list of positions per chunk (one device each), in arrival order. */
  readonly chunks: number[][];
}

/**
 * Where each record of a batch goes (docs/decisions/0012-telemetry-chunks.md). A record with a
 * message id is a row: its deduplication is the unique index on (device_id, message_id). The
 * records without one of a device that has at least `chunkMin` of them in the batch form one
 * chunk; fewer stay rows, where a chunk would cost more than it saves. `fields` holds each
 * record's serialized fields.
 */
export function layout(batch: readonly Placed[], fields: readonly string[], chunkMin: number): Layout {
  const byDevice = new Map<string, number[]>();
  for (let i = 0; i < batch.length; i++) {
    const p = batch[i]!;
    if (!chunkable(p, fields[i]!)) continue;
    const list = byDevice.get(p.deviceId);
    if (list === undefined) byDevice.set(p.deviceId, [i]);
    else list.push(i);
  }
  const chunks: number[][] = [];
  const chunked = new Uint8Array(batch.length);
  for (const list of byDevice.values()) {
    if (list.length < chunkMin) continue;
    chunks.push(list);
    for (const i of list) chunked[i] = 1;
  }
  const rows: number[] = [];
  for (let i = 0; i < batch.length; i++) if (chunked[i] === 0) rows.push(i);
  return { rows, chunks };
}

/**
 * The INSERT's chunk columns: device ids, first and last receive times (as indexes into the
 * batch's distinct times, `timeIndex` per position) and the records, each
 * `[offset ms from first, device time or null, fields]`, joined by U+001E (see writer.ts). Device
 * times come normalized by parseTelemetry (UTC ISO 8601, years 1–9999), so the view's cast cannot
 * fail on them.
 */
export function chunkColumns(
  batch: readonly Placed[],
  fields: readonly string[],
  chunks: readonly number[][],
  timeIndex: readonly number[],
): [string[], number[], number[], string] {
  const devices: string[] = [];
  const firsts: number[] = [];
  const lasts: number[] = [];
  const records: string[] = [];
  for (const list of chunks) {
    let first = list[0]!;
    let last = first;
    for (const i of list) {
      if (batch[i]!.receivedAt.getTime() < batch[first]!.receivedAt.getTime()) first = i;
      if (batch[i]!.receivedAt.getTime() > batch[last]!.receivedAt.getTime()) last = i;
    }
    const base = batch[first]!.receivedAt.getTime();
    const parts: string[] = [];
    for (const i of list) {
      const { record, receivedAt } = batch[i]!;
      const deviceTime = record.deviceTime === undefined ? 'null' : `"${record.deviceTime}"`;
      parts.push(`[${receivedAt.getTime() - base},${deviceTime},${fields[i]!}]`);
    }
    devices.push(batch[first]!.deviceId);
    firsts.push(timeIndex[first]!);
    lasts.push(timeIndex[last]!);
    records.push(`[${parts.join(',')}]`);
  }
  return [devices, firsts, lasts, records.join('\x1e')];
}
