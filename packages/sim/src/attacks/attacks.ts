import type { Random } from '../models/index.js';
import type { DeviceMetrics } from './benign.js';

export const ATTACK_KINDS = ['mirai', 'exfiltration', 'flood', 'bruteforce'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

/**
 * What an infected device does, per second and per metrics report. Nothing leaves the machine:
 * scanning exists only as destinations in the device's reported metrics; floods and brute
 * force are real MQTT traffic to the gateway under test.
 */
export interface AttackBehavior {
  readonly kind: AttackKind;
  /** Rewrites a benign report into the infected device's report. */
  metrics(benign: DeviceMetrics): DeviceMetrics;
  /** Extra telemetry publishes per second (flood). */
  readonly floodPerSecond: number;
  /** Publishes to topics outside its ACL per second (brute force: authorization failures). */
  readonly unauthorizedPerSecond: number;
  /** Reconnects per second (brute force: repeated connection attempts). */
  readonly reconnectsPerSecond: number;
}

/** A Mirai C2 (documentation range: nothing is ever sent there). */
const C2 = '203.0.113.66:23';

/**
 * Mirai: telnet and its single-instance port 48101 open, a fan-out of connection attempts to
 * random addresses on 23/2323, C2 heartbeats. Exfiltration: bytes out 50-200 × the baseline.
 * Flood: 100 messages per second. Brute force: 10 authorization failures per second and reconnects.
 */
export function attackBehavior(kind: AttackKind, random: Random): AttackBehavior {
  const none = { floodPerSecond: 0, unauthorizedPerSecond: 0, reconnectsPerSecond: 0 };
  switch (kind) {
    case 'mirai':
      return {
        kind,
        ...none,
        metrics: (b) => {
          const ports = [...new Set([...(b['listening-tcp-ports'] as number[]), 23, 2323, 48101])];
          const scans = Array.from({ length: 40 }, () => ({
            'remote-addr': `${randomIp(random)}:${random.next() < 0.9 ? 23 : 2323}`,
          }));
          const conns = [
            ...(b['established-tcp-connections'] as { 'remote-addr': string }[]),
            { 'remote-addr': C2 },
            ...scans,
          ];
          return {
            ...b,
            'num-listening-tcp-ports': ports.length,
            'listening-tcp-ports': ports,
            'num-established-tcp-connections': conns.length,
            'established-tcp-connections': conns,
            'all-bytes-out': (b['all-bytes-out'] as number) + 40 * 120,
          };
        },
      };
    case 'exfiltration': {
      const factor = 50 + Math.floor(random.next() * 150);
      return {
        kind,
        ...none,
        metrics: (b) => ({
          ...b,
          'all-bytes-out': (b['all-bytes-out'] as number) * factor + 5_000_000,
          'all-packets-out': (b['all-packets-out'] as number) * factor + 4_000,
        }),
      };
    }
    case 'flood':
      return { kind, ...none, floodPerSecond: 100, metrics: (b) => b };
    case 'bruteforce':
      return { kind, ...none, unauthorizedPerSecond: 10, reconnectsPerSecond: 0.5, metrics: (b) => b };
  }
}

/** A public-looking address (scan targets are never contacted). */
function randomIp(random: Random): string {
  const o = () => Math.floor(random.next() * 254) + 1;
  return `${o() % 223 || 1}.${o()}.${o()}.${o()}`;
}

/** `k` distinct devices out of `ids`, chosen by the seeded generator. */
export function pickInfected(ids: readonly string[], k: number, random: Random): string[] {
  const pool = [...ids];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, Math.min(k, pool.length)).sort();
}
