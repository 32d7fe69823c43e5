// Test support (not exported from index.ts): a Context whose audit log is an array.
import type { Store } from '../store/index.js';
import type { AuditEntry } from './audit.js';
import type { Clock } from './clock.js';
import { silentLogger, type Context } from './context.js';
import { FleetEvents } from './events.js';

/** A Context on `store` and `clock`, silent, recording what it audits in `entries`. */
export function recordingContext(store: Store, clock: Clock): { ctx: Context; entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  const ctx: Context = {
    store,
    clock,
    events: new FleetEvents(),
    log: silentLogger,
    audit: { append: async (e) => void entries.push(e) },
  };
  return { ctx, entries };
}
