import type { Store } from '../store/index.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import type { FleetEvents } from './events.js';

/** Minimal structured logger (pino-compatible subset). Never pass secrets to it. */
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

/** What every capability gets from the composition root. */
export interface Context {
  readonly store: Store;
  readonly clock: Clock;
  readonly events: FleetEvents;
  readonly log: Logger;
  readonly audit: AuditLog;
}
