import { isIP } from 'node:net';
import { monitorError } from './errors.js';
import type { MetricValue } from './types.js';

/** A validated device-side metrics report (`devices/{id}/metrics`). */
export interface DeviceReport {
  readonly messageId?: string;
  readonly metrics: Readonly<Record<string, MetricValue>>;
}

/**
 * Limits of one report. The window a device's reports merge into has its own (WINDOW_LIMITS in
 * ingest/windows.ts: at most 128 distinct names per device and window, the names below aside).
 */
export const REPORT_LIMITS = { bytes: 64 * 1024, metrics: 64, listItems: 4096 } as const;

/**
 * AWS IoT Device Defender device-side metric names as reports carry them (ProcMetrics sends
 * these, and `num-processes`), with the ones derived at ingest: always kept in a device's window,
 * whatever else it sends.
 */
export const DEVICE_METRICS: ReadonlySet<string> = new Set([
  'all-bytes-in',
  'all-bytes-out',
  'all-packets-in',
  'all-packets-out',
  'listening-tcp-ports',
  'listening-udp-ports',
  'num-listening-tcp-ports',
  'num-listening-udp-ports',
  'num-established-tcp-connections',
  'destination-ips',
  'destination-ports',
  'num-processes',
]);

const NAME = /^[a-z][a-z0-9-]{0,63}$/;
const MESSAGE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PORT_LISTS = new Set(['listening-tcp-ports', 'listening-udp-ports']);
const CONNECTIONS = 'established-tcp-connections';

/**
 * Parses and validates a report (AWS IoT Device Defender device-side metric names): numbers are
 * finite and non-negative, port lists hold ports, connections hold `ip:port` / `[ip6]:port`.
 * Derives `destination-ips` and `destination-ports` from the connections. Throws
 * FW_MONITOR_METRICS_INVALID on anything else: every byte from a device is hostile.
 */
export function parseDeviceReport(payload: Uint8Array): DeviceReport {
  if (payload.byteLength > REPORT_LIMITS.bytes) throw invalid('report too large');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (cause) {
    throw monitorError('FW_MONITOR_METRICS_INVALID', 'report is not JSON', { cause });
  }
  if (!isObject(body) || !isObject(body['metrics'])) throw invalid('report must be an object with metrics');
  const messageId = body['messageId'];
  if (messageId !== undefined && (typeof messageId !== 'string' || !MESSAGE_ID.test(messageId))) {
    throw invalid('messageId');
  }
  const entries = Object.entries(body['metrics']);
  if (entries.length > REPORT_LIMITS.metrics) throw invalid('too many metrics');
  const metrics: Record<string, MetricValue> = {};
  for (const [name, value] of entries) {
    if (!NAME.test(name)) throw invalid(`metric name ${JSON.stringify(name.slice(0, 64))}`);
    if (name === CONNECTIONS) Object.assign(metrics, connections(value));
    else if (PORT_LISTS.has(name)) metrics[name] = ports(value, name);
    else metrics[name] = count(value, name);
  }
  return messageId === undefined ? { metrics } : { messageId, metrics };
}

function connections(value: unknown): Record<string, MetricValue> {
  if (!Array.isArray(value) || value.length > REPORT_LIMITS.listItems) throw invalid(CONNECTIONS);
  const ips = new Set<string>();
  const destPorts = new Set<number>();
  for (const item of value) {
    const addr = isObject(item) ? item['remote-addr'] : undefined;
    if (typeof addr !== 'string' || addr.length > 64) throw invalid(`${CONNECTIONS}: remote-addr`);
    const m = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(addr) ?? /^([0-9.]+):(\d{1,5})$/.exec(addr);
    const port = Number(m?.[2]);
    if (!m || isIP(m[1]!) === 0 || port > 65535) throw invalid(`${CONNECTIONS}: remote-addr ${addr}`);
    ips.add(m[1]!.toLowerCase());
    destPorts.add(port);
  }
  return {
    'num-established-tcp-connections': value.length,
    'destination-ips': [...ips],
    'destination-ports': [...destPorts],
  };
}

function ports(value: unknown, name: string): readonly number[] {
  if (!Array.isArray(value) || value.length > REPORT_LIMITS.listItems) throw invalid(name);
  for (const p of value) if (!Number.isInteger(p) || p < 0 || p > 65535) throw invalid(`${name}: port`);
  return [...new Set(value as number[])];
}

function count(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
    throw invalid(`${name}: a non-negative number`);
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(what: string) {
  return monitorError('FW_MONITOR_METRICS_INVALID', what);
}
