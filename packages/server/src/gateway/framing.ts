import type mqtt from 'mqtt-packet';

/** Where the framer sends what it finds, in stream order (the Client: no closures per connection). */
export interface FrameSink {
  /** A PUBLISH the framer decoded itself. */
  framedPublish(packet: mqtt.IPublishPacket): void;
  /** Any other complete packet (and a PUBLISH with MQTT 5 properties), for mqtt-packet to parse. */
  framedOther(bytes: Buffer): void;
  framingMalformed(): void;
  /** A packet whose Remaining Length is over the limit: refused before its body is buffered. */
  framingOversized(): void;
  /** True once the connection is closing: nothing more is read. */
  framingStopped(): boolean;
  /** The protocol version of the CONNECT, once parsed (4 or 5); undefined before. */
  framingVersion(): number | undefined;
}

const PUBLISH = 3;
const INCOMPLETE = -1;
const MALFORMED = -2;

/**
 * Splits a connection's bytes into MQTT control packets (fixed header and Remaining Length, MQTT
 * 3.1.1 §2.2, MQTT 5.0 §2.1) and decodes PUBLISH, the one packet on the hot path, itself; every
 * other packet goes whole to mqtt-packet's parser, as does any packet before CONNECT was parsed
 * and an MQTT 5 PUBLISH that carries properties. The decoding matches mqtt-packet's field by
 * field (framing.test.ts compares both on seeded random and malformed packets); it exists
 * because mqtt-packet's parser costs a third of the MQTT path per message (debug calls with
 * rest arguments, a buffer list per connection), measured in docs/decisions/0012.
 */
export class Framer {
  /** The bytes of an incomplete packet, and how many the packet needs (INCOMPLETE: unknown yet). */
  #parts: Buffer[] | undefined;
  #have = 0;
  #need = INCOMPLETE;

  constructor(
    private readonly maxPacketSize: number,
    private readonly sink: FrameSink,
  ) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.#parts !== undefined) {
      this.#parts.push(chunk);
      this.#have += chunk.length;
      if (this.#need !== INCOMPLETE && this.#have < this.#need) return;
      buf = Buffer.concat(this.#parts, this.#have);
      this.#parts = undefined;
      this.#have = 0;
    }
    this.#need = INCOMPLETE;
    let off = 0;
    while (off < buf.length && !this.sink.framingStopped()) {
      const length = remainingLength(buf, off + 1);
      if (length === MALFORMED) return this.sink.framingMalformed(); // [MQTT-1.5.5-1] at most four bytes
      if (length === INCOMPLETE) return this.#keep(buf, off, INCOMPLETE);
      if (length.value > this.maxPacketSize) return this.sink.framingOversized();
      const end = off + 1 + length.bytes + length.value;
      if (end > buf.length) return this.#keep(buf, off, end - off);
      this.#packet(buf, off, off + 1 + length.bytes, end);
      off = end;
    }
  }

  #keep(buf: Buffer, off: number, need: number): void {
    const rest = buf.subarray(off);
    this.#parts = [rest];
    this.#have = rest.length;
    this.#need = need;
  }

  #packet(buf: Buffer, start: number, body: number, end: number): void {
    const version = this.sink.framingVersion();
    if (buf[start]! >> 4 !== PUBLISH || version === undefined) return this.sink.framedOther(buf.subarray(start, end));
    const packet = decodePublish(buf, start, body, end, version === 5);
    if (packet === MALFORMED) return this.sink.framingMalformed();
    if (packet === undefined) return this.sink.framedOther(buf.subarray(start, end));
    this.sink.framedPublish(packet);
  }
}

/** The Remaining Length at `at` (a Variable Byte Integer) and its size in bytes. */
function remainingLength(
  buf: Buffer,
  at: number,
): { value: number; bytes: number } | typeof INCOMPLETE | typeof MALFORMED {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 4; i++) {
    if (at + i >= buf.length) return INCOMPLETE;
    const byte = buf[at + i]!;
    value += (byte & 0x7f) * mul;
    if ((byte & 0x80) === 0) return { value, bytes: i + 1 };
    mul *= 0x80;
  }
  return MALFORMED;
}

/**
 * A PUBLISH (MQTT 3.1.1 §3.3, MQTT 5.0 §3.3) between `body` and `end`; undefined for an MQTT 5
 * PUBLISH with properties (mqtt-packet parses those). Shapes and refusals as mqtt-packet's:
 * QoS 3 is malformed ([MQTT-3.3.1-4]), so is a topic or packet identifier past the packet's end.
 */
function decodePublish(
  buf: Buffer,
  start: number,
  body: number,
  end: number,
  v5: boolean,
): mqtt.IPublishPacket | typeof MALFORMED | undefined {
  const flags = buf[start]! & 0x0f;
  const qos = (flags >> 1) & 0x03;
  if (qos === 3) return MALFORMED;
  let at = body;
  if (at + 2 > end) return MALFORMED;
  const topicEnd = at + 2 + buf.readUInt16BE(at);
  if (topicEnd > end) return MALFORMED;
  const topic = buf.toString('utf8', at + 2, topicEnd);
  at = topicEnd;
  let messageId: number | undefined;
  if (qos > 0) {
    if (at + 2 > end) return MALFORMED;
    messageId = buf.readUInt16BE(at);
    at += 2;
  }
  if (v5) {
    if (at >= end || buf[at] !== 0) return undefined; // properties, or none to read: mqtt-packet's call
    at += 1;
  }
  const packet = {
    cmd: 'publish',
    retain: (flags & 0x01) !== 0,
    qos,
    dup: (flags & 0x08) !== 0,
    length: end - body,
    topic,
    payload: buf.subarray(at, end),
  } as mqtt.IPublishPacket;
  if (messageId !== undefined) packet.messageId = messageId;
  return packet;
}
