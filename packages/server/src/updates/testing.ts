// Helpers for the updates tests: an in-memory context with a recording audit log, the updates service
// behind HTTP routes, a signed image.
import { randomBytes } from 'node:crypto';
import { buildHttp, type Http } from '../api/index.js';
import {
  FleetEvents,
  silentLogger,
  type AuditEntry,
  type AuditLog,
  type Clock,
  type Context,
} from '../kernel/index.js';
import { Sealer } from '../secrets/index.js';
import { openStore } from '../store/index.js';
import { generateFirmwareKey, loadSigningKey, signImage, type FirmwareKeyPair } from '../firmware/index.js';
import { openUpdates, type Updates } from './index.js';

export class RecordingAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}

export async function openTestContext(clock: Clock): Promise<{ ctx: Context; audit: RecordingAudit; sealer: Sealer }> {
  const audit = new RecordingAudit();
  const ctx: Context = { store: await openStore(), clock, events: new FleetEvents(), log: silentLogger, audit };
  return { ctx, audit, sealer: new Sealer(randomBytes(32)) };
}

export interface UpdatesHarness {
  readonly ctx: Context;
  readonly audit: RecordingAudit;
  readonly updates: Updates;
  /** The updates routes, ready, every request authenticated as an admin. */
  readonly http: Http;
  close(): Promise<void>;
}

/** The updates service over an in-memory context, with its routes registered on an HTTP app. */
export async function openUpdatesHarness(clock: Clock): Promise<UpdatesHarness> {
  const { ctx, audit, sealer } = await openTestContext(clock);
  const updates = await openUpdates(ctx, sealer);
  const principal = { username: 'alice', role: 'admin' as const };
  const http = buildHttp({ log: ctx.log, authenticate: async () => principal as never });
  await http.app.register(updates.routes);
  await http.app.ready();
  return {
    ctx,
    audit,
    updates,
    http,
    async close() {
      updates.close();
      await http.app.close();
      await ctx.store.close();
    },
  };
}

/** An MCUboot image of `size` random payload bytes, signed by `key`. */
export function testImage(key: FirmwareKeyPair, version: string, securityCounter: number, size = 1024): Uint8Array {
  const key_ = loadSigningKey(key.privateKeyPem).key;
  return signImage(randomBytes(size), key_, { version, securityCounter, headerSize: 0x200, padHeader: true });
}

export { generateFirmwareKey };
