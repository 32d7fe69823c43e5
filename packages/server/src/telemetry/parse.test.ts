// parseTelemetry lives in @fleetward/protocol, which has no Node types; its tests run here.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTelemetry, TELEMETRY_LIMITS } from '@fleetward/protocol';

const bytes = (text: string) => new TextEncoder().encode(text);
const refused = (payload: Uint8Array) => assert.throws(() => parseTelemetry(payload), { code: 'FW_TELEMETRY_INVALID' });

describe('parseTelemetry', () => {
  it('lifts messageId (or mid) and ts out of the fields', () => {
    assert.deepEqual(
      parseTelemetry(bytes('{"mid":"m-1","ts":"2026-11-22T05:00:00Z","t":21.5,"door":"closed","ok":true}')),
      {
        messageId: 'm-1',
        deviceTime: '2026-11-22T05:00:00.000Z',
        fields: { t: 21.5, door: 'closed', ok: true },
      },
    );
  });

  it('checks the fields after a reserved key too, and keeps them without it', () => {
    refused(bytes('{"mid":"m-1","a b":1}'));
    refused(bytes('{"ts":"2026-11-22T05:00:00Z","a":{"b":1}}'));
    assert.deepEqual(parseTelemetry(bytes('{"a":1,"mid":"m-1","b":2}')), { messageId: 'm-1', fields: { a: 1, b: 2 } });
  });

  it('refuses a field named __proto__ with FW_TELEMETRY_INVALID, with or without a reserved key', () => {
    refused(bytes('{"__proto__":1}'));
    refused(bytes('{"mid":"m-1","__proto__":1}'));
  });

  it('refuses what is not a UTF-8 JSON object with FW_TELEMETRY_INVALID', () => {
    refused(Uint8Array.from([0x7b, 0xff, 0x7d]));
    refused(bytes('[1,2]'));
    refused(bytes('null'));
    refused(bytes('{"a":'));
  });

  it('refuses nested values, non-finite numbers and bad field names with FW_TELEMETRY_INVALID', () => {
    refused(bytes('{"a":{"b":1}}'));
    refused(bytes('{"a":[1]}'));
    refused(bytes('{"a":1e400}'));
    refused(bytes('{"1a":1}'));
    refused(bytes('{"a b":1}'));
  });

  it('refuses a NUL character in a string, which the store cannot hold, with FW_TELEMETRY_INVALID', () => {
    refused(bytes('{"a":"x\\u0000y"}'));
  });

  it('refuses payloads over the size, field and string limits with FW_TELEMETRY_INVALID', () => {
    refused(new Uint8Array(TELEMETRY_LIMITS.maxBytes + 1).fill(0x20));
    const many = Object.fromEntries(Array.from({ length: TELEMETRY_LIMITS.maxFields + 1 }, (_, i) => [`f${i}`, i]));
    refused(bytes(JSON.stringify(many)));
    refused(bytes(JSON.stringify({ s: 'x'.repeat(TELEMETRY_LIMITS.maxString + 1) })));
  });

  it('refuses a malformed messageId or ts with FW_TELEMETRY_INVALID', () => {
    refused(bytes('{"messageId":"a b"}'));
    refused(bytes('{"mid":""}'));
    refused(bytes('{"ts":"yesterday"}'));
    refused(bytes('{"ts":5}'));
  });

  it('refuses a ts outside the years 1 to 9999 with FW_TELEMETRY_INVALID, and takes both ends', () => {
    refused(bytes('{"ts":"-000100-01-01T00:00:00Z"}'));
    refused(bytes('{"ts":"+010000-01-01T00:00:00Z"}'));
    refused(bytes('{"ts":"0000-12-31T23:59:59Z"}'));
    assert.equal(parseTelemetry(bytes('{"ts":"0001-01-01T00:00:00Z"}')).deviceTime, '0001-01-01T00:00:00.000Z');
    assert.equal(parseTelemetry(bytes('{"ts":"9999-12-31T23:59:59.999Z"}')).deviceTime, '9999-12-31T23:59:59.999Z');
  });

  it('takes ts only as RFC 3339 with an offset and keeps it as UTC with milliseconds, so every reader agrees', () => {
    assert.equal(
      parseTelemetry(bytes('{"ts":"2024-06-01T12:00:00.123456+02:00"}')).deviceTime,
      '2024-06-01T10:00:00.123Z',
    );
    for (const local of ['2024-06-01T12:00:00', '1/2/2024', 'June 1, 2024 12:00', '2024-06-01 12:00:00Z']) {
      refused(bytes(JSON.stringify({ ts: local })));
    }
  });

  it('refuses a ts on a day or at a time that does not exist with FW_TELEMETRY_INVALID', () => {
    for (const ts of ['2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-06-01T24:00:00Z', '2024-06-01T12:00:60Z']) {
      refused(bytes(JSON.stringify({ ts })));
    }
    assert.equal(parseTelemetry(bytes('{"ts":"2024-02-29T00:00:00Z"}')).deviceTime, '2024-02-29T00:00:00.000Z');
  });
});
