import { clamp, drift, gaussian, happens, round } from './math.js';
import type { Fields, Generator, Random, TelemetryModel } from './types.js';

const LOADS = [5, 60, 120, 800, 1500, 2000]; // W: charger, lamp, TV, fridge, heater, kettle

/**
 * A smart plug: switched on and off a few times an hour; when on it draws its appliance's load
 * with noise; mains voltage wanders around 230 V; energy accumulates.
 */
export const smartPlug: TelemetryModel = {
  name: 'smart-plug',
  intervalMs: 10_000,
  create(random: Random, startMs: number): Generator {
    const load = LOADS[Math.floor(random.next() * LOADS.length)]!;
    let on = random.next() < 0.5;
    let voltage = 230 + gaussian(random) * 2;
    let energy = round(random.next() * 50, 3);
    let last = startMs;
    return {
      next(nowMs: number) {
        const dt = Math.max(0, nowMs - last);
        last = nowMs;
        const events: Fields[] = [];
        if (happens(random, on ? 3 : 2, dt)) {
          on = !on;
          events.push({ type: 'switch', on });
        }
        voltage = clamp(drift(random, voltage, 230, 0.1, 0.8), 207, 253);
        const power = on ? Math.max(0, load * (1 + gaussian(random) * 0.03)) : 0;
        energy += (power * dt) / 3.6e9;
        const telemetry: Fields = {
          on,
          power_w: round(power, 1),
          voltage: round(voltage, 1),
          current: round(power / voltage, 3),
          energy_kwh: round(energy, 4),
        };
        return { telemetry, events };
      },
    };
  },
};
