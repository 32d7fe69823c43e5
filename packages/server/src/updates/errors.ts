import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Codes of the update repository: TUF metadata, releases and firmware keys. */
export const UPDATES_ERRORS = {
  FW_RELEASE_IMAGE_INVALID: {
    fault: 'input',
    summary: 'The release is not an MCUboot image, or its signature does not verify against the model firmware key.',
  },
  FW_RELEASE_EXISTS: {
    fault: 'conflict',
    summary: 'A release with this model and version, or these exact bytes, is already published.',
  },
  FW_FIRMWARE_KEY_UNKNOWN: {
    fault: 'conflict',
    summary: 'No firmware public key is registered for the model: register one (POST /api/v1/firmware-keys) first.',
  },
  FW_FIRMWARE_KEY_INVALID: {
    fault: 'input',
    summary: 'The firmware key is not an ECDSA P-256 or Ed25519 SubjectPublicKeyInfo PEM.',
  },
  FW_RELEASE_NOT_FOUND: { fault: 'not-found', summary: 'No published release with that name.' },
  FW_RELEASE_KNOWN_BAD_INVALID: {
    fault: 'input',
    summary:
      'A known-bad mark needs a reason (1 to 1000 printable characters); an advisory id is letters, digits and ._:- (64 at most).',
  },
  FW_TUF_NOT_FOUND: { fault: 'not-found', summary: 'No such TUF metadata file or target in the repository.' },
  FW_TUF_KEY_OFFLINE: {
    fault: 'conflict',
    summary: 'The role key needed to sign is kept offline; sign the metadata outside the server and upload it.',
  },
  FW_TUF_KEY_INVALID: { fault: 'input', summary: 'The TUF key is not an Ed25519 PKCS#8 or SubjectPublicKeyInfo PEM.' },
  FW_TUF_ROOT_INVALID: {
    fault: 'input',
    summary:
      'The uploaded root is not the next version, not signed by the thresholds of the current and the new root, expired, or names online keys the server lacks.',
  },
  FW_TUF_KEY_NOT_IN_ROOT: {
    fault: 'conflict',
    summary: 'The key to import is not one of the keys the current root names for that role.',
  },
  FW_TUF_TARGETS_INVALID: {
    fault: 'input',
    summary: 'The uploaded targets metadata does not parse as TUF targets, or uses delegations (not supported).',
  },
  FW_TUF_TARGETS_UNSIGNED: {
    fault: 'input',
    summary: 'The uploaded targets metadata is not signed by the threshold of the current root targets keys.',
  },
  FW_TUF_TARGETS_VERSION: {
    fault: 'conflict',
    summary: 'The uploaded targets metadata is not the next version (current + 1).',
  },
  FW_TUF_TARGETS_EXPIRED: { fault: 'input', summary: 'The uploaded targets metadata is already expired.' },
  FW_TUF_TARGETS_MISMATCH: {
    fault: 'input',
    summary:
      'A target in the uploaded metadata is not a stored release, or its length, hashes or custom metadata (model, version, security counter) differ.',
  },
} as const satisfies ErrorCatalogue;

export type UpdatesErrorCode = keyof typeof UPDATES_ERRORS;
export const updatesError = errorFactory(UPDATES_ERRORS);
