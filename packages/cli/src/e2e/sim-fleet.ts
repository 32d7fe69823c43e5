// Helpers of the simulator e2e tests (sim-*.test.ts): enrolled fleets, stored ids.
import { readFile } from 'node:fs/promises';
import { enrollFleet, type SimDevice } from '@fleetward/sim';
import { apiGet, runCli, type RunningServer } from './harness.js';

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
