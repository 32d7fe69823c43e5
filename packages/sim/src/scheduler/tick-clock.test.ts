import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TickClock } from './index.js';

describe('TickClock', () => {
  it('fires due timers in order of due time, then of creation', () => {
    let now = 1000;
    const clock = new TickClock(10, undefined, () => now);
    const fired: string[] = [];
    clock.setTimer(() => fired.push('b'), 50);
    clock.setTimer(() => fired.push('a'), 10);
    clock.setTimer(() => fired.push('c'), 50);
    clock.setTimer(() => fired.push('late'), 500);
    now = 1100;
    clock.tick();
    assert.deepEqual(fired, ['a', 'b', 'c']);
    assert.equal(clock.pending, 1);
    clock.close();
  });

  it('does not fire cleared timers', () => {
    let now = 0;
    const clock = new TickClock(10, undefined, () => now);
    const fired: number[] = [];
    const h = clock.setTimer(() => fired.push(1), 5);
    clock.setTimer(() => fired.push(2), 5);
    clock.clearTimer(h);
    clock.clearTimer(h);
    now = 10;
    clock.tick();
    assert.deepEqual(fired, [2]);
    assert.equal(clock.pending, 0);
  });

  it('runs timers set by a timer on a later tick, and reports errors without stopping', () => {
    let now = 0;
    const errors: unknown[] = [];
    const clock = new TickClock(
      10,
      (e) => errors.push(e),
      () => now,
    );
    const fired: string[] = [];
    clock.setTimer(() => {
      fired.push('first');
      clock.setTimer(() => fired.push('second'), 0);
      throw new Error('boom');
    }, 0);
    clock.setTimer(() => fired.push('third'), 0);
    now = 1;
    clock.tick();
    assert.deepEqual(fired, ['first', 'third']);
    assert.equal(errors.length, 1);
    clock.tick();
    assert.deepEqual(fired, ['first', 'third', 'second']);
  });

  it('drives real time with one interval, stopped when nothing is pending', async () => {
    const clock = new TickClock(5);
    const done = new Promise<number>((resolve) => clock.setTimer(() => resolve(clock.now()), 20));
    const start = Date.now();
    assert.ok((await done) >= start);
    assert.equal(clock.pending, 0);
  });

  it('ignores timers after close', () => {
    const clock = new TickClock();
    clock.close();
    clock.setTimer(() => assert.fail('fired after close'), 0);
    assert.equal(clock.pending, 0);
  });
});
