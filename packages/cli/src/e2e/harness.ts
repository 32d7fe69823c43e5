import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `fleetward` command, as users run it. */
export const BIN = fileURLToPath(new URL('../../bin/fleetward.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `fleetward …` to completion. */
export function runCli(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return runCommand(process.execPath, [BIN, ...args], opts);
}

/** Runs any command (openssl, curl, mosquitto_pub) to completion, without a shell. */
export function runCommand(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string | Buffer; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.end(opts.input);
  });
}

export interface RunningServer {
  readonly dir: string;
  readonly https: string;
  readonly mqtts: string;
  readonly mqttPort: number;
  readonly caFile: string;
  readonly token: string;
  /** stdout and stderr so far (first-run secrets are in stderr). */
  readonly output: () => string;
  /** Env that points the operator CLI at this server. */
  readonly env: NodeJS.ProcessEnv;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `fleetward up` as a real process on ephemeral ports in `dir` (a new temp dir by default). */
export async function startServer(dir?: string, extra: readonly string[] = []): Promise<RunningServer> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'fw-e2e-')));
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'up', '--data-dir', dataDir, '--http-port', '0', '--mqtt-port', '0', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLEETWARD_MASTER_KEY: '' } },
  );
  let text = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (c: Buffer) => {
      text += c.toString();
      const m = /^ready (\S+) (\S+)$/m.exec(text);
      if (m) resolve(m[0]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`fleetward up exited ${code}:\n${text}`)));
    setTimeout(() => reject(new Error(`fleetward up not ready in 60 s:\n${text}`)), 60_000).unref();
  });
  const line = await ready;
  const [, https, mqtts] = line.split(' ') as [string, string, string];
  const caFile = join(dataDir, 'ca.pem');
  const token = (await readFile(join(dataDir, 'admin.token'), 'utf8')).trim();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    dir: dataDir,
    https,
    mqtts,
    mqttPort: Number(new URL(mqtts).port),
    caFile,
    token,
    output: () => text,
    env: { FLEETWARD_URL: https, FLEETWARD_TOKEN: token, FLEETWARD_CA: caFile },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Calls the REST API of a running server with curl-free node:https. */
export async function apiGet<T>(server: RunningServer, path: string): Promise<{ status: number; body: T }> {
  const { request } = await import('node:https');
  const ca = await readFile(server.caFile);
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.https}${path}`,
      { ca, headers: { authorization: `Bearer ${server.token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') as T }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A device enrolled through the CLI, as a device maker would: key made locally in `dir`. */
export interface EnrolledDevice {
  readonly id: string;
  readonly dir: string;
}

/** `fleetward claim create` then `fleetward device enroll --out <work>/<id>`. */
export async function enrollWithCli(
  server: RunningServer,
  work: string,
  id: string,
  model = 'thermostat',
): Promise<EnrolledDevice & CliResult> {
  const claim = await runCli(['claim', 'create', '--model', model], { env: server.env });
  if (claim.code !== 0) throw new Error(`claim create failed: ${claim.stderr}`);
  const dir = join(work, id);
  const args = [
    '--server',
    server.https,
    '--ca',
    server.caFile,
    '--claim',
    claim.stdout.trim(),
    '--id',
    id,
    '--out',
    dir,
  ];
  const r = await runCli(['device', 'enroll', ...args]);
  return { id, dir, ...r };
}
