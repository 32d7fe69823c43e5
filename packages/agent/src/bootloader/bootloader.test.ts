import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Bootloader, FileSlotStorage, MemorySlotStorage, loadRootOfTrust, provisionRootOfTrust } from './index.js';
import { testImage, testKey } from './testing.js';

const { privateKey, publicKey, publicKeyPem } = testKey();
const V1 = testImage(privateKey, '1.0.0', 1);
const V2 = testImage(privateKey, '2.0.0', 2);
const V3 = testImage(privateKey, '3.0.0', 3);

/** A device as it leaves the factory: v1 confirmed in slot a. */
async function factory(opts: { now?: () => number } = {}) {
  const storage = new MemorySlotStorage();
  await storage.writeSlot('a', V1);
  await storage.writeState({ active: 'a', pending: null, attempts: 0, deadline: null, securityCounter: 1 });
  const clock = { now: opts.now ?? (() => 1_000_000) };
  const open = () =>
    new Bootloader({ storage, rootOfTrust: publicKey, clock, maxAttempts: 3, confirmWithinMs: 60_000 });
  return { storage, open };
}

describe('Bootloader', () => {
  describe('boot', () => {
    it('boots the verified confirmed image', async () => {
      const { open } = await factory();
      const r = await open().boot();
      assert.deepEqual(
        [r.slot, r.mode, r.image.versionText, r.image.securityCounter],
        ['a', 'confirmed', '1.0.0+0', 1],
      );
    });

    it('falls back to the other slot when the active one is corrupt and the counter allows it', async () => {
      const { storage, open } = await factory();
      await open().install(testImage(privateKey, '1.1.0', 1));
      const bl = open();
      await bl.boot();
      await bl.confirm();
      storage.slots.b![300]! ^= 1;
      const r = await open().boot();
      assert.deepEqual([r.slot, r.image.versionText], ['a', '1.0.0+0']);
      assert.equal((await storage.readState())!.active, 'a');
    });

    it('does not fall back to an image below the stored counter', async () => {
      const { storage, open } = await factory();
      await open().install(V2);
      const bl = open();
      await bl.boot();
      await bl.confirm();
      storage.slots.b![300]! ^= 1;
      await assert.rejects(open().boot(), { code: 'FW_BOOT_NO_VALID_IMAGE' });
    });

    it('refuses to boot when no slot holds a verified image (FW_BOOT_NO_VALID_IMAGE)', async () => {
      const { storage, open } = await factory();
      storage.slots.a = testImage(testKey().privateKey, '1.0.0', 1);
      await assert.rejects(open().boot(), { code: 'FW_BOOT_NO_VALID_IMAGE' });
    });

    it('refuses an image below the stored security counter even in the active slot', async () => {
      const { storage, open } = await factory();
      await storage.writeState({ active: 'a', pending: null, attempts: 0, deadline: null, securityCounter: 5 });
      await assert.rejects(open().boot(), { code: 'FW_BOOT_NO_VALID_IMAGE' });
    });
  });

  describe('install', () => {
    it('writes the inactive slot and boots it in test mode', async () => {
      const { storage, open } = await factory();
      const installed = await open().install(V2);
      assert.equal(installed.slot, 'b');
      assert.equal((await storage.readState())!.pending, 'b');
      const r = await open().boot();
      assert.deepEqual([r.slot, r.mode, r.attempt], ['b', 'test', 1]);
      assert.equal((await storage.readState())!.securityCounter, 1, 'the counter rises only on confirm');
    });

    it('refuses an image signed by another key, before writing anything', async () => {
      const { storage, open } = await factory();
      await assert.rejects(open().install(testImage(testKey().privateKey, '2.0.0', 2)), {
        code: 'FW_IMAGE_KEY_MISMATCH',
      });
      assert.equal(storage.slots.b, undefined);
    });

    it('refuses a lower security counter (anti-rollback) with FW_BOOT_ROLLBACK_REFUSED', async () => {
      const { storage, open } = await factory();
      await storage.writeState({ ...(await storage.readState())!, securityCounter: 2 });
      await storage.writeSlot('a', V2);
      await assert.rejects(open().install(V1), { code: 'FW_BOOT_ROLLBACK_REFUSED' });
    });

    it('refuses an image without SEC_CNT with FW_BOOT_COUNTER_MISSING', async () => {
      const { open } = await factory();
      await assert.rejects(open().install(testImage(privateKey, '2.0.0', null)), { code: 'FW_BOOT_COUNTER_MISSING' });
    });

    it('refuses a second install while a test image is pending', async () => {
      const { open } = await factory();
      await open().install(V2);
      await assert.rejects(open().install(V3), { code: 'FW_BOOT_UPDATE_PENDING' });
    });
  });

  describe('confirm', () => {
    it('makes the test image active and raises the stored counter', async () => {
      const { storage, open } = await factory();
      await open().install(V2);
      const bl = open();
      await bl.boot();
      const r = await bl.confirm();
      assert.equal(r.mode, 'confirmed');
      assert.deepEqual(await storage.readState(), {
        active: 'b',
        pending: null,
        attempts: 0,
        deadline: null,
        securityCounter: 2,
      });
      assert.equal((await open().boot()).slot, 'b');
      // v1 is now below the counter: it can neither be installed nor booted
      await assert.rejects(open().install(V1), { code: 'FW_BOOT_ROLLBACK_REFUSED' });
    });

    it('refuses to confirm when no test image is running (FW_BOOT_NOT_IN_TEST)', async () => {
      const { open } = await factory();
      const bl = open();
      await bl.boot();
      await assert.rejects(bl.confirm(), { code: 'FW_BOOT_NOT_IN_TEST' });
    });
  });

  describe('when a test image is not confirmed', () => {
    it('reverts after the boot count is used up', async () => {
      const { storage, open } = await factory();
      await open().install(V2);
      for (const attempt of [1, 2, 3]) assert.equal((await open().boot()).attempt, attempt);
      const r = await open().boot();
      assert.deepEqual([r.slot, r.mode, r.reverted], ['a', 'confirmed', 'b']);
      assert.deepEqual((await storage.readState())!.pending, null);
      assert.equal((await storage.readState())!.securityCounter, 1);
    });

    it('reverts after the confirmation deadline', async () => {
      let now = 1_000_000;
      const { open } = await factory({ now: () => now });
      await open().install(V2);
      assert.equal((await open().boot()).mode, 'test');
      now += 60_001;
      const r = await open().boot();
      assert.deepEqual([r.slot, r.reverted], ['a', 'b']);
    });

    it('reverts on request (failed health check)', async () => {
      const { open } = await factory();
      await open().install(V2);
      const bl = open();
      await bl.boot();
      await bl.revert();
      assert.equal((await open().boot()).slot, 'a');
    });

    it('reverts when the test slot no longer verifies', async () => {
      const { storage, open } = await factory();
      await open().install(V2);
      storage.slots.b![storage.slots.b!.length - 1]! ^= 0x80;
      const r = await open().boot();
      assert.deepEqual([r.slot, r.reverted], ['a', 'b']);
    });
  });
});

describe('FileSlotStorage and the root of trust', () => {
  it('keeps slots and state across re-opening, and the root of trust is write-once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-boot-'));
    try {
      await provisionRootOfTrust(dir, publicKeyPem);
      await assert.rejects(provisionRootOfTrust(dir, testKey().publicKeyPem), { code: 'FW_BOOT_ROOT_OF_TRUST' });
      const open = async () =>
        new Bootloader({ storage: new FileSlotStorage(dir), rootOfTrust: await loadRootOfTrust(dir) });
      await (await open()).install(V1);
      const bl = await open();
      assert.equal((await bl.boot()).mode, 'test');
      await bl.confirm();
      const state = JSON.parse(await readFile(join(dir, 'boot-state.json'), 'utf8')) as { securityCounter: number };
      assert.equal(state.securityCounter, 1);
      assert.equal((await stat(join(dir, 'boot-state.json'))).mode & 0o777, 0o600);
      assert.equal((await (await open()).boot()).image.versionText, '1.0.0+0');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a corrupt state record with FW_BOOT_STATE_CORRUPT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-boot-'));
    try {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, 'boot-state.json'), '{"active":"a","securityCounter":-1}');
      const bl = new Bootloader({ storage: new FileSlotStorage(dir), rootOfTrust: publicKey });
      await assert.rejects(bl.boot(), { code: 'FW_BOOT_STATE_CORRUPT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
