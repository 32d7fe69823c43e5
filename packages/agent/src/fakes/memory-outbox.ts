import type { OutboxRecord, OutboxStorage } from '../core/platform.js';

/** Outbox storage in memory: the simulator's default and the tests'. Not durable. */
export class MemoryOutbox implements OutboxStorage {
  #records: OutboxRecord[] = [];
  #head = 0;
  #bytes = 0;

  append(rec: OutboxRecord): Promise<void> {
    this.#records.push(rec);
    this.#bytes += rec.payload.byteLength;
    return Promise.resolve();
  }

  peek(max: number): Promise<OutboxRecord[]> {
    return Promise.resolve(this.#records.slice(this.#head, this.#head + max));
  }

  remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    // Acks come in order: the common case removes the head without a scan.
    if (ids.length === 1 && this.#records[this.#head]?.id === ids[0]) {
      this.#bytes -= this.#records[this.#head]!.payload.byteLength;
      this.#head++;
    } else {
      const gone = new Set(ids);
      const kept = this.#records.slice(this.#head).filter((r) => !gone.has(r.id));
      this.#bytes = kept.reduce((n, r) => n + r.payload.byteLength, 0);
      this.#records = kept;
      this.#head = 0;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
    return Promise.resolve();
  }

  size(): { records: number; bytes: number } {
    return { records: this.#records.length - this.#head, bytes: this.#bytes };
  }
}
