import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { testImage, testKey } from '../bootloader/testing.js';
import { FirmwareUpdater, provisionTrustedRoot } from './index.js';
import { GOOD_ROOT_FILE, parseTrustedRoot, ROOT_FILE } from './root.js';
import { TestTufRepository, tufTestKey, type TestTarget } from './testing.js';

const firmware = testKey();
const target = (version: string, counter: number): TestTarget => ({
  name: `thermo-${version}.img`,
  image: testImage(firmware.privateKey, version, counter),
  model: 'thermo',
  version: `${version}+0`,
  securityCounter: counter,
});
const V1 = target('1.0.0', 1);
const V2 = target('1.1.0', 1);

const rootVersionIn = async (file: string) => parseTrustedRoot(await readFile(file)).signed.version;

function refused(code: string) {
  return (err: { code?: string }) => {
    assert.equal(err.code, code, String(err));
    return true;
  };
}

describe('FirmwareUpdater and its trusted root', () => {
  let repo: TestTufRepository;
  const dirs: string[] = [];
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-updater-'));
    dirs.push(dir);
    return dir;
  };
  const updater = (metadataDir: string) =>
    new FirmwareUpdater({
      repositoryUrl: repo.repositoryUrl,
      ca: repo.ca,
      metadataDir,
      model: 'thermo',
      firmwareKey: firmware.publicKeyPem,
    });

  beforeEach(async () => {
    repo = await TestTufRepository.start();
  });

  afterEach(async () => {
    await repo.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  // Spec §5.3.8: tuf-js persists each new root by rewriting root.json in place; a cut tears it.
  it('restores root.json from the last good copy when it was torn by a power cut, and updates', async () => {
    repo.publish([V1]);
    const dir = await newDir();
    const repository = { repositoryUrl: repo.repositoryUrl, ca: repo.ca, metadataDir: dir };
    assert.equal(await provisionTrustedRoot(repository), true);
    assert.equal((await updater(dir).check({ securityCounter: 0, currentVersion: '0.9.0+0' }))?.version, '1.0.0+0');
    assert.equal(await rootVersionIn(join(dir, GOOD_ROOT_FILE)), 1);

    // The repository rotates its root key and publishes 1.1.0; the device's rewrite of
    // root.json with 2.root.json is cut half way.
    const rotated = repo.rotateRoot();
    repo.publish([V1, V2]);
    await writeFile(join(dir, ROOT_FILE), rotated.subarray(0, Math.floor(rotated.length / 2)));

    // Provisioning sees no valid root and repairs it from the good copy (nothing fetched).
    const before = repo.requests.length;
    assert.equal(await provisionTrustedRoot(repository), false);
    assert.equal(await rootVersionIn(join(dir, ROOT_FILE)), 1);
    assert.equal(repo.requests.length, before);

    // Torn again: the check restores version 1, walks to version 2 (spec §5.3) and updates.
    await writeFile(join(dir, ROOT_FILE), rotated.subarray(0, 40));
    const update = await updater(dir).check({ securityCounter: 1, currentVersion: '1.0.0+0' });
    assert.equal(update?.version, '1.1.0+0');
    assert.ok(repo.requests.slice(before).includes('/tuf/metadata/2.root.json'));
    assert.equal(await rootVersionIn(join(dir, ROOT_FILE)), 2);
    assert.equal(await rootVersionIn(join(dir, GOOD_ROOT_FILE)), 2);
  });

  it('refuses with FW_UPDATE_NOT_PROVISIONED, not FW_INTERNAL, when neither root.json nor its good copy is a valid root', async () => {
    const dir = await newDir();
    await provisionTrustedRoot({ repositoryUrl: repo.repositoryUrl, ca: repo.ca, metadataDir: dir });
    await writeFile(join(dir, ROOT_FILE), '{"signed":');
    await writeFile(join(dir, GOOD_ROOT_FILE), '');
    await assert.rejects(updater(dir).check({ securityCounter: 0 }), refused('FW_UPDATE_NOT_PROVISIONED'));
  });

  it('refuses to provision a root.json that is not root metadata signed by its own threshold (code)', async () => {
    repo.publish([V1]);
    const good = repo.file('/tuf/metadata/1.root.json')!;
    const stranger = tufTestKey();
    const cases: Array<[string, Buffer, string]> = [
      ['torn', good.subarray(0, good.length - 10), 'FW_UPDATE_METADATA_INVALID'],
      ['not JSON', Buffer.from('<html>502 Bad Gateway</html>'), 'FW_UPDATE_METADATA_INVALID'],
      ['timestamp, not root', repo.file('/tuf/metadata/timestamp.json')!, 'FW_UPDATE_METADATA_INVALID'],
      ['version 0', repo.rootMetadata({ version: 0 }), 'FW_UPDATE_METADATA_INVALID'],
      [
        'signed by a key it does not name',
        repo.rootMetadata({ version: 1, signers: [stranger] }),
        'FW_UPDATE_METADATA_UNSIGNED',
      ],
      [
        'one signature of a threshold of two',
        repo.rootMetadata({ version: 1, rootKeys: [tufTestKey(), stranger], rootThreshold: 2, signers: [stranger] }),
        'FW_UPDATE_THRESHOLD_NOT_MET',
      ],
    ];
    for (const [name, body, code] of cases) {
      repo.serve('/tuf/metadata/1.root.json', body);
      const dir = await newDir();
      await assert.rejects(
        provisionTrustedRoot({ repositoryUrl: repo.repositoryUrl, ca: repo.ca, metadataDir: dir }),
        (err: { code?: string }) => {
          assert.equal(err.code, code, `${name}: ${String(err)}`);
          return true;
        },
      );
      assert.deepEqual(await readdir(dir), [], `${name}: nothing written`);
    }
    // The real one is accepted, and written with its good copy.
    repo.serve('/tuf/metadata/1.root.json', good);
    const dir = await newDir();
    assert.equal(
      await provisionTrustedRoot({ repositoryUrl: repo.repositoryUrl, ca: repo.ca, metadataDir: dir }),
      true,
    );
    assert.deepEqual((await readdir(dir)).sort(), [ROOT_FILE, GOOD_ROOT_FILE]);
  });
});
