import { performance } from 'node:perf_hooks';
import type { Clock, DeviceState, Logger } from '../kernel/index.js';
import type { Client } from './client.js';
import { GatewayCounters } from './counters.js';
import { SharedParser } from './parser.js';
import type { GatewayHooks, GatewayLimits } from './types.js';

/**
 * State shared by the connections of one gateway: hooks, limits, counters, the live session
 * of each device, and a coarse monotonic clock read once per socket read.
 */
export class Broker {
  readonly counters = new GatewayCounters();
  /** Parses the whole non-PUBLISH packets the connections' framers hand on. */
  readonly parser = new SharedParser();
  /** The connected session of each device id. */
  readonly sessions = new Map<string, Client>();
  /** Every open connection, connected or not (for timeouts and close). */
  readonly clients = new Set<Client>();
  /**
   * State changes of the last moments (`at`: monotonic ms), for the connections whose
   * authentication read the device's state before the change and whose CONNECT comes after it.
   */
  readonly stateChanges = new Map<string, { readonly state: DeviceState; readonly at: number }>();
  closing = false;
  #now = performance.now();

  constructor(
    readonly hooks: GatewayHooks,
    readonly limits: GatewayLimits,
    readonly log: Logger,
    readonly clock: Clock,
  ) {}

  /** Monotonic milliseconds, refreshed by `tick()`. */
  get now(): number {
    return this.#now;
  }

  tick(): number {
    this.#now = performance.now();
    return this.#now;
  }
}
