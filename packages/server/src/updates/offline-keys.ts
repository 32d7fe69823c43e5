import { Metadata, MetadataKind, type Targets } from '@tufjs/models';
import type { Context } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import { updatesError } from './errors.js';
import { signerOf, tufKeyFromPem, type TufKey } from './keys.js';
import { withStaged } from './offline-targets.js';
import { saveKey } from './records.js';
import type { TufRepository } from './repository.js';

const PEM = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g;

/** Every PKCS#8 PEM key in a key file (`tuf export-key` writes one per role key). */
export function keysFromPemFile(text: string): TufKey[] {
  const pems = text.match(PEM) ?? [];
  if (pems.length === 0) throw updatesError('FW_TUF_KEY_INVALID', 'no PKCS#8 private key in the file');
  return pems.map((pem) => tufKeyFromPem(pem));
}

/**
 * Signs targets metadata outside the server (the offline targets key): Ed25519 over the
 * canonical JSON of `signed` by @tufjs/models (spec §4.2), each key's signature appended to those
 * already there, so that several holders can each add theirs up to the threshold.
 */
export function signTargetsOffline(pending: unknown, keys: readonly TufKey[]): Record<string, unknown> {
  let metadata: Metadata<Targets>;
  try {
    metadata = Metadata.fromJSON(MetadataKind.Targets, pending as never);
  } catch (cause) {
    throw updatesError('FW_TUF_TARGETS_INVALID', 'not TUF targets metadata', { cause });
  }
  for (const key of keys) metadata.sign(signerOf(key), true);
  return metadata.toJSON();
}

/**
 * Puts an exported root or targets key back on the server (it must be a key the current root
 * names for the role); with the targets key back online, staged targets are signed at once.
 */
export async function importRoleKey(
  repo: TufRepository,
  ctx: Context,
  sealer: Sealer,
  role: 'root' | 'targets',
  pem: string,
  actor: string,
): Promise<{ keyIds: string[]; targetsSigned: boolean }> {
  const keys = keysFromPemFile(pem);
  return repo.transaction(async (tx) => {
    const named = (await repo.root(tx)).signed.roles[role]?.keyIDs ?? [];
    for (const key of keys) {
      if (!named.includes(key.keyId)) {
        throw updatesError('FW_TUF_KEY_NOT_IN_ROOT', `key ${key.keyId} is not a ${role} key of the current root`);
      }
      await saveKey(tx, sealer, role, key, ctx.clock.now());
    }
    const targetsSigned = role === 'targets' && (await repo.online(tx, 'targets'));
    if (targetsSigned) await repo.signTargets(tx, await withStaged(tx));
    if (targetsSigned) await tx.query('update tuf_targets set staged = false');
    const keyIds = keys.map((k) => k.keyId);
    await ctx.audit.append(
      { actor, action: 'tuf.key.import', target: `tuf:${role}`, details: { keyIds, targetsSigned } },
      tx,
    );
    return { keyIds, targetsSigned };
  });
}
