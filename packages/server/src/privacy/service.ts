import type { TelemetryValue } from '@fleetward/protocol';
import type { Context } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import {
  cryptoUniform,
  runAggregate,
  type AggregateQuery,
  type AggregateResult,
  type UniformSource,
} from './aggregate/index.js';
import { CatalogRegistry, type CatalogDeclaration, type ModelCatalog } from './catalog/index.js';
import {
  assignDevice,
  createOwner,
  recordConsent,
  type ConsentChange,
  type ConsentProfile,
  type ConsentReceipt,
  type NewOwner,
  type Owner,
} from './consent/index.js';
import { eraseSubject, exportSubject, type ErasureReport, type SubjectExport } from './dsr/index.js';
import { privacyError } from './errors.js';
import { Minimizer } from './minimize/index.js';
import { buildLabel, type PrivacyLabel } from './notice/index.js';
import { pseudonymousDataset, Pseudonyms, type DatasetQuery, type DatasetRow } from './pseudonym/index.js';
import { runRetention, type RetentionEvidence } from './retention/index.js';

export interface PrivacyOptions {
  /** Seals the pseudonym keys under the master key. */
  readonly sealer: Sealer;
  /** The data controller named in consent receipts. */
  readonly controller?: string;
  /** Profile of owners whose region has none, and of devices without an owner. Default `opt-in`. */
  readonly fallbackProfile?: ConsentProfile;
  /** Minimum group size of aggregates (default 10). */
  readonly k?: number;
  /** Epsilon per dataset (default 1). */
  readonly defaultBudget?: number;
  /** Uniform source of the DP noise (default: node:crypto). */
  readonly uniform?: UniformSource;
  /**
   * How long a cached ingest decision lives (default 30 s): bounds staleness across processes
   * sharing a PostgreSQL store. Infinity when this process is the store's only writer (embedded).
   */
  readonly decisionTtlMs?: number;
}

type Fields = Readonly<Record<string, TelemetryValue>>;

/** Privacy by design (issue 7): the one object the composition root holds. */
export class Privacy {
  readonly catalogs: CatalogRegistry;
  readonly minimizer: Minimizer;
  readonly pseudonyms: Pseudonyms;
  readonly #ctx: Context;
  readonly #o: PrivacyOptions;

  constructor(ctx: Context, options: PrivacyOptions) {
    this.#ctx = ctx;
    this.#o = options;
    this.catalogs = new CatalogRegistry(ctx.store, ctx.clock);
    this.minimizer = new Minimizer({
      store: ctx.store,
      clock: ctx.clock,
      catalog: (m) => this.catalogs.effective(m),
      fallback: this.fallbackProfile,
      ...(options.decisionTtlMs !== undefined ? { ttlMs: options.decisionTtlMs } : {}),
    });
    this.catalogs.onChange(() => this.minimizer.invalidate());
    this.pseudonyms = new Pseudonyms(ctx.store, options.sealer, ctx.clock);
  }

  get fallbackProfile(): ConsentProfile {
    return this.#o.fallbackProfile ?? 'opt-in';
  }

  /** The ingest hook (telemetry IngestOptions.minimize). */
  readonly minimize = (deviceId: string, fields: Fields): Fields | Promise<Fields> =>
    this.minimizer.filter(deviceId, fields);

  async declareCatalog(model: string, decl: CatalogDeclaration, actor: string): Promise<ModelCatalog> {
    const catalog = await this.#ctx.store.transaction(async (tx) => {
      const c = await this.catalogs.declare(model, decl, tx);
      await this.#ctx.audit.append(
        { actor, action: 'privacy.catalog.declare', target: `model:${model}`, details: { version: c.version } },
        tx,
      );
      return c;
    });
    this.catalogs.changed(model);
    return catalog;
  }

  async catalog(model: string): Promise<ModelCatalog> {
    const c = await this.catalogs.get(model);
    if (!c) throw privacyError('FW_PRIVACY_MODEL_UNKNOWN', `no catalog for ${model}`);
    return c;
  }

  createOwner(input: NewOwner, actor: string): Promise<Owner> {
    return createOwner(this.#ctx, input, actor);
  }

  async assignDevice(ownerId: string, deviceId: string, actor: string): Promise<void> {
    await assignDevice(this.#ctx, ownerId, deviceId, actor);
    this.minimizer.invalidate(deviceId);
  }

  /** Give or withdraw: effective for the device's next message. */
  async consent(change: ConsentChange, actor: string): Promise<ConsentReceipt> {
    const env = {
      controller: this.#o.controller ?? 'Fleetward operator',
      fallbackProfile: this.fallbackProfile,
      catalogOf: (m: string) => this.catalogs.get(m),
    };
    const receipt = await recordConsent(this.#ctx, env, change, actor);
    this.minimizer.invalidate(change.deviceId);
    return receipt;
  }

  exportSubject(ownerId: string, actor: string): Promise<SubjectExport> {
    return exportSubject(this.#ctx, ownerId, actor);
  }

  async eraseSubject(ownerId: string, actor: string): Promise<ErasureReport> {
    const report = await eraseSubject(this.#ctx, ownerId, actor);
    for (const d of report.devices) this.minimizer.invalidate(d);
    return report;
  }

  async aggregate(q: AggregateQuery, actor: string): Promise<AggregateResult> {
    const result = await runAggregate(
      {
        store: this.#ctx.store,
        clock: this.#ctx.clock,
        uniform: this.#o.uniform ?? cryptoUniform,
        k: this.#o.k ?? 10,
        defaultBudget: this.#o.defaultBudget ?? 1,
        catalog: (m) => this.catalogs.effective(m),
        decision: (d) => this.minimizer.decision(d),
      },
      q,
    );
    await this.#ctx.audit.append({
      actor,
      action: 'privacy.aggregate',
      target: `dataset:${result.dataset}`,
      details: { statistic: q.statistic, epsilon: q.epsilon, remaining: result.epsilonRemaining },
    });
    return result;
  }

  runRetention(batchSize?: number): Promise<RetentionEvidence> {
    return runRetention(this.#ctx, { catalog: (m) => this.catalogs.effective(m), ...(batchSize ? { batchSize } : {}) });
  }

  async rotateKey(purpose: string, actor: string): Promise<number> {
    const version = await this.pseudonyms.rotate(purpose);
    await this.#ctx.audit.append({
      actor,
      action: 'privacy.key.rotate',
      target: `purpose:${purpose}`,
      details: { version },
    });
    return version;
  }

  dataset(q: DatasetQuery): Promise<DatasetRow[]> {
    return pseudonymousDataset(this.#ctx.store, this.pseudonyms, (d) => this.minimizer.decision(d), q);
  }

  /** Audits a read of personal data made through a route. */
  async audited(actor: string, action: string, target: string, details: Record<string, unknown>): Promise<void> {
    await this.#ctx.audit.append({ actor, action, target, details });
  }

  async label(model: string): Promise<PrivacyLabel> {
    return buildLabel(await this.catalog(model));
  }
}
