import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FirmwareUpdater, provisionTrustedRoot } from '@fleetward/agent';
import { generateTufKey } from '@fleetward/server';
import { removeDir, runCli, startServer, type RunningServer } from './harness.js';

// Decision 0007, issue 5 §3: "Root and targets keys can be kept offline".
describe('offline targets key: publish → pending → sign offline → upload → the agent updates (fleetward up process)', () => {
  let server: RunningServer;
  let work: string;
  /** No server settings: `tuf sign-targets` must work on a machine that cannot reach one. */
  const offline = { FLEETWARD_URL: '', FLEETWARD_TOKEN: '', FLEETWARD_CA: '' };

  before(async () => {
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'fw-tuf-offline-'));
  });
  after(async () => {
    await server?.stop();
    if (server) await removeDir(server.dir);
    if (work) await removeDir(work);
  });

  const cli = (args: string[]) => runCli(args, { env: server.env });
  const file = (name: string) => join(work, name);

  async function signImage(version: string, counter: number): Promise<string> {
    const raw = file(`app-${version}.bin`);
    const img = file(`app-${version}.img`);
    await writeFile(raw, randomBytes(64 * 1024));
    const r = await runCli([
      'firmware',
      'sign',
      '--key',
      file('fw/firmware.key'),
      '--version',
      version,
      '--security-counter',
      String(counter),
      '--header-size',
      '0x200',
      '--pad-header',
      raw,
      img,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return img;
  }

  it('stages while the key is offline, and publishes what was signed offline to a tuf-js device', async () => {
    assert.equal((await runCli(['firmware', 'keygen', '--type', 'ed25519', '--out', file('fw')])).code, 0);
    const v1 = await signImage('1.0.0', 1);
    const first = await cli([
      'release',
      'publish',
      v1,
      '--model',
      'thermo',
      '--key',
      file('fw/firmware.pub'),
      '--json',
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as { staged: boolean }).staged, false);

    const exported = await cli(['tuf', 'export-key', '--role', 'targets', '--out', file('targets.key'), '--remove']);
    assert.equal(exported.code, 0, exported.stderr);
    const v2 = await signImage('1.1.0', 2);
    const staged = await cli(['release', 'publish', v2, '--model', 'thermo', '--json']);
    assert.equal(staged.code, 0, staged.stderr);
    assert.equal((JSON.parse(staged.stdout) as { staged: boolean }).staged, true);

    // The device sees only what signed targets name: 1.0.0, not the staged 1.1.0.
    const ca = await readFile(server.caFile, 'utf8');
    const repositoryUrl = `${server.https}/tuf`;
    const metadataDir = file('device-tuf');
    assert.equal(await provisionTrustedRoot({ repositoryUrl, ca, metadataDir }), true);
    const updater = new FirmwareUpdater({
      repositoryUrl,
      ca,
      metadataDir,
      model: 'thermo',
      firmwareKey: await readFile(file('fw/firmware.pub'), 'utf8'),
    });
    assert.equal((await updater.check({ securityCounter: 0, currentVersion: '0.9.0' }))?.version, '1.0.0+0');

    assert.equal((await cli(['tuf', 'pending-targets', '--out', file('pending.json')])).code, 0);
    // A key the root does not name: refused.
    const stranger = generateTufKey().privateKey!.export({ format: 'pem', type: 'pkcs8' }) as string;
    await writeFile(file('stranger.key'), stranger, { mode: 0o600 });
    const wrongSign = ['tuf', 'sign-targets', '--key', file('stranger.key'), '--in', file('pending.json')];
    assert.equal((await runCli([...wrongSign, '--out', file('wrong.json')], { env: offline })).code, 0);
    const wrong = await cli(['tuf', 'upload-targets', file('wrong.json')]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /FW_TUF_TARGETS_UNSIGNED/);

    const sign = ['tuf', 'sign-targets', '--key', file('targets.key'), '--in', file('pending.json')];
    const signed = await runCli([...sign, '--out', file('signed.json')], { env: offline });
    assert.equal(signed.code, 0, signed.stderr);
    const uploaded = await cli(['tuf', 'upload-targets', file('signed.json'), '--json']);
    assert.equal(uploaded.code, 0, uploaded.stderr);
    assert.deepEqual((JSON.parse(uploaded.stdout) as { targets: string[] }).targets.sort(), [
      'thermo-1.0.0+0.img',
      'thermo-1.1.0+0.img',
    ]);
    // A replay of the same file is an older version by now (spec §5.6.5).
    const replay = await cli(['tuf', 'upload-targets', file('signed.json')]);
    assert.equal(replay.code, 1);
    assert.match(replay.stderr, /FW_TUF_TARGETS_VERSION/);

    const update = await updater.check({ securityCounter: 1, currentVersion: '1.0.0' });
    assert.equal(update?.version, '1.1.0+0');
    assert.equal(update?.securityCounter, 2);
    assert.ok(Buffer.from(update.image).equals(await readFile(v2)));

    // The key back on the server: publishing signs at once again.
    const imported = await cli(['tuf', 'import-key', '--role', 'targets', '--key', file('targets.key')]);
    assert.equal(imported.code, 0, imported.stderr);
    const v3 = await signImage('1.2.0', 3);
    const third = await cli(['release', 'publish', v3, '--model', 'thermo', '--json']);
    assert.equal((JSON.parse(third.stdout) as { staged: boolean }).staged, false);
    assert.equal((await updater.check({ securityCounter: 2, currentVersion: '1.1.0' }))?.version, '1.2.0+0');
  });
});
