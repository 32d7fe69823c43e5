import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeConnection, type Connection } from '@fleetward/agent';
import type { SimDevice } from '../enroll/index.js';
import type { BehaviorContext } from '../fleet/index.js';
import { thermostat } from '../models/index.js';
import { SimAttack } from './sim-attack.js';

const devices = Array.from(
  { length: 12 },
  (_, i) => ({ id: `sim-thermostat-${String(i + 1).padStart(5, '0')}`, model: thermostat }) as unknown as SimDevice,
);

function context(id: string, connection: Connection | undefined, clientIds: string[]): BehaviorContext {
  return {
    deviceId: id,
    connection,
    connect: async (clientId) => {
      clientIds.push(clientId);
      throw new Error('refused'); // the gateway refuses a client id that is not the certificate's
    },
  };
}

describe('SimAttack (an attack on a simulated fleet, with ground truth)', () => {
  it('picks k infected devices by the seed, the same ones every time', () => {
    const a = new SimAttack('mirai', devices, 2, 3);
    assert.equal(a.infected.length, 2);
    assert.deepEqual(new SimAttack('mirai', devices, 2, 3).infected, a.infected);
  });

  it('reports benign metrics until infect(), then Mirai ports 23/2323/48101 and scan destinations', async () => {
    const a = new SimAttack('mirai', devices, 2);
    const sick = devices.find((d) => a.infected.includes(d.id))!;
    const healthy = devices.find((d) => !a.infected.includes(d.id))!;
    const source = a.hooks().metrics!(sick)!;
    assert.deepEqual((await source.collect())['listening-tcp-ports'], []);
    a.infect(1000);
    const m = await source.collect();
    assert.deepEqual(m['listening-tcp-ports'], [23, 2323, 48101]);
    const ports = (m['established-tcp-connections'] as { 'remote-addr': string }[]).map((c) =>
      Number(c['remote-addr'].split(':')[1]),
    );
    assert.ok(ports.filter((p) => p === 23 || p === 2323).length >= 40);
    assert.deepEqual((await a.hooks().metrics!(healthy)!.collect())['listening-tcp-ports'], []);
    assert.deepEqual(a.truth.summary().infected, a.infected);
  });

  it('floods only once infected: 100 telemetry publishes per second on the device connection', () => {
    const a = new SimAttack('flood', devices, 1);
    const id = a.infected[0]!;
    const behave = a.hooks().behavior!(devices.find((d) => d.id === id)!)!;
    const conn = new FakeConnection(0);
    behave(context(id, conn, []), 1000);
    assert.equal(conn.published.length, 0);
    a.infect();
    behave(context(id, conn, []), 1000);
    assert.equal(conn.published.length, 100);
    assert.ok(conn.published.every((p) => p.topic === `devices/${id}/telemetry`));
    assert.equal(a.hooks().behavior!(devices.find((d) => !a.infected.includes(d.id))!), undefined);
  });

  it('brute force: publishes to other devices’ topics and connects with a wrong client id', () => {
    const a = new SimAttack('bruteforce', devices, 1);
    const id = a.infected[0]!;
    const behave = a.hooks().behavior!(devices.find((d) => d.id === id)!)!;
    const conn = new FakeConnection(0x87);
    const clientIds: string[] = [];
    a.infect();
    for (let i = 0; i < 4; i++) behave(context(id, conn, clientIds), 1000);
    assert.equal(conn.published.length, 40);
    assert.ok(conn.published.every((p) => p.topic === `devices/not-${id}/telemetry`));
    assert.deepEqual(clientIds, [`${id}-x`, `${id}-x`]);
  });
});
