import { camera } from './camera.js';
import { industrialSensor } from './industrial-sensor.js';
import { smartPlug } from './smart-plug.js';
import { thermostat } from './thermostat.js';
import type { TelemetryModel } from './types.js';

export type { Fields, Generator, Random, Sample, TelemetryModel } from './types.js';
export { mulberry32, deviceSeed } from './random.js';
export { camera, industrialSensor, smartPlug, thermostat };

/** The built-in models by name. */
export const MODELS: Readonly<Record<string, TelemetryModel>> = {
  thermostat,
  camera,
  'smart-plug': smartPlug,
  'industrial-sensor': industrialSensor,
};

/** `mixed` spreads a fleet over every model in turn. */
export const MODEL_NAMES = [...Object.keys(MODELS), 'mixed'] as const;

/** The model of the i-th device (0-based) of a fleet of `name` (a model or `mixed`). */
export function modelFor(name: string, index: number): TelemetryModel | undefined {
  if (name === 'mixed') {
    const all = Object.values(MODELS);
    return all[index % all.length];
  }
  return MODELS[name];
}
