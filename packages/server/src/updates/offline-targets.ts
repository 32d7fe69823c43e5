import { isDeepStrictEqual } from 'node:util';
import { Metadata, MetadataKind, type Targets, type TargetFile } from '@tufjs/models';
import type { Context } from '../kernel/index.js';
import type { Sql } from '../store/index.js';
import { updatesError } from './errors.js';
import { newTargets, parseTargets, targetFile } from './metadata.js';
import { latestMetadata } from './records.js';
import type { TufRepository } from './repository.js';

interface StoredTarget {
  name: string;
  sha256: string;
  length: number;
  body: Uint8Array;
  model: string;
  version: string;
  security_counter: number;
  staged: boolean;
}

async function storedTargets(db: Sql, withBody: boolean): Promise<StoredTarget[]> {
  const r = await db.query<StoredTarget>(
    `select name, sha256, length, ${withBody ? 'body' : "''::bytea as body"}, model, version, security_counter, staged
     from tuf_targets order by created_at, name`,
  );
  return r.rows;
}

/**
 * The unsigned targets metadata N+1 the offline targets key must sign: the current targets and
 * every staged one, expiring a full targets lifetime from now (spec §4.5). Its signatures are
 * empty; `signTargetsOffline` adds them.
 */
export async function pendingTargets(repo: TufRepository, ctx: Context): Promise<Record<string, unknown>> {
  return repo.transaction(async (tx) => {
    const current = (await latestMetadata(tx, 'targets'))!;
    return new Metadata(newTargets(current.version + 1, ctx.clock.now(), await withStaged(tx))).toJSON();
  });
}

/** The targets of the newest targets metadata and every staged target. */
export async function withStaged(tx: Sql): Promise<Record<string, TargetFile>> {
  const current = (await latestMetadata(tx, 'targets'))!;
  const targets: Record<string, TargetFile> = { ...parseTargets(current.body).signed.targets };
  for (const t of await storedTargets(tx, true)) {
    if (!t.staged) continue;
    const custom = { model: t.model, version: t.version, securityCounter: t.security_counter };
    targets[t.name] = targetFile(t.name, t.body, custom);
  }
  return targets;
}

/**
 * Takes targets metadata signed outside the server (the offline targets flow, decision 0007):
 * it must be signed by the threshold of the current root's targets keys (spec §5.6.3), be
 * version N+1 (§5.6.5), unexpired (§5.6.6), without delegations, and name only stored releases
 * with their exact length, SHA-256 and custom metadata. Then snapshot and timestamp are
 * re-signed with the online keys; targets it no longer names become staged again.
 */
export async function acceptTargets(
  repo: TufRepository,
  ctx: Context,
  upload: unknown,
  actor: string,
): Promise<{ version: number; targets: string[] }> {
  return repo.transaction(async (tx) => {
    const now = ctx.clock.now();
    let metadata: Metadata<Targets>;
    try {
      metadata = Metadata.fromJSON(MetadataKind.Targets, upload as never);
    } catch (cause) {
      throw updatesError('FW_TUF_TARGETS_INVALID', 'not TUF targets metadata', { cause });
    }
    const signed = metadata.signed;
    if (signed.delegations) throw updatesError('FW_TUF_TARGETS_INVALID', 'delegations are not supported');
    try {
      (await repo.root(tx)).verifyDelegate('targets', metadata);
    } catch (cause) {
      throw updatesError('FW_TUF_TARGETS_UNSIGNED', 'not signed by the threshold of the root targets keys', {
        cause,
      });
    }
    const current = (await latestMetadata(tx, 'targets'))!;
    if (signed.version !== current.version + 1) {
      throw updatesError('FW_TUF_TARGETS_VERSION', `expected version ${current.version + 1}, got ${signed.version}`);
    }
    if (signed.isExpired(now)) throw updatesError('FW_TUF_TARGETS_EXPIRED', `expired at ${signed.expires}`);
    const stored = new Map((await storedTargets(tx, false)).map((t) => [t.name, t]));
    for (const [name, file] of Object.entries(signed.targets)) checkTarget(name, file, stored.get(name));
    const names = Object.keys(signed.targets);
    await repo.storeTargets(tx, Buffer.from(JSON.stringify(upload)), signed);
    await tx.query('update tuf_targets set staged = not (name = any($1))', [names]);
    await ctx.audit.append(
      { actor, action: 'tuf.targets.upload', target: `tuf:targets:${signed.version}`, details: { targets: names } },
      tx,
    );
    return { version: signed.version, targets: names };
  });
}

/** A signed target must be exactly a stored release: what the server serves is what was signed. */
function checkTarget(name: string, file: TargetFile, stored: StoredTarget | undefined): void {
  if (!stored) throw updatesError('FW_TUF_TARGETS_MISMATCH', `${name} is not a stored release`);
  if (file.length !== stored.length || !isDeepStrictEqual({ ...file.hashes }, { sha256: stored.sha256 })) {
    throw updatesError('FW_TUF_TARGETS_MISMATCH', `${name}: length or hashes differ from the stored image`);
  }
  const custom = { model: stored.model, version: stored.version, securityCounter: stored.security_counter };
  if (!isDeepStrictEqual(file.custom, custom) || Object.keys(file.unrecognizedFields).some((k) => k !== 'custom')) {
    throw updatesError('FW_TUF_TARGETS_MISMATCH', `${name}: custom metadata differs from the stored image`);
  }
}
