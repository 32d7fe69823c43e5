import { createHash, randomBytes } from 'node:crypto';
import { FixedClock, FleetEvents, silentLogger, type AuditEntry, type Context } from '../kernel/index.js';
import { Sealer } from '../secrets/index.js';
import { openStore, type Store } from '../store/index.js';
import { ingestTelemetry } from '../telemetry/index.js';
import type { UniformSource } from './aggregate/index.js';
import { Privacy, type PrivacyOptions } from './service.js';

/** An audit log that records entries in memory, for assertions. */
export class MemoryAudit {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}

/** A seeded uniform source in (0, 1] (SHA-256 in counter mode): reproducible noise for tests. */
export function seededUniform(seed: string): UniformSource {
  let counter = 0;
  let block = Buffer.alloc(0);
  let at = 0;
  return {
    next() {
      if (at + 8 > block.length) {
        block = createHash('sha256').update(`${seed}:${counter++}`).digest();
        at = 0;
      }
      const n = block.readBigUInt64BE(at) >> 11n;
      at += 8;
      return (Number(n) + 1) / 2 ** 53;
    },
  };
}

export interface PrivacyHarness {
  readonly store: Store;
  readonly clock: FixedClock;
  readonly audit: MemoryAudit;
  readonly ctx: Context;
  readonly privacy: Privacy;
  addDevice(id: string, model: string): Promise<void>;
  ingest(id: string, fields: Record<string, number | string | boolean>, messageId?: string): Promise<void>;
  stored(id: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** An in-memory store (PGlite), a fixed clock and a Privacy over them. */
export async function privacyHarness(options: Partial<PrivacyOptions> = {}): Promise<PrivacyHarness> {
  const store = await openStore();
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  const audit = new MemoryAudit();
  const ctx: Context = { store, clock, events: new FleetEvents(), log: silentLogger, audit };
  const privacy = new Privacy(ctx, { sealer: new Sealer(randomBytes(32)), ...options });
  return {
    store,
    clock,
    audit,
    ctx,
    privacy,
    async addDevice(id, model) {
      await store.query(
        `insert into devices (id, model, enrolled_via, enrolled_at, updated_at) values ($1, $2, 'claim', $3, $3)`,
        [id, model, clock.now()],
      );
    },
    async ingest(id, fields, messageId) {
      const payload = Buffer.from(JSON.stringify({ ...fields, ...(messageId ? { messageId } : {}) }));
      await ingestTelemetry(store, clock, id, payload, { minimize: privacy.minimize });
    },
    async stored(id) {
      const r = await store.query<{ fields: Record<string, unknown> }>(
        'select fields from telemetry where device_id = $1 order by id, ord',
        [id],
      );
      return r.rows.map((x) => x.fields);
    },
    close: () => store.close(),
  };
}

/** A model with one field per kind of purpose, to test consent without touching the built-ins. */
export const TRACKER = {
  title: 'Pet tracker',
  sensors: ['GNSS', 'accelerometer'],
  recipients: [],
  fields: [
    {
      name: 'battery',
      category: 'system.operations',
      purposes: ['essential.service.operations'],
      essential: true,
      sensitivity: 'low',
      retentionDays: 30,
      storage: 'platform',
      description: 'Battery level.',
    },
    {
      name: 'steps',
      category: 'user.device.telemetry',
      purposes: ['analytics.reporting'],
      essential: false,
      sensitivity: 'low',
      retentionDays: 90,
      storage: 'platform',
      description: 'Steps walked.',
    },
    {
      name: 'ad_segment',
      category: 'user.behavior',
      purposes: ['marketing.advertising'],
      essential: false,
      sensitivity: 'low',
      retentionDays: 30,
      storage: 'platform',
      description: 'Interest segment.',
    },
    {
      name: 'heart_rate',
      category: 'user.health',
      purposes: ['improve.system'],
      essential: false,
      sensitivity: 'high',
      retentionDays: 7,
      storage: 'platform',
      description: 'Heart rate.',
    },
    {
      name: 'lat',
      category: 'user.location.precise',
      purposes: ['analytics.reporting'],
      essential: false,
      sensitivity: 'high',
      retentionDays: 30,
      storage: 'platform',
      description: 'Latitude.',
      coarsen: { decimals: 1 },
    },
    {
      name: 'raw_audio',
      category: 'user.sensor',
      purposes: ['essential.service.operations'],
      essential: true,
      sensitivity: 'high',
      retentionDays: 1,
      storage: 'device',
      description: 'Audio, processed on the device.',
    },
  ],
} as const;
