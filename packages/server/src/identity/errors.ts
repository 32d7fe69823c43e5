import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Codes of the identity capability: CA, CSR checks, enrollment (EST), revocation. */
export const IDENTITY_ERRORS = {
  FW_CSR_MALFORMED: {
    fault: 'input',
    summary: 'The body is not a base64 DER PKCS#10 certificate request within the size limit.',
  },
  FW_CSR_SIGNATURE_INVALID: {
    fault: 'input',
    summary: 'The CSR self-signature does not verify: no proof of possession of the private key.',
  },
  FW_CSR_KEY_UNSUPPORTED: {
    fault: 'input',
    summary: 'The CSR key must be ECDSA P-256, Ed25519 or RSA of at least 3072 bits.',
  },
  FW_CSR_SUBJECT_INVALID: {
    fault: 'input',
    summary:
      'The CSR subject must be exactly one CN holding a valid device id (and, on reenroll or IDevID, the expected one).',
  },
  FW_DEVICE_ID_TAKEN: { fault: 'conflict', summary: 'A device with this id is already enrolled.' },
  FW_DEVICE_NOT_FOUND: { fault: 'not-found', summary: 'No device with this id.' },
  FW_DEVICE_STATE_INVALID: {
    fault: 'conflict',
    summary: 'The device state does not allow this change (a revoked or retired device stays so).',
  },
  FW_ENROLL_AUTH_REQUIRED: {
    fault: 'unauthenticated',
    summary: 'EST enrollment needs a claim token (HTTP Basic password or Bearer) or a client certificate.',
  },
  FW_ENROLL_TOKEN_INVALID: { fault: 'unauthenticated', summary: 'The claim token is unknown, malformed or revoked.' },
  FW_ENROLL_TOKEN_EXPIRED: { fault: 'gone', summary: 'The claim token has expired; create a new one.' },
  FW_ENROLL_TOKEN_USED_UP: { fault: 'gone', summary: 'The claim token has no uses left; create a new one.' },
  FW_CLAIM_INVALID: {
    fault: 'input',
    summary: 'A claim token needs a valid model name, 1 to 100000 uses and a ttl between 1 minute and 1 year.',
  },
  FW_MANUFACTURER_INVALID: {
    fault: 'input',
    summary: 'A manufacturer needs a valid model, a name and a PEM CA certificate that is a CA.',
  },
  FW_CERT_UNTRUSTED: {
    fault: 'unauthenticated',
    summary: 'The client certificate does not chain to the issuing CA (or to a registered manufacturer CA).',
  },
  FW_CERT_EXPIRED: { fault: 'unauthenticated', summary: 'The client certificate is not valid at this time.' },
  FW_CERT_REVOKED: { fault: 'forbidden', summary: 'The client certificate or its device has been revoked.' },
  FW_DEVICE_NOT_ACTIVE: { fault: 'forbidden', summary: 'The device is retired or otherwise not allowed to connect.' },
  FW_CA_UNAVAILABLE: { fault: 'internal', summary: 'The CA keys could not be created or loaded.' },
} as const satisfies ErrorCatalogue;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;
export const identityError = errorFactory(IDENTITY_ERRORS);
