import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import mqtt from 'mqtt-packet';
import {
  closed,
  connectDevice,
  publishCode,
  sleep,
  until,
  startGateway,
  subscribeCodes,
  type Harness,
} from './test-gateway.js';
import type { Credential } from './test-pki.js';

/** A raw TLS socket with a device certificate; collects everything the gateway sends. */
function rawSocket(
  h: Harness,
  cred: Credential,
  options: { allowHalfOpen?: boolean } = {},
): Promise<{ socket: TLSSocket; received: Buffer[]; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    const socket = tlsConnect({
      ...options,
      host: '127.0.0.1',
      port: h.port,
      ca: h.pki.caBundle,
      cert: cred.certPem,
      key: cred.keyPem,
    });
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => undefined);
    socket.once('secureConnect', () => resolve({ socket, received, ended }));
    socket.once('error', reject);
  });
}

/** The MQTT 5 packets in `bytes`. */
function parse(bytes: Buffer): mqtt.Packet[] {
  const packets: mqtt.Packet[] = [];
  const parser = mqtt.parser({ protocolVersion: 5 });
  parser.on('packet', (p: mqtt.Packet) => packets.push(p));
  parser.parse(bytes);
  return packets;
}

function connectPacket(id: string, protocolVersion: 4 | 5 = 5, keepalive = 30): Buffer {
  return mqtt.generate({
    cmd: 'connect',
    clientId: id,
    protocolVersion,
    protocolId: 'MQTT',
    clean: true,
    keepalive,
  });
}

describe('gateway robustness against hostile sockets', () => {
  let h: Harness;
  let cred: Credential;

  before(async () => {
    h = await startGateway();
    cred = await h.pki.device('dev-raw');
    h.states.set(cred.id, 'active');
  });
  after(() => h.close());

  it('closes a socket that sends garbage, counts it, and keeps serving others', async () => {
    const raw = await rawSocket(h, cred);
    raw.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]));
    await raw.ended;
    const client = await connectDevice(h, cred);
    assert.equal(await publishCode(client, `devices/${cred.id}/telemetry`), 0);
    await client.endAsync();
  });

  it('[MQTT-3.1.0-1] closes a connection whose first packet is not CONNECT', async () => {
    const before = h.gateway.stats().refused.protocolErrors;
    const raw = await rawSocket(h, cred);
    raw.socket.write(mqtt.generate({ cmd: 'pingreq' }));
    await raw.ended;
    assert.equal(h.gateway.stats().refused.protocolErrors, before + 1);
  });

  it('[MQTT-3.1.2-2] answers an unsupported protocol level with CONNACK 0x01 and closes', async () => {
    const raw = await rawSocket(h, cred);
    raw.socket.write(
      mqtt.generate({
        cmd: 'connect',
        clientId: cred.id,
        protocolVersion: 3,
        protocolId: 'MQIsdp',
        clean: true,
        keepalive: 30,
      }),
    );
    await raw.ended;
    const connack = Buffer.concat(raw.received);
    assert.equal(connack[0], 0x20);
    assert.equal(connack[3], 0x01);
  });

  it('[MQTT-3.1.2-2] refuses an oversized packet with DISCONNECT 0x95 before reading its payload', async () => {
    const raw = await rawSocket(h, cred);
    raw.socket.write(connectPacket(cred.id));
    await until(() => raw.received.length > 0); // CONNACK
    // PUBLISH announcing a remaining length of 1 MiB, only the start of it sent
    raw.socket.write(Buffer.from([0x30, 0x80, 0x80, 0x40, 0x00, 0x05]));
    await raw.ended;
    const bytes = Buffer.concat(raw.received);
    const packets: mqtt.Packet[] = [];
    const parser = mqtt.parser({ protocolVersion: 5 });
    parser.on('packet', (p: mqtt.Packet) => packets.push(p));
    parser.parse(bytes);
    assert.deepEqual(
      packets.map((p) => p.cmd),
      ['connack', 'disconnect'],
    );
    assert.equal((packets[1] as mqtt.IDisconnectPacket).reasonCode, 0x95);
    assert.equal(h.gateway.stats().refused.oversizedPackets, 1);
  });

  it('[MQTT-3.1.2-24] disconnects a peer that trickles one packet for longer than its keep-alive: bytes are not packets', async () => {
    const raw = await rawSocket(h, cred);
    raw.socket.write(connectPacket(cred.id, 5, 1)); // keep-alive 1 s: cut after 1.5 s without a packet
    await until(() => raw.received.length > 0); // CONNACK
    raw.socket.write(Buffer.from([0x30, 0xe8, 0x07])); // a PUBLISH of 1,000 bytes, announced
    const started = Date.now();
    const trickle = setInterval(() => raw.socket.write(Buffer.from([0x00])), 100); // a byte every 100 ms
    try {
      await raw.ended;
    } finally {
      clearInterval(trickle);
    }
    const packets = parse(Buffer.concat(raw.received));
    assert.deepEqual(
      packets.map((p) => p.cmd),
      ['connack', 'disconnect'],
    );
    assert.equal((packets[1] as mqtt.IDisconnectPacket).reasonCode, 0x8d); // Keep Alive timeout
    console.log(`# trickling peer cut after ${Date.now() - started} ms (keep-alive 1 s)`);
  });

  it('[MQTT-3.14.4-3] closes the connection after DISCONNECT even when the peer keeps its side open, reading nothing more', async () => {
    const raw = await rawSocket(h, cred, { allowHalfOpen: true }); // never closes its side
    raw.socket.write(connectPacket(cred.id));
    await until(() => raw.received.length > 0); // CONNACK
    const ingested = h.ingested.length;
    const bytesIn = h.gateway.stats().bytesIn;
    raw.socket.write(mqtt.generate({ cmd: 'disconnect', reasonCode: 0 }, { protocolVersion: 5 }));
    // then a PUBLISH announcing 64 KiB and its body, on a socket the peer never closes
    const publish = mqtt.generate(
      {
        cmd: 'publish',
        topic: `devices/${cred.id}/telemetry`,
        payload: Buffer.alloc(65_536, 0x20),
        qos: 0,
        retain: false,
        dup: false,
      },
      { protocolVersion: 5 },
    );
    raw.socket.write(publish, () => undefined);
    // the peer keeps writing: once the server has destroyed its socket, a write is reset
    let gone = false;
    void raw.ended.then(() => (gone = true));
    for (const end = Date.now() + 10_000; !gone && Date.now() < end;) {
      raw.socket.write(Buffer.from([0]));
      await sleep(100);
    }
    assert.ok(gone, 'the server cut the connection');
    assert.equal(h.ingested.length, ingested);
    assert.ok(h.gateway.stats().bytesIn - bytesIn < 1024, 'the bytes after DISCONNECT were not read');
  });

  it('closes a socket that never sends CONNECT after the connect timeout', async () => {
    const quick = await startGateway({ pki: h.pki, limits: { connectTimeoutMs: 100 } });
    try {
      const raw = await rawSocket(quick, cred);
      await raw.ended;
      assert.equal(quick.gateway.stats().refused.connectTimeout, 1);
    } finally {
      await quick.close();
    }
  });
});

describe('gateway device state changes', () => {
  let h: Harness;

  before(async () => {
    h = await startGateway();
  });
  after(() => h.close());

  it('setState(revoked) closes the live session at once (DISCONNECT 0x98) and reconnecting fails', async () => {
    const cred = await h.pki.device('dev-revoke');
    h.states.set(cred.id, 'active');
    const client = await connectDevice(h, cred);
    const reason = new Promise<number | undefined>((resolve) =>
      client.once('disconnect', (p) => resolve(p.reasonCode)),
    );
    h.states.set(cred.id, 'revoked');
    h.gateway.setState(cred.id, 'revoked');
    assert.equal(await reason, 0x98);
    await closed(client);
    await assert.rejects(connectDevice(h, cred), (err: { code?: number }) => err.code === 0x87);
  });

  it('refuses the CONNECT of a device revoked after its TLS handshake (its state was read at the handshake)', async () => {
    const cred = await h.pki.device('dev-late-connect');
    h.states.set(cred.id, 'active');
    const seen = h.authenticated;
    const raw = await rawSocket(h, cred);
    await until(() => h.authenticated > seen); // authenticated as active, no CONNECT yet
    h.states.set(cred.id, 'revoked');
    h.gateway.setState(cred.id, 'revoked');
    raw.socket.write(connectPacket(cred.id));
    await raw.ended;
    const packets = parse(Buffer.concat(raw.received));
    assert.deepEqual(
      packets.map((p) => [p.cmd, (p as mqtt.IConnackPacket).reasonCode]),
      [['connack', 0x87]],
    );
  });

  it('gives a device quarantined after its TLS handshake the quarantine at CONNECT: telemetry refused (0x87)', async () => {
    const cred = await h.pki.device('dev-late-quarantine');
    h.states.set(cred.id, 'active');
    const seen = h.authenticated;
    const raw = await rawSocket(h, cred);
    await until(() => h.authenticated > seen);
    h.states.set(cred.id, 'quarantined');
    h.gateway.setState(cred.id, 'quarantined');
    raw.socket.write(connectPacket(cred.id));
    raw.socket.write(
      mqtt.generate(
        {
          cmd: 'publish',
          topic: `devices/${cred.id}/telemetry`,
          payload: Buffer.from('{"t":1}'),
          qos: 1,
          messageId: 7,
          retain: false,
          dup: false,
        },
        { protocolVersion: 5 },
      ),
    );
    await until(() => parse(Buffer.concat(raw.received)).some((p) => p.cmd === 'puback'));
    const puback = parse(Buffer.concat(raw.received)).find((p) => p.cmd === 'puback') as mqtt.IPubackPacket;
    assert.equal(puback.reasonCode, 0x87);
    raw.socket.destroy();
  });

  it('quarantine keeps only commands and updates: telemetry refused, other subscriptions dropped', async () => {
    const cred = await h.pki.device('dev-quarantine');
    h.states.set(cred.id, 'active');
    const client = await connectDevice(h, cred);
    const own = `devices/${cred.id}`;
    assert.deepEqual(await subscribeCodes(client, [`${own}/commands/#`, `${own}/updates/#`]), [1, 1]);
    h.gateway.setState(cred.id, 'quarantined');
    assert.equal(await publishCode(client, `${own}/telemetry`), 0x87);
    assert.equal(await publishCode(client, `${own}/events`), 0x87);
    assert.equal(await publishCode(client, `${own}/commands/isolate/reply`), 0);
    assert.equal((await h.gateway.publish(`${own}/updates/fw`, '{}', { qos: 1 })).delivered, true);
    assert.equal((await h.gateway.publish(`${own}/commands/isolate`, '{}', { qos: 0 })).delivered, true);
    await client.endAsync();
    // a quarantined device may connect again, with the narrow ACL
    h.states.set(cred.id, 'quarantined');
    const again = await connectDevice(h, cred);
    assert.equal(await publishCode(again, `${own}/telemetry`), 0x87);
    assert.deepEqual(await subscribeCodes(again, [`${own}/updates/#`]), [1]);
    await again.endAsync();
  });

  it('reports a QoS 1 command not delivered when the device never acknowledges it, and takes a late PUBACK quietly', async () => {
    const quick = await startGateway({ pki: h.pki, limits: { publishAckTimeoutMs: 200 } });
    try {
      const cred = await h.pki.device('dev-no-puback');
      quick.states.set(cred.id, 'active');
      const raw = await rawSocket(quick, cred);
      raw.socket.write(connectPacket(cred.id));
      raw.socket.write(
        mqtt.generate(
          { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `devices/${cred.id}/commands/#`, qos: 1 }] },
          { protocolVersion: 5 },
        ),
      );
      await until(() => parse(Buffer.concat(raw.received)).some((p) => p.cmd === 'suback'));
      const result = await quick.gateway.publish(`devices/${cred.id}/commands/reboot`, '{}', { qos: 1 });
      assert.equal(result.delivered, false);
      const sent = parse(Buffer.concat(raw.received)).find((p) => p.cmd === 'publish') as mqtt.IPublishPacket;
      raw.socket.write(
        mqtt.generate({ cmd: 'puback', messageId: sent.messageId!, reasonCode: 0 }, { protocolVersion: 5 }),
      );
      const again = quick.gateway.publish(`devices/${cred.id}/commands/reboot`, '{}', { qos: 1 });
      await until(() => parse(Buffer.concat(raw.received)).filter((p) => p.cmd === 'publish').length === 2);
      const second = parse(Buffer.concat(raw.received)).filter((p) => p.cmd === 'publish')[1] as mqtt.IPublishPacket;
      raw.socket.write(
        mqtt.generate({ cmd: 'puback', messageId: second.messageId!, reasonCode: 0 }, { protocolVersion: 5 }),
      );
      assert.equal((await again).delivered, true, 'the connection carries on');
      raw.socket.destroy();
    } finally {
      await quick.close();
    }
  });

  it('refuses server publishes outside commands and updates', async () => {
    await assert.rejects(h.gateway.publish('devices/dev-any/telemetry', 'x'), { code: 'FW_GATEWAY_TOPIC_INVALID' });
    await assert.rejects(h.gateway.publish('devices/+/commands/x', 'x'), { code: 'FW_GATEWAY_TOPIC_INVALID' });
    assert.equal((await h.gateway.publish('devices/dev-offline/commands/x', 'x')).delivered, false);
  });

  it('close() acknowledges pending publishes before closing sessions (MQTT 5 0x8B)', async () => {
    const other = await startGateway({ pki: h.pki });
    const cred = await h.pki.device('dev-closing');
    other.states.set(cred.id, 'active');
    const client = await connectDevice(other, cred);
    let release!: () => void;
    other.gate = new Promise((resolve) => (release = resolve));
    const pub = client.publishAsync(`devices/${cred.id}/telemetry`, '{"t":1}', { qos: 1 });
    const reason = new Promise<number | undefined>((resolve) =>
      client.once('disconnect', (p) => resolve(p.reasonCode)),
    );
    await until(() => other.arrived === 1); // held at the gate
    const closing = other.close();
    await sleep(30);
    release();
    await pub; // acknowledged, not lost
    assert.equal(await reason, 0x8b);
    await closing;
  });
});
