import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mqtt from 'mqtt-packet';
import { seededRandom } from '../firmware/testing.js';
import { Framer, type FrameSink } from './framing.js';
import { SharedParser, type ParseSink } from './parser.js';

type Seen = { kind: 'packet'; packet: mqtt.Packet } | { kind: 'malformed' } | { kind: 'oversized' };

/**
 * One parser for every stream of these tests, as the connections of one gateway share one: a
 * stream's refused packet must leave nothing behind for the next stream.
 */
const shared = new SharedParser();

/** A framer whose other packets go to the shared parser, as in Client; what came out, in order. */
function framed(version: number | undefined, max = 1 << 20) {
  const seen: Seen[] = [];
  let stopped = false;
  const sink: FrameSink & ParseSink = {
    framedPublish: (packet) => seen.push({ kind: 'packet', packet }),
    framedOther: (bytes) => shared.parse(bytes, sink),
    parsedPacket: (packet) => seen.push({ kind: 'packet', packet }),
    parsedMalformed: () => {
      stopped = true; // as in Client: a malformed packet closes the connection
      seen.push({ kind: 'malformed' });
    },
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
  let stopped = false;
  parser.on('packet', (packet) => stopped || seen.push({ kind: 'packet', packet }));
  parser.on('error', () => {
    if (!stopped) seen.push({ kind: 'malformed' });
    stopped = true;
  });
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

  for (const version of [4, 5]) {
    it(`never accepts what mqtt-packet refuses, nor decodes a packet differently, on 3,000 mutated streams (version ${version})`, () => {
      const r = seededRandom(100 + version);
      const int = (n: number) => Math.floor(r() * n);
      const make = [
        () => publishBytes(r, version === 5),
        () => mqtt.generate({ cmd: 'pingreq' }),
        () => mqtt.generate({ cmd: 'puback', messageId: 1 + int(100) }, { protocolVersion: version as 4 | 5 }),
        () =>
          mqtt.generate(
            { cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'a/#', qos: 1 }] },
            { protocolVersion: version as 4 | 5 },
          ),
        () => mqtt.generate({ cmd: 'disconnect' }, { protocolVersion: version as 4 | 5 }),
      ];
      for (let i = 0; i < 3000; i++) {
        const bytes = Buffer.concat(Array.from({ length: 1 + int(5) }, () => make[int(make.length)]!()));
        for (let m = 1 + int(3); m > 0; m--) bytes[int(bytes.length)] = int(256);
        const { framer, seen } = framed(version);
        for (let at = 0; at < bytes.length;) {
          const n = 1 + int(40);
          framer.push(bytes.subarray(at, at + n));
          at += n;
        }
        const ours = seen.map((s) => JSON.stringify(fields(s)));
        const theirs = reference(bytes, version).map((s) => JSON.stringify(fields(s)));
        let k = 0;
        while (k < ours.length && ours[k] === theirs[k]) k++;
        if (k === ours.length && k === theirs.length) continue;
        // the first difference may only be ours refusing (stricter), never accepting or decoding otherwise
        assert.ok(
          ['"malformed"', '"oversized"'].includes(ours[k] ?? ''),
          `stream ${i} ${bytes.toString('hex')}: ours ${ours[k]} theirs ${theirs[k]}`,
        );
      }
    });
  }

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

  it('[MQTT-2.2.2-2] refuses reserved fixed-header flags at the first byte, before any body arrives', () => {
    for (const first of [0x00, 0x2c, 0x80, 0x60, 0xc1, 0x36]) {
      const { framer, seen } = framed(5);
      framer.push(Buffer.from([first]));
      assert.deepEqual(seen.map(fields), ['malformed'], first.toString(16));
    }
  });

  it('counts the whole packet, fixed header included, against the Maximum Packet Size (MQTT 5.0 §3.2.2.3.6)', () => {
    const body = (n: number) => Buffer.from([0x00, 0x01, 0x61, ...Array<number>(n - 3).fill(0x7b)]);
    const fits = framed(4, 100);
    fits.framer.push(Buffer.from([0x30, 98, ...body(98)]));
    assert.deepEqual(
      fits.seen.map((s) => s.kind),
      ['packet'],
    );
    const over = framed(4, 100);
    over.framer.push(Buffer.from([0x30, 99]));
    assert.deepEqual(over.seen.map(fields), ['oversized']);
  });

  it('holds at most twice what a peer trickled, in one buffer, and counts only complete packets', () => {
    const { framer, seen } = framed(4);
    const payload = Buffer.alloc(60_000, 0x61);
    const bytes = Buffer.concat([Buffer.from([0x30, ...varint(3 + payload.length), 0x00, 0x01, 0x74]), payload]);
    let delivered = 0;
    for (let i = 0; i < 30_000; i++) delivered += framer.push(bytes.subarray(i, i + 1));
    assert.equal(delivered, 0);
    assert.ok(framer.reserved <= 2 * 30_000, `${framer.reserved} bytes reserved for 30,000 received`);
    delivered += framer.push(bytes.subarray(30_000));
    assert.equal(delivered, 1);
    assert.equal(framer.reserved, 0);
    assert.equal((seen[0] as { packet: mqtt.IPublishPacket }).packet.payload.length, payload.length);
  });

  it('reserves nothing for a large packet that is only announced', () => {
    const { framer } = framed(4);
    framer.push(Buffer.from([0x30, ...varint(60_000), 0x00]));
    assert.ok(framer.reserved <= 256, `${framer.reserved} bytes reserved`);
  });

  it('refuses an MQTT 5 PUBACK or DISCONNECT whose Property Length does not fit in the packet', () => {
    for (const hex of ['400400' + '0b00e8', 'e00200f8', 'a2020001']) {
      const { framer, seen } = framed(5);
      framer.push(Buffer.from(hex, 'hex'));
      assert.deepEqual(seen.map(fields), ['malformed'], hex);
    }
    const ok = framed(5);
    ok.framer.push(Buffer.from('4003000b00' + 'e000', 'hex'));
    assert.deepEqual(
      ok.seen.map((s) => (s.kind === 'packet' ? s.packet.cmd : s.kind)),
      ['puback', 'disconnect'],
    );
  });

  it('[MQTT-1.5.5-1] refuses a Variable Byte Integer not written in the minimum number of bytes', () => {
    for (const [version, hex] of [
      [4, 'c08000'], // PINGREQ with a two-byte Remaining Length of 0
      [5, '3007000174' + '8000' + 'aabb'], // PUBLISH with a two-byte Property Length of 0
    ] as const) {
      const { framer, seen } = framed(version);
      assert.equal(framer.push(Buffer.from(hex, 'hex')), 0);
      assert.deepEqual(seen.map(fields), ['malformed'], hex);
    }
  });

  it('counts only the packets it handed on, and refuses a CONNACK without its two bytes', () => {
    for (const hex of ['3203000174c000', '2000c000']) {
      const { framer, seen } = framed(4);
      assert.equal(framer.push(Buffer.from(hex, 'hex')), 0, hex);
      assert.deepEqual(seen.map(fields), ['malformed'], hex);
    }
    const split = framed(4);
    assert.equal(split.framer.push(Buffer.from('3203', 'hex')), 0);
    assert.equal(split.framer.push(Buffer.from('000174c000', 'hex')), 0);
    assert.deepEqual(split.seen.map(fields), ['malformed']);
  });

  it('reads nothing more once it refused the stream, whoever pushes', () => {
    const seen: string[] = [];
    const framer = new Framer(1 << 20, {
      framedPublish: () => seen.push('publish'),
      framedOther: () => seen.push('other'),
      framingMalformed: () => seen.push('malformed'),
      framingOversized: () => seen.push('oversized'),
      framingStopped: () => false, // a sink that never stops: the framer must
      framingVersion: () => 4,
    });
    assert.equal(framer.push(Buffer.from('36', 'hex')), 0);
    assert.equal(framer.push(mqtt.generate({ cmd: 'pingreq' })), 0);
    assert.deepEqual(seen, ['malformed']);
    assert.equal(framer.reserved, 0);
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
