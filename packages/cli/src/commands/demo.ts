import type { RunningFleetward } from '@fleetward/server';
import { startSimulation, type RunningSimulation } from '@fleetward/sim';
import { readFile } from 'node:fs/promises';
import { api } from '../client.js';
import { cliError } from '../errors.js';
import { out } from '../output.js';

/** `--demo N`: 1 to 10,000 devices. */
export function demoSize(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw cliError('FW_CLI_USAGE', '--demo must be 1 to 10000 devices');
  return n;
}

/**
 * `fleetward up --demo N`: a simulated mixed fleet (thermostats, cameras, smart plugs,
 * industrial sensors) in this process, enrolled over EST with claim tokens like real devices
 * and cached in `<data dir>/sim/`, sending until the server stops.
 */
export async function startDemo(
  server: RunningFleetward,
  devices: number,
  dataDir: string,
): Promise<RunningSimulation> {
  const token = (await readFile(server.files.adminToken, 'utf8').catch(() => '')).trim();
  if (!token) throw cliError('FW_CLI_NO_SERVER', `--demo needs the admin token in ${server.files.adminToken}`);
  const ref = { url: server.urls.https, token, ca: server.fleetward.identity.rootPem };
  out.say(`demo: enrolling and connecting ${devices} simulated devices (cached in ${dataDir}/sim)`);
  const running = await startSimulation({
    server: server.urls.https,
    mqttUrl: server.urls.mqtts,
    caPem: ref.ca,
    dataDir,
    devices,
    model: 'mixed',
    createClaim: async (model, uses) =>
      (await api<{ token: string }>(ref, 'POST', '/api/v1/claims', { model, uses, ttlSeconds: 3600 })).token,
    stream: process.stderr,
    drainMs: 3_000,
  });
  const first = running.fleet.agents[0]?.deviceId ?? 'sim-thermostat-00001';
  out.say(`demo: live. Try: npx fleetward device list   or   npx fleetward device show ${first}`);
  return running;
}
