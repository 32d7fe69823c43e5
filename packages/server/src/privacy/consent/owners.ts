import { randomBytes } from 'node:crypto';
import { randomId, type Context } from '../../kernel/index.js';
import type { Sql } from '../../store/index.js';
import { fleetError } from '../../fleet/index.js';
import { privacyError } from '../errors.js';

export interface Owner {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly region: string;
  readonly createdAt: string;
  /** How the audit log names this owner; unlinkable once the owner is erased. */
  readonly auditRef: string;
}

export interface NewOwner {
  readonly name: string;
  readonly email?: string | undefined;
  readonly region: string;
}

interface OwnerRow {
  id: string;
  audit_ref: string;
  name: string;
  email: string | null;
  region: string;
  created_at: Date | string;
}

function toOwner(r: OwnerRow): Owner {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    region: r.region,
    createdAt: new Date(r.created_at).toISOString(),
    auditRef: r.audit_ref,
  };
}

/** Audit targets name owners by a random reference, never by name, e-mail or id (GDPR Art. 17 + log integrity). */
export function ownerTarget(o: Pick<Owner, 'auditRef'>): string {
  return `subject:${o.auditRef}`;
}

export async function createOwner(ctx: Context, input: NewOwner, actor: string): Promise<Owner> {
  const owner: Owner = {
    id: randomId('own'),
    name: input.name,
    email: input.email ?? null,
    region: input.region,
    createdAt: ctx.clock.now().toISOString(),
    auditRef: randomBytes(16).toString('base64url'),
  };
  await ctx.store.transaction(async (tx) => {
    await tx.query(
      'insert into privacy_owners (id, audit_ref, name, email, region, created_at) values ($1, $2, $3, $4, $5, $6)',
      [owner.id, owner.auditRef, owner.name, owner.email, owner.region, owner.createdAt],
    );
    await ctx.audit.append(
      { actor, action: 'privacy.owner.create', target: ownerTarget(owner), details: { region: owner.region } },
      tx,
    );
  });
  return owner;
}

export async function getOwner(sql: Sql, id: string): Promise<Owner> {
  const r = await sql.query<OwnerRow>('select * from privacy_owners where id = $1', [id]);
  const row = r.rows[0];
  if (!row) throw privacyError('FW_PRIVACY_OWNER_NOT_FOUND', `no owner ${id}`);
  return toOwner(row);
}

export async function listOwners(sql: Sql): Promise<Owner[]> {
  const r = await sql.query<OwnerRow>('select * from privacy_owners order by created_at, id');
  return r.rows.map(toOwner);
}

/** The owner's devices, by id. */
export async function ownedDevices(sql: Sql, ownerId: string): Promise<string[]> {
  const r = await sql.query<{ device_id: string }>(
    'select device_id from privacy_device_owners where owner_id = $1 order by device_id',
    [ownerId],
  );
  return r.rows.map((x) => x.device_id);
}

/** Makes `ownerId` the data subject of a device (replacing a previous owner). */
export async function assignDevice(ctx: Context, ownerId: string, deviceId: string, actor: string): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const owner = await getOwner(tx, ownerId);
    const known = await tx.query('select 1 from devices where id = $1', [deviceId]);
    if (known.rows.length === 0) throw fleetError('FW_DEVICE_NOT_FOUND', `no device ${deviceId}`);
    await tx.query(
      `insert into privacy_device_owners (device_id, owner_id, assigned_at) values ($1, $2, $3)
       on conflict (device_id) do update set owner_id = excluded.owner_id, assigned_at = excluded.assigned_at`,
      [deviceId, ownerId, ctx.clock.now()],
    );
    await ctx.audit.append(
      { actor, action: 'privacy.device.assign', target: `device:${deviceId}`, details: { owner: owner.auditRef } },
      tx,
    );
  });
}
