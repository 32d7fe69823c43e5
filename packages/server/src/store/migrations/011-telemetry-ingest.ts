import type { Migration } from './index.js';

/**
 * Telemetry ingest without a per-row foreign key check (docs/decisions/0011-telemetry-insert.md):
 * PostgreSQL checks a foreign key with a trigger and a lookup per inserted row, about a third of
 * the embedded store's cost per telemetry row. Every telemetry row comes from a device the gateway
 * authenticated against its devices row, and devices are never deleted (retired is a state), so
 * the check never fails; erasure deletes a device's telemetry explicitly.
 */
export const telemetryIngest: Migration = {
  version: 11,
  name: 'telemetry-ingest',
  statements: ['alter table telemetry drop constraint telemetry_device_id_fkey'],
};
