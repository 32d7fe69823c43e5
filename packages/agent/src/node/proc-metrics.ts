import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricsSource, MetricValue } from '../metrics/index.js';
import {
  countProcesses,
  establishedTcp,
  listeningTcpPorts,
  listeningUdpPorts,
  parseNetDev,
  parseSockets,
  type Traffic,
} from './proc-parse.js';

/**
 * Device-side security metrics from Linux /proc, named as AWS IoT Device Defender's
 * device-side metrics. Traffic counters (`all-bytes-in` …) are deltas since the previous
 * collection (0 on the first), like Device Defender reports. Unreadable files count as empty.
 */
export class ProcMetrics implements MetricsSource {
  #last: Traffic | undefined;

  constructor(private readonly root = '/proc') {}

  async collect(): Promise<Record<string, MetricValue>> {
    const read = (p: string) => readFile(join(this.root, p), 'utf8').catch(() => '');
    const [tcp, tcp6, udp, udp6, dev, entries] = await Promise.all([
      read('net/tcp'),
      read('net/tcp6'),
      read('net/udp'),
      read('net/udp6'),
      read('net/dev'),
      readdir(this.root).catch(() => [] as string[]),
    ]);
    const tcpSockets = [...parseSockets(tcp), ...parseSockets(tcp6)];
    const udpSockets = [...parseSockets(udp), ...parseSockets(udp6)];
    const traffic = parseNetDev(dev);
    const last = this.#last ?? traffic;
    this.#last = traffic;
    const listeningTcp = listeningTcpPorts(tcpSockets);
    const listeningUdp = listeningUdpPorts(udpSockets);
    const established = establishedTcp(tcpSockets);
    return {
      'num-listening-tcp-ports': listeningTcp.length,
      'listening-tcp-ports': listeningTcp,
      'num-listening-udp-ports': listeningUdp.length,
      'listening-udp-ports': listeningUdp,
      'num-established-tcp-connections': established.length,
      'established-tcp-connections': established,
      'all-bytes-in': Math.max(0, traffic.bytesIn - last.bytesIn),
      'all-bytes-out': Math.max(0, traffic.bytesOut - last.bytesOut),
      'all-packets-in': Math.max(0, traffic.packetsIn - last.packetsIn),
      'all-packets-out': Math.max(0, traffic.packetsOut - last.packetsOut),
      'num-processes': countProcesses(entries),
    };
  }
}
