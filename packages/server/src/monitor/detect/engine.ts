import type { AlarmChange, Behavior, Datapoint, Evaluation, MetricValue, SecurityProfile, Severity } from '../types.js';
import { SEVERITIES } from '../types.js';
import { Baseline } from './baseline.js';
import { FleetDistribution } from './fleet.js';
import { decidableOnPartial, evaluateStatic } from './static.js';

interface Alarm {
  violations: number;
  goods: number;
  active: boolean;
  severity: Severity;
  repeats: number;
}

/** Violating datapoints in a row, once alarmed, after which the severity goes up one level. */
const ESCALATE_AFTER = 10;

/** Counters of the detector itself (Prometheus). */
export interface DetectorStats {
  datapoints: number;
  evaluations: number;
  /** Wall time spent in `observe`, microseconds (single-threaded: CPU time of the detector). */
  micros: number;
}

/**
 * The detection engine: every datapoint is checked against the behaviors of the profiles that
 * target the device's model; each (device, profile, behavior) keeps an alarm with
 * datapoints-to-alarm and -to-clear. Pure and synchronous: no I/O, so it can be benchmarked
 * and driven by synthetic streams; the Monitor persists what it returns.
 */
export class Detector {
  #profiles: readonly SecurityProfile[] = [];
  #metrics: ReadonlySet<string> = new Set();
  readonly #alarms = new Map<string, Alarm>();
  readonly #baselines = new Map<string, Baseline>();
  readonly #fleet = new Map<string, FleetDistribution>();
  readonly stats: DetectorStats = { datapoints: 0, evaluations: 0, micros: 0 };

  setProfiles(profiles: readonly SecurityProfile[]): void {
    this.#profiles = profiles.filter((p) => p.enabled);
    this.#metrics = new Set(this.#profiles.flatMap((p) => p.behaviors.map((b) => b.metric)));
  }

  /** True when a behavior of an enabled profile looks at this metric. */
  usesMetric(name: string): boolean {
    return this.#metrics.has(name);
  }

  get profiles(): readonly SecurityProfile[] {
    return this.#profiles;
  }

  observe(dp: Datapoint): AlarmChange[] {
    const started = performance.now();
    this.stats.datapoints++;
    const changes: AlarmChange[] = [];
    for (const profile of this.#profiles) {
      if (!targets(profile, dp.model)) continue;
      for (const behavior of profile.behaviors) {
        const value = dp.metrics[behavior.metric];
        if (value === undefined) continue;
        const change = this.#check(profile, behavior, dp, value);
        if (change !== undefined) changes.push(change);
      }
    }
    this.stats.micros += (performance.now() - started) * 1000;
    return changes;
  }

  /** Closes a window of the fleet statistics. */
  rotateWindow(): void {
    const alarmed = new Set<string>();
    for (const [key, alarm] of this.#alarms) if (alarm.active) alarmed.add(key.slice(0, key.indexOf('\0')));
    for (const dist of this.#fleet.values()) dist.rotate(alarmed);
  }

  /** Drops the state of a device (retired, or an operator released it and wants a fresh start). */
  forget(deviceId: string): void {
    const prefix = `${deviceId}\0`;
    for (const map of [this.#alarms, this.#baselines] as Map<string, unknown>[]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }

  /** Alarms active now (device, profile, behavior keys). */
  activeAlarms(): number {
    let n = 0;
    for (const a of this.#alarms.values()) if (a.active) n++;
    return n;
  }

  #check(profile: SecurityProfile, b: Behavior, dp: Datapoint, value: MetricValue): AlarmChange | undefined {
    const key = `${dp.deviceId}\0${profile.name}\0${b.name}`;
    const toAlarm = b.datapointsToAlarm ?? 1;
    if (dp.partial && !(b.criteria.type === 'static' && decidableOnPartial(b.criteria) && toAlarm === 1)) {
      return undefined;
    }
    const ev = this.#evaluate(key, profile, b, dp, value);
    if (ev === undefined) return undefined;
    this.stats.evaluations++;
    let alarm = this.#alarms.get(key);
    if (alarm === undefined) {
      if (!ev.violating) return undefined;
      alarm = { violations: 0, goods: 0, active: false, severity: b.severity, repeats: 0 };
      this.#alarms.set(key, alarm);
    }
    if (dp.partial && (!ev.violating || alarm.active)) return undefined;
    const base = { deviceId: dp.deviceId, model: dp.model, profile: profile.name, behavior: b.name, metric: b.metric };
    const make = (change: AlarmChange['change']): AlarmChange => ({
      change,
      ...base,
      kind: b.kind,
      severity: alarm!.severity,
      observed: ev.observed,
      expected: ev.expected,
      at: dp.at,
    });
    if (ev.violating) {
      alarm.violations++;
      alarm.goods = 0;
      if (!alarm.active) {
        if (alarm.violations < toAlarm) return undefined;
        alarm.active = true;
        alarm.repeats = 0;
        alarm.severity = max(b.severity, ev.severity);
        return make('raised');
      }
      alarm.repeats++;
      const next = max(
        alarm.severity,
        ev.severity,
        alarm.repeats % ESCALATE_AFTER === 0 ? bump(alarm.severity) : undefined,
      );
      if (next !== alarm.severity) {
        alarm.severity = next;
        return make('escalated');
      }
      return make('repeated');
    }
    alarm.goods++;
    alarm.violations = 0;
    if (alarm.active && alarm.goods >= (b.datapointsToClear ?? 3)) {
      alarm.active = false;
      const cleared = make('cleared');
      this.#alarms.delete(key);
      return cleared;
    }
    if (!alarm.active) this.#alarms.delete(key);
    return undefined;
  }

  #evaluate(key: string, p: SecurityProfile, b: Behavior, dp: Datapoint, value: MetricValue): Evaluation | undefined {
    const c = b.criteria;
    if (c.type === 'static') return evaluateStatic(c, value);
    if (typeof value !== 'number') return undefined;
    if (c.type === 'fleet') {
      const fkey = `${p.name}\0${b.name}\0${dp.model}`;
      let dist = this.#fleet.get(fkey);
      if (dist === undefined) this.#fleet.set(fkey, (dist = new FleetDistribution()));
      dist.record(dp.deviceId, value);
      return dist.evaluate(c, value);
    }
    let baseline = this.#baselines.get(key);
    if (baseline === undefined) this.#baselines.set(key, (baseline = new Baseline()));
    const ev = baseline.evaluate(c, value, dp.at);
    if (ev === undefined || !ev.violating) baseline.learn(value, dp.at);
    return ev;
  }
}

function targets(profile: SecurityProfile, model: string): boolean {
  return profile.target.models.includes('*') || profile.target.models.includes(model);
}

function max(...levels: (Severity | undefined)[]): Severity {
  let best = 0;
  for (const l of levels) if (l !== undefined) best = Math.max(best, SEVERITIES.indexOf(l));
  return SEVERITIES[best]!;
}

function bump(s: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(s) + 1)]!;
}
