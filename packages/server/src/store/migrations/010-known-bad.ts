import type { Migration } from './index.js';

/**
 * Known-bad firmware (issues 5 and 6): a release may be marked known-bad (reason, advisory id),
 * and each device's current firmware is the version it last confirmed through a rollout.
 */
export const knownBad: Migration = {
  version: 10,
  name: 'known-bad-firmware',
  statements: [
    `alter table tuf_targets add column known_bad_at timestamptz`,
    `alter table tuf_targets add column known_bad_reason text`,
    `alter table tuf_targets add column known_bad_advisory text`,
    `alter table tuf_targets add column known_bad_by text`,
    // The version (and release) the device last confirmed running, and when.
    `alter table devices add column firmware_version text`,
    `alter table devices add column firmware_release text`,
    `alter table devices add column firmware_at timestamptz`,
    `create index devices_firmware on devices (model, firmware_version)`,
  ],
};
