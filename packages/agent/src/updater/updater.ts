import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { firmwarePublicKey, isFleetwardError, verifyImage, type FirmwarePublicKey } from '@fleetward/protocol';
import { Updater, type TargetFile } from 'tuf-js';
import { classifyTufError } from './classify.js';
import { updaterError } from './errors.js';
import { PinnedFetcher } from './fetcher.js';
import {
  GOOD_ROOT_FILE,
  keepGoodRoot,
  parseTrustedRoot,
  repairTrustedRoot,
  ROOT_FILE,
  writeFileAtomic,
} from './root.js';
import { checkMeantFor, claimsOf, newestFor, type TargetClaims } from './select.js';

export interface UpdaterOptions {
  /** The repository base, e.g. `https://fleet.example:8443/tuf` (metadata/ and targets/ below it). */
  readonly repositoryUrl: string;
  /** PEM of the fleet CA: the only anchor for the HTTPS channel. */
  readonly ca: string | Buffer;
  /** Holds root.json (provisioned at enrollment) and the metadata tuf-js caches between checks. */
  readonly metadataDir: string;
  /** This device's hardware model, compared with each target's signed `custom.model`. */
  readonly model: string;
  /** The firmware public key provisioned at manufacture (SubjectPublicKeyInfo PEM or DER). */
  readonly firmwareKey: string | Uint8Array;
  /** Largest image accepted, whatever the metadata signs (default 64 MiB). */
  readonly maxImageBytes?: number;
}

export interface CheckOptions {
  /** The bootloader's stored security counter: nothing lower is accepted. */
  readonly securityCounter: number;
  /**
   * The running image's version. A target whose signed version (its TUF custom metadata) is
   * this one is not downloaded, with or without `targetName`: `check` resolves undefined.
   */
  readonly currentVersion?: string;
  /** The target assigned to this device (by a rollout); otherwise the newest for the model. */
  readonly targetName?: string;
}

/** An image that passed both signatures (TUF targets and MCUboot), ready for `Bootloader.install`. */
export interface VerifiedUpdate extends TargetClaims {
  readonly image: Uint8Array;
  /** The MCUboot image digest (SHA-256 of header, payload and protected TLVs), hex. */
  readonly digest: string;
}

const DEFAULT_MAX_IMAGE = 64 * 1024 * 1024;

/** The device side of TUF (spec §5, "detailed client workflow") plus the image signature check. */
export class FirmwareUpdater {
  readonly #options: UpdaterOptions;
  readonly #key: FirmwarePublicKey;

  constructor(options: UpdaterOptions) {
    this.#options = options;
    this.#key = firmwarePublicKey(options.firmwareKey);
  }

  /**
   * Refreshes metadata and returns the verified image of an update, or undefined when there is
   * none: no target for the model, or the chosen (or assigned) target's signed version is the
   * running one. An assigned target missing from the signed metadata is refused instead.
   */
  async check(options: CheckOptions): Promise<VerifiedUpdate | undefined> {
    const tuf = await this.#refresh();
    const target = await this.#choose(tuf, options);
    if (!target) return undefined;
    const claims = claimsOf(target);
    checkMeantFor(claims, this.#options.model, options.securityCounter);
    // Already running: the version tuf-js verified in the targets metadata, before any download.
    if (options.currentVersion === claims.version) return undefined;
    const image = await this.#download(tuf, target);
    return { ...claims, ...(await this.#verifyImage(image, claims, options.securityCounter)) };
  }

  // Client workflow 5.1–5.6: root, timestamp, snapshot, targets, each verified by tuf-js.
  async #refresh(): Promise<Updater> {
    const { metadataDir, repositoryUrl, ca } = this.#options;
    // Spec §5.2: tuf-js loads root.json, which it rewrites in place (no fsync) at each rotation
    // (§5.3.8); a power cut can tear it. Restore the last good copy first, or refuse with a code.
    await repairTrustedRoot(metadataDir);
    const base = repositoryUrl.replace(/\/+$/, '');
    const tuf = new Updater({
      metadataDir,
      metadataBaseUrl: `${base}/metadata`,
      targetBaseUrl: `${base}/targets`,
      fetcher: new PinnedFetcher(ca, metadataDir),
      config: { prefixTargetsWithHash: true },
    });
    try {
      await tuf.refresh();
    } catch (err) {
      throw classifyTufError(err);
    }
    // The root this refresh ended with is the one to come back to. A failure to keep it leaves
    // the previous good copy, older but still a safe start (spec §5.3), so it stops nothing.
    await keepGoodRoot(metadataDir).catch(() => undefined);
    return tuf;
  }

  async #choose(tuf: Updater, options: CheckOptions): Promise<TargetFile | undefined> {
    let name = options.targetName;
    if (!name) {
      // targets.json was verified and persisted by refresh(); read it for the list of names.
      const targets = JSON.parse(await readFile(join(this.#options.metadataDir, 'targets.json'), 'utf8')) as {
        signed: { targets?: Record<string, unknown> };
      };
      const all: TargetClaims[] = [];
      for (const path of Object.keys(targets.signed.targets ?? {})) {
        const info = await tuf.getTargetInfo(path);
        if (info) all.push(claimsOf(info));
      }
      name = newestFor(all, this.#options.model)?.name;
      if (!name) return undefined;
    }
    const info = await tuf.getTargetInfo(name).catch((err: unknown) => Promise.reject(classifyTufError(err)));
    if (!info) throw updaterError('FW_UPDATE_TARGET_NOT_FOUND', `no target ${name}`);
    return info;
  }

  // Client workflow 5.7: download with the signed length as the limit, then check the hashes.
  async #download(tuf: Updater, target: TargetFile): Promise<Uint8Array> {
    const max = this.#options.maxImageBytes ?? DEFAULT_MAX_IMAGE;
    if (target.length > max)
      throw updaterError('FW_UPDATE_TARGET_TOO_LARGE', `${target.path} is ${target.length} bytes`);
    await mkdir(this.#options.metadataDir, { recursive: true });
    const file = join(this.#options.metadataDir, '.target');
    try {
      await tuf.downloadTarget(target, file);
      return new Uint8Array(await readFile(file));
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      if (/^Expected (hash|length)/.test(message)) {
        throw updaterError('FW_UPDATE_TARGET_HASH_MISMATCH', message, { cause: err });
      }
      throw classifyTufError(err);
    } finally {
      await rm(file, { force: true });
    }
  }

  // The author's signature (MCUboot), which the bootloader will check again at boot.
  async #verifyImage(image: Uint8Array, claims: TargetClaims, stored: number) {
    let verified;
    try {
      verified = await verifyImage(image, this.#key);
    } catch (cause) {
      throw updaterError('FW_UPDATE_IMAGE_REFUSED', `${claims.name} does not verify`, { cause });
    }
    const counter = verified.securityCounter ?? 0;
    if (counter < stored || counter !== claims.securityCounter) {
      throw updaterError('FW_UPDATE_COUNTER_ROLLBACK', `${claims.name}: image counter ${counter}, stored ${stored}`);
    }
    if (verified.versionText !== claims.version) {
      throw updaterError('FW_UPDATE_IMAGE_REFUSED', `${claims.name}: image version ${verified.versionText}`);
    }
    return { image, digest: verified.digest };
  }
}

/** One check with a fresh updater (tuf-js fixes its reference time when it is created). */
export function checkForUpdate(options: UpdaterOptions & CheckOptions): Promise<VerifiedUpdate | undefined> {
  return new FirmwareUpdater(options).check(options);
}

/**
 * Provisions the trusted root at enrollment: `1.root.json` fetched once over the HTTPS channel
 * authenticated by the pinned fleet CA (trust on first use, anchored in the CA the device got
 * with its certificate). It must be root metadata of version 1 or later signed by a threshold
 * of its own root keys (spec §5.3.4), or it is refused with a code and nothing is written. It
 * is written atomically (temp file, fsync, rename, fsync of the folder), as `root.json` and as
 * its good copy. Never overwrites a valid root: later roots arrive through TUF's own rotation.
 * A `root.json` that is not a valid root is restored from its good copy (answers false, as for
 * one already there) or, with no good copy either, provisioned again (answers true).
 */
export async function provisionTrustedRoot(
  options: Pick<UpdaterOptions, 'repositoryUrl' | 'ca' | 'metadataDir'>,
): Promise<boolean> {
  const dir = options.metadataDir;
  try {
    await repairTrustedRoot(dir);
    return false;
  } catch (err) {
    if (!isFleetwardError(err) || err.code !== 'FW_UPDATE_NOT_PROVISIONED') throw err;
  }
  await mkdir(dir, { recursive: true });
  const url = `${options.repositoryUrl.replace(/\/+$/, '')}/metadata/1.root.json`;
  let body: Buffer;
  try {
    body = await new PinnedFetcher(options.ca, dir).downloadBytes(url, 512 * 1024);
  } catch (err) {
    throw classifyTufError(err);
  }
  parseTrustedRoot(body, url);
  await writeFileAtomic(join(dir, GOOD_ROOT_FILE), body);
  await writeFileAtomic(join(dir, ROOT_FILE), body);
  return true;
}
