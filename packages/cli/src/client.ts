import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { FleetwardError, type Fault } from '@fleetward/protocol';
import { cliError } from './errors.js';

export interface ServerRef {
  readonly url: string;
  readonly token: string;
  readonly ca: string;
}

export interface ServerFlags {
  server?: string | undefined;
  token?: string | undefined;
  ca?: string | undefined;
  'data-dir'?: string | undefined;
}

export const SERVER_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  ca: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Flags first, then FLEETWARD_URL / _TOKEN / _CA, then the local data dir written by `fleetward up`. */
export function resolveServer(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): ServerRef {
  const dir = flags['data-dir'] ?? env['FLEETWARD_DATA_DIR'] ?? 'fleetward-data';
  const url = flags.server ?? env['FLEETWARD_URL'] ?? tryRead(join(dir, 'url'));
  const token = flags.token ?? env['FLEETWARD_TOKEN'] ?? tryRead(join(dir, 'admin.token'));
  const caFile = flags.ca ?? env['FLEETWARD_CA'] ?? join(dir, 'ca.pem');
  const ca = tryRead(caFile);
  if (!url || !token || !ca) {
    throw cliError(
      'FW_CLI_NO_SERVER',
      `missing ${[!url && 'server URL', !token && 'token', !ca && 'CA'].filter(Boolean).join(', ')}`,
    );
  }
  return { url: url.replace(/\/$/, ''), token, ca };
}

/** One JSON request to the API; an error answer becomes a FleetwardError with the server's code. */
export function api<T>(server: ServerRef, method: string, path: string, body?: unknown): Promise<T> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise<T>((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method,
        ca: server.ca,
        headers: {
          authorization: `Bearer ${server.token}`,
          accept: 'application/json',
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch (cause) {
            return reject(
              cliError('FW_CLI_REQUEST_FAILED', `${method} ${path}: not JSON (${res.statusCode})`, { cause }),
            );
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const e = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
            const fault: Fault = status >= 500 ? 'internal' : 'input';
            const code = e?.code ?? 'FW_CLI_REQUEST_FAILED';
            const message = (e?.message ?? `HTTP ${status}`).replace(`${code}: `, '');
            return reject(new FleetwardError(code, fault, message));
          }
          resolve(parsed as T);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (cause) => reject(cliError('FW_CLI_REQUEST_FAILED', `${server.url}: ${cause.message}`, { cause })));
    req.end(data);
  });
}
