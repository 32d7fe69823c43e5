import { rolloutError } from './errors.js';

export type RolloutState = 'running' | 'paused' | 'completed' | 'aborted';

/** The device statuses: `pending` (not yet notified) and `notified` come from the server, the rest from reports. */
export const DEVICE_STEPS = [
  'downloading',
  'verified',
  'installed',
  'booted',
  'confirmed',
  'rolled-back',
  'failed',
] as const;
export type DeviceStep = (typeof DEVICE_STEPS)[number];
export type DeviceStatus = 'pending' | 'notified' | DeviceStep;

export const FAILED_STATUSES: readonly DeviceStatus[] = ['failed', 'rolled-back'];

/** Checks wave percentages: strictly rising, each in (0, 100], the last 100. */
export function checkWaves(waves: readonly number[]): void {
  const ok =
    waves.length > 0 &&
    waves.length <= 20 &&
    waves.every((p, i) => Number.isFinite(p) && p > 0 && p <= 100 && (i === 0 || p > waves[i - 1]!)) &&
    waves.at(-1) === 100;
  if (!ok) throw rolloutError('FW_ROLLOUT_INVALID', 'waves must rise strictly from above 0 to 100');
}

/** Cumulative device counts of each wave: wave i covers devices [bound(i-1), bound(i)). */
export function waveBounds(waves: readonly number[], devices: number): number[] {
  return waves.map((p) => Math.min(devices, Math.ceil((p * devices) / 100)));
}

export interface WaveProgress {
  readonly size: number;
  readonly confirmed: number;
  readonly failed: number;
  /** Devices of earlier waves that have not reported yet (left behind by a wave timeout). */
  readonly behind?: number;
}

export interface RolloutPosition {
  readonly state: RolloutState;
  readonly wave: number;
  readonly waves: readonly number[];
  readonly maxFailureRate: number;
  readonly waveWaitMs: number;
  readonly waveDoneAt: Date | null;
  /** How long a wave waits for its devices to report (0: for ever), from `waveStartedAt`. */
  readonly waveTimeoutMs: number;
  readonly waveStartedAt: Date;
  /** A wave whose failure rate an operator accepted by resuming after an automatic pause. */
  readonly waivedWave: number | null;
}

export type Decision =
  | { readonly kind: 'none' }
  | { readonly kind: 'pause'; readonly reason: string }
  | { readonly kind: 'wave-done' }
  | { readonly kind: 'advance'; readonly wave: number }
  | { readonly kind: 'complete' };

/**
 * The wave state machine, pure. A running wave pauses the rollout as soon as its failures
 * exceed `maxFailureRate` of its size (hawkBit's error threshold, evaluated per group); when
 * every device of the wave has reported (confirmed or failed), the wave is done; after
 * `waveWaitMs` the next wave starts; after the last wave the rollout is complete. With a
 * `waveTimeoutMs`, a wave whose devices are still silent when it runs out counts them as failed:
 * over the rate it pauses, else the next wave starts (the silent ones are still notified).
 */
export function decide(r: RolloutPosition, p: WaveProgress, now: Date): Decision {
  if (r.state !== 'running') return { kind: 'none' };
  const rate = p.size === 0 ? 0 : p.failed / p.size;
  if (r.waivedWave !== r.wave && rate > r.maxFailureRate) {
    return {
      kind: 'pause',
      reason: `wave ${r.wave + 1}: failure rate ${rate.toFixed(3)} > ${r.maxFailureRate}`,
    };
  }
  const last = r.wave === r.waves.length - 1;
  const silent = p.size - p.confirmed - p.failed;
  if (silent > 0) {
    const timedOut = r.waveTimeoutMs > 0 && now.getTime() - r.waveStartedAt.getTime() >= r.waveTimeoutMs;
    if (!timedOut) return { kind: 'none' };
    // Devices silent past the timeout count as failed for the threshold; the last wave still
    // waits for them (they keep being notified), so a rollout completes only when all reported.
    const counted = (p.failed + silent) / p.size;
    if (r.waivedWave !== r.wave && counted > r.maxFailureRate) {
      return {
        kind: 'pause',
        reason: `wave ${r.wave + 1}: ${silent} device(s) silent after the wave timeout; failure rate counting them ${counted.toFixed(3)} > ${r.maxFailureRate}`,
      };
    }
    if (last) return { kind: 'none' };
  }
  if (last) return (p.behind ?? 0) > 0 ? { kind: 'none' } : { kind: 'complete' };
  if (r.waveDoneAt === null) return r.waveWaitMs <= 0 ? { kind: 'advance', wave: r.wave + 1 } : { kind: 'wave-done' };
  if (now.getTime() - r.waveDoneAt.getTime() >= r.waveWaitMs) return { kind: 'advance', wave: r.wave + 1 };
  return { kind: 'none' };
}
