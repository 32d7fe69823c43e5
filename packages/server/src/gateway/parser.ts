import { createRequire } from 'node:module';
import mqtt from 'mqtt-packet';

/** The byte list mqtt-packet parses from: the methods its parser calls on `_list`. */
interface ByteList {
  append(buf: Buffer): unknown;
  readonly length: number;
}

interface ParserInternals {
  _list: ByteList;
  _resetState(): void;
  _stateCounter: number;
  _pos: number;
  error: Error | null;
  /** After CONNECT, the CONNECT packet itself (mqtt-packet reads only protocolVersion from it). */
  settings: { protocolVersion?: number };
}

// bl's plain BufferList, resolved from mqtt-packet itself (the version its parser is written for).
const requireFromMqttPacket = createRequire(createRequire(import.meta.url).resolve('mqtt-packet'));
const BufferList = requireFromMqttPacket('bl/BufferList.js') as new () => ByteList;

/**
 * mqtt-packet's parser, buffering into bl's plain `BufferList` instead of `bl()`, its Duplex
 * stream subclass (same methods; the parser never uses it as a stream), which it would
 * otherwise build anew after every refused packet.
 */
function createParser(): mqtt.Parser {
  const parser = mqtt.parser();
  const internals = parser as unknown as ParserInternals;
  const reset = internals._resetState;
  internals._resetState = function (this: ParserInternals) {
    reset.call(this);
    this._list = new BufferList();
    // mqtt-packet's own reset leaves the read position of a packet it refused, where the next
    // packet's Remaining Length would be read from (framing.test.ts found it, with a parser
    // shared by streams): harmless with a parser per connection, which closes on a refusal.
    this._pos = 0;
  };
  internals._list = new BufferList();
  return parser;
}

/** Who a parsed packet belongs to: the connection whose bytes are being parsed. */
export interface ParseSink {
  /** The protocol version of the connection's CONNECT (4 or 5); undefined before it. */
  framingVersion(): number | undefined;
  parsedPacket(packet: mqtt.Packet): void;
  parsedMalformed(): void;
}

const SETTINGS: Record<number, { protocolVersion: number }> = { 4: { protocolVersion: 4 }, 5: { protocolVersion: 5 } };
const NO_VERSION = {};

/**
 * One mqtt-packet parser for all the connections of a gateway. The framer hands on only whole
 * packets, so the parser holds no state between two calls: each call sets the connection's
 * protocol version, parses one packet (emitted synchronously, to that connection) and leaves
 * the parser empty. A parser per connection cost each idle connection about 1 KiB of heap (its
 * emitter, listeners, state list and buffer list; bench/gateway/idle-memory.mjs, 3,000
 * connections: 7.0 → 6.0 KiB), and its creation about 2 % of a handshake's CPU in the profile
 * (not visible above the noise of A/B runs).
 * mqtt-packet keeps a parsed CONNECT as its settings; they are reset after each call, so no
 * will payload or credential outlives its packet here.
 */
export class SharedParser {
  readonly #parser = createParser();
  #sink: ParseSink | undefined;

  constructor() {
    this.#parser.on('packet', (packet: mqtt.Packet) => this.#sink!.parsedPacket(packet));
    this.#parser.on('error', () => this.#sink!.parsedMalformed());
  }

  /** Parses the one whole packet `bytes` of `sink`'s connection. */
  parse(bytes: Buffer, sink: ParseSink): void {
    if (this.#sink !== undefined) return new SharedParser().parse(bytes, sink); // re-entered from a handler
    const parser = this.#parser as unknown as ParserInternals & mqtt.Parser;
    parser.settings = SETTINGS[sink.framingVersion() ?? 0] ?? NO_VERSION;
    this.#sink = sink;
    try {
      parser.parse(bytes);
      // A packet mqtt-packet did not finish is one the framer and it disagree on: refused.
      if (!parser.error && unfinished(parser)) sink.parsedMalformed();
    } finally {
      this.#sink = undefined;
      if (parser.error || unfinished(parser)) parser._resetState();
      parser.settings = NO_VERSION;
    }
  }
}

/** Bytes or a packet left in the parser: the whole packet it was given was not consumed. */
function unfinished(parser: ParserInternals): boolean {
  return parser._stateCounter !== 0 || parser._list.length !== 0;
}
