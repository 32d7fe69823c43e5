import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Codes of staged rollouts. */
export const ROLLOUT_ERRORS = {
  FW_ROLLOUT_INVALID: {
    fault: 'input',
    summary:
      'The rollout request is malformed: waves must rise strictly from above 0 to 100, the failure rate lie in [0, 1], exactly one of model or group be given.',
  },
  FW_ROLLOUT_NOT_FOUND: { fault: 'not-found', summary: 'No rollout with that id.' },
  FW_ROLLOUT_RELEASE_UNKNOWN: { fault: 'not-found', summary: 'No published release (TUF target) with that name.' },
  FW_ROLLOUT_RELEASE_KNOWN_BAD: {
    fault: 'conflict',
    summary: 'The release is marked known-bad: it cannot be rolled out, nor a paused rollout of it resumed.',
  },
  FW_ROLLOUT_NO_DEVICES: {
    fault: 'conflict',
    summary: 'The model or group has no active device of the release model to update.',
  },
  FW_ROLLOUT_STATE_CONFLICT: {
    fault: 'conflict',
    summary:
      'The rollout is not in a state that allows this (pause a running one, resume a paused one, abort an unfinished one).',
  },
  FW_ROLLOUT_STATUS_INVALID: {
    fault: 'input',
    summary: 'A device update status report is not JSON with a known step, a rollout id and a release name.',
  },
  FW_ROLLOUT_VERSION_MISMATCH: {
    fault: 'conflict',
    summary: 'A device reported confirmed, but on another version than the release: counted as a failure.',
  },
  FW_GROUP_INVALID: {
    fault: 'input',
    summary: 'A group name or its device list is malformed, or names a device that does not exist.',
  },
} as const satisfies ErrorCatalogue;

export type RolloutErrorCode = keyof typeof ROLLOUT_ERRORS;
export const rolloutError = errorFactory(ROLLOUT_ERRORS);
