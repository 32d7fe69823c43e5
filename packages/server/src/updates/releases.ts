import { firmwarePublicKey, formatVersion, parseImage, verifyImage, type FirmwarePublicKey } from '@fleetward/protocol';
import type { Context } from '../kernel/index.js';
import type { Sql } from '../store/index.js';
import { updatesError } from './errors.js';
import { sha256Hex, type TufRepository } from './repository.js';

/** Hardware model names: they become part of target names and URLs. */
export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Release {
  readonly name: string;
  readonly model: string;
  readonly version: string;
  readonly securityCounter: number;
  readonly sha256: string;
  readonly length: number;
  readonly notes: string | null;
  readonly publishedBy: string;
  readonly publishedAt: string;
  /** True while the targets key is offline and no uploaded targets metadata names it yet. */
  readonly staged: boolean;
}

/** Registers (or replaces) the public key a model's images must be signed with. */
export async function registerFirmwareKey(ctx: Context, model: string, pem: string, actor: string): Promise<void> {
  let key: FirmwarePublicKey;
  try {
    key = firmwarePublicKey(pem);
  } catch (cause) {
    throw updatesError('FW_FIRMWARE_KEY_INVALID', 'not an ECDSA P-256 or Ed25519 public key PEM', { cause });
  }
  await ctx.store.transaction(async (tx) => {
    await tx.query(
      `insert into firmware_keys (model, pem, created_at) values ($1, $2, $3)
       on conflict (model) do update set pem = excluded.pem, created_at = excluded.created_at`,
      [model, pem, ctx.clock.now()],
    );
    await ctx.audit.append(
      { actor, action: 'firmware.key.register', target: `model:${model}`, details: { type: key.type } },
      tx,
    );
  });
}

async function firmwareKeyOf(db: Sql, model: string): Promise<FirmwarePublicKey> {
  const r = await db.query<{ pem: string }>('select pem from firmware_keys where model = $1', [model]);
  if (!r.rows[0]) throw updatesError('FW_FIRMWARE_KEY_UNKNOWN', `no firmware key for model ${model}`);
  return firmwarePublicKey(r.rows[0].pem);
}

/**
 * Publishes an image as a TUF target `<model>-<version>.img` with custom metadata model,
 * version and security counter, all read from the image after its signature verifies against
 * the model's firmware key (the author's signature; TUF adds the repository's). When the
 * targets key is offline the image is stored as a staged target instead: it reaches clients
 * once targets metadata signed outside the server names it (`acceptTargets`).
 */
export async function publishRelease(
  repo: TufRepository,
  ctx: Context,
  image: Uint8Array,
  model: string,
  notes: string | undefined,
  actor: string,
): Promise<Release> {
  const key = await firmwareKeyOf(ctx.store, model);
  let verified;
  try {
    parseImage(image);
    verified = await verifyImage(image, key);
  } catch (cause) {
    throw updatesError('FW_RELEASE_IMAGE_INVALID', `the image does not verify for model ${model}`, { cause });
  }
  const version = formatVersion(verified.version);
  const securityCounter = verified.securityCounter ?? 0;
  const name = `${model}-${version}.img`;
  const sha256 = sha256Hex(image);
  const at = ctx.clock.now();
  const staged = await repo.transaction(async (tx) => {
    const dup = await tx.query('select 1 from tuf_targets where name = $1 or sha256 = $2', [name, sha256]);
    if (dup.rows.length > 0) throw updatesError('FW_RELEASE_EXISTS', `${name} or these bytes are already published`);
    const offline = !(await repo.online(tx, 'targets'));
    await tx.query(
      `insert into tuf_targets (name, sha256, length, body, model, version, security_counter, notes, published_by, created_at, staged)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [name, sha256, image.length, image, model, version, securityCounter, notes ?? null, actor, at, offline],
    );
    if (!offline) await repo.addTarget(tx, name, image, { model, version, securityCounter });
    await ctx.audit.append(
      {
        actor,
        action: offline ? 'release.stage' : 'release.publish',
        target: `release:${name}`,
        details: { model, version, securityCounter, sha256 },
      },
      tx,
    );
    return offline;
  });
  return {
    name,
    model,
    version,
    securityCounter,
    sha256,
    length: image.length,
    notes: notes ?? null,
    publishedBy: actor,
    publishedAt: at.toISOString(),
    staged,
  };
}

interface ReleaseRow {
  name: string;
  model: string;
  version: string;
  security_counter: number;
  sha256: string;
  length: number;
  notes: string | null;
  published_by: string;
  created_at: Date;
  staged: boolean;
}

/** Published releases; staged ones (not yet in signed targets metadata) only with `includeStaged`. */
export async function listReleases(db: Sql, model?: string, includeStaged = false): Promise<Release[]> {
  const r = await db.query<ReleaseRow>(
    `select name, model, version, security_counter, sha256, length, notes, published_by, created_at, staged
     from tuf_targets where ($1::text is null or model = $1) and ($2 or not staged) order by created_at, name`,
    [model ?? null, includeStaged],
  );
  return r.rows.map((row) => ({
    name: row.name,
    model: row.model,
    version: row.version,
    securityCounter: row.security_counter,
    sha256: row.sha256,
    length: row.length,
    notes: row.notes,
    publishedBy: row.published_by,
    publishedAt: new Date(row.created_at).toISOString(),
    staged: row.staged,
  }));
}
