import { protocolError } from './errors.js';

export type TelemetryValue = number | string | boolean;

export interface TelemetryRecord {
  /** Device-chosen unique id of the record, for at-least-once deduplication. */
  readonly messageId?: string;
  /** Device-side time if the device sent one: RFC 3339 on the wire, here UTC ISO 8601 with milliseconds. */
  readonly deviceTime?: string;
  readonly fields: Readonly<Record<string, TelemetryValue>>;
}

export const TELEMETRY_LIMITS = {
  maxBytes: 16 * 1024,
  maxFields: 64,
  maxFieldName: 64,
  maxString: 1024,
  maxMessageId: 128,
} as const;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');
const inRange = (ms: number) => ms >= MIN_TIME && ms <= MAX_TIME; // false for NaN
const RFC3339 =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Validates a telemetry payload: a JSON object of named scalar fields. The reserved keys
 * `messageId` (alias `mid`) and `ts` are lifted out of `fields`.
 */
export function parseTelemetry(payload: Uint8Array): TelemetryRecord {
  if (payload.byteLength > TELEMETRY_LIMITS.maxBytes) {
    throw protocolError('FW_TELEMETRY_INVALID', `payload over ${TELEMETRY_LIMITS.maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(payload));
  } catch (cause) {
    throw protocolError('FW_TELEMETRY_INVALID', 'payload is not UTF-8 JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw protocolError('FW_TELEMETRY_INVALID', 'payload must be a JSON object');
  }
  // The parsed object becomes the record's fields unless it holds a reserved key (then they are
  // copied without it): one object less per message on the gateway's hot path.
  const object = value as Record<string, unknown>;
  let fields: Record<string, TelemetryValue> | undefined;
  let messageId: string | undefined;
  let deviceTime: string | undefined;
  let count = 0;
  for (const key in object) {
    const v = object[key];
    if (key === 'messageId' || key === 'mid') {
      if (typeof v !== 'string' || !MESSAGE_ID.test(v)) {
        throw protocolError('FW_TELEMETRY_INVALID', 'messageId must be 1-128 of [A-Za-z0-9_.:-]');
      }
      messageId = v;
      fields ??= copyFields(object);
      continue;
    }
    if (key === 'ts') {
      deviceTime = deviceTimeOf(v);
      fields ??= copyFields(object);
      continue;
    }
    // `__proto__` would set a prototype wherever a field is assigned by name downstream.
    if (!FIELD_NAME.test(key) || key === '__proto__') throw protocolError('FW_TELEMETRY_INVALID', 'bad field name');
    if (++count > TELEMETRY_LIMITS.maxFields) {
      throw protocolError('FW_TELEMETRY_INVALID', `more than ${TELEMETRY_LIMITS.maxFields} fields`);
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw protocolError('FW_TELEMETRY_INVALID', `${key} is not finite`);
    } else if (typeof v === 'string') {
      if (v.length > TELEMETRY_LIMITS.maxString) {
        throw protocolError('FW_TELEMETRY_INVALID', `${key} is longer than ${TELEMETRY_LIMITS.maxString}`);
      }
      // PostgreSQL's jsonb (and text) cannot hold U+0000: refused here, not by the store.
      if (v.includes('\u0000')) throw protocolError('FW_TELEMETRY_INVALID', `${key} holds a NUL character`);
    } else if (typeof v !== 'boolean') {
      throw protocolError('FW_TELEMETRY_INVALID', `${key} must be a number, string or boolean`);
    }
  }
  if (fields === undefined) return { fields: object as Record<string, TelemetryValue> };
  return { ...(messageId ? { messageId } : {}), ...(deviceTime ? { deviceTime } : {}), fields };
}

/**
 * `ts`: an RFC 3339 time (ISO 8601 with a UTC offset; no local times, which each reader would
 * place in its own time zone), an existing calendar day, years 1 to 9999 (what every store and
 * ISO 8601's basic form can hold). Normalized to UTC with milliseconds, so every layout of the
 * store keeps the same instant.
 */
function deviceTimeOf(v: unknown): string {
  const m = typeof v === 'string' ? RFC3339.exec(v) : null;
  const ms = m ? Date.parse(v as string) : NaN;
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!inRange(ms) || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day || year < 1) {
    throw protocolError('FW_TELEMETRY_INVALID', 'ts must be an RFC 3339 time with an offset, in the years 1 to 9999');
  }
  return new Date(ms).toISOString();
}

/**
 * The fields of a payload holding reserved keys: every other key. The loop in parseTelemetry
 * checks each of them (a bad one, `__proto__` included, still throws), so this copy is returned
 * only when all of them passed.
 */
function copyFields(object: Record<string, unknown>): Record<string, TelemetryValue> {
  const fields: Record<string, TelemetryValue> = {};
  for (const key in object) {
    if (key !== 'messageId' && key !== 'mid' && key !== 'ts') fields[key] = object[key] as TelemetryValue;
  }
  return fields;
}
