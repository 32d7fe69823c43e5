import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connackOf, connectDevice, startGateway, type Harness } from './test-gateway.js';
import type { Credential } from './test-pki.js';

describe('gateway CONNECT over mutual TLS', () => {
  let h: Harness;
  let alpha: Credential;

  before(async () => {
    h = await startGateway();
    alpha = await h.pki.device('dev-alpha');
    h.states.set('dev-alpha', 'active');
  });
  after(() => h.close());

  for (const protocolVersion of [5, 4] as const) {
    it(`accepts a device whose client id equals its certificate id (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`, async () => {
      const client = await connectDevice(h, alpha, { protocolVersion });
      assert.equal(client.connected, true);
      await client.endAsync();
    });
  }

  it('[MQTT-3.2.2-1] announces session present 0, Maximum QoS 1, no retain and its limits in the MQTT 5 CONNACK', async () => {
    const client = await connectDevice(h, alpha);
    const connack = connackOf(client);
    assert.equal(connack?.sessionPresent, false);
    assert.equal(connack?.properties?.maximumQoS, 1);
    assert.equal(connack?.properties?.retainAvailable, false);
    assert.equal(connack?.properties?.maximumPacketSize, 64 * 1024);
    assert.equal(connack?.properties?.receiveMaximum, 100);
    assert.equal(connack?.properties?.sharedSubscriptionAvailable, false);
    await client.endAsync();
  });

  it('[MQTT-3.1.4-3] refuses a client id other than the certificate id (MQTT 5 0x85)', async () => {
    await assert.rejects(
      connectDevice(h, alpha, { clientId: 'dev-other' }),
      (err: { code?: number }) => err.code === 0x85,
    );
  });

  it('[MQTT-3.1.3-9] refuses a client id other than the certificate id (MQTT 3.1.1 0x02)', async () => {
    await assert.rejects(
      connectDevice(h, alpha, { clientId: 'dev-other', protocolVersion: 4 }),
      (err: { code?: number }) => err.code === 2,
    );
  });

  it('refuses a TLS client without a certificate', async () => {
    await assert.rejects(connectDevice(h, undefined, { clientId: 'dev-alpha' }));
    assert.ok(h.gateway.counters.connectionsCurrent >= 0);
  });

  it('refuses a certificate from a foreign CA', async () => {
    const foreign = await h.pki.device('dev-alpha', { foreign: true });
    await assert.rejects(connectDevice(h, foreign));
  });

  it('refuses an expired certificate', async () => {
    const expired = await h.pki.device('dev-alpha', { expired: true });
    await assert.rejects(connectDevice(h, expired));
  });

  it('refuses a device the authenticate hook does not know (0x87)', async () => {
    const stranger = await h.pki.device('dev-stranger');
    await assert.rejects(connectDevice(h, stranger), (err: { code?: number }) => err.code === 0x87);
  });

  it('refuses revoked and retired devices (0x87)', async () => {
    for (const state of ['revoked', 'retired'] as const) {
      const cred = await h.pki.device(`dev-${state}`);
      h.states.set(cred.id, state);
      await assert.rejects(connectDevice(h, cred), (err: { code?: number }) => err.code === 0x87);
    }
  });

  it('a second connection with the same client id takes over the first (MQTT 5 0x8E)', async () => {
    const first = await connectDevice(h, alpha);
    const reason = new Promise<number | undefined>((resolve) =>
      first.once('disconnect', (packet) => resolve(packet.reasonCode)),
    );
    const second = await connectDevice(h, alpha);
    assert.equal(await reason, 0x8e);
    assert.equal(second.connected, true);
    await second.endAsync();
    await first.endAsync(true);
  });
});

describe('gateway without hooks', () => {
  it('refuses every connection when no authenticate hook is set (deny by default)', async () => {
    const h = await startGateway({ hooks: {} });
    try {
      const cred = await h.pki.device('dev-alpha');
      await assert.rejects(connectDevice(h, cred), (err: { code?: number }) => err.code === 0x87);
      assert.equal(h.gateway.stats().refused.authentication, 1);
    } finally {
      await h.close();
    }
  });
});

describe('gateway certificate revocation list', () => {
  it('refuses a certificate on the CRL, also after setCrl() replaced it', async () => {
    const h = await startGateway();
    try {
      const a = await h.pki.device('dev-crl-a');
      const b = await h.pki.device('dev-crl-b');
      h.states.set(a.id, 'active');
      h.states.set(b.id, 'active');
      h.crl = await h.pki.crl([a.serial]);
      h.gateway.setCrl();
      await assert.rejects(connectDevice(h, a));
      const ok = await connectDevice(h, b);
      await ok.endAsync();
      h.gateway.setCrl(await h.pki.crl([a.serial, b.serial]));
      await assert.rejects(connectDevice(h, b));
    } finally {
      await h.close();
    }
  });
});
