import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixedClock } from '../../kernel/index.js';
import { startEstServer, type EstServer } from './harness.js';

const EST = '/.well-known/est';

function errorCode(body: Buffer | string): string {
  return (JSON.parse(body.toString()) as { error: { code: string } }).error.code;
}

/** openssl options for a new, unencrypted P-256 key written to `keyFile`. */
function newP256Key(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile];
}

/** How curl authenticates: a client certificate and its key, or Basic `user:password`. */
type CurlAuth = { cert: string; key: string } | { user: string };

describe('EST over HTTPS (RFC 7030)', () => {
  const clock = new FixedClock(new Date());
  let s: EstServer;
  let token: string;
  before(async () => {
    s = await startEstServer(clock);
    token = (await s.identity.createClaim({ model: 'sensor-1', uses: 5, createdBy: 'operator:alice' })).token;
  });
  after(() => s.stop());

  /** openssl: a P-256 key and a base64 DER CSR for `cn`, exactly as a user would make them. */
  async function csr(name: string, cn: string, key?: string): Promise<void> {
    const keyArgs = key ? ['-key', key] : newP256Key(`${name}.key`);
    await s.sh('openssl', ['req', '-new', ...keyArgs, '-subj', `/CN=${cn}`, '-outform', 'DER', '-out', `${name}.der`]);
    await s.sh('openssl', ['base64', '-in', `${name}.der`, '-out', `${name}.b64`]);
  }

  /** openssl: a self-signed P-256 certificate `${name}.pem` with its key `${name}.key`. */
  async function selfSigned(name: string, subj: string, days: number, extensions: string[] = []): Promise<void> {
    await s.sh('openssl', [
      'req',
      '-x509',
      ...newP256Key(`${name}.key`),
      '-out',
      `${name}.pem`,
      '-subj',
      subj,
      '-days',
      String(days),
      ...extensions.flatMap((e) => ['-addext', e]),
    ]);
  }

  /** openssl: a P-256 key `${name}.key` and certificate `${name}.pem` for `subj`, signed by `${ca}.pem`. */
  async function issuedBy(ca: string, name: string, subj: string, days: number): Promise<void> {
    await s.sh('openssl', ['req', '-new', ...newP256Key(`${name}.key`), '-out', `${name}.csr`, '-subj', subj]);
    await s.sh('openssl', [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      String(days),
      '-out',
      `${name}.pem`,
    ]);
  }

  /** Decodes an EST certs-only answer to PEM with openssl. */
  async function certsOf(b64File: string, pemFile: string): Promise<void> {
    await s.sh('openssl', ['base64', '-d', '-in', b64File, '-out', `${b64File}.der`]);
    await s.sh('openssl', ['pkcs7', '-inform', 'DER', '-in', `${b64File}.der`, '-print_certs', '-out', pemFile]);
  }

  /** curl: POSTs the base64 CSR `${name}.b64` to an EST route. */
  function postCsr(route: string, name: string, auth: CurlAuth): Promise<{ status: number; body: string }> {
    const tls = 'cert' in auth ? ['--cert', auth.cert, '--key', auth.key] : [];
    const basic = 'user' in auth ? ['-u', auth.user] : [];
    const csrBody = ['--data-binary', `@${name}.b64`, '-H', 'Content-Type: application/pkcs10'];
    return s.curl(`${EST}/${route}`, [...tls, ...csrBody, ...basic]);
  }

  /** A POST to an EST route with the built-in client. */
  function post(route: string, headers: Record<string, string> | undefined, body: string | Buffer) {
    return s.fetch(`${EST}/${route}`, { method: 'POST', headers, body });
  }

  /** The error code of a JSON error answer that curl wrote to `bodyFile`. */
  async function errorCodeIn(bodyFile: string): Promise<string> {
    return errorCode(await readFile(join(s.dir, bodyFile)));
  }

  async function certIn(pemFile: string): Promise<X509Certificate> {
    return new X509Certificate(await readFile(join(s.dir, pemFile)));
  }

  it('serves the CA chain at /cacerts as base64 PKCS#7 certs-only (RFC 7030 §4.1.3)', async () => {
    const res = await s.fetch(`${EST}/cacerts`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/pkcs7-mime; smime-type=certs-only');
    assert.equal(res.headers['content-transfer-encoding'], 'base64');
    const { body } = await s.curl(`${EST}/cacerts`, []);
    await certsOf(body, 'chain.pem');
    const pem = await readFile(join(s.dir, 'chain.pem'), 'utf8');
    assert.equal(pem.match(/BEGIN CERTIFICATE/g)?.length, 2);
  });

  it('enrolls with openssl + curl and a claim token as Basic password (RFC 7030 §4.2.1, §3.2.3)', async () => {
    await csr('dev', 'est-dev-1');
    const res = await postCsr('simpleenroll', 'dev', { user: `x:${token}` });
    assert.equal(res.status, 200);
    await certsOf(res.body, 'dev.pem');
    const out = await s.sh('openssl', ['verify', '-CAfile', 'ca.pem', '-untrusted', 'chain.pem', 'dev.pem']);
    assert.match(out, /dev\.pem: OK/);
    const cert = await certIn('dev.pem');
    assert.equal(cert.subject, 'CN=est-dev-1');
  });

  it('enrolls with the claim token as Bearer', async () => {
    await csr('bearer', 'est-dev-2');
    const body = await readFile(join(s.dir, 'bearer.b64'));
    const res = await post(
      'simpleenroll',
      { 'content-type': 'application/pkcs10', authorization: `Bearer ${token}` },
      body,
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/pkcs7-mime; smime-type=certs-only');
  });

  it('re-enrolls with the current certificate over curl --cert/--key (RFC 7030 §4.2.2)', async () => {
    await csr('renew', 'est-dev-1', 'dev.key');
    const res = await postCsr('simplereenroll', 'renew', { cert: 'dev.pem', key: 'dev.key' });
    assert.equal(res.status, 200);
    await certsOf(res.body, 'renewed.pem');
    const renewed = await certIn('renewed.pem');
    const old = await certIn('dev.pem');
    const rows = await s.ctx.store.query<{ serial: string; status: string }>(
      'select serial, status from certificates where device_id = $1 order by created_at, status',
      ['est-dev-1'],
    );
    const bySerial = Object.fromEntries(rows.rows.map((r) => [r.serial.toUpperCase(), r.status]));
    assert.equal(bySerial[old.serialNumber], 'superseded');
    assert.equal(bySerial[renewed.serialNumber], 'valid');
    assert.ok(s.audit.actions().includes('device.reenroll'));
  });

  it('refuses a re-enrollment CSR naming another device with FW_CSR_SUBJECT_INVALID', async () => {
    await csr('other', 'est-dev-2', 'dev.key');
    const res = await postCsr('simplereenroll', 'other', { cert: 'dev.pem', key: 'dev.key' });
    assert.equal(res.status, 400);
    assert.equal(await errorCodeIn(res.body), 'FW_CSR_SUBJECT_INVALID');
  });

  it('enrolls with an IDevID whose serialNumber names the device (IEEE 802.1AR)', async () => {
    await selfSigned('mfr', '/CN=Acme Devices CA/O=Acme', 3650, [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await issuedBy('mfr', 'idev', '/CN=Acme Sensor/serialNumber=acme-0042', 3650);
    clock.set(new Date()); // openssl dated the IDevID with the wall clock
    const caPem = await readFile(join(s.dir, 'mfr.pem'), 'utf8');
    await s.identity.registerManufacturer({ model: 'acme-sensor', name: 'Acme', caPem, actor: 'operator:alice' });
    await csr('acme', 'acme-0042');
    const res = await postCsr('simpleenroll', 'acme', { cert: 'idev.pem', key: 'idev.key' });
    assert.equal(res.status, 200);
    const d = await s.ctx.store.query<{ model: string; enrolled_via: string }>(
      'select model, enrolled_via from devices where id = $1',
      ['acme-0042'],
    );
    assert.deepEqual(d.rows[0], { model: 'acme-sensor', enrolled_via: 'idevid' });
    assert.ok(s.audit.actions().includes('manufacturer.register'));
  });

  it('refuses an IDevID CSR whose CN differs from the serialNumber', async () => {
    await csr('acme2', 'acme-0043');
    const res = await postCsr('simpleenroll', 'acme2', { cert: 'idev.pem', key: 'idev.key' });
    assert.equal(res.status, 400);
    assert.equal(await errorCodeIn(res.body), 'FW_CSR_SUBJECT_INVALID');
  });

  it('never lets an IDevID re-enroll or pass as a device certificate', async () => {
    await csr('acme3', 'acme-0042', 'idev.key');
    const res = await postCsr('simplereenroll', 'acme3', { cert: 'idev.pem', key: 'idev.key' });
    assert.equal(res.status, 401);
    assert.equal(await errorCodeIn(res.body), 'FW_CERT_UNTRUSTED');
    const der = (await certIn('idev.pem')).raw;
    await assert.rejects(s.identity.verifyDeviceCertificate(der), { code: 'FW_CERT_UNTRUSTED' });
  });

  it('refuses a foreign client certificate with FW_CERT_UNTRUSTED', async () => {
    await selfSigned('foreign', '/CN=est-dev-1', 30);
    for (const route of ['simpleenroll', 'simplereenroll']) {
      const res = await postCsr(route, 'renew', { cert: 'foreign.pem', key: 'foreign.key' });
      assert.equal(res.status, 401, route);
      assert.equal(await errorCodeIn(res.body), 'FW_CERT_UNTRUSTED');
    }
  });

  it('refuses an expired device certificate with FW_CERT_EXPIRED', async () => {
    clock.advance(91 * 24 * 3600 * 1000);
    try {
      const res = await postCsr('simplereenroll', 'renew', { cert: 'renewed.pem', key: 'dev.key' });
      assert.equal(res.status, 401);
      assert.equal(await errorCodeIn(res.body), 'FW_CERT_EXPIRED');
    } finally {
      clock.advance(-91 * 24 * 3600 * 1000);
    }
  });

  it('asks for credentials with 401 and WWW-Authenticate (RFC 7030 §3.2.3)', async () => {
    const res = await post('simpleenroll', { 'content-type': 'application/pkcs10' }, 'AAAA');
    assert.equal(res.status, 401);
    assert.match(String(res.headers['www-authenticate']), /^Basic realm=/);
    assert.equal(errorCode(res.body), 'FW_ENROLL_AUTH_REQUIRED');
    const reenroll = await post('simplereenroll', undefined, 'AAAA'); // no content type either
    assert.equal(reenroll.status, 401);
    assert.equal(errorCode(reenroll.body), 'FW_ENROLL_AUTH_REQUIRED');
  });

  it('answers hostile bodies with codes and keeps answering', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const cases: Array<[string, string, string | Buffer, number, string]> = [
      ['garbage', 'application/pkcs10', '!!!! not base64 ####', 400, 'FW_CSR_MALFORMED'],
      ['base64 garbage', 'application/pkcs10', Buffer.from('hello').toString('base64'), 400, 'FW_CSR_MALFORMED'],
      ['empty', 'application/pkcs10', '', 400, 'FW_CSR_MALFORMED'],
      ['huge', 'application/pkcs10', 'A'.repeat(200 * 1024), 413, 'FW_BODY_TOO_LARGE'],
      ['octet-stream', 'application/octet-stream', Buffer.alloc(10), 415, 'FW_CONTENT_TYPE_UNSUPPORTED'],
      ['json', 'application/json', '{"csr":"AAAA"}', 400, 'FW_CSR_MALFORMED'],
    ];
    for (const [what, type, body, status, code] of cases) {
      const res = await post('simpleenroll', { ...auth, 'content-type': type }, body);
      assert.equal(res.status, status, what);
      assert.equal(errorCode(res.body), code, what);
    }
    const bad = await post(
      'simpleenroll',
      {
        authorization: 'Basic ' + Buffer.from('x:fwc_nope.nope').toString('base64'),
        'content-type': 'application/pkcs10',
      },
      'AAAA',
    );
    assert.equal(bad.status, 401);
    assert.equal(errorCode(bad.body), 'FW_ENROLL_TOKEN_INVALID');
    assert.equal((await s.fetch(`${EST}/cacerts`)).status, 200);
  });

  it('serves the root at /pki/ca.pem and a signed CRL at /pki/crl', async () => {
    const pem = await s.fetch('/pki/ca.pem');
    assert.equal(pem.body.toString(), s.identity.rootPem);
    await s.identity.revokeDevice('est-dev-2', 'keyCompromise', 'operator:alice');
    const res = await s.curl('/pki/crl', []);
    assert.equal(res.status, 200);
    const text = await s.sh('openssl', ['crl', '-inform', 'DER', '-in', res.body, '-noout', '-text']);
    assert.match(text, /Key Compromise/);
    assert.match(text, /Next Update/);
  });
});
