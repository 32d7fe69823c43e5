import type { Migration } from './index.js';

/** Monitoring and incident response (issue 6): metric windows, profiles, alerts, incidents, playbooks. */
export const monitor: Migration = {
  version: 7,
  name: 'monitor',
  statements: [
    // One row per device, source and window: device-side reports merged, or gateway counter deltas.
    `create table monitor_windows (
      device_id text not null,
      source text not null check (source in ('device', 'gateway')),
      window_start timestamptz not null,
      window_ms integer not null,
      reports integer not null,
      metrics jsonb not null,
      primary key (device_id, source, window_start)
    )`,
    `create index monitor_windows_start on monitor_windows (window_start)`,
    `create table security_profiles (
      name text primary key,
      body jsonb not null,
      updated_at timestamptz not null,
      updated_by text not null
    )`,
    `create table alerts (
      id text primary key,
      device_id text not null,
      profile text not null,
      behavior text not null,
      kind text not null,
      severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
      state text not null check (state in ('active', 'cleared')),
      observed jsonb not null,
      expected jsonb not null,
      datapoints integer not null,
      first_at timestamptz not null,
      last_at timestamptz not null,
      cleared_at timestamptz,
      incident_id text
    )`,
    `create unique index alerts_one_active on alerts (device_id, profile, behavior) where state = 'active'`,
    `create index alerts_device on alerts (device_id, first_at desc)`,
    `create table incidents (
      id text primary key,
      device_id text not null,
      state text not null check (state in ('open', 'contained', 'resolved')),
      severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
      opened_at timestamptz not null,
      updated_at timestamptz not null,
      resolved_at timestamptz
    )`,
    `create unique index incidents_one_open on incidents (device_id) where state <> 'resolved'`,
    // The timeline: alerts, playbook steps (step_key makes each step run once) and operator notes.
    `create table incident_timeline (
      id bigserial primary key,
      incident_id text not null references incidents (id),
      at timestamptz not null,
      entry text not null check (entry in ('alert', 'step', 'note')),
      step_key text,
      details jsonb not null
    )`,
    `create unique index incident_steps_once on incident_timeline (incident_id, step_key) where step_key is not null`,
    `create table playbooks (
      name text primary key,
      body jsonb not null,
      updated_at timestamptz not null,
      updated_by text not null
    )`,
    `create table notify_dead_letters (
      id bigserial primary key,
      at timestamptz not null,
      url text not null,
      body jsonb not null,
      attempts integer not null,
      last_error text not null
    )`,
    `create table monitor_audit_findings (
      id bigserial primary key,
      run_id text not null,
      at timestamptz not null,
      check_name text not null,
      target text not null,
      severity text not null,
      details jsonb not null
    )`,
    `create index monitor_audit_findings_run on monitor_audit_findings (run_id)`,
  ],
};
