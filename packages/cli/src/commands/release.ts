import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { FleetwardError } from '@fleetward/protocol';
import { parse, requireOption } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS, type ServerRef } from '../client.js';
import { cliError } from '../errors.js';
import { out, table } from '../output.js';

interface Release {
  name: string;
  model: string;
  version: string;
  securityCounter: number;
  sha256: string;
  length: number;
  publishedAt: string;
  knownBad?: { reason: string; advisory: string | null; markedBy: string; markedAt: string } | null;
}

const USAGE =
  'usage: fleetward release publish IMG --model M [--notes TEXT] [--key FIRMWARE.pub] | list [--model M] | mark-bad NAME --reason TEXT [--advisory ID]';

/** `release publish`: uploads a signed MCUboot image; `--key` first registers the model's firmware key (admin). */
async function publish(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...SERVER_OPTIONS,
    model: { type: 'string' },
    notes: { type: 'string' },
    key: { type: 'string' },
  });
  const file = positionals[0];
  if (!file) throw cliError('FW_CLI_USAGE', USAGE);
  const model = requireOption(values.model, 'model');
  const server = resolveServer(values);
  if (values.key) {
    await api(server, 'POST', '/api/v1/firmware-keys', { model, pem: await readFile(values.key, 'utf8') });
  }
  const q = new URLSearchParams({ model });
  if (values.notes) q.set('notes', values.notes);
  const r = await upload<Release>(server, `/api/v1/releases?${q}`, await readFile(file));
  if (values.json) out.json(r);
  else if ((r as { staged?: boolean }).staged) {
    out.say(
      `staged ${r.name}: the targets key is offline; sign \`fleetward tuf pending-targets\` offline and upload it`,
    );
  } else
    out.say(`published ${r.name}: version ${r.version}, security counter ${r.securityCounter}, sha256 ${r.sha256}`);
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...SERVER_OPTIONS, model: { type: 'string' } });
  const q = values.model ? `?model=${encodeURIComponent(values.model)}` : '';
  const r = await api<{ releases: Release[] }>(resolveServer(values), 'GET', `/api/v1/releases${q}`);
  if (values.json) out.json(r.releases);
  else
    out.result(
      table(
        r.releases.map((x) => ({
          ...x,
          knownBad: x.knownBad ? `KNOWN-BAD: ${x.knownBad.reason.replace(/\s+/g, ' ')}` : '',
        })),
        ['name', 'model', 'version', 'securityCounter', 'length', 'publishedAt', 'knownBad'],
      ),
    );
  return 0;
}

/** `release mark-bad`: marks a release known-bad; its running rollouts pause, new ones are refused. */
async function markBad(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...SERVER_OPTIONS,
    reason: { type: 'string' },
    advisory: { type: 'string' },
  });
  const name = positionals[0];
  if (!name) throw cliError('FW_CLI_USAGE', USAGE);
  const reason = requireOption(values.reason, 'reason');
  const r = await api<{ name: string; pausedRollouts: string[] }>(
    resolveServer(values),
    'POST',
    `/api/v1/releases/${encodeURIComponent(name)}/known-bad`,
    { reason, ...(values.advisory ? { advisory: values.advisory } : {}) },
  );
  if (values.json) out.json(r);
  else {
    const paused = r.pausedRollouts.length > 0 ? `; paused rollouts ${r.pausedRollouts.join(', ')}` : '';
    out.say(`marked ${r.name} known-bad${paused}`);
  }
  return 0;
}

/** POSTs raw bytes as application/octet-stream; an error answer becomes the server's coded error. */
function upload<T>(server: ServerRef, path: string, body: Buffer): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method: 'POST',
        ca: server.ca,
        headers: {
          authorization: `Bearer ${server.token}`,
          accept: 'application/json',
          'content-type': 'application/octet-stream',
          'content-length': body.length,
        },
        timeout: 120_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: { error?: { code?: string; message?: string } } | undefined;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof parsed;
          } catch (cause) {
            return reject(cliError('FW_CLI_REQUEST_FAILED', `POST ${path}: not JSON (${res.statusCode})`, { cause }));
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const code = parsed?.error?.code ?? 'FW_CLI_REQUEST_FAILED';
            return reject(
              new FleetwardError(
                code,
                status >= 500 ? 'internal' : 'input',
                parsed?.error?.message ?? `HTTP ${status}`,
              ),
            );
          }
          resolve(parsed as T);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (cause) => reject(cliError('FW_CLI_REQUEST_FAILED', `${server.url}: ${cause.message}`, { cause })));
    req.end(body);
  });
}

export async function release(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'publish':
      return publish(rest);
    case 'list':
      return list(rest);
    case 'mark-bad':
      return markBad(rest);
    default:
      throw cliError('FW_CLI_USAGE', USAGE);
  }
}
