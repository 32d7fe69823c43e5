import * as assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli, runCommand, startServer, type RunningServer } from './harness.js';
import { curlSimpleEnroll, opensslCsr, opensslIdevid, pkcs7ToPem, statusOf } from './pki.js';

describe('enrollment with a manufacturer certificate (IEEE 802.1AR IDevID) on a real server process', () => {
  let server: RunningServer;
  let work: string;
  let idevid: { ca: string; cert: string; key: string };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-e2e-idevid-'));
    server = await startServer();
    idevid = await opensslIdevid(work, 'sensor-0042');
  });
  after(async () => {
    await server?.stop();
    await removeDir(server?.dir ?? '');
    await removeDir(work ?? '');
  });

  async function enrollWithIdevid(cn: string) {
    const { csrB64 } = await opensslCsr(work, cn);
    const r = await curlSimpleEnroll(server, csrB64, ['--cert', idevid.cert, '--key', idevid.key]);
    return statusOf(r.stdout);
  }

  it('refuses an IDevID whose manufacturer is not registered', async () => {
    const r = await enrollWithIdevid('sensor-0042');
    assert.equal(r.status, 401, r.body);
  });

  it('enrolls the device named by the IDevID serialNumber once its manufacturer is registered', async () => {
    const add = await runCli(['manufacturer', 'add', '--model', 'sensor', '--name', 'Acme', '--ca-cert', idevid.ca], {
      env: server.env,
    });
    assert.equal(add.code, 0, add.stderr);
    const wrongName = await enrollWithIdevid('sensor-9999');
    assert.equal(wrongName.status, 400, wrongName.body);
    const r = await enrollWithIdevid('sensor-0042');
    assert.equal(r.status, 200, r.body);
    const pem = await pkcs7ToPem(work, 'sensor', r.body);
    assert.match(pem, /subject=CN ?= ?sensor-0042/);
    const shown = await runCli(['device', 'show', 'sensor-0042', '--json'], { env: server.env });
    const device = JSON.parse(shown.stdout) as { model: string; enrolledVia: string };
    assert.equal(device.model, 'sensor');
    assert.equal(device.enrolledVia, 'idevid');
  });

  it('never lets the IDevID itself onto the gateway', async () => {
    const r = await runCommand(
      'mosquitto_pub',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(server.mqttPort),
        '--cafile',
        server.caFile,
        '--cert',
        idevid.cert,
        '--key',
        idevid.key,
        '-i',
        'sensor-0042',
        '-V',
        'mqttv5',
        '-q',
        '1',
        '-t',
        'devices/sensor-0042/telemetry',
        '-m',
        '{}',
      ],
      { timeoutMs: 15_000 },
    );
    assert.notEqual(r.code, 0);
  });
});
