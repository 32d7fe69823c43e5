import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle } from '../fakes/fake-clock.js';
import { fullJitter } from './backoff.js';
import { seededRandom } from './random.js';
import { REASON } from './refusals.js';
import { fakeAgent } from './test-kit.js';

describe('reconnection', () => {
  describe('fullJitter', () => {
    it('stays within [0, min(max, base * 2^attempt))', () => {
      const r = seededRandom(7);
      for (let attempt = 0; attempt < 20; attempt++) {
        for (let i = 0; i < 50; i++) {
          const d = fullJitter(attempt, { baseMs: 100, maxMs: 5_000 }, r);
          assert.ok(d >= 0 && d < Math.min(5_000, 100 * 2 ** attempt));
        }
      }
    });
  });

  describe('when 100 agents lose the gateway at the same moment', () => {
    it('spreads their first reconnect over the whole window (no synchronized storm)', async () => {
      const delays: number[] = [];
      for (let seed = 1; seed <= 100; seed++) {
        const t = fakeAgent({ backoff: { baseMs: 1_000, maxMs: 60_000 } }, seed);
        await t.agent.start();
        await settle();
        const start = t.clock.now();
        t.transport.current!.drop();
        await t.clock.advance(1_000);
        assert.equal(t.transport.attempts.length, 2, 'one reconnect within base');
        delays.push(t.transport.attempts[1]!.at - start);
        await t.agent.stop();
      }
      const buckets = new Set(delays.map((d) => Math.floor(d / 100)));
      assert.ok(buckets.size >= 9, `first reconnects fall in ${buckets.size} of 10 buckets of 100 ms`);
      const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
      const sd = Math.sqrt(delays.reduce((a, d) => a + (d - mean) ** 2, 0) / delays.length);
      assert.ok(sd > 200, `spread (sd ${sd.toFixed(0)} ms) is wide`);
    });
  });

  describe('when connects keep failing', () => {
    it('grows the ceiling exponentially and resets it after a stable connection', async () => {
      const t = fakeAgent({ backoff: { baseMs: 1_000, maxMs: 8_000 }, stableMs: 5_000 });
      t.transport.otherwise = 'network-error';
      const offline: number[] = [];
      t.agent.on('state', (s, d) => s === 'offline' && offline.push(d.attempt!));
      await t.agent.start();
      await t.clock.advance(60_000);
      assert.deepEqual(offline.slice(0, 5), [0, 1, 2, 3, 4]);
      t.transport.otherwise = 'accept';
      await t.clock.advance(10_000);
      assert.equal(t.agent.state, 'online');
      await t.clock.advance(5_000);
      offline.length = 0;
      t.transport.current!.drop();
      await settle();
      assert.deepEqual(offline, [0], 'backoff reset after a stable connection');
      await t.agent.stop();
    });
  });
});

describe('revocation', () => {
  it('after DISCONNECT 0x98 and a refused handshake, stops for good and reports revoked', async () => {
    const t = fakeAgent();
    await t.agent.start();
    await settle();
    await t.agent.send('telemetry', { a: 1 });
    t.transport.otherwise = { revoked: true };
    t.transport.current!.drop({ code: REASON.ADMINISTRATIVE_ACTION, revoked: true });
    await t.clock.advance(600_000);
    assert.equal(t.agent.state, 'revoked');
    assert.equal(t.transport.attempts.length, 2, 'one confirming attempt, then no more');
    assert.ok(t.errors.includes('FW_AGENT_REVOKED'));
    assert.deepEqual(t.clock.pending(), [], 'no timer left');
    await assert.rejects(t.agent.send('telemetry', { a: 2 }), { code: 'FW_AGENT_REVOKED' });
  });

  it('needs repeated refusals without a DISCONNECT 0x98 before concluding revoked', async () => {
    const t = fakeAgent({ revokedAfter: 3 });
    t.transport.outcomes = [{ revoked: true }, { revoked: true }];
    await t.agent.start();
    await t.clock.advance(120_000);
    assert.equal(t.agent.state, 'online', 'two refusals then success');
    await t.agent.stop();
    const u = fakeAgent({ revokedAfter: 3 });
    u.transport.otherwise = { revoked: true };
    await u.agent.start();
    await u.clock.advance(600_000);
    assert.equal(u.agent.state, 'revoked');
    assert.equal(u.transport.attempts.length, 3);
  });

  it('reads a silent close after the handshake as a network failure: a path cutting connections cannot revoke', async () => {
    const t = fakeAgent({ revokedAfter: 3, backoff: { baseMs: 100, maxMs: 1_000 } });
    t.transport.otherwise = { revoked: false, closedAfterHandshake: true };
    await t.agent.start();
    await t.clock.advance(60_000);
    assert.notEqual(t.agent.state, 'revoked');
    assert.ok(t.transport.attempts.length > 10, 'still trying');
    await t.agent.stop();
  });

  it('after DISCONNECT 0x98, a silent close after the handshake confirms the revocation', async () => {
    const t = fakeAgent();
    await t.agent.start();
    await settle();
    t.transport.otherwise = { revoked: false, closedAfterHandshake: true };
    t.transport.current!.drop({ code: REASON.ADMINISTRATIVE_ACTION, revoked: true });
    await t.clock.advance(600_000);
    assert.equal(t.agent.state, 'revoked');
    assert.equal(t.transport.attempts.length, 2, 'one confirming attempt, then no more');
  });

  it('keeps retrying through network errors (they are not refusals)', async () => {
    const t = fakeAgent({ backoff: { baseMs: 100, maxMs: 1_000 } });
    t.transport.otherwise = 'network-error';
    await t.agent.start();
    await t.clock.advance(60_000);
    assert.equal(t.agent.state, 'offline');
    assert.ok(t.transport.attempts.length > 20);
    await t.agent.stop();
  });
});
