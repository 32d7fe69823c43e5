import { clamp, dailyCycle, drift, gaussian, hourOfDay, round } from './math.js';
import type { Fields, Generator, Random, TelemetryModel } from './types.js';

/**
 * A home thermostat: the room follows a daily cycle (warmest mid-afternoon) and drifts slowly;
 * the heating switches on below the setpoint with 0.5 °C of hysteresis and warms the room;
 * the setpoint follows a day/night schedule (21 °C from 06:00 to 22:00, else 18 °C).
 */
export const thermostat: TelemetryModel = {
  name: 'thermostat',
  intervalMs: 10_000,
  create(random: Random, startMs: number): Generator {
    const comfort = 20 + random.next() * 2; // this household's day setpoint
    let temperature = comfort - 1 + gaussian(random) * 0.5;
    let humidity = 40 + random.next() * 15;
    let heating = false;
    let bias = 0; // slow drift of the room (insulation, sun, open windows)
    let last = startMs;
    return {
      next(nowMs: number) {
        const dt = Math.max(0, nowMs - last) / 60_000; // minutes
        last = nowMs;
        const hour = hourOfDay(nowMs);
        const setpoint = hour >= 6 && hour < 22 ? round(comfort, 1) : 18;
        bias = drift(random, bias, 0, 0.01, 0.02);
        const outside = dailyCycle(nowMs, 15) * 1.5 + bias;
        if (temperature < setpoint - 0.5) heating = true;
        else if (temperature > setpoint + 0.5) heating = false;
        const toward = (heating ? 0.08 : -0.04) * dt + (outside * 0.01 + gaussian(random) * 0.02) * Math.sqrt(dt);
        temperature = clamp(temperature + toward, 5, 35);
        humidity = clamp(drift(random, humidity, 55 - temperature, 0.02, 0.3), 15, 85);
        const telemetry: Fields = {
          temperature: round(temperature, 2),
          humidity: round(humidity, 1),
          setpoint,
          heating,
        };
        return { telemetry, events: [] };
      },
    };
  },
};
