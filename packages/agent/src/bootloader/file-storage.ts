import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { bootError } from './errors.js';
import { checkState, type BootState, type SlotName, type SlotStorage } from './storage.js';

export const SLOT_FILES = { a: 'slot-a.bin', b: 'slot-b.bin', state: 'boot-state.json' } as const;

/** Steps of an atomic write, reported to `onStep` (tests cut the power between them). */
export type WriteStep = 'tmp-written' | 'tmp-synced' | 'renamed' | 'dir-synced';

/**
 * Slots and state as files in one directory. Every write is atomic: write a temp file, fsync
 * it, rename it over the old file, fsync the directory (POSIX rename(2) replaces atomically).
 */
export class FileSlotStorage implements SlotStorage {
  constructor(
    readonly dir: string,
    private readonly onStep?: (file: string, step: WriteStep) => void,
  ) {}

  async readSlot(slot: SlotName): Promise<Uint8Array | null> {
    const bytes = await readOptional(join(this.dir, SLOT_FILES[slot]));
    return bytes ? new Uint8Array(bytes) : null;
  }

  writeSlot(slot: SlotName, image: Uint8Array): Promise<void> {
    return this.replace(SLOT_FILES[slot], image);
  }

  async readState(): Promise<BootState | null> {
    const bytes = await readOptional(join(this.dir, SLOT_FILES.state));
    if (!bytes) return null;
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (cause) {
      throw bootError('FW_BOOT_STATE_CORRUPT', 'the boot state file is not JSON', { cause });
    }
    return checkState(value);
  }

  writeState(state: BootState): Promise<void> {
    return this.replace(SLOT_FILES.state, new TextEncoder().encode(JSON.stringify(checkState(state))));
  }

  private async replace(name: string, data: Uint8Array): Promise<void> {
    const path = join(this.dir, name);
    const tmp = `${path}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(data);
      this.onStep?.(name, 'tmp-written');
      await file.sync();
      this.onStep?.(name, 'tmp-synced');
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    this.onStep?.(name, 'renamed');
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.onStep?.(name, 'dir-synced');
  }
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
