import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiGet,
  enrollWithCli,
  removeDir,
  runCli,
  runCommand,
  startServer,
  type EnrolledDevice,
  type RunningServer,
} from './harness.js';

const TRACKER = {
  title: 'Pet tracker',
  sensors: ['GNSS'],
  fields: [
    {
      name: 'battery',
      category: 'system.operations',
      purposes: ['essential.service.operations'],
      essential: true,
      retentionDays: 30,
      description: 'Battery level.',
    },
    {
      name: 'steps',
      category: 'user.device.telemetry',
      purposes: ['analytics.reporting'],
      essential: false,
      retentionDays: 90,
      description: 'Steps walked.',
    },
  ],
};

function publish(server: RunningServer, d: EnrolledDevice, message: string) {
  const tls = ['-h', '127.0.0.1', '-p', String(server.mqttPort), '--cafile', server.caFile];
  const id = ['--cert', join(d.dir, 'device.crt'), '--key', join(d.dir, 'device.key'), '-i', d.id, '-V', 'mqttv5'];
  return runCommand('mosquitto_pub', [...tls, ...id, '-q', '1', '-t', `devices/${d.id}/telemetry`, '-m', message], {
    timeoutMs: 15_000,
  });
}

async function stored(server: RunningServer, id: string): Promise<Array<Record<string, unknown>>> {
  const r = await apiGet<{ records: Array<{ messageId: string; fields: Record<string, unknown> }> }>(
    server,
    `/api/v1/devices/${id}/telemetry`,
  );
  return r.body.records.sort((a, b) => a.messageId.localeCompare(b.messageId)).map((x) => x.fields);
}

function publicGet(
  server: RunningServer,
  path: string,
  ca: Buffer,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.https}${path}`, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('privacy on a real server process: consent at ingest, export, erasure, notices', () => {
  let server: RunningServer;
  let work: string;
  let device: EnrolledDevice;
  let owner: string;
  const cli = (...args: string[]) => runCli(['privacy', ...args], { env: server.env });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-e2e-privacy-'));
    server = await startServer();
    await writeFile(join(work, 'tracker.json'), JSON.stringify(TRACKER));
    const set = await cli('catalog', 'set', 'tracker', '--file', join(work, 'tracker.json'));
    assert.equal(set.code, 0, set.stderr);
    const e = await enrollWithCli(server, work, 'trk-0001', 'tracker');
    assert.equal(e.code, 0, e.stderr);
    device = e;
    const add = await cli('owner', 'add', '--name', 'Ada Lovelace', '--email', 'ada@example.org', '--region', 'EU');
    assert.equal(add.code, 0, add.stderr);
    owner = add.stdout.trim();
    assert.equal((await cli('owner', 'assign', owner, device.id)).code, 0);
  });
  after(async () => {
    await server?.stop();
    await removeDir(server?.dir ?? '');
    await removeDir(work ?? '');
  });

  it('stores only essential fields without consent (EU), the consented purpose after give, none after withdraw', async () => {
    assert.equal((await publish(server, device, '{"battery":90,"steps":10,"gps":"x","messageId":"m1"}')).code, 0);
    const give = await cli('consent', 'give', owner, '--device', device.id, '--purpose', 'analytics.reporting');
    assert.equal(give.code, 0, give.stderr);
    assert.equal((JSON.parse(give.stdout) as { schema_version: string }).schema_version, 'ISO/IEC TS 27560:2023');
    assert.equal((await publish(server, device, '{"battery":80,"steps":20,"messageId":"m2"}')).code, 0);
    const withdraw = await cli('consent', 'withdraw', owner, '--device', device.id, '--purpose', 'analytics.reporting');
    assert.equal(withdraw.code, 0, withdraw.stderr);
    assert.equal((await publish(server, device, '{"battery":70,"steps":30,"messageId":"m3"}')).code, 0);
    assert.deepEqual(await stored(server, device.id), [{ battery: 90 }, { battery: 80, steps: 20 }, { battery: 70 }]);
    const receipts = await cli('consent', 'list', owner);
    assert.equal((JSON.parse(receipts.stdout) as { receipts: unknown[] }).receipts.length, 2);
  });

  it('exports everything about the owner, then erases it: nothing found, and audit verify still passes', async () => {
    const exported = await cli('export', owner, '--out', join(work, 'export.json'));
    assert.equal(exported.code, 0, exported.stderr);
    const x = JSON.parse(await readFile(join(work, 'export.json'), 'utf8')) as {
      owner: { email: string };
      telemetry: unknown[];
      consents: unknown[];
    };
    assert.equal(x.owner.email, 'ada@example.org');
    assert.equal(x.telemetry.length, 3);
    assert.equal(x.consents.length, 2);

    const erased = await cli('erase', owner);
    assert.equal(erased.code, 0, erased.stderr);
    assert.deepEqual(await stored(server, device.id), []);
    const again = await cli('export', owner);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /FW_PRIVACY_OWNER_NOT_FOUND/);
    const owners = await cli('owner', 'list', '--json');
    assert.doesNotMatch(owners.stdout, new RegExp(owner));

    const verify = await runCli(['audit', 'verify'], { env: server.env });
    assert.equal(verify.code, 0, verify.stderr);
    const log = await apiGet<{ entries: unknown[] }>(server, '/api/v1/audit?limit=1000');
    const text = JSON.stringify(log.body.entries);
    assert.match(text, /privacy\.subject\.erase/);
    assert.doesNotMatch(text, new RegExp(`Ada|ada@example\\.org|${owner}`));
  });

  it('serves the notice and label publicly at /privacy/<model>, and renders it to a file', async () => {
    const ca = await readFile(server.caFile);
    const html = await publicGet(server, '/privacy/tracker', ca);
    assert.equal(html.status, 200);
    assert.match(html.type, /text\/html/);
    assert.match(html.body, /Pet tracker/);
    assert.match(html.body, /Security updates until/);
    const md = await cli('notice', 'thermostat', '--format', 'md', '--out', join(work, 'thermostat.md'));
    assert.equal(md.code, 0, md.stderr);
    const text = await readFile(join(work, 'thermostat.md'), 'utf8');
    assert.match(text, /^# Privacy notice: Home thermostat/);
    assert.match(text, /temperature/);
    const unknown = await publicGet(server, '/privacy/no-such-model', ca);
    assert.equal(unknown.status, 404);
  });
});
