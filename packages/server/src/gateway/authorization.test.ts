import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MqttClient } from 'mqtt';
import { connectDevice, endAll, publishCode, startGateway, subscribeCodes, type Harness } from './test-gateway.js';

const DEVICES = 20;

describe('gateway topic ACL: a device reaches only its own topics', () => {
  let h: Harness;
  const ids: string[] = [];
  const clients: MqttClient[] = [];

  before(async () => {
    h = await startGateway({ limits: { messageRate: { perSecond: 10_000, burst: 10_000 } } });
    for (let i = 0; i < DEVICES; i++) {
      const cred = await h.pki.device(`dev-${String(i).padStart(2, '0')}`);
      h.states.set(cred.id, 'active');
      ids.push(cred.id);
      // every fourth device speaks MQTT 3.1.1
      clients.push(await connectDevice(h, cred, { protocolVersion: i % 4 === 3 ? 4 : 5 }));
    }
  });
  after(async () => {
    await endAll(clients);
    await h.close();
  });

  it('publishes to its own telemetry, metrics, events, state and command replies are accepted', async () => {
    for (const [i, client] of clients.entries()) {
      const own = `devices/${ids[i]}`;
      for (const topic of [
        `${own}/telemetry`,
        `${own}/metrics`,
        `${own}/events`,
        `${own}/state`,
        `${own}/commands/reboot/reply`,
      ]) {
        assert.equal(await publishCode(client, topic), 0, topic);
      }
    }
    assert.equal(h.ingested.length, DEVICES * 5);
    assert.equal(h.gateway.stats().refused.authorization, 0);
  });

  it('subscriptions to its own commands and updates are granted at QoS 1', async () => {
    for (const [i, client] of clients.entries()) {
      const own = `devices/${ids[i]}`;
      const codes = await subscribeCodes(client, [
        `${own}/commands/#`,
        `${own}/updates/#`,
        `${own}/commands/reboot`,
        `${own}/updates/+`,
      ]);
      assert.deepEqual(codes, [1, 1, 1, 1]);
    }
  });

  it('[MQTT-3.3.5-2] publishes to every other device topic are refused (MQTT 5 PUBACK 0x87) and counted', async () => {
    const before = h.gateway.stats();
    for (const [i, client] of clients.entries()) {
      const expected = i % 4 === 3 ? 0 : 0x87; // 3.1.1 has no negative PUBACK: acknowledged, dropped, counted
      for (const other of ids) {
        if (other === ids[i]) continue;
        for (const topic of [`devices/${other}/telemetry`, `devices/${other}/commands/reboot/reply`]) {
          assert.equal(await publishCode(client, topic), expected, topic);
        }
      }
      for (const topic of [
        '$SYS/broker/load',
        'devices',
        `devices/${ids[i]}/commands/reboot`,
        `devices/${ids[i]}/updates/x`,
        `devices/${ids[i]}/other`,
      ]) {
        assert.equal(await publishCode(client, topic), expected, topic);
      }
    }
    const after = h.gateway.stats();
    const perDevice = (DEVICES - 1) * 2 + 5;
    for (const id of ids) {
      assert.equal(after.devices[id]!.authorizationFailures - before.devices[id]!.authorizationFailures, perDevice);
    }
    assert.equal(h.ingested.length, DEVICES * 5, 'nothing refused reached ingest');
  });

  it('[MQTT-3.9.3-1] subscriptions to other devices and escaping wildcards get SUBACK 0x80 and are counted', async () => {
    const before = h.gateway.stats();
    let perDevice = 0;
    for (const [i, client] of clients.entries()) {
      const filters = [
        '#',
        '$SYS/#',
        '+/+/telemetry',
        'devices/+/telemetry',
        'devices/+/commands/#',
        'devices/#',
        `devices/${ids[i]}/#`,
        `devices/${ids[i]}/+`,
        `devices/${ids[i]}/telemetry`,
        `$share/g/devices/${ids[i]}/commands/#`,
        ...ids
          .filter((o) => o !== ids[i])
          .flatMap((o) => [`devices/${o}/commands/#`, `devices/${o}/updates/#`, `devices/${o}/telemetry`]),
      ];
      perDevice = filters.length;
      const codes = await subscribeCodes(client, filters);
      assert.deepEqual(
        codes,
        filters.map(() => 0x80),
      );
    }
    const after = h.gateway.stats();
    for (const id of ids) {
      assert.equal(after.devices[id]!.authorizationFailures - before.devices[id]!.authorizationFailures, perDevice);
    }
  });

  it('a device never receives a message published to another device', async () => {
    const received: string[] = [];
    clients[0]!.on('message', (topic) => received.push(topic));
    const r = await h.gateway.publish(`devices/${ids[1]}/commands/reboot`, '{}', { qos: 1 });
    assert.equal(r.delivered, true);
    const own = await h.gateway.publish(`devices/${ids[0]}/commands/reboot`, '{}', { qos: 1 });
    assert.equal(own.delivered, true);
    assert.deepEqual(received, [`devices/${ids[0]}/commands/reboot`]);
  });
});
