import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Codes of operator accounts, login and API tokens. docs/errors.md lists them under `## operators`. */
export const OPERATOR_ERRORS = {
  FW_PASSWORD_TOO_SHORT: { fault: 'input', summary: 'A password needs at least 12 characters (after NFKC).' },
  FW_PASSWORD_TOO_LONG: { fault: 'input', summary: 'A password may have at most 1024 characters.' },
  FW_PASSWORD_KNOWN_BAD: {
    fault: 'input',
    summary:
      'The password is a known default or common password (Mirai list, top passwords, the username, a repeated pattern), possibly padded with digits or symbols.',
  },
  FW_PASSWORD_CURRENT_INVALID: {
    fault: 'forbidden',
    summary: 'Changing your own password needs your current password, and the one given is wrong.',
  },
  FW_USERNAME_INVALID: {
    fault: 'input',
    summary: 'A username must match [a-z0-9][a-z0-9._-]{1,63} (compared case-insensitively).',
  },
  FW_LOGIN_FAILED: { fault: 'unauthenticated', summary: 'Unknown username or wrong password (one answer for both).' },
  FW_LOGIN_LOCKED: {
    fault: 'limit',
    summary: 'Too many failed logins for this account or from this address; retry after Retry-After seconds.',
  },
  FW_OPERATOR_EXISTS: { fault: 'conflict', summary: 'An operator with this username already exists.' },
  FW_OPERATOR_NOT_FOUND: { fault: 'not-found', summary: 'No such operator (or not one you may change).' },
  FW_OPERATOR_LAST_ADMIN: {
    fault: 'conflict',
    summary: 'The operator cannot be deleted: it is the caller itself or the last admin.',
  },
  FW_TOKEN_NOT_FOUND: { fault: 'not-found', summary: 'No such API token.' },
  FW_TOKEN_ROLE_EXCEEDS: {
    fault: 'forbidden',
    summary: "An API token's role cannot exceed the role of the operator who creates it.",
  },
  FW_TOKEN_EXPIRY_INVALID: { fault: 'input', summary: 'A token expiry must be in the future (and at most 10 years).' },
} as const satisfies ErrorCatalogue;

export type OperatorErrorCode = keyof typeof OPERATOR_ERRORS;
export const operatorError = errorFactory(OPERATOR_ERRORS);
