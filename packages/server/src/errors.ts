import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/**
 * Every error code the server can answer with, by capability. docs/errors.md lists the
 * same codes; a test fails when the two differ.
 */
export const SERVER_ERRORS = {
  // store
  FW_STORE_UNAVAILABLE: { fault: 'unavailable', summary: 'The database could not be opened or reached.' },
  FW_STORE_MIGRATION_FAILED: { fault: 'internal', summary: 'A schema migration failed; nothing was changed.' },
  FW_STORE_SCHEMA_TOO_NEW: {
    fault: 'internal',
    summary: 'The database was migrated by a newer Fleetward; upgrade this server before starting it.',
  },
  // secrets
  FW_MASTER_KEY_INVALID: {
    fault: 'internal',
    summary: 'The master key (FLEETWARD_MASTER_KEY or D/master.key) is not 32 bytes of base64.',
  },
  FW_SECRET_DECRYPT_FAILED: {
    fault: 'internal',
    summary: 'An encrypted secret could not be decrypted: wrong master key or tampered data.',
  },
  // http / api
  FW_BODY_TOO_LARGE: { fault: 'too-large', summary: 'The request body is over the limit of the route.' },
  FW_CONTENT_TYPE_UNSUPPORTED: {
    fault: 'unsupported-media',
    summary: 'The request body has a content type the route does not take.',
  },
  FW_REQUEST_INVALID: {
    fault: 'input',
    summary: 'The request does not match the route schema (body, query or parameters).',
  },
  FW_ROUTE_NOT_FOUND: { fault: 'not-found', summary: 'No such route.' },
  FW_RATE_LIMITED: { fault: 'limit', summary: 'Too many requests from this source; retry later (see Retry-After).' },
  FW_AUTH_REQUIRED: {
    fault: 'unauthenticated',
    summary: 'The route needs an operator API token: Authorization: Bearer <token>.',
  },
  FW_AUTH_TOKEN_INVALID: { fault: 'unauthenticated', summary: 'The API token is unknown, expired or revoked.' },
  FW_AUTH_ROLE_INSUFFICIENT: { fault: 'forbidden', summary: 'The token is valid but its role may not use this route.' },
  FW_ROUTE_ACCESS_UNDECLARED: {
    fault: 'internal',
    summary: 'A route was registered without declaring its access (role or public); the server refuses to start.',
  },
  FW_INTERNAL: { fault: 'internal', summary: 'An unexpected server error; the server logged it with a request id.' },
} as const satisfies ErrorCatalogue;

export type ServerErrorCode = keyof typeof SERVER_ERRORS;
export const serverError = errorFactory(SERVER_ERRORS);
