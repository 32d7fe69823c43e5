import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Semaphore } from './semaphore.js';

describe('Semaphore (the bound on TLS handshakes in progress)', () => {
  it('lets at most `limit` holders in, and the next waiter in FIFO order on release', async () => {
    const s = new Semaphore(2);
    const a = await s.acquire();
    const b = await s.acquire();
    const order: string[] = [];
    const c = s.acquire().then((r) => (order.push('c'), r));
    const d = s.acquire().then((r) => (order.push('d'), r));
    await Promise.resolve();
    assert.equal(s.active, 2);
    assert.deepEqual(order, []);
    a();
    a(); // a second release of the same holder is ignored
    (await c)();
    b();
    (await d)();
    assert.deepEqual(order, ['c', 'd']);
    assert.equal(s.active, 0);
  });
});
