import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Codes of the device's OTA loop (updater + bootloader), reported in `updates/status`. */
export const OTA_ERRORS = {
  FW_OTA_NOTIFICATION_INVALID: {
    fault: 'input',
    summary: 'An `updates/available` notification is not JSON with a rollout id and a target name.',
  },
  FW_OTA_HEALTH_CHECK_FAILED: {
    fault: 'unavailable',
    summary: 'The new image booted in test mode but failed its health check; the bootloader reverted it.',
  },
  FW_OTA_BOOT_REVERTED: {
    fault: 'unavailable',
    summary: 'The new image did not boot (or was not confirmed in time); the bootloader runs the previous one.',
  },
  FW_OTA_JOURNAL_CORRUPT: {
    fault: 'internal',
    summary: 'The OTA journal (the update in progress) cannot be read; the update is abandoned, the image kept.',
  },
} as const satisfies ErrorCatalogue;

export type OtaErrorCode = keyof typeof OTA_ERRORS;
export const otaError = errorFactory(OTA_ERRORS);
