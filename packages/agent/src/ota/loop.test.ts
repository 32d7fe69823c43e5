import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  FirmwareUpdater,
  provisionTrustedRoot,
  updaterError,
  type CheckOptions,
  type VerifiedUpdate,
} from '../updater/index.js';
import { TestTufRepository } from '../updater/testing.js';
import { Bootloader, MemorySlotStorage, type BootState, type SlotName, type SlotStorage } from '../bootloader/index.js';
import { seededRandom, testImage, testKey } from '../bootloader/testing.js';
import { MemoryOtaJournal, OtaLoop, type OtaJob, type OtaJournal, type OtaStatus, type UpdateSource } from './index.js';

const { privateKey, publicKey, publicKeyPem } = testKey();
const V1 = testImage(privateKey, '1.0.0', 1);
const V2 = testImage(privateKey, '2.0.0', 2);
const JOB = { rollout: 'ro-1', release: 'thermostat-2.0.0.img' };

class FakeUpdater {
  calls: CheckOptions[] = [];
  constructor(private readonly result: () => VerifiedUpdate | undefined) {}
  async check(options: CheckOptions): Promise<VerifiedUpdate | undefined> {
    this.calls.push(options);
    return this.result();
  }
}

const v2Update = (): VerifiedUpdate => ({
  name: JOB.release,
  model: 'thermostat',
  version: '2.0.0+0',
  securityCounter: 2,
  image: V2,
  digest: '',
});

async function factory(): Promise<MemorySlotStorage> {
  const storage = new MemorySlotStorage();
  await storage.writeSlot('a', V1);
  return storage;
}

function device(storage: SlotStorage, opts: { healthy?: boolean; journal?: OtaJournal; updater?: UpdateSource } = {}) {
  const reports: OtaStatus[] = [];
  const bootloader = new Bootloader({ storage, rootOfTrust: publicKey });
  const loop = new OtaLoop({
    bootloader,
    updater: opts.updater ?? new FakeUpdater(v2Update),
    report: async (s) => reports.push(s),
    healthCheck: () => opts.healthy ?? true,
    ...(opts.journal ? { journal: opts.journal } : {}),
  });
  return { loop, bootloader, reports };
}

describe('OtaLoop', () => {
  it('installs, boots in test mode, confirms a healthy image and reports every step', async () => {
    const storage = await factory();
    const { loop, bootloader, reports } = device(storage);
    assert.equal((await loop.start()).image.versionText, '1.0.0+0');
    const last = await loop.apply(JOB);
    assert.deepEqual(
      reports.map((r) => r.step),
      ['downloading', 'verified', 'installed', 'booted', 'confirmed'],
    );
    assert.equal(last.version, '2.0.0+0');
    const { state } = await bootloader.status();
    assert.deepEqual([state.active, state.pending, state.securityCounter], ['b', null, 2]);
  });

  it('reverts an image that fails its health check: rolled-back, old image running, counter unchanged', async () => {
    const storage = await factory();
    const { loop, bootloader, reports } = device(storage, { healthy: false });
    await loop.start();
    const last = await loop.apply(JOB);
    assert.equal(last.step, 'rolled-back');
    assert.equal(last.error, 'FW_OTA_HEALTH_CHECK_FAILED');
    assert.equal(last.version, '1.0.0+0');
    assert.equal(reports.at(-2)?.step, 'booted');
    const { state, current } = await bootloader.status();
    assert.deepEqual([state.active, state.pending, state.securityCounter], ['a', null, 0]);
    assert.equal(current?.image.versionText, '1.0.0+0');
  });

  it('reports failed with the updater code when TUF refuses the target, and installs nothing', async () => {
    const storage = await factory();
    const refused = new FakeUpdater(() => {
      throw updaterError('FW_UPDATE_WRONG_MODEL', 'for another model');
    });
    const { loop, reports } = device(storage, { updater: refused });
    await loop.start();
    const last = await loop.apply(JOB);
    assert.deepEqual([last.step, last.error], ['failed', 'FW_UPDATE_WRONG_MODEL']);
    assert.deepEqual(
      reports.map((r) => r.step),
      ['downloading', 'failed'],
    );
    assert.equal(await storage.readSlot('b'), null);
  });

  it('reports confirmed without installing when the target is the version already running', async () => {
    const storage = await factory();
    await storage.writeSlot('a', V2);
    const { loop, reports } = device(storage);
    await loop.start();
    assert.equal((await loop.apply(JOB)).step, 'confirmed');
    assert.equal(await storage.readSlot('b'), null);
    assert.equal(reports.at(-1)?.version, '2.0.0+0');
  });

  // TUF spec §5.7: the target is fetched only after its signed metadata says it is wanted.
  it('does not download a target whose signed version is already running', async () => {
    const repo = await TestTufRepository.start();
    const dir = await mkdtemp(join(tmpdir(), 'fw-ota-'));
    try {
      repo.publish([{ name: JOB.release, image: V2, model: 'thermostat', version: '2.0.0+0', securityCounter: 2 }]);
      const repository = { repositoryUrl: repo.repositoryUrl, ca: repo.ca, metadataDir: dir };
      await provisionTrustedRoot(repository);
      const updater = new FirmwareUpdater({ ...repository, model: 'thermostat', firmwareKey: publicKeyPem });
      const targets = () => repo.requests.filter((path) => path.startsWith('/tuf/targets/'));

      const storage = await factory();
      await storage.writeSlot('a', V2);
      const running = device(storage, { updater });
      await running.loop.start();
      const last = await running.loop.apply(JOB);
      assert.deepEqual([last.step, last.version], ['confirmed', '2.0.0+0']);
      assert.ok(repo.requests.includes('/tuf/metadata/timestamp.json'), 'the signed metadata was refreshed');
      assert.deepEqual(targets(), [], 'no image downloaded');
      assert.equal(await storage.readSlot('b'), null);

      // The same notice on a device running 1.0.0 downloads and installs it.
      const older = device(await factory(), { updater });
      await older.loop.start();
      assert.equal((await older.loop.apply(JOB)).step, 'confirmed');
      assert.equal(targets().length, 1);
      assert.equal((await older.bootloader.status()).current?.image.versionText, '2.0.0+0');
    } finally {
      await repo.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ignores malformed notifications and runs a valid one', async () => {
    const storage = await factory();
    const { loop, reports } = device(storage);
    await loop.start();
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    loop.notify('available', new TextEncoder().encode('{not json'));
    loop.notify('available', enc({ rollout: '../x', release: JOB.release }));
    loop.notify('other', enc(JOB));
    await loop.idle();
    assert.equal(reports.length, 0);
    loop.notify('available', enc(JOB));
    await loop.idle();
    assert.equal(reports.at(-1)?.step, 'confirmed');
  });

  it('keeps at most one pending update job: a newer notice replaces the waiting one', async () => {
    const storage = await factory();
    // The first download hangs (a slow server) until released; the calls show which jobs ran.
    let started!: () => void;
    const downloading = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const updater = new (class extends FakeUpdater {
      override async check(options: CheckOptions): Promise<VerifiedUpdate | undefined> {
        if (this.calls.length === 0) {
          started();
          await released;
        }
        return super.check(options);
      }
    })(v2Update);
    const { loop, reports } = device(storage, { updater });
    await loop.start();
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    loop.notify('available', enc({ rollout: 'ro-1', release: 'thermostat-2.0.0.img' }));
    await downloading;
    for (let i = 2; i <= 50; i++)
      loop.notify('available', enc({ rollout: `ro-${i}`, release: `thermostat-2.0.${i}.img` }));
    release();
    await loop.idle();
    assert.deepEqual(
      updater.calls.map((c) => c.targetName),
      ['thermostat-2.0.0.img', 'thermostat-2.0.50.img'],
    );
    assert.deepEqual([...new Set(reports.map((r) => r.rollout))], ['ro-1', 'ro-50']);
  });

  // Issue 5 §4: interrupted at any point, the device comes back on a verified image and resumes or rolls back.
  it('power cut at every write of an update (slots, boot state, OTA journal): the device boots a verified image, finishes the job, and the counter never decreases', async () => {
    const random = seededRandom(5);
    for (let cutAt = 1; cutAt <= 8; cutAt++) {
      const inner = await factory();
      const journal = new MemoryOtaJournal();
      const power = { writes: 0, cutAt, off: false };
      const counters: number[] = [];
      const cut = new CuttingStorage(inner, power, random(), counters);
      const first = device(cut, { journal: new CuttingJournal(journal, power) });
      await first.loop.start();
      await first.loop.apply(JOB).catch(() => undefined);
      // Reboot: a new bootloader and loop over what survived.
      const after = device(new CuttingStorage(inner, { writes: 0, cutAt: Infinity, off: false }, 0, counters), {
        journal,
      });
      const journaled = (await journal.load()) !== null;
      const booted = await after.loop.start();
      await after.loop.idle();
      // Cut before the job was journaled: nothing to resume; the rollout's re-notification brings it back.
      if (!journaled) await after.loop.apply(JOB);
      assert.ok(['1.0.0+0', '2.0.0+0'].includes(booted.image.versionText), `cut ${cutAt}`);
      const { state, current } = await after.bootloader.status();
      assert.equal(state.pending, null, `cut ${cutAt}: no test image left behind`);
      assert.equal(current?.image.versionText, '2.0.0+0', `cut ${cutAt}: the job was finished`);
      assert.equal(state.securityCounter, 2);
      for (let i = 1; i < counters.length; i++) assert.ok(counters[i]! >= counters[i - 1]!, `cut ${cutAt}`);
      assert.equal(await journal.load(), null);
      const last = after.reports.at(-1);
      assert.equal(last?.step, 'confirmed', `cut ${cutAt}`);
    }
  });
});

interface Power {
  writes: number;
  cutAt: number;
  off: boolean;
}

function tick(power: Power): boolean {
  if (power.off) return true;
  power.writes += 1;
  power.off = power.writes >= power.cutAt;
  return power.off;
}

class CuttingStorage implements SlotStorage {
  constructor(
    private readonly inner: SlotStorage,
    private readonly power: Power,
    private readonly torn: number,
    private readonly counters: number[],
  ) {}
  readSlot(slot: SlotName) {
    return this.inner.readSlot(slot);
  }
  readState() {
    return this.inner.readState();
  }
  async writeSlot(slot: SlotName, image: Uint8Array) {
    if (tick(this.power)) {
      await this.inner.writeSlot(slot, image.subarray(0, Math.floor(image.length * this.torn)));
      throw new Error('power cut');
    }
    await this.inner.writeSlot(slot, image);
  }
  async writeState(state: BootState) {
    if (tick(this.power)) throw new Error('power cut');
    await this.inner.writeState(state);
    this.counters.push(state.securityCounter);
  }
}

class CuttingJournal implements OtaJournal {
  constructor(
    private readonly inner: OtaJournal,
    private readonly power: Power,
  ) {}
  load() {
    return this.inner.load();
  }
  async save(job: OtaJob | null) {
    if (tick(this.power)) throw new Error('power cut');
    await this.inner.save(job);
  }
}
