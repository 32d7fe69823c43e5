// The device agent's enrollment against the real EST server. The agent package must not
// depend on the server (nor the server on the agent), so it is loaded at run time here.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEstServer, type EstServer } from './harness.js';

interface EnrollResult {
  certificatePem: string;
  serial: string;
  notAfter: Date;
}
interface AgentEnroll {
  enrollDevice(o: {
    server: string;
    caPem: string;
    claimToken: string;
    deviceId: string;
    outDir: string;
  }): Promise<EnrollResult>;
  reenrollDevice(o: { server: string; dir: string }): Promise<EnrollResult>;
}

const AGENT = '@fleetward/agent';

describe('agent enrollDevice against the EST server', () => {
  let s: EstServer;
  let agent: AgentEnroll;
  before(async () => {
    s = await startEstServer();
    agent = (await import(AGENT)) as AgentEnroll;
  });
  after(() => s.stop());

  it('makes a 0600 key, enrolls and writes device.crt (leaf + issuing) and ca.pem', async () => {
    const { token } = await s.identity.createClaim({ model: 'gw-1', createdBy: 'operator:alice' });
    const outDir = join(s.dir, 'agent-1');
    const r = await agent.enrollDevice({
      server: s.url,
      caPem: s.identity.rootPem,
      claimToken: token,
      deviceId: 'agent-001',
      outDir,
    });
    assert.equal((await stat(join(outDir, 'device.key'))).mode & 0o777, 0o600);
    const crt = await readFile(join(outDir, 'device.crt'), 'utf8');
    assert.equal(crt, r.certificatePem);
    assert.equal(crt.match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.equal(await readFile(join(outDir, 'ca.pem'), 'utf8'), s.identity.rootPem);
    const leaf = new X509Certificate(crt);
    assert.equal(leaf.subject, 'CN=agent-001');
    assert.equal(leaf.serialNumber.toLowerCase(), r.serial);
    const key = await readFile(join(outDir, 'device.key'), 'utf8');
    assert.ok(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(key)));
    const verified = await s.identity.verifyDeviceCertificate(leaf.raw);
    assert.equal(verified.model, 'gw-1');
  });

  it('renews with reenrollDevice and a new key', async () => {
    const dir = join(s.dir, 'agent-1');
    const before = await readFile(join(dir, 'device.key'), 'utf8');
    const r = await agent.reenrollDevice({ server: s.url, dir });
    assert.notEqual(await readFile(join(dir, 'device.key'), 'utf8'), before);
    assert.equal((await stat(join(dir, 'device.key'))).mode & 0o777, 0o600);
    const leaf = new X509Certificate(await readFile(join(dir, 'device.crt')));
    assert.equal(leaf.serialNumber.toLowerCase(), r.serial);
  });

  it('reports the server refusal with FW_AGENT_ENROLL_REFUSED and its code', async () => {
    const err = await agent
      .enrollDevice({
        server: s.url,
        caPem: s.identity.rootPem,
        claimToken: 'fwc_bogus.bogus',
        deviceId: 'agent-002',
        outDir: join(s.dir, 'agent-2'),
      })
      .catch((e: unknown) => e as { code: string; cause: { code: string } });
    assert.equal((err as { code: string }).code, 'FW_AGENT_ENROLL_REFUSED');
    assert.equal((err as { cause: { code: string } }).cause.code, 'FW_ENROLL_TOKEN_INVALID');
  });

  it('refuses a server its CA file does not trust with FW_AGENT_SERVER_UNREACHABLE', async () => {
    const other = await startEstServer();
    try {
      const err = await agent
        .enrollDevice({
          server: other.url,
          caPem: s.identity.rootPem,
          claimToken: 'x',
          deviceId: 'agent-003',
          outDir: join(s.dir, 'agent-3'),
        })
        .catch((e: unknown) => e as { code: string });
      assert.equal((err as { code: string }).code, 'FW_AGENT_SERVER_UNREACHABLE');
    } finally {
      await other.stop();
    }
  });

  it('refuses a plain http server URL and an existing identity', async () => {
    const bad = agent.enrollDevice({
      server: 'http://127.0.0.1:1',
      caPem: s.identity.rootPem,
      claimToken: 'x',
      deviceId: 'agent-004',
      outDir: join(s.dir, 'agent-4'),
    });
    await assert.rejects(bad, { code: 'FW_AGENT_INPUT_INVALID' });
    const again = agent.enrollDevice({
      server: s.url,
      caPem: s.identity.rootPem,
      claimToken: 'x',
      deviceId: 'agent-001',
      outDir: join(s.dir, 'agent-1'),
    });
    await assert.rejects(again, { code: 'FW_AGENT_ALREADY_ENROLLED' });
  });
});
