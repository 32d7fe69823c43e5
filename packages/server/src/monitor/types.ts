/** How bad an alert is; playbooks trigger on a minimum severity. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityAtLeast(have: Severity, need: Severity): boolean {
  return SEVERITIES.indexOf(have) >= SEVERITIES.indexOf(need);
}

/** What an alert suggests the device is doing; playbooks trigger on it. */
export const ALERT_KINDS = [
  'scanning',
  'backdoor',
  'bruteforce',
  'flood',
  'exfiltration',
  'anomaly',
  /** Raised by the audit check: the device runs a release marked known-bad. */
  'known-bad-firmware',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Where a datapoint comes from: the agent's report, or the gateway's counters over one window. */
export type MetricSource = 'device' | 'gateway';

/** A metric value: a number, or a set of numbers (ports) or strings (addresses). */
export type MetricValue = number | readonly number[] | readonly string[];

/** One datapoint of one device: the metrics of one report or of one gateway window. */
export interface Datapoint {
  readonly deviceId: string;
  readonly model: string;
  readonly source: MetricSource;
  readonly at: Date;
  readonly metrics: Readonly<Record<string, MetricValue>>;
  /** A partial gateway window (only rules that can only grow are checked on it). */
  readonly partial?: boolean;
}

/** Static rule criteria (AWS IoT Device Defender vocabulary). */
export type StaticCriteria =
  | { readonly type: 'static'; readonly op: 'gt' | 'gte' | 'lt' | 'lte'; readonly value: number }
  | { readonly type: 'static'; readonly op: 'in-set' | 'not-in-set'; readonly values: readonly (number | string)[] }
  | { readonly type: 'static'; readonly op: 'in-cidr-set' | 'not-in-cidr-set'; readonly cidrs: readonly string[] };

/** A device above its peers' (same model) percentile by a factor. */
export interface FleetCriteria {
  readonly type: 'fleet';
  readonly percentile: number;
  readonly factor: number;
  /** Values at or below this never alarm. */
  readonly floor: number;
  readonly minPeers: number;
}

/** A device far above its own learned baseline (median/MAD, EWMA, hour-of-day seasonality). */
export interface BaselineCriteria {
  readonly type: 'baseline';
  /** Datapoints learned before the baseline may alarm. */
  readonly warmup: number;
  /** Robust z: deviations above k·1.4826·MAD alarm. */
  readonly k: number;
  /** And at least this much above the median (metric units per datapoint). */
  readonly minDelta: number;
  /** And at least this many times the median. */
  readonly minRatio: number;
}

export type Criteria = StaticCriteria | FleetCriteria | BaselineCriteria;

export interface Behavior {
  readonly name: string;
  readonly metric: string;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly criteria: Criteria;
  /** Consecutive violating datapoints before the alarm (default 1). */
  readonly datapointsToAlarm?: number;
  /** Consecutive good datapoints before the alarm clears (default 3). */
  readonly datapointsToClear?: number;
}

/** A security profile: behaviors, attached to models (or to every model with `models: ['*']`). */
export interface SecurityProfile {
  readonly name: string;
  readonly description?: string;
  readonly enabled: boolean;
  readonly target: { readonly models: readonly string[] };
  readonly behaviors: readonly Behavior[];
}

/** What a behavior saw: violating or not, the observed and expected values. */
export interface Evaluation {
  readonly violating: boolean;
  readonly observed: unknown;
  readonly expected: unknown;
  /** Severity raised above the behavior's own (baseline: very large deviations). */
  readonly severity?: Severity;
}

/** A change of an alarm, emitted by the detector. */
export interface AlarmChange {
  readonly change: 'raised' | 'escalated' | 'repeated' | 'cleared';
  readonly deviceId: string;
  readonly model: string;
  readonly profile: string;
  readonly behavior: string;
  readonly metric: string;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly observed: unknown;
  readonly expected: unknown;
  readonly at: Date;
}
