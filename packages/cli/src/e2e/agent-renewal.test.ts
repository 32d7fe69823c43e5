import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNodeAgent } from '@fleetward/agent';
import { compare, steadySender, storedIds, waitFor } from './agent-kit.js';
import { enrollWithCli, removeDir, startServer, type RunningServer } from './harness.js';

describe('certificate renewal seen from a running agent (RFC 7030 §4.2.2)', () => {
  let server: RunningServer;
  let work: string;
  before(async () => {
    server = await startServer(undefined, ['--device-cert-days', '1']);
    work = await mkdtemp(join(tmpdir(), 'fw-agent-renew-'));
  });
  after(async () => {
    await server?.stop();
    await removeDir(server.dir);
    await removeDir(work);
  });

  it('renews before expiry, reconnects with the new certificate and loses nothing', async () => {
    const device = await enrollWithCli(server, work, 'renew-1');
    assert.equal(device.code, 0, device.stderr);
    const cert = new X509Certificate(await readFile(join(device.dir, 'device.crt')));
    const notBefore = Date.parse(cert.validFrom);
    const lifetime = Date.parse(cert.validTo) - notBefore;
    // Renew 3 s from now instead of at two thirds of a day: the same code path, a short wait.
    const renewAt = (Date.now() + 3_000 - notBefore) / lifetime;
    const agent = await createNodeAgent({
      dir: device.dir,
      server: server.https,
      mqttUrl: server.mqtts,
      renewAt,
    });
    const renewed: number[] = [];
    const errors: string[] = [];
    agent.on('renewed', (notAfter) => renewed.push(notAfter));
    agent.on('error', (e) => errors.push(e.code));
    await agent.start();
    const sender = steadySender(agent, 25, (n) => ({ n }));
    await waitFor(() => renewed.length >= 2, 60_000, 'two renewals');
    await sender.stop();
    await waitFor(() => agent.stats().queued === 0, 30_000, 'the outbox to drain');
    await agent.stop();
    assert.deepEqual(errors, []);
    const renewedCert = new X509Certificate(await readFile(join(device.dir, 'device.crt')));
    assert.notEqual(renewedCert.serialNumber, cert.serialNumber, 'device.crt is the new certificate');
    const { missing, duplicated } = compare(sender.written, await storedIds(server, device.id));
    assert.deepEqual(missing, []);
    assert.deepEqual(duplicated, []);
  });
});
