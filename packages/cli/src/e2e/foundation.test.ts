import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiGet, enrollWithCli, removeDir, runCli, runCommand, startServer, type RunningServer } from './harness.js';
import { curlEnroll, opensslCsr, pkcs7ToPem, statusOf } from './pki.js';

describe('fleetward up, claim tokens and EST enrollment on a real server process', () => {
  let server: RunningServer;
  let work: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-e2e-work-'));
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    await removeDir(server?.dir ?? '');
    await removeDir(work ?? '');
  });

  it('creates the data dir with a private master key and admin token, and prints the secrets once', async () => {
    for (const f of ['master.key', 'admin.token']) {
      assert.equal((await stat(join(server.dir, f))).mode & 0o777, 0o600, f);
    }
    assert.equal((await stat(server.dir)).mode & 0o777, 0o700);
    assert.match(server.output(), /password: \S{20,}/);
    assert.ok(server.output().includes(server.token));
    const who = await apiGet<{ username: string; role: string }>(server, '/api/v1/auth/whoami');
    assert.equal(who.body.role, 'admin');
  });

  it('enrolls a device with openssl req and curl over EST (RFC 7030 §4.2.1) and issues the certificate profile', async () => {
    const claim = await runCli(['claim', 'create', '--model', 'thermostat'], { env: server.env });
    assert.equal(claim.code, 0, claim.stderr);
    const token = claim.stdout.trim();
    assert.match(token, /^fwc_\S+$/);
    assert.equal(claim.stdout.split('\n').filter(Boolean).length, 1, 'the secret alone on stdout');

    const { csrB64 } = await opensslCsr(work, 'thermo-0001');
    const r = statusOf((await curlEnroll(server, csrB64, token, ['-D', join(work, 'headers.txt')])).stdout);
    assert.equal(r.status, 200, r.body);
    const headers = await readFile(join(work, 'headers.txt'), 'utf8');
    assert.match(headers, /content-type: application\/pkcs7-mime; ?smime-type=certs-only/i);

    const pem = await pkcs7ToPem(work, 'thermo-0001', r.body);
    const certFile = join(work, 'thermo-0001.crt');
    await writeFile(certFile, pem);
    const text = (await runCommand('openssl', ['x509', '-in', certFile, '-noout', '-text'])).stdout;
    assert.match(text, /Subject: CN ?= ?thermo-0001/);
    assert.match(text, /URI:urn:fleetward:device:thermo-0001/);
    assert.match(text, /TLS Web Client Authentication/);
    assert.match(text, /Digital Signature/);
    assert.match(text, /CA:FALSE/);
    const serial = (await runCommand('openssl', ['x509', '-in', certFile, '-noout', '-serial'])).stdout;
    assert.ok(serial.trim().replace('serial=', '').length >= 30, 'a random serial of about 128 bits');

    const cacerts = statusOf(
      (
        await runCommand('curl', [
          '-sS',
          '--cacert',
          server.caFile,
          '-w',
          '\n%{http_code}',
          `${server.https}/.well-known/est/cacerts`,
        ])
      ).stdout,
    );
    assert.equal(cacerts.status, 200);
    const chain = join(work, 'chain.pem');
    await writeFile(chain, await pkcs7ToPem(work, 'cacerts', cacerts.body));
    const verify = await runCommand('openssl', ['verify', '-CAfile', server.caFile, '-untrusted', chain, certFile]);
    assert.equal(verify.code, 0, verify.stderr + verify.stdout);
  });

  it('refuses a used-up token, a bogus token and an expired token with their codes', async () => {
    const token = (
      await runCli(['claim', 'create', '--model', 'plug', '--uses', '1'], { env: server.env })
    ).stdout.trim();
    const first = statusOf((await curlEnroll(server, (await opensslCsr(work, 'plug-0001')).csrB64, token)).stdout);
    assert.equal(first.status, 200, first.body);
    const again = statusOf((await curlEnroll(server, (await opensslCsr(work, 'plug-0002')).csrB64, token)).stdout);
    assert.equal(again.status, 410, again.body);
    assert.equal(JSON.parse(again.body).error.code, 'FW_ENROLL_TOKEN_USED_UP');

    const bogus = statusOf(
      (await curlEnroll(server, (await opensslCsr(work, 'plug-0003')).csrB64, `${token.slice(0, -4)}AAAA`)).stdout,
    );
    assert.equal(bogus.status, 401);
    assert.equal(JSON.parse(bogus.body).error.code, 'FW_ENROLL_TOKEN_INVALID');

    const short = (
      await runCli(['claim', 'create', '--model', 'plug', '--ttl', '1s'], { env: server.env })
    ).stdout.trim();
    await new Promise((r) => setTimeout(r, 1500));
    const expired = statusOf((await curlEnroll(server, (await opensslCsr(work, 'plug-0004')).csrB64, short)).stdout);
    assert.equal(expired.status, 410, expired.body);
    assert.equal(JSON.parse(expired.body).error.code, 'FW_ENROLL_TOKEN_EXPIRED');
  });

  it('enrolls with `fleetward device enroll`: the key is made on the device, 0600, and never sent', async () => {
    const r = await enrollWithCli(server, work, 'cam-0001', 'camera');
    const out = r.dir;
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await stat(join(out, 'device.key'))).mode & 0o777, 0o600);
    const verify = await runCommand('openssl', [
      'verify',
      '-CAfile',
      join(out, 'ca.pem'),
      '-untrusted',
      join(out, 'device.crt'),
      join(out, 'device.crt'),
    ]);
    assert.equal(verify.code, 0, verify.stderr + verify.stdout);
    const shown = await runCli(['device', 'show', 'cam-0001', '--json'], { env: server.env });
    assert.equal(JSON.parse(shown.stdout).state, 'active');
  });

  it('exits non-zero with the code when the command line is wrong', async () => {
    const r = await runCli(['claim', 'create'], { env: server.env });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /FW_CLI_USAGE/);
  });
});
