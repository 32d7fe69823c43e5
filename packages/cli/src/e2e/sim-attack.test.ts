import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEVICE_FILES } from '@fleetward/agent';
import { deviceDir, simDeviceId, type SimDevice } from '@fleetward/sim';
import { removeDir, runCli, startServer, type RunningServer } from './harness.js';
import { alertsOf, connectDevice, deviceState, publishCode } from './monitor-kit.js';

interface AttackRun {
  enrolled: number;
  connected: number;
  attack: string;
  infected: string[];
  outcomes: Record<string, { secondsToAlert: number | null; secondsToContainment: number | null }>;
  detected: number;
  contained: number;
  falsePositives: string[];
}

/** Each attack on its own model, so the four runs share one server without sharing devices. */
const RUNS = [
  ['mirai', 'thermostat'],
  ['exfiltration', 'camera'],
  ['flood', 'smart-plug'],
  ['bruteforce', 'industrial-sensor'],
] as const;
const DEVICES = 12;

/**
 * Issue 6, tests that must pass: `fleetward sim --attack <kind> --infected 2` against a real
 * server process (1 s metric windows): every infected device is detected and contained by the
 * default playbook, the quarantine holds at the gateway (telemetry refused, MQTT 5 PUBACK 0x87),
 * benign devices are untouched, and the JSON summary carries the ground truth.
 */
describe('fleetward sim --attack against a real server process', () => {
  let server: RunningServer;
  const runs = new Map<string, AttackRun>();

  before(async () => {
    process.env['FLEETWARD_MONITOR_WINDOW'] = '1s';
    process.env['FLEETWARD_MONITOR_TICK'] = '100ms';
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    await removeDir(server?.dir ?? '');
  });

  it('runs each attack kind on 12 devices with 2 infected and prints the ground truth as JSON', async (t) => {
    const results = await Promise.all(
      RUNS.map(([kind, model]) =>
        runCli(
          // The run ends early once both infected devices are contained; --duration bounds it.
          [
            ...['sim', '--mqtt', server.mqtts, '--data-dir', server.dir, '--model', model],
            ...['--devices', String(DEVICES), '--attack', kind, '--infected', '2'],
            ...['--infect-after', '8s', '--metrics-interval', '1s', '--duration', '45s', '--json'],
          ],
          { env: server.env },
        ),
      ),
    );
    RUNS.forEach(([kind], i) => {
      const r = results[i]!;
      assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
      const run = JSON.parse(r.stdout) as AttackRun;
      t.diagnostic(`${kind}: ${JSON.stringify(run.outcomes)}`);
      runs.set(kind, run);
      assert.equal(run.attack, kind);
      assert.equal(run.enrolled, DEVICES);
      assert.equal(run.infected.length, 2);
      for (const id of run.infected) {
        const o = run.outcomes[id]!;
        assert.equal(typeof o.secondsToAlert, 'number', `${kind}: ${id} never alerted`);
        assert.equal(typeof o.secondsToContainment, 'number', `${kind}: ${id} never contained`);
      }
      assert.equal(run.detected, 2);
      assert.equal(run.contained, 2);
      assert.deepEqual(run.falsePositives, [], kind);
    });
  });

  it("raises the attack's own alert kind and refuses the infected devices' telemetry at the gateway (PUBACK 0x87)", async () => {
    const expected: Record<string, string[]> = {
      mirai: ['backdoor', 'scanning'],
      exfiltration: ['exfiltration'],
      flood: ['flood'],
      bruteforce: ['bruteforce'],
    };
    for (const [kind, model] of RUNS) {
      for (const id of runs.get(kind)!.infected) {
        const kinds = (await alertsOf(server, id)).map((a) => a.kind);
        assert.ok(
          kinds.some((k) => expected[kind]!.includes(k)),
          `${kind}: ${id} alerts ${kinds.join(',')}`,
        );
        assert.equal(await deviceState(server, id), 'quarantined', `${kind}: ${id}`);
        const client = await connectDevice(server, await cached(model, id));
        try {
          assert.equal(await publishCode(client, `devices/${id}/telemetry`, { temp: 1 }), 0x87, `${kind}: ${id}`);
        } finally {
          await client.endAsync(true);
        }
      }
    }
  });

  it('leaves the benign devices of every run active, alert-free and able to publish', async () => {
    for (const [kind, model] of RUNS) {
      const infected = new Set(runs.get(kind)!.infected);
      const benign = Array.from({ length: DEVICES }, (_, i) => simDeviceId(model, i + 1)).filter(
        (id) => !infected.has(id),
      );
      assert.equal(benign.length, DEVICES - 2);
      for (const id of benign) {
        assert.equal(await deviceState(server, id), 'active', `${kind}: ${id}`);
        assert.deepEqual(await alertsOf(server, id), [], `${kind}: ${id}`);
      }
      const client = await connectDevice(server, await cached(model, benign[0]!));
      try {
        assert.equal(await publishCode(client, `devices/${benign[0]}/telemetry`, { temp: 2 }), 0, benign[0]);
      } finally {
        await client.endAsync(true);
      }
    }
  });

  /** The identity `fleetward sim` enrolled and cached for a device (all `connectDevice` needs). */
  async function cached(model: string, id: string): Promise<SimDevice> {
    const dir = deviceDir(server.dir, model, id);
    const [keyPem, certPem, caPem] = await Promise.all(
      [DEVICE_FILES.key, DEVICE_FILES.cert, DEVICE_FILES.ca].map((f) => readFile(join(dir, f), 'utf8')),
    );
    return { id, credentials: { deviceId: id, keyPem: keyPem!, certPem: certPem!, caPem: caPem! } } as SimDevice;
  }
});
