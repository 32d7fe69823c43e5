// Test harness for EST over a real HTTPS listener: the server, openssl/curl runners, a client.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildHttp } from '../../api/index.js';
import { silentLogger, type Clock } from '../../kernel/index.js';
import { openTestIdentity, type TestIdentity } from '../testing.js';
import { estRoutes } from './routes.js';

const run = promisify(execFile);

export interface EstServer extends TestIdentity {
  readonly url: string;
  readonly dir: string;
  /** Runs a command in the temp dir (never a shell); resolves stdout. */
  sh(cmd: string, args: string[]): Promise<string>;
  /** curl with the root trusted; resolves status code and the body file name. */
  curl(path: string, args: string[]): Promise<{ status: number; body: string }>;
  fetch(path: string, init?: FetchInit): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>;
  stop(): Promise<void>;
}

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  cert?: string;
  key?: string;
}

export async function startEstServer(clock?: Clock): Promise<EstServer> {
  const t = await openTestIdentity(clock);
  const dir = await mkdtemp(join(tmpdir(), 'fw-est-'));
  await writeFile(join(dir, 'ca.pem'), t.identity.rootPem);
  const http = buildHttp({ log: silentLogger, authenticate: async () => undefined, https: t.identity.serverTls });
  await http.app.register(estRoutes(t.identity));
  await http.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (http.app.server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const sh = async (cmd: string, args: string[]) => (await run(cmd, args, { cwd: dir, encoding: 'utf8' })).stdout;
  let n = 0;
  return {
    ...t,
    url,
    dir,
    sh,
    async curl(path, args) {
      const body = `out-${++n}`;
      const code = await sh('curl', [
        '-sS',
        '--cacert',
        'ca.pem',
        '-o',
        body,
        '-w',
        '%{http_code}',
        ...args,
        url + path,
      ]);
      return { status: Number(code), body };
    },
    fetch(path, init = {}) {
      return new Promise((resolve, reject) => {
        const req = request(
          url + path,
          {
            method: init.method ?? 'GET',
            headers: init.headers,
            ca: t.identity.rootPem,
            ...(init.cert ? { cert: init.cert, key: init.key } : {}),
            agent: false,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
            );
          },
        );
        req.on('error', reject);
        req.end(init.body);
      });
    },
    async stop() {
      await http.app.close();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
