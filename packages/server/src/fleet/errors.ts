import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

export const FLEET_ERRORS = {
  FW_DEVICE_NOT_FOUND: { fault: 'not-found', summary: 'No device with that id.' },
  FW_DEVICE_STATE_CONFLICT: {
    fault: 'conflict',
    summary: 'The device is in a state that does not allow this change (e.g. release of a revoked or retired device).',
  },
} as const satisfies ErrorCatalogue;

export const fleetError = errorFactory(FLEET_ERRORS);
