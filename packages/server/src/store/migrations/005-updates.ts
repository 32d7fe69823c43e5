import type { Migration } from './index.js';

/** The TUF repository (keys, signed metadata, targets) and the firmware keys of hardware models. */
export const updates: Migration = {
  version: 5,
  name: 'updates',
  statements: [
    // One row per TUF signing key. key_enc is the PKCS#8 private key sealed under the master key,
    // null when the key is kept offline (only its public half is on the server).
    `create table tuf_keys (
      key_id text primary key,
      role text not null,
      public_json jsonb not null,
      key_enc bytea,
      created_at timestamptz not null default now(),
      retired_at timestamptz
    )`,
    // Every version of every role's metadata, byte for byte as served (consistent snapshots).
    `create table tuf_metadata (
      role text not null,
      version integer not null,
      body bytea not null,
      expires timestamptz not null,
      created_at timestamptz not null default now(),
      primary key (role, version)
    )`,
    // Target files (firmware images), stored in the database: a few MiB each at most.
    `create table tuf_targets (
      name text primary key,
      sha256 text not null unique,
      length integer not null,
      body bytea not null,
      model text not null,
      version text not null,
      security_counter integer not null,
      notes text,
      published_by text not null,
      created_at timestamptz not null default now()
    )`,
    `create index tuf_targets_model on tuf_targets (model, created_at)`,
    // The public key each hardware model's images must be signed with (SubjectPublicKeyInfo PEM).
    `create table firmware_keys (
      model text primary key,
      pem text not null,
      created_at timestamptz not null default now()
    )`,
  ],
};
