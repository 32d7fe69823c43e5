import { spawn } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { durableFsyncCount } from './durable-fs.js';
import { openStore } from './index.js';
import { tempDir } from './test-stores.js';

const WRITER = new URL('./test-sigkill-writer.js', import.meta.url);

/** Runs the writer until it has acknowledged `count` commits, SIGKILLs it, returns the ids it printed. */
async function writeThenKill(dataDir: string, mode: 'durable' | 'relaxed', count: number): Promise<number[]> {
  const child = spawn(process.execPath, [WRITER.pathname, dataDir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ids: number[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (/^\d+$/.test(line)) ids.push(Number(line));
    if (ids.length >= count && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  assert.equal(signal, 'SIGKILL', `the writer ended on its own (exit ${code})`);
  return ids;
}

describe('the embedded store on disk', () => {
  for (const mode of ['durable', 'relaxed'] as const) {
    it(`keeps every acknowledged commit when its process is killed with SIGKILL (${mode} commits)`, async () => {
      const place = await tempDir();
      try {
        const acknowledged = await writeThenKill(place.dir, mode, 150);
        const store = await openStore({ dataDir: place.dir, durableCommits: mode === 'durable' });
        try {
          const r = await store.query<{ key: string }>("select key from settings where key like 'kill.%'");
          const present = new Set(r.rows.map((row) => row.key));
          const lost = acknowledged.filter((id) => !present.has(`kill.${id}`));
          assert.deepEqual(lost, []);
          assert.ok(acknowledged.length >= 150);
        } finally {
          await store.close();
        }
      } finally {
        await place.remove();
      }
    });
  }

  it('runs PostgreSQL with fsync on by default, and off when durableCommits is false', async () => {
    const place = await tempDir();
    try {
      const durable = await openStore({ dataDir: place.dir });
      const settings = await durable.query<{ f: string; m: string }>(
        "select current_setting('fsync') as f, current_setting('wal_sync_method') as m",
      );
      assert.deepEqual(settings.rows[0], { f: 'on', m: 'fsync' });
      await durable.close();
      const relaxed = await openStore({ dataDir: place.dir, durableCommits: false });
      const off = await relaxed.query<{ f: string }>("select current_setting('fsync') as f");
      assert.equal(off.rows[0]?.f, 'off');
      await relaxed.close();
    } finally {
      await place.remove();
    }
  });

  it('asks the disk to sync (fsync) before it acknowledges a commit, unless durableCommits is false', async () => {
    const place = await tempDir();
    try {
      for (const durableCommits of [true, false]) {
        const store = await openStore({ dataDir: place.dir, durableCommits });
        const before = durableFsyncCount();
        await store.query("insert into settings (key, value) values ($1, '1')", [`sync.${durableCommits}`]);
        const synced = durableFsyncCount() - before;
        await store.close();
        assert.equal(synced > 0, durableCommits);
      }
    } finally {
      await place.remove();
    }
  });

  it('refuses a second open of one data directory with FW_STORE_UNAVAILABLE, and allows it after close', async () => {
    const place = await tempDir();
    try {
      const first = await openStore({ dataDir: place.dir });
      await assert.rejects(openStore({ dataDir: place.dir }), { code: 'FW_STORE_UNAVAILABLE' });
      await first.close();
      const second = await openStore({ dataDir: place.dir });
      await second.close();
    } finally {
      await place.remove();
    }
  });
});
