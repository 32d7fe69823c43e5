import { createHash } from 'node:crypto';
import type { Key } from '@tufjs/models';
import { Metadata, MetadataKind, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp } from '@tufjs/models';
import { signerOf, type TufKey, type TufRole } from './keys.js';
import { updatesError } from './errors.js';

/** The TUF specification version our metadata declares. */
export const SPEC_VERSION = '1.0.31';

const DAY_MS = 24 * 3600 * 1000;

/**
 * How long each role's metadata is valid, and so how often it must be re-signed: the online
 * roles briefly (a frozen or replayed repository is noticed within a day), the offline-capable
 * roles long (they need a human with the key).
 */
export const EXPIRY_MS: Readonly<Record<TufRole, number>> = {
  root: 365 * DAY_MS,
  targets: 90 * DAY_MS,
  snapshot: 7 * DAY_MS,
  timestamp: 1 * DAY_MS,
};

/** TUF dates are UTC, second precision, with a Z (spec §4.2 "expires"). */
export function expiresAt(now: Date, role: TufRole): string {
  return new Date(now.getTime() + EXPIRY_MS[role]).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The custom metadata of a firmware target (spec §4.5 "custom"). */
export interface TargetCustom {
  readonly model: string;
  readonly version: string;
  readonly securityCounter: number;
  readonly [key: string]: string | number;
}

type AnySigned = Root | Targets | Snapshot | Timestamp;

/** Signs with every online key given; refuses when fewer than `threshold` are online. */
export function signWith<T extends AnySigned>(signed: T, keys: readonly TufKey[], threshold: number): Metadata<T> {
  const online = keys.filter((k) => k.privateKey);
  if (online.length < threshold) {
    throw updatesError('FW_TUF_KEY_OFFLINE', `${signed.type} needs ${threshold} keys, ${online.length} are online`);
  }
  const metadata = new Metadata<T>(signed);
  for (const key of online) metadata.sign(signerOf(key));
  return metadata;
}

export function serialize(metadata: Metadata<AnySigned>): Buffer {
  return Buffer.from(JSON.stringify(metadata.toJSON()));
}

/** A root naming `keys` per role (built through fromJSON: the role class is not exported). */
export function newRoot(
  version: number,
  now: Date,
  keys: Readonly<Record<TufRole, readonly Key[]>>,
  thresholds?: Partial<Record<TufRole, number>>,
): Root {
  const roles: Record<string, { keyids: string[]; threshold: number }> = {};
  const all: Record<string, unknown> = {};
  for (const [role, list] of Object.entries(keys)) {
    roles[role] = { keyids: list.map((k) => k.keyID), threshold: thresholds?.[role as TufRole] ?? 1 };
    for (const k of list) all[k.keyID] = k.toJSON();
  }
  return Root.fromJSON({
    _type: 'root',
    spec_version: SPEC_VERSION,
    version,
    expires: expiresAt(now, 'root'),
    keys: all,
    roles,
    consistent_snapshot: true,
  } as never);
}

export function newTargets(version: number, now: Date, targets: Record<string, TargetFile>): Targets {
  return new Targets({ version, specVersion: SPEC_VERSION, expires: expiresAt(now, 'targets'), targets });
}

export function newSnapshot(version: number, now: Date, targetsVersion: number): Snapshot {
  const meta = { 'targets.json': new MetaFile({ version: targetsVersion }) };
  return new Snapshot({ version, specVersion: SPEC_VERSION, expires: expiresAt(now, 'snapshot'), meta });
}

/** The timestamp pins the snapshot by version, length and hash (spec §4.6). */
export function newTimestamp(version: number, now: Date, snapshotVersion: number, snapshot: Buffer): Timestamp {
  const snapshotMeta = new MetaFile({
    version: snapshotVersion,
    length: snapshot.length,
    hashes: { sha256: createHash('sha256').update(snapshot).digest('hex') },
  });
  return new Timestamp({ version, specVersion: SPEC_VERSION, expires: expiresAt(now, 'timestamp'), snapshotMeta });
}

export function targetFile(name: string, body: Uint8Array, custom: TargetCustom): TargetFile {
  return new TargetFile({
    path: name,
    length: body.length,
    hashes: { sha256: createHash('sha256').update(body).digest('hex') },
    unrecognizedFields: { custom: { ...custom } },
  });
}

export function parseRoot(body: Buffer): Metadata<Root> {
  return Metadata.fromJSON(MetadataKind.Root, JSON.parse(body.toString('utf8')));
}

export function parseTargets(body: Buffer): Metadata<Targets> {
  return Metadata.fromJSON(MetadataKind.Targets, JSON.parse(body.toString('utf8')));
}
