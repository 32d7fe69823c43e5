import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FixedClock } from '../kernel/index.js';
import { checkWaves, decide, waveBounds, type RolloutPosition } from './waves.js';

const base: RolloutPosition = {
  state: 'running',
  wave: 0,
  waves: [10, 50, 100],
  maxFailureRate: 0.05,
  waveWaitMs: 600_000,
  waveDoneAt: null,
  waveTimeoutMs: 0,
  waveStartedAt: new FixedClock().now(),
  waivedWave: null,
};

describe('the wave state machine', () => {
  it('cuts waves as cumulative percentages of the target devices, rounding up', () => {
    assert.deepEqual(waveBounds([1, 10, 50, 100], 50), [1, 5, 25, 50]);
    assert.deepEqual(waveBounds([1, 10, 50, 100], 1000), [10, 100, 500, 1000]);
    assert.deepEqual(waveBounds([10, 100], 3), [1, 3]);
  });

  it('refuses waves that do not rise strictly to 100', () => {
    for (const w of [[], [50], [0, 100], [50, 50, 100], [60, 40, 100], [10, 101], [Number.NaN, 100]]) {
      assert.throws(() => checkWaves(w), { code: 'FW_ROLLOUT_INVALID' }, JSON.stringify(w));
    }
    checkWaves([1, 10, 50, 100]);
  });

  it('waits while devices of the wave have not reported', () => {
    const clock = new FixedClock();
    assert.deepEqual(decide(base, { size: 10, confirmed: 9, failed: 0 }, clock.now()), { kind: 'none' });
  });

  // hawkBit's error threshold: the rollout pauses as soon as a wave's failures exceed the rate.
  it('pauses as soon as the failures of the wave exceed the maximum failure rate, before the wave ends', () => {
    const clock = new FixedClock();
    assert.equal(decide(base, { size: 100, confirmed: 0, failed: 5 }, clock.now()).kind, 'none'); // 0.05 is allowed
    assert.equal(decide(base, { size: 100, confirmed: 0, failed: 6 }, clock.now()).kind, 'pause');
  });

  it('marks a finished wave done, then starts the next after the wave wait', () => {
    const clock = new FixedClock();
    const done = { size: 10, confirmed: 10, failed: 0 };
    assert.deepEqual(decide(base, done, clock.now()), { kind: 'wave-done' });
    const waiting = { ...base, waveDoneAt: clock.now() };
    clock.advance(599_999);
    assert.deepEqual(decide(waiting, done, clock.now()), { kind: 'none' });
    clock.advance(1);
    assert.deepEqual(decide(waiting, done, clock.now()), { kind: 'advance', wave: 1 });
  });

  it('advances at once without a wave wait, and completes after the last wave', () => {
    const clock = new FixedClock();
    const done = { size: 10, confirmed: 10, failed: 0 };
    assert.deepEqual(decide({ ...base, waveWaitMs: 0 }, done, clock.now()), { kind: 'advance', wave: 1 });
    assert.deepEqual(decide({ ...base, wave: 2 }, done, clock.now()), { kind: 'complete' });
  });

  it('lets a wave whose failures an operator accepted (resume after a pause) finish and move on', () => {
    const clock = new FixedClock();
    const bad = { size: 10, confirmed: 5, failed: 5 };
    assert.equal(decide(base, bad, clock.now()).kind, 'pause');
    assert.deepEqual(decide({ ...base, waivedWave: 0, waveWaitMs: 0 }, bad, clock.now()), { kind: 'advance', wave: 1 });
    // the next wave is judged again
    assert.equal(decide({ ...base, wave: 1, waivedWave: 0 }, bad, clock.now()).kind, 'pause');
  });

  describe('with a wave timeout', () => {
    const timed = { ...base, waveTimeoutMs: 3_600_000, waveWaitMs: 0 };

    it('waits for silent devices until the timeout, then counts them as failed and moves on within the rate', () => {
      const clock = new FixedClock();
      const silentOne = { size: 100, confirmed: 99, failed: 0 };
      clock.advance(3_599_999);
      assert.deepEqual(decide(timed, silentOne, clock.now()), { kind: 'none' });
      clock.advance(1);
      assert.deepEqual(decide(timed, silentOne, clock.now()), { kind: 'advance', wave: 1 });
      assert.deepEqual(decide({ ...timed, waveWaitMs: 600_000 }, silentOne, clock.now()), { kind: 'wave-done' });
    });

    it('pauses when the silent devices, counted as failed, exceed the maximum failure rate', () => {
      const clock = new FixedClock();
      clock.advance(3_600_000);
      const d = decide(timed, { size: 100, confirmed: 94, failed: 0 }, clock.now());
      assert.equal(d.kind, 'pause');
      // an operator who resumes accepts them: the wave moves on
      assert.deepEqual(decide({ ...timed, waivedWave: 0 }, { size: 100, confirmed: 94, failed: 0 }, clock.now()), {
        kind: 'advance',
        wave: 1,
      });
    });

    it('never completes while devices of the last or an earlier wave are silent: they are still waited for', () => {
      const clock = new FixedClock();
      clock.advance(10 * 3_600_000);
      assert.deepEqual(decide({ ...timed, wave: 2 }, { size: 100, confirmed: 99, failed: 0 }, clock.now()), {
        kind: 'none',
      });
      const last = { size: 100, confirmed: 100, failed: 0 };
      assert.deepEqual(decide({ ...timed, wave: 2 }, { ...last, behind: 1 }, clock.now()), { kind: 'none' });
      assert.deepEqual(decide({ ...timed, wave: 2 }, last, clock.now()), { kind: 'complete' });
    });
  });

  it('decides nothing for a paused, completed or aborted rollout', () => {
    const clock = new FixedClock();
    for (const state of ['paused', 'completed', 'aborted'] as const) {
      assert.deepEqual(decide({ ...base, state }, { size: 1, confirmed: 1, failed: 0 }, clock.now()), { kind: 'none' });
    }
  });
});
