import type { Clock } from '../../kernel/index.js';
import type { Sql, Store } from '../../store/index.js';
import { BUILTIN_CATALOGS, HEALTH_FIELDS } from './builtin.js';
import type { CatalogDeclaration, CatalogField, ModelCatalog } from './types.js';
import { validateCatalog } from './validate.js';

/** A model's catalog with the device-health fields merged in, by field name. */
export interface EffectiveCatalog {
  readonly catalog: ModelCatalog | undefined;
  readonly fields: ReadonlyMap<string, CatalogField>;
}

/**
 * The catalogs: declared ones (versioned rows in privacy_catalogs, newest wins) over the
 * built-in ones. Kept in memory; `declare` replaces the cached entry and tells listeners.
 */
export class CatalogRegistry {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #cache = new Map<string, EffectiveCatalog>();
  readonly #listeners: Array<(model: string) => void> = [];

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  onChange(listener: (model: string) => void): void {
    this.#listeners.push(listener);
  }

  async get(model: string): Promise<ModelCatalog | undefined> {
    return (await this.effective(model)).catalog;
  }

  async effective(model: string): Promise<EffectiveCatalog> {
    const hit = this.#cache.get(model);
    if (hit) return hit;
    const catalog = (await this.#declared(this.#store, model)) ?? BUILTIN_CATALOGS.find((c) => c.model === model);
    const fields = new Map<string, CatalogField>(HEALTH_FIELDS.map((f) => [f.name, f]));
    for (const f of catalog?.fields ?? []) fields.set(f.name, f);
    const entry = { catalog, fields };
    this.#cache.set(model, entry);
    return entry;
  }

  /** Declared and built-in catalogs, newest version of each model. */
  async list(): Promise<ModelCatalog[]> {
    const r = await this.#store.query<{ model: string }>('select distinct model from privacy_catalogs');
    const models = new Set([...BUILTIN_CATALOGS.map((c) => c.model), ...r.rows.map((x) => x.model)]);
    const out: ModelCatalog[] = [];
    for (const m of [...models].sort()) {
      const c = await this.get(m);
      if (c) out.push(c);
    }
    return out;
  }

  /** Stores a new version (validated); the next message of the model is filtered by it. */
  async declare(model: string, decl: CatalogDeclaration, tx: Sql): Promise<ModelCatalog> {
    validateCatalog(decl);
    const builtin = BUILTIN_CATALOGS.some((c) => c.model === model);
    const current = (await this.#declared(tx, model))?.version ?? (builtin ? 1 : 0);
    const catalog: ModelCatalog = {
      model,
      version: current + 1,
      title: decl.title,
      fields: decl.fields,
      recipients: decl.recipients ?? [],
      sensors: decl.sensors ?? [],
      ...(decl.securityUpdatesUntil ? { securityUpdatesUntil: decl.securityUpdatesUntil } : {}),
    };
    await tx.query('insert into privacy_catalogs (model, version, body, declared_at) values ($1, $2, $3, $4)', [
      model,
      catalog.version,
      JSON.stringify(catalog),
      this.#clock.now(),
    ]);
    return catalog;
  }

  /** After the declaring transaction committed. */
  changed(model: string): void {
    this.#cache.delete(model);
    for (const l of this.#listeners) l(model);
  }

  async #declared(sql: Sql, model: string): Promise<ModelCatalog | undefined> {
    const r = await sql.query<{ body: ModelCatalog | string }>(
      'select body from privacy_catalogs where model = $1 order by version desc limit 1',
      [model],
    );
    const body = r.rows[0]?.body;
    return body === undefined ? undefined : typeof body === 'string' ? (JSON.parse(body) as ModelCatalog) : body;
  }
}
