import { clamp, dailyCycle, drift, gaussian, happens, round } from './math.js';
import type { Fields, Generator, Random, TelemetryModel } from './types.js';

/**
 * A vibration/temperature/pressure sensor on a machine: the load follows the shifts (busiest
 * mid-day), temperature follows the load, and about twice an hour a spike (bearing knock,
 * pressure surge) shows up for one sample and is reported as an event.
 */
export const industrialSensor: TelemetryModel = {
  name: 'industrial-sensor',
  intervalMs: 5_000,
  create(random: Random, startMs: number): Generator {
    const nominal = 1.5 + random.next(); // mm/s RMS of a healthy machine
    let vibration = nominal;
    let temperature = 40 + random.next() * 10;
    let pressure = 6 + gaussian(random) * 0.1;
    let last = startMs;
    return {
      next(nowMs: number) {
        const dt = Math.max(0, nowMs - last);
        last = nowMs;
        const load = 0.6 + 0.4 * dailyCycle(nowMs, 13);
        vibration = clamp(drift(random, vibration, nominal * (0.7 + 0.5 * load), 0.2, 0.05), 0.1, 50);
        temperature = clamp(drift(random, temperature, 35 + 20 * load, 0.02, 0.1), -20, 120);
        pressure = clamp(drift(random, pressure, 6, 0.1, 0.03), 0, 16);
        const events: Fields[] = [];
        let vib = vibration;
        let pres = pressure;
        if (happens(random, 2, dt)) {
          const kind = random.next() < 0.6 ? 'vibration' : 'pressure';
          if (kind === 'vibration') vib *= 4 + random.next() * 4;
          else pres += 1.5 + random.next();
          events.push({ type: 'spike', kind, value: round(kind === 'vibration' ? vib : pres, 2) });
        }
        const telemetry: Fields = {
          vibration_rms: round(vib, 3),
          temperature: round(temperature, 2),
          pressure: round(pres, 3),
        };
        return { telemetry, events };
      },
    };
  },
};
