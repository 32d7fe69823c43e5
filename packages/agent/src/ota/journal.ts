import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { otaError } from './errors.js';

/** The update in progress: which rollout asked for which target (and, once verified, its version). */
export interface OtaJob {
  readonly rollout: string;
  readonly release: string;
  readonly version?: string;
}

/** Where the OTA loop remembers its job across a power cut (one atomic record). */
export interface OtaJournal {
  load(): Promise<OtaJob | null>;
  save(job: OtaJob | null): Promise<void>;
}

const ID = /^[A-Za-z0-9][\w.+~-]{0,127}$/;

/** Validates a job read back from storage or a notification. */
export function checkJob(value: unknown): OtaJob {
  const v = value as Partial<OtaJob> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    typeof v.rollout === 'string' &&
    ID.test(v.rollout) &&
    typeof v.release === 'string' &&
    ID.test(v.release) &&
    (v.version === undefined || (typeof v.version === 'string' && ID.test(v.version)));
  if (!ok) throw otaError('FW_OTA_JOURNAL_CORRUPT', 'the OTA job is malformed');
  return { rollout: v.rollout!, release: v.release!, ...(v.version === undefined ? {} : { version: v.version }) };
}

export class MemoryOtaJournal implements OtaJournal {
  job: OtaJob | null = null;

  async load(): Promise<OtaJob | null> {
    return this.job;
  }

  async save(job: OtaJob | null): Promise<void> {
    this.job = job === null ? null : checkJob(job);
  }
}

/** A JSON file replaced atomically (temp file, fsync, rename, fsync of the directory). */
export class FileOtaJournal implements OtaJournal {
  constructor(readonly path: string) {}

  async load(): Promise<OtaJob | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw otaError('FW_OTA_JOURNAL_CORRUPT', 'the OTA journal is not JSON', { cause });
    }
    return value === null ? null : checkJob(value);
  }

  async save(job: OtaJob | null): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(job === null ? null : checkJob(job)));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
