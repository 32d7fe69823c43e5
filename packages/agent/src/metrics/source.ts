/** A metric value in the Device Defender vocabulary: numbers, or lists of ports/connections. */
export type MetricValue = number | readonly number[] | readonly { readonly 'remote-addr': string }[];

/** Something that collects device-side security metrics (on Linux: `ProcMetrics`). */
export interface MetricsSource {
  collect(): Promise<Record<string, MetricValue>>;
}
