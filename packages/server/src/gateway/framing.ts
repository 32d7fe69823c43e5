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
 * other packet goes whole to mqtt-packet's parser, as does any packet before the CONNECT's
 * protocol level was accepted and an MQTT 5 PUBLISH that carries properties. The decoding
 * matches mqtt-packet's field by field (framing.test.ts compares both on seeded random and
 * malformed packets); it exists because mqtt-packet's parser costs a third of the MQTT path per
 * message (debug calls with rest arguments, a buffer list per connection), measured in
 * docs/decisions/0012.
 */
export class Framer {
  /**
   * The bytes of an incomplete packet (`#have` of them) and how many the packet needs
   * (INCOMPLETE: its Remaining Length has not arrived yet). The buffer grows by doubling up to the
   * packet's size, so a peer that trickles a packet a byte at a time holds at most twice what it
   * sent, never one buffer object per read, and announcing a large packet reserves nothing.
   */
  #buf: Buffer | undefined;
  #have = 0;
  #need = INCOMPLETE;
  #refused = false;

  constructor(
    private readonly maxPacketSize: number,
    private readonly sink: FrameSink,
  ) {}

  /** Bytes reserved for an incomplete packet (for tests and diagnostics). */
  get reserved(): number {
    return this.#buf?.length ?? 0;
  }

  /** Reads a chunk of the stream; returns how many complete packets it delivered. */
  push(chunk: Buffer): number {
    if (this.#refused || this.sink.framingStopped()) return 0;
    let delivered = 0;
    let from = 0;
    let buf = chunk;
    if (this.#buf !== undefined) {
      if (this.#need === INCOMPLETE) {
        buf = Buffer.concat([this.#buf.subarray(0, this.#have), chunk]); // at most 4 bytes kept
        this.#clear();
      } else {
        from = Math.min(chunk.length, this.#need - this.#have);
        this.#append(chunk, from);
        if (this.#have < this.#need) return 0;
        const packet = this.#buf.subarray(0, this.#have);
        this.#clear();
        delivered = this.#drain(packet, 0);
      }
    }
    return delivered + this.#drain(buf, from);
  }

  /** Delivers the complete packets of `buf` from `off`; keeps an incomplete tail. */
  #drain(buf: Buffer, off: number): number {
    let delivered = 0;
    while (off < buf.length && !this.#refused && !this.sink.framingStopped()) {
      // [MQTT-2.2.2-2] reserved flags refused at the first byte, before any body is buffered
      if (!headerValid(buf[off]!)) return (this.#refuse(), delivered);
      const length = remainingLength(buf, off + 1);
      if (length === MALFORMED) return (this.#refuse(), delivered); // [MQTT-1.5.5-1]
      if (length === INCOMPLETE) return (this.#keep(buf, off, INCOMPLETE), delivered);
      const size = 1 + length.bytes + length.value;
      // MQTT 5.0 §3.2.2.3.6: the Maximum Packet Size the CONNACK announces counts the whole packet
      if (size > this.maxPacketSize) return (this.#refuse(true), delivered);
      if (off + size > buf.length) return (this.#keep(buf, off, size), delivered);
      if (!this.#packet(buf, off, off + 1 + length.bytes, off + size)) return delivered;
      delivered++;
      off += size;
    }
    return delivered;
  }

  #keep(buf: Buffer, off: number, need: number): void {
    const rest = buf.length - off;
    this.#buf = Buffer.allocUnsafe(need === INCOMPLETE ? rest : Math.min(need, Math.max(2 * rest, 256)));
    buf.copy(this.#buf, 0, off);
    this.#have = rest;
    this.#need = need;
  }

  #append(chunk: Buffer, n: number): void {
    const buf = this.#buf!;
    if (this.#have + n > buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.#need, Math.max(2 * buf.length, this.#have + n)));
      buf.copy(grown, 0, 0, this.#have);
      this.#buf = grown;
    }
    chunk.copy(this.#buf!, this.#have, 0, n);
    this.#have += n;
  }

  #clear(): void {
    this.#buf = undefined;
    this.#have = 0;
    this.#need = INCOMPLETE;
  }

  /** Hands one complete packet on; false when it was refused as malformed. */
  #packet(buf: Buffer, start: number, body: number, end: number): boolean {
    const version = this.sink.framingVersion();
    const type = buf[start]! >> 4;
    if (!bodyLengthValid(type, end - body) || (version === 5 && !propertiesFit(type, buf, body, end))) {
      return this.#refuse();
    }
    const packet =
      type === PUBLISH && version !== undefined ? decodePublish(buf, start, body, end, version === 5) : undefined;
    if (packet === MALFORMED) return this.#refuse();
    if (packet === undefined) this.sink.framedOther(buf.subarray(start, end));
    else this.sink.framedPublish(packet);
    return true;
  }

  /** Refuses the stream (malformed, or oversized): nothing after it is read, whoever pushes. */
  #refuse(oversized = false): false {
    this.#refused = true;
    this.#clear();
    if (oversized) this.sink.framingOversized();
    else this.sink.framingMalformed();
    return false;
  }
}

/**
 * The fixed header's first byte (MQTT 3.1.1 §2.2.2, MQTT 5.0 §2.1.3): packet type 0 is reserved,
 * PUBREL, SUBSCRIBE and UNSUBSCRIBE carry flags 0010, PUBLISH its own (QoS 3 is malformed,
 * [MQTT-3.3.1-4]), every other type 0000. mqtt-packet checks the same, once the body is in.
 */
function headerValid(byte: number): boolean {
  const type = byte >> 4;
  const flags = byte & 0x0f;
  if (type === 0) return false;
  if (type === PUBLISH) return (flags & 0x06) !== 0x06;
  return flags === (type === 6 || type === 8 || type === 10 ? 0x02 : 0x00);
}

/**
 * Packets with a packet identifier (PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK,
 * UNSUBSCRIBE, UNSUBACK) and CONNACK have a body of two bytes at least, PINGREQ and PINGRESP none
 * (a device sends no CONNACK, SUBACK, UNSUBACK or PINGRESP: refused later, but not half-read). Handed exactly one packet, mqtt-packet reads a
 * missing identifier as -1 (streaming, it read the next packet's bytes).
 */
function bodyLengthValid(type: number, length: number): boolean {
  if (type === 2 || (type >= 4 && type <= 8) || type === 10 || type === 11) return length >= 2;
  if (type === 9) return length >= 3; // SUBACK: identifier and one return code at least
  if (type === 12 || type === 13) return length === 0;
  return true;
}

/**
 * MQTT 5 packets whose Property Length sits at a fixed place (after a packet identifier and a
 * reason code, or a reason code alone): the length must be complete and fit in the packet.
 * Handed exactly one packet, mqtt-packet reads a cut-off one as "no properties".
 */
function propertiesFit(type: number, buf: Buffer, body: number, end: number): boolean {
  let at: number;
  if (type >= 4 && type <= 7)
    at = body + 3; // PUBACK, PUBREC, PUBREL, PUBCOMP
  else if (type === 8 || type === 10)
    at = body + 2; // SUBSCRIBE, UNSUBSCRIBE
  else if (type === 14 || type === 15)
    at = body + 1; // DISCONNECT, AUTH
  else return true;
  if (at >= end) return type !== 8 && type !== 10; // no properties: allowed after a short reason
  const length = remainingLength(buf.subarray(0, end), at);
  return typeof length === 'object' && at + length.bytes + length.value <= end;
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
    if (byte === 0 && i > 0) return MALFORMED; // [MQTT-1.5.5-1] the minimum number of bytes
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
    const properties = at < end ? remainingLength(buf.subarray(0, end), at) : MALFORMED;
    // MQTT 5.0 §2.2.2.1: the Property Length must be complete and fit in the packet
    if (typeof properties !== 'object' || at + properties.bytes + properties.value > end) return MALFORMED;
    if (properties.value > 0) return undefined; // properties: mqtt-packet parses them
    at += properties.bytes;
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
