import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serverError } from '../errors.js';
import { closed, connectDevice, publishCode, sleep, startGateway, until, type Harness } from './test-gateway.js';
import type { Credential } from './test-pki.js';

describe('gateway PUBLISH', () => {
  let h: Harness;
  let cred: Credential;

  before(async () => {
    h = await startGateway();
    cred = await h.pki.device('dev-pub');
    h.states.set(cred.id, 'active');
  });
  after(() => h.close());

  it('[MQTT-4.3.2-2] acknowledges a QoS 1 telemetry publish only after the ingest hook resolved', async () => {
    const client = await connectDevice(h, cred);
    let release!: () => void;
    h.gate = new Promise((resolve) => (release = resolve));
    let acked = false;
    const pub = client.publishAsync(`devices/${cred.id}/telemetry`, '{"t":1}', { qos: 1 }).then(() => (acked = true));
    await sleep(100);
    assert.equal(acked, false, 'no PUBACK while the store has not confirmed');
    assert.equal(h.ingested.length, 0);
    h.gate = undefined;
    release();
    await pub;
    assert.equal(acked, true);
    assert.equal(h.ingested.at(-1)?.payload.toString(), '{"t":1}');
    await client.endAsync();
  });

  it('[MQTT-4.6.0-2] sends PUBACKs in the order the publishes arrived even when ingest finishes out of order', async () => {
    const client = await connectDevice(h, cred);
    const order: number[] = [];
    client.on('packetreceive', (p) => {
      if (p.cmd === 'puback') order.push(p.messageId ?? 0);
    });
    let release!: () => void;
    h.gate = new Promise((resolve) => (release = resolve));
    const arrived = h.arrived;
    const ingested = h.ingested.length;
    const first = client.publishAsync(`devices/${cred.id}/telemetry`, '{"n":1}', { qos: 1 });
    await until(() => h.arrived === arrived + 1); // the first is held at the gate
    h.gate = undefined; // later publishes ingest at once, the first still waits
    const rest = [2, 3, 4].map((n) => client.publishAsync(`devices/${cred.id}/telemetry`, `{"n":${n}}`, { qos: 1 }));
    await until(() => h.ingested.length === ingested + 3);
    assert.deepEqual(order, []);
    release();
    await Promise.all([first, ...rest]);
    assert.equal(order.length, 4);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    await client.endAsync();
  });

  it('refuses malformed telemetry with MQTT 5 PUBACK 0x99 and counts it', async () => {
    const client = await connectDevice(h, cred);
    const before = h.gateway.stats().devices[cred.id]!.malformed;
    assert.equal(await publishCode(client, `devices/${cred.id}/telemetry`, 'not json'), 0x99);
    assert.equal(await publishCode(client, `devices/${cred.id}/telemetry`, '[1,2]'), 0x99);
    assert.equal(h.gateway.stats().devices[cred.id]!.malformed, before + 2);
    assert.equal(client.connected, true, 'the connection stays up');
    await client.endAsync();
  });

  it('acknowledges malformed telemetry from an MQTT 3.1.1 client (no negative PUBACK) and counts it', async () => {
    const client = await connectDevice(h, cred, { protocolVersion: 4 });
    const before = h.gateway.stats().refused.malformedPayloads;
    assert.equal(await publishCode(client, `devices/${cred.id}/telemetry`, '{"broken'), 0);
    assert.equal(h.gateway.stats().refused.malformedPayloads, before + 1);
    await client.endAsync();
  });

  it('[MQTT-3.2.2-11] closes an MQTT 5 connection that publishes at QoS 2 (DISCONNECT 0x9B)', async () => {
    const client = await connectDevice(h, cred);
    const reason = new Promise<number | undefined>((resolve) =>
      client.once('disconnect', (p) => resolve(p.reasonCode)),
    );
    client.publish(`devices/${cred.id}/telemetry`, '{"t":1}', { qos: 2 });
    assert.equal(await reason, 0x9b);
    await closed(client);
  });

  it('[MQTT-3.3.1-13] closes an MQTT 5 connection that publishes with retain (DISCONNECT 0x9A)', async () => {
    const client = await connectDevice(h, cred);
    const reason = new Promise<number | undefined>((resolve) =>
      client.once('disconnect', (p) => resolve(p.reasonCode)),
    );
    client.publish(`devices/${cred.id}/telemetry`, '{"t":1}', { qos: 0, retain: true });
    assert.equal(await reason, 0x9a);
    await closed(client);
  });
});

describe('gateway PUBLISH when the store is unavailable', () => {
  it('does not acknowledge, closes with 0x89 so the device resends, and keeps serving', async () => {
    let down = true;
    const h = await startGateway({
      hooks: {
        authenticate: async () => ({ deviceId: 'dev-store', state: 'active' }),
        ingestTelemetry: async () => {
          if (down) throw serverError('FW_STORE_UNAVAILABLE', 'database down');
        },
      },
    });
    try {
      const cred = await h.pki.device('dev-store');
      const client = await connectDevice(h, cred);
      const reason = new Promise<number | undefined>((resolve) =>
        client.once('disconnect', (p) => resolve(p.reasonCode)),
      );
      let acked = false;
      client.publishAsync(`devices/${cred.id}/telemetry`, '{"t":1}', { qos: 1 }).then(
        () => (acked = true),
        () => undefined,
      );
      assert.equal(await reason, 0x89);
      await closed(client);
      assert.equal(acked, false);
      assert.equal(h.gateway.stats().refused.ingestUnavailable, 1);
      down = false;
      const again = await connectDevice(h, cred);
      assert.equal(await publishCode(again, `devices/${cred.id}/telemetry`), 0);
      await again.endAsync();
    } finally {
      await h.close();
    }
  });
});

describe('gateway back-pressure', () => {
  it('stops reading, rather than dropping, QoS 0 publishes over Receive Maximum while the store is slow', async () => {
    const h = await startGateway({ limits: { receiveMaximum: 10 } });
    try {
      const cred = await h.pki.device('dev-slow-store');
      h.states.set(cred.id, 'active');
      const client = await connectDevice(h, cred);
      let release!: () => void;
      h.gate = new Promise((resolve) => (release = resolve));
      for (let i = 0; i < 200; i++) client.publish(`devices/${cred.id}/telemetry`, `{"n":${i}}`, { qos: 0 });
      await sleep(100);
      h.gate = undefined;
      release();
      for (let i = 0; i < 100 && h.ingested.length < 200; i++) await sleep(20);
      assert.equal(h.ingested.length, 200);
      assert.deepEqual(
        h.ingested.map((m) => JSON.parse(m.payload.toString()).n),
        Array.from({ length: 200 }, (_, i) => i),
      );
      assert.equal(h.gateway.stats().devices[cred.id]!.rateLimited, 0);
      await client.endAsync();
    } finally {
      await h.close();
    }
  });
});

describe('gateway message rate limit', () => {
  it('drops QoS 0 publishes over the budget and counts them, and refuses QoS 1 with PUBACK 0x97', async () => {
    const h = await startGateway({ limits: { messageRate: { perSecond: 1, burst: 5 } } });
    try {
      const cred = await h.pki.device('dev-noisy');
      h.states.set(cred.id, 'active');
      const client = await connectDevice(h, cred);
      for (let i = 0; i < 20; i++) client.publish(`devices/${cred.id}/telemetry`, '{"t":1}', { qos: 0 });
      assert.equal(await publishCode(client, `devices/${cred.id}/telemetry`), 0x97);
      const stats = h.gateway.stats();
      assert.ok(stats.devices[cred.id]!.rateLimited >= 15);
      assert.ok(h.ingested.length <= 6);
      await client.endAsync();
    } finally {
      await h.close();
    }
  });
});
