import type { MetricValue } from '@fleetward/agent';
import type { Random } from '../models/index.js';

/** What a model looks like on the network when healthy (AWS IoT Device Defender metric names). */
interface NetworkProfile {
  readonly listening: readonly number[];
  /** Cloud endpoints it keeps connections to. */
  readonly peers: readonly string[];
  /** Bytes out per report, median. */
  readonly bytesOut: number;
  readonly bytesIn: number;
}

const PROFILES: Readonly<Record<string, NetworkProfile>> = {
  thermostat: { listening: [], peers: ['192.0.2.10:8883'], bytesOut: 4_000, bytesIn: 2_000 },
  camera: {
    listening: [443, 554],
    peers: ['192.0.2.10:8883', '198.51.100.20:443'],
    bytesOut: 400_000,
    bytesIn: 20_000,
  },
  'smart-plug': { listening: [80], peers: ['192.0.2.10:8883'], bytesOut: 2_000, bytesIn: 1_500 },
  'industrial-sensor': { listening: [502], peers: ['192.0.2.10:8883'], bytesOut: 20_000, bytesIn: 5_000 },
};

export type DeviceMetrics = Record<string, MetricValue>;

/**
 * Benign device-side metrics of one simulated device, report after report: the model's
 * listening ports and cloud connections, traffic with ±25 % noise and a daily rhythm
 * (busier in the evening), as the agent's ProcMetrics reports them (traffic as deltas).
 */
export function benignMetrics(model: string, random: Random): (at: Date) => DeviceMetrics {
  const p = PROFILES[model] ?? PROFILES['thermostat']!;
  return (at) => {
    const hour = at.getUTCHours() + at.getUTCMinutes() / 60;
    const daily = 1 + 0.3 * Math.sin(((hour - 13) / 24) * 2 * Math.PI);
    const noise = () => 0.75 + 0.5 * random.next();
    const bytesOut = Math.round(p.bytesOut * daily * noise());
    const bytesIn = Math.round(p.bytesIn * daily * noise());
    const established = p.peers.map((addr) => ({ 'remote-addr': addr }));
    return {
      'num-listening-tcp-ports': p.listening.length,
      'listening-tcp-ports': [...p.listening],
      'num-established-tcp-connections': established.length,
      'established-tcp-connections': established,
      'all-bytes-out': bytesOut,
      'all-bytes-in': bytesIn,
      'all-packets-out': Math.round(bytesOut / 600) + 1,
      'all-packets-in': Math.round(bytesIn / 600) + 1,
    };
  };
}

export const NETWORK_MODELS = Object.keys(PROFILES);
