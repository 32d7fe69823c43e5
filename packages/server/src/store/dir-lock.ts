import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serverError } from '../errors.js';

// PGlite lets two instances open one data directory at once (we saw it: both start, both write),
// and two PostgreSQL servers on one cluster corrupt it. PostgreSQL's own postmaster.pid does not
// guard it under WASM, so the embedded store holds this lock file for as long as it is open.
const LOCK_FILE = 'fleetward-store.lock';
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holder(lock: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the data directory for this process; returns the release. FW_STORE_UNAVAILABLE when in use. */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  const lock = join(dir, LOCK_FILE);
  if (held.has(dir)) throw serverError('FW_STORE_UNAVAILABLE', `the store in ${dataDir} is already open`);
  mkdirSync(dir, { recursive: true });
  const mine = join(dir, `${LOCK_FILE}.${process.pid}`);
  writeFileSync(mine, String(process.pid), { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, lock); // atomic: fails when the lock exists
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
        const pid = holder(lock);
        // A lock left by a killed process (or by an earlier life of this pid, as PID 1 in a container).
        if (pid !== undefined && pid !== process.pid && alive(pid)) {
          throw serverError('FW_STORE_UNAVAILABLE', `the store in ${dataDir} is open in process ${pid}`);
        }
        rmSync(lock, { force: true });
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
  held.add(dir);
  return () => {
    held.delete(dir);
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  };
}
