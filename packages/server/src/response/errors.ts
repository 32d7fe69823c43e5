import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

export const RESPONSE_ERRORS = {
  FW_RESPONSE_PLAYBOOK_INVALID: {
    fault: 'input',
    summary: 'A playbook does not match the schema (trigger kinds and severity, known step actions, https webhook).',
  },
  FW_RESPONSE_PLAYBOOK_NOT_FOUND: { fault: 'not-found', summary: 'No stored playbook with that name.' },
  FW_RESPONSE_INCIDENT_NOT_FOUND: { fault: 'not-found', summary: 'No incident with that id.' },
  FW_RESPONSE_INCIDENT_STATE_CONFLICT: {
    fault: 'conflict',
    summary: 'The incident is resolved, or its device is revoked or retired, so it cannot be released.',
  },
} as const satisfies ErrorCatalogue;

export type ResponseErrorCode = keyof typeof RESPONSE_ERRORS;
export const responseError = errorFactory(RESPONSE_ERRORS);
