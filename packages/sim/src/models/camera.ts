import { clamp, drift, happens, hourOfDay, round } from './math.js';
import type { Fields, Generator, Random, TelemetryModel } from './types.js';

/**
 * A security camera: motion comes in Poisson bursts (more by day), raising the bitrate while it
 * lasts; 25 fps by day, 15 at night (infrared); recordings fill the storage until retention
 * frees a third of it.
 */
export const camera: TelemetryModel = {
  name: 'camera',
  intervalMs: 5_000,
  create(random: Random, startMs: number): Generator {
    let storage = 20 + random.next() * 50; // percent used
    let base = 1500 + random.next() * 1000; // kbit/s at rest
    let motionUntil = 0;
    let last = startMs;
    return {
      next(nowMs: number) {
        const dt = Math.max(0, nowMs - last);
        last = nowMs;
        const hour = hourOfDay(nowMs);
        const day = hour >= 7 && hour < 20;
        const events: Fields[] = [];
        if (nowMs >= motionUntil && happens(random, day ? 6 : 1.5, dt)) {
          const seconds = Math.round(5 + random.next() * 55);
          motionUntil = nowMs + seconds * 1000;
          events.push({ type: 'motion', zone: random.next() < 0.7 ? 'entrance' : 'yard', seconds });
        }
        const motion = nowMs < motionUntil;
        base = clamp(drift(random, base, 2000, 0.05, 40), 800, 4000);
        const bitrate = base * (motion ? 2.2 : 1) * (day ? 1 : 0.6);
        storage += (bitrate * dt) / 8 / 1e9 / 10; // one tenth of a percent per GB written (a 1 TB disk)
        if (storage > 95) {
          storage -= 30;
          events.push({ type: 'retention', freedPercent: 30 });
        }
        const telemetry: Fields = {
          motion,
          bitrate_kbps: Math.round(bitrate),
          fps: day ? 25 : 15,
          storage_used: round(storage, 2),
        };
        return { telemetry, events };
      },
    };
  },
};
