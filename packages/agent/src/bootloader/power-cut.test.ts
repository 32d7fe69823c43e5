import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Bootloader, FileSlotStorage, MemorySlotStorage, provisionRootOfTrust, type SlotStorage } from './index.js';
import { CounterWatch, PowerCut, PowerCutStorage, seededRandom, testImage, testKey } from './testing.js';

const { privateKey, publicKey, publicKeyPem } = testKey();
const IMAGES = [1, 2, 3, 4, 5, 6].map((n) => testImage(privateKey, `${n}.0.0`, n));
const [V1, V2, V3, V4, V5, V6] = IMAGES as [Uint8Array, ...Uint8Array[]];

/** Updates with confirmations, a failed health check and an unconfirmed image that times out. */
async function lifeOfADevice(storage: SlotStorage): Promise<void> {
  const open = () => new Bootloader({ storage, rootOfTrust: publicKey, maxAttempts: 3 });
  await open().install(V2!);
  await open().boot();
  let bl = open();
  await bl.boot(); // a reboot before the health check: attempt 2
  await bl.confirm();
  await open().install(V3!);
  bl = open();
  await bl.boot();
  await bl.revert(); // health check failed
  await open().boot();
  await open().install(V4!);
  for (let i = 0; i < 4; i++) await open().boot(); // never confirmed: reverted on the 4th boot
  for (const image of [V5!, V6!]) {
    await open().install(image);
    bl = open();
    await bl.boot();
    await bl.confirm();
  }
}

async function factoryStorage(): Promise<MemorySlotStorage> {
  const storage = new MemorySlotStorage();
  await storage.writeSlot('a', V1);
  await storage.writeState({ active: 'a', pending: null, attempts: 0, deadline: null, securityCounter: 1 });
  return storage;
}

function assertNonDecreasing(counters: readonly number[]): void {
  for (let i = 1; i < counters.length; i++) assert.ok(counters[i]! >= counters[i - 1]!, `counters ${counters}`);
}

describe('power cut during install, boot and confirm', () => {
  it('without a cut, the life of a device ends on v6 with counter 6', async () => {
    const storage = await factoryStorage();
    const counting = new PowerCutStorage(storage, Number.POSITIVE_INFINITY);
    await lifeOfADevice(counting);
    assert.ok(counting.writes >= 20, `${counting.writes} writes`);
    assert.equal((await storage.readState())!.securityCounter, 6);
  });

  it('at 20 seeded points, the device boots a verified image and the stored counter never decreased', async () => {
    const total = await (async () => {
      const counting = new PowerCutStorage(await factoryStorage(), Number.POSITIVE_INFINITY);
      await lifeOfADevice(counting);
      return counting.writes;
    })();
    const rnd = seededRandom(20260522);
    const points = [...Array(total).keys()]
      .map((i) => i + 1)
      .sort(() => rnd() - 0.5)
      .slice(0, 20);
    for (const cutAt of points) {
      const memory = await factoryStorage();
      const watch = new CounterWatch(memory);
      await assert.rejects(lifeOfADevice(new PowerCutStorage(watch, cutAt, rnd())), PowerCut);
      const before = (await memory.readState())!.securityCounter;
      // power back: a new bootloader over what was persisted
      const bl = new Bootloader({ storage: watch, rootOfTrust: publicKey });
      const booted = await bl.boot();
      assert.ok(booted.image.securityCounter! >= before, `cut ${cutAt}: booted counter below stored`);
      if (booted.mode === 'test') await bl.confirm();
      const after = await new Bootloader({ storage: watch, rootOfTrust: publicKey }).boot();
      assert.equal(after.mode, 'confirmed');
      assert.ok((await memory.readState())!.securityCounter >= before, `cut ${cutAt}: counter decreased`);
      assertNonDecreasing([1, ...watch.counters]);
    }
  });

  it('after a real SIGKILL at write steps of the file storage, the device boots a verified image', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-powercut-'));
    const child = fileURLToPath(new URL('./power-cut-child.js', import.meta.url));
    try {
      // 4 writes per update x 4 steps per atomic write x 2 updates = 32 steps
      for (const cut of [1, 3, 6, 10, 14, 19, 27]) {
        const device = join(dir, `cut-${cut}`);
        await mkdir(join(device, 'images'), { recursive: true });
        await provisionRootOfTrust(device, publicKeyPem);
        await writeFile(join(device, 'images', 'v2.bin'), V2!);
        await writeFile(join(device, 'images', 'v3.bin'), V3!);
        const storage = new FileSlotStorage(device);
        await storage.writeSlot('a', V1);
        await storage.writeState({ active: 'a', pending: null, attempts: 0, deadline: null, securityCounter: 1 });
        const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
          const p = spawn(process.execPath, [child, device, String(cut)], { stdio: 'ignore' });
          p.on('error', reject);
          p.on('exit', (_code, sig) => resolve(sig));
        });
        assert.equal(signal, 'SIGKILL', `cut ${cut}`);
        const before = (await storage.readState())!.securityCounter;
        const booted = await new Bootloader({ storage, rootOfTrust: publicKey }).boot();
        assert.ok(booted.image.securityCounter! >= before);
        assert.ok(before >= 1);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
