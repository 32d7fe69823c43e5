import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Metadata, MetadataKind } from '@tufjs/models';
import type { Http } from '../api/index.js';
import { FixedClock } from '../kernel/index.js';
import type { Updates } from './index.js';
import {
  generateFirmwareKey,
  openUpdatesHarness,
  testImage,
  type RecordingAudit,
  type UpdatesHarness,
} from './testing.js';

const DAY = 24 * 3600 * 1000;

describe('updates', () => {
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  const firmware = generateFirmwareKey('ed25519');
  let harness: UpdatesHarness;
  let audit: RecordingAudit;
  let updates: Updates;
  let http: Http;

  before(async () => {
    harness = await openUpdatesHarness(clock);
    ({ audit, updates, http } = harness);
  });
  after(() => harness.close());

  const get = (url: string) => http.app.inject({ method: 'GET', url });
  const json = (url: string) => get(url).then((r) => JSON.parse(r.body) as Record<string, unknown>);
  const auth = { authorization: 'Bearer x' };

  it('serves 1.root.json and timestamp.json in the TUF layout (spec §5.2, §5.4)', async () => {
    const root = await get('/tuf/metadata/1.root.json');
    assert.equal(root.statusCode, 200);
    assert.match(String(root.headers['content-type']), /^application\/json/);
    const parsed = Metadata.fromJSON(MetadataKind.Root, JSON.parse(root.body));
    parsed.verifyDelegate('root', parsed);
    assert.equal(parsed.signed.consistentSnapshot, true);
    const ts = await get('/tuf/metadata/timestamp.json');
    assert.equal(ts.headers['cache-control'], 'no-store');
    assert.equal((await get('/tuf/metadata/timestamp.json.bak')).statusCode, 404);
    assert.equal((await get('/tuf/metadata/2.root.json')).statusCode, 404);
  });

  it('refuses a release for a model without a firmware key', async () => {
    const res = await http.app.inject({
      method: 'POST',
      url: '/api/v1/releases?model=thermo',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(testImage(firmware, '1.0.0', 1)),
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'FW_FIRMWARE_KEY_UNKNOWN');
  });

  it('publishes a release as a target with model, version and security counter', async () => {
    const reg = await http.app.inject({
      method: 'POST',
      url: '/api/v1/firmware-keys',
      headers: auth,
      payload: { model: 'thermo', pem: firmware.publicKeyPem },
    });
    assert.equal(reg.statusCode, 204);
    const image = Buffer.from(testImage(firmware, '1.2.3+4', 7, 1024 * 1024));
    const res = await http.app.inject({
      method: 'POST',
      url: '/api/v1/releases?model=thermo&notes=first',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      payload: image,
    });
    assert.equal(res.statusCode, 201, res.body);
    const release = res.json();
    assert.equal(release.name, 'thermo-1.2.3+4.img');
    assert.equal(release.securityCounter, 7);
    const ts = (await json('/tuf/metadata/timestamp.json')) as {
      signed: { meta: Record<string, { version: number }> };
    };
    const snapVersion = ts.signed.meta['snapshot.json']!.version;
    const snap = (await json(`/tuf/metadata/${snapVersion}.snapshot.json`)) as {
      signed: { meta: Record<string, { version: number }> };
    };
    const targetsVersion = snap.signed.meta['targets.json']!.version;
    const targets = (await json(`/tuf/metadata/${targetsVersion}.targets.json`)) as {
      signed: { targets: Record<string, { length: number; hashes: { sha256: string }; custom: unknown }> };
    };
    const t = targets.signed.targets['thermo-1.2.3+4.img']!;
    assert.equal(t.length, image.length);
    assert.deepEqual(t.custom, { model: 'thermo', version: '1.2.3+4', securityCounter: 7 });
    const body = await get(`/tuf/targets/${t.hashes.sha256}.thermo-1.2.3+4.img`);
    assert.equal(body.statusCode, 200);
    assert.equal(body.headers['content-type'], 'application/octet-stream');
    assert.ok(body.rawPayload.equals(image));
    assert.ok(audit.entries.some((e) => e.action === 'release.publish'));
    const list = await http.app.inject({ method: 'GET', url: '/api/v1/releases', headers: auth });
    assert.equal(list.json().releases.length, 1);
  });

  it('refuses an image signed by another key than the model key', async () => {
    const other = generateFirmwareKey('ed25519');
    const res = await http.app.inject({
      method: 'POST',
      url: '/api/v1/releases?model=thermo',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(testImage(other, '1.3.0', 7)),
    });
    assert.equal(res.json().error.code, 'FW_RELEASE_IMAGE_INVALID');
  });

  it('re-signs the timestamp before it expires and the snapshot within its lifetime', async () => {
    const before = (await json('/tuf/metadata/timestamp.json')) as { signed: { version: number } };
    clock.advance(DAY * 0.6);
    assert.deepEqual(await updates.repository.refresh(), ['timestamp']);
    clock.advance(DAY * 3);
    assert.deepEqual(await updates.repository.refresh(), ['snapshot', 'timestamp']);
    const now = (await json('/tuf/metadata/timestamp.json')) as { signed: { version: number; expires: string } };
    assert.equal(now.signed.version, before.signed.version + 2);
    assert.ok(new Date(now.signed.expires).getTime() > clock.now().getTime());
  });

  it('rotates the root: version N+1 signed by the old and the new root key (spec §5.3.4)', async () => {
    const res = await http.app.inject({ method: 'POST', url: '/api/v1/tuf/root/rotate', headers: auth, payload: {} });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().version, 2);
    const v1 = Metadata.fromJSON(MetadataKind.Root, (await json('/tuf/metadata/1.root.json')) as never);
    const v2 = Metadata.fromJSON(MetadataKind.Root, (await json('/tuf/metadata/2.root.json')) as never);
    v1.verifyDelegate('root', v2);
    v2.verifyDelegate('root', v2);
    assert.notDeepEqual(v1.signed.roles['root']!.keyIDs, v2.signed.roles['root']!.keyIDs);
    assert.ok(audit.entries.some((e) => e.action === 'tuf.root.rotate'));
  });
});
