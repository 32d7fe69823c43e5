import * as assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MqttClient } from 'mqtt';
import {
  ATTACK_KINDS,
  attackBehavior,
  benignMetrics,
  deviceSeed,
  GroundTruth,
  mulberry32,
  type AttackBehavior,
  type SimDevice,
} from '@fleetward/sim';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { apiGet, removeDir, runCli, startServer, type RunningServer } from './harness.js';
import { alertsOf, connectDevice, deviceState, publishCode, sleep } from './monitor-kit.js';
import { enrollThermostats } from './sim-fleet.js';

const PER_KIND = 2;
const BENIGN = 4;
const TICK_MS = 100;

interface Sim {
  device: SimDevice;
  client: MqttClient;
  attack?: AttackBehavior;
  metrics: (at: Date) => Record<string, unknown>;
  stopped: boolean;
}

/**
 * Issue 6, tests that must pass: every attack kind is detected for every infected device, and the
 * default playbook contains it; the quarantine is verified at the gateway (telemetry refused
 * with MQTT 5 reason 0x87). A real `fleetward up` with 1 s metric windows; real MQTT 5 clients
 * over mutual TLS; each tick every device sends telemetry and a metrics report.
 */
describe('monitoring e2e: attacks on a real server are detected and contained by the default playbook', () => {
  let server: RunningServer;
  let work: string;
  const sims: Sim[] = [];
  const truth = new Map<string, GroundTruth>();
  let loop: NodeJS.Timeout | undefined;

  before(async () => {
    process.env['FLEETWARD_MONITOR_WINDOW'] = '1s';
    process.env['FLEETWARD_MONITOR_TICK'] = '100ms';
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'fw-monitor-'));
    const devices = await enrollThermostats(server, work, ATTACK_KINDS.length * PER_KIND + BENIGN);
    // the loop first, so every device reports from its first metric window on: windows with no
    // report would teach the baselines a zero rate
    let n = 0;
    loop = setInterval(() => {
      n++;
      for (const s of sims) void drive(s, n);
    }, TICK_MS);
    for (const device of devices) {
      const random = mulberry32(deviceSeed(6, device.id));
      sims.push({
        device,
        client: await connectDevice(server, device),
        metrics: benignMetrics('thermostat', random),
        stopped: false,
      });
    }
  });

  after(async () => {
    if (loop) clearInterval(loop);
    for (const s of sims) await s.client.endAsync(true).catch(() => undefined);
    await server?.stop();
    await removeDir(server.dir);
    await removeDir(work);
  });

  async function drive(s: Sim, n: number): Promise<void> {
    if (s.stopped || !s.client.connected) return;
    const id = s.device.id;
    const at = new Date();
    const base = s.metrics(at) as never;
    s.client.publish(`devices/${id}/metrics`, JSON.stringify({ metrics: s.attack ? s.attack.metrics(base) : base }), {
      qos: 0,
    });
    if (n % 5 === 0) s.client.publish(`devices/${id}/telemetry`, JSON.stringify({ temp: 21 }), { qos: 0 });
    const a = s.attack;
    if (!a) return;
    const per = (rate: number) => Math.round((rate * TICK_MS) / 1000);
    for (let i = 0; i < per(a.floodPerSecond); i++)
      s.client.publish(`devices/${id}/telemetry`, JSON.stringify({ temp: 99 }), { qos: 0 });
    for (let i = 0; i < per(a.unauthorizedPerSecond); i++) {
      s.client.publish(`devices/not-${id}/telemetry`, '{}', { qos: 0 });
    }
  }

  it('raises no alert for the benign fleet during warm-up', async () => {
    await sleep(7_000); // warm-up: more than five 1 s windows for the baselines
    assert.deepEqual(await alertsOf(server), []);
  });

  it('detects every infected device of every attack kind and quarantines it (seconds to alert and containment)', async (t) => {
    const started = Date.now();
    ATTACK_KINDS.forEach((kind, k) => {
      const gt = new GroundTruth(kind);
      truth.set(kind, gt);
      for (let i = 0; i < PER_KIND; i++) {
        const s = sims[k * PER_KIND + i]!;
        s.attack = attackBehavior(kind, mulberry32(deviceSeed(7, s.device.id)));
        gt.infect(s.device.id, Date.now());
      }
    });
    const infected = sims.filter((s) => s.attack);
    while (Date.now() - started < 30_000) {
      for (const s of infected) {
        const gt = truth.get(s.attack!.kind)!;
        // the state first: the playbook quarantines only after the alert is stored, so a
        // quarantine seen here guarantees the alert query below sees its alert too
        const quarantined = (await deviceState(server, s.device.id)) === 'quarantined';
        if ((await alertsOf(server, s.device.id)).length > 0) gt.alerted(s.device.id, Date.now());
        if (quarantined) gt.contained(s.device.id, Date.now());
      }
      const done = (gt: GroundTruth) => gt.summary().contained === PER_KIND && gt.summary().detected === PER_KIND;
      if ([...truth.values()].every(done)) break;
      await sleep(200);
    }
    for (const [kind, gt] of truth) {
      const summary = gt.summary();
      t.diagnostic(JSON.stringify(summary));
      for (const id of summary.infected) {
        assert.notEqual(summary.outcomes[id]!.secondsToAlert, null, `${kind}: ${id} never alerted`);
        assert.notEqual(summary.outcomes[id]!.secondsToContainment, null, `${kind}: ${id} never contained`);
      }
      const alerts = (await Promise.all(summary.infected.map((id) => alertsOf(server, id)))).flat();
      const expected = {
        mirai: ['backdoor', 'scanning'],
        exfiltration: ['exfiltration'],
        flood: ['flood'],
        bruteforce: ['bruteforce'],
      }[kind]!;
      assert.ok(
        alerts.some((a) => expected.includes(a.kind)),
        `${kind}: alert kinds ${alerts.map((a) => a.kind).join(',')}`,
      );
    }
  });

  it('refuses telemetry from a quarantined device at the gateway (MQTT 5 PUBACK 0x87)', async () => {
    for (const s of sims.filter((x) => x.attack)) {
      s.stopped = true;
      if (!s.client.connected) s.client = await connectDevice(server, s.device); // brute force reconnects
      const code = await publishCode(s.client, `devices/${s.device.id}/telemetry`, { temp: 1 });
      assert.equal(code, 0x87, `${s.device.id} could still publish telemetry`);
    }
  });

  it('keeps benign devices alert-free and active, and records each incident with its playbook step', async () => {
    for (const s of sims.filter((x) => !x.attack)) {
      assert.deepEqual(await alertsOf(server, s.device.id), [], s.device.id);
      assert.equal(await deviceState(server, s.device.id), 'active');
      const code = await publishCode(s.client, `devices/${s.device.id}/telemetry`, { temp: 2 });
      assert.equal(code, 0);
    }
    const r = await apiGet<{ incidents: { id: string; deviceId: string; state: string }[] }>(
      server,
      '/api/v1/incidents',
    );
    const infected = sims.filter((x) => x.attack).map((x) => x.device.id);
    assert.deepEqual(r.body.incidents.map((i) => i.deviceId).sort(), infected.sort());
    for (const inc of r.body.incidents) {
      assert.equal(inc.state, 'contained');
      const detail = await apiGet<{
        timeline: { entry: string; stepKey: string | null; details: { status?: string } }[];
      }>(server, `/api/v1/incidents/${inc.id}`);
      const steps = detail.body.timeline.filter((t) => t.entry === 'step');
      assert.equal(steps.length, 1);
      assert.equal(steps[0]!.stepKey, 'contain-compromised#0:quarantine');
      assert.equal(steps[0]!.details.status, 'done');
    }
  });

  it('serves alerts, incidents, profiles and playbooks through the CLI; a replay changes nothing', async () => {
    const env = server.env;
    // any state: the gateway-side alerts (flood, authorization failures) clear after three quiet
    // windows once the attackers are quarantined
    const alerts = JSON.parse((await runCli(['alerts', '--limit', '1000', '--json'], { env })).stdout) as {
      deviceId: string;
    }[];
    const infected = sims.filter((s) => s.attack).map((s) => s.device.id);
    assert.deepEqual([...new Set(alerts.map((a) => a.deviceId))].sort(), infected.sort());
    const list = await runCli(['incidents', '--json'], { env });
    const [first] = JSON.parse(list.stdout) as { id: string }[];
    const shown = await runCli(['incidents', 'show', first!.id, '--json'], { env });
    assert.equal(shown.code, 0);
    const replayed = await runCli(['incidents', 'replay', first!.id, '--json'], { env });
    // what a replay could change: the state and the steps (alerts may clear meanwhile and add notes)
    const essence = (text: string) => {
      const i = JSON.parse(text) as { state: string; severity: string; timeline: { entry: string }[] };
      return { state: i.state, severity: i.severity, steps: i.timeline.filter((e) => e.entry === 'step') };
    };
    assert.deepEqual(essence(replayed.stdout), essence(shown.stdout));
    const text = await runCli(['incidents', 'show', first!.id], { env });
    assert.match(text.stdout, /contain-compromised#0:quarantine done/);
    const file = join(work, 'notify.yaml');
    await writeFile(
      file,
      'name: notify-soc\ntrigger:\n  kinds: ["*"]\n  minSeverity: critical\nsteps:\n  - action: force-update\n',
    );
    assert.equal((await runCli(['playbooks', 'set', '--file', file], { env })).code, 0);
    const names = (JSON.parse((await runCli(['playbooks', '--json'], { env })).stdout) as { name: string }[]).map(
      (p) => p.name,
    );
    assert.deepEqual(names.sort(), ['contain-compromised', 'notify-soc', 'update-known-bad-firmware']);
    const profiles = JSON.parse((await runCli(['profiles', 'list', '--json'], { env })).stdout) as { name: string }[];
    assert.deepEqual(
      profiles.map((p) => p.name),
      ['default'],
    );
    const bad = await runCli(['profiles', 'set', '--file', file], { env });
    assert.match(bad.stderr, /FW_MONITOR_PROFILE_INVALID/);
  });

  it('exposes the detector metrics in Prometheus text to a token, and to no one else', async () => {
    const get = (token?: string) =>
      new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
        const req = request(`${server.https}/metrics`, { ca: sims[0]!.device.credentials.caPem, headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal((await get()).status, 401);
    const r = await get(server.token);
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    assert.match(r.body, /^fleetward_monitor_reports_total [1-9]\d*$/m);
    assert.match(r.body, /^fleetward_monitor_alerts_raised_total\{kind="backdoor",severity="critical"\} [1-9]/m);
  });
});
