import { createPrivateKey } from 'node:crypto';
import { Key } from '@tufjs/models';
import type { Sealer } from '../secrets/index.js';
import type { Sql } from '../store/index.js';
import type { TufKey, TufRole } from './keys.js';

interface KeyRow {
  key_id: string;
  public_json: Record<string, unknown>;
  key_enc: Uint8Array | null;
}

/** The seal name binds a sealed private key to its key ID. */
const sealName = (keyId: string) => `tuf_keys/${keyId}`;

/** The live (not retired) keys of a role, private halves opened when on the server. */
export async function loadKeys(db: Sql, sealer: Sealer, role: TufRole): Promise<TufKey[]> {
  const r = await db.query<KeyRow>(
    'select key_id, public_json, key_enc from tuf_keys where role = $1 and retired_at is null order by created_at, key_id',
    [role],
  );
  return r.rows.map((row) => ({
    keyId: row.key_id,
    publicKey: Key.fromJSON(row.key_id, row.public_json as never),
    ...(row.key_enc
      ? {
          privateKey: createPrivateKey({
            key: sealer.open(sealName(row.key_id), row.key_enc),
            format: 'der',
            type: 'pkcs8',
          }),
        }
      : {}),
  }));
}

/** Stores a key; its private half sealed, or nothing of it when `offline`. */
export async function saveKey(db: Sql, sealer: Sealer, role: TufRole, key: TufKey, at: Date): Promise<void> {
  const der = key.privateKey?.export({ format: 'der', type: 'pkcs8' });
  await db.query(
    `insert into tuf_keys (key_id, role, public_json, key_enc, created_at) values ($1, $2, $3, $4, $5)
     on conflict (key_id) do update set key_enc = coalesce(excluded.key_enc, tuf_keys.key_enc), retired_at = null`,
    [key.keyId, role, JSON.stringify(key.publicKey.toJSON()), der ? sealer.seal(sealName(key.keyId), der) : null, at],
  );
}

/** Forgets a key's private half: from now on it signs only outside the server. */
export async function dropPrivateKey(db: Sql, keyId: string): Promise<void> {
  await db.query('update tuf_keys set key_enc = null where key_id = $1', [keyId]);
}

export async function retireKeys(db: Sql, role: TufRole, keep: readonly string[], at: Date): Promise<void> {
  await db.query(
    'update tuf_keys set retired_at = $3 where role = $1 and retired_at is null and not (key_id = any($2))',
    [role, keep, at],
  );
}

export interface MetadataRow {
  readonly version: number;
  readonly body: Buffer;
  readonly expires: Date;
}

/** The newest version of a role's metadata. */
export async function latestMetadata(db: Sql, role: TufRole): Promise<MetadataRow | undefined> {
  const r = await db.query<{ version: number; body: Uint8Array; expires: Date }>(
    'select version, body, expires from tuf_metadata where role = $1 order by version desc limit 1',
    [role],
  );
  const row = r.rows[0];
  return row && { version: row.version, body: Buffer.from(row.body), expires: new Date(row.expires) };
}

export async function metadataVersion(db: Sql, role: TufRole, version: number): Promise<Buffer | undefined> {
  const r = await db.query<{ body: Uint8Array }>('select body from tuf_metadata where role = $1 and version = $2', [
    role,
    version,
  ]);
  return r.rows[0] && Buffer.from(r.rows[0].body);
}

export async function insertMetadata(db: Sql, role: TufRole, version: number, body: Buffer, expires: Date, at: Date) {
  await db.query('insert into tuf_metadata (role, version, body, expires, created_at) values ($1, $2, $3, $4, $5)', [
    role,
    version,
    body,
    expires,
    at,
  ]);
}
