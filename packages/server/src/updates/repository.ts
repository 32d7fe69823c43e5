import { createHash } from 'node:crypto';
import type { Key, Metadata, Root, TargetFile, Targets } from '@tufjs/models';
import type { Context } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import type { Sql } from '../store/index.js';
import { updatesError } from './errors.js';
import { generateTufKey, TUF_ROLES, type TufKey, type TufRole } from './keys.js';
import {
  EXPIRY_MS,
  newRoot,
  newSnapshot,
  newTargets,
  newTimestamp,
  parseRoot,
  parseTargets,
  serialize,
  signWith,
  targetFile,
  type TargetCustom,
} from './metadata.js';
import { insertMetadata, latestMetadata, loadKeys, metadataVersion, saveKey } from './records.js';

/** Consistent-snapshot file names (spec §5.6 / §6): `N.root.json`, `N.targets.json`, … */
const VERSIONED = /^([1-9]\d{0,8})\.(root|snapshot|targets)\.json$/;

/**
 * The TUF repository: keys, metadata and targets in the store; every change one transaction
 * that writes new versions of targets (if changed), snapshot and timestamp, never rewriting one.
 */
export class TufRepository {
  readonly #ctx: Context;
  readonly #sealer: Sealer;

  private constructor(ctx: Context, sealer: Sealer) {
    this.#ctx = ctx;
    this.#sealer = sealer;
  }

  /** Opens the repository, creating keys and version 1 of every role on the first start. */
  static async open(ctx: Context, sealer: Sealer): Promise<TufRepository> {
    const repo = new TufRepository(ctx, sealer);
    await repo.transaction(async (tx) => {
      if (!(await latestMetadata(tx, 'root'))) await repo.#create(tx);
    });
    await repo.refresh();
    return repo;
  }

  /** A metadata file by its served name, or undefined. */
  async metadata(name: string): Promise<Buffer | undefined> {
    if (name === 'timestamp.json') return (await latestMetadata(this.#ctx.store, 'timestamp'))?.body;
    const m = VERSIONED.exec(name);
    if (!m) return undefined;
    return metadataVersion(this.#ctx.store, m[2] as TufRole, Number(m[1]));
  }

  /** A target by its hash-prefixed name `<sha256>.<name>` (spec §5.7.3 with consistent snapshots). */
  async target(fileName: string): Promise<Buffer | undefined> {
    const m = /^([0-9a-f]{64})\.(.+)$/.exec(fileName);
    if (!m) return undefined;
    const r = await this.#ctx.store.query<{ body: Uint8Array }>(
      'select body from tuf_targets where sha256 = $1 and name = $2',
      [m[1], m[2]],
    );
    return r.rows[0] && Buffer.from(r.rows[0].body);
  }

  /** The newest root (what `fleetward tuf rotate-root` builds on). */
  async root(db: Sql = this.#ctx.store): Promise<Metadata<Root>> {
    const latest = await latestMetadata(db, 'root');
    if (!latest) throw updatesError('FW_TUF_NOT_FOUND', 'the repository has no root');
    return parseRoot(latest.body);
  }

  /** Adds (or replaces) a target and signs new targets, snapshot and timestamp in `tx`. */
  async addTarget(tx: Sql, name: string, body: Uint8Array, custom: TargetCustom): Promise<TargetFile> {
    const now = this.#ctx.clock.now();
    const current = await latestMetadata(tx, 'targets');
    const previous = current ? parseTargets(current.body).signed.targets : {};
    const file = targetFile(name, body, custom);
    await this.#writeTargets(tx, (current?.version ?? 0) + 1, now, { ...previous, [name]: file });
    return file;
  }

  /**
   * Re-signs every role whose metadata has less than half its lifetime left, from the roles
   * whose keys are online; snapshot and timestamp follow any change (spec §6.1 consistency).
   * Returns the roles re-signed.
   */
  async refresh(): Promise<TufRole[]> {
    return this.transaction(async (tx) => {
      const now = this.#ctx.clock.now();
      const stale = async (role: TufRole) => {
        const m = await latestMetadata(tx, role);
        return !m || m.expires.getTime() - now.getTime() < EXPIRY_MS[role] / 2;
      };
      const done: TufRole[] = [];
      if ((await stale('root')) && (await this.#onlineEnough(tx, 'root'))) {
        const root = (await this.root(tx)).signed;
        await this.writeRoot(tx, newRoot(root.version + 1, now, roleKeys(root), thresholds(root)));
        done.push('root');
      }
      if ((await stale('targets')) && (await this.#onlineEnough(tx, 'targets'))) {
        const current = (await latestMetadata(tx, 'targets'))!;
        await this.#writeTargets(tx, current.version + 1, now, parseTargets(current.body).signed.targets);
        done.push('targets', 'snapshot', 'timestamp');
      } else if (await stale('snapshot')) {
        await this.signSnapshot(tx, now);
        done.push('snapshot', 'timestamp');
      } else if (await stale('timestamp')) {
        const snapshot = (await latestMetadata(tx, 'snapshot'))!;
        await this.#writeTimestamp(tx, now, snapshot.version, snapshot.body);
        done.push('timestamp');
      }
      return done;
    });
  }

  /** Signs `root` with the online keys of the current root and of itself, and stores it. */
  async writeRoot(tx: Sql, root: Root, extra: readonly TufKey[] = []): Promise<void> {
    const current = await latestMetadata(tx, 'root');
    const keys = await loadKeys(tx, this.#sealer, 'root');
    const all = [...keys, ...extra].filter((k, i, a) => a.findIndex((o) => o.keyId === k.keyId) === i);
    const metadata = signWith(root, all, 1);
    if (current) parseRoot(current.body).verifyDelegate('root', metadata);
    metadata.verifyDelegate('root', metadata);
    await this.storeRoot(tx, serialize(metadata), root);
  }

  /** Stores a verified root body as the next version. */
  async storeRoot(tx: Sql, body: Buffer, root: Root): Promise<void> {
    await insertMetadata(tx, 'root', root.version, body, new Date(root.expires), this.#ctx.clock.now());
  }

  /** Whether enough of a role's keys are on the server to sign it (its threshold in the newest root). */
  async online(tx: Sql, role: TufRole): Promise<boolean> {
    return this.#onlineEnough(tx, role);
  }

  /** Signs targets N+1 with `targets` (online keys), then snapshot and timestamp. */
  async signTargets(tx: Sql, targets: Record<string, TargetFile>): Promise<void> {
    const current = (await latestMetadata(tx, 'targets'))!;
    await this.#writeTargets(tx, current.version + 1, this.#ctx.clock.now(), targets);
  }

  /** Stores targets metadata verified elsewhere (signed offline), then signs snapshot and timestamp. */
  async storeTargets(tx: Sql, body: Buffer, targets: Targets): Promise<void> {
    const now = this.#ctx.clock.now();
    await insertMetadata(tx, 'targets', targets.version, body, new Date(targets.expires), now);
    await this.signSnapshot(tx, now);
  }

  /** Re-signs targets (if its keys are online), snapshot and timestamp after a root change. */
  async resignAfterRoot(tx: Sql): Promise<void> {
    const now = this.#ctx.clock.now();
    const current = (await latestMetadata(tx, 'targets'))!;
    if (await this.#onlineEnough(tx, 'targets')) {
      await this.#writeTargets(tx, current.version + 1, now, parseTargets(current.body).signed.targets);
    } else await this.signSnapshot(tx, now);
  }

  /** Runs `fn` in a transaction that holds the repository lock (one writer across servers). */
  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const store = this.#ctx.store;
    return store.transaction(async (tx) => {
      if (store.kind === 'postgres') await tx.query('select pg_advisory_xact_lock(7262005)');
      return fn(tx);
    });
  }

  async #create(tx: Sql): Promise<void> {
    const now = this.#ctx.clock.now();
    const keys = {} as Record<TufRole, Key[]>;
    const rootKeys: TufKey[] = [];
    for (const role of TUF_ROLES) {
      const key = generateTufKey();
      await saveKey(tx, this.#sealer, role, key, now);
      keys[role] = [key.publicKey];
      if (role === 'root') rootKeys.push(key);
    }
    await this.writeRoot(tx, newRoot(1, now, keys), rootKeys);
    await this.#writeTargets(tx, 1, now, {});
  }

  async #writeTargets(tx: Sql, version: number, now: Date, targets: Record<string, TargetFile>): Promise<void> {
    const signed = newTargets(version, now, targets);
    const body = serialize(
      signWith(signed, await loadKeys(tx, this.#sealer, 'targets'), await this.#threshold(tx, 'targets')),
    );
    await insertMetadata(tx, 'targets', version, body, new Date(signed.expires), now);
    await this.signSnapshot(tx, now);
  }

  /** Signs a new snapshot of the newest targets, and a timestamp for it. */
  async signSnapshot(tx: Sql, now: Date): Promise<void> {
    const targets = (await latestMetadata(tx, 'targets'))!;
    const version = ((await latestMetadata(tx, 'snapshot'))?.version ?? 0) + 1;
    const signed = newSnapshot(version, now, targets.version);
    const body = serialize(
      signWith(signed, await loadKeys(tx, this.#sealer, 'snapshot'), await this.#threshold(tx, 'snapshot')),
    );
    await insertMetadata(tx, 'snapshot', version, body, new Date(signed.expires), now);
    await this.#writeTimestamp(tx, now, version, body);
  }

  async #writeTimestamp(tx: Sql, now: Date, snapshotVersion: number, snapshot: Buffer): Promise<void> {
    const version = ((await latestMetadata(tx, 'timestamp'))?.version ?? 0) + 1;
    const signed = newTimestamp(version, now, snapshotVersion, snapshot);
    const body = serialize(
      signWith(signed, await loadKeys(tx, this.#sealer, 'timestamp'), await this.#threshold(tx, 'timestamp')),
    );
    await insertMetadata(tx, 'timestamp', version, body, new Date(signed.expires), now);
  }

  async #threshold(tx: Sql, role: TufRole): Promise<number> {
    const root = await latestMetadata(tx, 'root');
    return root ? (parseRoot(root.body).signed.roles[role]?.threshold ?? 1) : 1;
  }

  async #onlineEnough(tx: Sql, role: TufRole): Promise<boolean> {
    const online = (await loadKeys(tx, this.#sealer, role)).filter((k) => k.privateKey).length;
    return online >= (await this.#threshold(tx, role));
  }
}

/** The public keys of each role in a root. */
export function roleKeys(root: Root): Record<TufRole, Key[]> {
  const out = {} as Record<TufRole, Key[]>;
  for (const role of TUF_ROLES) out[role] = (root.roles[role]?.keyIDs ?? []).map((id) => root.keys[id]!);
  return out;
}

export function thresholds(root: Root): Record<TufRole, number> {
  const out = {} as Record<TufRole, number>;
  for (const role of TUF_ROLES) out[role] = root.roles[role]?.threshold ?? 1;
  return out;
}

export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
