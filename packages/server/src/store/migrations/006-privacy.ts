import type { Migration } from './index.js';

/** Privacy by design (issue 7): catalogs, owners, consent receipts, retention evidence, keys, budgets. */
export const privacy: Migration = {
  version: 6,
  name: 'privacy',
  statements: [
    `create table privacy_catalogs (
      model text not null,
      version integer not null,
      body jsonb not null,
      declared_at timestamptz not null,
      primary key (model, version)
    )`,
    // Owners are data subjects. audit_ref names them in the audit log and dies with the row.
    `create table privacy_owners (
      id text primary key,
      audit_ref text not null unique,
      name text not null,
      email text,
      region text not null,
      created_at timestamptz not null
    )`,
    `create table privacy_device_owners (
      device_id text primary key references devices (id),
      owner_id text not null references privacy_owners (id),
      assigned_at timestamptz not null
    )`,
    `create index privacy_device_owners_owner on privacy_device_owners (owner_id)`,
    // ISO/IEC TS 27560 consent records: one row per event, never updated; the newest wins.
    `create table privacy_consents (
      seq bigserial primary key,
      receipt_id text not null unique,
      owner_id text not null references privacy_owners (id),
      device_id text not null references devices (id),
      purpose text not null,
      state text not null check (state in ('given', 'withdrawn')),
      categories jsonb,
      at timestamptz not null,
      receipt jsonb not null
    )`,
    `create index privacy_consents_subject on privacy_consents (owner_id, device_id, purpose, seq desc)`,
    `create table privacy_retention_runs (
      id bigserial primary key,
      started_at timestamptz not null,
      finished_at timestamptz not null,
      evidence jsonb not null
    )`,
    `create table privacy_pseudonym_keys (
      purpose text not null,
      version integer not null,
      key_enc bytea not null,
      created_at timestamptz not null,
      primary key (purpose, version)
    )`,
    `create table privacy_budgets (
      dataset text primary key,
      epsilon_total double precision not null check (epsilon_total > 0),
      epsilon_spent double precision not null default 0,
      updated_at timestamptz not null
    )`,
    `create index telemetry_received on telemetry (received_at)`,
  ],
};
