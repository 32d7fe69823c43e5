import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/**
 * Codes of the updater, named after the attack they stop (TUF spec §1.5.2 "Goals to protect
 * against specific attacks"); every refusal leaves the installed image untouched.
 */
export const UPDATER_ERRORS = {
  FW_UPDATE_METADATA_UNSIGNED: {
    fault: 'input',
    summary: 'Arbitrary software: TUF metadata is not signed by any key its delegating role trusts.',
  },
  FW_UPDATE_THRESHOLD_NOT_MET: {
    fault: 'input',
    summary: 'TUF metadata carries valid signatures, but fewer than the threshold of its role.',
  },
  FW_UPDATE_METADATA_ROLLBACK: {
    fault: 'input',
    summary: 'Rollback: the repository offers metadata older than what the device already trusts.',
  },
  FW_UPDATE_METADATA_EXPIRED: {
    fault: 'input',
    summary: 'Indefinite freeze: the timestamp, snapshot, targets or root metadata is past its expiry.',
  },
  FW_UPDATE_MIX_AND_MATCH: {
    fault: 'input',
    summary: 'Mix-and-match: a metadata file is not the version, length or hash the snapshot or timestamp names.',
  },
  FW_UPDATE_ENDLESS_DATA: {
    fault: 'input',
    summary: 'Endless data: a download is longer than the length signed for it; it was cut off.',
  },
  FW_UPDATE_TARGET_HASH_MISMATCH: {
    fault: 'input',
    summary: 'The downloaded target does not have the length and SHA-256 the targets metadata signs.',
  },
  FW_UPDATE_TARGET_NOT_FOUND: {
    fault: 'not-found',
    summary: 'The assigned target is not in the signed targets metadata.',
  },
  FW_UPDATE_WRONG_MODEL: {
    fault: 'input',
    summary: 'The target is signed, but its custom metadata names another hardware model than this device.',
  },
  FW_UPDATE_COUNTER_ROLLBACK: {
    fault: 'input',
    summary:
      'Rollback: the image security counter is lower than the device stored counter (or differs from the signed one).',
  },
  FW_UPDATE_IMAGE_REFUSED: {
    fault: 'input',
    summary: 'The image in a signed target does not verify against the provisioned firmware key (MCUboot signature).',
  },
  FW_UPDATE_TARGET_TOO_LARGE: { fault: 'input', summary: 'The signed target is larger than the device accepts.' },
  FW_UPDATE_METADATA_INVALID: {
    fault: 'input',
    summary: 'TUF metadata is malformed or inconsistent in a way no other code names.',
  },
  FW_UPDATE_REPOSITORY_UNAVAILABLE: {
    fault: 'unavailable',
    summary: 'The update repository could not be reached over TLS with the pinned CA, or answered an HTTP error.',
  },
  FW_UPDATE_NOT_PROVISIONED: {
    fault: 'input',
    summary: 'The metadata directory holds no trusted root.json; provision it at enrollment.',
  },
} as const satisfies ErrorCatalogue;

export type UpdaterErrorCode = keyof typeof UPDATER_ERRORS;
export const updaterError = errorFactory(UPDATER_ERRORS);
