// Helpers for the identity tests: an in-memory context, a recording audit log, CSR builders.
import { randomBytes } from 'node:crypto';
import { FleetEvents, silentLogger, systemClock, type AuditEntry, type AuditLog, type Clock } from '../kernel/index.js';
import type { Context } from '../kernel/index.js';
import { Sealer } from '../secrets/index.js';
import { openStore } from '../store/index.js';
import type { CryptoKeyPair } from './crypto.js';
import { subtle, x509 } from './crypto.js';
import { Identity, type IdentityOptions } from './identity.js';

export class MemoryAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
  actions(): string[] {
    return this.entries.map((e) => e.action);
  }
}

export interface TestIdentity {
  readonly identity: Identity;
  readonly ctx: Context;
  readonly audit: MemoryAudit;
  readonly sealer: Sealer;
  close(): Promise<void>;
}

export async function openTestIdentity(
  clock: Clock = systemClock,
  options: Partial<IdentityOptions> = {},
): Promise<TestIdentity> {
  const store = await openStore();
  const audit = new MemoryAudit();
  const ctx: Context = { store, clock, events: new FleetEvents(), log: silentLogger, audit };
  const sealer = options.sealer ?? new Sealer(randomBytes(32));
  const identity = await Identity.open(ctx, { ...options, sealer });
  return { identity, ctx, audit, sealer, close: () => store.close() };
}

export type KeyKind = 'p256' | 'p384' | 'ed25519' | 'rsa2048' | 'rsa3072';

const KEY_PARAMS: Record<KeyKind, { gen: object; sign: object }> = {
  p256: { gen: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  p384: { gen: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } },
  ed25519: { gen: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  rsa2048: {
    gen: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  rsa3072: {
    gen: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
};

export async function makeKeys(kind: KeyKind = 'p256'): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(KEY_PARAMS[kind].gen as never, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** A DER PKCS#10 request; `name` is a DN string or JSON name. */
export async function makeCsr(
  name: string | x509.JsonName,
  kind: KeyKind = 'p256',
  keys?: CryptoKeyPair,
): Promise<{ der: Buffer; keys: CryptoKeyPair }> {
  const pair = keys ?? (await makeKeys(kind));
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys: pair as never,
    signingAlgorithm: KEY_PARAMS[kind].sign as never,
  });
  return { der: Buffer.from(csr.rawData), keys: pair };
}
