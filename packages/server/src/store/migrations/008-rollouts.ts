import type { Migration } from './index.js';

/** Staged rollouts (issue 5 §5): device groups, rollouts in waves, each device's progress. */
export const rollouts: Migration = {
  version: 8,
  name: 'rollouts',
  statements: [
    `create table device_groups (
      group_name text not null,
      device_id text not null references devices (id) on delete cascade,
      added_at timestamptz not null,
      primary key (group_name, device_id)
    )`,
    // waves: cumulative percentages of the target devices, e.g. [1, 10, 50, 100].
    `create table rollouts (
      id text primary key,
      release text not null,
      version text not null,
      model text not null,
      group_name text,
      waves jsonb not null,
      max_failure_rate double precision not null,
      wave_wait_ms bigint not null,
      state text not null check (state in ('running', 'paused', 'completed', 'aborted')),
      wave integer not null default 0,
      wave_done_at timestamptz,
      waived_wave integer,
      pause_reason text,
      created_by text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`,
    `create index rollouts_state on rollouts (state)`,
    `create table rollout_devices (
      rollout_id text not null references rollouts (id) on delete cascade,
      device_id text not null references devices (id) on delete cascade,
      wave integer not null,
      status text not null default 'pending',
      notified_at timestamptz,
      notifications integer not null default 0,
      reported_at timestamptz,
      version text,
      error text,
      primary key (rollout_id, device_id)
    )`,
    `create index rollout_devices_wave on rollout_devices (rollout_id, wave, status)`,
  ],
};
