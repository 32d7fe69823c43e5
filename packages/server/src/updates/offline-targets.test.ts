import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Metadata, MetadataKind } from '@tufjs/models';
import type { Http } from '../api/index.js';
import { FixedClock, type Context } from '../kernel/index.js';
import {
  generateTufKey,
  keysFromPemFile,
  newRoot,
  roleKeys,
  serialize,
  signTargetsOffline,
  signWith,
  thresholds,
  tufKeyFromPem,
  type TufKey,
  type Updates,
} from './index.js';
import {
  generateFirmwareKey,
  openUpdatesHarness,
  testImage,
  type RecordingAudit,
  type UpdatesHarness,
} from './testing.js';

type Json = Record<string, unknown> & {
  signed: Record<string, unknown> & { version: number; targets: Record<string, Record<string, unknown>> };
};

describe('offline targets signing (decision 0007)', () => {
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  const firmware = generateFirmwareKey('ed25519');
  let harness: UpdatesHarness;
  let ctx: Context;
  let audit: RecordingAudit;
  let updates: Updates;
  let http: Http;
  let targetsKeys: TufKey[];
  let second: TufKey;

  const auth = { authorization: 'Bearer x' };
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    http.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as never }) });
  const publish = (version: string, counter: number) =>
    http.app.inject({
      method: 'POST',
      url: '/api/v1/releases?model=thermo',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(testImage(firmware, version, counter)),
    });
  const pending = async () => (await call('GET', '/api/v1/tuf/targets/pending')).json<Json>();
  const upload = (signed: unknown) => call('PUT', '/api/v1/tuf/targets', signed);
  const code = (res: { json: () => { error?: { code?: string } } }) => res.json().error?.code;
  const latest = async (role: string) =>
    (await ctx.store.query<{ v: number }>('select max(version)::int as v from tuf_metadata where role = $1', [role]))
      .rows[0]!.v;

  before(async () => {
    harness = await openUpdatesHarness(clock);
    ({ ctx, audit, updates, http } = harness);
    await call('POST', '/api/v1/firmware-keys', { model: 'thermo', pem: firmware.publicKeyPem });
    assert.equal((await publish('1.0.0', 1)).statusCode, 201);
  });
  after(() => harness.close());

  it('stages a release published while the targets key is offline, and answers 202', async () => {
    const exported = await call('POST', '/api/v1/tuf/keys/targets/export', { remove: true });
    assert.equal(exported.statusCode, 200, exported.body);
    targetsKeys = keysFromPemFile((exported.json() as { keys: string[] }).keys.join(''));
    const before = await latest('targets');
    const res = await publish('1.1.0', 2);
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().staged, true);
    assert.equal(await latest('targets'), before);
    assert.equal((await call('GET', '/api/v1/releases')).json().releases.length, 1);
    assert.ok(audit.entries.some((e) => e.action === 'release.stage'));
  });

  it('offers the unsigned targets N+1 with current and staged targets', async () => {
    const p = await pending();
    assert.deepEqual(p['signatures'], []);
    assert.equal(p.signed.version, (await latest('targets')) + 1);
    assert.deepEqual(Object.keys(p.signed.targets).sort(), ['thermo-1.0.0+0.img', 'thermo-1.1.0+0.img']);
    assert.deepEqual(p.signed.targets['thermo-1.1.0+0.img']!['custom'], {
      model: 'thermo',
      version: '1.1.0+0',
      securityCounter: 2,
    });
  });

  it('refuses targets signed by a key the root does not name (arbitrary software, spec §5.6.3) with FW_TUF_TARGETS_UNSIGNED', async () => {
    const res = await upload(signTargetsOffline(await pending(), [generateTufKey()]));
    assert.equal(code(res), 'FW_TUF_TARGETS_UNSIGNED');
  });

  it('refuses targets that are not version current + 1 (spec §5.6.5) with FW_TUF_TARGETS_VERSION', async () => {
    const p = await pending();
    for (const v of [p.signed.version - 1, p.signed.version + 1]) {
      p.signed.version = v;
      assert.equal(code(await upload(signTargetsOffline(p, targetsKeys))), 'FW_TUF_TARGETS_VERSION');
    }
  });

  it('refuses expired targets (spec §5.6.6) with FW_TUF_TARGETS_EXPIRED', async () => {
    const p = await pending();
    p.signed['expires'] = '2026-02-28T00:00:00Z';
    assert.equal(code(await upload(signTargetsOffline(p, targetsKeys))), 'FW_TUF_TARGETS_EXPIRED');
  });

  it('refuses a target whose hash, length or custom metadata differs from the stored image with FW_TUF_TARGETS_MISMATCH', async () => {
    const edits: ((t: Record<string, unknown>) => void)[] = [
      (t) => (t['hashes'] = { sha256: '0'.repeat(64) }),
      (t) => (t['length'] = (t['length'] as number) + 1),
      (t) => (t['custom'] = { model: 'thermo', version: '1.1.0+0', securityCounter: 9 }),
      (t) => (t['custom'] = { model: 'camera', version: '1.1.0+0', securityCounter: 2 }),
    ];
    for (const edit of edits) {
      const p = await pending();
      edit(p.signed.targets['thermo-1.1.0+0.img']!);
      assert.equal(code(await upload(signTargetsOffline(p, targetsKeys))), 'FW_TUF_TARGETS_MISMATCH');
    }
    const p = await pending();
    p.signed.targets['thermo-9.img'] = { ...p.signed.targets['thermo-1.1.0+0.img']! };
    assert.equal(code(await upload(signTargetsOffline(p, targetsKeys))), 'FW_TUF_TARGETS_MISMATCH');
  });

  it('refuses metadata that is not targets with FW_TUF_TARGETS_INVALID', async () => {
    const root = (await call('GET', '/api/v1/tuf/root')).json();
    assert.equal(code(await upload(root)), 'FW_TUF_TARGETS_INVALID');
  });

  it('accepts targets signed offline and re-signs snapshot and timestamp (spec §6.1)', async () => {
    const res = await upload(signTargetsOffline(await pending(), targetsKeys));
    assert.equal(res.statusCode, 200, res.body);
    const version = res.json().version as number;
    assert.equal(await latest('targets'), version);
    const snap = JSON.parse(
      (await updates.repository.metadata(`${await latest('snapshot')}.snapshot.json`))!.toString(),
    );
    assert.equal(snap.signed.meta['targets.json'].version, version);
    const releases = (await call('GET', '/api/v1/releases')).json().releases as { staged: boolean }[];
    assert.equal(releases.length, 2);
    assert.ok(releases.every((r) => !r.staged));
    assert.ok(audit.entries.some((e) => e.action === 'tuf.targets.upload'));
  });

  it('refuses targets below a threshold of 2 with FW_TUF_TARGETS_UNSIGNED, accepts both signatures', async () => {
    // Offline root flow: root N+1 names two targets keys with threshold 2 (spec §5.3.4).
    const exported = await call('POST', '/api/v1/tuf/keys/root/export', { remove: false });
    const rootKey = tufKeyFromPem((exported.json() as { keys: string[] }).keys[0]!);
    const current = (await updates.repository.root()).signed;
    second = generateTufKey();
    const keys = roleKeys(current);
    keys.targets = [...keys.targets, second.publicKey];
    const next = newRoot(current.version + 1, clock.now(), keys, { ...thresholds(current), targets: 2 });
    const put = await call('PUT', '/api/v1/tuf/root', JSON.parse(serialize(signWith(next, [rootKey], 1)).toString()));
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((await publish('1.2.0', 3)).statusCode, 202);
    const p = await pending();
    assert.equal(code(await upload(signTargetsOffline(p, targetsKeys))), 'FW_TUF_TARGETS_UNSIGNED');
    // Two holders sign in turn: each appends a signature.
    const both = signTargetsOffline(signTargetsOffline(p, targetsKeys), [second]);
    const verified = Metadata.fromJSON(MetadataKind.Targets, both as never);
    (await updates.repository.root()).verifyDelegate('targets', verified);
    assert.equal((await upload(both)).statusCode, 200);
  });

  it('imports a targets key back only if the root names it (FW_TUF_KEY_NOT_IN_ROOT), then signs staged targets', async () => {
    const stranger = generateTufKey().privateKey!.export({ format: 'pem', type: 'pkcs8' }) as string;
    assert.equal(
      code(await call('POST', '/api/v1/tuf/keys/targets/import', { pem: stranger })),
      'FW_TUF_KEY_NOT_IN_ROOT',
    );
    assert.equal((await publish('1.3.0', 4)).statusCode, 202);
    const pem = targetsKeys[0]!.privateKey!.export({ format: 'pem', type: 'pkcs8' }) as string;
    const one = await call('POST', '/api/v1/tuf/keys/targets/import', { pem });
    assert.equal(one.statusCode, 200, one.body);
    assert.equal(one.json().targetsSigned, false); // threshold 2, one key on the server
    assert.equal((await publish('1.4.0', 5)).statusCode, 202);
    const pem2 = second.privateKey!.export({ format: 'pem', type: 'pkcs8' }) as string;
    const two = await call('POST', '/api/v1/tuf/keys/targets/import', { pem: pem2 });
    assert.equal(two.json().targetsSigned, true);
    const signed = (await updates.repository.metadata(`${await latest('targets')}.targets.json`))!;
    assert.ok(JSON.parse(signed.toString()).signed.targets['thermo-1.4.0+0.img']);
    assert.equal((await publish('1.5.0', 6)).statusCode, 201);
    assert.ok(audit.entries.some((e) => e.action === 'tuf.key.import'));
  });
});
