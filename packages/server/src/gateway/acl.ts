import type { DeviceState } from '../kernel/index.js';
import { isValidFilter } from './matcher.js';

/** A command name in a reply topic: `devices/{id}/commands/{name}/reply`. */
const COMMAND_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The publish kinds by the topic's rest after `devices/{id}/` (one map for every connection). */
const PUBLISH_KIND = new Map<string, string>(
  ['telemetry', 'metrics', 'events', 'state', 'updates/status'].map((kind) => [kind, kind]),
);
const SUBSCRIBE_ROOTS = ['commands', 'updates'] as const;

/**
 * The topic ACL of one device, bound to the device id of its certificate. Deny by default:
 * anything not listed here is refused.
 *
 * - active: publish `devices/{id}/{telemetry,metrics,events,state,updates/status}` and
 *   `devices/{id}/commands/{name}/reply`; subscribe within `devices/{id}/commands/…` and
 *   `devices/{id}/updates/…` (wildcards allowed only below those levels).
 * - quarantined: subscriptions as above; publish command replies and `updates/status` only, so
 *   the device can be repaired (a forced update reports its progress) and nothing else leaves it.
 * - revoked, retired: nothing.
 *
 * Per connection it keeps only the topic prefix `devices/{id}/`; the per-message check is a
 * prefix comparison and a lookup in one map shared by every connection.
 */
export class DeviceAcl {
  readonly #base: string;

  constructor(readonly deviceId: string) {
    this.#base = `devices/${deviceId}/`;
  }

  /**
   * The kind (`telemetry`, `metrics`, …, or `commands/{name}/reply`) of an allowed publish,
   * undefined when refused.
   */
  publishKind(topic: string, state: DeviceState): string | undefined {
    if (state === 'revoked' || state === 'retired') return undefined;
    const base = this.#base;
    if (topic.length <= base.length || !topic.startsWith(base)) return undefined;
    const kind = PUBLISH_KIND.get(topic.slice(base.length));
    if (kind !== undefined) return state === 'active' || kind === 'updates/status' ? kind : undefined;
    return this.#replyKind(topic);
  }

  /** True when the device may subscribe to `filter`. */
  maySubscribe(filter: string, state: DeviceState): boolean {
    if (state !== 'active' && state !== 'quarantined') return false;
    if (!isValidFilter(filter)) return false;
    for (const level of SUBSCRIBE_ROOTS) {
      const root = this.#base + level;
      if (filter === root) return true;
      if (filter.startsWith(root) && filter.charCodeAt(root.length) === 0x2f /* / */) return true;
    }
    return false;
  }

  /** The topic of a publish kind (inverse of `publishKind`). */
  topicOf(kind: string): string {
    return `devices/${this.deviceId}/${kind}`;
  }

  #replyKind(topic: string): string | undefined {
    const commands = `${this.#base}commands/`;
    if (!topic.startsWith(commands) || !topic.endsWith('/reply')) return undefined;
    const name = topic.slice(commands.length, topic.length - '/reply'.length);
    return COMMAND_NAME.test(name) ? `commands/${name}/reply` : undefined;
  }
}
