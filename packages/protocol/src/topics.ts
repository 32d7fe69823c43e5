import { isDeviceId } from './ids.js';

/** Topics a device publishes under `devices/{id}/`. */
export const DEVICE_PUBLISH_KINDS = ['telemetry', 'metrics', 'events', 'state'] as const;
export type DevicePublishKind = (typeof DEVICE_PUBLISH_KINDS)[number];

/** Topic trees the server publishes to, under `devices/{id}/`. */
export const SERVER_PUBLISH_KINDS = ['commands', 'updates'] as const;
export type ServerPublishKind = (typeof SERVER_PUBLISH_KINDS)[number];

export const topics = {
  telemetry: (id: string) => `devices/${id}/telemetry`,
  metrics: (id: string) => `devices/${id}/metrics`,
  events: (id: string) => `devices/${id}/events`,
  state: (id: string) => `devices/${id}/state`,
  commands: (id: string, name: string) => `devices/${id}/commands/${name}`,
  updates: (id: string, name: string) => `devices/${id}/updates/${name}`,
} as const;

export interface ParsedTopic {
  readonly deviceId: string;
  /** First level below the device: telemetry, metrics, commands … */
  readonly kind: string;
  /** Levels below the kind (e.g. a command name, or `reply`). */
  readonly rest: readonly string[];
}

/** Splits `devices/{id}/{kind}/…`; undefined for anything else (including wildcards). */
export function parseDeviceTopic(topic: string): ParsedTopic | undefined {
  if (topic.includes('+') || topic.includes('#') || topic.includes('\u0000')) return undefined;
  const levels = topic.split('/');
  if (levels.length < 3 || levels[0] !== 'devices') return undefined;
  const [, deviceId, kind, ...rest] = levels as [string, string, string, ...string[]];
  if (!isDeviceId(deviceId) || kind === '' || rest.some((l) => l === '')) return undefined;
  return { deviceId, kind, rest };
}
