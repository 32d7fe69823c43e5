import type { Random } from './platform.js';

const RAND_SPACE = 36 ** 6;

/**
 * Record ids: `<ms base36>.<sequence base36>.<6 random base36>`, unique per device across
 * restarts (time moves on, the sequence separates records within one millisecond, the random
 * part separates two processes started in the same millisecond). They match the server's
 * messageId grammar `[A-Za-z0-9_.:-]{1,128}` and sort roughly by creation.
 */
export class RecordIds {
  #seq = 0;

  constructor(private readonly random: Random) {}

  next(now: number): string {
    const rand = Math.floor(this.random.next() * RAND_SPACE)
      .toString(36)
      .padStart(6, '0');
    return `${now.toString(36)}.${(this.#seq++).toString(36)}.${rand}`;
  }
}
