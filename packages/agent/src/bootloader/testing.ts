// Test support: a minimal Ed25519 image signer (the real one is the server's firmware
// capability, which the agent may not import) and a storage that loses power on cue.
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  TLV_INFO_MAGIC,
  TLV_PROT_INFO_MAGIC,
  TLV_TYPE,
  concat,
  encodeTlvArea,
  firmwarePublicKey,
  parseVersion,
  writeHeader,
  type FirmwarePublicKey,
} from '@fleetward/protocol';
import type { BootState, SlotName, SlotStorage } from './storage.js';

export function testKey(): { privateKey: KeyObject; publicKey: FirmwarePublicKey; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return { privateKey, publicKey: firmwarePublicKey(publicKeyPem), publicKeyPem };
}

/** An MCUboot image signed with Ed25519 (header 0x100, SEC_CNT protected) over `size` bytes. */
export function testImage(key: KeyObject, version: string, counter: number | null, size = 2048): Uint8Array {
  const payload = Uint8Array.from({ length: size }, (_, i) => (i * 31 + (counter ?? 0) + version.length) & 0xff);
  const body = new Uint8Array(0x100 + size).fill(0xff, 0, 0x100);
  body.set(payload, 0x100);
  const sec = new Uint8Array(4);
  new DataView(sec.buffer).setUint32(0, counter ?? 0, true);
  const prot = encodeTlvArea(TLV_PROT_INFO_MAGIC, counter === null ? [] : [{ type: TLV_TYPE.SEC_CNT, value: sec }]);
  writeHeader(body, {
    loadAddr: 0,
    hdrSize: 0x100,
    protectTlvSize: prot.length,
    imgSize: size,
    flags: 0,
    version: parseVersion(version),
  });
  const signed = concat([body, prot]);
  const digest = createHash('sha256').update(signed).digest();
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const tlvs = encodeTlvArea(TLV_INFO_MAGIC, [
    { type: TLV_TYPE.SHA256, value: digest },
    { type: TLV_TYPE.KEYHASH, value: createHash('sha256').update(spki).digest() },
    { type: TLV_TYPE.ED25519, value: sign(null, digest, key) },
  ]);
  return concat([signed, tlvs]);
}

export class PowerCut extends Error {}

/**
 * Wraps a storage and cuts the power at its k-th write: a slot write leaves a torn prefix of
 * `tornFraction` of the image, a state write (atomic) leaves the old record; every later write fails.
 */
export class PowerCutStorage implements SlotStorage {
  writes = 0;
  constructor(
    private readonly inner: SlotStorage,
    private readonly cutAt: number,
    private readonly tornFraction = 0.5,
  ) {}

  readSlot(slot: SlotName): Promise<Uint8Array | null> {
    return this.inner.readSlot(slot);
  }
  readState(): Promise<BootState | null> {
    return this.inner.readState();
  }
  async writeSlot(slot: SlotName, image: Uint8Array): Promise<void> {
    if (this.tick()) {
      await this.inner.writeSlot(slot, image.subarray(0, Math.floor(image.length * this.tornFraction)));
      throw new PowerCut(`power cut during write ${this.writes} (slot ${slot})`);
    }
    return this.inner.writeSlot(slot, image);
  }
  async writeState(state: BootState): Promise<void> {
    if (this.tick()) throw new PowerCut(`power cut during write ${this.writes} (state)`);
    return this.inner.writeState(state);
  }
  private tick(): boolean {
    this.writes += 1;
    return this.writes >= this.cutAt;
  }
}

/** Records every persisted counter, to check it never decreases. */
export class CounterWatch implements SlotStorage {
  readonly counters: number[] = [];
  constructor(private readonly inner: SlotStorage) {}
  readSlot(slot: SlotName): Promise<Uint8Array | null> {
    return this.inner.readSlot(slot);
  }
  writeSlot(slot: SlotName, image: Uint8Array): Promise<void> {
    return this.inner.writeSlot(slot, image);
  }
  readState(): Promise<BootState | null> {
    return this.inner.readState();
  }
  async writeState(state: BootState): Promise<void> {
    await this.inner.writeState(state);
    this.counters.push(state.securityCounter);
  }
}

/** Deterministic PRNG for seeded tests (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
