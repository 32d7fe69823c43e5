import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle } from '../fakes/fake-clock.js';
import { REASON } from './refusals.js';
import { fakeAgent, messageIdOf } from './test-kit.js';

describe('Agent', () => {
  describe('send', () => {
    it('publishes records in order with their id as messageId, QoS 1', async () => {
      const t = fakeAgent();
      await t.agent.start();
      await settle();
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await t.agent.send('telemetry', { n: i }));
      await settle();
      const pubs = t.transport.current!.published;
      assert.deepEqual(
        pubs.map((p) => messageIdOf(p.payload)),
        ids,
      );
      assert.ok(pubs.every((p) => p.qos === 1 && p.topic === 'devices/dev-1/telemetry'));
      assert.deepEqual(t.acks, ids);
      assert.equal(t.outbox.size().records, 0);
      await t.agent.stop();
    });

    it('gives every record a distinct id', async () => {
      const t = fakeAgent();
      const ids = new Set<string>();
      for (let i = 0; i < 1000; i++) ids.add(await t.agent.send('telemetry', { n: i }));
      assert.equal(ids.size, 1000);
    });

    it('refuses fields the server would refuse, with FW_AGENT_INPUT_INVALID', async () => {
      const t = fakeAgent();
      await assert.rejects(t.agent.send('telemetry', { 'bad name': 1 }), { code: 'FW_AGENT_INPUT_INVALID' });
      await assert.rejects(t.agent.send('telemetry', { messageId: 'x' }), { code: 'FW_AGENT_INPUT_INVALID' });
      assert.equal(t.outbox.size().records, 0);
    });

    it('stores records while offline and sends them once connected', async () => {
      const t = fakeAgent();
      t.transport.otherwise = 'network-error';
      await t.agent.start();
      await settle();
      await t.agent.send('telemetry', { a: 1 });
      await t.agent.send('events', { b: 2 });
      assert.equal(t.agent.state, 'offline');
      assert.equal(t.outbox.size().records, 2);
      t.transport.otherwise = 'accept';
      await t.clock.advance(120_000);
      assert.equal(t.agent.state, 'online');
      assert.equal(t.outbox.size().records, 0);
      assert.deepEqual(
        t.transport.current!.published.map((p) => p.topic),
        ['devices/dev-1/telemetry', 'devices/dev-1/events'],
      );
      await t.agent.stop();
    });
  });

  describe('acknowledgement', () => {
    it('removes a record only after its PUBACK', async () => {
      const t = fakeAgent();
      t.transport.autoAck = undefined;
      await t.agent.start();
      await settle();
      await t.agent.send('telemetry', { a: 1 });
      await settle();
      const conn = t.transport.current!;
      assert.equal(conn.published.length, 1);
      assert.equal(t.outbox.size().records, 1);
      conn.published[0]!.settle(0);
      await settle();
      assert.equal(t.outbox.size().records, 0);
      await t.agent.stop();
    });

    it('keeps at most the in-flight window unacknowledged, in order', async () => {
      const t = fakeAgent({ inflight: 4 });
      t.transport.autoAck = undefined;
      await t.agent.start();
      await settle();
      for (let i = 0; i < 10; i++) await t.agent.send('telemetry', { n: i });
      await settle();
      const conn = t.transport.current!;
      assert.equal(conn.unsettled().length, 4);
      conn.published[0]!.settle(0);
      await settle();
      assert.equal(conn.unsettled().length, 4);
      assert.equal(conn.published.length, 5);
      await t.agent.stop();
    });

    it('resends unacknowledged records after the connection drops, with the same ids', async () => {
      const t = fakeAgent();
      t.transport.autoAck = undefined;
      await t.agent.start();
      await settle();
      const id = await t.agent.send('telemetry', { a: 1 });
      await settle();
      t.transport.current!.drop();
      await settle();
      assert.equal(t.agent.state, 'offline');
      assert.equal(t.outbox.size().records, 1);
      await t.clock.advance(60_000);
      const again = t.transport.current!;
      assert.equal(messageIdOf(again.published[0]!.payload), id);
      again.published[0]!.settle(0);
      await settle();
      assert.equal(t.outbox.size().records, 0);
      assert.equal(t.agent.stats().reconnects, 1);
      await t.agent.stop();
    });

    it('drops a record the gateway refuses as malformed (PUBACK 0x99) and counts it', async () => {
      const t = fakeAgent();
      t.transport.autoAck = REASON.PAYLOAD_FORMAT_INVALID;
      await t.agent.start();
      await settle();
      const id = await t.agent.send('telemetry', { a: 1 });
      await settle();
      assert.deepEqual(t.dropped, [id]);
      assert.equal(t.agent.stats().dropped, 1);
      assert.equal(t.outbox.size().records, 0);
      assert.ok(t.errors.includes('FW_AGENT_PUBLISH_REFUSED'));
      await t.agent.stop();
    });

    it('becomes quarantined when telemetry is refused 0x87, keeps the records and probes until released', async () => {
      const t = fakeAgent({ quarantineProbeMs: 10_000 });
      t.transport.autoAck = REASON.NOT_AUTHORIZED;
      await t.agent.start();
      await settle();
      await t.agent.send('telemetry', { a: 1 });
      await t.agent.send('telemetry', { a: 2 });
      await settle();
      assert.equal(t.agent.state, 'quarantined');
      assert.equal(t.outbox.size().records, 2);
      const before = t.transport.current!.published.length;
      await t.clock.advance(10_000);
      assert.equal(t.transport.current!.published.length, before + 1, 'one probe');
      t.transport.current!.auto = 0;
      await t.clock.advance(10_000);
      assert.equal(t.agent.state, 'online');
      assert.equal(t.outbox.size().records, 0);
      await t.agent.stop();
    });
  });

  describe('overflow', () => {
    it('drops the oldest non-critical record first and counts it', async () => {
      const t = fakeAgent({ limits: { maxRecords: 3 } });
      const critical = await t.agent.send('events', { c: 1 }, { critical: true });
      const a = await t.agent.send('telemetry', { n: 1 });
      const b = await t.agent.send('telemetry', { n: 2 });
      const c = await t.agent.send('telemetry', { n: 3 });
      assert.deepEqual(t.dropped, [a]);
      const left = (await t.outbox.peek(10)).map((r) => r.id);
      assert.deepEqual(left, [critical, b, c]);
      assert.equal(t.agent.stats().dropped, 1);
    });

    it('drops a new non-critical record when only critical ones are stored', async () => {
      const t = fakeAgent({ limits: { maxRecords: 2 } });
      await t.agent.send('events', { c: 1 }, { critical: true });
      await t.agent.send('events', { c: 2 }, { critical: true });
      const late = await t.agent.send('telemetry', { n: 1 });
      assert.deepEqual(t.dropped, [late]);
      assert.equal(t.outbox.size().records, 2);
    });

    it('refuses a critical record when nothing can be dropped (FW_AGENT_OUTBOX_FULL)', async () => {
      const t = fakeAgent({ limits: { maxRecords: 1 } });
      await t.agent.send('events', { c: 1 }, { critical: true });
      await assert.rejects(t.agent.send('events', { c: 2 }, { critical: true }), { code: 'FW_AGENT_OUTBOX_FULL' });
    });

    it('bounds the outbox by bytes too', async () => {
      const t = fakeAgent({ limits: { maxBytes: 300 } });
      for (let i = 0; i < 10; i++) await t.agent.send('telemetry', { s: 'x'.repeat(50) });
      assert.ok(t.outbox.size().bytes <= 300);
      assert.ok(t.agent.stats().dropped > 0);
    });
  });
});
