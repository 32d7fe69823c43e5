import { fsyncSync, openSync, closeSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/*
 * Why this file exists (docs/decisions/0003-embedded-store-durability.md):
 * PGlite starts PostgreSQL with `-F` (fsync = off), and even with fsync on, the WASM libc's
 * fsync() ends in Emscripten's NODEFS, whose stream operations have no `fsync`, so nothing
 * reaches the disk: a commit is acknowledged once its WAL is in the OS page cache. Here we give
 * NODEFS a real fsync (Node's fsyncSync on the file's descriptor) and start PostgreSQL with
 * fsync = on and wal_sync_method = fsync (fdatasync() in this libc is a no-op; fsync() is not),
 * so PostgreSQL's own protocol (WAL fsync before commit ack, data files and pg_control at
 * checkpoints, directories after renames) runs against the real disk.
 */

/** PGlite's defaults (PGlite.defaultStartParams in 0.5.x) without `-F`, plus the sync method. */
export const DURABLE_START_PARAMS: readonly string[] = [
  '--single',
  '-O',
  '-j',
  ...['-c', 'search_path=public', '-c', 'exit_on_error=false', '-c', 'log_checkpoints=false'],
  ...['-c', 'max_worker_processes=0', '-c', 'max_parallel_workers=0', '-c', 'max_parallel_workers_per_gather=0'],
  ...['-c', 'io_method=sync', '-c', 'max_parallel_maintenance_workers=0'],
  ...['-c', 'fsync=on', '-c', 'wal_sync_method=fsync', '-c', 'synchronous_commit=on'],
];

interface EmscriptenModule {
  NODEFS?: { stream_ops?: { fsync?: (stream: { nfd?: number }) => number } };
}

let fsyncs = 0;

/** How many fsyncs PostgreSQL asked of the durable file system in this process (for tests). */
export function durableFsyncCount(): number {
  return fsyncs;
}

/** Thrown from preRun when this PGlite build does not have the NODEFS we patch. */
export class NodeFsShapeError extends Error {}

/** NODEFS with a real fsync. Refuses to start (rather than silently not syncing) if PGlite changed. */
export class DurableNodeFS extends NodeFS {
  override async init(
    pg: Parameters<NodeFS['init']>[0],
    opts: Parameters<NodeFS['init']>[1],
  ): ReturnType<NodeFS['init']> {
    const result = await super.init(pg, opts);
    const preRun = (result.emscriptenOpts.preRun ?? []) as ((mod: EmscriptenModule) => void)[];
    preRun.push((mod) => {
      const ops = mod.NODEFS?.stream_ops;
      if (!ops) throw new NodeFsShapeError('this PGlite build has no NODEFS.stream_ops to make durable');
      ops.fsync = (stream) => {
        if (stream.nfd !== undefined) fsyncSync(stream.nfd);
        fsyncs += 1;
        return 0;
      };
    });
    return { ...result, emscriptenOpts: { ...result.emscriptenOpts, preRun } };
  }
}

/** The PGlite options of a durable data directory. */
export function durableOptions(dataDir: string): Pick<PGliteOptions, 'fs' | 'startParams'> {
  return { fs: new DurableNodeFS(dataDir), startParams: [...DURABLE_START_PARAMS] };
}

/** True when dataDir holds no initialised cluster yet. */
export function isFreshDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * fsyncs every file and folder under dir. PGlite writes a new cluster (initdb's output) into the
 * folder through plain writes that PostgreSQL never syncs; we make it durable once, when created.
 */
export function syncTree(dir: string): void {
  syncFolder(dir);
  syncPath(dirname(dir)); // the folder's own entry
}

function syncFolder(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) syncFolder(p);
    else if (entry.isFile()) syncPath(p);
  }
  syncPath(dir);
}

function syncPath(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
