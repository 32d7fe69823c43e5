import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock } from '../kernel/index.js';
import { x509 } from './crypto.js';
import { makeCsr, openTestIdentity, type TestIdentity } from './testing.js';

describe('revocation and device state', () => {
  const clock = new FixedClock('2026-03-01T12:00:00.000Z');
  let t: TestIdentity;
  const certs: Record<string, Buffer> = {};
  const events: unknown[] = [];
  before(async () => {
    t = await openTestIdentity(clock);
    const { token } = await t.identity.createClaim({ model: 'lock-3', uses: 10, createdBy: 'operator:alice' });
    for (const id of ['rev-1', 'rev-2', 'rev-3', 'rev-4']) {
      const e = await t.identity.enrollWithClaim(token, (await makeCsr(`CN=${id}`)).der);
      certs[id] = Buffer.from(e.certificate.rawData);
    }
    t.ctx.events.on('device.state', (e) => events.push(['device.state', e]));
    t.ctx.events.on('crl.updated', () => events.push(['crl.updated']));
  });
  after(() => t.close());

  it('verifies a valid device certificate to its device, model and state', async () => {
    const v = await t.identity.verifyDeviceCertificate(certs['rev-1']!);
    assert.equal(v.deviceId, 'rev-1');
    assert.equal(v.model, 'lock-3');
    assert.equal(v.state, 'active');
  });

  it('revokes every certificate, lists them in the CRL, emits and audits (RFC 5280 §5.3.1)', async () => {
    const serials = await t.identity.revokeDevice('rev-1', 'keyCompromise', 'operator:bob');
    assert.equal(serials.length, 1);
    assert.deepEqual(events, [['device.state', { deviceId: 'rev-1', state: 'revoked', serials }], ['crl.updated']]);
    assert.deepEqual(t.audit.entries.at(-1)?.action, 'device.revoke');
    await assert.rejects(t.identity.verifyDeviceCertificate(certs['rev-1']!), { code: 'FW_CERT_REVOKED' });
    const crl = new x509.X509Crl(await t.identity.crl());
    assert.equal(crl.findRevoked(serials[0]!)?.reason, x509.X509CrlReason.keyCompromise);
    const issuing = new x509.X509Certificate(t.identity.chainDer[0]!);
    assert.ok(await crl.verify({ publicKey: issuing }));
    assert.ok(crl.nextUpdate && crl.nextUpdate > clock.now());
  });

  it('quarantines and releases, and the verifier reports the state', async () => {
    await t.identity.setDeviceState('rev-2', 'quarantined', 'operator:bob');
    assert.equal((await t.identity.verifyDeviceCertificate(certs['rev-2']!)).state, 'quarantined');
    await t.identity.setDeviceState('rev-2', 'active', 'operator:bob');
    assert.equal((await t.identity.verifyDeviceCertificate(certs['rev-2']!)).state, 'active');
    assert.deepEqual(t.audit.actions().slice(-2), ['device.quarantine', 'device.release']);
  });

  it('retires a device and revokes its certificates', async () => {
    const serials = await t.identity.setDeviceState('rev-3', 'retired', 'operator:bob');
    assert.equal(serials.length, 1);
    await assert.rejects(t.identity.verifyDeviceCertificate(certs['rev-3']!), { code: 'FW_CERT_REVOKED' });
    const crl = new x509.X509Crl(await t.identity.crl());
    assert.equal(crl.entries.length, 2);
  });

  it('refuses to bring back a revoked device and unknown devices', async () => {
    await assert.rejects(t.identity.setDeviceState('rev-1', 'active', 'operator:bob'), {
      code: 'FW_DEVICE_STATE_INVALID',
    });
    await assert.rejects(t.identity.revokeDevice('nope-1', 'unspecified', 'x'), { code: 'FW_DEVICE_NOT_FOUND' });
  });

  it('refuses certificates that are expired, foreign or not ours', async () => {
    clock.advance(91 * 24 * 3600 * 1000);
    await assert.rejects(t.identity.verifyDeviceCertificate(certs['rev-4']!), { code: 'FW_CERT_EXPIRED' });
    clock.advance(-91 * 24 * 3600 * 1000);
    await assert.rejects(t.identity.verifyDeviceCertificate(Buffer.from('junk')), { code: 'FW_CERT_UNTRUSTED' });
    const other = await openTestIdentity(clock);
    try {
      const { token } = await other.identity.createClaim({ model: 'lock-3', createdBy: 'x' });
      const e = await other.identity.enrollWithClaim(token, (await makeCsr('CN=rev-4')).der);
      await assert.rejects(t.identity.verifyDeviceCertificate(Buffer.from(e.certificate.rawData)), {
        code: 'FW_CERT_UNTRUSTED',
      });
    } finally {
      await other.close();
    }
    const tls = new x509.X509Certificate(t.identity.serverTls.cert);
    await assert.rejects(t.identity.verifyDeviceCertificate(Buffer.from(tls.rawData)), { code: 'FW_CERT_UNTRUSTED' });
  });
});
