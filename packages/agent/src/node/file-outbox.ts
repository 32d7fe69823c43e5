import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutboxRecord, OutboxStorage } from '../core/platform.js';
import { decodeRecord, encodeRecord, frame, readFrames } from './frames.js';

const SEGMENT = /^seg-(\d{12})\.log$/;
const ACKS = 'acked.log';
const SEGMENT_BYTES = 4 * 1024 * 1024;
const ACKS_COMPACT_BYTES = 1024 * 1024;

interface Stored {
  readonly rec: OutboxRecord;
  readonly seg: number;
}

interface Waiter {
  readonly bytes: Buffer;
  readonly stored: Stored;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * A durable outbox in a directory: append-only segment files of CRC-framed records
 * (`frames.ts`), and an ack log of removed ids. An append resolves after its bytes are
 * written and fdatasync'd; appends that arrive while a sync runs share the next one (group
 * commit). Removals are logged without a sync: after a crash a removed record may come back
 * and is sent again, which the server deduplicates by id. A segment whose records are all
 * removed is deleted; a torn frame at the end of a file (crash mid-write) is skipped.
 * The records are also kept in memory, so `peek` reads no file.
 */
export class FileOutbox implements OutboxStorage {
  #records: Stored[] = [];
  #head = 0;
  #bytes = 0;
  readonly #live = new Map<number, number>();
  /** Removed ids whose segment still exists, per segment: what a compacted ack log keeps. */
  readonly #removed = new Map<number, string[]>();
  #seg: number;
  #segBytes = 0;
  #segHandle: FileHandle | undefined;
  #acksHandle: FileHandle | undefined;
  #acksBytes: number;
  #batch: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  #acksChain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(
    readonly dir: string,
    nextSegment: number,
    acksBytes: number,
    /** Torn or damaged frames skipped when the outbox was opened. */
    readonly skipped: number,
  ) {
    this.#seg = nextSegment;
    this.#acksBytes = acksBytes;
  }

  /** Opens (or creates) the outbox in `dir` and recovers what a previous process left. */
  static async open(dir: string): Promise<FileOutbox> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const names = await readdir(dir);
    const segments = names
      .map((n) => SEGMENT.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const acks = await readFile(join(dir, ACKS)).catch(() => Buffer.alloc(0));
    const ackFrames = readFrames(acks);
    const removed = new Set<string>();
    for (const body of ackFrames.bodies) for (const id of body.toString('latin1').split('\n')) removed.add(id);
    let skipped = ackFrames.torn ? 1 : 0;
    const loaded: Stored[] = [];
    const removedBySeg = new Map<number, string[]>();
    const live = new Map<number, number>();
    for (const seg of segments) {
      const { bodies, torn } = readFrames(await readFile(join(dir, segName(seg))));
      if (torn) skipped++;
      let count = 0;
      for (const body of bodies) {
        const rec = decodeRecord(body);
        if (rec === undefined) {
          skipped++;
          continue;
        }
        if (removed.has(rec.id)) {
          (removedBySeg.get(seg) ?? removedBySeg.set(seg, []).get(seg)!).push(rec.id);
          continue;
        }
        loaded.push({ rec, seg });
        count++;
      }
      if (count === 0) await unlink(join(dir, segName(seg))).catch(() => undefined);
      else live.set(seg, count);
    }
    const outbox = new FileOutbox(dir, (segments[segments.length - 1] ?? 0) + 1, acks.byteLength, skipped);
    outbox.#records = loaded;
    outbox.#bytes = loaded.reduce((n, s) => n + s.rec.payload.byteLength, 0);
    for (const [seg, n] of live) outbox.#live.set(seg, n);
    for (const [seg, ids] of removedBySeg) if (live.has(seg)) outbox.#removed.set(seg, ids);
    const keptIds = [...outbox.#removed.values()].reduce((n, ids) => n + ids.length, 0);
    if (ackFrames.torn || (acks.byteLength > 0 && keptIds < removed.size)) await outbox.#compactAcks();
    return outbox;
  }

  append(rec: OutboxRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('outbox closed'));
    return new Promise((resolve, reject) => {
      this.#batch.push({ bytes: encodeRecord(rec), stored: { rec, seg: 0 }, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  peek(max: number): Promise<OutboxRecord[]> {
    return Promise.resolve(this.#records.slice(this.#head, this.#head + max).map((s) => s.rec));
  }

  remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    const gone = this.#take(ids);
    if (gone.length === 0) return Promise.resolve();
    const run = this.#acksChain.then(() => this.#logRemoved(gone));
    this.#acksChain = run.catch(() => undefined);
    return run;
  }

  size(): { records: number; bytes: number } {
    return { records: this.#records.length - this.#head, bytes: this.#bytes };
  }

  /** Waits for pending writes and closes the files. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#flushing;
    await this.#acksChain;
    await this.#segHandle?.close();
    await this.#acksHandle?.close();
    this.#segHandle = this.#acksHandle = undefined;
  }

  // ---- appends: group commit --------------------------------------------------------

  async #flush(): Promise<void> {
    while (this.#batch.length > 0) {
      const batch = this.#batch;
      this.#batch = [];
      try {
        const handle = await this.#segment();
        const bytes = Buffer.concat(batch.map((w) => w.bytes));
        await handle.write(bytes, 0, bytes.byteLength, null);
        await handle.datasync();
        this.#segBytes += bytes.byteLength;
        const seg = this.#seg;
        for (const w of batch) {
          this.#records.push({ rec: w.stored.rec, seg });
          this.#bytes += w.stored.rec.payload.byteLength;
        }
        this.#live.set(seg, (this.#live.get(seg) ?? 0) + batch.length);
        for (const w of batch) w.resolve();
        if (this.#segBytes >= SEGMENT_BYTES) await this.#rotate();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.#flushing = undefined;
  }

  async #segment(): Promise<FileHandle> {
    if (this.#segHandle !== undefined) return this.#segHandle;
    this.#segHandle = await open(join(this.dir, segName(this.#seg)), 'a', 0o600);
    await syncDir(this.dir); // the new file's name is durable too
    return this.#segHandle;
  }

  async #rotate(): Promise<void> {
    await this.#segHandle?.close();
    this.#segHandle = undefined;
    const full = this.#seg;
    this.#seg++;
    this.#segBytes = 0;
    if ((this.#live.get(full) ?? 0) === 0) await this.#dropSegment(full);
  }

  // ---- removals -----------------------------------------------------------------------

  /** Takes the records out of memory; returns those that were there. */
  #take(ids: readonly string[]): Stored[] {
    const head = this.#records[this.#head];
    if (ids.length === 1 && head?.rec.id === ids[0]) {
      this.#head++;
      this.#bytes -= head.rec.payload.byteLength;
      if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
        this.#records = this.#records.slice(this.#head);
        this.#head = 0;
      }
      return [head];
    }
    const wanted = new Set(ids);
    const gone: Stored[] = [];
    const kept: Stored[] = [];
    for (let i = this.#head; i < this.#records.length; i++) {
      const s = this.#records[i]!;
      (wanted.has(s.rec.id) ? gone : kept).push(s);
    }
    this.#records = kept;
    this.#head = 0;
    for (const s of gone) this.#bytes -= s.rec.payload.byteLength;
    return gone;
  }

  async #logRemoved(gone: Stored[]): Promise<void> {
    const body = frame(Buffer.from(gone.map((s) => s.rec.id).join('\n'), 'latin1'));
    this.#acksHandle ??= await open(join(this.dir, ACKS), 'a', 0o600);
    await this.#acksHandle.write(body, 0, body.byteLength, null);
    this.#acksBytes += body.byteLength;
    for (const s of gone) {
      const left = (this.#live.get(s.seg) ?? 1) - 1;
      this.#live.set(s.seg, left);
      (this.#removed.get(s.seg) ?? this.#removed.set(s.seg, []).get(s.seg)!).push(s.rec.id);
      if (left === 0 && s.seg !== this.#seg) await this.#dropSegment(s.seg);
    }
    if (this.#acksBytes > ACKS_COMPACT_BYTES) await this.#compactAcks();
  }

  async #dropSegment(seg: number): Promise<void> {
    this.#live.delete(seg);
    this.#removed.delete(seg);
    await unlink(join(this.dir, segName(seg))).catch(() => undefined);
  }

  /** Rewrites the ack log with only the ids of segments that still exist (tmp, fsync, rename). */
  async #compactAcks(): Promise<void> {
    const ids = [...this.#removed.values()].flat();
    const data = ids.length === 0 ? Buffer.alloc(0) : frame(Buffer.from(ids.join('\n'), 'latin1'));
    const tmp = join(this.dir, `${ACKS}.tmp`);
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.write(data, 0, data.byteLength, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.#acksHandle?.close();
    this.#acksHandle = undefined;
    await rename(tmp, join(this.dir, ACKS));
    this.#acksBytes = data.byteLength;
  }
}

function segName(seg: number): string {
  return `seg-${String(seg).padStart(12, '0')}.log`;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // some filesystems refuse fsync on a directory; the data itself is synced
  } finally {
    await handle.close();
  }
}
