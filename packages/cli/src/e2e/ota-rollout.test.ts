import * as assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OtaStatus } from '@fleetward/agent';
import type { RolloutView } from '@fleetward/server';
import { Fleet, type SimDevice } from '@fleetward/sim';
import { apiGet, removeDir, runCli, startServer, type RunningServer } from './harness.js';
import { enrollThermostats } from './sim-fleet.js';
import { image } from './tuf-repo.js';
import { generateFirmwareKey } from '@fleetward/server';

const DEVICES = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Issue 5, "Tests that must pass in CI": an end-to-end rollout to 50 simulated devices in three
// waves; a second release that fails its health check on purpose pauses the rollout and the
// devices roll back.
describe('OTA rollout to 50 simulated devices (fleetward up process, sim fleet with secure boot)', () => {
  let server: RunningServer | undefined;
  let work: string;
  let fleet: Fleet | undefined;
  let devices: SimDevice[];
  const firmware = generateFirmwareKey('ed25519');
  const statuses: OtaStatus[] = [];

  before(async () => {
    process.env['FLEETWARD_ROLLOUT_TICK_MS'] = '250';
    process.env['FLEETWARD_ROLLOUT_RENOTIFY_MS'] = '20000';
    process.env['FLEETWARD_MONITOR_AUDIT_EVERY'] = '1s'; // the known-bad firmware check, below
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'fw-e2e-ota-'));
    await writeFile(join(work, 'firmware.pub'), firmware.publicKeyPem);
    devices = await enrollThermostats(server, work, DEVICES);
    const factory = image(firmware, '1.0.0', 1);
    fleet = new Fleet({
      devices,
      mqttUrl: server.mqtts,
      backoff: { baseMs: 200, maxMs: 2_000 },
      ota: {
        repositoryUrl: `${server.https}/tuf`,
        firmwareKeyPem: firmware.publicKeyPem,
        factoryImage: () => factory,
        slots: 'memory',
        // The release made to fail: every 3.x image fails its health check after booting.
        healthCheck: (booted) => booted.image.version.major !== 3,
        onStatus: (_id, s) => statuses.push(s),
      },
    });
    await fleet.start();
    assert.ok(await fleet.waitConnected(DEVICES, 60_000), 'all devices online');
  });

  after(async () => {
    await fleet?.stop();
    await server?.stop();
    if (server) await removeDir(server.dir);
    if (work) await removeDir(work);
    delete process.env['FLEETWARD_ROLLOUT_TICK_MS'];
    delete process.env['FLEETWARD_ROLLOUT_RENOTIFY_MS'];
  });

  async function publish(version: string, counter: number): Promise<string> {
    const file = join(work, `${version}.img`);
    await writeFile(file, image(firmware, version, counter));
    const r = await runCli(
      ['release', 'publish', file, '--model', 'thermostat', '--key', join(work, 'firmware.pub'), '--json'],
      { env: server!.env },
    );
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { name: string }).name;
  }

  async function status(id: string): Promise<RolloutView> {
    const r = await runCli(['rollout', 'status', id, '--json'], { env: server!.env });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as RolloutView;
  }

  async function until(id: string, states: string[], timeoutMs: number): Promise<RolloutView> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const view = await status(id);
      if (states.includes(view.state) || Date.now() > end) return view;
      await sleep(300);
    }
  }

  async function start(release: string): Promise<string> {
    const r = await runCli(
      [
        'rollout',
        'start',
        '--release',
        release,
        '--model',
        'thermostat',
        '--waves',
        '10,50,100',
        '--max-failure-rate',
        '0.05',
      ],
      { env: server!.env },
    );
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }

  it('rolls release 2.0.0 out in three waves (5, 20, 25 devices): every device confirms and runs it', async () => {
    const release = await publish('2.0.0', 2);
    const id = await start(release);
    const done = await until(id, ['completed', 'paused', 'aborted'], 120_000);
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.deepEqual(
      done.waves.map((w) => [w.size, w.confirmed, w.failed]),
      [
        [5, 5, 0],
        [20, 20, 0],
        [25, 25, 0],
      ],
    );
    await fleet!.otaIdle();
    for (const d of devices) {
      const { state, current } = await fleet!.otaOf(d.id)!.bootloader.status();
      assert.equal(current?.image.versionText, '2.0.0+0', d.id);
      assert.deepEqual([current?.mode, state.pending, state.securityCounter], ['confirmed', null, 2], d.id);
    }
    const text = await runCli(['rollout', 'status', id], { env: server!.env });
    assert.match(text.stdout, /completed/);
    assert.match(text.stdout, /wave 3 \(100%\)/);
  });

  it('pauses the rollout of 3.0.0, which fails its health check: the first wave rolls back to 2.0.0, counters not lowered, later waves never notified', async () => {
    const release = await publish('3.0.0', 3);
    const id = await start(release);
    const paused = await until(id, ['paused', 'completed', 'aborted'], 60_000);
    assert.equal(paused.state, 'paused', JSON.stringify(paused));
    assert.equal(paused.wave, 0);
    assert.match(paused.pauseReason ?? '', /failure rate/);
    await fleet!.otaIdle();
    // the last rolled-back reports travel outbox -> MQTT QoS 1 -> ingest -> rollout
    let view = await status(id);
    for (const end = Date.now() + 30_000; view.waves[0]!.failed < view.waves[0]!.size && Date.now() < end;) {
      await sleep(200);
      view = await status(id);
    }
    assert.equal(view.state, 'paused');
    const first = view.waves[0]!;
    assert.equal(first.failed, first.size, 'every device of wave 1 rolled back');
    assert.equal(view.waves[1]!.pending + view.waves[2]!.pending, 45, 'later waves were not notified');
    const rolledBack = statuses.filter((s) => s.rollout === id && s.step === 'rolled-back');
    assert.equal(rolledBack.length, first.size);
    assert.ok(rolledBack.every((s) => s.error === 'FW_OTA_HEALTH_CHECK_FAILED' && s.version === '2.0.0+0'));
    for (const d of devices) {
      const { state, current } = await fleet!.otaOf(d.id)!.bootloader.status();
      assert.equal(current?.image.versionText, '2.0.0+0', d.id);
      assert.deepEqual([state.pending, state.securityCounter], [null, 2], d.id);
    }
    const aborted = await runCli(['rollout', 'abort', id, '--json'], { env: server!.env });
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.equal((JSON.parse(aborted.stdout) as RolloutView).state, 'aborted');
  });

  it('marks 3.0.0 and 2.0.0 known-bad: listed so, refused by rollout start, every device on 2.0.0 found by the audit and alerted', async () => {
    const names = await runCli(['release', 'list', '--json'], { env: server!.env });
    const byVersion = new Map(
      (JSON.parse(names.stdout) as { name: string; version: string }[]).map((r) => [r.version, r.name]),
    );
    const v2 = byVersion.get('2.0.0+0')!;
    const v3 = byVersion.get('3.0.0+0')!;
    assert.equal(
      (await runCli(['release', 'mark-bad', v3, '--reason', 'fails its health check'], { env: server!.env })).code,
      0,
    );
    const marked = await runCli(
      ['release', 'mark-bad', v2, '--reason', 'radio firmware bug', '--advisory', 'CVE-2026-0001', '--json'],
      { env: server!.env },
    );
    assert.equal(marked.code, 0, marked.stderr);
    assert.equal((JSON.parse(marked.stdout) as { knownBad: { advisory: string } }).knownBad.advisory, 'CVE-2026-0001');
    const listed = JSON.parse((await runCli(['release', 'list', '--json'], { env: server!.env })).stdout) as {
      name: string;
      knownBad: unknown;
    }[];
    assert.deepEqual(
      listed
        .filter((r) => r.knownBad !== null)
        .map((r) => r.name)
        .sort(),
      [v2, v3].sort(),
    );
    const refused = await runCli(
      ['rollout', 'start', '--release', v2, '--model', 'thermostat', '--waves', '100', '--max-failure-rate', '0.05'],
      { env: server!.env },
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr + refused.stdout, /FW_ROLLOUT_RELEASE_KNOWN_BAD/);
    // The audit runs every second here; every device runs 2.0.0 (confirmed through the first rollout).
    let found: string[] = [];
    for (let i = 0; i < 100 && found.length < DEVICES; i++) {
      await sleep(200);
      const run = await apiGet<{ findings: { check: string; target: string }[] } | null>(
        server!,
        '/api/v1/monitor/audit',
      );
      found = (run.body?.findings ?? []).filter((f) => f.check === 'device-on-known-bad-firmware').map((f) => f.target);
    }
    assert.deepEqual(found.sort(), devices.map((d) => `device:${d.id}`).sort());
    let alerted = 0;
    for (let i = 0; i < 50 && alerted < DEVICES; i++) {
      const alerts = await apiGet<{ alerts: { kind: string }[] }>(server!, '/api/v1/alerts?state=active&limit=500');
      alerted = alerts.body.alerts.filter((a) => a.kind === 'known-bad-firmware').length;
      if (alerted < DEVICES) await sleep(200);
    }
    assert.equal(alerted, DEVICES);
  });
});
