import type { SecurityProfile } from '../types.js';

/** Gateway-side metric names (per device and window), after AWS IoT Device Defender's cloud-side metrics. */
export const GATEWAY_METRICS = [
  'num-messages-sent',
  'num-messages-received',
  'message-byte-size',
  'num-bytes-sent',
  'num-authorization-failures',
  'num-connection-attempts',
  'num-connections',
  'num-disconnects',
  'num-rate-limited',
  'num-malformed',
] as const;

/**
 * The default profile, attached to every model and enabled: what no benign device does (telnet
 * and Mirai's ports, telnet scanning, repeated authorization failures, reconnect storms,
 * message floods) and learned baselines and fleet statistics for the rest. Thresholds per
 * window scale with the window length (defaults are per 5 minutes).
 */
export function defaultProfiles(windowMs: number): SecurityProfile[] {
  const perWindow = (perSecond: number) => Math.max(1, Math.round((perSecond * windowMs) / 1000));
  return [
    {
      name: 'default',
      description: 'Shipped with Fleetward: Mirai-like scanning, backdoor ports, brute force, floods, exfiltration.',
      enabled: true,
      target: { models: ['*'] },
      behaviors: [
        {
          name: 'backdoor-listener',
          metric: 'listening-tcp-ports',
          kind: 'backdoor',
          severity: 'critical',
          criteria: { type: 'static', op: 'in-set', values: [23, 2323, 48101] },
        },
        {
          name: 'telnet-scan',
          metric: 'destination-ports',
          kind: 'scanning',
          severity: 'critical',
          criteria: { type: 'static', op: 'in-set', values: [23, 2323] },
        },
        {
          name: 'connection-fan-out',
          metric: 'num-established-tcp-connections',
          kind: 'scanning',
          severity: 'high',
          criteria: { type: 'static', op: 'gt', value: 64 },
        },
        {
          name: 'authorization-failures',
          metric: 'num-authorization-failures',
          kind: 'bruteforce',
          severity: 'high',
          criteria: { type: 'static', op: 'gt', value: 5 },
        },
        {
          // Medium: a flaky network reconnects too; authorization failures are what contain brute force.
          name: 'connection-attempts',
          metric: 'num-connection-attempts',
          kind: 'bruteforce',
          severity: 'medium',
          criteria: { type: 'static', op: 'gt', value: 20 },
        },
        {
          name: 'message-flood',
          metric: 'num-messages-sent',
          kind: 'flood',
          severity: 'high',
          criteria: { type: 'static', op: 'gt', value: perWindow(50) },
        },
        {
          name: 'message-rate-baseline',
          metric: 'num-messages-sent',
          kind: 'flood',
          severity: 'high',
          criteria: { type: 'baseline', warmup: 5, k: 8, minDelta: perWindow(5), minRatio: 5 },
        },
        {
          name: 'message-rate-peers',
          metric: 'num-messages-sent',
          kind: 'anomaly',
          severity: 'medium',
          criteria: { type: 'fleet', percentile: 99, factor: 5, floor: perWindow(5), minPeers: 20 },
        },
        {
          name: 'bytes-out-baseline',
          metric: 'all-bytes-out',
          kind: 'exfiltration',
          severity: 'high',
          criteria: { type: 'baseline', warmup: 5, k: 8, minDelta: 1_000_000, minRatio: 10 },
        },
        {
          name: 'bytes-out-peers',
          metric: 'all-bytes-out',
          kind: 'anomaly',
          severity: 'medium',
          criteria: { type: 'fleet', percentile: 99, factor: 10, floor: 1_000_000, minPeers: 20 },
        },
      ],
    },
  ];
}
