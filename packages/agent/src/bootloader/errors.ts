import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Codes of the device bootloader (A/B slots, secure boot, anti-rollback). */
export const BOOTLOADER_ERRORS = {
  FW_BOOT_NO_VALID_IMAGE: {
    fault: 'unavailable',
    summary: 'Neither slot holds an image that verifies against the root of trust with an allowed security counter.',
  },
  FW_BOOT_ROLLBACK_REFUSED: {
    fault: 'conflict',
    summary: 'The image security counter is lower than the one stored on the device (anti-rollback).',
  },
  FW_BOOT_COUNTER_MISSING: {
    fault: 'input',
    summary: 'The image has no SEC_CNT TLV; the bootloader only takes images with a security counter.',
  },
  FW_BOOT_UPDATE_PENDING: {
    fault: 'conflict',
    summary: 'An installed image is still in test mode; confirm or revert it before installing another.',
  },
  FW_BOOT_NOT_IN_TEST: {
    fault: 'conflict',
    summary: 'Confirm or revert needs a newly installed image booted in test mode; there is none.',
  },
  FW_BOOT_STATE_CORRUPT: {
    fault: 'internal',
    summary: 'The boot state record cannot be read; the bootloader refuses to guess the stored security counter.',
  },
  FW_BOOT_ROOT_OF_TRUST: {
    fault: 'conflict',
    summary: 'The root-of-trust public key is missing, or provisioning would replace an existing one.',
  },
} as const satisfies ErrorCatalogue;

export type BootloaderErrorCode = keyof typeof BOOTLOADER_ERRORS;
export const bootError = errorFactory(BOOTLOADER_ERRORS);
