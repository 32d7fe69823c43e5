import type { Context } from '../../kernel/index.js';
import type { EffectiveCatalog } from '../catalog/index.js';
import { dropChunkField, dropChunkRecords, type ChunkStep } from './chunks.js';

const DAY_MS = 86_400_000;

/** What one run removed, as counts: the evidence (never values). */
export interface RetentionEvidence {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly batchSize: number;
  readonly batches: number;
  readonly models: ReadonlyArray<{
    readonly model: string;
    /** Values removed per field, past the field's retention. */
    readonly fields: Readonly<Record<string, number>>;
    /** Records deleted: older than every retention of the model, or emptied and past 30 days. */
    readonly records: number;
  }>;
}

export interface RetentionOptions {
  readonly catalog: (model: string) => Promise<EffectiveCatalog>;
  readonly batchSize?: number;
}

/**
 * Storage limitation (GDPR Art. 5(1)(e); ETSI EN 303 645 6-5 … 6-7): each field's value goes
 * when it is older than its catalog retention; a record goes when it is older than the longest
 * retention of its model, or when it has no field left (its message id and times are kept 30
 * days at most, the device-health retention). Works in batches so ingest is never blocked for
 * long; records the counts as evidence (privacy_retention_runs and the audit log).
 */
export async function runRetention(ctx: Context, options: RetentionOptions): Promise<RetentionEvidence> {
  const batchSize = options.batchSize ?? 1000;
  const startedAt = ctx.clock.now();
  const now = startedAt.getTime();
  let batches = 0;
  const models: Array<RetentionEvidence['models'][number]> = [];
  const r = await ctx.store.query<{ model: string }>('select distinct model from devices order by model');
  for (const { model } of r.rows) {
    const { fields } = await options.catalog(model);
    const removed: Record<string, number> = {};
    let longest = 30;
    for (const f of fields.values()) {
      longest = Math.max(longest, f.retentionDays);
      const cutoff = new Date(now - f.retentionDays * DAY_MS);
      let n = await inBatches(batchSize, () => {
        batches++;
        return ctx.store.query(
          `update telemetry_rows set fields = fields - $3 where id in (
             select t.id from telemetry_rows t join devices d on d.id = t.device_id
             where d.model = $1 and t.received_at < $2 and t.fields ? $3 limit $4)`,
          [model, cutoff, f.name, batchSize],
        );
      });
      n += await inChunkBatches(batchSize, () => {
        batches++;
        return dropChunkField(ctx.store, model, cutoff, f.name, batchSize);
      });
      if (n > 0) removed[f.name] = n;
    }
    const before = new Date(now - longest * DAY_MS);
    const emptyBefore = new Date(now - 30 * DAY_MS);
    let records = await inBatches(batchSize, () => {
      batches++;
      return ctx.store.query(
        `delete from telemetry_rows where id in (
           select t.id from telemetry_rows t join devices d on d.id = t.device_id
           where d.model = $1 and (t.received_at < $2 or (t.received_at < $3 and t.fields = '{}'::jsonb)) limit $4)`,
        [model, before, emptyBefore, batchSize],
      );
    });
    records += await inChunkBatches(batchSize, () => {
      batches++;
      return dropChunkRecords(ctx.store, model, before, emptyBefore, batchSize);
    });
    if (records > 0 || Object.keys(removed).length > 0) models.push({ model, fields: removed, records });
  }
  const evidence: RetentionEvidence = {
    startedAt: startedAt.toISOString(),
    finishedAt: ctx.clock.now().toISOString(),
    batchSize,
    batches,
    models,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.query('insert into privacy_retention_runs (started_at, finished_at, evidence) values ($1, $2, $3)', [
      evidence.startedAt,
      evidence.finishedAt,
      JSON.stringify(evidence),
    ]);
    await ctx.audit.append(
      { actor: 'system', action: 'privacy.retention.run', target: 'telemetry', details: { models: evidence.models } },
      tx,
    );
  });
  return evidence;
}

/** Chunk steps until one touches fewer than `size` chunks; the records or values they removed. */
async function inChunkBatches(size: number, step: () => Promise<ChunkStep>): Promise<number> {
  let total = 0;
  for (;;) {
    const { chunks, removed } = await step();
    total += removed;
    if (chunks < size) return total;
  }
}

async function inBatches(size: number, step: () => Promise<{ rowCount: number }>): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await step();
    total += rowCount;
    if (rowCount < size) return total;
  }
}

/** The newest runs' evidence, newest first. */
export async function listRetentionRuns(ctx: Pick<Context, 'store'>, limit = 20): Promise<RetentionEvidence[]> {
  const r = await ctx.store.query<{ evidence: RetentionEvidence | string }>(
    'select evidence from privacy_retention_runs order by id desc limit $1',
    [limit],
  );
  return r.rows.map((x) =>
    typeof x.evidence === 'string' ? (JSON.parse(x.evidence) as RetentionEvidence) : x.evidence,
  );
}
