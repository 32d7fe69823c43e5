import type { Context } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import { updatesError } from './errors.js';
import { exportPrivatePem, generateTufKey, TUF_ROLES, type TufKey, type TufRole } from './keys.js';
import { newRoot, parseRoot } from './metadata.js';
import { dropPrivateKey, loadKeys, retireKeys, saveKey } from './records.js';
import { roleKeys, thresholds, type TufRepository } from './repository.js';

/**
 * Root rotation with keys on the server (spec §6.1 "root key rotation"): new keys for the
 * given roles, root N+1 signed by the current root keys (threshold of N) and the new ones
 * (threshold of N+1); snapshot and timestamp re-signed so clients see the change at once.
 */
export async function rotateRoot(
  repo: TufRepository,
  ctx: Context,
  sealer: Sealer,
  roles: readonly TufRole[],
  actor: string,
): Promise<number> {
  return repo.transaction(async (tx) => {
    const now = ctx.clock.now();
    const current = (await repo.root(tx)).signed;
    const keys = roleKeys(current);
    const fresh = new Map<TufRole, TufKey>();
    for (const role of roles) {
      const key = generateTufKey();
      fresh.set(role, key);
      await saveKey(tx, sealer, role, key, now);
      keys[role] = [key.publicKey];
    }
    const next = newRoot(current.version + 1, now, keys, thresholds(current));
    // The old root keys sign too: they are retired only once N+1 is stored.
    await repo.writeRoot(tx, next, fresh.has('root') ? [fresh.get('root')!] : []);
    for (const [role, key] of fresh) await retireKeys(tx, role, [key.keyId], now);
    await repo.resignAfterRoot(tx);
    await ctx.audit.append(
      { actor, action: 'tuf.root.rotate', target: `tuf:root:${next.version}`, details: { roles } },
      tx,
    );
    return next.version;
  });
}

/**
 * Takes a root signed outside the server (the offline root flow): it must be version N+1,
 * signed by the threshold of N and of itself, unexpired, use consistent snapshots, and the
 * online roles (snapshot, timestamp) must name keys the server holds.
 */
export async function acceptRoot(
  repo: TufRepository,
  ctx: Context,
  sealer: Sealer,
  body: Buffer,
  actor: string,
): Promise<number> {
  return repo.transaction(async (tx) => {
    const now = ctx.clock.now();
    const current = await repo.root(tx);
    let next;
    try {
      next = parseRoot(body);
      current.verifyDelegate('root', next);
      next.verifyDelegate('root', next);
    } catch (cause) {
      throw updatesError('FW_TUF_ROOT_INVALID', 'the root does not parse or is not signed by both thresholds', {
        cause,
      });
    }
    const root = next.signed;
    if (root.version !== current.signed.version + 1)
      throw updatesError('FW_TUF_ROOT_INVALID', `expected version ${current.signed.version + 1}`);
    if (root.isExpired(now)) throw updatesError('FW_TUF_ROOT_INVALID', 'the root is expired');
    if (!root.consistentSnapshot) throw updatesError('FW_TUF_ROOT_INVALID', 'the repository uses consistent snapshots');
    const keys = roleKeys(root);
    for (const role of ['snapshot', 'timestamp'] as const) {
      const held = (await loadKeys(tx, sealer, role)).filter(
        (k) => k.privateKey && root.roles[role]!.keyIDs.includes(k.keyId),
      );
      if (held.length < root.roles[role]!.threshold) {
        throw updatesError('FW_TUF_ROOT_INVALID', `the server holds no ${role} key named by the new root`);
      }
    }
    for (const role of TUF_ROLES) {
      for (const key of keys[role]) await saveKey(tx, sealer, role, { keyId: key.keyID, publicKey: key }, now);
      await retireKeys(tx, role, root.roles[role]!.keyIDs, now);
    }
    await repo.storeRoot(tx, body, root);
    await repo.resignAfterRoot(tx);
    await ctx.audit.append({ actor, action: 'tuf.root.upload', target: `tuf:root:${root.version}` }, tx);
    return root.version;
  });
}

/**
 * Exports a role's private keys as PKCS#8 PEM, to keep offline; with `remove` the server then
 * forgets them (the role can only be signed outside the server from then on).
 */
export async function exportRoleKeys(
  repo: TufRepository,
  ctx: Context,
  sealer: Sealer,
  role: TufRole,
  remove: boolean,
  actor: string,
): Promise<string[]> {
  if (role === 'snapshot' || role === 'timestamp') {
    throw updatesError('FW_TUF_KEY_INVALID', `the ${role} key is online by design and is not exported`);
  }
  return repo.transaction(async (tx) => {
    const keys = (await loadKeys(tx, sealer, role)).filter((k) => k.privateKey);
    if (keys.length === 0) throw updatesError('FW_TUF_KEY_OFFLINE', `no ${role} key is on the server`);
    const pems = keys.map(exportPrivatePem);
    if (remove) for (const k of keys) await dropPrivateKey(tx, k.keyId);
    await ctx.audit.append(
      { actor, action: 'tuf.key.export', target: `tuf:${role}`, details: { keyIds: keys.map((k) => k.keyId), remove } },
      tx,
    );
    return pems;
  });
}
