import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Codes of the audit log. docs/errors.md lists them under `## audit`. */
export const AUDIT_ERRORS = {
  FW_AUDIT_ENTRY_INVALID: {
    fault: 'internal',
    summary: 'An audit entry had an empty or over-long actor, action or target, or details that are not a JSON object.',
  },
} as const satisfies ErrorCatalogue;

export type AuditErrorCode = keyof typeof AUDIT_ERRORS;
export const auditError = errorFactory(AUDIT_ERRORS);
