import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selfSignedIdentity } from '../fakes/identity.js';
import { FileKeystore } from './file-keystore.js';

describe('FileKeystore (a renewal survives a power cut)', () => {
  let dir: string;
  let old: { cert: string; key: string };
  let renewed: { cert: string; key: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fw-keystore-'));
    [old, renewed] = await Promise.all([selfSignedIdentity('dev-0001'), selfSignedIdentity('dev-0001')]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function lay(files: Record<string, string>): Promise<string> {
    const d = await mkdtemp(join(dir, 'id-'));
    await writeFile(join(d, 'ca.pem'), old.cert);
    for (const [name, content] of Object.entries(files)) await writeFile(join(d, name), content);
    return d;
  }

  it('finishes a renewal cut between the certificate and the key: device.key.next holds the key of device.crt', async () => {
    const d = await lay({ 'device.crt': renewed.cert, 'device.key': old.key, 'device.key.next': renewed.key });
    const loaded = await new FileKeystore(d).load();
    assert.equal(loaded?.keyPem, renewed.key);
    assert.equal(await readFile(join(d, 'device.key'), 'utf8'), renewed.key);
    assert.deepEqual((await readdir(d)).sort(), ['ca.pem', 'device.crt', 'device.key']);
  });

  it('keeps the old pair and drops device.key.next when the cut came before the certificate', async () => {
    const d = await lay({ 'device.crt': old.cert, 'device.key': old.key, 'device.key.next': renewed.key });
    const loaded = await new FileKeystore(d).load();
    assert.equal(loaded?.keyPem, old.key);
    assert.deepEqual((await readdir(d)).sort(), ['ca.pem', 'device.crt', 'device.key']);
  });

  it('saves a pair that loads back, leaving no device.key.next', async () => {
    const d = await lay({ 'device.crt': old.cert, 'device.key': old.key });
    const store = new FileKeystore(d);
    const before = await store.load();
    await store.save({ ...before!, certPem: renewed.cert, keyPem: renewed.key });
    const after = await store.load();
    assert.deepEqual([after?.certPem, after?.keyPem], [renewed.cert, renewed.key]);
    assert.deepEqual((await readdir(d)).sort(), ['ca.pem', 'device.crt', 'device.key']);
  });
});
