import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Bootloader,
  FileOtaJournal,
  FileSlotStorage,
  FirmwareUpdater,
  MemoryOtaJournal,
  MemorySlotStorage,
  OtaLoop,
  provisionTrustedRoot,
  type Agent,
  type HealthCheck,
  type OtaStatus,
  type SlotStorage,
  type UpdateSource,
} from '@fleetward/agent';
import { firmwarePublicKey } from '@fleetward/protocol';
import type { SimDevice } from '../enroll/index.js';
import type { Semaphore } from '../transport/index.js';

/** Simulated devices that run secure boot and the OTA loop. */
export interface FleetOta {
  /** The TUF repository, `https://host:port/tuf`. */
  readonly repositoryUrl: string;
  /** The firmware author's public key (SPKI PEM): every device's root of trust. */
  readonly firmwareKeyPem: string;
  /** The image written to slot A at manufacture (when the device has none yet). */
  readonly factoryImage: (device: SimDevice) => Uint8Array;
  /** Slots and OTA journal as files under `<device dir>/boot/` (default), or in memory. */
  readonly slots?: 'files' | 'memory';
  /** Decides whether a freshly booted image is healthy (default: healthy). */
  readonly healthCheck?: HealthCheck;
  /** Updates (TUF refresh + download + verification) in progress at once over the fleet. Default 32. */
  readonly concurrency?: number;
  readonly onStatus?: (deviceId: string, status: OtaStatus) => void;
}

export interface DeviceOta {
  readonly loop: OtaLoop;
  readonly bootloader: Bootloader;
}

/** Builds one device's bootloader and OTA loop, reporting through its agent. */
export async function deviceOta(
  device: SimDevice,
  agent: () => Agent,
  ota: FleetOta,
  downloads: Semaphore,
): Promise<DeviceOta> {
  const boot = join(device.dir, 'boot');
  const files = (ota.slots ?? 'files') === 'files';
  const storage: SlotStorage = files ? new FileSlotStorage(boot) : new MemorySlotStorage();
  if (files) await mkdir(boot, { recursive: true });
  if ((await storage.readState()) === null && (await storage.readSlot('a')) === null) {
    await storage.writeSlot('a', ota.factoryImage(device));
  }
  const metadataDir = join(device.dir, 'tuf');
  const ca = device.credentials.caPem;
  await provisionTrustedRoot({ repositoryUrl: ota.repositoryUrl, ca, metadataDir });
  const updater = new FirmwareUpdater({
    repositoryUrl: ota.repositoryUrl,
    ca,
    metadataDir,
    model: device.model.name,
    firmwareKey: ota.firmwareKeyPem,
  });
  const limited: UpdateSource = {
    check: async (options) => {
      const release = await downloads.acquire();
      try {
        return await updater.check(options);
      } finally {
        release();
      }
    },
  };
  const bootloader = new Bootloader({ storage, rootOfTrust: firmwarePublicKey(ota.firmwareKeyPem) });
  const loop = new OtaLoop({
    bootloader,
    updater: limited,
    journal: files ? new FileOtaJournal(join(boot, 'ota-journal.json')) : new MemoryOtaJournal(),
    ...(ota.healthCheck ? { healthCheck: ota.healthCheck } : {}),
    report: async (status) => {
      ota.onStatus?.(device.id, status);
      await agent().report('updates/status', { ...status }, { critical: true });
    },
  });
  return { loop, bootloader };
}
