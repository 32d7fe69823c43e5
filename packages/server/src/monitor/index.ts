// Continuous monitoring: metrics ingest, detection (rules, fleet statistics, baselines), alerts, audit checks.
export { Monitor, MONITOR_DEFAULTS } from './monitor.js';
export type { MonitorOptions } from './monitor.js';
export { Detector } from './detect/engine.js';
export type { DetectorStats } from './detect/engine.js';
export { parseDeviceReport } from './report.js';
export type { DeviceReport } from './report.js';
export { parseProfile } from './profiles/schema.js';
export { defaultProfiles, GATEWAY_METRICS } from './profiles/defaults.js';
export { listAlerts, getAlert, linkIncident, clearDeviceAlerts } from './alerts/book.js';
export type { Alert, AlertEvent, AlertQuery } from './alerts/book.js';
export type { AuditRun, Finding } from './audit-checks.js';
export { monitorRoutes } from './routes.js';
export { renderPrometheus } from './prometheus.js';
export type { MetricFamily } from './prometheus.js';
export { MONITOR_ERRORS, monitorError } from './errors.js';
export type { MonitorErrorCode } from './errors.js';
export { ALERT_KINDS, SEVERITIES, severityAtLeast } from './types.js';
export type {
  AlarmChange,
  AlertKind,
  Behavior,
  Criteria,
  Datapoint,
  MetricValue,
  SecurityProfile,
  Severity,
} from './types.js';
