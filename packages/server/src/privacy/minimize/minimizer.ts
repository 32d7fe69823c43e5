import type { TelemetryValue } from '@fleetward/protocol';
import type { Clock } from '../../kernel/index.js';
import type { Store } from '../../store/index.js';
import type { EffectiveCatalog } from '../catalog/index.js';
import type { ConsentProfile } from '../consent/index.js';
import { decide, KEEP, type DeviceDecision, type DropReason } from './decide.js';

type Fields = Readonly<Record<string, TelemetryValue>>;

/** Drop counts by model, field and reason; fields outside the catalog are counted as `(unlisted)`. */
export interface DropCount {
  readonly model: string;
  readonly field: string;
  readonly reason: DropReason;
  readonly count: number;
}

export interface MinimizerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly catalog: (model: string) => Promise<EffectiveCatalog>;
  readonly fallback: ConsentProfile;
  /** Other server processes may change consent: cached decisions live at most this long. */
  readonly ttlMs?: number;
}

interface Entry {
  readonly decision: DeviceDecision;
  readonly until: number;
}

/**
 * The filter at ingest (GDPR Art. 5(1)(c), 25; ETSI EN 303 645 6-4): decisions per device are
 * cached, so the hot path is a map lookup per field; invalidated on consent, ownership and
 * catalog changes in this process, and after `ttlMs` for changes made by other processes.
 */
export class Minimizer {
  readonly #o: MinimizerOptions;
  readonly #cache = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<DeviceDecision>>();
  readonly #drops = new Map<string, number>();
  #generation = 0;

  constructor(options: MinimizerOptions) {
    this.#o = options;
  }

  /** Fields that may be stored: dropped or coarsened per the catalog and consent. */
  filter(deviceId: string, fields: Fields): Fields | Promise<Fields> {
    const hit = this.#cache.get(deviceId);
    if (hit && hit.until > this.#o.clock.now().getTime()) return this.#apply(hit.decision, fields);
    return this.decision(deviceId).then((d) => this.#apply(d, fields));
  }

  async decision(deviceId: string): Promise<DeviceDecision> {
    const hit = this.#cache.get(deviceId);
    if (hit && hit.until > this.#o.clock.now().getTime()) return hit.decision;
    let p = this.#loading.get(deviceId);
    if (!p) {
      const generation = this.#generation;
      p = decide(this.#o.store, deviceId, this.#o.catalog, this.#o.fallback).then(
        (decision) => {
          this.#loading.delete(deviceId);
          // A change during the load wins: do not cache what it may have missed.
          if (generation === this.#generation) {
            this.#cache.set(deviceId, { decision, until: this.#o.clock.now().getTime() + (this.#o.ttlMs ?? 30_000) });
          }
          return decision;
        },
        (err: unknown) => {
          this.#loading.delete(deviceId);
          throw err;
        },
      );
      this.#loading.set(deviceId, p);
    }
    return p;
  }

  invalidate(deviceId?: string): void {
    this.#generation++;
    if (deviceId === undefined) this.#cache.clear();
    else this.#cache.delete(deviceId);
    this.#loading.clear();
  }

  drops(): DropCount[] {
    return [...this.#drops].map(([key, count]) => {
      const [model, field, reason] = key.split('\u0000') as [string, string, DropReason];
      return { model, field, reason, count };
    });
  }

  /** The fields the decision keeps: `fields` itself when it keeps every one as it is. */
  #apply(d: DeviceDecision, fields: Fields): Fields {
    const out: Record<string, TelemetryValue> = {};
    let changed = false;
    for (const name in fields) {
      const rule = d.rules.get(name);
      const value = fields[name]!;
      if (rule === KEEP) {
        out[name] = value;
        continue;
      }
      changed = true;
      if (rule !== undefined) {
        if (typeof value === 'number') out[name] = round(value, rule);
        else this.#count(d.model, name, 'no-consent'); // a coarse-only location that is not a number
      } else this.#count(d.model, d.denied.has(name) ? name : '(unlisted)', d.denied.get(name) ?? 'not-in-catalog');
    }
    return changed ? out : fields;
  }

  #count(model: string, field: string, reason: DropReason): void {
    const key = `${model}\u0000${field}\u0000${reason}`;
    this.#drops.set(key, (this.#drops.get(key) ?? 0) + 1);
  }
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
