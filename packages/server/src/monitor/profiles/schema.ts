import { isIP } from 'node:net';
import { monitorError } from '../errors.js';
import { ALERT_KINDS, SEVERITIES, type Behavior, type Criteria, type SecurityProfile } from '../types.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const METRIC = /^[a-z][a-z0-9-]{0,63}$/;
const MODEL = /^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

/** Validates a security profile given as data (JSON); throws FW_MONITOR_PROFILE_INVALID. */
export function parseProfile(input: unknown): SecurityProfile {
  const o = object(input, 'profile');
  const name = str(o['name'], 'name', NAME);
  const target = object(o['target'], 'target');
  const models = list(target['models'], 'target.models', 64).map((m) => str(m, 'target.models[]', MODEL));
  if (models.length === 0) throw invalid('target.models: at least one model, or "*"');
  const behaviors = list(o['behaviors'], 'behaviors', 64).map((b, i) => behavior(b, `behaviors[${i}]`));
  if (new Set(behaviors.map((b) => b.name)).size !== behaviors.length) throw invalid('behavior names must differ');
  const description = o['description'] === undefined ? undefined : str(o['description'], 'description', /^.{0,500}$/s);
  return {
    name,
    ...(description === undefined ? {} : { description }),
    enabled: o['enabled'] === undefined ? true : bool(o['enabled'], 'enabled'),
    target: { models },
    behaviors,
  };
}

function behavior(input: unknown, at: string): Behavior {
  const o = object(input, at);
  const toAlarm =
    o['datapointsToAlarm'] === undefined ? undefined : int(o['datapointsToAlarm'], `${at}.datapointsToAlarm`, 1, 100);
  const toClear =
    o['datapointsToClear'] === undefined ? undefined : int(o['datapointsToClear'], `${at}.datapointsToClear`, 1, 100);
  return {
    name: str(o['name'], `${at}.name`, NAME),
    metric: str(o['metric'], `${at}.metric`, METRIC),
    kind: oneOf(o['kind'], ALERT_KINDS, `${at}.kind`),
    severity: oneOf(o['severity'], SEVERITIES, `${at}.severity`),
    criteria: criteria(o['criteria'], `${at}.criteria`),
    ...(toAlarm === undefined ? {} : { datapointsToAlarm: toAlarm }),
    ...(toClear === undefined ? {} : { datapointsToClear: toClear }),
  };
}

function criteria(input: unknown, at: string): Criteria {
  const o = object(input, at);
  const type = oneOf(o['type'], ['static', 'fleet', 'baseline'] as const, `${at}.type`);
  if (type === 'fleet') {
    return {
      type,
      percentile: num(o['percentile'] ?? 99, `${at}.percentile`, 50, 100),
      factor: num(o['factor'] ?? 3, `${at}.factor`, 1, 1e6),
      floor: num(o['floor'] ?? 0, `${at}.floor`, 0, Number.MAX_SAFE_INTEGER),
      minPeers: int(o['minPeers'] ?? 20, `${at}.minPeers`, 2, 1e6),
    };
  }
  if (type === 'baseline') {
    return {
      type,
      warmup: int(o['warmup'] ?? 10, `${at}.warmup`, 3, 10_000),
      k: num(o['k'] ?? 6, `${at}.k`, 1, 100),
      minDelta: num(o['minDelta'] ?? 0, `${at}.minDelta`, 0, Number.MAX_SAFE_INTEGER),
      minRatio: num(o['minRatio'] ?? 1, `${at}.minRatio`, 1, 1e6),
    };
  }
  const op = oneOf(
    o['op'],
    ['gt', 'gte', 'lt', 'lte', 'in-set', 'not-in-set', 'in-cidr-set', 'not-in-cidr-set'] as const,
    `${at}.op`,
  );
  if (op === 'in-set' || op === 'not-in-set') {
    const values = list(o['values'], `${at}.values`, 4096).map((v) => {
      if ((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 64)) return v;
      throw invalid(`${at}.values: numbers or short strings`);
    });
    return { type, op, values };
  }
  if (op === 'in-cidr-set' || op === 'not-in-cidr-set') {
    const cidrs = list(o['cidrs'], `${at}.cidrs`, 4096).map((c) => cidr(c, `${at}.cidrs[]`));
    return { type, op, cidrs };
  }
  return { type, op, value: num(o['value'], `${at}.value`, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) };
}

function cidr(v: unknown, at: string): string {
  if (typeof v !== 'string') throw invalid(at);
  const [net, bits, extra] = v.split('/');
  const family = isIP(net ?? '');
  const max = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max))) {
    throw invalid(`${at}: ${v} is not a CIDR`);
  }
  return v;
}

function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${at}: an object`);
  return v as Record<string, unknown>;
}
function list(v: unknown, at: string, max: number): unknown[] {
  if (!Array.isArray(v) || v.length > max) throw invalid(`${at}: a list of at most ${max}`);
  return v;
}
function str(v: unknown, at: string, re: RegExp): string {
  if (typeof v !== 'string' || !re.test(v)) throw invalid(at);
  return v;
}
function bool(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') throw invalid(at);
  return v;
}
function num(v: unknown, at: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw invalid(`${at}: ${min} to ${max}`);
  return v;
}
function int(v: unknown, at: string, min: number, max: number): number {
  if (!Number.isInteger(v)) throw invalid(`${at}: an integer`);
  return num(v, at, min, max);
}
function oneOf<T extends string>(v: unknown, values: readonly T[], at: string): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw invalid(`${at}: one of ${values.join(', ')}`);
  return v as T;
}
function invalid(what: string) {
  return monitorError('FW_MONITOR_PROFILE_INVALID', what);
}
