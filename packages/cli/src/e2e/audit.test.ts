import * as assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '@fleetward/server';
import { removeDir, runCli, startServer, type RunningServer } from './harness.js';

/** Runs `sql` on a stopped server's embedded store. */
async function tamper(dir: string, sql: string): Promise<number> {
  const store = await openStore({ dataDir: join(dir, 'db') });
  try {
    return (await store.query(sql)).rowCount;
  } finally {
    await store.close();
  }
}

describe('fleetward audit verify on a real server process', () => {
  let server: RunningServer;
  const copies: string[] = [];

  before(async () => {
    server = await startServer();
    for (const model of ['plug', 'plug', 'camera']) {
      const r = await runCli(['claim', 'create', '--model', model], { env: server.env });
      assert.equal(r.code, 0, r.stderr);
    }
    const ok = await runCli(['audit', 'verify'], { env: server.env });
    assert.equal(ok.code, 0, ok.stderr);
    await server.stop();
    for (const name of ['edited', 'deleted']) {
      const copy = `${server.dir}-${name}`;
      await cp(server.dir, copy, { recursive: true });
      copies.push(copy);
    }
  });
  after(async () => {
    for (const d of [server?.dir, ...copies]) if (d) await removeDir(d);
  });

  async function verifyAfter(dir: string, sql: string) {
    assert.equal(await tamper(dir, sql), 1);
    const restarted = await startServer(dir);
    try {
      return await runCli(['audit', 'verify', '--json'], { env: restarted.env });
    } finally {
      await restarted.stop();
    }
  }

  it('fails after a stored entry is edited', async () => {
    const r = await verifyAfter(copies[0]!, `update audit_log set actor = 'operator:nobody' where seq = 2`);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).ok, false);
    assert.equal(JSON.parse(r.stdout).firstBadSeq, 2);
  });

  it('fails after a stored entry is removed', async () => {
    const r = await verifyAfter(copies[1]!, `delete from audit_log where seq = 2`);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).ok, false);
  });
});
