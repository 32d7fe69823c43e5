import type { Clock, TimerHandle } from '../core/platform.js';

/** Wall-clock time and Node timers (unref'd: a pending retry does not keep a process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms): TimerHandle {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimer(h) {
    clearTimeout(h as NodeJS.Timeout);
  },
};
