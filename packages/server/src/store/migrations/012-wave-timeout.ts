import type { Migration } from './index.js';

/** Rollouts: how long a wave waits for its devices, and when the current wave started. */
export const waveTimeout: Migration = {
  version: 12,
  name: 'wave-timeout',
  statements: [
    'alter table rollouts add column wave_timeout_ms bigint not null default 0',
    'alter table rollouts add column wave_started_at timestamptz',
    'update rollouts set wave_started_at = coalesce(updated_at, created_at)',
    'alter table rollouts alter column wave_started_at set not null',
  ],
};
