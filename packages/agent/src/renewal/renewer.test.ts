import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceCredentials } from '../core/platform.js';
import { CREDS, fakeAgent } from '../core/test-kit.js';
import { settle } from '../fakes/fake-clock.js';

const DAY = 86_400_000;

describe('renewal (RFC 7030 §4.2.2 simplereenroll)', () => {
  function setup(start: number) {
    const lifetimes = new Map<string, { notBefore: number; notAfter: number }>([
      ['c', { notBefore: start, notAfter: start + 90 * DAY }],
    ]);
    const renewedAt: number[] = [];
    let n = 0;
    let fail = 0;
    const holder: { now: () => number } = { now: () => 0 };
    const renew = (c: DeviceCredentials): Promise<DeviceCredentials> => {
      renewedAt.push(holder.now());
      if (fail > 0) {
        fail--;
        return Promise.reject(new Error('est down'));
      }
      const certPem = `c${++n}`;
      lifetimes.set(certPem, { notBefore: holder.now(), notAfter: holder.now() + 90 * DAY });
      return Promise.resolve({ ...c, certPem });
    };
    const t = fakeAgent({ renew, validity: (c) => lifetimes.get(c.certPem)! });
    holder.now = () => t.clock.now();
    return { t, renewedAt, failNext: (k: number) => (fail = k) };
  }

  it('renews at two thirds of the lifetime, then reconnects with the new certificate', async () => {
    const start = Date.UTC(2025, 0, 1);
    const { t, renewedAt } = setup(start);
    const renewed: number[] = [];
    t.agent.on('renewed', (notAfter) => renewed.push(notAfter));
    await t.agent.start();
    await settle();
    await t.clock.advance(60 * DAY - 1);
    assert.deepEqual(renewedAt, []);
    await t.clock.advance(1);
    assert.deepEqual(renewedAt, [start + 60 * DAY]);
    assert.equal(renewed.length, 1);
    assert.equal((await t.keystore.load())!.certPem, 'c1');
    const last = t.transport.attempts[t.transport.attempts.length - 1]!;
    assert.equal(last.credentials.certPem, 'c1');
    assert.equal(t.agent.state, 'online');
    await t.agent.stop();
  });

  it('keeps every record across the switch: unacknowledged ones are resent on the new connection', async () => {
    const { t } = setup(Date.UTC(2025, 0, 1));
    t.transport.autoAck = undefined;
    await t.agent.start();
    await settle();
    await t.agent.send('telemetry', { a: 1 });
    await settle();
    await t.clock.advance(60 * DAY + 10_000); // the window does not drain: switch after 5 s
    assert.equal(t.outbox.size().records, 1);
    const conn = t.transport.current!;
    assert.equal(conn.published.length, 1);
    conn.published[0]!.settle(0);
    await settle();
    assert.equal(t.outbox.size().records, 0);
    await t.agent.stop();
  });

  it('retries a failed renewal with backoff and reports FW_AGENT_RENEWAL_FAILED', async () => {
    const { t, renewedAt, failNext } = setup(Date.UTC(2025, 0, 1));
    failNext(2);
    await t.agent.start();
    await t.clock.advance(61 * DAY);
    assert.equal(renewedAt.length, 3);
    assert.deepEqual(
      t.errors.filter((c) => c === 'FW_AGENT_RENEWAL_FAILED'),
      ['FW_AGENT_RENEWAL_FAILED', 'FW_AGENT_RENEWAL_FAILED'],
    );
    assert.equal((await t.keystore.load())!.certPem, 'c1');
    await t.agent.stop();
  });

  it('retries when the new credentials cannot be saved (a full disk), instead of ending renewal', async () => {
    const { t, renewedAt } = setup(Date.UTC(2025, 0, 1));
    const save = t.keystore.save.bind(t.keystore);
    let refusals = 1;
    t.keystore.save = async (c) => {
      if (refusals-- > 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return save(c);
    };
    await t.agent.start();
    await t.clock.advance(61 * DAY);
    assert.equal(renewedAt.length, 2, 'renewed again after the failed save');
    assert.deepEqual(
      t.errors.filter((c) => c === 'FW_AGENT_RENEWAL_FAILED'),
      ['FW_AGENT_RENEWAL_FAILED'],
    );
    assert.equal((await t.keystore.load())!.certPem, 'c2');
    await t.agent.stop();
  });

  it('arms a timer beyond the 32-bit setTimeout range without firing early', async () => {
    const { t, renewedAt } = setup(Date.UTC(2025, 0, 1));
    await t.agent.start();
    await t.clock.advance(30 * DAY);
    assert.deepEqual(renewedAt, []);
    await t.agent.stop();
    assert.equal(CREDS.certPem, 'c');
  });
});
