import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { apiGet, removeDir, runCli, startServer, type RunningServer } from './harness.js';

describe('fleetward up a second time on the same data dir', () => {
  let first: RunningServer;
  let second: RunningServer | undefined;
  let rootPem: string;

  before(async () => {
    first = await startServer();
    rootPem = await readFile(first.caFile, 'utf8');
    const claim = await runCli(['claim', 'create', '--model', 'plug'], { env: first.env });
    assert.equal(claim.code, 0, claim.stderr);
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
    await removeDir(first?.dir ?? '');
  });

  it('refuses a second process on a data dir in use (FW_STORE_UNAVAILABLE)', async () => {
    await assert.rejects(startServer(first.dir), /FW_STORE_UNAVAILABLE/);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    assert.equal(await first.stop('SIGTERM'), 0);
    assert.match(first.output(), /SIGTERM: shutting down/);
  });

  it('reuses the CA, the admin token and the data, and prints no secret again', async () => {
    second = await startServer(first.dir);
    assert.doesNotMatch(second.output(), /password:|API token:/);
    assert.equal(await readFile(second.caFile, 'utf8'), rootPem);
    assert.equal(second.token, first.token);
    const audit = await apiGet<{ entries: Array<{ action: string }> }>(second, '/api/v1/audit');
    assert.equal(audit.status, 200);
    assert.ok(
      audit.body.entries.some((e) => e.action === 'claim.create'),
      'the claim of the first run is in the log',
    );
    const verify = await runCli(['audit', 'verify'], { env: second.env });
    assert.equal(verify.code, 0, verify.stderr);
  });
});
