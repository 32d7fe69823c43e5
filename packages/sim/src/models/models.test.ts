import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODELS, deviceSeed, modelFor, mulberry32, type Sample } from './index.js';

const START = Date.UTC(2025, 0, 15, 0, 0, 0);

function run(model: string, seed: number, steps: number): Sample[] {
  const m = MODELS[model]!;
  const gen = m.create(mulberry32(seed), START);
  return Array.from({ length: steps }, (_, i) => gen.next(START + (i + 1) * m.intervalMs));
}

describe('model generators', () => {
  for (const name of Object.keys(MODELS)) {
    describe(name, () => {
      it('gives the same samples for the same seed', () => {
        assert.deepEqual(run(name, 42, 500), run(name, 42, 500));
      });

      it('gives different samples for different seeds', () => {
        assert.notDeepEqual(run(name, 1, 50), run(name, 2, 50));
      });

      it('emits only scalar, finite fields with valid names', () => {
        for (const s of run(name, 7, 2000)) {
          for (const [k, v] of Object.entries(s.telemetry)) {
            assert.match(k, /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/);
            assert.ok(['number', 'string', 'boolean'].includes(typeof v), `${k} is scalar`);
            if (typeof v === 'number') assert.ok(Number.isFinite(v), `${k} is finite`);
          }
        }
      });
    });
  }

  it('thermostat: temperature stays plausible over a day and the heating both runs and rests', () => {
    const day = run('thermostat', 3, 8640); // 24 h at 10 s
    const temps = day.map((s) => s.telemetry['temperature'] as number);
    assert.ok(Math.min(...temps) > 10 && Math.max(...temps) < 30);
    const heating = day.map((s) => s.telemetry['heating']);
    assert.ok(heating.includes(true) && heating.includes(false));
    assert.deepEqual(new Set(day.map((s) => s.telemetry['setpoint'])).has(18), true, 'night setpoint');
  });

  it('camera: motion events happen over a day and raise the bitrate', () => {
    const day = run('camera', 5, 17280); // 24 h at 5 s
    const motions = day.flatMap((s) => s.events).filter((e) => e['type'] === 'motion');
    assert.ok(motions.length > 5, `${motions.length} motion events`);
    const moving = day.filter((s) => s.telemetry['motion'] === true).map((s) => s.telemetry['bitrate_kbps'] as number);
    const still = day.filter((s) => s.telemetry['motion'] === false).map((s) => s.telemetry['bitrate_kbps'] as number);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean(moving) > mean(still));
  });

  it('smart plug: switches on and off, draws power only when on, and energy never decreases', () => {
    const day = run('smart-plug', 9, 8640);
    assert.ok(day.some((s) => s.events.some((e) => e['type'] === 'switch')));
    for (const s of day) if (s.telemetry['on'] === false) assert.equal(s.telemetry['power_w'], 0);
    const energy = day.map((s) => s.telemetry['energy_kwh'] as number);
    for (let i = 1; i < energy.length; i++) assert.ok(energy[i]! >= energy[i - 1]!);
  });

  it('industrial sensor: occasional spikes, reported as events', () => {
    const day = run('industrial-sensor', 11, 17280);
    const spikes = day.flatMap((s) => s.events).filter((e) => e['type'] === 'spike');
    assert.ok(spikes.length > 10 && spikes.length < 200, `${spikes.length} spikes`);
  });

  it('a mixed fleet cycles through every model', () => {
    const names = Array.from({ length: 8 }, (_, i) => modelFor('mixed', i)!.name);
    assert.deepEqual(new Set(names).size, Object.keys(MODELS).length);
    assert.equal(modelFor('nope', 0), undefined);
  });

  it('device seeds differ per device and are stable', () => {
    assert.equal(deviceSeed(1, 'sim-camera-00001'), deviceSeed(1, 'sim-camera-00001'));
    assert.notEqual(deviceSeed(1, 'sim-camera-00001'), deviceSeed(1, 'sim-camera-00002'));
    assert.notEqual(deviceSeed(1, 'sim-camera-00001'), deviceSeed(2, 'sim-camera-00001'));
  });
});
