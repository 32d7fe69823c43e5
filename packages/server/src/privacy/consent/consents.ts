import { randomId, type Context } from '../../kernel/index.js';
import type { Sql } from '../../store/index.js';
import { PURPOSES, type ModelCatalog } from '../catalog/index.js';
import { privacyError } from '../errors.js';
import { getOwner, ownerTarget } from './owners.js';
import { profileFor, type ConsentProfile, type ConsentState } from './profiles.js';
import { buildReceipt, type ConsentReceipt } from './receipt.js';

export interface ConsentChange {
  readonly ownerId: string;
  readonly deviceId: string;
  readonly purpose: string;
  readonly state: 'given' | 'withdrawn';
  /** Limit a consent to some data categories (e.g. only `user.location.imprecise`). */
  readonly categories?: readonly string[] | undefined;
  /** How it was expressed: `api`, `cli`, `app`, `device-button` … */
  readonly mechanism: string;
}

export interface ConsentEnv {
  readonly controller: string;
  readonly fallbackProfile: ConsentProfile;
  readonly catalogOf: (model: string) => Promise<ModelCatalog | undefined>;
}

/**
 * Records one consent event (given or withdrawn: the same call, GDPR Art. 7(3)) with its
 * ISO/IEC TS 27560 receipt, and audits it. The caller invalidates cached decisions.
 */
export async function recordConsent(
  ctx: Context,
  env: ConsentEnv,
  change: ConsentChange,
  actor: string,
): Promise<ConsentReceipt> {
  if (!PURPOSES.has(change.purpose))
    throw privacyError('FW_PRIVACY_PURPOSE_UNKNOWN', `unknown purpose ${change.purpose}`);
  // The catalog is read before the transaction: PGlite has one connection, and the registry
  // reads through the store, not the transaction.
  const known = await ctx.store.query<{ model: string }>('select model from devices where id = $1', [change.deviceId]);
  const catalog = known.rows[0] ? await env.catalogOf(known.rows[0].model) : undefined;
  return ctx.store.transaction(async (tx) => {
    const owner = await getOwner(tx, change.ownerId);
    const d = await tx.query<{ model: string }>(
      `select d.model from devices d join privacy_device_owners o on o.device_id = d.id
       where d.id = $1 and o.owner_id = $2`,
      [change.deviceId, owner.id],
    );
    const model = d.rows[0]?.model;
    if (model === undefined) throw privacyError('FW_PRIVACY_DEVICE_NOT_OWNED', `${change.deviceId} is not the owner's`);
    const categories = change.categories ?? null;
    const at = ctx.clock.now();
    const receipt = buildReceipt({
      recordId: randomId('cr'),
      subjectRef: owner.auditRef,
      controller: env.controller,
      purpose: change.purpose,
      categories: categories ?? [
        ...new Set((catalog?.fields ?? []).filter((f) => f.purposes.includes(change.purpose)).map((f) => f.category)),
      ],
      device: change.deviceId,
      state: change.state,
      at,
      model,
      noticeVersion: catalog?.version ?? 0,
      mechanism: change.mechanism,
      region: owner.region,
      optOut: profileFor(owner.region, env.fallbackProfile) === 'opt-out',
    });
    await tx.query(
      `insert into privacy_consents (receipt_id, owner_id, device_id, purpose, state, categories, at, receipt)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        receipt.record_id,
        owner.id,
        change.deviceId,
        change.purpose,
        change.state,
        categories === null ? null : JSON.stringify(categories),
        at,
        JSON.stringify(receipt),
      ],
    );
    await ctx.audit.append(
      {
        actor,
        action: change.state === 'given' ? 'privacy.consent.give' : 'privacy.consent.withdraw',
        target: ownerTarget(owner),
        details: { device: change.deviceId, purpose: change.purpose, receipt: receipt.record_id },
      },
      tx,
    );
    return receipt;
  });
}

/** Every receipt of an owner, oldest first. */
export async function listReceipts(sql: Sql, ownerId: string): Promise<ConsentReceipt[]> {
  const r = await sql.query<{ receipt: ConsentReceipt | string }>(
    'select receipt from privacy_consents where owner_id = $1 order by seq',
    [ownerId],
  );
  return r.rows.map((x) => (typeof x.receipt === 'string' ? (JSON.parse(x.receipt) as ConsentReceipt) : x.receipt));
}

/** The newest event per purpose for one owner and device. */
export async function currentConsents(sql: Sql, ownerId: string, deviceId: string): Promise<Map<string, ConsentState>> {
  const r = await sql.query<{ purpose: string; state: 'given' | 'withdrawn'; categories: string[] | string | null }>(
    `select distinct on (purpose) purpose, state, categories from privacy_consents
     where owner_id = $1 and device_id = $2 order by purpose, seq desc`,
    [ownerId, deviceId],
  );
  return new Map(
    r.rows.map((x) => [
      x.purpose,
      {
        state: x.state,
        categories: typeof x.categories === 'string' ? (JSON.parse(x.categories) as string[]) : x.categories,
      },
    ]),
  );
}
