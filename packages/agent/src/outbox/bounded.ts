import { agentError } from '../errors.js';
import type { OutboxRecord, OutboxStorage } from '../core/platform.js';

export interface OutboxLimits {
  /** Most records kept. */
  readonly maxRecords: number;
  /** Most payload bytes kept. */
  readonly maxBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxRecords: 10_000, maxBytes: 16 * 1024 * 1024 };

/**
 * The overflow policy over any storage. When a new record does not fit:
 * 1. drop the oldest non-critical record that is not in flight, until it fits;
 * 2. if none is left and the new record is not critical, drop the new record;
 * 3. if it is critical, refuse it (`FW_AGENT_OUTBOX_FULL`): critical records are never dropped.
 * Every drop is returned so the agent counts and reports it. Appends are serialized so two
 * concurrent sends cannot both take the last slot.
 */
export class BoundedOutbox {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly storage: OutboxStorage,
    readonly limits: OutboxLimits,
  ) {}

  /** Appends `rec` durably; resolves to the ids dropped to make room (may include `rec.id`). */
  append(rec: OutboxRecord, busy: (id: string) => boolean): Promise<string[]> {
    const run = this.#tail.then(() => this.#append(rec, busy));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #append(rec: OutboxRecord, busy: (id: string) => boolean): Promise<string[]> {
    if (rec.payload.byteLength > this.limits.maxBytes) {
      throw agentError('FW_AGENT_INPUT_INVALID', 'record larger than the whole outbox');
    }
    const dropped: string[] = [];
    while (!this.#fits(rec)) {
      const victim = await this.#oldestDroppable(busy);
      if (victim === undefined) {
        if (rec.critical) throw agentError('FW_AGENT_OUTBOX_FULL', 'outbox full of critical records');
        dropped.push(rec.id);
        return dropped;
      }
      await this.storage.remove([victim.id]);
      dropped.push(victim.id);
    }
    await this.storage.append(rec);
    return dropped;
  }

  #fits(rec: OutboxRecord): boolean {
    const { records, bytes } = this.storage.size();
    return records + 1 <= this.limits.maxRecords && bytes + rec.payload.byteLength <= this.limits.maxBytes;
  }

  async #oldestDroppable(busy: (id: string) => boolean): Promise<OutboxRecord | undefined> {
    let max = 64;
    for (;;) {
      const recs = await this.storage.peek(max);
      const found = recs.find((r) => !r.critical && !busy(r.id));
      if (found !== undefined || recs.length < max) return found;
      max *= 8;
    }
  }
}
