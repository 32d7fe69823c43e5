import type { Monitor } from './monitor.js';

/** A family of the Prometheus text exposition format (version 0.0.4). */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: ReadonlyArray<{ readonly labels?: Readonly<Record<string, string>>; readonly value: number }>;
}

/** The detector's own metrics. */
export function monitorFamilies(m: Monitor): MetricFamily[] {
  const s = m.detector.stats;
  return [
    counter('fleetward_monitor_reports_total', 'Device metrics reports accepted.', m.counts.reports),
    counter(
      'fleetward_monitor_reports_rejected_total',
      'Device metrics reports refused as invalid.',
      m.counts.rejected,
    ),
    counter(
      'fleetward_monitor_metric_names_dropped_total',
      "New metric names left out of a device's window past the cap of distinct names per device and window.",
      m.counts.droppedNames,
    ),
    counter('fleetward_monitor_datapoints_total', 'Datapoints checked by the detector.', s.datapoints),
    counter('fleetward_monitor_evaluations_total', 'Behavior evaluations.', s.evaluations),
    counter('fleetward_monitor_detector_seconds_total', 'Time spent in the detector.', s.micros / 1e6),
    counter('fleetward_monitor_windows_total', 'Metric windows closed.', m.counts.windows),
    counter('fleetward_monitor_audit_runs_total', 'Audit check runs.', m.counts.auditRuns),
    {
      name: 'fleetward_monitor_alarms_active',
      help: 'Alarms active now.',
      type: 'gauge',
      samples: [{ value: m.detector.activeAlarms() }],
    },
    {
      name: 'fleetward_monitor_alerts_raised_total',
      help: 'Alerts raised, by kind and severity.',
      type: 'counter',
      samples: [...m.counts.alerts].map(([key, value]) => {
        const [kind, severity] = key.split('\0') as [string, string];
        return { labels: { kind, severity }, value };
      }),
    },
  ];
}

function counter(name: string, help: string, value: number): MetricFamily {
  return { name, help, type: 'counter', samples: [{ value }] };
}

/** Renders families as Prometheus text. */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = s.labels
        ? `{${Object.entries(s.labels)
            .map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`)
            .join(',')}}`
        : '';
      lines.push(`${f.name}${labels} ${Number.isFinite(s.value) ? s.value : 0}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
