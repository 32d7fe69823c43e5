import { createServer, connect, type Server, type Socket } from 'node:net';
import { apiGet, type RunningServer } from './harness.js';

/** A TCP proxy between agents and the gateway: cut it, restore it, point it at a new port. */
export class TcpProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(public targetPort: number) {}

  async start(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect(this.targetPort, '127.0.0.1');
      for (const s of [inbound, outbound]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Stops listening and drops every connection (the gateway is unreachable). */
  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls `check` until it returns true; throws after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The messageIds the server stored for a device (newest first, up to 1000). */
export async function storedIds(server: RunningServer, deviceId: string): Promise<string[]> {
  const r = await apiGet<{ records: { messageId: string }[] }>(
    server,
    `/api/v1/devices/${deviceId}/telemetry?limit=1000`,
  );
  if (r.status !== 200) throw new Error(`telemetry query answered ${r.status}`);
  return r.body.records.map((x) => x.messageId);
}

/** Every id stored exactly once: returns the ids missing and the ids stored more than once. */
export function compare(written: readonly string[], stored: readonly string[]) {
  const counts = new Map<string, number>();
  for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1);
  return {
    missing: written.filter((id) => !counts.has(id)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
  };
}
