import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiGet, removeDir, runCli, runCommand, startServer, type RunningServer } from './harness.js';

interface Summary {
  enrolled: number;
  acknowledged: number;
  sent: number;
  lost: number;
  detected: number;
  falsePositives: string[];
  infected: string[];
}

// Issue 6: no alert at all for a benign simulated fleet of 100 devices over the run. The
// attack is scheduled after the run ends, so every device reports benign metrics only.
describe('a benign simulated fleet of 100 devices on a real server process', () => {
  let server: RunningServer;

  before(async () => {
    process.env['FLEETWARD_MONITOR_WINDOW'] = '1s';
    process.env['FLEETWARD_MONITOR_TICK'] = '100ms';
    server = await startServer();
  });
  after(async () => {
    delete process.env['FLEETWARD_MONITOR_WINDOW'];
    delete process.env['FLEETWARD_MONITOR_TICK'];
    await server?.stop();
    await removeDir(server?.dir ?? '');
  });

  it('raises no alert while 100 devices send telemetry and metrics every second', async (t) => {
    const r = await runCli(
      [
        ...['sim', '--mqtt', server.mqtts, '--data-dir', server.dir, '--model', 'mixed', '--devices', '100'],
        ...['--attack', 'mirai', '--infected', '1', '--infect-after', '10m', '--metrics-interval', '1s'],
        ...['--duration', '30s', '--json'],
      ],
      { env: server.env },
    );
    assert.equal(r.code, 0, r.stderr);
    const run = JSON.parse(r.stdout) as Summary;
    assert.equal(run.enrolled, 100);
    assert.ok(run.sent > 100, 'the fleet sent telemetry');
    assert.equal(run.lost, 0);
    assert.deepEqual(run.falsePositives, []);
    assert.equal(run.detected, 0, 'nobody was infected during the run');
    const alerts = await apiGet<{ alerts: unknown[] }>(server, '/api/v1/alerts');
    assert.equal(alerts.status, 200);
    assert.deepEqual(alerts.body.alerts, [], 'no alert at all');
    const prometheus = await runCommand('curl', [
      ...['-sS', '--cacert', server.caFile, '-H', `Authorization: Bearer ${server.token}`],
      `${server.https}/metrics`,
    ]);
    const reports = Number(/^fleetward_monitor_reports_total (\d+)$/m.exec(prometheus.stdout)?.[1] ?? 0);
    t.diagnostic(`device metrics reports received: ${reports}`);
    assert.ok(reports >= 100, `the detector saw the fleet's metrics reports (${reports})`);
  });
});
