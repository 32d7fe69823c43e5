import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 between devices and the gateway; the test owns the network between
 * them. `cut()` drops every connection and refuses new ones (each is closed as it is accepted),
 * `restore()` lets them through again, `target` may point at a restarted server. The listening
 * port is held from `open()` to `close()`: a port released and bound again can meanwhile be taken
 * as the source port of some outgoing connection (EADDRINUSE).
 */
export class TcpProxy {
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(
    readonly port: number,
    public target: number,
    private readonly server: Server,
  ) {}

  static async open(target: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const proxy = new TcpProxy((server.address() as { port: number }).port, target, server);
    server.on('connection', (client) => proxy.#accept(client));
    return proxy;
  }

  #accept(client: Socket): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** The gateway becomes unreachable: live connections dropped, new ones closed at once. */
  cut(): void {
    this.#cut = true;
    for (const s of this.#sockets) s.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
