import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  FixedClock,
  generateFirmwareKey,
  generateTufKey,
  newRoot,
  newTargets,
  roleKeys,
  serialize,
  signWith,
  thresholds,
  tufKeyFromPem,
  type TufRole,
} from '@fleetward/server';
import { image, startTufFixture, type TufFixture } from './tuf-repo.js';

const DAY = 24 * 3600 * 1000;

/** Asserts that `p` is refused with `code` (errors are compared by code, never message). */
async function refused(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string }) => {
    assert.equal(err.code, code, String(err));
    return true;
  });
}

// TUF spec §1.5.2: each attack the client must resist, against the real server over HTTPS.
describe('TUF attacks on the updater (tuf-js client, real server over HTTPS)', () => {
  // The server starts three days in the past: its first timestamp (1 day) is already expired.
  const clock = new FixedClock(new Date(Date.now() - 3 * DAY));
  let f: TufFixture;
  const baseline = new Map<TufRole, number>();

  const db = () => f.server.fleetward.store;
  const repo = () => f.server.fleetward.updates.repository;
  const latest = async (role: TufRole) =>
    (await db().query<{ v: number }>('select max(version)::int as v from tuf_metadata where role = $1', [role]))
      .rows[0]!.v;
  /** Forgets everything an attack wrote after the baseline. */
  const heal = async () => {
    for (const [role, v] of baseline)
      await db().query('delete from tuf_metadata where role = $1 and version > $2', [role, v]);
  };

  before(async () => {
    f = await startTufFixture(clock);
    await f.publish('thermo', '1.0.0', 1);
  });
  after(async () => f?.close());

  it('indefinite freeze: an expired timestamp is refused (spec §5.4.4) with FW_UPDATE_METADATA_EXPIRED', async () => {
    const device = await f.device();
    await refused(device.check(), 'FW_UPDATE_METADATA_EXPIRED');
    // The server re-signs on its timer; once it has, the same device updates.
    clock.set(new Date());
    await repo().refresh();
    await f.publish('thermo', '1.1.0', 2);
    await f.publish('camera', '1.0.0', 1);
    for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) baseline.set(role, await latest(role));
    const update = await device.check();
    assert.equal(update?.name, 'thermo-1.1.0+0.img');
    assert.equal(update?.securityCounter, 2);
  });

  it('arbitrary software: targets without any signature are refused (spec §5.6.3) with FW_UPDATE_METADATA_UNSIGNED', async () => {
    const v = await latest('targets');
    const r = await db().query<{ body: Uint8Array }>(
      "select body from tuf_metadata where role = 'targets' and version = $1",
      [v],
    );
    const forged = JSON.parse(Buffer.from(r.rows[0]!.body).toString()) as {
      signed: { version: number };
      signatures: unknown[];
    };
    forged.signed.version = v + 1;
    forged.signatures = [];
    await insertTargetsAndSnapshot(Buffer.from(JSON.stringify(forged)), v + 1);
    await refused((await f.device()).check(), 'FW_UPDATE_METADATA_UNSIGNED');
    await heal();
  });

  it('arbitrary software: targets signed by an untrusted key are refused with FW_UPDATE_METADATA_UNSIGNED', async () => {
    const v = (await latest('targets')) + 1;
    const forged = serialize(signWith(newTargets(v, clock.now(), {}), [generateTufKey()], 1));
    await insertTargetsAndSnapshot(forged, v);
    await refused((await f.device()).check(), 'FW_UPDATE_METADATA_UNSIGNED');
    await heal();
  });

  it('arbitrary software: a signed target whose MCUboot signature is wrong is refused with FW_UPDATE_IMAGE_REFUSED', async () => {
    // The repository (a stolen targets key) signs an image the firmware author never signed.
    const body = image(generateFirmwareKey('ed25519'), '9.0.0', 9);
    await repo().transaction(async (tx) => {
      await tx.query(
        `insert into tuf_targets (name, sha256, length, body, model, version, security_counter, published_by)
         values ('thermo-9.0.0+0.img', encode(sha256($1), 'hex'), $2, $1, 'thermo', '9.0.0+0', 9, 'attacker')`,
        [body, body.length],
      );
      await repo().addTarget(tx, 'thermo-9.0.0+0.img', body, {
        model: 'thermo',
        version: '9.0.0+0',
        securityCounter: 9,
      });
    });
    await refused((await f.device()).check(), 'FW_UPDATE_IMAGE_REFUSED');
    await db().query("delete from tuf_targets where name = 'thermo-9.0.0+0.img'");
    await heal();
  });

  it('rollback: a timestamp older than the one the device trusts is refused (spec §5.4.3) with FW_UPDATE_METADATA_ROLLBACK', async () => {
    const device = await f.device();
    await repo().transaction((tx) => repo().signSnapshot(tx, clock.now()));
    assert.ok(await device.check());
    await db().query("delete from tuf_metadata where role = 'timestamp' and version = $1", [await latest('timestamp')]);
    await refused(device.check(), 'FW_UPDATE_METADATA_ROLLBACK');
    await heal();
  });

  it('rollback: an image with a security counter below the stored one is refused with FW_UPDATE_COUNTER_ROLLBACK', async () => {
    await refused((await f.device()).check({ securityCounter: 3 }), 'FW_UPDATE_COUNTER_ROLLBACK');
  });

  it('endless data: a target longer than its signed length is cut off (spec §5.7.3) with FW_UPDATE_ENDLESS_DATA', async () => {
    const name = 'thermo-1.1.0+0.img';
    await db().query('update tuf_targets set body = body || $2 where name = $1', [name, Buffer.alloc(1 << 20, 0x41)]);
    try {
      await refused((await f.device()).check(), 'FW_UPDATE_ENDLESS_DATA');
    } finally {
      await db().query('update tuf_targets set body = substring(body from 1 for length) where name = $1', [name]);
    }
  });

  it('mix-and-match: a targets file other than the version the snapshot names is refused (spec §5.6.4) with FW_UPDATE_MIX_AND_MATCH', async () => {
    const v = await latest('targets');
    const saved = (
      await db().query<{ body: Uint8Array }>("select body from tuf_metadata where role = 'targets' and version = $1", [
        v,
      ])
    ).rows[0]!.body;
    await db().query(
      "update tuf_metadata set body = (select body from tuf_metadata where role = 'targets' and version = $1) where role = 'targets' and version = $2",
      [v - 1, v],
    );
    try {
      await refused((await f.device()).check(), 'FW_UPDATE_MIX_AND_MATCH');
    } finally {
      await db().query("update tuf_metadata set body = $1 where role = 'targets' and version = $2", [saved, v]);
    }
  });

  it('wrong model: a signed target for another hardware model is refused with FW_UPDATE_WRONG_MODEL', async () => {
    await refused((await f.device('thermo')).check({ targetName: 'camera-1.0.0+0.img' }), 'FW_UPDATE_WRONG_MODEL');
    const none = await (await f.device('doorbell')).check();
    assert.equal(none, undefined);
  });

  it('threshold not met: targets signed by 1 of 2 required keys are refused with FW_UPDATE_THRESHOLD_NOT_MET', async () => {
    // Root v2 (signed offline with the exported root key) asks for two targets signatures.
    const res = await fetchJson(`/api/v1/tuf/keys/root/export`, 'POST', {});
    const rootKey = tufKeyFromPem((res as { keys: string[] }).keys[0]!);
    const current = (await repo().root()).signed;
    const keys = roleKeys(current);
    keys.targets = [...keys.targets, generateTufKey().publicKey];
    const next = newRoot(current.version + 1, clock.now(), keys, { ...thresholds(current), targets: 2 });
    await fetchJson('/api/v1/tuf/root', 'PUT', JSON.parse(serialize(signWith(next, [rootKey], 1)).toString()));
    await refused((await f.device()).check(), 'FW_UPDATE_THRESHOLD_NOT_MET');
  });

  async function insertTargetsAndSnapshot(body: Buffer, version: number): Promise<void> {
    await repo().transaction(async (tx) => {
      await tx.query(
        "insert into tuf_metadata (role, version, body, expires) values ('targets', $1, $2, now() + interval '1 day')",
        [version, body],
      );
      await repo().signSnapshot(tx, clock.now());
    });
  }

  async function fetchJson(path: string, method: string, body: unknown): Promise<unknown> {
    const res = await f.server.fleetward.http.app.inject({
      method: method as 'POST',
      url: path,
      headers: { authorization: `Bearer ${f.token}` },
      payload: body as object,
    });
    assert.ok(res.statusCode < 300, `${method} ${path}: ${res.statusCode} ${res.body}`);
    return res.json();
  }
});
