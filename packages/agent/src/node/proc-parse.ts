/**
 * Parsers for Linux /proc text (proc(5)), defensive: a line that does not parse is skipped,
 * never thrown on. Pure functions, tested on fixed sample text.
 */

export interface Socket {
  readonly localPort: number;
  readonly remoteAddr: string;
  readonly remotePort: number;
  /** TCP state (include/net/tcp_states.h): 0x01 ESTABLISHED, 0x0A LISTEN, 0x07 CLOSE. */
  readonly state: number;
}

const TCP_ESTABLISHED = 0x01;
const TCP_LISTEN = 0x0a;

/** Rows of /proc/net/{tcp,tcp6,udp,udp6}: "sl local rem st …", addresses "HEX:PORT". */
export function parseSockets(text: string): Socket[] {
  const out: Socket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || !/^\d+:$/.test(cols[0]!)) continue;
    const local = splitAddr(cols[1]!);
    const remote = splitAddr(cols[2]!);
    const state = parseInt(cols[3]!, 16);
    if (local === undefined || remote === undefined || !Number.isFinite(state)) continue;
    out.push({ localPort: local.port, remoteAddr: remote.addr, remotePort: remote.port, state });
  }
  return out;
}

function splitAddr(text: string): { addr: string; port: number } | undefined {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (!m) return undefined;
  return { addr: hexToIp(m[1]!), port: parseInt(m[2]!, 16) };
}

/** The kernel prints each 32-bit word of the address in host (little-endian) order. */
function hexToIp(hex: string): string {
  const words = hex
    .toLowerCase()
    .match(/.{8}/g)!
    .map((w) => w.match(/../g)!.reverse().join(''));
  if (words.length === 1)
    return words[0]!
      .match(/../g)!
      .map((b) => parseInt(b, 16))
      .join('.');
  const v6 = words.join('');
  if (v6.startsWith('00000000000000000000ffff')) {
    return v6
      .slice(24)
      .match(/../g)!
      .map((b) => parseInt(b, 16))
      .join('.'); // IPv4-mapped
  }
  const groups = v6.match(/.{4}/g)!.map((g) => parseInt(g, 16).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

export function listeningTcpPorts(sockets: readonly Socket[]): number[] {
  return uniqueSorted(sockets.filter((s) => s.state === TCP_LISTEN).map((s) => s.localPort));
}

/** UDP has no LISTEN state: a bound socket with no remote end is listening. */
export function listeningUdpPorts(sockets: readonly Socket[]): number[] {
  return uniqueSorted(sockets.filter((s) => s.remotePort === 0 && s.localPort !== 0).map((s) => s.localPort));
}

export function establishedTcp(sockets: readonly Socket[]): { 'remote-addr': string }[] {
  return sockets
    .filter((s) => s.state === TCP_ESTABLISHED)
    .map((s) => ({
      'remote-addr': `${s.remoteAddr.includes(':') ? `[${s.remoteAddr}]` : s.remoteAddr}:${s.remotePort}`,
    }));
}

export interface Traffic {
  bytesIn: number;
  packetsIn: number;
  bytesOut: number;
  packetsOut: number;
}

/** Totals of /proc/net/dev over every interface but loopback. */
export function parseNetDev(text: string): Traffic {
  const t: Traffic = { bytesIn: 0, packetsIn: 0, bytesOut: 0, packetsOut: 0 };
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const n = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (name === 'lo' || n.length < 10 || n.some((v) => !Number.isFinite(v))) continue;
    t.bytesIn += n[0]!;
    t.packetsIn += n[1]!;
    t.bytesOut += n[8]!;
    t.packetsOut += n[9]!;
  }
  return t;
}

/** The process count from the entries of /proc: numeric names are pids. */
export function countProcesses(entries: readonly string[]): number {
  return entries.filter((e) => /^\d+$/.test(e)).length;
}

function uniqueSorted(ports: number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}
