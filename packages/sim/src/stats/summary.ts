import type { LatencyHistogram } from './histogram.js';

/** The end-of-run summary; `--json` prints exactly this object. */
export interface FleetSummary {
  readonly enrolled: number;
  readonly connected: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly ackLatencyMs: { readonly p50: number | null; readonly p99: number | null };
  /** Records the agents' outboxes dropped under their overflow policy (part of `lost`). */
  readonly dropped: number;
  readonly reconnects: number;
  readonly durationMs: number;
}

export interface Counts {
  enrolled: number;
  connected: number;
  sent: number;
  acknowledged: number;
  dropped: number;
  reconnects: number;
}

/** lost = sent and never acknowledged (dropped by the outbox, or still queued when the run ended). */
export function summarize(counts: Counts, latency: LatencyHistogram, durationMs: number): FleetSummary {
  const ms = (p: number) => {
    const v = latency.percentile(p);
    return v === undefined ? null : Math.round(v * 10) / 10;
  };
  return {
    enrolled: counts.enrolled,
    connected: counts.connected,
    sent: counts.sent,
    acknowledged: counts.acknowledged,
    lost: Math.max(0, counts.sent - counts.acknowledged),
    ackLatencyMs: { p50: ms(50), p99: ms(99) },
    dropped: counts.dropped,
    reconnects: counts.reconnects,
    durationMs: Math.round(durationMs),
  };
}

/** One line for the live display: `connected 50/50 · sent 1200 · acked 1198 · queued 2 · p50 3.1 ms`. */
export function summaryLine(counts: Counts, queued: number, latency: LatencyHistogram, devices: number): string {
  const p50 = latency.percentile(50);
  const p99 = latency.percentile(99);
  return [
    `connected ${counts.connected}/${devices}`,
    `sent ${counts.sent}`,
    `acked ${counts.acknowledged}`,
    `queued ${queued}`,
    `dropped ${counts.dropped}`,
    `p50 ${p50 === undefined ? '-' : p50.toFixed(1)} ms`,
    `p99 ${p99 === undefined ? '-' : p99.toFixed(1)} ms`,
  ].join(' · ');
}
