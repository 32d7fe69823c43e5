import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mqtt from 'mqtt-packet';
import { seededRandom } from '../firmware/testing.js';
import { Framer, type FrameSink } from './framing.js';

type Seen = { kind: 'packet'; packet: mqtt.Packet } | { kind: 'malformed' } | { kind: 'oversized' };

/** A framer whose other packets go to an mqtt-packet parser, as in Client; what came out, in order. */
function framed(version: number | undefined, max = 1 << 20) {
  const seen: Seen[] = [];
  const parser = mqtt.parser({ protocolVersion: version as 4 | 5 | undefined });
  parser.on('packet', (packet) => seen.push({ kind: 'packet', packet }));
  parser.on('error', () => seen.push({ kind: 'malformed' }));
  let stopped = false;
  const sink: FrameSink = {
    framedPublish: (packet) => seen.push({ kind: 'packet', packet }),
    framedOther: (bytes) => parser.parse(bytes),
    framingMalformed: () => {
      stopped = true;
      seen.push({ kind: 'malformed' });
    },
    framingOversized: () => {
      stopped = true;
      seen.push({ kind: 'oversized' });
    },
    framingStopped: () => stopped,
    framingVersion: () => version,
  };
  return { framer: new Framer(max, sink), seen };
}

/** What mqtt-packet alone makes of the same bytes. */
function reference(bytes: Buffer, version: number): Seen[] {
  const seen: Seen[] = [];
  const parser = mqtt.parser({ protocolVersion: version as 4 | 5 });
  parser.on('packet', (packet) => seen.push({ kind: 'packet', packet }));
  parser.on('error', () => seen.push({ kind: 'malformed' }));
  parser.parse(bytes);
  return seen;
}

/** The fields both decoders set, as plain data. */
function fields(s: Seen): unknown {
  if (s.kind !== 'packet') return s.kind;
  const p = s.packet as mqtt.IPublishPacket & { length: number };
  if (p.cmd !== 'publish') return { ...p };
  return {
    cmd: p.cmd,
    retain: p.retain,
    qos: p.qos,
    dup: p.dup,
    length: p.length,
    topic: p.topic,
    payload: Buffer.from(p.payload as Buffer).toString('hex'),
    messageId: p.messageId,
    properties: p.properties,
  };
}

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** A PUBLISH built byte by byte: any topic bytes (invalid UTF-8 too), flags, id and payload. */
function publishBytes(r: () => number, v5: boolean): Buffer {
  const int = (n: number) => Math.floor(r() * n);
  const qos = int(3);
  const flags = (r() < 0.5 ? 0x08 : 0) | (qos << 1) | (r() < 0.5 ? 1 : 0);
  const topic = Buffer.from(Array.from({ length: int(40) }, () => (r() < 0.9 ? 0x61 + int(26) : int(256))));
  const body = [topic.length >> 8, topic.length & 0xff, ...topic];
  if (qos > 0) body.push(...[int(256), int(256)]);
  if (v5) body.push(0);
  body.push(...Array.from({ length: int(300) }, () => int(256)));
  return Buffer.from([0x30 | flags, ...varint(body.length), ...body]);
}

describe('MQTT framing and PUBLISH decoding (MQTT 3.1.1 §2.2, §3.3; MQTT 5.0 §2.1, §3.3)', () => {
  for (const version of [4, 5]) {
    it(`decodes PUBLISH as mqtt-packet does, field by field, on 2,000 seeded random packets (version ${version})`, () => {
      const r = seededRandom(version);
      for (let i = 0; i < 2000; i++) {
        const bytes = publishBytes(r, version === 5);
        const { framer, seen } = framed(version);
        framer.push(bytes);
        assert.deepEqual(
          seen.map(fields),
          reference(bytes, version).map(fields),
          `packet ${i}: ${bytes.toString('hex')}`,
        );
      }
    });
  }

  it('frames a stream cut at random points into the packets mqtt-packet finds in it whole', () => {
    const r = seededRandom(7);
    const packets: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      const pick = r();
      if (pick < 0.6) packets.push(publishBytes(r, true));
      else if (pick < 0.7) packets.push(mqtt.generate({ cmd: 'pingreq' }));
      else if (pick < 0.8)
        packets.push(mqtt.generate({ cmd: 'puback', messageId: 1 + i, reasonCode: 0 }, { protocolVersion: 5 }));
      else if (pick < 0.9) {
        const properties = { payloadFormatIndicator: true, contentType: 'application/json' };
        packets.push(
          mqtt.generate(
            {
              cmd: 'publish',
              topic: 'devices/a/telemetry',
              payload: '{}',
              qos: 1,
              messageId: 9,
              dup: false,
              retain: false,
              properties,
            },
            { protocolVersion: 5 },
          ),
        );
      } else
        packets.push(
          mqtt.generate(
            { cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'devices/a/commands/#', qos: 1 }] },
            { protocolVersion: 5 },
          ),
        );
    }
    const stream = Buffer.concat(packets);
    const { framer, seen } = framed(5);
    for (let at = 0; at < stream.length;) {
      const n = 1 + Math.floor(r() * 700);
      framer.push(stream.subarray(at, at + n));
      at += n;
    }
    const expected = reference(stream, 5);
    assert.equal(expected.length, 300);
    assert.deepEqual(seen.map(fields), expected.map(fields));
  });

  it('refuses what mqtt-packet refuses: QoS 3 [MQTT-3.3.1-4], a topic past the end, a Remaining Length over four bytes', () => {
    const cases = [
      Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]), // QoS 3
      Buffer.from([0x30, 0x03, 0x00, 0x09, 0x61]), // topic length 9 in a body of 3
      Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), // five bytes of Remaining Length
    ];
    for (const bytes of cases) {
      const { framer, seen } = framed(4);
      framer.push(bytes);
      assert.deepEqual(seen.map(fields), ['malformed'], bytes.toString('hex'));
      assert.ok(
        reference(bytes, 4).some((s) => s.kind === 'malformed'),
        `mqtt-packet too: ${bytes.toString('hex')}`,
      );
    }
  });

  it('refuses a QoS 1 PUBLISH without room for its packet identifier, where mqtt-packet reads into the next packet', () => {
    const short = Buffer.from([0x32, 0x03, 0x00, 0x01, 0x61]);
    const { framer, seen } = framed(4);
    framer.push(Buffer.concat([short, mqtt.generate({ cmd: 'pingreq' })]));
    assert.deepEqual(seen.map(fields), ['malformed']);
  });

  it('refuses a packet over the limit from its fixed header, before its body arrives', () => {
    const { framer, seen } = framed(4, 1000);
    framer.push(Buffer.from([0x30, ...varint(1001)]));
    assert.deepEqual(seen.map(fields), ['oversized']);
  });

  it('reads nothing after the connection stopped', () => {
    const { framer, seen } = framed(4);
    framer.push(Buffer.concat([Buffer.from([0x36, 0x00]), mqtt.generate({ cmd: 'pingreq' })]));
    assert.deepEqual(seen.map(fields), ['malformed']);
  });

  it('leaves every packet to mqtt-packet before CONNECT was parsed', () => {
    const bytes = publishBytes(seededRandom(3), false);
    const { framer, seen } = framed(undefined);
    framer.push(bytes);
    assert.deepEqual(seen.map(fields), reference(bytes, 4).map(fields));
  });
});
