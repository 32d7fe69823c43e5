import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkForUpdate, provisionTrustedRoot } from '@fleetward/agent';
import { removeDir, runCli, startServer, type RunningServer } from './harness.js';

describe('fleetward release publish → the agent updater (fleetward up process)', () => {
  let server: RunningServer;
  let work: string;

  before(async () => {
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'fw-tuf-publish-'));
  });
  after(async () => {
    await server?.stop();
    if (server) await removeDir(server.dir);
    if (work) await removeDir(work);
  });

  it('fetches, verifies and returns the image that firmware sign made and release publish added', async () => {
    const keys = join(work, 'keys');
    assert.equal((await runCli(['firmware', 'keygen', '--type', 'ecdsa-p256', '--out', keys])).code, 0);
    const raw = join(work, 'app.bin');
    const img = join(work, 'app.img');
    await writeFile(raw, randomBytes(256 * 1024));
    const signed = await runCli([
      'firmware',
      'sign',
      '--key',
      join(keys, 'firmware.key'),
      '--version',
      '2.1.0+7',
      '--security-counter',
      '3',
      '--header-size',
      '0x200',
      '--pad-header',
      raw,
      img,
    ]);
    assert.equal(signed.code, 0, signed.stderr);
    const published = await runCli(
      ['release', 'publish', img, '--model', 'thermo', '--key', join(keys, 'firmware.pub'), '--notes', 'e2e', '--json'],
      { env: server.env },
    );
    assert.equal(published.code, 0, published.stderr);
    assert.equal((JSON.parse(published.stdout) as { name: string }).name, 'thermo-2.1.0+7.img');
    const again = await runCli(['release', 'publish', img, '--model', 'thermo'], { env: server.env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /FW_RELEASE_EXISTS/);

    const ca = await readFile(server.caFile, 'utf8');
    const repositoryUrl = `${server.https}/tuf`;
    const metadataDir = join(work, 'device-tuf');
    assert.equal(await provisionTrustedRoot({ repositoryUrl, ca, metadataDir }), true);
    const update = await checkForUpdate({
      repositoryUrl,
      ca,
      metadataDir,
      model: 'thermo',
      firmwareKey: await readFile(join(keys, 'firmware.pub'), 'utf8'),
      securityCounter: 1,
      currentVersion: '2.0.0+0',
    });
    assert.ok(update);
    assert.equal(update.version, '2.1.0+7');
    assert.equal(update.securityCounter, 3);
    assert.ok(Buffer.from(update.image).equals(await readFile(img)));
    const listed = await runCli(['release', 'list', '--json'], { env: server.env });
    assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 1);
  });
});
