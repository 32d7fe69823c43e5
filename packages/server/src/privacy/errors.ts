import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Privacy errors, named after what they refuse (docs/errors.md, section privacy). */
export const PRIVACY_ERRORS = {
  FW_PRIVACY_CATALOG_INVALID: {
    fault: 'input',
    summary: 'A data catalog does not validate: unknown category or purpose key, bad retention, or a duplicate field.',
  },
  FW_PRIVACY_MODEL_UNKNOWN: { fault: 'not-found', summary: 'No data catalog (built-in or declared) for that model.' },
  FW_PRIVACY_OWNER_NOT_FOUND: { fault: 'not-found', summary: 'No owner (data subject) with that id.' },
  FW_PRIVACY_DEVICE_NOT_OWNED: {
    fault: 'conflict',
    summary: 'Consent is recorded per owner and device: assign the device to the owner first.',
  },
  FW_PRIVACY_PURPOSE_UNKNOWN: {
    fault: 'input',
    summary: 'The purpose is not a fideslang data use the platform knows (e.g. analytics.reporting).',
  },
  FW_PRIVACY_BUDGET_EXHAUSTED: {
    fault: 'limit',
    summary:
      'The query would spend more differential-privacy epsilon than the dataset has left; no answer was released.',
  },
  FW_PRIVACY_QUERY_INVALID: {
    fault: 'input',
    summary: 'An aggregate query is malformed: non-numeric field, missing or inverted bounds, bad epsilon or bins.',
  },
  FW_PRIVACY_FIELD_NOT_PERMITTED: {
    fault: 'forbidden',
    summary: 'The field is not in the catalog or not declared for the requested purpose (purpose limitation).',
  },
} as const satisfies ErrorCatalogue;

export type PrivacyErrorCode = keyof typeof PRIVACY_ERRORS;
export const privacyError = errorFactory(PRIVACY_ERRORS);
