import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { OutboxRecord } from '../core/platform.js';
import { FileOutbox } from './file-outbox.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'fw-outbox-'));
  dirs.push(d);
  return d;
}

function rec(i: number, critical = false): OutboxRecord {
  return {
    id: `r${i}`,
    topic: 'telemetry',
    payload: new TextEncoder().encode(`{"n":${i}}`),
    critical,
    createdAt: 1000 + i,
  };
}

describe('FileOutbox', () => {
  it('returns records in order after a reopen, without the removed ones', async () => {
    const dir = await tempDir();
    const a = await FileOutbox.open(dir);
    await Promise.all([0, 1, 2, 3, 4].map((i) => a.append(rec(i, i === 2))));
    await a.remove(['r0', 'r3']);
    await a.close();
    const b = await FileOutbox.open(dir);
    const got = await b.peek(10);
    assert.deepEqual(
      got.map((r) => r.id),
      ['r1', 'r2', 'r4'],
    );
    assert.equal(got[1]!.critical, true);
    assert.equal(new TextDecoder().decode(got[2]!.payload), '{"n":4}');
    assert.deepEqual(b.size(), { records: 3, bytes: 21 });
    await b.close();
  });

  it('deletes a segment once all its records are removed, and compacts the ack log', async () => {
    const dir = await tempDir();
    const a = await FileOutbox.open(dir);
    await a.append(rec(1));
    await a.remove(['r1']);
    await a.close();
    const b = await FileOutbox.open(dir); // the first segment holds nothing live: deleted at open
    const files = await readdir(dir);
    assert.deepEqual(
      files.filter((f) => f.startsWith('seg-')),
      [],
    );
    assert.equal((await stat(join(dir, 'acked.log')).catch(() => ({ size: 0 }))).size, 0);
    await b.close();
  });

  it('skips a torn last record (crash mid-write) and keeps the rest', async () => {
    const dir = await tempDir();
    const a = await FileOutbox.open(dir);
    await a.append(rec(1));
    await a.append(rec(2));
    await a.close();
    const seg = (await readdir(dir)).find((f) => f.startsWith('seg-'))!;
    await appendFile(join(dir, seg), Buffer.from([0, 0, 0, 40, 1, 2, 3, 4, 1, 0, 0])); // half a frame
    const b = await FileOutbox.open(dir);
    assert.equal(b.skipped, 1);
    assert.deepEqual(
      (await b.peek(10)).map((r) => r.id),
      ['r1', 'r2'],
    );
    await b.append(rec(3));
    await b.close();
    const c = await FileOutbox.open(dir);
    assert.deepEqual(
      (await c.peek(10)).map((r) => r.id),
      ['r1', 'r2', 'r3'],
    );
    await c.close();
  });

  it('skips a record whose checksum does not match', async () => {
    const dir = await tempDir();
    const a = await FileOutbox.open(dir);
    await a.append(rec(1));
    await a.close();
    const seg = (await readdir(dir)).find((f) => f.startsWith('seg-'))!;
    const { readFile, writeFile } = await import('node:fs/promises');
    const data = await readFile(join(dir, seg));
    data[data.length - 1] ^= 0xff;
    await writeFile(join(dir, seg), data);
    const b = await FileOutbox.open(dir);
    assert.equal(b.size().records, 0);
    assert.equal(b.skipped, 1);
    await b.close();
  });

  it('keeps the records after a damaged one in the middle of a segment (a bad sector)', async () => {
    const dir = await tempDir();
    const a = await FileOutbox.open(dir);
    for (const n of [1, 2, 3, 4]) await a.append(rec(n));
    await a.close();
    const seg = (await readdir(dir)).find((f) => f.startsWith('seg-'))!;
    const { readFile, writeFile } = await import('node:fs/promises');
    const data = await readFile(join(dir, seg));
    data[data.indexOf(Buffer.from('r2', 'latin1'))] ^= 0xff; // a byte of the second record's body
    await writeFile(join(dir, seg), data);
    const b = await FileOutbox.open(dir);
    assert.deepEqual(
      (await b.peek(10)).map((r) => r.id),
      ['r1', 'r3', 'r4'],
    );
    assert.equal(b.skipped, 1);
    await b.close();
  });

  describe('when the process is killed with SIGKILL mid-stream', () => {
    it('keeps every append it acknowledged, and reopens cleanly', async () => {
      const dir = await tempDir();
      const child = spawn(process.execPath, [fileURLToPath(new URL('./test-appender.js', import.meta.url)), dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const acked: string[] = [];
      const lines = createInterface({ input: child.stdout });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve) => {
        lines.on('line', (line) => {
          acked.push(line);
          if (acked.length === 300) {
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await exited;
      const b = await FileOutbox.open(dir);
      const stored = new Set((await b.peek(1_000_000)).map((r) => r.id));
      const missing = acked.filter((id) => !stored.has(id));
      assert.deepEqual(missing, [], 'every acknowledged append survives');
      const ids = (await b.peek(1_000_000)).map((r) => Number(r.id.slice(1)));
      assert.deepEqual(
        ids,
        [...ids].sort((x, y) => x - y),
        'order kept',
      );
      await b.close();
    });
  });
});
