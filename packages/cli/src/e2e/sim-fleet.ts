// Helpers of the simulator e2e tests (sim-*.test.ts): free ports, a TCP proxy, enrolled fleets.
import { readFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { enrollFleet, type SimDevice } from '@fleetward/sim';
import { apiGet, runCli, type RunningServer } from './harness.js';

/** A port free now on 127.0.0.1 (the kernel's pick; released before use). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Enrolls `count` simulated thermostats into `dataDir` through one claim token. */
export async function enrollThermostats(server: RunningServer, dataDir: string, count: number): Promise<SimDevice[]> {
  const caPem = await readFile(server.caFile, 'utf8');
  const { devices } = await enrollFleet({
    server: server.https,
    caPem,
    dataDir,
    devices: count,
    model: 'thermostat',
    concurrency: 8,
    createClaim: async (model, uses) => {
      const r = await runCli(['claim', 'create', '--model', model, '--uses', String(uses)], { env: server.env });
      if (r.code !== 0) throw new Error(r.stderr);
      return r.stdout.trim();
    },
  });
  return devices;
}

/** The message ids the server stores for a device, duplicates included. */
export async function storedIds(server: RunningServer, deviceId: string): Promise<string[]> {
  const r = await apiGet<{ records: Array<{ messageId: string | null }> }>(
    server,
    `/api/v1/devices/${deviceId}/telemetry?limit=1000`,
  );
  if (r.status !== 200) throw new Error(`telemetry of ${deviceId}: ${r.status}`);
  return r.body.records.map((x) => x.messageId ?? '');
}

/**
 * A TCP proxy on a fixed port in front of the gateway: `cut()` closes the listener and destroys
 * every connection (the gateway is unreachable); `restore()` listens again on the same port.
 */
export class TcpProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  static async start(target: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
