const PENDING = -1;

/**
 * QoS 1 acknowledgements of one connection, released strictly in arrival order
 * ([MQTT-4.6.0-2]: PUBACKs in the order the PUBLISH packets were received) even when the
 * ingest of a later message resolves first. A ring buffer of typed arrays: no per-message
 * object, no `shift()`; it grows by doubling when a 3.1.1 client (no Receive Maximum)
 * overruns it.
 */
export class AckQueue {
  #ids: Uint16Array;
  #reasons: Int16Array;
  #mask: number;
  #head = 0; // sequence number of the oldest entry
  #tail = 0; // sequence number of the next entry

  constructor(capacity = 128) {
    const size = 1 << Math.ceil(Math.log2(Math.max(2, capacity)));
    this.#ids = new Uint16Array(size);
    this.#reasons = new Int16Array(size);
    this.#mask = size - 1;
  }

  /** Entries not yet released. */
  get size(): number {
    return this.#tail - this.#head;
  }

  /** Appends a message awaiting its outcome; returns its sequence number. */
  push(messageId: number): number {
    if (this.size > this.#mask) this.#grow();
    const seq = this.#tail++;
    this.#ids[seq & this.#mask] = messageId;
    this.#reasons[seq & this.#mask] = PENDING;
    return seq;
  }

  /** Records the reason code (0 = success) of the message `seq`. */
  complete(seq: number, reason: number): void {
    if (seq >= this.#head && seq < this.#tail) this.#reasons[seq & this.#mask] = reason;
  }

  /**
   * Encodes the PUBACKs of the completed entries at the head, in order, into one buffer
   * (one socket write per batch); undefined when the head is still pending.
   */
  drain(): Buffer | undefined {
    let bytes = 0;
    let seq = this.#head;
    for (; seq < this.#tail; seq++) {
      const reason = this.#reasons[seq & this.#mask] as number;
      if (reason === PENDING) break;
      bytes += reason === 0 ? 4 : 5;
    }
    if (bytes === 0) return undefined;
    const out = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (; this.#head < seq; this.#head++) {
      const i = this.#head & this.#mask;
      at = encodePuback(out, at, this.#ids[i] as number, this.#reasons[i] as number);
    }
    return out;
  }

  #grow(): void {
    const size = (this.#mask + 1) * 2;
    const ids = new Uint16Array(size);
    const reasons = new Int16Array(size);
    for (let seq = this.#head; seq < this.#tail; seq++) {
      ids[seq & (size - 1)] = this.#ids[seq & this.#mask] as number;
      reasons[seq & (size - 1)] = this.#reasons[seq & this.#mask] as number;
    }
    this.#ids = ids;
    this.#reasons = reasons;
    this.#mask = size - 1;
  }
}

/**
 * PUBACK: fixed header 0x40, remaining length, packet id (MQTT 3.1.1 §3.4; MQTT 5.0 §3.4).
 * MQTT 5.0 §3.4.2.1: reason code and property length may be omitted when the reason is
 * Success and there are no properties, so success acks are the same 4 bytes in both versions.
 */
export function encodePuback(out: Buffer, at: number, messageId: number, reason: number): number {
  out[at] = 0x40;
  out[at + 1] = reason === 0 ? 2 : 3;
  out[at + 2] = messageId >> 8;
  out[at + 3] = messageId & 0xff;
  if (reason === 0) return at + 4;
  out[at + 4] = reason;
  return at + 5;
}
