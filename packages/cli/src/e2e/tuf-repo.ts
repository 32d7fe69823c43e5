// A real server (in process, HTTPS on 127.0.0.1:0) with a TUF repository, for the updater tests.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkForUpdate, provisionTrustedRoot, type CheckOptions, type VerifiedUpdate } from '@fleetward/agent';
import {
  configFrom,
  generateFirmwareKey,
  loadSigningKey,
  publishRelease,
  registerFirmwareKey,
  signImage,
  startServer,
  type FirmwareKeyPair,
  type RunningFleetward,
} from '@fleetward/server';
import type { FixedClock } from '@fleetward/server';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

export interface TufFixture {
  readonly server: RunningFleetward;
  readonly repositoryUrl: string;
  readonly ca: string;
  readonly token: string;
  readonly firmware: FirmwareKeyPair;
  publish(model: string, version: string, counter: number, key?: FirmwareKeyPair): Promise<string>;
  /** A device of `model` with a freshly provisioned root; `check` runs one update check. */
  device(
    model?: string,
  ): Promise<{ dir: string; check(o?: Partial<CheckOptions>): Promise<VerifiedUpdate | undefined> }>;
  close(): Promise<void>;
}

/** An MCUboot image of random bytes signed with `key`. */
export function image(key: FirmwareKeyPair, version: string, counter: number, size = 4096): Uint8Array {
  const payload = randomBytes(size);
  return signImage(payload, loadSigningKey(key.privateKeyPem).key, {
    version,
    securityCounter: counter,
    headerSize: 0x200,
    padHeader: true,
  });
}

export async function startTufFixture(clock: FixedClock): Promise<TufFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fw-tuf-'));
  const server = await startServer(configFrom({ dataDir, host: '127.0.0.1', httpPort: '0', mqttPort: '0' }, {}), {
    clock,
    log: silent,
    env: {},
  });
  const ctx = server.fleetward.ctx;
  const repo = server.fleetward.updates.repository;
  const firmware = generateFirmwareKey('ed25519');
  const ca = server.fleetward.identity.rootPem;
  const repositoryUrl = `${server.urls.https}/tuf`;
  const dirs: string[] = [dataDir];
  const keyed = new Set<string>();
  return {
    server,
    repositoryUrl,
    ca,
    token: server.firstRun!.token,
    firmware,
    async publish(model, version, counter, key = firmware) {
      if (!keyed.has(model)) {
        await registerFirmwareKey(ctx, model, key.publicKeyPem, 'operator:test');
        keyed.add(model);
      }
      return (await publishRelease(repo, ctx, image(key, version, counter), model, undefined, 'operator:test')).name;
    },
    async device(model = 'thermo') {
      const dir = await mkdtemp(join(tmpdir(), 'fw-tuf-device-'));
      dirs.push(dir);
      await provisionTrustedRoot({ repositoryUrl, ca, metadataDir: dir });
      return {
        dir,
        check: (o = {}) =>
          checkForUpdate({
            repositoryUrl,
            ca,
            metadataDir: dir,
            model,
            firmwareKey: firmware.publicKeyPem,
            securityCounter: 0,
            ...o,
          }),
      };
    },
    async close() {
      await server.close();
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    },
  };
}
