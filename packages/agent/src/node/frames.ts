import { crc32 } from 'node:zlib';
import type { OutboxRecord, OutboxTopic } from '../core/platform.js';

/**
 * The outbox file format. A file is a sequence of frames:
 *
 *   u32 BE body length | u32 BE CRC-32 of the body | body
 *
 * A record body: u8 version (1) | u8 flags (bit 0 critical) | u8 topic | u8 id length |
 * f64 BE createdAt | id (ASCII) | payload. An ack-log body: removed ids joined by "\n".
 * A frame whose length runs past the end of the file or whose CRC does not match is damaged:
 * a torn write at the end (crash mid-append; appends after a restart go to a new file), or a
 * damaged sector in the middle. Reading goes on at the next position where an intact frame
 * starts, so one damaged frame does not take the records after it along (a false match needs a
 * plausible length and a CRC-32 hit: about 2^-32 per position tried).
 */
export const HEADER = 8;
const RECORD_FIXED = 12;
const MAX_BODY = 1 << 24;
const TOPICS: readonly OutboxTopic[] = ['telemetry', 'events', 'metrics', 'state', 'updates/status'];

export function frame(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + body.byteLength);
  out.writeUInt32BE(body.byteLength, 0);
  out.writeUInt32BE(crc32(body), 4);
  out.set(body, HEADER);
  return out;
}

export function encodeRecord(rec: OutboxRecord): Buffer {
  const id = Buffer.from(rec.id, 'latin1');
  const body = Buffer.allocUnsafe(RECORD_FIXED + id.byteLength + rec.payload.byteLength);
  body[0] = 1;
  body[1] = rec.critical ? 1 : 0;
  body[2] = TOPICS.indexOf(rec.topic);
  body[3] = id.byteLength;
  body.writeDoubleBE(rec.createdAt, 4);
  body.set(id, RECORD_FIXED);
  body.set(rec.payload, RECORD_FIXED + id.byteLength);
  return frame(body);
}

export function decodeRecord(body: Buffer): OutboxRecord | undefined {
  if (body.byteLength < RECORD_FIXED || body[0] !== 1) return undefined;
  const topic = TOPICS[body[2]!];
  const idLength = body[3]!;
  if (topic === undefined || idLength === 0 || RECORD_FIXED + idLength > body.byteLength) return undefined;
  return {
    id: body.toString('latin1', RECORD_FIXED, RECORD_FIXED + idLength),
    topic,
    critical: (body[1]! & 1) === 1,
    createdAt: body.readDoubleBE(4),
    payload: new Uint8Array(body.subarray(RECORD_FIXED + idLength)),
  };
}

/** The intact frames of a file, and whether any part of it was torn or damaged. */
export function readFrames(data: Buffer): { bodies: Buffer[]; torn: boolean } {
  const bodies: Buffer[] = [];
  let torn = false;
  let at = 0;
  while (at < data.byteLength) {
    const body = frameAt(data, at);
    if (body !== undefined) {
      bodies.push(body);
      at += HEADER + body.byteLength;
      continue;
    }
    torn = true;
    do at++;
    while (at < data.byteLength && frameAt(data, at) === undefined);
  }
  return { bodies, torn };
}

/** The body of the intact frame starting at `at`, if one does. */
function frameAt(data: Buffer, at: number): Buffer | undefined {
  if (at + HEADER > data.byteLength) return undefined;
  const length = data.readUInt32BE(at);
  if (length === 0 || length > MAX_BODY || at + HEADER + length > data.byteLength) return undefined;
  const body = data.subarray(at + HEADER, at + HEADER + length);
  return crc32(body) === data.readUInt32BE(at + 4) ? body : undefined;
}
