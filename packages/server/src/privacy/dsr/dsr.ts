import type { Context } from '../../kernel/index.js';
import { getOwner, listReceipts, ownerTarget, type ConsentReceipt } from '../consent/index.js';

export interface SubjectExport {
  readonly format: 'fleetward-subject-export/1';
  readonly generatedAt: string;
  readonly owner: {
    readonly id: string;
    readonly name: string;
    readonly email: string | null;
    readonly region: string;
    readonly createdAt: string;
  };
  readonly devices: ReadonlyArray<{ readonly id: string; readonly model: string; readonly assignedAt: string }>;
  readonly consents: readonly ConsentReceipt[];
  readonly telemetry: ReadonlyArray<{
    readonly deviceId: string;
    readonly messageId: string | null;
    readonly receivedAt: string;
    readonly deviceTime: string | null;
    readonly fields: Record<string, unknown>;
  }>;
}

interface TelemetryRow {
  device_id: string;
  message_id: string | null;
  received_at: Date | string;
  device_time: Date | string | null;
  fields: Record<string, unknown> | string;
}

/** GDPR Art. 15 and 20: everything about an owner, machine-readable, in one answer. */
export async function exportSubject(ctx: Context, ownerId: string, actor: string): Promise<SubjectExport> {
  return ctx.store.transaction(async (tx) => {
    const owner = await getOwner(tx, ownerId);
    const devices = await tx.query<{ id: string; model: string; assigned_at: Date | string }>(
      `select d.id, d.model, a.assigned_at from privacy_device_owners a join devices d on d.id = a.device_id
       where a.owner_id = $1 order by d.id`,
      [owner.id],
    );
    const rows = await tx.query<TelemetryRow>(
      `select t.device_id, t.message_id, t.received_at, t.device_time, t.fields from telemetry t
       join privacy_device_owners a on a.device_id = t.device_id where a.owner_id = $1
       order by t.device_id, t.received_at, t.id, t.ord`,
      [owner.id],
    );
    const consents = await listReceipts(tx, owner.id);
    await ctx.audit.append(
      {
        actor,
        action: 'privacy.subject.export',
        target: ownerTarget(owner),
        details: { devices: devices.rows.length, records: rows.rows.length, consents: consents.length },
      },
      tx,
    );
    return {
      format: 'fleetward-subject-export/1',
      generatedAt: ctx.clock.now().toISOString(),
      owner: { id: owner.id, name: owner.name, email: owner.email, region: owner.region, createdAt: owner.createdAt },
      devices: devices.rows.map((d) => ({
        id: d.id,
        model: d.model,
        assignedAt: new Date(d.assigned_at).toISOString(),
      })),
      consents,
      telemetry: rows.rows.map((r) => ({
        deviceId: r.device_id,
        messageId: r.message_id,
        receivedAt: new Date(r.received_at).toISOString(),
        deviceTime: r.device_time === null ? null : new Date(r.device_time).toISOString(),
        fields: typeof r.fields === 'string' ? (JSON.parse(r.fields) as Record<string, unknown>) : r.fields,
      })),
    };
  });
}

export interface ErasureReport {
  readonly devices: readonly string[];
  readonly records: number;
  readonly consents: number;
}

/**
 * GDPR Art. 17: removes the owner's telemetry, consent records, device assignments and the
 * owner, in one transaction. The audit log is not touched (its chain still verifies): it only
 * ever named the owner by `audit_ref`, which dies with the owner row, so what remains there —
 * the proof that consent was given and when — no longer links to a person.
 */
export async function eraseSubject(ctx: Context, ownerId: string, actor: string): Promise<ErasureReport> {
  return ctx.store.transaction(async (tx) => {
    const owner = await getOwner(tx, ownerId);
    const owned = await tx.query<{ device_id: string }>(
      'select device_id from privacy_device_owners where owner_id = $1 order by device_id',
      [owner.id],
    );
    const devices = owned.rows.map((r) => r.device_id);
    const rows = await tx.query('delete from telemetry_rows where device_id = any($1::text[])', [devices]);
    const chunked = await tx.query<{ n: number }>(
      `with c as (delete from telemetry_chunks where device_id = any($1::text[]) returning records)
       select coalesce(sum(json_array_length(records::json)), 0)::int as n from c`,
      [devices],
    );
    const records = { rowCount: rows.rowCount + (chunked.rows[0]?.n ?? 0) };
    const consents = await tx.query('delete from privacy_consents where owner_id = $1', [owner.id]);
    await tx.query('delete from privacy_device_owners where owner_id = $1', [owner.id]);
    await tx.query('delete from privacy_owners where id = $1', [owner.id]);
    const report = { devices, records: records.rowCount, consents: consents.rowCount };
    await ctx.audit.append(
      {
        actor,
        action: 'privacy.subject.erase',
        target: ownerTarget(owner),
        details: { devices: devices.length, records: report.records, consents: report.consents },
      },
      tx,
    );
    return report;
  });
}
