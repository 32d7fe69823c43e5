// A real `fleetward up` server process for the benchmarks: loopback, ports chosen by the system,
// data in the given directory. Resolves once the server prints its ready line.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const BIN = new URL('../../packages/cli/bin/fleetward.js', import.meta.url).pathname;

/**
 * Starts `fleetward up --data-dir dir` at log level warn, with `env` added to the environment.
 * Gives the child process, its HTTPS and MQTTS URLs, its CA (PEM), the admin token, and stop().
 */
export async function startServer(dir, env = {}) {
  // FLEETWARD_BENCH_NODE_ARGS: options for the server's node only, e.g. `--cpu-prof --cpu-prof-dir=prof`
  // (node refuses --cpu-prof in NODE_OPTIONS)
  const nodeArgs = (process.env.FLEETWARD_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, BIN, 'up', '--data-dir', dir, '--http-port', '0', '--mqtt-port', '0'];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FLEETWARD_LOG_LEVEL: 'warn', ...env },
  });
  let text = '';
  const line = await new Promise((resolve, reject) => {
    const onData = (c) => {
      text += c;
      const m = /^ready (\S+) (\S+)$/m.exec(text);
      if (m) resolve(m);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${text}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return {
    child,
    https: line[1],
    mqtts: line[2],
    ca: await readFile(join(dir, 'ca.pem'), 'utf8'),
    token: (await readFile(join(dir, 'admin.token'), 'utf8')).trim(),
    /** SIGTERM, then waits for the process to exit. */
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
