import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

export const MONITOR_ERRORS = {
  FW_MONITOR_METRICS_INVALID: {
    fault: 'input',
    summary: 'A device metrics report is not a JSON object of known, well-formed metrics within the size limits.',
  },
  FW_MONITOR_PROFILE_INVALID: {
    fault: 'input',
    summary: 'A security profile does not match the schema (target, behaviors, criteria, severities).',
  },
  FW_MONITOR_PROFILE_NOT_FOUND: { fault: 'not-found', summary: 'No security profile with that name.' },
  FW_MONITOR_ALERT_NOT_FOUND: { fault: 'not-found', summary: 'No alert with that id.' },
} as const satisfies ErrorCatalogue;

export type MonitorErrorCode = keyof typeof MONITOR_ERRORS;
export const monitorError = errorFactory(MONITOR_ERRORS);
