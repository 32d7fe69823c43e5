import type { Migration } from './index.js';

/** Devices, identity, operators and the audit log. */
export const foundation: Migration = {
  version: 1,
  name: 'foundation',
  statements: [
    `create table settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    )`,
    // Keys of the CA and of the server's TLS certificate, encrypted under the master key.
    `create table ca_keys (
      id text primary key,
      cert_der bytea not null,
      key_enc bytea not null,
      created_at timestamptz not null default now()
    )`,
    `create table devices (
      id text primary key,
      model text not null,
      state text not null default 'active'
        check (state in ('active', 'quarantined', 'revoked', 'retired')),
      enrolled_via text not null check (enrolled_via in ('claim', 'idevid')),
      claim_id text,
      idevid_serial text,
      enrolled_at timestamptz not null,
      updated_at timestamptz not null
    )`,
    `create index devices_model on devices (model)`,
    `create table certificates (
      serial text primary key,
      device_id text not null references devices (id),
      der bytea not null,
      fingerprint text not null unique,
      not_before timestamptz not null,
      not_after timestamptz not null,
      status text not null default 'valid' check (status in ('valid', 'superseded', 'revoked')),
      revoked_at timestamptz,
      revocation_reason integer,
      created_at timestamptz not null
    )`,
    `create index certificates_device on certificates (device_id)`,
    `create index certificates_revoked on certificates (revoked_at) where revoked_at is not null`,
    `create table claim_tokens (
      id text primary key,
      hash bytea not null,
      model text not null,
      max_uses integer not null check (max_uses > 0),
      uses integer not null default 0,
      expires_at timestamptz not null,
      created_by text not null,
      created_at timestamptz not null,
      revoked_at timestamptz
    )`,
    `create table manufacturers (
      id text primary key,
      model text not null,
      name text not null,
      ca_der bytea not null,
      fingerprint text not null,
      created_at timestamptz not null,
      unique (model, fingerprint)
    )`,
    `create table operators (
      id text primary key,
      username text not null unique,
      password_hash text not null,
      role text not null check (role in ('viewer', 'operator', 'admin')),
      failed_logins integer not null default 0,
      locked_until timestamptz,
      created_at timestamptz not null
    )`,
    `create table api_tokens (
      id text primary key,
      hash bytea not null,
      operator_id text not null references operators (id),
      role text not null check (role in ('viewer', 'operator', 'admin')),
      name text not null,
      created_at timestamptz not null,
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`,
    `create table audit_log (
      seq bigint primary key,
      at timestamptz not null,
      actor text not null,
      action text not null,
      target text not null,
      details jsonb not null,
      prev_hash text not null,
      hash text not null
    )`,
    `create table telemetry (
      id bigserial primary key,
      device_id text not null references devices (id),
      message_id text,
      received_at timestamptz not null,
      device_time timestamptz,
      fields jsonb not null
    )`,
    `create unique index telemetry_dedup on telemetry (device_id, message_id) where message_id is not null`,
    `create index telemetry_device_time on telemetry (device_id, received_at desc)`,
  ],
};
