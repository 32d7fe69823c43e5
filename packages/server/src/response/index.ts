// Incident response: playbooks as data, incidents with a timeline, idempotent audited steps.
export { Responder } from './responder.js';
export type { ResponderOptions } from './responder.js';
export type { ResponseHooks, StepOutcome, StepStatus } from './steps.js';
export { parsePlaybook } from './playbooks/schema.js';
export { DEFAULT_PLAYBOOKS } from './playbooks/store.js';
export type { Playbook, Step } from './playbooks/types.js';
export { getIncident, listIncidents } from './incidents.js';
export type { Incident, IncidentDetail, IncidentState, TimelineEntry } from './incidents.js';
export { signWebhook, listDeadLetters } from './notify.js';
export type { NotifyOptions } from './notify.js';
export { responseRoutes } from './routes.js';
export { RESPONSE_ERRORS, responseError } from './errors.js';
export type { ResponseErrorCode } from './errors.js';
export { openMonitoring, monitorOptionsFromEnv } from './wire.js';
export { forceGroupName, forceUpdateHook } from './force-update.js';
export type { Monitoring } from './wire.js';
