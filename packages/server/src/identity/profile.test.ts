import * as assert from 'node:assert/strict';
import { X509Certificate as NodeCert } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FixedClock } from '../kernel/index.js';
import { x509 } from './crypto.js';
import { makeCsr, openTestIdentity, type TestIdentity } from './testing.js';

describe('device certificate profile', () => {
  const clock = new FixedClock('2026-03-01T12:00:00.000Z');
  let t: TestIdentity;
  let cert: x509.X509Certificate;
  before(async () => {
    t = await openTestIdentity(clock);
    const { token } = await t.identity.createClaim({ model: 'thermo-1', createdBy: 'operator:alice' });
    const { der } = await makeCsr('CN=dev-001');
    cert = (await t.identity.enrollWithClaim(token, der)).certificate;
  });
  after(() => t.close());

  it('names the device in the subject CN and in the SAN URI urn:fleetward:device:<id>', () => {
    assert.deepEqual(cert.subjectName.toJSON(), [{ CN: ['dev-001'] }]);
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    assert.deepEqual(san?.names.toJSON(), [{ type: 'url', value: 'urn:fleetward:device:dev-001' }]);
  });

  it('is for client authentication only: EKU clientAuth, KU digitalSignature, CA:false (RFC 5280 §4.2.1)', () => {
    const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
    assert.deepEqual([...(eku?.usages ?? [])], [x509.ExtendedKeyUsage.clientAuth]);
    const ku = cert.getExtension(x509.KeyUsagesExtension);
    assert.equal(ku?.usages, x509.KeyUsageFlags.digitalSignature);
    assert.equal(ku?.critical, true);
    const bc = cert.getExtension(x509.BasicConstraintsExtension);
    assert.equal(bc?.ca, false);
    assert.equal(bc?.critical, true);
  });

  it('has SKI and an AKI that matches the issuing CA key', async () => {
    const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
    assert.ok(ski?.keyId);
    const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
    const chain = t.identity.chainDer.map((d) => new x509.X509Certificate(d));
    const issuingSki = chain[0]?.getExtension(x509.SubjectKeyIdentifierExtension);
    assert.equal(aki?.keyId, issuingSki?.keyId);
  });

  it('has a random positive serial of at most 128 bits (RFC 5280 §4.1.2.2)', () => {
    assert.match(cert.serialNumber, /^[0-9a-f]{30,32}$/);
    assert.ok(Number.parseInt(cert.serialNumber.slice(0, 2), 16) > 0);
  });

  it('is valid 90 days by default, from 5 minutes before issue', () => {
    assert.equal(cert.notBefore.toISOString(), '2026-03-01T11:55:00.000Z');
    assert.equal(cert.notAfter.toISOString(), '2026-05-30T12:00:00.000Z');
  });

  it('chains to the root through the issuing intermediate', () => {
    const [issuingDer, rootDer] = t.identity.chainDer;
    const leaf = new NodeCert(Buffer.from(cert.rawData));
    const issuing = new NodeCert(issuingDer!);
    const root = new NodeCert(rootDer!);
    assert.ok(leaf.checkIssued(issuing) && leaf.verify(issuing.publicKey));
    assert.ok(issuing.checkIssued(root) && issuing.verify(root.publicKey));
    assert.ok(root.verify(root.publicKey));
    assert.equal(issuing.ca, true);
    assert.equal(new NodeCert(t.identity.rootPem).fingerprint256, root.fingerprint256);
  });

  it('is recorded in certificates and the device row carries the claim model', async () => {
    const d = await t.ctx.store.query<{ model: string; enrolled_via: string; state: string }>(
      'select model, enrolled_via, state from devices where id = $1',
      ['dev-001'],
    );
    assert.deepEqual(d.rows[0], { model: 'thermo-1', enrolled_via: 'claim', state: 'active' });
    const c = await t.ctx.store.query<{ serial: string; status: string }>('select serial, status from certificates');
    assert.deepEqual(c.rows, [{ serial: cert.serialNumber, status: 'valid' }]);
    assert.deepEqual(t.audit.actions(), ['claim.create', 'device.enroll']);
  });
});

describe('Identity.open', () => {
  it('creates the CA once and reuses it on later starts, keys sealed at rest', async () => {
    const first = await openTestIdentity();
    try {
      const rows = await first.ctx.store.query<{ id: string; key_enc: Uint8Array }>('select id, key_enc from ca_keys');
      assert.deepEqual(rows.rows.map((r) => r.id).sort(), ['issuing', 'root', 'server-tls']);
      for (const r of rows.rows) assert.ok(!Buffer.from(r.key_enc).includes(Buffer.from('PRIVATE')));
      const { Identity } = await import('./identity.js');
      const again = await Identity.open(first.ctx, { sealer: first.sealer });
      assert.equal(again.rootPem, first.identity.rootPem);
      assert.equal(again.serverTls.cert, first.identity.serverTls.cert);
      const renamed = await Identity.open(first.ctx, { sealer: first.sealer, tlsHostnames: ['fleet.example'] });
      assert.notEqual(renamed.serverTls.cert, first.identity.serverTls.cert);
      const tls = new NodeCert(renamed.serverTls.cert);
      assert.equal(tls.subjectAltName, 'DNS:fleet.example');
      assert.equal(tls.checkHost('fleet.example'), 'fleet.example');
    } finally {
      await first.close();
    }
  });

  it('puts localhost, 127.0.0.1 and ::1 in the server certificate by default, EKU serverAuth', async () => {
    const t = await openTestIdentity();
    try {
      const tls = new NodeCert(t.identity.serverTls.cert);
      assert.equal(tls.checkHost('localhost'), 'localhost');
      assert.equal(tls.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(tls.checkIP('::1'), '::1');
      assert.deepEqual(tls.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    } finally {
      await t.close();
    }
  });
});
